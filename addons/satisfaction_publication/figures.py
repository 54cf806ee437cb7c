# This file is part of the satisfaction_publication module.  The COPYRIGHT
# file at the top level of this repository contains the full copyright
# notices and license terms.
"""The published results of a period as plain data, and their open data.

Free of any database access: publication.py gathers the records into these
classes; the pages, the CSV and the JSON are made from them
(docs/open-data.md is the schema).  A rate is a float from 0 to 1 or None
(no data), never confused with 0.
"""
import csv
import io
import json
from dataclasses import dataclass, field
from decimal import Decimal

from trytond.modules.reform_evaluation.scoring import (
    canonical_decimal, canonical_json)

SCHEMA = 'satisfaction-publication/1'
LEVELS = (5, 4, 3, 2, 1)  # as shown: the best first
ELEMENTS = ('access', 'procedure', 'official', 'result', 'feedback')
RATE_DIGITS = 4


@dataclass(frozen=True)
class Criterion:
    "A leaf criterion of the period (the ones scorecards have lines of)"
    code: str
    name: str
    max_points: Decimal
    kind: str
    area: str | None = None  # the code of its top-level ancestor
    computed: bool = False  # its points computed by a module


@dataclass(frozen=True)
class Line:
    "The published line of a scorecard on one criterion"
    criterion: str  # the criterion's code
    points: Decimal | None
    figure: Decimal | None = None  # the rate behind computed points (0..1)
    sample: int | None = None
    insufficient: bool = False
    rank: int | None = None  # among the agencies, on this criterion


@dataclass
class AgencyResult:
    "The published results of one agency over one period"
    code: str
    name: str
    total: Decimal | None
    classification: str | None
    published_rank: int | None
    lines: dict = field(default_factory=dict)  # criterion code: Line
    eligible: int = 0  # surveyed dossiers (invitations)
    answered: int = 0
    excluded: int = 0
    coverage: float | None = None
    satisfaction: float | None = None
    sipas_index: float | None = None
    mean: float | None = None
    levels: dict = field(default_factory=dict)  # overall rating: count
    elements: dict = field(default_factory=dict)  # element: rate or None
    sufficient_sample: bool = True
    # the follow-up of the unhappy answers, as frozen in the scorecard:
    # opened, on_time, overdue, rerated, rerated_satisfied, mean_change
    followups: dict = field(default_factory=dict)
    # what the agency changed, as approved, and when it was approved
    statement: str | None = None
    statement_date: object = None  # naive UTC datetime

    @property
    def rank(self):
        "The rank shown: none where the sample rule says so"
        return self.published_rank if self.sufficient_sample else None

    @property
    def valid_answers(self):
        "The overall ratings 1 to 5 counted (not applicable left out)"
        return sum(self.levels.get(level, 0) for level in LEVELS)

    def level_share(self, level):
        valid = self.valid_answers
        return self.levels.get(level, 0) / valid if valid else None


@dataclass
class PeriodResult:
    "A published period: its criteria and the results of its agencies"
    code: str
    name: str
    kind: str
    start_date: object
    end_date: object
    published_date: object  # naive UTC datetime
    content_hash: str
    criteria: list = field(default_factory=list)  # [Criterion]
    agencies: list = field(default_factory=list)  # [AgencyResult], by rank
    content: dict = field(default_factory=dict)  # the canonical content

    @property
    def computed_criteria(self):
        return [c for c in self.criteria if c.computed]

    def agency(self, code):
        for agency in self.agencies:
            if agency.code == code:
                return agency
        return None


def natural_key(code):
    "'1.10' after '1.9': criteria codes compared part by part"
    return [(0, int(p), '') if p.isdigit() else (1, 0, p)
        for p in str(code).replace('-', '.').split('.')]


def by_rank(agencies):
    """The agencies in the order of the table: by shown rank, then those
    without one (insufficient sample, not ranked), each group by code"""
    return sorted(agencies, key=lambda a: (
            a.rank is None, a.rank or 0, a.code))


def rate(value):
    "A rate rounded as published (4 decimals), or None"
    return None if value is None else round(float(value), RATE_DIGITS)


def _points(value):
    return None if value is None else float(value)


# --- JSON ---------------------------------------------------------------

def to_json_data(period):
    """The JSON document of a period (docs/open-data.md): the figures, and
    the canonical content whose SHA-256 is the period's content hash"""
    return {
        'schema': SCHEMA,
        'period': {
            'code': period.code,
            'name': period.name,
            'kind': period.kind,
            'start_date': period.start_date.isoformat(),
            'end_date': period.end_date.isoformat(),
            'published_date': (period.published_date.isoformat() + 'Z'
                if period.published_date else None),
            'content_hash': period.content_hash,
            },
        'criteria': [{
                'code': c.code,
                'name': c.name,
                'area': c.area,
                'kind': c.kind,
                'max_points': _points(c.max_points),
                } for c in period.criteria],
        'agencies': [_agency_json(a, period.criteria)
            for a in period.agencies],
        # json.loads of the canonical text: the same text once dumped again
        'content': json.loads(canonical_json(period.content)),
        }


