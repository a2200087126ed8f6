"""Opening a store for a backend, shared by the store tests (one parametrised fixture for all backends).

``store_url`` is a TinyDB file path or a PostgreSQL URL naming a fresh schema;
``open_store(unit)`` opens it through :func:`somflow.store.open_store`, as the
CLI and the writer processes do. PostgreSQL: the tests start their own server
(:class:`somflow.store.pg_cluster.TempCluster`, once per test process), or use
an existing one when ``SOMFLOW_TEST_PG_DSN`` is set.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from somflow.store import Store
from somflow.store import open_store as open_any_store

BACKENDS = ["tinydb", "postgres"]


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Callable[[], str]]:
    """A function returning the URL of a new empty schema on the test PostgreSQL server.

    Imported into conftest.py, so every test module of a process shares one server.
    """
    existing = os.environ.get("SOMFLOW_TEST_PG_DSN")
    if existing:
        from itertools import count

        from somflow.store.pg_cluster import new_schema

        numbers = count(1)

        def make() -> str:
            return new_schema(existing, f"somflow_test_{os.getpid()}_{next(numbers)}")

        make.admin_dsn = os.environ.get("SOMFLOW_TEST_PG_ADMIN_DSN")  # a role that may CREATE ROLE, if given
        yield make
        return
    from somflow.store.pg_cluster import TempCluster

    with TempCluster() as cluster:

        def make() -> str:
            return cluster.new_schema()

        make.admin_dsn = cluster.dsn("postgres")  # superuser, for the role tests
        yield make


@pytest.fixture(params=BACKENDS)
def store_backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def store_url(store_backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a test's store lives: a TinyDB file path or a PostgreSQL URL (a new schema)."""
    if store_backend == "postgres":
        return request.getfixturevalue("pg_server")()
    return str(tmp_path / "data" / "store.json")


@pytest.fixture
def tinydb_url(tmp_path: Path) -> str:
    """A TinyDB store path, for the tests about its files."""
    return str(tmp_path / "data" / "store.json")


def _opener(url: str, base: Path) -> Iterator[Callable[..., Store]]:
    opened: list[Store] = []

    def make(unit: str = "u1") -> Store:
        store = open_any_store(url, base, unit)
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()


@pytest.fixture
def open_store(store_url: str, tmp_path: Path) -> Iterator[Callable[..., Store]]:
    """``open_store(unit="a")`` opens the test's store bound to a unit."""
    yield from _opener(store_url, tmp_path)


@pytest.fixture
def open_tinydb_store(tinydb_url: str, tmp_path: Path) -> Iterator[Callable[..., Store]]:
    """Like ``open_store``, TinyDB only."""
    yield from _opener(tinydb_url, tmp_path)
