"""User-facing text: Polish by default, English on request.

Messages are written in Polish in the code and looked up in the English
catalogue when the language is ``en``; a missing entry falls back to Polish,
so a message is never lost. Plugins add their own entries with
:func:`add_catalog`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

LANGUAGES = ("pl", "en")
_catalogs: dict[str, dict[str, str]] = {"en": {}}
for _file in sorted((Path(__file__).parent / "locale" / "en").glob("*.json")):
    _catalogs["en"].update(json.loads(_file.read_text(encoding="utf-8")))
_lang = os.environ.get("SOMFLOW_LANG", "pl") if os.environ.get("SOMFLOW_LANG") in LANGUAGES else "pl"


def set_language(lang: str) -> None:
    """Switch the language of all following messages (``pl`` or ``en``)."""
    global _lang
    if lang not in LANGUAGES:
        raise ValueError(lang)
    _lang = lang


def language() -> str:
    return _lang


def add_catalog(lang: str, entries: dict[str, str]) -> None:
    """Add translations ``{polish_text: translated_text}`` for ``lang``."""
    _catalogs.setdefault(lang, {}).update(entries)


def add_catalog_files(lang: str, files: Iterable[Path]) -> None:
    """Add the translations of each JSON catalogue file (``{polish_text: translated_text}``), in name order."""
    for file in sorted(files):
        add_catalog(lang, json.loads(file.read_text(encoding="utf-8")))


def _(message: str, **params: object) -> str:
    """Translate a Polish message to the current language and fill ``{params}``."""
    text = _catalogs.get(_lang, {}).get(message, message) if _lang != "pl" else message
    return text.format(**params) if params else text


def pick(text: str | dict[str, str]) -> str:
    """Choose the current language from a ``{"pl": ..., "en": ...}`` label (or return a plain string)."""
    if isinstance(text, str):
        return text
    return text.get(_lang) or text.get("pl") or next(iter(text.values()), "")
