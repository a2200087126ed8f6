"""Importing a class list (CSV from an e-register) with ``somflow consent import``."""

from __future__ import annotations

from pathlib import Path

from somflow.workspace import Workspace

HEADER = "Lp.;Imię;Nazwisko;Klasa;PESEL;Data urodzenia;Rodzic 1;E-mail rodzica 1;Telefon 1;Rodzic 2;E-mail rodzica 2\n"
ROWS = [
    "1;Zofia;Żak;3b;16221512345;;Anna Żak;anna.zak@example.pl;600100200;Łukasz Żak;lukasz@example.pl\n",
    "2;Jan;Łęcki;3 B;;2016-05-04;Małgorzata Łęcka;m.lecka@example.pl;;;\n",
    "3;Ścibor;Źrebiec;4a;;;;;;;\n",
]


def valid_pesel() -> str:
    from stdnum.pl import pesel

    base = "1622151234"  # 2016-02-15
    return next(base + str(d) for d in range(10) if pesel.is_valid(base + str(d)))


def write_csv(path: Path, text: str, encoding: str = "utf-8-sig") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def children(root: Path) -> list[dict]:
    return Workspace(root).store.query("people", {"kind": "child"})


def test_import_utf8_semicolons_with_parents(somflow_cli, somflow_workspace, tmp_path):
    rows = [ROWS[0].replace("16221512345", valid_pesel()), *ROWS[1:]]
    result = somflow_cli("consent", "import", str(write_csv(tmp_path / "3b.csv", HEADER + "".join(rows))))
    assert result.exit_code == 0, result.output
    assert "Nowe osoby: 3," in result.output
    kids = {c["first_name"]: c for c in children(somflow_workspace)}
    assert kids["Jan"]["group"] == "3b"  # "3 B" normalised
    assert kids["Zofia"]["birth_date"] == "2016-02-15"  # from PESEL
    assert kids["Zofia"]["guardians"] == [
        {"name": "Anna Żak", "email": "anna.zak@example.pl", "phone": "600100200"},
        {"name": "Łukasz Żak", "email": "lukasz@example.pl"},
    ]
    assert kids["Ścibor"]["last_name"] == "Źrebiec"


def test_import_cp1250_commas(somflow_cli, somflow_workspace, tmp_path):
    text = "Nazwisko,Imię,Oddział,Opiekun\r\nŻółć,Gęślą,2c,Jaźń Żółć\r\n"
    result = somflow_cli("consent", "import", str(write_csv(tmp_path / "2c.csv", text, "cp1250")))
    assert result.exit_code == 0, result.output
    (kid,) = children(somflow_workspace)
    assert (kid["first_name"], kid["last_name"], kid["group"]) == ("Gęślą", "Żółć", "2c")
    assert kid["guardians"] == [{"name": "Jaźń Żółć"}]


def test_bad_rows_are_all_named_and_nothing_is_imported(somflow_cli, somflow_workspace, tmp_path):
    bad = (
        HEADER
        + ROWS[1]
        + ";;Nowak;3b;;;;;;;\n"
        + "5;Ewa;Kot;3b;12345678901;;;;;;\n"
        + "6;Ola;Mak;3b;;31.02.2016;;;;;\n"
        + ROWS[1]
    )
    result = somflow_cli("consent", "import", str(write_csv(tmp_path / "zla.csv", bad)))
    assert result.exit_code == 2
    out = result.output
    assert "zla.csv, wiersz 3: brak wartości w kolumnie „Imię”" in out
    assert "wiersz 4, kolumna PESEL" in out
    assert "wiersz 5, kolumna „Data urodzenia”: „31.02.2016”" in out
    assert "wiersz 6: ten sam uczeń jest już w wierszu 2" in out
    assert "Nic nie zaimportowano" in out
    assert children(somflow_workspace) == []


