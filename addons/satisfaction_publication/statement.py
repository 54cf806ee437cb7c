# This file is part of the satisfaction_publication module.  The COPYRIGHT
# file at the top level of this repository contains the full copyright
# notices and license terms.
"""What an agency changed, in its own words, published with its results.

The agency's officer writes the statement of a period and submits it; an
evaluator approves it (or sends it back).  Only approved statements show on
the public pages, and an approved statement can no longer be changed.
"""
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.modules.one_stop.localtime import utcnow
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .cache import ClearMixin

STATES = [
    ('draft', "Draft"),
    ('submitted', "Submitted"),
    ('approved', "Approved"),
    ]


class Statement(ClearMixin, Workflow, ModelSQL, ModelView):
    __string__ = "Published Statement of an Agency"
    __name__ = 'satisfaction.publication.statement'

    _states = {'readonly': Eval('state') != 'draft'}

    period = fields.Many2One(
        'reform.period', "Period", required=True, ondelete='CASCADE',
        states=_states)
    agency = fields.Many2One(
        'one_stop.agency', "Agency", required=True, ondelete='RESTRICT',
        states=_states)
    text = fields.Text(
        "What the Agency Changed", required=True, states=_states,
        help="Shown on the public page of the agency once approved: what "
        "the agency changed after the citizens' answers.")
    state = fields.Selection(
        STATES, "State", required=True, readonly=True, sort=False)
    state_string = state.translated('state')
    submitted_by = fields.Many2One(
        'res.user', "Submitted by", readonly=True, ondelete='RESTRICT')
    approved_by = fields.Many2One(
        'res.user', "Approved by", readonly=True, ondelete='RESTRICT')
    approved_date = fields.DateTime("Approved", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('period_agency_unique', Unique(t, t.period, t.agency),
                'satisfaction_publication.msg_statement_unique'),
            ]
        cls._order = [('period', 'DESC'), ('agency', 'ASC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'submitted'),
            ('submitted', 'approved'),
            ('submitted', 'draft'),
            }
        cls._buttons.update({
                'submit': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'approve': {
                    'invisible': Eval('state') != 'submitted',
                    'depends': ['state'],
                    },
                'send_back': {
                    'invisible': Eval('state') != 'submitted',
                    'depends': ['state'],
                    'icon': 'tryton-back',
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @classmethod
    def default_agency(cls):
        User = Pool().get('res.user')
        user = User(Transaction().user)
        if user.one_stop_agency:
            return user.one_stop_agency.id

    def get_rec_name(self, name):
        return f'{self.agency.rec_name} – {self.period.rec_name}'

    @classmethod
    def create(cls, vlist):
        "A statement starts as a draft, whatever is given"
        set_by_buttons = {
            'state', 'submitted_by', 'approved_by', 'approved_date'}
        vlist = [{k: v for k, v in values.items() if k not in set_by_buttons}
            for values in vlist]
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        for statements, values in zip(actions, actions):
            if set(values) - {'state', 'approved_by', 'approved_date',
                    'submitted_by'}:
                for statement in statements:
                    if statement.state == 'approved':
                        raise AccessError(gettext(
                                'satisfaction_publication'
                                '.msg_statement_approved',
                                statement=statement.rec_name))
        super().write(*args)

    @classmethod
    def delete(cls, statements):
        for statement in statements:
            if statement.state == 'approved':
                raise AccessError(gettext(
                        'satisfaction_publication.msg_statement_approved',
                        statement=statement.rec_name))
        super().delete(statements)

    @classmethod
    @ModelView.button
    @Workflow.transition('submitted')
    def submit(cls, statements):
        cls.write(statements, {'submitted_by': Transaction().user or None})

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, statements):
        cls.write(statements, {
                'approved_by': Transaction().user or None,
                'approved_date': utcnow(),
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def send_back(cls, statements):
        pass

    @classmethod
    def approved_texts(cls, period, agency_ids):
        "{agency id: (text, approved date)} of the approved statements"
        statements = cls.search([
                ('period', '=', period.id),
                ('agency', 'in', list(agency_ids)),
                ('state', '=', 'approved'),
                ])
        return {s.agency.id: (s.text, s.approved_date) for s in statements}
