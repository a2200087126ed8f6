"""Third-party AcroForm PDFs as municipalities and ministries make them, built without somflow's builder.

Each builder writes one PDF with pikepdf by hand, pypdf or reportlab and returns
its path. Field rectangles are module constants so tests can look for ink there.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pikepdf
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

W, H = 595.28, 841.89
POLISH = "ąćęłńóśźż ĄĆĘŁŃÓŚŹŻ"

MULTILINE = 1 << 12
COMB = 1 << 24
RADIO = 1 << 15
NO_TOGGLE_OFF = 1 << 14
COMBO = 1 << 17
EDIT = 1 << 18
MULTI_SELECT = 1 << 21

HELV_DA = "/Helv 0 Tf 0 g"


def _page_text(pdf: pikepdf.Pdf, page: pikepdf.Page, text: str) -> None:
    font = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    )
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.obj.Contents = pdf.make_stream(f"BT /F1 14 Tf 60 800 Td ({text}) Tj ET".encode("latin-1"))


def _new(pages: int = 1, rotate: int = 0, title: str = "Wniosek gminy") -> pikepdf.Pdf:
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(W, H))
    for page in pdf.pages:
        _page_text(pdf, page, title)
        if rotate:
            page.obj.Rotate = rotate
    return pdf


def _helvetica_dr(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    helv = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.Type1,
            BaseFont=pikepdf.Name.Helvetica,
            Encoding=pikepdf.Name.WinAnsiEncoding,
        )
    )
    return pikepdf.Dictionary(Font=pikepdf.Dictionary(Helv=helv))


def _widget(pdf: pikepdf.Pdf, page_no: int, rect, **extra) -> pikepdf.Dictionary:
    page = pdf.pages[page_no]
    annot = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget, Rect=list(rect), F=4, P=page.obj, **extra
        )
    )
    if "/Annots" not in page.obj:
        page.obj.Annots = pikepdf.Array()
    page.obj.Annots.append(annot)
    return annot


def _acroform(pdf: pikepdf.Pdf, fields: list, **extra) -> None:
    extra.setdefault("DA", pikepdf.String(HELV_DA))
    pdf.Root.AcroForm = pdf.make_indirect(pikepdf.Dictionary(Fields=fields, DR=_helvetica_dr(pdf), **extra))


def _box(pdf: pikepdf.Pdf, w: float, h: float, content: bytes = b"") -> pikepdf.Object:
    stream = pdf.make_stream(content)
    stream.Type = pikepdf.Name.XObject
    stream.Subtype = pikepdf.Name.Form
    stream.BBox = [0, 0, w, h]
    return stream


CHECK = b"q 0 g 2 2 m 8 8 l 2 8 m 8 2 l S Q"

# ------------------------------------------------------------ hierarchical

IMIE_RECT = (60, 700, 300, 720)
NAZWISKO_RECT = (60, 660, 300, 680)
PODPIS_RECTS = ((60, 600, 300, 620), (60, 600, 300, 620))  # page 1 and page 2


def hierarchical(path: Path) -> Path:
    """``osoba`` with kids ``imie``, ``nazwisko``; ``podpis``: one field, a widget on each of two pages."""
    pdf = _new(pages=2)
    osoba = pdf.make_indirect(
        pikepdf.Dictionary(
            T=pikepdf.String("osoba"), Kids=pikepdf.Array(), FT=pikepdf.Name.Tx, DA=pikepdf.String(HELV_DA)
        )
    )
    for name, rect in (("imie", IMIE_RECT), ("nazwisko", NAZWISKO_RECT)):
        kid = _widget(pdf, 0, rect, T=pikepdf.String(name), Parent=osoba)
        osoba.Kids.append(kid)
    podpis = pdf.make_indirect(
        pikepdf.Dictionary(
            T=pikepdf.String("podpis"), FT=pikepdf.Name.Tx, DA=pikepdf.String(HELV_DA), Kids=pikepdf.Array()
        )
    )
    for page_no, rect in enumerate(PODPIS_RECTS):
        podpis.Kids.append(_widget(pdf, page_no, rect, Parent=podpis))
    _acroform(pdf, [osoba, podpis])
    pdf.save(path)
    return path


# ------------------------------------------------------------ text fields

TEXT_RECTS = {
    "bez_da": (60, 740, 300, 760),
    "obca_czcionka": (60, 700, 300, 720),
    "helvetica": (60, 660, 300, 680),
    "pesel": (60, 620, 300, 640),
    "kod": (60, 580, 180, 600),
    "uwagi": (60, 480, 400, 560),
    "kwota": (60, 440, 300, 460),
    "auto": (60, 400, 300, 420),
}


def text_fields(path: Path) -> Path:
    """Text fields as found in the wild: no /DA, a /DA font missing from /DR, Helvetica, /MaxLen, comb, multiline, /Q 2, size 0."""
    pdf = _new()
    fields = []
    specs = {
        "bez_da": {},
        "obca_czcionka": {"DA": pikepdf.String("/ArialMT 10 Tf 0 g")},
        "helvetica": {"DA": pikepdf.String("/Helv 10 Tf 0 g")},
        "pesel": {"DA": pikepdf.String("/Helv 10 Tf 0 g"), "MaxLen": 11},
        "kod": {"DA": pikepdf.String("/Helv 10 Tf 0 g"), "MaxLen": 6, "Ff": COMB},
        "uwagi": {"DA": pikepdf.String("/Helv 9 Tf 0 g"), "Ff": MULTILINE},
        "kwota": {"DA": pikepdf.String("/Helv 10 Tf 0 0 1 rg"), "Q": 2},  # blue, right-aligned
        "auto": {"DA": pikepdf.String("/Helv 0 Tf 0 g")},
    }
    for name, extra in specs.items():
        mk = pikepdf.Dictionary(BC=[0, 0, 0], BG=[0.9, 0.9, 1])
        fields.append(_widget(pdf, 0, TEXT_RECTS[name], FT=pikepdf.Name.Tx, T=pikepdf.String(name), MK=mk, **extra))
    pdf.Root.AcroForm = pdf.make_indirect(
        pikepdf.Dictionary(Fields=fields, DR=_helvetica_dr(pdf))
    )  # no document-wide /DA
    pdf.save(path)
    return path


# ------------------------------------------------------------ buttons and choices

CHECK_RECTS = {"zgoda": (60, 740, 74, 754), "jeden": (60, 710, 74, 724), "on": (60, 680, 74, 694)}
RADIO_RECTS = {"rodzic": (60, 640, 74, 654), "opiekun": (100, 640, 114, 654)}
OPT_RADIO_RECTS = ((60, 600, 74, 614), (100, 600, 114, 614))
COMBO_RECT = (60, 540, 260, 560)
LIST_RECT = (60, 440, 260, 520)
EDIT_COMBO_RECT = (300, 540, 500, 560)


def buttons_and_choices(path: Path) -> Path:
    """Checkboxes exporting /Tak, /1, /On; a radio group with export values and one with /Opt; combo box, list box."""
    pdf = _new()
    fields = []
    for name, on in (("zgoda", "Tak"), ("jeden", "1"), ("on", "On")):
        ap = pikepdf.Dictionary(N=pikepdf.Dictionary({"/" + on: _box(pdf, 14, 14, CHECK), "/Off": _box(pdf, 14, 14)}))
        fields.append(
            _widget(
                pdf,
                0,
                CHECK_RECTS[name],
                FT=pikepdf.Name.Btn,
                T=pikepdf.String(name),
                V=pikepdf.Name.Off,
                AS=pikepdf.Name.Off,
                AP=ap,
            )
        )
    rola = pdf.make_indirect(
        pikepdf.Dictionary(
            FT=pikepdf.Name.Btn,
            T=pikepdf.String("rola"),
            Ff=RADIO | NO_TOGGLE_OFF,
            V=pikepdf.Name.Off,
            Kids=pikepdf.Array(),
        )
    )
    for export, rect in RADIO_RECTS.items():
        ap = pikepdf.Dictionary(
            N=pikepdf.Dictionary({"/" + export: _box(pdf, 14, 14, CHECK), "/Off": _box(pdf, 14, 14)})
        )
        rola.Kids.append(_widget(pdf, 0, rect, Parent=rola, AS=pikepdf.Name.Off, AP=ap))
    fields.append(rola)
    plec = pdf.make_indirect(
        pikepdf.Dictionary(
            FT=pikepdf.Name.Btn,
            T=pikepdf.String("plec"),
            Ff=RADIO | NO_TOGGLE_OFF,
            V=pikepdf.Name.Off,
            Kids=pikepdf.Array(),
            Opt=[pikepdf.String("kobieta"), pikepdf.String("mężczyzna")],
        )
    )
    for i, rect in enumerate(OPT_RADIO_RECTS):
        ap = pikepdf.Dictionary(N=pikepdf.Dictionary({f"/{i}": _box(pdf, 14, 14, CHECK), "/Off": _box(pdf, 14, 14)}))
        plec.Kids.append(_widget(pdf, 0, rect, Parent=plec, AS=pikepdf.Name.Off, AP=ap))
    fields.append(plec)
    woj = [pikepdf.String(v) for v in ("dolnośląskie", "łódzkie", "śląskie")]
    fields.append(
        _widget(
            pdf,
            0,
            COMBO_RECT,
            FT=pikepdf.Name.Ch,
            T=pikepdf.String("wojewodztwo"),
            Ff=COMBO,
            Opt=woj,
            DA=pikepdf.String("/Helv 10 Tf 0 g"),
        )
    )
    pairs = [
        pikepdf.Array([pikepdf.String(e), pikepdf.String(d)])
        for e, d in (("P", "przedszkole"), ("S", "szkoła podstawowa"), ("L", "liceum"))
    ]
    fields.append(
        _widget(
            pdf,
            0,
            LIST_RECT,
            FT=pikepdf.Name.Ch,
            T=pikepdf.String("placowka"),
            Opt=pairs,
            DA=pikepdf.String("/Helv 10 Tf 0 g"),
        )
    )
    fields.append(
        _widget(
            pdf,
            0,
            EDIT_COMBO_RECT,
            FT=pikepdf.Name.Ch,
            T=pikepdf.String("gmina"),
            Ff=COMBO | EDIT,
            Opt=[pikepdf.String("Gdańsk")],
            DA=pikepdf.String("/Helv 10 Tf 0 g"),
        )
    )
    _acroform(pdf, fields)
    pdf.save(path)
    return path


# ------------------------------------------------------------ rotated page

ROTATED_RECT = (100, 300, 130, 600)  # a tall box on the unrotated page: a line of text once the page turns


def rotated(path: Path) -> Path:
    """A landscape form: the page has /Rotate 90 and the widget /MK /R 90, as Acrobat makes it."""
    pdf = _new(rotate=90)
    field = _widget(
        pdf,
        0,
        ROTATED_RECT,
        FT=pikepdf.Name.Tx,
        T=pikepdf.String("nazwa"),
        DA=pikepdf.String("/Helv 12 Tf 0 g"),
        MK=pikepdf.Dictionary(R=90),
    )
    _acroform(pdf, [field])
    pdf.save(path)
    return path


# ------------------------------------------------------------ reportlab, encryption, XFA, broken files

RL_RECTS = {"Nazwisko": (72, 700, 372, 720), "Adres": (72, 650, 372, 670)}


def reportlab_form(path: Path) -> Path:
    """A form made with reportlab's acroForm (Helvetica field font, appearances of its own)."""
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.drawString(72, 800, "Wniosek (formularz urzedowy)")
    form = pdf.acroForm
    for name, (x1, y1, x2, y2) in RL_RECTS.items():
        form.textfield(name=name, x=x1, y=y1, width=x2 - x1, height=y2 - y1, value="")
    form.checkbox(name="Zgoda", x=72, y=600, size=14, checked=False, buttonStyle="check")
    form.radio(name="Rola", value="rodzic", x=72, y=560, size=14, selected=False)
    form.radio(name="Rola", value="opiekun", x=120, y=560, size=14, selected=False)
    form.choice(name="Miasto", value="Gdansk", options=["Gdansk", "Lodz", "Krakow"], x=72, y=500, width=200, height=20)
    pdf.showPage()
    pdf.save()
    return path


