"""A case's history of steps: which steps count, which must come first, and finding a case by its reference.

A case record keeps ``steps``, its history: ``{step, date, person, documents, details, recorded}``.
A withdrawn step stays in the history, marked (``somflow.corrections``), and counts nowhere: every
function here reads only the counted steps. Each procedure plugin describes its kinds of step with
:class:`Step` in a dict keyed by the step's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from somflow import refs
from somflow.corrections import counting
from somflow.errors import SomflowError
from somflow.i18n import _

#: The states of a case (every procedure's cases use them).
OPEN, CLOSED = "otwarta", "zamknięta"


@dataclass(frozen=True)
class Step:
    """A kind of step: its Polish title, the steps that must come first, and the form it prints (if any)."""

    title: str
    requires: tuple[str, ...] = ()
    once: bool = True
    form: str | None = None


def counted_steps(case: dict[str, Any]) -> list[dict[str, Any]]:
    """The history's steps that count: every step but the withdrawn ones."""
    return counting(case.get("steps", []))


def done_steps(case: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [s for s in counted_steps(case) if s["step"] == kind]


def first_date(case: dict[str, Any], kind: str) -> date | None:
    steps = done_steps(case, kind)
    return date.fromisoformat(steps[0]["date"]) if steps else None


def step_title(steps: dict[str, Step], kind: str) -> str:
    return _(steps[kind].title) if kind in steps else kind


def not_future(day: date | None, today: date, where: str) -> list[str]:
    """A message when ``day`` is after ``today`` (``where`` names the field or step)."""
    if day is not None and day > today:
        return [
            _(
                "{where}: data {day} jest z przyszłości (dziś jest {today}).",
                where=where,
                day=day.isoformat(),
                today=today.isoformat(),
            )
        ]
    return []


def order_problems(steps: dict[str, Step], case: dict[str, Any], kind: str, day: date) -> list[str]:
    """Why a step ``kind`` on ``day`` cannot come where it would in the case's (counted) history."""
    title = step_title(steps, kind)
    messages = []
    for required in steps[kind].requires:
        before = first_date(case, required)
        if before is None:
            messages.append(
                _(
                    "Nie można zapisać kroku „{title}” przed krokiem „{required}”.",
                    title=title,
                    required=step_title(steps, required),
                )
            )
        elif day < before:
            messages.append(
                _(
                    "Krok „{title}” ma datę {day}, wcześniejszą niż krok „{required}” ({before}).",
                    title=title,
                    day=day.isoformat(),
                    required=step_title(steps, required),
                    before=before.isoformat(),
                )
            )
    return messages


def common_problems(
    workspace, table: dict[str, Step], case: dict[str, Any], kind: str, day: date, person: str, documents, label: str
) -> list[str]:
    """What every procedure refuses of a step: a closed case, no person, a future date, the wrong order,
    a second one of a step done once, a document that does not exist. ``label`` names the case."""
    from somflow.calendar import today

    title = step_title(table, kind)
    if case.get("status") == CLOSED:
        return [_("Sprawa {case} jest zamknięta; nie można dopisać kroku „{title}”.", case=label, title=title)]
    messages: list[str] = []
    if not str(person or "").strip():
        messages.append(_("Krok „{title}”: podaj osobę, która go wykonała (--osoba).", title=title))
    messages += not_future(day, today(), _("Krok „{title}”", title=title))
    messages += order_problems(table, case, kind, day)
    if table[kind].once and done_steps(case, kind):
        messages.append(_("Krok „{title}” jest już zapisany w tej sprawie.", title=title))
    for doc_id in documents:
        if workspace.store.get("documents", doc_id) is None:
            messages.append(_("Nie ma dokumentu {id} (opcja --dokument).", id=doc_id))
    return messages


def write_step(
    workspace, collection: str, case: dict[str, Any], kind: str, day: date, person: str, documents, details
) -> dict[str, Any]:
    """Add the history entry and write the whole case — inside the caller's transaction; returns the stored case."""
    from somflow.store.base import now_iso

    entry = {
        "step": kind,
        "date": day.isoformat(),
        "person": person,
        "documents": list(documents),
        "details": details,
        "recorded": now_iso(),
    }
    case["steps"] = [*case.get("steps", []), entry]
    changes = {k: v for k, v in case.items() if k not in ("id", "unit", "created", "updated", "rev", "schema")}
    return workspace.store.update(collection, case["id"], changes, expected_rev=case["rev"])


def find_case(workspace, collection: str, ref_kind: str, ref: str, list_command: str) -> dict[str, Any]:
    """The case ``ref`` names: its number (``NK-2026/3``), its id, or a unique start or end of the id (≥ 4 characters).

    ``list_command`` is the command that lists the cases, named in the message when none fits.
    """
    store = workspace.store
    case = store.get(collection, ref)
    if case is not None:
        return case
    cases = refs.ensure(store, collection, ref_kind)
    ref_up = ref.strip().upper()
    found = refs.by_id(cases, ref) or [c for c in cases if len(ref_up) >= refs.MIN_PREFIX and c["id"].endswith(ref_up)]
    if len(found) == 1:
        return found[0]
    if not found:
        raise SomflowError(
            _(
                "Nie ma sprawy {kind} o numerze {ref}. Listę spraw pokazuje: {command}",
                kind=ref_kind,
                ref=ref,
                command=list_command,
            )
        )
    raise SomflowError(
        _(
            "Numer {ref} pasuje do kilku spraw {kind} ({count}); podaj dłuższy fragment.",
            ref=ref,
            kind=ref_kind,
            count=len(found),
        )
    )
