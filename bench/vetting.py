"""Vetting benchmark: importing a staff list and computing everyone's state, against the bare floor.

    .venv/bin/python bench/vetting.py [--sizes 100,1000,3000]

For each size: ``csv_import.import_file`` (decode, check every row with
python-stdnum, insert all in one transaction), and the same file imported again (every row
matched to the register's people through somflow.people.match, nothing written), against the peer "parse the CSV
with the csv module and validate each PESEL with stdnum" (what any import must
do at least); and the state of everyone (what ``somflow vetting status`` and
the deadlines hook compute) against a bare ``store.query`` of the collection.
Measured in one run on the same machine.
"""

from __future__ import annotations

import argparse
import csv
import io
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from somflow_vetting import csv_import, records, requirements
from somflow_vetting.people import COLLECTION, FIELDS
from stdnum.pl import pesel as stdnum_pesel

from somflow.config import DEMO_VALUES
from somflow.workspace import Workspace, create


def make_csv(size: int) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(FIELDS)
    for n in range(size):
        body = f"{70 + n % 30:02d}{1 + n % 12:02d}{1 + n % 28:02d}{n % 10000:04d}"
        pesel = body + stdnum_pesel.calc_check_digit(body)
        citizenship = "DE" if n % 7 == 0 else "PL"
        lived = "Wielka Brytania" if n % 5 == 0 else ""
        row = {
            "imie": "Zażółć",
            "nazwisko": f"Gęślą-{n}",
            "pesel": pesel,
            "umowa": "umowa o pracę",
            "rola": "nauczyciel",
            "start": "2026-09-01",
            "obywatelstwa": citizenship,
            "kraje_zamieszkania": lived,
        }
        writer.writerow([row.get(f, "") for f in FIELDS])
    return buffer.getvalue()


def peer_parse(path: Path) -> int:
    ok = 0
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter=";"):
            ok += stdnum_pesel.is_valid(row["pesel"])
    return ok


def timed(fn, repeat: int = 3) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,3000")
    args = parser.parse_args()
    today = date(2026, 8, 20)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            path = Path(tmp) / f"staff-{size}.csv"
            path.write_text(make_csv(size), encoding="utf-8")

            # A fresh, empty workspace for each run, created outside the timing.
            empty = iter([Workspace(create(Path(tempfile.mkdtemp(dir=tmp)) / "w", DEMO_VALUES)) for _ in range(3)])
            ours = timed(lambda path=path, empty=empty: csv_import.import_file(next(empty), path, today))
            peer = timed(lambda path=path: peer_parse(path))
            rows.append(
                (
                    f"{size:,}",
                    "import CSV (check + insert all)",
                    f"{ours * 1e3:.1f} ms",
                    f"{peer * 1e3:.1f} ms",
                    "csv + stdnum only",
                )
            )

            root = create(Path(tmp) / f"s{size}", DEMO_VALUES)
            ws = Workspace(root)
            csv_import.import_file(ws, path, today)
            again = timed(lambda ws=ws, path=path: csv_import.import_file(ws, path, today))
            rows.append(
                (
                    f"{size:,}",
                    "import the same CSV again (all unchanged)",
                    f"{again * 1e3:.1f} ms",
                    f"{peer * 1e3:.1f} ms",
                    "csv + stdnum only",
                )
            )
            states = timed(lambda ws=ws: [requirements.standing(p, ws.config, today) for p in records.all_people(ws)])
            query = timed(lambda ws=ws: ws.store.query(COLLECTION))
            rows.append(
                (
                    f"{size:,}",
                    "state of everyone",
                    f"{states * 1e3:.1f} ms",
                    f"{query * 1e3:.1f} ms",
                    "store.query only",
                )
            )
    header = ("people", "operation", "somflow", "peer", "peer is")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
