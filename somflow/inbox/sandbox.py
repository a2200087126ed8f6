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
milliseconds. The parent still decodes a page itself afterwards when a later
step needs its image (an empty-page check, the OCR guess), but only of a
file the worker has read within these limits.

Why a plain ``subprocess`` and not ``multiprocessing``: its ``spawn`` start
imports the caller's main module again in the child (any script without an
``if __name__ == "__main__"`` guard would run twice), and its results are
pickles — a worker subverted by a crafted file could send one that runs code
in the watcher. Here the request is the raw bytes and the answer is JSON,
checked before use.
"""

from __future__ import annotations

import atexit
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
from dataclasses import dataclass, field
from typing import IO, Any

from somflow.i18n import _
from somflow.inbox.model import PageCode, Rejected, StopIngest

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
#: The longest line the worker may answer with (a code is ~40 bytes; 500 pages are far less).
MAX_ANSWER = 4 * 1024 * 1024


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
        with self._lock:
            try:
                self._send(content, kind)
            except OSError:  # the worker died between files: one more try with a new one
                self._stop()
                self._send(content, kind)
            return _reading(self._wait(OPEN_SECONDS))

    def _send(self, content: bytes, kind: str) -> None:
        process = self._start()
        process.stdin.write(json.dumps({"kind": kind, "size": len(content)}).encode() + b"\n")
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
    ):
        raise Rejected(_("Pliku nie da się odczytać ({error}).", error="odpowiedź"), _worker_failed())
    codes: list[PageCode | None] = []
    for item in value["codes"]:
        code = None
        if isinstance(item, list) and len(item) == 2 and isinstance(item[0], str) and isinstance(item[1], int):
            code = PageCode(item[0], item[1]) if PAYLOAD.fullmatch(f"SOMFLOW:DOC:{item[0]}:P{item[1]}") else None
        codes.append(code)
    fields, dropped = bounded({str(k): str(v) for k, v in value["fields"].items()})
    dropped += [str(name)[:200] for name in value.get("dropped") or []][:50]
    return Reading(codes, fields, dropped)


@dataclass
class Reading:
    """What the worker read from a file: each page's code (None where none was read), and for a PDF filled in
    on a computer its field values (flat: PDF field name → text) within ``acroform.bounded``, and the names of
    the fields left out for being over its limits."""

    codes: list[PageCode | None]
    fields: dict[str, str] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)


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


# ------------------------------------------------------------ in the worker


def serve(memory_limit: int) -> None:
    """The worker: read a request (a JSON line, then the file's bytes), answer with JSON lines, until stdin ends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is for the watcher, which then ends this process
    from somflow.forms.acroform import bounded
    from somflow.inbox.pages import PageSource
    from somflow.inbox.qr import read_codes

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
                pages = source.pages
                say({"allow": PAGE_SECONDS * len(pages)})
                codes = read_codes(pages)
            finally:
                source.close()
            fields, dropped = bounded(_form_fields(content)) if request["kind"] == "pdf" else ({}, [])
            answer: dict = {
                "ok": {
                    "codes": [[c.document_id, c.page] if c else None for c in codes],
                    "fields": fields,
                    "dropped": dropped,
                }
            }
        except Rejected as exc:
            answer = {"rejected": [exc.reason, exc.hint]}
        except MemoryError:
            answer = {"memory": True}
        except Exception as exc:  # told to the parent, which rejects the file with it
            answer = {"error": f"{type(exc).__name__}: {exc}"[:300]}
        del content
        say(answer)


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
