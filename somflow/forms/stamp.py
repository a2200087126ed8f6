"""The QR code on every page: ``SOMFLOW:DOC:<id>:P<n>``, error correction Q, about 2 cm, top right.

The geometry is the one the inbox reads back from degraded scans
(``tests/inbox_fixtures.render_pdf``): the code's top edge 1.5 cm below the
page top, its right edge 2 cm from the right side, the id and page number
printed beside it in small type. The layout keeps that band empty.
"""

from __future__ import annotations

import pikepdf
import segno
import zxingcpp
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth

SIZE = 2 * cm
TOP_GAP = 1.5 * cm
RIGHT_GAP = 2 * cm
LABEL_SIZE = 6


def payload(doc_id: str, page: int) -> str:
    return f"SOMFLOW:DOC:{doc_id}:P{page}"


def qr_matrix(text: str) -> list[list[bool]]:
    """The QR modules of ``text`` at error correction Q (True = dark), without the quiet zone.

    zxing-cpp's encoder (C++) is used when it has one (zxing-cpp >= 2.3): segno picks
    the same mask in pure Python, about 20 times slower, which counts in a batch of 600.
    """
    create = getattr(zxingcpp, "create_barcode", None)
    if create is not None:
        image = memoryview(
            create(text, zxingcpp.BarcodeFormat.QRCode, ec_level="Q").to_image(scale=1, add_quiet_zones=False)
        )
        rows, cols = image.shape
        raw = image.tobytes()
        return [[raw[r * cols + c] < 128 for c in range(cols)] for r in range(rows)]
    return [[bool(bit) for bit in row] for row in segno.make_qr(text, error="q", boost_error=False).matrix]


def qr_ops(text: str, x0: float, y0: float, size: float = SIZE) -> bytes:
    """PDF drawing operators for the QR code of ``text`` with its lower left corner at (x0, y0)."""
    matrix = qr_matrix(text)
    module = size / len(matrix)
    ops = ["0 g"]
    for row, bits in enumerate(matrix):
        y = y0 + size - (row + 1) * module
        col = 0
        while col < len(bits):  # one rectangle per run of dark modules
            if bits[col]:
                start = col
                while col < len(bits) and bits[col]:
                    col += 1
                ops.append(f"{x0 + start * module:.3f} {y:.3f} {(col - start) * module:.3f} {module:.3f} re")
            else:
                col += 1
    ops.append("f")
    return "\n".join(ops).encode("ascii")


def stamp(pdf: pikepdf.Pdf, doc_id: str) -> None:
    """Draw the somflow code and the printed id on every page of ``pdf``."""
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.Type1,
            BaseFont=pikepdf.Name.Helvetica,
            Encoding=pikepdf.Name.WinAnsiEncoding,
        )
    )
    total = len(pdf.pages)
    for number, page in enumerate(pdf.pages, start=1):
        box = [float(v) for v in page.mediabox]
        x0 = box[2] - RIGHT_GAP - SIZE
        y0 = box[3] - TOP_GAP - SIZE
        name = page.add_resource(font, pikepdf.Name.Font, prefix="SfQ")
        label = f"{doc_id} s. {number}/{total}"
        lx = x0 - 0.2 * cm - stringWidth(label, "Helvetica", LABEL_SIZE)
        text = f"BT {name} {LABEL_SIZE} Tf 0 g {lx:.3f} {y0 + 0.2 * cm:.3f} Td ({label}) Tj ET".encode("ascii")
        page.contents_add(pdf.make_stream(b"q"), prepend=True)
        page.contents_add(pdf.make_stream(b"Q q\n" + qr_ops(payload(doc_id, number), x0, y0) + b"\n" + text + b"\nQ"))
