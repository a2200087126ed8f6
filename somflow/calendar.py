"""The Polish working-day calendar every plugin counts deadlines with.

A working day is Monday to Friday except the public holidays of Poland (from
the ``holidays`` package, which knows that 24 December is a public holiday from
2025 on). Saturdays are not working days: under Kpa art. 57 §4 a time limit
that ends on a Saturday, a Sunday or a public holiday ends on the next working
day instead.

Counting rules (the same for every function here):

* ``add_working_days(d, n)`` is the n-th working day *after* ``d``; ``d``
  itself never counts ("within 5 working days of Thursday" starts on Friday).
* ``working_days_between(a, b)`` counts the working days in ``(a, b]``, so
  ``add_working_days(a, working_days_between(a, b))`` is the last working day
  on or before ``b`` (for ``b`` after ``a``).
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from functools import lru_cache

import holidays

from somflow.errors import InvalidInput
from somflow.i18n import _

_ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.PL(years=year))


def today() -> date:
    """Today's date for every deadline and date check; ``SOMFLOW_TODAY=YYYY-MM-DD`` fixes it (demos, tests)."""
    fixed = os.environ.get("SOMFLOW_TODAY")
    return date.fromisoformat(fixed) if fixed else date.today()


def option_date(value: str | None, option: str) -> date | None:
    """The date a command-line option gave as YYYY-MM-DD (None when not given); a Polish error otherwise."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput([_("Opcja {option}: „{value}” nie jest datą w postaci RRRR-MM-DD.", option=option, value=value)]) from None


def holiday_name(d: date) -> str | None:
    """The name of the public holiday on ``d`` (in Polish), or None."""
    if d not in _holidays(d.year):
        return None
    return holidays.PL(years=d.year, language="pl").get(d)


def is_working_day(d: date) -> bool:
    """True for Monday–Friday that is not a Polish public holiday."""
    return d.weekday() < 5 and d not in _holidays(d.year)


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
