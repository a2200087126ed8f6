"""The embedded default store: one JSON file that somflow owns openly (TinyDB's layout, not TinyDB's code).

Plain TinyDB rewrites its file in place (a crash leaves a torn file), has no
protection against two processes writing at once, rebuilds a whole table and
rewrites the whole file on every insert, and caches query answers that another
process's commit makes stale. Rather than override its internals, somflow
reads and writes the file itself — :mod:`somflow.store.jsonfile` holds the
file (parsing with shape checks, atomic writes, backups, leftovers) — and
keeps TinyDB's layout, ``{collection: {id: document}}`` with the records'
ULIDs as keys, so a copy can still be opened with ``TinyDB(path)`` for
inspection. Here:

* every transaction holds a cross-platform file lock (``filelock``) and starts
  from the file's latest state, so the inbox watcher and CLI commands can
  write at once without losing updates;
* writes inside a transaction change the in-memory copy only; the file is
  written once, at commit (temporary file, fsync, ``os.replace``);
* queries scan the in-memory copy, which is re-read whenever the file
  changed: there is no query cache to go stale;
* the last commit's audit entries are kept in the file under ``_audit_tail``
  and appended to ``<name>.audit.jsonl`` right after the file is replaced; a
  crash in between is repaired by the next transaction (and readers of the
  log see them meanwhile), so the audit log never misses a commit and never
  records one that did not happen;
* a missing file is created empty — unless backups with records or an audit
  log show that a store was there: then it is refused (the data was moved or
  deleted, and an empty store must not take its place).
"""

from __future__ import annotations

import copy
import json
import logging
import os
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import filelock
from ulid import ULID

from somflow.errors import StoreBusy, StoreCorrupt
from somflow.fileio import make_private_dir
from somflow.i18n import _
from somflow.store.base import Store, matches
from somflow.store.jsonfile import AUDIT_TAIL, StoreFile, tables

__all__ = ["AUDIT_TAIL", "TinyDBStore", "read_audit", "tables", "unlogged"]

log = logging.getLogger(__name__)

LOCK_TIMEOUT_SECONDS = 60


