# This file is part of the one_stop module.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import datetime as dt
from collections import defaultdict
from functools import wraps

from trytond import backend
from sql import Literal, Null
from sql.operators import Or

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, Workflow, fields
from trytond.model.exceptions import AccessError, ValidationError
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .codes import format_dossier_code
from .exceptions import TransitionError
from .localtime import format_dmy, format_dmy_hm, local_date, to_local, utcnow
from .localtime import utc_bounds
from .workdays import timeliness
from .workflow import check_moves

OPEN_STATES = ['received', 'processing', 'supplement_requested']
# the context key, never accepted over RPC (trytond drops the keys that
# start with "_"), under which correct_received_date writes the date
_CORRECTION = '_one_stop_received_correction'
DATE_ANOMALIES = [
    (None, ""),
    ('future', "Received in the Future"),
    ('before_agency', "Received Before the Agency Existed"),
    ('after_agency', "Received After the Agency Closed"),
    ('order', "Dates Out of Order"),
    ]
STATES = [
    ('received', "Received"),
    ('supplement_requested', "Supplement Requested"),
    ('processing', "Processing"),
    ('ready', "Result Ready"),
    ('returned', "Result Returned"),
    ('rejected', "Rejected"),
    ('withdrawn', "Withdrawn"),
    ]


def transition(state, reason=False):
    """Workflow.transition of dossiers to state, checked first: a move the
    workflow does not allow is refused with a clear message (not silently
    skipped), with reason the dossiers must carry one, and the move is
    written in the history"""
    def decorator(func):
        moved = Workflow.transition(state)(func)

        @wraps(func)
        def wrapper(cls, dossiers, *args, **kwargs):
            cls.check_transition(dossiers, state)
            if reason:
                cls.check_reason(dossiers)
            cls.log_transition(dossiers, state)
            return moved(cls, dossiers, *args, **kwargs)
        return wrapper
    return decorator


