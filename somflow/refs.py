"""References people type: the whole id, a start of it, or a short human reference such as ``NK-2026/3``.

Every record has a 26-character id (ULID). People cannot read that aloud on the phone, so
records users talk about also get a *short reference*: a kind, the year and a number counted
per kind and year within the unit — ``NK-2026/3`` is the third Blue Card case of 2026.

* :func:`allocate` hands out the next number from a counter document (collection
  ``counters``, one per kind and year) inside the caller's store transaction, so the record
  and its number are written together or not at all; the store serialises a unit's writers,
  so two secretaries never get the same number.
* The reference is stored on the record in :data:`FIELD` and printed on lists.
* :func:`by_id` accepts it wherever an id is accepted, written loosely (``nk 2026/3``,
  ``NK-2026-03``); the ids and their starts of at least :data:`MIN_PREFIX` characters keep working.
* :func:`ensure` gives records made before references existed one on first use, in the
  order they were created, numbered in the year they were created.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from somflow.store.base import Store

T = TypeVar("T")

#: The shortest start of an id taken as a reference; shorter (or empty) text names nothing,
#: since every record made in the same months shares its first characters.
MIN_PREFIX = 4
#: The record field holding the short reference.
FIELD = "short_ref"
#: The collection of counter documents ``{kind, year, last}``.
COUNTERS = "counters"

_SHORT = re.compile(r"^\s*([^\W\d_]+)\s*[-/ ]?\s*(\d{4})\s*[-/ ]\s*0*(\d+)\s*$")


def short(kind: str, year: int, number: int) -> str:
    """The reference as printed: ``NK-2026/3``."""
    return f"{kind.upper()}-{year}/{number}"


def parse(text: str) -> str | None:
    """``text`` as a reference in its printed form (``nk 2026/03`` → ``NK-2026/3``), or None when it is not one."""
    m = _SHORT.match(text or "")
    return short(m.group(1), int(m.group(2)), int(m.group(3))) if m else None


def allocate(store: Store, kind: str, year: int | None = None) -> str:
    """The next reference of ``kind`` in ``year`` (default: this year), counted in the caller's transaction."""
    if year is None:
        from somflow.calendar import today

        year = today().year
    kind = kind.upper()
    with store.transaction():
        counter = next(iter(store.query(COUNTERS, {"kind": kind, "year": year})), None)
        if counter is None:
            number = 1
            store.insert(COUNTERS, {"kind": kind, "year": year, "last": number})
        else:
            number = counter["last"] + 1
            store.update(COUNTERS, counter["id"], {"last": number}, expected_rev=counter["rev"])
    return short(kind, year, number)


def ensure(store: Store, collection: str, kind: str) -> list[dict[str, Any]]:
    """The records of ``collection``, each with a reference (those without one get it now, oldest first)."""
    records = store.query(collection)
    missing = sorted((r for r in records if not r.get(FIELD)), key=lambda r: (r.get("created", ""), r["id"]))
    if not missing:
        return records
    with store.transaction():
        for record in missing:
            year = int(record["created"][:4]) if record.get("created") else None
            record.update(store.update(collection, record["id"], {FIELD: allocate(store, kind, year)}))
    return records


def _short_of(record: Any) -> str | None:
    return record.get(FIELD) if isinstance(record, Mapping) else getattr(record, FIELD, None)


def by_id(
    records: Iterable[T],
    ref: str,
    key: Callable[[T], str] = lambda r: r["id"],
    short_key: Callable[[T], str | None] = _short_of,
) -> list[T]:
    """The records ``ref`` names: their short reference, their id (any case, spaces around ignored) or, failing that, its start."""
    records = list(records)
    wanted_short = parse(ref)
    if wanted_short is not None:
        return [r for r in records if (short_key(r) or "").upper() == wanted_short]
    wanted = ref.strip().upper()
    exact = [r for r in records if key(r).upper() == wanted]
    if exact or len(wanted) < MIN_PREFIX:
        return exact
    return [r for r in records if key(r).upper().startswith(wanted)]


__all__ = ["COUNTERS", "FIELD", "MIN_PREFIX", "allocate", "by_id", "ensure", "parse", "short"]
