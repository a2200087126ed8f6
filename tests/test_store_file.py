"""The TinyDB store's file: nothing but a parsed store is data, backups keep the data, no copies left behind (issue 19)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from somflow.errors import StoreCorrupt
from somflow.store import jsonfile
from somflow.store.tinydb_store import TinyDBStore
from somflow.workspace import Workspace


def store_path(workspace: Path) -> Path:
    return workspace / "data" / "store.json"


def backups(workspace: Path) -> list[Path]:
    return sorted((workspace / "data" / "backups").glob("store-*.json"))


def with_records(workspace: Path, count: int = 2) -> TinyDBStore:
    store = Workspace(workspace).store
    with store.transaction():
        for n in range(count):
            store.insert("people", {"n": n})
    return store


def test_init_writes_a_valid_empty_store(somflow_workspace, tmp_path):
    from click.testing import CliRunner

    from somflow.cli import cli

    assert jsonfile.parse(store_path(somflow_workspace).read_bytes()) == {}
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "nowy")])
    assert result.exit_code == 0, result.output
    assert store_path(tmp_path / "nowy").read_bytes() == jsonfile.EMPTY


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b" \n\t\r\n",
        b"[]",
        b"null",
        b'"tekst"',
        b'{"people": []}',
        b'{"people": {"01J": 5}}',
        b'{"_audit_tail": {}}',
        b"\xff\xfe{}",
    ],
    ids=[
        "0 bytes",
        "whitespace",
        "list",
        "null",
        "string",
        "table is a list",
        "record is a number",
        "audit tail",
        "not utf-8",
    ],
)
def test_an_empty_or_wrong_shaped_store_is_refused_and_never_overwritten(somflow_workspace, monkeypatch, content):
    with_records(somflow_workspace)
    monkeypatch.setattr(jsonfile, "BACKUP_EVERY_SECONDS", -1)  # a backup would be due on every read
    TinyDBStore(store_path(somflow_workspace), unit="sp7")  # a backup of the good file, with its two records
    good = backups(somflow_workspace)[-1]
    before = backups(somflow_workspace)
    store_path(somflow_workspace).write_bytes(content)
    for _attempt in range(2):
        with pytest.raises(StoreCorrupt) as refused:
            Workspace(somflow_workspace).store.insert("people", {"n": 9})
        message = str(refused.value)
        assert f"Nie można odczytać magazynu danych {store_path(somflow_workspace)}" in message
        assert "Plik pozostawiono bez zmian" in message and f"Ostatnia dobra kopia: {good}" in message
    assert store_path(somflow_workspace).read_bytes() == content
    assert backups(somflow_workspace) == before  # no backup of what did not parse


def test_the_reason_is_told_in_polish(somflow_workspace):
    store_path(somflow_workspace).write_bytes(b"")
    with pytest.raises(StoreCorrupt, match=r"plik jest pusty \(0 bajtów\)"):
        Workspace(somflow_workspace).store
    store_path(somflow_workspace).write_bytes(b"  \n")
    with pytest.raises(StoreCorrupt, match="plik zawiera same odstępy"):
        Workspace(somflow_workspace).store
    store_path(somflow_workspace).write_bytes(b'{"people": {"a": {}},')
    with pytest.raises(StoreCorrupt, match="błąd JSON w wierszu 1, kolumnie 22"):
        Workspace(somflow_workspace).store


def test_rotation_never_drops_the_last_copy_that_holds_records(somflow_workspace, monkeypatch):
    """The issue's failure: hours of an empty store replaced all 7 good backups."""
    store = with_records(somflow_workspace, 3)
    monkeypatch.setattr(jsonfile, "BACKUP_EVERY_SECONDS", -1)
    TinyDBStore(store_path(somflow_workspace), unit="sp7")
    full = backups(somflow_workspace)[-1]
    with store.transaction():  # everything deleted on purpose (or by a bad plugin)
        for doc in store.query("people"):
            store.delete("people", doc["id"])
    for _hour in range(jsonfile.BACKUPS_KEPT + 3):
        TinyDBStore(store_path(somflow_workspace), unit="sp7")
    kept = backups(somflow_workspace)
    assert full in kept and len(kept) == jsonfile.BACKUPS_KEPT + 1
    assert [jsonfile.record_count(jsonfile.parse(b.read_bytes())) for b in kept[-jsonfile.BACKUPS_KEPT :]] == [
        0
    ] * jsonfile.BACKUPS_KEPT
    store_path(somflow_workspace).write_bytes(b"")
    with pytest.raises(StoreCorrupt, match=f"Ostatnia dobra kopia: {full}"):  # the data, not the newest empty copy
        Workspace(somflow_workspace).store
    with_records_again = json.loads(full.read_bytes())
    assert jsonfile.record_count(with_records_again) == 3


