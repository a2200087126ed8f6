"""Countries a person may hold citizenship of or have lived in: ISO 3166 codes and Polish names.

People type countries in CSV files and on the command line as a code (``DE``,
``GB``) or a Polish name (``Niemcy``, ``Wielka Brytania``); both resolve to the
two-letter code that is stored. The table covers Europe and the countries most
often found in Polish schools' staff lists; a unit adds others in
``somflow.toml`` (``[vetting.countries] XX = "Nazwa"``).

Whether a country keeps a criminal register that issues information is not a
fact somflow can know for every country; ``[vetting]
countries_without_register`` lists the codes for which the unit accepts the
declaration of non-conviction (seed 004, annex 1 pt 7) instead of a record.
"""

from __future__ import annotations

import unicodedata
from typing import Any

POLAND = "PL"

NAMES: dict[str, str] = {
    "AL": "Albania", "AD": "Andora", "AM": "Armenia", "AR": "Argentyna", "AT": "Austria", "AU": "Australia",
    "AZ": "Azerbejdżan", "BA": "Bośnia i Hercegowina", "BE": "Belgia", "BG": "Bułgaria", "BR": "Brazylia",
    "BY": "Białoruś", "CA": "Kanada", "CH": "Szwajcaria", "CN": "Chiny", "CY": "Cypr", "CZ": "Czechy",
    "DE": "Niemcy", "DK": "Dania", "EE": "Estonia", "EG": "Egipt", "ES": "Hiszpania", "FI": "Finlandia",
    "FR": "Francja", "GB": "Wielka Brytania", "GE": "Gruzja", "GR": "Grecja", "HR": "Chorwacja",
    "HU": "Węgry", "IE": "Irlandia", "IL": "Izrael", "IN": "Indie", "IS": "Islandia", "IT": "Włochy",
    "JP": "Japonia", "KR": "Korea Południowa", "KZ": "Kazachstan", "LI": "Liechtenstein", "LT": "Litwa",
    "LU": "Luksemburg", "LV": "Łotwa", "MC": "Monako", "MD": "Mołdawia", "ME": "Czarnogóra",
    "MK": "Macedonia Północna", "MT": "Malta", "NL": "Holandia", "NO": "Norwegia", "NZ": "Nowa Zelandia",
    "PH": "Filipiny", "PL": "Polska", "PT": "Portugalia", "RO": "Rumunia", "RS": "Serbia", "RU": "Rosja",
    "SE": "Szwecja", "SI": "Słowenia", "SK": "Słowacja", "SM": "San Marino", "TR": "Turcja", "UA": "Ukraina",
    "US": "Stany Zjednoczone", "UZ": "Uzbekistan", "VA": "Watykan", "VN": "Wietnam", "XK": "Kosowo",
}

#: Other spellings people use for the same countries.
ALIASES: dict[str, str] = {
    "UK": "GB", "Zjednoczone Królestwo": "GB", "Anglia": "GB", "Szkocja": "GB", "Walia": "GB",
    "USA": "US", "Stany Zjednoczone Ameryki": "US", "Republika Czeska": "CZ", "Niderlandy": "NL",
    "Federacja Rosyjska": "RU", "Rzeczpospolita Polska": "PL", "Rzeczypospolita Polska": "PL",
}


def _key(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(c for c in folded if not unicodedata.combining(c)).replace("ł", "l")


def table(config: dict[str, Any] | None = None) -> dict[str, str]:
    """Code → Polish name, with the unit's additions from ``[vetting.countries]``."""
    extra = ((config or {}).get("vetting") or {}).get("countries") or {}
    return {**NAMES, **{str(k).upper(): str(v) for k, v in extra.items()}}


def resolve(text: str, config: dict[str, Any] | None = None) -> str | None:
    """The ISO code for a code or Polish name, or None when the country is unknown."""
    names = table(config)
    candidate = text.strip()
    if candidate.upper() in names:
        return candidate.upper()
    wanted = _key(candidate)
    for code, name in names.items():
        if _key(name) == wanted:
            return code
    for alias, code in ALIASES.items():
        if _key(alias) == wanted:
            return code
    return None


def name(code: str, config: dict[str, Any] | None = None) -> str:
    """The Polish name of ``code`` (the code itself when unknown)."""
    return table(config).get(code, code)


def without_register(config: dict[str, Any] | None) -> set[str]:
    """Codes of countries whose record the unit replaces by the non-conviction declaration."""
    codes = ((config or {}).get("vetting") or {}).get("countries_without_register") or []
    return {resolve(str(c), config) or str(c).upper() for c in codes}
