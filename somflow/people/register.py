"""The one register of the unit's people, shared by the plugins.

Records live in the collection ``people``, one per person::

    {"kind": "child" | "staff" | "volunteer" | "parent", "nr": 7,
     "first_name", "last_name", "pesel" | None, "birth_date" | None (ISO),
     "group": "3b" | None            # class or group (children; a parent: the child's class)
     "guardians": [{"name", "email", "phone"}]   # children: parents or legal guardians
     "child": "Jan Nowak" | None     # parents listed for the standards: their child
     "role": "nauczycielka" | None, "start": ISO | None,   # staff and volunteers
     "since": ISO,                   # the day the person was first recorded here
     "left_on": ISO | None,          # the day the person left the unit
     "source": "import" | "recznie" | "migracja"}

Plugins keep their procedure data (consents, vetting items, acknowledgments)
in their own collections, linked to a person's ``id``; names, PESEL, class and
dates are kept here only. A plugin record that belongs to exactly one person
(the vetting file of a member of staff) may use the person's id as its own
(:meth:`somflow.store.base.Store.insert` with ``id``).

A person who left stays in the register (their records stay and remain visible
in history); lists leave them out unless asked, and deadlines and reminders
stop for them (:func:`active`). People are told apart only by
:mod:`somflow.people.match` (PESEL first, then names however written).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from somflow import calendar, refs
from somflow import pesel as pesel_numbers
from somflow.collation import polish_key
from somflow.errors import InvalidInput
from somflow.i18n import _
from somflow.people import match
from somflow.store import Store

COLLECTION = "people"
KINDS = ("child", "staff", "volunteer", "parent")
#: Polish names of the kinds, as lists and the ``--rodzaj`` option show them.
KIND_LABELS = {"child": "dziecko", "staff": "pracownik", "volunteer": "wolontariusz", "parent": "rodzic"}
#: The person's own data, as a record holds it (everything else is metadata or the number).
FIELDS = (
    "kind",
    "first_name",
    "last_name",
    "pesel",
    "birth_date",
    "group",
    "guardians",
    "child",
    "role",
    "start",
    "since",
    "left_on",
)
ADULTS_AT_WORK = ("staff", "volunteer")


def new_person(kind: str, first_name: str, last_name: str, **fields: Any) -> dict[str, Any]:
    """A person's fields, checked (kind, a name) and filled with None where not given."""
    problems = []
    if kind not in KINDS:
        problems.append(
            _(
                "Nieznany rodzaj osoby „{kind}” (dozwolone: {allowed}).",
                kind=kind,
                allowed=", ".join(KIND_LABELS.values()),
            )
        )
    if not (first_name or "").strip() and not (last_name or "").strip():
        problems.append(_("Podaj imię i nazwisko."))
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown person fields: {sorted(unknown)}")
    if problems:
        raise InvalidInput(problems)
    person = dict.fromkeys(FIELDS)
    person.update(fields, kind=kind, first_name=(first_name or "").strip(), last_name=(last_name or "").strip())
    person["guardians"] = list(person.get("guardians") or [])
    return person


def split_name(name: str) -> tuple[str, str]:
    """``"Anna Maria Kowalska"`` → (``"Anna Maria"``, ``"Kowalska"``), for lists that give one name column.

    The register keeps two fields; :mod:`somflow.people.match` ignores the order, so a
    surname written first is still the same person.
    """
    words = (name or "").split()
    return (" ".join(words[:-1]), words[-1]) if len(words) > 1 else ("", " ".join(words))


def next_number(store: Store) -> int:
    """The next person number of the unit (1, 2, …), shown on lists instead of names."""
    return max((p.get("nr") or 0 for p in store.query(COLLECTION)), default=0) + 1


def add(
    store: Store, person: dict[str, Any], *, id: str | None = None, nr: int | None = None, source: str = "recznie"
) -> dict[str, Any]:
    """Insert ``person`` (from :func:`new_person`) with the next person number (or ``nr``, when adding many
    in one transaction); returns the stored record."""
    since = person.get("since") or calendar.today().isoformat()
    with store.transaction():
        return store.insert(
            COLLECTION, {**person, "since": since, "nr": nr or next_number(store), "source": source}, id=id
        )


def get(store: Store, id: str) -> dict[str, Any] | None:
    return store.get(COLLECTION, id)


