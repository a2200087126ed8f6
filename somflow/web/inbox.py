"""The inbox review queue in the browser: the same functions as ``somflow inbox`` (:mod:`somflow.inbox.review`).

The page lists the files set aside in ``rejected/`` (with the reason and what
to do) and those waiting in ``inbox/``, each page drawn small by the scan
reader process (within its time and memory limits). A person assigns a page to
a document, the whole file to a person or another record, discards a file with
a reason, or puts it through the inbox again. A file is named in forms by its
path inside the workspace (``rejected/scan.pdf``), never by a path of the
computer.
"""

from __future__ import annotations

import io
import os
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote_to_bytes

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from somflow.errors import SomflowError
from somflow.i18n import _
from somflow.inbox import review
from somflow.inbox.plugin import outcome_lines
from somflow.logs import readable_name
from somflow.people import register
from somflow.web import roles
from somflow.web.pages import Page
from somflow.web.render import page, tell
from somflow.workspace import Workspace

#: Widths of a page drawn small on the list and large when opened (pixels).
SIZES = {"small": 300, "large": 1000}


def queue_page(request: Request) -> Response:
    workspace = request.state.workspace
    items = [
        {
            "file": file_ref(workspace, item.path),
            "name": item.label,
            "item": item,
            "hint": _hint(item.hint),
            "pages": review.preview_pages(item.path),
        }
        for item in review.queue(workspace)
    ]
    return page(request, _("Skany do przejrzenia"), template="inbox.html", items=items)


def _hint(hint: str) -> str:
    """The note's advice, in this page's words where it tells the commands that do what the page's forms do."""
    if "somflow inbox" in hint:
        return _(
            "Obejrzyj strony poniżej: przypisz je do dokumentów albo cały plik do osoby lub rekordu; "
            "niepotrzebny plik odłóż, podając powód."
        )
    return hint


def preview_image(request: Request) -> Response:
    """A page of a queued file as PNG (``?file=rejected/x.pdf&page=1&size=small``)."""
    workspace = request.state.workspace
    try:
        path = queued(workspace, request.query_params.get("file", ""))
        number = int(request.query_params.get("page", "1"))
    except (SomflowError, ValueError):
        return Response(status_code=404)
    image = review.preview(path, number, SIZES.get(request.query_params.get("size", ""), SIZES["small"]))
    if image is None:
        return Response(status_code=404)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return Response(buffer.getvalue(), media_type="image/png")


def assign_to_document(request: Request) -> Response:
    form = request.state.form

    def act(workspace: Workspace, path: Path) -> None:
        scan_page = int(form["page"]) if form.get("page") else None
        placed = review.placements(workspace, path, [scan_page] if scan_page else [], [str(form.get("doc", ""))])
        _told(request, review.assign(workspace, path, placed))

    return _then(request, act)


def assign_to_record(request: Request) -> Response:
    form = request.state.form

    def act(workspace: Workspace, path: Path) -> None:
        person_ref = str(form.get("person", "")).strip()
        if person_ref:
            record = {"collection": register.COLLECTION, "id": register.find(workspace.store, person_ref)["id"]}
        else:
            record = review.parse_record(workspace, str(form.get("record", "")))
        _told(request, review.assign(workspace, path, record=record, title=str(form.get("title", "")).strip()))

    return _then(request, act)


def discard(request: Request) -> Response:
    def act(workspace: Workspace, path: Path) -> None:
        target = review.discard(workspace, path, str(request.state.form.get("reason", "")))
        tell(
            request,
            _(
                "Odłożono {name} do {folder} (powód zapisano).",
                name=readable_name(target.name),
                folder=review.DISCARDED_FOLDER + "/",
            ),
        )

    return _then(request, act)


def retry(request: Request) -> Response:
    def act(workspace: Workspace, path: Path) -> None:
        for outcome in review.retry(workspace, [path]):
            _told(request, outcome)

    return _then(request, act)


def _then(request: Request, act) -> Response:
    """Do ``act(workspace, path)`` for the form's file; its Polish error shown on the list it returns to."""
    workspace = request.state.workspace
    try:
        act(workspace, queued(workspace, str(request.state.form.get("file", ""))))
    except SomflowError as exc:
        tell(request, str(exc), "error")
    return RedirectResponse("/inbox", status_code=303)


def _told(request: Request, outcome) -> None:
    for text, warning in outcome_lines(outcome, readable_name):
        tell(request, text.strip(), "error" if warning else "info")


def file_ref(workspace: Workspace, path: Path) -> str:
    """How a form names a queued file: its path inside the workspace with forward slashes, percent-encoded
    (a name an old scanner wrote in Windows-1250 is not UTF-8, and a page must be)."""
    return quote(os.fsencode(path.absolute().relative_to(workspace.root.absolute()).as_posix()), safe="/")


def queued(workspace: Workspace, ref: str) -> Path:
    """The queued file a form names (see :func:`file_ref`); nothing outside ``rejected/`` and ``inbox/``."""
    relative = PurePosixPath(os.fsdecode(unquote_to_bytes(ref)))
    if not relative.parts or ".." in relative.parts or relative.is_absolute() or "\\" in str(relative):
        raise SomflowError(_("Nie ma takiego pliku w kolejce."))
    return review.find(workspace, str(workspace.root.joinpath(*relative.parts)))


PAGES = [
    Page("/inbox", "Skany do przejrzenia", roles.INBOX_REVIEW, queue_page, nav=True),
    Page("/inbox/preview", "Podgląd strony", roles.INBOX_REVIEW, preview_image),
    Page("/inbox/assign", "Przypisz stronę", roles.INBOX_REVIEW, assign_to_document, methods=("POST",)),
    Page("/inbox/assign-record", "Przypisz plik", roles.INBOX_REVIEW, assign_to_record, methods=("POST",)),
    Page("/inbox/discard", "Odłóż plik", roles.INBOX_REVIEW, discard, methods=("POST",)),
    Page("/inbox/retry", "Przyjmij ponownie", roles.INBOX_REVIEW, retry, methods=("POST",)),
]
