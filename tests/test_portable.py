"""Windows as a target: static checks that fail on POSIX-only code, and Windows simulated where practical.

The static checks read every module of ``somflow/`` and ``plugins/`` (their AST,
not a grep, so a comment or a string does not count):

* a text-mode ``open()`` / ``Path.open()`` / ``read_text()`` / ``write_text()`` /
  ``subprocess.run(text=True)`` must pass ``encoding=`` (on Polish Windows the
  default is cp1250);
* no POSIX-only module (``fcntl``, ``pwd``...) or call (``os.geteuid``,
  ``os.fchmod``, ``os.rename`` over an existing file...), no ``shell=True``,
  no ``click.edit``;
* network modules only where the user configures the connection ([smtp], [store]).
"""

from __future__ import annotations

import ast
import io
import json
import os
import socket
import stat
from pathlib import Path

import pytest
import yaml
from conftest import REPO, english_catalogue, gettext_messages

from somflow import fileio
from somflow.config import DEMO_VALUES, load
from somflow.errors import FileInUse, SomflowError
from somflow.fileio import restrict_to_owner, safe_filename, write_private
from somflow.workspace import Workspace, create

SOURCES = sorted(p for folder in ("somflow", "plugins") for p in (REPO / folder).rglob("*.py"))

POSIX_ONLY_MODULES = {"fcntl", "pwd", "grp", "termios", "tty", "pty", "resource", "posix", "syslog", "crypt", "spwd"}
POSIX_ONLY_CALLS = {
    "os": {
        "geteuid",
        "getuid",
        "getgid",
        "getegid",
        "fchmod",
        "fchown",
        "chown",
        "lchown",
        "fork",
        "setsid",
        "killpg",
        "getpgid",
        "setuid",
        "setgid",
        "mkfifo",
        "getloadavg",
        "sync",
        "O_NOFOLLOW",
        "O_DIRECTORY",
        "O_SYNC",
        "O_DSYNC",
        "O_CLOEXEC",
        "O_NONBLOCK",
        "O_NOCTTY",
        "rename",
        "renames",
        "symlink",
        "link",
    },
    "signal": {"SIGKILL", "SIGHUP", "SIGUSR1", "SIGUSR2", "SIGALRM", "SIGCHLD", "SIGQUIT", "alarm", "pause"},
    "click": {"edit"},
    "shutil": {"chown"},
}
#: (file, name): why it is allowed there.
ALLOWED = {
    (
        "somflow/store/pg_cluster.py",
        "geteuid",
    ): "a throwaway PostgreSQL server for tests and benchmarks; guarded by hasattr",
    ("somflow/store/pg_cluster.py", "shutil.chown"): "same: only when running as root on Linux",
    ("somflow/inbox/sandbox.py", "resource"): "the scan reader's memory cap, imported only when os.name == 'posix'",
}
NETWORK_MODULES = {
    "socket",
    "smtplib",
    "ssl",
    "urllib.request",
    "http.client",
    "requests",
    "httpx",
    "ftplib",
    "aiohttp",
    "psycopg",
}
NETWORK_ALLOWED = {
    "somflow/reminders/smtp.py": "sends e-mail to the [smtp] server of somflow.toml (somflow remind)",
    "somflow/store/postgres_store.py": "the PostgreSQL store, only when [store] names one",
    "somflow/store/pg_cluster.py": "a local PostgreSQL server for tests and benchmarks",
    "somflow/store/pg_roles.py": "creates the unit roles in the user's own PostgreSQL database (somflow store add-role)",
    "somflow/store/migrate.py": "somflow store migrate --to postgresql://... (the user's own database)",
    "somflow/testing.py": "pytest fixtures: an SMTP server on loopback",
}
BINARY_RECEIVERS = {"pikepdf", "Image", "zipfile", "tarfile", "gzip", "pdfium", "webbrowser"}


