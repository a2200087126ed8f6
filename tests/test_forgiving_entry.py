"""Interactive entry that forgives: each answer checked when given, Polish dates and t/n, drafts on Ctrl-C or a final error."""

from __future__ import annotations

import stat
import sys

import pytest
import yaml
from forms_fixtures import FORM_ID, proba_workspace  # noqa: F401 - fixture

from somflow.workspace import Workspace

#: The test form's questions up to the witnesses, answered the Polish way.
FIRST = [
    "Łucja",  # imię
    "Żak",  # nazwisko
    "15240101231",  # PESEL (born 1 April 2015)
    "1.4.2015",  # data urodzenia, Polish without leading zeros
    "9",  # wiek
    "81-301",
    "pomorskie",
    "",  # e-mail skipped
    "",  # telefon skipped
    "t",  # małoletnia: t = tak
    "1",  # płeć
    "2",  # formy
]


def drafts(root) -> list:
    return sorted((root / "drafts").glob("*.yaml"))


def test_fill_takes_polish_dates_and_t_and_saves(proba_workspace, somflow_cli):
    answers = [*FIRST, "0", "Opis", "", "03.12.2024", "tak"]
    result = somflow_cli("fill", FORM_ID, input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    doc = Workspace(proba_workspace).store.query("documents")[-1]
    assert doc["data"]["data_urodzenia"] == "2015-04-01" and doc["data"]["data_wypelnienia"] == "2024-12-03"
    assert doc["data"]["maloletni"] is True


def test_fill_interrupted_keeps_a_private_draft_that_data_accepts(proba_workspace, somflow_cli):
    stopped = somflow_cli("fill", FORM_ID, input="\n".join(FIRST[:6]) + "\n")  # the input ends: as Ctrl-C
    assert stopped.exit_code == 1
    (draft,) = drafts(proba_workspace)
    assert str(draft) in stopped.output and f"somflow fill {FORM_ID} --data" in stopped.output
    if sys.platform != "win32":
        assert stat.S_IMODE(draft.stat().st_mode) == 0o600
    kept = yaml.safe_load(draft.read_text(encoding="utf-8"))
    assert kept["imie"] == "Łucja" and kept["data_urodzenia"] == "2015-04-01" and kept["kod_pocztowy"] == "81-301"
    kept.update(data_wypelnienia="2024-09-01", osoby=[{"imie_nazwisko": "Ćma Żuk"}])
    draft.write_text(yaml.safe_dump(kept, allow_unicode=True), encoding="utf-8")
    finished = somflow_cli("fill", FORM_ID, "--data", str(draft))
    assert finished.exit_code == 0, finished.output
    assert Workspace(proba_workspace).store.query("documents")[-1]["data"]["imie"] == "Łucja"


def test_fill_final_error_offers_the_draft(proba_workspace, somflow_cli):
    wrong_birth = [*FIRST[:4], "30", *FIRST[5:]]  # an age the PESEL contradicts: only the whole form shows it
    refused = somflow_cli("fill", FORM_ID, input="\n".join([*wrong_birth, "0", "", "", "3.12.2024", "t", "t"]) + "\n")
    assert refused.exit_code == 2
    assert "Odpowiedzi są niepoprawne" in refused.output and "Zachować dotychczasowe odpowiedzi" in refused.output
    (draft,) = drafts(proba_workspace)
    assert yaml.safe_load(draft.read_text(encoding="utf-8"))["wiek"] == 30
    declined = somflow_cli("fill", FORM_ID, input="\n".join([*wrong_birth, "0", "", "", "3.12.2024", "t", "n"]) + "\n")
    assert declined.exit_code == 2 and len(drafts(proba_workspace)) == 1


# ------------------------------------------------------------------ somflow nk new


NK_ANSWERS = [
    "Zofia Żak",
    "9",
    "Jan Żak",
    "ojciec",
    "tak",
    "16.11.2026",
    "rozmowa z uczennicą",
    "siniaki na przedramionach",
    "Anna Kowalska, pedagog",
]


@pytest.fixture
def nk_today(monkeypatch):
    monkeypatch.setenv("SOMFLOW_TODAY", "2026-12-10")


def test_nk_new_asks_again_at_once_and_takes_polish_answers(somflow_cli, somflow_workspace, nk_today):
    from nk_data import CHILD_PESEL

    answers = [
        "Zofia Żak",
        "12345678901",
        CHILD_PESEL,
        "dziewięć",
        "9",
        "Jan Żak",
        "ojciec",
        "może",
        "t",
        "3.12.2027",
        "16.11.2026",
        "rozmowa z uczennicą",
        "siniaki na przedramionach",
        "Anna Kowalska, pedagog",
    ]
    result = somflow_cli("nk", "new", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert (
        "cyfra kontrolna" in result.output
        and "Odpowiedz t (tak) albo n (nie)" in result.output
        and "z przyszłości" in result.output
    )
    case = Workspace(somflow_workspace).store.query("nk_cases")[0]
    assert case["sprawcy_rodzice"] is True and case["notatka"]["data_powziecia"] == "2026-11-16"
    assert case["nka"]["osoby_doznajace"][0]["pesel"] == CHILD_PESEL


def test_nk_new_interrupted_keeps_a_draft_for_data(somflow_cli, somflow_workspace, nk_today):
    stopped = somflow_cli("nk", "new", input="\n".join(["Zofia Żak", "", "9", "Jan Żak"]) + "\n")
    assert stopped.exit_code == 1
    (draft,) = drafts(somflow_workspace)
    assert "somflow nk new --data" in stopped.output and str(draft) in stopped.output
    kept = yaml.safe_load(draft.read_text(encoding="utf-8"))
    assert kept["nka"]["osoby_stosujace"][0]["imie_nazwisko"] == "Jan Żak"
    kept["notatka"].update(
        data_powziecia="2026-11-16",
        sposob_powziecia="rozmowa",
        opis="siniaki",
        autor="Anna Kowalska, pedagog",
        sprawca="ojciec",
    )
    draft.write_text(yaml.safe_dump(kept, allow_unicode=True), encoding="utf-8")
    opened = somflow_cli("nk", "new", "--data", str(draft))
    assert opened.exit_code == 0, opened.output


def test_nk_new_final_error_keeps_the_answers(somflow_cli, somflow_workspace, nk_today):
    from nk_data import CHILD_PESEL  # a child of 9: an age of 16 contradicts the PESEL

    answers = ["Zofia Żak", CHILD_PESEL, "16", *NK_ANSWERS[2:], "t"]
    refused = somflow_cli("nk", "new", input="\n".join(answers) + "\n")
    assert refused.exit_code == 2, refused.output
    assert "Odpowiedzi są niepoprawne" in refused.output
    (draft,) = drafts(somflow_workspace)
    assert yaml.safe_load(draft.read_text(encoding="utf-8"))["nka"]["osoby_doznajace"][0]["wiek"] == 16
    assert Workspace(somflow_workspace).store.query("nk_cases") == []


# ------------------------------------------------------------------ standards survey add


def test_a_wrong_survey_answer_is_asked_again_not_the_questionnaire_dropped(somflow_cli, somflow_workspace):
    somflow_cli("standards", "survey", "start", "--survey", "rodzice", "--date", "2026-10-05")
    result = somflow_cli("standards", "survey", "add", "--survey", "rodzice", input="może\nnie\ntak\n\n\n")
    assert result.exit_code == 0, result.output
    assert "nie jest dozwoloną odpowiedzią" in result.output and "ankieta#1" in result.output
    (saved,) = Workspace(somflow_workspace).store.query("survey_responses")
    assert saved["answers"] == {"zna_standardy": "nie", "wie_komu_zglosic": "tak"}


def test_survey_entry_interrupted_keeps_a_draft_for_data(somflow_cli, somflow_workspace):
    somflow_cli("standards", "survey", "start", "--survey", "rodzice", "--date", "2026-10-05")
    stopped = somflow_cli("standards", "survey", "add", "--survey", "rodzice", input="nie\n")
    assert stopped.exit_code == 1
    (draft,) = drafts(somflow_workspace)
    assert yaml.safe_load(draft.read_text(encoding="utf-8")) == {"zna_standardy": "nie"}
    added = somflow_cli("standards", "survey", "add", "--survey", "rodzice", "--data", str(draft))
    assert added.exit_code == 0 and "ankieta#1" in added.output
