"""Deadlines as an iCalendar file (RFC 5545) for Outlook, Google Calendar or Thunderbird.

Each open deadline is an all-day event whose UID is derived from the unit and
the deadline key, so importing the file again (or subscribing to it) updates
the same events instead of adding copies. Each reminder stage becomes a
VALARM at 9:00 on its day. A calendar file leaves the computer (a synced
calendar, a phone): the names of people somflow holds are masked in it
(:func:`somflow.people.mentions.mask`), whatever a plugin put in a title.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from icalendar import Alarm, Calendar, Event

from somflow import __version__
from somflow.deadlines import Deadline, open_deadlines
from somflow.fileio import write_private
from somflow.i18n import _
from somflow.people.mentions import known_names, mask
from somflow.workspace import Workspace

ALARM_HOUR = 9
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


def uid(unit: str, key: str) -> str:
    """A stable event UID for a deadline key (a hash: keys are not shown to calendar servers)."""
    return hashlib.sha256(f"{unit}\x00{key}".encode()).hexdigest()[:32] + "@somflow"


def calendar(
    deadlines: Iterable[Deadline],
    *,
    unit: str,
    institution: str,
    stamp: datetime | None = None,
    names: Iterable[str] = (),
) -> Calendar:
    """An iCalendar object with one VEVENT per open deadline; ``names`` are masked in the titles."""
    names = list(names)
    stamp = stamp or datetime.now(UTC).replace(microsecond=0)
    cal = Calendar()
    cal.add("prodid", f"-//somflow//somflow {__version__}//PL")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", _("Terminy SOM — {institution}", institution=institution))
    # Subscribed calendars (Outlook, Google, Thunderbird) fetch the file again twice a day.
    cal.add("refresh-interval", timedelta(hours=12), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT12H")
    # A newer export must win over an older one on re-import (Outlook compares SEQUENCE).
    sequence = int((stamp - EPOCH).total_seconds() // 60)
    for deadline in deadlines:
        if deadline.done:
            continue
        deadline = replace(deadline, title=mask(deadline.title, names))
        event = Event()
        event.add("uid", uid(unit, deadline.key))
        event.add("dtstamp", stamp)
        event.add("sequence", sequence)
        event.add("dtstart", deadline.due)
        event.add("dtend", deadline.due + timedelta(days=1))
        event.add("summary", deadline.title)
        event.add("description", description(deadline))
        event.add("transp", "TRANSPARENT")
        event.add("categories", ["somflow", deadline.plugin or "somflow"])
        for stage in sorted(set(deadline.stages), reverse=True):
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", deadline.title)
            # Relative to the start of the all-day event (midnight): 9:00 on the stage's day.
            alarm.add("trigger", timedelta(days=-stage, hours=ALARM_HOUR))
            event.add_component(alarm)
        cal.add_component(event)
    return cal


def description(deadline: Deadline) -> str:
    lines = [deadline.title]
    if deadline.record and deadline.record.get("id"):
        lines.append(
            _("Rekord: {collection}:{id}", collection=deadline.record.get("collection"), id=deadline.record["id"])
        )
    lines.append(_("Dla: {who}", who=deadline.audience()))
    if deadline.plugin:
        lines.append(_("Wtyczka: {plugin}", plugin=deadline.plugin))
    return "\n".join(lines)


def for_workspace(workspace: Workspace, today: date, keep: Callable[[Deadline], bool] | None = None) -> bytes:
    """The unit's open deadlines (those ``keep`` accepts) as an .ics file's content: what the calendar download serves."""
    found = [d for d in open_deadlines(workspace, today) if keep is None or keep(d)]
    return calendar(
        found,
        unit=workspace.unit,
        institution=workspace.config["institution"]["name"],
        names=known_names(workspace.store),
    ).to_ical()


def write(path: Path, deadlines: Iterable[Deadline], *, unit: str, institution: str, names: Iterable[str] = ()) -> int:
    """Write the calendar to ``path`` (atomically, owner-only); returns the number of events."""
    cal = calendar(deadlines, unit=unit, institution=institution, names=names)
    write_private(path, cal.to_ical())
    return len(cal.walk("VEVENT"))
