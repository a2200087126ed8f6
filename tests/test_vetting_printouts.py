"""Register printouts are evidence for a person to confirm, not results (issue 19, point 3).

A typed PDF with the register's name, a PESEL and a result, dropped into the
inbox or attached with ``vetting record --file``, waits for someone with the
HR or head role: until then the item counts for nothing, a FIGURUJE blocks
nobody and alerts nobody.
"""

from __future__ import annotations

from datetime import date

import pytest
from vetting_fixtures import add_person, make_pesel, printout, status, stored_nr

from somflow.workspace import Workspace

RSPTS = "Rejestr Sprawców Przestępstw na Tle Seksualnym – Rejestr z dostępem ograniczonym"
NO_ENTRY = "W Rejestrze nie ma informacji o osobach, dla których są spełnione warunki zawarte w zapytaniu."


@pytest.fixture
def person(somflow_cli) -> tuple[int, str]:
    pesel = make_pesel(date(1987, 4, 30))
    return add_person(
        somflow_cli, "--imie", "Łucja", "--nazwisko", "Żądło", "--pesel", pesel, "--umowa", "wolontariat"
    ), pesel


@pytest.fixture
def terminal(monkeypatch):
    """Answer the yes/no question as a person at a terminal would (CliRunner's input)."""
    monkeypatch.setattr("somflow.forms.prompts.interactive", lambda: True)


def record_of(root, nr: int) -> dict:
    return stored_nr(root, nr)


def test_a_forged_figuruje_from_the_inbox_blocks_nobody_until_confirmed(
    somflow_workspace, somflow_cli, person, terminal
):
    nr, pesel = person
    printout(somflow_workspace / "inbox" / "wydruk.pdf", [RSPTS, f"PESEL: {pesel}", "Wynik: FIGURUJE"])
    assert somflow_cli("ingest").exit_code == 0
    shown = status(somflow_cli)[nr]
    assert shown["state"] == "niekompletny" and shown["hits"] == [] and "rspts" in shown["missing"]
    assert shown["awaiting_confirmation"] == ["rspts"]
    assert "wydruki do potwierdzenia: rspts" in somflow_cli("vetting", "status").output
    overview = somflow_cli("status").output
    assert "Wydruki z rejestrów do potwierdzenia: 1" in overview
    deadlines = somflow_cli("deadlines").output
    assert f"czeka na potwierdzenie przez kadry albo dyrektora: somflow vetting confirm {nr}/rspts" in deadlines
    assert "PILNE" not in deadlines  # the head is not alerted by a printout nobody confirmed
    assert somflow_cli("vetting", "admit", str(nr)).exit_code != 0  # and the person cannot be admitted either

    no_role = somflow_cli("vetting", "confirm", f"{nr}/rspts")
    assert no_role.exit_code == 2 and "--as kadry albo --as dyrektor" in no_role.output
    answered_no = somflow_cli("vetting", "confirm", f"{nr}/rspts", "--as", "kadry", input="n\n")
    assert (
        answered_no.exit_code == 1
        and "Nic nie zapisano" in answered_no.output
        and "odczytany wynik: FIGURUJE" in answered_no.output
    )
    no_reason = somflow_cli("vetting", "confirm", f"{nr}/rspts", "--as", "kadry", "--reject")
    assert no_reason.exit_code == 2 and "powód" in no_reason.output
    rejected = somflow_cli(
        "vetting",
        "confirm",
        f"{nr}/rspts",
        "--as",
        "kadry",
        "--by",
        "Anna Kadrowa",
        "--reject",
        "--reason",
        "brak takiego zapytania w rejestrze",
    )
    assert rejected.exit_code == 0, rejected.output
    record = record_of(somflow_workspace, nr)
    assert record["pending"] == {} and not record["blocked"] and "rspts" not in record["items"]
    assert record["rejected_printouts"][0]["rejected"] == {
        **record["rejected_printouts"][0]["rejected"],
        "by": "Anna Kadrowa",
        "role": "kadry",
    }
    assert Workspace(somflow_workspace).store.audit_log()[-1]["action"] == "reject"
    assert "Wydruki z rejestrów do potwierdzenia" not in somflow_cli("status").output


