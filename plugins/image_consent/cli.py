"""``somflow consent ...`` (alias ``somflow zgody ...``): the secretary's commands for image consents."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click
from somflow_image_consent import CONSENT_HELP, printing, register, sheet
from somflow_image_consent import children as children_mod
from somflow_image_consent.vocabulary import (
    PHOTO_WORDS,
    channel,
    channel_label,
)

from somflow import calendar, vocabulary
from somflow.calendar import option_date
from somflow.corrections import history_notes
from somflow.errors import InvalidInput
from somflow.fileio import safe_filename
from somflow.i18n import _, ngettext
from somflow.people import classlist
from somflow.people import register as people_register
from somflow.user_errors import UserErrorsGroup


def _workspace():
    return click.get_current_context().find_root().obj.workspace


def child_argument(f):
    """CHILD (id, or first name and surname) and --group to tell namesakes apart."""
    f = click.option("--group", help="Klasa, gdy imię i nazwisko nie wystarczą.")(f)
    return click.argument("child")(f)


class ConsentGroup(UserErrorsGroup):
    """Turns a somflow error into its Polish message and exit code here, so CliRunner sees what a shell sees."""


@click.group(name="consent", cls=ConsentGroup, help=CONSENT_HELP)
def consent() -> None:
    pass


@consent.command(
    name="import",
    help="Zaimportuj albo zaktualizuj dzieci i rodziców z listy klasy (CSV z dziennika elektronicznego, UTF-8 albo Windows-1250); powtórny import zmienia tylko to, co się zmieniło.",
)
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Pokaż, co by się zmieniło, niczego nie zapisując.")
def import_(csv_file: Path, dry_run: bool) -> None:
    report = classlist.import_file(_workspace().store, csv_file, dry_run=dry_run)
    for line in report.lines():
        click.echo(line)


@consent.command(
    name="print",
    help="Wydrukuj formularze zgody dla klasy (--group) albo całej placówki (--all): jeden plik PDF, kod QR na każdej stronie.",
)
@click.option("--group", "groups", multiple=True, help="Klasa/grupa (można kilka razy).")
@click.option("--all", "all_", is_flag=True, help="Wszystkie dzieci w placówce.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Plik PDF do druku (domyślnie zgody-<klasa>-<data>.pdf).",
)
@click.option("--from", "valid_from", help="Zgoda od dnia (RRRR-MM-DD; domyślnie 1 września bieżącego roku szkolnego).")
@click.option("--to", "valid_to", help="Zgoda do dnia (RRRR-MM-DD; domyślnie 31 sierpnia).")
def print_(groups: tuple[str, ...], all_: bool, out: Path | None, valid_from: str | None, valid_to: str | None) -> None:
    workspace = _workspace()
    today = calendar.today()
    kids = printing.children_to_print(workspace, list(groups), all_, today)
    out = out or Path.cwd() / safe_filename(f"zgody-{printing.batch_name(list(groups), all_)}-{today.isoformat()}.pdf")
    with click.progressbar(length=len(kids), label=_("Formularze"), file=sys.stderr) as bar:
        printed = printing.print_forms(
            workspace,
            kids,
            out=out,
            valid_from=option_date(valid_from, "--from"),
            valid_to=option_date(valid_to, "--to"),
            progress=bar.update,
        )
    documents = ngettext("{n} formularz zgody", "{n} formularzy zgody", len(printed.documents))
    pages = ngettext("{n} strona", "{n} stron", printed.pages)
    click.echo(_("Wydrukowano {documents} ({pages}) do pliku {file}.", documents=documents, pages=pages, file=out))


@consent.command(help="Wpisz zgodę zwróconą na papierze (zaznaczenia rodzica); nowsza zgoda zastępuje starszą.")
@child_argument
@click.option("--document", "document_id", help="Identyfikator wydrukowanego formularza (obok kodu QR).")
@click.option(
    "--channel",
    "channels",
    multiple=True,
    help="Kanał: strona_www (website), media_spolecznosciowe (social-media), tablica, druk, prasa_media.",
)
@click.option(
    "--purpose",
    "purposes",
    multiple=True,
    help="Zaznaczony cel: edukacyjne, wychowawcze, promocyjne, dokumentacyjne albo wszystkie (wymagane przy zgodzie).",
)
@click.option(
    "--photo",
    "photos",
    multiple=True,
    help="Zaznaczony rodzaj zdjęć: indywidualne, grupowe albo wszystkie (wymagane przy zgodzie).",
)
@click.option("--from", "valid_from", help="Od dnia (RRRR-MM-DD; domyślnie z formularza albo 1 września).")
@click.option("--to", "valid_to", help="Do dnia (RRRR-MM-DD; domyślnie z formularza albo 31 sierpnia).")
@click.option(
    "--after-leaving/--no-after-leaving", default=False, help="Czy zgoda obejmuje okres po odejściu dziecka z placówki."
)
@click.option("--child-view", type=vocabulary.Param(("tak", "nie")), help="Zdanie dziecka.")
@click.option("--refused", is_flag=True, help="Rodzic NIE wyraził zgody.")
@click.option("--context", default="", help="Kontekst wykorzystania wizerunku.")
@click.option("--signed", help="Data podpisu (RRRR-MM-DD; domyślnie dziś).")
def record(
    child,
    group,
    document_id,
    channels,
    purposes,
    photos,
    valid_from,
    valid_to,
    after_leaving,
    child_view,
    refused,
    context,
    signed,
) -> None:
    workspace = _workspace()
    kid = children_mod.find(workspace, child, group)
    choices = register.typed(
        refused=refused,
        channels=channels,
        purposes=purposes,
        photos=photos,
        valid_from=option_date(valid_from, "--from"),
        valid_to=option_date(valid_to, "--to"),
        after_leaving=after_leaving,
        child_view=child_view,
        context=context,
        signed_on=option_date(signed, "--signed"),
    )
    new = register.record(workspace, kid, choices, document_id=document_id)
    if refused:
        click.echo(
            _(
                "Zapisano: rodzic nie wyraził zgody ({child}, klasa {group}).",
                child=children_mod.full_name(kid),
                group=kid.get("group"),
            )
        )
    else:
        click.echo(
            _(
                "Zapisano zgodę ({child}, klasa {group}): {channels}; od {start} do {end}.",
                child=children_mod.full_name(kid),
                group=kid.get("group"),
                channels=", ".join(channel_label(c) for c in new["channels"]),
                start=new["valid_from"],
                end=new["valid_to"],
            )
        )


@consent.command(help="Zapisz wycofanie zgody przez rodzica (od podanego dnia nic nie publikujemy).")
@child_argument
@click.option("--date", "on", help="Dzień wycofania (RRRR-MM-DD; domyślnie dziś).")
def withdraw(child: str, group: str | None, on: str | None) -> None:
    workspace, kid, when = _workspace(), *_child_and_day(child, group, on)
    register.withdraw(workspace, kid, when)
    click.echo(
        _(
            "Zapisano wycofanie zgody ({child}) z dniem {when}.",
            child=children_mod.full_name(kid),
            when=when.isoformat(),
        )
    )


@consent.command(
    help="Zapisz odejście dziecka z placówki (publikacja dalej tylko, jeśli zgoda obejmuje okres po odejściu)."
)
@child_argument
@click.option("--date", "on", help="Dzień odejścia (RRRR-MM-DD; domyślnie dziś).")
def leave(child: str, group: str | None, on: str | None) -> None:
    workspace, kid, when = _workspace(), *_child_and_day(child, group, on)
    children_mod.mark_left(workspace, kid, when)
    click.echo(
        _(
            "Zapisano odejście dziecka ({child}) z dniem {when}.",
            child=children_mod.full_name(kid),
            when=when.isoformat(),
        )
    )


def _child_and_day(child: str, group: str | None, on: str | None) -> tuple[dict, date]:
    return children_mod.find(_workspace(), child, group), option_date(on, "--date") or calendar.today()


def _media_note(channels) -> None:
    if "prasa_media" in [channel(c) for c in channels]:
        click.echo(
            _(
                "Prasa i media: rejestrować wizerunek mogą wyłącznie za zgodą dyrektora, po pisemnej zgodzie rodziców i samego dziecka."
            )
        )


def _other_kind_heading(kind: str, count: int) -> str:
    """``check``'s heading over the children whose consent allows ``kind`` of photo only (the other kind was asked about)."""
    if kind == "grupowe":
        return _(
            "MOGĄ wystąpić tylko na zdjęciach grupowych ({count}) – nie fotografować ich indywidualnie:", count=count
        )
    return _("MOGĄ wystąpić tylko na zdjęciach indywidualnych ({count}) – nie fotografować ich w grupie:", count=count)


