"""Standards benchmark: survey import + summary and `missing` through somflow, against a plain peer, same run.

    .venv/bin/python bench/standards.py [--sizes 100,1000,5000]

For each size N it measures, in a fresh workspace:
* importing N anonymous questionnaires from CSV (one store transaction) and
  summarising them (somflow) against reading the same CSV with ``csv`` and
  counting with ``Counter`` in memory (the peer: no validation, no store);
* ``missing`` for N staff members with half acknowledged (somflow) against a
  set difference over two in-memory lists (the peer);
* the report PDF with its chart (somflow only; one number per size).
"""

from __future__ import annotations

import argparse
import csv
import io
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

from somflow_standards import acknowledgments, people, report, settings, survey

from somflow.config import DEMO_VALUES
from somflow.plugins import PluginHost
from somflow.workspace import Workspace, create

QUESTIONS = [
    "zna_standardy",
    "zna_polityke",
    "rozpoznaje_symptomy",
    "wie_jak_reagowac",
    "zaobserwowal_naruszenie",
    "uwagi",
]


def csv_text(n: int) -> str:
    rows = [";".join(QUESTIONS)]
    for i in range(n):
        rows.append(
            ";".join(["tak" if (i + q) % 3 else "nie" for q in range(5)] + ["Więcej szkoleń" if i % 7 == 0 else ""])
        )
    return "\n".join(rows) + "\n"


def timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def run(n: int) -> list[tuple[str, int, float, float]]:
    with tempfile.TemporaryDirectory() as tmp:
        root = create(Path(tmp) / "ws", DEMO_VALUES)
        ws = Workspace(root, PluginHost(root))
        store = ws.store
        path = root / "ankiety.csv"
        path.write_text(csv_text(n), encoding="utf-8")
        round_rec = survey.start_round(store, "personel", date(2026, 10, 5))

        def ours():
            survey.import_csv(store, round_rec, path)
            return survey.summarize(store, round_rec)

        def peer():
            counts: dict[str, Counter] = {q: Counter() for q in QUESTIONS[:5]}
            for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")), delimiter=";"):
                for q in QUESTIONS[:5]:
                    counts[q][row[q] or "brak"] += 1
            return counts

        t_ours, summary = timed(ours)
        t_peer, counts = timed(peer)
        assert dict(summary.questions[0].counts) == dict(counts["zna_standardy"])

        with store.transaction():
            staff = [store.insert("staff", {"imie": "Zażółć", "nazwisko": f"Gęślą-{i}"}) for i in range(n)]
        with store.transaction():
            for p in people.everyone(store)[: n // 2]:
                acknowledgments.record(store, p, version="1", day=date(2026, 9, 1), document=f"D{p.id}")
        m_ours, found = timed(lambda: acknowledgments.missing(store))
        done = {a["person"]["id"] for a in store.query(acknowledgments.ACKS)}
        m_peer, expected = timed(lambda: [s for s in staff if s["id"] not in done])
        assert len(found) == len(expected) == n - n // 2

        r_ours, _ = timed(lambda: report.generate(ws, settings.load(ws.config), 2026, date(2026, 11, 23)))
        return [
            ("survey: CSV import + summary", n, t_ours, t_peer),
            ("missing acknowledgments", n, m_ours, m_peer),
            ("report PDF with chart", n, r_ours, float("nan")),
        ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,5000")
    sizes = [int(s) for s in parser.parse_args().sizes.split(",")]
    print(f"{'what':<32} {'N':>6} {'somflow s':>10} {'peer s':>9} {'ratio':>7}")
    for n in sizes:
        for what, size, ours, peer in run(n):
            ratio = f"{ours / peer:7.1f}" if peer == peer and peer > 0 else "      –"
            peer_text = f"{peer:9.4f}" if peer == peer else "        –"
            print(f"{what:<32} {size:>6} {ours:10.4f} {peer_text} {ratio}")


if __name__ == "__main__":
    main()
