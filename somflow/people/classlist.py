"""Reading a class list CSV exported by a school's e-register: children, their classes and parents.

Every import of children (``somflow zgody import``, ``somflow standards people import``,
``somflow people import``) reads the file here and hands the rows to
:func:`somflow.people.imports.import_rows`, so one file is accepted everywhere alike.

E-registers (Librus, Vulcan, Mobidziennik...) export CSV with Polish headers,
in UTF-8 (often with a BOM) or Windows-1250, separated by semicolons (Excel in
a Polish locale) or commas; :mod:`somflow.csvfile` reads them. PESELs are
checked by :mod:`somflow.pesel` (a leading zero Excel dropped is reported as
such), dates may be ISO or Polish (``7.03.2016``, :func:`somflow.calendar.parse_date`). Headers are matched loosely ("Imię", "IMIE",
"imię ucznia"), so the file need not be edited first.

A column ``Data odejścia`` (``odszedł``, ``odeszła``…) marks a child who left on
that day. The whole file is checked before anything is written: every bad row is
reported with its line number, and either every row is imported (in one store
transaction) or none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from somflow import calendar, csvfile, pesel
from somflow.errors import InvalidInput
from somflow.fileio import decode_text
from somflow.i18n import _
from somflow.people import imports, match, register
from somflow.store import Store

#: Normalised header (no diacritics, letters and digits only) → the child's field.
HEADERS = {
    "first_name": ("imie", "imieucznia", "imiedziecka", "imiona", "pierwszeimie", "firstname", "name"),
    "last_name": ("nazwisko", "nazwiskoucznia", "nazwiskodziecka", "surname", "lastname"),
    "group": ("klasa", "oddzial", "grupa", "klasaoddzial", "class", "group"),
    "pesel": ("pesel", "peselucznia", "peseldziecka"),
    "birth_date": ("dataurodzenia", "urodzony", "urodzona", "birthdate", "dateofbirth"),
    "left_on": (
        "dataodejscia",
        "odszedl",
        "odeszla",
        "odszedlodeszla",
        "odejscie",
        "dataodejsciazplacowki",
        "leftOn".lower(),
        "left",
    ),
}
_GUARDIAN_PREFIXES = ("rodzic", "opiekun", "matka", "ojciec", "imieinazwiskorodzica", "parent", "guardian")
_LABELS = {
    "first_name": "Imię",
    "last_name": "Nazwisko",
    "group": "Klasa",
    "pesel": "PESEL",
    "birth_date": "Data urodzenia",
    "left_on": "Data odejścia",
}


@dataclass
class Row:
    line: int
    child: dict[str, Any]


def normalise(header: str) -> str:
    """A column header as compared: folded as names are (somflow.people.match.fold), letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", match.fold(header))


def _columns(header: list[str], name: str) -> tuple[dict[str, int], list[tuple[str, int]]]:
    columns: dict[str, int] = {}
    guardians: list[tuple[str, int]] = []  # (kind: name|email|phone, index)
    for index, raw in enumerate(header):
        key = normalise(raw)
        if not key:
            continue
        target = next((f for f, names in HEADERS.items() if key in names), None)
        if target and target not in columns:
            columns[target] = index
        elif "mail" in key:
            guardians.append(("email", index))
        elif key.startswith(("telefon", "tel", "phone", "komorka")) or "telefon" in key:
            guardians.append(("phone", index))
        elif key.startswith(_GUARDIAN_PREFIXES):
            guardians.append(("name", index))
    missing = [_LABELS[f] for f in ("first_name", "last_name", "group") if f not in columns]
    if missing:
        raise InvalidInput(
            [
                _(
                    "Plik {name}, wiersz 1 (nagłówek): brak kolumny {columns}. Pierwszy wiersz musi zawierać nagłówki, np. Imię;Nazwisko;Klasa;PESEL;Rodzic;E-mail rodzica.",
                    name=name,
                    columns=", ".join(f"„{m}”" for m in missing),
                )
            ]
        )
    return columns, guardians


def is_class_list(path: Path) -> bool:
    """True when the file's header names the columns of a class list (first name, surname, class)."""
    try:
        header, _rows = csvfile.rows(decode_text(path.read_bytes(), path.name), path.name)
    except (OSError, InvalidInput):
        return False
    found = {f for raw in header for f, names in HEADERS.items() if normalise(raw) in names}
    return {"first_name", "last_name", "group"} <= found


