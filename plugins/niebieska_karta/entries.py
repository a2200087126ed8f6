"""Steps of a Blue Card case offered for correction (kind ``krok-nk``, see somflow.corrections).

A step is named ``SPRAWA#N``: the case (its short reference such as NK-2026/3, its
id or a start of it) and the step's number in ``somflow nk show`` (``/`` works
instead of ``#``). A withdrawn step stays in the history, marked, and counts
nowhere: not in the order of steps, the next step and its deadline, section XII
of NK-A nor the karta interwencji. A step a later counted step needs (the start
before NK-B) is withdrawn only after those; the service note that opened the case
cannot be withdrawn. Withdrawing the closure reopens the case; withdrawing a plan
or a review moves the next review back to what the steps left say.

Correctable: ``data``, ``osoba``, ``uwagi``; for NK-B also ``odbiorca`` and
``odbiorca-rola``, checked again against the NK-B rule (never the suspect).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from somflow_niebieska_karta import cases

from somflow import corrections
from somflow.casework import history, support_plan
from somflow.casework.steps import done_steps
from somflow.errors import InvalidInput
from somflow.i18n import _

KIND = "krok-nk"
#: Correctable field → the step's own key (``details.`` for the step's options).
FIELDS = {
    "data": "date",
    "osoba": "person",
    "uwagi": "details.notes",
    "odbiorca": "details.recipient",
    "odbiorca-rola": "details.recipient_role",
}
NKB_ONLY = ("odbiorca", "odbiorca-rola")


def locate(workspace, ref: str) -> list[corrections.Entry]:
    return history.locate(
        workspace, ref, kind=KIND, collection=cases.CASES, find_case=cases.find_case, steps=lambda case: cases.STEPS
    )


def withdraw(workspace, entry: corrections.Entry, mark: dict[str, Any]) -> dict[str, Any]:
    case, kind = entry.record, entry.data["step"]
    if kind == "notatka":
        raise InvalidInput(
            [
                _(
                    "Notatki służbowej, od której zaczęła się sprawa, nie wycofuje się; popraw jej datę albo osobę (somflow correct)."
                )
            ]
        )
    steps, after = history.withdrawn_history(cases.STEPS, entry, mark)
    changes: dict[str, Any] = {"steps": steps}
    if kind == "zamkniecie":
        changes["status"] = cases.OPEN
    if kind == "plan" and not done_steps(after, "plan"):
        changes["plan"] = None
    if kind == "wszczecie":
        changes["nka"] = {k: v for k, v in (case.get("nka") or {}).items() if k != "wszczecie_przez"}
    if kind in ("plan", "przeglad", "zamkniecie"):
        changes["next_review"] = support_plan.next_review({**after, **changes}, closed=cases.CLOSED)
    return changes


def correct(workspace, entry: corrections.Entry, changes: dict[str, str], mark: dict[str, Any]) -> dict[str, Any]:
    case, step = entry.record, entry.data
    kind, title = step["step"], cases.step_title(step["step"])
    problems = [
        _("Pole {field} dotyczy tylko kroku nk-b.", field=f) for f in changes if f in NKB_ONLY and kind != "nk-b"
    ]
    new_values: dict[str, Any] = {}
    details = dict(step.get("details") or {})
    for name, value in changes.items():
        key = FIELDS[name]
        if key.startswith("details."):
            details[key.removeprefix("details.")] = value
            new_values["details"] = details
        elif name == "osoba" and not value:
            problems.append(_("Krok „{title}”: podaj osobę, która go wykonała.", title=title))
        else:
            new_values[key] = value
    day = date.fromisoformat(step["date"])
    if "data" in changes:
        parsed, found = history.date_problems(cases.STEPS, case, entry.key, changes["data"], cases.today())
        problems += found
        if parsed is not None:
            day = parsed
            new_values["date"] = day.isoformat()
    if kind == "nk-b" and "details" in new_values:
        problems += cases.check_nkb(workspace, case, day, details)
    steps = list(case["steps"])
    steps[entry.key] = corrections.corrected_copy(step, new_values, mark)
    after = {**case, "steps": steps}
    problems += history.later_steps_problems(cases.STEPS, after, kind)
    if problems:
        raise InvalidInput(problems)
    return {"steps": steps}


ENTRY_KIND = corrections.EntryKind(
    name=KIND,
    title="krok sprawy NK",  # Polish; translated when shown
    ref_help="SPRAWA#NUMER KROKU z somflow nk show, np. NK-2026/3#2",
    locate=locate,
    withdraw=withdraw,
    correct=correct,
    fields={
        "data": "data kroku",
        "osoba": "kto wykonał krok",
        "uwagi": "uwagi",
        "odbiorca": "nk-b: komu przekazano",
        "odbiorca-rola": "nk-b: rola odbiorcy",
    },
)