@consent.command(
    help="Kto może, a kto nie może wystąpić na zdjęciu publikowanym w danym kanale (dzieci bez zwróconej zgody = brak zgody)."
)
@click.option("--group", "groups", multiple=True, help="Klasa/grupa (można kilka razy; domyślnie wszystkie).")
@click.option("--channel", "channels", multiple=True, help="Kanał publikacji (można kilka razy).")
@click.option("--date", "on", help="Dzień publikacji (RRRR-MM-DD; domyślnie dziś).")
@click.option("--photo", help="Rodzaj zdjęcia: indywidualne albo grupowe.")
@click.option("--json", "as_json", is_flag=True, help="Wynik jako JSON.")
def check(groups, channels, on, photo, as_json) -> None:
    workspace = _workspace()
    when = option_date(on, "--date") or calendar.today()
    verdicts = sheet.check(
        workspace, list(groups), sheet.wanted_channels(channels), when, PHOTO_WORDS.value(photo) if photo else None
    )
    if as_json:
        rows = [
            {
                "id": v.child["id"],
                "name": children_mod.full_name(v.child),
                "group": v.child.get("group"),
                "allowed": v.answer.allowed,
                "reason": v.answer.reason,
                "pending_scan": v.answer.pending_scan,
                "limits": v.limits,
                "other_kind": v.other_kind,
            }
            for v in verdicts
        ]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    allowed = [v for v in verdicts if v.answer.allowed]
    other_kind = [v for v in verdicts if v.other_kind]
    refused = [v for v in verdicts if not v.answer.allowed and not v.other_kind]
    click.echo(
        _(
            "Stan na {date}, kanały: {channels}.",
            date=when.isoformat(),
            channels=", ".join(channel_label(c) for c in sheet.wanted_channels(channels)),
        )
    )
    click.echo(_("MOGĄ wystąpić ({count}):", count=len(allowed)))
    for v in allowed:
        click.echo(
            f"  {children_mod.full_name(v.child)} ({v.child.get('group')}) – {'; '.join([v.answer.reason, *v.limits])}"
        )
    if other_kind:
        click.echo(_other_kind_heading(other_kind[0].other_kind, len(other_kind)))
        for v in other_kind:
            click.echo(f"  {children_mod.full_name(v.child)} ({v.child.get('group')}) – {'; '.join(v.limits)}")
    click.echo(
        _(
            "NIE MOGĄ wystąpić ({count}) – nie fotografować ich ani indywidualnie, ani w grupie, nie wykluczając ich z zajęć:",
            count=len(refused),
        )
    )
    for v in refused:
        click.echo(f"  {children_mod.full_name(v.child)} ({v.child.get('group')}) – {v.answer.reason}")
    _media_note(channels)
    waiting = sum(1 for v in verdicts if v.answer.pending_scan)
    if waiting:
        click.echo(
            ngettext(
                "Uwaga: {n} zwrócony formularz czeka na wpisanie zaznaczeń (somflow consent record DZIECKO ...).",
                "Uwaga: {n} zwróconych formularzy czeka na wpisanie zaznaczeń (somflow consent record DZIECKO ...).",
                waiting,
            )
        )


