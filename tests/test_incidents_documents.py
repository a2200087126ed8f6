"""Every document an intervention case prints, read as printed (pdftotext): the intended wording, every value
whole, Polish letters intact, no internal label, nothing past the margin, no empty numbered slot.

The letters to the police and the family court are printed by the NK steps too, through the same function
(``somflow.casework.letters``): the last test follows a Blue Card case to its letter.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from incident_cli import CHILD, NOTE, PEDAGOG, new_case, ok, step, to_plan
from nk_cli import route_letters
from test_documents_text import off_the_page, text_of
from workspace_copies import built_once

from somflow.errors import ConfigError
from somflow.workspace import Workspace

LONG = " ".join(
    f"Zdanie {n}: dziecko mówi, że koledzy zabierają mu śniadanie i zamykają w łazience." for n in range(1, 15)
)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setenv("SOMFLOW_TODAY", "2026-11-25")


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, Path]:
    """A third-party case walked to its protocol, with both letters: form id → its PDF (built once, only read)."""
    with built_once(tmp_path_factory, {"SOMFLOW_TODAY": "2026-11-25"}) as (root, cli):
        route_letters(root)
        ref = new_case(cli, root.parent, "osoba_trzecia", notatka={**NOTE, "opis": LONG})
        to_plan(cli, root.parent, ref, "osoba_trzecia")
        ok(step(cli, ref, "zawiadomienie", "2026-11-22"))
        ok(step(cli, ref, "wniosek-sad", "2026-11-23", "--uwagi", "rodzice nie współpracują"))
        ok(step(cli, ref, "protokol", "2026-11-25"))
        ok(cli("interwencje", "print", ref, "karta-interwencji"))
    store = Workspace(root).store
    return {d["form"]: root / d["file"] for d in store.query("documents")}


def _check_page(pdf: Path, tmp_path: Path) -> str:
    """The document's text, after checking no word runs past the right margin."""
    off = off_the_page(pdf.read_bytes(), tmp_path)
    assert not off, f"{pdf.name}: words past the right margin: {off[:5]}"
    return text_of(pdf.read_bytes(), tmp_path)


def test_every_document_of_the_case_is_printed(printed):
    assert set(printed) == {
        "notatka-sluzbowa",
        "protokol-spotkania",
        "plan-wsparcia",
        "zawiadomienie-o-przestepstwie",
        "wniosek-o-wglad",
        "protokol-interwencji",
        "karta-interwencji",
    }


def test_service_note_reads_as_the_seeds_note(printed, tmp_path):
    """Seed 001 ch. VII.3: how and when the information came, the event, the child, the description, the suspect."""
    text = _check_page(printed["notatka-sluzbowa"], tmp_path)
    for wording in (
        "sporządzona przez pracownika jednostki odpowiedzialnego za przyjmowanie zgłoszeń, który powziął informację "
        "lub podejrzewa, że dziecko jest krzywdzone Notatka służbowa",
        "1. Powzięcie informacji Data powzięcia informacji 2026-11-16 "
        "Sposób powzięcia informacji rozmowa z uczennicą na przerwie",
        # Place and time share a line (as do the author and the date): the labels are read first, then the values.
        "2. Zdarzenie Miejsce zdarzenia Czas zdarzenia korytarz szkolny 16.11.2026, przerwa po 3. lekcji",
        "3. Dane identyfikacyjne małoletniego, którego zgłoszenie dotyczy Imię i nazwisko Zofia Żak",
        "Klasa / grupa 3b",
        "4. Opis zdarzenia lub okoliczności, z którymi wiąże się krzywdzenie lub podejrzenie krzywdzenia Zdanie 1:",
        "Zdanie 14: dziecko mówi, że koledzy zabierają mu śniadanie i zamykają w łazience.",  # the whole description
        "5. Wskazanie sprawcy lub potencjalnego sprawcy przemocy wobec małoletniego "
        "Sprawca lub potencjalny sprawca (kim jest dla dziecka) Piotr Lis (trener klubu sportowego)",
        "6. Osoba sporządzająca notatkę Imię i nazwisko, stanowisko Data sporządzenia notatki "
        + PEDAGOG
        + " 2026-11-16",
        "(własnoręczny podpis osoby sporządzającej notatkę)",
        "Notatkę przekazano kierownikowi jednostki lub osobie przez nią wyznaczonej: (data i podpis)",
    ):
        assert wording in text, wording
    for label in ("Opis Zdanie", " *"):  # the heading says what the box holds
        assert label not in text, label


