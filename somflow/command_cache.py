"""A cache of the plugins' top-level commands, so ``somflow --help`` lists them without loading the plugins.

Listing the commands otherwise means pluggy, the entry-point scan of every installed
distribution and the ~160 modules of the core's and the plugins' hooks. After one full load
the list is written here: each command's name, help, whether it is hidden and, for a
:class:`~somflow.lazy_commands.LazyCommand`, its import path; also the plugins' catalogue
folders (for the help in English). It is used only while it is current, which a fingerprint
of everything that can change the list checks:

- somflow's version, the language, ``SOMFLOW_PLUGINS`` and the Python environment (``sys.prefix``);
- every ``sys.path`` folder (its mtime: a distribution installed or removed) and each
  distribution's ``entry_points.txt`` in it (mtime and size);
- the source files of the modules the plugins loaded (an edited editable install);
- the workspace's single-file plugins (names, mtimes and sizes).

Any mismatch, a missing, unreadable or broken file: the plugins are loaded as before and
the cache is written again. A load where a plugin failed is not cached. The file is
owner-only, in the per-user cache folder (``SOMFLOW_CACHE_DIR`` or the system's one), and
holds code paths and help texts only: no workspace path and no data of the unit.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import click

from somflow import __version__, i18n
from somflow.lazy_commands import LazyCommand

if TYPE_CHECKING:
    from somflow.plugins import PluginHost

FORMAT = 1
_WORKSPACE_MODULE_PREFIX = "somflow_workspace_plugin_"


def cache_dir() -> Path:
    """The per-user cache folder: ``SOMFLOW_CACHE_DIR``, else ``%LOCALAPPDATA%`` or ``$XDG_CACHE_HOME`` (``~/.cache``)."""
    explicit = os.environ.get("SOMFLOW_CACHE_DIR")
    if explicit:
        return Path(explicit)
    if os.name == "nt":
        base = os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local"
    else:
        base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "somflow"


def cache_file(root: Path | None) -> Path:
    """One file per Python environment and workspace; its name is a digest, not the paths."""
    ident = hashlib.sha256(f"{sys.prefix}\0{root or ''}".encode()).hexdigest()[:20]
    return cache_dir() / f"commands-{ident}.json"


def load(root: Path | None) -> dict[str, click.Command] | None:
    """The cached commands as stand-ins for listing, or None when the cache is missing, stale or broken."""
    try:
        data = json.loads(cache_file(root).read_text(encoding="utf-8"))
        if data["format"] != FORMAT or data["fingerprint"] != fingerprint(root, data["files"]):
            return None
        commands = {entry["name"]: _stand_in(entry) for entry in data["commands"]}
        catalogs = [(Path(folder), str(domain)) for folder, domain in data["catalogs"]]
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None
    for folder, domain in catalogs:
        i18n.add_catalog_dir(folder, domain)
    return commands


def save(root: Path | None, host: PluginHost, commands: dict[str, click.Command]) -> None:
    """Write the commands a full load found; nothing when a plugin failed or the cache cannot be written."""
    from somflow.errors import SomflowError
    from somflow.fileio import make_private_dir, write_private

    if host.failures:
        return
    catalogs = [[str(folder), domain] for folder, domain in i18n.catalog_dirs()]
    if root is not None and any(Path(folder).is_relative_to(root) for folder, _domain in catalogs):
        return  # a workspace plugin's own catalogue: keep the workspace's path out of the cache
    files = _module_files(host)
    data = {
        "format": FORMAT,
        "fingerprint": fingerprint(root, files),
        "files": files,
        "catalogs": catalogs,
        "commands": [_entry(command) for command in commands.values()],
    }
    try:
        target = cache_file(root)
        make_private_dir(target.parent)
        write_private(target, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"), durable=False)
    except (OSError, SomflowError):
        pass  # a cache that cannot be written costs time, nothing else


def fingerprint(root: Path | None, files: list[str]) -> str:
    """A digest of everything that can change the list of commands (see the module's docstring)."""
    digest = hashlib.sha256()

    def add(*parts: object) -> None:
        digest.update(("\0".join(map(str, parts)) + "\n").encode("utf-8", "surrogateescape"))

    add(FORMAT, __version__, i18n.language(), os.environ.get("SOMFLOW_PLUGINS"), sys.prefix)
    for entry in sys.path:
        folder = Path(entry or ".")
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        add(folder.resolve(), _stat(folder))
        for name in names:
            if name.endswith((".dist-info", ".egg-info")):
                add(name, _stat(folder / name / "entry_points.txt"))
    for file in files:
        add(file, _stat(Path(file)))
    plugins = root / "plugins" if root is not None else None
    if plugins is not None and plugins.is_dir():
        for path in sorted(plugins.glob("*.py")):
            add(path.name, _stat(path))
    return digest.hexdigest()


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def _module_files(host: PluginHost) -> list[str]:
    """The source files of every loaded module of the packages the (non-workspace) plugins come from."""
    packages = set()
    for plugin in host.pm.get_plugins():
        module = plugin.__name__ if isinstance(plugin, ModuleType) else getattr(plugin, "__module__", None)
        if module and not module.startswith(_WORKSPACE_MODULE_PREFIX):
            packages.add(module.partition(".")[0])
    files = set()
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if file and name.partition(".")[0] in packages:
            files.add(file)
    return sorted(files)


def _entry(command: click.Command) -> dict[str, Any]:
    return {
        "name": command.name,
        "help": command.help,
        "short_help": command.short_help,
        "hidden": command.hidden,
        "import_path": command.import_path if isinstance(command, LazyCommand) else None,
    }


def _stand_in(entry: dict[str, Any]) -> click.Command:
    """What ``--help`` lists: a lazy command as registered, or a command that only describes itself."""
    name, help_text, hidden = str(entry["name"]), entry["help"], bool(entry["hidden"])
    if entry["import_path"]:
        return LazyCommand(name, str(entry["import_path"]), help=help_text, hidden=hidden)
    return click.Command(name, help=help_text, short_help=entry["short_help"], hidden=hidden, add_help_option=False)
