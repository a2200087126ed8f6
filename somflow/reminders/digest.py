"""The reminder e-mail: one per recipient, Polish, plain text plus HTML, never a PESEL.

Items are grouped as overdue, due today and coming up. Titles come from
:class:`~somflow.deadlines.Deadline`, which already masks 11-digit runs; the
finished text goes through :func:`somflow.logs.redact_pesel` once more as a
last line of defence, and the names of people somflow holds are replaced by
their initials in every title (:func:`somflow.people.mentions.mask`): an
e-mail leaves the computer, and a deadline needs no name to be acted on.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from somflow.deadlines import Deadline
from somflow.i18n import _, ngettext
from somflow.logs import redact_pesel
from somflow.people.mentions import mask
from somflow.reminders.plan import Digest, Item

if TYPE_CHECKING:
    from email.message import EmailMessage


def weekday(d: date) -> str:
    return (_("pn"), _("wt"), _("śr"), _("czw"), _("pt"), _("sob"), _("nd"))[d.weekday()]


def when(deadline: Deadline, today: date) -> str:
    """``dziś``, ``za 3 dni``, ``1 dzień po terminie`` ..."""
    left = deadline.days_left(today)
    if left == 0:
        return _("dziś")
    if left > 0:
        return _("jutro") if left == 1 else ngettext("za {n} dzień", "za {n} dni", left)
    return ngettext("{n} dzień po terminie", "{n} dni po terminie", -left)


def record_ref(deadline: Deadline) -> str:
    record = deadline.record or {}
    return f"{record.get('collection')}:{record.get('id')}" if record.get("id") else ""


def groups(items: list[Item], today: date) -> list[tuple[str, list[Item]]]:
    """(heading, items) for overdue, today and upcoming, empty groups left out."""
    overdue = [i for i in items if i.deadline.days_left(today) < 0]
    due_today = [i for i in items if i.deadline.days_left(today) == 0]
    upcoming = [i for i in items if i.deadline.days_left(today) > 0]
    named = [(_("PO TERMINIE"), overdue), (_("DZIŚ"), due_today), (_("WKRÓTCE"), upcoming)]
    return [(heading, group) for heading, group in named if group]


def subject(digest: Digest, today: date, institution: str) -> str:
    overdue = sum(i.deadline.days_left(today) < 0 for i in digest.items)
    text = _("Terminy do dopilnowania: {count} — {institution}", count=len(digest.items), institution=institution)
    if overdue:
        text = _("PO TERMINIE ({overdue}). ", overdue=overdue) + text
    return redact_pesel(text)


def build(digest: Digest, today: date, *, sender: str, institution: str, names: Iterable[str] = ()) -> EmailMessage:
    """The e-mail for one recipient (plain text with an HTML alternative); ``names`` are masked in the titles."""
    from email.message import EmailMessage  # only `somflow remind` builds mail
    from email.utils import formatdate, make_msgid

    names = list(names)
    parts = groups(digest.items, today)
    any_repeat = any(i.repeat for i in digest.items)
    intro = _(
        "Dzień dobry,\n\nponiżej terminy wynikające ze standardów ochrony małoletnich w placówce {institution} (stan na {today}).",
        institution=institution,
        today=today.isoformat(),
    )
    repeat_note = _("(*) poprzednia wysyłka została przerwana — ta pozycja mogła już do Ciebie dotrzeć.")
    footer = _("Pełna lista: somflow deadlines. Wiadomość wysłana automatycznie przez somflow.")

    lines = [intro, ""]
    for heading, items in parts:
        lines.append(heading)
        for item in items:
            d = item.deadline
            ref = record_ref(d)
            lines.append(
                f"- {d.due.isoformat()} ({weekday(d.due)}) — {mask(d.title, names)} — {when(d, today)}"
                + (f" [{ref}]" if ref else "")
                + (" (*)" if item.repeat else "")
            )
        lines.append("")
    if any_repeat:
        lines += [repeat_note, ""]
    lines.append(footer)
    text = redact_pesel("\n".join(lines) + "\n")

    esc = html.escape
    body = [f"<p>{esc(intro).replace(chr(10), '<br>')}</p>"]
    for heading, items in parts:
        body.append(f"<h3>{esc(heading)}</h3>")
        body.append('<table cellpadding="4" style="border-collapse:collapse">')
        for item in items:
            d = item.deadline
            style = ' style="color:#b00020"' if d.days_left(today) < 0 else ""
            body.append(
                f"<tr{style}><td>{esc(d.due.isoformat())} ({esc(weekday(d.due))})</td>"
                f"<td><b>{esc(mask(d.title, names))}</b>{' (*)' if item.repeat else ''}</td>"
                f"<td>{esc(when(d, today))}</td><td><code>{esc(record_ref(d))}</code></td></tr>"
            )
        body.append("</table>")
    if any_repeat:
        body.append(f"<p>{esc(repeat_note)}</p>")
    body.append(f"<p><small>{esc(footer)}</small></p>")
    page = redact_pesel(
        '<!DOCTYPE html>\n<html lang="pl"><head><meta charset="utf-8"></head><body>\n'
        + "\n".join(body)
        + "\n</body></html>\n"
    )

    message = EmailMessage()
    message["Subject"] = subject(digest, today, institution)
    message["From"] = sender
    message["To"] = digest.recipient
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text)
    message.add_alternative(page, subtype="html")
    return message
