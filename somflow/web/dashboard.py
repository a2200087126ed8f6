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
from starlette.responses import Response

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
    with deadlines.gathered_once():  # the status lines count the deadlines again
        due = [d for d in deadlines.collect(workspace, today, errors) if not d.done and _visible(d, user.role)]
        status_lines = status.lines(workspace)
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
        status_lines=status_lines,
        panels=panels,
    )


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


PAGES = [Page("/", "Pulpit", roles.EVERYONE, dashboard, nav=True)]
