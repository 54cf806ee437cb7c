# This file is part of the one_stop module.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"Working-day arithmetic (trytond.modules.one_stop.workdays), no database"
import datetime as dt

import pytest

from trytond.modules.one_stop.workdays import (
    add_working_days,
    count_working_days,
    is_working_day,
    timeliness,
)

D = dt.date

# Vietnam 2025 (written from the government notices, not computed):
# Tết Ất Tỵ: days off Saturday 25/01 to Sunday 02/02; the weekdays off are
# Monday 27/01 to Friday 31/01.
TET_2025 = frozenset(D(2025, 1, day) for day in range(27, 32))
# Reunification Day and Labour Day: Wednesday 30/04 and Thursday 01/05,
# bridged by Friday 02/05 which is made up on Saturday 26/04.
APRIL_MAY_2025 = frozenset({D(2025, 4, 30), D(2025, 5, 1), D(2025, 5, 2)})
MAKE_UP_2025 = frozenset({D(2025, 4, 26)})
# National Day 2025: Monday 01/09 (bridge) and Tuesday 02/09.
NATIONAL_DAY_2025 = frozenset({D(2025, 9, 1), D(2025, 9, 2)})
HOLIDAYS_2025 = TET_2025 | APRIL_MAY_2025 | NATIONAL_DAY_2025 | {
    D(2025, 1, 1), D(2025, 4, 7)}


class TestIsWorkingDay:

    def test_weekdays_and_weekend(self):
        assert is_working_day(D(2025, 5, 9))  # Friday
        assert not is_working_day(D(2025, 5, 10))  # Saturday
        assert not is_working_day(D(2025, 5, 11))  # Sunday
        assert is_working_day(D(2025, 5, 12))  # Monday

    def test_holiday(self):
        assert not is_working_day(D(2025, 4, 30), APRIL_MAY_2025)
        assert is_working_day(D(2025, 4, 29), APRIL_MAY_2025)

    def test_make_up_saturday(self):
        assert not is_working_day(D(2025, 4, 26))
        assert is_working_day(D(2025, 4, 26), APRIL_MAY_2025, MAKE_UP_2025)

    def test_make_up_wins_over_holiday(self):
        day = D(2025, 4, 30)
        assert is_working_day(day, {day}, {day})

    def test_custom_weekend(self):
        # A six-day week: only Sunday off
        assert is_working_day(D(2025, 5, 10), weekend={6})
        assert not is_working_day(D(2025, 5, 11), weekend={6})
        # Friday-Saturday weekend
        assert not is_working_day(D(2025, 5, 9), weekend={4, 5})
        assert is_working_day(D(2025, 5, 11), weekend={4, 5})


class TestAddWorkingDays:

    def test_friday_afternoon_three_days(self):
        # Received Friday 09/05/2025 (whatever the hour): day 1 is Monday
        # 12/05, day 3 Wednesday 14/05.
        assert add_working_days(D(2025, 5, 9), 3) == D(2025, 5, 14)

    def test_friday_one_day(self):
        assert add_working_days(D(2025, 5, 9), 1) == D(2025, 5, 12)

    def test_received_on_saturday(self):
        # Received online on Saturday 10/05/2025: day 1 is Monday 12/05
        assert add_working_days(D(2025, 5, 10), 1) == D(2025, 5, 12)
        assert add_working_days(D(2025, 5, 11), 5) == D(2025, 5, 16)

    def test_two_weeks(self):
        # 10 working days from Monday 05/05/2025 -> Monday 19/05/2025
        assert add_working_days(D(2025, 5, 5), 10) == D(2025, 5, 19)

    def test_zero_days_is_start(self):
        assert add_working_days(D(2025, 5, 9), 0) == D(2025, 5, 9)
        # even on a day off (result on receipt)
        assert add_working_days(D(2025, 5, 11), 0) == D(2025, 5, 11)
        assert add_working_days(
            D(2025, 4, 30), 0, APRIL_MAY_2025) == D(2025, 4, 30)

    def test_negative_days(self):
        with pytest.raises(ValueError, match="negative"):
            add_working_days(D(2025, 5, 9), -1)

    def test_no_working_day_in_week(self):
        with pytest.raises(ValueError, match="working day"):
            add_working_days(D(2025, 5, 9), 1, weekend=set(range(7)))

    def test_full_weekend_with_make_up_day(self):
        # No ordinary working day, but one make-up day: it is the result
        assert add_working_days(
            D(2025, 5, 9), 1, working_days={D(2025, 5, 20)},
            weekend=set(range(7))) == D(2025, 5, 20)

    def test_over_reunification_and_labour_day(self):
        # Received Monday 28/04/2025, 2 days: Tuesday 29/04 is day 1,
        # 30/04 - 04/05 are off, Monday 05/05 is day 2.
        assert add_working_days(
            D(2025, 4, 28), 2, APRIL_MAY_2025, MAKE_UP_2025) == D(2025, 5, 5)

    def test_make_up_saturday_counts(self):
        # Received Thursday 24/04/2025, 3 days: Friday 25/04, Saturday
        # 26/04 (make-up), Monday 28/04.
        assert add_working_days(
            D(2025, 4, 24), 3, APRIL_MAY_2025, MAKE_UP_2025) == D(2025, 4, 28)
        # without the make-up day it is Tuesday 29/04
        assert add_working_days(
            D(2025, 4, 24), 3, APRIL_MAY_2025) == D(2025, 4, 29)

    def test_over_tet(self):
        # Received Friday 24/01/2025, 1 day: Monday 03/02/2025
        assert add_working_days(D(2025, 1, 24), 1, TET_2025) == D(2025, 2, 3)
        # 5 days from Thursday 23/01: 24/01, 03/02, 04/02, 05/02, 06/02
        assert add_working_days(D(2025, 1, 23), 5, TET_2025) == D(2025, 2, 6)

    def test_received_on_holiday(self):
        # Received online during Tết, Wednesday 29/01/2025: day 1 is 03/02
        assert add_working_days(D(2025, 1, 29), 1, TET_2025) == D(2025, 2, 3)

    def test_year_end(self):
        # Wednesday 31/12/2025, 1 day; 01/01/2026 is a holiday -> 02/01
        assert add_working_days(
            D(2025, 12, 31), 1, {D(2026, 1, 1)}) == D(2026, 1, 2)


