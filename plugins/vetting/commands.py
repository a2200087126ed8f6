"""``somflow vetting …``: people, results, status, printing the declarations.

Names appear on the user's screen (the secretary needs them) but never in
logs; lists identify people by their number.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from somflow import calendar, vocabulary
from somflow.corrections import history_notes
from somflow.errors import InvalidInput, SomflowError
from somflow.i18n import _, ngettext, pick
from somflow.user_errors import user_errors

from . import csv_import, people, printing, printouts, records
from . import requirements as req
from .checklist import STATE_LABELS, checklist
from .hooks import VETTING_HELP

STATE_COLOURS = {req.CLEARED: "green", req.INCOMPLETE: "yellow", req.BLOCKED: "red", req.EXEMPT: None}


def _workspace(ctx: click.Context):
    """The workspace of the ``App`` that somflow's CLI puts in the context."""
    return ctx.obj.workspace


def _state_label(state: str) -> str:
    return _(STATE_LABELS[state])


def _alert(person: dict, item: req.Item) -> None:
    """The loud warning after a FIGURUJE result; the head is also e-mailed through the reminders (somflow remind)."""
    bar = "!" * 72
    for line in (
        bar,
        _("UWAGA: wynik FIGURUJE — {item}.", item=item.label),
        _("Osoba nr {nr} została ZABLOKOWANA: nie wolno dopuścić jej do pracy z dziećmi.", nr=people.number(person)),
        _("Niezwłocznie powiadom dyrektora / kierownika jednostki (powiadomienie wysyła też: somflow remind)."),
        bar,
    ):
        click.secho(line, fg="red", bold=True, err=True)


@click.group(name="vetting", help=VETTING_HELP)
def vetting() -> None:
    pass


@vetting.command(name="add", help="Dodaj osobę (pracownika, współpracownika, wolontariusza…).")
@click.option("--imie", required=True, help="Imię.")
@click.option("--nazwisko", required=True, help="Nazwisko.")
@click.option("--pesel", default="", help="PESEL (jeśli nadany).")
@click.option("--data-urodzenia", default="", help="Data urodzenia RRRR-MM-DD (bez PESEL wymagana).")
@click.option("--nazwisko-rodowe", default="")
@click.option("--imie-ojca", default="")
@click.option("--imie-matki", default="")
@click.option("--umowa", required=True, help=f"Rodzaj umowy: {', '.join(people.CONTRACTS)}.")
@click.option("--rola", default="", help="Stanowisko lub rola, np. nauczyciel, kierowca, wolontariusz.")
@click.option("--start", default="", help="Planowany początek pracy z dziećmi (RRRR-MM-DD).")
@click.option("--obywatelstwa", default="PL", help="Obywatelstwa: kody lub nazwy po przecinku (domyślnie PL).")
@click.option(
    "--kraje", "kraje_zamieszkania", default="", help="Kraje zamieszkania w ostatnich 20 latach, po przecinku."
)
@click.option("--zwolnienie", default="", help=f"Kategoria zwolnienia ze sprawdzenia: {', '.join(people.EXEMPTIONS)}.")
@click.option("--powod", "powod_zwolnienia", default="", help="Powód zwolnienia.")
@click.pass_context
@user_errors
def add(ctx: click.Context, **options: str) -> None:
    workspace = _workspace(ctx)
    person, errors = people.parse_person(options, workspace.config, calendar.today())
    if person.get("pesel") and person["pesel"] in records.known_pesels(workspace):
        errors.append(("pesel", _("osoba z tym numerem PESEL jest już w rejestrze")))
    if errors:
        raise InvalidInput(
            [_("Pole „{field}”: {problem}", field=_(people.FIELD_LABELS[f]), problem=m) for f, m in errors]
        )
    (record,) = records.add_people(workspace, [person])
    click.echo(_("Dodano osobę nr {nr}.", nr=people.number(record)))
    _print_required(record, workspace)


