"""Deadlines and reminders as a core plugin: ``somflow deadlines``, ``somflow remind`` and a status line."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from somflow import calendar, hookimpl
from somflow.deadlines import Deadline, collect, open_deadlines
from somflow.errors import SomflowError
from somflow.i18n import _
from somflow.reminders import digest as digest_mod
from somflow.reminders.ledger import COLLECTION, SENT, Ledger
from somflow.reminders.plan import Plan, plan
from somflow.workspace import Workspace

# The calendar file (icalendar), the lock and the mail client (ssl) are imported by the commands
# that use them: ``somflow deadlines`` and ``somflow status`` need none of them.

LOCK_NAME = ".somflow-remind.lock"

today_option = click.option(
    "--today",
    metavar="RRRR-MM-DD",
    help="Licz tak, jakby dziś był podany dzień, np. żeby sprawdzić, co wyjdzie jutro.",
)


def _today(value: str | None) -> date:
    return calendar.option_date(value, "--today") or calendar.today()


def _report_plugin_errors(errors: list[str]) -> None:
    for message in errors:
        click.secho(message, fg="red", err=True)


def status_label(deadline: Deadline, today: date) -> str:
    left = deadline.days_left(today)
    return _("PO TERMINIE") if left < 0 else _("DZIŚ") if left == 0 else digest_mod.when(deadline, today)


@click.command("deadlines", help="Terminy ze wszystkich wtyczek: najpierw zaległe, potem najbliższe.")
@click.option("--days", type=click.IntRange(min=0), default=None, help="Tylko terminy w ciągu N dni (zaległe zawsze).")
@click.option("--json", "as_json", is_flag=True, help="Wynik jako JSON.")
@click.option(
    "--ics",
    "ics_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Zapisz terminy do pliku iCalendar (.ics) do zaimportowania w Outlooku lub Kalendarzu Google.",
)
@today_option
@click.pass_context
def deadlines_command(
    ctx: click.Context, days: int | None, as_json: bool, ics_file: Path | None, today: str | None
) -> None:
    workspace: Workspace = ctx.obj.workspace
    day = _today(today)
    errors: list[str] = []
    found = open_deadlines(workspace, day, days, errors)
    if ics_file is not None:
        from somflow import ics
        from somflow.people.mentions import known_names

        institution = workspace.config["institution"]["name"]
        names = known_names(workspace.store)
        count = ics.write(ics_file, found, unit=workspace.unit, institution=institution, names=names)
        click.echo(_("Zapisano terminy do pliku {path}: {count}.", count=count, path=ics_file), err=as_json)
    if as_json:
        rows = [d.as_json() | {"days_left": d.days_left(day), "overdue": d.overdue(day)} for d in found]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif ics_file is None:
        if not found:
            click.echo(_("Brak terminów."))
        for d in found:
            line = f"{status_label(d, day):<20} {d.due.isoformat()} ({digest_mod.weekday(d.due)})  {d.title}"
            click.secho(line, fg="red" if d.overdue(day) else None)
            details = [_("dla: {who}", who=d.audience())]
            if ref := digest_mod.record_ref(d):
                details.append(_("rekord: {ref}", ref=ref))
            details.append(_("wtyczka: {plugin}", plugin=d.plugin))
            click.echo(" " * 21 + "; ".join(details))
    if errors:
        _report_plugin_errors(errors)
        ctx.exit(1)


@click.command("remind", help="Wyślij e-mailem przypomnienia o terminach (każde tylko raz). Uruchamiaj codziennie.")
@click.option("--dry-run", is_flag=True, help="Pokaż, co zostałoby wysłane, niczego nie wysyłając ani nie zapisując.")
@today_option
@click.pass_obj
def remind(app, dry_run: bool, today: str | None) -> None:
    from filelock import FileLock, Timeout

    from somflow.reminders.smtp import SmtpError

    workspace: Workspace = app.workspace
    day = _today(today)
    errors: list[str] = []
    found = collect(workspace, day, errors)
    smtp_failures: list[str] = []
    try:
        with FileLock(str(workspace.root / LOCK_NAME), timeout=0, mode=0o600):
            ledger = Ledger.load(workspace.store)
            todo = plan(found, day, workspace.config, ledger)
            if dry_run:
                _show(todo, day)
            else:
                smtp_failures = _send(workspace, todo, ledger, day)
                if not errors:
                    ledger.prune({d.key for d in found}, day)
    except Timeout:
        raise SomflowError(_("Inne uruchomienie somflow remind właśnie trwa; spróbuj za chwilę.")) from None
    errors = errors + todo.problems + smtp_failures
    if errors:
        failure = SomflowError(
            "\n".join(errors)
            + "\n"
            + _(
                "Tego, czego nie wysłano, nie oznaczono jako wysłane; następne uruchomienie somflow remind spróbuje ponownie."
            )
        )
        failure.exit_code = SmtpError.exit_code if smtp_failures else 1
        raise failure


def _show(todo: Plan, day: date) -> None:
    if not todo.digests:
        click.echo(_("Na dziś nie ma przypomnień do wysłania."))
    for digest in todo.digests:
        click.echo(_("Do {to} (pozycje: {count}):", to=digest.recipient, count=len(digest.items)))
        for item in digest.items:
            d = item.deadline
            click.echo(f"  {d.due.isoformat()}  {d.title}  ({digest_mod.when(d, day)})")


def _send(workspace: Workspace, todo: Plan, ledger: Ledger, day: date) -> list[str]:
    """Send each digest; returns the mail server's failures as Polish messages (empty when all went out)."""
    from somflow.people.mentions import known_names
    from somflow.reminders.smtp import Mailer, SmtpError

    if not todo.digests:
        click.echo(_("Na dziś nie ma przypomnień do wysłania."))
        return []
    institution = workspace.config["institution"]["name"]
    names = known_names(workspace.store)  # masked in the e-mails, whatever a plugin put in a title
    failures: list[str] = []
    mailer = Mailer(workspace.config)
    try:
        mailer.connect()
    except SmtpError as exc:
        return [str(exc)]
    try:
        for digest in todo.digests:
            if not mailer.connected:
                failures.append(
                    _(
                        "Nie wysłano do {to}: połączenie z serwerem poczty zostało przerwane wcześniej.",
                        to=digest.recipient,
                    )
                )
                continue
            message = digest_mod.build(digest, day, sender=mailer.sender, institution=institution, names=names)
            marks = digest.marks()
            ledger.mark_sending(marks)
            try:
                mailer.send(message)
            except SmtpError as exc:
                if exc.definite:
                    ledger.forget(marks)
                failures.append(str(exc))
                continue
            ledger.mark_sent(marks)
            click.echo(_("Wysłano do {to} (pozycje: {count}).", to=digest.recipient, count=len(digest.items)))
    finally:
        mailer.close()
    return failures


