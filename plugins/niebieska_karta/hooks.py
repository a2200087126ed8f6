"""The plugin's hook implementations: forms, validation, deadlines, inbox, status, commands."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from somflow import hookimpl
from somflow.i18n import _
from somflow.lazy_commands import LazyCommand

FORMS_DIR = Path(__file__).parent / "forms"

#: ``somflow nk --help`` (and its line in ``somflow --help``, which does not import the commands).
NK_HELP = "Procedura „Niebieskie Karty”: sprawy, kroki, terminy i formularze NK."


@hookimpl
def somflow_register_forms(register) -> None:
    from somflow import forms

    forms.register_folder(register, FORMS_DIR)


@hookimpl
def somflow_validate(form, data: dict[str, Any], workspace) -> list[str] | None:
    from somflow_niebieska_karta.cases import today
    from somflow_niebieska_karta.rules import check_nka

    return check_nka(data, today()) if form.id == "niebieska-karta-a" else None


@hookimpl
def somflow_deadlines(workspace, today: date) -> list:
    from somflow_niebieska_karta.due import deadlines

    return deadlines(workspace, today)


@hookimpl
def somflow_document_filed(document: dict[str, Any], workspace) -> None:
    """A signed NK document came back from the inbox: note it in the case's history (inside the filing's transaction)."""
    from somflow_niebieska_karta.cases import CASES

    from somflow.casework.returned import note_returned

    note_returned(workspace, CASES, document)


@hookimpl
def somflow_status(workspace) -> list[tuple[str, str]]:
    counts = _counts(workspace)
    return [(label, str(value)) for label, value in counts]


@hookimpl
def somflow_unit_summary(workspace) -> list[tuple[str, int]]:
    return _counts(workspace)


def _counts(workspace) -> list[tuple[str, int]]:
    from somflow_niebieska_karta.cases import CASES, OPEN, today
    from somflow_niebieska_karta.due import overdue_nka

    return [
        (_("Otwarte sprawy NK"), workspace.store.count(CASES, {"status": OPEN})),
        (_("NK-A po terminie"), overdue_nka(workspace, today())),
    ]


@hookimpl
def somflow_register_commands(register) -> None:
    register(LazyCommand("nk", "somflow_niebieska_karta.commands:nk", help=NK_HELP))


@hookimpl
def somflow_record_types(register) -> None:
    from somflow_niebieska_karta.cases import CASES, CLOSED, children_of, described

    from somflow.casework.steps import first_date
    from somflow.retention.policy import RecordType

    register(
        RecordType(
            name=CASES,
            collection=CASES,
            label="Sprawa „Niebieska Karta” (z notatką, NK-A, planem wsparcia)",
            clock="zamknięcie sprawy",
            years=10,
            started=lambda workspace, case: first_date(case, "zamkniecie") if case.get("status") == CLOSED else None,
            subjects=children_of,
            describe=described,
        )
    )


@hookimpl
def somflow_register_entry_kinds(register) -> None:
    from somflow_niebieska_karta.entries import ENTRY_KIND

    register(ENTRY_KIND)


@hookimpl
def somflow_web_pages(register) -> None:
    from somflow_niebieska_karta.web import PAGES

    for page in PAGES:
        register(page)
