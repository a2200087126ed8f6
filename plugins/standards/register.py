"""The coordinator's register of reports and proposed changes ("rejestr zgłoszeń i proponowanych zmian").

Entries in ``standards_register``: ``date``, ``channel``, ``kind``, ``summary``,
``status``. The summary must not identify a child: before saving, it is
checked for PESEL numbers (any run of 11 digits, a typo included) and for the names
of people somflow knows; a hit is refused with a warning unless the user
insists (``--force``), and the warning never repeats the name or PESEL.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from typing import Any

from somflow import calendar, refs, vocabulary
from somflow.errors import InvalidInput
from somflow.i18n import _
from somflow.people import mentions
from somflow.store import Store

REGISTER = "standards_register"
#: The kind of the entries' short references: ZG-2026/3, "zgłoszenie" (somflow.refs).
REF_KIND = "ZG"
CHANNELS = ("osobiscie", "telefon", "email", "pismo", "skrzynka", "ankieta", "inne")
KINDS = ("zgloszenie", "propozycja")
STATUSES = ("nowe", "w_toku", "zamkniete")
KIND_LABELS = {"zgloszenie": "zgłoszenie uwag / naruszenia", "propozycja": "propozycja zmiany Standardów"}
STATUS_LABELS = {"nowe": "nowe", "w_toku": "w toku", "zamkniete": "zamknięte"}
CHANNEL_LABELS = {
    "osobiscie": "osobiście",
    "telefon": "telefon",
    "email": "e-mail",
    "pismo": "pismo",
    "skrzynka": "skrzynka zgłoszeń",
    "ankieta": "ankieta",
    "inne": "inne",
}
CHANNEL_WORDS = vocabulary.Vocabulary(
    CHANNELS, {k: (v,) for k, v in CHANNEL_LABELS.items()}, "Nieznany kanał zgłoszenia „{value}”."
)
STATUS_WORDS = vocabulary.Vocabulary(
    STATUSES, {k: (v,) for k, v in STATUS_LABELS.items()}, "Nieznany status „{value}”."
)
_DIGITS = re.compile(r"(?<!\d)\d{11}(?!\d)")


def identity_warnings(store: Store, text: str) -> list[str]:
    """Polish warnings when ``text`` holds a PESEL or the full name of a person in the store."""
    warnings = []
    # Any 11-digit run counts: a PESEL with a typo still identifies the child.
    if _DIGITS.search(text):
        warnings.append(_("Opis zawiera numer PESEL. Usuń go — rejestr nie może identyfikować dziecka."))
    # folded as somflow.people.match folds names: "ZIEBA tomasz" in a description is Tomasz Zięba
    if mentions.holds_name(text, mentions.known_names(store)):
        warnings.append(
            _(
                "Opis zawiera imię i nazwisko osoby zapisanej w somflow. Opisz sprawę bez danych identyfikujących dziecko."
            )
        )
    return warnings


def add(
    store: Store, *, day: date, channel: str, kind: str, summary: str, status: str = "nowe", force: bool = False
) -> dict[str, Any]:
    """Add an entry; refuse with :class:`InvalidInput` on bad values or (without ``force``) identifying data."""
    problems = _check(channel=channel, kind=kind, status=status)
    if not summary.strip():
        problems.append(_("Pole „opis” nie może być puste."))
    if day > calendar.today():
        problems.append(_("Pole „data”: data {day} jest w przyszłości.", day=day.isoformat()))
    if problems:
        raise InvalidInput(problems)
    warnings = identity_warnings(store, summary)
    if warnings and not force:
        raise InvalidInput(
            [*warnings, _("Nic nie zapisano. Popraw opis albo użyj --force, jeśli to nie są dane dziecka.")]
        )
    with store.transaction():
        refs.ensure(store, REGISTER, REF_KIND)
        return store.insert(
            REGISTER,
            {
                refs.FIELD: refs.allocate(store, REF_KIND, day.year),
                "date": day.isoformat(),
                "channel": channel,
                "kind": kind,
                "summary": summary.strip(),
                "status": status,
                "warnings": len(warnings),
            },
        )


def set_status(store: Store, entry_id: str, status: str) -> dict[str, Any]:
    problems = _check(status=status)
    if problems:
        raise InvalidInput(problems)
    matches = refs.by_id(refs.ensure(store, REGISTER, REF_KIND), entry_id)
    if len(matches) != 1:
        raise InvalidInput([_("Nie znaleziono wpisu rejestru {id}.", id=entry_id)])
    entry = matches[0]
    return store.update(REGISTER, entry["id"], {"status": status}, expected_rev=entry["rev"])


def _check(*, channel: str | None = None, kind: str | None = None, status: str | None = None) -> list[str]:
    problems = []
    for field, value, allowed in (("kanał", channel, CHANNELS), ("rodzaj", kind, KINDS), ("status", status, STATUSES)):
        if value is not None and value not in allowed:
            problems.append(
                _(
                    "Pole „{field}”: „{value}” nie jest dozwolone; wybierz jedno z: {allowed}.",
                    field=field,
                    value=value,
                    allowed=", ".join(allowed),
                )
            )
    return problems


def entries(store: Store, since: date | None = None, until: date | None = None) -> list[dict[str, Any]]:
    found = refs.ensure(store, REGISTER, REF_KIND)
    if since:
        found = [e for e in found if e["date"] > since.isoformat()]
    if until:
        found = [e for e in found if e["date"] <= until.isoformat()]
    return sorted(found, key=lambda e: (e["date"], e["id"]))


def counts(found: list[dict[str, Any]]) -> dict[str, Counter]:
    """Counts by kind, status and channel, for the report."""
    return {key: Counter(e[key] for e in found) for key in ("kind", "status", "channel")}
