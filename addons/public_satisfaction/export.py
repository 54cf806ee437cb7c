# This file is part of the public_satisfaction module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""The survey in the Excel export of a reform period: the figures of the
survey criteria in the ranking and the scorecard sheets (with a chart),
their points rules in the criteria table, the survey formulas and the
number of excluded answers on the methods sheet, through the extension
points of reform_evaluation's export wizard."""
from trytond.i18n import gettext
from trytond.pool import PoolMeta

from .reform import SURVEY_KINDS
from .statistics import period_figures

# The formulas shown before those of the host, and after
FORMULAS_BEFORE = (
    'satisfaction', 'mean', 'sipas', 'coverage', 'feedback_on_time',
    'feedback_satisfied', '766', 'rule_target', 'rule_piecewise',
    'rule_steps', 'rounding')
FORMULAS_AFTER = ('sample', 'excluded', 'followups')
# The follow-up figures of the scorecards, in the ranking sheet
FOLLOWUP_COLUMNS = (
    ('followups_opened', 'integer'),
    ('followups_on_time', 'integer'),
    ('followups_overdue', 'integer'),
    ('followups_rerated', 'integer'),
    ('followups_rerated_rate', 'rate'),
    ('followups_mean_change', 'points'),
    )
CHARTED_KIND = 'survey_satisfaction'


def percent(value):
    "The rate value (0..1) as a Vietnamese percentage: 0.905 → '90,5 %'"
    if value is None:
        return ''
    return f'{float(value) * 100:.1f} %'.replace('.', ',')


def _label(name, **variables):
    return gettext(f'public_satisfaction.msg_export_{name}', **variables)


def rule_parameters(criterion):
    """The parameters of the points rule of a survey criterion in words, or
    None"""
    rule = criterion.survey_rule
    if rule == 'target' and criterion.survey_target is not None:
        return _label('target', target=percent(criterion.survey_target))
    if rule in {'piecewise', 'steps'} and criterion.survey_points:
        return '; '.join(
            _label('rule_point', rate=percent(p.rate), share=percent(p.share))
            for p in criterion.survey_points)
    return None


class PeriodExport(metaclass=PoolMeta):
    __name__ = 'reform.period.export'

    @classmethod
    def export_criterion(cls, criterion):
        values = super().export_criterion(criterion)
        if criterion.kind in SURVEY_KINDS:
            values.update({
                    'kind_string': _label(f'kind_{criterion.kind}'),
                    'survey_rule': (
                        _label(f'rule_{criterion.survey_rule}')
                        if criterion.survey_rule else None),
                    'survey_rule_parameters': rule_parameters(criterion),
                    'survey_min_sample': criterion.survey_min_sample,
                    'survey_max_width': (
                        criterion.survey_max_width
                        if criterion.survey_max_width is not None
                        else _label('no_max_width')),
                    })
        return values

    @classmethod
    def export_criterion_columns(cls, period):
        return super().export_criterion_columns(period) + [
            {'key': 'survey_rule', 'label': _label('rule'),
                'format': 'text', 'width': 24},
            {'key': 'survey_rule_parameters',
                'label': _label('rule_parameters'),
                'format': 'text', 'wrap': True, 'width': 34},
            {'key': 'survey_min_sample', 'label': _label('min_sample'),
                'format': 'integer', 'width': 12},
            {'key': 'survey_max_width', 'label': _label('max_width'),
                'format': 'rate', 'width': 14},
            ]

    @classmethod
    def export_scorecard(cls, scorecard):
        values = super().export_scorecard(scorecard)
        if scorecard.has_survey_criteria():
            for name, _ in FOLLOWUP_COLUMNS:
                values[name] = getattr(scorecard, name)
        return values

    @classmethod
    def export_line(cls, line):
        values = super().export_line(line)
        if line.criterion.kind in SURVEY_KINDS:
            values.update({
                    'figure': line.figure,
                    'sample_size': line.sample_size,
                    'insufficient_sample': (
                        _label('insufficient_marker')
                        if line.insufficient_sample else None),
                    'criterion_rank': line.criterion_rank,
                    })
        return values

    @classmethod
    def export_ranking_columns(cls, period, criteria):
        columns = super().export_ranking_columns(period, criteria)
        survey = [c for c in criteria if c.kind in SURVEY_KINDS]
        if not survey:
            return columns
        columns = columns + [
            {'key': name, 'label': _label(name), 'format': format_}
            for name, format_ in FOLLOWUP_COLUMNS]
        codes = [c.code for c in survey]
        # The overall satisfaction is charted first, if it has figures
        charted = ([c.code for c in survey if c.kind == CHARTED_KIND]
            + [c.code for c in survey if c.kind != CHARTED_KIND])
        return columns + [
            {'key': 'figure', 'label': _label('figure'), 'format': 'rate',
                'criteria': codes,
                'chart': {
                    'title': _label('chart_figure'),
                    'axis': _label('chart_rate_axis'),
                    'criteria': charted,
                    }},
            {'key': 'sample_size', 'label': _label('sample_size'),
                'format': 'integer', 'criteria': codes},
            {'key': 'insufficient_sample',
                'label': _label('insufficient_sample'),
                'format': 'text', 'criteria': codes},
            {'key': 'criterion_rank', 'label': _label('criterion_rank'),
                'format': 'integer', 'criteria': codes},
            ]

    @classmethod
    def export_formulas(cls, period):
        def formulas(names):
            return [(_label(f'f_{name}'), _label(f'f_{name}_text'))
                for name in names]
        return (formulas(FORMULAS_BEFORE)
            + super().export_formulas(period)
            + formulas(FORMULAS_AFTER))

    @classmethod
    def export_summary(cls, period, scorecards):
        return super().export_summary(period, scorecards) + [{
                'label': _label('excluded'),
                'value': cls.excluded_answers(period, scorecards),
                'format': 'integer',
                }]

    @classmethod
    def excluded_answers(cls, period, scorecards):
        """The answers excluded by evaluators, for the methods sheet: as
        stored by the last computation of the scorecards (frozen with them
        once published), else counted now"""
        if scorecards and all(
                s.survey_excluded is not None for s in scorecards):
            return sum(s.survey_excluded for s in scorecards)
        figures = period_figures(
            [s.agency.id for s in scorecards],
            period.start_date, period.end_date)
        return sum(f.excluded for f in figures.values())
