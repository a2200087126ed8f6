"""PESEL numbers as people and spreadsheets give them (somflow.pesel) and the form rules built on them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import yaml
from conftest import english_catalogue, gettext_messages
from forms_fixtures import EXAMPLE, SPEC
from stdnum.pl.pesel import calc_check_digit

from somflow import pesel
from somflow.forms import load_spec
from somflow.forms.schema import check

ON = date(2026, 11, 23)


def make(yymmdd: str, serial: str = "0135") -> str:
    body = yymmdd + serial
    return body + calc_check_digit(body)


@pytest.mark.parametrize(
    "number,born",
    [
        (make("990101"), date(1999, 1, 1)),  # +0: 1900s
        (make("052131"), date(2005, 1, 31)),  # +20: 2000s
        (make("003112"), date(2000, 11, 12)),
        (make("002229"), date(2000, 2, 29)),  # 2000 is a leap year
        (make("960229"), date(1996, 2, 29)),
        (make("243231"), date(2024, 12, 31)),
        (make("262311"), date(2026, 3, 11)),
    ],
)
def test_centuries_and_leap_days(number, born):
    found = pesel.check(number, ON)
    assert found.problem is None and found.born == born and found.number == number


@pytest.mark.parametrize(
    "number,fragment",
    [
        (make("000229"), "29 lutego w roku nieprzestępnym"),  # 1900 was not a leap year
        (make("004229"), "29 lutego w roku nieprzestępnym"),  # neither is 2100
        (make("250229"), "29 lutego w roku nieprzestępnym"),
        (make("851301"), "cyfry 3–4 to miesiąc"),  # month 13
        (make("053301"), "cyfry 3–4 to miesiąc"),  # month 33 = 2000s month 13
        (make("850132"), "takiego dnia"),  # day 32
        (make("850431"), "takiego dnia"),  # 31 April
        (make("858101"), "XIX wieku"),  # +80: born 1885, nobody alive
        (make("274101"), "w przyszłości"),  # +40: 2127
        (make("276101"), "w przyszłości"),  # +60: 2227
        (make("273101"), "w przyszłości"),  # 2027-11-01, after ON
        (make("850101")[:-1] + str((int(make("850101")[-1]) + 1) % 10), "cyfra kontrolna"),
        ("850101013", "11 cyfr (podano 9)"),
        ("8501010135x", "tylko cyfry"),
        ("850101/01351", "tylko cyfry"),
    ],
)
def test_refused_with_a_message_that_never_repeats_the_number(number, fragment):
    found = pesel.check(number, ON)
    assert found.number is None and fragment in found.problem
    assert number not in found.problem and pesel.compact(number) not in found.problem


def test_nineteenth_century_month_offset_is_decoded_before_being_refused():
    assert pesel.birth_date(make("858101")) == date(1885, 1, 1)  # stdnum decodes +80 correctly


def test_the_eighteenth_birthday_and_29_february():
    born = date(2008, 11, 23)
    assert pesel.is_minor(born, date(2026, 11, 22)) and not pesel.is_minor(born, date(2026, 11, 23))
    leap = date(2008, 2, 29)
    assert pesel.is_minor(leap, date(2026, 2, 28)) and not pesel.is_minor(leap, date(2026, 3, 1))
    assert not pesel.is_minor(leap, date(2028, 2, 29))


@pytest.mark.parametrize(
    "value",
    [
        "020708 03628",
        "020-708-036-28",
        " 02070803628 ",
        "'02070803628",
        "02070803628\u00a0",
        '="02070803628"',
        "０２０７０８０３６２８",
        "02070803628\u200b",
        2070803628,
    ],
)
def test_separators_apostrophe_and_integers(value):
    assert pesel.check(value, ON) == (  # a number from JSON/YAML has lost its zero by nature: it is put back
        "02070803628",
        date(1902, 7, 8),
        None,
    )


@pytest.mark.parametrize("value", ["2070803628", "2070803628.0", "2070803628,0", 2070803628.0])
def test_a_leading_zero_dropped_by_excel_is_named(value):
    problem = pesel.check(value, ON).problem
    assert "10 cyfr zamiast 11" in problem and "zero z początku" in problem and "2070803628" not in problem


@pytest.mark.parametrize("value", ["2.0708E+10", "2,0708E+10", "2.07080363E+10", "2.0708e10"])
def test_scientific_notation_from_excel_is_refused(value):
    problem = pesel.check(value, ON).problem
    assert "zapisie wykładniczym" in problem and "jako tekst" in problem


def test_ten_digits_that_are_no_pesel_even_with_a_zero_get_the_plain_length_message():
    assert pesel.check("1234567890", ON).problem == "PESEL musi mieć 11 cyfr (podano 10)"


def test_sex_digit():
    assert pesel.sex("02070803628") == "K" and pesel.sex(make("850101", "0145")) == "M"
    assert pesel.declared_sex("Kobieta") == "K" and pesel.declared_sex("m") == "M" and pesel.declared_sex("?") is None


# --------------------------------------------------------------------- in a form


def _data(**change) -> dict:
    return yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")) | change


def _messages(data: dict, spec_path: Path = SPEC) -> list[str]:
    return check(load_spec(spec_path), json.loads(json.dumps(data)))[1]


def test_the_form_date_decides_minor_on_the_exact_18th_birthday():
    child = make("062401")  # born 2006-04-01
    base = _data(pesel=child, wiek=None, data_urodzenia=None)
    assert _messages(base | {"data_wypelnienia": "2024-03-31", "maloletni": True}) == []
    assert _messages(base | {"data_wypelnienia": "2024-04-01", "maloletni": False}) == []
    wrong = _messages(base | {"data_wypelnienia": "2024-04-01", "maloletni": True})
    assert wrong == ["Sekcja I, pole „Osoba małoletnia”: niezgodne z numerem PESEL (wiek 18 lat w dniu 2024-04-01)"]


def test_a_person_born_after_the_form_date_is_refused():
    later = make("242501")  # born 2024-05-01, before today but after the form's date
    messages = _messages(
        _data(data_wypelnienia="2024-04-01", pesel=later, wiek=None, data_urodzenia=None, maloletni=True)
    )
    assert messages == [
        "Sekcja I, pole „PESEL”: PESEL wskazuje datę urodzenia późniejszą niż data formularza (2024-04-01)"
    ]


def test_pesel_and_dates_as_spreadsheets_and_people_type_them(monkeypatch):
    monkeypatch.setenv("SOMFLOW_TODAY", "2026-11-23")
    spec = load_spec(SPEC)
    document, messages = check(
        spec, _data(pesel="152401 01231", data_urodzenia="1.04.2015", data_wypelnienia="01.09.2024 r.")
    )
    assert messages == []
    assert (document["pesel"], document["data_urodzenia"], document["data_wypelnienia"]) == (
        "15240101231",
        "2015-04-01",
        "2024-09-01",
    )
    _doc, messages = check(spec, _data(osoby=[{"imie_nazwisko": "A", "pesel": "2270803624"}]))
    assert len(messages) == 1 and "Sekcja II, osoba 1, pole „PESEL”: PESEL ma 10 cyfr zamiast 11" in messages[0]
    assert "2270803624" not in messages[0]


def test_declared_sex_must_match_the_pesel(tmp_path):
    raw = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    for section in raw["sections"]:
        for field in section.get("fields", []):
            if field["name"] == "plec":
                field["sex_of"] = "pesel"
    path = tmp_path / "proba.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    # 15240101231: 10th digit 3 (odd) → a boy
    assert _messages(_data(plec="m"), path) == []
    assert _messages(_data(plec="k"), path) == [
        "Sekcja I, pole „Płeć”: płeć niezgodna z numerem PESEL (przedostatnia cyfra: parzysta — kobieta, nieparzysta — mężczyzna)"
    ]


def test_every_message_has_an_english_entry():
    import somflow

    root = Path(somflow.__file__).parent
    catalogue = english_catalogue(root)
    missing = []
    for name in ("pesel.py", "calendar.py", "csvfile.py", "forms/schema.py"):
        missing += [(name, m) for m in gettext_messages([root / name]) if m not in catalogue]
    assert missing == []


def test_sample_data_agrees_with_a_sex_of_rule(tmp_path):
    from somflow.forms.sample import sample_data

    raw = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    for section in raw["sections"]:
        for field in section.get("fields", []):
            if field["name"] == "plec":
                field["sex_of"] = "pesel"
    path = tmp_path / "proba.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    spec = load_spec(path)
    data = sample_data(spec)
    assert data["plec"] == "m" and check(spec, data)[1] == []
