# This file is part of the satisfaction_publication module.  The COPYRIGHT
# file at the top level of this repository contains the full copyright
# notices and license terms.
"""The module, and its plain functions (numbers, open data, charts) on
values worked out by hand.  The pages over HTTP of a published province:
tests/test_publication.py."""
import csv
import datetime as dt
import hashlib
import io
import json
import os
import unittest
from decimal import Decimal

import pytest

from trytond.model.exceptions import AccessError
from trytond.modules.one_stop.tests.scenarios import (
    run_scenario, scenario_files)
from trytond.modules.reform_evaluation.scoring import content_hash
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from .. import charts
from ..figures import (
    AgencyResult, Criterion, Line, Numbers, PeriodResult, by_rank,
    natural_key, to_csv, to_json_data)

NBSP = '\u00a0'


class SatisfactionPublicationTestCase(ModuleTestCase):
    "Test Satisfaction Publication module"
    module = 'satisfaction_publication'

    @with_transaction()
    def test_results_line_on_paper(self):
        "The receipts and posters carry the results' address when set"
        pool = Pool()
        Agency = pool.get('one_stop.agency')
        Counter = pool.get('one_stop.counter')
        Procedure = pool.get('one_stop.procedure')
        Party = pool.get('party.party')
        Dossier = pool.get('one_stop.dossier')
        Configuration = pool.get('satisfaction.configuration')
        Period = pool.get('reform.period')
        Scorecard = pool.get('reform.scorecard')
        Receipt = pool.get('one_stop.dossier.result_receipt', type='report')
        Thermal = pool.get(
            'one_stop.dossier.result_receipt_thermal', type='report')
        Poster = pool.get('one_stop.counter.survey_poster', type='report')
        agency, = Agency.create([{'name': "Sở Tư pháp", 'code': 'H15.03'}])
        counter, = Counter.create([{
                    'agency': agency.id, 'code': 'Q1', 'name': "Quầy 1"}])
        procedure, = Procedure.create([{
                    'code': 'P.1', 'name': "P", 'processing_days': 1}])
        party, = Party.create([{'name': "Dân"}])
        dossier, = Dossier.create([{
                    'applicant': party.id, 'procedure': procedure.id,
                    'agency': agency.id, 'counter': counter.id,
                    'channel': 'counter'}])
        Dossier.process([dossier])
        Dossier.mark_ready([dossier])
        Dossier.return_result([dossier])
        database = Transaction().database.name
        base = 'https://hailong.example.gov.vn'
        Configuration.write([Configuration(1)], {'survey_base_url': base})

        def notes():
            return [
                Receipt.receipt(dossier, 'Asia/Ho_Chi_Minh').notes,
                Thermal.receipt(dossier, 'Asia/Ho_Chi_Minh').notes,
                Poster.poster(counter).notes]

        self.assertEqual(notes(), [[], [], []])  # off by default
        Configuration.write([Configuration(1)], {'results_on_paper': True})
        line = f"Public evaluation results at {base}/{database}/ket-qua"
        self.assertEqual(notes(), [[line]] * 3)
        # once a published period ranks the agency: its page there
        period, = Period.create([{
                    'name': "2025", 'code': 'CCHC-2025',
                    'start_date': dt.date(2025, 1, 1),
                    'end_date': dt.date(2025, 12, 31)}])
        Scorecard.create([{'period': period.id, 'agency': agency.id}])
        table = Period.__table__()
        Transaction().connection.cursor().execute(*table.update(
                [table.state], ['published'], where=table.id == period.id))
        self.assertEqual(notes(), [[f"{line}/CCHC-2025/H15.03"]] * 3)

    @with_transaction()
    def test_statement_workflow(self):
        "Written by the agency, approved by an evaluator, then frozen"
        pool = Pool()
        Agency = pool.get('one_stop.agency')
        Period = pool.get('reform.period')
        Statement = pool.get('satisfaction.publication.statement')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        a, b = Agency.create([
                {'name': "Sở A", 'code': 'H15.71'},
                {'name': "Sở B", 'code': 'H15.72'}])
        period, = Period.create([{
                    'name': "Quý 1", 'code': 'Q1', 'kind': 'quarter',
                    'start_date': dt.date(2025, 1, 1),
                    'end_date': dt.date(2025, 3, 31)}])
        # whatever is given, a statement starts as a draft
        mine, other = Statement.create([{
                    'period': period.id, 'agency': a.id, 'text': "Đã sửa",
                    'state': 'approved', 'approved_date': dt.datetime.now(),
                    }, {
                    'period': period.id, 'agency': b.id, 'text': "B"}])
        self.assertEqual(
            (mine.state, mine.approved_date), ('draft', None))
        self.assertEqual(Statement.approved_texts(period, [a.id, b.id]), {})
        Statement.submit([mine])
        Statement.send_back([mine])
        self.assertEqual(mine.state, 'draft')
        Statement.submit([mine])
        Statement.approve([mine])
        self.assertEqual(mine.state, 'approved')
        self.assertEqual(
            Statement.approved_texts(period, [a.id, b.id]),
            {a.id: ("Đã sửa", mine.approved_date)})
        with self.assertRaisesRegex(AccessError, 'can no longer be changed'):
            Statement.write([mine], {'text': "Khác"})
        with self.assertRaisesRegex(AccessError, 'can no longer be changed'):
            Statement.delete([mine])
        self.assertEqual(mine.text, "Đã sửa")

        # an officer sees and writes the statements of the user's agency
        officer, = User.create([{
                    'login': 'officer', 'name': "Cán bộ",
                    'one_stop_agency': b.id,
                    'groups': [('add', [ModelData.get_id(
                                    'reform_evaluation',
                                    'group_reform_agency_officer')])]}])
        with Transaction().set_user(officer.id), \
                Transaction().set_context(_check_access=True):
            self.assertEqual(Statement.search([]), [other])


