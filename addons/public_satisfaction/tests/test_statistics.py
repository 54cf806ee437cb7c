# This file is part of the public_satisfaction module.  The COPYRIGHT file
# at the top level of this repository contains the full copyright notices
# and license terms.
"""Figures of a small province built by hand, against counts written in the
test: coverage, rates, mean, SIPAS-style index, Decision 766 ratio,
exclusions by an evaluator, snapshot attribution and period bounds, and the
evaluators' views, which must give the same figures as period_figures."""
import datetime as dt
import unittest
from xml.etree import ElementTree

from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction, check_access

from ..report_figures import short_name
from ..statistics import month_starts
from .tools import SurveyWorldMixin

# Local dates: the period is March 2025; 07:00 local is 00:00 UTC
PERIOD = (dt.date(2025, 3, 1), dt.date(2025, 3, 31))
IN_PERIOD = dt.datetime(2025, 3, 10, 3, 0)
BEFORE = dt.datetime(2025, 2, 28, 16, 59)    # 28/02 23:59 local
FIRST_MINUTE = dt.datetime(2025, 2, 28, 17, 0)  # 01/03 00:00 local
APRIL = (dt.date(2025, 4, 1), dt.date(2025, 4, 30))
IN_APRIL = dt.datetime(2025, 4, 15, 3, 0)
APRIL_FIRST_MINUTE = dt.datetime(2025, 3, 31, 17, 0)  # 01/04 00:00 local
MARCH_LAST_MINUTE = dt.datetime(2025, 3, 31, 16, 59)  # 31/03 23:59 local
IN_MAY = dt.datetime(2025, 5, 10, 3, 0)


