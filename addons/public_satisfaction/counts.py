# This file is part of the public_satisfaction module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""Counts of the survey figures by agency and local day of the return.

A national year is about 100 million dossiers: the scorecards and the
evaluators' views cannot count the detail of every answer each time.  They
read (statistics.figures_query, dossier_figures_query) the counts of each
agency and day:

- satisfaction.count.day: the totals of the invitations returned that day
  (statistics.COUNTS) and open_expiry, the earliest expiry of those still
  open when the row was made (the row is stale once it has passed: one of
  them has expired since);
- satisfaction.count.rating: the rating answers by question, one column
  a value;
- satisfaction.count.dossier: the dossiers returned that day and those bad
  for Decision 766, ratio 3 (statistics.dossier_figures_query), by the
  dossier's own agency and day.

Every change of what they count marks its unit (agency, day) in
satisfaction.count.dirty, in the same transaction, by a plain INSERT (no
lock shared by concurrent answers).  figures_query reads the detail of the
marked and stale units and the counts of the others, in one statement: the
figures are exact however late the refresh is.  The refresh (a cron every
minute) recounts the marked units and deletes only the marks it read; a
mark committed meanwhile stays for the next one.  A mark without agency
(mark_all, for writers of raw SQL: the demo, the benchmarks, an upgrade)
makes figures_query read the detail until the next refresh recounts every
day.  check() compares both ways; a cron runs it on the last days.

