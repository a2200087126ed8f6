"""The forms every loaded plugin offers (hook ``somflow_register_forms``), collected once per plugin host."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from somflow.errors import SomflowError
from somflow.forms.spec import FormSpec, load_spec, with_words
from somflow.i18n import _
from somflow.unitkind import unit_words

if TYPE_CHECKING:
    from somflow.plugins import PluginHost
    from somflow.workspace import Workspace


class UnknownForm(SomflowError):
    """No plugin offers a form with this id."""


def _host(workspace: Workspace) -> PluginHost:
    if workspace.plugins is None:
        from somflow.plugins import PluginHost

        workspace.plugins = PluginHost(workspace.root)
    return workspace.plugins


def registry(workspace: Workspace) -> dict[str, FormSpec]:
    """Form id → spec for every form the workspace's plugins register (``spec.plugin`` names the plugin).

    A second form with an id already taken is refused; the refusal is recorded
    as the plugin's error (``somflow plugins`` shows it) and the first one stays.
    """
    host = _host(workspace)
    cached = getattr(host, "_forms", None)
    if cached is not None:
        return cached
    found: dict[str, FormSpec] = {}
    words = unit_words(workspace.config)  # "w szkole" / "w przedszkolu" / "w placówce" where a spec says {w_placowce}
    for impl in host.pm.hook.somflow_register_forms.get_hookimpls():  # load order: core first
        plugin = impl.plugin_name

        def register(spec: FormSpec, plugin: str = plugin) -> None:
            if spec.id in found:
                message = _(
                    "formularz {id} jest już zarejestrowany przez wtyczkę {other}",
                    id=spec.id,
                    other=found[spec.id].plugin,
                )
                info = host._info(plugin)
                if info is not None:
                    info.error = message
                return
            found[spec.id] = with_words(dataclasses.replace(spec, plugin=plugin), words)

        try:
            impl.function(register=register)
        except SomflowError as exc:  # a broken spec must not hide the other plugins' forms
            info = host._info(plugin)
            if info is not None:
                info.error = str(exc)
    host._forms = found
    return found


def forget(workspace: Workspace) -> None:
    """Drop the collected forms (after a plugin was registered or unregistered)."""
    if workspace.plugins is not None and hasattr(workspace.plugins, "_forms"):
        del workspace.plugins._forms


def get(workspace: Workspace, form_id: str) -> FormSpec:
    """The spec of ``form_id``; :class:`UnknownForm` with the list of known ids otherwise."""
    forms = registry(workspace)
    if form_id not in forms:
        known = ", ".join(sorted(forms)) or _("brak")
        raise UnknownForm(_("Nie ma formularza {id}. Dostępne formularze: {known}", id=form_id, known=known))
    return forms[form_id]


def shipped(spec: FormSpec) -> FormSpec:
    """The spec as its committed template is built: placeholders worded for any unit ("w placówce").

    A unit of another type (a school) gets its own template, built when first filled.
    """
    if spec.path is None:
        return spec
    return with_words(dataclasses.replace(load_spec(spec.path), plugin=spec.plugin), unit_words({}))
