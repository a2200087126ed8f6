"""``somflow.toml``: the template ``somflow init`` writes, loading and checking it.

Errors name the file, the line and the key, in the user's language, because the
person fixing them is a school secretary with Notepad, not a developer.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from somflow.errors import ConfigError
from somflow.i18n import _
from somflow.workspace_root import CONFIG_NAME  # noqa: F401  (config.CONFIG_NAME, as before)

#: Institutions documents are addressed to; each may have a ``[<role>]`` section (see the somflow_addressee hook).
ADDRESSEE_ROLES = ("zespol_interdyscyplinarny", "policja", "prokuratura", "sad_rodzinny", "ops")

_person = {"type": "dict", "schema": {"name": {"type": "string"}, "email": {"type": "string"}}}

SCHEMA: dict[str, Any] = {
    "institution": {
        "type": "dict",
        "required": True,
        "schema": {
            "name": {"type": "string", "required": True, "empty": False},
            "address": {"type": "string"},
            "kind": {"type": "string"},
            "unit": {"type": "string", "regex": r"^[A-Za-z0-9_.-]{1,64}$"},
        },
    },
    "head": _person,
    "coordinator": _person,
    **{
        role: {"type": "dict", "schema": {k: {"type": "string"} for k in ("name", "address", "email", "phone")}}
        for role in ADDRESSEE_ROLES
    },
    "smtp": {
        "type": "dict",
        "schema": {
            "host": {"type": "string"},
            "port": {"type": "integer", "min": 1, "max": 65535},
            "security": {"type": "string", "allowed": ["starttls", "ssl", "none"]},
            "user": {"type": "string"},
            "sender": {"type": "string"},
            "password_env": {"type": "string"},
            "allow_plain_auth": {"type": "boolean"},
        },
    },
    "paths": {
        "type": "dict",
        "schema": {k: {"type": "string", "empty": False} for k in ("store", "inbox", "archive", "rejected")},
    },
    "store": {"type": "dict", "allow_unknown": True},
    "contacts": {"type": "list", "schema": {"type": "dict", "valuesrules": {"type": "string"}}},
}

DEFAULT_PATHS = {"store": "data/store.json", "inbox": "inbox", "archive": "archive", "rejected": "rejected"}

TEMPLATE = """\
# somflow — konfiguracja placówki. Hasła NIE wpisuj do tego pliku (zob. [smtp]).

[institution]
name = "{name}"
address = "{address}"
# rodzaj placówki, np. szkoła podstawowa, przedszkole, placówka terapeutyczna
kind = "{kind}"
# krótki identyfikator jednostki (litery, cyfry, - _ .)
unit = "{unit}"

[head]
# dyrektor / kierownik jednostki
name = "{head_name}"
email = "{head_email}"

[coordinator]
# koordynator ds. standardów ochrony małoletnich
name = "{coordinator_name}"
email = "{coordinator_email}"

[zespol_interdyscyplinarny]
# dokąd dostarczyć formularz "Niebieska Karta – A"
name = "{zi_name}"
address = "{zi_address}"
email = ""

[smtp]
# serwer poczty do przypomnień; hasło podaj w zmiennej środowiskowej SOMFLOW_SMTP_PASSWORD
# albo w systemowym magazynie haseł (keyring, usługa "somflow")
host = ""
port = 587
security = "starttls"
user = ""
sender = ""

