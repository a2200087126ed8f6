"""The printed layout of a form: reportlab draws the text, boxes and lines; fields are placed after.

:func:`layout` draws a spec on A4 pages (header, title, sections — numbered unless ``numbered: false`` — with
their text, labelled boxes for every field, the rows of repeating groups,
signature lines, footnotes) and returns the PDF bytes together with the
:class:`Widget` rectangles where :mod:`somflow.forms.acroform` puts the
fillable fields. The top band of every page stays clear for the QR code
(about 2 cm, top right, see :mod:`somflow.forms.stamp`).

The output is deterministic (reportlab's invariant mode): the same spec gives
the same bytes, so templates in ``forms/`` only change when the spec does.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas

from somflow.forms.fonts import register_reportlab
from somflow.forms.spec import Field, FormSpec, Group, Section
from somflow.i18n import _, pick

WIDTH, HEIGHT = A4
LEFT = RIGHT = 2 * cm
#: Content starts below the QR band (the code sits 1.5–3.5 cm from the top edge).
TOP = HEIGHT - 4.0 * cm
BOTTOM = 2.0 * cm
USABLE = WIDTH - LEFT - RIGHT
GAP = 6
LABEL_SIZE = 7.5
BOX = 15
LINE = 12
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


@dataclass(frozen=True)
class Widget:
    """A fillable field's place: ``kind`` text|multiline|checkbox|radio; ``export`` the on-value of buttons."""

    name: str
    kind: str
    page: int
    rect: tuple[float, float, float, float]
    export: str = "Yes"


class _Flow:
    """A cursor over pages: draws top to bottom and starts a new page when something does not fit."""

    def __init__(self, spec: FormSpec, footer: str):
        self.sans, self.bold = register_reportlab()
        self.buffer = io.BytesIO()
        self.pdf = canvas.Canvas(self.buffer, pagesize=A4, invariant=1, pageCompression=1)
        self.pdf.setTitle(pick(spec.title))
        self.pdf.setAuthor("somflow")
        self.pdf.setCreator("somflow")
        self.pdf.setProducer("somflow")
        self.footer = footer
        #: Required fields marked " *" (blank templates); a generated document's data was checked, so no marks.
        self.marks = True
        self.page = 0
        self.widgets: list[Widget] = []
        #: Where each call of :meth:`need` began to draw: (page, y, kept with what follows). Drawing the
        #: same things asks the same sequence of calls on any page, so a call is named by its number.
        self.asked: list[tuple[int, float, bool]] = []
        #: (call number, height): that call of :meth:`need` asks for at least this much room (keep-with-previous).
        self.keep: tuple[int, float] | None = None
        self._start_page()

    def _start_page(self) -> None:
        self.y = TOP
        self.pdf.setFont(self.sans, 7)
        self.pdf.setFillGray(0.35)
        self.pdf.drawString(LEFT, 1.2 * cm, self.footer)
        self.pdf.drawRightString(WIDTH - RIGHT, 1.2 * cm, _("strona {page}", page=self.page + 1))
        self.pdf.setFillGray(0)

    def need(self, height: float, *, with_next: bool = False) -> None:
        """Start a new page unless ``height`` fits above the bottom margin (a fresh page takes anything).

        ``with_next``: what is drawn now (a heading) belongs with what follows it.
        """
        if self.keep is not None and len(self.asked) + 1 == self.keep[0]:
            height = max(height, self.keep[1])
        if self.y - height < BOTTOM and self.y < TOP:
            self.pdf.showPage()
            self.page += 1
            self._start_page()
        self.asked.append((self.page, self.y, with_next))

    def paragraph(
        self,
        text: str,
        size: float = 9,
        bold: bool = False,
        indent: float = 0,
        align: str = "left",
        gap: float = 3,
        with_next: bool = False,
    ) -> None:
        font = self.bold if bold else self.sans
        leading = size * 1.3
        for block in text.split("\n"):
            for line in simpleSplit(block, font, size, USABLE - indent) or [""]:
                self.need(leading, with_next=with_next)
                self.pdf.setFont(font, size)
                if align == "center":
                    self.pdf.drawCentredString(LEFT + USABLE / 2, self.y - size, line)
                else:
                    self.pdf.drawString(LEFT + indent, self.y - size, line)
                self.y -= leading
        self.y -= gap

    def save(self) -> bytes:
        self.pdf.showPage()
        self.pdf.save()
        return self.buffer.getvalue()


