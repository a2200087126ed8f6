"""somflow.csvfile: what Polish spreadsheets and e-registers write, read the same way by every importer."""

from __future__ import annotations

import pytest

from somflow import csvfile


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
    ["Imię;Łódź\n".encode("utf-8-sig"), "Imię;Łódź\n".encode("utf-8"), "Imię;Łódź\n".encode("cp1250"), "Imię;Łódź\n".encode("utf-16")],
)
def test_encodings(payload):
    assert csvfile.decode(payload) == "Imię;Łódź\n"


def test_bytes_windows_1250_does_not_define_do_not_stop_the_import():
    assert csvfile.decode("Żak;".encode("cp1250") + b"\x98") == "Żak;\ufffd"


def test_empty_file():
    assert csvfile.rows("") == ([], []) and csvfile.rows(";;;\n\n") == ([], [])
