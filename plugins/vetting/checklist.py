"""A person's vetting checklist: each required item with what is on file and what is still missing.

One function for every face: ``somflow vetting show`` prints it, the people page shows it.
Names never appear here; the face decides what to show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from somflow.corrections import history_notes
from somflow.i18n import _

from . import people
from . import requirements as req
from .entries import history

#: The person's state in words (translated when shown).
STATE_LABELS = {
    req.CLEARED: "sprawdzony",
    req.INCOMPLETE: "niekompletny",
    req.BLOCKED: "ZABLOKOWANY",
    req.EXEMPT: "zwolniony",
}
#: States of one line: nothing on file, a hit, out of date (KRK too old), received.
MISSING, HIT, STALE, RECEIVED = "missing", "hit", "stale", "received"


@dataclass
class Line:
    """One required item: ``state`` (above), ``mark`` the Polish words for it, ``awaiting`` a printout to confirm."""

    item: req.Item
    state: str
    mark: str
    awaiting: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return self.state == RECEIVED and not self.awaiting


@dataclass
class Checklist:
    """The person's standing and one :class:`Line` per required item; ``withdrawn`` results no longer count."""

    person: dict[str, Any]
    standing: req.Standing
    lines: list[Line]
    withdrawn: list[tuple[str, dict[str, Any]]]

    @property
    def missing(self) -> list[Line]:
        """What still stands between the person and work with children."""
        return [line for line in self.lines if not line.done]


def _line(person: dict[str, Any], standing: req.Standing, item: req.Item) -> Line:
    result = (person.get("items") or {}).get(item.key)
    if result is None:
        state, mark = MISSING, _("brak")
    elif result["status"] == req.HIT:
        state, mark = HIT, _("FIGURUJE ({date})", date=result["date"])
    elif item in standing.stale:
        state, mark = STALE, _("nieaktualne ({date})", date=result["date"])
    else:
        state = RECEIVED
        mark = _("otrzymano {date}", date=result["date"]) + (
            f" [{result['document']}]" if result.get("document") else ""
        )
        if result.get("confirmed"):
            mark += " " + _(
                "(wydruk potwierdzili: {by}, {role})", by=result["confirmed"]["by"], role=result["confirmed"]["role"]
            )
    awaiting = ""
    if item.key in (person.get("pending") or {}):
        awaiting = _(
            "wydruk czeka na potwierdzenie: somflow vetting confirm {nr}/{item}",
            nr=people.number(person),
            item=item.key,
        )
    return Line(item, state, mark, awaiting, history_notes(result or {}))


def checklist(person: dict[str, Any], config: dict[str, Any] | None, today: date) -> Checklist:
    """The person's checklist on ``today`` (an exempt person has no lines: nothing is required)."""
    standing = req.standing(person, config, today)
    lines = [] if standing.state == req.EXEMPT else [_line(person, standing, item) for item in standing.required]
    return Checklist(person, standing, lines, history(person))
