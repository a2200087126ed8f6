"""Opening someone else's AcroForm PDF (a municipality's or a ministry's official form) for filling.

Government forms are often encrypted with an empty user password (only an
owner password restricting changes): those open as they are, and the filled
copy is written without encryption. A form that needs a password to be
opened, a file that is not a PDF or is cut short, or a PDF without form
fields gives a Polish :class:`~somflow.errors.SomflowError` naming the file.
"""

from __future__ import annotations

import io

import pikepdf

from somflow.errors import SomflowError
from somflow.forms.acroform import terminal_fields
from somflow.i18n import _


def _damaged(name: str) -> SomflowError:
    return SomflowError(_("Plik {file} jest uszkodzony albo niepełny (np. przerwane pobieranie) i nie da się go otworzyć jako PDF.", file=name))


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
    if b"%%EOF" not in content[-2048:]:  # a PDF ends with %%EOF; without it the file was cut short
        raise _damaged(name)
    try:
        pdf = pikepdf.open(io.BytesIO(content))
    except pikepdf.PasswordError as exc:
        raise SomflowError(_("Plik {file} jest chroniony hasłem do otwarcia; somflow go nie wypełni. Poproś wydawcę formularza o wersję bez hasła.", file=name)) from exc
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
            raise SomflowError(_("Plik {file} to dynamiczny formularz XFA (Adobe LiveCycle) bez pól AcroForm; somflow takich nie wypełnia. Poproś wydawcę o zwykły formularz PDF albo wypełnij go w Adobe Reader.", file=name))
        raise SomflowError(_("W pliku {file} nie ma pól formularza (AcroForm) do wypełnienia.", file=name))
    return pdf
