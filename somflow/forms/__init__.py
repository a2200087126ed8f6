"""The forms engine: one YAML spec per form → schema, prompts, fillable template, filled PDF with QR codes.

Public API (``from somflow import forms``)::

    forms.register_folder(register, folder)      # plugins call it in somflow_register_forms
    forms.load_spec(path) -> FormSpec            # one spec file
    forms.registry(workspace) -> dict[str, FormSpec]
    forms.get(workspace, form_id) -> FormSpec
    forms.validate(workspace, spec, data) -> list[str]   # Polish messages, [] when valid
    forms.generate(workspace, form_id, data, *, record=None, title=None) -> dict  # the documents record
    forms.read_back(spec, pdf_bytes) -> dict     # data from a filled AcroForm PDF
    forms.generate_many(workspace, form_id, rows, ...) -> list[dict]   # a batch: all or nothing
    forms.build_template(spec, lang) -> bytes    # the fillable template (deterministic)
    forms.sample_data(spec) -> dict              # valid sample data derived from the spec

Names are imported lazily: importing a module of the package (``somflow.forms.plugin``
for ``somflow --help``) loads neither YAML nor the PDF libraries.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_SPEC = ("Choice", "Field", "FormSpec", "Group", "Section", "SpecError", "load_spec", "register_folder")
_LAZY = {
    **dict.fromkeys(_SPEC, "somflow.forms.spec"),
    "registry": "somflow.forms.catalog",
    "get": "somflow.forms.catalog",
    "validate": "somflow.forms.schema",
    "generate": "somflow.forms.documents",
    "generate_many": "somflow.forms.documents",
    "sample_data": "somflow.forms.sample",
    "read_back": "somflow.forms.acroform",
    "build_template": "somflow.forms.acroform",
}

__all__ = list(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'somflow.forms' has no attribute {name!r}")
    return getattr(import_module(module), name)