def _rel(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _text_open_without_encoding(call: ast.Call) -> bool:
    func = call.func
    if (isinstance(func, ast.Name) and func.id == "open") or (
        isinstance(func, ast.Attribute) and func.attr == "fdopen"
    ):
        mode_index = 1
    elif isinstance(func, ast.Attribute) and func.attr == "open":
        if isinstance(func.value, ast.Name) and (func.value.id in BINARY_RECEIVERS or func.value.id == "os"):
            return False
        mode_index = 0
    elif isinstance(func, ast.Attribute) and func.attr in ("read_text", "write_text"):
        positional = 1 if func.attr == "read_text" else 2
        return _keyword(call, "encoding") is None and len(call.args) < positional
    elif isinstance(func, ast.Attribute) and func.attr in ("run", "Popen", "check_output", "call", "check_call"):
        text = _keyword(call, "text") or _keyword(call, "universal_newlines")
        return isinstance(text, ast.Constant) and text.value is True and _keyword(call, "encoding") is None
    else:
        return False
    mode = _keyword(call, "mode") or (call.args[mode_index] if len(call.args) > mode_index else None)
    if isinstance(mode, ast.Constant) and isinstance(mode.value, str) and "b" in mode.value:
        return False
    return _keyword(call, "encoding") is None


def _problems(path: Path) -> list[str]:
    rel = _rel(path)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=rel)
    found = []
    for node in ast.walk(tree):
        where = f"{rel}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            for name in names:
                if name.split(".")[0] in POSIX_ONLY_MODULES and (rel, name) not in ALLOWED:
                    found.append(f"{where}: POSIX-only module {name}")
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            owner, attr = node.value.id, node.attr
            if (
                attr in POSIX_ONLY_CALLS.get(owner, ())
                and (rel, attr) not in ALLOWED
                and (rel, f"{owner}.{attr}") not in ALLOWED
            ):
                found.append(f"{where}: {owner}.{attr} does not exist or misbehaves on Windows")
        elif isinstance(node, ast.Call):
            shell = _keyword(node, "shell")
            if isinstance(shell, ast.Constant) and shell.value is True:
                found.append(f"{where}: shell=True (quoting differs between cmd.exe and sh)")
            if _text_open_without_encoding(node):
                found.append(f"{where}: text I/O without encoding= (cp1250 on Polish Windows)")
    return found


def test_no_posix_only_code_and_every_text_file_has_an_encoding():
    assert SOURCES, "no sources found"
    problems = [p for path in SOURCES for p in _problems(path)]
    assert not problems, "\n".join(problems)


def test_the_checker_catches_what_it_is_meant_to(tmp_path, monkeypatch):
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import fcntl\nimport os, subprocess\nfrom pathlib import Path\n"
        "open('x')\nopen('x', 'w')\nPath('x').open()\nPath('x').read_text()\nPath('x').write_text('a')\n"
        "os.rename('a', 'b')\nos.geteuid()\nsubprocess.run('ls', shell=True)\nsubprocess.run(['ls'], text=True)\n"
        "open('x', 'rb')\nPath('x').open('wb')\nPath('x').read_text(encoding='utf-8')\nos.replace('a', 'b')\n",
        encoding="utf-8",
    )
    monkeypatch.setattr("test_portable.REPO", tmp_path)
    problems = _problems(bad)
    lines = sorted({int(p.split(":")[1]) for p in problems})
    assert lines == [1, *range(4, 13)], problems


def test_network_only_where_the_user_configures_it():
    offenders = []
    for path in SOURCES:
        rel = _rel(path)
        if rel in NETWORK_ALLOWED or "/tests/" in rel:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            offenders += [
                f"{rel}:{node.lineno}: imports {n}"
                for n in names
                if n in NETWORK_MODULES or n.split(".")[0] in NETWORK_MODULES - {"urllib", "http"}
            ]
    assert not offenders, "\n".join(offenders)


