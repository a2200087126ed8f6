"""Pages in the base template: the Jinja2 environment and :func:`page`, the helper every page uses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse

from somflow import i18n
from somflow.i18n import _, ngettext
from somflow.web import roles

TEMPLATES = Path(__file__).parent / "templates"


def environment(folders: list[Path]) -> jinja2.Environment:
    """Templates from the core's folder, then the plugins' ``folders``; HTML escaped by default."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([TEMPLATES, *folders]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.globals.update(_=_, ngettext=ngettext, role_label=roles.label, language=i18n.language)
    return env


def csrf_field(request: Request) -> Markup:
    """The hidden CSRF field every POST form of a page must carry (the base template's forms have it)."""
    return Markup('<input type="hidden" name="csrf" value="{}">').format(request.session.get("csrf", ""))


def tell(request: Request, text: str, level: str = "info") -> None:
    """Show ``text`` on the user's next page (``level``: ``"info"`` or ``"error"``), e.g. before a redirect."""
    request.app.state.guard.sessions.tell(request.session.get("sid"), text, level)


def page(
    request: Request, title: str, content: str = "", *, template: str = "page.html", status: int = 200, **context: Any
) -> HTMLResponse:
    """An HTML page in the base template: menu, language switch, the signed-in user.

    ``title`` is shown as the heading (translate it with ``_`` first). Either give
    ``content`` (plain text is escaped; wrap your own HTML in ``markupsafe.Markup``)
    or a ``template`` of your own that ``{% extends "base.html" %}`` and fills
    ``{% block content %}``, with ``context`` for its variables.
    """
    app = request.app
    user = getattr(request.state, "user", None)
    nav = [p for p in app.state.pages if p.nav and user is not None and user.role in p.roles]
    html = app.state.templates.get_template(template).render(
        request=request,
        title=title,
        content=content if isinstance(content, Markup) else Markup.escape(content),
        user=user,
        nav=nav,
        csrf=request.session.get("csrf", ""),
        messages=request.app.state.guard.sessions.told(request.session.get("sid")),
        **context,
    )
    return HTMLResponse(html, status_code=status)
