"""PostgreSQL specifics: row-level security, concurrent writers of one record, configuration without
passwords, ``somflow store migrate`` and ``somflow report units`` (the shared store contract runs on
both backends in test_store.py)."""

from __future__ import annotations

import csv
import hashlib
import io
import threading
from pathlib import Path

import psycopg
import pytest
from conftest import run_somflow

from somflow.errors import ConfigError, ConflictError, StoreError
from somflow.store import open_store
from somflow.store.postgres_store import PostgresStore
from somflow.workspace import Workspace


@pytest.fixture
def pg_url(pg_server) -> str:
    return pg_server()


def use_postgres(root: Path, url: str, extra: str = "") -> None:
    """Point the workspace's somflow.toml at PostgreSQL, as a municipal IT person would."""
    toml = root / "somflow.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8") + f'\n[store]\nbackend = "postgres"\ndsn = "{url}"\n{extra}', encoding="utf-8"
    )


def file_state(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


# ------------------------------------------------------------------ the database enforces units


def test_row_level_security_hides_other_units_even_from_raw_sql(pg_url):
    a, b = PostgresStore(pg_url, unit="a"), PostgresStore(pg_url, unit="b")
    a.insert("children", {"n": 1})
    b.insert("children", {"n": 2})
    b.insert("children", {"n": 3})
    with psycopg.connect(pg_url, autocommit=True) as conn:  # the application role, as a hand-written query would
        assert conn.execute("SELECT count(*) FROM somflow_records").fetchone()[0] == 0  # no unit chosen: nothing
        conn.execute("SELECT set_config('somflow.unit', 'b', false)")
        assert conn.execute("SELECT count(*) FROM somflow_records").fetchone()[0] == 2
        assert {r[0] for r in conn.execute("SELECT DISTINCT unit FROM somflow_audit")} == {"b"}
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # cannot write into another unit either
            conn.execute("INSERT INTO somflow_records VALUES ('children', 'X', 'a', 1, '{}')")
    assert a.units() == ["a", "b"] and a.count("children") == 1 and a.collections() == ["children"]
    a.close(), b.close()


def test_a_stale_write_waits_for_the_other_and_gets_a_clear_conflict(pg_url):
    first, second = PostgresStore(pg_url, unit="a"), PostgresStore(pg_url, unit="a")
    doc = first.insert("cases", {"status": "nowa"})
    outcome: list[BaseException | dict] = []

    def late_writer() -> None:
        try:
            outcome.append(second.update("cases", doc["id"], {"status": "zamknięta"}, expected_rev=1))
        except ConflictError as exc:
            outcome.append(exc)

    with first.transaction():
        first.update("cases", doc["id"], {"status": "otwarta"})
        thread = threading.Thread(target=late_writer)
        thread.start()
        thread.join(0.5)
        assert thread.is_alive()  # it waits for our transaction instead of overwriting it
    thread.join(30)
    assert isinstance(outcome[0], ConflictError) and "zmieniony przez kogoś innego" in str(outcome[0])
    assert first.get("cases", doc["id"])["status"] == "otwarta"
    # without expected_rev the second writer applies its change on top: rev 3, nothing lost
    assert second.update("cases", doc["id"], {"note": "x"})["rev"] == 3
    first.close(), second.close()


def test_rev_check_in_the_database_refuses_a_change_made_outside_somflow(pg_url):
    store = PostgresStore(pg_url, unit="a")
    doc = store.insert("cases", {"status": "nowa"})
    with pytest.raises(ConflictError), store.transaction():
        current = store._get("cases", doc["id"])
        with psycopg.connect(pg_url, autocommit=True) as other:  # somebody's script, bypassing somflow's lock
            other.execute("SELECT set_config('somflow.unit', 'a', false)")
            other.execute("UPDATE somflow_records SET rev = rev + 1 WHERE id = %s", (doc["id"],))
        store._write("cases", doc["id"], {**current, "status": "otwarta", "rev": current["rev"] + 1})
    assert store.get("cases", doc["id"])["status"] == "nowa"
    store.close()


def test_unreachable_server_gives_a_polish_message_without_password(tmp_path):
    with pytest.raises(Exception, match="Nie można połączyć się z bazą danych postgresql://nikt@"):
        open_store(f"postgresql://nikt@/somflow?host={tmp_path}&port=1", tmp_path, "a")


# ------------------------------------------------------------------------ configuration


def test_password_in_somflow_toml_is_refused(somflow_workspace, pg_url):
    use_postgres(somflow_workspace, pg_url.replace("somflow@", "somflow:tajne@"))
    with pytest.raises(ConfigError, match="store.dsn zawiera hasło"):
        Workspace(somflow_workspace).store
    result = run_somflow("status", cwd=somflow_workspace)
    assert result.returncode != 0 and "PGPASSWORD" in result.stderr and "tajne" not in result.stderr + result.stdout


def test_dsn_from_environment_and_status_on_postgres(somflow_workspace, pg_url, monkeypatch, somflow_cli):
    toml = somflow_workspace / "somflow.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8") + '\n[store]\nbackend = "postgres"\ndsn_env = "SOMFLOW_DSN"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("SOMFLOW_DSN", pg_url)
    ws = Workspace(somflow_workspace)
    ws.store.insert("sample_staff", {"imie": "Żaneta"})
    result = somflow_cli("status")
    assert result.exit_code == 0, result.output
    assert "Magazyn danych: postgresql://somflow@" in result.output and "Rekordy w magazynie danych: " in result.output
    assert ws.store.count("sample_staff") == 1
    monkeypatch.delenv("SOMFLOW_DSN")
    result = run_somflow("status", cwd=somflow_workspace)
    assert result.returncode == 1 and "SOMFLOW_DSN" in result.stderr


