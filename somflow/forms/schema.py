"""Validation of a form's data: the Cerberus schema derived from the spec, and Polish messages.

:func:`cerberus_schema` turns a :class:`FormSpec` into a Cerberus schema whose
rules (``check_with``) live in :class:`FormValidator`; :func:`validate` runs
it, adds the plugins' cross-field rules (hook ``somflow_validate``) and returns
every problem at once, each naming the section, the row of a repeating group
and the field label: ``Sekcja I, osoba 2, pole „PESEL”: błędna cyfra kontrolna``.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from cerberus import Validator, errors

from somflow import calendar, pesel, vocabulary
from somflow.forms.spec import Field, FormSpec, Group
from somflow.i18n import _, ngettext, pick

if TYPE_CHECKING:
    from somflow.workspace import Workspace

VOIVODESHIPS = (
    "dolnośląskie", "kujawsko-pomorskie", "lubelskie", "lubuskie", "łódzkie", "małopolskie", "mazowieckie", "opolskie",
    "podkarpackie", "podlaskie", "pomorskie", "śląskie", "świętokrzyskie", "warmińsko-mazurskie", "wielkopolskie", "zachodniopomorskie",
)  # fmt: skip
POSTAL_CODE = re.compile(r"^\d{2}-\d{3}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
PHONE = re.compile(r"^(\+48)?\d{9}$|^\+\d{7,15}$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def rule(field: Field) -> str:
    """What a valid answer looks like, in the user's language (prompts show it after a wrong answer)."""
    kind = field.type
    if kind == "date":
        text = _("data RRRR-MM-DD albo DD.MM.RRRR, np. 2024-02-15 lub 15.02.2024")
        return text + (_(", nie z przyszłości") if field.not_future else "")
    if kind == "pesel":
        return _("11 cyfr numeru PESEL z poprawną cyfrą kontrolną")
    if kind == "postal_code":
        return _("kod pocztowy w formacie NN-NNN, np. 81-301")
    if kind == "email":
        return _("adres e-mail, np. jan.kowalski@example.pl")
    if kind == "phone":
        return _("numer telefonu: 9 cyfr, opcjonalnie +48, np. 600 100 200")
    if kind == "integer":
        bounds = []
        if field.min is not None:
            bounds.append(_("najmniej {min}", min=field.min))
        if field.max is not None:
            bounds.append(_("najwięcej {max}", max=field.max))
        return _("liczba całkowita") + (f" ({', '.join(bounds)})" if bounds else "")
    if kind == "checkbox":
        return _("tak albo nie")
    if kind == "choice":
        return _("jedna z wartości: {values}", values=", ".join(f"{c.value} ({pick(c.label)})" for c in field.choices))
    if kind == "multichoice":
        return _(
            "wartości oddzielone przecinkami spośród: {values}",
            values=", ".join(f"{c.value} ({pick(c.label)})" for c in field.choices),
        )
    if kind == "voivodeship":
        return _("nazwa województwa małymi literami, np. pomorskie")
    return _("tekst")


# ------------------------------------------------------------ normalising


def _coerce_date(value: Any) -> Any:
    """Dates to ISO: ``date`` objects and the Polish ``24.12.2026`` / ``4.1.2026`` (calendar.parse_date)."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        day = calendar.parse_date(value)
        return day.isoformat() if day else value.strip()
    return value


def _coerce_digits(value: Any) -> Any:
    """A PESEL to its digits (somflow.pesel.compact); what cannot be one is left for the check to explain."""
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return pesel.compact(value)
    return value


def _coerce_int(value: Any) -> Any:
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        return int(value)
    return value


def _coerce_bool(value: Any) -> Any:
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("tak", "t", "true", "yes", "y", "1", "x"):
            return True
        if lowered in ("nie", "n", "false", "no", "0", ""):
            return False
    return value


def _coerce_list(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


def _coerce_text(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value.strip() if isinstance(value, str) else value


def _coerce_choice(words: vocabulary.Vocabulary, value: Any) -> Any:
    """A typed choice to its value ("osobiście", "E-mail" → osobiscie, email); unknown words are left for the message."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return (words.resolve(value) or value) if isinstance(value, str) else value