def test_a_session_without_smtp_opens_no_connection(somflow_cli, somflow_workspace, tmp_path, monkeypatch):
    """The demo workspace has no [smtp] host: remind says what is missing and nothing leaves the machine."""
    attempts: list = []

    def refuse(self, address, *args):
        attempts.append(address)
        raise OSError("network use in a test that must not use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    (tmp_path / "3b.csv").write_text("Imię;Nazwisko;Klasa\nZofia;Żak;3b\n", encoding="utf-8")
    for args in (
        ("consent", "import", str(tmp_path / "3b.csv")),
        ("status",),
        ("deadlines", "--ics", str(tmp_path / "t.ics")),
    ):
        result = somflow_cli(*args)
        assert result.exit_code == 0, result.output
    with pytest.raises(SomflowError, match=r"\[smtp\]"):  # main() turns it into the message and exit code
        somflow_cli("remind")
    assert attempts == []


# ------------------------------------------------------------ file names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("zgody-3b-2026-11-23.pdf", "zgody-3b-2026-11-23.pdf"),
        ("zgody-3/b.pdf", "zgody-3_b.pdf"),
        ("kopia 12:30.pdf", "kopia 12_30.pdf"),
        ('a<b>c"d|e?f*g\\h', "a_b_c_d_e_f_g_h"),
        ("tab\there", "tab_here"),
        ("koniec. ", "koniec"),
        ("CON", "_CON"),
        ("nul.pdf", "_nul.pdf"),
        ("com1.txt", "_com1.txt"),
        ("console.pdf", "console.pdf"),
        ("Żółć", "Żółć"),
        ("...", "_"),
    ],
)
def test_safe_filename(text, expected):
    assert safe_filename(text) == expected


def test_class_with_a_slash_prints_to_one_file_in_the_current_folder(somflow_cli, tmp_path, monkeypatch):
    (tmp_path / "klasa.csv").write_text("Imię;Nazwisko;Klasa\nZofia;Żak;3/b\n", encoding="utf-8")
    assert somflow_cli("consent", "import", str(tmp_path / "klasa.csv")).exit_code == 0
    out = tmp_path / "druk"
    out.mkdir()
    monkeypatch.chdir(out)
    result = somflow_cli("consent", "print", "--group", "3/b")
    assert result.exit_code == 0, result.output
    made = [p.name for p in out.iterdir()]
    assert len(made) == 1 and made[0].startswith("zgody-3_b-") and made[0].endswith(".pdf"), made


def test_backup_and_document_names_are_valid_on_windows(somflow_cli, somflow_workspace, tmp_path):
    (tmp_path / "3b.csv").write_text("Imię;Nazwisko;Klasa\nZofia;Żak;3b\n", encoding="utf-8")
    assert somflow_cli("consent", "import", str(tmp_path / "3b.csv")).exit_code == 0
    assert somflow_cli("consent", "print", "--group", "3b", "--out", str(tmp_path / "z.pdf")).exit_code == 0
    names = [p.name for p in somflow_workspace.rglob("*")]
    assert names and all(safe_filename(n) == n for n in names), [n for n in names if safe_filename(n) != n]
    stored = Workspace(somflow_workspace).store.query("documents")
    assert stored and all("\\" not in d["file"] and not Path(d["file"]).is_absolute() for d in stored)


def test_standards_report_stores_a_relative_forward_slash_path(somflow_cli, somflow_workspace):
    result = somflow_cli("standards", "report", "--year", "2026")
    assert result.exit_code == 0, result.output
    (report,) = Workspace(somflow_workspace).store.query("standards_reports")
    assert report["file"] == "reports/raport-standardy-2026.pdf"


# ------------------------------------------------------------ simulated Windows


@pytest.fixture
def windows(monkeypatch):
    """fileio behaves as on Windows; icacls calls are recorded (and succeed)."""
    calls: list[list[str]] = []

    class Done:
        returncode = 0

    def run(command, **kwargs):
        calls.append(command)
        return Done()

    monkeypatch.setattr(fileio, "on_windows", lambda: True)
    monkeypatch.setattr(fileio.subprocess, "run", run)
    monkeypatch.setenv("USERNAME", "sekretariat")
    monkeypatch.setenv("USERDOMAIN", "SP7")
    return calls


