"""The store's JSON file, owned by somflow: parsed, checked, written atomically, backed up.

The layout is TinyDB's (``{collection: {id: document}}``) plus one key,
``_audit_tail`` (see :mod:`somflow.store.tinydb_store`), so ``TinyDB(path)``
can still open a copy for inspection; TinyDB's code is not used to read or
write it.

What this file guarantees:

* a store is data only when it parses: a file that is empty (0 bytes),
  whitespace, not JSON or not the expected shape is refused with
  :class:`StoreCorrupt` naming the file and the last good backup, and is
  never overwritten (the next write would replace the data with nothing);
* every write goes to a temporary file in the same folder, is flushed to disk
  and ``os.replace``-d over the store: a crash leaves the old or the new file;
  temporary copies a killed process left behind (each a full copy of the
  personal data) are removed by :meth:`StoreFile.remove_temporaries`;
* a backup is only written from content that parsed, at most once an hour;
  rotation keeps the newest :data:`BACKUPS_KEPT` and, whatever their age,
  the newest one that holds records — so hours of an emptied store cannot
  push the last copy of the data out;
* the parsed file stays in memory and is re-read only when its stat
  signature changes, so a read costs a ``stat``.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from somflow.errors import FileInUse, StoreBusy, StoreCorrupt
from somflow.fileio import make_private_dir, read_bytes, remove_temporaries, write_private
from somflow.i18n import _

log = logging.getLogger(__name__)

#: The key of the data file holding the last commit's audit entries (not a collection: see COLLECTION_NAME).
AUDIT_TAIL = "_audit_tail"
#: What an empty store holds: written by ``somflow init`` (and for a new store file).
EMPTY = b"{}"

BACKUPS_KEPT = 7
BACKUP_EVERY_SECONDS = 3600
#: A temporary copy in ``backups/`` older than this is left over; younger ones may be being written now.
STALE_BACKUP_TEMP_SECONDS = 60
#: File systems with coarse timestamps (FAT: 2 s, exFAT: 10 ms, ext3/HFS+: 1 s) give a rewritten file
#: the same mtime within one tick; a signature taken less than this long after its mtime is not trusted.
COARSE_TICK_NS = 10_000_000
RACY_SECONDS = 3.0


class NotAStore(ValueError):
    """The bytes are not a store file; the message (user's language) says why."""


def parse(raw: bytes) -> dict[str, Any]:
    """The content of a store file; :class:`NotAStore` when it is empty, not JSON or not a store's shape."""
    if not raw:
        raise NotAStore(_("plik jest pusty (0 bajtów)"))
    if not raw.strip():
        raise NotAStore(_("plik zawiera same odstępy, bez danych"))
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise NotAStore(_("bajt {position} nie jest tekstem UTF-8", position=exc.start + 1)) from None
    except json.JSONDecodeError as exc:
        raise NotAStore(
            _(
                "błąd JSON w wierszu {line}, kolumnie {column}: {error}",
                line=exc.lineno,
                column=exc.colno,
                error=exc.msg,
            )
        ) from None
    except (
        ValueError,
        RecursionError,
    ) as exc:  # an int of thousands of digits, nesting thousands deep (edited by hand)
        raise NotAStore(str(exc) or type(exc).__name__) from None
    if not isinstance(data, dict):
        raise NotAStore(_("to nie jest obiekt JSON ze zbiorami rekordów"))
    for name, docs in data.items():
        if name == AUDIT_TAIL:
            if not isinstance(docs, list) or not all(isinstance(e, dict) for e in docs):
                raise NotAStore(_("klucz {name} nie jest listą wpisów dziennika", name=AUDIT_TAIL))
        elif not isinstance(docs, dict) or not all(isinstance(d, dict) for d in docs.values()):
            raise NotAStore(_("zbiór {name} nie jest obiektem rekordów", name=name))
    return data


def tables(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The collections of a parsed store file (without the audit tail)."""
    return {name: docs for name, docs in data.items() if name != AUDIT_TAIL}


def record_count(data: dict[str, Any]) -> int:
    return sum(len(docs) for docs in tables(data).values())


class StoreFile:
    """One store file with its ``backups/`` folder; :meth:`read` gives the parsed content, cached.

    Outside a transaction every :meth:`read` checks whether another process
    replaced the file; while ``pinned`` (inside a transaction, under the lock)
    the in-memory content is changed in place and :meth:`flush` writes it.
    """

    def __init__(self, path: Path, backup_dir: Path):
        self.path = path
        self.backup_dir = backup_dir
        self.pinned = False
        self._data: dict[str, Any] | None = None
        self._signature: tuple[int, int, int] | None = None
        self._signed_at = 0.0  # when _signature was taken (time.time())
        self._lock = threading.Lock()  # one refresh at a time in this process

    # ----------------------------------------------------------------- reading

    def read(self) -> dict[str, Any]:
        if not self.pinned:
            self._refresh()
        assert self._data is not None
        return self._data

    def invalidate(self) -> None:
        """Forget the in-memory copy; the next read loads the file again."""
        self._data = None
        self._signature = None

    def _stat(self) -> tuple[int, int, int]:
        st = self.path.stat()
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def _refresh(self) -> None:
        with self._lock:
            signature, signed_at = self._stat(), time.time()
            if self._data is not None and signature == self._signature and not self._racy():
                return
            raw = read_bytes(self.path)
            try:
                data = parse(raw)
            except NotAStore as exc:
                raise StoreCorrupt(self.corrupt_message(str(exc))) from None
            self._data, self._signature, self._signed_at = data, signature, signed_at
            self._backup_if_due(raw, data)

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

    def corrupt_message(self, reason: str) -> str:
        """Why the store cannot be used, that it was left as it is, and which backup to restore."""
        return _(
            "Nie można odczytać magazynu danych {path} ({reason}). Plik pozostawiono bez zmian. "
            "{hint}. Aby przywrócić kopię, zamknij somflow i skopiuj ją w miejsce uszkodzonego pliku.",
            path=self.path,
            reason=reason,
            hint=self._backup_hint(),
        )

    def _backup_hint(self) -> str:
        good = self.last_good_backup()
        if good is None:
            return _("Nie ma dobrej kopii zapasowej tego pliku")
        path, records = good
        if records:
            return _("Ostatnia dobra kopia: {backup}", backup=path)
        return _("Ostatnia dobra kopia: {backup} (pusta: magazyn bez rekordów)", backup=path)

    # ----------------------------------------------------------------- writing

    def create(self) -> None:
        """Write an empty store where there is no file yet (a new workspace)."""
        write_private(self.path, EMPTY)

    def flush(self) -> None:
        """Write the in-memory content to the file (atomically, durably, owner-only)."""
        payload = json.dumps(self._data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        try:
            write_private(self.path, payload)
        except FileInUse:  # Windows: a backup program or an editor holds the file; the old content stays
            raise StoreBusy(
                _(
                    "Magazyn danych {path} jest otwarty w innym programie; zmian nie zapisano. Zamknij ten program i spróbuj ponownie.",
                    path=self.path,
                )
            ) from None
        self._signature, self._signed_at = self._stat(), time.time()

    def remove_temporaries(self) -> int:
        """Delete the temporary copies killed writers left; the caller holds the store lock. Returns how many."""
        removed = remove_temporaries(self.path.parent, prefix=f".{self.path.name}.")
        # Backups are written without the lock: only old temporaries are surely left over.
        return removed + remove_temporaries(
            self.backup_dir, prefix=f".{self.path.stem}-", older_than=STALE_BACKUP_TEMP_SECONDS
        )

    # ----------------------------------------------------------------- backups

    def backups(self) -> list[Path]:
        """Backups of the store file, oldest first."""
        if not self.backup_dir.is_dir():
            return []
        return sorted(self.backup_dir.glob(f"{self.path.stem}-*.json"))

    def last_good_backup(self) -> tuple[Path, int] | None:
        """The newest backup that parses and holds records (with their number), else the newest that parses."""
        empty = None
        for backup in reversed(self.backups()):
            records = _records_in(backup)
            if records:
                return backup, records
            if records == 0 and empty is None:
                empty = (backup, 0)
        return empty

    def _backup_if_due(self, raw: bytes, data: dict[str, Any]) -> None:
        # Called only with content that parsed, so a backup is always a good copy.
        existing = self.backups()
        if existing and time.time() - _mtime(existing[-1]) < BACKUP_EVERY_SECONDS:
            return
        make_private_dir(self.backup_dir)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        target = self.backup_dir / f"{self.path.stem}-{stamp}.json"
        write_private(target, raw)  # the store file is not held open meanwhile: Windows could not replace it
        self._rotate(keep=target if record_count(data) else None)

    def _rotate(self, keep: Path | None) -> None:
        """Drop all but the newest BACKUPS_KEPT backups, never the newest one with records (``keep`` when known)."""
        backups = self.backups()
        old = backups[:-BACKUPS_KEPT]
        if not old:
            return
        if keep is None:  # the store is empty now: find the last copy that still holds the data
            keep = next((b for b in reversed(backups) if _records_in(b)), None)
        for backup in old:
            if backup == keep:
                continue
            try:
                backup.unlink(missing_ok=True)
            except PermissionError:  # Windows: someone has this old copy open; drop it next time
                log.warning("an old store backup is in use and was kept for now")


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return 0.0


def _records_in(backup: Path) -> int | None:
    """How many records a backup holds; None when it cannot be read or parsed (not a good copy)."""
    try:
        return record_count(parse(backup.read_bytes()))
    except (OSError, NotAStore):
        return None
