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

from somflow_niebieska_karta import cases, rules

from somflow import corrections, refs
from somflow.calendar import not_a_date, parse_date
from somflow.errors import InvalidInput, SomflowError
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


def case_ref(case: dict[str, Any]) -> str:
    """How the case is named in step references: its short reference, else its id."""
    return case.get(refs.FIELD) or case["id"]


def step_ref(case: dict[str, Any], index: int) -> str:
    """The reference of the step at ``index`` (0-based) of the case's history: ``NK-2026/3#2``."""
    return f"{case_ref(case)}#{index + 1}"


def locate(workspace, ref: str) -> list[corrections.Entry]:
    split = corrections.split_ref(ref)
    if split is None or not split[1].isdigit():
        return []
    head, number = split
    try:
        case = cases.find_case(workspace, head)
    except SomflowError:
        return []
    steps = case.get("steps", [])
    index = int(number) - 1
    if not 0 <= index < len(steps):
        return []
    step = steps[index]
    label = _(
        "sprawa {case}, krok {n}: {title} ({date})",
        case=case_ref(case),
        n=index + 1,
        title=cases.step_title(step["step"]),
        date=step["date"],
    )
    return [corrections.Entry(KIND, step_ref(case, index), cases.CASES, case, index, label, step)]


def _next_review(case: dict[str, Any]) -> str | None:
    if case.get("status") == cases.CLOSED:
        return None
    last = next((s for s in reversed(cases.counted_steps(case)) if s["step"] in ("plan", "przeglad")), None)
    if last is None:
        return None
    if last["step"] == "przeglad":
        return (last.get("details") or {}).get("next_review")
    return (case.get("plan") or {}).get("najblizszy_przeglad")


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
    steps = list(case["steps"])
    steps[entry.key] = corrections.withdrawn_copy(entry.data, mark)
    after = {**case, "steps": steps}
    if not cases.done_steps(after, kind):
        needing = [s for s in cases.counted_steps(after) if kind in cases.STEPS[s["step"]].requires]
        if needing:
            listed = ", ".join(step_ref(case, steps.index(s)) + " " + cases.step_title(s["step"]) for s in needing)
            raise InvalidInput(
                [
                    _(
                        "Krok „{title}” jest potrzebny krokom zapisanym po nim: {steps}. Najpierw wycofaj je.",
                        title=cases.step_title(kind),
                        steps=listed,
                    )
                ]
            )
    changes: dict[str, Any] = {"steps": steps}
    if kind == "zamkniecie":
        changes["status"] = cases.OPEN
    if kind == "plan" and not cases.done_steps(after, "plan"):
        changes["plan"] = None
    if kind == "wszczecie":
        changes["nka"] = {k: v for k, v in (case.get("nka") or {}).items() if k != "wszczecie_przez"}
    if kind in ("plan", "przeglad", "zamkniecie"):
        changes["next_review"] = _next_review({**after, **changes})
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
        parsed = parse_date(changes["data"])
        if parsed is None:
            problems.append(not_a_date(_("Pole data"), changes["data"]))
        else:
            day = parsed
            new_values["date"] = day.isoformat()
            problems += rules.not_future(day, cases.today(), _("Krok „{title}”", title=title))
            others = {**case, "steps": [s for i, s in enumerate(case["steps"]) if i != entry.key]}
            problems += cases.order_problems(others, kind, day)
    if kind == "nk-b" and "details" in new_values:
        problems += cases.check_nkb(workspace, case, day, details)
    steps = list(case["steps"])
    steps[entry.key] = corrections.corrected_copy(step, new_values, mark)
    after = {**case, "steps": steps}
    first = cases.first_date(after, kind)
    for later in cases.counted_steps(after):
        if (
            kind in cases.STEPS[later["step"]].requires
            and first is not None
            and date.fromisoformat(later["date"]) < first
        ):
            problems.append(
                _(
                    "Krok „{later}” ({day}) byłby wcześniejszy niż krok „{title}” ({first}).",
                    later=cases.step_title(later["step"]),
                    day=later["date"],
                    title=title,
                    first=first.isoformat(),
                )
            )
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
