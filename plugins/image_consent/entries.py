"""Consents offered for correction (kind ``zgoda``, see somflow.corrections).

A consent is named ``DZIECKO#N``: the child (as ``consent`` commands accept it: name,
id or short reference) and the consent's number in ``somflow consent history``.
A consent entered in error is withdrawn as an entry: it stays in the history,
marked with who/when/why, and counts nowhere (``register.counted``): not in the
photographer's sheet, the checks, the register nor the reminders; the consent it
had replaced applies again. This is not the parent withdrawing a consent (that is
``somflow consent withdraw``, a fact with its date). A consent is not corrected
field by field: withdraw it and enter it again, as the paper says.
"""

from __future__ import annotations

from typing import Any

from somflow_image_consent import children as children_mod
from somflow_image_consent import register
from somflow_image_consent.vocabulary import CONSENTS

from somflow import corrections
from somflow.errors import SomflowError
from somflow.i18n import _

KIND = "zgoda"


def locate(workspace, ref: str) -> list[corrections.Entry]:
    split = corrections.split_ref(ref)
    if split is None or not split[1].isdigit():
        return []
    try:
        child = children_mod.find(workspace, split[0])
    except SomflowError:
        return []
    entries = register.history(workspace, child["id"])
    index = int(split[1]) - 1
    if not 0 <= index < len(entries):
        return []
    consent = entries[index]
    label = _(
        "zgoda nr {n} dziecka {child} z {date}",
        n=index + 1,
        child=children_mod.short_name(child),
        date=consent["recorded_at"][:10],
    )
    return [
        corrections.Entry(KIND, f"{children_mod.full_name(child)}#{index + 1}", CONSENTS, consent, None, label, consent)
    ]


def withdraw(workspace, entry: corrections.Entry, mark: dict[str, Any]) -> dict[str, Any]:
    return {"withdrawn": mark}


ENTRY_KIND = corrections.EntryKind(
    name=KIND,
    title="zgoda na wizerunek",  # Polish; translated when shown
    ref_help='DZIECKO#NUMER z somflow consent history, np. "Ala Nowak#2"',
    locate=locate,
    withdraw=withdraw,
)
