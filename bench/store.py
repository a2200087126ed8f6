"""Store benchmark: somflow's TinyDB store, somflow's PostgreSQL store and plain TinyDB (JSONStorage) in the same run.

    .venv/bin/python bench/store.py [--sizes 1000,10000,50000] [--pg-dsn URL]

PostgreSQL: a temporary local server started for the run with durable
settings (fsync and synchronous commit on, like the TinyDB store's fsync per
commit), or the server given by ``--pg-dsn`` / ``SOMFLOW_BENCH_PG_DSN``.

For each store size it measures: one insert per commit, 1 000 inserts (somflow:
one transaction; plain TinyDB: 1 000 ``insert`` calls, its only way to make
1 000 durable inserts), get by id, and query by a field. Plain TinyDB rewrites
its whole file on every insert, so at large sizes its 1 000 inserts are
extrapolated from fewer (marked with ``~``).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from markdown_table import print_table
from tinydb import Query, TinyDB

from somflow.store import TinyDBStore


def record(n: int) -> dict:
    return {
        "kind": "staff" if n % 3 else "child",
        "n": n,
        "first_name": "Zażółć",
        "last_name": f"Gęślą-{n}",
        "group": f"{n % 8 + 1}b",
        "address": {"street": "ul. Źródlana 12", "postal_code": "81-001", "city": "Gdynia"},
        "items": [{"name": "rspts", "status": "missing"}, {"name": "krk", "status": "received"}],
    }


def timed(fn, repeat: int = 1) -> float:
    """Median seconds of ``repeat`` runs of ``fn``."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def bench_size(size: int, folder: Path, pg_url: str) -> list[tuple[str, str, str, str, str]]:
    pg_rows = bench_postgres(size, pg_url)
    rows = []
    ours = TinyDBStore(folder / f"somflow-{size}.json", unit="bench")
    with ours.transaction():
        ids = [ours.insert("records", record(i))["id"] for i in range(size)]
    plain = TinyDB(folder / f"plain-{size}.json")
    plain_ids = plain.insert_multiple(record(i) for i in range(size))

    # one insert per commit
    k = 50 if size <= 10_000 else 10
    ours_one = timed(lambda: [ours.insert("records", record(-1)) for _ in range(k)]) / k
    plain_one = timed(lambda: [plain.insert(record(-1)) for _ in range(k)]) / k
    rows.append((f"{size:,}", "insert, 1 per commit", f"{ours_one * 1e3:.2f} ms", f"{plain_one * 1e3:.2f} ms"))

    # 1 000 inserts: one transaction vs 1 000 plain inserts
    def ours_batch():
        with ours.transaction():
            for _ in range(1000):
                ours.insert("records", record(-2))

    ours_txn = timed(ours_batch)
    sample = 1000 if size <= 1_000 else 100 if size <= 10_000 else 20
    plain_batch = timed(lambda: [plain.insert(record(-2)) for _ in range(sample)]) * (1000 / sample)
    mark = "" if sample == 1000 else "~"
    rows.append(
        (
            f"{size:,}",
            "1k inserts (one txn / 1k calls)",
            f"{ours_txn * 1e3:.1f} ms",
            f"{mark}{plain_batch * 1e3:.0f} ms  ({plain_batch / ours_txn:.0f}x)",
        )
    )

    # get by id
    probe = ids[:: max(1, len(ids) // 200)]
    ours_get = timed(lambda: [ours.get("records", i) for i in probe], repeat=3) / len(probe)
    plain_probe = plain_ids[:: max(1, len(plain_ids) // 20)]
    plain_get = timed(lambda: [plain.get(doc_id=i) for i in plain_probe]) / len(plain_probe)
    rows.append((f"{size:,}", "get by id", f"{ours_get * 1e3:.3f} ms", f"{plain_get * 1e3:.3f} ms"))

    # query by a field
    ours_q = timed(lambda: ours.query("records", {"group": "3b"}), repeat=3)
    plain.clear_cache()
    plain_q = timed(lambda: (plain.clear_cache(), plain.search(Query().group == "3b")), repeat=3)
    rows.append((f"{size:,}", "query by field", f"{ours_q * 1e3:.1f} ms", f"{plain_q * 1e3:.1f} ms"))
    plain.close()
    return [(r[0], r[1], r[2], pg, r[3]) for r, pg in zip(rows, pg_rows)]


def bench_postgres(size: int, url: str) -> list[str]:
    """The same workload on the PostgreSQL store, in a schema of its own: one cell per operation."""
    from somflow.store.pg_cluster import new_schema
    from somflow.store.postgres_store import PostgresStore

    pg = PostgresStore(new_schema(url, f"bench_{size}"), unit="bench")
    with pg.transaction():
        ids = [pg.insert("records", record(i))["id"] for i in range(size)]
    pg._execute("ANALYZE somflow_records")
    k = 50 if size <= 10_000 else 10
    one = timed(lambda: [pg.insert("records", record(-1)) for _ in range(k)]) / k

    def batch():
        with pg.transaction():
            for _ in range(1000):
                pg.insert("records", record(-2))

    txn = timed(batch)
    probe = ids[:: max(1, len(ids) // 200)]
    get = timed(lambda: [pg.get("records", i) for i in probe], repeat=3) / len(probe)
    query = timed(lambda: pg.query("records", {"group": "3b"}), repeat=3)
    pg.close()
    return [f"{one * 1e3:.2f} ms", f"{txn * 1e3:.1f} ms", f"{get * 1e3:.3f} ms", f"{query * 1e3:.1f} ms"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument(
        "--pg-dsn",
        default=os.environ.get("SOMFLOW_BENCH_PG_DSN"),
        help="an existing PostgreSQL (URL) instead of a temporary one",
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    with contextlib.ExitStack() as stack:
        pg_url = args.pg_dsn
        if not pg_url:
            from somflow.store.pg_cluster import TempCluster

            pg_url = stack.enter_context(TempCluster(durable=True)).dsn()
        tmp = stack.enter_context(tempfile.TemporaryDirectory())
        for size in sizes:
            rows += bench_size(size, Path(tmp), pg_url)
            print(f"... {size:,} done", file=sys.stderr, flush=True)
    header = ("records", "operation", "somflow TinyDB store", "somflow PostgreSQL store", "plain TinyDB (JSONStorage)")
    print_table(header, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
