"""The ingest pipeline without a watcher: ``somflow ingest`` and ``run_pipeline`` on real files."""

from __future__ import annotations

import io
import shutil
from contextlib import contextmanager
from pathlib import Path

import pikepdf
import pytest
from inbox_fixtures import make_document, render_pdf, save_jpeg, save_pdf, scanned_pages
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from somflow import hookimpl
from somflow.errors import SomflowError
from somflow.inbox import filing, ocr
from somflow.inbox.model import Claim
from somflow.inbox.pipeline import run_pipeline
from somflow.inbox.steps import STEPS
from somflow.plugins import PluginHost
from somflow.workspace import Workspace


@pytest.fixture
def ws(somflow_workspace) -> Workspace:
    return Workspace(somflow_workspace, PluginHost(somflow_workspace))


def drop(ws: Workspace, docs: list[dict], name: str, **kw) -> Path:
    """Print, scan and drop ``docs`` (in order) into the inbox as one image-only PDF."""
    return save_pdf(scanned_pages([ws.root / d["file"] for d in docs]), ws.path("inbox") / name, **kw)


@contextmanager
def registered(ws: Workspace, plugin: object):
    """A test-only plugin, registered for the block."""
    ws.plugins.pm.register(plugin, name=type(plugin).__name__)
    try:
        yield plugin
    finally:
        ws.plugins.pm.unregister(plugin)


def rejection(ws: Workspace, name: str) -> str:
    assert (ws.path("rejected") / name).is_file()
    return (ws.path("rejected") / f"{name}.txt").read_text(encoding="utf-8")


def test_steps_are_an_ordered_list_of_named_steps():
    assert [s.name for s in STEPS] == [
        "read",
        "seen-before",
        "identify",
        "acroform",
        "rescue",
        "split",
        "claim",
        "archive",
        "set-aside",
        "file",
        "finish",
    ]


def test_ingest_files_a_scan_to_its_document(ws, somflow_cli):
    doc = make_document(ws.root, pages=2)
    drop(ws, [doc], "skan 001.pdf")
    result = somflow_cli("ingest")
    assert result.exit_code == 0, result.output
    assert doc["id"] in result.output
    filed = ws.store.get("documents", doc["id"])
    assert filed["status"] == "zwrócony"
    returned = filed["returned"]
    assert returned["pages"] == [1, 2]
    assert returned["scan"].startswith(f"archive/{doc['id']}_") and returned["scan"].endswith(".pdf")
    archived = ws.root / returned["scan"]
    assert filing.sha256(archived.read_bytes()) == returned["sha256"]
    assert archived.stat().st_mode & 0o077 == 0
    assert len(pikepdf.open(archived).pages) == 2
    assert not any(ws.path("inbox").iterdir())
    (entry,) = ws.store.query(filing.SCANS)
    assert entry["state"] == filing.DONE and entry["documents"] == [doc["id"]]


@pytest.mark.slow  # renders and reads 10 pages
def test_ten_page_scan_with_three_documents_is_split(ws):
    docs = [make_document(ws.root, pages=n) for n in (3, 2, 4)]
    pages = scanned_pages([ws.root / d["file"] for d in docs])
    blank = pages[0].point(lambda v: 235)  # the empty back of a duplex sheet
    pages = [*pages[:5], blank, *pages[5:]]
    assert len(pages) == 10
    save_pdf(pages, ws.path("inbox") / "stos.pdf")
    outcome = run_pipeline(ws, ws.path("inbox") / "stos.pdf")
    assert outcome.status == "filed", outcome
    assert outcome.documents == [d["id"] for d in docs]
    assert any("bez kodu" in n for n in outcome.notices)
    for doc, count in zip(docs, (3, 3, 4)):
        returned = ws.store.get("documents", doc["id"])["returned"]
        assert returned["pages"] == list(range(1, doc["pages"] + 1))
        assert len(pikepdf.open(ws.root / returned["scan"]).pages) == count
    originals = [p for p in ws.path("archive").iterdir() if "+2_" in p.name]
    assert len(originals) == 1 and len(pikepdf.open(originals[0]).pages) == 10


def test_missing_page_is_reported_and_nothing_is_filed(ws):
    doc = make_document(ws.root, pages=3)
    pages = scanned_pages([ws.root / doc["file"]])
    save_pdf([pages[0], pages[2]], ws.path("inbox") / "niepelny.pdf")
    assert run_pipeline(ws, ws.path("inbox") / "niepelny.pdf").status == "rejected"
    assert "brakuje stron: 2" in rejection(ws, "niepelny.pdf")
    assert ws.store.get("documents", doc["id"])["status"] == "wygenerowany"
    assert not any(ws.path("archive").iterdir())


