"""Generated documents: a filled PDF with a QR code on every page, and its ``documents`` record.

:func:`render_document` fills the form's template (rows of repeating groups
beyond ``max`` go to a continuation sheet appended after it) and stamps every
page; :func:`generate` validates first, then writes the file and the record
in one store transaction, so invalid data or a failure leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pikepdf

from somflow.errors import InvalidInput
from somflow.fileio import make_private_dir, sync_files, write_private
from somflow.forms import acroform, layout
from somflow.forms.catalog import get
from somflow.forms.schema import normalise
from somflow.forms.spec import FormSpec
from somflow.forms.stamp import stamp
from somflow.i18n import _, language, pick

if TYPE_CHECKING:
    from somflow.workspace import Workspace

COLLECTION = "documents"
STATUS_GENERATED = "wygenerowany"
_templates: dict[tuple[str, str, str], bytes] = {}


def template_name(spec: FormSpec, lang: str = "pl") -> str:
    """``<id>.pdf`` for Polish, ``<id>.<lang>.pdf`` otherwise."""
    return f"{spec.id}.pdf" if lang == "pl" else f"{spec.id}.{lang}.pdf"


def template_path(spec: FormSpec, lang: str = "pl") -> Path | None:
    """Where ``somflow forms build`` keeps the template: beside the spec."""
    return spec.path.parent / template_name(spec, lang) if spec.path is not None else None


def template(spec: FormSpec, lang: str | None = None) -> bytes:
    """The fillable template: the built file when it matches the spec, else built now (cached per process)."""
    lang = lang or language()
    key = (spec.id, acroform.spec_digest(spec), lang)
    cached = _templates.get(key)
    if cached is None:
        path = template_path(spec, lang)
        if path is not None and path.is_file() and acroform.template_is_current(spec, path.read_bytes()):
            cached = path.read_bytes()
        else:
            cached = acroform.build_template(spec, lang)
        _templates[key] = cached
    return cached


def document_template(spec: FormSpec, lang: str, rows: dict[str, int]) -> bytes:
    """The template a generated document is filled into: ``rows`` of its groups, no required-field marks (cached per process)."""
    key = (spec.id, acroform.spec_digest(spec), lang, "document", tuple(sorted(rows.items())))
    cached = _templates.get(key)
    if cached is None:
        cached = _templates[key] = acroform.build_template(spec, lang, rows, marks=False)
    return cached


def _overflow(spec: FormSpec, data: dict[str, Any]) -> dict[str, int]:
    return {
        g.name: len(data.get(g.name) or [])
        for _s, g in spec.groups()
        if g.continuation and len(data.get(g.name) or []) > g.max
    }


def _append_continuation(
    pdf: pikepdf.Pdf, spec: FormSpec, data: dict[str, Any], rows: dict[str, int], lang: str
) -> None:
    with acroform.language(lang):
        content, widgets = layout.continuation(spec, rows, marks=False)
    sheet = pikepdf.open(io.BytesIO(content))
    acroform.add_fields(sheet, widgets)
    values = acroform.pdf_values(spec, data, extra_rows=True)
    acroform.fill(sheet, {k: v for k, v in values.items() if k in {n for n, _f, _w in acroform.terminal_fields(sheet)}})
    first = len(pdf.pages)
    with warnings.catch_warnings():  # the fields are carried over below (works with pikepdf 9 too)
        warnings.simplefilter("ignore")
        pdf.pages.extend(sheet.pages)
    fields = pdf.Root.AcroForm.Fields
    seen = set()
    for page in pdf.pages[first:]:
        for annot in page.obj.get("/Annots", []):
            top = annot.get("/Parent", annot)
            if top.objgen not in seen and "/T" in top:
                seen.add(top.objgen)
                fields.append(top)


def filled_rows(spec: FormSpec, data: dict[str, Any]) -> dict[str, int]:
    """Groups that hold fewer rows than ``max``: how many rows to print.

    A generated document prints the rows it holds and no empty numbered slot; a group with no
    rows at all prints one line saying so (the blank template, ``somflow forms build``, keeps
    every row for filling in by hand).
    """
    counts = {g.name: len(data.get(g.name) or []) for _s, g in spec.groups()}
    return {g.name: counts[g.name] for _s, g in spec.groups() if counts[g.name] < g.max}


def render_document(
    spec: FormSpec, data: dict[str, Any], doc_id: str, *, lang: str | None = None, flatten: bool = False
) -> tuple[bytes, int]:
    """The filled, stamped PDF of ``data`` (already validated) and its page count: no empty numbered rows, no " *" marks."""
    lang = lang or language()
    pdf = pikepdf.open(io.BytesIO(document_template(spec, lang, filled_rows(spec, data))))
    acroform.fill(pdf, acroform.pdf_values(spec, data))
    rows = _overflow(spec, data)
    if rows:
        _append_continuation(pdf, spec, data, rows, lang)
    stamp(pdf, doc_id)
    if flatten:
        flatten_pdf(pdf)
    return acroform.save_filled(pdf), len(pdf.pages)


def flatten_pdf(pdf: pikepdf.Pdf) -> None:
    """Make field values part of the page content (they can no longer be edited)."""
    pdf.flatten_annotations("all")
    if "/AcroForm" in pdf.Root:
        del pdf.Root["/AcroForm"]
    for page in pdf.pages:  # widgets without an appearance (empty fields of a third-party form) stay behind: drop them
        annots = page.obj.get("/Annots")
        if isinstance(annots, pikepdf.Array) and any(a.get("/Subtype") == "/Widget" for a in annots):
            page.obj.Annots = pikepdf.Array([a for a in annots if a.get("/Subtype") != "/Widget"])


def generate(
    workspace: Workspace,
    form_id: str,
    data: dict[str, Any],
    *,
    record: dict[str, str] | None = None,
    title: str | None = None,
    lang: str | None = None,
    flatten: bool = False,
    created_by: str | None = None,
) -> dict[str, Any]:
    """Validate ``data``, render the document and store it; returns the ``documents`` record.

    Raises :class:`~somflow.errors.InvalidInput` with every problem (nothing is
    written). The PDF goes to ``documents/<id>.pdf`` (owner-only) and the record
    is inserted in the same transaction.
    """
    return generate_many(
        workspace, form_id, [data], record=record, title=title, lang=lang, flatten=flatten, created_by=created_by
    )[0]


def generate_many(
    workspace: Workspace,
    form_id: str,
    rows: list[dict[str, Any]],
    *,
    record: dict[str, str] | None = None,
    title: str | None = None,
    lang: str | None = None,
    flatten: bool = False,
    created_by: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[dict[str, Any]]:
    """:func:`generate` for many data sets (a CSV, a whole class): all of them or none.

    Every row is validated first; :class:`InvalidInput` lists the problems of
    all rows ("Wiersz 3: ..."). Then every document is rendered, written and
    recorded in one store transaction; ``progress(n)`` is called after each.
    """
    spec = get(workspace, form_id)
    problems: list[str] = []
    normalised_rows = []
    for number, data in enumerate(rows, start=1):
        normalised, messages = normalise(workspace, spec, data)
        prefix = _("Wiersz {row}: ", row=number) if len(rows) > 1 else ""
        problems += [prefix + m for m in messages]
        normalised_rows.append(normalised)
    if problems:
        raise InvalidInput(problems)
    store = workspace.store
    make_private_dir(workspace.root / "documents")
    written: list[Path] = []
    docs = []
    try:
        with store.transaction():
            for normalised in normalised_rows:
                doc = store.insert(
                    COLLECTION,
                    {
                        "form": spec.id,
                        "form_version": spec.version,
                        "title": title or pick(spec.title),
                        "data": normalised,
                        "file": None,
                        "sha256": None,
                        "pages": None,
                        "status": STATUS_GENERATED,
                        "record": record,
                        "created_by": created_by or store.user,
                        "returned": None,
                        "lang": lang or language(),
                    },
                )
                content, pages = render_document(spec, normalised, doc["id"], lang=lang, flatten=flatten)
                relative = f"documents/{doc['id']}.pdf"
                target = workspace.root / relative
                written.append(target)
                write_private(target, content, durable=False)
                docs.append(
                    store.update(
                        COLLECTION,
                        doc["id"],
                        {"file": relative, "sha256": hashlib.sha256(content).hexdigest(), "pages": pages},
                    )
                )
                if progress is not None:
                    progress(1)
            sync_files(written)  # on disk before the records that point to them are committed
    except BaseException:
        for target in written:
            target.unlink(missing_ok=True)
        raise
    return docs
