"""The words of a consent: purposes, channels, kinds of photo, and the CLI names for them.

The values are those of the form ``zgoda-na-wizerunek`` (its YAML spec is the
source of the labels printed on paper); the synonyms (somflow.vocabulary) let the
secretary type ``--channel social-media``, ``facebook`` or ``media społecznościowe``.
"""

from __future__ import annotations

from somflow.i18n import _
from somflow.vocabulary import Vocabulary

FORM_ID = "zgoda-na-wizerunek"
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

CHANNEL_WORDS = Vocabulary(
    CHANNELS,
    {
        "strona_www": ("strona internetowa", "strona", "www", "website", "web", "internet"),
        "media_spolecznosciowe": ("media społecznościowe", "social media", "social", "facebook", "instagram", "fb"),
        "tablica": ("tablica informacyjna", "noticeboard", "gazetka", "tablice"),
        "druk": ("materiały drukowane", "print", "printed", "kronika", "drukowane"),
        "prasa_media": ("prasa i media", "press", "media", "prasa", "tv", "telewizja"),
    },
    "Nieznany kanał publikacji „{value}”.",
)
PHOTO_WORDS = Vocabulary(
    PHOTO_KINDS,
    {
        "indywidualne": ("individual", "indywidualny", "portret", "pojedyncze"),
        "grupowe": ("group", "grupowy", "zbiorowe"),
    },
    "Nieznany rodzaj zdjęcia „{value}”.",
)
PURPOSE_WORDS = Vocabulary(
    PURPOSES,
    {
        "edukacyjne": ("educational",),
        "wychowawcze": ("upbringing",),
        "promocyjne": ("promotion", "promocja"),
        "dokumentacyjne": ("documentation", "dokumentacja"),
    },
    "Nieznany cel „{value}”.",
)


def channel(value: str) -> str:
    """The form's value for a channel typed by the user; InvalidInput naming the nearest and the allowed ones."""
    return CHANNEL_WORDS.value(value)


#: Words for "every one of them" (the parent ticked every purpose, both kinds of photos).
ALL_WORDS = Vocabulary(("wszystkie",), {"wszystkie": ("all", "oba", "obydwa", "both", "wszystko")})


def given_photo_kinds(values: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The kinds of photos typed (``wszystkie``/``oba``: both), each once, in the order given."""
    return _each(values, PHOTO_WORDS)


def given_purposes(values: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The purposes typed (``wszystkie``: every one), each once, in the order given."""
    return _each(values, PURPOSE_WORDS)


def _each(values: tuple[str, ...] | list[str], words: Vocabulary) -> tuple[str, ...]:
    if any(ALL_WORDS.resolve(v) for v in values):
        return words.values
    return tuple(dict.fromkeys(words.value(v) for v in values))


def channel_label(value: str) -> str:
    return _(CHANNEL_LABELS.get(value, value))