def test_missing_columns_and_empty_file(somflow_cli, tmp_path):
    result = somflow_cli("consent", "import", str(write_csv(tmp_path / "x.csv", "Uczeń;Klasa\nJan Kot;1a\n")))
    assert result.exit_code == 2
    assert "brak kolumny „Imię”, „Nazwisko”" in result.output
    result = somflow_cli("consent", "import", str(write_csv(tmp_path / "pusty.csv", "")))
    assert result.exit_code == 2 and "jest pusty" in result.output


def test_reimport_updates_instead_of_duplicating(somflow_cli, somflow_workspace, tmp_path):
    somflow_cli("consent", "import", str(write_csv(tmp_path / "a.csv", HEADER + ROWS[1])))
    moved = ROWS[1].replace("3 B", "4b")
    result = somflow_cli("consent", "import", str(write_csv(tmp_path / "b.csv", HEADER + moved)))
    assert "Nowe osoby: 0, zmienione: 1," in result.output
    (kid,) = children(somflow_workspace)
    assert kid["group"] == "4b"


def test_excel_class_list_damage_is_explained_and_nothing_imported(somflow_cli, somflow_workspace, tmp_path):
    from stdnum.pl import pesel

    base = "0623150123"  # born 2006-03-15: the PESEL starts with 0
    number = next(base + str(d) for d in range(10) if pesel.is_valid(base + str(d)))
    text = (
        HEADER
        + f"1;Zofia;Żak;3b;{number[1:]};;;;;;\n"
        + "2;Jan;Łęcki;3b;1,62215E+10;;;;;;\n"
        + "3;Ola;Mak;3b;;31.4.2016;;;;;\n"
    )
    result = somflow_cli("consent", "import", str(write_csv(tmp_path / "3b.csv", text, "cp1250")))
    assert result.exit_code == 2
    out = result.output
    assert "wiersz 2, kolumna PESEL: PESEL ma 10 cyfr zamiast 11" in out and "zero z początku" in out
    assert "wiersz 3, kolumna PESEL: PESEL zapisany jako liczba w zapisie wykładniczym" in out
    assert "wiersz 4, kolumna „Data urodzenia”: „31.4.2016” nie jest poprawną datą" in out
    assert number[1:] not in out and children(somflow_workspace) == []


def test_class_list_polish_dates_spaced_pesel_and_trailing_rows(somflow_cli, somflow_workspace, tmp_path):
    number = valid_pesel()
    text = (
        HEADER
        + f"1;Zofia;Żak;3b;{number[:6]} {number[6:]};15.2.2016;;;;;\n"
        + "2;Jan;Łęcki;3b;;4.5.2016;;;;;\n"
        + "3;Ola;Mak;3b;;2016-06-07 00:00:00;;;;;\n"
        + ";;;;;;;;;;\n;;;;;;;;;;\n"
    )
    result = somflow_cli("consent", "import", str(write_csv(tmp_path / "3b.csv", text, "utf-8-sig")))
    assert result.exit_code == 0, result.output
    kids = {c["first_name"]: c for c in children(somflow_workspace)}
    assert kids["Zofia"]["pesel"] == number and kids["Zofia"]["birth_date"] == "2016-02-15"
    assert kids["Jan"]["birth_date"] == "2016-05-04" and kids["Ola"]["birth_date"] == "2016-06-07"


def test_class_list_birth_date_in_the_future_is_named_as_such(somflow_cli, somflow_workspace, tmp_path, monkeypatch):
    monkeypatch.setenv("SOMFLOW_TODAY", "2026-11-23")
    text = HEADER + "1;Ola;Mak;0a;;24.11.2026;;;;;\n"
    result = somflow_cli("consent", "import", str(write_csv(tmp_path / "0a.csv", text)))
    assert result.exit_code == 2
    assert "wiersz 2, kolumna „Data urodzenia”: 2026-11-24 jest z przyszłości (dziś jest 2026-11-23)" in result.output
    assert children(somflow_workspace) == []
