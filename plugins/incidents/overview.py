"""What a person gives and reads about an intervention case: a step's details from the words given, the timeline.

``somflow interwencje step`` and the case page of ``/interwencje`` both turn what a person
gave (CLI options, web form fields) into details by :func:`step_details` and record them through
:func:`somflow_incidents.cases.record_step`; the case page shows :func:`timeline`, the steps in words.
"""

from __future__ import annotations

from typing import Any

from somflow_incidents import cases

from somflow.casework import support_plan
from somflow.casework.timeline import Event, common_details
from somflow.casework.timeline import timeline as casework_timeline
from somflow.i18n import _

#: How the CLI's words for the meeting's side and the recommendation read (the values stay the CLI's words).
WORDS = {
    "dziecko_krzywdzone": "rodzice (opiekunowie) dziecka krzywdzonego",
    "dziecko_krzywdzace": "rodzice (opiekunowie) dziecka krzywdzącego",
    "rozwiazanie_umowy": "rozwiązanie umowy z pracownikiem",
    "kara_dyscyplinarna": "kara dyscyplinarna",
    "odstapienie_od_ukarania": "odstąpienie od ukarania",
}


def word(value: str) -> str:
    """A CLI word (``dziecko_krzywdzone``) in the user's language."""
    return _(WORDS[value]) if value in WORDS else value


def step_details(kind: str, data: dict[str, Any] | None, **given: Any) -> dict[str, Any]:
    """A step's details from what a person gave (CLI options, web form fields); blanks dropped.

    ``data``: the support plan (``plan``) or the meeting's protocol (``spotkanie``); ``members``
    and ``participants`` lists of names; ``done`` the numbers of the plan's tasks done (``1,3``).
    """
    details: dict[str, Any] = {k: (list(v) if isinstance(v, tuple) else v) for k, v in given.items() if v}
    if kind == "plan":
        details["plan"] = data
    elif kind == "spotkanie" and data:
        details["protocol"] = data
    if details.get("done"):
        details["done"] = support_plan.numbers(details["done"])
    return details


def detail_lines(entry: dict[str, Any]) -> list[str]:
    """A recorded step's details in words: the meeting's side and participants, the recommendation, tasks done."""
    d = entry.get("details") or {}
    lines = []
    if d.get("side"):
        lines.append(_("spotkanie z: {side}", side=word(d["side"])))
    if d.get("participants"):
        lines.append(_("uczestnicy: {names}", names=", ".join(d["participants"])))
    if d.get("recommendation"):
        lines.append(_("rekomendacja: {what}", what=word(d["recommendation"])))
    if d.get("done"):
        lines.append(_("wykonane zadania planu: {numbers}", numbers=", ".join(map(str, d["done"]))))
    return lines + common_details(d)


def timeline(case: dict[str, Any]) -> list[Event]:
    """The case's steps in words, in the order recorded (withdrawn ones marked), then the signed scans returned."""
    return casework_timeline(case, lambda kind: cases.step_title(case, kind), detail_lines)
