"""A full Blue Card case through the CLI: service note → start → NK-B → NK-A delivered → parallel actions → plan → review → closed."""

from __future__ import annotations

from datetime import date

import pytest
from inbox_fixtures import rasterise
from nk_cli import MOTHER, PEDAGOG, new_case, ok, route_letters, start
from nk_data import CHILD_PESEL, FATHER_PESEL, write
from test_documents_text import off_the_page, text_of

from somflow.errors import InvalidInput
from somflow.inbox.qr import decode
from somflow.workspace import Workspace

PLAN = {
    "opracowal": "Zespół interwencyjny: A. Kowalska, M. Nowak",
    "udzial_maloletniego": True,
    "cele": "Zofia czuje się bezpiecznie w szkole; regularne spotkania z psychologiem.",
    "dzialania_interwencyjne": "Wszczęto procedurę „Niebieskie Karty”; zawiadomiono policję.",
    "zadania": [
        {
            "zadanie": "Cotygodniowe konsultacje z psychologiem",
            "odpowiedzialny": "psycholog szkolny",
            "termin": "2026-12-18",
        },
        {"zadanie": "Kontakt z asystentem rodziny", "odpowiedzialny": "pedagog szkolny", "termin": "2026-11-30"},
    ],
    "wsparcie_jednostki": "Zajęcia rozwijające kompetencje emocjonalno-społeczne.",
    "skierowania": "Specjalistyczny Ośrodek Wsparcia dla Osób Doznających Przemocy Domowej.",
    "pomoc_prawna": "Informacja o nieodpłatnej pomocy prawnej dla matki.",
    "przeglad_co_dni": 14,
    "najblizszy_przeglad": "2026-12-01",
}

STEPS = [
    ("nk-b", "2026-11-17", "--odbiorca", MOTHER, "--odbiorca-rola", "rodzic"),
    ("zawiadomienie", "2026-11-18", "--adresat", "policja"),
    ("wniosek-sad", "2026-11-19"),
    ("ops", "2026-11-19", "--uwagi", "pismo do MOPS"),
    ("nk-a", "2026-11-20", "--sposob", "osobiscie"),
]


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setenv("SOMFLOW_TODAY", "2026-12-10")


def test_full_case_from_service_note_to_closure(somflow_cli, somflow_workspace, tmp_path):
    route_letters(somflow_workspace)
    case_id = new_case(somflow_cli, tmp_path)
    out = start(somflow_cli, case_id, "2026-11-17")
    assert "termin 2026-11-24" in out
    for kind, day, *extra in STEPS:
        ok(somflow_cli("nk", "step", case_id, kind, "--dnia", day, "--osoba", PEDAGOG, *extra))
    ok(
        somflow_cli(
            "nk",
            "step",
            case_id,
            "plan",
            "--dnia",
            "2026-11-20",
            "--osoba",
            "Zespół interwencyjny",
            "--data",
            str(write(tmp_path / "plan.yaml", PLAN)),
        )
    )
    ok(
        somflow_cli(
            "nk", "step", case_id, "przeglad", "--dnia", "2026-12-01", "--osoba", PEDAGOG, "--uwagi", "plan realizowany"
        )
    )
    ok(
        somflow_cli(
            "nk", "step", case_id, "zamkniecie", "--dnia", "2026-12-02", "--osoba", "Grażyna Żółkiewska, dyrektor"
        )
    )

    store = Workspace(somflow_workspace).store
    case = store.get("nk_cases", case_id)
    assert case["status"] == "zamknięta"
    kinds = [s["step"] for s in case["steps"]]
    assert kinds == [
        "notatka",
        "wszczecie",
        "nk-b",
        "zawiadomienie",
        "wniosek-sad",
        "ops",
        "nk-a",
        "plan",
        "przeglad",
        "zamkniecie",
    ]
    for entry in case["steps"]:
        assert entry["date"] and entry["person"]
    by_kind = {s["step"]: s for s in case["steps"]}
    printed = {d["form"]: d["id"] for d in case["documents"]}
    assert set(printed) == {
        "notatka-sluzbowa",
        "niebieska-karta-a",
        "niebieska-karta-b",
        "karta-interwencji",
        "zawiadomienie-o-przestepstwie",
        "wniosek-o-wglad",
        "plan-wsparcia",
    }
    assert by_kind["nk-a"]["documents"] == [printed["niebieska-karta-a"]] == by_kind["wszczecie"]["documents"]
    assert by_kind["nk-b"]["details"]["recipient"] == MOTHER
    assert by_kind["wszczecie"]["details"]["present_role"] == "osoba_najblizsza"
    assert by_kind["nk-a"]["details"]["addressee"]["name"] == "Zespół Interdyscyplinarny w Gdyni"

    # Each PDF exists, carries its QR code on page 1, and its record points at the case.
    for doc_ref in case["documents"]:
        doc = store.get("documents", doc_ref["id"])
        assert doc["record"] == {"collection": "nk_cases", "id": case_id} and doc["status"] == "wygenerowany"
        assert "Żak" not in doc["title"]
        pdf = somflow_workspace / doc["file"]
        code = decode(rasterise(pdf, dpi=100)[0])
        assert code is not None and code.document_id == doc["id"] and code.page == 1

    history = ok(somflow_cli("nk", "show", case_id))
    for title in (
        "Notatka służbowa",
        "Wszczęcie procedury",
        "Przekazanie formularza „Niebieska Karta – B”",
        "do Zespołu Interdyscyplinarnego",
        "Zawiadomienie policji/prokuratury",
        "Wniosek do sądu rodzinnego",
        "ośrodka pomocy społecznej",
        "Plan wsparcia",
        "Przegląd planu wsparcia",
        "Zamknięcie sprawy",
    ):
        assert title in history, title
    assert "przekazano: Łucja Żak (rodzic)" in history and "w obecności: Łucja Żak (osoba_najblizsza)" in history
    assert "2026-11-20" in history and PEDAGOG in history and printed["plan-wsparcia"] in history
    assert CHILD_PESEL not in history and FATHER_PESEL not in history and "***********" in history
    assert CHILD_PESEL in ok(somflow_cli("nk", "show", case_id, "--reveal"))

    assert "Brak otwartych spraw NK." in ok(somflow_cli("nk", "list"))
    assert case_id in ok(somflow_cli("nk", "list", "--all"))
    with pytest.raises(InvalidInput, match="jest zamknięta"):
        somflow_cli("nk", "step", case_id, "przeglad", "--osoba", PEDAGOG)


