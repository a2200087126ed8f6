"""Importing a staff list from CSV (all or nothing, errors by row and column) and the PESEL checks."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from conftest import run_somflow
from somflow_vetting.people import FIELDS, check_pesel
from stdnum.pl import pesel as stdnum_pesel
from vetting_fixtures import make_pesel, status, stored

TODAY = date(2026, 11, 23)


def _csv(rows: list[dict[str, str]], delimiter: str = ";") -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FIELDS, delimiter=delimiter, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: row.get(k, "") for k in FIELDS})
    return buffer.getvalue()


def _row(first: str, last: str, born: date, **extra: str) -> dict[str, str]:
    return {
        "imie": first,
        "nazwisko": last,
        "pesel": make_pesel(born),
        "umowa": "umowa o pracę",
        "rola": "nauczyciel",
        **extra,
    }


STAFF = [
    _row("Zofia", "Źdźbło", date(1980, 1, 31), start="2026-09-01"),
    _row("Łucja", "Gęś", date(2001, 12, 24), umowa="wolontariat", obywatelstwa="UA", kraje_zamieszkania="Niemcy"),
    _row("Jürgen", "Weiß", date(1975, 6, 6), umowa="zlecenie", obywatelstwa="DE", kraje_zamieszkania="Wielka Brytania"),
]


def test_import_all_rows(somflow_workspace, somflow_cli, tmp_path):
    path = tmp_path / "kadry.csv"
    path.write_text(_csv(STAFF), encoding="utf-8-sig")
    result = somflow_cli("vetting", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "Nowe osoby: 3," in result.output
    people = status(somflow_cli)
    assert "rejestr-UA" in people[2]["required"] and "rejestr-DE" in people[2]["required"]
    assert "rejestr-GB" in people[3]["required"] and "rejestr-DE" in people[3]["required"]


def test_one_bad_pesel_rejects_the_file_naming_row_and_column(somflow_workspace, somflow_cli, tmp_path):
    bad = dict(STAFF[1], pesel=make_pesel(date(2001, 12, 24), check_ok=False))
    path = tmp_path / "kadry.csv"
    path.write_text(_csv([STAFF[0], bad, STAFF[2]]), encoding="utf-8")
    result = somflow_cli("vetting", "import", str(path))
    assert result.exit_code == 2
    assert "Plik kadry.csv, wiersz 3, kolumna „pesel”: błędna cyfra kontrolna PESEL" in result.output
    assert "Nie zaimportowano nikogo" in result.output
    assert bad["pesel"] not in result.output  # the number itself is never repeated
    assert len(stored(somflow_workspace)) == 0


def test_every_problem_is_reported_at_once(somflow_workspace, somflow_cli, tmp_path):
    rows = [
        dict(STAFF[0], umowa="na słowo honoru"),
        dict(STAFF[1], pesel=STAFF[0]["pesel"]),
        dict(STAFF[2], obywatelstwa="Atlantyda", start="31.02.2026"),
        {"imie": "Bez", "nazwisko": "Daty", "umowa": "dzieło"},
    ]
    path = tmp_path / "lista.csv"
    path.write_text(_csv(rows, delimiter=","), encoding="utf-8")
    out = somflow_cli("vetting", "import", str(path)).output
    assert "wiersz 2, kolumna „umowa”: nieznany rodzaj umowy" in out
    assert "wiersz 3, kolumna „pesel”: ten sam numer PESEL co w wierszu 2" in out
    assert "wiersz 4, kolumna „obywatelstwa”: nieznane państwo „Atlantyda”" in out
    assert "wiersz 4, kolumna „start”: nieprawidłowa data" in out
    assert "wiersz 5, kolumna „data_urodzenia”: bez numeru PESEL podaj datę urodzenia" in out
    assert len(stored(somflow_workspace)) == 0


def test_windows_excel_export_in_cp1250_and_polish_headers(somflow_workspace, somflow_cli, tmp_path):
    text = f"Imię;Nazwisko;PESEL;Rodzaj umowy;Obywatelstwo\r\nŻaneta;Łęcka;{make_pesel(date(1993, 2, 28))};umowa o dzieło;Polska\r\n"
    path = tmp_path / "excel.csv"
    path.write_bytes(text.encode("cp1250"))
    result = somflow_cli("vetting", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "Łęcka" in somflow_cli("vetting", "show", "1").output


@pytest.mark.parametrize(
    "start_header",
    ["Data rozpoczęcia pracy", "Data zatrudnienia", "Początek pracy", "Planowany początek pracy z dziećmi"],
)
def test_hr_export_names_the_first_day_its_own_way(somflow_workspace, somflow_cli, tmp_path, start_header):
    text = f"Imię\tNazwisko\tPESEL\tRodzaj umowy\t{start_header}\tObywatelstwa\tKraje zamieszkania\r\n"
    text += f"Piotr\tŚwiątek\t{make_pesel(date(1992, 3, 4))}\tzlecenie\t1.12.2026\tPolska\tNiemcy; Francja\r\n"
    path = tmp_path / "kadry.txt"
    path.write_bytes(text.encode("utf-16"))
    result = somflow_cli("vetting", "import", str(path))
    assert result.exit_code == 0, result.output
    assert [p["start"] for p in _stored(somflow_workspace)] == ["2026-12-01"]


def test_importing_the_same_list_again_changes_nothing(somflow_workspace, somflow_cli, tmp_path):
    path = tmp_path / "kadry.csv"
    path.write_text(_csv(STAFF[:1]), encoding="utf-8")
    assert somflow_cli("vetting", "import", str(path)).exit_code == 0
    again = somflow_cli("vetting", "import", str(path))
    assert again.exit_code == 0 and "Nowe osoby: 0, zmienione: 0, bez zmian: 1," in again.output
    assert len(stored(somflow_workspace)) == 1


def test_template_round_trips(somflow_workspace, somflow_cli, tmp_path):
    template = somflow_cli("vetting", "import", "--template").output
    path = tmp_path / "wzor.csv"
    path.write_text(template, encoding="utf-8")
    assert somflow_cli("vetting", "import", str(path)).exit_code == 0


@pytest.mark.parametrize(
    ("born", "check_ok", "message"),
    [
        (date(1985, 3, 14), True, None),
        (date(2004, 2, 29), True, None),  # 2000s: month + 20
        (date(1885, 3, 14), True, "XIX wieku"),  # month + 80: a real PESEL encoding, but no member of staff
        (date(2105, 3, 14), True, "w przyszłości"),  # month + 40
        (date(2205, 3, 14), True, "w przyszłości"),  # month + 60
        (date(2030, 1, 1), True, "w przyszłości"),
        (date(1920, 1, 1), True, "ponad 100 lat"),
        (date(1985, 3, 14), False, "cyfra kontrolna"),
    ],
)
def test_pesel_checks(born, check_ok, message):
    got, problem = check_pesel(make_pesel(born, check_ok=check_ok), TODAY)
    if message is None:
        assert problem is None and got == born
    else:
        assert got is None and message in problem


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("8503141234", "11 cyfr"),
        ("85031412345x", "tylko cyfry"),
        ("8502311234" + stdnum_pesel.calc_check_digit("8502311234"), "nieistniejącą datę"),
        ("85 031412345", "cyfra kontrolna"),
        ("85/031412345", "tylko cyfry"),
    ],
)
def test_pesel_format_errors(value, message):
    _born, problem = check_pesel(value, TODAY)
    assert message in problem


def test_birth_date_must_agree_with_pesel(somflow_cli):
    result = somflow_cli(
        "vetting",
        "add",
        "--imie",
        "Anna",
        "--nazwisko",
        "Zięba",
        "--pesel",
        make_pesel(date(1985, 3, 14)),
        "--data-urodzenia",
        "14.03.1986",
        "--umowa",
        "zlecenie",
    )
    assert result.exit_code == 2
    assert "Pole „Data urodzenia”: data urodzenia nie zgadza się z datą zapisaną w numerze PESEL" in result.output
    ok = somflow_cli(
        "vetting",
        "add",
        "--imie",
        "Anna",
        "--nazwisko",
        "Zięba",
        "--pesel",
        make_pesel(date(1985, 3, 14)),
        "--data-urodzenia",
        "14.03.1985",
        "--umowa",
        "zlecenie",
    )
    assert ok.exit_code == 0, ok.output


def test_import_in_a_separate_process(somflow_workspace, tmp_path):
    path = tmp_path / "kadry.csv"
    path.write_text(_csv(STAFF), encoding="utf-8")
    env = {"SOMFLOW_WORKSPACE": str(somflow_workspace), "SOMFLOW_LANG": "pl"}
    done = run_somflow("vetting", "import", str(path), env=env)
    assert done.returncode == 0, done.stderr
    listed = run_somflow("vetting", "status", env=env)
    assert listed.returncode == 0, listed.stderr
    assert "Źdźbło" in listed.stdout and "niekompletny" in listed.stdout
    bad = path.with_name("zly.csv")
    bad.write_text(_csv([dict(STAFF[0], pesel="12345678901")]), encoding="utf-8")
    refused = run_somflow("vetting", "import", str(bad), env=env)
    assert refused.returncode == 2 and "wiersz 2, kolumna „pesel”" in refused.stderr


# ----------------------------------------------------------- files as spreadsheets really write them


def _stored(root) -> list[dict]:
    return stored(root)


def test_excel_damage_dates_and_trailing_rows(somflow_workspace, somflow_cli, tmp_path):
    """Polish Excel: Windows-1250 (a byte it leaves undefined is refused), ``sep=;``, D.M.YYYY dates, ;;;; rows at the end."""
    young = make_pesel(date(2003, 7, 8))  # born in the 2000s: the PESEL starts with 0
    assert young.startswith("0")
    text = (
        "sep=;\r\n"
        "Imię;Nazwisko;PESEL;Rodzaj umowy;Stanowisko / rola;Planowany początek pracy z dziećmi;Data urodzenia\r\n"
        f"Łucja;Gęś;{young[:3]} {young[3:]};umowa o pracę;kucharka#;1.9.2026;8.7.2003\r\n"
        "Żaneta;Ćwik;;wolontariat;animatorka;2026-09-01;24.12.1990 r.\r\n"
        ";;;;;;\r\n;;;;;;\r\n\r\n"
    )
    path = tmp_path / "kadry.csv"
    path.write_bytes(text.encode("cp1250").replace(b"#", b"\x98"))  # 0x98: undefined in cp1250
    refused = somflow_cli("vetting", "import", str(path))  # was an AssertionError traceback
    assert refused.exit_code == 2 and "Plik kadry.csv nie jest tekstem w UTF-8 ani w Windows-1250" in refused.output
    assert _stored(somflow_workspace) == []
    path.write_bytes(text.encode("cp1250").replace(b"#", b""))
    result = somflow_cli("vetting", "import", str(path))
    assert result.exit_code == 0, result.output
    people = {p["imie"]: p for p in _stored(somflow_workspace)}
    assert people["Łucja"]["pesel"] == young and people["Łucja"]["start"] == "2026-09-01"
    assert people["Łucja"]["data_urodzenia"] == "2003-07-08"
    assert people["Żaneta"]["data_urodzenia"] == "1990-12-24"


def test_utf16_tab_separated_and_comma_with_quotes(somflow_workspace, somflow_cli, tmp_path):
    rows = [dict(STAFF[0], rola="nauczycielka; wychowawczyni"), STAFF[1]]
    tabbed = tmp_path / "unicode.txt"
    tabbed.write_bytes(_csv(rows[:1], delimiter="\t").encode("utf-16"))
    assert somflow_cli("vetting", "import", str(tabbed)).exit_code == 0
    commas = tmp_path / "przecinki.csv"
    commas.write_text(_csv(rows[1:], delimiter=","), encoding="utf-8")
    assert somflow_cli("vetting", "import", str(commas)).exit_code == 0
    assert {p["rola"] for p in _stored(somflow_workspace)} == {"nauczycielka; wychowawczyni", "nauczyciel"}


def test_lost_leading_zero_and_bad_dates_name_row_and_column(somflow_workspace, somflow_cli, tmp_path):
    young = make_pesel(date(2004, 2, 29))
    rows = [
        dict(STAFF[0], start="31.04.2026"),
        dict(STAFF[1], pesel=young[1:]),  # Excel turned the column into numbers
        dict(STAFF[2], pesel="7,50606E+10"),
        _row("Ola", "Mak", date(1999, 1, 1), start="1.9.26"),
    ]
    path = tmp_path / "kadry.csv"
    path.write_text(_csv(rows), encoding="utf-8-sig")
    result = somflow_cli("vetting", "import", str(path))
    assert result.exit_code == 2
    out = result.output
    assert "wiersz 2, kolumna „start”: nieprawidłowa data" in out
    assert "wiersz 3, kolumna „pesel”: PESEL ma 10 cyfr zamiast 11" in out and "zero z początku" in out
    assert "wiersz 4, kolumna „pesel”: PESEL zapisany jako liczba w zapisie wykładniczym" in out
    assert "wiersz 5, kolumna „start”: nieprawidłowa data" in out
    assert young[1:] not in out and "Nie zaimportowano nikogo" in out
    assert _stored(somflow_workspace) == []


def test_messages_name_the_column_as_the_file_writes_it(somflow_workspace, somflow_cli, tmp_path):
    text = (
        "Imię;Nazwisko;PESEL;Rodzaj umowy;Data rozpoczęcia\n"
        + f"Ala;Kot;{make_pesel(date(1990, 1, 2), check_ok=False)};praca;31.9.2026\n"
    )
    path = tmp_path / "kadry.csv"
    path.write_text(text, encoding="utf-8")
    result = somflow_cli("vetting", "import", str(path))
    assert result.exit_code == 2
    assert "wiersz 2, kolumna „PESEL”: błędna cyfra kontrolna" in result.output
    assert "wiersz 2, kolumna „Data rozpoczęcia”: nieprawidłowa data" in result.output


def test_a_person_found_by_pesel_typed_with_spaces_and_never_echoed(somflow_workspace, somflow_cli, tmp_path):
    path = tmp_path / "kadry.csv"
    path.write_text(_csv(STAFF[:1]), encoding="utf-8")
    assert somflow_cli("vetting", "import", str(path)).exit_code == 0
    number = STAFF[0]["pesel"]
    spaced = f"{number[:6]} {number[6:]}"
    assert "Źdźbło" in somflow_cli("vetting", "show", spaced).output
    other = make_pesel(date(1981, 2, 3))
    missing = somflow_cli("vetting", "show", f"{other[:6]} {other[6:]}")
    assert missing.exit_code != 0 and other not in missing.output and other[6:] not in missing.output
