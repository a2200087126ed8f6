"""The image consent pages of ``somflow serve``: who may appear in a photo, one child's consents, the photographer's sheet.

Every answer comes from :mod:`somflow_image_consent.sheet` and ``register`` — the
functions ``somflow consent check / sheet / record`` call; the pages only read the
request and show the result. Recording a consent is a POST (CSRF-checked and
audited under the web user by the application).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from somflow_image_consent import children as children_mod
from somflow_image_consent import printing, register, sheet
from somflow_image_consent.vocabulary import CHANNEL_LABELS, CHANNELS, PHOTO_KINDS, PHOTO_WORDS, PURPOSES
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from somflow import calendar
from somflow.collation import polish_key
from somflow.errors import InvalidInput, SomflowError
from somflow.forms.printout import merge_for_print
from somflow.i18n import _
from somflow.web import roles
from somflow.web.downloads import attachment, file_name
from somflow.web.pages import Page
from somflow.web.render import page, tell

TEMPLATES = Path(__file__).parent / "templates"


def _groups(workspace) -> list[tuple[str, str]]:
    """The classes of the register as (value, label) options."""
    found = sorted({c["group"] for c in children_mod.everyone(workspace).values() if c.get("group")}, key=polish_key)
    return [(g, g) for g in found]


def _channel_options() -> list[tuple[str, str]]:
    return [(c, _(CHANNEL_LABELS[c])) for c in CHANNELS]


def _photo_options() -> list[tuple[str, str]]:
    return [(k, _(k)) for k in PHOTO_KINDS]


def _day(value: str | None, label: str, problems: list[str]) -> date | None:
    """A typed date (RRRR-MM-DD or DD.MM.RRRR) or None; a Polish message in ``problems`` when it is not one."""
    if not value:
        return None
    found = calendar.parse_date(value)
    if found is None:
        problems.append(_("{label}: nieprawidłowa data (oczekiwano RRRR-MM-DD albo DD.MM.RRRR).", label=label))
    return found


def _photo(value: str | None, problems: list[str]) -> str | None:
    """The kind of photo asked about (``indywidualne``/``grupowe``) or None; a Polish message in ``problems`` for another word."""
    if not value:
        return None
    found = PHOTO_WORDS.resolve(value)
    if found is None:
        problems.append(PHOTO_WORDS.problem(value))
    return found


def lookup(request: Request) -> Response:
    """Per class: every child's consent, and for the channels asked about, who may and who may not appear."""
    workspace = request.state.workspace
    query = request.query_params
    group, wanted = query.get("klasa", ""), query.getlist("kanal")
    problems: list[str] = []
    photo = _photo(query.get("zdjecie"), problems)
    on = _day(query.get("dzien"), _("Dzień publikacji"), problems) or calendar.today()
    rows: list[dict[str, Any]] = []
    try:
        kids = children_mod.in_groups(workspace, [group] if group else [])
        consents = register.by_child(workspace)
        channels = [c for c in wanted if c in CHANNELS]
        for child in kids:
            history = consents.get(child["id"], [])
            verdict = sheet.verdict(child, history, channels, on, photo) if channels else None
            rows.append(
                {
                    "child": child,
                    "name": children_mod.full_name(child),
                    "state": register.describe(history),
                    "verdict": verdict,
                    # refused only for the kind of photo asked about: the heading the photographer's sheet gives it
                    "only": sheet.other_kind_heading(verdict.other_kind) if verdict and verdict.other_kind else None,
                    "left": children_mod.left(child, on),
                }
            )
    except SomflowError as exc:
        problems += getattr(exc, "messages", None) or [str(exc)]
    return page(
        request,
        _("Zgody na wizerunek"),
        template="consent/lookup.html",
        group_options=_groups(workspace),
        group=group,
        channels=_channel_options(),
        wanted=wanted,
        photos=_photo_options(),
        photo=photo or "",
        day=on.isoformat(),
        rows=rows,
        asked=bool(wanted),
        problems=problems,
    )


def _child(request: Request) -> dict[str, Any] | None:
    return children_mod.everyone(request.state.workspace).get(request.path_params["child_id"])


def child_page(
    request: Request, *, problems: list[str] | None = None, given: Any = None, status: int = 200
) -> Response:
    """One child: may they appear on each channel today, their consents, and the form to record a returned consent."""
    workspace = request.state.workspace
    child = _child(request)
    if child is None:
        return page(request, _("Nie znaleziono"), _("Nie ma takiego dziecka w rejestrze."), status=404)
    today = calendar.today()
    history = register.history(workspace, child["id"])
    verdicts = [
        (label, [sheet.verdict(child, history, [value], today, kind).answer for kind in PHOTO_KINDS])
        for value, label in _channel_options()
    ]
    counted = {c["id"] for c in register.counted(history)}
    entries = [
        {
            "when": e["recorded_at"][:10],
            "text": register.describe([{**e, "superseded_by": None, "withdrawn": None}]),
            "counts": e["id"] in counted and not e.get("superseded_by"),
        }
        for e in history
    ]
    start, end = register.school_year(today)
    form = given or {}
    return page(
        request,
        _("Zgoda na wizerunek: {child}", child=children_mod.full_name(child)),
        template="consent/child.html",
        status=status,
        child=child,
        verdicts=verdicts,
        limits=register.restrictions(history),
        entries=entries,
        channels=_channel_options(),
        purposes=[(p, _(p)) for p in PURPOSES],
        photos=_photo_options(),
        problems=problems or [],
        value=lambda name, default="": form.get(name, default) if form else default,
        chosen=lambda name: form.getlist(name) if form else [],
        start=start.isoformat(),
        end=end.isoformat(),
    )


