# This file is part of the one_stop_feedback module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
from collections import defaultdict
from functools import wraps

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, Workflow, fields
from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.one_stop.exceptions import TransitionError
from trytond.modules.one_stop.localtime import format_dmy, local_date, utcnow
from trytond.modules.one_stop.workflow import check_moves, state_label
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from . import rules
from .figures import feedback_figures
from .rules import ANSWERED_STATES, OPEN_STATES

CHANNELS = [
    ('counter', "At the Counter"),
    ('hotline', "Hotline"),
    ('portal', "Public Service Portal"),
    ('letter', "Letter"),
    ('survey', "Satisfaction Survey"),
    ]
STATES = [
    ('received', "Received"),
    ('transferred', "Transferred"),
    ('processing', "Processing"),
    ('answered', "Answered"),
    ('closed', "Closed"),
    ('rejected', "Not Accepted"),
    ('withdrawn', "Withdrawn"),
    ]
RATINGS = [
    (None, ""),
    ('1', "Very Dissatisfied"),
    ('2', "Dissatisfied"),
    ('3', "Neutral"),
    ('4', "Satisfied"),
    ('5', "Very Satisfied"),
    ]
# Set by the server only: by the reception, the transitions and the cron
SYSTEM_FIELDS = {
    'code', 'agency', 'received_agency', 'received_date', 'received_by',
    'assigned_date', 'deadline_date', 'transfer_late', 'state',
    'answered_date', 'answered_by', 'timeliness', 'closed_date',
    'reminded_date', 'escalated_date', 'origin',
    }
# The context key of the server's own writes of SYSTEM_FIELDS and of its
# fixed clock: keys starting with "_" never come from a client (trytond
# drops them from the context of every RPC call)
SYSTEM_KEY = '_feedback_system'
CLOCK_KEY = '_feedback_now'


def transition(state, reason=False, log=True):
    """Workflow.transition of feedback to state, checked first: the user
    must be allowed to change the feedback (the write record rules, which
    buttons and wizards do not check: a handler reads the feedback its
    agency transferred away, without acting on it), a move the workflow does
    not allow is refused with a clear message, with reason the feedback
    must carry one, and (with log) the move is written in the history.  The
    transition writes the fields the server sets.

    Put it above ModelView.button: the checks and the write of the state
    are then made with the access checks of the caller."""
    def decorator(func):
        moved = Workflow.transition(state)(func)

        @wraps(func)
        def wrapper(cls, feedbacks, *args, **kwargs):
            pool = Pool()
            Rule = pool.get('ir.rule')
            Rule.check(
                cls.__name__, [f.id for f in feedbacks if f.id >= 0],
                mode='write')
            cls.check_transition(feedbacks, state)
            if reason:
                cls.check_reason(feedbacks)
            moves = [(f, f.state) for f in feedbacks if f.state != state]
            with Transaction().set_context({SYSTEM_KEY: True}):
                result = moved(cls, feedbacks, *args, **kwargs)
                if log and moves:
                    cls.log_event(moves, state)
            return result
        return wrapper
    return decorator


def check_private_export(Model, fields_names):
    """Refuse an export of fields_names (paths a/b/c) of Model that reaches
    a private field: the _private_fields of a model are never exported"""
    for path in fields_names:
        current = Model
        for name in path.split('/'):
            name = name.split('.')[0].split(':')[0]
            if name in getattr(current, '_private_fields', ()):
                raise AccessError(gettext(
                        'one_stop_feedback.msg_private_field_export',
                        field=current._fields[name].string))
            field = current._fields.get(name)
            if field is None or not hasattr(field, 'get_target'):
                break
            current = field.get_target()


