# This file is part of the public_satisfaction module.  The COPYRIGHT file
# at the top level of this repository contains the full copyright notices
# and license terms.
"""The survey in the Excel export of a reform period: the figures of the
survey criteria in the ranking and the scorecard sheets, the chart, the
points rules in the criteria table, the formulas and the excluded answers
on the methods sheet; read back with openpyxl (labels in English: the test
database has no Vietnamese)."""
import datetime as dt
import io
import unittest
from decimal import Decimal

import openpyxl

from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from ..export import percent
from .tools import SurveyWorldMixin

IN_Q1 = dt.datetime(2025, 2, 12, 3, 0)
D = Decimal
SURVEY_HEADERS = [
    "Rate", "Sample", "Insufficient Sample", "Rank on the Criterion"]
FORMULAS = [
    ("Satisfaction rate (%)",
        "Answers at level 4 (Satisfied) or 5 (Very satisfied) ÷ valid "
        "answers at levels 1 to 5 × 100; \"Not applicable\" answers are "
        "not counted."),
    ("Mean score (1–5)",
        "Sum of (level × answers at that level) ÷ valid answers at levels "
        "1 to 5."),
    ("SIPAS-style satisfaction index",
        "Mean of the satisfaction rates of the factors with data: access "
        "to the service, administrative procedure, civil servants, result, "
        "reception and handling of feedback, complaints and petitions."),
    ("Survey coverage rate",
        "Answered surveys (less the excluded ones) ÷ dossiers eligible for "
        "the survey whose result was returned in the period."),
    ("Feedback handled on time (Decision 766/QĐ-TTg, ratio 1)",
        "Feedback and petitions answered on time ÷ feedback and petitions "
        "within the agency's competence whose deadline falls in the period "
        "(not rejected nor withdrawn; those still open past their deadline "
        "count as late)."),
    ("Feedback satisfied and on time (Decision 766/QĐ-TTg, ratio 2)",
        "(Feedback and petitions − those whose answer the petitioner rated "
        "dissatisfied (1 or 2 of 5) or answered late or overdue) ÷ feedback "
        "and petitions, on the same base as ratio 1; each case counts "
        "once."),
    ("Dossier satisfaction ratio (Decision 766/QĐ-TTg)",
        "Ratio 3: (dossiers returned − dossiers rated unsatisfied (overall "
        "1 or 2) or subject of an accepted feedback about their reception, "
        "handling or lateness) ÷ all dossiers returned, whatever their "
        "channel (online and postal included); each dossier counts once; "
        "an excluded answer counts for nothing."),
    ("Rule proportional up to a target",
        "All the points when the rate reaches the target; below it: points "
        "= rate × maximum ÷ target (Decision 766 preset: target 90 %)."),
    ("Piecewise linear rule",
        "Linear interpolation between the points (rate → share of the "
        "maximum); below the first point and above the last one, the "
        "points of that point."),
    ("Step table rule",
        "The points of the highest step the rate reaches; below the first "
        "step: 0 points."),
    ("Rounding",
        "Computed points are rounded to 2 decimal places (half up)."),
    # the host's
    ("Total points",
        "The sum of the points of the leaf criteria (criteria without "
        "sub-criteria); a line without points counts 0. Until the "
        "scorecard is appraised, its appraised total is provisional: a line "
        "not appraised yet counts its self-assessed points."),
    ("Classification",
        "The label of the highest threshold whose minimum points do not "
        "exceed the appraised total; only appraised or published scorecards "
        "are classified."),
    ("Ranking",
        "By appraised total, highest first; scorecards with the same total "
        "share the rank and the next ranks are skipped (1, 2, 2, 4); only "
        "appraised or published scorecards are ranked."),
    ("Minimum sample and Wilson interval",
        "A rate on fewer answers than the minimum sample (30 by default) or "
        "whose 95 % Wilson interval is wider than the maximum width is "
        "marked \"Insufficient sample\" and not ranked on that criterion."),
    ("Excluded answers",
        "Answers an evaluator excluded (with a reason) are counted apart "
        "and left out of every rate."),
    ("Follow-up of unhappy answers",
        "Every answer rated 2 or less overall (or marked as a complaint) "
        "opens a feedback case the agency must answer in working days; the "
        "citizen reads the reply at the survey link and may rate how it "
        "was handled once. Opened: cases opened in the period; re-ratings "
        "satisfied: re-ratings of 4 or 5 ÷ re-ratings; mean change: mean "
        "of (re-rating − first rating)."),
    ]


