"""Steps of an intervention case offered for correction (kind ``krok-interwencji``, see somflow.corrections).

A step is named ``SPRAWA#N`` (``INT-2026/1#3``), N its number in ``somflow interwencje show``.
A withdrawn step stays in the history, marked, and counts nowhere: not in the order of steps, the
next step, the protocol nor the deadlines. A step later counted steps need is withdrawn only after
them; the service note that opened the case is not withdrawn (correct its date or author instead).
Withdrawing the closure reopens the case; withdrawing a plan or a review moves the next review back
to what the steps left say, and a withdrawn review's tasks are open again.

Correctable: ``data``, ``osoba``, ``uwagi``.
"""

from __future__ import annotations

from typing import Any

from somflow_incidents import cases

from somflow import corrections
from somflow.casework import history, support_plan
from somflow.casework.steps import done_steps
from somflow.errors import InvalidInput
from somflow.i18n import _

KIND = "krok-interwencji"
FIELDS = {"data": "date", "osoba": "person", "uwagi": "details.notes"}


def locate(workspace, ref: str) -> list[corrections.Entry]:
    return history.locate(
        workspace, ref, kind=KIND, collection=cases.CASES, find_case=cases.find_case, steps=cases.steps_of
    )


def withdraw(workspace, entry: corrections.Entry, mark: dict[str, Any]) -> dict[str, Any]:
    case, kind = entry.record, entry.data["step"]
    if kind == "zgloszenie":
        raise InvalidInput(
            [
                _(
                    "Notatki służbowej, od której zaczęła się sprawa, nie wycofuje się; popraw jej datę albo osobę (somflow correct)."
                )
            ]
        )
    steps, after = history.withdrawn_history(cases.steps_of(case), entry, mark)
    changes: dict[str, Any] = {"steps": steps}
    if kind == "zamkniecie":
        changes["status"] = cases.OPEN
    if kind == "plan" and not done_steps(after, "plan"):
        changes["plan"] = None
    if kind == "zespol" and not done_steps(after, "zespol"):
        changes["zespol"] = []
    if kind in ("plan", "przeglad", "zamkniecie"):
        changes["next_review"] = support_plan.next_review({**after, **changes}, closed=cases.CLOSED)
    return changes


def correct(workspace, entry: corrections.Entry, changes: dict[str, str], mark: dict[str, Any]) -> dict[str, Any]:
    case, step = entry.record, entry.data
    table = cases.steps_of(case)
    problems: list[str] = []
    new_values: dict[str, Any] = {}
    for name, value in changes.items():
        key = FIELDS[name]
        if key.startswith("details."):
            new_values["details"] = {**(step.get("details") or {}), key.removeprefix("details."): value}
        elif name == "osoba" and not value:
            problems.append(
                _("Krok „{title}”: podaj osobę, która go wykonała.", title=cases.step_title(case, step["step"]))
            )
        else:
            new_values[key] = value
    if "data" in changes:
        day, found = history.date_problems(table, case, entry.key, changes["data"], cases.today())
        problems += found
        if day is not None:
            new_values["date"] = day.isoformat()
    steps = list(case["steps"])
    steps[entry.key] = corrections.corrected_copy(step, new_values, mark)
    problems += history.later_steps_problems(table, {**case, "steps": steps}, step["step"])
    if problems:
        raise InvalidInput(problems)
    return {"steps": steps}


ENTRY_KIND = corrections.EntryKind(
    name=KIND,
    title="krok sprawy interwencyjnej",  # Polish; translated when shown
    ref_help="SPRAWA#NUMER KROKU z somflow interwencje show, np. INT-2026/1#2",
    locate=locate,
    withdraw=withdraw,
    correct=correct,
    fields={"data": "data kroku", "osoba": "kto wykonał krok", "uwagi": "uwagi"},
)
