"""Withdrawing and correcting recorded entries (somflow.corrections) through each plugin's CLI, as a secretary would."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from vetting_fixtures import add_person, make_pesel, status
from workspace_copies import built_once, copy_into

from somflow.plugins import PluginHost
from somflow.workspace import Workspace

BASE = ["rspts", "rspts-pk", "krk", "kraje", "standardy"]


def _person(cli, name: str = "Zofia", surname: str = "Żółć", born: date = date(1985, 3, 14)) -> int:
    return add_person(
        cli, "--imie", name, "--nazwisko", surname, "--pesel", make_pesel(born), "--umowa", "umowa o pracę"
    )


def _store(root):
    return Workspace(root, PluginHost(root)).store


@pytest.fixture
def interactive(monkeypatch):
    """Answers come from a person at a terminal (CliRunner's input is not a tty)."""
    monkeypatch.setattr("somflow.forms.prompts.interactive", lambda: True)


# ------------------------------------------------------------------ FIGURUJE


def test_figuruje_without_a_terminal_and_without_yes_is_refused(somflow_cli):
    nr = _person(somflow_cli)
    refused = somflow_cli("vetting", "record", str(nr), "rspts", "--result", "figuruje")
    assert refused.exit_code == 1
    assert "Zofia Żółć" in refused.output and "--yes" in refused.output
    # the person named as the object of "zablokuje" ("tę osobę"), then which one: not "zablokuje osoba nr …"
    assert f"Wynik FIGURUJE zablokuje tę osobę — osoba nr {nr}: Zofia Żółć." in " ".join(refused.output.split())
    assert status(somflow_cli)[nr]["state"] == "niekompletny"
    english = somflow_cli("--lang", "en", "vetting", "record", str(nr), "rspts", "--result", "figuruje")
    assert f"will block this person — person no. {nr}: Zofia Żółć." in " ".join(english.output.split())


def test_figuruje_shows_the_name_and_a_no_records_nothing(somflow_cli, interactive):
    nr = _person(somflow_cli)
    answered_no = somflow_cli("vetting", "record", str(nr), "rspts", "--result", "figuruje", input="nie\n")
    assert (
        answered_no.exit_code == 1 and "Zofia Żółć" in answered_no.output and "Nic nie zapisano" in answered_no.output
    )
    assert f"Wynik FIGURUJE (rspts) — osoba nr {nr}: Zofia Żółć." in answered_no.output
    assert "Zapisanie wyniku zablokuje ją: nie będzie można dopuścić jej do pracy z dziećmi." in answered_no.output
    assert status(somflow_cli)[nr]["state"] == "niekompletny"
    retyped = somflow_cli("vetting", "record", str(nr), "rspts", "--result", "figuruje", input="może\nt\n")
    assert retyped.exit_code == 0, retyped.output
    assert "Odpowiedz t (tak) albo n (nie)" in retyped.output
    assert status(somflow_cli)[nr]["state"] == "zablokowany"


# ------------------------------------------------------------------ vetting


def test_a_mistaken_figuruje_is_withdrawn_with_a_reason_and_the_head_sees_it(somflow_workspace, somflow_cli):
    innocent = _person(somflow_cli)
    somflow_cli("vetting", "record", str(innocent), "rspts", "--result", "figuruje", "--yes")
    assert status(somflow_cli)[innocent]["state"] == "zablokowany"
    no_reason = somflow_cli("withdraw", f"{innocent}/rspts", "--reason", "")
    assert no_reason.exit_code == 2 and "powód" in no_reason.output.lower()

    done = somflow_cli("withdraw", f"{innocent}/rspts", "--reason", "pomylony numer osoby", "--by", "sekretariat")
    assert done.exit_code == 0, done.output
    assert "Wycofano wpis" in done.output and "somflow notices --ack 1" in done.output
    person = status(somflow_cli)[innocent]
    assert person["state"] == "niekompletny" and person["hits"] == [] and "rspts" in person["missing"]

    shown = somflow_cli("vetting", "show", str(innocent)).output
    assert "Wycofane wyniki" in shown and "FIGURUJE" in shown
    assert "WYCOFANO" in shown and "(sekretariat): pomylony numer osoby" in shown

    line = somflow_cli("status").output
    assert "POWIADOMIENIE DLA DYREKTORA" in line and f"osoba nr {innocent}" in line and "— sekretariat, " in line
    assert "Żółć" not in line and "pomylony numer osoby" not in line  # the free-text reason is shown by `notices`
    listed = somflow_cli("notices").output
    assert "  1  " in listed and "powód: pomylony numer osoby" in listed
    again = somflow_cli("withdraw", f"{innocent}/rspts", "--reason", "jeszcze raz")
    assert again.exit_code == 2  # nothing left to withdraw: the result is no longer current
    acked = somflow_cli("notices", "--ack", "1")
    assert acked.exit_code == 0 and "Potwierdzono powiadomienia: 1" in acked.output
    assert "POWIADOMIENIE" not in somflow_cli("status").output

    audit = [e for e in _store(somflow_workspace).audit_log() if e["action"] == "withdraw"]
    assert len(audit) == 1 and audit[0]["collection"] == "staff"
    assert set(audit[0]) == {"ts", "user", "unit", "action", "collection", "id"}  # no values, no names


def test_withdrawing_figuruje_emails_the_configured_head_only(somflow_workspace, somflow_cli, somflow_smtp):
    nr = _person(somflow_cli)
    somflow_cli("vetting", "record", str(nr), "krk", "--result", "figuruje", "--yes")
    done = somflow_cli("vetting", "withdraw", str(nr), "krk", "--powod", "wynik innej osoby")
    assert done.exit_code == 0, done.output
    (message,) = somflow_smtp.messages
    assert message["To"] == "dyrektor@sp7.example.pl"
    text = message.get_content()
    assert f"osoba nr {nr}" in text and "FIGURUJE" in text
    assert "Zofia" not in text and "Żółć" not in text and "wynik innej osoby" not in text
    assert "POWIADOMIENIE DLA DYREKTORA" in somflow_cli("status").output  # still there until acknowledged


def test_withdrawing_without_mail_configured_sends_nothing(somflow_workspace, somflow_cli, somflow_smtp):
    text = (somflow_workspace / "somflow.toml").read_text(encoding="utf-8")
    (somflow_workspace / "somflow.toml").write_text(
        text.replace('email = "dyrektor@sp7.example.pl"', 'email = ""'), encoding="utf-8"
    )
    nr = _person(somflow_cli)
    somflow_cli("vetting", "record", str(nr), "krk", "--result", "figuruje", "--yes")
    assert somflow_cli("withdraw", f"{nr}/krk", "--reason", "pomyłka").exit_code == 0
    assert somflow_smtp.messages == []
    assert "POWIADOMIENIE DLA DYREKTORA" in somflow_cli("status").output


def test_a_result_date_is_corrected_and_the_old_one_kept(somflow_cli):
    nr = _person(somflow_cli)
    somflow_cli("vetting", "record", str(nr), "krk", "--result", "brak-wpisu", "--date", "2026-11-02")
    bad = somflow_cli("correct", f"{nr}/krk", "wynik=figuruje", "--reason", "zły wynik")
    assert bad.exit_code == 2 and "data (data dokumentu)" in bad.output
    fixed = somflow_cli("popraw", f"{nr}/krk", "data=3.11.2026", "--powod", "literówka w dacie")
    assert fixed.exit_code == 0, fixed.output
    shown = somflow_cli("vetting", "show", str(nr)).output
    assert "otrzymano 2026-11-03" in shown and "POPRAWIONO" in shown and "było: date: 2026-11-02" in shown


def test_an_unknown_reference_says_how_entries_are_named(somflow_cli):
    result = somflow_cli("withdraw", "99/rspts", "--reason", "pomyłka")
    assert result.exit_code == 2 and "Nie znaleziono wpisu" in result.output and "OSOBA/POZYCJA" in result.output


# ------------------------------------------------------------------ Niebieska Karta


@pytest.fixture(scope="module")
def nk_case_built(tmp_path_factory) -> tuple[Path, str]:
    """A case started on 17 Nov with NK-B handed to the wrong person (step 3) and a police notification (step 4)."""
    from nk_cli import PEDAGOG, new_case, ok, route_letters, start

    with built_once(tmp_path_factory, {"SOMFLOW_TODAY": "2026-12-10"}) as (root, cli):
        route_letters(root)
        case_id = new_case(cli, root.parent)
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
                "Jan Obcy",
                "--odbiorca-rola",
                "zglaszajacy",
            )
        )
        ok(cli("nk", "step", case_id, "zawiadomienie", "--dnia", "2026-11-18", "--osoba", PEDAGOG))
    return root, case_id


