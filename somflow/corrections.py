"""Correcting and withdrawing recorded entries: one mechanism for every plugin.

An *entry* is one thing a plugin recorded (an NK step, a vetting result, a
consent, an acknowledgment, a survey answer). Nothing recorded is ever
deleted: a withdrawn entry stays where it is, marked ``withdrawn`` with who,
when and why, and stops counting everywhere; a corrected entry keeps its
earlier values in ``corrections`` (the same who/when/why plus ``before``).

Plugins offer their entries through the hook ``somflow_register_entry_kinds``
with an :class:`EntryKind`: how to find the entry a reference names
(``locate``) and what the record holding it becomes when the entry is
withdrawn or corrected. The rules live here, once:

* a reason is required;
* the whole change is one store transaction: the record, the audit entry
  (action ``withdraw``/``correct``, no values, so no personal data) and,
  for entries whose withdrawal the head must know of, the notice shown by
  ``somflow status`` until acknowledged (:mod:`somflow.notices`);
* an entry already withdrawn is neither withdrawn nor corrected again.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from somflow.errors import InvalidInput, SomflowError
from somflow.i18n import _
from somflow.store.base import now_iso

if TYPE_CHECKING:
    from somflow.workspace import Workspace

#: The shortest reason accepted: "błąd" is a reason, "x" is not.
MIN_REASON = 3


@dataclass(frozen=True)
class Entry:
    """One recorded entry as its plugin found it.

    ``collection``/``record`` is the stored record that holds the entry
    (the entry itself, for plugins that keep one record per entry); ``key``
    says where in it, in the plugin's own terms. ``label`` is a one-line
    Polish description without PESEL (names only where the user needs them).
    """

    kind: str
    ref: str
    collection: str
    record: dict[str, Any]
    key: Any
    label: str
    data: dict[str, Any]
    notify_head: bool = False


@dataclass(frozen=True)
class EntryKind:
    """A kind of entry a plugin offers for correction.

    ``locate(workspace, ref)`` returns the entries ``ref`` names (an empty list
    when ``ref`` is not this kind's reference). ``withdraw(workspace, entry,
    mark)`` and ``correct(workspace, entry, changes, mark)`` return the
    changes to ``entry.record`` (top-level fields, as for ``store.update``),
    or raise :class:`~somflow.errors.InvalidInput` with Polish messages when
    the change would break the plugin's rules. ``fields`` maps each field
    ``correct`` accepts to a short Polish description (empty: withdraw only).
    ``title``, ``ref_help`` and the descriptions are Polish, translated when shown.
    """

    name: str
    title: str
    ref_help: str
    locate: Callable[[Workspace, str], list[Entry]]
    withdraw: Callable[[Workspace, Entry, dict[str, Any]], dict[str, Any]]
    correct: Callable[[Workspace, Entry, dict[str, str], dict[str, Any]], dict[str, Any]] | None = None
    fields: dict[str, str] = field(default_factory=dict)
    plugin: str = ""


# ------------------------------------------------------------ helpers for plugins


def is_withdrawn(entry: dict[str, Any] | None) -> bool:
    """True when a stored entry was withdrawn (it counts nowhere)."""
    return bool(entry and entry.get("withdrawn"))


def counting(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The entries that were not withdrawn."""
    return [e for e in entries if not is_withdrawn(e)]


def withdrawn_copy(entry: dict[str, Any], mark: dict[str, Any]) -> dict[str, Any]:
    """The stored entry marked withdrawn with ``mark`` (who, when, why)."""
    return {**copy.deepcopy(entry), "withdrawn": dict(mark)}


def corrected_copy(entry: dict[str, Any], new_values: dict[str, Any], mark: dict[str, Any]) -> dict[str, Any]:
    """The stored entry with ``new_values`` set and the values they replace kept in ``corrections``."""
    before = {k: copy.deepcopy(entry.get(k)) for k in new_values}
    corrections = [*entry.get("corrections", []), {**mark, "before": before}]
    return {**copy.deepcopy(entry), **new_values, "corrections": corrections}


