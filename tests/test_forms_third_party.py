"""``somflow fill --template``: third-party AcroForm PDFs as offices make them, filled and read back with correct Polish.

The PDFs are built in tests/third_party_pdfs.py with pikepdf by hand, pypdf and
reportlab (never somflow's template builder). Each filled PDF is checked in the
three places Polish letters must be right: the field values (pypdf), what a
viewer draws when it does not make appearances itself (pdftoppm with
NeedAppearances removed) and the text of a flattened copy (pdftotext).
"""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
import third_party_pdfs as tp
import yaml
from conftest import run_somflow
from forms_fixtures import ink_in, pdftotext, render
from pypdf import PdfReader

from somflow.forms import acroform

POLISH = tp.POLISH


def fill(
    somflow_cli,
    tmp_path: Path,
    template: Path,
    data: dict | str,
    *extra: str,
    out: str = "wynik.pdf",
    data_name: str = "dane.yaml",
):
    """Run ``somflow fill --template`` with ``data`` (a dict written as YAML, or the file's text); returns the result and the --out path."""
    source = tmp_path / data_name
    source.write_text(data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    target = tmp_path / out
    return somflow_cli("fill", "--template", str(template), "--data", str(source), "--out", str(target), *extra), target


def own_appearances_only(path: Path) -> Path:
    """A copy without NeedAppearances, so a viewer draws only the appearance streams somflow wrote."""
    copy = path.with_name(path.stem + "-ap.pdf")
    with pikepdf.open(path) as pdf:
        if "/NeedAppearances" in pdf.Root.AcroForm:
            del pdf.Root.AcroForm["/NeedAppearances"]
        pdf.save(copy)
    return copy


def values(path: Path) -> dict:
    return {name: field.get("/V") for name, field in (PdfReader(path).get_fields() or {}).items()}


def test_hierarchical_names_and_a_field_shown_on_two_pages(somflow_cli, tmp_path):
    template = tp.hierarchical(tmp_path / "osoba.pdf")
    data = {
        "osoba.imie": POLISH,
        "osoba": {"nazwisko": "Łęcka-Żółć"},
        "podpis": "Źdźbło Ślęża",
    }  # dotted names or nested mappings
    result, out = fill(somflow_cli, tmp_path, template, data)
    assert result.exit_code == 0, result.output
    found = values(out)
    assert (
        found["osoba.imie"] == POLISH and found["osoba.nazwisko"] == "Łęcka-Żółć" and found["podpis"] == "Źdźbło Ślęża"
    )
    with pikepdf.open(out) as pdf:
        assert acroform.field_values(pdf)["osoba.imie"] == POLISH
    shown = own_appearances_only(out)
    page1, page2 = render(shown, 1), render(shown, 2)
    assert ink_in(page1, tp.IMIE_RECT) > 30 and ink_in(page1, tp.NAZWISKO_RECT) > 30
    assert (
        ink_in(page1, tp.PODPIS_RECTS[0]) > 30 and ink_in(page2, tp.PODPIS_RECTS[1]) > 30
    )  # both widgets of the one field
    result, flat = fill(somflow_cli, tmp_path, template, data, "--flatten", out="plaski.pdf")
    assert result.exit_code == 0, result.output
    text = pdftotext(flat)
    assert POLISH in text and "Łęcka-Żółć" in text and text.count("Źdźbło Ślęża") == 2


def test_text_fields_of_every_kind_show_polish(somflow_cli, tmp_path):
    """No /DA, a /DA font missing from /DR, Helvetica (no Polish glyphs), /MaxLen, comb, multiline, /Q 2, size 0."""
    template = tp.text_fields(tmp_path / "tekst.pdf")
    data = {
        "bez_da": POLISH,
        "obca_czcionka": POLISH,
        "helvetica": POLISH,
        "pesel": "02270803624",
        "kod": "80-180",
        "uwagi": "Zażółć gęślą jaźń.\nDruga linia: ŹDŹBŁO",
        "kwota": "1234,56 zł",
        "auto": POLISH,
    }
    result, out = fill(somflow_cli, tmp_path, template, data)
    assert result.exit_code == 0, result.output
    assert values(out) == data
    with pikepdf.open(out) as pdf:
        for field in pdf.Root.AcroForm.Fields:
            assert str(field.DA).startswith("/SfF "), field.T  # a viewer that regenerates uses the Polish font too
            assert b"/SfF" in field.AP.N.read_bytes()
            if field.T == "kwota":
                assert (
                    str(field.DA).endswith("Tf 0 0 1 rg") and b"0 0 1 rg" in field.AP.N.read_bytes()
                )  # keeps its blue
    page = render(own_appearances_only(out))
    for name, rect in tp.TEXT_RECTS.items():
        assert ink_in(page, rect) > 60, name
    x1, y1, x2, y2 = tp.TEXT_RECTS["kwota"]
    assert ink_in(page, (x1, y1, x1 + (x2 - x1) / 2, y2)) < ink_in(
        page, (x1 + (x2 - x1) / 2, y1, x2, y2)
    )  # /Q 2: right-aligned
    x1, y1, x2, y2 = tp.TEXT_RECTS["kod"]
    cell = (x2 - x1) / 6
    assert ink_in(page, (x2 - cell, y1, x2, y2)) > 0  # comb: the 6th character sits in the last cell
    result, flat = fill(somflow_cli, tmp_path, template, data, "--flatten", out="plaski.pdf")
    assert result.exit_code == 0, result.output
    text = pdftotext(flat)
    for value in ("02270803624", "1234,56 zł", "Zażółć gęślą jaźń.", "Druga linia: ŹDŹBŁO"):
        assert value in text
    assert text.count(POLISH) == 4
    assert "/Annots" not in PdfReader(flat).pages[0] or not PdfReader(flat).pages[0]["/Annots"]


def test_checkboxes_radios_and_choices_take_export_values_and_texts(somflow_cli, tmp_path):
    template = tp.buttons_and_choices(tmp_path / "wybory.pdf")
    data = {
        "zgoda": True,
        "jeden": "tak",
        "on": "On",
        "rola": "opiekun",
        "plec": "mężczyzna",
        "wojewodztwo": "łódzkie",
        "placowka": "szkoła podstawowa",
        "gmina": "Sopot",
    }
    result, out = fill(somflow_cli, tmp_path, template, data)
    assert result.exit_code == 0, result.output
    found = values(out)
    assert (found["zgoda"], found["jeden"], found["on"], found["rola"]) == ("/Tak", "/1", "/On", "/opiekun")
    assert found["plec"] == "/1"  # /Opt: the state is the option's index
    assert (
        found["wojewodztwo"] == "łódzkie" and found["placowka"] == "S" and found["gmina"] == "Sopot"
    )  # list box: the export value
    with pikepdf.open(out) as pdf:
        back = acroform.field_values(pdf)
    assert back["plec"] == "mężczyzna" and back["rola"] == "opiekun" and back["zgoda"] is True
    page = render(own_appearances_only(out))
    for rect in (
        *tp.CHECK_RECTS.values(),
        tp.RADIO_RECTS["opiekun"],
        tp.OPT_RADIO_RECTS[1],
        tp.COMBO_RECT,
        tp.LIST_RECT,
        tp.EDIT_COMBO_RECT,
    ):
        assert ink_in(page, rect) > 5, rect
    assert ink_in(page, tp.RADIO_RECTS["rodzic"]) == 0 and ink_in(page, tp.OPT_RADIO_RECTS[0]) == 0
    result, flat = fill(somflow_cli, tmp_path, template, {**data, "zgoda": False}, "--flatten", out="plaski.pdf")
    assert result.exit_code == 0, result.output
    text = pdftotext(flat)
    assert "łódzkie" in text and "szkoła podstawowa" in text
    assert ink_in(render(flat), tp.CHECK_RECTS["zgoda"]) == 0


def test_bad_values_name_their_fields_exit_2_and_write_nothing(somflow_cli, tmp_path):
    text = tp.text_fields(tmp_path / "tekst.pdf")
    result, out = fill(somflow_cli, tmp_path, text, {"pesel": "022708036241", "nie_ma": "x", "kod": "80-1800"})
    assert result.exit_code == 2 and not out.exists()
    assert "nie ma pola „nie_ma”" in result.output
    assert "pole „pesel”: wartość ma 12 znaków, a pole mieści najwyżej 11" in result.output
    assert "pole „kod”: wartość ma 7 znaków" in result.output
    buttons = tp.buttons_and_choices(tmp_path / "wybory.pdf")
    result, out = fill(
        somflow_cli,
        tmp_path,
        buttons,
        {"zgoda": "może", "rola": "dziadek", "plec": "inna", "wojewodztwo": "mazowieckie", "placowka": ["P", "S"]},
    )
    assert result.exit_code == 2 and not out.exists()
    assert "pole „zgoda” to pole wyboru" in result.output and "„może”" in result.output
    assert "pole „rola”: „dziadek” nie jest jedną z opcji: rodzic, opiekun" in result.output
    assert "pole „plec”: „inna” nie jest jedną z opcji: kobieta, mężczyzna" in result.output
    assert "pole „wojewodztwo”: „mazowieckie” nie jest jedną z opcji: dolnośląskie, łódzkie, śląskie" in result.output
    assert "pole „placowka” przyjmuje jedną wartość" in result.output


def test_a_csv_row_that_does_not_fit_the_pdf_stops_the_whole_batch(somflow_cli, tmp_path):
    template = tp.text_fields(tmp_path / "tekst.pdf")
    result, out = fill(
        somflow_cli,
        tmp_path,
        template,
        "helvetica,pesel\nŻaneta,02270803624\nŁucja,0227080362499\n",
        data_name="klasa.csv",
        out="klasa.pdf",
    )
    assert result.exit_code == 2 and not out.exists()
    assert "Wiersz 2: w pliku tekst.pdf: pole „pesel”" in result.output


def test_rotated_page_field_reads_upright(somflow_cli, tmp_path):
    template = tp.rotated(tmp_path / "poziomo.pdf")
    result, out = fill(somflow_cli, tmp_path, template, {"nazwa": POLISH})
    assert result.exit_code == 0, result.output
    with pikepdf.open(out) as pdf:
        normal = pdf.pages[0].Annots[0].AP.N
        x1, y1, x2, y2 = tp.ROTATED_RECT
        assert list(normal.BBox) == [0, 0, y2 - y1, x2 - x1]  # laid out along the long side
        assert [float(v) for v in normal.Matrix][:4] == [0, 1, -1, 0]
    blank = render(template)
    filled = render(own_appearances_only(out))
    assert sum(filled.convert("L").histogram()[:128]) > sum(blank.convert("L").histogram()[:128]) + 100
    result, flat = fill(somflow_cli, tmp_path, template, {"nazwa": POLISH}, "--flatten", out="plaski.pdf")
    assert result.exit_code == 0 and POLISH in pdftotext(flat)  # upright on the turned page: one line of text


def test_encrypted_with_empty_user_password_is_filled(somflow_cli, tmp_path):
    plain = tp.reportlab_form(tmp_path / "urzad.pdf")
    template = tp.encrypted(plain, tmp_path / "zaszyfrowany.pdf")
    assert PdfReader(template).is_encrypted
    result, out = fill(
        somflow_cli, tmp_path, template, {"Nazwisko": POLISH, "Zgoda": True, "Rola": "rodzic", "Miasto": "Lodz"}
    )
    assert result.exit_code == 0, result.output
    found = values(out)
    assert found["Nazwisko"] == POLISH and found["Rola"] == "/rodzic" and found["Miasto"] == "Lodz"
    assert ink_in(render(own_appearances_only(out)), tp.RL_RECTS["Nazwisko"]) > 30
    result, flat = fill(somflow_cli, tmp_path, template, {"Nazwisko": POLISH}, "--flatten", out="plaski.pdf")
    assert result.exit_code == 0 and POLISH in pdftotext(flat)


def fill_in_terminal(tmp_path: Path, template: Path, data: dict, target: Path | None = None):
    """``somflow fill --template`` in its own process, as from a terminal (errors about the file end the program)."""
    source = tmp_path / "dane.yaml"
    source.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    target = target or tmp_path / "wynik.pdf"
    return run_somflow(
        "fill", "--template", str(template), "--data", str(source), "--out", str(target), cwd=tmp_path
    ), target


def test_password_protected_pdf_is_refused(tmp_path):
    template = tp.encrypted(tp.reportlab_form(tmp_path / "urzad.pdf"), tmp_path / "haslo.pdf", user_password="tajne")
    result, out = fill_in_terminal(tmp_path, template, {"Nazwisko": POLISH})
    assert result.returncode != 0 and not out.exists()
    assert "haslo.pdf jest chroniony hasłem" in result.stderr + result.stdout


def test_xfa_is_dropped_so_viewers_show_the_acroform(somflow_cli, tmp_path):
    template = tp.with_xfa(tp.reportlab_form(tmp_path / "urzad.pdf"), tmp_path / "xfa.pdf")
    result, out = fill(somflow_cli, tmp_path, template, {"Nazwisko": POLISH})
    assert result.exit_code == 0, result.output
    assert "XFA" in result.output
    with pikepdf.open(out) as pdf:
        assert "/XFA" not in pdf.Root.AcroForm and "/NeedsRendering" not in pdf.Root
    assert values(out)["Nazwisko"] == POLISH


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (tp.not_a_pdf, "nie jest plikiem PDF"),
        (lambda d: tp.truncated(tp.text_fields(d / "caly.pdf"), d / "urwany.pdf"), "uszkodzony albo niepełny"),
        (lambda d: tp.no_form(d / "skan.pdf"), "nie ma pól formularza"),
        (lambda d: tp.dynamic_xfa(d / "xfa.pdf"), "dynamiczny formularz XFA"),
    ],
    ids=["not-a-pdf", "truncated", "no-fields", "dynamic-xfa"],
)
def test_unusable_template_gives_a_polish_error(tmp_path, make, message):
    template = make(tmp_path)
    result, out = fill_in_terminal(tmp_path, template, {"bez_da": "x"})
    output = result.stderr + result.stdout
    assert result.returncode != 0 and not out.exists()
    assert message in output and template.name in output
    assert "Traceback" not in output and "Nieoczekiwany" not in output


