"""PostgreSQL: units isolated by the database itself — one role per unit, a read-only municipality role.

Unit A's process, through every public API and through raw SQL on its own
connection, can neither read nor write unit B's rows; the municipality role
reads every unit and writes nothing (issue 19, point 2).
"""

from __future__ import annotations

from types import SimpleNamespace

import psycopg
import pytest
from test_store_postgres import column, use_postgres

from somflow.errors import ConfigError, InvalidInput, StoreError
from somflow.store.pg_roles import add_role
from somflow.store.postgres_store import PostgresStore
from somflow.workspace import Workspace


def connect(url: str, password: str) -> psycopg.Connection:
    return psycopg.connect(url, password=password, autocommit=True)


def password(role) -> str:
    return role.pgpass_line.rsplit(":", 1)[1]


@pytest.fixture
def units(pg_server) -> SimpleNamespace:
    """A database with units a and b written by their own roles, and a municipality role."""
    url = pg_server()
    if not pg_server.admin_dsn:
        pytest.skip("existing server without SOMFLOW_TEST_PG_ADMIN_DSN (the temporary test server always has it)")
    with psycopg.connect(pg_server.admin_dsn, autocommit=True) as admin:
        admin.execute("ALTER ROLE somflow CREATEROLE")  # the tables' owner creates the units' roles (docs/postgres.md)
    schema = url.rsplit("search_path%3D", 1)[1]
    owner = PostgresStore(url, unit="admin")
    made = {unit: add_role(owner, unit, f"r{schema}_{unit}") for unit in ("a", "b")}
    made["gmina"] = add_role(owner, None, f"r{schema}_gmina")
    stores = {unit: PostgresStore(made[unit].dsn, unit=unit, password=password(made[unit])) for unit in ("a", "b")}
    docs = {
        unit: stores[unit].insert("children", {"imie": f"Dziecko {unit}", "pesel": "44051401359"})
        for unit in ("a", "b")
    }
    yield SimpleNamespace(url=url, owner=owner, roles=made, stores=stores, docs=docs)
    for store in (*stores.values(), owner):
        store.close()


def test_a_unit_role_cannot_reach_another_unit_through_the_store(units):
    a, b_doc = units.stores["a"], units.docs["b"]
    assert a.role.kind == "unit" and not a.role.owns_tables
    assert a.get("children", b_doc["id"]) is None
    assert [d["imie"] for d in a.query("children")] == ["Dziecko a"] and a.count("children") == 1
    assert a.collections() == ["children"]
    with pytest.raises(StoreError, match="Nie znaleziono rekordu"):
        a.update("children", b_doc["id"], {"imie": "zmienione"})
    with pytest.raises(StoreError, match="Nie znaleziono rekordu"):
        a.delete("children", b_doc["id"])
    with pytest.raises(StoreError, match="nie ma wglądu w dane jednostki b"):
        a.for_unit("b")
    assert a.units() == ["a"] and {e["unit"] for e in a.audit_log()} == {"a"}
    assert units.stores["b"].get("children", b_doc["id"])["imie"] == "Dziecko b"


