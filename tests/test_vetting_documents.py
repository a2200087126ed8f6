"""Printed declarations (seed wording, rendered with pdftoppm/pdftotext, opened with pypdf) and scans filed by the inbox."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from inbox_fixtures import rasterise, save_pdf
from pypdf import PdfReader
from vetting_fixtures import add_person, make_pesel, printout, status, stored_nr

from somflow.errors import SomflowError
from somflow.workspace import Workspace

# Seed 004 (pages 11–12), copied word for word; dotted blanks are compared as one "…".
NIEKARALNOSC = (
    "oświadczam, że w państwie … nie jest prowadzony rejestr karny/ nie wydaje się informacji z rejestru karnego. "
    "Oświadczam, że nie byłam/em prawomocnie skazana/y w państwie … za czyny zabronione odpowiadające przestępstwom "
    "określonym w rozdziale XIX i XXV Kodeksu karnego, w art. 189a i art. 207 Kodeksu karnego oraz w ustawie z dnia "
    "29 lipca 2005 r. o przeciwdziałaniu narkomanii oraz nie wydano wobec mnie innego orzeczenia, w którym stwierdzono, "
    "iż dopuściłam/em się takich czynów zabronionych, oraz że nie nałożono na mnie obowiązku wynikającego z orzeczenia "
    "sądu, innego uprawnionego organu lub ustawy, stosowania się do zakazu zajmowania wszelkich lub określonych "
    "stanowisk, wykonywania wszelkich lub określonych zawodów albo działalności, związanych z wychowaniem, edukacją, "
    "wypoczynkiem, leczeniem, świadczeniem porad psychologicznych, rozwojem duchowym, uprawianiem sportu lub "
    "realizacją innych zainteresowań przez małoletnich, lub z opieką nad nimi."
)
KRAJE = [
    "Oświadczam, że w okresie ostatnich 20 lat zamieszkałem/am w następujących państwach, innych niż "
    "Rzeczypospolita Polska i państwo obywatelstwa:",
    "Oraz jednocześnie przedkładam informację z rejestrów karnych tych państw uzyskiwaną do celów działalności "
    "zawodowej lub wolontariackiej związanej z kontaktami z dziećmi/ informację z rejestrów karnych.",
]
PENALTY = "Jestem świadomy/a odpowiedzialności karnej za złożenie fałszywego oświadczenia."
NO_ENTRY = "W Rejestrze nie ma informacji o osobach, dla których są spełnione warunki zawarte w zapytaniu"


def _normal(text: str) -> str:
    text = re.sub(r"[.…]{3,}", "…", text)
    return re.sub(r"\s+", " ", text).strip()


def _pdftotext(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True, encoding="utf-8"
    ).stdout


def _setup(root: Path, cli) -> tuple[int, str]:
    with (root / "somflow.toml").open("a", encoding="utf-8") as f:
        f.write('\n[vetting]\ncountries_without_register = ["XQ"]\n\n[vetting.countries]\nXQ = "Państwo Testowe"\n')
    pesel = make_pesel(date(1987, 4, 30))
    nr = add_person(
        cli,
        "--imie",
        "Łucja",
        "--nazwisko",
        "Żądło",
        "--pesel",
        pesel,
        "--umowa",
        "wolontariat",
        "--kraje",
        "Państwo Testowe",
    )
    return nr, pesel


def _printed(cli, nr: int) -> dict[str, Path]:
    result = cli("vetting", "print", str(nr))
    assert result.exit_code == 0, result.output
    out = {}
    for line in result.output.splitlines():
        doc_id, file, _title = line.split("  ", 2)
        out[doc_id] = Path(file)
    return out


def _form_of(root: Path, doc_id: str) -> str:
    return Workspace(root).store.get("documents", doc_id)["form"]


def test_declarations_carry_the_seed_wording(somflow_workspace, somflow_cli, tmp_path):
    nr, pesel = _setup(somflow_workspace, somflow_cli)
    printed = _printed(somflow_cli, nr)
    forms = {_form_of(somflow_workspace, d): somflow_workspace / p for d, p in printed.items()}
    assert set(forms) == {
        "dane-do-rejestru-sprawcow",
        "oswiadczenie-o-krajach-zamieszkania",
        "oswiadczenie-o-niekaralnosci",
        "oswiadczenie-o-zapoznaniu-ze-standardami",
    }
    niekaralnosc = _normal(_pdftotext(forms["oswiadczenie-o-niekaralnosci"]))
    assert _normal(NIEKARALNOSC) in niekaralnosc
    assert PENALTY in niekaralnosc
    assert "Państwo Testowe" in niekaralnosc and "Łucja Żądło" in niekaralnosc
    kraje = _normal(_pdftotext(forms["oswiadczenie-o-krajach-zamieszkania"]))
    for paragraph in KRAJE:
        assert _normal(paragraph) in kraje
    assert kraje.index(_normal(KRAJE[1])) < kraje.index(PENALTY)
    sheet = _normal(_pdftotext(forms["dane-do-rejestru-sprawcow"]))
    for label in ("imię i nazwisko", "data urodzenia", "PESEL", "nazwisko rodowe", "imię ojca", "imię matki"):
        assert label in sheet
    assert "1987-04-30" in sheet
    # pypdf sees the filled fields; pdftoppm renders every page with ink on it.
    reader = PdfReader(forms["oswiadczenie-o-niekaralnosci"])
    values = {k: v.get("/V") for k, v in (reader.get_fields() or {}).items()}
    assert values.get("pesel") == pesel and values.get("panstwo") == "Państwo Testowe"
    for path in forms.values():
        pages = rasterise(path, dpi=50)
        assert pages and all(page.convert("L").getextrema()[0] < 100 for page in pages)
    # Document titles name the person by number only.
    for doc_id in printed:
        assert "Żądło" not in Workspace(somflow_workspace).store.get("documents", doc_id)["title"]


def test_returned_declaration_scan_is_filed_by_ingest(somflow_workspace, somflow_cli):
    nr, _pesel = _setup(somflow_workspace, somflow_cli)
    printed = _printed(somflow_cli, nr)
    (kraje_id,) = [d for d in printed if _form_of(somflow_workspace, d) == "oswiadczenie-o-krajach-zamieszkania"]
    (zero_id,) = [d for d in printed if _form_of(somflow_workspace, d) == "oswiadczenie-o-niekaralnosci"]
    scans = rasterise(somflow_workspace / printed[kraje_id]) + rasterise(somflow_workspace / printed[zero_id])
    save_pdf(scans, somflow_workspace / "inbox" / "skan-oswiadczenia.pdf")
    result = somflow_cli("ingest")
    assert result.exit_code == 0, result.output
    person = status(somflow_cli)[nr]
    assert "kraje" not in person["missing"] and "niekaralnosc-XQ" not in person["missing"]
    record = stored_nr(somflow_workspace, nr)
    assert record["items"]["kraje"]["document"] == kraje_id
    assert record["items"]["niekaralnosc-XQ"]["document"] == zero_id


def test_register_printouts_without_code_are_claimed(somflow_workspace, somflow_cli):
    nr, pesel = _setup(somflow_workspace, somflow_cli)
    inbox = somflow_workspace / "inbox"
    printout(
        inbox / "rps-ograniczony.pdf",
        [
            "Rejestr Sprawców Przestępstw na Tle Seksualnym – Rejestr z dostępem ograniczonym",
            f"PESEL: {pesel}",
            NO_ENTRY + ".",
        ],
    )
    result = somflow_cli("ingest")
    assert result.exit_code == 0, result.output
    person = status(somflow_cli)[nr]
    assert "rspts" in person["missing"] and person["awaiting_confirmation"] == [
        "rspts"
    ]  # a printout is evidence, not a result
    assert somflow_cli("vetting", "confirm", f"{nr}/rspts", "--as", "kadry", "--yes").exit_code == 0
    person = status(somflow_cli)[nr]
    assert "rspts" not in person["missing"] and person["state"] == "niekompletny"
    printout(
        inbox / "rps-komisja.pdf",
        [
            "Rejestr osób, w stosunku do których Państwowa Komisja wydała postanowienie o wpisie",
            f"PESEL: {pesel}",
            "Wynik: FIGURUJE",
        ],
    )
    assert somflow_cli("ingest").exit_code == 0
    assert status(somflow_cli)[nr]["state"] == "niekompletny"  # nobody blocked by a printout alone
    assert somflow_cli("vetting", "confirm", f"{nr}/rspts-pk", "--as", "dyrektor", "--yes").exit_code == 0
    person = status(somflow_cli)[nr]
    assert person["state"] == "zablokowany" and person["hits"] == ["rspts-pk"]
    record = stored_nr(somflow_workspace, nr)
    doc = Workspace(somflow_workspace).store.get("documents", record["items"]["rspts-pk"]["document"])
    assert doc["title"] == "Wydruk z Rejestru Sprawców Przestępstw na Tle Seksualnym" and pesel not in str(doc["data"])


def test_no_hit_split_over_two_lines_does_not_block(somflow_workspace, somflow_cli):
    """'NIE' ending one line and 'FIGURUJE' the next (pdfium joins them with CR LF), or spaced out: no entry, not a hit."""
    nr, pesel = _setup(somflow_workspace, somflow_cli)
    inbox = somflow_workspace / "inbox"
    printout(
        inbox / "rps.pdf",
        [
            "Rejestr Sprawców Przestępstw na Tle Seksualnym",
            f"PESEL: {pesel}",
            "Wynik: osoba NIE",
            "FIGURUJE w Rejestrze.",
        ],
    )
    printout(inbox / "rps-pk.pdf", ["Rejestr – Państwowa Komisja", f"PESEL: {pesel}", "Wynik:   NIE   FIGURUJE"])
    assert somflow_cli("ingest").exit_code == 0
    record = stored_nr(somflow_workspace, nr)
    assert {key: entry["result"] for key, entry in record["pending"].items()} == {
        "rspts": "brak-wpisu",
        "rspts-pk": "brak-wpisu",
    }


def test_printout_of_an_unknown_person_is_not_claimed(somflow_workspace, somflow_cli):
    _setup(somflow_workspace, somflow_cli)
    printout(
        somflow_workspace / "inbox" / "obcy.pdf",
        ["Rejestr Sprawców Przestępstw na Tle Seksualnym", f"PESEL: {make_pesel(date(1960, 1, 1))}", NO_ENTRY],
    )
    with pytest.raises(SomflowError, match="Nie przyjęto plików: 1"):
        somflow_cli("ingest")
    assert list((somflow_workspace / "rejected").glob("obcy*"))


def test_countries_declaration_states_none_or_countries(somflow_workspace, somflow_cli, tmp_path):
    both = tmp_path / "oba.yaml"
    both.write_text("imie_nazwisko: Anna Zięba\nbrak: true\npanstwa:\n  - {panstwo: Niemcy}\n", encoding="utf-8")
    result = somflow_cli("fill", "oswiadczenie-o-krajach-zamieszkania", "--data", str(both))
    assert result.exit_code == 2
    assert "Sekcja II, pole „brak — nie zamieszkiwałem/am w takich państwach”: zaznaczono „brak”" in result.output
    neither = tmp_path / "nic.yaml"
    neither.write_text("imie_nazwisko: Anna Zięba\n", encoding="utf-8")
    assert (
        "zaznacz „brak” albo wpisz"
        in somflow_cli("fill", "oswiadczenie-o-krajach-zamieszkania", "--data", str(neither)).output
    )


def test_declaration_filled_with_somflow_fill_is_matched_by_its_country(somflow_workspace, somflow_cli, tmp_path):
    nr, _pesel = _setup(somflow_workspace, somflow_cli)
    person = stored_nr(somflow_workspace, nr)
    data = tmp_path / "dane.yaml"
    data.write_text("imie_nazwisko: Łucja Żądło\npanstwo: Państwo Testowe\n", encoding="utf-8")
    filled = somflow_cli(
        "fill", "oswiadczenie-o-niekaralnosci", "--data", str(data), "--record", f"staff:{person['id']}"
    )
    assert filled.exit_code == 0, filled.output
    (doc,) = Workspace(somflow_workspace).store.query("documents", {"form": "oswiadczenie-o-niekaralnosci"})
    save_pdf(rasterise(somflow_workspace / doc["file"]), somflow_workspace / "inbox" / "skan.pdf")
    assert somflow_cli("ingest").exit_code == 0
    assert "niekaralnosc-XQ" not in status(somflow_cli)[nr]["missing"]
