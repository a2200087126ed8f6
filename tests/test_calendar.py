"""The Polish working-day calendar: holidays, weekends and counting across long weekends."""

from datetime import date

import pytest

from somflow import calendar
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


# ------------------------------------------------ every year 2024–2030, independent of the holidays package

EASTER = {2024: date(2024, 3, 31), 2025: date(2025, 4, 20), 2026: date(2026, 4, 5), 2027: date(2027, 3, 28),
          2028: date(2028, 4, 16), 2029: date(2029, 4, 1), 2030: date(2030, 4, 21)}  # fmt: skip
FIXED = [(1, 1), (1, 6), (5, 1), (5, 3), (8, 15), (11, 1), (11, 11), (12, 25), (12, 26)]


def _expected_holidays(year: int) -> set[date]:
    from datetime import timedelta

    easter = EASTER[year]
    found = {date(year, m, d) for m, d in FIXED} | {
        easter,
        easter + timedelta(days=1),
        easter + timedelta(days=49),
        easter + timedelta(days=60),
    }
    if year >= 2025:
        found.add(date(year, 12, 24))  # Dz.U. 2024 poz. 1965: Wigilia is a public holiday from 2025
    return found


@pytest.mark.parametrize("year", sorted(EASTER))
def test_the_whole_year_matches_the_statutory_holidays(year):
    from datetime import timedelta

    expected = _expected_holidays(year)
    day = date(year, 1, 1)
    while day.year == year:
        assert is_working_day(day) == (day.weekday() < 5 and day not in expected), day
        assert (holiday_name(day) is not None) == (day in expected), day
        day += timedelta(days=1)


@pytest.mark.parametrize("year", sorted(EASTER))
def test_movable_feasts(year):
    from datetime import timedelta

    easter_monday = EASTER[year] + timedelta(days=1)
    corpus_christi = EASTER[year] + timedelta(days=60)
    assert easter_monday.weekday() == 0 and not is_working_day(easter_monday)
    assert corpus_christi.weekday() == 3 and not is_working_day(corpus_christi)
    assert is_working_day(corpus_christi + timedelta(days=1))  # the Friday after is a working day
    assert not is_working_day(EASTER[year] - timedelta(days=1))  # Holy Saturday: a Saturday, not a holiday


def test_christmas_eve_2024_is_a_working_day_and_every_later_one_a_holiday():
    assert is_working_day(date(2024, 12, 24)) and holiday_name(date(2024, 12, 24)) is None
    for year in range(2025, 2031):
        assert holiday_name(date(year, 12, 24)) == "Wigilia Bożego Narodzenia"


def test_a_holiday_on_a_saturday_gives_no_weekday_off():
    # Policy (somflow.calendar docstring, docs/deadlines.md): no substitute day for deadline counting.
    assert holiday_name(date(2026, 8, 15)) and date(2026, 8, 15).weekday() == 5
    assert is_working_day(date(2026, 8, 14)) and is_working_day(date(2026, 8, 17))
    assert add_working_days(date(2026, 8, 13), 5) == date(2026, 8, 20)
    assert date(2026, 12, 26).weekday() == 5 and is_working_day(date(2026, 12, 28))
    assert date(2027, 5, 1).weekday() == 5 and is_working_day(date(2027, 4, 30))


@pytest.mark.parametrize(
    "start,due",
    [
        (date(2026, 11, 20), date(2026, 11, 27)),  # Friday: counting starts on Monday
        (date(2026, 11, 10), date(2026, 11, 18)),  # eve of 11 November
        (date(2026, 4, 30), date(2026, 5, 8)),  # eve of 1 May
        (date(2025, 12, 23), date(2026, 1, 5)),  # 24–26 Dec, weekend, 1 Jan
        (date(2025, 12, 24), date(2026, 1, 5)),  # started on a holiday: the next day still counts first
        (date(2024, 12, 23), date(2025, 1, 2)),  # 24 Dec 2024 was a working day
        (date(2024, 12, 24), date(2025, 1, 3)),
        (date(2026, 12, 23), date(2027, 1, 4)),
        (date(2026, 12, 24), date(2027, 1, 4)),
        (date(2026, 12, 31), date(2027, 1, 11)),  # 1 Jan (Fri), weekend, 6 Jan (Wed)
        (date(2027, 12, 31), date(2028, 1, 10)),  # year boundary, 6 Jan Thursday
        (date(2026, 4, 4), date(2026, 4, 13)),  # Holy Saturday, Easter Monday
        (date(2026, 11, 21), date(2026, 11, 27)),  # started on a Saturday
        (date(2026, 6, 3), date(2026, 6, 11)),  # eve of Corpus Christi
    ],
)
def test_nka_five_working_days_from_awkward_starts(start, due):
    from somflow_niebieska_karta.due import nka_due

    assert add_working_days(start, 5) == due == nka_due(start)
    assert is_working_day(due)  # Kpa art. 57 §4 never has to move it: the count ends on a working day
    assert working_days_between(start, due) == 5


