"""What real scanners, fax machines and phone apps do to a printed somflow form.

Every helper takes and returns Pillow images (grayscale unless said), so a test
reads like the path of the paper: ``print_form`` → ``render`` (pdftoppm) →
degrade (``fax``, ``jpeg``, ``noise``, ``rotate`` …) → save the way a device
does (``save_scanner_pdf``, ``save_phone_pdf``, ``save_tiff``,
``save_exif_jpeg`` …). Deterministic: noise takes a seed.
"""

from __future__ import annotations

import io
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import yaml
import zxingcpp
from PIL import Image, ImageDraw, ImageFilter
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from somflow.workspace import Workspace

A4_MM = (210, 297)
LETTER_MM = (215.9, 279.4)


# ------------------------------------------------------------------ printing


def print_form(cli, root: Path, form: str = "oswiadczenie-o-niekaralnosci", changes: dict | None = None) -> dict:
    """``somflow fill FORM --data <its example>``; returns the new ``documents`` record."""
    example = cli("forms", "example", form)
    assert example.exit_code == 0, example.output
    data = yaml.safe_load(example.output)
    data.update(changes or {})
    data_file = root / f"{form}-data.yaml"
    data_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    before = {d["id"] for d in Workspace(root).store.query("documents")}
    result = cli("fill", form, "--data", str(data_file), "-y")
    assert result.exit_code == 0, result.output
    (doc,) = [d for d in Workspace(root).store.query("documents") if d["id"] not in before]
    return doc


def render(pdf: Path, dpi: int = 200, gray: bool = True) -> list[Image.Image]:
    """The pages of ``pdf`` as images, rendered by poppler's pdftoppm (what a printer then a scanner gives)."""
    with tempfile.TemporaryDirectory() as tmp:
        mode = ["-gray"] if gray else []
        subprocess.run(["pdftoppm", "-r", str(dpi), *mode, "-png", str(pdf), f"{tmp}/p"], check=True)
        pages = []
        for path in sorted(Path(tmp).glob("p*.png")):
            with Image.open(path) as image:
                image.load()
                pages.append(image.copy())
                pages[-1].info["dpi"] = (dpi, dpi)
        return pages


# --------------------------------------------------------------- degrading


def fax(page: Image.Image, threshold: int = 150) -> Image.Image:
    """1-bit black/white, thresholded without dithering (a fax machine, a scanner's B/W mode)."""
    return page.convert("L").point(lambda v: 255 if v > threshold else 0).convert("1", dither=Image.Dither.NONE)


