"""``somflow inbox``: the review queue on the command line, a thin face of ``somflow.inbox.review``."""

from __future__ import annotations

from pathlib import Path

import click

from somflow.errors import SomflowError
from somflow.i18n import _
from somflow.inbox import review
from somflow.inbox.plugin import INBOX_HELP, echo_outcome
from somflow.logs import readable_name
from somflow.workspace import Workspace


@click.group(
    "inbox",
    invoke_without_command=True,
    help=INBOX_HELP,
)
@click.option(
    "--arkusz",
    "sheet",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Zapisz podgląd stron tych plików (PNG) do tego pliku.",
)
@click.pass_context
def inbox(ctx: click.Context, sheet: Path | None) -> None:
    if ctx.invoked_subcommand is not None:
        return
    workspace: Workspace = ctx.obj.workspace
    items = review.queue(workspace)
    if not items:
        click.echo(_("Nie ma plików do przejrzenia: rejected/ i inbox/ są puste."))
        return
    for number, item in enumerate(items, start=1):
        where = _("odłożony") if item.state == "set_aside" else _("czeka w inbox/")
        click.echo(
            f"{number}. {item.label}  [{where}, {item.since}]"
        )  # any bytes, no control codes; find() takes it back
        if item.reason:
            click.echo("   " + _("Powód: {reason}", reason=item.reason))
        if item.hint:
            click.echo("   " + _("Co zrobić: {hint}", hint=item.hint))
    if sheet is not None:
        drawn = review.contact_sheet(items, sheet)
        click.echo(_("Zapisano podgląd {count} str. w {file} (podpis: numer pliku/strona).", count=drawn, file=sheet))


@inbox.command(
    help="Przyjmij plik ręcznie: strony do dokumentów (--page N --doc ID[:STRONA]) albo cały plik do rekordu (--record)."
)
@click.argument("file")
@click.option(
    "--page",
    "pages",
    type=click.IntRange(1),
    multiple=True,
    help="Strona pliku (od 1); każde --page łączy się z kolejnym --doc.",
)
@click.option("--doc", "docs", multiple=True, help="Dokument (jego id albo początek id) i numer strony: ID:STRONA.")
@click.option(
    "--record", help="Dla pliku bez kodu somflow (np. wydruk z rejestru): rekord KOLEKCJA:ID, do którego należy."
)
@click.option("--title", default="", help="Z --record: czym jest plik, np. „Wydruk z Rejestru Sprawców”.")
@click.pass_obj
def assign(app, file: str, pages: tuple[int, ...], docs: tuple[str, ...], record: str | None, title: str) -> None:
    workspace: Workspace = app.workspace
    path = review.find(workspace, file)
    if record is not None:
        if docs or pages:
            raise SomflowError(_("Podaj albo --record, albo --page/--doc, nie oba."))
        outcome = review.assign(workspace, path, record=review.parse_record(workspace, record), title=title)
    else:
        outcome = review.assign(workspace, path, review.placements(workspace, path, list(pages), list(docs)))
    _finish([outcome])


@inbox.command(help="Odłóż plik z kolejki do folderu discarded/ (nie jest usuwany; powód trafia do dziennika).")
@click.argument("file")
@click.option("--reason", required=True, help="Dlaczego plik nie będzie przyjęty, np. „kopia” albo „pusta kartka”.")
@click.pass_obj
def discard(app, file: str, reason: str) -> None:
    workspace: Workspace = app.workspace
    target = review.discard(workspace, review.find(workspace, file), reason)
    click.echo(
        _("Odłożono {name} do {folder} (powód zapisano).", name=readable_name(target.name), folder=target.parent)
    )


@inbox.command(help="Przepuść odłożone pliki (wszystkie z rejected/ albo podane) ponownie przez przyjmowanie.")
@click.argument("files", nargs=-1)
@click.pass_obj
def retry(app, files: tuple[str, ...]) -> None:
    workspace: Workspace = app.workspace
    paths = [review.find(workspace, name) for name in files] if files else None
    outcomes = review.retry(workspace, paths)
    if not outcomes:
        click.echo(_("Nie ma odłożonych plików w rejected/."))
    _finish(outcomes)


def _finish(outcomes) -> None:
    for outcome in outcomes:
        echo_outcome(outcome)
    left = sum(o.status in ("rejected", "retry") for o in outcomes)
    if left:
        raise SomflowError(_("Nie przyjęto plików: {count} (powody obok nich w rejected/).", count=left))
