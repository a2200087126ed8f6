"""Interactive entry that forgives: questions derived from the spec, each answer checked when given.

An answer that breaks its field's rules (the spec's Cerberus rules, the same
as for ``--data``) is explained and asked again at once, never only at the
end. Dates may be written the Polish way (``3.12.2026``, ``03.12.2026``) or
ISO (one parser: :func:`somflow.calendar.parse_date`); yes/no questions take
``t``/``tak``/``n``/``nie``. Answers are kept as they are given, so Ctrl-C
(or the end of input) and a refusal of the whole at the end offer to keep
them in a draft file (owner-only YAML in ``drafts/``) that ``--data`` reads
back (:func:`keeping_draft`).

Defaults come from ``somflow.toml`` (a field's ``prefill`` key, e.g.
``institution.name``) and from a store record (``--person ID``: fields of the
record with the same name as a form field). A summary is shown before anything
is written.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from somflow.errors import InvalidInput
from somflow.forms.schema import check_value, rule
from somflow.forms.spec import Field, FormSpec, Group
from somflow.i18n import _, pick

YES = ("t", "tak", "y", "yes")
NO = ("n", "nie", "no")


def interactive() -> bool:
    """True when somebody can answer questions: input comes from a terminal (not a script or a pipe)."""
    return sys.stdin is not None and sys.stdin.isatty()


def yes_no(question: str, default: bool | None = None) -> bool:
    """Ask a yes/no question until answered: t/tak/n/nie (and y/yes/no); Enter takes ``default`` when there is one."""
    hint = {True: "T/n", False: "t/N", None: "t/n"}[default]
    while True:
        answer = click.prompt(f"{question} [{hint}]", default="", show_default=False, prompt_suffix=" ").strip().lower()
        if answer == "" and default is not None:
            return default
        if answer in YES:
            return True
        if answer in NO:
            return False
        click.secho(_("  Odpowiedz t (tak) albo n (nie)."), fg="red", err=True)


def config_value(config: dict[str, Any], dotted: str) -> Any:
    value: Any = config
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _show(field: Field, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if field.type == "checkbox":
        return _("tak") if value else _("nie")
    if field.type == "choice":
        return field.choice_label(value)
    if field.type == "multichoice":
        return ", ".join(field.choice_label(v) for v in value)
    return str(value)


def _parse_choice(field: Field, answer: str) -> Any:
    """Numbers of the listed options (1, 2 …) or their values."""
    parts = [p.strip() for p in answer.split(",") if p.strip()]
    values = []
    for part in parts:
        if part.isdigit() and 1 <= int(part) <= len(field.choices):
            values.append(field.choices[int(part) - 1].value)
        else:
            values.append(part)
    if field.type == "choice":
        return values[0] if values else ""
    return values


def ask_field(spec: FormSpec, field: Field, default: Any = None, position: str = "") -> Any:
    """Ask for one field until the answer passes its rules; returns the normalised value (None when skipped)."""
    label = pick(field.label) + (f" ({position})" if position else "")
    if field.type in ("choice", "multichoice"):
        for number, choice in enumerate(field.choices, start=1):
            click.echo(f"  {number}. {pick(choice.label)}")
    if field.help:
        click.echo("  " + pick(field.help))
    shown_default = None
    if default not in (None, "", []):
        shown_default = _show(field, default) if field.type in ("checkbox", "multichoice", "choice") else str(default)
    while True:
        suffix = "" if field.required else _(" (Enter — pomiń)")
        answer = click.prompt(
            label + suffix,
            default=shown_default if shown_default is not None else "",
            show_default=shown_default is not None,
        )
        answer = answer.strip()
        if shown_default is not None and answer == shown_default:
            value = default
        elif answer == "" and not field.required:
            return None
        elif field.type in ("choice", "multichoice"):
            value = _parse_choice(field, answer)
        else:
            value = answer
        normalised, problem = check_value(spec, field, value)
        if problem is None:
            return normalised
        click.secho(_("  Błąd: {problem}. Oczekiwano: {rule}.", problem=problem, rule=rule(field)), fg="red", err=True)


def ask_group(
    spec: FormSpec, group: Group, defaults: list[dict[str, Any]], rows: list[dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """Ask how many rows, then each row's fields; every answer goes into ``rows`` as it is given."""
    rows = [] if rows is None else rows
    limit = None if group.continuation else group.max
    text = _("Ile pozycji „{label}” wpisać?", label=pick(group.label))
    count = click.prompt(text, type=click.IntRange(group.min, limit), default=max(len(defaults), group.min))
    for index in range(count):
        click.echo(f"— {pick(group.label)} {index + 1}")
        previous = defaults[index] if index < len(defaults) else {}
        row: dict[str, Any] = {}
        rows.append(row)
        for field in group.fields:
            value = ask_field(
                spec, field, previous.get(field.name), position=f"{pick(group.label).lower()} {index + 1}"
            )
            if value is not None:
                row[field.name] = value
    return rows


