"""Interventions for harm other than domestic violence: each kind's path, its rules, the register, deadlines, corrections."""

from __future__ import annotations

import pytest
from incident_cli import CHILD, PEDAGOG, new_case, ok, step, to_plan

from somflow import deadlines
from somflow.calendar import today
from somflow.plugins import PluginHost
from somflow.workspace import Workspace


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setenv("SOMFLOW_TODAY", "2026-11-25")


def test_peer_case_from_note_to_closure(somflow_cli, somflow_workspace, tmp_path):
    ref = new_case(somflow_cli, tmp_path)
    assert ref == "INT-2026/1"
    to_plan(somflow_cli, tmp_path, ref)
    ok(step(somflow_cli, ref, "protokol", "2026-11-25"))
    refused = step(somflow_cli, ref, "zamkniecie", "2026-11-25")
    assert refused.exit_code == 2 and "Zadania planu wsparcia nr 1,2 nie są oznaczone jako wykonane" in refused.output
    ok(step(somflow_cli, ref, "przeglad", "2026-11-25", "--wykonane", "1,2"))
    ok(step(somflow_cli, ref, "zamkniecie", "2026-11-25"))
    case = Workspace(somflow_workspace).store.query("incidents")[0]
    assert case["status"] == "zamknięta"
    forms = [d["form"] for d in case["documents"]]
    assert forms == ["notatka-sluzbowa", "protokol-spotkania", "plan-wsparcia", "protokol-interwencji"]
    # the English name of the group is the same commands
    assert "INT-2026/1" in ok(somflow_cli("incidents", "show", ref))


def test_register_lists_cases_without_names(somflow_cli, tmp_path):
    new_case(somflow_cli, tmp_path)
    new_case(somflow_cli, tmp_path, "pracownik")
    out = ok(somflow_cli("interwencje", "list"))
    assert "INT-2026/1  Krzywdzenie rówieśnicze" in out and "INT-2026/2  Krzywdzenie ze strony pracownika" in out
    assert "Żak" not in out and "Kos" not in out and "Wróbel" not in out
    assert "następny krok: Odsunięcie pracownika od kontaktu z małoletnimi" in out


def test_plan_tasks_are_deadlines_named_by_case_number_only(somflow_cli, somflow_workspace, tmp_path):
    ref = new_case(somflow_cli, tmp_path)
    to_plan(somflow_cli, tmp_path, ref)
    workspace = Workspace(somflow_workspace, PluginHost(somflow_workspace))
    found = {d.title: d for d in deadlines.collect(workspace, today()) if d.plugin == "incidents"}
    assert set(found) == {
        "INT-2026/1: zadanie planu wsparcia nr 1 do 12.12",
        "INT-2026/1: zadanie planu wsparcia nr 2 do 01.12",
        "Przegląd planu wsparcia (sprawa INT-2026/1)",
    }
    assert all(CHILD.split()[1] not in t and "psycholog" not in t for t in found)
    # a review marks task 2 done and sets the next review; withdrawing it reopens the task
    ok(step(somflow_cli, ref, "przeglad", "2026-11-25", "--wykonane", "2", "--nastepny-przeglad", "2026-12-10"))
    titles = {d.title for d in deadlines.collect(workspace, today()) if d.plugin == "incidents"}
    assert titles == {"INT-2026/1: zadanie planu wsparcia nr 1 do 12.12", "Przegląd planu wsparcia (sprawa INT-2026/1)"}
    ok(somflow_cli("withdraw", f"{ref}#6", "--reason", "przegląd zapisany w złej sprawie"))
    titles = {d.title for d in deadlines.collect(workspace, today()) if d.plugin == "incidents"}
    assert "INT-2026/1: zadanie planu wsparcia nr 2 do 01.12" in titles
    assert workspace.store.query("incidents")[0]["next_review"] == "2026-12-05"


