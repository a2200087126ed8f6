"""An intervention case in the store (collection ``incidents``, numbered ``INT-2026/1``) and its history.

A case record::

    typ         the kind of harm (:data:`somflow_incidents.kinds.TYPES`)
    status      "otwarta" | "zamknięta"
    notatka     the service note's data (form ``notatka-sluzbowa``): the child, what happened, who wrote it
    sprawca     the suspect: {imie_nazwisko, relacja} (a staff member's post, a child's class, who the person is)
    zespol      the members of the intervention team (or the one designated worker, for peer harm)
    plan        the support plan's data (form ``plan-wsparcia``); ``next_review`` its next review date
    steps       the history (``somflow.casework.steps``); a withdrawn step stays, marked, and counts nowhere
    documents   every document printed for the case: {id, form, date}
    returned    signed scans filed back from the inbox: {id, form, date}

Every change goes through :func:`create_case` or :func:`record_step`: the rules first, then the
case, its printed document and the history entry in one store transaction, so a refused or failed
step leaves nothing behind. People (the suspect, team members, meeting participants) are compared
only by :func:`somflow.people.match.compare`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from somflow_incidents.kinds import (
    CYBER,
    HOUSEHOLD_WORDS,
    MEETING_SIDES,
    PEER,
    RECOMMENDATIONS,
    STAFF,
    TYPES,
    all_steps,
)

from somflow import refs
from somflow.calendar import parse_date, today
from somflow.casework import letters, steps, support_plan
from somflow.casework.steps import done_steps
from somflow.errors import InvalidInput
from somflow.i18n import _, ngettext
from somflow.people import match
from somflow.workspace import Workspace

CASES = "incidents"
#: The kind of the cases' short references: INT-2026/3 (somflow.refs).
REF_KIND = "INT"
OPEN, CLOSED = steps.OPEN, steps.CLOSED
LIST_COMMAND = "somflow interwencje list --all"


# ------------------------------------------------------------------ reading


def find_case(workspace: Workspace, ref: str) -> dict[str, Any]:
    """The case ``ref`` names: its number (INT-2026/3), its id, or a unique start or end of its id."""
    return steps.find_case(workspace, CASES, REF_KIND, ref, LIST_COMMAND)


def steps_of(case: dict[str, Any]) -> dict[str, steps.Step]:
    return TYPES[case["typ"]].steps if case.get("typ") in TYPES else all_steps()


def step_title(case: dict[str, Any], kind: str) -> str:
    return steps.step_title(steps_of(case), kind)


def case_label(case: dict[str, Any]) -> str:
    """How lists and reminders name a case: its number, never a name."""
    return case.get(refs.FIELD) or f"INT {case['id']}"


def child_name(case: dict[str, Any]) -> str:
    return str((case.get("notatka") or {}).get("dziecko_imie_nazwisko") or "")


def next_step(case: dict[str, Any]) -> str | None:
    """The first step of the case's path not recorded yet that the closure needs (None when closed)."""
    if case.get("status") == CLOSED:
        return None
    table = steps_of(case)
    needed = ["zamkniecie"]
    order: list[str] = []
    while needed:  # every step the closure needs, directly or through another step, earliest first
        kind = needed.pop()
        if kind not in order:
            order.insert(0, kind)
            needed += list(table[kind].requires)
    path = [k for k in table if k in order]
    return next((k for k in path if not done_steps(case, k)), None)


# ------------------------------------------------------------------ opening


def create_case(
    workspace: Workspace, payload: dict[str, Any], *, person: str, generate: Callable | None = None
) -> dict[str, Any]:
    """Open a case from the service note: check everything, then write case + note PDF + history in one go."""
    from somflow_incidents.printing import form_data

    from somflow import forms

    kind = payload.get("typ")
    notatka = dict(payload.get("notatka") or {})
    suspect = dict(payload.get("sprawca") or {})
    case: dict[str, Any] = {
        "typ": kind,
        "status": OPEN,
        "notatka": notatka,
        "sprawca": suspect,
        "zespol": [],
        "plan": None,
        "next_review": None,
        "steps": [],
        "documents": [],
        "returned": [],
    }
    messages: list[str] = []
    if kind not in TYPES:
        messages.append(
            _(
                "Rodzaj krzywdzenia „{kind}” jest nieznany (typ). Dozwolone: {choices}. "
                "Przemoc domowa (rodzic, opiekun, domownik) to procedura „Niebieskie Karty”: somflow nk new.",
                kind=kind or "",
                choices=", ".join(TYPES),
            )
        )
    messages += household_problems(payload)
    if kind == STAFF:
        messages += head_problems(workspace, suspect)
    if not str(person or "").strip():
        messages.append(_("Podaj autora notatki służbowej (notatka.autor albo --osoba)."))
    day = parse_date(notatka.get("data_sporzadzenia") or notatka.get("data_powziecia")) or today()
    if kind in TYPES:
        messages += forms.validate(
            workspace, forms.get(workspace, "notatka-sluzbowa"), form_data(workspace, case, "notatka-sluzbowa", day)
        )
    if messages:
        raise InvalidInput(messages)
    store = workspace.store
    with store.transaction():
        refs.ensure(store, CASES, REF_KIND)
        case = store.insert(CASES, {**case, refs.FIELD: refs.allocate(store, REF_KIND, day.year)})
        case = _append_step(workspace, case, "zgloszenie", day, person, {}, [], generate)
    return case


