"""Municipality benchmark: 200 units in one PostgreSQL database against one unit's TinyDB file, same run.

    .venv/bin/python bench/municipality.py [--units 200] [--pg-dsn URL]

Seeds every unit with 100 staff, 600 children and 50 cases (the issue's
sizes) in PostgreSQL, and one unit's identical data in a TinyDB workspace.
Then measures, in process (no interpreter start-up), with every installed
plugin plus a reference plugin that does what the procedure plugins do
(open cases → a deadline each, staff not cleared, children without consent):

* deadlines for all units — ``somflow_deadlines`` for each unit;
* one unit's status — ``somflow_status`` (``somflow status``);
* report across units — ``somflow report units`` (``somflow_unit_summary`` per unit).

Goals (issue 11): all-unit deadlines under 2 s; a unit's status under 200 ms.
PostgreSQL runs with durable settings on a temporary local server unless
``--pg-dsn`` / ``SOMFLOW_BENCH_PG_DSN`` names one.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

from markdown_table import print_table

from somflow import hookimpl
from somflow.config import DEMO_VALUES
from somflow.municipality import unit_rows, unit_workspace
from somflow.plugins import PluginHost
from somflow.store.base import new_id, now_iso
from somflow.workspace import Workspace, create

STAFF, CHILDREN, CASES = 100, 600, 50
TODAY = date(2026, 11, 23)


def unit_data(unit: str) -> dict[str, list[dict]]:
    stamp = now_iso()

    def meta(doc: dict) -> dict:
        return {**doc, "id": new_id(), "unit": unit, "created": stamp, "updated": stamp, "rev": 1, "schema": 1}

    staff = [
        meta(
            {
                "imie": "Zażółć",
                "nazwisko": f"Gęślą-{i}",
                "stanowisko": "nauczyciel",
                "cleared": i % 10 != 0,
                "checks": [
                    {"name": "krk", "status": "received" if i % 10 else "missing"},
                    {"name": "rspts", "status": "received"},
                ],
            }
        )
        for i in range(STAFF)
    ]
    children = [
        meta(
            {
                "imie": "Józio",
                "nazwisko": f"Źdźbło-{i}",
                "grupa": f"{i % 24 + 1}",
                "pesel": "44051401359",
                "consent": {"status": "udzielona" if i % 7 else "brak", "until": "2027-08-31"},
            }
        )
        for i in range(CHILDREN)
    ]
    cases = [
        meta(
            {
                "status": "otwarta" if i % 5 == 0 else "zamknięta",
                "opened": (TODAY - timedelta(days=i)).isoformat(),
                "child": children[i]["id"],
                "nk_a_delivered": i % 10 == 0,
            }
        )
        for i in range(CASES)
    ]
    return {"staff": staff, "children": children, "cases": cases}


class ReferencePlugin:
    """What the procedure plugins ask of the store per unit, as hooks (counts and due dates only)."""

    @staticmethod
    @hookimpl
    def somflow_deadlines(workspace, today):
        due = []
        for case in workspace.store.query("cases", {"status": "otwarta"}):
            opened = date.fromisoformat(case["opened"])
            due.append(
                SimpleNamespace(
                    key=f"nk:{case['id']}",
                    title="Doręczenie NK-A",
                    due=opened + timedelta(days=7),
                    done=case["nk_a_delivered"],
                )
            )
        for person in workspace.store.query("staff", {"cleared": False}):
            due.append(
                SimpleNamespace(key=f"vet:{person['id']}", title="Weryfikacja pracownika", due=today, done=False)
            )
        return due

    @staticmethod
    @hookimpl
    def somflow_unit_summary(workspace):
        store = workspace.store
        return [
            ("Otwarte sprawy NK", store.count("cases", {"status": "otwarta"})),
            ("NK-A po terminie", store.count("cases", {"status": "otwarta", "nk_a_delivered": False})),
            ("Pracownicy niezweryfikowani", store.count("staff", {"cleared": False})),
            ("Brak zgody", store.count("children", {"consent.status": "brak"})),
        ]


def timed(fn, repeat: int = 3) -> tuple[tuple[float, float], object]:
    """(first run, median of the rest) in seconds, and the result. The first run is cold for the
    TinyDB store's query cache; later ones are served from it until another process writes."""
    runs, result = [], None
    for _ in range(repeat + 1):
        start = time.perf_counter()
        result = fn()
        runs.append(time.perf_counter() - start)
    return (runs[0], statistics.median(runs[1:])), result


