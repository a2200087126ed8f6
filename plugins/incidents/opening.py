"""What opening an intervention case asks: the questions of ``somflow interwencje new`` and of ``/interwencje/nowa``.

One list (:func:`questions`) serves both faces (:mod:`somflow.casework.opening` asks and checks
them: the kind among the plugin's kinds, each answer about the event by the rules of its field
in the service note's spec), and :func:`payload` puts the answers in the shape
``somflow interwencje new --data`` reads, for :func:`somflow_incidents.cases.create_case` — which
then checks the whole as it does for a file (a household suspect, the head as the suspect…).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from somflow_incidents.kinds import TYPES

from somflow.casework.opening import Question
from somflow.i18n import _

NOTE = "notatka-sluzbowa"
#: The answers that go into the service note as they are (question name = the note's field).
NOTE_FIELDS = (
    "dziecko_imie_nazwisko",
    "dziecko_klasa_grupa",
    "data_powziecia",
    "sposob_powziecia",
    "miejsce_zdarzenia",
    "czas_zdarzenia",
    "opis",
    "autor",
)


def questions() -> tuple[Question, ...]:
    """The questions in the order they are asked, labels in the user's language."""
    kinds = tuple((kind, _(TYPES[kind].title)) for kind in TYPES)
    return (
        Question("typ", _("Rodzaj krzywdzenia"), choices=kinds),
        Question("dziecko_imie_nazwisko", _("Imię i nazwisko dziecka"), NOTE, "dziecko_imie_nazwisko"),
        Question("dziecko_klasa_grupa", _("Klasa lub grupa dziecka"), NOTE, "dziecko_klasa_grupa", required=False),
        Question("data_powziecia", _("Data powzięcia informacji (np. 3.12.2026)"), NOTE, "data_powziecia", today=True),
        Question("sposob_powziecia", _("Sposób powzięcia informacji"), NOTE, "sposob_powziecia"),
        Question("miejsce_zdarzenia", _("Miejsce zdarzenia"), NOTE, "miejsce_zdarzenia", required=False),
        Question("czas_zdarzenia", _("Czas zdarzenia"), NOTE, "czas_zdarzenia", required=False),
        Question("opis", _("Opis zdarzenia lub okoliczności"), NOTE, "opis"),
        Question("autor", _("Autor notatki (imię i nazwisko, stanowisko)"), NOTE, "autor"),
        Question("sprawca", _("Osoba podejrzewana o krzywdzenie: imię i nazwisko"), NOTE, "sprawca", required=False),
        Question("relacja", _("Kim jest dla dziecka (stanowisko, klasa, relacja)"), NOTE, "sprawca", required=False),
    )


def payload(answers: Mapping[str, Any], today: str) -> dict[str, Any]:
    """The (checked) answers given so far in the shape ``somflow interwencje new --data`` reads (and a draft keeps).

    The note is dated ``today`` (the day it is written, as the CLI always did); the suspect
    is left out when neither the name nor the relation was given.
    """
    note = {name: answers[name] for name in NOTE_FIELDS if name in answers}
    note["data_sporzadzenia"] = today
    suspect = {
        key: answers[name] for key, name in (("imie_nazwisko", "sprawca"), ("relacja", "relacja")) if name in answers
    }
    result: dict[str, Any] = {"notatka": note, "sprawca": suspect}
    if "typ" in answers:
        result["typ"] = answers["typ"]
    return result
