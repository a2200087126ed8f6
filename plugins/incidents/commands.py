"""``somflow interwencje`` (``somflow incidents``): open a case, record its steps, the register, print its forms.

Thin faces of :mod:`.cases`, :mod:`.register` and :mod:`.printing`: each command reads its options,
calls one function and prints what it returned.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from somflow_incidents import cases
from somflow_incidents.hooks import HELP
from somflow_incidents.kinds import MEETING_SIDES, RECOMMENDATIONS, TYPES

from somflow import vocabulary
from somflow.calendar import option_date, today
from somflow.casework import support_plan
from somflow.casework.history import step_ref
from somflow.corrections import history_notes, is_withdrawn
from somflow.errors import InvalidInput
from somflow.forms import datafile
from somflow.i18n import _
from somflow.user_errors import UserErrorsGroup


@click.group(cls=UserErrorsGroup, help=HELP)
def interwencje() -> None:
    pass


@interwencje.command(
    "new",
    help="Załóż sprawę z notatki służbowej (z pliku --data: typ, notatka, sprawca, albo odpowiadając na pytania).",
)
@click.option(
    "--data",
    "data_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Plik YAML/JSON: typ (pracownik, rowiesnik, cyberprzemoc, osoba_trzecia), notatka, sprawca.",
)
@click.option("--osoba", help="Kto zapisuje notatkę (domyślnie jej autor).")
@click.pass_obj
def new(app, data_file: Path | None, osoba: str | None) -> None:
    if data_file is None:
        from somflow.forms.prompts import DRAFTS, keeping_draft

        payload: dict[str, Any] = {}
        with keeping_draft(app.workspace.root / DRAFTS, "interwencje-new", payload, "somflow interwencje new"):
            _ask_new(app.workspace, payload)
            _open(app.workspace, payload, osoba, None)
        return
    _open(app.workspace, datafile.load_iso(data_file), osoba, data_file)


def _ask_new(workspace, payload: dict[str, Any]) -> None:
    """The questions of ``interwencje new`` without --data (:mod:`.opening`): the kind, the service note, the suspect.

    Each answer is checked by its rules and goes into ``payload`` at once, in the shape ``--data``
    reads, so an interrupted entry can be kept as a draft.
    """
    from somflow_incidents import opening

    from somflow.casework.opening import ask

    answers: dict[str, Any] = {}
    for question in opening.questions():
        if (value := ask(workspace, question, today().isoformat())) is not None:
            answers[question.name] = value
        payload.update(opening.payload(answers, today().isoformat()))


def _open(workspace, payload: dict[str, Any], osoba: str | None, data_file: Path | None) -> None:
    """Open the case from the answers or the file; Polish messages for what is wrong."""
    wrong = [k for k in ("notatka", "sprawca") if payload.get(k) is not None and not isinstance(payload[k], dict)]
    if wrong:
        raise InvalidInput(
            [_("Plik {file}: „{key}” musi być zestawem pól (nazwa: wartość).", file=data_file, key=k) for k in wrong]
        )
    person = osoba or (payload.get("notatka") or {}).get("autor") or ""
    case = cases.create_case(workspace, payload, person=person)
    click.echo(
        _(
            "Założono sprawę {ref} ({kind}). Następny krok: {step}.",
            ref=cases.case_label(case),
            kind=_(TYPES[case["typ"]].title),
            step=cases.step_title(case, cases.next_step(case)),
        )
    )
    for doc in case["documents"]:
        click.echo(_("Dokument {form}: {id}", form=doc["form"], id=doc["id"]))


@interwencje.command("list", help="Rejestr interwencji: numer, rodzaj, daty, następny krok i termin (bez nazwisk).")
@click.option("--all", "show_all", is_flag=True, help="Pokaż także sprawy zamknięte.")
@click.option("--rok", "year", type=int, help="Tylko sprawy założone w tym roku.")
@click.pass_obj
def list_cases(app, show_all: bool, year: int | None) -> None:
    from somflow_incidents.register import rows

    found = rows(app.workspace, today(), include_closed=show_all, year=year)
    if not found:
        click.echo(_("Brak spraw interwencyjnych.") if show_all else _("Brak otwartych spraw interwencyjnych."))
        return
    for row in found:
        line = f"{row.ref}  {_(row.kind)}  " + _("założona {day}", day=row.opened.isoformat() if row.opened else "—")
        line += "  " + (_("zamknięta {day}", day=row.closed.isoformat()) if row.closed else f"[{_(row.status)}]")
        if row.next_step:
            line += "  " + _("następny krok: {step}", step=row.next_step)
        if row.due:
            line += (
                "  " + _("termin: {due}", due=row.due.isoformat()) + ("  " + _("PO TERMINIE") if row.overdue else "")
            )
        click.echo(line)


@interwencje.command("show", help="Historia sprawy: kroki z datą, osobą i dokumentami, zadania planu wsparcia.")
@click.argument("case_ref", metavar="SPRAWA")
@click.pass_obj
def show(app, case_ref: str) -> None:
    case = cases.find_case(app.workspace, case_ref)
    click.echo(
        _(
            "Sprawa {case} — {kind} — {status}",
            case=cases.case_label(case),
            kind=_(TYPES[case["typ"]].title),
            status=_(case["status"]),
        )
    )
    click.echo("  " + _("Dziecko: {name}", name=cases.child_name(case) or "—"))
    if case.get("zespol"):
        click.echo("  " + _("Zespół interwencyjny: {names}", names=", ".join(case["zespol"])))
    click.echo(
        _(
            "Historia (numer kroku: do poprawienia lub wycofania, np. somflow withdraw {ref} --reason …):",
            ref=step_ref(case, 1),
        )
    )
    for index, entry in enumerate(case.get("steps", [])):
        docs = ", ".join(entry.get("documents") or []) or "—"
        gone = "  " + _("[WYCOFANY — nie liczy się]") if is_withdrawn(entry) else ""
        click.echo(
            f"  #{index + 1:<3}{entry['date']}  {cases.step_title(case, entry['step'])}  — {entry['person']}  [{_('dokumenty')}: {docs}]{gone}"
        )
        for line in history_notes(entry):
            click.echo("      " + line)
    for task in support_plan.task_rows(case):
        state = _("wykonane") if task["done"] else _("do {day}", day=task["due"] or "—")
        click.echo(
            "  "
            + _(
                "Zadanie {n}: {task} — {who} ({state})",
                n=task["number"],
                task=task["task"],
                who=task["who"],
                state=state,
            )
        )
    for doc in case.get("returned", []):
        click.echo(
            "  "
            + _("{date}  Zwrócono podpisany skan: {form} [{id}]", date=doc["date"], form=doc.get("form"), id=doc["id"])
        )
    step = cases.next_step(case)
    if step:
        click.echo(_("Następny krok: {step}", step=cases.step_title(case, step)))


@interwencje.command(
    "step",
    help="Zapisz krok sprawy (KROK z jej ścieżki: odsuniecie, zespol, wyjasnienia, spotkanie, zawiadomienie, wniosek-sad, plan, przeglad, rekomendacja, protokol, zamkniecie).",
)
@click.argument("case_ref", metavar="SPRAWA")
@click.argument("kind", metavar="KROK")
@click.option("--dnia", help="Data kroku RRRR-MM-DD (domyślnie dziś).")
@click.option("--osoba", default="", help="Kto wykonał krok (imię i nazwisko, stanowisko).")
@click.option(
    "--data",
    "data_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="plan: dane planu wsparcia; spotkanie: treść protokołu.",
)
@click.option("--czlonek", "members", multiple=True, help="zespol: członek zespołu interwencyjnego (można powtarzać).")
@click.option("--uczestnik", "participants", multiple=True, help="spotkanie: uczestnik spotkania (można powtarzać).")
@click.option(
    "--strona",
    "side",
    type=vocabulary.Param(MEETING_SIDES),
    help="spotkanie: dziecko_krzywdzone albo dziecko_krzywdzace.",
)
@click.option("--adresat", "addressee_role", help="zawiadomienie: policja, prokuratura.")
@click.option(
    "--rekomendacja",
    "recommendation",
    type=vocabulary.Param(RECOMMENDATIONS),
    help="rekomendacja: " + ", ".join(RECOMMENDATIONS) + ".",
)
@click.option("--wykonane", "done", help="przeglad: numery wykonanych zadań planu wsparcia, np. 1,3.")
@click.option(
    "--nastepny-przeglad",
    "next_review",
    help="przeglad: data następnego przeglądu planu (brak: za tyle dni, ile podaje plan; gdy plan nie podaje — koniec przeglądów).",
)
@click.option("--uwagi", "notes", help="Uwagi do kroku.")
@click.option("--dokument", "documents", multiple=True, help="Identyfikator dokumentu do dołączenia (można powtarzać).")
@click.pass_obj
def step(
    app, case_ref: str, kind: str, dnia: str | None, osoba: str, data_file: Path | None, documents, **options
) -> None:
    from somflow_incidents.overview import step_details

    details = step_details(kind, datafile.load_iso(data_file), **options)
    case = cases.record_step(
        app.workspace,
        case_ref,
        kind,
        day=option_date(dnia, "--dnia"),
        person=osoba,
        details=details,
        documents=list(documents),
    )
    entry = case["steps"][-1]
    click.echo(
        _(
            "Zapisano krok „{title}” ({day}) w sprawie {case}.",
            title=cases.step_title(case, kind),
            day=entry["date"],
            case=cases.case_label(case),
        )
    )
    for doc_id in entry["documents"]:
        click.echo(_("Dokument: {id}", id=doc_id))
    following = cases.next_step(case)
    if following:
        click.echo(_("Następny krok: {step}", step=cases.step_title(case, following)))


@interwencje.command(
    "print", help="Wydrukuj formularz sprawy wypełniony jej danymi (np. protokol-interwencji, karta-interwencji)."
)
@click.argument("case_ref", metavar="SPRAWA")
@click.argument("form", metavar="FORMULARZ")
@click.pass_obj
def print_cmd(app, case_ref: str, form: str) -> None:
    from somflow_incidents.printing import print_form

    from somflow.casework.printing import print_again

    workspace = app.workspace
    day = cases.today()
    doc = print_again(workspace, cases.CASES, case_ref, form, day, cases.find_case, print_form)
    click.echo(
        _("Wydrukowano {form}: dokument {id}, plik {file}", form=form, id=doc["id"], file=workspace.root / doc["file"])
    )


#: The English name of the same group (``somflow incidents …``).
incidents = UserErrorsGroup(name="incidents", commands=interwencje.commands, help=HELP)
