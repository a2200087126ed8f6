"""somflow serve in process (starlette's TestClient): accounts, sign-in, CSRF, throttling, idle expiry, roles."""

from __future__ import annotations

import json
import re

import pytest
from starlette.testclient import TestClient

from somflow import hookimpl
from somflow.plugins import PluginHost
from somflow.testing import WEB_PASSWORD, csrf_token, sign_in
from somflow.web import accounts, sessions
from somflow.web.app import ACCESS, OWN_PATHS, create_app
from somflow.web.pages import Page, collect_pages
from somflow.web.roles import ROLES
from somflow.workspace import Workspace

pytestmark = pytest.mark.usefixtures("cheap_password_hashes")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def workspace(somflow_workspace):
    return Workspace(somflow_workspace, PluginHost(somflow_workspace))


def audit_user_entries(workspace, action: str) -> list[dict]:
    return [e for e in workspace.store.audit_log() if e["action"] == action]


# ---------------------------------------------------------------- accounts


def test_users_commands_hash_the_password_and_never_record_it(somflow_cli, somflow_workspace):
    added = somflow_cli(
        "users", "add", "Anna.Nowak", "--role", "sekretariat", "--password-stdin", input="tajne-haslo-123\n"
    )
    assert added.exit_code == 0, added.output
    assert "anna.nowak" in added.output
    listed = somflow_cli("users", "list")
    assert re.search(r"anna\.nowak\s+sekretariat\s+aktywne", listed.output)
    taken = somflow_cli("users", "add", "anna.nowak", "--role", "kadry", "--password-stdin", input="inne-haslo-456\n")
    assert taken.exit_code == 1 and "już istnieje" in taken.output
    short = somflow_cli("users", "add", "jan", "--role", "kadry", "--password-stdin", input="krotkie\n")
    assert short.exit_code == 1 and "za krótkie" in short.output
    assert somflow_cli("users", "disable", "anna.nowak").exit_code == 0
    assert "wyłączone" in somflow_cli("users", "list").output
    reset = somflow_cli("users", "reset", "anna.nowak", "--password-stdin", input="nowe-haslo-789\n")
    assert reset.exit_code == 0 and "aktywne" in somflow_cli("users", "list").output
    files = b"".join(p.read_bytes() for p in somflow_workspace.rglob("*") if p.is_file())
    assert b"tajne-haslo-123" not in files and b"nowe-haslo-789" not in files
    assert b"$argon2id$" in files


def test_somflow_hashes_with_argon2s_default_parameters():
    """The tests here hash with argon2's testing profile (conftest's cheap_password_hashes); somflow does not.

    ``_DUMMY_HASH`` was made by the module's own hasher when it was imported.
    """
    from argon2 import extract_parameters, profiles

    assert extract_parameters(accounts._DUMMY_HASH) == profiles.get_default_parameters()


def test_users_add_prompts_for_the_password_twice(somflow_cli):
    result = somflow_cli("users", "add", "ola", "--role", "kadry", input="haslo-ola-1234\nhaslo-ola-1234\n")
    assert result.exit_code == 0, result.output
    assert "haslo-ola-1234" not in result.output


def test_the_web_sees_what_the_cli_writes_meanwhile(somflow_cli, workspace):
    client = TestClient(create_app(workspace), follow_redirects=False)  # the server is already running
    added = somflow_cli("users", "add", "nowa", "--role", "kadry", "--password-stdin", input=WEB_PASSWORD + "\n")
    assert added.exit_code == 0
    assert sign_in(client, "nowa").status_code == 303
    assert somflow_cli("users", "disable", "nowa").exit_code == 0
    assert client.get("/").status_code == 303  # signed out at the next request


def test_authenticate(workspace):
    accounts.add(workspace, "ewa", "koordynator", WEB_PASSWORD)
    assert accounts.authenticate(workspace, "EWA ", WEB_PASSWORD)["role"] == "koordynator"
    assert accounts.authenticate(workspace, "ewa", "zle-haslo-000") is None
    assert accounts.authenticate(workspace, "nikt", WEB_PASSWORD) is None
    accounts.disable(workspace, "ewa")
    assert accounts.authenticate(workspace, "ewa", WEB_PASSWORD) is None
    assert "password_hash" not in accounts.listed(workspace)[0]