def test_the_blue_card_case_prints_the_same_service_note(somflow_cli, somflow_workspace, tmp_path):
    from nk_cli import new_case as nk_case
    from nk_data import CHILD_PESEL

    nk_case(somflow_cli, tmp_path)
    store = Workspace(somflow_workspace).store
    (note,) = [d for d in store.query("documents") if d["form"] == "notatka-sluzbowa"]
    text = _check_page(somflow_workspace / note["file"], tmp_path)
    assert f"Imię i nazwisko Zofia Żak Data urodzenia PESEL {CHILD_PESEL}" in text
    assert "podejrzenie krzywdzenia Uczennica ma siniaki na przedramionach" in text
    assert "(kim jest dla dziecka) ojciec" in text


def test_notification_to_the_police_reads_as_a_letter(printed, tmp_path):
    text = _check_page(printed["zawiadomienie-o-przestepstwie"], tmp_path)
    for wording in (
        "Zawiadomienie o podejrzeniu popełnienia przestępstwa",
        "Miejscowość Data Gdynia 2026-11-22",
        "Szkoła Podstawowa nr 7 im. Marii Skłodowskiej-Curie ul. Źródlana 12, 81-001 Gdynia",
        "Znak sprawy INT-2026/1",
        "Komisariat Policji Gdynia-Śródmieście ul. Portowa 15, 81-350 Gdynia",
        "Działając na podstawie art. 304 § 2 Kodeksu postępowania karnego, zawiadamiam",
        "I. Dane małoletniego pokrzywdzonego Imię i nazwisko Zofia Żak",
        "Czas i miejsce zdarzenia 16.11.2026, przerwa po 3. lekcji, korytarz szkolny",
        "Krzywdzenie przez osobę trzecią. Zdanie 1:",
        "Zdanie 14: dziecko mówi, że koledzy zabierają mu śniadanie i zamykają w łazience.",  # the whole description
        "III. Osoba podejrzewana o popełnienie przestępstwa Piotr Lis (trener klubu sportowego)",
        "2026-11-17: Powołanie zespołu interwencyjnego",
        "koordynator ds. standardów ochrony małoletnich: Łukasz Wójcik, koordynator@sp7.example.pl",
        "(podpis i pieczęć kierownika jednostki)",
    ):
        assert wording in text, wording
    for label in (
        "Nadawca",
        "Adresat",
        "Opis zdarzenia Krzywdzenie",
        "Podjęte działania",
        "Osoba do kontaktu koordynator",
        " *",
    ):
        assert label not in text, label
    pages = subprocess.run(["pdfinfo", str(printed["zawiadomienie-o-przestepstwie"])], capture_output=True, text=True)
    assert re.search(r"Pages:\s+1\n", pages.stdout)  # the signature stays on the letter's page


def test_request_to_the_family_court(printed, tmp_path):
    text = _check_page(printed["wniosek-o-wglad"], tmp_path)
    assert "Wniosek o wgląd w sytuację dziecka/rodziny" in text
    assert "Sąd Rejonowy w Gdyni, III Wydział Rodzinny i Nieletnich" in text
    assert (
        "art. 572 § 1 Kodeksu postępowania cywilnego" in text and "art. 109 Kodeksu rodzinnego i opiekuńczego" in text
    )
    assert "Uzasadnienie: zdarzenie i sytuacja dziecka" in text
    assert "Osoba podejrzewana" not in text  # the court letter asks about the child, not the suspect
    assert "2026-11-22: Zawiadomienie policji/prokuratury o podejrzeniu popełnienia przestępstwa" in text