def test_livecycle_form_indexed_names_checkbox_pair_and_box_without_appearance(somflow_cli, tmp_path):
    template = tp.livecycle(tmp_path / "lc.pdf")
    data = {
        "form1.strona1.Nazwisko": POLISH,
        "form1[0].strona1[0].Zgoda[0]": "Nie",
        "form1.strona1.Potwierdzenie": "tak",
    }
    result, out = fill(somflow_cli, tmp_path, template, data)
    assert result.exit_code == 0, result.output
    found = values(out)
    prefix = tp.LC_PREFIX
    assert (
        found[prefix + "Nazwisko[0]"] == POLISH
        and found[prefix + "Zgoda[0]"] == "/Nie"
        and found[prefix + "Potwierdzenie[0]"] == "/Yes"
    )
    page = render(own_appearances_only(out))
    assert ink_in(page, tp.LC_RECTS["Nazwisko"]) > 30 and ink_in(page, tp.LC_RECTS["Potwierdzenie"]) > 5
    assert ink_in(page, tp.LC_RECTS["Nie"]) > 5 and ink_in(page, tp.LC_RECTS["Tak"]) == 0  # only the box that was meant
    bad, out = fill(
        somflow_cli, tmp_path, template, {"form1.strona1.Zgoda": True, "form1.strona1.Nazwsko": "x"}, out="zle.pdf"
    )
    assert bad.exit_code == 2 and not out.exists()
    assert "„True” nie jest jedną z opcji: Tak, Nie" in bad.output
    assert "czy chodziło o „form1[0].strona1[0].Nazwisko[0]”" in bad.output


