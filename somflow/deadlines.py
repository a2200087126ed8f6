"""Deadlines: what plugins report through ``somflow_deadlines`` and how the core gathers them.

A plugin returns :class:`Deadline` objects computed from the store with
:mod:`somflow.calendar`; :func:`collect` calls every plugin, fills in which
plugin each deadline came from, refuses two deadlines with one key (the key
is what reminders and calendar entries are remembered by) and sorts them,
overdue first.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from somflow.errors import SomflowError
from somflow.i18n import _
from somflow.logs import redact_pesel

if TYPE_CHECKING:
    from somflow.workspace import Workspace


class DeadlineError(SomflowError):
    """A plugin's deadlines cannot be used (duplicate key, wrong type, the plugin failed)."""


@dataclass(frozen=True)
class Deadline:
    """One thing due on a date.

    ``key``     stable across runs, e.g. ``"nk:<case id>:nk-a"``; reminders and
                calendar entries are remembered by it
    ``title``   Polish, what is due; never names or PESEL (11-digit runs are masked)
    ``due``     the date it is due (already moved to a working day if the rule says so)
    ``record``  ``{"collection": ..., "id": ...}`` the deadline is about, or None
    ``notify``  roles from somflow.toml (``coordinator``, ``head``) or e-mail addresses
    ``stages``  days before ``due`` on which to remind; 0 = on the day, negative = overdue
    ``done``    True when it has been met (listed nowhere, reminded never)
    ``plugin``  filled in by the core with the name of the plugin that reported it
    """

    key: str
    title: str
    due: date
    record: dict | None = None
    notify: tuple[str, ...] = ("coordinator",)
    stages: tuple[int, ...] = (7, 1, 0)
    done: bool = False
    plugin: str = ""

    def __post_init__(self) -> None:
        # Plugins may pass lists; tuples keep the object hashable and immutable.
        object.__setattr__(self, "notify", tuple(self.notify))
        object.__setattr__(self, "stages", tuple(self.stages))
        object.__setattr__(self, "title", redact_pesel(str(self.title)))
        if isinstance(self.due, datetime):  # a datetime is a date too, but cannot be compared with one
            object.__setattr__(self, "due", self.due.date())

    def days_left(self, today: date) -> int:
        """Calendar days until ``due`` (negative when overdue)."""
        return (self.due - today).days

    def overdue(self, today: date) -> bool:
        return not self.done and self.due < today

    def audience(self) -> str:
        """Who it is for, in the user's language: ``koordynator, dyrektor`` or addresses."""
        return ", ".join(role_label(role) for role in self.notify)

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready dict (``due`` as ISO date)."""
        return {
            "key": self.key,
            "title": self.title,
            "due": self.due.isoformat(),
            "record": self.record,
            "notify": list(self.notify),
            "stages": list(self.stages),
            "done": self.done,
            "plugin": self.plugin,
        }


def role_label(role: str) -> str:
    """``coordinator`` → ``koordynator``, ``head`` → ``dyrektor``; other roles and addresses unchanged."""
    labels = {"coordinator": _("koordynator"), "head": _("dyrektor")}
    return labels.get(role, role)


def collect(workspace: Workspace, today: date, errors: list[str] | None = None) -> list[Deadline]:
    """Every deadline of every plugin, sorted by due date (overdue first), then key.

    A duplicate key is refused with :class:`DeadlineError` naming both
    plugins; a plugin that fails or returns something that is not a
    :class:`Deadline` raises :class:`DeadlineError` naming it. When
    ``errors`` is given, the Polish message is appended there instead and the
    rest is still returned (the first deadline of a duplicated key is kept),
    so one faulty plugin does not stop everybody's reminders.
    """
    found: dict[str, Deadline] = {}
    for impl in workspace.hook.somflow_deadlines.get_hookimpls():  # load order (pluggy calls them in reverse)
        name = impl.plugin_name
        try:
            result = impl.function(workspace=workspace, today=today) or []
            items = [_checked(item, name) for item in result]
        except DeadlineError as exc:
            _fail(errors, str(exc))
            continue
        except Exception as exc:  # third-party code must not hide the other plugins' deadlines
            _fail(
                errors,
                _("Wtyczka {plugin} nie podała terminów: {error}", plugin=name, error=f"{type(exc).__name__}: {exc}"),
            )
            continue
        for item in items:
            if item.key in found:
                _fail(
                    errors,
                    _(
                        "Dwa terminy o tym samym kluczu {key}: od wtyczki {first} i od wtyczki {second}.",
                        key=item.key,
                        first=found[item.key].plugin,
                        second=name,
                    ),
                )
                continue
            found[item.key] = replace(item, plugin=name)
    return sorted(found.values(), key=lambda d: (d.due, d.key))


def _checked(item: Any, plugin: str) -> Deadline:
    if not isinstance(item, Deadline) or not isinstance(item.due, date) or not item.key:
        raise DeadlineError(
            _(
                "Wtyczka {plugin} podała zły termin (oczekiwano somflow.deadlines.Deadline z kluczem i datą): {item}",
                plugin=plugin,
                item=type(item).__name__,
            )
        )
    return item


def _fail(errors: list[str] | None, message: str) -> None:
    if errors is None:
        raise DeadlineError(message)
    errors.append(message)


def open_deadlines(
    workspace: Workspace, today: date, days: int | None = None, errors: list[str] | None = None
) -> list[Deadline]:
    """The deadlines not yet done (``days``: only those within ``days`` of ``today``; overdue ones always), as :func:`collect` sorts them."""
    found = [d for d in collect(workspace, today, errors) if not d.done]
    return found if days is None else [d for d in found if d.days_left(today) <= days]