def test_duplicate_page_is_filed_with_a_notice(ws):
    doc = make_document(ws.root, pages=2)
    pages = scanned_pages([ws.root / doc["file"]])
    save_pdf([pages[0], pages[1], pages[1]], ws.path("inbox") / "dwa-razy.pdf")
    outcome = run_pipeline(ws, ws.path("inbox") / "dwa-razy.pdf")
    assert outcome.status == "filed"
    assert any("dwa razy: 2" in n for n in outcome.notices)


def test_the_same_file_twice_is_recognised_by_its_hash(ws):
    doc = make_document(ws.root)
    first = drop(ws, [doc], "a.pdf")
    copy = ws.root / "copy.pdf"
    shutil.copy(first, copy)
    assert run_pipeline(ws, first).status == "filed"
    shutil.move(copy, ws.path("inbox") / "a-kopia.pdf")
    assert run_pipeline(ws, ws.path("inbox") / "a-kopia.pdf").status == "rejected"
    assert "Ten sam plik przyjęto już wcześniej" in rejection(ws, "a-kopia.pdf")
    assert ws.store.count(filing.SCANS) == 1


def test_second_scan_of_a_returned_document_is_rejected(ws):
    doc = make_document(ws.root)
    assert run_pipeline(ws, drop(ws, [doc], "a.pdf")).status == "filed"
    assert run_pipeline(ws, drop(ws, [doc], "b.pdf", bilevel=True)).status == "rejected"
    assert "został już zwrócony" in rejection(ws, "b.pdf")


def test_code_of_an_unknown_document(ws):
    pdf = ws.root / "obcy.pdf"
    pdf.write_bytes(render_pdf("01JZZZZZZZZZZZZZZZZZZZZZZZ", 1, "Formularz z innej szkoły"))
    save_jpeg(scanned_pages([pdf])[0], ws.path("inbox") / "obcy.jpg")
    assert run_pipeline(ws, ws.path("inbox") / "obcy.jpg").status == "rejected"
    assert "którego nie ma w tej placówce" in rejection(ws, "obcy.jpg")


class Recorder:
    """A test plugin: writes its own record for every filed document."""

    def __init__(self, fail: bool = False):
        self.fail = fail
        self.seen: list[str] = []

    @hookimpl
    def somflow_document_filed(self, document, workspace):
        self.seen.append(document["id"])
        with workspace.store.transaction():
            workspace.store.insert("reactions", {"document": document["id"], "status": document["status"]})
        if self.fail:
            raise RuntimeError("plugin broke")


def test_plugins_react_to_a_filed_document_in_the_same_transaction(ws):
    doc = make_document(ws.root)
    with registered(ws, Recorder()) as recorder:
        assert run_pipeline(ws, drop(ws, [doc], "a.pdf")).status == "filed"
    assert recorder.seen == [doc["id"]]
    assert ws.store.query("reactions")[0]["status"] == "zwrócony"


def test_failing_plugin_rejects_the_file_and_leaves_the_store_as_it_was(ws):
    doc = make_document(ws.root)
    with registered(ws, Recorder(fail=True)):
        assert run_pipeline(ws, drop(ws, [doc], "a.pdf")).status == "rejected"
    assert "plugin broke" in rejection(ws, "a.pdf")
    assert ws.store.get("documents", doc["id"])["status"] == "wygenerowany"
    assert ws.store.count("reactions") == 0 and ws.store.count(filing.SCANS) == 0
    assert not any(ws.path("archive").iterdir())


class Claimer:
    @hookimpl
    def somflow_claim_inbox_file(self, scan, workspace):
        if "Rejestr" in scan.text:
            return Claim(
                record={"collection": "staff", "id": "STAFF1"},
                title="Wydruk z Rejestru Sprawców",
                data={"wynik": "brak"},
            )
        return None


def test_a_plugin_claims_a_file_without_a_code(ws):
    pdf = io.BytesIO()
    page = canvas.Canvas(pdf, pagesize=A4)
    page.drawString(100, 700, "Rejestr Sprawcow Przestepstw na Tle Seksualnym - wynik wyszukiwania")
    page.save()
    (ws.path("inbox") / "rsps.pdf").write_bytes(pdf.getvalue())
    with registered(ws, Claimer()):
        outcome = run_pipeline(ws, ws.path("inbox") / "rsps.pdf")
    assert outcome.status == "filed"
    (doc,) = ws.store.query("documents")
    assert doc["record"] == {"collection": "staff", "id": "STAFF1"} and doc["status"] == "zwrócony"
    assert doc["returned"]["scan"].startswith("archive/STAFF1_")


