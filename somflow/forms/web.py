"""The forms pages of ``somflow serve``: the catalogue, any form filled through a page generated from its spec, the print centre.

A form's page is built from its spec by :func:`somflow.forms.entry.questions` (one
labelled input per field, repeating groups as numbered rows); the answers go
through :func:`somflow.forms.entry.fill` — the schema and plugin rules of
``somflow fill`` — and each problem is shown beside its field. A valid form is made
into its document (``documents/``, audited under the web user) and downloaded.
Forms of a protected procedure (Niebieska Karta, staff vetting) are offered to the
roles that may see its records only.

The print centre lists the plugins' print pages: every page whose path starts with
``/druk/`` that the user's role may open.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from somflow import calendar
from somflow.forms import entry
from somflow.forms.catalog import registry
from somflow.i18n import _, pick
from somflow.web import roles
from somflow.web.downloads import attachment, file_name
from somflow.web.pages import Page
from somflow.web.render import page

TEMPLATES = Path(__file__).parent / "templates"
PRINT_PREFIX = "/druk/"


def _forms(request: Request) -> dict[str, Any]:
    """The catalogue's forms the user's role may fill."""
    role = request.state.user.role
    return {
        form_id: spec
        for form_id, spec in registry(request.state.workspace).items()
        if roles.may_see_record(role, spec.record)
    }


def catalogue(request: Request) -> Response:
    forms = sorted(_forms(request).values(), key=lambda s: pick(s.title))
    return page(request, _("Formularze"), template="forms/catalogue.html", forms=forms, pick=pick)


def form_page(
    request: Request, *, answers: Any = None, problems: dict[str | None, list[str]] | None = None, status: int = 200
) -> Response:
    """The form generated from its spec; after a refused POST the answers given and the problems beside each field."""
    spec = _forms(request).get(request.path_params["form_id"])
    if spec is None:
        return page(request, _("Nie znaleziono"), _("Nie ma takiego formularza w katalogu."), status=404)
    problems = problems or {}
    return page(
        request,
        pick(spec.title),
        template="forms/fill.html",
        status=status,
        spec=spec,
        parts=entry.questions(spec),
        general=problems.get(None, []),
        problems=problems,
        answer=lambda key: answers.getlist(key) if answers is not None else [],
        pick=pick,
    )


def fill(request: Request) -> Response:
    """Check the answers as ``somflow fill`` does; valid: the document is made and downloaded as a PDF."""
    spec = _forms(request).get(request.path_params["form_id"])
    if spec is None:
        return page(request, _("Nie znaleziono"), _("Nie ma takiego formularza w katalogu."), status=404)
    form = request.state.form
    answers = {key: _answer(spec, key, form.getlist(key)) for key in form if key != "csrf"}
    filled = entry.fill(
        request.state.workspace, spec.id, answers, created_by=request.state.user.audit_name, flatten=False
    )
    if filled.document is None:
        return form_page(request, answers=form, problems=filled.problems, status=400)
    content = (request.state.workspace.root / filled.document["file"]).read_bytes()
    return attachment(content, file_name(spec.id, day=calendar.today()))


def _answer(spec: Any, key: str, values: list[str]) -> Any:
    """A multiple choice sends a list; every other input one value."""
    return values if len(values) > 1 or _is_multi(spec, key) else (values[0] if values else "")


def _is_multi(spec: Any, key: str) -> bool:
    return any(q.key == key and q.field.type == "multichoice" for part in entry.questions(spec) for q in part.questions)


def print_centre(request: Request) -> Response:
    """Every print page of the plugins the user may open (consent forms for a class, staff documents, ...)."""
    role = request.state.user.role
    offered = [
        (p.path, _(p.title))
        for p in request.app.state.pages
        if p.path.startswith(PRINT_PREFIX) and "GET" in p.methods and role in p.roles and "{" not in p.path
    ]
    return page(request, _("Druk"), template="forms/print_centre.html", offered=offered)


PAGES = [
    Page("/formularze", "Formularze", roles.EVERYONE, catalogue, nav=True, templates=TEMPLATES),
    Page("/formularze/{form_id}", "Formularz", roles.EVERYONE, form_page, templates=TEMPLATES),
    Page("/formularze/{form_id}", "Formularz", roles.EVERYONE, fill, methods=("POST",)),
    Page("/druk", "Druk", roles.EVERYONE, print_centre, nav=True, templates=TEMPLATES),
]
