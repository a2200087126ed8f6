"""Which reminders are due today: deadlines × stages × recipients, minus what the ledger says was sent.

Stages are days before ``due`` (0 = on the day, negative = after). On a
given day a deadline is at the *latest stage reached*: the smallest stage ``s``
with ``days_left <= s``. Only that stage is sent — a deadline first seen two
days before it is due gets the 1-day reminder, not a late 7-day one too — and
only once per recipient. A run that was skipped (machine off) therefore
catches up with the current stage instead of sending every missed one.

Overdue deadlines escalate: every deadline has an overdue stage (``-1``, the
first run after the due day, unless its plugin gave negative stages of its
own), and overdue stages also go to the head of the unit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from somflow.deadlines import Deadline
from somflow.i18n import _
from somflow.reminders.ledger import SENDING, SENT, Ledger, Mark

OVERDUE_STAGE = -1
ESCALATE_TO = "head"


@dataclass(frozen=True)
class Item:
    """One deadline in one digest, at the stage that is due."""

    deadline: Deadline
    stage: int
    repeat: bool = False  # an earlier run may have delivered it already (it crashed after sending)


@dataclass
class Digest:
    """One e-mail: everything due for one recipient."""

    recipient: str
    items: list[Item] = field(default_factory=list)

    def marks(self) -> list[Mark]:
        return [
            Mark(i.deadline.key, i.stage, self.recipient, i.deadline.due.isoformat(), i.deadline.plugin)
            for i in self.items
        ]


@dataclass
class Plan:
    digests: list[Digest]
    problems: list[str]  # Polish messages: recipients that cannot be resolved

    @property
    def count(self) -> int:
        return sum(len(d.items) for d in self.digests)


def stages_of(deadline: Deadline) -> tuple[int, ...]:
    """The deadline's stages plus the overdue stage when it has none after the due day."""
    stages = set(deadline.stages)
    if not any(s < 0 for s in stages):
        stages.add(OVERDUE_STAGE)
    return tuple(sorted(stages, reverse=True))


def current_stage(deadline: Deadline, today: date) -> int | None:
    """The latest stage reached on ``today``, or None before the first one."""
    left = deadline.days_left(today)
    reached = [s for s in stages_of(deadline) if left <= s]
    return min(reached) if reached else None


def resolve(role: str, config: dict[str, Any]) -> str | None:
    """An e-mail address for a role (``coordinator``, ``head``, any ``[section]`` with ``email``) or an address."""
    if "@" in role:
        return role.strip().lower()
    section = config.get(role)
    email = section.get("email") if isinstance(section, dict) else None
    return email.strip().lower() if email else None


def plan(deadlines: Iterable[Deadline], today: date, config: dict[str, Any], ledger: Ledger) -> Plan:
    """The digests to send today; the ledger is only looked up in memory."""
    by_recipient: dict[str, Digest] = {}
    problems: list[str] = []
    for deadline in deadlines:
        if deadline.done:
            continue
        stage = current_stage(deadline, today)
        if stage is None:
            continue
        roles = list(deadline.notify)
        if stage < 0 and ESCALATE_TO not in roles:
            roles.append(ESCALATE_TO)
        for role in dict.fromkeys(roles):
            address = resolve(role, config)
            if address is None:
                message = _(
                    "Brak adresu e-mail dla roli {role}: uzupełnij klucz email w sekcji [{role}] pliku somflow.toml.",
                    role=role,
                )
                if message not in problems:
                    problems.append(message)
                continue
            status = ledger.status((deadline.key, stage, address), deadline.due.isoformat())
            if status == SENT:
                continue
            digest = by_recipient.setdefault(address, Digest(address))
            if any(i.deadline.key == deadline.key for i in digest.items):
                continue  # two roles with one address
            digest.items.append(Item(deadline, stage, repeat=status == SENDING))
    digests = sorted(by_recipient.values(), key=lambda d: d.recipient)
    for digest in digests:
        digest.items.sort(key=lambda i: (i.deadline.due, i.deadline.key))
    return Plan(digests, problems)
