"""Privacy: a whole working session at ``-v -v`` leaves no PESEL and no name in the log file.

The PESEL filter in :mod:`somflow.logs` is only a last line of defence: the
session must not even need it (no masked run of digits in the log either).
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest
import yaml
from conftest import REPO, run_somflow
from inbox_fixtures import save_pdf, scanned_pages
from nk_data import CHILD_PESEL, FATHER_PESEL, payload, write

from somflow.logs import setup_logging
from somflow.workspace import Workspace

CLASS = "Imię;Nazwisko;Klasa\nZofia;Żak;3b\nJan;Łęcki;3b\n"
STAFF_PESEL = "87043012342"
STAFF = f"imie;nazwisko;pesel;umowa;rola\nŁucja;Żądło;{STAFF_PESEL};umowa o pracę;nauczyciel\n"
SURNAMES = ["Żak", "Łęcki", "Żądło", "Kowalska", "Brzęczyszczykiewicz"]
PESELS = [CHILD_PESEL, FATHER_PESEL, STAFF_PESEL, "90010112318"]


def _session(root: Path, folder: Path, log: Path, scan_name: str = "skan 001.pdf") -> None:
    env = {"SOMFLOW_TODAY": "2026-11-23", "SOMFLOW_LOG_FILE": str(log), "SOMFLOW_WORKSPACE": str(root)}

    def ok(*args: str) -> str:
        done = run_somflow("-v", "-v", *args, env=env)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout + done.stderr

    # a form with a PESEL and a name
    data = {"imie_nazwisko": "Grzegorz Brzęczyszczykiewicz", "pesel": "90010112318", "brak": True}
    (folder / "oswiadczenie.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    ok("fill", "oswiadczenie-o-krajach-zamieszkania", "--data", str(folder / "oswiadczenie.yaml"), "--yes")
    # a class list, its consent forms, one of them back as a scan through the inbox
    (folder / "3b.csv").write_text(CLASS, encoding="utf-8")
    ok("consent", "import", str(folder / "3b.csv"))
    ok("consent", "print", "--group", "3b", "--out", str(folder / "zgody.pdf"))
    printed = [d for d in Workspace(root).store.query("documents") if d.get("form") == "zgoda-na-wizerunek"]
    save_pdf(scanned_pages([root / printed[0]["file"]]), root / "inbox" / scan_name)
    ok("ingest")
    # a Niebieska Karta case and a staff list
    ok("nk", "new", "--data", str(write(folder / "case.yaml", payload(victims=2))))
    (folder / "kadry.csv").write_text(STAFF, encoding="utf-8-sig")
    ok("vetting", "import", str(folder / "kadry.csv"))
    ok("status")
    ok("deadlines")


def test_verbose_session_logs_no_pesel_and_no_name(somflow_workspace, tmp_path):
    log = tmp_path / "somflow.log"
    _session(somflow_workspace, tmp_path, log)
    text = log.read_text(encoding="utf-8")
    assert text.strip(), "the session at -v -v logged nothing: the test would prove nothing"
    assert not [p for p in PESELS if p in text]
    assert "*" * 11 not in text, "a PESEL reached the logger (masked only by the last-resort filter)"
    assert not [s for s in SURNAMES if s in text]
    if os.name == "posix":
        assert stat.S_IMODE(log.stat().st_mode) == 0o600


@pytest.mark.slow  # a second session of 9 processes
def test_a_scan_named_after_the_child_does_not_put_the_name_in_the_log(somflow_workspace, tmp_path):
    log = tmp_path / "somflow.log"
    _session(somflow_workspace, tmp_path, log, scan_name="Żak Zofia zgoda.pdf")
    assert "Żak" not in log.read_text(encoding="utf-8")


def test_plugin_loggers_are_shown_and_filtered(tmp_path, capsys):
    """Plugins log under their own package (``somflow_vetting``): same level, same PESEL filter, same file."""
    log = tmp_path / "log.txt"
    setup_logging(1, log)
    try:
        logging.getLogger("somflow_vetting.records").info("person %s", "85060201234")
        logging.getLogger("somflow_workspace_plugin_x").debug("not at -v")
        logging.getLogger("PIL.PngImagePlugin").info("a library's chatter")
        try:
            raise ValueError("bad PESEL 85060201234")
        except ValueError:
            logging.getLogger("somflow.inbox").exception("ingest failed")
    finally:
        setup_logging(0)
    text = log.read_text(encoding="utf-8")
    err = capsys.readouterr().err
    for out in (text, err):
        assert "person ***********" in out and "bad PESEL ***********" in out
        assert "85060201234" not in out and "not at -v" not in out and "chatter" not in out


def test_log_file_is_never_replaced_only_appended(tmp_path):
    log = tmp_path / "log.txt"
    log.write_text("earlier run\n", encoding="utf-8")
    setup_logging(0, log)
    try:
        logging.getLogger("somflow").warning("later run")
    finally:
        setup_logging(0)
    assert log.read_text(encoding="utf-8").splitlines()[0] == "earlier run"
    assert "later run" in log.read_text(encoding="utf-8")


def test_verbose_traceback_goes_through_the_filter_and_into_the_log_file(somflow_workspace, tmp_path):
    """``-v`` shows a failure's traceback; an exception text with a PESEL in it is masked there too."""
    plugin = somflow_workspace / "plugins" / "boom.py"
    plugin.parent.mkdir(exist_ok=True)
    plugin.write_text(
        "import click\nfrom somflow import hookimpl\n\n"
        "@click.command('boom')\n@click.argument('pesel')\ndef boom(pesel):\n    raise ValueError(f'bad value {pesel}')\n\n"
        "@hookimpl\ndef somflow_register_commands(register):\n    register(boom)\n",
        encoding="utf-8",
    )
    log = tmp_path / "log.txt"
    done = run_somflow("-v", "--log-file", str(log), "boom", "87043012342")
    assert done.returncode == 1, done.stderr
    for text in (done.stderr, log.read_text(encoding="utf-8")):
        assert "Traceback" in text and "bad value ***********" in text and "87043012342" not in text