def _agency_json(agency, criteria):
    lines = []
    for criterion in criteria:
        line = agency.lines.get(criterion.code)
        if line is None:
            continue
        lines.append({
                'criterion': criterion.code,
                'points': _points(line.points),
                'figure': rate(line.figure),
                'sample': line.sample,
                'insufficient_sample': line.insufficient,
                'rank': None if line.insufficient else line.rank,
                })
    return {
        'code': agency.code,
        'name': agency.name,
        'survey': {
            'eligible': agency.eligible,
            'answered': agency.answered,
            'excluded': agency.excluded,
            'coverage': rate(agency.coverage),
            'satisfaction': rate(agency.satisfaction),
            'mean': rate(agency.mean),
            'sipas_index': rate(agency.sipas_index),
            'levels': {str(level): agency.levels.get(level, 0)
                for level in sorted(LEVELS)},
            'elements': {element: rate(agency.elements.get(element))
                for element in ELEMENTS},
            },
        'followups': {
            name: (rate(value) if name == 'mean_change' else value)
            for name, value in sorted(agency.followups.items())},
        'lines': lines,
        'total': _points(agency.total),
        'classification': agency.classification,
        'sufficient_sample': agency.sufficient_sample,
        'rank': agency.rank,
        'published_rank': agency.published_rank,
        'statement': ({
                'text': agency.statement,
                'approved_date': agency.statement_date.isoformat() + 'Z',
                } if agency.statement else None),
        }


def to_json(period):
    return json.dumps(
        to_json_data(period), ensure_ascii=False, indent=1, sort_keys=False)


# --- CSV ----------------------------------------------------------------

def csv_columns(criteria):
    "The header of the CSV of a period with criteria"
    columns = [
        'agency_code', 'agency_name', 'eligible', 'answered', 'excluded',
        'coverage', 'satisfaction', 'mean', 'sipas_index',
        *(f'level_{level}' for level in sorted(LEVELS)),
        *(f'element_{element}' for element in ELEMENTS)]
    for criterion in criteria:
        columns += [f'points_{criterion.code}', f'figure_{criterion.code}']
    columns += ['total', 'classification', 'sufficient_sample', 'rank']
    return columns


def _cell(value):
    if value is None:
        return ''
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, float):
        return format(value, f'.{RATE_DIGITS}f').rstrip('0').rstrip('.')
    if isinstance(value, Decimal):
        return canonical_decimal(value)
    return str(value)


def to_csv(period):
    """The CSV of a period: one row per agency, in the order of the table
    (comma separated, UTF-8, dot decimals, empty: no data)"""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator='\r\n')
    writer.writerow(csv_columns(period.criteria))
    for agency in period.agencies:
        row = [
            agency.code, agency.name, agency.eligible, agency.answered,
            agency.excluded, rate(agency.coverage),
            rate(agency.satisfaction), rate(agency.mean),
            rate(agency.sipas_index),
            *(agency.levels.get(level, 0) for level in sorted(LEVELS)),
            *(rate(agency.elements.get(e)) for e in ELEMENTS)]
        for criterion in period.criteria:
            line = agency.lines.get(criterion.code)
            row += ([line.points, rate(line.figure)] if line
                else [None, None])
        row += [agency.total, agency.classification,
            agency.sufficient_sample, agency.rank]
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()


# --- numbers as the pages show them -------------------------------------

class Numbers:
    "Numbers, rates and points written in the page's language"

    def __init__(self, lang):
        self.lang = lang
        self.decimal = ',' if lang == 'vi' else '.'
        self.thousands = '.' if lang == 'vi' else ','

    def _fixed(self, value, digits):
        text = f'{value:,.{digits}f}'
        return text.translate(str.maketrans(
                {',': self.thousands, '.': self.decimal}))

    def integer(self, value):
        return '–' if value is None else self._fixed(value, 0)

    def percent(self, value):
        "A rate 0..1 as a percentage with one decimal: 66,7 %"
        if value is None:
            return '–'
        return self._fixed(float(value) * 100, 1) + '\u00a0%'

    def points(self, value):
        "Points with at most two decimals: 7,41; 80"
        if value is None:
            return '–'
        text = self._fixed(Decimal(value), 2)
        if self.decimal in text:
            text = text.rstrip('0').rstrip(self.decimal)
        return text
