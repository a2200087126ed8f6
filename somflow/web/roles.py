"""Who may open what in the web application: the roles and the groups the procedures name.

Every :class:`~somflow.web.pages.Page` (a page or a form's action) carries the
set of roles allowed to use it; the core's pages take theirs from the names
below, so who sees what is read in one place. A request from any other role
is refused (403) and the refusal is written to the audit log.
"""

from __future__ import annotations

from somflow.i18n import _

SECRETARIAT = "sekretariat"
HR = "kadry"
COORDINATOR = "koordynator"
HEAD = "dyrektor"
#: Every role an account can have (``somflow users add LOGIN --role ...``).
ROLES = (SECRETARIAT, HR, COORDINATOR, HEAD)

EVERYONE = frozenset(ROLES)
#: Niebieska Karta cases: the procedure names the coordinator and the head.
NK_CASES = frozenset({COORDINATOR, HEAD})
#: Intervention cases (harm by a staff member, a peer, a third party): run by the coordinator's team for the head.
INCIDENT_CASES = frozenset({COORDINATOR, HEAD})
#: Register results (RSPTS, KRK) and the vetting of staff: HR besides the coordinator and the head.
REGISTER_RESULTS = frozenset({HR, COORDINATOR, HEAD})
#: Scans set aside by the inbox: the office files them; the coordinator and the head oversee.
INBOX_REVIEW = frozenset({SECRETARIAT, COORDINATOR, HEAD})

#: Records of these collections (and deadlines about them) are shown only to these roles: the
#: built-in plugins' Niebieska Karta and intervention cases and staff vetting records.
PROTECTED_COLLECTIONS: dict[str, frozenset[str]] = {
    "nk_cases": NK_CASES,
    "incidents": INCIDENT_CASES,
    "staff": REGISTER_RESULTS,
}


def label(role: str) -> str:
    """The role's name for people, in the user's language."""
    labels = {
        SECRETARIAT: _("sekretariat"),
        HR: _("kadry"),
        COORDINATOR: _("koordynator"),
        HEAD: _("dyrektor"),
    }
    return labels.get(role, role)


def may_see_record(role: str, collection: str | None) -> bool:
    """Whether ``role`` may see a record of ``collection`` (or a deadline about one)."""
    return collection is None or role in PROTECTED_COLLECTIONS.get(collection, EVERYONE)