def _coerce_choices(words: vocabulary.Vocabulary, value: Any) -> Any:
    value = _coerce_list(value)
    return [_coerce_choice(words, v) for v in value] if isinstance(value, list) else value


def _text_only(check: Callable[[FormValidator, str, str], None]) -> Callable[[FormValidator, str, Any], None]:
    """Run a ``check_with`` rule only on text: Cerberus runs it on ``None`` (an optional field left
    empty, ``email:`` in YAML) and on wrong types too, which its own rules already report."""

    @functools.wraps(check)
    def wrapper(self: FormValidator, field: str, value: Any) -> None:
        if isinstance(value, str):
            check(self, field, value)

    return wrapper


class FormValidator(Validator):
    """Cerberus with the checks Polish forms need; every message is Polish (via ``_``)."""

    @_text_only
    def _check_with_pesel(self, field: str, value: Any) -> None:
        problem = pesel.check(value, calendar.today()).problem
        if problem:
            self._error(field, problem)

    @_text_only
    def _check_with_date(self, field: str, value: Any) -> None:
        self._check_date(field, value, future=True)

    @_text_only
    def _check_with_past_date(self, field: str, value: Any) -> None:
        self._check_date(field, value, future=False)

    def _check_date(self, field: str, value: Any, future: bool) -> None:
        day = calendar.parse_date(value) if ISO_DATE.match(value) else None
        if day is None:
            self._error(
                field,
                _(
                    "„{value}” nie jest prawidłową datą (RRRR-MM-DD albo DD.MM.RRRR, np. 2024-02-15 lub 15.02.2024)",
                    value=value,
                ),
            )
            return
        if not future and day > calendar.today():
            self._error(
                field,
                _(
                    "data {value} jest z przyszłości (dziś jest {today})",
                    value=value,
                    today=calendar.today().isoformat(),
                ),
            )

    @_text_only
    def _check_with_postal_code(self, field: str, value: Any) -> None:
        if not POSTAL_CODE.match(value):
            self._error(field, _("kod pocztowy w formacie NN-NNN, np. 81-301"))

    @_text_only
    def _check_with_email(self, field: str, value: Any) -> None:
        if not EMAIL.match(value):
            self._error(field, _("„{value}” nie jest adresem e-mail", value=value))

    @_text_only
    def _check_with_phone(self, field: str, value: Any) -> None:
        if not PHONE.match(re.sub(r"[\s()-]", "", value)):
            self._error(field, _("numer telefonu: 9 cyfr, opcjonalnie +48"))


def _field_schema(f: Field) -> dict[str, Any]:
    empty_ok = not f.required
    base: dict[str, Any] = {"required": f.required, "nullable": empty_ok}
    kind = f.type
    if kind in ("text", "multiline"):
        base.update(type="string", coerce=_coerce_text, empty=empty_ok)
        if f.max_length:
            base["maxlength"] = f.max_length
    elif kind == "date":
        base.update(
            type="string", coerce=_coerce_date, empty=empty_ok, check_with="past_date" if f.not_future else "date"
        )
    elif kind == "pesel":
        base.update(type="string", coerce=_coerce_digits, empty=empty_ok, check_with="pesel")
    elif kind in ("postal_code", "email", "phone"):
        base.update(type="string", coerce=_coerce_text, empty=empty_ok, check_with=kind)
    elif kind == "integer":
        base.update(type="integer", coerce=_coerce_int)
        if f.min is not None:
            base["min"] = f.min
        if f.max is not None:
            base["max"] = f.max
    elif kind == "checkbox":
        base.update(type="boolean", coerce=_coerce_bool)
    elif kind == "choice":
        base.update(
            type="string",
            coerce=functools.partial(_coerce_choice, vocabulary.Vocabulary.of_choices(f.choices)),
            allowed=[c.value for c in f.choices],
            empty=empty_ok,
        )
    elif kind == "multichoice":
        base.update(
            type="list",
            coerce=functools.partial(_coerce_choices, vocabulary.Vocabulary.of_choices(f.choices)),
            allowed=[c.value for c in f.choices],
            empty=empty_ok,
        )
    elif kind == "voivodeship":
        base.update(
            type="string",
            coerce=lambda v: v.strip().lower() if isinstance(v, str) else v,
            allowed=list(VOIVODESHIPS),
            empty=empty_ok,
        )
    return base


