"""The intervention pages of somflow serve in process: the coordinator's day with a case, the CLI's rules and messages."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from incident_cli import CHILD, NOTE, PEDAGOG, PLAN, new_case, ok, step, to_plan
from markupsafe import escape
from pypdf import PdfReader

DAY = date(2026, 12, 10)
#: The answers of /interwencje/nowa: the questions of ``somflow interwencje new`` (opening.py).
NEW_CASE = {
    "typ": "rowiesnik",
    "dziecko_imie_nazwisko": CHILD,
    "dziecko_klasa_grupa": "3b",
    "data_powziecia": "16.11.2026",
    "sposob_powziecia": NOTE["sposob_powziecia"],
    "miejsce_zdarzenia": NOTE["miejsce_zdarzenia"],
    "czas_zdarzenia": NOTE["czas_zdarzenia"],
    "opis": NOTE["opis"],
    "autor": PEDAGOG,
    "sprawca": "Jan Kos",
    "relacja": "uczeń klasy 3b",
}


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setenv("SOMFLOW_TODAY", DAY.isoformat())


def case_id(store, ref: str) -> str:
    """The id of the case numbered ``ref`` (INT-2026/2), as the pages' addresses have it."""
    from somflow import refs

    return next(c["id"] for c in store.query("incidents") if c.get(refs.FIELD) == ref)


