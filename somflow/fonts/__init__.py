"""DejaVu Sans and DejaVu Sans Bold (Bitstream Vera licence, see LICENSE beside this file).

Shipped with somflow so every form prints the same on every system and covers
the whole Polish alphabet; read by :mod:`somflow.forms.fonts`.
"""

from pathlib import Path

FOLDER = Path(__file__).parent
REGULAR = FOLDER / "DejaVuSans.ttf"
BOLD = FOLDER / "DejaVuSans-Bold.ttf"
