"""Retention as a core feature: the ``[retention]`` section, the register's own record type, the commands."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from somflow import hookimpl
from somflow.lazy_commands import LazyCommand
from somflow.retention.policy import SCHEMA, SECTION, RecordType

#: What starts the clock of records kept about a person while they are at the unit (Polish, translated when shown).
LEAVING = "odejście z placówki"

RETENTION_HELP = (
    "Rekordy po okresie przechowywania (bez nazwisk); --apply: usuń je wraz z dokumentami i skanami; także: retencja."
)


def _person(workspace: Any, person_id: str) -> dict[str, Any] | None:
    """A register person by id: from the pass's one read of the register (:func:`shared`), else from the store."""
    from somflow.people import register
    from somflow.retention.policy import in_pass, shared

    if not in_pass():
        return register.get(workspace.store, person_id)
    by_id = shared(("people", id(workspace)), lambda: {p["id"]: p for p in workspace.store.query(register.COLLECTION)})
    return by_id.get(person_id)


def _left(person: dict[str, Any] | None) -> date | None:
    left_on = (person or {}).get("left_on")
    return date.fromisoformat(left_on) if left_on else None


def person_left(workspace: Any, person_id: str) -> date | None:
    """The day a register person left the unit (the clock of records kept about them), None while they stay."""
    return _left(_person(workspace, person_id))


def children_named(workspace: Any, named: list[Any]) -> list[str]:
    """Register ids of the children who are the same person as one of ``named`` (:class:`match.Who`s).

    For record types that hold a child's name rather than the register id (a case's victims):
    their ``subjects``. Only :attr:`match.Verdict.SAME` counts: a partial match names nobody.
    Called once per record of a whole collection, so children sharing no word of the name
    (and no PESEL) are passed over before the full comparison.
    """
    from somflow.people import match, register
    from somflow.retention.policy import shared

    def load() -> list[tuple[str, match.Who, set[str]]]:
        children = workspace.store.query(register.COLLECTION, {"kind": "child"})
        return [(c["id"], register.who(c), set(register.who(c).words())) for c in children]

    wanted = [(who, set(who.words())) for who in named if who.words() or who.number()]
    return [
        child_id
        for child_id, who, words in shared(("children", id(workspace)), load)
        if any((words & ws or w.number()) and match.compare(w, who) is match.Verdict.SAME for w, ws in wanted)
    ]


def person_ref(workspace: Any, person_id: str) -> str:
    """A register person as retention lists name them: ``osoba nr 7`` (the id's start when the person is gone)."""
    from somflow.i18n import _
    from somflow.people import register

    person = _person(workspace, person_id)
    return _("osoba nr {nr}", nr=register.number(person)) if person else person_id[:10]


def per_person(
    name: str, collection: str, label: str, years: int, person_of: Callable[[dict[str, Any]], str | None]
) -> RecordType:
    """A record type kept per register person until they leave: ``person_of(record)`` is the person's id.

    The clock starts when the person leaves the unit; lists name the record by the person's number.
    """
    return RecordType(
        name=name,
        collection=collection,
        label=label,
        clock=LEAVING,
        years=years,
        started=lambda workspace, record: person_left(workspace, person_of(record)) if person_of(record) else None,
        subjects=lambda workspace, record: [p for p in (person_of(record),) if p],
        ref=lambda workspace, record: person_ref(workspace, person_of(record) or record["id"]),
    )


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
            clock=LEAVING,
            years=10,
            started=lambda workspace, person: _left(person),
            ref=lambda workspace, person: person_ref(workspace, person["id"]),
        )
    )


@hookimpl
def somflow_status(workspace) -> list[tuple[str, str]]:
    """A line when records are past retention (a count; ``somflow retention`` lists them)."""
    from somflow import calendar
    from somflow.i18n import _
    from somflow.retention.due import past_retention

    due = len(past_retention(workspace, calendar.today()))
    return [(_("Rekordy po okresie przechowywania"), _("{count} (somflow retention)", count=due))] if due else []


@hookimpl
def somflow_register_commands(register) -> None:
    register(LazyCommand("retention", "somflow.retention.commands:retention", help=RETENTION_HELP))
    register(LazyCommand("retencja", "somflow.retention.commands:retencja", help=RETENTION_HELP, hidden=True))