@vetting.command(
    name="edit",
    help="Zmień dane osoby (np. początek pracy, kraje zamieszkania, zwolnienie); podaj tylko to, co się zmienia.",
)
@click.argument("person")
@click.option("--imie")
@click.option("--nazwisko")
@click.option("--pesel")
@click.option("--data-urodzenia")
@click.option("--nazwisko-rodowe")
@click.option("--imie-ojca")
@click.option("--imie-matki")
@click.option("--umowa")
@click.option("--rola")
@click.option("--start")
@click.option("--obywatelstwa")
@click.option("--kraje", "kraje_zamieszkania")
@click.option("--zwolnienie", help="Kategoria zwolnienia; pusty tekst usuwa zwolnienie.")
@click.option("--powod", "powod_zwolnienia")
@click.pass_context
@user_errors
def edit(ctx: click.Context, person: str, **options: str | None) -> None:
    workspace = _workspace(ctx)
    target = records.find_person(workspace, person)
    changes = {k: v for k, v in options.items() if v is not None}
    if changes.get("zwolnienie") == "":
        changes["powod_zwolnienia"] = ""
    updated = records.edit_person(workspace, target, changes, calendar.today())
    click.echo(_("Zmieniono dane osoby nr {nr}.", nr=people.number(updated)))
    _print_required(updated, workspace)


@vetting.command(
    name="import",
    help="Zaimportuj albo zaktualizuj listę osób z pliku CSV (wszystkie wiersze albo żaden); powtórny import zmienia tylko to, "
    "co się zmieniło; kolumna data_odejscia zapisuje odejście.",
)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option("--template", is_flag=True, help="Wypisz wzór pliku CSV i zakończ.")
@click.option("--dry-run", is_flag=True, help="Pokaż, co by się zmieniło, niczego nie zapisując.")
@click.pass_context
@user_errors
def import_(ctx: click.Context, file: Path | None, template: bool, dry_run: bool) -> None:
    if template or file is None:
        click.echo(csv_import.template(), nl=False)
        return
    report = csv_import.import_file(_workspace(ctx), file, calendar.today(), dry_run=dry_run)
    for line in report.lines():
        click.echo(line)


def _print_required(person: dict, workspace) -> None:
    found = checklist(person, workspace.config, calendar.today())
    if found.standing.state == req.EXEMPT:
        click.echo(_("Zwolniony ze sprawdzenia: {reason}", reason=person["zwolnienie"]["powod"]))
        return
    click.echo(_("Wymagane przed dopuszczeniem do pracy z dziećmi:"))
    for line in found.lines:
        mark = f"{line.mark}; {line.awaiting}" if line.awaiting else line.mark
        click.echo(f"  {line.item.key:<18} {line.item.label} — {mark}")
        for note in line.notes:
            click.echo("      " + note)


@vetting.command(name="show", help="Pokaż wymagane pozycje osoby i ich stan.")
@click.argument("person")
@click.pass_context
@user_errors
def show(ctx: click.Context, person: str) -> None:
    workspace = _workspace(ctx)
    record = records.find_person(workspace, person)
    standing = req.standing(record, workspace.config, calendar.today())
    click.echo(
        _(
            "Osoba nr {nr}: {name} — {state}",
            nr=people.number(record),
            name=people.display_name(record),
            state=_state_label(standing.state),
        )
    )
    _print_required(record, workspace)
    withdrawn = checklist(record, workspace.config, calendar.today()).withdrawn
    if withdrawn:
        click.echo(_("Wycofane wyniki (nie liczą się):"))
    for key, entry in withdrawn:
        result = "FIGURUJE" if entry["status"] == req.HIT else entry.get("result") or entry["status"]
        click.echo(f"  {key:<18} {result} ({entry['date']})")
        for note in history_notes(entry):
            click.echo("      " + note)


