"""Letters to authorities from a case: the notification of a suspected crime and the request to the family court.

Seed 001 ch. VII asks the intervention team (or the designated worker) to notify "właściwą terytorialnie
jednostkę Policji lub prokuratury" of a suspected crime, and to ask the family court "o wgląd w sytuację
rodziny"; starting the Blue Card procedure does not release the unit from either. Both procedures record
these as steps (``zawiadomienie``, ``wniosek-sad``); the step prints the letter here, once for both:

- the addressee comes from the unit's routing (``somflow_addressee``: a municipality plugin such as
  ``somflow_gdynia``, else ``[policja]``/``[prokuratura]``/``[sad_rodzinny]`` of somflow.toml); without
  one the step is refused with what to fill in, since a letter without an address is not ready to sign;
- the sender, place and contact person come from somflow.toml, the child's parents from the people
  register (when exactly one child fits), the facts from the case (:class:`Facts`);
- the letter is a form from a spec (``forms/zawiadomienie-o-przestepstwie.yaml``,
  ``forms/wniosek-o-wglad.yaml``) generated like every somflow document: PDF with the QR code the inbox
  files the signed copy by.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from somflow.i18n import _


@dataclass(frozen=True)
class Letter:
    """A kind of letter: its form and the addressee roles it may go to (the first is the default)."""

    form: str
    roles: tuple[str, ...]
    title: str


#: The letters, by the name of the step that sends them in every procedure.
LETTERS = {
    "zawiadomienie": Letter(
        "zawiadomienie-o-przestepstwie",
        ("policja", "prokuratura"),
        "Zawiadomienie o podejrzeniu popełnienia przestępstwa",
    ),
    "wniosek-sad": Letter("wniosek-o-wglad", ("sad_rodzinny",), "Wniosek o wgląd w sytuację dziecka/rodziny"),
}


@dataclass(frozen=True)
class Facts:
    """What a case tells the authority: its number, the child, the event, the suspect, what the unit did."""

    ref: str
    child: str
    pesel: str | None = None
    event: str = ""
    when_where: str = ""
    suspect: str = ""
    actions: tuple[str, ...] = ()


def role_of(kind: str, details: dict[str, Any]) -> str:
    """The addressee role the step names (``--adresat``), else the letter's default."""
    return details.get("addressee_role") or LETTERS[kind].roles[0]


def check(kind: str, details: dict[str, Any]) -> list[str]:
    """The step's addressee is one the letter may go to."""
    roles = LETTERS[kind].roles
    if role_of(kind, details) not in roles:
        return [_("Adresat musi być jednym z: {choices} (--adresat).", choices=", ".join(roles))]
    return []


def institution(workspace) -> str:
    """The unit's name and address as a letter's sender (and NK-A's header) writes them."""
    inst = workspace.config["institution"]
    return "\n".join(part for part in (inst.get("name", ""), inst.get("address", "")) if part)


#: A Polish postal code starting a part of an address: what follows it is the town.
_POSTAL_TOWN = re.compile(r"^\d{2}-\d{3}\s+(.+)$")


def town_of(address: str) -> str:
    """The town of an address: after the postal code, else its last part (parts split by commas or lines).

    ``"ul. Szkolna 1, 81-001 Gdynia"`` → ``"Gdynia"``; ``"ul. Szkolna 1, Gdynia"`` → ``"Gdynia"``.
    """
    parts = [part.strip() for part in re.split(r"[,\n]", address) if part.strip()]
    for part in parts:
        found = _POSTAL_TOWN.match(part)
        if found:
            return found.group(1).strip()
    return parts[-1] if parts else ""


def town(workspace) -> str:
    """The town of the unit's address (somflow.toml ``[institution] address``)."""
    return town_of(workspace.config["institution"].get("address", ""))


def letter_data(workspace, kind: str, facts: Facts, day: date, role: str) -> dict[str, Any]:
    """The letter's form data; a :class:`~somflow.errors.ConfigError` when nobody says where it goes."""
    from somflow.casework.children import parent_names, registered_child
    from somflow.contacts import require_addressee

    addressee = require_addressee(workspace, role)
    child = registered_child(workspace, facts.child, facts.pesel)
    coordinator = workspace.config.get("coordinator") or {}
    contact = ", ".join(v for v in (coordinator.get("name"), coordinator.get("email")) if v)
    data = {
        "miejscowosc": town(workspace),
        "data": day.isoformat(),
        "nadawca": institution(workspace),
        "znak": facts.ref,
        "adresat": "\n".join(v for v in (addressee.get("name"), addressee.get("address")) if v),
        "dziecko": facts.child,
        "data_urodzenia": (child or {}).get("birth_date"),
        "pesel": facts.pesel or (child or {}).get("pesel"),
        "opiekunowie": ", ".join(parent_names(workspace, child)) if child else None,
        "czas_miejsce": facts.when_where,
        "opis": facts.event,
        "sprawca": facts.suspect if kind == "zawiadomienie" else None,
        "dzialania": "\n".join(facts.actions),
        "kontakt": _("koordynator ds. standardów ochrony małoletnich: {who}", who=contact) if contact else None,
    }
    return {k: v for k, v in data.items() if v not in (None, "", [])}


def print_for_step(
    workspace,
    collection: str,
    case: dict[str, Any],
    kind: str,
    day: date,
    details: dict[str, Any],
    facts: Facts,
    generate: Callable | None = None,
) -> list[str]:
    """Print the letter a step ``kind`` sends (none for other steps) and list it in ``case["documents"]``; its id(s)."""
    if kind not in LETTERS:
        return []
    from somflow.casework import printing

    letter = LETTERS[kind]
    data = letter_data(workspace, kind, facts, day, role_of(kind, details))
    title = _("{form} — sprawa {case}", form=_(letter.title), case=facts.ref)
    doc = printing.generate(workspace, collection, case, letter.form, data, title, generate)
    case["documents"] = [*case.get("documents", []), {"id": doc["id"], "form": letter.form, "date": day.isoformat()}]
    return [doc["id"]]
