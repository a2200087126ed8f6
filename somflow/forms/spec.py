"""The form spec: one YAML file per form, the single source of truth for a form.

From a :class:`FormSpec` somflow derives the Cerberus schema (``schema.py``),
the printed and fillable PDF (``layout.py``, ``acroform.py``), the questions
of ``somflow fill`` (``prompts.py``) and the mapping that reads a filled PDF
back (``acroform.read_back``). ``docs/forms.md`` describes the format.

:func:`load_spec` checks the YAML itself and reports every problem at once,
in Polish, naming the file and the key (``sections[1].fields[0].type``).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from somflow import datalimits
from somflow.errors import InvalidInput, SomflowError
from somflow.i18n import _, pick

FIELD_TYPES = (
    "text",
    "multiline",
    "date",
    "pesel",
    "postal_code",
    "email",
    "phone",
    "integer",
    "checkbox",
    "choice",
    "multichoice",
    "voivodeship",
)
FORM_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
NAME = re.compile(r"^[a-z][a-z0-9_]*$")

#: A label in every language the spec gives: ``{"pl": ..., "en": ...}``.
Text = dict[str, str]


class SpecError(SomflowError):
    """A form spec file is not valid; ``messages`` name the file and the key of each problem."""

    def __init__(self, messages: list[str]):
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


@dataclass(frozen=True)
class Choice:
    value: str
    label: Text


@dataclass(frozen=True)
class Field:
    """One value on the form.

    ``help`` is an extra hint shown by prompts; ``not_future`` forbids dates after
    today; ``prefill`` is a dotted key of ``somflow.toml`` (``institution.name``)
    that the interactive fill offers as the default; ``width`` (0 < w <= 1) is the
    share of the line the box takes, so short fields can sit side by side.
    """

    name: str
    label: Text
    type: str = "text"
    required: bool = False
    choices: tuple[Choice, ...] = ()
    lines: int = 1
    footnote: int | None = None
    help: Text | None = None
    not_future: bool = False
    prefill: str | None = None
    min: int | None = None
    max: int | None = None
    max_length: int | None = None
    width: float = 1.0
    #: Name of a PESEL field (same level or group row) this checkbox/choice (Tak/Nie) must agree with: under 18.
    minor_of: str | None = None
    #: Name of a PESEL field this integer (age in years) must agree with.
    age_of: str | None = None
    #: Name of a PESEL field this choice/text (K/M, kobieta/mężczyzna) must agree with (10th digit).
    sex_of: str | None = None
    #: False: the page shows no label (the section's printed question says it); prompts and messages still use it.
    print_label: bool = True

    def choice_label(self, value: str) -> str:
        for choice in self.choices:
            if choice.value == value:
                return pick(choice.label)
        return str(value)


@dataclass(frozen=True)
class Group:
    """A repeating block of fields (e.g. up to 3 persons); rows beyond ``max`` go to a continuation sheet."""

    name: str
    label: Text
    fields: tuple[Field, ...]
    max: int = 1
    min: int = 0
    continuation: bool = False
    #: How a printed row is headed, ``{n}`` its number ("Osoba {n} doznająca przemocy domowej"); default "<label> <n>".
    row_label: Text | None = None


@dataclass(frozen=True)
class Section:
    id: str
    title: Text
    text: Text | None = None
    fields: tuple[Field, ...] = ()
    groups: tuple[Group, ...] = ()
    #: ``numbered: false``: the heading is the title alone (a form whose one titled block the official
    #: form prints unnumbered, "OŚWIADCZENIE"); the id still names the section in messages.
    numbered: bool = True

    def heading(self) -> str:
        """The printed heading in the current language: "II. Title", or "Title" for an unnumbered section."""
        title = pick(self.title)
        return f"{self.id}. {title}" if self.numbered else title


@dataclass(frozen=True)
class FormSpec:
    id: str
    version: int
    title: Text
    sections: tuple[Section, ...]
    record: str | None = None
    header: tuple[Text, ...] = ()
    footnotes: tuple[Text, ...] = ()
    signature: tuple[Text, ...] = ()
    description: Text | None = None
    #: Name of the date field that dates the form (age checks use it); today when absent.
    date_field: str | None = None
    #: The YAML file the spec came from (None for specs built in code).
    path: Path | None = None
    #: The example data file (``example:`` key, else ``<spec stem>.example.yaml`` beside the spec), if present.
    example: Path | None = None
    #: Name of the plugin that registered the form (set by the registry).
    plugin: str = ""
    #: The unit's words put in for placeholders (``{w_placowce}``), see :func:`with_words`; part of the template's hash.
    words: tuple[tuple[str, str], ...] = ()

    def fields(self) -> Iterator[tuple[Section, Field]]:
        """Every top-level (non-repeating) field with its section, in print order."""
        for section in self.sections:
            for f in section.fields:
                yield section, f

    def groups(self) -> Iterator[tuple[Section, Group]]:
        for section in self.sections:
            for g in section.groups:
                yield section, g

    def field(self, name: str) -> Field:
        for _section, f in self.fields():
            if f.name == name:
                return f
        raise KeyError(name)

    def group(self, name: str) -> Group:
        for _section, g in self.groups():
            if g.name == name:
                return g
        raise KeyError(name)


# ------------------------------------------------------------------ loading


def register_folder(register: Callable[[FormSpec], None], folder: str | Path) -> None:
    """Register every form spec in ``folder`` (``*.yaml``; example data files, ``*.example.yaml``, are skipped).

    The one call a plugin's ``somflow_register_forms`` needs for its ``forms/`` folder.
    """
    for path in sorted(Path(folder).glob("*.yaml")):
        if not path.name.endswith(".example.yaml"):
            register(load_spec(path))


def load_spec(path: str | Path) -> FormSpec:
    """Read and check a form spec YAML file; raises :class:`SpecError` listing every problem."""
    path = Path(path)
    try:
        datalimits.check_size(path.stat().st_size, path)
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SpecError(
            [_("Nie można odczytać specyfikacji formularza {file}: {error}", file=path, error=exc.strerror or exc)]
        ) from exc
    except UnicodeDecodeError as exc:
        raise SpecError(
            [_("Plik {file} nie jest tekstem w UTF-8 (bajt {position}).", file=path, position=exc.start + 1)]
        ) from None
    except InvalidInput as exc:  # too large
        raise SpecError(exc.messages) from None
    return _parsed_spec(path, text)


@functools.lru_cache(maxsize=128)
def _parsed_spec(path: Path, text: str) -> FormSpec:
    """The spec in ``text``, parsed and checked once per process for the same file and content.

    Each plugin host registers every form: the ~20 built-in specs cost about 0.25 s of CPU to
    parse and check (PyYAML in pure Python, because :mod:`somflow.datalimits` counts the nodes),
    which a process opening workspaces more than once (the tests run thousands of commands in
    one) would otherwise pay each time. A :class:`FormSpec` is frozen, so one object serves
    every caller; a spec with errors raises each time (exceptions are not cached), in the
    language of the moment; an edited file is new text, so it is parsed again.
    """
    lines: dict[str, int] = {}
    try:
        raw = datalimits.load_yaml(text, path, lines=lines)
    except yaml.YAMLError as exc:
        raise SpecError([_("Plik {file}: błąd składni YAML: {error}", file=path, error=exc)]) from exc
    except InvalidInput as exc:  # too large, too many aliases, too deep
        raise SpecError(exc.messages) from None
    return spec_from_dict(raw, path, lines)


def spec_from_dict(raw: Any, path: Path | None = None, lines: dict[str, int] | None = None) -> FormSpec:
    """Build a :class:`FormSpec` from already parsed YAML.

    The structure is checked by :data:`SCHEMA` through the core's one Cerberus error flattener
    (:func:`somflow.config.validate`), then the rules that relate fields to each other
    (:data:`CROSS_CHECKS`); every problem names ``path``, the line (from ``lines``) and the key.
    """
    from cerberus import Validator  # imported when a spec is loaded, not at start-up

    from somflow.config import validate

    file, lines = str(path) if path else "<spec>", lines or {}

    def line_of(key: str) -> int | str:
        while key not in lines:  # a missing key: the line of what should hold it
            shorter = re.sub(r"(\.[^.\[]*|\[\d+\])$", "", key)
            if shorter == key:  # nothing left to strip (a key named "a[b" in the file itself)
                break
            key = shorter
        return lines.get(key, "?")

    if not isinstance(raw, dict):
        raise SpecError(
            [
                _(
                    "Plik {file}, klucz {key}: {problem}",
                    file=file,
                    key="/",
                    problem=_("oczekiwano słownika (klucz: wartość)"),
                )
            ]
        )
    raw = _without_nulls(raw)
    errors = validate(Validator(SCHEMA), raw, path=file, line_of=line_of)
    for check in CROSS_CHECKS:
        for key, reason in check(raw, path):
            errors.append(
                _(
                    "Plik {path}, wiersz {line}, klucz {key}: {reason}",
                    path=file,
                    line=line_of(key),
                    key=key,
                    reason=reason,
                )
            )
    if errors:
        raise SpecError(errors)
    return _form(raw, path)


def _without_nulls(node: Any) -> Any:
    """A key left empty (``help:``) counts as absent."""
    if isinstance(node, list):
        return [_without_nulls(item) for item in node]
    return {k: _without_nulls(v) for k, v in node.items() if v is not None} if isinstance(node, dict) else node


# ------------------------------------------------------------------ the structure, as Cerberus rules


def _matching(pattern: str, message: Callable[[], str]) -> dict[str, Any]:
    """A rule: a text (or number) that fully matches ``pattern``, else ``message()``."""

    def check(field: str, value: Any, error: Callable[[str, str], None]) -> None:
        if isinstance(value, bool) or not isinstance(value, (str, int)) or not re.fullmatch(pattern, str(value), re.S):
            error(field, message())

    return {"check_with": check}


def _kind(field: str, value: Any, error: Callable[[str, str], None]) -> None:
    if value not in FIELD_TYPES:
        error(field, _("nieznany typ „{type}” (dozwolone: {allowed})", type=value, allowed=", ".join(FIELD_TYPES)))


def _label(field: str, value: Any, error: Callable[[str, str], None]) -> None:
    if not isinstance(value, str) and not (
        isinstance(value, dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())
        and value.get("pl")
    ):
        error(field, _("oczekiwano tekstu albo {{pl: ..., en: ...}} z tekstem polskim").format())


def _share(field: str, value: Any, error: Callable[[str, str], None]) -> None:
    if not 0 < value <= 1:
        error(field, _("oczekiwano liczby z przedziału (0, 1]"))


_TEXT = {"check_with": _label}
_LABEL = {"check_with": _label, "required": True}
_TEXTS = {"type": "list", "schema": _TEXT}
_FLAG = {"type": "boolean"}
_NUMBER = {"type": "integer", "min": -(10**9)}
_NAME = {
    "required": True,
    **_matching(NAME.pattern, lambda: _("nazwa pola: małe litery ASCII, cyfry i _ (snake_case), zaczyna się literą")),
}
_REFERENCE = _matching(NAME.pattern, lambda: _("oczekiwano nazwy pola PESEL"))
_CHOICE = {
    "value": {
        "required": True,
        **_matching(r"[A-Za-z0-9_-]+", lambda: _("wartość wyboru: litery ASCII, cyfry, _ lub -")),
    },
    "label": _LABEL,
}
_FIELD = {"type": "dict", "schema": {
    "name": _NAME, "label": _LABEL, "type": {"check_with": _kind}, "required": _FLAG, "not_future": _FLAG, "print_label": _FLAG,
    "choices": {"type": "list", "schema": {"type": "dict", "schema": _CHOICE}}, "lines": {"type": "integer", "min": 1},
    "footnote": {"type": "integer"}, "help": _TEXT, "prefill": {"type": "string"}, "min": _NUMBER, "max": _NUMBER,
    "max_length": {"type": "integer", "min": 1}, "width": {"type": "number", "check_with": _share},
    **dict.fromkeys(("minor_of", "age_of", "sex_of"), _REFERENCE),
}}  # fmt: skip
_FIELDS = {"type": "list", "schema": _FIELD}
_GROUP = {"type": "dict", "schema": {
    "name": _NAME, "label": _LABEL, "row_label": _TEXT, "max": {"type": "integer", "min": 1}, "min": {"type": "integer", "min": 0},
    "continuation": _FLAG, "fields": {**_FIELDS, "required": True, "minlength": 1},
}}  # fmt: skip
# No title: the section prints no heading (its id stays internal, e.g. the form's opening block).
_SECTION = {"type": "dict", "schema": {
    "id": {"required": True, **_matching(r".*\S.*", lambda: _("sekcja musi mieć identyfikator (np. \"I\")"))},
    "title": _TEXT, "text": _TEXT, "fields": _FIELDS, "groups": {"type": "list", "schema": _GROUP}, "numbered": _FLAG,
}}  # fmt: skip


def _KEBAB() -> str:
    return _("identyfikator formularza musi być w stylu kebab-case (małe litery, cyfry, myślniki), np. zgoda-wizerunek")


#: The structure of a form spec (``docs/forms.md``); keys it does not name are refused as typos.
SCHEMA: dict[str, Any] = {
    "id": {"required": True, **_matching(FORM_ID.pattern, _KEBAB)}, "version": {"type": "integer", "min": 1}, "title": _LABEL,
    "description": _TEXT, "record": {"type": "string", "regex": NAME.pattern}, "header": _TEXTS, "footnotes": _TEXTS,
    "signature": _TEXTS, "sections": {"type": "list", "required": True, "minlength": 1, "schema": _SECTION},
    "example": {"type": "string"}, "date_field": {"type": "string"},
}  # fmt: skip


# ------------------------------------------------------------------ rules between fields


def _items(raw: Any, key: str) -> list[tuple[int, dict]]:
    """The mappings in the list ``raw[key]`` with their indices (whatever else is there, the schema reports)."""
    items = raw.get(key) if isinstance(raw, dict) else None
    return [(i, item) for i, item in enumerate(items) if isinstance(item, dict)] if isinstance(items, list) else []


def _unique_sections(raw: dict, path: Path | None) -> Iterator[tuple[str, str]]:
    ids = [str(s.get("id")) for _i, s in _items(raw, "sections")]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        yield "sections", _("sekcja {id} występuje więcej niż raz", id=dup)
    for i, section in _items(raw, "sections"):
        if not section.get("fields") and not section.get("groups") and section.get("text") is None:
            yield f"sections[{i}]", _("sekcja bez pól, grup i tekstu")


def _scopes(raw: dict) -> list[list[tuple[str, dict]]]:
    """Fields and groups (keyed) by the scope of their names: the form, then each group's fields."""
    scopes: list[list[tuple[str, dict]]] = [[]]
    for i, section in _items(raw, "sections"):
        scopes[0] += [(f"sections[{i}].fields[{j}]", f) for j, f in _items(section, "fields")]
        for j, group in _items(section, "groups"):
            scopes[0].append((f"sections[{i}].groups[{j}]", group))
            scopes.append([(f"sections[{i}].groups[{j}].fields[{k}]", f) for k, f in _items(group, "fields")])
    return scopes