def _label(f: Field, marks: bool = True) -> str:
    """The printed label: footnote number, and (``marks``) " *" on a required field of a form filled by hand."""
    if not f.print_label:
        return ""
    text = pick(f.label)
    if f.footnote:
        text += str(f.footnote).translate(SUPERSCRIPT)
    return text + (" *" if f.required and marks else "")


def _label_lines(flow: _Flow, f: Field, width: float) -> list[str]:
    """The printed label's lines; none for a field whose label is not printed."""
    if not f.print_label:
        return []
    return simpleSplit(_label(f, flow.marks), flow.sans, LABEL_SIZE, width) or [""]


def _cell_height(flow: _Flow, f: Field, width: float) -> float:
    label_lines = len(_label_lines(flow, f, width))
    if f.type == "checkbox":
        return max(BOX, label_lines * 9) + 4
    if f.type in ("choice", "multichoice"):
        return label_lines * 9 + _options_height(flow, f, width) + 4
    box = LINE * f.lines + 4 if f.type == "multiline" else BOX
    return label_lines * 9 + 2 + box + 4


OPTION_LINE = 13
OPTION_WRAP = 10


def _options(flow: _Flow, f: Field, width: float) -> list[tuple[float, float, str, list[str]]]:
    """Where each option goes: (x offset, y offset below the label, value, text lines).

    Short options share a line; one too long for the cell's width wraps onto lines of its
    own (nothing runs off the page, whatever the wording).
    """
    placed: list[tuple[float, float, str, list[str]]] = []
    x, y = 0.0, 0.0
    for choice in f.choices:
        lines = simpleSplit(pick(choice.label), flow.sans, 8, width - 13) or [""]
        w = 13 + max(flow.pdf.stringWidth(line, flow.sans, 8) for line in lines) + 10
        if x and (x + w > width or len(lines) > 1):
            x, y = 0.0, y + OPTION_LINE
        placed.append((x, y, choice.value, lines))
        if len(lines) > 1:
            x, y = 0.0, y + OPTION_LINE + (len(lines) - 1) * OPTION_WRAP
        else:
            x += w
    return placed


def _options_height(flow: _Flow, f: Field, width: float) -> float:
    placed = _options(flow, f, width)
    if not placed:
        return OPTION_LINE
    _x, y, _v, lines = placed[-1]
    return y + OPTION_LINE + (len(lines) - 1) * OPTION_WRAP


def _draw_cell(flow: _Flow, f: Field, name: str, x: float, width: float) -> None:
    pdf, top = flow.pdf, flow.y
    pdf.setFont(flow.sans, LABEL_SIZE)
    if f.type == "checkbox":
        pdf.rect(x, top - 11, 10, 10, stroke=1, fill=0)
        flow.widgets.append(Widget(name, "checkbox", flow.page, (x, top - 11, 10, 10)))
        for i, line in enumerate(_label_lines(flow, f, width - 16)):
            pdf.drawString(x + 15, top - 8 - i * 9, line)
        return
    lines = _label_lines(flow, f, width)
    for i, line in enumerate(lines):
        pdf.drawString(x, top - 7 - i * 9, line)
    y = top - len(lines) * 9 - 2
    if f.type in ("choice", "multichoice"):
        pdf.setFont(flow.sans, 8)
        for dx, dy, value, texts in _options(flow, f, width):
            bx, by = x + dx, y - 11 - dy
            if f.type == "choice":
                pdf.circle(bx + 5, by + 5, 4.5, stroke=1, fill=0)
                flow.widgets.append(Widget(name, "radio", flow.page, (bx, by, 10, 10), export=value))
            else:
                pdf.rect(bx, by, 10, 10, stroke=1, fill=0)
                flow.widgets.append(Widget(f"{name}-{value}", "checkbox", flow.page, (bx, by, 10, 10)))
            for i, text in enumerate(texts):
                pdf.drawString(bx + 13, by + 2 - i * OPTION_WRAP, text)
        return
    height = LINE * f.lines + 4 if f.type == "multiline" else BOX
    pdf.setStrokeGray(0.55)
    pdf.rect(x, y - height, width, height, stroke=1, fill=0)
    pdf.setStrokeGray(0)
    flow.widgets.append(
        Widget(name, "multiline" if f.type == "multiline" else "text", flow.page, (x, y - height, width, height))
    )


