"""The rules of the Blue Card procedure (DOMAIN.md section 1), as Polish messages.

Each function returns a list of messages (empty when the data is fine) and
never raises for bad data, so the user sees every problem at once. They run
for the NK-A form (through ``somflow_validate``) and for every case step
(``somflow nk ...``), before anything is written.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from somflow import calendar
from somflow.casework.steps import not_future
from somflow.i18n import _, ngettext
from somflow.people import match

#: Relations (section III "relacja", lowercase, without diacritics) that make a suspect a parent or guardian.
PARENT_WORDS = ("matka", "ojciec", "rodzic", "mama", "tata", "opiekun prawny", "opiekunka prawna")


def parse_date(value: Any, where: str) -> tuple[date | None, list[str]]:
    """The day ``value`` names (:func:`somflow.calendar.parse_date`); a message naming ``where`` when it names none."""
    day = calendar.parse_date(value)
    return (day, []) if day is not None else (None, [calendar.not_a_date(where, value)])


def fold(text: Any) -> str:
    """Lowercase words without diacritics, single spaces: for finding a relation word ("Matka", "opiekun  prawny")."""
    return " ".join(match.words(str(text or "")))


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
        messages += check_minor(victim, form_day, _("Sekcja I, osoba doznająca przemocy domowej {n}", n=i))
    if data.get("swiadkowie_ustalono") == "ustalono" and not [w for w in data.get("swiadkowie") or [] if w]:
        messages.append(
            _(
                "Sekcja X: zaznaczono „ustalono”, więc wpisz w tabeli co najmniej jednego świadka (albo zaznacz „nie ustalono”)."
            )
        )
    if started:
        messages += check_roles(data.get("wszczecie_przez"))
    return messages


def check_minor(person: dict[str, Any], day: date, where: str) -> list[str]:
    """The "Małoletni (Tak/Nie)" answer agrees with the age entered when there is no PESEL.

    With a PESEL the forms engine checks both the answer and the age against the
    birth date (``minor_of``/``age_of`` in the spec), on the form's date.
    """
    flag, age = person.get("maloletni"), person.get("wiek")
    if person.get("pesel") or flag not in ("tak", "nie") or not isinstance(age, int) or isinstance(age, bool):
        return []
    if (age < 18) == (flag == "tak"):
        return []
    return [
        ngettext(
            "{where}, pole „Małoletni (Tak/Nie)”: zaznaczono „{flag}”, ale wpisany wiek to {n} rok.",
            "{where}, pole „Małoletni (Tak/Nie)”: zaznaczono „{flag}”, ale wpisany wiek to {n} lat.",
            age,
            where=where,
            flag=_("Tak") if flag == "tak" else _("Nie"),
        )
    ]


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
    return [
        _(
            "Sekcja XIV: zaznacz dokładnie jedną osobę, przez którą nastąpiło wszczęcie procedury (zaznaczono: {count}).",
            count=len(roles),
        )
    ]


# ---------------------------------------------------------------- people


def perpetrator_verdict(name: str, pesel: str | None, perpetrators: list[dict[str, Any]]) -> match.Verdict:
    """Whether the person is one of the suspects of section III, as :func:`somflow.people.match.compare` sees it.

    SAME when any suspect is that person (whatever the spelling; PESEL first when both have one),
    UNSURE when a suspect fits only partly (one surname, an initial, a typo), else DIFFERENT.
    """
    who = match.Who(name=name, pesel=pesel or None)
    # a section III row with neither name nor PESEL names nobody (it cannot make every recipient "unsure")
    suspects = [match.Who.of(p) for p in perpetrators if isinstance(p, dict)]
    verdicts = {match.compare(who, suspect) for suspect in suspects if suspect.words() or suspect.number()}
    for verdict in (match.Verdict.SAME, match.Verdict.UNSURE):
        if verdict in verdicts:
            return verdict
    return match.Verdict.DIFFERENT


def suspects_are_parents(case: dict[str, Any]) -> bool:
    """The case says so explicitly (``sprawcy_rodzice``), else a section III relation names a parent or legal guardian."""
    explicit = case.get("sprawcy_rodzice")
    if isinstance(explicit, bool):
        return explicit
    return any(
        any(word in fold(p.get("relacja")) for word in PARENT_WORDS)
        for p in case.get("nka", {}).get("osoby_stosujace") or []
    )


def any_minor(case: dict[str, Any]) -> bool:
    return any(v.get("maloletni") == "tak" for v in case.get("nka", {}).get("osoby_doznajace") or [])


def any_adult_victim(case: dict[str, Any]) -> bool:
    return any(v.get("maloletni") == "nie" for v in case.get("nka", {}).get("osoby_doznajace") or [])
