"""The standards pages of ``somflow serve``: acknowledgments and survey progress, the report, printing acknowledgment forms.

Everything shown comes from :mod:`somflow_standards.acknowledgments`, ``survey``,
``schedule`` and ``report`` — what ``somflow standards missing / survey summary /
report`` use; the acknowledgment print is :func:`somflow_standards.printing.print_batch`.
"""

from __future__ import annotations

from pathlib import Path

from somflow_standards import acknowledgments, people, settings, survey
from somflow_standards.printing import print_batch
from somflow_standards.schedule import next_report_year, report_year
from starlette.requests import Request
from starlette.responses import Response

from somflow import calendar
from somflow.errors import InvalidInput
from somflow.forms.printout import merge_for_print
from somflow.i18n import _
from somflow.web import roles
from somflow.web.downloads import attachment, file_name
from somflow.web.pages import Page
from somflow.web.render import page

TEMPLATES = Path(__file__).parent / "templates"
#: Who follows the standards' progress and prints the forms: the office, the coordinator, the head.
KEEPERS = frozenset({roles.SECRETARIAT, roles.COORDINATOR, roles.HEAD})
#: Who makes the report the head signs.
REPORTERS = frozenset({roles.COORDINATOR, roles.HEAD})


def _surveys(workspace) -> list[dict]:
    from somflow.unitkind import unit_type

    found = []
    for name in survey.SURVEYS:
        last = survey.latest_round(workspace.store, name)
        if last is None:
            found.append({"name": name, "date": "", "respondents": 0, "suppressed": False})
            continue
        summary = survey.summarize(workspace.store, last, unit_type(workspace.config))
        found.append(
            {"name": name, "date": last["date"], "respondents": summary.respondents, "suppressed": summary.suppressed}
        )
    return found


def progress(request: Request, *, problems: list[str] | None = None, status: int = 200) -> Response:
    """Who acknowledged the current version (per group, and who not yet), the surveys so far, the report form."""
    workspace = request.state.workspace
    store = workspace.store
    conf = settings.load(workspace.config)
    return page(
        request,
        _("Standardy ochrony małoletnich"),
        template="standards/progress.html",
        status=status,
        version=acknowledgments.current_version(store).version,
        groups=[
            {"label": _(people.GROUP_LABELS[p.group]).capitalize(), "done": p.acknowledged, "total": p.total}
            for p in acknowledgments.progress(store)
        ],
        missing=acknowledgments.missing(store),
        surveys=_surveys(workspace),
        min_group=survey.MIN_GROUP,
        year=next_report_year(store, conf, calendar.today()),
        may_report=request.state.user.role in REPORTERS,
        problems=problems or [],
    )


def make_report(request: Request) -> Response:
    """The report for the year asked (default: the next due), as ``somflow standards report``; the PDF downloaded."""
    from somflow_standards import report  # heavy (reportlab): only when a report is made

    workspace = request.state.workspace
    form = request.state.form
    conf = settings.load(workspace.config)
    today = calendar.today()
    try:
        given = form.get("rok", "").strip()
        if given and not given.isdigit():
            raise InvalidInput([_("Rok raportu: podaj liczbę, np. {year}.", year=today.year)])
        year = report_year(workspace.store, conf, today, int(given) if given else None)
        target, _figures = report.generate(workspace, conf, year, today, form.get("wnioski", ""))
    except InvalidInput as exc:
        return progress(request, problems=exc.messages, status=400)
    return attachment(target.read_bytes(), file_name("raport", "standardy", str(year - 2), str(year)))


def print_form(
    request: Request, *, problems: list[str] | None = None, message: str = "", status: int = 200
) -> Response:
    return page(
        request,
        _("Druk: oświadczenia o zapoznaniu ze Standardami"),
        template="standards/print.html",
        status=status,
        groups=[(g, _(people.GROUP_LABELS[g])) for g in people.GROUPS],
        problems=problems or [],
        message=message,
    )


def print_group(request: Request) -> Response:
    """Filled acknowledgment forms for a group (and class), those without an acknowledgment only unless asked: one PDF."""
    workspace = request.state.workspace
    form = request.state.form
    group, klasa = form.get("grupa", ""), form.get("klasa", "").strip() or None
    if group not in people.GROUPS:
        return print_form(request, problems=[_("Wybierz grupę: pracownicy, rodzice albo dzieci.")], status=400)
    try:
        documents, _count = print_batch(workspace, group, klasa, form.get("wszyscy") == "tak")
    except InvalidInput as exc:
        return print_form(request, problems=exc.messages, status=400)
    if not documents:
        return print_form(request, message=_("Nie ma komu drukować oświadczeń."))
    content, _pages = merge_for_print(workspace.root / d["file"] for d in documents)
    where = ("klasa", klasa) if klasa else ()
    return attachment(content, file_name("oswiadczenia", "standardy", group, *where, day=calendar.today()))


PAGES = [
    Page("/standardy", "Standardy", KEEPERS, progress, nav=True, templates=TEMPLATES),
    Page("/standardy/raport", "Raport z realizacji Standardów", REPORTERS, make_report, methods=("POST",)),
    Page("/druk/standardy", "Oświadczenia o zapoznaniu ze Standardami", KEEPERS, print_form, templates=TEMPLATES),
    Page("/druk/standardy", "Oświadczenia o zapoznaniu ze Standardami", KEEPERS, print_group, methods=("POST",)),
]