def ask(
    spec: FormSpec, config: dict[str, Any], defaults: dict[str, Any] | None = None, data: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Ask every field and group of ``spec`` in print order; each answer goes into ``data`` as it is given (returned)."""
    defaults = dict(defaults or {})
    data = {} if data is None else data
    click.echo(pick(spec.title))
    for section in spec.sections:
        click.secho(section.heading(), bold=True)
        for field in section.fields:
            default = defaults.get(field.name)
            if default is None and field.prefill:
                default = config_value(config, field.prefill)
            value = ask_field(spec, field, default)
            if value is not None:
                data[field.name] = value
        for group in section.groups:
            rows = data.setdefault(group.name, [])
            ask_group(spec, group, list(defaults.get(group.name) or []), rows)
            if not rows:
                del data[group.name]
    return data


def summary(spec: FormSpec, data: dict[str, Any]) -> list[str]:
    """Lines "label: value" of everything that will be printed."""
    lines = []
    for section in spec.sections:
        lines.append(section.heading())
        for field in section.fields:
            lines.append(f"  {pick(field.label)}: {_show(field, data.get(field.name))}")
        for group in section.groups:
            for index, row in enumerate(data.get(group.name) or [], start=1):
                lines.append(f"  {pick(group.label)} {index}:")
                lines += [f"    {pick(f.label)}: {_show(f, row.get(f.name))}" for f in group.fields]
    return lines


# ------------------------------------------------------------------ drafts

#: The workspace folder drafts are kept in.
DRAFTS = "drafts"


def save_draft(folder: Path, name: str, answers: dict[str, Any]) -> Path:
    """Write ``answers`` as an owner-only YAML file ``NAME-YYYYMMDD-HHMMSS.yaml`` in ``folder``, readable by ``--data``."""
    import yaml

    from somflow.fileio import make_private_dir, write_private

    make_private_dir(folder)
    path = folder / f"{name}-{datetime.now().strftime('%Y%m%d-%H%M%S')}.yaml"
    write_private(path, yaml.safe_dump(answers, allow_unicode=True, sort_keys=False).encode("utf-8"))
    return path


def offer_draft(folder: Path, name: str, answers: dict[str, Any], command: str) -> Path | None:
    """Offer to keep the answers given so far; kept when nobody can answer any more (end of input)."""
    if not answers:
        return None
    try:
        keep = yes_no(_("Zachować dotychczasowe odpowiedzi w szkicu, aby dokończyć później?"), default=True)
    except click.Abort:
        keep = True
    if not keep:
        return None
    path = save_draft(folder, name, answers)
    click.secho(
        _(
            "Odpowiedzi zapisano w pliku {path} (dostęp tylko dla właściciela). Popraw go lub uzupełnij i użyj: {command} --data {path}",
            path=path,
            command=command,
        ),
        fg="yellow",
        err=True,
    )
    return path


@contextmanager
def keeping_draft(folder: Path, name: str, answers: dict[str, Any], command: str) -> Iterator[dict[str, Any]]:
    """Inside the block, Ctrl-C (or the end of input) or a refusal of the answers (:class:`InvalidInput`,
    whose messages are shown first, then the command ends with its exit code) offers to keep
    ``answers`` in a draft (:func:`offer_draft`)."""
    try:
        yield answers
    except click.Abort:
        click.echo(err=True)
        offer_draft(folder, name, answers, command)
        raise
    except InvalidInput as exc:
        click.secho(_("Odpowiedzi są niepoprawne, nic nie zapisano:"), fg="red", err=True)
        for message in exc.messages:
            click.secho("  " + message, fg="red", err=True)
        offer_draft(folder, name, answers, command)
        raise click.exceptions.Exit(exc.exit_code) from None
