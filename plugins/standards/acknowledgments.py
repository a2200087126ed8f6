"""The acknowledgment register: who confirmed knowing which version of the standards, when, where, what scope.

Seed 001 ch. IX asks to record each acknowledgment so that the person, the date
and place and the scope of the information can be identified. Records live in
``acknowledgments``::

    {"person": {"collection", "id"}, "group", "version", "date", "place", "scope",
     "document": <documents id> | None, "method": "dokument" | "lista" | "recznie"}

The versions of the standards live in ``standards_versions`` (``version``,
``effective``); the newest one is current, and only acknowledgments of the
current version count, so a new version puts everyone back on the list. An
acknowledgment withdrawn as entered in error (``entries.py``) stays, marked, and
counts nowhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from somflow_standards import people
from somflow_standards.people import Person

from somflow import calendar
from somflow.casework.letters import town_of
from somflow.corrections import counting
from somflow.errors import InvalidInput
from somflow.i18n import _
from somflow.store import Store

VERSIONS = "standards_versions"
ACKS = "acknowledgments"
LISTS = "standards_ack_lists"  # one per printed class list: which children it names
DEFAULT_VERSION = "1"

STAFF_FORM = "oswiadczenie-pracownika-standardy"
PARENT_FORM = "oswiadczenie-rodzica-standardy"
CHILDREN_FORM = "lista-zapoznania-dzieci"
#: The vetting plugin's staff acknowledgment form counts too (same declaration, one register).
VETTING_FORM = "oswiadczenie-o-zapoznaniu-ze-standardami"
FORMS = {STAFF_FORM: "pracownicy", PARENT_FORM: "rodzice", CHILDREN_FORM: "dzieci", VETTING_FORM: "pracownicy"}


@dataclass(frozen=True)
class Version:
    version: str
    effective: date | None


def current_version(store: Store) -> Version:
    """The newest version recorded with ``standards version add`` (version 1 when none was)."""
    records = store.query(VERSIONS)
    if not records:
        return Version(DEFAULT_VERSION, None)
    newest = records[-1]
    return Version(newest["version"], date.fromisoformat(newest["effective"]))


def add_version(store: Store, version: str, effective: date, note: str = "") -> dict[str, Any]:
    version = version.strip()
    if not version:
        raise InvalidInput([_("Podaj oznaczenie nowej wersji Standardów.")])
    if any(r["version"] == version for r in store.query(VERSIONS)):
        raise InvalidInput([_("Wersja {version} Standardów jest już zapisana.", version=version)])
    return store.insert(VERSIONS, {"version": version, "effective": effective.isoformat(), "note": note})


def acknowledged_ids(store: Store, version: str) -> set[str]:
    return {a["person"]["id"] for a in counting(store.query(ACKS, {"version": version}))}


def missing(store: Store, group: str | None = None) -> list[Person]:
    """Everyone (of ``group``) without an acknowledgment of the current version."""
    done = acknowledged_ids(store, current_version(store).version)
    return [p for p in people.everyone(store, group) if p.id not in done]


@dataclass(frozen=True)
class Progress:
    """How many people of a group acknowledged the current version, of how many."""

    group: str
    acknowledged: int
    total: int


def progress(store: Store) -> list[Progress]:
    """Acknowledgments of the current version per group, in the order of :data:`people.GROUPS`."""
    done = acknowledged_ids(store, current_version(store).version)
    found = []
    for group in people.GROUPS:
        members = people.everyone(store, group)
        found.append(Progress(group, sum(1 for p in members if p.id in done), len(members)))
    return found


def record(
    store: Store,
    person: Person,
    *,
    version: str,
    day: date,
    place: str = "",
    scope: str = "",
    document: str | None = None,
    method: str = "recznie",
) -> dict[str, Any] | None:
    """Record one acknowledgment; a second one for the same person, version and document is not added."""
    for existing in counting(store.query(ACKS, {"person.id": person.id, "version": version})):
        if existing.get("document") == document or document is None:
            return None
    return store.insert(
        ACKS,
        {
            "person": person.ref,
            "group": person.group,
            "version": version,
            "date": day.isoformat(),
            "place": place,
            "scope": scope,
            "document": document,
            "method": method,
        },
    )


def form_data(person: Person, workspace_config: dict[str, Any], version: Version) -> dict[str, Any]:
    """The pre-filled data of a person's acknowledgment form (the date and signature stay blank)."""
    institution = workspace_config["institution"]
    data: dict[str, Any] = {
        "imie_nazwisko": person.name,
        "placowka": institution["name"],
        "wersja_standardow": version.version,
        "miejscowosc": town_of(institution.get("address", "")),
    }
    if person.group == "pracownicy":
        data["zakres"] = _("Standardy Ochrony Małoletnich, wersja {version} (pełna treść).", version=version.version)
    else:
        data["imie_nazwisko_dziecka"] = person.child
    return {k: v for k, v in data.items() if v}


def on_document_filed(store: Store, document: dict[str, Any]) -> int:
    """Record the acknowledgments a returned, signed document carries; returns how many were added."""
    group = FORMS.get(document.get("form", ""))
    if group is None:
        return 0
    returned = document.get("returned") or {}
    # A form filled in on a computer comes back with its field values; paper keeps what was printed.
    data = {**(document.get("data") or {}), **(returned.get("data") or {})}
    version = str(data.get("wersja_standardow") or current_version(store).version)
    day = _first_date(data.get("data"), returned.get("at"), document.get("updated"))
    place = str(data.get("miejscowosc") or data.get("miejsce") or "")
    scope = str(data.get("zakres") or _("Standardy Ochrony Małoletnich, wersja {version}", version=version))
    ref = document.get("record") or {}
    persons: list[Person] = []
    if group == "dzieci":
        listed = store.get(LISTS, ref.get("id", "")) if ref.get("collection") == LISTS else None
        known = {
            p.id: p for p in people.everyone(store, "dzieci", include_left=True)
        }  # a form signed before leaving counts
        persons = [known[i] for i in (listed or {}).get("people", []) if i in known]
        method = "lista"
    else:
        known = {p.id: p for p in people.everyone(store, include_left=True)}
        if ref.get("id") in known:
            persons = [known[ref["id"]]]
        method = "dokument"
    added = 0
    for person in persons:
        if record(
            store, person, version=version, day=day, place=place, scope=scope, document=document["id"], method=method
        ):
            added += 1
    return added


def _first_date(*values: Any) -> date:
    for value in values:
        try:
            if value:
                return date.fromisoformat(str(value)[:10])
        except ValueError:
            continue
    return calendar.today()


def described(workspace: Any, ack: dict[str, Any]) -> list[tuple[str, str]]:
    """What an acknowledgment holds, for the person's subject-access summary."""
    lines = [
        (_("Wersja Standardów"), ack.get("version")),
        (_("Data"), ack.get("date")),
        (_("Miejsce"), ack.get("place")),
        (_("Zakres"), ack.get("scope")),
    ]
    return [(label, str(value)) for label, value in lines if value]


def list_done(workspace: Any, listed: dict[str, Any]) -> date | None:
    """The day the last child on a printed class list left the unit (its retention clock); None while one stays.

    The list is evidence of each child's acknowledgment, so it is kept while any of them is here.
    """
    from somflow.retention.plugin import person_left

    days = [person_left(workspace, person_id) for person_id in listed.get("people") or []]
    return max(days) if days and all(days) else None
