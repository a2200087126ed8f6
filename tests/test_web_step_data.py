"""The data a case's step carries on its web form (the CLI's --data): the support plan of both procedures,
the protocol of the meeting with the parents of an intervention case."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import incident_cli
import nk_cli
import pytest
import yaml
from pypdf import PdfReader

from somflow import refs
from somflow.casework import support_plan

DAY = date(2026, 12, 10)
PERSON = "Anna Kowalska, pedagog szkolny"
#: The plan as a --data file has it.
PLAN = {
    "opracowal": "Anna Kowalska, Marek Nowak",
    "udzial_maloletniego": True,
    "cele": "Zofia czuje się bezpiecznie na przerwach.",
    "zadania": [
        {"zadanie": "Konsultacje z psychologiem", "odpowiedzialny": "psycholog szkolny", "termin": "2026-12-12"},
        {"zadanie": "Dyżur na korytarzu 3b", "odpowiedzialny": "wicedyrektor", "termin": "2026-12-18"},
    ],
    "przeglad_co_dni": 14,
    "najblizszy_przeglad": "2026-12-05",
}
#: The same plan as the web form sends it (dates typed the Polish way, the box ticked).
ANSWERS = {
    "plan-opracowal": PLAN["opracowal"],
    "plan-udzial_maloletniego": "tak",
    "plan-cele": PLAN["cele"],
    "plan-zadania-1-zadanie": "Konsultacje z psychologiem",
    "plan-zadania-1-odpowiedzialny": "psycholog szkolny",
    "plan-zadania-1-termin": "12.12.2026",
    "plan-zadania-2-zadanie": "Dyżur na korytarzu 3b",
    "plan-zadania-2-odpowiedzialny": "wicedyrektor",
    "plan-zadania-2-termin": "2026-12-18",
    "plan-zadania-3-zadanie": "",
    "plan-przeglad_co_dni": "14",
    "plan-najblizszy_przeglad": "05.12.2026",
}


#: The meeting's protocol as a --data file has it.
PROTOCOL = {
    "miejsce": "gabinet pedagoga",
    "przekazane_informacje": "Poinformowano o zdarzeniach na przerwach i o wsparciu poradni.",
    "stanowisko_rodzicow": "Matka zgadza się na konsultacje.",
    "ustalenia": "Konsultacja w poradni do 18.12.2026.",
}


@dataclass(frozen=True)
class Procedure:
    """How a test reaches a procedure's cases: the pages' base, the store's collection, the CLI's command."""

    base: str
    collection: str
    command: str

    def case_up_to_plan(self, cli, folder: Path) -> str:
        """A case opened by the CLI with the steps before the plan; returns what the CLI calls it."""
        if self.command == "nk":
            return nk_cli.new_case(cli, folder)
        ref = incident_cli.new_case(cli, folder)
        for kind, day, *extra in (
            ("zespol", "2026-11-17", "--czlonek", "Anna Kowalska", "--czlonek", "Marek Nowak"),
            ("wyjasnienia", "2026-11-18"),
            ("spotkanie", "2026-11-20", "--uczestnik", "Łucja Żak, matka", "--uczestnik", PERSON),
        ):
            incident_cli.ok(incident_cli.step(cli, ref, kind, day, *extra))
        return ref

    def find(self, store, ref: str) -> dict[str, Any]:
        return next(c for c in store.query(self.collection) if ref in (c["id"], c.get(refs.FIELD)))

    def step(self, cli, ref: str, kind: str, day: str, *extra: str):
        return cli(self.command, "step", ref, kind, "--dnia", day, "--osoba", PERSON, *extra)


PROCEDURES = [Procedure("/nk", "nk_cases", "nk"), Procedure("/interwencje", "incidents", "interwencje")]


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setenv("SOMFLOW_TODAY", DAY.isoformat())


def pdf_fields(content: bytes) -> dict[str, str]:
    """The values a PDF's form fields hold, by name."""
    return {name: field.get("/V") for name, field in (PdfReader(io.BytesIO(content)).get_fields() or {}).items()}


