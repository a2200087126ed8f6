"""``somflow people`` (Polish: ``somflow osoby``): the shared face of the register of the unit's people.

``list`` and ``show`` read it, ``import`` takes a class list (children, or with ``--rodzice``
their parents; the HR list is imported by ``somflow vetting import``), ``leave`` (``odejscie``)
records that a person left: their deadlines and reminders stop, their records stay.
Every command only calls :mod:`somflow.people.register` / :mod:`somflow.people.imports`.
"""

from __future__ import annotations

from pathlib import Path

import click

from somflow import calendar
from somflow.correction_commands import user_errors
from somflow.i18n import _
from somflow.people import classlist, register
from somflow.people.plugin import PEOPLE_HELP

KIND_CHOICE = click.Choice([*register.KINDS, *register.KIND_LABELS.values()])


def _kind(value: str | None) -> list[str] | None:
    if not value:
        return None
    by_label = {label: kind for kind, label in register.KIND_LABELS.items()}
    return [by_label.get(value, value)]


def _line(person: dict) -> str:
    kind = _(register.KIND_LABELS.get(person.get("kind"), person.get("kind") or ""))
    group = _("klasa {group}", group=person["group"]) if person.get("group") else ""
    left = _("odeszła/odszedł {date}", date=person["left_on"]) if person.get("left_on") else ""
    parts = [p for p in (kind, group, person.get("role") or "", left) if p]
    return f"{register.number(person):>4}  {register.display_name(person):<30} " + ", ".join(parts)


@click.command("list", help="Wypisz osoby z rejestru (bez tych, które odeszły; --all: wszystkie).")
@click.option("--kind", "--rodzaj", "kind", type=KIND_CHOICE, help="Tylko ten rodzaj osób.")
@click.option("--group", "--klasa", "group", help="Tylko ta klasa / grupa.")
@click.option("--all", "--wszystkie", "everyone", is_flag=True, help="Także osoby, które odeszły.")
@click.pass_obj
@user_errors
def list_people(app, kind: str | None, group: str | None, everyone: bool) -> None:
    people = register.listing(
        app.workspace.store, _kind(kind), [group] if group else None, include_left=everyone, on=calendar.today()
    )
    if not people:
        click.echo(
            _(
                "Brak osób w rejestrze. Zaimportuj listę klasy (somflow people import PLIK.csv) albo listę kadr (somflow vetting import PLIK.csv)."
            )
        )
    for person in people:
        click.echo(_line(person))


@click.command("show", help="Pokaż dane osoby z rejestru (numer, identyfikator, PESEL albo imię i nazwisko).")
@click.argument("ref")
@click.pass_obj
@user_errors
def show(app, ref: str) -> None:
    person = register.find(app.workspace.store, ref)
    click.echo(_line(person))
    for label, value in register.facts(person):
        click.echo(f"  {label}: {value}")
    for name, contact in register.guardians(person):
        click.echo("  " + _("Rodzic/opiekun: {name}", name=name) + (f" ({contact})" if contact else ""))


@click.command(
    "import",
    help="Zaimportuj albo zaktualizuj dzieci (albo --rodzice: ich rodziców) z listy klasy; powtórny import zmienia tylko to, co się zmieniło. Listę kadr importuje: somflow vetting import.",
)
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--rodzice", "--parents", "parents", is_flag=True, help="Zaimportuj rodziców wymienionych na liście klasy."
)
@click.option("--dry-run", "--proba", "dry_run", is_flag=True, help="Pokaż, co by się zmieniło, niczego nie zapisując.")
@click.pass_obj
@user_errors
def import_people(app, csv_file: Path, parents: bool, dry_run: bool) -> None:
    report = classlist.import_file(app.workspace.store, csv_file, parents=parents, dry_run=dry_run)
    for line in report.lines():
        click.echo(line)


@click.command(
    "leave",
    help="Zapisz, że osoba odeszła z placówki: jej terminy i przypomnienia ustają, zapisy zostają w historii; także: odejscie.",
)
@click.argument("ref")
@click.option("--date", "--data", "day", required=True, help="Dzień odejścia (RRRR-MM-DD albo DD.MM.RRRR).")
@click.pass_obj
@user_errors
def leave(app, ref: str, day: str) -> None:
    store = app.workspace.store
    person = register.mark_left(store, register.find(store, ref), calendar.option_date(day, "--date"))
    click.echo(
        _(
            "Osoba nr {nr} odeszła z placówki z dniem {date}: jej terminy i przypomnienia ustają, zapisy zostają w historii.",
            nr=register.number(person),
            date=person["left_on"],
        )
    )


@click.command(
    "export",
    help="Zapisz wszystko, co placówka przechowuje o osobie, jako archiwum ZIP: podsumowanie PDF i pliki (tylko dla właściciela); także: eksport.",
)
@click.argument("ref")
@click.option(
    "--out",
    "--plik",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Dokąd zapisać archiwum (domyślnie exports/osoba-NUMER-DATA.zip).",
)
@click.pass_obj
@user_errors
def export_person(app, ref: str, out: Path | None) -> None:
    from somflow.people import export

    workspace = app.workspace
    written = export.write_export(workspace, register.find(workspace.store, ref), calendar.today(), out)
    click.echo(
        _(
            "Zapisano {path} (tylko dla właściciela): podsumowanie PDF, dokumenty: {documents}, skany: {scans}.",
            path=written.path,
            documents=written.documents,
            scans=written.scans,
        )
    )
    if written.withheld:
        click.echo(
            _(
                "Dokumenty z danymi innych osób nie zostały dołączone (wymienia je podsumowanie): {count}.",
                count=written.withheld,
            )
        )


def _alias(command: click.Command, name: str) -> click.Command:
    return click.Command(name, params=command.params, callback=command.callback, help=command.help, hidden=True)


def _group(name: str, hidden: bool = False) -> click.Group:
    group = click.Group(name, help=PEOPLE_HELP, hidden=hidden)
    for command in (list_people, show, import_people, leave, export_person):
        group.add_command(command)
    group.add_command(_alias(leave, "odejscie"))
    group.add_command(_alias(export_person, "eksport"))
    return group


people = _group("people")
osoby = _group("osoby", hidden=True)
# ``somflow person export`` / ``somflow osoba eksport`` read better for one person.
person = _group("person", hidden=True)
osoba = _group("osoba", hidden=True)
