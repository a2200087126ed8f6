"""The unit at a glance (``somflow status`` and the web dashboard): every plugin's lines, core first."""

from __future__ import annotations

from somflow.i18n import _
from somflow.workspace import Workspace


def lines(workspace: Workspace) -> list[tuple[str, str]]:
    """``(label, value)`` pairs of every plugin's ``somflow_status``, then a line per plugin that failed to load."""
    found = [line for results in reversed(workspace.hook.somflow_status(workspace=workspace)) for line in results or []]
    return found + [
        (_("Wtyczka {name} nie działa", name=info.name), str(info.error)) for info in workspace.plugins.failures
    ]
