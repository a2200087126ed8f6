"""pytest fixtures for somflow and for plugin authors (loaded automatically once somflow is installed).

``somflow_workspace``  a fresh demo workspace in a temporary folder (a :class:`pathlib.Path`)
``somflow_cli``        run a somflow command in that workspace through click's CliRunner
``somflow_smtp``       a real SMTP server on loopback (aiosmtpd) set in that workspace's ``[smtp]``
``somflow_ws``         that workspace opened with every plugin (``.store``, ``.hook``, ``.config``)
``somflow_store``      that workspace's store
``somflow_web``        ``somflow_web("koordynator")``: the web application in process, signed in with a role
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from somflow import i18n
from somflow.config import DEMO_VALUES
from somflow.workspace import create


@pytest.fixture
def somflow_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A new demo workspace; SOMFLOW_WORKSPACE points at it, the language is Polish, the command cache its own."""
    root = create(tmp_path / "workspace", DEMO_VALUES)
    monkeypatch.setenv("SOMFLOW_WORKSPACE", str(root))
    monkeypatch.setenv("SOMFLOW_CACHE_DIR", str(tmp_path / "command-cache"))  # not the user's (somflow.command_cache)
    monkeypatch.delenv("SOMFLOW_LANG", raising=False)
    i18n.set_language("pl")
    return root


def run_cli(root: Path, *args: str, input: str | None = None) -> Result:
    """Run ``somflow --workspace ROOT ARGS`` through click's CliRunner; click's Result (the language back to Polish)."""
    from somflow.cli import cli

    result = CliRunner().invoke(cli, ["--workspace", str(root), *args], input=input, catch_exceptions=False)
    i18n.set_language("pl")
    return result


@pytest.fixture
def somflow_cli(somflow_workspace: Path) -> Callable[..., Result]:
    """``somflow_cli("status")`` runs ``somflow status`` in the workspace and returns click's Result."""

    def run(*args: str, input: str | None = None) -> Result:
        return run_cli(somflow_workspace, *args, input=input)

    return run


# --------------------------------------------------------------------------
# The web application (somflow serve), in process
# --------------------------------------------------------------------------

#: The password of the accounts :func:`somflow_web` creates.
WEB_PASSWORD = "haslo-do-testow-1"


def csrf_token(html: str) -> str:
    """The CSRF token of the first form in a page of the web application."""
    import re

    found = re.search(r'name="csrf" value="([^"]+)"', html)
    if found is None:
        raise AssertionError("no CSRF token in the page")
    return found.group(1)


def sign_in(client: Any, login: str, password: str = WEB_PASSWORD) -> Any:
    """Sign ``client`` (a Starlette ``TestClient``) in through the login form; returns the form's response."""
    token = csrf_token(client.get("/login").text)
    return client.post("/login", data={"csrf": token, "login": login, "password": password})


@pytest.fixture
def somflow_web(somflow_workspace: Path) -> Iterator[Callable[..., Any]]:
    """``somflow_web("koordynator")``: a Starlette ``TestClient`` signed in with that role.

    The account is ``test-<role>`` (password :data:`WEB_PASSWORD`); the client's
    ``csrf`` attribute holds the token its forms must send
    (``client.post(path, data={"csrf": client.csrf, ...})``) and ``client.app``
    the application (``client.app.state.workspace`` its workspace).
    """
    from starlette.testclient import TestClient

    from somflow.plugins import PluginHost
    from somflow.web import accounts
    from somflow.web.app import create_app
    from somflow.workspace import Workspace

    workspace = Workspace(somflow_workspace, PluginHost(somflow_workspace))
    app = create_app(workspace)
    clients: list[TestClient] = []

    def signed_in(role: str = "dyrektor") -> TestClient:
        login = f"test-{role}"
        if not workspace.store.query(accounts.USERS, {"login": login}):
            accounts.add(workspace, login, role, WEB_PASSWORD)
        client = TestClient(app, follow_redirects=False)
        clients.append(client)
        response = sign_in(client, login)
        assert response.status_code == 303, response.text
        client.csrf = csrf_token(client.get("/").text)
        return client

    yield signed_in
    for client in clients:
        client.close()


# --------------------------------------------------------------------------
# A real SMTP server on loopback for testing reminders
# --------------------------------------------------------------------------


