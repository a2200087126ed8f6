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
#: Keys each level accepts; anything else is a typo worth reporting.
FORM_KEYS = {"id", "version", "title", "record", "header", "sections", "footnotes", "signature", "example", "description", "date_field"}
SECTION_KEYS = {"id", "title", "text", "fields", "groups"}
FIELD_KEYS = {"name", "label", "type", "required", "choices", "lines", "footnote", "help", "not_future", "prefill", "min", "max", "max_length", "width", "minor_of", "age_of", "sex_of", "print_label"}
GROUP_KEYS = {"name", "label", "row_label", "max", "min", "continuation", "fields"}

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
        raw = datalimits.load_yaml(path.read_text(encoding="utf-8"), path)
    except OSError as exc:
        raise SpecError([_("Nie można odczytać specyfikacji formularza {file}: {error}", file=path, error=exc.strerror or exc)]) from exc
    except UnicodeDecodeError as exc:
        raise SpecError([_("Plik {file} nie jest tekstem w UTF-8 (bajt {position}).", file=path, position=exc.start + 1)]) from None
    except yaml.YAMLError as exc:
        raise SpecError([_("Plik {file}: błąd składni YAML: {error}", file=path, error=exc)]) from exc
    except InvalidInput as exc:  # too large, too many aliases, too deep
        raise SpecError(exc.messages) from None
    return spec_from_dict(raw, path)


def spec_from_dict(raw: Any, path: Path | None = None) -> FormSpec:
    """Build a :class:`FormSpec` from already parsed YAML (``path`` names it in messages)."""
    checker = _Checker(str(path) if path else "<spec>")
    spec = checker.form(raw, path)
    if checker.errors:
        raise SpecError(checker.errors)
    assert spec is not None
    return spec


