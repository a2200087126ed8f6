"""What row-level security keyed on the unit's role costs: the same reads as the unit's own role, as the owner, and bare.

    .venv/bin/python bench/pg_roles.py [--units 50] [--records 750] [--rounds 50]

Seeds ``--units`` units of ``--records`` records each in a temporary durable
PostgreSQL (as the tables' owner), gives one unit its own role
(``somflow.store.pg_roles.add_role``) and times, for that unit, a unit's
typical reads through the store — ``query`` of a collection, ``count``,
``get`` by id — connected as

* the unit's role (the policies look the role up in ``somflow_roles``),
* the tables' owner, who declares its unit in ``somflow.unit`` (the older rule),
* the peer: the same SQL as the PostgreSQL superuser, which row-level security skips.

Median of ``--rounds`` runs each, milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import time

import psycopg
from markdown_table import print_table
from psycopg.types.json import Jsonb

from somflow.store.base import new_id, now_iso
from somflow.store.pg_cluster import TempCluster, new_schema
from somflow.store.pg_roles import add_role
from somflow.store.postgres_store import PostgresStore


def median_ms(action, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=50)
    parser.add_argument("--records", type=int, default=750)
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    with TempCluster(durable=True) as cluster:
        with psycopg.connect(cluster.dsn("postgres"), autocommit=True) as admin:
            admin.execute("ALTER ROLE somflow CREATEROLE")
        url = new_schema(cluster.dsn(), "bench_roles")
        owner = PostgresStore(url, unit="u000")
        stamp = now_iso()
        conn = owner._connection()
        with conn.transaction(), conn.cursor() as cur:
            conn.execute("ALTER TABLE somflow_records NO FORCE ROW LEVEL SECURITY")  # seeding only: every unit at once
            rows = []
            for u in range(args.units):
                unit = f"u{u:03d}"
                for i in range(args.records):
                    doc = {
                        "id": new_id(),
                        "unit": unit,
                        "created": stamp,
                        "updated": stamp,
                        "rev": 1,
                        "schema": 1,
                        "n": i,
                        "grupa": str(i % 24),
                    }
                    rows.append(("children", doc["id"], unit, 1, Jsonb(doc)))
            cur.executemany(
                "INSERT INTO somflow_records (collection, id, unit, rev, doc) VALUES (%s, %s, %s, %s, %s)", rows
            )
        owner.secure()  # FORCE again, as somflow leaves it
        owner._execute("ANALYZE")
        role = add_role(owner, "u000", "bench_u000")
        unit_store = PostgresStore(role.dsn, unit="u000", password=role.pgpass_line.rsplit(":", 1)[1])
        some_id = unit_store.query("children")[0]["id"]
        bare = psycopg.connect(cluster.dsn("postgres", options="-c search_path=bench_roles"), autocommit=True)

        unit_sql = "FROM somflow_records WHERE collection = 'children' AND unit = 'u000'"
        reads = (
            (
                f"query (all {args.records} of the unit)",
                lambda s: s.query("children"),
                f"SELECT doc {unit_sql} ORDER BY id",
                (),
            ),
            ("count", lambda s: s.count("children"), f"SELECT count(*) {unit_sql}", ()),
            ("get by id", lambda s: s.get("children", some_id), f"SELECT doc {unit_sql} AND id = %s", (some_id,)),
        )
        assert (
            len(bare.execute(reads[0][2]).fetchall())
            == len(unit_store.query("children"))
            == len(owner.query("children"))
            == args.records
        )
        rows_out = [
            [
                label,
                f"{median_ms(lambda read=through_store: read(unit_store), args.rounds):.2f}",
                f"{median_ms(lambda read=through_store: read(owner), args.rounds):.2f}",
                f"{median_ms(lambda sql=sql, params=params: bare.execute(sql, params).fetchall(), args.rounds):.2f}",
            ]
            for label, through_store, sql, params in reads
        ]
        print(f"{args.units} units x {args.records} records; median of {args.rounds} runs, ms")
        print_table(
            ["read", "unit's own role (store)", "owner + somflow.unit (store)", "superuser, no RLS (bare SQL)"],
            rows_out,
        )
        bare.close()
        unit_store.close()
        owner.close()


if __name__ == "__main__":
    main()
