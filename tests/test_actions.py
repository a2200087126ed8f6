"""The plain functions the CLI and the web pages both call: each works, and keeps its rule, without click."""

from __future__ import annotations

from datetime import date

import pytest
from nk_cli import MOTHER, PEDAGOG, new_case, start
from nk_data import payload

from somflow import ics
from somflow.errors import InvalidInput
from somflow.forms import entry
from somflow.people import register

DAY = date(2026, 12, 10)
STAFF = ("--imie", "Jan", "--nazwisko", "Nowak", "--umowa", "umowa o pracę", "--pesel")


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setenv("SOMFLOW_TODAY", DAY.isoformat())


@pytest.fixture
def kids(somflow_cli, tmp_path):
    csv = tmp_path / "3b.csv"
    csv.write_text("Imię;Nazwisko;Klasa\nAda;Strona;3b\nFilip;Bezzgody;3b\n", encoding="utf-8")
    assert somflow_cli("consent", "import", str(csv)).exit_code == 0
    return csv


# ------------------------------------------------------------------ forms


def test_form_answers_are_checked_per_field(somflow_ws):
    from somflow.forms.catalog import get

    spec = get(somflow_ws, "notatka-sluzbowa")
    keys = {q.key for part in entry.questions(spec) for q in part.questions}
    assert "data_powziecia" in keys and "opis" in keys
    filled = entry.fill(somflow_ws, "notatka-sluzbowa", {"data_powziecia": "31.02.2026", "dziecko_pesel": "123"})
    assert filled.document is None
    assert any("PESEL" in m for m in filled.problems["dziecko_pesel"]), filled.problems
    assert filled.problems["data_powziecia"] and filled.problems["opis"][0].endswith("pole wymagane, brak wartości")
    assert somflow_ws.store.query("documents") == []


def test_a_valid_form_makes_its_document(somflow_ws):
    from somflow.forms.catalog import get
    from somflow.forms.sample import sample_data

    spec = get(somflow_ws, "notatka-sluzbowa")
    answers = {k: (", ".join(v) if isinstance(v, list) else str(v)) for k, v in sample_data(spec).items()}
    answers = {k: v for k, v in answers.items() if not isinstance(sample_data(spec)[k], (list, dict))}
    filled = entry.fill(somflow_ws, spec.id, answers, created_by="web:ala")
    assert filled.problems == {} and filled.document["created_by"] == "web:ala"
    assert (somflow_ws.root / filled.document["file"]).read_bytes().startswith(b"%PDF")


def test_group_rows_use_the_csv_column_names(somflow_ws):
    from somflow.forms.catalog import get

    spec = get(somflow_ws, "niebieska-karta-a")
    group = next(g for _s, g in spec.groups())
    keys = [q.key for part in entry.questions(spec) for q in part.questions]
    assert f"{group.name}-1-{group.fields[0].name}" in keys
    data = entry.answers_to_data(spec, {f"{group.name}-2-{group.fields[0].name}": "x", "nic": " "})
    assert data == {group.name: [{}, {group.fields[0].name: "x"}]}  # row 2 stays row 2


# ------------------------------------------------------------------ people, vetting


def test_person_facts_never_show_the_pesel(somflow_cli, somflow_ws):
    from vetting_fixtures import add_person, make_pesel

    add_person(somflow_cli, *STAFF, make_pesel(date(1980, 1, 2)))
    person = register.find(somflow_ws.store, "1")
    facts = dict(register.facts(person))
    assert facts["PESEL"] == "zapisany" and person["pesel"] not in str(facts)


def test_vetting_checklist_says_what_is_missing(somflow_cli, somflow_ws):
    from somflow_vetting import records
    from somflow_vetting.checklist import MISSING, RECEIVED, checklist
    from vetting_fixtures import add_person, make_pesel

    add_person(somflow_cli, *STAFF, make_pesel(date(1980, 1, 2)))
    assert somflow_cli("vetting", "record", "1", "rspts", "--result", "brak-wpisu").exit_code == 0
    found = checklist(records.find_person(somflow_ws, "1"), somflow_ws.config, DAY)
    states = {line.item.key: line.state for line in found.lines}
    assert states["rspts"] == RECEIVED and MISSING in states.values()
    assert "rspts" not in {line.item.key for line in found.missing}
    assert {line.item.key for line in found.missing} == {k for k, s in states.items() if s == MISSING}


# ------------------------------------------------------------------ image consent


