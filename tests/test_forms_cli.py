"""somflow forms (list, show, example, build), interactive fill, CSV batches and third-party AcroForm PDFs."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from forms_fixtures import EXAMPLE, FORM_ID, SPEC, ink_in, pdftotext, proba_workspace, render  # noqa: F401 - fixture
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from somflow import forms
from somflow.errors import SomflowError
from somflow.workspace import Workspace


def test_forms_list_show_example(proba_workspace, somflow_cli):
    listed = somflow_cli("forms")
    assert listed.exit_code == 0 and FORM_ID in listed.output and "proba_forms" in listed.output
    as_json = json.loads(somflow_cli("forms", "--json").output)
    assert {"id": FORM_ID, "plugin": "proba_forms"}.items() <= next(f for f in as_json if f["id"] == FORM_ID).items()
    shown = json.loads(somflow_cli("forms", "show", FORM_ID, "--json").output)
    assert shown["schema"]["pesel"]["check_with"] == "pesel"
    assert shown["schema"]["osoby"]["type"] == "list"
    assert "osoby-<n>-pesel" in somflow_cli("forms", "show", FORM_ID).output
    example = somflow_cli("forms", "example", FORM_ID)
    assert example.output == EXAMPLE.read_text(encoding="utf-8")
    with pytest.raises(SomflowError, match="Nie ma formularza nie-ma. Dostępne formularze: .*formularz-proba"):
        somflow_cli("forms", "show", "nie-ma")


def test_build_is_deterministic(proba_workspace, somflow_cli, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    assert somflow_cli("forms", "build", FORM_ID, "--out", str(first)).exit_code == 0
    assert somflow_cli("forms", "build", FORM_ID, "--out", str(second)).exit_code == 0
    for name in (f"{FORM_ID}.pdf", f"{FORM_ID}.en.pdf"):
        assert (first / name).read_bytes() == (second / name).read_bytes()
    assert "Bez zmian" in somflow_cli("forms", "build", FORM_ID, "--out", str(first)).output
    template = first / f"{FORM_ID}.pdf"
    fields = PdfReader(template).get_fields()
    assert {"imie", "pesel", "osoby-3-relacja", "plec", "formy-zaniedbanie", "maloletni"} <= set(fields)
    text = pdftotext(template)
    for printed in ("I. Dane dziecka", "II. Świadkowie", "Osoba 3", "¹ W przypadku jego nadania", "(czytelny podpis)"):
        assert printed in text
    assert forms.acroform.template_is_current(forms.load_spec(SPEC), template.read_bytes())


def test_template_from_forms_build_fills_in_third_party_viewer_and_reads_back(proba_workspace, tmp_path):
    """A viewer (here pypdf, not somflow) fills the template; read_back turns it into valid data."""
    from pypdf import PdfWriter

    spec = forms.load_spec(SPEC)
    writer = PdfWriter(clone_from=io.BytesIO(forms.build_template(spec, "pl")))
    writer.update_page_form_field_values(
        None,
        {
            "imie": "Łucja",
            "nazwisko": "Źrebięcka",
            "osoby-1-imie_nazwisko": "Ćma Żuk",
            "wiek": "9",
            "data_wypelnienia": "2024-09-01",
        },
        auto_regenerate=False,
    )
    buffer = io.BytesIO()
    writer.write(buffer)
    data = forms.read_back(spec, buffer.getvalue())
    assert data["imie"] == "Łucja" and data["nazwisko"] == "Źrebięcka" and data["wiek"] == 9
    assert data["osoby"] == [{"imie_nazwisko": "Ćma Żuk"}]
    assert forms.validate(None, spec, data) == []


def test_interactive_fill_asks_again_after_a_wrong_answer(proba_workspace, somflow_cli):
    answers = [
        "Łucja",  # imię
        "Żak",  # nazwisko
        "15240101232",  # PESEL: wrong checksum, asked again
        "15240101231",
        "2015-02-30",  # impossible date, asked again
        "2015-04-01",
        "9",  # wiek
        "81-301",
        "pomorskie",
        "",  # e-mail skipped
        "",  # telefon skipped
        "tak",  # małoletnia
        "1",  # płeć: Kobieta
        "2,3",  # formy
        "1",  # how many persons
        "Ślązak Źdźbło",
        "",
        "wujek",
        "Opis ąę",
        "",  # placówka: accept the default from somflow.toml
        "2024-09-01",  # data wypełnienia
        "y",  # confirm the summary
    ]
    result = somflow_cli("fill", FORM_ID, input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "błędna cyfra kontrolna" in result.output and "nie jest prawidłową datą" in result.output
    assert "Podsumowanie" in result.output
    doc = Workspace(proba_workspace).store.query("documents")[-1]
    assert doc["data"]["pesel"] == "15240101231" and doc["data"]["formy"] == ["psychiczna", "zaniedbanie"]
    assert doc["data"]["placowka"] == "Szkoła Podstawowa nr 7 im. Marii Skłodowskiej-Curie"
    assert doc["data"]["osoby"] == [{"imie_nazwisko": "Ślązak Źdźbło", "relacja": "wujek"}]
    assert (proba_workspace / doc["file"]).is_file()


CSV_HEAD = (
    "imie,nazwisko,pesel,data_urodzenia,plec,formy,osoby-1-imie_nazwisko,osoby-2-imie_nazwisko,data_wypelnienia\n"
)


def test_csv_batch_one_merged_pdf(proba_workspace, somflow_cli, tmp_path):
    rows = [
        f'Łucja{i},Żak{i},02270803624,2002-07-08,k,"psychiczna,zaniedbanie",Ćma {i},Ósma {i},2024-09-01\n'
        for i in range(5)
    ]
    source = tmp_path / "klasa.csv"
    source.write_text(CSV_HEAD + "".join(rows), encoding="utf-8")
    out = tmp_path / "klasa.pdf"
    result = somflow_cli("fill", FORM_ID, "--data", str(source), "--out", str(out))
    assert result.exit_code == 0, result.output
    docs = Workspace(proba_workspace).store.query("documents")
    assert len(docs) == 5 and docs[2]["data"]["osoby"] == [{"imie_nazwisko": "Ćma 2"}, {"imie_nazwisko": "Ósma 2"}]
    merged = PdfReader(out)
    assert len(merged.pages) == sum(d["pages"] for d in docs)
    text = pdftotext(out)
    assert all(f"Żak{i}" in text for i in range(5))


def test_csv_row_with_error_nothing_written(proba_workspace, somflow_cli, tmp_path):
    source = tmp_path / "klasa.csv"
    source.write_text(
        CSV_HEAD + "Ala,Kot,02270803624,2002-07-08,k,,A,B,2024-09-01\nOla,,02270803625,2002-07-08,k,,A,B,2024-09-01\n",
        encoding="utf-8",
    )
    result = somflow_cli("fill", FORM_ID, "--data", str(source))
    assert result.exit_code == 2
    assert not source.with_suffix(".pdf").exists()
    assert "Wiersz 2: Sekcja I, pole „Nazwisko”: pole wymagane" in result.output
    assert "Wiersz 2: Sekcja I, pole „PESEL”: błędna cyfra kontrolna" in result.output
    assert Workspace(proba_workspace).store.query("documents") == []


def third_party_form(path: Path) -> Path:
    """A municipality's own AcroForm, made with reportlab's form fields (Helvetica, its own appearances)."""
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.drawString(72, 800, "Wniosek gminy (formularz urzędowy)")
    form = pdf.acroForm
    form.textfield(name="Nazwisko", x=72, y=700, width=300, height=20, value="")
    form.textfield(name="Adres", x=72, y=650, width=300, height=20, value="")
    form.checkbox(name="Zgoda", x=72, y=600, size=14, checked=False, buttonStyle="check")
    form.radio(name="Rola", value="rodzic", x=72, y=560, size=14, selected=False)
    form.radio(name="Rola", value="opiekun", x=120, y=560, size=14, selected=False)
    pdf.showPage()
    pdf.save()
    return path


def test_fill_third_party_acroform(proba_workspace, somflow_cli, tmp_path):
    template = third_party_form(tmp_path / "gmina.pdf")
    data = tmp_path / "gmina.yaml"
    data.write_text(
        "Nazwisko: Żółkiewska-Łęcka\nAdres: ul. Źródlana 5, Gdańsk\nZgoda: true\nRola: opiekun\n", encoding="utf-8"
    )
    out = tmp_path / "wypelniony.pdf"
    result = somflow_cli("fill", "--template", str(template), "--data", str(data), "--out", str(out))
    assert result.exit_code == 0, result.output
    fields = PdfReader(out).get_fields()
    assert fields["Nazwisko"]["/V"] == "Żółkiewska-Łęcka" and fields["Adres"]["/V"] == "ul. Źródlana 5, Gdańsk"
    assert fields["Zgoda"]["/V"] != "/Off" and fields["Rola"]["/V"] == "/opiekun"
    assert ink_in(render(out), (72, 700, 372, 720)) > 30
    flat = tmp_path / "plaski.pdf"
    assert (
        somflow_cli("fill", "--template", str(template), "--data", str(data), "--out", str(flat), "--flatten").exit_code
        == 0
    )
    text = pdftotext(flat)
    assert "Żółkiewska-Łęcka" in text and "ul. Źródlana 5, Gdańsk" in text
    wrong = tmp_path / "zle.yaml"
    wrong.write_text("Nazwiskoo: X\n", encoding="utf-8")
    bad = somflow_cli("fill", "--template", str(template), "--data", str(wrong), "--out", str(tmp_path / "x.pdf"))
    assert bad.exit_code == 2 and "nie ma pola „Nazwiskoo”" in bad.output


def test_interactive_fill_prefilled_from_a_store_record(proba_workspace, somflow_cli):
    import yaml

    example = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    child = Workspace(proba_workspace).store.insert("children", example)
    result = somflow_cli("fill", FORM_ID, "--person", child["id"], input="\n" * 40)
    assert result.exit_code == 0, result.output
    doc = Workspace(proba_workspace).store.query("documents")[-1]
    assert doc["record"] == {"collection": "children", "id": child["id"]}
    assert {k: doc["data"][k] for k in example} == example


def test_built_template_is_used_and_a_stale_one_ignored(somflow_workspace, somflow_cli, tmp_path):
    import shutil

    from forms_fixtures import PLUGIN

    folder = tmp_path / "forms"
    folder.mkdir()
    spec_path = Path(shutil.copy(SPEC, folder / "proba.yaml"))
    shutil.copy(EXAMPLE, folder / "proba.example.yaml")
    (somflow_workspace / "plugins").mkdir()
    (somflow_workspace / "plugins" / "proba_forms.py").write_text(PLUGIN.format(spec=str(spec_path)), encoding="utf-8")
    assert somflow_cli("forms", "build", FORM_ID).exit_code == 0  # beside its spec
    assert (folder / f"{FORM_ID}.pdf").is_file() and (folder / f"{FORM_ID}.en.pdf").is_file()
    spec = forms.load_spec(spec_path)
    assert forms.documents.template(spec, "pl") == (folder / f"{FORM_ID}.pdf").read_bytes()
    spec_path.write_text(
        spec_path.read_text(encoding="utf-8").replace("zgłoszenie źdźbła", "wersja druga"), encoding="utf-8"
    )
    changed = forms.load_spec(spec_path)
    assert not forms.acroform.template_is_current(changed, (folder / f"{FORM_ID}.pdf").read_bytes())
    result = somflow_cli("fill", FORM_ID, "--data", str(folder / "proba.example.yaml"), "--flatten")
    assert result.exit_code == 0, result.output
    doc = Workspace(somflow_workspace).store.query("documents")[-1]
    assert "wersja druga" in pdftotext(somflow_workspace / doc["file"])


def test_build_is_deterministic_across_processes(proba_workspace, tmp_path):
    from conftest import run_somflow

    for seed, folder in (("1", "a"), ("2", "b")):
        result = run_somflow(
            "forms",
            "build",
            FORM_ID,
            "--out",
            str(tmp_path / folder),
            env={"SOMFLOW_WORKSPACE": str(proba_workspace), "PYTHONHASHSEED": seed},
        )
        assert result.returncode == 0, result.stderr
    for name in (f"{FORM_ID}.pdf", f"{FORM_ID}.en.pdf"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
