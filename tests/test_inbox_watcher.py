"""``somflow watch`` as a real process on a real folder: the acceptance tests of the inbox."""

from __future__ import annotations

import io
import os
import random
import shutil
import signal
import time
from pathlib import Path

import pikepdf
import pytest
from inbox_fixtures import (
    make_document,
    save_jpeg,
    save_pdf,
    save_tiff,
    scanned_pages,
    start_watcher,
    wait_until,
    waiting,
)
from PIL import Image

from somflow.inbox import filing
from somflow.workspace import Workspace


def stop(proc) -> str:
    """Stop the watcher as a service manager would (SIGTERM) and return what it printed."""
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=30)
    return out


def returned(root: Path, doc: dict) -> bool:
    return Workspace(root).store.get("documents", doc["id"])["status"] == "zwrócony"


@pytest.mark.slow  # the same kinds, in-process, in test_inbox_degraded
def test_degraded_scans_as_jpeg_pdf_and_tiff_are_all_filed(somflow_workspace):
    root = somflow_workspace
    docs = [
        make_document(root, pages=1),
        make_document(root, pages=2, form="oswiadczenie_niekaralnosc"),
        make_document(root, pages=3, form="zapoznanie_standardy"),
    ]
    proc = start_watcher(root)
    try:
        inbox = root / "inbox"
        save_jpeg(scanned_pages([root / docs[0]["file"]])[0], inbox / "skan0001.jpg")
        save_pdf(scanned_pages([root / docs[1]["file"]], seed=2), inbox / "skan0002.pdf")
        save_tiff(scanned_pages([root / docs[2]["file"]], seed=3), inbox / "skan0003.tif")
        wait_until(lambda: all(returned(root, d) for d in docs), what="three documents filed")
        wait_until(lambda: not waiting(root), what="an empty inbox")
        assert proc.poll() is None
    finally:
        out = stop(proc)
    assert not any((root / "rejected").iterdir()), out
    store = Workspace(root).store
    for doc in docs:
        filed = store.get("documents", doc["id"])
        assert filed["returned"]["pages"] == list(range(1, doc["pages"] + 1))
        assert (root / filed["returned"]["scan"]).is_file()


@pytest.mark.slow  # the split is in the quick loop in-process (test_inbox_degraded)
def test_watcher_splits_a_ten_page_scan_and_takes_in_what_was_there_before_it_started(somflow_workspace):
    root = somflow_workspace
    docs = [make_document(root, pages=n) for n in (4, 3, 3)]
    save_pdf(scanned_pages([root / d["file"] for d in docs]), root / "inbox" / "stos 10 stron.pdf", bilevel=True)
    proc = start_watcher(root)
    try:
        wait_until(lambda: all(returned(root, d) for d in docs), what="three documents filed")
    finally:
        stop(proc)
    store = Workspace(root).store
    for doc in docs:
        part = root / store.get("documents", doc["id"])["returned"]["scan"]
        assert part.name.startswith(doc["id"]) and len(pikepdf.open(part).pages) == doc["pages"]


def test_folder_dropped_in_junk_ignored_and_polling_works(somflow_workspace):
    root = somflow_workspace
    docs = [make_document(root) for _ in range(2)]
    proc = start_watcher(root, "--poll")
    try:
        staging = root / "staging"
        staging.mkdir()
        for i, doc in enumerate(docs):
            save_jpeg(scanned_pages([root / doc["file"]], seed=i)[0], staging / f"{i}.jpg")
        for junk in (
            "Thumbs.db",
            ".DS_Store",
            "desktop.ini",
            "~$notatka.docx",
            "skan.pdf.part",
            "skan.crdownload",
            "x.tmp",
        ):
            (staging / junk).write_bytes(b"junk")
        shutil.move(staging, root / "inbox" / "z piątku")
        wait_until(lambda: all(returned(root, d) for d in docs), what="both files of the folder filed")
        time.sleep(2.5)  # two more rescans: junk must stay untouched
        assert proc.poll() is None
    finally:
        stop(proc)
    assert sorted(p.name for p in waiting(root)) == sorted(
        ["Thumbs.db", ".DS_Store", "desktop.ini", "~$notatka.docx", "skan.pdf.part", "skan.crdownload", "x.tmp"]
    )
    assert not any((root / "rejected").iterdir())


def _encrypted(source: Path, target: Path) -> Path:
    with pikepdf.open(source) as pdf:
        pdf.save(target, encryption=pikepdf.Encryption(owner="dyrektor", user="tajne"))
    return target


