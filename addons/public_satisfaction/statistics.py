# This file is part of the public_satisfaction module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""Survey figures of agencies over a period, aggregated by the database.

Every figure comes from GROUP BY queries; no answer is loaded into Python.
Answers are attributed to the agency of the invitation's snapshot (taken
when the result was returned) and to the day it was returned; dossiers are
attributed to their agency, which never changes after reception.  Excluded
responses are counted apart and left out of every rate.
"""
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sql import Literal, Null
from sql.aggregate import Count
from sql.conditionals import Case

from trytond.pool import Pool
from trytond.transaction import Transaction

from . import scoring

RATING_ELEMENTS = ('access', 'procedure', 'official', 'result', 'feedback')


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
            sum(counts[v] for v in range(1, 6)))


def utc_bounds(start, end, timezone):
    "The naive UTC datetimes of local midnight of start and of end + 1 day"
    zone = ZoneInfo(timezone)

    def utc(day):
        local = dt.datetime.combine(day, dt.time(), tzinfo=zone)
        return local.astimezone(dt.UTC).replace(tzinfo=None)
    return utc(start), utc(end + dt.timedelta(days=1))


def period_figures(agency_ids, start, end, unsatisfied_below=3):
    """Return {agency id: Figures} for the results returned from start to
    end (local dates, both included).

    A dossier is "bad" for Decision 766 when it was late or when its
    overall rating is below unsatisfied_below (1 or 2 by default)."""
    pool = Pool()
    Invitation = pool.get('satisfaction.invitation')
    Response = pool.get('satisfaction.response')
    Answer = pool.get('satisfaction.response.answer')
    Flag = pool.get('satisfaction.response.flag')
    Question = pool.get('satisfaction.question')
    Dossier = pool.get('one_stop.dossier')
    cursor = Transaction().connection.cursor()
    low, high = utc_bounds(start, end, Dossier.timezone())
    result = {a: Figures(a) for a in agency_ids}
    if not agency_ids:
        return result
    now = Invitation.now()

    invitation = Invitation.__table__()
    in_period = (
        invitation.agency.in_(list(agency_ids))
        & (invitation.returned_date >= low)
        & (invitation.returned_date < high)
        & (invitation.state != 'revoked'))

    def flag(condition, column):
        "The number of rows matching condition (a typed, portable count)"
        return Count(Case((condition, column)))

    cursor.execute(*invitation.select(
            invitation.agency,
            # A dossier has at most one invitation that is not revoked: a new
            # code revokes the open one, and answered or declined ones are
            # never replaced; a DISTINCT would only cost a sort
            Count(invitation.id),
            Count(invitation.id),
            flag(invitation.opened_date != Null, invitation.id),
            flag(invitation.state == 'answered', invitation.id),
            flag(invitation.state == 'declined', invitation.id),
            flag(invitation.state.in_(['open', 'opened'])
                & (invitation.expiry < now), invitation.id),
            where=in_period,
            group_by=[invitation.agency]))
    for (agency, eligible, invitations, opened, answered, declined,
            expired) in cursor:
        figures = result[agency]
        figures.eligible = eligible
        figures.invitations = invitations
        figures.opened = opened or 0
        figures.answered = answered or 0
        figures.declined = declined or 0
        figures.expired = expired or 0

    response = Response.__table__()
    cursor.execute(*response.join(
            invitation, condition=response.invitation == invitation.id
            ).select(
            invitation.agency, Count(response.id),
            where=in_period & (response.excluded == Literal(True)),
            group_by=[invitation.agency]))
    for agency, excluded in cursor:
        result[agency].excluded = excluded

    # responses with at least one interference signal, excluded or not
    flag_ = Flag.__table__()
    cursor.execute(*response.join(
            invitation, condition=response.invitation == invitation.id
            ).select(
            invitation.agency, Count(response.id),
            where=in_period & response.id.in_(
                flag_.select(flag_.response)),
            group_by=[invitation.agency]))
    for agency, flagged in cursor:
        result[agency].flagged = flagged

    answer = Answer.__table__()
    question = Question.__table__()
    counted = (in_period
        & ((response.excluded == Literal(False))
            | (response.excluded == Null)))
    cursor.execute(*answer.join(
            response, condition=answer.response == response.id
            ).join(invitation, condition=response.invitation == invitation.id
            ).join(question, condition=answer.question == question.id
            ).select(
            invitation.agency, question.element, question.code,
            answer.value, answer.not_applicable, Count(answer.id),
            where=counted & (question.kind == 'rating'),
            group_by=[
                invitation.agency, question.element, question.code,
                answer.value, answer.not_applicable]))
    for agency, element, code, value, not_applicable, count in cursor:
        figures = result[agency]
        if not_applicable:
            figures.not_applicable[element, code] += count
        elif value is not None:
            figures.ratings[element, code][value] += count

    # Decision 766: dossiers returned in the period, by their agency
    dossier = Dossier.__table__()
    unsatisfied = answer.join(
        response, condition=answer.response == response.id
        ).join(question, condition=answer.question == question.id
        ).select(
        response.dossier,
        where=(question.element == 'overall')
        & (answer.value < unsatisfied_below)
        & ((response.excluded == Literal(False))
            | (response.excluded == Null)))
    cursor.execute(*dossier.select(
            dossier.agency, Count(dossier.id),
            flag((dossier.timeliness == 'late')
                | dossier.id.in_(unsatisfied), dossier.id),
            where=dossier.agency.in_(list(agency_ids))
            & (dossier.state == 'returned')
            & (dossier.returned_date >= low)
            & (dossier.returned_date < high),
            group_by=[dossier.agency]))
    for agency, dossiers, bad in cursor:
        result[agency].dossiers = dossiers
        result[agency].bad_dossiers = bad or 0
    return result