def fax_standard(page: Image.Image) -> Image.Image:
    """Fax 'standard' resolution: half the vertical resolution of the horizontal one (204 × 98 dpi)."""
    image = fax(page)
    return image.resize((image.width, image.height // 2), Image.NEAREST)


def jpeg(page: Image.Image, quality: int) -> Image.Image:
    """Saved and read back as a JPEG of the given quality."""
    buffer = io.BytesIO()
    page.convert("L" if page.mode in ("1", "L") else "RGB").save(buffer, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue()))


def noise(page: Image.Image, sigma: float = 25.0, seed: int = 1) -> Image.Image:
    """Gaussian sensor noise of standard deviation ``sigma`` (grey levels)."""
    pixels = np.asarray(page.convert("L"), dtype=np.float32)
    pixels += np.random.default_rng(seed).normal(0.0, sigma, pixels.shape)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def blur(page: Image.Image, radius: float = 1.2) -> Image.Image:
    return page.convert("L").filter(ImageFilter.GaussianBlur(radius))


def rotate(page: Image.Image, degrees: float) -> Image.Image:
    """Turned counter-clockwise by ``degrees`` on a white background (90/180/270: a page fed sideways)."""
    image = page.convert("L")
    if degrees % 90 == 0:
        return image.rotate(degrees, expand=True)
    return image.rotate(degrees, resample=Image.BICUBIC, expand=True, fillcolor=255)


def dark_border(page: Image.Image, border_mm: float = 8, crop_mm: float = 5, dpi: int = 200) -> Image.Image:
    """The scanner lid's dark frame around a page whose margins were cut off a little."""
    image = page.convert("L")
    crop = int(crop_mm / 25.4 * dpi)
    image = image.crop((crop, crop, image.width - crop, image.height - crop))
    border = int(border_mm / 25.4 * dpi)
    framed = Image.new("L", (image.width + 2 * border, image.height + 2 * border), 40)
    framed.paste(image, (border, border))
    return framed


def on_letter(page: Image.Image, dpi: int = 200) -> Image.Image:
    """An A4 page scanned with the scanner set to US Letter: shrunk to fit, white around."""
    image = page.convert("L")
    width, height = (int(mm / 25.4 * dpi) for mm in LETTER_MM)
    scale = min(width / image.width, height / image.height)
    small = image.resize((int(image.width * scale), int(image.height * scale)), Image.LANCZOS)
    sheet = Image.new("L", (width, height), 255)
    sheet.paste(small, ((width - small.width) // 2, 0))
    return sheet


def blank(like: Image.Image, seed: int = 3) -> Image.Image:
    """An empty sheet (the back of a page in a duplex scan), a little noisy."""
    return noise(Image.new("L", like.size, 245), sigma=4, seed=seed)


def qr_box(page: Image.Image) -> tuple[int, int, int, int]:
    """Where the somflow code is on a clean page: ``(left, top, right, bottom)`` in pixels."""
    (code,) = [
        b
        for b in zxingcpp.read_barcodes(page.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode)
        if "SOMFLOW" in b.text
    ]
    p = code.position
    xs = [p.top_left.x, p.top_right.x, p.bottom_left.x, p.bottom_right.x]
    ys = [p.top_left.y, p.top_right.y, p.bottom_left.y, p.bottom_right.y]
    return min(xs), min(ys), max(xs), max(ys)


def pen_stroke(page: Image.Image, dpi: int = 200) -> Image.Image:
    """A ballpoint signature line (0.6 mm) drawn diagonally across the code."""
    image = page.convert("L").copy()
    left, top, right, bottom = qr_box(page)
    width = max(2, int(0.6 / 25.4 * dpi))
    ImageDraw.Draw(image).line(
        [(left - 10, top + (bottom - top) * 0.3), (right + 10, bottom - (bottom - top) * 0.2)], fill=20, width=width
    )
    return image


def staple_hole(page: Image.Image, dpi: int = 200) -> Image.Image:
    """A staple punched through the code near a corner away from the finder patterns (a dark hole, 2.5 mm)."""
    image = page.convert("L").copy()
    left, top, right, bottom = qr_box(page)
    radius = int(1.25 / 25.4 * dpi)
    cx, cy = right - (right - left) // 4, bottom - (bottom - top) // 4
    ImageDraw.Draw(image).ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=60)
    return image


# ------------------------------------------------------------------- saving


def save_scanner_pdf(pages: list[Image.Image], target: Path, dpi: int = 200, quality: int = 75) -> Path:
    """An image-only PDF, one JPEG (DCTDecode) a page: what office scanners write."""
    images = [p.convert("L") if p.mode != "RGB" else p for p in pages]
    images = [jpeg(p, quality) for p in images]
    images[0].save(target, "PDF", resolution=float(dpi), save_all=True, append_images=images[1:])
    return target


def save_phone_pdf(
    pages: list[Image.Image], target: Path, text: str = "Oświadczenie o niekaralności", password: str | None = None
) -> Path:
    """A phone scanning app's PDF: a colour JPEG photo per page with an invisible OCR text layer over it."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(595.3, 841.9), encrypt=password)
    for page in pages:
        photo = Image.merge("RGB", [page.convert("L").point(lambda v, k=k: int(v * k)) for k in (0.97, 0.95, 0.88)])
        pdf.drawImage(ImageReader(jpeg(photo, 70)), 0, 0, 595.3, 841.9)
        words = pdf.beginText(60, 760)
        words.setTextRenderMode(3)  # invisible, as OCR layers are
        words.setFont("Helvetica", 12)
        words.textLine(text.encode("ascii", "replace").decode())
        pdf.drawText(words)
        pdf.showPage()
    pdf.save()
    target.write_bytes(buffer.getvalue())
    return target


def save_tiff(pages: list[Image.Image], target: Path, dpi: int = 200, bilevel: bool = True) -> Path:
    """A multi-page TIFF: G4 black/white, or LZW greyscale."""
    images = [fax(p) if bilevel else p.convert("L") for p in pages]
    compression = "group4" if bilevel else "tiff_lzw"
    images[0].save(target, "TIFF", compression=compression, dpi=(dpi, dpi), save_all=True, append_images=images[1:])
    return target


def save_image(page: Image.Image, target: Path, dpi: int = 200, quality: int = 75) -> Path:
    """One page as PNG or JPEG (by the target's suffix)."""
    kind = "PNG" if target.suffix.lower() == ".png" else "JPEG"
    options = {"quality": quality} if kind == "JPEG" else {}
    page.save(target, kind, dpi=(dpi, dpi), **options)
    return target


def save_16_bit_tiff(page: Image.Image, target: Path, dpi: int = 300) -> Path:
    """A flatbed scanner's "16-bit greyscale" setting: one page, 0–65535 a pixel (ink is ~2500, not 0)."""
    pixels = (2500 + np.asarray(page.convert("L"), dtype=np.float32) * (58000 / 255)).astype(np.uint16)
    Image.fromarray(pixels).save(target, "TIFF", dpi=(dpi, dpi))
    return target


def save_transparent_png(page: Image.Image, target: Path) -> Path:
    """A page exported by a graphics program with no background: black ink, fully transparent paper.

    The RGB of a transparent pixel is stored as black (0, 0, 0, 0), as many programs do.
    """
    ink = page.convert("L")
    alpha = ink.point(lambda v: 255 - v)
    image = Image.merge("RGBA", [Image.new("L", ink.size, 0)] * 3 + [alpha])
    image.save(target, "PNG")
    return target


def save_exif_jpeg(page: Image.Image, target: Path, orientation: int = 6, dpi: int = 72) -> Path:
    """A phone photo: pixels stored sideways, the EXIF orientation tag saying how to turn them upright.

    Orientation 6 (the usual portrait photo) means "rotate 90° clockwise to view";
    orientation 8 the opposite; 3 is upside down.
    """
    stored = {3: Image.Transpose.ROTATE_180, 6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270}[orientation]
    image = page.convert("L").transpose(stored)
    exif = Image.Exif()
    exif[0x0112] = orientation
    image.save(target, "JPEG", quality=80, dpi=(dpi, dpi), exif=exif.tobytes())
    return target


def save_password_pdf(pages: list[Image.Image], target: Path) -> Path:
    """A scan saved with a password to open it."""
    return save_phone_pdf(pages, target, password="tajne")


def copy_slowly(source: Path, target: Path, chunks: int = 8, pause: float = 0.3) -> None:
    """Write ``target`` in ``chunks`` pieces with pauses, as a scanner over SMB does."""
    import time

    content = source.read_bytes()
    step = len(content) // chunks + 1
    with target.open("wb") as out:
        for start in range(0, len(content), step):
            out.write(content[start : start + step])
            out.flush()
            time.sleep(pause)


def save_jbig2_pdf(page: Image.Image, target: Path, dpi: int = 200) -> Path:
    """A black/white scan compressed with JBIG2, as office copiers (Xerox, Ricoh, Canon) write them.

    No encoder is needed: a JBIG2 generic region may be MMR-coded, and MMR is
    CCITT Group 4, which Pillow writes. The G4 data of a one-image PDF is
    wrapped in JBIG2 segments (page information, immediate generic region, end of page).
    """
    import struct

    import pikepdf

    image = fax(page)
    buffer = io.BytesIO()
    # Pillow codes its 1-bit pixels (1 = white) as they are; in JBIG2 1 is black: code the negative.
    image.point(lambda v: 255 - v).save(buffer, "PDF", resolution=float(dpi))
    with pikepdf.open(buffer) as g4_pdf:
        (xobject,) = [g4_pdf.pages[0].Resources.XObject[name] for name in g4_pdf.pages[0].Resources.XObject]
        g4 = xobject.read_raw_bytes()
        assert "/CCITTFaxDecode" in str(xobject.Filter)
    width, height = image.size

    def segment(number: int, kind: int, data: bytes) -> bytes:
        return struct.pack(">IBBBI", number, kind, 0, 1, len(data)) + data

    resolution = int(dpi / 0.0254)
    page_info = struct.pack(">IIIIBH", width, height, resolution, resolution, 0, 0)
    region = struct.pack(">IIIIB", width, height, 0, 0, 0) + bytes([1]) + g4  # generic region flags: MMR
    stream = segment(0, 48, page_info) + segment(1, 38, region) + segment(2, 49, b"")
    pdf = pikepdf.new()
    points = (width / dpi * 72, height / dpi * 72)
    jbig2 = pikepdf.Stream(pdf, stream)
    jbig2.write(stream, filter=pikepdf.Name.JBIG2Decode)
    jbig2.Type, jbig2.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    jbig2.Width, jbig2.Height, jbig2.BitsPerComponent = width, height, 1
    jbig2.ColorSpace = pikepdf.Name.DeviceGray
    content = pikepdf.Stream(pdf, f"q {points[0]:.2f} 0 0 {points[1]:.2f} 0 0 cm /Im0 Do Q".encode())
    pdf.pages.append(
        pikepdf.Page(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Page,
                MediaBox=[0, 0, *points],
                Contents=content,
                Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=jbig2)),
            )
        )
    )
    pdf.save(target)
    return target