@pytest.fixture
def nk_case(nk_case_built, somflow_workspace, monkeypatch) -> str:
    """That case in the test's own copy of the workspace, on 10 Dec; its id."""
    template, case_id = nk_case_built
    copy_into(template, somflow_workspace)
    monkeypatch.setenv("SOMFLOW_TODAY", "2026-12-10")
    return case_id


def test_a_wrong_nk_b_step_is_withdrawn_and_counts_nowhere(somflow_cli, somflow_ws, nk_case):
    from somflow_niebieska_karta import cases, prefill

    done = somflow_cli("withdraw", f"{nk_case}#3", "--reason", "NK-B przekazano komuś innemu, wpis omyłkowy")
    assert done.exit_code == 0, done.output
    case = somflow_ws.store.get("nk_cases", nk_case)
    assert cases.next_step(case) == "nk-b"  # NK-B is due again
    nka = prefill.nka(somflow_ws, case, date(2026, 11, 17), {})
    assert "xii_nk_b" not in nka  # NK-A section XII no longer says NK-B was handed
    card = prefill.karta(somflow_ws, case, date(2026, 12, 10), {})
    assert "Przekazanie formularza „Niebieska Karta – B”" not in [a["dzialanie"] for a in card["dzialania"]]
    history = somflow_cli("nk", "show", nk_case).output
    assert "#3" in history and "[WYCOFANY — nie liczy się]" in history
    assert "przekazano: Jan Obcy (zglaszajacy)" in history and "NK-B przekazano komuś innemu, wpis omyłkowy" in history
    again = somflow_cli(
        "nk",
        "step",
        nk_case,
        "nk-b",
        "--dnia",
        "2026-11-19",
        "--osoba",
        "pedagog",
        "--odbiorca",
        "Łucja Żak",
        "--odbiorca-rola",
        "rodzic",
    )
    assert again.exit_code == 0, again.output
    assert "[WYCOFANY" in somflow_cli("nk", "show", nk_case).output


