"""Reading a scan in a child process with a memory cap and a time budget: a bomb kills the child, not the watcher.

Parsing a PDF, decoding its images and reading QR codes runs C libraries
(qpdf, pdfium, libjpeg, zxing-cpp) on bytes anybody can drop into the inbox.
A 1.5 KB PDF can ask for a 30 000 × 30 000 pixel page, a JPEG can declare
100 × 100 pixels and hold 50 000², a 6 MB Flate stream can inflate to 6 GiB:
the size checks in ``somflow.inbox.pages`` refuse what can be seen before
decoding, and this module bounds the rest.

:func:`identify` sends the file's bytes to one long-lived worker process
(``python -m somflow.inbox.sandbox``) and waits for the pages' codes:

* **memory** — on POSIX the worker limits its own address space
  (``resource.setrlimit(RLIMIT_AS)``) when it starts, after importing the
  libraries, so an allocation past :data:`MEMORY_LIMIT` fails inside the
  worker (``MemoryError``, or the library aborts); core dumps are switched
  off (they would hold the scan). Windows has no such limit in the standard
  library (it would need a Job Object): there only the time budget holds;
* **time** — :data:`OPEN_SECONDS` to open the file and check its limits,
  then :data:`PAGE_SECONDS` for each page; a worker running over is killed;
* **crashes** — a worker that dies (a segfault in a C library, killed by the
  kernel) is noticed at once through its closed pipe.

Any of these turns into :class:`~somflow.inbox.model.Rejected` with a Polish
reason, and the next file gets a fresh worker. A worker that succeeded is
kept for the next file: starting one (Python and the PDF and image
libraries) costs about a second, identification of a page a few
milliseconds.

The parent never decodes a scan itself: a page image that a later step needs
(the printed id read by OCR, the form's title, a thumbnail in the review
queue) is drawn by the worker too and comes back as a PNG of a size checked
before decoding (:class:`WorkerPages`). A page the worker could only draw
through a fallback (one decoder gave up, out of memory, and another drew an
empty page) would otherwise be decoded again, without limits, in the watcher.

Why a plain ``subprocess`` and not ``multiprocessing``: its ``spawn`` start
imports the caller's main module again in the child (any script without an
``if __name__ == "__main__"`` guard would run twice), and its results are
pickles — a worker subverted by a crafted file could send one that runs code
in the watcher. Here the request is the raw bytes and the answer is JSON,
checked before use.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import io
import json
import logging
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from somflow.i18n import _
from somflow.inbox.model import PageCode, Rejected, StopIngest

if TYPE_CHECKING:
    from PIL.Image import Image

    from somflow.inbox.pages import PageSource

log = logging.getLogger(__name__)

#: Address space the worker may use, libraries included (a legal 120-megapixel page needs well under half).
MEMORY_LIMIT = 2 * 1024**3
#: Seconds to open a file and check its limits, before its page count is known.
OPEN_SECONDS = 8.0
#: Seconds allowed for each page (a page with a hard-to-read code takes up to about one on a busy machine).
PAGE_SECONDS = 4.0

#: The longest time a worker may ask for (``allow``): every page of the largest file accepted.
MAX_BUDGET = OPEN_SECONDS + PAGE_SECONDS * 500


def _worker_failed() -> str:
    return _(
        "Jeśli to zwykły skan, zeskanuj go ponownie (200–300 dpi) albo podziel na mniejsze pliki; jeśli to się powtórzy, przekaż plik administratorowi."
    )


#: Signals that stop the worker from outside (a service manager, a terminal): the file is left for later.
STOP_SIGNALS = {getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name)}
#: The longest line the worker may answer with: a full-resolution page as PNG in base64.
MAX_ANSWER = 64 * 1024 * 1024
#: Characters of a PDF's text layer passed back (a printout's text is a few thousand).
MAX_TEXT = 200_000


class Worker:
    """One child process that reads scans with limits; started on first use, replaced when it fails.

    Calls are serialised (one file at a time), so threads can share one worker.
    """

    def __init__(self, memory_limit: int = MEMORY_LIMIT):
        self.memory_limit = memory_limit
        self._process: subprocess.Popen | None = None
        self._answers: queue.Queue[dict | None] = queue.Queue()
        self._lock = threading.Lock()

    def identify(self, content: bytes, kind: str) -> Reading:
        """The code of every page of ``content`` and its form values; raises :class:`Rejected` when the worker fails or refuses."""
        return _reading(self._ask({"mode": "identify"}, content, kind))

    def outline(self, content: bytes, kind: str) -> Outline:
        """The page count and text layer of ``content``, without looking for codes; :class:`Rejected` as above."""
        value = self._ask({"mode": "outline"}, content, kind)
        if not isinstance(value, dict) or not isinstance(value.get("pages"), int):
            raise _bad_answer()
        return Outline(value["pages"], str(value.get("text") or "")[:MAX_TEXT])

    def draw(self, content: bytes, kind: str, number: int, full: bool = False, width: int | None = None) -> Image:
        """Page ``number`` of ``content`` in grayscale, drawn by the worker (``width``: shrunk to fit it)."""
        from somflow.inbox.pages import png_from_worker

        value = self._ask({"mode": "draw", "page": number, "full": full, "width": width}, content, kind)
        if not isinstance(value, dict) or not isinstance(value.get("png"), str):
            raise _bad_answer()
        return png_from_worker(base64.b64decode(value["png"]))

    def _ask(self, request: dict, content: bytes, kind: str) -> Any:
        with self._lock:
            try:
                self._send(request, content, kind)
            except OSError:  # the worker died between files: one more try with a new one
                self._stop()
                self._send(request, content, kind)
            return self._wait(OPEN_SECONDS)

    def _send(self, request: dict, content: bytes, kind: str) -> None:
        process = self._start()
        process.stdin.write(json.dumps(request | {"kind": kind, "size": len(content)}).encode() + b"\n")
        process.stdin.write(content)
        process.stdin.flush()

    def _wait(self, budget: float) -> Any:
        deadline = time.monotonic() + budget
        while True:
            try:
                answer = self._answers.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                self._stop()
                raise Rejected(
                    _(
                        "Odczytywanie pliku trwało zbyt długo i zostało przerwane (limit {seconds} s).",
                        seconds=round(budget),
                    ),
                    _worker_failed(),
                ) from None
            if answer is None:
                raise self._crashed()
            if isinstance(answer.get("allow"), (int, float)):
                budget = min(max(float(answer["allow"]), 0.0), MAX_BUDGET)
                deadline = time.monotonic() + budget
            elif "ok" in answer:
                return answer["ok"]
            elif isinstance(answer.get("rejected"), list) and len(answer["rejected"]) == 2:
                reason, hint = answer["rejected"]
                raise Rejected(str(reason)[:2000], str(hint)[:2000])
            else:  # out of memory or an error: the worker's state is not to be trusted any more
                self._stop()
                if "memory" in answer:
                    raise Rejected(
                        _(
                            "Odczytanie pliku wymagałoby ponad {mb} MB pamięci; przerwano je.",
                            mb=self.memory_limit // 2**20,
                        ),
                        _worker_failed(),
                    )
                raise Rejected(
                    _("Pliku nie da się odczytać ({error}).", error=str(answer.get("error"))[:300]), _worker_failed()
                )

    def _crashed(self) -> Rejected | StopIngest:
        process = self._process
        self._stop()
        code = process.returncode if process is not None else None
        if code is not None and -code in STOP_SIGNALS:
            # Stopped from outside (systemctl stop ends the watcher's whole group): not the file's fault.
            return StopIngest(_("Odczytywanie pliku przerwano, bo program jest zatrzymywany; plik zostaje w skrzynce."))
        detail = f"sygnał {-code}" if code is not None and code < 0 else f"kod {code}"
        log.warning("the inbox reader process ended (%s); a new one takes the next file", detail)
        return Rejected(
            _(
                "Odczytywanie pliku przerwało się awarią ({detail}) — plik jest uszkodzony, spreparowany albo potrzebował za dużo pamięci.",
                detail=detail,
            ),
            _worker_failed(),
        )

    def _start(self) -> subprocess.Popen:
        if self._process is not None and self._process.poll() is None:
            return self._process
        self._stop()
        self._answers = queue.Queue()
        self._process = subprocess.Popen(
            [sys.executable, "-m", "somflow.inbox.sandbox", str(self.memory_limit)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # library warnings may quote the file; the parent logs what matters
        )
        threading.Thread(target=_read_answers, args=(self._process.stdout, self._answers), daemon=True).start()
        return self._process

    def _stop(self) -> None:
        """End the worker (killed: it may be stuck in a C library); the next file starts a new one."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.kill()
        process.wait()
        for pipe in (process.stdin, process.stdout):
            with contextlib.suppress(OSError):  # a broken pipe to a killed worker
                pipe.close()

    def close(self) -> None:
        with self._lock:
            self._stop()


