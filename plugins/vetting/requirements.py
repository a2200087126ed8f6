"""What each person needs before working with children, and where they stand.

The list is derived from the person's situation (DOMAIN.md section 2; seed 004
annex 1 pt 3–8; seed 001 ch. III):

``rspts``             RSPTS, the restricted-access register
``rspts-pk``          RSPTS, the public register of the Państwowa Komisja
``krk``               information from the Krajowy Rejestr Karny
``rejestr-XX``        criminal record of country XX (a citizenship other than
                      Polish, or a country of residence in the last 20 years)
``niekaralnosc-XX``   declaration of non-conviction, instead of ``rejestr-XX``
                      for a country that keeps no register / issues no information
``kraje``             declaration of countries of residence (taken from everyone:
                      seed 001 ch. III; "none" is a valid answer)
``standardy``         acknowledgment of the standards (seed 004 annex 7)

An exempt person needs nothing. Each item of a person is missing, received
(date, document) or a hit; a person is *cleared* when every required item is
received and none is a hit, *blocked* after any hit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from somflow.i18n import _

from . import countries

RECEIVED, HIT = "otrzymany", "figuruje"
CLEARED, INCOMPLETE, BLOCKED, EXEMPT = "sprawdzony", "niekompletny", "zablokowany", "zwolniony"

#: Item kinds: a register or record can be a hit; a declaration is only submitted.
CHECK, DECLARATION = "check", "declaration"


@dataclass(frozen=True)
class Item:
    """One thing a person must provide or be checked against."""

    key: str
    label: str
    kind: str
    form: str | None = None
    country: str | None = None


@dataclass
class Standing:
    """Where a person stands on ``today``: state, and the items missing, stale or hit."""

    state: str
    required: list[Item] = field(default_factory=list)
    missing: list[Item] = field(default_factory=list)
    stale: list[Item] = field(default_factory=list)
    hits: list[Item] = field(default_factory=list)

    @property
    def open(self) -> list[Item]:
        """Items that still have to come in (missing or no longer valid)."""
        return self.missing + self.stale


def _country_item(code: str, config: dict[str, Any] | None, why: str) -> Item:
    name = countries.name(code, config)
    if code in countries.without_register(config):
        return Item(
            f"niekaralnosc-{code}",
            _("Oświadczenie o niekaralności — {country} (brak rejestru karnego)", country=name),
            DECLARATION,
            form="oswiadczenie-o-niekaralnosci",
            country=code,
        )
    label = (
        _("Informacja z rejestru karnego państwa obywatelstwa — {country}", country=name)
        if why == "citizenship"
        else _("Informacja z rejestru karnego państwa zamieszkania — {country}", country=name)
    )
    return Item(f"rejestr-{code}", label, CHECK, country=code)


def required_items(person: dict[str, Any], config: dict[str, Any] | None) -> list[Item]:
    """Every item the person's situation requires, in the order they are usually collected."""
    if person.get("zwolnienie"):
        return []
    items = [
        Item("rspts", _("RSPTS — rejestr z dostępem ograniczonym"), CHECK),
        Item("rspts-pk", _("RSPTS — rejestr Państwowej Komisji (publiczny)"), CHECK),
        Item("krk", _("Informacja z Krajowego Rejestru Karnego"), CHECK),
    ]
    citizenships = person.get("obywatelstwa") or [countries.POLAND]
    items += [_country_item(c, config, "citizenship") for c in citizenships if c != countries.POLAND]
    items.append(
        Item("kraje", _("Oświadczenie o krajach zamieszkania"), DECLARATION, form="oswiadczenie-o-krajach-zamieszkania")
    )
    items += [
        _country_item(c, config, "residence")
        for c in person.get("kraje_zamieszkania") or []
        if c != countries.POLAND and c not in citizenships
    ]
    items.append(
        Item(
            "standardy",
            _("Oświadczenie o zapoznaniu się ze standardami"),
            DECLARATION,
            form="oswiadczenie-o-zapoznaniu-ze-standardami",
        )
    )
    return items


def krk_max_age_months(config: dict[str, Any] | None) -> int | None:
    """The unit's maximum age of KRK information in months (``[vetting] krk_max_age_months``), or None."""
    value = ((config or {}).get("vetting") or {}).get("krk_max_age_months")
    return int(value) if value else None


def _months_before(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for d in (day.day, 30, 29, 28):  # 31 March minus one month is the last day of February
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def standing(person: dict[str, Any], config: dict[str, Any] | None, today: date) -> Standing:
    """The person's state on ``today`` with what is missing, stale (KRK too old) or a hit."""
    results = person.get("items") or {}
    if person.get("blocked"):
        # Before the exemption check: a hit cannot be made harmless by exempting the person afterwards.
        required = required_items({**person, "zwolnienie": None}, config)
        return Standing(
            BLOCKED, required=required, hits=[i for i in required if (results.get(i.key) or {}).get("status") == HIT]
        )
    if person.get("zwolnienie"):
        return Standing(EXEMPT)
    required = required_items(person, config)
    out = Standing(INCOMPLETE, required=required)
    max_age = krk_max_age_months(config)
    oldest = _months_before(today, max_age) if max_age else None
    for item in required:
        result = results.get(item.key)
        if result is None:
            out.missing.append(item)
        elif result["status"] == HIT:
            out.hits.append(item)
        elif item.key == "krk" and oldest is not None and date.fromisoformat(result["date"]) < oldest:
            out.stale.append(item)
    # A hit on any item, also one no longer required, blocks for good.
    if out.hits or person.get("blocked") or any(r.get("status") == HIT for r in results.values()):
        out.state = BLOCKED
    elif not out.open:
        out.state = CLEARED
    return out


def starts_soon(person: dict[str, Any], state: Standing, today: date, days: int) -> bool:
    """True when the person is not cleared and starts work with children within ``days`` (or already has)."""
    start = person.get("start")
    return state.state in (INCOMPLETE, BLOCKED) and bool(start) and (date.fromisoformat(start) - today).days <= days


def find_item(person: dict[str, Any], key: str, config: dict[str, Any] | None) -> Item | None:
    """The required item named ``key``; ``rejestr-Niemcy`` and ``rejestr-de`` mean ``rejestr-DE``."""
    key = key.strip()
    prefix, _dash, rest = key.partition("-")
    if prefix in ("rejestr", "niekaralnosc") and rest:
        code = countries.resolve(rest, config)
        key = f"{prefix}-{code}" if code else key
    return next((i for i in required_items(person, config) if i.key == key.lower() or i.key == key), None)
