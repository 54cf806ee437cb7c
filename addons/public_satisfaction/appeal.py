# This file is part of the public_satisfaction module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""Appeals of a malicious or mistaken rating.

The leader of the agency asks from the follow-up of an answer (the feedback
the answer opened) that the answer be reviewed, with a reason; a
satisfaction evaluator accepts it (the answer is excluded with the
decision's reason, by the audited review of response.py) or refuses it (the
answer is left as it is).  An appeal is never deleted and only its
decision changes, once.

The leaders and PAKN handlers never read the answer itself: the request
reads it without access check once the user is known to be allowed to act
on the follow-up, and the appeal's link to the answer is readable by the
evaluators only (ir.model.field.access).
"""
from sql.operators import Equal

from trytond.i18n import gettext
from trytond.model import Exclude, Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.one_stop.workflow import state_label
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, Id
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

ORIGIN_MODEL = 'satisfaction.response'
STATES = [
    ('requested', "Waiting for Decision"),
    ('accepted', "Accepted"),
    ('refused', "Refused"),
    ]
OPEN_STATES = ('requested', 'accepted')
# The context key of the writes of a decision: keys starting with "_" never
# come from a client (trytond drops them from the context of every RPC call)
DECISION_KEY = '_appeal_decision'


def response_id_of(feedback):
    "The id of the answer the feedback follows up, or None"
    origin = feedback.origin
    if (feedback.channel == 'survey' and origin is not None
            and origin.__name__ == ORIGIN_MODEL and origin.id >= 0):
        return origin.id


class Appeal(Workflow, ModelSQL, ModelView):
    "The agency's request that an answer be reviewed, and its decision"
    __string__ = "Appeal of a Satisfaction Rating"
    __name__ = 'satisfaction.response.appeal'

    response = fields.Many2One(
        'satisfaction.response', "Answer", required=True, readonly=True,
        ondelete='RESTRICT')
    feedback = fields.Many2One(
        'one_stop.feedback', "Follow-up", readonly=True, ondelete='RESTRICT',
        help="The follow-up the appeal was made from.")
    agency = fields.Many2One(
        'one_stop.agency', "Agency", required=True, readonly=True,
        ondelete='RESTRICT',
        help="The agency the answer rated (the snapshot of its invitation).")
    reason = fields.Text(
        "Reason", required=True, readonly=True,
        help="Why the agency holds the rating malicious or mistaken.")
    state = fields.Selection(
        STATES, "State", required=True, readonly=True, sort=False)
    requested_by = fields.Many2One(
        'res.user', "Requested By", readonly=True, ondelete='RESTRICT')
    requested_date = fields.DateTime(
        "Requested", required=True, readonly=True)
    decided_by = fields.Many2One(
        'res.user', "Decided By", readonly=True, ondelete='RESTRICT')
    decided_date = fields.DateTime(
        "Decided", readonly=True,
        states={
            'required': Eval('state') != 'requested',
            })
    decision_reason = fields.Text(
        "Decision Reason", readonly=True,
        states={
            'required': Eval('state') != 'requested',
            },
        help="When accepted, the answer is excluded with this reason.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('response_open_unique',
                Exclude(t, (t.response, Equal),
                    where=t.state.in_(list(OPEN_STATES))),
                'public_satisfaction.msg_appeal_open_exists'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.response, Index.Equality())),
                Index(t, (t.feedback, Index.Equality())),
                Index(t, (t.agency, Index.Equality()),
                    (t.state, Index.Equality())),
                })
        cls._order = [('requested_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('requested', 'accepted'),
            ('requested', 'refused'),
            }
        cls._buttons.update({
                'accept': {
                    'invisible': Eval('state') != 'requested',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'refuse': {
                    'invisible': Eval('state') != 'requested',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'requested'

    def get_rec_name(self, name):
        # The code of the follow-up: never the dossier's (its applicant is
        # no business of the evaluators nor of the agency)
        with without_check_access():
            if self.feedback and self.feedback.code:
                return self.feedback.code
            return self.agency.rec_name

    @classmethod
    def search_rec_name(cls, name, clause):
        pool = Pool()
        Feedback = pool.get('one_stop.feedback')
        with without_check_access():
            query = Feedback.search(
                [('code',) + tuple(clause[1:])], order=[], query=True)
        return [('feedback', 'in', query)]

    @classmethod
    def now(cls):
        "The clock of the reviews of the answers"
        pool = Pool()
        Invitation = pool.get('satisfaction.invitation')
        return Invitation.now()

    # --- request ------------------------------------------------------
    @classmethod
    def check_leader(cls):
        "Raise unless the user is a leader of an agency"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        transaction = Transaction()
        if transaction.user == 0 or not transaction.check_access:
            return
        group = ModelData.get_id('one_stop_feedback', 'group_feedback_leader')
        if group not in User.get_groups():
            raise AccessError(gettext(
                    'public_satisfaction.msg_appeal_request_not_allowed'))

    @classmethod
    def request(cls, feedbacks, reason):
        """Ask for the review of the answer each follow-up of the survey in
        feedbacks comes from, with reason; return the appeals.

        The user must be a leader allowed to change the follow-ups (their
        write record rules, as the feedback's transitions check)."""
        pool = Pool()
        Rule = pool.get('ir.rule')
        Response = pool.get('satisfaction.response')
        cls.check_leader()
        reason = (reason or '').strip()
        if not reason:
            raise ValidationError(gettext(
                    'public_satisfaction.msg_appeal_reason_required'))
        Rule.check(
            'one_stop.feedback', [f.id for f in feedbacks if f.id >= 0],
            mode='write')
        response_ids = []
        for feedback in feedbacks:
            response_id = response_id_of(feedback)
            if response_id is None:
                raise ValidationError(gettext(
                        'public_satisfaction.msg_appeal_not_survey',
                        feedback=feedback.rec_name))
            response_ids.append(response_id)
        if len(set(response_ids)) != len(response_ids):
            raise ValidationError(gettext(
                    'public_satisfaction.msg_appeal_open_exists'))
        user = Transaction().user or None
        now = cls.now()
        with without_check_access():
            responses = Response.browse(response_ids)
            Response.lock(responses)
            opened = {a.response.id: a for a in cls.search([
                        ('response', 'in', response_ids),
                        ('state', 'in', list(OPEN_STATES)),
                        ])}
            vlist = []
            for feedback, response in zip(feedbacks, responses):
                if response.id in opened:
                    appeal = opened[response.id]
                    raise ValidationError(gettext(
                            'public_satisfaction.msg_appeal_already_open',
                            feedback=feedback.rec_name,
                            state=state_label(cls, appeal.state)))
                if response.excluded:
                    raise ValidationError(gettext(
                            'public_satisfaction.msg_appeal_response_excluded',
                            feedback=feedback.rec_name))
                vlist.append({
                        'response': response.id,
                        'feedback': feedback.id,
                        'agency': response.invitation.agency.id,
                        'reason': reason,
                        'state': 'requested',
                        'requested_by': user,
                        'requested_date': now,
                        })
            appeals = cls.create(vlist)
        return appeals

    # --- decision -----------------------------------------------------
    @classmethod
    @ModelView.button_action('public_satisfaction.wizard_appeal_accept')
    def accept(cls, appeals):
        pass

    @classmethod
    @ModelView.button_action('public_satisfaction.wizard_appeal_refuse')
    def refuse(cls, appeals):
        pass

    @classmethod
    def decide(cls, appeals, decision, reason):
        """Accept (the answers are excluded with reason) or refuse (the
        answers are left as they are) the requested appeals, audited"""
        pool = Pool()
        Response = pool.get('satisfaction.response')
        Response.check_reviewer()
        if decision not in {'accepted', 'refused'}:
            raise ValidationError(gettext(
                    'public_satisfaction.msg_review_action_invalid'))
        reason = (reason or '').strip()
        if not reason:
            raise ValidationError(gettext(
                    'public_satisfaction.msg_appeal_decision_reason_required'))
        cls.lock(appeals)
        for appeal in appeals:
            if appeal.state != 'requested':
                raise ValidationError(gettext(
                        'public_satisfaction.msg_appeal_decided',
                        appeal=appeal.rec_name,
                        state=state_label(cls, appeal.state)))
        responses = [a.response for a in appeals]
        if decision == 'accepted':
            with without_check_access():
                for appeal, response in zip(appeals, responses):
                    if response.excluded:
                        raise ValidationError(gettext(
                                'public_satisfaction'
                                '.msg_appeal_response_excluded',
                                feedback=appeal.rec_name))
        with Transaction().set_context({DECISION_KEY: True}):
            cls.write(list(appeals), {
                    'decision_reason': reason,
                    'decided_by': Transaction().user or None,
                    'decided_date': cls.now(),
                    })
            if decision == 'accepted':
                cls._accept(appeals)
            else:
                cls._refuse(appeals)
        if decision == 'accepted':
            Response.review(responses, 'exclude', reason)

    @classmethod
    @Workflow.transition('accepted')
    def _accept(cls, appeals):
        pass

    @classmethod
    @Workflow.transition('refused')
    def _refuse(cls, appeals):
        pass

    # --- storage ------------------------------------------------------
    @classmethod
    def write(cls, *args):
        if not Transaction().context.get(DECISION_KEY):
            raise AccessError(gettext(
                    'public_satisfaction.msg_appeal_readonly'))
        super().write(*args)

    @classmethod
    def delete(cls, appeals):
        if appeals:
            raise AccessError(gettext(
                    'public_satisfaction.msg_appeal_delete',
                    appeal=appeals[0].rec_name))
        super().delete(appeals)

    @classmethod
    def copy(cls, appeals, default=None):
        if appeals:
            raise AccessError(gettext(
                    'public_satisfaction.msg_appeal_readonly'))
        return super().copy(appeals, default=default)


class AppealRequestStart(ModelView):
    __string__ = "Request Review of the Rating"
    __name__ = 'satisfaction.response.appeal.request.start'

    reason = fields.Text(
        "Reason", required=True,
        help="Why the rating of this answer is malicious or mistaken; the "
        "satisfaction evaluators decide.")


class AppealRequest(Wizard):
    "Ask the evaluators to review the answer a follow-up comes from"
    __string__ = "Request Review of the Rating"
    __name__ = 'satisfaction.response.appeal.request'
    start = StateView(
        'satisfaction.response.appeal.request.start',
        'public_satisfaction.appeal_request_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Request", 'request', 'tryton-ok', default=True),
            ])
    request = StateTransition()

    def transition_request(self):
        pool = Pool()
        Appeal = pool.get('satisfaction.response.appeal')
        Appeal.request(list(self.records), self.start.reason)
        return 'end'


