"""Page images out of the files a scanner writes, the cheap way first.

A scanned PDF page is nearly always one embedded image (JPEG, CCITT G4 or
Flate) drawn over the whole page. Taking that image out with pikepdf costs a
fraction of rasterising the page, and a JPEG can even be decoded at half or a
quarter of its size (libjpeg's DCT scaling) since a 2 cm QR code needs no more
than ~150 dpi. Only pages that are not a single image (digital PDFs, pages
with text) are rasterised, with pypdfium2.

Every :class:`Page` gives a grayscale image for the fast look
(:meth:`Page.image`) and a full-resolution one for the retry
(:meth:`Page.image` with ``full=True``). Broken, encrypted or oversized files
raise :class:`~somflow.inbox.model.Rejected` with a Polish reason.
"""

from __future__ import annotations

import io
import logging
import struct
import threading
import warnings
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pikepdf
import pypdfium2
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from somflow.i18n import _
from somflow.inbox.model import Rejected

log = logging.getLogger(__name__)

#: Resolution the fast look aims at; a 2 cm code then has ~5 pixels a module.
FAST_DPI = 150
#: Above this many pixels a page is not a scan but a mistake (A3 at 600 dpi is ~70 million).
MAX_PIXELS = 120_000_000
#: More pages than this in one file are refused before any is read (a stack of 100 two-page forms is 200).
MAX_PAGES = 500
#: Resolution a page is rendered at for the full look; a page larger than MAX_PIXELS at it is refused.
FULL_DPI = 300
#: Largest inflated size of a page's drawing instructions (a text page has some kilobytes).
MAX_CONTENT_BYTES = 64 * 1024 * 1024
#: How much a Flate stream is inflated at a time while its size is measured.
INFLATE_CHUNK = 1024 * 1024
#: Share of dark pixels under which a page is empty (the blank back of a sheet); one line of text is ~0.2 %.
BLANK_INK = 0.0005
#: How much darker than the paper a pixel must be to count as ink.
BLANK_CONTRAST = 60
#: Share of each edge left out when judging a page empty (the scanner lid's dark frame, punched holes).
BLANK_MARGIN = 0.08
#: Assumed page width when an image says nothing about its resolution (A4, inches).
A4_WIDTH_INCHES = 8.27

# We check sizes ourselves (with a Polish message) before decoding anything; Pillow's own check is the
# second line for images reached another way (it raises DecompressionBombError above twice this).
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)  # between 1 and 2 × the limit: ours refuses

#: What Pillow raises for a damaged or cut-off image (TypeError "Missing dimensions" for a TIFF IFD cut short).
IMAGE_ERRORS = (
    UnidentifiedImageError,
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    TypeError,
    IndexError,
    KeyError,
    struct.error,
    Image.DecompressionBombError,
)

KINDS = {b"%PDF": "pdf", b"II*\x00": "tiff", b"MM\x00*": "tiff", b"\xff\xd8\xff": "jpeg", b"\x89PNG": "png"}


def sniff(content: bytes) -> str | None:
    """The file's kind from its first bytes (``pdf``, ``tiff``, ``jpeg``, ``png``), whatever its name says."""
    head = content[:1024]
    for magic, kind in KINDS.items():
        if head.startswith(magic):
            return kind
    # Some PDF writers put junk before the header; readers accept it within the first kilobyte.
    return "pdf" if b"%PDF-" in head else None


def not_a_scan(path: Path, content: bytes) -> str | None:
    """Why ``content`` (read from ``path``) is not a PDF or an image, or None when it is one."""
    if sniff(content) is not None:
        return None
    if path.suffix:
        return _("Plik ma rozszerzenie {suffix}, ale nie jest plikiem PDF ani obrazem.", suffix=path.suffix)
    return _("Plik nie jest plikiem PDF ani obrazem.")


def png_from_worker(data: bytes) -> Image.Image:
    """A page drawn by the reader process (``somflow.inbox.sandbox``), its size checked before it is decoded."""
    try:
        image = Image.open(io.BytesIO(data), formats=["PNG"])
        _check_size(image.width, image.height)
        image.load()
    except IMAGE_ERRORS as exc:
        raise _broken(f"{type(exc).__name__}: {exc}") from None
    return _gray(image)