def _rows(fields: tuple[Field, ...]) -> list[list[tuple[Field, float, float]]]:
    """Fields in printed rows of (field, x, width): consecutive fields share a line while their widths fit."""
    rows: list[list[Field]] = []
    used = 1.0
    for f in fields:
        if used + f.width > 1.0001:
            rows.append([])
            used = 0.0
        rows[-1].append(f)
        used += f.width
    placed = []
    for row in rows:
        cells, x = [], LEFT
        for f in row:
            width = f.width * USABLE - (GAP if f is not row[-1] else 0)
            cells.append((f, x, max(width, 20)))
            x += f.width * USABLE
        placed.append(cells)
    return placed


def _row_height(flow: _Flow, cells: list[tuple[Field, float, float]]) -> float:
    return max(_cell_height(flow, f, w) for f, _x, w in cells)


def _fields(flow: _Flow, fields: tuple[Field, ...], prefix: str = "") -> None:
    """Lay fields out in rows; a row that does not fit the page starts the next one."""
    for cells in _rows(fields):
        height = _row_height(flow, cells)
        flow.need(height)
        for f, x, w in cells:
            _draw_cell(flow, f, prefix + f.name, x, w)
        flow.y -= height


def row_label(group: Group, row: int) -> str:
    """The printed heading of a group's row: its ``row_label`` with the number, else "<label> <n>"."""
    if group.row_label is not None:
        return pick(group.row_label).replace("{n}", str(row))
    return f"{pick(group.label)} {row}"


def _group_rows(flow: _Flow, group: Group, rows: range) -> None:
    for row in rows:
        flow.need(40, with_next=True)
        flow.paragraph(row_label(group, row), size=8.5, bold=True, gap=1, with_next=True)
        _fields(flow, group.fields, prefix=f"{group.name}-{row}-")
        flow.y -= 3


def _section_heading(flow: _Flow, section: Section, first: float = 40) -> None:
    # A section without a title (the form's opening block) prints no heading: its id is internal.
    if not pick(section.title):
        return
    # keep a heading with the first row under it (``first`` high)
    flow.need(min(30 + first, TOP - BOTTOM), with_next=True)
    flow.y -= 4
    flow.paragraph(section.heading(), size=10, bold=True, gap=2, with_next=True)


def layout(spec: FormSpec, rows: dict[str, int] | None = None, *, marks: bool = True) -> tuple[bytes, list[Widget]]:
    """The form's printed pages and the places of its fields, in the current language.

    ``rows`` (group name → number of rows) prints only that many rows of a group: a
    filled document shows the rows it holds, not empty numbered slots; without it every
    group prints ``max`` blank rows for filling in by hand. ``marks=False`` leaves out the
    " *" of required fields (a generated document reads as the official form does).
    """
    flow = _Flow(spec, f"{spec.id} v{spec.version}")
    flow.marks = marks
    for line in spec.header:
        flow.paragraph(pick(line), size=8, gap=1)
    flow.y -= 6
    flow.paragraph(pick(spec.title), size=13, bold=True, align="center", gap=8)
    *body, last = spec.sections
    for section in body:
        _section(flow, section, rows)
    _signed(flow, spec, lambda f: _section(f, last, rows), movable=bool(body))
    _footnotes(flow, spec)
    return flow.save(), flow.widgets


def _section(flow: _Flow, section: Section, rows: dict[str, int] | None) -> None:
    placed = _rows(section.fields)
    _section_heading(flow, section, _row_height(flow, placed[0]) if placed else 40)
    if section.text:
        flow.paragraph(pick(section.text), size=9)
    _fields(flow, section.fields)
    for group in section.groups:
        shown = group.max if rows is None or group.name not in rows else min(rows[group.name], group.max)
        if shown == 0:
            flow.paragraph(_("{group}: brak wpisów.", group=pick(group.label)), size=8.5, gap=2)
        if group.continuation and shown == group.max:
            flow.paragraph(_("Więcej niż {max} — dołącz arkusz kontynuacji.", max=group.max), size=7.5, gap=2)
        _group_rows(flow, group, range(1, shown + 1))