def test_meeting_protocol_and_plan(printed, tmp_path):
    meeting = _check_page(printed["protokol-spotkania"], tmp_path)
    assert "Protokół ze spotkania z rodzicami (opiekunami) dziecka" in meeting
    assert "Numer sprawy Data Miejsce INT-2026/1 2026-11-20" in meeting
    assert "Uczestnicy spotkania (imię i nazwisko, funkcja) Łucja Żak, matka " + PEDAGOG in meeting
    assert "2. Informacje przekazane rodzicom (opiekunom): o zdarzeniu oraz o potrzebie" in meeting
    assert "Przekazane informacje" not in meeting and "Ustalenia Ustalenia" not in meeting
    plan = _check_page(printed["plan-wsparcia"], tmp_path)
    assert "Zadanie 1" in plan and "Zadanie 2" in plan and "Zadanie 3" not in plan  # no empty numbered slots
    assert "Konsultacje z psychologiem psycholog szkolny 2026-12-12" in plan and CHILD in plan


def test_intervention_protocol_has_the_13_points_of_the_seed(printed, tmp_path):
    text = _check_page(printed["protokol-interwencji"], tmp_path)
    points = [
        "1. Data i miejsce sporządzenia dokumentu",
        "2. Małoletni, wobec którego zachodzi podejrzenie krzywdzenia lub krzywdzenie Zofia Żak",
        "3. Osoba stwierdzająca wystąpienie podejrzenia krzywdzenia lub krzywdzenie małoletniego " + PEDAGOG,
        "4. Data podejrzenia krzywdzenia lub krzywdzenia małoletniego, miejsce",
        "5. Osoba/osoby podejrzane o krzywdzenie lub krzywdzące małoletniego Piotr Lis",
        "6. Osoba/osoby podejrzane o krzywdzenie lub krzywdzące małoletniego Kim jest dla małoletniego (stanowisko, klasa/grupa, relacja) trener klubu sportowego",
        "7. Opis rodzaju krzywdzenia lub podejrzenia krzywdzenia małoletniego Krzywdzenie przez osobę trzecią.",
        "8. Osoby i instytucje, które zostały powiadomione",
        "2026-11-22: zawiadomienie o podejrzeniu popełnienia przestępstwa — Komisariat Policji Gdynia-Śródmieście",
        "2026-11-23: wniosek o wgląd w sytuację dziecka/rodziny — Sąd Rejonowy w Gdyni",
        "9. Data i opis udzielonej pomocy",
        "10. Informacja ze spotkania z rodzicami 2026-11-20",
        "11. Zaplanowana pomoc psychologiczno-pedagogiczna",
        "Konsultacje z psychologiem — psycholog szkolny, 2026-12-12",
        "12. Informacje na temat efektów podjętych interwencji",
        "13. Imiona i nazwiska oraz czytelne podpisy osób sporządzających protokół Anna Kowalska, Marek Nowak",
        "Zdanie 14: dziecko mówi",
    ]
    for point in points:
        assert point in text, point
    for label in (
        "Osoba stwierdzająca Anna",
        "Powiadomione osoby",
        "Udzielona pomoc",
        "Efekty interwencji",
        "Opis Krzywdzenie",
    ):
        assert label not in text, label


