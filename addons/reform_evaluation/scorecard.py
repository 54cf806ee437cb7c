# This file is part of the reform_evaluation module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
from collections import defaultdict
from decimal import Decimal

from sql import Null, Window
from sql.aggregate import Sum
from sql.conditionals import Coalesce
from sql.functions import Rank, Round

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, Workflow, fields
from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.one_stop.localtime import utcnow
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction, without_check_access

from .exceptions import TransitionError
from .period import PeriodContentMixin
from .scoring import canonical_decimal, rank

STATES = [
    ('draft', "Draft"),
    ('self_assessed', "Self-assessed"),
    ('appraised', "Appraised"),
    ('published', "Published"),
    ]
RANKED_STATES = {'appraised', 'published'}
TOTAL_STATUSES = [
    ('not_appraised', "Provisional (not appraised)"),
    ('not_published', "Provisional (not published)"),
    ('final', "Final (published)"),
    ]


class Scorecard(PeriodContentMixin, Workflow, ModelSQL, ModelView):
    __string__ = "Reform Scorecard"
    __name__ = 'reform.scorecard'

    period = fields.Many2One(
        'reform.period', "Period", required=True, ondelete='RESTRICT',
        domain=[('state', '!=', 'published')],
        states={
            'readonly': (Eval('state') != 'draft') | Eval('lines', [0]),
            })
    agency = fields.Many2One(
        'one_stop.agency', "Agency", required=True, ondelete='RESTRICT',
        states={
            'readonly': Eval('state') != 'draft',
            })
    lines = fields.One2Many(
        'reform.scorecard.line', 'scorecard', "Lines",
        states={
            'readonly': Eval('state').in_(['appraised', 'published']),
            })
    self_total = fields.Function(fields.Numeric(
            "Self-assessed Total", digits=(16, 2),
            help="The sum of the self-assessed points of the lines."),
        'get_totals')
    appraised_total = fields.Function(fields.Numeric(
            "Appraised Total", digits=(16, 2),
            help="The sum of the appraised points of the lines; before the "
            "appraisal, a provisional total: the appraised points where "
            "they are entered, the self-assessed points elsewhere."),
        'get_totals')
    total_status = fields.Function(fields.Selection(
            TOTAL_STATUSES, "Result Status",
            help="Provisional until the scorecard is appraised and its "
            "period published: before the appraisal, the appraised total "
            "takes the self-assessed points of the lines not appraised yet "
            "and there is neither classification nor rank; until the "
            "publication, the ranking is among the scorecards appraised so "
            "far."),
        'get_total_status')
    total_status_string = total_status.translated('total_status')
    classification = fields.Function(fields.Many2One(
            'reform.classification', "Classification",
            help="From the appraised total and the thresholds of the "
            "period, once appraised."),
        'get_classification')
    rank = fields.Function(fields.Integer(
            "Rank",
            help="Rank of the appraised total among the appraised scorecards "
            "of the period (1, 2, 2, 4 for ties)."),
        'get_rank')
    self_assessed_date = fields.DateTime("Self-assessed", readonly=True)
    self_assessed_by = fields.Many2One(
        'res.user', "Self-assessed by", readonly=True, ondelete='RESTRICT')
    appraised_date = fields.DateTime("Appraised", readonly=True)
    appraised_by = fields.Many2One(
        'res.user', "Appraised by", readonly=True, ondelete='RESTRICT')
    state = fields.Selection(
        STATES, "State", required=True, readonly=True, sort=False)
    state_string = state.translated('state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('period_agency_unique', Unique(t, t.period, t.agency),
                'reform_evaluation.msg_scorecard_agency_unique'),
            ]
        # Best first within a period (order_rank), ties by agency, the
        # scorecards not appraised yet last
        cls._order = [
            ('period', 'DESC'),
            ('rank', 'ASC NULLS LAST'),
            ('agency', 'ASC'),
            ('id', 'ASC'),
            ]
        cls._transitions |= {
            ('draft', 'self_assessed'),
            ('draft', 'appraised'),
            ('self_assessed', 'appraised'),
            ('self_assessed', 'draft'),
            ('appraised', 'draft'),
            ('appraised', 'published'),
            }
        cls._buttons.update({
                'draft': {
                    'invisible': ~Eval('state').in_(
                        ['self_assessed', 'appraised']),
                    'depends': ['state'],
                    },
                'submit': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'appraise': {
                    'invisible': ~Eval('state').in_(
                        ['draft', 'self_assessed']),
                    'depends': ['state'],
                    },
                'create_lines': {
                    'invisible': ~Eval('state').in_(
                        ['draft', 'self_assessed']),
                    'depends': ['state'],
                    },
                'compute': {
                    'invisible': ~Eval('state').in_(
                        ['draft', 'self_assessed']),
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @classmethod
    def view_attributes(cls):
        # A provisional appraised total, before the appraisal, is greyed
        return super().view_attributes() + [
            ('/tree/field[@name="appraised_total"]', 'visual',
                If(Eval('total_status') == 'not_appraised', 'muted', ''),
                ['total_status']),
            ]

    @classmethod
    def default_agency(cls):
        pool = Pool()
        User = pool.get('res.user')
        user_id = Transaction().user
        if user_id:
            user = User(user_id)
            if user.one_stop_agency:
                return user.one_stop_agency.id

    def get_rec_name(self, name):
        return f'{self.agency.rec_name} / {self.period.rec_name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return ['OR',
            ('agency.rec_name', *clause[1:]),
            ('period.rec_name', *clause[1:]),
            ]

    @classmethod
    def _compute_totals(cls, scorecards):
        """Return {id: (self total, appraised total)}: the sums of the points
        of the lines of leaf criteria, a line without points counting 0.

        Before the appraisal (not is_rankable()) the appraised total is
        provisional: a line not appraised yet counts its self-assessed
        points."""
        pool = Pool()
        Criterion = pool.get('reform.criterion')
        Line = pool.get('reform.scorecard.line')
        ids = [s.id for s in scorecards]
        totals = {i: [Decimal(0), Decimal(0)] for i in ids}
        with without_check_access():
            records = cls.browse(ids)
            provisional = {s.id for s in records if not s.is_rankable()}
            period_ids = list({s.period.id for s in records})
            parents = {c.parent.id for c in Criterion.search([
                        ('period', 'in', period_ids),
                        ('parent', '!=', None),
                        ])}
            for line in Line.search([('scorecard', 'in', ids)]):
                if line.criterion.id in parents:
                    continue
                total = totals[line.scorecard.id]
                total[0] += line.self_points or 0
                appraised = line.appraised_points
                if appraised is None and line.scorecard.id in provisional:
                    appraised = line.self_points
                total[1] += appraised or 0
        return {i: tuple(t) for i, t in totals.items()}

    @classmethod
    def get_totals(cls, scorecards, names):
        totals = cls._compute_totals(scorecards)
        result = {n: {} for n in names}
        for scorecard in scorecards:
            self_total, appraised_total = totals[scorecard.id]
            if 'self_total' in names:
                result['self_total'][scorecard.id] = self_total
            if 'appraised_total' in names:
                result['appraised_total'][scorecard.id] = appraised_total
        return result

    def is_rankable(self):
        """Return True when the scorecard takes part in the classification
        and the ranking of its period"""
        return self.state in RANKED_STATES

    def get_total_status(self, name):
        if not self.is_rankable():
            return 'not_appraised'
        if self.state != 'published':
            return 'not_published'
        return 'final'

    @classmethod
    def get_classification(cls, scorecards, name):
        pool = Pool()
        Classification = pool.get('reform.classification')
        totals = cls._compute_totals(scorecards)
        result = {}
        with without_check_access():
            for scorecard in cls.browse(scorecards):
                threshold = None
                if scorecard.is_rankable():
                    threshold = Classification.classify(
                        scorecard.period, totals[scorecard.id][1])
                result[scorecard.id] = threshold.id if threshold else None
        return result

    @classmethod
    def get_rank(cls, scorecards, name):
        "Competition ranking by appraised total within each period"
        period_ids = list({s.period.id for s in scorecards})
        ranks = {}
        with without_check_access():
            others = cls.search([('period', 'in', period_ids)])
            totals = cls._compute_totals(others)
            by_period = defaultdict(list)
            for other in others:
                by_period[other.period.id].append(other)
            for records in by_period.values():
                for record, rank_ in zip(records, rank(
                            records, key=lambda r: totals[r.id][1],
                            rankable=lambda r: r.is_rankable())):
                    ranks[record.id] = rank_
        return {s.id: ranks.get(s.id) for s in scorecards}

    @classmethod
    def _rank_query(cls):
        """The query of the rank of get_rank in SQL: columns scorecard and
        rank, for the scorecards in RANKED_STATES"""
        pool = Pool()
        Criterion = pool.get('reform.criterion')
        Line = pool.get('reform.scorecard.line')
        scorecard = cls.__table__()
        line = Line.__table__()
        criterion = Criterion.__table__()
        parents = criterion.select(
            criterion.parent, where=criterion.parent != Null)
        totals = line.select(
            line.scorecard,
            Sum(Coalesce(line.appraised_points, 0)).as_('total'),
            where=~line.criterion.in_(parents),
            group_by=[line.scorecard])
        # Rounded to the digits of the points: SQLite sums them as floats,
        # whose last bits could break a tie
        total = Round(Coalesce(totals.total, 0), 2)
        return scorecard.join(totals, 'LEFT',
            condition=totals.scorecard == scorecard.id
            ).select(
            scorecard.id.as_('scorecard'),
            Rank(window=Window(
                    [scorecard.period], order_by=[total.desc])).as_('rank'),
            where=scorecard.state.in_(sorted(RANKED_STATES)))

    @classmethod
    def order_rank(cls, tables):
        scorecard, _ = tables[None]
        if 'rank' not in tables:
            ranks = cls._rank_query()
            join = scorecard.join(ranks, 'LEFT',
                condition=ranks.scorecard == scorecard.id)
            tables['rank'] = {
                None: (join.right, join.condition),
                }
        else:
            ranks, _ = tables['rank'][None]
        return [ranks.rank]

    @classmethod
    def copy(cls, scorecards, default=None):
        default = default.copy() if default else {}
        for name in ['state', 'self_assessed_date', 'self_assessed_by',
                'appraised_date', 'appraised_by']:
            default.setdefault(name, None)
        return super().copy(scorecards, default=default)

    @classmethod
    def delete(cls, scorecards):
        cls.check_period_not_published(scorecards)
        for scorecard in scorecards:
            if scorecard.state != 'draft':
                raise AccessError(gettext(
                        'reform_evaluation.msg_scorecard_delete_draft',
                        scorecard=scorecard.rec_name))
        super().delete(scorecards)

    @classmethod
    @ModelView.button
    def create_lines(cls, scorecards):
        "Create a line for every leaf criterion of the period without one"
        pool = Pool()
        Criterion = pool.get('reform.criterion')
        Line = pool.get('reform.scorecard.line')
        to_create = []
        for scorecard in scorecards:
            existing = {line.criterion for line in scorecard.lines}
            for criterion in Criterion.search([
                        ('period', '=', scorecard.period.id),
                        ('children', '=', None),
                        ], order=[('code', 'ASC')]):
                if criterion not in existing:
                    to_create.append({
                            'scorecard': scorecard.id,
                            'criterion': criterion.id,
                            })
        if to_create:
            Line.create(to_create)

    @classmethod
    def compute_data(cls, scorecards):
        """Return what computing scorecards needs, read once for all of them
        and handed to ScorecardLine.compute_points and compute_values: {}
        here; modules adding computed kinds extend the dict, each under keys
        of its own"""
        return {}

    def compute_values(self, data):
        """Return the values the scorecard stores when it is computed with
        data (from compute_data): {} here; modules extend it"""
        return {}

    @classmethod
    @ModelView.button
    def compute(cls, scorecards):
        """Store the values of the lines whose criterion is computed and
        those of the scorecards, each in one write (nothing to do without
        computed kinds)"""
        pool = Pool()
        Line = pool.get('reform.scorecard.line')
        data = cls.compute_data(scorecards)
        lines, values = [], []
        for scorecard in scorecards:
            for line in scorecard.lines:
                if not line.criterion.is_computed():
                    continue
                line_values = line.compute_points(data)
                if line_values is not None:
                    lines.extend(([line], {**line_values, 'computed': True}))
            scorecard_values = scorecard.compute_values(data)
            if scorecard_values:
                values.extend(([scorecard], scorecard_values))
        with without_check_access():
            if lines:
                Line.write(*lines)
            if values:
                cls.write(*values)

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, scorecards):
        cls.write(scorecards, {
                'appraised_date': None,
                'appraised_by': None,
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('self_assessed')
    def submit(cls, scorecards):
        "The agency submits its self-assessment"
        for scorecard in scorecards:
            scorecard.check_points_entered('self_points')
        cls.write(scorecards, {
                'self_assessed_date': utcnow(),
                'self_assessed_by': Transaction().user or None,
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('appraised')
    def appraise(cls, scorecards):
        "The evaluator confirms the appraised points"
        cls.compute(scorecards)
        for scorecard in scorecards:
            scorecard.check_points_entered('appraised_points')
        cls.write(scorecards, {
                'appraised_date': utcnow(),
                'appraised_by': Transaction().user or None,
                })

    @classmethod
    @Workflow.transition('published')
    def publish(cls, scorecards):
        "Published with their period by Period.publish, not on their own"
        pass

    def check_points_entered(self, name):
        if not self.lines:
            raise TransitionError(gettext(
                    'reform_evaluation.msg_scorecard_no_lines',
                    scorecard=self.rec_name))
        for line in self.lines:
            if getattr(line, name) is None:
                raise TransitionError(gettext(
                        'reform_evaluation.msg_scorecard_points_missing',
                        scorecard=self.rec_name,
                        criterion=line.criterion.rec_name,
                        field=line.__class__._fields[name].string))

    def get_content(self):
        "The scorecard in the published content of its period"
        return {
            'agency': self.agency.code,
            'self_total': self.self_total,
            'appraised_total': self.appraised_total,
            'classification': (
                self.classification.label if self.classification else None),
            'rank': self.rank,
            'lines': sorted((line.get_content() for line in self.lines),
                key=lambda line: line['criterion']),
            }


class ScorecardLine(PeriodContentMixin, ModelSQL, ModelView):
    __string__ = "Reform Scorecard Line"
    __name__ = 'reform.scorecard.line'

    scorecard = fields.Many2One(
        'reform.scorecard', "Scorecard", required=True, ondelete='CASCADE')
    criterion = fields.Many2One(
        'reform.criterion', "Criterion", required=True, ondelete='RESTRICT',
        domain=[
            ('period', '=', Eval('period', -1)),
            ('children', '=', None),
            ],
        states={
            'readonly': Eval('id', -1) >= 0,
            })
    period = fields.Function(fields.Many2One(
            'reform.period', "Period"), 'on_change_with_period')
    max_points = fields.Function(fields.Numeric(
            "Maximum Points", digits=(16, 2)), 'on_change_with_max_points')
    self_points = fields.Numeric(
        "Self-assessed Points", digits=(16, 2),
        states={
            'readonly': (Eval('computed', False)
                | (Eval('scorecard_state') != 'draft')),
            })
    appraised_points = fields.Numeric(
        "Appraised Points", digits=(16, 2),
        states={
            'readonly': (Eval('computed', False)
                | ~Eval('scorecard_state').in_(['draft', 'self_assessed'])),
            })
    note = fields.Text(
        "Note",
        states={
            'readonly': ~Eval('scorecard_state').in_(
                ['draft', 'self_assessed']),
            })
    computed = fields.Boolean(
        "Computed", readonly=True,
        help="The points are computed by the system, not entered by hand.")
    explanation = fields.Text(
        "Explanation", readonly=True,
        help="How the computed points were obtained.")
    scorecard_state = fields.Function(fields.Selection(
            STATES, "Scorecard State"), 'on_change_with_scorecard_state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('scorecard_criterion_unique', Unique(t, t.scorecard, t.criterion),
                'reform_evaluation.msg_line_criterion_unique'),
            ]
        cls.__access__.add('scorecard')
        cls._order.insert(0, ('criterion', 'ASC'))

    @classmethod
    def _periods_of_values(cls, values):
        pool = Pool()
        Scorecard = pool.get('reform.scorecard')
        if values.get('scorecard') is not None and values['scorecard'] >= 0:
            with without_check_access():
                return [Scorecard(values['scorecard']).period.id]
        return []

    def _content_period(self):
        return self.scorecard.period

    @staticmethod
    def default_computed():
        return False

    @fields.depends('scorecard', '_parent_scorecard.period')
    def on_change_with_period(self, name=None):
        return self.scorecard.period if self.scorecard else None

    @fields.depends('criterion', '_parent_criterion.max_points')
    def on_change_with_max_points(self, name=None):
        return self.criterion.max_points if self.criterion else None

    @fields.depends('scorecard', '_parent_scorecard.state')
    def on_change_with_scorecard_state(self, name=None):
        return self.scorecard.state if self.scorecard else None

    @classmethod
    def order_criterion(cls, tables):
        "By the code of the criterion, which follows the tree (1, 1.1, 1.2)"
        pool = Pool()
        Criterion = pool.get('reform.criterion')
        table, _ = tables[None]
        if 'criterion' not in tables:
            criterion = Criterion.__table__()
            tables['criterion'] = {
                None: (criterion, table.criterion == criterion.id),
                }
        else:
            criterion = tables['criterion'][None][0]
        return [criterion.code]

    def compute_points(self, data):
        """Return the values to store on the line of a computed criterion:
        self_points, appraised_points, explanation and the fields modules
        add, from data (of Scorecard.compute_data); or None to leave the
        line as it is.  None here: modules adding computed kinds extend
        it."""
        return None

    def get_rec_name(self, name):
        return f'{self.criterion.rec_name} ({self.scorecard.rec_name})'

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Criterion = pool.get('reform.criterion')
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            if values.get('criterion') is not None:
                with without_check_access():
                    values['computed'] = Criterion(
                        values['criterion']).is_computed()
            if Transaction().check_access:
                values.pop('explanation', None)
        lines = super().create(vlist)
        if Transaction().check_access:
            cls.check_user_change(lines, vlist, 'create')
        return lines

    @classmethod
    def write(cls, *args):
        if Transaction().check_access:
            actions = iter(args)
            for lines, values in zip(actions, actions):
                # The period's lock is reported first
                cls.check_period_not_published(
                    lines, cls._periods_of_values(values))
                cls.check_user_change(lines, [values] * len(lines), 'write')
        super().write(*args)

    @classmethod
    def delete(cls, lines):
        if Transaction().check_access:
            cls.check_period_not_published(lines)
            cls.check_user_change(lines, [{}] * len(lines), 'delete')
        super().delete(lines)

    @classmethod
    def check_user_change(cls, lines, vlist, mode):
        """Refuse the changes users may not make: lines of a scorecard that
        is appraised, self-assessed points after submission and the points
        of computed lines (set only by Scorecard.compute)"""
        points = {'self_points', 'appraised_points', 'computed',
            'explanation'}
        for line, values in zip(lines, vlist):
            state = line.scorecard.state
            if state not in {'draft', 'self_assessed'}:
                raise AccessError(gettext(
                        'reform_evaluation.msg_line_scorecard_locked',
                        line=line.rec_name,
                        scorecard=line.scorecard.rec_name))
            if (state != 'draft'
                    and (mode != 'write' or 'self_points' in values)):
                raise AccessError(gettext(
                        'reform_evaluation.msg_line_self_assessed',
                        line=line.rec_name))
            if (line.computed and mode == 'write'
                    and (values.keys() & points)):
                raise AccessError(gettext(
                        'reform_evaluation.msg_line_computed',
                        line=line.rec_name))

    @classmethod
    def validate_fields(cls, lines, field_names):
        super().validate_fields(lines, field_names)
        if field_names & {'criterion', 'scorecard'}:
            for line in lines:
                if line.criterion.period != line.scorecard.period:
                    raise ValidationError(gettext(
                            'reform_evaluation.msg_line_criterion_period',
                            line=line.rec_name))
                if line.criterion.children:
                    raise ValidationError(gettext(
                            'reform_evaluation.msg_line_criterion_leaf',
                            line=line.rec_name))
        if field_names & {'criterion', 'self_points', 'appraised_points'}:
            for line in lines:
                line.check_points()

    def check_points(self):
        maximum = self.criterion.max_points
        for name in ['self_points', 'appraised_points']:
            value = getattr(self, name)
            if value is not None and not (0 <= value <= maximum):
                raise ValidationError(gettext(
                        'reform_evaluation.msg_line_points_range',
                        line=self.rec_name,
                        field=self.__class__._fields[name].string,
                        points=canonical_decimal(value),
                        max_points=canonical_decimal(maximum)))

    def get_content(self):
        "The line in the published content of its period"
        return {
            'criterion': self.criterion.code,
            'self_points': self.self_points,
            'appraised_points': self.appraised_points,
            'computed': bool(self.computed),
            }
