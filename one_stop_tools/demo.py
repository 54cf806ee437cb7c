"""one-stop-demo: fill a Tryton database with realistic one-stop demo data.

Usage::

    one-stop-demo -c CONFIG -d DATABASE [--dossiers N] [--seed S]
        [--start 2024-01-01] [--end YYYY-MM-DD] [--batch 1000] [--no-users]

The database must exist with the module ``one_stop`` activated
(``trytond-admin -c CONFIG -d DATABASE -u one_stop
--activate-dependencies``).  The command creates, idempotently (looked up
by code, date or login, never duplicated on a re-run):

- the agencies of Bình Thuận province before and after the 2025
  reorganisation (districts end on 30/06/2025 with commune-level
  successors; four departments merged on 01/03/2025), with their counters
  and counter networks (10.15.N.0/24);
- about 120 administrative procedures in 21 fields, some of them with the
  result returned immediately;
- the public holidays and make-up working days of 2024-2026;
- a pool of applicants (parties) with generated Vietnamese names;
- unless ``--no-users``: the demo logins ``canbo``, ``canbo.tuphap`` and
  ``giamsat`` (printed at the end with their password) and one clerk
  account without password per other receiving agency (``cb.<code>``),
  used as the receiving/returning clerk of the history.

Then it adds N dossiers (re-running adds N more): received on working days
in office hours (Asia/Ho_Chi_Minh, stored as naive UTC) between --start and
--end, created with ``one_stop.dossier.create`` (so the codes
``<agency>-YYMMDD-NNNN`` come from the module), then given a consistent
history in bulk: state, ready/returned dates, clerks, timeliness (against
the appointment date, extended by supplement waits) and the
``one_stop.dossier.event`` rows with historical dates.  Dossiers are
streamed in batches of --batch, one transaction per batch, so memory stays
bounded whatever N.

Demo data of the other modules
------------------------------
The modules never know the demo: their demo data are made here, by the
generators of ``GENERATORS`` (module name: the modules of
``one_stop_tools`` whose ``generate(context)`` is called, in that order),
run after the host data for every activated module that has some, in
dependency order.  They go through the modules' own API (the satisfaction
data through ``Invitation.issue`` and ``Response.submit_many``).  A
generator runs outside any transaction: it starts its own ones
(``context.transaction()`` returns ``Transaction().start(database, 0)``,
commit on exit), ideally one per batch.  ``context`` (attributes, also
readable as ``context['name']``), shared by the generators of a module:

- ``database``: database name; ``config``: the configuration file;
- ``module``: the module name; ``random``: a ``random.Random`` seeded from
  --seed and the module name;
- ``seed``, ``batch`` (batch size), ``start``, ``end`` (dates of the
  period), ``dossiers`` (N added by this run), ``users`` (False with
  --no-users), ``timezone``;
- ``progress(**kwargs)``: a tqdm progress bar factory writing to stderr;
- ``log(message)``: print a line to stderr;
- ``logins``: a list a generator may append ``(login, password, role)``
  tuples to, printed with the host's demo logins.
"""
import argparse
import bisect
import datetime as dt
import importlib
import logging
import os
import random
import sys
import time
from zoneinfo import ZoneInfo

from one_stop_tools import demo_data as data

TIMEZONE = 'Asia/Ho_Chi_Minh'
PASSWORD = data.PASSWORD
URL = 'http://localhost:8000'
MORNING = (7 * 60, 11 * 60 + 30)
AFTERNOON = (13 * 60 + 30, 17 * 60)
UTC = dt.UTC


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog='one-stop-demo',
        description="Generate one-stop demo data (Bình Thuận province) in "
        "a Tryton database where the module one_stop is activated.")
    parser.add_argument('-c', '--config', dest='config',
        default=os.environ.get('TRYTOND_CONFIG'),
        help="trytond configuration file (default: $TRYTOND_CONFIG)")
    parser.add_argument('-d', '--database', required=True)
    parser.add_argument('--dossiers', type=int, default=5000,
        help="number of dossiers to add (default: %(default)s)")
    parser.add_argument('--seed', type=int, default=2026,
        help="random seed (default: %(default)s)")
    parser.add_argument('--start', type=dt.date.fromisoformat,
        default=dt.date(2024, 1, 1),
        help="first receipt date (default: %(default)s)")
    parser.add_argument('--end', type=dt.date.fromisoformat, default=None,
        help="last receipt date (default: today)")
    parser.add_argument('--batch', type=int, default=1000,
        help="dossiers per transaction (default: %(default)s)")
    parser.add_argument('--no-users', dest='users', action='store_false',
        help="do not create the demo users")
    args = parser.parse_args(argv)
    if args.dossiers < 0:
        parser.error("--dossiers must not be negative")
    if args.batch < 1:
        parser.error("--batch must be positive")
    return args