# ----------------------------------------------------------------------------- migration


def fill_demo(root: Path) -> dict[str, int]:
    store = Workspace(root).store
    with store.transaction():
        for i in range(30):
            store.insert("sample_children", {"imie": f"Zośka {i}", "pesel": "44051401359", "grupa": f"{i % 3}a"})
        staff = [
            store.insert("sample_staff", {"imie": "Łucja", "items": [{"name": "krk", "status": "missing"}]})
            for _ in range(7)
        ]
    store.update("sample_staff", staff[0]["id"], {"items": [{"name": "krk", "status": "received"}]})
    store.delete("sample_staff", staff[1]["id"])
    other = open_store(str(root / "data" / "store.json"), root, "inna")  # a second unit in the same file
    other.insert("sample_children", {"imie": "Obcy"})
    return {"sample_children": 30, "sample_staff": 6}


def test_migrate_copies_verifies_repeats_and_leaves_tinydb_untouched(somflow_workspace, pg_url):
    counts = fill_demo(somflow_workspace)
    source = somflow_workspace / "data" / "store.json"
    before_status = run_somflow("status", cwd=somflow_workspace)
    before = file_state(source)
    tiny = Workspace(somflow_workspace).store

    first = run_somflow("store", "migrate", "--to", pg_url, cwd=somflow_workspace)
    assert first.returncode == 0, first.stderr
    assert "zbiór sample_children: w pliku 30, skopiowano 30, już w bazie 0; zgodne" in first.stdout
    assert "zbiór sample_staff: w pliku 6, skopiowano 6" in first.stdout and "innych jednostek: 1" in first.stdout
    second = run_somflow("store", "migrate", "--to", pg_url, cwd=somflow_workspace)
    assert second.returncode == 0 and "skopiowano 0, już w bazie 30" in second.stdout
    assert file_state(source) == before

    pg = PostgresStore(pg_url, unit="sp7")
    for name, n in counts.items():
        assert pg.count(name) == n
        assert pg.query(name) == tiny.query(name)  # same ids, metadata and content
    assert pg.audit_log() == tiny.audit_log()  # audit copied once, in order
    assert pg.units() == ["sp7"]

    use_postgres(somflow_workspace, pg_url)
    after_status = run_somflow("status", cwd=somflow_workspace)
    strip = lambda out: [line for line in out.splitlines() if not line.startswith("Magazyn danych")]  # noqa: E731
    assert (
        strip(after_status.stdout) == strip(before_status.stdout)
        and "Rekordy w magazynie danych: " in after_status.stdout
    )
    assert pg.count("sample_children") == 30
    pg.close()


def test_migrate_stops_on_changed_records_and_writes_nothing(somflow_workspace, pg_url):
    fill_demo(somflow_workspace)
    source = somflow_workspace / "data" / "store.json"
    assert run_somflow("store", "migrate", "--to", pg_url, cwd=somflow_workspace).returncode == 0
    pg = PostgresStore(pg_url, unit="sp7")
    changed = pg.query("sample_children")[0]
    pg.update("sample_children", changed["id"], {"imie": "zmienione w bazie"})
    Workspace(somflow_workspace).store.insert("sample_children", {"imie": "nowe w pliku"})
    before = file_state(source)
    result = run_somflow("store", "migrate", "--to", pg_url, cwd=somflow_workspace)
    assert (
        result.returncode == 3
        and "Zbiór sample_children: 1 rekord jest już w bazie PostgreSQL z inną treścią" in result.stderr
    )
    assert pg.count("sample_children") == 30  # the new file record was not copied either: one transaction
    assert file_state(source) == before
    pg.close()


