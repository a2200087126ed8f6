"""The fields of an AcroForm as filling needs them: full names, kinds, widgets, options, how values look.

:func:`slots` walks the field tree once per PDF (cached for somflow's own
templates, whose /ID comes from their content) and records per terminal field
its kind, flags, /MaxLen, alignment, /DA size and colour, options, and per
widget its size, on-state, /MK rotation and background/border.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pikepdf

from somflow.forms.fonts import FIELD_FONT

MULTILINE = 1 << 12
RADIO = 1 << 15
COMB = 1 << 24
EDIT = 1 << 18
MULTI_SELECT = 1 << 21
#: The ``[0]`` indices in the field names of forms made by Adobe LiveCycle (XFA).
INDEX = re.compile(r"\[\d+\]")
#: Words taken as "checked" / "not checked" for a checkbox, besides true/false and its own export value.
YES_WORDS = frozenset({"yes", "tak", "true", "1", "x", "on"})
NO_WORDS = frozenset({"no", "nie", "false", "0", "off", ""})


def inherited(field: pikepdf.Dictionary, key: str) -> Any:
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


def on_state(widget: pikepdf.Dictionary) -> str | None:
    normal = widget.get("/AP", {}).get("/N") if "/AP" in widget else None
    if isinstance(normal, pikepdf.Dictionary):
        for key in normal:
            if key != "/Off":
                return key[1:]
    return None


def field_kind(field: pikepdf.Dictionary) -> str:
    """text | checkbox | radio | choice | signature | other."""
    ft = inherited(field, "/FT")
    flags = int(inherited(field, "/Ff") or 0)
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
class Slot:
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
_slots_cache: dict[bytes, dict[str, Slot]] = {}


def field_options(field: pikepdf.Dictionary, kind: str) -> tuple[tuple[str, str], ...]:
    opt = inherited(field, "/Opt")
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


def read_slots(pdf: pikepdf.Pdf) -> tuple[dict[str, Slot], dict[str, tuple[Any, list[Any]]] | None]:
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
        own_da = inherited(field, "/DA")
        da = own_da if own_da is not None else default_da
        kind = field_kind(field)
        placed = []
        for w in widgets:
            x1, y1, x2, y2 = (float(v) for v in w.get("/Rect", (0, 0, 0, 0)))
            width, height = abs(x2 - x1), abs(y2 - y1)
            rotate = _rotation(w)
            if rotate in (90, 270):
                width, height = height, width
            placed.append(
                (
                    w.objgen,
                    width,
                    height,
                    on_state(w),
                    rotate,
                    _frame(w, width, height) if kind in ("text", "choice") else b"",
                )
            )
        maxlen = inherited(field, "/MaxLen")
        align = inherited(field, "/Q")
        slots[name] = Slot(
            field.objgen,
            kind,
            bool(int(inherited(field, "/Ff") or 0) & MULTILINE),
            _da_size(da),
            own_da is not None and str(own_da).startswith(f"/{FIELD_FONT} "),
            tuple(placed),
            int(inherited(field, "/Ff") or 0),
            int(maxlen) if maxlen is not None else None,
            int(align if align is not None else default_align),
            field_options(field, kind),
            _da_colour(da),
        )
    indirect = all(slot.field != (0, 0) and all(w[0] != (0, 0) for w in slot.widgets) for slot in slots.values())
    if key is not None and indirect:
        _slots_cache[key] = slots
    return slots, objects


def checked(value: Any, on: str) -> bool | None:
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


def states(slot: Slot) -> list[str]:
    """The export values a radio group offers, in widget order, each once."""
    return list(dict.fromkeys(on for _g, _w, _h, on, _r, _f in slot.widgets if on is not None))


def radio_state(slot: Slot, value: str) -> str | None:
    """The appearance state that ``value`` selects: an export value, or an /Opt text standing for its index."""
    offered = states(slot)
    if value in offered:
        return value
    for state, shown in slot.options:
        if shown == value and state in offered:
            return state
    return None


def choice_export(slot: Slot, value: str) -> str | None:
    for export, shown in slot.options:
        if value in (export, shown):
            return export
    return None


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
