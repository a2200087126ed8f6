"""The dashboard: what needs doing today — deadlines (overdue first, then this week), the inbox queue, the status.

Every number comes from the functions behind the CLI (:func:`somflow.deadlines.collect`,
:func:`somflow.inbox.review.queue`, :func:`somflow.status.lines`); deadlines about records
the user's role may not see (Niebieska Karta, vetting) are left out.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from somflow import calendar, deadlines, status
from somflow.i18n import _
from somflow.inbox import review
from somflow.web import roles
from somflow.web.pages import Page
from somflow.web.render import page

#: "This week": due within this many days from today.
WEEK_DAYS = 7


def dashboard(request: Request) -> Response:
    workspace = request.state.workspace
    user = request.state.user
    today = calendar.today()
    errors: list[str] = []
    due = [d for d in deadlines.collect(workspace, today, errors) if not d.done and _visible(d, user.role)]
    plan = split(due, today)
    queue = review.queue(workspace) if user.role in roles.INBOX_REVIEW else None
    panels = [
        (panel.title, Markup(panel.render(request))) for panel in request.app.state.panels if user.role in panel.roles
    ]
    return page(
        request,
        _("Pulpit"),
        template="dashboard.html",
        today=today,
        overdue=plan["overdue"],
        week=plan["week"],
        later=len(plan["later"]),
        errors=errors,
        queue=queue,
        set_aside=sum(item.state == "set_aside" for item in queue or []),
        panels=panels,
    )


def status_page(request: Request) -> Response:
    """The status lines of ``somflow status``: a page, or (asked by htmx) the table the dashboard loads after itself.

    The dashboard shows deadlines and the queue at once and fetches this
    separately: every plugin counting its records takes as long as the rest of
    the dashboard together.
    """
    lines = status.lines(request.state.workspace)
    if request.headers.get("HX-Request"):
        return HTMLResponse(request.app.state.templates.get_template("status_table.html").render(status_lines=lines))
    return page(request, _("Stan placówki"), template="status.html", status_lines=lines)


def split(due: list[deadlines.Deadline], today: date) -> dict[str, list[Any]]:
    """Deadlines as ``overdue`` (oldest first), ``week`` (due within :data:`WEEK_DAYS`) and ``later``."""
    week_end = today + timedelta(days=WEEK_DAYS)
    return {
        "overdue": [d for d in due if d.due < today],
        "week": [d for d in due if today <= d.due <= week_end],
        "later": [d for d in due if d.due > week_end],
    }


def _visible(deadline: deadlines.Deadline, role: str) -> bool:
    return roles.may_see_record(role, (deadline.record or {}).get("collection"))


PAGES = [
    Page("/", "Pulpit", roles.EVERYONE, dashboard, nav=True),
    Page("/stan", "Stan placówki", roles.EVERYONE, status_page),
]