def test_values_the_field_font_cannot_show_are_refused(somflow_cli, tmp_path):
    template = tp.text_fields(tmp_path / "tekst.pdf")
    result, out = fill(somflow_cli, tmp_path, template, {"helvetica": "Ołeksandr ✓"})
    assert result.exit_code == 2 and not out.exists()
    assert "pole „helvetica”: znaków „✓” nie da się pokazać" in result.output


def test_yaml_numbers_with_leading_zeros_stay_text(somflow_cli, tmp_path):
    """YAML 1.1 would read a 2000s PESEL made of digits 0-7 as an octal number, 12:30 as 750."""
    template = tp.text_fields(tmp_path / "tekst.pdf")
    result, out = fill(somflow_cli, tmp_path, template, "pesel: 00210112345\nhelvetica: 12:30\nkwota: 0x1F\n")
    assert result.exit_code == 0, result.output
    found = values(out)
    assert (found["pesel"], found["helvetica"], found["kwota"]) == ("00210112345", "12:30", "0x1F")


def test_polish_field_names_and_fields_missing_from_the_field_list(somflow_cli, tmp_path):
    template = tp.orphan_widgets(tmp_path / "sierota.pdf")
    result, out = fill(somflow_cli, tmp_path, template, {"Miejscowość": "Świętochłowice", "Województwo": "śląskie"})
    assert result.exit_code == 0, result.output
    assert values(out) == {"Miejscowość": "Świętochłowice", "Województwo": "śląskie", "Podpis": None}
    page = render(own_appearances_only(out))
    assert all(ink_in(page, rect) > 30 for rect in tp.ORPHAN_RECTS.values())
    bad, out = fill(somflow_cli, tmp_path, template, {"Podpis": "Jan Kowalski"}, out="zle.pdf")
    assert bad.exit_code == 2 and not out.exists()
    assert "pole „Podpis” to podpis albo przycisk" in bad.output


