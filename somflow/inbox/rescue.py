"""Placing pages whose somflow code was not read, before anything is set aside.

Two rescues, in this order of trust:

1. **Neighbours in the stack, between pages of one document**: an unread page
   between P5 and P7 of X is P6 of X (a reversed stack reads P7, ?, P5). Only
   an exact fit counts: the gap must hold exactly the pages X is missing.
2. **The printed id** beside the code (``<id> s. <page>/<pages>``, 6 pt,
   left of the code; see ``somflow.forms.stamp``) read by tesseract with a
   restricted character set. The id has no check digit, so the text is
   compared with the ids of this unit's documents: the nearest must be close,
   clearly nearer than any other, and have as many pages as printed.
3. **Neighbours at a document's edge**: an unread page right after the last
   read page of X (before the first, in a reversed stack) is X's next page,
   when that page is exactly what X still misses.

A page placed this way is marked in the document's ``returned.placed`` with
:data:`BY_ORDER` or :data:`BY_PRINT` (and :data:`BY_HAND` for ``somflow inbox
assign``), so ``somflow status`` can show how many were not read from a code.
"""

from __future__ import annotations

import io
import itertools
import logging
import re
import subprocess
from collections.abc import Callable

from PIL import Image, ImageOps

from somflow.inbox.model import PageCode
from somflow.inbox.ocr import TIMEOUT_SECONDS, tesseract
from somflow.inbox.pages import Page

log = logging.getLogger(__name__)

#: How a page without a read code was placed (stored in the record; shown translated).
BY_ORDER = "ustalona z kolejności"
BY_PRINT = "ustalona z nadruku"
BY_HAND = "przypisana ręcznie"

#: Crockford base 32 (the ids), the "s." before the page number and the slash of "4/9".
WHITELIST = "0123456789ABCDEFGHJKMNPQRSTVWXYZs./"
ID_CHARS = re.compile(r"[0-9A-HJKMNP-TV-Z]")
#: Where the printed id is, in cm from the top right corner of an A4 page (with room for skew and margins).
LABEL_BOX_CM = (12.0, 1.4, 3.3, 5.0)  # left from the right edge, top, right from the right edge, bottom
A4_WIDTH_CM = 21.0
#: The label is 6 pt: enlarged to about this many pixels a cm before tesseract reads it.
OCR_PIXELS_PER_CM = 180
#: An id is a time (10 characters, shared by documents printed the same day) and 16 random characters:
#: the random part is compared, with at most MAX_EDITS edits and MARGIN_EDITS fewer than any other id.
RANDOM_PART = slice(10, None)
MAX_EDITS = 7
MARGIN_EDITS = 5
#: Pages of one file read by tesseract at most (each takes a second or two).
MAX_OCR_PAGES = 20
PAGE_NUMBER = re.compile(r"([1-9][0-9]?)\s*/\s*([1-9][0-9]?)")


# ---------------------------------------------------------------- the printed id


def label_images(page: Page) -> list[Image.Image]:
    """The strips where the printed id can be, upright first, then the page turned half round."""
    image = page.image(full=True)
    turns = (0, 180) if image.height >= image.width else (90, 270)
    strips = []
    for turn in turns:
        upright = image.rotate(turn, expand=True) if turn else image
        per_cm = upright.width / A4_WIDTH_CM
        left, top, right, bottom = LABEL_BOX_CM
        strip = upright.crop(
            (
                int(upright.width - left * per_cm),
                int(top * per_cm),
                int(upright.width - right * per_cm),
                int(bottom * per_cm),
            )
        )
        scale = OCR_PIXELS_PER_CM / per_cm
        strip = strip.resize((max(1, int(strip.width * scale)), max(1, int(strip.height * scale))), Image.LANCZOS)
        strips.append(ImageOps.autocontrast(strip, cutoff=1))  # a faded copy: ink back to black
    return strips


def read_label(image: Image.Image) -> str:
    """What tesseract reads in ``image`` with only the characters of a printed id; "" when it cannot run."""
    program = tesseract()
    if program is None:
        return ""
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    try:
        done = subprocess.run(
            [program, "stdin", "stdout", "--psm", "11", "-l", "eng", "-c", f"tessedit_char_whitelist={WHITELIST}"],
            input=buffer.getvalue(),
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.warning("tesseract failed: %s", type(exc).__name__)
        return ""
    return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else ""


def edits_within(word: str, text: str) -> int:
    """Fewest edits turning ``word`` into some stretch of ``text`` (free to start and end anywhere in it)."""
    previous = [0] * (len(text) + 1)
    for i, char in enumerate(word, start=1):
        current = [i] + [0] * len(text)
        for j, other in enumerate(text, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char != other))
        previous = current
    return min(previous)


