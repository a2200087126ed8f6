"""``somflow plugin new NAME``: the package it writes installs, loads and passes its own tests."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

import pytest
import yaml
from conftest import REPO, run_somflow

from somflow import forms


def scaffold(tmp_path: Path, name: str = "gdansk") -> Path:
    result = run_somflow("plugin", "new", name, "--directory", str(tmp_path))
    assert result.returncode == 0, result.stderr
    target = tmp_path / f"somflow-{name.replace('_', '-')}"
    assert f"Utworzono wtyczkę {name} w {target}" in result.stdout
    return target


def test_the_package_has_an_entry_point_a_hook_a_form_and_tests(tmp_path):
    target = scaffold(tmp_path, "sopot_szkoly")
    meta = tomllib.loads((target / "pyproject.toml").read_text(encoding="utf-8"))
    assert meta["project"]["name"] == "somflow-sopot-szkoly"
    assert meta["project"]["entry-points"]["somflow"] == {"sopot_szkoly": "somflow_sopot_szkoly"}
    spec = forms.load_spec(target / "somflow_sopot_szkoly" / "forms" / "sopot-szkoly-zgloszenie.yaml")
    assert (
        spec.id == "sopot-szkoly-zgloszenie"
        and spec.example
        and spec.example.name == "sopot-szkoly-zgloszenie.example.yaml"
    )
    example = yaml.safe_load(spec.example.read_text(encoding="utf-8"))
    assert set(example) == {f.name for _s, f in spec.fields()}
    assert "def test_" in (target / "tests" / "test_sopot_szkoly.py").read_text(encoding="utf-8")


def test_bad_name_and_existing_folder_are_refused(tmp_path):
    bad = run_somflow("plugin", "new", "Gdańsk", "--directory", str(tmp_path))
    assert bad.returncode == 1 and "Niepoprawna nazwa wtyczki „Gdańsk”" in bad.stderr
    assert not any(tmp_path.iterdir())
    scaffold(tmp_path)
    again = run_somflow("plugin", "new", "gdansk", "--directory", str(tmp_path))
    assert again.returncode == 1 and "już istnieje i nie jest pusty" in again.stderr


def run_plugin_tests(python: str, target: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    args = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist"]
    return subprocess.run(args, cwd=target, env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.slow  # pip-installs the package and runs its tests
def test_the_package_installed_beside_somflow_passes_its_tests(tmp_path):
    target = scaffold(tmp_path)
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(target)], check=True
    )
    shutil.rmtree(target / "build", ignore_errors=True)
    env = {**os.environ, "PYTHONPATH": str(site)}
    result = run_plugin_tests(sys.executable, target, env)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    listing = {p["name"]: p for p in json.loads(run_somflow("plugins", "--json", env=env).stdout)}
    assert listing["gdansk"]["source"] == "pakiet somflow-gdansk"


@pytest.mark.slow
def test_scaffold_in_a_fresh_virtual_environment(tmp_path):
    """The acceptance path: a new venv, pip install -e somflow and the new plugin, its tests pass, it is listed."""
    target = scaffold(tmp_path)
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = str(env_dir / ("Scripts" if os.name == "nt" else "bin") / ("python.exe" if os.name == "nt" else "python"))
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("VIRTUAL_ENV", "PYTHONPATH", "SOMFLOW_WORKSPACE", "SOMFLOW_PLUGINS")
    }
    pip = [python, "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, "-e", f"{REPO}[test]"], check=True, env=env, capture_output=True, timeout=1200)
    subprocess.run([*pip, "-e", f"{target}[test]"], check=True, env=env, capture_output=True, timeout=600)

    result = run_plugin_tests(python, target, env)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "passed" in result.stdout

    somflow = [python, "-m", "somflow"]
    subprocess.run([*somflow, "init", "--demo", str(tmp_path / "ws")], check=True, env=env, capture_output=True)
    listing = subprocess.run(
        [*somflow, "-w", str(tmp_path / "ws"), "plugins"], env=env, capture_output=True, text=True, encoding="utf-8"
    )
    assert "gdansk  0.1.0  [pakiet somflow-gdansk]" in listing.stdout
    assert "haki: somflow_contacts, somflow_register_forms" in listing.stdout
    listed = subprocess.run(
        [*somflow, "-w", str(tmp_path / "ws"), "forms"], env=env, capture_output=True, text=True, encoding="utf-8"
    )
    assert "gdansk-zgloszenie" in listed.stdout
