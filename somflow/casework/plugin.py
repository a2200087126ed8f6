"""The shared case forms as a core plugin: service note, intervention card, support plan and the letters."""

from __future__ import annotations

from pathlib import Path

from somflow import hookimpl

FORMS_DIR = Path(__file__).parent / "forms"


@hookimpl
def somflow_register_forms(register) -> None:
    from somflow import forms

    forms.register_folder(register, FORMS_DIR)
