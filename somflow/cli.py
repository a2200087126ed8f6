"""The ``somflow`` command line: global options, core commands, plugin commands.

Plugins are loaded before click resolves a subcommand (the group's options,
``--workspace`` among them, are parsed first), so commands from the
workspace's own plugins folder are available like any other.
"""

from __future__ import annotations

import logging
import sys
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import click

from somflow import __version__, click_help, i18n
from somflow.errors import ConfigError, SomflowError, os_error_message
from somflow.i18n import _
from somflow.user_errors import show

if TYPE_CHECKING:
    from somflow.plugins import PluginHost
    from somflow.workspace import Workspace

# Only what ``somflow --version`` and ``--help`` need is imported above: the workspace, the
# store, the plugins and every command's module are imported when a command needs them
# (bench/cli.py measures it; tests/test_startup.py holds it).


class App:
    """What every command needs: the chosen workspace and the loaded plugins, resolved lazily."""

    def __init__(self, workspace_option: str | None, verbose: int):
        self.workspace_option = workspace_option
        self.verbose = verbose

    @cached_property
    def root(self) -> Path | None:
        from somflow.workspace_root import find_root

        return find_root(self.workspace_option)

    @cached_property
    def plugins(self) -> PluginHost:
        from somflow.plugins import PluginHost

        root = self.root
        return PluginHost(root if root and root.is_dir() else None)

    @cached_property
    def workspace(self) -> Workspace:
        from somflow.workspace import Workspace

        if self.root is None:
            raise ConfigError(
                _(
                    "Nie znaleziono obszaru roboczego (pliku somflow.toml) w tym folderze ani wyżej. "
                    "Podaj --workspace FOLDER, ustaw SOMFLOW_WORKSPACE albo utwórz go: somflow init FOLDER"
                )
            )
        return Workspace(self.root, self.plugins)


def pass_app(f):
    return click.pass_obj(f)


i18n.bind_click()  # click's own messages in Polish (somflow/locale/pl/LC_MESSAGES/click.po)
click_help.install(i18n.click_words("pl"))
_verbosity = {"level": 0}  # read by main() to decide whether to show a traceback
_LISTED = "somflow.listed_commands"  # ctx.meta: the plugins' commands as --help lists them
_LISTING = "somflow.listing"  # ctx.meta: --help is listing the commands


class SomflowGroup(click.Group):
    """A click group that adds the plugins' commands after the global options are parsed."""

    def _app(self, ctx: click.Context) -> App:
        if ctx.obj is None:  # --help before the callback ran
            ctx.obj = App(ctx.params.get("workspace"), ctx.params.get("verbose", 0))
        return ctx.obj

    def _plugin_commands(self, ctx: click.Context) -> dict[str, click.Command]:
        return self._app(ctx).plugins.commands(reserved=set(self.commands))

    def _listed_commands(self, ctx: click.Context) -> dict[str, click.Command]:
        """The plugins' commands to list: from :mod:`somflow.command_cache` while it is current, else loaded (and cached)."""
        if _LISTED not in ctx.meta:
            from somflow import command_cache

            app = self._app(ctx)
            listed = command_cache.load(app.root)
            if listed is None:
                listed = self._plugin_commands(ctx)
                command_cache.save(app.root, app.plugins, listed)
            ctx.meta[_LISTED] = listed
        return ctx.meta[_LISTED]

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self._listed_commands(ctx)})

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        ctx.meta[_LISTING] = True  # get_command may answer with the cached stand-ins, which only describe a command
        try:
            super().format_commands(ctx, formatter)
        finally:
            del ctx.meta[_LISTING]

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        """The command ``name``; a plugin's :class:`~somflow.lazy_commands.LazyCommand` is imported only when it runs."""
        if ctx.meta.get(_LISTING):
            return self.commands.get(name) or self._listed_commands(ctx).get(name)
        return self.commands.get(name) or self._plugin_commands(ctx).get(name)


