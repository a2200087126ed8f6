"""The vetting plugin's hook implementations: commands, deadlines, inbox, summaries."""

from __future__ import annotations

from datetime import date
from typing import Any

from somflow import calendar, hookimpl
from somflow.i18n import _
from somflow.lazy_commands import LazyCommand

from . import countries
from . import requirements as req
from .people import COLLECTION, number

#: ``somflow vetting --help`` (and its line in ``somflow --help``, which does not import the commands).
VETTING_HELP = "Weryfikacja osób przed dopuszczeniem do pracy z dziećmi (RSPTS, KRK, oświadczenia)."

#: How many days ahead a start without clearance counts as "soon" in summaries.
SOON_DAYS = 14

#: The forms whose signed scans mark an item received.
FORM_ITEMS = {
    "oswiadczenie-o-krajach-zamieszkania": "kraje",
    "oswiadczenie-o-zapoznaniu-ze-standardami": "standardy",
    # The standards plugin's own staff acknowledgment (seed 004 annex 7) is the same declaration.
    "oswiadczenie-pracownika-standardy": "standardy",
}


@hookimpl
def somflow_register_commands(register) -> None:
    register(LazyCommand("vetting", "somflow_vetting.commands:vetting", help=VETTING_HELP))


@hookimpl
def somflow_validate(form, data, workspace):
    """The declaration of countries of residence states either "none" or at least one country, not both."""
    if form.id != "oswiadczenie-o-krajach-zamieszkania":
        return None
    from somflow.forms.schema import where

    listed = [row for row in data.get("panstwa") or [] if (row or {}).get("panstwo")]
    if data.get("brak") and listed:
        return [
            _("{where}: zaznaczono „brak”, a jednocześnie wpisano państwa — wybierz jedno.", where=where(form, "brak"))
        ]
    if not data.get("brak") and not listed:
        return [_("{where}: zaznacz „brak” albo wpisz co najmniej jedno państwo.", where=where(form, "brak"))]
    return None


def _people(workspace, today: date) -> list[dict[str, Any]]:
    """The people whose vetting still runs (a leaver's deadlines and reminders stop; their records stay)."""
    from . import records

    return records.current_people(workspace, today)


@hookimpl
def somflow_deadlines(workspace, today: date):
    """Vetting due on the last working day before the planned start; a FIGURUJE alert to the head at once."""
    from somflow.calendar import add_working_days
    from somflow.deadlines import Deadline

    out = []
    for person in _people(workspace, today):
        standing = req.standing(person, workspace.config, today)
        record = {"collection": COLLECTION, "id": person["id"]}
        if standing.state == req.BLOCKED:
            alert = person.get("alert") or {}
            out.append(
                Deadline(
                    key=f"vetting:{person['id']}:figuruje",
                    title=_(
                        "PILNE: wynik FIGURUJE w Rejestrze — osoba nr {nr} jest zablokowana; nie dopuszczać jej do pracy z dziećmi",
                        nr=number(person),
                    ),
                    due=date.fromisoformat(alert.get("at") or today.isoformat()),
                    record=record,
                    notify=("head",),
                    stages=(0,),
                )
            )
        elif standing.state == req.INCOMPLETE and person.get("start"):
            out.append(
                Deadline(
                    key=f"vetting:{person['id']}:przed-startem",
                    title=_(
                        "Weryfikacja osoby nr {nr} przed dopuszczeniem do pracy z dziećmi (brakuje: {missing})",
                        nr=number(person),
                        missing=", ".join(i.key for i in standing.open),
                    ),
                    due=add_working_days(date.fromisoformat(person["start"]), -1),
                    record=record,
                    notify=("head", "coordinator"),
                    stages=(14, 7, 1),
                )
            )
    from .printouts import awaiting

    for person, key, entry in awaiting(workspace):
        out.append(
            Deadline(
                key=f"vetting:{person['id']}:potwierdzenie:{key}",
                title=_(
                    "Wydruk z rejestru ({item}) osoby nr {nr} czeka na potwierdzenie przez kadry albo dyrektora: somflow vetting confirm {nr}/{item}",
                    item=key,
                    nr=number(person),
                ),
                due=date.fromisoformat(entry["read"][:10]),
                record={"collection": COLLECTION, "id": person["id"]},
                notify=("head",),
                stages=(0,),
            )
        )
    return out