def update(store: Store, person: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Change a person's own fields (refused if somebody changed the record since it was read)."""
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown person fields: {sorted(unknown)}")
    return store.update(COLLECTION, person["id"], changes, expected_rev=person["rev"])


def has_left(person: dict[str, Any], on: date) -> bool:
    """True when the person had left the unit on ``on``."""
    left_on = person.get("left_on")
    return bool(left_on) and date.fromisoformat(left_on) <= on


def active(person: dict[str, Any] | None, on: date) -> bool:
    """A person whose deadlines and reminders still run: known and not left by ``on``."""
    return person is not None and not has_left(person, on)


def mark_left(store: Store, person: dict[str, Any], on: date) -> dict[str, Any]:
    """Record that ``person`` left the unit on ``on``; every record about them stays."""
    return update(store, person, {"left_on": on.isoformat()})


def listing(
    store: Store,
    kinds: Iterable[str] | None = None,
    groups: Iterable[str] | None = None,
    *,
    include_left: bool = False,
    on: date | None = None,
) -> list[dict[str, Any]]:
    """People of ``kinds`` (and classes ``groups``), by kind, class and name in Polish order; leavers only when asked."""
    wanted_kinds = set(kinds or KINDS)
    wanted_groups = {normalise_group(g) for g in groups} if groups else None
    found = []
    for person in store.query(COLLECTION):
        if person.get("kind") not in wanted_kinds:
            continue
        if wanted_groups is not None and person.get("group") not in wanted_groups:
            continue
        if not include_left and person.get("left_on") and (on is None or has_left(person, on)):
            continue
        found.append(person)
    return sorted(found, key=sort_key)


def sort_key(person: dict[str, Any]) -> tuple:
    return (
        KINDS.index(person["kind"]) if person.get("kind") in KINDS else len(KINDS),
        polish_key(person.get("group") or ""),
        polish_key(person.get("last_name") or ""),
        polish_key(person.get("first_name") or ""),
        person["id"],
    )


def normalise_group(group: str) -> str:
    """A class label as stored: no spaces, lower case (``3 B`` → ``3b``)."""
    return "".join(str(group or "").split()).lower()


def number(person: dict[str, Any]) -> str:
    """How lists and messages name a person without their name: the person number (else the id's start)."""
    return str(person["nr"]) if person.get("nr") else person["id"][:10]


def display_name(person: dict[str, Any]) -> str:
    """First name and surname, for the user's screen only (never for logs)."""
    return f"{person.get('first_name') or ''} {person.get('last_name') or ''}".strip()


def describe(person: dict[str, Any]) -> str:
    """A person told apart without their name: ``nr 7, klasa 3b`` (lists of candidates)."""
    if person.get("group"):
        return _("nr {nr}, klasa {group}", nr=number(person), group=person["group"])
    return _("nr {nr}", nr=number(person))


def facts(person: dict[str, Any]) -> list[tuple[str, str]]:
    """What the register knows about the person, as (label, value) pairs for a screen: PESEL only as "zapisany"."""
    rows = [
        (_("PESEL"), _("zapisany") if person.get("pesel") else "—"),
        (_("Data urodzenia"), person.get("birth_date") or "—"),
        (_("Początek pracy z dziećmi"), person.get("start")),
        (_("Dziecko"), person.get("child")),
        (_("W rejestrze od"), person.get("since")),
        (_("Odejście"), person.get("left_on")),
        (_("Identyfikator"), person["id"]),
    ]
    return [(label, str(value)) for label, value in rows if value]


def guardians(person: dict[str, Any]) -> list[tuple[str, str]]:
    """Each parent/guardian as (name, contact): e-mail and phone as far as known."""
    return [
        (g.get("name") or "—", ", ".join(g.get(k) for k in ("email", "phone") if g.get(k)))
        for g in person.get("guardians") or []
    ]


def who(person: dict[str, Any]) -> match.Who:
    """The person as :mod:`somflow.people.match` compares them."""
    return match.Who.of(person)


def lookup(people: Iterable[dict[str, Any]], ref: str) -> dict[str, Any] | None:
    """The one of ``people`` that ``ref`` names: a person number, an id (or a unique start of it), a PESEL, or a name.

    None when nobody fits. A name is compared by :mod:`somflow.people.match` (any order, case,
    Polish letters); several fitting people, or only partly fitting ones, raise
    :class:`somflow.people.match.AmbiguousPerson` listing them masked — none is chosen.
    """
    text = (ref or "").strip()
    people = list(people)
    digits = pesel_numbers.compact(text)
    if digits.isdigit() and len(digits) == 11:
        found = [p for p in people if p.get("pesel") == digits]
    elif text.isdigit():
        found = [p for p in people if p.get("nr") == int(text)]
    else:
        found = refs.by_id(people, text) if text else []
        if not found and text:
            one = match.only(text, people, key=who, describe=describe)
            found = [one] if one is not None else []
    return found[0] if len(found) == 1 else None


def find(store: Store, ref: str, *, kinds: Iterable[str] | None = None, include_left: bool = True) -> dict[str, Any]:
    """The one person of ``kinds`` that ``ref`` names (:func:`lookup`); InvalidInput when none or several."""
    found = lookup(listing(store, kinds, include_left=include_left), ref)
    if found is None:
        text = (ref or "").strip()
        digits = pesel_numbers.compact(text)
        shown = "*" * 11 if digits.isdigit() and len(digits) == 11 else text  # a PESEL is never echoed
        raise InvalidInput(
            [
                _(
                    "Nie znaleziono jednoznacznie osoby „{ref}” w rejestrze (podaj numer z listy: somflow people list).",
                    ref=shown,
                )
            ]
        )
    return found