def test_bad_inputs_are_set_aside_with_a_reason_and_the_watcher_lives_on(somflow_workspace):
    root = somflow_workspace
    doc, late = make_document(root), make_document(root)
    scan = save_pdf(scanned_pages([root / doc["file"]]), root / "scan.pdf")
    content = scan.read_bytes()
    huge = io.BytesIO()
    Image.new("1", (12_000, 12_000), 1).save(huge, "PNG")
    bad = {
        "pusty.pdf": b"",
        "urwany.pdf": content[: len(content) // 2],
        "zaszyfrowany.pdf": _encrypted(scan, root / "enc.pdf").read_bytes(),
        "to-nie-pdf.pdf": "To jest zwykły tekst, nie PDF.".encode(),
        "ogromny.png": huge.getvalue(),
        "Zgoda — Żółć #1 (kopia) [skan]; 'ą' €.pdf": b"%PDF-1.4\nnot really",
    }
    proc = start_watcher(root)
    try:
        inbox = root / "inbox"
        for name, payload in bad.items():
            (inbox / name).write_bytes(payload)
        # Removed while the watcher waits for it to be complete: skipped, nothing left behind.
        with (inbox / "znika.pdf").open("wb") as f:
            f.write(content[:1000])
            f.flush()
            time.sleep(0.1)
        (inbox / "znika.pdf").unlink()
        wait_until(lambda: all((root / "rejected" / f"{n}.txt").exists() for n in bad), what="every bad file rejected")
        assert proc.poll() is None
        shutil.copy(scan, inbox / "dobry ąę (1).pdf")
        save_jpeg(scanned_pages([root / late["file"]])[0], inbox / "później.jpg")
        wait_until(lambda: returned(root, doc) and returned(root, late), what="good files after bad ones")
        assert proc.poll() is None
    finally:
        stop(proc)
    rejected = root / "rejected"
    for name in bad:
        assert (rejected / name).is_file()
        note = (rejected / f"{name}.txt").read_text(encoding="utf-8")
        assert "Powód:" in note and "Co zrobić:" in note
    assert "pusty" in (rejected / "pusty.pdf.txt").read_text(encoding="utf-8")
    assert "zaszyfrowany" in (rejected / "zaszyfrowany.pdf.txt").read_text(encoding="utf-8")
    assert "nie jest plikiem PDF" in (rejected / "to-nie-pdf.pdf.txt").read_text(encoding="utf-8")
    assert "za duży" in (rejected / "ogromny.png.txt").read_text(encoding="utf-8")
    assert not (rejected / "znika.pdf").exists() and not waiting(root)


@pytest.mark.slow
def test_kill_minus_nine_at_random_moments_loses_nothing_and_records_nothing_twice(somflow_workspace):
    if os.name != "posix":
        pytest.skip("kill -9 is a POSIX signal")
    root = somflow_workspace
    rng = random.Random(2024)
    docs = [make_document(root, pages=rng.choice((1, 1, 2))) for _ in range(40)]
    scans = []
    staging = root / "staging"
    staging.mkdir()
    for i, doc in enumerate(docs):
        pages = scanned_pages([root / doc["file"]], seed=i)
        if i % 3 == 0 and len(pages) == 1:
            scans.append(save_jpeg(pages[0], staging / f"skan{i:03}.jpg"))
        else:
            scans.append(save_pdf(pages, staging / f"skan{i:03}.pdf", bilevel=i % 2 == 0))
    hashes = {filing.sha256(p.read_bytes()) for p in scans}
    pending = list(scans)
    archive = root / "archive"
    mid_work = 0
    for kill in range(30):
        for _ in range(2):  # keep work arriving so the kills land mid-processing
            if pending:
                path = pending.pop(0)
                os.replace(path, root / "inbox" / path.name)
        before = (len(waiting(root)), len(list(archive.iterdir())))
        proc = start_watcher(root)
        if kill % 2 and before[0]:
            # Every other kill waits until this watcher has filed something, however slow the
            # machine, so kills land mid-work and not only while Python starts.
            wait_until(
                lambda before=before: (len(waiting(root)), len(list(archive.iterdir()))) != before,
                what="the watcher at work",
            )
            time.sleep(rng.uniform(0.0, 0.4))
        else:
            time.sleep(rng.uniform(0.3, 1.8))
        proc.kill()
        proc.wait()
        mid_work += (len(waiting(root)), len(list(archive.iterdir()))) != before
    assert mid_work >= 10  # the killed watchers had been at work, not just starting
    for path in pending:
        os.replace(path, root / "inbox" / path.name)
    proc = start_watcher(root)
    try:
        wait_until(
            lambda: not waiting(root) and all(returned(root, d) for d in docs), timeout=120, what="everything filed"
        )
    finally:
        stop(proc)

    store = Workspace(root).store
    entries = store.query(filing.SCANS)
    assert sorted(e["sha256"] for e in entries) == sorted(hashes)  # every scan recorded exactly once
    assert all(e["state"] == filing.DONE for e in entries)
    assert not any((root / "rejected").iterdir())
    for doc in docs:
        updates = [e for e in store.audit_log() if e["id"] == doc["id"] and e["action"] == "update"]
        assert len(updates) == 2, doc["id"]  # the fixture's own update and one filing
        assert (root / store.get("documents", doc["id"])["returned"]["scan"]).is_file()
    archived = sorted(p.name for p in (root / "archive").iterdir())
    assert len(archived) == len(docs) and not any(n.endswith(".tmp") for n in archived)
