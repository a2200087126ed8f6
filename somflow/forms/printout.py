"""One printable PDF of many filled documents: the print copy of a batch.

Every filled copy of one form has the same field names. Concatenated as they are, a
viewer ties the fields together (typing into one child's form fills them all) and a
merged AcroForm ends up with duplicate names. So the print copy is always flattened:
each document's values become page content, which prints the same in every viewer;
the editable originals stay in ``documents/``. Identical embedded fonts (every copy
embeds the same DejaVu subset) are stored once: 600 consent forms make a 16 MB file
instead of 48 MB.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from collections.abc import Iterable
from pathlib import Path

import pikepdf

from somflow.forms.documents import flatten_pdf


def merge_for_print(documents: Iterable[bytes | Path]) -> tuple[bytes, int]:
    """The documents (PDF bytes or files), in order, as one flattened PDF; returns it and its page count."""
    merged = pikepdf.new()
    with warnings.catch_warnings():  # pikepdf: "form fields not preserved" — intended, see above
        warnings.simplefilter("ignore")
        for document in documents:
            with pikepdf.open(io.BytesIO(document) if isinstance(document, bytes) else document) as pdf:
                flatten_pdf(pdf)
                merged.pages.extend(pdf.pages)
    share_fonts(merged)
    buffer = io.BytesIO()
    merged.save(buffer, compress_streams=True)
    return buffer.getvalue(), len(merged.pages)


def share_fonts(pdf: pikepdf.Pdf) -> int:
    """Point every font descriptor at one copy of each identical embedded font program; how many were redirected."""
    first: dict[str, pikepdf.Object] = {}
    redirected = 0
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Type") != "/FontDescriptor":
            continue
        for key in ("/FontFile", "/FontFile2", "/FontFile3"):
            if key not in obj:
                continue
            digest = hashlib.sha256(obj[key].read_raw_bytes()).hexdigest()
            kept = first.setdefault(digest, obj[key])
            if kept.objgen != obj[key].objgen:
                obj[key] = kept
                redirected += 1
    return redirected
