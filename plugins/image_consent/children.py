"""The children in the register: finding one from what the secretary types, groups, leaving."""

from __future__ import annotations

from datetime import date
from typing import Any

from somflow.collation import polish_key
from somflow.errors import InvalidInput
from somflow.i18n import _
from somflow.people import register
from somflow.workspace import Workspace


def full_name(child: dict[str, Any]) -> str:
    return f"{child['first_name']} {child['last_name']}"


def short_name(child: dict[str, Any]) -> str:
    """First name and surname initial, as the photographer's list shows a child."""
    initial = child["last_name"][:1].upper()
    return f"{child['first_name']} {initial}." if initial else child["first_name"]


def left(child: dict[str, Any], on: date) -> bool:
    """True when the child had left the unit on ``on``."""
    return register.has_left(child, on)


def normalise_group(group: str) -> str:
    return register.normalise_group(group)


def everyone(workspace: Workspace) -> dict[str, dict[str, Any]]:
    """Every child of the register (leavers too: their consents stay in history), by id."""
    return {c["id"]: c for c in register.listing(workspace.store, ["child"], include_left=True)}


def in_groups(workspace: Workspace, groups: list[str] | None) -> list[dict[str, Any]]:
    """Children of the given groups (all children when ``groups`` is empty), sorted by group and name."""
    children = list(everyone(workspace).values())
    if groups:
        wanted = {normalise_group(g) for g in groups}
        known = {c.get("group") for c in children}
        # a mistyped class must not look like a class where nobody may (or may not) appear
        unknown = [g for g in groups if normalise_group(g) not in known]
        if unknown:
            existing = ", ".join(sorted((g for g in known if g), key=polish_key)) or "—"
            raise InvalidInput(
                [
                    _(
                        "Nie ma klasy „{group}” w rejestrze (są: {existing}). Sprawdź nazwę albo zaimportuj listę klasy: somflow consent import PLIK.csv",
                        group=g,
                        existing=existing,
                    )
                    for g in unknown
                ]
            )
        children = [c for c in children if c.get("group") in wanted]
    return sorted(children, key=register.sort_key)


def find(workspace: Workspace, text: str, group: str | None = None) -> dict[str, Any]:
    """The one child meant by ``text``: its number or id, or its name in any order (with ``group`` to choose)."""
    people = in_groups(workspace, [group] if group else None)
    found = [c for c in people if c["id"] == text.strip()]
    if found:
        return found[0]
    child = register.lookup(people, text)
    if child is None:
        raise InvalidInput(
            [
                _(
                    "Nie znaleziono dziecka „{text}” w rejestrze. Zaimportuj listę klasy: somflow consent import PLIK.csv",
                    text=text,
                )
            ]
        )
    return child


def mark_left(workspace: Workspace, child: dict[str, Any], on: date) -> dict[str, Any]:
    return register.mark_left(workspace.store, child, on)