class AppealDecideStart(ModelView):
    __string__ = "Decide on Appeals"
    __name__ = 'satisfaction.response.appeal.decide.start'

    reason = fields.Text(
        "Decision Reason", required=True,
        help="When the appeal is accepted, the answer is excluded with this "
        "reason.")


class _AppealDecide(Wizard):
    decision = None
    start = StateView(
        'satisfaction.response.appeal.decide.start',
        'public_satisfaction.appeal_decide_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("OK", 'decide', 'tryton-ok', default=True),
            ])
    decide = StateTransition()

    def transition_decide(self):
        pool = Pool()
        Appeal = pool.get('satisfaction.response.appeal')
        Appeal.decide(list(self.records), self.decision, self.start.reason)
        return 'end'


class AppealAccept(_AppealDecide):
    "Accept appeals: their answers are excluded"
    __string__ = "Accept Appeals"
    __name__ = 'satisfaction.response.appeal.accept'
    decision = 'accepted'


class AppealRefuse(_AppealDecide):
    "Refuse appeals: their answers are left as they are"
    __string__ = "Refuse Appeals"
    __name__ = 'satisfaction.response.appeal.refuse'
    decision = 'refused'


LEADER = Id('one_stop_feedback', 'group_feedback_leader')


class Feedback(metaclass=PoolMeta):
    __name__ = 'one_stop.feedback'

    appeals = fields.One2Many(
        'satisfaction.response.appeal', 'feedback', "Appeals of the Rating",
        readonly=True)
    # The button cannot depend on the origin: the client does not get it
    # for the users who may not read the answers (the agency's)
    appealable = fields.Function(
        fields.Boolean("Rating Can Be Appealed"), 'get_appealable')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'request_appeal': {
                    'invisible': (~Eval('appealable', False)
                        | ~LEADER.in_(Eval('context', {}).get('groups', []))),
                    'icon': 'tryton-forward',
                    'depends': ['appealable'],
                    },
                })

    @classmethod
    def _get_origin(cls):
        origins = list(super()._get_origin())
        if ORIGIN_MODEL not in origins:
            origins.append(ORIGIN_MODEL)
        return origins

    def get_appealable(self, name):
        return response_id_of(self) is not None

    @classmethod
    def copy(cls, feedbacks, default=None):
        default = {} if default is None else default.copy()
        default.setdefault('appeals')
        return super().copy(feedbacks, default=default)

    @classmethod
    @ModelView.button_action('public_satisfaction.wizard_appeal_request')
    def request_appeal(cls, feedbacks):
        pass
