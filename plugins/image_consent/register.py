"""The consent register: recording, replacing and withdrawing consents, and deciding who may appear.

Each consent is one record in ``image_consents``; nothing is ever deleted, so
the history stays. A newer consent entered for a child marks the older ones
``superseded_by`` it, and only the one not superseded governs. A scan filed
from the inbox whose ticks nobody has typed in yet is ``pending``: it is shown
in the register but governs nothing until its choices are entered (until then
the older consent, if any, still applies) — so a scan never grants permission
that a person has not read on paper. A consent entered in error is withdrawn as an
entry (``somflow withdraw DZIECKO#N``, see ``entries.py``): it stays, marked, and
counts nowhere; the consent it had replaced applies again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from somflow_image_consent import children as children_mod
from somflow_image_consent.vocabulary import (
    CONSENTS,
    FORM_ID,
    PHOTO_KINDS,
    PURPOSES,
    channel,
    channel_label,
    given_photo_kinds,
    given_purposes,
)

from somflow import calendar
from somflow.corrections import is_withdrawn
from somflow.errors import InvalidInput
from somflow.i18n import _
from somflow.people import register as people_register
from somflow.store.base import now_iso
from somflow.workspace import Workspace

PENDING, ENTERED = "do_wpisania", "wpisana"
CONSENT, REFUSAL = "wyrazam", "nie_wyrazam"


def school_year(today: date) -> tuple[date, date]:
    """1 September – 31 August of the school year ``today`` belongs to (August counts towards the next one)."""
    start = today.year if today.month >= 8 else today.year - 1
    return date(start, 9, 1), date(start + 1, 8, 31)


@dataclass(frozen=True)
class Choices:
    """What the parent ticked on paper."""

    decision: str = CONSENT
    channels: tuple[str, ...] = ()
    purposes: tuple[str, ...] = ()  # nothing is granted that the parent did not tick
    photo_kinds: tuple[str, ...] = ()
    valid_from: date | None = None
    valid_to: date | None = None
    after_leaving: bool = False
    child_view: str | None = None
    context: str = ""
    signed_on: date | None = None

    def check(self) -> None:
        problems = []
        if self.decision == CONSENT and not self.channels:
            problems.append(
                _(
                    "Zgoda nie wskazuje żadnego kanału publikacji: podaj --channel (można kilka razy) albo --refused, jeśli rodzic nie wyraził zgody."
                )
            )
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            problems.append(
                _(
                    "Data końca zgody ({to}) jest wcześniejsza niż data początku ({start}).",
                    to=self.valid_to,
                    start=self.valid_from,
                )
            )
        if self.child_view not in (None, "tak", "nie"):
            problems.append(_("Zdanie dziecka: dozwolone „tak” albo „nie”."))
        if problems:
            raise InvalidInput(problems)

    def as_record(self) -> dict[str, Any]:
        return {
            "decision": self.decision,
            "channels": list(self.channels) if self.decision == CONSENT else [],
            "purposes": list(self.purposes) if self.decision == CONSENT else [],
            "photo_kinds": list(self.photo_kinds) if self.decision == CONSENT else [],
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "after_leaving": self.after_leaving,
            "child_view": self.child_view,
            "context": self.context,
            "signed_on": self.signed_on.isoformat() if self.signed_on else None,
        }


def choices_from_form(data: dict[str, Any]) -> Choices:
    """Choices from the form's data shape (a digitally filled PDF or the example file)."""

    def as_list(v: Any) -> tuple:
        return (
            tuple(v) if isinstance(v, (list, tuple)) else tuple(x for x in str(v or "").replace(",", " ").split() if x)
        )

    parse = lambda v: date.fromisoformat(str(v)) if v else None  # noqa: E731
    return Choices(
        decision=REFUSAL if data.get("decyzja") == REFUSAL else CONSENT,
        channels=as_list(data.get("kanaly")),
        purposes=as_list(data.get("cele")),
        photo_kinds=as_list(data.get("rodzaj_zdjec")),
        valid_from=parse(data.get("od")),
        valid_to=parse(data.get("do")),
        after_leaving=data.get("po_odejsciu") == "tak",
        child_view=data.get("zgoda_dziecka") or None,
        context=str(data.get("kontekst") or ""),
    )