def test_confirming_records_who_what_and_the_verification_number(somflow_workspace, somflow_cli, person, terminal):
    nr, pesel = person
    printout(
        somflow_workspace / "inbox" / "rps.pdf",
        [
            RSPTS,
            "Identyfikator zapytania: RPS/2025/00123-A",
            "Data wygenerowania: 20.11.2025",
            f"PESEL: {pesel}",
            NO_ENTRY,
        ],
    )
    assert somflow_cli("ingest").exit_code == 0
    listed = somflow_cli("vetting", "confirm")
    assert f"{nr}/rspts" in listed.output and "RPS/2025/00123-A" in listed.output and pesel not in listed.output
    not_the_head = somflow_cli("vetting", "confirm", str(nr), "--as", "dyrektor", "--by", "Jan Dyrektor", input="t\n")
    assert not_the_head.exit_code == 2 and "[head] name" in not_the_head.output  # somflow.toml names the head
    confirmed = somflow_cli(
        "vetting", "confirm", str(nr), "--as", "dyrektor", "--by", "ŻÓŁKIEWSKA Grażyna", input="t\n"
    )
    assert confirmed.exit_code == 0, confirmed.output
    for shown in (
        "nie figuruje (brak wpisu)",
        "data: 2025-11-20",
        "numer do weryfikacji: RPS/2025/00123-A",
        "rps.ms.gov.pl",
    ):
        assert shown in confirmed.output
    item = record_of(somflow_workspace, nr)["items"]["rspts"]
    assert item["status"] == "otrzymany" and item["date"] == "2025-11-20" and item["verification"] == "RPS/2025/00123-A"
    assert {k: item["confirmed"][k] for k in ("by", "role")} == {"by": "Grażyna Żółkiewska", "role": "dyrektor"}
    assert Workspace(somflow_workspace).store.audit_log()[-1]["action"] == "confirm"
    assert "rspts" not in status(somflow_cli)[nr]["missing"]
    assert "potwierdzili: Grażyna Żółkiewska, dyrektor" in somflow_cli("vetting", "show", str(nr)).output


def test_a_confirmed_figuruje_blocks_and_alerts_the_head(somflow_workspace, somflow_cli, person):
    nr, pesel = person
    with (somflow_workspace / "somflow.toml").open("a", encoding="utf-8") as f:
        f.write('\n[vetting]\nhr = ["Anna Kadrowa", "Piotr Kadrowy"]\n')
    printout(somflow_workspace / "inbox" / "rps.pdf", [RSPTS, f"PESEL: {pesel}", "Wynik: FIGURUJE"])
    assert somflow_cli("ingest").exit_code == 0
    script = somflow_cli("vetting", "confirm", f"{nr}/rspts", "--as", "kadry")
    assert script.exit_code == 1 and "--yes" in script.output  # no terminal, no --yes: nothing recorded
    assert not record_of(somflow_workspace, nr)["blocked"]
    stranger = somflow_cli("vetting", "confirm", f"{nr}/rspts", "--as", "kadry", "--by", "Jan Obcy", "--yes")
    assert stranger.exit_code == 2 and "[vetting] hr" in stranger.output
    result = somflow_cli("vetting", "confirm", f"{nr}/rspts", "--as", "kadry", "--by", "Kadrowa Anna", "--yes")
    assert result.exit_code == 0 and "ZABLOKOWANA" in result.output
    assert record_of(somflow_workspace, nr)["items"]["rspts"]["confirmed"]["by"] == "Anna Kadrowa"
    assert status(somflow_cli)[nr]["hits"] == ["rspts"]
    assert "PILNE: wynik FIGURUJE" in somflow_cli("deadlines").output


def test_a_printout_recorded_from_a_file_awaits_confirmation_with_its_code(
    somflow_workspace, somflow_cli, person, tmp_path
):
    nr, pesel = person
    krk = printout(
        tmp_path / "krk.pdf",
        [
            "Informacja z Krajowego Rejestru Karnego",
            "Kod weryfikacyjny: KRK-7Q2X-91AB",
            f"PESEL: {pesel}",
            "Osoba nie figuruje w kartotece karnej.",
        ],
    )
    result = somflow_cli("vetting", "record", str(nr), "krk", "--result", "brak-wpisu", "--file", str(krk))
    assert result.exit_code == 0, result.output
    assert f"somflow vetting confirm {nr}/krk" in result.output
    pending = record_of(somflow_workspace, nr)["pending"]["krk"]
    assert pending["verification"] == "KRK-7Q2X-91AB" and pending["source"] == "file" and pending["document"]
    assert "krk" in status(somflow_cli)[nr]["missing"]
    assert "wydruk czeka na potwierdzenie" in somflow_cli("vetting", "show", str(nr)).output
    assert somflow_cli("vetting", "confirm", f"{nr}/krk", "--as", "kadry", "--yes").exit_code == 0
    assert record_of(somflow_workspace, nr)["items"]["krk"]["document"] == pending["document"]
    assert "krk" not in status(somflow_cli)[nr]["missing"]


def test_a_krk_printout_in_the_inbox_is_claimed_for_confirmation(somflow_workspace, somflow_cli, person):
    nr, pesel = person
    printout(
        somflow_workspace / "inbox" / "krk.pdf",
        [
            "Krajowy Rejestr Karny",
            "Identyfikator dokumentu: 0123ABCD4567",
            f"PESEL: {pesel}",
            "Osoba nie figuruje w kartotece karnej.",
        ],
    )
    assert somflow_cli("ingest").exit_code == 0
    pending = record_of(somflow_workspace, nr)["pending"]
    assert pending["krk"]["result"] == "brak-wpisu" and pending["krk"]["verification"] == "0123ABCD4567"
