"""The web application: ``create_app(workspace)`` builds it from the plugins' pages.

Every page goes through one guard (:class:`Guard`): signed in (else to the
login page), the role allowed (else 403 and an audit entry), the CSRF token of
a POST checked, the session's language in effect; then the page's handler runs
in a worker thread with the store's writes audited under the web user.
"""

from __future__ import annotations

import hmac
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from somflow import i18n
from somflow.i18n import _, ngettext
from somflow.store.base import acting_as
from somflow.web import accounts, render, sessions
from somflow.web.pages import Page, WebUser, collect_pages, collect_panels
from somflow.workspace import Workspace

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
COOKIE = "somflow_session"
CSRF_HEADER = "x-csrf-token"
#: Audit collection of refused requests (the record id is the path asked for).
ACCESS = "web_access"
#: Paths of the application itself, not pages; plugins cannot take them.
OWN_PATHS = {("GET", "/login"), ("POST", "/login"), ("POST", "/logout"), ("POST", "/lang")}
SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),  # pages hold children's data: nothing kept in the browser's cache
]


def create_app(
    workspace: Workspace,
    *,
    idle_minutes: float | None = None,
    secure_cookie: bool = False,
    clock: Callable[[], float] = time.monotonic,
) -> Starlette:
    """The application serving ``workspace``.

    ``idle_minutes`` (default: ``[web] idle_minutes`` of somflow.toml, else 30)
    ends a session after so long without a request; ``secure_cookie`` sends the
    cookie over HTTPS only (behind a TLS reverse proxy); ``clock`` is for tests.
    """
    config = workspace.config.get("web") or {}
    idle = idle_minutes if idle_minutes is not None else config.get("idle_minutes", sessions.DEFAULT_IDLE_MINUTES)
    pages = collect_pages(workspace.plugins, reserved=OWN_PATHS)
    guard = Guard(workspace, sessions.Sessions(idle * 60, clock), sessions.LoginThrottle(clock))
    routes = [
        Route("/login", guard.login_form, methods=["GET"]),
        Route("/login", guard.login, methods=["POST"]),
        Route("/logout", guard.logout, methods=["POST"]),
        Route("/lang", guard.switch_language, methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
        *(Route(p.path, guard.endpoint(p), methods=list(p.methods)) for p in pages),
    ]
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(
                SessionMiddleware,
                secret_key=sessions.secret(workspace),
                session_cookie=COOKIE,
                max_age=None,  # gone when the browser closes; idle expiry is the server's
                same_site="strict",
                https_only=secure_cookie,
            ),
        ],
    )
    app.state.workspace = workspace
    app.state.pages = pages
    app.state.panels = collect_panels(workspace.plugins)
    app.state.guard = guard
    app.state.templates = render.environment([p.templates for p in pages if p.templates])
    app.state.unit_name = workspace.config["institution"]["name"]
    return app


