"""The printed NK-A: Polish text and every section I–XIV, a continuation sheet for a 4th victim, rendered by pdftoppm,
and a signed scan filed back through ``somflow ingest`` onto the case."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from inbox_fixtures import rasterise, save_pdf
from nk_cli import new_case, ok, start
from pypdf import PdfReader

from somflow.workspace import Workspace

SECTIONS = {
    "I": "DANE OSOBY/OSÓB DOZNAJĄCYCH PRZEMOCY DOMOWEJ",
    "II": "LICZBA MAŁOLETNICH W ŚRODOWISKU DOMOWYM",
    "III": "DANE OSOBY/OSÓB STOSUJĄCYCH PRZEMOC DOMOWĄ",
    "IV": "CZY OSOBA STOSUJĄCA PRZEMOC DOMOWĄ ZACHOWYWAŁA SIĘ W NASTĘPUJĄCY SPOSÓB",
    "V": "CZY OSOBA DOZNAJĄCA PRZEMOCY DOMOWEJ ODNIOSŁA USZKODZENIA CIAŁA?",
    "VI": "CZY W ŚRODOWISKU DOMOWYM BYŁA W PRZESZŁOŚCI REALIZOWANA PROCEDURA „NIEBIESKIE KARTY”?",
    "VII": "CZY W ŚRODOWISKU DOMOWYM AKTUALNIE JEST REALIZOWANA PROCEDURA „NIEBIESKIE KARTY”?",
    "VIII": "CZY OSOBA STOSUJĄCA PRZEMOC DOMOWĄ POSIADA BROŃ PALNĄ?",
    "IX": "CZY OSOBA DOZNAJĄCA PRZEMOCY DOMOWEJ CZUJE SIĘ BEZPIECZNIE?",
    "X": "ŚWIADKOWIE STOSOWANIA PRZEMOCY DOMOWEJ",
    "XI": "DZIAŁANIA INTERWENCYJNE PODJĘTE WOBEC OSOBY STOSUJĄCEJ PRZEMOC DOMOWĄ",
    "XII": "DZIAŁANIA INTERWENCYJNE PODJĘTE WOBEC OSOBY DOZNAJĄCEJ PRZEMOCY DOMOWEJ",
    "XIII": "DODATKOWE INFORMACJE",
    "XIV": "WSZCZĘCIE PROCEDURY „NIEBIESKIE KARTY” NASTĄPIŁO PRZEZ",
}


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setenv("SOMFLOW_TODAY", "2026-11-23")


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def nka_document(cli, root: Path, folder: Path, victims: int) -> dict:
    case_id = new_case(cli, folder, victims=victims)
    start(cli, case_id, "2026-11-17")
    case = Workspace(root).store.get("nk_cases", case_id)
    doc_id = next(d["id"] for d in case["documents"] if d["form"] == "niebieska-karta-a")
    return Workspace(root).store.get("documents", doc_id)


def field_pages(reader: PdfReader) -> dict[str, int]:
    """Each filled field's name → the page (from 0) its box is on."""
    found = {}
    for number, page in enumerate(reader.pages):
        for annot in page.get("/Annots") or []:
            obj = annot.get_object()
            name = obj.get("/T") or obj.get("/Parent", {}).get("/T")
            if name:
                found.setdefault(str(name), number)
    return found


