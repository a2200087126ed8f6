"""Alphabetical order as a Polish reader expects it (Ć after C, Ł after L, Ż last).

Python compares code points, which puts every Polish letter after ``z``: a class list
sorted that way has Ćwik after Zając. :func:`polish_key` orders by the Polish alphabet
(a ą b c ć d e ę f g h i j k l ł m n ń o ó p q r s ś t u v w x y z ź ż), case-insensitively;
other accented letters (ü, é, ö) sort as their base letter (Müller with Muller).
"""

from __future__ import annotations

import functools
import unicodedata

ALPHABET = "aąbcćdeęfghijklłmnńoópqrsśtuvwxyzźż"
_RANK = {letter: n for n, letter in enumerate(ALPHABET)}
_LETTERS = 1000


def _rank(char: str) -> tuple[int, int]:
    """(primary, secondary): a Polish letter is a letter of its own; ü is u, told apart only on a tie."""
    if char in _RANK:
        return _LETTERS + _RANK[char], 0
    base = unicodedata.normalize("NFD", char)[0]
    if base != char and base in _RANK:
        return _LETTERS + _RANK[base], 1
    return (ord(char) if ord(char) < _LETTERS else _LETTERS + len(ALPHABET) + ord(char)), 0


@functools.lru_cache(maxsize=16384)  # the same names are sorted again and again (the register, on every page)
def polish_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Sort key of ``text`` in Polish alphabetical order (spaces and digits before letters)."""
    ranks = [_rank(char) for char in text.casefold()]
    return tuple(r[0] for r in ranks), tuple(r[1] for r in ranks)
