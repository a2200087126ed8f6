"""The rules of the Blue Card procedure (DOMAIN.md section 1), as Polish messages.

Each function returns a list of messages (empty when the data is fine) and
never raises for bad data, so the user sees every problem at once. They run
for the NK-A form (through ``somflow_validate``) and for every case step
(``somflow nk ...``), before anything is written.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

from stdnum.exceptions import ValidationError
from stdnum.pl import pesel as stdnum_pesel

from somflow.i18n import _

#: Relations (section III "relacja", lowercase, without diacritics) that make a suspect a parent or guardian.
PARENT_WORDS = ("matka", "ojciec", "rodzic", "mama", "tata", "opiekun prawny", "opiekunka prawna")


def parse_date(value: Any, where: str) -> tuple[date | None, list[str]]:
    """An ISO date from ``value``; a message naming ``where`` when it is not one."""
    if isinstance(value, date):
        return value, []
    try:
        return date.fromisoformat(str(value)), []
    except ValueError:
        return None, [_("{where}: „{value}” nie jest datą w postaci RRRR-MM-DD.", where=where, value=value)]


def not_future(day: date | None, today: date, where: str) -> list[str]:
    if day is not None and day > today:
        return [_("{where}: data {day} jest z przyszłości (dziś jest {today}).", where=where, day=day.isoformat(), today=today.isoformat())]
    return []


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def pesel_birth_date(number: Any) -> date | None:
    """The birth date a valid PESEL encodes, or None (the form's own schema reports a bad PESEL)."""
    try:
        return stdnum_pesel.get_birth_date(stdnum_pesel.validate(str(number)))
    except (ValidationError, ValueError):
        return None


def fold(text: Any) -> str:
    """Lowercase, no diacritics, single spaces: for comparing names typed by different people."""
    text = str(text or "").replace("ł", "l").replace("Ł", "L")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"\s+", " ", text).strip().lower()


# ------------------------------------------------------------------ NK-A data


def check_nka(data: dict[str, Any], today: date, *, started: bool = True) -> list[str]:
    """Cross-field rules of the NK-A form: victims, minor flag, witnesses, section XIV, dates.

    ``started=False`` (a case opened from the service note, NK-A not filled yet) skips section XIV.
    """
    messages: list[str] = []
    form_day = today
    if data.get("data"):
        day, problems = parse_date(data["data"], _("Nagłówek, pole „data”"))
        messages += problems or not_future(day, today, _("Nagłówek, pole „data”"))
        form_day = day or today
    victims = [v for v in data.get("osoby_doznajace") or [] if isinstance(v, dict)]
    if not victims:
        messages.append(_("Sekcja I: wpisz co najmniej jedną osobę doznającą przemocy domowej."))
    for i, victim in enumerate(victims, 1):
        messages += check_minor(victim, form_day, _("Sekcja I, osoba {n}", n=i))
    if data.get("swiadkowie_ustalono") == "ustalono" and not [w for w in data.get("swiadkowie") or [] if w]:
        messages.append(_("Sekcja X: zaznaczono „ustalono”, więc wpisz w tabeli co najmniej jednego świadka (albo zaznacz „nie ustalono”)."))
    if started:
        messages += check_roles(data.get("wszczecie_przez"))
    return messages


def check_minor(person: dict[str, Any], day: date, where: str) -> list[str]:
    """The "Małoletni (Tak/Nie)" answer agrees with the age and with the PESEL birth date on ``day``."""
    flag = person.get("maloletni")
    messages: list[str] = []
    birth = pesel_birth_date(person["pesel"]) if person.get("pesel") else None
    if birth is not None and birth > day:
        return [_("{where}, pole „PESEL”: data urodzenia z numeru PESEL ({birth}) jest późniejsza niż data formularza.", where=where, birth=birth.isoformat())]
    ages: list[tuple[str, int]] = []
    if birth is not None:
        ages.append((_("wiek według numeru PESEL"), age_on(birth, day)))
    if isinstance(person.get("wiek"), int) and not isinstance(person.get("wiek"), bool):
        ages.append((_("wiek wpisany w formularzu"), person["wiek"]))
    if birth is not None and len(ages) == 2 and ages[0][1] != ages[1][1]:
        messages.append(
            _("{where}: wpisany wiek ({age}) nie zgadza się z datą urodzenia z numeru PESEL (wiek {pesel_age} w dniu {day}).",
              where=where, age=ages[1][1], pesel_age=ages[0][1], day=day.isoformat())
        )
    if flag not in ("tak", "nie"):
        return messages
    for what, age in ages:
        if (age < 18) != (flag == "tak"):
            messages.append(
                _("{where}, pole „Małoletni (Tak/Nie)”: zaznaczono „{flag}”, ale {what} to {age} lat w dniu {day}.",
                  where=where, flag=_("Tak") if flag == "tak" else _("Nie"), what=what, age=age, day=day.isoformat())
            )
    return messages


def check_roles(roles: Any) -> list[str]:
    """Section XIV: exactly one role."""
    if isinstance(roles, (list, tuple)):
        roles = [r for r in roles if r]
        if len(roles) == 1:
            return []
    elif roles:
        return []
    else:
        roles = []
    return [_("Sekcja XIV: zaznacz dokładnie jedną osobę, przez którą nastąpiło wszczęcie procedury (zaznaczono: {count}).", count=len(roles))]


# ---------------------------------------------------------------- people


def is_perpetrator(name: str, pesel: str | None, perpetrators: list[dict[str, Any]]) -> bool:
    """True when the person (by name, or by PESEL when both have one) is listed in section III."""
    for person in perpetrators:
        if pesel and person.get("pesel") and str(person["pesel"]) == str(pesel):
            return True
        if fold(name) and fold(name) == fold(person.get("imie_nazwisko")):
            return True
    return False


def suspects_are_parents(case: dict[str, Any]) -> bool:
    """The case says so explicitly (``sprawcy_rodzice``), else a section III relation names a parent or legal guardian."""
    explicit = case.get("sprawcy_rodzice")
    if isinstance(explicit, bool):
        return explicit
    return any(
        any(word in fold(p.get("relacja")) for word in PARENT_WORDS) for p in case.get("nka", {}).get("osoby_stosujace") or []
    )


def any_minor(case: dict[str, Any]) -> bool:
    return any(v.get("maloletni") == "tak" for v in case.get("nka", {}).get("osoby_doznajace") or [])