@consent.command(
    name="sheet",
    help="Lista dla fotografa na wydarzenie: dzieci, których nie fotografujemy (imię, inicjał nazwiska, klasa).",
)
@click.argument("event")
@click.option("--group", "groups", multiple=True, help="Klasa/grupa (można kilka razy; domyślnie wszystkie).")
@click.option("--channel", "channels", multiple=True, help="Gdzie zdjęcia zostaną opublikowane (można kilka razy).")
@click.option("--date", "on", help="Dzień wydarzenia (RRRR-MM-DD; domyślnie dziś).")
@click.option("--photo", help="Rodzaj zdjęć: indywidualne albo grupowe.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Zapisz listę do druku jako PDF.")
def sheet_(event, groups, channels, on, photo, out) -> None:
    workspace = _workspace()
    when = option_date(on, "--date") or calendar.today()
    wanted = sheet.wanted_channels(channels)
    lists = sheet.event_lists(workspace, list(groups), wanted, when, PHOTO_WORDS.value(photo) if photo else None)
    excluded, other_kind, limited = lists
    click.echo(_("Lista dla fotografa – {event}, {date}", event=event, date=when.isoformat()))
    click.echo(_("Nie fotografować (ani indywidualnie, ani w grupie) – {count}:", count=len(excluded)))
    for number, v in enumerate(excluded, start=1):
        click.echo(f"{number:>3}. {children_mod.short_name(v.child)}  {v.child.get('group')}")
    if other_kind:
        click.echo(f"{sheet.other_kind_heading(other_kind[0].other_kind)} – {len(other_kind)}:")
        for number, v in enumerate(other_kind, start=1):
            click.echo(
                f"{number:>3}. {children_mod.short_name(v.child)}  {v.child.get('group')}  – {'; '.join(v.limits)}"
            )
    if limited:
        click.echo(_("Z ograniczeniami – fotografować tylko tak, jak pozwala zgoda ({count}):", count=len(limited)))
        for number, v in enumerate(limited, start=1):
            click.echo(
                f"{number:>3}. {children_mod.short_name(v.child)}  {v.child.get('group')}  – {'; '.join(v.limits)}"
            )
    _media_note(wanted)
    if out is not None:
        groups_shown = [children_mod.normalise_group(g) for g in groups]
        sheet.write(workspace, out, sheet.render(workspace, event, groups_shown, wanted, when, lists))
        click.echo(_("Zapisano listę do druku: {file}", file=out))


