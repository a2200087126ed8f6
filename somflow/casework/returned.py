"""A signed case document filed back from the inbox, noted in its case (``returned``)."""

from __future__ import annotations

from typing import Any

from somflow.calendar import today


def note_returned(workspace, collection: str, document: dict[str, Any]) -> None:
    """Add the filed ``document`` to the ``returned`` list of its case in ``collection`` (inside the filing's transaction).

    Documents of other collections are not this case's; a document filed again after a crash is noted once.
    """
    record = document.get("record") or {}
    if record.get("collection") != collection:
        return
    store = workspace.store
    case = store.get(collection, record.get("id", ""))
    if case is None or any(r["id"] == document["id"] for r in case.get("returned", [])):
        return
    entry = {"id": document["id"], "form": document.get("form"), "date": today().isoformat()}
    store.update(collection, case["id"], {"returned": [*case.get("returned", []), entry]}, expected_rev=case["rev"])