def phone_photo(page: Image.Image, width: int = 3024, tilt: float = 0.06, seed: int = 5) -> Image.Image:
    """A page photographed with a phone: colour, perspective (top edge narrower), uneven light, on a desk.

    ``width`` is the photo's width in pixels (12 MP phones: 3024 × 4032).
    """
    height = width * 4 // 3
    sheet = page.convert("L")
    scale = 0.85 * width / sheet.width
    sheet = sheet.resize((int(sheet.width * scale), int(sheet.height * scale)), Image.BICUBIC)
    desk = Image.new("L", (width, height), 90)
    left, top = (width - sheet.width) // 2, (height - sheet.height) // 2
    desk.paste(sheet, (left, top))
    # Perspective: the far (top) edge looks narrower; Image.transform maps output to input quads.
    inset = int(sheet.width * tilt)
    quad = (
        left - inset,
        top,
        left - inset * 0.3,
        top + sheet.height,
        left + sheet.width + inset * 0.3,
        top + sheet.height,
        left + sheet.width + inset,
        top,
    )
    photo = desk.transform(desk.size, Image.QUAD, quad, Image.BICUBIC, fillcolor=90)
    # Light from one side: a shadow falling across the page.
    light = np.linspace(0.62, 1.0, width, dtype=np.float32)[None, :]
    pixels = np.asarray(photo, dtype=np.float32) * light
    grey = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    return Image.merge("RGB", [grey.point(lambda v, k=k: int(v * k)) for k in (1.0, 0.96, 0.85)])


