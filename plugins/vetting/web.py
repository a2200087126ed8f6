"""The vetting pages of ``somflow serve``: every person's state and each one's checklist with what is missing.

Register results (RSPTS, KRK) are seen by HR, the coordinator and the head only
(:data:`somflow.web.roles.REGISTER_RESULTS`). The checklist is
:func:`somflow_vetting.checklist.checklist`, the one ``somflow vetting show`` prints;
the staff print (documents each person still has to sign, merged into one PDF) is
:func:`somflow_vetting.printing.print_documents`, as ``somflow vetting print``.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

from somflow import calendar
from somflow.errors import SomflowError
from somflow.forms.printout import merge_for_print
from somflow.i18n import _
from somflow.people.webimport import ListImport
from somflow.web import roles
from somflow.web.downloads import attachment, file_name
from somflow.web.pages import Page
from somflow.web.render import page

from . import csv_import, people, printing, records
from . import requirements as req
from .checklist import STATE_LABELS, checklist

TEMPLATES = Path(__file__).parent / "templates"


def staff(request: Request) -> Response:
    """Everyone at work with children: their state, start date and what is still missing."""
    workspace = request.state.workspace
    today = calendar.today()
    rows = []
    for person in sorted(
        records.current_people(workspace, today), key=lambda p: (p.get("nr") is None, p.get("nr") or 0)
    ):
        found = checklist(person, workspace.config, today)
        rows.append(
            {
                "id": person["id"],
                "nr": people.number(person),
                "name": people.display_name(person),
                "state": _(STATE_LABELS[found.standing.state]),
                "blocked": found.standing.state == req.BLOCKED,
                "start": person.get("start") or "",
                "missing": [line.item.label for line in found.missing],
            }
        )
    return page(request, _("Weryfikacja kadr"), template="vetting/staff.html", rows=rows)


def person(request: Request) -> Response:
    """One person's checklist: each required item, what is on file, what is missing."""
    workspace = request.state.workspace
    try:
        record = records.find_person(workspace, request.path_params["ref"])
    except SomflowError:
        return page(request, _("Nie znaleziono"), _("Nie ma takiej osoby w kartotece kadr."), status=404)
    found = checklist(record, workspace.config, calendar.today())
    return page(
        request,
        _("Osoba nr {nr}: {name}", nr=people.number(record), name=people.display_name(record)),
        template="vetting/person.html",
        found=found,
        state=_(STATE_LABELS[found.standing.state]),
        exempt=found.standing.state == req.EXEMPT,
        reason=(record.get("zwolnienie") or {}).get("powod", ""),
    )


def print_form(request: Request, *, message: str = "", status: int = 200) -> Response:
    return page(
        request, _("Druk: dokumenty kadr do podpisu"), template="vetting/print.html", message=message, status=status
    )


def print_staff(request: Request) -> Response:
    """The documents every person at work still has to sign (declarations, the register data sheet), one PDF."""
    workspace = request.state.workspace
    today = calendar.today()
    made = []
    for record in records.current_people(workspace, today):
        made += printing.print_documents(workspace, record, today)
    if not made:
        return print_form(request, message=_("Nikt z kadr nie potrzebuje już żadnego dokumentu do podpisu."))
    content, _pages = merge_for_print(workspace.root / d["file"] for d in made)
    return attachment(content, file_name("dokumenty", "kadry", "do", "podpisu", day=today))


HR_LIST = ListImport(
    "/kadry/import",
    "Import listy kadr",
    roles.REGISTER_RESULTS,
    lambda workspace, path, _ticked, dry_run: csv_import.import_file(
        workspace, path, calendar.today(), dry_run=dry_run
    ),
    hint="Lista osób pracujących z dziećmi (CSV jak w somflow vetting import --template); kolumna data_odejscia zapisuje odejście.",
)


PAGES = [
    Page("/kadry", "Weryfikacja kadr", roles.REGISTER_RESULTS, staff, nav=True, templates=TEMPLATES),
    *HR_LIST.pages(),
    Page("/kadry/{ref}", "Weryfikacja osoby", roles.REGISTER_RESULTS, person, templates=TEMPLATES),
    Page("/druk/kadry", "Dokumenty kadr do podpisu", roles.REGISTER_RESULTS, print_form, templates=TEMPLATES),
    Page("/druk/kadry", "Dokumenty kadr do podpisu", roles.REGISTER_RESULTS, print_staff, methods=("POST",)),
]
