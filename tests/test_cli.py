"""The core CLI as a secretary meets it: init, status, config errors, languages, exit codes."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import run_somflow

from somflow.cli import cli


def test_init_creates_the_workspace_with_private_files(tmp_path):
    result = run_somflow("init", str(tmp_path / "szkoła"), "--demo")
    assert result.returncode == 0, result.stderr
    root = tmp_path / "szkoła"
    assert "Utworzono obszar roboczy" in result.stdout
    for name in ("inbox", "archive", "rejected", "data"):
        assert (root / name).is_dir()
    assert (root / "data" / "store.json").is_file()
    if os.name == "posix":
        assert stat.S_IMODE((root / "somflow.toml").stat().st_mode) == 0o600
        assert stat.S_IMODE((root / "data" / "store.json").stat().st_mode) == 0o600
        assert stat.S_IMODE((root / "inbox").stat().st_mode) == 0o700


def test_init_refuses_to_overwrite(somflow_workspace):
    result = run_somflow("init", str(somflow_workspace))
    assert result.returncode == 1
    assert "już jest obszar roboczy" in result.stderr


def test_status_of_an_empty_workspace(somflow_cli):
    result = somflow_cli("status")
    assert result.exit_code == 0
    assert "Szkoła Podstawowa nr 7" in result.output
    assert "Pliki oczekujące w inbox/: 0" in result.output


def test_workspace_is_found_by_walking_up(somflow_workspace, monkeypatch):
    monkeypatch.delenv("SOMFLOW_WORKSPACE")
    deeper = somflow_workspace / "inbox"
    result = run_somflow("status", cwd=deeper, env={"SOMFLOW_WORKSPACE": ""})
    assert result.returncode == 0, result.stderr
    assert "Szkoła Podstawowa nr 7" in result.stdout


def test_no_workspace_gives_a_polish_hint(tmp_path):
    result = run_somflow("status", cwd=tmp_path, env={"SOMFLOW_WORKSPACE": ""})
    assert result.returncode == 1
    assert "Nie znaleziono obszaru roboczego" in result.stderr and "somflow init" in result.stderr
    assert "Traceback" not in result.stderr


def test_english_on_request(somflow_workspace):
    assert "Files waiting in inbox/" in run_somflow("--lang", "en", "status").stdout
    assert "Files waiting in inbox/" in run_somflow("status", env={"SOMFLOW_LANG": "en"}).stdout


def test_version():
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and "0.1.0" in result.output


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda t: t.replace('kind = "szkoła podstawowa"', "kind = szkoła"), "Błąd składni w pliku"),
        (
            lambda t: t.replace("port = 587", 'port = "587"'),
            "wiersz 31, klucz smtp.port: zła wartość (oczekiwano typu liczba całkowita)",
        ),
        (
            lambda t: t.replace('security = "starttls"', 'security = "tls"'),
            "klucz smtp.security: niedozwolona wartość tls",
        ),
        (
            lambda t: t.replace('user = ""', 'user = ""\npassword = "tajne"'),
            "klucz smtp.password: hasła nie wolno trzymać",
        ),
        (
            lambda t: t.replace('name = "Szkoła Podstawowa nr 7 im. Marii Skłodowskiej-Curie"', 'name = ""'),
            "wiersz 4, klucz institution.name: wartość nie może być pusta",
        ),
    ],
)
def test_broken_config_names_file_line_and_key(somflow_workspace, edit, expected):
    config = somflow_workspace / "somflow.toml"
    config.write_text(edit(config.read_text(encoding="utf-8")), encoding="utf-8")
    result = run_somflow("status")
    assert result.returncode == 1
    assert str(config) in result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_syntax_error_names_the_line(somflow_workspace):
    config = somflow_workspace / "somflow.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace('kind = "szkoła podstawowa"', "kind = szkoła"), encoding="utf-8"
    )
    assert "wiersz 7, kolumna 8" in run_somflow("status").stderr


def _corrupt(workspace: Path) -> Path:
    store = workspace / "data" / "store.json"
    store.write_bytes(store.read_bytes()[:-1] + b',"torn')
    return store


def test_corrupt_store_is_refused_untouched_and_backup_named(somflow_workspace):
    run_somflow("status")  # a good open: makes the first backup
    store = _corrupt(somflow_workspace)
    before = hashlib.sha256(store.read_bytes()).hexdigest()
    backups = sorted((somflow_workspace / "data" / "backups").glob("store-*.json"))
    assert backups
    result = run_somflow("status")
    assert result.returncode == 3
    assert "Nie można odczytać magazynu danych" in result.stderr
    assert "Plik pozostawiono bez zmian" in result.stderr
    assert str(backups[-1]) in result.stderr
    assert hashlib.sha256(store.read_bytes()).hexdigest() == before


def test_traceback_only_with_verbose(somflow_workspace):
    _corrupt(somflow_workspace)
    assert "Traceback" not in run_somflow("status").stderr
    assert "Traceback" in run_somflow("-v", "status").stderr


def test_click_messages_are_polish_too(somflow_workspace):
    result = run_somflow("nie-ma-takiego")
    assert result.returncode == 2
    assert "Błąd: Nie ma polecenia 'nie-ma-takiego'." in result.stderr
    assert "No such command" in run_somflow("--lang", "en", "nie-ma-takiego").stderr
