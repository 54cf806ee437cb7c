# This file is part of the one_stop_feedback module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""The rules of feedback handling: pure functions, no database.

The calendar of the tests is the one of the 2025 holidays around 30 April:
Wednesday 30/04, Thursday 01/05 and Friday 02/05/2025 are days off and
Saturday 26/04/2025 is a make-up working day.

    April/May 2025   Mon Tue Wed Thu Fri Sat Sun
                      21  22  23  24  25 [26] 27
                      28  29 (30)(01)(02) 03  04
                      05  06  07  08  09  10  11
                      12  13  14  15  16  17  18
                      19  20  21  22  23  24  25
"""
import datetime as dt
from decimal import Decimal

import pytest

from trytond.modules.one_stop_feedback.rules import (
    Calendar, Case, Figures, Transfer, count_figures, deadline, is_overdue,
    ratio_1, ratio_2, reminder_due, timeliness, transfer_is_late)

D = dt.date
HOLIDAYS_2025 = Calendar(
    holidays=frozenset({D(2025, 4, 30), D(2025, 5, 1), D(2025, 5, 2)}),
    working_days=frozenset({D(2025, 4, 26)}))
PLAIN = Calendar()


class TestDeadline:

    def test_across_a_weekend(self):
        # Friday 14/03/2025 + 3: Mon 17, Tue 18, Wed 19
        assert deadline(D(2025, 3, 14), 3, PLAIN) == D(2025, 3, 19)

    def test_received_on_a_weekend(self):
        # a portal feedback of Saturday 10/05/2025: day 1 is Monday 12/05
        assert deadline(D(2025, 5, 10), 1, PLAIN) == D(2025, 5, 12)

    def test_fifteen_days_across_holidays_and_a_make_up_day(self):
        # Thursday 24/04/2025 + 15: 1 Fri 25/04, 2 Sat 26/04 (make-up),
        # 3 Mon 28, 4 Tue 29, (30/04-04/05 off), 5 Mon 05/05, 6 Tue 06,
        # 7 Wed 07, 8 Thu 08, 9 Fri 09, 10 Mon 12, 11 Tue 13, 12 Wed 14,
        # 13 Thu 15, 14 Fri 16, 15 Mon 19/05
        assert deadline(D(2025, 4, 24), 15, HOLIDAYS_2025) == D(2025, 5, 19)

    def test_without_the_make_up_day_one_day_later(self):
        calendar = Calendar(holidays=HOLIDAYS_2025.holidays)
        assert deadline(D(2025, 4, 24), 15, calendar) == D(2025, 5, 20)


class TestTransfer:

    @pytest.mark.parametrize('transfer_day, late', [
            # got on Tue 22/04/2025: 1 Wed 23, 2 Thu 24, 3 Fri 25,
            # 4 Sat 26 (make-up), 5 Mon 28/04
            (D(2025, 4, 22), False),  # the same day
            (D(2025, 4, 28), False),  # the 5th working day
            (D(2025, 4, 29), True),  # the 6th
            ])
    def test_five_working_days(self, transfer_day, late):
        assert transfer_is_late(
            D(2025, 4, 22), transfer_day, 5, HOLIDAYS_2025) is late

    @pytest.mark.parametrize('transfer_day, late', [
            # got on Mon 28/04/2025: 1 Tue 29, (holidays), 2 Mon 05/05,
            # 3 Tue 06, 4 Wed 07, 5 Thu 08, 6 Fri 09
            (D(2025, 5, 2), False),  # a holiday: 1 working day elapsed
            (D(2025, 5, 8), False),
            (D(2025, 5, 9), True),
            ])
    def test_across_the_holidays(self, transfer_day, late):
        assert transfer_is_late(
            D(2025, 4, 28), transfer_day, 5, HOLIDAYS_2025) is late

    def test_the_deadline_is_a_setting(self):
        # Tue 22/04 to Thu 24/04: 2 working days
        assert transfer_is_late(D(2025, 4, 22), D(2025, 4, 24), 1, PLAIN)
        assert not transfer_is_late(
            D(2025, 4, 22), D(2025, 4, 24), 2, PLAIN)


class TestTimeliness:

    def test_on_the_deadline_is_on_time(self):
        assert timeliness(D(2025, 5, 19), D(2025, 5, 19)) == 'on_time'
        assert timeliness(D(2025, 5, 2), D(2025, 5, 19)) == 'on_time'

    def test_the_day_after_is_late(self):
        assert timeliness(D(2025, 5, 20), D(2025, 5, 19)) == 'late'

    def test_unknown(self):
        assert timeliness(None, D(2025, 5, 19)) is None
        assert timeliness(D(2025, 5, 19), None) is None

    def test_overdue(self):
        deadline_day = D(2025, 5, 5)
        assert not is_overdue('processing', deadline_day, D(2025, 5, 5))
        assert is_overdue('processing', deadline_day, D(2025, 5, 6))
        assert is_overdue('transferred', deadline_day, D(2025, 5, 6))
        assert not is_overdue('answered', deadline_day, D(2025, 5, 6))
        assert not is_overdue('rejected', deadline_day, D(2025, 5, 6))


class TestReminder:

    @pytest.mark.parametrize('today, due', [
            # deadline Mon 05/05/2025, 2 working days before
            (D(2025, 4, 26), False),  # Mon 28, Tue 29, Mon 05: 3
            (D(2025, 4, 28), True),  # Tue 29, Mon 05: 2
            (D(2025, 4, 29), True),  # Mon 05: 1
            (D(2025, 5, 5), True),  # the day itself: 0
            (D(2025, 5, 6), False),  # overdue: escalated instead
            ])
    def test_two_working_days_before(self, today, due):
        assert reminder_due(
            'received', D(2025, 5, 5), today, 2, HOLIDAYS_2025) is due

    def test_not_for_answered(self):
        assert not reminder_due(
            'answered', D(2025, 5, 5), D(2025, 5, 5), 2, HOLIDAYS_2025)


# The hand-built province of the figures: agencies A, B and C; April 2025
A, B, C = 1, 2, 3
APRIL = (D(2025, 4, 1), D(2025, 4, 30))
CASES = [
    # agency in charge, receiving agency, received, state, deadline,
    # timeliness, rating
    Case(A, A, D(2025, 4, 1), 'closed', D(2025, 4, 22), 'on_time', '5'),  # 1
    Case(A, A, D(2025, 4, 2), 'answered', D(2025, 4, 23), 'late'),  # 2
    Case(A, A, D(2025, 4, 3), 'answered', D(2025, 4, 24), 'on_time',
        '2'),  # 3
    Case(A, A, D(2025, 4, 10), 'processing', D(2025, 4, 29)),  # 4
    Case(A, B, D(2025, 4, 3), 'answered', D(2025, 4, 28), 'on_time',
        '4'),  # 5: transferred from B on 08/04
    Case(B, A, D(2025, 4, 7), 'transferred', D(2025, 5, 6)),  # 6: to B
    Case(A, A, D(2025, 3, 20), 'closed', D(2025, 4, 10), 'late', '1'),  # 7
    Case(A, A, D(2025, 4, 25), 'rejected', D(2025, 5, 16)),  # 8
    Case(A, A, D(2025, 4, 28), 'received', D(2025, 5, 20)),  # 9
    Case(C, A, D(2025, 3, 28), 'answered', D(2025, 4, 25), 'on_time'),  # 10
    Case(A, A, D(2025, 4, 14), 'withdrawn', D(2025, 5, 5)),  # 11
    ]
TRANSFERS = [
    Transfer(A, B, D(2025, 4, 15), late=True),  # case 6
    Transfer(B, A, D(2025, 4, 8)),  # case 5
    Transfer(A, C, D(2025, 3, 31)),  # case 10, before April
    ]


class TestFigures:

    def test_agency_a_after_the_period(self):
        figures = count_figures(
            CASES, TRANSFERS, A, *APRIL, today=D(2025, 5, 15))
        assert figures == Figures(
            # received by A in April: cases 1 2 3 4 6 8 9 11
            received=8,
            transferred_in=1,  # case 5
            transferred_away=1, transferred_late=1,  # case 6
            # in A's charge, due in April, not rejected nor withdrawn:
            # cases 1 2 3 4 5 7
            competent=6,
            answered=5,  # 1 2 3 5 7
            answered_on_time=3,  # 1 3 5
            overdue_open=1,  # 4, due 29/04
            pending=0,
            rated=4,  # 1 (5) 3 (2) 5 (4) 7 (1)
            rated_dissatisfied=2,  # 3 7
            # 2 late, 3 dissatisfied, 4 overdue, 7 late and dissatisfied
            dissatisfied_or_late=4)
        assert ratio_1(figures) == Decimal(3) / Decimal(6)
        assert ratio_1(figures) == Decimal('0.5')
        # (6 - 4) / 6
        assert ratio_2(figures) == Decimal(2) / Decimal(6)

    def test_agency_a_during_the_period(self):
        # on 25/04 case 4 (due 29/04) is pending, not yet late
        figures = count_figures(
            CASES, TRANSFERS, A, *APRIL, today=D(2025, 4, 25))
        assert (figures.competent, figures.overdue_open, figures.pending,
            figures.dissatisfied_or_late) == (6, 0, 1, 3)
        # (6 - 3) / 6
        assert ratio_2(figures) == Decimal('0.5')

    def test_agency_b_nothing_due(self):
        figures = count_figures(
            CASES, TRANSFERS, B, *APRIL, today=D(2025, 5, 15))
        assert figures == Figures(
            received=1,  # case 5, before its transfer to A
            transferred_in=1, transferred_away=1, transferred_late=0)
        # case 6, in B's charge, is due in May
        assert ratio_1(figures) is None
        assert ratio_2(figures) is None

    def test_agency_c(self):
        figures = count_figures(
            CASES, TRANSFERS, C, *APRIL, today=D(2025, 5, 15))
        # case 10 came on 31/03: not a transfer of April
        assert figures == Figures(
            competent=1, answered=1, answered_on_time=1)
        assert ratio_1(figures) == Decimal(1)
        assert ratio_2(figures) == Decimal(1)

    def test_march(self):
        figures = count_figures(
            CASES, TRANSFERS, A, D(2025, 3, 1), D(2025, 3, 31),
            today=D(2025, 5, 15))
        # received: 7 and 10; away: case 10 to C on 31/03; nothing due
        assert figures == Figures(received=2, transferred_away=1)
