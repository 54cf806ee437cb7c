# This file is part of the public_satisfaction module.  The COPYRIGHT file
# at the top level of this repository contains the full copyright notices
# and license terms.
"""Computed survey criteria in the reform evaluation of a small province
built by hand: points, insufficient sample, ranking, reorganisation and the
freeze, against figures computed in the test."""
import datetime as dt
import hashlib
import unittest
from decimal import Decimal

from sql import Literal

from trytond.model.exceptions import AccessError
from trytond.modules.reform_evaluation.exceptions import TransitionError
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from .tools import SurveyWorldMixin

Q1 = dt.date(2025, 1, 1), dt.date(2025, 3, 31)
IN_Q1 = dt.datetime(2025, 2, 12, 3, 0)
D = Decimal


def two(value):
    return D(str(value)).quantize(D('0.01'))


def published_content(flagged):
    """The canonical JSON of the published period of the test, written out;
    flagged: the flagged answers of A, B and C"""
    def criterion(code, name, kind, maximum, parent, survey=None):
        text = (f'{{"code":"{code}","kind":"{kind}",'
            f'"max_points":"{maximum}","name":"{name}","parent":{parent}')
        if survey:
            target, minimum = survey
            text += (f',"survey":{{"max_width":null,"min_sample":{minimum},'
                f'"points":[],"rule":"target","target":"{target}"}}')
        return text + '}'

    def line(code, points, survey=None):
        text = (f'{{"appraised_points":"{points}","computed":'
            f'{"true" if survey else "false"},"criterion":"{code}",'
            f'"self_points":"{points}"')
        if survey:
            figure, insufficient, sample = survey
            text += (f',"survey":{{"figure":"{figure}","insufficient":'
                f'{insufficient},"sample":{sample}}}')
        return text + '}'

    def scorecard(agency, total, label, rank, lines, survey):
        answered, flagged = survey
        return (f'{{"agency":"{agency}","appraised_total":"{total}",'
            f'"classification":"{label}","lines":[{",".join(lines)}],'
            f'"rank":{rank},"self_total":"{total}","survey":{{'
            f'"answered":{answered},"excluded":0,"flagged":{flagged},'
            # the unhappy answer of B was followed up when it was stored,
            # after the period
            '"followups":{"mean_change":null,"on_time":0,"opened":0,'
            '"overdue":0,"rerated":0,"rerated_satisfied":0}}}')

    criteria = ','.join([
            criterion('1', "Survey", 'manual', 20, 'null'),
            criterion('1.1', "Coverage", 'survey_coverage', 5, '"1"',
                ('0.5', 1)),
            criterion('1.2', "Satisfaction", 'survey_satisfaction', 10,
                '"1"', ('0.9', 3)),
            criterion('1.3', "766", 'survey_766', 5, '"1"', ('0.9', 1)),
            criterion('2', "Other", 'manual', 80, 'null'),
            criterion('2.1', "Manual", 'manual', 80, '"2"'),
            ])
    thresholds = ','.join(
        f'{{"label":"{label}","min_points":"{minimum}"}}'
        for label, minimum in [('Excellent', 90), ('Good', 80),
            ('Fair', 65), ('Average', 50), ('Weak', 0)])
    a, b, c = flagged
    scorecards = ','.join([
            # A: 60 + 5 + 10 + 5 = 80, Good, second
            scorecard('H15.71', 80, 'Good', 2, [
                    line('1.1', 5, (1, 'false', 4)),
                    line('1.2', 10, (1, 'false', 4)),
                    line('1.3', 5, (1, 'false', 4)),
                    line('2.1', 60)], (4, a)),
            # B: 70 + 5 + 7.41 + 3.33 = 85.74, Good, first
            scorecard('H15.72', '85.74', 'Good', 1, [
                    line('1.1', 5, ('0.6', 'false', 5)),
                    line('1.2', '7.41', ('0.6667', 'false', 3)),
                    line('1.3', '3.33', ('0.6', 'false', 5)),
                    line('2.1', 70)], (3, b)),
            # C: 50 + 5 + 10 + 5 = 70, Fair, third
            scorecard('H15.73', 70, 'Fair', 3, [
                    line('1.1', 5, (1, 'false', 2)),
                    line('1.2', 10, (1, 'true', 2)),
                    line('1.3', 5, (1, 'false', 2)),
                    line('2.1', 50)], (2, c)),
            ])
    return (f'{{"classification":[{thresholds}],"criteria":[{criteria}],'
        '"period":{"code":"Q1-2025","end_date":"2025-03-31",'
        '"kind":"quarter","name":"CCHC Q1 2025",'
        '"start_date":"2025-01-01"},'
        f'"scorecards":[{scorecards}]}}')