def period():
    "Two agencies: X ranked 1; Y ranked 2 when published, sample too small"
    criteria = [
        Criterion('1.2', "Hài lòng", Decimal(10), 'survey_satisfaction',
            '1'),
        Criterion('2.1', "Khác", Decimal(90), 'manual', '2')]
    x = AgencyResult(
        code='H1.01', name="Sở, \"X\"", total=Decimal('87.41'),
        classification="Tốt", published_rank=1,
        lines={
            '1.2': Line('1.2', Decimal('7.41'), Decimal('0.6667'), 3, False,
                1),
            '2.1': Line('2.1', Decimal('80.00'))},
        eligible=5, answered=3, coverage=3 / 5, satisfaction=2 / 3,
        sipas_index=1 / 3, mean=11 / 3, levels={5: 1, 4: 1, 2: 1},
        elements={'access': 1 / 3})
    y = AgencyResult(
        code='H1.02', name="UBND xã Y", total=Decimal('60'),
        classification="Trung bình", published_rank=2,
        lines={'1.2': Line('1.2', Decimal('0'), Decimal('0'), 1, True, None)},
        eligible=2, answered=1, coverage=0.5, satisfaction=0.0, mean=1.0,
        levels={1: 1}, sufficient_sample=False)
    return PeriodResult(
        code='Q1', name="Quý 1", kind='quarter',
        start_date=dt.date(2025, 1, 1), end_date=dt.date(2025, 3, 31),
        published_date=dt.datetime(2025, 4, 10, 2, 30),
        content_hash='0' * 64, criteria=criteria, agencies=[y, x],
        content={'period': {'code': 'Q1', 'start_date': dt.date(2025, 1, 1)},
            'scorecards': [{'appraised_total': Decimal('87.410'),
                    'rank': 1}]})