@hookimpl
def somflow_register_commands(register) -> None:
    register(deadlines_command)
    register(remind)


@hookimpl
def somflow_status(workspace: Workspace) -> list[tuple[str, str]]:
    today = calendar.today()
    errors: list[str] = []
    try:
        open_ = open_deadlines(workspace, today, errors=errors)
    except SomflowError as exc:
        return [(_("Terminy"), str(exc))]
    overdue = sum(d.overdue(today) for d in open_)
    soon = sum(0 <= d.days_left(today) <= 7 for d in open_)
    line = _(
        "otwarte: {count}, po terminie: {overdue}, w ciągu 7 dni: {soon}", count=len(open_), overdue=overdue, soon=soon
    )
    if errors:
        line += " — " + _("wtyczki z błędem: {count} (somflow deadlines)", count=len(errors))
    lines = [(_("Terminy"), line)]
    records = workspace.store.query(COLLECTION)
    if records:
        sent = [r for r in records if r["status"] == SENT]
        last = max((r["sent_at"] for r in sent if r.get("sent_at")), default="-")[:10]
        text = _("wysłane: {sent}, ostatnio: {last}", sent=len(sent), last=last)
        if len(sent) < len(records):
            text += "; " + _(
                "niepotwierdzone (ponowione w następnym uruchomieniu): {count}", count=len(records) - len(sent)
            )
        lines.append((_("Przypomnienia"), text))
    return lines


@hookimpl
def somflow_web_pages(register) -> None:
    from somflow.reminders.web import PAGES

    for page in PAGES:
        register(page)