def find_row(ws, label, column=1):
    "The values of the first row whose cell in column is label"
    for row in ws.iter_rows(values_only=True):
        if row[column - 1] == label:
            return row
    raise AssertionError(f"no row {label!r} in {ws.title}")


def chart_title(chart):
    return ''.join(run.t for paragraph in chart.title.tx.rich.p
        for run in paragraph.r or [])


class PercentTestCase(unittest.TestCase):

    def test_percent(self):
        for value, text in [(D('0.9'), "90,0 %"), (0.5, "50,0 %"),
                (D('0.125'), "12,5 %"), (1, "100,0 %"), (None, "")]:
            with self.subTest(value=value):
                self.assertEqual(percent(value), text)


class SurveyExportTestCase(SurveyWorldMixin, unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        activate_module('public_satisfaction')

    def period(self, agencies):
        """Coverage by steps, satisfaction up to 90 %, Decision 766
        piecewise and the SIPAS index (no factor answered) with a maximum
        width; computed and appraised"""
        pool = Pool()
        Period = pool.get('reform.period')
        Criterion = pool.get('reform.criterion')
        Scorecard = pool.get('reform.scorecard')
        Line = pool.get('reform.scorecard.line')
        period, = Period.create([{
                    'name': "CCHC Q1 2025", 'code': 'Q1-2025',
                    'kind': 'quarter',
                    'start_date': dt.date(2025, 1, 1),
                    'end_date': dt.date(2025, 3, 31)}])
        Period.load_default_thresholds([period])
        survey, other = Criterion.create([{
                    'period': period.id, 'code': '1', 'name': "Survey",
                    'max_points': D(24), 'sequence': 1}, {
                    'period': period.id, 'code': '2', 'name': "Other",
                    'max_points': D(76), 'sequence': 2}])

        def points(*pairs):
            return [('create', [{'rate': D(rate), 'share': D(share)}
                        for rate, share in pairs])]
        Criterion.create([{
                    'period': period.id, 'parent': survey.id, 'code': '1.1',
                    'name': "Coverage", 'max_points': D(5),
                    'kind': 'survey_coverage', 'survey_rule': 'steps',
                    'survey_points': points(('0.5', '0.5'), ('0.8', '1')),
                    'survey_min_sample': 1,
                    }, {
                    'period': period.id, 'parent': survey.id, 'code': '1.2',
                    'name': "Satisfaction", 'max_points': D(10),
                    'kind': 'survey_satisfaction', 'survey_rule': 'target',
                    'survey_target': D('0.9'), 'survey_min_sample': 3,
                    }, {
                    'period': period.id, 'parent': survey.id, 'code': '1.3',
                    'name': "=766", 'max_points': D(5),
                    'kind': 'survey_766', 'survey_rule': 'piecewise',
                    'survey_points': points(('0.2', '0'), ('0.9', '1')),
                    'survey_min_sample': 1,
                    }, {
                    'period': period.id, 'parent': survey.id, 'code': '1.4',
                    'name': "SIPAS", 'max_points': D(4),
                    'kind': 'survey_sipas', 'survey_rule': 'target',
                    'survey_target': D('0.9'), 'survey_min_sample': 1,
                    'survey_max_width': D('0.2'),
                    }, {
                    'period': period.id, 'parent': other.id, 'code': '2.1',
                    'name': "Manual", 'max_points': D(76),
                    }])
        Period.open([period])
        scorecards = Scorecard.create([
                {'period': period.id, 'agency': agency.id}
                for agency in agencies])
        Scorecard.create_lines(scorecards)
        manual = dict(zip(agencies, [D(60), D(70), D(50)]))
        for scorecard in scorecards:
            line, = [x for x in scorecard.lines if x.criterion.code == '2.1']
            Line.write([line], {
                    'self_points': manual[scorecard.agency],
                    'appraised_points': manual[scorecard.agency]})
        Scorecard.appraise(scorecards)
        return period

    def export(self, period):
        "Run the wizard as the client does; return the workbook"
        Export = Pool().get('reform.period.export', type='wizard')
        with Transaction().set_context(
                active_model='reform.period', active_id=period.id,
                active_ids=[period.id]):
            session_id, start, _ = Export.create()
            result = Export.execute(session_id, {}, start)
            Export.delete(session_id)
        return openpyxl.load_workbook(
            io.BytesIO(bytes(result['view']['defaults']['file'])))

    @with_transaction()
    def test_survey_export(self):
        a, b, c = self.province(IN_Q1)
        workbook = self.export(self.period([a, b, c]))

        # Expected, by hand (figure, sample, insufficient, rank on it):
        # 1.1 coverage: A 4/4 = 1, B 3/5 = 0.6, C 2/2 = 1: A and C 1st;
        #     steps: 1 → 5 points, 0.6 → 0.5 × 5 = 2.5
        # 1.2 satisfaction: A 4/4, B 2/3 = 0.6667, C 2/2 but 2 < 3
        #     answers: not ranked; points A 10, B 10 × (2/3) ÷ 0.9 = 7.41
        # 1.3 766: A 4/4, B (5 − the 2 and the late one, with a feedback
        #     about its lateness) ÷ 5 = 0.6, C 1;
        #     piecewise: B 5 × (0.6 − 0.2) ÷ 0.7 = 2.86
        # 1.4 SIPAS: no factor rated, no figure, insufficient everywhere
        # Totals: B 70 + 2.5 + 7.41 + 2.86 = 82.77, A 60 + 20 = 80,
        # C 50 + 20 = 70: B, A, C
        marker = "Insufficient sample"
        expected = [
            ('H15.72', [0.6, 5, None, 3, 0.6667, 3, None, 2,
                    0.6, 5, None, 3, None, 3, marker, None]),
            ('H15.71', [1, 4, None, 1, 1, 4, None, 1,
                    1, 4, None, 1, None, 4, marker, None]),
            ('H15.73', [1, 2, None, 1, 1, 2, marker, None,
                    1, 2, None, 1, None, 2, marker, None]),
            ]
        ws = workbook["Ranking"]
        header = [cell.value for cell in ws[1]]
        # the follow-up figures of each scorecard, then the criteria
        self.assertEqual(header[7:13], [
                "Follow-ups opened", "Follow-ups answered on time",
                "Follow-ups overdue", "Follow-ups re-rated",
                "Re-ratings satisfied", "Mean change on re-rating"])
        self.assertEqual(header[13:], [
                f"{code} {name}: {label}"
                for code, name in [('1.1', "Coverage"),
                    ('1.2', "Satisfaction"), ('1.3', "=766"),
                    ('1.4', "SIPAS")]
                for label in SURVEY_HEADERS])
        # Appraised, not published: provisional, said in the header of the
        # total, in the title of its chart and in a note under the table
        self.assertEqual(header[4], "Appraised Total (provisional)")
        self.assertTrue(ws['A6'].value.startswith(
                "Provisional: the period is not published yet."))
        rows = list(ws.iter_rows(min_row=2, max_row=4, values_only=True))
        self.assertEqual(
            [(row[1], D(str(row[4])), list(row[13:])) for row in rows],
            [(code, total, figures) for (code, figures), total
                in zip(expected, [D('82.77'), D(80), D(70)])])
        # B's unhappy answer was followed up when it was stored, after the
        # quarter: no follow-up opened in it, no re-rating
        self.assertEqual(
            [list(row[7:13]) for row in rows], [[0, 0, 0, 0, None, None]] * 3)
        self.assertEqual(
            [ws.cell(2, col).number_format for col in range(8, 14)],
            ['0', '0', '0', '0', '0.0%', '0.00'])
        self.assertEqual(
            [ws.cell(2, col).number_format for col in range(14, 18)],
            ['0.0%', '0', 'General', '0'])
        self.assertEqual(ws.auto_filter.ref, 'A1:AC4')
        # The overall satisfaction is charted: column R
        self.assertEqual(
            [chart_title(chart) for chart in ws._charts],
            ["Appraised total by agency (provisional)",
                "1.2 Satisfaction: rate by agency"])
        self.assertEqual(
            [s.val.numRef.f for s in ws._charts[1].series],
            ["Ranking!$R$2:$R$4"])

        # The scorecard of B: the figures on the rows of the survey criteria
        sheet = workbook['H15.72']
        self.assertEqual(find_row(sheet, "Code")[9:], tuple(SURVEY_HEADERS))
        coverage = find_row(sheet, '1.1')
        self.assertEqual(coverage[2:7], (
                "Survey coverage rate", 5, 2.5, 2.5, "Yes"))
        self.assertTrue(coverage[7].startswith("Figure 60.0 % on 5;"))
        self.assertEqual(coverage[9:], (0.6, 5, None, 3))
        self.assertEqual(find_row(sheet, '1.3')[1], "'=766")
        self.assertEqual(find_row(sheet, '1.3')[2:6], (
                "Dossier satisfaction ratio (Decision 766, ratio 3)", 5, 2.86,
                2.86))
        self.assertEqual(find_row(sheet, '1.4')[2], (
                "SIPAS-style satisfaction index"))
        self.assertEqual(find_row(sheet, '1.4')[9:], (None, 3, marker, None))
        self.assertEqual(find_row(sheet, '2.1')[2:7], (
                "Entered by hand", 76, 70, 70, "No"))
        self.assertEqual(find_row(sheet, '2.1')[9:], (None,) * 4)

        methods = workbook["Methods"]
        self.assertEqual(find_row(methods, "Excluded Answers")[1], 0)
        start = next(row[0].row for row in methods.iter_rows()
            if row[0].value == "Indicator")
        self.assertEqual(
            [(methods.cell(row, 1).value, methods.cell(row, 2).value)
                for row in range(start + 1, start + 1 + len(FORMULAS))],
            FORMULAS)
        self.assertEqual(find_row(methods, "Code", column=2)[4:], (
                "Kind", "Points Rule", "Rule Parameters", "Minimum Sample",
                "Maximum Width of the Confidence Interval"))
        self.assertEqual(find_row(methods, '1.1', column=2)[4:], (
                "Survey coverage rate", "Step table",
                "50,0 % → 50,0 % of the maximum points; "
                "80,0 % → 100,0 % of the maximum points", 1, "Not checked"))
        self.assertEqual(find_row(methods, '1.2', column=2)[4:], (
                "Overall satisfaction rate", "Proportional up to a target",
                "Target 90,0 %", 3, "Not checked"))
        self.assertEqual(find_row(methods, '1.3', column=2)[4:], (
                "Dossier satisfaction ratio (Decision 766, ratio 3)",
                "Piecewise linear",
                "20,0 % → 0,0 % of the maximum points; "
                "90,0 % → 100,0 % of the maximum points", 1, "Not checked"))
        self.assertEqual(find_row(methods, '1.4', column=2)[4:], (
                "SIPAS-style satisfaction index",
                "Proportional up to a target", "Target 90,0 %", 1, 0.2))
        self.assertEqual(find_row(methods, '2.1', column=2)[4:], (
                "Entered by hand", None, None, None, None))
        row = next(r[0].row for r in methods.iter_rows()
            if r[1].value == '1.4')
        self.assertEqual(methods.cell(row, 9).number_format, '0.0%')

    @with_transaction()
    def test_no_survey_criteria(self):
        """A period without survey criteria: no survey column, the rules'
        columns and the excluded answers (none) still on the methods
        sheet"""
        pool = Pool()
        Period = pool.get('reform.period')
        Criterion = pool.get('reform.criterion')
        Scorecard = pool.get('reform.scorecard')
        Agency = pool.get('one_stop.agency')
        period, = Period.create([{
                    'name': "2025", 'code': '2025',
                    'start_date': dt.date(2025, 1, 1),
                    'end_date': dt.date(2025, 12, 31)}])
        Criterion.create([{
                    'period': period.id, 'code': '1', 'name': "Manual",
                    'max_points': D(100)}])
        agency, = Agency.create([{'name': "A", 'code': 'H15.71'}])
        scorecard, = Scorecard.create([{
                    'period': period.id, 'agency': agency.id}])
        Scorecard.create_lines([scorecard])
        workbook = self.export(period)
        ws = workbook["Ranking"]
        self.assertEqual(len([c for c in ws[1] if c.value]), 7)
        self.assertEqual(len(ws._charts), 1)
        self.assertEqual(len(find_row(workbook['H15.71'], "Code")), 9)
        methods = workbook["Methods"]
        self.assertEqual(find_row(methods, "Excluded Answers")[1], 0)
        self.assertEqual(find_row(methods, '1', column=2)[4:], (
                "Entered by hand", None, None, None, None))
