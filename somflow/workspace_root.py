"""Which folder is the workspace: light enough for ``somflow --help`` (no TOML, no file helpers)."""

from __future__ import annotations

import os
from pathlib import Path

CONFIG_NAME = "somflow.toml"


def find_root(explicit: str | Path | None = None, start: Path | None = None) -> Path | None:
    """The workspace folder: ``explicit``, else ``SOMFLOW_WORKSPACE``, else the nearest parent with somflow.toml."""
    chosen = str(explicit or os.environ.get("SOMFLOW_WORKSPACE") or "").strip()
    if (
        len(chosen) > 1 and chosen[0] == chosen[-1] == '"'
    ):  # cmd.exe: set SOMFLOW_WORKSPACE="C:\\Moje dane" keeps the quotes
        chosen = chosen[1:-1]
    if chosen:
        return Path(chosen).expanduser().resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    return None