def _unique_names(raw: dict, path: Path | None) -> Iterator[tuple[str, str]]:
    """Field and group names are unique in the form; a group's fields only within the group."""
    for scope in _scopes(raw):
        seen: set[Any] = set()
        for key, item in scope:
            name = item.get("name")
            if isinstance(name, str) and name in seen:
                yield f"{key}.name", _("nazwa {name} występuje w formularzu więcej niż raz", name=name)
            seen.add(name)


def _field_rules(raw: dict, path: Path | None) -> Iterator[tuple[str, str]]:
    """Choices go with choice types, footnotes exist, PESEL references sit on fields of the right type."""
    footnotes = len(raw.get("footnotes") or ())
    for key, field in (item for scope in _scopes(raw) for item in scope if re.search(r"fields\[\d+\]$", item[0])):
        kind = field.get("type", "text")
        if kind in ("choice", "multichoice") and not field.get("choices"):
            yield f"{key}.choices", _("pole typu {type} musi mieć listę choices", type=kind)
        if kind not in ("choice", "multichoice") and field.get("choices"):
            yield f"{key}.choices", _("choices mają sens tylko dla typów choice i multichoice")
        footnote = field.get("footnote")
        if isinstance(footnote, int) and not isinstance(footnote, bool) and not 1 <= footnote <= footnotes:
            yield f"{key}.footnote", _("numer przypisu spoza listy footnotes (1–{count})", count=footnotes)
        for ref, types in (
            ("minor_of", ("checkbox", "choice")),
            ("age_of", ("integer",)),
            ("sex_of", ("choice", "text")),
        ):
            if ref in field and kind not in types:
                yield f"{key}.{ref}", _("{key} dotyczy tylko pól typu {types}", key=ref, types=", ".join(types))


