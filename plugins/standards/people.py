"""Who must acknowledge the standards: staff, parents and children — the people of the shared register.

Everyone comes from :mod:`somflow.people.register` (kinds ``staff``/``volunteer`` →
``pracownicy``, ``parent`` → ``rodzice``, ``child`` → ``dzieci``); acknowledgments link
to the person's id there. A member of staff exempt from vetting (``zwolnienie`` in the
vetting plugin's record kept under the same id: a police officer giving a talk, a
delivery driver) needs no acknowledgment; a person who left the unit needs none either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from somflow import calendar
from somflow.errors import InvalidInput
from somflow.forms import datafile
from somflow.i18n import _
from somflow.people import classlist, imports, match, register
from somflow.store import Store

STAFF = "staff"  # the vetting plugin's records (under the person's id): only ``zwolnienie`` is read here
GROUPS = ("pracownicy", "rodzice", "dzieci")
#: Polish names of the groups (translated with ``_`` where shown).
GROUP_LABELS = {"pracownicy": "pracownicy", "rodzice": "rodzice", "dzieci": "dzieci"}
#: The register's kinds of person in each group.
KINDS = {"pracownicy": register.ADULTS_AT_WORK, "rodzice": ("parent",), "dzieci": ("child",)}


@dataclass(frozen=True)
class Person:
    collection: str
    id: str
    group: str
    name: str
    klasa: str = ""
    child: str = ""
    since: date | None = None  # when the person joined (first recorded in the register)
    start: date | None = None  # planned first day of work with children (staff)
    nr: str = ""  # the person number in the register (somflow.people.register.number)

    @property
    def ref(self) -> dict[str, str]:
        return {"collection": self.collection, "id": self.id}


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def everyone(
    store: Store, group: str | None = None, today: date | None = None, *, include_left: bool = False
) -> list[Person]:
    """Every person who must know the standards (optionally of one group), staff first; leavers left out
    unless ``include_left`` (their acknowledgments stay in the history and are named there)."""
    today = today or calendar.today()
    exempt = {r["id"] for r in store.query(STAFF) if r.get("zwolnienie") or r.get("exempt")}
    found: list[Person] = []
    for name in (group,) if group else GROUPS:
        for rec in register.listing(store, KINDS[name], include_left=include_left, on=today):
            if name == "pracownicy" and rec["id"] in exempt:
                continue
            found.append(
                Person(
                    register.COLLECTION,
                    rec["id"],
                    name,
                    register.display_name(rec),
                    rec.get("group") or "",
                    rec.get("child") or "",
                    _day(rec.get("since") or rec["created"]),
                    _day(rec.get("start")),
                    register.number(rec),
                )
            )
    return found


def find(store: Store, ref: str) -> Person:
    """A person by number, record id (or a unique id prefix) or name; raises InvalidInput with a Polish message."""
    known = {p.id: p for p in everyone(store)}
    person = register.lookup([r for r in register.listing(store) if r["id"] in known], ref)
    if person is None:
        raise InvalidInput([_("Nie znaleziono osoby o identyfikatorze {ref}.", ref=ref)])
    return known[person["id"]]


def add(store: Store, group: str, name: str, klasa: str = "", child: str = "") -> dict[str, Any]:
    """Add a person to the register (staff, a parent, a child)."""
    problems = []
    if group not in GROUPS:
        problems.append(
            _("Grupa „{group}” nie istnieje; wybierz jedną z: {groups}.", group=group, groups=", ".join(GROUPS))
        )
    if not name.strip():
        problems.append(_("Pole „imię i nazwisko” nie może być puste."))
    if problems:
        raise InvalidInput(problems)
    kind, first, last, extra = _fields(group, name, klasa, child)
    person = register.new_person(kind, first, last, **extra)
    wanted = register.who(person)
    for known in register.listing(store, KINDS[group], include_left=True):
        if (
            known.get("group") == person.get("group")
            and match.compare(wanted, register.who(known)) is match.Verdict.SAME
        ):
            raise InvalidInput(
                [_("Ta osoba już jest w rejestrze ({who}); nie dodano jej drugi raz.", who=register.describe(known))]
            )
    return register.add(store, person)


def _fields(group: str, name: str, klasa: str, child: str) -> tuple[str, str, str, dict[str, Any]]:
    first, last = register.split_name(name.strip())
    extra: dict[str, Any] = {"group": register.normalise_group(klasa) or None}
    if group == "rodzice":
        extra["child"] = child.strip() or None
    return KINDS[group][0], first, last, extra


def import_csv(store: Store, group: str, path: Path, *, dry_run: bool = False) -> imports.Report:
    """Import people of ``group`` into the register: a class list from an e-register (as ``zgody import``
    takes: children, or for ``rodzice`` their parents) or a list with columns ``imie_nazwisko``,
    ``klasa``, ``dziecko``, ``data_odejscia``. Every row is checked first; any problem rejects the whole file.
    """
    if group != "pracownicy" and classlist.is_class_list(path):
        return classlist.import_file(store, path, parents=group == "rodzice", dry_run=dry_run)
    rows, _batch = datafile.load(path)  # the forms engine's reader: UTF-8, "," or ";" separated
    problems = []
    incoming = []
    for line, row in enumerate(rows, start=2):
        if not row.get("imie_nazwisko"):
            problems.append(
                _(
                    "Plik {file}, wiersz {row}, kolumna imie_nazwisko: wartość nie może być pusta.",
                    file=path.name,
                    row=line,
                )
            )
            continue
        kind, first, last, extra = _fields(
            group, str(row["imie_nazwisko"]), str(row.get("klasa") or ""), str(row.get("dziecko") or "")
        )
        left = str(row.get("data_odejscia") or row.get("odeszla") or row.get("odszedl") or "").strip()
        if left:
            day = calendar.parse_date(left)
            if day is None:
                problems.append(
                    calendar.not_a_date(
                        _("Plik {file}, wiersz {row}, kolumna data_odejscia", file=path.name, row=line), left
                    )
                )
            extra["left_on"] = day.isoformat() if day else None
        incoming.append(imports.Row(line, {"kind": kind, "first_name": first, "last_name": last, **extra}))
    if problems:
        raise InvalidInput([*problems, _("Nic nie zaimportowano.")])
    return imports.import_rows(store, incoming, kinds=KINDS[group], by_group=group != "pracownicy", dry_run=dry_run)
