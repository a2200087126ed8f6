"""Someone else's AcroForm PDF (a municipality's or a ministry's official form): opening it, checking the data, filling.

Government forms are often encrypted with an empty user password (only an
owner password restricting changes): those open as they are, and the filled
copy is written without encryption. A form that needs a password to be
opened, a file that is not a PDF or is cut short, or a PDF without form
fields gives a Polish :class:`~somflow.errors.SomflowError` naming the file.
:func:`fill` checks every value against its field before filling any.
"""

from __future__ import annotations

import difflib
import io
from typing import Any

import pikepdf

from somflow.errors import SomflowError
from somflow.forms.acroform import Filler
from somflow.forms.fieldmap import EDIT, MULTI_SELECT, checked, choice_export, radio_state, states, terminal_fields
from somflow.i18n import _


def _damaged(name: str) -> SomflowError:
    return SomflowError(
        _(
            "Plik {file} jest uszkodzony albo niepełny (np. przerwane pobieranie) i nie da się go otworzyć jako PDF.",
            file=name,
        )
    )


def _list_orphan_fields(pdf: pikepdf.Pdf) -> None:
    """Add to /AcroForm /Fields the fields whose widgets are on the pages but missing from it.

    Pages copied between PDFs without their form (pikepdf's ``pages.extend``,
    some merging tools) keep the widgets and lose the field list; viewers then
    show boxes nobody can fill.
    """
    listed = set()
    acroform = pdf.Root.get("/AcroForm")
    fields = acroform.get("/Fields") if isinstance(acroform, pikepdf.Dictionary) else None
    for field in fields if isinstance(fields, pikepdf.Array) else []:
        listed.add(field.objgen)
    orphans = []
    for page in pdf.pages:
        for annot in page.obj.get("/Annots", []):
            if not isinstance(annot, pikepdf.Dictionary) or annot.get("/Subtype") != "/Widget":
                continue
            top, depth = annot, 0
            while "/Parent" in top and depth < 32:
                top, depth = top.Parent, depth + 1
            if "/T" in top and top.objgen not in listed and top.is_indirect:
                listed.add(top.objgen)
                orphans.append(top)
    if not orphans:
        return
    if not isinstance(acroform, pikepdf.Dictionary):
        acroform = pdf.Root.AcroForm = pdf.make_indirect(pikepdf.Dictionary(Fields=pikepdf.Array()))
    if not isinstance(acroform.get("/Fields"), pikepdf.Array):
        acroform.Fields = pikepdf.Array()
    for top in orphans:
        acroform.Fields.append(top)


def open_form(content: bytes, name: str) -> pikepdf.Pdf:
    """``content`` (the bytes of file ``name``) opened with pikepdf, checked to hold form fields."""
    if b"%PDF-" not in content[:1024]:
        raise SomflowError(_("Plik {file} nie jest plikiem PDF.", file=name))
    if (
        b"%%EOF" not in content.rstrip(b"\x00 \t\r\n\x0c")[-2048:]
    ):  # a PDF ends with %%EOF (padding aside); without it the file was cut short
        raise _damaged(name)
    try:
        pdf = pikepdf.open(io.BytesIO(content))
    except pikepdf.PasswordError as exc:
        raise SomflowError(
            _(
                "Plik {file} jest chroniony hasłem do otwarcia; somflow go nie wypełni. Poproś wydawcę formularza o wersję bez hasła.",
                file=name,
            )
        ) from exc
    except pikepdf.PdfError as exc:
        raise _damaged(name) from exc
    try:
        _list_orphan_fields(pdf)
        usable = next(terminal_fields(pdf), None) is not None
    except (pikepdf.PdfError, AttributeError, TypeError, ValueError):
        usable = False
    if not usable:
        xfa_only = isinstance(pdf.Root.get("/AcroForm"), pikepdf.Dictionary) and "/XFA" in pdf.Root.AcroForm
        pdf.close()
        if xfa_only:
            raise SomflowError(
                _(
                    "Plik {file} to dynamiczny formularz XFA (Adobe LiveCycle) bez pól AcroForm; somflow takich nie wypełnia. Poproś wydawcę o zwykły formularz PDF albo wypełnij go w Adobe Reader.",
                    file=name,
                )
            )
        raise SomflowError(_("W pliku {file} nie ma pól formularza (AcroForm) do wypełnienia.", file=name))
    return pdf


def _not_an_option(name: str, value: Any, options: list[str]) -> str:
    return _(
        "pole „{name}”: „{value}” nie jest jedną z opcji: {options}", name=name, value=value, options=", ".join(options)
    )


def problem(filler: Filler, name: str, value: Any) -> str | None:
    """Why ``value`` cannot go into field ``name`` (a Polish message naming the field), or None when it can."""
    full = filler.resolve(name)
    if full is None:
        close = difflib.get_close_matches(name, list(filler.slots), n=1, cutoff=0.75)
        if close:
            return _("nie ma pola „{name}” (czy chodziło o „{close}”?)", name=name, close=close[0])
        return _("nie ma pola „{name}”", name=name)
    slot = filler.slots[full]
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
            return _(
                "pole „{name}”: wartość ma {length} znaków, a pole mieści najwyżej {max}",
                name=name,
                length=len(text),
                max=slot.maxlen,
            )
        missing = "".join(dict.fromkeys(ch for ch in text if ch not in "\n\r\t" and not filler.font.covers(ch)))
        if missing:
            return _(
                "pole „{name}”: znaków „{chars}” nie da się pokazać czcionką formularza (zamiast nich byłyby „?”)",
                name=name,
                chars=missing,
            )
    elif (
        kind == "checkbox" and len(states(slot)) > 1
    ):  # boxes of one name, each its own export value: one of them is ticked
        if value not in (None, False, "") and radio_state(slot, str(value)) is None:
            return _not_an_option(name, value, states(slot))
    elif kind == "checkbox":
        on = next((w[3] for w in slot.widgets if w[3] is not None), "Yes")
        if checked(value, on) is None:
            return _(
                "pole „{name}” to pole wyboru: podaj true albo false (tak/nie) lub „{on}”, a nie „{value}”",
                name=name,
                on=on,
                value=value,
            )
    elif kind == "radio":
        if value not in (None, False, "") and radio_state(slot, str(value)) is None:
            return _not_an_option(name, value, [shown for _s, shown in slot.options] or states(slot))
    elif kind == "choice" and slot.options and not slot.flags & EDIT:
        for item in value if isinstance(value, list) else [value]:
            if item not in (None, "") and choice_export(slot, str(item)) is None:
                return _not_an_option(name, item, [shown for _e, shown in slot.options])
    return None


def fill(pdf: pikepdf.Pdf, values: dict[str, Any]) -> tuple[list[str], Filler]:
    """Check every value against its field first (existence, /MaxLen, yes/no, options); fill only when all fit.

    Returns the problems (Polish, each naming its field; nothing filled when
    there are any) and the filler (``dropped_xfa`` tells whether an XFA form was removed).
    Values already in other fields that a viewer was to draw are drawn too.
    """
    filler = Filler(pdf)
    problems = [p for p in (problem(filler, name, value) for name, value in values.items()) if p is not None]
    if not problems:
        for name, value in values.items():
            filler.set(name, value)
        filler.redraw({filler.resolve(name) or name for name in values})
    return problems, filler