def _group_schema(g: Group) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "list",
        "required": g.min > 0,
        "nullable": True,
        "schema": {"type": "dict", "schema": {f.name: _field_schema(f) for f in g.fields}},
    }
    if g.min:
        schema["minlength"] = g.min
    if not g.continuation:
        schema["maxlength"] = g.max
    return schema


def cerberus_schema(spec: FormSpec) -> dict[str, Any]:
    """The Cerberus schema of ``spec``'s data (top-level fields and groups)."""
    schema = {f.name: _field_schema(f) for _s, f in spec.fields()}
    schema.update({g.name: _group_schema(g) for _s, g in spec.groups()})
    return schema


# --------------------------------------------------------------- messages


def where(spec: FormSpec, name: str, row: int | None = None, group: str | None = None) -> str:
    """The "Sekcja I, osoba 2, pole „PESEL”" prefix for a field (``row`` from 1), in the user's language."""
    for section in spec.sections:
        for f in section.fields:
            if group is None and f.name == name:
                return _("Sekcja {section}, pole „{label}”", section=section.id, label=pick(f.label))
        for g in section.groups:
            if group == g.name or (group is None and name == g.name):
                if group is None:
                    return _("Sekcja {section}, „{label}”", section=section.id, label=pick(g.label))
                label = next((pick(f.label) for f in g.fields if f.name == name), name)
                return _(
                    "Sekcja {section}, {group} {row}, pole „{label}”",
                    section=section.id,
                    group=pick(g.label).lower(),
                    row=row,
                    label=label,
                )
    return _("Pole „{name}”", name=name)


def _message(spec: FormSpec, error: errors.ValidationError) -> str:
    path = error.document_path
    if len(path) >= 3:
        prefix = where(spec, str(path[2]), row=int(path[1]) + 1, group=str(path[0]))
    elif len(path) == 2:  # a whole row of a group (not a dict)
        prefix = where(spec, str(path[0])) + f" {int(path[1]) + 1}"
    else:
        prefix = where(spec, str(path[0]))
    code = error.code
    if code == errors.CUSTOM.code:
        text = error.info[0]
    elif code in (errors.REQUIRED_FIELD.code, errors.EMPTY_NOT_ALLOWED.code, errors.NOT_NULLABLE.code):
        text = _("pole wymagane, brak wartości")
    elif code == errors.UNKNOWN_FIELD.code:
        text = _("nieznane pole (nie ma go w formularzu)")
    elif code == errors.BAD_TYPE.code:
        text = _("zła wartość „{value}”", value=error.value)
    elif code in (errors.UNALLOWED_VALUE.code, errors.UNALLOWED_VALUES.code):
        text = _("wartość spoza listy: {values}", values=", ".join(map(str, error.constraint)))
        typed = (
            [error.value]
            if isinstance(error.value, str)
            else [v for v in error.value or [] if v not in error.constraint]
        )
        nearest = [n for n in (vocabulary.Vocabulary(tuple(map(str, error.constraint))).suggest(v) for v in typed) if n]
        if nearest:
            text += " " + _("(czy chodziło o „{suggestion}”?)", suggestion="”, „".join(nearest))
    elif code == errors.MIN_VALUE.code:
        text = _("najmniej {min}", min=error.constraint)
    elif code == errors.MAX_VALUE.code:
        text = _("najwięcej {max}", max=error.constraint)
    elif code == errors.MIN_LENGTH.code:
        text = _("co najmniej {min}", min=error.constraint)
    elif code == errors.MAX_LENGTH.code:
        text = (
            _("najwyżej {max}", max=error.constraint)
            if isinstance(error.value, list)
            else _("najwyżej {max} znaków", max=error.constraint)
        )
    else:
        text = _("zła wartość „{value}”", value=error.value)
    return f"{prefix}: {text}"


