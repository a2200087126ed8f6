"""Deadline objects and collecting them from plugins through the somflow_deadlines hook."""

from datetime import date

import pytest
from conftest import english_catalogue, gettext_messages

from somflow import hookimpl
from somflow.deadlines import Deadline, DeadlineError, collect
from somflow.plugins import PluginHost
from somflow.workspace import Workspace

TODAY = date(2026, 11, 23)


class DeadlinePlugin:
    """A test plugin reporting fixed deadlines."""

    def __init__(self, *deadlines):
        self.deadlines = list(deadlines)
        self.calls = []

    @hookimpl
    def somflow_deadlines(self, workspace, today):
        self.calls.append(today)
        return self.deadlines


@pytest.fixture
def workspace(somflow_workspace):
    host = PluginHost(somflow_workspace, only="none")  # the core only; the test registers its own plugins
    return Workspace(somflow_workspace, host)


def test_deadline_masks_pesel_in_title_and_keeps_tuples():
    d = Deadline(
        key="k", title="Zaświadczenie dla 44051401359 do uzupełnienia", due=TODAY, notify=["head"], stages=[3, 0]
    )
    assert "44051401359" not in d.title
    assert d.title == "Zaświadczenie dla *********** do uzupełnienia"
    assert d.notify == ("head",) and d.stages == (3, 0)
    assert d.plugin == "" and d.done is False and d.record is None
    assert Deadline(key="k2", title="t", due=TODAY).stages == (7, 1, 0)
    assert Deadline(key="k2", title="t", due=TODAY).notify == ("coordinator",)
    with pytest.raises(AttributeError):
        d.title = "x"  # frozen


def test_days_left_and_overdue():
    d = Deadline(key="k", title="t", due=date(2026, 11, 20))
    assert d.days_left(TODAY) == -3 and d.overdue(TODAY)
    assert not Deadline(key="k", title="t", due=TODAY).overdue(TODAY)
    assert d.as_json()["due"] == "2026-11-20"


def test_collect_sorts_overdue_first_and_names_the_plugin(workspace):
    a = DeadlinePlugin(
        Deadline(key="a:2", title="Później", due=date(2026, 12, 1)),
        Deadline(key="a:1", title="Po terminie", due=date(2026, 11, 2)),
    )
    b = DeadlinePlugin(Deadline(key="b:1", title="Dziś", due=TODAY))
    workspace.plugins.pm.register(a, name="plugin_a")
    workspace.plugins.pm.register(b, name="plugin_b")
    found = collect(workspace, TODAY)
    assert [d.key for d in found] == ["a:1", "b:1", "a:2"]
    assert [d.plugin for d in found] == ["plugin_a", "plugin_b", "plugin_a"]
    assert a.calls == [TODAY]


def test_collect_refuses_a_duplicate_key_naming_both_plugins(workspace):
    workspace.plugins.pm.register(DeadlinePlugin(Deadline(key="x", title="t", due=TODAY)), name="first_plugin")
    workspace.plugins.pm.register(DeadlinePlugin(Deadline(key="x", title="t", due=TODAY)), name="second_plugin")
    with pytest.raises(DeadlineError) as info:
        collect(workspace, TODAY)
    assert "first_plugin" in str(info.value) and "second_plugin" in str(info.value) and "x" in str(info.value)
    errors: list[str] = []
    assert [d.plugin for d in collect(workspace, TODAY, errors)] == ["first_plugin"]
    assert errors == ["Dwa terminy o tym samym kluczu x: od wtyczki first_plugin i od wtyczki second_plugin."]


def test_a_failing_plugin_is_named_and_others_still_count(workspace):
    class Broken:
        @hookimpl
        def somflow_deadlines(self, workspace, today):
            raise RuntimeError("no store")

    workspace.plugins.pm.register(Broken(), name="broken_plugin")
    workspace.plugins.pm.register(DeadlinePlugin(Deadline(key="ok", title="t", due=TODAY)), name="good_plugin")
    with pytest.raises(DeadlineError, match="broken_plugin"):
        collect(workspace, TODAY)
    errors: list[str] = []
    assert [d.key for d in collect(workspace, TODAY, errors)] == ["ok"]
    assert "broken_plugin" in errors[0] and "no store" in errors[0]


def test_a_plugin_returning_something_else_is_refused(workspace):
    workspace.plugins.pm.register(DeadlinePlugin({"key": "x"}), name="dict_plugin")
    with pytest.raises(DeadlineError, match="dict_plugin"):
        collect(workspace, TODAY)


# --------------------------------------------------------------------------
# somflow deadlines: list, JSON, iCalendar
# --------------------------------------------------------------------------

import json  # noqa: E402

from icalendar import Calendar  # noqa: E402
from reminder_fixtures import PESEL, SeededPlugin, register_plugin, seed  # noqa: E402

SEEDED_TODAY = "2026-12-14"


@pytest.fixture
def seeded_cli(somflow_workspace, somflow_cli, monkeypatch):
    seed(somflow_workspace)
    register_plugin(monkeypatch, SeededPlugin(), "seeded")
    return somflow_cli