def test_print_adds_a_document_to_the_case(somflow_cli, somflow_workspace, tmp_path):
    case_id = new_case(somflow_cli, tmp_path)
    start(somflow_cli, case_id[-6:], "2026-11-17")  # a case number can be shortened
    out = ok(somflow_cli("nk", "print", case_id, "niebieska-karta-b"))
    store = Workspace(somflow_workspace).store
    case = store.get("nk_cases", case_id)
    assert [d["form"] for d in case["documents"]] == ["notatka-sluzbowa", "niebieska-karta-a", "niebieska-karta-b"]
    assert case["documents"][-1]["id"] in out
    with pytest.raises(InvalidInput, match="Nieznany formularz sprawy NK"):
        somflow_cli("nk", "print", case_id, "niebieska-karta-c")


def test_nk_b_carries_the_local_contacts_and_the_team(somflow_cli, somflow_workspace, tmp_path):
    with (somflow_workspace / "somflow.toml").open("a", encoding="utf-8") as f:
        f.write(
            '\n[[contacts]]\nname = "Poradnia Telefoniczna Niebieskiej Linii"\nphone = "22 668 70 00"\nhours = "Całodobowo"\n'
            'offer = "Wsparcie dla osób doznających przemocy domowej"\nfor_whom = "Dzieci, młodzież, dorośli"\n'
        )
    case_id = new_case(somflow_cli, tmp_path)
    start(somflow_cli, case_id, "2026-11-17")
    ok(
        somflow_cli(
            "nk",
            "step",
            case_id,
            "nk-b",
            "--dnia",
            "2026-11-17",
            "--osoba",
            PEDAGOG,
            "--odbiorca",
            MOTHER,
            "--odbiorca-rola",
            "rodzic",
        )
    )
    store = Workspace(somflow_workspace).store
    doc_id = store.get("nk_cases", case_id)["steps"][-1]["documents"][0]
    doc = store.get("documents", doc_id)
    assert doc["form"] == "niebieska-karta-b"
    assert doc["data"]["kontakty"][0]["telefon"] == "22 668 70 00"
    assert doc["data"]["zespol_interdyscyplinarny"].startswith("Zespół Interdyscyplinarny w Gdyni")
    from pypdf import PdfReader

    values = {k: v.get("/V") for k, v in PdfReader(somflow_workspace / doc["file"]).get_fields().items()}
    assert values["kontakty-1-nazwa"] == "Poradnia Telefoniczna Niebieskiej Linii"
    # Nothing about the family on the sheet handed over: no names, no PESEL.
    assert not [v for v in values.values() if isinstance(v, str) and ("Żak" in v or CHILD_PESEL in v)]

    # Read as printed: the form's wording, the unit and the team, the one contact it holds, nothing cut off.
    pdf = (somflow_workspace / doc["file"]).read_bytes()
    assert not off_the_page(pdf, tmp_path)
    text = text_of(pdf, tmp_path)
    for wording in (
        "Informacja dla osoby doznającej przemocy domowej „NIEBIESKA KARTA – B” 1. Co to jest przemoc domowa",
        "2. Wszczęto procedurę „Niebieskie Karty”",
        "Data wszczęcia procedury 2026-11-17 Jednostka, która wszczęła procedurę "
        "Szkoła Podstawowa nr 7 im. Marii Skłodowskiej-Curie ul. Źródlana 12, 81-001 Gdynia",
        "3. Zespół Interdyscyplinarny Nazwa, adres i kontakt Zespół Interdyscyplinarny w Gdyni",
        "4. Gdzie szukać pomocy W sytuacji bezpośredniego zagrożenia życia lub zdrowia dzwoń pod numer alarmowy 112.",
        "Kontakt 1 Instytucja Telefon Poradnia Telefoniczna Niebieskiej Linii 22 668 70 00",
        "Oferta Wsparcie dla osób doznających przemocy domowej",
        "(data przekazania formularza i podpis osoby przekazującej)",
    ):
        assert wording in text, wording
    # The national helplines of seed 001 follow the local contact, the line the unit lists itself not twice.
    assert "Kontakt 2 Instytucja Telefon Telefon i czat zaufania Rzecznika Praw Dziecka 800 12 12 12" in text
    assert "Kontakt 4 Instytucja Telefon Telefon wsparcia dla rodziców i nauczycieli 800 100 100" in text
    assert text.count("22 668 70 00") == 1
    for absent in ("Kontakt 5", "Żak", CHILD_PESEL, " *"):  # no empty slots, nothing about the family, no marks
        assert absent not in text, absent