@vetting.command(
    name="record",
    help="Zapisz wynik sprawdzenia albo złożenie oświadczenia (ITEM, np. rspts, rspts-pk, krk, rejestr-DE, kraje, standardy).",
)
@click.argument("person")
@click.argument("item")
@click.option(
    "--result",
    "result",
    required=True,
    type=vocabulary.Param(tuple(records.RESULTS)),
    help="Wynik: brak-wpisu, figuruje albo zlozone (błędny wynik wycofuje: vetting withdraw).",
)
@click.option("--date", "on", default="", help="Data dokumentu RRRR-MM-DD (domyślnie dziś).")
@click.option(
    "--file",
    "file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Skan lub wydruk do dołączenia do akt.",
)
@click.option(
    "--yes",
    "--potwierdzam",
    "confirmed",
    is_flag=True,
    help="figuruje: potwierdzam, że to ta osoba (w skryptach; bez terminala wymagane).",
)
@click.pass_context
@user_errors
def record(
    ctx: click.Context, person: str, item: str, result: str, on: str, file: Path | None, confirmed: bool
) -> None:
    workspace = _workspace(ctx)
    today = calendar.today()
    when = calendar.parse_date(on) if on else today
    if when is None:
        raise InvalidInput([_("Opcja --date: nieprawidłowa data (oczekiwano RRRR-MM-DD albo DD.MM.RRRR).")])
    target = records.find_person(workspace, person)
    if result == "figuruje" and not confirmed:
        _confirm_hit(target, item)
    updated, found, _blocked_now = records.record_result(
        workspace, target, item, result, on=when, today=today, file=file
    )
    if found.key in (updated.get("pending") or {}):
        _print_awaiting(updated, found.key)
    elif result == "figuruje":
        _alert(updated, found)
    else:
        click.echo(
            _("Zapisano: osoba nr {nr}, {item} — {result}.", nr=people.number(updated), item=found.label, result=result)
        )
    standing = req.standing(updated, workspace.config, today)
    click.echo(_("Stan osoby nr {nr}: {state}.", nr=people.number(updated), state=_state_label(standing.state)))


def _print_awaiting(person: dict, key: str) -> None:
    click.echo(
        _(
            "Wydruk dołączono; czeka na potwierdzenie przez kadry albo dyrektora (do tego czasu pozycja {item} się nie liczy): "
            "somflow vetting confirm {nr}/{item} --as kadry|dyrektor",
            item=key,
            nr=people.number(person),
        )
    )


def _show_printout(workspace, person: dict, key: str, entry: dict) -> None:
    """What was read from the printout, for the person who compares it with the source."""
    item = req.find_item(person, key, workspace.config)
    said = "FIGURUJE" if entry["result"] == "figuruje" else _("nie figuruje (brak wpisu)")
    click.echo(
        _(
            "Wydruk: osoba nr {nr}: {name} — {item}",
            nr=people.number(person),
            name=people.display_name(person),
            item=item.label if item else key,
        )
    )
    click.echo("  " + _("odczytany wynik: {result}", result=said))
    click.echo("  " + _("data: {date}", date=entry["date"]))
    click.echo(
        "  "
        + _(
            "numer do weryfikacji: {code}",
            code=entry.get("verification") or _("nie odczytano — odszukaj go na wydruku"),
        )
    )
    if entry.get("document"):
        doc = workspace.store.get("documents", entry["document"]) or {}
        scan = (doc.get("returned") or {}).get("scan") or doc.get("file")
        click.echo("  " + _("dokument: {id}{file}", id=entry["document"], file=f" ({scan})" if scan else ""))
    if key == "krk":
        where = _("ekrk.ms.gov.pl")
    elif key.startswith("rspts"):
        where = _("konto instytucji w rps.ms.gov.pl")
    else:
        where = _("oryginał zaświadczenia z rejestru państwa")
    click.echo("  " + _("Sprawdź u źródła (docs/vetting.md): {where}", where=where))


