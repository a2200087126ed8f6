"""Vetting through the CLI: what each person needs, recording results, blocks, clearance, KRK age, status, deadlines."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pypdf
import pytest
from vetting_fixtures import add_person, make_pesel, status, stored_nr

from somflow.plugins import PluginHost
from somflow.workspace import Workspace

BASE = ["rspts", "rspts-pk", "krk", "kraje", "standardy"]


def _append_config(root: Path, text: str) -> None:
    with (root / "somflow.toml").open("a", encoding="utf-8") as f:
        f.write("\n" + text + "\n")


def _polish(cli, start: str = "") -> int:
    options = [
        "--imie",
        "Zofia",
        "--nazwisko",
        "Żółć",
        "--pesel",
        make_pesel(date(1985, 3, 14)),
        "--umowa",
        "umowa o pracę",
    ]
    return add_person(cli, *options, *(["--start", start] if start else []))


def _record_all(cli, nr: int, keys: list[str]) -> None:
    for key in keys:
        result = "zlozone" if key in ("kraje", "standardy") or key.startswith("niekaralnosc-") else "brak-wpisu"
        out = cli("vetting", "record", str(nr), key, "--result", result)
        assert out.exit_code == 0, out.output


def test_polish_citizen_never_abroad_needs_exactly_the_base_items(somflow_cli):
    nr = _polish(somflow_cli)
    person = status(somflow_cli)[nr]
    assert person["required"] == BASE
    assert person["state"] == "niekompletny"
    shown = somflow_cli("vetting", "show", str(nr)).output
    assert "Oświadczenie o krajach zamieszkania — brak" in shown
    assert "RSPTS — rejestr Państwowej Komisji (publiczny)" in shown


def test_german_citizen_who_lived_in_the_uk_needs_both_foreign_records(somflow_cli):
    nr = add_person(
        somflow_cli,
        *("--imie", "Jürgen", "--nazwisko", "Weiß", "--data-urodzenia", "1979-11-02", "--umowa", "zlecenie"),
        *("--obywatelstwa", "Niemcy", "--kraje", "Wielka Brytania, Polska, DE"),
    )
    person = status(somflow_cli)[nr]
    assert sorted(person["required"]) == sorted([*BASE, "rejestr-DE", "rejestr-GB"])


def test_country_without_register_needs_the_declaration_instead_of_its_record(somflow_workspace, somflow_cli):
    _append_config(
        somflow_workspace,
        '[vetting]\ncountries_without_register = ["XQ"]\n\n[vetting.countries]\nXQ = "Państwo Testowe"',
    )
    nr = add_person(
        somflow_cli,
        *(
            "--imie",
            "Ola",
            "--nazwisko",
            "Kos",
            "--data-urodzenia",
            "1990-01-01",
            "--umowa",
            "wolontariat",
            "--kraje",
            "Państwo Testowe; GB",
        ),
    )
    person = status(somflow_cli)[nr]
    assert sorted(person["required"]) == sorted([*BASE, "niekaralnosc-XQ", "rejestr-GB"])
    assert "rejestr-XQ" not in person["required"]
    refused = somflow_cli("vetting", "record", str(nr), "niekaralnosc-XQ", "--result", "brak-wpisu")
    assert refused.exit_code == 2 and "to oświadczenie" in refused.output


def test_exempt_person_needs_nothing_but_a_reason(somflow_cli):
    missing_reason = somflow_cli(
        "vetting",
        "add",
        "--imie",
        "Piotr",
        "--nazwisko",
        "Dąb",
        "--data-urodzenia",
        "1970-01-01",
        "--umowa",
        "inna",
        "--zwolnienie",
        "ekipa-remontowa",
    )
    assert missing_reason.exit_code == 2
    assert "Powód zwolnienia" in missing_reason.output
    nr = add_person(
        somflow_cli,
        *("--imie", "Piotr", "--nazwisko", "Dąb", "--data-urodzenia", "1970-01-01", "--umowa", "inna"),
        *("--zwolnienie", "ekipa remontowa", "--powod", "remont dachu w wakacje, bez kontaktu z dziećmi"),
    )
    person = status(somflow_cli)[nr]
    assert person["state"] == "zwolniony" and person["required"] == []


def test_cleared_only_when_every_item_is_received(somflow_cli):
    nr = _polish(somflow_cli)
    _record_all(somflow_cli, nr, BASE[:-1])
    assert status(somflow_cli)[nr]["state"] == "niekompletny"
    assert status(somflow_cli)[nr]["missing"] == ["standardy"]
    refused = somflow_cli("vetting", "admit", str(nr))
    assert refused.exit_code == 1 and "brakuje" in refused.output
    _record_all(somflow_cli, nr, ["standardy"])
    assert status(somflow_cli)[nr]["state"] == "sprawdzony"
    admitted = somflow_cli("vetting", "admit", str(nr))
    assert admitted.exit_code == 0, admitted.output
    assert status(somflow_cli)[nr]["admitted"] == date.today().isoformat()


def test_a_hit_blocks_alerts_and_cannot_be_cleared(somflow_workspace, somflow_cli):
    nr = _polish(somflow_cli)
    _record_all(somflow_cli, nr, BASE)
    somflow_cli("vetting", "admit", str(nr))
    hit = somflow_cli("vetting", "record", str(nr), "rspts-pk", "--result", "figuruje", "--yes")
    assert hit.exit_code == 0
    assert "UWAGA: wynik FIGURUJE" in hit.output and "ZABLOKOWANA" in hit.output
    person = status(somflow_cli)[nr]
    assert person["state"] == "zablokowany" and person["hits"] == ["rspts-pk"] and person["admitted"] is None
    refused = somflow_cli("vetting", "admit", str(nr))
    assert refused.exit_code == 1 and "zablokowana" in refused.output
    undo = somflow_cli("vetting", "record", str(nr), "rspts-pk", "--result", "brak-wpisu")
    assert undo.exit_code == 1 and "nie można zmienić" in undo.output
    assert status(somflow_cli)[nr]["state"] == "zablokowany"
    # The store flag stays, and the head gets an alert through the deadlines/reminders.
    ws = Workspace(somflow_workspace, PluginHost(somflow_workspace))
    record = stored_nr(ws.root, nr)
    assert record["blocked"] is True and record["alert"]["item"] == "rspts-pk"
    deadlines = [d for ds in ws.hook.somflow_deadlines(workspace=ws, today=date.today()) for d in ds or []]
    alert = next(d for d in deadlines if d.key.endswith(":figuruje"))
    assert alert.notify == ("head",) and alert.due == date.today() and "FIGURUJE" in alert.title
    assert "Żółć" not in alert.title and "Zofia" not in alert.title


def test_krk_older_than_the_units_maximum_no_longer_counts(somflow_workspace, somflow_cli):
    nr = _polish(somflow_cli)
    _record_all(somflow_cli, nr, BASE)
    old = (date.today() - timedelta(days=130)).isoformat()
    somflow_cli("vetting", "record", str(nr), "krk", "--result", "brak-wpisu", "--date", old)
    assert status(somflow_cli)[nr]["state"] == "sprawdzony"  # the law sets no maximum age
    _append_config(somflow_workspace, "[vetting]\nkrk_max_age_months = 3")
    person = status(somflow_cli)[nr]
    assert person["state"] == "niekompletny" and person["missing"] == ["krk"]
    assert "nieaktualne" in somflow_cli("vetting", "show", str(nr)).output
    somflow_cli("vetting", "record", str(nr), "krk", "--result", "brak-wpisu")
    assert status(somflow_cli)[nr]["state"] == "sprawdzony"


def test_bad_records_are_refused_with_polish_messages(somflow_cli):
    nr = _polish(somflow_cli)
    wrong_item = somflow_cli("vetting", "record", str(nr), "rejestr-DE", "--result", "brak-wpisu")
    assert wrong_item.exit_code == 2 and "nie potrzebuje pozycji" in wrong_item.output
    future = (date.today() + timedelta(days=3)).isoformat()
    in_future = somflow_cli("vetting", "record", str(nr), "krk", "--result", "brak-wpisu", "--date", future)
    assert in_future.exit_code == 2 and "z przyszłości" in in_future.output
    nobody = somflow_cli("vetting", "record", "99", "krk", "--result", "brak-wpisu")
    assert nobody.exit_code == 2 and "Nie znaleziono" in nobody.output
    assert status(somflow_cli)[nr]["missing"] == BASE


def test_record_with_a_file_archives_it_and_links_the_document(somflow_workspace, somflow_cli, tmp_path):
    nr = _polish(somflow_cli)
    scan = tmp_path / "krk.pdf"
    writer = pypdf.PdfWriter()
    writer.add_blank_page(595, 842)
    writer.write(scan)  # a real PDF: a damaged one is refused (test_cli_sweep)
    result = somflow_cli("vetting", "record", str(nr), "krk", "--result", "brak-wpisu", "--file", str(scan))
    assert result.exit_code == 0, result.output
    ws = Workspace(somflow_workspace)
    person = stored_nr(ws.root, nr)
    doc = ws.store.get(
        "documents", person["pending"]["krk"]["document"]
    )  # awaiting confirmation: test_vetting_printouts
    assert doc["record"] == {"collection": "staff", "id": person["id"]} and doc["status"] == "zwrócony"
    assert (somflow_workspace / doc["returned"]["scan"]).read_bytes() == scan.read_bytes()


def test_status_lists_who_starts_soon_without_clearance(somflow_cli):
    soon = _polish(somflow_cli, start=(date.today() + timedelta(days=5)).isoformat())
    later = add_person(
        somflow_cli,
        "--imie",
        "Jan",
        "--nazwisko",
        "Ćma",
        "--data-urodzenia",
        "1991-07-07",
        "--umowa",
        "dzieło",
        "--start",
        (date.today() + timedelta(days=60)).isoformat(),
    )
    data = status(somflow_cli)
    assert data["starting_soon"] == [str(soon)]
    text = somflow_cli("vetting", "status").output
    assert "bez pełnej weryfikacji" in text
    tail = text.split("bez pełnej weryfikacji", 1)[1]
    assert "Żółć" in tail and "Ćma" not in tail
    assert later in data


def test_deadline_is_the_last_working_day_before_the_start(somflow_workspace, somflow_cli):
    # Monday 2027-01-04 → due Thursday 2026-12-31 (1 January is a holiday); reminders 14, 7, 1 days ahead.
    nr = _polish(somflow_cli, start="2027-01-04")
    ws = Workspace(somflow_workspace, PluginHost(somflow_workspace))
    deadlines = [d for ds in ws.hook.somflow_deadlines(workspace=ws, today=date(2026, 12, 1)) for d in ds or []]
    (deadline,) = [d for d in deadlines if d.key.startswith("vetting:")]
    assert deadline.due == date(2026, 12, 31)
    assert deadline.stages == (14, 7, 1)
    assert f"osoby nr {nr}" in deadline.title and "Zofia" not in deadline.title
    _record_all(somflow_cli, nr, BASE)
    ws = Workspace(somflow_workspace, PluginHost(somflow_workspace))
    after = [d for ds in ws.hook.somflow_deadlines(workspace=ws, today=date(2026, 12, 1)) for d in ds or []]
    assert not [d for d in after if d.key.startswith("vetting:")]


def test_unit_summary_and_status_counts(somflow_workspace, somflow_cli):
    cleared = _polish(somflow_cli)
    _record_all(somflow_cli, cleared, BASE)
    blocked = add_person(
        somflow_cli, "--imie", "Ewa", "--nazwisko", "Lis", "--data-urodzenia", "1988-08-08", "--umowa", "staż"
    )
    somflow_cli("vetting", "record", str(blocked), "rspts", "--result", "figuruje", "--yes")
    add_person(
        somflow_cli,
        "--imie",
        "Iga",
        "--nazwisko",
        "Sęk",
        "--data-urodzenia",
        "1999-09-09",
        "--umowa",
        "praktyki",
        "--start",
        date.today().isoformat(),
    )
    ws = Workspace(somflow_workspace, PluginHost(somflow_workspace))
    summary = dict(pair for pairs in ws.hook.somflow_unit_summary(workspace=ws) for pair in pairs or [])
    assert summary["Osoby sprawdzone"] == 1
    assert summary["Osoby zablokowane (FIGURUJE)"] == 1
    assert summary["Osoby z brakami w weryfikacji"] == 1
    assert summary["Start pracy bez weryfikacji (14 dni)"] == 1
    assert "Weryfikacja osób: sprawdzonych 1, z brakami 1, zablokowanych 1" in somflow_cli("status").output


def test_english_messages(somflow_cli):
    nr = _polish(somflow_cli)
    result = somflow_cli("--lang", "en", "vetting", "admit", str(nr))
    assert result.exit_code == 1
    assert "is not cleared" in result.output


@pytest.mark.parametrize("ref_kind", ["number", "id", "pesel"])
def test_person_found_by_number_id_or_pesel(somflow_workspace, somflow_cli, ref_kind):
    nr = _polish(somflow_cli)
    person = stored_nr(somflow_workspace, nr)
    ref = {"number": str(nr), "id": person["id"][:12].lower(), "pesel": person["pesel"]}[ref_kind]
    result = somflow_cli("vetting", "show", ref)
    assert result.exit_code == 0 and f"Osoba nr {nr}" in result.output


def test_figuruje_alert_reaches_the_head_by_email_once(somflow_workspace, somflow_cli, somflow_smtp):
    from reminder_fixtures import bodies

    nr = _polish(somflow_cli)
    somflow_cli("vetting", "record", str(nr), "rspts", "--result", "figuruje", "--yes")
    result = somflow_cli("remind")
    assert result.exit_code == 0, result.output
    to_head = [m for m in somflow_smtp.messages if "dyrektor@sp7.example.pl" in m["To"]]
    assert len(to_head) == 1
    text, _html = bodies(to_head[0])
    assert f"osoba nr {nr} jest zablokowana" in text
    assert "Zofia" not in text and "Żółć" not in text
    again = somflow_cli("remind")
    assert again.exit_code == 0
    assert len([m for m in somflow_smtp.messages if "dyrektor@sp7.example.pl" in m["To"]]) == 1


def test_edit_changes_what_is_required_but_never_unblocks(somflow_cli):
    nr = _polish(somflow_cli)
    moved = somflow_cli("vetting", "edit", str(nr), "--kraje", "Irlandia", "--start", "2027-02-01")
    assert moved.exit_code == 0, moved.output
    person = status(somflow_cli)[nr]
    assert "rejestr-IE" in person["required"] and person["start"] == "2027-02-01"
    bad = somflow_cli("vetting", "edit", str(nr), "--start", "jutro")
    assert bad.exit_code == 2 and "Planowany początek pracy z dziećmi" in bad.output
    somflow_cli("vetting", "record", str(nr), "krk", "--result", "figuruje", "--yes")
    exempt = somflow_cli("vetting", "edit", str(nr), "--zwolnienie", "inne", "--powod", "tylko jeden dzień")
    assert exempt.exit_code == 1 and "nie można jej zwolnić" in exempt.output
    assert status(somflow_cli)[nr]["state"] == "zablokowany"


def test_staff_added_to_the_register_by_another_plugin_is_vetted_too(somflow_workspace, somflow_cli):
    # The standards plugin adds staff to the shared register with just a name: no vetting record yet.
    from somflow.people import register

    other = register.add(Workspace(somflow_workspace).store, register.new_person("staff", "Ida", "Wrona"))
    nr = _polish(somflow_cli)
    data = status(somflow_cli)
    assert data[nr]["state"] == "niekompletny"
    added = data[other["nr"]]
    assert added["id"] == other["id"] and added["state"] == "niekompletny" and added["required"] == BASE
    done = somflow_cli("vetting", "record", str(other["nr"]), "krk", "--result", "brak-wpisu")
    assert done.exit_code == 0, done.output
    assert "krk" not in status(somflow_cli)[other["nr"]]["missing"]
    assert next_number_after_import(somflow_cli) == nr + 1


def next_number_after_import(cli) -> int:
    return add_person(
        cli, "--imie", "Ola", "--nazwisko", "Nowa", "--data-urodzenia", "1992-02-02", "--umowa", "zlecenie"
    )
