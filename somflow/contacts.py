"""Local help contacts and document addressees: ``somflow contacts`` and the functions behind it.

Both come from ``somflow.toml`` (``[[contacts]]`` tables, ``[<role>]`` sections)
and from plugins (``somflow_contacts``, ``somflow_addressee``), so a
municipality's package can bring its own directory and routing while a unit
without it keeps working from its own file.
"""

from __future__ import annotations

import json

import click

from somflow import hookimpl
from somflow.config import ADDRESSEE_ROLES
from somflow.errors import ConfigError
from somflow.i18n import _
from somflow.workspace import Workspace

#: The keys every contact has (missing ones read as "").
CONTACT_KEYS = ("name", "phone", "address", "hours", "offer", "for_whom")


def role_label(role: str) -> str:
    """The Polish name of an addressee role (the role itself when unknown)."""
    labels = {
        "zespol_interdyscyplinarny": _("Zespół Interdyscyplinarny (Niebieska Karta – A)"),
        "policja": _("Policja (zawiadomienie o przestępstwie)"),
        "prokuratura": _("Prokuratura (zawiadomienie o przestępstwie)"),
        "sad_rodzinny": _("Sąd rodzinny (wniosek o wgląd w sytuację rodziny)"),
        "ops": _("Ośrodek pomocy społecznej"),
    }
    return labels.get(role, role)


def contacts(workspace: Workspace) -> list[dict[str, str]]:
    """Every local help contact: ``somflow.toml`` first, then plugins in load order, without repeats."""
    # pluggy calls the core's trylast fallback last; the hookspec promises the file's contacts first.
    results = reversed(workspace.hook.somflow_contacts(workspace=workspace))
    seen: set[tuple[str, str]] = set()
    out: list[dict[str, str]] = []
    for result in results:
        for contact in result or []:
            entry = {key: str(contact.get(key) or "") for key in CONTACT_KEYS} | {
                k: str(v) for k, v in contact.items() if k not in CONTACT_KEYS
            }
            key = (entry["name"], entry["phone"])
            if entry["name"] and key not in seen:
                seen.add(key)
                out.append(entry)
    return out


def addressee(workspace: Workspace, role: str) -> dict[str, str] | None:
    """Where documents for ``role`` go: the first plugin that knows, else ``[<role>]`` of somflow.toml."""
    return workspace.hook.somflow_addressee(workspace=workspace, role=role)


def require_addressee(workspace: Workspace, role: str) -> dict[str, str]:
    """Like :func:`addressee`, but a missing answer is a :class:`ConfigError` saying what to fill in."""
    found = addressee(workspace, role)
    if not found or not found.get("name") or not found.get("address"):
        raise ConfigError(
            _(
                "Nie wiadomo, dokąd dostarczyć dokument: {label}. Uzupełnij sekcję [{role}] (name, address) "
                "w pliku {file} albo zainstaluj wtyczkę swojej gminy.",
                label=role_label(role),
                role=role,
                file=workspace.root / "somflow.toml",
            )
        )
    return found


@click.command(
    name="contacts", help="Pokaż lokalne kontakty pomocowe i adresatów dokumentów (z somflow.toml i wtyczek gminy)."
)
@click.option("--json", "as_json", is_flag=True, help="Wynik jako JSON.")
@click.pass_obj
def contacts_command(app, as_json: bool) -> None:
    workspace: Workspace = app.workspace
    found = contacts(workspace)
    routes = {role: addressee(workspace, role) for role in ADDRESSEE_ROLES}
    if as_json:
        click.echo(json.dumps({"addressees": routes, "contacts": found}, ensure_ascii=False, indent=2))
        return
    click.echo(_("Dokąd trafiają dokumenty:"))
    for role, target in routes.items():
        if target:
            where = "; ".join(v for v in (target.get("address"), target.get("email"), target.get("phone")) if v)
            click.echo(f"  {role_label(role)}: {target['name']}; {where}")
        else:
            click.echo(
                "  " + _("{label}: nie ustawiono (sekcja [{role}] w somflow.toml)", label=role_label(role), role=role)
            )
    click.echo("")
    if not found:
        click.echo(
            _("Brak kontaktów pomocowych. Dodaj je w somflow.toml jako [[contacts]] albo zainstaluj wtyczkę gminy.")
        )
        return
    click.echo(_("Kontakty pomocowe ({count}):", count=len(found)))
    for contact in found:
        click.echo("")
        click.echo(contact["name"])
        for key, label in (
            ("phone", _("Telefon")),
            ("email", _("E-mail")),
            ("address", _("Adres")),
            ("hours", _("Godziny")),
            ("offer", _("Wsparcie")),
            ("for_whom", _("Dla kogo")),
        ):
            if contact.get(key):
                click.echo(f"  {label}: {contact[key]}")


@hookimpl
def somflow_register_commands(register) -> None:
    register(contacts_command)
