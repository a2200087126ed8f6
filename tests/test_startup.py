"""Start-up: ``somflow --version`` and ``--help`` load neither the PDF/image/calendar stack nor the commands' modules.

Behaviour, not time (bench/cli.py measures the time): the heavy libraries are imported where they
are used, and plugin commands are :class:`~somflow.lazy_commands.LazyCommand` stand-ins until they run.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from somflow.cli import cli
from somflow.lazy_commands import LazyCommand
from somflow.plugins import PluginHost

HEAVY = (
    "pikepdf",
    "pypdfium2",
    "reportlab",
    "cerberus",
    "holidays",
    "icalendar",
    "pypdf",
    "PIL",
    "zxingcpp",
    "yaml",
    "fontTools",
    "watchdog.observers",
    "ssl",
)

_PROBE = """
import json, sys
sys.argv = ["somflow", *json.loads(sys.argv[1])]
from somflow.cli import main
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def loaded_by(*args: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(args)], capture_output=True, text=True, check=True
    )
    return set(json.loads(result.stderr.strip().splitlines()[-1]))


def heavy(modules: set[str]) -> list[str]:
    return sorted(name for name in HEAVY if name in modules)


def test_version_imports_no_heavy_library_nor_the_plugins():
    modules = loaded_by("--version")
    assert heavy(modules) == []
    assert "pluggy" not in modules and "somflow.plugins" not in modules and "somflow.workspace" not in modules


def test_help_lists_every_command_without_importing_the_heavy_libraries(somflow_workspace):
    modules = loaded_by("--help")
    assert heavy(modules) == []
    commands_modules = {
        "somflow.forms.commands",
        "somflow.inbox.review_cli",
        "somflow_image_consent.cli",
        "somflow_niebieska_karta.commands",
        "somflow_standards.cli",
        "somflow_vetting.commands",
    }
    assert modules & commands_modules == set()


def test_a_lazy_command_runs_and_shows_its_help_like_the_real_one(somflow_workspace):
    runner = CliRunner()
    shown = runner.invoke(cli, ["--help"])
    # the name column is as wide as the longest command name, so the spaces vary
    assert re.search(r"\n  standards +Standardy ochrony małoletnich: potwierdzenia, rejestr\.\.\.", shown.output)
    own_help = runner.invoke(cli, ["standards", "--help"])
    assert own_help.exit_code == 0 and "standards [OPTIONS] COMMAND" in own_help.output
    assert "missing" in own_help.output  # the real group's subcommands


def test_every_registered_lazy_command_loads_the_command_it_names():
    commands = PluginHost().commands(reserved=set(cli.commands))
    lazy = {name: c for name, c in commands.items() if isinstance(c, LazyCommand)}
    assert {"consent", "fill", "forms", "nk", "standards", "vetting", "zgody"} <= set(lazy)
    for name, command in lazy.items():
        real = command.load()
        assert isinstance(real, click.Command) and real.name == name
        assert real.help == command.help, name  # one text: `somflow --help` says what `somflow NAME --help` says


def test_a_lazy_command_naming_the_wrong_command_is_refused():
    with pytest.raises(ValueError, match="registered as 'fill'"):
        LazyCommand("fill", "somflow.forms.commands:forms", help="x").load()


def test_help_with_a_warm_command_cache_loads_neither_pluggy_nor_the_plugins(somflow_workspace):
    loaded_by("--help")  # a full load writes the cache (somflow.command_cache)
    modules = loaded_by("--help")
    assert "pluggy" not in modules and "somflow.plugins" not in modules and "importlib.metadata" not in modules
    assert not any(name.endswith((".plugin", ".hooks")) or name == "somflow.core_plugin" for name in modules)
