# This file is part of the public_satisfaction module.  The COPYRIGHT file
# at the top level of this repository contains the full copyright notices
# and license terms.
"""The closed loop in a small province built by hand: the rules, the
follow-up figures and the three ratios of the Decision 766 satisfaction
group in the scorecards, against figures worked out in the test."""
import datetime as dt
import unittest
from decimal import Decimal

from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from .. import followup_rules as rules
from ..answers import validate
from ..response import Submission
from .tools import SurveyWorldMixin

D = Decimal
Q2 = dt.date(2025, 4, 1), dt.date(2025, 6, 30)
# 09:00 and 10:00 local (UTC+7) on Monday 02/06/2025
RETURNED = dt.datetime(2025, 6, 2, 2, 0)
ANSWERED = dt.datetime(2025, 6, 2, 3, 0)
# 15 working days after Monday 02/06/2025 (no holiday in June): 3-6 (4),
# 9-13 (9), 16-20 (14), Monday 23 (15)
DEADLINE = dt.date(2025, 6, 23)
CLOCK = '_feedback_now'


def at(day, hour=3):
    return dt.datetime(2025, day.month, day.day, hour, 0) if isinstance(
        day, dt.date) else day


class FollowUpRulesTestCase(unittest.TestCase):

    def test_needs_followup(self):
        for overall, ratings, complaint, maximum, complaints, expected in [
                (2, [5, 2], False, 2, True, True),
                (3, [1, 1], False, 2, True, False),  # overall decides
                (None, [4, 1], False, 2, True, True),  # else the lowest
                (None, [], False, 2, True, False),
                (1, [1], False, 0, True, False),  # disabled
                (5, [5], True, 2, True, True),  # a complaint
                (5, [5], True, 2, False, False),  # complaints not taken
                (3, [3], False, 3, True, True),
                ]:
            self.assertEqual(
                rules.needs_followup(
                    overall, ratings, complaint, maximum, complaints),
                expected, (overall, ratings, complaint, maximum))

    def test_callback_phone(self):
        for typed, expected in [
                ('', ''), ('   ', ''),
                ('0912 345 678', '0912345678'),
                ('0912.345.678', '0912345678'),
                ('+84 912 345 678', '0912345678'),
                ('84912345678', '0912345678'),
                ('(024) 3825-1234', '02438251234'),
                ('12345', None), ('091234567', None),
                ('09123456789', None), ('０９１２３４５６７８', None),
                ('0912abc678', None),
                ]:
            self.assertEqual(rules.callback_phone(typed), expected, typed)

    def test_rerate_window(self):
        replied = dt.datetime(2025, 6, 5, 3, 0)
        until = dt.datetime(2025, 7, 5, 3, 0)
        self.assertEqual(rules.rerate_until(replied, 30), until)
        self.assertTrue(rules.can_rerate(replied, until, 30, False))
        self.assertFalse(rules.can_rerate(
                replied, until + dt.timedelta(seconds=1), 30, False))
        self.assertFalse(rules.can_rerate(replied, replied, 30, True))
        self.assertFalse(rules.can_rerate(None, replied, 30, False))
        self.assertEqual(rules.rating_change(1, 4), 3)
        self.assertIsNone(rules.rating_change(None, 4))