def test_nk_b_prints_the_local_contacts_first_and_the_national_lines_while_rows_are_left(somflow_workspace):
    from somflow_niebieska_karta.helplines import NATIONAL
    from somflow_niebieska_karta.prefill import nkb

    from somflow.plugins import PluginHost

    def contacts() -> list[str]:
        workspace = Workspace(somflow_workspace, PluginHost(somflow_workspace))
        return [c["nazwa"] for c in nkb(workspace, {}, date(2026, 11, 17), {})["kontakty"]]

    with (somflow_workspace / "somflow.toml").open("a", encoding="utf-8") as f:
        for n in range(1, 4):
            f.write(f'\n[[contacts]]\nname = "Poradnia {n}"\nphone = "58 000 00 0{n}"\n')
    assert contacts() == ["Poradnia 1", "Poradnia 2", "Poradnia 3", *(line["name"] for line in NATIONAL[:3])]
    with (somflow_workspace / "somflow.toml").open("a", encoding="utf-8") as f:
        for n in range(4, 8):
            f.write(f'\n[[contacts]]\nname = "Poradnia {n}"\nphone = "58 000 00 0{n}"\n')
    assert contacts() == [f"Poradnia {n}" for n in range(1, 8)]  # no room left


def test_new_case_interactively(somflow_cli, somflow_workspace):
    answers = (
        "\n".join(
            [
                "Zofia Żak",
                CHILD_PESEL,
                "9",
                "Jan Żak",
                "ojciec",
                "y",
                "2026-11-16",
                "rozmowa z uczennicą",
                "siniaki na przedramionach",
                PEDAGOG,
            ]
        )
        + "\n"
    )
    result = somflow_cli("nk", "new", input=answers)
    assert result.exit_code == 0, result.output
    case = Workspace(somflow_workspace).store.query("nk_cases")[0]
    assert case["sprawcy_rodzice"] is True and case["nka"]["osoby_doznajace"][0]["maloletni"] == "tak"
    assert [s["step"] for s in case["steps"]] == ["notatka"] and case["steps"][0]["person"] == PEDAGOG
