"""Importing children and their parents from a class list CSV exported by a school's e-register.

E-registers (Librus, Vulcan, Mobidziennik...) export CSV with Polish headers,
in UTF-8 (often with a BOM) or Windows-1250, separated by semicolons (Excel in
a Polish locale) or commas; :mod:`somflow.csvfile` reads them. PESELs are
checked by :mod:`somflow.pesel` (a leading zero Excel dropped is reported as
such), dates may be ISO or Polish (``7.03.2016``, :func:`somflow.calendar.parse_date`). Headers are matched loosely ("Imię", "IMIE",
"imię ucznia"), so the file need not be edited first.

The whole file is checked before anything is written: every bad row is
reported with its line number, and either every row is imported (in one
store transaction) or none.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from somflow import calendar, csvfile, pesel
from somflow.errors import InvalidInput
from somflow.fileio import decode_text
from somflow.i18n import _
from somflow.workspace import Workspace

from somflow_image_consent.vocabulary import CHILDREN

#: Normalised header (no diacritics, letters and digits only) → the child's field.
HEADERS = {
    "first_name": ("imie", "imieucznia", "imiedziecka", "imiona", "pierwszeimie", "firstname", "name"),
    "last_name": ("nazwisko", "nazwiskoucznia", "nazwiskodziecka", "surname", "lastname"),
    "group": ("klasa", "oddzial", "grupa", "klasaoddzial", "class", "group"),
    "pesel": ("pesel", "peselucznia", "peseldziecka"),
    "birth_date": ("dataurodzenia", "urodzony", "urodzona", "birthdate", "dateofbirth"),
}
_GUARDIAN_PREFIXES = ("rodzic", "opiekun", "matka", "ojciec", "imieinazwiskorodzica", "parent", "guardian")
_LABELS = {"first_name": "Imię", "last_name": "Nazwisko", "group": "Klasa", "pesel": "PESEL", "birth_date": "Data urodzenia"}


@dataclass
class Row:
    line: int
    child: dict[str, Any]


@dataclass
class ImportResult:
    added: int = 0
    updated: int = 0
    groups: dict[str, int] = field(default_factory=dict)


def normalise(header: str) -> str:
    text = unicodedata.normalize("NFKD", header.replace("ł", "l").replace("Ł", "L"))
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in text if not unicodedata.combining(c)).lower())


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
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
            problems.append(_("{where}: {found} pól, a nagłówek ma {expected} (sprawdź separator i cudzysłowy).", where=where, found=len(cells), expected=len(header)))
            continue
        cell = lambda f: cells[columns[f]].strip() if f in columns and columns[f] < len(cells) else ""  # noqa: E731
        child: dict[str, Any] = {
            "first_name": cell("first_name"),
            "last_name": cell("last_name"),
            "group": cell("group").replace(" ", "").lower(),
            "pesel": None,
            "birth_date": None,
            "guardians": _guardians(cells, guardian_cols),
        }
        row_problems = []
        for f in ("first_name", "last_name", "group"):
            if not child[f]:
                row_problems.append(_("{where}: brak wartości w kolumnie „{column}”.", where=where, column=_(_LABELS[f])))
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
                    _("{where}, kolumna „Data urodzenia”: „{value}” nie jest poprawną datą (RRRR-MM-DD albo DD.MM.RRRR).", where=where, value=cell("birth_date"))
                )
            elif born > today:
                row_problems.append(_("{where}, kolumna „Data urodzenia”: {value} jest z przyszłości (dziś jest {today}).", where=where, value=born.isoformat(), today=today.isoformat()))
            elif child["birth_date"] and child["birth_date"] != born.isoformat():
                row_problems.append(_("{where}: data urodzenia nie zgadza się z numerem PESEL.", where=where))
            else:
                child["birth_date"] = born.isoformat()
        if not row_problems:
            key = ("pesel", child["pesel"]) if child["pesel"] else ("name", child["first_name"].lower(), child["last_name"].lower(), child["group"], child["birth_date"])
            if key in seen:
                row_problems.append(_("{where}: ten sam uczeń jest już w wierszu {other}.", where=where, other=seen[key]))
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


def find_existing(workspace: Workspace, child: dict[str, Any]) -> dict[str, Any] | None:
    """The child already in the store: same PESEL, else same name and birth date, else same name and group."""
    store = workspace.store
    if child["pesel"]:
        found = store.query(CHILDREN, {"pesel": child["pesel"]})
        if found:
            return found[0]
    where = {"first_name": child["first_name"], "last_name": child["last_name"]}
    candidates = store.query(CHILDREN, where)
    if child["birth_date"]:
        same = [c for c in candidates if c.get("birth_date") == child["birth_date"]]
        if same:
            return same[0]
    same_group = [c for c in candidates if c.get("group") == child["group"] and not c.get("pesel")]
    return same_group[0] if same_group else None


def import_file(workspace: Workspace, path: Path) -> ImportResult:
    """Import ``path``: all rows in one transaction, or nothing (InvalidInput listing every bad row)."""
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise InvalidInput([_("Nie można odczytać pliku {name}: {reason}", name=path.name, reason=exc.strerror or type(exc).__name__)]) from None
    rows = parse(content, path.name)
    result = ImportResult()
    store = workspace.store
    with store.transaction():
        for row in rows:
            existing = find_existing(workspace, row.child)
            if existing is None:
                store.insert(CHILDREN, {**row.child, "left_on": None, "source": "import"})
                result.added += 1
            else:
                changes = {k: v for k, v in row.child.items() if v or k == "group"}
                if not row.child["guardians"]:
                    changes.pop("guardians", None)
                store.update(CHILDREN, existing["id"], changes, expected_rev=existing["rev"])
                result.updated += 1
            result.groups[row.child["group"]] = result.groups.get(row.child["group"], 0) + 1
    return result
