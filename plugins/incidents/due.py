"""What an open intervention case owes and by when: its support plan's tasks and reviews (somflow.casework.support_plan)."""

from __future__ import annotations

from datetime import date
from typing import Any

from somflow_incidents.cases import CASES, OPEN, case_label

from somflow.casework import support_plan
from somflow.workspace import Workspace


def deadlines(workspace: Workspace, today: date) -> list:
    """Every open case's plan review and open tasks; titles name the case number only."""
    found = []
    for case in workspace.store.query(CASES, {"status": OPEN}):
        found += support_plan.deadlines(case, key=f"int:{case['id']}", label=case_label(case), collection=CASES)
    return found


def next_due(case: dict[str, Any]) -> date | None:
    """The earliest date the case's plan asks for: the next review or an open task's date."""
    days = [d.due for d in support_plan.deadlines(case, key="", label="", collection=CASES)]
    return min(days) if days else None
