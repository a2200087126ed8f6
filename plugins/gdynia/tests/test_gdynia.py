"""The Gdynia plugin's own tests, run with somflow's fixtures (the demo unit's address is in Gdynia)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from somflow_gdynia import directory


def set_config(workspace, old: str, new: str) -> None:
    path = workspace / "somflow.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_contacts_list_the_gdynia_directory(somflow_cli):
    out = somflow_cli("contacts").stdout
    assert "Specjalistyczny Ośrodek Wsparcia dla Osób Doznających Przemocy Domowej" in out
    assert "Miejski Rzecznik Praw Ucznia w Gdyni" in out and "58 527 35 15" in out
    assert "Poradnia Telefoniczna Niebieskiej Linii" in out


def test_nk_a_goes_to_the_zespol_interdyscyplinarny_at_morska_106(somflow_workspace, somflow_cli):
    set_config(somflow_workspace, 'name = "Zespół Interdyscyplinarny w Gdyni"', 'name = "ZI z pliku somflow.toml"')
    routes = json.loads(somflow_cli("contacts", "--json").stdout)["addressees"]
    assert routes["zespol_interdyscyplinarny"] == directory.ZESPOL_INTERDYSCYPLINARNY
    assert routes["policja"]["name"] == "Miejska Komenda Policji w Gdyni"
    assert routes["prokuratura"] is None  # not in the Gdynia standards: somflow.toml decides


@pytest.mark.parametrize(
    ("district", "centre"),
    [
        ("Chylonia", "Dzielnicowy Ośrodek Pomocy Społecznej nr 3"),
        ("obluze", "Dzielnicowy Ośrodek Pomocy Społecznej nr 2"),
        ("Karwiny", "Zespół Pracy Socjalnej"),
        ("Witomino", "Miejski Ośrodek Pomocy Społecznej w Gdyni"),
    ],
)
def test_ops_notice_goes_to_the_district_centre(somflow_workspace, somflow_cli, district, centre):
    with (somflow_workspace / "somflow.toml").open("a", encoding="utf-8") as f:
        f.write(f'\n[gdynia]\ndzielnica = "{district}"\n')
    assert json.loads(somflow_cli("contacts", "--json").stdout)["addressees"]["ops"]["name"] == centre


def test_a_unit_outside_gdynia_keeps_its_own_file(somflow_workspace, somflow_cli):
    set_config(somflow_workspace, "81-001 Gdynia", "81-701 Sopot")
    set_config(
        somflow_workspace, 'name = "Zespół Interdyscyplinarny w Gdyni"', 'name = "Zespół Interdyscyplinarny w Sopocie"'
    )
    listing = json.loads(somflow_cli("contacts", "--json").stdout)
    assert listing["addressees"]["zespol_interdyscyplinarny"]["name"] == "Zespół Interdyscyplinarny w Sopocie"
    assert listing["contacts"] == []


def test_gdynia_section_can_switch_the_plugin_off(somflow_workspace, somflow_cli):
    with (somflow_workspace / "somflow.toml").open("a", encoding="utf-8") as f:
        f.write("\n[gdynia]\nenabled = false\n")
    assert json.loads(somflow_cli("contacts", "--json").stdout)["contacts"] == []


@pytest.mark.parametrize(
    ("today", "due"),
    [
        (date(2025, 11, 23), date(2026, 3, 31)),
        (date(2026, 3, 31), date(2026, 3, 31)),
        (date(2026, 4, 1), date(2028, 3, 31)),
    ],
)
def test_report_is_due_every_two_years_from_2026(today, due):
    assert directory.next_report_due(today) == due


def test_report_deadline(somflow_workspace):
    from somflow.plugins import PluginHost
    from somflow.workspace import Workspace

    workspace = Workspace(somflow_workspace, PluginHost(somflow_workspace))
    found = [
        d
        for result in workspace.hook.somflow_deadlines(workspace=workspace, today=date(2026, 1, 10))
        for d in result or []
        if d.key.startswith("gdynia:")
    ]
    assert [(d.key, d.due) for d in found] == [("gdynia:raport-som:2026", date(2026, 3, 31))]
