"""Importing a staff list from CSV: all rows or none.

The file is what a secretary exports from a spreadsheet, read by
:mod:`somflow.csvfile`: UTF-8 (with or without BOM), UTF-16 or Windows-1250,
separated by semicolons (Polish Excel), commas or tabs, one header row naming the columns of :data:`people.FIELDS` (Polish
labels from :data:`people.FIELD_LABELS` are accepted too). Every problem is
reported with its row and column; when there is any, nothing is imported.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

from somflow import csvfile
from somflow.errors import InvalidInput
from somflow.fileio import decode_text
from somflow.i18n import _
from somflow.workspace import Workspace

from . import people, records


def _column(header: str) -> str | None:
    folded = people._fold(header)
    for name in people.FIELDS:
        if folded in (people._fold(name), people._fold(people.FIELD_LABELS[name])):
            return name
    aliases = {
        "obywatelstwo": "obywatelstwa",
        "kraje": "kraje_zamieszkania",
        "stanowisko": "rola",
        # what HR spreadsheets call the first day
        **dict.fromkeys(("data_rozpoczecia", "data_rozpoczecia_pracy", "data_rozpoczecia_wspolpracy", "poczatek_pracy", "data_zatrudnienia"), "start"),
    }
    return aliases.get(folded.replace("-", "_"))


def read_rows(path: Path) -> tuple[list[tuple[int, dict[str, str]]], list[str], dict[str, str]]:
    """The data rows of ``path`` as (line number, {field: text}), problems with the header, and
    each field's column header as the file writes it (messages name the column the user sees)."""
    try:
        text = decode_text(path.read_bytes(), path.name)
    except OSError as exc:
        raise InvalidInput([_("Nie można odczytać pliku {path}: {error}", path=path, error=exc.strerror or exc)]) from None
    header, data = csvfile.rows(text, path.name)
    if not header:
        raise InvalidInput([_("Plik {path} jest pusty.", path=path.name)])
    columns = [_column(h) for h in header]
    problems = [
        _("Plik {file}, wiersz 1: nieznana kolumna „{column}” (dozwolone: {allowed}).", file=path.name, column=h, allowed=", ".join(people.FIELDS))
        for h, c in zip(header, columns)
        if c is None and h.strip()
    ]
    for required in ("imie", "nazwisko", "umowa"):
        if required not in columns:
            problems.append(_("Plik {file}, wiersz 1: brak kolumny „{column}”.", file=path.name, column=required))
    rows = []
    for line, values in data:
        if len(values) > len(header) and any(v.strip() for v in values[len(header) :]):
            problems.append(_("Plik {file}, wiersz {line}: więcej wartości ({count}) niż kolumn w nagłówku.", file=path.name, line=line, count=len(values)))
        rows.append((line, {c: v for c, v in zip(columns, values) if c}))
    labels = {c: h.strip() for h, c in zip(header, columns) if c}
    return rows, problems, labels


def import_file(workspace: Workspace, path: Path, today: date) -> list[dict[str, Any]]:
    """Check every row, then insert all people in one transaction; raise ``InvalidInput`` listing every problem."""
    rows, problems, labels = read_rows(path)
    known = records.known_pesels(workspace)
    seen: dict[str, int] = {}
    parsed = []
    for line, raw in rows:
        person, errors = people.parse_person(raw, workspace.config, today)
        pesel = person.get("pesel")
        if pesel and not any(f == "pesel" for f, _m in errors):
            if pesel in known:
                errors.append(("pesel", _("osoba z tym numerem PESEL jest już w rejestrze")))
            elif pesel in seen:
                errors.append(("pesel", _("ten sam numer PESEL co w wierszu {line}", line=seen[pesel])))
            seen.setdefault(pesel, line)
        for field, message in errors:
            problems.append(
                _("Plik {file}, wiersz {line}, kolumna „{column}”: {problem}", file=path.name, line=line, column=labels.get(field) or people.FIELD_LABELS.get(field, field), problem=message)
            )
        parsed.append(person)
    if not rows and not problems:
        problems.append(_("Plik {file} nie zawiera żadnej osoby.", file=path.name))
    if problems:
        problems.append(_("Nie zaimportowano nikogo. Popraw plik i zaimportuj go ponownie."))
        raise InvalidInput(problems)
    return records.add_people(workspace, parsed)


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
