"""The monitoring survey (seed 004 annex 5): answers by hand and from CSV, anonymous, counted right; the report PDF."""

from __future__ import annotations

import json

import pytest
from pypdf import PdfReader
from standards_helpers import pdftotext, render_pages, scan_into_inbox

from somflow.errors import InvalidInput

QUESTIONS = ["zna_standardy", "zna_polityke", "rozpoznaje_symptomy", "wie_jak_reagowac", "zaobserwowal_naruszenie"]


def twenty_staff_csv(path):
    """20 anonymous answers: question i gets (20 - 2*i) "tak", the rest "nie", except blanks in the last one."""
    rows = []
    for n in range(20):
        row = []
        for i, _q in enumerate(QUESTIONS):
            if i == 4:
                row.append("tak" if n < 3 else ("" if n >= 18 else "Nie"))
            else:
                row.append("Tak" if n < 20 - 2 * i else "nie")
        row += [
            "ktoś krzyczał na dziecko" if n < 3 else "",
            "rozmowa z dyrekcją" if n == 0 else "",
            "Więcej szkoleń z reagowania" if n % 5 == 0 else "",
        ]
        rows.append(";".join(row))
    header = ";".join([*QUESTIONS, "naruszone_zasady", "podjete_dzialania", "uwagi"])
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def with_answers(somflow_cli, somflow_workspace):
    assert somflow_cli("standards", "survey", "start", "--date", "2026-10-05").exit_code == 0
    result = somflow_cli("standards", "survey", "import", str(twenty_staff_csv(somflow_workspace / "ankiety.csv")))
    assert result.exit_code == 0 and "Zaimportowano 20 ankiet." in result.output
    return somflow_workspace


def test_twenty_staff_answers_give_the_right_counts(somflow_cli, with_answers):
    summary = json.loads(somflow_cli("standards", "survey", "summary", "--json").output)
    assert summary["respondents"] == 20 and summary["round"] == "2026-10-05"
    counts = {q["name"]: q["counts"] for q in summary["questions"]}
    assert counts["zna_standardy"] == {"tak": 20}
    assert counts["zna_polityke"] == {"tak": 18, "nie": 2}
    assert counts["rozpoznaje_symptomy"] == {"tak": 16, "nie": 4}
    assert counts["wie_jak_reagowac"] == {"tak": 14, "nie": 6}
    assert counts["zaobserwowal_naruszenie"] == {"tak": 3, "nie": 15, "brak": 2}
    texts = {q["name"]: q["texts"] for q in summary["questions"]}
    assert texts["naruszone_zasady"] == ["ktoś krzyczał na dziecko"] * 3
    assert texts["uwagi"] == ["Więcej szkoleń z reagowania"] * 4

    text = somflow_cli("standards", "survey", "summary").output
    assert (
        "Czy wie Pan/Pani, jak reagować na symptomy krzywdzenia dzieci?\n  Tak: 14, Nie: 6, brak odpowiedzi: 0" in text
    )


def test_answers_typed_by_hand_and_question_by_question(somflow_cli):
    somflow_cli("standards", "survey", "start", "--survey", "rodzice", "--date", "2026-10-05")
    result = somflow_cli(
        "standards",
        "survey",
        "add",
        "--survey",
        "rodzice",
        "--answer",
        "zna_standardy=TAK",
        "--answer",
        "uwagi=Dobrze, że jest plakat",
    )
    assert result.exit_code == 0, result.output
    result = somflow_cli("standards", "survey", "add", "--survey", "rodzice", input="nie\ntak\n\n\n")
    assert result.exit_code == 0, result.output
    assert "Czy wie Pan/Pani, komu w szkole zgłosić podejrzenie krzywdzenia dziecka? (tak/nie)" in result.output
    result = somflow_cli("standards", "survey", "add", "--survey", "rodzice", "--answer", "dziecko_bezpieczne=tak")
    summary = json.loads(somflow_cli("standards", "survey", "summary", "--survey", "rodzice", "--json").output)
    counts = {q["name"]: q["counts"] for q in summary["questions"]}
    assert counts["zna_standardy"] == {"tak": 1, "nie": 1, "brak": 1}
    assert counts["wie_komu_zglosic"] == {"tak": 1, "brak": 2}


