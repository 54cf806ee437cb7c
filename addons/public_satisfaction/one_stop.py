# This file is part of the public_satisfaction module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
import datetime as dt

from sql import Literal, Null

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import check_access, without_check_access

from . import scoring
from .eligibility import ELIGIBLE, eligibility
from .invitation import OPEN_STATES
from .statistics import figures_query, rating_column

# the days of the supervisor's panel, today included
SUPERVISOR_DAYS = 30

OVERRIDES = [
    (None, "Follow the Rules"),
    ('always', "Always Survey"),
    ('never', "Never Survey"),
    ]
ELIGIBILITY = [
    (ELIGIBLE, "Eligible"),
    ('procedure_excluded', "Excluded for this Procedure"),
    ('agency_excluded', "Excluded for this Agency"),
    ('immediate_result', "Result Handed Over Immediately"),
    ('online', "Submitted Online"),
    ('postal_submission', "Submitted by Post"),
    ('postal_return', "Result Sent by Post"),
    ]
SATISFACTION_STATES = [
    ('not_eligible', "Not Eligible"),
    ('pending', "Awaiting Result"),
    ('invited', "Invited"),
    ('opened', "Opened"),
    ('answered', "Answered"),
    ('declined', "Declined"),
    ('expired', "Expired"),
    ('not_invited', "Not Invited"),
    ('no_result', "No Result Returned"),
    ]


class Agency(metaclass=PoolMeta):
    __name__ = 'one_stop.agency'

    satisfaction_survey = fields.Selection(
        OVERRIDES, "Satisfaction Survey",
        help="Force the survey on or off for the dossiers of this agency.")
    satisfaction_questionnaire = fields.Many2One(
        'satisfaction.questionnaire', "Satisfaction Questionnaire",
        ondelete='RESTRICT',
        help="Empty: the parent agency's or the default one.")


class Counter(metaclass=PoolMeta):
    __name__ = 'one_stop.counter'

    satisfaction_receipt = fields.Selection([
            ('a5', "A5"),
            ('thermal', "80 mm Thermal"),
            ], "Result Receipt", required=True,
        help="The receipt printed when a result is returned at this "
        "counter.")

    @classmethod
    def default_satisfaction_receipt(cls):
        return 'a5'


class Procedure(metaclass=PoolMeta):
    __name__ = 'one_stop.procedure'

    satisfaction_survey = fields.Selection(
        OVERRIDES, "Satisfaction Survey",
        help="Force the survey on or off for this procedure; "
        "it wins over the agency's setting.")


class Dossier(metaclass=PoolMeta):
    __name__ = 'one_stop.dossier'

    satisfaction_eligibility = fields.Function(fields.Selection(
            ELIGIBILITY, "Survey Eligibility", sort=False,
            help="Whether the citizen is asked for their satisfaction "
            "when the result is returned, and why not."),
        'get_satisfaction_eligibility')
    satisfaction_state = fields.Function(fields.Selection(
            SATISFACTION_STATES, "Survey", sort=False,
            help="Only the state of the survey: nobody at the counter "
            "sees the answers."),
        'get_satisfaction_state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'print_result_receipt': {
                    'invisible': Eval('state') != 'returned',
                    'depends': ['state'],
                    },
                'reissue_invitation': {
                    'invisible': ((Eval('state') != 'returned')
                        | (Eval('satisfaction_eligibility') != ELIGIBLE)
                        | Eval('satisfaction_state').in_(
                            ['answered', 'declined'])),
                    'depends': [
                        'state', 'satisfaction_eligibility',
                        'satisfaction_state'],
                    },
                })

    def get_satisfaction_eligibility(self, name):
        pool = Pool()
        Configuration = pool.get('satisfaction.configuration')
        return eligibility(
            self.channel, self.return_method,
            bool(self.procedure.immediate_result),
            Configuration(1).get_rules(),
            agency_override=self.agency.satisfaction_survey,
            procedure_override=self.procedure.satisfaction_survey)

    @property
    def satisfaction_eligible(self):
        return self.get_satisfaction_eligibility(None) == ELIGIBLE

    @classmethod
    def get_satisfaction_state(cls, dossiers, name):
        pool = Pool()
        Invitation = pool.get('satisfaction.invitation')
        result = {}
        with without_check_access():
            invitations = Invitation.search([
                    ('dossier', 'in', [d.id for d in dossiers]),
                    ('state', '!=', 'revoked'),
                    ], order=[('issued_date', 'ASC'), ('id', 'ASC')])
            latest = {i.dossier.id: i for i in invitations}
            for dossier in dossiers:
                invitation = latest.get(dossier.id)
                if invitation:
                    status = invitation.status
                    result[dossier.id] = (
                        'invited' if status == 'open' else status)
                elif not dossier.satisfaction_eligible:
                    result[dossier.id] = 'not_eligible'
                elif dossier.state in {'rejected', 'withdrawn'}:
                    result[dossier.id] = 'no_result'
                elif dossier.state == 'returned':
                    result[dossier.id] = 'not_invited'
                else:
                    result[dossier.id] = 'pending'
        return result

    def open_invitation(self):
        "Return the open invitation of the dossier or None"
        pool = Pool()
        Invitation = pool.get('satisfaction.invitation')
        with without_check_access():
            for invitation in Invitation.search([
                        ('dossier', '=', self.id),
                        ('state', 'in', list(OPEN_STATES)),
                        ]):
                if invitation.is_open:
                    return invitation

    @classmethod
    def _result_receipt_action(cls, dossiers):
        """What the buttons answer to print the receipt, in the format of
        the counter: over HTTP the receipt itself, made in the button's
        transaction and opened ready to print (one_stop.printout);
        otherwise the report action"""
        pool = Pool()
        Printout = pool.get('one_stop.printout')
        counter = dossiers[0].counter if dossiers else None
        if counter and counter.satisfaction_receipt == 'thermal':
            name = 'report_result_receipt_thermal'
        else:
            name = 'report_result_receipt'
        return Printout.open_report('public_satisfaction', name, dossiers)

    @classmethod
    @ModelView.button
    def return_result(cls, dossiers):
        "Return the result and, for eligible dossiers, invite to the survey"
        pool = Pool()
        Invitation = pool.get('satisfaction.invitation')
        result = super().return_result(dossiers)
        eligible = [
            d for d in dossiers
            if d.state == 'returned' and d.satisfaction_eligible]
        if eligible:
            with without_check_access():
                Invitation.issue(eligible)
        if len(dossiers) == 1 and eligible and result is None:
            return cls._result_receipt_action(dossiers)
        return result

    @classmethod
    @ModelView.button
    def print_result_receipt(cls, dossiers):
        return cls._result_receipt_action(dossiers)

    @classmethod
    @ModelView.button
    def reissue_invitation(cls, dossiers):
        "Revoke the current invitation and issue a new one (logged)"
        pool = Pool()
        Invitation = pool.get('satisfaction.invitation')
        eligible = [
            d for d in dossiers
            if d.state == 'returned' and d.satisfaction_eligible
            and d.satisfaction_state not in {'answered', 'declined'}]
        if eligible:
            with without_check_access():
                Invitation.issue(eligible)
        if len(dossiers) == 1 and eligible:
            return cls._result_receipt_action(dossiers)


