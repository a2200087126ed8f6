"""Server time of somflow serve's pages for a school of 600 children and 80 staff, beside two peers, in one run.

    .venv/bin/python bench/web.py [--children 600] [--staff 80] [--runs 20]

The unit is built with the same functions as the CLI: the class list through
``somflow.people.classlist.import_file``, the staff list through the vetting
plugin's ``csv_import.import_file`` (the CSVs of bench/consent_print.py and
bench/vetting.py). Each page in the menu of a signed-in head (``dyrektor``: every
page they may open; the consent lookup once the image-consent plugin offers it)
is asked for ``--runs`` times in process through Starlette's TestClient, after
one unmeasured warm-up; the numbers are the medians of a request's wall time
(the goal's measure) and of the process's CPU time (steadier on a shared, busy
machine, where wall time includes waiting for a core).

The dashboard loads the status lines after itself (htmx, ``/stan``): that request
is measured too. Peers, measured in the same loop: a bare Starlette hello-world
page through the same TestClient (the cost of the framework and the test
transport alone), and the data read by the CLI's functions directly (the
dashboard's ``deadlines.collect`` and ``inbox.review.queue``; the status's
``status.lines``: what the pages add is the rest).

Goal (issue 21): every page under 150 ms on this 2-core machine.
"""

from __future__ import annotations

import argparse
import os
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
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route
from starlette.testclient import TestClient
from vetting import make_csv

from somflow import calendar, deadlines, status
from somflow.config import DEMO_VALUES
from somflow.inbox import review
from somflow.people import classlist
from somflow.plugins import PluginHost
from somflow.testing import WEB_PASSWORD, sign_in
from somflow.web import accounts
from somflow.web.app import create_app
from somflow.workspace import Workspace, create

GOAL_MS = 150.0


def median_ms(action: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall time and median CPU time of the process (every thread: the app runs in TestClient's) in ms."""
    action()  # warm-up, unmeasured
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        action()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def get(client: TestClient, path: str) -> Callable[[], object]:
    def request() -> object:
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path}: {response.status_code}")
        return response

    return request


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=600)
    parser.add_argument("--staff", type=int, default=80)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="somflow-bench-web-") as tmp:
        root = create(Path(tmp) / "ws", DEMO_VALUES)
        workspace = Workspace(root, PluginHost(root))
        classlist.import_file(workspace.store, school_csv(Path(tmp) / "klasy.csv", args.children))
        staff = Path(tmp) / "kadry.csv"
        staff.write_text(make_csv(args.staff), encoding="utf-8")
        csv_import.import_file(workspace, staff, date.today())
        accounts.add(workspace, "dyrektor", "dyrektor", WEB_PASSWORD)
        app = create_app(workspace)
        client = TestClient(app, follow_redirects=False)
        sign_in(client, "dyrektor")
        pages = [p.path for p in app.state.pages if p.nav and "GET" in p.methods and "dyrektor" in p.roles]

        hello = TestClient(Starlette(routes=[Route("/", lambda request: HTMLResponse("<p>hello</p>"))]))
        today = calendar.today()

        def dashboard_data() -> object:
            return deadlines.collect(workspace, today, []), review.queue(workspace)

        cases = {f"GET {path}": get(client, path) for path in pages}
        cases["GET /stan (the dashboard's status, loaded after it)"] = get(client, "/stan")
        cases["peer: Starlette hello world"] = get(hello, "/")
        cases["peer: the dashboard's data by the CLI's functions"] = dashboard_data
        cases["peer: the status lines by the CLI's function"] = lambda: status.lines(workspace)
        medians = {name: median_ms(action, args.runs) for name, action in cases.items()}
        people = workspace.store.count("people")
    print(
        f"Server time per page, median of {args.runs} requests in process (TestClient); {people} people in the "
        f"register ({args.children} children, {args.staff} staff); load {os.getloadavg()[0]:.1f}"
    )
    rows = []
    for name, (wall, cpu) in medians.items():
        peer = name.startswith("peer")
        verdict = "" if peer else ("ok" if wall < GOAL_MS else "over")
        rows.append([name, f"{wall:.1f}", f"{cpu:.1f}", "peer" if peer else f"< {GOAL_MS:.0f} ms", verdict])
    print_table(["page", "wall ms", "CPU ms", "goal", ""], rows)


if __name__ == "__main__":
    main()