def test_list_is_sorted_overdue_first_with_who_and_which_record(seeded_cli):
    result = seeded_cli("deadlines", "--today", SEEDED_TODAY)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("PO TERMINIE") and "2026-12-10 (czw)" in lines[0] and "NK/1/2026" in lines[0]
    assert lines[1].strip().startswith("dla: koordynator; rekord: cases:") and lines[1].endswith("wtyczka: seeded")
    assert lines[2].startswith("DZIŚ") and "NK/2/2026" in lines[2]
    order = [n for line in lines for n in ("NK/1", "NK/2", "NK/3", "(nauczyciel)", "NK/4", "(wychowawca)") if n in line]
    assert order == ["NK/1", "NK/2", "NK/3", "(nauczyciel)", "NK/4", "(wychowawca)"]
    # NK/4 opened Fri 18 Dec: five working days skip 24-26 Dec and the weekend.
    assert any("2026-12-29 (wt)" in line and "NK/4/2026" in line for line in lines)
    # The vetting declaration for a first day on Mon 4 Jan 2027 is due the last working day before: Thu 31 Dec.
    assert any("2026-12-31 (czw)" in line and "(wychowawca)" in line for line in lines)
    assert PESEL not in result.output and "Kowalski" not in result.output


def test_days_limits_the_list_but_keeps_overdue(seeded_cli):
    result = seeded_cli("deadlines", "--today", SEEDED_TODAY, "--days", "3", "--json")
    rows = json.loads(result.output)
    assert [(r["due"], r["days_left"], r["overdue"]) for r in rows] == [
        ("2026-12-10", -4, True),
        ("2026-12-14", 0, False),
        ("2026-12-17", 3, False),
    ]
    assert rows[0]["plugin"] == "seeded" and rows[0]["record"]["collection"] == "cases"
    assert rows[0]["notify"] == ["coordinator"] and rows[0]["key"].startswith("case:")
    assert PESEL not in result.output


def test_ics_file_parses_with_one_event_per_deadline_and_stable_uids(seeded_cli, somflow_workspace, tmp_path):
    first, second = tmp_path / "a.ics", tmp_path / "b.ics"
    result = seeded_cli("deadlines", "--today", SEEDED_TODAY, "--ics", str(first))
    assert result.exit_code == 0 and "Zapisano terminy do pliku" in result.output and ": 6." in result.output
    events = Calendar.from_ical(first.read_bytes()).walk("VEVENT")
    assert len(events) == 6
    by_title = {str(e["SUMMARY"]): e for e in events}
    nk4 = by_title["Przekazać NK-A do Zespołu Interdyscyplinarnego (sprawa NK/4/2026)"]
    assert nk4.decoded("DTSTART") == date(2026, 12, 29) and nk4.decoded("DTEND") == date(2026, 12, 30)
    assert len(nk4.walk("VALARM")) == 3
    assert PESEL.encode() not in first.read_bytes()

    # A new case and another day: the existing events keep their UIDs, so re-importing updates them.
    Workspace(somflow_workspace).store.insert("cases", {"number": "NK/5/2026", "opened": "2026-12-15"})
    seeded_cli("deadlines", "--today", "2026-12-15", "--ics", str(second))
    uids_first = {str(e["UID"]) for e in events}
    uids_second = {str(e["UID"]) for e in Calendar.from_ical(second.read_bytes()).walk("VEVENT")}
    assert uids_first < uids_second and len(uids_second - uids_first) == 1
    cal = Calendar.from_ical(second.read_bytes())
    assert str(cal["VERSION"]) == "2.0" and "somflow" in str(cal["PRODID"])
    sequences = {int(e["SEQUENCE"]) for e in cal.walk("VEVENT")}
    assert len(sequences) == 1 and sequences.pop() >= int(events[0]["SEQUENCE"])  # a newer export wins


def test_status_has_a_deadlines_line(seeded_cli):
    result = seeded_cli("status")
    assert result.exit_code == 0
    assert "Terminy: otwarte: 6" in result.output


def test_english_output(seeded_cli):
    result = seeded_cli("--lang", "en", "deadlines", "--today", SEEDED_TODAY)
    assert result.output.startswith("OVERDUE") and "for: coordinator" in result.output


def test_every_message_has_an_english_entry():
    from pathlib import Path

    import somflow

    catalogue = english_catalogue(Path(somflow.__file__).parent)
    root = Path(somflow.__file__).parent
    missing = []
    for name in (
        "deadlines.py",
        "ics.py",
        "reminders/plan.py",
        "reminders/digest.py",
        "reminders/smtp.py",
        "reminders/plugin.py",
    ):
        missing += [(name, m) for m in gettext_messages([root / name]) if m not in catalogue]
    assert missing == []


def test_docs_example_plugin_runs(somflow_workspace, somflow_cli, monkeypatch):
    import re
    from pathlib import Path

    from conftest import REPO

    text = (REPO / "docs" / "deadlines.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", text, re.S).group(1)
    plugins = Path(somflow_workspace) / "plugins"
    plugins.mkdir()
    (plugins / "consents.py").write_text(code, encoding="utf-8")
    monkeypatch.setenv("SOMFLOW_PLUGINS", "consents")
    store = Workspace(somflow_workspace).store
    store.insert("consents", {"given": "2025-12-24", "group": "3b"})  # lapses Thu 24 Dec 2026: a holiday
    store.insert("consents", {"given": "2025-06-01", "group": "1a", "renewed": True})
    rows = json.loads(somflow_cli("deadlines", "--json", "--today", "2026-12-10").output)
    assert [(r["title"], r["due"], r["plugin"]) for r in rows] == [
        ("Odnowić zgodę na wizerunek (grupa 3b)", "2026-12-23", "consents")
    ]


def test_a_datetime_due_is_taken_as_its_day():
    from datetime import date, datetime

    from somflow.deadlines import Deadline

    mixed = [
        Deadline(key="a", title="A", due=datetime(2026, 12, 24, 15, 30)),
        Deadline(key="b", title="B", due=date(2026, 12, 23)),
    ]
    assert [d.key for d in sorted(mixed, key=lambda d: (d.due, d.key))] == ["b", "a"]
    assert mixed[0].due == date(2026, 12, 24) and mixed[0].days_left(date(2026, 12, 23)) == 1
