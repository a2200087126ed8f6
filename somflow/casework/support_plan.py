"""The support plan (plan wsparcia, seed 001 ch. VII.3): its tasks and reviews, as rules and deadlines.

A case keeps the plan's data (form ``plan-wsparcia``) in ``plan`` and its next review date in
``next_review``. The plan is "jasny, konkretny oraz mierzalny" with "wyraźny podział zadań", and
"regularnie monitorowany": each task (``zadania``: what, who, by when) is a deadline with reminders,
and the plan is reviewed on its dates (``najblizszy_przeglad``, then the date each review sets).

A review without a next date is followed by another after the plan's "Przegląd planu co (dni)"
(:func:`with_cadence`), so the plan keeps being reviewed on its dates until the case is closed.
A review step (``przeglad``) may mark tasks done (``details.done``: their numbers, from 1); a task
stays done until a new plan is recorded, whose tasks start open. Everything is read from the counted
steps, so withdrawing a review reopens the tasks it marked.

Deadline titles name the case by its number only: "INT-2026/3: zadanie planu wsparcia nr 2 do 12.12",
never the child or the person responsible.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from somflow.calendar import not_a_date, parse_date
from somflow.casework.steps import counted_steps
from somflow.i18n import _

PLAN, REVIEW = "plan", "przeglad"
#: The form of the plan's data (what ``--data`` of a plan step holds).
FORM = "plan-wsparcia"
#: The form's fields the case fills (:func:`form_data`): the plan's data does not ask them.
FROM_CASE = ("dziecko_imie_nazwisko", "data_planu")


def tasks(plan: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The plan's task rows (``zadanie``, ``odpowiedzialny``, ``termin``)."""
    return [t for t in (plan or {}).get("zadania") or [] if isinstance(t, dict)]


def done_tasks(case: dict[str, Any]) -> set[int]:
    """Numbers (from 1) of the current plan's tasks that a review after it marked done."""
    done: set[int] = set()
    for step in counted_steps(case):
        if step["step"] == PLAN:
            done = set()
        elif step["step"] == REVIEW:
            done |= {int(n) for n in (step.get("details") or {}).get("done") or []}
    return done


def open_tasks(case: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    """``(number, task)`` of every task of the current plan not marked done."""
    done = done_tasks(case)
    return [(n, t) for n, t in enumerate(tasks(case.get("plan")), 1) if n not in done]


def task_rows(case: dict[str, Any]) -> list[dict[str, Any]]:
    """The plan's tasks, numbered as ``--wykonane`` takes them: what, who, by when, done or not."""
    done = done_tasks(case)
    return [
        {
            "number": number,
            "task": task.get("zadanie") or "",
            "who": task.get("odpowiedzialny") or "",
            "due": task.get("termin") or "",
            "done": number in done,
        }
        for number, task in enumerate(tasks(case.get("plan")), 1)
    ]


def numbers(text: str) -> list[str]:
    """Task numbers as typed (``1,3`` or ``1 3``); :func:`check_review` says which are not tasks."""
    return [part for part in text.replace(",", " ").split() if part]


def check_plan(plan: dict[str, Any], day: date) -> list[str]:
    """The plan's review date comes after the plan (the form itself checks the fields)."""
    where = _("Plan wsparcia, pole „Termin najbliższego przeglądu”")
    value = plan.get("najblizszy_przeglad")
    if value in (None, ""):
        return []
    review = parse_date(value)
    if review is None:
        return [not_a_date(where, value)]
    if review <= day:
        return [
            _(
                "Plan wsparcia: termin najbliższego przeglądu ({review}) musi być po dacie planu ({day}).",
                review=review.isoformat(),
                day=day.isoformat(),
            )
        ]
    return []


def check_review(case: dict[str, Any], day: date, details: dict[str, Any]) -> list[str]:
    """A review: the next review after it, the tasks it marks done are tasks of the plan."""
    messages: list[str] = []
    nxt = details.get("next_review")
    if nxt is not None:
        review = parse_date(nxt)
        if review is None:
            messages.append(not_a_date(_("Przegląd planu, opcja --nastepny-przeglad"), nxt))
        elif review <= day:
            messages.append(
                _(
                    "Przegląd planu: następny przegląd ({review}) musi być po dacie tego przeglądu ({day}).",
                    review=review.isoformat(),
                    day=day.isoformat(),
                )
            )
    count = len(tasks(case.get("plan")))
    for number in details.get("done") or []:
        if not str(number).isdigit() or not 1 <= int(number) <= count:
            messages.append(
                _(
                    "Przegląd planu: nie ma zadania nr {number} w planie wsparcia (zadania: 1–{count}; opcja --wykonane).",
                    number=number,
                    count=count,
                )
            )
    return messages


def with_cadence(case: dict[str, Any], day: date, details: dict[str, Any]) -> dict[str, Any]:
    """A review's details with its next review: the one given, else ``day`` + the plan's "Przegląd planu co (dni)".

    Without either the plan is not reviewed again (the last review ends the reviews).
    """
    every = (case.get("plan") or {}).get("przeglad_co_dni")
    if details.get("next_review") or not isinstance(every, int) or isinstance(every, bool) or every <= 0:
        return details
    return {**details, "next_review": (day + timedelta(days=every)).isoformat()}


def next_review(case: dict[str, Any], *, closed: str) -> str | None:
    """The next review as the counted steps leave it: the last review's date, else the plan's (None when closed)."""
    if case.get("status") == closed:
        return None
    last = next((s for s in reversed(counted_steps(case)) if s["step"] in (PLAN, REVIEW)), None)
    if last is None:
        return None
    if last["step"] == REVIEW:
        return (last.get("details") or {}).get("next_review")
    return (case.get("plan") or {}).get("najblizszy_przeglad")


def deadlines(case: dict[str, Any], *, key: str, label: str, collection: str) -> list:
    """The plan's review and every open task of an open case, as deadlines keyed ``<key>:przeglad:<date>``/``<key>:zadanie:<n>``."""
    from somflow.deadlines import Deadline

    record = {"collection": collection, "id": case["id"]}
    found = []
    if case.get("next_review"):
        review = date.fromisoformat(case["next_review"])
        found.append(
            Deadline(
                key=f"{key}:przeglad:{review.isoformat()}",
                title=_("Przegląd planu wsparcia (sprawa {case})", case=label),
                due=review,
                record=record,
                notify=("coordinator",),
                stages=(7, 1, 0, -1),
            )
        )
    for number, task in open_tasks(case):
        due = parse_date(task.get("termin"))
        if due is None:
            continue
        found.append(
            Deadline(
                key=f"{key}:zadanie:{number}:{due.isoformat()}",
                title=_(
                    "{case}: zadanie planu wsparcia nr {number} do {day}",
                    case=label,
                    number=number,
                    day=due.strftime("%d.%m"),
                ),
                due=due,
                record=record,
                notify=("coordinator",),
                stages=(7, 1, 0, -1),
            )
        )
    return found


def form_data(plan: dict[str, Any] | None, child: str | None, day: date) -> dict[str, Any]:
    """The ``plan-wsparcia`` form's data: the plan, with the child's name and the plan's date where blank."""
    data = dict(plan or {})
    child_field, day_field = FROM_CASE
    data.setdefault(child_field, child)
    data.setdefault(day_field, day.isoformat())
    return {k: v for k, v in data.items() if v not in (None, "", [])}
