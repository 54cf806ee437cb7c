# This file is part of the one_stop_feedback module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""The rules of feedback and petitions (phản ánh, kiến nghị — PAKN), free of
any database access.

Deadlines count working days as the dossiers do (``one_stop.workdays``): the
day of receipt is not counted, weekends and public holidays are skipped,
make-up working days are counted.

- The handling deadline is the n-th working day after the agency in charge
  got the case (its reception, or its transfer to that agency), n being the
  days of the subject kind (15 by default).
- Decree 20/2008/NĐ-CP: a case outside the receiving agency's competence is
  transferred within 5 working days; a transfer after the 5th working day
  following the day the transferring agency got the case is late.
- A case is answered on time when the local day of the answer is on or
  before the deadline; an open case is overdue from the day after it.

Decision 766/QĐ-TTg, ratios 1 and 2 of the satisfaction group, for an agency
and a period (``count_figures``): the base is the cases *within the agency's
competence* — those it is in charge of (received by it or transferred to it,
and not transferred away since), not rejected nor withdrawn — *whose deadline
falls in the period*.  Every case due in the period counts in that period
whatever its state, so that an unanswered case is never left out of the
base: a case answered after its deadline, or still open past it, is late.

- ratio 1 = cases answered on time ÷ base;
- ratio 2 = (base − cases rated dissatisfied (1 or 2 of 5) or late) ÷ base,
  a case both late and dissatisfied counted once.

The intake figures (received, transferred in and away) are counted by the
date of the event itself.
"""
from dataclasses import dataclass
from decimal import Decimal

from trytond.modules.one_stop.workdays import (
    DEFAULT_WEEKEND, add_working_days, count_working_days)

OPEN_STATES = ('received', 'transferred', 'processing')
ANSWERED_STATES = ('answered', 'closed')
# the ends of a case outside the register's handling: no answer is due
OUT_OF_SCOPE_STATES = ('rejected', 'withdrawn')
END_STATES = ('closed', 'rejected', 'withdrawn')
DISSATISFIED_RATINGS = ('1', '2')
DEFAULT_HANDLING_DAYS = 15
DEFAULT_TRANSFER_DAYS = 5
DEFAULT_REMINDER_DAYS = 2


@dataclass(frozen=True)
class Calendar:
    "The days off and the make-up working days of the agencies"
    holidays: frozenset = frozenset()
    working_days: frozenset = frozenset()
    weekend: frozenset = DEFAULT_WEEKEND

    def add(self, day, days):
        return add_working_days(
            day, days, self.holidays, self.working_days, self.weekend)

    def count(self, start, end):
        return count_working_days(
            start, end, self.holidays, self.working_days, self.weekend)


def deadline(assigned_day, days, calendar=Calendar()):
    "The deadline of a case the agency got on assigned_day"
    return calendar.add(assigned_day, days)


def transfer_is_late(
        assigned_day, transfer_day, transfer_days=DEFAULT_TRANSFER_DAYS,
        calendar=Calendar()):
    """True when the case got on assigned_day is transferred after the
    transfer_days-th working day following it"""
    return calendar.count(assigned_day, transfer_day) > transfer_days


def timeliness(answered_day, deadline_day):
    "'on_time' or 'late' of an answer given on answered_day"
    if answered_day is None or deadline_day is None:
        return None
    return 'on_time' if answered_day <= deadline_day else 'late'


def is_overdue(state, deadline_day, today):
    "True when the open case is past its deadline on today"
    return (state in OPEN_STATES and deadline_day is not None
        and deadline_day < today)


def reminder_due(
        state, deadline_day, today, reminder_days=DEFAULT_REMINDER_DAYS,
        calendar=Calendar()):
    """True when the open case is due within reminder_days working days of
    today (the day of the deadline included)"""
    return (state in OPEN_STATES and deadline_day is not None
        and today <= deadline_day
        and calendar.count(today, deadline_day) <= reminder_days)


def is_dissatisfied(rating):
    return rating in DISSATISFIED_RATINGS


@dataclass(frozen=True)
class Case:
    "What the figures need of a case"
    agency: int  # in charge now
    received_agency: int
    received_day: object  # datetime.date, local
    state: str
    deadline: object  # datetime.date
    timeliness: str = None
    rating: str = None


@dataclass(frozen=True)
class Transfer:
    from_agency: int
    to_agency: int
    day: object  # datetime.date, local
    late: bool = False


@dataclass
class Figures:
    """The figures of an agency for a period (see the module's docstring):

    - received: cases the agency received itself in the period;
    - transferred_in / transferred_away: transfers to / from the agency in
      the period; transferred_late: those away later than the rule;
    - competent: the base of ratios 1 and 2 (due in the period);
    - answered, answered_on_time: of the base;
    - overdue_open: of the base, open past their deadline;
    - pending: of the base, open and not yet due;
    - rated, rated_dissatisfied: of the base, answered and rated (1-2 of 5);
    - dissatisfied_or_late: of the base, rated dissatisfied or answered
      late or overdue (each case once): the cases ratio 2 subtracts.
    """
    received: int = 0
    transferred_in: int = 0
    transferred_away: int = 0
    transferred_late: int = 0
    competent: int = 0
    answered: int = 0
    answered_on_time: int = 0
    overdue_open: int = 0
    pending: int = 0
    rated: int = 0
    rated_dissatisfied: int = 0
    dissatisfied_or_late: int = 0


def _in(day, start, end):
    return day is not None and start <= day <= end


def count_figures(cases, transfers, agency, start, end, today):
    "The Figures of agency for the period start..end (local dates) on today"
    figures = Figures()
    for case in cases:
        if case.received_agency == agency and _in(
                case.received_day, start, end):
            figures.received += 1
        if (case.agency != agency or case.state in OUT_OF_SCOPE_STATES
                or not _in(case.deadline, start, end)):
            continue
        figures.competent += 1
        overdue = is_overdue(case.state, case.deadline, today)
        answered = case.state in ANSWERED_STATES
        if answered:
            figures.answered += 1
            if case.timeliness == 'on_time':
                figures.answered_on_time += 1
            if case.rating:
                figures.rated += 1
                if is_dissatisfied(case.rating):
                    figures.rated_dissatisfied += 1
        elif overdue:
            figures.overdue_open += 1
        elif case.state in OPEN_STATES:
            figures.pending += 1
        if (overdue or (answered and case.timeliness == 'late')
                or (answered and is_dissatisfied(case.rating))):
            figures.dissatisfied_or_late += 1
    for transfer in transfers:
        if not _in(transfer.day, start, end):
            continue
        if transfer.to_agency == agency:
            figures.transferred_in += 1
        if transfer.from_agency == agency:
            figures.transferred_away += 1
            if transfer.late:
                figures.transferred_late += 1
    return figures


def ratio_1(figures):
    "Decision 766 ratio 1 (0 to 1), None without a case in the base"
    if not figures.competent:
        return None
    return Decimal(figures.answered_on_time) / Decimal(figures.competent)


def ratio_2(figures):
    "Decision 766 ratio 2 (0 to 1), None without a case in the base"
    if not figures.competent:
        return None
    return (Decimal(figures.competent - figures.dissatisfied_or_late)
        / Decimal(figures.competent))