def _signed(flow: _Flow, spec: FormSpec, last: Callable[[_Flow], None], *, movable: bool = True) -> None:
    """Draw ``last`` (the final section) and the signature lines, which never stand alone on a page.

    Keep-with-previous, for every form that is signed: the signature and date lines go with
    what they sign. When the final section and the signatures fit one page, they start on
    the same page (the section moves over whole, unless ``movable`` is false: a form's only
    section does not leave its title alone); otherwise the section runs on, and its last
    line or row (with the headings over it) moves over with the signatures. ``last`` is drawn
    once on a throwaway page first, to measure it and to find where its last row begins.
    """
    if not spec.signature:
        last(flow)
        return
    scratch = _Flow(spec, "")
    scratch.marks = flow.marks
    last(scratch)
    end, asked = scratch.y, scratch.asked
    signature = _signature_height(spec, flow)
    if movable and scratch.page == 0 and TOP - end + signature <= TOP - BOTTOM:
        flow.need(TOP - end + signature)
    elif asked:
        start = len(asked) - 1
        while start and asked[start - 1][2] and asked[start - 1][0] == scratch.page:
            start -= 1  # a heading goes with the row under it
        page, top, _with_next = asked[start]
        if page == scratch.page:  # (a row taller than a page cannot be kept with anything)
            flow.keep = (len(flow.asked) + start + 1, top - end + signature)
    last(flow)
    flow.keep = None
    _signature(flow, spec)


def continuation(spec: FormSpec, rows: dict[str, int], *, marks: bool = True) -> tuple[bytes, list[Widget]]:
    """The continuation sheet: for each group in ``rows`` (name → rows in the data), its rows after ``max``."""
    flow = _Flow(spec, f"{spec.id} v{spec.version} — " + _("arkusz kontynuacji"))
    flow.marks = marks
    flow.paragraph(_("Arkusz kontynuacji: {title}", title=pick(spec.title)), size=12, bold=True, align="center", gap=8)
    parts = [(s, [g for g in s.groups if g.continuation and rows.get(g.name, 0) > g.max]) for s in spec.sections]
    parts = [(section, extra) for section, extra in parts if extra]

    def part(f: _Flow, section: Section, extra: list[Group]) -> None:
        _section_heading(f, section)
        for group in extra:
            _group_rows(f, group, range(group.max + 1, rows[group.name] + 1))

    for section, extra in parts[:-1]:
        part(flow, section, extra)
    _signed(flow, spec, lambda f: part(f, *parts[-1]) if parts else None, movable=len(parts) > 1)
    return flow.save(), flow.widgets


def _signature_height(spec: FormSpec, flow: _Flow) -> float:
    """Room for the signature lines: space to sign above them, their captions (wrapped) below."""
    slot = USABLE / len(spec.signature)
    lines = max(len(simpleSplit(pick(c), flow.sans, 7.5, slot - 16)) for c in spec.signature)
    return max(2.5 * cm, 1.6 * cm + lines * 9 + 6)


def _signature(flow: _Flow, spec: FormSpec) -> None:
    if not spec.signature:
        return
    height = _signature_height(spec, flow)
    flow.need(height)
    top = flow.y
    flow.y -= 1.6 * cm
    count = len(spec.signature)
    slot = USABLE / count
    pdf = flow.pdf
    for i, caption in enumerate(spec.signature):
        x = LEFT + i * slot
        pdf.setDash(1, 2)
        pdf.line(x + 8, flow.y, x + slot - 8, flow.y)
        pdf.setDash()
        pdf.setFont(flow.sans, 7.5)
        for j, line in enumerate(simpleSplit(pick(caption), flow.sans, 7.5, slot - 16)):
            pdf.drawCentredString(x + slot / 2, flow.y - 9 - j * 9, line)
    flow.y = top - height


def _footnotes(flow: _Flow, spec: FormSpec) -> None:
    if not spec.footnotes:
        return
    flow.need(20)
    flow.y -= 6
    flow.pdf.setLineWidth(0.5)
    flow.pdf.line(LEFT, flow.y, LEFT + 4 * cm, flow.y)
    flow.y -= 3
    for number, note in enumerate(spec.footnotes, start=1):
        flow.paragraph(str(number).translate(SUPERSCRIPT) + " " + pick(note), size=7, gap=1)
