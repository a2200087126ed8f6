"""Importing a list of people into the register: the one function every list import goes through.

A plugin reads its file (HR list, class list, list of parents) into :class:`Row`
values — the register fields the file gives, plus the plugin's own fields for its
record kept under the person's id — and :func:`import_rows` does the rest:

* each row is matched to the people already in the register by
  :mod:`somflow.people.match`: PESEL first; else the name together with the birth
  date, or (children without birth dates) the name within the same class. A row
  that fits nobody surely is a new person; a row that fits someone only partly,
  or fits several people, is UNSURE: it is reported and left alone, never guessed;
* a matched person changes only where the file says something else (an empty cell
  never erases what the register knows); a leaving date in the file marks them left;
* the report says who was added, changed (which fields), unchanged, and who of the
  people the file covers (the same kinds and, for class lists, the same classes)
  is not in the file — those are only reported: leaving is recorded on purpose
  (a column of the file or ``somflow people leave``);
* everything is written in one transaction, or nothing with ``dry_run``; importing
  the same file again finds everyone unchanged and writes nothing.

Reports name people by person number and initials only, never by name or PESEL.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from somflow.collation import polish_key
from somflow.i18n import _
from somflow.people import match, register
from somflow.store import Store

#: Polish names of the register's fields, for "changed: class, e-mail".
FIELD_LABELS = {
    "kind": "rodzaj",
    "first_name": "imię",
    "last_name": "nazwisko",
    "pesel": "PESEL",
    "birth_date": "data urodzenia",
    "group": "klasa",
    "guardians": "rodzice/opiekunowie",
    "child": "dziecko",
    "role": "stanowisko",
    "start": "początek pracy",
    "left_on": "data odejścia",
}


@dataclass
class Row:
    """One person of a file: ``line`` in the file, the register fields it gives, the plugin's own fields."""

    line: int
    person: dict[str, Any]
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class Entry:
    """One person in the report: the file's line (None: not in the file), their number, initials, changed fields."""

    line: int | None
    nr: str
    initials: str
    fields: list[str] = field(default_factory=list)


@dataclass
class Report:
    added: list[Entry] = field(default_factory=list)
    changed: list[Entry] = field(default_factory=list)
    unchanged: list[Entry] = field(default_factory=list)
    missing: list[Entry] = field(default_factory=list)  # covered by the file's kinds/classes, not in it
    unsure: list[tuple[int, list[Entry]]] = field(default_factory=list)  # (line, candidates)
    groups: dict[str, int] = field(default_factory=dict)  # rows of the file per class
    dry_run: bool = False

    def lines(self) -> list[str]:
        """The report in Polish, people masked (number and initials)."""
        out = [
            _(
                "Nowe osoby: {added}, zmienione: {changed}, bez zmian: {unchanged}, nie ma ich w pliku: {missing}, niepewne: {unsure}.",
                added=len(self.added),
                changed=len(self.changed),
                unchanged=len(self.unchanged),
                missing=len(self.missing),
                unsure=len(self.unsure),
            )
        ]
        for group, count in sorted(self.groups.items(), key=lambda g: polish_key(g[0])):
            out.append(_("  klasa {group}: {count}", group=group, count=count))
        for entry in self.added:
            out.append(_("  wiersz {line}: nowa osoba {who}", line=entry.line, who=_who(entry)))
        for entry in self.changed:
            out.append(
                _(
                    "  wiersz {line}: {who} — zmiany: {fields}",
                    line=entry.line,
                    who=_who(entry),
                    fields=", ".join(_(FIELD_LABELS.get(f, f)) for f in entry.fields),
                )
            )
        for line, candidates in self.unsure:
            out.append(
                _(
                    "  wiersz {line}: NIEPEWNE — pasuje częściowo albo do kilku osób ({candidates}); nic nie zmieniono. "
                    "Popraw wiersz (PESEL, pełne imię i nazwisko, data urodzenia) albo zmień dane osoby ręcznie.",
                    line=line,
                    candidates="; ".join(_who(c) for c in candidates),
                )
            )
        if self.missing:
            out.append(
                _(
                    "  Nie ma w pliku: {people}. Jeśli odeszli, zapisz to: somflow people leave NUMER --date RRRR-MM-DD "
                    "(albo kolumna „data_odejscia” w pliku).",
                    people=", ".join(_who(e) for e in self.missing),
                )
            )
        if self.dry_run:
            out.append(_("Próba (--dry-run): niczego nie zapisano."))
        return out


