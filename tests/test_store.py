"""The store contract: metadata, transactions, units, audit, crash safety, concurrency, corruption."""

from __future__ import annotations

import json
import os
import random
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from store_fixtures import open_store, open_tinydb_store, store_backend, store_url, tinydb_url  # noqa: F401  (fixtures)

from somflow.errors import ConflictError, StoreError

WRITER = Path(__file__).with_name("store_writer.py")


def start_writer(url: str, unit: str, count: int, batch: int = 1) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(WRITER), url, unit, str(count), str(batch)],
        stdout=subprocess.PIPE,
        text=True,
    )


def test_insert_sets_metadata_and_get_returns_a_copy(open_store):
    store = open_store()
    doc = store.insert("people", {"name": "Źdźbło", "tags": ["a"]})
    assert len(doc["id"]) == 26 and doc["rev"] == 1 and doc["schema"] == 1 and doc["unit"] == "u1"
    assert doc["created"] == doc["updated"]
    got = store.get("people", doc["id"])
    got["tags"].append("changed in memory only")
    assert store.get("people", doc["id"])["tags"] == ["a"]


def test_ids_sort_by_creation(open_store):
    store = open_store()
    ids = [store.insert("people", {"n": i})["id"] for i in range(20)]
    assert [d["id"] for d in store.query("people")] == ids == sorted(ids)


def test_update_bumps_rev_and_refuses_a_stale_write(open_store):
    store = open_store()
    doc = store.insert("cases", {"status": "new"})
    updated = store.update("cases", doc["id"], {"status": "open", "rev": 99, "id": "x"})
    assert updated["rev"] == 2 and updated["id"] == doc["id"] and updated["status"] == "open"
    with pytest.raises(ConflictError, match="zmieniony przez kogoś innego"):
        store.update("cases", doc["id"], {"status": "closed"}, expected_rev=1)
    assert store.get("cases", doc["id"])["status"] == "open"


def test_query_by_nested_field_and_count(open_store):
    store = open_store()
    store.insert("documents", {"record": {"collection": "children", "id": "A"}, "status": "wygenerowany"})
    store.insert("documents", {"record": {"collection": "children", "id": "B"}, "status": "zwrócony"})
    assert [d["record"]["id"] for d in store.query("documents", {"record.id": "B"})] == ["B"]
    assert store.count("documents", {"status": "wygenerowany"}) == 1
    assert store.query("missing_collection") == []


def test_failed_transaction_leaves_store_as_it_was(open_store):
    store = open_store()
    kept = store.insert("people", {"n": 1})
    with pytest.raises(RuntimeError), store.transaction():
        store.insert("people", {"n": 2})
        store.update("people", kept["id"], {"n": 100})
        raise RuntimeError("boom")
    assert [d["n"] for d in store.query("people")] == [1]
    assert len(store.audit_log()) == 1


def test_nested_transactions_commit_once(open_store, store_url):
    store = open_store()
    with store.transaction():
        store.insert("people", {"n": 1})
        with store.transaction():
            store.insert("people", {"n": 2})
        assert open_store().count("people") == 0  # another reader sees nothing before the commit
    assert open_store().count("people") == 2


def test_units_see_only_their_records(open_store):
    a, b = open_store("a"), open_store("b")
    doc = a.insert("people", {"n": 1})
    assert b.get("people", doc["id"]) is None
    assert b.query("people") == [] and b.count("people") == 0
    with pytest.raises(StoreError):
        b.update("people", doc["id"], {"n": 2})
    with pytest.raises(StoreError):
        b.delete("people", doc["id"])
    assert a.get("people", doc["id"])["n"] == 1


