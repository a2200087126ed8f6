"""Records lifecycle: ``somflow retention`` lists records past retention without names, ``--apply`` erases them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from store_fixtures import pg_server  # noqa: F401  (the PostgreSQL test server, started once)

from somflow.people import register
from somflow.plugins import PluginHost
from somflow.workspace import Workspace

TODAY = "2026-06-01"


def add_person(store, first: str, last: str, left_on: str | None = None, **fields) -> dict:
    person = register.add(store, register.new_person("child", first, last, group="3b", **fields))
    return register.update(store, person, {"left_on": left_on}) if left_on else person


def add_document(workspace: Workspace, owner: dict, name: str) -> dict:
    """A generated document of ``owner`` returned signed from the inbox, with its files on disk."""
    store = workspace.store
    doc = store.insert("documents", {"form": "x", "record": owner, "data": {"imie": name}})
    pdf, scan = f"documents/{doc['id']}.pdf", f"archive/{doc['id']}-0123456789ab.pdf"
    for relative in (pdf, scan):
        (workspace.root / relative).parent.mkdir(exist_ok=True)
        (workspace.root / relative).write_bytes(b"%PDF " + name.encode())
    return store.update("documents", doc["id"], {"file": pdf, "returned": {"scan": scan}})


@pytest.fixture(params=["tinydb", "postgres"])
def workspace(request, somflow_workspace: Path) -> Workspace:
    if request.param == "postgres":
        url = request.getfixturevalue("pg_server")()
        toml = somflow_workspace / "somflow.toml"
        toml.write_text(
            toml.read_text(encoding="utf-8").replace('store = "data/store.json"', f'store = "{url}"'), encoding="utf-8"
        )
    return Workspace(somflow_workspace, PluginHost(somflow_workspace))


def test_listing_names_records_past_retention_by_number_only(workspace, somflow_cli, monkeypatch):
    store = workspace.store
    gone = add_person(store, "Zofia", "Gęślarz", left_on="2015-06-30")
    add_person(store, "Jan", "Ździebło", left_on="2020-06-30")  # left, still within 10 years
    add_person(store, "Ola", "Obecna")  # still here: the clock does not run
    result = somflow_cli("retention", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"1 rekord po okresie przechowywania ({TODAY}):",
        f"  osoba nr {gone['nr']}  Osoba w rejestrze (dane osobowe): odejście z placówki 2015-06-30, "
        "przechowywać do 2025-06-30",
        "Aby je usunąć wraz z dokumentami i skanami: somflow retention --apply",
    ]
    assert store.count("people") == 3  # the listing changes nothing
    monkeypatch.setenv("SOMFLOW_TODAY", TODAY)
    assert "Rekordy po okresie przechowywania: 1 (somflow retention)" in somflow_cli("status").output


def test_the_units_period_from_somflow_toml_and_a_wrong_key_named_with_its_line(somflow_workspace, somflow_cli):
    toml = somflow_workspace / "somflow.toml"
    with toml.open("a", encoding="utf-8") as f:
        f.write("\n[retention]\npeople = 3\n")
    ws = Workspace(somflow_workspace, PluginHost(somflow_workspace))
    add_person(ws.store, "Jan", "Ździebło", left_on="2020-06-30")
    assert "osoba nr 1" in somflow_cli("retention", "--today", TODAY).output
    with toml.open("a", encoding="utf-8") as f:
        f.write("ludzie = 3\n")
    line = len(toml.read_text(encoding="utf-8").splitlines())
    error = somflow_cli("retention")
    assert error.exit_code != 0
    assert f"wiersz {line}, klucz retention.ludzie" in error.output
    assert "Rodzaje rekordów w sekcji [retention]: " in error.output and "people" in error.output
    toml.write_text(
        toml.read_text(encoding="utf-8").replace("ludzie = 3\n", "").replace("people = 3", "people = 0"),
        encoding="utf-8",
    )
    assert "klucz retention.people: wartość mniejsza niż 1" in somflow_cli("retention").output


def test_apply_erases_records_documents_and_scans_in_one_go_and_audits_counts_only(workspace, somflow_cli):
    store, root = workspace.store, workspace.root
    gone = add_person(store, "Zofia", "Gęślarz", left_on="2015-06-30")
    kept = add_person(store, "Jan", "Ździebło", left_on="2020-06-30")
    doc = add_document(workspace, {"collection": "people", "id": gone["id"]}, "Zofia Gęślarz")
    other = add_document(workspace, {"collection": "people", "id": kept["id"]}, "Jan Ździebło")
    aside = root / "rejected" / "Gęślarz skan.pdf"
    aside.write_bytes(b"%PDF")
    (root / "rejected" / "Gęślarz skan.pdf.txt").write_text("Powód: ...", encoding="utf-8")
    (root / "archive" / "original.pdf").write_bytes(b"%PDF")
    store.insert(
        "inbox_files",
        {
            "documents": [doc["id"]],
            "archive": "archive/original.pdf",
            "set_aside": {"file": "rejected/Gęślarz skan.pdf"},
        },
    )

    backups = workspace.backup_dir(store)
    backups.mkdir(parents=True, exist_ok=True)
    (backups / "przed-migracja-rejestr-sp7-20250101T000000000000.json").write_text("{}", encoding="utf-8")
    refused = somflow_cli("retention", "--apply", "--today", TODAY, input="n\n")
    assert "Niczego nie usunięto." in refused.output and store.count("people") == 2

    result = somflow_cli("retencja", "--usun", "--tak", "--dzis", TODAY)
    assert result.exit_code == 0, result.output
    assert "Usunięto rekordów: 1, dokumentów: 1, przyjętych skanów: 1, plików: 5." in result.output
    assert (
        "Kopie magazynu sprzed migracji nie wygasają same i nadal zawierają usunięte rekordy (plików: 1"
        in result.output
    )
    assert [p["id"] for p in store.query("people")] == [kept["id"]]
    assert [d["id"] for d in store.query("documents")] == [other["id"]]
    assert store.count("inbox_files") == 0
    assert sorted(p.name for p in (root / "documents").iterdir()) == [f"{other['id']}.pdf"]
    assert sorted(p.name for p in (root / "archive").iterdir()) == [Path(other["returned"]["scan"]).name]
    assert list((root / "rejected").iterdir()) == []
    entry = store.audit_log()[-1]
    assert (entry["collection"], entry["id"], entry["action"]) == (
        "retention",
        TODAY,
        "erase:people=1,documents=1,scans=1",
    )
    written = json.dumps(store.audit_log(), ensure_ascii=False)
    assert "Gęślarz" not in written and "Zofia" not in written
    assert "Żaden rekord nie jest po okresie przechowywania" in somflow_cli("retention", "--today", TODAY).output


def test_a_person_stays_while_a_kept_record_is_about_them(somflow_ws):
    from somflow import hookimpl
    from somflow.retention.due import past_retention
    from somflow.retention.policy import RecordType

    class Files:
        @hookimpl
        def somflow_record_types(self, register):
            register(
                RecordType(
                    "teczki", "teczki", "Teczka", "zamknięcie", 50, lambda w, r: None, lambda w, r: [r["person"]]
                )
            )

    person = add_person(somflow_ws.store, "Zofia", "Gęślarz", left_on="2010-01-31")
    somflow_ws.store.insert("teczki", {"person": person["id"]})
    somflow_ws.plugins.pm.register(Files(), name="teczki")
    from datetime import date

    assert past_retention(somflow_ws, date(2026, 6, 1)) == []


def test_every_built_in_plugin_declares_its_records_and_their_clock(somflow_ws, somflow_cli):
    from datetime import date

    from somflow.retention.due import past_retention

    store = somflow_ws.store
    left = add_person(store, "Zofia", "Gęślarz", left_on="2014-06-30")
    published = add_person(store, "Jan", "Ździebło", left_on="2014-06-30")  # a consent covers the time after leaving
    here = add_person(store, "Ola", "Obecna")
    store.insert("staff", {"procedure": "x"}, id=left["id"])
    store.insert("acknowledgments", {"person": {"collection": "people", "id": left["id"]}, "date": "2013-09-01"})
    store.insert("image_consents", {"child_id": left["id"], "valid_to": None, "after_leaving": False})
    store.insert("image_consents", {"child_id": published["id"], "valid_to": None, "after_leaving": True})
    store.insert("image_consents", {"child_id": here["id"], "withdrawn_on": "2015-01-10"})
    store.insert("image_consents", {"child_id": here["id"], "withdrawn_on": None, "valid_to": "2030-08-31"})
    closed = {"status": "zamknięta", "steps": [{"step": "zamkniecie", "date": "2014-03-01"}], "short_ref": "NK-2013/1"}
    store.insert("nk_cases", closed)
    store.insert("nk_cases", {**closed, "steps": [], "status": "otwarta", "short_ref": "NK-2013/2"})
    store.insert(
        "incidents", {**closed, "short_ref": "INT-2013/1", "steps": [{"step": "zamkniecie", "date": "2014-04-01"}]}
    )
    store.insert("standards_ack_lists", {"klasa": "3a", "people": [left["id"]]})
    store.insert("standards_ack_lists", {"klasa": "3b", "people": [left["id"], here["id"]]})  # Ola is still here
    due = past_retention(somflow_ws, date(2026, 6, 1))
    nr = {left["id"]: left["nr"], here["id"]: here["nr"]}
    assert [(d.type.name, d.ref, d.started.isoformat()) for d in due] == [
        ("people", f"osoba nr {nr[left['id']]}", "2014-06-30"),
        ("image_consents", f"osoba nr {nr[left['id']]}", "2014-06-30"),
        ("image_consents", f"osoba nr {nr[here['id']]}", "2015-01-10"),
        ("incidents", "INT-2013/1", "2014-04-01"),
        ("nk_cases", "NK-2013/1", "2014-03-01"),
        ("acknowledgments", f"osoba nr {nr[left['id']]}", "2014-06-30"),
        ("standards_ack_lists", "lista klasy 3a", "2014-06-30"),
        ("staff", f"osoba nr {nr[left['id']]}", "2014-06-30"),
    ]
    listing = somflow_cli("--lang", "en", "retention", "--today", "2026-06-01").output
    assert "NK-2013/1  Blue Card case (with the service note, NK-A, support plan): case closed 2014-03-01" in listing


def test_a_closed_case_goes_with_its_documents_and_holds_its_child_until_then(somflow_ws, somflow_cli):
    store = somflow_ws.store
    zofia = add_person(store, "Zofia", "Gęślarz", left_on="2012-06-30")
    note = add_document(somflow_ws, None, "Zofia Gęślarz")
    case = store.insert(
        "nk_cases",
        {
            "status": "zamknięta",
            "short_ref": "NK-2015/1",
            "nka": {"osoby_doznajace": [{"imie_nazwisko": "Gęślarz Zofia"}]},
            "steps": [{"step": "zamkniecie", "date": "2020-03-01"}],
            "documents": [{"id": note["id"], "form": "notatka-sluzbowa", "date": "2015-03-01"}],
        },
    )
    listing = somflow_cli("retention", "--today", TODAY).output
    assert "Żaden rekord" in listing  # the case is kept until 2030, and with it the child's entry
    result = somflow_cli("retention", "--apply", "--yes", "--today", "2030-03-02")
    assert "Usunięto rekordów: 2, dokumentów: 1" in result.output, result.output
    assert store.get("nk_cases", case["id"]) is None and store.get("people", zofia["id"]) is None
    assert not (somflow_ws.root / note["file"]).exists() and not (somflow_ws.root / note["returned"]["scan"]).exists()


def test_a_document_filled_outside_any_record_is_not_erased(somflow_ws, somflow_cli, tmp_path):
    """Plain ``somflow fill`` belongs to no record, so retention never lists it: the unit deletes it itself."""
    store, root = somflow_ws.store, somflow_ws.root
    gone = add_person(store, "Żaneta", "Grzębska", left_on="2015-06-30")
    data = tmp_path / "oswiadczenie.yaml"
    assert somflow_cli("forms", "example", "oswiadczenie-pracownika-standardy", "--out", str(data)).exit_code == 0
    copy = tmp_path / "kopia.pdf"
    tied = somflow_cli(
        "fill", "oswiadczenie-pracownika-standardy", "--data", str(data), "--record", f"people:{gone['id']}"
    )
    plain = somflow_cli("fill", "oswiadczenie-pracownika-standardy", "--data", str(data), "--out", str(copy))
    assert tied.exit_code == 0 and plain.exit_code == 0, tied.output + plain.output
    [kept] = [d for d in store.query("documents") if d["record"] is None]

    result = somflow_cli("retention", "--apply", "--yes", "--today", TODAY)
    assert "Usunięto rekordów: 1, dokumentów: 1" in result.output, result.output
    assert [d["id"] for d in store.query("documents")] == [kept["id"]]  # with the data as filled in
    assert sorted(p.name for p in (root / "documents").iterdir()) == [f"{kept['id']}.pdf"]
    assert copy.is_file()  # --out writes a copy somflow does not track at all


def test_a_failed_erasure_leaves_records_and_files_as_they_were(workspace, monkeypatch):
    from datetime import date

    from somflow.retention.due import past_retention
    from somflow.retention.erase import erase

    store = workspace.store
    gone = add_person(store, "Zofia", "Gęślarz", left_on="2015-06-30")
    doc = add_document(workspace, {"collection": "people", "id": gone["id"]}, "Zofia Gęślarz")
    due = past_retention(workspace, date(2026, 6, 1))

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(type(store), "note", broken)
    with pytest.raises(RuntimeError):
        erase(workspace, due, date(2026, 6, 1))
    assert store.get("people", gone["id"]) is not None and store.get("documents", doc["id"]) is not None
    assert (workspace.root / doc["file"]).is_file() and (workspace.root / doc["returned"]["scan"]).is_file()


def test_a_record_changed_since_the_listing_is_not_erased(somflow_ws):
    from datetime import date

    from somflow.retention.due import past_retention
    from somflow.retention.erase import erase

    store = somflow_ws.store
    back = add_person(store, "Zofia", "Gęślarz", left_on="2015-06-30")
    due = past_retention(somflow_ws, date(2026, 6, 1))
    register.update(store, register.get(store, back["id"]), {"left_on": None})  # she came back meanwhile
    assert sum(erase(somflow_ws, due, date(2026, 6, 1)).records.values()) == 0
    assert store.get("people", back["id"]) is not None
