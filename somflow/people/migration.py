"""Store layout 2: the people the plugins kept separately move into the one register.

Before it, three lists of the same people existed in three shapes:

* ``staff`` (vetting; the standards plugin added to it too): ``imie``/``nazwisko``
  (or ``imie_nazwisko``), ``pesel``, ``data_urodzenia``, ``rola``, ``start``, ``nr``
  beside the vetting data;
* ``children`` (image consent): ``first_name``/``last_name``, ``group``, ``pesel``,
  ``birth_date``, ``guardians``, ``left_on``;
* ``standards_people``: parents and children, ``imie_nazwisko``, ``klasa``, ``dziecko``.

After it every person is one record of ``people`` (:mod:`somflow.people.register`):

* a member of staff keeps the id of their vetting record (which stays in ``staff``
  with only the vetting data, its person fields emptied) and their person number, so
  every link to ``{"collection": "staff", "id"}`` still names them;
* a child of ``children`` keeps its id, so consents (``child_id``) stay linked;
* a child of ``standards_people`` that :mod:`somflow.people.match` says is the same
  person as a consent child of the same class becomes that child (an UNSURE verdict
  keeps two people: never a guess); the others keep their ids;
* links are rewritten to ``people``: acknowledgments' ``person``, the children on a
  printed acknowledgment list, documents' ``record``.

Called by :mod:`somflow.store.upgrade` inside its transaction, after the backup.
"""

from __future__ import annotations

from typing import Any

from somflow.people import match, register
from somflow.store import Store

STAFF = "staff"
CHILDREN = "children"
STANDARDS_PEOPLE = "standards_people"
ACKS = "acknowledgments"
ACK_LISTS = "standards_ack_lists"
DOCUMENTS = "documents"

#: Person fields of an old staff record (emptied there, kept in the register).
STAFF_NAME_KEYS = ("imie", "nazwisko", "imie_nazwisko")
STAFF_MOVED_KEYS = (
    *STAFF_NAME_KEYS,
    "pesel",
    "data_urodzenia",
    "rola",
    "nr",
    "planned_start",
    "start_date",
    "data_rozpoczecia",
    "start",
)
START_KEYS = ("planned_start", "start_date", "data_rozpoczecia", "start")


def _old_staff(store: Store) -> list[dict[str, Any]]:
    return [r for r in store.query(STAFF) if any(r.get(k) for k in STAFF_NAME_KEYS)]


def _old_children(store: Store) -> list[dict[str, Any]]:
    # only records of the image-consent shape: another plugin's "children" records are not ours to move
    return [r for r in store.query(CHILDREN) if r.get("first_name") or r.get("last_name")]


def _old_standards_people(store: Store) -> list[dict[str, Any]]:
    return [r for r in store.query(STANDARDS_PEOPLE) if r.get("imie_nazwisko") or r.get("name")]


def needed(store: Store) -> bool:
    """True when the unit has people in one of the old lists."""
    return bool(_old_staff(store) or _old_children(store) or _old_standards_people(store))


def _day(value: Any) -> str | None:
    return str(value)[:10] if value else None


def run(store: Store) -> None:
    """Move every old list into ``people`` and rewrite the links (inside the caller's transaction)."""
    moved: dict[str, str] = {}  # old record id -> person id
    numbers = [r.get("nr") for r in store.query(STAFF) if isinstance(r.get("nr"), int)]
    numbers += [p.get("nr") or 0 for p in store.query(register.COLLECTION)]
    next_nr = max(numbers, default=0) + 1

    taken = {p.get("nr") for p in store.query(register.COLLECTION)}
    for old in _old_staff(store):
        first, last = (old.get("imie") or "", old.get("nazwisko") or "")
        if not (first or last):
            first, last = register.split_name(str(old.get("imie_nazwisko") or ""))
        person = register.new_person(
            "volunteer" if old.get("umowa") == "wolontariat" else "staff",
            first,
            last,
            pesel=old.get("pesel") or None,
            birth_date=_day(old.get("data_urodzenia")),
            role=old.get("rola") or None,
            start=next((_day(old[k]) for k in START_KEYS if old.get(k)), None),
            since=_day(old.get("created")),
            left_on=_day(old.get("updated")) if old.get("active") is False else None,
        )
        nr = old.get("nr") if isinstance(old.get("nr"), int) and old.get("nr") not in taken else None
        if nr is None:
            nr, next_nr = next_nr, next_nr + 1
        taken.add(nr)
        register.add(store, person, id=old["id"], nr=nr, source="migracja")
        store.update(STAFF, old["id"], dict.fromkeys(STAFF_MOVED_KEYS))
        moved[old["id"]] = old["id"]

    for old in _old_children(store):
        fields = {k: old.get(k) for k in ("pesel", "birth_date", "guardians", "left_on")}
        person = register.new_person(
            "child",
            old.get("first_name") or "",
            old.get("last_name") or "",
            group=register.normalise_group(old.get("group") or "") or None,
            since=_day(old.get("created")),
            **fields,
        )
        register.add(store, person, id=old["id"], nr=next_nr, source=old.get("source") or "migracja")
        next_nr += 1
        store.delete(CHILDREN, old["id"])
        moved[old["id"]] = old["id"]

    for old in _old_standards_people(store):
        first, last = register.split_name(str(old.get("imie_nazwisko") or old.get("name") or ""))
        group = register.normalise_group(old.get("klasa") or "") or None
        kind = "parent" if old.get("group") == "rodzice" else "child"
        left_on = (
            (_day(old["left"]) if isinstance(old.get("left"), str) else _day(old.get("updated")))
            if old.get("left")
            else None
        )
        person = register.new_person(
            kind,
            first,
            last,
            group=group,
            child=(old.get("dziecko") or None) if kind == "parent" else None,
            since=_day(old.get("created")),
            left_on=left_on,
        )
        same = _same_child(store, person) if kind == "child" else None
        if same is not None:
            moved[old["id"]] = same["id"]
        else:
            register.add(store, person, id=old["id"], nr=next_nr, source="migracja")
            next_nr += 1
            moved[old["id"]] = old["id"]
        store.delete(STANDARDS_PEOPLE, old["id"])

    _relink(store, moved)


def _same_child(store: Store, person: dict[str, Any]) -> dict[str, Any] | None:
    """The one child already in the register (same class) that ``match`` says is ``person``; else None."""
    wanted = register.who(person)
    same = [
        c
        for c in register.listing(store, ["child"], include_left=True)
        if c.get("group") == person.get("group") and match.compare(wanted, register.who(c)) is match.Verdict.SAME
    ]
    return same[0] if len(same) == 1 else None


def _relink(store: Store, moved: dict[str, str]) -> None:
    old_collections = (STAFF, CHILDREN, STANDARDS_PEOPLE)
    for ack in store.query(ACKS):
        link = ack.get("person") or {}
        if link.get("collection") in old_collections and link.get("id") in moved:
            store.update(ACKS, ack["id"], {"person": {"collection": register.COLLECTION, "id": moved[link["id"]]}})
    for listed in store.query(ACK_LISTS):
        ids = [moved.get(i, i) for i in listed.get("people") or []]
        if ids != listed.get("people"):
            store.update(ACK_LISTS, listed["id"], {"people": list(dict.fromkeys(ids))})
    for doc in store.query(DOCUMENTS):
        link = doc.get("record") or {}
        if link.get("collection") in (CHILDREN, STANDARDS_PEOPLE) and link.get("id") in moved:
            store.update(DOCUMENTS, doc["id"], {"record": {"collection": register.COLLECTION, "id": moved[link["id"]]}})
