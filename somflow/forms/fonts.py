"""Fonts of the forms: DejaVu Sans for the printed text, and a Polish subset of it for field values.

The printed layout is drawn by reportlab, which embeds DejaVu Sans itself.
reportlab's form fields accept only the 14 standard fonts, which lack
ą ę ł ś ż ź ć ń, so somflow writes the field appearances on its own with
:class:`FieldFont`: a composite (Type0, Identity-H) font embedding a subset of
DejaVu Sans that covers the whole Polish alphabet and common punctuation —
not just the characters of the labels — with a ToUnicode map so text
extraction (``pdftotext``, pypdf) returns the exact Polish strings.
"""

from __future__ import annotations

import io
from functools import cache

import pikepdf
from fontTools.ttLib import TTFont as FTFont
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from somflow.fonts import BOLD, FOLDER, REGULAR

SANS = "DejaVuSans"
SANS_BOLD = "DejaVuSans-Bold"
#: Resource name of the field font in /DR and in every appearance stream.
FIELD_FONT = "SfF"
#: Characters the field font covers: Latin-1, Latin Extended-A (all Polish letters), typographic punctuation.
CHARSET = [
    *range(32, 127),
    *range(160, 384),
    8211,
    8212,
    8216,
    8217,
    8218,
    8220,
    8221,
    8222,
    8226,
    8230,
    8364,
    8470,
    8304,
    8308,
    8309,
    8310,
    8311,
    8312,
    8313,
]


#: The Polish subset of DejaVu Sans, made by :func:`make_subset` and shipped (subsetting takes seconds).
SUBSET = FOLDER / "DejaVuSans-PL.ttf"


def make_subset() -> bytes:
    """Subset DejaVu Sans to :data:`CHARSET` (deterministic: same bytes every run)."""
    from fontTools import subset  # slow to import; only needed to refresh the shipped file

    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.layout_features = []
    options.hinting = False
    options.drop_tables += ["FFTM"]
    font = FTFont(str(REGULAR), recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=CHARSET)
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


def register_reportlab() -> tuple[str, str]:
    """Register DejaVu Sans (regular, bold) with reportlab once; returns their names."""
    if SANS not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(SANS, str(REGULAR)))
        pdfmetrics.registerFont(TTFont(SANS_BOLD, str(BOLD)))
    return SANS, SANS_BOLD


class FieldFont:
    """The Polish subset of DejaVu Sans used in field appearance streams."""

    def __init__(self, data: bytes | None = None) -> None:
        self.data = data if data is not None else SUBSET.read_bytes()
        font = FTFont(io.BytesIO(self.data), lazy=True)
        scale = 1000 / font["head"].unitsPerEm
        order = font.getGlyphOrder()
        gid = {name: i for i, name in enumerate(order)}
        self.gids = {code: gid[name] for code, name in font.getBestCmap().items()}
        self.widths = {i: round(font["hmtx"][name][0] * scale) for i, name in enumerate(order)}
        self.ascent = round(font["hhea"].ascent * scale)
        self.descent = round(font["hhea"].descent * scale)
        head = font["head"]
        self.bbox = [round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)]
        self.fallback = self.gids[ord("?")]
        # Lookup tables so encoding and measuring a string run at C speed (str.translate, map).
        self._hex = {code: f"{g:04X}" for code, g in self.gids.items()}
        self._char_width = {chr(code): self.widths.get(g, 0) for code, g in self.gids.items()}
        self._fallback_hex = f"{self.fallback:04X}"
        self._fallback_width = self.widths.get(self.fallback, 0)

    def glyphs(self, text: str) -> list[int]:
        return [self.gids.get(ord(ch), self.fallback) for ch in text]

    def encode(self, text: str) -> bytes:
        """``text`` as a PDF hex string of 2-byte glyph ids, ready for ``Tj``."""
        if not self.covers(text):
            text = "".join(ch if ord(ch) in self.gids else "?" for ch in text)
        return b"<" + text.translate(self._hex).encode("ascii") + b">"

    def width(self, text: str, size: float) -> float:
        get = self._char_width.get
        return sum(get(ch, self._fallback_width) for ch in text) * size / 1000

    def covers(self, text: str) -> bool:
        return all(ord(ch) in self.gids for ch in text)

    def pdf_object(self, pdf: pikepdf.Pdf) -> pikepdf.Object:
        """The Type0 font as an indirect object of ``pdf`` (add it to /DR and to appearance resources)."""
        name = pikepdf.Name("/SFLWPL+DejaVuSans")
        file = pdf.make_stream(self.data)
        file.Length1 = len(self.data)
        descriptor = pikepdf.Dictionary(
            Type=pikepdf.Name.FontDescriptor,
            FontName=name,
            Flags=32,
            FontBBox=self.bbox,
            ItalicAngle=0,
            Ascent=self.ascent,
            Descent=self.descent,
            CapHeight=729,
            StemV=80,
            FontFile2=file,
        )
        widths: list = []
        for g in sorted(self.widths):
            widths += [g, [self.widths[g]]]
        cid = pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.CIDFontType2,
            BaseFont=name,
            CIDSystemInfo=pikepdf.Dictionary(
                Registry=pikepdf.String("Adobe"), Ordering=pikepdf.String("Identity"), Supplement=0
            ),
            FontDescriptor=pdf.make_indirect(descriptor),
            W=widths,
            DW=1000,
            CIDToGIDMap=pikepdf.Name.Identity,
        )
        font = pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.Type0,
            BaseFont=name,
            Encoding=pikepdf.Name("/Identity-H"),
            DescendantFonts=[pdf.make_indirect(cid)],
            ToUnicode=pdf.make_stream(self._to_unicode()),
        )
        return pdf.make_indirect(font)

    def _to_unicode(self) -> bytes:
        # Several code points may share a glyph (space, no-break space); the lowest one is the text.
        pairs = sorted({g: code for code, g in sorted(self.gids.items(), reverse=True)}.items())
        lines = [
            "/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
            "/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
            "1 begincodespacerange <0000> <FFFF> endcodespacerange",
        ]
        for start in range(0, len(pairs), 100):
            chunk = pairs[start : start + 100]
            lines.append(f"{len(chunk)} beginbfchar")
            lines += [f"<{g:04X}> <{code:04X}>" for g, code in chunk]
            lines.append("endbfchar")
        lines += ["endcmap CMapName currentdict /CMap defineresource pop end end"]
        return "\n".join(lines).encode("ascii")


@cache
def field_font() -> FieldFont:
    """The field font, loaded once per process."""
    return FieldFont()


if __name__ == "__main__":  # python -m somflow.forms.fonts: refresh the shipped subset
    SUBSET.write_bytes(make_subset())