def test_windows_workspace_gets_an_owner_only_access_list(windows, tmp_path):
    root = create(tmp_path / "ws", DEMO_VALUES)
    assert windows == [
        [
            "icacls",
            str(root),
            "/inheritance:r",
            "/grant:r",
            "SP7\\sekretariat:(OI)(CI)F",
            "/grant:r",
            "*S-1-5-18:(OI)(CI)F",
        ]
    ]


def test_windows_icacls_failure_is_a_warning_not_a_crash(windows, tmp_path, monkeypatch, caplog):
    class Failed:
        returncode = 5

    monkeypatch.setattr(fileio.subprocess, "run", lambda command, **kw: Failed())
    assert restrict_to_owner(tmp_path) is False
    assert "icacls failed" in caplog.text
    monkeypatch.delenv("USERNAME")
    assert restrict_to_owner(tmp_path) is False


def test_posix_needs_no_access_list(tmp_path, monkeypatch):
    monkeypatch.setattr(fileio, "on_windows", lambda: False)
    monkeypatch.setattr(fileio.subprocess, "run", lambda *a, **k: pytest.fail("icacls on POSIX"))
    assert restrict_to_owner(tmp_path) is False
    root = create(tmp_path / "ws", DEMO_VALUES)
    if os.name == "posix":
        assert stat.S_IMODE(root.stat().st_mode) == 0o700
        assert stat.S_IMODE((root / "somflow.toml").stat().st_mode) == 0o600


def test_windows_write_never_opens_a_folder(windows, tmp_path, monkeypatch):
    """Folders cannot be opened (nor flushed) on Windows: the atomic write must not try."""
    opened: list[str] = []
    real_open = os.open

    def spy(path, flags, *args):
        opened.append(str(path))
        assert not Path(path).is_dir(), f"opened a folder: {path}"
        return real_open(path, flags, *args)

    monkeypatch.setattr(fileio.os, "open", spy)
    target = tmp_path / "plik.json"
    write_private(target, b"1")
    write_private(target, b"2")  # over an existing file: os.replace, never os.rename
    write_private(tmp_path / "b.pdf", b"x", durable=False)
    fileio.sync_files([tmp_path / "b.pdf"])
    assert target.read_bytes() == b"2"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.pdf", "plik.json"]  # no temporary file left


# ------------------------------------------------------------ text encodings


def test_config_saved_by_notepad_with_bom_and_crlf(somflow_workspace):
    config = somflow_workspace / "somflow.toml"
    text = config.read_text(encoding="utf-8")
    config.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    assert load(config)["institution"]["unit"] == "sp7"
    assert Workspace(somflow_workspace).config["head"]["name"] == DEMO_VALUES["head_name"]


def test_output_redirected_in_a_windows_code_page_does_not_crash():
    """``somflow vetting list > lista.txt`` on Windows writes cp1250: a Cyrillic name must not stop it."""
    import sys

    from somflow.cli import tolerant_output

    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="cp1250")
    saved = sys.stdout
    sys.stdout = stream
    try:
        tolerant_output()
        print("Łucja Żądło, Олена Коваленко")
        stream.flush()
    finally:
        sys.stdout = saved
    assert raw.getvalue().decode("cp1250") == "Łucja Żądło, ????? ?????????\n"


def test_audit_and_store_are_utf8_whatever_the_locale(somflow_cli, somflow_workspace, tmp_path):
    (tmp_path / "3b.csv").write_text("Imię;Nazwisko;Klasa\nŚcibor;Źrebiec;3b\n", encoding="utf-8")
    assert somflow_cli("consent", "import", str(tmp_path / "3b.csv")).exit_code == 0
    store = somflow_workspace / "data" / "store.json"
    assert "Źrebiec" in json.loads(store.read_bytes().decode("utf-8"))["people"].popitem()[1]["last_name"]


