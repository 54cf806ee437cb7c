# This file is part of the public_satisfaction module.  The COPYRIGHT file
# at the top level of this repository contains the full copyright notices
# and license terms.
"""The counts by agency and day (counts.py): the figures read from them
equal the figures counted by hand, before and after a refresh, after
changes the refresh has not seen yet, once an open invitation has expired,
and after raw writes marked with mark_all; check() finds a count that
differs from the detail.  The same for the dossiers of Decision 766, ratio
3: those returned, and those bad by their answer or by a feedback."""
import datetime as dt
import unittest
from unittest.mock import patch

from trytond import backend
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from ..counts import chunks, day_bounds, days_between, lock_key
from . import test_statistics
from .tools import SurveyWorldMixin

TIMEZONE = 'Asia/Ho_Chi_Minh'
PERIOD = (dt.date(2025, 3, 1), dt.date(2025, 3, 31))
# 10/03 and 20/03 local, 10:00
MARCH_10 = dt.datetime(2025, 3, 10, 3, 0)
MARCH_20 = dt.datetime(2025, 3, 20, 3, 0)
# the UTC bounds of those local days
MARCH_10_START = dt.datetime(2025, 3, 9, 17, 0)
MARCH_20_START = dt.datetime(2025, 3, 19, 17, 0)


class CountRulesTestCase(unittest.TestCase):
    "The rules of the units, without a database"

    def test_day_bounds(self):
        # 00:00 local on 10/03 is 17:00 UTC on 09/03
        self.assertEqual(
            day_bounds(dt.datetime(2025, 3, 9, 17, 0), TIMEZONE),
            (dt.datetime(2025, 3, 9, 17, 0), dt.datetime(2025, 3, 10, 17, 0)))
        # a minute before is 23:59 local on 09/03
        self.assertEqual(
            day_bounds(dt.datetime(2025, 3, 9, 16, 59), TIMEZONE),
            (dt.datetime(2025, 3, 8, 17, 0), dt.datetime(2025, 3, 9, 17, 0)))
        self.assertEqual(
            day_bounds(dt.datetime(2025, 3, 9, 16, 59), 'UTC'),
            (dt.datetime(2025, 3, 9), dt.datetime(2025, 3, 10)))

    def test_days_between(self):
        self.assertEqual(
            days_between(dt.date(2024, 2, 28), dt.date(2024, 3, 1)),
            [dt.date(2024, 2, 28), dt.date(2024, 2, 29),
                dt.date(2024, 3, 1)])
        self.assertEqual(
            days_between(dt.date(2024, 3, 1), dt.date(2024, 2, 28)), [])

    def test_chunks(self):
        self.assertEqual(chunks(range(7), 3), [[0, 1, 2], [3, 4, 5], [6]])
        self.assertEqual(chunks([], 3), [])

    def test_lock_key(self):
        key = lock_key('satisfaction.count.refresh')
        self.assertEqual(key, lock_key('satisfaction.count.refresh'))
        self.assertNotEqual(key, lock_key('satisfaction.count.other'))
        self.assertTrue(0 <= key < 2 ** 63)


