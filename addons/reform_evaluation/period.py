# This file is part of the reform_evaluation module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, Workflow, fields
from trytond.model.exceptions import ValidationError
from trytond.modules.one_stop.localtime import utcnow
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction, without_check_access

from .exceptions import PeriodPublishedError, TransitionError
from .scoring import content_hash


class PeriodContentMixin:
    """Refuse any creation, change or deletion of the content of a published
    period, whoever asks (RPC or server code)."""
    __slots__ = ()

    @classmethod
    def _periods_of_values(cls, values):
        "Return the ids of the periods that values would put records in"
        return [values['period']] if values.get('period') else []

    def _content_period(self):
        return self.period

    @classmethod
    def check_period_not_published(cls, records=(), period_ids=()):
        pool = Pool()
        Period = pool.get('reform.period')
        with without_check_access():
            ids = {r._content_period().id for r in records
                if r._content_period()}
            ids.update(p for p in period_ids if p is not None and p >= 0)
            # Fresh instances: the state is read from the database
            for period in Period.browse(sorted(ids)):
                if period.state == 'published':
                    raise PeriodPublishedError(gettext(
                            'reform_evaluation.msg_period_published_locked',
                            period=period.rec_name,
                            model=cls.__names__()['model']))

    @classmethod
    def create(cls, vlist):
        period_ids = set()
        for values in vlist:
            period_ids.update(cls._periods_of_values(values))
        cls.check_period_not_published(period_ids=period_ids)
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        for records, values in zip(actions, actions):
            cls.check_period_not_published(
                records, cls._periods_of_values(values))
        super().write(*args)

    @classmethod
    def delete(cls, records):
        cls.check_period_not_published(records)
        super().delete(records)


