"""A separate process that writes to a store and reports each committed id on stdout.

Used by the crash and concurrency tests: ``python store_writer.py STORE_URL UNIT COUNT [BATCH]``.
A line is printed only after the commit returned, so every printed id must survive a kill.
"""

from __future__ import annotations

import sys
from pathlib import Path

from somflow.store import open_store


def main() -> None:
    url, unit, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    batch = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    store = open_store(url, Path.cwd(), unit)
    written = 0
    while written < count:
        with store.transaction():
            ids = [
                store.insert("records", {"n": written + i, "text": "zażółć gęślą jaźń " * 20})["id"]
                for i in range(batch)
            ]
        written += batch
        print(" ".join(ids), flush=True)


if __name__ == "__main__":
    main()
