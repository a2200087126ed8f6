"""Hostile files for the inbox, made small and on the spot (see tests/test_inbox_hostile.py, bench/inbox.py).

Each builder returns the file's bytes. None needs more than a few megabytes of
memory to make; what they ask of a reader that trusts them is gigabytes.
"""

from __future__ import annotations

import io
import struct
import zlib

import pikepdf
from PIL import Image


def zeros_zlib(mebibytes: int) -> bytes:
    """A zlib stream that inflates to ``mebibytes`` MiB of zero bytes, about 1 KB a MiB.

    One MiB of zeros is deflated once and flushed so that its block stands
    alone; the block is repeated (a valid deflate stream) and the Adler-32 of
    n zero bytes is computed directly (a = 1, b = n mod 65521).
    """
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = deflate.compress(bytes(2**20)) + deflate.flush(zlib.Z_FULL_FLUSH)
    end = deflate.flush()
    size = mebibytes * 2**20
    return b"\x78\xda" + block * mebibytes + end + struct.pack(">I", ((size % 65521) << 16) | 1)


def _pdf(build) -> bytes:
    pdf = pikepdf.new()
    build(pdf)
    out = io.BytesIO()
    pdf.save(out, compress_streams=False)
    return out.getvalue()


def _image_page(pdf: pikepdf.Pdf, image: pikepdf.Stream, size: tuple[float, float] = (595, 842)) -> None:
    pdf.add_blank_page(page_size=size)
    page = pdf.pages[-1]
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
    page.Contents = pdf.make_stream(f"q {size[0]} 0 0 {size[1]} 0 0 cm /Im0 Do Q".encode())


def huge_page() -> bytes:
    """A PDF of about 1.5 KB whose one page is 14 400 × 14 400 pt (5 × 5 m): 30 000² pixels at 150 dpi."""

    def build(pdf: pikepdf.Pdf) -> None:
        pdf.add_blank_page(page_size=(14400, 14400))
        pdf.pages[0].Contents = pdf.make_stream(b"0 0 m 14400 14400 l S BT /F1 400 Tf 100 100 Td (Zgoda) Tj ET")

    return _pdf(build)


def lying_jpeg(width: int = 50_000, height: int = 50_000) -> bytes:
    """A tiny JPEG whose frame header says ``width`` × ``height`` (it holds the data of 16 × 16 pixels)."""
    out = io.BytesIO()
    Image.new("L", (16, 16), 128).save(out, "JPEG")
    data = bytearray(out.getvalue())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def lying_tiff(width: int = 50_000, height: int = 50_000) -> bytes:
    """A tiny bilevel TIFF whose first directory says ``width`` × ``height`` (as a LONG each)."""
    out = io.BytesIO()
    Image.new("1", (16, 16), 1).save(out, "TIFF")
    data = bytearray(out.getvalue())
    assert data[:4] == b"II*\x00"
    (ifd,) = struct.unpack_from("<I", data, 4)
    (count,) = struct.unpack_from("<H", data, ifd)
    for entry in range(ifd + 2, ifd + 2 + 12 * count, 12):
        tag = struct.unpack_from("<H", data, entry)[0]
        if tag in (256, 257):
            struct.pack_into("<HHII", data, entry, tag, 4, 1, width if tag == 256 else height)
    return bytes(data)


def jpeg_in_pdf_lying() -> bytes:
    """A PDF page image declared 100 × 100 whose JPEG data says 50 000 × 50 000 (2.5 GB decoded)."""

    def build(pdf: pikepdf.Pdf) -> None:
        image = pdf.make_stream(lying_jpeg())
        image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
        image.Width, image.Height, image.BitsPerComponent = 100, 100, 8
        image.ColorSpace, image.Filter = pikepdf.Name.DeviceGray, pikepdf.Name.DCTDecode
        _image_page(pdf, image)

    return _pdf(build)


def _flate_image(
    pdf: pikepdf.Pdf, data: bytes, filters: list[str], width: int = 2000, height: int = 2000
) -> pikepdf.Stream:
    image = pdf.make_stream(b"")
    image.write(data, filter=[pikepdf.Name(f) for f in filters] if len(filters) > 1 else pikepdf.Name(filters[0]))
    image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    image.Width, image.Height, image.BitsPerComponent = width, height, 8
    image.ColorSpace = pikepdf.Name.DeviceGray
    return image


def flate_bomb(mebibytes: int = 512) -> bytes:
    """A page image declared 2000 × 2000 whose Flate stream (about ``mebibytes`` KB) inflates to ``mebibytes`` MiB."""

    def build(pdf: pikepdf.Pdf) -> None:
        _image_page(pdf, _flate_image(pdf, zeros_zlib(mebibytes), ["/FlateDecode"]))

    return _pdf(build)


def double_flate_bomb(mebibytes: int = 4096) -> bytes:
    """A few kilobytes whose two Flate layers inflate to ``mebibytes`` MiB: left to the reader's memory limit."""

    def build(pdf: pikepdf.Pdf) -> None:
        inner = zeros_zlib(mebibytes)
        _image_page(pdf, _flate_image(pdf, zlib.compress(inner, 9), ["/FlateDecode", "/FlateDecode"]))

    return _pdf(build)


def many_pages(count: int = 2000) -> bytes:
    """A PDF of ``count`` empty A4 pages."""

    def build(pdf: pikepdf.Pdf) -> None:
        for _ in range(count):
            pdf.add_blank_page(page_size=(595, 842))

    out = io.BytesIO()
    pdf = pikepdf.new()
    build(pdf)
    pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()
