"""The core's pages of somflow serve: the dashboard and the inbox review queue, over the CLI's functions."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from urllib.parse import quote

from test_inbox_review import set_aside, set_aside_built  # noqa: F401 - the fixtures: a scan with one page set aside

from somflow import hookimpl
from somflow.deadlines import Deadline
from somflow.inbox import filing, review
from somflow.people import register

ASIDE = "rejected/skan — strony 3.pdf"


class Due:
    @hookimpl
    def somflow_deadlines(self, workspace, today):
        return [
            Deadline("t:later", "Ankieta roczna", today + timedelta(days=30)),
            Deadline("t:week", "Szkolenie kadry", today + timedelta(days=3)),
            Deadline(
                "t:nk", "NK-C sprawy 01J", today + timedelta(days=2), record={"collection": "nk_cases", "id": "x"}
            ),
            Deadline("t:late", "Zapoznanie ze standardami", today - timedelta(days=4)),
        ]


def test_dashboard_deadlines_overdue_first_then_this_week_within_the_role(somflow_web, monkeypatch):
    monkeypatch.setenv("SOMFLOW_TODAY", "2030-03-04")
    head = somflow_web("dyrektor")
    head.app.state.workspace.plugins.pm.register(Due(), name="due")
    text = head.get("/").text
    late, week, nk = (text.index(t) for t in ("Zapoznanie ze standardami", "Szkolenie kadry", "NK-C sprawy"))
    assert late < nk < week and "4 dni po terminie" in text and "Później: 1 termin." in text
    assert "Ankieta roczna" not in text
    office = somflow_web("sekretariat")
    office_text = office.get("/").text
    assert "Szkolenie kadry" in office_text and "NK-C sprawy" not in office_text  # Niebieska Karta: not the office's
    assert 'hx-get="/stan" hx-trigger="load"' in office_text and '<a href="/stan">' in office_text


def test_the_status_follows_the_dashboard_by_htmx_or_as_a_page(somflow_web):
    office = somflow_web("sekretariat")
    fragment = office.get("/stan", headers={"HX-Request": "true"}).text
    assert fragment.startswith("<table>") and "<html" not in fragment and "Jednostka" in fragment
    page = office.get("/stan").text
    assert "<h1>Stan placówki</h1>" in page and "Jednostka" in page


def test_dashboard_shows_what_waits_in_the_inbox(somflow_web, set_aside):
    text = somflow_web("sekretariat").get("/").text
    assert "Do przejrzenia: 1 (odłożone: 1, czekające w inbox/: 0)." in text and 'href="/inbox"' in text
    assert "Skrzynka skanów" not in somflow_web("kadry").get("/").text  # HR does not review scans


def test_queue_page_shows_the_set_aside_pages_small(somflow_web, set_aside):
    office = somflow_web("sekretariat")
    text = office.get("/inbox").text
    assert "skan — strony 3.pdf" in text and "nie odczytano kodu QR" in text
    assert "Obejrzyj strony poniżej" in text and "somflow inbox" not in text  # the page's words, not commands
    assert f"/inbox/preview?file={quote(quote(ASIDE))}&amp;page=1" in text  # the name percent-encoded, in a URL
    assert '<label for="doc-1">' in text and '<label for="reason-1">' in text
    image = office.get("/inbox/preview", params={"file": ASIDE, "page": "1"})
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert image.content.startswith(b"\x89PNG")
    assert office.get("/inbox/preview", params={"file": "../somflow.toml"}).status_code == 404
    assert office.get("/inbox/preview", params={"file": "somflow.toml"}).status_code == 404


def test_assign_a_page_to_a_document_in_the_browser(somflow_web, somflow_workspace, set_aside):
    _a, b, aside = set_aside
    office = somflow_web("sekretariat")
    wrong = office.post("/inbox/assign", data={"csrf": office.csrf, "file": ASIDE, "page": "1", "doc": "01ZZZZZZZZ"})
    assert wrong.headers["location"] == "/inbox"
    assert "Nie ma dokumentu 01ZZZZZZZZ w tej placówce" in office.get("/inbox").text and aside.exists()
    done = office.post("/inbox/assign", data={"csrf": office.csrf, "file": ASIDE, "page": "1", "doc": b["id"][:12]})
    assert done.status_code == 303
    assert f"Przyjęto skan — strony 3.pdf: dokumenty {b['id']}" in office.get("/inbox").text
    workspace = office.app.state.workspace
    doc = workspace.store.get("documents", b["id"])
    assert doc["status"] == "zwrócony" and doc["returned"]["placed_by"] == "web:test-sekretariat"
    assert {"documents", "web:test-sekretariat"} <= {
        v for e in workspace.store.audit_log() if e["id"] == b["id"] for v in (e["collection"], e["user"])
    }
    assert not aside.exists()


def test_assign_a_whole_file_to_a_person(somflow_web, set_aside):
    office = somflow_web("sekretariat")
    workspace = office.app.state.workspace
    person = register.add(workspace.store, register.new_person("staff", "Jan", "Nowak"))
    form = {"csrf": office.csrf, "file": ASIDE, "person": register.number(person), "title": "Wydruk z Rejestru"}
    assert office.post("/inbox/assign-record", data=form).status_code == 303
    (doc,) = workspace.store.query("documents", {"record": {"collection": register.COLLECTION, "id": person["id"]}})
    assert doc["title"] == "Wydruk z Rejestru" and doc["status"] == "zwrócony"


def test_discard_with_a_reason_and_nothing_outside_the_queue(somflow_web, somflow_workspace, set_aside):
    office = somflow_web("sekretariat")
    outside = office.post("/inbox/discard", data={"csrf": office.csrf, "file": "../somflow.toml", "reason": "x"})
    assert outside.status_code == 303 and "Nie ma takiego pliku w kolejce." in office.get("/inbox").text
    assert (somflow_workspace / "somflow.toml").is_file()
    office.post("/inbox/discard", data={"csrf": office.csrf, "file": ASIDE, "reason": "pusta kartka"})
    assert "Odłożono skan — strony 3.pdf do discarded/" in office.get("/inbox").text
    (entry,) = office.app.state.workspace.store.query(review.DISCARDED)
    assert entry["by"] == "web:test-sekretariat" and entry["reason"] == "pusta kartka"
    assert (somflow_workspace / "discarded" / "skan — strony 3.pdf").is_file()


def test_retry_from_the_page(somflow_web, set_aside):
    _a, _b, aside = set_aside
    office = somflow_web("sekretariat")
    assert office.post("/inbox/retry", data={"csrf": office.csrf, "file": ASIDE}).status_code == 303
    assert "Odrzucono skan — strony 3.pdf" in office.get("/inbox").text
    assert aside.exists() and filing.note_for(aside).exists()


def test_a_file_name_from_an_old_scanner_is_shown_and_handled(somflow_web, somflow_workspace):
    office = somflow_web("sekretariat")
    odd = os.fsdecode(b"\xb3aweczka.pdf")  # "ławeczka" in Windows-1250, not UTF-8
    (somflow_workspace / "rejected" / odd).write_bytes(b"%PDF-1.4\n")
    page = office.get("/inbox")
    assert page.status_code == 200 and "ławeczka.pdf" in page.text
    ref = re.search(r'name="file" value="([^"]+)"', page.text).group(1)
    office.post("/inbox/discard", data={"csrf": office.csrf, "file": ref, "reason": "pusta kartka"})
    assert not (somflow_workspace / "rejected" / odd).exists()
    assert (somflow_workspace / "discarded" / odd).exists()
