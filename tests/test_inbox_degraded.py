"""Real somflow forms (``somflow fill``), printed, scanned badly, dropped into the inbox: filed or rejected with a reason.

The forms are printed with the CLI and rendered with pdftoppm once per module
(``Printouts``); each test takes its own copy of that workspace, degrades the
pages the way a device does (``scan_degrade``) and runs ``somflow ingest`` (or
the watcher process). "Filed" means to the right document, with the right pages;
"rejected" means the file is in ``rejected/`` with its Polish ``.txt`` and
nothing was recorded.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import scan_degrade as S
from inbox_fixtures import start_watcher, wait_until, waiting
from workspace_copies import built_once, copy_into

from somflow.errors import SomflowError
from somflow.inbox import filing
from somflow.logs import file_label
from somflow.workspace import Workspace

NK = "oswiadczenie-o-niekaralnosci"
CONSENT = "zgoda-na-wizerunek"  # two pages


def store(root: Path):
    return Workspace(root).store


def ingest(cli, root: Path) -> str:
    """``somflow ingest``'s output; a run that rejected files ends with SomflowError (exit code 1)."""
    try:
        return cli("ingest").output
    except SomflowError as exc:
        return str(exc)


def assert_filed(root: Path, doc: dict, pages: list[int] | None = None) -> dict:
    now = store(root).get("documents", doc["id"])
    assert now["status"] == "zwrócony", now
    assert now["returned"]["pages"] == (pages or list(range(1, doc["pages"] + 1)))
    assert (root / now["returned"]["scan"]).is_file()
    assert not list((root / "rejected").iterdir())
    assert not [p for p in (root / "inbox").rglob("*") if p.is_file()]
    return now


def assert_rejected(root: Path, name: str, *words: str) -> str:
    note = (root / "rejected" / f"{name}.txt").read_text(encoding="utf-8")
    assert (root / "rejected" / name).is_file()
    for word in words:
        assert word in note, note
    assert not store(root).count(filing.SCANS)
    return note


def scanned(root: Path, doc: dict, dpi: int = 200) -> list:
    return S.render(root / doc["file"], dpi)


class Printouts:
    """Forms printed with ``somflow fill`` once per module, and their pages rendered once per resolution.

    A test gets its own copy of a workspace where exactly the forms it asks for were printed
    (:meth:`into`), and fresh copies of their rendered pages (:meth:`pages`) to degrade.
    """

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        self.factory = factory
        self.built: dict[tuple[str, ...], tuple[Path, list[dict]]] = {}
        self.rendered: dict[tuple[str, int], list] = {}

    def into(self, root: Path, *forms: str) -> list[dict]:
        """Make ``root`` a copy of a workspace where ``forms`` were printed, in this order; their ``documents`` records."""
        if forms not in self.built:
            with built_once(self.factory) as (template, cli):
                self.built[forms] = template, [S.print_form(cli, template, form) for form in forms]
        template, docs = self.built[forms]
        copy_into(template, root)
        return docs

    def pages(self, root: Path, doc: dict, dpi: int = 200) -> list:
        """The document's pages as a printer then a scanner gives them (``scanned``), new images each time."""
        if (doc["id"], dpi) not in self.rendered:
            self.rendered[doc["id"], dpi] = scanned(root, doc, dpi)
        return [page.copy() for page in self.rendered[doc["id"], dpi]]


@pytest.fixture(scope="module")
def printouts(tmp_path_factory) -> Printouts:
    return Printouts(tmp_path_factory)


# ------------------------------------------------------------ one page, degraded

DEGRADED = {
    "grey-150dpi": (150, lambda p: p),
    "grey-100dpi": (100, lambda p: p),
    "fax-black-white": (200, S.fax),
    "fax-standard-204x98": (200, S.fax_standard),
    "jpeg-quality-15": (200, lambda p: S.jpeg(p, 15)),
    "gaussian-noise": (200, lambda p: S.noise(p, 40)),
    "slight-blur": (200, lambda p: S.blur(p, 1.2)),
    "blur-at-100dpi": (100, lambda p: S.blur(p, 1.5)),
    "rotated-90": (200, lambda p: S.rotate(p, 90)),
    "upside-down": (200, lambda p: S.rotate(p, 180)),
    "rotated-270": (200, lambda p: S.rotate(p, 270)),
    "skew-2": (200, lambda p: S.rotate(p, 2)),
    "skew-minus-5": (200, lambda p: S.rotate(p, -5)),
    "upside-down-skewed-noisy-150dpi": (150, lambda p: S.jpeg(S.blur(S.noise(S.rotate(p, 183), 20), 1.0), 30)),
    "dark-border-cropped-margins": (200, S.dark_border),
    "scaled-to-letter": (200, S.on_letter),
    "pen-stroke-across-code": (200, S.pen_stroke),
    "staple-hole-in-code": (200, S.staple_hole),
    "pen-stroke-fax": (200, lambda p: S.fax(S.pen_stroke(p))),
}