def test_staff_path_keeps_its_order_and_the_suspect_out_of_the_team(somflow_cli, somflow_workspace, tmp_path):
    ref = new_case(somflow_cli, tmp_path, "pracownik")
    early = step(somflow_cli, ref, "zespol", "2026-11-17", "--czlonek", "Anna Kowalska", "--czlonek", "Marek Nowak")
    assert early.exit_code == 2 and "przed krokiem „Odsunięcie pracownika od kontaktu z małoletnimi”" in early.output
    ok(step(somflow_cli, ref, "odsuniecie", "2026-11-16"))
    alone = step(somflow_cli, ref, "zespol", "2026-11-17", "--czlonek", "Anna Kowalska", "--czlonek", "ANNA kowalska")
    assert alone.exit_code == 2 and "wpisano dwa razy" in alone.output and "co najmniej 2 osoby" in alone.output
    suspect = step(somflow_cli, ref, "zespol", "2026-11-17", "--czlonek", "Anna Kowalska", "--czlonek", "WRÓBEL Jerzy")
    assert suspect.exit_code == 2 and "nie może być członkiem zespołu" in suspect.output
    unsure = step(somflow_cli, ref, "zespol", "2026-11-17", "--czlonek", "Anna Kowalska", "--czlonek", "J. Wróbel")
    assert unsure.exit_code == 2 and "może być pracownikiem podejrzanym" in unsure.output
    ok(step(somflow_cli, ref, "zespol", "2026-11-17", "--czlonek", "Anna Kowalska", "--czlonek", "Marek Nowak"))
    ok(step(somflow_cli, ref, "wyjasnienia", "2026-11-18"))
    bad = step(somflow_cli, ref, "rekomendacja", "2026-11-19")
    assert bad.exit_code == 2 and "--rekomendacja" in bad.output
    ok(step(somflow_cli, ref, "rekomendacja", "2026-11-19", "--rekomendacja", "kara_dyscyplinarna"))
    not_on_path = step(somflow_cli, new_case(somflow_cli, tmp_path), "odsuniecie", "2026-11-19")
    assert not_on_path.exit_code == 2 and "nie należy do ścieżki sprawy" in not_on_path.output


def test_a_household_member_is_the_blue_card_procedure(somflow_cli, somflow_workspace, tmp_path):
    from incident_cli import NOTE, write

    for suspect in (
        {"imie_nazwisko": "Adam Nowak", "relacja": "Partner matki"},
        {"imie_nazwisko": "Ewa Żak", "relacja": "MATKA"},
    ):
        data = {"typ": "osoba_trzecia", "notatka": NOTE, "sprawca": suspect}
        result = somflow_cli("interwencje", "new", "--data", str(write(tmp_path / "c.yaml", data)))
        assert result.exit_code == 2 and "somflow nk new" in result.output, result.output
    unknown = somflow_cli(
        "interwencje", "new", "--data", str(write(tmp_path / "c.yaml", {"typ": "przemoc", "notatka": NOTE}))
    )
    assert unknown.exit_code == 2 and "pracownik, rowiesnik, cyberprzemoc, osoba_trzecia" in unknown.output
    assert Workspace(somflow_workspace).store.query("incidents") == []


def test_a_report_about_the_head_goes_to_the_body_running_the_unit(somflow_cli, somflow_workspace, tmp_path):
    from incident_cli import NOTE, write

    data = {
        "typ": "pracownik",
        "notatka": NOTE,
        "sprawca": {"imie_nazwisko": "ŻÓŁKIEWSKA Grażyna", "relacja": "dyrektor"},
    }
    result = somflow_cli("interwencje", "new", "--data", str(write(tmp_path / "c.yaml", data)))
    assert result.exit_code == 2 and "Prezydenta Miasta Gdyni" in result.output
    assert Workspace(somflow_workspace).store.query("incidents") == []


def test_meeting_never_with_the_adult_suspect(somflow_cli, tmp_path):
    ref = new_case(somflow_cli, tmp_path, "osoba_trzecia")
    ok(step(somflow_cli, ref, "zespol", "2026-11-17", "--czlonek", "Anna Kowalska", "--czlonek", "Marek Nowak"))
    result = step(somflow_cli, ref, "spotkanie", "2026-11-20", "--uczestnik", "Lis Piotr")
    assert result.exit_code == 2 and "nie uczestniczy w spotkaniu" in result.output
    side = step(
        somflow_cli, ref, "spotkanie", "2026-11-20", "--uczestnik", "Łucja Żak", "--strona", "dziecko_krzywdzace"
    )
    assert side.exit_code == 2 and "tylko krzywdzenia rówieśniczego" in side.output