[paths]
store = "data/store.json"
inbox = "inbox"
archive = "archive"
rejected = "rejected"
"""

DEMO_VALUES = {
    "name": "Szkoła Podstawowa nr 7 im. Marii Skłodowskiej-Curie",
    "address": "ul. Źródlana 12, 81-001 Gdynia",
    "kind": "szkoła podstawowa",
    "unit": "sp7",
    "head_name": "Grażyna Żółkiewska",
    "head_email": "dyrektor@sp7.example.pl",
    "coordinator_name": "Łukasz Wójcik",
    "coordinator_email": "koordynator@sp7.example.pl",
    "zi_name": "Zespół Interdyscyplinarny w Gdyni",
    "zi_address": "ul. Morska 106, 81-225 Gdynia",
}

BLANK_VALUES = dict.fromkeys(DEMO_VALUES, "") | {"unit": "default", "name": "Nazwa placówki"}


def render_template(values: dict[str, str]) -> str:
    """The text of a new ``somflow.toml`` with ``values`` filled in (quotes escaped)."""
    return TEMPLATE.format(**{k: v.replace("\\", "\\\\").replace('"', '\\"') for k, v in values.items()})


def load(path: Path, plugin_schemas: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """Read and check ``somflow.toml``; raise :class:`ConfigError` naming file, line and key.

    ``plugin_schemas``: the sections plugins declared (``somflow_config_schema``), checked with the core's.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")  # Notepad may save UTF-8 with a BOM
    except FileNotFoundError:
        raise ConfigError(_("Brak pliku konfiguracji {path}. Utwórz go poleceniem: somflow init", path=path)) from None
    except UnicodeDecodeError:
        raise ConfigError(
            _("Plik {path} nie jest zapisany w kodowaniu UTF-8. Zapisz go ponownie jako UTF-8.", path=path)
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            _("Błąd składni w pliku {path}: {reason}", path=path, reason=_translate_toml_error(str(exc)))
        ) from None
    if "password" in data.get("smtp", {}):
        raise ConfigError(
            _(
                "Plik {path}, wiersz {line}, klucz smtp.password: hasła nie wolno trzymać w pliku konfiguracji. "
                "Usuń je i ustaw zmienną środowiskową SOMFLOW_SMTP_PASSWORD.",
                path=path,
                line=_line_of(text, "smtp.password"),
            )
        )
    check(data, {**SCHEMA, **(plugin_schemas or {})}, path=path, text=text)
    data.setdefault("paths", {})
    for key, default in DEFAULT_PATHS.items():
        data["paths"].setdefault(key, default)
    for key, value in data["paths"].items():  # 'data\\store.json' typed on Windows works on Linux too
        if isinstance(value, str) and "://" not in value:
            data["paths"][key] = value.replace("\\", "/")
    data["institution"].setdefault("unit", "default")
    return data


def check(data: dict[str, Any], schema: dict[str, Any], *, path: Path | str = "somflow.toml", text: str = "") -> None:
    """Check ``data`` (loaded from ``path``, whose ``text`` gives line numbers) against Cerberus ``schema``.

    Sections the schema does not name are left to whoever reads them. Raises :class:`ConfigError`
    listing every problem, each naming the file, the line and the key.
    """
    from cerberus import Validator  # a tenth of a second of start-up: only when a configuration is checked

    # A section the schema names is checked key by key (a mistyped key is told, not ignored); unless it says
    # otherwise, as [store] does, whose keys belong to the store backend chosen.
    strict = {name: _strict(rules) for name, rules in schema.items()}
    problems = validate(Validator(strict, allow_unknown=True), data, path=path, line_of=lambda key: _line_of(text, key))
    if problems:
        raise ConfigError("\n".join(problems))


def _strict(rules: dict[str, Any]) -> dict[str, Any]:
    """``rules`` of a section refusing keys its schema does not name, unless they say whether to allow them."""
    if rules.get("type") == "dict" and isinstance(rules.get("schema"), dict):
        return {"allow_unknown": False, **rules}
    return rules


def validate(
    validator: Any, data: dict[str, Any], *, path: Path | str, line_of: Callable[[str], int | str]
) -> list[str]:
    """Every problem the Cerberus ``validator`` finds in ``data``, in the user's language.

    The one error flattener of somflow (configuration, form specs): each message names the file
    ``path``, the line (``line_of(key)``) and the key (``sections[0].fields[1].type``).
    """
    if validator.validate(data):
        return []
    return [
        _("Plik {path}, wiersz {line}, klucz {key}: {reason}", path=path, line=line_of(key), key=key, reason=reason)
        for key, reason in _flatten_errors(validator.errors, rules={"type": "dict", "schema": dict(validator.schema)})
    ]


