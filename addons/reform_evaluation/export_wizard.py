# This file is part of the reform_evaluation module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""The "Export to Excel" wizard of a period: it reads the period into plain
data (export_data) and returns the workbook built by export.py as a file to
download."""
import datetime as dt
import re
from zoneinfo import ZoneInfo

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .export import SURVEY_FIELDS, build_workbook

CRITERION_SURVEY_FIELDS = (
    'survey_rule', 'survey_target', 'survey_min_sample', 'survey_max_width')


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
    def excluded_answers(cls, period, scorecards):
        """Return the number of answers excluded from the figures of the
        scorecards' agencies over period, or None when unknown; the survey
        module overrides it"""
        return None

    @classmethod
    def export_data(cls, period):
        "Return the plain data of period that export.build_workbook takes"
        pool = Pool()
        Period = pool.get('reform.period')
        Criterion = pool.get('reform.criterion')
        Scorecard = pool.get('reform.scorecard')
        Line = pool.get('reform.scorecard.line')
        timezone = cls.timezone()
        zone = ZoneInfo(timezone)

        def local(value):
            "The local naive datetime of a naive UTC datetime"
            if value is None:
                return None
            return value.replace(tzinfo=dt.UTC).astimezone(zone).replace(
                tzinfo=None)

        with Transaction().set_context(language=cls.language()):
            period = Period(period.id)
            kinds = dict(Criterion.fields_get(['kind'])['kind']['selection'])
            criterion_fields = [n for n in CRITERION_SURVEY_FIELDS
                if n in Criterion._fields]
            line_fields = [n for n in SURVEY_FIELDS if n in Line._fields]

            criteria = []
            for criterion in Criterion.search([('period', '=', period.id)]):
                values = {
                    'code': criterion.code,
                    'name': criterion.name,
                    'parent': (
                        criterion.parent.code if criterion.parent else None),
                    'max_points': criterion.max_points,
                    'kind': criterion.kind,
                    'kind_string': kinds.get(criterion.kind, criterion.kind),
                    'computed': criterion.is_computed(),
                    }
                if str(criterion.kind or '').startswith('survey_'):
                    for name in criterion_fields:
                        values[name] = getattr(criterion, name, None)
                    points = getattr(criterion, 'survey_points', None)
                    if points is not None:
                        values['survey_points'] = [
                            (getattr(p, 'rate', None),
                                getattr(p, 'share', None))
                            for p in points]
                criteria.append(values)

            scorecards = Scorecard.search([('period', '=', period.id)])
            lines = {}
            for line in Line.search([
                        ('scorecard', 'in', [s.id for s in scorecards]),
                        ]):
                values = {
                    'self_points': line.self_points,
                    'appraised_points': line.appraised_points,
                    'computed': bool(line.computed),
                    'explanation': line.explanation,
                    'note': line.note,
                    }
                if str(line.criterion.kind or '').startswith('survey_'):
                    for name in line_fields:
                        values[name] = getattr(line, name, None)
                lines.setdefault(line.scorecard.id, {})[
                    line.criterion.code] = values

            return {
                'period': {
                    'code': period.code,
                    'name': period.name,
                    'kind': period.kind,
                    'start_date': period.start_date,
                    'end_date': period.end_date,
                    'state': period.state,
                    'content_hash': period.content_hash,
                    'published_date': local(period.published_date),
                    },
                'criteria': criteria,
                'thresholds': [{
                        'label': t.label,
                        'min_points': t.min_points,
                        } for t in period.classifications],
                'scorecards': [{
                        'agency_code': s.agency.code,
                        'agency_name': s.agency.name,
                        'state': s.state,
                        'self_total': s.self_total,
                        'appraised_total': s.appraised_total,
                        'classification': (
                            s.classification.label
                            if s.classification else None),
                        'rank': s.rank,
                        'lines': lines.get(s.id, {}),
                        } for s in scorecards],
                'excluded': cls.excluded_answers(period, scorecards),
                'exported_at': local(dt.datetime.now(dt.UTC).replace(
                        tzinfo=None, microsecond=0)),
                'timezone': timezone,
                }