@vetting.command(
    name="confirm",
    help="Potwierdź wydruk z rejestru (RSPTS, KRK) odczytany ze skrzynki albo z pliku, po sprawdzeniu go u źródła "
    "(REF: OSOBA/POZYCJA, np. 3/rspts; bez REF: lista czekających).",
)
@click.argument("ref", required=False)
@click.option(
    "--as", "role", type=click.Choice(list(printouts.ROLES)), help="Twoja rola: kadry albo dyrektor (wymagana)."
)
@click.option("--by", "--kto", "by", default="", help="Kto potwierdza (imię i nazwisko; domyślnie użytkownik systemu).")
@click.option("--yes", "--potwierdzam", "confirmed", is_flag=True, help="Potwierdzam bez pytania (w skryptach).")
@click.option(
    "--reject",
    "--odrzuc",
    "rejected",
    is_flag=True,
    help="Odrzuć wydruk, który nie zgadza się ze źródłem (wymaga --reason).",
)
@click.option("--reason", "--powod", "reason", default="", help="Powód odrzucenia.")
@click.pass_context
@user_errors
def confirm(
    ctx: click.Context, ref: str | None, role: str | None, by: str, confirmed: bool, rejected: bool, reason: str
) -> None:
    from somflow.forms.prompts import interactive, yes_no

    workspace = _workspace(ctx)
    if ref is None:
        waiting = printouts.awaiting(workspace)
        if not waiting:
            click.echo(_("Żaden wydruk nie czeka na potwierdzenie."))
        for person, key, entry in waiting:
            said = "FIGURUJE" if entry["result"] == "figuruje" else entry["result"]
            click.echo(
                f"  {people.number(person)}/{key:<10} {said:<10} {entry['date']}  {entry.get('verification') or '—'}"
            )
        return
    if role is None:
        raise InvalidInput([_("Podaj swoją rolę: --as kadry albo --as dyrektor.")])
    person, key, entry = printouts.find(workspace, ref)
    _show_printout(workspace, person, key, entry)
    if rejected:
        printouts.reject(workspace, ref, role=role, by=by, reason=reason)
        click.echo(
            _(
                "Wydruk odrzucono; pozycja {item} osoby nr {nr} nadal czeka na wynik.",
                item=key,
                nr=people.number(person),
            )
        )
        return
    if not confirmed:
        if not interactive():
            raise SomflowError(
                _(
                    "Bez terminala nie można zapytać o potwierdzenie: dodaj --yes (--potwierdzam), jeśli wydruk zgadza się ze źródłem."
                )
            )
        if not yes_no(_("Czy wydruk zgadza się ze źródłem i mówi dokładnie to?"), default=False):
            raise SomflowError(
                _(
                    "Nic nie zapisano. Wydruk, który nie zgadza się ze źródłem, odrzuć: somflow vetting confirm {ref} --as {role} --reject --reason „…”",
                    ref=ref,
                    role=role,
                )
            )
    updated, found, _blocked_now = printouts.confirm(workspace, ref, role=role, by=by, today=calendar.today())
    if entry["result"] == "figuruje":
        _alert(updated, found)
    else:
        click.echo(
            _(
                "Potwierdzono: osoba nr {nr}, {item} — {result}.",
                nr=people.number(updated),
                item=found.label,
                result=entry["result"],
            )
        )
    standing = req.standing(updated, workspace.config, calendar.today())
    click.echo(_("Stan osoby nr {nr}: {state}.", nr=people.number(updated), state=_state_label(standing.state)))


def _confirm_hit(person: dict, item: str) -> None:
    """A FIGURUJE blocks the person: show whom it is about and ask before recording (refuse in a script without --yes)."""
    from somflow.forms.prompts import interactive, yes_no

    who = _("osoba nr {nr}: {name}", nr=people.number(person), name=people.display_name(person))
    if not interactive():
        raise SomflowError(
            _(
                "Wynik FIGURUJE zablokuje tę osobę — {who}. Bez terminala nie można zapytać o potwierdzenie: dodaj --yes (--potwierdzam), jeśli to na pewno ta osoba.",
                who=who,
            )
        )
    click.secho(_("Wynik FIGURUJE ({item}) — {who}.", item=item, who=who), fg="red", bold=True)
    if not yes_no(
        _("Czy to na pewno ta osoba? Zapisanie wyniku zablokuje ją: nie będzie można dopuścić jej do pracy z dziećmi."),
        default=False,
    ):
        raise SomflowError(_("Nic nie zapisano."))


@vetting.command(
    name="withdraw",
    help="Wycofaj błędny wynik osoby (np. FIGURUJE przy złym numerze) z podaniem powodu; zostaje w historii.",
)
@click.argument("person")
@click.argument("item")
@click.option("--reason", "--powod", "reason", required=True, help="Powód wycofania (wymagany).")
@click.option("--by", "--kto", "by", default="", help="Kto wycofuje (domyślnie użytkownik systemu).")
@click.pass_context
@user_errors
def withdraw(ctx: click.Context, person: str, item: str, reason: str, by: str) -> None:
    from somflow import corrections
    from somflow.correction_commands import report

    from .entries import KIND

    report(corrections.withdraw(_workspace(ctx), f"{person}/{item}", reason, by, kind=KIND), "withdraw")


@vetting.command(
    name="admit",
    help="Dopuść sprawdzoną osobę do pracy z dziećmi (odmowa, gdy czegoś brakuje albo jest wynik FIGURUJE).",
)
@click.argument("person")
@click.pass_context
@user_errors
def admit(ctx: click.Context, person: str) -> None:
    workspace = _workspace(ctx)
    updated = records.admit(workspace, records.find_person(workspace, person), calendar.today())
    click.echo(
        _("Osoba nr {nr} dopuszczona do pracy z dziećmi ({date}).", nr=people.number(updated), date=updated["admitted"])
    )