def encrypted(source: Path, path: Path, user_password: str = "") -> Path:
    """``source`` encrypted by pypdf (AES-128) with an owner password and ``user_password``."""
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=str(source))
    writer.encrypt(user_password=user_password, owner_password="wlasciciel-urzedu", algorithm="AES-128")
    with path.open("wb") as out:
        writer.write(out)
    return path


XFA = b"""<?xml version="1.0" encoding="UTF-8"?>
<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/"><template xmlns="http://www.xfa.org/schema/xfa-template/3.3/">
<subform name="form1"><field name="Nazwisko"/></subform></template></xdp:xdp>"""


def with_xfa(source: Path, path: Path) -> Path:
    """``source`` with an XFA form next to its AcroForm (LiveCycle Designer's "static" forms)."""
    with pikepdf.open(source) as pdf:
        pdf.Root.AcroForm.XFA = pdf.make_stream(XFA)
        pdf.Root.NeedsRendering = False
        pdf.save(path)
    return path


def truncated(source: Path, path: Path) -> Path:
    """The first third of ``source``: a download that broke off."""
    data = source.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    return path


def no_form(path: Path) -> Path:
    """A PDF without any form field (a scan, a printout)."""
    pdf = _new(title="Pismo bez pol")
    pdf.save(path)
    return path


