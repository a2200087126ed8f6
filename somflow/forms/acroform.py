"""Fillable PDFs: the template built from a spec, filling any AcroForm with correct Polish, reading values back.

Viewers differ in whether they draw field values themselves; somflow never
relies on them. :func:`fill` sets each field's value (``/V``) *and* writes
its appearance stream (``/AP /N``) with :class:`~somflow.forms.fonts.FieldFont`
(DejaVu Sans, Identity-H, with a ToUnicode map), and turns
``NeedAppearances`` off, so every viewer, printer and ``pdftotext`` of a
flattened copy shows exactly the Polish text. This works the same on
templates built here and on a municipality's own official PDF.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pikepdf

from somflow import i18n
from somflow.forms.fieldmap import (  # terminal_fields, field_kind stay importable from here
    COMB,
    INDEX,
    MULTILINE,
    RADIO,
    checked,
    choice_export,
    field_kind,
    field_options,
    inherited,
    on_state,
    radio_state,
    read_slots,
    states,
    terminal_fields,
)
from somflow.forms.fonts import FIELD_FONT, field_font
from somflow.forms.layout import Widget, layout
from somflow.forms.spec import FormSpec

NO_TOGGLE_OFF = 1 << 14
PRINT = 4
DEFAULT_SIZE = 9


@contextmanager
def language(lang: str | None) -> Iterator[None]:
    """Temporarily switch the language of texts picked from the spec."""
    if lang is None:
        yield
        return
    with i18n.using(lang):  # this context only: a web server prints for many users at once
        yield


def spec_digest(spec: FormSpec) -> str:
    """A hash of the spec's content: stored in templates to notice a stale one."""
    text = spec.path.read_bytes() if spec.path else repr(spec).encode()
    if spec.words:  # the same file with another unit's words is another template
        text += repr(spec.words).encode()
    return hashlib.sha256(text).hexdigest()[:16]


# -------------------------------------------------------------- building


def _stream(
    pdf: pikepdf.Pdf, content: bytes, width: float, height: float, resources: pikepdf.Object | None = None
) -> pikepdf.Object:
    # Left uncompressed: a field's appearance is ~150 bytes, compressing 300 of them costs more than it saves.
    stream = pdf.make_stream(content)
    stream.Type = pikepdf.Name.XObject  # attribute by attribute: faster in pikepdf than one Dictionary
    stream.Subtype = pikepdf.Name.Form
    stream.BBox = [0, 0, round(width, 3), round(height, 3)]
    if resources is not None:
        stream.Resources = resources
    return stream


CROSS = b"q 0 g 1.3 w 1 J 2.2 2.2 m 7.8 7.8 l S 2.2 7.8 m 7.8 2.2 l S Q"
DOT = b"q 0 g 5 7.6 m 6.44 7.6 7.6 6.44 7.6 5 c 7.6 3.56 6.44 2.4 5 2.4 c 3.56 2.4 2.4 3.56 2.4 5 c 2.4 6.44 3.56 7.6 5 7.6 c f Q"


