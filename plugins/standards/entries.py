"""Acknowledgments and survey answers offered for correction (kinds ``potwierdzenie`` and
``ankieta``, see somflow.corrections).

Both are named by their number in the register, counted over every record of the kind
in the order they were entered (nothing is deleted, so a number never changes):
``potwierdzenie#12`` (``standards ack list`` prints it) and ``ankieta#5`` (printed when
it is saved). A withdrawn one stays, marked with who/when/why, and counts nowhere: an
acknowledgment no longer counts as given (the person is back on the list of those
missing), a questionnaire no longer counts in the summary. Correctable: an
acknowledgment's ``data``, ``miejsce`` and ``zakres``; a questionnaire's answers
(``pytanie=odpowiedź``, checked like a new one).
"""

from __future__ import annotations

from typing import Any

from somflow_standards import survey
from somflow_standards.acknowledgments import ACKS

from somflow import calendar, corrections
from somflow.errors import InvalidInput
from somflow.i18n import _
from somflow.store import Store

ACK_KIND, SURVEY_KIND = "potwierdzenie", "ankieta"
#: What a user may type before ``#``, per kind.
PREFIXES = {ACK_KIND: ("potwierdzenie", "potw", "ack"), SURVEY_KIND: ("ankieta", "survey")}
ACK_FIELDS = {"data": "date", "miejsce": "place", "zakres": "scope"}


def number(store: Store, collection: str, record_id: str) -> int:
    """The record's number in its register: its position among every record of the collection, from 1."""
    return next(i for i, r in enumerate(store.query(collection), start=1) if r["id"] == record_id)


def _locate(kind: str, collection: str, label: str):
    def locate(workspace, ref: str) -> list[corrections.Entry]:
        split = corrections.split_ref(ref)
        if split is None or split[0].casefold() not in PREFIXES[kind] or not split[1].isdigit():
            return []
        records = workspace.store.query(collection)
        index = int(split[1]) - 1
        if not 0 <= index < len(records):
            return []
        record = records[index]
        return [corrections.Entry(kind, f"{kind}#{index + 1}", collection, record, None, _(label, n=index + 1), record)]

    return locate


def withdraw(workspace, entry: corrections.Entry, mark: dict[str, Any]) -> dict[str, Any]:
    return {"withdrawn": mark}


def correct_ack(workspace, entry: corrections.Entry, changes: dict[str, str], mark: dict[str, Any]) -> dict[str, Any]:
    values = {ACK_FIELDS[k]: v for k, v in changes.items()}
    if "date" in values:
        day = calendar.parse_date(values["date"])
        if day is None:
            raise InvalidInput([calendar.not_a_date(_("Pole data"), values["date"])])
        if day > calendar.today():
            raise InvalidInput([_("Pole data: data {day} jest w przyszłości.", day=day.isoformat())])
        values["date"] = day.isoformat()
    return corrections.corrected_copy(entry.data, values, mark)


def correct_survey(
    workspace, entry: corrections.Entry, changes: dict[str, str], mark: dict[str, Any]
) -> dict[str, Any]:
    answers, problems = survey.clean(entry.data["survey"], {**entry.data["answers"], **changes})
    if problems:
        raise InvalidInput(problems)
    return corrections.corrected_copy(entry.data, {"answers": answers}, mark)


ACK_ENTRY_KIND = corrections.EntryKind(
    name=ACK_KIND,
    title="potwierdzenie zapoznania ze Standardami",  # Polish; translated when shown
    ref_help="potwierdzenie#NUMER z somflow standards ack list",
    locate=_locate(ACK_KIND, ACKS, "potwierdzenie nr {n}"),
    withdraw=withdraw,
    correct=correct_ack,
    fields={"data": "data zapoznania", "miejsce": "miejsce", "zakres": "zakres informacji"},
)


def survey_entry_kind() -> corrections.EntryKind:
    """The questionnaire kind; its correctable fields are the questions of the survey forms (read when first needed)."""
    questions = {q.name: "pytanie ankiety" for form in survey.SURVEYS.values() for q in survey.questions(form)}
    return corrections.EntryKind(
        name=SURVEY_KIND,
        title="ankieta monitorująca",
        ref_help="ankieta#NUMER podany przy zapisaniu ankiety",
        locate=_locate(SURVEY_KIND, survey.RESPONSES, "ankieta nr {n}"),
        withdraw=withdraw,
        correct=correct_survey,
        fields=questions,
    )
