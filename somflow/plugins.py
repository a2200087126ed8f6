"""Finding, loading and describing plugins.

Plugins come from two places, loaded in this order (later ones are called
first by pluggy, so a workspace can override a package):

1. entry points in the group ``somflow`` of every installed distribution;
   somflow's own built-in plugins are declared there too, in its pyproject;
2. single ``*.py`` files in the workspace's ``plugins/`` folder.

``SOMFLOW_PLUGINS=a,b`` loads only the named plugins. A plugin that fails to
import or implements a hook that does not exist is reported by name with the
reason; the others keep working.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType
from typing import Any

import click
import pluggy

from somflow import __version__, hookspecs
from somflow.i18n import _

log = logging.getLogger(__name__)
ENTRY_POINT_GROUP = "somflow"

#: The core's own features, registered first as ordinary plugins (name ``core`` and ``core.<area>``).
CORE_MODULES = (
    "somflow.core_plugin",
    "somflow.web.plugin",  # before the other features: the dashboard and the review queue lead the web menu
    "somflow.inbox.plugin",
    "somflow.forms.plugin",
    "somflow.reminders.plugin",
    "somflow.notices",
    "somflow.correction_commands",
    "somflow.people.plugin",
    "somflow.retention.plugin",
    "somflow.contacts",
    "somflow.scaffold",
    "somflow.municipality",
    "somflow.casework.plugin",
)


@dataclass
class PluginInfo:
    name: str
    version: str
    source: str
    hooks: list[str] = field(default_factory=list)
    error: str | None = None


class PluginHost:
    """A pluggy manager with somflow's hooks and every plugin that loaded."""

    def __init__(self, workspace_root: Path | None = None, only: str | None = None):
        self.pm = pluggy.PluginManager("somflow")
        self.pm.add_hookspecs(hookspecs)
        self.infos: list[PluginInfo] = []
        self._allowed = _parse_only(os.environ.get("SOMFLOW_PLUGINS") if only is None else only)
        self._commands: dict[str, click.Command] | None = None
        self._schemas: dict[str, dict[str, Any]] | None = None
        for module_name in CORE_MODULES:
            module = importlib.import_module(module_name)
            name = "core" if module_name == "somflow.core_plugin" else "core." + module_name.split(".")[1]
            self.pm.register(module, name=name)
            self.infos.append(PluginInfo(name, __version__, _("rdzeń"), _hook_names(self.pm, module)))
        self._load_entry_points()
        if workspace_root is not None:
            self._load_folder(workspace_root / "plugins")

    # -------------------------------------------------------------- loading

    def _wanted(self, name: str) -> bool:
        return self._allowed is None or name in self._allowed

    def _load_entry_points(self) -> None:
        # A distribution's name and version are parsed from its METADATA (README included) on every
        # access: read them once per distribution, not three times per plugin (start-up time).
        about: dict[int, tuple[str, str]] = {}
        found = []
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            if ep.dist is not None and id(ep.dist) not in about:
                metadata = ep.dist.metadata
                about[id(ep.dist)] = (metadata["Name"], metadata["Version"])
            found.append((about.get(id(ep.dist), ("?", "?")), ep))
        for (dist, version), ep in sorted(found, key=lambda item: (item[0][0] != "somflow", item[1].name)):
            if not self._wanted(ep.name):
                continue
            source = _("wbudowana") if dist == "somflow" else _("pakiet {dist}", dist=dist)
            self._register(ep.name, version, source, ep.load)

    def _load_folder(self, folder: Path) -> None:
        if not folder.is_dir():
            return
        for path in sorted(folder.glob("*.py")):
            if path.name.startswith("_") or not self._wanted(path.stem):
                continue
            self._register(path.stem, "-", _("obszar roboczy: {path}", path=path), lambda p=path: _import_file(p))

    def _register(self, name: str, version: str, source: str, load: Callable[[], Any]) -> None:
        info = PluginInfo(name=name, version=version, source=source)
        self.infos.append(info)
        if self.pm.has_plugin(name):
            info.error = _("nazwa wtyczki {name} jest już zajęta", name=name)
            return
        try:
            plugin = load()
            self.pm.register(plugin, name=name)
        except Exception as exc:  # any failure of third-party code must not stop somflow
            info.error = f"{type(exc).__name__}: {exc}"
            log.warning("plugin %s failed to load: %s", name, info.error)
            return
        try:
            self.pm.check_pending()
        except pluggy.PluginValidationError as exc:
            self.pm.unregister(name=name)
            info.error = str(exc)
            return
        info.version = version if version != "-" else str(getattr(plugin, "__version__", "-"))
        info.hooks = _hook_names(self.pm, plugin)

    @property
    def failures(self) -> list[PluginInfo]:
        return [i for i in self.infos if i.error]

    # ------------------------------------------------------------- commands

    def commands(self, reserved: set[str]) -> dict[str, click.Command]:
        """Commands added by plugins, collected once; a name clash is reported, not fatal."""
        if self._commands is None:
            self._commands = {}
            for impl in self.pm.hook.somflow_register_commands.get_hookimpls():
                info = self._info(impl.plugin_name)

                def register(command: click.Command, info=info) -> None:
                    name = command.name or ""
                    if name in reserved or name in self._commands:
                        message = _("polecenie {name} już istnieje", name=name)
                        if info is not None:
                            info.error = message
                        return
                    self._commands[name] = command

                impl.function(register=register)
        return self._commands

    def config_schemas(self, reserved: set[str]) -> dict[str, dict[str, Any]]:
        """The ``somflow.toml`` sections plugins declared (``somflow_config_schema``); a clash is reported, not fatal."""
        if self._schemas is None:
            self._schemas = {}
            for impl in self.pm.hook.somflow_config_schema.get_hookimpls():
                info = self._info(impl.plugin_name)

                def register(section: str, rules: dict[str, Any], info=info) -> None:
                    if section in reserved or section in self._schemas:
                        if info is not None:
                            info.error = _("sekcja [{section}] pliku somflow.toml już ma właściciela", section=section)
                        return
                    self._schemas[section] = rules

                impl.function(register=register)
        return self._schemas

    def registered(
        self, hook: str, name_of: Callable[[Any], str], clash: Callable[[str, str], str]
    ) -> dict[str, tuple[Any, str]]:
        """Name → (item, plugin) for what plugins ``register(item)`` through ``hook``, in load order.

        An item whose name is taken is refused and recorded as the plugin's error
        (``clash(name, first_plugin)``, shown by ``somflow plugins``); the first one stays.
        """
        found: dict[str, tuple[Any, str]] = {}
        for impl in getattr(self.pm.hook, hook).get_hookimpls():
            plugin = impl.plugin_name

            def register(item: Any, plugin: str = plugin) -> None:
                name = name_of(item)
                if name in found:
                    info = self._info(plugin)
                    if info is not None:
                        info.error = clash(name, found[name][1])
                    return
                found[name] = (item, plugin)

            impl.function(register=register)
        return found

    def _info(self, name: str) -> PluginInfo | None:
        return next((i for i in self.infos if i.name == name), None)


def _hook_names(pm: pluggy.PluginManager, plugin: object) -> list[str]:
    return sorted(caller.name for caller in pm.get_hookcallers(plugin) or [])


def _parse_only(value: str | None) -> set[str] | None:
    if value is None:
        return None
    return {part.strip() for part in value.split(",") if part.strip()}


def _import_file(path: Path) -> ModuleType:
    module_name = f"somflow_workspace_plugin_{path.stem}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[module_name]
        raise
    return module
