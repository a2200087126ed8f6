"""The review queue: ``somflow inbox`` lists, ``assign`` files by hand, ``discard`` puts away, ``retry`` tries again."""

from __future__ import annotations

import os
import re
import shutil
import signal
from pathlib import Path

import pytest
from inbox_fixtures import make_document, save_jpeg, save_pdf, scanned_pages, start_watcher, wait_until
from PIL import Image, ImageDraw
from workspace_copies import built_once, copy_into

from somflow.errors import SomflowError
from somflow.inbox import filing, review
from somflow.inbox.rescue import BY_HAND
from somflow.logs import file_label
from somflow.workspace import Workspace

posix_only = pytest.mark.skipif(os.name != "posix", reason="a file name of any bytes is POSIX")


def store(root: Path):
    return Workspace(root).store


def run(cli, *args: str) -> str:
    try:
        return cli(*args).output
    except SomflowError as exc:
        return "ERROR " + str(exc)


def letter() -> Image.Image:
    """A page with text and no somflow code (a letter, a register printout scanned on paper)."""
    page = Image.new("L", (827, 1170), 255)  # A4 at 100 dpi
    draw = ImageDraw.Draw(page)
    for line in range(25):
        draw.rectangle((80, 150 + line * 30, 700 - (line % 4) * 75, 160 + line * 30), fill=40)
    return page


def nothing_lost(root: Path) -> None:
    """Every file is in archive/, rejected/ or discarded/; the inbox is empty."""
    assert not [p for p in (root / "inbox").rglob("*") if p.is_file()]


@pytest.fixture(scope="module")
def set_aside_built(tmp_path_factory) -> tuple[Path, dict, dict]:
    """A scan of document A followed by a page placed nowhere, ingested; B is the (1-page) document that page is."""
    with built_once(tmp_path_factory) as (root, cli):
        a = make_document(root, pages=2)
        b = make_document(root, pages=1)
        pages = [*scanned_pages([root / a["file"]]), letter()]
        save_pdf(pages, root / "inbox" / "skan.pdf")
        assert "Przyjęto tylko część stron" in run(cli, "ingest")
    return root, a, b


@pytest.fixture
def set_aside(set_aside_built, somflow_workspace) -> tuple[dict, dict, Path]:
    """That workspace copied as the test's own: documents A and B and the set-aside page's file."""
    template, a, b = set_aside_built
    copy_into(template, somflow_workspace)
    return a, b, somflow_workspace / "rejected" / "skan — strony 3.pdf"


def test_the_queue_lists_set_aside_files_with_reasons_and_draws_their_pages(
    somflow_cli, somflow_workspace, set_aside, tmp_path
):
    (somflow_workspace / "inbox" / "czeka.pdf").write_bytes(b"%PDF-1.4\n")
    output = run(somflow_cli, "inbox", "--arkusz", str(tmp_path / "podglad.png"))
    assert "1. skan — strony 3.pdf" in output and "nie odczytano kodu QR" in output and "somflow inbox assign" in output
    assert "2. czeka.pdf" in output and "czeka w inbox/" in output
    assert "Zapisano podgląd 2 str." in output
    with Image.open(tmp_path / "podglad.png") as sheet:
        assert sheet.format == "PNG" and sheet.width < 1200


def test_assign_files_a_page_by_hand_through_the_same_transaction(somflow_cli, somflow_workspace, set_aside):
    _a, b, aside = set_aside
    output = run(somflow_cli, "inbox", "assign", aside.name, "--page", "1", "--doc", b["id"][:12])
    assert b["id"] in output, output
    doc = store(somflow_workspace).get("documents", b["id"])
    assert doc["status"] == "zwrócony"
    assert doc["returned"]["placed"] == [{"page": 1, "scan_page": 1, "how": BY_HAND}] and doc["returned"]["placed_by"]
    assert (somflow_workspace / doc["returned"]["scan"]).is_file()
    assert not aside.exists() and not filing.note_for(aside).exists()
    (entry,) = store(somflow_workspace).query(filing.SCANS, {"documents": [b["id"]]})
    assert entry["source"] == "rejected/skan — strony 3.pdf"
    audit = [(e["collection"], e["id"]) for e in store(somflow_workspace).audit_log()]
    assert ("documents", b["id"]) in audit
    assert run(somflow_cli, "inbox").startswith("Nie ma plików do przejrzenia")
    nothing_lost(somflow_workspace)