def _row_labels(raw: dict, path: Path | None) -> Iterator[tuple[str, str]]:
    for i, section in _items(raw, "sections"):
        for j, group in _items(section, "groups"):
            label = group.get("row_label")
            if label is not None and any(
                "{n}" not in str(t) for t in (label.values() if isinstance(label, dict) else [label])
            ):
                yield f"sections[{i}].groups[{j}].row_label", _("brak {n} — miejsca na numer wiersza")


def _example(raw: dict, path: Path | None) -> Iterator[tuple[str, str]]:
    given = raw.get("example")
    if path is not None and isinstance(given, str) and not (path.parent / given).is_file():
        yield "example", _("nie ma pliku {file}", file=path.parent / given)


#: The rules the schema cannot say: each yields ``(key, message)`` for the parsed spec (and its file).
CROSS_CHECKS = (_unique_sections, _unique_names, _field_rules, _row_labels, _example)


# ------------------------------------------------------------------ building (the spec is valid)


def _text(raw: Any) -> Text | None:
    return None if raw is None else {"pl": raw} if isinstance(raw, str) else dict(raw)


def _form(raw: dict, path: Path | None) -> FormSpec:
    example = path.parent / raw.get("example", f"{path.stem}.example.yaml") if path else None
    return FormSpec(
        id=raw["id"],
        version=raw.get("version", 1),
        title=_text(raw["title"]),
        sections=tuple(_section(s) for s in raw["sections"]),
        record=raw.get("record"),
        header=tuple(map(_text, raw.get("header", ()))),
        footnotes=tuple(map(_text, raw.get("footnotes", ()))),
        signature=tuple(map(_text, raw.get("signature", ()))),
        description=_text(raw.get("description")),
        date_field=raw.get("date_field"),
        path=path,
        example=example if example and example.is_file() else None,
    )


