"""The one comparison of people in somflow: is this the same person as that one?

Every plugin and the inbox compare people here and nowhere else (never by string
equality), so "Zięba Tomasz", "ZIĘBA  tomasz" and "Tomasz Zieba" are the same person
wherever a name is typed, and a safety rule cannot be passed by writing a name another way.

Policy, in the order :func:`compare` applies it:

1. **PESEL first.** When both sides carry a PESEL, it alone decides: equal numbers are
   the same person however the names are spelled, different numbers are two people even
   with the same name (namesakes: father and son, two pupils called Jan Nowak).
2. **Birth dates.** Known on both sides (given, or read from a valid PESEL on one side)
   and different: two people.
3. **Names** as sets of words, whatever the order (surname first is the normal order in
   Polish school registers), case, spacing, diacritics (Zięba = Zieba, Łukasz = Lukasz;
   ł/Ł by hand, as Unicode does not decompose them) and hyphens in double-barrelled
   surnames (Nowak-Kowalska = Nowak Kowalska). All words equal: the same person.
4. **Never a silent guess.** A partial overlap — one of two surnames, a missing second
   given name, initials ("T. Zięba"), one letter typed wrong in a longer word — is
   :attr:`Verdict.UNSURE`: callers ask, list the candidates, or (a safety rule) refuse.
   Words that conflict on both sides (Jan Nowak / Jan Kowalski) are two people.

Candidates are shown masked (initials, never a PESEL): :func:`initials`, :func:`only`.
"""

from __future__ import annotations

import enum
import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from somflow import pesel as pesel_numbers
from somflow.errors import InvalidInput
from somflow.i18n import _

T = TypeVar("T")

#: Words shorter than this are never taken as "the same word typed with one mistake".
NEAR_MIN = 4

_SEPARATORS = re.compile(r"[\s\-‐‑‒–—_.,;/]+")
_DROP = re.compile(r"['’`\"()]")


class Verdict(enum.Enum):
    """What :func:`compare` found."""

    SAME = "same"
    DIFFERENT = "different"
    UNSURE = "unsure"


@dataclass(frozen=True)
class Who:
    """A person as some record or some user writes them: a whole ``name`` in any order, or ``first``/``last``."""

    name: str = ""
    first: str = ""
    last: str = ""
    pesel: str | None = None
    birth_date: date | None = None

    @classmethod
    def of(cls, record: Mapping[str, Any]) -> Who:
        """A person from any record shape somflow has: ``imie``/``nazwisko``, ``imie_nazwisko``, ``first_name``/``last_name``, ``name``.

        The PESEL comes from ``pesel``; the birth date from ``data_urodzenia``/``birth_date``
        (a ``date`` or ISO text; anything else is left out rather than guessed).
        """
        first = record.get("imie") or record.get("first_name") or ""
        last = record.get("nazwisko") or record.get("last_name") or ""
        name = "" if (first or last) else record.get("imie_nazwisko") or record.get("name") or ""
        number = record.get("pesel")
        return cls(
            name=str(name),
            first=str(first),
            last=str(last),
            pesel=str(number) if number not in (None, "") else None,
            birth_date=_day(record.get("data_urodzenia") or record.get("birth_date")),
        )

    def words(self, *, letters: bool = False) -> list[str]:
        """The folded words of the name (given names and surnames together, order kept); ``letters``: see :func:`words`."""
        return words(" ".join(part for part in (self.name, self.first, self.last) if part), letters=letters)

    def number(self) -> str | None:
        """The PESEL as digits (separators dropped), or None."""
        return _digits(self.pesel) if self.pesel else None

    def born(self) -> date | None:
        """The birth date given, else the one a valid PESEL encodes."""
        if self.birth_date is not None:
            return self.birth_date
        number = self.number()
        return _born(number) if number else None


# Lookups compare one name with every person of a class or a school, imports every row with
# every person: the folding and the PESEL arithmetic of each text are done once, not per pair.
@functools.lru_cache(maxsize=8192)
def _digits(number: str) -> str:
    return pesel_numbers.compact(number)


@functools.lru_cache(maxsize=8192)
def _born(number: str) -> date | None:
    return pesel_numbers.birth_date(number) if pesel_numbers.is_valid(number) else None


def _day(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def fold(text: str) -> str:
    """Lowercase, no diacritics (ł → l as well), for comparing words typed by different people."""
    text = str(text or "").replace("ł", "l").replace("Ł", "L")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str, *, letters: bool = False) -> list[str]:
    """The folded words of a name: spaces, hyphens, dots and commas separate (``T.Z.`` → ``t z``), apostrophes go.

    ``letters=True`` keeps the Polish letters (only the case is folded): ``Żak`` and ``Zak`` stay apart.
    """
    return list(_words(str(text or ""), letters))


@functools.lru_cache(maxsize=8192)
def _words(text: str, letters: bool) -> tuple[str, ...]:
    folded = unicodedata.normalize("NFC", text).casefold() if letters else fold(text)
    return tuple(w for w in _SEPARATORS.split(_DROP.sub("", folded)) if w)


