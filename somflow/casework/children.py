"""The child a case is about, as the people register knows them: the record and the parents' names.

A case names the child as the intake person wrote them (name, maybe a PESEL); the register may
hold the child with guardians and parent records. Found only when exactly one child fits
(:func:`somflow.people.register.lookup`, which compares by :mod:`somflow.people.match`); when several
children fit, nothing is filled in and the coordinator writes it.
"""

from __future__ import annotations

from typing import Any


def registered_child(workspace, name: str | None, pesel: str | None) -> dict[str, Any] | None:
    """The register's child the case names (by PESEL first, else by name), or None."""
    from somflow.people import register
    from somflow.people.match import AmbiguousPerson

    children = register.listing(workspace.store, ["child"], include_left=True)
    for ref in (pesel, name):  # the register may hold no PESEL: then the name
        if not str(ref or "").strip():
            continue
        try:
            found = register.lookup(children, str(ref))
        except AmbiguousPerson:
            return None
        if found is not None:
            return found
    return None


def parent_names(workspace, child: dict[str, Any]) -> list[str]:
    """The child's guardians and the parents recorded for it, full names, each person once."""
    from somflow.people import match, register

    names = [g["name"] for g in child.get("guardians") or [] if g.get("name")]
    for parent in register.listing(workspace.store, ["parent"], include_left=True):
        try:
            if parent.get("child") and register.lookup([child], parent["child"]) is child:
                names.append(register.display_name(parent))
        except match.AmbiguousPerson:
            continue
    unique: list[str] = []
    for name in names:
        if not any(match.compare(match.Who(name=name), match.Who(name=u)) is match.Verdict.SAME for u in unique):
            unique.append(name)
    return unique
