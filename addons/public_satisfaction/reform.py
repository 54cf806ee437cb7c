# This file is part of the public_satisfaction module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""Criteria of the reform evaluation whose points come from the survey.

Their points are computed, never typed: from the figures of the agency over
the period (statistics.py) through the criterion's points rule
(scoring.py).  A figure on too small a sample is marked and the agency is
not ranked on that criterion.
"""
from collections import defaultdict
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields, sequence_ordered
from trytond.modules.one_stop.localtime import utc_bounds
from trytond.modules.one_stop_feedback import rules as feedback_rules
from trytond.modules.reform_evaluation.exceptions import TransitionError
from trytond.modules.reform_evaluation.scoring import rank
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, PYSONEncoder
from trytond.transaction import without_check_access

from . import scoring
from .followup import followup_figures
from .statistics import period_figures

# The Decision 766 satisfaction group: ratios 1 and 2 from the register of
# feedback and petitions (one_stop_feedback.rules), ratio 3 from the survey
# and the register (statistics.period_figures)
FEEDBACK_KINDS = {
    'feedback_on_time': "Feedback Handled on Time (Decision 766, ratio 1)",
    'feedback_satisfied': "Feedback Satisfied and on Time (Decision 766, "
    "ratio 2)",
    }
SURVEY_KINDS = {
    'survey_coverage': "Survey Coverage",
    'survey_satisfaction': "Overall Satisfaction Rate",
    'survey_sipas': "SIPAS-style Index",
    'survey_766': "Dossier Satisfaction Ratio (Decision 766, ratio 3)",
    **FEEDBACK_KINDS,
    }


class Criterion(metaclass=PoolMeta):
    __name__ = 'reform.criterion'

    _survey_states = {'invisible': ~Eval('kind', '').in_(list(SURVEY_KINDS))}

    survey_rule = fields.Selection([
            ('target', "Proportional up to a Target"),
            ('piecewise', "Piecewise Linear"),
            ('steps', "Step Table"),
            ], "Points Rule", states=_survey_states,
        help="Target: full points from the target rate, rate × maximum ÷ "
        "target below (Decision 766 preset: target 90 %). "
        "Piecewise linear and step table use the rule's points.")
    survey_target = fields.Numeric(
        "Target Rate", digits=(4, 3), states=_survey_states,
        domain=['OR', ('survey_target', '=', None),
            [('survey_target', '>', 0), ('survey_target', '<=', 1)]],
        help="E.g. 0.9 for 90 %; for coverage, the required survey rate.")
    survey_points = fields.One2Many(
        'reform.criterion.survey_point', 'criterion', "Rule Points",
        states=_survey_states)
    survey_min_sample = fields.Integer(
        "Minimum Sample", states=_survey_states,
        domain=['OR', ('survey_min_sample', '=', None),
            ('survey_min_sample', '>=', 0)],
        help="Below this number of answers (of eligible dossiers for "
        "coverage, of dossiers for Decision 766) the figure is marked "
        "\"insufficient sample\" and not ranked.")
    survey_max_width = fields.Numeric(
        "Maximum Interval Width", digits=(4, 3), states=_survey_states,
        help="Also insufficient when the 95 % Wilson interval of the rate is "
        "wider than this (e.g. 0.2); empty: no such check.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.kind.selection.extend(SURVEY_KINDS.items())

    @classmethod
    def default_survey_rule(cls):
        return 'target'

    @classmethod
    def default_survey_target(cls):
        return Decimal('0.9')

    @classmethod
    def default_survey_min_sample(cls):
        return 30

    def is_computed(self):
        return self.kind in SURVEY_KINDS or super().is_computed()

    def survey_points_of(self, rate):
        "Points of rate under the criterion's rule"
        maximum = float(self.max_points)
        if rate is None:
            return None
        if self.survey_rule == 'target':
            target = float(self.survey_target or 1)
            return scoring.points_766(rate, maximum, full_at=target)
        table = [(float(p.rate), float(p.share) * maximum)
            for p in self.survey_points]
        if not table:
            return None
        if self.survey_rule == 'steps':
            return scoring.step_table(rate, table)
        return scoring.piecewise_linear(rate, sorted(table))

    def get_content(self):
        content = super().get_content()
        if self.kind in SURVEY_KINDS:
            content['survey'] = {
                'rule': self.survey_rule,
                'target': self.survey_target,
                'min_sample': self.survey_min_sample,
                'max_width': self.survey_max_width,
                'points': [[p.rate, p.share] for p in self.survey_points],
                }
        return content


class CriterionSurveyPoint(sequence_ordered(), ModelSQL, ModelView):
    __string__ = "Criterion Survey Point"
    __name__ = 'reform.criterion.survey_point'

    criterion = fields.Many2One(
        'reform.criterion', "Criterion", required=True, ondelete='CASCADE')
    rate = fields.Numeric(
        "Rate", digits=(4, 3), required=True,
        domain=[('rate', '>=', 0), ('rate', '<=', 1)])
    share = fields.Numeric(
        "Share of the Maximum", digits=(4, 3), required=True,
        domain=[('share', '>=', 0), ('share', '<=', 1)],
        help="The points at this rate, as a share of the criterion's "
        "maximum (1 = all the points).")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('criterion')


class Period(metaclass=PoolMeta):
    __name__ = 'reform.period'

    @classmethod
    @ModelView.button
    def publish(cls, periods):
        "Flagged answers are reviewed before the figures are frozen"
        Response = Pool().get('satisfaction.response')
        for period in periods:
            pending = len(Response.pending_review(
                    period.start_date, period.end_date))
            if pending:
                raise TransitionError(gettext(
                        'public_satisfaction.msg_period_publish_pending',
                        period=period.rec_name, count=pending))
        super().publish(periods)


class Scorecard(metaclass=PoolMeta):
    __name__ = 'reform.scorecard'

    survey_answered = fields.Integer(
        "Survey Answers", readonly=True,
        help="The answers to the survey of the results the agency returned "
        "in the period, when the scorecard was last computed.")
    survey_flagged = fields.Integer(
        "Flagged Answers", readonly=True,
        help="Answers with at least one interference signal, whether "
        "confirmed, excluded or waiting for review.")
    survey_excluded = fields.Integer(
        "Excluded Answers", readonly=True,
        help="Answers excluded by evaluators: left out of every figure.")
    survey_flagged_rate = fields.Function(fields.Float(
            "Flagged Rate", digits=(4, 3)), 'get_survey_rate')
    survey_excluded_rate = fields.Function(fields.Float(
            "Excluded Rate", digits=(4, 3)), 'get_survey_rate')

    followups_opened = fields.Integer(
        "Follow-ups Opened", readonly=True,
        help="Unhappy answers followed up in the register of feedback, "
        "opened in the period.")
    followups_on_time = fields.Integer(
        "Follow-ups Answered on Time", readonly=True)
    followups_overdue = fields.Integer(
        "Follow-ups Overdue", readonly=True,
        help="Still open past their deadline when the scorecard was "
        "computed.")
    followups_rerated = fields.Integer(
        "Follow-ups Re-rated", readonly=True,
        help="Follow-ups whose handling the citizen rated at the survey "
        "link.")
    followups_rerated_satisfied = fields.Integer(
        "Re-ratings Satisfied", readonly=True,
        help="Re-ratings of 4 or 5.")
    followups_rerated_rate = fields.Function(fields.Float(
            "Re-ratings Satisfied Rate", digits=(4, 3)), 'get_survey_rate')
    followups_mean_change = fields.Numeric(
        "Mean Change on Re-rating", digits=(4, 2), readonly=True,
        help="The mean of re-rating − first rating, in points of 5.")

    def get_survey_rate(self, name):
        if name == 'followups_rerated_rate':
            return scoring.ratio(
                self.followups_rerated_satisfied or 0,
                self.followups_rerated or 0)
        count = (self.survey_flagged if name == 'survey_flagged_rate'
            else self.survey_excluded)
        return scoring.ratio(count or 0, self.survey_answered or 0)

    def has_survey_criteria(self):
        return any(
            line.criterion.kind in SURVEY_KINDS for line in self.lines)

    def has_feedback_criteria(self):
        return any(
            line.criterion.kind in FEEDBACK_KINDS for line in self.lines)

    def get_content(self):
        content = super().get_content()
        if self.has_survey_criteria():
            content['survey'] = {
                'answered': self.survey_answered,
                'flagged': self.survey_flagged,
                'excluded': self.survey_excluded,
                'followups': {
                    'opened': self.followups_opened,
                    'on_time': self.followups_on_time,
                    'overdue': self.followups_overdue,
                    'rerated': self.followups_rerated,
                    'rerated_satisfied': self.followups_rerated_satisfied,
                    'mean_change': self.followups_mean_change,
                    },
                }
        return content

    @classmethod
    def compute_data(cls, scorecards):
        """Add 'survey_figures': the figures of statistics.period_figures by
        (period id, agency id) of the scorecards with survey criteria, read
        in one pass of queries per period"""
        data = super().compute_data(scorecards)
        by_period = defaultdict(set)
        for scorecard in scorecards:
            if scorecard.has_survey_criteria():
                by_period[scorecard.period].add(scorecard.agency.id)
        Feedback = Pool().get('one_stop.feedback')
        figures = data['survey_figures'] = {}
        feedback = data['feedback_figures'] = {}
        followups = data['followup_figures'] = {}
        for period, agencies in by_period.items():
            agencies = sorted(agencies)
            start, end = period.start_date, period.end_date
            for agency, values in period_figures(
                    agencies, start, end).items():
                figures[period.id, agency] = values
            with without_check_access():
                for agency, values in Feedback.feedback_figures(
                        agencies, start, end).items():
                    feedback[period.id, agency] = values
            for agency, values in followup_figures(
                    agencies, start, end).items():
                followups[period.id, agency] = values
        return data

    def survey_figures(self, data):
        "The figures of the scorecard's agency over its period in data"
        return data['survey_figures'][self.period.id, self.agency.id]

    def compute_values(self, data):
        values = super().compute_values(data)
        if self.has_survey_criteria():
            figures = self.survey_figures(data)
            followups = data['followup_figures'][
                self.period.id, self.agency.id]
            mean = followups['mean_change']
            values.update({
                    'survey_answered': figures.answered,
                    'survey_flagged': figures.flagged,
                    'survey_excluded': figures.excluded,
                    'followups_opened': followups['opened'],
                    'followups_on_time': followups['on_time'],
                    'followups_overdue': followups['overdue'],
                    'followups_rerated': followups['rerated'],
                    'followups_rerated_satisfied': followups[
                        'rerated_satisfied'],
                    'followups_mean_change': (
                        Decimal(str(round(mean, 2)))
                        if mean is not None else None),
                    })
        return values


class ScorecardLine(metaclass=PoolMeta):
    __name__ = 'reform.scorecard.line'

    figure = fields.Numeric(
        "Figure", digits=(6, 4), readonly=True,
        help="The rate behind the points (0 to 1).")
    sample_size = fields.Integer("Sample", readonly=True)
    insufficient_sample = fields.Boolean(
        "Insufficient Sample", readonly=True,
        help="Too few answers, or too wide an interval: listed, not ranked "
        "on this criterion.")
    criterion_rank = fields.Function(
        fields.Integer("Rank on the Criterion"), 'get_criterion_rank')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'open_answers': {
                    'invisible': ~Eval('computed', False),
                    'depends': ['computed'],
                    },
                })

    @classmethod
    def default_insufficient_sample(cls):
        return False

    @classmethod
    @ModelView.button_action('public_satisfaction.act_response_drilldown')
    def open_answers(cls, lines):
        "The answers behind the figure: the agency's, returned in the period"
        pool = Pool()
        Dossier = pool.get('one_stop.dossier')
        if not lines:
            return {}
        line = lines[0]
        period = line.scorecard.period
        low, high = utc_bounds(
            period.start_date, period.end_date, Dossier.timezone())
        return {
            'pyson_domain': PYSONEncoder().encode([
                    ('invitation.agency', '=', line.scorecard.agency.id),
                    ('invitation.returned_date', '>=', low),
                    ('invitation.returned_date', '<', high),
                    ]),
            'name': line.rec_name,
            }

    def compute_points(self, data):
        criterion = self.criterion
        if criterion.kind not in SURVEY_KINDS:
            return super().compute_points(data)
        figures = self.scorecard.survey_figures(data)
        kind = criterion.kind
        if kind in FEEDBACK_KINDS:
            feedback = data['feedback_figures'][
                self.scorecard.period.id, self.scorecard.agency.id]
            size = feedback.competent
            if kind == 'feedback_on_time':
                rate = feedback_rules.ratio_1(feedback)
                successes = feedback.answered_on_time
            else:
                rate = feedback_rules.ratio_2(feedback)
                successes = size - feedback.dissatisfied_or_late
            rate = float(rate) if rate is not None else None
        elif kind == 'survey_coverage':
            rate = figures.coverage
            successes = figures.answered - figures.excluded
            size = figures.eligible
        elif kind == 'survey_766':
            rate = figures.ratio_766
            size = figures.dossiers
            successes = size - figures.bad_dossiers
        else:
            successes, size = figures.sample
            rate = (figures.satisfaction if kind == 'survey_satisfaction'
                else figures.sipas_index)
        rule = scoring.SampleRule(
            minimum=criterion.survey_min_sample or 0,
            max_width=(float(criterion.survey_max_width)
                if criterion.survey_max_width else None))
        sufficient, reason = (
            scoring.sufficient_sample(successes, size, rule)
            if size else (False, 'too_few'))
        points = criterion.survey_points_of(rate)
        points = scoring.round_points(points if points is not None else 0)
        explanation = gettext(
            'public_satisfaction.msg_survey_explanation',
            figure=('-' if rate is None else f'{rate * 100:.1f}'),
            sample=size, points=points, maximum=criterion.max_points)
        if not sufficient:
            explanation += ' ' + gettext(
                f'public_satisfaction.msg_survey_insufficient_{reason}',
                minimum=rule.minimum)
        return {
            'self_points': points,
            'appraised_points': points,
            'explanation': explanation,
            'figure': (Decimal(str(round(rate, 4)))
                if rate is not None else None),
            'sample_size': size,
            'insufficient_sample': not sufficient,
            }

    @classmethod
    def get_criterion_rank(cls, lines, name):
        "Competition ranking by figure among the lines of the criterion"
        ranks = {}
        criteria = list({line.criterion.id for line in lines})
        with without_check_access():
            others = cls.search([('criterion', 'in', criteria)])
            by_criterion = defaultdict(list)
            for other in others:
                by_criterion[other.criterion.id].append(other)
            for records in by_criterion.values():
                for record, rank_ in zip(records, rank(
                            records, key=lambda r: r.figure,
                            rankable=lambda r: (
                                r.figure is not None
                                and r.computed
                                and not r.insufficient_sample))):
                    ranks[record.id] = rank_
        return {line.id: ranks.get(line.id) for line in lines}

    def get_content(self):
        content = super().get_content()
        if self.criterion.kind in SURVEY_KINDS:
            content['survey'] = {
                'figure': self.figure,
                'sample': self.sample_size,
                'insufficient': bool(self.insufficient_sample),
                }
        return content