def parse(content: bytes, name: str, today: date | None = None) -> list[Row]:
    """Rows of a class list; InvalidInput with every problem (line numbers as in a text editor)."""
    today = today or calendar.today()
    header, data = csvfile.rows(decode_text(content, name), name)
    if not header:
        raise InvalidInput([_("Plik {name} jest pusty.", name=name)])
    columns, guardian_cols = _columns(header, name)
    problems: list[str] = []
    rows: list[Row] = []
    seen: dict[tuple, int] = {}
    for line, cells in data:
        where = _("Plik {name}, wiersz {line}", name=name, line=line)
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            problems.append(
                _(
                    "{where}: {found} pól, a nagłówek ma {expected} (sprawdź separator i cudzysłowy).",
                    where=where,
                    found=len(cells),
                    expected=len(header),
                )
            )
            continue
        cell = lambda f, cells=cells: cells[columns[f]].strip() if f in columns and columns[f] < len(cells) else ""  # noqa: E731
        child: dict[str, Any] = {
            "first_name": cell("first_name"),
            "last_name": cell("last_name"),
            "group": cell("group").replace(" ", "").lower(),
            "pesel": None,
            "birth_date": None,
            "guardians": _guardians(cells, guardian_cols),
            "left_on": None,
        }
        row_problems = []
        for f in ("first_name", "last_name", "group"):
            if not child[f]:
                row_problems.append(
                    _("{where}: brak wartości w kolumnie „{column}”.", where=where, column=_(_LABELS[f]))
                )
        if cell("pesel"):
            found = pesel.check(cell("pesel"), today)
            if found.problem:
                row_problems.append(_("{where}, kolumna PESEL: {problem}.", where=where, problem=found.problem))
            else:
                child["pesel"], child["birth_date"] = found.number, found.born.isoformat()
        if cell("birth_date"):
            born = calendar.parse_date(cell("birth_date"))
            if born is None:
                row_problems.append(
                    _(
                        "{where}, kolumna „Data urodzenia”: „{value}” nie jest poprawną datą (RRRR-MM-DD albo DD.MM.RRRR).",
                        where=where,
                        value=cell("birth_date"),
                    )
                )
            elif born > today:
                row_problems.append(
                    _(
                        "{where}, kolumna „Data urodzenia”: {value} jest z przyszłości (dziś jest {today}).",
                        where=where,
                        value=born.isoformat(),
                        today=today.isoformat(),
                    )
                )
            elif child["birth_date"] and child["birth_date"] != born.isoformat():
                row_problems.append(_("{where}: data urodzenia nie zgadza się z numerem PESEL.", where=where))
            else:
                child["birth_date"] = born.isoformat()
        if cell("left_on"):
            left = calendar.parse_date(cell("left_on"))
            if left is None:
                row_problems.append(
                    calendar.not_a_date(_("{where}, kolumna „Data odejścia”", where=where), cell("left_on"))
                )
            else:
                child["left_on"] = left.isoformat()
        if not row_problems:
            key = (
                ("pesel", child["pesel"])
                if child["pesel"]
                else (
                    "name",
                    child["first_name"].lower(),
                    child["last_name"].lower(),
                    child["group"],
                    child["birth_date"],
                )
            )
            if key in seen:
                row_problems.append(
                    _("{where}: ten sam uczeń jest już w wierszu {other}.", where=where, other=seen[key])
                )
            seen[key] = line
        problems.extend(row_problems)
        rows.append(Row(line, child))
    if problems:
        raise InvalidInput([*problems, _("Nic nie zaimportowano. Popraw plik i uruchom import ponownie.")])
    if not rows:
        raise InvalidInput([_("Plik {name} nie zawiera żadnego ucznia (tylko nagłówek).", name=name)])
    return rows


def _guardians(cells: list[str], columns: list[tuple[str, int]]) -> list[dict[str, str]]:
    """Guardian columns in order: a name column starts a new guardian; e-mail and phone fill the current one."""
    guardians: list[dict[str, str]] = []
    for kind, index in columns:
        value = cells[index].strip() if index < len(cells) else ""
        if kind == "name" or not guardians or kind in guardians[-1]:
            if kind != "name" and guardians and kind in guardians[-1] and not value:
                continue
            guardians.append({})
        if value:
            guardians[-1][kind] = value
    return [g for g in guardians if g]


def import_file(store: Store, path: Path, *, parents: bool = False, dry_run: bool = False) -> imports.Report:
    """Import the class list ``path`` into the register: the children, or (``parents``) their parents.

    The file is checked whole first (InvalidInput listing every bad row, nothing written); then
    :func:`somflow.people.imports.import_rows` matches, adds and changes in one transaction.
    """
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(
            [_("Nie można odczytać pliku {name}: {reason}", name=path.name, reason=exc.strerror or type(exc).__name__)]
        ) from None
    parsed = parse(content, path.name)
    if parents:
        rows = [imports.Row(row.line, parent) for row in parsed for parent in as_parents(row.child)]
    else:
        rows = [imports.Row(row.line, as_child(row.child)) for row in parsed]
    return imports.import_rows(store, rows, kinds=["parent" if parents else "child"], by_group=True, dry_run=dry_run)


def as_child(child: dict[str, Any]) -> dict[str, Any]:
    """A class-list row as the register's fields of the child."""
    return {
        "kind": "child",
        **{
            k: child.get(k) for k in ("first_name", "last_name", "pesel", "birth_date", "group", "guardians", "left_on")
        },
    }


def as_parents(child: dict[str, Any]) -> list[dict[str, Any]]:
    """The named parents of a class-list row as the register's fields of parents (class and child's name kept)."""
    found = []
    for guardian in child.get("guardians") or []:
        first, last = register.split_name(guardian.get("name") or "")
        if last:
            found.append(
                {
                    "kind": "parent",
                    "first_name": first,
                    "last_name": last,
                    "group": child["group"],
                    "child": f"{child['first_name']} {child['last_name']}",
                }
            )
    return found
