"""The photographer's list for an event: the children not to photograph, and who may appear.

Seeds 001 ch. VI.II and 004 annex 4: when a child has no consent, the person
recording the event must be able to identify the child in advance so that it
appears in neither individual nor group photos — without excluding the child.
The list shows the first name, the surname's initial and the group only.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from somflow_image_consent import children as children_mod
from somflow_image_consent import register
from somflow_image_consent.vocabulary import PHOTO_KINDS, channel, channel_label

from somflow import fonts
from somflow.errors import InvalidInput
from somflow.fileio import prepare_output, write_private
from somflow.i18n import _
from somflow.workspace import Workspace


@dataclass
class Verdict:
    child: dict[str, Any]
    answer: register.Answer
    #: What an allowed child's consent leaves out ("tylko zdjęcia grupowe"), for the photographer.
    limits: list[str] = field(default_factory=list)
    #: Refused only for the kind of photo asked about: the kind the consent still allows ("grupowe"), else None.
    other_kind: str | None = None


def wanted_channels(values: list[str] | tuple[str, ...]) -> list[str]:
    """The publication channels asked about, each once, in canonical form; a Polish message when none is given."""
    if not values:
        raise InvalidInput(
            [_("Podaj kanał publikacji: --channel (np. strona_www, social-media, tablica, druk, prasa_media).")]
        )
    return list(dict.fromkeys(channel(c) for c in values))


def verdict(
    child: dict[str, Any], consents: list[dict[str, Any]], channels: list[str], on: date, photo: str | None = None
) -> Verdict:
    """May ``child`` appear in a photo (``photo``: individual/group) published on ``channels`` on ``on``?

    A child refused only because the consent leaves out ``photo`` (group photos only, asked about
    individual ones) gets ``other_kind``: the child may still appear in photos of that kind, so the
    photographer's sheet does not list them among the children not photographed at all.
    """
    answer = register.decide(child, consents, channels, on, photo)
    other_kind = None
    if photo in PHOTO_KINDS and not answer.allowed:
        # decide() checks the kind of photo alone against ``photo``: allowed for another kind means refused for this one only
        other_kind = next(
            (k for k in PHOTO_KINDS if k != photo and register.decide(child, consents, channels, on, k).allowed), None
        )
    limits = register.restrictions(consents) if answer.allowed or other_kind else []
    return Verdict(child, answer, limits, other_kind)


def check(
    workspace: Workspace,
    groups: list[str] | None,
    channels: list[str],
    on: date,
    photo: str | None = None,
    *,
    present_only: bool = False,
) -> list[Verdict]:
    """Every child of ``groups`` with the answer for ``channels`` on ``on`` (``present_only``: skip those who left)."""
    consents = register.by_child(workspace)
    return [
        verdict(child, consents.get(child["id"], []), channels, on, photo)
        for child in children_mod.in_groups(workspace, groups)
        if not (present_only and children_mod.left(child, on))
    ]


class EventLists(NamedTuple):
    """The photographer's lists for an event, each of :class:`Verdict` for the children present."""

    #: Not to photograph at all, neither individually nor in a group.
    excluded: list[Verdict]
    #: Not in the kind of photo asked about, but in the other one (``Verdict.other_kind``): group photos only.
    other_kind: list[Verdict]
    #: May appear, only as far as the consent allows (``Verdict.limits``).
    limited: list[Verdict]


def event_lists(
    workspace: Workspace, groups: list[str], channels: list[str], on: date, photo: str | None = None
) -> EventLists:
    """The photographer's lists for an event (children present on ``on``)."""
    verdicts = check(workspace, groups, channels, on, photo, present_only=True)
    return EventLists(
        [v for v in verdicts if not v.answer.allowed and not v.other_kind],
        [v for v in verdicts if v.other_kind],
        [v for v in verdicts if v.answer.allowed and v.limits],
    )


def other_kind_heading(kind: str) -> str:
    """The heading over the children whose consent allows ``kind`` of photo only (the other kind was asked about)."""
    if kind == "grupowe":
        return _("Nie fotografować indywidualnie (tylko w grupie)")
    return _("Nie fotografować w grupie (tylko indywidualnie)")


