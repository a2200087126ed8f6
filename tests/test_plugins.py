"""Plugins: a separately installed package, workspace plugins, failures, SOMFLOW_PLUGINS."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import run_somflow

from somflow import hookimpl

TINY_PLUGIN = {
    "pyproject.toml": """
        [build-system]
        requires = ["setuptools>=61"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "somflow-tiny-gmina"
        version = "1.2.3"

        [project.entry-points.somflow]
        tiny_gmina = "somflow_tiny_gmina"
        broken_gmina = "somflow_broken_gmina"

        [tool.setuptools]
        py-modules = ["somflow_tiny_gmina", "somflow_broken_gmina"]
    """,
    "somflow_tiny_gmina.py": """
        import click
        import somflow

        @somflow.hookimpl
        def somflow_register_commands(register):
            @click.command(name="gmina-hello")
            def hello():
                click.echo("Dzień dobry z gminy")
            register(hello)

        @somflow.hookimpl
        def somflow_register_forms(register):
            pass
    """,
    "somflow_broken_gmina.py": """
        import a_module_that_is_not_installed
    """,
}


@pytest.fixture(scope="module")
def tiny_site(tmp_path_factory) -> Path:
    """The tiny plugin package built and pip-installed into a folder of its own (not into the test env)."""
    src = tmp_path_factory.mktemp("tiny_src")
    for name, text in TINY_PLUGIN.items():
        (src / name).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    site = tmp_path_factory.mktemp("tiny_site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(src)],
        check=True,
    )
    return site


@pytest.mark.slow
def test_pip_installed_plugin_adds_a_command_without_core_changes(somflow_workspace, tiny_site):
    env = {"PYTHONPATH": str(tiny_site)}
    result = run_somflow("gmina-hello", env=env)
    assert result.returncode == 0, result.stderr
    assert "Dzień dobry z gminy" in result.stdout

    listing = json.loads(run_somflow("plugins", "--json", env=env).stdout)
    tiny = next(p for p in listing if p["name"] == "tiny_gmina")
    assert tiny["version"] == "1.2.3" and "somflow-tiny-gmina" in tiny["source"]
    assert tiny["hooks"] == ["somflow_register_commands", "somflow_register_forms"]


@pytest.mark.slow
def test_a_plugin_that_fails_to_import_is_reported_and_others_work(somflow_workspace, tiny_site):
    env = {"PYTHONPATH": str(tiny_site)}
    listing = run_somflow("plugins", env=env)
    assert listing.returncode == 0
    assert "broken_gmina" in listing.stdout and "ModuleNotFoundError" in listing.stdout
    assert "a_module_that_is_not_installed" in listing.stdout
    status = run_somflow("status", env=env)
    assert status.returncode == 0 and "Wtyczka broken_gmina nie działa" in status.stdout
    assert run_somflow("gmina-hello", env=env).returncode == 0


def test_builtin_plugins_load_through_entry_points(somflow_workspace):
    listing = json.loads(run_somflow("plugins", "--json").stdout)
    builtin = {p["name"]: p for p in listing if p["source"] == "wbudowana"}
    assert {"niebieska_karta", "vetting", "image_consent"} <= set(builtin)


def test_somflow_plugins_env_limits_what_loads(somflow_workspace):
    listing = json.loads(run_somflow("plugins", "--json", env={"SOMFLOW_PLUGINS": "vetting"}).stdout)
    names = {p["name"] for p in listing if not p["name"].startswith("core")}
    assert names == {"vetting"}


def test_workspace_plugin_file_adds_a_command(somflow_workspace):
    folder = somflow_workspace / "plugins"
    folder.mkdir()
    (folder / "lokalna.py").write_text(
        textwrap.dedent("""
            import click
            import somflow
            __version__ = "0.0.1"

            @somflow.hookimpl
            def somflow_register_commands(register):
                register(click.Command("lokalne", callback=lambda: click.echo("z obszaru roboczego")))
                register(click.Command("odmowa", callback=lambda: click.get_current_context().exit(4)))

            @somflow.hookimpl
            def somflow_status(workspace):
                return [("Lokalna wtyczka", "działa")]
        """),
        encoding="utf-8",
    )
    assert "z obszaru roboczego" in run_somflow("lokalne").stdout
    assert run_somflow("odmowa").returncode == 4  # a plugin command's own exit code reaches the shell
    assert "Lokalna wtyczka: działa" in run_somflow("status").stdout
    listing = json.loads(run_somflow("plugins", "--json").stdout)
    local = next(p for p in listing if p["name"] == "lokalna")
    assert local["version"] == "0.0.1" and "obszar roboczy" in local["source"]


def test_misspelled_hook_and_command_clash_are_reported(somflow_workspace):
    folder = somflow_workspace / "plugins"
    folder.mkdir()
    (folder / "literowka.py").write_text(
        "import somflow\n\n@somflow.hookimpl\ndef somflow_dedlines(workspace, today):\n    return []\n",
        encoding="utf-8",
    )
    (folder / "kolizja.py").write_text(
        "import click, somflow\n\n@somflow.hookimpl\ndef somflow_register_commands(register):\n"
        "    register(click.Command('status', callback=lambda: None))\n",
        encoding="utf-8",
    )
    listing = {p["name"]: p for p in json.loads(run_somflow("plugins", "--json").stdout)}
    assert "somflow_dedlines" in listing["literowka"]["error"]
    assert "polecenie status już istnieje" in listing["kolizja"]["error"]
    assert "Jednostka" in run_somflow("status").stdout  # the core command still wins


def test_addressee_comes_from_the_first_plugin_that_knows_it(somflow_workspace):
    from somflow.plugins import PluginHost
    from somflow.workspace import Workspace

    workspace = Workspace(somflow_workspace, PluginHost(somflow_workspace))
    assert (
        workspace.hook.somflow_addressee(workspace=workspace, role="zespol_interdyscyplinarny")["address"]
        == "ul. Morska 106, 81-225 Gdynia"
    )
    assert (
        workspace.hook.somflow_addressee(workspace=workspace, role="sad_rodzinny") is None
    )  # no [sad_rodzinny] section

    class Municipality:
        @hookimpl
        def somflow_addressee(self, workspace, role):
            return {"name": "ZI gminy", "address": "ul. Miejska 1"} if role == "zespol_interdyscyplinarny" else None

    workspace.plugins.pm.register(Municipality(), name="gmina")
    assert workspace.hook.somflow_addressee(workspace=workspace, role="zespol_interdyscyplinarny")["name"] == "ZI gminy"