# ---------------------------------------------------------------- sign-in, sessions


def test_sign_in_and_out(workspace):
    accounts.add(workspace, "ewa", "dyrektor", WEB_PASSWORD)
    client = TestClient(create_app(workspace), follow_redirects=False)
    assert client.get("/").headers["location"] == "/login?next=/"
    wrong = sign_in(client, "ewa", "zle-haslo-000")
    assert wrong.status_code == 401 and "Nieprawidłowy login lub hasło" in wrong.text
    right = sign_in(client, "ewa")
    assert right.status_code == 303 and right.headers["location"] == "/"
    cookie = right.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    home = client.get("/")
    assert home.status_code == 200 and "<h1>Pulpit</h1>" in home.text and "ewa (dyrektor)" in home.text
    assert "default-src 'self'" in home.headers["content-security-policy"]
    assert home.headers["cache-control"] == "no-store"
    stolen = dict(client.cookies)
    out = client.post("/logout", data={"csrf": csrf_token(home.text)})
    assert out.status_code == 303 and out.headers["location"] == "/login"
    replayed = TestClient(create_app(workspace), follow_redirects=False, cookies=stolen)
    assert client.get("/").status_code == 303
    assert replayed.get("/").status_code == 303  # the copied cookie of an ended session opens nothing
    log = workspace.store.audit_log()
    assert [e["user"] for e in log if e["action"] in ("login", "logout")] == ["web:ewa", "web:ewa"]
    assert WEB_PASSWORD not in json.dumps(log)


def test_sign_in_goes_back_to_the_page_asked_for_but_never_elsewhere(workspace):
    accounts.add(workspace, "ewa", "dyrektor", WEB_PASSWORD)
    client = TestClient(create_app(workspace), follow_redirects=False)
    token = csrf_token(client.get("/login?next=/inbox").text)
    data = {"csrf": token, "login": "ewa", "password": WEB_PASSWORD}
    assert client.post("/login", data={**data, "next": "//evil.example/x"}).headers["location"] == "/"


def test_a_disabled_account_is_signed_out_at_its_next_request(somflow_web):
    client = somflow_web("sekretariat")
    accounts.disable(client.app.state.workspace, "test-sekretariat")
    assert client.get("/").status_code == 303


def test_post_without_the_csrf_token_is_refused(workspace, somflow_web):
    accounts.add(workspace, "ewa", "dyrektor", WEB_PASSWORD)
    client = TestClient(create_app(workspace), follow_redirects=False)
    client.get("/login")
    refused = client.post("/login", data={"login": "ewa", "password": WEB_PASSWORD})
    assert refused.status_code == 403 and "Formularz wygasł" in refused.text
    forged = client.post("/login", data={"csrf": "x" * 43, "login": "ewa", "password": WEB_PASSWORD})
    assert forged.status_code == 403
    signed = somflow_web("dyrektor")
    assert signed.post("/logout").status_code == 403
    assert signed.post("/logout", headers={"X-CSRF-Token": signed.csrf}).status_code == 303  # as htmx sends it


def test_repeated_failed_sign_ins_make_the_login_wait(workspace):
    accounts.add(workspace, "ewa", "dyrektor", WEB_PASSWORD)
    clock = Clock()
    client = TestClient(create_app(workspace, clock=clock), follow_redirects=False)
    for _attempt in range(sessions.MAX_FAILURES):
        assert sign_in(client, "ewa", "zle-haslo-000").status_code == 401
    locked = sign_in(client, "ewa")  # even the right password waits
    assert locked.status_code == 429 and "Zbyt wiele nieudanych prób" in locked.text
    fresh_cookies = TestClient(client.app, follow_redirects=False)
    assert sign_in(fresh_cookies, "ewa").status_code == 429  # counted per login and address, not per cookie
    accounts.add(workspace, "ola", "kadry", WEB_PASSWORD)
    assert sign_in(fresh_cookies, "ola").status_code == 303  # another login is not held up
    clock.now += sessions.LOCKOUT_SECONDS + 1
    assert sign_in(client, "ewa").status_code == 303


