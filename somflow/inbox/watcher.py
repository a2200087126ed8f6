"""The inbox watcher: notices files, waits until they are complete, hands them to the pipeline.

It stays thin on purpose: filtering junk, waiting, and scheduling are all it
does. File events (watchdog) make it quick; a full rescan at start and every
``rescan`` seconds makes it reliable where events never arrive (network
shares, a scanner's SMB folder — use ``poll=True`` there).
"""

from __future__ import annotations

import itertools
import logging
import queue
import stat
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from watchdog.events import FileSystemEvent, FileSystemEventHandler

from somflow.fileio import make_private_dir
from somflow.inbox import entries, filing
from somflow.logs import file_label, log_unexpected
from somflow.workspace import Workspace

if TYPE_CHECKING:
    from somflow.inbox.pipeline import Outcome

# The pipeline, the page decoders and watchdog's observers load PDF and image libraries or start
# threads; they are imported where used, so ``somflow status`` can count the inbox without them.

log = logging.getLogger(__name__)

JUNK_NAMES = {"thumbs.db", ".ds_store", "desktop.ini"}
#: Files still being downloaded or written by another program.
PARTIAL_SUFFIXES = {".part", ".crdownload", ".tmp", ".partial", ".download", ".filepart"}
#: How many ``settle`` periods an unfinished-looking file is waited for before it is judged anyway.
UNFINISHED_PATIENCE = 30
#: The last chunk of every PNG (IEND, no data, its CRC).
PNG_END = b"IEND\xaeB`\x82"


def is_junk(path: Path) -> bool:
    """System files, Office lock files (``~$``), hidden files and partial downloads: never scans."""
    name = path.name.lower()
    return name in JUNK_NAMES or name.startswith(("~$", ".")) or path.suffix.lower() in PARTIAL_SUFFIXES


def inbox_files(inbox: Path) -> list[Path]:
    """Entries waiting in ``inbox`` (also inside folders dropped into it), oldest first, junk left out.

    Special entries (links, FIFOs, sockets, devices) are listed too, so that they
    are set aside with a reason; links are never followed (see ``entries``).
    """
    if not inbox.is_dir():
        return []
    found = []
    for path in entries.walk(inbox):
        if any(is_junk(Path(part)) for part in path.relative_to(inbox).parts):
            continue
        try:
            found.append((path.lstat().st_mtime, path))
        except OSError:  # vanished meanwhile
            continue
    return [path for _, path in sorted(found)]


def wait_complete(path: Path, settle: float, stop: threading.Event | None = None) -> bool:
    """Wait until ``path`` stops changing and can be opened; False when it disappears.

    A scanner or a copy over the network writes slowly and a share may report
    a size before the data is there, so the file must look the same twice,
    ``settle`` seconds apart. An empty file gets longer to fill (writers often
    create it first), and so does a file that visibly stops short (a PDF
    without its end marker, a PNG without its last chunk: a scanner pausing
    between pages for longer than ``settle``), up to UNFINISHED_PATIENCE
    times ``settle``; after that it is taken as it is (and rejected as broken).
    """
    previous = None
    quiet_for = 0.0
    while stop is None or not stop.is_set():
        try:
            st = path.lstat()
        except FileNotFoundError:
            return False
        if not stat.S_ISREG(st.st_mode):
            return True  # replaced by a link, a FIFO…: never opened here, the pipeline sets it aside
        signature = (st.st_size, st.st_mtime_ns)
        needed = settle if st.st_size else settle * 5
        if signature == previous:
            quiet_for += settle
            if quiet_for >= needed and _openable(path) and (_whole(path) or quiet_for >= settle * UNFINISHED_PATIENCE):
                return True
        else:
            previous, quiet_for = signature, 0.0
        time.sleep(settle)
    return False


def _whole(path: Path) -> bool:
    """False when ``path`` visibly ends too early: a PDF without ``%%EOF``, a PNG without its ``IEND`` chunk,
    a TIFF whose pages point past its end."""
    try:
        with path.open("rb") as file:
            head = file.read(1024)
            file.seek(max(0, path.stat().st_size - 2048))
            tail = file.read()
    except OSError:
        return False
    from somflow.inbox.pages import sniff

    kind = sniff(head)
    if kind == "pdf":
        return b"%%EOF" in tail
    if kind == "png":
        return tail.endswith(PNG_END)
    if kind == "tiff":
        return _tiff_whole(path)
    return True


