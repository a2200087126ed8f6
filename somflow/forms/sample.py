"""Sample data for any form: valid, full of Polish letters, derived from the spec alone.

``somflow forms example ID`` prints it for a form that ships no example file,
and the tests fill every form with it. Plugins' cross-field rules may still
ask for more; a shipped example file always wins.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from somflow import pesel
from somflow.forms.spec import Field, FormSpec
from somflow.i18n import pick

PESEL = "15240101231"  # born 2015-04-01: a child
FORM_DATE = "2024-09-02"
TEXT = "Zażółć gęślą jaźń"


def _age(on: str) -> int:
    return pesel.age(pesel.birth_date(PESEL), date.fromisoformat(on))


def value(field: Field, on: str = FORM_DATE) -> Any:
    """A valid sample value for ``field``."""
    kind = field.type
    if kind == "text" and field.sex_of:
        return pesel.sex(PESEL)
    if kind == "text":
        text = f"{pick(field.label)} — {TEXT}"
        return text[: field.max_length] if field.max_length else text
    if kind == "multiline":
        return f"{TEXT}. Źródło: ŁÓDŹ, Ćmielów, Śrem, Żywiec, Ńa."
    if kind == "date":
        return on
    if kind == "pesel":
        return PESEL
    if kind == "postal_code":
        return "81-301"
    if kind == "email":
        return "lucja.zolc@example.pl"
    if kind == "phone":
        return "600 100 200"
    if kind == "integer":
        if field.age_of:
            return _age(on)
        low = field.min if field.min is not None else 1
        return min(low + 1, field.max) if field.max is not None else low + 1
    if kind == "checkbox":
        return (_age(on) < 18) if field.minor_of else True
    if kind == "choice":
        if field.sex_of:
            found = next((c.value for c in field.choices if pesel.declared_sex(c.value) == pesel.sex(PESEL)), None)
            if found:
                return found
        if field.minor_of:
            wanted = "tak" if _age(on) < 18 else "nie"
            if any(c.value == wanted for c in field.choices):
                return wanted
        return field.choices[0].value
    if kind == "multichoice":
        return [field.choices[0].value]
    if kind == "voivodeship":
        return "pomorskie"
    return TEXT


def sample_data(spec: FormSpec) -> dict[str, Any]:
    """Data that passes ``spec``'s own schema, with one or two rows in each group."""
    data: dict[str, Any] = {f.name: value(f) for _s, f in spec.fields()}
    for _s, group in spec.groups():
        count = max(group.min, min(group.max, 2))
        data[group.name] = [{f.name: value(f) for f in group.fields} for _ in range(count)]
    return data
