"""CSV files: reading what secretaries export from spreadsheets and e-registers (one reader for every
importer), and writing CSV that a spreadsheet opens safely (one writer for every export).

What Polish users really produce, and how it is read:

* encoding (decoded by :func:`somflow.fileio.decode_text`, which every text file the user gives goes through): UTF-8 with or without a BOM, UTF-16 with a BOM (Excel's "Unicode
  text"), otherwise Windows-1250 (Excel "CSV" in a Polish Windows). A file
  that is none of these (bytes Windows-1250 does not define) is refused with a
  Polish message naming the first bad byte: importing names with garbage
  letters would be worse than asking for the file again.
* separator: semicolon (Excel in a Polish locale, where the comma is the
  decimal mark), comma or tab — whichever occurs most in the header line
  outside quotes; Excel's ``sep=;`` first line is honoured and skipped.
* empty lines and rows of empty cells (``;;;;`` that Excel leaves after the
  data) are skipped; the header is the first non-empty row.
* line numbers are those a text editor shows (a quoted cell spanning lines
  counts from the line the row starts on), so messages can name them.

Writing (:func:`writer`): a cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return is a formula to Excel and LibreOffice (``=HYPERLINK(...)`` in a unit id or a
name sends data away when the file is opened), so it gets a leading apostrophe, which the
spreadsheet shows as text and hides (OWASP "CSV injection"). Every CSV somflow writes goes
through it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

from somflow.errors import InvalidInput
from somflow.i18n import _

#: What a spreadsheet reads as the start of a formula (or of a formula after its own trimming).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_SEP_LINE = re.compile(r"^sep=(.)\s*$", re.IGNORECASE)
_QUOTED = re.compile(r'"[^"]*"')


def delimiter(line: str) -> str:
    """``;``, ``,`` or tab: the one used most in ``line`` outside quoted cells (``;`` on a tie)."""
    bare = _QUOTED.sub("", line)
    counts = {sep: bare.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > counts[";"] else ";"


def rows(text: str, name: object = "CSV") -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header row and the data rows as (line number, cells); empty rows left out.

    The header is ``[]`` when the file holds no non-empty row. What the csv module
    cannot split (a cell over its 128 KB limit) is :class:`InvalidInput` naming the
    file ``name`` and the line.
    """
    lines = text.splitlines(keepends=True)
    skip = 0
    sep = None
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and (m := _SEP_LINE.match(lines[first].strip())):
        sep, skip = m.group(1), first + 1
        first = next((i for i, line in enumerate(lines) if i >= skip and line.strip()), None)
    if first is None:
        return [], []
    reader = csv.reader(io.StringIO("".join(lines[skip:]), newline=""), delimiter=sep or delimiter(lines[first]))
    header: list[str] = []
    found: list[tuple[int, list[str]]] = []
    end = skip  # physical lines consumed so far
    while True:
        line = end + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise InvalidInput(
                [
                    _(
                        "Plik {file}, wiersz {line}: nie da się podzielić na kolumny ({error}).",
                        file=name,
                        line=line,
                        error=exc,
                    )
                ]
            ) from None
        end = skip + reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if not header:
            header = cells
            continue
        found.append((line, cells))
    return header, found


def safe_cell(value: object) -> str:
    """``value`` as a CSV cell a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


class _SafeWriter:
    """A ``csv.writer`` whose cells pass through :func:`safe_cell`."""

    def __init__(self, out: Any, **options: Any):
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([safe_cell(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(out: Any, **options: Any) -> _SafeWriter:
    """A CSV writer on the text stream ``out`` (``csv.writer`` options) that escapes formulas."""
    return _SafeWriter(out, **options)