def test_intervention_card_prints_only_the_rows_it_holds(printed, tmp_path):
    text = _check_page(printed["karta-interwencji"], tmp_path)
    assert "Przyczyna interwencji (forma krzywdzenia) Krzywdzenie przez osobę trzecią" in text
    assert "Spotkanie 1" in text and "Spotkanie 2" not in text
    assert "Działanie 4" in text and "Działanie 5" not in text
    assert "Wynik: brak wpisów." in text and "Wynik 1" not in text  # no results yet: no empty numbered rows
    assert "Sąd Rejonowy w Gdyni, III Wydział Rodzinny i Nieletnich" in text


def test_a_letter_without_an_addressee_is_refused_and_leaves_nothing(somflow_cli, somflow_workspace, tmp_path):
    ref = new_case(somflow_cli, tmp_path, "osoba_trzecia")
    ok(step(somflow_cli, ref, "zespol", "2026-11-17", "--czlonek", "Anna Kowalska", "--czlonek", "Marek Nowak"))
    store = Workspace(somflow_workspace).store
    before = (store.query("incidents"), store.query("documents"))
    result = step(somflow_cli, ref, "wniosek-sad", "2026-11-23")
    assert result.exit_code == 1 and "Uzupełnij sekcję [sad_rodzinny] (name, address)" in result.output
    assert (store.query("incidents"), store.query("documents")) == before


def test_the_blue_card_step_prints_the_same_letter(somflow_cli, somflow_workspace, tmp_path):
    from nk_cli import new_case as nk_case
    from nk_cli import start

    route_letters(somflow_workspace)
    case_id = nk_case(somflow_cli, tmp_path)
    start(somflow_cli, case_id, "2026-11-17")
    with pytest.raises(ConfigError):  # the prosecutor is routed, the family court of another unit is not
        (somflow_workspace / "somflow.toml").write_text(
            (somflow_workspace / "somflow.toml").read_text(encoding="utf-8").replace("[sad_rodzinny]", "[sad_x]"),
            encoding="utf-8",
        )
        somflow_cli("nk", "step", case_id, "wniosek-sad", "--dnia", "2026-11-18", "--osoba", PEDAGOG)
    ok(
        somflow_cli(
            "nk",
            "step",
            case_id,
            "zawiadomienie",
            "--adresat",
            "prokuratura",
            "--dnia",
            "2026-11-18",
            "--osoba",
            PEDAGOG,
        )
    )
    store = Workspace(somflow_workspace).store
    letter = next(d for d in store.query("documents") if d["form"] == "zawiadomienie-o-przestepstwie")
    case = store.get("nk_cases", case_id)
    assert letter["id"] in case["steps"][-1]["documents"]
    text = text_of((somflow_workspace / letter["file"]).read_bytes(), tmp_path)
    assert "Prokuratura Rejonowa w Gdyni" in text and "Znak sprawy NK-2026/1" in text
    assert "2026-11-17: Wszczęcie procedury" in text


def test_the_signed_letter_scanned_into_the_inbox_is_filed_onto_its_case(somflow_cli, somflow_workspace, tmp_path):
    from inbox_fixtures import rasterise, save_pdf

    route_letters(somflow_workspace)
    ref = new_case(somflow_cli, tmp_path, "osoba_trzecia")
    ok(step(somflow_cli, ref, "zespol", "2026-11-17", "--czlonek", "Anna Kowalska", "--czlonek", "Marek Nowak"))
    ok(step(somflow_cli, ref, "zawiadomienie", "2026-11-22"))
    store = Workspace(somflow_workspace).store
    letter = next(d for d in store.query("documents") if d["form"] == "zawiadomienie-o-przestepstwie")
    save_pdf(rasterise(somflow_workspace / letter["file"], dpi=150), somflow_workspace / "inbox" / "skan-pisma.pdf")
    assert letter["id"] in ok(somflow_cli("ingest"))
    case = store.query("incidents")[0]
    assert [r["id"] for r in case["returned"]] == [letter["id"]]
    assert f"Zwrócono podpisany skan: zawiadomienie-o-przestepstwie [{letter['id']}]" in ok(
        somflow_cli("interwencje", "show", ref)
    )