def _who(entry: Entry) -> str:
    if not entry.nr:  # a new person in a dry run: no number yet
        return f"({entry.initials})"
    return _("nr {nr} ({initials})", nr=entry.nr, initials=entry.initials)


def _entry(person: dict[str, Any], line: int | None, fields: Iterable[str] = ()) -> Entry:
    return Entry(
        line, register.number(person) if person.get("id") else "", match.initials(register.who(person)), list(fields)
    )


def _given(value: Any) -> bool:
    return value not in (None, "", [], {})


def _decisive(row: dict[str, Any], person: dict[str, Any]) -> bool:
    """A SAME verdict settles it: PESEL or birth dates on both sides, an adult, or a child of the same class."""
    row_who, person_who = register.who(row), register.who(person)
    if (row_who.number() and person_who.number()) or (row_who.born() and person_who.born()):
        return True
    if row.get("kind") != "child" and row.get("kind") != "parent":
        return True
    return bool(row.get("group")) and row.get("group") == person.get("group")


class _People:
    """The register's people for matching rows, with their PESELs indexed.

    ``match.compare`` decides by the PESEL alone when both sides have one (equal: the same
    person, else two), and two known birth dates that differ are two people; so a row is
    compared only with the people those two rules leave possible — the holder of its PESEL and
    those without one, or those born the same day and those of unknown birth date. A staff list
    or a class list with PESELs or birth dates is then matched in about linear time.
    """

    def __init__(self, people: list[dict[str, Any]]):
        self.people = people
        self.by_pesel = {p["pesel"]: p for p in people if p.get("pesel")}
        self.without_pesel = [p for p in people if not p.get("pesel")]
        self.by_born: dict[Any, list[dict[str, Any]]] = {}
        for person in people:
            self.by_born.setdefault(register.who(person).born(), []).append(person)

    def candidates(self, row: dict[str, Any], taken: set[str]) -> list[dict[str, Any]]:
        wanted = register.who(row)
        number, born = wanted.number(), wanted.born()
        if number:
            holder = self.by_pesel.get(number)
            found = [*([holder] if holder else []), *self.without_pesel]
        elif born:
            found = [*self.by_born.get(born, []), *self.by_born.get(None, [])]
        else:
            found = self.people
        return [p for p in found if p["id"] not in taken]


def _match(row: dict[str, Any], people: list[dict[str, Any]]) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """(the person the row is, None) or (None, the candidates it fits only partly or ambiguously)."""
    wanted = register.who(row)
    same, partly = [], []
    for person in people:
        verdict = match.compare(wanted, register.who(person))
        if verdict is match.Verdict.SAME and _decisive(row, person):
            same.append(person)
        elif verdict is not match.Verdict.DIFFERENT:
            partly.append(person)
    if len(same) == 1:
        return same[0], []
    return None, same + partly


def _changes(given: dict[str, Any], stored: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in given.items() if _given(v) and stored.get(k) != v}


def _person_changes(row: dict[str, Any], found: dict[str, Any]) -> dict[str, Any]:
    """What the row changes in the person: a name written another way (order, case, Polish letters) is no change."""
    changes = _changes({k: v for k, v in row.items() if k != "kind" or found.get("kind") != v}, found)
    as_written = match.Who(first=row.get("first_name") or "", last=row.get("last_name") or "")
    as_stored = match.Who(first=found.get("first_name") or "", last=found.get("last_name") or "")
    if match.compare(as_written, as_stored) is match.Verdict.SAME:
        changes.pop("first_name", None)
        changes.pop("last_name", None)
    return changes