def _tiff_whole(path: Path) -> bool:
    """Every page's directory readable and its image data inside the file (a TIFF has no end marker)."""
    from PIL import Image, ImageSequence

    from somflow.inbox.pages import IMAGE_ERRORS, MAX_PAGES

    try:
        size = path.stat().st_size
        with warnings.catch_warnings(), Image.open(path) as image:
            warnings.simplefilter("ignore")  # "Truncated File Read": what we are finding out
            # Past the page limit the reader refuses the file anyway; a crafted TIFF must not keep the watcher here.
            for frame in itertools.islice(ImageSequence.Iterator(image), MAX_PAGES + 1):
                tags = frame.tag_v2
                offsets, counts = tags.get(273) or tags.get(324) or (), tags.get(279) or tags.get(325) or ()
                if not offsets or any(offset + count > size for offset, count in zip(offsets, counts)):
                    return False
    except Image.DecompressionBombError:
        return True  # complete enough to be refused for its size by the reader, without waiting for more
    except IMAGE_ERRORS:
        return False
    return True


def _openable(path: Path) -> bool:
    # On Windows a file still being written is locked by its writer.
    try:
        with path.open("rb"):
            return True
    except OSError:
        return False


class _Events(FileSystemEventHandler):
    def __init__(self, schedule: Callable[[Path], None]):
        self.schedule = schedule

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in ("created", "modified", "moved", "closed"):
            return
        target = Path(str(getattr(event, "dest_path", "") or event.src_path))
        if event.is_directory:
            for path in inbox_files(target):
                self.schedule(path)
        else:
            self.schedule(target)


class Watcher:
    """Watch ``workspace``'s inbox until :meth:`stop`; each file's :class:`Outcome` goes to ``report``."""

    def __init__(
        self,
        workspace: Workspace,
        report: Callable[[Outcome], None],
        *,
        poll: bool = False,
        settle: float = 1.0,
        rescan: float = 60.0,
    ):
        self.workspace = workspace
        self.inbox = workspace.path("inbox")
        self.report = report
        self.poll = poll
        self.settle = settle
        self.rescan = rescan
        self._queue: queue.Queue[Path] = queue.Queue()
        self._queued: set[Path] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()

    def schedule(self, path: Path) -> None:
        """Queue ``path`` once (repeated events for a file being written collapse into one)."""
        if is_junk(path):
            return
        with self._lock:
            if path in self._queued:
                return
            self._queued.add(path)
        self._queue.put(path)

    def stop(self) -> None:
        self._stop.set()

    def run(self) -> None:
        """Recover after a crash, take in what is already there, then follow events and rescan."""
        make_private_dir(self.inbox)
        from watchdog.observers import Observer
        from watchdog.observers.polling import PollingObserver

        filing.recover(self.workspace)
        observer = PollingObserver(timeout=max(self.settle, 0.5)) if self.poll else Observer()
        observer.schedule(_Events(self.schedule), str(self.inbox), recursive=True)
        observer.start()
        try:
            next_scan = 0.0
            while not self._stop.is_set():
                if time.monotonic() >= next_scan:
                    for path in inbox_files(self.inbox):
                        self.schedule(path)
                    next_scan = time.monotonic() + self.rescan
                for path in self._drain(timeout=min(1.0, self.rescan)):
                    self._process(path)
        finally:
            observer.stop()
            observer.join(timeout=5)

    def _drain(self, timeout: float) -> Iterator[Path]:
        try:
            path = self._queue.get(timeout=timeout)
        except queue.Empty:
            return
        with self._lock:
            self._queued.discard(path)
        yield path

    def _process(self, path: Path) -> None:
        from somflow.inbox.pipeline import run_pipeline

        # A special entry is never waited for: opening a FIFO to see whether it is complete blocks forever.
        if entries.special(path) is None and not wait_complete(path, self.settle, self._stop):
            return
        try:
            outcome = run_pipeline(self.workspace, path)
        except Exception as exc:  # run_pipeline handles bad files itself; this is the last guard for the watcher's life
            log_unexpected(log, f"ingest of {file_label(path)} failed", exc)
            return
        self.report(outcome)
