"""The words of a consent: purposes, channels, kinds of photo, and the CLI names for them.

The values are those of the form ``zgoda-na-wizerunek`` (its YAML spec is the
source of the labels printed on paper); the aliases let the secretary type
``--channel social-media`` or ``--channel facebook`` as the issue's examples do.
"""

from __future__ import annotations

from somflow.errors import InvalidInput
from somflow.i18n import _

FORM_ID = "zgoda-na-wizerunek"
CHILDREN = "children"
CONSENTS = "image_consents"
PRINTS = "image_consent_prints"

PURPOSES = ("edukacyjne", "wychowawcze", "promocyjne", "dokumentacyjne")
CHANNELS = ("strona_www", "media_spolecznosciowe", "tablica", "druk", "prasa_media")
PHOTO_KINDS = ("indywidualne", "grupowe")

CHANNEL_LABELS = {
    "strona_www": "strona internetowa",
    "media_spolecznosciowe": "media społecznościowe",
    "tablica": "tablica informacyjna",
    "druk": "materiały drukowane",
    "prasa_media": "prasa i media",
}

_CHANNEL_ALIASES = {
    "strona_www": ("strona", "www", "website", "web", "strona-www", "strona-internetowa"),
    "media_spolecznosciowe": ("social-media", "social", "media-spolecznosciowe", "facebook", "instagram", "fb"),
    "tablica": ("noticeboard", "gazetka", "tablice"),
    "druk": ("print", "printed", "kronika", "drukowane"),
    "prasa_media": ("press", "media", "prasa", "tv", "prasa-media"),
}
_PHOTO_ALIASES = {
    "indywidualne": ("individual", "indywidualne", "indywidualny", "portret"),
    "grupowe": ("group", "grupowe", "grupowy"),
}


def _lookup(value: str, canonical: tuple[str, ...], aliases: dict[str, tuple[str, ...]]) -> str | None:
    key = value.strip().lower().replace(" ", "-")
    if key in canonical:
        return key
    key_underscore = key.replace("-", "_")
    if key_underscore in canonical:
        return key_underscore
    for target, names in aliases.items():
        if key in names:
            return target
    return None


def channel(value: str) -> str:
    """The form's value for a channel typed by the user; InvalidInput naming the allowed ones."""
    found = _lookup(value, CHANNELS, _CHANNEL_ALIASES)
    if found is None:
        raise InvalidInput([_("Nieznany kanał publikacji „{value}”. Dozwolone: {allowed}.", value=value, allowed=", ".join(CHANNELS))])
    return found


def photo_kind(value: str) -> str:
    found = _lookup(value, PHOTO_KINDS, _PHOTO_ALIASES)
    if found is None:
        raise InvalidInput([_("Nieznany rodzaj zdjęcia „{value}”. Dozwolone: {allowed}.", value=value, allowed=", ".join(PHOTO_KINDS))])
    return found


def purpose(value: str) -> str:
    key = value.strip().lower()
    aliases = {"educational": "edukacyjne", "upbringing": "wychowawcze", "promotion": "promocyjne", "documentation": "dokumentacyjne"}
    key = aliases.get(key, key)
    if key not in PURPOSES:
        raise InvalidInput([_("Nieznany cel „{value}”. Dozwolone: {allowed}.", value=value, allowed=", ".join(PURPOSES))])
    return key


def channel_label(value: str) -> str:
    return _(CHANNEL_LABELS.get(value, value))
