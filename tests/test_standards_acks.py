"""Acknowledgments of the standards: who is missing, printed forms, signed scans filed through the inbox."""

from __future__ import annotations

import json

import pytest
from conftest import english_catalogue, gettext_messages
from pypdf import PdfReader
from standards_helpers import missing_names, pdftotext, scan_into_inbox

from somflow.errors import InvalidInput


def add(cli, group: str, name: str, *extra: str) -> str:
    result = cli("standards", "people", "add", name, "--group", group, *extra)
    assert result.exit_code == 0, result.output
    return result.output.split()[-1].rstrip(".")


def test_new_staff_member_is_missing_until_the_signed_scan_is_filed(somflow_cli, somflow_workspace):
    add(somflow_cli, "pracownicy", "Żaneta Grzębska")
    add(somflow_cli, "pracownicy", "Łukasz Ćwikła")
    assert missing_names(somflow_cli) == ["Łukasz Ćwikła", "Żaneta Grzębska"]  # Polish alphabetical order

    out = somflow_workspace / "druk.pdf"
    result = somflow_cli("standards", "ack", "print", "--group", "pracownicy", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert len(PdfReader(out).pages) == 2
    text = pdftotext(out)
    assert "Oświadczenie pracownika" in text and "Żaneta Grzębska" in text
    assert "zapoznałam/em się ze Standardami Ochrony Małoletnich" in text

    # Only the second page (Żaneta's declaration) comes back signed.
    scan_into_inbox(out, somflow_workspace / "inbox", "skan", pages=[2])
    result = somflow_cli("ingest")
    assert result.exit_code == 0, result.output
    assert missing_names(somflow_cli) == ["Łukasz Ćwikła"]

    listing = somflow_cli("standards", "ack", "list").output
    assert "Żaneta Grzębska" in listing and "Gdynia" in listing and "wersja 1" in listing

    # A new version of the standards puts everyone back on the list.
    result = somflow_cli("standards", "version", "add", "2", "--effective", "2026-09-01")
    assert result.exit_code == 0, result.output
    assert "2 osób" in result.output
    assert missing_names(somflow_cli) == ["Łukasz Ćwikła", "Żaneta Grzębska"]
    assert "Wersja Standardów: 2" in somflow_cli("standards", "missing").output


def test_children_are_acknowledged_by_a_signed_class_list(somflow_cli, somflow_workspace):
    for name in ("Zosia Źrebiec", "Jaś Ślęzak"):
        add(somflow_cli, "dzieci", name, "--klasa", "1a")
    add(somflow_cli, "dzieci", "Ola Bąk", "--klasa", "2b")
    add(somflow_cli, "rodzice", "Anna Bąk", "--klasa", "2b", "--dziecko", "Ola Bąk")
    out = somflow_workspace / "lista.pdf"
    result = somflow_cli("standards", "ack", "print", "--group", "dzieci", "--klasa", "1a", "--out", str(out))
    assert result.exit_code == 0, result.output
    text = pdftotext(out)
    assert "Zosia Źrebiec" in text and "Jaś Ślęzak" in text and "Ola Bąk" not in text

    scan_into_inbox(out, somflow_workspace / "inbox", "lista")
    assert somflow_cli("ingest").exit_code == 0
    assert sorted(missing_names(somflow_cli)) == ["Anna Bąk", "Ola Bąk"]


def test_parent_form_names_the_child(somflow_cli, somflow_workspace):
    add(somflow_cli, "rodzice", "Anna Bąk", "--klasa", "2b", "--dziecko", "Ola Bąk")
    out = somflow_workspace / "rodzice.pdf"
    assert somflow_cli("standards", "ack", "print", "--group", "rodzice", "--out", str(out)).exit_code == 0
    text = pdftotext(out)
    assert "Oświadczenie rodzica/prawnego opiekuna" in text
    assert "Ola Bąk" in text and "Zostałam/łem poinstruowana/y o konieczności i zasadach ich stosowania." in " ".join(
        text.split()
    )


def test_the_print_copy_for_two_parents_is_flattened(somflow_cli, somflow_workspace):
    # Two filled copies of one form share their field names: merged unflattened, a viewer would tie them together.
    add(somflow_cli, "rodzice", "Anna Bąk", "--klasa", "2b", "--dziecko", "Ola Bąk")
    add(somflow_cli, "rodzice", "Jan Żuk", "--klasa", "2b", "--dziecko", "Ida Żuk")
    out = somflow_workspace / "rodzice.pdf"
    assert somflow_cli("standards", "ack", "print", "--group", "rodzice", "--out", str(out)).exit_code == 0
    reader = PdfReader(out)
    assert len(reader.pages) == 2 and not reader.get_fields()
    assert not [
        a for page in reader.pages for a in page.get("/Annots") or [] if a.get_object().get("/Subtype") == "/Widget"
    ]
    text = pdftotext(out)
    assert "Ola Bąk" in text and "Ida Żuk" in text  # the values are page content now


@pytest.mark.parametrize(
    ("address", "town"),
    [
        ("ul. Szkolna 1, 81-001 Gdynia", "Gdynia"),
        ("ul. Szkolna 1, Gdynia", "Gdynia"),  # no postal code: the last part
        ("ul. Szkolna 1\n81-001 Gdynia", "Gdynia"),  # written on two lines
        ("81-001 Gdynia, ul. Szkolna 1", "Gdynia"),  # the postal code says which part is the town
        ("Zespół Szkół, ul. Zielona 2, 82-100 Nowy Dwór Gdański", "Nowy Dwór Gdański"),
        ("Gdynia", "Gdynia"),
        ("", ""),
    ],
)
def test_the_form_prints_the_town_of_the_units_address(address, town):
    """The acknowledgment forms and the letters to authorities take the town from the unit's address alike."""
    from somflow_standards.acknowledgments import Version, form_data
    from somflow_standards.people import Person

    from somflow.casework.letters import town_of

    assert town_of(address) == town
    staff = Person("standards_people", "P1", "pracownicy", "Ewa Łoś")
    data = form_data(staff, {"institution": {"name": "SP 7", "address": address}}, Version("1", None))
    assert data.get("miejscowosc", "") == town


def test_acknowledgment_recorded_by_hand_with_place_and_scope(somflow_cli):
    person = add(somflow_cli, "pracownicy", "Piotr Żak")
    result = somflow_cli(
        "standards",
        "ack",
        "record",
        person,
        "--date",
        "2026-09-02",
        "--place",
        "sala 12",
        "--scope",
        "szkolenie: Standardy, procedura NK",
    )
    assert result.exit_code == 0, result.output
    assert missing_names(somflow_cli) == []
    assert "sala 12" in somflow_cli("standards", "ack", "list").output
    again = somflow_cli("standards", "ack", "record", person, "--date", "2026-09-02")
    assert "już zapisane" in again.output


def test_bad_input_is_refused_in_polish(somflow_cli, somflow_workspace, somflow_proc):
    person = add(somflow_cli, "pracownicy", "Piotr Żak")
    with pytest.raises(InvalidInput, match="w przyszłości"):
        somflow_cli("standards", "ack", "record", person, "--date", "2099-01-01")
    with pytest.raises(InvalidInput, match="Nie znaleziono osoby o identyfikatorze NIEMA"):
        somflow_cli("standards", "ack", "record", "NIEMA")
    with pytest.raises(InvalidInput, match="nie może być puste"):
        somflow_cli("standards", "people", "add", " ", "--group", "rodzice")
    # The same from a terminal: exit code 2 and the Polish message, nothing written.
    proc = somflow_proc(
        "standards", "ack", "record", person, "--date", "2099-01-01", env={"SOMFLOW_WORKSPACE": str(somflow_workspace)}
    )
    assert proc.returncode == 2 and "Opcja --date: data 2099-01-01 jest w przyszłości." in proc.stderr
    assert missing_names(somflow_cli) == ["Piotr Żak"]


def test_missing_acknowledgments_are_deadlines_without_names(somflow_cli, somflow_workspace):
    from somflow.workspace import Workspace

    store = Workspace(somflow_workspace).store
    store.insert("staff", {"imie": "Ewa", "nazwisko": "Łoś", "planned_start": "2027-02-01"})
    add(somflow_cli, "rodzice", "Anna Bąk", "--klasa", "2b")
    result = somflow_cli("deadlines", "--json", "--today", "2026-11-23")
    assert result.exit_code == 0, result.output
    found = {d["key"]: d for d in json.loads(result.output) if d["key"].startswith("standards:ack:")}
    # the member of staff written as today's main kept them is migrated into the register on first use
    staff = next(d for d in found.values() if d["record"] and d["record"]["collection"] == "people")
    assert staff["due"] == "2027-02-01"  # before the first day of work with children
    assert "Łoś" not in result.output and "Bąk" not in result.output
    assert any(k.endswith(":rodzice") for k in found)


def test_class_list_import_is_all_or_nothing(somflow_cli, somflow_workspace):
    good = somflow_workspace / "1a.csv"
    good.write_text("imie_nazwisko;klasa\nZosia Źrebiec;1a\nJaś Ślęzak;1a\n", encoding="utf-8")
    assert "Nowe osoby: 2," in somflow_cli("standards", "people", "import", str(good), "--group", "dzieci").output
    bad = somflow_workspace / "1b.csv"
    bad.write_text("imie_nazwisko;klasa\nOla Bąk;1b\n;1b\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="Plik 1b.csv, wiersz 3, kolumna imie_nazwisko"):
        somflow_cli("standards", "people", "import", str(bad), "--group", "dzieci")
    assert sorted(missing_names(somflow_cli)) == ["Jaś Ślęzak", "Zosia Źrebiec"]


def test_a_new_version_reminds(somflow_cli, somflow_workspace):
    from datetime import date, timedelta

    person = add(somflow_cli, "pracownicy", "Ewa Łoś")
    somflow_cli("standards", "ack", "record", person, "--date", "2026-05-04")
    assert missing_names(somflow_cli) == []
    somflow_cli("standards", "version", "add", "2", "--effective", "2026-11-02")
    deadlines = json.loads(somflow_cli("deadlines", "--json").output)
    due = date.fromisoformat(next(d["due"] for d in deadlines if d["key"] == f"standards:ack:2:{person}"))
    assert due >= date(2026, 11, 16)  # ack_days (14) after the new version, or after the person was added
    result = somflow_cli("remind", "--dry-run", "--today", (due - timedelta(days=7)).isoformat())
    assert result.exit_code == 0, result.output
    assert "Oświadczenie pracownika o zapoznaniu się ze Standardami Ochrony Małoletnich (wersja 2)" in result.output
    assert "Łoś" not in result.output


def test_every_message_has_an_english_entry(somflow_cli):
    from pathlib import Path

    import somflow_standards

    folder = Path(somflow_standards.__file__).parent
    catalogue = english_catalogue(folder)
    for message, where in gettext_messages(folder.glob("*.py")).items():
        assert message in catalogue, f"{where}: {message}"
    somflow_cli("standards", "people", "add", "Ewa Łoś", "--group", "pracownicy")
    assert "Version of the standards: 1" in somflow_cli("--lang", "en", "standards", "missing").output


def test_staff_kept_by_the_vetting_plugin_count_and_exempt_ones_do_not(somflow_cli, somflow_workspace):
    from somflow.workspace import Workspace

    store = Workspace(somflow_workspace).store
    store.insert("staff", {"imie": "Ewa", "nazwisko": "Łoś", "start": "2027-02-01", "umowa": "zlecenie"})
    store.insert("staff", {"imie": "Jan", "nazwisko": "Mundurowy", "zwolnienie": "sluzby-mundurowe"})
    assert missing_names(somflow_cli) == ["Ewa Łoś"]


def test_the_vetting_plugins_staff_declaration_counts_too(somflow_workspace):
    from somflow_standards import acknowledgments

    from somflow.people import register
    from somflow.workspace import Workspace

    store = Workspace(somflow_workspace).store
    person = register.add(store, register.new_person("staff", "Ewa", "Łoś"))
    document = {
        "id": "01DOC",
        "form": "oswiadczenie-o-zapoznaniu-ze-standardami",
        "data": {"miejsce": "Gdynia", "imie_nazwisko": "Ewa Łoś"},
        "record": {"collection": "staff", "id": person["id"]},
        "returned": {"at": "2026-10-02T08:00:00+00:00", "data": {"data": "2026-10-01"}},
    }
    with store.transaction():
        assert acknowledgments.on_document_filed(store, document) == 1
        assert acknowledgments.on_document_filed(store, document) == 0  # never twice
    (ack,) = store.query("acknowledgments")
    assert (ack["date"], ack["place"], ack["version"], ack["document"]) == ("2026-10-01", "Gdynia", "1", "01DOC")
    assert acknowledgments.on_document_filed(store, {**document, "form": "zgoda-wizerunek"}) == 0


def test_a_batch_with_one_bad_person_prints_nothing(somflow_cli, somflow_workspace):
    from somflow.workspace import Workspace

    add(somflow_cli, "pracownicy", "Ewa Łoś")
    nameless = Workspace(somflow_workspace).store.insert("people", {"kind": "staff", "first_name": "", "last_name": ""})
    with pytest.raises(InvalidInput) as error:
        somflow_cli("standards", "ack", "print", "--group", "pracownicy")
    assert any(m.startswith(f"Osoba {nameless['id']}: ") for m in error.value.messages)
    assert Workspace(somflow_workspace).store.query("documents") == []
    assert not list((somflow_workspace / "documents").glob("*.pdf"))
