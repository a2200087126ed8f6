"""Choice values as people type them: Polish letters, synonyms, "did you mean", countries, consents that grant only what was ticked."""

from __future__ import annotations

import json
import subprocess
from datetime import date

import click
import pytest
from click.testing import CliRunner
from nk_cli import PEDAGOG, new_case, ok, start
from vetting_fixtures import make_pesel, status

from somflow import forms, vocabulary
from somflow.errors import InvalidInput
from somflow.workspace import Workspace

WORDS = vocabulary.Vocabulary(
    ("osobiscie", "telefon", "email", "strona_www"),
    {"strona_www": ("strona internetowa",)},
    "Nieznany kanał „{value}”.",
)


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("osobiście", "osobiscie"),
        ("OSOBIŚCIE", "osobiscie"),
        ("e-mail", "email"),
        ("E-Mail", "email"),
        ("mail", "email"),
        ("strona www", "strona_www"),
        ("Strona internetowa", "strona_www"),
        ("tel", "telefon"),
        ("poczta gołębia", None),
    ],
)
def test_words_with_and_without_polish_letters_and_synonyms(typed, value):
    assert WORDS.resolve(typed) == value


def test_a_typo_gets_the_nearest_value_in_polish():
    assert (
        WORDS.problem("osobicie")
        == "Nieznany kanał „osobicie”. Czy chodziło o „osobiscie”? Dozwolone: osobiscie, telefon, email, strona_www."
    )
    assert "Czy chodziło" not in WORDS.problem("xyz")
    with pytest.raises(InvalidInput, match="Czy chodziło o „telefon”"):
        WORDS.value("telefom")


def test_click_option_takes_the_words_and_suggests():
    @click.command()
    @click.option("--kanal", type=vocabulary.Param(WORDS))
    def cmd(kanal):
        click.echo(kanal)

    assert CliRunner().invoke(cmd, ["--kanal", "osobiście"]).output == "osobiscie\n"
    bad = CliRunner().invoke(cmd, ["--kanal", "emial"])
    assert bad.exit_code == 2 and "Czy chodziło o „email”?" in bad.output


def test_standards_register_channel_in_polish(somflow_cli):
    for typed, stored in (("osobiście", "osobiscie"), ("e-mail", "email")):
        assert (
            somflow_cli(
                "standards", "register", "add", "--channel", typed, "--summary", "Uwagi do regulaminu"
            ).exit_code
            == 0
        )
        assert json.loads(somflow_cli("standards", "register", "list", "--json").output)[-1]["channel"] == stored
    typo = somflow_cli("standards", "register", "add", "--channel", "osobicie", "--summary", "x")
    assert typo.exit_code == 2 and "Czy chodziło o „osobiscie”?" in typo.output


def test_nk_roles_and_delivery_in_polish(somflow_cli, tmp_path, monkeypatch):
    monkeypatch.setenv("SOMFLOW_TODAY", "2026-11-23")
    case = new_case(somflow_cli, tmp_path)
    start(somflow_cli, case)
    ok(
        somflow_cli(
            "nk",
            "step",
            case,
            "nk-b",
            "--dnia",
            "2026-11-17",
            "--osoba",
            PEDAGOG,
            "--odbiorca",
            "Łucja Żak",
            "--odbiorca-rola",
            "Rodzic",
        )
    )
    ok(somflow_cli("nk", "step", case, "nk-a", "--dnia", "2026-11-18", "--osoba", PEDAGOG, "--sposob", "osobiście"))
    bad = somflow_cli("nk", "step", case, "nk-a", "--osoba", PEDAGOG, "--sposob", "poczat")
    assert bad.exit_code == 2 and "Czy chodziło o „poczta”?" in bad.output


def test_form_choices_take_labels_and_suggest(somflow_workspace):
    workspace = Workspace(somflow_workspace)
    spec = forms.get(workspace, "zgoda-na-wizerunek")
    base = {
        "imie_nazwisko_dziecka": "Zofia Żak",
        "klasa": "3b",
        "decyzja": "wyrazam",
        "cele": ["edukacyjne"],
        "rodzaj_zdjec": ["grupowe"],
        "od": "2026-09-01",
        "do": "2027-08-31",
    }
    problems = forms.validate(workspace, spec, {**base, "kanaly": ["Strona internetowa placówki", "tablica"]})
    assert not [p for p in problems if "Kanały" in p], problems
    problems = forms.validate(workspace, spec, {**base, "kanaly": ["tablca"]})
    assert any("czy chodziło o „tablica”" in p for p in problems), problems


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Kenia", "KE"),
        ("somalia", "SO"),
        ("SOMALIA", "SO"),
        ("polskie", "PL"),
        ("ukraińskie", "UA"),
        ("ukrainskie", "UA"),
        ("Korea Południowa", "KR"),
        ("Korea Poludniowa", "KR"),
        ("Wielka Brytania", "GB"),
        ("UK", "GB"),
        ("Rosja", "RU"),
        ("Kosowo", "XK"),
        ("Wybrzeże Kości Słoniowej", "CI"),
        ("Mongolia", "MN"),
    ],
)
def test_every_iso_country_by_its_polish_name(typed, code):
    from somflow_vetting import countries

    assert countries.resolve(typed) == code
    assert len(countries.table()) > 240


