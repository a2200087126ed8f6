"""The inbox as a core plugin: ``somflow watch``, ``somflow ingest`` and the inbox lines of ``somflow status``."""

from __future__ import annotations

import os
import signal
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from somflow import hookimpl
from somflow.errors import SomflowError
from somflow.i18n import _
from somflow.inbox import filing
from somflow.inbox.watcher import Watcher, inbox_files, is_junk
from somflow.lazy_commands import LazyCommand
from somflow.logs import file_label, readable_name
from somflow.workspace import Workspace

if TYPE_CHECKING:
    from somflow.inbox.pipeline import Outcome


def shown_name(name: str) -> str:
    """How a file is named on stdout: readable when a person sits at the terminal, else (the watcher's
    journal, a redirected ``ingest``) only its :func:`~somflow.logs.file_label` — scans are named after children."""
    if sys.stdout.isatty():
        return readable_name(name)
    return file_label(Path(name))


def echo_outcome(outcome: Outcome) -> None:
    """One line a file (and its notices), as :func:`outcome_lines` gives them."""
    for text, warning in outcome_lines(outcome, shown_name):
        click.secho(text, fg="yellow" if warning else None)


def outcome_lines(outcome: Outcome, shown: Callable[[str], str]) -> list[tuple[str, bool]]:
    """What happened to one file, as ``(line, is_a_warning)``: the file named by ``shown``, also where a reason quotes it."""
    name = shown(outcome.name)

    def masked(text: str) -> str:  # a reason names the file as it is or as a person reads it (readable_name)
        for spelled in dict.fromkeys((outcome.name, readable_name(outcome.name)) if outcome.name else ()):
            text = text.replace(spelled, name)
        return text

    reason = masked(outcome.reason)
    lines: list[tuple[str, bool]] = []
    if outcome.status == "filed":
        lines.append((_("Przyjęto {name}: dokumenty {ids}", name=name, ids=", ".join(outcome.documents)), False))
        if outcome.set_aside:
            part = _(
                "Odłożono część stron jako {name} (do rejected/): {reason}",
                name=shown(outcome.set_aside),
                reason=masked(outcome.set_aside_reason),
            )
            lines.append((part, True))
    elif outcome.status == "rejected":
        lines.append((_("Odrzucono {name} (do rejected/): {reason}", name=name, reason=reason), True))
    elif outcome.status == "retry":
        lines.append((_("Pozostawiono {name} w skrzynce, spróbuję ponownie: {reason}", name=name, reason=reason), True))
    else:
        lines.append((_("Pominięto {name}: {reason}", name=name, reason=reason), False))
    return lines + [("  " + masked(notice), False) for notice in outcome.notices]


@click.command(help="Obserwuj skrzynkę inbox/ i przyjmuj wrzucane skany (działa do przerwania Ctrl+C).")
@click.option(
    "--poll",
    is_flag=True,
    help="Sprawdzaj folder co chwilę zamiast czekać na powiadomienia (udział sieciowy, folder skanera SMB).",
)
@click.option(
    "--settle",
    type=click.FloatRange(0.05, 60),
    default=1.0,
    show_default=True,
    help="Ile sekund plik musi się nie zmieniać, zanim zostanie przyjęty.",
)
@click.option(
    "--rescan",
    type=click.FloatRange(0.5, 3600),
    default=60.0,
    show_default=True,
    help="Co ile sekund przejrzeć cały folder (na wypadek zgubionych powiadomień).",
)
@click.pass_obj
def watch(app, poll: bool, settle: float, rescan: float) -> None:
    workspace: Workspace = app.workspace
    watcher = Watcher(workspace, echo_outcome, poll=poll, settle=settle, rescan=rescan)
    signal.signal(signal.SIGTERM, lambda *_: watcher.stop())
    click.echo(_("Obserwuję {inbox} (Ctrl+C kończy).", inbox=workspace.path("inbox")), err=True)
    try:
        watcher.run()
    except KeyboardInterrupt:
        watcher.stop()
    click.echo(_("Zakończono obserwowanie skrzynki."), err=True)