@click.group(cls=SomflowGroup, help="somflow — standardy ochrony małoletnich: formularze, skrzynka skanów, terminy.")
@click.option(
    "--workspace", "-w", type=click.Path(file_okay=False), envvar="SOMFLOW_WORKSPACE", help="Folder obszaru roboczego."
)
@click.option(
    "--lang",
    type=click.Choice(i18n.LANGUAGES),
    envvar="SOMFLOW_LANG",
    default="pl",
    is_eager=True,  # set before click resolves the subcommand, so its errors are in this language
    callback=lambda _ctx, _param, value: i18n.set_language(value),
    help="Język komunikatów (pl/en).",
)
@click.option("-v", "--verbose", count=True, help="Więcej szczegółów; przy błędzie pełny ślad (traceback).")
@click.option(
    "--log-file",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="SOMFLOW_LOG_FILE",
    help="Dopisuj komunikaty dziennika (bez numerów PESEL i nazwisk) do tego pliku.",
)
@click.version_option(__version__, prog_name="somflow")
@click.pass_context
def cli(ctx: click.Context, workspace: str | None, lang: None, verbose: int, log_file: Path | None) -> None:
    from somflow.logs import setup_logging

    setup_logging(verbose, log_file)
    _verbosity["level"] = verbose
    ctx.obj = App(workspace, verbose)


@cli.command(help="Utwórz obszar roboczy: somflow.toml, inbox/, archive/, rejected/ i magazyn danych.")
@click.argument("directory", type=click.Path(file_okay=False), default=".")
@click.option("--demo", is_flag=True, help="Wypełnij przykładowymi danymi placówki (do prób).")
@pass_app
def init(app: App, directory: str, demo: bool) -> None:
    from somflow.config import BLANK_VALUES, DEMO_VALUES
    from somflow.workspace import create

    root = Path(directory).resolve()
    create(root, DEMO_VALUES if demo else BLANK_VALUES)
    click.echo(
        _("Utworzono obszar roboczy w {root}. Uzupełnij dane placówki w {file}.", root=root, file=root / "somflow.toml")
    )


@cli.command(help="Pokaż wtyczki: wersję, pochodzenie i zaimplementowane haki.")
@click.option("--json", "as_json", is_flag=True, help="Wynik jako JSON.")
@pass_app
def plugins(app: App, as_json: bool) -> None:
    import json
    from dataclasses import asdict

    host = app.plugins
    from somflow.config import SCHEMA

    host.commands(reserved=set(cli.commands))  # name clashes show up as errors
    host.config_schemas(reserved=set(SCHEMA))
    if as_json:
        click.echo(json.dumps([asdict(i) for i in host.infos], ensure_ascii=False, indent=2))
        return
    for info in host.infos:
        click.echo(f"{info.name}  {info.version}  [{info.source}]")
        if info.error:
            click.secho("    " + _("BŁĄD: {error}", error=info.error), fg="red")
        elif info.hooks:
            click.echo("    " + _("haki: {hooks}", hooks=", ".join(info.hooks)))


@cli.command(help="Stan placówki: magazyn danych, skrzynka skanów, terminy, wtyczki.")
@pass_app
def status(app: App) -> None:
    from somflow.status import lines

    for label, value in lines(app.workspace):
        click.echo(f"{label}: {value}")


def _log_traceback() -> None:
    """The traceback of the exception being handled, through the logging handlers (PESEL filter, --log-file)."""
    if any(getattr(h, "_somflow", False) for h in logging.getLogger().handlers):
        logging.getLogger("somflow.cli").error("traceback", exc_info=True)
    else:  # failed before the logging set-up
        import traceback

        traceback.print_exc()


def tolerant_output() -> None:
    """Output redirected to a file on Windows is in the code page (cp1250): a name in Cyrillic
    or any character outside it must print as ``?``, not stop the command half-way."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI, turning known errors into Polish messages and exit codes."""
    tolerant_output()
    try:
        # Without standalone mode click returns a command's ctx.exit(n) code instead of exiting.
        code = cli.main(args=argv, prog_name="somflow", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo(_("Przerwano."), err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except SomflowError as exc:
        if _verbosity["level"]:
            _log_traceback()
        sys.exit(show(exc))
    except OSError as exc:  # a file or folder given by the user cannot be read or written
        if _verbosity["level"]:
            _log_traceback()
        click.secho(os_error_message(exc), err=True, fg="red")
        sys.exit(1)
    except Exception as exc:
        if _verbosity["level"]:
            _log_traceback()
        click.secho(
            _(
                "Nieoczekiwany błąd: {error}. Uruchom polecenie z opcją -v, aby zobaczyć szczegóły.",
                error=type(exc).__name__,
            ),
            err=True,
            fg="red",
        )
        sys.exit(1)
    if isinstance(code, int) and code:
        sys.exit(code)
