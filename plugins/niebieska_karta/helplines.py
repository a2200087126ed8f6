"""National helplines printed on NK-B, in the words of seed 001 (chapter II, "Linie zaufania").

NK-B tells the person experiencing domestic violence where to get help. The unit's own
contacts (``[[contacts]]`` in somflow.toml, the ``somflow_contacts`` hook) come first; these
national lines follow while the form's contact rows have room, and stand alone when the unit
has set up no contacts, so the sheet never says "Kontakt: brak wpisów.". Name, number, hours
and offer are copied from the seed as printed there (only the ";" after two numbers dropped).
The emergency number 112 is already in the form's own text; the seed's "COUCB – co u ciebie"
(585 00 88 85) is a Gdynia line and stays with the Gdynia plugin's local directory.
"""

from __future__ import annotations

from typing import Any

#: In the order NK-B prints them: the domestic-violence line first, then the lines for children and parents.
NATIONAL: tuple[dict[str, str], ...] = (
    {
        "name": "Poradnia Telefoniczna Niebieskiej Linii",
        "phone": "22 668 70 00",
        "hours": "Całodobowo",
        "offer": "Wsparcie dla osób doznających przemocy domowej",
    },
    {
        "name": "Telefon i czat zaufania Rzecznika Praw Dziecka",
        "phone": "800 12 12 12",
        "hours": "Całodobowo",
        "offer": "Anonimowe i bezpłatne wsparcie psychologiczne w kryzysach psychicznych dla dzieci i młodzieży",
    },
    {
        "name": "Telefon i czat Fundacji Dajemy Dzieciom Siłę",
        "phone": "116 111",
        "hours": "Całodobowo",
        "offer": "Anonimowe i bezpłatne wsparcie psychologiczne w kryzysach psychicznych dla dzieci i młodzieży",
    },
    {
        "name": "Telefon wsparcia dla rodziców i nauczycieli",
        "phone": "800 100 100",
        "hours": "Poniedziałek – piątek; 12:00 – 15:00",
        "offer": "Bezpłatne i anonimowe wsparcie dla rodziców i nauczycieli w sprawie bezpieczeństwa dzieci - "
        "pomoc psychologiczna i prawna",
    },
)


def _digits(phone: Any) -> str:
    return "".join(ch for ch in str(phone or "") if ch.isdigit())


def with_national(local: list[dict[str, Any]], room: int) -> list[dict[str, Any]]:
    """The unit's contacts, then the national helplines it does not list already, up to ``room`` entries.

    The local contacts are all kept (more than ``room`` go to the continuation sheet); a national
    line is left out when a local contact has its number (a unit may list the same line itself).
    """
    listed = {_digits(c.get("phone")) for c in local}
    national = [dict(line) for line in NATIONAL if _digits(line["phone"]) not in listed]
    return [*local, *national[: max(room - len(local), 0)]]