def _read_answers(stream: IO[bytes], answers: queue.Queue) -> None:
    """The parent's reader of the worker's answers (a thread: pipes cannot be waited on with a timeout everywhere)."""
    while True:
        line = stream.readline(MAX_ANSWER)
        if not line.endswith(b"\n"):
            break
        try:
            answer = json.loads(line)
        except ValueError:
            break
        if not isinstance(answer, dict):
            break
        answers.put(answer)
    answers.put(None)


def _reading(value: Any) -> Reading:
    """The worker's answer checked and turned into a :class:`Reading` (it comes from a process reading hostile files)."""
    from somflow.forms.acroform import bounded
    from somflow.inbox.qr import PAYLOAD

    if (
        not isinstance(value, dict)
        or not isinstance(value.get("codes"), list)
        or not isinstance(value.get("fields"), dict)
        or not isinstance(value.get("blank"), list)
        or len(value["blank"]) != len(value["codes"])
    ):
        raise _bad_answer()
    codes: list[PageCode | None] = []
    for item in value["codes"]:
        code = None
        if isinstance(item, list) and len(item) == 2 and isinstance(item[0], str) and isinstance(item[1], int):
            code = PageCode(item[0], item[1]) if PAYLOAD.fullmatch(f"SOMFLOW:DOC:{item[0]}:P{item[1]}") else None
        codes.append(code)
    fields, dropped = bounded({str(k): str(v) for k, v in value["fields"].items()})
    dropped += [str(name)[:200] for name in value.get("dropped") or []][:50]
    blank = [item is True for item in value["blank"]]
    return Reading(codes, fields, dropped, blank, str(value.get("text") or "")[:MAX_TEXT])