def test_a_unit_role_cannot_reach_another_unit_with_raw_sql(units):
    role, b_id = units.roles["a"], units.docs["b"]["id"]
    with connect(role.dsn, password(role)) as conn:
        conn.execute("SELECT set_config('somflow.unit', 'b', false)")  # declaring another unit changes nothing
        assert conn.execute("SELECT count(*) FROM somflow_records WHERE unit = 'b'").fetchone()[0] == 0
        assert [r[0] for r in conn.execute("SELECT DISTINCT unit FROM somflow_records")] == ["a"]
        assert conn.execute("SELECT count(*) FROM somflow_audit WHERE unit <> 'a'").fetchone()[0] == 0
        assert [r[0] for r in conn.execute("SELECT unit FROM somflow_units")] == ["a"]
        assert [r[0] for r in conn.execute("SELECT role FROM somflow_roles")] == [role.name]
        assert conn.execute("UPDATE somflow_records SET doc = '{}' WHERE id = %s", (b_id,)).rowcount == 0
        assert conn.execute("DELETE FROM somflow_records WHERE unit = 'b'").rowcount == 0
        for statement in (
            "INSERT INTO somflow_records VALUES ('children', 'X', 'b', 1, '{}')",
            "UPDATE somflow_records SET unit = 'b'",  # moving own rows into b
            "INSERT INTO somflow_audit (unit, ts, \"user\", action, collection, id) VALUES ('b', '', '', 'insert', 'c', 'X')",
            "INSERT INTO somflow_units (unit) VALUES ('c')",
            "UPDATE somflow_audit SET action = 'x'",  # its own audit entries are append-only too
            "DELETE FROM somflow_audit",
            f"UPDATE somflow_roles SET unit = 'b' WHERE role = '{role.name}'",
            "INSERT INTO somflow_roles VALUES ('x', 'municipality', NULL)",
            "ALTER TABLE somflow_records NO FORCE ROW LEVEL SECURITY",
            "DROP POLICY somflow_unit ON somflow_records",
            f'SET ROLE "{units.roles["b"].name}"',
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
    assert units.stores["b"].get("children", b_id)["imie"] == "Dziecko b"


def test_the_municipality_role_reads_every_unit_and_writes_nothing(units):
    role = units.roles["gmina"]
    gmina = PostgresStore(role.dsn, unit="gmina", password=password(role))
    assert gmina.units() == ["a", "b"]
    assert [d["imie"] for d in gmina.for_unit("b").query("children")] == ["Dziecko b"]
    with pytest.raises(StoreError, match="tylko do odczytu"):
        gmina.for_unit("a").insert("children", {"imie": "x"})
    with pytest.raises(StoreError, match="tylko do odczytu"):
        gmina.for_unit("a").update("children", units.docs["a"]["id"], {"imie": "x"})
    gmina.close()
    with connect(role.dsn, password(role)) as conn:
        assert conn.execute("SELECT count(*) FROM somflow_records").fetchone()[0] == 2
        for statement in (
            "INSERT INTO somflow_records VALUES ('children', 'X', 'a', 1, '{}')",
            "UPDATE somflow_records SET doc = '{}'",
            "DELETE FROM somflow_records",
            "DELETE FROM somflow_audit",
            "INSERT INTO somflow_units (unit) VALUES ('c')",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
    assert units.stores["a"].count("children") == 1 and units.stores["b"].count("children") == 1


def test_summaries_from_a_unit_show_only_that_unit_and_the_municipality_sees_all(
    units, somflow_workspace, somflow_cli, monkeypatch
):
    use_postgres(somflow_workspace, units.roles["a"].dsn, 'password_env = "SOMFLOW_TEST_PGPASSWORD"\n')
    (somflow_workspace / "somflow.toml").write_text(
        (somflow_workspace / "somflow.toml").read_text(encoding="utf-8").replace('unit = "sp7"', 'unit = "a"'),
        encoding="utf-8",
    )
    monkeypatch.setenv("SOMFLOW_TEST_PGPASSWORD", password(units.roles["a"]))
    result = somflow_cli("report", "units", "--csv")
    assert result.exit_code == 0, result.output
    assert column(result.output, "Rekordy") == {"a": "1"}
    with pytest.raises(StoreError, match="nie ma wglądu w dane jednostki b"):  # main() prints it in red, exit code 3
        somflow_cli("report", "units", "--unit", "b")

    toml = somflow_workspace / "somflow.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace(units.roles["a"].dsn, units.roles["gmina"].dsn), encoding="utf-8"
    )
    monkeypatch.setenv("SOMFLOW_TEST_PGPASSWORD", password(units.roles["gmina"]))
    result = somflow_cli("report", "units", "--csv")
    assert result.exit_code == 0, result.output
    assert column(result.output, "Rekordy") == {"a": "1", "b": "1"}


def test_a_unit_role_with_another_unit_in_somflow_toml_is_refused(units):
    role = units.roles["a"]
    with pytest.raises(StoreError, match='należy do jednostki a, a w somflow.toml jest unit = "b"'):
        PostgresStore(role.dsn, unit="b", password=password(role))


def test_add_role_command_writes_the_password_only_to_an_owner_only_file(
    units, somflow_workspace, somflow_cli, tmp_path
):
    use_postgres(somflow_workspace, units.url)
    pgpass = tmp_path / "pgpass"
    schema = units.url.rsplit("search_path%3D", 1)[1]
    result = somflow_cli("store", "add-role", "c", "--role", f"r{schema}_c", "--pgpass", str(pgpass))
    assert result.exit_code == 0, result.output
    line = pgpass.read_text(encoding="utf-8").strip()
    secret = line.rsplit(":", 1)[1]
    assert len(secret) >= 24 and secret not in result.output and f"r{schema}_c" in line
    assert oct(pgpass.stat().st_mode & 0o777) == "0o600" or not hasattr(__import__("os"), "getuid")
    dsn = next(part for part in result.output.split('"') if part.startswith("postgresql://"))
    c = PostgresStore(dsn, unit="c", password=secret)
    c.insert("children", {"n": 1})
    assert c.units() == ["c"] and c.count("children") == 1
    c.close()
    with pytest.raises(InvalidInput, match="przypisane do innej jednostki"):
        somflow_cli("store", "add-role", "--municipality", "--role", f"r{schema}_c", "--pgpass", str(pgpass))
    with pytest.raises(ConfigError, match="albo --municipality"):
        somflow_cli("store", "add-role", "--pgpass", str(pgpass))
    assert pgpass.read_text(encoding="utf-8").strip() == line  # nothing appended by the refused calls


def test_the_security_migration_upgrades_an_old_database_and_can_run_again(units, somflow_workspace, somflow_cli):
    def policies() -> list[tuple]:
        rows = units.owner._execute(
            "SELECT tablename, policyname, cmd, qual, with_check FROM pg_policies WHERE schemaname = current_schema() ORDER BY 1, 2"
        )
        return rows.fetchall()

    before = policies()
    conn = units.owner._connection()
    with conn.transaction():  # back to layout 1: policies on the declared unit only, no role map
        conn.execute(
            "DROP POLICY somflow_municipality ON somflow_records; DROP POLICY somflow_municipality ON somflow_audit"
        )
        conn.execute("DROP POLICY somflow_unit ON somflow_units; ALTER TABLE somflow_units DISABLE ROW LEVEL SECURITY")
        conn.execute("UPDATE somflow_meta SET value = '1' WHERE key = 'schema'")
    assert policies() != before
    upgraded = PostgresStore(units.url, unit="admin")  # the owner's first start upgrades
    assert policies() == before and upgraded._layout(upgraded._connection()) == 2
    use_postgres(somflow_workspace, units.url)
    for _ in range(2):
        result = somflow_cli("store", "secure")
        assert result.exit_code == 0, result.output
    assert policies() == before
    assert units.stores["a"].count("children") == 1 and units.stores["a"].get("children", units.docs["b"]["id"]) is None
    upgraded.close()


def test_only_the_tables_owner_secures_or_adds_roles(units):
    with pytest.raises(StoreError, match="właściciel tabel"):
        units.stores["a"].secure()
    with pytest.raises(StoreError, match="właściciel tabel"):
        add_role(units.stores["a"], "b2")


def test_a_unit_migrates_its_tinydb_file_with_its_own_role_and_no_other_unit(
    units, somflow_workspace, somflow_cli, monkeypatch
):
    toml = somflow_workspace / "somflow.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('unit = "sp7"', 'unit = "a"'), encoding="utf-8")
    Workspace(somflow_workspace).store.insert("sample_children", {"imie": "Z pliku"})
    monkeypatch.setenv("PGPASSWORD", password(units.roles["a"]))  # as docs/postgres.md says
    result = somflow_cli("store", "migrate", "--to", units.roles["a"].dsn)
    assert result.exit_code == 0, result.output
    assert units.stores["a"].count("sample_children") == 1
    with pytest.raises(StoreError, match="należy do jednostki a"):
        somflow_cli("store", "migrate", "--to", units.roles["a"].dsn, "--unit", "b")
    assert units.stores["b"].collections() == ["children"]