def test_digitally_filled_form_keeps_its_field_values(ws):
    doc = make_document(ws.root)
    # printed with the field (only the form's own fields are kept: tests/test_inbox_hostile.py)
    (ws.root / doc["file"]).write_bytes(render_pdf(doc["id"], 1, doc["title"], fields={"podpis_miejscowosc": ""}))
    filled = render_pdf(doc["id"], 1, doc["title"], fields={"podpis_miejscowosc": "Gdynia"})
    (ws.path("inbox") / "wypelniony.pdf").write_bytes(filled)
    assert run_pipeline(ws, ws.path("inbox") / "wypelniony.pdf").status == "filed"
    assert ws.store.get("documents", doc["id"])["returned"]["fields"] == {"podpis_miejscowosc": "Gdynia"}


@pytest.mark.skipif(ocr.tesseract() is None, reason="tesseract is not installed")
@pytest.mark.slow  # tesseract
def test_page_without_code_gets_an_ocr_guess_but_is_not_filed(ws):
    doc = make_document(ws.root, form="oswiadczenie_niekaralnosc")
    pages = scanned_pages([ws.root / doc["file"]])
    pages[0].paste(255, (1100, 0, pages[0].width, 400))  # the code torn off
    save_jpeg(pages[0], ws.path("inbox") / "bez-kodu.jpg")
    assert run_pipeline(ws, ws.path("inbox") / "bez-kodu.jpg").status == "rejected"
    assert "Oświadczenie o niekaralności" in rejection(ws, "bez-kodu.jpg")
    assert ws.store.get("documents", doc["id"])["status"] == "wygenerowany"


def test_without_tesseract_the_guess_is_skipped_with_a_notice(ws, monkeypatch):
    monkeypatch.setattr(ocr, "tesseract", lambda: None)
    (ws.path("inbox") / "pusta.pdf").write_bytes(_blank_pdf())
    outcome = run_pipeline(ws, ws.path("inbox") / "pusta.pdf")
    assert outcome.status == "rejected"
    assert any("tesseract" in n for n in outcome.notices), outcome
    assert "nie znaleziono kodu QR" in rejection(ws, "pusta.pdf")


def _blank_pdf() -> bytes:
    pdf = io.BytesIO()
    page = canvas.Canvas(pdf, pagesize=A4)
    page.drawString(100, 700, "Notatka bez kodu")
    page.showPage()
    page.save()
    return pdf.getvalue()


def test_interrupted_filing_is_finished_not_repeated(ws):
    """A crash after the store commit, before the original left the inbox (steps 3-4 of ``filing``)."""
    doc = make_document(ws.root)
    scan = drop(ws, [doc], "a.pdf")
    kept = scan.read_bytes()
    assert run_pipeline(ws, scan).status == "filed"
    (entry,) = ws.store.query(filing.SCANS)
    ws.store.update(filing.SCANS, entry["id"], {"state": filing.FILED})
    scan.write_bytes(kept)  # as if the crash came before the removal
    assert run_pipeline(ws, scan).status == "skipped"
    assert not scan.exists()
    assert ws.store.query(filing.SCANS)[0]["state"] == filing.DONE
    updates = [e for e in ws.store.audit_log() if e["id"] == doc["id"] and e["action"] == "update"]
    assert len(updates) == 2  # the fixture's and the filing's


def test_recover_marks_entries_whose_original_is_gone(ws):
    doc = make_document(ws.root)
    assert run_pipeline(ws, drop(ws, [doc], "a.pdf")).status == "filed"
    (entry,) = ws.store.query(filing.SCANS)
    ws.store.update(filing.SCANS, entry["id"], {"state": filing.FILED})
    (ws.path("archive") / ".a.pdf.k3j9x_2q.tmp").write_bytes(b"half")
    assert filing.recover(ws) == 1
    assert ws.store.query(filing.SCANS)[0]["state"] == filing.DONE
    assert not (ws.path("archive") / ".a.pdf.k3j9x_2q.tmp").exists()


def test_status_shows_rejected_files(ws, somflow_cli):
    (ws.path("inbox") / "notatka.txt").write_text("to nie skan", encoding="utf-8")
    with pytest.raises(SomflowError, match="Nie przyjęto plików: 1"):
        somflow_cli("ingest")
    result = somflow_cli("status")
    assert "Pliki odrzucone (rejected/): 1" in result.output
    assert "Pliki oczekujące w inbox/: 0" in result.output
    assert "notatka.txt.txt" in [p.name for p in ws.path("rejected").iterdir()]
