"""The register of people as a core feature: the ``somflow people`` commands (Polish: ``somflow osoby``)."""

from __future__ import annotations

from somflow import hookimpl
from somflow.lazy_commands import LazyCommand

PEOPLE_HELP = "Rejestr osób placówki (dzieci, rodzice, pracownicy, wolontariusze): lista, szczegóły, import listy klasy, odejście, eksport danych osoby; także: somflow osoby."


@hookimpl
def somflow_register_commands(register) -> None:
    register(LazyCommand("people", "somflow.people.commands:people", help=PEOPLE_HELP))
    register(LazyCommand("osoby", "somflow.people.commands:osoby", help=PEOPLE_HELP, hidden=True))
    register(LazyCommand("person", "somflow.people.commands:person", help=PEOPLE_HELP, hidden=True))
    register(LazyCommand("osoba", "somflow.people.commands:osoba", help=PEOPLE_HELP, hidden=True))


@hookimpl
def somflow_web_pages(register) -> None:
    from somflow.people.web import PAGES

    for page in PAGES:
        register(page)
