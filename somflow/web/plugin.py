"""The web application as a core feature: ``somflow serve``, ``somflow users`` and the core's pages.

Cheap to import (it is loaded at every start-up): the commands are
:class:`~somflow.lazy_commands.LazyCommand` stand-ins and the pages' modules
are imported when the application asks for them.
"""

from __future__ import annotations

from somflow import hookimpl
from somflow.lazy_commands import LazyCommand

SERVE_HELP = "Uruchom aplikację WWW dla sekretariatu (domyślnie tylko na tym komputerze: http://127.0.0.1:8000)."
USERS_HELP = "Konta aplikacji WWW: add, list, reset, disable (role: sekretariat, kadry, koordynator, dyrektor)."
CONFIG_SECTION = "web"
CONFIG_RULES = {
    "type": "dict",
    "schema": {"idle_minutes": {"type": "number", "min": 1, "max": 24 * 60}},
}


@hookimpl
def somflow_register_commands(register) -> None:
    register(LazyCommand("serve", "somflow.web.commands:serve", help=SERVE_HELP))
    register(LazyCommand("users", "somflow.web.commands:users", help=USERS_HELP))


@hookimpl
def somflow_config_schema(register) -> None:
    register(CONFIG_SECTION, CONFIG_RULES)


@hookimpl
def somflow_web_pages(register) -> None:
    from somflow.web import dashboard, inbox

    for page in [*dashboard.PAGES, *inbox.PAGES]:
        register(page)
