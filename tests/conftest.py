"""Shared test helpers. somflow's own fixtures (somflow_workspace, somflow_cli) come from somflow.testing."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import pytest
from store_fixtures import pg_server  # noqa: F401  (one PostgreSQL server per test process, for every module)

REPO = Path(__file__).resolve().parent.parent


def gettext_messages(paths: Iterable[Path]) -> dict[str, str]:
    """The messages these Python files show: each constant first argument of a ``_()`` call, with its "file:line"."""
    import ast

    found: dict[str, str] = {}
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "_"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found.setdefault(node.args[0].value, f"{path.name}:{node.lineno}")
    return found


def english_catalogue(package_dir: Path) -> dict[str, str]:
    """The English entries of a package's gettext catalogue (``package_dir/locale/en/LC_MESSAGES/*.po``), singular ones."""
    from somflow import i18n

    (po,) = (package_dir / "locale" / "en" / "LC_MESSAGES").glob("*.po")
    found = i18n.load(package_dir / "locale", "en", po.stem)
    return {k: v for k, v in found._catalog.items() if isinstance(k, str) and k}


@pytest.fixture(autouse=True)
def _own_command_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test lists commands with a command cache of its own, never the user's (somflow.command_cache)."""
    monkeypatch.setenv("SOMFLOW_CACHE_DIR", str(tmp_path_factory.mktemp("command-cache")))


@pytest.fixture
def cheap_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Accounts made and signed in to with argon2's testing profile (``argon2.profiles.CHEAPEST``).

    somflow hashes with argon2-cffi's default parameters, 0.16 s of CPU per hash and per
    sign-in: most of what a web test costs. Every test signed in through ``somflow_web``
    gets this (below), ``test_web.py`` all its tests, and checks that somflow itself keeps
    the defaults.
    """
    from argon2 import PasswordHasher, profiles

    from somflow.web import accounts

    monkeypatch.setattr(accounts, "_hasher", PasswordHasher.from_parameters(profiles.CHEAPEST))


@pytest.fixture(autouse=True)
def _cheap_hashes_for_somflow_web(request: pytest.FixtureRequest) -> None:
    if "somflow_web" in request.fixturenames:
        request.getfixturevalue("cheap_password_hashes")


def run_somflow(
    *args: str,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    input: str | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess:
    """Run ``python -m somflow ARGS`` as a separate process, as a user would from a terminal."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "somflow", *args],
        cwd=cwd,
        env=full_env,
        input=input,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )


@pytest.fixture
def somflow_proc():
    """The :func:`run_somflow` helper as a fixture."""
    return run_somflow
