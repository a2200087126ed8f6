"""A seeded workspace for reminder tests: cases and people whose deadlines fall before, on and after TODAY.

``seeded_deadlines`` is what a plugin computes from the store; tests register
it as a class (:class:`SeededPlugin`) or, for a separate process, as a
workspace plugin file (:func:`install_plugin_file`).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from somflow import hookimpl
from somflow.calendar import add_working_days, previous_working_day
from somflow.deadlines import Deadline
from somflow.plugins import PluginHost
from somflow.workspace import Workspace

TODAY = date(2026, 12, 14)  # a Monday
COORDINATOR = "koordynator@sp7.example.pl"
HEAD = "dyrektor@sp7.example.pl"
PESEL = "44051401359"

#: (case number, opened): NK-A is due 5 working days after the case was opened.
CASES = [
    ("NK/1/2026", date(2026, 12, 3)),  # due Thu 10 Dec: overdue
    ("NK/2/2026", date(2026, 12, 7)),  # due Mon 14 Dec: today
    ("NK/3/2026", date(2026, 12, 10)),  # due Thu 17 Dec: in 3 days
    ("NK/4/2026", date(2026, 12, 18)),  # due Tue 29 Dec (Christmas in between): not yet
]
#: (role, first day of work): the vetting declaration is due on the last working day before it.
PEOPLE = [
    ("nauczyciel", date(2026, 12, 22)),  # due Mon 21 Dec: 7 days ahead
    ("wychowawca", date(2027, 1, 4)),  # due Thu 31 Dec: 17 days ahead
]


def seeded_deadlines(workspace, today):
    out = []
    for case in workspace.store.query("cases"):
        out.append(
            Deadline(
                key=f"case:{case['id']}:nk-a",
                title=f"Przekazać NK-A do Zespołu Interdyscyplinarnego (sprawa {case['number']})",
                due=add_working_days(date.fromisoformat(case["opened"]), 5),
                record={"collection": "cases", "id": case["id"]},
            )
        )
    for person in workspace.store.query("people"):
        start = date.fromisoformat(person["start"])
        out.append(
            Deadline(
                key=f"person:{person['id']}:vetting",
                title=f"Oświadczenie o niekaralności przed pierwszym dniem pracy ({person['role']})",
                due=previous_working_day(start - timedelta(days=1)),
                record={"collection": "people", "id": person["id"]},
                notify=("head",),
                stages=(14, 7, 1, 0),
            )
        )
    return out


class SeededPlugin:
    """The test plugin, registered inside a test."""

    @hookimpl
    def somflow_deadlines(self, workspace, today):
        return seeded_deadlines(workspace, today)


PLUGIN_FILE = """\
import sys
sys.path.insert(0, {tests!r})
import reminder_fixtures
from somflow import hookimpl


@hookimpl
def somflow_deadlines(workspace, today):
    return reminder_fixtures.seeded_deadlines(workspace, today)
"""


def seed(root: Path) -> None:
    store = Workspace(root).store
    with store.transaction():
        for number, opened in CASES:
            store.insert("cases", {"number": number, "opened": opened.isoformat(), "child_pesel": PESEL})
        for role, start in PEOPLE:
            store.insert("people", {"role": role, "start": start.isoformat(), "name": "Jan Kowalski", "pesel": PESEL})


def install_plugin_file(root: Path) -> None:
    """The same plugin as a workspace plugin (``plugins/seeded.py``), for ``somflow`` run as a process."""
    (root / "plugins").mkdir(exist_ok=True)
    (root / "plugins" / "seeded.py").write_text(PLUGIN_FILE.format(tests=str(Path(__file__).parent)), encoding="utf-8")


def register_plugin(monkeypatch: pytest.MonkeyPatch, plugin: object, name: str) -> None:
    """Make every PluginHost (the CLI's too) register ``plugin``; other plugins stay out."""
    monkeypatch.setenv("SOMFLOW_PLUGINS", "none")
    original = PluginHost.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.pm.register(plugin, name=name)

    monkeypatch.setattr(PluginHost, "__init__", init)


def sent_records(root: Path, status: str = "sent") -> list[dict]:
    return [r for r in Workspace(root).store.query("reminders_sent") if r["status"] == status]


def bodies(message) -> tuple[str, str]:
    """(plain text, HTML) of a received reminder."""
    plain, html = (message.get_body((kind,)).get_content().replace("\r\n", "\n") for kind in ("plain", "html"))
    return plain, html
