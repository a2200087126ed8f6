"""Files the web pages hand out: sensible Polish file names and the download response.

``file_name("zgody", "wizerunek", "klasa", "3b", day=today)`` →
``zgody-wizerunek-klasa-3b-2026-12-06.pdf``: Polish words folded to ASCII (the
name travels through e-mail, USB sticks and Windows folders), one hyphen between
words, nothing that would not do as a file name anywhere.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from urllib.parse import quote

from starlette.responses import Response

PDF = "application/pdf"
#: Letters NFKD does not take apart.
_FOLD = str.maketrans({"ł": "l", "Ł": "L", "đ": "d", "ß": "ss"})


def slug(text: str) -> str:
    """``Klasa 3B / Żółw`` → ``klasa-3b-zolw``."""
    ascii_text = unicodedata.normalize("NFKD", str(text).translate(_FOLD)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def file_name(*parts: str, day: date | None = None, ext: str = "pdf") -> str:
    """The words of ``parts`` (and ``day``) as one file name."""
    words = [slug(p) for p in parts if slug(p)]
    if day is not None:
        words.append(day.isoformat())
    return "-".join(words or ["plik"]) + f".{ext}"


def attachment(content: bytes, name: str, media_type: str = PDF) -> Response:
    """``content`` downloaded as ``name`` (never shown inline: it holds personal data and belongs in a folder)."""
    disposition = f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}"
    return Response(content, media_type=media_type, headers={"content-disposition": disposition})
