# This file is part of the one_stop_feedback module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""The figures of the feedback per agency and period, by GROUP BY queries:
the same definitions as rules.count_figures (see rules), computed by the
database whatever the number of cases."""
from sql import Literal, Null
from sql.aggregate import Count
from sql.conditionals import Case

from trytond.modules.one_stop.localtime import utc_bounds
from trytond.pool import Pool
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction

from .rules import (
    ANSWERED_STATES, DISSATISFIED_RATINGS, OPEN_STATES, OUT_OF_SCOPE_STATES,
    Figures)


def _count(condition, table):
    "The number of rows of table where condition holds"
    return Count(Case((condition, table.id)))


def feedback_figures(Feedback, agency_ids, start, end):
    """Return {agency id: Figures} for the agencies and the local days
    start..end (every agency asked for has an entry)"""
    pool = Pool()
    Event = pool.get('one_stop.feedback.event')
    cursor = Transaction().connection.cursor()
    feedback = Feedback.__table__()
    event = Event.__table__()
    today = Feedback.today()
    low, high = utc_bounds(start, end, Feedback.timezone())
    agency_ids = sorted(set(agency_ids))
    result = {a: Figures() for a in agency_ids}

    answered = feedback.state.in_(list(ANSWERED_STATES))
    overdue = (feedback.state.in_(list(OPEN_STATES))
        & (feedback.deadline_date < today))
    pending = (feedback.state.in_(list(OPEN_STATES))
        & (feedback.deadline_date >= today))
    dissatisfied = answered & feedback.rating.in_(list(DISSATISFIED_RATINGS))
    late = answered & (feedback.timeliness == 'late')
    on_time = answered & (feedback.timeliness == 'on_time')
    for sub_ids in grouped_slice(agency_ids):
        sub_ids = list(sub_ids)
        cursor.execute(*feedback.select(
                feedback.received_agency, Count(feedback.id),
                where=reduce_ids(feedback.received_agency, sub_ids)
                & (feedback.received_date >= low)
                & (feedback.received_date < high),
                group_by=[feedback.received_agency]))
        for agency_id, received in cursor:
            result[agency_id].received = received

        transfers = (event.to_state == 'transferred') & (event.date >= low) \
            & (event.date < high)
        cursor.execute(*event.select(
                event.from_agency, Count(event.id),
                _count(event.late == Literal(True), event),
                where=transfers & reduce_ids(event.from_agency, sub_ids),
                group_by=[event.from_agency]))
        for agency_id, away, away_late in cursor:
            result[agency_id].transferred_away = away
            result[agency_id].transferred_late = away_late or 0
        cursor.execute(*event.select(
                event.to_agency, Count(event.id),
                where=transfers & reduce_ids(event.to_agency, sub_ids),
                group_by=[event.to_agency]))
        for agency_id, transferred_in in cursor:
            result[agency_id].transferred_in = transferred_in

        cursor.execute(*feedback.select(
                feedback.agency,
                Count(feedback.id),
                _count(answered, feedback),
                _count(on_time, feedback),
                _count(overdue, feedback),
                _count(pending, feedback),
                _count(answered & (feedback.rating != Null), feedback),
                _count(dissatisfied, feedback),
                _count(dissatisfied | late | overdue, feedback),
                where=reduce_ids(feedback.agency, sub_ids)
                & ~feedback.state.in_(list(OUT_OF_SCOPE_STATES))
                & (feedback.deadline_date >= start)
                & (feedback.deadline_date <= end),
                group_by=[feedback.agency]))
        for agency_id, competent, *counts in cursor:
            figures = result[agency_id]
            figures.competent = competent
            (figures.answered, figures.answered_on_time,
                figures.overdue_open, figures.pending, figures.rated,
                figures.rated_dissatisfied, figures.dissatisfied_or_late) = (
                c or 0 for c in counts)
    return result
