"""Deadlines and counts: consents that lapse within 30 days, forms not returned 14 days after printing.

Deadlines are grouped per class (a school year ends for 600 consents on one
day; one reminder per class is readable, 600 are not), and their titles carry
counts and the class, never a child's name.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from somflow_image_consent import children as children_mod
from somflow_image_consent import register
from somflow_image_consent.vocabulary import FORM_ID, PRINTS

from somflow import calendar
from somflow.calendar import next_working_day
from somflow.i18n import _, ngettext
from somflow.workspace import Workspace

EXPIRY_WINDOW = 30  # days before the end of a consent when reminders start
RETURN_DAYS = 14  # days after printing by which the signed forms should be back


def expiring(workspace: Workspace, today: date) -> list[tuple[str, date, int]]:
    """``(group, end date, how many)`` of active consents ending within 30 days (or ended in the last 30)."""
    kids = children_mod.everyone(workspace)
    counts: dict[tuple[str, date], int] = defaultdict(int)
    for child_id, consents in register.by_child(workspace).items():
        child = kids.get(child_id)
        consent = register.governing(consents)
        if (
            child is None
            or consent is None
            or consent["decision"] != register.CONSENT
            or consent.get("withdrawn_on")
            or not consent.get("valid_to")
        ):
            continue
        if children_mod.left(child, today) and not consent.get("after_leaving"):
            continue
        end = date.fromisoformat(consent["valid_to"])
        if -EXPIRY_WINDOW <= (end - today).days <= EXPIRY_WINDOW:
            counts[(child.get("group", ""), end)] += 1
    return [(group, end, n) for (group, end), n in sorted(counts.items())]


def unreturned(workspace: Workspace, today: date) -> list[tuple[dict[str, Any], str, int, int]]:
    """``(print batch, group, forms outstanding, forms printed)`` for batches with forms still out.

    Only a child's latest printed form counts (a reprint replaces the lost copy),
    and a form is answered once its scan came back or a consent was entered for it.
    """
    store = workspace.store
    kids = children_mod.everyone(workspace)
    answered = {c.get("document_id") for c in store.query("image_consents") if c.get("document_id")}
    docs = {d["id"]: d for d in store.query("documents", {"form": FORM_ID})}
    batches = store.query(PRINTS)
    latest: dict[str, tuple[str, str]] = {}  # child id -> (batch id, document id)
    for batch in batches:
        for doc_id in batch.get("documents", []):
            child_id = ((docs.get(doc_id) or {}).get("record") or {}).get("id")
            if child_id in kids:
                latest[child_id] = (batch["id"], doc_id)
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for child_id, (batch_id, doc_id) in latest.items():
        child = kids[child_id]
        if children_mod.left(child, today):
            continue
        entry = counts[(batch_id, child.get("group", ""))]
        entry[1] += 1
        if docs[doc_id].get("status") != "zwrócony" and doc_id not in answered:
            entry[0] += 1
    by_id = {b["id"]: b for b in batches}
    return [
        (by_id[batch_id], group, missing, printed)
        for (batch_id, group), (missing, printed) in sorted(counts.items())
        if missing
    ]


def deadlines(workspace: Workspace, today: date) -> list:
    from somflow.deadlines import Deadline

    found = []
    for group, end, count in expiring(workspace, today):
        found.append(
            Deadline(
                key=f"image_consent:expiry:{group}:{end.isoformat()}",
                title=ngettext(
                    "Zgody na wizerunek wygasają: klasa {group}, {n} dziecko – zebrać nowe zgody",
                    "Zgody na wizerunek wygasają: klasa {group}, {n} dzieci – zebrać nowe zgody",
                    count,
                    group=group,
                ),
                due=end,
                stages=(30, 7, 1, 0),
            )
        )
    for batch, group, missing, printed in unreturned(workspace, today):
        printed_on = date.fromisoformat(batch["printed_on"])
        found.append(
            Deadline(
                key=f"image_consent:unreturned:{batch['id']}:{group}",
                title=ngettext(
                    "Niezwrócone zgody na wizerunek: klasa {group}, {missing} z {n} formularza (wydrukowane {printed_on})",
                    "Niezwrócone zgody na wizerunek: klasa {group}, {missing} z {n} formularzy (wydrukowane {printed_on})",
                    printed,
                    group=group,
                    missing=missing,
                    printed_on=printed_on.isoformat(),
                ),
                due=next_working_day(printed_on + timedelta(days=RETURN_DAYS)),
                record={"collection": PRINTS, "id": batch["id"]},
                stages=(0, -7),
            )
        )
    return found


def counts(workspace: Workspace, today: date | None = None) -> list[tuple[str, int]]:
    """Counts for ``somflow status`` and the municipality overview (no personal data)."""
    today = today or calendar.today()
    consents = register.by_child(workspace)
    present = [c for c in children_mod.everyone(workspace).values() if not children_mod.left(c, today)]
    valid = without = pending = 0
    for child in present:
        history = consents.get(child["id"], [])
        answer = register.decide(child, history, [], today)
        if answer.allowed:
            valid += 1
        else:
            without += 1
        pending += answer.pending_scan
    not_returned = sum(missing for _b, _g, missing, _p in unreturned(workspace, today))
    return [
        (_("Dzieci w rejestrze zgód na wizerunek"), len(present)),
        (_("Ważne zgody na wizerunek"), valid),
        (_("Dzieci bez ważnej zgody na wizerunek"), without),
        (_("Niezwrócone formularze zgody"), not_returned),
        (_("Zwrócone zgody do wpisania"), pending),
    ]