RULES = [
    "Dzieci z tej listy nie mogą być utrwalane na zdjęciach indywidualnych ani grupowych.",
    "Przyjęte rozwiązanie nie może wykluczać dziecka z realizowanych aktywności ani go stygmatyzować.",
    "Jeśli wizerunek dziecka stanowi jedynie szczegół całości takiej jak zgromadzenie, krajobraz, impreza publiczna, zgoda nie jest wymagana.",
    "Podpisując zdjęcie używamy tylko imienia dziecka.",
]


def _font() -> str:
    """DejaVu Sans shipped with somflow (``somflow.fonts``): the same Polish letters on every system."""
    if "SomflowSheet" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("SomflowSheet", str(fonts.REGULAR)))
    return "SomflowSheet"


def render(
    workspace: Workspace,
    event: str,
    groups: list[str],
    channels: list[str],
    on: date,
    lists: EventLists,
) -> bytes:
    """The lists (:func:`event_lists`) as an A4 PDF."""
    excluded, other_kind, limited = lists
    font = _font()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    pdf.setTitle(_("Lista dla fotografa"))
    _width, height = A4
    y = height - 2 * cm

    def line(text: str, size: int = 10, gap: float = 0.55) -> None:
        nonlocal y
        if y < 2 * cm:
            pdf.showPage()
            y = height - 2 * cm
        pdf.setFont(font, size)
        pdf.drawString(2 * cm, y, text)
        y -= gap * cm * size / 10

    def row(cells: tuple[str, ...]) -> None:
        nonlocal y
        if y < 2 * cm:
            pdf.showPage()
            y = height - 2 * cm
        pdf.setFont(font, 10)
        for x, text in zip((2 * cm, 3.2 * cm, 8.5 * cm, 11 * cm), cells):
            pdf.drawString(x, y, text)
        if len(cells) < 4:  # a line to write on: how the photographer will recognise the child
            pdf.line(11 * cm, y - 0.1 * cm, 19 * cm, y - 0.1 * cm)
        y -= 0.7 * cm

    line(_("Lista dla fotografa – dzieci, których nie fotografujemy"), 14, 0.7)
    line(_("Wydarzenie: {event}", event=event), 11)
    line(_("Data: {date}   Klasa/grupa: {groups}", date=on.isoformat(), groups=", ".join(groups) or _("wszystkie")), 11)
    line(_("Kanały publikacji: {channels}", channels=", ".join(channel_label(c) for c in channels)), 11)
    line(workspace.config["institution"].get("name", ""), 9)
    y -= 0.3 * cm
    for rule in RULES:
        for part in _wrap(_(rule), 95):
            line(part, 9, 0.5)
    y -= 0.3 * cm
    row(
        (_("Lp."), _("Imię i inicjał nazwiska"), _("Klasa/grupa"), _("Jak rozpoznać (ustalone z rodzicem i dzieckiem)"))
    )
    if not excluded:  # "all may be photographed" only when no section with a restriction follows
        restricted = other_kind or limited
        line(
            _("Brak dzieci wyłączonych całkowicie.")
            if restricted
            else _("Brak – wszystkie dzieci mogą być fotografowane w tych kanałach."),
            11,
        )
    for number, verdict in enumerate(excluded, start=1):
        row((f"{number}.", children_mod.short_name(verdict.child), verdict.child.get("group", "")))
    if other_kind:
        y -= 0.3 * cm
        line(other_kind_heading(other_kind[0].other_kind) + ":", 12, 0.7)
        for number, verdict in enumerate(other_kind, start=1):
            child = verdict.child
            row((f"{number}.", children_mod.short_name(child), child.get("group", ""), "; ".join(verdict.limits)))
    if limited:
        y -= 0.3 * cm
        line(_("Z ograniczeniami – fotografować tylko tak, jak pozwala zgoda:"), 12, 0.7)
        for number, verdict in enumerate(limited, start=1):
            row(
                (
                    f"{number}.",
                    children_mod.short_name(verdict.child),
                    verdict.child.get("group", ""),
                    "; ".join(verdict.limits),
                )
            )
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _wrap(text: str, width: int) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return [*lines, current] if current else lines


def write(workspace: Workspace, out: Path, payload: bytes) -> None:
    write_private(prepare_output(out), payload)