class Period(PeriodContentMixin, Workflow, ModelSQL, ModelView):
    __string__ = "Reform Evaluation Period"
    __name__ = 'reform.period'

    _states = {
        'readonly': Eval('state') == 'published',
        }

    name = fields.Char("Name", required=True, states=_states)
    code = fields.Char("Code", required=True, states=_states)
    kind = fields.Selection([
            ('year', "Year"),
            ('quarter', "Quarter"),
            ], "Kind", required=True, sort=False, states=_states)
    kind_string = kind.translated('kind')
    start_date = fields.Date(
        "Start Date", required=True, states=_states,
        domain=[If(Eval('start_date') & Eval('end_date'),
                ('start_date', '<=', Eval('end_date')),
                ())])
    end_date = fields.Date(
        "End Date", required=True, states=_states,
        domain=[If(Eval('start_date') & Eval('end_date'),
                ('end_date', '>=', Eval('start_date')),
                ())])
    previous = fields.Many2One(
        'reform.period', "Previous Period", ondelete='SET NULL',
        domain=[('id', '!=', Eval('id', -1))], states=_states,
        help="The period whose criteria and thresholds are copied.")
    criteria = fields.One2Many(
        'reform.criterion', 'period', "Criteria",
        filter=[('parent', '=', None)], states=_states,
        help="The areas, with their criteria and sub-criteria.")
    classifications = fields.One2Many(
        'reform.classification', 'period', "Classification Thresholds",
        states=_states)
    scorecards = fields.One2Many(
        'reform.scorecard', 'period', "Scorecards", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('open', "Open"),
            ('published', "Published"),
            ], "State", required=True, readonly=True, sort=False)
    state_string = state.translated('state')
    content_hash = fields.Char(
        "Content Hash (SHA-256)", readonly=True,
        help="The SHA-256 of the canonical JSON of the published criteria, "
        "scorecards, totals, classification and ranking.")
    published_date = fields.DateTime("Published", readonly=True)
    published_by = fields.Many2One(
        'res.user', "Published by", readonly=True, ondelete='RESTRICT')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'reform_evaluation.msg_period_code_unique'),
            ]
        cls._order = [
            ('start_date', 'DESC'),
            ('id', 'DESC'),
            ]
        cls._transitions |= {
            ('draft', 'open'),
            ('open', 'draft'),
            ('open', 'published'),
            }
        cls._buttons.update({
                'draft': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                'open': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'publish': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                'copy_criteria': {
                    'invisible': ((Eval('state') == 'published')
                        | ~Eval('previous')),
                    'depends': ['state', 'previous'],
                    },
                'load_default_thresholds': {
                    'invisible': Eval('state') == 'published',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_kind():
        return 'year'

    def _content_period(self):
        return self

    @classmethod
    def _periods_of_values(cls, values):
        return []

    def get_rec_name(self, name):
        return f'{self.name} [{self.code}]'

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('name', operator, operand, *extra),
            ('code', operator, operand, *extra),
            ]

    @classmethod
    def validate_fields(cls, periods, field_names):
        super().validate_fields(periods, field_names)
        if field_names & {'previous'}:
            for period in periods:
                seen = {period.id}
                previous = period.previous
                while previous:
                    if previous.id in seen:
                        raise ValidationError(gettext(
                                'reform_evaluation.msg_period_previous_cycle',
                                period=period.rec_name))
                    seen.add(previous.id)
                    previous = previous.previous

    @classmethod
    def copy(cls, periods, default=None):
        default = default.copy() if default else {}
        for name in ['state', 'content_hash', 'published_date',
                'published_by', 'scorecards']:
            default.setdefault(name, None)
        default.setdefault('code', lambda data: data['code'] + ' (copy)')
        return super().copy(periods, default=default)

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, periods):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('open')
    def open(cls, periods):
        pass

    @classmethod
    @ModelView.button
    def copy_criteria(cls, periods):
        "Copy the criteria tree and the thresholds of the previous period"
        pool = Pool()
        Criterion = pool.get('reform.criterion')
        Classification = pool.get('reform.classification')
        for period in periods:
            if not period.previous:
                raise TransitionError(gettext(
                        'reform_evaluation.msg_period_no_previous',
                        period=period.rec_name))
            if (Criterion.search([('period', '=', period.id)], limit=1)
                    or period.classifications):
                raise TransitionError(gettext(
                        'reform_evaluation.msg_period_copy_not_empty',
                        period=period.rec_name))
            roots = Criterion.search([
                    ('period', '=', period.previous.id),
                    ('parent', '=', None),
                    ])
            depth = period.previous.criteria_depth()
            default = {'period': period.id}
            for level in range(1, depth):
                default['children.' * level + 'period'] = period.id
            Criterion.copy(roots, default=default)
            Classification.copy(
                period.previous.classifications,
                default={'period': period.id})

    def criteria_depth(self):
        "The number of levels of the criteria tree"
        pool = Pool()
        Criterion = pool.get('reform.criterion')
        depth, level = 0, Criterion.search([
                ('period', '=', self.id),
                ('parent', '=', None),
                ])
        while level:
            depth += 1
            level = [c for p in level for c in p.children]
        return depth

    @classmethod
    @ModelView.button
    def load_default_thresholds(cls, periods):
        "Create the thresholds of the periods from the default thresholds"
        pool = Pool()
        Default = pool.get('reform.classification.default')
        for period in periods:
            if period.classifications:
                raise TransitionError(gettext(
                        'reform_evaluation.msg_period_thresholds_exist',
                        period=period.rec_name))
        defaults = Default.search([])
        for period in periods:
            Default.create_thresholds(defaults, period)

    @classmethod
    @ModelView.button
    @Workflow.transition('published')
    def publish(cls, periods):
        """Publish the results of the open periods: their scorecards are
        published and the hash of the content is stored; a period can no
        longer be changed afterwards."""
        pool = Pool()
        Scorecard = pool.get('reform.scorecard')
        for period in periods:
            for scorecard in period.scorecards:
                if scorecard.state != 'appraised':
                    raise TransitionError(gettext(
                            'reform_evaluation.msg_period_publish_unappraised',
                            period=period.rec_name,
                            scorecard=scorecard.rec_name))
        Scorecard.publish([s for p in periods for s in p.scorecards])
        now = utcnow()
        user = Transaction().user or None
        to_write = []
        for period in periods:
            to_write.extend(([period], {
                        'content_hash': period.compute_hash(),
                        'published_date': now,
                        'published_by': user,
                        }))
        if to_write:
            cls.write(*to_write)

    def get_content(self):
        """Return the published content of the period as plain data (see
        docs): criteria by code with their parent's code and maximum,
        thresholds from the highest, scorecards by agency code with their
        lines by criterion code, totals, classification label and rank.
        Names and labels are those of the default language."""
        pool = Pool()
        Configuration = pool.get('ir.configuration')
        Scorecard = pool.get('reform.scorecard')
        language = Configuration.get_language()
        with without_check_access(), Transaction().set_context(
                language=language):
            period = self.__class__(self.id)
            criteria = pool.get('reform.criterion').search(
                [('period', '=', period.id)])
            scorecards = Scorecard.search([('period', '=', period.id)])
            return {
                'period': {
                    'code': period.code,
                    'name': period.name,
                    'kind': period.kind,
                    'start_date': period.start_date,
                    'end_date': period.end_date,
                    },
                'criteria': sorted((c.get_content() for c in criteria),
                    key=lambda c: c['code']),
                'classification': sorted(
                    (t.get_content() for t in period.classifications),
                    key=lambda t: (-t['min_points'], t['label'])),
                'scorecards': sorted(
                    (s.get_content() for s in scorecards),
                    key=lambda s: s['agency']),
                }

    def compute_hash(self):
        "Return the SHA-256 (hex) of the canonical JSON of the content"
        return content_hash(self.get_content())
