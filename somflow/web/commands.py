"""``somflow serve`` and ``somflow users``: thin faces of :mod:`somflow.web.app` and :mod:`somflow.web.accounts`."""

from __future__ import annotations

import ipaddress
import sys

import click

from somflow.i18n import _
from somflow.user_errors import UserErrorsGroup, user_errors
from somflow.web import accounts
from somflow.web.plugin import SERVE_HELP, USERS_HELP
from somflow.web.roles import ROLES, label


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this computer only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command("serve", help=SERVE_HELP)
@click.option("--host", default="127.0.0.1", show_default=True, help="Adres, na którym słuchać.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Numer portu.")
@click.option(
    "--network",
    is_flag=True,
    help="Zgoda na adres inny niż 127.0.0.1 (sieć szkoły): wtedy tylko za serwerem z HTTPS (README).",
)
@click.option(
    "--secure-cookie", is_flag=True, help="Ciasteczko sesji tylko przez HTTPS (za serwerem pośredniczącym z TLS)."
)
@click.pass_obj
@user_errors
def serve(app, host: str, port: int, network: bool, secure_cookie: bool) -> None:
    import uvicorn

    from somflow.web.app import create_app

    if not is_loopback(host):
        if not network:
            raise click.UsageError(
                _(
                    "Adres {host} udostępnia dane dzieci w sieci. Jeśli tego chcesz, dodaj --network i postaw przed "
                    "somflow serwer z HTTPS (README: „Aplikacja WWW w sieci szkoły”).",
                    host=host,
                )
            )
        click.secho(
            _(
                "UWAGA: aplikacja słucha na {host}, nie tylko na tym komputerze. Hasła i dane dzieci idą przez sieć "
                "bez szyfrowania, chyba że ruch przechodzi przez serwer z HTTPS (TLS).",
                host=host,
            ),
            err=True,
            fg="yellow",
        )
    workspace = app.workspace
    web = create_app(workspace, secure_cookie=secure_cookie)
    if not accounts.listed(workspace):
        click.secho(
            _("Nie ma jeszcze kont. Dodaj pierwsze: somflow users add LOGIN --role dyrektor"), err=True, fg="yellow"
        )
    shown = f"[{host}]" if ":" in host else host
    click.echo(_("Aplikacja WWW: http://{host}:{port}/ (zatrzymanie: Ctrl+C)", host=shown, port=port))
    uvicorn.run(web, host=host, port=port, log_level="warning", server_header=False)


@click.group("users", cls=UserErrorsGroup, help=USERS_HELP)
def users() -> None:
    pass


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt(_("Hasło"), hide_input=True, confirmation_prompt=_("Powtórz hasło"))


@users.command("add", help="Dodaj konto z rolą; hasło jest pytane (albo --password-stdin).")
@click.argument("login")
@click.option("--role", required=True, type=click.Choice(ROLES), help="Rola konta.")
@click.option("--password-stdin", is_flag=True, help="Wczytaj hasło z pierwszego wiersza wejścia.")
@click.pass_obj
def add(app, login: str, role: str, password_stdin: bool) -> None:
    account = accounts.add(app.workspace, login, role, _password(password_stdin))
    click.echo(_("Dodano konto {login} ({role}).", login=account["login"], role=label(role)))


@users.command("list", help="Wypisz konta: login, rola, czy wyłączone.")
@click.pass_obj
def list_users(app) -> None:
    found = accounts.listed(app.workspace)
    if not found:
        click.echo(_("Brak kont. Dodaj: somflow users add LOGIN --role dyrektor"))
    for account in found:
        state = _("wyłączone") if account.get("disabled") else _("aktywne")
        click.echo(f"{account['login']:<24} {label(account['role']):<12} {state}")


@users.command("reset", help="Nadaj kontu nowe hasło (i włącz je, jeśli było wyłączone).")
@click.argument("login")
@click.option("--password-stdin", is_flag=True, help="Wczytaj hasło z pierwszego wiersza wejścia.")
@click.pass_obj
def reset(app, login: str, password_stdin: bool) -> None:
    account = accounts.reset(app.workspace, login, _password(password_stdin))
    click.echo(_("Zmieniono hasło konta {login}.", login=account["login"]))


@users.command("disable", help="Wyłącz konto: nie zaloguje się, jego otwarte sesje kończą się.")
@click.argument("login")
@click.pass_obj
def disable(app, login: str) -> None:
    account = accounts.disable(app.workspace, login)
    click.echo(_("Wyłączono konto {login}.", login=account["login"]))