def form_problems(form: Any, data: dict[str, Any]) -> list[str]:
    """Cross-field rules of the consent form (the ``somflow_validate`` hook): period and decision agree."""
    if form.id != FORM_ID:
        return []
    from somflow.forms.schema import where

    problems = []
    start, end = _date(data.get("od")), _date(data.get("do"))
    if start and end and end < start:
        problems.append(
            _(
                "{where}: data wcześniejsza niż początek zgody ({start}).",
                where=where(form, "do"),
                start=start.isoformat(),
            )
        )
    if data.get("decyzja") == CONSENT and not data.get("kanaly"):
        problems.append(
            _("{where}: zaznacz co najmniej jeden kanał, skoro rodzic wyraża zgodę.", where=where(form, "kanaly"))
        )
    if data.get("decyzja") == REFUSAL and data.get("kanaly"):
        problems.append(
            _(
                "{where}: rodzic nie wyraża zgody, a zaznaczono kanały publikacji – zaznaczenia są sprzeczne.",
                where=where(form, "decyzja"),
            )
        )
    return problems


# ------------------------------------------------------------------ reading


def history(workspace: Workspace, child_id: str) -> list[dict[str, Any]]:
    """Every consent of a child, oldest first."""
    return workspace.store.query(CONSENTS, {"child_id": child_id})


