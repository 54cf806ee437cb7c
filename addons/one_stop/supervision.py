# This file is part of the one_stop module.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The supervisor's dashboard: the workload of each counter and clerk, the
dossiers due today and those late and still open, of the agencies the
supervisor sees (the record rules)."""
from sql import Literal, Null, Select, Union
from sql.aggregate import Min, Sum
from sql.conditionals import Case
from sql.functions import CurrentTimestamp

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import check_access

from .localtime import utc_bounds

OPEN = ('received', 'processing', 'supplement_requested')
# late: not yet ready once the appointment has passed (the clock stops while
# a supplement is awaited)
LATE = ('received', 'processing')


class DossierWorkload(ModelSQL, ModelView):
    __string__ = "Dossier Workload"
    __name__ = 'one_stop.dossier.workload'

    agency = fields.Many2One('one_stop.agency', "Agency", readonly=True)
    counter = fields.Many2One('one_stop.counter', "Counter", readonly=True)
    clerk = fields.Many2One('res.user', "Clerk", readonly=True)
    open = fields.Integer(
        "Open", readonly=True,
        help="Received by the clerk and not yet ready.")
    due_today = fields.Integer(
        "Due Today", readonly=True,
        help="Open or ready, with today's appointment.")
    overdue = fields.Integer(
        "Late, Still Open", readonly=True,
        help="The appointment has passed and the result is not ready.")
    ready = fields.Integer(
        "To Return", readonly=True,
        help="Result ready, waiting for the citizen.")
    received_today = fields.Integer("Received Today", readonly=True)
    returned_today = fields.Integer("Returned Today", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('overdue', 'DESC'), ('open', 'DESC'), ('agency', 'ASC'),
            ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Dossier = pool.get('one_stop.dossier')
        dossier = Dossier.__table__()
        today = Dossier.today()
        start, end = utc_bounds(today, today, Dossier.timezone())

        def flag(condition):
            return Case((condition, Literal(1)), else_=Literal(0))

        zero = Literal(0)
        received_today = (
            (dossier.received_date >= start) & (dossier.received_date < end))
        # what the receiving clerk has in hand, and what was returned today
        # by the returning clerk: each dossier once in each part
        held = dossier.select(
            (dossier.id * 2).as_('key'),
            dossier.agency, dossier.counter,
            dossier.received_by.as_('clerk'),
            flag(dossier.state.in_(OPEN)).as_('open'),
            flag(dossier.state.in_(OPEN + ('ready',))
                & (dossier.appointment_date == today)).as_('due_today'),
            flag(dossier.state.in_(LATE)
                & (dossier.appointment_date < today)).as_('overdue'),
            flag(dossier.state == 'ready').as_('ready'),
            flag(received_today).as_('received_today'),
            zero.as_('returned_today'),
            where=dossier.state.in_(OPEN + ('ready',)) | received_today)
        returned = dossier.select(
            (dossier.id * 2 + 1).as_('key'),
            dossier.agency, dossier.counter,
            dossier.returned_by.as_('clerk'),
            zero.as_('open'), zero.as_('due_today'), zero.as_('overdue'),
            zero.as_('ready'), zero.as_('received_today'),
            Literal(1).as_('returned_today'),
            where=(dossier.returned_date >= start)
            & (dossier.returned_date < end))
        rows = Union(held, returned, all_=True)
        # every row is in one group only: the smallest key is unique
        return rows.select(
            Min(rows.key).as_('id'),
            Literal(0).as_('create_uid'),
            CurrentTimestamp().as_('create_date'),
            cls.write_uid.sql_cast(Null).as_('write_uid'),
            cls.write_date.sql_cast(Null).as_('write_date'),
            rows.agency, rows.counter, rows.clerk,
            *(Sum(getattr(rows, name)).as_(name) for name in [
                    'open', 'due_today', 'overdue', 'ready',
                    'received_today', 'returned_today']),
            group_by=[rows.agency, rows.counter, rows.clerk])


class SupervisorDashboard(ModelSQL, ModelView):
    """The supervisor's dashboard: one record whose lists are those of the
    agencies the user supervises (the record rules of each list apply).
    The client opens its form-only action on a new record: default_get
    gives it the values of the one row (as ModelSingleton does, whose SQL
    constraint a table_query model cannot have).

    Modules add lists with a Function field and an inherited form view whose
    xpath goes into the groups ``extensions`` (e.g. the satisfaction of the
    unit) or ``follow_ups`` (the citizens' feedback and petitions, phản ánh
    kiến nghị, of a later module)."""
    __string__ = "Supervisor's Dashboard"
    __name__ = 'one_stop.supervisor.dashboard'

    workload = fields.Function(fields.Many2Many(
            'one_stop.dossier.workload', None, None,
            "Workload by Counter and Clerk", readonly=True), 'get_lists')
    due_today = fields.Function(fields.Many2Many(
            'one_stop.dossier', None, None, "Due Today", readonly=True),
        'get_lists')
    overdue = fields.Function(fields.Many2Many(
            'one_stop.dossier', None, None, "Late, Still Open",
            readonly=True,
            help="Not ready although the appointment has passed."),
        'get_lists')

    @classmethod
    def table_query(cls):
        # one row, whatever the database holds (a table of the database,
        # e.g. the configuration singleton, may have no row yet)
        return Select([
                Literal(1).as_('id'),
                Literal(0).as_('create_uid'),
                CurrentTimestamp().as_('create_date'),
                cls.write_uid.sql_cast(Null).as_('write_uid'),
                cls.write_date.sql_cast(Null).as_('write_date'),
                ])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # the lists change: never cached by the client
        cls.__rpc__['default_get'].cache = None

    @classmethod
    def default_get(cls, fields_names, with_rec_name=True):
        names = [n for n in fields_names if n in cls._fields and n != 'id']
        values, = cls.read([1], names)
        values.pop('id', None)
        return values

    @classmethod
    def list_domains(cls):
        "The domain of the dossiers of each list of dossiers"
        pool = Pool()
        Dossier = pool.get('one_stop.dossier')
        today = Dossier.today()
        return {
            'due_today': [
                ('appointment_date', '=', today),
                ('state', 'in', list(OPEN) + ['ready']),
                ],
            'overdue': [
                ('appointment_date', '<', today),
                ('state', 'in', list(LATE)),
                ],
            }

    @classmethod
    def get_lists(cls, dashboards, names):
        pool = Pool()
        Dossier = pool.get('one_stop.dossier')
        Workload = pool.get('one_stop.dossier.workload')
        domains = cls.list_domains()
        values = {}
        # the getters of a read run without the access checks: the lists
        # are those the user may read (the record rules)
        with check_access():
            for name in names:
                if name == 'workload':
                    ids = [w.id for w in Workload.search([])]
                else:
                    ids = [d.id for d in Dossier.search(
                            domains[name], order=[
                                ('appointment_date', 'ASC'), ('id', 'ASC')])]
                values[name] = {d.id: ids for d in dashboards}
        return values