def test_staff_list_with_kenya_somalia_and_adjectives(somflow_cli, tmp_path):
    rows = [
        "imie;nazwisko;pesel;umowa;rola;obywatelstwa;kraje_zamieszkania",
        f"Amani;Odhiambo;{make_pesel(date(1990, 3, 3))};umowa o pracę;nauczyciel;Kenia, polskie;Somalia",
        f"Ewa;Lis;{make_pesel(date(1991, 4, 4))};zlecenie;nauczyciel;polskie;",
    ]
    path = tmp_path / "kadry.csv"
    path.write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")
    assert somflow_cli("vetting", "import", str(path)).exit_code == 0
    people = status(somflow_cli)
    assert {"rejestr-KE", "rejestr-SO"} <= set(people[1]["required"])
    assert not [r for r in people[2]["required"] if r.startswith("rejestr-")]
    path.write_text(
        "imie;nazwisko;pesel;umowa;rola;obywatelstwa\r\n"
        f"Jan;Kot;{make_pesel(date(1992, 5, 5))};umowa o prace;nauczyciel;Kenja\r\n",
        encoding="utf-8",
    )
    out = somflow_cli("vetting", "import", str(path)).output
    assert "nieznane państwo „Kenja”" in out and "Czy chodziło o „Kenia”?" in out


CLASS = "Imię;Nazwisko;Klasa\r\nZofia;Żak;3b\r\nJan;Łęcki;3b\r\nOla;Nowak;3b\r\n"


def test_consent_records_only_what_was_ticked(somflow_cli, somflow_workspace, tmp_path):
    (tmp_path / "3b.csv").write_text(CLASS, encoding="utf-8")
    ok(somflow_cli("zgody", "import", str(tmp_path / "3b.csv")))
    store = Workspace(somflow_workspace).store
    refused = somflow_cli("zgody", "record", "Zofia Żak", "--channel", "strona_www")
    assert (
        refused.exit_code == 2
        and "tylko to, co rodzic zaznaczył" in refused.output
        and "--purpose" in refused.output
        and "--photo" in refused.output
    )
    assert store.count("image_consents") == 0
    ok(
        somflow_cli(
            "zgody", "record", "Zofia Żak", "--channel", "strona_www", "--purpose", "edukacyjne", "--photo", "grupowe"
        )
    )
    ok(
        somflow_cli(
            "zgody", "record", "Jan Łęcki", "--channel", "strona www", "--purpose", "wszystkie", "--photo", "oba"
        )
    )
    given = sorted((c["channels"], c["purposes"], c["photo_kinds"]) for c in store.query("image_consents"))
    assert given == [
        (["strona_www"], ["edukacyjne"], ["grupowe"]),
        (["strona_www"], ["edukacyjne", "wychowawcze", "promocyjne", "dokumentacyjne"], ["indywidualne", "grupowe"]),
    ]

    def allowed(*options):
        rows = json.loads(
            ok(somflow_cli("zgody", "check", "--group", "3b", "--channel", "strona_www", "--json", *options))
        )
        return {r["name"]: r["allowed"] for r in rows}

    assert allowed("--photo", "indywidualne") == {"Zofia Żak": False, "Jan Łęcki": True, "Ola Nowak": False}
    assert allowed("--photo", "grupowe") == {"Zofia Żak": True, "Jan Łęcki": True, "Ola Nowak": False}
    assert allowed("--channel", "tablica") == {"Zofia Żak": False, "Jan Łęcki": False, "Ola Nowak": False}

    out = tmp_path / "lista.pdf"
    sheet = ok(somflow_cli("zgody", "sheet", "Jasełka", "--group", "3b", "--channel", "strona_www", "--out", str(out)))
    assert "Ola N.  3b" in sheet  # no consent: not photographed at all
    assert "Zofia Ż.  3b  – tylko zdjęcia grupowe; tylko w celach: edukacyjne" in sheet
    assert "Jan Ł." not in sheet  # everything ticked: nothing to restrict
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "Z ograniczeniami" in text and "tylko zdjęcia grupowe" in text


def test_survey_answers_take_labels_and_suggest(somflow_cli, tmp_path):
    from somflow.forms.spec import Choice

    words = vocabulary.Vocabulary.of_choices(
        [Choice("tak", {"pl": "Tak", "en": "Yes"}), Choice("raczej_nie", {"pl": "Raczej nie", "en": "Rather not"})]
    )
    assert (words.resolve("TAK"), words.resolve("raczej nie"), words.resolve("Rather not"), words.resolve("t")) == (
        "tak",
        "raczej_nie",
        "raczej_nie",
        "tak",
    )
    assert "Czy chodziło o „raczej_nie”?" in words.problem("racej nie")
