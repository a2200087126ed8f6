"""``somflow forms`` (list, show, build, example) and ``somflow fill``, registered by :mod:`somflow.forms.plugin`."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import click
import yaml

from somflow import i18n
from somflow.errors import InvalidInput, SomflowError
from somflow.fileio import make_private_dir, write_private
from somflow.forms import acroform, datafile, prompts, thirdparty
from somflow.forms.catalog import get, registry, shipped
from somflow.forms.documents import generate_many, template_name
from somflow.forms.plugin import FILL_HELP, FORMS_HELP
from somflow.forms.printout import merge_for_print
from somflow.forms.sample import sample_data
from somflow.forms.schema import cerberus_schema
from somflow.i18n import _, pick


def _json_schema(spec) -> dict[str, Any]:
    """The Cerberus schema without its Python callables, for ``forms show --json``."""

    def clean(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items() if not callable(v)}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value

    return clean(cerberus_schema(spec))


@click.group(invoke_without_command=True, help=FORMS_HELP)
@click.option("--json", "as_json", is_flag=True, help="Wynik jako JSON.")
@click.pass_context
def forms(ctx: click.Context, as_json: bool) -> None:
    if ctx.invoked_subcommand is not None:
        return
    found = registry(ctx.obj.workspace)
    if as_json:
        click.echo(
            json.dumps(
                [{"id": s.id, "version": s.version, "title": s.title, "plugin": s.plugin} for s in found.values()],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    if not found:
        click.echo(_("Żadna wtyczka nie dostarcza formularzy."))
    for spec in sorted(found.values(), key=lambda s: s.id):
        click.echo(f"{spec.id}  {pick(spec.title)}  [{spec.plugin}]")


@forms.command(help="Pokaż pola formularza i jego schemat walidacji.")
@click.argument("form_id")
@click.option("--json", "as_json", is_flag=True, help="Wynik jako JSON.")
@click.pass_obj
def show(app, form_id: str, as_json: bool) -> None:
    spec = get(app.workspace, form_id)
    if as_json:
        sections = [
            {
                "id": s.id,
                "title": s.title,
                "fields": [
                    {"name": f.name, "label": f.label, "type": f.type, "required": f.required} for f in s.fields
                ],
                "groups": [
                    {
                        "name": g.name,
                        "label": g.label,
                        "max": g.max,
                        "continuation": g.continuation,
                        "fields": [
                            {"name": f.name, "label": f.label, "type": f.type, "required": f.required} for f in g.fields
                        ],
                    }
                    for g in s.groups
                ],
            }
            for s in spec.sections
        ]
        click.echo(
            json.dumps(
                {
                    "id": spec.id,
                    "version": spec.version,
                    "title": spec.title,
                    "plugin": spec.plugin,
                    "sections": sections,
                    "schema": _json_schema(spec),
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    click.echo(f"{spec.id} v{spec.version}: {pick(spec.title)} [{spec.plugin}]")
    for section in spec.sections:
        click.echo(section.heading())
        for f in section.fields:
            click.echo(f"  {f.name}  {f.type}{' *' if f.required else ''}  {pick(f.label)}")
        for g in section.groups:
            click.echo(f"  {g.name}[1..{g.max}{'+' if g.continuation else ''}]  {pick(g.label)}")
            for f in g.fields:
                click.echo(f"    {g.name}-<n>-{f.name}  {f.type}{' *' if f.required else ''}  {pick(f.label)}")


@forms.command(help="Wypisz przykładowy plik danych formularza (do somflow fill --data).")
@click.argument("form_id")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Zapisz do pliku (UTF-8) zamiast wypisywać; na Windows pewniejsze niż przekierowanie >.",
)
@click.pass_obj
def example(app, form_id: str, out: Path | None) -> None:
    spec = get(app.workspace, form_id)
    if spec.example is None:  # no file shipped: valid sample data derived from the spec
        text = "# " + _("Przykładowe dane wygenerowane ze specyfikacji formularza {id}.", id=form_id) + "\n"
        text += yaml.safe_dump(sample_data(spec), allow_unicode=True, sort_keys=False)
    else:
        text = spec.example.read_text(encoding="utf-8")
    if out is None:
        click.echo(text, nl=False)
        return
    # Windows consoles and PowerShell re-encode redirected output (cp1250, cp852, UTF-16): write the file ourselves.
    write_private(out, text.encode("utf-8"))
    click.echo(_("Zapisano przykładowe dane w {file}.", file=out))


@forms.command(help="Zbuduj wypełnialne szablony PDF (AcroForm) formularzy: obok ich specyfikacji albo w --out.")
@click.argument("form_ids", nargs=-1)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder na szablony (domyślnie: folder specyfikacji).",
)
@click.option(
    "--lang", "langs", multiple=True, type=click.Choice(i18n.LANGUAGES), help="Języki szablonów (domyślnie wszystkie)."
)
@click.pass_obj
def build(app, form_ids: tuple[str, ...], out_dir: Path | None, langs: tuple[str, ...]) -> None:
    found = registry(app.workspace)
    specs = [get(app.workspace, i) for i in form_ids] if form_ids else sorted(found.values(), key=lambda s: s.id)
    for spec in map(shipped, specs):  # worded for any unit, not this workspace's type
        for lang in langs or i18n.LANGUAGES:
            content = acroform.build_template(spec, lang)
            folder = out_dir or (spec.path.parent if spec.path else Path("forms"))
            make_private_dir(folder)
            target = folder / template_name(spec, lang)
            if target.is_file() and target.read_bytes() == content:
                click.echo(_("Bez zmian: {path}", path=target))
                continue
            write_private(target, content)
            click.echo(_("Zbudowano: {path}", path=target))


def _parse_record(value: str | None) -> dict[str, str] | None:
    if not value:
        return None
    collection, sep, ident = value.partition(":")
    if not sep or not collection or not ident:
        raise click.BadParameter(_("podaj zbiór:id, np. people:01J..."), param_hint="--record")
    return {"collection": collection, "id": ident}


def _fail(ctx: click.Context, messages: list[str]) -> None:
    click.secho(_("Dane są niepoprawne, nic nie zapisano:"), fg="red", err=True)
    for message in messages:
        click.secho("  " + message, fg="red", err=True)
    ctx.exit(2)


def _fill_template(
    ctx: click.Context, template: Path, rows: list[dict[str, Any]], out: Path | None, flatten: bool
) -> None:
    """Fill a third-party AcroForm PDF: the data maps its own field names to values; all rows fit or nothing is written."""
    if out is None:
        raise click.UsageError(_("Przy --template podaj plik wynikowy --out."))
    try:
        source = template.read_bytes()
    except OSError as exc:
        raise SomflowError(
            _("Nie można odczytać pliku {file}: {error}", file=template, error=exc.strerror or exc)
        ) from exc
    filled, problems, dropped_xfa = [], [], False
    for number, row in enumerate(rows, start=1):
        with thirdparty.open_form(source, template.name) as pdf:
            found, filler = thirdparty.fill(pdf, datafile.dotted(row))
            prefix = _("Wiersz {row}: ", row=number) if len(rows) > 1 else ""
            problems += [
                prefix + _("w pliku {file}: {problem}", file=template.name, problem=problem) for problem in found
            ]
            dropped_xfa = dropped_xfa or filler.dropped_xfa
            buffer = io.BytesIO()
            pdf.save(buffer)  # an encrypted template (empty user password) is written without encryption
            filled.append(buffer.getvalue())
    if problems:
        _fail(ctx, problems)
    write_private(out, filled[0] if len(filled) == 1 and not flatten else merge_for_print(filled)[0])
    if dropped_xfa:
        click.echo(
            _(
                "Uwaga: {file} zawierał też formularz XFA; usunięto go, aby każda przeglądarka pokazała wypełnione pola AcroForm.",
                file=template.name,
            )
        )
    click.echo(_("Zapisano {path} (formularzy: {count}).", path=out, count=len(filled)))


@click.command(help=FILL_HELP)
@click.argument("form_id", required=False)
@click.option(
    "--data",
    "data_file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Dane: .json, .yaml albo .csv.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Zapisz też kopię PDF w tym pliku (przy CSV: wszystkie w jednym, domyślnie PLIK.pdf obok CSV).",
)
@click.option("--flatten", is_flag=True, help="Wartości na stałe w treści strony (bez pól do edycji).")
@click.option("--record", "record_ref", help="Rekord, do którego należy dokument: zbiór:id.")
@click.option("--person", help="Wstępnie wypełnij polami rekordu o tym id (zbiór formularza, np. staff).")
@click.option(
    "--template",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Wypełnij cudzy formularz PDF (AcroForm) zamiast formularza somflow.",
)
@click.option(
    "--lang",
    type=click.Choice(i18n.LANGUAGES),
    is_eager=True,
    expose_value=True,
    callback=lambda _c, _p, v: i18n.set_language(v) if v else None,
    help="Język formularza i komunikatów.",
)
@click.option("--yes", "-y", is_flag=True, help="Bez pytania o potwierdzenie po podsumowaniu.")
@click.pass_context
def fill(
    ctx: click.Context,
    form_id: str | None,
    data_file: Path | None,
    out: Path | None,
    flatten: bool,
    record_ref: str | None,
    person: str | None,
    template: Path | None,
    lang: str | None,
    yes: bool,
) -> None:
    app = ctx.obj
    record = _parse_record(record_ref)
    if template is not None:
        if data_file is None:
            raise click.UsageError(_("Przy --template podaj dane: --data PLIK."))
        try:
            rows, _batch = datafile.load(data_file)
        except InvalidInput as exc:
            _fail(ctx, exc.messages)
        _fill_template(ctx, template, rows, out, flatten)
        return
    if not form_id:
        raise click.UsageError(_("Podaj identyfikator formularza (lista: somflow forms)."))
    workspace = app.workspace
    spec = get(workspace, form_id)
    if data_file is not None:
        try:
            rows, batch = datafile.load(data_file)
        except InvalidInput as exc:
            _fail(ctx, exc.messages)
        if batch:
            rows = [datafile.unflatten(spec, row) for row in rows]
            out = out or data_file.with_suffix(".pdf")  # a class's forms: one PDF to print
    else:
        defaults: dict[str, Any] = {}
        if person:
            found = workspace.store.get(spec.record or "people", person)
            if found is None:
                raise SomflowError(
                    _("Nie ma rekordu {id} w zbiorze {collection}.", id=person, collection=spec.record or "people")
                )
            defaults = found
            record = record or {"collection": spec.record or "people", "id": person}
        data: dict[str, Any] = {}
        with prompts.keeping_draft(workspace.root / prompts.DRAFTS, spec.id, data, f"somflow fill {spec.id}"):
            prompts.ask(spec, workspace.config, defaults, data)
            click.echo(_("Podsumowanie:"))
            for line in prompts.summary(spec, data):
                click.echo(line)
            if not yes and not prompts.yes_no(_("Zapisać dokument?"), default=True):
                raise click.Abort
            docs = generate_many(workspace, spec.id, [data], record=record, lang=lang, flatten=flatten)
        _report(workspace, docs, out, flatten)
        return
    try:
        if len(rows) > 1:
            with click.progressbar(length=len(rows), label=_("Generowanie"), file=sys.stderr) as bar:
                docs = generate_many(
                    workspace, spec.id, rows, record=record, lang=lang, flatten=flatten, progress=bar.update
                )
        else:
            docs = generate_many(workspace, spec.id, rows, record=record, lang=lang, flatten=flatten)
    except InvalidInput as exc:
        _fail(ctx, exc.messages)
        return
    _report(workspace, docs, out, flatten)


def _report(workspace, docs: list[dict[str, Any]], out: Path | None, flatten: bool) -> None:
    """Name the documents made and write the copy ``--out`` asks for."""
    for doc in docs:
        click.echo(
            _(
                "Utworzono dokument {id}: {file} (stron: {pages})",
                id=doc["id"],
                file=workspace.root / doc["file"],
                pages=doc["pages"],
            )
        )
    if out is not None:
        contents = [(workspace.root / d["file"]).read_bytes() for d in docs]
        write_private(out, contents[0] if len(contents) == 1 else merge_for_print(contents)[0])
        click.echo(_("Zapisano {path}.", path=out))