Units are the UTC bounds of a local day (one_stop.localtime.utc_bounds),
under the column names of the invitation (agency, returned_date: the start
of the day) so that the keys and conditions of figures_query's callers
apply to the counts as they are.
"""
import datetime as dt
import hashlib
import logging

from sql import Cast, Literal, Null, Select
from sql.conditionals import Case
from sql.functions import CurrentTimestamp
from sql.operators import Concat, Exists, Or

from trytond.model import Index, ModelSQL, Unique, fields
from trytond.modules.one_stop.localtime import local_date, utc_bounds
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction

from . import bulk
from .invitation import OPEN_STATES
from .scoring import LEVELS
from .statistics import COUNTS, dossier_figures_query, dossier_totals, \
    figures_query, invitation_totals, level_column, rating_counts

logger = logging.getLogger(__name__)

# Days recounted by one statement
CHUNK_DAYS = 31
# Days compared by the cron of check()
CHECKED_DAYS = 35
# The invitation's fields counted: a write of one marks its unit
COUNTED_FIELDS = {'state', 'opened_date', 'expiry', 'agency', 'returned_date'}
# The fields that move an invitation or a dossier to another unit
MOVED_FIELDS = {'agency', 'returned_date'}
# The dossier's fields counted (ratio 3)
DOSSIER_FIELDS = {'state', 'agency', 'returned_date'}
# The feedback's fields that decide whether its dossier is bad (ratio 3)
FEEDBACK_FIELDS = {'kind', 'state', 'dossier', 'origin', 'channel'}
LOCK_NAME = 'satisfaction.count.refresh'


def day_bounds(returned_date, timezone):
    "The UTC bounds (start, end) of the local day of returned_date"
    day = local_date(returned_date, timezone)
    return utc_bounds(day, day, timezone)


def days_between(first, last):
    "The dates from first to last, both included"
    return [first + dt.timedelta(days=n)
        for n in range((last - first).days + 1)]


def chunks(items, size):
    "items in lists of at most size, in order"
    items = list(items)
    return [items[i:i + size] for i in range(0, len(items), size)]


def day_index(column, bounds):
    """The expression of the index n of the day of column (a UTC datetime)
    among bounds, the (start, end) of each day"""
    return Case(*(((column >= low) & (column < high), Literal(n))
            for n, (low, high) in enumerate(bounds)))


def written_ids(args, names):
    """The ids of the records of write(*args) given a value of one of
    names"""
    actions = iter(args)
    return [r.id for records, values in zip(actions, actions)
        if names & values.keys() for r in records]


def lock_key(name):
    "A 63-bit key for an advisory lock, stable across processes"
    return int.from_bytes(
        hashlib.sha256(name.encode()).digest()[:8], 'big') >> 1


class _UnitMixin:
    __slots__ = ()
    agency = fields.Many2One(
        'one_stop.agency', "Agency", required=True, ondelete='CASCADE')
    returned_date = fields.DateTime(
        "Day Start", required=True,
        help="The UTC instant of the local midnight starting the day.")


class _DayMixin(_UnitMixin):
    "One row a unit; _detail_model: the model of the rows counted"
    __slots__ = ()
    _detail_model = None
    day_end = fields.DateTime("Day End", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('unit_unique', Unique(t, t.agency, t.returned_date),
                'public_satisfaction.msg_count_unit_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.returned_date, Index.Range())))

    @classmethod
    def __register__(cls, module):
        pool = Pool()
        Dirty = pool.get('satisfaction.count.dirty')
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        super().__register__(module)
        # Counts never made over an existing detail (the module updated
        # over a database with answers or returned dossiers): read from the
        # detail until the first refresh counts every day
        cursor.execute(*table.select(table.id, limit=1))
        if cursor.fetchone():
            return
        detail = pool.get(cls._detail_model).__table__()
        cursor.execute(*detail.select(
                detail.id, where=detail.returned_date != Null, limit=1))
        if cursor.fetchone():
            Dirty.mark_all()


class CountDay(_DayMixin, ModelSQL):
    __string__ = "Survey Counts of a Day"
    __name__ = 'satisfaction.count.day'
    _detail_model = 'satisfaction.invitation'

    first_invitation = fields.Integer("First Invitation")
    eligible = fields.Integer("Eligible")
    opened = fields.Integer("Opened")
    answered = fields.Integer("Answered")
    declined = fields.Integer("Declined")
    expired = fields.Integer("Expired")
    flagged = fields.Integer("Flagged")
    excluded = fields.Integer("Excluded")
    open_expiry = fields.DateTime(
        "Earliest Open Expiry",
        help="The earliest expiry of the invitations still open when the "
        "counts were made: they are recounted from the detail after it.")

    @classmethod
    def usable(cls):
        "Whether figures_query may read the counts (no mark_all pending)"
        Dirty = Pool().get('satisfaction.count.dirty')
        dirty = Dirty.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*dirty.select(
                dirty.id, where=dirty.agency == Null, limit=1))
        return cursor.fetchone() is None

    @classmethod
    def _unmarked(cls, table):
        "The condition: the unit of the row of table is not marked"
        Dirty = Pool().get('satisfaction.count.dirty')
        dirty = Dirty.__table__()
        return ~Exists(dirty.select(Literal(1), where=(
                    (dirty.agency == table.agency)
                    & (dirty.returned_date == table.returned_date))))

    @classmethod
    def _fresh(cls, table, now):
        return (table.open_expiry == Null) | (table.open_expiry >= now)

    @classmethod
    def changed_units(cls, condition):
        """The query of the marked units (agency, returned_date, day_end)
        whose rows match condition(table)"""
        Dirty = Pool().get('satisfaction.count.dirty')
        dirty = Dirty.__table__()
        columns = [dirty.agency, dirty.returned_date, dirty.day_end]
        return dirty.select(
            *columns, where=(dirty.agency != Null) & condition(dirty),
            group_by=columns)

    @classmethod
    def stale_units(cls, condition, now):
        "The query of the units whose counts are stale at now"
        table = cls.__table__()
        return table.select(
            table.agency, table.returned_date, table.day_end,
            where=condition(table) & ~cls._fresh(table, now))

    @classmethod
    def totals(cls, key, condition, now):
        """The totals of the units neither marked nor stale matching
        condition(table), with key(table): the columns of
        statistics.invitation_totals"""
        table = cls.__table__()
        return table.select(
            key(table).as_('key'), table.first_invitation.as_('id'),
            *(getattr(table, c) for c in COUNTS),
            where=condition(table) & cls._fresh(table, now)
            & cls._unmarked(table))

    @classmethod
    def rating_counts(cls, key, condition):
        """The rating counts of the units not marked matching
        condition(table), with key(table): the columns of
        statistics.rating_counts"""
        Rating = Pool().get('satisfaction.count.rating')
        table = Rating.__table__()
        return table.select(
            key(table).as_('key'), table.question,
            *(getattr(table, level_column(level))
                for level in LEVELS + (None,)),
            where=condition(table) & cls._unmarked(table))

    @classmethod
    def dossier_totals(cls, key, condition):
        """The dossier counts (ratio 3) of the units not marked matching
        condition(table), with key(table): the columns of
        statistics.dossier_totals"""
        CountDossier = Pool().get('satisfaction.count.dossier')
        table = CountDossier.__table__()
        return table.select(
            key(table).as_('key'), table.dossiers, table.bad_dossiers,
            where=condition(table) & cls._unmarked(table))

    @classmethod
    def refresh(cls):
        """Recount the marked units and delete the marks read (cron).
        Return the number of days recounted, None if another refresh is
        running."""
        pool = Pool()
        Dirty = pool.get('satisfaction.count.dirty')
        Dossier = pool.get('one_stop.dossier')
        transaction = Transaction()
        database = transaction.database
        cursor = transaction.connection.cursor()
        if database.has_select_for():
            cursor.execute(*Select([database.lock_id(lock_key(LOCK_NAME))]))
            if not cursor.fetchone()[0]:
                return None
        dirty = Dirty.__table__()
        cursor.execute(*dirty.select(
                dirty.id, dirty.agency, dirty.returned_date, dirty.day_end))
        marks = cursor.fetchall()
        if not marks:
            return 0
        everything = any(agency is None for _, agency, _, _ in marks)
        if everything:
            units = {bounds: None for bounds in cls._all_days(
                    Dossier.timezone())}
            table = cls.__table__()
            cursor.execute(*table.delete())
            for name in ['satisfaction.count.rating',
                    'satisfaction.count.dossier']:
                cursor.execute(*pool.get(name).__table__().delete())
        else:
            units = {}
            for _, agency, low, high in marks:
                units.setdefault((low, high), set()).add(agency)
        for days in chunks(sorted(units), CHUNK_DAYS):
            cls._recount({d: units[d] for d in days}, everything)
        for ids in grouped_slice([m[0] for m in marks]):
            cursor.execute(*dirty.delete(where=reduce_ids(dirty.id, ids)))
        return len(units)

    @classmethod
    def _all_days(cls, timezone):
        "The bounds of every local day with a returned invitation or dossier"
        pool = Pool()
        cursor = Transaction().connection.cursor()
        dates = []
        for name in ['satisfaction.invitation', 'one_stop.dossier']:
            table = pool.get(name).__table__()
            # the smallest and the largest, by the index of returned_date
            for order in [table.returned_date.asc, table.returned_date.desc]:
                cursor.execute(*table.select(
                        table.returned_date,
                        where=table.returned_date != Null,
                        order_by=[order], limit=1))
                dates.extend(r[0] for r in cursor)
        if not dates:
            return []
        return [utc_bounds(day, day, timezone) for day in days_between(
                local_date(min(dates), timezone),
                local_date(max(dates), timezone))]

    @classmethod
    def _recount(cls, units, everything=False):
        """Replace the counts of units ({(start, end) of a day: agency ids,
        None for all}) by those of the detail"""
        pool = Pool()
        Invitation = pool.get('satisfaction.invitation')
        Rating = pool.get('satisfaction.count.rating')
        CountDossier = pool.get('satisfaction.count.dossier')
        Dossier = pool.get('one_stop.dossier')
        cursor = Transaction().connection.cursor()
        user = Transaction().user
        now = Invitation.now()
        days = list(units)

        def of_unit(table, low, high, agencies):
            condition = ((table.returned_date >= low)
                & (table.returned_date < high))
            if agencies is not None:
                condition &= table.agency.in_(sorted(agencies))
            return condition

        def of_units(table):
            return Or([of_unit(table, low, high, units[(low, high)])
                    for low, high in days])

        if not everything:
            for Model in [cls, Rating, CountDossier]:
                table = Model.__table__()
                cursor.execute(*table.delete(where=of_units(table)))

        invitation = Invitation.__table__()
        day = day_index(invitation.returned_date, days)
        open_ = invitation.state.in_(sorted(OPEN_STATES))
        detail = invitation.select(
            invitation.id, invitation.state, invitation.opened_date,
            invitation.expiry, invitation.agency, day.as_('day'),
            Case((open_ & (invitation.expiry >= now), invitation.expiry)
                ).as_('open_expiry'),
            where=(invitation.state != 'revoked') & of_units(invitation))

        def start(column):
            return Case(*((column == i, Literal(low))
                    for i, (low, _) in enumerate(days)))

        def end(column):
            return Case(*((column == i, Literal(high))
                    for i, (_, high) in enumerate(days)))

        totals = invitation_totals(
            detail, ['agency', 'day'], now, extra=['open_expiry'])
        table = cls.__table__()
        cursor.execute(*table.insert(
                [table.agency, table.returned_date, table.day_end,
                    table.first_invitation,
                    *(getattr(table, c) for c in COUNTS),
                    table.open_expiry, table.create_uid, table.create_date],
                totals.select(
                    totals.agency, start(totals.day), end(totals.day),
                    totals.id, *(getattr(totals, c) for c in COUNTS),
                    totals.open_expiry, Literal(user), CurrentTimestamp())))

        ratings = rating_counts(detail, ['agency', 'day'])
        levels = [level_column(level) for level in LEVELS + (None,)]
        table = Rating.__table__()
        cursor.execute(*table.insert(
                [table.agency, table.returned_date, table.question,
                    *(getattr(table, c) for c in levels),
                    table.create_uid, table.create_date],
                ratings.select(
                    ratings.agency, start(ratings.day), ratings.question,
                    *(getattr(ratings, c) for c in levels),
                    Literal(user), CurrentTimestamp())))

        def returned():
            dossier = Dossier.__table__()
            return dossier.select(
                dossier.id, dossier.agency,
                day_index(dossier.returned_date, days).as_('day'),
                where=(dossier.state == 'returned') & of_units(dossier))
        dossiers = dossier_totals(returned, ['agency', 'day'])
        table = CountDossier.__table__()
        cursor.execute(*table.insert(
                [table.agency, table.returned_date, table.day_end,
                    table.dossiers, table.bad_dossiers,
                    table.create_uid, table.create_date],
                dossiers.select(
                    dossiers.agency, start(dossiers.day), end(dossiers.day),
                    dossiers.dossiers, dossiers.bad_dossiers,
                    Literal(user), CurrentTimestamp())))

    @classmethod
    def rebuild(cls):
        "Recount every day (after raw SQL writes)"
        Dirty = Pool().get('satisfaction.count.dirty')
        Dirty.mark_all()
        return cls.refresh()

    @classmethod
    def check(cls, start, end):
        """Return the units whose counted figures differ from those of the
        detail, for the results returned from start to end (local dates):
        {(agency id, date): (counted, detail)}, the figures as dicts of
        the columns of figures_query and dossier_figures_query (None where
        a way has no row)"""
        pool = Pool()
        Dossier = pool.get('one_stop.dossier')
        timezone = Dossier.timezone()
        days = days_between(start, end)
        bounds = [utc_bounds(d, d, timezone) for d in days]

        def key(table):
            # agency and day in one integer key
            return table.agency * Literal(len(days)) + day_index(
                table.returned_date, bounds)
        cursor = Transaction().connection.cursor()
        found = {}
        for counted in [True, False]:
            for query in [
                    figures_query(key, start, end, counted=counted),
                    dossier_figures_query(key, start, end, counted=counted),
                    ]:
                names = [getattr(c, 'output_name', None) or c.name
                    for c in query.columns]
                names = [n for n in names if n not in {'key', 'id'}]
                cursor.execute(*query.select(
                        query.key, *(getattr(query, n) for n in names),
                        order_by=[query.key]))
                for row in cursor:
                    figures = found.setdefault(row[0], {}).setdefault(
                        counted, {})
                    figures.update(zip(names, row[1:]))
        differ = {}
        for key_, by_way in found.items():
            if by_way.get(True) != by_way.get(False):
                agency, n = divmod(key_, len(days))
                differ[(agency, days[n])] = (
                    by_way.get(True), by_way.get(False))
        return differ

    @classmethod
    def check_recent(cls):
        """Compare the counts of the last days with the detail (cron): mark
        and log the units that differ"""
        pool = Pool()
        Dossier = pool.get('one_stop.dossier')
        Dirty = pool.get('satisfaction.count.dirty')
        today = Dossier.today()
        differ = cls.check(
            today - dt.timedelta(days=CHECKED_DAYS - 1), today)
        if differ:
            timezone = Dossier.timezone()
            Dirty.mark_units({
                    (agency, *utc_bounds(day, day, timezone))
                    for agency, day in differ})
            for (agency, day), (counted, detail) in sorted(differ.items()):
                logger.warning(
                    "survey counts of agency %s on %s differ from the "
                    "detail: %s != %s (marked)", agency, day, counted,
                    detail)
        return differ


class CountRating(_UnitMixin, ModelSQL):
    __string__ = "Survey Rating Counts of a Day"
    __name__ = 'satisfaction.count.rating'

    question = fields.Many2One(
        'satisfaction.question', "Question", required=True,
        ondelete='CASCADE')
    level_1 = fields.Integer("Rated 1")
    level_2 = fields.Integer("Rated 2")
    level_3 = fields.Integer("Rated 3")
    level_4 = fields.Integer("Rated 4")
    level_5 = fields.Integer("Rated 5")
    level_na = fields.Integer("Not Applicable")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.agency, Index.Equality()),
                    (t.returned_date, Index.Range())),
                Index(t, (t.returned_date, Index.Range())),
                })

    @classmethod
    def __register__(cls, module):
        Dirty = Pool().get('satisfaction.count.dirty')
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        table_h = cls.__table_handler__(module)
        # Migration from one row a value (columns value, not_applicable,
        # count): counted again from the detail
        by_value = table_h.column_exist('value')
        super().__register__(module)
        if by_value:
            cursor.execute(*table.delete())
            table_h = cls.__table_handler__(module)
            for name in ['value', 'not_applicable', 'count']:
                table_h.drop_column(name)
            Dirty.mark_all()


class CountDossier(_DayMixin, ModelSQL):
    __string__ = "Dossier Counts of a Day"
    __name__ = 'satisfaction.count.dossier'
    _detail_model = 'one_stop.dossier'

    dossiers = fields.Integer("Dossiers")
    bad_dossiers = fields.Integer(
        "Bad Dossiers",
        help="Unhappy overall rating or feedback about the dossier "
        "(Decision 766, ratio 3).")


class CountDirty(ModelSQL):
    __string__ = "Survey Counts to Recount"
    __name__ = 'satisfaction.count.dirty'

    agency = fields.Many2One(
        'one_stop.agency', "Agency", ondelete='CASCADE',
        help="Empty: every unit.")
    returned_date = fields.DateTime("Day Start")
    day_end = fields.DateTime("Day End")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t,
                (t.agency, Index.Equality()),
                (t.returned_date, Index.Range())))

    @classmethod
    def mark_units(cls, units):
        "Mark the units (agency id, start, end)"
        bulk.insert(cls, [
                {'agency': a, 'returned_date': s, 'day_end': e}
                for a, s, e in sorted(units)])

    @classmethod
    def mark(cls, pairs):
        "Mark the units of the (agency id, returned date) pairs"
        Dossier = Pool().get('one_stop.dossier')
        timezone = Dossier.timezone()
        cls.mark_units({(agency, *day_bounds(date, timezone))
                for agency, date in pairs if agency and date})

    @classmethod
    def mark_all(cls):
        "Mark every unit: figures_query reads the detail until a refresh"
        bulk.insert(cls, [{'agency': None}])

    @classmethod
    def mark_invitations(cls, ids):
        "Mark the units of the invitations ids and of their dossiers"
        if not ids:
            return
        pool = Pool()
        Invitation = pool.get('satisfaction.invitation')
        Dossier = pool.get('one_stop.dossier')
        invitation = Invitation.__table__()
        dossier = Dossier.__table__()
        cursor = Transaction().connection.cursor()
        pairs = set()
        for sub_ids in grouped_slice(sorted(set(ids))):
            cursor.execute(*invitation.join(dossier, 'LEFT',
                    condition=dossier.id == invitation.dossier).select(
                    invitation.agency, invitation.returned_date,
                    dossier.agency, dossier.returned_date,
                    where=reduce_ids(invitation.id, sub_ids)))
            for agency, date, dossier_agency, dossier_date in cursor:
                pairs.update([(agency, date), (dossier_agency, dossier_date)])
        cls.mark(pairs)

    @classmethod
    def dossier_units(cls, ids):
        "The (agency id, returned date) pairs of the dossiers ids"
        Dossier = Pool().get('one_stop.dossier')
        dossier = Dossier.__table__()
        cursor = Transaction().connection.cursor()
        pairs = set()
        for sub_ids in grouped_slice(sorted(set(filter(None, ids)))):
            cursor.execute(*dossier.select(
                    dossier.agency, dossier.returned_date,
                    where=reduce_ids(dossier.id, sub_ids)
                    & (dossier.returned_date != Null)))
            pairs.update(cursor)
        return pairs

    @classmethod
    def feedback_dossiers(cls, ids):
        """The ids of the dossiers of the feedbacks ids: linked to them, or
        whose answer they follow up"""
        pool = Pool()
        Feedback = pool.get('one_stop.feedback')
        Response = pool.get('satisfaction.response')
        feedback = Feedback.__table__()
        response = Response.__table__()
        cursor = Transaction().connection.cursor()
        dossiers = set()
        for sub_ids in grouped_slice(sorted(set(ids))):
            cursor.execute(*feedback.join(response, 'LEFT',
                    condition=feedback.origin == Concat(
                        'satisfaction.response,',
                        Cast(response.id, Feedback.origin.sql_type().base))
                    ).select(feedback.dossier, response.dossier,
                    where=reduce_ids(feedback.id, sub_ids)))
            for row in cursor:
                dossiers.update(row)
        dossiers.discard(None)
        return dossiers

    @classmethod
    def mark_responses(cls, ids):
        "Mark the units of the responses ids"
        if not ids:
            return
        Response = Pool().get('satisfaction.response')
        response = Response.__table__()
        cursor = Transaction().connection.cursor()
        invitation_ids = []
        for sub_ids in grouped_slice(sorted(set(ids))):
            cursor.execute(*response.select(
                    response.invitation,
                    where=reduce_ids(response.id, sub_ids)))
            invitation_ids.extend(r[0] for r in cursor)
        cls.mark_invitations(invitation_ids)


class Invitation(metaclass=PoolMeta):
    __name__ = 'satisfaction.invitation'

    @classmethod
    def issue(cls, dossiers, dates=None):
        invitations = super().issue(dossiers, dates)
        Pool().get('satisfaction.count.dirty').mark_invitations(
            [i.id for i in invitations])
        return invitations

    @classmethod
    def create(cls, vlist):
        invitations = super().create(vlist)
        Pool().get('satisfaction.count.dirty').mark_invitations(
            [i.id for i in invitations])
        return invitations

    @classmethod
    def _write_dates(cls, invitations, names, dates=None, state=None):
        # the citizen's events, written by one UPDATE (bulk.update), not
        # by write; the answer's response, answers and flags are inserted
        # in its transaction (Response.submit_many), marked by this too
        if state or COUNTED_FIELDS & set(names):
            Pool().get('satisfaction.count.dirty').mark_invitations(
                [i.id for i in invitations])
        super()._write_dates(invitations, names, dates, state)

    @classmethod
    def write(cls, *args):
        Dirty = Pool().get('satisfaction.count.dirty')
        Dirty.mark_invitations(written_ids(args, COUNTED_FIELDS))
        super().write(*args)
        Dirty.mark_invitations(written_ids(args, MOVED_FIELDS))

    @classmethod
    def delete(cls, invitations):
        Pool().get('satisfaction.count.dirty').mark_invitations(
            [i.id for i in invitations])
        super().delete(invitations)


class Response(metaclass=PoolMeta):
    __name__ = 'satisfaction.response'

    @classmethod
    def create(cls, vlist):
        Dirty = Pool().get('satisfaction.count.dirty')
        Dirty.mark_invitations(
            [v['invitation'] for v in vlist if v.get('invitation')])
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        Dirty = Pool().get('satisfaction.count.dirty')
        Dirty.mark_responses(written_ids(args, {'excluded'}))
        super().write(*args)


class Flag(metaclass=PoolMeta):
    __name__ = 'satisfaction.response.flag'

    # Flag.insert is called by Response.submit_many only, whose invitations
    # are marked by their transition to answered (Invitation._write_dates)
    @classmethod
    def create(cls, vlist):
        Pool().get('satisfaction.count.dirty').mark_responses(
            [v['response'] for v in vlist if v.get('response')])
        return super().create(vlist)


class Dossier(metaclass=PoolMeta):
    __name__ = 'one_stop.dossier'

    # Created received and never deleted (one_stop): only a write changes
    # what is counted
    @classmethod
    def write(cls, *args):
        Dirty = Pool().get('satisfaction.count.dirty')
        counted = written_ids(args, DOSSIER_FIELDS)
        moved = written_ids(args, MOVED_FIELDS)
        # the unit left by a move; a change of state stays in its unit
        before = Dirty.dossier_units(moved) if moved else set()
        super().write(*args)
        if counted:
            Dirty.mark(before | Dirty.dossier_units(counted))


class Feedback(metaclass=PoolMeta):
    __name__ = 'one_stop.feedback'

    # Never deleted (one_stop_feedback)
    @classmethod
    def create(cls, vlist):
        feedbacks = super().create(vlist)
        Dirty = Pool().get('satisfaction.count.dirty')
        Dirty.mark(Dirty.dossier_units(
                Dirty.feedback_dossiers([f.id for f in feedbacks])))
        return feedbacks

    @classmethod
    def write(cls, *args):
        Dirty = Pool().get('satisfaction.count.dirty')
        counted = written_ids(args, FEEDBACK_FIELDS)
        before = Dirty.feedback_dossiers(counted) if counted else set()
        super().write(*args)
        if counted:
            Dirty.mark(Dirty.dossier_units(
                    before | Dirty.feedback_dossiers(counted)))


class FeedbackKind(metaclass=PoolMeta):
    __name__ = 'one_stop.feedback.kind'

    @classmethod
    def write(cls, *args):
        if written_ids(args, {'about_dossier'}):
            # every dossier with a feedback of the kind may change
            Pool().get('satisfaction.count.dirty').mark_all()
        super().write(*args)


class OneStopConfiguration(metaclass=PoolMeta):
    __name__ = 'one_stop.configuration'

    @classmethod
    def write(cls, *args):
        if written_ids(args, {'timezone'}):
            # the local days move: every unit is counted again
            Pool().get('satisfaction.count.dirty').mark_all()
        super().write(*args)


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('satisfaction.count.day|refresh',
                    "Recount Changed Survey Figures"),
                ('satisfaction.count.day|check_recent',
                    "Check Survey Counts against the Detail"),
                ])
