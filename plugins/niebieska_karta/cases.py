"""A Blue Card case in the store (collection ``nk_cases``) and its history of steps.

A case record::

    status      "otwarta" | "zamknięta"
    notatka     the service note's data (form ``notatka-sluzbowa``)
    nka         the NK-A data gathered so far (form ``niebieska-karta-a``: victims, suspects, IV–XIII...)
    sprawcy_rodzice  True when the suspects are the parents/guardians (None: derive from section III)
    plan        the support plan's data (form ``plan-wsparcia``), ``next_review`` its next review date
    steps       the history: {step, date, person, documents: [ids], details: {...}, recorded};
                a withdrawn step stays, marked ``withdrawn`` (see ``entries.py``), and counts nowhere
    documents   every document printed for the case: {id, form, date}
    returned    scans filed back from the inbox: {id, form, date}

Every change goes through :func:`record_step` (or :func:`create_case`), which checks the
rules first and writes the case, its generated documents and the history entry in one
store transaction, so a refused or failed step leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from somflow_niebieska_karta import rules

from somflow import refs
from somflow.calendar import today
from somflow.casework import letters, steps, support_plan
from somflow.casework.steps import Step, done_steps
from somflow.errors import InvalidInput
from somflow.i18n import _
from somflow.people import match
from somflow.workspace import Workspace

CASES = "nk_cases"
#: The kind of the cases' short references: NK-2026/3 (somflow.refs).
REF_KIND = "NK"
OPEN, CLOSED = steps.OPEN, steps.CLOSED


#: The workflow, in the order the history is usually written. Titles are translated when shown.
STEPS: dict[str, Step] = {
    "notatka": Step("Notatka służbowa (zgłoszenie)", form="notatka-sluzbowa"),
    "wszczecie": Step(
        "Wszczęcie procedury „Niebieskie Karty” (wypełnienie NK-A)", ("notatka",), form="niebieska-karta-a"
    ),
    "nk-b": Step("Przekazanie formularza „Niebieska Karta – B”", ("wszczecie",), once=False, form="niebieska-karta-b"),
    "nk-a": Step("Przekazanie formularza „Niebieska Karta – A” do Zespołu Interdyscyplinarnego", ("wszczecie",)),
    "zawiadomienie": Step(
        "Zawiadomienie policji/prokuratury o podejrzeniu popełnienia przestępstwa",
        ("notatka",),
        once=False,
        form="karta-interwencji",
    ),
    "wniosek-sad": Step(
        "Wniosek do sądu rodzinnego o wgląd w sytuację rodziny", ("notatka",), once=False, form="karta-interwencji"
    ),
    "ops": Step("Informacja dla ośrodka pomocy społecznej", ("notatka",), once=False, form="karta-interwencji"),
    "plan": Step("Plan wsparcia", ("notatka",), once=False, form="plan-wsparcia"),
    "przeglad": Step("Przegląd planu wsparcia", ("plan",), once=False),
    "zamkniecie": Step("Zamknięcie sprawy", ("nk-a",)),
}
#: Where each parallel action goes (role for the somflow_addressee hook).
ADDRESSEE_ROLES = {**{kind: letter.roles for kind, letter in letters.LETTERS.items()}, "ops": ("ops",)}
#: Who may receive NK-B for a minor (002 pt 6), or the adult victim themself.
NKB_RECIPIENTS = ("rodzic", "opiekun_prawny", "opiekun_faktyczny", "zglaszajacy", "osoba_doznajaca")
#: In whose presence NK-A was filled (002 pt 3–4).
PRESENCE_ROLES = ("rodzic", "opiekun_prawny", "opiekun_faktyczny", "osoba_najblizsza", "osoba_doznajaca")
DELIVERY_WAYS = ("osobiscie", "poczta", "email", "epuap")


# ------------------------------------------------------------------ reading


def find_case(workspace: Workspace, ref: str) -> dict[str, Any]:
    """The case ``ref`` names: its number (NK-2026/3), its id, or a unique start or end of the id (at least 4 characters)."""
    return steps.find_case(workspace, CASES, REF_KIND, ref, "somflow nk list --all")


def case_label(case: dict[str, Any]) -> str:
    """How lists and reminders name a case: its number (NK-2026/3), or "NK <id>" before it has one."""
    return case.get(refs.FIELD) or f"NK {case['id']}"


def next_step(case: dict[str, Any]) -> str | None:
    """The next obligatory step of an open case (None when it can be closed or is closed)."""
    if case.get("status") == CLOSED:
        return None
    for kind in ("wszczecie", "nk-b", "nk-a"):
        if not done_steps(case, kind):
            return kind
    if not done_steps(case, "plan"):
        return "plan"
    return "przeglad" if case.get("next_review") else "zamkniecie"


def step_title(kind: str) -> str:
    return steps.step_title(STEPS, kind)


# ------------------------------------------------------------------ writing


def create_case(
    workspace: Workspace, payload: dict[str, Any], *, person: str, generate: Callable | None = None
) -> dict[str, Any]:
    """Open a case from the service note: check everything, then write case + note PDF + history in one go."""
    now = today()
    notatka = dict(payload.get("notatka") or {})
    nka = dict(payload.get("nka") or {})
    case: dict[str, Any] = {
        "status": OPEN,
        "notatka": notatka,
        "nka": nka,
        "sprawcy_rodzice": payload.get("sprawcy_rodzice") if isinstance(payload.get("sprawcy_rodzice"), bool) else None,
        "plan": None,
        "next_review": None,
        "steps": [],
        "documents": [],
        "returned": [],
    }
    note_day = notatka.get("data_sporzadzenia") or notatka.get("data_powziecia") or now.isoformat()
    day, messages = rules.parse_date(note_day, _("Notatka służbowa, pole „Data sporządzenia notatki”"))
    if day is not None:
        # The NK-A data known so far, checked as the form will be on the day the procedure starts;
        # the start itself (section XIV, the header) is not known yet.
        messages += validate_nka(workspace, case, day, provisional=True)
        from somflow_niebieska_karta.prefill import notatka as note_data

        from somflow import forms

        messages += forms.validate(
            workspace, forms.get(workspace, "notatka-sluzbowa"), note_data(workspace, case, day, {})
        )
    if messages:
        raise InvalidInput(messages)
    store = workspace.store
    with store.transaction():
        refs.ensure(store, CASES, REF_KIND)  # cases opened before short references get theirs first, in order
        case = store.insert(CASES, {**case, refs.FIELD: refs.allocate(store, REF_KIND, (day or now).year)})
        case = _append_step(workspace, case, "notatka", day, person, {}, [], generate)
    return case


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
    """Check the step against the case and the rules, then record it (and print its form) atomically."""
    if kind not in STEPS or kind == "notatka":
        choices = ", ".join(k for k in STEPS if k != "notatka")
        raise InvalidInput([_("Nieznany krok „{kind}”. Dozwolone: {choices}.", kind=kind, choices=choices)])
    store = workspace.store
    with store.transaction():
        case = find_case(workspace, ref)
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
    messages = steps.common_problems(workspace, STEPS, case, kind, day, person, documents, case["id"])
    checker = _CHECKS.get(kind)
    if checker is not None:
        messages += checker(workspace, case, day, details)
    return messages


def order_problems(case: dict[str, Any], kind: str, day: date) -> list[str]:
    """Why a step ``kind`` on ``day`` cannot come where it would in the case's (counted) history."""
    return steps.order_problems(STEPS, case, kind, day)


