"""Sending e-mail over SMTP as ``[smtp]`` in somflow.toml says: STARTTLS, SSL or none, with login.

The password never lives in somflow.toml: it comes from the environment
variable ``SOMFLOW_SMTP_PASSWORD`` (or the one named by ``smtp.password_env``),
else from the system keyring (service ``somflow``, user ``smtp.user``).
Every failure becomes :class:`SmtpError` with a Polish message saying what
to check; ``definite`` tells whether the server surely did not take the message.

A password never crosses the network in clear by default: with
``security = "none"`` and a ``user``, somflow refuses to connect unless the
section says ``allow_plain_auth = true`` (a relay on the same machine or a
trusted local network), and then logs a warning on every connection.
"""

from __future__ import annotations

import base64
import logging
import os
import smtplib
import socket
import ssl
from email.message import EmailMessage
from typing import Any

from somflow.errors import SomflowError
from somflow.i18n import _

log = logging.getLogger(__name__)

KEYRING_SERVICE = "somflow"
DEFAULT_PASSWORD_ENV = "SOMFLOW_SMTP_PASSWORD"
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
TIMEOUT = 30


class SmtpError(SomflowError):
    """Mail could not be sent; the message says why and what to check.

    ``definite`` is True when the server answered with a refusal (the message
    surely was not taken), False when the connection broke (it may have been).
    """

    exit_code = 4

    def __init__(self, message: str, definite: bool = True):
        super().__init__(message)
        self.definite = definite


def settings(config: dict[str, Any]) -> dict[str, Any]:
    """The ``[smtp]`` section with defaults; :class:`SmtpError` when host or sender is missing."""
    smtp = dict(config.get("smtp") or {})
    security = smtp.get("security") or "starttls"
    if not smtp.get("host"):
        raise SmtpError(_("Brak serwera poczty: uzupełnij klucz host w sekcji [smtp] pliku somflow.toml."))
    sender = smtp.get("sender") or smtp.get("user")
    if not sender:
        raise SmtpError(_("Brak adresu nadawcy: uzupełnij klucz sender w sekcji [smtp] pliku somflow.toml."))
    return {
        "host": smtp["host"],
        "port": int(smtp.get("port") or DEFAULT_PORTS[security]),
        "security": security,
        "user": smtp.get("user") or "",
        "sender": sender,
        "password_env": smtp.get("password_env") or DEFAULT_PASSWORD_ENV,
        "allow_plain_auth": smtp.get("allow_plain_auth") is True,
    }


def password(conf: dict[str, Any]) -> str | None:
    """The SMTP password from the environment, else the keyring; None when neither has it."""
    value = os.environ.get(conf["password_env"])
    if value:
        return value
    try:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, conf["user"])
    except Exception:  # no keyring backend on this machine (servers, containers)
        return None


