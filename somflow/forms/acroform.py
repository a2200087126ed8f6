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

import difflib
import hashlib
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pikepdf

from somflow import i18n
from somflow.i18n import _
from somflow.forms.fonts import FIELD_FONT, field_font
from somflow.forms.layout import Widget, layout
from somflow.forms.spec import FormSpec

MULTILINE = 1 << 12
RADIO = 1 << 15
NO_TOGGLE_OFF = 1 << 14
PRINT = 4
DEFAULT_SIZE = 9


@contextmanager
def language(lang: str | None) -> Iterator[None]:
    """Temporarily switch the language of texts picked from the spec."""
    if lang is None:
        yield
        return
    previous = i18n.language()
    i18n.set_language(lang)
    try:
        yield
    finally:
        i18n.set_language(previous)


def spec_digest(spec: FormSpec) -> str:
    """A hash of the spec's content: stored in templates to notice a stale one."""
    text = spec.path.read_bytes() if spec.path else repr(spec).encode()
    return hashlib.sha256(text).hexdigest()[:16]


# -------------------------------------------------------------- building


def _stream(pdf: pikepdf.Pdf, content: bytes, width: float, height: float, resources: pikepdf.Object | None = None) -> pikepdf.Object:
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
        annot = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget, Rect=[round(x, 3), round(y, 3), round(x + width, 3), round(y + height, 3)], F=PRINT, P=page.obj)
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
            annot.AP = pikepdf.Dictionary(N=pikepdf.Dictionary(Yes=_stream(pdf, CROSS, width, height), Off=_stream(pdf, b"", width, height)))
            fields.append(pdf.make_indirect(annot))
        else:  # radio: one parent field, a widget a choice
            parent = radios.get(w.name)
            if parent is None:
                parent = pdf.make_indirect(pikepdf.Dictionary(FT=pikepdf.Name.Btn, T=pikepdf.String(w.name), Ff=RADIO | NO_TOGGLE_OFF, V=pikepdf.Name.Off, Kids=pikepdf.Array()))
                radios[w.name] = parent
                fields.append(parent)
            annot.Parent = parent
            annot.AS = pikepdf.Name.Off
            annot.MK = pikepdf.Dictionary(CA=pikepdf.String("l"))
            annot.AP = pikepdf.Dictionary(N=pikepdf.Dictionary({"/" + w.export: _stream(pdf, DOT, width, height), "/Off": _stream(pdf, b"", width, height)}))
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


def build_template(spec: FormSpec, lang: str | None = None) -> bytes:
    """The fillable A4 template of ``spec`` in ``lang`` (default: current language); same spec, same bytes."""
    with language(lang):
        content, widgets = layout(spec)
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


def _inherited(field: pikepdf.Dictionary, key: str) -> Any:
    node, depth = field, 0
    while node is not None and depth < 32:
        if key in node:
            return node[key]
        node = node.get("/Parent")
        depth += 1
    return None


def terminal_fields(pdf: pikepdf.Pdf) -> Iterator[tuple[str, pikepdf.Dictionary, list[pikepdf.Dictionary]]]:
    """Every terminal field as (fully qualified name, field, its widgets)."""
    acroform = pdf.Root.get("/AcroForm")
    if acroform is None:
        return
    stack = [(f, "") for f in reversed(list(acroform.get("/Fields", [])))]
    while stack:
        field, prefix = stack.pop()
        name = prefix + str(field.T) if "/T" in field else prefix.rstrip(".")
        kids = list(field.get("/Kids", []))
        named_kids = [k for k in kids if "/T" in k]
        if named_kids:
            stack += [(k, name + ".") for k in reversed(named_kids)]
        else:
            yield name, field, kids or [field]


def _on_state(widget: pikepdf.Dictionary) -> str | None:
    normal = widget.get("/AP", {}).get("/N") if "/AP" in widget else None
    if isinstance(normal, pikepdf.Dictionary):
        for key in normal.keys():
            if key != "/Off":
                return key[1:]
    return None