class FollowUpProvinceTestCase(SurveyWorldMixin, unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        activate_module('public_satisfaction')

    def submit(self, invitation, overall, complaint=False, **ratings):
        pool = Pool()
        Response = pool.get('satisfaction.response')
        form = {f'q_{k}': [str(v)] for k, v in ratings.items()}
        form['q_overall'] = [str(overall)]
        result = validate(
            Response.question_specs(invitation.questionnaire), form)
        self.assertTrue(result.valid, result.errors)
        response, = Response.submit_many([Submission(
                    invitation, result.answers, date=ANSWERED,
                    complaint=complaint)])
        return response

    def followup(self, response):
        Feedback = Pool().get('one_stop.feedback')
        feedback = Feedback.followup_of(response.id)
        self.assertIsNotNone(feedback)
        return feedback

    def answer(self, feedback, day):
        Feedback = Pool().get('one_stop.feedback')
        with Transaction().set_context({CLOCK: at(day)}):
            Feedback.write([feedback], {'answer_text': "Đã khắc phục"})
            Feedback.answer([feedback])

    def rerate(self, feedback, response, value, first, day):
        Feedback = Pool().get('one_stop.feedback')
        with Transaction().set_context({CLOCK: at(day)}):
            Feedback.rerate(feedback, response, value, first=first)

    def hotline(self, dossier, kind):
        Feedback = Pool().get('one_stop.feedback')
        Kind = Pool().get('one_stop.feedback.kind')
        kind, = Kind.search([('code', '=', kind)])
        with Transaction().set_context({CLOCK: ANSWERED}):
            feedback, = Feedback.create([{
                        'channel': 'hotline', 'agency': dossier.agency.id,
                        'dossier': dossier.id, 'kind': kind.id,
                        'content': "Phản ánh qua đường dây nóng"}])
        return feedback

    def period(self, agencies):
        pool = Pool()
        Period = pool.get('reform.period')
        Criterion = pool.get('reform.criterion')
        Scorecard = pool.get('reform.scorecard')
        period, = Period.create([{
                    'name': "CCHC Q2 2025", 'code': 'Q2-2025',
                    'kind': 'quarter',
                    'start_date': Q2[0], 'end_date': Q2[1]}])
        Period.load_default_thresholds([period])
        group, other = Criterion.create([{
                    'period': period.id, 'code': '3',
                    'name': "Mức độ hài lòng", 'max_points': D(18)}, {
                    'period': period.id, 'code': '9', 'name': "Khác",
                    'max_points': D(82)}])
        Criterion.create([{
                    'period': period.id, 'parent': group.id, 'code': code,
                    'name': code, 'max_points': D(6), 'kind': kind,
                    'survey_rule': 'target', 'survey_target': D('0.9'),
                    'survey_min_sample': 1,
                    } for code, kind in [
                    ('3.1', 'feedback_on_time'),
                    ('3.2', 'feedback_satisfied'),
                    ('3.3', 'survey_766')]] + [{
                    'period': period.id, 'parent': other.id, 'code': '9.1',
                    'name': "Khác", 'max_points': D(82)}])
        Period.open([period])
        scorecards = Scorecard.create([
                {'period': period.id, 'agency': agency.id}
                for agency in agencies])
        Scorecard.create_lines(scorecards)
        Scorecard.compute(scorecards)
        return {s.agency: s for s in Scorecard.browse(scorecards)}

    @with_transaction()
    def test_province(self):
        pool = Pool()
        Response = pool.get('satisfaction.response')
        Feedback = pool.get('one_stop.feedback')
        Invitation = pool.get('satisfaction.invitation')
        from ..followup import followup_figures
        a, b, procedure, party = self.world()

        def returned(channel='counter', agency=a):
            return self.returned(
                agency, procedure, party, RETURNED, channel=channel)

        # A: 8 dossiers returned in June, whatever their channel
        d1, i1 = returned()
        self.submit(i1, 5)
        d2, i2 = returned()
        r2 = self.submit(i2, 1, official=1)
        d3, _ = returned('online')
        d4, _ = returned('postal')
        d5, i5 = returned()
        r5 = self.submit(i5, 4, complaint=True, comment="Phí chưa niêm yết")
        d6, i6 = returned()
        r6 = self.submit(i6, 2)
        Response.review([r6], 'exclude', "Trả lời hộ")
        d7, i7 = returned()
        Invitation.decline([i7])
        d8, _ = returned()
        self.assertIsNone(Feedback.followup_of(
                Response.search([('invitation', '=', i1.id)])[0].id))

        # the register
        p1 = self.hotline(d3, 'lateness')
        self.answer(p1, dt.date(2025, 6, 10))
        p2 = self.followup(r2)
        self.assertEqual(p2.deadline_date, DEADLINE)
        self.assertEqual(p2.received_date, ANSWERED)
        self.answer(p2, dt.date(2025, 6, 30))  # late
        self.rerate(p2, r2, 4, 1, dt.date(2025, 7, 1))
        p3 = self.followup(r5)  # the complaint
        self.answer(p3, dt.date(2025, 6, 5))
        self.rerate(p3, r5, 2, 4, dt.date(2025, 6, 6))
        p4 = self.hotline(d7, 'fees')  # never answered: overdue
        p5 = self.hotline(d8, 'reception')
        Feedback.write([p5], {'reason': "Không thuộc thẩm quyền"})
        with Transaction().set_context({CLOCK: at(dt.date(2025, 6, 3))}):
            Feedback.reject([p5])
        p6 = self.followup(r6)
        self.answer(p6, dt.date(2025, 6, 4))
        self.assertEqual(
            [(f.timeliness, f.rating) for f in Feedback.browse(
                        [p1, p2, p3, p4, p6])],
            [('on_time', None), ('late', '4'), ('on_time', '2'),
                (None, None), ('on_time', None)])

        # Follow-ups of A opened in June: p2, p3, p6; answered on time p3,
        # p6; late p2; re-rated p2 (1 → 4) and p3 (4 → 2): one satisfied,
        # mean change (3 − 2) ÷ 2 = 0.5
        figures = followup_figures([a.id, b.id], *Q2)
        self.assertEqual(figures[a.id], dict(
                opened=3, answered=3, on_time=2, late=1, overdue=0,
                rerated=2, rerated_satisfied=1, mean_change=0.5))
        self.assertEqual(figures[b.id]['opened'], 0)
        self.assertIsNone(figures[b.id]['mean_change'])

        # the evaluators' view by agency shows the same
        FigureByAgency = pool.get('satisfaction.report.agency')
        with Transaction().set_context(from_date=Q2[0], to_date=Q2[1]):
            row, = FigureByAgency.search([('agency', '=', a.id)])
            self.assertEqual(
                (row.followups_opened, row.followups_on_time,
                    row.followups_overdue, row.followups_rerated,
                    row.followups_rerated_rate, row.followups_mean_change),
                (3, 2, 0, 2, 0.5, 0.5))

        # B: one online dossier, nothing else
        returned('online', agency=b)

        scorecards = self.period([a, b])
        lines = {
            agency: {x.criterion.code: x for x in scorecard.lines}
            for agency, scorecard in scorecards.items()}
        # Ratios 1 and 2, PAKN of A due in June, not rejected: p1, p2, p3,
        # p4, p6 = 5 (p5 rejected).  Ratio 1 = on time (p1, p3, p6) ÷ 5 =
        # 0.6 → 6 × 0.6 ÷ 0.9 = 4.00.  Ratio 2 = (5 − late p2, dissatisfied
        # p3 (2/5), overdue p4) ÷ 5 = 0.4 → 6 × 0.4 ÷ 0.9 = 2.666… → 2.67.
        # Ratio 3, 8 dossiers of A returned in June (online d3, postal d4
        # included): bad d2 (overall 1), d3 (feedback about lateness), d5
        # (a complaint followed up as handling); not d6 (its answer
        # excluded), d7 (fees), d8 (rejected) → 5 ÷ 8 = 0.625 →
        # 6 × 0.625 ÷ 0.9 = 4.1666… → 4.17
        for code, figure, sample, points in [
                ('3.1', D('0.6'), 5, D('4.00')),
                ('3.2', D('0.4'), 5, D('2.67')),
                ('3.3', D('0.625'), 8, D('4.17')),
                ]:
            line = lines[a][code]
            self.assertTrue(line.computed, code)
            self.assertEqual(line.figure, figure, code)
            self.assertEqual(line.sample_size, sample, code)
            self.assertEqual(line.appraised_points, points, code)
            self.assertFalse(line.insufficient_sample, code)
        # B: no PAKN, no figure, insufficient; ratio 3 = 1 ÷ 1 → 6
        for code in ['3.1', '3.2']:
            self.assertIsNone(lines[b][code].figure)
            self.assertTrue(lines[b][code].insufficient_sample)
            self.assertEqual(lines[b][code].appraised_points, D('0.00'))
        self.assertEqual(lines[b]['3.3'].figure, D('1'))
        self.assertEqual(lines[b]['3.3'].appraised_points, D('6.00'))
        scorecard_a = scorecards[a]
        self.assertEqual(
            (scorecard_a.followups_opened, scorecard_a.followups_on_time,
                scorecard_a.followups_overdue, scorecard_a.followups_rerated,
                scorecard_a.followups_rerated_satisfied,
                scorecard_a.followups_mean_change),
            (3, 2, 0, 2, 1, D('0.50')))
        self.assertAlmostEqual(scorecard_a.followups_rerated_rate, 0.5)
