"""A separate process of one unit that increments its unit's counter and inserts records for a while.

``python store_unit_writer.py STORE_URL UNIT SECONDS COUNTER_ID`` — used by the
multi-unit concurrency test. Half of the increments are read-modify-write
inside a transaction, half are optimistic (read, then ``update`` with
``expected_rev``, retried on a conflict). At the end it prints one JSON line:
increments done, ids inserted, conflicts met, records of other units seen.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from somflow.errors import ConflictError
from somflow.store import open_store


def main() -> None:
    url, unit, seconds, counter = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
    store = open_store(url, Path.cwd(), unit)
    deadline = time.monotonic() + seconds
    increments = conflicts = foreign = 0
    inserted: list[str] = []
    step = 0
    while time.monotonic() < deadline:
        step += 1
        if step % 2:
            with store.transaction():
                current = store.get("counters", counter)
                store.update("counters", counter, {"n": current["n"] + 1})
                inserted.append(store.insert("records", {"unit_label": unit, "step": step})["id"])
            increments += 1
        else:
            while True:
                current = store.get("counters", counter)
                try:
                    store.update("counters", counter, {"n": current["n"] + 1}, expected_rev=current["rev"])
                    break
                except ConflictError:
                    conflicts += 1
            increments += 1
        if step % 25 == 0:
            foreign += sum(1 for d in store.query("records") if d["unit"] != unit or d["unit_label"] != unit)
            foreign += sum(1 for d in store.query("counters") if d["unit"] != unit)
    print(
        json.dumps({"increments": increments, "inserted": inserted, "conflicts": conflicts, "foreign": foreign}),
        flush=True,
    )


if __name__ == "__main__":
    main()