def _section(raw: dict) -> Section:
    groups = tuple(
        Group(
            g["name"],
            _text(g["label"]),
            _fields_of(g),
            g.get("max", 1),
            g.get("min", 0),
            g.get("continuation", False),
            _text(g.get("row_label")),
        )
        for g in raw.get("groups", ())
    )
    return Section(
        str(raw["id"]),
        _text(raw.get("title")) or {"pl": ""},
        _text(raw.get("text")),
        _fields_of(raw),
        groups,
        raw.get("numbered", True),
    )


def _fields_of(raw: dict) -> tuple[Field, ...]:
    return tuple(
        Field(
            **{k: v for k, v in f.items() if k in _PLAIN},
            label=_text(f["label"]),
            help=_text(f.get("help")),
            choices=tuple(Choice(str(c["value"]), _text(c["label"])) for c in f.get("choices", ())),
            lines=f.get("lines", 3 if f.get("type") == "multiline" else 1),
            width=float(f.get("width", 1.0)),
        )
        for f in raw.get("fields", ())
    )


#: Field keys taken from the YAML as they are.
_PLAIN = {
    "name",
    "type",
    "required",
    "footnote",
    "not_future",
    "prefill",
    "min",
    "max",
    "max_length",
    "minor_of",
    "age_of",
    "sex_of",
    "print_label",
}


