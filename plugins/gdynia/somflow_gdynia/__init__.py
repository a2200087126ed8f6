"""somflow plugin for the units of Gdynia (Gdyńskie Standardy Ochrony Małoletnich, seed 001).

- ``somflow_contacts``: the city's local help directory (chapter II, in ``kontakty.yaml``), used by
  ``somflow contacts`` and the NK-B information sheet;
- ``somflow_addressee``: NK-A goes to the Zespół Interdyscyplinarny at ul. Morska 106; notices to
  the social assistance centre go to the district centre (DOPS) serving the unit's district;
  crime notifications to the Miejska Komenda Policji;
- ``somflow_deadlines``: the report on implementing the standards, due to the head of the unit by
  31 March every two years, first on 2026-03-31 (chapter XI).

The plugin answers only for a Gdynia unit: ``[gdynia]`` in somflow.toml, or an institution address
in Gdynia. Other units (and roles it does not know) fall through to somflow.toml.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from somflow import hookimpl
from somflow_gdynia import directory

__version__ = "0.1.0"


@hookimpl
def somflow_contacts(workspace) -> list[dict[str, str]] | None:
    if not directory.applies(workspace.config):
        return None
    return directory.contacts()


@hookimpl
def somflow_addressee(workspace, role: str) -> dict[str, str] | None:
    if not directory.applies(workspace.config):
        return None
    return directory.addressee(role, workspace.config)


@hookimpl
def somflow_deadlines(workspace, today: date) -> list[Any] | None:
    if not directory.applies(workspace.config):
        return None
    from somflow.deadlines import Deadline  # only called by a somflow that has deadlines

    due = directory.next_report_due(today)
    return [
        Deadline(
            key=f"gdynia:raport-som:{due.year}",
            title="Raport z realizacji standardów ochrony małoletnich dla kierownika jednostki (co dwa lata, do 31 marca)",
            due=due,
            notify=("coordinator", "head"),
            stages=(30, 7, 1, 0),
        )
    ]
