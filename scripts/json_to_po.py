"""Convert the JSON message catalogues (``{polish: english}``) to gettext ``.po`` files, once.

    .venv/bin/python scripts/json_to_po.py

Core: ``somflow/locale/en/*.json`` -> ``somflow/locale/en/LC_MESSAGES/somflow.po``; each built-in
plugin's ``locale/en*.json`` or ``locale/en/*.json`` -> ``locale/en/LC_MESSAGES/<package>.po``.
Entries already in the ``.po`` are kept (a later JSON entry is added); the JSON files are removed.
"""

from __future__ import annotations

import json
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SOURCES = {
    ROOT / "somflow": "somflow",
    ROOT / "plugins" / "niebieska_karta": "somflow_niebieska_karta",
    ROOT / "plugins" / "vetting": "somflow_vetting",
    ROOT / "plugins" / "image_consent": "somflow_image_consent",
    ROOT / "plugins" / "standards": "somflow_standards",
}


def convert(package: Path, domain: str) -> None:
    files = sorted({*(package / "locale").glob("en*.json"), *(package / "locale" / "en").glob("*.json")})
    if not files:
        return
    po = package / "locale" / "en" / "LC_MESSAGES" / f"{domain}.po"
    if po.exists():
        with po.open("rb") as f:
            catalog = read_po(f, locale="en", domain=domain)
    else:
        catalog = Catalog(locale="en", domain=domain, project="somflow", version="0.1.0", copyright_holder="somflow", fuzzy=False)
    for file in files:
        for polish, english in json.loads(file.read_text(encoding="utf-8")).items():
            if polish not in catalog:
                catalog.add(polish, english)
    po.parent.mkdir(parents=True, exist_ok=True)
    with po.open("wb") as f:
        write_po(f, catalog, width=0, omit_header=False, sort_output=False)
    for file in files:
        file.unlink()
    print(f"{po.relative_to(ROOT)}: {len(catalog)} messages from {len(files)} JSON files")


if __name__ == "__main__":
    for package, domain in SOURCES.items():
        convert(package, domain)
