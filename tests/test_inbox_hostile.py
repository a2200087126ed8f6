"""Hostile and odd files in the inbox: each is set aside with a reason and nothing stops the watcher.

Every case is made here, small: special entries (FIFO, socket, links to a
folder, to a file outside the inbox, to /dev/zero), names that are not UTF-8
or too long to get a ``.txt`` beside them. They go through the real watcher on
a real folder (``somflow watch`` as a process) and through ``somflow ingest``;
after them a good scan is still filed. What the watcher prints (the systemd
journal) names no file.
"""

from __future__ import annotations

import io
import os
import signal
import socket
import stat
import threading
from pathlib import Path

import hostile_files
import pytest
from click.testing import CliRunner
from inbox_fixtures import make_document, render_pdf, save_jpeg, save_pdf, scanned_pages, start_watcher, wait_until
from PIL import Image, ImageDraw

from somflow.cli import cli
from somflow.inbox import filing, pages, sandbox
from somflow.inbox.model import Rejected, StopIngest
from somflow.logs import file_label, readable_name
from somflow.workspace import Workspace

posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs, sockets and /dev/zero are POSIX")

#: A name an old scanner writes in Windows-1250 ("Skan Bożena Kowalczyk 85060212347.pdf"): not UTF-8.
CP1250_NAME = os.fsdecode("Skan Bożena Kowalczyk 85060212347.pdf".encode("cp1250"))
#: 240 bytes of Polish name: with ".txt" (and write_private's temporary name) too long for a note beside it.
LONG_NAME = "Zgoda Łucji Żółkiewskiej-Gęślą na publikację wizerunku dziecka, " * 4
LONG_NAME = LONG_NAME[: max(n for n in range(len(LONG_NAME)) if len(LONG_NAME[:n].encode()) <= 236)] + ".pdf"
#: Words of the names above that must never reach stdout or the log.
SECRETS = ["Kowalczyk", "85060212347", "Żółkiewskiej", "Gęślą", "tajne"]


def test_hostile_names_are_measured_right():
    assert len(os.fsencode(LONG_NAME)) == 240
    assert len(os.fsencode(CP1250_NAME)) == len("Skan Bożena Kowalczyk 85060212347.pdf")


def hostile_entries(root: Path, outside: Path) -> dict[str, str]:
    """Create the cheap hostile entries in ``root``'s inbox; returns {name in the inbox: words its reason has}."""
    inbox = root / "inbox"
    outside.mkdir(exist_ok=True)
    (outside / "cudzy.pdf").write_bytes(b"%PDF-1.4 not the inbox's file\n%%EOF\n")
    os.mkfifo(inbox / "potok.pdf")
    (inbox / "petla").symlink_to(inbox, target_is_directory=True)
    (inbox / "folder-obok").symlink_to(outside, target_is_directory=True)
    (inbox / "cudzy.pdf").symlink_to(outside / "cudzy.pdf")
    (inbox / "zero.pdf").symlink_to("/dev/zero")
    (inbox / CP1250_NAME).write_bytes("Zwykły tekst, nie skan; nazwa w Windows-1250.".encode())
    (inbox / LONG_NAME).write_bytes(b"%PDF-1.4\nnot really\n%%EOF\n")
    cwd = os.getcwd()
    os.chdir(inbox)  # a socket's path must be short
    try:
        sock = socket.socket(socket.AF_UNIX)
        sock.bind("gniazdo.pdf")
        sock.close()
    finally:
        os.chdir(cwd)
    made = {}
    try:  # a device node needs CAP_MKNOD (root in most containers); the link to /dev/zero covers the rest
        os.mknod(inbox / "urzadzenie.pdf", stat.S_IFCHR | 0o600, os.makedev(1, 5))
        made["urzadzenie.pdf"] = "urządzenie"
    except OSError:
        pass
    return made | {
        "potok.pdf": "potok (FIFO)",
        "petla": "dowiązanie symboliczne",
        "folder-obok": "dowiązanie symboliczne",
        "cudzy.pdf": "dowiązanie symboliczne",
        "zero.pdf": "dowiązanie symboliczne",
        "gniazdo.pdf": "gniazdo",
        CP1250_NAME: "nie jest plikiem PDF",
        LONG_NAME: "uszkodzony",
    }


