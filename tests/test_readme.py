"""The README's two commands work from a fresh clone, in a new virtual environment."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest
from conftest import REPO


def readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```\n(.*?)```", text, re.S)
    assert block and text.index(block.group(0)) < 200, "README must open with the command block"
    return block.group(1).strip().splitlines()


def test_readme_opens_with_exactly_two_commands():
    assert readme_commands() == ["python3 run.py demo", "python3 run.py test"]
    assert "python3 run.py test" in (REPO / ".ci" / "run").read_text()


@pytest.mark.slow
def test_readme_commands_from_a_fresh_clone(tmp_path):
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
    python = shutil.which("python3") or sys.executable
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "SOMFLOW_WORKSPACE", "PYTHONPATH")}
    demo = subprocess.run([python, "run.py", "demo"], cwd=clone, env=env, capture_output=True, text=True, timeout=900)
    assert demo.returncode == 0, demo.stdout[-3000:] + demo.stderr[-3000:]
    assert "Jednostka: Szkoła Podstawowa nr 7" in demo.stdout
    assert "niebieska_karta" in demo.stdout
    # Not a terminal here, so the scan is named by its label, not its name (docs/inbox.md).
    assert "Przyjęto file#" in demo.stdout and "Skany przyjęte do archiwum: 1" in demo.stdout
    # The test command, on one module so the suite does not run itself recursively.
    tests = subprocess.run(
        [python, "run.py", "test", "tests/test_cli.py", "-q"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert tests.returncode == 0, tests.stdout[-3000:] + tests.stderr[-3000:]
    assert re.search(r"\d+ passed", tests.stdout)