def test_a_bad_csv_imports_nothing_and_names_row_and_column(somflow_cli, somflow_workspace):
    somflow_cli("standards", "survey", "start", "--date", "2026-10-05")
    bad = somflow_workspace / "zle.csv"
    bad.write_text("zna_standardy,zna_polityke\ntak,nie\ntak,może\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as error:
        somflow_cli("standards", "survey", "import", str(bad))
    assert (
        "Plik zle.csv, wiersz 3: pytanie zna_polityke: „może” nie jest dozwoloną odpowiedzią. Dozwolone: tak, nie."
        in error.value.messages
    )
    assert "Nic nie zaimportowano." in error.value.messages
    assert json.loads(somflow_cli("standards", "survey", "summary", "--json").output)["respondents"] == 0


def test_answers_stay_anonymous(somflow_cli, somflow_workspace):
    from somflow.workspace import Workspace

    somflow_cli("standards", "survey", "start", "--date", "2026-10-05")
    named = somflow_workspace / "z-imionami.csv"
    named.write_text("imie_nazwisko,zna_standardy\nJan Kowalski,tak\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="ankieta jest anonimowa"):
        somflow_cli("standards", "survey", "import", str(named))
    for _i in range(2):
        somflow_cli("standards", "survey", "add", "--answer", "zna_standardy=tak")
    stored = Workspace(somflow_workspace).store.query("survey_responses")
    assert next(sorted(r) for r in stored) == sorted(
        ["answers", "created", "id", "rev", "round", "schema", "source", "survey", "unit", "updated"]
    )
    # Two answers: too few to show without exposing single persons.
    summary = json.loads(somflow_cli("standards", "survey", "summary", "--json").output)
    assert summary["suppressed"] and all(not q["counts"] for q in summary["questions"])


def test_report_pdf_has_its_sections_a_chart_and_the_figures(somflow_cli, with_answers, somflow_proc, tmp_path):
    ws = with_answers
    somflow_cli(
        "standards",
        "register",
        "add",
        "--channel",
        "email",
        "--kind",
        "propozycja",
        "--date",
        "2026-10-01",
        "--summary",
        "Dodać numer telefonu zaufania na plakacie",
    )
    somflow_cli("standards", "people", "add", "Żaneta Grzębska", "--group", "pracownicy")
    # Case counts come from the other plugins' somflow_unit_summary (here a workspace plugin).
    (ws / "plugins").mkdir()
    (ws / "plugins" / "sprawy.py").write_text(
        "from somflow import hookimpl\n\n@hookimpl\ndef somflow_unit_summary(workspace):\n    return [('Otwarte sprawy NK', 2), ('NK-A po terminie', 0)]\n",
        encoding="utf-8",
    )
    conclusions = ws / "wnioski.txt"
    conclusions.write_text("Szkolenie z reagowania na krzywdzenie w styczniu 2027.\n", encoding="utf-8")
    # One run from a terminal, as the coordinator would.
    proc = somflow_proc(
        "standards", "report", "--year", "2026", "--conclusions", str(conclusions), env={"SOMFLOW_WORKSPACE": str(ws)}
    )
    assert proc.returncode == 0, proc.stderr
    pdf = ws / "reports" / "raport-standardy-2026.pdf"
    assert str(pdf) in proc.stdout

    reader = PdfReader(pdf)
    pages = render_pages(pdf, tmp_path / "pages")
    assert len(pages) == len(reader.pages)

    # The chart is vector graphics: its green (fine) and red (a problem) bars are on a rendered page.
    def coloured(png, colour):
        from PIL import Image

        with Image.open(png) as image:
            return sum(1 for pixel in image.convert("RGB").getdata() if pixel == colour)

    assert any(
        coloured(page, (0x2E, 0x7D, 0x32)) > 200 and coloured(page, (0xC6, 0x28, 0x28)) > 20 for page in pages
    ), "the report has no chart"

    text = " ".join(pdftotext(pdf, layout=False).split())
    for heading in (
        "Raport z realizacji Standardów Ochrony Małoletnich",
        "1. Cel i obszary lub procesy objęte analizą",
        "2. Opis metod, narzędzi i kryteriów użytych do przeprowadzenia analizy",
        "3. Wynik analizy",
        "4. Wnioski i rekomendacje",
        "(data i podpis kierownika jednostki)",
    ):
        assert heading in text
    assert "liczba ankiet: 20" in text
    assert "P4 Czy wie Pan/Pani, jak reagować na symptomy krzywdzenia dzieci? 14 6 0" in text
    assert (
        "P5 Czy zdarzyło się Panu/Pani zaobserwować naruszenie zasad zawartych w Standardach Ochrony Małoletnich przez innego pracownika? 3 15 2"
        in text
    )
    assert "propozycja zmiany Standardów 1" in text and "Dodać numer telefonu zaufania na plakacie" in text
    assert "pracownicy 1 0 1" in text
    assert "Szkolenie z reagowania na krzywdzenie w styczniu 2027." in text
    assert (
        "Ankieta: „Czy wie Pan/Pani, jak reagować na symptomy krzywdzenia dzieci?” — odpowiedzi wskazujące na problem: 6 z 20."
        in text
    )
    assert "Otwarte sprawy NK 2" in text and "NK-A po terminie 0" in text
    assert "Brak potwierdzenia Standardów" not in text  # the plugin's own counts are not "cases"
    assert "Żaneta" not in text  # counts only, no names

    # The head signs the printed report; the scan comes back through the inbox.
    status = somflow_proc("status", env={"SOMFLOW_WORKSPACE": str(ws)}).stdout
    assert "Standardy: raport 2026: czeka na podpis kierownika jednostki" in status
    scan_into_inbox(pdf, ws / "inbox", "raport-podpisany")
    proc = somflow_proc("ingest", env={"SOMFLOW_WORKSPACE": str(ws)})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Standardy: raport 2026: podpisany" in somflow_cli("status").output


def test_blank_questionnaires_print_with_the_seed_questions(somflow_cli, somflow_workspace):
    out = somflow_workspace / "ankiety.pdf"
    result = somflow_cli("standards", "survey", "print", "--copies", "3", "--out", str(out))
    assert result.exit_code == 0, result.output
    reader = PdfReader(out)
    assert len(reader.pages) >= 3
    text = " ".join(pdftotext(out, layout=False).split())
    assert "Ankieta: Monitoring „standardów”" in text
    assert "Czy potrafi Pan/Pani rozpoznawać symptomy krzywdzenia dzieci?" in text
    assert "Czy ma Pan/Pani jakieś uwagi/poprawki dotyczące Standardów Ochrony Małoletnich? (odpowiedź opisowa)" in text
    # Worded for the unit's type (the test workspace is a school), not the seed's kindergarten.
    assert "Czy zna Pan/Pani standardy ochrony dzieci przed krzywdzeniem obowiązujące w szkole?" in text
    assert "przedszkol" not in text and "Polityk" not in text
    assert "Pytania" not in text  # no heading of ours: the seed's questionnaire has none


def test_parents_questionnaire_prints_its_questions_whole(somflow_cli, somflow_workspace, tmp_path):
    """The parents' survey as printed: worded for the school, each question with its answers, one page a copy."""
    from test_documents_text import off_the_page

    out = somflow_workspace / "ankiety-rodzice.pdf"
    result = somflow_cli("standards", "survey", "print", "--survey", "rodzice", "--copies", "2", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert len(PdfReader(out).pages) == 2
    assert not off_the_page(out.read_bytes(), tmp_path)
    text = " ".join(pdftotext(out, layout=False).split())
    for wording in (
        "Ankieta jest anonimowa — nie podpisuj jej. Ankieta dla rodziców: Monitoring „standardów”",
        "Czy zna Pan/Pani Standardy Ochrony Małoletnich obowiązujące w szkole? Tak Nie",
        "Czy wie Pan/Pani, komu w szkole zgłosić podejrzenie krzywdzenia dziecka? Tak Nie",
        "Czy Pana/Pani dziecko czuje się w szkole bezpiecznie? Tak Nie",
        "Czy ma Pan/Pani jakieś uwagi/poprawki dotyczące Standardów Ochrony Małoletnich? (odpowiedź opisowa)",
    ):
        assert text.count(wording) == 2, wording
    for foreign in ("placówce", "przedszkol", "Pytania", "{w_placowce}", "Imię", "podpis kierownika"):
        assert foreign not in text, foreign


@pytest.mark.parametrize("survey", ["personel", "rodzice"])
@pytest.mark.parametrize(
    ("kind", "phrase"),
    [
        ("Przedszkole Miejskie nr 3", "w przedszkolu"),
        ("placówka opiekuńczo-wychowawcza", "w placówce"),
        ("Liceum Ogólnokształcące", "w szkole"),
    ],
)
def test_survey_wording_follows_the_unit_type(somflow_cli, somflow_workspace, kind, phrase, survey):
    config = somflow_workspace / "somflow.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace('kind = "szkoła podstawowa"', f'kind = "{kind}"'), encoding="utf-8"
    )
    out = somflow_workspace / "ankiety.pdf"
    assert somflow_cli("standards", "survey", "print", "--survey", survey, "--out", str(out)).exit_code == 0
    text = " ".join(pdftotext(out, layout=False).split())
    assert f"obowiązujące {phrase}?" in text and "{w_placowce}" not in text


def test_report_is_what_a_head_reads(somflow_cli, with_answers, somflow_workspace):
    """No name from the survey's free text, no store counts or commands, problem answers in red whatever the word."""
    from somflow_standards import report, survey

    from somflow.workspace import Workspace

    ws = with_answers
    assert somflow_cli("standards", "people", "add", "Zuzanna Kwiatkowska", "--group", "dzieci").exit_code == 0
    assert (
        somflow_cli(
            "standards", "survey", "add", "--answer", "naruszone_zasady=ktoś szarpał KWIATKOWSKA Zuzanna na przerwie"
        ).exit_code
        == 0
    )
    result = somflow_cli("standards", "report", "--year", "2026")
    assert result.exit_code == 0, result.output
    text = " ".join(pdftotext(ws / "reports" / "raport-standardy-2026.pdf", layout=False).split())
    assert "Kwiatkowska" not in text and "KWIATKOWSKA" not in text
    assert "(1 odpowiedź pominięta: zawierała dane identyfikujące osobę)" in text and "– (1 odpowiedź" not in text
    assert "– ktoś krzyczał na dziecko" in text  # answers naming nobody stay
    assert "Rekordy" not in text and "somflow" not in text
    assert "P1 Czy zna Pan/Pani standardy ochrony dzieci przed krzywdzeniem obowiązujące w szkole?" in text
    assert "Uzupełnić potwierdzenia zapoznania się ze Standardami u osób, które ich jeszcze nie złożyły." in text

    workspace = Workspace(ws)
    summary = survey.summarize(workspace.store, survey.latest_round(workspace.store, "personel"))
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.lib.colors import HexColor

    (chart,) = [c for c in report.survey_chart(summary).contents if isinstance(c, HorizontalBarChart)]
    fine, problem, _none = chart.data
    assert len(fine) == 5
    assert (fine[3], problem[3]) == (14, 6)  # P4: 14 tak (fine), 6 nie (a problem)
    assert (fine[4], problem[4]) == (15, 3)  # P5 "did you see a breach": 3 tak (a problem), 15 nie (fine)
    assert chart.bars[0].fillColor == HexColor(report.GOOD_COLOUR) and chart.bars[1].fillColor == HexColor(
        report.BAD_COLOUR
    )
    assert "Liczba odpowiedzi" in text  # the chart is drawn in the report
