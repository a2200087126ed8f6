"""Printing consent forms for a class or a school, and the printed forms coming back.

PDFs are opened with pypdf, rendered with pdftoppm, read with pdftotext and
tesseract (Polish), and their QR codes decoded with zxing-cpp.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from inbox_fixtures import rasterise, save_pdf, scanned_pages
from pypdf import PdfReader

from somflow import forms
from somflow.calendar import next_working_day
from somflow.deadlines import collect
from somflow.inbox import qr
from somflow.plugins import PluginHost
from somflow.workspace import Workspace

CLASS = "Imię;Nazwisko;Klasa;Rodzic\nZofia;Łęcka-Żółtowska;3b;Małgorzata Łęcka\nŚcibor;Źrebiec;3b;\nJan;Gęśla;4a;Anna Gęśla\n"
STAMP = re.compile(r"([0-9A-HJKMNP-TV-Z]{26}) s\. (\d+)/(\d+)")
SPEC_DIR = Path(__file__).resolve().parent.parent / "plugins" / "image_consent" / "forms"


def pdftotext(pdf: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", *args, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def printed(somflow_cli, somflow_workspace, tmp_path) -> tuple[Path, list[dict]]:
    (tmp_path / "lista.csv").write_text(CLASS, encoding="utf-8")
    assert somflow_cli("consent", "import", str(tmp_path / "lista.csv")).exit_code == 0
    out = tmp_path / "zgody-3b.pdf"
    result = somflow_cli("consent", "print", "--group", "3b", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "Wydrukowano 2 formularze zgody" in result.output
    docs = Workspace(somflow_workspace).store.query("documents", {"form": "zgoda-na-wizerunek"})
    return out, docs


def test_class_prints_to_one_pdf_with_a_qr_code_on_every_page(printed, somflow_workspace):
    out, docs = printed
    store = Workspace(somflow_workspace).store
    kids = {c["id"]: c for c in store.query("people", {"kind": "child"})}
    assert sorted(kids[d["record"]["id"]]["first_name"] for d in docs) == ["Zofia", "Ścibor"]  # 4a not printed
    pages = rasterise(out, dpi=100)
    assert len(PdfReader(out).pages) == len(pages) == sum(d["pages"] for d in docs)
    codes = [qr.decode(page) for page in pages]
    expected = [(d["id"], n) for d in docs for n in range(1, d["pages"] + 1)]
    assert [(c.document_id, c.page) for c in codes] == expected
    assert os.name != "posix" or out.stat().st_mode & 0o077 == 0  # children's names: owner only
    (batch,) = store.query("image_consent_prints")
    assert batch["documents"] == [d["id"] for d in docs] and batch["groups"] == ["3b"]


def test_polish_wording_is_complete_in_pdftotext_and_prefilled(printed, somflow_workspace):
    out, docs = printed
    text = flat(pdftotext(out))
    spec = yaml.safe_load((SPEC_DIR / "zgoda-na-wizerunek.yaml").read_text(encoding="utf-8"))
    for paragraph in [*(h["pl"] for h in spec["header"]), *(s["text"]["pl"] for s in spec["sections"] if "text" in s)]:
        assert flat(paragraph) in text, paragraph[:60]
    for section in spec["sections"]:
        for field in section.get("fields", []):
            assert flat(field["label"]["pl"]) in text, field["name"]
            for choice in field.get("choices", []):
                assert flat(choice["label"]["pl"]) in text, choice["value"]
    for caption in spec["signature"]:
        assert flat(caption["pl"]) in text
    # pre-filled: the child, the parent, the period of the school year, the controller from somflow.toml
    assert "Zofia Łęcka-Żółtowska" in text and "Małgorzata Łęcka" in text and "Ścibor Źrebiec" in text
    start = docs[0]["data"]["od"]
    assert start.endswith("-09-01") and docs[0]["data"]["do"].endswith("-08-31")
    config = Workspace(somflow_workspace).config["institution"]
    assert f"{config['name']}, {config['address']}" in text


@pytest.mark.slow  # tesseract reads two pages: 20 s of CPU
def test_polish_wording_is_legible_in_a_render(printed, tmp_path):
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract is not installed (python3 run.py test installs tesseract-ocr-pol)")
    out, _docs = printed
    subprocess.run(
        ["pdftoppm", "-r", "200", "-f", "1", "-l", "2", "-gray", "-png", str(out), str(tmp_path / "p")], check=True
    )
    read = ""
    for image in sorted(tmp_path.glob("p-*.png")):
        read += subprocess.run(
            ["tesseract", str(image), "-", "-l", "pol"], capture_output=True, text=True, check=True
        ).stdout
    read = flat(read)
    for words in (
        "Zgoda rodzica (opiekuna prawnego) na utrwalanie i publikację",
        "Przetwarzanie wizerunku małoletniego jest dozwolone wyłącznie w celach",
        "Zofia Łęcka-Żółtowska",
        "Miejsca i kanały publikacji",
        "Zdanie dziecka",
        "Klauzula informacyjna (RODO)",
        "Źródlana",
    ):
        assert words in read, words


def test_example_data_fills_the_form(somflow_workspace):
    ws = Workspace(somflow_workspace, PluginHost(somflow_workspace))
    spec = forms.get(ws, "zgoda-na-wizerunek")
    data = yaml.safe_load((SPEC_DIR / "zgoda-na-wizerunek.example.yaml").read_text(encoding="utf-8"))
    assert forms.validate(ws, spec, data) == []


def test_returned_printed_form_goes_through_the_inbox_to_the_child(printed, somflow_cli, somflow_workspace):
    _out, docs = printed
    root = somflow_workspace
    zofia = next(d for d in docs if d["data"]["imie_nazwisko_dziecka"].startswith("Zofia"))
    save_pdf(scanned_pages([root / zofia["file"]]), root / "inbox" / "skan-zofia.pdf")
    result = somflow_cli("ingest")
    assert result.exit_code == 0, result.output
    (consent,) = Workspace(root).store.query("image_consents")
    assert (consent["state"], consent["document_id"]) == ("do_wpisania", zofia["id"])
    result = somflow_cli(
        "consent",
        "record",
        "Zofia Łęcka-Żółtowska",
        "--purpose",
        "wszystkie",
        "--photo",
        "wszystkie",
        "--channel",
        "strona_www",
        "--channel",
        "tablica",
        "--child-view",
        "tak",
    )
    assert result.exit_code == 0, result.output
    got = json.loads(
        somflow_cli(
            "consent", "check", "--group", "3b", "--channel", "tablica", "--date", zofia["data"]["od"], "--json"
        ).output
    )
    assert {r["name"]: r["allowed"] for r in got} == {"Zofia Łęcka-Żółtowska": True, "Ścibor Źrebiec": False}


def test_forms_not_returned_after_14_days(printed, somflow_cli, somflow_workspace):
    out, docs = printed
    root = somflow_workspace
    ws = Workspace(root, PluginHost(root))
    today = date.today()
    (unreturned,) = [d for d in collect(ws, today) if d.key.startswith("image_consent:unreturned:")]
    assert unreturned.due == next_working_day(today + timedelta(days=14))
    # a reprint for the class replaces the first batch instead of adding a second reminder
    assert somflow_cli("consent", "print", "--group", "3b", "--out", str(out)).exit_code == 0
    ws = Workspace(root, PluginHost(root))
    (unreturned,) = [d for d in collect(ws, today) if d.key.startswith("image_consent:unreturned:")]
    docs = Workspace(root).store.query("documents", {"form": "zgoda-na-wizerunek"})[2:]
    assert unreturned.title.startswith("Niezwrócone zgody na wizerunek: klasa 3b, 2 z 2 formularzy")
    assert "Zofia" not in unreturned.title
    zofia = next(d for d in docs if d["data"]["imie_nazwisko_dziecka"].startswith("Zofia"))
    save_pdf(scanned_pages([root / zofia["file"]]), root / "inbox" / "skan.pdf")
    assert somflow_cli("ingest").exit_code == 0
    ws = Workspace(root, PluginHost(root))
    (unreturned,) = [
        d for d in collect(ws, today + timedelta(days=15)) if d.key.startswith("image_consent:unreturned:")
    ]
    assert "1 z 2 formularzy" in unreturned.title
    assert (
        somflow_cli("consent", "record", "Ścibor Źrebiec", "--refused").exit_code == 0
    )  # answered on paper, entered by hand
    ws = Workspace(root, PluginHost(root))
    assert [d for d in collect(ws, today) if d.key.startswith("image_consent:unreturned:")] == []


def test_print_needs_children_and_a_group(somflow_cli):
    result = somflow_cli("consent", "print")
    assert result.exit_code == 2 and "Podaj klasę (--group 3b) albo --all" in result.output
    result = somflow_cli("consent", "print", "--group", "7z")
    assert (
        result.exit_code == 2
        and "Nie ma klasy „7z” w rejestrze (są: —)" in result.output
        and "somflow consent import" in result.output
    )


@pytest.mark.slow
def test_school_of_600_from_csv_in_one_pdf(somflow_workspace, somflow_proc, tmp_path):
    """Acceptance: 600 consent forms from a CSV → one PDF, a page group per child with its own QR id (subprocess)."""
    lines = ["Nazwisko,Imię,Oddział"] + [f"Żółć-{i},Łucja,{1 + i // 75}{'abc'[i % 3]}" for i in range(600)]
    csv = tmp_path / "szkola.csv"
    csv.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1250"))
    env = {"SOMFLOW_WORKSPACE": str(somflow_workspace)}
    done = somflow_proc("consent", "import", str(csv), env=env)
    assert done.returncode == 0, done.stderr
    out = tmp_path / "szkola.pdf"
    done = somflow_proc("consent", "print", "--all", "--out", str(out), env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "Wydrukowano 600 formularzy zgody" in done.stdout
    store = Workspace(somflow_workspace).store
    docs = store.query("documents", {"form": "zgoda-na-wizerunek"})
    assert len({d["record"]["id"] for d in docs}) == 600 == store.count("people", {"kind": "child"})
    reader = PdfReader(out)
    assert len(reader.pages) == sum(d["pages"] for d in docs)
    stamps = STAMP.findall(pdftotext(out))  # the id printed beside each QR code, page by page
    expected = [(d["id"], str(n), str(d["pages"])) for d in docs for n in range(1, d["pages"] + 1)]
    assert stamps == expected
    # the codes themselves, on the first, a middle and the last page group
    for index in (0, len(docs) // 2, len(docs) - 1):
        doc = docs[index]
        first_page = sum(d["pages"] for d in docs[:index]) + 1
        with_codes = subprocess.run(
            [
                "pdftoppm",
                "-r",
                "100",
                "-gray",
                "-png",
                "-f",
                str(first_page),
                "-l",
                str(first_page + doc["pages"] - 1),
                str(out),
                str(tmp_path / f"g{index}"),
            ],
            check=True,
        )
        assert with_codes.returncode == 0
        from PIL import Image

        images = [Image.open(p) for p in sorted(tmp_path.glob(f"g{index}-*.png"))]
        assert [(c.document_id, c.page) for c in map(qr.decode, images)] == [
            (doc["id"], n) for n in range(1, doc["pages"] + 1)
        ]


def test_digitally_filled_form_returned_as_pdf_is_entered_from_its_fields(somflow_cli, somflow_workspace, tmp_path):
    (tmp_path / "lista.csv").write_text(CLASS, encoding="utf-8")
    assert somflow_cli("consent", "import", str(tmp_path / "lista.csv")).exit_code == 0
    root = somflow_workspace
    zofia = Workspace(root).store.query("people", {"first_name": "Zofia"})[0]
    result = somflow_cli(
        "fill",
        "zgoda-na-wizerunek",
        "--data",
        str(SPEC_DIR / "zgoda-na-wizerunek.example.yaml"),
        "--record",
        f"people:{zofia['id']}",
    )
    assert result.exit_code == 0, result.output
    (doc,) = Workspace(root).store.query("documents")
    shutil.copy(root / doc["file"], root / "inbox" / "zgoda-od-rodzica.pdf")  # the parent filled it on a computer
    assert somflow_cli("ingest").exit_code == 0
    (consent,) = Workspace(root).store.query("image_consents")
    assert (consent["state"], consent["source"]) == ("wpisana", "formularz")
    assert consent["channels"] == ["strona_www", "tablica", "druk"] and consent["photo_kinds"] == ["grupowe"]
    assert (consent["valid_from"], consent["valid_to"], consent["after_leaving"], consent["child_view"]) == (
        "2026-09-01",
        "2027-08-31",
        False,
        "tak",
    )
    group = json.loads(
        somflow_cli(
            "consent",
            "check",
            "--group",
            "3b",
            "--channel",
            "druk",
            "--photo",
            "group",
            "--date",
            "2026-10-01",
            "--json",
        ).output
    )
    alone = json.loads(
        somflow_cli(
            "consent",
            "check",
            "--group",
            "3b",
            "--channel",
            "druk",
            "--photo",
            "individual",
            "--date",
            "2026-10-01",
            "--json",
        ).output
    )
    assert [r["allowed"] for r in group if r["id"] == zofia["id"]] == [True]
    assert [r["reason"] for r in alone if r["id"] == zofia["id"]] == ["zgoda nie obejmuje zdjęć: indywidualne"]


def test_form_cross_field_rules_through_fill(somflow_cli, tmp_path):
    data = yaml.safe_load((SPEC_DIR / "zgoda-na-wizerunek.example.yaml").read_text(encoding="utf-8"))
    data.update({"od": "2027-09-01", "do": "2027-08-31", "kanaly": []})
    bad = tmp_path / "zla.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = somflow_cli("fill", "zgoda-na-wizerunek", "--data", str(bad))
    assert result.exit_code == 2
    assert (
        "Sekcja VI, pole „Zgoda obowiązuje do dnia”: data wcześniejsza niż początek zgody (2027-09-01)."
        in result.output
    )
    assert (
        "Sekcja IV, pole „Kanały publikacji”: zaznacz co najmniej jeden kanał, skoro rodzic wyraża zgodę."
        in result.output
    )
    data.update({"od": "2026-09-01", "decyzja": "nie_wyrazam", "kanaly": ["druk"]})
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = somflow_cli("fill", "zgoda-na-wizerunek", "--data", str(bad))
    assert result.exit_code == 2 and "zaznaczenia są sprzeczne" in result.output
