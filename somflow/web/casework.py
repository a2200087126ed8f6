"""What every procedure's case pages share: opening a case from its questions, a case's documents, a step's date.

A procedure's web module (``/nk``, ``/interwencje``) keeps its own words and calls its own
functions — the ones its CLI calls; what does not depend on the procedure is here, with the
templates ``case_new.html`` (the questions of opening a case) and ``casework.html`` (macros for
the timeline, the support plan's tasks, the documents table and the step form).

A step that carries a form's data (the plan step its ``plan-wsparcia``, the meeting its protocol:
what the CLI takes with ``--data``) asks the form's fields on the step form, generated from the
spec by :mod:`somflow.forms.entry` as the catalogue's pages are (:class:`StepData`); the answers
are checked by the spec's rules, each problem shown beside its field, and become the data in the
shape a ``--data`` file has, for the procedure's own ``record_step``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from somflow import calendar
from somflow.casework import printing
from somflow.casework.opening import Question, check_all, field_of
from somflow.errors import InvalidInput, SomflowError
from somflow.forms import entry
from somflow.forms.catalog import get, registry
from somflow.forms.schema import rule
from somflow.i18n import _, pick
from somflow.web.downloads import attachment, file_name
from somflow.web.render import page


def question_fields(
    request: Request, questions: Iterable[Question], given: Any, problems: dict[str | None, list[str]]
) -> tuple[list[dict[str, Any]], list[tuple[str | None, str]]]:
    """One input per question (with the answer given and its problems) and the summary above the form.

    ``problems``: by question name (None: the case as a whole, as the procedure refused it); the
    summary names the question of each problem and links to its field.
    """
    workspace = request.state.workspace
    fields = []
    summary: list[tuple[str | None, str]] = [(None, message) for message in problems.get(None, [])]
    for question in questions:
        kind, hint, rows, options = "select", "", 1, list(question.choices)
        if question.form is not None:
            field = field_of(workspace, question)[1]
            kind = {"multiline": "textarea", "integer": "number"}.get(field.type, "text")
            hint = rule(field) if field.type not in ("text", "multiline") else ""
            rows = min(max(field.lines, 2), 6)
        elif not options:  # a yes/no question; the values stay the CLI's words
            options = [("tak", _("tak")), ("nie", _("nie"))]
        errors = problems.get(question.name, [])
        summary += [(question.name, f"{question.label} — {problem}") for problem in errors]
        default = calendar.today().isoformat() if question.today else ""
        fields.append(
            {
                "name": question.name,
                "label": question.label,
                "kind": kind,
                "options": options,
                "hint": hint,
                "required": question.required,
                "rows": rows,
                "value": given.get(question.name, "") if given is not None else default,
                "errors": [problem[:1].upper() + problem[1:] for problem in errors],
            }
        )
    return fields, summary


def documents(request: Request, case: dict[str, Any], base: str) -> list[dict[str, str]]:
    """The case's documents for the screen: the form's title, the day, the id and where it downloads (``base/<id>``)."""
    forms = registry(request.state.workspace)
    return [
        {
            "id": held.id,
            "title": pick(forms[held.form].title) if held.form in forms else held.form or _("dokument"),
            "day": held.day,
            "href": f"{base}/{held.id}",
        }
        for held in printing.held_documents(case)
    ]


def document(request: Request, case: dict[str, Any], label: str) -> Response:
    """The PDF somflow wrote for the case's document ``doc_id``, named ``<label>-<form>-<day>.pdf``; 404 when not held."""
    try:
        held, content = printing.document_pdf(request.state.workspace, case, request.path_params["doc_id"])
    except SomflowError as exc:
        return page(request, _("Nie znaleziono"), str(exc), status=404)
    return attachment(content, file_name(label, held.form, day=calendar.parse_date(held.day)))


def found_case(request: Request, find: Callable[[Any, str], dict[str, Any]], missing: str) -> dict[str, Any] | Response:
    """The case the path's ``case_id`` names (``find(workspace, ref)``), or the 404 page saying ``missing``."""
    try:
        return find(request.state.workspace, request.path_params["case_id"])
    except SomflowError:
        return page(request, _("Nie znaleziono"), missing, status=404)


