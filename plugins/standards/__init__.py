"""Built-in somflow plugin: keeping the standards alive.

* the acknowledgment register (staff, parents, children; ``somflow standards missing``),
* the register of reports and proposed changes,
* the monitoring survey (seed 004 annex 5) with its summary,
* the biennial report on implementation (seed 001 ch. XI) as a PDF with a chart,
* deadlines: survey, report (31 March every two years), review, missing acknowledgments.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from somflow import hookimpl, i18n
from somflow.i18n import _
from somflow.lazy_commands import LazyCommand

__version__ = "0.1.0"

HERE = Path(__file__).parent
i18n.add_catalog_dir(HERE / "locale", __name__)

#: ``somflow standards --help`` (and its line in ``somflow --help``, which does not import the commands).
STANDARDS_HELP = "Standardy ochrony małoletnich: potwierdzenia, rejestr zgłoszeń, ankieta, raport, przegląd."


@hookimpl
def somflow_register_forms(register) -> None:
    from somflow import forms

    forms.register_folder(register, HERE / "forms")


@hookimpl
def somflow_config_schema(register) -> None:
    from somflow_standards import settings

    register(settings.SECTION, settings.SCHEMA)


@hookimpl
def somflow_register_commands(register) -> None:
    register(LazyCommand("standards", "somflow_standards.cli:standards", help=STANDARDS_HELP))


@hookimpl
def somflow_record_types(register) -> None:
    from dataclasses import replace

    from somflow_standards import acknowledgments
    from somflow_standards.acknowledgments import ACKS

    from somflow.retention.plugin import per_person
    from somflow.retention.policy import RecordType

    kind = per_person(
        ACKS, ACKS, "Potwierdzenie zapoznania się ze Standardami", 10, lambda r: (r.get("person") or {}).get("id")
    )
    register(replace(kind, describe=acknowledgments.described))
    register(
        RecordType(
            name=acknowledgments.LISTS,
            collection=acknowledgments.LISTS,
            label="Lista potwierdzeń zapoznania się ze Standardami (klasa, z wydrukiem i skanem)",
            clock="odejście ostatniego dziecka z listy",
            years=10,
            started=acknowledgments.list_done,
            ref=lambda workspace, listed: _("lista klasy {klasa}", klasa=listed.get("klasa") or "—"),
        )
    )


@hookimpl
def somflow_register_entry_kinds(register) -> None:
    from somflow_standards.entries import ACK_ENTRY_KIND, survey_entry_kind

    register(ACK_ENTRY_KIND)
    register(survey_entry_kind())


@hookimpl
def somflow_deadlines(workspace, today: date):
    from somflow_standards import schedule, settings

    return schedule.deadlines(workspace.store, settings.load(workspace.config), today)


@hookimpl
def somflow_document_filed(document: dict[str, Any], workspace) -> None:
    from somflow_standards import acknowledgments, report

    acknowledgments.on_document_filed(workspace.store, document)
    report.on_document_filed(workspace.store, document)


@hookimpl
def somflow_unit_summary(workspace) -> list[tuple[str, int]]:
    from somflow_standards import acknowledgments, register, survey

    store = workspace.store
    missing = acknowledgments.missing(store)
    latest = survey.latest_round(store, "personel")
    return [
        (_("Brak potwierdzenia Standardów (pracownicy)"), sum(1 for p in missing if p.group == "pracownicy")),
        (_("Brak potwierdzenia Standardów (rodzice i dzieci)"), sum(1 for p in missing if p.group != "pracownicy")),
        (
            _("Otwarte wpisy rejestru zgłoszeń"),
            sum(1 for e in store.query(register.REGISTER) if e["status"] != "zamkniete"),
        ),
        (_("Ankiety w ostatnim badaniu (personel)"), len(survey.responses(store, latest)) if latest else 0),
    ]


@hookimpl
def somflow_status(workspace) -> list[tuple[str, str]]:
    from somflow_standards import acknowledgments, schedule

    store = workspace.store
    version = acknowledgments.current_version(store)
    lines = [
        (_("Standardy: obowiązująca wersja"), version.version),
        (_("Standardy: brak potwierdzeń"), str(len(acknowledgments.missing(store)))),
    ]
    for rep in sorted(store.query(schedule.REPORTS), key=lambda r: r["year"]):
        state = (
            _("podpisany {date}", date=rep["signed"])
            if rep.get("signed")
            else _("czeka na podpis kierownika jednostki")
        )
        lines.append((_("Standardy: raport {year}", year=rep["year"]), state))
    return lines


@hookimpl
def somflow_web_pages(register) -> None:
    from somflow_standards.web import PAGES

    for page in PAGES:
        register(page)
