"""Writing vetting data to the store: people, results, blocks and admissions.

Every change happens in one ``store.transaction()``: a refused or failed
write leaves the store as it was. Results are kept per person under
``items``: ``{key: {"status": "otrzymany"|"figuruje", "date", "document",
"result", "recorded"}}``.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import date
from pathlib import Path
from typing import Any

from somflow.errors import InvalidInput, SomflowError
from somflow.i18n import _
from somflow.people import register
from somflow.store.base import now_iso, os_user
from somflow.workspace import Workspace

from . import requirements as req
from .people import COLLECTION, number

log = logging.getLogger(__name__)

#: ``--result`` values: what the document says → item status.
RESULTS = {
    "brak-wpisu": req.RECEIVED,  # register/record: "W Rejestrze nie ma informacji…", no conviction
    "figuruje": req.HIT,  # register/record: the person is listed / convicted
    "zlozone": req.RECEIVED,  # a declaration or acknowledgment was handed in
}
# A result recorded by mistake is withdrawn with a reason (entries.py, somflow.corrections), never erased.


class Refused(SomflowError):
    """The change is not allowed (a blocked person, a hit that cannot be undone)."""


#: A vetting record's fields that the register keeps (legacy key here → the register's field).
PERSON_FIELDS = {
    "imie": "first_name",
    "nazwisko": "last_name",
    "pesel": "pesel",
    "data_urodzenia": "birth_date",
    "rola": "role",
    "start": "start",
}
#: What a vetting record starts with (the procedure); the rest of ``people.FIELDS`` are the vetting's own details.
PROCEDURE = {"items": {}, "blocked": False, "alert": None, "admitted": None, "documents": {}}


def view(person: dict[str, Any], record: dict[str, Any] | None) -> dict[str, Any]:
    """A member of staff as vetting reads them: the vetting record (kept under the person's id) with the
    register's name, PESEL, dates and number in the keys of :data:`people.FIELDS`."""
    joined = {**PROCEDURE, **(record or {}), "id": person["id"], "rev": (record or {}).get("rev")}
    joined.update({key: person.get(field) for key, field in PERSON_FIELDS.items()})
    joined.update(nr=person.get("nr"), left_on=person.get("left_on"), kind=person.get("kind"))
    return joined


def all_people(workspace: Workspace) -> list[dict[str, Any]]:
    """Every member of staff and volunteer of the register (leavers too), joined with their vetting records."""
    store = workspace.store
    records = {r["id"]: r for r in store.query(COLLECTION)}
    return [view(p, records.get(p["id"])) for p in register.listing(store, register.ADULTS_AT_WORK, include_left=True)]


def current_people(workspace: Workspace, today: date) -> list[dict[str, Any]]:
    """The people whose vetting still runs: not left the unit by ``today``."""
    return [p for p in all_people(workspace) if not register.has_left(p, today)]


def get(workspace: Workspace, id: str) -> dict[str, Any] | None:
    person = register.get(workspace.store, id)
    if person is None or person.get("kind") not in register.ADULTS_AT_WORK:
        return None
    return view(person, workspace.store.get(COLLECTION, id))


def find_person(workspace: Workspace, ref: str) -> dict[str, Any]:
    """The person ``ref`` names: their number, record id (or a unique start of it), PESEL or name (:func:`register.find`)."""
    person = register.find(workspace.store, ref, kinds=register.ADULTS_AT_WORK)
    return view(person, workspace.store.get(COLLECTION, person["id"]))


def save(
    workspace: Workspace, person: dict[str, Any], changes: dict[str, Any], *, action: str = "update"
) -> dict[str, Any]:
    """Write vetting ``changes`` for ``person`` (a :func:`view`); their vetting record is made on the first write.
    ``action`` names the change in the audit log (``confirm``, ``reject``…)."""
    store = workspace.store
    with store.transaction():
        if person.get("rev") is None:
            store.insert(COLLECTION, {**PROCEDURE, **changes}, id=person["id"])
        else:
            store.update(COLLECTION, person["id"], changes, expected_rev=person["rev"], action=action)
        return get(workspace, person["id"])


def split(parsed: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A parsed person (``people.parse_person``) as (register fields, the vetting's own fields)."""
    mine = {field: parsed.get(key) for key, field in PERSON_FIELDS.items() if key in parsed}
    if "umowa" in parsed:
        mine["kind"] = "volunteer" if parsed.get("umowa") == "wolontariat" else "staff"
    return mine, {k: v for k, v in parsed.items() if k not in PERSON_FIELDS}


def add_people(workspace: Workspace, people: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add people (already checked by ``parse_person``) to the register, with their vetting records, in one transaction."""
    store = workspace.store
    inserted = []
    with store.transaction():
        for parsed in people:
            fields, details = split(parsed)
            person = register.add(
                store,
                register.new_person(fields.pop("kind"), fields.pop("first_name"), fields.pop("last_name"), **fields),
            )
            store.insert(COLLECTION, {**PROCEDURE, **details}, id=person["id"])
            inserted.append(get(workspace, person["id"]))
    log.info("vetting: %d person(s) added", len(inserted))
    return inserted


def known_pesels(workspace: Workspace) -> set[str]:
    return {p["pesel"] for p in register.listing(workspace.store, include_left=True) if p.get("pesel")}


def file_copy(
    workspace: Workspace, person: dict[str, Any], title: str, path: Path, data: dict[str, Any]
) -> dict[str, Any]:
    """Archive a scan the user gives on the command line and insert its ``documents`` record (status zwrócony)."""
    from somflow.inbox import filing
    from somflow.inbox.sandbox import unreadable_scan

    try:
        content = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(
            [_("Nie można odczytać pliku {path}: {error}", path=path, error=exc.strerror or exc)]
        ) from None
    if (problem := unreadable_scan(path, content)) is not None:
        raise InvalidInput(
            [
                _(
                    "{path}: {problem} Dołącz skan albo wydruk w formacie PDF, JPEG, PNG lub TIFF.",
                    path=path,
                    problem=problem,
                )
            ]
        )
    digest = hashlib.sha256(content).hexdigest()
    suffix = path.suffix.lower() or ".bin"
    rel = filing.write_archive(workspace, f"{person['id']}_{digest[:12]}{suffix}", content)
    return workspace.store.insert(
        "documents",
        {
            "form": None,
            "form_version": None,
            "title": title,
            "data": data,
            "file": None,
            "sha256": None,
            "pages": None,
            "status": "zwrócony",
            "record": {"collection": COLLECTION, "id": person["id"]},
            "created_by": os_user(),
            "returned": {"at": now_iso(), "scan": rel, "sha256": digest, "pages": []},
        },
    )


def check_result(
    workspace: Workspace, person: dict[str, Any], item_key: str, result: str, *, on: date, today: date
) -> req.Item:
    """The item ``item_key`` when ``result`` may be recorded for it, else :class:`InvalidInput` / :class:`Refused`.

    Refused: an item the person does not need, a result that does not fit the
    item (``figuruje`` for a declaration), a date in the future, and any change
    to an item already a hit (a hit is never undone here).
    """
    config = workspace.config
    item = req.find_item(person, item_key, config)
    if item is None:
        keys = ", ".join(i.key for i in req.required_items(person, config)) or "—"
        raise InvalidInput(
            [
                _(
                    "Osoba nr {nr} nie potrzebuje pozycji „{item}” (wymagane: {keys}).",
                    nr=number(person),
                    item=item_key,
                    keys=keys,
                )
            ]
        )
    if result not in RESULTS:
        raise InvalidInput(
            [_("Nieznany wynik „{result}” (dozwolone: {allowed}).", result=result, allowed=", ".join(RESULTS))]
        )
    if item.kind == req.DECLARATION and result in ("brak-wpisu", "figuruje"):
        raise InvalidInput([_("„{item}” to oświadczenie: wynik „zlozone” albo „brak”.", item=item.label)])
    if item.kind == req.CHECK and result == "zlozone":
        raise InvalidInput(
            [_("„{item}” to sprawdzenie w rejestrze: wynik „brak-wpisu” albo „figuruje”.", item=item.label)]
        )
    if on > today:
        raise InvalidInput([_("Data dokumentu nie może być z przyszłości.")])
    current = (person.get("items") or {}).get(item.key)
    if current and current["status"] == req.HIT and result != "figuruje":
        raise Refused(
            _(
                "Pozycja „{item}” ma wynik FIGURUJE; osoba nr {nr} jest zablokowana i tego wyniku nie można zmienić.",
                item=item.label,
                nr=number(person),
            )
        )
    return item


def record_result(
    workspace: Workspace,
    person: dict[str, Any],
    item_key: str,
    result: str,
    *,
    on: date,
    today: date,
    file: Path | None = None,
    document_id: str | None = None,
) -> tuple[dict[str, Any], req.Item, bool]:
    """Record what a document says about one item; returns (person, item, True when it blocked the person).

    Refused as :func:`check_result` says. A register printout attached as
    ``file`` is archived and awaits confirmation (:mod:`.printouts`) instead:
    the returned person then has it under ``pending`` and nothing blocked.
    """
    item = check_result(workspace, person, item_key, result, on=on, today=today)
    if file is not None and item.kind == req.CHECK and result in ("brak-wpisu", "figuruje"):
        from . import printouts

        with workspace.store.transaction():
            document_id = file_copy(workspace, person, item.label, file, {"item": item.key, "result": result})["id"]
            found = printouts.Printout(item.key, result, printouts.verification(printouts.file_text(file)), on)
            updated, item = printouts.await_confirmation(
                workspace, person, found, today=today, document_id=document_id, source="file"
            )
        return updated, item, False
    store = workspace.store
    with store.transaction():
        fresh = get(workspace, person["id"])
        if fresh is None:
            raise InvalidInput([_("Osoba została w międzyczasie usunięta.")])
        if file is not None:
            document_id = file_copy(workspace, fresh, item.label, file, {"item": item.key, "result": result})["id"]
        items = dict(fresh.get("items") or {})
        status = RESULTS[result]
        items[item.key] = {
            "status": status,
            "date": on.isoformat(),
            "document": document_id,
            "result": result,
            "recorded": now_iso(),
        }
        changes: dict[str, Any] = {"items": items}
        blocked_now = status == req.HIT and not fresh.get("blocked")
        if status == req.HIT:
            changes["blocked"] = True
            changes["admitted"] = None
            changes["alert"] = fresh.get("alert") or {"at": today.isoformat(), "item": item.key}
        updated = save(workspace, fresh, changes)
    log.info("vetting: result recorded for person %s, item %s", number(fresh), item.key)
    return updated, item, blocked_now


def admit(workspace: Workspace, person: dict[str, Any], today: date) -> dict[str, Any]:
    """Record the head's admission of a cleared person; refused when blocked or incomplete."""
    standing = req.standing(person, workspace.config, today)
    if standing.state == req.BLOCKED:
        raise Refused(
            _(
                "Osoba nr {nr} jest zablokowana (wynik FIGURUJE) — nie może zostać dopuszczona do pracy z dziećmi.",
                nr=number(person),
            )
        )
    if standing.state == req.INCOMPLETE:
        raise Refused(
            _(
                "Osoba nr {nr} nie jest sprawdzona; brakuje: {missing}.",
                nr=number(person),
                missing="; ".join(i.label for i in standing.open),
            )
        )
    return save(workspace, person, {"admitted": today.isoformat()})


def edit_person(workspace: Workspace, person: dict[str, Any], changes: dict[str, str], today: date) -> dict[str, Any]:
    """Apply text ``changes`` (fields of ``people.FIELDS``) to a person, checked like a new entry."""
    from . import people

    parsed, errors = people.parse_person({**people.as_text(person), **changes}, workspace.config, today)
    if parsed.get("pesel") and parsed["pesel"] != person.get("pesel") and parsed["pesel"] in known_pesels(workspace):
        errors.append(("pesel", _("osoba z tym numerem PESEL jest już w rejestrze")))
    if errors:
        raise InvalidInput(
            [_("Pole „{field}”: {problem}", field=_(people.FIELD_LABELS[f]), problem=m) for f, m in errors]
        )
    if parsed.get("zwolnienie") and person.get("blocked"):
        raise Refused(
            _(
                "Osoba nr {nr} jest zablokowana (wynik FIGURUJE) — nie można jej zwolnić ze sprawdzenia.",
                nr=number(person),
            )
        )
    fields, details = split(parsed)
    store = workspace.store
    with store.transaction():
        register.update(store, register.get(store, person["id"]), fields)
        return save(workspace, person, details)
