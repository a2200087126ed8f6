"""Reading ``--data`` files: JSON or YAML (one form), CSV (one form per row).

CSV columns use the PDF field names (``imie``, ``osoby-2-pesel``); empty
cells are left out; a multichoice cell holds values separated by commas.
Files are read by :mod:`somflow.csvfile` (UTF-8, UTF-16 or Windows-1250;
semicolons, commas or tabs), and rows with no value at all (the ``;;;;``
Excel leaves after the data) are not forms.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import yaml

from somflow import csvfile
from somflow.errors import InvalidInput
from somflow.forms.spec import FormSpec
from somflow.i18n import _

ROW_KEY = re.compile(r"^([a-z][a-z0-9_]*)-(\d+)-([a-z][a-z0-9_]*)$")


def load(path: Path) -> tuple[list[dict[str, Any]], bool]:
    """The data sets in ``path`` and whether it is a batch (CSV)."""
    try:
        text = csvfile.decode(path.read_bytes())
    except OSError as exc:
        raise InvalidInput([_("Nie można odczytać pliku danych {file}: {error}", file=path, error=exc.strerror or exc)]) from exc
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            header, cells = csvfile.rows(text)
            names = [h.strip() for h in header]
            rows = [{k: v.strip() for k, v in zip(names, values) if k and v.strip() != ""} for _line, values in cells]
            return rows, True
        data = json.loads(text) if suffix == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError, csv.Error) as exc:
        raise InvalidInput([_("Plik danych {file} ma błędny format: {error}", file=path, error=exc)]) from exc
    if not isinstance(data, dict):
        raise InvalidInput([_("Plik danych {file} musi zawierać słownik pól (nazwa: wartość).", file=path)])
    return [data], False


def unflatten(spec: FormSpec | None, flat: dict[str, Any]) -> dict[str, Any]:
    """``{"osoby-2-pesel": ...}`` → ``{"osoby": [{}, {"pesel": ...}]}`` for the spec's groups."""
    groups = {g.name for _s, g in spec.groups()} if spec else set()
    data: dict[str, Any] = {}
    rows: dict[str, dict[int, dict[str, Any]]] = {}
    for key, value in flat.items():
        match = ROW_KEY.match(key)
        if match and match.group(1) in groups:
            rows.setdefault(match.group(1), {}).setdefault(int(match.group(2)), {})[match.group(3)] = value
        else:
            data[key] = value
    for name, numbered in rows.items():
        data[name] = [numbered.get(i, {}) for i in range(1, max(numbered) + 1)]
    return data