def test_a_step_later_steps_need_is_withdrawn_only_after_them(somflow_cli, somflow_ws, nk_case):
    from somflow.errors import InvalidInput

    with pytest.raises(InvalidInput, match="Najpierw wycofaj je"):
        somflow_cli("nk", "withdraw", nk_case, "2", "--reason", "wszczęcie w innej sprawie")
    note = somflow_cli("withdraw", f"{nk_case}#1", "--reason", "pomyłka")
    assert note.exit_code == 2 and "nie wycofuje się" in note.output
    assert not any("withdrawn" in s for s in somflow_ws.store.get("nk_cases", nk_case)["steps"])


def test_nk_step_date_and_recipient_are_corrected_under_the_rules(somflow_cli, somflow_ws, nk_case):
    early = somflow_cli("correct", f"{nk_case}/3", "data=10.11.2026", "--reason", "zła data")
    assert early.exit_code == 2 and "wcześniejszą niż krok" in early.output
    suspect = somflow_cli(
        "correct", f"{nk_case}#3", "odbiorca=Jan Żak", "odbiorca-rola=rodzic", "--reason", "inny odbiorca"
    )
    assert suspect.exit_code == 2 and "nie przekazuje się osobie" in suspect.output
    fixed = somflow_cli(
        "popraw",
        f"{nk_case}#3",
        "data=18.11.2026",
        "odbiorca=Łucja Żak",
        "odbiorca-rola=rodzic",
        "--powod",
        "pomylono odbiorcę",
    )
    assert fixed.exit_code == 0, fixed.output
    step = somflow_ws.store.get("nk_cases", nk_case)["steps"][2]
    assert step["date"] == "2026-11-18" and step["details"]["recipient"] == "Łucja Żak"
    assert step["corrections"][0]["before"]["date"] == "2026-11-17"
    assert "POPRAWIONO" in somflow_cli("nk", "show", nk_case).output


def test_withdrawing_the_closure_reopens_the_case(somflow_cli, somflow_ws, nk_case):
    from nk_cli import ok

    ok(
        somflow_cli(
            "nk", "step", nk_case, "nk-a", "--dnia", "2026-11-20", "--osoba", "pedagog", "--sposob", "osobiscie"
        )
    )
    ok(somflow_cli("nk", "step", nk_case, "zamkniecie", "--dnia", "2026-12-02", "--osoba", "dyrektor"))
    ok(somflow_cli("withdraw", f"{nk_case}#6", "--reason", "zamknięto przedwcześnie"))
    case = somflow_ws.store.get("nk_cases", nk_case)
    assert case["status"] == "otwarta" and nk_case in somflow_cli("nk", "list").output


# ------------------------------------------------------------------ image consent


