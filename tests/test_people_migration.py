"""A workspace made by the main branch before the register (three lists of people) migrates on first use.

The old records are written straight into the store, in the shapes the plugins kept them,
then an ordinary command runs: the register holds everyone once, the links follow, a backup
was taken first, one audit entry says so; running again changes nothing. On both backends.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from store_fixtures import BACKENDS

from somflow.people import register
from somflow.store import open_store, upgrade
from somflow.workspace import Workspace


def _use_backend(root: Path, backend: str, request) -> None:
    if backend == "postgres":
        url = request.getfixturevalue("pg_server")()
        toml = root / "somflow.toml"
        toml.write_text(
            toml.read_text(encoding="utf-8") + f'\n[store]\nbackend = "postgres"\ndsn = "{url}"\n', encoding="utf-8"
        )


def _raw_store(root: Path):
    """The store opened without the workspace (no migration), as today's main wrote it."""
    ws = Workspace(root)
    from somflow.store import store_location

    return open_store(store_location(ws.config), root, ws.unit)


def write_old_workspace(root: Path) -> dict[str, str]:
    """Records in the shapes of the main branch before the register; returns their ids."""
    store = _raw_store(root)
    ids = {}
    with store.transaction():
        ewa = store.insert(
            "staff",
            {
                "imie": "Ewa",
                "nazwisko": "Łoś",
                "pesel": "90051712345",
                "data_urodzenia": "1990-05-17",
                "umowa": "umowa-o-prace",
                "rola": "nauczycielka",
                "start": "2026-09-01",
                "nr": 1,
                "items": {"krk": {"status": "otrzymany"}},
                "blocked": False,
                "alert": None,
                "admitted": None,
                "documents": {},
                "obywatelstwa": ["PL"],
                "kraje_zamieszkania": [],
            },
        )
        jan = store.insert("staff", {"imie": "Jan", "nazwisko": "Wolny"})  # added by `standards people add`
        zofia = store.insert(
            "children",
            {
                "first_name": "Zofia",
                "last_name": "Żak",
                "group": "3b",
                "pesel": None,
                "birth_date": "2016-02-15",
                "guardians": [{"name": "Anna Żak", "email": "anna@example.pl"}],
                "left_on": None,
                "source": "import",
            },
        )
        store.insert(
            "children",
            {
                "first_name": "Jan",
                "last_name": "Łęcki",
                "group": "3b",
                "pesel": None,
                "birth_date": None,
                "guardians": [],
                "left_on": None,
            },
        )
        consent = store.insert("image_consents", {"child_id": zofia["id"], "decision": "zgoda"})
        doc = store.insert(
            "documents",
            {
                "form": "zgoda-na-wizerunek",
                "record": {"collection": "children", "id": zofia["id"]},
                "status": "wygenerowany",
            },
        )
        zofia_std = store.insert("standards_people", {"group": "dzieci", "imie_nazwisko": "Żak Zofia", "klasa": "3 B"})
        anna = store.insert(
            "standards_people", {"group": "rodzice", "imie_nazwisko": "Anna Żak", "klasa": "3b", "dziecko": "Zofia Żak"}
        )
        ack_child = store.insert(
            "acknowledgments", {"person": {"collection": "standards_people", "id": zofia_std["id"]}, "version": "1"}
        )
        ack_staff = store.insert(
            "acknowledgments", {"person": {"collection": "staff", "id": ewa["id"]}, "version": "1"}
        )
        listed = store.insert("standards_ack_lists", {"people": [zofia_std["id"]]})
    store.close()
    ids.update(
        ewa=ewa["id"],
        jan=jan["id"],
        zofia=zofia["id"],
        consent=consent["id"],
        doc=doc["id"],
        zofia_std=zofia_std["id"],
        anna=anna["id"],
        ack_child=ack_child["id"],
        ack_staff=ack_staff["id"],
        listed=listed["id"],
    )
    return ids


def _everything(store) -> dict:
    return {name: store.query(name) for name in store.collections()}


