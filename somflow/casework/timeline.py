"""A case's history as a person reads it: its steps in words, with dates, people, documents and details.

``somflow nk show`` and the case pages of ``somflow serve`` show the same lines; a procedure
names its steps (``title``) and says what its own details mean (``details``), the lines every
procedure's steps share (the addressee of a letter, the next review, the notes) are here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from somflow.corrections import history_notes, is_withdrawn
from somflow.i18n import _


@dataclass
class Event:
    """One line of a case's timeline: a step (``number`` from 1, as ``somflow withdraw NK-…#N`` takes it) or a returned scan."""

    date: str
    title: str
    person: str = ""
    documents: list[str] = field(default_factory=list)
    number: int | None = None
    withdrawn: bool = False
    details: list[str] = field(default_factory=list)


def common_details(details: dict[str, Any]) -> list[str]:
    """The details any procedure's step may have, in words: the letter's addressee, the next review, the notes."""
    lines = []
    if details.get("addressee"):
        lines.append(_("adresat: {name}", name=details["addressee"].get("name", "—")))
    elif details.get("addressee_role"):
        lines.append(_("adresat: {name}", name=details["addressee_role"]))
    if details.get("next_review"):
        lines.append(_("następny przegląd: {day}", day=details["next_review"]))
    if details.get("notes"):
        lines.append(_("uwagi: {text}", text=details["notes"]))
    return lines


def timeline(
    case: dict[str, Any], title: Callable[[str], str], details: Callable[[dict[str, Any]], list[str]]
) -> list[Event]:
    """The case's steps in the order recorded (withdrawn ones marked), then the signed scans returned.

    ``title(kind)`` names a step in words; ``details(entry)`` says what the entry's details mean.
    """
    events = [
        Event(
            entry["date"],
            title(entry["step"]),
            entry["person"],
            list(entry.get("documents") or []),
            number,
            is_withdrawn(entry),
            details(entry) + history_notes(entry),
        )
        for number, entry in enumerate(case.get("steps", []), start=1)
    ]
    for doc in case.get("returned", []):
        events.append(
            Event(doc["date"], _("Zwrócono podpisany skan: {form}", form=doc.get("form")), documents=[doc["id"]])
        )
    return events
