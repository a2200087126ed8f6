"""Printing the acknowledgment forms of a group in one batch: all of them or none.

Parents and staff get one filled declaration each; children one list per class
to sign. ``somflow standards ack print`` and the print centre page call :func:`print_batch`.
"""

from __future__ import annotations

from typing import Any

from somflow_standards import acknowledgments, people

from somflow.errors import InvalidInput
from somflow.i18n import _
from somflow.workspace import Workspace


def print_batch(
    workspace: Workspace, group: str, klasa: str | None = None, everybody: bool = False
) -> tuple[list[dict[str, Any]], int]:
    """Generate the forms of ``group`` (``klasa``: one class only; ``everybody``: also those who acknowledged).

    Returns the documents made and how many people they are for; ``([], 0)`` when nobody needs one.
    """
    from somflow.forms.documents import generate  # the forms engine only when something is printed

    store = workspace.store
    version = acknowledgments.current_version(store)
    chosen = people.everyone(store, group) if everybody else acknowledgments.missing(store, group)
    if klasa is not None:
        chosen = [p for p in chosen if p.klasa == klasa]
    if not chosen:
        return [], 0
    documents: list[dict[str, Any]] = []
    try:
        with store.transaction():  # all forms of the batch or none
            if group == "dzieci":
                for label in sorted({p.klasa for p in chosen}):
                    members = [p for p in chosen if p.klasa == label]
                    listed = store.insert(
                        acknowledgments.LISTS,
                        {"klasa": label, "version": version.version, "people": [p.id for p in members]},
                    )
                    data = {
                        "placowka": workspace.config["institution"]["name"],
                        "grupa": label or "—",
                        "wersja_standardow": version.version,
                        "dzieci": [{"imie_nazwisko": p.name} for p in members],
                    }
                    documents.append(
                        generate(
                            workspace,
                            acknowledgments.CHILDREN_FORM,
                            data,
                            record={"collection": acknowledgments.LISTS, "id": listed["id"]},
                        )
                    )
            else:
                form = acknowledgments.STAFF_FORM if group == "pracownicy" else acknowledgments.PARENT_FORM
                for p in chosen:
                    try:
                        documents.append(
                            generate(
                                workspace, form, acknowledgments.form_data(p, workspace.config, version), record=p.ref
                            )
                        )
                    except InvalidInput as exc:  # say whose data is wrong (by id: messages never carry names)
                        raise InvalidInput(
                            [_("Osoba {id}: {problem}", id=p.id, problem=m) for m in exc.messages]
                            + [_("Nic nie wygenerowano.")]
                        ) from None
    except BaseException:
        for doc in documents:  # the store forgot them; their files must go too
            (workspace.root / doc["file"]).unlink(missing_ok=True)
        raise
    return documents, len(chosen)
