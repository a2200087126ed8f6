"""The intervention pages of ``somflow serve``: the register of cases, opening one, a case's timeline, plan and documents.

Only the coordinator and the head see them (:data:`somflow.web.roles.INCIDENT_CASES`): anyone
else gets 403, audited by the application. A new case is asked the questions of
``somflow interwencje new`` (:mod:`somflow_incidents.opening`) and opened by
:func:`~somflow_incidents.cases.create_case`; a step goes through
:func:`somflow_incidents.cases.record_step` — the function ``somflow interwencje step`` calls,
with the details :func:`somflow_incidents.overview.step_details` makes of the same answers — so
every rule holds here too (the kind's path, dates, the suspect never on the team); a refused case
or step shows the same messages and changes nothing. The plan step asks the fields of ``plan-wsparcia``
and the meeting those of its protocol (``protokol-spotkania``), as ``--data`` gives them to the CLI
(:class:`somflow.web.casework.StepData`). Each document downloads as the PDF somflow
wrote for it (:func:`somflow.casework.printing.document_pdf`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from somflow_incidents import cases, opening, overview, printing
from somflow_incidents.due import next_due
from somflow_incidents.kinds import MEETING_SIDES, RECOMMENDATIONS, TYPES
from somflow_incidents.register import rows
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from somflow import calendar
from somflow.casework import support_plan
from somflow.errors import InvalidInput
from somflow.i18n import _
from somflow.web import casework, roles
from somflow.web.pages import Page
from somflow.web.render import page, tell

TEMPLATES = Path(__file__).parent / "templates"
#: The answers a step form sends besides kind, date and person (names as ``overview.step_details`` takes them).
DETAILS = ("side", "addressee_role", "recommendation", "done", "next_review", "notes")
#: The answers that are lists of names, one a line (the CLI's repeated --czlonek, --uczestnik).
NAMES = ("members", "participants")
MISSING = "Nie ma takiej sprawy interwencyjnej."
#: The steps that carry a form's data (the CLI's --data): the support plan, the meeting's protocol.
DATA = {
    "plan": casework.StepData("plan", support_plan.FORM, support_plan.FROM_CASE),
    "spotkanie": casework.StepData("spotkanie", printing.MEETING, printing.MEETING_FROM_STEP),
}


def cases_list(request: Request) -> Response:
    """The register (open cases; all with ``?wszystkie=1``): number, kind, opened, status, next step and its deadline."""
    everything = request.query_params.get("wszystkie") == "1"
    found = [
        {
            "id": row.case_id,
            "ref": row.ref,
            "kind": _(row.kind),
            "opened": row.opened.isoformat() if row.opened else "—",
            "status": _(row.status),
            "next": row.next_step and _(row.next_step),
            "due": row.due.isoformat() if row.due else "",
            "overdue": row.overdue,
        }
        for row in rows(request.state.workspace, calendar.today(), include_closed=everything)
    ]
    return page(request, _("Interwencje"), template="incidents/list.html", rows=found, everything=everything)


def case_page(
    request: Request,
    *,
    problems: list[str] | None = None,
    fields: dict[str, list[str]] | None = None,
    given: Any = None,
    status: int = 200,
) -> Response:
    """A case: its kind and state, the timeline, the support plan's tasks, the documents and the form to record a step."""
    case = casework.found_case(request, cases.find_case, _(MISSING))
    if isinstance(case, Response):
        return case
    following = cases.next_step(case)
    deadline = next_due(case) if case["status"] == cases.OPEN else None
    form = given or {}
    return page(
        request,
        _("Sprawa {case}", case=cases.case_label(case)),
        template="incidents/case.html",
        status=status,
        case=case,
        kind=_(TYPES[case["typ"]].title),
        state=_(case["status"]),
        child=cases.child_name(case) or "—",
        suspect=cases.suspect_text(case) or "—",
        team=", ".join(case.get("zespol") or []),
        events=overview.timeline(case),
        tasks=support_plan.task_rows(case),
        next_review=case.get("next_review") or "",
        documents=casework.documents(request, case, f"/interwencje/{case['id']}/dokumenty"),
        following=cases.step_title(case, following) if following else "",
        deadline=deadline.isoformat() if deadline else "",
        overdue=bool(deadline and deadline < calendar.today()),
        kinds=[(k, cases.step_title(case, k)) for k in cases.steps_of(case) if k != "zgloszenie"],
        suggested=following or "",
        sides=[(v, overview.word(v)) for v in MEETING_SIDES],
        recommendations=[(v, overview.word(v)) for v in RECOMMENDATIONS],
        problems=problems or [],
        forms=casework.data_forms(request, DATA.values(), given, fields or {}, form.get("krok", following or "")),
        value=lambda name, default="": form.get(name, default) if form else default,
        closed=case["status"] == cases.CLOSED,
    )