def add_fields(pdf: pikepdf.Pdf, widgets: list[Widget]) -> None:
    """Turn the layout's widget places into AcroForm fields with the Polish field font."""
    font = field_font().pdf_object(pdf)
    fields = pikepdf.Array()
    radios: dict[str, pikepdf.Dictionary] = {}
    da = pikepdf.String(f"/{FIELD_FONT} {DEFAULT_SIZE} Tf 0 g")
    for w in widgets:
        page = pdf.pages[w.page]
        x, y, width, height = w.rect
        annot = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Widget,
            Rect=[round(x, 3), round(y, 3), round(x + width, 3), round(y + height, 3)],
            F=PRINT,
            P=page.obj,
        )
        if w.kind in ("text", "multiline"):
            annot.FT = pikepdf.Name.Tx
            annot.T = pikepdf.String(w.name)
            annot.DA = da
            annot.V = pikepdf.String("")
            if w.kind == "multiline":
                annot.Ff = MULTILINE
            annot.AP = pikepdf.Dictionary(N=_stream(pdf, b"", width, height))
            fields.append(pdf.make_indirect(annot))
        elif w.kind == "checkbox":
            annot.FT = pikepdf.Name.Btn
            annot.T = pikepdf.String(w.name)
            annot.V = annot.AS = pikepdf.Name.Off
            annot.MK = pikepdf.Dictionary(CA=pikepdf.String("8"))
            annot.AP = pikepdf.Dictionary(
                N=pikepdf.Dictionary(Yes=_stream(pdf, CROSS, width, height), Off=_stream(pdf, b"", width, height))
            )
            fields.append(pdf.make_indirect(annot))
        else:  # radio: one parent field, a widget a choice
            parent = radios.get(w.name)
            if parent is None:
                parent = pdf.make_indirect(
                    pikepdf.Dictionary(
                        FT=pikepdf.Name.Btn,
                        T=pikepdf.String(w.name),
                        Ff=RADIO | NO_TOGGLE_OFF,
                        V=pikepdf.Name.Off,
                        Kids=pikepdf.Array(),
                    )
                )
                radios[w.name] = parent
                fields.append(parent)
            annot.Parent = parent
            annot.AS = pikepdf.Name.Off
            annot.MK = pikepdf.Dictionary(CA=pikepdf.String("l"))
            annot.AP = pikepdf.Dictionary(
                N=pikepdf.Dictionary(
                    {"/" + w.export: _stream(pdf, DOT, width, height), "/Off": _stream(pdf, b"", width, height)}
                )
            )
            annot = pdf.make_indirect(annot)
            parent.Kids.append(annot)
        if "/Annots" not in page.obj:
            page.obj.Annots = pikepdf.Array()
        page.obj.Annots.append(annot if annot.is_indirect else pdf.make_indirect(annot))
    # /DR is indirect so every appearance stream can share it as its /Resources.
    resources = pdf.make_indirect(pikepdf.Dictionary(Font=pikepdf.Dictionary({"/" + FIELD_FONT: font})))
    pdf.Root.AcroForm = pdf.make_indirect(pikepdf.Dictionary(Fields=fields, DA=da, DR=resources, NeedAppearances=False))


def save(pdf: pikepdf.Pdf, deterministic: bool = True) -> bytes:
    """The PDF's bytes; with ``deterministic`` the same input gives the same output."""
    buffer = io.BytesIO()
    pdf.save(buffer, deterministic_id=deterministic, compress_streams=True)
    return buffer.getvalue()


def save_filled(pdf: pikepdf.Pdf) -> bytes:
    """Fast save of a filled PDF: every stream is written as it is (the template's stay compressed, no re-encoding)."""
    buffer = io.BytesIO()
    pdf.save(buffer, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.none)
    return buffer.getvalue()


def build_template(
    spec: FormSpec, lang: str | None = None, rows: dict[str, int] | None = None, *, marks: bool = True
) -> bytes:
    """The fillable A4 template of ``spec`` in ``lang`` (default: current language); same spec, same bytes.

    ``rows`` limits groups to the rows a filled document holds; ``marks=False`` prints no
    required-field marks (see :func:`layout.layout`).
    """
    with language(lang):
        content, widgets = layout(spec, rows, marks=marks)
    pdf = pikepdf.open(io.BytesIO(content))
    add_fields(pdf, widgets)
    pdf.docinfo[pikepdf.Name("/SomflowForm")] = pikepdf.String(f"{spec.id} v{spec.version} {spec_digest(spec)}")
    return save(pdf)


def template_is_current(spec: FormSpec, template: bytes) -> bool:
    """True when ``template`` was built from exactly this spec (its document info carries the spec's hash)."""
    try:
        with pikepdf.open(io.BytesIO(template)) as pdf:
            tag = pdf.docinfo.get("/SomflowForm")
    except pikepdf.PdfError:
        return False
    return tag is not None and str(tag) == f"{spec.id} v{spec.version} {spec_digest(spec)}"