def match_label(text: str, documents: dict[str, int]) -> PageCode | None:
    """The page a printed label names, when its id is clearly one of ``documents`` ({id: pages}) and its page fits."""
    for line in text.splitlines():
        letters = "".join(ID_CHARS.findall(line.split("/")[0]))
        if len(letters) < 16:
            continue
        ranked = sorted((edits_within(doc_id[RANDOM_PART], letters), doc_id) for doc_id in documents)
        best, doc_id = ranked[0]
        if best > MAX_EDITS or (len(ranked) > 1 and ranked[1][0] - best < MARGIN_EDITS):
            continue
        page = _page_number(line, documents[doc_id])
        if page is not None:
            return PageCode(doc_id, page)
    return None


def _page_number(line: str, pages: int) -> int | None:
    """The page number in "s. 4/9" of a document of ``pages`` pages (also "s.49", when the slash was lost)."""
    for page, total in reversed(PAGE_NUMBER.findall(line)):
        if int(total) == pages and int(page) <= pages:
            return int(page)
    if "." in line and (digits := re.match(r"\s*([0-9]{2,3})\b", line.rsplit(".", 1)[1])):
        page, total = digits.group(1)[: -len(str(pages))], digits.group(1)[-len(str(pages)) :]
        if total == str(pages) and page.isdigit() and 1 <= int(page) <= pages:
            return int(page)
    return None


def read_printed(page: Page, documents: dict[str, int]) -> PageCode | None:
    """The page's printed id and number, matched against ``documents`` ({id: pages}); None when not clearly read."""
    if not documents:
        return None
    for strip in label_images(page):
        code = match_label(read_label(strip), documents)
        if code is not None:
            return code
    return None


# ---------------------------------------------------------------- neighbours


def infer_from_neighbours(
    codes: list[PageCode | None],
    skip: list[bool],
    pages_of: Callable[[str], int | None],
    edges: bool,
) -> dict[int, PageCode]:
    """Pages (0-based positions) placed by the read pages around them; ``skip`` marks empty sheets.

    Without ``edges`` only gaps between two pages of one document are filled;
    with it also the pages after (before, in a reversed stack) a document's
    read pages, when they complete the document. A run of unread pages is
    placed only when exactly one placement fits.
    """
    sequence = [i for i, empty in enumerate(skip) if not empty or codes[i] is not None]
    direction = _direction([codes[i] for i in sequence])
    found: dict[str, set[int]] = {}
    for code in codes:
        if code is not None:
            found.setdefault(code.document_id, set()).add(code.page)
    placed: dict[int, PageCode] = {}
    position = 0
    while position < len(sequence):
        if codes[sequence[position]] is not None:
            position += 1
            continue
        end = position
        while end < len(sequence) and codes[sequence[end]] is None:
            end += 1
        run = sequence[position:end]
        before = codes[sequence[position - 1]] if position else None
        after = codes[sequence[end]] if end < len(sequence) else None
        fits = {
            fit
            for step in ((direction,) if direction else (1, -1))
            for fit in _fits(before, after, len(run), step, found, pages_of, edges)
        }
        if len(fits) == 1:
            (fit,) = fits
            for index, code in zip(run, fit):
                placed[index] = code
                found.setdefault(code.document_id, set()).add(code.page)
        position = end
    return placed


def _direction(codes: list[PageCode | None]) -> int:
    """+1 for a stack in page order, -1 for one fed the wrong way round, 0 when the read pages do not say."""
    score = 0
    for a, b in itertools.pairwise(codes):
        if a is not None and b is not None and a.document_id == b.document_id and a.page != b.page:
            score += 1 if b.page > a.page else -1
    return (score > 0) - (score < 0)


def _fits(before, after, count, step, found, pages_of, edges) -> list[tuple[PageCode, ...]]:
    """Every way ``count`` unread pages continue ``before``'s document and/or lead up to ``after``'s."""
    fits = []
    for split in range(count + 1):
        head, tail = split, count - split
        if (head and before is None) or (tail and after is None):
            continue
        sandwich = before is not None and after is not None and before.document_id == after.document_id
        if not edges and not sandwich:
            continue
        if sandwich and after.page - before.page != step * (count + 1):
            continue  # between two pages of one document only when the gap is exactly the unread pages
        fit = [PageCode(before.document_id, before.page + step * (n + 1)) for n in range(head)]
        fit += [PageCode(after.document_id, after.page - step * (tail - n)) for n in range(tail)]
        if _possible(fit, found, pages_of, complete=edges and not sandwich):
            fits.append(tuple(fit))
    return fits


def _possible(fit: list[PageCode], found: dict[str, set[int]], pages_of, complete: bool) -> bool:
    """Each page exists, is not in the scan already, appears once; with ``complete``, each document is then whole."""
    if len(set(fit)) != len(fit):
        return False
    for code in fit:
        total = pages_of(code.document_id)
        if total is None or not 1 <= code.page <= total or code.page in found.get(code.document_id, ()):
            return False
    if complete:
        for doc_id in {c.document_id for c in fit}:
            have = found.get(doc_id, set()) | {c.page for c in fit if c.document_id == doc_id}
            if len(have) != pages_of(doc_id):
                return False
    return True
