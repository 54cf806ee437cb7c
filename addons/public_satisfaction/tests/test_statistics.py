# This file is part of the public_satisfaction module.  The COPYRIGHT file
# at the top level of this repository contains the full copyright notices
# and license terms.
"""Figures of a small province built by hand, against counts written in the
test: coverage, rates, mean, SIPAS-style index, Decision 766 ratio,
exclusions, snapshot attribution and period bounds."""
import datetime as dt
import unittest

from sql import Literal

from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from .tools import SurveyWorldMixin

# Local dates: the period is March 2025; 07:00 local is 00:00 UTC
PERIOD = (dt.date(2025, 3, 1), dt.date(2025, 3, 31))
IN_PERIOD = dt.datetime(2025, 3, 10, 3, 0)
BEFORE = dt.datetime(2025, 2, 28, 16, 59)    # 28/02 23:59 local
FIRST_MINUTE = dt.datetime(2025, 2, 28, 17, 0)  # 01/03 00:00 local


class StatisticsTestCase(SurveyWorldMixin, unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        activate_module('public_satisfaction')

    @with_transaction()
    def test_period_figures(self):
        pool = Pool()
        Invitation = pool.get('satisfaction.invitation')
        Response = pool.get('satisfaction.response')
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
        _, declined = self.returned(
            a, procedure, party, FIRST_MINUTE, late=True)
        Invitation.write([declined], {'state': 'declined'})
        _, expired = self.returned(a, procedure, party, IN_PERIOD)
        Invitation.write([expired], {
                'expiry': IN_PERIOD + dt.timedelta(days=7),
                'opened_date': IN_PERIOD})
        # An online dossier: returned, not surveyed, counted for 766
        self.returned(a, procedure, party, IN_PERIOD, channel='online')
        # Outside the period (28/02 local), answered 1: not counted
        _, before = self.returned(a, procedure, party, BEFORE, late=True)
        self.answer(before, 1, access=1)
        # One answer of A excluded by an evaluator: counted apart
        excluded = Response.search(
            [('invitation', '=', invitations[3].id)])
        table = Response.__table__()
        Transaction().connection.cursor().execute(*table.update(
                [table.excluded], [Literal(True)],
                where=table.id == excluded[0].id))
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
        # Opened: only the expired one has an opening time here (the
        # answers were submitted directly, without a GET of the page)
        self.assertEqual(fa.opened, 1)
        # Coverage: (4 answered − 1 excluded) ÷ 6 eligible
        self.assertAlmostEqual(fa.coverage, 3 / 6)
        # Overall of the 3 counted answers: 5, 4, 2 → 2 satisfied of 3
        self.assertAlmostEqual(fa.satisfaction, 2 / 3)
        self.assertAlmostEqual(fa.mean, (5 + 4 + 2) / 3)
        self.assertEqual(fa.sample, (2, 3))
        # Elements over the 3 counted answers
        expected = {
            'access': [5, 4, 2], 'procedure': [4, 4, 3],
            'official': [5, 3, 2], 'result': [5, 4, 2], 'feedback': [1]}
        for element, values in expected.items():
            rate = sum(v >= 4 for v in values) / len(values)
            self.assertAlmostEqual(fa.element_rate(element), rate, msg=element)
        self.assertEqual(sum(fa.not_applicable.values()), 2)
        index = (2 / 3 + 2 / 3 + 1 / 3 + 2 / 3 + 0) / 5
        self.assertAlmostEqual(fa.sipas_index, index)
        # 766: 7 dossiers of A returned in March (6 surveyed, including
        # the declined one at 00:00 on 01/03, and 1 online); bad = late or
        # overall < 3: the third answer (late and 2) and the declined one
        # (late), each counted once
        self.assertEqual(fa.dossiers, 7)
        self.assertEqual(fa.bad_dossiers, 2)
        self.assertAlmostEqual(fa.ratio_766, 5 / 7)

        self.assertEqual((fb.eligible, fb.answered), (1, 1))
        self.assertEqual(fb.satisfaction, 0)
        self.assertEqual(fb.sipas_index, None)  # no element rated
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
        for returned, overall in [
                (dt.datetime(2025, 2, 10, 3), 5),
                (dt.datetime(2025, 2, 11, 3), 2),
                (IN_PERIOD, 4),
                (IN_PERIOD, None)]:
            _, invitation = self.returned(a, procedure, party, returned)
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

        # An excluded answer (A's "2" of February) leaves coverage and
        # ratings; the flagged and excluded rates are of the 3 answers
        Response = pool.get('satisfaction.response')
        Flag = pool.get('satisfaction.response.flag')
        responses = Response.search([('invitation.agency', '=', a.id)])
        flagged = {f.response for f in Flag.search(
                [('response', 'in', [r.id for r in responses])])}
        two, = [r for r in responses
            if r.invitation.returned_date.day == 11]
        if two not in flagged:
            Flag.create([{'response': two.id, 'reason': 'honeypot'}])
            flagged.add(two)
        table = Response.__table__()
        Transaction().connection.cursor().execute(*table.update(
                [table.excluded], [True], where=table.id == two.id))
        with Transaction().set_context(
                from_date=dt.date(2025, 2, 1), to_date=dt.date(2025, 3, 31)):
            ra = {r.agency: r for r in ByAgency.search([])}[a]
            self.assertEqual(
                (ra.answered, ra.flagged, ra.excluded, ra.satisfied,
                    ra.rated), (3, len(flagged), 1, 2, 2))
            self.assertAlmostEqual(ra.coverage, 2 / 4)
            self.assertAlmostEqual(ra.excluded_rate, 1 / 3)
            self.assertAlmostEqual(ra.flagged_rate, len(flagged) / 3)
            self.assertEqual(ra.satisfaction, 1)
