"""Form data from an intervention case, one builder per form, and printing it (PDF with QR codes).

Each builder returns data in the shape of the form's spec, from the case record, the step being
recorded (``details``) and the workspace (the unit from ``somflow.toml``). Document titles name
the form and the case number, never a person.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from somflow_incidents import cases
from somflow_incidents.kinds import TYPES

from somflow.casework import support_plan
from somflow.casework.steps import counted_steps
from somflow.errors import InvalidInput
from somflow.i18n import _
from somflow.workspace import Workspace

Builder = Callable[[Workspace, dict[str, Any], date, dict[str, Any]], dict[str, Any]]

#: The forms a case prints and their titles in the documents list.
TITLES = {
    "notatka-sluzbowa": "Notatka służbowa",
    "protokol-spotkania": "Protokół spotkania z rodzicami (opiekunami)",
    "plan-wsparcia": "Plan wsparcia",
    "protokol-interwencji": "Protokół interwencji",
    "karta-interwencji": "Karta interwencji",
}
#: The meeting's protocol: the form, and its fields the step fills (the case's number and child, the step's date,
#: side and participants); the rest is the protocol's text a person gives (``--data``, the step form).
MEETING = "protokol-spotkania"
MEETING_FROM_STEP = ("sprawa", "data", "dziecko", "strona", "uczestnicy")
#: What the letters steps are called in the protocol's point 8 and the card's section 4.
NOTIFIED = {
    "zawiadomienie": "zawiadomienie o podejrzeniu popełnienia przestępstwa",
    "wniosek-sad": "wniosek o wgląd w sytuację dziecka/rodziny",
}


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v not in (None, "", [])}


def notatka(workspace: Workspace, case: dict[str, Any], day: date, details: dict[str, Any]) -> dict[str, Any]:
    note = dict(case.get("notatka") or {})
    note.setdefault("data_sporzadzenia", day.isoformat())
    note.setdefault("data_powziecia", note["data_sporzadzenia"])
    note.setdefault("sprawca", cases.suspect_text(case))
    return _clean(note)


def meeting(workspace: Workspace, case: dict[str, Any], day: date, details: dict[str, Any]) -> dict[str, Any]:
    protocol = dict(details.get("protocol") or {})
    side = details.get("side") or "dziecko_krzywdzone"
    return _clean(
        {
            "sprawa": cases.case_label(case),
            "data": day.isoformat(),
            "miejsce": protocol.pop("miejsce", None) or workspace.config["institution"].get("name"),
            "dziecko": cases.child_name(case),
            "strona": side,
            "uczestnicy": "\n".join(details.get("participants") or []),
            **protocol,
        }
    )


def plan(workspace: Workspace, case: dict[str, Any], day: date, details: dict[str, Any]) -> dict[str, Any]:
    return support_plan.form_data(details.get("plan") or case.get("plan"), cases.child_name(case), day)


def _lines(rows: list[str]) -> str:
    return "\n".join(rows)


def protocol(workspace: Workspace, case: dict[str, Any], day: date, details: dict[str, Any]) -> dict[str, Any]:
    """The protokół interwencji (seed 002 annex 1): its 13 points from the case's history."""
    note = case.get("notatka") or {}
    history = counted_steps(case)
    by_kind = lambda *kinds: [s for s in history if s["step"] in kinds]  # noqa: E731
    notified = []
    for s in by_kind("zawiadomienie", "wniosek-sad"):
        addressee = (s.get("details") or {}).get("addressee") or {}
        where = addressee.get("name") or (s.get("details") or {}).get("addressee_role", "")
        notified.append(f"{s['date']}: {_(NOTIFIED[s['step']])} — {where}")
    meetings = [
        f"{s['date']}: {(s.get('details') or {}).get('notes') or cases.step_title(case, 'spotkanie')}"
        for s in by_kind("spotkanie")
    ]
    helped = [
        f"{s['date']}: {cases.step_title(case, s['step'])}"
        + (f" — {s['details']['notes']}" if (s.get("details") or {}).get("notes") else "")
        for s in by_kind("odsuniecie", "zespol", "wyjasnienia")
    ]
    plan_data = case.get("plan") or {}
    planned = [
        f"{t.get('zadanie')} — {t.get('odpowiedzialny')}, {t.get('termin')}" for t in support_plan.tasks(plan_data)
    ]
    effects = [
        f"{s['date']}: {cases.step_title(case, s['step'])}"
        + (f" — {s['details']['notes']}" if (s.get("details") or {}).get("notes") else "")
        for s in by_kind("przeglad", "rekomendacja", "zamkniecie")
    ]
    suspect = case.get("sprawca") or {}
    return _clean(
        {
            "data": day.isoformat(),
            "miejsce": workspace.config["institution"].get("name"),
            "maloletni": cases.child_name(case),
            "stwierdzajacy": note.get("autor"),
            "data_zdarzenia": note.get("czas_zdarzenia") or note.get("data_powziecia"),
            "miejsce_zdarzenia": note.get("miejsce_zdarzenia"),
            "podejrzani": suspect.get("imie_nazwisko"),
            "relacja": suspect.get("relacja"),
            "opis": f"{_(TYPES[case['typ']].title)}. {note.get('opis', '')}".strip(),
            "powiadomieni": _lines(notified),
            "pomoc": _lines(helped),
            "spotkanie_z_rodzicami": _lines(meetings),
            "zaplanowana_pomoc": _lines([plan_data.get("cele", ""), *planned]).strip() or None,
            "efekty": _lines(effects),
            "sporzadzajacy": ", ".join(case.get("zespol") or []) or None,
        }
    )