def test_an_idle_session_expires(workspace):
    accounts.add(workspace, "ewa", "dyrektor", WEB_PASSWORD)
    clock = Clock()
    client = TestClient(create_app(workspace, idle_minutes=30, clock=clock), follow_redirects=False)
    sign_in(client, "ewa")
    clock.now += 29 * 60
    assert client.get("/").status_code == 200  # a request starts the idle time again
    clock.now += 29 * 60
    assert client.get("/").status_code == 200
    clock.now += 31 * 60
    assert client.get("/").headers["location"] == "/login?next=/"


def test_idle_minutes_from_somflow_toml(somflow_workspace):
    config = somflow_workspace / "somflow.toml"
    config.write_text(config.read_text(encoding="utf-8") + "\n[web]\nidle_minutes = 5\n", encoding="utf-8")
    workspace = Workspace(somflow_workspace, PluginHost(somflow_workspace))
    accounts.add(workspace, "ewa", "dyrektor", WEB_PASSWORD)
    clock = Clock()
    client = TestClient(create_app(workspace, clock=clock), follow_redirects=False)
    sign_in(client, "ewa")
    clock.now += 6 * 60
    assert client.get("/").status_code == 303


def test_language_switch_is_kept_in_the_session(somflow_web):
    client = somflow_web("dyrektor")
    switched = client.post("/lang", data={"csrf": client.csrf, "lang": "en", "next": "/"})
    assert switched.headers["location"] == "/"
    page = client.get("/")
    assert '<html lang="en">' in page.text and "<h1>Dashboard</h1>" in page.text and "Log out" in page.text
    assert "<h1>Pulpit</h1>" in somflow_web("kadry").get("/").text  # another session stays Polish


# ---------------------------------------------------------------- roles, for every page


def _pages() -> list[Page]:
    return collect_pages(PluginHost(), reserved=OWN_PATHS)


def _url(page: Page) -> str:
    return re.sub(r"\{[^}]+\}", "x", page.path)


@pytest.mark.parametrize(
    ("page", "role"),
    [pytest.param(p, r, id=f"{p.methods[0]} {p.path} {r}") for p in _pages() for r in ROLES if r not in p.roles],
)
def test_a_role_not_allowed_gets_403_and_the_refusal_is_audited(somflow_web, page, role):
    client = somflow_web(role)
    method = page.methods[0]
    response = client.request(method, _url(page), data={"csrf": client.csrf} if method == "POST" else None)
    assert response.status_code == 403, response.text
    assert "Brak dostępu" in response.text
    denied = [e for e in client.app.state.workspace.store.audit_log() if e["action"] == "denied"]
    assert denied[-1]["user"] == f"web:test-{role}" and denied[-1]["collection"] == ACCESS
    assert denied[-1]["id"] == _url(page)


@pytest.mark.parametrize("page", [pytest.param(p, id=f"{p.methods[0]} {p.path}") for p in _pages()])
def test_every_page_needs_a_signed_in_user(workspace, page):
    client = TestClient(create_app(workspace), follow_redirects=False)
    response = client.request(page.methods[0], _url(page))
    assert response.status_code in (303, 401)
    if response.status_code == 303:
        assert response.headers["location"].startswith("/login")


def test_nk_and_intervention_cases_and_register_results_are_only_for_the_roles_the_procedure_names():
    from somflow.web import roles

    assert {"koordynator", "dyrektor"} == roles.NK_CASES
    assert {"kadry", "koordynator", "dyrektor"} == roles.REGISTER_RESULTS
    assert not roles.may_see_record("sekretariat", "nk_cases")
    assert not roles.may_see_record("kadry", "nk_cases")
    assert roles.may_see_record("kadry", "staff") and not roles.may_see_record("sekretariat", "staff")
    assert {"koordynator", "dyrektor"} == roles.INCIDENT_CASES  # intervention cases and their plan's deadlines
    assert not roles.may_see_record("sekretariat", "incidents") and not roles.may_see_record("kadry", "incidents")


