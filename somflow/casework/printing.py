"""Printing a case's form: the forms engine renders, files and records it; the case lists it in ``documents``.

:func:`held_documents` and :func:`document_pdf` read them back — the documents a case
holds and the PDF somflow wrote for each (``documents/<id>.pdf``) — for any face that
hands them out (the case pages of ``somflow serve``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from somflow.errors import SomflowError
from somflow.i18n import _


@dataclass(frozen=True)
class CaseDocument:
    """A document a case holds: its id, its form and the day of the step it belongs to (``RRRR-MM-DD``)."""

    id: str
    form: str
    day: str


def generate(
    workspace, collection: str, case: dict[str, Any], form: str, data: dict[str, Any], title: str, generate=None
) -> dict[str, Any]:
    """The PDF of ``form`` with ``data`` (QR codes on every page) and its ``documents`` record, tied to the case."""
    from somflow import forms

    return (generate or forms.generate)(
        workspace, form, data, record={"collection": collection, "id": case["id"]}, title=title
    )


def print_again(
    workspace,
    collection: str,
    ref: str,
    form: str,
    day: date,
    find_case: Callable[[Any, str], dict[str, Any]],
    print_form: Callable[..., dict[str, Any]],
) -> dict[str, Any]:
    """Print a form of the case ``ref`` names with its data as of ``day`` and list it in the case, in one transaction."""
    store = workspace.store
    with store.transaction():
        case = find_case(workspace, ref)
        doc = print_form(workspace, case, form, day=day)
        entry = {"id": doc["id"], "form": form, "date": day.isoformat()}
        store.update(
            collection, case["id"], {"documents": [*case.get("documents", []), entry]}, expected_rev=case["rev"]
        )
    return doc


def held_documents(case: dict[str, Any]) -> list[CaseDocument]:
    """Every document the case holds, each once, in the order it got them.

    Those printed for the case (its ``documents``), then those a step attached (``--dokument``,
    dated by the step), then signed scans filed back whose document the case does not list
    (the same ids as printed ones otherwise). The form of an attached document is read with
    its PDF (:func:`document_pdf`).
    """
    found: dict[str, CaseDocument] = {}
    for entry in [*(case.get("documents") or []), *(case.get("returned") or [])]:
        found.setdefault(entry["id"], CaseDocument(entry["id"], entry.get("form") or "", entry.get("date") or ""))
    for step in case.get("steps") or []:
        for doc_id in step.get("documents") or []:
            found.setdefault(doc_id, CaseDocument(doc_id, "", step.get("date") or ""))
    return list(found.values())


def document_pdf(workspace, case: dict[str, Any], doc_id: str) -> tuple[CaseDocument, bytes]:
    """The PDF somflow wrote for the case's document ``doc_id``, as printed (QR codes with its id on every page).

    A :class:`~somflow.errors.SomflowError` when the case does not hold ``doc_id`` (another
    case's document is not this one's to hand out) or the file is gone.
    """
    held = next((d for d in held_documents(case) if d.id == doc_id), None)
    record = workspace.store.get("documents", doc_id) if held is not None else None
    if held is None or record is None:
        raise SomflowError(_("Ta sprawa nie ma dokumentu {id}.", id=doc_id))
    path = workspace.root / record["file"] if record.get("file") else None
    if path is None or not path.is_file():
        raise SomflowError(
            _("Brak pliku dokumentu {id} w folderze documents/ (usunięty albo przeniesiony).", id=doc_id)
        )
    return replace(held, form=held.form or record.get("form") or ""), path.read_bytes()
