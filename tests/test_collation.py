"""Polish alphabetical order for lists of people (class lists, registers)."""

from __future__ import annotations

from somflow.collation import polish_key


def test_polish_letters_follow_their_base_letter_not_z():
    names = [
        "Żak",
        "Zając",
        "Ćwik",
        "Cebula",
        "Łęcki",
        "Lis",
        "Śliwa",
        "Szymański",
        "Źrebiec",
        "Ósmy",
        "Oko",
        "Nowak",
        "Ąbel",
        "Azot",
    ]
    assert sorted(names, key=polish_key) == [
        "Azot",
        "Ąbel",
        "Cebula",
        "Ćwik",
        "Lis",
        "Łęcki",
        "Nowak",
        "Oko",
        "Ósmy",
        "Szymański",
        "Śliwa",
        "Zając",
        "Źrebiec",
        "Żak",
    ]


def test_case_insensitive_foreign_accents_with_base_letter_and_shorter_first():
    assert sorted(["müller", "Muszyński", "Muller", "Mróz"], key=polish_key) == [
        "Mróz",
        "Muller",
        "müller",
        "Muszyński",
    ]
    assert sorted(["Janina", "Jan Maria", "Jan", "jan"], key=polish_key) == ["Jan", "jan", "Jan Maria", "Janina"]
    assert sorted(["3b", "3a", "10a"], key=polish_key) == ["10a", "3a", "3b"]