def test_reading_back_a_tak_nie_pair(somflow_cli, tmp_path):
    result, out = fill(somflow_cli, tmp_path, tp.livecycle(tmp_path / "lc.pdf"), {"form1.strona1.Zgoda": "Tak"})
    assert result.exit_code == 0, result.output
    with pikepdf.open(out) as pdf:
        back = acroform.field_values(pdf)
    assert back[tp.LC_PREFIX + "Zgoda[0]"] == "Tak" and back[tp.LC_PREFIX + "Potwierdzenie[0]"] is False


def test_values_the_office_prefilled_still_show(somflow_cli, tmp_path):
    """NeedAppearances goes off when somflow fills; a pre-filled value that had no appearance must be drawn too."""
    result, out = fill(somflow_cli, tmp_path, tp.prefilled(tmp_path / "urzad.pdf"), {"Nazwisko": "Żak"})
    assert result.exit_code == 0, result.output
    assert values(out) == {"Gmina": "Gmina Łęczna", "Nazwisko": "Żak"}
    with pikepdf.open(out) as pdf:
        drawn = pdf.Root.AcroForm.Fields[1].AP.N.read_bytes()
    assert b"/SfF 14 Tf 0 0 1 rg" in drawn  # the form-wide /DA: its size and colour, somflow's font
    page = render(own_appearances_only(out))
    assert ink_in(page, tp.PREFILLED_RECTS["Gmina"]) > 30 and ink_in(page, tp.PREFILLED_RECTS["Nazwisko"]) > 10
    result, flat = fill(
        somflow_cli, tmp_path, tp.prefilled(tmp_path / "urzad.pdf"), {"Nazwisko": "Żak"}, "--flatten", out="plaski.pdf"
    )
    assert result.exit_code == 0 and "Gmina Łęczna" in pdftotext(flat)