class _Checker:
    """Walks the parsed YAML, collecting every problem with the key where it is."""

    def __init__(self, file: str):
        self.file = file
        self.errors: list[str] = []
        self.names: set[str] = set()

    def error(self, key: str, message: str) -> None:
        self.errors.append(_("Plik {file}, klucz {key}: {problem}", file=self.file, key=key, problem=message))

    def unknown(self, raw: dict, allowed: set[str], where: str) -> None:
        for key in sorted(set(raw) - allowed, key=str):
            self.error(f"{where}.{key}" if where else str(key), _("nieznany klucz (dozwolone: {allowed})", allowed=", ".join(sorted(allowed))))

    def mapping(self, raw: Any, where: str) -> dict | None:
        if not isinstance(raw, dict):
            self.error(where or "/", _("oczekiwano słownika (klucz: wartość)"))
            return None
        return raw

    def text(self, raw: Any, where: str, required: bool = True) -> Text | None:
        if raw is None:
            if required:
                self.error(where, _("brak wymaganego tekstu"))
            return None
        if isinstance(raw, str):
            return {"pl": raw}
        if isinstance(raw, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in raw.items()) and raw.get("pl"):
            return dict(raw)
        self.error(where, _("oczekiwano tekstu albo {{pl: ..., en: ...}} z tekstem polskim"))
        return None

    def texts(self, raw: Any, where: str) -> tuple[Text, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, list):
            self.error(where, _("oczekiwano listy tekstów"))
            return ()
        return tuple(t for i, item in enumerate(raw) if (t := self.text(item, f"{where}[{i}]")) is not None)

    def items(self, raw: Any, where: str) -> list:
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.error(where, _("oczekiwano listy"))
            return []
        return raw

    def integer(self, raw: Any, where: str, default: int | None, minimum: int = 0) -> int | None:
        if raw is None:
            return default
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < minimum:
            self.error(where, _("oczekiwano liczby całkowitej nie mniejszej niż {minimum}", minimum=minimum))
            return default
        return raw

    def form(self, raw: Any, path: Path | None) -> FormSpec | None:
        raw = self.mapping(raw, "")
        if raw is None:
            return None
        self.unknown(raw, FORM_KEYS, "")
        form_id = raw.get("id")
        if not isinstance(form_id, str) or not FORM_ID.match(form_id):
            self.error("id", _("identyfikator formularza musi być w stylu kebab-case (małe litery, cyfry, myślniki), np. zgoda-wizerunek"))
        version = self.integer(raw.get("version", 1), "version", 1, minimum=1)
        title = self.text(raw.get("title"), "title")
        record = raw.get("record")
        if record is not None and (not isinstance(record, str) or not NAME.match(record)):
            self.error("record", _("nazwa zbioru w magazynie: małe litery, cyfry i _"))
        footnotes = self.texts(raw.get("footnotes"), "footnotes")
        sections_raw = self.items(raw.get("sections"), "sections")
        if not sections_raw:
            self.error("sections", _("formularz musi mieć co najmniej jedną sekcję"))
        sections = [s for i, item in enumerate(sections_raw) if (s := self.section(item, f"sections[{i}]", len(footnotes))) is not None]
        ids = [s.id for s in sections]
        for dup in sorted({i for i in ids if ids.count(i) > 1}):
            self.error("sections", _("sekcja {id} występuje więcej niż raz", id=dup))
        example = None
        if path is not None:
            given = raw.get("example")
            if given is not None and not isinstance(given, str):
                self.error("example", _("oczekiwano ścieżki pliku z przykładowymi danymi"))
            candidate = path.parent / (given if isinstance(given, str) else f"{path.stem}.example.yaml")
            if candidate.is_file():
                example = candidate
            elif isinstance(given, str):
                self.error("example", _("nie ma pliku {file}", file=candidate))
        if self.errors or title is None:
            return None
        return FormSpec(
            id=form_id,
            version=version or 1,
            title=title,
            sections=tuple(sections),
            record=record,
            header=self.texts(raw.get("header"), "header"),
            footnotes=footnotes,
            signature=self.texts(raw.get("signature"), "signature"),
            description=self.text(raw.get("description"), "description", required=False),
            date_field=raw.get("date_field") if isinstance(raw.get("date_field"), str) else None,
            path=path,
            example=example,
        )

    def section(self, raw: Any, where: str, footnotes: int) -> Section | None:
        raw = self.mapping(raw, where)
        if raw is None:
            return None
        self.unknown(raw, SECTION_KEYS, where)
        section_id = raw.get("id")
        if not isinstance(section_id, (str, int)) or isinstance(section_id, bool) or not str(section_id).strip():
            self.error(f"{where}.id", _("sekcja musi mieć identyfikator (np. \"I\")"))
            section_id = "?"
        # No title: the section prints no heading (its id stays internal, e.g. the form's opening block).
        title = self.text(raw.get("title"), f"{where}.title", required=False)
        fields = self.fields(raw.get("fields"), f"{where}.fields", footnotes)
        groups = []
        for i, item in enumerate(self.items(raw.get("groups"), f"{where}.groups")):
            group = self.group(item, f"{where}.groups[{i}]", footnotes)
            if group is not None:
                groups.append(group)
        if not fields and not groups and raw.get("text") is None:
            self.error(where, _("sekcja bez pól, grup i tekstu"))
        return Section(str(section_id), title or {"pl": ""}, self.text(raw.get("text"), f"{where}.text", required=False), fields, tuple(groups))

    def group(self, raw: Any, where: str, footnotes: int) -> Group | None:
        raw = self.mapping(raw, where)
        if raw is None:
            return None
        self.unknown(raw, GROUP_KEYS, where)
        name = self.name(raw.get("name"), f"{where}.name")
        label = self.text(raw.get("label"), f"{where}.label")
        saved, self.names = self.names, set()  # group field names are scoped by the group
        fields = self.fields(raw.get("fields"), f"{where}.fields", footnotes)
        self.names = saved
        if not fields:
            self.error(f"{where}.fields", _("grupa musi mieć co najmniej jedno pole"))
        maximum = self.integer(raw.get("max"), f"{where}.max", 1, minimum=1)
        minimum = self.integer(raw.get("min"), f"{where}.min", 0)
        continuation = raw.get("continuation", False)
        if not isinstance(continuation, bool):
            self.error(f"{where}.continuation", _("oczekiwano true albo false"))
        row_label = self.text(raw.get("row_label"), f"{where}.row_label", required=False)
        if row_label is not None and any("{n}" not in str(t) for t in (row_label.values() if isinstance(row_label, dict) else [row_label])):
            self.error(f"{where}.row_label", _("brak {n} — miejsca na numer wiersza"))
        if name is None or label is None:
            return None
        return Group(name, label, fields, maximum or 1, minimum or 0, bool(continuation), row_label)

    def fields(self, raw: Any, where: str, footnotes: int) -> tuple[Field, ...]:
        return tuple(f for i, item in enumerate(self.items(raw, where)) if (f := self.field(item, f"{where}[{i}]", footnotes)) is not None)

    def name(self, raw: Any, where: str) -> str | None:
        if not isinstance(raw, str) or not NAME.match(raw):
            self.error(where, _("nazwa pola: małe litery ASCII, cyfry i _ (snake_case), zaczyna się literą"))
            return None
        if raw in self.names:
            self.error(where, _("nazwa {name} występuje w formularzu więcej niż raz", name=raw))
        self.names.add(raw)
        return raw

    def field(self, raw: Any, where: str, footnotes: int) -> Field | None:
        raw = self.mapping(raw, where)
        if raw is None:
            return None
        self.unknown(raw, FIELD_KEYS, where)
        name = self.name(raw.get("name"), f"{where}.name")
        label = self.text(raw.get("label"), f"{where}.label")
        kind = raw.get("type", "text")
        if kind not in FIELD_TYPES:
            self.error(f"{where}.type", _("nieznany typ „{type}” (dozwolone: {allowed})", type=kind, allowed=", ".join(FIELD_TYPES)))
        choices = []
        for i, item in enumerate(self.items(raw.get("choices"), f"{where}.choices")):
            item = self.mapping(item, f"{where}.choices[{i}]")
            if item is None:
                continue
            value = item.get("value")
            if not isinstance(value, (str, int)) or isinstance(value, bool) or not re.fullmatch(r"[A-Za-z0-9_-]+", str(value)):
                self.error(f"{where}.choices[{i}].value", _("wartość wyboru: litery ASCII, cyfry, _ lub -"))
                continue
            choice_label = self.text(item.get("label"), f"{where}.choices[{i}].label")
            choices.append(Choice(str(value), choice_label or {"pl": str(value)}))
        if kind in ("choice", "multichoice") and not choices:
            self.error(f"{where}.choices", _("pole typu {type} musi mieć listę choices", type=kind))
        if kind not in ("choice", "multichoice") and choices:
            self.error(f"{where}.choices", _("choices mają sens tylko dla typów choice i multichoice"))
        footnote = raw.get("footnote")
        if footnote is not None and (isinstance(footnote, bool) or not isinstance(footnote, int) or not 1 <= footnote <= footnotes):
            self.error(f"{where}.footnote", _("numer przypisu spoza listy footnotes (1–{count})", count=footnotes))
            footnote = None
        required = raw.get("required", False)
        not_future = raw.get("not_future", False)
        print_label = raw.get("print_label", True)
        for key, value in (("required", required), ("not_future", not_future), ("print_label", print_label)):
            if not isinstance(value, bool):
                self.error(f"{where}.{key}", _("oczekiwano true albo false"))
        prefill = raw.get("prefill")
        if prefill is not None and not isinstance(prefill, str):
            self.error(f"{where}.prefill", _("oczekiwano klucza somflow.toml, np. institution.name"))
        width = raw.get("width", 1.0)
        if isinstance(width, bool) or not isinstance(width, (int, float)) or not 0 < width <= 1:
            self.error(f"{where}.width", _("oczekiwano liczby z przedziału (0, 1]"))
            width = 1.0
        lines = self.integer(raw.get("lines"), f"{where}.lines", 3 if kind == "multiline" else 1, minimum=1)
        if name is None or label is None or kind not in FIELD_TYPES:
            return None
        return Field(
            name=name,
            label=label,
            type=kind,
            required=bool(required),
            choices=tuple(choices),
            lines=lines or 1,
            footnote=footnote,
            help=self.text(raw.get("help"), f"{where}.help", required=False),
            not_future=bool(not_future),
            prefill=prefill if isinstance(prefill, str) else None,
            min=self.integer(raw.get("min"), f"{where}.min", None, minimum=-(10**9)),
            max=self.integer(raw.get("max"), f"{where}.max", None, minimum=-(10**9)),
            max_length=self.integer(raw.get("max_length"), f"{where}.max_length", None, minimum=1),
            width=float(width),
            minor_of=self.reference(raw, "minor_of", where, ("checkbox", "choice"), kind),
            age_of=self.reference(raw, "age_of", where, ("integer",), kind),
            sex_of=self.reference(raw, "sex_of", where, ("choice", "text"), kind),
            print_label=print_label is not False,
        )

    def reference(self, raw: dict, key: str, where: str, types: tuple[str, ...], kind: str) -> str | None:
        value = raw.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not NAME.match(value):
            self.error(f"{where}.{key}", _("oczekiwano nazwy pola PESEL"))
            return None
        if kind not in types:
            self.error(f"{where}.{key}", _("{key} dotyczy tylko pól typu {types}", key=key, types=", ".join(types)))
        return value


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
