"""What a person reads about the cases: the list with each case's next step and deadline, and a case's timeline.

``somflow nk list`` / ``nk show`` print these and the Niebieska Karta page shows them;
neither face decides anything itself. :func:`step_details` turns the words a person
gives for a step (CLI options, web form fields) into the details ``record_step`` checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from somflow_niebieska_karta import cases as nk_cases
from somflow_niebieska_karta.due import next_due

from somflow import refs
from somflow.casework import support_plan
from somflow.casework.timeline import Event, common_details
from somflow.casework.timeline import timeline as casework_timeline
from somflow.i18n import _
from somflow.workspace import Workspace


@dataclass
class CaseLine:
    """A case in the list: its next step (None: nothing left) and that step's deadline."""

    case: dict[str, Any]
    next_step: str | None
    due: date | None
    overdue: bool


def initials(name: Any) -> str:
    """``Zofia Żak`` → ``Z. Ż.``: how a list names a case's child."""
    return " ".join(part[0] + "." for part in str(name or "").split() if part) or "—"


def listing(workspace: Workspace, today: date, *, include_closed: bool = False) -> list[CaseLine]:
    """The cases (open ones only unless ``include_closed``), each with its next step and deadline."""
    lines = []
    for case in refs.ensure(workspace.store, nk_cases.CASES, nk_cases.REF_KIND):
        if include_closed or case["status"] == nk_cases.OPEN:
            due = next_due(case)
            lines.append(CaseLine(case, nk_cases.next_step(case), due, bool(due and due < today)))
    return lines


def detail_lines(entry: dict[str, Any]) -> list[str]:
    """A recorded step's details in Polish: who was present, who received what and how, the next review."""
    d = entry.get("details") or {}
    lines = []
    if d.get("present"):
        lines.append(_("w obecności: {name} ({role})", name=d["present"], role=d.get("present_role", "—")))
    if d.get("role"):
        lines.append(_("wszczęcie przez (sekcja XIV): {role}", role=d["role"]))
    if d.get("recipient"):
        lines.append(_("przekazano: {name} ({role})", name=d["recipient"], role=d.get("recipient_role", "—")))
    if d.get("how"):
        lines.append(_("sposób przekazania: {how}", how=d["how"]))
    return lines + common_details(d)


def timeline(case: dict[str, Any]) -> list[Event]:
    """The case's steps in words, in the order recorded (withdrawn ones marked), then the signed scans returned."""
    return casework_timeline(case, nk_cases.step_title, detail_lines)


def step_details(
    kind: str, *, data: dict[str, Any] | None = None, roles: list[str] | tuple[str, ...] = (), **given: Any
) -> dict[str, Any]:
    """A step's details from what a person gave: ``data`` (NK-A for ``wszczecie``, the plan for ``plan``),
    ``roles`` (who started the procedure), and the named answers (``recipient``, ``how``, ``miejscowosc``…); blanks dropped."""
    details: dict[str, Any] = {k: v for k, v in given.items() if v and k != "miejscowosc"}
    if kind == "wszczecie":
        details["role"] = list(roles) if len(roles) != 1 else roles[0]
        details["nka"] = data or {}
        if given.get("miejscowosc"):
            details["place"] = given["miejscowosc"]
    elif kind == "plan":
        details["plan"] = data or {}
    if details.get("done"):
        details["done"] = support_plan.numbers(details["done"])
    return details