def task_deadlines(case: dict[str, Any]) -> list[tuple[date, str]]:
    """The plan's deadlines of a case, without the case's number: when, and what (review, task n)."""
    found = support_plan.deadlines(case, key="", label="", collection="")
    return [(d.due, d.key.rsplit(":", 2)[-2] if ":zadanie:" in d.key else "przeglad") for d in found]


@pytest.mark.parametrize("procedure", PROCEDURES, ids=lambda p: p.command)
def test_a_support_plan_recorded_on_the_case_page_as_the_cli_records_it(procedure, somflow_web, somflow_cli, tmp_path):
    web_ref = procedure.case_up_to_plan(somflow_cli, tmp_path)
    cli_ref = procedure.case_up_to_plan(somflow_cli, tmp_path)
    data = tmp_path / "plan.yaml"
    data.write_text(yaml.safe_dump(PLAN, allow_unicode=True), encoding="utf-8")
    nk_cli.ok(procedure.step(somflow_cli, cli_ref, "plan", "2026-11-21", "--data", str(data)))

    coordinator = somflow_web("koordynator")
    store = coordinator.app.state.workspace.store
    case = procedure.find(store, web_ref)
    page = f"{procedure.base}/{case['id']}"
    form = coordinator.get(page).text
    for name in ("opracowal", "cele", "zadania-1-zadanie", "zadania-5-termin", "najblizszy_przeglad"):
        assert re.search(rf'<label for="f-plan-{name}">[^<]+', form), name  # generated from plan-wsparcia
    assert 'name="plan-dziecko_imie_nazwisko"' not in form and 'name="plan-data_planu"' not in form  # from the case
    assert 'name="plan-zadania-6-zadanie"' not in form  # a few empty rows, as the catalogue's form has

    step = {"csrf": coordinator.csrf, "krok": "plan", "dnia": "21.11.2026", "osoba": PERSON}
    documents = store.query("documents")
    undated = coordinator.post(f"{page}/krok", data={**step, **ANSWERS, "plan-zadania-2-termin": ""})
    assert undated.status_code == 400 and "Dane są niepoprawne, nic nie zapisano:" in undated.text
    assert re.search(r'id="f-plan-zadania-2-termin"[^>]*aria-invalid="true"', undated.text)
    assert '<details class="step-data" id="data-plan" open>' in undated.text  # unfolded to show the problem
    assert re.search(r'<p class="error" id="e-plan-zadania-2-termin-1">[^<]*Termin[^<]*pole wymagane', undated.text)
    assert 'id="f-plan-zadania-1-termin" name="plan-zadania-1-termin" type="text" value="12.12.2026"' in undated.text
    assert procedure.find(store, web_ref) == case and store.query("documents") == documents  # nothing written

    saved = coordinator.post(f"{page}/krok", data={**step, **ANSWERS})
    assert saved.status_code == 303, saved.text
    web_case, cli_case = procedure.find(store, web_ref), procedure.find(store, cli_ref)
    assert web_case["plan"] == cli_case["plan"] == PLAN
    assert web_case["next_review"] == cli_case["next_review"] == "2026-12-05"
    kept = ("step", "date", "person", "details")
    assert {k: web_case["steps"][-1][k] for k in kept} == {k: cli_case["steps"][-1][k] for k in kept}
    assert task_deadlines(web_case) == task_deadlines(cli_case)
    assert task_deadlines(web_case) == [
        (date(2026, 12, 5), "przeglad"),
        (date(2026, 12, 12), "1"),
        (date(2026, 12, 18), "2"),
    ]
    shown = coordinator.get(page).text
    for task in PLAN["zadania"]:
        assert f"<td>{task['zadanie']}</td><td>{task['odpowiedzialny']}</td><td>{task['termin']}</td>" in shown
    assert "Następny przegląd planu: 2026-12-05" in shown
    plan_doc = web_case["documents"][-1]
    assert plan_doc["form"] == "plan-wsparcia" and f'href="{page}/dokumenty/{plan_doc["id"]}"' in shown

    coordinator.post("/lang", data={"csrf": coordinator.csrf, "lang": "en", "next": page})
    english = coordinator.get(page).text
    assert "Support plan for a minor after harm was disclosed (step “Support plan”)" in english
    assert (
        '<label for="f-plan-zadania-1-termin">Due date' in english and "Next review of the plan: 2026-12-05" in english
    )