class SupervisorSatisfaction(ModelSQL, ModelView):
    """The satisfaction of each agency of the supervisor over the last
    SUPERVISOR_DAYS days: the panel of the plugin in the host's
    supervisor's dashboard"""
    __string__ = "Satisfaction of the Last 30 Days"
    __name__ = 'satisfaction.supervisor.agency'

    agency = fields.Many2One('one_stop.agency', "Agency", readonly=True)
    eligible = fields.Integer("Invited", readonly=True)
    answered = fields.Integer("Answered", readonly=True)
    declined = fields.Integer("Declined", readonly=True)
    satisfied = fields.Integer(
        "Satisfied", readonly=True,
        help="Overall ratings of 4 or 5.")
    rated = fields.Integer(
        "Rated", readonly=True,
        help="Overall ratings from 1 to 5 (not applicable left out).")
    unhappy = fields.Integer(
        "Unhappy", readonly=True, help="Overall ratings of 1 or 2.")
    coverage = fields.Function(
        fields.Float("Coverage (%)", digits=(3, 1)), 'get_percent')
    satisfaction = fields.Function(
        fields.Float("Satisfaction (%)", digits=(3, 1)), 'get_percent')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('answered', 'DESC'), ('agency', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Dossier = pool.get('one_stop.dossier')
        today = Dossier.today()
        start = today - dt.timedelta(days=SUPERVISOR_DAYS - 1)
        figures = figures_query(
            lambda invitation: invitation.agency, start, today,
            ratings={'overall': ('overall', None)})
        levels = {level: getattr(figures, rating_column('overall', level))
            for level in scoring.LEVELS}
        return figures.select(
            figures.id,
            Literal(0).as_('create_uid'),
            cls.create_date.sql_cast(Null).as_('create_date'),
            cls.write_uid.sql_cast(Null).as_('write_uid'),
            cls.write_date.sql_cast(Null).as_('write_date'),
            figures.key.as_('agency'),
            figures.eligible, figures.answered, figures.declined,
            sum((levels[v] for v in scoring.SATISFIED[1:]),
                levels[scoring.SATISFIED[0]]).as_('satisfied'),
            sum((levels[v] for v in scoring.LEVELS[1:]),
                levels[scoring.LEVELS[0]]).as_('rated'),
            sum((levels[v] for v in range(2, scoring.UNHAPPY_MAX + 1)),
                levels[1]).as_('unhappy'))

    @classmethod
    def get_percent(cls, records, names):
        result = {name: {} for name in names}
        for record in records:
            rates = {
                'coverage': scoring.ratio(record.answered, record.eligible),
                'satisfaction': scoring.ratio(record.satisfied, record.rated),
                }
            for name in names:
                rate = rates[name]
                result[name][record.id] = (
                    round(rate * 100, 1) if rate is not None else None)
        return result


class SupervisorDashboard(metaclass=PoolMeta):
    __name__ = 'one_stop.supervisor.dashboard'

    satisfaction = fields.Function(fields.Many2Many(
            'satisfaction.supervisor.agency', None, None,
            "Satisfaction of the Last 30 Days", readonly=True),
        'get_satisfaction')

    @classmethod
    def get_satisfaction(cls, dashboards, name):
        pool = Pool()
        Figure = pool.get('satisfaction.supervisor.agency')
        # as the lists of the host: those the user may read
        with check_access():
            ids = [f.id for f in Figure.search([])]
        return {d.id: ids for d in dashboards}