def test_a_consent_entered_for_the_wrong_child_is_withdrawn_and_the_older_one_applies(somflow_cli, tmp_path):
    csv = tmp_path / "3b.csv"
    csv.write_text("Imię;Nazwisko;Klasa\nAda;Strona;3b\nBartek;Zamiana;3b\n", encoding="utf-8")
    assert somflow_cli("consent", "import", str(csv)).exit_code == 0
    year = ("--from", "2026-09-01", "--to", "2027-08-31")
    assert somflow_cli("consent", "record", "Bartek Zamiana", "--refused").exit_code == 0
    # Ada's consent typed in by mistake on Bartek's line
    assert (
        somflow_cli(
            "zgody",
            "record",
            "Bartek Zamiana",
            "--purpose",
            "wszystkie",
            "--photo",
            "wszystkie",
            "--channel",
            "website",
            *year,
        ).exit_code
        == 0
    )
    sheet = somflow_cli(
        "consent", "sheet", "Jasełka", "--group", "3b", "--channel", "website", "--date", "2026-12-10"
    ).output
    assert "Bartek Z." not in sheet  # the wrong entry lets him be photographed

    done = somflow_cli("wycofaj", "Bartek Zamiana#2", "--powod", "zgoda Ady wpisana u Bartka")
    assert done.exit_code == 0, done.output
    sheet = somflow_cli(
        "consent", "sheet", "Jasełka", "--group", "3b", "--channel", "website", "--date", "2026-12-10"
    ).output
    assert "Bartek Z." in sheet  # the refusal applies again
    history = somflow_cli("zgody", "history", "Bartek Zamiana").output
    assert "#2" in history and "wpis wycofany — nie liczy się" in history and "zgoda Ady wpisana u Bartka" in history
    assert "rodzic nie wyraził zgody" in somflow_cli("consent", "list", "--group", "3b").output
    refused = somflow_cli("correct", "Bartek Zamiana#1", "kanal=website", "--reason", "x y z")
    assert refused.exit_code == 2 and "wycofaj go" in refused.output


# ------------------------------------------------------------------ standards: acknowledgments and survey


def test_an_acknowledgment_recorded_for_the_wrong_person_is_withdrawn(somflow_cli):
    from standards_helpers import missing_names

    added = somflow_cli("standards", "people", "add", "Piotr Żak", "--group", "pracownicy")
    person = added.output.split()[-1].rstrip(".")
    recorded = somflow_cli("standards", "ack", "record", person, "--date", "2026-09-02", "--place", "sala 12")
    assert "potwierdzenie#1" in recorded.output
    assert missing_names(somflow_cli) == []
    fixed = somflow_cli("correct", "potwierdzenie#1", "miejsce=sala 14", "--reason", "pomylona sala")
    assert fixed.exit_code == 0, fixed.output
    done = somflow_cli("withdraw", "potw#1", "--reason", "potwierdził ktoś inny")
    assert done.exit_code == 0, done.output
    assert missing_names(somflow_cli) == ["Piotr Żak"]  # counts nowhere: missing again
    listing = somflow_cli("standards", "ack", "list").output
    assert "#1" in listing and "sala 14" in listing and "[WYCOFANE — nie liczy się]" in listing
    assert "POPRAWIONO" in listing and "było: place: sala 12" in listing and "potwierdził ktoś inny" in listing
    again = somflow_cli("standards", "ack", "record", person, "--date", "2026-09-03")
    assert "potwierdzenie#2" in again.output


def test_a_questionnaire_typed_twice_is_withdrawn_and_an_answer_corrected(somflow_cli):
    import json

    somflow_cli("standards", "survey", "start", "--date", "2026-10-05")
    for answer in ("tak", "tak", "nie", "nie"):
        assert somflow_cli("standards", "survey", "add", "--answer", f"zna_standardy={answer}").exit_code == 0
    saved = somflow_cli("standards", "survey", "add", "--answer", "zna_standardy=tak")
    assert "ankieta#5" in saved.output
    wrong = somflow_cli("correct", "ankieta#3", "zna_standardy=moze", "--reason", "źle przepisane")
    assert wrong.exit_code == 2 and "nie jest dozwoloną odpowiedzią" in wrong.output
    assert (
        somflow_cli("correct", "ankieta#3", "zna_standardy=tak", "--reason", "źle przepisane z papieru").exit_code == 0
    )
    assert somflow_cli("withdraw", "ankieta#5", "--reason", "ta sama ankieta wpisana dwa razy").exit_code == 0
    summary = json.loads(somflow_cli("standards", "survey", "summary", "--json").output)
    counts = {q["name"]: q["counts"] for q in summary["questions"]}
    assert summary["respondents"] == 4 and counts["zna_standardy"] == {"tak": 3, "nie": 1}