# ------------------------------------------------------------ every log call, statically

PERSONAL = {
    "pesel",
    "first_name",
    "last_name",
    "full_name",
    "short_name",
    "imie",
    "nazwisko",
    "imie_nazwisko",
    "surname",
    "email",
    "address",
    "adres",
    "phone",
    "telefon",
    "birth_date",
    "data_urodzenia",
}
#: ``x.name`` where x is a file: scan and document file names are often a person's name.
FILE_VARS = {"path", "ctx", "scan", "file", "source", "target", "original", "given"}
LOG_METHODS = {"debug", "info", "warning", "warn", "error", "exception", "critical", "log"}


def _personal_in_log_calls(path: Path) -> list[str]:
    import ast

    rel = path.relative_to(REPO).as_posix()
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in LOG_METHODS
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id in ("log", "logger", "_log", "LOG", "logging")
        ):
            continue
        for arg in [
            *node.args[1:],
            *(k.value for k in node.keywords if k.arg not in ("exc_info", "stack_info", "extra")),
        ]:
            for part in ast.walk(arg):
                word = (
                    part.id
                    if isinstance(part, ast.Name)
                    else part.attr
                    if isinstance(part, ast.Attribute)
                    else part.value
                    if isinstance(part, ast.Constant) and isinstance(part.value, str)
                    else ""
                )
                if str(word).lower() in PERSONAL:
                    found.append(f"{rel}:{node.lineno}: logs {word}")
                if (
                    isinstance(part, ast.Attribute)
                    and part.attr in ("name", "stem")
                    and isinstance(part.value, ast.Name)
                    and part.value.id in FILE_VARS
                ):
                    found.append(f"{rel}:{node.lineno}: logs a file name ({part.value.id}.{part.attr})")
    return found


LOGGING_SOURCES = sorted(p for folder in ("somflow", "plugins") for p in (REPO / folder).rglob("*.py"))


def test_no_log_call_formats_personal_data():
    found = [f for p in LOGGING_SOURCES for f in _personal_in_log_calls(p)]
    assert not found, "\n".join(found)


def test_the_log_check_catches_a_name(tmp_path, monkeypatch):
    bad = tmp_path / "bad.py"
    bad.write_text(
        "log.info('x %s', person['last_name'])\nlog.warning('%s', path.name)\nlog.info('%d', len(rows))\n",
        encoding="utf-8",
    )
    monkeypatch.setattr("test_privacy_logs.REPO", tmp_path)
    assert [f.split(":")[1] for f in _personal_in_log_calls(bad)] == ["1", "2"]


def test_a_log_file_that_cannot_be_opened_is_a_clear_message(somflow_workspace, tmp_path):
    blocker = tmp_path / "plik"
    blocker.write_text("", encoding="utf-8")
    done = run_somflow("--log-file", str(blocker / "log.txt"), "status")
    assert (
        done.returncode != 0 and "Nie można otworzyć pliku dziennika" in done.stderr and "Traceback" not in done.stderr
    )