# ---------------------------------------------------------------- the hooks


def test_a_plugin_cannot_take_a_page_of_another(workspace, caplog):
    class Thief:
        @hookimpl
        def somflow_web_pages(self, register):
            register(Page("/", "Mój pulpit", frozenset({"dyrektor"}), lambda request: "x"))

    workspace.plugins.pm.register(Thief(), name="thief")
    pages = collect_pages(workspace.plugins, reserved=OWN_PATHS)
    assert [p.title for p in pages if p.path == "/"] == ["Pulpit"]
    assert "Wtyczka thief nie dodała stron" in caplog.text and "pulpit" not in caplog.text.lower().split("core")[0]


# ---------------------------------------------------------------- somflow serve


def test_serve_binds_to_loopback_and_asks_before_the_network(somflow_cli, monkeypatch):
    import uvicorn

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    started = somflow_cli("serve")
    assert started.exit_code == 0, started.output
    assert calls[-1]["host"] == "127.0.0.1" and calls[-1]["port"] == 8000
    assert "http://127.0.0.1:8000/" in started.output and "somflow users add" in started.output
    refused = somflow_cli("serve", "--host", "0.0.0.0")
    assert refused.exit_code == 2 and "--network" in refused.output and len(calls) == 1
    network = somflow_cli("serve", "--host", "0.0.0.0", "--network")
    assert network.exit_code == 0 and "UWAGA" in network.output and calls[-1]["host"] == "0.0.0.0"


def test_the_cookie_secret_is_owner_only_and_kept(workspace):
    first = sessions.secret(workspace)
    assert sessions.secret(workspace) == first and len(first) > 40
    if hasattr(__import__("os"), "geteuid"):
        assert sessions.secret_path(workspace).stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    "page", [pytest.param(p, id=p.path) for p in _pages() if p.methods == ("GET",) and "{" not in p.path]
)
def test_every_field_of_every_page_has_a_label(somflow_web, page):
    """Usable with a keyboard and a screen reader: each visible field is named by a <label> (or aria-label)."""
    from html.parser import HTMLParser

    class Fields(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.fields: list[dict] = []
            self.labelled: set[str] = set()
            self.inside_label = 0

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "label":
                self.inside_label += 1
                self.labelled.add(attrs.get("for") or "")
            elif tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden", "submit", "button"):
                self.fields.append(attrs | {"inside label": self.inside_label > 0})

        def handle_endtag(self, tag):
            if tag == "label":
                self.inside_label -= 1

    response = somflow_web("dyrektor" if "dyrektor" in page.roles else sorted(page.roles)[0]).get(page.path)
    if response.status_code != 200 or not response.headers["content-type"].startswith("text/html"):
        return  # a file, or a page that needs its query (the page preview)
    parser = Fields()
    parser.feed(response.text)
    unnamed = [
        f
        for f in parser.fields
        if not f["inside label"] and f.get("id") not in parser.labelled and not f.get("aria-label")
    ]
    assert not unnamed, unnamed


def test_concurrent_requests_never_swap_the_user_or_the_language(workspace):
    """The store and the catalogues are shared by the server's threads; who writes and in which language is per context."""
    from concurrent.futures import ThreadPoolExecutor

    from somflow import i18n
    from somflow.i18n import _
    from somflow.store.base import acting_as

    def request(n: int) -> tuple[str, str]:
        lang = ("pl", "en")[n % 2]
        with acting_as(f"web:user{n}"), i18n.using(lang):
            record = workspace.store.insert("notes", {"n": n})
            return record["id"], _("Wyloguj")

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(request, range(40)))
    users = {e["id"]: e["user"] for e in workspace.store.audit_log() if e["collection"] == "notes"}
    for n, (record_id, word) in enumerate(results):
        assert users[record_id] == f"web:user{n}"
        assert word == ("Wyloguj", "Log out")[n % 2]
    assert i18n.language() == "pl" and workspace.store.actor == workspace.store.user  # nothing leaks out