# ------------------------------------------------------------------- typed dates


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2026-12-24", date(2026, 12, 24)),
        ("24.12.2026", date(2026, 12, 24)),
        ("4.1.2026", date(2026, 1, 4)),
        ("04.01.2026", date(2026, 1, 4)),
        ("4/1/2026", date(2026, 1, 4)),
        ("04-01-2026", date(2026, 1, 4)),
        (" 24.12.2026 r.", date(2026, 12, 24)),
        ("2026-12-24 00:00:00", date(2026, 12, 24)),
        ("2026-12-24T00:00:00", date(2026, 12, 24)),
        ("29.02.2028", date(2028, 2, 29)),
        ("29.02.2027", None),
        ("31.04.2026", None),
        ("2026-13-01", None),
        ("24.12.26", None),  # two-digit year: the century would be a guess
        ("24.12-2026", None),
        ("", None),
        ("jutro", None),
    ],
)
def test_parse_date(text, expected):
    from somflow.calendar import parse_date

    assert parse_date(text) == expected


@pytest.mark.parametrize("value", ["2026-13-01", "jutro", "24.12.26", "31.04.2026"])
def test_invalid_somflow_today_is_a_polish_error_not_a_traceback(somflow_workspace, value):
    from conftest import run_somflow

    result = run_somflow("deadlines", env={"SOMFLOW_WORKSPACE": str(somflow_workspace), "SOMFLOW_TODAY": value})
    assert result.returncode != 0
    assert f"SOMFLOW_TODAY: „{value}” nie jest datą" in result.stderr
    assert "Traceback" not in result.stderr and "ValueError" not in result.stderr


def test_somflow_today_and_today_option_accept_polish_dates(somflow_workspace, monkeypatch):
    from conftest import run_somflow

    from somflow.calendar import today

    monkeypatch.setenv("SOMFLOW_TODAY", "24.12.2026")
    assert today() == date(2026, 12, 24)
    env = {"SOMFLOW_WORKSPACE": str(somflow_workspace)}
    assert run_somflow("deadlines", "--today", "4.1.2027", env=env).returncode == 0
    refused = run_somflow("deadlines", "--today", "31.04.2026", env=env)
    assert refused.returncode == 2 and "Opcja --today: „31.04.2026” nie jest istniejącą datą" in refused.stderr


def test_the_statutory_table_agrees_with_the_holidays_package():
    # somflow.calendar lists the holidays itself (start-up cost); the holidays package (a test
    # dependency) is the second opinion that notices a change of the law in a new release.
    import holidays

    for year in range(2019, 2041):  # 12 November 2018 was a one-off holiday (the centenary)
        expected = dict(holidays.PL(years=year, language="pl"))
        if year >= calendar.CHRISTMAS_EVE_FROM:  # older releases of the package predate the law
            expected.setdefault(date(year, 12, 24), "Wigilia Bożego Narodzenia")
        assert calendar.holidays_of(year) == expected, year


def test_one_parser_for_dates_in_plugins_too():
    from somflow_niebieska_karta import rules
    from somflow_standards import settings

    from somflow.errors import ConfigError

    assert rules.parse_date("3.12.2026", "pole") == (date(2026, 12, 3), [])
    assert settings.parse_date("31.03.2027", "standards.first_report") == date(2027, 3, 31)
    _, (message,) = rules.parse_date("31.04.2026", "Nagłówek, pole „data”")
    assert message == calendar.not_a_date("Nagłówek, pole „data”", "31.04.2026")
    assert message == "Nagłówek, pole „data”: „31.04.2026” nie jest datą (RRRR-MM-DD albo DD.MM.RRRR)."
    with pytest.raises(ConfigError, match="standards.first_report: „2027-02-30” nie jest datą"):
        settings.parse_date("2027-02-30", "standards.first_report")
