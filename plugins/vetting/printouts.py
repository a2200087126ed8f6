"""Register printouts (RSPTS, KRK): read, kept awaiting a person's confirmation, confirmed or rejected.

A printout read from the inbox, or attached with ``vetting record --file``, is
evidence, not a result (DOMAIN.md, "facts checked"): anyone can type a PDF
with the register's name, a PESEL and "nie figuruje". So what it says goes
into the person's ``pending`` — ``{item: {"result", "date", "document",
"verification", "source", "read"}}`` — and counts for nothing: the item stays
missing, the person cannot be admitted, a FIGURUJE blocks nobody. Only when
someone with the HR (``kadry``) or head (``dyrektor``) role has compared the
printout with the source and confirms it (:func:`confirm`) does it become
the item's result, with who confirmed and as whom; a printout that does not
hold up is rejected (:func:`reject`) and stays in ``rejected_printouts``.
Both are one store transaction with an audit entry (``confirm``/``reject``).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from somflow import calendar
from somflow.errors import InvalidInput
from somflow.i18n import _
from somflow.store.base import now_iso, os_user
from somflow.workspace import Workspace

from . import requirements as req
from .people import number

log = logging.getLogger(__name__)

#: Who may confirm a printout: ``--as`` value → label.
ROLES = {"kadry": "kadry (HR)", "dyrektor": "dyrektor"}

# Texts of the register answers (seed 001 ch. III; DOMAIN.md section 2).
_NO_ENTRY = re.compile(r"W\s+Rejestrze\s+nie\s+ma\s+informacji\s+o\s+osobach|\bnie\s+figuruje\b", re.IGNORECASE)
_LISTED = re.compile(r"\bFIGURUJE\b")
# "NIE FIGURUJE" split by a line break (pdfium gives "\r\n") or spaced out by the browser is no hit.
_NEGATION_BEFORE = re.compile(r"\bnie\s*$", re.IGNORECASE)
_RSPTS = re.compile(r"Rejestr\w*\s+Sprawców\s+Przestępstw\s+na\s+Tle\s+Seksualnym|rps\.ms\.gov\.pl", re.IGNORECASE)
_COMMISSION = re.compile(r"Państwow\w+\s+Komisj\w+", re.IGNORECASE)
_KRK = re.compile(r"Krajow\w+\s+Rejestr\w*\s+Karn\w+|ekrk\.ms\.gov\.pl", re.IGNORECASE)
ELEVEN_DIGITS = re.compile(r"(?<!\d)\d{11}(?!\d)")
# The query's identifier (RSPTS) or the document's identifier / verification code (KRK e-service).
_VERIFICATION = re.compile(
    r"(?:identyfikator(?:\s+(?:zapytania|dokumentu|informacji|wydruku))?|kod\s+weryfikacyjny|kod\s+weryfikacji|"
    r"numer\s+(?:zapytania|dokumentu|informacji|weryfikacyjny)|nr\s+(?:zapytania|dokumentu|informacji))"
    r"\s*[:.]?\s*([A-Z0-9][A-Z0-9/._-]{3,63})",
    re.IGNORECASE,
)
_DATED = re.compile(
    r"(?:data|dnia|wygenerowano|sporządzono)\w*[^\d\n]{0,30}(\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{4})", re.IGNORECASE
)


@dataclass(frozen=True)
class Printout:
    """What a register printout's text says: the item, the result and, when printed on it, its identifier and date."""

    item: str
    result: str
    verification: str | None = None
    printed: date | None = None


def read(text: str) -> Printout | None:
    """The printout ``text`` is, or None when it is no RSPTS/KRK answer (or says neither result)."""
    if _RSPTS.search(text) or _COMMISSION.search(text):
        item = "rspts-pk" if _COMMISSION.search(text) else "rspts"
    elif _KRK.search(text):
        item = "krk"
    else:
        return None
    if any(not _NEGATION_BEFORE.search(text[max(0, m.start() - 40) : m.start()]) for m in _LISTED.finditer(text)):
        result = "figuruje"
    elif _NO_ENTRY.search(text):
        result = "brak-wpisu"
    else:
        return None
    return Printout(item, result, verification(text), printed_on(text))


def verification(text: str) -> str | None:
    """The identifier to check the printout against at its source, when the text carries one."""
    found = _VERIFICATION.search(text or "")
    return found.group(1).rstrip(".") if found else None


def printed_on(text: str) -> date | None:
    """The date the printout states (``Data wygenerowania: 23.11.2026``…), when it states one."""
    found = _DATED.search(text or "")
    return calendar.parse_date(found.group(1)) if found else None


def file_text(path: Path) -> str:
    """The text layer of a PDF the user attaches (empty for a scan, an image or a file that cannot be read)."""
    from somflow.inbox import sandbox
    from somflow.inbox.model import Rejected
    from somflow.inbox.pages import sniff

    content = path.read_bytes()
    if sniff(content) != "pdf":
        return ""
    try:
        return sandbox.shared().outline(content, "pdf").text
    except Rejected:
        return ""


# ------------------------------------------------------------------ awaiting confirmation


def await_confirmation(
    workspace: Workspace,
    person: dict[str, Any],
    printout: Printout,
    *,
    today: date,
    document_id: str | None,
    source: str,
) -> tuple[dict[str, Any], req.Item]:
    """Keep what ``printout`` says until someone confirms it; the person's results do not change.

    Its date is the one printed on it, else ``today`` (the day it was read).
    """
    from .records import check_result, get, save

    on = min(printout.printed or today, today)
    result = printout.result
    item = check_result(workspace, person, printout.item, result, on=on, today=today)
    store = workspace.store
    with store.transaction():
        fresh = get(workspace, person["id"])
        if fresh is None:
            raise InvalidInput([_("Osoba została w międzyczasie usunięta.")])
        pending = dict(fresh.get("pending") or {})
        pending[item.key] = {
            "result": result,
            "date": on.isoformat(),
            "document": document_id,
            "verification": printout.verification,
            "source": source,
            "read": now_iso(),
        }
        updated = save(workspace, fresh, {"pending": pending})
    log.info("vetting: printout for person %s, item %s awaits confirmation", number(fresh), item.key)
    return updated, item


