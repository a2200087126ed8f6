"""What opening a case asks: the questions of ``somflow nk new`` and of the web page ``/nk/nowa``.

One list (:func:`questions`) serves both faces: the terminal asks the questions in
order, the page shows one input per question. Each answer is checked by the rules
of its field in the service note's or the NK-A's spec (:func:`check`, the check the
prompts make), and :func:`payload` puts the answers in the shape
``somflow nk new --data`` reads, for :func:`somflow_niebieska_karta.cases.create_case`
— which then checks the whole as it does for a file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from somflow.forms.catalog import get
from somflow.forms.schema import check_value
from somflow.forms.spec import Field, FormSpec
from somflow.i18n import _
from somflow.workspace import Workspace

NOTE, NKA = "notatka-sluzbowa", "niebieska-karta-a"
YES, NO = ("t", "tak", "y", "yes"), ("n", "nie", "no")


@dataclass(frozen=True)
class Question:
    """One question: the answer's ``name`` (the page's input), its label in the user's language, whose rules check it.

    ``form`` and ``field`` name the spec field the answer is checked by (``"group.field"`` for a
    field of a repeating group); without a form the question is a yes/no one. ``required``
    overrides the field's own flag (the note's "sprawca" is optional on paper, not here);
    ``today`` makes today's date the default answer.
    """

    name: str
    label: str
    form: str | None = None
    field: str = ""
    required: bool = True
    today: bool = False


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


def field_of(workspace: Workspace, question: Question) -> tuple[FormSpec, Field]:
    """The spec and the field whose rules check ``question``'s answer, labelled and required as the question is."""
    spec = get(workspace, question.form)
    group, _dot, name = question.field.rpartition(".")
    fields = spec.group(group).fields if group else (spec.field(name),)
    field = next(f for f in fields if f.name == name)
    return spec, replace(field, label=question.label, required=question.required)


def check(workspace: Workspace, question: Question, answer: Any) -> tuple[Any, str | None]:
    """One answer checked alone: the normalised value (None: not given) and the problem, or None when it is fine."""
    text = str(answer if answer is not None else "").strip()
    if question.form is None:
        if text.lower() in YES:
            return True, None
        if text.lower() in NO:
            return False, None
        return None, _("odpowiedz „tak” albo „nie”")
    if not text and not question.required:
        return None, None
    spec, field = field_of(workspace, question)
    # a blank answer is no answer ("pole wymagane"), not a wrong number or date
    return check_value(spec, field, (answer.strip() or None) if isinstance(answer, str) else answer)


def check_all(workspace: Workspace, given: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Every answer of ``given`` (by question name) checked: the normalised answers and each wrong one's problem."""
    answers: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for question in questions():
        value, problem = check(workspace, question, given.get(question.name))
        if problem is not None:
            problems[question.name] = problem
        elif value is not None:
            answers[question.name] = value
    return answers, problems


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
