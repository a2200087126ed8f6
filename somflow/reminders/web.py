"""The calendar page of ``somflow serve``: the deadlines as an .ics file for Outlook, Google Calendar or Thunderbird.

The file is :func:`somflow.ics.calendar` of the open deadlines (as ``somflow
deadlines --ics``), without those about records the user's role may not see
(Niebieska Karta cases, staff vetting).
"""

from __future__ import annotations

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from somflow import calendar, ics
from somflow.i18n import _
from somflow.web import roles
from somflow.web.downloads import attachment, file_name
from somflow.web.pages import Page
from somflow.web.render import page

ICS = "text/calendar; charset=utf-8"


def calendar_page(request: Request) -> Response:
    text = Markup(
        '<p>{intro}</p><p><a class="button" href="/kalendarz.ics" download>{link}</a></p><p>{how}</p>'
    ).format(
        intro=_("Terminy placówki (zaległe i nadchodzące) jako plik kalendarza .ics."),
        link=_("Pobierz kalendarz (.ics)"),
        how=_(
            "Outlook: Plik → Otwórz i eksportuj → Importuj/Eksportuj; Kalendarz Google: Ustawienia → Importowanie. "
            "Ponowny import aktualizuje te same wydarzenia zamiast dodawać kopie."
        ),
    )
    return page(request, _("Kalendarz"), text)


def calendar_file(request: Request) -> Response:
    """The open deadlines the user's role may see, as an iCalendar file."""
    workspace = request.state.workspace
    today = calendar.today()
    role = request.state.user.role
    content = ics.for_workspace(
        workspace, today, keep=lambda d: roles.may_see_record(role, (d.record or {}).get("collection"))
    )
    return attachment(content, file_name("terminy", workspace.unit, day=today, ext="ics"), ICS)


PAGES = [
    Page("/kalendarz", "Kalendarz", roles.EVERYONE, calendar_page, nav=True),
    Page("/kalendarz.ics", "Kalendarz (.ics)", roles.EVERYONE, calendar_file),
]
