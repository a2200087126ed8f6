"""A workspace built once per test module, and a copy of it for each test that changes it.

Walking a case through the CLI prints its PDFs, a second or more of CPU; several tests of a
module often start from the same case. :func:`built_once` builds it in a module-scoped
fixture (a new demo workspace, as ``somflow_workspace`` makes, driven as ``somflow_cli``
drives it); a test that only reads what was built uses it as it is, a test that changes it
gets its own copy with :func:`copy_into`. A copy is a whole workspace: the store holds no
absolute path, so it works wherever it lands.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import Result

from somflow import i18n
from somflow.config import DEMO_VALUES
from somflow.testing import run_cli
from somflow.workspace import create


@contextmanager
def built_once(
    factory: pytest.TempPathFactory, env: dict[str, str] | None = None
) -> Iterator[tuple[Path, Callable[..., Result]]]:
    """A new demo workspace and ``cli(*args)`` for it; ``env`` (``SOMFLOW_TODAY``...) is set while the block runs."""
    folder = factory.mktemp("built")
    root = create(folder / "workspace", DEMO_VALUES)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOMFLOW_WORKSPACE", str(root))
        patch.setenv("SOMFLOW_CACHE_DIR", str(folder / "command-cache"))
        patch.delenv("SOMFLOW_LANG", raising=False)
        for name, value in (env or {}).items():
            patch.setenv(name, value)
        i18n.set_language("pl")

        def cli(*args: str, input: str | None = None) -> Result:
            return run_cli(root, *args, input=input)

        yield root, cli


def copy_into(template: Path, root: Path) -> Path:
    """Make ``root`` a copy of ``template``, replacing the workspace there (a test's ``somflow_workspace``); ``root``."""
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(template, root)
    return root
