# This file is part of the reform_evaluation module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""The "Export to Excel" wizard of a period: it reads the period into plain
data (export_data) and returns the workbook built by export.py as a file to
download.

Modules extend the workbook by extending the ``export_*`` class methods:
the values of a criterion, a scorecard or a line, the extra columns of the
ranking and of the criteria table, the formulas and the summary rows of
the methods sheet (see export.py for the column specs)."""
import re
from collections import defaultdict

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.modules.one_stop.localtime import to_local_naive, utcnow
from trytond.pool import Pool
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .export import LABEL_KEYS, build_workbook

FORMULAS = ('total', 'classification', 'rank')


class PeriodExportResult(ModelView):
    __string__ = "Reform Period Export"
    __name__ = 'reform.period.export.result'

    file = fields.Binary("File", readonly=True, filename='filename')
    filename = fields.Char("File Name", readonly=True)


class PeriodExport(Wizard):
    __name__ = 'reform.period.export'
    start_state = 'generate'

    generate = StateTransition()
    result = StateView(
        'reform.period.export.result',
        'reform_evaluation.period_export_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_generate(self):
        if len(self.records) != 1:
            raise UserError(gettext(
                    'reform_evaluation.msg_period_export_one'))
        self.result.file = build_workbook(self.export_data(self.record))
        return 'result'

    def default_result(self, fields):
        file_ = self.result.file
        cast = self.result.__class__.file.cast
        self.result.file = False  # No need to store it in the session
        return {
            'file': cast(file_) if file_ else None,
            'filename': self.filename(self.record),
            }

    @classmethod
    def filename(cls, period):
        code = re.sub(r'[^0-9A-Za-z._-]+', '_', period.code or '').strip('_')
        return f'danh-gia-cai-cach-{code or period.id}.xlsx'

    @classmethod
    def language(cls):
        "The language of the names: Vietnamese when it is translatable"
        pool = Pool()
        Lang = pool.get('ir.lang')
        Configuration = pool.get('ir.configuration')
        if Lang.search([
                    ('code', '=', 'vi'),
                    ('translatable', '=', True),
                    ], limit=1):
            return 'vi'
        return Configuration.get_language()

    @classmethod
    def timezone(cls):
        pool = Pool()
        Configuration = pool.get('one_stop.configuration')
        return Configuration(1).timezone or 'UTC'

    @classmethod
    def export_labels(cls):
        "The labels of export.build_workbook in the context's language"
        return {key: gettext(f'reform_evaluation.msg_export_{key}')
            for key in LABEL_KEYS}

    @classmethod
    def export_period(cls, period):
        "The dict of the period in the data"
        return {
            'code': period.code,
            'name': period.name,
            'kind': period.kind,
            'kind_string': period.kind_string,
            'start_date': period.start_date,
            'end_date': period.end_date,
            'state': period.state,
            'state_string': period.state_string,
            'content_hash': period.content_hash,
            'published_date': to_local_naive(
                period.published_date, cls.timezone()),
            }

    @classmethod
    def export_criterion(cls, criterion):
        """The dict of criterion in the data, with the values of the
        criterion_columns"""
        return {
            'code': criterion.code,
            'name': criterion.name,
            'parent': criterion.parent.code if criterion.parent else None,
            'max_points': criterion.max_points,
            'kind': criterion.kind,
            'kind_string': criterion.kind_string,
            'computed': criterion.is_computed(),
            }

    @classmethod
    def export_criterion_columns(cls, period):
        "The column specs of the criteria table after the kind: none here"
        return []

    @classmethod
    def export_scorecard(cls, scorecard):
        """The dict of scorecard in the data, without its lines, with the
        values of the ranking columns that are not per criterion"""
        return {
            'agency_code': scorecard.agency.code,
            'agency_name': scorecard.agency.name,
            'state': scorecard.state,
            'state_string': scorecard.state_string,
            'self_total': scorecard.self_total,
            'appraised_total': scorecard.appraised_total,
            'total_status': scorecard.total_status,
            'total_status_string': scorecard.total_status_string,
            'classification': (
                scorecard.classification.label
                if scorecard.classification else None),
            'rank': scorecard.rank,
            }

    @classmethod
    def export_line(cls, line):
        """The dict of line in the data, with the values of the per-criterion
        ranking columns"""
        return {
            'self_points': line.self_points,
            'appraised_points': line.appraised_points,
            'computed': bool(line.computed),
            'explanation': line.explanation,
            'note': line.note,
            }

    @classmethod
    def export_ranking_columns(cls, period, criteria):
        """The column specs added to the ranking (and, per criterion, to the
        scorecard sheets) for the criteria of period: none here"""
        return []

    @classmethod
    def export_formulas(cls, period):
        "The (name, text) of the formulas of the methods sheet, in order"
        return [
            (gettext(f'reform_evaluation.msg_export_f_{name}'),
                gettext(f'reform_evaluation.msg_export_f_{name}_text'))
            for name in FORMULAS]

    @classmethod
    def export_summary(cls, period, scorecards):
        """The rows added to the facts of the period on the methods sheet:
        dicts label, value, format; none here"""
        return []

    @classmethod
    def export_data(cls, period):
        "Return the plain data of period that export.build_workbook takes"
        pool = Pool()
        Period = pool.get('reform.period')
        Criterion = pool.get('reform.criterion')
        Scorecard = pool.get('reform.scorecard')
        Line = pool.get('reform.scorecard.line')
        timezone = cls.timezone()

        with Transaction().set_context(language=cls.language()):
            period = Period(period.id)
            criteria = Criterion.search([('period', '=', period.id)])
            scorecards = Scorecard.search([('period', '=', period.id)])
            lines = defaultdict(dict)
            for line in Line.search([
                        ('scorecard', 'in', [s.id for s in scorecards]),
                        ]):
                lines[line.scorecard.id][line.criterion.code] = (
                    cls.export_line(line))
            scorecards_data = []
            for scorecard in scorecards:
                values = cls.export_scorecard(scorecard)
                values['lines'] = lines.get(scorecard.id, {})
                scorecards_data.append(values)

            return {
                'labels': cls.export_labels(),
                'period': cls.export_period(period),
                'criteria': [cls.export_criterion(c) for c in criteria],
                'criterion_columns': cls.export_criterion_columns(period),
                'thresholds': [{
                        'label': t.label,
                        'min_points': t.min_points,
                        } for t in period.classifications],
                'scorecards': scorecards_data,
                'ranking_columns': cls.export_ranking_columns(
                    period, criteria),
                'formulas': cls.export_formulas(period),
                'summary': cls.export_summary(period, scorecards),
                'exported_at': to_local_naive(utcnow(), timezone),
                'timezone': timezone,
                }
