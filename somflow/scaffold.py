"""``somflow plugin new NAME``: a ready, pip-installable plugin package that passes its own tests.

The package has a pyproject with the entry point in the group ``somflow``, a
module with hook implementations (a form and a local contact), one form spec
with example data, a README and tests that use somflow's pytest fixtures
(``somflow_workspace``, ``somflow_cli``). ``docs/plugins.md`` explains each
piece; the tests in ``tests/test_scaffold.py`` install the result into a fresh
virtual environment and run its tests.
"""

from __future__ import annotations

import re
from pathlib import Path

import click

from somflow import hookimpl
from somflow.errors import SomflowError
from somflow.i18n import _

NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")

PYPROJECT = """\
[build-system]
requires = ["setuptools>=69"]
build-backend = "setuptools.build_meta"

[project]
name = "@DIST@"
version = "0.1.0"
description = "Wtyczka somflow: @NAME@"
readme = "README.md"
requires-python = ">=3.11"
dependencies = ["somflow"]

[project.optional-dependencies]
test = ["pytest>=8.0"]

# somflow finds plugins through entry points in the group "somflow".
[project.entry-points.somflow]
@NAME@ = "@MODULE@"

[tool.setuptools]
packages = ["@MODULE@"]

[tool.setuptools.package-data]
@MODULE@ = ["forms/*.yaml"]

[tool.pytest.ini_options]
testpaths = ["tests"]
"""

MODULE = '''\
"""somflow plugin @NAME@: a form and a local help contact. See docs/plugins.md in somflow."""

from __future__ import annotations

from pathlib import Path

from somflow import forms, hookimpl

__version__ = "0.1.0"

FORMS = Path(__file__).parent / "forms"


@hookimpl
def somflow_register_forms(register):
    """Offer every form spec in forms/ (example data files end in .example.yaml)."""
    forms.register_folder(register, FORMS)


@hookimpl
def somflow_contacts(workspace):
    """Local help shown by `somflow contacts` and on the NK-B sheet. Replace with real contacts."""
    return [
        {
            "name": "Punkt wsparcia @NAME@ (przykład – zmień)",
            "phone": "000 000 000",
            "address": "ul. Przykładowa 1",
            "hours": "poniedziałek – piątek; 8:00 – 16:00",
            "offer": "Wsparcie psychologiczne dla dzieci i rodzin",
            "for_whom": "Dzieci, młodzież, dorośli",
        }
    ]
'''

FORM = """\
# A form spec: the single source of the form's PDF, validation and prompts (somflow docs/forms.md).
id: @FORM@
version: 1
title: {pl: "Zgłoszenie (wzór wtyczki @NAME@)", en: "Report (plugin @NAME@ template)"}
sections:
  - id: "I"
    title: {pl: "Zgłaszający", en: "Reporting person"}
    fields:
      - {name: imie_nazwisko, label: {pl: "Imię i nazwisko", en: "Name"}, required: true}
      - {name: data, label: {pl: "Data", en: "Date"}, type: date, required: true, not_future: true}
  - id: "II"
    title: {pl: "Opis", en: "Description"}
    fields:
      - {name: opis, label: {pl: "Opis sprawy", en: "Description"}, type: multiline, lines: 4, required: true}
signature:
  - {pl: "(data i czytelny podpis)", en: "(date and legible signature)"}
"""

FORM_EXAMPLE = """\
imie_nazwisko: "Zofia Żak"
data: "2026-01-15"
opis: "Przykładowy opis."
"""