def record(request: Request) -> Response:
    """Record the consent a parent returned on paper, as ``somflow consent record`` does; problems shown on the form."""
    workspace = request.state.workspace
    child = _child(request)
    if child is None:
        return page(request, _("Nie znaleziono"), _("Nie ma takiego dziecka w rejestrze."), status=404)
    form = request.state.form
    problems: list[str] = []
    dates = {
        key: _day(form.get(name), label, problems)
        for key, name, label in (
            ("valid_from", "od", _("Od dnia")),
            ("valid_to", "do", _("Do dnia")),
            ("signed_on", "podpisano", _("Data podpisu")),
        )
    }
    refused = form.get("decyzja") == "odmowa"
    try:
        if problems:
            raise InvalidInput(problems)
        choices = register.typed(
            refused=refused,
            channels=form.getlist("kanal"),
            purposes=form.getlist("cel"),
            photos=form.getlist("zdjecie"),
            after_leaving=form.get("po_odejsciu") == "tak",
            child_view=form.get("zdanie_dziecka") or None,
            context=form.get("kontekst", ""),
            **dates,
        )
        register.record(workspace, child, choices)
    except InvalidInput as exc:
        return child_page(request, problems=exc.messages, given=form, status=400)
    tell(request, _("Zapisano zgodę."))
    return RedirectResponse(f"/zgody/dziecko/{child['id']}#main", status_code=303)  # the message, not the form


def photographer_sheet(request: Request) -> Response:
    """The photographer's list for an event as a PDF (a GET: it only reads the register)."""
    workspace = request.state.workspace
    query = request.query_params
    problems: list[str] = []
    on = _day(query.get("dzien"), _("Dzień wydarzenia"), problems) or calendar.today()
    event = query.get("wydarzenie", "").strip() or _("wydarzenie")
    groups = [query["klasa"]] if query.get("klasa") else []
    photo = _photo(query.get("zdjecie"), problems)
    try:
        if problems:
            raise InvalidInput(problems)
        channels = sheet.wanted_channels(query.getlist("kanal"))
        lists = sheet.event_lists(workspace, groups, channels, on, photo)
        shown = [children_mod.normalise_group(g) for g in groups]
        content = sheet.render(workspace, event, shown, channels, on, lists)
    except InvalidInput as exc:
        return page(request, _("Lista dla fotografa"), "\n".join(exc.messages), status=400)
    return attachment(content, file_name("lista-fotografa", event, *groups, day=on))


def print_form(request: Request, *, problems: list[str] | None = None, status: int = 200) -> Response:
    return page(
        request,
        _("Druk: formularze zgody na wizerunek"),
        template="consent/print.html",
        status=status,
        group_options=_groups(request.state.workspace),
        problems=problems or [],
    )


def print_class(request: Request) -> Response:
    """Consent forms for a class (or the whole unit): one merged, flattened PDF to print, QR code on every page."""
    workspace = request.state.workspace
    form = request.state.form
    group, everyone = form.get("klasa", ""), form.get("klasa") == "*"
    today = calendar.today()
    try:
        kids = printing.children_to_print(workspace, [] if everyone or not group else [group], everyone, today)
        printed = printing.print_forms(workspace, kids, out=None, today=today)
    except InvalidInput as exc:
        return print_form(request, problems=exc.messages, status=400)
    content, _pages = merge_for_print(workspace.root / d["file"] for d in printed.documents)
    where = ("wszystkie", "klasy") if everyone else ("klasa", children_mod.normalise_group(group))
    return attachment(content, file_name("zgody", "wizerunek", *where, day=today))


PAGES = [
    Page("/zgody", "Zgody na wizerunek", roles.EVERYONE, lookup, nav=True, templates=TEMPLATES),
    Page("/zgody/dziecko/{child_id}", "Zgoda na wizerunek", roles.EVERYONE, child_page, templates=TEMPLATES),
    Page("/zgody/dziecko/{child_id}", "Zgoda na wizerunek", roles.EVERYONE, record, methods=("POST",)),
    Page("/zgody/fotograf.pdf", "Lista dla fotografa", roles.EVERYONE, photographer_sheet),
    Page("/druk/zgody", "Formularze zgody na wizerunek", roles.EVERYONE, print_form, templates=TEMPLATES),
    Page("/druk/zgody", "Formularze zgody na wizerunek", roles.EVERYONE, print_class, methods=("POST",)),
]