REFUSED = [
    (["--doc", "01ZZZZZZZZZZZZZZZZZZZZZZZZ"], "Nie ma dokumentu 01ZZZZZZZZZZZZZZZZZZZZZZZZ w tej placówce"),
    (["--page", "2", "--doc", "B"], "Plik ma 1 str., nie ma w nim strony 2"),
    (["--doc", "B:3"], "ma 1 str.; nie ma strony 3"),
    (["--doc", "A:1"], "został już zwrócony"),
    ([], "Podaj dokument"),
    (["--record", "staff:NIEMA"], "Nie ma jednoznacznie wskazanego rekordu NIEMA w staff"),
]


def test_assign_refuses_what_cannot_be_right_and_leaves_the_file(somflow_cli, somflow_workspace, set_aside):
    a, b, aside = set_aside
    for args, message in REFUSED:
        args = [
            a["id"] + arg[1:] if arg.startswith("A") else b["id"] + arg[1:] if arg.startswith("B") else arg
            for arg in args
        ]
        assert message in run(somflow_cli, "inbox", "assign", aside.name, *args), args
        assert aside.is_file() and filing.note_for(aside).is_file()
        assert store(somflow_workspace).get("documents", b["id"])["status"] != "zwrócony"


def test_assign_gives_a_file_without_codes_to_a_record(somflow_cli, somflow_workspace, set_aside):
    _a, _b, aside = set_aside
    with store(somflow_workspace).transaction() as tx:
        person = tx.insert("staff", {"note": "test"})
    run(somflow_cli, "inbox", "assign", aside.name, "--record", f"staff:{person['id']}", "--title", "Wydruk z Rejestru")
    (doc,) = store(somflow_workspace).query("documents", {"record": {"collection": "staff", "id": person["id"]}})
    assert doc["title"] == "Wydruk z Rejestru" and doc["status"] == "zwrócony"
    assert doc["returned"]["placed"][0]["how"] == BY_HAND
    assert not aside.exists()


def test_discard_keeps_the_file_out_of_the_way_and_records_why(somflow_cli, somflow_workspace, set_aside):
    _a, _b, aside = set_aside
    content = aside.read_bytes()
    output = run(somflow_cli, "inbox", "discard", aside.name, "--reason", "pusta kartka z pieczątką")
    assert "discarded" in output
    kept = somflow_workspace / "discarded" / aside.name
    assert kept.read_bytes() == content and filing.note_for(kept).is_file()
    assert not aside.exists() and not filing.note_for(aside).exists()
    (entry,) = store(somflow_workspace).query(review.DISCARDED)
    assert entry["reason"] == "pusta kartka z pieczątką" and entry["file"] == f"discarded/{aside.name}" and entry["by"]
    assert (review.DISCARDED, entry["id"]) in [(e["collection"], e["id"]) for e in store(somflow_workspace).audit_log()]
    assert "ERROR" in run(somflow_cli, "inbox", "discard", aside.name, "--reason", "x")  # gone from the queue


def test_retry_files_what_can_be_filed_now_and_keeps_the_rest_with_a_fresh_reason(
    somflow_cli, somflow_workspace, set_aside
):
    _a, _b, aside = set_aside
    c = make_document(somflow_workspace, pages=1)
    good = save_pdf(scanned_pages([somflow_workspace / c["file"]]), somflow_workspace / "rejected" / "dobry.pdf")
    filing.note_for(good).write_text("Powód: magazyn był zajęty\r\n", encoding="utf-8")
    output = run(somflow_cli, "inbox", "retry")
    assert "Nie przyjęto plików: 1" in output
    assert store(somflow_workspace).get("documents", c["id"])["status"] == "zwrócony"
    assert not good.exists() and not filing.note_for(good).exists()
    assert aside.is_file() and "nie znaleziono kodu QR" in filing.note_for(aside).read_text(encoding="utf-8")
    assert sorted(p.name for p in (somflow_workspace / "rejected").iterdir()) == [
        aside.name,
        filing.note_for(aside).name,
    ]


