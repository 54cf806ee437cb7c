# This file is part of the public_satisfaction module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""Survey figures of groups of invitations, aggregated by the database.

figures_query() is the one query of the figures, grouped by a key of the
invitations: period_figures() runs it by agency for the scorecards and the
export, the evaluators' views (report_figures.py) by agency and by month.
No answer is loaded into Python.  Answers are attributed to the agency of
the invitation's snapshot (taken when the result was returned) and to the
local day it was returned; dossiers are attributed to their agency, which
never changes after reception.  Excluded responses are counted apart and
left out of every rate; revoked invitations are not counted.
"""
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sql import Cast, Literal, Null, Union
from sql.aggregate import Count, Min, Sum
from sql.conditionals import Case, Coalesce
from sql.operators import Concat

from trytond.modules.one_stop.localtime import to_utc, utc_bounds
from trytond.modules.one_stop_feedback.rules import OUT_OF_SCOPE_STATES
from trytond.pool import Pool
from trytond.tools import cursor_dict
from trytond.transaction import Transaction

from . import scoring
from .invitation import OPEN_STATES

RATING_ELEMENTS = ('access', 'procedure', 'official', 'result', 'feedback')
RATED_ELEMENTS = RATING_ELEMENTS + ('overall',)
# The columns of figures_query() counting invitations and responses
COUNTS = (
    'eligible', 'opened', 'answered', 'declined', 'expired', 'flagged',
    'excluded')
# The ratings of figures_query() by element: every question of the element
BY_ELEMENT = {element: (element, None) for element in RATED_ELEMENTS}


@dataclass
class Figures:
    "The survey figures of one agency over one period"
    agency: int
    eligible: int = 0
    invitations: int = 0
    opened: int = 0
    answered: int = 0
    declined: int = 0
    expired: int = 0
    excluded: int = 0
    flagged: int = 0
    dossiers: int = 0
    bad_dossiers: int = 0
    # ratings[(element, question code)][value 1..5] = count
    ratings: dict = field(default_factory=lambda: defaultdict(
            lambda: defaultdict(int)))
    not_applicable: dict = field(default_factory=lambda: defaultdict(int))

    @property
    def coverage(self):
        return scoring.ratio(self.answered - self.excluded, self.eligible)

    def element_counts(self, element):
        counts = defaultdict(int)
        for (element_, _), values in self.ratings.items():
            if element_ == element:
                for value, count in values.items():
                    counts[value] += count
        return counts

    def element_rate(self, element):
        return scoring.satisfaction_rate(self.element_counts(element))

    @property
    def overall_counts(self):
        return self.element_counts('overall')

    @property
    def satisfaction(self):
        return scoring.satisfaction_rate(self.overall_counts)

    @property
    def mean(self):
        return scoring.mean_score(self.overall_counts)

    @property
    def sipas_index(self):
        return scoring.sipas_index(
            [self.element_rate(e) for e in RATING_ELEMENTS])

    @property
    def flagged_rate(self):
        "The share of the answers with an interference signal"
        return scoring.ratio(self.flagged, self.answered)

    @property
    def excluded_rate(self):
        "The share of the answers excluded by evaluators"
        return scoring.ratio(self.excluded, self.answered)

    @property
    def ratio_766(self):
        return scoring.ratio_766(self.dossiers, self.bad_dossiers)

    @property
    def sample(self):
        "(satisfied, valid) overall answers, for the sample rule"
        counts = self.overall_counts
        return (
            sum(counts[v] for v in scoring.SATISFIED),
            sum(counts[v] for v in scoring.LEVELS))


def rating_column(name, level):
    """The column of figures_query() with the number of the answers of the
    ratings name at level (1..5; None: not applicable)"""
    return f'{name}_{"na" if level is None else level}'


def level_column(level):
    """The column of rating_counts() with the number of answers at level
    (1..5; None: not applicable)"""
    return f'level_{"na" if level is None else level}'


def _count(condition, column):
    "The number of rows matching condition (a typed, portable count)"
    return Count(Case((condition, column)))


def _false(column):
    "A Boolean column that is not true"
    return (column == Literal(False)) | (column == Null)


def month_starts(start, end):
    "The first days of the months from the month of start to that of end"
    month = start.replace(day=1)
    months = []
    while month <= end:
        months.append(month)
        month = (month + dt.timedelta(days=31)).replace(day=1)
    return months


def local_month(start, end, timezone):
    """Return key(invitation) for figures_query: the first day of the local
    month in which the result was returned, for the results returned from
    start to end (local dates).

    The months are cut at the UTC instants of local midnight on the 1st,
    computed here by zoneinfo as utc_bounds does for the days, so that a
    month holds the same answers as a period of those dates, on every
    backend (SQLite has no timezone database) and in any timezone, even
    one whose offset changes (daylight saving time)."""
    months = month_starts(start, end) or [start.replace(day=1)]
    # (the UTC instant a month ends, that month)
    ends = [
        (to_utc(dt.datetime.combine(next_, dt.time()), timezone), month)
        for month, next_ in zip(months, months[1:])]

    def key(invitation):
        if not ends:
            return Literal(months[0])
        return Case(*((invitation.returned_date < end, Literal(month))
                for end, month in ends), else_=Literal(months[-1]))
    return key


def invitation_totals(invitation, keys, now, extra=()):
    """The query of the totals of figures_query() (COUNTS and id, the
    smallest invitation id) of the invitations of the query invitation
    (columns id, state, opened_date, expiry and those of keys), grouped by
    the columns named keys.

    A dossier has at most one invitation that is not revoked (a new code
    revokes the open one; answered or declined ones are never replaced) and
    an invitation at most one response: no DISTINCT needed.  Expired: moved
    to that state, or still open past the expiry (now).  extra: columns of
    invitation whose smallest value is added."""
    pool = Pool()
    Response = pool.get('satisfaction.response')
    Flag = pool.get('satisfaction.response.flag')
    response = Response.__table__()
    flag = Flag.__table__()
    open_states = sorted(OPEN_STATES)
    # The invitations of the few excluded or flagged responses, looked up
    # (hashed) rather than every response joined
    excluded = response.select(
        response.invitation, where=response.excluded == Literal(True))
    flagged = response.join(flag, condition=flag.response == response.id
        ).select(response.invitation)
    group = [getattr(invitation, k) for k in keys]
    return invitation.select(
        *group,
        Min(invitation.id).as_('id'),
        Count(invitation.id).as_('eligible'),
        _count(invitation.opened_date != Null, invitation.id).as_('opened'),
        _count(invitation.state == 'answered', invitation.id
            ).as_('answered'),
        _count(invitation.state == 'declined', invitation.id
            ).as_('declined'),
        _count((invitation.state == 'expired')
            | (invitation.state.in_(open_states)
                & (invitation.expiry < now)), invitation.id).as_('expired'),
        _count(invitation.id.in_(flagged), invitation.id).as_('flagged'),
        _count(invitation.id.in_(excluded), invitation.id).as_('excluded'),
        *(Min(getattr(invitation, c)).as_(c) for c in extra),
        group_by=group)


def rating_counts(invitation, keys):
    """The query of the rating answers of the responses not excluded of the
    invitations of the query invitation (columns id and those of keys):
    the columns keys, question and level_column(level) for each level of
    scoring.LEVELS and None, one row a key and question"""
    pool = Pool()
    Response = pool.get('satisfaction.response')
    Answer = pool.get('satisfaction.response.answer')
    Question = pool.get('satisfaction.question')
    response = Response.__table__()
    answer = Answer.__table__()
    question = Question.__table__()
    group = [getattr(invitation, k) for k in keys]

    def at(level):
        if level is None:
            return answer.not_applicable == Literal(True)
        return (answer.value == level) & _false(answer.not_applicable)
    return answer.join(response, condition=answer.response == response.id
        ).join(invitation, condition=response.invitation == invitation.id
        ).join(question, condition=answer.question == question.id
        ).select(
        *group, answer.question,
        *(Cast(_count(at(level), answer.id), 'INTEGER').as_(
                level_column(level))
            for level in scoring.LEVELS + (None,)),
        where=(question.kind == 'rating') & _false(response.excluded),
        group_by=group + [answer.question])


def figures_query(
        key, start=None, end=None, where=None, ratings=BY_ELEMENT,
        counted=True):
    """Return the query of the survey figures of the invitations of the
    results returned from start to end (local dates, both included; without
    them, whenever), one row per value of key.

    key(invitation) is the expression grouped on and where(invitation) an
    optional condition, both of the invitation table and using only its
    columns agency and returned_date (they are applied as well to the count
    tables of counts.py, which have them); revoked invitations are never
    counted.  ratings maps a name to (element, code): the rating questions
    of element, of that code unless it is None.  counted: read the counts
    of the days kept by counts.py, and the detail of the others only (the
    figures are the same); otherwise read the detail of every invitation.

    Columns: key; id, the smallest invitation id of the group; COUNTS:
    eligible (the invitations), opened, answered, declined, expired (not
    answered in time), flagged (responses with an interference signal,
    excluded or not), excluded (responses excluded by evaluators); and for
    each name of ratings and each level of scoring.LEVELS and None (not
    applicable), rating_column(name, level): the number of such answers of
    the responses that are not excluded.
    """
    pool = Pool()
    Invitation = pool.get('satisfaction.invitation')
    Question = pool.get('satisfaction.question')
    Dossier = pool.get('one_stop.dossier')
    CountDay = pool.get('satisfaction.count.day')
    bounds = None
    if start and end:
        bounds = utc_bounds(start, end, Dossier.timezone())
    now = Invitation.now()
    counted = counted and CountDay.usable()

    def in_bounds(table):
        condition = Literal(True)
        if bounds:
            low, high = bounds
            condition = ((table.returned_date >= low)
                & (table.returned_date < high))
        if where is not None:
            condition &= where(table)
        return condition

    def invitations(units=None):
        """The invitations counted and their key (a new query each time),
        of the days of units only if given.

        Grouped on in outer queries: PostgreSQL does not match two
        expressions with bound parameters (DATE_TRUNC) as the same one."""
        invitation = Invitation.__table__()
        condition = (invitation.state != 'revoked') & in_bounds(invitation)
        columns = [
            invitation.id, invitation.state, invitation.opened_date,
            invitation.expiry, key(invitation).as_('key')]
        if units is None:
            return invitation.select(*columns, where=condition)
        return units.join(invitation, condition=(
                (invitation.agency == units.agency)
                & (invitation.returned_date >= units.returned_date)
                & (invitation.returned_date < units.day_end))
            ).select(*columns, where=condition)

    if counted:
        changed = CountDay.changed_units(in_bounds)
        stale = CountDay.stale_units(in_bounds, now)
        totals = Union(
            CountDay.totals(key, in_bounds, now),
            invitation_totals(
                invitations(Union(changed, stale)), ['key'], now),
            all_=True)
        totals = totals.select(
            totals.key, Min(totals.id).as_('id'),
            *(Cast(Sum(getattr(totals, c)), 'INTEGER').as_(c)
                for c in COUNTS),
            group_by=[totals.key])
    else:
        totals = invitation_totals(invitations(), ['key'], now)
    if not ratings:
        return totals

    # The rating answers by key and question first (a few rows a key),
    # spread over the columns of each rating afterwards
    if counted:
        counts = Union(
            CountDay.rating_counts(key, in_bounds),
            rating_counts(
                invitations(CountDay.changed_units(in_bounds)), ['key']),
            all_=True)
    else:
        counts = rating_counts(invitations(), ['key'])
    levels = [level_column(level) for level in scoring.LEVELS + (None,)]
    by_question = counts.select(
        counts.key, counts.question,
        *(Cast(Sum(getattr(counts, c)), 'INTEGER').as_(c) for c in levels),
        group_by=[counts.key, counts.question])
    question = Question.__table__()
    columns = []
    for name, (element, code) in ratings.items():
        of_rating = question.element == element
        if code is not None:
            of_rating &= question.code == code
        for level in scoring.LEVELS + (None,):
            columns.append(Sum(Case((of_rating,
                            getattr(by_question, level_column(level))))
                    ).as_(rating_column(name, level)))
    by_level = by_question.join(
        question, condition=by_question.question == question.id).select(
        by_question.key, *columns, group_by=[by_question.key])
    return totals.join(by_level, 'LEFT', condition=by_level.key == totals.key
        ).select(
        totals.key, totals.id, *(getattr(totals, c) for c in COUNTS),
        *(Coalesce(getattr(by_level, c.output_name), 0).as_(c.output_name)
            for c in columns))


def rating_questions():
    "The (element, code) of the rating questions of every questionnaire"
    Question = Pool().get('satisfaction.question')
    question = Question.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*question.select(
            question.element, question.code,
            where=question.kind == 'rating',
            group_by=[question.element, question.code],
            order_by=[question.element, question.code]))
    return [tuple(r) for r in cursor]


def bad_dossiers(dossiers):
    """The query of the ids of the dossiers of dossiers() (a new query of
    the dossiers in scope, column id, each time it is called) that are bad
    for Decision 766, ratio 3: their overall rating unhappy, or the subject
    of a feedback about them.

    Each part starts from the dossiers in scope and joins what they have,
    so that the database reads the answers and feedback of those dossiers
    only (a few for the units of counts.py being changed, every one for a
    recount of all of them)."""
    pool = Pool()
    Response = pool.get('satisfaction.response')
    Answer = pool.get('satisfaction.response.answer')
    Question = pool.get('satisfaction.question')
    Feedback = pool.get('one_stop.feedback')
    Kind = pool.get('one_stop.feedback.kind')

    def unsatisfied():
        scope = dossiers()
        response = Response.__table__()
        answer = Answer.__table__()
        question = Question.__table__()
        return scope.join(response, condition=response.dossier == scope.id
            ).join(answer, condition=answer.response == response.id
            ).join(question, condition=answer.question == question.id
            ).select(scope.id,
                where=(question.element == 'overall')
                & (answer.value <= scoring.UNHAPPY_MAX)
                & _false(response.excluded))

    def about(feedback, kind):
        return (kind.about_dossier == Literal(True)) & ~feedback.state.in_(
            list(OUT_OF_SCOPE_STATES))

    def linked():
        scope = dossiers()
        feedback = Feedback.__table__()
        kind = Kind.__table__()
        return scope.join(feedback, condition=feedback.dossier == scope.id
            ).join(kind, condition=feedback.kind == kind.id
            ).select(scope.id, where=about(feedback, kind))

    def followed():
        "the follow-ups of the answers about the dossiers"
        scope = dossiers()
        response = Response.__table__()
        feedback = Feedback.__table__()
        kind = Kind.__table__()
        return scope.join(response, condition=response.dossier == scope.id
            ).join(feedback, condition=feedback.origin == Concat(
                'satisfaction.response,',
                Cast(response.id, Feedback.origin.sql_type().base))
            ).join(kind, condition=feedback.kind == kind.id
            ).select(scope.id,
                where=about(feedback, kind) & (feedback.channel == 'survey')
                & _false(response.excluded))
    return Union(unsatisfied(), linked(), followed())


def dossier_totals(dossiers, keys):
    """The query of the dossiers of dossiers() (see bad_dossiers; columns id
    and those of keys) grouped by the columns named keys: the keys, the
    number of dossiers (dossiers) and of those bad for Decision 766
    (bad_dossiers)"""
    scope = dossiers()
    bad = bad_dossiers(dossiers)
    group = [getattr(scope, k) for k in keys]
    return scope.join(bad, 'LEFT', condition=bad.id == scope.id).select(
        *group,
        Cast(Count(scope.id), 'INTEGER').as_('dossiers'),
        Cast(Count(bad.id), 'INTEGER').as_('bad_dossiers'),
        group_by=group)


def dossier_figures_query(key, start, end, where=None, counted=True):
    """Return the query of the figures of Decision 766, ratio 3, of the
    dossiers whose result was returned from start to end (local dates, both
    included), one row per value of key: key, dossiers and bad_dossiers.

    key and where are as for figures_query, of the dossier table and its
    columns agency and returned_date only; counted: read the counts of the
    days kept by counts.py and the detail of the units being changed."""
    pool = Pool()
    Dossier = pool.get('one_stop.dossier')
    CountDay = pool.get('satisfaction.count.day')
    low, high = utc_bounds(start, end, Dossier.timezone())
    counted = counted and CountDay.usable()

    def in_bounds(table):
        condition = (table.returned_date >= low) & (table.returned_date < high)
        if where is not None:
            condition &= where(table)
        return condition

    def returned(units=None):
        def dossiers():
            dossier = Dossier.__table__()
            condition = (dossier.state == 'returned') & in_bounds(dossier)
            columns = [dossier.id, key(dossier).as_('key')]
            if units is None:
                return dossier.select(*columns, where=condition)
            unit = units()
            return unit.join(dossier, condition=(
                    (dossier.agency == unit.agency)
                    & (dossier.returned_date >= unit.returned_date)
                    & (dossier.returned_date < unit.day_end))
                ).select(*columns, where=condition)
        return dossiers

    if not counted:
        return dossier_totals(returned(), ['key'])
    totals = Union(
        CountDay.dossier_totals(key, in_bounds),
        dossier_totals(
            returned(lambda: CountDay.changed_units(in_bounds)), ['key']),
        all_=True)
    return totals.select(
        totals.key,
        Cast(Sum(totals.dossiers), 'INTEGER').as_('dossiers'),
        Cast(Sum(totals.bad_dossiers), 'INTEGER').as_('bad_dossiers'),
        group_by=[totals.key])


def period_figures(agency_ids, start, end, counted=True):
    """Return {agency id: Figures} for the results returned from start to
    end (local dates, both included).

    A dossier is "bad" for Decision 766 (ratio 3) when its overall rating
    is unhappy (at most scoring.UNHAPPY_MAX) or when it is the subject of a
    feedback or petition about its reception, handling or lateness (a
    subject "about the dossier"), not rejected nor withdrawn: linked to the
    dossier, or the follow-up of an answer about it (an excluded answer
    counts for neither).  counted: see figures_query."""
    cursor = Transaction().connection.cursor()
    result = {a: Figures(a) for a in agency_ids}
    if not agency_ids:
        return result
    agencies = list(agency_ids)

    ratings = {f'q{n}': question
        for n, question in enumerate(rating_questions())}
    cursor.execute(*figures_query(
            lambda invitation: invitation.agency, start, end,
            where=lambda invitation: invitation.agency.in_(agencies),
            ratings=ratings, counted=counted))
    for row in cursor_dict(cursor):
        figures = result[row['key']]
        for name in COUNTS:
            setattr(figures, name, row[name])
        figures.invitations = row['eligible']
        for name, question in ratings.items():
            for level in scoring.LEVELS:
                if count := row[rating_column(name, level)]:
                    figures.ratings[question][level] = count
            if count := row[rating_column(name, None)]:
                figures.not_applicable[question] = count

    # Decision 766, ratio 3: dossiers returned in the period, by their
    # agency, whatever their channel
    cursor.execute(*dossier_figures_query(
            lambda dossier: dossier.agency, start, end,
            where=lambda dossier: dossier.agency.in_(agencies),
            counted=counted))
    for agency, dossiers, bad in cursor:
        result[agency].dossiers = dossiers
        result[agency].bad_dossiers = bad or 0
    return result
