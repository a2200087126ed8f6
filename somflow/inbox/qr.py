"""Finding the somflow code on a page: zxing-cpp, QR only, where the code usually is first.

The forms print the code near the top (or, on some layouts, the bottom) edge, so
the top and bottom strips are read before the whole page; a strip is a fifth
of the work. A page that yields nothing is tried once more at full
resolution, enlarged, which recovers small codes, and last with that image
sharpened (unsharp mask), which recovers codes blurred by a low-resolution or
out-of-focus scan. Rotation (90/180/270 and skew) zxing-cpp handles itself.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import zxingcpp
from PIL import Image, ImageFilter

from somflow.inbox.model import PageCode
from somflow.inbox.pages import Page, looks_blank

PAYLOAD = re.compile(r"SOMFLOW:DOC:([0-9A-HJKMNP-TV-Z]{26}):P([1-9][0-9]{0,3})")
#: Share of the page height scanned as the top and the bottom strip.
STRIP = 0.25
#: How much the retry enlarges the full-resolution page, unless it is already this big.
ENLARGE = 2
ENLARGE_UP_TO_PIXELS = 25_000_000
#: Share of the page edge no printer prints on (a code is never there); a dark scanner frame is wider.
PRINTER_MARGIN = 0.015
#: The last try's unsharp mask: restores the edges of modules a blurred scan smeared into grey.
SHARPEN = ImageFilter.UnsharpMask(radius=3, percent=250, threshold=0)
#: Up to this size the enlarged image is sharpened (a page scanned at up to ~150 dpi); above, the fast look is.
SHARPEN_UP_TO_PIXELS = 10_000_000
#: zxing-cpp releases the GIL, so pages of one file are read in parallel threads.
WORKERS = min(4, os.cpu_count() or 1)


def parse(text: str) -> PageCode | None:
    """The document id and page number in a QR payload, or None when it is not a somflow code."""
    match = PAYLOAD.fullmatch(text.strip().upper())
    return PageCode(match.group(1), int(match.group(2))) if match else None


def decode(image: Image.Image) -> PageCode | None:
    """The first somflow code zxing-cpp finds in ``image`` (QR codes only), or None."""
    for barcode in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode):
        code = parse(barcode.text)
        if code is not None:
            return code
    return None


def regions(image: Image.Image) -> list[Image.Image]:
    """Top strip, bottom strip, whole page: the order in which a code is looked for."""
    strip = int(image.height * STRIP)
    return [
        image.crop((0, 0, image.width, strip)),
        image.crop((0, image.height - strip, image.width, image.height)),
        image,
    ]


def attempts(page: Page) -> Iterator[Image.Image]:
    """The images a code is looked for in, cheapest first: fast look, full resolution enlarged, that sharpened.

    An empty page stops after the fast look: the retries would only cost time.
    """
    fast = page.image()
    yield fast
    if looks_blank(fast, margin=PRINTER_MARGIN):
        return  # an empty sheet (the back of a duplex page): no code to work harder for
    full = page.image(full=True)
    if full.width * full.height <= ENLARGE_UP_TO_PIXELS:
        full = full.resize((full.width * ENLARGE, full.height * ENLARGE), Image.BICUBIC)
    yield full
    # Blur defeats low-resolution scans; sharpening a large image costs more than all the decoding.
    yield (full if full.width * full.height <= SHARPEN_UP_TO_PIXELS else fast).filter(SHARPEN)


def read_page(page: Page) -> PageCode | None:
    """The somflow code on ``page``: strips then the whole page of each of :func:`attempts`; None if absent."""
    for image in attempts(page):
        for region in regions(image):
            code = decode(region)
            if code is not None:
                return code
    return None


def read_codes(pages: list[Page]) -> list[PageCode | None]:
    """:func:`read_page` of every page, in order; pages read in parallel threads."""
    if len(pages) == 1 or WORKERS == 1:
        return [read_page(p) for p in pages]
    with ThreadPoolExecutor(WORKERS) as pool:
        return list(pool.map(read_page, pages))