class CountsWorld(SurveyWorldMixin):
    "The small province of the counts' tests and how they are read"

    @classmethod
    def setUpClass(cls):
        activate_module('public_satisfaction')

    def world(self):
        Configuration = Pool().get('satisfaction.configuration')
        Configuration.write([Configuration(1)], {
                'device_limit': 0, 'print_seconds': 0, 'min_seconds': 0})
        return super().world()

    def figures(self, agency):
        "(eligible, answered, expired, excluded, {overall value: count})"
        from trytond.modules.public_satisfaction.statistics import (
            period_figures)
        figures = period_figures([agency.id], *PERIOD)[agency.id]
        return (
            figures.eligible, figures.answered, figures.expired,
            figures.excluded, dict(figures.overall_counts))

    def count_rows(self, model):
        table = Pool().get(model).__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.id))
        return len(cursor.fetchall())

    def ratio_3(self, agency, start=PERIOD[0], end=PERIOD[1]):
        "(dossiers returned, bad dossiers) of Decision 766, ratio 3"
        from trytond.modules.public_satisfaction.statistics import (
            period_figures)
        figures = period_figures([agency.id], start, end)[agency.id]
        return figures.dossiers, figures.bad_dossiers

    def tamper(self, agency, start, model='satisfaction.count.day',
            column='eligible'):
        "Add 100 to a count of the unit, as a bug would"
        table = Pool().get(model).__table__()
        cursor = Transaction().connection.cursor()
        column = getattr(table, column)
        cursor.execute(*table.update(
                [column], [column + 100],
                where=(table.agency == agency.id)
                & (table.returned_date == start)))
        self.assertEqual(cursor.rowcount, 1)

    def small_province(self):
        """A: on 10/03 answers 5 and 2 and one invitation still open (its
        expiry a day from now), on 20/03 an answer 4; B: on 10/03 an
        answer 3"""
        Invitation = Pool().get('satisfaction.invitation')
        a, b, procedure, party = self.world()
        for overall in [5, 2]:
            _, invitation = self.returned(a, procedure, party, MARCH_10)
            self.answer(invitation, overall)
        _, still_open = self.returned(a, procedure, party, MARCH_10)
        Invitation.write([still_open], {
                'expiry': dt.datetime.utcnow() + dt.timedelta(days=1)})
        _, invitation = self.returned(a, procedure, party, MARCH_20)
        self.answer(invitation, 4)
        _, invitation = self.returned(b, procedure, party, MARCH_10)
        self.answer(invitation, 3)
        return a, b, still_open

    # A: 4 eligible, 3 answered, none expired nor excluded
    A = (4, 3, 0, 0, {5: 1, 2: 1, 4: 1})
    B = (1, 1, 0, 0, {3: 1})



