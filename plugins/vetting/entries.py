"""Vetting results offered for correction (kind ``wynik-weryfikacji``, see somflow.corrections).

A result is referred to as ``OSOBA/POZYCJA`` (``5/rspts``: person number 5, item
rspts; ``#`` works instead of ``/``). A withdrawn result leaves ``items`` for ``withdrawn_items`` with who,
when and why, so it counts nowhere (status, blocking, deadlines) while
``vetting show`` still lists it. Withdrawing the last FIGURUJE unblocks the
person; the head is told (somflow.notices). Any withdrawal clears an admission
that may have rested on the result.
"""

from __future__ import annotations

from typing import Any

from somflow import calendar, corrections
from somflow.errors import InvalidInput, SomflowError
from somflow.i18n import _

from . import requirements as req
from .people import COLLECTION, number

KIND = "wynik-weryfikacji"


def _label(workspace, person: dict[str, Any], key: str, item: dict[str, Any]) -> str:
    found = req.find_item(person, key, workspace.config)
    result = "FIGURUJE" if item["status"] == req.HIT else item.get("result") or item["status"]
    return _(
        "osoba nr {nr}, {item} — {result} ({date})",
        nr=number(person),
        item=found.label if found else key,
        result=result,
        date=item["date"],
    )


def locate(workspace, ref: str) -> list[corrections.Entry]:
    from .records import find_person

    split = corrections.split_ref(ref)
    if split is None:
        return []
    who, key = split
    try:
        person = find_person(workspace, who)
    except SomflowError:
        return []
    items = person.get("items") or {}
    found = req.find_item(person, key, workspace.config)
    key = found.key if found is not None else key
    if key not in items:
        return []
    item = items[key]
    return [
        corrections.Entry(
            kind=KIND,
            ref=f"{number(person)}/{key}",
            collection=COLLECTION,
            record=person,
            key=key,
            label=_label(workspace, person, key, item),
            data=item,
            notify_head=item["status"] == req.HIT,
        )
    ]


def withdraw(workspace, entry: corrections.Entry, mark: dict[str, Any]) -> dict[str, Any]:
    person = entry.record
    items = {k: v for k, v in (person.get("items") or {}).items() if k != entry.key}
    gone = [*(person.get("withdrawn_items") or []), {**corrections.withdrawn_copy(entry.data, mark), "item": entry.key}]
    changes: dict[str, Any] = {"items": items, "withdrawn_items": gone, "admitted": None}
    if not any(v["status"] == req.HIT for v in items.values()):
        changes.update(blocked=False, alert=None)
    return changes


def correct(workspace, entry: corrections.Entry, changes: dict[str, str], mark: dict[str, Any]) -> dict[str, Any]:
    day = calendar.parse_date(changes["data"])
    if day is None:
        raise InvalidInput([calendar.not_a_date(_("Pole data"), changes["data"])])
    if day > calendar.today():
        raise InvalidInput([_("Data dokumentu nie może być z przyszłości.")])
    items = dict(entry.record.get("items") or {})
    items[entry.key] = corrections.corrected_copy(entry.data, {"date": day.isoformat()}, mark)
    return {"items": items}


def history(person: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(item key, withdrawn result) pairs of a person, oldest first, for ``vetting show``."""
    return [(w["item"], w) for w in person.get("withdrawn_items") or []]


ENTRY_KIND = corrections.EntryKind(
    name=KIND,
    title="wynik weryfikacji",  # Polish; translated when shown
    ref_help="OSOBA/POZYCJA, np. 5/rspts",
    locate=locate,
    withdraw=withdraw,
    correct=correct,
    fields={"data": "data dokumentu"},
)
