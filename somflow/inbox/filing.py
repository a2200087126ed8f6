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

Partial filing (some pages of a scan cannot be filed, the others can) writes
the file of the set-aside pages and its note into ``rejected/`` between steps
2 and 3, under a name made from the scan's name and those pages: a crash
before the commit leaves the original in the inbox, and the next attempt
writes the same file again over the first (same name, same content) or, if
the scan is then rejected whole, removes it.
"""

from __future__ import annotations

import hashlib
import logging
import os
from datetime import datetime
from pathlib import Path

from somflow.fileio import make_owner_only, make_private_dir, remove_temporaries, write_private
from somflow.i18n import _
from somflow.inbox import entries
from somflow.inbox.model import Rejected
from somflow.logs import file_label, readable_name
from somflow.store.base import now_iso
from somflow.workspace import Workspace

log = logging.getLogger(__name__)

#: The collection with one entry per scan taken from the inbox.
SCANS = "inbox_files"
FILED, DONE = "filed", "done"
#: The longest file name, in bytes, that common file systems take.
NAME_MAX = 255
#: The longest note name: ``write_private`` writes it first as ``.<name>.<8 characters>.tmp`` (14 bytes more).
NOTE_MAX = NAME_MAX - 14


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def relative(workspace: Workspace, path: Path) -> str:
    """``path`` relative to the workspace root, with forward slashes (as stored in records)."""
    try:
        return storable(path.relative_to(workspace.root).as_posix())
    except ValueError:
        return storable(path.as_posix())


def storable(name: str) -> str:
    """A file name as a record can hold it: a name that is not UTF-8 on disk (an old scanner's Windows-1250)
    cannot go into JSON as it is, so it is stored as :func:`~somflow.logs.readable_name` shows it."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return readable_name(name)
    return name


def signature(path: Path) -> tuple[int, int] | None:
    """Size and modification time of ``path``, to notice a file that is still being written; None if gone."""
    try:
        st = path.lstat()  # a link is not followed
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns)


def write_archive(workspace: Workspace, name: str, content: bytes) -> str:
    """Write ``content`` as ``archive/<name>`` (atomically, owner-only); returns the path relative to the root."""
    folder = make_private_dir(workspace.path("archive"))
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
    for folder in ("inbox", "archive", "rejected"):
        remove_temporaries(workspace.path(folder))
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
    """Move ``path`` to ``rejected/`` with a Polish ``.txt`` beside it; False when the file is gone.

    Any name works: one that is not UTF-8 on disk, or so long that ``.txt``
    would not fit (the note then gets a shortened name, see :func:`note_for`).
    A link, FIFO or other special entry is moved as it is, never opened.
    A file already in ``rejected/`` (tried again from the review queue) stays
    where it is and gets the new reason.
    """
    if not os.path.lexists(path):
        return False
    folder = make_private_dir(workspace.path("rejected"))
    if path.parent.resolve() == folder.resolve():
        write_private(note_for(path), reason_text(path.name, rejected).encode("utf-8"))
        return True
    target = free_name(folder, path.name)
    note = note_for(target)
    write_private(note, reason_text(path.name, rejected).encode("utf-8"))
    try:
        _move(path, target)
    except FileNotFoundError:
        note.unlink(missing_ok=True)
        return False
    log.info("rejected %s from the inbox (the reason is in rejected/)", file_label(path))
    return True


def note_for(rejected_file: Path) -> Path:
    """The ``.txt`` with the reason beside a file in ``rejected/``: its name plus ``.txt``, or — when that
    would be too long to write (:data:`NOTE_MAX`) — its name shortened, ``~``, a digest of the full name."""
    name = rejected_file.name + ".txt"
    if len(os.fsencode(name)) <= NOTE_MAX:
        return rejected_file.with_name(name)
    digest = hashlib.sha256(os.fsencode(rejected_file.name)).hexdigest()[:8]
    return rejected_file.with_name(_shorten(rejected_file.name, NOTE_MAX - 13) + f"~{digest}.txt")


def set_aside(workspace: Workspace, name: str, content: bytes, rejected: Rejected) -> Path:
    """Write ``content`` (some pages of a scan being filed) as ``rejected/<name>`` with its note; returns the file.

    The same name and content written again (an attempt after a crash) replaces the first; another file
    of that name is kept and this one gets a free name.
    """
    folder = make_private_dir(workspace.path("rejected"))
    target = folder / name
    if target.exists() and not (target.is_file() and sha256(target.read_bytes()) == sha256(content)):
        target = free_name(folder, name)
    write_private(note_for(target), reason_text(name, rejected).encode("utf-8"))
    write_private(target, content)
    return target


def reason_text(name: str, rejected: Rejected) -> str:
    """The text of the ``.txt`` note beside a rejected file (Windows line ends: read in Notepad)."""
    lines = [
        _("Plik: {name}", name=readable_name(name)),
        _("W dzienniku: {label}", label=file_label(Path(name))),
        _("Odrzucono: {when}", when=datetime.now().strftime("%Y-%m-%d %H:%M")),
        _("Powód: {reason}", reason=rejected.reason),
    ]
    if rejected.guess:
        lines.append(_("Podpowiedź: {guess}", guess=rejected.guess))
    if rejected.hint:
        lines.append(_("Co zrobić: {hint}", hint=rejected.hint))
    return "\r\n".join(lines) + "\r\n"


def _shorten(name: str, limit: int) -> str:
    """``name`` cut to at most ``limit`` bytes on disk, at a character boundary."""
    while len(os.fsencode(name)) > limit:
        name = name[:-1]
    return name


def free_name(folder: Path, name: str) -> Path:
    target = folder / name
    stem, suffix = Path(name).stem, Path(name).suffix
    if len(os.fsencode(suffix)) > 16:  # not an extension, just a dot in a long name
        stem, suffix = name, ""
    number = 2
    while os.path.lexists(target) or note_for(target).exists():
        tail = f" ({number}){suffix}"
        target = folder / (_shorten(stem, NAME_MAX - len(os.fsencode(tail))) + tail)
        number += 1
    return target


def _move(source: Path, target: Path) -> None:
    try:
        os.replace(source, target)
        make_owner_only(target)  # the file keeps the mode the scanner gave it (often 0644)
    except OSError:
        if not os.path.lexists(source):
            raise FileNotFoundError(source) from None
        # Another drive or a network share: copy, make it durable, then remove the original.
        # A link or FIFO holds no data and must not be opened: it is only removed (its note says what it was).
        if entries.special(source) is None:
            write_private(target, entries.read_regular(source))
        source.unlink(missing_ok=True)
