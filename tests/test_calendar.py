"""The Polish working-day calendar: holidays, weekends and counting across long weekends."""

from datetime import date

import pytest

from somflow.calendar import (
    add_working_days,
    holiday_name,
    is_working_day,
    next_working_day,
    previous_working_day,
    working_days_between,
)


@pytest.mark.parametrize(
    "day",
    [
        date(2025, 1, 1),  # Nowy Rok
        date(2025, 1, 6),  # Trzech Króli
        date(2025, 4, 21),  # Poniedziałek Wielkanocny
        date(2026, 4, 6),  # Poniedziałek Wielkanocny
        date(2025, 5, 1),  # Święto Pracy (Thursday)
        date(2026, 5, 1),  # Święto Pracy (Friday)
        date(2027, 5, 3),  # Święto Konstytucji 3 Maja (Monday)
        date(2025, 6, 19),  # Boże Ciało
        date(2026, 6, 4),  # Boże Ciało
        date(2025, 8, 15),  # Wniebowzięcie NMP
        date(2025, 11, 11),  # Święto Niepodległości
        date(2027, 11, 1),  # Wszystkich Świętych (Monday)
        date(2025, 12, 24),  # Wigilia: a public holiday from 2025
        date(2026, 12, 24),
        date(2025, 12, 25),
        date(2025, 12, 26),
        date(2026, 1, 1),
        date(2026, 1, 6),
    ],
)
def test_public_holidays_are_not_working_days(day):
    assert day.weekday() < 5, "pick a weekday so the holiday is what makes it free"
    assert not is_working_day(day)
    assert holiday_name(day)


def test_christmas_eve_was_a_working_day_before_2025():
    assert is_working_day(date(2024, 12, 24))  # Tuesday
    assert not is_working_day(date(2025, 12, 24))  # Wednesday
    assert holiday_name(date(2025, 12, 24)) == "Wigilia Bożego Narodzenia"


def test_weekends_are_not_working_days_and_ordinary_weekdays_are():
    assert not is_working_day(date(2026, 11, 21))  # Saturday
    assert not is_working_day(date(2026, 11, 22))  # Sunday
    assert is_working_day(date(2026, 11, 23))  # Monday
    assert is_working_day(date(2025, 5, 2))  # the Friday between 1 and 3 May 2025 is a working day
    assert holiday_name(date(2026, 11, 23)) is None


def test_next_working_day_moves_a_saturday_deadline_kpa_57_4():
    assert next_working_day(date(2026, 11, 21)) == date(2026, 11, 23)  # Saturday → Monday
    assert next_working_day(date(2026, 11, 23)) == date(2026, 11, 23)
    assert next_working_day(date(2025, 12, 24)) == date(2025, 12, 29)  # Wigilia, 2 days of Christmas, weekend
    assert next_working_day(date(2026, 5, 1)) == date(2026, 5, 4)  # 1 May Friday, weekend with 3 May
    assert next_working_day(date(2025, 4, 20)) == date(2025, 4, 22)  # Easter Sunday and Monday
    assert next_working_day(date(2026, 1, 1)) == date(2026, 1, 2)
    assert previous_working_day(date(2026, 1, 1)) == date(2025, 12, 31)


def test_five_working_days_from_a_thursday_before_the_may_long_weekend():
    # Thu 30 Apr 2026; Fri 1 May holiday, Sat 2, Sun 3 May: Mon 4 .. Fri 8 are the five days.
    assert add_working_days(date(2026, 4, 30), 5) == date(2026, 5, 8)
    # Wed 30 Apr 2025: Thu 1 May holiday, Fri 2 May works, Sat 3 May, Sun: 2, 5, 6, 7, 8 May.
    assert add_working_days(date(2025, 4, 30), 5) == date(2025, 5, 8)


def test_five_working_days_across_christmas_and_new_year():
    # Mon 22 Dec 2025: Tue 23 (1), 24-26 free, weekend, Mon 29 (2), Tue 30 (3), Wed 31 (4), 1 Jan free, Fri 2 Jan (5).
    assert add_working_days(date(2025, 12, 22), 5) == date(2026, 1, 2)
    # Fri 2 Jan 2026 + 3: Mon 5 (1), 6 Jan Epiphany, Wed 7 (2), Thu 8 (3).
    assert add_working_days(date(2026, 1, 2), 3) == date(2026, 1, 8)


def test_five_working_days_across_easter():
    # Thu 2 Apr 2026: Fri 3 (1), weekend, Easter Monday 6, Tue 7 (2), Wed 8 (3), Thu 9 (4), Fri 10 (5).
    assert add_working_days(date(2026, 4, 2), 5) == date(2026, 4, 10)
    # Corpus Christi 2026 is Thursday 4 June: Wed 3 June + 1 = Fri 5 June.
    assert add_working_days(date(2026, 6, 3), 1) == date(2026, 6, 5)


def test_adding_zero_or_negative_days():
    assert add_working_days(date(2026, 11, 21), 0) == date(2026, 11, 23)
    assert add_working_days(date(2026, 5, 4), -1) == date(2026, 4, 30)
    assert add_working_days(date(2026, 1, 2), -2) == date(2025, 12, 30)


def test_working_days_between_counts_the_half_open_interval():
    assert working_days_between(date(2026, 4, 30), date(2026, 5, 8)) == 5
    assert working_days_between(date(2026, 5, 8), date(2026, 4, 30)) == -5
    assert working_days_between(date(2026, 11, 23), date(2026, 11, 23)) == 0
    assert working_days_between(date(2025, 12, 23), date(2025, 12, 28)) == 0
    start = date(2025, 12, 22)
    for n in range(0, 30):
        end = add_working_days(start, n) if n else start
        assert working_days_between(start, end) == n
