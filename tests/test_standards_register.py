"""The register of reports and proposed changes: entries, statuses, and no child's identity in the summary."""

from __future__ import annotations

import json

import pytest

from somflow.errors import InvalidInput

PESEL = "44051401359"


def entries(cli) -> list[dict]:
    return json.loads(cli("standards", "register", "list", "--json").output)


def test_entries_with_date_channel_summary_and_status(somflow_cli):
    result = somflow_cli(
        "standards",
        "register",
        "add",
        "--channel",
        "skrzynka",
        "--date",
        "2026-10-01",
        "--summary",
        "Uczeń zgłasza przezywanie na przerwach",
    )
    assert result.exit_code == 0, result.output
    somflow_cli(
        "standards",
        "register",
        "add",
        "--channel",
        "ankieta",
        "--kind",
        "propozycja",
        "--date",
        "2026-10-02",
        "--summary",
        "Dodać zasady korzystania z telefonów",
    )
    found = entries(somflow_cli)
    assert [(e["date"], e["channel"], e["kind"], e["status"]) for e in found] == [
        ("2026-10-01", "skrzynka", "zgloszenie", "nowe"),
        ("2026-10-02", "ankieta", "propozycja", "nowe"),
    ]
    assert somflow_cli("standards", "register", "status", found[0]["id"], "zamkniete").exit_code == 0
    assert entries(somflow_cli)[0]["status"] == "zamkniete"
    assert "[zamknięte]" in somflow_cli("standards", "register", "list").output
    # each entry has a short number, printed on the list and taken instead of the id
    assert [e["short_ref"] for e in entries(somflow_cli)] == ["ZG-2026/1", "ZG-2026/2"]
    assert somflow_cli("standards", "register", "list").output.startswith(f"ZG-2026/1  {found[0]['id']}  2026-10-01")
    assert somflow_cli("standards", "register", "status", "zg 2026/2", "w_toku").exit_code == 0
    assert entries(somflow_cli)[1]["status"] == "w_toku"


def test_a_pesel_in_the_summary_is_refused(somflow_cli):
    with pytest.raises(InvalidInput) as error:
        somflow_cli("standards", "register", "add", "--channel", "telefon", "--summary", f"Dziecko {PESEL} ma siniaki")
    assert "Opis zawiera numer PESEL" in str(error.value) and PESEL not in str(error.value)
    assert entries(somflow_cli) == []


def test_a_name_from_the_store_is_refused_unless_forced(somflow_cli):
    somflow_cli("standards", "people", "add", "Zosia Źrebiec", "--group", "dzieci", "--klasa", "1a")
    with pytest.raises(InvalidInput) as error:
        somflow_cli(
            "standards",
            "register",
            "add",
            "--channel",
            "osobiscie",
            "--summary",
            "Mama mówi, że ZREBIEC Zosia boi się wuefu",
        )  # typed without Polish letters
    assert "imię i nazwisko osoby zapisanej w somflow" in str(error.value) and "Zosia" not in str(error.value)
    assert entries(somflow_cli) == []
    result = somflow_cli(
        "standards",
        "register",
        "add",
        "--channel",
        "osobiscie",
        "--force",
        "--summary",
        "Zosia Źrebiec z 1a — patronka konkursu",
    )
    assert result.exit_code == 0 and len(entries(somflow_cli)) == 1


def test_bad_values_are_named(somflow_cli):
    with pytest.raises(InvalidInput, match="Pole „data”: data 2099-01-01 jest w przyszłości."):
        somflow_cli("standards", "register", "add", "--channel", "telefon", "--date", "2099-01-01", "--summary", "x")
    with pytest.raises(InvalidInput, match="Nie znaleziono wpisu rejestru NIEMA"):
        somflow_cli("standards", "register", "status", "NIEMA", "nowe")
    result = somflow_cli("standards", "register", "add", "--channel", "golab", "--summary", "x")
    assert result.exit_code == 2 and "golab" in result.output


def test_people_list_shows_person_numbers_taken_wherever_a_person_is_named(somflow_cli):
    assert somflow_cli("standards", "people", "add", "Anna Nowak", "--group", "pracownicy").exit_code == 0
    listing = somflow_cli("standards", "people", "list").output
    (line,) = [entry for entry in listing.splitlines() if "Anna Nowak" in entry]
    number = line.split()[1]
    assert line.startswith(f"nr {number} ") and number.isdigit()
    recorded = somflow_cli("standards", "ack", "record", number, "--date", "2026-09-02", "--place", "sala 12")
    assert recorded.exit_code == 0, recorded.output
    assert "— potwierdził(a)" in next(
        entry for entry in somflow_cli("standards", "people", "list").output.splitlines() if "Anna Nowak" in entry
    )
