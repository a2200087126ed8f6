"""Time of listing what is past retention and of one subject-access export, for a school of 600 children and 80 staff.

    .venv/bin/python bench/retention.py [--children 600] [--staff 80] [--cases 40] [--runs 10]

The unit is built as bench/web.py builds it (class list and staff list through the CLI's
import functions), plus one image consent per child and ``--cases`` closed Blue Card cases
(raw records naming a child of the register). Measured, median of ``--runs`` after a warm-up:

* ``past_retention`` — what ``somflow retention`` lists (and ``somflow status`` counts, so the
  dashboard too);
* ``gather`` — everything held about one child (the export without writing the ZIP);
* peer, in the same loop: ``deadlines.collect`` — the other whole-store pass ``status``, the
  dashboard and ``remind`` make.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from consent_print import school_csv
from markdown_table import print_table
from somflow_vetting import csv_import
from vetting import make_csv

from somflow import calendar, deadlines
from somflow.config import DEMO_VALUES
from somflow.people import classlist, export, register
from somflow.plugins import PluginHost
from somflow.retention.due import past_retention
from somflow.workspace import Workspace, create


def median_ms(action: Callable[[], object], runs: int) -> float:
    action()  # warm-up, unmeasured
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=600)
    parser.add_argument("--staff", type=int, default=80)
    parser.add_argument("--cases", type=int, default=40)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="somflow-bench-retention-") as tmp:
        root = create(Path(tmp) / "ws", DEMO_VALUES)
        workspace = Workspace(root, PluginHost(root))
        store = workspace.store
        classlist.import_file(store, school_csv(Path(tmp) / "klasy.csv", args.children))
        staff = Path(tmp) / "kadry.csv"
        staff.write_text(make_csv(args.staff), encoding="utf-8")
        csv_import.import_file(workspace, staff, date.today())
        children = register.listing(store, ["child"])
        with store.transaction():
            for child in children:
                store.insert("image_consents", {"child_id": child["id"], "valid_to": "2027-08-31"})
            for number, child in enumerate(children[: args.cases], start=1):
                store.insert(
                    "nk_cases",
                    {
                        "status": "zamknięta",
                        "short_ref": f"NK-2015/{number}",
                        "nka": {"osoby_doznajace": [{"imie_nazwisko": register.display_name(child)}]},
                        "steps": [{"step": "zamkniecie", "date": "2015-06-01"}],
                    },
                )
        today = calendar.today()
        cases = {
            "past_retention (somflow retention, status)": lambda: past_retention(workspace, today),
            "export.gather (one child)": lambda: export.gather(workspace, children[0], today),
            "peer: deadlines.collect": lambda: deadlines.collect(workspace, today, []),
        }
        rows = [[name, f"{median_ms(action, args.runs):.0f}"] for name, action in cases.items()]
        print(f"{store.count('people')} people, {args.cases} closed cases, {len(children)} consents")
        print_table(["what", "median ms"], rows)


if __name__ == "__main__":
    main()
