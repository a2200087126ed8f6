"""The data the inbox pipeline hands around, and to plugins through ``somflow_claim_inbox_file``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class PageCode:
    """What a somflow QR code says: page ``page`` (from 1) of document ``document_id``."""

    document_id: str
    page: int


@dataclass
class ScanFile:
    """A complete file taken from the inbox, as plugins see it.

    ``path``      where the file lies in the inbox (it may vanish; use ``content``)
    ``name``      the file name as the user sees it
    ``sha256``    hex digest of ``content``
    ``content``   the file's bytes, read once when the file was complete
    ``kind``      ``"pdf"``, ``"tiff"``, ``"jpeg"`` or ``"png"``
    ``pages``     number of pages (images) in the file
    ``text``      the text layer of a digital PDF (empty for scans)
    ``ocr_title`` the first page's title read by tesseract, when it ran
    """

    path: Path
    name: str
    sha256: str
    content: bytes = field(repr=False)
    kind: str
    pages: int = 0
    text: str = field(default="", repr=False)
    ocr_title: str | None = None


@dataclass
class Claim:
    """A plugin's answer to ``somflow_claim_inbox_file``: this file belongs to ``record``.

    The pipeline files a claimed file like a returned form: it creates a
    ``documents`` record (status ``zwrócony``, ``file`` None) with ``form``,
    ``title``, ``data`` and ``record`` taken from here, archives the file under
    that record's id and calls ``somflow_document_filed``.

    ``record``  ``{"collection": ..., "id": ...}`` of the record the file belongs to
    ``title``   what the file is, in Polish (e.g. "Wydruk z Rejestru Sprawców")
    ``form``    a form id, or None when the file is not a somflow form
    ``data``    values the plugin read from the file (kept in the document record)
    """

    record: dict[str, str]
    title: str
    form: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class DocumentPart:
    """The pages of one document found in a scan.

    ``scan_pages`` are positions in the scan (from 1), ``form_pages`` the page
    numbers their codes carry (same order; None for a page without a code that
    follows this document's pages, e.g. the blank back of a duplex scan, or an
    empty sheet before the scan's first code).
    """

    document_id: str
    scan_pages: list[int] = field(default_factory=list)
    form_pages: list[int | None] = field(default_factory=list)

    @property
    def found(self) -> list[int]:
        """Form page numbers present, sorted, without repeats."""
        return sorted({p for p in self.form_pages if p is not None})

    @property
    def repeated(self) -> list[int]:
        """Form page numbers that occur more than once."""
        seen = [p for p in self.form_pages if p is not None]
        return sorted({p for p in seen if seen.count(p) > 1})


@dataclass
class SetAside:
    """Pages of a scan that cannot be filed while the rest of it can: they go to ``rejected/`` as a file of their own.

    ``scan_pages`` are positions in the scan (from 1); ``reason`` and ``hint``
    (Polish) number pages as they are in the set-aside file.
    """

    scan_pages: list[int]
    reason: str
    hint: str


class Rejected(Exception):
    """The file cannot be filed: it goes to ``rejected/`` with ``reason`` and ``hint`` (Polish, for the user)."""

    def __init__(self, reason: str, hint: str = "", guess: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.hint = hint
        self.guess = guess


class StopIngest(Exception):
    """Not an error: the file needs no (more) work, e.g. it vanished or was filed already."""
