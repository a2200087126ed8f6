"""``somflow withdraw`` / ``somflow correct`` / ``somflow notices``: the command-line face of
:mod:`somflow.corrections` and :mod:`somflow.notices` (Polish names: ``wycofaj``, ``popraw``)."""

from __future__ import annotations

import click

from somflow import corrections, hookimpl, notices
from somflow.i18n import _
from somflow.user_errors import user_errors

reason_option = click.option(
    "--reason",
    "--powod",
    "reason",
    required=True,
    help="Powód: co było błędne albo dlaczego wpis jest wycofywany (wymagany).",
)
by_option = click.option(
    "--by", "--kto", "by", default="", help="Kto wycofuje/poprawia (domyślnie użytkownik systemu)."
)
kind_option = click.option(
    "--kind", "--rodzaj", "kind", default=None, help="Rodzaj wpisu, gdy numer pasuje do kilku rodzajów."
)


def report(outcome: corrections.Outcome, action: str) -> None:
    """The lines every withdrawal/correction prints (also the plugins' shortcuts)."""
    entry = outcome.entry
    if action == "withdraw":
        click.echo(
            _(
                "Wycofano wpis {ref}: {label}. Wpis zostaje w historii jako wycofany i nigdzie się nie liczy.",
                ref=entry.ref,
                label=entry.label,
            )
        )
    else:
        click.echo(
            _(
                "Poprawiono wpis {ref}: {label}. Poprzednie wartości zostają w historii.",
                ref=entry.ref,
                label=entry.label,
            )
        )
    if outcome.notice is not None:
        click.secho(
            _(
                "Dyrektor zobaczy powiadomienie w somflow status (do potwierdzenia: somflow notices --ack {nr}).",
                nr=outcome.notice["nr"],
            ),
            fg="yellow",
        )
        if outcome.mail_problem:
            click.secho(
                _("Nie wysłano e-maila do dyrektora: {problem}", problem=outcome.mail_problem), fg="red", err=True
            )


@click.command(
    "withdraw",
    help="Wycofaj błędny wpis (krok NK, wynik sprawdzenia, zgodę, potwierdzenie, ankietę) z podaniem powodu; także: somflow wycofaj.",
)
@click.argument("ref", metavar="WPIS")
@reason_option
@by_option
@kind_option
@click.pass_obj
@user_errors
def withdraw(app, ref: str, reason: str, by: str, kind: str | None) -> None:
    report(corrections.withdraw(app.workspace, ref, reason, by, kind=kind), "withdraw")


@click.command(
    "correct",
    help="Popraw pole wpisu (POLE=WARTOŚĆ, np. data=3.12.2026) z podaniem powodu; poprzednia wartość zostaje w historii; także: somflow popraw.",
)
@click.argument("ref", metavar="WPIS")
@click.argument("changes", metavar="POLE=WARTOŚĆ", nargs=-1, required=True)
@reason_option
@by_option
@kind_option
@click.pass_obj
@user_errors
def correct(app, ref: str, changes: tuple[str, ...], reason: str, by: str, kind: str | None) -> None:
    report(
        corrections.correct(app.workspace, ref, corrections.parse_changes(changes), reason, by, kind=kind), "correct"
    )


@click.command("notices", help="Powiadomienia dla dyrektora (np. o wycofaniu wyniku FIGURUJE) i ich potwierdzanie.")
@click.option(
    "--ack", "ack", default=None, metavar="NUMER", help="Potwierdź zapoznanie się z powiadomieniem o tym numerze."
)
@click.option("--ack-all", is_flag=True, help="Potwierdź wszystkie niepotwierdzone powiadomienia.")
@by_option
@click.pass_obj
@user_errors
def notices_command(app, ack: str | None, ack_all: bool, by: str) -> None:
    workspace = app.workspace
    if ack is not None or ack_all:
        done = notices.acknowledge(workspace, None if ack_all else ack, by)
        click.echo(_("Potwierdzono powiadomienia: {count}.", count=len(done)))
        return
    found = notices.pending(workspace)
    if not found:
        click.echo(_("Brak niepotwierdzonych powiadomień."))
    for notice in found:
        click.echo(f"{notice['nr']:>3}  " + notices.line(notice, with_reason=True))


def _alias(command: click.Command, name: str) -> click.Command:
    """The same command under its Polish name, hidden from the list (its help names it)."""
    return click.Command(name, params=command.params, callback=command.callback, help=command.help, hidden=True)


@hookimpl
def somflow_register_commands(register) -> None:
    for command in (withdraw, correct, notices_command):
        register(command)
    register(_alias(withdraw, "wycofaj"))
    register(_alias(correct, "popraw"))