@pytest.mark.parametrize("how", sorted(DEGRADED))
def test_a_degraded_scan_is_filed_to_its_document(somflow_cli, somflow_workspace, printouts, how):
    dpi, degrade = DEGRADED[how]
    (doc,) = printouts.into(somflow_workspace, NK)
    pages = [degrade(p) for p in printouts.pages(somflow_workspace, doc, dpi)]
    S.save_scanner_pdf(pages, somflow_workspace / "inbox" / f"skan {how}.pdf", dpi=dpi)
    output = ingest(somflow_cli, somflow_workspace)
    assert doc["id"] in output
    assert_filed(somflow_workspace, doc)


@pytest.mark.parametrize("name", ["skan.png", "skan.jpg", "skan-fax.tif", "skan-szary.tif"])
def test_image_files_of_every_kind_are_filed(somflow_cli, somflow_workspace, printouts, name):
    target = somflow_workspace / "inbox" / name
    if name.endswith(".tif"):
        (doc,) = printouts.into(somflow_workspace, CONSENT)
        S.save_tiff(
            [S.noise(p, 15) for p in printouts.pages(somflow_workspace, doc)][::-1], target, bilevel="fax" in name
        )  # also out of order
    else:
        (doc,) = printouts.into(somflow_workspace, NK)
        S.save_image(S.noise(printouts.pages(somflow_workspace, doc)[0], 15), target)
    ingest(somflow_cli, somflow_workspace)
    assert_filed(somflow_workspace, doc)


# One page of the NK form as devices and programs save it: (file name, how).
DEVICES = {
    "16-bit-greyscale-tiff": ("skan-16bit.tif", S.save_16_bit_tiff),
    "png-with-transparent-paper": ("eksport.png", S.save_transparent_png),
    "phone-photo-exif-upside-down": ("IMG_2041.jpg", lambda page, target: S.save_exif_jpeg(page, target, 3)),
    "phone-photo-exif-rotate-90": ("IMG_2042.jpg", lambda page, target: S.save_exif_jpeg(page, target, 6)),
    "phone-photo-exif-rotate-270": ("IMG_2043.jpg", lambda page, target: S.save_exif_jpeg(page, target, 8)),
    "phone-photo-12mp-perspective-shadow": (
        "IMG_2044.jpg",
        lambda page, target: S.save_image(S.phone_photo(page), target, dpi=72, quality=85),
    ),
    "phone-app-pdf-with-ocr-text-layer": (
        "Skan 23 lis 2026.pdf",
        lambda page, target: S.save_phone_pdf([S.rotate(page, 1.5)], target),
    ),
    # pikepdf needs the jbig2dec program for JBIG2; without it the page is rasterised by pdfium, not rejected.
    "copier-pdf-jbig2": ("KM_C258-20261123.pdf", S.save_jbig2_pdf),
}


@pytest.mark.parametrize("device", sorted(DEVICES))
def test_a_page_as_a_device_saves_it_is_filed(somflow_cli, somflow_workspace, printouts, device):
    name, save = DEVICES[device]
    (doc,) = printouts.into(somflow_workspace, NK)
    save(printouts.pages(somflow_workspace, doc)[0], somflow_workspace / "inbox" / name)
    ingest(somflow_cli, somflow_workspace)
    assert_filed(somflow_workspace, doc)


def test_a_scan_named_with_polish_letters_and_spaces_is_filed_and_archived(somflow_cli, somflow_workspace, printouts):
    (doc,) = printouts.into(somflow_workspace, NK)
    name = "Oświadczenie Łucji Żądło — skan 1.pdf"
    S.save_scanner_pdf(printouts.pages(somflow_workspace, doc), somflow_workspace / "inbox" / name)
    output = ingest(somflow_cli, somflow_workspace)
    assert f"Przyjęto {file_label(Path(name))}" in output  # not a terminal: named by its label (docs/inbox.md)
    now = assert_filed(somflow_workspace, doc)
    assert now["returned"]["scan"].startswith(f"archive/{doc['id']}_")