def test_migrate_refuses_a_password_on_the_command_line(somflow_workspace, pg_url):
    result = run_somflow(
        "store", "migrate", "--to", pg_url.replace("somflow@", "somflow:tajne@"), cwd=somflow_workspace
    )
    assert result.returncode == 1 and "PGPASSWORD" in result.stderr


# ------------------------------------------------------------------------- report units


def test_report_units_lists_counts_per_unit_without_personal_data(somflow_workspace, pg_url):
    use_postgres(somflow_workspace, pg_url)
    for unit, n in (("sp7", 3), ("p12", 5), ("mops", 0)):
        store = PostgresStore(pg_url, unit=unit)
        for _i in range(n):
            store.insert("sample_children", {"imie": "Józefina", "pesel": "44051401359"})
        store.insert("sample_staff", {"imie": "Zenon"})
        store.close()
    result = run_somflow("report", "units", cwd=somflow_workspace)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Jednostka") and "Rekordy" in lines[0]  # plugins add their own columns
    assert [line.split()[:1] for line in lines[2:]] == [["mops"], ["p12"], ["sp7"]]
    assert "Józefina" not in result.stdout and "44051401359" not in result.stdout
    assert column(run_somflow("report", "units", "--csv", cwd=somflow_workspace).stdout, "Rekordy") == {
        "mops": "1",
        "p12": "6",
        "sp7": "4",
    }
    assert column(
        run_somflow("report", "units", "--csv", "--unit", "p12", cwd=somflow_workspace).stdout, "Rekordy"
    ) == {"p12": "6"}
    english = run_somflow("--lang", "en", "report", "units", cwd=somflow_workspace)
    assert english.stdout.split()[0] == "Unit" and "Records" in english.stdout.splitlines()[0]


def column(csv_text: str, label: str) -> dict[str, str]:
    """``{unit: value}`` of one column of ``somflow report units --csv``."""
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    return {row["Jednostka"]: row[label] for row in rows}


def test_report_units_on_a_tinydb_store_with_several_units(somflow_workspace, somflow_cli):
    fill_demo(somflow_workspace)
    result = somflow_cli("report", "units", "--csv")
    assert result.exit_code == 0, result.output
    assert column(result.output, "Rekordy") == {"inna": "1", "sp7": "36"}


def test_report_units_uses_the_plugins_summary_hook(somflow_workspace, pg_url):
    plugin = somflow_workspace / "plugins" / "counts.py"
    plugin.parent.mkdir(exist_ok=True)
    plugin.write_text(
        "from somflow import hookimpl\n\n"
        "@hookimpl\n"
        "def somflow_unit_summary(workspace):\n"
        "    return [('Dzieci', workspace.store.count('sample_children')), ('Jednostka ma dzieci', int(workspace.unit.startswith('sp')))]\n",
        encoding="utf-8",
    )
    use_postgres(somflow_workspace, pg_url)
    PostgresStore(pg_url, unit="sp1").insert("sample_children", {"n": 1})
    PostgresStore(pg_url, unit="zs2").insert("sample_staff", {"n": 1})
    result = run_somflow("report", "units", "--csv", cwd=somflow_workspace)
    assert result.returncode == 0, result.stderr
    assert column(result.stdout, "Dzieci") == {"sp1": "1", "zs2": "0"}
    assert column(result.stdout, "Jednostka ma dzieci") == {"sp1": "1", "zs2": "0"}
    assert column(result.stdout, "Rekordy") == {"sp1": "1", "zs2": "1"}


def test_the_documented_roles_work_and_keep_the_audit_append_only(pg_server):
    """docs/postgres.md: the owner creates the tables; the application role only reads and writes rows."""
    url = pg_server()
    if not pg_server.admin_dsn:
        pytest.skip("existing server without SOMFLOW_TEST_PG_ADMIN_DSN (the temporary test server always has it)")
    schema = url.rsplit("search_path%3D", 1)[1]
    PostgresStore(url, unit="sp7").close()  # first run as the owner creates the tables
    sql = (Path(__file__).resolve().parent.parent / "docs" / "postgres-grants.sql").read_text(encoding="utf-8")
    with psycopg.connect(pg_server.admin_dsn, autocommit=True) as admin:
        admin.execute("DROP ROLE IF EXISTS somflow_app_test")
        admin.execute("CREATE ROLE somflow_app_test LOGIN")
    with psycopg.connect(url, autocommit=True) as owner:
        owner.execute(sql.replace("somflow_app", "somflow_app_test").replace("SCHEMA public", f'SCHEMA "{schema}"'))
    app_url = url.replace("somflow@", "somflow_app_test@", 1)
    app = PostgresStore(app_url, unit="sp7")
    doc = app.insert("children", {"n": 1})
    app.update("children", doc["id"], {"n": 2})
    assert app.units() == ["sp7"] and [e["action"] for e in app.audit_log()] == ["insert", "update"]
    app.delete("children", doc["id"])
    with psycopg.connect(app_url, autocommit=True) as conn:
        conn.execute("SELECT set_config('somflow.unit', 'sp7', false)")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM somflow_audit")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE somflow_audit SET action = 'x'")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DROP TABLE somflow_records")
    app.close()


