"""Printing consent forms for a class or the whole school: one document per child, one merged PDF.

Each child gets its own ``documents`` record through ``forms.generate`` (so
every page carries that document's QR code and the returned scan files itself
to the child); the pages are then concatenated into one PDF to send to the
printer. The batch is remembered in ``image_consent_prints`` for the
"not returned after 14 days" deadline.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Callable

import pikepdf

from somflow.fileio import write_private
from somflow.i18n import _
from somflow.store.base import now_iso
from somflow.workspace import Workspace

from somflow_image_consent import children as children_mod
from somflow_image_consent.register import school_year
from somflow_image_consent.vocabulary import FORM_ID, PRINTS

DEFAULT_CONTEXT = "zajęcia, uroczystości, wycieczki, konkursy i inne wydarzenia organizowane przez placówkę"


def settings(workspace: Workspace) -> dict[str, str]:
    """The ``[image_consent]`` section of somflow.toml (website, social_media, iod, context), with defaults."""
    section = workspace.config.get("image_consent") or {}
    return {key: str(section.get(key) or "") for key in ("website", "social_media", "iod", "context")}


def controller(workspace: Workspace) -> str:
    """The GDPR controller printed on the form: the unit's name and address from somflow.toml."""
    institution = workspace.config["institution"]
    return ", ".join(part for part in (institution.get("name", ""), institution.get("address", "")) if part)


def prefill(workspace: Workspace, child: dict[str, Any], valid_from: date, valid_to: date) -> dict[str, Any]:
    """The form's data for one child: who, the period, the controller; the ticks are left to the parent."""
    conf = settings(workspace)
    guardians = child.get("guardians") or []
    data: dict[str, Any] = {
        "imie_nazwisko_dziecka": children_mod.full_name(child),
        "grupa": child.get("group", ""),
        "imie_nazwisko_rodzica": guardians[0].get("name", "") if guardians else "",
        "adres_strony": conf["website"],
        "profile_spolecznosciowe": conf["social_media"],
        "kontekst": conf["context"] or DEFAULT_CONTEXT,
        "od": valid_from.isoformat(),
        "do": valid_to.isoformat(),
        "administrator": controller(workspace),
        "kontakt_iod": conf["iod"],
    }
    return {k: v for k, v in data.items() if v not in ("", None)}


@dataclass
class Printed:
    documents: list[dict[str, Any]]
    pages: int
    file: Path | None
    batch_id: str


def print_forms(
    workspace: Workspace,
    children: list[dict[str, Any]],
    *,
    out: Path | None,
    valid_from: date | None = None,
    valid_to: date | None = None,
    today: date | None = None,
    progress: Callable[[int], None] | None = None,
) -> Printed:
    """Generate one consent form per child and (with ``out``) merge them into one PDF ready to print."""
    from somflow import forms  # the forms engine; imported late so the plugin loads without it

    today = today or date.today()
    start, end = school_year(today)
    valid_from, valid_to = valid_from or start, valid_to or end
    store = workspace.store
    documents: list[dict[str, Any]] = []
    with store.transaction():
        for child in children:
            doc = forms.generate(
                workspace,
                FORM_ID,
                prefill(workspace, child, valid_from, valid_to),
                record={"collection": "children", "id": child["id"]},
                title=_("Zgoda na wizerunek – klasa {group}", group=child.get("group", "")),
            )
            documents.append(doc)
            if progress:
                progress(1)
        batch = store.insert(
            PRINTS,
            {
                "printed_on": today.isoformat(),
                "groups": sorted({c.get("group", "") for c in children}),
                "documents": [d["id"] for d in documents],
                "valid_from": valid_from.isoformat(),
                "valid_to": valid_to.isoformat(),
                "at": now_iso(),
            },
        )
    pages = sum(int(d.get("pages") or 0) for d in documents)
    if out is not None:
        pages = merge(workspace, documents, out)
    return Printed(documents, pages, out, batch["id"])


def merge(workspace: Workspace, documents: list[dict[str, Any]], out: Path) -> int:
    """Concatenate the documents' PDFs into ``out`` (owner-only: it holds children's names); returns pages."""
    merged = pikepdf.Pdf.new()
    sources = []
    try:
        for doc in documents:
            source = pikepdf.open(workspace.root / doc["file"])
            sources.append(source)
            merged.pages.extend(source.pages)
        # Field names repeat in every child's form; a merged AcroForm would tie them together,
        # so the print copy keeps the appearances (what is printed) and drops the shared form dictionary.
        if "/AcroForm" in merged.Root:
            del merged.Root.AcroForm
        buffer = io.BytesIO()
        merged.save(buffer)
    finally:
        for source in sources:
            source.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    write_private(out, buffer.getvalue())
    return len(merged.pages)