def document(request: Request) -> Response:
    """The PDF somflow wrote for a document of the case, e.g. ``int-2026-1-notatka-sluzbowa-2026-11-16.pdf``."""
    case = casework.found_case(request, cases.find_case, _(MISSING))
    if isinstance(case, Response):
        return case
    return casework.document(request, case, cases.case_label(case))


def record_step(request: Request) -> Response:
    """Record a step through ``cases.record_step`` (all rules); refused: the case page again with the messages."""
    form = request.state.form
    case = casework.found_case(request, cases.find_case, _(MISSING))
    if isinstance(case, Response):
        return case
    day, problems = casework.step_day(form)
    kind = form.get("krok", "")
    data, fields = casework.step_data(request, DATA[kind]) if kind in DATA else ({}, {})
    names = {name: [line.strip() for line in form.get(name, "").splitlines() if line.strip()] for name in NAMES}
    details = overview.step_details(kind, data, **names, **{name: form.get(name, "").strip() for name in DETAILS})
    try:
        problems += [message for messages in fields.values() for message in messages]
        if problems:
            raise InvalidInput(problems)
        cases.record_step(
            request.state.workspace, case["id"], kind, day=day, person=form.get("osoba", ""), details=details
        )
    except InvalidInput as exc:
        return case_page(request, problems=exc.messages, fields=fields, given=form, status=400)
    tell(request, _("Zapisano krok sprawy."))
    return RedirectResponse(f"/interwencje/{case['id']}#main", status_code=303)  # the message, not the form


def new_case_page(
    request: Request, *, given: Any = None, problems: dict[str | None, list[str]] | None = None, status: int = 200
) -> Response:
    """The questions of ``somflow interwencje new``; after a refused POST the answers given and each problem beside its field."""
    return casework.new_case_form(
        request,
        opening.questions(),
        title=_("Nowa sprawa interwencyjna"),
        intro=_(
            "Sprawę zakłada się na podstawie notatki służbowej (te same pytania co w poleceniu somflow interwencje new). "
            "Przemoc domowa (rodzic, opiekun, domownik) to procedura „Niebieskie Karty”."
        ),
        action="/interwencje/nowa",
        back="/interwencje",
        given=given,
        problems=problems,
        status=status,
    )


def open_case(request: Request) -> Response:
    """Check each answer by its rules, then open the case through ``cases.create_case`` (the whole checked)."""
    workspace = request.state.workspace
    case, problems = casework.open_from_answers(
        request,
        opening.questions(),
        lambda answers: cases.create_case(
            workspace, opening.payload(answers, calendar.today().isoformat()), person=answers["autor"]
        ),
    )
    if case is None:
        return new_case_page(request, given=request.state.form, problems=problems, status=400)
    tell(
        request,
        _(
            "Założono sprawę {ref} ({kind}). Następny krok: {step}.",
            ref=cases.case_label(case),
            kind=_(TYPES[case["typ"]].title),
            step=cases.step_title(case, cases.next_step(case)),
        ),
    )
    return RedirectResponse(f"/interwencje/{case['id']}#main", status_code=303)


PAGES = [
    Page("/interwencje", "Interwencje", roles.INCIDENT_CASES, cases_list, nav=True, templates=TEMPLATES),
    # before /interwencje/{case_id}, which would take "nowa" for a case
    Page("/interwencje/nowa", "Nowa sprawa interwencyjna", roles.INCIDENT_CASES, new_case_page),
    Page("/interwencje/nowa", "Nowa sprawa interwencyjna", roles.INCIDENT_CASES, open_case, methods=("POST",)),
    Page("/interwencje/{case_id}", "Sprawa interwencyjna", roles.INCIDENT_CASES, case_page),
    Page(
        "/interwencje/{case_id}/krok",
        "Zapisz krok sprawy interwencyjnej",
        roles.INCIDENT_CASES,
        record_step,
        methods=("POST",),
    ),
    Page("/interwencje/{case_id}/dokumenty/{doc_id}", "Dokument sprawy interwencyjnej", roles.INCIDENT_CASES, document),
]
