"""Words people type for a fixed list of values: Polish letters or not, synonyms, and "did you mean…".

Every place that takes one of a fixed list of values — a form's ``choices`` (through the
Cerberus normalisation in :mod:`somflow.forms.schema`), a CLI option (:class:`Param`), a
plugin's own lists (consent channels, vetting contract types) — resolves the typed word
here, once:

* the stored value, its labels and its synonyms all name it;
* case, Polish letters, spaces, hyphens and underscores do not matter (``osobiście`` =
  ``osobiscie``, ``e-mail`` = ``email``, ``strona www`` = ``strona_www``);
* an unknown word gets a Polish message with the nearest value (difflib) and the list.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import click

from somflow.errors import InvalidInput
from somflow.i18n import _
from somflow.people.match import fold

#: How close (difflib ratio) a typo must be to a known word to be suggested.
SUGGEST_CUTOFF = 0.7
_SEPARATORS = re.compile(r"[\s\-_‐‑–—./]+")
#: Words people use for values found in many lists, added to every vocabulary that has the value.
COMMON_SYNONYMS: dict[str, tuple[str, ...]] = {
    "tak": ("t", "y", "yes"),
    "nie": ("n", "no"),
    "email": ("mail", "poczta elektroniczna"),
    "telefon": ("tel", "telefonicznie", "phone"),
    "osobiscie": ("w osobie", "in person", "personally"),
    "poczta": ("pocztą", "list", "post", "mail tradycyjny"),
    "inne": ("inny", "inna", "other"),
}


def key(text: Any) -> str:
    """``text`` as compared: folded (case, Polish letters) and without spaces, hyphens, underscores, dots."""
    return _SEPARATORS.sub("", fold(str(text)).strip())


@dataclass(frozen=True)
class Vocabulary:
    """A fixed list of ``values``; ``synonyms`` maps a value to other words for it (labels, English, colloquial).

    ``unknown`` is the Polish message (translated when shown) for a word that names nothing,
    with ``{value}``: e.g. ``"Nieznany kanał publikacji „{value}”."``.
    """

    values: tuple[str, ...]
    synonyms: Mapping[str, Iterable[str]] = field(default_factory=dict)
    unknown: str = "Nieznana wartość „{value}”."

    @classmethod
    def of_choices(cls, choices: Iterable[Any], unknown: str = "Nieznana wartość „{value}”.") -> Vocabulary:
        """A form's choices (``value`` and ``label``: text or ``{"pl": …, "en": …}``): each value also named by its labels."""
        choices = list(choices)
        labels = {c.value: [c.label] if isinstance(c.label, str) else list(c.label.values()) for c in choices}
        return cls(tuple(c.value for c in choices), labels, unknown)

    @functools.cached_property
    def _words(self) -> dict[str, str]:
        words = {key(v): v for v in self.values}
        for value, others in (*self.synonyms.items(), *COMMON_SYNONYMS.items()):
            if value in self.values:
                for word in others:
                    words.setdefault(key(word), value)
        return words

    def resolve(self, text: Any) -> str | None:
        """The value ``text`` names, or None."""
        return self._words.get(key(text)) if text is not None else None

    def suggest(self, text: Any) -> str | None:
        """The value nearest to ``text`` (a typo), or None when nothing is close."""
        words = self._words
        near = difflib.get_close_matches(key(text), list(words), n=1, cutoff=SUGGEST_CUTOFF)
        return words[near[0]] if near else None

    def problem(self, text: Any) -> str:
        """The Polish message for a ``text`` that names nothing: what, the nearest value, the allowed ones."""
        message = _(self.unknown, value=text)
        nearest = self.suggest(text)
        if nearest is not None:
            message += " " + _("Czy chodziło o „{suggestion}”?", suggestion=nearest)
        return message + " " + _("Dozwolone: {allowed}.", allowed=", ".join(self.values))

    def value(self, text: Any) -> str:
        """The value ``text`` names; :class:`InvalidInput` with :meth:`problem` when none."""
        found = self.resolve(text)
        if found is None:
            raise InvalidInput([self.problem(text)])
        return found


class Param(click.ParamType):
    """A click option or argument taking a :class:`Vocabulary` value (``type=vocabulary.Param(WORDS)``)."""

    name = "choice"

    def __init__(self, vocabulary: Vocabulary | Iterable[str]):
        self.vocabulary = vocabulary if isinstance(vocabulary, Vocabulary) else Vocabulary(tuple(vocabulary))

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "[" + "|".join(self.vocabulary.values) + "]"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        found = self.vocabulary.resolve(value)
        if found is None:
            self.fail(self.vocabulary.problem(value), param, ctx)
        return found

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> list:
        from click.shell_completion import CompletionItem

        return [CompletionItem(v) for v in self.vocabulary.values if v.startswith(incomplete)]


__all__ = ["COMMON_SYNONYMS", "Param", "Vocabulary", "key"]
