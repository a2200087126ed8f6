"""The questions that open a case, asked in the terminal (``somflow nk new``, ``somflow interwencje new``) or on a web page.

A procedure lists its questions once (:class:`Question`); the terminal asks them in order
(:func:`ask`), the page shows one input per question. Each answer is checked alone by the
rules of the spec field it fills (:func:`check`, the check the prompts make), so both faces
refuse the same answers with the same words; the procedure then puts the answers in the shape
its ``--data`` file has and opens the case, which checks the whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from somflow.forms.catalog import get
from somflow.forms.schema import check_value
from somflow.forms.spec import Field, FormSpec
from somflow.i18n import _
from somflow.workspace import Workspace

YES, NO = ("t", "tak", "y", "yes"), ("n", "nie", "no")


@dataclass(frozen=True)
class Question:
    """One question: the answer's ``name`` (the page's input), its label in the user's language, whose rules check it.

    ``form`` and ``field`` name the spec field the answer is checked by (``"group.field"`` for a
    field of a repeating group). ``choices`` (value, label) make it a choice of one of them; with
    neither a form nor choices it is a yes/no question. ``required`` overrides the field's own
    flag; ``today`` makes today's date the default answer.
    """

    name: str
    label: str
    form: str | None = None
    field: str = ""
    required: bool = True
    today: bool = False
    choices: tuple[tuple[str, str], ...] = ()


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
    if question.choices:
        if text in dict(question.choices):
            return text, None
        if not text and not question.required:
            return None, None
        return None, _("wybierz jedną z możliwości")
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


def check_all(
    workspace: Workspace, questions: Iterable[Question], given: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Every answer of ``given`` (by question name) checked: the normalised answers and each wrong one's problem."""
    answers: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for question in questions:
        value, problem = check(workspace, question, given.get(question.name))
        if problem is not None:
            problems[question.name] = problem
        elif value is not None:
            answers[question.name] = value
    return answers, problems


def ask(workspace: Workspace, question: Question, today: str = "") -> Any:
    """Ask ``question`` in the terminal until the answer passes its rules (``today``: the default of a date question)."""
    import click

    from somflow.forms.prompts import ask_field, yes_no

    if question.choices:
        for number, (_value, label) in enumerate(question.choices, 1):
            click.echo(f"  {number}. {label}")
        chosen = click.prompt(_("{label} (numer)", label=question.label), type=click.IntRange(1, len(question.choices)))
        return question.choices[chosen - 1][0]
    if question.form is None:
        return yes_no(question.label)
    spec, field = field_of(workspace, question)
    return ask_field(spec, field, today if question.today and today else None)
