"""The one comparison of people: pairs that must and must not be the same person."""

from __future__ import annotations

from datetime import date

import pytest

from somflow.people.match import AmbiguousPerson, Verdict, Who, compare, find, initials, only

SAME, DIFFERENT, UNSURE = Verdict.SAME, Verdict.DIFFERENT, Verdict.UNSURE
PESEL_A = "02070803628"  # born 1902-07-08
PESEL_B = "44051401359"  # born 1944-05-14

CASES = [
    # (why, a, b, verdict)
    ("same words", Who("Tomasz Zięba"), Who("Tomasz Zięba"), SAME),
    ("surname first", Who("Zięba Tomasz"), Who("Tomasz Zięba"), SAME),
    ("capitals and double space", Who("ZIĘBA  tomasz"), Who("Tomasz Zięba"), SAME),
    ("no diacritics", Who("Tomasz Zieba"), Who("Tomasz Zięba"), SAME),
    ("ł without its stroke", Who("Lukasz Wrobel"), Who("Łukasz Wróbel"), SAME),
    ("capital Ł", Who("ŁUKASZ ŁOŚ"), Who("lukasz los"), SAME),
    ("spaces around, tabs", Who("  Anna\tNowak "), Who("Anna Nowak"), SAME),
    ("first/last against a whole name", Who(first="Anna", last="Nowak"), Who("Nowak Anna"), SAME),
    ("double-barrelled: hyphen or space", Who("Anna Nowak-Kowalska"), Who("Anna Nowak Kowalska"), SAME),
    ("double-barrelled: spaces around the hyphen", Who("Anna Nowak - Kowalska"), Who("Kowalska Nowak Anna"), SAME),
    ("two given names in any order", Who("Anna Maria Nowak"), Who("Nowak Maria Anna"), SAME),
    ("same PESEL, different spelling", Who("T. Zieba", pesel=PESEL_A), Who("Tomasz Zięba", pesel=PESEL_A), SAME),
    (
        "same PESEL, written with spaces",
        Who("Anna Nowak", pesel="020708 03628"),
        Who("Anna Nowak", pesel=PESEL_A),
        SAME,
    ),
    (
        "same PESEL, other surname (married)",
        Who("Anna Kowalska", pesel=PESEL_A),
        Who("Anna Nowak", pesel=PESEL_A),
        SAME,
    ),
    ("different PESEL, same name", Who("Jan Nowak", pesel=PESEL_A), Who("Jan Nowak", pesel=PESEL_B), DIFFERENT),
    (
        "namesakes with different birth dates",
        Who("Jan Nowak", birth_date=date(1970, 1, 2)),
        Who("Jan Nowak", birth_date=date(2001, 5, 6)),
        DIFFERENT,
    ),
    (
        "birth date read from the PESEL",
        Who("Jan Nowak", pesel=PESEL_B),
        Who("Jan Nowak", birth_date=date(2002, 7, 8)),
        DIFFERENT,
    ),
    (
        "same birth date, same name",
        Who("Jan Nowak", birth_date=date(1902, 7, 8)),
        Who("Nowak Jan", pesel=PESEL_A),
        SAME,
    ),
    ("other surname", Who("Jan Nowak"), Who("Jan Kowalski"), DIFFERENT),
    ("other given name, same surname (mother and father)", Who("Anna Zięba"), Who("Tomasz Zięba"), DIFFERENT),
    ("nothing in common", Who("Ewa Lis"), Who("Jan Nowak"), DIFFERENT),
    ("one of two surnames", Who("Anna Nowak"), Who("Anna Nowak-Kowalska"), UNSURE),
    ("second given name missing", Who("Anna Nowak"), Who("Anna Maria Nowak"), UNSURE),
    ("initial of the given name", Who("T. Zięba"), Who("Tomasz Zięba"), UNSURE),
    ("initials only", Who("T.Z."), Who("Tomasz Zięba"), UNSURE),
    ("surname only", Who("Zięba"), Who("Tomasz Zięba"), UNSURE),
    ("one letter typed wrong", Who("Tomasz Ziebaa"), Who("Tomasz Zięba"), UNSURE),
    ("two letters swapped", Who("Tomsaz Zięba"), Who("Tomasz Zięba"), UNSURE),
    ("masculine and feminine surname", Who("Jan Kowalski"), Who("Jan Kowalska"), UNSURE),
    ("no name at all", Who(), Who("Jan Nowak"), UNSURE),
    ("only one has a PESEL: names decide", Who("Zięba Tomasz", pesel=PESEL_A), Who("Tomasz Zięba"), SAME),
]