class FiguresTestCase(unittest.TestCase):

    def test_numbers_in_both_languages(self):
        vi, en = Numbers('vi'), Numbers('en')
        self.assertEqual(vi.percent(2 / 3), f'66,7{NBSP}%')
        self.assertEqual(en.percent(2 / 3), f'66.7{NBSP}%')
        self.assertEqual(vi.percent(1), f'100,0{NBSP}%')
        self.assertEqual(vi.percent(0), f'0,0{NBSP}%')
        self.assertEqual(vi.percent(None), '–')
        self.assertEqual(vi.points(Decimal('7.41')), '7,41')
        self.assertEqual(vi.points(Decimal('80.00')), '80')
        self.assertEqual(vi.points(Decimal('82.50')), '82,5')
        self.assertEqual(en.points(Decimal('1234.5')), '1,234.5')
        self.assertEqual(vi.integer(12345), '12.345')
        self.assertEqual(en.integer(12345), '12,345')
        self.assertEqual(vi.integer(None), '–')

    def test_order(self):
        self.assertEqual(
            sorted(['2.1', '1.10', '1.9', '1.2'], key=natural_key),
            ['1.2', '1.9', '1.10', '2.1'])
        result = period()
        # Y has the published rank 2 but no rank shown: after X
        self.assertEqual(
            [a.code for a in by_rank(result.agencies)], ['H1.01', 'H1.02'])
        y = result.agency('H1.02')
        self.assertEqual((y.published_rank, y.rank), (2, None))
        self.assertIsNone(result.agency('H9.99'))

    def test_csv(self):
        result = period()
        result.agencies = by_rank(result.agencies)
        rows = list(csv.reader(io.StringIO(to_csv(result))))
        self.assertEqual(rows[0][-8:], [
                'points_1.2', 'figure_1.2', 'points_2.1', 'figure_2.1',
                'total', 'classification', 'sufficient_sample', 'rank'])
        # coverage 3/5, satisfaction 2/3, mean 11/3, SIPAS 1/3; levels 1..5
        self.assertEqual(rows[1], [
                'H1.01', 'Sở, "X"', '5', '3', '0', '0.6', '0.6667',
                '3.6667', '0.3333', '0', '1', '0', '1', '1', '0.3333', '',
                '', '', '', '7.41', '0.6667', '80', '', '87.41', 'Tốt',
                'true', '1'])
        self.assertEqual(rows[2], [
                'H1.02', 'UBND xã Y', '2', '1', '0', '0.5', '0', '1', '',
                '1', '0', '0', '0', '0', '', '', '', '', '', '0', '0', '',
                '', '60', 'Trung bình', 'false', ''])
        self.assertEqual(len(rows), 3)

    def test_json_content_gives_the_hash(self):
        result = period()
        data = to_json_data(result)
        # numbers of the content as canonical strings, dates in ISO 8601
        self.assertEqual(data['content'], {
                'period': {'code': 'Q1', 'start_date': '2025-01-01'},
                'scorecards': [{'appraised_total': '87.41', 'rank': 1}]})
        text = json.dumps(data['content'], sort_keys=True,
            separators=(',', ':'), ensure_ascii=False)
        self.assertEqual(hashlib.sha256(text.encode('utf-8')).hexdigest(),
            content_hash(result.content))
        self.assertEqual(
            data['period']['published_date'], '2025-04-10T02:30:00Z')
        y = data['agencies'][0]
        self.assertEqual(y['code'], 'H1.02')
        self.assertEqual(
            (y['rank'], y['published_rank'], y['sufficient_sample']),
            (None, 2, False))
        self.assertEqual(y['lines'], [{
                    'criterion': '1.2', 'points': 0.0, 'figure': 0.0,
                    'sample': 1, 'insufficient_sample': True,
                    'rank': None}])
        self.assertEqual(y['survey']['levels'],
            {'1': 1, '2': 0, '3': 0, '4': 0, '5': 0})


class ChartsTestCase(unittest.TestCase):

    def test_bar_chart(self):
        svg = charts.bar_chart(
            [('<A&B>', 0.5, '50 %'), ('C', None, '–')], 'caption')
        self.assertTrue(svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"'
                ' role="img" aria-labelledby="caption"'))
        # the bars span 400 - 110 - 70 = 220: half of it
        self.assertIn('<rect x="110" y="8" width="110" height="22"', svg)
        self.assertEqual(svg.count('<rect'), 1)
        self.assertIn('&lt;A&amp;B&gt;', svg)
        self.assertNotIn('<A&B>', svg)
        # the value after the bar: 110 + 110 + 6; without a bar: 116
        self.assertIn('<text x="226" y="23.9">50 %</text>', svg)
        self.assertIn('<text x="116" y="53.9">–</text>', svg)
        # two rows of 22 + 8, plus 8
        self.assertIn('viewBox="0 0 400 68"', svg)

    def test_line_chart(self):
        # plot from x 44 to 384: two periods of 170, points at their middle
        # (129, 299); y from 12 (100 %) to 172 (0 %): 50 % at 92
        svg = charts.line_chart(['Q1', 'Q2'], [
                ('a', [0.5, 1.0]), ('b', [None, 0.25])], 'c', legend=False)
        self.assertIn('points="129,92 299,12"', svg)
        self.assertEqual(svg.count('<polyline'), 1)  # b has one point
        self.assertIn('<circle cx="129" cy="92"', svg)
        # b: a square at 25 % (y 132), no line
        self.assertIn('<rect x="295" y="128" width="8" height="8"', svg)
        # the dashes of b: on its lines only, and it has none
        self.assertNotIn('stroke-dasharray', svg)


SCENARIOS = scenario_files(__file__)


@pytest.mark.parametrize(
    'scenario', SCENARIOS, ids=[os.path.basename(s) for s in SCENARIOS])
def test_scenario(scenario):
    "Run the proteus scenario under pytest too"
    run_scenario(scenario)


del ModuleTestCase