def field_kind(field: pikepdf.Dictionary) -> str:
    """text | checkbox | radio | choice | signature | other."""
    ft = _inherited(field, "/FT")
    flags = int(_inherited(field, "/Ff") or 0)
    if ft == "/Tx":
        return "text"
    if ft == "/Btn":
        return "radio" if flags & RADIO else ("push" if flags & (1 << 16) else "checkbox")
    if ft == "/Ch":
        return "choice"
    if ft == "/Sig":
        return "signature"
    return "other"


@dataclass(frozen=True)
class _Slot:
    """What filling needs to know about one terminal field, found once per template."""

    field: tuple[int, int]
    kind: str
    multiline: bool
    size: float | None
    da_ok: bool
    #: Per widget: object id, width, height (in the widget's own upright frame), on-state, /MK /R rotation, background and border drawing.
    widgets: tuple[tuple[tuple[int, int], float, float, str | None, int, bytes], ...]
    flags: int = 0
    maxlen: int | None = None
    align: int = 0
    #: Choice fields: (export value, shown text) of each option; radio groups with /Opt: (state name, shown text).
    options: tuple[tuple[str, str], ...] = ()
    #: The text colour operator of the field's /DA ("0 g" black unless it says otherwise).
    colour: str = "0 g"


#: Field maps of somflow templates, by the template's (content-derived) /ID: the walk costs more than the fill.
_slots_cache: dict[bytes, dict[str, _Slot]] = {}


def _options(field: pikepdf.Dictionary, kind: str) -> tuple[tuple[str, str], ...]:
    opt = _inherited(field, "/Opt")
    if not isinstance(opt, pikepdf.Array):
        return ()
    pairs = []
    for i, item in enumerate(opt):
        if isinstance(item, pikepdf.Array) and len(item) >= 2:
            export, shown = str(item[0]), str(item[1])
        else:
            export = shown = str(item)
        pairs.append((str(i), shown) if kind == "radio" else (export, shown))
    return tuple(pairs)


def _colour(value: Any, stroke: bool) -> bytes | None:
    """A /MK colour array as a colour-setting operator (none for an empty or missing array)."""
    if not isinstance(value, pikepdf.Array) or len(value) not in (1, 3, 4):
        return None
    op = {1: "g", 3: "rg", 4: "k"}[len(value)]
    return (" ".join(f"{float(v):g}" for v in value) + " " + (op.upper() if stroke else op)).encode()


def _frame(widget: pikepdf.Dictionary, width: float, height: float) -> bytes:
    """The widget's background and border (/MK /BG, /BC, /BS /W) as viewers draw them when they make an appearance."""
    mk = widget.get("/MK")
    if not isinstance(mk, pikepdf.Dictionary):
        return b""
    parts = []
    bg = _colour(mk.get("/BG"), stroke=False)
    if bg:
        parts.append(bg + f" 0 0 {width:.2f} {height:.2f} re f".encode())
    bc = _colour(mk.get("/BC"), stroke=True)
    bs = widget.get("/BS")
    border = float(bs.get("/W", 1)) if isinstance(bs, pikepdf.Dictionary) else 1.0
    if bc and border > 0:
        half = border / 2
        parts.append(bc + f" {border:g} w {half:g} {half:g} {width - border:.2f} {height - border:.2f} re S".encode())
    return b"q " + b" ".join(parts) + b" Q\n" if parts else b""


def _rotation(widget: pikepdf.Dictionary) -> int:
    mk = widget.get("/MK")
    try:
        return int(mk.get("/R", 0)) % 360 if isinstance(mk, pikepdf.Dictionary) else 0
    except (TypeError, ValueError):
        return 0


