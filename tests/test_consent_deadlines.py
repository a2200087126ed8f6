"""Deadlines and counts of the image-consent plugin, through the core's deadline collection."""

from __future__ import annotations

from datetime import date

from somflow.deadlines import collect
from somflow.plugins import PluginHost
from somflow.workspace import Workspace

CLASS = "Imię;Nazwisko;Klasa\nAda;Kowalska;3b\nBartek;Nowak;3b\nCela;Wiśniewska;3b\nDarek;Zieliński;4a\nEwa;Lis;4a\n"


def test_consents_lapsing_within_30_days_grouped_per_class(somflow_cli, somflow_workspace, tmp_path):
    (tmp_path / "k.csv").write_text(CLASS, encoding="utf-8")
    assert somflow_cli("consent", "import", str(tmp_path / "k.csv")).exit_code == 0
    year = ("--from", "2026-09-01", "--to", "2027-08-31")
    for name in ("Ada Kowalska", "Bartek Nowak", "Darek Zieliński"):
        assert (
            somflow_cli(
                "consent",
                "record",
                name,
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
    assert (
        somflow_cli(
            "consent",
            "record",
            "Cela Wiśniewska",
            "--purpose",
            "wszystkie",
            "--photo",
            "wszystkie",
            "--channel",
            "website",
            "--from",
            "2026-09-01",
            "--to",
            "2027-12-31",
        ).exit_code
        == 0
    )
    assert somflow_cli("consent", "record", "Ewa Lis", "--refused").exit_code == 0
    assert somflow_cli("consent", "withdraw", "Bartek Nowak", "--date", "2027-01-10").exit_code == 0
    ws = Workspace(somflow_workspace, PluginHost(somflow_workspace))

    assert [d for d in collect(ws, date(2027, 7, 1)) if d.plugin == "image_consent"] == []  # 61 days ahead
    found = {d.key: d for d in collect(ws, date(2027, 8, 10)) if d.plugin == "image_consent"}
    assert set(found) == {"image_consent:expiry:3b:2027-08-31", "image_consent:expiry:4a:2027-08-31"}
    lapsing = found["image_consent:expiry:3b:2027-08-31"]
    assert lapsing.due == date(2027, 8, 31)
    assert (
        lapsing.title == "Zgody na wizerunek wygasają: klasa 3b, 1 dziecko – zebrać nowe zgody"
    )  # Bartek withdrew, Cela lasts longer
    assert "Ada" not in lapsing.title and 30 in lapsing.stages
    # a renewed consent takes the child off the reminder
    assert (
        somflow_cli(
            "consent",
            "record",
            "Ada Kowalska",
            "--purpose",
            "wszystkie",
            "--photo",
            "wszystkie",
            "--channel",
            "website",
            "--from",
            "2027-09-01",
            "--to",
            "2028-08-31",
        ).exit_code
        == 0
    )
    ws = Workspace(somflow_workspace, PluginHost(somflow_workspace))  # a fresh read, as the next command would do
    keys = {d.key for d in collect(ws, date(2027, 8, 10)) if d.plugin == "image_consent"}
    assert keys == {"image_consent:expiry:4a:2027-08-31"}


def test_unit_summary_counts_without_personal_data(somflow_cli, somflow_workspace, tmp_path):
    (tmp_path / "k.csv").write_text(CLASS, encoding="utf-8")
    somflow_cli("consent", "import", str(tmp_path / "k.csv"))
    somflow_cli(
        "consent",
        "record",
        "Ada Kowalska",
        "--purpose",
        "wszystkie",
        "--photo",
        "wszystkie",
        "--channel",
        "website",
        "--from",
        "2020-09-01",
        "--to",
        "2099-08-31",
    )
    ws = Workspace(somflow_workspace, PluginHost(somflow_workspace))
    results = ws.hook.somflow_unit_summary(workspace=ws)
    counts = dict(next(r for r in results if r and r[0][0].startswith("Dzieci w rejestrze")))
    assert counts["Dzieci w rejestrze zgód na wizerunek"] == 5
    assert counts["Ważne zgody na wizerunek"] == 1
    assert counts["Dzieci bez ważnej zgody na wizerunek"] == 4
    assert all(isinstance(v, int) for v in counts.values())
