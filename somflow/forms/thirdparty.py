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
        usable = isinstance(pdf.Root.get("/AcroForm"), pikepdf.Dictionary) and next(terminal_fields(pdf), None) is not None
    except (pikepdf.PdfError, AttributeError, TypeError):
        usable = False
    if not usable:
        pdf.close()
        raise SomflowError(_("W pliku {file} nie ma pól formularza (AcroForm) do wypełnienia.", file=name))
    return pdf