def split_ref(ref: str) -> tuple[str, str] | None:
    """A reference ``RECORD#ENTRY`` (or ``RECORD/ENTRY``) split at its last ``#`` or ``/``; None without one."""
    head, sep, tail = max(ref.rpartition("#"), ref.rpartition("/"), key=lambda p: len(p[0]))
    if not sep or not head.strip() or not tail.strip():
        return None
    return head.strip(), tail.strip()


def history_notes(entry: dict[str, Any]) -> list[str]:
    """Polish lines for a history listing: each correction and the withdrawal, with who/when/why."""
    lines = []
    for c in entry.get("corrections", []):
        before = ", ".join(f"{k}: {v if v not in (None, '') else '—'}" for k, v in c.get("before", {}).items())
        lines.append(
            _(
                "POPRAWIONO {at} ({by}): {reason}; było: {before}",
                at=c["at"][:16].replace("T", " "),
                by=c["by"],
                reason=c["reason"],
                before=before,
            )
        )
    w = entry.get("withdrawn")
    if w:
        lines.append(
            _("WYCOFANO {at} ({by}): {reason}", at=w["at"][:16].replace("T", " "), by=w["by"], reason=w["reason"])
        )
    return lines


# ------------------------------------------------------------------ the registry


def kinds(workspace: Workspace) -> dict[str, EntryKind]:
    """Name → kind for every kind of entry the workspace's plugins offer (collected once per plugin host).

    A second kind with a name already taken is refused and recorded as the
    plugin's error (``somflow plugins`` shows it); the first one stays.
    """
    host = workspace.plugins
    if host is None:
        raise RuntimeError("workspace opened without plugins")
    cached = getattr(host, "_entry_kinds", None)
    if cached is not None:
        return cached
    found: dict[str, EntryKind] = {}
    for impl in host.pm.hook.somflow_register_entry_kinds.get_hookimpls():
        plugin = impl.plugin_name

        def register(kind: EntryKind, plugin: str = plugin) -> None:
            if kind.name in found:
                info = host._info(plugin)
                if info is not None:
                    info.error = _(
                        "rodzaj wpisu {name} jest już zarejestrowany przez wtyczkę {other}",
                        name=kind.name,
                        other=found[kind.name].plugin,
                    )
                return
            found[kind.name] = EntryKind(**{**kind.__dict__, "plugin": plugin})

        impl.function(register=register)
    host._entry_kinds = found
    return found


def locate(workspace: Workspace, ref: str, kind: str | None = None) -> Entry:
    """The one entry ``ref`` names (among the kinds offered, or of ``kind`` only); Polish message otherwise."""
    offered = kinds(workspace)
    if kind is not None and kind not in offered:
        raise InvalidInput(
            [_("Nieznany rodzaj wpisu „{kind}”. Dozwolone: {choices}.", kind=kind, choices=", ".join(offered) or "—")]
        )
    ref = str(ref or "").strip()
    if not ref:
        raise InvalidInput([_("Podaj, który wpis (np. numer sprawy i kroku, osobę i pozycję).")])
    found: list[Entry] = []
    for name, k in offered.items():
        if kind is None or name == kind:
            found += k.locate(workspace, ref)
    if len(found) == 1:
        return found[0]
    if not found:
        hints = "; ".join(
            f"{_(k.title)}: {_(k.ref_help)}" for name, k in offered.items() if kind is None or name == kind
        )
        raise InvalidInput([_("Nie znaleziono wpisu „{ref}”. Jak wskazać wpis — {hints}", ref=ref, hints=hints)])
    listing = "; ".join(f"{e.ref} ({e.label})" for e in found[:10])
    raise InvalidInput(
        [_("„{ref}” wskazuje kilka wpisów: {listing}. Podaj dokładniej, który.", ref=ref, listing=listing)]
    )


# ----------------------------------------------------------------- the actions


@dataclass
class Outcome:
    """What a withdrawal or correction did: the entry as it was found and the head's notice, if any."""

    entry: Entry
    record: dict[str, Any]
    notice: dict[str, Any] | None = None
    mail_problem: str | None = None