def household_problems(payload: dict[str, Any]) -> list[str]:
    """A suspect who lives with the child (a parent, guardian, a parent's partner): domestic violence, not this path."""
    suspect = payload.get("sprawca") or {}
    relation = " ".join(match.words(str(suspect.get("relacja") or "")))
    household = payload.get("domownik") is True or any(f" {word} " in f" {relation} " for word in HOUSEHOLD_WORDS)
    if not household:
        return []
    return [
        _(
            "Osoba podejrzewana o krzywdzenie jest rodzicem, opiekunem albo mieszka z dzieckiem ({relation}): to przemoc domowa. "
            "Prowadź sprawę w procedurze „Niebieskie Karty”: somflow nk new.",
            relation=suspect.get("relacja") or _("domownik"),
        )
    ]


def head_problems(workspace: Workspace, suspect: dict[str, Any]) -> list[str]:
    """A report about the head of the unit is not run by a team the head appoints (seed 001 ch. VII)."""
    head = str((workspace.config.get("head") or {}).get("name") or "")
    if not head or not suspect.get("imie_nazwisko"):
        return []
    if match.compare(match.Who.of(suspect), match.Who(name=head)) is match.Verdict.DIFFERENT:
        return []
    return [
        _(
            "Zgłoszenie dotyczy kierownika jednostki ({name}) albo osoby o bardzo podobnym nazwisku: takie zgłoszenie "
            "kieruje się do organu prowadzącego jednostkę (w Gdyni — do Prezydenta Miasta Gdyni), a nie prowadzi go "
            "zespół powołany przez kierownika. Jeśli to inna osoba, wpisz jej pełne imię i nazwisko.",
            name=suspect["imie_nazwisko"],
        )
    ]


# ------------------------------------------------------------------ steps


def record_step(
    workspace: Workspace,
    ref: str,
    kind: str,
    *,
    day: date | None,
    person: str,
    details: dict[str, Any],
    documents: list[str] = (),
    generate: Callable | None = None,
) -> dict[str, Any]:
    """Check the step against the case's path and rules, then record it (and print its form) atomically."""
    store = workspace.store
    with store.transaction():
        case = find_case(workspace, ref)
        table = steps_of(case)
        if kind not in table or kind == "zgloszenie":
            choices = ", ".join(k for k in table if k != "zgloszenie")
            raise InvalidInput(
                [
                    _(
                        "Krok „{kind}” nie należy do ścieżki sprawy „{type}”. Dozwolone: {choices}.",
                        kind=kind,
                        type=_(TYPES[case["typ"]].title),
                        choices=choices,
                    )
                ]
            )
        day = day or today()
        if kind == support_plan.REVIEW:
            details = support_plan.with_cadence(case, day, details)
        messages = check_step(workspace, case, kind, day, person, details, documents)
        if messages:
            raise InvalidInput(messages)
        case = apply_details(case, kind, details)
        return _append_step(workspace, case, kind, day, person, details, list(documents), generate)


def check_step(
    workspace: Workspace, case: dict[str, Any], kind: str, day: date, person: str, details: dict[str, Any], documents
) -> list[str]:
    """Every reason the step cannot be recorded, in Polish (empty: it can)."""
    messages = steps.common_problems(workspace, steps_of(case), case, kind, day, person, documents, case_label(case))
    checker = _CHECKS.get(kind)
    if checker is not None:
        messages += checker(case, day, details)
    return messages


def _who(name: Any) -> match.Who:
    return match.Who(name=str(name or ""), pesel=None)


