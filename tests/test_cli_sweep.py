"""Every ``somflow`` command, core and plugin, fed hostile input the way a user would type it.

The command tree is walked as ``somflow --help`` shows it (plugins loaded) and each leaf command is run
through :func:`somflow.cli.main` (the real entry point, which turns errors into messages) with inputs
chosen per parameter: required arguments left out, an input file that does not exist, is a folder, is
empty or is random bytes, an unknown record id, impossible or wordy dates, a very long value, a value with
Polish letters and quotes. The contract for each: a message (never a traceback, never the generic
"Nieoczekiwany błąd"), a non-zero exit code where the input is plainly wrong, the store unchanged after
a refusal, and the input file still where it was.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from nk_data import payload, write
from workspace_copies import built_once, copy_into

from somflow import i18n
from somflow.cli import App, cli, main
from somflow.lazy_commands import LazyCommand

#: Commands that never return (a folder watcher) — swept elsewhere.
SKIP = {("watch",)}
#: Extra options every run of a command gets (no e-mail is sent by the sweep).
ALWAYS = {("remind",): ["--dry-run"]}
#: Parameters holding a date (by click's name for them).
DATE_PARAMS = {
    "on", "day", "dnia", "valid_from", "valid_to", "today", "start", "effective", "signed",
    "data_urodzenia", "zwolnienie", "next_review",
}  # fmt: skip
#: Parameters naming a record that must already exist.
REF_PARAMS = {"case_ref", "person", "child", "entry_id", "person_id", "form_id", "record_ref", "round_id"}
#: Path parameters the command writes (anything else with a path is read).
OUTPUT_PATHS = {"out", "out_dir", "ics_file", "directory"}

BAD_DATES = ("2026-02-30", "jutro", "2026-13-01", "31.02.2026")
#: Real dates at the ends of the calendar: a deadline counted from them must not overflow.
EXTREME_DATES = ("0001-01-01", "9999-12-31")
LONG = "Ż" * 5000
QUOTED = "Zażółć \"gęślą\" 'jaźń' ; DROP"
UNKNOWN = "XYZ-nieznany"
#: A placeholder for a required value while another parameter is under test.
FILLER = {
    "name": "Jan Próbny",
    "summary": "Zgłoszenie próbne",
    "event": "Festyn",
    "target": "json",
    "kind": "wszczecie",
    "form": "nk-a",
    "item": "krk",
}
#: Optional parameters given anyway (when not under test), so the sweep reaches past them.
ALWAYS_FILLED = {"form_id": "oswiadczenie-o-niekaralnosci"}


def _walk(ctx: click.Context, path: tuple[str, ...] = ()):
    command = ctx.command
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if isinstance(sub, LazyCommand):  # what `somflow NAME` runs
                sub = sub.load()
            if sub is not None and not sub.hidden:
                yield from _walk(click.Context(sub, parent=ctx, info_name=name), (*path, name))
    else:
        yield path, command


def _leaf_commands() -> dict[tuple[str, ...], click.Command]:
    ctx = click.Context(cli, info_name="somflow", obj=App(None, 0))
    leaves: dict[tuple[str, ...], click.Command] = {}
    seen: set[int] = set()
    for path, command in _walk(ctx):
        if id(command) not in seen and path not in SKIP:  # aliases (zgody = consent) once
            seen.add(id(command))
            leaves[path] = command
    return leaves


LEAVES = _leaf_commands()


@dataclass(frozen=True)
class Case:
    """One hostile run: the arguments and whether the input is plainly wrong (must exit non-zero)."""

    label: str
    args: tuple[str, ...]
    must_fail: bool


def _is_path(param: click.Parameter) -> bool:
    return isinstance(param.type, click.Path)


def _opt(param: click.Parameter) -> str:
    return max(param.opts, key=len)


def _value_for(param: click.Parameter, files: dict[str, Path]) -> str | None:
    """A harmless value for a required parameter that is not under test (a seeded record for a reference)."""
    if param.name in files.get("ids", {}):
        return files["ids"][param.name]
    if isinstance(param.type, click.Choice):
        return str(param.type.choices[0])
    if _is_path(param):
        return str(files["missing"])
    if isinstance(param.type, (click.types.IntParamType, click.types.FloatParamType)):
        return "1"
    if param.name in DATE_PARAMS:
        return "2026-03-02"
    return FILLER.get(param.name, UNKNOWN)


def _args(
    command: click.Command, files: dict[str, Path], override: click.Parameter | None = None, value: str = ""
) -> tuple[str, ...]:
    options: list[str] = []
    arguments: list[str] = []
    for param in command.params:
        if param is override:
            chosen = value
        elif param.required:
            chosen = _value_for(param, files)
        elif param.name in ALWAYS_FILLED and isinstance(param, click.Argument):
            chosen = ALWAYS_FILLED[param.name]
        else:
            continue
        if isinstance(param, click.Argument):
            arguments.append(chosen)
        else:
            options += [_opt(param), chosen]
    return (*options, *arguments)


def _cases(path: tuple[str, ...], command: click.Command, files: dict[str, Path]) -> list[Case]:
    cases = []
    if any(p.required for p in command.params):
        cases.append(Case("nothing given", (), True))
    for param in command.params:
        if isinstance(param, click.Option) and (param.is_flag or param.name == "help"):
            continue
        hostile: list[tuple[str, str, bool]] = []
        if _is_path(param):
            if param.name in OUTPUT_PATHS:
                if param.type.file_okay and not param.type.dir_okay:
                    hostile.append(("a folder for the output file", str(files["folder"]), True))
                hostile += [
                    ("output inside a file", str(files["empty"] / "wynik.pdf"), True),
                    ("output in a folder not made yet", str(files["folder"] / "nowy" / "wynik.pdf"), False),
                ]
            else:
                hostile += [
                    ("input file does not exist", str(files["missing"]), True),
                    ("input file is a folder", str(files["folder"]), not param.type.dir_okay),
                    *(
                        (f"input file {key}", str(files[key]), must_fail)
                        for key, (_name, _content, must_fail) in CONTENTS.items()
                    ),
                ]
        elif type(param.type) is click.types.IntParamType:
            hostile += [(f"number {n}", n, False) for n in ("-1", "0", "999999")]
        elif isinstance(param.type, click.types.StringParamType):
            if param.name in DATE_PARAMS:
                hostile += [(f"date {d!r}", d, True) for d in BAD_DATES]
                hostile += [(f"date {d!r}", d, False) for d in EXTREME_DATES]
            if param.name in REF_PARAMS:
                hostile.append(("unknown reference", UNKNOWN, True))
            hostile += [
                ("an empty value", "", param.name in REF_PARAMS),
                ("a very long value", LONG, param.name in DATE_PARAMS | REF_PARAMS),
                ("Polish letters and quotes", QUOTED, param.name in DATE_PARAMS | REF_PARAMS),
            ]
        for label, value, must_fail in hostile:
            cases.append(Case(f"{param.name}: {label}", _args(command, files, param, value), must_fail))
    return cases


#: Input files by key: (file name, content, whether reading it must be refused).
CONTENTS: dict[str, tuple[str, bytes, bool]] = {
    "empty": ("pusty.csv", b"", False),
    "binary": ("losowe.csv", bytes(range(256)) * 8, True),
    "binary_yaml": ("losowe.yaml", bytes(range(255, -1, -1)) * 4, True),
    "binary_json": ("losowe.json", b"\xff\xfe\x00" + bytes(range(256)) * 2, True),
    "fake_pdf": ("skan.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 3, True),
    "broken_yaml": ("zly.yaml", "klucz: [niezamknięte\n\t- „x”: :\n".encode(), False),  # fine as plain text
    "yaml_list": ("lista.yaml", b"- Zofia\n- Jan\n", False),
    "json_scalar": ("liczba.json", b"42", False),
    "utf16_csv": ("utf16.csv", "Imię;Nazwisko;Klasa\nŻaneta;Łęcka;3b\n".encode("utf-16"), False),
    "header_only": ("naglowek.csv", "Lp.;Imię;Nazwisko;Klasa\n".encode("utf-8-sig"), False),
    "csv_bad_values": (
        "wartosci.csv",
        (
            "Lp.;Imię;Nazwisko;Klasa;PESEL;Data urodzenia;E-mail\n1;"
            + "Ż" * 3000
            + ';"Kot";3b;123;2026-02-30;nie-mail\n2;;;;;;\n'
        ).encode("utf-8-sig"),
        False,
    ),
    "yaml_wrong_types": (
        "typy.yaml",
        b"notatka: 5\nnka: [1, 2]\nsprawcy_rodzice: tak\nimie: [x]\nodpowiedzi: {a: null}\n",
        False,
    ),
    "json_nested_nulls": ("puste.json", b'{"notatka": null, "nka": {"osoby": [null, 7]}, "odpowiedzi": [[]]}', False),
    "ragged_csv": ("krzywy.csv", 'Imię;Nazwisko\n"Zofia;Żak\n;;;;;;\n\x00\x00\n'.encode(), False),
}


def _hostile_files(folder: Path) -> dict:
    folder.mkdir()
    files: dict = {"missing": folder / "nie-ma-takiego.csv", "folder": folder / "katalog.csv"}
    files["folder"].mkdir()
    for key, (name, _content, _refuse) in CONTENTS.items():
        files[key] = folder / name
    _restore(files)
    return files


def _inputs(files: dict) -> list[Path]:
    return [files["folder"], *(files[key] for key in CONTENTS)]


def _restore(files: dict) -> None:
    """(Re)write the hostile files, also those a command moved away (``ingest`` keeps a rejected file in rejected/)."""
    files["folder"].mkdir(exist_ok=True)
    for key, (_name, content, _refuse) in CONTENTS.items():
        if not files[key].exists():
            files[key].write_bytes(content)


def _seed(root: Path, folder: Path) -> dict[str, str]:
    """One record of each kind the commands refer to, so a reference is valid while another option is under test."""
    ids = {}
    code, out = _run(
        root,
        [
            "vetting",
            "add",
            "--imie",
            "Jan",
            "--nazwisko",
            "Próbny",
            "--umowa",
            "umowa-o-prace",
            "--data-urodzenia",
            "1980-05-14",
        ],
    )
    assert code == 0, out
    ids["person"] = re.search(r"nr (\d+)", out).group(1)
    out = _run(root, ["nk", "new", "--data", str(write(folder / "case.yaml", payload()))])[1]
    ids["case_ref"] = re.search(r"sprawę NK ([0-9A-Z]{26})", out).group(1)
    out = _run(root, ["standards", "people", "add", "Anna Nowak", "--group", "pracownicy"])[1]
    ids["person_id"] = re.search(r"osobę ([0-9A-Z]{26})", out).group(1)
    out = _run(root, ["standards", "register", "add", "--summary", "Próba", "--channel", "email"])[1]
    ids["entry_id"] = re.search(r"wpis ([0-9A-Z]{26})", out).group(1)
    class_list = folder / "3b.csv"
    class_list.write_text("Lp.;Imię;Nazwisko;Klasa\n1;Zofia;Żak;3b\n", encoding="utf-8")
    assert _run(root, ["consent", "import", str(class_list)])[0] == 0
    ids["child"] = "Zofia Żak"
    ids["form_id"] = "oswiadczenie-o-niekaralnosci"
    return ids


@pytest.fixture(scope="module")
def seeded_built(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A workspace with the records of :func:`_seed`, built once: the workspace and the records' ids."""
    with built_once(tmp_path_factory) as (root, _cli):
        ids = _seed(root, root.parent)
    return root, ids