def _slots(pdf: pikepdf.Pdf) -> tuple[dict[str, _Slot], dict[str, tuple[Any, list[Any]]] | None]:
    """The field map, and (unless cached) the field and widget objects themselves."""
    key = None
    if "/SomflowForm" in pdf.docinfo and "/ID" in pdf.trailer:
        key = bytes(pdf.trailer.ID[0]) + bytes(pdf.trailer.ID[1])
        cached = _slots_cache.get(key)
        if cached is not None:
            return cached, None
    slots = {}
    objects = {}
    default_align = pdf.Root.AcroForm.get("/Q", 0)
    default_da = pdf.Root.AcroForm.get("/DA")  # for fields without a /DA of their own
    for name, field, widgets in terminal_fields(pdf):
        objects[name] = (field, widgets)
        own_da = _inherited(field, "/DA")
        da = own_da if own_da is not None else default_da
        kind = field_kind(field)
        placed = []
        for w in widgets:
            x1, y1, x2, y2 = (float(v) for v in w.get("/Rect", (0, 0, 0, 0)))
            width, height = abs(x2 - x1), abs(y2 - y1)
            rotate = _rotation(w)
            if rotate in (90, 270):
                width, height = height, width
            placed.append((w.objgen, width, height, _on_state(w), rotate, _frame(w, width, height) if kind in ("text", "choice") else b""))
        maxlen = _inherited(field, "/MaxLen")
        align = _inherited(field, "/Q")
        slots[name] = _Slot(
            field.objgen,
            kind,
            bool(int(_inherited(field, "/Ff") or 0) & MULTILINE),
            _da_size(da),
            own_da is not None and str(own_da).startswith(f"/{FIELD_FONT} "),
            tuple(placed),
            int(_inherited(field, "/Ff") or 0),
            int(maxlen) if maxlen is not None else None,
            int(align if align is not None else default_align),
            _options(field, kind),
            _da_colour(da),
        )
    indirect = all(slot.field != (0, 0) and all(w[0] != (0, 0) for w in slot.widgets) for slot in slots.values())
    if key is not None and indirect:
        _slots_cache[key] = slots
    return slots, objects


COMB = 1 << 24
EDIT = 1 << 18
MULTI_SELECT = 1 << 21
#: The ``[0]`` indices in the field names of forms made by Adobe LiveCycle (XFA).
INDEX = re.compile(r"\[\d+\]")
#: Words taken as "checked" / "not checked" for a checkbox, besides true/false and its own export value.
YES_WORDS = frozenset({"yes", "tak", "true", "1", "x", "on"})
NO_WORDS = frozenset({"no", "nie", "false", "0", "off", ""})


def _checked(value: Any, on: str) -> bool | None:
    """A checkbox value as a bool; None when it is not a yes/no value at all."""
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, int | float):
        return bool(value) if value in (0, 1) else None
    if isinstance(value, str):
        word = value.strip()
        if word.lower() == on.lower() or word.lower() in YES_WORDS:
            return True
        if word.lower() in NO_WORDS:
            return False
    return None


def _states(slot: _Slot) -> list[str]:
    """The export values a radio group offers, in widget order, each once."""
    return list(dict.fromkeys(on for _g, _w, _h, on, _r, _f in slot.widgets if on is not None))


def _radio_state(slot: _Slot, value: str) -> str | None:
    """The appearance state that ``value`` selects: an export value, or an /Opt text standing for its index."""
    states = _states(slot)
    if value in states:
        return value
    for state, shown in slot.options:
        if shown == value and state in states:
            return state
    return None