def test_windows_replace_waits_while_another_process_has_the_file_open(windows, tmp_path, monkeypatch):
    """A reader of the store (the watcher) holding store.json for a moment: the commit waits, then replaces it."""
    monkeypatch.setattr(fileio.time, "sleep", lambda s: None)
    real_replace = os.replace
    refusals = [
        PermissionError(13, "The process cannot access the file because it is being used by another process")
    ] * 3

    def busy(source, target):
        if refusals:
            raise refusals.pop()
        real_replace(source, target)

    monkeypatch.setattr(fileio.os, "replace", busy)
    target = tmp_path / "store.json"
    write_private(target, b"{}")
    assert target.read_bytes() == b"{}" and refusals == []
    assert [p.name for p in tmp_path.iterdir()] == ["store.json"]


def test_a_file_in_use_for_good_fails_and_leaves_the_old_content(windows, tmp_path, monkeypatch):
    monkeypatch.setattr(fileio.time, "sleep", lambda s: None)
    target = tmp_path / "store.json"
    write_private(target, b"old")

    def locked(source, target):
        raise PermissionError(13, "in use")

    monkeypatch.setattr(fileio.os, "replace", locked)
    with pytest.raises(FileInUse, match="otwarty w innym programie"):
        write_private(target, b"new")
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["store.json"]


def test_posix_does_not_retry_a_permission_error(tmp_path, monkeypatch):
    monkeypatch.setattr(fileio, "on_windows", lambda: False)
    calls = []

    def denied(source, target):
        calls.append(target)
        raise PermissionError(13, "denied")

    monkeypatch.setattr(fileio.os, "replace", denied)
    with pytest.raises(FileInUse):
        write_private(tmp_path / "x", b"1")
    assert len(calls) == 1


def test_store_keeps_working_when_an_old_backup_is_open(somflow_workspace, monkeypatch):
    """Windows: a backup someone opened cannot be deleted; rotation keeps it and the store still opens."""
    from somflow.store import jsonfile

    backups = somflow_workspace / "data" / "backups"
    for n in range(jsonfile.BACKUPS_KEPT + 2):
        write_private(backups / f"store-20260101T0000{n:02d}000000.json", b"{}")
    real_unlink = Path.unlink
    monkeypatch.setattr(
        Path,
        "unlink",
        lambda self, missing_ok=False: (
            (_ for _ in ()).throw(PermissionError(13, "in use"))
            if self.parent == backups
            else real_unlink(self, missing_ok)
        ),
    )
    monkeypatch.setattr(jsonfile, "BACKUP_EVERY_SECONDS", -1)
    store = Workspace(somflow_workspace).store
    with store.transaction():
        store.insert("notes", {"text": "x"})
    assert store.query("notes")


def test_paths_typed_with_backslashes_on_windows_work_on_linux(somflow_workspace):
    config = somflow_workspace / "somflow.toml"
    text = config.read_text(encoding="utf-8").replace('store = "data/store.json"', "store = 'data\\store.json'")
    config.write_text(text.replace('archive = "archive"', 'archive = "skany\\\\przyjete"'), encoding="utf-8")
    ws = Workspace(somflow_workspace)
    assert ws.path("store") == somflow_workspace / "data" / "store.json"
    assert ws.path("archive") == somflow_workspace / "skany" / "przyjete"
    assert ws.store.collections() == []


def test_data_files_from_polish_windows_in_cp1250(somflow_cli, somflow_workspace, tmp_path):
    """Excel's "CSV (rozdzielany przecinkami)" and Notepad's "ANSI" on Polish Windows are cp1250."""
    data = tmp_path / "oswiadczenie.yaml"
    data.write_bytes("imie_nazwisko: Łucja Żądło\npesel: '87043012342'\nbrak: true\n".encode("cp1250"))
    result = somflow_cli("fill", "oswiadczenie-o-krajach-zamieszkania", "--data", str(data), "--yes")
    assert result.exit_code == 0, result.output
    (doc,) = Workspace(somflow_workspace).store.query("documents")
    assert doc["data"]["imie_nazwisko"] == "Łucja Żądło"


