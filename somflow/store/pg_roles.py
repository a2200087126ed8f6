"""Database roles of a municipality's PostgreSQL store: one login role per unit, one read-only role for the municipality.

The tables' owner creates them (``somflow store add-role``). A role is written
into ``somflow_roles`` — which only the owner can change — and the row-level
security policies of :mod:`somflow.store.postgres_store` bind it there: a unit's
role sees and writes only its unit's rows whatever its connection declares; the
municipality role reads every unit and holds no write grant at all.

The password is generated here, sent to the server only as a SCRAM verifier
(so no server log ever holds it) and handed back once, as a ``~/.pgpass``
line for the unit's computer; it is never printed or logged.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from somflow.errors import InvalidInput, StoreError
from somflow.i18n import _
from somflow.store.postgres_store import MUNICIPALITY, UNIT, PostgresStore

_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")

#: Rights of every somflow role (rows only, never DDL); a unit role's writes are further bound by the policies.
_READ = "GRANT SELECT ON somflow_records, somflow_audit, somflow_units, somflow_meta, somflow_roles TO {role}"
_WRITE = (
    "GRANT INSERT, UPDATE, DELETE ON somflow_records TO {role}",
    "GRANT INSERT ON somflow_audit, somflow_units TO {role}",
    "GRANT USAGE ON SEQUENCE somflow_audit_seq_seq TO {role}",
)


@dataclass(frozen=True)
class NewRole:
    """A role made by :func:`add_role`: ``dsn`` (no password) goes into the unit's somflow.toml, ``pgpass_line`` to its ~/.pgpass."""

    name: str
    unit: str | None
    dsn: str
    pgpass_line: str


def default_name(unit: str | None) -> str:
    """``somflow_sp7`` for unit sp7, ``somflow_gmina`` for the municipality (letters, digits and _ only)."""
    base = "somflow_" + re.sub(r"[^a-z0-9_]", "_", (unit or "gmina").lower())
    return base[:63]


def add_role(store: PostgresStore, unit: str | None, name: str | None = None) -> NewRole:
    """Create (or renew the password of) the login role of ``unit`` — the municipality's when ``unit`` is None."""
    from psycopg import sql

    name = name or default_name(unit)
    if not _NAME.fullmatch(name):
        raise InvalidInput(
            [
                _(
                    "Nazwa konta „{name}”: dozwolone małe litery, cyfry i _, do 63 znaków, bez cyfry na początku.",
                    name=name,
                )
            ]
        )
    owner = store.role
    if not owner.owns_tables:
        raise StoreError(
            _(
                "Konta jednostek tworzy właściciel tabel somflow; konto {role} nim nie jest (zob. docs/postgres.md).",
                role=owner.name,
            )
        )
    if name == owner.name:
        raise InvalidInput(
            [_("Konto {name} jest właścicielem tabel — nie może być kontem jednostki ani gminy.", name=name)]
        )
    kind = UNIT if unit else MUNICIPALITY
    conn = store._connection()
    with store._lock, conn.transaction():
        mapped = conn.execute("SELECT kind, unit FROM somflow_roles WHERE role = %s", (name,)).fetchone()
        if mapped and tuple(mapped) != (kind, unit):
            raise InvalidInput(
                [
                    _(
                        "Konto {name} jest już przypisane do innej jednostki ({unit}).",
                        name=name,
                        unit=mapped[1] or _("gmina"),
                    )
                ]
            )
        existing = conn.execute(
            "SELECT rolsuper OR rolbypassrls, pg_has_role(%s, (SELECT relowner FROM pg_class WHERE oid = 'somflow_records'::regclass), 'MEMBER') "
            "FROM pg_roles WHERE rolname = %s",
            (name, name),
        ).fetchone()
        if existing and any(existing):
            raise InvalidInput(
                [
                    _(
                        "Konto {name} omija zabezpieczenia wierszy (superużytkownik, BYPASSRLS albo członek właściciela tabel) — wybierz inną nazwę.",
                        name=name,
                    )
                ]
            )
        password = secrets.token_urlsafe(24)
        verifier = conn.pgconn.encrypt_password(password.encode(), name.encode(), b"scram-sha-256").decode()
        role = sql.Identifier(name)
        verb = "ALTER" if existing else "CREATE"
        conn.execute(sql.SQL(verb + " ROLE {} LOGIN PASSWORD {}").format(role, sql.Literal(verifier)))
        conn.execute(
            sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(
                sql.Identifier(conn.execute("SELECT current_schema()").fetchone()[0]), role
            )
        )
        for statement in (_READ, *(_WRITE if unit else ())):
            conn.execute(sql.SQL(statement).format(role=role))
        conn.execute(
            "INSERT INTO somflow_roles (role, kind, unit) VALUES (%s, %s, %s) ON CONFLICT (role) DO NOTHING",
            (name, kind, unit),
        )
        info = conn.info
    return NewRole(
        name=name,
        unit=unit,
        dsn=with_user(store.dsn, name),
        pgpass_line=pgpass_line(info.host, info.port, info.dbname, name, password),
    )


def with_user(dsn: str, user: str) -> str:
    """The address ``dsn`` (a postgresql:// URL) with another user name and no password."""
    parts = urlsplit(dsn)
    host = parts.netloc.rsplit("@", 1)[-1]
    return parts._replace(netloc=f"{quote(user, safe='')}@{host}").geturl()


def pgpass_line(host: str, port: int | str, dbname: str, user: str, password: str) -> str:
    """One ``~/.pgpass`` line (``:`` and ``\\`` escaped as libpq expects)."""
    escape = lambda text: str(text).replace("\\", "\\\\").replace(":", "\\:")  # noqa: E731
    return ":".join(escape(field) for field in (host, port, dbname, user, password))
