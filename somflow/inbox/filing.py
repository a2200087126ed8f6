"""Moving files out of the inbox — to ``archive/`` or ``rejected/`` — in a crash-safe order.

The promise: after a ``kill -9`` at any moment and a restart, every file is
either archived and recorded exactly once, or in ``rejected/``. None is lost,
none is recorded twice. It holds because of this order:

1. **Read** the whole file once and hash it; from here on the pipeline works
   on those bytes, so a file that disappears later is not needed any more.
2. **Write the archive copies** (the original, and for a multi-document scan
   one file per document) with write-then-rename (:func:`write_private`:
   temporary file, fsync, ``os.replace``). Names are deterministic — document
   id plus the first 12 hex digits of the scan's hash — so doing it again
   after a crash rewrites the same names, never adds copies. A crash here
   leaves the original in the inbox and maybe an unrecorded copy that the
   next attempt overwrites.
3. **One store transaction** marks the documents returned, runs the plugins'
   ``somflow_document_filed`` (their writes join the transaction) and inserts
   the scan's entry in ``inbox_files`` (hash, archive name, ``state``
   ``"filed"``). It commits completely or not at all. Before writing it
   re-checks that the hash is not recorded, so two processes cannot both
   file one scan.
4. **Remove the original** from the inbox.
5. **Mark the entry ``"done"``.**

On restart a file whose hash is recorded as ``"filed"`` was interrupted
between 3 and 5: it is only removed and marked (no second filing). A hash
recorded as ``"done"`` means the same file was dropped again: it goes to
``rejected/`` as a duplicate. :func:`recover` marks ``"filed"`` entries whose
original is already gone (a crash between 4 and 5) and deletes temporary files.

Rejection writes the ``.txt`` reason first and moves the file second: a crash
in between leaves the file in the inbox, which is rejected again.
"""

from __future__ import annotations

import hashlib
import logging
import os
from datetime import datetime
from pathlib import Path

from somflow.fileio import write_private
from somflow.i18n import _
from somflow.inbox.model import Rejected
from somflow.logs import file_label
from somflow.store.base import now_iso
from somflow.workspace import Workspace

log = logging.getLogger(__name__)

#: The collection with one entry per scan taken from the inbox.
SCANS = "inbox_files"
FILED, DONE = "filed", "done"


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def relative(workspace: Workspace, path: Path) -> str:
    """``path`` relative to the workspace root, with forward slashes (as stored in records)."""
    try:
        return path.relative_to(workspace.root).as_posix()
    except ValueError:
        return path.as_posix()


def signature(path: Path) -> tuple[int, int] | None:
    """Size and modification time of ``path``, to notice a file that is still being written; None if gone."""
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns)


def write_archive(workspace: Workspace, name: str, content: bytes) -> str:
    """Write ``content`` as ``archive/<name>`` (atomically, owner-only); returns the path relative to the root."""
    folder = workspace.path("archive")
    folder.mkdir(parents=True, exist_ok=True)
    write_private(folder / name, content)
    return relative(workspace, folder / name)


def discard_unrecorded(workspace: Workspace, archived: dict[str, str]) -> None:
    """Delete archive copies this attempt wrote when the filing did not commit (the file is rejected)."""
    store = workspace.store
    for rel in archived:
        if not store.count(SCANS, {"archive": rel}) and not store.count("documents", {"returned.scan": rel}):
            (workspace.root / rel).unlink(missing_ok=True)


def finish(workspace: Workspace, path: Path, entry: dict) -> None:
    """Steps 4 and 5: remove the filed original from the inbox and mark its entry done."""
    path.unlink(missing_ok=True)
    workspace.store.update(SCANS, entry["id"], {"state": DONE, "done": now_iso()})


def recover(workspace: Workspace) -> int:
    """After a crash: mark entries whose original is gone, delete temporary files. Returns entries fixed."""
    for folder in (workspace.path("archive"), workspace.path("rejected")):
        for tmp in folder.glob(".*.tmp") if folder.is_dir() else []:
            tmp.unlink(missing_ok=True)
    fixed = 0
    for entry in workspace.store.query(SCANS, {"state": FILED}):
        original = workspace.root / entry["source"]
        try:
            still_there = original.is_file() and sha256(original.read_bytes()) == entry["sha256"]
        except OSError:
            still_there = False
        if not still_there:
            workspace.store.update(SCANS, entry["id"], {"state": DONE, "done": now_iso()})
            fixed += 1
    return fixed


def reject(workspace: Workspace, path: Path, rejected: Rejected) -> bool:
    """Move ``path`` to ``rejected/`` with a Polish ``.txt`` beside it; False when the file is gone."""
    if not path.exists():
        return False
    folder = workspace.path("rejected")
    folder.mkdir(parents=True, exist_ok=True)
    target = _free_name(folder, path.name)
    note = target.with_name(target.name + ".txt")
    write_private(note, reason_text(path.name, rejected).encode("utf-8"))
    try:
        _move(path, target)
    except FileNotFoundError:
        note.unlink(missing_ok=True)
        return False
    log.info("rejected %s from the inbox (the reason is in rejected/)", file_label(path))
    return True


def reason_text(name: str, rejected: Rejected) -> str:
    """The text of the ``.txt`` note beside a rejected file (Windows line ends: read in Notepad)."""
    lines = [
        _("Plik: {name}", name=name),
        _("Odrzucono: {when}", when=datetime.now().strftime("%Y-%m-%d %H:%M")),
        _("Powód: {reason}", reason=rejected.reason),
    ]
    if rejected.guess:
        lines.append(_("Podpowiedź: {guess}", guess=rejected.guess))
    if rejected.hint:
        lines.append(_("Co zrobić: {hint}", hint=rejected.hint))
    return "\r\n".join(lines) + "\r\n"


def _free_name(folder: Path, name: str) -> Path:
    target = folder / name
    stem, suffix = Path(name).stem, Path(name).suffix
    number = 2
    while target.exists() or target.with_name(target.name + ".txt").exists():
        target = folder / f"{stem} ({number}){suffix}"
        number += 1
    return target


def _move(source: Path, target: Path) -> None:
    try:
        os.replace(source, target)
    except OSError:
        if not source.exists():
            raise FileNotFoundError(source) from None
        # Another drive or a network share: copy, make it durable, then remove the original.
        write_private(target, source.read_bytes())
        source.unlink(missing_ok=True)
