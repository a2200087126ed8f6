"""What opening a case asks: the questions of ``somflow nk new`` and of the web page ``/nk/nowa``.

One list (:func:`questions`) serves both faces (:mod:`somflow.casework.opening` asks and
checks them: each answer by the rules of its field in the service note's or the NK-A's
spec), and :func:`payload` puts the answers in the shape
``somflow nk new --data`` reads, for :func:`somflow_niebieska_karta.cases.create_case`
— which then checks the whole as it does for a file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from somflow.casework.opening import Question
from somflow.i18n import _

NOTE, NKA = "notatka-sluzbowa", "niebieska-karta-a"


def questions() -> tuple[Question, ...]:
    """The questions in the order they are asked, labels in the user's language."""
    return (
        Question("dziecko", _("Imię i nazwisko dziecka"), NOTE, "dziecko_imie_nazwisko"),
        Question("dziecko_pesel", _("PESEL dziecka"), NOTE, "dziecko_pesel", required=False),
        Question("wiek", _("Wiek dziecka"), NKA, "osoby_doznajace.wiek"),
        Question(
            "sprawca",
            _("Osoba podejrzewana o stosowanie przemocy: imię i nazwisko"),
            NKA,
            "osoby_stosujace.imie_nazwisko",
        ),
        Question("relacja", _("Kim jest dla dziecka (np. ojciec, matka, partner matki)"), NOTE, "sprawca"),
        Question("sprawcy_rodzice", _("Czy podejrzewanymi są rodzice lub opiekunowie prawni?")),
        Question("data_powziecia", _("Data powzięcia informacji (np. 3.12.2026)"), NOTE, "data_powziecia", today=True),
        Question("sposob_powziecia", _("Sposób powzięcia informacji"), NOTE, "sposob_powziecia"),
        Question("opis", _("Opis zdarzenia lub okoliczności"), NOTE, "opis"),
        Question("autor", _("Autor notatki (imię i nazwisko, stanowisko)"), NOTE, "autor"),
    )


def payload(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The (checked) answers given so far in the shape ``somflow nk new --data`` reads (and a draft keeps).

    The child is the first person of NK-A section I, minor below 18; the suspect the first of
    section III, whose relation to the child is also the note's "sprawca"; the note is made on
    the day the information came.
    """
    note: dict[str, Any] = {}
    victim: dict[str, Any] = {}
    suspect: dict[str, Any] = {}
    if "dziecko" in answers:
        victim["imie_nazwisko"] = answers["dziecko"]
    if answers.get("dziecko_pesel") is not None:
        victim["pesel"] = answers["dziecko_pesel"]
    if "wiek" in answers:
        victim["wiek"] = answers["wiek"]
        victim["maloletni"] = "tak" if answers["wiek"] < 18 else "nie"
    if "sprawca" in answers:
        suspect["imie_nazwisko"] = answers["sprawca"]
    if "relacja" in answers:
        note["sprawca"] = suspect["relacja"] = answers["relacja"]
    if "data_powziecia" in answers:
        note["data_powziecia"] = note["data_sporzadzenia"] = answers["data_powziecia"]
    for name in ("sposob_powziecia", "opis", "autor"):
        if name in answers:
            note[name] = answers[name]
    result: dict[str, Any] = {"notatka": note, "nka": {"osoby_doznajace": [victim], "osoby_stosujace": [suspect]}}
    if "sprawcy_rodzice" in answers:
        result["sprawcy_rodzice"] = answers["sprawcy_rodzice"]
    return result