# ------------------------------------------------------------ multi-page scans


def consent_pages(printouts: Printouts, root: Path, count: int = 1) -> tuple[list[dict], list]:
    """``count`` consent forms printed in ``root``; their pages scanned (noise, JPEG 50), in order."""
    docs = printouts.into(root, *[CONSENT] * count)
    return docs, [S.jpeg(S.noise(p, 10), 50) for d in docs for p in printouts.pages(root, d)]


def test_pages_out_of_order_are_filed(somflow_cli, somflow_workspace, printouts):
    (doc,), pages = consent_pages(printouts, somflow_workspace)
    S.save_scanner_pdf(pages[::-1], somflow_workspace / "inbox" / "odwrotnie.pdf")
    ingest(somflow_cli, somflow_workspace)
    assert_filed(somflow_workspace, doc)


def test_a_missing_page_is_rejected_naming_it(somflow_cli, somflow_workspace, printouts):
    (doc,), pages = consent_pages(printouts, somflow_workspace)
    S.save_scanner_pdf(pages[:1], somflow_workspace / "inbox" / "bez drugiej.pdf")
    ingest(somflow_cli, somflow_workspace)
    assert_rejected(somflow_workspace, "bez drugiej.pdf", doc["id"], "brakuje stron: 2")
    assert store(somflow_workspace).get("documents", doc["id"])["status"] == "wygenerowany"


def test_a_page_whose_code_cannot_be_read_is_placed_and_marked(somflow_cli, somflow_workspace, printouts):
    (doc,), pages = consent_pages(printouts, somflow_workspace)
    covered = pages[1].copy()
    covered.paste(230, S.qr_box(printouts.pages(somflow_workspace, doc)[1]))  # a sticky note over the code
    S.save_scanner_pdf([pages[0], covered], somflow_workspace / "inbox" / "z karteczką.pdf")
    assert "strony bez odczytanego kodu QR: 2" in ingest(somflow_cli, somflow_workspace)
    now = assert_filed(somflow_workspace, doc)
    assert [p["page"] for p in now["returned"]["placed"]] == [2]


@pytest.mark.parametrize("where", [0, 1, 2])
def test_a_blank_sheet_anywhere_in_the_scan_does_not_stop_filing(somflow_cli, somflow_workspace, printouts, where):
    (doc,), pages = consent_pages(printouts, somflow_workspace)
    pages.insert(where, S.dark_border(S.blank(pages[0])))
    S.save_scanner_pdf(pages, somflow_workspace / "inbox" / "z pustą kartką.pdf")
    output = ingest(somflow_cli, somflow_workspace)
    assert "1 str. bez kodu" in output
    assert_filed(somflow_workspace, doc)


@pytest.mark.slow  # tesseract reads the page for a guess
def test_a_page_with_text_but_no_code_before_the_first_code_is_set_aside_alone(
    somflow_cli, somflow_workspace, printouts
):
    (doc,), pages = consent_pages(printouts, somflow_workspace)
    foreign = S.rotate(pages[0], 0).copy()
    left, top, right, bottom = S.qr_box(printouts.pages(somflow_workspace, doc)[0])
    foreign.paste(255, (left - 500, top, right, bottom))  # the same text, its code and printed id cut out
    S.save_scanner_pdf([foreign, *pages], somflow_workspace / "inbox" / "z pismem.pdf")
    ingest(somflow_cli, somflow_workspace)
    assert store(somflow_workspace).get("documents", doc["id"])["status"] == "zwrócony"
    note = (somflow_workspace / "rejected" / "z pismem — strony 1.pdf.txt").read_text(encoding="utf-8")
    assert "Na stronie 1 nie odczytano kodu QR" in note


@pytest.mark.parametrize("order", [[0, 1, 2, 3], [0, 2, 1, 3], [3, 2, 1, 0]])
def test_two_documents_in_one_scan_are_each_filed(somflow_cli, somflow_workspace, printouts, order):
    docs, pages = consent_pages(printouts, somflow_workspace, 2)
    S.save_scanner_pdf([pages[i] for i in order], somflow_workspace / "inbox" / "dwie zgody.pdf")
    ingest(somflow_cli, somflow_workspace)
    for doc in docs:
        assert_filed(somflow_workspace, doc)
    # Each document gets its own archive file with its pages.
    assert len({store(somflow_workspace).get("documents", d["id"])["returned"]["scan"] for d in docs}) == 2


