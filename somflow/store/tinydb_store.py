"""The embedded default store: a TinyDB JSON file made safe for real use.

Plain TinyDB rewrites its file in place (a crash leaves a torn file), has no
protection against two processes writing at once, and rebuilds a whole table
and rewrites the whole file on every single insert. Here:

* :class:`AtomicJSONStorage` (a TinyDB ``Storage``) writes a temporary file,
  fsyncs it and ``os.replace``-s it over the store, so a crash at any moment
  leaves the old or the new file, never a mix;
* every transaction holds a cross-platform file lock (``filelock``) and starts
  from the file's latest state, so the inbox watcher and CLI commands can
  write at once without losing updates;
* the parsed file stays in memory between transactions and is re-read only
  when its stat signature changes, so reads cost a ``stat`` and a dict lookup;
* writes inside a transaction change memory only; the file is written once,
  at commit.

The file layout is TinyDB's own (``{table: {doc_id: document}}``, doc ids are
the records' ULIDs), so ``TinyDB(path)`` can read it for inspection, plus one
key, ``_audit_tail``: the audit entries of the last commit. They are appended to
``<name>.audit.jsonl`` right after the file is replaced; a crash in between is
repaired by the next transaction (and readers of the log see them meanwhile),
so the audit log never misses a commit and never records one that did not happen.
"""

from __future__ import annotations

import copy
import json
import logging
import os
import threading
import time
from collections.abc import Iterable
from datetime import datetime, timezone
from functools import reduce
from operator import getitem
from pathlib import Path
from typing import Any

import filelock
from ulid import ULID
from tinydb import Query, TinyDB
from tinydb.storages import Storage
from tinydb.table import Document, Table

from somflow.errors import FileInUse, StoreBusy, StoreCorrupt
from somflow.i18n import _
from somflow.fileio import read_bytes, write_private
from somflow.store.base import Store

log = logging.getLogger(__name__)

#: The key of the data file holding the last commit's audit entries (not a collection: see COLLECTION_NAME).
AUDIT_TAIL = "_audit_tail"

BACKUPS_KEPT = 7
#: File systems with coarse timestamps (FAT: 2 s, exFAT: 10 ms, ext3/HFS+: 1 s) give a rewritten file
#: the same mtime within one tick; a signature taken less than this long after its mtime is not trusted.
COARSE_TICK_NS = 10_000_000
RACY_SECONDS = 3.0
BACKUP_EVERY_SECONDS = 3600
LOCK_TIMEOUT_SECONDS = 60