def starters(workspace: Workspace) -> list[tuple[str, str]]:
    """Who can start the procedure (NK-A section XIV): each choice's value — the word ``--rola`` takes — and its label
    in the user's language, as the NK-A spec lists them."""
    from somflow.forms.catalog import get
    from somflow.i18n import pick

    field = get(workspace, "niebieska-karta-a").field("wszczecie_przez")
    return [(choice.value, pick(choice.label)) for choice in field.choices]


def several_starters(workspace: Workspace, roles: list[str]) -> list[str]:
    """Section XIV names one person: several ``--rola`` (or a forged web form) refused, naming them in words."""
    words = dict(starters(workspace))
    return [
        _(
            "Sekcja XIV: wszczęcie procedury zaznacza się przez jedną osobę, a podano kilka: {names}. Wybierz jedną.",
            names=", ".join(f"„{words.get(role, role)}”" for role in roles),
        )
    ]


def _check_start(workspace: Workspace, case: dict[str, Any], day: date, details: dict[str, Any]) -> list[str]:
    several = details.get("role") if isinstance(details.get("role"), (list, tuple)) else []
    several = [role for role in several if role]
    if len(several) > 1:  # said once, in words; the rest of the NK-A is checked as if one had been chosen
        details = {**details, "role": several[0]}
    merged = apply_details(case, "wszczecie", details)
    messages = (several_starters(workspace, several) if len(several) > 1 else []) + validate_nka(
        workspace, merged, day, details=details
    )
    nka = merged["nka"]
    present, role = str(details.get("present") or "").strip(), details.get("present_role")
    perpetrators = nka.get("osoby_stosujace") or []
    if rules.any_minor(merged) and (not present or not role):
        messages.append(
            _(
                "Wszczęcie procedury wobec małoletniego: podaj, w czyjej obecności wypełniono NK-A (--obecna-osoba i --obecna-rola)."
            )
        )
    if role and role not in PRESENCE_ROLES:
        messages.append(
            _(
                "Nieznana rola osoby obecnej „{role}”. Dozwolone: {choices}.",
                role=role,
                choices=", ".join(PRESENCE_ROLES),
            )
        )
    verdict = rules.perpetrator_verdict(present, None, perpetrators) if present else match.Verdict.DIFFERENT
    if verdict is match.Verdict.SAME:
        messages.append(
            _("Osoba obecna przy wypełnianiu NK-A jest wpisana jako osoba stosująca przemoc domową; wskaż inną osobę.")
        )
    elif verdict is match.Verdict.UNSURE:
        messages.append(
            _(
                "Osoba obecna przy wypełnianiu NK-A może być osobą stosującą przemoc domową z sekcji III: imię i nazwisko zgadzają się "
                "częściowo (np. jedno z nazwisk, inicjał, literówka). Wpisz pełne imię i nazwisko osoby obecnej albo wskaż inną osobę."
            )
        )
    if rules.any_minor(merged) and rules.suspects_are_parents(merged) and role and role != "osoba_najblizsza":
        messages.append(
            _(
                "Podejrzewanymi o stosowanie przemocy są rodzice lub opiekunowie: NK-A wypełnia się w obecności pełnoletniej osoby najbliższej. "
                "Wpisz, kto był obecny (--obecna-osoba) z rolą osoba_najblizsza (--obecna-rola)."
            )
        )
    return messages


