"""``somflow nk``: open a Blue Card case, record its steps, list and show cases, print its forms."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from somflow_niebieska_karta import cases as nk_cases
from somflow_niebieska_karta import overview
from somflow_niebieska_karta.due import next_due
from somflow_niebieska_karta.hooks import NK_HELP

from somflow import refs, vocabulary
from somflow.calendar import option_date
from somflow.casework.history import step_ref
from somflow.errors import InvalidInput
from somflow.forms import datafile
from somflow.i18n import _


def mask_pesel(value: Any, reveal: bool) -> str:
    return str(value) if reveal else "*" * len(str(value))


@click.group(help=NK_HELP)
def nk() -> None:
    pass


@nk.command("new", help="Załóż sprawę NK z notatki służbowej (z pliku --data albo odpowiadając na pytania).")
@click.option(
    "--data",
    "data_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Plik YAML/JSON: notatka, nka, sprawcy_rodzice.",
)
@click.option("--osoba", help="Kto zapisuje notatkę (domyślnie jej autor).")
@click.pass_obj
def new(app, data_file: Path | None, osoba: str | None) -> None:
    workspace = app.workspace
    if data_file is None:
        from somflow.forms.prompts import DRAFTS, keeping_draft

        payload: dict[str, Any] = {}
        with keeping_draft(workspace.root / DRAFTS, "nk-new", payload, "somflow nk new"):
            _ask_new(workspace, payload)
            _open(workspace, payload, osoba)
        return
    _open(workspace, datafile.load_iso(data_file), osoba, data_file)


def _open(workspace, payload: dict[str, Any], osoba: str | None, data_file: Path | None = None) -> None:
    """Open the case from the answers or the file; Polish messages for what is wrong."""
    wrong = [key for key in ("notatka", "nka") if payload.get(key) is not None and not isinstance(payload[key], dict)]
    if wrong:
        raise InvalidInput(
            [
                _(
                    "Plik {file}: „{key}” musi być zestawem pól (nazwa: wartość), a nie pojedynczą wartością ani listą.",
                    file=data_file,
                    key=key,
                )
                for key in wrong
            ]
        )
    person = osoba or (payload.get("notatka") or {}).get("autor") or ""
    if not str(person).strip():
        raise InvalidInput([_("Podaj autora notatki służbowej (notatka.autor albo --osoba).")])
    case = nk_cases.create_case(workspace, payload, person=person)
    click.echo(
        _(
            "Założono sprawę NK {id} (numer {ref}). Następny krok: {step}.",
            id=case["id"],
            ref=case[refs.FIELD],
            step=nk_cases.step_title(nk_cases.next_step(case)),
        )
    )
    for doc in case["documents"]:
        click.echo(_("Dokument {form}: {id}", form=doc["form"], id=doc["id"]))


def _ask_new(workspace, payload: dict[str, Any]) -> dict[str, Any]:
    """The questions of ``somflow nk new`` without --data: the minimum to open a case (:mod:`.opening`).

    Each answer is checked by its field's rules in the note or NK-A spec when it is given
    (asked again on error) and goes into ``payload`` at once, in the shape ``--data`` reads,
    so an interrupted entry can be kept as a draft.
    """
    from somflow_niebieska_karta import opening

    from somflow.casework.opening import ask

    answers: dict[str, Any] = {}
    for question in opening.questions():
        if (value := ask(workspace, question, nk_cases.today().isoformat())) is not None:
            answers[question.name] = value
        payload.update(opening.payload(answers))
    return payload


@nk.command("list", help="Otwarte sprawy NK z następnym krokiem i terminem (--all: także zamknięte).")
@click.option("--all", "show_all", is_flag=True, help="Pokaż także sprawy zamknięte.")
@click.pass_obj
def list_cases(app, show_all: bool) -> None:
    found = overview.listing(app.workspace, nk_cases.today(), include_closed=show_all)
    if not found:
        click.echo(_("Brak otwartych spraw NK.") if not show_all else _("Brak spraw NK."))
        return
    for row in found:
        case = row.case
        line = f"{case[refs.FIELD]}  {case['id']}  [{_(case['status'])}]  {overview.initials(nk_cases.first_victim_name(case))}"
        if row.next_step:
            line += "  " + _("następny krok: {step}", step=nk_cases.step_title(row.next_step))
        if row.due:
            line += "  " + _("termin: {due}", due=row.due.isoformat())
            if row.overdue:
                line += "  " + _("PO TERMINIE")
        click.echo(line)


@nk.command("show", help="Historia sprawy NK: kroki z datą, osobą i dokumentami (PESEL ukryty bez --reveal).")
@click.argument("case_ref", metavar="SPRAWA")
@click.option("--reveal", is_flag=True, help="Pokaż numery PESEL.")
@click.pass_obj
def show(app, case_ref: str, reveal: bool) -> None:
    workspace = app.workspace
    case = nk_cases.find_case(workspace, case_ref)
    today = nk_cases.today()
    click.echo(
        _("Sprawa {case} ({id}) — {status}", case=nk_cases.case_label(case), id=case["id"], status=_(case["status"]))
    )
    nka = case.get("nka") or {}
    for i, person in enumerate(nka.get("osoby_doznajace") or [], 1):
        pesel = f", PESEL {mask_pesel(person['pesel'], reveal)}" if person.get("pesel") else ""
        minor = _(", małoletni") if person.get("maloletni") == "tak" else ""
        click.echo(
            "  "
            + _(
                "Osoba doznająca przemocy {n}: {name}{minor}{pesel}",
                n=i,
                name=person.get("imie_nazwisko", "—"),
                minor=minor,
                pesel=pesel,
            )
        )
    for i, person in enumerate(nka.get("osoby_stosujace") or [], 1):
        pesel = f", PESEL {mask_pesel(person['pesel'], reveal)}" if person.get("pesel") else ""
        relation = f" ({person['relacja']})" if person.get("relacja") else ""
        click.echo(
            "  "
            + _(
                "Osoba stosująca przemoc {n}: {name}{relation}{pesel}",
                n=i,
                name=person.get("imie_nazwisko", "—"),
                relation=relation,
                pesel=pesel,
            )
        )
    click.echo(
        _(
            "Historia (numer kroku: do poprawienia lub wycofania, np. somflow withdraw {ref} --reason …):",
            ref=step_ref(case, 1),
        )
    )
    for event in overview.timeline(case):
        if event.number is None:
            click.echo("  " + f"{event.date}  {event.title} [{', '.join(event.documents)}]")
            continue
        docs = ", ".join(event.documents) or "—"
        gone = "  " + _("[WYCOFANY — nie liczy się]") if event.withdrawn else ""
        click.echo(
            f"  #{event.number:<3}{event.date}  {event.title}  — {event.person}  [{_('dokumenty')}: {docs}]{gone}"
        )
        for line in event.details:
            click.echo("      " + line)
    step = nk_cases.next_step(case)
    if step:
        due = next_due(case)
        text = _("Następny krok: {step}", step=nk_cases.step_title(step))
        if due:
            text += " " + _(
                "(termin {due}{late})", due=due.isoformat(), late=(", " + _("PO TERMINIE")) if due < today else ""
            )
        click.echo(text)


@nk.command(
    "step",
    help="Zapisz krok sprawy: wszczecie, nk-b, nk-a, zawiadomienie, wniosek-sad, ops, plan, przeglad, zamkniecie.",
)
@click.argument("case_ref", metavar="SPRAWA")
@click.argument("kind", metavar="KROK")
@click.option("--dnia", help="Data kroku RRRR-MM-DD (domyślnie dziś).")
@click.option("--osoba", default="", help="Kto wykonał krok (imię i nazwisko, stanowisko).")
@click.option(
    "--data",
    "data_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="wszczecie: dane NK-A (sekcje II–XIII); plan: dane planu wsparcia.",
)
@click.option(
    "--rola",
    "roles",
    multiple=True,
    help="wszczecie: kto wszczął procedurę (sekcja XIV), np. nauczyciel, pedagog_psycholog.",
)
@click.option("--miejscowosc", help="wszczecie: miejscowość wpisana w NK-A (domyślnie z adresu placówki).")
@click.option("--obecna-osoba", "present", help="wszczecie: w czyjej obecności wypełniono NK-A.")
@click.option(
    "--obecna-rola",
    "present_role",
    type=vocabulary.Param(nk_cases.PRESENCE_ROLES),
    help="wszczecie: rodzic, opiekun_prawny, opiekun_faktyczny, osoba_najblizsza, osoba_doznajaca.",
)
@click.option("--odbiorca", "recipient", help="nk-b: komu przekazano NK-B (imię i nazwisko).")
@click.option(
    "--odbiorca-rola",
    "recipient_role",
    type=vocabulary.Param(nk_cases.NKB_RECIPIENTS),
    help="nk-b: rodzic, opiekun_prawny, opiekun_faktyczny, zglaszajacy, osoba_doznajaca.",
)
@click.option(
    "--odbiorca-pesel",
    "recipient_pesel",
    help="nk-b: PESEL odbiorcy (gdy jest), do sprawdzenia, że nie jest osobą stosującą przemoc.",
)
@click.option(
    "--sposob", "how", type=vocabulary.Param(nk_cases.DELIVERY_WAYS), help="nk-a: osobiscie, poczta, email, epuap."
)
@click.option("--adresat", "addressee_role", help="zawiadomienie: policja albo prokuratura.")
@click.option(
    "--nastepny-przeglad",
    "next_review",
    help="przeglad: data następnego przeglądu planu (brak: za tyle dni, ile podaje plan; gdy plan nie podaje — koniec przeglądów).",
)
@click.option("--wykonane", "done", help="przeglad: numery wykonanych zadań planu wsparcia, np. 1,3.")
@click.option("--uwagi", "notes", help="Uwagi do kroku.")
@click.option("--dokument", "documents", multiple=True, help="Identyfikator dokumentu do dołączenia (można powtarzać).")
@click.pass_obj
def step(app, case_ref: str, kind: str, dnia: str | None, osoba: str, data_file: Path | None, roles, **options) -> None:
    workspace = app.workspace
    documents = list(options.pop("documents", None) or ())
    details = overview.step_details(kind, data=datafile.load_iso(data_file), roles=roles, **options)
    case = nk_cases.record_step(
        workspace, case_ref, kind, day=option_date(dnia, "--dnia"), person=osoba, details=details, documents=documents
    )
    entry = case["steps"][-1]
    click.echo(
        _(
            "Zapisano krok „{title}” ({day}) w sprawie {case}.",
            title=nk_cases.step_title(kind),
            day=entry["date"],
            case=nk_cases.case_label(case),
        )
    )
    for doc_id in entry["documents"]:
        click.echo(_("Dokument: {id}", id=doc_id))
    following = nk_cases.next_step(case)
    if following:
        due = next_due(case)
        click.echo(
            _("Następny krok: {step}", step=nk_cases.step_title(following))
            + (f" ({_('termin')} {due.isoformat()})" if due else "")
        )


@nk.command(
    "withdraw",
    help="Wycofaj błędnie zapisany krok sprawy (NUMER z somflow nk show) z podaniem powodu; zostaje w historii jako wycofany.",
)
@click.argument("case_ref", metavar="SPRAWA")
@click.argument("number", metavar="NUMER", type=int)
@click.option("--reason", "--powod", "reason", required=True, help="Powód wycofania (wymagany).")
@click.option("--by", "--kto", "by", default="", help="Kto wycofuje (domyślnie użytkownik systemu).")
@click.pass_obj
def withdraw(app, case_ref: str, number: int, reason: str, by: str) -> None:
    from somflow_niebieska_karta.entries import KIND

    from somflow import corrections
    from somflow.correction_commands import report

    report(corrections.withdraw(app.workspace, f"{case_ref}#{number}", reason, by, kind=KIND), "withdraw")


@nk.command("print", help="Wydrukuj formularz sprawy wypełniony jej danymi (PDF z kodami QR w documents/).")
@click.argument("case_ref", metavar="SPRAWA")
@click.argument("form", metavar="FORMULARZ")
@click.pass_obj
def print_cmd(app, case_ref: str, form: str) -> None:
    from somflow_niebieska_karta.printing import print_form

    from somflow.casework.printing import print_again

    workspace = app.workspace
    day = nk_cases.today()
    doc = print_again(workspace, nk_cases.CASES, case_ref, form, day, nk_cases.find_case, print_form)
    click.echo(
        _("Wydrukowano {form}: dokument {id}, plik {file}", form=form, id=doc["id"], file=workspace.root / doc["file"])
    )