@click.command(help="Przyjmij podane pliki (albo, bez argumentów, wszystko ze skrzynki inbox/) jednym przebiegiem.")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--outside-inbox",
    is_flag=True,
    help="Pozwól przyjąć folder spoza skrzynki inbox/ (jego pliki zostaną przeniesione do archive/ albo rejected/).",
)
@click.pass_obj
def ingest(app, files: tuple[Path, ...], outside_inbox: bool) -> None:
    from somflow.inbox.pipeline import run_pipeline  # the PDF and image libraries: only when filing

    workspace: Workspace = app.workspace
    inbox = workspace.path("inbox")
    folders = [given for given in files if given.is_dir()]
    if not outside_inbox:
        refuse_folders_outside(inbox, folders)
    filing.recover(workspace)
    paths: list[Path] = []
    missing = 0
    for given in files or (inbox,):
        if given in folders or not files:
            paths += inbox_files(given)
        elif os.path.lexists(given) and not is_junk(given):
            paths.append(given.absolute())  # not resolve(): a link is set aside, not followed
        elif not os.path.lexists(given):
            missing += 1
            click.secho(_("Nie ma pliku {path}.", path=given), fg="red", err=True)
    if not paths and not missing:
        click.echo(_("Nie ma plików do przyjęcia ({where}).", where=", ".join(str(f) for f in files) or inbox))
    outcomes = [run_pipeline(workspace, path) for path in paths]
    for outcome in outcomes:
        echo_outcome(outcome)
    not_filed = sum(o.status in ("rejected", "retry") for o in outcomes)
    partly = sum(bool(o.set_aside) for o in outcomes)
    if not_filed:
        raise SomflowError(_("Nie przyjęto plików: {count} (powody obok nich w rejected/).", count=not_filed))
    if partly:
        raise SomflowError(
            _(
                "Przyjęto tylko część stron plików: {count} (pozostałe strony i powody w rejected/; zobacz: somflow inbox).",
                count=partly,
            )
        )
    if missing:
        raise SomflowError(_("Nie znaleziono podanych plików: {count}; nic z nimi nie zrobiono.", count=missing))


def refuse_folders_outside(inbox: Path, folders: list[Path]) -> None:
    """Stop before anything is moved when a folder outside ``inbox`` is given: ingest empties the folders it takes."""
    inbox = inbox.resolve()
    for folder in folders:
        resolved = folder.resolve()
        if resolved != inbox and inbox not in resolved.parents:
            raise SomflowError(
                _(
                    "Folder {folder} nie jest skrzynką {inbox} ani jej podfolderem. Przyjmowanie przenosi wszystkie pliki "
                    "folderu: skany do archive/, pozostałe do rejected/. Jeśli tego właśnie chcesz, dodaj --outside-inbox.",
                    folder=folder,
                    inbox=inbox,
                )
            )


#: ``somflow inbox --help`` (and its line in ``somflow --help``, which does not import the review's image code).
INBOX_HELP = (
    "Pliki do przejrzenia: odłożone w rejected/ (z powodami) i czekające w inbox/. Polecenia: assign, discard, retry."
)


@hookimpl
def somflow_register_commands(register) -> None:
    register(watch)
    register(ingest)
    register(LazyCommand("inbox", "somflow.inbox.review_cli:inbox", help=INBOX_HELP))


@hookimpl
def somflow_status(workspace: Workspace) -> list[tuple[str, str]]:
    # A note is "<file>.txt" beside its file; a rejected file may be a .txt itself.
    found = inbox_files(workspace.path("rejected"))
    notes = {filing.note_for(p) for p in found}
    rejected = [p for p in found if p not in notes]
    lines = [
        (_("Pliki oczekujące w inbox/"), str(len(inbox_files(workspace.path("inbox"))))),
        (_("Skany przyjęte do archiwum"), str(workspace.store.count(filing.SCANS))),
        (_("Pliki odrzucone (rejected/)"), str(len(rejected))),
    ]
    if rejected:
        lines.append(
            (
                _("Co z odrzuconymi"),
                _(
                    "powód każdego pliku jest w pliku .txt obok niego w {folder}; lista i polecenia: somflow inbox",
                    folder=workspace.path("rejected"),
                ),
            )
        )
    placed = placed_pages(workspace)
    if placed:
        hows = Counter(how for pages in placed.values() for how in pages.values())
        shown = ", ".join(list(placed)[:STATUS_DOCUMENTS]) + (" …" if len(placed) > STATUS_DOCUMENTS else "")
        lines.append(
            (
                _("Strony przyjęte bez odczytanego kodu QR"),
                _(
                    "{count} ({hows}); dokumenty: {ids}",
                    count=sum(hows.values()),
                    hows=", ".join(f"{_(how)}: {n}" for how, n in sorted(hows.items())),
                    ids=shown,
                ),
            )
        )
    return lines


#: How many documents with pages placed without a code ``somflow status`` names.
STATUS_DOCUMENTS = 5


def placed_pages(workspace: Workspace) -> dict[str, dict[int, str]]:
    """Documents filed with pages whose code was not read: {document id: {page: how it was placed}}, latest first."""
    found = []
    for doc in workspace.store.query("documents"):
        returned = doc.get("returned") or {}
        if returned.get("placed"):
            found.append((returned.get("at", ""), doc["id"], {p["page"]: p["how"] for p in returned["placed"]}))
    return {doc_id: pages for _at, doc_id, pages in sorted(found, reverse=True)}
