"""The ``[standards]`` section of ``somflow.toml``: intervals and first dates, with defaults from the seeds.

```toml
[standards]
survey_interval_months = 12     # 12 (seeds 001, 004) or 24 (seed 002)
first_survey = "2026-05-31"     # when the first survey is due (default: first_report)
first_report = "2026-03-31"     # the first biennial report (seed 001 ch. XI); then every 2 years
review_interval_months = 24     # review of the standards themselves (seed 002: every two years)
ack_days = 14                   # days to collect acknowledgments after a new version / a new person
surveys = ["personel", "rodzice"]  # which surveys the unit runs on the schedule (seed 001: all groups)
```
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from somflow import calendar
from somflow.config import check
from somflow.errors import ConfigError

SECTION = "standards"

#: Cerberus rules of the section, declared through ``somflow_config_schema`` (errors name the line in somflow.toml).
SCHEMA: dict[str, Any] = {
    "type": "dict",
    "schema": {
        "survey_interval_months": {"type": "integer", "allowed": [12, 24]},
        "first_survey": {"type": ["string", "date"]},
        "first_report": {"type": ["string", "date"]},
        "review_interval_months": {"type": "integer", "min": 1, "max": 60},
        "ack_days": {"type": "integer", "min": 0, "max": 365},
        "surveys": {"type": "list", "allowed": ["personel", "rodzice"]},
    },
}


@dataclass(frozen=True)
class Settings:
    survey_interval_months: int = 12
    first_survey: date | None = None
    first_report: date = date(2026, 3, 31)
    review_interval_months: int = 24
    ack_days: int = 14
    surveys: tuple[str, ...] = ("personel", "rodzice")


def load(config: dict[str, Any]) -> Settings:
    """Settings from a loaded ``somflow.toml``; a wrong value raises :class:`ConfigError` naming the key."""
    section = config.get(SECTION) or {}
    check({SECTION: section}, {SECTION: SCHEMA})  # done at load time too, when the workspace has its plugins
    values: dict[str, Any] = {
        key: section[key] for key in ("survey_interval_months", "review_interval_months", "ack_days") if key in section
    }
    if "surveys" in section:
        values["surveys"] = tuple(section["surveys"])
    for key in ("first_survey", "first_report"):
        if key in section:
            values[key] = parse_date(section[key], f"{SECTION}.{key}")
    return Settings(**values)


def parse_date(value: Any, where: str) -> date:
    """A date from TOML: a date value, ISO ``2027-03-31`` or Polish ``31.03.2027`` (:func:`somflow.calendar.parse_date`)."""
    day = calendar.parse_date(value)
    if day is None:
        raise ConfigError(calendar.not_a_date(where, value))
    return day


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months; the 31st becomes the last day of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")