def test_out_in_a_missing_folder_is_a_polish_error(tmp_path):
    template = tp.reportlab_form(tmp_path / "urzad.pdf")
    result, target = fill_in_terminal(
        tmp_path, template, {"Nazwisko": "Żak"}, tmp_path / "nie-ma-folderu" / "wynik.pdf"
    )
    assert result.returncode != 0 and not target.exists()
    assert (
        "Nie można użyć pliku" in result.stderr + result.stdout and "nie ma takiego pliku albo folderu" in result.stderr
    )
    assert "Nieoczekiwany" not in result.stderr


def test_line_breaks_as_acrobat_stores_them(somflow_cli, tmp_path):
    """Acrobat keeps a multiline value's breaks as \\r: drawn as new lines (not "?") and read back as \\n."""
    template = tp.text_fields(tmp_path / "tekst.pdf")
    result, out = fill(
        somflow_cli, tmp_path, template, {"uwagi": "Pierwsza żółta\r\nDruga\rTrzecia"}, "--flatten", out="plaski.pdf"
    )
    assert result.exit_code == 0, result.output
    lines = [line.strip() for line in pdftotext(out).splitlines() if line.strip()]
    assert lines[1:4] == ["Pierwsza żółta", "Druga", "Trzecia"]
    with pikepdf.open(template) as pdf:
        pdf.Root.AcroForm.Fields[5].V = pikepdf.String("Jeden\rDwa")  # as a viewer saved it
        assert acroform.field_values(pdf)["uwagi"] == "Jeden\nDwa"


def test_csv_from_polish_excel_in_windows_1250(somflow_cli, tmp_path):
    template = tp.text_fields(tmp_path / "tekst.pdf")
    source = tmp_path / "excel.csv"
    source.write_bytes("helvetica;pesel\r\nŻaneta Łęcka;02270803624\r\n".encode("cp1250"))
    out = tmp_path / "excel.pdf"
    result = somflow_cli("fill", "--template", str(template), "--data", str(source), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "Żaneta Łęcka" in pdftotext(out)
    source.write_bytes(b"helvetica\n\x81\x98\n")  # bytes no Polish text encoding has
    result = somflow_cli("fill", "--template", str(template), "--data", str(source), "--out", str(tmp_path / "x.pdf"))
    assert result.exit_code == 2 and "nie jest tekstem w UTF-8 ani w Windows-1250" in result.output
