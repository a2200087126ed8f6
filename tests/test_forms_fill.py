"""somflow fill as the secretary uses it: from the example file, invalid data, QR codes, Polish text everywhere."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
import yaml
from conftest import run_somflow
from forms_fixtures import EXAMPLE, FORM_ID, ink_in, pdftotext, proba_workspace, render  # noqa: F401 - fixture
from inbox_fixtures import rasterise
from pypdf import PdfReader

from somflow import forms
from somflow.inbox.qr import decode
from somflow.workspace import Workspace

POLISH = "Zażółć gęślą jaźń ĄĆĘŁŃÓŚŹŻ"


def documents(root: Path) -> list[dict]:
    return Workspace(root).store.query("documents")


def fill_ok(somflow_cli, root: Path, *args: str) -> dict:
    result = somflow_cli("fill", FORM_ID, *args)
    assert result.exit_code == 0, result.output
    assert "Utworzono dokument" in result.output or "Created document" in result.output
    return documents(root)[-1]


def test_fill_example_file_record_values_and_qr(proba_workspace, somflow_cli):
    doc = fill_ok(somflow_cli, proba_workspace, "--data", str(EXAMPLE), "--record", "children:CHILD1")
    assert doc["status"] == "wygenerowany" and doc["form"] == FORM_ID and doc["form_version"] == 1
    assert doc["record"] == {"collection": "children", "id": "CHILD1"} and doc["returned"] is None
    pdf = proba_workspace / doc["file"]
    assert pdf.is_file() and doc["pages"] == len(PdfReader(pdf).pages)
    example = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    # pypdf reads every value back exactly
    fields = PdfReader(pdf).get_fields()
    assert fields["nazwisko"]["/V"] == "Żółć-Gęślińska"
    assert fields["opis"]["/V"] == example["opis"]
    assert fields["osoby-1-imie_nazwisko"]["/V"] == "Ślązak Źdźbło"
    assert fields["maloletni"]["/V"] == "/Yes" and fields["plec"]["/V"] == "/k"
    assert fields["formy-zaniedbanie"]["/V"] == "/Yes" and fields["formy-fizyczna"]["/V"] == "/Off"
    # and somflow's own read_back returns the data
    assert forms.read_back(forms.load_spec(doc_spec(proba_workspace)), pdf.read_bytes()) == doc["data"]
    # every page decodes to its own document id and page number
    for number, page in enumerate(rasterise(pdf, dpi=150), start=1):
        code = decode(page)
        assert code is not None and (code.document_id, code.page) == (doc["id"], number)


def doc_spec(root: Path) -> Path:
    return forms.get(Workspace(root), FORM_ID).path


def test_appearance_visible_without_need_appearances_and_flattened_text(proba_workspace, somflow_cli, tmp_path):
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")) | {
        "nazwisko": POLISH,
        "placowka": "Przedszkole „Źródełko” w Łodzi",
    }
    source = tmp_path / "dane.yaml"
    source.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    doc = fill_ok(somflow_cli, proba_workspace, "--data", str(source))
    pdf = proba_workspace / doc["file"]
    with pikepdf.open(pdf) as opened:
        assert "/NeedAppearances" not in opened.Root.AcroForm or not bool(opened.Root.AcroForm.NeedAppearances)
        rect = next(w.Rect for _n, f, ws in forms.acroform.terminal_fields(opened) if _n == "nazwisko" for w in ws)
        rect = [float(v) for v in rect]
    # the viewer draws only what somflow wrote: the box has ink
    assert ink_in(render(pdf), rect) > 30
    flat = fill_ok(somflow_cli, proba_workspace, "--data", str(source), "--flatten")
    text = pdftotext(proba_workspace / flat["file"])
    for value in (
        POLISH,
        "Przedszkole „Źródełko” w Łodzi",
        "Ślązak Źdźbło",
        "Żaneta Ćwik",
        "Zażółć gęślą jaźń. ĄĆĘŁŃÓŚŹŻ ąćęłńóśźż.",
    ):
        assert value in text
    assert "Formularz próbny — zgłoszenie źdźbła" in text and "PESEL¹" in text


@pytest.mark.parametrize(
    "change, message",
    [
        ({"pesel": "15240101232"}, "Sekcja I, pole „PESEL”: błędna cyfra kontrolna"),
        (
            {"pesel": "02270803624"},
            "Sekcja I, pole „Osoba małoletnia”: niezgodne z numerem PESEL (wiek 22 lata w dniu 2024-09-01)",
        ),
        ({"wiek": 10}, "Sekcja I, pole „Wiek”: wiek niezgodny z numerem PESEL (9 lat w dniu 2024-09-01)"),
        ({"data_urodzenia": "2023-02-30"}, "Sekcja I, pole „Data urodzenia”: „2023-02-30” nie jest prawidłową datą"),
        ({"data_urodzenia": "2999-01-01"}, "Sekcja I, pole „Data urodzenia”: data 2999-01-01 jest z przyszłości"),
        ({"imie": ""}, "Sekcja I, pole „Imię”: pole wymagane"),
        ({"kod_pocztowy": "81301"}, "Sekcja I, pole „Kod pocztowy”: kod pocztowy w formacie NN-NNN"),
        (
            {"osoby": [{"imie_nazwisko": "A"}, {"imie_nazwisko": "B", "pesel": "11111111111"}]},
            "Sekcja II, osoba 2, pole „PESEL”",
        ),
    ],
)
def test_invalid_data_exit_2_nothing_written(proba_workspace, somflow_cli, tmp_path, change, message):
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")) | change
    source = tmp_path / "dane.json"
    source.write_text(__import__("json").dumps(data, ensure_ascii=False), encoding="utf-8")
    result = somflow_cli("fill", FORM_ID, "--data", str(source))
    assert result.exit_code == 2
    assert message in result.output and "nic nie zapisano" in result.output
    assert documents(proba_workspace) == []
    assert not list((proba_workspace / "documents").glob("*.pdf")) if (proba_workspace / "documents").exists() else True


def test_every_error_listed_at_once(proba_workspace, somflow_cli, tmp_path):
    source = tmp_path / "dane.yaml"
    source.write_text(
        "imie: ''\nnazwisko: X\npesel: '02270803625'\ndata_urodzenia: '2023-13-01'\nemail: nie-email\n",
        encoding="utf-8",
    )
    result = somflow_cli("fill", FORM_ID, "--data", str(source))
    assert result.exit_code == 2
    for part in ("„Imię”", "„PESEL”", "„Data urodzenia”", "„E-mail”"):
        assert part in result.output


def test_continuation_sheet_for_more_rows_than_max(proba_workspace):
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["osoby"] = [{"imie_nazwisko": f"Świadek {i} Łęcki"} for i in range(1, 6)]
    doc = forms.generate(Workspace(proba_workspace), FORM_ID, data)
    pdf = proba_workspace / doc["file"]
    assert doc["pages"] == 3
    text = pdftotext(pdf)
    assert "Arkusz kontynuacji" in text
    back = forms.read_back(forms.get(Workspace(proba_workspace), FORM_ID), pdf.read_bytes())
    assert [row["imie_nazwisko"] for row in back["osoby"]] == [f"Świadek {i} Łęcki" for i in range(1, 6)]
    assert [decode(p).page for p in rasterise(pdf, dpi=150)] == [1, 2, 3]


def test_generate_api_raises_invalid_input(proba_workspace):
    from somflow.errors import InvalidInput

    with pytest.raises(InvalidInput) as info:
        forms.generate(Workspace(proba_workspace), FORM_ID, {"imie": "A"})
    assert "Sekcja I, pole „Nazwisko”: pole wymagane, brak wartości" in info.value.messages
    assert documents(proba_workspace) == []


def test_somflow_validate_hook_adds_cross_field_rules(proba_workspace):
    from somflow import hookimpl

    class MinorRule:
        @hookimpl
        def somflow_validate(self, form, data, workspace):
            if form.id == FORM_ID and data.get("wiek", 0) >= 18 and data.get("maloletni"):
                return [forms.schema.where(form, "maloletni") + ": osoba pełnoletnia (wiek 18 lub więcej)"]
            return None

    workspace = Workspace(proba_workspace)
    forms.registry(workspace)
    workspace.plugins.pm.register(MinorRule(), name="minor-rule")
    try:
        data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")) | {"wiek": 30}
        assert "Sekcja I, pole „Osoba małoletnia”: osoba pełnoletnia (wiek 18 lub więcej)" in forms.validate(
            workspace, forms.get(workspace, FORM_ID), data
        )
    finally:
        workspace.plugins.pm.unregister(name="minor-rule")


def test_subprocess_invalid_exit_code(proba_workspace, tmp_path):
    source = tmp_path / "zle.yaml"
    source.write_text("imie: Jan\n", encoding="utf-8")
    result = run_somflow("fill", FORM_ID, "--data", str(source), env={"SOMFLOW_WORKSPACE": str(proba_workspace)})
    assert result.returncode == 2, result.stderr
    assert "Sekcja I, pole „Nazwisko”: pole wymagane" in result.stderr


def test_english_form(proba_workspace, somflow_cli):
    doc = fill_ok(somflow_cli, proba_workspace, "--data", str(EXAMPLE), "--lang", "en", "--flatten")
    text = pdftotext(proba_workspace / doc["file"])
    assert "Test form" in text and "Child's data" in text and "Żółć-Gęślińska" in text
    assert doc["lang"] == "en"


def test_generated_document_comes_back_through_the_inbox(proba_workspace, somflow_cli):
    """Print, scan (rotated, noisy, JPEG 60, 200 dpi) and drop a generated form: the inbox files it by itself."""
    from inbox_fixtures import save_pdf, scanned_pages

    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["osoby"] = [{"imie_nazwisko": f"Świadek {i}"} for i in range(1, 5)]  # 3 pages with the continuation sheet
    doc = forms.generate(Workspace(proba_workspace), FORM_ID, data)
    save_pdf(scanned_pages([proba_workspace / doc["file"]]), proba_workspace / "inbox" / "skan.pdf")
    result = somflow_cli("ingest")
    assert result.exit_code == 0, result.output
    filed = Workspace(proba_workspace).store.get("documents", doc["id"])
    assert filed["status"] == "zwrócony" and filed["returned"]["pages"] == [1, 2, 3]


def test_optional_fields_left_empty_in_yaml_and_polish_dates(proba_workspace, somflow_cli, tmp_path):
    """``email:`` with nothing after it is null in YAML: an empty optional field, not a crash."""
    text = EXAMPLE.read_text(encoding="utf-8")
    for key in ("email", "telefon", "kod_pocztowy", "data_urodzenia", "wiek"):
        text = "\n".join(f"{key}:" if line.startswith(f"{key}:") else line for line in text.splitlines())
    text = text.replace('data_wypelnienia: "2024-09-01"', 'data_wypelnienia: "1.09.2024"').replace(
        'pesel: "15240101231"', 'pesel: "152401 01231"'
    )
    source = tmp_path / "dane.yaml"
    source.write_text(text, encoding="utf-8")
    doc = fill_ok(somflow_cli, proba_workspace, "--data", str(source))
    assert doc["data"]["data_wypelnienia"] == "2024-09-01" and doc["data"]["pesel"] == "15240101231"
    assert doc["data"].get("email") is None


def test_csv_batch_from_polish_excel(proba_workspace, somflow_cli, tmp_path):
    """Windows-1250, semicolons, D.M.YYYY dates, a PESEL typed with a space, ;;;; rows at the end: two forms."""
    head = "imie;nazwisko;pesel;data_urodzenia;plec;osoby-1-imie_nazwisko;data_wypelnienia\r\n"
    rows = "Łucja;Żak;022708 03624;8.7.2002;k;Ćma;1.09.2024\r\nŻaneta;Ćwik;;24.12.2015 r.;k;Ósma;01.09.2024\r\n;;;;;;\r\n;;;;;;\r\n"
    source = tmp_path / "klasa.csv"
    source.write_bytes((head + rows).encode("cp1250"))
    result = somflow_cli("fill", FORM_ID, "--data", str(source), "--out", str(tmp_path / "klasa.pdf"))
    assert result.exit_code == 0, result.output
    docs = documents(proba_workspace)
    assert [d["data"]["nazwisko"] for d in docs] == ["Żak", "Ćwik"]
    assert docs[0]["data"]["pesel"] == "02270803624" and docs[0]["data"]["data_urodzenia"] == "2002-07-08"
    assert docs[1]["data"]["data_urodzenia"] == "2015-12-24" and docs[1]["data"]["data_wypelnienia"] == "2024-09-01"


def test_csv_batch_lost_leading_zero_names_the_row(proba_workspace, somflow_cli, tmp_path):
    head = "imie;nazwisko;pesel;osoby-1-imie_nazwisko;data_wypelnienia\n"
    source = tmp_path / "klasa.csv"
    source.write_text(head + "Ala;Kot;02270803624;A;2024-09-01\nOla;Mak;2270803624;B;2024-09-01\n", encoding="utf-8")
    result = somflow_cli("fill", FORM_ID, "--data", str(source))
    assert result.exit_code == 2
    assert "Wiersz 2: Sekcja I, pole „PESEL”: PESEL ma 10 cyfr zamiast 11" in result.output
    assert "2270803624" not in result.output and documents(proba_workspace) == []
