"""Survey, report and review dates in `somflow deadlines`, from somflow.toml and the store."""

from __future__ import annotations

import json

import pytest

from somflow.errors import ConfigError


def configure(workspace, text: str) -> None:
    path = workspace / "somflow.toml"
    path.write_text(path.read_text(encoding="utf-8") + "\n[standards]\n" + text, encoding="utf-8")


def due(cli, today: str = "2026-11-23") -> dict[str, str]:
    result = cli("deadlines", "--json", "--today", today)
    assert result.exit_code == 0, result.output
    return {d["key"]: d["due"] for d in json.loads(result.output) if d["plugin"] == "standards"}


def test_report_due_31_march_every_two_years_moved_to_a_working_day(somflow_cli, somflow_workspace):
    assert due(somflow_cli)["standards:report:2026"] == "2026-03-31"  # seed 001: the first report, overdue here

    configure(somflow_workspace, 'first_report = "2029-03-31"\n')
    # 31 March 2029 is a Saturday and 2 April Easter Monday: the next working day is Tuesday 3 April.
    assert due(somflow_cli)["standards:report:2029"] == "2029-04-03"
    assert somflow_cli("standards", "report", "--year", "2029").exit_code == 0
    dates = due(somflow_cli)
    assert "standards:report:2029" not in dates and dates["standards:report:2031"] == "2031-03-31"
    with pytest.raises(Exception, match="nie jest rokiem raportu"):
        somflow_cli("standards", "report", "--year", "2030")


@pytest.mark.parametrize(("interval", "expected"), [(12, "2027-01-11"), (24, "2028-01-10")])
def test_survey_due_after_the_configured_interval(somflow_cli, somflow_workspace, interval, expected):
    configure(somflow_workspace, f"survey_interval_months = {interval}\n")
    assert due(somflow_cli)["standards:survey:personel:2026-03-31"] == "2026-03-31"  # never run: by the first report
    somflow_cli("standards", "survey", "start", "--date", "2026-01-10")
    # 10 January 2027 is a Sunday → Monday the 11th; 10 January 2028 is a Monday.
    assert due(somflow_cli)[f"standards:survey:personel:{expected}"] == expected


def test_review_follows_the_version_and_the_last_review(somflow_cli, somflow_workspace):
    assert not any(k.startswith("standards:review") for k in due(somflow_cli))
    somflow_cli("standards", "version", "add", "2", "--effective", "2026-09-01")
    assert due(somflow_cli)["standards:review:2028-09-01"] == "2028-09-01"
    somflow_cli("standards", "review", "--date", "2027-05-03")  # 3 May is a holiday; 2029-05-03 too → 4 May
    assert due(somflow_cli)["standards:review:2029-05-04"] == "2029-05-04"


def test_a_wrong_interval_names_the_key(somflow_cli, somflow_workspace):
    configure(somflow_workspace, "survey_interval_months = 18\n")
    with pytest.raises(ConfigError, match="standards.survey_interval_months"):
        somflow_cli("deadlines", "--json")


def test_unit_summary_counts(somflow_cli, somflow_workspace):
    from somflow.plugins import PluginHost
    from somflow.workspace import Workspace

    somflow_cli("standards", "people", "add", "Ewa Łoś", "--group", "pracownicy")
    somflow_cli("standards", "people", "add", "Ola Bąk", "--group", "dzieci")
    somflow_cli("standards", "register", "add", "--channel", "telefon", "--summary", "Uwagi do regulaminu wycieczek")
    ws = Workspace(somflow_workspace, PluginHost(somflow_workspace))
    counts = dict(pair for results in ws.hook.somflow_unit_summary(workspace=ws) for pair in results or [])
    assert counts["Brak potwierdzenia Standardów (pracownicy)"] == 1
    assert counts["Brak potwierdzenia Standardów (rodzice i dzieci)"] == 1
    assert counts["Otwarte wpisy rejestru zgłoszeń"] == 1


def test_a_unit_may_schedule_only_the_staff_survey(somflow_cli, somflow_workspace):
    configure(somflow_workspace, 'surveys = ["personel"]\n')
    keys = due(somflow_cli)
    assert any(k.startswith("standards:survey:personel:") for k in keys)
    assert not any(k.startswith("standards:survey:rodzice:") for k in keys)