@pytest.mark.parametrize("backend", BACKENDS)
def test_workspace_of_the_old_main_migrates_on_first_use(somflow_workspace, somflow_cli, backend, request):
    root = somflow_workspace
    _use_backend(root, backend, request)
    ids = write_old_workspace(root)

    result = somflow_cli("vetting", "status", "--json")  # any command: the first use
    assert result.exit_code == 0, result.output
    people = {p["nr"]: p for p in json.loads(result.output)["people"]}
    assert (
        people[1]["id"] == ids["ewa"] and people[1]["missing"] and "krk" not in people[1]["missing"]
    )  # number and results kept

    store = Workspace(root).store
    everyone = {register.display_name(p): p for p in register.listing(store, include_left=True)}
    assert sorted(everyone) == ["Anna Żak", "Ewa Łoś", "Jan Wolny", "Jan Łęcki", "Zofia Żak"]  # Zofia once, not twice
    ewa, zofia, anna = everyone["Ewa Łoś"], everyone["Zofia Żak"], everyone["Anna Żak"]
    assert (ewa["kind"], ewa["nr"], ewa["pesel"], ewa["role"], ewa["start"]) == (
        "staff",
        1,
        "90051712345",
        "nauczycielka",
        "2026-09-01",
    )
    assert ewa["id"] == ids["ewa"] and zofia["id"] == ids["zofia"]
    assert (zofia["kind"], zofia["group"], zofia["guardians"]) == (
        "child",
        "3b",
        [{"name": "Anna Żak", "email": "anna@example.pl"}],
    )
    assert (anna["kind"], anna["group"], anna["child"]) == ("parent", "3b", "Zofia Żak")
    assert len({p["nr"] for p in everyone.values()}) == 5

    # the plugins' records no longer copy names; their links name the register
    vetting = store.get("staff", ids["ewa"])
    assert not vetting.get("imie") and not vetting.get("pesel") and vetting["items"] == {"krk": {"status": "otrzymany"}}
    assert store.count("children") == 0 and store.count("standards_people") == 0
    assert store.get("image_consents", ids["consent"])["child_id"] == zofia["id"]
    assert store.get("documents", ids["doc"])["record"] == {"collection": "people", "id": zofia["id"]}
    assert store.get("acknowledgments", ids["ack_child"])["person"] == {"collection": "people", "id": zofia["id"]}
    assert store.get("acknowledgments", ids["ack_staff"])["person"] == {"collection": "people", "id": ewa["id"]}
    assert store.get("standards_ack_lists", ids["listed"])["people"] == [zofia["id"]]

    # a backup of the old records was taken first, and one audit entry tells of the migration
    backup_dir = Workspace(root).backup_dir(store)
    (backup,) = backup_dir.glob("przed-migracja-*.json")
    old = json.loads(backup.read_text(encoding="utf-8"))
    assert ids["zofia"] in old["children"] and old["staff"][ids["ewa"]]["imie"] == "Ewa" and "people" not in old
    if backend == "tinydb":
        assert oct(backup.stat().st_mode & 0o777) == "0o600"
    migrations = [e for e in store.audit_log() if e["action"].startswith("migrate")]
    assert [e["action"] for e in migrations] == ["migrate:people-register"]
    assert upgrade.version(store) == upgrade.CURRENT

    # the second use changes nothing
    before = _everything(store)
    assert somflow_cli("vetting", "status", "--json").exit_code == 0
    again = Workspace(root).store
    assert _everything(again) == before
    assert len([e for e in again.audit_log() if e["action"].startswith("migrate")]) == 1
    assert len(list(backup_dir.glob("przed-migracja-*.json"))) == 1


def test_a_failed_migration_leaves_the_store_as_it_was(somflow_workspace, monkeypatch):
    ids = write_old_workspace(somflow_workspace)
    store = _raw_store(somflow_workspace)
    before = _everything(store)
    from somflow.people import migration

    def broken(store, moved):
        raise RuntimeError("power cut")

    monkeypatch.setattr(migration, "_relink", broken)
    with pytest.raises(RuntimeError):
        Workspace(somflow_workspace).store
    after = _raw_store(somflow_workspace)
    assert _everything(after) == before and after.get("children", ids["zofia"]) is not None
    assert upgrade.version(after) == 1


def test_a_new_workspace_is_left_alone(somflow_workspace, somflow_cli):
    assert somflow_cli("status").exit_code == 0
    store = Workspace(somflow_workspace).store
    assert store.collections() == [] and store.audit_log() == []
    assert not list(Workspace(somflow_workspace).backup_dir(store).glob("przed-migracja-*.json"))
