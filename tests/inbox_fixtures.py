"""Documents for the inbox tests, made here until the forms engine (``somflow fill``) lands.

:func:`make_document` inserts a ``documents`` record exactly as the shared
contract describes and writes its PDF: every page carries the QR code
``SOMFLOW:DOC:<id>:P<n>`` (error correction Q, about 2 cm, the id printed
beside it) and some Polish text. Swap its body for ``somflow fill`` later;
the tests only use the returned record and the PDF file.

The ``degrade``/``scan_*`` helpers turn printed pages into what a school
scanner produces: rendered with pdftoppm, slightly rotated, noisy, blurred,
JPEG quality 60, 200 dpi.
"""

from __future__ import annotations

import hashlib
import io
import random
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import segno
from PIL import Image, ImageFilter
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from somflow.fileio import write_private
from somflow.workspace import Workspace

FORMS = {
    "zgoda_wizerunek": "Zgoda na publikację wizerunku dziecka",
    "oswiadczenie_niekaralnosc": "Oświadczenie o niekaralności",
    "zapoznanie_standardy": "Oświadczenie o zapoznaniu się ze Standardami Ochrony Małoletnich",
}
BODY = [
    "Ja, niżej podpisana/y, oświadczam, że zapoznałam/em się z treścią dokumentu.",
    "Jestem świadoma/y odpowiedzialności karnej za złożenie fałszywego oświadczenia.",
    "Miejscowość i data: Gdynia, ____________     Czytelny podpis: ____________________",
]


def _font() -> str:
    for path in ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "C:/Windows/Fonts/arial.ttf"):
        if Path(path).is_file():
            if "PL" not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont("PL", path))
            return "PL"
    return "Helvetica"  # no Polish glyphs, but the QR code is what matters here


def render_pdf(doc_id: str, pages: int, title: str, fields: dict[str, str] | None = None) -> bytes:
    """A printable PDF of ``pages`` A4 pages, each with its somflow QR code at the top right.

    ``fields`` adds fillable text fields (AcroForm) with these values to the last page,
    as if the form had been filled in on a computer.
    """
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    font = _font()
    width, height = A4
    for number in range(1, pages + 1):
        payload = f"SOMFLOW:DOC:{doc_id}:P{number}"
        qr = segno.make_qr(payload, error="q", boost_error=False)
        size = 2 * cm
        module = size / (qr.symbol_size(border=0)[0])
        x0, y0 = width - 2 * cm - size, height - 1.5 * cm - size
        pdf.setFillColorRGB(0, 0, 0)
        for row, bits in enumerate(qr.matrix):
            for col, bit in enumerate(bits):
                if bit:
                    pdf.rect(x0 + col * module, y0 + size - (row + 1) * module, module, module, stroke=0, fill=1)
        pdf.setFont(font, 6)
        pdf.drawRightString(x0 - 0.2 * cm, y0 + 0.2 * cm, f"{doc_id} s. {number}/{pages}")
        pdf.setFont(font, 13)
        pdf.drawString(2 * cm, height - 4.5 * cm, title)  # below the code, which must stay clear
        pdf.setFont(font, 11)
        for line_no, line in enumerate(BODY * 3):
            pdf.drawString(2 * cm, height - 6 * cm - line_no * 0.8 * cm, line)
        pdf.drawString(2 * cm, 1.5 * cm, f"Strona {number} z {pages}")
        if number == pages:
            for row, (name, value) in enumerate((fields or {}).items()):
                pdf.acroForm.textfield(
                    name=name, value=value, x=2 * cm, y=4 * cm + row * cm, width=8 * cm, height=0.7 * cm
                )
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def make_document(
    root: Path, pages: int = 1, form: str = "zgoda_wizerunek", record: dict | None = None
) -> dict[str, Any]:
    """Insert a ``documents`` record (status "wygenerowany") and write its PDF under documents/."""
    store = Workspace(root).store
    title = FORMS[form]
    with store.transaction():
        doc = store.insert(
            "documents",
            {
                "form": form,
                "form_version": 1,
                "title": title,
                "data": {"dziecko": "Zofia Żak"},
                "file": None,
                "sha256": None,
                "pages": pages,
                "status": "wygenerowany",
                "record": record or {"collection": "children", "id": "CHILD1"},
                "created_by": "test",
                "returned": None,
            },
        )
        content = render_pdf(doc["id"], pages, title)
        relative = f"documents/{doc['id']}.pdf"
        (root / "documents").mkdir(exist_ok=True)
        write_private(root / relative, content)
        doc = store.update("documents", doc["id"], {"file": relative, "sha256": hashlib.sha256(content).hexdigest()})
    return doc


