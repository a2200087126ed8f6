"""Countries a person may hold citizenship of or have lived in: ISO 3166 codes and Polish names.

People type countries in CSV files and on the command line as a code (``DE``,
``GB``), a Polish name (``Niemcy``, ``Wielka Brytania``, ``Kenia``), with or without
Polish letters, or as the citizenship adjective (``polskie``, ``ukraińskie``); all
resolve to the two-letter code that is stored.

The list is every country of ISO 3166-1 with its Polish names from pycountry (the
Debian iso-codes data and its Polish translation, kept up to date with the standard):
the short name, the common name where ISO's is formal ("Korea Południowa" for
"Republika Korei") and the official name all name the country; lists and printouts
show the common name. Kosovo (``XK``, a code the EU uses, not in ISO 3166) and the
names people use for the United Kingdom's parts are added here; a unit adds others in
``somflow.toml`` (``[vetting.countries] XX = "Nazwa"``).

Whether a country keeps a criminal register that issues information is not a
fact somflow can know for every country; ``[vetting]
countries_without_register`` lists the codes for which the unit accepts the
declaration of non-conviction (seed 004, annex 1 pt 7) instead of a record.
"""

from __future__ import annotations

import functools
import gettext
from typing import Any

from somflow import vocabulary

POLAND = "PL"

#: Codes outside ISO 3166-1 that staff lists meet.
EXTRA: dict[str, str] = {"XK": "Kosowo"}

#: Other words people use for a country: colloquial names and the citizenship adjectives of staff lists.
ALIASES: dict[str, tuple[str, ...]] = {
    "GB": ("UK", "Anglia", "Szkocja", "Walia", "Irlandia Północna", "brytyjskie", "Zjednoczone Królestwo"),
    "US": ("USA", "Ameryka", "amerykańskie"),
    "RU": ("Rosja", "rosyjskie"),
    "PL": ("polskie", "RP", "Rzeczypospolita Polska"),
    "UA": ("ukraińskie",),
    "BY": ("białoruskie",),
    "DE": ("niemieckie",),
    "CZ": ("czeskie",),
    "SK": ("słowackie",),
    "LT": ("litewskie",),
    "VN": ("wietnamskie",),
    "FR": ("francuskie",),
    "IT": ("włoskie",),
    "ES": ("hiszpańskie",),
    "NL": ("Niderlandy", "holenderskie"),
    "GE": ("gruzińskie",),
    "IN": ("indyjskie",),
    "TR": ("tureckie",),
    "KZ": ("kazachskie",),
    "MD": ("mołdawskie",),
}


@functools.lru_cache(maxsize=1)
def _iso() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """Code → Polish common name, and code → every Polish and English name of it (pycountry, read once)."""
    import pycountry

    polish = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["pl"], fallback=True).gettext
    shown: dict[str, str] = {}
    names: dict[str, tuple[str, ...]] = {}
    for country in pycountry.countries:
        english = [
            n
            for n in (getattr(country, "common_name", None), country.name, getattr(country, "official_name", None))
            if n
        ]
        shown[country.alpha_2] = polish(english[0])
        names[country.alpha_2] = (*(polish(n) for n in english), *english, country.alpha_3)
    return shown, names


def table(config: dict[str, Any] | None = None) -> dict[str, str]:
    """Code → Polish name of every country, with the unit's additions from ``[vetting.countries]``."""
    extra = ((config or {}).get("vetting") or {}).get("countries") or {}
    return {**_iso()[0], **EXTRA, **{str(k).upper(): str(v) for k, v in extra.items()}}


def words(config: dict[str, Any] | None = None) -> vocabulary.Vocabulary:
    """Every country as a vocabulary: codes, Polish and English names, aliases."""
    extra = ((config or {}).get("vetting") or {}).get("countries") or {}
    return _words(tuple(sorted((str(k), str(v)) for k, v in extra.items())))


@functools.lru_cache(maxsize=8)
def _words(extra: tuple[tuple[str, str], ...]) -> vocabulary.Vocabulary:
    shown = table({"vetting": {"countries": dict(extra)}})
    iso_names = _iso()[1]
    synonyms = {code: (name, *iso_names.get(code, ()), *ALIASES.get(code, ())) for code, name in shown.items()}
    return vocabulary.Vocabulary(tuple(shown), synonyms, "nieznane państwo „{value}”.")


def resolve(text: str, config: dict[str, Any] | None = None) -> str | None:
    """The ISO code for a code, a name or an adjective, or None when the country is unknown."""
    return words(config).resolve(text.strip())


def suggestion(text: str, config: dict[str, Any] | None = None) -> str | None:
    """The Polish name of the country nearest to a mistyped ``text`` (None when nothing is close)."""
    code = words(config).suggest(text)
    return name(code, config) if code else None


def name(code: str, config: dict[str, Any] | None = None) -> str:
    """The Polish name of ``code`` (the code itself when unknown)."""
    return table(config).get(code, code)


def without_register(config: dict[str, Any] | None) -> set[str]:
    """Codes of countries whose record the unit replaces by the non-conviction declaration."""
    codes = ((config or {}).get("vetting") or {}).get("countries_without_register") or []
    return {resolve(str(c), config) or str(c).upper() for c in codes}