def test_the_coordinator_opens_a_case_records_a_step_and_downloads_its_documents(somflow_web, somflow_cli, tmp_path):
    coordinator = somflow_web("koordynator")
    store = coordinator.app.state.workspace.store
    assert 'href="/interwencje"' in coordinator.get("/").text  # in the menu
    assert 'href="/interwencje/nowa"' in coordinator.get("/interwencje").text
    form = coordinator.get("/interwencje/nowa").text
    for name in NEW_CASE:
        assert re.search(rf'<label for="f-{name}">[^<]+', form), name
    assert '<option value="cyberprzemoc">Przemoc rówieśnicza online (cyberprzemoc)</option>' in form
    assert 'id="f-data_powziecia" name="data_powziecia" type="text" value="2026-12-10"' in form  # today by default

    wrong = {**NEW_CASE, "typ": "", "data_powziecia": "31.02.2026", "opis": ""}
    refused = coordinator.post("/interwencje/nowa", data={"csrf": coordinator.csrf, **wrong})
    assert refused.status_code == 400 and "Dane są niepoprawne, nic nie zapisano:" in refused.text
    for name in ("typ", "data_powziecia", "opis"):
        assert re.search(rf'id="f-{name}"[^>]*aria-invalid="true"', refused.text), name
        assert f'<p class="error" id="e-{name}-1">' in refused.text, name
    assert re.search(r'id="e-typ-1">Wybierz jedną z możliwości', refused.text)
    assert re.search(r'id="e-opis-1">Pole wymagane', refused.text) and ">Jan Kos</textarea>" in refused.text
    household = coordinator.post("/interwencje/nowa", data={"csrf": coordinator.csrf, **NEW_CASE, "relacja": "ojciec"})
    assert household.status_code == 400 and "to przemoc domowa" in household.text  # create_case's own rule
    assert store.query("incidents") == [] and store.query("documents") == []

    opened = coordinator.post("/interwencje/nowa", data={"csrf": coordinator.csrf, **NEW_CASE})
    assert opened.status_code == 303, opened.text
    (case,) = store.query("incidents")
    assert opened.headers["location"] == f"/interwencje/{case['id']}#main"
    assert case["typ"] == "rowiesnik" and case["sprawca"] == {"imie_nazwisko": "Jan Kos", "relacja": "uczeń klasy 3b"}
    assert case["notatka"]["data_powziecia"] == "2026-11-16" and case["notatka"]["data_sporzadzenia"] == "2026-12-10"
    assert any(e["user"] == "web:test-koordynator" and e["collection"] == "incidents" for e in store.audit_log())
    shown = coordinator.get(f"/interwencje/{case['id']}").text
    assert "Założono sprawę INT-2026/1" in shown and "Notatka służbowa (zgłoszenie)" in shown
    assert "Wyznaczenie pracownika lub powołanie zespołu interwencyjnego" in shown  # the next step, in words
    listed = coordinator.get("/interwencje").text
    assert "INT-2026/1" in listed and "Krzywdzenie rówieśnicze (przemoc rówieśnicza)" in listed
    assert "2026-12-10" in listed and "otwarta" in listed and CHILD not in listed  # the register names no one

    cli_ref = new_case(somflow_cli, tmp_path)  # INT-2026/2, the same step by the CLI
    ok(step(somflow_cli, cli_ref, "zespol", "2026-12-10", "--czlonek", "Anna Kowalska", "--czlonek", "Marek Nowak"))
    team = {"csrf": coordinator.csrf, "krok": "zespol", "dnia": "10.12.2026", "osoba": PEDAGOG}
    before = store.get("incidents", case["id"])
    empty = coordinator.post(f"/interwencje/{case['id']}/krok", data=team)
    assert empty.status_code == 400 and "Podaj wyznaczonego pracownika albo członków zespołu" in empty.text
    suspect = coordinator.post(f"/interwencje/{case['id']}/krok", data={**team, "dnia": "dziś rano"})
    assert suspect.status_code == 400 and "Data kroku: nieprawidłowa data" in suspect.text
    assert store.get("incidents", case["id"]) == before
    saved = coordinator.post(
        f"/interwencje/{case['id']}/krok", data={**team, "members": "Anna Kowalska\nMarek Nowak\n"}
    )
    assert saved.status_code == 303, saved.text
    web_case, cli_case = store.get("incidents", case["id"]), store.get("incidents", case_id(store, cli_ref))
    kept = ("step", "date", "person", "details")
    assert {k: web_case["steps"][-1][k] for k in kept} == {k: cli_case["steps"][-1][k] for k in kept}
    assert web_case["zespol"] == cli_case["zespol"] == ["Anna Kowalska", "Marek Nowak"]
    shown = coordinator.get(f"/interwencje/{case['id']}").text
    assert "Zapisano krok sprawy." in shown and "Zespół interwencyjny: Anna Kowalska, Marek Nowak" in shown

    (note,) = web_case["documents"]
    link = f"/interwencje/{case['id']}/dokumenty/{note['id']}"
    assert shown.count(f'href="{link}"') == 2  # in the documents and beside its step
    got = coordinator.get(link)
    assert got.status_code == 200 and got.headers["content-type"] == "application/pdf"
    assert 'filename="int-2026-1-notatka-sluzbowa-2026-12-10.pdf"' in got.headers["content-disposition"]
    assert f"{note['id']} s. 1/" in PdfReader(io.BytesIO(got.content)).pages[0].extract_text()
    other = store.get("incidents", case_id(store, cli_ref))["documents"][0]["id"]
    assert coordinator.get(f"/interwencje/{case['id']}/dokumenty/{other}").status_code == 404
    assert coordinator.get("/interwencje/INT-2099-9").status_code == 404


def test_the_support_plan_tasks_with_their_dates_and_a_review_as_the_cli_records_it(somflow_web, somflow_cli, tmp_path):
    ref = new_case(somflow_cli, tmp_path)
    to_plan(somflow_cli, tmp_path, ref)
    head = somflow_web("dyrektor")
    store = head.app.state.workspace.store
    shown = head.get(f"/interwencje/{case_id(store, ref)}").text
    for task in PLAN["zadania"]:
        assert f"<td>{task['zadanie']}</td><td>{task['odpowiedzialny']}</td><td>{task['termin']}</td>" in shown
    assert "Następny przegląd planu: 2026-12-05" in shown
    assert "PO TERMINIE" in shown  # the review of 2026-12-05 is overdue on 2026-12-10
    review = {"csrf": head.csrf, "krok": "przeglad", "dnia": "2026-12-06", "osoba": PEDAGOG, "done": "2"}
    assert head.post(f"/interwencje/{case_id(store, ref)}/krok", data=review).status_code == 303
    shown = head.get(f"/interwencje/{case_id(store, ref)}").text
    assert "wykonane zadania planu: 2" in shown and "<td>wykonane</td>" in shown