def test_the_meeting_with_the_parents_keeps_its_protocol_as_the_cli_does(somflow_web, somflow_cli, tmp_path):
    refs_made = []
    for _case in range(2):
        ref = incident_cli.new_case(somflow_cli, tmp_path)
        incident_cli.ok(incident_cli.step(somflow_cli, ref, "zespol", "2026-11-17", "--czlonek", "Anna Kowalska"))
        refs_made.append(ref)
    web_ref, cli_ref = refs_made
    data = tmp_path / "protocol.yaml"
    data.write_text(yaml.safe_dump(PROTOCOL, allow_unicode=True), encoding="utf-8")
    meeting = ("spotkanie", "2026-11-20", "--uczestnik", "Łucja Żak, matka", "--uczestnik", PERSON)
    incident_cli.ok(incident_cli.step(somflow_cli, cli_ref, *meeting, "--data", str(data)))

    coordinator = somflow_web("koordynator")
    store = coordinator.app.state.workspace.store
    procedure = PROCEDURES[1]
    case = procedure.find(store, web_ref)
    page = f"/interwencje/{case['id']}"
    form = coordinator.get(page).text
    for name in PROTOCOL:
        assert re.search(rf'<label for="f-spotkanie-{name}">[^<]+', form), name  # generated from protokol-spotkania
    for name in ("sprawa", "data", "dziecko", "strona", "uczestnicy"):  # the case and the step give them
        assert f'name="spotkanie-{name}"' not in form, name

    step = {
        "csrf": coordinator.csrf,
        "krok": "spotkanie",
        "dnia": "2026-11-20",
        "osoba": PERSON,
        "participants": f"Łucja Żak, matka\n{PERSON}",
        **{f"spotkanie-{name}": text for name, text in PROTOCOL.items()},
    }
    saved = coordinator.post(f"{page}/krok", data=step)
    assert saved.status_code == 303, saved.text
    web_case, cli_case = procedure.find(store, web_ref), procedure.find(store, cli_ref)
    kept = ("step", "date", "person", "details")
    assert {k: web_case["steps"][-1][k] for k in kept} == {k: cli_case["steps"][-1][k] for k in kept}
    (web_doc,) = [d for d in web_case["documents"] if d["form"] == "protokol-spotkania"]
    (cli_doc,) = [d for d in cli_case["documents"] if d["form"] == "protokol-spotkania"]
    assert web_doc["id"] in web_case["steps"][-1]["documents"]

    shown = coordinator.get(page).text
    link = f"{page}/dokumenty/{web_doc['id']}"
    assert f'href="{link}"' in shown
    got = coordinator.get(link)
    assert got.status_code == 200 and got.headers["content-type"] == "application/pdf"
    assert 'filename="int-2026-1-protokol-spotkania-2026-11-20.pdf"' in got.headers["content-disposition"]
    filled = pdf_fields(got.content)
    assert {name: filled[name] for name in PROTOCOL} == PROTOCOL
    assert filled["uczestnicy"] == f"Łucja Żak, matka\n{PERSON}" and filled["sprawa"] == "INT-2026/1"
    cli_filled = pdf_fields(coordinator.get(f"/interwencje/{cli_case['id']}/dokumenty/{cli_doc['id']}").content)
    assert {**cli_filled, "sprawa": "INT-2026/1"} == filled  # the same protocol, but for the case's number
