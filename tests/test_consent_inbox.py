"""Signed consent forms coming back through the inbox (``somflow ingest``) update the register."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from inbox_fixtures import render_pdf, save_pdf, scanned_pages

from somflow.fileio import write_private
from somflow.workspace import Workspace

CLASS = "Imię;Nazwisko;Klasa\nZofia;Żak;3b\nJan;Łęcki;3b\n"


@pytest.fixture
def kids(somflow_cli, somflow_workspace, tmp_path) -> dict[str, dict]:
    (tmp_path / "3b.csv").write_text(CLASS, encoding="utf-8")
    assert somflow_cli("consent", "import", str(tmp_path / "3b.csv")).exit_code == 0
    return {c["first_name"]: c for c in Workspace(somflow_workspace).store.query("people", {"kind": "child"})}


def consent_document(root: Path, child: dict, fields: dict[str, str] | None = None) -> dict:
    """A printed consent form for ``child`` as the forms engine records it (QR on the page)."""
    store = Workspace(root).store
    with store.transaction():
        doc = store.insert(
            "documents",
            {
                "form": "zgoda-na-wizerunek",
                "form_version": 1,
                "title": "Zgoda na wizerunek – klasa 3b",
                "data": {
                    "imie_nazwisko_dziecka": f"{child['first_name']} {child['last_name']}",
                    "grupa": "3b",
                    "od": "2026-09-01",
                    "do": "2027-08-31",
                },
                "file": None,
                "sha256": None,
                "pages": 1,
                "status": "wygenerowany",
                "record": {"collection": "people", "id": child["id"]},
                "created_by": "test",
                "returned": None,
            },
        )
        content = render_pdf(doc["id"], 1, "Zgoda rodzica na publikację wizerunku dziecka", fields)
        (root / "documents").mkdir(exist_ok=True)
        write_private(root / f"documents/{doc['id']}.pdf", content)
        return store.update(
            "documents",
            doc["id"],
            {"file": f"documents/{doc['id']}.pdf", "sha256": hashlib.sha256(content).hexdigest()},
        )


def check(cli, channel: str = "website") -> dict[str, tuple[bool, str]]:
    result = cli("consent", "check", "--group", "3b", "--channel", channel, "--date", "2026-12-10", "--json")
    assert result.exit_code == 0, result.output
    return {row["name"]: (row["allowed"], row["reason"]) for row in json.loads(result.output)}


def test_paper_scan_waits_for_its_ticks_then_counts(kids, somflow_cli, somflow_workspace):
    root = somflow_workspace
    doc = consent_document(root, kids["Zofia"])
    save_pdf(scanned_pages([root / doc["file"]]), root / "inbox" / "skan.pdf")
    result = somflow_cli("ingest")
    assert result.exit_code == 0, result.output
    (consent,) = Workspace(root).store.query("image_consents")
    assert consent["state"] == "do_wpisania" and consent["document_id"] == doc["id"]
    assert consent["scan"]["file"].startswith("archive/")
    # a scan nobody has read grants nothing
    assert check(somflow_cli)["Zofia Żak"] == (False, "zgoda zwrócona, zaznaczenia nie zostały jeszcze wpisane")
    # returned, not typed yet: the listing must not also call it "not returned"
    assert (
        "Zofia Żak (3b): brak zgody; zwrócony formularz czeka na wpisanie zaznaczeń\n"
        in somflow_cli("consent", "list").output
    )
    # the secretary types the ticks; the period comes from the printed form
    result = somflow_cli(
        "consent",
        "record",
        "Zofia Żak",
        "--purpose",
        "wszystkie",
        "--photo",
        "wszystkie",
        "--channel",
        "website",
        "--child-view",
        "tak",
    )
    assert result.exit_code == 0, result.output
    (consent,) = Workspace(root).store.query("image_consents")
    assert (consent["state"], consent["valid_to"], consent["document_id"]) == ("wpisana", "2027-08-31", doc["id"])
    assert check(somflow_cli)["Zofia Żak"] == (True, "zgoda do 2027-08-31")
    assert check(somflow_cli)["Jan Łęcki"] == (False, "nie zwrócono zgody")


def test_scan_after_entry_by_hand_is_attached_not_duplicated(kids, somflow_cli, somflow_workspace):
    root = somflow_workspace
    doc = consent_document(root, kids["Jan"])
    assert (
        somflow_cli(
            "consent",
            "record",
            "Jan Łęcki",
            "--purpose",
            "wszystkie",
            "--photo",
            "wszystkie",
            "--channel",
            "social-media",
        ).exit_code
        == 0
    )
    save_pdf(scanned_pages([root / doc["file"]]), root / "inbox" / "jan.pdf")
    assert somflow_cli("ingest").exit_code == 0
    (consent,) = Workspace(root).store.query("image_consents")
    assert consent["state"] == "wpisana" and consent["document_id"] == doc["id"] and consent["scan"]["file"]
    assert check(somflow_cli, "social-media")["Jan Łęcki"][0] is True


def test_digitally_filled_form_is_entered_from_its_fields(kids, somflow_cli, somflow_workspace):
    root = somflow_workspace
    fields = {
        "decyzja": "wyrazam",
        "kanaly-strona_www": "Yes",
        "kanaly-tablica": "Yes",
        "cele-edukacyjne": "Yes",
        "rodzaj_zdjec-grupowe": "Yes",
        "po_odejsciu": "nie",
        "zgoda_dziecka": "tak",
    }
    doc = consent_document(root, kids["Zofia"], fields)
    (root / "inbox" / "zgoda.pdf").write_bytes((root / doc["file"]).read_bytes())
    result = somflow_cli("ingest")
    assert result.exit_code == 0, result.output
    (consent,) = Workspace(root).store.query("image_consents")
    assert consent["state"] == "wpisana" and consent["source"] == "formularz"
    assert consent["channels"] == ["strona_www", "tablica"]
    assert (consent["purposes"], consent["photo_kinds"]) == (["edukacyjne"], ["grupowe"])  # only what was ticked
    assert check(somflow_cli)["Zofia Żak"] == (True, "zgoda do 2027-08-31")
    assert check(somflow_cli, "social-media")["Zofia Żak"][0] is False


def test_ticks_typed_in_complete_the_waiting_scan_not_a_later_reprint(kids, somflow_cli, somflow_workspace):
    root = somflow_workspace
    first = consent_document(root, kids["Zofia"])
    save_pdf(scanned_pages([root / first["file"]]), root / "inbox" / "skan.pdf")
    assert somflow_cli("ingest").exit_code == 0
    consent_document(root, kids["Zofia"])  # reprinted meanwhile, not returned
    assert somflow_cli("consent", "record", "Zofia Żak", "--refused").exit_code == 0
    (consent,) = Workspace(root).store.query("image_consents")
    assert (consent["document_id"], consent["state"], consent["decision"]) == (first["id"], "wpisana", "nie_wyrazam")
    assert check(somflow_cli)["Zofia Żak"] == (False, "rodzic (opiekun) nie wyraził zgody")