def test_consent_lookup_per_child_and_channel(kids, somflow_ws):
    from somflow_image_consent import children, sheet
    from somflow_image_consent import register as consents

    ada = children.find(somflow_ws, "Ada Strona", None)
    choices = consents.typed(
        refused=False, channels=["strona_www"], purposes=["wszystkie"], photos=["grupowe"], context=""
    )
    consents.record(somflow_ws, ada, choices)
    history = consents.history(somflow_ws, ada["id"])
    assert sheet.verdict(ada, history, ["strona_www"], DAY, "grupowe").answer.allowed
    assert not sheet.verdict(ada, history, ["strona_www"], DAY, "indywidualne").answer.allowed
    assert not sheet.verdict(ada, history, ["media_spolecznosciowe"], DAY).answer.allowed
    excluded, _other_kind, limited = sheet.event_lists(somflow_ws, ["3b"], ["strona_www"], DAY)
    assert [v.child["first_name"] for v in excluded] == ["Filip"]
    assert [v.child["first_name"] for v in limited] == ["Ada"]
    individual = sheet.event_lists(somflow_ws, ["3b"], ["strona_www"], DAY, "indywidualne")
    assert [(v.child["first_name"], v.other_kind) for v in individual.other_kind] == [("Ada", "grupowe")]
    assert [v.child["first_name"] for v in individual.excluded] == ["Filip"]
    assert "zgoda" in consents.describe(history)


def test_typed_consent_needs_its_ticks(kids, somflow_ws):
    from somflow_image_consent import register as consents
    from somflow_image_consent import sheet

    with pytest.raises(InvalidInput, match="zaznaczone cele"):
        consents.typed(refused=False, channels=["strona_www"], purposes=[], photos=["grupowe"])
    assert consents.typed(refused=True, channels=[], purposes=[], photos=[]).decision == consents.REFUSAL
    with pytest.raises(InvalidInput, match="kanał publikacji"):
        sheet.wanted_channels([])
    assert sheet.wanted_channels(["website", "strona_www"]) == ["strona_www"]


def test_print_selection_of_a_class(kids, somflow_ws):
    from somflow_image_consent import printing

    assert len(printing.children_to_print(somflow_ws, ["3B"], False, DAY)) == 2
    assert printing.batch_name(["3B", "4a"], False) == "3b-4a" and printing.batch_name([], True) == "wszystkie"
    with pytest.raises(InvalidInput, match="Podaj klasę"):
        printing.children_to_print(somflow_ws, [], False, DAY)


# ------------------------------------------------------------------ Niebieska Karta


def test_nk_listing_timeline_and_nkb_rule_in_the_function(somflow_cli, somflow_ws, tmp_path):
    from somflow_niebieska_karta import cases, overview

    case_id = new_case(somflow_cli, tmp_path)
    start(somflow_cli, case_id)
    (line,) = overview.listing(somflow_ws, DAY)
    assert line.case["id"] == case_id and line.next_step and line.due
    suspect = payload()["nka"]["osoby_stosujace"][0]["imie_nazwisko"]
    details = overview.step_details("nk-b", recipient=suspect, recipient_role="rodzic", how="", notes=None)
    assert details == {"recipient": suspect, "recipient_role": "rodzic"}
    before = somflow_ws.store.get(cases.CASES, case_id)
    with pytest.raises(InvalidInput, match="nie przekazuje się osobie"):
        cases.record_step(somflow_ws, case_id, "nk-b", day=DAY, person=PEDAGOG, details=details)
    assert somflow_ws.store.get(cases.CASES, case_id) == before
    details = overview.step_details("nk-b", recipient=MOTHER, recipient_role="rodzic")
    cases.record_step(somflow_ws, case_id, "nk-b", day=DAY, person=PEDAGOG, details=details)
    events = overview.timeline(somflow_ws.store.get(cases.CASES, case_id))
    assert [e.number for e in events][:3] == [1, 2, 3]
    assert any(f"przekazano: {MOTHER} (rodzic)" in e.details for e in events)
    assert overview.step_details("wszczecie", roles=["nauczyciel"], miejscowosc="Gdynia")["place"] == "Gdynia"


# ------------------------------------------------------------------ standards, calendar


def test_acknowledgment_progress_and_report_year(somflow_cli, somflow_ws):
    from somflow_standards import acknowledgments, settings
    from somflow_standards.schedule import report_year

    assert somflow_cli("standards", "people", "add", "Ola Rodzic", "--group", "rodzice").exit_code == 0
    progress = {p.group: p for p in acknowledgments.progress(somflow_ws.store)}
    assert progress["rodzice"].total == 1 and progress["rodzice"].acknowledged == 0
    conf = settings.load(somflow_ws.config)
    first = conf.first_report.year
    assert report_year(somflow_ws.store, conf, DAY) == first
    with pytest.raises(InvalidInput, match="co dwa lata"):
        report_year(somflow_ws.store, conf, DAY, first + 1)


def test_calendar_of_the_workspace(kids, somflow_ws):
    content = ics.for_workspace(somflow_ws, DAY)
    assert content.startswith(b"BEGIN:VCALENDAR") and b"END:VCALENDAR" in content
