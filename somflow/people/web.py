"""The people pages of ``somflow serve``: the register, one person, and a class list import previewed before it is applied.

The import is ``somflow people import`` in two steps (:mod:`somflow.people.webimport`):
what would change is shown first, "Zastosuj" applies it. Nothing is decided here: :mod:`somflow.people.register` and
:mod:`somflow.people.classlist` do the work, as for the CLI.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

from somflow import calendar
from somflow.i18n import _
from somflow.people import classlist, register
from somflow.people.webimport import ListImport
from somflow.web import roles
from somflow.web.pages import Page
from somflow.web.render import page

TEMPLATES = Path(__file__).parent / "templates"
#: Who imports class lists: the office, the coordinator, the head.
IMPORTERS = frozenset({roles.SECRETARIAT, roles.COORDINATOR, roles.HEAD})


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


CLASS_LIST = ListImport(
    "/osoby/import",
    "Import listy klasy",
    IMPORTERS,
    lambda workspace, path, parents, dry_run: classlist.import_file(
        workspace.store, path, parents=parents, dry_run=dry_run
    ),
    hint="Lista klasy z dziennika elektronicznego (CSV, UTF-8 albo Windows-1250).",
    option="Zaimportuj rodziców wymienionych na liście (zamiast dzieci)",
)


PAGES = [
    Page("/osoby", "Osoby", roles.EVERYONE, people_list, nav=True, templates=TEMPLATES),
    *CLASS_LIST.pages(),
    Page("/osoby/{person_id}", "Osoba", roles.EVERYONE, person_page, templates=TEMPLATES),
]
