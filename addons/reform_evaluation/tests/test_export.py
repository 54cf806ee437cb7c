# This file is part of the reform_evaluation module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""The Excel export of a period: the wizard on a database with this module
alone (labels in English, the test database has no Vietnamese), and the
workbook builder on plain data with the columns, formulas and summary rows
another module could add."""
import datetime as dt
import io
import unittest
from decimal import Decimal
from unittest.mock import patch

import openpyxl
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module,
    drop_db,
    with_transaction,
)
from trytond.transaction import Transaction

from trytond.modules.reform_evaluation.export import (
    LABEL_KEYS,
    build_workbook,
    neutralise,
    sheet_name,
)

INJECTION = "=cmd|' /C calc'!A0"
THRESHOLDS = [
    ("Xuất sắc", Decimal(90)), ("Tốt", Decimal(80)), ("Khá", Decimal(65)),
    ("Trung bình", Decimal(50)), ("Yếu", Decimal(0)),
    ]
# Appraised points of the leaves 1.1 (max 20), 1.2 (max 40), 2.1 (max 40)
APPRAISED = {
    'H15.01': ("Sở Tư pháp", [18, '35.5', 38]),
    'H15.02': ("Sở Y tế", [15, 30, '30.25']),
    'H15.03': (INJECTION, [18, '35.5', 38]),
    }
SELF = {'H15.01': [20, 40, 40], 'H15.02': [16, 31, 31],
    'H15.03': [19, 36, 39]}
FACTS = [
    "Evaluation Period", "Period Code", "Period Kind", "Start Date",
    "End Date", "Period State", "Publication Date", "Content Hash (SHA-256)",
    "Export Time", "Timezone"]


def expected_ranking():
    "The ranking rows computed without the module's code"
    totals = {code: sum(Decimal(str(p)) for p in points)
        for code, (_, points) in APPRAISED.items()}
    rows = []
    for code, (name, _) in APPRAISED.items():
        rank = 1 + sum(1 for t in totals.values() if t > totals[code])
        label = next(
            label for label, minimum in THRESHOLDS
            if totals[code] >= minimum)
        rows.append((rank, code, name, sum(SELF[code]), totals[code], label))
    return sorted(rows, key=lambda r: (r[0], r[1]))


def formulas(workbook):
    return [(ws.title, cell.coordinate)
        for ws in workbook.worksheets
        for row in ws.iter_rows() for cell in row
        if cell.data_type == 'f']


def find_row(ws, label, column=1):
    "The values of the first row whose cell in column is label"
    for row in ws.iter_rows(values_only=True):
        if row[column - 1] == label:
            return row
    raise AssertionError(f"no row {label!r} in {ws.title}")


def column(ws, col, start, stop):
    "The values of column col (1-based) from row start to stop (included)"
    return [ws.cell(row, col).value for row in range(start, stop + 1)]


def chart_title(chart):
    return ''.join(run.t for paragraph in chart.title.tx.rich.p
        for run in paragraph.r or [])


class ExportTestCase(unittest.TestCase):
    "Test the Excel export of a period, this module alone"

    @classmethod
    def setUpClass(cls):
        # A database without the modules other tests may have activated
        drop_db()
        activate_module('reform_evaluation')

    @classmethod
    def tearDownClass(cls):
        drop_db()

    def _period(self):
        """A published period: areas 1 (60: 1.1 20, 1.2 40) and 2 (40: 2.1
        40), the thresholds and three appraised scorecards"""
        pool = Pool()
        Period = pool.get('reform.period')
        Criterion = pool.get('reform.criterion')
        Classification = pool.get('reform.classification')
        Agency = pool.get('one_stop.agency')
        Scorecard = pool.get('reform.scorecard')
        Line = pool.get('reform.scorecard.line')
        period, = Period.create([{
                    'name': "Năm 2024", 'code': '2024',
                    'start_date': dt.date(2024, 1, 1),
                    'end_date': dt.date(2024, 12, 31),
                    }])
        leaves = [('1', '1.1', 20), ('1', '1.2', 40), ('2', '2.1', 40)]
        Criterion.create([{
                    'period': period.id, 'code': area,
                    'name': f"Lĩnh vực {area}", 'max_points': maximum,
                    'sequence': int(area),
                    'children': [('create', [{
                                    'period': period.id, 'code': code,
                                    'name': f"Tiêu chí {code}",
                                    'max_points': points,
                                    } for parent, code, points in leaves
                                if parent == area])],
                    } for area, maximum in [('1', 60), ('2', 40)]])
        Classification.create([{
                    'period': period.id, 'label': label,
                    'min_points': minimum,
                    } for label, minimum in THRESHOLDS])
        scorecards = []
        for code, (name, points) in APPRAISED.items():
            agency, = Agency.create([{'code': code, 'name': name}])
            scorecard, = Scorecard.create([{
                        'period': period.id, 'agency': agency.id}])
            Scorecard.create_lines([scorecard])
            for line in scorecard.lines:
                index = [c for _, c, _ in leaves].index(line.criterion.code)
                Line.write([line], {
                        'self_points': Decimal(str(SELF[code][index])),
                        'appraised_points': Decimal(str(points[index])),
                        'note': "+1 thẩm định" if index == 0 else None,
                        })
            scorecards.append(scorecard)
        Period.open([period])
        Scorecard.appraise(scorecards)
        Period.publish([period])
        return Period(period.id)

    def _export(self, period):
        "Run the wizard as the client does; return (bytes, filename)"
        Export = Pool().get('reform.period.export', type='wizard')
        with Transaction().set_context(
                active_model='reform.period', active_id=period.id,
                active_ids=[period.id]):
            session_id, start, _ = Export.create()
            self.assertEqual(start, 'generate')
            result = Export.execute(session_id, {}, start)
            Export.delete(session_id)
        defaults = result['view']['defaults']
        return bytes(defaults['file']), defaults['filename']

    @with_transaction()
    def test_export_period(self):
        "The workbook of a published period, read back with openpyxl"
        period = self._period()
        self.assertEqual(period.state, 'published')
        content, filename = self._export(period)
        self.assertEqual(filename, 'danh-gia-cai-cach-2024.xlsx')
        workbook = openpyxl.load_workbook(io.BytesIO(content))

        self.assertEqual(workbook.sheetnames, [
                "Ranking", "Methods", 'H15.01', 'H15.03', 'H15.02'])
        self.assertEqual(formulas(workbook), [])

        ws = workbook["Ranking"]
        self.assertEqual(
            [c.value for c in ws[1]],
            ["Rank", "Agency Code", "Agency Name", "Self-assessed Total",
                "Appraised Total", "Classification", "State"])
        rows = [row for row in ws.iter_rows(min_row=2, values_only=True)]
        self.assertEqual(
            [(r[0], r[1], r[2], Decimal(str(r[3])), Decimal(str(r[4])),
                    r[5], r[6]) for r in rows],
            [(rank, code, neutralise(name), self_total, total, label,
                    "Published")
                for rank, code, name, self_total, total, label
                in expected_ranking()])
        self.assertEqual([r[0] for r in rows], [1, 1, 3])
        # Published: final, no note under the table
        self.assertEqual(ws.max_row, 4)
        self.assertFalse(ws['E2'].font.i)
        self.assertEqual(ws['D2'].number_format, '0.00')
        self.assertEqual(ws['E4'].number_format, '0.00')
        self.assertEqual(ws.freeze_panes, 'D2')
        self.assertEqual(ws.auto_filter.ref, 'A1:G4')
        self.assertGreaterEqual(ws.column_dimensions['C'].width, 30)
        self.assertEqual(
            [chart_title(c) for c in ws._charts],
            ["Appraised total by agency"])

        # Injection: stored as a string starting with an apostrophe
        cell = ws['C3']
        self.assertEqual(ws['B3'].value, 'H15.03')
        self.assertEqual(cell.value, "'" + INJECTION)
        self.assertEqual(cell.data_type, 's')
        title = workbook['H15.03']['A1']
        self.assertEqual(title.data_type, 's')
        self.assertEqual(title.value, f"Scorecard: {INJECTION} [H15.03]")

        methods = workbook["Methods"]
        # The facts of the period, and nothing more, from row 3
        self.assertEqual(column(methods, 1, 3, 13), FACTS + [None])
        self.assertEqual(
            find_row(methods, "Content Hash (SHA-256)")[1],
            period.content_hash)
        self.assertEqual(len(period.content_hash), 64)
        self.assertEqual(
            find_row(methods, "Period State")[1], "Published")
        exported = find_row(methods, "Export Time")[1]
        self.assertIsInstance(exported, dt.datetime)
        self.assertLess(
            abs(exported - dt.datetime.now()), dt.timedelta(days=1))
        self.assertEqual(methods['B11'].number_format, 'dd/mm/yyyy hh:mm')
        # The formulas of the totals, the classification and the ranking
        self.assertEqual(column(methods, 1, 14, 20), [
                "Formulas", "Indicator", "Total points", "Classification",
                "Ranking", None, "Criteria and maximum points"])
        self.assertEqual(methods['B16'].value, (
                "The sum of the points of the leaf criteria (criteria "
                "without sub-criteria); a line without points counts 0. "
                "Until the scorecard is appraised, its appraised total is "
                "provisional: a line not appraised yet counts its "
                "self-assessed points."))
        # The criteria table: the five columns of the host
        self.assertEqual(find_row(methods, "Code", column=2), (
                "Criterion", "Code", "Parent Criterion", "Maximum Points",
                "Kind", None, None, None, None))
        for code, maximum in [('1', 60), ('1.1', 20), ('1.2', 40),
                ('2', 40), ('2.1', 40)]:
            row = find_row(methods, code, column=2)
            self.assertEqual(row[3], maximum)
            self.assertEqual(row[4:], ("Entered by hand",) + (None,) * 4)
        for label, minimum in THRESHOLDS:
            row = find_row(methods, label)
            self.assertEqual(Decimal(str(row[1])), minimum)

        # The scorecard of an agency: the tree, indented, with the points
        sheet = workbook['H15.02']
        header = find_row(sheet, "Code")
        self.assertEqual(header, (
                "Code", "Criterion", "Kind", "Maximum Points",
                "Self-assessed Points", "Appraised Points", "Computed",
                "Explanation", "Note"))
        start = next(row[0].row for row in sheet.iter_rows()
            if row[0].value == "Code")
        self.assertEqual(sheet.freeze_panes, f'C{start + 1}')
        tree = [(row[0].value, row[1].alignment.indent, row[3].value,
                row[4].value, row[5].value, row[6].value)
            for row in sheet.iter_rows(min_row=start + 1)]
        self.assertEqual(tree, [
                ('1', 0, 60, 47, 45, None),
                ('1.1', 1, 20, 16, 15, "No"),
                ('1.2', 1, 40, 31, 30, "No"),
                ('2', 0, 40, 31, 30.25, None),
                ('2.1', 1, 40, 31, 30.25, "No"),
                ("Total", 0, 100, 78, 75.25, None),
                ])
        self.assertEqual(
            find_row(sheet, '1.1')[8], "'+1 thẩm định")
        self.assertEqual(
            find_row(sheet, "Result Status")[2], "Final (published)")
        self.assertEqual(find_row(sheet, "Appraised Total")[2], 75.25)
        self.assertEqual(sheet.cell(start + 2, 6).number_format, '0.00')

    @with_transaction()
    def test_export_draft_period(self):
        "A draft period without scorecards: no hash, no chart"
        pool = Pool()
        Period = pool.get('reform.period')
        Export = pool.get('reform.period.export', type='wizard')
        period, = Period.create([{
                    'name': "Quý 1", 'code': 'Q1/2025', 'kind': 'quarter',
                    'start_date': dt.date(2025, 1, 1),
                    'end_date': dt.date(2025, 3, 31),
                    }])
        data = Export.export_data(period)
        self.assertEqual(data['scorecards'], [])
        self.assertEqual(
            (data['ranking_columns'], data['criterion_columns'],
                data['summary']),
            ([], [], []))
        self.assertEqual(Export.filename(period),
            'danh-gia-cai-cach-Q1_2025.xlsx')
        workbook = openpyxl.load_workbook(io.BytesIO(build_workbook(data)))
        self.assertEqual(workbook.sheetnames, ["Ranking", "Methods"])
        self.assertEqual(workbook["Ranking"]._charts, [])
        methods = workbook["Methods"]
        self.assertEqual(find_row(methods, "Content Hash (SHA-256)")[1],
            "Not published: no hash yet")
        self.assertEqual(find_row(methods, "Period Kind")[1], "Quarter")
        self.assertEqual(find_row(methods, "Period State")[1], "Draft")

    @with_transaction()
    def test_export_extension_points(self):
        """What a module adds through the wizard's export methods reaches
        the workbook: a column per criterion, a criteria table column, a
        summary row and a formula"""
        Export = Pool().get('reform.period.export', type='wizard')
        period = self._period()
        export_line = Export.export_line
        export_criterion = Export.export_criterion
        export_formulas = Export.export_formulas

        def line(cls, line):
            values = export_line(line)
            if line.criterion.code == '1.2':
                values['share'] = line.appraised_points / 40
            return values

        def criterion(cls, criterion):
            values = export_criterion(criterion)
            if criterion.code == '1.2':
                values['origin'] = "Module"
            return values

        def ranking_columns(cls, period, criteria):
            self.assertEqual(
                sorted(c.code for c in criteria),
                ['1', '1.1', '1.2', '2', '2.1'])
            return [{'key': 'share', 'label': "Share", 'format': 'rate',
                    'criteria': ['1.2']}]

        def summary(cls, period, scorecards):
            return [{'label': "Scorecards", 'value': len(scorecards),
                    'format': 'integer'}]

        with patch.object(Export, 'export_line', classmethod(line)), \
                patch.object(Export, 'export_criterion',
                    classmethod(criterion)), \
                patch.object(Export, 'export_criterion_columns',
                    classmethod(lambda cls, period: [{
                                'key': 'origin', 'label': "Origin",
                                'format': 'text'}])), \
                patch.object(Export, 'export_ranking_columns',
                    classmethod(ranking_columns)), \
                patch.object(Export, 'export_summary',
                    classmethod(summary)), \
                patch.object(Export, 'export_formulas',
                    classmethod(lambda cls, period: export_formulas(period)
                        + [("Share", "Appraised points ÷ 40.")])):
            content, _ = self._export(period)
        workbook = openpyxl.load_workbook(io.BytesIO(content))
        ws = workbook["Ranking"]
        self.assertEqual(ws['H1'].value, "1.2 Tiêu chí 1.2: Share")
        # H15.01 and H15.03 35.5 ÷ 40, H15.02 30 ÷ 40
        self.assertEqual(column(ws, 8, 2, 4), [0.8875, 0.8875, 0.75])
        self.assertEqual(ws['H2'].number_format, '0.0%')
        sheet = workbook['H15.02']
        self.assertEqual(find_row(sheet, "Code")[9], "Share")
        self.assertEqual(find_row(sheet, '1.2')[9], 0.75)
        self.assertEqual(find_row(sheet, '1.1')[9], None)
        methods = workbook["Methods"]
        self.assertEqual(find_row(methods, "Scorecards")[1], 3)
        self.assertEqual(
            find_row(methods, "Share")[1], "Appraised points ÷ 40.")
        self.assertEqual(find_row(methods, "Code", column=2)[5], "Origin")
        self.assertEqual(find_row(methods, '1.2', column=2)[5], "Module")
        self.assertEqual(find_row(methods, '1.1', column=2)[5], None)


LABELS = {key: f'<{key}>' for key in LABEL_KEYS}
LABELS['scorecard_title'] = "<scorecard_title> %(agency)s"


def plain_data():
    """Plain data with the columns, formulas and summary rows another module
    could add"""
    def line(points, **values):
        return {'self_points': Decimal(points),
            'appraised_points': Decimal(points), 'computed': True,
            'explanation': None, 'note': None, **values}
    return {
        'labels': LABELS,
        'period': {'code': '2025', 'name': "@Năm 2025",
            'kind_string': "Năm", 'start_date': dt.date(2025, 1, 1),
            'end_date': dt.date(2025, 12, 31), 'state': 'open',
            'state_string': "Đang mở", 'content_hash': None,
            'published_date': None},
        'criteria': [
            {'code': '1', 'name': "Đo lường", 'parent': None,
                'max_points': Decimal(20), 'kind_string': "Nhập tay"},
            {'code': '1.1', 'name': "Đo", 'parent': '1',
                'max_points': Decimal(14), 'kind_string': "Tự động",
                'method': "Tỷ lệ", 'limit': Decimal('0.9')},
            {'code': '1.2', 'name': "-Đếm", 'parent': '1',
                'max_points': Decimal(6), 'kind_string': "Tự động",
                'method': "Số lượng", 'limit': "không giới hạn"},
            ],
        'criterion_columns': [
            {'key': 'method', 'label': "Cách đo", 'format': 'text',
                'width': 20},
            {'key': 'limit', 'label': "Giới hạn", 'format': 'rate'},
            ],
        'thresholds': [{'label': "Đạt", 'min_points': Decimal(10)},
            {'label': "Tốt", 'min_points': Decimal(18)}],
        'scorecards': [
            {'agency_code': 'H15.02', 'agency_name': "Sở B",
                'state_string': "Dự thảo", 'self_total': Decimal(3),
                'appraised_total': Decimal(3),
                'total_status': 'not_appraised',
                'total_status_string': "Tạm tính (chưa thẩm định)",
                'classification': None,
                'rank': None, 'bonus': None, 'lines': {
                    '1.1': line(0, measure=Decimal('0.6'), flag="Đã xem"),
                    '1.2': line(3, measure=None, count=0)}},
            {'agency_code': 'H15.01', 'agency_name': "Sở A",
                'state_string': "Đã thẩm định", 'self_total': Decimal(18),
                'appraised_total': Decimal(18),
                'total_status': 'not_published',
                'total_status_string': "Tạm tính (chưa công bố)",
                'classification': "Đạt",
                'rank': 1, 'bonus': Decimal('1.5'), 'lines': {
                    '1.1': line(12, measure=Decimal('0.85'), flag=None),
                    '1.2': line(6, measure=None, flag="=thấp", count=12)}},
            ],
        'ranking_columns': [
            {'key': 'measure', 'label': "Đo", 'format': 'rate',
                'criteria': ['1.1', '1.2'],
                'chart': {'title': "%(criterion)s theo cơ quan",
                    'axis': "Tỷ lệ", 'criteria': ['1.2', '1.1']}},
            {'key': 'flag', 'label': "Cờ", 'format': 'text',
                'criteria': ['1.1', '1.2']},
            {'key': 'count', 'label': "Số", 'format': 'integer',
                'criteria': ['1.2']},
            {'key': 'bonus', 'label': "Thưởng", 'format': 'points'},
            ],
        'formulas': [("Công thức 1", "=một"), ("Công thức 2", "hai")],
        'summary': [
            {'label': "Số hồ sơ", 'value': 7, 'format': 'integer'},
            {'label': "Người kiểm tra", 'value': "@nhóm", 'format': 'text'},
            ],
        'exported_at': dt.datetime(2025, 3, 4, 5, 6),
        'timezone': 'Asia/Ho_Chi_Minh',
        }


class ExportBuilderTestCase(unittest.TestCase):
    "Test the workbook builder on plain data"

    def test_neutralise(self):
        for text in ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx']:
            self.assertEqual(neutralise(text), "'" + text)
        for text in ['Sở Tư pháp', "1=1", "'quoted"]:
            self.assertEqual(neutralise(text), text)

    def test_sheet_name(self):
        used = set()
        long = 'H15.' + '1' * 40
        self.assertEqual(sheet_name(long, used), long[:31])
        second = sheet_name(long, used)
        self.assertEqual(len(second), 31)
        self.assertNotEqual(second, long[:31])
        self.assertEqual(sheet_name('a/b:c', used), 'a_b_c')
        self.assertEqual(sheet_name('A_B_C', used), 'A_B_C~2')
        self.assertEqual(sheet_name('History', used), 'History~2')
        self.assertEqual(sheet_name('', used), '_')

    def test_ranking_columns_and_charts(self):
        workbook = openpyxl.load_workbook(
            io.BytesIO(build_workbook(plain_data())))
        self.assertEqual(formulas(workbook), [])
        self.assertEqual(workbook.sheetnames, [
                "<sheet_ranking>", "<sheet_methods>", 'H15.01', 'H15.02'])
        ws = workbook["<sheet_ranking>"]
        header = [c.value for c in ws[1]]
        # The period is open: the totals and ranks are provisional
        self.assertEqual(header[:7], [
                "<rank>", "<agency_code>", "<agency_name>", "<self_total>",
                "<appraised_total> (<provisional>)", "<classification>",
                "<state>"])
        # The scorecard's columns, then per criterion in the criteria's
        # order, each with its columns in their order
        self.assertEqual(header[7:], [
                "Thưởng", "1.1 Đo: Đo", "1.1 Đo: Cờ", "1.2 -Đếm: Đo",
                "1.2 -Đếm: Cờ", "1.2 -Đếm: Số"])
        rows = list(ws.iter_rows(min_row=2, values_only=True))
        self.assertEqual(rows[0][:2], (1, 'H15.01'))
        self.assertEqual(rows[0][6:], (
                "Đã thẩm định", 1.5, 0.85, None, None, "'=thấp", 12))
        self.assertEqual(rows[1][:2], (None, 'H15.02'))
        self.assertEqual(rows[1][6:], (
                "Dự thảo", None, 0.6, "Đã xem", None, None, 0))
        self.assertEqual(
            [ws.cell(2, col).number_format for col in range(8, 14)],
            ['0.00', '0.0%', 'General', '0.0%', 'General', '0'])
        self.assertEqual(ws.auto_filter.ref, 'A1:M3')
        # The total of H15.02, not appraised, in grey italics; the note
        # one row under the table
        self.assertFalse(ws['E2'].font.i)
        self.assertEqual(
            (ws['E3'].font.i, ws['E3'].font.color.rgb), (True, 'FF7F7F7F'))
        self.assertEqual(ws['A4'].value, None)
        self.assertEqual(ws['A5'].value, "<provisional_note>")
        self.assertIn('A5:G5', [str(r) for r in ws.merged_cells.ranges])
        # The chart of the first criterion of the preference with values:
        # 1.2 has none, 1.1 is charted (column I)
        self.assertEqual(
            [chart_title(c) for c in ws._charts],
            ["<chart_appraised> (<provisional>)", "1.1 Đo theo cơ quan"])
        self.assertEqual(
            [s.val.numRef.f for s in ws._charts[1].series],
            ["'<sheet_ranking>'!$I$2:$I$3"])

    def test_scorecard_sheet(self):
        workbook = openpyxl.load_workbook(
            io.BytesIO(build_workbook(plain_data())))
        sheet = workbook['H15.01']
        self.assertEqual(sheet['A1'].value, "<scorecard_title> Sở A [H15.01]")
        self.assertEqual(find_row(sheet, "<total_status>")[2],
            "Tạm tính (chưa công bố)")
        self.assertEqual(
            find_row(sheet, "<appraised_total> (<provisional>)")[2], 18)
        # H15.02 is not appraised: its totals in grey italics
        draft = workbook['H15.02']
        total = next(row[2] for row in draft.iter_rows()
            if row[0].value == "<appraised_total> (<provisional>)")
        self.assertTrue(total.font.i)
        last = next(row[5] for row in draft.iter_rows()
            if row[0].value == "<total>")
        self.assertEqual((last.value, last.font.i, last.font.b),
            (3, True, True))
        header = find_row(sheet, "<code>")
        # The per-criterion columns, filled on the rows of their criteria
        self.assertEqual(header[9:], ("Đo", "Cờ", "Số"))
        self.assertEqual(find_row(sheet, '1')[9:], (None, None, None))
        self.assertEqual(find_row(sheet, '1.1')[2], "Tự động")
        self.assertEqual(find_row(sheet, '1.1')[9:], (0.85, None, None))
        self.assertEqual(find_row(sheet, '1.2')[1], "'-Đếm")
        self.assertEqual(find_row(sheet, '1.2')[6], "<yes>")
        self.assertEqual(find_row(sheet, '1.2')[9:], (None, "'=thấp", 12))
        row = next(r[0].row for r in sheet.iter_rows()
            if r[0].value == '1.1')
        self.assertEqual(
            [sheet.cell(row, col).number_format for col in (10, 11, 12)],
            ['0.0%', 'General', 'General'])

    def test_methods_sheet(self):
        workbook = openpyxl.load_workbook(
            io.BytesIO(build_workbook(plain_data())))
        methods = workbook["<sheet_methods>"]
        self.assertEqual(find_row(methods, "<period>")[1], "'@Năm 2025")
        self.assertEqual(find_row(methods, "<period_kind>")[1], "Năm")
        self.assertEqual(find_row(methods, "<content_hash>")[1],
            "<content_hash_none>")
        self.assertEqual(find_row(methods, "<exported_at>")[1],
            dt.datetime(2025, 3, 4, 5, 6))
        # The summary rows after the facts of the period
        self.assertEqual(column(methods, 1, 12, 14), [
                "<timezone>", "Số hồ sơ", "Người kiểm tra"])
        self.assertEqual(column(methods, 2, 13, 14), [7, "'@nhóm"])
        self.assertEqual(methods['B13'].number_format, '0')
        # The formulas in their order
        self.assertEqual(column(methods, 1, 16, 20), [
                "<formulas>", "<formula_name>", "Công thức 1",
                "Công thức 2", None])
        self.assertEqual(column(methods, 2, 18, 19), ["'=một", "hai"])
        # The criteria table with its extra columns
        self.assertEqual(find_row(methods, "<code>", column=2), (
                "<criterion>", "<code>", "<parent>", "<max_points>",
                "<kind>", "Cách đo", "Giới hạn", None, None))
        self.assertEqual(find_row(methods, '1', column=2)[4:7],
            ("Nhập tay", None, None))
        self.assertEqual(find_row(methods, '1.1', column=2)[4:7],
            ("Tự động", "Tỷ lệ", 0.9))
        self.assertEqual(find_row(methods, '1.2', column=2)[4:7],
            ("Tự động", "Số lượng", "không giới hạn"))
        # xlsxwriter pads the widths a little
        self.assertGreaterEqual(methods.column_dimensions['F'].width, 20)
        self.assertLess(methods.column_dimensions['F'].width, 21)
        row = next(r[0].row for r in methods.iter_rows()
            if r[1].value == '1.1')
        self.assertEqual(methods.cell(row, 7).number_format, '0.0%')
        # The thresholds, highest first
        start = next(r[0].row for r in methods.iter_rows()
            if r[0].value == "<thresholds>")
        self.assertEqual(
            [(methods.cell(r, 1).value, methods.cell(r, 2).value)
                for r in range(start + 1, start + 4)],
            [("<classification>", "<min_points>"), ("Tốt", 18),
                ("Đạt", 10)])

    def test_minimal_data(self):
        "Without any extension: the host's sheets and facts only"
        data = plain_data()
        for key in ['criterion_columns', 'ranking_columns', 'formulas',
                'summary']:
            del data[key]
        data['scorecards'] = []
        workbook = openpyxl.load_workbook(
            io.BytesIO(build_workbook(data)))
        self.assertEqual(workbook.sheetnames, [
                "<sheet_ranking>", "<sheet_methods>"])
        ranking = workbook["<sheet_ranking>"]
        self.assertEqual(len([c for c in ranking[1] if c.value]), 7)
        self.assertEqual(ranking._charts, [])
        methods = workbook["<sheet_methods>"]
        self.assertEqual(column(methods, 1, 12, 15), [
                "<timezone>", None, "<formulas>", "<formula_name>"])
        self.assertEqual(column(methods, 1, 16, 18), [
                None, "<criteria>", "<criterion>"])
