"""Importing (and re-importing) a staff list from CSV: all rows or none.

The file is what a secretary exports from a spreadsheet, read by
:mod:`somflow.csvfile`: UTF-8 (with or without BOM), UTF-16 or Windows-1250,
separated by semicolons (Polish Excel), commas or tabs, one header row naming the columns of :data:`people.FIELDS` (Polish
labels from :data:`people.FIELD_LABELS` are accepted too). Every problem is
reported with its row and column; when there is any, nothing is imported.

The rows then go through the register's one import (:func:`somflow.people.imports.import_rows`):
people already there (PESEL, else name and birth date) are updated where the file says
something else, new ones added, the rest reported; importing the same file again changes
nothing. A column ``data_odejscia`` (``Data odejścia``, ``Koniec pracy``…) records a leaver.
Only the columns the file has are compared: a column left out never erases what is stored.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

from somflow import calendar, csvfile
from somflow.errors import InvalidInput
from somflow.fileio import decode_text
from somflow.i18n import _
from somflow.people import imports, register
from somflow.workspace import Workspace

from . import people, records

#: The import-only column of the day a person left, and what HR exports call it.
LEFT = "data_odejscia"
LEFT_ALIASES = (
    "data_odejscia",
    "odejscie",
    "data_odejscia_z_pracy",
    "odeszla",
    "odszedl",
    "koniec_pracy",
    "data_zakonczenia_pracy",
    "data_rozwiazania_umowy",
)


def _column(header: str) -> str | None:
    folded = people._fold(header)
    if folded.replace("-", "_") in LEFT_ALIASES:
        return LEFT
    for name in people.FIELDS:
        if folded in (people._fold(name), people._fold(people.FIELD_LABELS[name])):
            return name
    aliases = {
        "obywatelstwo": "obywatelstwa",
        "kraje": "kraje_zamieszkania",
        "stanowisko": "rola",
        # what HR spreadsheets call the first day
        **dict.fromkeys(
            (
                "data_rozpoczecia",
                "data_rozpoczecia_pracy",
                "data_rozpoczecia_wspolpracy",
                "poczatek_pracy",
                "data_zatrudnienia",
            ),
            "start",
        ),
    }
    return aliases.get(folded.replace("-", "_"))


def read_rows(path: Path) -> tuple[list[tuple[int, dict[str, str]]], list[str], dict[str, str]]:
    """The data rows of ``path`` as (line number, {field: text}), problems with the header, and
    each field's column header as the file writes it (messages name the column the user sees)."""
    try:
        text = decode_text(path.read_bytes(), path.name)
    except OSError as exc:
        raise InvalidInput(
            [_("Nie można odczytać pliku {path}: {error}", path=path, error=exc.strerror or exc)]
        ) from None
    header, data = csvfile.rows(text, path.name)
    if not header:
        raise InvalidInput([_("Plik {path} jest pusty.", path=path.name)])
    columns = [_column(h) for h in header]
    problems = [
        _(
            "Plik {file}, wiersz 1: nieznana kolumna „{column}” (dozwolone: {allowed}).",
            file=path.name,
            column=h,
            allowed=", ".join((*people.FIELDS, LEFT)),
        )
        for h, c in zip(header, columns)
        if c is None and h.strip()
    ]
    for required in ("imie", "nazwisko", "umowa"):
        if required not in columns:
            problems.append(_("Plik {file}, wiersz 1: brak kolumny „{column}”.", file=path.name, column=required))
    rows = []
    for line, values in data:
        if len(values) > len(header) and any(v.strip() for v in values[len(header) :]):
            problems.append(
                _(
                    "Plik {file}, wiersz {line}: więcej wartości ({count}) niż kolumn w nagłówku.",
                    file=path.name,
                    line=line,
                    count=len(values),
                )
            )
        rows.append((line, {c: v for c, v in zip(columns, values) if c}))
    labels = {c: h.strip() for h, c in zip(header, columns) if c}
    return rows, problems, labels


def import_file(workspace: Workspace, path: Path, today: date, *, dry_run: bool = False) -> imports.Report:
    """Check every row (``InvalidInput`` listing every problem, nothing written), then match, add and
    change people through the register's import in one transaction (none with ``dry_run``)."""
    rows, problems, labels = read_rows(path)
    seen: dict[str, int] = {}
    incoming = []
    for line, raw in rows:
        person, errors = people.parse_person(raw, workspace.config, today)
        pesel = person.get("pesel")
        if pesel and not any(f == "pesel" for f, _m in errors):
            if pesel in seen:
                errors.append(("pesel", _("ten sam numer PESEL co w wierszu {line}", line=seen[pesel])))
            seen.setdefault(pesel, line)
        left = None
        if (raw.get(LEFT) or "").strip():
            left = calendar.parse_date(raw[LEFT])
            if left is None:
                errors.append((LEFT, _("nieprawidłowa data (oczekiwano RRRR-MM-DD albo DD.MM.RRRR)")))
        for field, message in errors:
            column = labels.get(field) or people.FIELD_LABELS.get(field, field)
            problems.append(
                _(
                    "Plik {file}, wiersz {line}, kolumna „{column}”: {problem}",
                    file=path.name,
                    line=line,
                    column=column,
                    problem=message,
                )
            )
        incoming.append(_row(line, person, set(labels), left))
    if not rows and not problems:
        problems.append(_("Plik {file} nie zawiera żadnej osoby.", file=path.name))
    if problems:
        problems.append(_("Nie zaimportowano nikogo. Popraw plik i zaimportuj go ponownie."))
        raise InvalidInput(problems)
    return imports.import_rows(
        workspace.store,
        incoming,
        kinds=register.ADULTS_AT_WORK,
        details_collection=people.COLLECTION,
        details_defaults=records.PROCEDURE,
        dry_run=dry_run,
    )


def _row(line: int, parsed: dict[str, Any], columns: set[str], left: date | None) -> imports.Row:
    """A checked row as the register's fields and the vetting's own, only for the columns the file has."""
    fields, details = records.split(parsed)
    given = {"first_name", "last_name", "kind"}
    given |= {field for key, field in records.PERSON_FIELDS.items() if key in columns}
    if "pesel" in columns:
        given.add("birth_date")  # read from the PESEL
    person = {k: v for k, v in fields.items() if k in given}
    if left is not None:
        person["left_on"] = left.isoformat()
    present = columns | ({"zwolnienie"} if "powod_zwolnienia" in columns else set())
    return imports.Row(line, person, {k: v for k, v in details.items() if k in present})


def template() -> str:
    """A CSV header with one example row, for ``somflow vetting import --template``."""
    example = {
        "imie": "Anna",
        "nazwisko": "Przykładowa",
        "pesel": "",
        "data_urodzenia": "1990-05-17",
        "nazwisko_rodowe": "Przykładowa",
        "imie_ojca": "Jan",
        "imie_matki": "Maria",
        "umowa": "umowa-o-prace",
        "rola": "nauczycielka",
        "start": "2026-09-01",
        "obywatelstwa": "PL",
        "kraje_zamieszkania": "",
        "zwolnienie": "",
        "powod_zwolnienia": "",
    }
    buffer = io.StringIO()
    writer = csvfile.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(people.FIELDS)
    writer.writerow([example[f] for f in people.FIELDS])
    return buffer.getvalue()