class StatisticsTestCase(SurveyWorldMixin, unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        activate_module('public_satisfaction')

    def world(self):
        # Interference signals only where a test puts them (Flag.create):
        # the answers of a test come from one "device" within seconds
        Configuration = Pool().get('satisfaction.configuration')
        Configuration.write([Configuration(1)], {
                'device_limit': 0, 'print_seconds': 0, 'min_seconds': 0})
        return super().world()

    def flag(self, invitation):
        pool = Pool()
        Response = pool.get('satisfaction.response')
        Flag = pool.get('satisfaction.response.flag')
        response, = Response.search([('invitation', '=', invitation.id)])
        Flag.create([{'response': response.id, 'reason': 'honeypot'}])

    def exclude(self, invitation, reason):
        "Exclude the answer of invitation as an evaluator does"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        Response = pool.get('satisfaction.response')
        evaluators = User.search([('login', '=', 'evaluator')])
        if not evaluators:
            evaluators = User.create([{
                        'name': "Evaluator", 'login': 'evaluator',
                        'groups': [('add', [ModelData.get_id(
                                        'public_satisfaction',
                                        'group_satisfaction_evaluator')])],
                        }])
        evaluator, = evaluators
        response, = Response.search([('invitation', '=', invitation.id)])
        with Transaction().set_user(evaluator.id), check_access():
            Response.review(
                Response.browse([response.id]), 'exclude', reason)
        self.assertTrue(Response(response.id).excluded)

    @with_transaction()
    def test_period_figures(self):
        pool = Pool()
        Invitation = pool.get('satisfaction.invitation')
        from trytond.modules.public_satisfaction.statistics import (
            period_figures)
        a, b, procedure, party = self.world()

        # Agency A, in the period: 6 eligible returned dossiers
        answers = [
            # overall, access, procedure, official, result, feedback, late
            (5, 5, 4, 5, 5, 'na', False),
            (4, 4, 4, 3, 4, 'na', False),
            (2, 2, 3, 2, 2, 1, True),
            (5, 5, 5, 5, 4, 5, False),
            ]
        invitations = []
        for overall, acc, pro, off, res, fee, late in answers:
            _, invitation = self.returned(
                a, procedure, party, IN_PERIOD, late=late)
            self.answer(invitation, overall, access=acc, procedure=pro,
                official=off, result=res, feedback=fee)
            invitations.append(invitation)
        declined_dossier, declined = self.returned(
            a, procedure, party, FIRST_MINUTE, late=True)
        Invitation.write([declined], {'state': 'declined'})
        # a feedback about its lateness: bad for 766
        self.pakn(declined_dossier)
        expired_dossier, expired = self.returned(
            a, procedure, party, IN_PERIOD)
        Invitation.write([expired], {
                'expiry': IN_PERIOD + dt.timedelta(days=7),
                'opened_date': IN_PERIOD})
        # not accepted: not bad
        self.pakn(expired_dossier, kind='reception', reject=True)
        # An online dossier: returned, not surveyed, counted for 766; a
        # feedback about fees is not about the dossier's handling
        online, _ = self.returned(
            a, procedure, party, IN_PERIOD, channel='online')
        self.pakn(online, kind='fees')
        # Outside the period (28/02 local), answered 1 and flagged: not
        # counted
        _, before = self.returned(a, procedure, party, BEFORE, late=True)
        self.answer(before, 1, access=1)
        self.flag(before)
        # Flagged: the first answer (kept) and the fourth, which an
        # evaluator excludes: counted apart
        self.flag(invitations[0])
        self.flag(invitations[3])
        self.exclude(invitations[3], "Cùng một người trả lời nhiều lần")
        # Agency B: one answer, overall 3
        _, invitation_b = self.returned(b, procedure, party, IN_PERIOD)
        self.answer(invitation_b, 3)

        figures = period_figures([a.id, b.id], *PERIOD)
        fa, fb = figures[a.id], figures[b.id]
        # Invitations of A in March: 4 answered + declined + expired
        self.assertEqual(fa.eligible, 6)
        self.assertEqual(fa.invitations, 6)
        self.assertEqual(fa.answered, 4)
        self.assertEqual(fa.declined, 1)
        self.assertEqual(fa.expired, 1)
        self.assertEqual(fa.excluded, 1)
        self.assertEqual(fa.flagged, 2)
        # Opened: only the expired one has an opening time here (the
        # answers were submitted directly, without a GET of the page)
        self.assertEqual(fa.opened, 1)
        # Coverage: (4 answered − 1 excluded) ÷ 6 eligible
        self.assertAlmostEqual(fa.coverage, 3 / 6)
        # Flagged and excluded rates of the 4 answers: 2 ÷ 4 and 1 ÷ 4
        self.assertAlmostEqual(fa.flagged_rate, 0.5)
        self.assertAlmostEqual(fa.excluded_rate, 0.25)
        # Overall of the 3 counted answers: 5, 4, 2 → 2 satisfied of 3
        self.assertEqual(
            dict(fa.ratings['overall', 'overall']), {5: 1, 4: 1, 2: 1})
        self.assertAlmostEqual(fa.satisfaction, 2 / 3)
        self.assertAlmostEqual(fa.mean, (5 + 4 + 2) / 3)
        self.assertEqual(fa.sample, (2, 3))
        # Elements over the 3 counted answers: access 5, 4, 2; procedure
        # 4, 4, 3; civil servant 5, 3, 2; result 5, 4, 2; feedback 1 (the
        # other two not applicable)
        self.assertEqual(
            dict(fa.ratings['official', 'official']), {5: 1, 3: 1, 2: 1})
        for element, rate in [
                ('access', 2 / 3), ('procedure', 2 / 3),
                ('official', 1 / 3), ('result', 2 / 3), ('feedback', 0)]:
            self.assertAlmostEqual(fa.element_rate(element), rate, msg=element)
        self.assertEqual(
            dict(fa.not_applicable), {('feedback', 'feedback'): 2})
        index = (2 / 3 + 2 / 3 + 1 / 3 + 2 / 3 + 0) / 5
        self.assertAlmostEqual(fa.sipas_index, index)
        # 766: 7 dossiers of A returned in March (6 surveyed, including
        # the declined one at 00:00 on 01/03, and 1 online); bad = overall
        # ≤ 2 or the subject of an accepted feedback about its reception,
        # handling or lateness: the third answer (2, late, and its
        # follow-up) and the declined one (its feedback about lateness),
        # each counted once; not the third of late dossiers without
        # feedback, the rejected feedback nor the one about fees
        self.assertEqual(fa.dossiers, 7)
        self.assertEqual(fa.bad_dossiers, 2)
        self.assertAlmostEqual(fa.ratio_766, 5 / 7)

        self.assertEqual((fb.eligible, fb.answered), (1, 1))
        self.assertEqual((fb.flagged, fb.excluded, fb.expired), (0, 0, 0))
        self.assertEqual(fb.satisfaction, 0)
        self.assertEqual(fb.sipas_index, None)  # no element rated
        # an overall 3 is not unhappy: 1 dossier, none bad
        self.assertEqual((fb.dossiers, fb.bad_dossiers), (1, 0))
        self.assertEqual(fb.ratio_766, 1)

    @with_transaction()
    def test_snapshot_survives_reorganisation(self):
        "An answer stays with the agency that returned the result"
        pool = Pool()
        Agency = pool.get('one_stop.agency')
        from trytond.modules.public_satisfaction.statistics import (
            period_figures)
        a, b, procedure, party = self.world()
        _, invitation = self.returned(a, procedure, party, IN_PERIOD)
        self.answer(invitation, 5)
        # A ends on 30/06/2025 and hands over to B
        Agency.write([a], {
                'end_date': dt.date(2025, 6, 30), 'successor': b.id})
        figures = period_figures([a.id, b.id], *PERIOD)
        self.assertEqual(figures[a.id].answered, 1)
        self.assertEqual(figures[b.id].answered, 0)
        self.assertEqual(figures[a.id].satisfaction, 1)

    @with_transaction()
    def test_figure_views(self):
        "The evaluators' views by agency and by month"
        pool = Pool()
        ByAgency = pool.get('satisfaction.report.agency')
        ByMonth = pool.get('satisfaction.report.month')
        Invitation = pool.get('satisfaction.invitation')
        a, b, procedure, party = self.world()
        # A: February 2 answers (5, 2), March 1 answer (4) and 1 declined
        invitations = {}
        for returned, overall in [
                (dt.datetime(2025, 2, 10, 3), 5),
                (dt.datetime(2025, 2, 11, 3), 2),
                (IN_PERIOD, 4),
                (IN_PERIOD, None)]:
            _, invitation = self.returned(a, procedure, party, returned)
            invitations[overall] = invitation
            if overall == 5:
                self.answer(
                    invitation, overall, access=5, official=2,
                    feedback='na')
            elif overall:
                self.answer(invitation, overall)
            else:
                Invitation.write([invitation], {'state': 'declined'})
        # B: March, 1 invitation not answered
        self.returned(b, procedure, party, IN_PERIOD)

        with Transaction().set_context(
                from_date=dt.date(2025, 2, 1), to_date=dt.date(2025, 3, 31),
                required_rate=0.5):
            rows = {r.agency: r for r in ByAgency.search([])}
            self.assertEqual(set(rows), {a, b})
            ra, rb = rows[a], rows[b]
            self.assertEqual(
                (ra.eligible, ra.answered, ra.declined, ra.satisfied,
                    ra.rated), (4, 3, 1, 2, 3))
            self.assertAlmostEqual(ra.coverage, 3 / 4)
            self.assertAlmostEqual(ra.satisfaction, 2 / 3)
            self.assertEqual(ra.required_rate, 0.5)
            # Elements: only the first answer rated access (5) and the
            # civil servant (2); feedback was not applicable
            self.assertEqual((ra.satisfied_access, ra.rated_access), (1, 1))
            self.assertEqual(ra.access, 1)
            self.assertEqual(ra.official, 0)
            self.assertEqual(ra.rated_feedback, 0)
            self.assertIsNone(ra.feedback)
            self.assertIsNone(ra.procedure)
            self.assertAlmostEqual(ra.sipas_index, (1 + 0) / 2)
            self.assertEqual((rb.eligible, rb.answered, rb.rated), (1, 0, 0))
            self.assertIsNone(rb.satisfaction)
        with Transaction().set_context(
                from_date=dt.date(2025, 2, 1), to_date=dt.date(2025, 3, 31),
                agency=a.id):
            months = [(str(r.month)[:7], r.eligible, r.satisfied, r.rated)
                for r in ByMonth.search([])]
            self.assertEqual(months, [
                    ('2025-02', 2, 1, 2), ('2025-03', 2, 1, 1)])
        with Transaction().set_context(
                from_date=dt.date(2025, 3, 1), to_date=dt.date(2025, 3, 31)):
            rows = {r.agency: r.eligible for r in ByAgency.search([])}
            self.assertEqual(rows, {a: 2, b: 1})

        # An excluded answer (A's "2" of February, flagged) leaves coverage
        # and ratings; the flagged and excluded rates are of the 3 answers
        self.flag(invitations[2])
        self.exclude(invitations[2], "Trả lời thử của cán bộ")
        with Transaction().set_context(
                from_date=dt.date(2025, 2, 1), to_date=dt.date(2025, 3, 31)):
            ra = {r.agency: r for r in ByAgency.search([])}[a]
            self.assertEqual(
                (ra.answered, ra.flagged, ra.excluded, ra.satisfied,
                    ra.rated), (3, 1, 1, 2, 2))
            self.assertAlmostEqual(ra.coverage, 2 / 4)
            self.assertAlmostEqual(ra.excluded_rate, 1 / 3)
            self.assertAlmostEqual(ra.flagged_rate, 1 / 3)
            self.assertEqual(ra.satisfaction, 1)

    @with_transaction()
    def test_views_agree_with_period_figures(self):
        """The view by agency and period_figures give the figures worked
        out by hand, from the same answers"""
        pool = Pool()
        ByAgency = pool.get('satisfaction.report.agency')
        Invitation = pool.get('satisfaction.invitation')
        from trytond.modules.public_satisfaction.statistics import (
            period_figures)
        a, b, procedure, party = self.world()

        # A in April (local): 5 answers
        answers = {}
        for name, overall, ratings, late in [
                ('r1', 5, dict(access=5, procedure=4, official=4, result=5,
                        feedback='na'), False),
                ('r2', 4, dict(access=3, procedure=4, official=5, result=4,
                        feedback=4), False),
                ('r3', 2, dict(access=2, procedure=1, official=3, result=2,
                        feedback=1), False),
                ('r4', 3, dict(access=4), True),
                ('r5', 1, dict(access=1), False),
                ]:
            dossier, invitation = self.returned(
                a, procedure, party, IN_APRIL, late=late)
            self.answer(invitation, overall, **ratings)
            answers[name] = invitation
            if late:
                self.pakn(dossier)
        # r4 flagged and kept, r5 flagged and excluded
        self.flag(answers['r4'])
        self.flag(answers['r5'])
        self.exclude(answers['r5'], "Trường ẩn bị điền")
        # declined at 00:00 on 01/04 local
        _, declined = self.returned(
            a, procedure, party, APRIL_FIRST_MINUTE)
        Invitation.write([declined], {'state': 'declined'})
        # opened, never answered, past its expiry
        _, expired = self.returned(a, procedure, party, IN_APRIL)
        Invitation.write([expired], {'opened_date': IN_APRIL})
        # a new code for a dossier: the first invitation is revoked, the
        # new one is open until a week from now
        reissued, first = self.returned(a, procedure, party, IN_APRIL)
        second, = Invitation.issue([reissued])
        self.assertEqual(Invitation(first.id).state, 'revoked')
        # history, as returned() writes it (the dossier read here may carry
        # the return date of today)
        Invitation.write([second], {'returned_date': IN_APRIL})
        # outside April: 31/03 23:59 and May (local)
        _, march = self.returned(
            a, procedure, party, MARCH_LAST_MINUTE, late=True)
        self.answer(march, 1, access=1)
        _, may = self.returned(a, procedure, party, IN_MAY)
        self.answer(may, 5, access=5)
        # B in April: 1 answer
        _, answer_b = self.returned(b, procedure, party, IN_APRIL)
        self.answer(answer_b, 3, access=5)

        # Worked out by hand.  A: 8 invitations that are not revoked (r1-r5,
        # declined, expired, the new code); coverage (5 answered − 1
        # excluded) ÷ 8; flagged 2 and excluded 1 of the 5 answers; the 4
        # counted answers r1-r4 give overall 5, 4, 2, 3 → 2 of 4 satisfied;
        # access 5, 3, 2, 4 → 2/4; procedure 4, 4, 1 → 2/3; civil servant
        # 4, 5, 3 → 2/3; result 5, 4, 2 → 2/3; feedback 4, 1 (r1 not
        # applicable) → 1/2; index (1/2 + 2/3 + 2/3 + 2/3 + 1/2) ÷ 5 = 3/5.
        # B: 1 answer, overall 3 (not satisfied), access 5 → index 1.
        expected = {
            a: {
                'eligible': 8, 'answered': 5, 'declined': 1, 'flagged': 2,
                'excluded': 1, 'coverage': 0.5, 'flagged_rate': 0.4,
                'excluded_rate': 0.2, 'satisfaction': 0.5,
                'access': 0.5, 'procedure': 2 / 3, 'official': 2 / 3,
                'result': 2 / 3, 'feedback': 0.5, 'sipas_index': 0.6,
                },
            b: {
                'eligible': 1, 'answered': 1, 'declined': 0, 'flagged': 0,
                'excluded': 0, 'coverage': 1, 'flagged_rate': 0,
                'excluded_rate': 0, 'satisfaction': 0,
                'access': 1, 'procedure': None, 'official': None,
                'result': None, 'feedback': None, 'sipas_index': 1,
                },
            }
        counts = {
            # (satisfied, rated) of the view
            a: {'overall': (2, 4), 'access': (2, 4), 'procedure': (2, 3),
                'official': (2, 3), 'result': (2, 3), 'feedback': (1, 2)},
            b: {'overall': (0, 1), 'access': (1, 1), 'procedure': (0, 0),
                'official': (0, 0), 'result': (0, 0), 'feedback': (0, 0)},
            }

        def check(value, wanted, msg):
            if wanted is None:
                self.assertIsNone(value, msg=msg)
            else:
                self.assertAlmostEqual(value, wanted, msg=msg)

        with Transaction().set_context(
                from_date=APRIL[0], to_date=APRIL[1]):
            rows = {r.agency: r for r in ByAgency.search([])}
        self.assertEqual(set(rows), {a, b})
        figures = period_figures([a.id, b.id], *APRIL)
        for agency in [a, b]:
            row, figure = rows[agency], figures[agency.id]
            for name, wanted in expected[agency].items():
                check(getattr(row, name), wanted, f'view {name}')
                if name in {'access', 'procedure', 'official', 'result',
                        'feedback'}:
                    check(figure.element_rate(name), wanted,
                        f'period_figures {name}')
                else:
                    check(getattr(figure, name), wanted,
                        f'period_figures {name}')
            for element, (satisfied, rated) in counts[agency].items():
                suffix = '' if element == 'overall' else f'_{element}'
                self.assertEqual(
                    (getattr(row, f'satisfied{suffix}'),
                        getattr(row, f'rated{suffix}')),
                    (satisfied, rated), msg=element)

        fa, fb = figures[a.id], figures[b.id]
        # only in period_figures: the expired one was opened; 1 expired
        # (the new code is still open); ratings by question; 766 over the 8
        # dossiers of A returned in April: bad = r3 (overall 2) and r4
        # (a feedback about its lateness); r5's 1 is excluded, and so is
        # its follow-up for 766 → 6 ÷ 8
        self.assertEqual((fa.invitations, fa.opened, fa.expired), (8, 1, 1))
        self.assertEqual(
            dict(fa.ratings['overall', 'overall']),
            {5: 1, 4: 1, 3: 1, 2: 1})
        self.assertEqual(
            dict(fa.ratings['feedback', 'feedback']), {4: 1, 1: 1})
        self.assertEqual(
            dict(fa.not_applicable), {('feedback', 'feedback'): 1})
        self.assertAlmostEqual(fa.mean, (5 + 4 + 2 + 3) / 4)
        self.assertEqual(fa.sample, (2, 4))
        self.assertEqual((fa.dossiers, fa.bad_dossiers), (8, 2))
        self.assertAlmostEqual(fa.ratio_766, 0.75)
        self.assertEqual((fb.dossiers, fb.bad_dossiers), (1, 0))
        self.assertEqual(
            dict(fb.ratings['overall', 'overall']), {3: 1})
        self.assertEqual(second.state, 'open')


class PlainFunctionsTestCase(unittest.TestCase):
    "The helpers of the evaluators' views, without a database"

    def test_month_starts(self):
        self.assertEqual(
            month_starts(dt.date(2024, 11, 15), dt.date(2025, 2, 3)),
            [dt.date(2024, 11, 1), dt.date(2024, 12, 1),
                dt.date(2025, 1, 1), dt.date(2025, 2, 1)])
        self.assertEqual(
            month_starts(dt.date(2025, 1, 31), dt.date(2025, 1, 31)),
            [dt.date(2025, 1, 1)])

    def test_short_name(self):
        for name, code, label in [
                ("Ủy ban nhân dân phường La Gi", 'H15.50.04',
                    "UBND phường La Gi [H15.50.04]"),
                ("Trung tâm Hành chính công tỉnh Bình Thuận", 'H15.01',
                    "TTHCC tỉnh Bình Thuận [H15.01]"),
                ("Trung tâm Phục vụ hành chính công tỉnh Lâm Đồng", None,
                    "TTPVHCC tỉnh Lâm Đồng"),
                ("Sở Tư pháp", 'H15.03', "Sở Tư pháp [H15.03]"),
                ]:
            self.assertEqual(short_name(name, code), label)


class FigureViewsTestCase(SurveyWorldMixin, unittest.TestCase):
    "The graphs and the months of the evaluators' views"

    @classmethod
    def setUpClass(cls):
        activate_module('public_satisfaction')

    def world(self):
        Configuration = Pool().get('satisfaction.configuration')
        Configuration.write([Configuration(1)], {
                'device_limit': 0, 'print_seconds': 0, 'min_seconds': 0})
        return super().world()

    def months(self, start, end):
        "[(month, eligible, answered, satisfied, rated)] of the month view"
        ByMonth = Pool().get('satisfaction.report.month')
        with Transaction().set_context(from_date=start, to_date=end):
            return [(r.month, r.eligible, r.answered, r.satisfied, r.rated)
                for r in ByMonth.search([])]

    @with_transaction()
    def test_months_cut_at_local_midnight(self):
        """An answer returned at 00:30 local time on 01/04 belongs to April,
        as in the period of April; one at 23:59 on 31/03 to March"""
        a, _, procedure, party = self.world()
        # Viet Nam, UTC+7: local = UTC + 7 hours
        for returned, overall in [
                (dt.datetime(2025, 3, 31, 16, 59), 5),  # 31/03 23:59
                (dt.datetime(2025, 3, 31, 17, 30), 4),  # 01/04 00:30
                (dt.datetime(2025, 4, 30, 16, 59), 2),  # 30/04 23:59
                (dt.datetime(2025, 4, 30, 17, 0), 1),   # 01/05 00:00
                ]:
            _, invitation = self.returned(a, procedure, party, returned)
            self.answer(invitation, overall)
        # March: the 5; April: the 4 (satisfied) and the 2; May: the 1
        self.assertEqual(
            self.months(dt.date(2025, 3, 1), dt.date(2025, 5, 31)), [
                (dt.date(2025, 3, 1), 1, 1, 1, 1),
                (dt.date(2025, 4, 1), 2, 2, 1, 2),
                (dt.date(2025, 5, 1), 1, 1, 0, 1),
                ])
        # The month of April holds what the dates of April hold
        self.assertEqual(
            self.months(dt.date(2025, 4, 1), dt.date(2025, 4, 30)),
            [(dt.date(2025, 4, 1), 2, 2, 1, 2)])
        # Without dates: every result, by month
        ByMonth = Pool().get('satisfaction.report.month')
        self.assertEqual(
            [(r.month, r.answered) for r in ByMonth.search([])],
            [(dt.date(2025, 3, 1), 1), (dt.date(2025, 4, 1), 2),
                (dt.date(2025, 5, 1), 1)])

    @with_transaction()
    def test_months_in_a_timezone_with_summer_time(self):
        """The offset of the zone is that of each month's first instant:
        Paris is UTC+1 on 01/03/2025 and UTC+2 (summer time since 30/03)
        on 01/04/2025"""
        pool = Pool()
        Configuration = pool.get('one_stop.configuration')
        Configuration.write([Configuration(1)], {'timezone': 'Europe/Paris'})
        a, _, procedure, party = self.world()
        for returned, overall in [
                (dt.datetime(2025, 2, 28, 23, 30), 5),  # 01/03 00:30 CET
                (dt.datetime(2025, 3, 31, 21, 59), 4),  # 31/03 23:59 CEST
                (dt.datetime(2025, 3, 31, 22, 30), 1),  # 01/04 00:30 CEST
                ]:
            _, invitation = self.returned(a, procedure, party, returned)
            self.answer(invitation, overall)
        # With the offset of 01/03 (+1) the third would be 31/03 23:30
        self.assertEqual(
            self.months(dt.date(2025, 3, 1), dt.date(2025, 4, 30)), [
                (dt.date(2025, 3, 1), 2, 2, 2, 2),
                (dt.date(2025, 4, 1), 1, 1, 0, 1),
                ])

    @with_transaction()
    def test_graphs_by_agency(self):
        """Each graph by agency draws percentages in horizontal bars, sorted
        by its figure (best at the top, agencies without a figure last) and
        labelled by the short name and code of the agency"""
        pool = Pool()
        Agency = pool.get('one_stop.agency')
        ByAgency = pool.get('satisfaction.report.agency')
        Action = pool.get('ir.action.act_window')
        ModelData = pool.get('ir.model.data')
        Invitation = pool.get('satisfaction.invitation')
        a, b, procedure, party = self.world()
        c, = Agency.create([{
                    'name': "Ủy ban nhân dân phường La Gi",
                    'code': 'H15.50.04'}])
        # A: 2 results, 1 answered 5 → coverage 50 %, satisfaction 100 %
        # B: 4 results, answered 5, 4, 2, 1 declined → coverage 75 %,
        #    satisfaction 2 of 3 = 66.7 %
        # C: 1 result, not answered → coverage 0 %, no satisfaction
        for agency, answers in [
                (a, [5, None]), (b, [5, 4, 2, 'declined']), (c, [None])]:
            for overall in answers:
                _, invitation = self.returned(
                    agency, procedure, party, dt.datetime(2025, 3, 10, 3))
                if overall == 'declined':
                    Invitation.decline([invitation])
                elif overall:
                    self.answer(invitation, overall)

        def graph(xml_id):
            action = Action(ModelData.get_id('public_satisfaction', xml_id))
            (view_id, view_type), _ = action.views
            self.assertEqual(view_type, 'graph')
            arch = ElementTree.fromstring(
                ByAgency.fields_view_get(view_id)['arch'])
            order = PYSONDecoder().decode(action.pyson_order)
            return (arch.get('type'),
                [f.get('name') for f in arch.find('x')],
                [f.get('name') for f in arch.find('y')],
                order)

        self.assertEqual(graph('act_report_agency_satisfaction'), (
                'hbar', ['agency_label'], ['satisfaction_percent'],
                [['satisfaction', 'DESC NULLS LAST'], ['agency', 'ASC']]))
        self.assertEqual(graph('act_report_agency_coverage'), (
                'hbar', ['agency_label'],
                ['coverage_percent', 'required_rate_percent'],
                [['coverage', 'DESC NULLS LAST'], ['agency', 'ASC']]))

        with Transaction().set_context(
                from_date=dt.date(2025, 3, 1), to_date=dt.date(2025, 3, 31),
                required_rate=0.5):
            by_satisfaction = ByAgency.search([], order=[
                    ('satisfaction', 'DESC NULLS LAST'), ('agency', 'ASC')])
            self.assertEqual(
                [(r.agency_label, r.satisfaction_percent)
                    for r in by_satisfaction],
                [("A [H15.71]", 100.0), ("B [H15.72]", 66.7),
                    ("UBND phường La Gi [H15.50.04]", None)])
            by_coverage = ByAgency.search([], order=[
                    ('coverage_percent', 'DESC NULLS LAST'),
                    ('agency', 'ASC')])
            self.assertEqual(
                [(r.agency.code, r.coverage_percent, r.required_rate_percent)
                    for r in by_coverage],
                [('H15.72', 75.0, 50.0), ('H15.71', 50.0, 50.0),
                    ('H15.50.04', 0.0, 50.0)])
            # The other way round, the agency without a figure still last
            self.assertEqual(
                [r.agency.code for r in ByAgency.search([], order=[
                            ('satisfaction', 'ASC NULLS LAST')])],
                ['H15.72', 'H15.71', 'H15.50.04'])