def validate_nka(
    workspace: Workspace, case: dict[str, Any], day: date, *, details: dict | None = None, provisional: bool = False
) -> list[str]:
    """Every problem of the case's NK-A data, as the forms engine (schema, PESEL) and this plugin's rules see it.

    ``provisional``: the procedure has not started yet, so section XIV and the header are filled with
    stand-ins and their messages left out (they are checked when the start is recorded).
    """
    from somflow_niebieska_karta.prefill import nka as nka_data

    from somflow import forms

    data = nka_data(workspace, {**case, "steps": []}, day, details or {})
    if provisional:
        data["wszczecie_przez"] = "nauczyciel"
    messages = forms.validate(workspace, forms.get(workspace, "niebieska-karta-a"), data)
    if provisional:
        messages = [m for m in messages if "XIV" not in m]
    return messages


def check_nkb(workspace: Workspace, case: dict[str, Any], day: date, details: dict[str, Any]) -> list[str]:
    messages: list[str] = []
    name, role = str(details.get("recipient") or "").strip(), details.get("recipient_role")
    if not name:
        messages.append(_("Przekazanie NK-B: podaj, komu przekazano formularz (--odbiorca)."))
    if role not in NKB_RECIPIENTS:
        messages.append(
            _(
                "Przekazanie NK-B: rola odbiorcy musi być jedną z: {choices} (--odbiorca-rola).",
                choices=", ".join(NKB_RECIPIENTS),
            )
        )
    if role == "osoba_doznajaca" and rules.any_minor(case) and not rules.any_adult_victim(case):
        messages.append(
            _(
                "Przekazanie NK-B: gdy przemoc dotyczy małoletniego, formularz przekazuje się rodzicowi, opiekunowi prawnemu lub faktycznemu "
                "albo osobie, która zgłosiła podejrzenie (--odbiorca-rola)."
            )
        )
    verdict = (
        rules.perpetrator_verdict(
            name, details.get("recipient_pesel"), case.get("nka", {}).get("osoby_stosujace") or []
        )
        if name
        else None
    )
    if verdict is match.Verdict.SAME:
        messages.append(
            _(
                "Formularza „Niebieska Karta – B” nie przekazuje się osobie, wobec której istnieje podejrzenie, że stosuje przemoc domową. "
                "Wybierz innego odbiorcę: rodzica lub opiekuna niebędącego sprawcą albo osobę, która zgłosiła podejrzenie. "
                "Jeśli odbiorca tylko nosi to samo imię i nazwisko, podaj PESEL odbiorcy (--odbiorca-pesel) i PESEL osoby stosującej przemoc w NK-A."
            )
        )
    elif verdict is match.Verdict.UNSURE:
        messages.append(
            _(
                "Przekazanie NK-B: odbiorca „{name}” może być osobą, wobec której istnieje podejrzenie, że stosuje przemoc domową (sekcja III NK-A) — "
                "imię i nazwisko zgadzają się częściowo (np. jedno z nazwisk, inicjał, literówka). Takiej osobie nie przekazuje się formularza, "
                "więc krok nie został zapisany. Wpisz pełne imię i nazwisko odbiorcy; jeśli to inna osoba, podaj też PESEL odbiorcy (--odbiorca-pesel).",
                name=name,
            )
        )
    return messages