def with_words(spec: FormSpec, words: dict[str, dict[str, str]]) -> FormSpec:
    """``spec`` with ``{placeholder}`` in its texts replaced by the unit's words (per language).

    ``words`` maps a placeholder to ``{"pl": ..., "en": ...}`` (:func:`somflow.unitkind.unit_words`).
    A spec without placeholders comes back unchanged (its template stays the built one).
    """
    used: dict[str, str] = {}

    def text(value: Any) -> Any:
        if isinstance(value, str):
            value = {"pl": value}
        if not isinstance(value, dict) or "{" not in "".join(value.values()):
            return value
        out = {}
        for lang, wording in value.items():
            for key, phrase in words.items():
                if "{" + key + "}" in wording:
                    said = phrase.get(lang) or phrase["pl"]
                    wording = wording.replace("{" + key + "}", said)
                    used[f"{lang}:{key}"] = said
            out[lang] = wording
        return out

    def walk(node: Any) -> Any:
        if isinstance(node, tuple):
            return tuple(walk(item) for item in node)
        if dataclasses.is_dataclass(node):
            changes = {}
            for f in dataclasses.fields(node):
                value = getattr(node, f.name)
                if f.name in ("label", "title", "text", "help", "description", "row_label") and value is not None:
                    changes[f.name] = text(value)
                elif f.name in ("header", "footnotes", "signature"):
                    changes[f.name] = tuple(text(item) for item in value)
                elif isinstance(value, tuple) and f.name != "words":
                    changes[f.name] = walk(value)
            return dataclasses.replace(node, **changes)
        return node

    result = walk(spec)
    return dataclasses.replace(result, words=tuple(sorted(used.items()))) if used else spec