def test_a_record_kept_under_another_records_id(open_store):
    """A plugin's record of a person takes the person's id; an id already used in the collection is refused."""
    store = open_store()
    person = store.insert("people", {"first_name": "Ewa"})
    mine = store.insert("staff", {"items": {}}, id=person["id"])
    assert mine["id"] == person["id"] and mine["rev"] == 1 and store.get("staff", person["id"])["items"] == {}
    with pytest.raises(StoreError, match="już istnieje"):
        store.insert("staff", {"items": {"krk": 1}}, id=person["id"])
    assert store.get("staff", person["id"])["items"] == {}


def test_an_audit_note_is_written_with_the_transaction_only(open_store):
    store = open_store()
    with pytest.raises(RuntimeError):
        store.note("store_schema", "v2", "migrate:x")
    with store.transaction():
        store.note("store_schema", "v2", "migrate:x")
    assert [(e["collection"], e["id"], e["action"]) for e in store.audit_log()] == [("store_schema", "v2", "migrate:x")]


def test_audit_log_records_actions_never_values(open_store):
    store = open_store()
    doc = store.insert("people", {"pesel": "44051401359", "name": "Józef"})
    store.update("people", doc["id"], {"name": "Józefa"})
    store.update(
        "people", doc["id"], {"withdrawn": {"reason": "Józef to nie ta osoba"}}, action="withdraw"
    )  # somflow.corrections
    store.delete("people", doc["id"])
    log = store.audit_log()
    assert [e["action"] for e in log] == ["insert", "update", "withdraw", "delete"]
    assert {e["collection"] for e in log} == {"people"} and {e["id"] for e in log} == {doc["id"]}
    assert all(e["user"] and e["ts"] for e in log)
    text = json.dumps(log, ensure_ascii=False)
    assert "44051401359" not in text and "Józef" not in text


def test_writes_from_another_process_are_seen(open_store, store_url):
    store = open_store()
    store.insert("records", {"n": -1})
    writer = start_writer(store_url, "u1", 5)
    assert writer.wait(60) == 0
    assert store.count("records") == 6


def test_a_repeated_query_sees_writes_from_another_process(open_store, store_url):
    store = open_store()
    assert store.query("records", {"n": 3}) == []  # the answer TinyDB would cache
    writer = start_writer(store_url, "u1", 5)
    assert writer.wait(60) == 0
    assert [doc["n"] for doc in store.query("records", {"n": 3})] == [3]


@pytest.mark.slow
def test_sigkill_at_random_moments_never_loses_a_committed_record(open_store, store_url):
    """Kill a writing process 50 times; the store always loads and holds every record whose commit returned."""
    rng = random.Random(20261122)
    committed: set[str] = set()
    mid_work = 0
    for round_ in range(50):
        writer = start_writer(store_url, "u1", 100_000, batch=rng.choice([1, 1, 5, 50]))
        first = ""
        if round_ % 2:  # every other kill lands after the first commit, however slow start-up is on a busy machine
            first = writer.stdout.readline()
            mid_work += bool(first)
        time.sleep(rng.uniform(0.0, 0.6) if first else rng.uniform(0.25, 0.9))
        writer.kill()
        out, _ = writer.communicate()
        complete_lines = (first + out).split("\n")[:-1]  # the last piece may be cut mid-line
        committed.update(i for line in complete_lines for i in line.split())
        store = open_store()
        present = {d["id"] for d in store.query("records")}
        assert committed <= present, f"round {round_}: lost {len(committed - present)} committed records"
    assert mid_work == 25 and len(committed) > 50


@pytest.mark.slow
def test_four_processes_inserting_at_once_lose_nothing(open_store, store_url):
    open_store()  # create the store file first
    writers = [start_writer(store_url, "u1", 200) for _ in range(4)]
    ids = set()
    for w in writers:
        out, _ = w.communicate(timeout=300)
        assert w.returncode == 0
        ids.update(out.split())
    store = open_store()
    assert len(ids) == 800 and store.count("records") == 800
    inserts = [e for e in store.audit_log() if e["action"] == "insert"]
    assert len(inserts) == 800 and {e["id"] for e in inserts} == ids


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_store_files_are_owner_only(open_tinydb_store, tinydb_url):
    store = open_tinydb_store()
    store.insert("people", {"n": 1})
    path = Path(tinydb_url)
    files = [path, path.with_name("store.audit.jsonl"), *(path.parent / "backups").iterdir()]
    for f in files:
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f
    assert stat.S_IMODE((path.parent / "backups").stat().st_mode) == 0o700