def not_a_pdf(folder: Path) -> Path:
    """A letter saved with a .pdf name."""
    path = folder / "list.pdf"
    path.write_text("Szanowni Państwo, w załączeniu wniosek.", encoding="utf-8")
    return path


LC_PREFIX = "form1[0].strona1[0]."
LC_RECTS = {
    "Nazwisko": (60, 700, 300, 720),
    "Tak": (60, 660, 74, 674),
    "Nie": (100, 660, 114, 674),
    "Potwierdzenie": (60, 620, 74, 634),
}


def livecycle(path: Path) -> Path:
    """As Adobe LiveCycle Designer saves a "static" form: names like ``form1[0].strona1[0].Nazwisko[0]``, XFA beside AcroForm,
    a "tak"/"nie" pair of checkboxes sharing one name, and a checkbox without appearance streams."""
    pdf = _new(title="Formularz LiveCycle")
    form1 = pdf.make_indirect(pikepdf.Dictionary(T=pikepdf.String("form1[0]"), Kids=pikepdf.Array()))
    page = pdf.make_indirect(pikepdf.Dictionary(T=pikepdf.String("strona1[0]"), Parent=form1, Kids=pikepdf.Array()))
    form1.Kids.append(page)
    page.Kids.append(
        _widget(
            pdf,
            0,
            LC_RECTS["Nazwisko"],
            FT=pikepdf.Name.Tx,
            T=pikepdf.String("Nazwisko[0]"),
            Parent=page,
            DA=pikepdf.String("/Helv 10 Tf 0 g"),
        )
    )
    pair = pdf.make_indirect(
        pikepdf.Dictionary(
            FT=pikepdf.Name.Btn, T=pikepdf.String("Zgoda[0]"), Parent=page, V=pikepdf.Name.Off, Kids=pikepdf.Array()
        )
    )
    for on in ("Tak", "Nie"):
        ap = pikepdf.Dictionary(N=pikepdf.Dictionary({"/" + on: _box(pdf, 14, 14, CHECK), "/Off": _box(pdf, 14, 14)}))
        pair.Kids.append(_widget(pdf, 0, LC_RECTS[on], Parent=pair, AS=pikepdf.Name.Off, AP=ap))
    page.Kids.append(pair)
    page.Kids.append(
        _widget(
            pdf,
            0,
            LC_RECTS["Potwierdzenie"],
            FT=pikepdf.Name.Btn,
            T=pikepdf.String("Potwierdzenie[0]"),
            Parent=page,
            V=pikepdf.Name.Off,
        )
    )
    _acroform(pdf, [form1], XFA=pdf.make_stream(XFA), NeedAppearances=True)
    pdf.save(path)
    return path


