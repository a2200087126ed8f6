"""The core's own hook implementations: fallbacks every workspace has (``trylast``)."""

from __future__ import annotations

from somflow import hookimpl
from somflow.i18n import _
from somflow.workspace import Workspace

JUNK_NAMES = {"thumbs.db", ".ds_store", "desktop.ini"}


def waiting_files(folder) -> list:
    """Files in ``folder`` (recursively) that are not hidden or system junk."""
    if not folder.is_dir():
        return []
    return [p for p in folder.rglob("*") if p.is_file() and p.name.lower() not in JUNK_NAMES and not p.name.startswith(".")]


@hookimpl(trylast=True)
def somflow_status(workspace: Workspace) -> list[tuple[str, str]]:
    store = workspace.store
    lines = [(_("Jednostka"), f"{workspace.config['institution']['name']} ({workspace.unit})")]
    lines.append((_("Magazyn danych"), str(workspace.path("store"))))
    collections = store.collections()
    if collections:
        lines += [(_("Zbiór {name}", name=name), str(store.count(name))) for name in collections]
    else:
        lines.append((_("Rekordy"), _("brak")))
    lines.append((_("Pliki oczekujące w inbox/"), str(len(waiting_files(workspace.path("inbox"))))))
    rejected = [p for p in waiting_files(workspace.path("rejected")) if p.suffix.lower() != ".txt"]
    lines.append((_("Pliki odrzucone (rejected/)"), str(len(rejected))))
    return lines


@hookimpl(trylast=True)
def somflow_contacts(workspace: Workspace) -> list[dict[str, str]]:
    return [dict(c) for c in workspace.config.get("contacts", [])]
