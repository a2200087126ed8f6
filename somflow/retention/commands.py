"""``somflow retention`` (Polish: ``somflow retencja``): the command-line face of :mod:`somflow.retention`."""

from __future__ import annotations

import click

from somflow import calendar
from somflow.i18n import _, ngettext
from somflow.retention.due import Due, past_retention
from somflow.retention.erase import Erasure, erase, migration_copies
from somflow.retention.plugin import RETENTION_HELP
from somflow.user_errors import user_errors


def line(due: Due) -> str:
    """One listed record: reference, type, what started the clock and when, kept until — never a name."""
    return "  " + _(
        "{ref}  {label}: {clock} {started}, przechowywać do {until}",
        ref=due.ref,
        label=_(due.type.label),
        clock=_(due.type.clock),
        started=due.started.isoformat(),
        until=due.kept_until.isoformat(),
    )


def _command(name: str, hidden: bool = False) -> click.Command:
    @click.command(name, help=RETENTION_HELP, hidden=hidden)
    @click.option(
        "--apply", "--usun", "apply", is_flag=True, help="Usuń wypisane rekordy wraz z dokumentami i skanami."
    )
    @click.option("--yes", "--tak", "yes", is_flag=True, help="Nie pytaj o potwierdzenie usunięcia.")
    @click.option("--today", "--dzis", "today", metavar="RRRR-MM-DD", help="Licz tak, jakby dziś był podany dzień.")
    @click.pass_obj
    @user_errors
    def command(app, apply: bool, yes: bool, today: str | None) -> None:
        workspace = app.workspace
        day = calendar.option_date(today, "--today") or calendar.today()
        due = past_retention(workspace, day)
        if not due:
            click.echo(_("Żaden rekord nie jest po okresie przechowywania ({date}).", date=day.isoformat()))
            return
        click.echo(
            ngettext(
                "{n} rekord po okresie przechowywania ({date}):",
                "{n} rekordów po okresie przechowywania ({date}):",
                len(due),
                date=day.isoformat(),
            )
        )
        for item in due:
            click.echo(line(item))
        if not apply:
            click.echo(_("Aby je usunąć wraz z dokumentami i skanami: somflow retention --apply"))
            return
        if not yes and not click.confirm(_("Usunąć je nieodwracalnie?"), default=False):
            click.echo(_("Niczego nie usunięto."))
            return
        report(erase(workspace, due, day))
        copies = migration_copies(workspace)
        if copies:
            click.echo(
                _(
                    "Kopie magazynu sprzed migracji nie wygasają same i nadal zawierają usunięte rekordy "
                    "(plików: {count}, folder {folder}). Usuń je, gdy magazyn po migracji działa poprawnie.",
                    count=len(copies),
                    folder=copies[0].parent,
                )
            )

    return command


def report(outcome: Erasure) -> None:
    """What an erasure removed, in counts."""
    click.echo(
        _(
            "Usunięto rekordów: {records}, dokumentów: {documents}, przyjętych skanów: {scans}, plików: {files}. "
            "W dzienniku zmian zapisano liczby i rodzaje, bez danych osobowych.",
            records=sum(outcome.records.values()),
            documents=outcome.documents,
            scans=outcome.scans,
            files=outcome.files,
        )
    )
    if outcome.left:
        click.secho(
            _(
                "Plików, których nie udało się usunąć (otwartych w innym programie): {count}; rekordy już usunięto. "
                "Zamknij te programy i usuń pliki bez rekordów z folderów documents/ i archive/.",
                count=outcome.left,
            ),
            fg="red",
            err=True,
        )
    click.echo(_("Kopie zapasowe magazynu wygasają same w swoim cyklu (zob. docs/retention.md)."))


retention = _command("retention")
retencja = _command("retencja", hidden=True)
