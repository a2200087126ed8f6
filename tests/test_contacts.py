"""``somflow contacts``: help contacts and addressees from somflow.toml and plugins."""

from __future__ import annotations

import json

import pytest
from conftest import run_somflow

from somflow import hookimpl
from somflow.contacts import contacts, require_addressee
from somflow.errors import ConfigError
from somflow.plugins import PluginHost
from somflow.workspace import Workspace

TOML_CONTACTS = """
[[contacts]]
name = "Poradnia Psychologiczno-Pedagogiczna w Źdźbłowie"
phone = "58 000 00 00"
hours = "pn–pt 8–16"
offer = "Diagnoza i wsparcie"
for_whom = "Dzieci, rodzice"

[prokuratura]
name = "Prokuratura Rejonowa w Gdyni"
address = "ul. Śląska 1, Gdynia"
"""


def test_contacts_and_addressees_from_somflow_toml(somflow_workspace, somflow_cli):
    with (somflow_workspace / "somflow.toml").open("a", encoding="utf-8") as f:
        f.write(TOML_CONTACTS)
    out = somflow_cli("contacts").stdout
    assert "Poradnia Psychologiczno-Pedagogiczna w Źdźbłowie" in out and "Telefon: 58 000 00 00" in out
    assert (
        "Zespół Interdyscyplinarny (Niebieska Karta – A): Zespół Interdyscyplinarny w Gdyni; ul. Morska 106, 81-225 Gdynia"
        in out
    )
    assert "Prokuratura (zawiadomienie o przestępstwie): Prokuratura Rejonowa w Gdyni" in out
    assert (
        "Sąd rodzinny (wniosek o wgląd w sytuację rodziny): nie ustawiono (sekcja [sad_rodzinny] w somflow.toml)" in out
    )
    listing = json.loads(somflow_cli("contacts", "--json").stdout)
    assert listing["contacts"][0]["for_whom"] == "Dzieci, rodzice" and listing["contacts"][0]["address"] == ""


def test_no_contacts_says_where_to_add_them(somflow_cli):
    assert "Dodaj je w somflow.toml jako [[contacts]]" in somflow_cli("contacts").stdout


def test_english(somflow_cli):
    out = somflow_cli("--lang", "en", "contacts").stdout
    assert "Where documents go:" in out and "Interdisciplinary Team (Blue Card – A)" in out


def test_a_bad_contacts_entry_names_the_key(somflow_workspace):
    with (somflow_workspace / "somflow.toml").open("a", encoding="utf-8") as f:
        f.write('\n[[contacts]]\nname = "Poradnia"\nphone = 580000000\n')
    result = run_somflow("contacts")
    assert result.returncode == 1
    assert "klucz contacts[0].phone: zła wartość (oczekiwano typu tekst w cudzysłowie)" in result.stderr


def test_plugin_contacts_follow_the_file_and_repeats_are_dropped(somflow_workspace):
    with (somflow_workspace / "somflow.toml").open("a", encoding="utf-8") as f:
        f.write(TOML_CONTACTS)
    workspace = Workspace(somflow_workspace, PluginHost(somflow_workspace))

    class Gmina:
        @hookimpl
        def somflow_contacts(self, workspace):
            return [
                {"name": "Ośrodek Interwencji Kryzysowej", "phone": "58 622 22 22"},
                {"name": "Poradnia Psychologiczno-Pedagogiczna w Źdźbłowie", "phone": "58 000 00 00"},
            ]

    workspace.plugins.pm.register(Gmina(), name="gmina")
    names = [c["name"] for c in contacts(workspace)]
    assert names == ["Poradnia Psychologiczno-Pedagogiczna w Źdźbłowie", "Ośrodek Interwencji Kryzysowej"]


def test_require_addressee_says_what_to_fill_in(somflow_workspace):
    workspace = Workspace(somflow_workspace, PluginHost(somflow_workspace))
    assert require_addressee(workspace, "zespol_interdyscyplinarny")["name"] == "Zespół Interdyscyplinarny w Gdyni"
    with pytest.raises(ConfigError, match=r"Uzupełnij sekcję \[sad_rodzinny\] \(name, address\)"):
        require_addressee(workspace, "sad_rodzinny")


def test_every_message_of_contacts_and_scaffold_has_an_english_entry():
    import ast

    from conftest import REPO, english_catalogue, gettext_messages

    catalogue = english_catalogue(REPO / "somflow")
    for module in ("somflow/contacts.py", "somflow/scaffold.py"):
        tree = ast.parse((REPO / module).read_text(encoding="utf-8"))
        messages = list(gettext_messages([REPO / module]))
        decorators = [  # click help texts: kept in the catalogue too, for an English help screen
            kw.value.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            for kw in node.keywords
            if kw.arg == "help" and isinstance(kw.value, ast.Constant)
        ]
        missing = [m for m in messages + decorators if m not in catalogue]
        assert messages and not missing, f"{module}: no English for {missing}"
