"""Pages whose code cannot be read are placed (printed id, neighbours) or set aside alone; the rest of the scan is filed."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
import scan_degrade as S

from somflow.errors import SomflowError
from somflow.inbox import filing
from somflow.inbox.model import PageCode
from somflow.inbox.rescue import BY_ORDER, BY_PRINT, infer_from_neighbours, match_label
from somflow.workspace import Workspace

NK_A = "niebieska-karta-a"  # 9 pages when the issue was written, 7 since the form was reworked
DECLARATION = "oswiadczenie-o-niekaralnosci"  # 1 page
CONSENT = "zgoda-na-wizerunek"  # 2 pages
DPI = 150


def store(root: Path):
    return Workspace(root).store


def ingest(cli) -> str:
    try:
        return cli("ingest").output
    except SomflowError as exc:
        return str(exc)


def scanned(root: Path, doc: dict) -> list:
    return [S.jpeg(S.noise(p, 8), 50) for p in S.render(root / doc["file"], DPI)]


def unreadable(root: Path, doc: dict, page: int, label: bool = False) -> object:
    """Page ``page`` of ``doc`` with its code covered (and, with ``label``, the id printed beside it too)."""
    clean = S.render(root / doc["file"], DPI)[page - 1]
    left, top, right, bottom = S.qr_box(clean)
    covered = clean.copy()
    covered.paste(255, (left - (int(6 / 2.54 * DPI) if label else 0), top, right, bottom))
    return S.jpeg(covered, 50)


def returned(root: Path, doc: dict) -> dict:
    now = store(root).get("documents", doc["id"])
    assert now["status"] == "zwrócony", now
    assert now["returned"]["pages"] == list(range(1, doc["pages"] + 1))
    return now["returned"]


@pytest.mark.slow  # prints, renders and reads all the pages of NK-A
def test_the_ballpoint_page_of_a_multi_page_nk_a_is_placed_and_shown_in_status(somflow_cli, somflow_workspace):
    doc = S.print_form(somflow_cli, somflow_workspace, NK_A)
    assert doc["pages"] >= 5
    pages = scanned(somflow_workspace, doc)
    clean = S.render(somflow_workspace / doc["file"], DPI)[3]
    pages[3] = S.jpeg(S.finder_stroke(S.fade(clean, 0.6), DPI), 40)  # a ballpoint across a finder pattern, faded copy
    S.save_scanner_pdf(pages, somflow_workspace / "inbox" / "nk-a.pdf", dpi=DPI)
    output = ingest(somflow_cli)
    assert "strony bez odczytanego kodu QR: 4" in output, output
    (placed,) = returned(somflow_workspace, doc)["placed"]
    assert placed["page"] == 4 and placed["scan_page"] == 4 and placed["how"] in (BY_ORDER, BY_PRINT)
    assert not list((somflow_workspace / "rejected").iterdir())
    status = somflow_cli("status").output
    assert "Strony przyjęte bez odczytanego kodu QR" in status and doc["id"] in status


def test_a_one_page_document_with_its_code_smudged_is_placed_by_the_printed_id(somflow_cli, somflow_workspace):
    doc = S.print_form(somflow_cli, somflow_workspace, DECLARATION)
    S.print_form(somflow_cli, somflow_workspace, DECLARATION)  # another candidate the text must not be taken for
    clean = S.render(somflow_workspace / doc["file"], DPI)[0]
    S.save_scanner_pdf([S.rotate(S.finder_stroke(clean, DPI), 1.5)], somflow_workspace / "inbox" / "skan.pdf", dpi=DPI)
    ingest(somflow_cli)
    assert returned(somflow_workspace, doc)["placed"] == [{"page": 1, "scan_page": 1, "how": BY_PRINT}]


def test_in_a_reversed_stack_the_unread_last_page_is_placed_by_its_neighbour(somflow_cli, somflow_workspace):
    doc = S.print_form(somflow_cli, somflow_workspace, CONSENT)
    pages = [
        unreadable(somflow_workspace, doc, 2, label=True),
        scanned(somflow_workspace, doc)[0],
    ]  # P2 first: fed the wrong way
    S.save_scanner_pdf(pages, somflow_workspace / "inbox" / "odwrotnie.pdf", dpi=DPI)
    ingest(somflow_cli)
    assert returned(somflow_workspace, doc)["placed"] == [{"page": 2, "scan_page": 1, "how": BY_ORDER}]


def test_a_stack_with_one_unplaceable_page_files_the_others_and_sets_that_page_aside(somflow_cli, somflow_workspace):
    consent = S.print_form(somflow_cli, somflow_workspace, CONSENT)
    declaration = S.print_form(somflow_cli, somflow_workspace, DECLARATION)
    stranger = unreadable(somflow_workspace, declaration, 1, label=True)  # text, no code, no printed id
    pages = [*scanned(somflow_workspace, consent), stranger, *scanned(somflow_workspace, declaration)]
    S.save_scanner_pdf(pages, somflow_workspace / "inbox" / "stos.pdf", dpi=DPI)
    output = ingest(somflow_cli)
    assert "Przyjęto tylko część stron plików: 1" in output
    returned(somflow_workspace, consent)
    returned(somflow_workspace, declaration)
    assert not [p for p in (somflow_workspace / "inbox").rglob("*") if p.is_file()]
    aside = somflow_workspace / "rejected" / "stos — strony 3.pdf"
    assert len(pikepdf.open(aside).pages) == 1
    note = filing.note_for(aside).read_text(encoding="utf-8")
    assert "Na stronie 1 nie odczytano kodu QR" in note and "somflow inbox assign" in note and "stos.pdf" in note
    (entry,) = store(somflow_workspace).query(filing.SCANS)
    assert entry["set_aside"] == {"file": "rejected/stos — strony 3.pdf", "pages": [3]}
    assert (somflow_workspace / entry["archive"]).is_file()  # the whole scan is kept too


def test_the_pages_of_a_document_returned_before_are_set_aside_saying_nothing_needs_rescanning(
    somflow_cli, somflow_workspace
):
    old = S.print_form(somflow_cli, somflow_workspace, DECLARATION)
    S.save_scanner_pdf(scanned(somflow_workspace, old), somflow_workspace / "inbox" / "pierwszy.pdf", dpi=DPI)
    ingest(somflow_cli)
    new = S.print_form(somflow_cli, somflow_workspace, DECLARATION)
    pages = [*scanned(somflow_workspace, new), S.noise(scanned(somflow_workspace, old)[0], 5, seed=9)]
    S.save_scanner_pdf(pages, somflow_workspace / "inbox" / "drugi.pdf", dpi=DPI)
    ingest(somflow_cli)
    returned(somflow_workspace, new)
    note = (somflow_workspace / "rejected" / "drugi — strony 2.pdf.txt").read_text(encoding="utf-8")
    assert "został już zwrócony" in note and "niczego nie trzeba skanować ponownie" in note
    assert "Zeskanuj" not in note


def test_a_document_missing_a_page_with_no_unread_page_asks_for_the_missing_page(somflow_cli, somflow_workspace):
    doc = S.print_form(somflow_cli, somflow_workspace, CONSENT)
    S.save_scanner_pdf(scanned(somflow_workspace, doc)[:1], somflow_workspace / "inbox" / "pol.pdf", dpi=DPI)
    ingest(somflow_cli)
    note = (somflow_workspace / "rejected" / "pol.pdf.txt").read_text(encoding="utf-8")
    assert "brakuje stron: 2" in note and "razem z brakującymi stronami (2)" in note
    assert not store(somflow_workspace).count(filing.SCANS)


# ------------------------------------------------------------ the rules alone (no images)

X, Y = "0" * 10 + "A" * 16, "0" * 10 + "B" * 16
PAGES = {X: 9, Y: 2}


def place(codes: list, edges: bool = True) -> dict[int, tuple[str, int]]:
    skip = [False] * len(codes)
    return {i: (c.document_id[-1], c.page) for i, c in infer_from_neighbours(codes, skip, PAGES.get, edges).items()}


def nine(order=range(1, 10)) -> list:
    return [PageCode(X, n) for n in order]


@pytest.mark.parametrize(
    ("codes", "edges", "expected"),
    [
        ([*nine()[:5], None, *nine()[6:]], False, {5: ("A", 6)}),  # between P5 and P7 → P6
        ([*nine(range(9, 0, -1))[:2], None, *nine(range(9, 0, -1))[3:]], False, {2: ("A", 7)}),  # reversed: P8, ?, P6
        ([*nine()[:8], None], False, {}),  # an edge needs edges=True
        ([*nine()[:8], None], True, {8: ("A", 9)}),
        ([*nine()[:3], None, None, *nine()[6:]], True, {}),  # one unread page where three are missing: which?
        ([*nine()[:5], None, None, *nine()[6:]], True, {}),  # two unread pages where one is missing
        ([PageCode(Y, 1), None], True, {1: ("B", 2)}),
        ([None, PageCode(Y, 1)], True, {0: ("B", 2)}),  # a 2-page document fed the wrong way round
        ([*nine(), None, PageCode(Y, 1), PageCode(Y, 2)], True, {}),  # after a complete document: placed nowhere
        ([PageCode(Y, 1), None, PageCode(Y, 2)], True, {}),  # nothing is missing between P1 and P2
    ],
)
def test_neighbours_place_only_what_fits_exactly(codes, edges, expected):
    assert place(codes, edges) == expected


def test_empty_sheets_are_passed_over_by_the_neighbour_rule():
    codes = [PageCode(X, 5), None, None, PageCode(X, 7)]
    placed = infer_from_neighbours(codes, [False, True, False, False], PAGES.get, edges=False)
    assert placed == {2: PageCode(X, 6)}


@pytest.mark.parametrize(
    ("text", "page"),
    [
        ("01M94MFP68YWN9YVZG5NR1M1NGs.4/9", 4),
        ("1MQAMEPESYWNGYVZGSNR1M1NG5.4/9 s", 4),  # a faded, blurred copy: many letters misread
        ("MPERYWHETVZGSNRMTNG5.49", 4),  # the slash lost
        ("CMANTFEMTYENGCNTGSNFMENG 4/9", None),  # too far from any id
        ("01M94MFP68YWN9YVZG5NR1M1NGs.4/7", None),  # that document has 9 pages, not 7
    ],
)
def test_a_printed_label_is_matched_to_one_id_of_the_unit(text, page):
    documents = {"01M94MFP68YWN9YVZG5NR1M1NG": 9, "01M94MG9GTF9KEJ0TNYRFT94TB": 2, "01M94MGS5R4W3BV55TRE18D649": 1}
    code = match_label(text, documents)
    assert (code.page if code else None) == page
    assert code is None or code.document_id == "01M94MFP68YWN9YVZG5NR1M1NG"