def log(message):
    print(message, file=sys.stderr, flush=True)


def progress(**kwargs):
    from tqdm import tqdm
    kwargs.setdefault('file', sys.stderr)
    kwargs.setdefault('dynamic_ncols', True)
    kwargs.setdefault('mininterval', 0.5)
    return tqdm(**kwargs)


# The demo data of the modules: module name -> the modules of the generators
# run when it is activated, in that order
GENERATORS = {
    'one_stop_feedback': ['one_stop_tools.demo_feedback'],
    'public_satisfaction': [
        'one_stop_tools.demo_satisfaction',
        # the follow-ups the unhappy answers opened
        'one_stop_tools.demo_followup',
        # after the answers: its survey criteria are computed from them
        'one_stop_tools.demo_reform',
        ],
    }


class DemoContext:
    "What the generate(context) functions of GENERATORS receive"

    def __init__(self, **kwargs):
        self.__dict__.update(kwargs)

    def __getitem__(self, name):
        return getattr(self, name)

    def __contains__(self, name):
        return hasattr(self, name)

    def get(self, name, default=None):
        return getattr(self, name, default)

    def transaction(self, readonly=False):
        from trytond.transaction import Transaction
        return Transaction().start(self.database, 0, readonly=readonly)


# ---------------------------------------------------------------- calendar
class Calendar:
    "Working days and office hours of the agencies, in local time"

    def __init__(self, holidays, working, weekend, timezone):
        self.holidays = frozenset(holidays)
        self.working = frozenset(working)
        self.weekend = frozenset(weekend)
        self.tz = ZoneInfo(timezone)
        self._next = {}

    def is_working(self, day):
        if day in self.working:
            return True
        return day.weekday() not in self.weekend and day not in self.holidays

    def next_working(self, day):
        result = self._next.get(day)
        if result is None:
            result = day + dt.timedelta(days=1)
            while not self.is_working(result):
                result += dt.timedelta(days=1)
            self._next[day] = result
        return result

    def add(self, day, days):
        "Same rule as one_stop.workdays.add_working_days"
        for _ in range(days):
            day = self.next_working(day)
        return day

    def count(self, start, end):
        "Same rule as one_stop.workdays.count_working_days"
        count = 0
        while start < end:
            start = self.next_working(start)
            if start <= end:
                count += 1
        return count

    def to_utc(self, local):
        return (local.replace(tzinfo=self.tz).astimezone(UTC)
            .replace(tzinfo=None))

    def local(self, utc):
        return (utc.replace(tzinfo=UTC).astimezone(self.tz)
            .replace(tzinfo=None))


def windows(day, after=None, until=None):
    "Office minutes of day as [(start, end)] after and until local datetimes"
    low = high = None
    if after is not None and after.date() == day:
        low = after.hour * 60 + after.minute + 1
    if until is not None and until.date() == day:
        high = until.hour * 60 + until.minute
    result = []
    for start, end in (MORNING, AFTERNOON):
        if low is not None:
            start = max(start, low)
        if high is not None:
            end = min(end, high)
        if start < end:
            result.append((start, end))
    return result