@pytest.mark.parametrize(("why", "a", "b", "verdict"), CASES, ids=[c[0] for c in CASES])
def test_compare(why, a, b, verdict):
    assert compare(a, b) is verdict
    assert compare(b, a) is verdict, "the comparison must not depend on which side is which"


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"imie": "Tomasz", "nazwisko": "Zięba"}, Who(first="Tomasz", last="Zięba")),
        ({"imie_nazwisko": "Zięba Tomasz", "pesel": PESEL_A}, Who("Zięba Tomasz", pesel=PESEL_A)),
        (
            {"first_name": "Hanna", "last_name": "Ćwik", "data_urodzenia": "2015-03-01"},
            Who(first="Hanna", last="Ćwik", birth_date=date(2015, 3, 1)),
        ),
        ({"name": "Anna Nowak", "birth_date": "nie wiem"}, Who("Anna Nowak")),
    ],
)
def test_who_of_every_record_shape(record, expected):
    assert Who.of(record) == expected


PEOPLE = [
    {"id": "A1", "imie": "Jan", "nazwisko": "Nowak", "pesel": PESEL_A},
    {"id": "A2", "imie": "Jan", "nazwisko": "Nowak", "pesel": PESEL_B},
    {"id": "B1", "imie": "Anna", "nazwisko": "Nowak-Kowalska"},
    {"id": "C1", "imie": "Łukasz", "nazwisko": "Wróbel"},
]


def test_find_lists_same_first_then_unsure():
    assert [p["id"] for p in find("wrobel lukasz", PEOPLE)] == ["C1"]
    assert [p["id"] for p in find("Nowak", PEOPLE)] == ["A1", "A2", "B1"]
    assert [p["id"] for p in find("Anna Nowak Kowalska", PEOPLE)] == ["B1"]
    assert find("Ewa Lis", PEOPLE) == []


def test_only_picks_one_or_says_why_not():
    assert only("Wróbel Łukasz", PEOPLE)["id"] == "C1"
    assert only(Who("Jan Nowak", pesel=PESEL_B), PEOPLE)["id"] == "A2"
    assert only("Ewa Lis", PEOPLE) is None
    with pytest.raises(AmbiguousPerson) as namesakes:
        only("Jan Nowak", PEOPLE, describe=lambda p: p["id"])
    assert [p["id"] for p in namesakes.value.candidates] == ["A1", "A2"]
    assert "J. N. (A1); J. N. (A2)" in str(namesakes.value)
    assert PESEL_A not in str(namesakes.value) and "Jan Nowak" not in str(namesakes.value).split(":", 1)[1]
    with pytest.raises(AmbiguousPerson, match="pasuje tylko częściowo") as partial:
        only("Anna Nowak", PEOPLE)
    assert "A. N. K." in str(partial.value)


def test_initials():
    assert initials(Who(first="Anna", last="Nowak-Kowalska")) == "A. N. K."
    assert initials(Who()) == "—"


def test_only_prefers_the_exact_letters_among_namesakes():
    kids = [
        {"id": "1", "first_name": "Zofia", "last_name": "Żak"},
        {"id": "2", "first_name": "Zofia", "last_name": "Zak"},
    ]
    assert only("ZAK zofia", kids)["id"] == "2"
    assert only("Żak Zofia", kids)["id"] == "1"
    with pytest.raises(AmbiguousPerson):
        only("Zofia Źak", kids)
