"""Opening a store for a backend, shared by the store tests (one parametrised fixture for all backends)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from somflow.store import Store, TinyDBStore

BACKENDS = ["tinydb"]


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a test's store lives: a TinyDB file path (other backends add their URL here)."""
    return str(tmp_path / "data" / "store.json")


@pytest.fixture
def open_store(store_url: str) -> Callable[..., Store]:
    """``open_store(unit="a")`` opens the test's store bound to a unit."""
    opened: list[Store] = []

    def make(unit: str = "u1") -> Store:
        store = TinyDBStore(store_url, unit=unit)
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()