def step_day(form: Any) -> tuple[date | None, list[str]]:
    """The step's date from the form's ``dnia`` (blank: today, as the CLI's --dnia) and the problem with it."""
    if not form.get("dnia"):
        return None, []
    day = calendar.parse_date(form["dnia"])
    if day is None:
        return None, [_("Data kroku: nieprawidłowa data (oczekiwano RRRR-MM-DD albo DD.MM.RRRR).")]
    return day, []


def new_case_form(
    request: Request,
    questions: Iterable[Question],
    *,
    title: str,
    intro: str,
    action: str,
    back: str,
    given: Any = None,
    problems: dict[str | None, list[str]] | None = None,
    status: int = 200,
) -> Response:
    """The page asking ``questions`` to open a case (posted to ``action``); after a refusal the answers and problems.

    ``problems``: by question name (None: the case as a whole, as the procedure refused it).
    """
    fields, summary = question_fields(request, questions, given, problems or {})
    return page(
        request,
        title,
        template="case_new.html",
        status=status,
        fields=fields,
        summary=summary,
        intro=intro,
        action=action,
        back=back,
    )


def open_from_answers(
    request: Request, questions: Iterable[Question], create: Callable[[dict[str, Any]], dict[str, Any]]
) -> tuple[dict[str, Any] | None, dict[str | None, list[str]]]:
    """Check each posted answer by its rules, then ``create(answers)`` the case (which checks the whole).

    Returns the case, or None and the problems by question name (None: the case as a whole).
    """
    questions = tuple(questions)
    answers, wrong = check_all(request.state.workspace, questions, request.state.form)
    problems: dict[str | None, list[str]] = {name: [problem] for name, problem in wrong.items()}
    if problems:
        return None, problems
    try:
        return create(answers), {}
    except InvalidInput as exc:
        return None, {None: exc.messages}


@dataclass(frozen=True)
class StepData:
    """The form whose data a step carries (the CLI's ``--data``): the step ``kind``, the ``form`` and the fields
    the procedure fills itself from the case and the step (``omit``: not asked)."""

    kind: str
    form: str
    omit: tuple[str, ...] = ()

    @property
    def prefix(self) -> str:
        """The inputs' names start with the step (``plan-zadania-2-termin``), apart from the step form's own."""
        return f"{self.kind}-"


def data_forms(
    request: Request, forms: Iterable[StepData], given: Any, problems: dict[str, list[str]], open_kind: str = ""
) -> list[dict[str, Any]]:
    """Each step's form for the step form: the step, the form's title and its parts, each input with its
    name, the values given and its problems. ``open_kind``: the step whose form is shown unfolded (the one
    chosen, else the next step)."""
    shown = []
    for data in forms:
        spec = get(request.state.workspace, data.form)
        parts = [
            {
                "title": part.title,
                "questions": [
                    {
                        "q": q,
                        "name": data.prefix + q.key,
                        "given": given.getlist(data.prefix + q.key) if given is not None else [],
                        "errors": problems.get(data.prefix + q.key, []),
                    }
                    for q in part.questions
                ],
            }
            for part in entry.questions(spec, data.omit)
        ]
        wrong = any(q["errors"] for part in parts for q in part["questions"])
        shown.append(
            {"kind": data.kind, "title": pick(spec.title), "parts": parts, "open": wrong or data.kind == open_kind}
        )
    return shown


def step_data(request: Request, data: StepData) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The step's form data from the posted answers, in the shape of a ``--data`` file (ISO dates, numbers, yes/no),
    and the problems by input name (empty: all is well)."""
    workspace = request.state.workspace
    spec = get(workspace, data.form)
    form = request.state.form
    multi = {q.key for part in entry.questions(spec) for q in part.questions if q.field.type == "multichoice"}
    answers = {}
    for name in form:
        if name.startswith(data.prefix):
            key = name[len(data.prefix) :]
            values = form.getlist(name)
            answers[key] = values if key in multi else (values[0] if values else "")
    checked, filled = entry.check(workspace, spec, answers, data.omit)
    problems = {(data.prefix + key if key else ""): messages for key, messages in filled.problems.items()}
    return checked, problems
