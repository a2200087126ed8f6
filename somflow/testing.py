"""pytest fixtures for somflow and for plugin authors (loaded automatically once somflow is installed).

``somflow_workspace``  a fresh demo workspace in a temporary folder (a :class:`pathlib.Path`)
``somflow_cli``        run a somflow command in that workspace through click's CliRunner
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from somflow import i18n
from somflow.config import DEMO_VALUES
from somflow.workspace import create


@pytest.fixture
def somflow_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A new demo workspace; SOMFLOW_WORKSPACE points at it and the language is Polish."""
    root = create(tmp_path / "workspace", DEMO_VALUES)
    monkeypatch.setenv("SOMFLOW_WORKSPACE", str(root))
    monkeypatch.delenv("SOMFLOW_LANG", raising=False)
    i18n.set_language("pl")
    return root


@pytest.fixture
def somflow_cli(somflow_workspace: Path) -> Callable[..., Result]:
    """``somflow_cli("status")`` runs ``somflow status`` in the workspace and returns click's Result."""
    from somflow.cli import cli

    def run(*args: str, input: str | None = None) -> Result:
        runner = CliRunner()
        result = runner.invoke(cli, ["--workspace", str(somflow_workspace), *args], input=input, catch_exceptions=False)
        i18n.set_language("pl")
        return result

    return run
