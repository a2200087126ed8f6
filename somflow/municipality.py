"""Municipality scale as a core plugin: ``somflow report units`` and ``somflow store migrate``.

``report units`` asks every plugin's ``somflow_unit_summary`` hook once per
unit of the store, each time with a workspace whose store is bound to that
unit, and prints one row a unit, one column a label: counts only.
"""

from __future__ import annotations

import copy
import io
import os
from pathlib import Path
from typing import Any

import click

from somflow import csvfile, hookimpl
from somflow.errors import ConfigError
from somflow.i18n import _
from somflow.store import is_postgres_url, store_location
from somflow.workspace import Workspace


def unit_workspace(workspace: Workspace, unit: str) -> Workspace:
    """The same workspace seen as ``unit``: its config says that unit and its store sees only that unit."""
    view = copy.copy(workspace)
    view.config = copy.deepcopy(workspace.config)
    view.config["institution"]["unit"] = unit
    view.__dict__["store"] = workspace.store.for_unit(unit)
    return view


def unit_rows(
    workspace: Workspace, units: list[str] | None = None
) -> tuple[list[str], list[tuple[str, dict[str, int]]]]:
    """The overview: the column labels (first-seen order) and per unit ``(unit, {label: count})``."""
    units = units if units is not None else workspace.store.units()
    labels: list[str] = []
    rows = []
    for unit in units:
        view = unit_workspace(workspace, unit)
        try:
            counts: dict[str, int] = {}
            for results in reversed(workspace.hook.somflow_unit_summary(workspace=view)):  # core first
                for label, count in results or []:
                    counts[label] = int(count)
                    if label not in labels:
                        labels.append(label)
        finally:
            view.store.close()
        rows.append((unit, counts))
    return labels, rows


def render_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    fmt = lambda r: "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))).rstrip()  # noqa: E731
    return "\n".join([fmt(header), fmt(["-" * w for w in widths]), *(fmt(r) for r in rows)])


@click.group(help="Zestawienia dla organu prowadzącego (gminy).")
def report() -> None:
    pass


@report.command("units", help="Przegląd jednostek: po jednym wierszu na jednostkę, same liczby (bez danych osobowych).")
@click.option("--csv", "as_csv", is_flag=True, help="Wynik jako CSV (np. do arkusza kalkulacyjnego).")
@click.option("--unit", "only", multiple=True, help="Tylko podane jednostki (można powtarzać).")
@click.pass_obj
def report_units(app: Any, as_csv: bool, only: tuple[str, ...]) -> None:
    workspace: Workspace = app.workspace
    labels, rows = unit_rows(workspace, list(only) or None)
    header = [_("Jednostka"), *labels]
    table = [[unit, *(str(counts.get(label, "")) for label in labels)] for unit, counts in rows]
    if as_csv:
        out = io.StringIO()
        writer = csvfile.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(table)
        click.echo(out.getvalue(), nl=False)
    elif not rows:
        click.echo(_("W magazynie danych nie ma jeszcze żadnej jednostki."))
    else:
        click.echo(render_table(header, table))


@click.group(help="Magazyn danych: przeniesienie do PostgreSQL, konta jednostek i gminy.")
def store() -> None:
    pass


@store.command(
    "migrate",
    help="Skopiuj dane tej jednostki z pliku TinyDB do bazy PostgreSQL (plik zostaje bez zmian; można powtarzać).",
)
@click.option(
    "--to",
    "target",
    required=True,
    help="Adres bazy, np. postgresql://somflow@serwer/somflow (hasło w PGPASSWORD lub ~/.pgpass).",
)
@click.option("--unit", help="Jednostka do skopiowania (domyślnie: institution.unit z somflow.toml).")
@click.pass_obj
def store_migrate(app: Any, target: str, unit: str | None) -> None:
    from somflow.store.migrate import migrate_tinydb_to_postgres
    from somflow.store.postgres_store import describe_dsn, dsn_has_password

    workspace: Workspace = app.workspace
    source = store_location(workspace.config)
    if is_postgres_url(source):
        raise ConfigError(_("Ten obszar roboczy już korzysta z bazy PostgreSQL; migracja kopiuje z pliku TinyDB."))
    if not is_postgres_url(target):
        raise ConfigError(_("--to: podaj adres bazy w postaci postgresql://użytkownik@serwer/baza."))
    if dsn_has_password(target):
        raise ConfigError(
            _("--to: nie podawaj hasła w adresie (widać je na liście procesów). Ustaw PGPASSWORD albo ~/.pgpass.")
        )
    unit = unit or workspace.unit
    password_env = (workspace.config.get("store") or {}).get("password_env")
    result = migrate_tinydb_to_postgres(
        workspace.root / source, target, unit, password=os.environ.get(password_env) if password_env else None
    )
    click.echo(
        _(
            "Jednostka {unit}: plik {path} → {where}",
            unit=unit,
            path=workspace.root / source,
            where=describe_dsn(target),
        )
    )
    for c in result.collections:
        click.echo(
            "  "
            + _(
                "zbiór {name}: w pliku {total}, skopiowano {copied}, już w bazie {present}; zgodne (sha256 {digest})",
                name=c.name,
                total=c.in_source,
                copied=c.copied,
                present=c.present,
                digest=c.sha256[:16],
            )
        )
    click.echo("  " + _("wpisy dziennika zmian: skopiowano {count}", count=result.audit_copied))
    if result.other_units:
        click.echo("  " + _("pominięto rekordy innych jednostek: {count}", count=result.other_units))
    click.echo(
        _(
            'Gotowe. Plik TinyDB pozostał bez zmian. Aby pracować na bazie, wpisz w somflow.toml: [store] backend = "postgres", dsn = "{where}"',
            where=describe_dsn(target),
        )
    )


