"""Case data for the Niebieska Karta tests: a family where the father is suspected, PESELs that pass the checksum."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml


def pesel(year: int, month: int, day: int, serial: str = "0123") -> str:
    """A valid PESEL for the birth date (century in the month, checksum 1 3 7 9...)."""
    month_code = month + {1800: 80, 1900: 0, 2000: 20, 2100: 40}[year // 100 * 100]
    body = f"{year % 100:02d}{month_code:02d}{day:02d}{serial}"
    check = (10 - sum(int(a) * w for a, w in zip(body, (1, 3, 7, 9, 1, 3, 7, 9, 1, 3))) % 10) % 10
    return body + str(check)


CHILD_PESEL = pesel(2017, 3, 15)  # 9 years old in 2026
FATHER_PESEL = pesel(1985, 6, 2, "1234")

VICTIM = {
    "maloletni": "tak",
    "imie_nazwisko": "Zofia Żak",
    "imiona_rodzicow": "Jan, Łucja",
    "wiek": 9,
    "pesel": CHILD_PESEL,
    "miejsce_pracy_placowka": "Szkoła Podstawowa nr 7, ul. Źródlana 12, 81-001 Gdynia",
    "zam_kod_pocztowy": "81-002",
    "zam_miejscowosc": "Gdynia",
    "zam_gmina": "Gdynia",
    "zam_wojewodztwo": "pomorskie",
    "zam_ulica": "Świętojańska",
    "zam_nr_domu": "5/3",
    "relacja": "córka",
}
SIBLINGS = [("Łukasz Żak", 7, (2019, 5, 2)), ("Ściborka Żak", 12, (2014, 1, 20)), ("Gżegorz Żak", 14, (2012, 8, 8))]


def payload(victims: int = 1, parents: bool = True) -> dict[str, Any]:
    """What ``somflow nk new --data`` takes: the service note and the NK-A data known so far."""
    people = [dict(VICTIM)]
    for name, age, born in SIBLINGS[: victims - 1]:
        people.append(
            {
                **VICTIM,
                "imie_nazwisko": name,
                "wiek": age,
                "pesel": pesel(*born, "0456"),
                "relacja": "syn" if "ł" in name.lower() else "córka",
            }
        )
    return {
        "notatka": {
            "data_powziecia": "2026-11-16",
            "sposob_powziecia": "Rozmowa z uczennicą po lekcji wychowania fizycznego.",
            "miejsce_zdarzenia": "mieszkanie rodziny",
            "czas_zdarzenia": "weekend 14–15 listopada 2026",
            "opis": "Uczennica ma siniaki na przedramionach; mówi, że tata ją szarpie, gdy jest zły.",
            "sprawca": "ojciec",
            "autor": "Anna Kowalska, pedagog szkolny",
            "data_sporzadzenia": "2026-11-16",
        },
        "nka": {
            "osoby_doznajace": people,
            "liczba_maloletnich": victims,
            "osoby_stosujace": [
                {
                    "imie_nazwisko": "Jan Żak",
                    "wiek": 41,
                    "pesel": FATHER_PESEL,
                    "relacja": "ojciec",
                    "zam_miejscowosc": "Gdynia",
                }
            ],
            "iv_fizyczna": ["s1_d1"],
            "iv_fizyczna_jakie": "szarpanie za ramiona",
            "uszkodzenia_ciala": [{"odniosla": "tak"} for _ in people],
            "poczucie_bezpieczenstwa": [{"czuje_sie_bezpiecznie": "nie"} for _ in people],
            "procedura_przeszlosc": "nie",
            "procedura_aktualnie": "nie",
            "bron_palna": "nie_ustalono",
            "swiadkowie_ustalono": "nie_ustalono",
            "dodatkowe_informacje": "Matka dziecka współpracuje ze szkołą.",
        },
        "sprawcy_rodzice": parents,
    }


def write(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(copy.deepcopy(data), allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