def withdraw(workspace: Workspace, ref: str, reason: str, by: str | None = None, *, kind: str | None = None) -> Outcome:
    """Withdraw the entry ``ref`` names: mark it with who/when/why, in one transaction; notify the head if it must be."""
    return _change(workspace, ref, reason, by, kind, None)


def correct(
    workspace: Workspace,
    ref: str,
    changes: dict[str, str],
    reason: str,
    by: str | None = None,
    *,
    kind: str | None = None,
) -> Outcome:
    """Correct fields (``{field: new text}``) of the entry ``ref`` names, keeping the earlier values in its history."""
    if not changes:
        raise InvalidInput([_("Podaj, co poprawić: POLE=WARTOŚĆ.")])
    return _change(workspace, ref, reason, by, kind, changes)


def parse_changes(pairs: list[str] | tuple[str, ...]) -> dict[str, str]:
    """``["data=2026-12-03", "osoba=Jan Nowak"]`` → a dict; Polish message naming a pair without ``=``."""
    changes: dict[str, str] = {}
    problems = []
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            problems.append(_("„{pair}”: oczekiwano POLE=WARTOŚĆ.", pair=pair))
        else:
            changes[name.strip().lower()] = value.strip()
    if problems:
        raise InvalidInput(problems)
    return changes


def _change(
    workspace: Workspace, ref: str, reason: str, by: str | None, kind: str | None, changes: dict[str, str] | None
) -> Outcome:
    from somflow import notices

    reason = " ".join(str(reason or "").split())
    if len(reason) < MIN_REASON:
        raise InvalidInput([_("Podaj powód (--reason / --powod): co było błędne albo dlaczego wpis jest wycofywany.")])
    store = workspace.store
    mark = {"at": now_iso(), "by": (by or "").strip() or store.user, "reason": reason}
    with store.transaction():
        entry = locate(workspace, ref, kind)
        offered = kinds(workspace)[entry.kind]
        if is_withdrawn(entry.data):
            raise SomflowError(
                _(
                    "Wpis {ref} został już wycofany ({at}); nie można go zmienić.",
                    ref=entry.ref,
                    at=entry.data["withdrawn"]["at"][:10],
                )
            )
        if changes is None:
            record_changes = offered.withdraw(workspace, entry, mark)
            action = "withdraw"
        else:
            unknown = [f for f in changes if f not in offered.fields]
            if offered.correct is None or not offered.fields:
                raise InvalidInput(
                    [
                        _(
                            "Wpisu rodzaju „{kind}” nie poprawia się; wycofaj go (somflow withdraw) i zapisz od nowa.",
                            kind=_(offered.title),
                        )
                    ]
                )
            if unknown:
                allowed = ", ".join(f"{k} ({_(v)})" for k, v in offered.fields.items())
                raise InvalidInput(
                    [
                        _(
                            "Pola {fields} nie można poprawić. Można: {allowed}.",
                            fields=", ".join(unknown),
                            allowed=allowed,
                        )
                    ]
                )
            record_changes = offered.correct(workspace, entry, changes, mark)
            action = "correct"
        record = store.update(
            entry.collection, entry.record["id"], record_changes, expected_rev=entry.record["rev"], action=action
        )
        notice = None
        if changes is None and entry.notify_head:
            notice = notices.add(
                workspace,
                _("Wycofano wpis: {label}", label=entry.label),
                mark,
                about={"kind": entry.kind, "ref": entry.ref},
            )
    outcome = Outcome(entry, record, notice)
    if notice is not None:
        outcome.mail_problem = notices.mail_head(workspace, notice)
    return outcome


__all__ = [
    "Entry",
    "EntryKind",
    "Outcome",
    "correct",
    "corrected_copy",
    "counting",
    "history_notes",
    "is_withdrawn",
    "kinds",
    "locate",
    "parse_changes",
    "split_ref",
    "withdraw",
    "withdrawn_copy",
]
