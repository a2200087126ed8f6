"""Withdrawing and correcting a step of a case's history through :mod:`somflow.corrections`.

A step is named ``<case number>#<step number>`` (``INT-2026/1#3``), numbered from 1 in the history
as ``show`` lists it. What any procedure needs is here: finding the step, refusing to withdraw a step
later steps need, refusing a corrected date that puts the history out of order. A plugin's
``EntryKind`` adds its own changes (the case's status, its plan) around these.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from somflow import corrections, refs
from somflow.calendar import not_a_date, parse_date
from somflow.casework.steps import (
    Step,
    counted_steps,
    done_steps,
    first_date,
    not_future,
    order_problems,
    step_title,
)
from somflow.errors import SomflowError
from somflow.i18n import _


def case_ref(case: dict[str, Any]) -> str:
    """How the case is named in step references: its short reference, else its id."""
    return case.get(refs.FIELD) or case["id"]


def step_ref(case: dict[str, Any], index: int) -> str:
    """The reference of the step at ``index`` (0-based) of the case's history: ``NK-2026/3#2``."""
    return f"{case_ref(case)}#{index + 1}"


def locate(
    workspace,
    ref: str,
    *,
    kind: str,
    collection: str,
    find_case: Callable[[Any, str], dict[str, Any]],
    steps: Callable[[dict[str, Any]], dict[str, Step]],
) -> list[corrections.Entry]:
    """The step ``ref`` names (``CASE#N``), as a corrections entry of ``kind``; [] when it names none."""
    split = corrections.split_ref(ref)
    if split is None or not split[1].isdigit():
        return []
    head, number = split
    try:
        case = find_case(workspace, head)
    except SomflowError:
        return []
    history = case.get("steps", [])
    index = int(number) - 1
    if not 0 <= index < len(history):
        return []
    step = history[index]
    label = _(
        "sprawa {case}, krok {n}: {title} ({date})",
        case=case_ref(case),
        n=index + 1,
        title=step_title(steps(case), step["step"]),
        date=step["date"],
    )
    return [corrections.Entry(kind, step_ref(case, index), collection, case, index, label, step)]


def withdrawn_history(
    table: dict[str, Step], entry: corrections.Entry, mark: dict[str, Any]
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The history with the step withdrawn, and the case as it would be; refused when later steps need it."""
    from somflow.errors import InvalidInput

    case, kind = entry.record, entry.data["step"]
    history = list(case["steps"])
    history[entry.key] = corrections.withdrawn_copy(entry.data, mark)
    after = {**case, "steps": history}
    if not done_steps(after, kind):
        needing = [s for s in counted_steps(after) if kind in table.get(s["step"], Step("")).requires]
        if needing:
            listed = ", ".join(step_ref(case, history.index(s)) + " " + step_title(table, s["step"]) for s in needing)
            raise InvalidInput(
                [
                    _(
                        "Krok „{title}” jest potrzebny krokom zapisanym po nim: {steps}. Najpierw wycofaj je.",
                        title=step_title(table, kind),
                        steps=listed,
                    )
                ]
            )
    return history, after


def date_problems(
    table: dict[str, Step], case: dict[str, Any], index: int, value: str, today: date
) -> tuple[date | None, list[str]]:
    """A corrected date of the step at ``index``: the day, and why it cannot be (not a date, future, out of order)."""
    step = case["steps"][index]
    kind, title = step["step"], step_title(table, step["step"])
    day = parse_date(value)
    if day is None:
        return None, [not_a_date(_("Pole data"), value)]
    problems = not_future(day, today, _("Krok „{title}”", title=title))
    others = {**case, "steps": [s for i, s in enumerate(case["steps"]) if i != index]}
    problems += order_problems(table, others, kind, day)
    return day, problems


def later_steps_problems(table: dict[str, Step], after: dict[str, Any], kind: str) -> list[str]:
    """Steps that need ``kind`` but would come before it once its date is corrected."""
    first = first_date(after, kind)
    problems = []
    for later in counted_steps(after):
        needs = kind in table.get(later["step"], Step("")).requires
        if needs and first is not None and date.fromisoformat(later["date"]) < first:
            problems.append(
                _(
                    "Krok „{later}” ({day}) byłby wcześniejszy niż krok „{title}” ({first}).",
                    later=step_title(table, later["step"]),
                    day=later["date"],
                    title=step_title(table, kind),
                    first=first.isoformat(),
                )
            )
    return problems