def card(workspace: Workspace, case: dict[str, Any], day: date, details: dict[str, Any]) -> dict[str, Any]:
    """The karta interwencji (seed 004 annex 3) from the case: the same facts as the protocol, in the card's rows."""
    history = counted_steps(case)
    letters = [s for s in history if s["step"] in NOTIFIED]
    last = letters[-1] if letters else None
    organ = None
    if last is not None:
        organ = ((last.get("details") or {}).get("addressee") or {}).get("name") or last["details"].get(
            "addressee_role"
        )
    forms_of = {"zawiadomienie": "zawiadomienie", "wniosek-sad": "wglad"}
    return _clean(
        {
            "dziecko_imie_nazwisko": cases.child_name(case),
            "przyczyna": _(TYPES[case["typ"]].title),
            "osoba_zawiadamiajaca": (case.get("notatka") or {}).get("autor"),
            "dzialania": [
                {"data": s["date"], "dzialanie": cases.step_title(case, s["step"])}
                for s in history
                if s["step"] not in (*NOTIFIED, "spotkanie")
            ][-5:],
            "spotkania": [
                {
                    "data": s["date"],
                    "opis": (s.get("details") or {}).get("notes") or cases.step_title(case, "spotkanie"),
                }
                for s in history
                if s["step"] == "spotkanie"
            ][-4:],
            "forma_interwencji": sorted({forms_of[s["step"]] for s in letters}),
            "organ": organ,
            "data_interwencji": last["date"] if last else None,
        }
    )


BUILDERS: dict[str, Builder] = {
    "notatka-sluzbowa": notatka,
    MEETING: meeting,
    "plan-wsparcia": plan,
    "protokol-interwencji": protocol,
    "karta-interwencji": card,
}


def form_data(
    workspace: Workspace, case: dict[str, Any], form: str, day: date, details: dict | None = None
) -> dict[str, Any]:
    if form not in BUILDERS:
        raise InvalidInput(
            [
                _(
                    "Nieznany formularz sprawy interwencyjnej „{form}”. Dozwolone: {choices}.",
                    form=form,
                    choices=", ".join(BUILDERS),
                )
            ]
        )
    return BUILDERS[form](workspace, case, day, details or {})


def print_form(
    workspace: Workspace,
    case: dict[str, Any],
    form: str,
    *,
    day: date,
    step: str | None = None,
    details: dict | None = None,
    generate: Callable | None = None,
) -> dict[str, Any]:
    """Generate ``form`` for ``case`` (PDF with QR codes + ``documents`` record); returns the record."""
    from somflow.casework import printing

    data = form_data(workspace, case, form, day, details)
    title = _("{form} — sprawa {case}", form=_(TITLES[form]), case=cases.case_label(case))
    return printing.generate(workspace, cases.CASES, case, form, data, title, generate)