def import_rows(
    store: Store,
    rows: list[Row],
    *,
    kinds: Iterable[str],
    by_group: bool = False,
    details_collection: str | None = None,
    details_defaults: dict[str, Any] | None = None,
    dry_run: bool = False,
) -> Report:
    """Match ``rows`` to the register's people of ``kinds``, then add and change them (see the module docstring).

    ``by_group``: the file covers only its own classes (a class list), so "not in the file" means
    people of those classes. ``details_collection``: where the plugin keeps its record of a person
    (under the person's id), started from ``details_defaults`` for a new one.
    """
    kinds = tuple(kinds)
    report = Report(dry_run=dry_run)
    people = register.listing(store, kinds, include_left=True)
    index = _People(people)
    taken: set[str] = set()
    plan: list[tuple[Row, dict[str, Any] | None, dict[str, Any], dict[str, Any]]] = []
    for row in rows:
        found, candidates = _match(row.person, index.candidates(row.person, taken))
        if found is None and candidates:
            report.unsure.append((row.line, [_entry(c, None) for c in candidates]))
            continue
        if found is None:
            plan.append((row, None, row.person, row.details))
            report.added.append(_entry(row.person, row.line))
            continue
        taken.add(found["id"])
        details = store.get(details_collection, found["id"]) if details_collection else None
        person_changes = _person_changes(row.person, found)
        detail_changes = _changes(row.details, details or {}) if details_collection else {}
        if details_collection and details is None:
            detail_changes = dict(row.details)
        if person_changes or detail_changes:
            plan.append((row, found, person_changes, detail_changes))
            report.changed.append(_entry(found, row.line, [*person_changes, *detail_changes]))
        else:
            report.unchanged.append(_entry(found, row.line))
    for row in rows:
        if row.person.get("group"):
            report.groups[row.person["group"]] = report.groups.get(row.person["group"], 0) + 1
    groups = {row.person.get("group") for row in rows}
    for person in people:
        covered = not by_group or person.get("group") in groups
        if person["id"] not in taken and covered and not person.get("left_on"):
            report.missing.append(_entry(person, None))
    if not dry_run and plan:
        _apply(store, plan, details_collection, details_defaults or {})
        _number_added(report, plan)
    return report


def _apply(store: Store, plan, details_collection: str | None, defaults: dict[str, Any]) -> None:
    with store.transaction():
        nr = register.next_number(store)
        for row, found, person_changes, detail_changes in plan:
            if found is None:
                fields = {k: v for k, v in person_changes.items() if k not in ("kind", "first_name", "last_name")}
                new = register.new_person(
                    person_changes["kind"],
                    person_changes.get("first_name", ""),
                    person_changes.get("last_name", ""),
                    **fields,
                )
                found = register.add(store, new, nr=nr, source="import")
                nr += 1
                row.person["id"], row.person["nr"] = found["id"], found["nr"]
            elif person_changes:
                found = register.update(store, found, person_changes)
            if details_collection and (detail_changes or row.details):
                current = store.get(details_collection, found["id"])
                if current is None:
                    store.insert(details_collection, {**defaults, **row.details}, id=found["id"])
                elif detail_changes:
                    store.update(details_collection, found["id"], detail_changes, expected_rev=current["rev"])


def _number_added(report: Report, plan) -> None:
    """Give the added people in the report the numbers they got."""
    numbers = {row.line: row.person.get("nr") for row, found, _p, _d in plan if found is None}
    for entry in report.added:
        entry.nr = str(numbers.get(entry.line) or entry.nr)


__all__ = ["Entry", "Report", "Row", "import_rows"]