def compare(a: Who, b: Who) -> Verdict:
    """Whether ``a`` and ``b`` are the same person (policy in the module docstring)."""
    number_a, number_b = a.number(), b.number()
    if number_a and number_b:
        return Verdict.SAME if number_a == number_b else Verdict.DIFFERENT
    born_a, born_b = a.born(), b.born()
    if born_a and born_b and born_a != born_b:
        return Verdict.DIFFERENT
    return _names(a.words(), b.words())


def _names(a: list[str], b: list[str]) -> Verdict:
    if not a or not b:
        return Verdict.UNSURE  # nothing to compare: never "different" by default, never "same"
    rest_a, rest_b, common = list(a), list(b), 0
    for word in a:  # names have two to four words: plain lists beat Counter here
        if word in rest_b:
            rest_a.remove(word)
            rest_b.remove(word)
            common += 1
    if not rest_a and not rest_b:
        return Verdict.SAME
    loose = _pair_off(rest_a, rest_b)
    if rest_a and rest_b:
        return Verdict.DIFFERENT  # words on each side the other does not have: Jan Nowak / Jan Kowalski
    return Verdict.UNSURE if (common or loose) else Verdict.DIFFERENT


def _pair_off(rest_a: list[str], rest_b: list[str]) -> int:
    """Remove (in place) pairs of words that may be one word: an initial and a word it starts, one typing slip."""
    paired = 0
    for fits in (_initial_of, _near):
        for word in list(rest_a):
            other = next((w for w in rest_b if fits(word, w)), None)
            if other is not None:
                rest_a.remove(word)
                rest_b.remove(other)
                paired += 1
    return paired


def _initial_of(a: str, b: str) -> bool:
    return (len(a) == 1 or len(b) == 1) and a[0] == b[0]


def _near(a: str, b: str) -> bool:
    """One letter added, dropped, changed or two neighbours swapped, in words of at least :data:`NEAR_MIN` letters."""
    if min(len(a), len(b)) < NEAR_MIN or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
        return len(diffs) == 1 or (
            len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]]
        )
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def find(query: Who | str, people: Iterable[T], key: Callable[[T], Who] = Who.of) -> list[T]:
    """The people that may be ``query``: every SAME first, then every UNSURE (so callers can ask or list them)."""
    same, unsure = _sorted(query, people, key)
    return same + unsure


def _sorted(query: Who | str, people: Iterable[T], key: Callable[[T], Who]) -> tuple[list[T], list[T]]:
    """The SAME people and the UNSURE ones, each in the order given."""
    wanted = query if isinstance(query, Who) else Who(name=query)
    same: list[T] = []
    unsure: list[T] = []
    for person in people:
        verdict = compare(wanted, key(person))
        if verdict is not Verdict.DIFFERENT:
            (same if verdict is Verdict.SAME else unsure).append(person)
    return same, unsure


def initials(who: Who) -> str:
    """A person shown without the name: ``T. Z.`` (as candidate lists and messages show them)."""
    return " ".join(f"{w[0].upper()}." for w in who.words()) or "—"


class AmbiguousPerson(InvalidInput):
    """A name fits more than one person, or fits one only partly; the message lists the candidates, masked."""

    def __init__(self, message: str, candidates: list):
        self.candidates = candidates
        super().__init__([message])


def only(
    query: Who | str,
    people: Iterable[T],
    key: Callable[[T], Who] = Who.of,
    describe: Callable[[T], str] = lambda person: "",
) -> T | None:
    """The one person that is ``query`` (None when nobody fits at all).

    Among several SAME people, the one written with exactly the typed letters (Żak, not Zak) wins.
    Raises :class:`AmbiguousPerson` when two or more people are still SAME, or when nobody is
    SAME but some fit partly: the Polish message lists them as initials with
    ``describe(person)`` (an id, a class, a person number — never a PESEL) so the user
    can say which one they mean.
    """
    wanted = query if isinstance(query, Who) else Who(name=query)
    same, unsure = _sorted(wanted, people, key)
    if len(same) > 1:
        # Zofia Żak and Zofia Zak are two children: typed with the letters of one of them, it is that one
        typed = sorted(wanted.words(letters=True))
        same = [p for p in same if sorted(key(p).words(letters=True)) == typed] or same
    if len(same) == 1:
        return same[0]
    candidates = same or unsure
    if not candidates:
        return None
    listing = "; ".join(f"{initials(key(p))} ({describe(p)})" if describe(p) else initials(key(p)) for p in candidates)
    if same:
        message = _(
            "Więcej niż jedna osoba pasuje do „{text}”: {listing}. Wskaż osobę numerem albo identyfikatorem.",
            text=_shown(wanted),
            listing=listing,
        )
    else:
        message = _(
            "„{text}” pasuje tylko częściowo (np. jedno z dwóch nazwisk, inicjał, literówka) do: {listing}. "
            "Podaj pełne imię i nazwisko albo wskaż osobę numerem lub identyfikatorem.",
            text=_shown(wanted),
            listing=listing,
        )
    raise AmbiguousPerson(message, candidates)


def _shown(who: Who) -> str:
    """What the user typed, repeated back to them (their own words; no PESEL)."""
    return " ".join(part for part in (who.name, who.first, who.last) if part).strip() or initials(who)


__all__ = ["AmbiguousPerson", "Verdict", "Who", "compare", "find", "fold", "initials", "only", "words"]