@dataclass(frozen=True)
class Problem:
    """One problem with a form's data: ``key`` names the field as a CSV column or web form does
    (``pesel``, ``osoby-2-pesel``; None: the data as a whole), ``message`` is the full Polish message."""

    key: str | None
    message: str


def flat_key(name: str, row: int | None = None, group: str | None = None) -> str:
    """The CSV column / web form name of a field: ``name``, or ``group-row-name`` in a repeating group (row from 1)."""
    return f"{group}-{row}-{name}" if group is not None else name


def _error_key(error: errors.ValidationError) -> str:
    path = error.document_path
    if len(path) >= 3:
        return flat_key(str(path[2]), int(path[1]) + 1, str(path[0]))
    if len(path) == 2:
        return f"{path[0]}-{int(path[1]) + 1}"
    return str(path[0])


def _leaves(errs: list[errors.ValidationError]) -> list[errors.ValidationError]:
    found = []
    for error in errs:
        if error.is_group_error:
            found += _leaves(error.child_errors)
        else:
            found.append(error)
    return found


def _form_date(spec: FormSpec, data: dict[str, Any]) -> date:
    value = data.get(spec.date_field) if spec.date_field else None
    day = calendar.parse_date(value) if isinstance(value, str) and ISO_DATE.match(value) else None
    return day or calendar.today()


def _pesel_rules(spec: FormSpec, data: dict[str, Any]) -> list[Problem]:
    """Birth date, age, "minor" and sex fields that must agree with a PESEL number on the form's date.

    The form's date is its ``date_field`` (today when absent): a person cannot
    be born after the form was filled, is a minor when under 18 on that day
    (adult from the 18th birthday itself, :func:`somflow.pesel.is_minor`), and
    a declared sex must match the PESEL's 10th digit.
    """
    on = _form_date(spec, data)
    rows = [(None, None, [f for _s, f in spec.fields()], data)]
    for _s, g in spec.groups():
        for i, row in enumerate(data.get(g.name) or [], start=1):
            if isinstance(row, dict):
                rows.append((g.name, i, list(g.fields), row))
    messages: list[Problem] = []
    for group, index, fields, row in rows:
        for f in fields:

            def add(text: str, f: Field = f, index: int | None = index, group: str | None = group) -> None:
                messages.append(Problem(flat_key(f.name, index, group), f"{where(spec, f.name, index, group)}: {text}"))

            if f.type == "pesel" and on < calendar.today():
                found = pesel.check(row.get(f.name)) if isinstance(row.get(f.name), str) and row.get(f.name) else None
                if found and found.born and found.born > on:
                    add(_("PESEL wskazuje datę urodzenia późniejszą niż data formularza ({date})", date=on.isoformat()))
            ref = f.minor_of or f.age_of or f.sex_of
            value, number = row.get(f.name), row.get(ref) if ref else None
            if not ref or value in (None, "") or not isinstance(number, str) or not pesel.is_valid(number):
                continue
            age = pesel.age(pesel.birth_date(number), on)
            if f.minor_of:
                said = (
                    value
                    if isinstance(value, bool)
                    else {"tak": True, "yes": True, "nie": False, "no": False}.get(str(value).lower())
                )
                if said is not None and said != (age < 18):
                    add(
                        ngettext(
                            "niezgodne z numerem PESEL (wiek {n} rok w dniu {date})",
                            "niezgodne z numerem PESEL (wiek {n} lat w dniu {date})",
                            age,
                            date=on.isoformat(),
                        )
                    )
            elif f.age_of:
                if isinstance(value, int) and value != age:
                    add(
                        ngettext(
                            "wiek niezgodny z numerem PESEL ({n} rok w dniu {date})",
                            "wiek niezgodny z numerem PESEL ({n} lat w dniu {date})",
                            age,
                            date=on.isoformat(),
                        )
                    )
            else:
                said = pesel.declared_sex(value)
                if said is not None and said != pesel.sex(number):
                    add(
                        _(
                            "płeć niezgodna z numerem PESEL (przedostatnia cyfra: parzysta — kobieta, nieparzysta — mężczyzna)"
                        )
                    )
    return messages