class CountsTestCase(CountsWorld, unittest.TestCase):
    "The survey figures read from the counts"

    @with_transaction()
    def test_refresh(self):
        "The counts made by the refresh give the figures counted by hand"
        CountDay = Pool().get('satisfaction.count.day')
        a, b, _ = self.small_province()
        self.assertGreater(self.count_rows('satisfaction.count.dirty'), 0)
        self.assertEqual(self.figures(a), self.A)
        self.assertEqual(self.figures(b), self.B)

        # three days: 10/03 (A and B), 20/03 (A) and today, when the
        # results were returned before their date was set to March
        self.assertEqual(CountDay.refresh(), 3)
        self.assertEqual(self.count_rows('satisfaction.count.dirty'), 0)
        # units: A 10/03, A 20/03, B 10/03
        self.assertEqual(self.count_rows('satisfaction.count.day'), 3)
        # ratings of the 4 answers, only overall answered: one row a unit
        self.assertEqual(self.count_rows('satisfaction.count.rating'), 3)
        self.assertEqual(self.figures(a), self.A)
        self.assertEqual(self.figures(b), self.B)
        self.assertEqual(CountDay.check(*PERIOD), {})
        self.assertEqual(CountDay.refresh(), 0)

    @with_transaction()
    def test_reads_counts_and_check(self):
        "The figures are read from the counts; check finds a wrong one"
        pool = Pool()
        CountDay = pool.get('satisfaction.count.day')
        Dirty = pool.get('satisfaction.count.dirty')
        a, b, _ = self.small_province()
        CountDay.refresh()
        self.tamper(a, MARCH_20_START)
        self.assertEqual(self.figures(a), (104,) + self.A[1:])

        differ = CountDay.check(*PERIOD)
        self.assertEqual(list(differ), [(a.id, dt.date(2025, 3, 20))])
        (counted, detail), = differ.values()
        # eligible: 1 on 20/03
        self.assertEqual((counted['eligible'], detail['eligible']), (101, 1))

        # marked: read from the detail until the refresh recounts it
        Dirty.mark([(a.id, MARCH_20)])
        self.assertEqual(self.figures(a), self.A)
        self.assertEqual(CountDay.refresh(), 1)
        self.assertEqual(self.figures(a), self.A)
        self.assertEqual(CountDay.check(*PERIOD), {})

    @with_transaction()
    def test_changes_before_refresh(self):
        """An exclusion, an answer and a move of agency after the refresh
        are in the figures at once"""
        pool = Pool()
        CountDay = pool.get('satisfaction.count.day')
        Response = pool.get('satisfaction.response')
        Invitation = pool.get('satisfaction.invitation')
        a, b, still_open = self.small_province()
        CountDay.refresh()

        # the first change of the unit since the refresh: the answer
        # (response, answers and invitation written in bulk) marks it
        self.assertEqual(self.count_rows('satisfaction.count.dirty'), 0)
        self.answer(Invitation(still_open.id), 5)
        self.assertEqual(self.figures(a), (4, 4, 0, 0, {5: 2, 2: 1, 4: 1}))
        CountDay.refresh()
        self.assertEqual(self.figures(a), (4, 4, 0, 0, {5: 2, 2: 1, 4: 1}))

        unhappy, = Response.search([
                ('invitation.agency', '=', a.id),
                ('answers.value', '=', 2)])
        Response.write([unhappy], {
                'excluded': True, 'exclusion_reason': "Trùng lặp"})
        # A: 4 answered, one excluded: the 2 left out of the ratings
        self.assertEqual(self.figures(a), (4, 4, 0, 1, {5: 2, 4: 1}))

        answered_b, = Invitation.search([('agency', '=', b.id)])
        Invitation.write([answered_b], {'agency': a.id})
        self.assertEqual(self.figures(a), (5, 5, 0, 1, {5: 2, 4: 1, 3: 1}))
        self.assertEqual(self.figures(b), (0, 0, 0, 0, {}))

        CountDay.refresh()
        self.assertEqual(self.count_rows('satisfaction.count.dirty'), 0)
        self.assertEqual(self.figures(a), (5, 5, 0, 1, {5: 2, 4: 1, 3: 1}))
        self.assertEqual(self.figures(b), (0, 0, 0, 0, {}))
        self.assertEqual(CountDay.check(*PERIOD), {})

    @with_transaction()
    def test_citizen_events(self):
        """Opening and declining, written in one UPDATE, mark their unit:
        a tampered count is not read after them"""
        pool = Pool()
        CountDay = pool.get('satisfaction.count.day')
        Invitation = pool.get('satisfaction.invitation')
        a, b, still_open = self.small_province()
        CountDay.refresh()
        self.tamper(a, MARCH_10_START)
        self.assertEqual(self.figures(a)[0], 104)
        Invitation.open([Invitation(still_open.id)])
        self.assertEqual(self.figures(a), self.A)
        CountDay.refresh()
        self.tamper(a, MARCH_10_START)
        Invitation.decline([Invitation(still_open.id)])
        self.assertEqual(self.figures(a), self.A)
        CountDay.refresh()
        self.assertEqual(CountDay.check(*PERIOD), {})

    @with_transaction()
    def test_expiry(self):
        """The counts of a day with an open invitation are not read once
        its expiry has passed: it is counted as expired"""
        pool = Pool()
        CountDay = pool.get('satisfaction.count.day')
        Invitation = pool.get('satisfaction.invitation')
        a, b, still_open = self.small_province()
        CountDay.refresh()
        self.tamper(a, MARCH_10_START)
        self.assertEqual(self.figures(a), (104,) + self.A[1:])

        later = Invitation(still_open.id).expiry + dt.timedelta(minutes=1)
        with patch.object(Invitation, 'now', classmethod(lambda c: later)):
            # read from the detail: the tampered count is not read
            self.assertEqual(self.figures(a), (4, 3, 1, 0, self.A[4]))

    @unittest.skipUnless(
        backend.name == 'postgresql', "SQLite has a single writer")
    @with_transaction()
    def test_concurrent_refresh(self):
        """A refresh while another one runs returns at once (None) and
        leaves the marks to it"""
        CountDay = Pool().get('satisfaction.count.day')
        self.small_province()
        # the lock is held until this transaction ends
        self.assertEqual(CountDay.refresh(), 3)
        with Transaction().new_transaction() as transaction:
            self.assertIsNone(CountDay.refresh())
            transaction.rollback()
        self.assertEqual(CountDay.refresh(), 0)

    @with_transaction()
    def test_mark_all(self):
        """After raw writes marked with mark_all, the figures are read from
        the detail; rebuild counts every day again"""
        pool = Pool()
        CountDay = pool.get('satisfaction.count.day')
        Dirty = pool.get('satisfaction.count.dirty')
        a, b, _ = self.small_province()
        CountDay.refresh()
        self.assertTrue(CountDay.usable())
        self.tamper(a, MARCH_20_START)
        Dirty.mark_all()
        self.assertFalse(CountDay.usable())
        self.assertEqual(self.figures(a), self.A)

        # every day from 10/03 to 20/03, with or without invitations
        self.assertEqual(CountDay.rebuild(), 11)
        self.assertTrue(CountDay.usable())
        self.assertEqual(self.count_rows('satisfaction.count.dirty'), 0)
        self.assertEqual(self.count_rows('satisfaction.count.day'), 3)
        self.assertEqual(self.figures(a), self.A)
        self.assertEqual(CountDay.check(*PERIOD), {})


