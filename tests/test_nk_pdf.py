"""The printed NK-A: Polish text and every section I–XIV, a continuation sheet for a 4th victim, rendered by pdftoppm,
and a signed scan filed back through ``somflow ingest`` onto the case."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from somflow.workspace import Workspace

from inbox_fixtures import rasterise, save_pdf
from nk_cli import new_case, ok, start

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


def test_nka_pdf_has_every_section_and_a_continuation_sheet(somflow_cli, somflow_workspace, tmp_path):
    doc = nka_document(somflow_cli, somflow_workspace, tmp_path, victims=4)
    reader = PdfReader(somflow_workspace / doc["file"])
    pages = [flat(page.extract_text()) for page in reader.pages]
    text = " ".join(pages)
    assert "„NIEBIESKA KARTA – A”" in text
    assert "W związku z powzięciem uzasadnionego podejrzenia stosowania przemocy domowej" in text
    for number, title in SECTIONS.items():
        assert f"{number}. {title}" in text, number
    for words in ("Zofia Żak", "Łukasz Żak", "Ściborka Żak", "Jan Żak", "Szkoła Podstawowa nr 7 im. Marii Skłodowskiej-Curie",
                  "Pedagoga, psychologa lub terapeutę", "(data wpływu formularza, podpis członka Zespołu Interdyscyplinarnego)",
                  "numer PESEL wpisuje się, o ile danej osobie numer taki został nadany", "w spawach wydawania pozwolenia na broń"):
        assert words in text, words
    # The 4th victim is on a continuation sheet (after the signature page), not on the form's own table.
    fourth = [i for i, page in enumerate(pages) if "Gżegorz Żak" in page]
    assert fourth and all(i > min(i for i, p in enumerate(pages) if "XIV." in p) for i in fourth)
    assert doc["pages"] == len(reader.pages)


def test_three_victims_need_no_continuation(somflow_cli, somflow_workspace, tmp_path):
    (tmp_path / "four").mkdir()
    four = nka_document(somflow_cli, somflow_workspace, tmp_path / "four", victims=4)
    three = nka_document(somflow_cli, somflow_workspace, tmp_path, victims=3)
    assert three["pages"] < four["pages"]


def test_rendered_page_is_not_blank(somflow_cli, somflow_workspace, tmp_path):
    doc = nka_document(somflow_cli, somflow_workspace, tmp_path, victims=1)
    out = tmp_path / "page"
    subprocess.run(["pdftoppm", "-r", "100", "-f", "1", "-l", "1", "-png", str(somflow_workspace / doc["file"]), str(out)], check=True)
    from PIL import Image

    image = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    dark = sum(1 for v in image.getdata() if v < 128)
    assert 0.01 < dark / (image.width * image.height) < 0.5  # ink on the page, not a black box


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