def test_nka_pdf_has_every_section_and_a_continuation_sheet(somflow_cli, somflow_workspace, tmp_path):
    doc = nka_document(somflow_cli, somflow_workspace, tmp_path, victims=4)
    pdf = somflow_workspace / doc["file"]
    reader = PdfReader(pdf)
    pages = [flat(page.extract_text()) for page in reader.pages]
    text = " ".join(pages)
    assert "„NIEBIESKA KARTA – A”" in text
    assert (
        "W związku z powzięciem uzasadnionego podejrzenia stosowania przemocy domowej lub w wyniku zgłoszenia przez świadka"
        in text
    )
    for number, title in SECTIONS.items():
        assert f"{number}. {title}" in text, number
    for words in (
        "Pedagoga, psychologa lub terapeutę",
        "(data wpływu formularza, podpis członka Zespołu Interdyscyplinarnego)",
        "numer PESEL wpisuje się, o ile danej osobie numer taki został nadany",
        "podkreślić rodzaje zachowań",
        "w spawach wydawania pozwolenia na broń",
        "Uwaga! W przypadku większej niż 3 liczby osób doznających przemocy dołącz kolejną kartę zawierającą Tabelę IX",
    ):
        assert words in text, words
    # The filled values, with Polish letters, as a PDF reader sees them.
    values = {name: field.get("/V") for name, field in reader.get_fields().items()}
    assert values["osoby_doznajace-1-imie_nazwisko"] == "Zofia Żak"
    assert values["osoby_doznajace-3-imie_nazwisko"] == "Ściborka Żak"
    assert values["osoby_stosujace-1-imie_nazwisko"] == "Jan Żak"
    assert "Szkoła Podstawowa nr 7 im. Marii Skłodowskiej-Curie" in values["podmiot"]
    assert values["osoby_doznajace-4-imie_nazwisko"] == "Gżegorz Żak"
    # The 4th victim (tables I, V and IX) is on the continuation sheet after the form's last section.
    where = field_pages(reader)
    last_section = max(i for i, page in enumerate(pages) if "XIV. WSZCZĘCIE" in page)
    sheet = [i for i, page in enumerate(pages) if "Arkusz kontynuacji" in page]
    assert sheet and sheet[0] > last_section
    for name in (
        "osoby_doznajace-4-imie_nazwisko",
        "uszkodzenia_ciala-4-odniosla",
        "poczucie_bezpieczenstwa-4-czuje_sie_bezpiecznie",
    ):
        assert where[name] >= sheet[0], name
    assert "osoby_doznajace-3-imie_nazwisko" in where and where["osoby_doznajace-3-imie_nazwisko"] < last_section
    assert doc["pages"] == len(reader.pages)


def test_three_victims_need_no_continuation(somflow_cli, somflow_workspace, tmp_path):
    (tmp_path / "four").mkdir()
    four = nka_document(somflow_cli, somflow_workspace, tmp_path / "four", victims=4)
    three = nka_document(somflow_cli, somflow_workspace, tmp_path, victims=3)
    assert three["pages"] < four["pages"]


def test_rendered_page_shows_titles_and_values(somflow_cli, somflow_workspace, tmp_path):
    """pdftoppm draws the filled values (ink inside their boxes, no viewer needed); pdftotext reads the titles."""
    from forms_fixtures import ink_in, pdftotext, render

    doc = nka_document(somflow_cli, somflow_workspace, tmp_path, victims=1)
    pdf = somflow_workspace / doc["file"]
    reader = PdfReader(pdf)
    image = render(pdf, page=1, dpi=100)
    boxes = {}
    for annot in reader.pages[0].get("/Annots") or []:
        obj = annot.get_object()
        name = obj.get("/T") or obj.get("/Parent", {}).get("/T")
        boxes[str(name)] = [float(v) for v in obj["/Rect"]]
    for name in ("osoby_doznajace-1-imie_nazwisko", "osoby_doznajace-1-pesel", "podmiot", "data"):
        assert ink_in(image, boxes[name]) > 20, name
    assert ink_in(image, boxes["osoby_doznajace-1-telefon_email"]) == 0  # left empty
    page_one = " ".join(pdftotext(pdf).split("\f")[0].split())
    assert "„NIEBIESKA KARTA – A”" in page_one and "I. DANE OSOBY/OSÓB DOZNAJĄCYCH PRZEMOCY DOMOWEJ" in page_one


def test_returned_scan_is_filed_onto_the_case(somflow_cli, somflow_workspace, tmp_path):
    doc = nka_document(somflow_cli, somflow_workspace, tmp_path, victims=1)
    scan = save_pdf(rasterise(somflow_workspace / doc["file"], dpi=150), somflow_workspace / "inbox" / "skan-nk-a.pdf")
    out = ok(somflow_cli("ingest"))
    assert doc["id"] in out
    store = Workspace(somflow_workspace).store
    assert store.get("documents", doc["id"])["status"] == "zwrócony"
    case = store.get("nk_cases", doc["record"]["id"])
    assert [r["id"] for r in case["returned"]] == [doc["id"]]
    assert f"Zwrócono podpisany skan: niebieska-karta-a [{doc['id']}]" in ok(somflow_cli("nk", "show", case["id"]))
    assert not scan.exists()
