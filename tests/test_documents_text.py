"""Documents a head would sign, read as printed: the form's own wording, nothing off the page, no empty numbered slots.

Every form of the project is laid out and its words located with ``pdftotext -bbox``;
the NK-A is compared with the seed's form (seed 004 annex 8); filled NK-B contacts and the
children's attendance list print the rows they hold, each headed as the form words it.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from test_forms_all import project_specs

from somflow import forms
from somflow.forms import acroform, layout
from somflow.forms.documents import render_document

NK_FORMS = Path(__file__).resolve().parents[1] / "plugins" / "niebieska_karta" / "forms"
CASE_FORMS = Path(__file__).resolve().parents[1] / "somflow" / "casework" / "forms"
STANDARDS_FORMS = Path(__file__).resolve().parents[1] / "plugins" / "standards" / "forms"


def words(pdf: bytes, tmp_path: Path) -> list[tuple[int, float, str]]:
    """(page, right edge, word) of every word poppler finds."""
    source = tmp_path / "doc.pdf"
    source.write_bytes(pdf)
    html = subprocess.run(
        ["pdftotext", "-bbox", str(source), "-"], check=True, capture_output=True, text=True, encoding="utf-8"
    ).stdout
    found, page = [], 0
    for line in html.splitlines():
        if "<page " in line:
            page += 1
        elif match := re.search(r'xMax="([\d.]+)".*>(.*)</word>', line):
            found.append((page, float(match.group(1)), match.group(2)))
    return found


def off_the_page(pdf: bytes, tmp_path: Path) -> list[tuple[int, str]]:
    """(page, word) of every word whose right edge is past the right margin (cut off when printed)."""
    edge = layout.WIDTH - layout.RIGHT + 1
    return [(page, word) for page, right, word in words(pdf, tmp_path) if right > edge]


def text_of(pdf: bytes, tmp_path: Path) -> str:
    source = tmp_path / "text.pdf"
    source.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", str(source), "-"], check=True, capture_output=True, text=True, encoding="utf-8"
    ).stdout
    return " ".join(out.split())


@pytest.mark.parametrize("spec_path", project_specs(), ids=lambda p: p.stem)
def test_nothing_runs_off_the_page(spec_path: Path, tmp_path: Path):
    spec = forms.load_spec(spec_path)
    off = off_the_page(acroform.build_template(spec, "pl"), tmp_path)
    assert not off, f"{spec.id}: words past the right margin: {off[:5]}"


@pytest.mark.parametrize("spec_path", project_specs(), ids=lambda p: p.stem)
def test_no_section_heading_ends_a_page(spec_path: Path, tmp_path: Path):
    from somflow.i18n import pick

    spec = forms.load_spec(spec_path)
    # Sections whose first row prints some text (an unlabelled box has none for pdftotext to see).
    headings = [
        " ".join(s.heading().split())
        for s in spec.sections
        if s.title
        and pick(s.title)
        and not (s.fields and not s.fields[0].print_label and s.fields[0].type not in ("choice", "multichoice"))
    ]
    source = tmp_path / "t.pdf"
    source.write_bytes(acroform.build_template(spec, "pl"))
    pages = subprocess.run(
        ["pdftotext", "-layout", str(source), "-"], check=True, capture_output=True, text=True, encoding="utf-8"
    ).stdout.split("\f")
    for number, page in enumerate(pages[:-1], start=1):
        lines = [
            " ".join(line.split())
            for line in page.splitlines()
            if line.strip() and not line.strip().startswith(f"{spec.id} v")
        ]
        ends = [lines[-1]] + ([f"{lines[-2]} {lines[-1]}"] if len(lines) > 1 else [])
        for end in ends:  # a heading (one line or wrapped on two) with nothing of its section under it
            assert end not in headings, f"{spec.id}: page {number} ends with the heading {end!r}"


def test_nk_a_prints_the_wording_of_the_seed_form(tmp_path: Path):
    text = text_of(acroform.build_template(forms.load_spec(NK_FORMS / "niebieska-karta-a.yaml"), "pl"), tmp_path)
    for wording in (
        "Formularz Niebieska Karta A",
        "nazwa i adres podmiotu, w którym jest zatrudniona osoba wypełniająca formularz „Niebieska Karta – A”",
        "„NIEBIESKA KARTA – A”",
        "Osoba 1 doznająca przemocy domowej",
        "Osoba 2 stosująca przemoc domową",
        "VIII. CZY OSOBA STOSUJĄCA PRZEMOC DOMOWĄ POSIADA BROŃ PALNĄ? tak nie",  # the question, then its options
        "Pedagoga, psychologa lub terapeutę, będących przedstawicielami podmiotów, o których mowa w art. 9a ust. 3 ustawy z dnia 29 lipca 2005 r. o przeciwdziałaniu przemocy domowej",
    ):
        assert wording in text
    for label in (
        "Nagłówek",
        "– miejscowość",
        "– data",
        "Broń palna",
        "Procedura aktualnie",
        "Procedura w przeszłości",
        "Wszczęcie procedury przez",
        "Świadkowie ustalono",
    ):
        assert label not in text


def test_filled_groups_print_only_their_rows(tmp_path: Path):
    nkb = forms.load_spec(NK_FORMS / "niebieska-karta-b.yaml")
    contacts = [
        {"nazwa": "Ośrodek Interwencji Kryzysowej", "telefon": "58 000 00 01"},
        {"nazwa": "Telefon zaufania", "telefon": "116 111"},
    ]
    text = text_of(render_document(nkb, {"kontakty": contacts}, "D1", flatten=True)[0], tmp_path)
    assert "Kontakt 1" in text and "Kontakt 2" in text and "116 111" in text
    assert "Kontakt 3" not in text and "Kontakt 6" not in text
    assert "dołącz arkusz kontynuacji" not in text
    assert "Kontakt 6" in text_of(acroform.build_template(nkb, "pl"), tmp_path)  # the blank form keeps every row


def test_nk_b_of_a_unit_without_contacts_names_the_national_helplines(
    somflow_cli, somflow_workspace: Path, tmp_path: Path
):
    """No [[contacts]] set up: the NK-B handed to the victim lists seed 001's national lines, never "brak wpisów"."""
    from nk_cli import new_case, ok, start

    case_id = new_case(somflow_cli, tmp_path)
    start(somflow_cli, case_id, "2026-11-17")
    result = ok(somflow_cli("nk", "print", case_id, "niebieska-karta-b"))
    pdf = Path(re.search(r"plik (\S+\.pdf)", result).group(1)).read_bytes()
    assert not off_the_page(pdf, tmp_path)
    text = text_of(pdf, tmp_path)
    for wording in (  # seed 001 ch. II "Linie zaufania", word for word
        "Kontakt 1 Instytucja Telefon Poradnia Telefoniczna Niebieskiej Linii 22 668 70 00",
        "Godziny Całodobowo Oferta Wsparcie dla osób doznających przemocy domowej",
        "Kontakt 2 Instytucja Telefon Telefon i czat zaufania Rzecznika Praw Dziecka 800 12 12 12",
        "Oferta Anonimowe i bezpłatne wsparcie psychologiczne w kryzysach psychicznych dla dzieci i młodzieży",
        "Kontakt 3 Instytucja Telefon Telefon i czat Fundacji Dajemy Dzieciom Siłę 116 111",
        "Kontakt 4 Instytucja Telefon Telefon wsparcia dla rodziców i nauczycieli 800 100 100",
        "Godziny Poniedziałek – piątek; 12:00 – 15:00 Oferta Bezpłatne i anonimowe wsparcie dla rodziców i "
        "nauczycieli w sprawie bezpieczeństwa dzieci - pomoc psychologiczna i prawna",
    ):
        assert wording in text, wording
    for absent in ("brak wpisów", "Kontakt 5", "COUCB"):  # no empty slot; the Gdynia line is local, not national
        assert absent not in text, absent


