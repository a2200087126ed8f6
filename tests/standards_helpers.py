"""Helpers for the standards plugin's tests: printing, scanning and reading PDFs as a user would."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path


def scan_into_inbox(pdf: Path, inbox: Path, name: str, pages: list[int] | None = None, dpi: int = 200) -> Path:
    """Print-and-scan ``pdf``: its pages (1-based ``pages``, default all) rendered by pdftoppm
    and saved as one image-only PDF in ``inbox``, as an office scanner does."""
    from PIL import Image

    tmp = inbox.parent / f".scan-{name}"
    tmp.mkdir()
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf), str(tmp / "p")], check=True)
    images = [
        Image.open(p).convert("L")
        for i, p in enumerate(sorted(tmp.glob("p*.png")), start=1)
        if pages is None or i in pages
    ]
    target = inbox / f"{name}.pdf"
    images[0].save(target, "PDF", resolution=float(dpi), save_all=True, append_images=images[1:])
    shutil.rmtree(tmp)
    return target


def pdftotext(pdf: Path, layout: bool = True) -> str:
    """The text poppler extracts (``layout=False``: in reading order, table cells one after another)."""
    return subprocess.run(
        ["pdftotext", *(["-layout"] if layout else []), str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
        encoding="utf-8",
    ).stdout


def render_pages(pdf: Path, folder: Path, dpi: int = 40) -> list[Path]:
    """Render every page with pdftoppm (it fails on a broken PDF) and return the PNG files."""
    folder.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(folder / "p")], check=True)
    return sorted(folder.glob("p*.png"))


def missing_names(cli) -> list[str]:
    result = cli("standards", "missing", "--json")
    assert result.exit_code == 0, result.output
    return [p["name"] for p in json.loads(result.output)["missing"]]