def set_aside(root: Path, name: str) -> str | None:
    """The reason beside ``name`` in rejected/, once the entry and its note are both there."""
    target = root / "rejected" / name
    note = filing.note_for(target)
    if not os.path.lexists(target) or not note.is_file():
        return None
    return note.read_text(encoding="utf-8")


def peak_rss(pid: int) -> int:
    """The highest resident memory of process ``pid`` so far, in bytes (Linux: VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM")


def assert_hostile_set_aside(root: Path, outside: Path, expected: dict[str, str]) -> None:
    for name, words in expected.items():
        note = set_aside(root, name)
        assert note is not None and words in note and "Powód:" in note, (readable_name(name), note)
    assert not any(os.path.lexists(root / "inbox" / name) for name in expected)
    assert (outside / "cudzy.pdf").read_bytes().startswith(b"%PDF-1.4 not the inbox")  # never taken, never moved
    assert "Bożena Kowalczyk" in set_aside(root, CP1250_NAME)  # the note names the file as a person reads it
    assert "skrót do niego" in set_aside(root, "zero.pdf")  # a link is a shortcut; a FIFO or a socket is not
    for name in ("potok.pdf", "gniazdo.pdf"):
        assert "skrót" not in set_aside(root, name) and "plik specjalny zakłada program" in set_aside(root, name)
    long_note = filing.note_for(root / "rejected" / LONG_NAME)
    assert long_note.name != LONG_NAME + ".txt" and len(os.fsencode(long_note.name)) <= 241


def watch_between_good_scans(root: Path, drop, timeout: float = 30) -> str:
    """Run the watcher: a good scan filed, ``drop()`` the hostile entries (it returns their names), wait until
    each is set aside, the watcher alive and small, a good scan after them filed; returns what it printed."""
    first, last = make_document(root), make_document(root)
    proc = start_watcher(root)
    try:
        save_jpeg(scanned_pages([root / first["file"]])[0], root / "inbox" / "pierwszy.jpg")
        wait_until(lambda: returned(root, first), what="the watcher at work")
        names = drop()
        wait_until(
            lambda: all(set_aside(root, n) for n in names), timeout=timeout, what="every hostile entry set aside"
        )
        assert proc.poll() is None
        save_jpeg(scanned_pages([root / last["file"]], seed=3)[0], root / "inbox" / "ostatni.jpg")
        wait_until(lambda: returned(root, last), what="the good scan after them")
        assert proc.poll() is None
        if Path("/proc").is_dir():
            assert peak_rss(proc.pid) < 2**30
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
    return out


@posix_only
def test_watcher_sets_every_hostile_entry_aside_and_files_the_good_scan_after_them(somflow_workspace, tmp_path):
    root = somflow_workspace
    expected: dict[str, str] = {}
    out = watch_between_good_scans(root, lambda: expected.update(hostile_entries(root, tmp_path / "obok")) or expected)
    assert_hostile_set_aside(root, tmp_path / "obok", expected)
    assert not [s for s in SECRETS if s in out], out
    assert "Odrzucono file#" in out and "Przyjęto file#" in out, out


@posix_only
def test_ingest_sets_every_hostile_entry_aside_and_names_no_file(somflow_workspace, tmp_path):
    root = somflow_workspace
    doc = make_document(root)
    expected = hostile_entries(root, tmp_path / "obok")
    save_jpeg(scanned_pages([root / doc["file"]])[0], root / "inbox" / "zz dobry.jpg")
    result = CliRunner().invoke(cli, ["--workspace", str(root), "ingest"])
    assert f"Nie przyjęto plików: {len(expected)}" in str(result.exception), result.output
    assert_hostile_set_aside(root, tmp_path / "obok", expected)
    assert returned(root, doc)
    assert not [s for s in SECRETS if s in result.output], result.output
    assert f"Odrzucono {file_label(Path(CP1250_NAME))} (do rejected/)" in result.output
    # A second pass finds nothing left to do: every entry was moved, none is taken again.
    again = CliRunner().invoke(cli, ["--workspace", str(root), "ingest"])
    assert again.exit_code == 0 and "Nie ma plików do przyjęcia" in again.output


def test_file_label_and_readable_name_take_any_bytes():
    label = file_label(Path(CP1250_NAME))
    assert label.startswith("file#") and label.endswith(".pdf") and label.isascii()
    assert file_label(Path(os.fsdecode(b"skan.p\xffdf"))).isascii()  # an odd extension is left out
    assert readable_name(CP1250_NAME) == "Skan Bożena Kowalczyk 85060212347.pdf"
    assert readable_name("a\nb\x1b[31m.pdf") == "a\\nb\\x1b[31m.pdf"  # no line breaks or terminal codes


def test_ingest_of_a_folder_outside_the_inbox_refuses_without_the_flag(somflow_workspace, tmp_path):
    root = somflow_workspace
    folder = tmp_path / "Dokumenty"
    folder.mkdir()
    (folder / "umowa.docx").write_bytes(b"PK\x03\x04 a Word file")
    refused = CliRunner().invoke(cli, ["--workspace", str(root), "ingest", str(folder)])
    assert "--outside-inbox" in str(refused.exception)
    assert (folder / "umowa.docx").is_file() and not any((root / "rejected").iterdir())
    inside = root / "inbox" / "z piątku"
    inside.mkdir()
    assert CliRunner().invoke(cli, ["--workspace", str(root), "ingest", str(inside)]).exit_code == 0
    taken = CliRunner().invoke(cli, ["--workspace", str(root), "ingest", "--outside-inbox", str(folder)])
    assert "Nie przyjęto plików: 1" in str(taken.exception)
    assert not (folder / "umowa.docx").exists() and set_aside(root, "umowa.docx")


def test_temporary_files_left_by_a_kill_are_removed_at_start(somflow_workspace):
    root = somflow_workspace
    left = [
        root / folder / f".skan.pdf.{tag}.tmp"
        for folder, tag in (("inbox", "a1b2c3d4"), ("archive", "x_9y8z7w"), ("rejected", "qwertyui"))
    ]
    for path in left:
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(b"half")
    (root / "inbox" / ".skaner-zapisuje.pdf.tmp").write_bytes(b"a scanner's own upload in progress")
    result = CliRunner().invoke(cli, ["--workspace", str(root), "ingest"])
    assert result.exit_code == 0, result.output
    assert not any(p.exists() for p in left)
    assert (root / "inbox" / ".skaner-zapisuje.pdf.tmp").exists()  # not ours: left alone


def returned(root: Path, doc: dict) -> bool:
    return Workspace(root).store.get("documents", doc["id"])["status"] == "zwrócony"


# ------------------------------------------------------------------ bombs

#: Files that ask a trusting reader for gigabytes or for ever: {name: (builder, words of the reason, or alternatives)}.
BOMBS = {
    "strona 5 x 5 m.pdf": (hostile_files.huge_page, "to nie jest skan formularza"),
    "jpeg w pdf klamie.pdf": (hostile_files.jpeg_in_pdf_lying, "za duży"),
    "naglowek 50000.jpg": (hostile_files.lying_jpeg, "za duży"),
    "naglowek 50000.tif": (hostile_files.lying_tiff, "za duży"),
    "bomba flate.pdf": (hostile_files.flate_bomb, "po rozpakowaniu"),
    "2000 stron.pdf": (hostile_files.many_pages, "Liczba stron pliku: 2000"),
    # Two Flate layers: not measured before decoding, so the reader's limits stop it: killed on the time
    # budget on a busy machine, or on a quiet one its memory cap ends the decoding and the page has no code.
    "podwojna bomba.pdf": (hostile_files.double_flate_bomb, ("przerw", "nie znaleziono kodu QR")),
}


def drop_bombs(inbox: Path) -> None:
    for name, (build, _words) in BOMBS.items():
        (inbox / name).write_bytes(build())


def assert_bombs_set_aside(root: Path) -> None:
    for name, (_build, words) in BOMBS.items():
        note = set_aside(root, name)
        alternatives = (words,) if isinstance(words, str) else words
        assert note is not None and any(w in note for w in alternatives) and "Co zrobić:" in note, (name, note)


@pytest.mark.slow
def test_watcher_sets_bombs_aside_stays_small_and_files_the_good_scan_after_them(somflow_workspace):
    root = somflow_workspace
    out = watch_between_good_scans(root, lambda: drop_bombs(root / "inbox") or list(BOMBS), timeout=300)
    assert_bombs_set_aside(root)
    assert out.count("Odrzucono file#") == len(BOMBS), out


@pytest.mark.slow
def test_ingest_sets_bombs_aside_and_files_the_good_scan(somflow_workspace):
    root = somflow_workspace
    doc = make_document(root)
    drop_bombs(root / "inbox")
    save_jpeg(scanned_pages([root / doc["file"]])[0], root / "inbox" / "zz dobry.jpg")
    result = CliRunner().invoke(cli, ["--workspace", str(root), "ingest"])
    assert f"Nie przyjęto plików: {len(BOMBS)}" in str(result.exception), result.output
    assert_bombs_set_aside(root)
    assert returned(root, doc)


def white_png(side: int) -> bytes:
    out = io.BytesIO()
    Image.new("L", (side, side), 255).save(out, "PNG")
    return out.getvalue()


def test_the_watcher_process_never_decodes_a_scan_itself(somflow_workspace, monkeypatch, tmp_path):
    """Every page image the inbox looks at (codes, empty sheets, the printed id, the title, thumbnails) is drawn
    by the reader process: a page one decoder gave up on for memory is never decoded again without limits."""
    root = somflow_workspace
    doc = make_document(root)

    def decoded_here(*_args, **_kwargs):
        raise AssertionError("a scan was decoded in the watcher's own process")

    monkeypatch.setattr(pages.PageSource, "__init__", decoded_here)
    save_jpeg(scanned_pages([root / doc["file"]])[0], root / "inbox" / "dobry.jpg")
    (root / "inbox" / "bez kodu.png").write_bytes(white_png(800))  # no code: empty-sheet check, title OCR
    result = CliRunner().invoke(cli, ["--workspace", str(root), "ingest"])
    assert "Nie przyjęto plików: 1" in str(result.exception), result.output
    assert returned(root, doc) and set_aside(root, "bez kodu.png")
    sheet = CliRunner().invoke(cli, ["--workspace", str(root), "inbox", "--arkusz", str(tmp_path / "podglad.png")])
    assert sheet.exit_code == 0 and "Zapisano podgląd 1 str." in sheet.output, sheet.output
    with Image.open(tmp_path / "podglad.png") as drawn:
        assert drawn.getextrema()[0] < 255  # the page's frame and label were drawn


def test_the_reader_process_is_reused_and_replaced_after_running_out_of_memory():
    big = white_png(10_000)  # 100 megapixels: under the size limit, over this worker's memory
    worker = sandbox.Worker(memory_limit=300 * 2**20)
    try:
        assert worker.identify(white_png(100), "png").codes == [None]
        pid = worker._process.pid
        assert (
            worker.identify(white_png(100), "png").codes == [None] and worker._process.pid == pid
        )  # one process, many files
        if os.name == "posix":
            with pytest.raises(Rejected):  # MemoryError, or whatever a library raises when an allocation fails
                worker.identify(big, "png")
        assert worker.identify(white_png(100), "png").codes == [None] and worker._process.pid != pid
    finally:
        worker.close()


def test_a_reader_that_dies_mid_file_rejects_that_file_and_the_next_gets_a_new_one():
    worker = sandbox.Worker()
    try:
        assert worker.identify(white_png(100), "png").codes == [None]
        victim = worker._process
        threading.Timer(0.5, victim.kill).start()  # as a segfault in a C library would
        with pytest.raises(Rejected, match="awarią"):
            worker.identify(hostile_files.double_flate_bomb(), "pdf")
        assert worker.identify(white_png(100), "png").codes == [None] and worker._process is not victim
    finally:
        worker.close()


def test_only_the_forms_own_fields_within_limits_reach_the_store(somflow_workspace, somflow_cli):
    root = somflow_workspace
    doc = make_document(root)
    (root / doc["file"]).write_bytes(render_pdf(doc["id"], 1, doc["title"], fields={"miejscowosc": "", "uwagi": ""}))
    huge = "A" * 200_000  # 20 times acroform.MAX_VALUE_CHARS (the issue saw 30 MB; the size only costs time here)
    filled = render_pdf(
        doc["id"], 1, doc["title"], fields={"miejscowosc": "Gdynia", "uwagi": huge, "dopisane_pole": "obce"}
    )
    (root / "inbox" / "wypelniony.pdf").write_bytes(filled)
    result = somflow_cli("ingest")
    assert result.exit_code == 0, result.output
    returned_fields = Workspace(root).store.get("documents", doc["id"])["returned"]["fields"]
    assert returned_fields == {"miejscowosc": "Gdynia"}
    assert (
        "za długich do zapisania: uwagi" in result.output and "których formularz nie ma: dopisane_pole" in result.output
    )
    assert (
        root / Workspace(root).store.get("documents", doc["id"])["returned"]["scan"]
    ).read_bytes() == filled  # kept whole


@posix_only
def test_a_reader_stopped_with_the_service_leaves_the_file_in_the_inbox():
    """systemctl stop sends SIGTERM to the watcher's whole group: the file in hand is not the culprit."""
    worker = sandbox.Worker()
    try:
        assert worker.identify(white_png(100), "png").codes == [None]
        threading.Timer(0.5, worker._process.terminate).start()
        with pytest.raises(StopIngest):
            worker.identify(hostile_files.double_flate_bomb(), "pdf")
    finally:
        worker.close()