class Guard:
    """Sign-in, roles, CSRF and language for every request (see the module docstring)."""

    def __init__(self, workspace: Workspace, sessions: sessions.Sessions, throttle: sessions.LoginThrottle):
        self.workspace = workspace
        self.sessions = sessions
        self.throttle = throttle

    def endpoint(self, page: Page) -> Callable[[Request], Any]:
        async def serve(request: Request) -> Response:
            with i18n.using(language(request)):
                form = await request.form() if request.method == "POST" else None
                return await run_in_threadpool(self._serve, page, request, form)

        return serve

    def _serve(self, page: Page, request: Request, form: Any) -> Response:
        request.state.workspace = self.workspace
        user = self.user(request)
        if user is None:
            if request.method == "GET":
                return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
            return render.page(request, _("Sesja wygasła"), _("Zaloguj się ponownie."), status=401)
        request.state.user = user
        with acting_as(user.audit_name):
            if user.role not in page.roles:
                return self.deny(request)
            if form is not None:
                if not csrf_ok(request, form):
                    return csrf_refused(request)
                request.state.form = form
            result = page.handler(request)
        if isinstance(result, Response):
            return result
        return render.page(request, _(page.title), result)  # a str is escaped, Markup is HTML

    def user(self, request: Request) -> WebUser | None:
        """The signed-in user of this request, or None (no session, expired, account disabled)."""
        user_id = self.sessions.touch(request.session.get("sid"))
        account = accounts.active(self.workspace, user_id) if user_id else None
        if account is None:
            return None
        return WebUser(login=account["login"], role=account["role"], id=account["id"])

    def deny(self, request: Request) -> Response:
        """403, and the refusal in the audit log under the user who asked."""
        store = self.workspace.store
        with store.transaction():
            store.note(ACCESS, request.url.path, "denied")
        return render.page(
            request,
            _("Brak dostępu"),
            _("Twoja rola nie pozwala otworzyć tej strony. Odmowę zapisano w dzienniku zdarzeń."),
            status=403,
        )

    # ------------------------------------------------------------ own pages

    async def login_form(self, request: Request) -> Response:
        with i18n.using(language(request)):
            ensure_csrf(request)
            return render.page(request, _("Logowanie"), template="login.html", error="", next=_next(request), login="")

    async def login(self, request: Request) -> Response:
        with i18n.using(language(request)):
            form = await request.form()
            return await run_in_threadpool(self._login, request, form)

    def _login(self, request: Request, form: Any) -> Response:
        if not csrf_ok(request, form):
            return csrf_refused(request)
        login = str(form.get("login", ""))
        client = request.client.host if request.client else "-"
        target = _next(request, str(form.get("next", "")))

        def again(error: str, status: int) -> Response:
            return render.page(
                request, _("Logowanie"), template="login.html", error=error, next=target, login=login, status=status
            )

        wait = self.throttle.wait_seconds(login, client)
        if wait:
            message = ngettext(
                "Zbyt wiele nieudanych prób. Spróbuj ponownie za {n} sekundę.",
                "Zbyt wiele nieudanych prób. Spróbuj ponownie za {n} sekund.",
                wait,
            )
            return again(message, 429)
        account = accounts.authenticate(self.workspace, login, str(form.get("password", "")))
        if account is None:
            self.throttle.failed(login, client)
            log.warning("web: failed sign-in from %s", client)
            return again(_("Nieprawidłowy login lub hasło (albo konto jest wyłączone)."), 401)
        self.throttle.succeeded(login, client)
        lang = request.session.get("lang")
        request.session.clear()  # a new session id and CSRF token after signing in
        request.session.update({"sid": self.sessions.start(account["id"]), "csrf": sessions.new_token()})
        if lang:
            request.session["lang"] = lang
        store = self.workspace.store
        with acting_as(f"web:{account['login']}"), store.transaction():
            store.note(accounts.USERS, account["id"], "login")
        return RedirectResponse(target, status_code=303)

    async def logout(self, request: Request) -> Response:
        with i18n.using(language(request)):
            form = await request.form()
            if not csrf_ok(request, form):
                return csrf_refused(request)
            user = await run_in_threadpool(self.user, request)
            self.sessions.end(request.session.get("sid"))
            if user is not None:
                await run_in_threadpool(self._note_logout, user)
            lang = request.session.get("lang")
            request.session.clear()
            if lang:
                request.session["lang"] = lang
            return RedirectResponse("/login", status_code=303)

    def _note_logout(self, user: WebUser) -> None:
        store = self.workspace.store
        with acting_as(user.audit_name), store.transaction():
            store.note(accounts.USERS, user.id, "logout")

    async def switch_language(self, request: Request) -> Response:
        form = await request.form()
        with i18n.using(language(request)):
            if not csrf_ok(request, form):
                return csrf_refused(request)
        if form.get("lang") in i18n.LANGUAGES:
            request.session["lang"] = form["lang"]
        return RedirectResponse(_next(request, str(form.get("next", ""))), status_code=303)


def language(request: Request) -> str:
    lang = request.session.get("lang")
    return lang if lang in i18n.LANGUAGES else "pl"


def ensure_csrf(request: Request) -> str:
    if "csrf" not in request.session:
        request.session["csrf"] = sessions.new_token()
    return request.session["csrf"]


def csrf_ok(request: Request, form: Any) -> bool:
    """The POST carries the session's CSRF token: a form field ``csrf`` or (htmx) the ``X-CSRF-Token`` header."""
    expected = request.session.get("csrf")
    given = form.get("csrf") or request.headers.get(CSRF_HEADER) or ""
    return bool(expected) and hmac.compare_digest(str(given), expected)


def csrf_refused(request: Request) -> Response:
    ensure_csrf(request)
    return render.page(
        request,
        _("Formularz wygasł"),
        _(
            "Formularz był otwarty zbyt długo albo przyszedł z innej strony. Otwórz stronę ponownie i wyślij go jeszcze raz."
        ),
        status=403,
    )


def _next(request: Request, given: str | None = None) -> str:
    """Where to go after signing in or switching language: a path of this application only."""
    target = given if given is not None else request.query_params.get("next", "")
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


class SecurityHeaders:
    """Adds :data:`SECURITY_HEADERS` to every response (plain ASGI: cheap on every request)."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)