@vetting.command(name="status", help="Stan weryfikacji wszystkich osób i kto wkrótce zaczyna pracę bez niej.")
@click.option("--days", default=14, show_default=True, help="Ile dni naprzód sprawdzać początek pracy.")
@click.option("--json", "as_json", is_flag=True, help="Wynik jako JSON (bez imion i nazwisk).")
@click.pass_context
@user_errors
def status(ctx: click.Context, days: int, as_json: bool) -> None:
    workspace = _workspace(ctx)
    today = calendar.today()
    rows = []
    for person in sorted(
        records.current_people(workspace, today), key=lambda p: (p.get("nr") is None, p.get("nr") or 0, p["id"])
    ):
        standing = req.standing(person, workspace.config, today)
        rows.append((person, standing))
    soon = [(p, s) for p, s in rows if req.starts_soon(p, s, today, days)]
    if as_json:
        click.echo(
            json.dumps(
                {
                    "people": [
                        {
                            "nr": p.get("nr"),
                            "ref": people.number(p),
                            "id": p["id"],
                            "state": s.state,
                            "start": p.get("start"),
                            "required": [i.key for i in s.required],
                            "missing": [i.key for i in s.open],
                            "hits": [i.key for i in s.hits],
                            "awaiting_confirmation": sorted(p.get("pending") or {}),
                            "admitted": p.get("admitted"),
                        }
                        for p, s in rows
                    ],
                    "starting_soon": [people.number(p) for p, _s in soon],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    if not rows:
        click.echo(_("Brak osób. Dodaj je: somflow vetting add … albo somflow vetting import PLIK.csv"))
        return
    for person, standing in rows:
        line = f"{people.number(person):>4}  {people.display_name(person):<28} {_state_label(standing.state):<13} {person.get('start') or '—':<10}"
        if standing.state == req.INCOMPLETE:
            line += "  " + _("brakuje: {items}", items=", ".join(i.key for i in standing.open))
        elif standing.state == req.BLOCKED:
            line += "  " + _("FIGURUJE: {items}", items=", ".join(i.key for i in standing.hits) or "—")
        if person.get("pending"):
            line += "  " + _("wydruki do potwierdzenia: {items}", items=", ".join(sorted(person["pending"])))
        click.secho(line, fg=STATE_COLOURS[standing.state])
    counts = {state: sum(1 for _p, s in rows if s.state == state) for state in STATE_LABELS}
    click.echo(
        _(
            "Razem: {total}; sprawdzonych {cleared}, niekompletnych {incomplete}, zablokowanych {blocked}, zwolnionych {exempt}.",
            total=len(rows),
            cleared=counts[req.CLEARED],
            incomplete=counts[req.INCOMPLETE],
            blocked=counts[req.BLOCKED],
            exempt=counts[req.EXEMPT],
        )
    )
    if soon:
        click.secho(
            ngettext(
                "Zaczynają pracę z dziećmi w ciągu {n} dnia (albo już zaczęli) bez pełnej weryfikacji:",
                "Zaczynają pracę z dziećmi w ciągu {n} dni (albo już zaczęli) bez pełnej weryfikacji:",
                days,
            ),
            fg="red",
            bold=True,
        )
        for person, standing in soon:
            click.secho(
                f"  {people.number(person):>4}  {people.display_name(person)}  {person['start']}  {_state_label(standing.state)}",
                fg="red",
            )


@vetting.command(
    name="print", help="Przygotuj do podpisu dokumenty osoby: dane do Rejestru i oświadczenia (PDF z kodem QR)."
)
@click.argument("person")
@click.option("--form", "form_ids", multiple=True, help="Tylko ten formularz (można powtórzyć).")
@click.pass_context
@user_errors
def print_(ctx: click.Context, person: str, form_ids: tuple[str, ...]) -> None:
    workspace = _workspace(ctx)
    target = records.find_person(workspace, person)
    documents = printing.print_documents(workspace, target, calendar.today(), only=set(form_ids) or None)
    if not documents:
        click.echo(_("Osoba nr {nr} nie potrzebuje już żadnego dokumentu do podpisu.", nr=people.number(target)))
    for doc in documents:
        click.echo(f"{doc['id']}  {doc['file']}  {pick(doc['title'])}")