def _flatten_errors(errors: dict, prefix: str = "", rules: dict | None = None) -> list[tuple[str, str]]:
    """(key path, reason) of every leaf of Cerberus' ``errors``; ``rules`` are the rules of the node they
    belong to, so that an unknown key is told with the keys allowed beside it."""
    out: list[tuple[str, str]] = []
    for key, items in errors.items():
        where = f"{prefix}[{key}]" if isinstance(key, int) else f"{prefix}.{key}" if prefix else str(key)
        for item in items:
            if isinstance(item, dict):
                out.extend(_flatten_errors(item, where, _rules_of(rules, key)))
            elif item == "unknown field" and (allowed := _keys_of(rules)):
                out.append((where, _("nieznany klucz (dozwolone: {allowed})", allowed=", ".join(allowed))))
            else:
                out.append((where, _translate_cerberus(item)))
    return out


def _rules_of(rules: dict | None, key: str | int) -> dict | None:
    """The rules of ``key`` inside a node with ``rules``: a list's items or a mapping's field."""
    inner = rules.get("schema") if isinstance(rules, dict) else None
    if not isinstance(inner, dict):
        return None
    if rules.get("type") == "list":
        return inner if isinstance(key, int) else None
    found = inner.get(key)
    return found if isinstance(found, dict) else None


def _keys_of(rules: dict | None) -> list[str]:
    """The keys a mapping node with ``rules`` allows (none known: empty)."""
    if not isinstance(rules, dict) or rules.get("type") == "list" or not isinstance(rules.get("schema"), dict):
        return []
    return sorted(rules["schema"])


_CERBERUS_PL = [
    (r"required field", "brak wymaganego klucza"),
    (r"empty values not allowed", "wartość nie może być pusta"),
    (r"must be of (\w+) type", "zła wartość (oczekiwano typu {0})"),
    (r"unallowed value (.*)", "niedozwolona wartość {0}"),
    (r"min value is (.*)", "wartość mniejsza niż {0}"),
    (r"max value is (.*)", "wartość większa niż {0}"),
    (r"value does not match regex .*", "niedozwolone znaki"),
    (r"unknown field", "nieznany klucz"),
    (r"min length is (.*)", "za mało elementów (najmniej {0})"),
]

_TYPE_PL = {
    "string": "tekst w cudzysłowie",
    "integer": "liczba całkowita",
    "dict": "sekcja [..]",
    "boolean": "true albo false",
    "list": "lista [..]",
    "number": "liczba",
}


def _translate_cerberus(message: str) -> str:
    for pattern, polish in _CERBERUS_PL:
        m = re.fullmatch(pattern, message)
        if m:
            args = [_(_TYPE_PL[g]) if g in _TYPE_PL else g for g in m.groups()]
            return _(polish).format(*args)
    return message


def _translate_toml_error(message: str) -> str:
    m = re.search(r"\(at line (\d+), column (\d+)\)", message)
    if not m:
        return message
    return _(
        "wiersz {line}, kolumna {column} ({detail})",
        line=m.group(1),
        column=m.group(2),
        detail=message[: m.start()].strip(),
    )


def _line_of(text: str, dotted_key: str) -> int | str:
    """The line where ``section.key`` is set (or where ``[section]`` starts), else '?'."""
    section, _dot, key = dotted_key.rpartition(".")
    section = section or None
    current = None
    header_line: int | str = "?"
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        header = re.fullmatch(r"\[([^\]]+)\]", stripped)
        if header:
            current = header.group(1).strip()
            if (section is None and current == key) or current == section:
                header_line = number
            continue
        if current == section and re.match(rf"{re.escape(key)}\s*=", stripped):
            return number
    return header_line
