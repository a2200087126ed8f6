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
the table owner too) keyed on the connected role. A role listed in
``somflow_roles`` (made by :mod:`somflow.store.pg_roles`; only the owner can
change that table) sees and writes only its unit's rows, whatever its
connection declares; the municipality's role reads every unit and has no
write grant. A role not listed there (the owner, a shared application role of
layout 1) sees the unit its ``somflow.unit`` setting declares — protection
against mistakes only. Superusers and ``BYPASSRLS`` roles bypass all of it;
somflow must not run as one. docs/postgres.md says what is guaranteed.

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
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from somflow.errors import ConflictError, StoreBusy, StoreError
from somflow.i18n import _
from somflow.store.base import Store

LOCK_TIMEOUT = "60s"

#: The layout version this code writes (``somflow_meta.schema``). 2: role-keyed row-level security.
SCHEMA_VERSION = 2

#: Tables, indexes and the role map; every statement may run again (the upgrade of an existing database).
TABLES = """
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
CREATE TABLE IF NOT EXISTS somflow_roles (
    role text PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('unit', 'municipality')),
    unit text,
    CHECK ((kind = 'unit') = (unit IS NOT NULL))
);
ALTER TABLE somflow_roles ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS somflow_own_role ON somflow_roles;
CREATE POLICY somflow_own_role ON somflow_roles FOR SELECT USING (role = current_user::text);
GRANT SELECT ON somflow_roles TO PUBLIC;
"""

# The unit the connected role may see and write. A role in somflow_roles is bound to its unit there
# (a municipality role to none); a role not in it (the owner, the shared application role of layout
# 1) is bound to what its connection declares in ``somflow.unit`` — the old, weaker rule. Written
# into the policies (not a function) so the table is resolved when the policy is created, never
# through the caller's search_path.
_ROLE_UNIT = (
    "COALESCE((SELECT r.unit FROM somflow_roles r WHERE r.role = current_user::text), "
    "CASE WHEN NOT EXISTS (SELECT 1 FROM somflow_roles r WHERE r.role = current_user::text) "
    "THEN current_setting('somflow.unit', true) END)"
)
_IS_MUNICIPALITY = (
    "EXISTS (SELECT 1 FROM somflow_roles r WHERE r.role = current_user::text AND r.kind = 'municipality')"
)
_IS_UNIT_ROLE = "EXISTS (SELECT 1 FROM somflow_roles r WHERE r.role = current_user::text AND r.kind = 'unit')"


def _security_ddl() -> str:
    """Row-level security, forced (it binds the owner too), on every table that holds a unit's rows."""
    out = []
    for table in ("somflow_records", "somflow_audit", "somflow_units"):
        out += [
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;",
            f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY;",
            f"DROP POLICY IF EXISTS somflow_unit ON {table};",
            f"DROP POLICY IF EXISTS somflow_municipality ON {table};",
        ]
    for table in ("somflow_records", "somflow_audit"):
        out += [
            f"CREATE POLICY somflow_unit ON {table} USING (unit = {_ROLE_UNIT}) WITH CHECK (unit = {_ROLE_UNIT});",
            f"CREATE POLICY somflow_municipality ON {table} FOR SELECT USING ({_IS_MUNICIPALITY});",
        ]
    # Unit ids are no personal data: roles not bound to a unit (owner, municipality) list them all.
    out.append(
        f"CREATE POLICY somflow_unit ON somflow_units USING (unit = {_ROLE_UNIT} OR NOT {_IS_UNIT_ROLE}) "
        f"WITH CHECK (unit = {_ROLE_UNIT});"
    )
    out.append(
        f"INSERT INTO somflow_meta (key, value) VALUES ('schema', '{SCHEMA_VERSION}') "
        "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value;"
    )
    return "\n".join(out)


DDL = TABLES + _security_ddl()

#: Advisory lock key (any constant) that serialises creating the tables.
_SCHEMA_LOCK = 0x50F1_0001