def test_only_the_coordinator_and_the_head_and_only_with_the_csrf_token(somflow_web, somflow_cli, tmp_path):
    ref = new_case(somflow_cli, tmp_path)
    for role in ("sekretariat", "kadry"):
        web = somflow_web(role)
        store = web.app.state.workspace.store
        the_id = case_id(store, ref)
        assert 'href="/interwencje"' not in web.get("/").text
        for path in ("/interwencje", "/interwencje/nowa", f"/interwencje/{the_id}"):
            assert web.get(path).status_code == 403, path
        refused = web.post("/interwencje/nowa", data={"csrf": web.csrf, **NEW_CASE})
        assert refused.status_code == 403 and "Brak dostępu" in refused.text
        denied = [e for e in store.audit_log() if e["action"] == "denied"]
        assert denied[-1]["user"] == f"web:test-{role}" and denied[-1]["id"] == "/interwencje/nowa"
        team = {"csrf": web.csrf, "krok": "zespol", "members": "Anna Kowalska"}
        assert web.post(f"/interwencje/{the_id}/krok", data=team).status_code == 403
        assert len(store.query("incidents")) == 1 and len(store.get("incidents", the_id)["steps"]) == 1
    coordinator = somflow_web("koordynator")
    store = coordinator.app.state.workspace.store
    assert coordinator.post("/interwencje/nowa", data=NEW_CASE).status_code == 403  # no token
    forged = coordinator.post("/interwencje/nowa", data={**NEW_CASE, "csrf": "nie-ten-token"})
    assert forged.status_code == 403 and "Formularz wygasł" in forged.text
    team = {"krok": "zespol", "osoba": PEDAGOG, "members": "Anna Kowalska"}
    assert coordinator.post(f"/interwencje/{case_id(store, ref)}/krok", data=team).status_code == 403
    assert len(store.query("incidents")) == 1 and len(store.get("incidents", case_id(store, ref))["steps"]) == 1


def test_the_intervention_pages_in_english_by_the_switch(somflow_web, somflow_cli, tmp_path):
    ref = new_case(somflow_cli, tmp_path)
    head = somflow_web("dyrektor")
    head.post("/lang", data={"csrf": head.csrf, "lang": "en", "next": "/interwencje"})
    listed = head.get("/interwencje").text
    assert "<h1>Interventions</h1>" in listed and "Peer harm (peer violence)" in listed and "open" in listed
    shown = head.get(f"/interwencje/{case_id(head.app.state.workspace.store, ref)}").text
    assert "<h1>Case INT-2026/1</h1>" in shown and "Case history" in shown and ">Download PDF<" in shown
    assert "Support plan" in shown and ">Record the step</button>" in shown
    form = head.get("/interwencje/nowa").text
    assert "<h1>New intervention case</h1>" in form and ">Open the case</button>" in form
    refused = head.post("/interwencje/nowa", data={"csrf": head.csrf, **NEW_CASE, "typ": "", "opis": ""})
    assert refused.status_code == 400 and "The data is invalid, nothing was written:" in refused.text
    assert 'id="e-typ-1">Choose one of the options' in refused.text and 'id="e-opis-1">Required field' in refused.text
    opened = head.post("/interwencje/nowa", data={"csrf": head.csrf, **NEW_CASE})
    assert opened.status_code == 303
    shown = head.get(opened.headers["location"]).text
    assert escape("Opened case INT-2026/2 (Peer harm (peer violence))") in shown or "INT-2026/2" in shown