@pytest.mark.parametrize("command", [("vetting", "import"), ("consent", "import")])
def test_a_byte_cp1250_does_not_define_is_a_clear_message_not_a_crash(somflow_cli, tmp_path, command):
    # 0x81 and 0x98 are undefined in cp1250 (a file in the DOS code page 852, say); vetting used to stop with AssertionError
    path = tmp_path / "kadry.csv"
    path.write_bytes(
        b"imie;nazwisko;pesel;umowa;rola;klasa\n\x81ucja;\x98ak;87043012342;umowa o prac\xea;nauczyciel;3b\n"
    )
    result = somflow_cli(*command, str(path))
    assert result.exit_code == 2 and "nie jest tekstem w UTF-8 ani w Windows-1250 (bajt 38)" in result.output


def test_nk_case_and_report_conclusions_written_in_notepad_ansi(somflow_cli, somflow_workspace, tmp_path):
    from nk_data import payload

    case = tmp_path / "sprawa.yaml"
    case.write_bytes(yaml.safe_dump(payload(), allow_unicode=True, sort_keys=False).encode("cp1250"))
    result = somflow_cli("nk", "new", "--data", str(case))
    assert result.exit_code == 0, result.output
    conclusions = tmp_path / "wnioski.txt"
    conclusions.write_bytes("Wnioski: szkolenie z procedury – pilnie.\r\n".encode("cp1250"))
    result = somflow_cli("standards", "report", "--year", "2026", "--conclusions", str(conclusions))
    assert result.exit_code == 0, result.output


def test_printing_again_while_the_last_pdf_is_open_in_a_viewer(windows, somflow_cli, tmp_path, monkeypatch):
    """Windows: Acrobat keeps zgody.pdf open; printing again says so in Polish, the open file is untouched."""
    monkeypatch.setattr(fileio.time, "sleep", lambda s: None)
    (tmp_path / "3b.csv").write_text("Imię;Nazwisko;Klasa\nZofia;Żak;3b\n", encoding="utf-8")
    assert somflow_cli("consent", "import", str(tmp_path / "3b.csv")).exit_code == 0
    out = tmp_path / "zgody.pdf"
    assert somflow_cli("consent", "print", "--group", "3b", "--out", str(out)).exit_code == 0
    before = out.read_bytes()
    real_replace = os.replace

    def viewer_has_it_open(source, target):
        if Path(target) == out:
            raise PermissionError(13, "The process cannot access the file because it is being used by another process")
        real_replace(source, target)

    monkeypatch.setattr(fileio.os, "replace", viewer_has_it_open)
    result = somflow_cli("consent", "print", "--group", "3b", "--out", str(out))
    assert result.exit_code != 0 and f"Nie można zapisać pliku {out}: jest otwarty w innym programie" in result.output
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["3b.csv", "workspace", "zgody.pdf"]


def test_store_file_held_open_for_good_keeps_its_content_and_is_retryable(windows, somflow_workspace, monkeypatch):
    """Windows: a backup program holds store.json; the commit fails as StoreBusy (the watcher retries), nothing changes."""
    from somflow.errors import StoreBusy

    monkeypatch.setattr(fileio.time, "sleep", lambda s: None)
    store = Workspace(somflow_workspace).store
    with store.transaction():
        store.insert("notes", {"text": "first"})
    path = somflow_workspace / "data" / "store.json"
    before = path.read_bytes()
    monkeypatch.setattr(fileio.os, "replace", lambda s, t: (_ for _ in ()).throw(PermissionError(13, "in use")))
    with pytest.raises(StoreBusy, match="otwarty w innym programie"), store.transaction():
        store.insert("notes", {"text": "second"})
    assert path.read_bytes() == before
    monkeypatch.undo()
    assert [n["text"] for n in Workspace(somflow_workspace).store.query("notes")] == ["first"]