def _bad_answer() -> Rejected:
    return Rejected(_("Pliku nie da się odczytać ({error}).", error="odpowiedź"), _worker_failed())


@dataclass
class Reading:
    """What the worker read from a file: each page's code (None where none was read), and for a PDF filled in
    on a computer its field values (flat: PDF field name → text) within ``acroform.bounded``, and the names of
    the fields left out for being over its limits."""

    codes: list[PageCode | None]
    fields: dict[str, str] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)
    #: for each page, True when it has no code and is an empty sheet (the back of a duplex page)
    blank: list[bool] = field(default_factory=list)
    #: the text layer of a PDF (empty for images and pure scans)
    text: str = ""


@dataclass
class Outline:
    """A file's page count and its text layer, read in the worker."""

    pages: int
    text: str = ""


class WorkerPages:
    """The pages of a file the worker has read, each drawn by the worker when a step needs its image.

    The same face as ``somflow.inbox.pages.PageSource`` (``pages``, ``text``,
    ``close``) for the parent, which so never decodes the scan itself. Images
    are kept once drawn: a page is looked at by more than one step.
    """

    def __init__(self, content: bytes, kind: str, read: Reading | Outline, worker: Worker | None = None):
        from somflow.inbox.pages import Page

        self.content, self.kind, self.text = content, kind, read.text
        count = len(read.codes) if isinstance(read, Reading) else read.pages
        #: for each page, True when the worker found it an empty sheet without a code
        self.blank = read.blank if isinstance(read, Reading) else [False] * count
        self._worker = worker or shared()
        self._drawn: dict[tuple[int, bool], Image] = {}
        self.pages = [Page(n, lambda full, n=n: self._draw(n, full)) for n in range(1, count + 1)]

    def _draw(self, number: int, full: bool) -> Image:
        if (number, full) not in self._drawn:
            self._drawn[number, full] = self._worker.draw(self.content, self.kind, number, full)
        return self._drawn[number, full].copy()

    def close(self) -> None:
        self._drawn.clear()


_shared: Worker | None = None
_shared_lock = threading.Lock()