class TestCountWorkingDays:

    def test_hand_cases(self):
        assert count_working_days(D(2025, 5, 9), D(2025, 5, 14)) == 3
        assert count_working_days(D(2025, 5, 9), D(2025, 5, 12)) == 1
        # Saturday and Sunday end: nothing more than Friday
        assert count_working_days(D(2025, 5, 8), D(2025, 5, 11)) == 1
        assert count_working_days(
            D(2025, 1, 24), D(2025, 2, 3), TET_2025) == 1
        assert count_working_days(
            D(2025, 4, 24), D(2025, 4, 28),
            APRIL_MAY_2025, MAKE_UP_2025) == 3
        assert count_working_days(
            D(2025, 4, 28), D(2025, 5, 5), APRIL_MAY_2025) == 2

    def test_empty_interval(self):
        assert count_working_days(D(2025, 5, 9), D(2025, 5, 9)) == 0
        assert count_working_days(D(2025, 5, 14), D(2025, 5, 9)) == 0

    def test_start_is_not_counted(self):
        # ]start, end]: Monday to Tuesday is 1, not 2
        assert count_working_days(D(2025, 5, 12), D(2025, 5, 13)) == 1

    @staticmethod
    def naive_is_working(day, holidays, working):
        if day in working:
            return True
        return day.isoweekday() <= 5 and day not in holidays

    def naive_count(self, start, end, holidays, working):
        "Count by listing every day of ]start, end]"
        days = [start + dt.timedelta(days=i)
            for i in range(1, (end - start).days + 1)]
        return len([d for d in days
                if self.naive_is_working(d, holidays, working)])

    def naive_add(self, start, n, holidays, working):
        "Walk the list of the working days after start"
        working_days = [d for d in (
                start + dt.timedelta(days=i) for i in range(1, 4 * n + 30))
            if self.naive_is_working(d, holidays, working)]
        return start if n == 0 else working_days[n - 1]

    def test_year_against_naive(self):
        holidays, working = HOLIDAYS_2025, MAKE_UP_2025
        starts = [D(2025, 1, 1) + dt.timedelta(days=i) for i in range(0, 365)]
        checked = 0
        for start in starts[::7] + [D(2025, 1, 24), D(2025, 4, 25)]:
            for offset in range(0, 400, 3):
                end = start + dt.timedelta(days=offset)
                expected = self.naive_count(start, end, holidays, working)
                assert count_working_days(
                    start, end, holidays, working) == expected, (start, end)
                checked += 1
        assert checked > 7000

    def test_inverse_of_add_over_a_year(self):
        holidays, working = HOLIDAYS_2025, MAKE_UP_2025
        for i in range(365):
            start = D(2025, 1, 1) + dt.timedelta(days=i)
            for n in (0, 1, 2, 3, 5, 7, 10, 15, 22):
                end = add_working_days(start, n, holidays, working)
                assert end == self.naive_add(start, n, holidays, working), (
                    start, n)
                assert count_working_days(
                    start, end, holidays, working) == n, (start, n)


class TestTimeliness:

    def test_values(self):
        appointment = D(2025, 5, 14)
        assert timeliness(D(2025, 5, 13), appointment) == 'early'
        assert timeliness(D(2025, 5, 14), appointment) == 'on_time'
        assert timeliness(D(2025, 5, 15), appointment) == 'late'

    def test_none(self):
        assert timeliness(None, D(2025, 5, 14)) is None
        assert timeliness(D(2025, 5, 14), None) is None
        assert timeliness(None, None) is None
