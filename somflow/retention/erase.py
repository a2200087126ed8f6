"""Erasing records past retention, with everything that holds their data.

For each record: the record itself, the generated documents that belong to it (``documents``
records whose ``record`` points at it, or listed in its ``documents``), their PDF files and
archived scans, and the inbox entries of scans all of whose documents go (with the archived
original and, if some pages were set aside, the file and its note in ``rejected/``).

Order, for a crash: the records go in **one store transaction** with an audit entry that
holds counts and record types only (no names, no file names: a rejected scan's name may be
a child's); the files are removed **after** the commit. A crash in between (or a file held
open on Windows, counted in :attr:`Erasure.left`) leaves files no record points to, never
a record without its file. Backups age out
through the store's own rotation (docs/retention.md says how long).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from somflow.forms.documents import COLLECTION as DOCUMENTS
from somflow.inbox.filing import SCANS, note_for
from somflow.retention.due import Due
from somflow.retention.policy import linked_documents, one_pass
from somflow.workspace import Workspace

#: The audit entry of an erasure: collection ``retention``, id the day, action ``erase:<type>=<n>,...``.
AUDIT_COLLECTION = "retention"


@dataclass
class Erasure:
    """What an erasure removed: records per type name, documents, scans, files (and files it could not remove)."""

    records: Counter = field(default_factory=Counter)
    documents: int = 0
    scans: int = 0
    files: int = 0
    left: int = 0


def erase(workspace: Workspace, due: list[Due], today: date) -> Erasure:
    """Erase ``due`` (from :func:`~somflow.retention.due.past_retention`) in one transaction, then their files."""
    store = workspace.store
    outcome = Erasure()
    files: list[str] = []
    with store.transaction(), one_pass():
        documents = store.query(DOCUMENTS)
        gone_docs: set[str] = set()
        for item in due:
            record = store.get(item.type.collection, item.id)
            # Erased meanwhile (two secretaries pressing at once), or changed since it was listed
            # (the person came back, the case was reopened): the listing no longer holds for it.
            if record is None or item.type.started(workspace, record) != item.started:
                continue
            owner = {"collection": item.type.collection, "id": item.id}
            gone_docs.update(d["id"] for d in documents if d.get("record") == owner)
            gone_docs.update(linked_documents(record))
            store.delete(item.type.collection, item.id)
            outcome.records[item.type.name] += 1
        for doc in documents:
            if doc["id"] in gone_docs:
                files += [doc.get("file"), (doc.get("returned") or {}).get("scan")]
                store.delete(DOCUMENTS, doc["id"])
                outcome.documents += 1
        for scan in store.query(SCANS):
            if scan.get("documents") and set(scan["documents"]) <= gone_docs:
                files += [scan.get("archive"), (scan.get("set_aside") or {}).get("file")]
                store.delete(SCANS, scan["id"])
                outcome.scans += 1
        counts = [f"{name}={n}" for name, n in sorted(outcome.records.items())]
        counts += [f"documents={outcome.documents}", f"scans={outcome.scans}"]
        store.note(AUDIT_COLLECTION, today.isoformat(), "erase:" + ",".join(counts))
    for relative in filter(None, files):
        _remove(workspace.root / relative, outcome)
        if relative.startswith(workspace.config["paths"]["rejected"] + "/"):
            _remove(note_for(workspace.root / relative), outcome)
    return outcome


def migration_copies(workspace: Workspace) -> list[Path]:
    """Copies of the store made before a layout migration (:func:`somflow.store.upgrade.backup`).

    The backup rotation never drops them, so records erased since stay in them until a person
    deletes them: the erasure names how many there are (never what they hold).
    """
    folder = workspace.backup_dir(workspace.store)
    return sorted(folder.glob("przed-migracja-*.json")) if folder.is_dir() else []


def _remove(path: Path, outcome: Erasure) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        return
    except OSError:  # Windows: open in a viewer; counted and reported, the record is gone
        outcome.left += 1
        return
    outcome.files += 1