def test_the_backup_named_parses_and_is_not_the_empty_store_of_init(somflow_workspace, monkeypatch):
    first = backups(somflow_workspace)  # made when init opened the new, empty store
    assert [b.read_bytes() for b in first] == [jsonfile.EMPTY]
    with_records(somflow_workspace)
    monkeypatch.setattr(jsonfile, "BACKUP_EVERY_SECONDS", -1)
    TinyDBStore(store_path(somflow_workspace), unit="sp7")
    good = backups(somflow_workspace)[-1]
    torn = good.with_name("store-99991231T235959000000.json")  # a newer backup, cut short
    torn.write_bytes(good.read_bytes()[:10])
    store_path(somflow_workspace).write_bytes(b"")
    with pytest.raises(StoreCorrupt) as refused:
        Workspace(somflow_workspace).store
    assert f"Ostatnia dobra kopia: {good}" in str(refused.value)
    assert str(torn) not in str(refused.value) and str(first[0]) not in str(refused.value)


def test_only_the_empty_store_of_init_is_named_as_empty(somflow_workspace):
    store_path(somflow_workspace).write_bytes(b"")
    with pytest.raises(StoreCorrupt, match=r"\(pusta: magazyn bez rekordów\)"):
        Workspace(somflow_workspace).store


def test_a_missing_store_with_backups_of_data_is_not_replaced_by_an_empty_one(somflow_workspace, monkeypatch):
    with_records(somflow_workspace)
    monkeypatch.setattr(jsonfile, "BACKUP_EVERY_SECONDS", -1)
    TinyDBStore(store_path(somflow_workspace), unit="sp7")
    store_path(somflow_workspace).unlink()
    with pytest.raises(StoreCorrupt, match="Nie utworzono nowego, pustego magazynu. Ostatnia dobra kopia"):
        Workspace(somflow_workspace).store
    assert not store_path(somflow_workspace).exists()


def test_temporary_copies_left_by_killed_commits_are_removed_at_start_and_reported_by_status(
    somflow_workspace, somflow_cli
):
    with_records(somflow_workspace)
    data = store_path(somflow_workspace).parent
    left = [data / ".store.json.k1l2m3n4.tmp", data / ".store.json.x9_y8z7w.tmp"]
    for leftover in left:
        leftover.write_bytes(store_path(somflow_workspace).read_bytes())  # a full copy of the personal data
    old_backup_tmp = data / "backups" / ".store-20260101T000000000000.json.a1b2c3d4.tmp"
    fresh_backup_tmp = (
        data / "backups" / ".store-20260101T000001000000.json.b2c3d4e5.tmp"
    )  # may be being written right now
    for tmp in (old_backup_tmp, fresh_backup_tmp):
        tmp.write_bytes(b"{}")
    an_hour_ago = time.time() - 3600
    os.utime(old_backup_tmp, (an_hour_ago, an_hour_ago))
    result = somflow_cli("status")
    assert result.exit_code == 0, result.output
    assert "Usunięto kopie tymczasowe pozostawione przez przerwane zapisy: 3" in result.output
    assert not any(p.exists() for p in [*left, old_backup_tmp]) and fresh_backup_tmp.exists()
    assert "Usunięto kopie tymczasowe" not in somflow_cli("status").output


def test_temporary_copies_are_kept_while_another_process_commits(somflow_workspace):
    import filelock

    leftover = store_path(somflow_workspace).parent / ".store.json.w1w2w3w4.tmp"
    leftover.write_bytes(b"{}")
    with filelock.FileLock(str(store_path(somflow_workspace)) + ".lock"):  # a commit in progress elsewhere
        store = TinyDBStore(store_path(somflow_workspace), unit="sp7")
    assert leftover.exists() and store.removed_temporaries == 0


def test_the_migration_refuses_an_empty_store_file_too(somflow_workspace):
    from somflow.store.migrate import read_tinydb

    store_path(somflow_workspace).write_bytes(b"\n")
    with pytest.raises(StoreCorrupt, match="plik zawiera same odstępy.*Ostatnia dobra kopia"):
        read_tinydb(store_path(somflow_workspace))


def test_status_removes_old_temporary_copies_of_documents_and_keeps_fresh_ones(somflow_workspace, somflow_cli):
    from somflow.fileio import make_private_dir

    documents = make_private_dir(somflow_workspace / "documents")
    old, fresh = documents / ".01JABC.pdf.ab12cd34.tmp", documents / ".01JDEF.pdf.ef56gh78.tmp"  # write_private's names
    unrelated = documents / "notatki.tmp"
    for path in (old, fresh, unrelated):
        path.write_bytes(b"%PDF-1.7 a generated form with a PESEL")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    assert "Usunięto kopie tymczasowe pozostawione przez przerwane zapisy: 1" in somflow_cli("status").output
    assert not old.exists() and fresh.exists() and unrelated.exists()
