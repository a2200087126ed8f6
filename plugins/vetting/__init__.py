"""Built-in somflow plugin: vetting of staff before they work with children.

No adult is admitted to work with children before the checks the law requires
for their situation are complete: both parts of the sex-offender register
(RSPTS), the criminal-record information (KRK), foreign records, the
declarations under penalty and the acknowledgment of the standards (DOMAIN.md
section 2; seeds 001 ch. III, 002, 004 annex 1).

Modules: ``countries`` (codes and Polish names), ``people`` (a person's data
and its checks), ``requirements`` (what each person needs and their state),
``records`` (store writes), ``csv_import``, ``commands`` (``somflow vetting``),
``hooks`` (forms, deadlines, inbox, summaries).
"""

from __future__ import annotations

from pathlib import Path

from somflow import hookimpl, i18n

__version__ = "0.1.0"

FORMS_DIR = Path(__file__).parent / "forms"
i18n.add_catalog_dir(Path(__file__).parent / "locale", __name__)


@hookimpl
def somflow_register_forms(register) -> None:
    from somflow import forms

    forms.register_folder(register, FORMS_DIR)


# The other hooks live in their own module; importing them here puts them on the plugin object.
from .hooks import (  # noqa: E402
    somflow_claim_inbox_file,
    somflow_deadlines,
    somflow_document_filed,
    somflow_record_types,
    somflow_register_commands,
    somflow_register_entry_kinds,
    somflow_status,
    somflow_unit_summary,
    somflow_validate,
    somflow_web_pages,
)

__all__ = [
    "somflow_claim_inbox_file",
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
