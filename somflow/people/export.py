"""Subject access: everything held about one person, as one ZIP with a readable PDF summary and the files.

:func:`gather` collects, across every plugin's record types (hook ``somflow_record_types``:
each record type says which register people a record is about, ``subjects``, and what it
holds about them, ``describe``):

* the person's register entry;
* every record about them, with what it holds and how long it is kept;
* the documents generated for them or for those records, or whose data names them,
  with their archived signed scans.

**A document that names other people** (a class list, an NK-A naming the suspected
perpetrator, a letter naming a witness) is *not* put in the ZIP: the summary lists it (title,
date, number) and says a copy is given on request once the other people's data is covered
(art. 15(4) GDPR: a copy must not harm the rights of others). Everyone named in a document's
data must be the person, or — for a child — one of their parents or guardians, for the
document to go in. People are compared by :mod:`somflow.people.match` only; a partial
match counts as another person.

:func:`write_export` writes the ZIP owner-only; its name holds the person's number, not the name.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from somflow.fileio import prepare_output, write_private
from somflow.forms.documents import COLLECTION as DOCUMENTS
from somflow.i18n import _
from somflow.people import match, mentions, register
from somflow.retention.policy import RecordType, add_years, linked_documents, one_pass, periods, record_types
from somflow.workspace import Workspace

#: Keys naming a child's parent or guardian: on a document about the child, that is their own guardian.
GUARDIAN_KEY = re.compile(r"rodzic|opiekun")


@dataclass
class Part:
    """One record about the person: its kind, reference, how long it is kept, what it holds."""

    label: str
    ref: str
    kept: str
    lines: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Held:
    """Everything held about one person."""

    person: dict[str, Any]
    kept: str = ""  # how long the register entry itself is kept
    parts: list[Part] = field(default_factory=list)
    documents: list[dict[str, Any]] = field(default_factory=list)  # put in the ZIP
    withheld: list[dict[str, Any]] = field(default_factory=list)  # name other people: listed only


def gather(workspace: Workspace, person: dict[str, Any], today: date) -> Held:
    """Everything the workspace holds about ``person`` (a register record)."""
    store = workspace.store
    held = Held(person)
    years = periods(workspace)
    about: set[tuple[str, str]] = {(register.COLLECTION, person["id"])}
    listed: set[str] = set()
    with one_pass():
        for name, kind in record_types(workspace).items():
            if kind.collection == register.COLLECTION:
                held.kept = _kept(workspace, kind, years[name], person)
                continue
            for record in store.query(kind.collection):
                if person["id"] not in kind.subjects(workspace, record):
                    continue
                about.add((kind.collection, record["id"]))
                listed.update(linked_documents(record))
                kept = _kept(workspace, kind, years[name], record)
                describe = kind.describe(workspace, record)
                held.parts.append(Part(_(kind.label), kind.ref(workspace, record), kept, describe))
    for doc in store.query(DOCUMENTS):
        owner = doc.get("record") or {}
        mine = (owner.get("collection"), owner.get("id")) in about or doc["id"] in listed
        if not mine and not _names(doc.get("data"), person):
            continue
        own_guardians = owner.get("collection") == register.COLLECTION and owner.get("id") == person["id"]
        if _others_named(doc.get("data"), person, own_guardians):
            held.withheld.append(doc)
        else:
            held.documents.append(doc)
    return held


def _kept(workspace: Workspace, kind: RecordType, years: int, record: dict[str, Any]) -> str:
    """How long a record is kept, as the summary says it: until when and why, or what starts the clock."""
    started = kind.started(workspace, record)
    if started is None:
        return _("okres liczy się od: {clock}", clock=_(kind.clock))
    until = add_years(started, years)
    return _("do {date} ({clock}: {started})", date=until, clock=_(kind.clock), started=started)


def _names(data: Any, person: dict[str, Any]) -> bool:
    subject = register.who(person)
    return any(match.compare(who, subject) is match.Verdict.SAME for _key, who in mentions.named(data))


def _others_named(data: Any, person: dict[str, Any], own_guardians: bool) -> bool:
    subject = register.who(person)
    guardians = [match.Who(name=g["name"]) for g in person.get("guardians") or [] if g.get("name")]
    for key, who in mentions.named(data):
        if match.compare(who, subject) is match.Verdict.SAME:
            continue
        if any(match.compare(who, g) is not match.Verdict.DIFFERENT for g in guardians):
            continue
        if own_guardians and GUARDIAN_KEY.search(key):
            continue
        return True
    return False


# ---------------------------------------------------------------- the ZIP


@dataclass
class Written:
    """What :func:`write_export` wrote: the ZIP, and how many documents went in or were only listed."""

    path: Path
    documents: int
    scans: int
    withheld: int


def default_path(workspace: Workspace, person: dict[str, Any], today: date) -> Path:
    """``exports/osoba-7-2026-06-01.zip`` in the workspace: the number, never the name."""
    return workspace.root / "exports" / f"osoba-{register.number(person)}-{today.isoformat()}.zip"


def write_export(workspace: Workspace, person: dict[str, Any], today: date, out: Path | None = None) -> Written:
    """Write the subject-access ZIP of ``person`` (owner-only): ``podsumowanie.pdf``, ``dokumenty/``, ``skany/``."""
    target = prepare_output(out or default_path(workspace, person, today))
    held = gather(workspace, person, today)
    files: list[tuple[str, Path]] = []
    for doc in held.documents:
        if doc.get("file"):
            files.append((f"dokumenty/{doc['id']}.pdf", workspace.root / doc["file"]))
        scan = (doc.get("returned") or {}).get("scan")
        if scan:
            files.append((f"skany/{doc['id']}{Path(scan).suffix}", workspace.root / scan))
    present = [(name, path) for name, path in files if path.is_file()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("podsumowanie.pdf", summary_pdf(workspace, held, today, [n for n, _p in present]))
        for name, path in present:
            archive.write(path, name)
    write_private(target, buffer.getvalue())
    scans = sum(1 for name, _p in present if name.startswith("skany/"))
    return Written(target, len(present) - scans, scans, len(held.withheld))


def summary_pdf(workspace: Workspace, held: Held, today: date, files: list[str]) -> bytes:
    """The readable summary: the register entry, each record, the files in the ZIP, the documents withheld."""
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    from somflow.forms.fonts import register_reportlab

    regular, bold = register_reportlab()
    styles = getSampleStyleSheet()
    body = styles["BodyText"].clone("body", fontName=regular, fontSize=10, leading=13)
    head = styles["Heading2"].clone("head", fontName=bold, fontSize=12, leading=15, spaceBefore=8)
    title = styles["Title"].clone("title", fontName=bold, fontSize=15, leading=19)
    person = held.person
    story: list[Any] = []

    def para(text: str, style=body) -> None:
        story.append(Paragraph(escape(text), style))

    def rows(lines: list[tuple[str, Any]]) -> None:
        for label, value in lines:
            if value not in (None, "", []):
                para(f"{label}: {value}")

    para(_("Dane osobowe przechowywane przez placówkę"), title)
    para(_("{unit}, stan na {date}", unit=workspace.config["institution"]["name"], date=today.isoformat()))
    story.append(Spacer(1, 0.3 * cm))
    para(_("Rejestr osób"), head)
    kind = register.KIND_LABELS.get(person.get("kind"), person.get("kind") or "")
    rows(
        [
            (_("Imię i nazwisko"), register.display_name(person)),
            (_("Numer w rejestrze"), register.number(person)),
            (_("Rodzaj"), _(kind)),
            (_("PESEL"), person.get("pesel")),
            (_("Data urodzenia"), person.get("birth_date")),
            (_("Klasa / grupa"), person.get("group")),
            (_("Rola"), person.get("role")),
            (_("Początek pracy z dziećmi"), person.get("start")),
            (_("W rejestrze od"), person.get("since")),
            (_("Odejście"), person.get("left_on")),
            (_("Przechowywane"), held.kept),
        ]
    )
    for guardian in person.get("guardians") or []:
        contact = ", ".join(guardian.get(k) for k in ("email", "phone") if guardian.get(k))
        para(_("Rodzic/opiekun: {name}", name=guardian.get("name") or "—") + (f" ({contact})" if contact else ""))
    for part in held.parts:
        para(f"{part.label} — {part.ref}", head)
        para(_("Przechowywane: {kept}", kept=part.kept))
        rows(part.lines)
    para(_("Pliki w tym archiwum"), head)
    para(", ".join(files) if files else _("brak"))
    if held.withheld:
        para(_("Dokumenty zawierające dane innych osób"), head)
        para(
            _(
                "Te dokumenty wymieniają także inne osoby, dlatego nie ma ich w archiwum. Kopię z zakrytymi "
                "danymi innych osób placówka wyda na wniosek (art. 15 ust. 4 RODO)."
            )
        )
        for doc in held.withheld:
            para(
                f"{doc.get('title') or doc.get('form') or '—'}, {(doc.get('created') or '')[:10]}, nr {doc['id'][:10]}"
            )
    para(_("Czego nie ma w archiwum"), head)
    para(
        _(
            "Dziennik zmian magazynu danych zawiera tylko identyfikatory rekordów, bez danych osobowych. "
            "Kopie zapasowe magazynu zawierają te same dane co wyżej i wygasają w swoim cyklu."
        )
    )
    buffer = io.BytesIO()
    margins = dict.fromkeys(("leftMargin", "rightMargin", "topMargin", "bottomMargin"), 2 * cm)
    SimpleDocTemplate(buffer, pagesize=A4, title=_("Dane osobowe przechowywane przez placówkę"), **margins).build(story)
    return buffer.getvalue()