def _choice_export(slot: _Slot, value: str) -> str | None:
    for export, shown in slot.options:
        if value in (export, shown):
            return export
    return None


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
        self.slots, self.objects = _slots(pdf)
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

    def problem(self, name: str, value: Any) -> str | None:
        """Why ``value`` cannot go into field ``name`` (a Polish message naming the field), or None when it can."""
        full = self.resolve(name)
        if full is None:
            close = difflib.get_close_matches(name, list(self.slots), n=1, cutoff=0.75)
            if close:
                return _("nie ma pola „{name}” (czy chodziło o „{close}”?)", name=name, close=close[0])
            return _("nie ma pola „{name}”", name=name)
        slot = self.slots[full]
        kind = slot.kind
        if kind in ("signature", "push", "other"):
            return _("pole „{name}” to podpis albo przycisk, nie da się go wypełnić danymi", name=name)
        if isinstance(value, dict):
            return _("pole „{name}”: oczekiwano jednej wartości, a podano słownik", name=name)
        if isinstance(value, list) and not (kind == "choice" and slot.flags & MULTI_SELECT):
            return _("pole „{name}” przyjmuje jedną wartość, a podano listę", name=name)
        if kind == "text":
            text = "" if value is None else str(value)
            if slot.maxlen is not None and len(text) > slot.maxlen:
                return _("pole „{name}”: wartość ma {length} znaków, a pole mieści najwyżej {max}", name=name, length=len(text), max=slot.maxlen)
            missing = "".join(dict.fromkeys(ch for ch in text if ch not in "\n\r\t" and not self.font.covers(ch)))
            if missing:
                return _("pole „{name}”: znaków „{chars}” nie da się pokazać czcionką formularza (zamiast nich byłyby „?”)", name=name, chars=missing)
        elif kind == "checkbox" and len(_states(slot)) > 1:  # boxes of one name, each its own export value: one of them is ticked
            if value not in (None, False, "") and _radio_state(slot, str(value)) is None:
                return _("pole „{name}”: „{value}” nie jest jedną z opcji: {options}", name=name, value=value, options=", ".join(_states(slot)))
        elif kind == "checkbox":
            on = next((w[3] for w in slot.widgets if w[3] is not None), "Yes")
            if _checked(value, on) is None:
                return _("pole „{name}” to pole wyboru: podaj true albo false (tak/nie) lub „{on}”, a nie „{value}”", name=name, on=on, value=value)
        elif kind == "radio":
            if value not in (None, False, "") and _radio_state(slot, str(value)) is None:
                allowed = [shown for _s, shown in slot.options] or _states(slot)
                return _("pole „{name}”: „{value}” nie jest jedną z opcji: {options}", name=name, value=value, options=", ".join(allowed))
        elif kind == "choice" and slot.options and not slot.flags & EDIT:
            for item in value if isinstance(value, list) else [value]:
                if item not in (None, "") and _choice_export(slot, str(item)) is None:
                    return _("pole „{name}”: „{value}” nie jest jedną z opcji: {options}", name=name, value=item, options=", ".join(shown for _e, shown in slot.options))
        return None

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
            text = ", ".join(items) if isinstance(value, list) else _lines("" if value is None or value is False else str(value))
            shown = text
            if kind == "choice":
                exports = [_choice_export(slot, v) or v for v in items] if isinstance(value, list) else None
                export = _choice_export(slot, text) or text
                field.V = pikepdf.Array([pikepdf.String(e) for e in exports]) if exports is not None else pikepdf.String(export)
                shown = ", ".join(dict(slot.options).get(e, e) for e in exports) if exports is not None else dict(slot.options).get(export, text)
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
                widget.AP = pikepdf.Dictionary(N=self._text_appearance(shown, width, height, slot.multiline and kind == "text", slot.size, slot.align, comb, rotate, frame, slot.colour))
        elif kind == "checkbox" and len(_states(slot)) < 2:
            for objgen, width, height, on, _r, _f in slot.widgets:
                widget = get(objgen)
                if on is None and not isinstance(widget.get("/AP", {}).get("/N"), pikepdf.Dictionary):
                    self._tick_appearance(widget, width, height)  # a box without appearances would stay invisible
                on = on or "Yes"
                state = pikepdf.Name("/" + on) if _checked(value, on) else pikepdf.Name.Off
                widget.AS = state
                field.V = state
        elif kind in ("radio", "checkbox"):
            chosen = None if value in (None, False, "") else _radio_state(slot, str(value))
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
            value = _inherited(field, "/V")
            if value is None or (not isinstance(value, pikepdf.Array) and str(value) == ""):
                continue
            if self.viewer_drawn or any(not isinstance(w.get("/AP"), pikepdf.Dictionary) for w in widgets):
                self.set(name, [str(v) for v in value] if isinstance(value, pikepdf.Array) else str(value))

    def _tick_appearance(self, widget: pikepdf.Dictionary, width: float, height: float) -> None:
        scale = min(width, height) / 10
        tick = f"q {scale:g} 0 0 {scale:g} 0 0 cm ".encode() + CROSS + b" Q"
        widget.AP = pikepdf.Dictionary(N=pikepdf.Dictionary(Yes=_stream(self.pdf, tick, width, height), Off=_stream(self.pdf, b"", width, height)))

    def _text_appearance(self, text: str, width: float, height: float, multiline: bool, size: float | None, align: int = 0, comb: int | None = None, rotate: int = 0, frame: bytes = b"", colour: str = "0 g") -> pikepdf.Object:
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
            parts = [f"/Tx BMC q {pad} {pad} {width - 2 * pad:.2f} {height - 2 * pad:.2f} re W n BT /{FIELD_FONT} {size:g} Tf {colour}".encode()]
            top = height - pad - size
            for i, line in enumerate(lines):
                parts.append(f"1 0 0 1 {x_of(line, size):.2f} {top - i * leading:.2f} Tm ".encode() + font.encode(line) + b" Tj")
            parts.append(b"ET Q EMC")
        elif comb:
            cell = width / comb
            size = size or min(DEFAULT_SIZE * 1.2, max(5.0, (height - 2) * 0.7), cell * 1.4)
            baseline = (height - size * 0.73) / 2
            parts = [f"/Tx BMC q BT /{FIELD_FONT} {size:g} Tf {colour}".encode()]
            for i, ch in enumerate(text[:comb]):
                parts.append(f"1 0 0 1 {i * cell + (cell - font.width(ch, size)) / 2:.2f} {baseline:.2f} Tm ".encode() + font.encode(ch) + b" Tj")
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
            stream.Matrix = {90: [0, 1, -1, 0, height, 0], 180: [-1, 0, 0, -1, width, height], 270: [0, -1, 1, 0, 0, width]}.get(rotate, [1, 0, 0, 1, 0, 0])
        return stream