def test_withdrawing_and_correcting_steps(somflow_cli, somflow_workspace, tmp_path):
    ref = new_case(somflow_cli, tmp_path)
    to_plan(somflow_cli, tmp_path, ref)
    note = somflow_cli("withdraw", f"{ref}#1", "--reason", "pomyłka")
    assert note.exit_code == 2 and "Notatki służbowej" in note.output
    needed = somflow_cli("withdraw", f"{ref}#2", "--reason", "pomyłka w składzie")
    assert needed.exit_code == 2 and "Najpierw wycofaj je" in needed.output
    late = somflow_cli("correct", f"{ref}#2", "data=2026-11-19", "--reason", "zła data")
    assert late.exit_code == 2 and "byłby wcześniejszy" in late.output
    ok(somflow_cli("correct", f"{ref}#5", "uwagi=matka obecna", "--reason", "uzupełnienie"))
    ok(somflow_cli("withdraw", f"{ref}#5", "--reason", "plan zapisany w złej sprawie"))
    case = Workspace(somflow_workspace).store.query("incidents")[0]
    assert case["plan"] is None and case["next_review"] is None
    assert "[WYCOFANY" in ok(somflow_cli("interwencje", "show", ref))
    assert PEDAGOG in ok(somflow_cli("interwencje", "show", ref))


def test_reminder_names_the_case_number_not_the_child(somflow_cli, tmp_path):
    ref = new_case(somflow_cli, tmp_path)
    to_plan(somflow_cli, tmp_path, ref)
    out = ok(somflow_cli("remind", "--dry-run", "--today", "2026-11-30"))
    assert "INT-2026/1: zadanie planu wsparcia nr 2 do 01.12" in out
    assert "Żak" not in out and "Zofia" not in out and "wicedyrektor" not in out


def test_the_plan_is_reviewed_on_its_dates(somflow_cli, somflow_workspace, tmp_path):
    """A review without a next date is followed by one after the plan's interval; without an interval reviews end."""
    import yaml
    from incident_cli import PLAN

    ref = new_case(somflow_cli, tmp_path)
    to_plan(somflow_cli, tmp_path, ref)
    store = Workspace(somflow_workspace).store
    ok(step(somflow_cli, ref, "przeglad", "2026-11-25"))
    assert store.query("incidents")[0]["next_review"] is None  # PLAN gives no interval
    plan = tmp_path / "plan2.yaml"
    plan.write_text(yaml.safe_dump({**PLAN, "przeglad_co_dni": 14}, allow_unicode=True), encoding="utf-8")
    ok(step(somflow_cli, ref, "plan", "2026-11-25", "--data", str(plan)))
    ok(step(somflow_cli, ref, "przeglad", "2026-11-25", "--wykonane", "2"))
    case = store.query("incidents")[0]
    assert case["next_review"] == "2026-12-09" and case["steps"][-1]["details"]["next_review"] == "2026-12-09"
    assert "Zadanie 1: Konsultacje z psychologiem — psycholog szkolny (do 2026-12-12)" in ok(
        somflow_cli("interwencje", "show", ref)
    )


def test_every_message_has_an_english_entry(somflow_cli, tmp_path):
    from pathlib import Path

    import somflow_incidents
    from conftest import english_catalogue, gettext_messages
    from somflow_incidents.kinds import TYPES, all_steps
    from somflow_incidents.printing import TITLES

    plugin = Path(somflow_incidents.__file__).parent
    wanted = {s.title for s in all_steps().values()} | set(TITLES.values())
    wanted |= {t.title for t in TYPES.values()} | {t.suspect_label for t in TYPES.values()}
    wanted |= set(gettext_messages(plugin.glob("*.py")))
    assert sorted(wanted - set(english_catalogue(plugin))) == []
    new_case(somflow_cli, tmp_path)
    out = ok(somflow_cli("--lang", "en", "incidents", "list"))
    assert "INT-2026/1  Peer harm (peer violence)  opened 2026-11-16  [open]" in out


def test_a_case_opened_by_answering_questions(somflow_cli, somflow_workspace):
    answers = "\n".join(
        [
            "4",
            CHILD,
            "3b",
            "16.11.2026",
            "rozmowa z uczennicą",
            "boisko",
            "po lekcjach",
            "zaczepiał ją obcy mężczyzna",
            PEDAGOG,
            "",
            "osoba obca",
        ]
    )
    out = ok(somflow_cli("interwencje", "new", input=answers + "\n"))
    assert "Założono sprawę INT-2026/1 (Krzywdzenie przez osobę trzecią)" in out
    case = Workspace(somflow_workspace).store.query("incidents")[0]
    assert case["notatka"]["data_powziecia"] == "2026-11-16" and case["sprawca"] == {"relacja": "osoba obca"}
