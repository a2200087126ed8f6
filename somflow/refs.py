"""Finding a record by the id a user typed: the whole id, or a start of it long enough to mean something."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")

#: The shortest start of an id taken as a reference; shorter (or empty) text names nothing,
#: since every record made in the same months shares its first characters.
MIN_PREFIX = 4


def by_id(records: Iterable[T], ref: str, key: Callable[[T], str] = lambda r: r["id"]) -> list[T]:
    """The records whose id is ``ref`` (any case, spaces around ignored) or, failing that, starts with it."""
    wanted = ref.strip().upper()
    records = list(records)
    exact = [r for r in records if key(r).upper() == wanted]
    if exact or len(wanted) < MIN_PREFIX:
        return exact
    return [r for r in records if key(r).upper().startswith(wanted)]


__all__ = ["MIN_PREFIX", "by_id"]
