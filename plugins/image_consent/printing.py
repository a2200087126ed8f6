"""Printing consent forms for a class or the whole school: one document per child, one merged PDF.

Each child gets its own ``documents`` record through ``forms.generate`` (so
every page carries that document's QR code and the returned scan files itself
to the child); the pages are then concatenated into one PDF to send to the
printer. The batch is remembered in ``image_consent_prints`` for the
"not returned after 14 days" deadline.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from somflow_image_consent import children as children_mod
from somflow_image_consent.register import school_year
from somflow_image_consent.vocabulary import FORM_ID, PRINTS

from somflow import calendar
from somflow.errors import InvalidInput
from somflow.fileio import prepare_output, write_private
from somflow.forms.printout import merge_for_print
from somflow.i18n import _
from somflow.people import register
from somflow.store.base import now_iso
from somflow.workspace import Workspace

DEFAULT_CONTEXT = "zajęcia, uroczystości, wycieczki, konkursy i inne wydarzenia organizowane przez placówkę"


def settings(workspace: Workspace) -> dict[str, str]:
    """The ``[image_consent]`` section of somflow.toml (website, social_media, iod, context), with defaults."""
    section = workspace.config.get("image_consent") or {}
    return {key: str(section.get(key) or "") for key in ("website", "social_media", "iod", "context")}


def controller(workspace: Workspace) -> str:
    """The GDPR controller printed on the form: the unit's name and address from somflow.toml."""
    institution = workspace.config["institution"]
    text = ", ".join(part for part in (institution.get("name", ""), institution.get("address", "")) if part)
    iod = settings(workspace)["iod"]
    return f"{text}; {_('IOD')}: {iod}" if iod else text


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
    }
    return {k: v for k, v in data.items() if v not in ("", None)}


def children_to_print(workspace: Workspace, groups: list[str], everyone: bool, today: date) -> list[dict[str, Any]]:
    """The children of ``groups`` (``everyone``: the whole unit) still in the unit on ``today``; a Polish message when none."""
    if not groups and not everyone:
        raise InvalidInput([_("Podaj klasę (--group 3b) albo --all dla całej placówki.")])
    kids = [c for c in children_mod.in_groups(workspace, [] if everyone else groups) if not children_mod.left(c, today)]
    if not kids:
        raise InvalidInput(
            [_("Brak dzieci w wybranych klasach. Najpierw zaimportuj listę: somflow consent import PLIK.csv")]
        )
    return kids


def batch_name(groups: list[str], everyone: bool) -> str:
    """The classes of a print batch as a file name part: ``3b``, ``3a-3b``, ``wszystkie``."""
    return "wszystkie" if everyone else "-".join(children_mod.normalise_group(g) for g in groups)


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
    today = today or calendar.today()
    start, end = school_year(today)
    valid_from, valid_to = valid_from or start, valid_to or end
    from somflow.forms.documents import generate_many  # imported late: the plugin loads without the forms engine

    rows = [prefill(workspace, child, valid_from, valid_to) for child in children]
    store = workspace.store
    # generate_many validates every row first ("Wiersz N: ...", nothing written on error),
    # then renders and records all documents in one transaction, which this block joins.
    with store.transaction():
        documents = generate_many(workspace, FORM_ID, rows, title=_("Zgoda na wizerunek"), progress=progress)
        try:
            for index, (child, doc) in enumerate(zip(children, documents)):
                documents[index] = store.update(
                    "documents",
                    doc["id"],
                    {
                        "record": {"collection": register.COLLECTION, "id": child["id"]},
                        "title": _("Zgoda na wizerunek – klasa {group}", group=child.get("group", "")),
                    },
                )
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
        except BaseException:
            for doc in documents:  # the transaction rolls back; the files of an unrecorded batch go too
                (workspace.root / doc["file"]).unlink(missing_ok=True)
            raise
    pages = sum(int(d.get("pages") or 0) for d in documents)
    if out is not None:
        pages = merge(workspace, documents, out)
    return Printed(documents, pages, out, batch["id"])


def merge(workspace: Workspace, documents: list[dict[str, Any]], out: Path) -> int:
    """The documents' PDFs as one flattened print copy in ``out`` (owner-only: it holds children's names); returns pages."""
    content, pages = merge_for_print(workspace.root / doc["file"] for doc in documents)
    write_private(prepare_output(out), content)
    return pages