TESTS = '''\
"""Tests of the plugin @NAME@, run with somflow's fixtures (a demo workspace, a CLI runner)."""

import json
from pathlib import Path

from somflow import forms

import @MODULE@

FORM = Path(@MODULE@.__file__).parent / "forms" / "@FORM@.yaml"


def test_plugin_loads_with_its_hooks(somflow_cli):
    result = somflow_cli("plugins", "--json")
    assert result.exit_code == 0, result.output
    plugin = {p["name"]: p for p in json.loads(result.stdout)}["@NAME@"]
    assert plugin["error"] is None
    assert plugin["hooks"] == ["somflow_contacts", "somflow_register_forms"]


def test_form_spec_is_valid():
    spec = forms.load_spec(FORM)
    assert spec.id == "@FORM@"


def test_form_is_listed(somflow_cli):
    result = somflow_cli("forms")
    assert result.exit_code == 0, result.output
    assert "@FORM@" in result.stdout


def test_contact_is_listed(somflow_cli):
    result = somflow_cli("contacts")
    assert result.exit_code == 0, result.output
    assert "Punkt wsparcia @NAME@" in result.stdout
'''

README = """\
# @DIST@

A somflow plugin (created by `somflow plugin new @NAME@`).

    pip install -e .[test]      # into the environment where somflow is installed
    somflow plugins             # shows "@NAME@" with its hooks
    somflow forms               # shows the form "@FORM@"
    pytest                      # the plugin's tests, with somflow's fixtures

- `@MODULE@/__init__.py` — hook implementations (see somflow's docs/plugins.md for every hook);
- `@MODULE@/forms/@FORM@.yaml` — a form spec (somflow's docs/forms.md), with example data beside it;
- `tests/` — tests using the `somflow_workspace` and `somflow_cli` fixtures.
"""


def files_for(name: str) -> dict[str, str]:
    """The package's files, ``{relative path: text}``, for plugin ``name``."""
    tokens = {
        "@NAME@": name,
        "@DIST@": "somflow-" + name.replace("_", "-"),
        "@MODULE@": "somflow_" + name,
        "@FORM@": name.replace("_", "-") + "-zgloszenie",
    }
    module, form = tokens["@MODULE@"], tokens["@FORM@"]
    layout = {
        "pyproject.toml": PYPROJECT,
        "README.md": README,
        f"{module}/__init__.py": MODULE,
        f"{module}/forms/{form}.yaml": FORM,
        f"{module}/forms/{form}.example.yaml": FORM_EXAMPLE,
        f"tests/test_{name}.py": TESTS,
    }
    out = {}
    for path, text in layout.items():
        for token, value in tokens.items():
            text = text.replace(token, value)
        out[path] = text
    return out


def create_plugin(name: str, parent: Path) -> Path:
    """Write the package for plugin ``name`` into ``parent/somflow-<name>``; return its folder."""
    if not NAME.fullmatch(name):
        raise SomflowError(
            _(
                "Niepoprawna nazwa wtyczki „{name}”: użyj małych liter łacińskich, cyfr i podkreślenia, "
                "zaczynając od litery (np. gdansk albo sopot_szkoly).",
                name=name,
            )
        )
    target = parent / ("somflow-" + name.replace("_", "-"))
    if target.exists() and any(target.iterdir()):
        raise SomflowError(
            _("Folder {path} już istnieje i nie jest pusty; wybierz inną nazwę albo folder (--directory).", path=target)
        )
    for relative, text in files_for(name).items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="\n") as f:  # source code, no personal data
            f.write(text)
    return target


@click.group(name="plugin", help="Narzędzia dla autorów wtyczek.")
def plugin_group() -> None:
    pass


@plugin_group.command(name="new", help="Utwórz gotowy pakiet wtyczki NAME (pyproject, hak, formularz, testy).")
@click.argument("name")
@click.option(
    "--directory",
    "-d",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder, w którym powstanie somflow-NAME.",
)
def new(name: str, directory: Path) -> None:
    target = create_plugin(name, directory.resolve())
    click.echo(_("Utworzono wtyczkę {name} w {path}.", name=name, path=target))
    click.echo(
        _(
            'Zainstaluj ją: pip install -e "{path}[test]", sprawdź: somflow plugins, uruchom jej testy: pytest "{path}"',
            path=target,
        )
    )


@hookimpl
def somflow_register_commands(register) -> None:
    register(plugin_group)