class ReformSurveyCriteriaTestCase(SurveyWorldMixin, unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        activate_module('public_satisfaction')

    def period(self, agencies):
        pool = Pool()
        Period = pool.get('reform.period')
        Criterion = pool.get('reform.criterion')
        Scorecard = pool.get('reform.scorecard')
        period, = Period.create([{
                    'name': "CCHC Q1 2025", 'code': 'Q1-2025',
                    'kind': 'quarter',
                    'start_date': Q1[0], 'end_date': Q1[1]}])
        Period.load_default_thresholds([period])
        area, other = Criterion.create([{
                    'period': period.id, 'code': '1', 'name': "Survey",
                    'max_points': D(20)}, {
                    'period': period.id, 'code': '2', 'name': "Other",
                    'max_points': D(80)}])
        Criterion.create([{
                    'period': period.id, 'parent': area.id, 'code': '1.1',
                    'name': "Coverage", 'max_points': D(5),
                    'kind': 'survey_coverage', 'survey_rule': 'target',
                    'survey_target': D('0.5'), 'survey_min_sample': 1,
                    }, {
                    'period': period.id, 'parent': area.id, 'code': '1.2',
                    'name': "Satisfaction", 'max_points': D(10),
                    'kind': 'survey_satisfaction', 'survey_rule': 'target',
                    'survey_target': D('0.9'), 'survey_min_sample': 3,
                    }, {
                    'period': period.id, 'parent': area.id, 'code': '1.3',
                    'name': "766", 'max_points': D(5),
                    'kind': 'survey_766', 'survey_rule': 'target',
                    'survey_target': D('0.9'), 'survey_min_sample': 1,
                    }, {
                    'period': period.id, 'parent': other.id, 'code': '2.1',
                    'name': "Manual", 'max_points': D(80),
                    }])
        Period.open([period])
        scorecards = Scorecard.create([
                {'period': period.id, 'agency': agency.id}
                for agency in agencies])
        Scorecard.create_lines(scorecards)
        return period, scorecards

    @with_transaction()
    def test_survey_criteria(self):
        pool = Pool()
        Scorecard = pool.get('reform.scorecard')
        Line = pool.get('reform.scorecard.line')
        Period = pool.get('reform.period')
        Agency = pool.get('one_stop.agency')
        Response = pool.get('satisfaction.response')
        a, b, c = self.province(IN_Q1)
        # A merges into B after the quarter: Q1 answers stay with A
        Agency.write([a], {
                'end_date': dt.date(2025, 6, 30), 'successor': b.id})
        period, scorecards = self.period([a, b, c])
        manual = {a: D(60), b: D(70), c: D(50)}
        for scorecard in scorecards:
            line, = [x for x in scorecard.lines if x.criterion.code == '2.1']
            Line.write([line], {
                    'self_points': manual[scorecard.agency],
                    'appraised_points': manual[scorecard.agency]})
        Scorecard.compute(scorecards)

        def lines(agency):
            scorecard, = Scorecard.search([
                    ('period', '=', period.id), ('agency', '=', agency.id)])
            return scorecard, {
                x.criterion.code: x for x in scorecard.lines}

        # Expected, by hand:
        # A: coverage 4/4 → 5; satisfaction 4/4 = 1 → 10; 766 4/4 → 5
        # B: coverage 3/5 = 0.6 ≥ 0.5 → 5; satisfaction 2/3 → 10 × (2/3) /
        #    0.9 = 7.41; 766: 5 dossiers, bad = the 2 and the late one (its
        #    feedback about lateness) →
        #    3/5 = 0.6 → 5 × 0.6 / 0.9 = 3.33
        # C: coverage 1 → 5; satisfaction 1 → 10 but 2 answers < 3: listed,
        #    not ranked on it; 766 → 5
        expected = {
            a: {'1.1': (1, 4, 5), '1.2': (1, 4, 10), '1.3': (1, 4, 5)},
            b: {'1.1': (0.6, 5, 5), '1.2': (2 / 3, 3, 10 * (2 / 3) / 0.9),
                '1.3': (0.6, 5, 5 * 0.6 / 0.9)},
            c: {'1.1': (1, 2, 5), '1.2': (1, 2, 10), '1.3': (1, 2, 5)},
            }
        for agency, codes in expected.items():
            _, by_code = lines(agency)
            for code, (figure, sample, points) in codes.items():
                line = by_code[code]
                self.assertTrue(line.computed, (agency.code, code))
                self.assertAlmostEqual(
                    float(line.figure), figure, places=4)
                self.assertEqual(line.sample_size, sample)
                self.assertEqual(line.appraised_points, two(points))
                self.assertEqual(line.self_points, two(points))
        _, by_code = lines(c)
        self.assertTrue(by_code['1.2'].insufficient_sample)
        self.assertFalse(by_code['1.1'].insufficient_sample)
        self.assertIn('3', by_code['1.2'].explanation)

        # Ranking on the satisfaction criterion: A 1, B 2, C not ranked
        ranks = {agency: lines(agency)[1]['1.2'].criterion_rank
            for agency in (a, b, c)}
        self.assertEqual(ranks, {a: 1, b: 2, c: None})

        # Drill-down: the answers behind B's satisfaction figure
        _, by_code = lines(b)
        action = Line.open_answers([by_code['1.2']])
        domain = PYSONDecoder().decode(action['pyson_domain'])
        answers = Response.search(domain)
        self.assertEqual(len(answers), 3)
        self.assertEqual({r.invitation.agency for r in answers}, {b})

        # The export's methods sheet counts the excluded answers
        PeriodExport = pool.get('reform.period.export', type='wizard')
        self.assertEqual(PeriodExport.excluded_answers(period, scorecards), 0)
        table = Response.__table__()
        Transaction().connection.cursor().execute(*table.update(
                [table.excluded], [Literal(True)],
                where=table.id == answers[0].id))
        # counted when the scorecards are computed (frozen with them)
        self.assertEqual(PeriodExport.excluded_answers(period, scorecards), 0)
        Scorecard.compute(scorecards)
        self.assertEqual(PeriodExport.excluded_answers(period, scorecards), 1)

        # The scorecard shows the flagged and excluded rates: B has 3
        # answers, answers[0] flagged by hand and excluded; the others are
        # flagged if the submissions raised a signal (the same device)
        Flag = pool.get('satisfaction.response.flag')
        Flag.create([
                {'response': answers[0].id, 'reason': 'honeypot'},
                {'response': answers[0].id, 'reason': 'too_fast'}])
        flagged_b = {f.response for f in Flag.search(
                [('response', 'in', [r.id for r in answers])])}
        self.assertIn(answers[0], flagged_b)
        flagged_a = {f.response for f in Flag.search(
                [('response.invitation.agency', '=', a.id)])}
        Scorecard.compute(scorecards)
        scorecard_b, _ = lines(b)
        self.assertEqual(
            (scorecard_b.survey_answered, scorecard_b.survey_flagged,
                scorecard_b.survey_excluded), (3, len(flagged_b), 1))
        self.assertAlmostEqual(
            scorecard_b.survey_flagged_rate, len(flagged_b) / 3)
        self.assertAlmostEqual(scorecard_b.survey_excluded_rate, 1 / 3)
        scorecard_a, _ = lines(a)
        self.assertEqual(
            (scorecard_a.survey_answered, scorecard_a.survey_flagged,
                scorecard_a.survey_excluded), (4, len(flagged_a), 0))
        self.assertEqual(scorecard_a.survey_excluded_rate, 0)
        self.assertEqual(
            scorecard_a.get_content()['survey'],
            {'answered': 4, 'flagged': len(flagged_a), 'excluded': 0,
                # no answer of A is unhappy
                'followups': {
                    'opened': 0, 'on_time': 0, 'overdue': 0, 'rerated': 0,
                    'rerated_satisfied': 0, 'mean_change': None}})
        Transaction().connection.cursor().execute(*table.update(
                [table.excluded], [Literal(False)],
                where=table.id == answers[0].id))
        Scorecard.compute(scorecards)

        # Totals and overall ranking once appraised
        Scorecard.appraise(scorecards)
        totals = {
            a: D(60) + 5 + 10 + 5,
            b: D(70) + 5 + two(10 * (2 / 3) / 0.9) + two(5 * 0.6 / 0.9),
            c: D(50) + 5 + 10 + 5,
            }
        for agency, total in totals.items():
            scorecard, _ = lines(agency)
            self.assertEqual(scorecard.appraised_total, total)
        self.assertEqual(
            {agency: lines(agency)[0].rank for agency in (a, b, c)},
            {b: 1, a: 2, c: 3})

        # Flagged answers waiting for review hold the publication back
        Response.write([answers[1]], {'review_state': 'pending'})
        pending = Response.search([('review_state', '=', 'pending')])
        self.assertIn(answers[1], pending)
        with self.assertRaises(TransitionError) as error:
            Period.publish([period])
        self.assertIn(f': {len(pending)} ', error.exception.message)
        Response.review(pending, 'confirm', "Đã xác minh")

        # Publishing freezes everything, computed lines included, and
        # stores the hash of the content, survey figures included
        flagged = [len({f.response for f in Flag.search([
                            ('response.invitation.agency', '=', agency.id),
                            ])})
            for agency in (a, b, c)]
        Period.publish([period])
        period = Period(period.id)
        self.assertEqual(period.content_hash, hashlib.sha256(
                published_content(flagged).encode('utf-8')).hexdigest())
        self.assertEqual(
            {s.state for s in Scorecard.browse(scorecards)}, {'published'})
        scorecard, by_code = lines(a)
        with self.assertRaises(AccessError):
            Scorecard.compute([scorecard])
        self.assertEqual(by_code['1.2'].appraised_points, D('10.00'))