def _check_delivery(workspace: Workspace, case: dict[str, Any], day: date, details: dict[str, Any]) -> list[str]:
    if details.get("how") not in DELIVERY_WAYS:
        return [
            _("Przekazanie NK-A: podaj sposób przekazania (--sposob): {choices}.", choices=", ".join(DELIVERY_WAYS))
        ]
    return []


def _check_action(
    workspace: Workspace, case: dict[str, Any], day: date, details: dict[str, Any], kind: str
) -> list[str]:
    roles = ADDRESSEE_ROLES[kind]
    role = details.get("addressee_role") or roles[0]
    if role not in roles:
        return [_("Adresat musi być jednym z: {choices} (--adresat).", choices=", ".join(roles))]
    return []


_CHECKS: dict[str, Callable[..., list[str]]] = {
    "wszczecie": _check_start,
    "nk-b": check_nkb,
    "nk-a": _check_delivery,
    "zawiadomienie": lambda w, c, d, det: letters.check("zawiadomienie", det),
    "wniosek-sad": lambda w, c, d, det: letters.check("wniosek-sad", det),
    "ops": lambda w, c, d, det: _check_action(w, c, d, det, "ops"),
    "plan": lambda w, c, d, det: support_plan.check_plan(det.get("plan") or {}, d),
    "przeglad": lambda w, c, d, det: support_plan.check_review(c, d, det),
}


def apply_details(case: dict[str, Any], kind: str, details: dict[str, Any]) -> dict[str, Any]:
    """The case as it is after the step (before it is written)."""
    case = dict(case)
    if kind == "wszczecie":
        case["nka"] = {**case.get("nka", {}), **(details.get("nka") or {}), "wszczecie_przez": details.get("role")}
    elif kind == "plan":
        case["plan"] = details.get("plan") or {}
        case["next_review"] = case["plan"].get("najblizszy_przeglad")
    elif kind == "przeglad":
        case["next_review"] = details.get("next_review")
    elif kind == "zamkniecie":
        case["status"] = CLOSED
        case["next_review"] = None
    return case


