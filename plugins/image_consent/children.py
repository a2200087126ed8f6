"""The children in the register: finding one from what the secretary types, groups, leaving."""

from __future__ import annotations

from datetime import date
from typing import Any

from somflow import refs
from somflow.collation import polish_key
from somflow.errors import InvalidInput
from somflow.i18n import _
from somflow.people import match
from somflow.workspace import Workspace

from somflow_image_consent.vocabulary import CHILDREN


def full_name(child: dict[str, Any]) -> str:
    return f"{child['first_name']} {child['last_name']}"


def short_name(child: dict[str, Any]) -> str:
    """First name and surname initial, as the photographer's list shows a child."""
    initial = child["last_name"][:1].upper()
    return f"{child['first_name']} {initial}." if initial else child["first_name"]


def left(child: dict[str, Any], on: date) -> bool:
    """True when the child had left the unit on ``on``."""
    return bool(child.get("left_on")) and date.fromisoformat(child["left_on"]) <= on


def normalise_group(group: str) -> str:
    return group.replace(" ", "").lower()


def in_groups(workspace: Workspace, groups: list[str] | None) -> list[dict[str, Any]]:
    """Children of the given groups (all children when ``groups`` is empty), sorted by group and name."""
    children = workspace.store.query(CHILDREN)
    if groups:
        wanted = {normalise_group(g) for g in groups}
        known = {c.get("group") for c in children}
        # a mistyped class must not look like a class where nobody may (or may not) appear
        unknown = [g for g in groups if normalise_group(g) not in known]
        if unknown:
            existing = ", ".join(sorted((g for g in known if g), key=polish_key)) or "—"
            raise InvalidInput(
                [_("Nie ma klasy „{group}” w rejestrze (są: {existing}). Sprawdź nazwę albo zaimportuj listę klasy: somflow consent import PLIK.csv", group=g, existing=existing) for g in unknown]
            )
        children = [c for c in children if c.get("group") in wanted]
    return sorted(children, key=lambda c: (polish_key(c.get("group", "")), polish_key(c["last_name"]), polish_key(c["first_name"])))


def find(workspace: Workspace, text: str, group: str | None = None) -> dict[str, Any]:
    """The one child meant by ``text``: its id (or short reference, or id start), or the name in any order and spelling.

    Names are compared by :mod:`somflow.people.match`: a partial fit (surname only, one of two
    surnames) or two children of the same name are listed for the secretary to choose, never guessed.
    """
    store = workspace.store
    child = store.get(CHILDREN, text.strip())
    if child is not None:
        return child
    kids = store.query(CHILDREN)
    if group is not None:
        kids = [c for c in kids if c.get("group") == normalise_group(group)]
    by_ref = refs.by_id(kids, text)
    if len(by_ref) == 1:
        return by_ref[0]
    found = match.only(text, kids, describe=lambda c: f"{c['id']}, {_('klasa')} {c.get('group')}")
    if found is None:
        raise InvalidInput([_("Nie znaleziono dziecka „{text}” w rejestrze. Zaimportuj listę klasy: somflow consent import PLIK.csv", text=text)])
    return found


def mark_left(workspace: Workspace, child: dict[str, Any], on: date) -> dict[str, Any]:
    return workspace.store.update(CHILDREN, child["id"], {"left_on": on.isoformat()}, expected_rev=child["rev"])
