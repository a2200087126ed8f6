"""The Polish working-day calendar every plugin counts deadlines with.

A working day is Monday to Friday except the public holidays of Poland, which
are listed here from the statute itself (ustawa z dnia 18 stycznia 1951 r. o
dniach wolnych od pracy, art. 1 pkt 1): eleven fixed days and three that follow
Easter. Computing them costs microseconds, where the ``holidays`` package cost
a deadline command a sixth of a second of start-up; the tests compare this table
with that package for many years, so a change of the law shows up there.
Saturdays are not working days: under Kpa art. 57 §4 a time limit that ends on
a Saturday, a Sunday or a public holiday ends on the next working day instead.

Counting rules (the same for every function here):

* ``add_working_days(d, n)`` is the n-th working day *after* ``d``; ``d``
  itself never counts ("within 5 working days of Thursday" starts on Friday).
* ``working_days_between(a, b)`` counts the working days in ``(a, b]``, so
  ``add_working_days(a, working_days_between(a, b))`` is the last working day
  on or before ``b`` (for ``b`` after ``a``).

Policy decisions (also in docs/deadlines.md):

* A public holiday that falls on a Saturday (15 August 2026, 26 December
  2026, 1 May 2027...) gives **no** substitute weekday off for deadline
  counting. The day off an employer must grant for it (Labour Code art. 130
  § 2) is an internal matter of each unit, not a public holiday, so Friday
  and Monday around it stay working days.
* Holy Saturday, Easter Sunday and Pentecost are Saturdays/Sundays anyway;
  31 December and the days between Christmas and New Year are working days.
  24 December is a public holiday from 2025 (Dz.U. 2024 poz. 1965); in 2024
  and earlier it was a working day (:data:`CHRISTMAS_EVE_FROM`). Tests pin
  every day of 2024–2030.
* Dates typed by people (options, ``SOMFLOW_TODAY``, CSV cells) are read by
  :func:`parse_date`: ISO ``2026-12-24`` and the Polish ``24.12.2026`` /
  ``4.1.2026`` (what Polish Excel exports), also with ``/`` or ``-`` between
  the parts, a trailing ``r.`` or a midnight time (``2026-12-24 00:00:00``).
  Two-digit years are refused: the century would be a guess.
"""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from functools import lru_cache

from somflow.errors import ConfigError, InvalidInput
from somflow.i18n import _

_ONE_DAY = timedelta(days=1)
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_POLISH = re.compile(r"(\d{1,2})([./-])(\d{1,2})\2(\d{4})")
_TAIL = re.compile(r"(?:[T ]0{1,2}:00(?::00(?:\.0+)?)?|\s*r\.?)$", re.IGNORECASE)


def date_formats() -> str:
    """How a valid date may be written, in the user's language (for messages)."""
    return _("RRRR-MM-DD albo DD.MM.RRRR")


#: 24 December: a public holiday from 2025 (Dz.U. 2024 poz. 1965).
CHRISTMAS_EVE_FROM = 2025
#: 6 January: a public holiday from 2011 (Dz.U. 2010 nr 224 poz. 1459).
EPIPHANY_FROM = 2011
_CHRISTMAS_EVE = "Wigilia Bożego Narodzenia"

#: The fixed public holidays (art. 1 pkt 1 of the statute), with their names as the ``holidays`` package gives them.
_FIXED = {
    (1, 1): "Nowy Rok",
    (1, 6): "Święto Trzech Króli",
    (5, 1): "Święto Państwowe",
    (5, 3): "Święto Narodowe Trzeciego Maja",
    (8, 15): "Wniebowzięcie Najświętszej Marii Panny",
    (11, 1): "Uroczystość Wszystkich Świętych",
    (11, 11): "Narodowe Święto Niepodległości",
    (12, 25): "Boże Narodzenie (pierwszy dzień)",
    (12, 26): "Boże Narodzenie (drugi dzień)",
}
#: The movable ones: days after Easter Sunday.
_AFTER_EASTER = {
    0: "Niedziela Wielkanocna",
    1: "Poniedziałek Wielkanocny",
    49: "Zielone Świątki",
    60: "Dzień Bożego Ciała",
}


