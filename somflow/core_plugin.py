"""The core's own hook implementations: fallbacks every workspace has (``trylast``)."""

from __future__ import annotations

from somflow import hookimpl
from somflow.fileio import open_to_others, remove_temporaries
from somflow.i18n import _
from somflow.workspace import Workspace

#: Folders where somflow writes documents with personal data (the store's own folder is cleaned when it opens).
WRITTEN_FOLDERS = ("documents", "druk", "reports", "drafts")
#: A temporary file there older than this is surely left by a killed write (a write takes milliseconds).
STALE_TEMPORARY_SECONDS = 3600


@hookimpl(trylast=True)
def somflow_status(workspace: Workspace) -> list[tuple[str, str]]:
    store = workspace.store
    lines = [(_("Jednostka"), f"{workspace.config['institution']['name']} ({workspace.unit})")]
    lines.append((_("Magazyn danych"), str(getattr(store, "where", None) or workspace.path("store"))))
    removed = getattr(store, "removed_temporaries", 0) + sum(
        remove_temporaries(workspace.root / folder, older_than=STALE_TEMPORARY_SECONDS) for folder in WRITTEN_FOLDERS
    )
    if removed:
        lines.append((_("Usunięto kopie tymczasowe pozostawione przez przerwane zapisy"), str(removed)))
    # One number: the collections' names are the program's words, not the office's (the plugins count their own).
    total = sum(store.count(name) for name in store.collections())
    lines.append((_("Rekordy w magazynie danych"), str(total) if total else _("brak")))
    return lines + _exposed(workspace)


#: How many files open to others ``status`` names (the count says how many there are).
EXPOSED_SHOWN = 5


def _exposed(workspace: Workspace) -> list[tuple[str, str]]:
    """A warning line when anything in the workspace can be opened by other users of the computer."""
    exposed = open_to_others(workspace.root)
    if not exposed:
        return []
    names = ", ".join(
        f"{path.relative_to(workspace.root).as_posix()} ({mode:o})" for path, mode in exposed[:EXPOSED_SHOWN]
    )
    if len(exposed) > EXPOSED_SHOWN:
        names += ", …"
    return [
        (
            _("UWAGA: pliki i foldery dostępne dla innych użytkowników ({count})", count=len(exposed)),
            _("{names}. Popraw: chmod -R go= {root}", names=names, root=workspace.root),
        )
    ]


@hookimpl(trylast=True)
def somflow_contacts(workspace: Workspace) -> list[dict[str, str]]:
    return [dict(c) for c in workspace.config.get("contacts", [])]


@hookimpl(trylast=True)
def somflow_addressee(workspace: Workspace, role: str) -> dict[str, str] | None:
    section = workspace.config.get(role)
    return dict(section) if isinstance(section, dict) and section.get("name") else None
