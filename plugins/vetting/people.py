"""A person admitted to work with children: the data kept about them and its checks.

:func:`parse_person` turns text (a CSV row, command-line options) into the
record stored in the ``staff`` collection and lists every problem at once as
``(field, Polish message)`` pairs, so the caller can name row and column.
Messages never repeat a PESEL or a name: they end up in terminals and
screenshots.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from somflow import calendar, pesel, vocabulary
from somflow.i18n import _, ngettext
from somflow.people import match

from . import countries

COLLECTION = "staff"

#: Contract types (seed 001 "umowa o współpracy", 002 "pracownik"): value → Polish label.
CONTRACTS: dict[str, str] = {
    "umowa-o-prace": "umowa o pracę",
    "zlecenie": "umowa zlecenia",
    "dzielo": "umowa o dzieło",
    "staz-praktyki": "umowa o staż lub praktyki zawodowe",
    "wolontariat": "umowa o wolontariat",
    "inna": "inna umowa",
}

#: People the seeds exclude from the register check (001 ch. I and III): value → Polish label.
EXEMPTIONS: dict[str, str] = {
    "sluzby-mundurowe": "pracownik służb mundurowych realizujący program edukacyjny lub profilaktyczny",
    "rodzic-prelegent": "rodzic opowiadający o zawodzie lub zainteresowaniach, czytający lektury lub uczestniczący w wydarzeniu",
    "dostawca": "kierowca dowożący produkty żywnościowe",
    "ekipa-remontowa": "członek ekipy remontowej realizującej roboty budowlane",
    "inne": "inna osoba niedopuszczona do samodzielnej pracy z dziećmi",
}

#: Fields a person record has, in the order of the CSV template.
FIELDS = (
    "imie",
    "nazwisko",
    "pesel",
    "data_urodzenia",
    "nazwisko_rodowe",
    "imie_ojca",
    "imie_matki",
    "umowa",
    "rola",
    "start",
    "obywatelstwa",
    "kraje_zamieszkania",
    "zwolnienie",
    "powod_zwolnienia",
)

#: Polish names of the fields, used in messages ("kolumna „PESEL”").
FIELD_LABELS = {
    "imie": "Imię",
    "nazwisko": "Nazwisko",
    "pesel": "PESEL",
    "data_urodzenia": "Data urodzenia",
    "nazwisko_rodowe": "Nazwisko rodowe",
    "imie_ojca": "Imię ojca",
    "imie_matki": "Imię matki",
    "umowa": "Rodzaj umowy",
    "rola": "Stanowisko / rola",
    "start": "Planowany początek pracy z dziećmi",
    "obywatelstwa": "Obywatelstwa",
    "kraje_zamieszkania": "Kraje zamieszkania (20 lat)",
    "zwolnienie": "Zwolnienie ze sprawdzenia",
    "powod_zwolnienia": "Powód zwolnienia",
}

MAX_AGE = 100
_LIST_SPLIT = re.compile(r"\s*[,;|/]\s*")


def _fold(text: str) -> str:
    """A CSV header as compared: folded (somflow.people.match.fold), spaces and underscores as hyphens."""
    return re.sub(r"[\s_]+", "-", match.fold(text.strip()))


CONTRACT_WORDS = vocabulary.Vocabulary(
    tuple(CONTRACTS),
    {
        **{value: (label,) for value, label in CONTRACTS.items()},
        "umowa-o-prace": ("praca", "etat", "umowa o prace"),
        "zlecenie": ("umowa-zlecenie", "umowa zlecenie"),
        "staz-praktyki": ("staz", "praktyki", "staż"),
    },
    "nieznany rodzaj umowy „{value}”.",
)
EXEMPTION_WORDS = vocabulary.Vocabulary(
    tuple(EXEMPTIONS),
    {value: (label,) for value, label in EXEMPTIONS.items()},
    "nieznana kategoria zwolnienia „{value}”.",
)


def unknown_country(name: str, config: dict[str, Any] | None) -> str:
    """The message for a country somflow does not know, with the nearest name when it looks like a typo."""
    message = _("nieznane państwo „{name}” (podaj kod ISO, np. DE, albo polską nazwę)", name=name)
    nearest = countries.suggestion(name, config)
    return message + (" " + _("Czy chodziło o „{suggestion}”?", suggestion=nearest) if nearest else "")


def check_pesel(value: str, today: date) -> tuple[date | None, str | None]:
    """The birth date a PESEL encodes, or a Polish message saying what is wrong (never the number).

    :func:`somflow.pesel.check` does the checks every PESEL gets (length, a
    leading zero a spreadsheet dropped, check digit, a birth date that exists,
    is not in the future nor in the 19th century); here only the limit for
    staff is added: nobody older than :data:`MAX_AGE`.
    """
    found = pesel.check(value, today)
    if found.problem or found.born is None:
        return None, found.problem
    if pesel.age(found.born, today) > MAX_AGE:
        return None, ngettext(
            "PESEL wskazuje wiek ponad {n} rok — sprawdź cyfry 1–4",
            "PESEL wskazuje wiek ponad {n} lat — sprawdź cyfry 1–4",
            MAX_AGE,
        )
    return found.born, None


def parse_countries(text: str, config: dict[str, Any] | None) -> tuple[list[str], list[str]]:
    """Codes of the countries listed in ``text`` (comma, semicolon, | or / between) and the unknown names."""
    codes: list[str] = []
    unknown: list[str] = []
    for part in _LIST_SPLIT.split(text.strip()):
        if not part:
            continue
        code = countries.resolve(part, config)
        if code is None:
            unknown.append(part)
        elif code not in codes:
            codes.append(code)
    return codes, unknown


def parse_person(
    raw: dict[str, str], config: dict[str, Any] | None, today: date
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The ``staff`` record for the text values in ``raw`` and the problems found, as (field, message).

    ``raw`` keys are :data:`FIELDS`; missing keys count as empty. Citizenship
    defaults to Polish. Countries of residence are kept without Poland and the
    citizenship countries (the declaration asks only for the others).
    """
    value = {k: (raw.get(k) or "").strip() for k in FIELDS}
    errors: list[tuple[str, str]] = []
    person: dict[str, Any] = {
        k: value[k] or None for k in ("imie", "nazwisko", "nazwisko_rodowe", "imie_ojca", "imie_matki", "rola")
    }
    for key in ("imie", "nazwisko"):
        if not value[key]:
            errors.append((key, _("pole jest wymagane")))

    born_pesel: date | None = None
    person["pesel"] = value["pesel"] or None
    if value["pesel"]:
        born_pesel, problem = check_pesel(value["pesel"], today)
        if problem:
            errors.append(("pesel", problem))
        else:
            person["pesel"] = pesel.compact(value["pesel"])
    person["data_urodzenia"] = None
    if value["data_urodzenia"]:
        born = calendar.parse_date(value["data_urodzenia"])
        if born is None:
            errors.append(("data_urodzenia", _("nieprawidłowa data (oczekiwano RRRR-MM-DD albo DD.MM.RRRR)")))
        elif born > today:
            errors.append(("data_urodzenia", _("data z przyszłości")))
        elif born_pesel is not None and born != born_pesel:
            errors.append(("data_urodzenia", _("data urodzenia nie zgadza się z datą zapisaną w numerze PESEL")))
        else:
            person["data_urodzenia"] = born.isoformat()
    elif born_pesel is not None:
        person["data_urodzenia"] = born_pesel.isoformat()
    if not value["pesel"] and not value["data_urodzenia"]:
        errors.append(
            ("data_urodzenia", _("bez numeru PESEL podaj datę urodzenia (potrzebna do zapytania w Rejestrze)"))
        )

    person["umowa"] = None
    if not value["umowa"]:
        errors.append(("umowa", _("pole jest wymagane (dozwolone: {allowed})", allowed=", ".join(CONTRACTS))))
    else:
        person["umowa"] = CONTRACT_WORDS.resolve(value["umowa"])
        if person["umowa"] is None:
            errors.append(("umowa", CONTRACT_WORDS.problem(value["umowa"])))

    person["start"] = None
    if value["start"]:
        start = calendar.parse_date(value["start"])
        if start is None:
            errors.append(("start", _("nieprawidłowa data (oczekiwano RRRR-MM-DD albo DD.MM.RRRR)")))
        else:
            person["start"] = start.isoformat()

    citizenships, unknown = parse_countries(value["obywatelstwa"] or countries.POLAND, config)
    errors += [("obywatelstwa", unknown_country(name, config)) for name in unknown]
    residences, unknown = parse_countries(value["kraje_zamieszkania"], config)
    errors += [("kraje_zamieszkania", unknown_country(name, config)) for name in unknown]
    person["obywatelstwa"] = citizenships
    person["kraje_zamieszkania"] = [c for c in residences if c != countries.POLAND and c not in citizenships]

    person["zwolnienie"] = None
    if value["zwolnienie"]:
        category = EXEMPTION_WORDS.resolve(value["zwolnienie"])
        if category is None:
            errors.append(("zwolnienie", EXEMPTION_WORDS.problem(value["zwolnienie"])))
        elif not value["powod_zwolnienia"]:
            errors.append(("powod_zwolnienia", _("przy zwolnieniu ze sprawdzenia podaj powód")))
        else:
            person["zwolnienie"] = {"kategoria": category, "powod": value["powod_zwolnienia"]}
    elif value["powod_zwolnienia"]:
        errors.append(
            (
                "zwolnienie",
                _("podano powód zwolnienia bez kategorii (dozwolone: {allowed})", allowed=", ".join(EXEMPTIONS)),
            )
        )
    return person, errors


def number(person: dict[str, Any]) -> str:
    """How lists, messages and reminders name a person: their number, or for a staff record another
    plugin added (without a number) the start of its id, which every command accepts too."""
    return str(person["nr"]) if person.get("nr") else person["id"][:10]


def display_name(person: dict[str, Any]) -> str:
    """First name and surname, for the user's screen only (never for logs)."""
    return f"{person.get('imie') or ''} {person.get('nazwisko') or ''}".strip()


def as_text(person: dict[str, Any]) -> dict[str, str]:
    """A stored person back as the text values :func:`parse_person` reads (to apply an edit)."""
    raw = {k: str(person.get(k) or "") for k in FIELDS}
    raw["obywatelstwa"] = ",".join(person.get("obywatelstwa") or [])
    raw["kraje_zamieszkania"] = ",".join(person.get("kraje_zamieszkania") or [])
    exemption = person.get("zwolnienie") or {}
    raw["zwolnienie"] = exemption.get("kategoria", "")
    raw["powod_zwolnienia"] = exemption.get("powod", "")
    return raw
