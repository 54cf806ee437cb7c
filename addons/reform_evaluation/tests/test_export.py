# This file is part of the reform_evaluation module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
import datetime as dt
import io
import unittest
from decimal import Decimal

import openpyxl
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from trytond.modules.reform_evaluation.export import (
    LABELS,
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


class ExportTestCase(unittest.TestCase):
    "Test the Excel export of a period"

    @classmethod
    def setUpClass(cls):
        activate_module('reform_evaluation')

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
                "Xếp hạng", "Phương pháp", 'H15.01', 'H15.03', 'H15.02'])
        self.assertEqual(formulas(workbook), [])

        ws = workbook["Xếp hạng"]
        self.assertEqual(
            [c.value for c in ws[1]],
            ["Thứ hạng", "Mã cơ quan", "Tên cơ quan", "Tổng điểm tự chấm",
                "Tổng điểm thẩm định", "Xếp loại", "Trạng thái"])
        rows = [row for row in ws.iter_rows(min_row=2, values_only=True)]
        expected = expected_ranking()
        self.assertEqual(
            [(r[0], r[1], r[2], Decimal(str(r[3])), Decimal(str(r[4])),
                    r[5], r[6]) for r in rows],
            [(rank, code, neutralise(name), self_total, total, label,
                    "Đã công bố")
                for rank, code, name, self_total, total, label in expected])
        self.assertEqual([r[0] for r in rows], [1, 1, 3])
        self.assertEqual(ws['D2'].number_format, '0.00')
        self.assertEqual(ws['E4'].number_format, '0.00')
        self.assertEqual(ws.freeze_panes, 'D2')
        self.assertEqual(ws.auto_filter.ref, 'A1:G4')
        self.assertGreaterEqual(ws.column_dimensions['C'].width, 30)
        self.assertEqual(len(ws._charts), 1)  # no survey figures

        # Injection: stored as a string starting with an apostrophe
        cell = ws['C3']
        self.assertEqual(ws['B3'].value, 'H15.03')
        self.assertEqual(cell.value, "'" + INJECTION)
        self.assertEqual(cell.data_type, 's')
        title = workbook['H15.03']['A1']
        self.assertEqual(title.data_type, 's')
        self.assertNotEqual(title.value[:1], '=')

        methods = workbook["Phương pháp"]
        self.assertEqual(
            find_row(methods, LABELS['content_hash'])[1],
            period.content_hash)
        self.assertEqual(len(period.content_hash), 64)
        self.assertEqual(
            find_row(methods, LABELS['period_state'])[1], "Đã công bố")
        exported = find_row(methods, LABELS['exported_at'])[1]
        self.assertIsInstance(exported, dt.datetime)
        self.assertLess(
            abs(exported - dt.datetime.now()), dt.timedelta(days=1))
        stamp = next(row[1] for row in methods.iter_rows()
            if row[0].value == LABELS['exported_at'])
        self.assertEqual(stamp.number_format, 'dd/mm/yyyy hh:mm')
        for label, minimum in THRESHOLDS:
            row = find_row(methods, label)
            self.assertEqual(Decimal(str(row[1])), minimum)
        for code, maximum in [('1', 60), ('1.1', 20), ('1.2', 40),
                ('2', 40), ('2.1', 40)]:
            row = find_row(methods, code, column=2)
            self.assertEqual(row[3], maximum)
            self.assertEqual(row[4], "Nhập tay")
        texts = {c.value for row in methods.iter_rows() for c in row
            if isinstance(c.value, str)}
        self.assertIn(LABELS['f_satisfaction_text'], texts)
        self.assertIn(LABELS['f_766_text'], texts)
        # The host alone does not know of excluded answers; a module that
        # knows (the survey plugin, when activated in the same database)
        # gives their number
        Export = Pool().get('reform.period.export', type='wizard')
        excluded = Export.excluded_answers(period, period.scorecards)
        if excluded is None:
            self.assertIn(LABELS['excluded_unknown'], texts)
        else:
            self.assertIn(excluded, {c.value for row in methods.iter_rows()
                    for c in row})

        # The scorecard of an agency: the tree, indented, with the points
        sheet = workbook['H15.02']
        header = find_row(sheet, LABELS['code'])
        self.assertEqual(header[:8], (
                "Mã", "Tiêu chí", "Loại", "Điểm tối đa", "Điểm tự chấm",
                "Điểm thẩm định", "Tự động tính", "Diễn giải"))
        start = next(row[0].row for row in sheet.iter_rows()
            if row[0].value == LABELS['code'])
        self.assertEqual(sheet.freeze_panes, f'C{start + 1}')
        tree = [(row[0].value, row[1].alignment.indent, row[3].value,
                row[4].value, row[5].value, row[6].value)
            for row in sheet.iter_rows(min_row=start + 1)]
        self.assertEqual(tree, [
                ('1', 0, 60, 47, 45, None),
                ('1.1', 1, 20, 16, 15, "Không"),
                ('1.2', 1, 40, 31, 30, "Không"),
                ('2', 0, 40, 31, 30.25, None),
                ('2.1', 1, 40, 31, 30.25, "Không"),
                ("Tổng cộng", 0, 100, 78, 75.25, None),
                ])
        self.assertEqual(
            find_row(sheet, '1.1')[8], "'+1 thẩm định")
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
        self.assertEqual(data['excluded'], Export.excluded_answers(
                period, []))
        self.assertEqual(Export.filename(period),
            'danh-gia-cai-cach-Q1_2025.xlsx')
        workbook = openpyxl.load_workbook(io.BytesIO(build_workbook(data)))
        self.assertEqual(workbook.sheetnames, ["Xếp hạng", "Phương pháp"])
        self.assertEqual(workbook["Xếp hạng"]._charts, [])
        methods = workbook["Phương pháp"]
        self.assertEqual(find_row(methods, LABELS['content_hash'])[1],
            LABELS['content_hash_none'])
        self.assertEqual(find_row(methods, LABELS['period_kind'])[1], "Quý")


