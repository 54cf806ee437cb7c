# This file is part of the reform_evaluation module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""The Excel workbook (XLSX) of a reform evaluation period.

Plain code without database access: ``build_workbook(data)`` takes the
content already read from the records (see export_wizard.py) and returns the
bytes of the file.  ``data`` is a dict:

- ``period``: ``code``, ``name``, ``kind``, ``start_date``, ``end_date``,
  ``state``, ``content_hash`` and ``published_date`` (local, naive);
- ``criteria``: a list of dicts in tree order (each parent before its
  children, siblings in their order): ``code``, ``name``, ``parent`` (the
  parent's code or None), ``max_points``, ``kind``, ``kind_string`` (shown
  for kinds unknown here), ``computed`` and, for survey kinds, optionally
  ``survey_rule``, ``survey_target``, ``survey_points`` (a list of
  (rate, share of the maximum)), ``survey_min_sample``,
  ``survey_max_width``;
- ``thresholds``: a list of dicts ``label``, ``min_points``;
- ``scorecards``: a list of dicts ``agency_code``, ``agency_name``,
  ``state``, ``self_total``, ``appraised_total``, ``classification`` (a
  label or None), ``rank`` (or None) and ``lines``: {criterion code: dict
  ``self_points``, ``appraised_points``, ``computed``, ``explanation``,
  ``note`` and, when the survey module is activated, ``figure`` (a rate 0..1),
  ``sample_size``, ``insufficient_sample``, ``criterion_rank``};
- ``excluded``: the number of excluded answers, or None when unknown;
- ``exported_at``: the local, naive datetime of the export and
  ``timezone`` its zone name.

