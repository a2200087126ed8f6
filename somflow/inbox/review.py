"""The review queue: files waiting in ``inbox/`` or set aside in ``rejected/``, and what a person does with them.

Plain functions, so that a web page can call the same ones as ``somflow
inbox`` (``somflow.inbox.review_cli``):

* :func:`queue` lists the files with the reason each was set aside;
* :func:`contact_sheet` draws their pages small in one PNG, to see what they are;
* :func:`assign` files a file by hand — pages to documents, or a file without
  somflow codes to a record — through the same pipeline and the same store
  transaction as the automatic path (:func:`~somflow.inbox.pipeline.run_pipeline`
  with the person's placements instead of unread codes);
* :func:`discard` moves a file out of the way into ``discarded/`` with its
  reason, recorded in the store (so audited), never deleted;
* :func:`retry` puts set-aside files through the pipeline again.

A file tried again stays in ``rejected/`` while it is worked on: filed, it
leaves (with its note); rejected again, it stays with the new reason.
"""

from __future__ import annotations

import io
import logging
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from somflow import refs
from somflow.errors import SomflowError
from somflow.fileio import make_private_dir, write_private
from somflow.i18n import _
from somflow.inbox import entries, filing, sandbox
from somflow.inbox.model import Claim, PageCode, Rejected, StopIngest
from somflow.inbox.pages import sniff
from somflow.inbox.pipeline import Outcome, run_pipeline
from somflow.inbox.watcher import inbox_files
from somflow.logs import file_label, readable_name
from somflow.store.base import now_iso
from somflow.workspace import Workspace

log = logging.getLogger(__name__)

#: Where discarded files are kept (beside ``rejected/``), and the collection recording each (who, when, why).
DISCARDED_FOLDER = "discarded"
DISCARDED = "inbox_discarded"
#: Contact sheet: thumbnail width in pixels, thumbnails a row, pages of one file shown at most.
THUMB_WIDTH = 150
THUMBS_A_ROW = 6
SHEET_PAGES_PER_FILE = 12
#: The labels a note's lines start with, in either language (a note is read back whatever the language now).
REASON_LABELS = ("Powód", "Reason")
HINT_LABELS = ("Co zrobić", "What to do")
#: Files named in the error for a name that fits no queued file (the rest: ``somflow inbox``).
MISSING_SHOWN = 10


@dataclass
class QueueItem:
    """A file needing a person: ``state`` is ``"waiting"`` (in ``inbox/``) or ``"set_aside"`` (in ``rejected/``)."""

    path: Path
    state: str
    reason: str = ""
    hint: str = ""
    since: str = ""

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def label(self) -> str:
        """The name shown for this file, which :func:`find` takes back."""
        return label(self.path)


def queue(workspace: Workspace) -> list[QueueItem]:
    """Files set aside (oldest first, with their reasons), then files waiting in the inbox."""
    items = []
    for path in rejected_files(workspace):
        reason, hint = read_note(filing.note_for(path))
        items.append(QueueItem(path, "set_aside", reason, hint, _since(path)))
    items += [QueueItem(path, "waiting", since=_since(path)) for path in inbox_files(workspace.path("inbox"))]
    return items


def rejected_files(workspace: Workspace) -> list[Path]:
    """The files in ``rejected/`` (not their notes), oldest first."""
    found = inbox_files(workspace.path("rejected"))
    notes = {filing.note_for(path) for path in found}
    return [path for path in found if path not in notes]


def read_note(note: Path) -> tuple[str, str]:
    """``(reason, what to do)`` from a note written by :func:`somflow.inbox.filing.reason_text`; empty if none."""
    try:
        text = note.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "", ""
    reason = hint = ""
    for line in text.splitlines():
        label, _sep, value = line.partition(": ")
        if label in REASON_LABELS:
            reason = value
        elif label in HINT_LABELS:
            hint = value
    return reason, hint


def label(path: Path) -> str:
    """How ``somflow inbox`` (and the web page) names a queued file: its name as a person reads it, any bytes
    (a name that is not UTF-8 on disk is read as Windows-1250, control characters are shown escaped)."""
    return readable_name(path.name)


