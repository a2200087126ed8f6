"""Filling a catalogue form from flat answers, as a web form sends them: the fields to ask, the problems per field.

The answers use the names a CSV column uses (:func:`somflow.forms.datafile.unflatten`):
``pesel`` for a field, ``osoby-2-pesel`` for the second row of a repeating group.
Empty answers are left out (an empty cell never counts as an answer), the data goes
through the same schema and plugin rules as ``somflow fill``, and each problem comes
back under the field it belongs to, so a page can show it beside that field.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from somflow.errors import InvalidInput
from somflow.forms.catalog import get
from somflow.forms.datafile import unflatten
from somflow.forms.documents import generate
from somflow.forms.schema import VOIVODESHIPS, Problem, flat_key, normalise_fields, rule
from somflow.forms.spec import Field, FormSpec
from somflow.i18n import pick
from somflow.workspace import Workspace

#: Rows of a repeating group offered on one page (more go on the continuation sheet of a second filling).
MAX_ROWS = 5


@dataclass(frozen=True)
class Question:
    """One input of the form: its flat ``key``, the spec's field, its label, what a valid answer looks like
    and, for a choice, the ``(value, label)`` options."""

    key: str
    field: Field
    label: str
    hint: str
    options: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Part:
    """A section, or one row of a repeating group, with its questions."""

    title: str
    questions: tuple[Question, ...]


@dataclass
class Filled:
    """The outcome of :func:`fill`: the document made, or the problems per field key (None: the form as a whole)."""

    document: dict[str, Any] | None = None
    problems: dict[str | None, list[str]] = field(default_factory=dict)


def _question(f: Field, row: int | None = None, group: str | None = None) -> Question:
    if f.type == "voivodeship":
        options = tuple((v, v) for v in VOIVODESHIPS)
    else:
        options = tuple((c.value, pick(c.label)) for c in f.choices)
    return Question(flat_key(f.name, row, group), f, pick(f.label), rule(f), options)


def questions(spec: FormSpec, omit: Collection[str] = ()) -> list[Part]:
    """The form's inputs in print order: each section's fields, then each group's rows (at least one, at most ``MAX_ROWS``).

    ``omit``: fields not asked, because the caller fills them (a case's support plan takes the
    child's name and the plan's date from the case and its step).
    """
    parts = []
    for section in spec.sections:
        asked = tuple(_question(f) for f in section.fields if f.name not in omit)
        if asked:
            parts.append(Part(section.heading(), asked))
        for g in section.groups:
            for row in range(1, max(1, min(g.max, MAX_ROWS)) + 1):
                title = pick(g.row_label).format(n=row) if g.row_label else f"{pick(g.label)} {row}"
                parts.append(Part(title, tuple(_question(f, row, g.name) for f in g.fields)))
    return parts


def answers_to_data(spec: FormSpec, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The form's data from flat answers: blanks dropped; a group row keeps its number (row 2 stays row 2,
    so its problems are shown beside its fields), rows after the last one answered are left out."""
    given = {}
    for key, value in answers.items():
        if isinstance(value, list):
            value = [v for v in value if str(v).strip()]
        elif isinstance(value, str):
            value = value.strip()
        if value not in ("", [], None):
            given[key] = value
    data = unflatten(spec, given)
    for _section, g in spec.groups():
        rows = data.get(g.name)
        while isinstance(rows, list) and rows and not rows[-1]:  # rows after the last one answered are not there
            rows.pop()
    return data


def check(
    workspace: Workspace, spec: FormSpec, answers: Mapping[str, Any], omit: Collection[str] = ()
) -> tuple[dict[str, Any], Filled]:
    """The normalised data and the problems of ``answers`` per field key (empty when all is well).

    ``omit``: fields the caller fills (as in :func:`questions`); their problems are the caller's
    to find once it has filled them, so none is reported here.
    """
    try:
        data = answers_to_data(spec, answers)
    except InvalidInput as exc:
        return {}, Filled(problems={None: exc.messages})
    document, found = normalise_fields(workspace, spec, data)
    problems: dict[str | None, list[str]] = {}
    for problem in dict.fromkeys(found):
        if problem.key not in omit:
            problems.setdefault(_shown_at(spec, problem), []).append(problem.message)
    return document, Filled(problems=problems)


def _shown_at(spec: FormSpec, problem: Problem) -> str | None:
    """A problem of a whole group row ("osoby-2") goes with the form's general problems: no single input is wrong."""
    keys = {q.key for part in questions(spec) for q in part.questions}
    return problem.key if problem.key in keys else None


def fill(
    workspace: Workspace,
    form_id: str,
    answers: Mapping[str, Any],
    *,
    record: dict[str, str] | None = None,
    lang: str | None = None,
    flatten: bool = False,
    created_by: str | None = None,
) -> Filled:
    """Check ``answers`` for the form ``form_id`` and, when all is well, make the document (as ``somflow fill`` does)."""
    spec = get(workspace, form_id)
    data, filled = check(workspace, spec, answers)
    if filled.problems:
        return filled
    try:
        filled.document = generate(
            workspace, spec.id, data, record=record, lang=lang, flatten=flatten, created_by=created_by
        )
    except InvalidInput as exc:
        filled.problems = {None: exc.messages}
    return filled