# --------------------------------------------------------------- fields


class Filler:
    """Fills the fields of one open PDF; the font and resources are made once per PDF."""

    def __init__(self, pdf: pikepdf.Pdf):
        self.pdf = pdf
        self.font = field_font()
        acroform = pdf.Root.AcroForm
        #: The PDF carried an XFA form, now removed so that viewers show the AcroForm values.
        self.dropped_xfa = "/XFA" in acroform
        if self.dropped_xfa:
            del acroform["/XFA"]
            if "/NeedsRendering" in pdf.Root:
                del pdf.Root["/NeedsRendering"]
        dr = acroform.get("/DR")
        if dr is None or not dr.is_indirect:  # not a somflow template: make /DR shareable
            dr = pdf.make_indirect(pikepdf.Dictionary() if dr is None else dr)
            acroform.DR = dr
        if "/Font" not in dr:
            dr.Font = pikepdf.Dictionary()
        if "/" + FIELD_FONT not in dr.Font:
            dr.Font["/" + FIELD_FONT] = self.font.pdf_object(pdf)
        self.resources = dr
        #: The PDF asked viewers to draw the fields themselves: somflow now draws every value (see :meth:`redraw`).
        self.viewer_drawn = bool(acroform.get("/NeedAppearances", False))
        acroform.NeedAppearances = False
        self.slots, self.objects = read_slots(pdf)
        self._aliases: dict[str, str] | None = None

    def resolve(self, name: str) -> str | None:
        """The field's full name: ``name`` itself, or ``name`` with the ``[0]`` indices of XFA-made names left out.

        Forms from Adobe LiveCycle name fields ``form1[0].strona1[0].Nazwisko[0]``;
        the data may say ``form1.strona1.Nazwisko`` when that names one field only.
        """
        if name in self.slots:
            return name
        if self._aliases is None:
            by_plain: dict[str, list[str]] = {}
            for full in self.slots:
                by_plain.setdefault(INDEX.sub("", full), []).append(full)
            self._aliases = {plain: fulls[0] for plain, fulls in by_plain.items() if len(fulls) == 1}
        return self._aliases.get(INDEX.sub("", name))

    def set(self, name: str, value: Any) -> bool:
        """Set field ``name`` to ``value`` (text; bool or export value for buttons). False when there is no such field."""
        name = self.resolve(name) or name
        slot = self.slots.get(name)
        if slot is None:
            return False
        if self.objects is not None:  # objects at hand (they may be direct, without an object number)
            field, widgets = self.objects[name]
            by_gen = {w.objgen: w for w in widgets}
            positional = iter(widgets)

            def get(objgen):
                return by_gen[objgen] if objgen != (0, 0) else next(positional)
        else:
            get = self.pdf.get_object
            field = get(slot.field)
        kind = slot.kind
        if kind == "text" or kind == "choice":
            items = [str(v) for v in value if v not in (None, "")] if isinstance(value, list) else []
            text = (
                ", ".join(items)
                if isinstance(value, list)
                else _lines("" if value is None or value is False else str(value))
            )
            shown = text
            if kind == "choice":
                exports = [choice_export(slot, v) or v for v in items] if isinstance(value, list) else None
                export = choice_export(slot, text) or text
                field.V = (
                    pikepdf.Array([pikepdf.String(e) for e in exports])
                    if exports is not None
                    else pikepdf.String(export)
                )
                shown = (
                    ", ".join(dict(slot.options).get(e, e) for e in exports)
                    if exports is not None
                    else dict(slot.options).get(export, text)
                )
            else:
                field.V = pikepdf.String(text)
            da = None if slot.da_ok else pikepdf.String(f"/{FIELD_FONT} {slot.size or 0} Tf {slot.colour}")
            if da is not None:
                field.DA = da
            comb = slot.maxlen if kind == "text" and slot.flags & COMB and not slot.multiline and slot.maxlen else None
            for objgen, width, height, _on, rotate, frame in slot.widgets:
                widget = get(objgen)
                if da is not None and "/DA" in widget:  # a widget's own /DA wins over the field's
                    widget.DA = da
                widget.AP = pikepdf.Dictionary(
                    N=self._text_appearance(
                        shown,
                        width,
                        height,
                        slot.multiline and kind == "text",
                        slot.size,
                        slot.align,
                        comb,
                        rotate,
                        frame,
                        slot.colour,
                    )
                )
        elif kind == "checkbox" and len(states(slot)) < 2:
            for objgen, width, height, on, _r, _f in slot.widgets:
                widget = get(objgen)
                if on is None and not isinstance(widget.get("/AP", {}).get("/N"), pikepdf.Dictionary):
                    self._tick_appearance(widget, width, height)  # a box without appearances would stay invisible
                on = on or "Yes"
                state = pikepdf.Name("/" + on) if checked(value, on) else pikepdf.Name.Off
                widget.AS = state
                field.V = state
        elif kind in ("radio", "checkbox"):
            chosen = None if value in (None, False, "") else radio_state(slot, str(value))
            for objgen, _w, _h, on, _r, _f in slot.widgets:
                get(objgen).AS = pikepdf.Name("/" + on) if on is not None and on == chosen else pikepdf.Name.Off
            field.V = pikepdf.Name("/" + chosen) if chosen else pikepdf.Name.Off
        else:
            return False
        return True

    def redraw(self, skip: set[str]) -> None:
        """Draw the values already in text and choice fields (not in ``skip``) that a viewer was to draw itself.

        With NeedAppearances off, a pre-filled value without an appearance
        stream — or any value of a form that asked viewers to draw them — would no longer show.
        """
        if self.objects is None:
            return
        for name, (field, widgets) in self.objects.items():
            slot = self.slots[name]
            if name in skip or slot.kind not in ("text", "choice"):
                continue
            value = inherited(field, "/V")
            if value is None or (not isinstance(value, pikepdf.Array) and str(value) == ""):
                continue
            if self.viewer_drawn or any(not isinstance(w.get("/AP"), pikepdf.Dictionary) for w in widgets):
                self.set(name, [str(v) for v in value] if isinstance(value, pikepdf.Array) else str(value))

    def _tick_appearance(self, widget: pikepdf.Dictionary, width: float, height: float) -> None:
        scale = min(width, height) / 10
        tick = f"q {scale:g} 0 0 {scale:g} 0 0 cm ".encode() + CROSS + b" Q"
        widget.AP = pikepdf.Dictionary(
            N=pikepdf.Dictionary(Yes=_stream(self.pdf, tick, width, height), Off=_stream(self.pdf, b"", width, height))
        )

    def _text_appearance(
        self,
        text: str,
        width: float,
        height: float,
        multiline: bool,
        size: float | None,
        align: int = 0,
        comb: int | None = None,
        rotate: int = 0,
        frame: bytes = b"",
        colour: str = "0 g",
    ) -> pikepdf.Object:
        font = self.font
        pad = 2.0

        def x_of(line: str, size: float) -> float:
            if align == 1:
                return max(pad, (width - font.width(line, size)) / 2)
            if align == 2:
                return max(pad, width - pad - font.width(line, size))
            return pad

        if multiline:
            size = size or DEFAULT_SIZE
            lines = _wrap(font, text, size, width - 2 * pad)
            leading = size * 1.15
            while size > 5 and len(lines) * leading > height - pad:
                size -= 0.5
                leading = size * 1.15
                lines = _wrap(font, text, size, width - 2 * pad)
            parts = [
                f"/Tx BMC q {pad} {pad} {width - 2 * pad:.2f} {height - 2 * pad:.2f} re W n BT /{FIELD_FONT} {size:g} Tf {colour}".encode()
            ]
            top = height - pad - size
            for i, line in enumerate(lines):
                parts.append(
                    f"1 0 0 1 {x_of(line, size):.2f} {top - i * leading:.2f} Tm ".encode() + font.encode(line) + b" Tj"
                )
            parts.append(b"ET Q EMC")
        elif comb:
            cell = width / comb
            size = size or min(DEFAULT_SIZE * 1.2, max(5.0, (height - 2) * 0.7), cell * 1.4)
            baseline = (height - size * 0.73) / 2
            parts = [f"/Tx BMC q BT /{FIELD_FONT} {size:g} Tf {colour}".encode()]
            for i, ch in enumerate(text[:comb]):
                parts.append(
                    f"1 0 0 1 {i * cell + (cell - font.width(ch, size)) / 2:.2f} {baseline:.2f} Tm ".encode()
                    + font.encode(ch)
                    + b" Tj"
                )
            parts.append(b"ET Q EMC")
        else:
            text = " ".join(text.splitlines())  # one line: line breaks become spaces, not "?"
            size = size or min(DEFAULT_SIZE, max(5.0, (height - 2) * 0.7))
            while size > 5 and font.width(text, size) > width - 2 * pad:
                size -= 0.5
            baseline = (height - size * 0.73) / 2
            parts = [
                f"/Tx BMC q {pad / 2} 1 {width - pad:.2f} {height - 2:.2f} re W n BT /{FIELD_FONT} {size:g} Tf {colour} 1 0 0 1 {x_of(text, size):.2f} {baseline:.2f} Tm".encode(),
                font.encode(text) + b" Tj ET Q EMC",
            ]
        stream = _stream(self.pdf, frame + b"\n".join(parts), width, height, self.resources)
        if rotate:  # /MK /R: the box is drawn upright, then turned onto the widget's rectangle
            stream.Matrix = {
                90: [0, 1, -1, 0, height, 0],
                180: [-1, 0, 0, -1, width, height],
                270: [0, -1, 1, 0, 0, width],
            }.get(rotate, [1, 0, 0, 1, 0, 0])
        return stream


