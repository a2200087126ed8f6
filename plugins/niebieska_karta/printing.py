"""Printing a case's form: pre-fill it, then let the forms engine render, file and record it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from somflow_niebieska_karta.prefill import BUILDERS

from somflow.errors import InvalidInput
from somflow.i18n import _
from somflow.workspace import Workspace

#: Titles of the document records: the form and the case number, never a name (they show in lists and logs).
TITLES = {
    "notatka-sluzbowa": "Notatka służbowa",
    "niebieska-karta-a": "Niebieska Karta – A",
    "niebieska-karta-b": "Niebieska Karta – B",
    "karta-interwencji": "Karta interwencji",
    "plan-wsparcia": "Plan wsparcia",
}


def form_data(
    workspace: Workspace,
    case: dict[str, Any],
    form: str,
    *,
    day: date,
    step: str | None = None,
    details: dict | None = None,
) -> dict[str, Any]:
    if form not in BUILDERS:
        raise InvalidInput(
            [_("Nieznany formularz sprawy NK „{form}”. Dozwolone: {choices}.", form=form, choices=", ".join(BUILDERS))]
        )
    return BUILDERS[form](workspace, case, day, {**(details or {}), "_step": step})


def print_form(
    workspace: Workspace,
    case: dict[str, Any],
    form: str,
    *,
    day: date,
    step: str | None = None,
    details: dict | None = None,
    generate: Callable | None = None,
) -> dict[str, Any]:
    """Generate ``form`` for ``case`` (PDF with QR codes + ``documents`` record); returns the record."""
    from somflow_niebieska_karta.cases import CASES

    from somflow.casework import printing

    data = form_data(workspace, case, form, day=day, step=step, details=details)
    title = _("{form} — sprawa NK {id}", form=_(TITLES[form]), id=case["id"])
    return printing.generate(workspace, CASES, case, form, data, title, generate)