@posix_only
def test_the_review_queue_lists_a_file_whose_name_is_not_utf8(somflow_workspace, somflow_cli):
    root = somflow_workspace
    (root / "inbox" / CP1250_NAME).write_bytes(b"not a scan")
    CliRunner().invoke(cli, ["--workspace", str(root), "ingest"])
    listed = somflow_cli("inbox")
    assert listed.exit_code == 0 and "Skan Bożena Kowalczyk 85060212347.pdf" in listed.output


def text_page() -> Image.Image:
    """A page with lines of text and no somflow code: placed nowhere, it is set aside."""
    page = Image.new("L", (827, 1170), 255)
    draw = ImageDraw.Draw(page)
    for line in range(25):
        draw.rectangle((80, 150 + line * 30, 700 - (line % 4) * 75, 160 + line * 30), fill=40)
    return page


@posix_only
def test_a_good_scan_whose_name_is_not_utf8_is_filed_and_its_unplaced_page_set_aside(somflow_workspace, tmp_path):
    root = somflow_workspace
    whole, part = make_document(root), make_document(root, pages=2)
    inbox = os.fsencode(root / "inbox")
    os.replace(save_jpeg(scanned_pages([root / whole["file"]])[0], tmp_path / "a.jpg"), inbox + b"/dobry_\xb3.jpg")
    pages = [*scanned_pages([root / part["file"]]), text_page()]
    os.replace(save_pdf(pages, tmp_path / "b.pdf"), inbox + b"/czesc_\xb3.pdf")
    result = CliRunner().invoke(cli, ["--workspace", str(root), "ingest"])
    assert "Przyjęto tylko część stron plików: 1" in str(result.exception), result.output
    assert returned(root, whole) and returned(root, part)
    assert "czesc_" not in result.output and "dobry_" not in result.output, result.output
    names = sorted(scan["name"] for scan in Workspace(root).store.query(filing.SCANS))
    assert names == ["czesc_ł.pdf", "dobry_ł.jpg"]  # as a person reads them: JSON holds no raw bytes
    assert os.listdir(inbox) == []
    assert sorted(os.listdir(root / "rejected")) == ["czesc_ł — strony 3.pdf", "czesc_ł — strony 3.pdf.txt"]
