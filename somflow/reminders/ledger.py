"""The reminder ledger: collection ``reminders_sent``, one record per (deadline key, stage, recipient).

Delivery is *at least once*: before a digest is handed to the SMTP server its
items are written as ``status: "sending"``, after the server accepted it they
become ``"sent"``. A crash in between leaves ``"sending"``; the next run sends
those items again (flagged as a possible repeat) instead of skipping them. So a
crash causes at most one repeat and never a gap — a duplicate reminder is a
nuisance, a missing one is a missed legal deadline. When the server refused
the message outright the marks are removed again (it surely did not arrive).

Records of deadlines no plugin reports any more are pruned once their due
day is :data:`KEEP_DAYS` behind, so the ledger does not grow without end.

A record keeps the due date it was sent for; when a plugin moves a deadline
(a later first day at work) its stages are sent again for the new date.

The ledger is read once per run (:meth:`Ledger.load`); all later lookups are
in memory, so planning is independent of the number of records.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from somflow.store import Store
from somflow.store.base import now_iso

COLLECTION = "reminders_sent"
SENDING, SENT = "sending", "sent"
KEEP_DAYS = 90

#: (deadline key, stage, recipient address)
Entry = tuple[str, int, str]


@dataclass(frozen=True)
class Mark:
    """What the ledger needs to know about one reminder of a digest."""

    key: str
    stage: int
    recipient: str
    due: str
    plugin: str

    @property
    def entry(self) -> Entry:
        return (self.key, self.stage, self.recipient)


class Ledger:
    """The reminders already sent (or being sent), loaded once from the store."""

    def __init__(self, store: Store, records: Iterable[dict[str, Any]]):
        self.store = store
        self._records: dict[Entry, dict[str, Any]] = {(r["deadline"], r["stage"], r["recipient"]): r for r in records}

    @classmethod
    def load(cls, store: Store) -> Ledger:
        """Read the whole ledger with one query."""
        return cls(store, store.query(COLLECTION))

    def status(self, entry: Entry, due: str | None = None) -> str | None:
        """``"sent"``, ``"sending"`` (a previous run may have crashed after sending) or None.

        With ``due`` (ISO date), a record made for another due date counts as
        nothing: a deadline that moved gets its reminders again.
        """
        record = self._records.get(entry)
        if record is None or (due is not None and record.get("due") != due):
            return None
        return record["status"]

    def __len__(self) -> int:
        return len(self._records)

    def mark_sending(self, marks: Iterable[Mark]) -> None:
        """Record that these reminders are about to be sent (one transaction)."""
        with self.store.transaction():
            for mark in marks:
                record = self._records.get(mark.entry)
                if record is None:
                    self._insert(mark, SENDING, None)
                elif record.get("due") != mark.due:  # the deadline moved: start over
                    changes = {"status": SENDING, "attempts": 1, "due": mark.due, "sent_at": None}
                    self._records[mark.entry] = self.store.update(COLLECTION, record["id"], changes)
                elif record["status"] != SENT:
                    attempts = record.get("attempts", 0) + 1
                    self._records[mark.entry] = self.store.update(
                        COLLECTION, record["id"], {"status": SENDING, "attempts": attempts}
                    )

    def mark_sent(self, marks: Iterable[Mark]) -> None:
        """Record that the server accepted these reminders; marking twice changes nothing."""
        stamp = now_iso()
        with self.store.transaction():
            for mark in marks:
                record = self._records.get(mark.entry)
                if record is None:
                    self._insert(mark, SENT, stamp)
                elif record["status"] != SENT or record.get("due") != mark.due:
                    changes = {"status": SENT, "sent_at": stamp, "due": mark.due}
                    self._records[mark.entry] = self.store.update(COLLECTION, record["id"], changes)

    def _insert(self, mark: Mark, status: str, sent_at: str | None) -> None:
        fields = {
            "deadline": mark.key,
            "stage": mark.stage,
            "recipient": mark.recipient,
            "due": mark.due,
            "plugin": mark.plugin,
        }
        record = self.store.insert(COLLECTION, fields | {"status": status, "attempts": 1, "sent_at": sent_at})
        self._records[mark.entry] = record

    def forget(self, marks: Iterable[Mark]) -> None:
        """Remove new ``"sending"`` marks after the server refused the message (it surely did not arrive).

        A mark left by an earlier interrupted attempt stays: that attempt may have arrived.
        """
        with self.store.transaction():
            for mark in marks:
                record = self._records.get(mark.entry)
                if record is not None and record["status"] == SENDING and record.get("attempts", 1) <= 1:
                    self.store.delete(COLLECTION, record["id"])
                    del self._records[mark.entry]

    def prune(self, reported: set[str], today: date) -> int:
        """Delete records of deadlines not in ``reported`` that were due over KEEP_DAYS ago; returns how many.

        Call it only when every plugin answered: a deadline missing because its
        plugin failed must keep its records.
        """
        cutoff = (today - timedelta(days=KEEP_DAYS)).isoformat()
        stale = [e for e, r in self._records.items() if e[0] not in reported and r.get("due", "") < cutoff]
        if stale:
            with self.store.transaction():
                for entry in stale:
                    self.store.delete(COLLECTION, self._records.pop(entry)["id"])
        return len(stale)
