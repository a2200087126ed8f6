"""The municipality store: PostgreSQL (psycopg 3), many units in one database.

Layout — one table for all collections, not one table per collection:

``somflow_records(collection, id, unit, rev, doc jsonb)``, primary key
``(collection, id)``, index ``(unit, collection, id)``. ``doc`` is the whole
document, metadata included, exactly what the TinyDB store keeps. One table
because plugins add collections at run time: with a table per collection the
application role would need ``CREATE`` rights (and a race-free way to create
tables from many processes at once), every table would need its own
row-level-security policy and grants, and a report across units would be a
``UNION`` over tables nobody lists. With one table the application role needs
only ``SELECT/INSERT/UPDATE/DELETE``, the unit policy is defined once, and the
unit index serves every collection.

``somflow_audit`` holds the audit entries (written in the same database
transaction as the data, so a commit and its audit lines are one), and
``somflow_units`` the unit ids that ever wrote (no personal data), which the
municipality overview lists.

Units are enforced twice: every statement of this class filters on the
store's unit, and the tables have row-level security (``FORCE``d, so it binds
the table owner too) that shows a connection only the rows of the unit in its
``somflow.unit`` setting. A plugin never gets a connection, so it cannot
leave the unit; a hand-written query through the application role cannot
either. (Superusers bypass row-level security; somflow must not run as one.)

Writers of one unit take a transaction-scoped advisory lock on the unit, so a
transaction reads and writes that unit as if alone — the same guarantee as the
TinyDB store's file lock — while units write in parallel. Updates are also
checked against the stored revision in the ``UPDATE`` itself, so even a write
from outside somflow cannot be silently overwritten.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

from somflow.errors import ConflictError, StoreBusy, StoreError
from somflow.i18n import _
from somflow.store.base import Store

LOCK_TIMEOUT = "60s"

DDL = """
CREATE TABLE IF NOT EXISTS somflow_records (
    collection text NOT NULL,
    id text NOT NULL,
    unit text NOT NULL,
    rev integer NOT NULL,
    doc jsonb NOT NULL,
    PRIMARY KEY (collection, id)
);
CREATE INDEX IF NOT EXISTS somflow_records_unit ON somflow_records (unit, collection, id);
CREATE TABLE IF NOT EXISTS somflow_audit (
    seq bigserial PRIMARY KEY,
    unit text NOT NULL,
    ts text NOT NULL,
    "user" text NOT NULL,
    action text NOT NULL,
    collection text NOT NULL,
    id text NOT NULL
);
CREATE INDEX IF NOT EXISTS somflow_audit_unit ON somflow_audit (unit, seq);
CREATE TABLE IF NOT EXISTS somflow_units (
    unit text PRIMARY KEY,
    first_seen timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS somflow_meta (key text PRIMARY KEY, value text NOT NULL);
ALTER TABLE somflow_records ENABLE ROW LEVEL SECURITY;
ALTER TABLE somflow_records FORCE ROW LEVEL SECURITY;
ALTER TABLE somflow_audit ENABLE ROW LEVEL SECURITY;
ALTER TABLE somflow_audit FORCE ROW LEVEL SECURITY;
CREATE POLICY somflow_unit ON somflow_records
    USING (unit = current_setting('somflow.unit', true))
    WITH CHECK (unit = current_setting('somflow.unit', true));
CREATE POLICY somflow_unit ON somflow_audit
    USING (unit = current_setting('somflow.unit', true))
    WITH CHECK (unit = current_setting('somflow.unit', true));
INSERT INTO somflow_meta (key, value) VALUES ('schema', '1') ON CONFLICT (key) DO NOTHING;
"""

#: Advisory lock key (any constant) that serialises creating the tables.
_SCHEMA_LOCK = 0x50F1_0001


def _psycopg():
    try:
        import psycopg
    except ImportError:  # pragma: no cover - depends on the installation
        raise StoreError(
            _("Magazyn PostgreSQL wymaga pakietu psycopg. Zainstaluj go: pip install \"somflow[postgres]\"")
        ) from None
    return psycopg


def describe_dsn(dsn: str) -> str:
    """``user@host:port/dbname`` for messages and ``somflow status``: never the password."""
    psycopg = _psycopg()
    try:
        parts = psycopg.conninfo.conninfo_to_dict(dsn)
    except psycopg.ProgrammingError:
        return "postgresql://?"
    user = f"{parts['user']}@" if parts.get("user") else ""
    port = f":{parts['port']}" if parts.get("port") else ""
    return f"postgresql://{user}{parts.get('host', '')}{port}/{parts.get('dbname', '')}"


def dsn_has_password(dsn: str) -> bool:
    psycopg = _psycopg()
    try:
        return bool(psycopg.conninfo.conninfo_to_dict(dsn).get("password"))
    except psycopg.ProgrammingError:
        return False


class PostgresStore(Store):
    """The store in a PostgreSQL database; see the module docstring for the layout and the guarantees."""

    def __init__(self, dsn: str, unit: str = "default", user: str | None = None, password: str | None = None):
        super().__init__(unit, user)
        self.dsn = dsn
        self._password = password
        self.where = describe_dsn(dsn)
        self._psycopg = _psycopg()
        self._lock = threading.RLock()
        # The connection, shared with the views of other units made by for_unit(); ``unit`` is what its
        # somflow.unit setting currently says.
        self._shared = SimpleNamespace(conn=None, unit=None)
        self._owner = True
        self._unit_registered = False
        self._connection()  # fail early with a clear message

    @property
    def _conn(self):
        return self._shared.conn

    @_conn.setter
    def _conn(self, conn) -> None:
        self._shared.conn, self._shared.unit = conn, None

    def for_unit(self, unit: str) -> PostgresStore:
        """This store seen as ``unit``, on the same connection (closing the view leaves it open)."""
        view = copy.copy(self)
        view.unit, view._local, view._owner, view._unit_registered = unit, threading.local(), False, False
        return view

    # ------------------------------------------------------------ connection

    def _connection(self):
        psycopg = self._psycopg
        conn = self._conn
        if conn is not None and not conn.closed and not conn.broken:
            if self._shared.unit != self.unit:
                conn.execute("SELECT set_config('somflow.unit', %s, false)", (self.unit,))
                self._shared.unit = self.unit
            return conn
        try:
            extra = {"password": self._password} if self._password else {}
            conn = psycopg.connect(self.dsn, autocommit=True, application_name="somflow", connect_timeout=30, **extra)
        except psycopg.OperationalError as exc:
            raise StoreError(
                _(
                    "Nie można połączyć się z bazą danych {where}: {reason}. Sprawdź adres w somflow.toml, "
                    "czy serwer działa i czy hasło jest w zmiennej środowiskowej PGPASSWORD albo w pliku ~/.pgpass.",
                    where=self.where,
                    reason=str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__,
                )
            ) from None
        conn.execute("SELECT set_config('somflow.unit', %s, false), set_config('lock_timeout', %s, false)", (self.unit, LOCK_TIMEOUT))
        self._conn = conn
        self._shared.unit = self.unit
        self._ensure_schema(conn)
        return conn

    def _ensure_schema(self, conn) -> None:
        if conn.execute("SELECT to_regclass('somflow_meta') IS NOT NULL").fetchone()[0]:
            return
        psycopg = self._psycopg
        try:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
                if not conn.execute("SELECT to_regclass('somflow_meta') IS NOT NULL").fetchone()[0]:
                    conn.execute(DDL)
        except psycopg.errors.InsufficientPrivilege:
            raise StoreError(
                _(
                    "Baza danych {where} nie ma jeszcze tabel somflow, a to konto nie może ich utworzyć. "
                    "Poproś administratora o pierwsze uruchomienie jako właściciel bazy (zob. docs/postgres.md).",
                    where=self.where,
                )
            ) from None

    def close(self) -> None:
        if not self._owner:
            return
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def _execute(self, sql: str, params: Iterable[Any] = ()):
        """Run one statement (inside the open transaction, if any) and return the cursor."""
        with self._lock:
            try:
                try:
                    return self._connection().execute(sql, params)
                except self._psycopg.OperationalError:
                    if self._conn is None or not self._conn.broken:
                        raise
                    self._conn.close()
                    self._conn = None
                    if getattr(self._local, "pending", None) is not None:
                        raise self._lost() from None
                    return self._connection().execute(sql, params)  # a read outside a transaction: reconnect once
            except self._psycopg.errors.LockNotAvailable:
                raise self._busy() from None
            except self._psycopg.DataError as exc:
                raise StoreError(
                    _("Baza danych odrzuciła zapis: {reason}. Nic nie zapisano.", reason=str(exc).strip().splitlines()[0])
                ) from None

    def _lost(self) -> StoreError:
        return StoreError(
            _("Połączenie z bazą danych {where} zostało przerwane. Zmiany tej operacji nie zostały zapisane; powtórz ją.", where=self.where)
        )

    def _busy(self) -> StoreBusy:
        return StoreBusy(
            _("Dane jednostki {unit} w bazie {where} są zajęte przez inny proces somflow. Spróbuj ponownie za chwilę.", unit=self.unit, where=self.where)
        )

    # ----------------------------------------------------------------- reads

    def collections(self) -> list[str]:
        """Collections holding records of this unit (other units' rows are invisible here)."""
        rows = self._execute("SELECT DISTINCT collection FROM somflow_records WHERE unit = %s ORDER BY 1", (self.unit,))
        return [r[0] for r in rows.fetchall()]

    def units(self) -> list[str]:
        """Every unit that has written to this database (ids only)."""
        return [r[0] for r in self._execute("SELECT unit FROM somflow_units ORDER BY unit").fetchall()]

    def count(self, collection: str, where: dict[str, Any] | None = None) -> int:
        sql, params = self._select("count(*)", self._check(collection), {**(where or {}), "unit": self.unit})
        return self._execute(sql, params).fetchone()[0]

    def audit_log(self) -> list[dict[str, Any]]:
        return self._audit_rows("WHERE unit = %s", (self.unit,))

    def _read_audit(self) -> list[dict[str, Any]]:
        return self._audit_rows("", ())

    def _audit_rows(self, where: str, params: tuple) -> list[dict[str, Any]]:
        rows = self._execute(f'SELECT ts, "user", unit, action, collection, id FROM somflow_audit {where} ORDER BY seq', params)
        keys = ("ts", "user", "unit", "action", "collection", "id")
        return [dict(zip(keys, r)) for r in rows.fetchall()]

    def _get(self, collection: str, id: str) -> dict[str, Any] | None:
        row = self._execute("SELECT doc FROM somflow_records WHERE collection = %s AND id = %s AND unit = %s", (collection, id, self.unit)).fetchone()
        return row[0] if row else None

    def _query(self, collection: str, where: dict[str, Any]) -> Iterable[dict[str, Any]]:
        sql, params = self._select("doc", collection, where)
        return [r[0] for r in self._execute(sql + " ORDER BY id", params).fetchall()]

    def _select(self, what: str, collection: str, where: dict[str, Any]) -> tuple[str, list[Any]]:
        """``SELECT what`` for documents matching ``where`` exactly as :func:`somflow.store.base.matches` does."""
        from psycopg.types.json import Jsonb

        clauses, params = ["collection = %s"], [collection]
        for path, value in where.items():
            if path in ("unit", "id") and isinstance(value, str):
                clauses.append(f"{path} = %s")
                params.append(value)
            else:  # a missing path gives NULL, which matches nothing — like matches()
                clauses.append("doc #> %s = %s")
                params += [path.split("."), Jsonb(value)]
        return f"SELECT {what} FROM somflow_records WHERE " + " AND ".join(clauses), params

    # ------------------------------------------------------------ migration

    def _import_documents(self, collection: str, docs: list[dict[str, Any]]) -> tuple[int, list[str]]:
        """Inside a transaction: insert ``docs`` as they are (ids, metadata) unless their id is present.

        Returns how many were inserted and the ids already present (left as they are).
        """
        from psycopg.types.json import Jsonb

        ids = [d["id"] for d in docs]
        present = {r[0] for r in self._execute(
            "SELECT id FROM somflow_records WHERE collection = %s AND id = ANY(%s)", (self._check(collection), ids)
        ).fetchall()}
        new = [d for d in docs if d["id"] not in present]
        if new:
            with self._lock, self._connection().cursor() as cur:
                cur.executemany(
                    "INSERT INTO somflow_records (collection, id, unit, rev, doc) VALUES (%s, %s, %s, %s, %s)",
                    [(collection, d["id"], self.unit, d.get("rev", 1), Jsonb(d)) for d in new],
                )
        return len(new), sorted(present)

    def _documents(self, collection: str, ids: list[str]) -> list[dict[str, Any]]:
        """This unit's documents with ``ids`` (those present), ordered by id."""
        rows = self._execute(
            "SELECT doc FROM somflow_records WHERE collection = %s AND unit = %s AND id = ANY(%s) ORDER BY id",
            (self._check(collection), self.unit, ids),
        )
        return [r[0] for r in rows.fetchall()]

    def _import_audit(self, entries: list[dict[str, Any]]) -> int:
        """Inside a transaction: append the audit entries of this unit not yet present; returns how many."""
        keys = ("ts", "user", "action", "collection", "id")
        have = {tuple(r) for r in self._execute(
            'SELECT ts, "user", action, collection, id FROM somflow_audit WHERE unit = %s', (self.unit,)
        ).fetchall()}
        missing = [e for e in entries if tuple(e.get(k) for k in keys) not in have]
        if missing:
            with self._lock, self._connection().cursor() as cur:
                cur.executemany(
                    'INSERT INTO somflow_audit (unit, ts, "user", action, collection, id) VALUES (%s, %s, %s, %s, %s, %s)',
                    [(self.unit, *(str(e.get(k) or "") for k in keys)) for e in missing],
                )
        self._execute("INSERT INTO somflow_units (unit) VALUES (%s) ON CONFLICT (unit) DO NOTHING", (self.unit,))
        return len(missing)

    # ---------------------------------------------------------------- writes

    def _write(self, collection: str, id: str, doc: dict[str, Any] | None) -> None:
        from psycopg.types.json import Jsonb

        if doc is None:
            self._execute("DELETE FROM somflow_records WHERE collection = %s AND id = %s AND unit = %s", (collection, id, self.unit))
            return
        cur = self._execute(
            "INSERT INTO somflow_records (collection, id, unit, rev, doc) VALUES (%s, %s, %s, %s, %s) "
            "ON CONFLICT (collection, id) DO UPDATE SET rev = EXCLUDED.rev, doc = EXCLUDED.doc "
            "WHERE somflow_records.rev = EXCLUDED.rev - 1 AND somflow_records.unit = EXCLUDED.unit",
            (collection, id, self.unit, doc["rev"], Jsonb(doc)),
        )
        if cur.rowcount != 1:
            raise ConflictError(
                _(
                    "Rekord {id} został w międzyczasie zmieniony przez kogoś innego. Wczytaj go ponownie i powtórz zmianę.",
                    id=id,
                )
            )

    def _begin(self) -> None:
        self._lock.acquire()
        try:
            conn = self._connection()
            try:
                conn.execute("BEGIN")
            except self._psycopg.OperationalError:  # the server dropped the idle connection: one new attempt
                conn.close()
                self._conn = None
                conn = self._connection()
                conn.execute("BEGIN")
            try:
                conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", ("somflow.unit:" + self.unit,))
            except self._psycopg.errors.LockNotAvailable:
                conn.execute("ROLLBACK")
                raise self._busy() from None
        except BaseException:
            self._lock.release()
            raise

    def _commit(self, audit: list[dict[str, Any]]) -> None:
        try:
            conn = self._connection()
            if audit:
                with conn.cursor() as cur:
                    cur.executemany(
                        'INSERT INTO somflow_audit (unit, ts, "user", action, collection, id) VALUES (%s, %s, %s, %s, %s, %s)',
                        [(e["unit"], e["ts"], e["user"], e["action"], e["collection"], e["id"]) for e in audit],
                    )
                if not self._unit_registered:
                    conn.execute("INSERT INTO somflow_units (unit) VALUES (%s) ON CONFLICT (unit) DO NOTHING", (self.unit,))
            conn.execute("COMMIT")
            self._unit_registered = self._unit_registered or bool(audit)
        except BaseException:
            self._rollback_quietly()
            raise
        finally:
            self._lock.release()

    def _abort(self) -> None:
        try:
            self._rollback_quietly()
        finally:
            self._lock.release()

    def _rollback_quietly(self) -> None:
        conn = self._conn
        if conn is None or conn.closed:
            return
        self._shared.unit = None  # a rolled-back set_config reverts: set it again next time
        try:
            conn.execute("ROLLBACK")
        except self._psycopg.Error:  # the connection broke: the server rolled back; start afresh next time
            conn.close()
            self._conn = None
