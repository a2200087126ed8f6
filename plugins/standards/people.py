"""Who must acknowledge the standards: staff, parents and children.

Staff come from the ``staff`` collection, which the vetting plugin keeps (names
in ``imie``/``nazwisko`` or ``imie_nazwisko``, the planned first day of work
with children in ``start``); a person exempt there (``zwolnienie``: a police
officer giving a talk, a delivery driver) or ``active: false`` needs no
acknowledgment. Parents and children, which no
other plugin keeps, live here in ``standards_people`` with ``group`` ``rodzice``
or ``dzieci``, a class/group label ``klasa`` and, for a parent, the child's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from somflow import refs
from somflow.errors import InvalidInput
from somflow.forms import datafile
from somflow.i18n import _
from somflow.store import Store

STAFF = "staff"
PEOPLE = "standards_people"
GROUPS = ("pracownicy", "rodzice", "dzieci")
#: Polish names of the groups (translated with ``_`` where shown).
GROUP_LABELS = {"pracownicy": "pracownicy", "rodzice": "rodzice", "dzieci": "dzieci"}
#: Fields of a staff record that may hold the planned first day of work with children.
START_FIELDS = ("planned_start", "start_date", "data_rozpoczecia", "start")


@dataclass(frozen=True)
class Person:
    collection: str
    id: str
    group: str
    name: str
    klasa: str = ""
    child: str = ""
    since: date | None = None  # when the person joined (record created)
    start: date | None = None  # planned first day of work with children (staff)

    @property
    def ref(self) -> dict[str, str]:
        return {"collection": self.collection, "id": self.id}


def display_name(record: dict[str, Any]) -> str:
    if record.get("imie_nazwisko"):
        return str(record["imie_nazwisko"]).strip()
    parts = [str(record.get(k) or "").strip() for k in ("imie", "nazwisko")]
    if any(parts):
        return " ".join(p for p in parts if p)
    return str(record.get("name") or record.get("first_name", "") + " " + record.get("last_name", "")).strip()


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def everyone(store: Store, group: str | None = None) -> list[Person]:
    """Every person who must know the standards (optionally of one group), staff first."""
    found: list[Person] = []
    if group in (None, "pracownicy"):
        for rec in store.query(STAFF):
            if rec.get("zwolnienie") or rec.get("exempt") or rec.get("active") is False:
                continue
            start = next((_day(rec.get(k)) for k in START_FIELDS if rec.get(k)), None)
            found.append(Person(STAFF, rec["id"], "pracownicy", display_name(rec), since=_day(rec["created"]), start=start))
    for rec in store.query(PEOPLE):
        if rec.get("left") or (group and rec.get("group") != group):
            continue
        found.append(
            Person(PEOPLE, rec["id"], rec["group"], display_name(rec), rec.get("klasa", ""), rec.get("dziecko", ""), _day(rec["created"]))
        )
    return found


def find(store: Store, ref: str) -> Person:
    """A person by record id (or a unique id prefix); raises InvalidInput with a Polish message."""
    matches = refs.by_id(everyone(store), ref, key=lambda p: p.id)
    if len(matches) != 1:
        problem = _("Nie znaleziono osoby o identyfikatorze {ref}.", ref=ref) if not matches else _(
            "Identyfikator {ref} pasuje do kilku osób; podaj go w całości.", ref=ref
        )
        raise InvalidInput([problem])
    return matches[0]


def add(store: Store, group: str, name: str, klasa: str = "", child: str = "") -> dict[str, Any]:
    """Add a person; staff go to the shared ``staff`` collection, parents and children here."""
    problems = []
    if group not in GROUPS:
        problems.append(_("Grupa „{group}” nie istnieje; wybierz jedną z: {groups}.", group=group, groups=", ".join(GROUPS)))
    if not name.strip():
        problems.append(_("Pole „imię i nazwisko” nie może być puste."))
    if problems:
        raise InvalidInput(problems)
    if group == "pracownicy":
        first, _sep, last = name.strip().partition(" ")
        return store.insert(STAFF, {"imie": first, "nazwisko": last.strip()})
    record = {"group": group, "imie_nazwisko": name.strip(), "klasa": klasa.strip()}
    if group == "rodzice":
        record["dziecko"] = child.strip()
    return store.insert(PEOPLE, record)


def import_csv(store: Store, group: str, path: Path) -> int:
    """Add people from a CSV class list (columns ``imie_nazwisko``, ``klasa``, for parents ``dziecko``).

    Every row is checked first; any problem rejects the whole file, naming the row.
    """
    rows, _batch = datafile.load(path)  # the forms engine's reader: UTF-8, "," or ";" separated
    problems = [
        _("Plik {file}, wiersz {row}, kolumna imie_nazwisko: wartość nie może być pusta.", file=path.name, row=number)
        for number, row in enumerate(rows, start=2)
        if not row.get("imie_nazwisko")
    ]
    if problems:
        raise InvalidInput([*problems, _("Nic nie zaimportowano.")])
    with store.transaction():
        for row in rows:
            add(store, group, row["imie_nazwisko"], row.get("klasa", ""), row.get("dziecko", ""))
    return len(rows)