def office_time(rng, day, after=None, until=None):
    "A random local datetime in office hours of day, or None"
    spans = windows(day, after, until)
    total = sum(e - s for s, e in spans)
    if not total:
        return None
    pick = rng.random() * total
    for start, end in spans:
        if pick < end - start:
            minute = start + pick
            break
        pick -= end - start
    else:
        minute = spans[-1][1] - 1
    minute = int(minute)
    return dt.datetime.combine(day, dt.time(
            minute // 60, minute % 60, rng.randrange(60)))


# ----------------------------------------------------------------- setup
def vietnamese_name(rng, female=None):
    if female is None:
        female = rng.random() < 0.52
    family = rng.choices(
        [n for n, _ in data.FAMILY_NAMES],
        [w for _, w in data.FAMILY_NAMES])[0]
    if female:
        middle = rng.choice(data.FEMALE_MIDDLE)
        given = rng.choice(data.FEMALE_GIVEN)
    else:
        middle = rng.choice(data.MALE_MIDDLE)
        given = rng.choice(data.MALE_GIVEN)
    return f"{family} {middle} {given}"


def ensure_configuration(pool):
    Configuration = pool.get('one_stop.configuration')
    config = Configuration(1)
    if not config.timezone:
        config.timezone = TIMEZONE
        config.save()
    config = Configuration(1)
    return config.timezone, config.get_weekend()


def ensure_agencies(pool):
    "Create the missing agencies and counters; return {code: agency}"
    Agency = pool.get('one_stop.agency')
    Counter = pool.get('one_stop.counter')
    with_inactive = {'active_test': False}
    from trytond.transaction import Transaction
    with Transaction().set_context(with_inactive):
        existing = {a.code: a for a in Agency.search([])}
    created = 0
    for (code, name, kind, parent, start, end, successor,
            _) in data.AGENCIES:
        if code in existing:
            continue
        agency, = Agency.create([{
                    'code': code,
                    'name': name,
                    'kind': kind,
                    'parent': existing[parent].id if parent else None,
                    'start_date': start,
                    'end_date': end,
                    'successor': existing[successor].id if successor
                    else None,
                    }])
        existing[code] = agency
        created += 1
    with Transaction().set_context(with_inactive):
        counters = {(c.agency.id, c.code) for c in Counter.search([])}
    to_create = []
    network = 0
    for code, name, kind, *_ in data.AGENCIES:
        for c_code, c_name, c_kind in data.counters_of(code, name, kind):
            network += 1
            agency = existing[code]
            if (agency.id, c_code) in counters:
                continue
            to_create.append({
                    'agency': agency.id,
                    'code': c_code,
                    'name': c_name,
                    'kind': c_kind,
                    'networks': f'10.15.{network}.0/24',
                    })
    if to_create:
        Counter.create(to_create)
    return created, len(to_create)


def ensure_procedures(pool):
    Field = pool.get('one_stop.procedure.field')
    Procedure = pool.get('one_stop.procedure')
    from trytond.transaction import Transaction
    with Transaction().set_context(active_test=False):
        fields_ = {f.code: f for f in Field.search([]) if f.code}
        procedures = {p.code for p in Procedure.search([])}
    missing = [{'code': c, 'name': n} for c, n, _ in data.FIELDS
        if c not in fields_]
    if missing:
        for field in Field.create(missing):
            fields_[field.code] = field
    to_create = []
    for index, (field, level, name, days, fee, _, flags) in enumerate(
            data.PROCEDURES):
        code = data.procedure_code(index)
        if code in procedures:
            continue
        immediate = 'i' in flags
        to_create.append({
                'code': code,
                'name': name,
                'field': fields_[field].id,
                'level': level,
                'processing_days': 0 if immediate else days,
                'fee': fee,
                'immediate_result': immediate,
                })
    if to_create:
        Procedure.create(to_create)
    return len(to_create)


def ensure_holidays(pool):
    Holiday = pool.get('one_stop.holiday')
    existing = {h.date for h in Holiday.search([])}
    to_create = [{'date': d, 'name': n, 'kind': k}
        for d, n, k in data.HOLIDAYS if d not in existing]
    if to_create:
        Holiday.create(to_create)
    return len(to_create)


def ensure_users(pool, rng, agencies):
    """Create the demo users; return the printed logins and the number of
    created users"""
    User = pool.get('res.user')
    Lang = pool.get('ir.lang')
    ModelData = pool.get('ir.model.data')
    Counter = pool.get('one_stop.counter')
    from trytond.transaction import Transaction

    clerk = ModelData.get_id('one_stop', 'group_one_stop_clerk')
    supervisor = ModelData.get_id('one_stop', 'group_one_stop_supervisor')
    admin_group = ModelData.get_id('one_stop', 'group_one_stop_admin')
    with Transaction().set_context(active_test=False):
        langs = Lang.search([('code', '=', 'vi')], limit=1)
    lang = None
    if langs:
        lang, = langs
        if not lang.translatable or not lang.active:
            # users may only have a translatable language; the texts
            # come with: trytond-admin -d DATABASE --all -l vi
            log("making language vi translatable (load its texts with "
                "trytond-admin -c CONFIG -d DATABASE --all -l vi)")
            Lang.write([lang], {'translatable': True, 'active': True})
        lang = lang.id

    def first_counter(code, kind='general'):
        counters = Counter.search([
                ('agency', '=', agencies[code].id),
                ('kind', '=', kind),
                ], order=[('code', 'ASC')], limit=1)
        return counters[0].id if counters else None

    wanted = [
        ('canbo', "Nguyễn Thị Mai Anh", data.CENTRE, clerk,
            "Công chức một cửa - Trung tâm Hành chính công tỉnh, "
            "Quầy số 1"),
        ('canbo.tuphap', "Trần Văn Bình", 'H15.03', clerk,
            "Công chức một cửa - Sở Tư pháp"),
        ('giamsat', "Lê Thị Hồng Nhung", data.ROOT, supervisor,
            "Giám sát (Supervisor) - toàn tỉnh (UBND tỉnh và các đơn vị "
            "trực thuộc)"),
        ]
    printed = []
    with Transaction().set_context(active_test=False):
        existing = {u.login: u for u in User.search([])}
    to_create = []
    for login, name, code, group, role in wanted:
        printed.append((login, PASSWORD, role))
        if login in existing:
            continue
        to_create.append({
                'login': login,
                'name': name,
                'password': PASSWORD,
                'language': lang,
                'groups': [('add', [group])],
                'one_stop_agency': agencies[code].id,
                'one_stop_counter': first_counter(code),
                })
    # Historical clerks, one per other receiving agency, without password
    for code, *_ in data.AGENCIES:
        if code in {data.CENTRE, 'H15.03'}:
            continue
        login = f'cb.{code.lower()}'
        if login in existing:
            continue
        to_create.append({
                'login': login,
                'name': vietnamese_name(rng),
                'language': lang,
                'groups': [('add', [clerk])],
                'one_stop_agency': agencies[code].id,
                'one_stop_counter': first_counter(code),
                })
    if to_create:
        User.create(to_create)
    admins = User.search([('login', '=', 'admin')])
    for admin in admins:
        if admin_group not in {g.id for g in admin.groups}:
            User.write([admin], {'groups': [('add', [admin_group])]})
    printed.insert(0, ('admin', "(unchanged: the trytond-admin password)",
            "Quản trị (One-stop Administrator)"))
    return printed, len(to_create)


def ensure_parties(database, rng, size, batch):
    "Return the ids of a pool of size applicants, creating the missing ones"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(database, 0, readonly=True) as transaction:
        Party = Pool().get('party.party')
        table = Party.__table__()
        cursor = transaction.connection.cursor()
        cursor.execute(*table.select(table.id,
                where=table.active == True,  # noqa: E712
                order_by=table.id.asc, limit=size))
        ids = [r[0] for r in cursor]
    missing = size - len(ids)
    if missing > 0:
        bar = progress(total=missing, desc="applicants", unit="party")
        while missing > 0:
            count = min(batch, missing)
            with Transaction().start(database, 0):
                Party = Pool().get('party.party')
                for chunk in chunked(range(count), ORM_CHUNK):
                    parties = Party.create([{'name': vietnamese_name(rng)}
                            for _ in chunk])
                    ids.extend(p.id for p in parties)
            missing -= count
            bar.update(count)
        bar.close()
    return ids


# ------------------------------------------------------------- the world
class World:
    "An in-memory snapshot of the reference data used to plan dossiers"

    def __init__(self, pool, calendar):
        Agency = pool.get('one_stop.agency')
        Counter = pool.get('one_stop.counter')
        Procedure = pool.get('one_stop.procedure')
        User = pool.get('res.user')
        from trytond.transaction import Transaction
        self.calendar = calendar
        with Transaction().set_context(active_test=False):
            agencies = Agency.search([])
        self.agency = {}  # code -> (id, start, end, successor code)
        for a in agencies:
            self.agency[a.code] = (a.id, a.start_date, a.end_date,
                a.successor.code if a.successor else None)
        self.kind = {a.code: a.kind for a in agencies}
        self.counters = {}
        for counter in Counter.search([('kind', '=', 'general')]):
            self.counters.setdefault(counter.agency.id, []).append(
                counter.id)
        self.clerks = {}
        for user in User.search([('one_stop_agency', '!=', None)]):
            self.clerks.setdefault(user.one_stop_agency.id, []).append(
                user.id)

        by_code = {p.code: p for p in Procedure.search([])}
        self.procedures = []  # (id, level, days, immediate, target, field)
        weights = []
        departments = {c: d for c, _, d in data.FIELDS}
        for index, (field, _, _, _, _, weight, flags) in enumerate(
                data.PROCEDURES):
            procedure = by_code.get(data.procedure_code(index))
            if not procedure or not procedure.active:
                continue
            target = data.ROOT if 'r' in flags else departments[field]
            self.procedures.append((procedure.id, procedure.level,
                    0 if procedure.immediate_result
                    else procedure.processing_days,
                    bool(procedure.immediate_result), target, field))
            weights.append(weight)
        if not self.procedures:
            raise SystemExit("no demo procedure found")
        self.cum_weights = list(_accumulate(weights))
        immediate = sum(w for w, p in zip(weights, self.procedures)
            if p[3]) / self.cum_weights[-1]
        # channel probabilities for the dossiers of non-immediate procedures
        # so that the whole is about 60 % counter, 30 % online, 10 % postal
        self.p_online = min(0.6, 0.30 / (1 - immediate))
        self.p_postal = min(0.25, 0.10 / (1 - immediate))

        area = [(c, w) for c, n, k, p, s, e, su, w in data.AGENCIES
            if k == 'district_committee']
        self.districts = [c for c, _ in area]
        self.district_weights = list(_accumulate(w for _, w in area))
        area = [(c, w) for c, n, k, p, s, e, su, w in data.AGENCIES
            if k == 'commune_committee' and e]
        self.communes = [c for c, _ in area]
        self.commune_weights = list(_accumulate(w for _, w in area))

    def resolve(self, code, day):
        "The agency code receiving on day for code, following successors"
        seen = set()
        while True:
            _, start, end, successor = self.agency[code]
            if end and end < day and successor and code not in seen:
                seen.add(code)
                code = successor
                continue
            if (start and day < start) or (end and end < day):
                return None
            return code

    def pick_procedure(self, rng):
        index = bisect.bisect(self.cum_weights,
            rng.random() * self.cum_weights[-1])
        return self.procedures[min(index, len(self.procedures) - 1)]

    def pick_agency(self, rng, procedure, day):
        _, level, _, _, target, _ = procedure
        if level == 'district':
            code = self.districts[bisect.bisect(self.district_weights,
                    rng.random() * self.district_weights[-1])]
        elif level == 'commune':
            code = self.communes[bisect.bisect(self.commune_weights,
                    rng.random() * self.commune_weights[-1])]
        else:
            code = target
        return self.resolve(code, day)


def _accumulate(values):
    total = 0
    for value in values:
        total += value
        yield total


# -------------------------------------------------------------- dossiers
def day_weight(day):
    weight = {0: 1.2, 1: 1.05, 2: 1.0, 3: 1.0, 4: 0.9}.get(
        day.weekday(), 0.6)
    # busier before and after Tết, quieter in its week
    if day.month in (1, 3):
        weight *= 1.1
    return weight


def allocate_days(rng, calendar, start, end, total, cutoff):
    "Yield (day, count) over working days with exactly total dossiers"
    days = []
    weights = []
    day = start
    while day <= end:
        if calendar.is_working(day):
            spans = windows(day, until=cutoff)
            minutes = sum(e - s for s, e in spans)
            if minutes:
                days.append(day)
                weights.append(day_weight(day) * minutes / 480)
        day += dt.timedelta(days=1)
    if not days:
        raise SystemExit(f"no working day between {start} and {end}")
    scale = total / sum(weights)
    offset = rng.random()
    cumulative = 0.0
    previous = int(offset)
    for day, weight in zip(days, weights):
        cumulative += weight * scale
        current = int(cumulative + offset)
        if day == days[-1]:
            current = total + int(offset)
        if current > previous:
            yield day, current - previous
        previous = current


class Planner:
    "Plan one dossier: creation values, final fields and history events"

    def __init__(self, world, rng, parties, cutoff):
        self.world = world
        self.calendar = world.calendar
        self.rng = rng
        self.parties = parties
        self.cutoff = cutoff  # local naive datetime

    def clerk(self, agency_id):
        clerks = self.world.clerks.get(agency_id)
        return self.rng.choice(clerks) if clerks else None

    def later(self, previous, low, high):
        "An office-hours moment low..high working days after previous"
        rng, calendar = self.rng, self.calendar
        k = rng.randint(low, high)
        day = calendar.add(previous.date(), k)
        moment = office_time(rng, day, after=previous)
        while moment is None:
            day = calendar.next_working(day)
            moment = office_time(rng, day)
        return moment

    def plan(self, received):
        "Return a plan for a dossier received at the local datetime"
        rng, world, calendar = self.rng, self.world, self.calendar
        day = received.date()
        for _ in range(20):
            procedure = world.pick_procedure(rng)
            agency_code = world.pick_agency(rng, procedure, day)
            if agency_code:
                break
        else:
            return None
        proc_id, level, days, immediate, _, field = procedure
        agency_id = world.agency[agency_code][0]

        draw = rng.random()
        if immediate:
            channel = 'counter'
        elif draw < world.p_online:
            channel = 'online'
        elif draw < world.p_online + world.p_postal:
            channel = 'postal'
        else:
            channel = 'counter'
        if channel == 'postal':
            return_method = 'postal'
        elif channel == 'online':
            return_method = 'postal' if rng.random() < 0.4 else 'counter'
        else:
            return_method = ('postal' if not immediate
                and rng.random() < 0.08 else 'counter')
        counter = None
        if channel == 'counter':
            counters = world.counters.get(agency_id)
            counter = rng.choice(counters) if counters else None

        receiver = self.clerk(agency_id)
        appointment = calendar.add(day, days)
        events = []  # (local datetime, from, to, user, reason)
        events.append((received, None, 'received', receiver, None))
        ready = returned = None

        if immediate:
            ready = received + dt.timedelta(minutes=rng.randint(3, 25),
                seconds=rng.randrange(60))
            events.append((ready, 'received', 'ready', receiver, None))
            returned = ready + dt.timedelta(minutes=rng.randint(1, 10),
                seconds=rng.randrange(60))
            events.append((returned, 'ready', 'returned', receiver, None))
        else:
            handler = self.clerk(agency_id)
            processing = self.later(received, 0, 1)
            events.append((processing, 'received', 'processing', handler,
                    None))
            last = processing
            outcome = rng.random()
            stop = None
            if rng.random() < 0.07:
                requested = self.later(last, 1, max(1, min(3, days)))
                reason = rng.choice(data.SUPPLEMENT_REASONS)
                events.append((requested, 'processing',
                        'supplement_requested', handler, reason))
                if outcome < 0.03:
                    withdrawn = self.later(requested, 3, 15)
                    events.append((withdrawn, 'supplement_requested',
                            'withdrawn', handler,
                            rng.choice(data.WITHDRAW_REASONS)))
                    stop = 'withdrawn'
                else:
                    back = self.later(requested, 1, 8)
                    events.append((back, 'supplement_requested', 'received',
                            receiver, None))
                    waited = calendar.count(requested.date(), back.date())
                    events.append((back, 'received', 'appointment',
                            calendar.add(appointment, waited), None))
                    last = back + dt.timedelta(minutes=rng.randint(5, 90))
                    events.append((last, 'received', 'processing', handler,
                            None))
            if stop is None and outcome < 0.025:
                rejected = self.later(last, 1, max(1, days))
                events.append((rejected, 'processing', 'rejected', handler,
                        rng.choice(data.REJECT_REASONS)))
                stop = 'rejected'
            elif stop is None and outcome < 0.04:
                withdrawn = self.later(last, 0, max(1, days // 2))
                events.append((withdrawn, 'processing', 'withdrawn',
                        handler, rng.choice(data.WITHDRAW_REASONS)))
                stop = 'withdrawn'
            elif stop is None and outcome < 0.045:
                stop = 'stalled'  # forgotten in processing: overdue
            if stop is None:
                target = appointment
                for event in events:
                    if event[2] == 'appointment':
                        target = event[3]
                timing = rng.random()
                if timing < 0.08:
                    ready_day = calendar.add(target, rng.randint(1, 6))
                elif timing < 0.45:
                    ready_day = target
                else:
                    first = last.date()
                    span = calendar.count(first, target)
                    # early: a working day in [first, target[
                    ready_day = (calendar.add(first, rng.randrange(span))
                        if span > 0 else target)
                if ready_day < last.date():
                    ready_day = last.date()
                ready = office_time(rng, ready_day, after=last)
                while ready is None:
                    ready_day = calendar.next_working(ready_day)
                    ready = office_time(rng, ready_day)
                events.append((ready, 'processing', 'ready', handler, None))
                if return_method == 'postal':
                    returned = self.later(ready, 0, 2)
                else:
                    returned = self.later(ready, rng.choice(
                            [0, 0, 0, 1, 1, 2, 3]), 4) if rng.random() \
                        < 0.9 else self.later(ready, 5, 20)
                events.append((returned, 'ready', 'returned',
                        self.clerk(agency_id), None))

        # cut the history at the cut-off: late dossiers are still open
        state = 'received'
        values = {
            'state': 'received',
            'received_by': receiver,
            'appointment_date': appointment,
            'ready_date': None,
            'returned_date': None,
            'returned_by': None,
            'timeliness': None,
            'supplement_requested_date': None,
            'reason': None,
            }
        kept = []
        for event in events:
            moment, from_state, to_state, user, reason = event
            if moment > self.cutoff:
                break
            if to_state == 'appointment':
                values['appointment_date'] = user
                continue
            kept.append(event)
            state = to_state
            if to_state == 'ready':
                values['ready_date'] = calendar.to_utc(moment)
                values['timeliness'] = timeliness(
                    moment.date(), values['appointment_date'])
            elif to_state == 'returned':
                values['returned_date'] = calendar.to_utc(moment)
                values['returned_by'] = user
            elif to_state == 'supplement_requested':
                values['supplement_requested_date'] = calendar.to_utc(moment)
                values['reason'] = reason
            elif to_state == 'received' and from_state:
                values['supplement_requested_date'] = None
                values['reason'] = None
            elif to_state in {'rejected', 'withdrawn'}:
                values['reason'] = reason
        values['state'] = state
        create = {
            'applicant': self.rng.choice(self.parties),
            'procedure': proc_id,
            'agency': agency_id,
            'counter': counter,
            'channel': channel,
            'return_method': return_method,
            'received_date': calendar.to_utc(received),
            }
        return create, values, kept


def timeliness(finished, appointment):
    from trytond.modules.one_stop.workdays import timeliness
    return timeliness(finished, appointment)


def receipt_moments(rng, calendar, day, count, cutoff):
    moments = [office_time(rng, day, until=cutoff) for _ in range(count)]
    return sorted(m for m in moments if m is not None)


ORM_CHUNK = 200


def chunked(items, size):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def write_batch(pool, plans, calendar):
    "Create the planned dossiers and give them their history"
    from trytond.transaction import Transaction
    Dossier = pool.get('one_stop.dossier')
    Event = pool.get('one_stop.dossier.event')
    # ORM calls in chunks: trytond checks every id of a browsed list when
    # instantiating each record (an assert), which is quadratic in the
    # length of the list.
    dossiers = []
    for chunk in chunked(plans, ORM_CHUNK):
        dossiers.extend(Dossier.create([p[0] for p in chunk]))
    transaction = Transaction()
    cursor = transaction.connection.cursor()
    table = Dossier.__table__()
    event = Event.__table__()
    from sql import Literal

    columns = ['state', 'received_by', 'appointment_date', 'ready_date',
        'returned_date', 'returned_by', 'timeliness',
        'supplement_requested_date', 'reason', 'create_date']
    query = table.update(
        [getattr(table, c) for c in columns],
        [Literal(None)] * len(columns),
        where=table.id == Literal(0))
    sql, _ = tuple(query)
    rows = []
    event_rows = []
    events = []
    for dossier, (create, values, kept) in zip(dossiers, plans):
        rows.append([values[c] for c in columns[:-1]]
            + [create['received_date'], dossier.id])
        received, _, _, receiver, _ = kept[0]
        received = calendar.to_utc(received)
        event_rows.append(
            (received, receiver, received, dossier.id, 'received'))
        for moment, from_state, to_state, user, reason in kept[1:]:
            moment = calendar.to_utc(moment)
            events.append((dossier.id, moment, user, from_state, to_state,
                    reason, 0, moment))
    cursor.executemany(sql, rows)
    # The "received" event logged by create is dated now: date it back.
    query = event.update(
        [event.date, event.user, event.create_date],
        [Literal(None)] * 3,
        where=(event.dossier == Literal(0))
        & (event.from_state == None)  # noqa: E711
        & (event.to_state == 'received'))
    sql, _ = tuple(query)
    cursor.executemany(sql, event_rows)
    # The later events are inserted in bulk (the ORM would validate each
    # of them, tripling the time); they carry what log_event would store.
    if events:
        names = ['dossier', 'date', 'user', 'from_state', 'to_state',
            'reason', 'create_uid', 'create_date']
        query = event.insert(
            [getattr(event, n) for n in names],
            [[Literal(None)] * len(names)])
        sql, _ = tuple(query)
        cursor.executemany(sql, events)
    return len(dossiers)


def generate_dossiers(args, world, parties, cutoff):
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    rng = random.Random(args.seed)
    calendar = world.calendar
    planner = Planner(world, rng, parties, cutoff)
    bar = progress(total=args.dossiers, desc="dossiers", unit="dossier")
    created = 0
    batch = []

    def flush():
        nonlocal created, batch
        if not batch:
            return
        with Transaction().start(args.database, 0):
            created += write_batch(Pool(), batch, calendar)
        bar.update(len(batch))
        batch = []

    for day, count in allocate_days(
            rng, calendar, args.start, args.end, args.dossiers, cutoff):
        for moment in receipt_moments(rng, calendar, day, count, cutoff):
            plan = planner.plan(moment)
            if plan is None:
                continue
            batch.append(plan)
            if len(batch) >= args.batch:
                flush()
    flush()
    bar.close()
    return created


# ------------------------------------------------------------- modules
def activated_modules(database):
    from trytond.modules import create_graph
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(database, 0, readonly=True):
        Module = Pool().get('ir.module')
        names = {m.name for m in Module.search([
                    ('state', '=', 'activated')])}
    try:
        return [node.name for node in create_graph(names)]
    except Exception:
        return sorted(names)


def run_generators(args, context_kwargs):
    "Run the GENERATORS of the activated modules; return their modules"
    called = []
    for name in activated_modules(args.database):
        generators = GENERATORS.get(name)
        if not generators:
            continue
        log(f"demo data of module {name}")
        context = DemoContext(
            random=random.Random(f'{args.seed}-{name}'),
            module=name, **context_kwargs)
        for generator in generators:
            importlib.import_module(generator).generate(context)
        called.append(name)
    return called


# ------------------------------------------------------------------- main
def main(argv=None):
    args = parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    logging.captureWarnings(True)
    from trytond import config
    if args.config:
        config.update_etc(args.config)
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    started = time.monotonic()
    database = args.database
    pool = Pool(database)
    with Transaction().start(database, 0, readonly=True):
        pool.init()
    with Transaction().start(database, 0, readonly=True):
        Module = pool.get('ir.module')
        if not Module.search([
                    ('name', '=', 'one_stop'),
                    ('state', '=', 'activated'),
                    ]):
            raise SystemExit(
                f"module one_stop is not activated in {database}: run "
                f"trytond-admin -d {database} -u one_stop "
                "--activate-dependencies")

    rng = random.Random(args.seed)
    with Transaction().start(database, 0):
        timezone, weekend = ensure_configuration(pool)
        agencies, counters = ensure_agencies(pool)
        procedures = ensure_procedures(pool)
        holidays = ensure_holidays(pool)
    tz = ZoneInfo(timezone)
    now = dt.datetime.now(UTC).astimezone(tz).replace(tzinfo=None)
    today = now.date()
    if args.end is None:
        args.end = today
    if args.start > args.end:
        raise SystemExit(f"--start {args.start} is after --end {args.end}")
    cutoff = min(now, dt.datetime.combine(args.end, dt.time(23, 59)))
    args.end = min(args.end, cutoff.date())  # nothing received in future
    logins, users = [], 0
    if args.users:
        with Transaction().start(database, 0):
            Agency = pool.get('one_stop.agency')
            with Transaction().set_context(active_test=False):
                by_code = {a.code: a for a in Agency.search([])}
            logins, users = ensure_users(pool, rng, by_code)
    log(f"reference data: {agencies} agencies, {counters} counters, "
        f"{procedures} procedures, {holidays} holidays, {users} users "
        "created")

    with Transaction().start(database, 0, readonly=True):
        Holiday = pool.get('one_stop.holiday')
        days_off, working = Holiday.calendar()
        calendar = Calendar(days_off, working, weekend, timezone)
        world = World(pool, calendar)

    size = min(5000, max(200, args.dossiers // 4))
    parties = ensure_parties(database, rng, size, args.batch)

    setup_time = time.monotonic() - started
    started = time.monotonic()
    created = generate_dossiers(args, world, parties, cutoff)
    elapsed = time.monotonic() - started
    rate = created / elapsed if elapsed else 0
    summary = (f"{created} dossiers created from {args.start:%d/%m/%Y} to "
        f"{args.end:%d/%m/%Y} in {elapsed:.1f} s ({rate:.0f} dossiers/s; "
        f"setup {setup_time:.1f} s)")
    log(summary)

    modules = run_generators(args, dict(
            database=database, config=args.config, seed=args.seed,
            batch=args.batch, start=args.start, end=args.end,
            dossiers=created, users=args.users, timezone=timezone,
            progress=progress, log=log, logins=logins))

    print(summary)
    if modules:
        print(f"Demo data of plugin modules: {', '.join(modules)}")
    print_logins(database, logins, args.users)
    return 0


def print_logins(database, logins, users):
    width = 62
    print("=" * width)
    print(f" One-stop demo - database {database}")
    print(f" URL: {URL}")
    if not users:
        print(" (demo users not created: --no-users)")
    if logins:
        print(" Demo logins (demo only, change them for anything else):")
        for login, password, role in logins:
            print(f"   login: {login:<13} password: {password}")
            print(f"      {role}")
    if users:
        print("   other clerks cb.<agency code> (e.g. cb.h15.24) have no "
            "password")
    print("=" * width)


if __name__ == '__main__':
    sys.exit(main())
