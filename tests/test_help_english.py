"""``somflow --lang en ... --help`` in English for every command of the core and the built-in plugins.

Help texts are Polish in the code and translated when click renders them, so the whole command
tree is walked as ``somflow --help`` shows it (plugins loaded) and every command's help is rendered
in both languages.
"""

from __future__ import annotations

import re

import click
import pytest
from conftest import run_somflow

from somflow import i18n
from somflow.cli import App, cli
from somflow.click_help import help_key, translate
from somflow.lazy_commands import LazyCommand

POLISH_LETTERS = re.compile("[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]")
#: Proper names that stay Polish in English help.
ALLOWED_POLISH = ("Niebieskie Karty", "Niebieska Karta")


def _walk(ctx: click.Context, path: tuple[str, ...] = ()):
    command = ctx.command
    yield path, command
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if isinstance(sub, LazyCommand):  # what `somflow NAME` runs
                sub = sub.load()
            if sub is not None and not sub.hidden:
                yield from _walk(click.Context(sub, parent=ctx, info_name=name), (*path, name))


@pytest.fixture
def command_tree(somflow_workspace) -> list[tuple[tuple[str, ...], click.Command]]:
    ctx = click.Context(cli, info_name="somflow", obj=App(str(somflow_workspace), 0))
    tree = list(_walk(ctx))
    # the built-in plugins' commands are in the tree
    assert {("nk",), ("vetting",), ("consent",), ("standards",), ("standards", "ack", "print")} <= {
        path for path, _ in tree
    }
    return tree


def _help_texts(command: click.Command) -> list[str]:
    texts = [command.help, command.short_help, command.epilog]
    for param in command.params:
        texts += [getattr(param, "help", None), param.metavar]
    return [text for text in texts if text]


def _flat(text: str) -> str:
    """Without whitespace: click wraps lines (also after a hyphen)."""
    return "".join(text.split())


def _polish_words(text: str) -> list[str]:
    for name in ALLOWED_POLISH:
        text = text.replace(name, "")
    return [word for word in text.split() if POLISH_LETTERS.search(word)]


def test_every_help_text_has_an_english_translation(command_tree):
    i18n.set_language("en")
    try:
        missing = {text for _, command in command_tree for text in _help_texts(command) if translate(text) == text}
    finally:
        i18n.set_language("pl")
    assert not missing, "help texts without an English entry in a .po catalogue:\n" + "\n".join(sorted(missing))


def test_english_help_of_every_command_has_no_polish(somflow_cli, command_tree):
    leftovers = {}
    for path, command in command_tree:
        result = somflow_cli("--lang", "en", *path, "--help")
        assert result.exit_code == 0, (path, result.output)
        assert result.output.startswith("Usage: "), result.output
        assert "Show this message and exit." in result.output
        if words := _polish_words(result.output):
            leftovers[" ".join(path)] = words
        if command.help:
            i18n.set_language("en")
            english = translate(command.help)
            i18n.set_language("pl")
            assert _flat(help_key(english)) in _flat(result.output)
    assert not leftovers, leftovers


def test_polish_help_is_unchanged_by_default(somflow_cli, command_tree):
    for path, command in command_tree:
        result = somflow_cli(*path, "--help")
        assert result.exit_code == 0, (path, result.output)
        output = _flat(result.output)
        assert output.startswith("Użycie:"), result.output
        assert "Pokażtępomocizakończ." in output
        assert "Showthismessage" not in output
        for text in _help_texts(command):
            assert _flat(help_key(text)) in output, (path, text)


def test_short_help_in_command_lists_is_translated_before_shortening(somflow_cli):
    output = somflow_cli("--lang", "en", "--help").output
    listed = dict(line.split(None, 1) for line in output.split("Commands:")[1].strip().splitlines())
    assert listed["vetting"].startswith("Vetting of people before they work with children")
    assert listed["nk"].startswith('The "Blue Cards" procedure')
    assert listed["standards"].startswith("Child protection standards:")
    assert not any(_polish_words(text) for text in listed.values())


def test_environment_variable_chooses_english_help(somflow_workspace):
    # a fresh process: the plugins' help texts are made before the language is known
    result = run_somflow("--workspace", str(somflow_workspace), "vetting", "add", "--help", env={"SOMFLOW_LANG": "en"})
    assert result.returncode == 0, result.stderr
    assert "First name." in result.stdout and "Contract type: umowa-o-prace (employment contract)" in result.stdout
    assert "Options:" in result.stdout and "Imię." not in result.stdout
    root = run_somflow("--workspace", str(somflow_workspace), "--help", env={"SOMFLOW_LANG": "en"}).stdout
    assert "--workspace DIRECTORY  Workspace folder." in root and "Show the version and exit." in root


def test_english_environment_then_polish_option_gives_polish_help(somflow_workspace):
    # click's own texts (--help, --version) made while English was current are shown in Polish too
    result = run_somflow("--workspace", str(somflow_workspace), "--lang", "pl", "--help", env={"SOMFLOW_LANG": "en"})
    assert result.returncode == 0, result.stderr
    assert "Pokaż tę pomoc i zakończ." in result.stdout and "Pokaż wersję i zakończ." in result.stdout
    assert "Show the" not in result.stdout
    assert "Folder obszaru roboczego." in result.stdout
    assert "--workspace FOLDER" in result.stdout  # click.Path's type name, made in English


def test_metavars_are_translated(somflow_cli):
    step = somflow_cli("--lang", "en", "nk", "step", "--help").output
    assert "nk step [OPTIONS] CASE STEP" in step
    assert "SPRAWA" not in step and "KROK" not in step
    deadlines = somflow_cli("--lang", "en", "deadlines", "--help").output
    assert "YYYY-MM-DD" in deadlines and "RRRR" not in deadlines
    assert "--today RRRR-MM-DD" in somflow_cli("deadlines", "--help").output