def _suspect_verdict(case: dict[str, Any], name: str) -> match.Verdict:
    suspect = match.Who.of(case.get("sprawca") or {})
    if not (suspect.words() or suspect.number()):
        return match.Verdict.DIFFERENT
    return match.compare(_who(name), suspect)


def _not_the_suspect(case: dict[str, Any], names: list[str], same: str, unsure: str) -> list[str]:
    """``same`` for each name that is the suspect, ``unsure`` for each that may be (both already translated, with {name})."""
    messages = []
    for name in names:
        verdict = _suspect_verdict(case, name)
        if verdict is not match.Verdict.DIFFERENT:
            messages.append((same if verdict is match.Verdict.SAME else unsure).format(name=name))
    return messages


def _check_team(case: dict[str, Any], day: date, details: dict[str, Any]) -> list[str]:
    members = [str(m).strip() for m in details.get("members") or [] if str(m).strip()]
    kind = TYPES[case["typ"]]
    messages = []
    distinct: list[str] = []
    for name in members:
        twin = next((d for d in distinct if match.compare(_who(name), _who(d)) is match.Verdict.SAME), None)
        if twin is not None:
            messages.append(_("Skład zespołu: „{name}” wpisano dwa razy (jako „{twin}”).", name=name, twin=twin))
        else:
            distinct.append(name)
    if len(distinct) < kind.team_min:
        messages.append(
            ngettext(
                "Zespół interwencyjny liczy co najmniej {n} osobę: podaj członków zespołu (--czlonek, można powtarzać).",
                "Zespół interwencyjny liczy co najmniej {n} osób: podaj członków zespołu (--czlonek, można powtarzać).",
                kind.team_min,
            )
            if kind.team_min > 1
            else _("Podaj wyznaczonego pracownika albo członków zespołu (--czlonek, można powtarzać).")
        )
    if case["typ"] == STAFF:
        messages += _not_the_suspect(
            case,
            distinct,
            _("Pracownik podejrzany o krzywdzenie nie może być członkiem zespołu interwencyjnego ({name})."),
            _(
                "Członek zespołu „{name}” może być pracownikiem podejrzanym o krzywdzenie (imię i nazwisko zgadzają się częściowo). "
                "Wpisz pełne imię i nazwisko albo wskaż inną osobę."
            ),
        )
    return messages


def _check_meeting(case: dict[str, Any], day: date, details: dict[str, Any]) -> list[str]:
    messages = []
    side = details.get("side") or MEETING_SIDES[0]
    if side not in MEETING_SIDES:
        messages.append(
            _("Spotkanie: strona musi być jedną z: {choices} (--strona).", choices=", ".join(MEETING_SIDES))
        )
    elif side == "dziecko_krzywdzace" and case["typ"] not in (PEER, CYBER):
        messages.append(
            _("Spotkanie z rodzicami dziecka krzywdzącego dotyczy tylko krzywdzenia rówieśniczego (--strona).")
        )
    participants = [str(p).strip() for p in details.get("participants") or [] if str(p).strip()]
    if not participants:
        messages.append(_("Spotkanie: podaj uczestników spotkania (--uczestnik, można powtarzać)."))
    if case["typ"] not in (PEER, CYBER):  # the suspect is an adult: never a party to the guardians' meeting
        messages += _not_the_suspect(
            case,
            participants,
            _("Osoba podejrzana o krzywdzenie nie uczestniczy w spotkaniu z rodzicami dziecka ({name})."),
            _(
                "Uczestnik „{name}” może być osobą podejrzaną o krzywdzenie (imię i nazwisko zgadzają się częściowo). "
                "Wpisz pełne imię i nazwisko."
            ),
        )
    return messages


def _check_recommendation(case: dict[str, Any], day: date, details: dict[str, Any]) -> list[str]:
    if details.get("recommendation") not in RECOMMENDATIONS:
        return [
            _(
                "Rekomendacja: podaj jedną z: {choices} (--rekomendacja).",
                choices=", ".join(RECOMMENDATIONS),
            )
        ]
    return []


def _check_closing(case: dict[str, Any], day: date, details: dict[str, Any]) -> list[str]:
    left = [str(n) for n, _task in support_plan.open_tasks(case)]
    if not left:
        return []
    return [
        _(
            "Zadania planu wsparcia nr {numbers} nie są oznaczone jako wykonane. Zapisz przegląd planu "
            "(krok przeglad z --wykonane {numbers}) albo nowy plan, zanim zamkniesz sprawę.",
            numbers=",".join(left),
        )
    ]


