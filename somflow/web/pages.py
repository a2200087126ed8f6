"""What a plugin offers the web application: pages (and form actions) and dashboard panels.

Plain data, cheap to import: the web plugin hooks return these at start-up
without loading Starlette. The application (:mod:`somflow.web.app`) turns every
:class:`Page` into a route guarded by its roles and every :class:`Panel` into a
box on the dashboard.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from somflow.i18n import _
from somflow.web.roles import ROLES

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from starlette.requests import Request

    from somflow.plugins import PluginHost


@dataclass(frozen=True)
class Page:
    """One route of the web application.

    ``path``     Starlette path, e.g. ``"/nk"`` or ``"/nk/{case_id}"``
    ``title``    Polish title (translated when shown): the page's heading and its menu entry
    ``roles``    the roles allowed (``somflow.web.roles``); anyone else gets 403, audited
    ``handler``  ``handler(request) -> Response | str``, called in a worker thread with
                 ``request.state.workspace``, ``request.state.user`` (a :class:`WebUser`) and,
                 for POST, ``request.state.form`` (already checked for its CSRF token) set; the
                 store's writes inside are audited under the web user. A string is wrapped in the
                 base template (see :func:`somflow.web.render.page`).
    ``methods``  ``("GET",)`` for a page, ``("POST",)`` for a form's action
    ``nav``      listed in the menu (only pages without ``{parameters}``)
    ``templates`` a folder of the plugin's Jinja2 templates, found by name after the core's
    """

    path: str
    title: str
    roles: frozenset[str]
    handler: Callable[[Request], Any]
    methods: tuple[str, ...] = ("GET",)
    nav: bool = False
    templates: Any = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "roles", frozenset(self.roles))
        unknown = sorted(self.roles - set(ROLES))
        if unknown or not self.roles:
            raise ValueError(f"page {self.path}: roles must be some of {ROLES}, not {sorted(self.roles)}")
        if not self.path.startswith("/"):
            raise ValueError(f"page path {self.path!r} must start with /")


@dataclass(frozen=True)
class Panel:
    """A box on the dashboard: ``render(request) -> str`` (HTML, escape what you insert) for ``roles``."""

    name: str
    title: str
    roles: frozenset[str]
    render: Callable[[Request], str]
    order: int = 100

    def __post_init__(self) -> None:
        object.__setattr__(self, "roles", frozenset(self.roles))


@dataclass(frozen=True)
class WebUser:
    """Who is signed in: the account's login, role and record id."""

    login: str
    role: str
    id: str

    @property
    def audit_name(self) -> str:
        """How the audit log names this person's writes."""
        return f"web:{self.login}"


def collect_pages(plugins: PluginHost, reserved: set[str]) -> list[Page]:
    """Every plugin's pages; a path (and method) taken twice is refused, naming both plugins.

    A plugin whose hook fails (or offers a page already taken) is left out and
    named in the log; the other plugins' pages are served.
    """
    return _collect(plugins, "somflow_web_pages", reserved, lambda page: [(m, page.path) for m in page.methods])


def collect_panels(plugins: PluginHost) -> list[Panel]:
    """Every plugin's dashboard panels, in ``order``; a name taken twice is refused naming both plugins."""
    panels = _collect(plugins, "somflow_web_panels", set(), lambda panel: [panel.name])
    return sorted(panels, key=lambda panel: (panel.order, panel.name))


def _collect(plugins: PluginHost, hook: str, reserved: set, keys: Callable[[Any], list]) -> list:
    found: list = []
    owners: dict[Any, str] = dict.fromkeys(reserved, "core")
    for impl in getattr(plugins.pm.hook, hook).get_hookimpls():  # load order: the core first
        plugin = impl.plugin_name
        offered: list = []

        def register(item: Any, plugin: str = plugin, offered: list = offered) -> None:
            for key in keys(item):
                if key in owners:
                    raise ValueError(
                        _(
                            "Wtyczka {plugin} dodaje stronę {key}, którą ma już {owner}.",
                            plugin=plugin,
                            key=key,
                            owner=owners[key],
                        )
                    )
            for key in keys(item):
                owners[key] = plugin
            offered.append(item)

        try:
            impl.function(register=register)
        except Exception as exc:  # a broken plugin fails alone and is named
            log.error(_("Wtyczka {plugin} nie dodała stron: {error}", plugin=plugin, error=exc))
            for item in offered:
                for key in keys(item):
                    owners.pop(key, None)
            continue
        found += offered
    return found