# ------------------------------------------------------------ codes that do not belong


def test_a_code_unknown_in_this_unit_is_rejected(somflow_cli, somflow_workspace, printouts, tmp_path):
    # A form printed by another school's somflow: a valid code, an id this store never issued.
    other = tmp_path / "inna-placowka"
    (doc,) = printouts.into(other, NK)
    S.save_scanner_pdf(S.render(other / doc["file"]), somflow_workspace / "inbox" / "obca.pdf")
    ingest(somflow_cli, somflow_workspace)
    assert_rejected(somflow_workspace, "obca.pdf", doc["id"], "którego nie ma w tej placówce")


# ------------------------------------------------------------ broken files


def test_bad_files_are_rejected_with_a_reason_and_kept(somflow_cli, somflow_workspace, printouts):
    (doc,) = printouts.into(somflow_workspace, NK)
    inbox = somflow_workspace / "inbox"
    (inbox / "pusty.pdf").write_bytes(b"")
    (inbox / "dokument.pdf").write_bytes(b"PK\x03\x04" + b"word/document.xml" * 20)
    S.save_password_pdf(printouts.pages(somflow_workspace, doc, 100), inbox / "z hasłem.pdf")
    assert "Nie przyjęto plików: 3" in ingest(somflow_cli, somflow_workspace)
    assert_rejected(somflow_workspace, "pusty.pdf", "pusty (0 bajtów)")
    assert_rejected(somflow_workspace, "dokument.pdf", "nie jest plikiem PDF ani obrazem")
    assert_rejected(somflow_workspace, "z hasłem.pdf", "zaszyfrowany")
    assert (somflow_workspace / "rejected" / "dokument.pdf").read_bytes().startswith(b"PK")


def test_the_same_scan_dropped_twice_is_filed_once(somflow_cli, somflow_workspace, printouts):
    (doc,) = printouts.into(somflow_workspace, NK)
    first = S.save_scanner_pdf(printouts.pages(somflow_workspace, doc), somflow_workspace / "skan.pdf")
    shutil.copy(first, somflow_workspace / "inbox" / "skan.pdf")
    ingest(somflow_cli, somflow_workspace)
    assert_filed(somflow_workspace, doc)
    shutil.copy(first, somflow_workspace / "inbox" / "skan (kopia).pdf")
    ingest(somflow_cli, somflow_workspace)
    note = (somflow_workspace / "rejected" / "skan (kopia).pdf.txt").read_text(encoding="utf-8")
    assert "przyjęto już wcześniej" in note
    assert store(somflow_workspace).count(filing.SCANS) == 1


# ------------------------------------------------------------ the watcher and slow writers


@pytest.mark.parametrize(
    "kind",
    [
        pytest.param("pdf", marks=pytest.mark.slow),  # a watcher process and 3.6 s of pauses each
        "png",
        pytest.param("tif", marks=pytest.mark.slow),
    ],
)
def test_a_file_written_slowly_is_filed_whole_by_the_watcher(somflow_cli, somflow_workspace, printouts, kind):
    source = somflow_workspace / f"skan.{kind}"
    if kind == "png":
        docs = printouts.into(somflow_workspace, NK)
        S.save_image(S.noise(printouts.pages(somflow_workspace, docs[0])[0], 10), source)
    else:
        docs, pages = consent_pages(printouts, somflow_workspace, 2)
        S.save_scanner_pdf(pages, source) if kind == "pdf" else S.save_tiff(pages, source, bilevel=False)
    watcher = start_watcher(somflow_workspace)
    try:
        # Pauses longer than --settle 0.2: the watcher sees the file several times before it is whole.
        S.copy_slowly(source, somflow_workspace / "inbox" / source.name, chunks=6, pause=0.6)
        wait_until(lambda: not waiting(somflow_workspace), what="the inbox to empty")
    finally:
        watcher.terminate()
        output = watcher.communicate(timeout=30)[0]
    assert "Odrzucono" not in output, output
    for doc in docs:
        assert_filed(somflow_workspace, doc)
    (entry,) = store(somflow_workspace).query(filing.SCANS)
    assert entry["size"] == source.stat().st_size