def _lines(text: str) -> str:
    """Line breaks as ``\n``: Acrobat and Windows viewers store them as ``\r`` or ``\r\n``."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _wrap(font, text: str, size: float, width: float) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if line and font.width(candidate, size) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


# ------------------------------------------------------- spec ↔ PDF names


def pdf_values(spec: FormSpec, data: dict[str, Any], extra_rows: bool = False) -> dict[str, Any]:
    """The PDF field values for ``data``: ``name``, ``group-<i>-name``, ``name-<value>`` for multichoice."""
    values: dict[str, Any] = {}

    def put(prefix: str, fields, row: dict[str, Any]) -> None:
        for f in fields:
            value = row.get(f.name)
            if f.type == "multichoice":
                for choice in f.choices:
                    values[f"{prefix}{f.name}-{choice.value}"] = choice.value in (value or [])
            elif f.type == "checkbox":
                values[prefix + f.name] = bool(value)
            elif f.type == "choice":
                values[prefix + f.name] = value
            else:
                values[prefix + f.name] = "" if value is None else str(value)

    put("", [f for _s, f in spec.fields()], data)
    for _s, group in spec.groups():
        for i, row in enumerate(data.get(group.name) or [], start=1):
            if i > group.max and not extra_rows:
                break
            put(f"{group.name}-{i}-", group.fields, row or {})
    return values


def fill(pdf: pikepdf.Pdf, values: dict[str, Any]) -> list[str]:
    """Fill ``values`` (PDF field name → value) into ``pdf``; returns the names that are not fields of it."""
    filler = Filler(pdf)
    return [name for name, value in values.items() if not filler.set(name, value)]


def field_values(pdf: pikepdf.Pdf) -> dict[str, Any]:
    """Every terminal field's value: text as str, checkbox as bool, radio as its export value (its /Opt text) or None.

    A list box with several choices gives a list; checkboxes of one name with different export values (a "tak"/"nie" pair) give the ticked one's value or None.
    """
    found: dict[str, Any] = {}
    for name, field, widgets in terminal_fields(pdf):
        kind = field_kind(field)
        value = inherited(field, "/V")
        if isinstance(value, pikepdf.Array):  # a list box with several choices
            found[name] = [str(v) for v in value]
        elif kind in ("text", "choice"):
            found[name] = "" if value is None else _lines(str(value))
        elif kind == "checkbox" and len({on_state(w) for w in widgets} - {None}) > 1:  # a tak/nie pair: which one
            found[name] = None if value is None or str(value) == "/Off" else str(value)[1:]
        elif kind == "checkbox":
            found[name] = value is not None and str(value) != "/Off"
        elif kind == "radio":
            state = None if value is None or str(value) == "/Off" else str(value)[1:]
            found[name] = dict(field_options(field, kind)).get(state, state) if state is not None else None
    return found


#: Longest value kept when a filled PDF is read back (a long free-text answer is a few thousand characters).
MAX_VALUE_CHARS = 10_000
#: Most fields kept from one filled PDF (the longest form has a few hundred).
MAX_FIELDS = 1_000


def bounded(values: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """``values`` read back from a PDF anybody may have made, within the limits: a value longer than
    MAX_VALUE_CHARS, a name longer than 200 characters and fields past MAX_FIELDS are left out.
    Returns the values kept and the names left out (the archived PDF still holds everything)."""
    kept: dict[str, Any] = {}
    dropped: list[str] = []
    for name, value in values.items():
        size = sum(len(str(v)) for v in value) if isinstance(value, list) else len(str(value))
        if size > MAX_VALUE_CHARS or len(name) > 200 or len(kept) >= MAX_FIELDS:
            dropped.append(name)
        else:
            kept[name] = value
    return kept, dropped


def field_names(pdf: pikepdf.Pdf) -> set[str]:
    """The names of the fields ``pdf`` has: what a filled copy of it may bring back."""
    return {name for name, _field, _widgets in terminal_fields(pdf)}


def read_back(spec: FormSpec, pdf_bytes: bytes) -> dict[str, Any]:
    """The data of a filled PDF of ``spec`` (e.g. filled on a computer in any viewer); empty fields, and values
    over the limits of :func:`bounded`, are left out."""
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        values, _dropped = bounded(field_values(pdf))
    return data_from_fields(spec, values)


def data_from_fields(spec: FormSpec, values: dict[str, str]) -> dict[str, Any]:
    """AcroForm field values (``name``, ``kanaly-strona_www``, ``group-2-name``) in the shape of ``spec``'s data.

    The one reading of a filled form: :func:`read_back` and the inbox (which reads the fields in a
    separate process) both use it, so plugins get ``{"kanaly": ["strona_www"], ...}``, not field names.
    """

    def take(prefix: str, fields) -> dict[str, Any]:
        row: dict[str, Any] = {}
        for f in fields:
            key = prefix + f.name
            if f.type == "multichoice":
                chosen = [c.value for c in f.choices if values.get(f"{key}-{c.value}")]
                if chosen:
                    row[f.name] = chosen
            elif f.type == "checkbox":
                if key in values:
                    row[f.name] = bool(values[key])
            elif f.type == "choice":
                if values.get(key):
                    row[f.name] = values[key]
            elif values.get(key, "").strip():
                text = values[key].strip() if f.type != "multiline" else values[key]
                row[f.name] = int(text) if f.type == "integer" and re.fullmatch(r"-?\d+", text) else text
        return row

    data = take("", [f for _s, f in spec.fields()])
    for _s, group in spec.groups():
        rows, i = [], 1
        while any(k.startswith(f"{group.name}-{i}-") for k in values):
            row = take(f"{group.name}-{i}-", group.fields)
            if any(v not in (False, None, "", []) for v in row.values()):
                rows.append(
                    {k: v for k, v in row.items() if v is not False}
                    if not any(f.type == "checkbox" for f in group.fields)
                    else row
                )
            i += 1
        if rows:
            data[group.name] = rows
    return data