@dataclass
class Page:
    """One page of a file: ``number`` from 1 and a way to load it at a given resolution."""

    number: int
    load: Callable[[bool], Image.Image] = field(repr=False)
    #: True when the page was drawn from its embedded image, False when rasterised.
    embedded: bool = True

    def image(self, full: bool = False) -> Image.Image:
        """The page in grayscale: reduced to about FAST_DPI, or at full resolution with ``full``."""
        return self.load(full)


class PageSource:
    """The pages of one file's ``content``; opened once, pages loaded on demand."""

    def __init__(self, content: bytes, kind: str):
        self.content = content
        self.kind = kind
        # qpdf and pdfium objects are not thread-safe; pages are read from several threads.
        self._lock = threading.Lock()
        #: indexes of the pages whose drawing was checked before rendering (see ``_check_drawing``)
        self._checked: set[int] = set()

    @cached_property
    def pages(self) -> list[Page]:
        if self.kind == "pdf":
            return self._pdf_pages()
        return self._image_pages()

    @cached_property
    def text(self) -> str:
        """The text layer of a PDF (empty for images and pure scans)."""
        if self.kind != "pdf":
            return ""
        return "\n".join(page.get_textpage().get_text_range() for page in self._pdfium)

    def close(self) -> None:
        """Release the PDF libraries' handles (the bytes stay with the caller)."""
        for name in ("_pikepdf", "_pdfium"):
            handle = self.__dict__.pop(name, None)
            if handle is not None:
                handle.close()

    # ------------------------------------------------------------------ PDFs

    @cached_property
    def _pikepdf(self) -> pikepdf.Pdf:
        # qpdf rebuilds a cut-off PDF silently; a scan without its end marker is still being written or broken.
        if b"%%EOF" not in self.content[-2048:]:
            raise _broken(_("brak znacznika końca pliku PDF"))
        try:
            return pikepdf.open(io.BytesIO(self.content))
        except pikepdf.PasswordError:
            raise Rejected(
                _("Plik PDF jest zaszyfrowany (chroniony hasłem)."),
                _("Zeskanuj dokument ponownie bez hasła albo zapisz go bez zabezpieczeń i wrzuć jeszcze raz."),
            ) from None
        except pikepdf.PdfError as exc:
            raise _broken(str(exc)) from None

    @cached_property
    def _pdfium(self) -> pypdfium2.PdfDocument:
        try:
            return pypdfium2.PdfDocument(self.content)
        except pypdfium2.PdfiumError as exc:
            raise _broken(str(exc)) from None

    def _pdf_pages(self) -> list[Page]:
        pdf = self._pikepdf
        if len(pdf.pages) == 0:
            raise _broken(_("brak stron"))
        _check_count(len(pdf.pages))
        pages = []
        for index, pdf_page in enumerate(pdf.pages):
            _check_page_size(pdf_page, index + 1)
            image = _single_image(pdf_page)
            if image is not None:
                pages.append(Page(index + 1, lambda full, image=image, index=index: self._embedded(image, index, full)))
            else:
                pages.append(Page(index + 1, lambda full, index=index: self._rasterise(index, full), embedded=False))
        return pages

    def _rasterise(self, index: int, full: bool) -> Image.Image:
        dpi = FULL_DPI if full else FAST_DPI
        with self._lock:
            if index not in self._checked:
                _check_drawing(self._pikepdf.pages[index], index + 1)
                self._checked.add(index)
            return self._pdfium[index].render(scale=dpi / 72, grayscale=True, may_draw_forms=True).to_pil().convert("L")

    def _embedded(self, obj: pikepdf.Object, index: int, full: bool) -> Image.Image:
        try:
            return self._extract(obj, index, full)
        except (Rejected, MemoryError):  # out of memory is the reader's limit (see sandbox), not a reason to render
            raise
        except Image.DecompressionBombError:
            raise _too_big_image() from None
        except Exception as exc:  # pikepdf/PIL raise many types for a stream they cannot decode
            # JBIG2 without jbig2dec, unusual CCITT or colour settings: pdfium draws what pikepdf+PIL cannot.
            log.info("page %s: embedded image not decoded (%s), rasterising", index + 1, type(exc).__name__)
            try:
                return self._rasterise(index, full)
            except Exception:
                raise _broken(f"{type(exc).__name__}: {exc}") from None

    def _extract(self, obj: pikepdf.Object, index: int, full: bool) -> Image.Image:
        with self._lock:
            width, height = int(obj.Width), int(obj.Height)
            _check_size(width, height)
            pdf_image = pikepdf.PdfImage(obj)
            if pdf_image.filters == ["/DCTDecode"] and pdf_image.colorspace in ("/DeviceGray", "/DeviceRGB"):
                image = Image.open(io.BytesIO(obj.read_raw_bytes()))
                _check_size(image.width, image.height)  # the JPEG's own header, which may not be what the PDF says
                mediabox = self._pikepdf.pages[index].mediabox
                page_width_inches = float(mediabox[2] - mediabox[0]) / 72 or A4_WIDTH_INCHES
            else:
                _check_inflated(obj, _image_bytes(width, height), index + 1)
                image = pdf_image.as_pil_image()
                image.load()
        if image.format == "JPEG" and not full:
            # DCT scaling: decode straight to the size we need, 2-8x less work.
            scale = FAST_DPI / (width / page_width_inches)
            image.draft("L", (int(width * scale), int(height * scale)))
        return _gray(image)

    # ---------------------------------------------------------------- images

    def _image_pages(self) -> list[Page]:
        try:
            opened = Image.open(io.BytesIO(self.content))
            frames = getattr(opened, "n_frames", 1)
        except Image.DecompressionBombError:
            raise _too_big_image() from None
        except IMAGE_ERRORS as exc:  # a cut-off TIFF: its last IFD pointer leads past the end
            raise _broken(f"{type(exc).__name__}: {exc}") from None
        _check_size(opened.width, opened.height)
        _check_count(frames)
        return [Page(i + 1, lambda full, i=i: self._frame(i, full)) for i in range(frames)]

    def _frame(self, index: int, full: bool) -> Image.Image:
        image = Image.open(io.BytesIO(self.content))
        try:
            if index:
                image = ImageSequence.Iterator(image)[index]
            _check_size(image.width, image.height)
            dpi = _dpi_of(image)
            if image.format == "JPEG" and not full:
                image.draft("L", (int(image.width * FAST_DPI / dpi), int(image.height * FAST_DPI / dpi)))
            # A phone photo is stored sideways with an EXIF tag saying how to turn it: turn it (the title is read upright).
            return ImageOps.exif_transpose(_gray(image))
        except Image.DecompressionBombError:
            raise _too_big_image() from None
        except IMAGE_ERRORS as exc:
            raise _broken(f"{type(exc).__name__}: {exc}") from None