# ----------------------------------------------------------------- scanning


def rasterise(pdf: Path, dpi: int = 200) -> list[Image.Image]:
    """The pages of ``pdf`` as images, rendered by poppler's pdftoppm."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf), f"{tmp}/p"], check=True)
        return [Image.open(p).copy() for p in sorted(Path(tmp).glob("p*.png"))]


def degrade(page: Image.Image, rng: random.Random) -> Image.Image:
    """What a cheap scanner does to a page: a few degrees of rotation, noise, blur, JPEG quality 60."""
    angle = rng.uniform(2.0, 4.0) * rng.choice((-1, 1))
    image = page.convert("L").rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=255)
    noise = Image.effect_noise(image.size, 40).point(lambda v: (v - 128) // 3 + 128)
    image = Image.blend(image, noise, 0.25)
    image = image.filter(ImageFilter.GaussianBlur(1.0))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=60)
    return Image.open(io.BytesIO(buffer.getvalue()))


def scanned_pages(pdfs: list[Path], seed: int = 7) -> list[Image.Image]:
    """Every page of ``pdfs``, in order, printed and scanned at 200 dpi."""
    rng = random.Random(seed)
    return [degrade(page, rng) for pdf in pdfs for page in rasterise(pdf)]


def save_jpeg(page: Image.Image, target: Path) -> Path:
    page.save(target, "JPEG", quality=60, dpi=(200, 200))
    return target


def save_pdf(pages: list[Image.Image], target: Path, bilevel: bool = False) -> Path:
    """An image-only PDF, one image a page: JPEG (DCTDecode) or, with ``bilevel``, CCITT G4."""
    images = [_bilevel(p) if bilevel else p.convert("L") for p in pages]
    images[0].save(target, "PDF", resolution=200.0, save_all=True, append_images=images[1:])
    return target


def save_tiff(pages: list[Image.Image], target: Path) -> Path:
    """A multi-page TIFF (G4-compressed, as office scanners write them)."""
    images = [_bilevel(p) for p in pages]
    images[0].save(target, "TIFF", compression="group4", dpi=(200, 200), save_all=True, append_images=images[1:])
    return target


def _bilevel(page: Image.Image) -> Image.Image:
    # Scanners threshold, they do not dither.
    return page.convert("L").point(lambda v: 255 if v > 140 else 0).convert("1", dither=Image.Dither.NONE)


# ------------------------------------------------------------ the watcher


def start_watcher(root: Path, *extra: str) -> subprocess.Popen:
    """``somflow watch`` as a separate process on workspace ``root``, quick to notice files."""
    import os
    import sys

    env = {**os.environ, "SOMFLOW_WORKSPACE": str(root), "SOMFLOW_LANG": "pl"}
    return subprocess.Popen(
        [sys.executable, "-m", "somflow", "watch", "--settle", "0.2", "--rescan", "1", *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
    )


def wait_until(condition, timeout: float = 60.0, what: str = "condition") -> None:
    """Poll ``condition()`` until it is true; fail the test after ``timeout`` seconds."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def waiting(root: Path) -> list[Path]:
    """Files still in the inbox (any depth)."""
    return [p for p in (root / "inbox").rglob("*") if p.is_file()]


def qr_image(payload: str, scale: int) -> Image.Image:
    """A QR code alone, ``scale`` pixels a module, as a grayscale image."""
    buffer = io.BytesIO()
    segno.make_qr(payload, error="q").save(buffer, kind="png", scale=scale, border=4)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("L")