@pytest.fixture
def seeded(seeded_built, somflow_workspace) -> dict[str, str]:
    """The test's own copy of that workspace (as ``somflow_workspace``); the records' ids."""
    template, ids = seeded_built
    copy_into(template, somflow_workspace)
    return dict(ids)


def _snapshot(root: Path) -> dict[str, str]:
    """Every file of the store folder with its content hash (backups and locks aside)."""
    data = root / "data"
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(data.rglob("*"))
        if p.is_file() and "backups" not in p.parts and not p.name.endswith(".lock")
    }


def _run(root: Path, argv: list[str]) -> tuple[int, str]:
    runner = CliRunner()
    with runner.isolation() as (stdout, stderr, _output):
        try:
            main(["--workspace", str(root), *argv])
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        finally:
            i18n.set_language("pl")
        return code, stdout.getvalue().decode("utf-8", "replace") + stderr.getvalue().decode("utf-8", "replace")


#: Commands whose sweep takes seconds (72 cases for ``nk step``, many of them printing): in the full suite only.
SLOW = {("nk", "step")}


@pytest.mark.parametrize(
    "path", [pytest.param(p, marks=pytest.mark.slow) if p in SLOW else p for p in sorted(LEAVES)], ids=" ".join
)
def test_hostile_input_gets_a_polish_message(path, somflow_workspace, seeded, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # commands that make files in the current folder make them here
    files = _hostile_files(tmp_path / "wejscie")
    files["ids"] = seeded
    command = LEAVES[path]
    problems = []
    for case in _cases(path, command, files):
        argv = [*path, *ALWAYS.get(path, []), *case.args]
        before = _snapshot(somflow_workspace)
        code, output = _run(somflow_workspace, argv)
        where = f"somflow {' '.join(path)} [{case.label}] -> exit {code}: {output.strip()[:300]!r}"
        if "Traceback" in output or "Nieoczekiwany błąd" in output:
            problems.append("crash: " + where)
        elif not output.strip():
            problems.append("no message: " + where)
        elif case.must_fail and code == 0:
            problems.append("accepted: " + where)
        elif code != 0 and _snapshot(somflow_workspace) != before:
            problems.append("store changed after a refusal: " + where)
        if lost := [p.name for p in _inputs(files) if not p.exists() and not any(somflow_workspace.rglob(p.name))]:
            problems.append(f"input file lost {lost}: " + where)
        _restore(files)
    assert not problems, "\n".join(problems)


def test_every_command_is_swept():
    names = {" ".join(path) for path in LEAVES}
    assert {"nk show", "vetting show", "consent import", "standards people import", "fill", "ingest"} <= names


@pytest.mark.parametrize("ref", ["", "  ", "0", "01m"])
def test_an_empty_or_too_short_id_names_no_record(ref, somflow_workspace, seeded):
    """Every id starts with the same characters: "" or "0" must not pick the only record there is."""
    ids = seeded
    before = _snapshot(somflow_workspace)
    for argv in (
        ["standards", "register", "status", ref, "zamkniete"],
        ["standards", "ack", "record", ref],
        ["vetting", "admit", ref],
    ):
        code, output = _run(somflow_workspace, argv)
        assert code != 0 and "Nie znaleziono" in output, (argv, output)
    assert _snapshot(somflow_workspace) == before
    code, output = _run(
        somflow_workspace, ["standards", "register", "status", ids["entry_id"][:6].lower(), "zamkniete"]
    )
    assert code == 0, output  # a real start of an id still works


@pytest.mark.parametrize(
    "global_args",
    [
        ["--log-file", "{folder}"],
        ["--log-file", "{empty}/log.txt"],
        ["--workspace", "{empty}"],
        ["--workspace", "{missing}"],
    ],
    ids=["log file is a folder", "log file inside a file", "workspace is a file", "workspace does not exist"],
)
def test_hostile_global_options(global_args, tmp_path, monkeypatch):
    monkeypatch.delenv("SOMFLOW_WORKSPACE", raising=False)
    files = _hostile_files(tmp_path / "wejscie")
    argv = [a.format(**{k: files[k] for k in ("folder", "empty", "missing")}) for a in global_args]
    runner = CliRunner()
    with runner.isolation() as (stdout, stderr, _output):
        try:
            main([*argv, "status"])
            code = 0
        except SystemExit as exc:
            code = exc.code
        finally:
            i18n.set_language("pl")
        output = stdout.getvalue().decode() + stderr.getvalue().decode()
    assert code != 0 and output.strip(), output
    assert "Traceback" not in output and "Nieoczekiwany błąd" not in output, output