def _single_image(page: pikepdf.Page) -> pikepdf.Object | None:
    """The page's only image, when the page is nothing but that image (a scan); else None."""
    resources = page.obj.get("/Resources") or {}
    if resources.get("/Font"):
        return None
    xobjects = resources.get("/XObject") or {}
    if len(xobjects) != 1:
        return None
    (obj,) = xobjects.values()
    return obj if obj.get("/Subtype") == "/Image" else None


def looks_blank(image: Image.Image, margin: float = BLANK_MARGIN) -> bool:
    """True for an empty sheet: next to no pixels clearly darker than the paper inside the margins.

    "Clearly darker" is relative to the paper's own shade, so a faint scan is
    not taken for an empty one; noise averages out at half size.
    """
    width, height = image.size
    dx, dy = int(width * margin), int(height * margin)
    inner = image.convert("L").crop((dx, dy, width - dx, height - dy)).reduce(2)
    histogram = inner.histogram()
    area = inner.width * inner.height
    count, paper = 0, 255
    for shade, pixels in enumerate(histogram):
        count += pixels
        if count * 2 >= area:
            paper = shade
            break
    dark = sum(histogram[: max(0, paper - BLANK_CONTRAST)])
    return dark <= BLANK_INK * area


def _gray(image: Image.Image) -> Image.Image:
    """``image`` in 8-bit grayscale: transparency laid on white, 16-bit scans scaled down (not clipped)."""
    image.load()
    if image.mode == "L":
        return image
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        # convert("L") clips at 255: a 16-bit scan would turn white but for its blackest pixels.
        return image.point(lambda value: value * (1 / 256)).convert("L")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        # Transparent pixels are often stored black: a page exported with no background would be all black.
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("L")
    return image.convert("L")


def _dpi_of(image: Image.Image) -> float:
    dpi = image.info.get("dpi")
    if dpi and dpi[0] and float(dpi[0]) >= 50:
        return float(dpi[0])
    return image.width / A4_WIDTH_INCHES


