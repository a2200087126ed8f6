"""The kinds of harm an intervention case is about, and each kind's path (seed 001 ch. VII, seed 004 §9–10).

Domestic violence (a parent, guardian or another household member) is not here: it is the
"Niebieska Karta" procedure (``somflow nk``), and a case whose suspect lives with the child is
refused with a pointer to it (seed 001: "należy stosować procedurę opisaną w części: Krzywdzenie
ze strony rodziców lub opiekunów dziecka").

Every path starts with the service note and ends with the closure; between them each kind has
the steps its chapter names, in the order the chapter requires them (``Step.requires``).
"""

from __future__ import annotations

from dataclasses import dataclass

from somflow.casework.steps import Step

STAFF, PEER, CYBER, THIRD = "pracownik", "rowiesnik", "cyberprzemoc", "osoba_trzecia"


@dataclass(frozen=True)
class CaseType:
    """A kind of harm: its Polish title, its steps, the fewest members of the team that runs it."""

    title: str
    steps: dict[str, Step]
    team_min: int
    suspect_label: str


def _path(first: str, *, closing: tuple[str, ...], extra: dict[str, Step]) -> dict[str, Step]:
    """The steps every kind shares, after ``first`` (the step that must come before the team acts)."""
    return {
        "zgloszenie": Step("Notatka służbowa (zgłoszenie)", form="notatka-sluzbowa"),
        **extra,
        "spotkanie": Step(
            "Spotkanie z rodzicami (opiekunami) dziecka — protokół", (first,), once=False, form="protokol-spotkania"
        ),
        "zawiadomienie": Step(
            "Zawiadomienie policji/prokuratury o podejrzeniu popełnienia przestępstwa", (first,), once=False
        ),
        "wniosek-sad": Step("Wniosek do sądu rodzinnego o wgląd w sytuację dziecka/rodziny", (first,), once=False),
        "plan": Step("Plan wsparcia", ("zgloszenie",), once=False, form="plan-wsparcia"),
        "przeglad": Step("Przegląd planu wsparcia", ("plan",), once=False),
        "protokol": Step("Protokół interwencji", ("zgloszenie",), once=False, form="protokol-interwencji"),
        "zamkniecie": Step("Zamknięcie sprawy", ("spotkanie", "plan", "protokol", *closing)),
    }


def _peer_path() -> dict[str, Step]:
    """Harm by another child, in person or online (001 "Krzywdzenie rówieśnicze"): a designated worker or a team."""
    return _path(
        "zespol",
        closing=("wyjasnienia",),
        extra={
            "zespol": Step("Wyznaczenie pracownika lub powołanie zespołu interwencyjnego", ("zgloszenie",)),
            "wyjasnienia": Step(
                "Rozmowa z dzieckiem podejrzewanym o krzywdzenie i jego rodzicami (opiekunami)", ("zespol",)
            ),
        },
    )


_PEER_SUSPECT = "Dziecko podejrzewane o krzywdzenie (imię i nazwisko, klasa/grupa), jeśli wiadomo"

TYPES: dict[str, CaseType] = {
    STAFF: CaseType(
        "Krzywdzenie ze strony pracownika (współpracownika)",
        _path(
            "zespol",
            closing=("wyjasnienia", "rekomendacja"),
            extra={
                "odsuniecie": Step("Odsunięcie pracownika od kontaktu z małoletnimi", ("zgloszenie",)),
                "zespol": Step("Powołanie zespołu interwencyjnego", ("odsuniecie",)),
                "wyjasnienia": Step("Wysłuchanie pracownika podejrzanego o krzywdzenie", ("zespol",)),
                "rekomendacja": Step("Rekomendacja zespołu interwencyjnego dla kierownika jednostki", ("wyjasnienia",)),
            },
        ),
        team_min=2,
        suspect_label="Pracownik podejrzany o krzywdzenie (imię i nazwisko, stanowisko)",
    ),
    PEER: CaseType(
        "Krzywdzenie rówieśnicze (przemoc rówieśnicza)", _peer_path(), team_min=1, suspect_label=_PEER_SUSPECT
    ),
    CYBER: CaseType("Przemoc rówieśnicza online (cyberprzemoc)", _peer_path(), team_min=1, suspect_label=_PEER_SUSPECT),
    THIRD: CaseType(
        "Krzywdzenie przez osobę trzecią",
        _path("zespol", closing=(), extra={"zespol": Step("Powołanie zespołu interwencyjnego", ("zgloszenie",))}),
        team_min=2,
        suspect_label="Osoba podejrzana o krzywdzenie (kim jest dla dziecka)",
    ),
}

#: The staff recommendation to the head (seed 001: termination, a disciplinary penalty, or none).
RECOMMENDATIONS = ("rozwiazanie_umowy", "kara_dyscyplinarna", "odstapienie_od_ukarania")
#: Whose guardians a meeting was with: the harmed child's, or (peer harm) the harming child's.
MEETING_SIDES = ("dziecko_krzywdzone", "dziecko_krzywdzace")
#: Relations that make the suspect a household member: domestic violence, the NK procedure.
HOUSEHOLD_WORDS = (
    "matka",
    "ojciec",
    "rodzic",
    "mama",
    "tata",
    "opiekun prawny",
    "opiekunka prawna",
    "ojczym",
    "macocha",
    "partner matki",
    "partnerka ojca",
    "konkubent",
    "konkubina",
    "domownik",
)


def all_steps() -> dict[str, Step]:
    """Every kind's steps in one table (titles of a step shared by kinds may differ: the first kind's wins)."""
    table: dict[str, Step] = {}
    for kind in TYPES.values():
        for name, step in kind.steps.items():
            table.setdefault(name, step)
    return table
