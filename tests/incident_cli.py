"""Driving ``somflow interwencje`` in the tests: a case of each kind and the steps a coordinator records."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

PEDAGOG = "Anna Kowalska, pedagog szkolny"
CHILD = "Zofia Żak"
NOTE = {
    "data_powziecia": "2026-11-16",
    "sposob_powziecia": "rozmowa z uczennicą na przerwie",
    "miejsce_zdarzenia": "korytarz szkolny",
    "czas_zdarzenia": "16.11.2026, przerwa po 3. lekcji",
    "dziecko_imie_nazwisko": CHILD,
    "dziecko_klasa_grupa": "3b",
    "opis": "Od kilku tygodni popychanie i ośmieszanie na przerwach.",
    "autor": PEDAGOG,
    "data_sporzadzenia": "2026-11-16",
}
SUSPECTS = {
    "rowiesnik": {"imie_nazwisko": "Jan Kos", "relacja": "uczeń klasy 3b"},
    "cyberprzemoc": {"imie_nazwisko": "Jan Kos", "relacja": "uczeń klasy 3b"},
    "pracownik": {"imie_nazwisko": "Jerzy Wróbel", "relacja": "nauczyciel wychowania fizycznego"},
    "osoba_trzecia": {"imie_nazwisko": "Piotr Lis", "relacja": "trener klubu sportowego"},
}
PLAN = {
    "opracowal": "Anna Kowalska, Marek Nowak",
    "cele": "Zofia czuje się bezpiecznie na przerwach.",
    "zadania": [
        {"zadanie": "Konsultacje z psychologiem", "odpowiedzialny": "psycholog szkolny", "termin": "2026-12-12"},
        {"zadanie": "Dyżur na korytarzu 3b", "odpowiedzialny": "wicedyrektor", "termin": "2026-12-01"},
    ],
    "najblizszy_przeglad": "2026-12-05",
}


def ok(result) -> str:
    assert result.exit_code == 0, result.output
    return result.output


def write(path: Path, data: Any) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def new_case(cli, folder: Path, kind: str = "rowiesnik", **extra: Any) -> str:
    """``somflow interwencje new``; returns the case number (INT-2026/N)."""
    data = {"typ": kind, "notatka": dict(NOTE), "sprawca": dict(SUSPECTS.get(kind, {})), **extra}
    out = ok(cli("interwencje", "new", "--data", str(write(folder / "case.yaml", data))))
    return re.search(r"sprawę (INT-\d{4}/\d+)", out).group(1)


def step(cli, ref: str, kind: str, day: str, *extra: str, person: str = PEDAGOG):
    return cli("interwencje", "step", ref, kind, "--dnia", day, "--osoba", person, *extra)


def to_plan(cli, folder: Path, ref: str, kind: str = "rowiesnik") -> None:
    """The steps up to the support plan, as the kind's path has them."""
    if kind == "pracownik":
        ok(step(cli, ref, "odsuniecie", "2026-11-16", person="Grażyna Żółkiewska, dyrektor"))
    ok(step(cli, ref, "zespol", "2026-11-17", "--czlonek", "Anna Kowalska", "--czlonek", "Marek Nowak"))
    if kind != "osoba_trzecia":
        ok(step(cli, ref, "wyjasnienia", "2026-11-18"))
    ok(step(cli, ref, "spotkanie", "2026-11-20", "--uczestnik", "Łucja Żak, matka", "--uczestnik", PEDAGOG))
    ok(step(cli, ref, "plan", "2026-11-21", "--data", str(write(folder / "plan.yaml", PLAN))))
