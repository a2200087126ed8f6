"""Finding the somflow code on every page of every kind of file a scanner writes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from inbox_fixtures import qr_image, render_pdf, save_jpeg, save_pdf, save_tiff, scanned_pages
from PIL import Image

from somflow.inbox.model import PageCode, Rejected
from somflow.inbox.pages import PageSource, sniff
from somflow.inbox.qr import parse, read_page

DOC = "01JABCDEFGHJKMNPQRSTVWXYZ0"


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("print") / "form.pdf"
    path.write_bytes(render_pdf(DOC, 3, "Zgoda na publikację wizerunku dziecka"))
    return path


@pytest.fixture(scope="module")
def scans(printed) -> list[Image.Image]:
    return scanned_pages([printed])


def codes(path: Path) -> tuple[list[PageCode | None], list[bool]]:
    content = path.read_bytes()
    source = PageSource(content, sniff(content))
    try:
        return [read_page(p) for p in source.pages], [p.embedded for p in source.pages]
    finally:
        source.close()


EXPECTED = [PageCode(DOC, 1), PageCode(DOC, 2), PageCode(DOC, 3)]


def test_digital_pdf_is_rasterised_and_read(printed):
    found, embedded = codes(printed)
    assert found == EXPECTED
    assert embedded == [False, False, False]


@pytest.mark.parametrize("bilevel", [False, True], ids=["jpeg-in-pdf", "ccitt-g4-in-pdf"])
def test_image_only_pdf_uses_the_embedded_image(scans, tmp_path, bilevel):
    found, embedded = codes(save_pdf(scans, tmp_path / "scan.pdf", bilevel=bilevel))
    assert found == EXPECTED
    assert embedded == [True, True, True]


def test_multipage_tiff(scans, tmp_path):
    assert codes(save_tiff(scans, tmp_path / "scan.tif"))[0] == EXPECTED


def test_jpeg_and_png(scans, tmp_path):
    assert codes(save_jpeg(scans[1], tmp_path / "p.jpg"))[0] == [PageCode(DOC, 2)]
    scans[2].save(tmp_path / "p.png")
    assert codes(tmp_path / "p.png")[0] == [PageCode(DOC, 3)]


def test_code_at_the_bottom_or_upside_down_is_found(scans, tmp_path):
    save_jpeg(scans[0].rotate(180, expand=True), tmp_path / "upside-down.jpg")
    assert codes(tmp_path / "upside-down.jpg")[0] == [PageCode(DOC, 1)]


def test_small_code_is_found_by_the_enlarged_retry(tmp_path):
    page = Image.new("L", (1240, 1754), 255)  # A4 at 150 dpi
    code = qr_image(f"SOMFLOW:DOC:{DOC}:P4", scale=2)
    page.paste(code, (600, 900))  # 2 px a module, mid-page: too fine for the reduced look
    page.save(tmp_path / "small.png", dpi=(150, 150))
    assert codes(tmp_path / "small.png")[0] == [PageCode(DOC, 4)]


def test_foreign_qr_codes_are_ignored(tmp_path):
    page = Image.new("L", (1240, 1754), 255)
    page.paste(qr_image("https://example.pl/platnosc", scale=6), (900, 50))
    page.save(tmp_path / "other.png", dpi=(150, 150))
    assert codes(tmp_path / "other.png")[0] == [None]


@pytest.mark.parametrize(
    "text, expected",
    [
        (f"SOMFLOW:DOC:{DOC}:P12", PageCode(DOC, 12)),
        (f"somflow:doc:{DOC.lower()}:p1", PageCode(DOC, 1)),
        (f"SOMFLOW:DOC:{DOC}:P0", None),
        ("SOMFLOW:DOC:SHORT:P1", None),
        (f"SOMFLOW:DOC:{DOC}:P1 extra", None),
    ],
)
def test_payload(text, expected):
    assert parse(text) == expected


def test_sniff_goes_by_content_not_name():
    assert sniff(b"%PDF-1.7\n...") == "pdf"
    assert sniff(b"II*\x00....") == "tiff"
    assert sniff(b"\xff\xd8\xff\xe0") == "jpeg"
    assert sniff(b"Hello, this is not a PDF") is None


def test_cut_off_pdf_is_rejected(scans, tmp_path):
    content = save_pdf(scans, tmp_path / "scan.pdf").read_bytes()
    with pytest.raises(Rejected, match="uszkodzony"):
        PageSource(content[: len(content) // 2], "pdf").pages


def test_huge_image_is_rejected_before_decoding():
    buffer = io.BytesIO()
    Image.new("1", (12_000, 12_000), 1).save(buffer, "PNG")
    with pytest.raises(Rejected, match="za duży"):
        PageSource(buffer.getvalue(), "png").pages
