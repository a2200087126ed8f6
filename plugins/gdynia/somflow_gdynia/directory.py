"""Gdynia's data: the help directory, who gets which document, the report cycle (all from seed 001)."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from somflow.people.match import fold

HERE = Path(__file__).parent

#: Zespół Interdyscyplinarny, seed 001 chapter II ("58 627 33 60; ul. Morska 106").
ZESPOL_INTERDYSCYPLINARNY = {
    "name": "Zespół Interdyscyplinarny w Gdyni",
    "address": "ul. Morska 106, Gdynia",
    "phone": "58 627 33 60",
}

#: Crime notifications: the city police headquarters (chapter II, "Miejska Komenda Policji w Gdyni").
POLICJA = {"name": "Miejska Komenda Policji w Gdyni", "address": "ul. Portowa 15, Gdynia", "phone": "47 74 21 222"}

#: District social assistance centres and the districts each serves (chapter II, "Obsługuje dzielnice: ...").
DOPS = [
    (
        {
            "name": "Dzielnicowy Ośrodek Pomocy Społecznej nr 1",
            "address": "ul. Warszawska 67 a, Gdynia",
            "phone": "58 627 20 00",
        },
        ("Wzgórze Św. Maksymiliana", "Redłowo", "Mały Kack", "Orłowo"),
    ),
    (
        {"name": "Zespół Pracy Socjalnej", "address": "ul. Sojowa 18c/3, Gdynia", "phone": "58 781 24 11"},
        ("Dąbrowa", "Karwiny", "Wielki Kack", "Wiczlino"),
    ),
    (
        {
            "name": "Dzielnicowy Ośrodek Pomocy Społecznej nr 2",
            "address": "ul. Śmidowicza 49, Gdynia",
            "phone": "58 625 17 49",
        },
        ("Oksywie", "Babie Doły", "Pogórze", "Obłuże"),
    ),
    (
        {
            "name": "Dzielnicowy Ośrodek Pomocy Społecznej nr 3",
            "address": "ul. Chylońska 237, Gdynia",
            "phone": "58 663 20 20",
        },
        ("Cisowa", "Chylonia", "Pustki Cisowskie", "Demptowo", "Leszczynki", "Grabówek"),
    ),
    (
        {
            "name": "Dzielnicowy Ośrodek Pomocy Społecznej nr 4",
            "address": "ul. Abrahama 59, Gdynia",
            "phone": "58 620 24 00",
        },
        ("Śródmieście", "Kamienna Góra", "Działki Leśne"),
    ),
]

#: The city centre, "the first contact is in most cases the district centre" (chapter II): for units
#: whose district is not set or not listed in the chapter (e.g. Witomino).
MOPS = {
    "name": "Miejski Ośrodek Pomocy Społecznej w Gdyni",
    "address": "ul. Grabowo 2, Gdynia",
    "phone": "58 782 01 20, 58 625 93 37",
}

#: Chapter XI: the report goes to the head of the unit by 31 March every two years, first on 2026-03-31.
FIRST_REPORT = date(2026, 3, 31)


def applies(config: dict[str, Any]) -> bool:
    """Whether the workspace is a Gdynia unit: ``[gdynia]`` says so, else the institution's address."""
    section = config.get("gdynia")
    if isinstance(section, dict) and "enabled" in section:
        return bool(section["enabled"])
    if isinstance(section, dict):
        return True
    return "gdynia" in _fold(config.get("institution", {}).get("address", ""))


@cache
def contacts() -> list[dict[str, str]]:
    return yaml.safe_load((HERE / "kontakty.yaml").read_text(encoding="utf-8"))


def addressee(role: str, config: dict[str, Any]) -> dict[str, str] | None:
    if role == "zespol_interdyscyplinarny":
        return dict(ZESPOL_INTERDYSCYPLINARNY)
    if role == "policja":
        return dict(POLICJA)
    if role == "ops":
        return dict(district_centre(str(config.get("gdynia", {}).get("dzielnica", ""))))
    return None  # prokuratura, sąd rodzinny: not in the Gdynia standards, so somflow.toml decides


def district_centre(district: str) -> dict[str, str]:
    """The social assistance centre serving ``district`` (case and diacritics ignored); MOPS when unknown."""
    wanted = _fold(district)
    for centre, districts in DOPS:
        if wanted and wanted in {_fold(d) for d in districts}:
            return centre
    return MOPS


def next_report_due(today: date) -> date:
    """The first 31 March of the two-year cycle (2026, 2028, …) that is not before ``today``."""
    year = FIRST_REPORT.year
    while date(year, 3, 31) < today:
        year += 2
    return date(year, 3, 31)


def _fold(text: str) -> str:
    """A place name as compared: no case, no Polish letters (somflow.people.match.fold)."""
    return fold(text).strip()
