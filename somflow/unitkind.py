"""Words that follow the unit's type (szkoła, przedszkole, placówka), for texts printed to the unit's people.

``[institution] kind`` in somflow.toml is free text ("szkoła podstawowa", "przedszkole
nr 3", "placówka opiekuńczo-wychowawcza"); :func:`unit_words` reads it as one of three
types and gives the phrases a form spec may hold as placeholders (``{w_placowce}`` →
"w szkole"). A kind somflow does not recognise reads as "placówka", the word that fits
every unit.
"""

from __future__ import annotations

from typing import Any

from somflow.people.match import fold

#: Placeholder → phrase per type and language.
WORDS: dict[str, dict[str, dict[str, str]]] = {
    "szkola": {
        "placowka": {"pl": "szkoła", "en": "school"},
        "w_placowce": {"pl": "w szkole", "en": "at the school"},
    },
    "przedszkole": {
        "placowka": {"pl": "przedszkole", "en": "kindergarten"},
        "w_placowce": {"pl": "w przedszkolu", "en": "at the kindergarten"},
    },
    "placowka": {
        "placowka": {"pl": "placówka", "en": "unit"},
        "w_placowce": {"pl": "w placówce", "en": "at the unit"},
    },
}
#: Word stems of a kind that make it a school (a kindergarten is checked first: "przedszkole" holds "szkol").
SCHOOL_STEMS = ("szkol", "liceum", "technikum", "gimnazjum")


def unit_type(config: dict[str, Any]) -> str:
    """``szkola``, ``przedszkole`` or ``placowka`` from ``[institution] kind`` (the name when no kind is given)."""
    institution = config.get("institution") or {}
    folded = fold(str(institution.get("kind") or institution.get("name") or ""))
    if "przedszkol" in folded:
        return "przedszkole"
    if any(stem in folded for stem in SCHOOL_STEMS):
        return "szkola"
    return "placowka"


def unit_words(config: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Placeholder → ``{"pl": ..., "en": ...}`` for the unit of ``config``."""
    return WORDS[unit_type(config)]