def _check_size(width: int, height: int) -> None:
    if width * height > MAX_PIXELS:
        raise _too_big_image(_("Obraz jest za duży ({width} × {height} pikseli).", width=width, height=height))


def _too_big_image(reason: str = "") -> Rejected:
    return Rejected(
        reason or _("Obraz jest za duży (ponad {pixels} mln pikseli).", pixels=MAX_PIXELS // 1_000_000),
        _("Ustaw w skanerze rozdzielczość 200–300 dpi i zeskanuj dokument ponownie."),
    )


def _check_count(pages: int) -> None:
    if pages > MAX_PAGES:
        raise Rejected(
            _("Liczba stron pliku: {pages}; skrzynka przyjmuje najwyżej {limit} stron.", pages=pages, limit=MAX_PAGES),
            _("Podziel skan na mniejsze pliki (np. po jednym stosie formularzy) i wrzuć je osobno."),
        )


def _check_page_size(page: pikepdf.Page, number: int) -> None:
    """Refuse a page that would be larger than MAX_PIXELS rendered at FULL_DPI, before anything renders it."""
    try:
        box = [float(v) for v in page.mediabox]
        unit = float(page.obj.get("/UserUnit", 1))
    except (TypeError, ValueError, pikepdf.PdfError) as exc:
        raise _broken(f"MediaBox: {type(exc).__name__}") from None
    width, height = abs(box[2] - box[0]) * unit, abs(box[3] - box[1]) * unit
    if width * height * (FULL_DPI / 72) ** 2 > MAX_PIXELS:
        raise Rejected(
            _(
                "Strona {page} ma {width} × {height} cm — to nie jest skan formularza.",
                page=number,
                width=round(width / 72 * 2.54),
                height=round(height / 72 * 2.54),
            ),
            _("Skanuj na formacie A4 (albo A3) i wrzuć nowy plik do skrzynki."),
        )


def _image_bytes(width: int, height: int) -> int:
    """The most bytes an image of this size can decode to: 4 colour components of 16 bits, one predictor byte a row."""
    return width * height * 8 + height + 4096


def _check_drawing(page: pikepdf.Page, number: int) -> None:
    """Before a page is rendered: its drawing instructions and images do not inflate past their limits."""
    contents = page.obj.get("/Contents")
    streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents] if contents is not None else []
    for stream in streams:
        _check_inflated(stream, MAX_CONTENT_BYTES, number)
    for obj in (page.obj.get("/Resources") or {}).get("/XObject", {}).values():
        if obj.get("/Subtype") == "/Image":
            width, height = int(obj.get("/Width", 0)), int(obj.get("/Height", 0))
            _check_size(width, height)
            _check_inflated(obj, _image_bytes(width, height), number)


def _check_inflated(stream: pikepdf.Object, limit: int, number: int) -> None:
    """Refuse a Flate stream that inflates past ``limit`` bytes, found by inflating it without keeping the output.

    A 6 MB stream can inflate to 6 GiB; the libraries would hold it all in memory. Other filters are left to
    the reader's memory limit (``somflow.inbox.sandbox``).
    """
    if not isinstance(stream, pikepdf.Stream):
        return
    filters = stream.get("/Filter")
    if isinstance(filters, pikepdf.Array):
        filters = filters[0] if len(filters) == 1 else None
    if filters != "/FlateDecode":
        return
    inflater, data, total = zlib.decompressobj(), stream.read_raw_bytes(), 0
    try:
        while data:
            total += len(inflater.decompress(data, INFLATE_CHUNK))
            if total > limit:
                raise Rejected(
                    _(
                        "Strona {page} zawiera dane, które po rozpakowaniu miałyby ponad {mb} MB — plik jest uszkodzony albo spreparowany.",
                        page=number,
                        mb=limit // 2**20,
                    ),
                    _("Zeskanuj dokument ponownie i wrzuć nowy plik do skrzynki."),
                )
            data = inflater.unconsumed_tail
    except zlib.error:
        return  # a damaged stream: the decoder will say so


def _broken(detail: str) -> Rejected:
    return Rejected(
        _("Pliku nie da się odczytać — jest uszkodzony albo niekompletny ({detail}).", detail=detail[:200]),
        _("Zeskanuj dokument ponownie i wrzuć nowy plik do skrzynki."),
    )
