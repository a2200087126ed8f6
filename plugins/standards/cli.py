"""``somflow standards ...``: the coordinator's commands for keeping the standards alive."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import click
from somflow_standards import STANDARDS_HELP, acknowledgments, entries, people, register, settings, survey
from somflow_standards.schedule import REVIEWS, report_year

from somflow import calendar, refs, vocabulary
from somflow.calendar import option_date
from somflow.corrections import history_notes, is_withdrawn
from somflow.errors import InvalidInput
from somflow.fileio import decode_text, prepare_output, write_private
from somflow.forms import datafile
from somflow.i18n import _, ngettext, pick

GROUP = vocabulary.Param(people.GROUPS)
SURVEY = vocabulary.Param(tuple(survey.SURVEYS))


def _date(value: str | None, option: str) -> date:
    return option_date(value or None, option) or calendar.today()


def _print_file(workspace, documents: list[dict[str, Any]], target: Path) -> Path:
    """One flattened PDF with every generated document, in order, to print in one go (personal data: owner-only)."""
    from somflow.forms.printout import merge_for_print

    content, _pages = merge_for_print(workspace.root / doc["file"] for doc in documents)
    write_private(prepare_output(target), content)
    return target


@click.group(help=STANDARDS_HELP)
def standards() -> None:
    pass


# ------------------------------------------------------------ acknowledgments


@standards.command(help="Pokaż, kto nie potwierdził zapoznania się z obowiązującą wersją Standardów.")
@click.option("--group", type=GROUP, help="Tylko jedna grupa.")
@click.option("--json", "as_json", is_flag=True, help="Wynik jako JSON.")
@click.pass_context
def missing(ctx: click.Context, group: str | None, as_json: bool) -> None:
    store = ctx.obj.workspace.store
    version = acknowledgments.current_version(store)
    found = acknowledgments.missing(store, group)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "version": version.version,
                    "missing": [{"id": p.id, "group": p.group, "name": p.name, "klasa": p.klasa} for p in found],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    click.echo(_("Wersja Standardów: {version}", version=version.version))
    if not found:
        click.echo(_("Wszyscy potwierdzili zapoznanie się ze Standardami."))
        return
    for g in people.GROUPS:
        members = [p for p in found if p.group == g]
        if members:
            click.echo(
                _(
                    "{group} — brak potwierdzenia: {count}",
                    group=_(people.GROUP_LABELS[g]).capitalize(),
                    count=len(members),
                )
            )
            for p in members:
                click.echo(f"  {p.id}  {p.name}" + (f"  ({p.klasa})" if p.klasa else ""))


@standards.group(help="Wersje Standardów; nowa wersja wymaga ponownych potwierdzeń od wszystkich.")
def version() -> None:
    pass


@version.command("add", help="Zapisz nową wersję Standardów (od tej chwili liczą się tylko potwierdzenia tej wersji).")
@click.argument("name")
@click.option("--effective", help="Data wejścia w życie (RRRR-MM-DD), domyślnie dziś.")
@click.option("--note", default="", help="Krótki opis zmian.")
@click.pass_context
def version_add(ctx: click.Context, name: str, effective: str | None, note: str) -> None:
    store = ctx.obj.workspace.store
    acknowledgments.add_version(store, name, _date(effective, "--effective"), note)
    count = len(acknowledgments.missing(store))
    click.echo(
        ngettext(
            "Zapisano wersję {version} Standardów. Potwierdzenia zapoznania się są potrzebne od {n} osoby.",
            "Zapisano wersję {version} Standardów. Potwierdzenia zapoznania się są potrzebne od {n} osób.",
            count,
            version=name,
        )
    )


@version.command("show", help="Pokaż obowiązującą wersję Standardów.")
@click.pass_context
def version_show(ctx: click.Context) -> None:
    v = acknowledgments.current_version(ctx.obj.workspace.store)
    click.echo(
        _(
            "Wersja {version}, obowiązuje od {effective}",
            version=v.version,
            effective=v.effective.isoformat() if v.effective else "—",
        )
    )


@standards.group("people", help="Osoby zapoznawane ze Standardami (rodzice, dzieci; pracownicy z kartoteki personelu).")
def people_cmd() -> None:
    pass


@people_cmd.command("add", help="Dodaj osobę do grupy.")
@click.argument("name")
@click.option("--group", type=GROUP, required=True, help="Grupa.")
@click.option("--klasa", default="", help="Klasa / grupa przedszkolna (rodzice, dzieci).")
@click.option("--dziecko", default="", help="Imię i nazwisko dziecka (rodzic).")
@click.pass_context
def people_add(ctx: click.Context, name: str, group: str, klasa: str, dziecko: str) -> None:
    rec = people.add(ctx.obj.workspace.store, group, name, klasa, dziecko)
    click.echo(_("Dodano osobę {id}.", id=rec["id"]))


@people_cmd.command(
    "import",
    help="Zaimportuj albo zaktualizuj osoby z pliku CSV: listę klasy z dziennika (jak w „zgody import”) albo kolumny "
    "imie_nazwisko, klasa, dziecko, data_odejscia; powtórny import zmienia tylko to, co się zmieniło; błędny plik nie zmienia nic.",
)
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--group", type=GROUP, required=True)
@click.option("--dry-run", is_flag=True, help="Pokaż, co by się zmieniło, niczego nie zapisując.")
@click.pass_context
def people_import(ctx: click.Context, csv_file: Path, group: str, dry_run: bool) -> None:
    report = people.import_csv(ctx.obj.workspace.store, group, csv_file, dry_run=dry_run)
    for line in report.lines():
        click.echo(line)


@people_cmd.command("list", help="Wypisz osoby i stan potwierdzeń obowiązującej wersji.")
@click.option("--group", type=GROUP)
@click.pass_context
def people_list(ctx: click.Context, group: str | None) -> None:
    store = ctx.obj.workspace.store
    done = acknowledgments.acknowledged_ids(store, acknowledgments.current_version(store).version)
    for p in people.everyone(store, group):
        mark = _("potwierdził(a)") if p.id in done else _("brak potwierdzenia")
        click.echo(f"{_('nr {nr}', nr=p.nr):<7} {p.id}  {p.group:<10}  {p.name}  {p.klasa}  — {mark}")


@standards.group(help="Potwierdzenia zapoznania się ze Standardami: druk formularzy, zapis ręczny, lista.")
def ack() -> None:
    pass


@ack.command(
    "print",
    help="Wydrukuj wypełnione oświadczenia dla grupy (domyślnie tylko osób bez potwierdzenia) w jednym pliku PDF.",
)
@click.option("--group", type=GROUP, required=True)
@click.option("--klasa", default=None, help="Tylko ta klasa / grupa.")
@click.option("--all", "everybody", is_flag=True, help="Także osoby, które już potwierdziły.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Plik PDF do druku (domyślnie druk/potwierdzenia-<grupa>.pdf).",
)
@click.pass_context
def ack_print(ctx: click.Context, group: str, klasa: str | None, everybody: bool, out: Path | None) -> None:
    from somflow_standards.printing import print_batch

    workspace = ctx.obj.workspace
    documents, chosen = print_batch(workspace, group, klasa, everybody)
    if not documents:
        click.echo(_("Nie ma komu drukować oświadczeń."))
        return
    target = prepare_output(out or workspace.root / "druk" / f"potwierdzenia-{group}.pdf")
    _print_file(workspace, documents, target)
    documents_text = ngettext("{n} dokument", "{n} dokumentów", len(documents))
    people_text = ngettext("{n} osoba", "{n} osób", chosen)
    click.echo(
        _(
            "Wygenerowano {documents} ({people}) do druku: {file}",
            documents=documents_text,
            people=people_text,
            file=target,
        )
    )
    click.echo(_("Podpisane skany wrzuć do skrzynki inbox/ — potwierdzenia zapiszą się same."))


@ack.command("record", help="Zapisz potwierdzenie złożone poza somflow (np. lista obecności ze szkolenia).")
@click.argument("person_id")
@click.option("--date", "day", help="Data zapoznania (RRRR-MM-DD), domyślnie dziś.")
@click.option("--place", default="", help="Miejsce.")
@click.option("--scope", default="", help="Zakres przekazanych informacji.")
@click.pass_context
def ack_record(ctx: click.Context, person_id: str, day: str | None, place: str, scope: str) -> None:
    store = ctx.obj.workspace.store
    person = people.find(store, person_id)
    version = acknowledgments.current_version(store).version
    when = _date(day, "--date")
    if when > calendar.today():
        raise InvalidInput([_("Opcja --date: data {day} jest w przyszłości.", day=when.isoformat())])
    added = acknowledgments.record(
        store,
        person,
        version=version,
        day=when,
        place=place,
        scope=scope or _("Standardy Ochrony Małoletnich, wersja {version}", version=version),
    )
    if added:
        ref = f"potwierdzenie#{entries.number(store, acknowledgments.ACKS, added['id'])}"
        click.echo(_("Zapisano potwierdzenie {ref} (wersja {version}).", ref=ref, version=version))
    else:
        click.echo(_("To potwierdzenie było już zapisane."))


@ack.command("list", help="Rejestr potwierdzeń: kto, kiedy, gdzie, zakres, dokument.")
@click.option("--group", type=GROUP)
@click.pass_context
def ack_list(ctx: click.Context, group: str | None) -> None:
    store = ctx.obj.workspace.store
    names = {p.id: p.name for p in people.everyone(store, include_left=True)}
    for number, a in enumerate(store.query(acknowledgments.ACKS), start=1):
        if group and a.get("group") != group:
            continue
        gone = "  " + _("[WYCOFANE — nie liczy się]") if is_withdrawn(a) else ""
        click.echo(
            f"#{number:<4}{a['date']}  {names.get(a['person']['id'], a['person']['id'])}  "
            + _("wersja {version}", version=a["version"])
            + f"  {a['place']}  {a['scope']}  {a['document'] or a['method']}{gone}"
        )
        for note in history_notes(a):
            click.echo("      " + note)


# ------------------------------------------------------------------ register


@standards.group(
    "register", help="Rejestr zgłoszeń i proponowanych zmian Standardów (bez danych identyfikujących dziecko)."
)
def register_cmd() -> None:
    pass


@register_cmd.command("add", help="Dodaj wpis do rejestru.")
@click.option("--summary", required=True, help="Opis — bez imion, nazwisk i PESEL dziecka.")
@click.option("--channel", type=vocabulary.Param(register.CHANNEL_WORDS), required=True, help="Kanał zgłoszenia.")
@click.option("--kind", type=vocabulary.Param(register.KINDS), default="zgloszenie", show_default=True)
@click.option("--status", type=vocabulary.Param(register.STATUS_WORDS), default="nowe", show_default=True)
@click.option("--date", "day", help="Data zgłoszenia (RRRR-MM-DD), domyślnie dziś.")
@click.option("--force", is_flag=True, help="Zapisz mimo ostrzeżenia o danych osobowych.")
@click.pass_context
def register_add(
    ctx: click.Context, summary: str, channel: str, kind: str, status: str, day: str | None, force: bool
) -> None:
    store = ctx.obj.workspace.store
    warnings = register.identity_warnings(store, summary)
    entry = register.add(
        store, day=_date(day, "--date"), channel=channel, kind=kind, summary=summary, status=status, force=force
    )
    for w in warnings:
        click.secho(_("UWAGA: {warning}", warning=w), fg="yellow", err=True)
    click.echo(_("Dodano wpis {id}.", id=entry["id"]))


@register_cmd.command("list", help="Wypisz rejestr.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def register_list(ctx: click.Context, as_json: bool) -> None:
    found = register.entries(ctx.obj.workspace.store)
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    for e in found:
        click.echo(
            f"{e[refs.FIELD]}  {e['id']}  {e['date']}  {register.CHANNEL_LABELS[e['channel']]}  {register.KIND_LABELS[e['kind']]}  [{register.STATUS_LABELS[e['status']]}]  {e['summary']}"
        )


@register_cmd.command("status", help="Zmień status wpisu.")
@click.argument("entry_id")
@click.argument("status", type=vocabulary.Param(register.STATUS_WORDS))
@click.pass_context
def register_status(ctx: click.Context, entry_id: str, status: str) -> None:
    register.set_status(ctx.obj.workspace.store, entry_id, status)
    click.echo(_("Zmieniono status na „{status}”.", status=register.STATUS_LABELS[status]))


# -------------------------------------------------------------------- survey


@standards.group("survey", help="Ankieta monitorująca: badanie, druk, odpowiedzi (ręcznie lub CSV), podsumowanie.")
def survey_cmd() -> None:
    pass


@survey_cmd.command("start", help="Rozpocznij nowe badanie ankietowe.")
@click.option("--survey", "name", type=SURVEY, default="personel", show_default=True)
@click.option("--date", "day", help="Data badania (RRRR-MM-DD), domyślnie dziś.")
@click.pass_context
def survey_start(ctx: click.Context, name: str, day: str | None) -> None:
    rec = survey.start_round(ctx.obj.workspace.store, name, _date(day, "--date"))
    click.echo(_("Rozpoczęto badanie {id} ({date}).", id=rec["id"], date=rec["date"]))


@survey_cmd.command("print", help="Wydrukuj puste ankiety (anonimowe) w jednym pliku PDF.")
@click.option("--survey", "name", type=SURVEY, default="personel", show_default=True)
@click.option("--copies", type=click.IntRange(1, 500), default=1, show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def survey_print(ctx: click.Context, name: str, copies: int, out: Path | None) -> None:
    from somflow.forms.documents import generate_many

    workspace = ctx.obj.workspace
    target = prepare_output(out or workspace.root / "druk" / f"ankieta-{name}.pdf")
    documents = generate_many(workspace, survey.form_id(name), [{} for _i in range(copies)])
    _print_file(workspace, documents, target)
    click.echo(_("Ankiety do druku ({count}): {file}", count=copies, file=target))


@survey_cmd.command("add", help="Zapisz odpowiedzi jednej osoby (z pliku, z opcji --answer albo pytanie po pytaniu).")
@click.option("--survey", "name", type=SURVEY, default="personel", show_default=True)
@click.option("--round", "round_id", help="Badanie (id albo data); domyślnie ostatnie.")
@click.option(
    "--data",
    "data_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Plik YAML/JSON z odpowiedziami.",
)
@click.option("--answer", "answers", multiple=True, help="pytanie=odpowiedź, np. zna_standardy=tak (można powtarzać).")
@click.pass_context
def survey_add(
    ctx: click.Context, name: str, round_id: str | None, data_file: Path | None, answers: tuple[str, ...]
) -> None:
    store = ctx.obj.workspace.store
    round_rec = survey.round_for(store, name, round_id)
    raw: dict[str, Any] = {}
    if data_file is not None:
        raw.update(datafile.load_mapping(data_file))
    for item in answers:
        key, sep, value = item.partition("=")
        if not sep:
            raise InvalidInput([_("Opcja --answer: „{item}” — oczekiwano pytanie=odpowiedź.", item=item)])
        raw[key.strip()] = value
    if data_file is None and not answers:
        from somflow.forms.prompts import DRAFTS, keeping_draft

        with keeping_draft(
            ctx.obj.workspace.root / DRAFTS, f"ankieta-{name}", raw, f"somflow standards survey add --survey {name}"
        ):
            from somflow.unitkind import unit_type

            for q in survey.questions(round_rec["survey"], unit_type(ctx.obj.workspace.config)):
                raw[q.name] = _ask_answer(round_rec["survey"], q)
            added = survey.add_response(store, round_rec, raw)
    else:
        added = survey.add_response(store, round_rec, raw)
    ref = f"ankieta#{entries.number(store, survey.RESPONSES, added['id'])}"
    click.echo(
        _("Zapisano ankietę {ref} ({count} w tym badaniu).", ref=ref, count=len(survey.responses(store, round_rec)))
    )


def _ask_answer(form: str, question) -> str:
    """One question of the questionnaire, asked again at once when the answer is not allowed (Enter: no answer)."""
    hint = " (" + "/".join(c.value for c in question.choices) + ")" if question.choices else ""
    while True:
        answer = click.prompt(pick(question.label) + hint, default="", show_default=False)
        _answers, problems = survey.clean(form, {question.name: answer})
        if not problems:
            return answer
        for problem in problems:
            click.secho("  " + problem, fg="red", err=True)


@survey_cmd.command(
    "import",
    help="Zaimportuj odpowiedzi z pliku CSV (wiersz = osoba, kolumny = nazwy pytań); błędny plik nie importuje niczego.",
)
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--survey", "name", type=SURVEY, default="personel", show_default=True)
@click.option("--round", "round_id")
@click.pass_context
def survey_import(ctx: click.Context, csv_file: Path, name: str, round_id: str | None) -> None:
    store = ctx.obj.workspace.store
    round_rec = survey.round_for(store, name, round_id)
    count = survey.import_csv(store, round_rec, csv_file)
    click.echo(ngettext("Zaimportowano {n} ankietę.", "Zaimportowano {n} ankiet.", count))


@survey_cmd.command("summary", help="Podsumowanie badania: liczby odpowiedzi na pytania, odpowiedzi opisowe.")
@click.option("--survey", "name", type=SURVEY, default="personel", show_default=True)
@click.option("--round", "round_id")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def survey_summary(ctx: click.Context, name: str, round_id: str | None, as_json: bool) -> None:
    from somflow.unitkind import unit_type

    summary = survey.summarize(
        ctx.obj.workspace.store,
        survey.round_for(ctx.obj.workspace.store, name, round_id),
        unit_type(ctx.obj.workspace.config),
    )
    if as_json:
        payload = {
            "survey": summary.survey,
            "round": summary.round["date"],
            "respondents": summary.respondents,
            "suppressed": summary.suppressed,
            "questions": [
                {
                    "name": qs.question.name,
                    "counts": {} if summary.suppressed else dict(qs.counts),
                    "texts": [] if summary.suppressed else qs.texts,
                }
                for qs in summary.questions
            ],
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    click.echo(
        ngettext(
            "Badanie z {date}: {n} ankieta.",
            "Badanie z {date}: {n} ankiet.",
            summary.respondents,
            date=summary.round["date"],
        )
    )
    if summary.suppressed:
        click.echo(
            _(
                "Mniej niż {min} ankiet — wyników nie pokazuje się, aby nie ujawnić odpowiedzi pojedynczych osób.",
                min=survey.MIN_GROUP,
            )
        )
        return
    for qs in summary.questions:
        click.echo(pick(qs.question.label))
        if qs.question.type in survey.CLOSED_TYPES:
            parts = [f"{pick(c.label)}: {qs.counts.get(c.value, 0)}" for c in qs.question.choices]
            parts.append(_("brak odpowiedzi: {count}", count=qs.counts.get(survey.NO_ANSWER, 0)))
            click.echo("  " + ", ".join(parts))
        else:
            for text in qs.texts:
                click.echo(f"  – {text}")


# ------------------------------------------------------------ report, review


@standards.command("report", help="Sporządź raport z realizacji Standardów (PDF do podpisu kierownika jednostki).")
@click.option("--year", type=int, help="Rok raportu (domyślnie najbliższy niesporządzony).")
@click.option(
    "--conclusions",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Plik tekstowy z wnioskami koordynatora.",
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def report_cmd(ctx: click.Context, year: int | None, conclusions: Path | None, out: Path | None) -> None:
    from somflow_standards import report  # heavy (reportlab): only when a report is made

    workspace = ctx.obj.workspace
    conf = settings.load(workspace.config)
    today = calendar.today()
    year = report_year(workspace.store, conf, today, year)
    text = decode_text(conclusions.read_bytes(), conclusions) if conclusions else ""  # UTF-8, or cp1250 from Notepad
    target, figures = report.generate(workspace, conf, year, today, text, out)
    click.echo(_("Raport za lata {start}–{end} zapisano w {file}.", start=year - 2, end=year, file=target))
    click.echo(_("Termin przekazania kierownikowi jednostki: {due}.", due=figures.due.isoformat()))


@standards.command("review", help="Zapisz przegląd Standardów (kolejny termin liczy się od tej daty).")
@click.option("--date", "day", help="Data przeglądu (RRRR-MM-DD), domyślnie dziś.")
@click.option("--note", default="")
@click.pass_context
def review_cmd(ctx: click.Context, day: str | None, note: str) -> None:
    ctx.obj.workspace.store.insert(REVIEWS, {"date": _date(day, "--date").isoformat(), "note": note})
    click.echo(_("Zapisano przegląd Standardów."))