class Dossier(Workflow, ModelSQL, ModelView):
    __string__ = "Dossier"
    __name__ = 'one_stop.dossier'
    _rec_name = 'code'

    _states_editable = {
        'readonly': Eval('state') != 'received',
        }

    code = fields.Char(
        "Code", readonly=True,
        help="<agency code>-YYMMDD-NNNN, given when the dossier is saved.")
    _states_received = {
        'readonly': Eval('id', -1) >= 0,
        }

    applicant = fields.Many2One(
        'party.party', "Applicant", required=True, ondelete='RESTRICT',
        states=_states_editable)
    procedure = fields.Many2One(
        'one_stop.procedure', "Procedure", required=True,
        ondelete='RESTRICT', states=_states_editable)
    agency = fields.Many2One(
        'one_stop.agency', "Agency", required=True, ondelete='RESTRICT',
        states=_states_received)
    counter = fields.Many2One(
        'one_stop.counter', "Counter", ondelete='RESTRICT',
        domain=[('agency', '=', Eval('agency', -1))],
        states={
            'readonly': Eval('state') != 'received',
            'invisible': Eval('channel') != 'counter',
            })
    channel = fields.Selection([
            ('counter', "At the Counter"),
            ('online', "Online"),
            ('postal', "Public Postal Service"),
            ], "Submission Channel", required=True, sort=False,
        states=_states_editable)
    return_method = fields.Selection([
            ('counter', "At the Counter"),
            ('postal', "By Post"),
            ], "Result Return", required=True, sort=False,
        states={
            'readonly': Eval('state').in_(['returned', 'rejected',
                    'withdrawn']),
            })
    received_date = fields.DateTime(
        "Received", required=True, readonly=True,
        help="Set by the server when the dossier is saved; a supervisor may "
        "correct it, with a reason, within the same day.")
    received_by = fields.Many2One(
        'res.user', "Receiving Clerk", readonly=True, ondelete='RESTRICT')
    appointment_date = fields.Date(
        "Appointment", readonly=True,
        help="The date the result is promised, counted in working days.")
    ready_date = fields.DateTime("Result Ready", readonly=True)
    returned_date = fields.DateTime("Result Returned", readonly=True)
    returned_by = fields.Many2One(
        'res.user', "Returning Clerk", readonly=True, ondelete='RESTRICT')
    supplement_requested_date = fields.DateTime(
        "Supplement Requested", readonly=True)
    timeliness = fields.Selection([
            (None, ""),
            ('early', "Early"),
            ('on_time', "On Time"),
            ('late', "Late"),
            ], "Timeliness", readonly=True, sort=False,
        help="When the result was ready, against the appointment date.")
    reason = fields.Text(
        "Reason",
        states={
            'readonly': Eval('state').in_(['returned', 'rejected',
                    'withdrawn']),
            },
        help="Why a supplement is requested or the dossier is rejected or "
        "withdrawn; required for these steps.")
    state = fields.Selection(
        STATES, "State", required=True, readonly=True, sort=False)
    state_string = state.translated('state')
    events = fields.One2Many(
        'one_stop.dossier.event', 'dossier', "History", readonly=True)
    immediate_result = fields.Function(
        fields.Boolean("Immediate Result"),
        'on_change_with_immediate_result')
    date_anomaly = fields.Function(fields.Selection(
            DATE_ANOMALIES, "Date Anomaly", sort=False,
            help="A date that cannot be true: kept as it is, listed for "
            "the supervisors."),
        'get_date_anomaly', searcher='search_date_anomaly')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'one_stop.msg_dossier_code_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.agency, Index.Equality()),
                    (t.state, Index.Equality())),
                Index(t, (t.appointment_date, Index.Range()),
                    where=t.state.in_(OPEN_STATES)),
                Index(t, (t.returned_date, Index.Range())),
                })
        cls._order = [
            ('received_date', 'DESC'),
            ('id', 'DESC'),
            ]
        cls._transitions |= {
            ('received', 'processing'),
            ('received', 'ready'),
            ('received', 'supplement_requested'),
            ('processing', 'supplement_requested'),
            ('supplement_requested', 'received'),
            ('processing', 'ready'),
            ('ready', 'returned'),
            ('received', 'rejected'),
            ('processing', 'rejected'),
            ('supplement_requested', 'rejected'),
            ('received', 'withdrawn'),
            ('processing', 'withdrawn'),
            ('supplement_requested', 'withdrawn'),
            }
        cls._buttons.update({
                'process': {
                    'invisible': Eval('state') != 'received',
                    'depends': ['state'],
                    },
                'request_supplement': {
                    'invisible': ~Eval('state').in_(
                        ['received', 'processing']),
                    'depends': ['state'],
                    },
                'receive_supplement': {
                    'invisible': Eval('state') != 'supplement_requested',
                    'depends': ['state'],
                    },
                'mark_ready': {
                    # at reception only for a result given on the spot
                    'invisible': ~((Eval('state') == 'processing')
                        | ((Eval('state') == 'received')
                            & Eval('immediate_result', False))),
                    'depends': ['state', 'immediate_result'],
                    },
                'return_result': {
                    'invisible': Eval('state') != 'ready',
                    'depends': ['state'],
                    },
                'reject': {
                    'invisible': ~Eval('state').in_(OPEN_STATES),
                    'depends': ['state'],
                    },
                'withdraw': {
                    'invisible': ~Eval('state').in_(OPEN_STATES),
                    'depends': ['state'],
                    },
                'print_intake_receipt': {
                    'invisible': Eval('state').in_(['rejected', 'withdrawn']),
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'received'

    @staticmethod
    def default_channel():
        return 'counter'

    @staticmethod
    def default_return_method():
        return 'counter'

    @classmethod
    def default_agency(cls):
        user = cls._current_user()
        if user and user.one_stop_agency:
            return user.one_stop_agency.id

    @classmethod
    def default_counter(cls):
        user = cls._current_user()
        if user and user.one_stop_counter:
            return user.one_stop_counter.id

    @staticmethod
    def _current_user():
        pool = Pool()
        User = pool.get('res.user')
        user_id = Transaction().user
        if user_id:
            return User(user_id)

    @fields.depends('agency', 'counter')
    def on_change_agency(self):
        if self.counter and self.counter.agency != self.agency:
            self.counter = None

    @fields.depends('procedure')
    def on_change_with_immediate_result(self, name=None):
        return bool(self.procedure and self.procedure.immediate_result)

    @fields.depends('channel', 'return_method')
    def on_change_channel(self):
        if self.channel == 'postal':
            self.return_method = 'postal'

    @classmethod
    def timezone(cls):
        pool = Pool()
        Configuration = pool.get('one_stop.configuration')
        timezone, _ = Configuration.get_calendar()
        return timezone

    @classmethod
    def today(cls):
        "The local date of the agencies"
        return local_date(dt.datetime.utcnow(), cls.timezone())

    @property
    def received_local_date(self):
        return local_date(self.received_date, self.timezone())

    def check_agency_valid(self):
        "Refuse a reception by an agency that does not receive on that day"
        day = self.received_local_date
        agency = self.agency
        if agency.start_date and day < agency.start_date:
            raise ValidationError(gettext(
                    'one_stop.msg_dossier_before_agency_start',
                    agency=agency.rec_name,
                    date=format_dmy(day),
                    start=format_dmy(agency.start_date)))
        if not agency.is_valid_on(day):
            successor = agency.current_successor(day)
            raise ValidationError(gettext(
                    'one_stop.msg_dossier_agency_not_valid',
                    agency=agency.rec_name,
                    successor=(successor.rec_name
                        if successor != agency else '-')))

    @classmethod
    def may_enter_received_date(cls):
        """The root user (imports of history) and the supervisors may give
        the received time; for the others the server sets it"""
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        if not Transaction().user:
            return True
        return ModelData.get_id('one_stop', 'group_one_stop_supervisor') in (
            User.get_groups())

    @classmethod
    def check_received_not_future(cls, received_date, now, dossier=None):
        if received_date > now:
            local = to_local(received_date, cls.timezone())
            raise ValidationError(gettext(
                    'one_stop.msg_dossier_received_future',
                    date=format_dmy_hm(local),
                    dossier=dossier.rec_name if dossier else '-'))

    def compute_appointment_date(self):
        pool = Pool()
        Holiday = pool.get('one_stop.holiday')
        days = (0 if self.procedure.immediate_result
            else self.procedure.processing_days)
        return Holiday.add_working_days(self.received_local_date, days)

    @classmethod
    def _next_daily_number(cls, agency_id, day, count=1):
        pool = Pool()
        DailyNumber = pool.get('one_stop.dossier.daily_number')
        return DailyNumber.next_number(agency_id, day, count)

    @classmethod
    def create(cls, vlist):
        timezone = cls.timezone()
        user = Transaction().user
        now = utcnow()
        may_enter = cls.may_enter_received_date()
        vlist = [v.copy() for v in vlist]
        entered = []
        for values in vlist:
            values.setdefault('state', cls.default_state())
            if values['state'] != 'received':
                raise AccessError(gettext(
                        'one_stop.msg_dossier_create_received'))
            values['received_by'] = user or None
            # The time of receipt is the server's, not the client's (nor the
            # time the blank form was opened).
            given = values.get('received_date') if may_enter else None
            if given:
                cls.check_received_not_future(given, now)
                entered.append(given != now)
            else:
                values['received_date'] = now
                entered.append(False)
            for name in ['code', 'appointment_date', 'ready_date',
                    'returned_date', 'returned_by', 'timeliness',
                    'supplement_requested_date']:
                values.pop(name, None)
        # The defaults (agency and counter of the user, date of receipt) are
        # applied by the create itself, so what depends on them comes after.
        dossiers = super().create(vlist)
        for dossier in dossiers:
            dossier.check_agency_valid()
        # Numbers are taken once every check (domains, record rules) passed,
        # so that a refused reception does not consume one; one block per
        # agency and day.
        by_day = defaultdict(list)
        for dossier in dossiers:
            by_day[dossier.agency.id, local_date(
                    dossier.received_date, timezone)].append(dossier)
        to_write = []
        for (agency_id, day), records in by_day.items():
            last = cls._next_daily_number(agency_id, day, len(records))
            agency_code = records[0].agency.code
            for number, dossier in enumerate(
                    records, start=last - len(records) + 1):
                to_write.extend(([dossier], {
                            'code': format_dossier_code(
                                agency_code, day, number),
                            'appointment_date': (
                                dossier.compute_appointment_date()),
                            }))
        if to_write:
            super().write(*to_write)
        notes = {
            d.id: gettext('one_stop.msg_dossier_received_date_entered',
                date=format_dmy_hm(to_local(d.received_date, timezone)))
            for d, by_hand in zip(dossiers, entered) if by_hand}
        cls.log_event(dossiers, None, 'received', reasons=notes)
        return dossiers

    @classmethod
    def validate_fields(cls, dossiers, field_names):
        super().validate_fields(dossiers, field_names)
        if field_names & {'counter', 'agency'}:
            for dossier in dossiers:
                if (dossier.counter
                        and dossier.counter.agency != dossier.agency):
                    raise ValidationError(gettext(
                            'one_stop.msg_dossier_counter_agency',
                            counter=dossier.counter.rec_name,
                            agency=dossier.agency.rec_name))

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        args = []
        for dossiers, values in zip(actions, actions):
            if not dossiers:
                # e.g. Workflow.transition's write of the state when the
                # function moved every dossier itself: its checks and
                # statements for nothing
                continue
            values = values.copy()
            for name in ['code', 'received_by']:
                if name in values:
                    raise AccessError(gettext(
                            'one_stop.msg_dossier_field_readonly',
                            field=getattr(cls, name).string))
            # The code carries the agency and the day of receipt; only
            # correct_received_date changes the time, within the day
            fixed = ['agency']
            if not Transaction().context.get(_CORRECTION):
                fixed.append('received_date')
            for name in fixed:
                for dossier in dossiers if name in values else []:
                    value = getattr(dossier, name)
                    if getattr(value, 'id', value) != values[name]:
                        raise AccessError(gettext(
                                'one_stop.msg_dossier_field_fixed',
                                field=getattr(cls, name).string,
                                dossier=dossier.rec_name))
            if 'procedure' in values:
                for dossier in dossiers:
                    if dossier.state != 'received':
                        raise AccessError(gettext(
                                'one_stop.msg_dossier_modify_received',
                                dossier=dossier.rec_name))
            args.extend((dossiers, values))
        if not args:
            return
        super().write(*args)
        recompute = []
        actions = iter(args)
        for dossiers, values in zip(actions, actions):
            if 'procedure' in values:
                recompute.extend(dossiers)
        if recompute:
            for dossier in recompute:
                dossier.appointment_date = dossier.compute_appointment_date()
            cls.save(recompute)

    @classmethod
    def delete(cls, dossiers):
        if dossiers:
            raise AccessError(gettext(
                    'one_stop.msg_dossier_delete',
                    dossier=dossiers[0].rec_name))
        super().delete(dossiers)

    @classmethod
    def copy(cls, dossiers, default=None):
        default = {} if default is None else default.copy()
        default.setdefault('events')
        default.setdefault('reason')
        # received now, by whoever copies
        default.setdefault('received_date')
        return super().copy(dossiers, default=default)

    @classmethod
    def log_event(cls, dossiers, from_state, to_state, reasons=None,
            **values):
        """Write the event of dossiers in their history; reasons: the text
        of the event by dossier id (default: the reason of the steps that
        need one), values: the other fields of the events"""
        pool = Pool()
        Event = pool.get('one_stop.dossier.event')
        now = utcnow()
        user = Transaction().user or None

        def reason(dossier):
            if reasons is not None and dossier.id in reasons:
                return reasons[dossier.id]
            if to_state in {'supplement_requested', 'rejected', 'withdrawn'}:
                return dossier.reason
        with without_check_access():
            Event.save([Event(
                        dossier=d, from_state=from_state, to_state=to_state,
                        date=now, user=user, reason=reason(d), **values)
                    for d in dossiers])

    @classmethod
    def check_reason(cls, dossiers):
        for dossier in dossiers:
            if not (dossier.reason or '').strip():
                raise TransitionError(gettext(
                        'one_stop.msg_dossier_reason_required',
                        dossier=dossier.rec_name))

    @classmethod
    def check_transition(cls, dossiers, to_state):
        """Refuse a move the workflow does not allow, naming the dossier
        (Workflow.transition alone would silently leave it where it is)"""
        check_moves(cls, dossiers, to_state,
            'one_stop.msg_dossier_invalid_transition', 'dossier')
        for dossier in dossiers:
            # only a result given on the spot skips the processing
            if (to_state == 'ready' and dossier.state == 'received'
                    and not dossier.procedure.immediate_result):
                raise TransitionError(gettext(
                        'one_stop.msg_dossier_ready_needs_processing',
                        dossier=dossier.rec_name,
                        procedure=dossier.procedure.rec_name))

    @classmethod
    def log_transition(cls, dossiers, to_state):
        "Write the move of dossiers to to_state in their history"
        by_state = {}
        for dossier in dossiers:
            if dossier.state != to_state:
                by_state.setdefault(dossier.state, []).append(dossier)
        for from_state, records in by_state.items():
            cls.log_event(records, from_state, to_state)

    @classmethod
    @ModelView.button
    @transition('processing')
    def process(cls, dossiers):
        pass

    @classmethod
    @ModelView.button
    @transition('supplement_requested', reason=True)
    def request_supplement(cls, dossiers):
        cls.write(dossiers, {
                'supplement_requested_date': utcnow(),
                })

    @classmethod
    @ModelView.button
    @transition('received')
    def receive_supplement(cls, dossiers):
        "The citizen brought the missing documents: the clock runs again"
        pool = Pool()
        Holiday = pool.get('one_stop.holiday')
        today = cls.today()
        timezone = cls.timezone()
        for dossier in dossiers:
            requested = local_date(
                dossier.supplement_requested_date, timezone) or today
            waited = Holiday.count_working_days(requested, today)
            dossier.appointment_date = Holiday.add_working_days(
                dossier.appointment_date, waited)
            dossier.supplement_requested_date = None
            dossier.reason = None
        cls.save(dossiers)

    @classmethod
    @ModelView.button
    @transition('ready')
    def mark_ready(cls, dossiers):
        now = utcnow()
        today = local_date(now, cls.timezone())
        for dossier in dossiers:
            dossier.ready_date = now
            dossier.timeliness = timeliness(today, dossier.appointment_date)
        cls.save(dossiers)

    @classmethod
    @ModelView.button
    @transition('returned')
    def return_result(cls, dossiers):
        "Hand the result over to the citizen (or post it)"
        # the state in the same write (Workflow.transition writes what the
        # function did not move in a second one) and the move logged as it
        # logs it
        cls.write(dossiers, {
                'state': 'returned',
                'returned_date': utcnow(),
                'returned_by': Transaction().user or None,
                })
        cls.log(dossiers, 'transition', 'state:returned')

    @classmethod
    @ModelView.button
    @transition('rejected', reason=True)
    def reject(cls, dossiers):
        pass

    @classmethod
    @ModelView.button
    @transition('withdrawn', reason=True)
    def withdraw(cls, dossiers):
        pass


    @classmethod
    @ModelView.button
    def print_intake_receipt(cls, dossiers):
        "The intake receipt (Form 01), opened ready to print"
        pool = Pool()
        Printout = pool.get('one_stop.printout')
        return Printout.open_report(
            'one_stop', 'report_intake_receipt', dossiers)

    @classmethod
    def search_rec_name(cls, name, clause):
        "By code, or by the applicant's name, CCCD, passport or phone"
        _, operator, value, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('code', operator, value, *extra),
            ('applicant.rec_name', operator, value, *extra),
            ]

    # ------------------------------------------------ received time
    @classmethod
    def correct_received_date(cls, dossiers, received_date, reason):
        """Correct the received time of dossiers to received_date (naive
        UTC), for reason; supervisors only, written in the history.

        The time stays within the local day of the code (YYMMDD is the day
        of receipt and the number is that day's), never in the future, nor
        before the agency existed, nor after the dossier's later steps."""
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        if Transaction().user and ModelData.get_id(
                'one_stop', 'group_one_stop_supervisor') not in (
                User.get_groups()):
            raise AccessError(gettext(
                    'one_stop.msg_dossier_correction_supervisor'))
        reason = (reason or '').strip()
        timezone = cls.timezone()
        now = utcnow()
        received_date = received_date.replace(microsecond=0)
        day = local_date(received_date, timezone)
        for dossier in dossiers:
            if not reason:
                raise ValidationError(gettext(
                        'one_stop.msg_dossier_correction_reason',
                        dossier=dossier.rec_name))
            cls.check_received_not_future(received_date, now, dossier)
            if day != dossier.received_local_date:
                raise ValidationError(gettext(
                        'one_stop.msg_dossier_correction_other_day',
                        dossier=dossier.rec_name,
                        day=format_dmy(dossier.received_local_date),
                        date=format_dmy(day)))
            later = [d for d in [dossier.supplement_requested_date,
                    dossier.ready_date, dossier.returned_date] if d]
            if later and received_date > min(later):
                raise ValidationError(gettext(
                        'one_stop.msg_dossier_correction_after_steps',
                        dossier=dossier.rec_name,
                        date=format_dmy_hm(to_local(min(later), timezone))))
        for dossier in dossiers:
            previous = dossier.received_date
            with Transaction().set_context({_CORRECTION: True}):
                cls.write([dossier], {'received_date': received_date})
            dossier.check_agency_valid()
            cls.log_event(
                [dossier], dossier.state, dossier.state,
                reasons={dossier.id: reason}, kind='received_date',
                previous_date=previous, corrected_date=received_date)

    # ------------------------------------------------ impossible dates
    def get_date_anomaly(self, name):
        received = self.received_date
        if not received:
            return None
        if received > utcnow():
            return 'future'
        agency = self.agency
        day = self.received_local_date
        if agency.start_date and day < agency.start_date:
            return 'before_agency'
        if agency.end_date and day > agency.end_date:
            return 'after_agency'
        steps = [d for d in [self.ready_date, self.returned_date] if d]
        if (any(d < received for d in steps)
                or (self.ready_date and self.returned_date
                    and self.returned_date < self.ready_date)):
            return 'order'
        return None

    @classmethod
    def _date_anomaly_conditions(cls, table):
        "The SQL condition of each kind of anomaly on the dossier table"
        pool = Pool()
        Agency = pool.get('one_stop.agency')
        timezone = cls.timezone()
        with without_check_access():
            agencies = Agency.search(['OR',
                    ('start_date', '!=', None),
                    ('end_date', '!=', None),
                    ], order=[])
        before, after = [Literal(False)], [Literal(False)]
        for agency in agencies:
            if agency.start_date:
                start, _ = utc_bounds(
                    agency.start_date, agency.start_date, timezone)
                before.append(
                    (table.agency == agency.id)
                    & (table.received_date < start))
            if agency.end_date:
                _, end = utc_bounds(agency.end_date, agency.end_date, timezone)
                after.append(
                    (table.agency == agency.id)
                    & (table.received_date >= end))
        return {
            'future': table.received_date > utcnow(),
            'before_agency': Or(before),
            'after_agency': Or(after),
            'order': (
                ((table.ready_date != Null)
                    & (table.ready_date < table.received_date))
                | ((table.returned_date != Null)
                    & (table.returned_date < table.received_date))
                | ((table.returned_date != Null) & (table.ready_date != Null)
                    & (table.returned_date < table.ready_date))),
            }

    @classmethod
    def search_date_anomaly(cls, name, clause):
        _, operator, value = clause[:3]
        table = cls.__table__()
        conditions = cls._date_anomaly_conditions(table)
        if value is None:
            where = Or(list(conditions.values()))
            wanted = operator == '!='
        else:
            values = value if operator.endswith('in') else [value]
            where = Or([conditions[v] for v in values if v in conditions]
                or [Literal(False)])
            wanted = operator in {'=', 'in'}
        query = table.select(table.id, where=where)
        return [('id', 'in' if wanted else 'not in', query)]


class DossierEvent(ModelSQL, ModelView):
    __string__ = "Dossier Event"
    __name__ = 'one_stop.dossier.event'

    dossier = fields.Many2One(
        'one_stop.dossier', "Dossier", required=True, ondelete='CASCADE')
    date = fields.DateTime("Date", required=True)
    user = fields.Many2One('res.user', "User", ondelete='RESTRICT')
    from_state = fields.Selection(
        [(None, "")] + STATES, "From", sort=False)
    to_state = fields.Selection(STATES, "To", required=True, sort=False)
    kind = fields.Selection([
            (None, ""),
            ('received_date', "Received Time Corrected"),
            ], "Correction", sort=False)
    previous_date = fields.DateTime(
        "Previous Received Time",
        states={'invisible': Eval('kind') != 'received_date'})
    corrected_date = fields.DateTime(
        "Corrected Received Time",
        states={'invisible': Eval('kind') != 'received_date'})
    reason = fields.Text("Reason")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('dossier')
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.dossier, Index.Equality())))
        cls._order = [('date', 'ASC'), ('id', 'ASC')]

    @classmethod
    def write(cls, *args):
        raise AccessError(gettext('one_stop.msg_event_readonly'))

    @classmethod
    def delete(cls, events):
        if events:
            raise AccessError(gettext('one_stop.msg_event_readonly'))


