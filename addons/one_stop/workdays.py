# This file is part of the one_stop module.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Working-day arithmetic, free of any database access.

The legal processing time of a procedure is counted in working days.  The
day of receipt is not counted: day one is the first working day after it,
whatever the hour of receipt (a dossier received on a Friday afternoon
starts counting on Monday).  Days off are the weekend days and the public
holidays; make-up working days (a Saturday worked to bridge a holiday) are
working days even when they fall on a weekend.
"""
import datetime as dt

SATURDAY, SUNDAY = 5, 6
DEFAULT_WEEKEND = frozenset({SATURDAY, SUNDAY})


def is_working_day(
        day, holidays=frozenset(), working_days=frozenset(),
        weekend=DEFAULT_WEEKEND):
    "Return True when people work on day"
    if day in working_days:
        return True
    return day.weekday() not in weekend and day not in holidays


def add_working_days(
        start, days, holidays=frozenset(), working_days=frozenset(),
        weekend=DEFAULT_WEEKEND):
    """Return the date of the days-th working day after start.

    With days == 0 the result is start itself (result on receipt).
    """
    if days < 0:
        raise ValueError("days must not be negative")
    if len(weekend) >= 7 and not working_days:
        raise ValueError("a week needs at least one working day")
    day = start
    while days:
        day += dt.timedelta(days=1)
        if is_working_day(day, holidays, working_days, weekend):
            days -= 1
    return day


def count_working_days(
        start, end, holidays=frozenset(), working_days=frozenset(),
        weekend=DEFAULT_WEEKEND):
    """Return the number of working days in ]start, end].

    It is the inverse of add_working_days: when end is the n-th working
    day after start, the result is n.  It is 0 when end <= start.
    """
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day, holidays, working_days, weekend):
            count += 1
    return count


def timeliness(finished, appointment):
    "Classify a finished date against the appointment date"
    if finished is None or appointment is None:
        return None
    if finished < appointment:
        return 'early'
    elif finished == appointment:
        return 'on_time'
    return 'late'
