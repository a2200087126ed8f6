"""The test-only form (tests/forms/proba.yaml) as a workspace plugin, and PDF checks the forms tests share."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pytest
from PIL import Image, ImageChops

FORMS = Path(__file__).parent / "forms"
SPEC = FORMS / "proba.yaml"
EXAMPLE = FORMS / "proba.example.yaml"
FORM_ID = "formularz-proba"

PLUGIN = '''"""Test-only plugin: offers tests/forms/proba.yaml."""
from pathlib import Path
from somflow import forms, hookimpl

@hookimpl
def somflow_register_forms(register):
    register(forms.load_spec(Path({spec!r})))
'''


@pytest.fixture
def proba_workspace(somflow_workspace: Path) -> Path:
    """A demo workspace whose plugins/ folder offers the test form."""
    folder = somflow_workspace / "plugins"
    folder.mkdir(exist_ok=True)
    (folder / "proba_forms.py").write_text(PLUGIN.format(spec=str(SPEC)), encoding="utf-8")
    return somflow_workspace


def render(pdf: Path, page: int = 1, dpi: int = 100) -> Image.Image:
    """One page rendered by poppler's pdftoppm, grayscale."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-gray", "-png", "-f", str(page), "-l", str(page), str(pdf), f"{tmp}/p"],
            check=True,
        )
        return Image.open(next(Path(tmp).glob("p*.png"))).copy()


def ink_in(
    image: Image.Image, rect: tuple[float, float, float, float], dpi: int = 100, page_height: float = 841.89
) -> int:
    """Dark pixels inside a PDF rectangle (x1, y1, x2, y2 in points) of a rendered page."""
    scale = dpi / 72
    x1, y1, x2, y2 = rect
    box = (
        int(x1 * scale) + 2,
        int((page_height - y2) * scale) + 2,
        int(x2 * scale) - 2,
        int((page_height - y1) * scale) - 2,
    )
    return sum(image.crop(box).convert("L").histogram()[:128])


def differs(a: Image.Image, b: Image.Image) -> bool:
    return ImageChops.difference(a, b).getbbox() is not None


def pdftotext(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True, encoding="utf-8"
    ).stdout
