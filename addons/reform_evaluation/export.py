# This file is part of the reform_evaluation module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""The Excel workbook (XLSX) of a reform evaluation period.

Plain code without database access: ``build_workbook(data)`` takes the
content already read from the records (see export_wizard.py) and returns the
bytes of the file.  It renders what ``data`` carries and nothing else:
columns, formulas and summary rows added by other modules come as data.
``data`` is a dict:

- ``labels``: {key: text} for every key of ``LABEL_KEYS``, already
  translated; ``scorecard_title`` holds ``%(agency)s``;
- ``period``: ``code``, ``name``, ``kind_string``, ``start_date``,
  ``end_date``, ``state``, ``state_string``, ``content_hash`` and
  ``published_date`` (local, naive);
- ``criteria``: a list of dicts in tree order (each parent before its
  children, siblings in their order): ``code``, ``name``, ``parent`` (the
  parent's code or None), ``max_points``, ``kind_string``, ``computed`` and
  the values of the ``criterion_columns``;
- ``criterion_columns``: the extra columns of the criteria table of the
  methods sheet, as column specs (below); a criterion without the key of a
  column leaves its cell empty;
- ``thresholds``: a list of dicts ``label``, ``min_points``;
- ``scorecards``: a list of dicts ``agency_code``, ``agency_name``,
  ``state_string``, ``self_total``, ``appraised_total``, ``total_status``
  (``not_appraised``: the appraised total is provisional, in grey italics;
  ``not_published`` or ``final``) and its ``total_status_string``,
  ``classification`` (a label or None), ``rank`` (or None), the values of
  the ranking columns that are not per criterion and ``lines``:
  {criterion code: dict
  ``self_points``, ``appraised_points``, ``computed``, ``explanation``,
  ``note`` and the values of the per-criterion ranking columns};
- ``ranking_columns``: the extra columns of the ranking, as column specs;
- ``formulas``: a list of (name, text) written in this order on the methods
  sheet;
- ``summary``: extra rows of the period's facts on the methods sheet: dicts
  ``label``, ``value`` and ``format``;
- ``exported_at``: the local, naive datetime of the export and
  ``timezone`` its zone name.

A column spec is a dict ``key`` (of the value in the dict it is read from),
``label``, ``format`` (one of ``FORMATS``: a number is written with it, a
text as text), optionally ``width``, ``wrap`` (text wrapped) and:

- ``criteria``: the codes of the criteria the column is for.  Such a
  per-criterion column is repeated in the ranking for each of them (headed
  "<code> <name>: <label>", criteria in their order, then the columns in
  theirs), its value read from the scorecard's line of the criterion, and
  added to the scorecard sheets, filled on the rows of those criteria.
  Without ``criteria`` the column is one column of the ranking, read from
  the scorecard's dict.
- ``chart``: a bar chart of the column by agency next to the ranking, dict
  ``title`` (with ``%(criterion)s`` for a per-criterion column), ``axis``
  and, for a per-criterion column, ``criteria``: the codes in order of
  preference, the first whose column has a value being charted.

Until the period is published the totals and ranks are provisional: the
ranking says so in the header of the appraised total, in the title of its
chart and in a note under the table.

Every text written comes through ``_Writer.text`` (write_string, never a
formula) which neutralises spreadsheet formula injection.
"""
import datetime as dt
import io
import re
from decimal import Decimal

import xlsxwriter

LABEL_KEYS = (
    # sheets
    'sheet_ranking', 'sheet_methods',
    # ranking and scorecard headers
    'rank', 'agency_code', 'agency_name', 'self_total', 'appraised_total',
    'provisional', 'provisional_note', 'total_status', 'classification',
    'state', 'code', 'criterion', 'parent', 'kind',
    'max_points', 'self_points', 'appraised_points', 'computed',
    'explanation', 'note', 'total', 'yes', 'no',
    # charts
    'chart_appraised', 'chart_points_axis',
    # scorecard sheet
    'scorecard_title', 'period',
    # methods sheet
    'methods_title', 'period_code', 'period_kind', 'start_date', 'end_date',
    'period_state', 'content_hash', 'content_hash_none', 'published_date',
    'exported_at', 'timezone', 'formulas', 'formula_name', 'formula_text',
    'criteria', 'thresholds', 'min_points',
    )
POINTS_FORMAT = '0.00'
RATE_FORMAT = '0.0%'
INTEGER_FORMAT = '0'
# The number format of each format of a column spec (text: none)
FORMATS = {
    'text': None,
    'points': POINTS_FORMAT,
    'rate': RATE_FORMAT,
    'integer': INTEGER_FORMAT,
    }
DANGEROUS_PREFIXES = ('=', '+', '-', '@', '\t', '\r')
MAX_CELL_TEXT = 32767
SHEET_NAME_MAX = 31
DATETIME_FORMAT = 'dd/mm/yyyy hh:mm'
DATE_FORMAT = 'dd/mm/yyyy'
# The columns of the methods sheet: the texts are merged over B to I
METHODS_WIDTHS = [40, 10, 12, 11, 26, 24, 34, 12, 14]
METHODS_LAST_COL = len(METHODS_WIDTHS) - 1
RANKING_COLUMN_WIDTH = 14
PROVISIONAL_COLOR = '#7F7F7F'
SCORECARD_COLUMN_WIDTH = 12


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


def _ranking_columns(data):
    """The extra columns of the ranking: [(spec, criterion or None)], the
    columns of the scorecards first, then those per criterion"""
    specs = data.get('ranking_columns') or []
    columns = [(spec, None) for spec in specs if spec.get('criteria') is None]
    for criterion in data['criteria']:
        for spec in specs:
            if criterion['code'] in (spec.get('criteria') or ()):
                columns.append((spec, criterion))
    return columns


class _Writer:

    def __init__(self, data):
        self.data = data
        self.labels = data['labels']
        self.output = io.BytesIO()
        self.workbook = xlsxwriter.Workbook(self.output, {
                'in_memory': True,
                'strings_to_formulas': False,
                'strings_to_numbers': False,
                'strings_to_urls': False,
                })
        self.used_names = set()
        self._formats = {}
        self.columns = _ranking_columns(data)
        # The per-criterion columns of the scorecard sheets
        self.line_columns = [spec
            for spec in data.get('ranking_columns') or []
            if spec.get('criteria')]

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

    def value(self, sheet, row, col, spec, value):
        """Write value of a column spec: a number with the spec's format, a
        text as text (wrapped if the spec says so)"""
        kind = spec.get('format', 'text')
        if kind == 'text' or isinstance(value, str):
            self.text(sheet, row, col, value,
                self.format(text_wrap=True, valign='top')
                if spec.get('wrap') else None)
        else:
            self.number(sheet, row, col, value,
                self.format(num_format=FORMATS[kind]))

    def build(self):
        period = self.data['period']
        labels = self.labels
        self.workbook.set_properties({
                'title': neutralise(
                    f"{labels['period']} {period.get('name') or ''}"),
                'subject': labels['sheet_ranking'],
                'created': self.data.get('exported_at')
                or dt.datetime.now(),
                })
        ranking = self.add_sheet(labels['sheet_ranking'])
        methods = self.add_sheet(labels['sheet_methods'])
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

    @property
    def provisional(self):
        "Whether the totals and ranks are provisional: not published yet"
        return self.data['period'].get('state') != 'published'

    def provisional_label(self, label):
        "label marked provisional while the period is not published"
        if self.provisional:
            return f"{label} ({self.labels['provisional']})"
        return label

    def total_format(self, scorecard, **properties):
        "The format of a total, in grey italics when not appraised yet"
        if scorecard.get('total_status') == 'not_appraised':
            properties.update(italic=True, font_color=PROVISIONAL_COLOR)
        return self.format(num_format=POINTS_FORMAT, **properties)

    def write_ranking(self, sheet, scorecards, sheets):
        labels = self.labels
        points = self.format(num_format=POINTS_FORMAT)
        integer = self.format(num_format=INTEGER_FORMAT)
        link = self.format(font_color='blue', underline=1)
        columns = [
            (labels['rank'], 9),
            (labels['agency_code'], 16),
            (labels['agency_name'], 40),
            (labels['self_total'], 12),
            (self.provisional_label(labels['appraised_total']), 12),
            (labels['classification'], 14),
            (labels['state'], 14),
            ]
        first_extra = len(columns)
        for spec, criterion in self.columns:
            title = spec['label']
            if criterion is not None:
                title = f"{criterion['code']} {criterion['name']}: {title}"
            columns.append((title, spec.get('width', RANKING_COLUMN_WIDTH)))
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
            self.number(sheet, row, 4, scorecard.get('appraised_total'),
                self.total_format(scorecard))
            self.text(sheet, row, 5, scorecard.get('classification'))
            self.text(sheet, row, 6, scorecard.get('state_string'))
            for col, (spec, criterion) in enumerate(
                    self.columns, start=first_extra):
                self.value(sheet, row, col, spec,
                    self.column_value(scorecard, spec, criterion))
        last_row = len(scorecards)
        sheet.freeze_panes(1, 3)
        sheet.autofilter(0, 0, max(last_row, 1), len(columns) - 1)
        if not scorecards:
            return
        if self.provisional:
            # Under the table (whose first row is its header, filtered)
            note = last_row + 2
            sheet.merge_range(note, 0, note, 6, '',
                self.format(text_wrap=True, valign='top'))
            self.text(sheet, note, 0, labels['provisional_note'],
                self.format(text_wrap=True, valign='top'))
            sheet.set_row(note, 15 * (len(labels['provisional_note']) // 100
                    + 1) + 3)
        ranking = sheet.get_name().replace("'", "''")

        def ref(col):
            return [ranking, 1, col, last_row, col]
        height = max(288, 22 * last_row + 100)
        anchor = len(columns) + 1
        chart = self.workbook.add_chart({'type': 'bar'})
        chart.add_series({
                'name': labels['appraised_total'],
                'categories': ref(2),
                'values': ref(4),
                'data_labels': {'value': True, 'num_format': POINTS_FORMAT},
                })
        chart.set_title(
            {'name': self.provisional_label(labels['chart_appraised'])})
        chart.set_x_axis({
                'name': labels['chart_points_axis'], 'min': 0,
                'num_format': '0'})
        chart.set_y_axis({'reverse': True})
        chart.set_legend({'none': True})
        chart.set_size({'width': 640, 'height': height})
        sheet.insert_chart(1, anchor, chart)

        row = 1
        for spec, criterion, col in self.charted(scorecards, first_extra):
            row += height // 20 + 2
            num_format = FORMATS[spec.get('format', 'text')] or '0'
            chart = self.workbook.add_chart({'type': 'bar'})
            chart.add_series({
                    'name': spec['label'],
                    'categories': ref(2),
                    'values': ref(col),
                    'data_labels': {'value': True, 'num_format': num_format},
                    })
            title = spec['chart'].get('title') or spec['label']
            if criterion is not None:
                title = title % {
                    'criterion': f"{criterion['code']} {criterion['name']}",
                    }
            axis = {'name': spec['chart'].get('axis'), 'min': 0}
            if spec.get('format') == 'rate':
                axis.update({'max': 1, 'num_format': '0%'})
            else:
                axis['num_format'] = '0'
            chart.set_title({'name': neutralise(title)})
            chart.set_x_axis(axis)
            chart.set_y_axis({'reverse': True})
            chart.set_legend({'none': True})
            chart.set_size({'width': 640, 'height': height})
            sheet.insert_chart(row, anchor, chart)

    @staticmethod
    def column_value(scorecard, spec, criterion):
        if criterion is None:
            return scorecard.get(spec['key'])
        return scorecard['lines'].get(criterion['code'], {}).get(spec['key'])

    def charted(self, scorecards, first_col):
        """Yield (spec, criterion, column) of each chart asked by a column:
        for a per-criterion column, the first criterion of its preference
        with a value"""
        positions = {}
        for col, (spec, criterion) in enumerate(self.columns, start=first_col):
            code = criterion['code'] if criterion is not None else None
            positions[id(spec), code] = col, criterion
        seen = set()
        for spec, criterion in self.columns:
            if not spec.get('chart') or id(spec) in seen:
                continue
            seen.add(id(spec))
            if spec.get('criteria') is None:
                yield spec, None, positions[id(spec), None][0]
                continue
            for code in spec['chart'].get('criteria') or spec['criteria']:
                if (id(spec), code) not in positions:
                    continue
                col, criterion = positions[id(spec), code]
                if any(self.column_value(s, spec, criterion) is not None
                        for s in scorecards):
                    yield spec, criterion, col
                    break

    # --- scorecard of an agency ---------------------------------------------

    def write_scorecard(self, sheet, scorecard):
        labels = self.labels
        tree, children = _criteria_tree(self.data['criteria'])
        lines = scorecard['lines']
        bold = self.format(bold=True)
        points = self.format(num_format=POINTS_FORMAT)
        integer = self.format(num_format=INTEGER_FORMAT)
        wrap = self.format(text_wrap=True, valign='top')
        title = labels['scorecard_title'] % {'agency': (
                f"{scorecard.get('agency_name') or ''} "
                f"[{scorecard.get('agency_code') or ''}]")}
        self.text(sheet, 0, 0, title, self.format(bold=True, font_size=13))
        period = self.data['period']
        info = [
            (labels['period'],
                f"{period.get('name') or ''} [{period.get('code') or ''}]"),
            (labels['state'], scorecard.get('state_string')),
            (labels['total_status'], scorecard.get('total_status_string')),
            (labels['classification'], scorecard.get('classification')),
            ]
        row = 1
        for label, value in info:
            self.text(sheet, row, 0, label, bold)
            self.text(sheet, row, 2, value)
            row += 1
        for label, value, cell_format in [
                (labels['self_total'], scorecard.get('self_total'), points),
                (self.provisional_label(labels['appraised_total']),
                    scorecard.get('appraised_total'),
                    self.total_format(scorecard)),
                (labels['rank'], scorecard.get('rank'), integer),
                ]:
            self.text(sheet, row, 0, label, bold)
            self.number(sheet, row, 2, value, cell_format)
            row += 1
        row += 1
        columns = [
            (labels['code'], 10),
            (labels['criterion'], 55),
            (labels['kind'], 22),
            (labels['max_points'], 11),
            (labels['self_points'], 11),
            (labels['appraised_points'], 11),
            (labels['computed'], 10),
            (labels['explanation'], 50),
            (labels['note'], 30),
            ]
        first_extra = len(columns)
        columns += [(spec['label'], SCORECARD_COLUMN_WIDTH)
            for spec in self.line_columns]
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
            self.text(sheet, row, 2, criterion.get('kind_string'))
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
                    labels['yes'] if line.get('computed') else labels['no'])
            self.text(sheet, row, 7, line.get('explanation'), wrap)
            self.text(sheet, row, 8, line.get('note'), wrap)
            for col, spec in enumerate(self.line_columns, start=first_extra):
                if criterion['code'] in spec['criteria']:
                    self.value(sheet, row, col, spec, line.get(spec['key']))
        row += 1
        total_format = self.format(
            bold=True, num_format=POINTS_FORMAT, top=1)
        self.text(sheet, row, 0, labels['total'],
            self.format(bold=True, top=1))
        sheet.write_blank(row, 1, None, self.format(top=1))
        sheet.write_blank(row, 2, None, self.format(top=1))
        roots = [c for c, depth in tree if depth == 0]
        self.number(sheet, row, 3, sum(
                (Decimal(str(c.get('max_points') or 0)) for c in roots),
                Decimal(0)), total_format)
        self.number(sheet, row, 4, scorecard.get('self_total'), total_format)
        self.number(sheet, row, 5, scorecard.get('appraised_total'),
            self.total_format(scorecard, bold=True, top=1))
        sheet.freeze_panes(header_row + 1, 2)
        sheet.autofilter(header_row, 0, row - 1, len(columns) - 1)

    # --- methods ------------------------------------------------------------

    def write_methods(self, sheet):
        data = self.data
        labels = self.labels
        period = data['period']
        bold = self.format(bold=True, valign='top')
        bold_wrap = self.format(bold=True, valign='top', text_wrap=True)
        section = self.format(bold=True, font_size=12)
        wrap = self.format(text_wrap=True, valign='top')
        points = self.format(num_format=POINTS_FORMAT)
        extra = data.get('criterion_columns') or []
        widths = list(METHODS_WIDTHS)
        for col, spec in enumerate(extra, start=5):
            width = spec.get('width', RANKING_COLUMN_WIDTH)
            if col < len(widths):
                widths[col] = width
            else:
                widths.append(width)
        for col, width in enumerate(widths):
            sheet.set_column(col, col, width)

        def merged(row, value, cell_format):
            "Write value as a string over the columns B to I"
            cell_format = cell_format or self.format(align='left')
            sheet.merge_range(
                row, 1, row, METHODS_LAST_COL, '', cell_format)
            if isinstance(value, dt.datetime):
                sheet.write_datetime(row, 1, value, cell_format)
            elif isinstance(value, (int, float, Decimal)):
                sheet.write_number(row, 1, _number(value), cell_format)
            else:
                self.text(sheet, row, 1, value, cell_format)

        self.text(sheet, 0, 0, labels['methods_title'],
            self.format(bold=True, font_size=14))
        row = 2
        published = period.get('state') == 'published'
        start_date, end_date = (
            dt.datetime.combine(period[n], dt.time())
            if period.get(n) else None for n in ['start_date', 'end_date'])
        date_format = self.format(num_format=DATE_FORMAT, align='left')
        datetime_format = self.format(
            num_format=DATETIME_FORMAT, align='left')
        facts = [
            (labels['period'], period.get('name'), None),
            (labels['period_code'], period.get('code'), None),
            (labels['period_kind'], period.get('kind_string'), None),
            (labels['start_date'], start_date, date_format),
            (labels['end_date'], end_date, date_format),
            (labels['period_state'], period.get('state_string'), None),
            (labels['published_date'],
                period.get('published_date') if published else None,
                datetime_format),
            (labels['content_hash'],
                period.get('content_hash') if published
                else labels['content_hash_none'], None),
            (labels['exported_at'], data.get('exported_at'),
                datetime_format),
            (labels['timezone'], data.get('timezone'), None),
            ]
        for fact in data.get('summary') or []:
            value = fact.get('value')
            cell_format = None
            num_format = FORMATS[fact.get('format', 'text')]
            if num_format is not None and not isinstance(value, str):
                cell_format = self.format(num_format=num_format, align='left')
            facts.append((fact['label'], value, cell_format))
        for label, value, cell_format in facts:
            self.text(sheet, row, 0, label, bold)
            merged(row, value, cell_format)
            row += 1

        row += 1
        self.text(sheet, row, 0, labels['formulas'], section)
        row += 1
        self.text(sheet, row, 0, labels['formula_name'], self.header)
        merged(row, labels['formula_text'], self.header)
        for label, text in data.get('formulas') or []:
            row += 1
            self.text(sheet, row, 0, label, bold_wrap)
            merged(row, text, wrap)
            lines = max(len(text) // 110, len(label) // 36) + 1
            sheet.set_row(row, 15 * lines + 3)

        row += 2
        self.text(sheet, row, 0, labels['criteria'], section)
        row += 1
        headers = [
            labels['criterion'], labels['code'], labels['parent'],
            labels['max_points'], labels['kind'],
            ] + [spec['label'] for spec in extra]
        for col, header in enumerate(headers):
            self.text(sheet, row, col, header, self.header)
        sheet.set_row(row, 30)
        tree, _ = _criteria_tree(data['criteria'])
        for criterion, depth in tree:
            row += 1
            self.text(sheet, row, 0, criterion.get('name'),
                self.format(indent=depth, text_wrap=True, valign='top'))
            self.text(sheet, row, 1, criterion['code'])
            self.text(sheet, row, 2, criterion.get('parent'))
            self.number(sheet, row, 3, criterion.get('max_points'), points)
            self.text(sheet, row, 4, criterion.get('kind_string'))
            for col, spec in enumerate(extra, start=5):
                if spec['key'] in criterion:
                    self.value(sheet, row, col, spec, criterion[spec['key']])

        row += 2
        self.text(sheet, row, 0, labels['thresholds'], section)
        row += 1
        self.text(sheet, row, 0, labels['classification'], self.header)
        self.text(sheet, row, 1, labels['min_points'], self.header)
        for threshold in sorted(data['thresholds'],
                key=lambda t: -(_number(t.get('min_points')) or 0)):
            row += 1
            self.text(sheet, row, 0, threshold.get('label'))
            self.number(sheet, row, 1, threshold.get('min_points'), points)
        sheet.freeze_panes(1, 0)


def build_workbook(data):
    "Return the bytes of the XLSX workbook of data (see the module docstring)"
    return _Writer(data).build()
