"""Document stores: the interface (:mod:`somflow.store.base`) and its backends."""

from __future__ import annotations

from pathlib import Path

from somflow.store.base import Store
from somflow.store.tinydb_store import TinyDBStore

__all__ = ["Store", "TinyDBStore", "open_store"]


def open_store(url: str, base: Path, unit: str) -> Store:
    """Open the store named in ``somflow.toml``: a file path (TinyDB) relative to ``base``."""
    return TinyDBStore(base / url, unit=unit)
