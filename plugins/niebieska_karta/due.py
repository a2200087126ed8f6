"""What a case owes and by when: NK-A to the Zespół Interdyscyplinarny, the support plan's reviews and tasks.

NK-A is delivered "niezwłocznie, nie później niż w terminie 5 dni roboczych od
dnia wszczęcia procedury" (seed 002 pt 8): counting starts the day after the
start, Saturdays, Sundays and Polish public holidays do not count
(``somflow.calendar``; 24 December is a holiday from 2025).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from somflow_niebieska_karta.cases import CASES, OPEN, case_label

from somflow.casework import support_plan
from somflow.casework.steps import done_steps, first_date
from somflow.i18n import _
from somflow.workspace import Workspace

NKA_WORKING_DAYS = 5


def nka_due(start: date) -> date:
    """The last day to deliver NK-A for a procedure started on ``start``."""
    from somflow import calendar

    return calendar.add_working_days(start, NKA_WORKING_DAYS)


def nka_deadline(case: dict[str, Any]) -> date | None:
    """The NK-A due date of a started case whose NK-A is not delivered yet (else None)."""
    start = first_date(case, "wszczecie")
    if start is None or done_steps(case, "nk-a"):
        return None
    return nka_due(start)


def deadlines(workspace: Workspace, today: date) -> list:
    """The open deadlines of every open case (names never appear in titles)."""
    from somflow.deadlines import Deadline

    found = []
    for case in workspace.store.query(CASES, {"status": OPEN}):
        record = {"collection": CASES, "id": case["id"]}
        due = nka_deadline(case)
        if due is not None:
            found.append(
                Deadline(
                    key=f"nk:{case['id']}:nk-a",
                    title=_(
                        "Przekazanie „Niebieskiej Karty – A” do Zespołu Interdyscyplinarnego (sprawa {case})",
                        case=case_label(case),
                    ),
                    due=due,
                    record=record,
                    notify=("coordinator", "head"),
                    stages=(2, 1, 0, -1),
                )
            )
        found += support_plan.deadlines(case, key=f"nk:{case['id']}", label=case_label(case), collection=CASES)
    return found


def overdue_nka(workspace: Workspace, today: date) -> int:
    """How many open cases are past the NK-A delivery day."""
    count = 0
    for case in workspace.store.query(CASES, {"status": OPEN}):
        due = nka_deadline(case)
        if due is not None and due < today:
            count += 1
    return count


def next_due(case: dict[str, Any]) -> date | None:
    """The date by which the case's next obligation falls due (NK-A, else the plan review)."""
    due = nka_deadline(case)
    if due is not None:
        return due
    return date.fromisoformat(case["next_review"]) if case.get("next_review") else None
