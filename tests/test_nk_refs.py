"""Blue Card cases get a short number (NK-2026/3) with the case, shown on lists, accepted wherever the id is."""

from __future__ import annotations

import pytest
from nk_cli import new_case, ok, start

from somflow import refs
from somflow.errors import SomflowError
from somflow.workspace import Workspace


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setenv("SOMFLOW_TODAY", "2026-11-23")


def test_cases_are_numbered_and_found_by_number(somflow_cli, somflow_workspace, tmp_path):
    first, second = new_case(somflow_cli, tmp_path), new_case(somflow_cli, tmp_path)
    store = Workspace(somflow_workspace).store
    assert [c[refs.FIELD] for c in store.query("nk_cases")] == ["NK-2026/1", "NK-2026/2"]
    listing = ok(somflow_cli("nk", "list"))
    assert f"NK-2026/1  {first}  [otwarta]" in listing and f"NK-2026/2  {second}  [otwarta]" in listing
    assert f"Sprawa NK-2026/2 ({second})" in ok(somflow_cli("nk", "show", "nk 2026/2"))
    assert "w sprawie NK-2026/1." in start(
        somflow_cli, "NK-2026/1"
    )  # a step takes the number, and names the case by it
    assert store.get("nk_cases", first)["steps"][-1]["step"] == "wszczecie"
    assert f"Sprawa NK-2026/1 ({first})" in ok(
        somflow_cli("nk", "show", first[:16])
    )  # the id and its start still work (16: two cases made in one millisecond share 10)
    with pytest.raises(SomflowError, match="Nie ma sprawy NK o numerze NK-2026/9"):
        somflow_cli("nk", "show", "NK-2026/9")


def test_cases_opened_before_numbers_get_them_in_order(somflow_cli, somflow_workspace, tmp_path):
    ids = [new_case(somflow_cli, tmp_path) for _ in range(2)]
    store = Workspace(somflow_workspace).store
    for case_id in ids:  # as a workspace made before short references looks
        store.update("nk_cases", case_id, {refs.FIELD: None})
    for counter in store.query(refs.COUNTERS):
        store.delete(refs.COUNTERS, counter["id"])
    third = new_case(somflow_cli, tmp_path)  # opening a case numbers the old ones first
    assert [store.get("nk_cases", i)[refs.FIELD] for i in (*ids, third)] == ["NK-2026/1", "NK-2026/2", "NK-2026/3"]
    store.update("nk_cases", ids[1], {refs.FIELD: None})
    store.update("nk_cases", third, {refs.FIELD: None})
    assert "NK-2026/4  " + ids[1] in ok(somflow_cli("nk", "list"))  # first use: the next free number, oldest first
    assert store.get("nk_cases", third)[refs.FIELD] == "NK-2026/5"


def test_reminders_name_the_case_by_number(somflow_cli, somflow_workspace, tmp_path):
    from datetime import date

    from somflow_niebieska_karta.due import deadlines

    new_case(somflow_cli, tmp_path)
    start(somflow_cli, "NK-2026/1")
    titles = [d.title for d in deadlines(Workspace(somflow_workspace), date(2026, 11, 23))]
    assert titles == ["Przekazanie „Niebieskiej Karty – A” do Zespołu Interdyscyplinarnego (sprawa NK-2026/1)"]
