"""Retention as a core feature: the ``[retention]`` section, the register's own record type, the commands."""

from __future__ import annotations

from datetime import date
from typing import Any

from somflow import hookimpl
from somflow.lazy_commands import LazyCommand
from somflow.retention.policy import SCHEMA, SECTION, RecordType

RETENTION_HELP = (
    "Rekordy po okresie przechowywania (bez nazwisk); --apply: usuń je wraz z dokumentami i skanami; także: retencja."
)


def person_left(workspace: Any, person_id: str) -> date | None:
    """The day a register person left the unit (the clock of records kept about them), None while they stay."""
    from somflow.people import register

    person = register.get(workspace.store, person_id)
    left_on = (person or {}).get("left_on")
    return date.fromisoformat(left_on) if left_on else None


def _person_ref(person: dict[str, Any]) -> str:
    from somflow.i18n import _
    from somflow.people import register

    return _("osoba nr {nr}", nr=register.number(person))


@hookimpl
def somflow_config_schema(register) -> None:
    register(SECTION, SCHEMA)


@hookimpl
def somflow_record_types(register) -> None:
    from somflow.people.register import COLLECTION

    register(
        RecordType(
            name="people",
            collection=COLLECTION,
            label="Osoba w rejestrze (dane osobowe)",
            clock="odejście z placówki",
            years=10,
            started=lambda workspace, person: person_left(workspace, person["id"]),
            ref=_person_ref,
        )
    )


@hookimpl
def somflow_register_commands(register) -> None:
    register(LazyCommand("retention", "somflow.retention.commands:retention", help=RETENTION_HELP))
    register(LazyCommand("retencja", "somflow.retention.commands:retencja", help=RETENTION_HELP, hidden=True))
