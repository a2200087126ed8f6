"""The register of interventions: every case with its number, kind, dates, state and next step — no names.

``somflow interwencje list`` prints it and a web page can show it: the rows hold what the
coordinator keeps in the register (seed 002 § 9: "prowadzenie rejestru zgłoszeń"), never the child's
or the suspect's name, so the list can be shown or printed for the head without exposing anyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from somflow_incidents import cases
from somflow_incidents.due import next_due
from somflow_incidents.kinds import TYPES

from somflow import refs
from somflow.casework.steps import first_date
from somflow.workspace import Workspace


@dataclass(frozen=True)
class Row:
    ref: str
    case_id: str
    kind: str
    opened: date | None
    closed: date | None
    status: str
    next_step: str | None
    due: date | None
    overdue: bool


def rows(workspace: Workspace, today: date, *, include_closed: bool = False, year: int | None = None) -> list[Row]:
    """The register's rows in the order the cases were opened (open ones only unless ``include_closed``)."""
    found = []
    for case in refs.ensure(workspace.store, cases.CASES, cases.REF_KIND):
        opened = first_date(case, "zgloszenie")
        if (not include_closed and case["status"] != cases.OPEN) or (year and (opened is None or opened.year != year)):
            continue
        due = next_due(case) if case["status"] == cases.OPEN else None
        step = cases.next_step(case)
        found.append(
            Row(
                ref=cases.case_label(case),
                case_id=case["id"],
                kind=TYPES[case["typ"]].title,
                opened=opened,
                closed=first_date(case, "zamkniecie"),
                status=case["status"],
                next_step=cases.step_title(case, step) if step else None,
                due=due,
                overdue=bool(due and due < today),
            )
        )
    return found