def test_children_list_heads_each_row_as_a_child(tmp_path: Path):
    spec = forms.load_spec(STANDARDS_FORMS / "lista-zapoznania-dzieci.yaml")
    data = {
        "placowka": "SP 7",
        "grupa": "3a",
        "wersja_standardow": "1",
        "dzieci": [{"imie_nazwisko": n} for n in ("Ala Kot", "Ola Lis", "Jan Sowa")],
    }
    text = text_of(render_document(spec, data, "D3", flatten=True)[0], tmp_path)
    assert "Dziecko 1 Imię i nazwisko dziecka Ala Kot" in text and "Dziecko 3" in text
    assert "Dzieci 1" not in text and "Dziecko 4" not in text


def test_nk_a_without_data_knows_the_childs_school_and_parents(somflow_cli, somflow_workspace: Path, tmp_path: Path):
    """``somflow nk new`` answered at the prompts: the NK-A printed for the case names the school and the parents."""
    from nk_cli import start
    from nk_data import CHILD_PESEL

    from somflow.people import register
    from somflow.workspace import Workspace

    store = Workspace(somflow_workspace).store
    register.add(
        store,
        register.new_person(
            "child", "Zofia", "Żak", group="3b", guardians=[{"name": "Łucja Żak", "email": "l@example.pl"}]
        ),
    )
    register.add(store, register.new_person("parent", "Jan", "Żak", group="3b", child="Zofia Żak"))
    answers = (
        "\n".join(
            [
                "ŻAK Zofia",
                CHILD_PESEL,
                "9",
                "Jan Żak",
                "ojciec",
                "y",
                "2026-11-16",
                "rozmowa z uczennicą",
                "siniaki na przedramionach",
                "Anna Kowalska, pedagog",
            ]
        )
        + "\n"
    )
    result = somflow_cli("nk", "new", input=answers)
    assert result.exit_code == 0, result.output
    case_id = re.search(r"sprawę NK ([0-9A-Z]{26})", result.output).group(1)
    start(somflow_cli, case_id)
    result = somflow_cli("nk", "print", case_id, "niebieska-karta-a")
    assert result.exit_code == 0, result.output
    pdf = Path(re.search(r"plik (\S+\.pdf)", result.output).group(1))
    text = text_of(pdf.read_bytes(), tmp_path)
    assert " Łucja, Jan " in text
    assert (
        "Szkoła Podstawowa nr 7 im. Marii Skłodowskiej-Curie ul. Źródlana 12, 81-001 Gdynia"
        in text.split("Nazwa i adres miejsca pracy")[1][:300]
    )
    assert "Osoba 2 doznająca przemocy domowej" not in text  # one victim: no empty numbered slots
    assert (
        "miejscowość data Gdynia 2026-11-17" in text and "*" not in text
    )  # the official form marks no required fields


