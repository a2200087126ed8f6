"""Which records are past their retention period, named without personal data.

A record is past retention when its clock started (:attr:`RecordType.started`) and the
period of its type has run out: kept through ``started + years``, past it the day after.
A register person is held back while any record kept (not past its own period) is about
them, so the register never loses someone a kept record still points to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from somflow.retention.policy import RecordType, add_years, one_pass, periods, record_types
from somflow.workspace import Workspace


@dataclass(frozen=True)
class Due:
    """One record past retention: its type, id, masked reference, and the days that decide it."""

    type: RecordType
    id: str
    ref: str
    started: date
    kept_until: date


def past_retention(workspace: Workspace, today: date) -> list[Due]:
    """Every record past its retention period on ``today``, by type (load order) and clock date."""
    years = periods(workspace)
    store = workspace.store
    due: list[Due] = []
    kept_subjects: set[str] = set()
    with one_pass():
        for name, kind in record_types(workspace).items():
            for record in store.query(kind.collection):
                started = kind.started(workspace, record)
                until = add_years(started, years[name]) if started else None
                if until is not None and until < today:
                    due.append(Due(kind, record["id"], kind.ref(workspace, record), started, until))
                else:
                    kept_subjects.update(kind.subjects(workspace, record))
    due = [d for d in due if d.id not in kept_subjects or not _is_person(d.type)]
    order = list(record_types(workspace))
    return sorted(due, key=lambda d: (order.index(d.type.name), d.started, d.ref))


def _is_person(kind: RecordType) -> bool:
    from somflow.people.register import COLLECTION

    return kind.collection == COLLECTION