class Mailer:
    """An SMTP connection: ``with Mailer(config) as m: m.send(message)`` (or :meth:`connect` / :meth:`close`)."""

    def __init__(self, config: dict[str, Any]):
        self.conf = settings(config)
        self.sender = self.conf["sender"]
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        self.connect()
        return self

    def connect(self) -> None:
        """Connect, secure and log in; :class:`SmtpError` with a Polish message when that fails."""
        conf = self.conf
        where = f"{conf['host']}:{conf['port']}"
        secret = None
        if conf["user"]:
            _refuse_clear_login(conf, where)
            secret = password(conf)
            if not secret:
                raise SmtpError(
                    _(
                        "Brak hasła do poczty dla użytkownika {user}: ustaw zmienną środowiskową {env} "
                        'albo zapisz hasło w systemowym magazynie haseł (keyring, usługa "somflow").',
                        user=conf["user"],
                        env=conf["password_env"],
                    )
                )
        context = ssl.create_default_context()
        try:
            if conf["security"] == "ssl":
                self._smtp = smtplib.SMTP_SSL(conf["host"], conf["port"], timeout=TIMEOUT, context=context)
            else:
                self._smtp = smtplib.SMTP(conf["host"], conf["port"], timeout=TIMEOUT)
                if conf["security"] == "starttls":
                    self._smtp.starttls(context=context)
            if secret:
                _login(self._smtp, conf["user"], secret)
        except smtplib.SMTPAuthenticationError:
            self.close()
            raise SmtpError(
                _("Serwer poczty {where} odrzucił login lub hasło użytkownika {user}.", where=where, user=conf["user"])
            ) from None
        except smtplib.SMTPNotSupportedError:
            self.close()
            raise SmtpError(
                _(
                    "Serwer poczty {where} nie obsługuje STARTTLS albo logowania. Sprawdź klucze security i port w sekcji [smtp].",
                    where=where,
                )
            ) from None
        except ssl.SSLError as exc:
            self.close()
            raise SmtpError(
                _(
                    "Nie udało się nawiązać szyfrowanego połączenia z serwerem poczty {where} ({reason}). Sprawdź klucze security i port w sekcji [smtp].",
                    where=where,
                    reason=exc.reason or exc,
                )
            ) from None
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise SmtpError(
                _(
                    "Nie można połączyć się z serwerem poczty {where}: {reason}. Sprawdź sieć i sekcję [smtp] w somflow.toml.",
                    where=where,
                    reason=_reason(exc),
                )
            ) from None

    def send(self, message: EmailMessage) -> None:
        """Send one message; :class:`SmtpError` when the server refuses it or the connection breaks."""
        assert self._smtp is not None, "connect first"
        try:
            refused = self._smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            raise SmtpError(
                _("Serwer poczty odrzucił adres odbiorcy {to}: {reason}.", to=message["To"], reason=_reason(exc))
            ) from None
        except smtplib.SMTPResponseException as exc:
            raise SmtpError(
                _("Serwer poczty odrzucił wiadomość do {to}: {reason}.", to=message["To"], reason=_reason(exc))
            ) from None
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise SmtpError(
                _(
                    "Połączenie z serwerem poczty zostało przerwane podczas wysyłania do {to}: {reason}.",
                    to=message["To"],
                    reason=_reason(exc),
                ),
                definite=False,
            ) from None
        if refused:
            raise SmtpError(_("Serwer poczty odrzucił adres odbiorcy {to}.", to=", ".join(refused)))

    @property
    def connected(self) -> bool:
        return self._smtp is not None

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except Exception:  # already broken; nothing to tell the user beyond the first error
                self._smtp.close()
            self._smtp = None

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _refuse_clear_login(conf: dict[str, Any], where: str) -> None:
    """A login over an unencrypted connection only when the configuration asks for it, and then with a warning."""
    if conf["security"] != "none":
        return
    if not conf["allow_plain_auth"]:
        raise SmtpError(
            _(
                'Sekcja [smtp] w somflow.toml ma security = "none" i użytkownika {user}: hasło poszłoby do serwera {where} '
                'otwartym tekstem, więc somflow się nie połączył. Ustaw security = "starttls" albo "ssl"; tylko dla serwera '
                "na tym samym komputerze lub w zaufanej sieci dodaj allow_plain_auth = true.",
                user=conf["user"],
                where=where,
            )
        )
    log.warning(
        _(
            'Logowanie do serwera poczty {where} bez szyfrowania (security = "none", allow_plain_auth = true): '
            "hasło idzie przez sieć otwartym tekstem.",
            where=where,
        )
    )


def _login(smtp: smtplib.SMTP, user: str, secret: str) -> None:
    """Log in; smtplib only sends ASCII, so a password like "zażółć" goes as UTF-8 AUTH PLAIN (RFC 4616)."""
    if (user + secret).isascii():
        smtp.login(user, secret)
        return
    smtp.ehlo_or_helo_if_needed()
    if not smtp.has_extn("auth"):
        raise smtplib.SMTPNotSupportedError("AUTH")
    token = base64.b64encode(f"\0{user}\0{secret}".encode()).decode("ascii")
    code, response = smtp.docmd("AUTH", "PLAIN " + token)
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, response)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"{exc.smtp_code} {text}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{code} {msg.decode('utf-8', 'replace')}" for code, msg in exc.recipients.values())
    if isinstance(exc, ConnectionRefusedError):
        return _("serwer nie przyjmuje połączeń")
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return _("serwer nie odpowiada")
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return _("serwer zerwał połączenie")
    return str(exc) or type(exc).__name__
