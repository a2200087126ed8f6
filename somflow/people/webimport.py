"""A list import on the web in two steps: the file is uploaded and what would change is shown; "Zastosuj" applies it.

The uploaded list is kept owner-only in the workspace (``web-uploads/``, gone after
an hour if never applied) and given to the same import function as the CLI's —
first with ``dry_run`` for the preview, then for real; the report is the CLI's,
people named by number and initials only. The people pages import class lists
with it, the vetting plugin the HR list.
"""

from __future__ import annotations

import contextlib
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

from somflow.errors import SomflowError
from somflow.fileio import make_private_dir, write_private
from somflow.i18n import _
from somflow.people.imports import Report
from somflow.web.pages import Page
from somflow.web.render import page
from somflow.workspace import Workspace

TEMPLATES = Path(__file__).parent / "templates"
UPLOADS = "web-uploads"
#: Largest list accepted from the browser (a school's whole list is a few hundred kB).
MAX_UPLOAD = 5 * 1024 * 1024
#: How long a previewed list waits for "Zastosuj".
KEEP_SECONDS = 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


@dataclass(frozen=True)
class ListImport:
    """The pages of one kind of list import: ``path`` (the form and its preview), ``path/zastosuj`` (apply).

    ``run(workspace, file, ticked, dry_run)`` is the import function; ``option`` the label of
    one checkbox carried from the upload to the apply (``ticked``), empty for none.
    """

    path: str
    title: str
    roles: frozenset[str]
    run: Callable[[Workspace, Path, bool, bool], Report]
    hint: str = ""
    option: str = ""

    def pages(self) -> list[Page]:
        return [
            Page(self.path, self.title, self.roles, self.form, templates=TEMPLATES),
            Page(self.path, self.title, self.roles, self.preview, methods=("POST",)),
            Page(f"{self.path}/zastosuj", self.title, self.roles, self.apply, methods=("POST",)),
        ]

    def form(self, request: Request, *, problems: list[str] | None = None, status: int = 200) -> Response:
        return page(
            request,
            _(self.title),
            template="people/import.html",
            status=status,
            problems=problems or [],
            action=self.path,
            hint=_(self.hint) if self.hint else "",
            option=_(self.option) if self.option else "",
        )

    def preview(self, request: Request) -> Response:
        """Keep the uploaded list and show what importing it would change; nothing is written to the register."""
        form = request.state.form
        upload = form.get("plik")
        content = upload.file.read(MAX_UPLOAD + 1) if hasattr(upload, "file") else b""
        if not content:
            return self.form(request, problems=[_("Wybierz plik CSV z listą.")], status=400)
        if len(content) > MAX_UPLOAD:
            return self.form(request, problems=[_("Plik jest za duży (najwyżej 5 MB).")], status=400)
        token = secrets.token_urlsafe(24)
        target = _kept(request.state.workspace, token)
        make_private_dir(target.parent)
        _forget_old(target.parent)
        write_private(target, content)
        ticked = bool(self.option) and form.get("opcja") == "tak"
        try:
            report = self.run(request.state.workspace, target, ticked, True)
        except SomflowError as exc:
            target.unlink(missing_ok=True)
            return self.form(request, problems=getattr(exc, "messages", None) or [str(exc)], status=400)
        return page(
            request,
            _("{title}: podgląd zmian", title=_(self.title)),
            template="people/preview.html",
            lines=replace(report, dry_run=False).lines(),  # "nothing written" is said by the page, not as --dry-run
            token=token,
            ticked=ticked,
            name=getattr(upload, "filename", "") or "",
            action=self.path,
        )

    def apply(self, request: Request) -> Response:
        """Import the previewed list for real (one transaction, as the CLI does), then forget the upload."""
        form = request.state.form
        token = form.get("token", "")
        target = _kept(request.state.workspace, token) if _TOKEN.match(token) else None
        if target is None or not target.is_file():
            problem = _("Podgląd wygasł albo został już zastosowany. Wybierz plik ponownie.")
            return self.form(request, problems=[problem], status=400)
        try:
            report = self.run(request.state.workspace, target, bool(self.option) and form.get("opcja") == "tak", False)
        except SomflowError as exc:
            return self.form(request, problems=getattr(exc, "messages", None) or [str(exc)], status=400)
        finally:
            target.unlink(missing_ok=True)
        return page(
            request, _("{title}: zapisano", title=_(self.title)), template="people/applied.html", lines=report.lines()
        )


def _kept(workspace: Workspace, token: str) -> Path:
    return workspace.root / UPLOADS / f"{token}.csv"


def _forget_old(folder: Path) -> None:
    """Lists previewed and never applied go after an hour: they hold people's names."""
    cutoff = time.time() - KEEP_SECONDS
    for old in folder.glob("*.csv"):
        with contextlib.suppress(OSError):
            if old.stat().st_mtime < cutoff:
                old.unlink()