class CountsMigrationTestCase(CountsWorld, unittest.TestCase):
    "The update from the rating counts of one row a value"

    @with_transaction()
    def test_rating_counts_by_value(self):
        """The rows of the earlier layout are deleted with its columns and
        every unit is counted again"""
        pool = Pool()
        CountDay = pool.get('satisfaction.count.day')
        CountRating = pool.get('satisfaction.count.rating')
        a, b, _ = self.small_province()
        CountDay.refresh()
        self.assertEqual(self.count_rows('satisfaction.count.rating'), 3)
        table_h = CountRating.__table_handler__('public_satisfaction')
        table_h.add_column('value', 'INTEGER')
        CountRating.__register__('public_satisfaction')
        table_h = CountRating.__table_handler__('public_satisfaction')
        self.assertFalse(table_h.column_exist('value'))
        self.assertEqual(self.count_rows('satisfaction.count.rating'), 0)
        self.assertFalse(CountDay.usable())
        self.assertEqual(self.figures(a), self.A)
        CountDay.refresh()
        self.assertEqual(self.count_rows('satisfaction.count.rating'), 3)
        self.assertEqual(self.figures(a), self.A)
        self.assertEqual(CountDay.check(*PERIOD), {})


class CountsCreatedTestCase(CountsWorld, unittest.TestCase):
    "The module updated over a database with answers and no counts"

    @with_transaction()
    def test_tables_created_over_data(self):
        "Each count table created empty over its detail marks every unit"
        pool = Pool()
        CountDay = pool.get('satisfaction.count.day')
        cursor = Transaction().connection.cursor()
        a, b, _ = self.small_province()
        for name in ['satisfaction.count.day', 'satisfaction.count.dossier']:
            CountDay.refresh()
            Model = pool.get(name)
            table = Model.__table__()
            # counts made: nothing marked
            Model.__register__('public_satisfaction')
            self.assertTrue(CountDay.usable())
            cursor.execute(*table.delete())
            Model.__register__('public_satisfaction')
            self.assertFalse(CountDay.usable(), name)
            self.assertEqual(self.figures(a), self.A)
            self.assertEqual(self.ratio_3(a), (4, 1))


