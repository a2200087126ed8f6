"""A workspace: one unit's folder with ``somflow.toml``, the store and the inbox folders."""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from somflow import config
from somflow.errors import ConfigError
from somflow.fileio import make_private_dir, restrict_to_owner
from somflow.i18n import _
from somflow.workspace_root import find_root  # noqa: F401  (the one way to find the folder; cli imports it from there)

if TYPE_CHECKING:
    from somflow.plugins import PluginHost
    from somflow.store import Store

FOLDERS = ("inbox", "archive", "rejected")


class Workspace:
    """The unit's configuration, folders and store, opened lazily."""

    def __init__(self, root: Path, plugins: PluginHost | None = None):
        self.root = root
        schemas = plugins.config_schemas(reserved=set(config.SCHEMA)) if plugins is not None else None
        self.config: dict[str, Any] = config.load(root / config.CONFIG_NAME, schemas)
        self.plugins = plugins

    @property
    def unit(self) -> str:
        return self.config["institution"]["unit"]

    def path(self, key: str) -> Path:
        """An absolute path from ``[paths]`` (``store``, ``inbox``, ``archive``, ``rejected``)."""
        return self.root / self.config["paths"][key]

    @cached_property
    def store(self) -> Store:
        """The unit's store, brought to the current layout on first use (:mod:`somflow.store.upgrade`)."""
        from somflow.store import open_store, store_location, upgrade  # the store's libraries: when it is opened

        password_env = (self.config.get("store") or {}).get("password_env")
        store = open_store(store_location(self.config), self.root, self.unit, password_env=password_env)
        upgrade.bring_up_to_date(store, self.backup_dir(store))
        return store

    def backup_dir(self, store: Store) -> Path:
        """Where copies of the store are kept: beside a TinyDB file (with its own backups), else ``backups/``."""
        path = getattr(store, "path", None)
        return path.parent / "backups" if isinstance(path, Path) else self.root / "backups"

    @property
    def hook(self):
        """The plugins' hooks (``workspace.hook.somflow_deadlines(...)``)."""
        if self.plugins is None:
            raise RuntimeError("workspace opened without plugins")
        return self.plugins.pm.hook


def create(root: Path, values: dict[str, str], *, overwrite: bool = False) -> Path:
    """Create a workspace in ``root``: somflow.toml, the inbox folders and an empty store."""
    target = root / config.CONFIG_NAME
    if target.exists() and not overwrite:
        raise ConfigError(_("W folderze {root} już jest obszar roboczy ({file}).", root=root, file=config.CONFIG_NAME))
    make_private_dir(root)
    restrict_to_owner(root)  # Windows: an owner-only access list, inherited by everything created inside
    fd = os.open(
        target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o600
    )  # Windows: no CRT text mode
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
        f.write(config.render_template(values))
    ws = Workspace(root)
    for key in FOLDERS:
        make_private_dir(ws.path(key))
    make_private_dir(ws.path("store").parent)
    ws.store  # creates the store file, owner-only
    return root