class SmtpSink:
    """An aiosmtpd server on 127.0.0.1 that keeps what it receives.

        ``security``  ``"none"``, ``"starttls"`` or ``"ssl"`` (a self-signed
                      certificate for 127.0.0.1/localhost is made; its file is
                      :attr:`cafile` — point ``SSL_CERT_FILE`` at it so the client trusts it)
        ``user``/``password``  when given, AUTH LOGIN/PLAIN is required with them
        :attr:`messages`  received :class:`email.message.EmailMessage` objects
    :attr:`connections`  how many SMTP connections clients opened
        :attr:`fail_with`  an SMTP reply such as ``"554 5.7.1 odrzucono"`` to refuse messages
        :attr:`drop`      True: drop the connection when a message is offered
        :attr:`on_message` called with each message after it was kept (e.g. to kill the sender)
        :meth:`stop` / :meth:`start`  take the server down (connections are refused) and back up
    """

    def __init__(self, folder: Path, security: str = "none", user: str = "", password: str = ""):
        import socket

        self.folder = folder
        self.security = security
        self.user = user
        self.password = password
        self.host = "127.0.0.1"
        with socket.socket() as s:
            s.bind((self.host, 0))
            self.port = s.getsockname()[1]
        self.messages: list = []
        self.connections = 0
        self.fail_with: str | None = None
        self.drop = False
        self.on_message: Callable | None = None
        self.cafile: Path | None = None
        self._controller = None
        if security != "none":
            self.cafile, self._keyfile = _self_signed_certificate(folder)

    # ------------------------------------------------------------ control

    def start(self) -> SmtpSink:
        import ssl
        import warnings

        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult

        if self._controller is not None:
            return self
        kwargs: dict = {}
        if self.security != "none":
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(self.cafile, self._keyfile)
            kwargs["ssl_context" if self.security == "ssl" else "tls_context"] = context
            if self.security == "starttls":
                kwargs["require_starttls"] = True
            else:  # implicit TLS: aiosmtpd does not know the connection is encrypted and warns about AUTH
                warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
        if self.user:

            def authenticator(server, session, envelope, mechanism, auth_data):
                ok = auth_data.login.decode() == self.user and auth_data.password.decode() == self.password
                return AuthResult(success=ok, handled=False)

            kwargs.update(
                authenticator=authenticator, auth_required=True, auth_require_tls=self.security == "starttls"
            )  # aiosmtpd sees TLS only via STARTTLS
        sink = self

        class CountingController(Controller):
            def factory(self):
                sink.connections += 1
                return super().factory()

        self._controller = CountingController(
            _SinkHandler(self), hostname=self.host, port=self.port, server_hostname="localhost", **kwargs
        )
        self._controller.start()
        self.connections -= 1  # the controller's own probe connection at start
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def configure(self, workspace_root: Path, *, security: str | None = None, user: str | None = None) -> None:
        """Point the ``[smtp]`` section of the workspace's somflow.toml at this server."""
        values = {
            "host": self.host,
            "port": self.port,
            "security": security or self.security,
            "user": self.user if user is None else user,
            "sender": "somflow@sp7.example.pl",
        }
        set_smtp_config(workspace_root, values)

    def to(self, address: str) -> list:
        """The received messages addressed to ``address``."""
        return [m for m in self.messages if address in m["To"]]


class _SinkHandler:
    def __init__(self, sink: SmtpSink):
        self.sink = sink

    async def handle_DATA(self, server, session, envelope):
        import email
        from email import policy

        if self.sink.drop:
            server.transport.abort()
            return "421 4.3.0 connection dropped"
        if self.sink.fail_with:
            return self.sink.fail_with
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.sink.messages.append(message)
        if self.sink.on_message is not None:
            self.sink.on_message(message)
        return "250 2.0.0 OK"


def set_smtp_config(workspace_root: Path, values: dict) -> None:
    """Replace the ``[smtp]`` section of ``somflow.toml`` with ``values`` (a test helper)."""
    import re

    path = workspace_root / "somflow.toml"
    text = path.read_text(encoding="utf-8")
    lines = ["[smtp]"] + [f"{k} = {v}" if isinstance(v, int) else f'{k} = "{v}"' for k, v in values.items()]
    section = "\n".join(lines) + "\n\n"
    text = re.sub(r"(?ms)^\[smtp\]\n.*?(?=^\[|\Z)", lambda _m: section, text)
    path.write_text(text, encoding="utf-8")


def _self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost (PEM files: certificate, key)."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


@contextmanager
def smtp_sink(folder: Path, security: str = "none", user: str = "", password: str = "") -> Iterator[SmtpSink]:
    """A started :class:`SmtpSink`, stopped when the block ends."""
    sink = SmtpSink(folder, security, user, password).start()
    try:
        yield sink
    finally:
        sink.stop()


@pytest.fixture
def somflow_smtp(somflow_workspace: Path, tmp_path: Path) -> Iterator[SmtpSink]:
    """A plain SMTP server on loopback, already set in the workspace's ``[smtp]`` section.

    Its ``messages`` are what ``somflow remind`` sent; see :class:`SmtpSink`
    for refusing, dropping or stopping it, and :func:`smtp_sink` for STARTTLS/SSL.
    """
    with smtp_sink(tmp_path / "smtp") as sink:
        sink.configure(somflow_workspace)
        yield sink


@pytest.fixture
def somflow_ws(somflow_workspace: Path):
    """The demo workspace opened with every plugin: a :class:`~somflow.workspace.Workspace` (``.store``, ``.hook``, ``.config``)."""
    from somflow.plugins import PluginHost
    from somflow.workspace import Workspace

    return Workspace(somflow_workspace, PluginHost(somflow_workspace))


@pytest.fixture
def somflow_store(somflow_ws):
    """The demo workspace's store (``get``/``query``/``insert``/``update``/``transaction``), as the CLI sees it."""
    return somflow_ws.store