def counted(consents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The consents that count: entries withdrawn as recorded in error are left out (somflow.corrections),
    and a consent replaced only by such an entry is not replaced."""
    gone = {c["id"] for c in consents if is_withdrawn(c)}
    return [
        {**c, "superseded_by": None} if c.get("superseded_by") in gone else c for c in consents if c["id"] not in gone
    ]


def governing(consents: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The consent that applies: the newest entered one nobody replaced."""
    current = [c for c in counted(consents) if c.get("state") == ENTERED and not c.get("superseded_by")]
    return current[-1] if current else None


def scan_waiting(consents: list[dict[str, Any]]) -> bool:
    """True when a returned scan waits for its ticks to be typed in."""
    return any(c.get("state") == PENDING and not c.get("superseded_by") for c in counted(consents))


def by_child(workspace: Workspace) -> dict[str, list[dict[str, Any]]]:
    """All consents grouped by child id (one store read, for the class-wide questions)."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for consent in workspace.store.query(CONSENTS):
        grouped.setdefault(consent["child_id"], []).append(consent)
    return grouped


@dataclass(frozen=True)
class Answer:
    allowed: bool
    reason: str
    pending_scan: bool = False


def decide(
    child: dict[str, Any], consents: list[dict[str, Any]], channels: list[str], on: date, photo: str | None = None
) -> Answer:
    """May ``child`` appear in a photo published on every one of ``channels`` on day ``on``?"""
    pending = scan_waiting(consents)
    consent = governing(consents)
    no = lambda reason: Answer(False, reason, pending)  # noqa: E731
    if consent is None:
        return no(_("zgoda zwrócona, zaznaczenia nie zostały jeszcze wpisane") if pending else _("nie zwrócono zgody"))
    if consent["decision"] == REFUSAL:
        return no(_("rodzic (opiekun) nie wyraził zgody"))
    if consent.get("withdrawn_on") and date.fromisoformat(consent["withdrawn_on"]) <= on:
        return no(_("zgoda wycofana {when}", when=consent["withdrawn_on"]))
    if consent.get("child_view") == "nie":
        return no(_("dziecko nie wyraziło zgody"))
    if consent.get("valid_from") and on < date.fromisoformat(consent["valid_from"]):
        return no(_("zgoda obowiązuje dopiero od {when}", when=consent["valid_from"]))
    if consent.get("valid_to") and on > date.fromisoformat(consent["valid_to"]):
        return no(_("zgoda wygasła {when}", when=consent["valid_to"]))
    missing = [c for c in channels if c not in consent.get("channels", [])]
    if missing:
        return no(_("zgoda nie obejmuje kanału: {channels}", channels=", ".join(channel_label(c) for c in missing)))
    granted = consent.get("photo_kinds", PHOTO_KINDS)  # consents recorded before photo kinds existed granted both
    if not granted:
        return no(
            _("zgoda nie obejmuje żadnego rodzaju zdjęć (rodzic nie zaznaczył ani indywidualnych, ani grupowych)")
        )
    if photo and photo not in granted:
        return no(_("zgoda nie obejmuje zdjęć: {kind}", kind=_(photo)))
    if not consent.get("purposes", PURPOSES):
        return no(_("zgoda nie wskazuje żadnego celu wykorzystania wizerunku"))
    if children_mod.left(child, on) and not consent.get("after_leaving"):
        return no(
            _("dziecko odeszło z placówki {when}, a zgoda nie obejmuje okresu po odejściu", when=child["left_on"])
        )
    reason = _("zgoda do {when}", when=consent.get("valid_to") or "—")
    if children_mod.left(child, on):
        reason += _(", także po odejściu z placówki")
    return Answer(True, reason, pending)


def restrictions(consents: list[dict[str, Any]]) -> list[str]:
    """What the governing consent leaves out although it allows the child to appear: "tylko zdjęcia grupowe", purposes not ticked."""
    consent = governing(consents)
    if consent is None or consent["decision"] == REFUSAL:
        return []
    found = []
    kinds = consent.get("photo_kinds", PHOTO_KINDS)
    if kinds and set(kinds) != set(PHOTO_KINDS):
        found.append(_("tylko zdjęcia grupowe") if list(kinds) == ["grupowe"] else _("tylko zdjęcia indywidualne"))
    purposes = consent.get("purposes", PURPOSES)
    if purposes and set(purposes) != set(PURPOSES):
        found.append(_("tylko w celach: {purposes}", purposes=", ".join(_(p) for p in purposes)))
    return found


# ------------------------------------------------------------------ writing


def _latest_unreturned_document(workspace: Workspace, child_id: str) -> dict[str, Any] | None:
    docs = workspace.store.query("documents", {"form": FORM_ID, "record.id": child_id})
    linked = {c.get("document_id") for c in history(workspace, child_id)}
    open_docs = [d for d in docs if d["id"] not in linked]
    return open_docs[-1] if open_docs else None


def record(
    workspace: Workspace,
    child: dict[str, Any],
    choices: Choices,
    *,
    document_id: str | None = None,
    source: str = "recznie",
    today: date | None = None,
) -> dict[str, Any]:
    """Enter a consent for ``child``; it replaces the older ones (which stay in the history)."""
    today = today or calendar.today()
    store = workspace.store
    with store.transaction():
        if document_id is not None:
            doc = store.get("documents", document_id)
            if doc is None or doc.get("form") != FORM_ID or (doc.get("record") or {}).get("id") != child["id"]:
                raise InvalidInput(
                    [_("Dokument {id} nie jest formularzem zgody na wizerunek tego dziecka.", id=document_id)]
                )
        else:
            # The paper in the secretary's hand is most likely the scan waiting for its ticks,
            # else the form printed last for this child.
            pending = [
                c
                for c in counted(history(workspace, child["id"]))
                if c.get("state") == PENDING and not c.get("superseded_by")
            ]
            doc = (
                store.get("documents", pending[-1]["document_id"])
                if pending
                else _latest_unreturned_document(workspace, child["id"])
            )
            document_id = doc["id"] if doc is not None else None
        data = (doc or {}).get("data") or {}
        start, end = school_year(today)
        choices = Choices(
            **{
                **choices.__dict__,
                "valid_from": choices.valid_from or _date(data.get("od")) or start,
                "valid_to": choices.valid_to or _date(data.get("do")) or end,
                "signed_on": choices.signed_on or today,
            }
        )
        choices.check()
        values = {
            **choices.as_record(),
            "state": ENTERED,
            "source": source,
            "recorded_at": now_iso(),
            "recorded_by": store.user,
        }
        existing = next(
            (
                c
                for c in counted(history(workspace, child["id"]))
                if document_id and c.get("document_id") == document_id
            ),
            None,
        )
        if existing is not None:
            new = store.update(
                CONSENTS, existing["id"], {**values, "superseded_by": None}, expected_rev=existing["rev"]
            )
        else:
            new = store.insert(
                CONSENTS,
                {
                    "child_id": child["id"],
                    "document_id": document_id,
                    "scan": None,
                    "withdrawn_on": None,
                    "superseded_by": None,
                    **values,
                },
            )
        _supersede_older(workspace, child["id"], new["id"])
        return new


def _supersede_older(workspace: Workspace, child_id: str, newest_id: str) -> None:
    for older in history(workspace, child_id):
        if older["id"] != newest_id and not older.get("superseded_by") and older.get("state") == ENTERED:
            workspace.store.update(CONSENTS, older["id"], {"superseded_by": newest_id}, expected_rev=older["rev"])


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def withdraw(workspace: Workspace, child: dict[str, Any], on: date) -> dict[str, Any]:
    """Record that the parent withdrew the consent on ``on`` (publication stops from that day)."""
    consent = governing(history(workspace, child["id"]))
    if consent is None or consent["decision"] == REFUSAL:
        raise InvalidInput([_("To dziecko nie ma wpisanej zgody na wizerunek, więc nie ma czego wycofać.")])
    if consent.get("withdrawn_on"):
        raise InvalidInput([_("Zgoda została już wycofana {when}.", when=consent["withdrawn_on"])])
    return workspace.store.update(
        CONSENTS,
        consent["id"],
        {"withdrawn_on": on.isoformat(), "withdrawn_recorded_by": workspace.store.user},
        expected_rev=consent["rev"],
    )


def file_scan(workspace: Workspace, document: dict[str, Any]) -> dict[str, Any] | None:
    """A signed consent came back through the inbox: attach the scan to the child's register.

    The choices of a digitally filled PDF (its AcroForm values) are entered at
    once; a paper scan waits as ``pending`` until the secretary types the ticks
    (``somflow consent record CHILD``). Called inside the filing transaction.
    """
    if document.get("form") != FORM_ID:
        return None
    target = document.get("record") or {}
    child = (
        children_mod.everyone(workspace).get(target.get("id", ""))
        if target.get("collection") == people_register.COLLECTION
        else None
    )
    if child is None:
        return None
    returned = document.get("returned") or {}
    scan = {"file": returned.get("scan"), "at": returned.get("at")}
    consents = counted(history(workspace, child["id"]))
    existing = next((c for c in consents if c.get("document_id") == document["id"]), None)
    if existing is not None:  # entered by hand before the scan arrived
        return workspace.store.update(CONSENTS, existing["id"], {"scan": scan}, expected_rev=existing["rev"])
    filled = returned.get("data") or {}
    if filled.get("decyzja"):
        data = {**(document.get("data") or {}), **filled}
        new = record(workspace, child, choices_from_form(data), document_id=document["id"], source="formularz")
        return workspace.store.update(CONSENTS, new["id"], {"scan": scan}, expected_rev=new["rev"])
    data = document.get("data") or {}
    return workspace.store.insert(
        CONSENTS,
        {
            "child_id": child["id"],
            "document_id": document["id"],
            "scan": scan,
            "state": PENDING,
            "source": "skan",
            "valid_from": data.get("od"),
            "valid_to": data.get("do"),
            "withdrawn_on": None,
            "superseded_by": None,
            "recorded_at": now_iso(),
        },
    )


def stopped_on(workspace: Workspace, consent: dict[str, Any]) -> date | None:
    """The day a consent stopped applying — the start of its retention clock — or None while it may apply.

    The earliest of: withdrawn, replaced by a newer consent (the day that one was recorded), its
    end date, the child leaving the unit when the consent does not cover the time after leaving.
    A consent with no end that covers the time after leaving is kept: its images may still be published.
    """
    ends = [_date(consent.get("withdrawn_on")), _date(consent.get("valid_to"))]
    if consent.get("superseded_by"):
        newer = workspace.store.get(CONSENTS, consent["superseded_by"]) or {}
        ends.append(_date((newer.get("created") or "")[:10]))
    if not consent.get("after_leaving"):
        from somflow.retention.plugin import person_left

        ends.append(person_left(workspace, consent["child_id"]))
    return min((d for d in ends if d), default=None)


def not_ticked(purposes: tuple[str, ...] | list[str], photos: tuple[str, ...] | list[str]) -> str:
    """Why a consent typed without its purposes or kinds of photos is not recorded: nothing is granted by default."""
    missing = []
    if not purposes:
        missing.append(_("zaznaczone cele (--purpose: {values})", values=", ".join(PURPOSES)))
    if not photos:
        missing.append(_("zaznaczony rodzaj zdjęć (--photo: {values})", values=", ".join(PHOTO_KINDS)))
    return _(
        "Zgoda obejmuje tylko to, co rodzic zaznaczył na formularzu — podaj też {missing}. "
        "Gdy rodzic zaznaczył wszystko, wpisz „wszystkie” (np. --purpose wszystkie --photo wszystkie). Nic nie zapisano.",
        missing=_(" oraz ").join(missing),
    )


def typed(
    *,
    refused: bool,
    channels: tuple[str, ...] | list[str],
    purposes: tuple[str, ...] | list[str],
    photos: tuple[str, ...] | list[str],
    **rest: Any,
) -> Choices:
    """The choices a person types from the paper (words as the CLI and the web page take them).

    A consent needs its purposes and kinds of photos ticked: nothing is granted by default.
    ``rest`` are the other :class:`Choices` fields (dates, ``after_leaving``, ``child_view``, ``context``).
    """
    if not refused and channels and not (purposes and photos):
        raise InvalidInput([not_ticked(purposes, photos)])
    return Choices(
        decision=REFUSAL if refused else CONSENT,
        channels=tuple(dict.fromkeys(channel(c) for c in channels)),
        purposes=given_purposes(purposes),
        photo_kinds=given_photo_kinds(photos),
        **rest,
    )


def describe(history: list[dict]) -> str:
    """One line about a child's consent state, for the register listing."""
    current = governing(history)
    pending = scan_waiting(history)
    if current is None:
        # a returned scan waiting for its ticks is not "not returned": say only what it is
        text = _("brak zgody") if pending else _("brak zgody (nie zwrócono)")
    elif current["decision"] == REFUSAL:
        text = _("rodzic nie wyraził zgody")
    else:
        text = _(
            "zgoda: {channels}; {start} – {end}",
            channels=", ".join(channel_label(c) for c in current["channels"]),
            start=current["valid_from"],
            end=current["valid_to"],
        )
        if current.get("withdrawn_on"):
            text += _("; WYCOFANA {when}", when=current["withdrawn_on"])
        if current.get("after_leaving"):
            text += _("; także po odejściu")
    if pending:
        text += _("; zwrócony formularz czeka na wpisanie zaznaczeń")
    return text


def described(workspace: Workspace, consent: dict[str, Any]) -> list[tuple[str, str]]:
    """What a consent holds, for the child's subject-access summary (no other person's data)."""
    lines = [
        (_("Decyzja"), _("zgoda") if consent.get("decision") == CONSENT else _("brak zgody")),
        (_("Kanały"), ", ".join(channel_label(c) for c in consent.get("channels") or [])),
        (_("Cele"), ", ".join(consent.get("purposes") or [])),
        (_("Ważna od"), consent.get("valid_from") or ""),
        (_("Ważna do"), consent.get("valid_to") or ""),
        (_("Także po odejściu z placówki"), _("tak") if consent.get("after_leaving") else ""),
        (_("Wycofana"), consent.get("withdrawn_on") or ""),
        (_("Zastąpiona nowszą zgodą"), _("tak") if consent.get("superseded_by") else ""),
    ]
    return [(label, value) for label, value in lines if value]