_local = threading.local()


def _validator(spec: FormSpec) -> FormValidator:
    """One validator per spec and thread: Cerberus checks a schema on first use, which costs more than validating."""
    cache = _local.__dict__.setdefault("validators", {})
    found = cache.get(id(spec))
    if found is None or found[0] is not spec:
        if len(cache) > 64:
            cache.clear()
        found = cache[id(spec)] = (spec, FormValidator(cerberus_schema(spec)))
    return found[1]


def check(spec: FormSpec, data: Any) -> tuple[dict[str, Any], list[str]]:
    """Normalise ``data`` (dates to ISO, digits to strings…) and check it against the schema.

    Returns the normalised data and every problem as a Polish message (``[]`` when valid).
    """
    document, problems = check_fields(spec, data)
    return document, list(dict.fromkeys(p.message for p in problems))


def check_fields(spec: FormSpec, data: Any) -> tuple[dict[str, Any], list[Problem]]:
    """:func:`check` that says which field each problem belongs to (a web form shows it beside the field)."""
    if not isinstance(data, dict):
        return {}, [Problem(None, _("Dane formularza muszą być słownikiem pól (nazwa: wartość)."))]
    validator = _validator(spec)
    ok = validator.validate(data)
    document = validator.document if validator.document is not None else dict(data)
    order = {
        name: i for i, name in enumerate([*(f.name for _s, f in spec.fields()), *(g.name for _s, g in spec.groups())])
    }
    inner = {f.name: i for _s, g in spec.groups() for i, f in enumerate(g.fields)}

    def position(error: errors.ValidationError) -> tuple:
        path = error.document_path
        rest = (int(path[1]), inner.get(path[2], 0)) if len(path) >= 3 else ()
        return (order.get(path[0], len(order)), *rest)

    leaves = sorted(_leaves(list(validator._errors)), key=position) if not ok else []
    problems = [Problem(_error_key(e), _message(spec, e)) for e in leaves] + _pesel_rules(spec, document)
    return document, list(dict.fromkeys(problems))


def check_value(spec: FormSpec, field: Field, value: Any) -> tuple[Any, str | None]:
    """One answer checked alone (for prompts): the normalised value and the first problem, or None."""
    validator = FormValidator({field.name: _field_schema(field)})
    if validator.validate({field.name: value}):
        return validator.document.get(field.name), None
    error = _leaves(list(validator._errors))[0]
    return value, _message(spec, error).split(": ", 1)[-1]


def validate(workspace: Workspace | None, spec: FormSpec, data: Any) -> list[str]:
    """Every problem with ``data`` for ``spec``: schema checks, then the plugins' ``somflow_validate`` rules."""
    return normalise(workspace, spec, data)[1]


def normalise(workspace: Workspace | None, spec: FormSpec, data: Any) -> tuple[dict[str, Any], list[str]]:
    """:func:`validate` that also returns the normalised data (what gets stored and printed)."""
    document, problems = normalise_fields(workspace, spec, data)
    return document, list(dict.fromkeys(p.message for p in problems))


def normalise_fields(workspace: Workspace | None, spec: FormSpec, data: Any) -> tuple[dict[str, Any], list[Problem]]:
    """:func:`normalise` with each problem's field; the plugins' cross-field rules belong to no one field (key None)."""
    document, problems = check_fields(spec, data)
    if workspace is not None and workspace.plugins is not None and isinstance(data, dict):
        for extra in workspace.hook.somflow_validate(form=spec, data=document, workspace=workspace):
            problems += [Problem(None, message) for message in extra or []]
    return document, problems


__all__ = [
    "VOIVODESHIPS", "FormValidator", "Problem", "cerberus_schema", "check", "check_fields", "flat_key",
    "normalise", "normalise_fields", "rule", "validate", "where",
]  # fmt: skip
