"""People named in data and in free text: the one place that finds names so reports and e-mails can leave them out.

* :func:`named` — every person a document's data names (rows of people, name fields);
* :func:`known_names` — the full names of everyone somflow holds (the register, the children
  and guardians it records, the people named in generated documents);
* :func:`spans` / :func:`holds_name` — where a text holds one of those names, folded as
  :mod:`somflow.people.match` folds them (case, Polish letters, surname first): "ZIEBA tomasz"
  in a sentence is Tomasz Zięba;
* :func:`mask` — the text with each such name replaced by its initials (``T. Z.``), the last
  line of defence for text leaving the computer (reminder e-mails, calendar files), like
  :func:`somflow.logs.redact_pesel` for PESEL numbers.

A name written differently (a diminutive, a nickname, a first name alone) is not found:
checks built on this warn and mask, they do not prove a text anonymous.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from somflow.people import match

if TYPE_CHECKING:
    from somflow.store import Store

#: Keys of a document's data whose text is a person's name (``imie_nazwisko_dziecka``, ``nazwisko``, ``imiona_rodzicow``).
NAME_KEY = re.compile(r"imie_nazwisko|nazwisk|imiona")
_WORD = re.compile(r"\w+", re.UNICODE)


def named(value: Any, key: str = "") -> Iterator[tuple[str, match.Who]]:
    """Every person ``value`` (a document's data) names, with the key they were found under."""
    if isinstance(value, dict):
        who = match.Who.of(value)
        if who.words():
            yield key, who
        for k, v in value.items():
            yield from named(v, str(k))
    elif isinstance(value, list):
        for item in value:
            yield from named(item, key)
    elif isinstance(value, str) and value.strip() and NAME_KEY.search(key):
        yield key, match.Who(name=value)


def known_names(store: Store) -> set[str]:
    """Full names (two words or more) of the people somflow holds: register, their guardians, documents' data."""
    from somflow.people import register

    names: set[str] = set()
    for person in store.query(register.COLLECTION):
        names.add(register.display_name(person))
        names.add(person.get("child") or "")
        names.update(g.get("name") or "" for g in person.get("guardians") or [])
    for doc in store.query("documents"):
        names.update(" ".join(who.words(letters=True)) for _key, who in named(doc.get("data") or {}))
    return {n for n in names if len(match.words(n)) >= 2}


def spans(text: str, names: Iterable[str]) -> list[tuple[int, int, str]]:
    """``(start, end, name)`` for each place ``text`` holds one of ``names`` (its words in order or reversed)."""
    tokens = [(m.start(), m.end(), "".join(match.words(m.group()))) for m in _WORD.finditer(text or "")]
    folded = [t[2] for t in tokens]
    found: list[tuple[int, int, str]] = []
    for name in names:
        wanted = match.words(name)
        if len(wanted) < 2:
            continue
        n = len(wanted)
        for i in range(len(folded) - n + 1):
            window = folded[i : i + n]
            if window == wanted or window == wanted[::-1]:
                found.append((tokens[i][0], tokens[i + n - 1][1], name))
    return sorted(found)


def holds_name(text: str, names: Iterable[str]) -> bool:
    """True when ``text`` holds one of ``names``."""
    return bool(spans(text, names))


def mask(text: str, names: Iterable[str]) -> str:
    """``text`` with each of ``names`` it holds replaced by the initials, as written (``Zięba Tomasz`` → ``Z. T.``)."""
    out, at = [], 0
    for start, end, _name in spans(text, names):
        if start < at:  # overlapping names ("Anna Maria Nowak" and "Maria Nowak"): the first one masked covers it
            continue
        out += [text[at:start], match.initials(match.Who(name=text[start:end]))]
        at = end
    return "".join(out) + text[at:]