class Feedback(Workflow, ModelSQL, ModelView):
    __string__ = "Feedback and Petition"
    __name__ = 'one_stop.feedback'
    _rec_name = 'code'

    _states_open = {
        'readonly': ~Eval('state').in_(list(OPEN_STATES)),
        }

    code = fields.Char(
        "Code", readonly=True,
        help="PAKN-<year>-NNNNN, given when the feedback is saved; it does "
        "not change when the feedback is transferred.")
    channel = fields.Selection(
        CHANNELS, "Channel", required=True, sort=False, states=_states_open)
    agency = fields.Many2One(
        'one_stop.agency', "Agency in Charge", required=True,
        ondelete='RESTRICT',
        states={
            'readonly': Eval('id', -1) >= 0,
            },
        help="The agency that must answer; it changes by a transfer only.")
    received_agency = fields.Many2One(
        'one_stop.agency', "Receiving Agency", readonly=True,
        ondelete='RESTRICT')
    dossier = fields.Many2One(
        'one_stop.dossier', "Dossier", ondelete='RESTRICT',
        states=_states_open,
        help="The dossier the feedback is about, if any.")
    kind = fields.Many2One(
        'one_stop.feedback.kind', "Subject", required=True,
        ondelete='RESTRICT', states=_states_open,
        help="Sets the handling deadline.")
    content = fields.Text("Content", required=True, states=_states_open)
    petitioner = fields.Char(
        "Petitioner", states=_states_open,
        help="The name the petitioner gave, if any.")
    contact_phone = fields.Char(
        "Contact Phone", states=_states_open,
        help="A phone number for a callback: seen by the feedback handlers "
        "only, never exported, erased when the case ends.")
    origin = fields.Reference(
        "Origin", selection='get_origin', readonly=True,
        help="The record the feedback comes from.")
    received_date = fields.DateTime("Received", readonly=True)
    received_by = fields.Many2One(
        'res.user', "Received By", readonly=True, ondelete='RESTRICT')
    assigned_date = fields.DateTime(
        "In Charge Since", readonly=True,
        help="When the agency in charge got the feedback: its reception "
        "or its last transfer.")
    deadline_date = fields.Date(
        "Deadline", readonly=True,
        help="The answer is due on this day, counted in working days from "
        "the day after the agency in charge got the feedback.")
    transfer_late = fields.Boolean(
        "Transferred Late", readonly=True,
        help="A transfer came later than the deadline for transfers.")
    state = fields.Selection(
        STATES, "State", required=True, readonly=True, sort=False)
    answer_text = fields.Text(
        "Answer",
        states={
            'readonly': ~Eval('state').in_(list(OPEN_STATES)),
            'required': Eval('state').in_(list(ANSWERED_STATES)),
            },
        help="Sent or published to the petitioner.")
    answered_date = fields.DateTime("Answered", readonly=True)
    answered_by = fields.Many2One(
        'res.user', "Answered By", readonly=True, ondelete='RESTRICT')
    timeliness = fields.Selection([
            (None, ""),
            ('on_time', "On Time"),
            ('late', "Late"),
            ], "Timeliness", readonly=True, sort=False,
        help="When the answer was given, against the deadline.")
    closed_date = fields.DateTime("Ended", readonly=True)
    reason = fields.Text(
        "Reason", states=_states_open,
        help="Why the feedback is not accepted or withdrawn; required for "
        "these steps.")
    rating = fields.Selection(
        RATINGS, "Petitioner's Rating", sort=False,
        states={
            'readonly': ~Eval('state').in_(list(ANSWERED_STATES)),
            },
        help="How the petitioner rated the answer, when known.")
    reminded_date = fields.DateTime("Reminded", readonly=True)
    escalated_date = fields.DateTime(
        "Escalated", readonly=True,
        help="When the leaders of the agency were told the feedback is "
        "overdue.")
    escalated = fields.Function(
        fields.Boolean("Escalated"), 'get_escalated',
        searcher='search_escalated')
    overdue = fields.Function(
        fields.Boolean("Overdue"), 'get_overdue', searcher='search_overdue')
    events = fields.One2Many(
        'one_stop.feedback.event', 'feedback', "History", readonly=True)
    # 0 or 1 per case: the graph view sums them into counts
    count_on_time = fields.Function(
        fields.Integer("On Time"), 'get_counts')
    count_late = fields.Function(
        fields.Integer("Late or Overdue"), 'get_counts')
    count_pending = fields.Function(
        fields.Integer("Pending"), 'get_counts')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'one_stop_feedback.msg_feedback_code_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.agency, Index.Equality()),
                    (t.state, Index.Equality())),
                Index(t, (t.received_agency, Index.Equality())),
                Index(t, (t.deadline_date, Index.Range())),
                Index(t, (t.dossier, Index.Equality())),
                })
        cls._order = [
            ('received_date', 'DESC'),
            ('id', 'DESC'),
            ]
        # the fields erased when the case ends and never exported
        cls._private_fields = {'contact_phone'}
        cls._transitions |= {
            ('received', 'transferred'),
            ('transferred', 'transferred'),
            ('processing', 'transferred'),
            ('received', 'processing'),
            ('transferred', 'processing'),
            ('received', 'answered'),
            ('transferred', 'answered'),
            ('processing', 'answered'),
            ('answered', 'closed'),
            ('received', 'rejected'),
            ('transferred', 'rejected'),
            ('processing', 'rejected'),
            ('received', 'withdrawn'),
            ('transferred', 'withdrawn'),
            ('processing', 'withdrawn'),
            }
        open_ = ~Eval('state').in_(list(OPEN_STATES))
        cls._buttons.update({
                'transfer': {
                    'invisible': open_,
                    'depends': ['state'],
                    },
                'process': {
                    'invisible': ~Eval('state').in_(
                        ['received', 'transferred']),
                    'depends': ['state'],
                    },
                'answer': {
                    'invisible': open_,
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'answered',
                    'depends': ['state'],
                    },
                'reject': {
                    'invisible': open_,
                    'depends': ['state'],
                    },
                'withdraw': {
                    'invisible': open_,
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'received'

    @classmethod
    def default_channel(cls):
        return 'counter'

    @classmethod
    def default_transfer_late(cls):
        return False

    @classmethod
    def default_kind(cls):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        try:
            return ModelData.get_id('one_stop_feedback', 'kind_other')
        except KeyError:
            return None

    @classmethod
    def default_agency(cls):
        pool = Pool()
        User = pool.get('res.user')
        user_id = Transaction().user
        if user_id:
            user = User(user_id)
            if user.one_stop_agency:
                return user.one_stop_agency.id

    # --- the clock and the calendar -------------------------------------
    @classmethod
    def now(cls):
        """The current naive UTC datetime: the context's _feedback_now when
        the server sets it (tests, replays of history), else the clock"""
        return Transaction().context.get(CLOCK_KEY) or utcnow()

    @classmethod
    def timezone(cls):
        pool = Pool()
        Configuration = pool.get('one_stop.configuration')
        timezone, _ = Configuration.get_calendar()
        return timezone

    @classmethod
    def today(cls):
        "The local date of the agencies at now()"
        return local_date(cls.now(), cls.timezone())

    @classmethod
    def calendar(cls):
        "The rules.Calendar of the agencies"
        pool = Pool()
        Configuration = pool.get('one_stop.configuration')
        Holiday = pool.get('one_stop.holiday')
        holidays, working = Holiday.calendar()
        _, weekend = Configuration.get_calendar()
        return rules.Calendar(holidays, working, weekend)

    def local_day(self, datetime):
        return local_date(datetime, self.timezone())

    def compute_deadline(self):
        "The deadline counted from the day the agency in charge got it"
        return rules.deadline(
            self.local_day(self.assigned_date), self.kind.handling_days,
            self.calendar())

    # --- origin ---------------------------------------------------------
    @classmethod
    def _get_origin(cls):
        "Return the names of the models a feedback may come from"
        return []

    @classmethod
    def get_origin(cls):
        pool = Pool()
        IrModel = pool.get('ir.model')
        return [(None, '')] + [
            (m, IrModel.get_name(m)) for m in cls._get_origin()]

    # --- function fields ------------------------------------------------
    def get_escalated(self, name):
        return bool(self.escalated_date)

    @classmethod
    def search_escalated(cls, name, clause):
        _, operator, value = clause
        escalated = (operator == '=') == bool(value)
        return [('escalated_date', '!=' if escalated else '=', None)]

    @classmethod
    def get_counts(cls, feedbacks, names):
        today = cls.today()
        result = {n: {} for n in names}
        for feedback in feedbacks:
            overdue = rules.is_overdue(
                feedback.state, feedback.deadline_date, today)
            values = {
                'count_on_time': int(feedback.timeliness == 'on_time'),
                'count_late': int(feedback.timeliness == 'late' or overdue),
                'count_pending': int(
                    feedback.state in OPEN_STATES and not overdue),
                }
            for name in names:
                result[name][feedback.id] = values[name]
        return result

    def get_overdue(self, name):
        return rules.is_overdue(self.state, self.deadline_date, self.today())

    @classmethod
    def search_overdue(cls, name, clause):
        _, operator, value = clause
        overdue = [
            ('state', 'in', list(OPEN_STATES)),
            ('deadline_date', '<', cls.today()),
            ]
        if (operator == '=') == bool(value):
            return overdue
        return ['OR',
            ('state', 'not in', list(OPEN_STATES)),
            ('deadline_date', '>=', cls.today()),
            ('deadline_date', '=', None),
            ]

    # --- storage --------------------------------------------------------
    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Configuration = pool.get('one_stop.feedback.configuration')
        now = cls.now()
        user = Transaction().user or None
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            values.setdefault('state', cls.default_state())
            if values['state'] != 'received':
                raise AccessError(gettext(
                        'one_stop_feedback.msg_feedback_create_received'))
            for name in SYSTEM_FIELDS - {'state', 'agency', 'origin'}:
                values.pop(name, None)
            values.update({
                    'received_date': now,
                    'assigned_date': now,
                    'received_by': user,
                    })
        feedbacks = super().create(vlist)
        for feedback in feedbacks:
            feedback.check_agency_valid(feedback.local_day(now))
        # The code is taken once every check passed, so that a refused
        # reception does not consume a number
        sequence = Configuration(1).feedback_sequence
        to_write = []
        with Transaction().set_context(date=local_date(now, cls.timezone())):
            codes = sequence.get_many(len(feedbacks))
            for feedback, code in zip(feedbacks, codes):
                to_write.extend(([feedback], {
                            'code': code,
                            'received_agency': feedback.agency.id,
                            'deadline_date': feedback.compute_deadline(),
                            }))
        if to_write:
            cls.write_system(*to_write)
        with Transaction().set_context({SYSTEM_KEY: True}):
            cls.log_event([(f, None) for f in feedbacks], 'received')
        return feedbacks

    @classmethod
    def write_system(cls, *args):
        "Write the fields set by the server (record rules checked)"
        with Transaction().set_context({SYSTEM_KEY: True}):
            cls.write(*args)

    @classmethod
    def write(cls, *args):
        system = Transaction().context.get(SYSTEM_KEY)
        actions = iter(args)
        recompute = []
        for feedbacks, values in zip(actions, actions):
            if not system:
                cls.check_user_write(feedbacks, values)
            if 'kind' in values:
                recompute.extend(feedbacks)
        super().write(*args)
        if recompute:
            to_write = []
            for feedback in recompute:
                if feedback.state in OPEN_STATES:
                    to_write.extend(([feedback], {
                                'deadline_date': feedback.compute_deadline(),
                                }))
            if to_write:
                cls.write_system(*to_write)

    @classmethod
    def check_user_write(cls, feedbacks, values):
        "Refuse what a user may not change, naming the field or the case"
        for name in SYSTEM_FIELDS & values.keys():
            for feedback in feedbacks:
                value = getattr(feedback, name)
                if name == 'origin':
                    value = str(value) if value else None
                else:
                    value = getattr(value, 'id', value)
                if value != values[name]:
                    message = ('one_stop_feedback.msg_feedback_agency_transfer'
                        if name == 'agency'
                        else 'one_stop_feedback.msg_feedback_field_system')
                    raise AccessError(gettext(
                            message, field=getattr(cls, name).string,
                            feedback=feedback.rec_name))
        for feedback in feedbacks:
            if feedback.state in OPEN_STATES:
                if values.get('rating'):
                    raise AccessError(gettext(
                            'one_stop_feedback.msg_feedback_rating_answered',
                            feedback=feedback.rec_name))
            elif (values.keys() - {'rating'}
                    or feedback.state not in ANSWERED_STATES):
                raise AccessError(gettext(
                        'one_stop_feedback.msg_feedback_modify_ended',
                        feedback=feedback.rec_name,
                        state=state_label(cls, feedback.state)))

    @classmethod
    def delete(cls, feedbacks):
        if feedbacks:
            raise AccessError(gettext(
                    'one_stop_feedback.msg_feedback_delete',
                    feedback=feedbacks[0].rec_name))
        super().delete(feedbacks)

    @classmethod
    def copy(cls, feedbacks, default=None):
        default = {} if default is None else default.copy()
        for name in ['events', 'answer_text', 'reason', 'rating']:
            default.setdefault(name)
        return super().copy(feedbacks, default=default)

    @classmethod
    def export_data(cls, records, fields_names, header=False):
        check_private_export(cls, fields_names)
        return super().export_data(records, fields_names, header=header)

    def check_agency_valid(self, day):
        "Refuse an agency in charge that does not exist on day"
        if not self.agency.is_valid_on(day):
            successor = self.agency.current_successor(day)
            raise ValidationError(gettext(
                    'one_stop_feedback.msg_feedback_agency_not_valid',
                    agency=self.agency.rec_name,
                    successor=(successor.rec_name
                        if successor != self.agency else '-')))

    # --- workflow -------------------------------------------------------
    @classmethod
    def check_transition(cls, feedbacks, to_state):
        """Refuse a move the workflow does not allow, naming the feedback
        (Workflow.transition alone would silently leave it where it is)"""
        check_moves(cls, feedbacks, to_state,
            'one_stop_feedback.msg_feedback_invalid_transition', 'feedback')

    @classmethod
    def check_reason(cls, feedbacks):
        for feedback in feedbacks:
            if not (feedback.reason or '').strip():
                raise TransitionError(gettext(
                        'one_stop_feedback.msg_feedback_reason_required',
                        feedback=feedback.rec_name))

    @classmethod
    def log_event(cls, moves, to_state, values=None):
        """Write the moves [(feedback, from state)] to to_state in the
        history; values: {feedback: {field: value}} of the events"""
        pool = Pool()
        Event = pool.get('one_stop.feedback.event')
        now = cls.now()
        user = Transaction().user or None
        events = []
        for feedback, from_state in moves:
            event = {
                'feedback': feedback.id,
                'date': now,
                'user': user,
                'from_state': from_state,
                'to_state': to_state,
                'note': (feedback.reason
                    if to_state in {'rejected', 'withdrawn'} else None),
                }
            event.update((values or {}).get(feedback, {}))
            events.append(event)
        with without_check_access():
            Event.create(events)

    @classmethod
    @ModelView.button_action('one_stop_feedback.wizard_transfer')
    def transfer(cls, feedbacks):
        "Open the transfer wizard"
        pass

    @classmethod
    @transition('transferred', log=False)
    def transfer_to(cls, feedbacks, agency, reason=None):
        """Transfer feedbacks outside the competence of their agency to the
        competent agency, which continues the same case with a new
        deadline; a transfer after the deadline for transfers is marked
        late (Decree 20/2008/NĐ-CP: 5 working days)"""
        pool = Pool()
        Configuration = pool.get('one_stop.feedback.configuration')
        config = Configuration(1)
        now = cls.now()
        today = cls.today()
        calendar = cls.calendar()
        for feedback in feedbacks:
            if feedback.agency == agency:
                raise ValidationError(gettext(
                        'one_stop_feedback.msg_transfer_same_agency',
                        feedback=feedback.rec_name,
                        agency=agency.rec_name))
        if not agency.is_valid_on(today):
            successor = agency.current_successor(today)
            raise ValidationError(gettext(
                    'one_stop_feedback.msg_feedback_agency_not_valid',
                    agency=agency.rec_name,
                    successor=(successor.rec_name
                        if successor != agency else '-')))
        events, to_write = {}, []
        for feedback in feedbacks:
            late = rules.transfer_is_late(
                feedback.local_day(feedback.assigned_date), today,
                config.transfer_days, calendar)
            events[feedback] = {
                'from_agency': feedback.agency.id,
                'to_agency': agency.id,
                'late': late,
                'note': reason,
                }
            to_write.extend(([feedback], {
                        'agency': agency.id,
                        'state': 'transferred',
                        'assigned_date': now,
                        'deadline_date': rules.deadline(
                            today, feedback.kind.handling_days, calendar),
                        'transfer_late': bool(feedback.transfer_late or late),
                        'reminded_date': None,
                        'escalated_date': None,
                        }))
        moves = [(f, f.state) for f in feedbacks]
        # the user's right to change them is checked by transition(): the
        # move to the other agency, out of the user's reach, is not
        # checked again
        with without_check_access():
            cls.write(*to_write)
        cls.log_event(moves, 'transferred', values=events)

    @classmethod
    @transition('processing')
    @ModelView.button
    def process(cls, feedbacks):
        pass

    @classmethod
    @transition('answered')
    @ModelView.button
    def answer(cls, feedbacks):
        """Record the answer: who, when and whether it is on time.
        Modules extend it to act on the answered feedback (call super
        first: the state is then answered)."""
        now = cls.now()
        today = cls.today()
        user = Transaction().user or None
        for feedback in feedbacks:
            if not (feedback.answer_text or '').strip():
                raise TransitionError(gettext(
                        'one_stop_feedback.msg_feedback_answer_required',
                        feedback=feedback.rec_name))
        by_timeliness = defaultdict(list)
        for feedback in feedbacks:
            by_timeliness[rules.timeliness(
                    today, feedback.deadline_date)].append(feedback)
        to_write = []
        for value, records in by_timeliness.items():
            to_write.extend((records, {
                        'answered_date': now,
                        'answered_by': user,
                        'timeliness': value,
                        }))
        if to_write:
            cls.write(*to_write)

    @classmethod
    @transition('closed')
    @ModelView.button
    def close(cls, feedbacks):
        """End the answered case; its personal data are erased.
        Modules extend it (call super first)."""
        cls.write(feedbacks, {'closed_date': cls.now()})
        cls.erase_personal_data(feedbacks)

    @classmethod
    @transition('rejected', reason=True)
    @ModelView.button
    def reject(cls, feedbacks):
        "Not accepted: outside the scope of the register (reason required)"
        cls.write(feedbacks, {'closed_date': cls.now()})
        cls.erase_personal_data(feedbacks)

    @classmethod
    @transition('withdrawn', reason=True)
    @ModelView.button
    def withdraw(cls, feedbacks):
        "Withdrawn by the petitioner (reason required)"
        cls.write(feedbacks, {'closed_date': cls.now()})
        cls.erase_personal_data(feedbacks)

    @classmethod
    def erase_personal_data(cls, feedbacks):
        """Erase the private fields of the ended feedbacks.  Modules that
        store personal data of a case extend it."""
        if feedbacks and cls._private_fields:
            cls.write_system(
                feedbacks, dict.fromkeys(cls._private_fields, None))

    # --- cron -----------------------------------------------------------
    @classmethod
    def _users_of(cls, agency_ids, group_xml_id):
        "The active users of the agencies in the group (directly)"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        group = ModelData.get_id('one_stop_feedback', group_xml_id)
        by_agency = defaultdict(list)
        for user in User.search([
                    ('one_stop_agency', 'in', list(agency_ids)),
                    ('groups', '=', group),
                    ]):
            by_agency[user.one_stop_agency.id].append(user)
        return by_agency

    @classmethod
    def _notify(cls, feedbacks_by_user, icon, message):
        for user, feedbacks in feedbacks_by_user.items():
            language = user.language.code if user.language else None
            for feedback in feedbacks:
                label = gettext(
                    message, language, code=feedback.code,
                    deadline=format_dmy(feedback.deadline_date),
                    agency=feedback.agency.name)
                feedback.notify_user(
                    icon, label, (feedback.content or '')[:200],
                    user=user.id)

    @classmethod
    def send_reminders(cls):
        """Remind the handlers of the agency of the open feedback due
        within the reminder days, once"""
        pool = Pool()
        Configuration = pool.get('one_stop.feedback.configuration')
        reminder_days = Configuration(1).reminder_days
        today = cls.today()
        calendar = cls.calendar()
        feedbacks = [f for f in cls.search([
                    ('state', 'in', list(OPEN_STATES)),
                    ('reminded_date', '=', None),
                    ('deadline_date', '>=', today),
                    ], order=[('deadline_date', 'ASC'), ('id', 'ASC')])
            if rules.reminder_due(
                f.state, f.deadline_date, today, reminder_days, calendar)]
        handlers = cls._users_of(
            {f.agency.id for f in feedbacks}, 'group_feedback_handler')
        by_user = defaultdict(list)
        for feedback in feedbacks:
            for user in handlers.get(feedback.agency.id, []):
                by_user[user].append(feedback)
        cls._notify(by_user, 'tryton-notification',
            'one_stop_feedback.msg_notification_reminder')
        if feedbacks:
            cls.write_system(feedbacks, {'reminded_date': cls.now()})
        return feedbacks

    @classmethod
    def escalate_overdue(cls):
        """Tell the leaders of the agency (or, without any, of the nearest
        parent agency that has some) of the overdue feedback, once"""
        feedbacks = cls.search([
                ('overdue', '=', True),
                ('escalated_date', '=', None),
                ], order=[('deadline_date', 'ASC'), ('id', 'ASC')])
        # the agency and its parents, nearest first
        chains = {}
        for agency in {f.agency for f in feedbacks}:
            chain = chains[agency.id] = []
            while agency and agency.id not in chain:
                chain.append(agency.id)
                agency = agency.parent
        leaders = cls._users_of(
            {a for chain in chains.values() for a in chain},
            'group_feedback_leader')
        by_user = defaultdict(list)
        for feedback in feedbacks:
            for agency_id in chains[feedback.agency.id]:
                if leaders.get(agency_id):
                    for user in leaders[agency_id]:
                        by_user[user].append(feedback)
                    break
        cls._notify(by_user, 'tryton-warning',
            'one_stop_feedback.msg_notification_escalation')
        if feedbacks:
            cls.write_system(feedbacks, {'escalated_date': cls.now()})
        return feedbacks

    # --- figures --------------------------------------------------------
    @classmethod
    def feedback_figures(cls, agency_ids, start, end):
        """Return {agency id: rules.Figures} of the agencies for the local
        days start..end (see rules for the definitions)"""
        return feedback_figures(cls, agency_ids, start, end)


class FeedbackEvent(ModelSQL, ModelView):
    __string__ = "Feedback Event"
    __name__ = 'one_stop.feedback.event'

    feedback = fields.Many2One(
        'one_stop.feedback', "Feedback", required=True, ondelete='CASCADE')
    date = fields.DateTime("Date", required=True)
    user = fields.Many2One('res.user', "User", ondelete='RESTRICT')
    from_state = fields.Selection(
        [(None, "")] + STATES, "From", sort=False)
    to_state = fields.Selection(STATES, "To", required=True, sort=False)
    from_agency = fields.Many2One(
        'one_stop.agency', "From Agency", ondelete='RESTRICT')
    to_agency = fields.Many2One(
        'one_stop.agency', "To Agency", ondelete='RESTRICT',
        states={
            'invisible': ~Eval('to_agency'),
            })
    late = fields.Boolean(
        "Late", states={
            'invisible': Eval('to_state') != 'transferred',
            },
        help="The transfer came later than the deadline for transfers.")
    note = fields.Text("Note")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('feedback')
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.feedback, Index.Equality())),
                Index(t, (t.from_agency, Index.Equality()),
                    (t.date, Index.Range()),
                    where=t.to_state == 'transferred'),
                })
        cls._order = [('date', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_late(cls):
        return False

    @classmethod
    def write(cls, *args):
        raise AccessError(gettext('one_stop_feedback.msg_event_readonly'))

    @classmethod
    def delete(cls, events):
        if events:
            raise AccessError(gettext(
                    'one_stop_feedback.msg_event_readonly'))

    @classmethod
    def export_data(cls, records, fields_names, header=False):
        check_private_export(cls, fields_names)
        return super().export_data(records, fields_names, header=header)