def workspace_at(root: Path, toml_extra: str = "") -> Workspace:
    create(root, DEMO_VALUES)
    if toml_extra:
        toml = root / "somflow.toml"
        toml.write_text(toml.read_text(encoding="utf-8") + toml_extra, encoding="utf-8")
    host = PluginHost(root)
    host.pm.register(ReferencePlugin, name="bench-reference")
    return Workspace(root, host)


def measure(ws: Workspace, units: list[str]) -> list[tuple[float, str]]:
    def all_deadlines():
        found = 0
        for unit in units:
            view = unit_workspace(ws, unit)
            found += sum(len(r or []) for r in ws.hook.somflow_deadlines(workspace=view, today=TODAY))
        return found

    def one_status():
        view = unit_workspace(ws, units[len(units) // 2])
        return sum(len(r or []) for r in ws.hook.somflow_status(workspace=view))

    deadlines_s, n_deadlines = timed(all_deadlines)
    status_s, n_lines = timed(one_status, repeat=5)
    report_s, (labels, rows) = timed(lambda: unit_rows(ws, units))
    return [
        (deadlines_s, f"{n_deadlines:,} deadlines"),
        (status_s, f"{n_lines} lines"),
        (report_s, f"{len(rows)} rows × {len(labels)} columns"),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--pg-dsn", default=os.environ.get("SOMFLOW_BENCH_PG_DSN"))
    args = parser.parse_args()
    units = [f"u{i:03d}" for i in range(args.units)]
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        pg_url = args.pg_dsn
        if not pg_url:
            from somflow.store.pg_cluster import TempCluster

            pg_url = stack.enter_context(TempCluster(durable=True)).dsn()
        from somflow.store.pg_cluster import new_schema

        pg_url = new_schema(pg_url, "bench_municipality")
        pg_ws = workspace_at(tmp / "gmina", f'\n[store]\nbackend = "postgres"\ndsn = "{pg_url}"\n')
        start = time.perf_counter()
        for unit in units:
            store = pg_ws.store.for_unit(unit)
            with store.transaction():
                for name, docs in unit_data(unit).items():
                    store._import_documents(name, docs)
                store._import_audit([])
        pg_ws.store._execute("ANALYZE")
        print(
            f"... seeded {len(units)} units ({len(units) * (STAFF + CHILDREN + CASES):,} records) in {time.perf_counter() - start:.0f} s",
            file=sys.stderr,
        )

        tiny_ws = workspace_at(tmp / "szkola")
        tiny = tiny_ws.store.for_unit(units[0])
        with tiny.transaction():
            for name, docs in unit_data(units[0]).items():
                for doc in docs:
                    tiny._write(name, doc["id"], doc)
                tiny._audit(name, docs[0]["id"], "insert")

        pg = measure(pg_ws, units)
        one = measure(tiny_ws, [units[0]])
        pg_ws.store.close()

    goals = ["< 2 s", "< 200 ms", "—"]
    names = ["deadlines, all units (one unit on TinyDB)", "status of one unit", "report units (somflow_unit_summary)"]
    header = (
        "operation",
        f"PostgreSQL, {len(units)} units: first / again",
        "TinyDB, 1 unit: first / again",
        "goal",
        "PostgreSQL result",
        "TinyDB result",
    )
    ms = lambda t: f"{t[0] * 1e3:.1f} ms / {t[1] * 1e3:.1f} ms"  # noqa: E731
    rows = [(name, ms(p[0]), ms(t[0]), goal, p[1], t[1]) for name, p, t, goal in zip(names, pg, one, goals)]
    print_table(header, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