def awaiting(workspace: Workspace) -> list[tuple[dict[str, Any], str, dict[str, Any]]]:
    """Every printout awaiting confirmation: (person, item key, what it says), by person number."""
    from .records import all_people

    people = sorted(all_people(workspace), key=lambda p: (p.get("nr") or 0, p["id"]))
    return [(p, key, entry) for p in people for key, entry in sorted((p.get("pending") or {}).items())]


def find(workspace: Workspace, ref: str) -> tuple[dict[str, Any], str, dict[str, Any]]:
    """The pending printout ``ref`` names: ``OSOBA/POZYCJA`` (``3/rspts``), or just the person when they have one."""
    from .records import find_person

    who, sep, key = ref.rpartition("/")
    person = find_person(workspace, who if sep else ref)
    pending = person.get("pending") or {}
    if sep:
        found = req.find_item(person, key, workspace.config)
        key = found.key if found is not None else key.strip()
    elif len(pending) == 1:
        key = next(iter(pending))
    if key not in pending:
        waiting = ", ".join(f"{number(person)}/{k}" for k in sorted(pending)) or "—"
        raise InvalidInput(
            [
                _(
                    "Osoba nr {nr} nie ma takiego wydruku czekającego na potwierdzenie (czekają: {waiting}).",
                    nr=number(person),
                    waiting=waiting,
                )
            ]
        )
    return person, key, pending[key]


def confirmers(config: dict[str, Any], role: str) -> list[str]:
    """Who holds ``role`` according to somflow.toml: the head's ``[head] name``; HR's ``[vetting] hr`` (a name or a list)."""
    if role == "dyrektor":
        names = [(config.get("head") or {}).get("name")]
    else:
        names = (config.get("vetting") or {}).get("hr") or []
        names = [names] if isinstance(names, str) else list(names)
    return [str(n).strip() for n in names if n and str(n).strip()]


def _mark(workspace: Workspace, role: str, by: str) -> dict[str, str]:
    """Who confirms, as whom, when; a name somflow.toml gives for the role must be the one given (people.match)."""
    from somflow.people import match

    if role not in ROLES:
        raise InvalidInput([_("Potwierdzić wydruk może tylko osoba z rolą kadry albo dyrektor (--as kadry|dyrektor).")])
    by = (by or "").strip()
    allowed = confirmers(workspace.config, role)
    if allowed:
        if not by and len(allowed) == 1:
            by = allowed[0]
        found = match.only(by, [{"name": name} for name in allowed]) if by else None
        if found is None:
            key = "[head] name" if role == "dyrektor" else "[vetting] hr"
            raise InvalidInput(
                [
                    _(
                        "Według somflow.toml ({key}) „{by}” nie ma roli {role}; podaj swoje imię i nazwisko w --by.",
                        key=key,
                        by=by or "—",
                        role=role,
                    )
                ]
            )
        by = found["name"]
    return {"by": by or os_user(), "role": role, "at": now_iso()}


def confirm(
    workspace: Workspace, ref: str, *, role: str, by: str, today: date
) -> tuple[dict[str, Any], req.Item, bool]:
    """Record what the printout ``ref`` says as the item's result, confirmed by ``by`` as ``role``.

    Returns (person, item, True when the confirmation blocked the person). One
    transaction: the result, who confirmed it, the pending entry gone, the audit
    entry ``confirm``.
    """
    from .records import record_result, save

    mark = _mark(workspace, role, by)
    person, key, entry = find(workspace, ref)
    store = workspace.store
    with store.transaction():
        updated, item, blocked_now = record_result(
            workspace,
            person,
            key,
            entry["result"],
            on=date.fromisoformat(entry["date"]),
            today=today,
            document_id=entry["document"],
        )
        items = dict(updated["items"])
        items[key] = {**items[key], "verification": entry.get("verification"), "confirmed": mark}
        pending = {k: v for k, v in (updated.get("pending") or {}).items() if k != key}
        updated = save(workspace, updated, {"items": items, "pending": pending}, action="confirm")
    log.info("vetting: printout confirmed for person %s, item %s (role %s)", number(updated), key, role)
    return updated, item, blocked_now


def reject(workspace: Workspace, ref: str, *, role: str, by: str, reason: str) -> tuple[dict[str, Any], str]:
    """Set aside a printout that does not hold up at the source (kept in ``rejected_printouts`` with who and why)."""
    from somflow.corrections import MIN_REASON

    mark = _mark(workspace, role, by)
    if len((reason or "").strip()) < MIN_REASON:
        raise InvalidInput(
            [_("Podaj powód odrzucenia wydruku (--reason), np. „numer zapytania nie istnieje w rejestrze”.")]
        )
    from .records import get, save

    person, key, entry = find(workspace, ref)
    store = workspace.store
    with store.transaction():
        fresh = get(workspace, person["id"])
        pending = {k: v for k, v in (fresh.get("pending") or {}).items() if k != key}
        rejected = [
            *(fresh.get("rejected_printouts") or []),
            {**entry, "item": key, "rejected": {**mark, "reason": reason.strip()}},
        ]
        updated = save(workspace, fresh, {"pending": pending, "rejected_printouts": rejected}, action="reject")
    log.info("vetting: printout rejected for person %s, item %s (role %s)", number(updated), key, role)
    return updated, key
