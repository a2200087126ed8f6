"""Printing a case's form: the forms engine renders, files and records it; the case lists it in ``documents``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any


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
