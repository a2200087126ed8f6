"""Short references (NK-2026/3): allocated with the record, accepted wherever an id is, given to old records."""

from __future__ import annotations

import pytest
from store_fixtures import open_store, store_backend, store_url  # noqa: F401  (fixtures)

from somflow import refs


def test_allocate_counts_per_kind_year_and_unit(open_store):
    store, other_unit = open_store("a"), open_store("b")
    assert [refs.allocate(store, "NK", 2026) for _ in range(3)] == ["NK-2026/1", "NK-2026/2", "NK-2026/3"]
    assert refs.allocate(store, "nk", 2027) == "NK-2027/1"
    assert refs.allocate(store, "OS", 2026) == "OS-2026/1"
    assert refs.allocate(other_unit, "NK", 2026) == "NK-2026/1"


def test_allocate_defaults_to_this_year(open_store, monkeypatch):
    monkeypatch.setenv("SOMFLOW_TODAY", "2031-02-03")
    assert refs.allocate(open_store(), "NK") == "NK-2031/1"


def test_a_failed_write_takes_its_number_back(open_store):
    store = open_store()
    with pytest.raises(RuntimeError), store.transaction():
        store.insert("things", {"short_ref": refs.allocate(store, "NK", 2026)})
        raise RuntimeError("the record could not be written")
    assert store.query("things") == []
    assert refs.allocate(store, "NK", 2026) == "NK-2026/1"


@pytest.mark.parametrize("typed", ["NK-2026/3", "nk-2026/3", "NK 2026/3", "NK/2026/03", " nk-2026-3 "])
def test_parse_reads_loose_spellings(typed):
    assert refs.parse(typed) == "NK-2026/3"


@pytest.mark.parametrize("typed", ["01JABC", "NK", "2026/3", "NK-26/3", ""])
def test_parse_refuses_what_is_not_a_reference(typed):
    assert refs.parse(typed) is None


RECORDS = [
    {"id": "01JA0000000000000000000001", "short_ref": "NK-2026/1"},
    {"id": "01JA0000000000000000000002", "short_ref": "NK-2026/2"},
    {"id": "01JB0000000000000000000003"},
]


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("nk 2026/2", ["01JA0000000000000000000002"]),
        ("NK-2026/9", []),
        ("01ja0000000000000000000001", ["01JA0000000000000000000001"]),
        ("01JB", ["01JB0000000000000000000003"]),
        ("01JA", ["01JA0000000000000000000001", "01JA0000000000000000000002"]),
        ("01J", []),
    ],
)
def test_by_id_takes_short_references_ids_and_prefixes(typed, found):
    assert [r["id"] for r in refs.by_id(RECORDS, typed)] == found


def test_ensure_numbers_old_records_in_creation_order(open_store):
    store = open_store()
    old = [store.insert("cases", {"n": n}) for n in range(3)]
    store.update("cases", old[1]["id"], {"short_ref": refs.allocate(store, "NK", 2020)})  # one already has its own
    year = int(old[0]["created"][:4])
    records = refs.ensure(store, "cases", "NK")
    assert [r["short_ref"] for r in records] == [f"NK-{year}/1", "NK-2020/1", f"NK-{year}/2"]
    written = len(store.audit_log())
    assert refs.ensure(store, "cases", "NK") == store.query("cases") == records
    assert len(store.audit_log()) == written, "the second time nothing is written"
