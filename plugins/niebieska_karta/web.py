"""The Niebieska Karta pages of ``somflow serve``: the cases, opening one, a case's timeline and documents, recording a step.

Only the coordinator and the head see them (:data:`somflow.web.roles.NK_CASES`):
anyone else gets 403, audited by the application. A new case is asked the questions
of ``somflow nk new`` (:mod:`somflow_niebieska_karta.opening`) and opened by
:func:`~somflow_niebieska_karta.cases.create_case`; a step goes through
:func:`somflow_niebieska_karta.cases.record_step` — the function ``somflow nk step``
calls — so every rule holds here too (order of steps, dates, NK-B never handed to
a suspected perpetrator); a refused case or step shows the same Polish messages and
changes nothing. The plan step asks the fields of ``plan-wsparcia``, as ``--data`` gives them to
``somflow nk step plan`` (:class:`somflow.web.casework.StepData`). Each document the case holds (the service note, NK-A, NK-B, letters…)
downloads as the PDF somflow wrote for it (:func:`somflow.casework.printing.document_pdf`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from somflow_niebieska_karta import cases as nk_cases
from somflow_niebieska_karta import opening, overview
from somflow_niebieska_karta.due import next_due
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from somflow import calendar, refs
from somflow.casework import support_plan
from somflow.errors import InvalidInput
from somflow.i18n import _
from somflow.web import casework, roles
from somflow.web.pages import Page
from somflow.web.render import page, tell

TEMPLATES = Path(__file__).parent / "templates"
#: The answers a step form sends besides kind, date and person (names as ``overview.step_details`` takes them).
DETAILS = (
    "recipient",
    "recipient_role",
    "recipient_pesel",
    "how",
    "addressee_role",
    "present",
    "present_role",
    "miejscowosc",
    "next_review",
    "done",
    "notes",
)
#: The steps that carry a form's data (the CLI's --data): the support plan.
DATA = {"plan": casework.StepData("plan", support_plan.FORM, support_plan.FROM_CASE)}

#: How the roles and ways of the step form read on the page (the values stay the CLI's words).
WORDS = {
    "rodzic": "rodzic",
    "opiekun_prawny": "opiekun prawny",
    "opiekun_faktyczny": "opiekun faktyczny",
    "zglaszajacy": "osoba, która zgłosiła podejrzenie",
    "osoba_doznajaca": "osoba doznająca przemocy",
    "osoba_najblizsza": "osoba najbliższa",
    "osobiscie": "osobiście",
    "poczta": "pocztą",
    "email": "e-mailem",
    "epuap": "przez ePUAP",
}


def _options(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(v, _(WORDS.get(v, v))) for v in values]


def cases_list(request: Request) -> Response:
    """Open cases (all with ``?wszystkie=1``) with the next step and its deadline, overdue ones marked."""
    everything = request.query_params.get("wszystkie") == "1"
    lines = overview.listing(request.state.workspace, calendar.today(), include_closed=everything)
    rows = [
        {
            "id": line.case["id"],
            "ref": line.case.get(refs.FIELD) or line.case["id"],
            "status": _(line.case["status"]),
            "initials": overview.initials(nk_cases.first_victim_name(line.case)),
            "next": nk_cases.step_title(line.next_step) if line.next_step else "",
            "due": line.due.isoformat() if line.due else "",
            "overdue": line.overdue,
        }
        for line in lines
    ]
    return page(request, _("Niebieska Karta"), template="nk/list.html", rows=rows, everything=everything)


def _people(case: dict[str, Any], key: str) -> list[dict[str, str]]:
    """Section II/III people for the screen: name, relation, PESEL only as "saved"."""
    return [
        {
            "name": p.get("imie_nazwisko", "—"),
            "relation": p.get("relacja", ""),
            "pesel": _("PESEL zapisany") if p.get("pesel") else "",
        }
        for p in (case.get("nka") or {}).get(key) or []
        if isinstance(p, dict)
    ]


def case_page(
    request: Request,
    *,
    problems: list[str] | None = None,
    fields: dict[str, list[str]] | None = None,
    given: Any = None,
    status: int = 200,
) -> Response:
    """A case: who, the timeline of steps, the next step with its deadline, and the form to record a step."""
    workspace = request.state.workspace
    case = casework.found_case(request, nk_cases.find_case, _("Nie ma takiej sprawy NK."))
    if isinstance(case, Response):
        return case
    following = nk_cases.next_step(case)
    deadline = next_due(case)
    form = given or {}
    return page(
        request,
        _("Sprawa {case}", case=nk_cases.case_label(case)),
        template="nk/case.html",
        status=status,
        case=case,
        state=_(case["status"]),
        victims=_people(case, "osoby_doznajace"),
        suspects=_people(case, "osoby_stosujace"),
        events=overview.timeline(case),
        tasks=support_plan.task_rows(case),
        next_review=case.get("next_review") or "",
        documents=casework.documents(request, case, f"/nk/{case['id']}/dokumenty"),
        following=nk_cases.step_title(following) if following else "",
        deadline=deadline.isoformat() if deadline else "",
        overdue=bool(deadline and deadline < calendar.today()),
        kinds=[(k, nk_cases.step_title(k)) for k in nk_cases.STEPS if k != "notatka"],
        suggested=following or "",
        recipients=_options(nk_cases.NKB_RECIPIENTS),
        starters=nk_cases.starters(workspace),
        presence=_options(nk_cases.PRESENCE_ROLES),
        ways=_options(nk_cases.DELIVERY_WAYS),
        problems=problems or [],
        forms=casework.data_forms(request, DATA.values(), given, fields or {}, form.get("krok", following or "")),
        value=lambda name, default="": form.get(name, default) if form else default,
        closed=case["status"] == nk_cases.CLOSED,
    )


def document(request: Request) -> Response:
    """The PDF somflow wrote for a document of the case, e.g. ``nk-2026-3-notatka-sluzbowa-2026-12-06.pdf``."""
    case = casework.found_case(request, nk_cases.find_case, _("Nie ma takiej sprawy NK."))
    if isinstance(case, Response):
        return case
    return casework.document(request, case, nk_cases.case_label(case))


def record_step(request: Request) -> Response:
    """Record a step through ``cases.record_step`` (all rules); refused: the case page again with the messages."""
    workspace = request.state.workspace
    form = request.state.form
    case_id = request.path_params["case_id"]
    day, problems = casework.step_day(form)
    kind = form.get("krok", "")
    data, fields = casework.step_data(request, DATA[kind]) if kind in DATA else ({}, {})
    roles_given = [r for r in form.getlist("roles") if r]  # one radio button; several only from a forged form
    details = overview.step_details(
        kind, data=data, roles=roles_given, **{name: form.get(name, "").strip() for name in DETAILS}
    )
    try:
        problems += [message for messages in fields.values() for message in messages]
        if problems:
            raise InvalidInput(problems)
        nk_cases.record_step(workspace, case_id, kind, day=day, person=form.get("osoba", ""), details=details)
    except InvalidInput as exc:
        return case_page(request, problems=exc.messages, fields=fields, given=form, status=400)
    tell(request, _("Zapisano krok sprawy."))
    return RedirectResponse(f"/nk/{case_id}#main", status_code=303)  # the message, not the form


def new_case_page(
    request: Request, *, given: Any = None, problems: dict[str | None, list[str]] | None = None, status: int = 200
) -> Response:
    """The questions of ``somflow nk new``; after a refused POST the answers given and each problem beside its field.

    ``problems``: by question name (None: the case as a whole, as ``create_case`` refused it).
    The summary above the form names the question of each problem and links to its field.
    """
    return casework.new_case_form(
        request,
        opening.questions(),
        title=_("Nowa sprawa NK"),
        intro=_(
            "Sprawę zakłada się na podstawie notatki służbowej (te same pytania co w poleceniu somflow nk new). "
            "Następny krok, wszczęcie procedury (NK-A), zapisuje się na stronie sprawy."
        ),
        action="/nk/nowa",
        back="/nk",
        given=given,
        problems=problems,
        status=status,
    )


def open_case(request: Request) -> Response:
    """Check each answer by its field's rules, then open the case through ``cases.create_case`` (the whole checked)."""
    workspace = request.state.workspace
    case, problems = casework.open_from_answers(
        request,
        opening.questions(),
        lambda answers: nk_cases.create_case(workspace, opening.payload(answers), person=answers["autor"]),
    )
    if case is None:
        return new_case_page(request, given=request.state.form, problems=problems, status=400)
    tell(
        request,
        _(
            "Założono sprawę NK {id} (numer {ref}). Następny krok: {step}.",
            id=case["id"],
            ref=case[refs.FIELD],
            step=nk_cases.step_title(nk_cases.next_step(case)),
        ),
    )
    return RedirectResponse(f"/nk/{case['id']}#main", status_code=303)


PAGES = [
    Page("/nk", "Niebieska Karta", roles.NK_CASES, cases_list, nav=True, templates=TEMPLATES),
    # before /nk/{case_id}, which would take "nowa" for a case
    Page("/nk/nowa", "Nowa sprawa NK", roles.NK_CASES, new_case_page),
    Page("/nk/nowa", "Nowa sprawa NK", roles.NK_CASES, open_case, methods=("POST",)),
    Page("/nk/{case_id}", "Sprawa NK", roles.NK_CASES, case_page, templates=TEMPLATES),
    Page("/nk/{case_id}/krok", "Zapisz krok sprawy NK", roles.NK_CASES, record_step, methods=("POST",)),
    Page("/nk/{case_id}/dokumenty/{doc_id}", "Dokument sprawy NK", roles.NK_CASES, document),
]
