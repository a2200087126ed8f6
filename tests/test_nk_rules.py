"""Each rule of the Blue Card procedure rejects bad input with a Polish message and writes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from nk_cli import MOTHER, PEDAGOG, new_case, ok, snapshot, start
from nk_data import CHILD_PESEL, FATHER_PESEL, payload, write
from workspace_copies import built_once, copy_into

from somflow.errors import InvalidInput


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setenv("SOMFLOW_TODAY", "2026-11-23")


def refused(cli, root, *args, match: str) -> InvalidInput:
    before = snapshot(root)
    with pytest.raises(InvalidInput) as info:
        cli(*args)
    assert any(match in m for m in info.value.messages), info.value.messages
    assert snapshot(root) == before
    return info.value


def refused_case(cli, root, tmp_path, data: dict, *, match: str) -> InvalidInput:
    """``nk new`` with ``data`` refused with ``match`` among its messages, nothing written."""
    return refused(cli, root, "nk", "new", "--data", str(write(tmp_path / "c.yaml", data)), match=match)


def test_no_victim_is_refused(somflow_cli, somflow_workspace, tmp_path):
    data = payload()
    data["nka"]["osoby_doznajace"] = []
    refused_case(somflow_cli, somflow_workspace, tmp_path, data, match="co najmniej jedną osobę doznającą przemocy")


def test_minor_flag_must_agree_with_pesel(somflow_cli, somflow_workspace, tmp_path):
    data = payload()
    data["nka"]["osoby_doznajace"][0].update(maloletni="nie")
    del data["nka"]["osoby_doznajace"][0]["wiek"]
    refused_case(
        somflow_cli,
        somflow_workspace,
        tmp_path,
        data,
        match="Sekcja I, osoba doznająca przemocy domowej 1, pole „Małoletni (Tak/Nie)”: niezgodne z numerem PESEL (wiek 9 lat",
    )


def test_minor_flag_must_agree_with_age(somflow_cli, somflow_workspace, tmp_path):
    data = payload()
    data["nka"]["osoby_doznajace"][0]["wiek"] = 19
    del data["nka"]["osoby_doznajace"][0]["pesel"]
    refused_case(
        somflow_cli,
        somflow_workspace,
        tmp_path,
        data,
        match="pole „Małoletni (Tak/Nie)”: zaznaczono „Tak”, ale wpisany wiek to 19 lat",
    )


def test_minor_is_judged_on_the_form_date(somflow_cli, somflow_workspace, tmp_path, monkeypatch):
    # Born 2008-11-30: still 17 on 2026-11-27, already 18 on 2026-11-30.
    from nk_data import pesel

    data = payload()
    data["nka"]["osoby_doznajace"][0]["pesel"] = pesel(2008, 11, 30, "5678")
    del data["nka"]["osoby_doznajace"][0]["wiek"]
    case_id = new_case(somflow_cli, tmp_path, data=data)
    monkeypatch.setenv("SOMFLOW_TODAY", "2026-12-01")
    refused(
        somflow_cli,
        somflow_workspace,
        "nk",
        "step",
        case_id,
        "wszczecie",
        "--dnia",
        "2026-11-30",
        "--osoba",
        PEDAGOG,
        "--rola",
        "nauczyciel",
        "--obecna-osoba",
        MOTHER,
        "--obecna-rola",
        "osoba_najblizsza",
        match="niezgodne z numerem PESEL (wiek 18 lat w dniu 2026-11-30)",
    )
    start(somflow_cli, case_id, "2026-11-27")


def test_witnesses_established_need_a_witness(somflow_cli, somflow_workspace, tmp_path):
    data = payload()
    data["nka"]["swiadkowie_ustalono"] = "ustalono"
    refused_case(somflow_cli, somflow_workspace, tmp_path, data, match="Sekcja X")


def test_exactly_one_role_in_section_xiv(somflow_cli, somflow_workspace, tmp_path):
    case_id = new_case(somflow_cli, tmp_path)
    base = (
        "nk",
        "step",
        case_id,
        "wszczecie",
        "--dnia",
        "2026-11-17",
        "--osoba",
        PEDAGOG,
        "--obecna-osoba",
        MOTHER,
        "--obecna-rola",
        "osoba_najblizsza",
    )
    two = refused(
        somflow_cli,
        somflow_workspace,
        *base,
        "--rola",
        "nauczyciel",
        "--rola",
        "pedagog_psycholog",
        match="Sekcja XIV: wszczęcie procedury zaznacza się przez jedną osobę, a podano kilka: "
        "„Nauczyciela”, „Pedagoga, psychologa lub terapeutę, ",
    )
    assert len(two.messages) == 1 and two.messages[0].endswith("”. Wybierz jedną.")  # said once, in words
    assert "[" not in two.messages[0] and "pedagog_psycholog" not in two.messages[0]  # never a Python list
    refused(somflow_cli, somflow_workspace, *base, match="(zaznaczono: 0)")


def test_nk_b_never_to_the_suspect(somflow_cli, somflow_workspace, tmp_path):
    case_id = new_case(somflow_cli, tmp_path)
    start(somflow_cli, case_id)
    base = ("nk", "step", case_id, "nk-b", "--dnia", "2026-11-17", "--osoba", PEDAGOG, "--odbiorca-rola", "rodzic")
    # Typed differently (case, spaces, no diacritics): still the father.
    refused(
        somflow_cli,
        somflow_workspace,
        *base,
        "--odbiorca",
        "jan  ZAK",
        match="nie przekazuje się osobie, wobec której istnieje podejrzenie",
    )
    # Another name, same PESEL.
    refused(
        somflow_cli,
        somflow_workspace,
        *base,
        "--odbiorca",
        "J. Żak",
        "--odbiorca-pesel",
        FATHER_PESEL,
        match="nie przekazuje się osobie",
    )
    # A minor's NK-B goes to a parent, guardian or the reporter, not to the child.
    refused(
        somflow_cli,
        somflow_workspace,
        "nk",
        "step",
        case_id,
        "nk-b",
        "--osoba",
        PEDAGOG,
        "--odbiorca",
        "Zofia Żak",
        "--odbiorca-rola",
        "osoba_doznajaca",
        match="gdy przemoc dotyczy małoletniego",
    )
    ok(somflow_cli(*base, "--odbiorca", MOTHER))


def test_suspected_parents_need_an_adult_closest_person(somflow_cli, somflow_workspace, tmp_path):
    case_id = new_case(somflow_cli, tmp_path, parents=True)
    base = ("nk", "step", case_id, "wszczecie", "--dnia", "2026-11-17", "--osoba", PEDAGOG, "--rola", "nauczyciel")
    refused(somflow_cli, somflow_workspace, *base, match="w czyjej obecności")
    refused(
        somflow_cli,
        somflow_workspace,
        *base,
        "--obecna-osoba",
        MOTHER,
        "--obecna-rola",
        "rodzic",
        match="pełnoletniej osoby najbliższej",
    )
    refused(
        somflow_cli,
        somflow_workspace,
        *base,
        "--obecna-osoba",
        "Jan Żak",
        "--obecna-rola",
        "osoba_najblizsza",
        match="jest wpisana jako osoba stosująca przemoc",
    )


def test_parents_derived_from_relation_when_not_said(somflow_cli, somflow_workspace, tmp_path):
    data = payload()
    del data["sprawcy_rodzice"]  # section III says "ojciec"
    case_id = new_case(somflow_cli, tmp_path, data=data)
    refused(
        somflow_cli,
        somflow_workspace,
        "nk",
        "step",
        case_id,
        "wszczecie",
        "--dnia",
        "2026-11-17",
        "--osoba",
        PEDAGOG,
        "--rola",
        "nauczyciel",
        "--obecna-osoba",
        MOTHER,
        "--obecna-rola",
        "opiekun_prawny",
        match="pełnoletniej osoby najbliższej",
    )


def test_no_dates_in_the_future(somflow_cli, somflow_workspace, tmp_path):
    data = payload()
    data["notatka"]["data_sporzadzenia"] = "2026-11-24"
    refused_case(somflow_cli, somflow_workspace, tmp_path, data, match="jest z przyszłości")
    case_id = new_case(somflow_cli, tmp_path)
    refused(
        somflow_cli,
        somflow_workspace,
        "nk",
        "step",
        case_id,
        "wszczecie",
        "--dnia",
        "2026-11-24",
        "--osoba",
        PEDAGOG,
        "--rola",
        "nauczyciel",
        "--obecna-osoba",
        MOTHER,
        "--obecna-rola",
        "osoba_najblizsza",
        match="2026-11-24 jest z przyszłości",
    )


def test_no_step_out_of_order(somflow_cli, somflow_workspace, tmp_path):
    case_id = new_case(somflow_cli, tmp_path)
    refused(
        somflow_cli,
        somflow_workspace,
        "nk",
        "step",
        case_id,
        "nk-a",
        "--dnia",
        "2026-11-18",
        "--osoba",
        PEDAGOG,
        "--sposob",
        "osobiscie",
        match="przed krokiem „Wszczęcie procedury",
    )
    refused(
        somflow_cli,
        somflow_workspace,
        "nk",
        "step",
        case_id,
        "nk-b",
        "--osoba",
        PEDAGOG,
        "--odbiorca",
        MOTHER,
        "--odbiorca-rola",
        "rodzic",
        match="przed krokiem „Wszczęcie procedury",
    )
    refused(
        somflow_cli,
        somflow_workspace,
        "nk",
        "step",
        case_id,
        "zamkniecie",
        "--osoba",
        PEDAGOG,
        match="przed krokiem „Przekazanie formularza „Niebieska Karta – A”",
    )
    start(somflow_cli, case_id, "2026-11-17")
    refused(
        somflow_cli,
        somflow_workspace,
        "nk",
        "step",
        case_id,
        "nk-a",
        "--dnia",
        "2026-11-16",
        "--osoba",
        PEDAGOG,
        "--sposob",
        "osobiscie",
        match="wcześniejszą niż krok",
    )
    refused(
        somflow_cli,
        somflow_workspace,
        "nk",
        "step",
        case_id,
        "wszczecie",
        "--dnia",
        "2026-11-18",
        "--osoba",
        PEDAGOG,
        "--rola",
        "nauczyciel",
        "--obecna-osoba",
        MOTHER,
        "--obecna-rola",
        "osoba_najblizsza",
        match="jest już zapisany",
    )


def test_refusal_from_the_shell_is_polish_and_exits_2(somflow_workspace, tmp_path):
    data = payload()
    data["nka"]["osoby_doznajace"] = []
    path = write(tmp_path / "c.yaml", data)
    env = {**os.environ, "SOMFLOW_WORKSPACE": str(somflow_workspace), "SOMFLOW_TODAY": "2026-11-23"}
    env.pop("SOMFLOW_LANG", None)
    run = subprocess.run(
        [sys.executable, "-m", "somflow", "nk", "new", "--data", str(path)],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert run.returncode == 2
    assert "Sekcja I: wpisz co najmniej jedną osobę doznającą przemocy domowej." in run.stderr
    assert CHILD_PESEL not in run.stderr + run.stdout


def test_case_data_keeps_a_pesel_with_a_leading_zero(tmp_path):
    """A child born in 2000–2009 has a PESEL starting with 0, which plain YAML would read as an octal number."""
    from somflow.forms.datafile import load_iso as load_data

    path = tmp_path / "sprawa.yaml"
    path.write_text("pesel: 05222101234\ndata: 2026-11-20\n", encoding="utf-8")
    assert load_data(path) == {"pesel": "05222101234", "data": "2026-11-20"}


SUSPECT = "Tomasz Zięba"
SAME_SPELLINGS = ["Zięba Tomasz", "ZIĘBA  tomasz", "Tomasz Zieba", "zieba tomasz", " Tomasz\tZIEBA ", "Tomasz Zięba"]
PARTLY = ["T. Zięba", "Zięba", "Tomasz Ziebaa", "Tomasz Zięba-Nowak"]


@pytest.fixture(scope="module")
def zieba_built(tmp_path_factory) -> tuple[Path, str]:
    """A started case whose suspected perpetrator (section III) is Tomasz Zięba: the workspace and the case id."""
    with built_once(tmp_path_factory, {"SOMFLOW_TODAY": "2026-11-23"}) as (root, cli):
        data = payload()
        data["nka"]["osoby_stosujace"][0]["imie_nazwisko"] = SUSPECT
        case_id = new_case(cli, root.parent, data=data)
        start(cli, case_id)
    return root, case_id


@pytest.fixture
def zieba_case(zieba_built, somflow_workspace):
    """That case in the test's own copy of the workspace; the NK-B step's arguments but the recipient."""
    template, case_id = zieba_built
    copy_into(template, somflow_workspace)
    return ("nk", "step", case_id, "nk-b", "--dnia", "2026-11-17", "--osoba", PEDAGOG, "--odbiorca-rola", "rodzic")


@pytest.mark.parametrize("spelling", SAME_SPELLINGS)
def test_nk_b_refuses_every_spelling_of_the_suspect(somflow_cli, somflow_workspace, zieba_case, spelling):
    refused(
        somflow_cli,
        somflow_workspace,
        *zieba_case,
        "--odbiorca",
        spelling,
        match="nie przekazuje się osobie, wobec której istnieje podejrzenie",
    )


@pytest.mark.parametrize("spelling", PARTLY)
def test_nk_b_refuses_a_partial_match_and_says_why(somflow_cli, somflow_workspace, zieba_case, spelling):
    error = refused(somflow_cli, somflow_workspace, *zieba_case, "--odbiorca", spelling, match="zgadzają się częściowo")
    assert f"„{spelling}”" in str(error)


def test_nk_b_pesel_decides_when_both_have_one(somflow_cli, somflow_workspace, zieba_case):
    # The suspect's PESEL under any name is the suspect.
    refused(
        somflow_cli,
        somflow_workspace,
        *zieba_case,
        "--odbiorca",
        "Tomek Z.",
        "--odbiorca-pesel",
        FATHER_PESEL.replace("1", "1 ", 1),
        match="nie przekazuje się osobie",
    )
    # A namesake with his own PESEL (a grandfather called Tomasz Zięba too) may receive it.
    from nk_data import pesel

    ok(somflow_cli(*zieba_case, "--odbiorca", "Zięba Tomasz", "--odbiorca-pesel", pesel(1950, 1, 2, "5555")))


def test_nk_b_to_another_family_member_is_recorded(somflow_cli, zieba_case):
    ok(somflow_cli(*zieba_case, "--odbiorca", "Zięba Łucja"))


def test_perpetrator_verdict_ignores_rows_naming_nobody():
    from somflow_niebieska_karta.rules import perpetrator_verdict

    from somflow.people.match import Verdict

    rows = [{"imie_nazwisko": "", "relacja": "ojciec"}, {"imie_nazwisko": "Tomasz Zięba"}]
    assert perpetrator_verdict("Łucja Żak", None, rows) is Verdict.DIFFERENT
    assert perpetrator_verdict("Zieba Tomasz", None, rows) is Verdict.SAME
    assert perpetrator_verdict("Zięba", None, rows) is Verdict.UNSURE
