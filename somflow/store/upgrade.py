"""Bringing a unit's records to the layout this somflow expects, automatically, on first use.

The layout version of a unit's data is a record of the collection ``store_schema``
(``{"version": N}``, one per unit), so it lives in the store on every backend and
changes in the same transaction as the records it describes. A unit without that
record is at version 1 (every workspace made before the versions were counted).

:func:`bring_up_to_date` runs each step newer than the unit's version, in this
order, inside ONE transaction (the store's lock is held throughout):

1. the step looks at the records and says whether it has anything to change; a unit
   with nothing of the old layout (a new workspace) is left untouched — no write,
   no backup, no audit entry;
2. otherwise a backup of all the unit's records is written first
   (:func:`backup`, an owner-only JSON file in TinyDB's own layout, so it can be
   copied over a TinyDB store or loaded with ``somflow store migrate``);
3. the step rewrites the records, the version is set and an audit entry
   (action ``migrate``) names the step.

A failure anywhere leaves the records as they were (the backup file stays).
Running it again changes nothing: the version says the step is done.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from somflow.fileio import make_private_dir, write_private
from somflow.store.base import Store

SCHEMA = "store_schema"


@dataclass(frozen=True)
class Step:
    """One change of layout: ``needed(store)`` says whether the unit has old records, ``run(store)`` changes them."""

    version: int
    name: str
    module: str  # imported only when a unit is below ``version``: opening an up-to-date store costs one query

    def functions(self) -> tuple[Callable[[Store], bool], Callable[[Store], None]]:
        module = importlib.import_module(self.module)
        return module.needed, module.run


STEPS = (Step(2, "people-register", "somflow.people.migration"),)
CURRENT = STEPS[-1].version


@dataclass
class Upgrade:
    """What :func:`bring_up_to_date` did: the steps run, and the backup taken before them (None: nothing to do)."""

    steps: list[str]
    backup: Path | None


def version(store: Store) -> int:
    """The unit's layout version (1 when never recorded)."""
    records = store.query(SCHEMA)
    return max((int(r.get("version") or 1) for r in records), default=1)


def bring_up_to_date(store: Store, backup_dir: Path) -> Upgrade:
    """Run the steps the unit has not had, backup first, all in one transaction (see the module docstring)."""
    done = Upgrade([], None)
    if version(store) >= CURRENT:
        return done
    with store.transaction():
        current = version(store)  # again under the lock: another process may have done it meanwhile
        for step in STEPS:
            if step.version <= current:
                continue
            needed, run = step.functions()
            if needed(store):
                if done.backup is None:
                    done.backup = backup(store, backup_dir, f"v{current}")
                run(store)
                done.steps.append(step.name)
        if done.steps:
            _set_version(store, CURRENT)
            store.note(SCHEMA, f"v{CURRENT}", "migrate:" + ",".join(done.steps))
    return done


def _set_version(store: Store, number: int) -> None:
    existing = store.query(SCHEMA)
    if existing:
        store.update(SCHEMA, existing[0]["id"], {"version": number})
    else:
        store.insert(SCHEMA, {"version": number})


def backup(store: Store, folder: Path, label: str) -> Path:
    """Write every record of the store's unit to ``folder`` (owner-only), as TinyDB lays out its file."""
    content: dict[str, dict[str, Any]] = {}
    for name in store.collections():
        records = store.query(name)
        if records:
            content[name] = {r["id"]: r for r in records}
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    make_private_dir(folder)
    target = folder / f"przed-migracja-{label}-{store.unit}-{stamp}.json"
    write_private(target, json.dumps(content, ensure_ascii=False, indent=1).encode("utf-8"))
    return target
