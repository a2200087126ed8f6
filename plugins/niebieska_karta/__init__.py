"""Built-in somflow plugin: the "Niebieska Karta" (Blue Card) procedure for a child.

What it holds:

- ``forms/``: the YAML specs of NK-A (the official template), NK-B (information sheet with local
  contacts), the service note, the intervention card and the support plan;
- :mod:`.cases`: a case in the ``nk_cases`` collection and its history of steps;
- :mod:`.rules`: the rules of DOMAIN.md section 1, as Polish messages;
- :mod:`.due`: NK-A delivery within 5 working days, support-plan reviews;
- :mod:`.commands`: ``somflow nk ...``;
- :mod:`.hooks`: the hook implementations (this module re-exports them for pluggy).

It loads through the ``somflow`` entry point like a municipality's package.
"""

from __future__ import annotations

from pathlib import Path

from somflow.i18n import add_catalog_dir

__version__ = "0.1.0"

add_catalog_dir(Path(__file__).parent / "locale", __name__)

from somflow_niebieska_karta.hooks import (  # noqa: E402  (the catalogue first, then the messages)
    somflow_deadlines,
    somflow_document_filed,
    somflow_record_types,
    somflow_register_commands,
    somflow_register_entry_kinds,
    somflow_register_forms,
    somflow_status,
    somflow_unit_summary,
    somflow_validate,
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
    "somflow_validate",
    "somflow_web_pages",
]
