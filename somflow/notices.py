"""Notices for the head of the unit: shown by ``somflow status`` until acknowledged, e-mailed when mail is set up.

A notice (collection ``notices``) says that something the head must know of
happened, e.g. a FIGURUJE result was withdrawn. Its text names records by
their numbers, never by a person's name or PESEL (a name a plugin let slip is
masked in the e-mail: :func:`somflow.people.mentions.mask`). It is e-mailed only to the
head's address in ``somflow.toml`` ([head] email) and only when ``[smtp]``
has a server; whatever happens to the e-mail, the line in ``somflow status``
stays until ``somflow notices --ack`` (or the head's web page) acknowledges it.
"""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

from somflow import hookimpl, refs
from somflow.errors import InvalidInput
from somflow.i18n import _
from somflow.store.base import now_iso
from somflow.workspace import Workspace

COLLECTION = "notices"


def add(workspace: Workspace, text: str, mark: dict[str, Any], about: dict[str, Any] | None = None) -> dict[str, Any]:
    """Store a notice for the head (joins the caller's transaction); ``mark`` is who/when/why."""
    store = workspace.store
    nr = max((n.get("nr") or 0 for n in store.query(COLLECTION)), default=0) + 1
    return store.insert(
        COLLECTION,
        {
            "nr": nr,
            "text": text,
            "at": mark["at"],
            "by": mark["by"],
            "reason": mark.get("reason", ""),
            "about": about or {},
            "acknowledged": None,
            "mailed": None,
        },
    )


def pending(workspace: Workspace) -> list[dict[str, Any]]:
    """The notices nobody acknowledged yet, oldest first."""
    return [n for n in workspace.store.query(COLLECTION) if not n.get("acknowledged")]


def acknowledge(workspace: Workspace, ref: str | None, by: str | None = None) -> list[dict[str, Any]]:
    """Acknowledge the pending notice numbered ``ref`` (its number or id), or every pending one when ``ref`` is None."""
    store = workspace.store
    with store.transaction():
        open_ = pending(workspace)
        if ref is None:
            chosen = open_
        elif ref.strip().isdigit():
            chosen = [n for n in open_ if n.get("nr") == int(ref)]
        else:
            chosen = refs.by_id(open_, ref)
        if ref is not None and len(chosen) != 1:
            raise InvalidInput(
                [
                    _(
                        "Nie ma jednego niepotwierdzonego powiadomienia o numerze „{ref}” (lista: somflow notices).",
                        ref=ref,
                    )
                ]
            )
        stamp = {"at": now_iso(), "by": (by or "").strip() or store.user}
        return [store.update(COLLECTION, n["id"], {"acknowledged": stamp}, expected_rev=n["rev"]) for n in chosen]


def mail_head(workspace: Workspace, notice: dict[str, Any]) -> str | None:
    """E-mail the notice to the head when ``[smtp]`` and ``[head] email`` are set; a Polish problem or None.

    Nothing is sent anywhere else: without a configured server and address the
    notice waits in ``somflow status`` only.
    """
    from somflow.people.mentions import known_names, mask
    from somflow.reminders.plan import resolve
    from somflow.reminders.smtp import Mailer, SmtpError

    config = workspace.config
    address = resolve("head", config)
    if not (config.get("smtp") or {}).get("host") or not address:
        return None
    institution = config["institution"]["name"]
    try:
        with Mailer(config) as mailer:
            message = EmailMessage()
            message["From"] = mailer.sender
            message["To"] = address
            message["Subject"] = _("Powiadomienie dla dyrektora — {institution}", institution=institution)
            message.set_content(
                "\n".join(
                    [
                        mask(notice["text"], known_names(workspace.store)),  # a name never leaves in an e-mail
                        _("Kto i kiedy: {by}, {at}", by=notice["by"], at=notice["at"][:16].replace("T", " ")),
                        _(
                            "Powód i szczegóły pokazuje somflow notices; potwierdzenie: somflow notices --ack {nr}",
                            nr=notice["nr"],
                        ),
                    ]
                )
                + "\n"
            )
            mailer.send(message)
    except SmtpError as exc:
        return str(exc)
    workspace.store.update(COLLECTION, notice["id"], {"mailed": {"at": now_iso(), "to": address}})
    return None


def line(notice: dict[str, Any], with_reason: bool = False) -> str:
    """One line about a notice: its text, who and when (and why: ``somflow notices``), and how to acknowledge it.

    ``somflow status`` leaves the reason out: it is free text and may name people.
    """
    text = _("{text} — {by}, {at}", text=notice["text"], by=notice["by"], at=notice["at"][:16].replace("T", " "))
    if with_reason:
        text += "; " + _("powód: {reason}", reason=notice.get("reason") or "—")
    else:
        text += "; " + _("powód: somflow notices")
    return text + " " + _("(potwierdź: somflow notices --ack {nr})", nr=notice["nr"])


@hookimpl
def somflow_status(workspace: Workspace) -> list[tuple[str, str]]:
    return [(_("POWIADOMIENIE DLA DYREKTORA"), line(n)) for n in pending(workspace)]
