"""NK-A is due 5 working days after the start (from the next day; weekends and Polish holidays skipped)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from nk_cli import PEDAGOG, new_case, ok, start
from nk_data import payload
from somflow_niebieska_karta.due import nka_due

from somflow.deadlines import collect
from somflow.plugins import PluginHost
from somflow.workspace import Workspace

CASES = [
    ("2026-11-20", "2026-11-27"),  # Friday → next Friday
    ("2026-12-22", "2026-12-31"),  # 24–26 December skipped (24 December a holiday since 2025)
    ("2026-12-23", "2027-01-04"),  # Christmas, New Year and a weekend
    ("2026-12-17", "2026-12-28"),  # Thursday before Christmas
    ("2026-11-09", "2026-11-17"),  # 11 November (Wednesday)
    ("2026-04-29", "2026-05-07"),  # 1 May (Friday); 3 May falls on a Sunday
    ("2027-04-29", "2027-05-07"),  # 3 May (Monday); 1 May on a Saturday
    ("2027-03-25", "2027-04-02"),  # Easter Monday 2027-03-29
    ("2026-06-01", "2026-06-09"),  # Corpus Christi 2026-06-04
]


@pytest.mark.parametrize("start_day,due", CASES)
def test_due_date_rule(start_day, due):
    assert nka_due(date.fromisoformat(start_day)) == date.fromisoformat(due)


def deadlines_on(root, day: date) -> list:
    """The core's view of the deadlines, from a freshly opened workspace (as ``somflow deadlines`` sees them)."""
    ws = Workspace(root, PluginHost(root))
    return collect(ws, day)


def _case_started_on(cli, folder, monkeypatch, day: str) -> str:
    monkeypatch.setenv("SOMFLOW_TODAY", day)
    data = payload()
    data["notatka"].update(data_powziecia=day, data_sporzadzenia=day)
    del data["nka"]["osoby_doznajace"][0]["wiek"]  # the PESEL gives the age on any start date
    case_id = new_case(cli, folder, data=data)
    start(cli, case_id, day)
    return case_id


@pytest.mark.parametrize("start_day,due", [CASES[0], CASES[1], CASES[2], CASES[6]])
def test_due_date_through_the_cli_and_the_deadline_hook(
    somflow_cli, somflow_workspace, tmp_path, monkeypatch, start_day, due
):
    case_id = _case_started_on(somflow_cli, tmp_path, monkeypatch, start_day)
    listing = ok(somflow_cli("nk", "list"))
    assert case_id in listing and f"termin: {due}" in listing and "PO TERMINIE" not in listing
    found = {d.key: d for d in deadlines_on(somflow_workspace, date.fromisoformat(start_day))}
    deadline = found[f"nk:{case_id}:nk-a"]
    assert deadline.due == date.fromisoformat(due) and deadline.plugin == "niebieska_karta"
    assert deadline.record == {"collection": "nk_cases", "id": case_id}
    assert "Żak" not in deadline.title and "Zofia" not in deadline.title


def test_overdue_is_marked_and_counted_until_delivered(somflow_cli, somflow_workspace, tmp_path, monkeypatch):
    case_id = _case_started_on(somflow_cli, tmp_path, monkeypatch, "2026-12-22")
    monkeypatch.setenv("SOMFLOW_TODAY", "2026-12-31")
    assert "PO TERMINIE" not in ok(somflow_cli("nk", "list"))  # the due day itself is still on time
    monkeypatch.setenv("SOMFLOW_TODAY", "2027-01-04")
    listing = ok(somflow_cli("nk", "list"))
    assert "termin: 2026-12-31  PO TERMINIE" in listing
    assert "NK-A po terminie: 1" in ok(somflow_cli("status"))
    assert "PO TERMINIE" in ok(somflow_cli("nk", "show", case_id))
    assert deadlines_on(somflow_workspace, date(2027, 1, 4))[0].overdue(date(2027, 1, 4))
    import json

    listed = json.loads(ok(somflow_cli("deadlines", "--json", "--today", "2027-01-04")))
    nka = [d for d in listed if d["key"] == f"nk:{case_id}:nk-a"]
    assert nka and nka[0]["due"] == "2026-12-31" and nka[0]["plugin"] == "niebieska_karta"
    assert "Żak" not in json.dumps(listed, ensure_ascii=False)
    ok(somflow_cli("nk", "step", case_id, "nk-a", "--dnia", "2027-01-04", "--osoba", PEDAGOG, "--sposob", "osobiscie"))
    assert "NK-A po terminie: 0" in ok(somflow_cli("status"))
    assert not [d for d in deadlines_on(somflow_workspace, date(2027, 1, 4)) if d.key.endswith(":nk-a")]
    ws = Workspace(somflow_workspace, PluginHost(somflow_workspace))
    summary = ws.hook.somflow_unit_summary(workspace=ws)
    assert [("Otwarte sprawy NK", 1), ("NK-A po terminie", 0)] in summary


def test_support_plan_review_is_a_deadline(somflow_cli, somflow_workspace, tmp_path, monkeypatch):
    case_id = _case_started_on(somflow_cli, tmp_path, monkeypatch, "2026-11-20")
    from nk_data import write

    plan = {
        "cele": "Dziecko czuje się bezpiecznie w szkole i w domu.",
        "opracowal": "Zespół interwencyjny",
        "najblizszy_przeglad": "2026-12-18",
        "zadania": [
            {"zadanie": "Konsultacje z psychologiem", "odpowiedzialny": "psycholog szkolny", "termin": "2026-12-04"}
        ],
    }
    ok(
        somflow_cli(
            "nk",
            "step",
            case_id,
            "plan",
            "--dnia",
            "2026-11-20",
            "--osoba",
            PEDAGOG,
            "--data",
            str(write(tmp_path / "plan.yaml", plan)),
        )
    )
    keys = {d.key: d.due for d in deadlines_on(somflow_workspace, date(2026, 11, 20))}
    assert keys[f"nk:{case_id}:przeglad:2026-12-18"] == date(2026, 12, 18)
    monkeypatch.setenv("SOMFLOW_TODAY", "2026-12-18")
    ok(
        somflow_cli(
            "nk",
            "step",
            case_id,
            "przeglad",
            "--osoba",
            PEDAGOG,
            "--nastepny-przeglad",
            str(date(2026, 12, 18) + timedelta(days=28)),
        )
    )
    keys = {d.key: d.due for d in deadlines_on(somflow_workspace, date(2026, 12, 18))}
    assert f"nk:{case_id}:przeglad:2026-12-18" not in keys and keys[f"nk:{case_id}:przeglad:2027-01-15"] == date(
        2027, 1, 15
    )