@hookimpl
def somflow_claim_inbox_file(scan, workspace):
    """Claim a register printout (RSPTS from rps.ms.gov.pl, KRK) — a PDF with text, no somflow code — for the person whose PESEL it shows."""
    from somflow.inbox.model import Claim

    from .printouts import ELEVEN_DIGITS, read

    found = read(scan.text or "")
    if found is None:
        return None
    numbers = set(ELEVEN_DIGITS.findall(scan.text))
    owners = [p for p in _people(workspace, calendar.today()) if p.get("pesel") in numbers]
    if len(owners) != 1:
        return None
    return Claim(
        record={"collection": COLLECTION, "id": owners[0]["id"]},
        title=_("Wydruk z Krajowego Rejestru Karnego")
        if found.item == "krk"
        else _("Wydruk z Rejestru Sprawców Przestępstw na Tle Seksualnym"),
        form=None,
        data={
            "vetting_item": found.item,
            "result": found.result,
            "verification": found.verification,
            "printed": found.printed.isoformat() if found.printed else None,
        },
    )


@hookimpl
def somflow_document_filed(document, workspace) -> None:
    """A returned declaration marks the person's item received; a claimed register printout awaits confirmation."""
    from . import records
    from .printing import DATA_SHEET

    link = document.get("record") or {}
    if link.get("collection") != COLLECTION:
        return
    person = records.get(workspace, link["id"])
    if person is None:
        return
    data = document.get("data") or {}
    item = (person.get("documents") or {}).get(document["id"]) or FORM_ITEMS.get(document.get("form") or "")
    if (
        item is None and document.get("form") == "oswiadczenie-o-niekaralnosci"
    ):  # filled with `somflow fill`, not `vetting print`
        code = countries.resolve(str(data.get("panstwo") or ""), workspace.config)
        item = f"niekaralnosc-{code}" if code else None
    today = calendar.today()
    if document.get("form") is None and data.get("vetting_item"):
        from .printouts import Printout, await_confirmation

        printed = date.fromisoformat(data["printed"]) if data.get("printed") else None
        found = Printout(data["vetting_item"], data["result"], data.get("verification"), printed)
        await_confirmation(workspace, person, found, today=today, document_id=document["id"], source="inbox")
        return
    if item is None or item == DATA_SHEET:
        return
    records.record_result(workspace, person, item, "zlozone", on=today, today=today, document_id=document["id"])


def _counts(workspace, today: date) -> dict[str, int]:
    counts = {req.CLEARED: 0, req.INCOMPLETE: 0, req.BLOCKED: 0, req.EXEMPT: 0, "soon": 0}
    for person in _people(workspace, today):
        standing = req.standing(person, workspace.config, today)
        counts[standing.state] += 1
        counts["soon"] += req.starts_soon(person, standing, today, SOON_DAYS)
    return counts


@hookimpl
def somflow_unit_summary(workspace):
    counts = _counts(workspace, calendar.today())
    return [
        (_("Osoby sprawdzone"), counts[req.CLEARED]),
        (_("Osoby z brakami w weryfikacji"), counts[req.INCOMPLETE]),
        (_("Osoby zablokowane (FIGURUJE)"), counts[req.BLOCKED]),
        (_("Start pracy bez weryfikacji (14 dni)"), counts["soon"]),
    ]


@hookimpl
def somflow_status(workspace):
    from .printouts import awaiting

    counts = _counts(workspace, calendar.today())
    waiting = awaiting(workspace)
    pending = [
        (
            _("Wydruki z rejestrów do potwierdzenia"),
            _("{count} (kadry albo dyrektor: somflow vetting confirm)", count=len(waiting)),
        )
    ]
    return (pending if waiting else []) + [
        (
            _("Weryfikacja osób"),
            _(
                "sprawdzonych {cleared}, z brakami {incomplete}, zablokowanych {blocked}; bez weryfikacji start w ciągu 14 dni: {soon}",
                cleared=counts[req.CLEARED],
                incomplete=counts[req.INCOMPLETE],
                blocked=counts[req.BLOCKED],
                soon=counts["soon"],
            ),
        )
    ]


@hookimpl
def somflow_record_types(register) -> None:
    from dataclasses import replace

    from somflow.retention.plugin import per_person

    # The vetting file is kept under the person's own id (records.py).
    kind = per_person(COLLECTION, COLLECTION, "Teczka weryfikacji (RSPTS, KRK, oświadczenia)", 10, lambda r: r["id"])
    register(replace(kind, describe=_vetting_items))


def _vetting_items(workspace, record: dict[str, Any]) -> list[tuple[str, str]]:
    """Each vetting item's status and date, for the person's subject-access summary."""
    return [
        (key, ", ".join(str(item[k]) for k in ("status", "date") if item.get(k)))
        for key, item in sorted((record.get("items") or {}).items())
    ]


@hookimpl
def somflow_register_entry_kinds(register) -> None:
    from .entries import ENTRY_KIND

    register(ENTRY_KIND)


@hookimpl
def somflow_web_pages(register) -> None:
    from somflow_vetting.web import PAGES

    for page in PAGES:
        register(page)