def test_blue_card_intervention_card_names_the_office_it_went_to(somflow_cli, somflow_workspace: Path, tmp_path: Path):
    """The card the ``ops`` step prints, read as printed: the office by its name, never the step's code."""
    from nk_cli import PEDAGOG, new_case, ok, start

    from somflow.workspace import Workspace

    case_id = new_case(somflow_cli, tmp_path)
    start(somflow_cli, case_id, "2026-11-17")
    ok(somflow_cli("nk", "step", case_id, "ops", "--dnia", "2026-11-19", "--osoba", PEDAGOG))
    store = Workspace(somflow_workspace).store
    (card,) = [d for d in store.query("documents") if d["form"] == "karta-interwencji"]
    pdf = (somflow_workspace / card["file"]).read_bytes()
    assert not off_the_page(pdf, tmp_path)
    text = text_of(pdf, tmp_path)
    for wording in (
        "Karta interwencji Imię i nazwisko dziecka Zofia Żak",
        "Osoba zawiadamiająca o podejrzeniu krzywdzenia " + PEDAGOG,
        "Działanie 2 Data Działanie 2026-11-17 Wszczęcie procedury „Niebieskie Karty”",
        "inny rodzaj interwencji. Jaki? informacja dla ośrodka pomocy społecznej",
        "Nazwa organu, do którego zgłoszono interwencję Ośrodek pomocy społecznej Data interwencji 2026-11-19",
        "Spotkanie: brak wpisów.",
        "(data i podpis osoby prowadzącej interwencję)",
    ):
        assert wording in text, wording
    for absent in (" ops ", "Działanie 4", "Wynik 1"):
        assert absent not in text, absent


