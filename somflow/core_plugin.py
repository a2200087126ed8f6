"""The core's own hook implementations: fallbacks every workspace has (``trylast``)."""

from __future__ import annotations

from somflow import hookimpl
from somflow.i18n import _
from somflow.workspace import Workspace


@hookimpl(trylast=True)
def somflow_status(workspace: Workspace) -> list[tuple[str, str]]:
    store = workspace.store
    lines = [(_("Jednostka"), f"{workspace.config['institution']['name']} ({workspace.unit})")]
    lines.append((_("Magazyn danych"), str(getattr(store, "where", None) or workspace.path("store"))))
    if getattr(store, "removed_temporaries", 0):
        lines.append((_("Usunięto kopie tymczasowe magazynu (po przerwanych zapisach)"), str(store.removed_temporaries)))
    collections = store.collections()
    if collections:
        lines += [(_("Zbiór {name}", name=name), str(store.count(name))) for name in collections]
    else:
        lines.append((_("Rekordy"), _("brak")))
    return lines


@hookimpl(trylast=True)
def somflow_contacts(workspace: Workspace) -> list[dict[str, str]]:
    return [dict(c) for c in workspace.config.get("contacts", [])]


@hookimpl(trylast=True)
def somflow_addressee(workspace: Workspace, role: str) -> dict[str, str] | None:
    section = workspace.config.get(role)
    return dict(section) if isinstance(section, dict) and section.get("name") else None
