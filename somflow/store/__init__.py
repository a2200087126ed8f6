"""Document stores: the interface (:mod:`somflow.store.base`) and its backends.

Which store a workspace uses is set in ``somflow.toml``, either

* ``[paths] store = "data/store.json"`` — the TinyDB file (the default), or
  ``[paths] store = "postgresql://user@host/db"`` — PostgreSQL; or
* ``[store] backend = "postgres"`` with ``dsn = "postgresql://user@host/db"``
  or ``dsn_env = "NAME"`` (the DSN in an environment variable).

A PostgreSQL password never goes into the file: libpq reads it from
``PGPASSWORD`` or ``~/.pgpass`` (``%APPDATA%\\postgresql\\pgpass.conf`` on
Windows); ``[store] password_env = "NAME"`` names another variable.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from somflow.errors import ConfigError
from somflow.i18n import _
from somflow.store.base import Store

__all__ = ["Store", "TinyDBStore", "is_postgres_url", "open_store", "store_location"]

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_postgres_url(url: str) -> bool:
    return url.startswith(POSTGRES_SCHEMES)


def store_location(config: dict[str, Any]) -> str:
    """The store a workspace's configuration names: a file path or a PostgreSQL DSN (checked: no password)."""
    section = config.get("store") or {}
    backend = section.get("backend", "tinydb")
    if backend in ("postgres", "postgresql"):
        if section.get("dsn_env"):
            dsn = os.environ.get(section["dsn_env"], "")
            if not dsn:
                raise ConfigError(
                    _(
                        "Zmienna środowiskowa {name} (klucz store.dsn_env w somflow.toml) jest pusta albo nie istnieje.",
                        name=section["dsn_env"],
                    )
                )
            return dsn
        dsn = section.get("dsn", "")
        if not is_postgres_url(dsn):
            raise ConfigError(
                _(
                    'W somflow.toml, sekcja [store]: podaj dsn = "postgresql://użytkownik@serwer/baza" albo dsn_env = "NAZWA_ZMIENNEJ".'
                )
            )
        _refuse_password(dsn, "store.dsn")
        return dsn
    if backend != "tinydb":
        raise ConfigError(
            _(
                "W somflow.toml klucz store.backend ma niedozwoloną wartość {value}; dozwolone: tinydb, postgres.",
                value=backend,
            )
        )
    url = config["paths"]["store"]
    if is_postgres_url(url):
        _refuse_password(url, "paths.store")
    return url


def _refuse_password(dsn: str, key: str) -> None:
    from somflow.store.postgres_store import dsn_has_password

    if dsn_has_password(dsn):
        raise ConfigError(
            _(
                "W somflow.toml klucz {key} zawiera hasło do bazy danych. Usuń je z pliku i ustaw zmienną "
                "środowiskową PGPASSWORD albo wpisz je do pliku ~/.pgpass.",
                key=key,
            )
        )


def open_store(url: str, base: Path, unit: str, *, password_env: str | None = None) -> Store:
    """Open the store at ``url``: a PostgreSQL DSN, else a TinyDB file path relative to ``base``."""
    if is_postgres_url(url):
        from somflow.store.postgres_store import PostgresStore

        return PostgresStore(url, unit=unit, password=os.environ.get(password_env) if password_env else None)
    from somflow.store.tinydb_store import TinyDBStore

    return TinyDBStore(base / url, unit=unit)


def __getattr__(name: str) -> Any:
    # The backends are imported when a store is opened (or named), not with the package.
    if name == "TinyDBStore":
        from somflow.store.tinydb_store import TinyDBStore

        return TinyDBStore
    raise AttributeError(f"module 'somflow.store' has no attribute {name!r}")