def find(workspace: Workspace, name: str) -> Path:
    """The queued file ``name`` names, in ``rejected/`` or ``inbox/`` (also in a folder dropped into it).

    ``name`` may be the file's :func:`label` as ``somflow inbox`` prints it, its
    label in the log (``file#…``, :func:`~somflow.logs.file_label`), or its real
    name; each also after its folder (``rejected/…``, ``inbox/…``); or a path to
    the file. A name whose bytes are not UTF-8 cannot be typed, so its label must
    do. An absolute path (the web page's) names its file exactly; otherwise every
    file that the name fits is a candidate, and more than one is a Polish error
    listing them, as is none.
    """
    queued = {_key(path): path for path in queued_paths(workspace)}  # only what the queue lists (not a note)
    exact = _exact(workspace, name)
    exact = queued.get(_key(exact)) if exact is not None else None
    if exact is not None and Path(name).is_absolute():
        return exact
    spellings = {name, name.strip()}
    spellings |= {each.replace(os.sep, "/") for each in spellings}
    spellings |= {each[2:] for each in spellings if each.startswith("./")}
    found = {key: path for key, path in queued.items() if path == exact or spellings & _spellings(workspace, path)}
    if len(found) == 1:
        return next(iter(found.values()))
    if found:
        raise SomflowError(
            _(
                "Nazwa {name} pasuje do kilku plików w kolejce: {files}. "
                "Wskaż jeden z nich: podaj nazwę razem z folderem albo oznaczenie z nawiasu.",
                name=readable_name(name),
                files="; ".join(_candidate(workspace, path) for path in found.values()),
            )
        )
    if not queued:
        raise SomflowError(_("Nie ma pliku {name}: kolejka jest pusta (rejected/ i inbox/).", name=readable_name(name)))
    shown = ", ".join(label(path) for path in list(queued.values())[:MISSING_SHOWN])
    if len(queued) > MISSING_SHOWN:
        shown += " " + _("i inne")
    raise SomflowError(
        _(
            "Nie ma pliku {name} w rejected/ ani w inbox/. Pliki w kolejce ({count}): {files}. "
            "Podaj nazwę tak, jak wypisuje ją somflow inbox.",
            name=readable_name(name),
            count=len(queued),
            files=shown,
        )
    )


def queued_paths(workspace: Workspace) -> list[Path]:
    """The queued files in the order :func:`queue` lists them."""
    return rejected_files(workspace) + inbox_files(workspace.path("inbox"))


def _exact(workspace: Workspace, name: str) -> Path | None:
    """The entry at the path ``name`` (as given, or inside ``rejected/`` or ``inbox/``), or None."""
    for path in (Path(name), workspace.path("rejected") / name, workspace.path("inbox") / name):
        if os.path.lexists(path):
            return path
    return None


def _spellings(workspace: Workspace, path: Path) -> set[str]:
    """Every way :func:`find` accepts for the queued file ``path``: label, log label or name, bare or after a folder."""
    names = {path.name, label(path), file_label(path)}
    folders = {""}
    for inside in _folders(workspace, path):
        folders |= {inside + "/", readable_name(inside) + "/"}
    return {folder + each for folder in folders for each in names}


def _folders(workspace: Workspace, path: Path) -> list[str]:
    """The folder of the queued file ``path`` as a person names it: ``rejected``, ``inbox``, ``inbox/skaner``
    (also wherever ``[paths]`` puts them), and its folder inside the inbox (``skaner``)."""
    for key in ("rejected", "inbox"):
        try:
            inside = path.parent.relative_to(workspace.path(key)).as_posix()
        except ValueError:
            continue
        return [key] if inside == "." else [f"{key}/{inside}", inside]
    return []


def _candidate(workspace: Workspace, path: Path) -> str:
    """A file in the "several files fit" error: its label after its folder, then what names it alone."""
    folder = readable_name(next(iter(_folders(workspace, path)), "."))
    return f"{folder}/{label(path)} ({folder}/{file_label(path)})"


def _key(path: Path) -> Path:
    """``path`` made comparable: its folder absolute with links resolved, the entry itself not (a link is an entry)."""
    return path.absolute().parent.resolve() / path.name


# ---------------------------------------------------------------- assign


def parse_doc(workspace: Workspace, text: str) -> tuple[dict, int | None]:
    """``REF[:PAGE]`` → the document record of this unit and the page number (None when not given)."""
    ref, _sep, page = text.strip().rpartition(":") if ":" in text else (text.strip(), "", "")
    found = refs.by_id(workspace.store.query("documents"), ref)
    if len(found) != 1:
        raise SomflowError(
            _("Nie ma dokumentu {ref} w tej placówce.", ref=ref)
            if not found
            else _(
                "Oznaczenie {ref} pasuje do kilku dokumentów ({count}); podaj więcej znaków.", ref=ref, count=len(found)
            )
        )
    doc = found[0]
    if page and not (page.isdigit() and 1 <= int(page) <= int(doc.get("pages") or 1)):
        raise SomflowError(
            _(
                "Dokument {id} ma {count} str.; nie ma strony {page}.",
                id=doc["id"],
                count=doc.get("pages") or 1,
                page=page,
            )
        )
    if doc.get("status") == "zwrócony":
        raise SomflowError(
            _(
                "Dokument {id} („{title}”) został już zwrócony ({when}); nie trzeba go przypisywać. Jeśli ten plik to kopia, odłóż go: somflow inbox discard.",
                id=doc["id"],
                title=doc.get("title", ""),
                when=(doc.get("returned") or {}).get("at", "?")[:10],
            )
        )
    return doc, int(page) if page else None


