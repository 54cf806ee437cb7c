# This file is part of the one_stop_feedback module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""The feedback register in a database, with a fixed clock.

The clock is the context's _feedback_now (a naive UTC datetime), set here
as the server would; the agencies are in Hanoi (UTC+7).  The calendar is
the one of test_rules.py: 30/04, 01/05 and 02/05/2025 off, Saturday
26/04/2025 worked.
"""
import datetime as dt
import os

import pytest
from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.one_stop.exceptions import TransitionError
from trytond.modules.one_stop.tests.scenarios import (
    run_scenario, scenario_files)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

D = dt.date


def at(year, month, day, hour=9, minute=0):
    "The naive UTC datetime of a local time in Hanoi (UTC+7)"
    return dt.datetime(year, month, day, hour, minute) - dt.timedelta(hours=7)


def clock(moment):
    return Transaction().set_context(_feedback_now=moment)


class OneStopFeedbackTestCase(ModuleTestCase):
    "Test One-stop Feedback module"
    module = 'one_stop_feedback'

    def world(self):
        "Agencies P > A, B (no leader), C; holidays; kinds of 7 and 3 days"
        pool = Pool()
        Agency = pool.get('one_stop.agency')
        Holiday = pool.get('one_stop.holiday')
        Kind = pool.get('one_stop.feedback.kind')
        p = Agency(name="UBND tỉnh", code='H15.01',
            kind='province_committee')
        p.save()
        a = Agency(name="Sở Tư pháp", code='H15.03', parent=p)
        b = Agency(name="Sở Xây dựng", code='H15.05', parent=p)
        c = Agency(name="UBND xã", code='H15.22', kind='commune_committee')
        Agency.save([a, b, c])
        Holiday.save([
                Holiday(date=D(2025, 4, 26), name="Làm bù", kind='working'),
                Holiday(date=D(2025, 4, 30), name="30/4"),
                Holiday(date=D(2025, 5, 1), name="1/5"),
                Holiday(date=D(2025, 5, 2), name="Nghỉ bù"),
                ])
        week = Kind(code='week', name="Week", handling_days=7)
        short = Kind(code='short', name="Short", handling_days=3)
        Kind.save([week, short])
        fifteen, = Kind.search([('code', '=', 'lateness')])
        return {'p': p, 'a': a, 'b': b, 'c': c, 'week': week,
            'short': short, 'fifteen': fifteen}

    def receive(self, agency, kind, moment, **values):
        Feedback = Pool().get('one_stop.feedback')
        with clock(moment):
            feedback, = Feedback.create([dict({
                            'agency': agency.id, 'kind': kind.id,
                            'channel': 'hotline',
                            'content': "Cán bộ hẹn trả kết quả trễ",
                            }, **values)])
        return feedback

    def user(self, login, agency, *groups):
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        user, = User.create([{
                    'login': login, 'name': login,
                    'one_stop_agency': agency.id,
                    'groups': [('add', [
                                ModelData.get_id('one_stop_feedback', g)
                                for g in groups])],
                    }])
        return user

    @with_transaction()
    def test_kinds_loaded(self):
        "The six subjects of the register, 15 working days, not confirmed"
        Kind = Pool().get('one_stop.feedback.kind')
        kinds = Kind.search([])
        self.assertEqual([k.code for k in kinds], [
                'reception', 'handling', 'lateness', 'staff_attitude',
                'fees', 'other'])
        self.assertEqual({k.handling_days for k in kinds}, {15})
        self.assertEqual({k.deadline_confirmed for k in kinds}, {False})
        self.assertEqual(
            [k.code for k in kinds if k.about_dossier],
            ['reception', 'handling', 'lateness'])
        self.assertIn('20/2008', kinds[0].legal_basis)
        self.assertIn('[U]', kinds[0].legal_basis)

    @with_transaction()
    def test_reception(self):
        "Received at the server's time; deadline across the holidays"
        pool = Pool()
        Event = pool.get('one_stop.feedback.event')
        w = self.world()
        handler = self.user('handler', w['a'], 'group_feedback_handler')
        # Thursday 24/04/2025 10:00 in Hanoi; 15 working days: 19/05/2025
        # (test_rules.py gives the count); the values of the server win
        with Transaction().set_user(handler.id):
            feedback = self.receive(
                w['a'], w['fifteen'], at(2025, 4, 24, 10),
                received_date=dt.datetime(2020, 1, 1),
                deadline_date=D(2020, 1, 1), code='FORGED',
                received_by=None, state='received')
        self.assertEqual(feedback.received_date, dt.datetime(2025, 4, 24, 3))
        self.assertEqual(feedback.deadline_date, D(2025, 5, 19))
        self.assertRegex(feedback.code, r'^PAKN-2025-\d{5}$')
        self.assertEqual(feedback.received_agency, w['a'])
        self.assertEqual(feedback.received_by, handler)
        self.assertEqual(feedback.state, 'received')
        event, = Event.search([('feedback', '=', feedback.id)])
        self.assertEqual(
            (event.from_state, event.to_state, event.date),
            (None, 'received', dt.datetime(2025, 4, 24, 3)))

    @with_transaction()
    def test_codes_follow_each_other(self):
        w = self.world()
        first = self.receive(w['a'], w['week'], at(2025, 4, 24))
        second = self.receive(w['b'], w['week'], at(2025, 4, 24))
        number = int(first.code.rsplit('-', 1)[1])
        self.assertEqual(second.code, f'PAKN-2025-{number + 1:05d}')

    @with_transaction()
    def test_deadline_local_day_of_receipt(self):
        "The day of receipt is the day in Hanoi, not the UTC day"
        w = self.world()
        one = Pool().get('one_stop.feedback.kind')(
            code='one', name="One", handling_days=1)
        one.save()
        # Thursday 13/03/2025 23:59 in Hanoi: day 1 is Friday 14/03
        late_evening = self.receive(
            w['a'], one, dt.datetime(2025, 3, 13, 16, 59))
        self.assertEqual(late_evening.deadline_date, D(2025, 3, 14))
        # Friday 14/03/2025 00:00 in Hanoi (17:00 UTC on Thursday): day 1
        # is Monday 17/03 across the weekend
        midnight = self.receive(w['a'], one, dt.datetime(2025, 3, 13, 17))
        self.assertEqual(midnight.deadline_date, D(2025, 3, 17))
        # received on Saturday 15/03/2025 (portal), 3 days: Mon 17, Tue 18,
        # Wed 19
        saturday = self.receive(w['a'], w['short'], at(2025, 3, 15))
        self.assertEqual(saturday.deadline_date, D(2025, 3, 19))

    @with_transaction()
    def test_kind_change_recomputes_deadline(self):
        w = self.world()
        # Tuesday 22/04/2025; 3 days: Wed 23, Thu 24, Fri 25
        feedback = self.receive(w['a'], w['short'], at(2025, 4, 22))
        self.assertEqual(feedback.deadline_date, D(2025, 4, 25))
        Feedback = Pool().get('one_stop.feedback')
        Feedback.write([feedback], {'kind': w['week'].id})
        # 7 days: Wed 23, Thu 24, Fri 25, Sat 26, Mon 28, Tue 29, Mon 05/05
        self.assertEqual(feedback.deadline_date, D(2025, 5, 5))

    @with_transaction()
    def test_transfer_on_time_and_late(self):
        pool = Pool()
        Feedback = pool.get('one_stop.feedback')
        Event = pool.get('one_stop.feedback.event')
        w = self.world()
        # both got by A on Tuesday 22/04/2025
        on_time = self.receive(w['a'], w['fifteen'], at(2025, 4, 22))
        late = self.receive(w['a'], w['fifteen'], at(2025, 4, 22, 16))
        # Monday 28/04 is the 5th working day (Saturday 26/04 is worked)
        with clock(at(2025, 4, 28, 15)):
            Feedback.transfer_to([on_time], w['b'], "Thuộc thẩm quyền Sở XD")
        with clock(at(2025, 4, 29, 8)):
            Feedback.transfer_to([late], w['c'], "Thuộc thẩm quyền xã")
        self.assertEqual(
            (on_time.agency, on_time.received_agency, on_time.state,
                on_time.transfer_late),
            (w['b'], w['a'], 'transferred', False))
        self.assertEqual((late.agency, late.transfer_late), (w['c'], True))
        # The competent agency's deadline counts from the transfer:
        # from 28/04: 1 Tue 29/04, 2 Mon 05/05 ... 15 Thu 22/05;
        # from 29/04: 1 Mon 05/05 ... 15 Fri 23/05
        self.assertEqual(on_time.deadline_date, D(2025, 5, 22))
        self.assertEqual(late.deadline_date, D(2025, 5, 23))
        self.assertEqual(on_time.assigned_date, at(2025, 4, 28, 15))
        event, = Event.search([
                ('feedback', '=', late.id),
                ('to_state', '=', 'transferred')])
        self.assertEqual(
            (event.from_state, event.from_agency, event.to_agency,
                event.late, event.note),
            ('received', w['a'], w['c'], True, "Thuộc thẩm quyền xã"))
        # transferred on by C to B on Thursday 08/05: C got it on 29/04,
        # Mon 05, Tue 06, Wed 07, Thu 08 are 4 working days: on time
        with clock(at(2025, 5, 8)):
            Feedback.transfer_to([late], w['b'], "Sai thẩm quyền")
        self.assertEqual((late.agency, late.received_agency), (w['b'], w['a']))
        events = Event.search([
                ('feedback', '=', late.id),
                ('to_state', '=', 'transferred')])
        self.assertEqual(
            [(e.from_agency, e.to_agency, e.late) for e in events],
            [(w['a'], w['c'], True), (w['c'], w['b'], False)])
        # the case stays late: one transfer was
        self.assertTrue(late.transfer_late)

    @with_transaction()
    def test_transfer_to_same_agency_refused(self):
        Feedback = Pool().get('one_stop.feedback')
        w = self.world()
        feedback = self.receive(w['a'], w['week'], at(2025, 4, 22))
        with self.assertRaisesRegex(ValidationError, 'already in the charge'):
            with clock(at(2025, 4, 23)):
                Feedback.transfer_to([feedback], w['a'], "?")
        self.assertEqual(feedback.state, 'received')

    @with_transaction()
    def test_answer_on_time_and_late(self):
        pool = Pool()
        Feedback = pool.get('one_stop.feedback')
        w = self.world()
        handler = self.user('handler', w['a'], 'group_feedback_handler')
        # deadline Monday 19/05/2025
        on_time = self.receive(w['a'], w['fifteen'], at(2025, 4, 24))
        late = self.receive(w['a'], w['fifteen'], at(2025, 4, 24))
        Feedback.write([on_time, late], {'answer_text': "Đã trả kết quả"})
        # 23:00 in Hanoi on the deadline is still on time
        with clock(at(2025, 5, 19, 23)), Transaction().set_user(handler.id):
            Feedback.answer([on_time])
        # 00:30 in Hanoi the next day is late
        with clock(at(2025, 5, 20, 0, 30)):
            Feedback.answer([late])
        self.assertEqual(
            (on_time.state, on_time.timeliness, on_time.answered_date,
                on_time.answered_by.id),
            ('answered', 'on_time', at(2025, 5, 19, 23), handler.id))
        self.assertEqual(late.timeliness, 'late')

    @with_transaction()
    def test_answer_required(self):
        Feedback = Pool().get('one_stop.feedback')
        w = self.world()
        feedback = self.receive(w['a'], w['week'], at(2025, 4, 22))
        with self.assertRaisesRegex(TransitionError, 'Enter the answer'):
            Feedback.answer([feedback])
        self.assertEqual(feedback.state, 'received')
        self.assertIsNone(feedback.answered_date)

    @with_transaction()
    def test_invalid_transitions_refused(self):
        Feedback = Pool().get('one_stop.feedback')
        w = self.world()
        feedback = self.receive(w['a'], w['week'], at(2025, 4, 22))
        with self.assertRaisesRegex(TransitionError, 'cannot go from'):
            Feedback.close([feedback])
        with self.assertRaisesRegex(TransitionError, 'Enter the reason'):
            Feedback.reject([feedback])
        self.assertEqual(feedback.state, 'received')

    @with_transaction()
    def test_contact_phone_erased_when_the_case_ends(self):
        Feedback = Pool().get('one_stop.feedback')
        w = self.world()
        closed = self.receive(w['a'], w['week'], at(2025, 4, 22),
            contact_phone='0912 345 678')
        rejected = self.receive(w['a'], w['week'], at(2025, 4, 22),
            contact_phone='0987 654 321')
        Feedback.write([closed], {'answer_text': "Đã xử lý"})
        with clock(at(2025, 4, 23)):
            Feedback.answer([closed])
        self.assertEqual(closed.contact_phone, '0912 345 678')
        with clock(at(2025, 4, 25)):
            Feedback.close([closed])
        Feedback.write([rejected], {'reason': "Khiếu nại, không phải PAKN"})
        with clock(at(2025, 4, 25)):
            Feedback.reject([rejected])
        self.assertIsNone(closed.contact_phone)
        self.assertIsNone(rejected.contact_phone)
        self.assertEqual(closed.closed_date, at(2025, 4, 25))
        # the rest of the case is kept
        self.assertEqual(closed.answer_text, "Đã xử lý")

    @with_transaction()
    def test_contact_phone_never_exported(self):
        pool = Pool()
        Feedback = pool.get('one_stop.feedback')
        Event = pool.get('one_stop.feedback.event')
        w = self.world()
        feedback = self.receive(w['a'], w['week'], at(2025, 4, 22),
            contact_phone='0912 345 678')
        self.assertEqual(
            Feedback.export_data([feedback], ['code', 'channel']),
            [[feedback.code, 'hotline']])
        for fields_names in [['code', 'contact_phone'],
                ['events/feedback/contact_phone']]:
            with self.assertRaisesRegex(AccessError, 'never exported'):
                Feedback.export_data([feedback], fields_names)
        with self.assertRaisesRegex(AccessError, 'never exported'):
            Event.export_data(feedback.events, ['feedback/contact_phone'])

    @with_transaction()
    def test_system_fields_refused(self):
        Feedback = Pool().get('one_stop.feedback')
        w = self.world()
        feedback = self.receive(w['a'], w['week'], at(2025, 4, 22))
        for values, message in [
                ({'deadline_date': D(2030, 1, 1)}, 'set by the system'),
                ({'state': 'closed'}, 'set by the system'),
                ({'timeliness': 'on_time'}, 'set by the system'),
                ({'agency': w['b'].id}, 'Transfer button'),
                ({'rating': '5'}, 'not answered yet'),
                ]:
            with self.subTest(values=values):
                with self.assertRaisesRegex(AccessError, message):
                    Feedback.write([feedback], values)
        self.assertEqual(
            (feedback.deadline_date, feedback.state, feedback.agency),
            (D(2025, 5, 5), 'received', w['a']))
        # unchanged values are let through (a client may send them)
        Feedback.write([feedback], {'agency': w['a'].id, 'content': "Sửa"})
        self.assertEqual(feedback.content, "Sửa")

    @with_transaction()
    def test_answered_case_is_fixed_but_its_rating(self):
        Feedback = Pool().get('one_stop.feedback')
        w = self.world()
        feedback = self.receive(w['a'], w['week'], at(2025, 4, 22))
        Feedback.write([feedback], {'answer_text': "Trả lời"})
        with clock(at(2025, 4, 23)):
            Feedback.answer([feedback])
        with self.assertRaisesRegex(AccessError, 'cannot be changed any'):
            Feedback.write([feedback], {'answer_text': "Trả lời khác"})
        Feedback.write([feedback], {'rating': '2'})
        self.assertEqual(
            (feedback.answer_text, feedback.rating), ("Trả lời", '2'))
        with self.assertRaisesRegex(AccessError, 'cannot be deleted'):
            Feedback.delete([feedback])

    @with_transaction()
    def test_agency_must_exist_on_the_day(self):
        w = self.world()
        w['a'].end_date = D(2025, 3, 31)
        w['a'].successor = w['p']
        w['a'].save()
        with self.assertRaisesRegex(ValidationError, 'does not exist'):
            self.receive(w['a'], w['week'], at(2025, 4, 22))

    @with_transaction()
    def test_reminders_and_escalation_with_a_fixed_clock(self):
        pool = Pool()
        Feedback = pool.get('one_stop.feedback')
        transaction = Transaction()
        w = self.world()
        for login, agency, group in [
                ('handler_a', 'a', 'group_feedback_handler'),
                ('handler_b', 'b', 'group_feedback_handler'),
                ('handler_c', 'c', 'group_feedback_handler'),
                ('leader_a', 'a', 'group_feedback_leader'),
                ('leader_p', 'p', 'group_feedback_leader'),
                ]:
            self.user(login, w[agency], group)
        # received Tuesday 22/04/2025, 7 working days: due Monday 05/05
        of_a = self.receive(w['a'], w['week'], at(2025, 4, 22))
        of_b = self.receive(w['b'], w['week'], at(2025, 4, 22))
        # 3 working days: due Friday 25/04, answered on time
        answered = self.receive(w['a'], w['short'], at(2025, 4, 22),
            answer_text="Đã trả lời")
        with clock(at(2025, 4, 24)):
            Feedback.answer([answered])

        def notifications():
            result = sorted(
                (n.user.login, n.label, n.records)
                for n in transaction.user_notifications)
            transaction.user_notifications.clear()
            return result

        notifications()
        # Saturday 26/04 (worked): Mon 28, Tue 29, Mon 05 are 3 days: no
        with clock(at(2025, 4, 26, 7, 30)):
            self.assertEqual(Feedback.send_reminders(), [])
        self.assertEqual(notifications(), [])
        # Monday 28/04: Tue 29 and Mon 05 are 2 working days: remind the
        # handlers of each agency, not the leaders nor the other agencies
        with clock(at(2025, 4, 28, 7, 30)):
            self.assertEqual(Feedback.send_reminders(), [of_a, of_b])
        self.assertEqual(notifications(), [
                ('handler_a', f'Feedback {of_a.code} is due on 05/05/2025',
                    f'[{of_a.id}]'),
                ('handler_b', f'Feedback {of_b.code} is due on 05/05/2025',
                    f'[{of_b.id}]'),
                ])
        self.assertEqual(of_a.reminded_date, at(2025, 4, 28, 7, 30))
        # once only
        with clock(at(2025, 4, 29, 7, 30)):
            self.assertEqual(Feedback.send_reminders(), [])
            self.assertEqual(Feedback.escalate_overdue(), [])
        self.assertEqual(notifications(), [])
        # Monday 05/05, the deadline: not overdue yet
        with clock(at(2025, 5, 5, 7, 45)):
            self.assertEqual(Feedback.escalate_overdue(), [])
        # Tuesday 06/05: overdue; B has no leader: the leader of its parent
        with clock(at(2025, 5, 6, 7, 45)):
            self.assertEqual(Feedback.escalate_overdue(), [of_a, of_b])
            self.assertTrue(Feedback(of_a.id).overdue)
            self.assertEqual(
                Feedback.search([('overdue', '=', True)]), [of_b, of_a])
        self.assertEqual(notifications(), [
                ('leader_a',
                    f'Feedback {of_a.code} of Sở Tư pháp is overdue since '
                    '05/05/2025', f'[{of_a.id}]'),
                ('leader_p',
                    f'Feedback {of_b.code} of Sở Xây dựng is overdue since '
                    '05/05/2025', f'[{of_b.id}]'),
                ])
        self.assertEqual(of_b.escalated_date, at(2025, 5, 6, 7, 45))
        self.assertTrue(of_b.escalated)
        with clock(at(2025, 5, 7, 7, 45)):
            self.assertEqual(Feedback.escalate_overdue(), [])
        self.assertEqual(notifications(), [])
        # a transfer gives the new agency its own reminders
        with clock(at(2025, 5, 7, 9)):
            Feedback.transfer_to([of_a], w['c'], "Thuộc thẩm quyền xã")
        self.assertEqual((of_a.reminded_date, of_a.escalated_date),
            (None, None))

    @with_transaction()
    def test_figures_of_a_small_province(self):
        """feedback_figures of April 2025 for agencies A, B, C, built by
        the workflow with a fixed clock; deadlines worked out by hand"""
        pool = Pool()
        Feedback = pool.get('one_stop.feedback')
        w = self.world()
        a, b, c = w['a'], w['b'], w['c']
        short, week = w['short'], w['week']

        def answer(feedback, moment, rating=None):
            Feedback.write([feedback], {'answer_text': "Trả lời"})
            with clock(moment):
                Feedback.answer([feedback])
            if rating:
                Feedback.write([feedback], {'rating': rating})

        # 1. A, Tue 01/04, 3 days: due Fri 04/04; answered Thu 03/04 (on
        # time), rated 5, closed
        f1 = self.receive(a, short, at(2025, 4, 1))
        answer(f1, at(2025, 4, 3), '5')
        with clock(at(2025, 4, 4)):
            Feedback.close([f1])
        # 2. A, Wed 02/04, 3 days: due Mon 07/04; answered Tue 08/04: late
        f2 = self.receive(a, short, at(2025, 4, 2))
        answer(f2, at(2025, 4, 8))
        # 3. A, Thu 03/04, 3 days: due Tue 08/04; on time, rated 2
        f3 = self.receive(a, short, at(2025, 4, 3))
        answer(f3, at(2025, 4, 8), '2')
        # 4. A, Thu 10/04, 7 days: Fri 11, Mon 14, Tue 15, Wed 16, Thu 17,
        # Fri 18, Mon 21: due 21/04; still processing: overdue
        f4 = self.receive(a, week, at(2025, 4, 10))
        with clock(at(2025, 4, 11)):
            Feedback.process([f4])
        # 5. B, Thu 03/04, transferred to A on Tue 08/04 (3rd working
        # day: on time); 3 days from 08/04: due Fri 11/04; answered Fri
        # 11/04 on time, rated 4
        f5 = self.receive(b, short, at(2025, 4, 3))
        with clock(at(2025, 4, 8)):
            Feedback.transfer_to([f5], a, "Thẩm quyền của Sở Tư pháp")
        answer(f5, at(2025, 4, 11), '4')
        # 6. A, Mon 07/04, transferred to B on Tue 15/04 (Tue 08 ... Mon
        # 14 is the 5th working day, Tue 15 the 6th: late); 7 days from
        # 15/04: Wed 16 ... Thu 24/04; answered Wed 23/04 on time
        f6 = self.receive(a, short, at(2025, 4, 7))
        with clock(at(2025, 4, 15)):
            Feedback.transfer_to([f6], b, "Thẩm quyền của Sở Xây dựng")
        Feedback.write([f6], {'kind': week.id})
        answer(f6, at(2025, 4, 23))
        # 7. A, Thu 27/03, 7 days: Fri 28, Mon 31, Tue 01, Wed 02, Thu 03,
        # Fri 04, Mon 07/04: due 07/04; answered Wed 09/04 late, rated 1
        f7 = self.receive(a, week, at(2025, 3, 27))
        answer(f7, at(2025, 4, 9), '1')
        # 8. A, Fri 25/04, rejected: out of the base
        f8 = self.receive(a, short, at(2025, 4, 25))
        Feedback.write([f8], {'reason': "Khiếu nại"})
        with clock(at(2025, 4, 25, 15)):
            Feedback.reject([f8])
        # 9. A, Mon 28/04, 7 days: Tue 29, Mon 05 ... Mon 12/05: due in May
        self.receive(a, week, at(2025, 4, 28))
        # 10. A, Mon 31/03, transferred to C the same day; 3 days from
        # 31/03: Tue 01, Wed 02, Thu 03/04; answered Thu 03/04 on time
        f10 = self.receive(a, short, at(2025, 3, 31))
        with clock(at(2025, 3, 31, 15)):
            Feedback.transfer_to([f10], c, "Thẩm quyền của xã")
        answer(f10, at(2025, 4, 3))
        # 11. A, Mon 14/04, 3 days: due Thu 17/04; withdrawn
        f11 = self.receive(a, short, at(2025, 4, 14))
        Feedback.write([f11], {'reason': "Người dân rút"})
        with clock(at(2025, 4, 15)):
            Feedback.withdraw([f11])
        self.assertEqual(
            [f.deadline_date for f in [f1, f2, f3, f4, f5, f6, f7, f10]],
            [D(2025, 4, 4), D(2025, 4, 7), D(2025, 4, 8), D(2025, 4, 21),
                D(2025, 4, 11), D(2025, 4, 24), D(2025, 4, 7),
                D(2025, 4, 3)])
        self.assertEqual(
            [f.timeliness for f in [f1, f2, f3, f5, f6, f7, f10]],
            ['on_time', 'late', 'on_time', 'on_time', 'on_time', 'late',
                'on_time'])

        with clock(at(2025, 5, 15)):
            figures = Feedback.feedback_figures(
                [a.id, b.id, c.id, w['p'].id], D(2025, 4, 1),
                D(2025, 4, 30))
        fa = figures[a.id]
        self.assertEqual(
            (fa.received, fa.transferred_in, fa.transferred_away,
                fa.transferred_late),
            # received by A in April: 1 2 3 4 6 8 9 11; in: 5; away: 6
            # (late); 10 left on 31/03
            (8, 1, 1, 1))
        self.assertEqual(
            (fa.competent, fa.answered, fa.answered_on_time,
                fa.overdue_open, fa.pending, fa.rated,
                fa.rated_dissatisfied, fa.dissatisfied_or_late),
            # in A's charge, due in April: 1 2 3 4 5 7; answered 1 2 3 5 7;
            # on time 1 3 5; overdue 4; rated 1 3 5 7; dissatisfied 3 7;
            # bad: 2 (late) 3 (2/5) 4 (overdue) 7 (late, 1/5)
            (6, 5, 3, 1, 0, 4, 2, 4))
        fb = figures[b.id]
        self.assertEqual(
            (fb.received, fb.transferred_in, fb.transferred_away,
                fb.transferred_late, fb.competent, fb.answered,
                fb.answered_on_time, fb.dissatisfied_or_late),
            # received 5; in 6; away 5; base 6, answered on time
            (1, 1, 1, 0, 1, 1, 1, 0))
        fc = figures[c.id]
        self.assertEqual(
            (fc.received, fc.transferred_in, fc.competent,
                fc.answered_on_time),
            # 10 came on 31/03 (not April) and is due 03/04
            (0, 0, 1, 1))
        self.assertEqual(figures[w['p'].id].competent, 0)
        # March: received 7 and 10, 10 transferred away to C
        with clock(at(2025, 5, 15)):
            march = Feedback.feedback_figures(
                [a.id, c.id], D(2025, 3, 1), D(2025, 3, 31))
        self.assertEqual(
            (march[a.id].received, march[a.id].transferred_away,
                march[c.id].transferred_in, march[a.id].competent),
            (2, 1, 1, 0))
        # On 18/04, during the month, case 4 (due 21/04) is pending
        with clock(at(2025, 4, 18)):
            during = Feedback.feedback_figures(
                [a.id], D(2025, 4, 1), D(2025, 4, 30))[a.id]
        self.assertEqual(
            (during.overdue_open, during.pending,
                during.dissatisfied_or_late),
            (0, 1, 3))


SCENARIOS = scenario_files(__file__)


@pytest.mark.parametrize(
    'scenario', SCENARIOS, ids=[os.path.basename(s) for s in SCENARIOS])
def test_scenario(scenario):
    "Run the proteus scenario under pytest too"
    run_scenario(scenario)


del ModuleTestCase
