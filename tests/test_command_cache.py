"""The cache of the plugins' commands (somflow.command_cache): ``somflow --help`` reads the same with it, and it never lies.

Behaviour only; bench/cli.py measures the time and tests/test_startup.py what a warm ``--help`` imports.
"""

from __future__ import annotations

import json
import os
import re
import stat

import pytest
import somflow_standards
from click.testing import CliRunner

from somflow import command_cache, i18n
from somflow.cli import cli


def help_text(*options: str) -> str:
    result = CliRunner().invoke(cli, [*options, "--help"], catch_exceptions=False)
    i18n.set_language("pl")
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_help_lists_the_same_commands_with_and_without_the_cache(somflow_workspace, lang):
    cold = help_text("--lang", lang)  # a full load, which writes the cache
    i18n.set_language(lang)
    assert command_cache.load(somflow_workspace) is not None  # current
    warm = help_text("--lang", lang)
    assert warm == cold
    assert "standards" in warm and "vetting" in warm


def test_a_new_workspace_plugin_command_appears_once_its_file_is_added(somflow_workspace):
    assert "hello" not in help_text()
    (somflow_workspace / "plugins").mkdir(exist_ok=True)
    (somflow_workspace / "plugins" / "greeting.py").write_text(
        "import click\n"
        "from somflow import hookimpl\n\n"
        "@hookimpl\n"
        "def somflow_register_commands(register):\n"
        "    register(click.Command('hello', help='Powitanie z wtyczki obszaru roboczego.'))\n",
        encoding="utf-8",
    )
    # the column of command names is as wide as the longest name (e.g. "interwencje"), so spaces vary
    assert re.search(r"\n  hello +Powitanie z wtyczki obszaru roboczego\.", help_text())
    assert "hello" in help_text()  # and from the rewritten cache


def test_a_broken_cache_file_is_ignored_and_written_again(somflow_workspace):
    expected = help_text()
    target = command_cache.cache_file(somflow_workspace)
    for broken in ("{not json", '{"format": 1, "fingerprint": 3}', "[]", '{"format": 1}'):
        target.write_text(broken, encoding="utf-8")
        assert help_text() == expected
        assert command_cache.load(somflow_workspace) is not None  # rewritten, current


def test_the_cache_is_owner_only_and_holds_no_workspace_path_nor_data(somflow_workspace):
    help_text()
    target = command_cache.cache_file(somflow_workspace)
    text = target.read_text(encoding="utf-8")
    assert str(somflow_workspace) not in text and somflow_workspace.name not in target.name
    assert set(json.loads(text)) == {"format", "fingerprint", "files", "catalogs", "commands"}
    if os.name != "nt":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700


def test_a_change_of_the_plugins_chosen_makes_the_cache_stale(somflow_workspace, monkeypatch):
    help_text()
    monkeypatch.setenv("SOMFLOW_PLUGINS", "standards")
    assert command_cache.load(somflow_workspace) is None
    listed = help_text()
    assert "standards" in listed and "vetting" not in listed


def test_an_edited_plugin_module_or_a_new_distribution_makes_the_cache_stale(somflow_workspace, tmp_path, monkeypatch):
    help_text()
    data = json.loads(command_cache.cache_file(somflow_workspace).read_text(encoding="utf-8"))
    edited = somflow_standards.__file__
    assert edited in data["files"]
    st = os.stat(edited)
    os.utime(edited, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    try:
        assert command_cache.load(somflow_workspace) is None  # an edited editable install
    finally:
        os.utime(edited, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert command_cache.load(somflow_workspace) is not None
    site = tmp_path / "site"
    (site / "somflow_gdynia-1.0.dist-info").mkdir(parents=True)
    (site / "somflow_gdynia-1.0.dist-info" / "entry_points.txt").write_text(
        "[somflow]\ngdynia = somflow_gdynia\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(site))
    assert command_cache.load(somflow_workspace) is None  # a distribution installed
