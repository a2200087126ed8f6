"""Built-in somflow plugin: interventions for harm other than domestic violence (seed 001 ch. VII).

A child harmed by a staff member, by another child (peer violence, cyberbullying) or by a third
party who does not live with the child: each kind has its path of steps (who is told, the team,
the meeting with the guardians and its protocol, letters to the police/prosecutor or the family
court, the support plan with its tasks, the protokół interwencji, the closure). Domestic violence
stays in ``niebieska_karta``.

What it holds:

- ``forms/``: the protokół interwencji (seed 002 annex 1) and the protocol of the meeting with
  the guardians; the service note, support plan and letters are the core's shared case forms;
- :mod:`.kinds`: the kinds of harm and their steps;
- :mod:`.cases`: a case in the ``incidents`` collection (numbered INT-2026/1), its rules and history;
- :mod:`.printing`: each form's data from the case;
- :mod:`.due`: the support plan's tasks and reviews as deadlines;
- :mod:`.entries`: withdrawing and correcting a step (``somflow withdraw INT-2026/1#3``);
- :mod:`.opening`: the questions that open a case (``interwencje new``, ``/interwencje/nowa``);
- :mod:`.overview`: a step's details from the words given, the timeline, the plan's tasks;
- :mod:`.commands`: ``somflow interwencje …`` (``somflow incidents …``);
- :mod:`.web`: the pages of ``somflow serve`` (``/interwencje``).
"""

from __future__ import annotations

from pathlib import Path

from somflow.i18n import add_catalog_dir

__version__ = "0.1.0"

add_catalog_dir(Path(__file__).parent / "locale", __name__)

from somflow_incidents.hooks import (  # noqa: E402  (the catalogue first, then the messages)
    somflow_deadlines,
    somflow_document_filed,
    somflow_record_types,
    somflow_register_commands,
    somflow_register_entry_kinds,
    somflow_register_forms,
    somflow_status,
    somflow_unit_summary,
    somflow_web_pages,
)

__all__ = [
    "somflow_deadlines",
    "somflow_document_filed",
    "somflow_record_types",
    "somflow_register_commands",
    "somflow_register_entry_kinds",
    "somflow_register_forms",
    "somflow_status",
    "somflow_unit_summary",
    "somflow_web_pages",
]
