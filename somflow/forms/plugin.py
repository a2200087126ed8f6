"""The forms engine as a core plugin: ``somflow forms`` and ``somflow fill``, imported when they run."""

from __future__ import annotations

from somflow import hookimpl
from somflow.lazy_commands import LazyCommand

FORMS_HELP = "Formularze: lista, szczegóły, szablony PDF, przykładowe dane."
FILL_HELP = (
    "Wypełnij formularz: z pliku --data (JSON, YAML, CSV — jeden formularz na wiersz) albo pytając o każde pole."
)


@hookimpl
def somflow_register_commands(register) -> None:
    register(LazyCommand("forms", "somflow.forms.commands:forms", help=FORMS_HELP))
    register(LazyCommand("fill", "somflow.forms.commands:fill", help=FILL_HELP))


@hookimpl
def somflow_web_pages(register) -> None:
    from somflow.forms.web import PAGES

    for page in PAGES:
        register(page)
