"""Reminder benchmark: ``somflow remind`` on 100 and 1000 cases, and planning with the ledger read once
against the naive peer that asks the store about every reminder, measured in the same run.

    .venv/bin/python bench/reminders.py [--sizes 100,1000]

Each case has one deadline, spread over the 20 days around today and over 20
recipients, so the first run sends 20 digests (a real aiosmtpd on loopback)
and the second sends nothing. "plan" is the work of deciding what is due
with a full ledger (after the first run): somflow loads the ledger with one
query; the peer runs one store query per (deadline, stage, recipient).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

from click.testing import CliRunner

from somflow.cli import cli
from somflow.config import DEMO_VALUES
from somflow.deadlines import collect
from somflow.plugins import PluginHost
from somflow.reminders.ledger import COLLECTION, Ledger
from somflow.reminders.plan import plan
from somflow.testing import smtp_sink
from somflow.workspace import Workspace, create

sys.path.insert(0, str(Path(__file__).parent))
from store import timed

TODAY = date(2026, 12, 14)

PLUGIN = """\
from datetime import date
from somflow import hookimpl
from somflow.calendar import add_working_days
from somflow.deadlines import Deadline


@hookimpl
def somflow_deadlines(workspace, today):
    return [
        Deadline(
            key=f"case:{c['id']}",
            title=f"Przekazać NK-A (sprawa {c['number']})",
            due=add_working_days(date.fromisoformat(c["opened"]), 5),
            record={"collection": "cases", "id": c["id"]},
            notify=(c["teacher"], "coordinator"),
        )
        for c in workspace.store.query("cases")
    ]
"""


class NaiveLedger(Ledger):
    """The peer: one store query per reminder instead of one for the whole ledger."""

    def __init__(self, store):
        super().__init__(store, [])

    def status(self, entry):
        key, stage, recipient = entry
        found = self.store.query(COLLECTION, {"deadline": key, "stage": stage, "recipient": recipient})
        return found[0]["status"] if found else None


def bench_size(size: int, folder: Path) -> tuple[str, ...]:
    root = create(folder / f"ws-{size}", DEMO_VALUES)
    (root / "plugins").mkdir()
    (root / "plugins" / "bench_cases.py").write_text(PLUGIN, encoding="utf-8")
    store = Workspace(root).store
    with store.transaction():
        for i in range(size):
            opened = TODAY - timedelta(days=i % 20 - 5)
            store.insert(
                "cases",
                {"number": f"NK/{i}/2026", "opened": opened.isoformat(), "teacher": f"n{i % 20}@sp7.example.pl"},
            )
    runner = CliRunner()
    args = ["--workspace", str(root), "remind", "--today", TODAY.isoformat()]
    with smtp_sink(folder / f"smtp-{size}") as sink:
        sink.configure(root)
        first = timed(lambda: runner.invoke(cli, args, catch_exceptions=False))
        sent = len(sink.messages)
        second = timed(lambda: runner.invoke(cli, args, catch_exceptions=False), repeat=3)
        assert len(sink.messages) == sent, "the second run must send nothing"

    workspace = Workspace(root, PluginHost(root, only="bench_cases"))
    deadlines = collect(workspace, TODAY)
    ours = timed(lambda: plan(deadlines, TODAY, workspace.config, Ledger.load(workspace.store)), repeat=3)
    peer = timed(lambda: plan(deadlines, TODAY, workspace.config, NaiveLedger(workspace.store)), repeat=1)
    assert plan(deadlines, TODAY, workspace.config, NaiveLedger(workspace.store)).count == 0
    records = workspace.store.count(COLLECTION)
    return (
        f"{size:,}",
        f"{sent}",
        f"{records:,}",
        f"{first:.2f} s",
        f"{second:.2f} s",
        f"{ours * 1e3:.1f} ms",
        f"{peer * 1e3:.1f} ms",
        f"{peer / ours:.0f}×",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000")
    sizes = [int(s) for s in parser.parse_args().sizes.split(",")]
    header = (
        "cases",
        "e-mails",
        "ledger rows",
        "1st remind",
        "2nd remind",
        "plan: ledger once",
        "plan: query each (peer)",
        "speed-up",
    )
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            rows.append(bench_size(size, Path(tmp)))
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths)))
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(c.rjust(w) for c, w in zip(row, widths)))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
