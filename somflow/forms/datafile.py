"""Reading ``--data`` files: JSON or YAML (one form), CSV (one form per row).

CSV columns use the PDF field names (``imie``, ``osoby-2-pesel``); empty
cells are left out; a multichoice cell holds values separated by commas.
Files are decoded by :mod:`somflow.csvfile` (UTF-8, UTF-16 or Windows-1250),
CSV is split by it too (semicolons, commas or tabs), and rows with no value
at all (the ``;;;;`` Excel leaves after the data) are not forms.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from somflow import csvfile, datalimits
from somflow.errors import InvalidInput
from somflow.fileio import decode_text
from somflow.forms.spec import FormSpec
from somflow.i18n import _

ROW_KEY = re.compile(r"^([a-z][a-z0-9_]*)-(\d+)-([a-z][a-z0-9_]*)$")
#: The highest row number a column may name (``osoby-999-imie``); a form's groups have a few rows.
MAX_GROUP_ROWS = 999


class DataLoader(datalimits.SafeLoader):
    """YAML as people type form data: only plain decimals are numbers; size, aliases and depth limited.

    YAML 1.1 reads ``00210112345`` (a PESEL of a child born in 2002) as an
    octal number, ``12:30`` as 750 and ``0x1F`` as 31; here they stay text.
    """


DataLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp) for tag, regexp in resolvers if tag not in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
DataLoader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789"))
DataLoader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: _day_or_text(loader, node))
DataLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)\.[0-9]+$"), list("-+0123456789")
)


def _day_or_text(loader: DataLoader, node: yaml.Node) -> Any:
    """A date as YAML reads it; one that does not exist (2026-02-30) stays text, for the form's own message."""
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return loader.construct_scalar(node)


def _read(path: Path) -> str:
    try:
        datalimits.check_size(path.stat().st_size, path)
        raw = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(
            [_("Nie można odczytać pliku danych {file}: {error}", file=path, error=exc.strerror or exc)]
        ) from exc
    return decode_text(raw, path.name)  # UTF-8, UTF-16 with BOM, or cp1250 from Polish Excel


def load_mapping(path: Path) -> dict[str, Any]:
    """One data set from a JSON or YAML file (YAML read by :class:`DataLoader`), with Polish messages."""
    text = _read(path)
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(text)
            datalimits.check_depth(data, path)
        else:
            data = datalimits.load_yaml(text, path, DataLoader)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise InvalidInput([_("Plik danych {file} ma błędny format: {error}", file=path, error=exc)]) from exc
    except ValueError as exc:  # JSON: an int of thousands of digits
        raise datalimits.unreadable_value(path, exc) from None
    except RecursionError:  # JSON nested thousands of levels deep
        raise datalimits.too_deep(path) from None
    if not isinstance(data, dict):
        raise InvalidInput([_("Plik danych {file} musi zawierać słownik pól (nazwa: wartość).", file=path)])
    return data


def load(path: Path) -> tuple[list[dict[str, Any]], bool]:
    """The data sets in ``path`` and whether it is a batch (CSV)."""
    if path.suffix.lower() != ".csv":
        return [load_mapping(path)], False
    header, cells = csvfile.rows(_read(path), path)
    names = [h.strip() for h in header]
    return [{k: v.strip() for k, v in zip(names, values) if k and v.strip() != ""} for _line, values in cells], True


def unflatten(spec: FormSpec | None, flat: dict[str, Any]) -> dict[str, Any]:
    """``{"osoby-2-pesel": ...}`` → ``{"osoby": [{}, {"pesel": ...}]}`` for the spec's groups."""
    groups = {g.name for _s, g in spec.groups()} if spec else set()
    data: dict[str, Any] = {}
    rows: dict[str, dict[int, dict[str, Any]]] = {}
    for key, value in flat.items():
        match = ROW_KEY.match(key)
        if match and match.group(1) in groups:
            number = int(match.group(2))
            if number > MAX_GROUP_ROWS:  # "osoby-999999999-imie" would make a billion empty rows
                raise InvalidInput(
                    [
                        _(
                            "Kolumna {column}: numer wiersza {number} jest za duży (najwyżej {limit}).",
                            column=key,
                            number=number,
                            limit=MAX_GROUP_ROWS,
                        )
                    ]
                )
            rows.setdefault(match.group(1), {}).setdefault(number, {})[match.group(3)] = value
        else:
            data[key] = value
    for name, numbered in rows.items():
        data[name] = [numbered.get(i, {}) for i in range(1, max(numbered) + 1)]
    return data


def dotted(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested mappings as PDF field names: ``{"osoba": {"imie": "Ala"}}`` → ``{"osoba.imie": "Ala"}``."""
    flat: dict[str, Any] = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            flat.update(dotted(value, name + "."))
        else:
            flat[name] = value
    return flat


def load_iso(path: Path | None) -> dict[str, Any]:
    """:func:`load_mapping` with every date as ISO text (what case records keep); ``{}`` without a file."""
    return _iso(load_mapping(path)) if path is not None else {}


def _iso(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _iso(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_iso(v) for v in value]
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value