@consent.command(name="list", help="Rejestr zgód: stan zgody każdego dziecka w klasie.")
@click.option("--group", "groups", multiple=True, help="Klasa/grupa (można kilka razy; domyślnie wszystkie).")
def list_(groups) -> None:
    workspace = _workspace()
    consents = register.by_child(workspace)
    kids = children_mod.in_groups(workspace, list(groups))
    if not kids:
        message = _("Brak dzieci w wybranych klasach. Najpierw zaimportuj listę: somflow consent import PLIK.csv")
        if groups:
            raise InvalidInput([message])
        click.echo(message)
    today = calendar.today()
    for child in kids:
        number = _("nr {nr}", nr=people_register.number(child))
        gone = "  " + _("(odszedł/odeszła {date})", date=child["left_on"]) if children_mod.left(child, today) else ""
        click.echo(
            f"{number:<7} {children_mod.full_name(child)} ({child.get('group')}): {register.describe(consents.get(child['id'], []))}{gone}"
        )


@consent.command(name="history", help="Historia zgód jednego dziecka (starsze zgody zostają w rejestrze).")
@child_argument
def history_(child: str, group: str | None) -> None:
    workspace = _workspace()
    kid = children_mod.find(workspace, child, group)
    entries = register.history(workspace, kid["id"])
    if not entries:
        click.echo(_("Brak zgód w rejestrze."))
    counted = {c["id"]: c for c in register.counted(entries)}
    for number, entry in enumerate(entries, start=1):
        now = counted.get(entry["id"])
        if now is None:
            state = _("wpis wycofany — nie liczy się")
        elif now.get("superseded_by"):
            state = _("zastąpiona")
        else:
            state = _("czeka na wpisanie") if entry.get("state") == register.PENDING else _("obowiązuje")
        click.echo(
            f"#{number:<3}{entry['recorded_at'][:10]}  [{state}]  {register.describe([{**entry, 'superseded_by': None, 'withdrawn': None}])}"
        )
        for note in history_notes(entry):
            click.echo("      " + note)
    if entries:
        click.echo(
            _('Błędny wpis wycofuje: somflow withdraw "{child}#NUMER" --reason "…"', child=children_mod.full_name(kid))
        )


#: The same commands under the Polish name.
zgody = ConsentGroup(name="zgody", commands=consent.commands, help=consent.help)