def finder_stroke(page: Image.Image, dpi: int = 200) -> Image.Image:
    """A ballpoint line (0.7 mm) drawn back and forth across the code's top left finder pattern."""
    image = page.convert("L").copy()
    left, top, right, _bottom = qr_box(page)
    size = (right - left) / 3
    width = max(2, int(0.7 / 25.4 * dpi))
    zigzag = [
        (left - size * 0.3, top + size * 0.2),
        (left + size * 1.1, top + size * 0.5),
        (left - size * 0.2, top + size * 0.8),
        (left + size * 1.2, top + size * 1.0),
    ]
    ImageDraw.Draw(image).line(zigzag, fill=30, width=width)
    return image


def fade(page: Image.Image, contrast: float = 0.5) -> Image.Image:
    """A pale copy (a copier short of toner): ink only ``contrast`` as dark as it was."""
    return page.convert("L").point(lambda v: int(255 - (255 - v) * contrast))


def perspective(page: Image.Image, tilt: float = 0.02) -> Image.Image:
    """A sheet not lying flat on the glass: the top edge ``tilt`` (share of the width) narrower each side."""
    image = page.convert("L")
    width, height = image.size
    inset = width * tilt
    # Image.transform maps the output rectangle to this quad of the input: upper left, lower left, lower right, upper right.
    quad = (-inset, 0, 0, height, width, height, width + inset, 0)
    return image.transform(image.size, Image.QUAD, quad, Image.BICUBIC, fillcolor=255)