def easter(year: int) -> date:
    """Easter Sunday of the Gregorian calendar (the Meeus/Jones/Butcher computation)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741  (the algorithm's own letters)
    m = (a + 11 * h + 19 * l) // 433
    month = (h + l - 7 * m + 90) // 25
    return date(year, month, (h + l - 7 * m + 33 * month + 19) % 32)


@lru_cache(maxsize=64)
def holidays_of(year: int) -> dict[date, str]:
    """The public holidays of Poland in ``year``, with their Polish names."""
    found = {date(year, month, day): name for (month, day), name in _FIXED.items()}
    sunday = easter(year)
    found |= {sunday + timedelta(days=offset): name for offset, name in _AFTER_EASTER.items()}
    if year >= CHRISTMAS_EVE_FROM:
        found[date(year, 12, 24)] = _CHRISTMAS_EVE
    if year < EPIPHANY_FROM:
        del found[date(year, 1, 6)]
    return found


def parse_date(text: object) -> date | None:
    """The day ``text`` names (ISO or Polish day-first, see the module docstring), or None.

    None also when no such day exists (31.04.2026, 29.02.2025). A ``date``
    is returned as it is.
    """
    if isinstance(text, date):
        return text
    if not isinstance(text, str):
        return None
    value = _TAIL.sub("", text.strip()).strip()
    if m := _ISO.fullmatch(value):
        y, mo, d = (int(g) for g in m.groups())
    elif m := _POLISH.fullmatch(value):
        d, mo, y = int(m.group(1)), int(m.group(3)), int(m.group(4))
    else:
        return None
    try:
        return date(y, mo, d)
    except ValueError:
        return None


def not_a_date(where: str, value: object) -> str:
    """The message for ``value`` (found at ``where``) that names no day, saying how to write one."""
    return _("{where}: „{value}” nie jest datą ({formats}).", where=where, value=value, formats=date_formats())


def today() -> date:
    """Today's date for every deadline and date check; ``SOMFLOW_TODAY=YYYY-MM-DD`` fixes it (demos, tests).

    A value that is not a date stops the command with a Polish message
    (:class:`ConfigError`) rather than silently using the real date.
    """
    fixed = os.environ.get("SOMFLOW_TODAY", "").strip()
    if not fixed:
        return date.today()
    day = parse_date(fixed)
    if day is None:
        raise ConfigError(
            _(
                "Zmienna środowiskowa SOMFLOW_TODAY: „{value}” nie jest datą ({formats}). Popraw ją albo usuń, aby liczyć od dzisiejszej daty.",
                value=fixed,
                formats=date_formats(),
            )
        )
    return day


def option_date(value: str | None, option: str) -> date | None:
    """The date a command-line option gave (ISO or Polish, see :func:`parse_date`; None when not given); a Polish error otherwise."""
    if value is None:
        return None
    day = parse_date(value)
    if day is None:
        raise InvalidInput(
            [
                _(
                    "Opcja {option}: „{value}” nie jest istniejącą datą (podaj {formats}, np. 2026-12-24 albo 24.12.2026).",
                    option=option,
                    value=value,
                    formats=date_formats(),
                )
            ]
        )
    return day


def holiday_name(d: date) -> str | None:
    """The name of the public holiday on ``d`` (in Polish), or None."""
    return holidays_of(d.year).get(d)


def is_working_day(d: date) -> bool:
    """True for Monday–Friday that is not a Polish public holiday."""
    return d.weekday() < 5 and d not in holidays_of(d.year)


def next_working_day(d: date) -> date:
    """``d`` when it is a working day, else the next working day (Kpa art. 57 §4)."""
    while not is_working_day(d):
        d += _ONE_DAY
    return d


def previous_working_day(d: date) -> date:
    """``d`` when it is a working day, else the last working day before it."""
    while not is_working_day(d):
        d -= _ONE_DAY
    return d


def add_working_days(d: date, n: int) -> date:
    """The ``n``-th working day after ``d`` (before it for negative ``n``).

    ``n == 0`` gives :func:`next_working_day` of ``d``.
    """
    if n == 0:
        return next_working_day(d)
    step = _ONE_DAY if n > 0 else -_ONE_DAY
    remaining = abs(n)
    while remaining:
        d += step
        if is_working_day(d):
            remaining -= 1
    return d


def working_days_between(a: date, b: date) -> int:
    """Working days in ``(a, b]``; negative when ``b`` is before ``a``."""
    if b < a:
        return -working_days_between(b, a)
    count = 0
    d = a
    while d < b:
        d += _ONE_DAY
        count += is_working_day(d)
    return count