def test_a_migrated_demo_workspace_answers_the_same_on_both_backends(somflow_workspace, pg_url):
    """Issue 11: identical `somflow status`, deadlines and vetting status after the migration.

    ``deadlines`` and ``vetting status`` are compared when those plugins are installed (they live on
    their own branches until merged); ``status`` always.
    """
    fill_demo(somflow_workspace)
    listed = run_somflow("--help", cwd=somflow_workspace).stdout
    commands = [["status"]] + [cmd for cmd in (["deadlines"], ["vetting", "status"]) if f"  {cmd[0]} " in listed]
    if ["vetting", "status"] in commands:  # real plugin data: people to vet, one register check recorded
        for _n, (imie, pesel, start) in enumerate(
            (("Łucja", "44051401359", "2026-12-01"), ("Źenon", "85031207895", "2027-01-11")), 1
        ):
            added = run_somflow(
                "vetting",
                "add",
                "--imie",
                imie,
                "--nazwisko",
                "Gęślak",
                "--pesel",
                pesel,
                "--umowa",
                "umowa-o-prace",
                "--rola",
                "nauczyciel",
                "--start",
                start,
                cwd=somflow_workspace,
            )
            assert added.returncode == 0, added.stderr
        recorded = run_somflow("vetting", "record", "1", "krk", "--result", "brak-wpisu", cwd=somflow_workspace)
        assert recorded.returncode == 0, recorded.stderr
    on_tinydb = [run_somflow(*cmd, cwd=somflow_workspace) for cmd in commands]
    assert run_somflow("store", "migrate", "--to", pg_url, cwd=somflow_workspace).returncode == 0
    use_postgres(somflow_workspace, pg_url)
    on_postgres = [run_somflow(*cmd, cwd=somflow_workspace) for cmd in commands]
    for cmd, before, after in zip(commands, on_tinydb, on_postgres):
        strip = lambda out: [line for line in out.splitlines() if not line.startswith("Magazyn danych")]  # noqa: E731
        assert (after.returncode, strip(after.stdout)) == (before.returncode, strip(before.stdout)), cmd
    assert "Magazyn danych: postgresql://somflow@" in on_postgres[0].stdout


def test_a_dropped_connection_is_reopened_for_reads_and_a_write_in_flight_is_reported(pg_url):
    store = PostgresStore(pg_url, unit="a")
    store.insert("children", {"n": 1})

    def drop() -> None:
        pid = store._conn.info.backend_pid
        with psycopg.connect(pg_url, autocommit=True) as other:  # the same role may end its own sessions
            other.execute("SELECT pg_terminate_backend(%s)", (pid,))

    drop()
    assert store.count("children") == 1  # reconnected
    drop()
    store.insert("children", {"n": 2})  # BEGIN on the dead connection: reconnected too
    with pytest.raises(StoreError, match="zostało przerwane"), store.transaction():
        store.insert("children", {"n": 3})
        drop()
        store.insert("children", {"n": 4})
    assert sorted(d["n"] for d in store.query("children")) == [1, 2]
    store.close()


def test_text_postgresql_cannot_hold_is_refused_in_polish_and_nothing_is_written(pg_url):
    store = PostgresStore(pg_url, unit="a")
    with pytest.raises(StoreError, match="Baza danych odrzuciła zapis"), store.transaction():
        store.insert("children", {"n": 1})
        store.insert("children", {"uwagi": "znak\x00NUL"})
    assert store.count("children") == 0 and store.audit_log() == []
    store.insert("children", {"n": 2})  # the store keeps working
    assert store.count("children") == 1
    store.close()


def test_paths_store_may_name_the_database_directly(somflow_workspace, pg_url, somflow_cli):
    toml = somflow_workspace / "somflow.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('store = "data/store.json"', f'store = "{pg_url}"'), encoding="utf-8"
    )
    Workspace(somflow_workspace).store.insert("sample_children", {"n": 1})
    result = somflow_cli("status")
    assert "Magazyn danych: postgresql://somflow@" in result.output and "Rekordy w magazynie danych: " in result.output
    assert PostgresStore(pg_url, unit="sp7").count("sample_children") == 1