def survey_data():
    "Plain data with survey criteria, as the survey module would give"
    def line(self_points, appraised, **values):
        return {'self_points': Decimal(self_points),
            'appraised_points': Decimal(appraised), 'computed': False,
            'explanation': None, 'note': None, **values}

    def survey(points, figure, size, insufficient, rank):
        return line(points, points, computed=True,
            explanation=f"= {figure} ({size})",
            figure=None if figure is None else Decimal(figure),
            sample_size=size, insufficient_sample=insufficient,
            criterion_rank=rank)
    return {
        'period': {'code': '2025', 'name': "@Năm 2025", 'kind': 'year',
            'start_date': dt.date(2025, 1, 1),
            'end_date': dt.date(2025, 12, 31), 'state': 'open',
            'content_hash': None, 'published_date': None},
        'criteria': [
            {'code': '1', 'name': "Khảo sát", 'parent': None,
                'max_points': Decimal(20), 'kind': 'manual'},
            {'code': '1.1', 'name': "Hài lòng", 'parent': '1',
                'max_points': Decimal(14), 'kind': 'survey_satisfaction',
                'survey_rule': 'target', 'survey_target': Decimal('0.9'),
                'survey_min_sample': 30, 'survey_max_width': None},
            {'code': '1.2', 'name': "-Bao phủ", 'parent': '1',
                'max_points': Decimal(6), 'kind': 'survey_coverage',
                'survey_rule': 'steps',
                'survey_points': [(Decimal('0.5'), Decimal('0.5')),
                    (Decimal('0.8'), Decimal(1))],
                'survey_min_sample': 10,
                'survey_max_width': Decimal('0.2')},
            ],
        'thresholds': [{'label': "Đạt", 'min_points': Decimal(10)}],
        'scorecards': [
            {'agency_code': 'H15.01', 'agency_name': "Sở A",
                'state': 'appraised', 'self_total': Decimal(18),
                'appraised_total': Decimal(18), 'classification': "Đạt",
                'rank': 1, 'lines': {
                    '1.1': survey(12, '0.85', 120, False, 1),
                    '1.2': survey(6, '0.9', 140, False, 1)}},
            {'agency_code': 'H15.02', 'agency_name': "Sở B",
                'state': 'draft', 'self_total': Decimal(3),
                'appraised_total': Decimal(3), 'classification': None,
                'rank': None, 'lines': {
                    '1.1': survey(0, None, 0, True, None),
                    '1.2': survey(3, '0.6', 12, True, None)}},
            ],
        'excluded': 7,
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

    def test_survey_columns_and_charts(self):
        workbook = openpyxl.load_workbook(
            io.BytesIO(build_workbook(survey_data())))
        self.assertEqual(formulas(workbook), [])
        ws = workbook["Xếp hạng"]
        header = [c.value for c in ws[1]]
        self.assertEqual(header[7:], [
                "1.1 Hài lòng: Tỷ lệ", "1.1 Hài lòng: Cỡ mẫu",
                "1.1 Hài lòng: Không đủ mẫu",
                "1.1 Hài lòng: Hạng theo tiêu chí",
                "1.2 -Bao phủ: Tỷ lệ", "1.2 -Bao phủ: Cỡ mẫu",
                "1.2 -Bao phủ: Không đủ mẫu",
                "1.2 -Bao phủ: Hạng theo tiêu chí"])
        rows = list(ws.iter_rows(min_row=2, values_only=True))
        self.assertEqual(rows[0][:2], (1, 'H15.01'))
        self.assertEqual(rows[0][7:], (0.85, 120, None, 1, 0.9, 140, None, 1))
        self.assertEqual(rows[1][0], None)
        self.assertEqual(rows[1][6], "Dự thảo")
        self.assertEqual(rows[1][7:],
            (None, 0, "Không đủ mẫu", None, 0.6, 12, "Không đủ mẫu", None))
        self.assertEqual(ws['H2'].number_format, '0.0%')
        self.assertEqual(ws['I2'].number_format, '0')
        self.assertEqual(ws.auto_filter.ref, 'A1:O3')
        self.assertEqual(len(ws._charts), 2)

        sheet = workbook['H15.02']
        row = find_row(sheet, '1.2')
        self.assertEqual(row[2], "Tỷ lệ bao phủ khảo sát")
        self.assertEqual(row[6], "Có")
        self.assertEqual(row[7], "'= 0.6 (12)")
        self.assertEqual(row[9:12], (0.6, 12, "Không đủ mẫu"))

        methods = workbook["Phương pháp"]
        self.assertEqual(find_row(methods, LABELS['period'])[1],
            "'@Năm 2025")
        self.assertEqual(find_row(methods, LABELS['excluded'])[1], 7)
        self.assertEqual(find_row(methods, LABELS['content_hash'])[1],
            LABELS['content_hash_none'])
        self.assertEqual(find_row(methods, LABELS['exported_at'])[1],
            dt.datetime(2025, 3, 4, 5, 6))
        target = find_row(methods, '1.1', column=2)
        self.assertEqual(target[4:9], (
                "Tỷ lệ hài lòng chung", "Tỷ lệ thuận đến mục tiêu",
                "Mục tiêu 90,0 %", 30, "Không kiểm tra"))
        steps = find_row(methods, '1.2', column=2)
        self.assertEqual(steps[0], "'-Bao phủ")
        self.assertEqual(steps[5:9], (
                "Bảng bậc thang",
                "50,0 % → 50,0 % điểm tối đa; 80,0 % → 100,0 % điểm tối đa",
                10, 0.2))