def test_a_whole_scan_set_aside_for_one_unread_page_is_filed_by_assigning_that_page(somflow_cli, somflow_workspace):
    doc = make_document(somflow_workspace, pages=3)
    pages = scanned_pages([somflow_workspace / doc["file"]])
    pages[1] = letter()  # its code and printed id unreadable, and nothing around says which page it is
    save_pdf([pages[1], pages[0], pages[2]], somflow_workspace / "inbox" / "trzy.pdf")
    run(somflow_cli, "ingest")
    assert (somflow_workspace / "rejected" / "trzy.pdf").is_file()
    shutil.copy(somflow_workspace / "rejected" / "trzy.pdf", somflow_workspace / "kopia.pdf")
    run(somflow_cli, "inbox", "assign", "trzy.pdf", "--page", "1", "--doc", f"{doc['id']}:2")
    now = store(somflow_workspace).get("documents", doc["id"])
    assert now["returned"]["pages"] == [1, 2, 3]
    assert now["returned"]["placed"] == [{"page": 2, "scan_page": 1, "how": BY_HAND}]
    assert filing.sha256((somflow_workspace / now["returned"]["scan"]).read_bytes()) == filing.sha256(
        (somflow_workspace / "kopia.pdf").read_bytes()
    )


# ---------------------------------------------------------------- names that are not UTF-8


def put_raw(folder: Path, raw: bytes, content: bytes) -> Path:
    """Write ``content`` under the name ``raw`` in ``folder``, bytes as they are (an old scanner's cp1250 over NFS)."""
    folder.mkdir(exist_ok=True)
    target = os.fsencode(folder) + b"/" + raw
    with open(target, "wb") as file:
        file.write(content)
    return Path(os.fsdecode(target))


def raw_names(folder: Path) -> list[bytes]:
    return sorted(os.listdir(os.fsencode(folder))) if folder.is_dir() else []


def listed(cli) -> list[str]:
    """The names ``somflow inbox`` prints, in its order."""
    return re.findall(r"^\d+\. (.+?)  \[", cli("inbox").output, flags=re.MULTILINE)


def pdf_bytes(pages: list[Image.Image], tmp_path: Path) -> bytes:
    return save_pdf(pages, tmp_path / "strony.pdf").read_bytes()