def _postgres_store(workspace: Workspace):
    from somflow.store.postgres_store import PostgresStore

    if not isinstance(workspace.store, PostgresStore):
        raise ConfigError(_("To polecenie dotyczy bazy PostgreSQL, a ten obszar roboczy korzysta z pliku TinyDB."))
    return workspace.store


@store.command(
    "add-role",
    help="Utwórz konto bazy danych dla jednostki (widzi i zmienia tylko swoje dane) albo, z --municipality, konto gminy "
    "(tylko odczyt zestawień). Uruchamia właściciel tabel; hasło trafia wyłącznie do pliku --pgpass.",
)
@click.argument("unit", required=False)
@click.option("--municipality", is_flag=True, help="Konto gminy: odczyt wszystkich jednostek, bez prawa zapisu.")
@click.option("--role", "name", help="Nazwa konta (domyślnie somflow_JEDNOSTKA albo somflow_gmina).")
@click.option(
    "--pgpass",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Plik, do którego dopisać wiersz z hasłem (format ~/.pgpass, tylko dla właściciela); hasło nie jest wypisywane.",
)
@click.pass_obj
def store_add_role(app: Any, unit: str | None, municipality: bool, name: str | None, pgpass: Path) -> None:
    from somflow.fileio import write_private
    from somflow.store.pg_roles import add_role

    if bool(unit) == municipality:
        raise ConfigError(_("Podaj jednostkę (np. somflow store add-role sp7 …) albo --municipality — jedno z dwóch."))
    created = add_role(_postgres_store(app.workspace), unit, name)
    previous = pgpass.read_bytes() if pgpass.exists() else b""
    if previous and not previous.endswith(b"\n"):
        previous += b"\n"
    write_private(pgpass, previous + created.pgpass_line.encode("utf-8") + b"\n")
    if unit:
        click.echo(
            _(
                "Konto {role} jednostki {unit} jest gotowe: widzi i zmienia wyłącznie dane tej jednostki.",
                role=created.name,
                unit=unit,
            )
        )
    else:
        click.echo(
            _(
                "Konto gminy {role} jest gotowe: odczyt zestawień wszystkich jednostek, bez prawa zapisu.",
                role=created.name,
            )
        )
    click.echo(_('W somflow.toml tego komputera: [store] backend = "postgres", dsn = "{dsn}"', dsn=created.dsn))
    click.echo(
        _(
            "Hasło zapisano w pliku {path} (tylko dla właściciela). Przenieś ten wiersz do ~/.pgpass na komputerze jednostki "
            "(Windows: %APPDATA%\\postgresql\\pgpass.conf) i usuń plik.",
            path=pgpass,
        )
    )


@store.command(
    "secure", help="Nałóż (ponownie) zabezpieczenia wierszy bazy PostgreSQL w wersji tego somflow; można powtarzać."
)
@click.pass_obj
def store_secure(app: Any) -> None:
    pg = _postgres_store(app.workspace)
    pg.secure()
    click.echo(
        _("Zabezpieczenia wierszy bazy {where} są aktualne: każda jednostka widzi tylko swoje dane.", where=pg.where)
    )


@hookimpl
def somflow_register_commands(register) -> None:
    register(report)
    register(store)


@hookimpl(trylast=True)
def somflow_unit_summary(workspace: Workspace) -> list[tuple[str, int]]:
    store_ = workspace.store
    return [(_("Rekordy"), sum(store_.count(name) for name in store_.collections()))]
