"""The Gdynia plugin, installed like a third-party package: contacts, NK-A routing, its own tests.

The package (plugins/gdynia, its own pyproject) is pip-installed into a folder of its own; a
process sees it when that folder is on PYTHONPATH, exactly as after ``pip install somflow-gdynia``.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, run_somflow

GDYNIA = REPO / "plugins" / "gdynia"
ZI_FROM_FILE = 'name = "Zespół Interdyscyplinarny w Gdyni"'


@pytest.fixture(scope="module")
def gdynia_site(tmp_path_factory) -> Path:
    # Built from a copy: a build writes build/ and *.egg-info beside the sources, and tests run in parallel.
    source = tmp_path_factory.mktemp("gdynia_src") / "gdynia"
    shutil.copytree(GDYNIA, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    site = tmp_path_factory.mktemp("gdynia_site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(source)],
        check=True,
    )
    return site


def edit_config(workspace: Path, old: str, new: str) -> None:
    path = workspace / "somflow.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_installed_plugin_is_listed(somflow_workspace, gdynia_site):
    listing = {
        p["name"]: p for p in json.loads(run_somflow("plugins", "--json", env={"PYTHONPATH": str(gdynia_site)}).stdout)
    }
    assert listing["gdynia"]["source"] == "pakiet somflow-gdynia" and listing["gdynia"]["error"] is None
    assert listing["gdynia"]["hooks"] == ["somflow_addressee", "somflow_contacts", "somflow_deadlines"]


def test_nk_a_routing_and_contacts_with_and_without_the_plugin(somflow_workspace, gdynia_site):
    edit_config(somflow_workspace, ZI_FROM_FILE, 'name = "ZI wpisany w somflow.toml"')
    with_plugin = json.loads(run_somflow("contacts", "--json", env={"PYTHONPATH": str(gdynia_site)}).stdout)
    zi = with_plugin["addressees"]["zespol_interdyscyplinarny"]
    assert zi == {
        "name": "Zespół Interdyscyplinarny w Gdyni",
        "address": "ul. Morska 106, Gdynia",
        "phone": "58 627 33 60",
    }
    names = [c["name"] for c in with_plugin["contacts"]]
    assert names[0] == "Specjalistyczny Ośrodek Wsparcia dla Osób Doznających Przemocy Domowej"
    assert {"Zespół Interdyscyplinarny", "Miejski Rzecznik Praw Ucznia w Gdyni", "Stowarzyszenie OVUM"} <= set(names)

    without = json.loads(run_somflow("contacts", "--json").stdout)
    assert without["addressees"]["zespol_interdyscyplinarny"]["name"] == "ZI wpisany w somflow.toml"
    assert without["contacts"] == []

    # installed but not chosen by SOMFLOW_PLUGINS: as if it were not there
    chosen = json.loads(
        run_somflow("contacts", "--json", env={"PYTHONPATH": str(gdynia_site), "SOMFLOW_PLUGINS": "vetting"}).stdout
    )
    assert chosen == without


def test_contacts_command_text(somflow_workspace, gdynia_site):
    out = run_somflow("contacts", env={"PYTHONPATH": str(gdynia_site)}).stdout
    assert (
        "Zespół Interdyscyplinarny (Niebieska Karta – A): Zespół Interdyscyplinarny w Gdyni; ul. Morska 106, Gdynia; 58 627 33 60"
        in out
    )
    assert (
        "Miejski Rzecznik Praw Ucznia w Gdyni\n  Telefon: 58 527 35 15\n  E-mail: rzecznikprawucznia@gdynia.pl" in out
    )


def test_other_commands_work_with_the_plugin_alone(somflow_workspace, gdynia_site):
    env = {"PYTHONPATH": str(gdynia_site), "SOMFLOW_PLUGINS": "gdynia"}
    assert run_somflow("status", env=env).returncode == 0
    assert run_somflow("contacts", env=env).returncode == 0


@pytest.mark.slow
def test_the_plugins_own_tests_pass_when_installed(tmp_path, gdynia_site):
    tests = tmp_path / "tests"
    shutil.copytree(GDYNIA / "tests", tests)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:cacheprovider", str(tests)],
        cwd=tmp_path,
        env={**__import__("os").environ, "PYTHONPATH": str(gdynia_site)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "passed" in result.stdout


# ------------------------------------------------------------------ NK-A and NK-B of a real case


def nk_case_documents(cli, root: Path, folder: Path) -> tuple[str, dict]:
    """Open an NK case, start it, hand NK-B, deliver NK-A; return NK-B's text and NK-A's addressee."""
    from nk_cli import MOTHER, PEDAGOG, new_case, ok, start
    from pypdf import PdfReader

    from somflow import forms
    from somflow.plugins import PluginHost
    from somflow.workspace import Workspace

    case_id = new_case(cli, folder)
    start(cli, case_id, "2026-11-17")
    ok(
        cli(
            "nk",
            "step",
            case_id,
            "nk-b",
            "--dnia",
            "2026-11-17",
            "--osoba",
            PEDAGOG,
            "--odbiorca",
            MOTHER,
            "--odbiorca-rola",
            "rodzic",
        )
    )
    ok(cli("nk", "step", case_id, "nk-a", "--dnia", "2026-11-18", "--osoba", PEDAGOG, "--sposob", "osobiscie"))
    store = Workspace(root).store
    case = store.get("nk_cases", case_id)
    nkb = store.get("documents", next(d["id"] for d in case["documents"] if d["form"] == "niebieska-karta-b"))
    # What the printed PDF holds: its page text and the values in its form fields.
    pdf = (root / nkb["file"]).read_bytes()
    filled = forms.read_back(forms.get(Workspace(root, PluginHost(root)), "niebieska-karta-b"), pdf)
    assert filled.get("kontakty", []) == nkb["data"].get("kontakty", [])
    values = [filled["zespol_interdyscyplinarny"], *(" | ".join(row.values()) for row in filled.get("kontakty", []))]
    text = (
        " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)
        + "\n"
        + "\n".join(values)
    )
    delivered = next(s for s in case["steps"] if s["step"] == "nk-a")["details"]["addressee"]
    return text, delivered


@pytest.fixture
def nk_ready(monkeypatch):
    monkeypatch.setenv("SOMFLOW_TODAY", "2026-11-23")


def test_nk_b_lists_gdynia_contacts_and_nk_a_goes_to_morska_106(
    nk_ready, somflow_workspace, somflow_cli, gdynia_site, tmp_path, monkeypatch
):
    edit_config(somflow_workspace, ZI_FROM_FILE, 'name = "ZI wpisany w somflow.toml"')
    monkeypatch.syspath_prepend(str(gdynia_site))  # as if pip-installed into this environment
    text, delivered = nk_case_documents(somflow_cli, somflow_workspace, tmp_path)
    assert delivered["name"] == "Zespół Interdyscyplinarny w Gdyni" and delivered["address"] == "ul. Morska 106, Gdynia"
    assert "ul. Morska 106, Gdynia" in text and "58 627 33 60" in text
    assert "Specjalistyczny Ośrodek Wsparcia dla Osób Doznających Przemocy Domowej" in text
    assert "Poradnia Telefoniczna Niebieskiej Linii" in text
    assert "ZI wpisany w somflow.toml" not in text


def test_without_the_plugin_nk_uses_somflow_toml(nk_ready, somflow_workspace, somflow_cli, tmp_path):
    edit_config(somflow_workspace, ZI_FROM_FILE, 'name = "ZI wpisany w somflow.toml"')
    text, delivered = nk_case_documents(somflow_cli, somflow_workspace, tmp_path)
    assert delivered["name"] == "ZI wpisany w somflow.toml" and delivered["address"] == "ul. Morska 106, 81-225 Gdynia"
    assert "ZI wpisany w somflow.toml" in text
    assert "Specjalistyczny Ośrodek Wsparcia" not in text


@pytest.mark.parametrize("only", ["", "gdynia", "niebieska_karta", "niebieska_karta,gdynia", None])
def test_somflow_works_with_any_subset_of_plugins(somflow_workspace, gdynia_site, only):
    env = {"PYTHONPATH": str(gdynia_site)} | ({} if only is None else {"SOMFLOW_PLUGINS": only})
    for command in (["status"], ["forms"], ["deadlines", "--today", "2026-02-01"]):
        result = run_somflow(*command, env=env)
        assert result.returncode == 0, f"{command} with SOMFLOW_PLUGINS={only!r}: {result.stderr}"
    contacts = run_somflow("contacts", "--json", env=env)
    assert contacts.returncode == 0, contacts.stderr
    routes = json.loads(contacts.stdout)["addressees"]
    gdynia_loaded = only is None or "gdynia" in only
    assert routes["zespol_interdyscyplinarny"]["address"] == (
        "ul. Morska 106, Gdynia" if gdynia_loaded else "ul. Morska 106, 81-225 Gdynia"
    )