def test_every_core_message_has_an_english_entry():
    """The messages added for Windows (file in use, store held open...) are translated like all the others."""
    catalogue = english_catalogue(REPO / "somflow")
    messages = gettext_messages(path for path in SOURCES if _rel(path).startswith("somflow/"))
    missing = [f"{where}: {message}" for message, where in messages.items() if message not in catalogue]
    assert not missing, "\n".join(missing)


def test_usb_stick_with_coarse_timestamps_loses_no_update(somflow_workspace, monkeypatch):
    """FAT/exFAT: the watcher and a command write within one timestamp tick, same size, same file index.

    The store's cheap "did the file change" check (mtime, size, inode) would see no change and a
    transaction would build on stale data; here every stat answers like such a file system.
    """
    import time

    from somflow.errors import ConflictError
    from somflow.store.jsonfile import StoreFile
    from somflow.store.tinydb_store import TinyDBStore

    tick = int(time.time()) * 1_000_000_000  # a whole second: FAT-like
    monkeypatch.setattr(StoreFile, "_stat", lambda self: (tick, self.path.stat().st_size, 0))
    path = somflow_workspace / "data" / "store.json"
    command, watcher = TinyDBStore(path, unit="sp7"), TinyDBStore(path, unit="sp7")
    with command.transaction():
        note = command.insert("notes", {"state": "a"})
    assert watcher.get("notes", note["id"])["state"] == "a"
    assert command.get("notes", note["id"])["state"] == "a"  # both have it cached now
    with watcher.transaction():
        watcher.update("notes", note["id"], {"state": "b"}, expected_rev=note["rev"])  # same size as "a"
    assert command.get("notes", note["id"])["state"] == "b"
    with pytest.raises(ConflictError), command.transaction():
        command.update("notes", note["id"], {"state": "c"}, expected_rev=note["rev"])


def test_workspace_variable_set_with_quotes_in_cmd(somflow_workspace, monkeypatch, tmp_path):
    """``set SOMFLOW_WORKSPACE="C:\\Moje dane\\sp7"`` in cmd.exe keeps the quotes in the value."""
    from somflow.workspace import find_root

    monkeypatch.setenv("SOMFLOW_WORKSPACE", f'"{somflow_workspace}"')
    assert find_root(start=tmp_path) == somflow_workspace.resolve()
    monkeypatch.setenv("SOMFLOW_WORKSPACE", f"{somflow_workspace} ")
    assert find_root(start=tmp_path) == somflow_workspace.resolve()


def test_example_saved_by_windows_powershell_redirect_is_utf16(somflow_cli, somflow_workspace, tmp_path):
    """PowerShell 5: ``somflow forms example X > dane.yaml`` writes UTF-16 LE with a BOM."""
    example = somflow_cli("forms", "example", "oswiadczenie-o-krajach-zamieszkania").output
    data = tmp_path / "dane.yaml"
    data.write_bytes(b"\xff\xfe" + example.replace("\n", "\r\n").encode("utf-16-le"))
    result = somflow_cli("fill", "oswiadczenie-o-krajach-zamieszkania", "--data", str(data), "--yes")
    assert result.exit_code == 0, result.output
    (doc,) = Workspace(somflow_workspace).store.query("documents")
    assert doc["data"]["imie_nazwisko"] == "Łucja Żądło"


def test_example_written_by_somflow_itself_needs_no_shell_redirect(somflow_cli, somflow_workspace, tmp_path):
    data = tmp_path / "dane.yaml"
    result = somflow_cli("forms", "example", "oswiadczenie-o-krajach-zamieszkania", "--out", str(data))
    assert result.exit_code == 0 and str(data) in result.output
    assert "Łucja Żądło" in data.read_bytes().decode("utf-8")
    assert somflow_cli("fill", "oswiadczenie-o-krajach-zamieszkania", "--data", str(data), "--yes").exit_code == 0
