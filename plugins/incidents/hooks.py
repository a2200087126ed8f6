"""The plugin's hook implementations: forms, deadlines, inbox, status, corrections, retention, commands."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from somflow import hookimpl
from somflow.i18n import _
from somflow.lazy_commands import LazyCommand

FORMS_DIR = Path(__file__).parent / "forms"

#: ``somflow interwencje --help`` (and its line in ``somflow --help``, which does not import the commands).
HELP = "Interwencje (krzywdzenie przez pracownika, rówieśnika, osobę trzecią): sprawy, kroki, plan wsparcia, pisma."


@hookimpl
def somflow_register_forms(register) -> None:
    from somflow import forms

    forms.register_folder(register, FORMS_DIR)


@hookimpl
def somflow_deadlines(workspace, today: date) -> list:
    from somflow_incidents.due import deadlines

    return deadlines(workspace, today)


@hookimpl
def somflow_document_filed(document: dict[str, Any], workspace) -> None:
    """A signed document of an intervention case came back from the inbox: note it in the case."""
    from somflow_incidents.cases import CASES

    from somflow.casework.returned import note_returned

    note_returned(workspace, CASES, document)


@hookimpl
def somflow_status(workspace) -> list[tuple[str, str]]:
    return [(label, str(value)) for label, value in _counts(workspace)]


@hookimpl
def somflow_unit_summary(workspace) -> list[tuple[str, int]]:
    return _counts(workspace)


def _counts(workspace) -> list[tuple[str, int]]:
    from somflow_incidents.cases import CASES, OPEN

    return [(_("Otwarte sprawy interwencyjne"), workspace.store.count(CASES, {"status": OPEN}))]


@hookimpl
def somflow_register_commands(register) -> None:
    register(LazyCommand("interwencje", "somflow_incidents.commands:interwencje", help=HELP))
    register(LazyCommand("incidents", "somflow_incidents.commands:incidents", help=HELP))


@hookimpl
def somflow_register_entry_kinds(register) -> None:
    from somflow_incidents.entries import ENTRY_KIND

    register(ENTRY_KIND)


@hookimpl
def somflow_record_types(register) -> None:
    from somflow_incidents.cases import CASES, CLOSED, children_of, described

    from somflow.casework.steps import first_date
    from somflow.retention.policy import RecordType

    register(
        RecordType(
            name=CASES,
            collection=CASES,
            label="Sprawa interwencyjna (notatka, protokoły, plan wsparcia, pisma)",
            clock="zamknięcie sprawy",
            years=10,  # the same conservative default as a Blue Card case (docs/retention.md)
            started=lambda workspace, case: first_date(case, "zamkniecie") if case.get("status") == CLOSED else None,
            subjects=children_of,
            describe=described,
        )
    )


@hookimpl
def somflow_web_pages(register) -> None:
    from somflow_incidents.web import PAGES

    for page in PAGES:
        register(page)