def test_intervention_card_prints_the_seed_wording_once(tmp_path: Path):
    text = text_of(acroform.build_template(forms.load_spec(CASE_FORMS / "karta-interwencji.yaml"), "pl"), tmp_path)
    assert text.count("Karta interwencji") == 1  # the title, not again as a section heading
    assert text.count("Forma podjętej interwencji") == 1 and "inny rodzaj interwencji – jaki" not in text
    assert "inny rodzaj interwencji. Jaki?" in text


def _seed(prefix: str) -> Path | None:
    """A seed text in ``shared/seeds`` beside the repository (or beside its worktrees' folder), if there."""
    for folder in Path(__file__).resolve().parents[1:4]:
        found = sorted((folder / "shared" / "seeds").glob(f"{prefix}_*.txt"))
        if found:
            return found[0]
    return None


SEED_004 = _seed("004")
#: Where the printed NK-A words the seed's grid cells one by one (a row per cell instead of a table);
#: each is the seed's own words rearranged, listed here so that anything else must be the seed's wording.
NK_A_GRID_WORDING = re.compile(
    r"^(Osoba \d stosująca przemoc wobec Osoby \d doznającej przemocy"
    r"|Przemoc (fizyczna|psychiczna|seksualna|ekonomiczna|za pomocą środków komunikacji elektronicznej) .*\(wymień jakie\)"
    r"|Inne zaniedbanie, .*\(wymień jakie\)"
    r"|Doprowadzenie do policyjnego pomieszczenia .* art\. 244 .*"
    r"|Odległość w metrach|gdzie\?\))$"
)


@pytest.mark.skipif(SEED_004 is None, reason="the seeds are not beside the repository")
def test_nk_a_headings_labels_and_options_are_the_seeds_words():
    from somflow.i18n import pick

    seed = Path(SEED_004).read_text(encoding="utf-8")
    seed = " ".join(seed[seed.index("załącznik nr 8") :].split())
    spec = forms.load_spec(NK_FORMS / "niebieska-karta-a.yaml")
    printed = [" ".join(pick(line).split()) for line in spec.header]
    for section in spec.sections:
        if pick(section.title):
            printed.append(" ".join(section.heading().split()))
        for f in [*section.fields, *(f for g in section.groups for f in g.fields)]:
            printed += [" ".join(pick(f.label).split())] if f.print_label else []
            printed += [" ".join(pick(c.label).split()) for c in f.choices]
        printed += [layout.row_label(g, n) for g in section.groups for n in range(1, g.max + 1)]
    foreign = sorted({text for text in printed if text not in seed and not NK_A_GRID_WORDING.match(text)})
    assert not foreign, foreign


@pytest.mark.parametrize("form", ["oswiadczenie-rodzica-standardy", "oswiadczenie-pracownika-standardy"])
def test_declarations_print_no_heading_of_ours(form: str, tmp_path: Path):
    text = text_of(acroform.build_template(forms.load_spec(STANDARDS_FORMS / f"{form}.yaml"), "pl"), tmp_path)
    assert "Dane" not in text.split()  # the seed's declaration starts with place, date and name, no "I. Dane"
    assert "OŚWIADCZENIE Oświadczam" in text or "OŚWIADCZENIE Ja, niżej podpisana/y" in text


@pytest.mark.parametrize("form", ["oswiadczenie-rodzica-standardy", "oswiadczenie-pracownika-standardy"])
def test_declarations_head_the_declaration_as_the_seed_does(form: str, tmp_path: Path):
    """Seed 004 annexes 6–7 head it "OŚWIADCZENIE": no "II." (and no section I) on the printed document."""
    from somflow.forms.datafile import load_iso

    spec = forms.load_spec(STANDARDS_FORMS / f"{form}.yaml")
    printed = render_document(spec, load_iso(spec.example), "D1", flatten=True)[0]
    text = text_of(printed, tmp_path)
    assert "OŚWIADCZENIE" in text.split()
    assert "II." not in text.split() and "I." not in text.split()
    assert "II. OŚWIADCZENIE" not in text_of(acroform.build_template(spec, "pl"), tmp_path)