ORPHAN_RECTS = {"Miejscowość": (60, 700, 300, 720), "Województwo": (60, 660, 300, 680)}


def orphan_widgets(path: Path) -> Path:
    """Fields with Polish names (UTF-16 /T) whose widgets are on the page but whose /AcroForm lists no fields,
    as left by tools that copy pages without their form; plus a signature field."""
    pdf = _new()
    for name, rect in ORPHAN_RECTS.items():
        _widget(pdf, 0, rect, FT=pikepdf.Name.Tx, T=pikepdf.String(name), DA=pikepdf.String("/Helv 10 Tf 0 g"))
    _widget(pdf, 0, (300, 100, 500, 140), FT=pikepdf.Name.Sig, T=pikepdf.String("Podpis"))
    _acroform(pdf, [])
    with warnings.catch_warnings():  # pikepdf warns about exactly the fault this PDF is made to have
        warnings.simplefilter("ignore")
        pdf.save(path)
    return path


PREFILLED_RECTS = {"Gmina": (60, 700, 300, 720), "Nazwisko": (60, 660, 300, 680)}


def prefilled(path: Path) -> Path:
    """A form the office pre-filled ("Gmina": "Gmina Łęczna") without appearance streams, relying on NeedAppearances;
    "Nazwisko" has no /DA, so the form-wide one (14 pt, blue) applies."""
    pdf = _new()
    gmina = _widget(
        pdf,
        0,
        PREFILLED_RECTS["Gmina"],
        FT=pikepdf.Name.Tx,
        T=pikepdf.String("Gmina"),
        V=pikepdf.String("Gmina Łęczna"),
        DA=pikepdf.String("/Helv 10 Tf 0 g"),
    )
    nazwisko = _widget(
        pdf, 0, PREFILLED_RECTS["Nazwisko"], FT=pikepdf.Name.Tx, T=pikepdf.String("Nazwisko")
    )  # the form's /DA applies
    _acroform(pdf, [gmina, nazwisko], NeedAppearances=True, DA=pikepdf.String("/Helv 14 Tf 0 0 1 rg"))
    pdf.save(path)
    return path


def dynamic_xfa(path: Path) -> Path:
    """A dynamic XFA form: the fields live only in XFA, the PDF page says "Please wait..."."""
    pdf = _new(title="Please wait... If this message is not eventually replaced")
    pdf.Root.AcroForm = pdf.make_indirect(pikepdf.Dictionary(Fields=pikepdf.Array(), XFA=pdf.make_stream(XFA)))
    pdf.Root.NeedsRendering = True
    pdf.save(path)
    return path
