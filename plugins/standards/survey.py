"""The monitoring survey: rounds, anonymous answers (typed in or imported from CSV) and their summary.

The questions are the fields of the survey forms in ``forms/`` (one spec per
form, nothing written twice). A round (``survey_rounds``: ``survey``, ``date``)
is one run of a survey; answers (``survey_responses``: ``round``, ``survey``,
``answers``, ``source``) carry no name or any other field outside the form, so
a respondent cannot be told from the store. Free-text answers are listed in
alphabetical order, not in the order typed, and a round with fewer than
:data:`MIN_GROUP` answers shows no counts, so a single person's answers are not
laid bare.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from somflow import forms, unitkind, vocabulary
from somflow.corrections import counting
from somflow.errors import InvalidInput
from somflow.forms import datafile
from somflow.forms.spec import Field, with_words
from somflow.i18n import _
from somflow.store import Store

ROUNDS = "survey_rounds"
RESPONSES = "survey_responses"
FORMS_DIR = Path(__file__).parent / "forms"
SURVEYS = {"personel": "ankieta-monitoring-personel", "rodzice": "ankieta-monitoring-rodzice"}
MIN_GROUP = 3
NO_ANSWER = "brak"


CLOSED_TYPES = ("choice", "checkbox")


@cache
def questions(form_id: str, unit: str = "placowka") -> tuple[Field, ...]:
    """The questions of a survey form: the fields of its spec, in order, worded for the unit's type (:mod:`somflow.unitkind`)."""
    spec = with_words(forms.load_spec(FORMS_DIR / f"{form_id}.yaml"), unitkind.WORDS[unit])
    return tuple(f for section in spec.sections for f in section.fields)


def form_id(survey: str) -> str:
    if survey not in SURVEYS:
        raise InvalidInput(
            [_("Ankieta „{survey}” nie istnieje; wybierz jedną z: {names}.", survey=survey, names=", ".join(SURVEYS))]
        )
    return SURVEYS[survey]


# ---------------------------------------------------------------- rounds


def start_round(store: Store, survey: str, day: date) -> dict[str, Any]:
    return store.insert(ROUNDS, {"survey": form_id(survey), "date": day.isoformat()})


def rounds(store: Store, survey: str | None = None) -> list[dict[str, Any]]:
    found = store.query(ROUNDS, {"survey": form_id(survey)} if survey else None)
    return sorted(found, key=lambda r: (r["date"], r["id"]))


def latest_round(store: Store, survey: str) -> dict[str, Any] | None:
    found = rounds(store, survey)
    return found[-1] if found else None


def round_for(store: Store, survey: str, round_id: str | None) -> dict[str, Any]:
    if round_id:
        match = [r for r in rounds(store, survey) if r["id"] == round_id or r["date"] == round_id]
        if not match:
            raise InvalidInput([_("Nie znaleziono badania ankietowego {id}.", id=round_id)])
        return match[-1]
    latest = latest_round(store, survey)
    if latest is None:
        raise InvalidInput(
            [_("Najpierw rozpocznij badanie: somflow standards survey start --survey {survey}", survey=survey)]
        )
    return latest


# --------------------------------------------------------------- answers


def clean(form: str, raw: dict[str, Any], where: str = "") -> tuple[dict[str, Any], list[str]]:
    """Answers checked against the form: known questions only, allowed values; returns (answers, problems)."""
    by_name = {q.name: q for q in questions(form)}
    answers: dict[str, Any] = {}
    problems: list[str] = []
    prefix = f"{where}: " if where else ""
    for key, value in raw.items():
        key = str(key).strip()
        text = "" if value is None else str(value).strip()
        if key not in by_name:
            if text:
                problems.append(
                    prefix
                    + _(
                        "„{key}” nie jest pytaniem tej ankiety (ankieta jest anonimowa: bez imion i innych danych).",
                        key=key,
                    )
                )
            continue
        if not text:
            continue
        q = by_name[key]
        if q.type in CLOSED_TYPES:
            words = vocabulary.Vocabulary.of_choices(q.choices, "„{value}” nie jest dozwoloną odpowiedzią.")
            value_ok = words.resolve(text)
            if value_ok is None:
                problems.append(prefix + _("pytanie {key}:", key=key) + " " + words.problem(text))
                continue
            answers[key] = value_ok
        else:
            answers[key] = text
    return answers, problems


def add_response(
    store: Store, round_rec: dict[str, Any], raw: dict[str, Any], source: str = "reczne"
) -> dict[str, Any]:
    answers, problems = clean(round_rec["survey"], raw)
    if problems:
        raise InvalidInput(problems)
    return store.insert(
        RESPONSES, {"round": round_rec["id"], "survey": round_rec["survey"], "answers": answers, "source": source}
    )


def import_csv(store: Store, round_rec: dict[str, Any], path: Path) -> int:
    """Import one respondent per CSV row; any bad row rejects the whole file (rows and columns named)."""
    rows, _batch = datafile.load(path)  # the forms engine's reader: UTF-8, "," or ";" separated
    answers_per_row, problems = [], []
    for number, row in enumerate(rows, start=2):
        answers, row_problems = clean(
            round_rec["survey"], row, _("Plik {file}, wiersz {row}", file=path.name, row=number)
        )
        problems += row_problems
        if answers:
            answers_per_row.append(answers)
    if not answers_per_row and not problems:
        problems.append(_("Plik {file} nie zawiera żadnych odpowiedzi.", file=path.name))
    if problems:
        raise InvalidInput([*problems, _("Nic nie zaimportowano.")])
    with store.transaction():
        for answers in answers_per_row:
            store.insert(
                RESPONSES,
                {"round": round_rec["id"], "survey": round_rec["survey"], "answers": answers, "source": "csv"},
            )
    return len(answers_per_row)


# --------------------------------------------------------------- summary


@dataclass
class QuestionSummary:
    question: Field
    counts: Counter = field(default_factory=Counter)  # choice value (or NO_ANSWER) -> count
    texts: list[str] = field(default_factory=list)


@dataclass
class Summary:
    survey: str
    round: dict[str, Any]
    respondents: int
    questions: list[QuestionSummary]

    @property
    def suppressed(self) -> bool:
        return self.respondents < MIN_GROUP


def responses(store: Store, round_rec: dict[str, Any]) -> list[dict[str, Any]]:
    """The round's questionnaires that count (withdrawn ones left out, see ``entries.py``)."""
    return counting(store.query(RESPONSES, {"round": round_rec["id"]}))


def summarize(store: Store, round_rec: dict[str, Any], unit: str = "placowka") -> Summary:
    """Counts of the round's answers per question; ``unit`` (``somflow.unitkind.unit_type``) words the questions."""
    found = responses(store, round_rec)
    result = []
    for q in questions(round_rec["survey"], unit):
        qs = QuestionSummary(q)
        for r in found:
            value = r["answers"].get(q.name)
            if q.type in CLOSED_TYPES:
                qs.counts[value or NO_ANSWER] += 1
            elif value:
                qs.texts.append(value)
        qs.texts.sort(key=str.casefold)
        result.append(qs)
    return Summary(round_rec["survey"], round_rec, len(found), result)