def placements(workspace: Workspace, path: Path, pages: list[int | None], docs: list[str]) -> dict[int, PageCode]:
    """The person's ``--page N --doc REF[:PAGE]`` pairs as {scan page: code}, checked against the file and the store.

    ``--page`` may be left out for a one-page file; ``:PAGE`` for a one-page
    document; a lone ``--doc REF`` without pages gives every page of the file
    to that document, in order.
    """
    if not docs:
        raise SomflowError(
            _("Podaj dokument: --doc ID[:STRONA] (albo --record KOLEKCJA:ID dla dokumentu spoza somflow).")
        )
    if len(pages) > len(docs):
        raise SomflowError(
            _(
                "Każde --page potrzebuje swojego --doc (podano {pages} × --page i {docs} × --doc).",
                pages=len(pages),
                docs=len(docs),
            )
        )
    count = page_count(path)
    placed: dict[int, PageCode] = {}
    for index, text in enumerate(docs):
        doc, page = parse_doc(workspace, text)
        total = int(doc.get("pages") or 1)
        scan_page = pages[index] if index < len(pages) else None
        if scan_page is None and page is None and len(docs) == 1 and count == total:
            return {n: PageCode(doc["id"], n) for n in range(1, count + 1)}
        if scan_page is None:
            if count != 1:
                raise SomflowError(_("Plik ma {count} str.: podaj, którą stronę przypisać (--page N).", count=count))
            scan_page = 1
        if not 1 <= scan_page <= count:
            raise SomflowError(_("Plik ma {count} str., nie ma w nim strony {page}.", count=count, page=scan_page))
        if page is None:
            if total != 1:
                raise SomflowError(
                    _("Dokument {id} ma {count} str.: podaj numer strony, np. --doc {id}:1.", id=doc["id"], count=total)
                )
            page = 1
        placed[scan_page] = PageCode(doc["id"], page)
    return placed


def assign(
    workspace: Workspace,
    path: Path,
    pages: dict[int, PageCode] | None = None,
    record: dict[str, str] | None = None,
    title: str = "",
) -> Outcome:
    """File ``path`` by hand: ``pages`` ({scan page: code}; other pages are read as usual), or the whole file to ``record``.

    Goes through the pipeline like any scan (one store transaction, archive
    copies, ``somflow_document_filed``); the record marks the pages
    "przypisana ręcznie" with who did it.
    """
    if record is not None:
        claim = Claim(
            record=dict(record),
            title=title or _("Dokument przypisany ręcznie"),
            form=None,
            data={"assigned_by": workspace.store.actor},
        )
        return _through_pipeline(workspace, path, claim=claim)
    return _through_pipeline(workspace, path, manual=pages or {})


def parse_record(workspace: Workspace, text: str) -> dict[str, str]:
    """``COLLECTION:ID`` (the id or its start) → ``{"collection", "id"}`` of an existing record of this unit."""
    collection, _sep, ref = text.strip().partition(":")
    if not collection or not ref:
        raise SomflowError(_("Podaj rekord jako KOLEKCJA:ID, np. staff:01J…"))
    found = refs.by_id(workspace.store.query(collection), ref) if collection in workspace.store.collections() else []
    if len(found) != 1:
        raise SomflowError(
            _("Nie ma jednoznacznie wskazanego rekordu {ref} w {collection}.", ref=ref, collection=collection)
        )
    return {"collection": collection, "id": found[0]["id"]}


# ---------------------------------------------------------------- discard, retry