UNIT_WRITER = Path(__file__).with_name("store_unit_writer.py")


@pytest.mark.slow
def test_eight_processes_of_four_units_for_30_seconds_lose_nothing_and_see_only_their_unit(open_store, store_url):
    """Issue 11: 8 processes from 4 units write at once for 30 s; no lost update, no record crosses units."""
    units = ["sp1", "sp2", "p3", "ops4"]
    counters = {u: open_store(u).insert("counters", {"n": 0})["id"] for u in units}
    procs = [
        (
            u,
            subprocess.Popen(
                [sys.executable, str(UNIT_WRITER), store_url, u, "30", counters[u]], stdout=subprocess.PIPE, text=True
            ),
        )
        for u in units
        for _ in range(2)
    ]
    reports: dict[str, list[dict]] = {u: [] for u in units}
    for unit, proc in procs:
        out, _ = proc.communicate(timeout=300)
        assert proc.returncode == 0
        reports[unit].append(json.loads(out))
    for i, unit in enumerate(units):
        store = open_store(unit)
        increments = sum(r["increments"] for r in reports[unit])
        inserted = {id_ for r in reports[unit] for id_ in r["inserted"]}
        assert increments > 0 and sum(r["foreign"] for r in reports[unit]) == 0
        assert store.get("counters", counters[unit])["n"] == increments, f"{unit}: lost updates"
        assert {d["id"] for d in store.query("records")} == inserted
        neighbour = open_store(units[(i + 1) % len(units)])
        assert all(neighbour.get("records", id_) is None for id_ in list(inserted)[:200])
        updates = [e for e in store.audit_log() if e["action"] == "update" and e["id"] == counters[unit]]
        assert len(updates) == increments


def test_a_view_of_another_unit_sees_only_that_unit_and_shares_the_store(open_store):
    a = open_store("a")
    a.insert("people", {"n": 1})
    b = a.for_unit("b")
    b.insert("people", {"n": 2})
    assert [d["n"] for d in b.query("people")] == [2] and a.count("people") == 1
    with pytest.raises(RuntimeError), b.transaction():
        b.insert("people", {"n": 3})
        raise RuntimeError("boom")
    assert [d["n"] for d in a.query("people")] == [1] and b.count("people") == 1
    b.close()  # a view closes nothing
    assert a.count("people") == 1 and a.units() == ["a", "b"]
    assert open_store("b").count("people") == 1


def test_a_commit_cut_off_before_its_audit_lines_is_still_audited(open_tinydb_store, tinydb_url, monkeypatch):
    """The data file is replaced first; a crash before the audit lines are appended loses no audit entry."""
    from somflow.store.tinydb_store import TinyDBStore

    store = open_tinydb_store()
    store.insert("records", {"n": 1})
    monkeypatch.setattr(TinyDBStore, "_append_audit", lambda self, entries: None)  # the process dies right here
    lost = store.insert("records", {"n": 2})
    monkeypatch.undo()
    reopened = open_tinydb_store()
    assert [e["id"] for e in reopened.audit_log()][-1] == lost["id"]  # readers see it already
    reopened.insert("records", {"n": 3})  # the next transaction writes it into the file
    lines = (
        (Path(tinydb_url).with_name(Path(tinydb_url).stem + ".audit.jsonl")).read_text(encoding="utf-8").splitlines()
    )
    assert [json.loads(line)["action"] for line in lines] == ["insert"] * 3
    assert len(reopened.audit_log()) == 3