DA_COLOUR = re.compile(r"((?:[-+]?[\d.]+\s+){1,4})(g|rg|k)\b")


def _da_colour(da: Any) -> str:
    match = DA_COLOUR.search(str(da)) if da is not None else None
    if match is None or len(match.group(1).split()) != {"g": 1, "rg": 3, "k": 4}[match.group(2)]:
        return "0 g"
    return " ".join(match.group(1).split()) + " " + match.group(2)


def _da_size(da: Any) -> float | None:
    match = re.search(r"([\d.]+)\s+Tf", str(da)) if da is not None else None
    size = float(match.group(1)) if match else 0.0
    return size or None


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


def fill_checked(pdf: pikepdf.Pdf, values: dict[str, Any]) -> tuple[list[str], Filler]:
    """Check every value against its field first (existence, /MaxLen, yes/no, options); fill only when all fit.

    Returns the problems (Polish, each naming its field; nothing filled when
    there are any) and the filler (``dropped_xfa`` tells whether an XFA form was removed).
    """
    filler = Filler(pdf)
    problems = [p for p in (filler.problem(name, value) for name, value in values.items()) if p is not None]
    if not problems:
        for name, value in values.items():
            filler.set(name, value)
        filler.redraw({filler.resolve(name) or name for name in values})
    return problems, filler


def field_values(pdf: pikepdf.Pdf) -> dict[str, Any]:
    """Every terminal field's value: text as str, checkbox as bool, radio as its export value (its /Opt text) or None.

    A list box with several choices gives a list; checkboxes of one name with different export values (a "tak"/"nie" pair) give the ticked one's value or None.
    """
    found: dict[str, Any] = {}
    for name, field, widgets in terminal_fields(pdf):
        kind = field_kind(field)
        value = _inherited(field, "/V")
        if isinstance(value, pikepdf.Array):  # a list box with several choices
            found[name] = [str(v) for v in value]
        elif kind in ("text", "choice"):
            found[name] = "" if value is None else _lines(str(value))
        elif kind == "checkbox" and len({_on_state(w) for w in widgets} - {None}) > 1:  # a tak/nie pair: which one
            found[name] = None if value is None or str(value) == "/Off" else str(value)[1:]
        elif kind == "checkbox":
            found[name] = value is not None and str(value) != "/Off"
        elif kind == "radio":
            state = None if value is None or str(value) == "/Off" else str(value)[1:]
            found[name] = dict(_options(field, kind)).get(state, state) if state is not None else None
    return found


def read_back(spec: FormSpec, pdf_bytes: bytes) -> dict[str, Any]:
    """The data of a filled PDF of ``spec`` (e.g. filled on a computer in any viewer); empty fields are left out."""
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        values = field_values(pdf)

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
                rows.append({k: v for k, v in row.items() if v is not False} if not any(f.type == "checkbox" for f in group.fields) else row)
            i += 1
        if rows:
            data[group.name] = rows
    return data
