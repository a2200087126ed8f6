"""The people pages of ``somflow serve``: the register, one person, and a class list import previewed before it is applied.

The import is ``somflow people import`` in two steps: the uploaded list is kept
owner-only in the workspace (``web-uploads/``) and imported with ``dry_run`` to
show what would change; "Zastosuj" imports the same file for real and removes it.
Nothing is decided here: :mod:`somflow.people.register` and
:mod:`somflow.people.classlist` do the work, as for the CLI.
"""

from __future__ import annotations

import contextlib
import re
import secrets
import time
from dataclasses import replace
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

from somflow import calendar
from somflow.errors import InvalidInput, SomflowError
from somflow.fileio import make_private_dir, write_private
from somflow.i18n import _
from somflow.people import classlist, register
from somflow.web import roles
from somflow.web.pages import Page
from somflow.web.render import page

TEMPLATES = Path(__file__).parent / "templates"
UPLOADS = "web-uploads"
#: Who imports class lists: the office, the coordinator, the head.
IMPORTERS = frozenset({roles.SECRETARIAT, roles.COORDINATOR, roles.HEAD})
#: Largest class list accepted from the browser (a school's whole list is a few hundred kB).
MAX_UPLOAD = 5 * 1024 * 1024
#: How long a previewed list waits for "Zastosuj".
KEEP_SECONDS = 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def people_list(request: Request) -> Response:
    """The register, by kind, class and name; ``?rodzaj=`` and ``?klasa=`` narrow it, ``?wszystkie=1`` adds leavers."""
    store = request.state.workspace.store
    query = request.query_params
    kind = query.get("rodzaj") if query.get("rodzaj") in register.KINDS else ""
    group = query.get("klasa", "").strip()
    everyone = query.get("wszystkie") == "1"
    found = register.listing(
        store, [kind] if kind else None, [group] if group else None, include_left=everyone, on=calendar.today()
    )
    groups = sorted({p["group"] for p in register.listing(store, include_left=True) if p.get("group")})
    return page(
        request,
        _("Osoby"),
        template="people/list.html",
        people=[
            {
                "id": p["id"],
                "nr": register.number(p),
                "name": register.display_name(p),
                "kind": _(register.KIND_LABELS.get(p.get("kind"), p.get("kind") or "")),
                "group": p.get("group") or "",
                "role": p.get("role") or "",
                "left": p.get("left_on") or "",
            }
            for p in found
        ],
        kinds=[(k, _(label)) for k, label in register.KIND_LABELS.items()],
        kind=kind,
        group_options=[(g, g) for g in groups],
        group=group,
        everyone=everyone,
        may_import=request.state.user.role in IMPORTERS,
    )


def person_page(request: Request) -> Response:
    """One person: what the register knows (PESEL only as "zapisany"), parents, and a link to the vetting checklist."""
    person = register.get(request.state.workspace.store, request.path_params["person_id"])
    if person is None:
        return page(request, _("Nie znaleziono"), _("Nie ma takiej osoby w rejestrze."), status=404)
    vetted = person.get("kind") in register.ADULTS_AT_WORK and request.state.user.role in roles.REGISTER_RESULTS
    return page(
        request,
        register.display_name(person) or _("Osoba nr {nr}", nr=register.number(person)),
        template="people/person.html",
        person=person,
        nr=register.number(person),
        kind=_(register.KIND_LABELS.get(person.get("kind"), person.get("kind") or "")),
        facts=register.facts(person),
        guardians=register.guardians(person),
        vetted=vetted,
    )


def import_form(request: Request, *, problems: list[str] | None = None, status: int = 200) -> Response:
    return page(request, _("Import listy klasy"), template="people/import.html", problems=problems or [], status=status)


def _upload(request: Request, token: str) -> Path:
    return request.state.workspace.root / UPLOADS / f"{token}.csv"


def _forget_old(folder: Path) -> None:
    """Lists previewed and never applied go after an hour: they hold children's names."""
    cutoff = time.time() - KEEP_SECONDS
    for old in folder.glob("*.csv"):
        with contextlib.suppress(OSError):
            if old.stat().st_mtime < cutoff:
                old.unlink()


def import_preview(request: Request) -> Response:
    """Keep the uploaded list owner-only and show what importing it would change; nothing is written to the register."""
    form = request.state.form
    upload = form.get("plik")
    content = upload.file.read(MAX_UPLOAD + 1) if hasattr(upload, "file") else b""
    if not content:
        return import_form(request, problems=[_("Wybierz plik CSV z listą klasy.")], status=400)
    if len(content) > MAX_UPLOAD:
        return import_form(request, problems=[_("Plik jest za duży (najwyżej 5 MB).")], status=400)
    token = secrets.token_urlsafe(24)
    target = _upload(request, token)
    make_private_dir(target.parent)
    _forget_old(target.parent)
    write_private(target, content)
    parents = form.get("rodzice") == "tak"
    try:
        report = classlist.import_file(request.state.workspace.store, target, parents=parents, dry_run=True)
    except SomflowError as exc:
        target.unlink(missing_ok=True)
        return import_form(request, problems=getattr(exc, "messages", None) or [str(exc)], status=400)
    return page(
        request,
        _("Import listy klasy: podgląd zmian"),
        template="people/preview.html",
        lines=replace(report, dry_run=False).lines(),  # "nothing written" is said by the page, not as --dry-run
        token=token,
        parents=parents,
        name=getattr(upload, "filename", "") or "",
        anything=bool(report.added or report.changed),
    )


def import_apply(request: Request) -> Response:
    """Import the previewed list for real (one transaction, as ``somflow people import``), then forget the upload."""
    form = request.state.form
    token = form.get("token", "")
    target = _upload(request, token) if _TOKEN.match(token) else None
    if target is None or not target.is_file():
        return import_form(
            request, problems=[_("Podgląd wygasł albo został już zastosowany. Wybierz plik ponownie.")], status=400
        )
    try:
        report = classlist.import_file(request.state.workspace.store, target, parents=form.get("rodzice") == "tak")
    except InvalidInput as exc:
        return import_form(request, problems=exc.messages, status=400)
    finally:
        target.unlink(missing_ok=True)
    return page(request, _("Import listy klasy: zapisano"), template="people/applied.html", lines=report.lines())


PAGES = [
    Page("/osoby", "Osoby", roles.EVERYONE, people_list, nav=True, templates=TEMPLATES),
    Page("/osoby/import", "Import listy klasy", IMPORTERS, import_form, templates=TEMPLATES),
    Page("/osoby/import", "Import listy klasy", IMPORTERS, import_preview, methods=("POST",)),
    Page("/osoby/import/zastosuj", "Import listy klasy", IMPORTERS, import_apply, methods=("POST",)),
    Page("/osoby/{person_id}", "Osoba", roles.EVERYONE, person_page, templates=TEMPLATES),
]
