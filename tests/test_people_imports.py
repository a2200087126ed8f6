"""Imports that update the one register: HR list, class list, standards lists; leaving.

Each import matches rows to the people already there (PESEL, else name with birth date or
class, through somflow.people.match), reports added / changed / unchanged / not in the file
(people named by number and initials only), takes --dry-run, and changes nothing the
second time. A leaver (a column of the file, or `somflow people leave`) gets no deadlines
or reminders, and their records stay.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from vetting_fixtures import make_pesel, status

from somflow.errors import InvalidInput
from somflow.people import register
from somflow.workspace import Workspace

HR_HEADER = "Imię;Nazwisko;PESEL;Rodzaj umowy;Stanowisko;Data rozpoczęcia pracy\n"
EWA = make_pesel(date(1985, 4, 2))
JAN = make_pesel(date(1990, 7, 9))
HR = (
    HR_HEADER
    + f"Ewa;Łoś;{EWA};umowa o pracę;nauczycielka;2026-12-22\n"
    + f"Jan;Wolny;{JAN};zlecenie;trener;2027-01-11\n"
)
CLASS = "Lp.;Imię;Nazwisko;Klasa;Data urodzenia;Rodzic 1;E-mail rodzica 1\n1;Zofia;Żak;3b;2016-02-15;Anna Żak;anna@example.pl\n2;Jan;Łęcki;3b;;;\n"


def _ok(result):
    assert result.exit_code == 0, result.output
    return result.output


def _people(root) -> list[dict]:
    return register.listing(Workspace(root).store, include_left=True)


def test_hr_list_imported_twice_changes_nothing_the_second_time(somflow_cli, somflow_workspace, tmp_path):
    hr = tmp_path / "kadry.csv"
    hr.write_text(HR, encoding="utf-8")
    first = _ok(somflow_cli("vetting", "import", str(hr)))
    assert "Nowe osoby: 2, zmienione: 0, bez zmian: 0" in first
    assert EWA not in first and "Łoś" not in first and "nr 1 (E. L.)" in first  # masked: number and initials
    before = Workspace(somflow_workspace).store.audit_log()
    second = _ok(somflow_cli("vetting", "import", str(hr)))
    assert "Nowe osoby: 0, zmienione: 0, bez zmian: 2, nie ma ich w pliku: 0, niepewne: 0." in second
    assert Workspace(somflow_workspace).store.audit_log() == before  # not one write


def test_hr_list_changes_are_reported_and_a_dry_run_writes_nothing(somflow_cli, somflow_workspace, tmp_path):
    hr = tmp_path / "kadry.csv"
    hr.write_text(HR, encoding="utf-8")
    _ok(somflow_cli("vetting", "import", str(hr)))
    # Ewa's start moved, Jan is not in the new export, Ola is new; Ewa written surname first, no Polish letters
    hr.write_text(
        HR_HEADER
        + f"LOS;Ewa;{EWA};umowa o pracę;nauczycielka;2027-01-04\n"
        + f"Ola;Nowa;{make_pesel(date(1999, 1, 1))};zlecenie;;\n",
        encoding="utf-8",
    )
    before = json.dumps(_people(somflow_workspace), sort_keys=True)
    trial = _ok(somflow_cli("vetting", "import", str(hr), "--dry-run"))
    assert "Nowe osoby: 1, zmienione: 1, bez zmian: 0, nie ma ich w pliku: 1, niepewne: 0." in trial
    assert (
        "nr 1 (E. L.) — zmiany: początek pracy" in trial
        and "nowa osoba (O. N.)" in trial
        and "Nie ma w pliku: nr 2 (J. W.)" in trial
    )
    assert "niczego nie zapisano" in trial
    assert json.dumps(_people(somflow_workspace), sort_keys=True) == before
    applied = _ok(somflow_cli("vetting", "import", str(hr)))
    assert "Nowe osoby: 1, zmienione: 1" in applied
    people = {p["nr"]: p for p in _people(somflow_workspace)}
    assert people[1]["start"] == "2027-01-04" and people[1]["first_name"] == "Ewa"  # the PESEL matched; names kept
    assert people[2]["left_on"] is None  # missing from a file is reported, never taken as leaving
    assert people[3]["first_name"] == "Ola"


def test_class_list_accepted_by_zgody_import_is_accepted_by_standards_too(somflow_cli, somflow_workspace, tmp_path):
    path = tmp_path / "3b.csv"
    path.write_bytes(CLASS.encode("cp1250"))
    assert "Nowe osoby: 2," in _ok(somflow_cli("zgody", "import", str(path)))
    again = _ok(somflow_cli("zgody", "import", str(path)))
    assert "Nowe osoby: 0, zmienione: 0, bez zmian: 2," in again
    # the same file for the standards: the same children, not copies
    children = _ok(somflow_cli("standards", "people", "import", str(path), "--group", "dzieci"))
    assert "Nowe osoby: 0, zmienione: 0, bez zmian: 2," in children
    parents = _ok(somflow_cli("standards", "people", "import", str(path), "--group", "rodzice"))
    assert "Nowe osoby: 1," in parents
    assert "Nowe osoby: 0, zmienione: 0, bez zmian: 1," in _ok(
        somflow_cli("standards", "people", "import", str(path), "--group", "rodzice")
    )
    kinds = sorted((p["kind"], register.display_name(p)) for p in _people(somflow_workspace))
    assert kinds == [("child", "Jan Łęcki"), ("child", "Zofia Żak"), ("parent", "Anna Żak")]
    missing = json.loads(_ok(somflow_cli("standards", "missing", "--json")))["missing"]
    assert sorted(p["name"] for p in missing) == ["Anna Żak", "Jan Łęcki", "Zofia Żak"]


def test_standards_list_imported_twice_does_not_duplicate(somflow_cli, somflow_workspace, tmp_path):
    path = tmp_path / "rodzice.csv"
    path.write_text("imie_nazwisko;klasa;dziecko\nAnna Bąk;2b;Ola Bąk\nPiotr Kos;2b;Jaś Kos\n", encoding="utf-8")
    assert "Nowe osoby: 2," in _ok(somflow_cli("standards", "people", "import", str(path), "--group", "rodzice"))
    assert "bez zmian: 2," in _ok(somflow_cli("standards", "people", "import", str(path), "--group", "rodzice"))
    path.write_text(
        "imie_nazwisko;klasa;dziecko;data_odejscia\nAnna Bąk;2b;Ola Bąk;\nPiotr Kos;2b;Jaś Kos;30.11.2026\n",
        encoding="utf-8",
    )
    assert "zmiany: data odejścia" in _ok(somflow_cli("standards", "people", "import", str(path), "--group", "rodzice"))
    assert [p["name"] for p in json.loads(_ok(somflow_cli("standards", "missing", "--json")))["missing"]] == [
        "Anna Bąk"
    ]
    assert len(_people(somflow_workspace)) == 2


def test_a_row_that_fits_only_partly_is_reported_not_guessed(somflow_cli, somflow_workspace, tmp_path):
    path = tmp_path / "3b.csv"
    path.write_text("Imię;Nazwisko;Klasa\nAnna Maria;Kowalska;3b\n", encoding="utf-8")
    _ok(somflow_cli("people", "import", str(path)))
    path.write_text("Imię;Nazwisko;Klasa\nAnna;Kowalska;3b\n", encoding="utf-8")
    result = _ok(somflow_cli("people", "import", str(path)))
    assert "niepewne: 1." in result and "wiersz 2: NIEPEWNE" in result and "nr 1 (A. M. K.)" in result
    assert [register.display_name(p) for p in _people(somflow_workspace)] == ["Anna Maria Kowalska"]


def test_a_leaver_gets_no_deadline_nor_reminder_and_keeps_the_records(somflow_cli, somflow_workspace, tmp_path):
    hr = tmp_path / "kadry.csv"
    hr.write_text(HR, encoding="utf-8")
    _ok(somflow_cli("vetting", "import", str(hr)))
    due = json.loads(_ok(somflow_cli("deadlines", "--json", "--today", "2026-12-01")))
    assert {d["key"] for d in due if d["key"].startswith("vetting:")} == {
        f"vetting:{p['id']}:przed-startem" for p in _people(somflow_workspace)
    }
    assert "Osoba nr 2 odeszła z placówki z dniem 2026-12-05" in _ok(
        somflow_cli("people", "leave", "2", "--date", "2026-12-05")
    )
    jan = register.find(Workspace(somflow_workspace).store, "2")
    due = json.loads(_ok(somflow_cli("deadlines", "--json", "--today", "2026-12-06")))
    assert not [d for d in due if jan["id"] in d["key"]]
    digest = _ok(somflow_cli("remind", "--dry-run", "--today", "2026-12-08"))
    assert "nr 2" not in digest and "osoby nr 1" in digest
    # the records stay and remain visible
    assert "Osoba nr 2" in _ok(somflow_cli("vetting", "show", "2"))
    assert 2 not in status(somflow_cli)  # the current list leaves the leaver out
    assert "Jan Wolny" not in _ok(somflow_cli("people", "list")) and "odeszła/odszedł 2026-12-05" in _ok(
        somflow_cli("people", "list", "--all")
    )


def test_the_leaving_column_of_the_hr_list_and_the_polish_command(somflow_cli, somflow_workspace, tmp_path):
    hr = tmp_path / "kadry.csv"
    hr.write_text(HR, encoding="utf-8")
    _ok(somflow_cli("vetting", "import", str(hr)))
    hr.write_text(
        HR_HEADER.replace("\n", ";Data odejścia\n") + f"Jan;Wolny;{JAN};zlecenie;trener;2027-01-11;5.12.2026\n",
        encoding="utf-8",
    )
    assert "zmiany: data odejścia" in _ok(somflow_cli("vetting", "import", str(hr)))
    assert register.find(Workspace(somflow_workspace).store, "Jan Wolny")["left_on"] == "2026-12-05"
    _ok(somflow_cli("osoby", "odejscie", "Łoś Ewa", "--data", "31.12.2026"))
    assert register.find(Workspace(somflow_workspace).store, "1")["left_on"] == "2026-12-31"


def test_a_leaving_child_stops_counting_for_consents(somflow_cli, somflow_workspace, tmp_path):
    path = tmp_path / "3b.csv"
    path.write_bytes(
        CLASS.replace("Data urodzenia;", "Data urodzenia;Data odejścia;")
        .replace("2016-02-15;", "2016-02-15;;")
        .replace("Łęcki;3b;;", "Łęcki;3b;;1.12.2026;")
        .encode("utf-8")
    )
    assert "Nowe osoby: 2," in _ok(somflow_cli("zgody", "import", str(path)))
    listed = _ok(somflow_cli("zgody", "list", "--group", "3b")).splitlines()
    assert listed == [
        "nr 2    Jan Łęcki (3b): brak zgody (nie zwrócono)  (odszedł/odeszła 2026-12-01)",
        "nr 1    Zofia Żak (3b): brak zgody (nie zwrócono)",
    ]


def test_adding_somebody_already_in_the_register_is_refused(somflow_cli, somflow_workspace):
    _ok(somflow_cli("standards", "people", "add", "Anna Bąk", "--group", "rodzice", "--klasa", "2b"))
    with pytest.raises(InvalidInput, match=r"już jest w rejestrze \(nr 1, klasa 2b\)"):
        somflow_cli("standards", "people", "add", "BĄK anna", "--group", "rodzice", "--klasa", "2b")
    _ok(
        somflow_cli("standards", "people", "add", "Anna Bąk", "--group", "rodzice", "--klasa", "3a")
    )  # another class: another parent
    assert len(_people(somflow_workspace)) == 2


def test_a_leavers_acknowledgment_stays_named_in_the_history(somflow_cli, somflow_workspace):
    _ok(somflow_cli("standards", "people", "add", "Anna Bąk", "--group", "rodzice", "--klasa", "2b"))
    _ok(somflow_cli("standards", "ack", "record", "Anna Bąk", "--date", "2026-10-01", "--place", "sala 12"))
    _ok(somflow_cli("people", "leave", "1", "--date", "2026-11-30"))
    assert json.loads(_ok(somflow_cli("standards", "missing", "--json")))["missing"] == []
    assert "Anna Bąk" in _ok(somflow_cli("standards", "ack", "list"))