# ------------------------------------------------------------------ signatures stay with what they sign


def signature_alone(spec: forms.FormSpec, pdf: bytes, tmp_path: Path) -> list[int]:
    """Pages that print nothing but the signature captions (besides the footer and the QR stamp's id)."""
    from somflow.i18n import pick

    captions = {word for caption in spec.signature for word in pick(caption).split()}
    source = tmp_path / "signed.pdf"
    source.write_bytes(pdf)
    pages = subprocess.run(
        ["pdftotext", "-layout", str(source), "-"], check=True, capture_output=True, text=True, encoding="utf-8"
    ).stdout.split("\f")
    alone = []
    for number, page in enumerate(pages, start=1):
        lines = [
            line
            for line in page.splitlines()
            if not line.strip().startswith(f"{spec.id} v") and not re.fullmatch(r"\s*\S+ s\. \d+/\d+\s*", line)
        ]
        printed = {word for line in lines for word in line.split()}
        if printed & captions and printed <= captions:
            alone.append(number)
    return alone


@pytest.mark.parametrize("spec_path", project_specs(), ids=lambda p: p.stem)
def test_no_signature_stands_alone_on_a_page(spec_path: Path, tmp_path: Path):
    from somflow.forms.datafile import load_iso

    spec = forms.load_spec(spec_path)
    if not spec.signature:
        pytest.skip("the form is not signed")
    assert not signature_alone(spec, acroform.build_template(spec, "pl"), tmp_path), f"{spec.id}: blank form"
    if spec.example is not None:
        printed = render_document(spec, load_iso(spec.example), "D1", flatten=True)[0]
        assert not signature_alone(spec, printed, tmp_path), f"{spec.id}: filled from its example"


def test_service_note_is_signed_on_the_page_it_ends(tmp_path: Path):
    """A typical note (its example data) prints on one page, the author and date above the signatures."""
    from somflow.forms.datafile import load_iso

    spec = forms.load_spec(CASE_FORMS / "notatka-sluzbowa.yaml")
    printed, pages = render_document(spec, load_iso(spec.example), "D1", flatten=True)
    assert pages == 1
    text = text_of(printed, tmp_path)
    assert text.index("Anna Kowalska, pedagog szkolny") < text.index("(własnoręczny podpis osoby sporządzającej")


def _long_form(tmp_path: Path, lines: int, rows: int) -> forms.FormSpec:
    """A signed form whose last section runs to any length: a box of ``lines`` lines, then ``rows`` rows."""
    path = tmp_path / "dluga.yaml"
    path.write_text(
        "id: dluga\ntitle: Długa notatka\nsections:\n"
        "  - {id: '1', title: Dane, fields: [{name: autor, label: Autor}]}\n"
        f"  - id: '2'\n    title: Opis\n    fields: [{{name: opis, label: Opis, type: multiline, lines: {lines}}}]\n"
        f"    groups: [{{name: osoby, label: Osoba, max: {max(rows, 1)}, fields: [{{name: kto, label: Kto}}]}}]\n"
        "signature: ['(data i podpis)', '(podpis dyrektora)']\n",
        encoding="utf-8",
    )
    return forms.load_spec(path)


@pytest.mark.parametrize("rows", [0, 3, 30])
def test_a_long_note_runs_on_but_its_signatures_never_stand_alone(rows: int, tmp_path: Path):
    for lines in range(20, 75, 2):  # the last row ends anywhere on the page, the signatures' height included
        spec = _long_form(tmp_path, lines, rows)
        blank = acroform.build_template(spec, "pl")
        assert not signature_alone(spec, blank, tmp_path), f"{lines} lines, {rows} rows: blank form"
        filled = render_document(spec, {"autor": "Ewa Łoś", "opis": "Długi opis.", "osoby": []}, "D1")[0]
        assert not signature_alone(spec, filled, tmp_path), f"{lines} lines, {rows} rows: filled"