Every text written comes through ``_text`` (write_string, never a formula)
which neutralises spreadsheet formula injection.  All the visible strings
are Vietnamese and kept in ``LABELS``.
"""
import datetime as dt
import io
import re
from decimal import Decimal

import xlsxwriter

LABELS = {
    # sheets
    'sheet_ranking': "Xếp hạng",
    'sheet_methods': "Phương pháp",
    # ranking and scorecard headers
    'rank': "Thứ hạng",
    'agency_code': "Mã cơ quan",
    'agency_name': "Tên cơ quan",
    'self_total': "Tổng điểm tự chấm",
    'appraised_total': "Tổng điểm thẩm định",
    'classification': "Xếp loại",
    'state': "Trạng thái",
    'figure': "Tỷ lệ",
    'sample_size': "Cỡ mẫu",
    'insufficient_sample': "Không đủ mẫu",
    'criterion_rank': "Hạng theo tiêu chí",
    'excluded': "Số phiếu trả lời bị loại",
    'code': "Mã",
    'criterion': "Tiêu chí",
    'parent': "Tiêu chí cha",
    'kind': "Loại",
    'max_points': "Điểm tối đa",
    'self_points': "Điểm tự chấm",
    'appraised_points': "Điểm thẩm định",
    'computed': "Tự động tính",
    'explanation': "Diễn giải",
    'note': "Ghi chú",
    'total': "Tổng cộng",
    'yes': "Có",
    'no': "Không",
    'insufficient_marker': "Không đủ mẫu",
    # charts
    'chart_appraised': "Tổng điểm thẩm định theo cơ quan",
    'chart_figure': "{criterion}: tỷ lệ theo cơ quan",
    'chart_points_axis': "Điểm",
    'chart_rate_axis': "Tỷ lệ",
    # scorecard sheet
    'scorecard_title': "Phiếu chấm điểm: {agency}",
    'period': "Kỳ đánh giá",
    # methods sheet
    'methods_title': "Phương pháp tính, tiêu chí và ngưỡng xếp loại",
    'period_code': "Mã kỳ",
    'period_kind': "Loại kỳ",
    'start_date': "Ngày bắt đầu",
    'end_date': "Ngày kết thúc",
    'period_state': "Trạng thái kỳ",
    'content_hash': "Mã băm nội dung (SHA-256)",
    'content_hash_none': "Chưa công bố: chưa có mã băm",
    'published_date': "Ngày công bố",
    'exported_at': "Thời điểm xuất dữ liệu",
    'timezone': "Múi giờ",
    'excluded_unknown': "Không có số liệu",
    'formulas': "Công thức",
    'formula_name': "Chỉ số",
    'formula_text': "Cách tính",
    'criteria': "Tiêu chí và điểm tối đa",
    'rule': "Quy tắc tính điểm",
    'rule_parameters': "Tham số quy tắc",
    'min_sample': "Cỡ mẫu tối thiểu",
    'max_width': "Độ rộng tối đa của khoảng tin cậy",
    'thresholds': "Ngưỡng xếp loại",
    'min_points': "Điểm tối thiểu",
    'sample_rules': "Quy tắc cỡ mẫu",
    'no_max_width': "Không kiểm tra",
    'target': "Mục tiêu {target}",
    'rule_point': "{rate} → {share} điểm tối đa",
    # selections
    'period_kind_year': "Năm",
    'period_kind_quarter': "Quý",
    'period_state_draft': "Dự thảo",
    'period_state_open': "Đang mở",
    'period_state_published': "Đã công bố",
    'scorecard_state_draft': "Dự thảo",
    'scorecard_state_self_assessed': "Đã tự chấm",
    'scorecard_state_appraised': "Đã thẩm định",
    'scorecard_state_published': "Đã công bố",
    'kind_manual': "Nhập tay",
    'kind_survey_coverage': "Tỷ lệ bao phủ khảo sát",
    'kind_survey_satisfaction': "Tỷ lệ hài lòng chung",
    'kind_survey_sipas': "Chỉ số hài lòng kiểu SIPAS",
    'kind_survey_766': "Tỷ lệ hồ sơ hài lòng (Quyết định 766)",
    'rule_target': "Tỷ lệ thuận đến mục tiêu",
    'rule_piecewise': "Tuyến tính từng đoạn",
    'rule_steps': "Bảng bậc thang",
    # formulas in words
    'f_satisfaction': "Tỷ lệ hài lòng (%)",
    'f_satisfaction_text': (
        "Số câu trả lời mức 4 (Hài lòng) hoặc 5 (Rất hài lòng) ÷ số câu "
        "trả lời hợp lệ mức 1 đến 5 × 100; câu trả lời \"Không áp dụng\" "
        "không được tính."),
    'f_mean': "Điểm trung bình (1–5)",
    'f_mean_text': (
        "Tổng (mức × số câu trả lời ở mức đó) ÷ số câu trả lời hợp lệ "
        "mức 1 đến 5."),
    'f_sipas': "Chỉ số hài lòng kiểu SIPAS",
    'f_sipas_text': (
        "Trung bình cộng tỷ lệ hài lòng của các yếu tố có dữ liệu: tiếp cận "
        "dịch vụ, thủ tục hành chính, công chức, kết quả, tiếp nhận và xử lý "
        "góp ý, phản ánh, kiến nghị."),
    'f_coverage': "Tỷ lệ bao phủ khảo sát",
    'f_coverage_text': (
        "Số phiếu đã trả lời (trừ phiếu bị loại) ÷ số hồ sơ đủ điều kiện "
        "khảo sát đã trả kết quả trong kỳ."),
    'f_766': "Tỷ lệ hồ sơ hài lòng (Quyết định 766/QĐ-TTg)",
    'f_766_text': (
        "(Số hồ sơ đã trả kết quả − số hồ sơ bị đánh giá không hài lòng "
        "hoặc trễ hạn) ÷ số hồ sơ đã trả kết quả; mỗi hồ sơ chỉ tính một "
        "lần."),
    'f_rule_target': "Quy tắc tỷ lệ thuận đến mục tiêu",
    'f_rule_target_text': (
        "Đủ điểm tối đa khi tỷ lệ đạt mục tiêu; dưới mục tiêu: điểm = tỷ lệ "
        "× điểm tối đa ÷ mục tiêu (mặc định theo Quyết định 766: mục tiêu "
        "90 %)."),
    'f_rule_piecewise': "Quy tắc tuyến tính từng đoạn",
    'f_rule_piecewise_text': (
        "Nội suy tuyến tính giữa các mốc (tỷ lệ → phần điểm tối đa); dưới "
        "mốc đầu và trên mốc cuối giữ nguyên điểm của mốc đó."),
    'f_rule_steps': "Quy tắc bảng bậc thang",
    'f_rule_steps_text': (
        "Điểm của mốc cao nhất mà tỷ lệ đạt tới; dưới mốc đầu tiên: 0 điểm."),
    'f_rounding': "Làm tròn",
    'f_rounding_text': (
        "Điểm tự động tính được làm tròn đến 2 chữ số thập phân (nửa lên)."),
    'f_total': "Tổng điểm",
    'f_total_text': (
        "Tổng điểm các tiêu chí lá (tiêu chí không có tiêu chí thành phần); "
        "dòng chưa có điểm được tính là 0."),
    'f_classification': "Xếp loại",
    'f_classification_text': (
        "Nhãn của ngưỡng cao nhất có điểm tối thiểu không vượt quá tổng "
        "điểm thẩm định; chỉ xếp loại phiếu đã thẩm định hoặc đã công bố."),
    'f_rank': "Xếp hạng",
    'f_rank_text': (
        "Theo tổng điểm thẩm định, cao nhất trước; các phiếu bằng điểm cùng "
        "hạng và hạng sau bị bỏ qua (1, 2, 2, 4); chỉ xếp hạng phiếu đã "
        "thẩm định hoặc đã công bố."),
    'f_sample': "Cỡ mẫu tối thiểu và khoảng Wilson",
    'f_sample_text': (
        "Tỷ lệ trên ít hơn cỡ mẫu tối thiểu (mặc định 30) hoặc có khoảng tin "
        "cậy Wilson 95 % rộng hơn độ rộng tối đa được đánh dấu \"Không đủ "
        "mẫu\" và không được xếp hạng theo tiêu chí đó."),
    'f_excluded': "Phiếu bị loại",
    'f_excluded_text': (
        "Phiếu trả lời bị người đánh giá loại (kèm lý do) được đếm riêng và "
        "không tính vào bất kỳ tỷ lệ nào."),
    }

SURVEY_KINDS = (
    'survey_coverage', 'survey_satisfaction', 'survey_sipas', 'survey_766')
SURVEY_FIELDS = (
    'figure', 'sample_size', 'insufficient_sample', 'criterion_rank')
FORMULAS = (
    'satisfaction', 'mean', 'sipas', 'coverage', '766', 'rule_target',
    'rule_piecewise', 'rule_steps', 'rounding', 'total', 'classification',
    'rank', 'sample', 'excluded')
DANGEROUS_PREFIXES = ('=', '+', '-', '@', '\t', '\r')
MAX_CELL_TEXT = 32767
SHEET_NAME_MAX = 31
POINTS_FORMAT = '0.00'
RATE_FORMAT = '0.0%'
DATETIME_FORMAT = 'dd/mm/yyyy hh:mm'
DATE_FORMAT = 'dd/mm/yyyy'


def neutralise(text):
    """Return text that no spreadsheet takes for a formula: prefixed with an
    apostrophe when it starts with =, +, -, @, a tab or a carriage return"""
    text = str(text)
    if text.startswith(DANGEROUS_PREFIXES):
        text = "'" + text
    return text[:MAX_CELL_TEXT]


def sheet_name(name, used):
    """A valid, unique (case-insensitive) sheet name from name: without the
    characters Excel forbids, at most 31 characters; used is updated"""
    name = re.sub(r'[\[\]:*?/\\]', '_', str(name or '')).strip("'").strip()
    name = name or '_'
    base, number = name[:SHEET_NAME_MAX], 1
    candidate = base
    while candidate.casefold() in used or candidate.casefold() == 'history':
        number += 1
        suffix = f'~{number}'
        candidate = base[:SHEET_NAME_MAX - len(suffix)] + suffix
    used.add(candidate.casefold())
    return candidate


def _number(value):
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    return value


def _label(prefix, value, default=None):
    if value is None:
        return ''
    return LABELS.get(f'{prefix}_{value}', default or value)


def _percent(value):
    value = _number(value)
    if value is None:
        return ''
    return f'{value * 100:.1f} %'.replace('.', ',')


def _criteria_tree(criteria):
    "Return [(criterion, depth)] in tree order, the children by input order"
    by_code = {c['code']: c for c in criteria}
    children = {}
    roots = []
    for criterion in criteria:
        parent = criterion.get('parent')
        if parent is not None and parent in by_code:
            children.setdefault(parent, []).append(criterion)
        else:
            roots.append(criterion)
    result = []

    def walk(criterion, depth):
        result.append((criterion, depth))
        for child in children.get(criterion['code'], []):
            walk(child, depth + 1)
    for root in roots:
        walk(root, 0)
    return result, children


def is_survey(criterion):
    "Whether the points of criterion come from the satisfaction survey"
    kind = str(criterion.get('kind') or '')
    return kind in SURVEY_KINDS or kind.startswith('survey_')


def _survey_columns(data):
    """The survey criteria shown in the ranking, with the line fields
    present: [(criterion, [field name, ...])]"""
    present = [name for name in SURVEY_FIELDS
        if any(name in line
            for scorecard in data['scorecards']
            for line in scorecard['lines'].values())]
    if not present:
        return [], present
    criteria = [c for c in data['criteria'] if is_survey(c)]
    if not criteria:
        return [], []
    return [(c, present) for c in criteria], present


class _Writer:

    def __init__(self, data):
        self.data = data
        self.output = io.BytesIO()
        self.workbook = xlsxwriter.Workbook(self.output, {
                'in_memory': True,
                'strings_to_formulas': False,
                'strings_to_numbers': False,
                'strings_to_urls': False,
                })
        self.used_names = set()
        self._formats = {}
        self.survey, self.present = _survey_columns(data)

    def format(self, **properties):
        key = tuple(sorted(properties.items()))
        if key not in self._formats:
            self._formats[key] = self.workbook.add_format(properties)
        return self._formats[key]

    @property
    def header(self):
        return self.format(
            bold=True, text_wrap=True, valign='top', bg_color='#DDEBF7',
            border=1)

    def add_sheet(self, name, landscape=True):
        "A new sheet printed on A4, as wide as the page"
        sheet = self.workbook.add_worksheet(
            sheet_name(name, self.used_names))
        sheet.set_paper(9)
        if landscape:
            sheet.set_landscape()
        sheet.fit_to_pages(1, 0)
        return sheet

    def text(self, sheet, row, col, value, cell_format=None):
        "Write value as a string (never a formula), or a blank"
        if value is None or value == '':
            sheet.write_blank(row, col, None, cell_format)
        else:
            sheet.write_string(row, col, neutralise(value), cell_format)

    def number(self, sheet, row, col, value, cell_format=None):
        value = _number(value)
        if value is None:
            sheet.write_blank(row, col, None, cell_format)
        else:
            sheet.write_number(row, col, value, cell_format)

    def datetime(self, sheet, row, col, value, num_format):
        if value is None:
            sheet.write_blank(row, col, None)
        else:
            sheet.write_datetime(
                row, col, value, self.format(
                    num_format=num_format, align='left'))

    def build(self):
        period = self.data['period']
        self.workbook.set_properties({
                'title': neutralise(
                    f"{LABELS['period']} {period.get('name') or ''}"),
                'subject': LABELS['sheet_ranking'],
                'created': self.data.get('exported_at')
                or dt.datetime.now(),
                })
        ranking = self.add_sheet(LABELS['sheet_ranking'])
        methods = self.add_sheet(LABELS['sheet_methods'])
        scorecards = sorted(self.data['scorecards'], key=lambda s: (
                s.get('rank') is None, s.get('rank') or 0,
                s.get('agency_code') or ''))
        sheets = {}
        for scorecard in scorecards:
            sheet = self.add_sheet(scorecard.get('agency_code'))
            sheets[id(scorecard)] = (sheet, sheet.get_name())
        self.write_ranking(ranking, scorecards, sheets)
        self.write_methods(methods)
        for scorecard in scorecards:
            self.write_scorecard(sheets[id(scorecard)][0], scorecard)
        ranking.activate()
        self.workbook.close()
        return self.output.getvalue()

    # --- ranking ------------------------------------------------------------

    def write_ranking(self, sheet, scorecards, sheets):
        survey = self.survey
        points = self.format(num_format=POINTS_FORMAT)
        rate = self.format(num_format=RATE_FORMAT)
        integer = self.format(num_format='0')
        link = self.format(font_color='blue', underline=1)
        columns = [
            (LABELS['rank'], 9),
            (LABELS['agency_code'], 16),
            (LABELS['agency_name'], 40),
            (LABELS['self_total'], 12),
            (LABELS['appraised_total'], 12),
            (LABELS['classification'], 14),
            (LABELS['state'], 14),
            ]
        for criterion, names in survey:
            for name in names:
                columns.append((
                        f"{criterion['code']} {criterion['name']}: "
                        f"{LABELS[name]}", 14))
        for col, (title, width) in enumerate(columns):
            self.text(sheet, 0, col, title, self.header)
            sheet.set_column(col, col, width)
        sheet.set_row(0, 45)
        sheet.repeat_rows(0)
        for row, scorecard in enumerate(scorecards, start=1):
            self.number(sheet, row, 0, scorecard.get('rank'), integer)
            _, name = sheets[id(scorecard)]
            code = scorecard.get('agency_code')
            if code:
                target = name.replace("'", "''")
                sheet.write_url(
                    row, 1, f"internal:'{target}'!A1", link,
                    string=neutralise(code))
            else:
                self.text(sheet, row, 1, code)
            self.text(sheet, row, 2, scorecard.get('agency_name'))
            self.number(sheet, row, 3, scorecard.get('self_total'), points)
            self.number(
                sheet, row, 4, scorecard.get('appraised_total'), points)
            self.text(sheet, row, 5, scorecard.get('classification'))
            self.text(sheet, row, 6, _label(
                    'scorecard_state', scorecard.get('state')))
            col = 7
            for criterion, names in survey:
                line = scorecard['lines'].get(criterion['code'], {})
                for name in names:
                    value = line.get(name)
                    if name == 'figure':
                        self.number(sheet, row, col, value, rate)
                    elif name == 'insufficient_sample':
                        self.text(sheet, row, col,
                            LABELS['insufficient_marker'] if value else None)
                    else:
                        self.number(sheet, row, col, value, integer)
                    col += 1
        last_row = len(scorecards)
        sheet.freeze_panes(1, 3)
        sheet.autofilter(0, 0, max(last_row, 1), len(columns) - 1)
        if not scorecards:
            return
        ranking = sheet.get_name().replace("'", "''")

        def ref(col):
            return [ranking, 1, col, last_row, col]
        height = max(288, 22 * last_row + 100)
        chart = self.workbook.add_chart({'type': 'bar'})
        chart.add_series({
                'name': LABELS['appraised_total'],
                'categories': ref(2),
                'values': ref(4),
                'data_labels': {'value': True, 'num_format': POINTS_FORMAT},
                })
        chart.set_title({'name': LABELS['chart_appraised']})
        chart.set_x_axis({
                'name': LABELS['chart_points_axis'], 'min': 0,
                'num_format': '0'})
        chart.set_y_axis({'reverse': True})
        chart.set_legend({'none': True})
        chart.set_size({'width': 640, 'height': height})
        anchor = len(columns) + 1
        sheet.insert_chart(1, anchor, chart)

        # The satisfaction figure by agency, when there are figures
        figure_col, figure_criterion, col = None, None, 7
        for criterion, names in survey:
            for name in names:
                if name == 'figure' and any(
                        s['lines'].get(criterion['code'], {}).get('figure')
                        is not None for s in scorecards):
                    if figure_col is None or (
                            criterion.get('kind') == 'survey_satisfaction'
                            and figure_criterion.get('kind')
                            != 'survey_satisfaction'):
                        figure_col, figure_criterion = col, criterion
                col += 1
        if figure_col is not None:
            chart = self.workbook.add_chart({'type': 'bar'})
            chart.add_series({
                    'name': LABELS['figure'],
                    'categories': ref(2),
                    'values': ref(figure_col),
                    'data_labels': {'value': True, 'num_format': RATE_FORMAT},
                    })
            chart.set_title({'name': neutralise(LABELS['chart_figure'].format(
                            criterion=f"{figure_criterion['code']} "
                            f"{figure_criterion['name']}"))})
            chart.set_x_axis({
                    'name': LABELS['chart_rate_axis'], 'min': 0, 'max': 1,
                    'num_format': '0%'})
            chart.set_y_axis({'reverse': True})
            chart.set_legend({'none': True})
            chart.set_size({'width': 640, 'height': height})
            sheet.insert_chart(1 + height // 20 + 2, anchor, chart)

    # --- scorecard of an agency ---------------------------------------------

    def write_scorecard(self, sheet, scorecard):
        survey, present = self.survey, self.present
        survey_codes = {c['code'] for c, _ in survey}
        tree, children = _criteria_tree(self.data['criteria'])
        lines = scorecard['lines']
        bold = self.format(bold=True)
        points = self.format(num_format=POINTS_FORMAT)
        rate = self.format(num_format=RATE_FORMAT)
        integer = self.format(num_format='0')
        wrap = self.format(text_wrap=True, valign='top')
        title = LABELS['scorecard_title'].format(agency=(
                f"{scorecard.get('agency_name') or ''} "
                f"[{scorecard.get('agency_code') or ''}]"))
        self.text(sheet, 0, 0, title, self.format(bold=True, font_size=13))
        period = self.data['period']
        info = [
            (LABELS['period'],
                f"{period.get('name') or ''} [{period.get('code') or ''}]"),
            (LABELS['state'],
                _label('scorecard_state', scorecard.get('state'))),
            (LABELS['classification'], scorecard.get('classification')),
            ]
        row = 1
        for label, value in info:
            self.text(sheet, row, 0, label, bold)
            self.text(sheet, row, 2, value)
            row += 1
        for label, value, cell_format in [
                (LABELS['self_total'], scorecard.get('self_total'), points),
                (LABELS['appraised_total'],
                    scorecard.get('appraised_total'), points),
                (LABELS['rank'], scorecard.get('rank'), integer),
                ]:
            self.text(sheet, row, 0, label, bold)
            self.number(sheet, row, 2, value, cell_format)
            row += 1
        row += 1
        columns = [
            (LABELS['code'], 10),
            (LABELS['criterion'], 55),
            (LABELS['kind'], 22),
            (LABELS['max_points'], 11),
            (LABELS['self_points'], 11),
            (LABELS['appraised_points'], 11),
            (LABELS['computed'], 10),
            (LABELS['explanation'], 50),
            (LABELS['note'], 30),
            ]
        columns += [(LABELS[name], 12) for name in present]
        header_row = row
        for col, (label, width) in enumerate(columns):
            self.text(sheet, header_row, col, label, self.header)
            sheet.set_column(col, col, width)
        sheet.set_row(header_row, 30)
        sheet.repeat_rows(header_row)

        def leaves(criterion):
            kids = children.get(criterion['code'])
            if not kids:
                return [criterion]
            return [leaf for kid in kids for leaf in leaves(kid)]

        def total(criterion, name):
            values = [lines.get(leaf['code'], {}).get(name)
                for leaf in leaves(criterion)]
            if all(v is None for v in values):
                return None
            return sum((Decimal(str(v)) for v in values if v is not None),
                Decimal(0))

        for criterion, depth in tree:
            row += 1
            parent = criterion['code'] in children
            name_format = self.format(
                indent=depth, bold=parent and depth == 0, text_wrap=True,
                valign='top')
            code_format = self.format(bold=parent and depth == 0)
            number_format = self.format(
                num_format=POINTS_FORMAT, bold=parent and depth == 0)
            self.text(sheet, row, 0, criterion['code'], code_format)
            self.text(sheet, row, 1, criterion.get('name'), name_format)
            self.text(sheet, row, 2, self.kind_label(criterion))
            self.number(sheet, row, 3, criterion.get('max_points'),
                number_format)
            if parent:
                self.number(sheet, row, 4, total(criterion, 'self_points'),
                    number_format)
                self.number(sheet, row, 5,
                    total(criterion, 'appraised_points'), number_format)
                continue
            line = lines.get(criterion['code'], {})
            self.number(sheet, row, 4, line.get('self_points'), points)
            self.number(sheet, row, 5, line.get('appraised_points'), points)
            if line:
                self.text(sheet, row, 6,
                    LABELS['yes'] if line.get('computed') else LABELS['no'])
            self.text(sheet, row, 7, line.get('explanation'), wrap)
            self.text(sheet, row, 8, line.get('note'), wrap)
            if criterion['code'] not in survey_codes:
                continue
            for col, name in enumerate(present, start=9):
                value = line.get(name)
                if name == 'figure':
                    self.number(sheet, row, col, value, rate)
                elif name == 'insufficient_sample':
                    self.text(sheet, row, col,
                        LABELS['insufficient_marker'] if value else None)
                else:
                    self.number(sheet, row, col, value, integer)
        row += 1
        total_format = self.format(
            bold=True, num_format=POINTS_FORMAT, top=1)
        self.text(sheet, row, 0, LABELS['total'],
            self.format(bold=True, top=1))
        sheet.write_blank(row, 1, None, self.format(top=1))
        sheet.write_blank(row, 2, None, self.format(top=1))
        roots = [c for c, depth in tree if depth == 0]
        self.number(sheet, row, 3, sum(
                (Decimal(str(c.get('max_points') or 0)) for c in roots),
                Decimal(0)), total_format)
        self.number(sheet, row, 4, scorecard.get('self_total'), total_format)
        self.number(sheet, row, 5, scorecard.get('appraised_total'),
            total_format)
        sheet.freeze_panes(header_row + 1, 2)
        sheet.autofilter(header_row, 0, row - 1, len(columns) - 1)

    def kind_label(self, criterion):
        kind = criterion.get('kind')
        return LABELS.get(
            f'kind_{kind}', criterion.get('kind_string') or kind or '')

    # --- methods ------------------------------------------------------------

    def rule_parameters(self, criterion):
        rule = criterion.get('survey_rule')
        if rule == 'target' and criterion.get('survey_target') is not None:
            return LABELS['target'].format(
                target=_percent(criterion['survey_target']))
        if rule in {'piecewise', 'steps'} and criterion.get('survey_points'):
            return '; '.join(
                LABELS['rule_point'].format(
                    rate=_percent(rate), share=_percent(share))
                for rate, share in criterion['survey_points'])
        return None

    def write_methods(self, sheet):
        data = self.data
        period = data['period']
        bold = self.format(bold=True, valign='top')
        bold_wrap = self.format(bold=True, valign='top', text_wrap=True)
        section = self.format(bold=True, font_size=12)
        wrap = self.format(text_wrap=True, valign='top')
        points = self.format(num_format=POINTS_FORMAT)
        rate = self.format(num_format=RATE_FORMAT)
        integer = self.format(num_format='0')
        last_col = 8
        for col, width in enumerate([40, 10, 12, 11, 26, 24, 34, 12, 14]):
            sheet.set_column(col, col, width)

        def merged(row, value, cell_format):
            "Write value as a string over the columns B to I"
            cell_format = cell_format or self.format(align='left')
            sheet.merge_range(row, 1, row, last_col, '', cell_format)
            if isinstance(value, dt.datetime):
                sheet.write_datetime(row, 1, value, cell_format)
            elif isinstance(value, (int, float, Decimal)):
                sheet.write_number(row, 1, _number(value), cell_format)
            else:
                self.text(sheet, row, 1, value, cell_format)

        self.text(sheet, 0, 0, LABELS['methods_title'],
            self.format(bold=True, font_size=14))
        row = 2
        published = period.get('state') == 'published'
        start_date, end_date = (
            dt.datetime.combine(period[n], dt.time())
            if period.get(n) else None for n in ['start_date', 'end_date'])
        date_format = self.format(num_format=DATE_FORMAT, align='left')
        datetime_format = self.format(
            num_format=DATETIME_FORMAT, align='left')
        integer_left = self.format(num_format='0', align='left')
        excluded = data.get('excluded')
        facts = [
            (LABELS['period'], period.get('name'), None),
            (LABELS['period_code'], period.get('code'), None),
            (LABELS['period_kind'],
                _label('period_kind', period.get('kind')), None),
            (LABELS['start_date'], start_date, date_format),
            (LABELS['end_date'], end_date, date_format),
            (LABELS['period_state'],
                _label('period_state', period.get('state')), None),
            (LABELS['published_date'],
                period.get('published_date') if published else None,
                datetime_format),
            (LABELS['content_hash'],
                period.get('content_hash') if published
                else LABELS['content_hash_none'], None),
            (LABELS['exported_at'], data.get('exported_at'),
                datetime_format),
            (LABELS['timezone'], data.get('timezone'), None),
            (LABELS['excluded'],
                LABELS['excluded_unknown'] if excluded is None else excluded,
                integer_left),
            ]
        for label, value, cell_format in facts:
            self.text(sheet, row, 0, label, bold)
            merged(row, value, cell_format)
            row += 1

        row += 1
        self.text(sheet, row, 0, LABELS['formulas'], section)
        row += 1
        self.text(sheet, row, 0, LABELS['formula_name'], self.header)
        merged(row, LABELS['formula_text'], self.header)
        for name in FORMULAS:
            row += 1
            label, text = LABELS[f'f_{name}'], LABELS[f'f_{name}_text']
            self.text(sheet, row, 0, label, bold_wrap)
            merged(row, text, wrap)
            lines = max(len(text) // 110, len(label) // 36) + 1
            sheet.set_row(row, 15 * lines + 3)

        row += 2
        self.text(sheet, row, 0, LABELS['criteria'], section)
        row += 1
        headers = [
            LABELS['criterion'], LABELS['code'], LABELS['parent'],
            LABELS['max_points'], LABELS['kind'], LABELS['rule'],
            LABELS['rule_parameters'], LABELS['min_sample'],
            LABELS['max_width'],
            ]
        for col, header in enumerate(headers):
            self.text(sheet, row, col, header, self.header)
        sheet.set_row(row, 30)
        tree, _ = _criteria_tree(data['criteria'])
        for criterion, depth in tree:
            row += 1
            survey = is_survey(criterion)
            self.text(sheet, row, 0, criterion.get('name'),
                self.format(indent=depth, text_wrap=True, valign='top'))
            self.text(sheet, row, 1, criterion['code'])
            self.text(sheet, row, 2, criterion.get('parent'))
            self.number(sheet, row, 3, criterion.get('max_points'), points)
            self.text(sheet, row, 4, self.kind_label(criterion))
            if not survey:
                continue
            self.text(sheet, row, 5, _label(
                    'rule', criterion.get('survey_rule')))
            self.text(sheet, row, 6, self.rule_parameters(criterion), wrap)
            self.number(sheet, row, 7, criterion.get('survey_min_sample'),
                integer)
            if criterion.get('survey_max_width') is not None:
                self.number(sheet, row, 8, criterion['survey_max_width'],
                    rate)
            elif 'survey_max_width' in criterion:
                self.text(sheet, row, 8, LABELS['no_max_width'])

        row += 2
        self.text(sheet, row, 0, LABELS['thresholds'], section)
        row += 1
        self.text(sheet, row, 0, LABELS['classification'], self.header)
        self.text(sheet, row, 1, LABELS['min_points'], self.header)
        for threshold in sorted(data['thresholds'],
                key=lambda t: -(_number(t.get('min_points')) or 0)):
            row += 1
            self.text(sheet, row, 0, threshold.get('label'))
            self.number(sheet, row, 1, threshold.get('min_points'), points)
        sheet.freeze_panes(1, 0)


def build_workbook(data):
    "Return the bytes of the XLSX workbook of data (see the module docstring)"
    return _Writer(data).build()
