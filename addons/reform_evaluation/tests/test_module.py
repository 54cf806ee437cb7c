# This file is part of the reform_evaluation module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
import datetime as dt
import hashlib
import os
from decimal import Decimal
from unittest.mock import patch

import pytest
from trytond.model.exceptions import (
    AccessError,
    SQLConstraintError,
    ValidationError,
)
from trytond.modules.one_stop.tests.scenarios import (
    run_scenario, scenario_files)
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    ModuleTestCase,
    with_transaction,
)

from trytond.modules.reform_evaluation.exceptions import PeriodPublishedError


class ReformEvaluationTestCase(ModuleTestCase):
    "Test Reform Evaluation module"
    module = 'reform_evaluation'

    def _period(self, code='2024', **values):
        Period = Pool().get('reform.period')
        values.setdefault('start_date', dt.date(2024, 1, 1))
        values.setdefault('end_date', dt.date(2024, 12, 31))
        period, = Period.create([{
                    'name': code, 'code': code, **values}])
        return period

    def _criteria(self, period):
        "Area A (60) with 1.1 (20) and 1.2 (40: a 25, b 15); area B 40"
        Criterion = Pool().get('reform.criterion')
        area_a, area_b = Criterion.create([{
                    'period': period.id, 'code': '1', 'name': "A",
                    'max_points': Decimal(60),
                    'children': [('create', [{
                                    'period': period.id, 'code': '1.1',
                                    'name': "A1", 'max_points': Decimal(20),
                                    }, {
                                    'period': period.id, 'code': '1.2',
                                    'name': "A2", 'max_points': Decimal(40),
                                    'children': [('create', [{
                                                    'period': period.id,
                                                    'code': '1.2.a',
                                                    'name': "a",
                                                    'max_points': 25,
                                                    }, {
                                                    'period': period.id,
                                                    'code': '1.2.b',
                                                    'name': "b",
                                                    'max_points': 15,
                                                    }])],
                                    }])],
                    }, {
                    'period': period.id, 'code': '2', 'name': "B",
                    'max_points': Decimal(40),
                    }])
        return {c.code: c for c in Criterion.search(
                [('period', '=', period.id)])}

    def _agency(self, code):
        Agency = Pool().get('one_stop.agency')
        agency, = Agency.create([{'name': code, 'code': code}])
        return agency

    @with_transaction()
    def test_criterion_children_max(self):
        "The maxima of the children cannot exceed their parent's"
        Criterion = Pool().get('reform.criterion')
        period = self._period()
        criteria = self._criteria(period)
        with self.assertRaisesRegex(ValidationError, 'add up to 45'):
            Criterion.write([criteria['1.2.a']], {'max_points': 30})
        with self.assertRaisesRegex(ValidationError, 'negative'):
            Criterion.write([criteria['2']], {'max_points': -1})

    @with_transaction()
    def test_criterion_not_computed(self):
        period = self._period()
        for criterion in self._criteria(period).values():
            self.assertEqual(criterion.kind, 'manual')
            self.assertFalse(criterion.is_computed())

    @with_transaction()
    def test_default_thresholds_and_classification(self):
        pool = Pool()
        Period = pool.get('reform.period')
        Classification = pool.get('reform.classification')
        period = self._period()
        Period.load_default_thresholds([period])
        self.assertEqual(
            [(t.label, t.min_points) for t in period.classifications],
            [("Excellent", 90), ("Good", 80), ("Fair", 65),
                ("Average", 50), ("Weak", 0)])
        self.assertEqual(
            Classification.classify(period, Decimal('89.99')).label, "Good")
        with self.assertRaisesRegex(Exception, 'already has'):
            Period.load_default_thresholds([period])

    @with_transaction()
    def test_lines_points_totals(self):
        "Lines for the leaves, points within the maximum, totals of leaves"
        pool = Pool()
        Scorecard = pool.get('reform.scorecard')
        Line = pool.get('reform.scorecard.line')
        period = self._period()
        criteria = self._criteria(period)
        scorecard, = Scorecard.create([{
                    'period': period.id,
                    'agency': self._agency('H15.01').id}])
        Scorecard.create_lines([scorecard])
        self.assertEqual(
            sorted(line.criterion.code for line in scorecard.lines),
            ['1.1', '1.2.a', '1.2.b', '2'])
        Scorecard.create_lines([scorecard])
        self.assertEqual(len(scorecard.lines), 4)
        lines = {line.criterion.code: line for line in scorecard.lines}
        with self.assertRaisesRegex(ValidationError, 'between 0 and'):
            Line.write([lines['1.2.b']], {'self_points': Decimal(16)})
        with self.assertRaisesRegex(ValidationError, 'between 0 and'):
            Line.write([lines['1.2.b']], {'appraised_points': -1})
        with self.assertRaisesRegex(ValidationError, 'domain'):
            Line.create([{'scorecard': scorecard.id,
                        'criterion': criteria['1.2'].id}])
        for code, points in [('1.1', '20'), ('1.2.a', '12.5'),
                ('1.2.b', '15'), ('2', '30.25')]:
            Line.write([lines[code]], {
                    'self_points': Decimal(points),
                    'appraised_points': Decimal(points) - 1})
        scorecard = Scorecard(scorecard.id)
        self.assertEqual(scorecard.self_total, Decimal('77.75'))
        self.assertEqual(scorecard.appraised_total, Decimal('73.75'))
        # not appraised yet: neither classified nor ranked
        self.assertIsNone(scorecard.classification)
        self.assertIsNone(scorecard.rank)

    def _scorecard(self, period, code, self_points, appraised_points,
            state='draft'):
        """A scorecard of a new agency code with the points of the leaves
        1.1, 1.2.a, 1.2.b and 2 (None: not entered), moved to state"""
        pool = Pool()
        Scorecard = pool.get('reform.scorecard')
        Line = pool.get('reform.scorecard.line')
        scorecard, = Scorecard.create([{
                    'period': period.id, 'agency': self._agency(code).id}])
        Scorecard.create_lines([scorecard])
        lines = {line.criterion.code: line for line in scorecard.lines}
        for code_, self_, appraised in zip(
                ['1.1', '1.2.a', '1.2.b', '2'], self_points,
                appraised_points):
            Line.write([lines[code_]], {
                    'self_points': (
                        Decimal(self_) if self_ is not None else None),
                    'appraised_points': (
                        Decimal(appraised) if appraised is not None
                        else None),
                    })
        if state in {'self_assessed', 'appraised'}:
            Scorecard.submit([scorecard])
        if state == 'appraised':
            Scorecard.appraise([scorecard])
        return Scorecard(scorecard.id)

    @with_transaction()
    def test_scorecards_listed_by_rank(self):
        """Best first within a period, ties by agency code, the scorecards
        not appraised yet last; whatever the self-assessed points"""
        pool = Pool()
        Scorecard = pool.get('reform.scorecard')
        Period = pool.get('reform.period')
        period = self._period()
        self._criteria(period)
        full = ['20', '25', '15', '40']
        # Appraised totals: H15.05 20 + 25 + 15 + 20 = 80; H15.04 20 + 25
        # + 15 + 18.98 = 78.98; H15.02 17.75 + 24.39 + 13.94 + 22.9 =
        # 78.98 too (added as floats, in any order, 78.97999…: SQLite must
        # round before ranking); H15.01 self-assessed with 100 points and
        # H15.03 a draft with 99 appraised: not ranked
        self._scorecard(period, 'H15.04', full,
            ['20', '25', '15', '18.98'], 'appraised')
        self._scorecard(period, 'H15.01', full, [None] * 4, 'self_assessed')
        self._scorecard(period, 'H15.05', full,
            ['20', '25', '15', '20'], 'appraised')
        self._scorecard(period, 'H15.03', full, ['20', '25', '15', '39'])
        self._scorecard(period, 'H15.02', full,
            ['17.75', '24.39', '13.94', '22.9'], 'appraised')
        # A later period, listed first (by period, newest first): its
        # only appraised scorecard ranks 1 there
        later = self._period('2025', start_date=dt.date(2025, 1, 1),
            end_date=dt.date(2025, 12, 31))
        self._criteria(later)
        later_card = self._scorecard(later, 'H15.09', full,
            ['1', '1', '1', '1'], 'appraised')

        expected = [
            ('2024', 'H15.05', 1, Decimal(80)),
            ('2024', 'H15.02', 2, Decimal('78.98')),
            ('2024', 'H15.04', 2, Decimal('78.98')),
            ('2024', 'H15.01', None, Decimal(100)),
            ('2024', 'H15.03', None, Decimal(99)),
            ]
        self.assertEqual(
            [(s.period.code, s.agency.code, s.rank, s.appraised_total)
                for s in Scorecard.search([('period', '=', period.id)])],
            expected)
        self.assertEqual(
            [s.agency.code for s in Scorecard.search([])],
            ['H15.09'] + [code for _, code, _, _ in expected])
        self.assertEqual(later_card.rank, 1)
        # The scorecards of the period's form, in the same order
        self.assertEqual(
            [s.agency.code for s in Period(period.id).scorecards],
            [code for _, code, _, _ in expected])
        # The rank column sorts both ways, the unranked last
        self.assertEqual(
            [s.agency.code for s in Scorecard.search(
                    [('period', '=', period.id)],
                    order=[('rank', 'DESC NULLS LAST'),
                        ('agency', 'ASC')])],
            ['H15.02', 'H15.04', 'H15.05', 'H15.01', 'H15.03'])

    @with_transaction()
    def test_provisional_totals(self):
        """Before the appraisal the appraised total takes the self-assessed
        points of the lines not appraised yet and says it is provisional;
        the ranking stays provisional until the period is published"""
        pool = Pool()
        Scorecard = pool.get('reform.scorecard')
        Line = pool.get('reform.scorecard.line')
        Period = pool.get('reform.period')
        period = self._period()
        self._criteria(period)
        Period.load_default_thresholds([period])
        # Self-assessed 20 + 25 + 14 + 24.5 = 83.5; only 1.2.b appraised
        # (6): provisional appraised total 20 + 25 + 6 + 24.5 = 75.5
        scorecard = self._scorecard(period, 'H15.01',
            ['20', '25', '14', '24.5'], [None, None, '6', None],
            'self_assessed')
        self.assertEqual(scorecard.self_total, Decimal('83.5'))
        self.assertEqual(scorecard.appraised_total, Decimal('75.5'))
        self.assertEqual(scorecard.total_status, 'not_appraised')
        self.assertEqual(
            scorecard.total_status_string, "Provisional (not appraised)")
        self.assertIsNone(scorecard.classification)
        self.assertIsNone(scorecard.rank)

        # Appraised: 18 + 20 + 6 + 24.5 = 68.5, "Fair", not published yet
        lines = {line.criterion.code: line for line in scorecard.lines}
        Line.write([lines['1.1']], {'appraised_points': Decimal(18)})
        Line.write([lines['1.2.a']], {'appraised_points': Decimal(20)})
        Line.write([lines['2']], {'appraised_points': Decimal('24.5')})
        Scorecard.appraise([scorecard])
        scorecard = Scorecard(scorecard.id)
        self.assertEqual(scorecard.appraised_total, Decimal('68.5'))
        self.assertEqual(
            (scorecard.total_status, scorecard.total_status_string),
            ('not_published', "Provisional (not published)"))
        self.assertEqual(scorecard.classification.label, "Fair")
        self.assertEqual(scorecard.rank, 1)

        Period.open([period])
        Period.publish([period])
        scorecard = Scorecard(scorecard.id)
        self.assertEqual(
            (scorecard.total_status, scorecard.total_status_string),
            ('final', "Final (published)"))
        self.assertEqual(scorecard.appraised_total, Decimal('68.5'))

        # Reset to draft, an appraised scorecard keeps its appraised points
        # and is provisional again
        other_period = self._period('2025', start_date=dt.date(2025, 1, 1),
            end_date=dt.date(2025, 12, 31))
        self._criteria(other_period)
        other = self._scorecard(other_period, 'H15.02',
            ['20', '25', '15', '40'], ['10', '10', '10', '10'], 'appraised')
        Scorecard.draft([other])
        other = Scorecard(other.id)
        self.assertEqual(
            (other.total_status, other.appraised_total, other.rank),
            ('not_appraised', Decimal(40), None))

    @with_transaction()
    def test_compute_does_nothing_in_host(self):
        pool = Pool()
        Scorecard = pool.get('reform.scorecard')
        period = self._period()
        self._criteria(period)
        scorecard, = Scorecard.create([{
                    'period': period.id,
                    'agency': self._agency('H15.01').id}])
        Scorecard.create_lines([scorecard])
        self.assertEqual(Scorecard.compute_data([scorecard]), {})
        self.assertEqual(scorecard.compute_values({}), {})
        Scorecard.compute([scorecard])
        for line in scorecard.lines:
            self.assertFalse(line.computed)
            self.assertIsNone(line.compute_points({}))
            self.assertIsNone(line.self_points)

    @with_transaction()
    def test_compute_hooks(self):
        """What compute_data prefetches reaches the lines and the scorecards;
        the values of the computed lines are written in one call"""
        pool = Pool()
        Scorecard = pool.get('reform.scorecard')
        Criterion = pool.get('reform.criterion')
        Line = pool.get('reform.scorecard.line')
        period = self._period()
        self._criteria(period)
        scorecards = Scorecard.create([{
                    'period': period.id,
                    'agency': self._agency(code).id,
                    } for code in ['H15.01', 'H15.02']])
        Scorecard.create_lines(scorecards)
        # A module's data: points of criterion 1.1 by agency code
        data = {'points': {'H15.01': Decimal('12.5'), 'H15.02': Decimal(7)}}
        seen = []

        def compute_points(line, data):
            return {
                'self_points': data['points'][line.scorecard.agency.code],
                'appraised_points': data['points'][
                    line.scorecard.agency.code],
                'explanation': f"from {line.scorecard.agency.code}",
                }

        def compute_values(scorecard, data_):
            seen.append((scorecard.agency.code, data_ is data))
            return {}

        with patch.object(Scorecard, 'compute_data', return_value=data), \
                patch.object(Criterion, 'is_computed',
                    lambda criterion: criterion.code == '1.1'), \
                patch.object(Line, 'compute_points', compute_points), \
                patch.object(Scorecard, 'compute_values', compute_values), \
                patch.object(Line, 'write', wraps=Line.write) as write:
            Scorecard.compute(scorecards)
        self.assertEqual(write.call_count, 1)
        self.assertEqual(sorted(seen), [('H15.01', True), ('H15.02', True)])
        lines = Line.search([('scorecard', 'in', [s.id for s in scorecards])])
        self.assertEqual(
            sorted((line.scorecard.agency.code, line.criterion.code,
                    line.self_points, line.appraised_points, line.computed,
                    line.explanation)
                for line in lines if line.computed),
            [('H15.01', '1.1', Decimal('12.5'), Decimal('12.5'), True,
                    "from H15.01"),
                ('H15.02', '1.1', Decimal(7), Decimal(7), True,
                    "from H15.02")])
        self.assertEqual(
            {line.self_points for line in lines if not line.computed},
            {None})

    @with_transaction()
    def test_copy_criteria(self):
        "The tree and the thresholds are copied into independent records"
        pool = Pool()
        Period = pool.get('reform.period')
        Criterion = pool.get('reform.criterion')
        period = self._period()
        self._criteria(period)
        Period.load_default_thresholds([period])
        new = self._period('2025', previous=period.id,
            start_date=dt.date(2025, 1, 1), end_date=dt.date(2025, 12, 31))
        Period.copy_criteria([new])
        old = Criterion.search([('period', '=', period.id)])
        copied = Criterion.search([('period', '=', new.id)])
        self.assertEqual(
            sorted((c.code, c.parent and c.parent.code, c.max_points)
                for c in old),
            sorted((c.code, c.parent and c.parent.code, c.max_points)
                for c in copied))
        self.assertFalse({c.id for c in old} & {c.id for c in copied})
        self.assertTrue(all(
                c.parent.period == new for c in copied if c.parent))
        self.assertEqual(len(new.classifications), 5)
        with self.assertRaisesRegex(Exception, 'already has criteria'):
            Period.copy_criteria([new])

    @with_transaction()
    def test_published_is_frozen_for_server_code(self):
        "The lock holds for server code too, not only for RPC"
        pool = Pool()
        Period = pool.get('reform.period')
        Scorecard = pool.get('reform.scorecard')
        Line = pool.get('reform.scorecard.line')
        Criterion = pool.get('reform.criterion')
        Classification = pool.get('reform.classification')
        period = self._period()
        self._criteria(period)
        Period.load_default_thresholds([period])
        scorecard, = Scorecard.create([{
                    'period': period.id,
                    'agency': self._agency('H15.01').id}])
        Scorecard.create_lines([scorecard])
        Line.write(list(scorecard.lines), {'appraised_points': 5})
        Period.open([period])
        Scorecard.appraise([scorecard])
        Period.publish([period])
        period = Period(period.id)
        self.assertEqual(period.state, 'published')
        self.assertEqual(Scorecard(scorecard.id).state, 'published')
        # The content written out: 20 appraised points (4 lines × 5), no
        # self-assessed points, the default thresholds (20 → "Weak")
        criteria = ','.join(
            f'{{"code":"{code}","kind":"manual","max_points":"{maximum}",'
            f'"name":"{name}","parent":{parent}}}'
            for code, maximum, name, parent in [
                ('1', 60, 'A', 'null'), ('1.1', 20, 'A1', '"1"'),
                ('1.2', 40, 'A2', '"1"'), ('1.2.a', 25, 'a', '"1.2"'),
                ('1.2.b', 15, 'b', '"1.2"'), ('2', 40, 'B', 'null')])
        thresholds = ','.join(
            f'{{"label":"{label}","min_points":"{minimum}"}}'
            for label, minimum in [('Excellent', 90), ('Good', 80),
                ('Fair', 65), ('Average', 50), ('Weak', 0)])
        lines = ','.join(
            f'{{"appraised_points":"5","computed":false,'
            f'"criterion":"{code}","self_points":null}}'
            for code in ['1.1', '1.2.a', '1.2.b', '2'])
        content = (
            f'{{"classification":[{thresholds}],"criteria":[{criteria}],'
            '"period":{"code":"2024","end_date":"2024-12-31",'
            '"kind":"year","name":"2024","start_date":"2024-01-01"},'
            '"scorecards":[{"agency":"H15.01","appraised_total":"20",'
            f'"classification":"Weak","lines":[{lines}],"rank":1,'
            '"self_total":"0"}]}')
        self.assertEqual(period.content_hash,
            hashlib.sha256(content.encode('utf-8')).hexdigest())
        for call in [
                lambda: Period.write([period], {'name': "X"}),
                lambda: Period.delete([period]),
                lambda: Period.draft([period]) or Period.write(
                    [period], {'state': 'open'}),
                lambda: Line.write(list(scorecard.lines),
                    {'note': "late"}),
                lambda: Line.delete(list(scorecard.lines)),
                lambda: Scorecard.write([scorecard], {'state': 'draft'}),
                lambda: Scorecard.create([{'period': period.id,
                            'agency': self._agency('H15.02').id}]),
                lambda: Criterion.create([{'period': period.id,
                            'code': '3', 'name': "C", 'max_points': 0}]),
                lambda: Classification.write(
                    list(period.classifications), {'min_points': 1}),
                ]:
            with self.assertRaises(PeriodPublishedError):
                call()

    @with_transaction()
    def test_publish_needs_appraised_scorecards(self):
        pool = Pool()
        Period = pool.get('reform.period')
        Scorecard = pool.get('reform.scorecard')
        Line = pool.get('reform.scorecard.line')
        period = self._period()
        self._criteria(period)
        scorecard, = Scorecard.create([{
                    'period': period.id,
                    'agency': self._agency('H15.01').id}])
        Scorecard.create_lines([scorecard])
        Line.write(list(scorecard.lines), {'appraised_points': 5})
        Scorecard.appraise([scorecard])
        # Only an open period moves to published: a draft one is left as is
        Period.publish([period])
        period, scorecard = Period(period.id), Scorecard(scorecard.id)
        self.assertEqual(
            (period.state, period.content_hash, period.published_date),
            ('draft', None, None))
        self.assertEqual(scorecard.state, 'appraised')
        Period.open([period])
        Scorecard.draft([scorecard])
        with self.assertRaisesRegex(Exception, 'not appraised yet'):
            Period.publish([period])
        self.assertEqual(Period(period.id).state, 'open')
        # A scorecard is published only from appraised
        Scorecard.publish([scorecard])
        self.assertEqual(Scorecard(scorecard.id).state, 'draft')

    @with_transaction()
    def test_scorecard_unique_per_agency(self):
        Scorecard = Pool().get('reform.scorecard')
        period = self._period()
        agency = self._agency('H15.01')
        Scorecard.create([{'period': period.id, 'agency': agency.id}])
        with self.assertRaisesRegex(
                SQLConstraintError, 'already has a scorecard'):
            Scorecard.create([{'period': period.id, 'agency': agency.id}])

    @with_transaction()
    def test_scorecard_delete_only_draft(self):
        pool = Pool()
        Scorecard = pool.get('reform.scorecard')
        Line = pool.get('reform.scorecard.line')
        period = self._period()
        self._criteria(period)
        scorecard, = Scorecard.create([{
                    'period': period.id,
                    'agency': self._agency('H15.01').id}])
        Scorecard.create_lines([scorecard])
        Line.write(list(scorecard.lines), {'self_points': 1})
        Scorecard.submit([scorecard])
        with self.assertRaisesRegex(AccessError, 'only in draft'):
            Scorecard.delete([scorecard])


SCENARIOS = scenario_files(__file__)


@pytest.mark.parametrize(
    'scenario', SCENARIOS, ids=[os.path.basename(s) for s in SCENARIOS])
def test_scenario(scenario):
    "Run the proteus scenario under pytest too"
    run_scenario(scenario)


del ModuleTestCase