_CHECKS: dict[str, Callable[[dict[str, Any], date, dict[str, Any]], list[str]]] = {
    "zespol": _check_team,
    "spotkanie": _check_meeting,
    "zawiadomienie": lambda c, d, det: letters.check("zawiadomienie", det),
    "wniosek-sad": lambda c, d, det: letters.check("wniosek-sad", det),
    "plan": lambda c, d, det: support_plan.check_plan(det.get("plan") or {}, d),
    "przeglad": lambda c, d, det: support_plan.check_review(c, d, det),
    "rekomendacja": _check_recommendation,
    "zamkniecie": _check_closing,
}


def apply_details(case: dict[str, Any], kind: str, details: dict[str, Any]) -> dict[str, Any]:
    """The case as it is after the step (before it is written)."""
    case = dict(case)
    if kind == "zespol":
        case["zespol"] = [str(m).strip() for m in details.get("members") or [] if str(m).strip()]
    elif kind == "plan":
        case["plan"] = details.get("plan") or {}
        case["next_review"] = case["plan"].get("najblizszy_przeglad")
    elif kind == "przeglad":
        case["next_review"] = details.get("next_review")
    elif kind == "zamkniecie":
        case["status"] = CLOSED
        case["next_review"] = None
    return case


#: Details kept in the case itself, not repeated in the history entry.
_IN_CASE = ("plan", "protocol", "members")


def _append_step(workspace, case, kind, day, person, details, documents, generate) -> dict[str, Any]:
    """Print the step's form (if any), add the history entry and write the case — inside the caller's transaction."""
    from somflow_incidents.printing import print_form

    documents = list(documents)
    form = steps_of(case)[kind].form
    if form is not None:
        doc = print_form(workspace, case, form, day=day, step=kind, details=details, generate=generate)
        documents.append(doc["id"])
        case["documents"] = [*case.get("documents", []), {"id": doc["id"], "form": form, "date": day.isoformat()}]
    documents += letters.print_for_step(workspace, CASES, case, kind, day, details, letter_facts(case), generate)
    kept = {k: v for k, v in details.items() if k not in _IN_CASE and v not in (None, "", [], ())}
    if kind in letters.LETTERS:
        role = letters.role_of(kind, details)
        kept["addressee_role"] = role
        kept["addressee"] = workspace.hook.somflow_addressee(workspace=workspace, role=role) or None
    return steps.write_step(workspace, CASES, case, kind, day, person, documents, kept)


def children_of(workspace: Workspace, case: dict[str, Any]) -> list[str]:
    """Register ids of the child the case is about (same person only, by somflow.people.match)."""
    from somflow.retention.plugin import children_named  # the register read once per retention pass

    wanted = match.Who(name=child_name(case), pesel=(case.get("notatka") or {}).get("dziecko_pesel") or None)
    return children_named(workspace, [wanted])


def described(workspace: Workspace, case: dict[str, Any]) -> list[tuple[str, str]]:
    """The case's kind, status and steps with dates, for the child's subject-access summary (no other person's data)."""
    lines = [(_("Rodzaj sprawy"), _(TYPES[case["typ"]].title)), (_("Stan sprawy"), _(case.get("status") or ""))]
    return lines + [(step_title(case, s["step"]), s.get("date") or "") for s in steps.counted_steps(case)]


def suspect_text(case: dict[str, Any]) -> str:
    """The suspect as documents name them: "Piotr Lis (trener klubu sportowego)"."""
    suspect = case.get("sprawca") or {}
    name, relation = suspect.get("imie_nazwisko"), suspect.get("relacja")
    return f"{name} ({relation})" if name and relation else str(name or relation or "")


def letter_facts(case: dict[str, Any]) -> letters.Facts:
    """What the letters to the police/prosecutor and the family court say of the case."""
    note = case.get("notatka") or {}
    return letters.Facts(
        ref=case_label(case),
        child=child_name(case),
        pesel=note.get("dziecko_pesel"),
        event=f"{_(TYPES[case['typ']].title)}. {note.get('opis', '')}".strip(),
        when_where=", ".join(v for v in (note.get("czas_zdarzenia"), note.get("miejsce_zdarzenia")) if v),
        suspect=suspect_text(case),
        actions=tuple(
            f"{s['date']}: {step_title(case, s['step'])}"
            for s in steps.counted_steps(case)
            if s["step"] != "zgloszenie"
        ),
    )