def _append_step(workspace, case, kind, day, person, details, documents, generate) -> dict[str, Any]:
    """Print the step's form (if any), add the history entry and write the case — inside the caller's transaction."""
    from somflow_niebieska_karta.printing import print_form

    documents = list(documents)
    form = STEPS[kind].form
    if form is not None:
        doc = print_form(workspace, case, form, day=day, step=kind, details=details, generate=generate)
        documents.append(doc["id"])
        case["documents"] = [*case.get("documents", []), {"id": doc["id"], "form": form, "date": day.isoformat()}]
    documents += letters.print_for_step(workspace, CASES, case, kind, day, details, letter_facts(case), generate)
    if kind == "nk-a":  # the delivered NK-A is the last one printed
        nka_docs = [d["id"] for d in case.get("documents", []) if d["form"] == "niebieska-karta-a"]
        documents += [d for d in nka_docs[-1:] if d not in documents]
    return steps.write_step(
        workspace, CASES, case, kind, day, person, documents, _public_details(kind, details, workspace)
    )


def _public_details(kind: str, details: dict[str, Any], workspace: Workspace) -> dict[str, Any]:
    """What the history keeps of a step's options (the NK-A/plan data live in the case itself)."""
    kept = {k: v for k, v in details.items() if k not in ("nka", "plan") and v not in (None, "", [], ())}
    if kind in ADDRESSEE_ROLES:
        role = details.get("addressee_role") or ADDRESSEE_ROLES[kind][0]
        kept["addressee_role"] = role
        kept["addressee"] = workspace.hook.somflow_addressee(workspace=workspace, role=role) or None
    if kind == "nk-a":
        kept["addressee"] = (
            workspace.hook.somflow_addressee(workspace=workspace, role="zespol_interdyscyplinarny") or None
        )
    return kept


def first_victim_name(case: dict[str, Any]) -> str:
    victims = (case.get("nka") or {}).get("osoby_doznajace") or [{}]
    return str(victims[0].get("imie_nazwisko") or "")


def children_of(workspace: Workspace, case: dict[str, Any]) -> list[str]:
    """Register ids of the children a case is about: the victims of section I the register holds (same person only)."""
    from somflow.retention.plugin import children_named

    return children_named(workspace, [match.Who.of(v) for v in (case.get("nka") or {}).get("osoby_doznajace") or []])


def described(workspace: Workspace, case: dict[str, Any]) -> list[tuple[str, str]]:
    """The case's status and steps with their dates, for the child's subject-access summary.

    Who took each step, the suspects and the witnesses are other people's data: not listed.
    """
    from somflow.casework.steps import counted_steps, step_title

    lines = [(_("Stan sprawy"), _(case.get("status") or ""))]
    return lines + [(step_title(STEPS, s["step"]), s.get("date") or "") for s in counted_steps(case)]


def letter_facts(case: dict[str, Any]) -> letters.Facts:
    """What the letters to the police/prosecutor and the family court say of the case (DOMAIN.md §1 step 6)."""
    note = case.get("notatka") or {}
    victims = (case.get("nka") or {}).get("osoby_doznajace") or [{}]
    suspects = [
        f"{p.get('imie_nazwisko')} ({p['relacja']})" if p.get("relacja") else str(p.get("imie_nazwisko") or "")
        for p in (case.get("nka") or {}).get("osoby_stosujace") or []
    ]
    when_where = ", ".join(v for v in (note.get("czas_zdarzenia"), note.get("miejsce_zdarzenia")) if v)
    return letters.Facts(
        ref=case_label(case),
        child=str(victims[0].get("imie_nazwisko") or ""),
        pesel=victims[0].get("pesel"),
        event=str(note.get("opis") or ""),
        when_where=when_where,
        suspect="\n".join(s for s in suspects if s),
        actions=tuple(
            f"{s['date']}: {step_title(s['step'])}" for s in steps.counted_steps(case) if s["step"] != "notatka"
        ),
    )