class CorrectReceivedDateStart(ModelView):
    __string__ = "Correct Received Time"
    __name__ = 'one_stop.dossier.correct_received_date.start'

    dossier = fields.Many2One(
        'one_stop.dossier', "Dossier", readonly=True)
    previous_date = fields.DateTime("Recorded Received Time", readonly=True)
    received_date = fields.DateTime(
        "Correct Received Time", required=True,
        help="Within the same day as the code; not in the future.")
    reason = fields.Text(
        "Reason", required=True,
        help="Why the recorded time is wrong; kept in the history.")


class CorrectReceivedDate(Wizard):
    __string__ = "Correct Received Time"
    __name__ = 'one_stop.dossier.correct_received_date'

    start = StateView(
        'one_stop.dossier.correct_received_date.start',
        'one_stop.dossier_correct_received_date_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Correct", 'correct', 'tryton-ok', default=True),
            ])
    correct = StateTransition()

    def default_start(self, fields):
        return {
            'dossier': self.record.id,
            'previous_date': self.record.received_date,
            'received_date': self.record.received_date,
            }

    def transition_correct(self):
        self.model.correct_received_date(
            [self.record], self.start.received_date, self.start.reason)
        return 'end'


class DossierDailyNumber(ModelSQL):
    __string__ = "Dossier Daily Number"
    __name__ = 'one_stop.dossier.daily_number'

    # A plain integer, not a Many2One: the number is taken in a transaction
    # of its own, which must not depend on an agency not yet committed.
    agency = fields.Integer("Agency", required=True)
    day = fields.Date("Day", required=True)
    last = fields.Integer("Last Number", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('agency_day_unique', Unique(t, t.agency, t.day),
                'one_stop.msg_daily_number_unique'),
            ]

    @classmethod
    def next_number(cls, agency_id, day, count=1):
        """Reserve count numbers of agency on day and return the last one.

        On PostgreSQL the number is taken in a short transaction of its own
        at READ COMMITTED, so that concurrent receptions wait on the row
        lock instead of failing on a serialization error; a dossier whose
        creation is rolled back leaves a gap, as a database sequence does.
        The row is stamped by the root user (always committed) for the
        same reason.
        SQLite has a single writer, so the main transaction is used.
        """
        table = cls._table
        now = dt.datetime.now()
        transaction = Transaction()
        if backend.name == 'postgresql':
            from psycopg import IsolationLevel
            database = transaction.database
            connection = database.get_connection()
            try:
                connection.isolation_level = IsolationLevel.READ_COMMITTED
                cursor = connection.cursor()
                cursor.execute(
                    f'INSERT INTO "{table}" '
                    '(agency, day, last, create_uid, create_date) '
                    'VALUES (%s, %s, %s, %s, %s) '
                    'ON CONFLICT (agency, day) DO UPDATE '
                    f'SET last = "{table}".last + EXCLUDED.last, '
                    'write_uid = EXCLUDED.create_uid, '
                    'write_date = EXCLUDED.create_date '
                    'RETURNING last',
                    (agency_id, day, count, 0, now))
                number, = cursor.fetchone()
                connection.commit()
            except Exception:
                connection.rollback()
                raise
            finally:
                database.put_connection(connection)
            return number
        cursor = transaction.connection.cursor()
        cursor.execute(
            f'UPDATE "{table}" SET last = last + ?, write_uid = ?, '
            'write_date = ? WHERE agency = ? AND day = ?',
            (count, transaction.user, now, agency_id, day))
        if not cursor.rowcount:
            cursor.execute(
                f'INSERT INTO "{table}" '
                '(agency, day, last, create_uid, create_date) '
                'VALUES (?, ?, ?, ?, ?)',
                (agency_id, day, count, transaction.user, now))
        cursor.execute(
            f'SELECT last FROM "{table}" WHERE agency = ? AND day = ?',
            (agency_id, day))
        number, = cursor.fetchone()
        return number
