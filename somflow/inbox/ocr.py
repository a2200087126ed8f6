"""A guess of which form a page without a somflow code is, from its title read by tesseract (Polish).

Only a hint for the person who opens ``rejected/``: a guess from OCR never
files anything by itself. Without tesseract (or its Polish data) the guess is
skipped and the user is told once why.
"""

from __future__ import annotations

import difflib
import io
import logging
import shutil
import subprocess

from somflow.i18n import _
from somflow.inbox.pages import Page
from somflow.workspace import Workspace

log = logging.getLogger(__name__)

#: Share of the page height where a form's title is.
TITLE_STRIP = 0.3
#: How alike an OCR line and a form title must be to name the form.
MIN_SIMILARITY = 0.75
TIMEOUT_SECONDS = 30


def tesseract() -> str | None:
    """The tesseract program, when installed."""
    return shutil.which("tesseract")


def read_title(page: Page) -> str | None:
    """The text lines at the top of ``page`` read by tesseract, or None when tesseract is missing or fails."""
    program = tesseract()
    if program is None:
        return None
    image = page.image(full=True)
    strip = image.crop((0, 0, image.width, int(image.height * TITLE_STRIP)))
    buffer = io.BytesIO()
    strip.save(buffer, "PNG")
    try:
        done = subprocess.run(
            [program, "stdin", "stdout", "-l", "pol", "--psm", "4"],
            input=buffer.getvalue(),
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.warning("tesseract failed: %s", type(exc).__name__)
        return None
    if done.returncode != 0:
        log.warning(
            "tesseract failed (exit %s); is the Polish language data (tesseract-ocr-pol) installed?", done.returncode
        )
        return None
    return done.stdout.decode("utf-8", "replace").strip()


def known_titles(workspace: Workspace) -> dict[str, str]:
    """Form titles somflow has generated in this workspace: ``{title: form id}``."""
    return {doc["title"]: doc.get("form") or "" for doc in workspace.store.query("documents") if doc.get("title")}


def guess_form(workspace: Workspace, page: Page, notices: list[str]) -> tuple[str | None, str | None]:
    """``(text read, Polish hint naming the likely form)``; both None without tesseract (a notice says so)."""
    if tesseract() is None:
        notices.append(
            _("Program tesseract nie jest zainstalowany — pominięto odczytanie tytułu strony (zob. docs/inbox.md).")
        )
        return None, None
    text = read_title(page)
    if not text:
        return text, None
    lines = [line.strip() for line in text.splitlines() if len(line.strip()) > 8]
    best, score = None, 0.0
    for title in known_titles(workspace):
        for line in lines:
            ratio = difflib.SequenceMatcher(None, line.lower(), title.lower()).ratio()
            if ratio > score:
                best, score = title, ratio
    if best is None or score < MIN_SIMILARITY:
        return text, None
    return text, _(
        "Tytuł na pierwszej stronie przypomina formularz „{title}”. Nie przypisano go automatycznie: "
        "wydrukuj ten formularz z somflow (z kodem QR) albo dołącz skan ręcznie.",
        title=best,
    )