class AtomicJSONStorage(Storage):
    """TinyDB storage with atomic commits and an in-memory copy of the file.

    Outside a transaction ``write`` goes straight to disk; while ``pinned``
    (inside a transaction) it only keeps the data and :meth:`flush` writes it.
    """

    def __init__(self, path: str | Path, backup_dir: Path | None = None):
        self.path = Path(path)
        self.backup_dir = backup_dir
        self._data: dict[str, Any] | None = None
        self._signature: tuple[int, int, int] | None = None
        self._signed_at = 0.0  # when _signature was taken (time.time())
        self.pinned = False
        self.reloaded = threading.Event()
        if not self.path.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_private(self.path, b"{}")

    def read(self) -> dict[str, Any]:
        if not self.pinned:
            self._refresh()
        assert self._data is not None
        return self._data

    def write(self, data: dict[str, Any]) -> None:
        self._data = data
        if not self.pinned:
            self.flush()

    def flush(self) -> None:
        payload = json.dumps(self._data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        try:
            write_private(self.path, payload)
        except FileInUse:  # Windows: a backup program or an editor holds the file; the old content stays
            raise StoreBusy(
                _("Magazyn danych {path} jest otwarty w innym programie; zmian nie zapisano. Zamknij ten program i spróbuj ponownie.", path=self.path)
            ) from None
        self._signature, self._signed_at = self._stat(), time.time()

    def invalidate(self) -> None:
        """Forget the in-memory copy; the next read loads the file again."""
        self._data = None
        self._signature = None

    def close(self) -> None:
        pass

    def _stat(self) -> tuple[int, int, int]:
        st = self.path.stat()
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def _refresh(self) -> None:
        signature, signed_at = self._stat(), time.time()
        if self._data is not None and signature == self._signature and not self._racy():
            return
        raw = read_bytes(self.path)
        try:
            data = json.loads(raw.decode("utf-8")) if raw.strip() else {}
            if not isinstance(data, dict):
                raise ValueError("top level is not an object")
        except (ValueError, UnicodeDecodeError) as exc:
            raise StoreCorrupt(self._corrupt_message(exc)) from None
        self._data, self._signature, self._signed_at = data, signature, signed_at
        self.reloaded.set()
        self._backup_if_due(raw)

    def _racy(self) -> bool:
        """The cached signature cannot tell a later write apart (a USB stick with FAT/exFAT, an old file system).

        There another process may replace the file within the same timestamp tick, with the
        same size and (FAT on Windows) the same file index: same signature, different content.
        Such a signature — a whole number of ticks, taken soon after that mtime — is
        re-checked by reading the file. Fine-grained clocks (NTFS, ext4) almost never match.
        """
        assert self._signature is not None
        mtime_ns = self._signature[0]
        return mtime_ns % COARSE_TICK_NS == 0 and self._signed_at - mtime_ns / 1e9 < RACY_SECONDS

    def _corrupt_message(self, exc: Exception) -> str:
        backups = self.backups()
        hint = (
            _("Ostatnia dobra kopia: {backup}", backup=backups[-1])
            if backups
            else _("Nie ma kopii zapasowej tego pliku.")
        )
        return _(
            "Nie można odczytać magazynu danych {path} ({reason}). Plik pozostawiono bez zmian. "
            "{hint}. Aby przywrócić kopię, zamknij somflow i skopiuj ją w miejsce uszkodzonego pliku.",
            path=self.path,
            reason=exc,
            hint=hint,
        )

    def backups(self) -> list[Path]:
        """Backups of the store file, oldest first."""
        if self.backup_dir is None or not self.backup_dir.is_dir():
            return []
        return sorted(self.backup_dir.glob(f"{self.path.stem}-*.json"))

    def _backup_if_due(self, raw: bytes) -> None:
        # Called only with content that parsed, so a backup is always a good copy.
        if self.backup_dir is None:
            return
        existing = self.backups()
        if existing and time.time() - existing[-1].stat().st_mtime < BACKUP_EVERY_SECONDS:
            return
        self.backup_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
        target = self.backup_dir / f"{self.path.stem}-{stamp}.json"
        write_private(target, raw)  # the store file is not held open meanwhile: Windows could not replace it
        for old in self.backups()[:-BACKUPS_KEPT]:
            try:
                old.unlink(missing_ok=True)
            except PermissionError:  # Windows: someone has this old copy open; drop it next time
                log.warning("an old store backup is in use and was kept for now")


class _InPlaceTable(Table):
    """A TinyDB table keyed by our string ids, changed in place.

    TinyDB's own ``_update_table`` converts and copies the whole table on every
    write; with string ids the raw table already has the right keys, so the
    updater can work on it directly.
    """

    document_id_class = str

    def _update_table(self, updater) -> None:
        tables = self._storage.read()
        updater(tables.setdefault(self.name, {}))
        self._storage.write(tables)
        self.clear_cache()


class _SomflowTinyDB(TinyDB):
    table_class = _InPlaceTable


class TinyDBStore(Store):
    """The store on one JSON file (plus ``<name>.lock``, ``<name>.audit.jsonl`` and ``backups/``)."""

    def __init__(self, path: str | Path, unit: str = "default", user: str | None = None):
        super().__init__(unit, user)
        self.path = Path(path)
        self.audit_path = self.path.with_name(self.path.stem + ".audit.jsonl")
        self._lock = filelock.FileLock(str(self.path.with_name(self.path.name + ".lock")), timeout=LOCK_TIMEOUT_SECONDS)
        self._thread_lock = threading.RLock()
        self._storage = AtomicJSONStorage(self.path, backup_dir=self.path.parent / "backups")
        self._db = _SomflowTinyDB(storage=lambda: self._storage)
        self._storage.read()  # refuse to start on a corrupt file, make the first backup

    def collections(self) -> list[str]:
        return sorted(name for name, docs in tables(self._storage.read()).items() if docs)

    def units(self) -> list[str]:
        return sorted({doc.get("unit") for docs in tables(self._storage.read()).values() for doc in docs.values()} - {None})

    def for_unit(self, unit: str) -> TinyDBStore:
        view = copy.copy(self)  # same file, lock and in-memory copy
        view.unit, view._local = unit, threading.local()
        return view

    def backups(self) -> list[Path]:
        return self._storage.backups()

    def _table(self, collection: str) -> Table:
        self._storage.read()  # TinyDB answers a repeated search from its cache without reading the file
        if self._storage.reloaded.is_set():  # another process committed: query caches are stale
            self._storage.reloaded.clear()
            self._db.clear_cache()
            for table in self._db._tables.values():
                table.clear_cache()
        return self._db.table(collection)

    def _get(self, collection: str, id: str) -> dict[str, Any] | None:
        return self._storage.read().get(collection, {}).get(id)

    def _query(self, collection: str, where: dict[str, Any]) -> Iterable[dict[str, Any]]:
        table = self._table(collection)
        if not where:
            return table.all()
        conditions = [reduce(getitem, path.split("."), Query()) == value for path, value in where.items()]
        return table.search(reduce(lambda a, b: a & b, conditions))

    def _write(self, collection: str, id: str, doc: dict[str, Any] | None) -> None:
        table = self._table(collection)
        if doc is None:
            table.remove(doc_ids=[id])
        elif id in self._storage.read().get(collection, {}):
            table.update(doc, doc_ids=[id])
        else:
            table.insert(Document(doc, doc_id=id))

    def _begin(self) -> None:
        self._thread_lock.acquire()
        try:
            self._lock.acquire()
        except filelock.Timeout:
            self._thread_lock.release()
            raise StoreBusy(
                _("Magazyn danych {path} jest zajęty przez inny proces somflow. Spróbuj ponownie za chwilę.", path=self.path)
            ) from None
        try:
            data = self._storage.read()  # latest committed state
            missing = unlogged(self.audit_path, data.get(AUDIT_TAIL))
            if missing:  # the previous commit was cut off between the data file and its audit lines
                self._append_audit(missing)
        except BaseException:
            self._release()
            raise
        self._storage.pinned = True

    def _commit(self, audit: list[dict[str, Any]]) -> None:
        try:
            if audit:
                commit = audit[0]["commit"] = str(ULID())
                for entry in audit:
                    entry["commit"] = commit
                self._storage.read()[AUDIT_TAIL] = audit
                self._storage.flush()
                self._append_audit(audit)
        except BaseException:
            self._storage.invalidate()
            raise
        finally:
            self._release()

    def _abort(self) -> None:
        self._storage.invalidate()  # in-memory writes are dropped; the file was never touched
        self._release()

    def _release(self) -> None:
        self._storage.pinned = False
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
        return [{k: v for k, v in e.items() if k != "commit"} for e in read_audit(self.audit_path, self._storage.read().get(AUDIT_TAIL))]


def tables(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The collections of a parsed store file (without the audit tail)."""
    return {name: docs for name, docs in data.items() if name != AUDIT_TAIL}


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