def _psycopg():
    try:
        import psycopg
    except ImportError:  # pragma: no cover - depends on the installation
        raise StoreError(
            _('Magazyn PostgreSQL wymaga pakietu psycopg. Zainstaluj go: pip install "somflow[postgres]"')
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


UNIT = "unit"
MUNICIPALITY = "municipality"


@dataclass(frozen=True)
class Role:
    """The connected database role: ``kind`` is ``unit`` (bound to ``unit``), ``municipality`` (reads every
    unit, writes nothing) or None (not in ``somflow_roles``: the owner, a shared application role)."""

    name: str
    kind: str | None
    unit: str | None
    owns_tables: bool


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
        self._shared = SimpleNamespace(conn=None, unit=None, role=None)
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
        """This store seen as ``unit``, on the same connection (closing the view leaves it open).

        Another unit's view is only for the municipality role (read-only) and the tables' owner;
        a unit's own role is refused here, and the database would show it nothing anyway.
        """
        role = self.role
        if unit != self.unit and role.kind != MUNICIPALITY and not role.owns_tables:
            if role.kind == UNIT:
                refusal = _(
                    "Konto bazy danych {role} należy do jednostki {unit} i nie ma wglądu w dane jednostki {other}.",
                    role=role.name,
                    unit=self.unit,
                    other=unit,
                )
            else:
                refusal = _(
                    "Konto bazy danych {role} nie jest kontem gminy i nie ma wglądu w dane jednostki {other}.",
                    role=role.name,
                    other=unit,
                )
            raise StoreError(
                refusal
                + " "
                + _("Zestawienia dla gminy wykonuje się z kontem gminy (somflow store add-role --municipality).")
            )
        view = copy.copy(self)
        view.unit, view._local, view._owner, view._unit_registered = unit, threading.local(), False, False
        return view

    @property
    def role(self) -> Role:
        """The database role this store is connected as and what it is bound to."""
        self._connection()
        return self._shared.role

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
        conn.execute(
            "SELECT set_config('somflow.unit', %s, false), set_config('lock_timeout', %s, false)",
            (self.unit, LOCK_TIMEOUT),
        )
        self._conn = conn
        self._shared.unit = self.unit
        self._ensure_schema(conn)
        self._shared.role = self._identify(conn)
        return conn

    def _ensure_schema(self, conn) -> None:
        """Create the tables on the first start; upgrade an older layout when connected as the tables' owner."""
        if conn.execute("SELECT to_regclass('somflow_meta') IS NOT NULL").fetchone()[0]:
            if self._layout(conn) < SCHEMA_VERSION and self._owns_tables(conn):
                self._apply_ddl(conn)
            return
        try:
            self._apply_ddl(conn)
        except self._psycopg.errors.InsufficientPrivilege:
            raise StoreError(
                _(
                    "Baza danych {where} nie ma jeszcze tabel somflow, a to konto nie może ich utworzyć. "
                    "Poproś administratora o pierwsze uruchomienie jako właściciel bazy (zob. docs/postgres.md).",
                    where=self.where,
                )
            ) from None

    def _apply_ddl(self, conn, again: bool = False) -> None:
        """Create or upgrade the layout (``again``: even when current), once across processes."""
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
            if (
                again
                or conn.execute("SELECT to_regclass('somflow_meta') IS NULL").fetchone()[0]
                or self._layout(conn) < SCHEMA_VERSION
            ):
                conn.execute(DDL)

    @staticmethod
    def _layout(conn) -> int:
        row = conn.execute("SELECT value FROM somflow_meta WHERE key = 'schema'").fetchone()
        return int(row[0]) if row else 0

    @staticmethod
    def _owns_tables(conn) -> bool:
        return conn.execute(
            "SELECT pg_has_role(current_user, relowner, 'USAGE') FROM pg_class WHERE oid = 'somflow_records'::regclass"
        ).fetchone()[0]

    def _identify(self, conn) -> Role:
        """Who this connection is: a unit's role must be the unit somflow.toml names."""
        name = conn.execute("SELECT current_user").fetchone()[0]
        kind = unit = None
        if conn.execute("SELECT to_regclass('somflow_roles') IS NOT NULL").fetchone()[0]:
            row = conn.execute("SELECT kind, unit FROM somflow_roles WHERE role = current_user::text").fetchone()
            kind, unit = row if row else (None, None)
        role = Role(name=name, kind=kind, unit=unit, owns_tables=self._owns_tables(conn))
        if kind == UNIT and unit != self.unit:
            conn.close()
            raise StoreError(
                _(
                    'Konto bazy danych {role} należy do jednostki {mapped}, a w somflow.toml jest unit = "{unit}". '
                    "Popraw somflow.toml albo adres bazy (każda jednostka łączy się własnym kontem).",
                    role=name,
                    mapped=unit,
                    unit=self.unit,
                )
            )
        return role

    def secure(self) -> None:
        """Apply the current layout and its row-level security again (idempotent); only for the tables' owner."""
        conn = self._connection()
        if not self.role.owns_tables:
            raise StoreError(
                _(
                    "Zabezpieczenia bazy {where} może zmienić tylko właściciel tabel somflow (konto {role} nim nie jest).",
                    where=self.where,
                    role=self.role.name,
                )
            )
        with self._lock:
            self._apply_ddl(conn, again=True)

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
            except self._psycopg.errors.InsufficientPrivilege as exc:
                raise StoreError(
                    _(
                        "Baza danych {where} odmówiła kontu {role}: {reason}. Nic nie zapisano.",
                        where=self.where,
                        role=self._shared.role.name if self._shared.role else "?",
                        reason=str(exc).strip().splitlines()[0],
                    )
                ) from None
            except self._psycopg.DataError as exc:
                raise StoreError(
                    _(
                        "Baza danych odrzuciła zapis: {reason}. Nic nie zapisano.",
                        reason=str(exc).strip().splitlines()[0],
                    )
                ) from None

    def _lost(self) -> StoreError:
        return StoreError(
            _(
                "Połączenie z bazą danych {where} zostało przerwane. Zmiany tej operacji nie zostały zapisane; powtórz ją.",
                where=self.where,
            )
        )

    def _busy(self) -> StoreBusy:
        return StoreBusy(
            _(
                "Dane jednostki {unit} w bazie {where} są zajęte przez inny proces somflow. Spróbuj ponownie za chwilę.",
                unit=self.unit,
                where=self.where,
            )
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
        rows = self._execute(
            f'SELECT ts, "user", unit, action, collection, id FROM somflow_audit {where} ORDER BY seq', params
        )
        keys = ("ts", "user", "unit", "action", "collection", "id")
        return [dict(zip(keys, r)) for r in rows.fetchall()]

    def _get(self, collection: str, id: str) -> dict[str, Any] | None:
        row = self._execute(
            "SELECT doc FROM somflow_records WHERE collection = %s AND id = %s AND unit = %s",
            (collection, id, self.unit),
        ).fetchone()
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

        self._refuse_read_only()
        ids = [d["id"] for d in docs]
        present = {
            r[0]
            for r in self._execute(
                "SELECT id FROM somflow_records WHERE collection = %s AND id = ANY(%s)", (self._check(collection), ids)
            ).fetchall()
        }
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
        have = {
            tuple(r)
            for r in self._execute(
                'SELECT ts, "user", action, collection, id FROM somflow_audit WHERE unit = %s', (self.unit,)
            ).fetchall()
        }
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

    def _refuse_read_only(self) -> None:
        if self.role.kind == MUNICIPALITY:
            raise StoreError(
                _(
                    "Konto bazy danych {role} (gminy) służy tylko do odczytu zestawień; nic nie zapisano.",
                    role=self.role.name,
                )
            )

    def _write(self, collection: str, id: str, doc: dict[str, Any] | None) -> None:
        from psycopg.types.json import Jsonb

        self._refuse_read_only()
        if doc is None:
            self._execute(
                "DELETE FROM somflow_records WHERE collection = %s AND id = %s AND unit = %s",
                (collection, id, self.unit),
            )
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
                    conn.execute(
                        "INSERT INTO somflow_units (unit) VALUES (%s) ON CONFLICT (unit) DO NOTHING", (self.unit,)
                    )
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