def shared() -> Worker:
    """The worker of this process, started on first use and ended at exit."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Worker()
            atexit.register(_shared.close)
        return _shared


def identify(content: bytes, kind: str) -> Reading:
    """The somflow code of every page of ``content`` and its form values, read in the worker.

    Raises :class:`Rejected` for a file that is broken, over a limit, or that
    the worker could not read within its memory and time.
    """
    return shared().identify(content, kind)


def unreadable_scan(path: Path, content: bytes) -> str | None:
    """Why ``content`` (read from ``path``) cannot be opened as a scan (not a PDF or image, damaged, no pages,
    over a limit), or None when the worker opens it."""
    from somflow.inbox.pages import not_a_scan, sniff

    if (problem := not_a_scan(path, content)) is not None:
        return problem
    try:
        shared().outline(content, sniff(content))
    except Rejected as exc:
        return exc.reason
    return None


# ------------------------------------------------------------ in the worker


def serve(memory_limit: int) -> None:
    """The worker: read a request (a JSON line, then the file's bytes), answer with JSON lines, until stdin ends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is for the watcher, which then ends this process
    from somflow.inbox.pages import PageSource

    _limit_memory(memory_limit)  # after the imports: the limit is for what a file makes us allocate
    # Answers go to a copy of stdout; stdout itself goes nowhere, so that nothing a library prints mixes in.
    requests, answers = sys.stdin.buffer, os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())

    def say(answer: dict) -> None:
        answers.write(json.dumps(answer, ensure_ascii=True).encode() + b"\n")
        answers.flush()

    while True:
        header = requests.readline()
        if not header:
            return
        request = json.loads(header)
        content = requests.read(request["size"])
        try:
            source = PageSource(content, request["kind"])
            try:
                answer: dict = {"ok": _answer(request, source, say)}
            finally:
                source.close()
        except Rejected as exc:
            answer = {"rejected": [exc.reason, exc.hint]}
        except MemoryError:
            answer = {"memory": True}
        except Exception as exc:  # told to the parent, which rejects the file with it
            answer = {"error": f"{type(exc).__name__}: {exc}"[:300]}
        del content
        say(answer)


def _answer(request: dict, source: PageSource, say: Callable[[dict], None]) -> dict:
    """What the worker answers to ``request`` about the file of ``source`` (see :class:`Worker`'s methods)."""
    from somflow.forms.acroform import bounded
    from somflow.inbox.pages import looks_blank
    from somflow.inbox.qr import read_codes

    pages = source.pages
    if request["mode"] == "draw":
        say({"allow": PAGE_SECONDS})
        image = pages[request["page"] - 1].image(bool(request["full"]))
        if request.get("width"):
            image.thumbnail((request["width"], int(request["width"] * 1.414)))  # an A4 sheet
        out = io.BytesIO()
        image.save(out, "PNG", compress_level=1)
        return {"png": base64.b64encode(out.getvalue()).decode("ascii")}
    say({"allow": PAGE_SECONDS * len(pages)})
    text = source.text[:MAX_TEXT] if source.kind == "pdf" else ""
    if request["mode"] == "outline":
        return {"pages": len(pages), "text": text}
    codes = read_codes(pages)
    fields, dropped = bounded(_form_fields(source.content)) if source.kind == "pdf" else ({}, [])
    return {
        "codes": [[c.document_id, c.page] if c else None for c in codes],
        "blank": [code is None and looks_blank(page.image()) for code, page in zip(codes, pages, strict=True)],
        "fields": fields,
        "dropped": dropped,
        "text": text,
    }


def _form_fields(content: bytes) -> dict[str, str]:
    """The values of a PDF filled in on a computer (AcroForm): field name → text (a ticked box: its state's
    name, e.g. ``Yes``), empty and unticked fields left out. Read with qpdf: fast on a value of megabytes."""
    if b"/AcroForm" not in content:
        return {}
    import pikepdf

    from somflow.forms.fieldmap import inherited, terminal_fields

    values = {}
    try:
        with pikepdf.open(io.BytesIO(content)) as pdf:
            for name, found, _widgets in terminal_fields(pdf):
                value = inherited(found, "/V")
                if value is not None and str(value) not in ("", "/Off"):
                    values[name] = str(value).lstrip("/")
    except pikepdf.PdfError:
        return {}  # a form we cannot parse still has its codes; its values are a bonus
    return values


def _limit_memory(limit: int) -> None:
    if os.name != "posix":
        return  # Windows: no address-space limit without a Job Object; the parent's time budget still holds
    import resource

    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))


if __name__ == "__main__":
    serve(int(sys.argv[1]))