@posix_only
def test_a_file_whose_name_is_not_utf8_is_assigned_and_discarded_by_the_name_the_list_shows(
    somflow_cli, somflow_workspace, tmp_path
):
    root = somflow_workspace
    doc, later = make_document(root, pages=1), make_document(root, pages=1)
    scan = put_raw(root / "rejected", b"skan_\xb3.pdf", pdf_bytes([letter()], tmp_path))  # \xb3: "ł" in cp1250
    copy = put_raw(root / "rejected", b"kopia_\xb9.pdf", b"%PDF-1.4 nic\n%%EOF\n")  # \xb9: "ą"
    os.utime(copy, (os.stat(scan).st_mtime + 1,) * 2)
    assert listed(somflow_cli) == ["skan_ł.pdf", "kopia_ą.pdf"]

    output = run(somflow_cli, "inbox", "assign", "skan_ł.pdf", "--doc", doc["id"][:12])
    assert doc["id"] in output, output
    now = store(root).get("documents", doc["id"])
    assert now["status"] == "zwrócony" and now["returned"]["placed"] == [{"page": 1, "scan_page": 1, "how": BY_HAND}]
    (entry,) = store(root).query(filing.SCANS, {"documents": [doc["id"]]})
    assert entry["source"] == "rejected/skan_ł.pdf"  # as a person reads it: the bytes cannot go into JSON
    assert ("documents", doc["id"]) in [(e["collection"], e["id"]) for e in store(root).audit_log()]

    output = run(somflow_cli, "inbox", "discard", "kopia_ą.pdf", "--reason", "kopia")
    assert "Odłożono kopia_ą.pdf" in output, output
    assert raw_names(root / "discarded") == [b"kopia_\xb9.pdf"]  # the file itself, its name untouched
    (kept,) = store(root).query(review.DISCARDED)
    assert kept["name"] == "kopia_ą.pdf" and kept["reason"] == "kopia" and kept["by"]
    assert (review.DISCARDED, kept["id"]) in [(e["collection"], e["id"]) for e in store(root).audit_log()]
    assert raw_names(root / "rejected") == [] and listed(somflow_cli) == []

    # The watcher still sets such a name aside and files the next scan; the list's name takes it back.
    proc = start_watcher(root)
    try:
        put_raw(root / "inbox", b"zly_\xb3.pdf", b"Zwykly tekst, nie skan.")
        wait_until(
            lambda: filing.note_for(root / "rejected" / os.fsdecode(b"zly_\xb3.pdf")).is_file(), what="set aside"
        )
        save_jpeg(scanned_pages([root / later["file"]])[0], root / "inbox" / "po.jpg")
        wait_until(lambda: store(root).get("documents", later["id"])["status"] == "zwrócony", what="the next scan")
        assert proc.poll() is None
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _err = proc.communicate(timeout=30)
    assert "zly_" not in out, out
    assert listed(somflow_cli) == ["zly_ł.pdf"]
    bad = root / "rejected" / os.fsdecode(b"zly_\xb3.pdf")
    filing.note_for(bad).unlink()
    assert "Nie przyjęto plików: 1" in run(somflow_cli, "inbox", "retry", "zly_ł.pdf")  # found, tried, set aside again
    assert "nie jest plikiem PDF" in filing.note_for(bad).read_text(encoding="utf-8")
    run(somflow_cli, "inbox", "discard", "rejected/zly_ł.pdf", "--reason", "nie skan")
    assert b"zly_\xb3.pdf" in raw_names(root / "discarded") and listed(somflow_cli) == []


@posix_only
def test_a_name_that_fits_several_files_or_none_is_refused_with_the_candidates(somflow_cli, somflow_workspace):
    root = somflow_workspace
    twin = put_raw(root / "rejected", "skan_ł.pdf".encode(), b"%PDF-1.4 utf-8\n")  # shown alike
    raw = put_raw(root / "rejected", b"skan_\xb3.pdf", b"%PDF-1.4 cp1250\n")
    assert listed(somflow_cli) == ["skan_ł.pdf", "skan_ł.pdf"]

    refused = run(somflow_cli, "inbox", "discard", "skan_ł.pdf", "--reason", "kopia")
    assert refused.startswith("ERROR Nazwa skan_ł.pdf pasuje do kilku plików w kolejce"), refused
    for path in (twin, raw):
        assert f"rejected/skan_ł.pdf (rejected/{file_label(path)})" in refused
    assert raw_names(root / "rejected") == sorted([b"skan_\xb3.pdf", "skan_ł.pdf".encode()])

    run(somflow_cli, "inbox", "discard", f"rejected/{file_label(raw)}", "--reason", "kopia")
    assert raw_names(root / "discarded") == [b"skan_\xb3.pdf"]
    assert review.find(Workspace(root), "skan_ł.pdf") == twin  # the other one is alone now
    assert review.find(Workspace(root), str(twin.absolute())) == twin  # the web page's form: the path itself

    missing = run(somflow_cli, "inbox", "assign", "nic.pdf", "--doc", "X")
    assert "Nie ma pliku nic.pdf w rejected/ ani w inbox/. Pliki w kolejce (1): skan_ł.pdf." in missing, missing
    (root / "rejected" / "skan_ł.pdf").unlink()
    assert "kolejka jest pusta" in run(somflow_cli, "inbox", "retry", "skan_ł.pdf")
