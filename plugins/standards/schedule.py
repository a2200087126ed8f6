"""What is due when: the survey, the biennial report, the review of the standards, missing acknowledgments.

* Survey: ``survey_interval_months`` (12 or 24) after the last round of each
  survey; before any round, on ``first_survey`` (default: the first report's
  date, since the report rests on the survey).
* Report: 31 March every two years from ``first_report`` (seed 001: first on
  2026-03-31); the earliest report year with no report generated is due,
  moved to the next working day when 31 March is not one (Kpa art. 57 §4).
* Review of the standards: ``review_interval_months`` after the current
  version took effect (or after the last recorded review, whichever is later).
* Acknowledgments: each staff member without one for the current version, due
  before their first day of work with children when known, else ``ack_days``
  after the version took effect or the person was added; parents and children
  as one deadline per group (counts only, no names).
"""

from __future__ import annotations

from datetime import date, timedelta

from somflow_standards import acknowledgments, people, survey
from somflow_standards.settings import Settings, add_months

from somflow.calendar import next_working_day
from somflow.deadlines import Deadline
from somflow.errors import InvalidInput
from somflow.i18n import _
from somflow.store import Store

REPORTS = "standards_reports"
REVIEWS = "standards_reviews"
GROUP_TITLES = {
    "rodzice": "Zapoznanie rodziców ze Standardami Ochrony Małoletnich (wersja {version}): brak potwierdzeń {count}",
    "dzieci": "Zapoznanie dzieci ze Standardami Ochrony Małoletnich (wersja {version}): brak potwierdzeń {count}",
}


def report_due(settings: Settings, year: int) -> date:
    """31 March (or the configured day) of ``year``, moved to the next working day."""
    first = settings.first_report
    return next_working_day(first.replace(year=year))


def next_report_year(store: Store, settings: Settings, today: date) -> int:
    """The earliest report year without a generated report (overdue ones come first)."""
    done = {r["year"] for r in store.query(REPORTS)}
    year = settings.first_report.year
    while year in done:
        year += 2
    return year


def report_year(store: Store, settings: Settings, today: date, year: int | None = None) -> int:
    """The year a report is made for: ``year`` when it is a report year (every two years from the first), else the next due."""
    year = year or next_report_year(store, settings, today)
    if (year - settings.first_report.year) % 2:
        raise InvalidInput(
            [
                _(
                    "Raport sporządza się co dwa lata: {year} nie jest rokiem raportu (pierwszy: {first}).",
                    year=year,
                    first=settings.first_report.year,
                )
            ]
        )
    return year


def survey_due(store: Store, settings: Settings, name: str, today: date) -> date:
    last = survey.latest_round(store, name)
    if last is None:
        return next_working_day(settings.first_survey or settings.first_report)
    return next_working_day(add_months(date.fromisoformat(last["date"]), settings.survey_interval_months))


def review_due(store: Store, settings: Settings) -> date | None:
    version = acknowledgments.current_version(store)
    starts = [d for d in [version.effective] if d] + [date.fromisoformat(r["date"]) for r in store.query(REVIEWS)]
    if not starts:
        return None
    return next_working_day(add_months(max(starts), settings.review_interval_months))


def deadlines(store: Store, settings: Settings, today: date) -> list[Deadline]:
    found: list[Deadline] = []
    for name in settings.surveys:
        due = survey_due(store, settings, name, today)
        title = _(
            "Ankieta monitorująca realizację Standardów ({group})",
            group=_("personel") if name == "personel" else _("rodzice"),
        )
        found.append(
            Deadline(key=f"standards:survey:{name}:{due.isoformat()}", title=title, due=due, stages=(30, 7, 1, 0, -7))
        )

    year = next_report_year(store, settings, today)
    due = report_due(settings, year)
    found.append(
        Deadline(
            key=f"standards:report:{year}",
            title=_(
                "Raport z realizacji Standardów Ochrony Małoletnich za lata {start}–{end} dla kierownika jednostki",
                start=year - 2,
                end=year,
            ),
            due=due,
            notify=("coordinator", "head"),
            stages=(60, 30, 7, 1, 0, -7),
        )
    )

    review = review_due(store, settings)
    if review is not None:
        found.append(
            Deadline(
                key=f"standards:review:{review.isoformat()}",
                title=_("Przegląd i aktualizacja Standardów Ochrony Małoletnich"),
                due=review,
                notify=("coordinator", "head"),
                stages=(30, 7, 0),
            )
        )

    version = acknowledgments.current_version(store)
    grace = timedelta(days=settings.ack_days)
    by_group: dict[str, list[people.Person]] = {}
    for person in acknowledgments.missing(store):
        by_group.setdefault(person.group, []).append(person)
    for person in by_group.pop("pracownicy", []):
        base = max(d for d in (version.effective, person.since, date.min) if d)
        # Before the first day of work with children when it is known; else some days after joining / the new version.
        due = person.start if person.start and person.start >= base else next_working_day(base + grace)
        found.append(
            Deadline(
                key=f"standards:ack:{version.version}:{person.id}",
                title=_(
                    "Oświadczenie pracownika o zapoznaniu się ze Standardami Ochrony Małoletnich (wersja {version})",
                    version=version.version,
                ),
                due=due,
                record=person.ref,
                notify=("coordinator", "head"),
                stages=(7, 1, 0, -1),
            )
        )
    for group, missing in by_group.items():
        earliest = min((p.since for p in missing if p.since), default=today)
        base = max(version.effective or earliest, earliest)
        found.append(
            Deadline(
                key=f"standards:ack:{version.version}:{group}",
                title=_(GROUP_TITLES[group], version=version.version, count=len(missing)),
                due=next_working_day(base + grace),
                stages=(7, 0, -7),
            )
        )
    return found