def discard(workspace: Workspace, path: Path, reason: str) -> Path:
    """Move ``path`` (and its note) into ``discarded/``, recording who, when and why; returns where it is now."""
    reason = reason.strip()
    if not reason:
        raise SomflowError(_("Podaj powód odłożenia pliku: --reason „…”."))
    folder = make_private_dir(workspace.path("rejected").parent / DISCARDED_FOLDER)
    target = filing.free_name(folder, path.name)
    try:
        digest = filing.sha256(entries.read_regular(path))
    except (Rejected, StopIngest, OSError):
        digest = None  # a link or a FIFO is moved unopened
    with workspace.store.transaction():
        workspace.store.insert(
            DISCARDED,
            {
                "name": filing.storable(path.name),
                "from": filing.relative(workspace, path),
                "file": filing.relative(workspace, target),
                "sha256": digest,
                "reason": reason,
                "by": workspace.store.actor,
                "at": now_iso(),
            },
        )
        os.replace(path, target)  # inside the transaction: a failed move records nothing
    note = filing.note_for(path)
    if note.exists() and note != path:
        os.replace(note, filing.note_for(target))
    log.info("discarded a file from the review queue into %s/", DISCARDED_FOLDER)
    return target


def retry(workspace: Workspace, paths: list[Path] | None = None) -> list[Outcome]:
    """Put set-aside files (all of ``rejected/``, or ``paths``) through the pipeline again."""
    return [_through_pipeline(workspace, path) for path in (paths if paths is not None else rejected_files(workspace))]


def _through_pipeline(workspace: Workspace, path: Path, **given) -> Outcome:
    note = filing.note_for(path)
    outcome = run_pipeline(workspace, path, **given)
    if outcome.status in ("filed", "skipped") and not os.path.lexists(path) and note.exists():
        note.unlink()
    return outcome


# ---------------------------------------------------------------- contact sheet


def page_count(path: Path) -> int:
    """Pages in the file at ``path``; a Polish error when it is not a readable scan."""
    try:
        content = entries.read_regular(path)
        return sandbox.shared().outline(content, sniff(content) or "").pages
    except (Rejected, StopIngest) as exc:
        raise SomflowError(
            _("Pliku {name} nie da się otworzyć jako skanu: {reason}", name=path.name, reason=str(exc))
        ) from None


def contact_sheet(items: list[QueueItem], target: Path) -> int:
    """Write a PNG with the pages of ``items`` drawn small, each labelled "<item number>/<page>"; returns pages drawn."""
    thumbs: list[tuple[str, Image.Image | None]] = []
    for number, item in enumerate(items, start=1):
        for page, image in _thumbnails(item.path):
            thumbs.append((f"{number}/{page}", image))
    height = int(THUMB_WIDTH * 1.414)
    rows = max(1, -(-len(thumbs) // THUMBS_A_ROW))
    sheet = Image.new("L", (THUMBS_A_ROW * (THUMB_WIDTH + 10) + 10, rows * (height + 30) + 10), 255)
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.load_default()
    for index, (label, image) in enumerate(thumbs):
        x = 10 + (index % THUMBS_A_ROW) * (THUMB_WIDTH + 10)
        y = 10 + (index // THUMBS_A_ROW) * (height + 30)
        if image is None:
            draw.rectangle((x, y, x + THUMB_WIDTH, y + height), fill=200)
        else:
            sheet.paste(image, (x, y))
        draw.rectangle((x, y, x + THUMB_WIDTH, y + height), outline=0)
        draw.text((x, y + height + 6), label, fill=0, font=font)
    buffer = io.BytesIO()
    sheet.save(buffer, "PNG", optimize=True)
    write_private(target, buffer.getvalue())
    return len(thumbs)


def _thumbnails(path: Path) -> list[tuple[int, Image.Image | None]]:
    """The first pages of the file at ``path`` as thumbnails; a grey box (None) for a file or page that cannot be read."""
    count = preview_pages(path)
    if not count:
        return [(1, None)]
    return [(number, preview(path, number, THUMB_WIDTH)) for number in range(1, count + 1)]


def preview_pages(path: Path) -> int:
    """How many pages of the file at ``path`` are shown small (at most :data:`SHEET_PAGES_PER_FILE`); 0 when unreadable."""
    try:
        content = entries.read_regular(path)
        return min(sandbox.shared().outline(content, sniff(content) or "").pages, SHEET_PAGES_PER_FILE)
    except (Rejected, StopIngest, OSError):
        return 0


def preview(path: Path, page: int, width: int) -> Image.Image | None:
    """Page ``page`` of the file at ``path`` drawn ``width`` pixels wide by the reader process (see ``sandbox``),
    within its time and memory limits; None when it cannot be read."""
    try:
        content = entries.read_regular(path)
        return sandbox.shared().draw(content, sniff(content) or "", page, width=width)
    except (Rejected, StopIngest, OSError):
        return None


def _since(path: Path) -> str:
    try:
        return datetime.fromtimestamp(path.lstat().st_mtime).strftime("%Y-%m-%d %H:%M")
    except OSError:
        return ""