class CountedDossiersTestCase(CountsWorld, unittest.TestCase):
    "The dossiers of Decision 766, ratio 3, read from the counts"

    def tamper_dossiers(self, agency, start):
        self.tamper(agency, start, 'satisfaction.count.dossier', 'dossiers')

    @with_transaction()
    def test_refresh_and_check(self):
        """The counts give the dossiers counted by hand; check finds a
        wrong one; a marked unit is read from the detail"""
        pool = Pool()
        CountDay = pool.get('satisfaction.count.day')
        Dirty = pool.get('satisfaction.count.dirty')
        a, b, _ = self.small_province()
        # A: 3 dossiers on 10/03 (answers 5 and 2, one open) and 1 on 20/03
        # (answer 4): the 2 is unhappy; B: 1 dossier, answer 3
        self.assertEqual(self.ratio_3(a), (4, 1))
        self.assertEqual(self.ratio_3(b), (1, 0))
        self.assertEqual(CountDay.refresh(), 3)
        self.assertEqual(self.count_rows('satisfaction.count.dossier'), 3)
        self.assertEqual(self.ratio_3(a), (4, 1))
        self.assertEqual(self.ratio_3(b), (1, 0))
        self.assertEqual(CountDay.check(*PERIOD), {})

        self.tamper_dossiers(a, MARCH_20_START)
        self.assertEqual(self.ratio_3(a), (104, 1))
        differ = CountDay.check(*PERIOD)
        self.assertEqual(list(differ), [(a.id, dt.date(2025, 3, 20))])
        (counted, detail), = differ.values()
        self.assertEqual(
            (counted['dossiers'], detail['dossiers']), (101, 1))
        self.assertEqual(counted['eligible'], detail['eligible'])

        Dirty.mark([(a.id, MARCH_20)])
        self.assertEqual(self.ratio_3(a), (4, 1))
        self.assertEqual(CountDay.refresh(), 1)
        self.assertEqual(self.ratio_3(a), (4, 1))
        self.assertEqual(CountDay.check(*PERIOD), {})

    @with_transaction()
    def test_changes_before_refresh(self):
        """A feedback about a dossier, its rejection and the exclusion of an
        unhappy answer after the refresh are in the figures at once"""
        pool = Pool()
        CountDay = pool.get('satisfaction.count.day')
        Dossier = pool.get('one_stop.dossier')
        Feedback = pool.get('one_stop.feedback')
        Response = pool.get('satisfaction.response')
        a, b, _ = self.small_province()
        CountDay.refresh()

        # a feedback about the dossier of 20/03 (answered 4): bad
        self.tamper_dossiers(a, MARCH_20_START)
        dossier, = Dossier.search([
                ('agency', '=', a.id), ('returned_date', '=', MARCH_20)])
        feedback = self.pakn(dossier)
        self.assertEqual(self.ratio_3(a), (4, 2))
        CountDay.refresh()
        self.assertEqual(self.ratio_3(a), (4, 2))

        # rejected: not bad any more
        self.tamper_dossiers(a, MARCH_20_START)
        Feedback.write([feedback], {'reason': "Không thuộc phạm vi"})
        Feedback.reject([feedback])
        self.assertEqual(self.ratio_3(a), (4, 1))
        CountDay.refresh()

        # the unhappy answer excluded: not bad either
        self.tamper_dossiers(a, MARCH_10_START)
        unhappy, = Response.search([
                ('invitation.agency', '=', a.id),
                ('answers.value', '=', 2)])
        Response.write([unhappy], {
                'excluded': True, 'exclusion_reason': "Trùng lặp"})
        self.assertEqual(self.ratio_3(a), (4, 0))
        CountDay.refresh()
        self.assertEqual(self.ratio_3(a), (4, 0))
        self.assertEqual(self.ratio_3(b), (1, 0))
        self.assertEqual(CountDay.check(*PERIOD), {})

    @with_transaction()
    def test_dossier_moved(self):
        "A dossier moved to another day marks the day it leaves and enters"
        pool = Pool()
        CountDay = pool.get('satisfaction.count.day')
        Dossier = pool.get('one_stop.dossier')
        a, b, _ = self.small_province()
        CountDay.refresh()
        march_10 = (dt.date(2025, 3, 10),) * 2
        march_20 = (dt.date(2025, 3, 20),) * 2
        self.assertEqual(self.ratio_3(a, *march_10), (3, 1))
        self.assertEqual(self.ratio_3(a, *march_20), (1, 0))
        self.tamper_dossiers(a, MARCH_10_START)
        self.tamper_dossiers(a, MARCH_20_START)
        unhappy, = Dossier.search([
                ('agency', '=', a.id), ('returned_date', '=', MARCH_10),
                ('id', 'in', [r.dossier.id for r in pool.get(
                            'satisfaction.response').search([
                                ('answers.value', '=', 2)])])])
        Dossier.write([unhappy], {'returned_date': MARCH_20})
        self.assertEqual(self.ratio_3(a, *march_10), (2, 0))
        self.assertEqual(self.ratio_3(a, *march_20), (2, 1))
        CountDay.refresh()
        self.assertEqual(self.ratio_3(a, *march_10), (2, 0))
        self.assertEqual(self.ratio_3(a, *march_20), (2, 1))
        self.assertEqual(CountDay.check(*PERIOD), {})

    @with_transaction()
    def test_returned_without_invitation(self):
        """A dossier returned without a survey (online) is counted at once
        by its return, then by the refresh"""
        pool = Pool()
        CountDay = pool.get('satisfaction.count.day')
        Dossier = pool.get('one_stop.dossier')
        Invitation = pool.get('satisfaction.invitation')
        a, b, procedure, party = self.world()
        CountDay.refresh()
        today = Dossier.today()
        self.assertEqual(self.ratio_3(a, today, today), (0, 0))
        dossier, = Dossier.create([{
                    'applicant': party.id, 'procedure': procedure.id,
                    'agency': a.id, 'channel': 'online'}])
        Dossier.process([dossier])
        Dossier.mark_ready([dossier])
        Dossier.return_result([dossier])
        self.assertEqual(
            Invitation.search([('dossier', '=', dossier.id)]), [])
        self.assertEqual(self.ratio_3(a, today, today), (1, 0))
        self.assertEqual(CountDay.refresh(), 1)
        self.assertEqual(self.count_rows('satisfaction.count.dossier'), 1)
        self.assertEqual(self.count_rows('satisfaction.count.day'), 0)
        self.assertEqual(self.ratio_3(a, today, today), (1, 0))
        self.assertEqual(CountDay.check(today, today), {})

    @with_transaction()
    def test_kind_about_dossier(self):
        "A subject that becomes about the dossier: every unit recounted"
        pool = Pool()
        CountDay = pool.get('satisfaction.count.day')
        Kind = pool.get('one_stop.feedback.kind')
        a, b, _ = self.small_province()
        CountDay.refresh()
        self.assertTrue(CountDay.usable())
        kind, = Kind.search([('about_dossier', '=', False)], limit=1)
        Kind.write([kind], {'about_dossier': True})
        self.assertFalse(CountDay.usable())
        self.assertEqual(self.ratio_3(a), (4, 1))
        CountDay.refresh()
        self.assertTrue(CountDay.usable())
        self.assertEqual(CountDay.check(*PERIOD), {})


class CountedStatisticsTestCase(test_statistics.StatisticsTestCase):
    """The figures of test_statistics read from the counts: every figure is
    computed after the counts were refreshed"""

    def setUp(self):
        super().setUp()
        from trytond.modules.public_satisfaction import (
            one_stop, report_figures, statistics)
        original = statistics.figures_query

        def refreshed_figures_query(*args, **kwargs):
            Pool().get('satisfaction.count.day').refresh()
            return original(*args, **kwargs)
        for module in [statistics, report_figures, one_stop]:
            patcher = patch.object(
                module, 'figures_query', refreshed_figures_query)
            patcher.start()
            self.addCleanup(patcher.stop)