class TinyDBStore(Store):
    """The store on one JSON file (plus ``<name>.lock``, ``<name>.audit.jsonl`` and ``backups/``)."""

    def __init__(self, path: str | Path, unit: str = "default", user: str | None = None):
        super().__init__(unit, user)
        self.path = Path(path)
        self.audit_path = self.path.with_name(self.path.stem + ".audit.jsonl")
        self._lock = filelock.FileLock(
            str(self.path.with_name(self.path.name + ".lock")), timeout=LOCK_TIMEOUT_SECONDS, mode=0o600
        )
        self._thread_lock = threading.RLock()
        self._file = StoreFile(self.path, self.path.parent / "backups")
        if not self.path.exists():
            make_private_dir(self.path.parent)  # before the lock file is made in it
            with self._lock:  # another process may be creating it, and already committing to it
                if not self.path.exists():
                    self._create()
        #: Temporary copies of the store left by killed processes and removed on opening (``somflow status`` tells).
        self.removed_temporaries = self._remove_temporaries()
        self._file.read()  # refuse to start on a corrupt file, make the first backup

    def _create(self) -> None:
        good = self._file.last_good_backup()
        if (good and good[1]) or (self.audit_path.exists() and self.audit_path.stat().st_size):
            hint = (
                _("Ostatnia dobra kopia: {backup}", backup=good[0])
                if good and good[1]
                else _("Nie ma dobrej kopii zapasowej tego pliku")
            )
            raise StoreCorrupt(
                _(
                    "Nie ma pliku magazynu danych {path}, choć są ślady zapisanych danych (kopie zapasowe albo dziennik zmian). "
                    "Nie utworzono nowego, pustego magazynu. {hint}. Przywróć plik albo skopiuj kopię zapasową na jego miejsce.",
                    path=self.path,
                    hint=hint,
                )
            )
        self._file.create()

    def _remove_temporaries(self) -> int:
        try:
            self._lock.acquire(timeout=0)
        except filelock.Timeout:  # another process is committing: its temporary file is in use; next time
            return 0
        try:
            removed = self._file.remove_temporaries()
        finally:
            self._lock.release()
        if removed:
            log.info("removed %d temporary copies of the store left by interrupted writes", removed)
        return removed

    def collections(self) -> list[str]:
        return sorted(name for name, docs in tables(self._file.read()).items() if docs)

    def units(self) -> list[str]:
        return sorted(
            {doc.get("unit") for docs in tables(self._file.read()).values() for doc in docs.values()} - {None}
        )

    def for_unit(self, unit: str) -> TinyDBStore:
        view = copy.copy(self)  # same file, lock and in-memory copy
        view.unit, view._local = unit, threading.local()
        return view

    def backups(self) -> list[Path]:
        return self._file.backups()

    def _get(self, collection: str, id: str) -> dict[str, Any] | None:
        return self._file.read().get(collection, {}).get(id)

    def _query(self, collection: str, where: dict[str, Any]) -> Iterable[dict[str, Any]]:
        docs = self._file.read().get(collection, {}).values()
        return [doc for doc in docs if matches(doc, where)]

    def _write(self, collection: str, id: str, doc: dict[str, Any] | None) -> None:
        docs = self._file.read().setdefault(collection, {})
        if doc is None:
            docs.pop(id, None)
        else:
            docs[id] = doc

    def _begin(self) -> None:
        self._thread_lock.acquire()
        try:
            self._lock.acquire()
        except filelock.Timeout:
            self._thread_lock.release()
            raise StoreBusy(
                _(
                    "Magazyn danych {path} jest zajęty przez inny proces somflow. Spróbuj ponownie za chwilę.",
                    path=self.path,
                )
            ) from None
        try:
            data = self._file.read()  # latest committed state
            missing = unlogged(self.audit_path, data.get(AUDIT_TAIL))
            if missing:  # the previous commit was cut off between the data file and its audit lines
                self._append_audit(missing)
        except BaseException:
            self._release()
            raise
        self._file.pinned = True

    def _commit(self, audit: list[dict[str, Any]]) -> None:
        try:
            if audit:
                commit = audit[0]["commit"] = str(ULID())
                for entry in audit:
                    entry["commit"] = commit
                self._file.read()[AUDIT_TAIL] = audit
                self._file.flush()
                self._append_audit(audit)
        except BaseException:
            self._file.invalidate()
            raise
        finally:
            self._release()

    def _abort(self) -> None:
        self._file.invalidate()  # in-memory writes are dropped; the file was never touched
        self._release()

    def _release(self) -> None:
        self._file.pinned = False
        self._lock.release()
        self._thread_lock.release()

    def _append_audit(self, entries: list[dict[str, Any]]) -> None:
        lines = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries).encode("utf-8")
        fd = os.open(self.audit_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
        try:
            os.write(fd, lines)
            os.fsync(fd)
        finally:
            os.close(fd)

    def _read_audit(self) -> list[dict[str, Any]]:
        # "commit" only ties a transaction's lines together for the repair; entries look alike on every backend.
        return [
            {k: v for k, v in e.items() if k != "commit"}
            for e in read_audit(self.audit_path, self._file.read().get(AUDIT_TAIL))
        ]


def _audit_lines(audit_path: Path) -> list[dict[str, Any]]:
    if not audit_path.exists():
        return []
    entries = []
    for line in audit_path.read_text(encoding="utf-8").splitlines():
        try:
            entries.append(json.loads(line))
        except ValueError:  # a line torn by a crash while appending
            continue
    return entries


def unlogged(audit_path: Path, tail: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """The last commit's audit entries that its crash kept out of the log file (usually none)."""
    if not tail:
        return []
    commit = tail[-1].get("commit")
    last = _last_line(audit_path)
    return [] if last is not None and last.get("commit") == commit else tail


def _last_line(audit_path: Path) -> dict[str, Any] | None:
    try:
        with audit_path.open("rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - 65536))
            lines = f.read().splitlines()
    except FileNotFoundError:
        return None
    try:
        return json.loads(lines[-1]) if lines else None
    except ValueError:  # torn by a crash while appending
        return None


def read_audit(audit_path: Path, tail: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Every audit entry, oldest first, including a last commit not yet repaired into the file."""
    entries = _audit_lines(audit_path)
    missing = unlogged(audit_path, tail)
    if missing:  # drop the torn pieces of that commit's lines, then add it whole
        commit = missing[-1]["commit"]
        entries = [e for e in entries if e.get("commit") != commit] + missing
    return entries
