"""Form data pre-filled from a case: one builder per form, keyed by form id.

Each builder returns data in the shape of the form's spec (``docs/forms.md``),
taken from the case record, the step being recorded and the workspace
(institution from ``somflow.toml``, contacts and addressees from the hooks).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from somflow_niebieska_karta.helplines import with_national

from somflow import forms
from somflow.casework import children, support_plan
from somflow.casework.letters import institution, town
from somflow.casework.steps import counted_steps
from somflow.contacts import role_label
from somflow.workspace import Workspace

Builder = Callable[[Workspace, dict[str, Any], date, dict[str, Any]], dict[str, Any]]


def first_victim(case: dict[str, Any]) -> dict[str, Any]:
    victims = case.get("nka", {}).get("osoby_doznajace") or [{}]
    return victims[0]


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v not in (None, "", [])}


def known_victim(workspace: Workspace, victim: dict[str, Any]) -> dict[str, Any]:
    """A victim's row with what the unit knows filled where it is blank.

    A minor's school is this unit (name and address from somflow.toml): the procedure is
    started by the unit the child attends. Parents' first names come from the people
    register when it holds the child (by PESEL or name, compared by
    :mod:`somflow.people.match`): the child's guardians and the parents recorded for it.
    """
    row = dict(victim)
    child = children.registered_child(workspace, row.get("imie_nazwisko"), row.get("pesel"))
    if row.get("maloletni") == "tak" or child is not None:
        row.setdefault("miejsce_pracy_placowka", institution(workspace))
    if child is not None and not row.get("imiona_rodzicow"):
        row["imiona_rodzicow"] = ", ".join(_parents_first_names(workspace, child))
    return _clean(row)


def _parents_first_names(workspace: Workspace, child: dict[str, Any]) -> list[str]:
    from somflow.people import match, register

    firsts: dict[str, str] = {}
    for name in children.parent_names(workspace, child):
        first = register.split_name(name)[0] or name
        firsts.setdefault(match.fold(first), first)
    return list(firsts.values())


def notatka(workspace: Workspace, case: dict[str, Any], day: date, details: dict[str, Any]) -> dict[str, Any]:
    child = first_victim(case)
    note = dict(case.get("notatka") or {})
    note.setdefault("data_sporzadzenia", day.isoformat())
    note.setdefault("data_powziecia", note["data_sporzadzenia"])
    return _clean(
        {
            "dziecko_imie_nazwisko": child.get("imie_nazwisko"),
            "dziecko_pesel": child.get("pesel"),
            **note,
        }
    )


def nka(workspace: Workspace, case: dict[str, Any], day: date, details: dict[str, Any]) -> dict[str, Any]:
    data = dict(case.get("nka") or {})
    start = next((s for s in counted_steps(case) if s["step"] == "wszczecie"), None)
    start_day = start["date"] if start else day.isoformat()
    data.setdefault(
        "miejscowosc", details.get("place") or (start or {}).get("details", {}).get("place") or town(workspace)
    )
    data["data"] = start_day
    data.setdefault("podmiot", institution(workspace))
    victims = data["osoby_doznajace"] = [known_victim(workspace, v) for v in data.get("osoby_doznajace") or []]
    # Section XII "Przekazanie formularza NK-B": for every victim once NK-B was handed (the form lists victims 1–3).
    if any(s["step"] == "nk-b" for s in counted_steps(case)) and "xii_nk_b" not in data:
        data["xii_nk_b"] = [f"d{i}" for i in range(1, min(len(victims), 3) + 1)]
    return _clean(data)


def nkb(workspace: Workspace, case: dict[str, Any], day: date, details: dict[str, Any]) -> dict[str, Any]:
    start = next((s for s in counted_steps(case) if s["step"] == "wszczecie"), None)
    team = workspace.hook.somflow_addressee(workspace=workspace, role="zespol_interdyscyplinarny") or {}
    team_text = "\n".join(t for t in (team.get("name"), team.get("address"), team.get("phone"), team.get("email")) if t)
    local = [c for group in reversed(workspace.hook.somflow_contacts(workspace=workspace)) for c in group or []]
    # core (somflow.toml) first; then the national helplines of seed 001 while the form's page has rows for them
    contacts = [
        _clean(
            {
                "nazwa": c.get("name"),
                "telefon": c.get("phone"),
                "adres": c.get("address"),
                "godziny": c.get("hours"),
                "oferta": c.get("offer"),
            }
        )
        for c in with_national(local, room=forms.get(workspace, "niebieska-karta-b").group("kontakty").max)
    ]
    return _clean(
        {
            "data_wszczecia": start["date"] if start else day.isoformat(),
            "jednostka": institution(workspace),
            "zespol_interdyscyplinarny": team_text,
            "kontakty": contacts,
        }
    )


def karta(workspace: Workspace, case: dict[str, Any], day: date, details: dict[str, Any]) -> dict[str, Any]:
    actions = [s for s in counted_steps(case) if s["step"] in ("zawiadomienie", "wniosek-sad", "ops")]
    current = {"step": details.get("_step"), "date": day.isoformat(), "details": details}
    if current["step"]:
        actions.append(current)
    forms_of = {"zawiadomienie": "zawiadomienie", "wniosek-sad": "wglad", "ops": "inny"}
    chosen = sorted({forms_of[a["step"]] for a in actions if a["step"] in forms_of})
    last = actions[-1] if actions else None
    organ = None
    if last is not None:
        role = (
            last["details"].get("addressee_role")
            or {"zawiadomienie": "policja", "wniosek-sad": "sad_rodzinny", "ops": "ops"}[last["step"]]
        )
        found = workspace.hook.somflow_addressee(workspace=workspace, role=role) or {}
        organ = found.get("name") or role_label(role)  # unrouted: the office by its kind, not the role's code
    note = case.get("notatka") or {}
    nka_data = case.get("nka") or {}
    harms = [label for key, label in HARM_LABELS.items() if nka_data.get(f"iv_{key}")]
    from somflow_niebieska_karta.cases import step_title

    # The unit's own actions so far (the card's table holds 5; the latest ones are kept).
    own = [
        {"data": s["date"], "dzialanie": step_title(s["step"])}
        for s in counted_steps(case)
        if s["step"] not in forms_of
    ]
    return _clean(
        {
            "dziecko_imie_nazwisko": first_victim(case).get("imie_nazwisko"),
            "przyczyna": ", ".join(harms) or note.get("opis", "")[:300] or None,
            "osoba_zawiadamiajaca": note.get("autor"),
            "dzialania": own[-5:],
            "forma_interwencji": chosen,
            "forma_inna_jaka": "informacja dla ośrodka pomocy społecznej" if "inny" in chosen else None,
            "organ": organ,
            "data_interwencji": last["date"] if last else None,
        }
    )


HARM_LABELS = {
    "fizyczna": "przemoc fizyczna",
    "psychiczna": "przemoc psychiczna",
    "seksualna": "przemoc seksualna",
    "ekonomiczna": "przemoc ekonomiczna",
    "elektroniczna": "przemoc za pomocą środków komunikacji elektronicznej",
    "inne": "inne formy krzywdzenia",
}


def plan(workspace: Workspace, case: dict[str, Any], day: date, details: dict[str, Any]) -> dict[str, Any]:
    return support_plan.form_data(details.get("plan") or case.get("plan"), first_victim(case).get("imie_nazwisko"), day)


BUILDERS: dict[str, Builder] = {
    "notatka-sluzbowa": notatka,
    "niebieska-karta-a": nka,
    "niebieska-karta-b": nkb,
    "karta-interwencji": karta,
    "plan-wsparcia": plan,
}
