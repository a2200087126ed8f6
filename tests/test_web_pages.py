"""The procedure pages of somflow serve in process: roles, the same rules and messages as the CLI, downloads that open."""

from __future__ import annotations

import io
import re
from datetime import date

import incident_cli
import pytest
from markupsafe import escape
from nk_cli import MOTHER, PEDAGOG, new_case, ok, route_letters, start
from nk_data import CHILD_PESEL, payload
from pypdf import PdfReader

DAY = date(2026, 12, 10)
CLASS = "Imię;Nazwisko;Klasa\nAda;Strona;3b\nFilip;Bezzgody;3b\n"


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setenv("SOMFLOW_TODAY", DAY.isoformat())


@pytest.fixture
def kids(somflow_cli, tmp_path):
    csv = tmp_path / "3b.csv"
    csv.write_text(CLASS, encoding="utf-8")
    assert somflow_cli("people", "import", str(csv)).exit_code == 0
    return csv


def pdf_pages(response) -> int:
    assert response.status_code == 200, response.text[:2000]
    assert response.headers["content-type"] == "application/pdf"
    return len(PdfReader(io.BytesIO(response.content)).pages)


def filename(response) -> str:
    return re.search(r'filename="([^"]+)"', response.headers["content-disposition"]).group(1)


def ids(web, path: str, label: str) -> str:
    """The id in the first link of ``path`` whose text starts with ``label``."""
    return re.search(rf'href="[^"]*/([0-9A-Z]{{26}})">{label}', web.get(path).text).group(1)


def audited(web) -> set[str]:
    return {e["user"] for e in web.app.state.workspace.store.audit_log()}


# ------------------------------------------------------------------ image consent


def test_consent_lookup_record_and_refusals(somflow_web, kids):
    office = somflow_web("sekretariat")
    page = office.get("/zgody?klasa=3b&kanal=strona_www").text
    assert '<label for="f-klasa">Klasa</label>' in page and "NIE — nie zwrócono zgody" in page
    ada = ids(office, "/zgody?klasa=3b", "Ada")
    form = {"csrf": office.csrf, "decyzja": "zgoda", "kanal": ["strona_www"], "zdjecie": ["grupowe"]}
    refused = office.post(f"/zgody/dziecko/{ada}", data=form)
    assert refused.status_code == 400 and "Zgoda obejmuje tylko to, co rodzic zaznaczył" in refused.text
    assert 'value="strona_www" id="f-kanal-1" checked' in refused.text  # the ticks given are kept
    assert office.app.state.workspace.store.query("image_consents") == []
    saved = office.post(f"/zgody/dziecko/{ada}", data={**form, "cel": ["wszystkie"]})
    assert saved.status_code == 303
    child = office.get(saved.headers["location"]).text
    assert "Zapisano zgodę." in child and "zgoda: strona internetowa" in child
    (consent,) = office.app.state.workspace.store.query("image_consents")
    assert consent["channels"] == ["strona_www"] and consent["photo_kinds"] == ["grupowe"]
    assert "web:test-sekretariat" in audited(office)
    answers = office.get("/zgody?klasa=3b&kanal=strona_www&zdjecie=grupowe").text
    assert re.search(r"Ada Strona</a>.*?TAK — zgoda do 2027-08-31", answers, re.S)
    assert re.search(r"Filip Bezzgody</a>.*?NIE — nie zwrócono zgody", answers, re.S)
    # group photos only, asked about individual ones: the sheet's heading, not a plain NIE
    individual = office.get("/zgody?klasa=3b&kanal=strona_www&zdjecie=indywidualne").text
    assert re.search(
        r"Ada Strona</a>.*?<td class=\"soon\">Nie fotografować indywidualnie \(tylko w grupie\) — tylko zdjęcia grupowe</td>",
        individual,
        re.S,
    )
    assert re.search(r"Filip Bezzgody</a>.*?NIE — nie zwrócono zgody", individual, re.S)
    no_csrf = office.post(f"/zgody/dziecko/{ada}", data={k: v for k, v in form.items() if k != "csrf"})
    assert no_csrf.status_code == 403


def test_photographer_sheet_and_class_print_download_as_pdf(somflow_web, somflow_cli, kids):
    office = somflow_web("sekretariat")
    sheet = office.get("/zgody/fotograf.pdf", params={"wydarzenie": "Jasełka", "klasa": "3b", "kanal": "strona_www"})
    assert pdf_pages(sheet) == 1 and filename(sheet) == "lista-fotografa-jaselka-3b-2026-12-10.pdf"
    assert "Filip B." in PdfReader(io.BytesIO(sheet.content)).pages[0].extract_text()
    given = ("--channel", "strona_www", "--purpose", "wszystkie", "--photo", "grupowe")
    assert somflow_cli("consent", "record", "Ada Strona", *given).exit_code == 0
    individual = office.get(
        "/zgody/fotograf.pdf",
        params={"wydarzenie": "Portrety", "klasa": "3b", "kanal": "strona_www", "zdjecie": "indywidualne"},
    )
    text = PdfReader(io.BytesIO(individual.content)).pages[0].extract_text()
    assert text.index("Filip B.") < text.index("Nie fotografować indywidualnie (tylko w grupie)") < text.index("Ada S.")
    unknown = office.get("/zgody/fotograf.pdf", params={"klasa": "3b", "kanal": "strona_www", "zdjecie": "panorama"})
    assert unknown.status_code == 400
    assert "Nieznany rodzaj zdjęcia „panorama”." in unknown.text and "Dozwolone: indywidualne, grupowe." in unknown.text
    assert pdf_pages(
        office.get("/zgody/fotograf.pdf", params={"klasa": "3b", "kanal": "strona_www", "zdjecie": "group"})
    )
    looked_up = office.get("/zgody?klasa=3b&kanal=strona_www&zdjecie=panorama").text
    assert "Nieznany rodzaj zdjęcia „panorama”." in looked_up
    assert "zgoda nie obejmuje zdjęć: panorama" not in looked_up
    no_channel = office.get("/zgody/fotograf.pdf", params={"klasa": "3b"})
    assert no_channel.status_code == 400 and "Podaj kanał publikacji" in no_channel.text
    printed = office.post("/druk/zgody", data={"csrf": office.csrf, "klasa": "3b"})
    assert pdf_pages(printed) >= 2 and filename(printed) == "zgody-wizerunek-klasa-3b-2026-12-10.pdf"
    reader = PdfReader(io.BytesIO(printed.content))
    assert not reader.get_fields()  # flattened: nothing left to edit
    assert len(office.app.state.workspace.store.query("documents")) == 2
    empty = office.post("/druk/zgody", data={"csrf": office.csrf, "klasa": ""})
    assert empty.status_code == 400 and "Podaj klasę" in empty.text


# ------------------------------------------------------------------ Niebieska Karta


def test_nk_pages_only_for_coordinator_and_head_and_nkb_never_to_the_suspect(somflow_web, somflow_cli, tmp_path):
    case_id = new_case(somflow_cli, tmp_path)
    start(somflow_cli, case_id)
    for role in ("sekretariat", "kadry"):
        web = somflow_web(role)
        assert web.get("/nk").status_code == 403 and web.get(f"/nk/{case_id}").status_code == 403
        assert web.post(f"/nk/{case_id}/krok", data={"csrf": web.csrf, "krok": "nk-b"}).status_code == 403
    coordinator = somflow_web("koordynator")
    listed = coordinator.get("/nk").text
    assert f"/nk/{case_id}" in listed and "Z. Ż." in listed and "Zofia" not in listed
    suspect = payload()["nka"]["osoby_stosujace"][0]["imie_nazwisko"]
    store = coordinator.app.state.workspace.store
    before = store.get("nk_cases", case_id)
    step = {"csrf": coordinator.csrf, "krok": "nk-b", "osoba": PEDAGOG, "recipient_role": "rodzic"}
    refused = coordinator.post(f"/nk/{case_id}/krok", data={**step, "recipient": suspect})
    assert refused.status_code == 400
    assert "nie przekazuje się osobie, wobec której istnieje podejrzenie" in refused.text
    assert store.get("nk_cases", case_id) == before
    saved = coordinator.post(f"/nk/{case_id}/krok", data={**step, "recipient": MOTHER})
    assert saved.status_code == 303
    timeline = coordinator.get(f"/nk/{case_id}").text
    assert "Zapisano krok sprawy." in timeline and f"przekazano: {MOTHER} (rodzic)" in timeline
    assert store.get("nk_cases", case_id)["steps"][-1]["step"] == "nk-b"
    assert "web:test-koordynator" in audited(coordinator)


def test_each_document_of_an_nk_case_downloads_as_the_pdf_somflow_wrote_for_it(
    somflow_web, somflow_cli, somflow_workspace, tmp_path
):
    route_letters(somflow_workspace)
    case_id = new_case(somflow_cli, tmp_path)
    start(somflow_cli, case_id)
    ok(somflow_cli("nk", "step", case_id, "zawiadomienie", "--dnia", "2026-11-18", "--osoba", PEDAGOG))
    other_id = new_case(somflow_cli, tmp_path)
    coordinator = somflow_web("koordynator")
    store = coordinator.app.state.workspace.store
    documents = store.get("nk_cases", case_id)["documents"]
    forms = ["notatka-sluzbowa", "niebieska-karta-a", "karta-interwencji", "zawiadomienie-o-przestepstwie"]
    assert [d["form"] for d in documents] == forms
    shown = coordinator.get(f"/nk/{case_id}").text
    assert "Dokumenty sprawy" in shown and "Zawiadomienie o podejrzeniu popełnienia przestępstwa" in shown
    names = []
    for doc in documents:
        link = f"/nk/{case_id}/dokumenty/{doc['id']}"
        assert shown.count(f'href="{link}"') == 2  # in the list of documents and beside its step
        got = coordinator.get(link)
        assert pdf_pages(got) >= 1 and "attachment" in got.headers["content-disposition"]
        assert got.content == (somflow_workspace / "documents" / f"{doc['id']}.pdf").read_bytes()
        assert f"{doc['id']} s. 1/" in PdfReader(io.BytesIO(got.content)).pages[0].extract_text()  # beside the QR
        names.append(filename(got))
    assert names == [
        "nk-2026-1-notatka-sluzbowa-2026-11-16.pdf",
        "nk-2026-1-niebieska-karta-a-2026-11-17.pdf",
        "nk-2026-1-karta-interwencji-2026-11-18.pdf",
        "nk-2026-1-zawiadomienie-o-przestepstwie-2026-11-18.pdf",
    ]
    note = f"/nk/{case_id}/dokumenty/{documents[0]['id']}"
    assert pdf_pages(somflow_web("dyrektor").get(note)) >= 1
    for role in ("sekretariat", "kadry"):
        refused = somflow_web(role).get(note)
        assert refused.status_code == 403 and refused.headers["content-type"].startswith("text/html")
        denied = [e for e in store.audit_log() if e["action"] == "denied"]
        assert denied[-1]["user"] == f"web:test-{role}" and denied[-1]["id"] == note
    others = store.get("nk_cases", other_id)["documents"][0]["id"]
    for wrong in (others, "01KZZZZZZZZZZZZZZZZZZZZZZZ"):
        missing = coordinator.get(f"/nk/{case_id}/dokumenty/{wrong}")
        assert missing.status_code == 404 and "Ta sprawa nie ma dokumentu" in missing.text, wrong
    assert coordinator.get(f"/nk/{case_id}/dokumenty/..%2F..%2Fsomflow.toml").status_code == 404
    assert pdf_pages(coordinator.get(f"/nk/{other_id}/dokumenty/{others}")) >= 1  # its own case hands it out
    assert coordinator.get(f"/nk/NK-2099-9/dokumenty/{others}").status_code == 404
    coordinator.post("/lang", data={"csrf": coordinator.csrf, "lang": "en", "next": "/"})
    english = coordinator.get(f"/nk/{case_id}").text
    assert '<h2 id="documents-heading">Case documents</h2>' in english and ">Download PDF<" in english
    assert "Notification of a suspected crime" in english
    gone = coordinator.get(f"/nk/{case_id}/dokumenty/{others}")
    assert gone.status_code == 404 and f"This case holds no document {others}." in gone.text


def test_who_started_the_procedure_is_one_choice_of_the_nka_list_and_several_are_refused_as_by_the_cli(
    somflow_web, somflow_cli, tmp_path
):
    from somflow.errors import InvalidInput

    by_cli, by_web = new_case(somflow_cli, tmp_path), new_case(somflow_cli, tmp_path)
    with pytest.raises(InvalidInput) as cli_refusal:
        start(somflow_cli, by_cli, "2026-11-17", "--rola", "nauczyciel")  # and pedagog_psycholog: two --rola
    coordinator = somflow_web("koordynator")
    store = coordinator.app.state.workspace.store
    form = coordinator.get(f"/nk/{by_web}").text
    assert "<legend>Wszczęcie procedury nastąpiło przez (sekcja XIV)</legend>" in form
    assert re.search(r'type="radio" name="roles" value="nauczyciel" id="f-roles-\d+"> Nauczyciela</label>', form)
    assert 'type="checkbox" name="roles"' not in form
    assert 'value="pedagog_psycholog"' in form and "> Pedagoga, psychologa lub terapeutę" in form
    step = {"csrf": coordinator.csrf, "krok": "wszczecie", "dnia": "17.11.2026", "osoba": PEDAGOG}
    step |= {"present": MOTHER, "present_role": "osoba_najblizsza"}
    before = store.get("nk_cases", by_web)
    # radio buttons send one; a forged form sending two is refused as the CLI refuses two --rola
    two = coordinator.post(f"/nk/{by_web}/krok", data={**step, "roles": ["pedagog_psycholog", "nauczyciel"]})
    assert two.status_code == 400
    (said,) = cli_refusal.value.messages
    assert said.startswith("Sekcja XIV: wszczęcie procedury zaznacza się przez jedną osobę, a podano kilka: „Pedagoga")
    assert said.endswith("”, „Nauczyciela”. Wybierz jedną.")
    for message in cli_refusal.value.messages:  # the same refusal as the CLI's
        assert escape(message) in two.text, message
    assert len(re.findall(r'name="roles" value="\w+" id="f-roles-\d+" checked', two.text)) == 1  # one stays chosen
    assert store.get("nk_cases", by_web) == before

    start(somflow_cli, by_cli)  # one --rola pedagog_psycholog
    one = coordinator.post(f"/nk/{by_web}/krok", data={**step, "roles": ["pedagog_psycholog"]})
    assert one.status_code == 303, one.text
    cli_case, web_case = store.get("nk_cases", by_cli), store.get("nk_cases", by_web)
    kept = ("step", "date", "person", "details")
    assert {k: cli_case["steps"][-1][k] for k in kept} == {k: web_case["steps"][-1][k] for k in kept}
    assert cli_case["nka"]["wszczecie_przez"] == web_case["nka"]["wszczecie_przez"] == "pedagog_psycholog"

    coordinator.post("/lang", data={"csrf": coordinator.csrf, "lang": "en", "next": "/"})
    english = coordinator.get(f"/nk/{new_case(somflow_cli, tmp_path)}").text
    assert "<legend>The procedure was started by (section XIV)</legend>" in english
    assert re.search(r'value="nauczyciel" id="f-roles-\d+"> A teacher</label>', english)


#: The answers of /nk/nowa for the case of nk_data: the questions of ``somflow nk new`` (opening.py).
NEW_CASE = {
    "dziecko": "Zofia Żak",
    "dziecko_pesel": CHILD_PESEL,
    "wiek": "9",
    "sprawca": "Jan Żak",
    "relacja": "ojciec",
    "sprawcy_rodzice": "tak",
    "data_powziecia": "16.11.2026",
    "sposob_powziecia": "Rozmowa z uczennicą po lekcji.",
    "opis": "Uczennica ma siniaki na przedramionach.",
    "autor": PEDAGOG,
}


def test_the_coordinator_opens_an_nk_case_from_the_list_and_starts_the_procedure(somflow_web):
    coordinator = somflow_web("koordynator")
    store = coordinator.app.state.workspace.store
    assert 'href="/nk/nowa"' in coordinator.get("/nk").text
    form = coordinator.get("/nk/nowa").text
    for name in NEW_CASE:
        assert re.search(rf'<label for="f-{name}">[^<]+', form), name
    assert 'id="f-data_powziecia" name="data_powziecia" type="text" value="2026-12-10"' in form  # today by default

    wrong = {**NEW_CASE, "dziecko_pesel": "12345678901", "wiek": "dziewięć", "opis": "", "sprawcy_rodzice": ""}
    refused = coordinator.post("/nk/nowa", data={"csrf": coordinator.csrf, **wrong})
    assert refused.status_code == 400
    for name in ("dziecko_pesel", "wiek", "opis", "sprawcy_rodzice"):
        assert re.search(rf'id="f-{name}"[^>]*aria-invalid="true"', refused.text), name
        assert f'<p class="error" id="e-{name}-1">' in refused.text, name
    assert re.search(r'id="e-opis-1">Pole wymagane', refused.text)
    assert re.search(r'id="e-sprawcy_rodzice-1">Odpowiedz „tak” albo „nie”', refused.text)
    assert "Dane są niepoprawne, nic nie zapisano:" in refused.text and 'href="#f-wiek"' in refused.text
    assert 'value="Zofia Żak"' in refused.text  # nothing typed is lost
    contradicted = coordinator.post("/nk/nowa", data={"csrf": coordinator.csrf, **NEW_CASE, "wiek": "16"})
    assert contradicted.status_code == 400  # the case as a whole, checked as the CLI checks it
    assert "wiek niezgodny z numerem PESEL" in contradicted.text
    assert store.query("nk_cases") == [] and store.query("documents") == []

    opened = coordinator.post("/nk/nowa", data={"csrf": coordinator.csrf, **NEW_CASE})
    assert opened.status_code == 303
    (case,) = store.query("nk_cases")
    assert opened.headers["location"] == f"/nk/{case['id']}#main"
    assert case["notatka"]["data_powziecia"] == "2026-11-16" and case["notatka"]["autor"] == PEDAGOG
    assert case["nka"]["osoby_doznajace"][0] == {
        "imie_nazwisko": "Zofia Żak",
        "pesel": CHILD_PESEL,
        "wiek": 9,
        "maloletni": "tak",
    }
    assert case["sprawcy_rodzice"] is True and [s["step"] for s in case["steps"]] == ["notatka"]
    assert any(e["user"] == "web:test-koordynator" and e["collection"] == "nk_cases" for e in store.audit_log())
    shown = coordinator.get(f"/nk/{case['id']}").text
    assert "Założono sprawę NK" in shown and "NK-2026/1" in shown and "Notatka służbowa (zgłoszenie)" in shown
    assert f'href="/nk/{case["id"]}"' in coordinator.get("/nk").text

    start = {"csrf": coordinator.csrf, "krok": "wszczecie", "dnia": "17.11.2026", "osoba": PEDAGOG}
    start |= {"roles": "pedagog_psycholog", "present": MOTHER, "present_role": "osoba_najblizsza"}
    started = coordinator.post(f"/nk/{case['id']}/krok", data=start)
    assert started.status_code == 303, started.text
    assert [s["step"] for s in store.get("nk_cases", case["id"])["steps"]] == ["notatka", "wszczecie"]
    assert "Przekazanie formularza „Niebieska Karta – B”" in coordinator.get(f"/nk/{case['id']}").text  # next step


def test_only_the_coordinator_and_the_head_open_an_nk_case_and_only_with_the_csrf_token(somflow_web):
    for role in ("sekretariat", "kadry"):
        web = somflow_web(role)
        assert web.get("/nk/nowa").status_code == 403
        refused = web.post("/nk/nowa", data={"csrf": web.csrf, **NEW_CASE})
        assert refused.status_code == 403 and "Brak dostępu" in refused.text
        store = web.app.state.workspace.store
        denied = [e for e in store.audit_log() if e["action"] == "denied"]
        assert denied[-1]["user"] == f"web:test-{role}" and denied[-1]["id"] == "/nk/nowa"
        assert store.query("nk_cases") == []
    head = somflow_web("dyrektor")
    no_token = head.post("/nk/nowa", data=NEW_CASE)
    assert no_token.status_code == 403 and "Formularz wygasł" in no_token.text
    forged = head.post("/nk/nowa", data={**NEW_CASE, "csrf": "nie-ten-token"})
    assert forged.status_code == 403
    assert head.app.state.workspace.store.query("nk_cases") == []
    assert head.post("/nk/nowa", data={"csrf": head.csrf, **NEW_CASE}).status_code == 303  # the head may


def test_a_new_nk_case_in_english_by_the_switch(somflow_web):
    head = somflow_web("dyrektor")
    head.post("/lang", data={"csrf": head.csrf, "lang": "en", "next": "/nk/nowa"})
    form = head.get("/nk/nowa").text
    assert "<h1>New NK case</h1>" in form and ">Child&#39;s age <" in form and ">Open the case</button>" in form
    refused = head.post("/nk/nowa", data={"csrf": head.csrf, **NEW_CASE, "wiek": "", "sprawcy_rodzice": "może"})
    assert refused.status_code == 400 and "The data is invalid, nothing was written:" in refused.text
    assert 'id="e-wiek-1">Required field' in refused.text and "Answer “yes” or “no”" in refused.text
    assert '<option value="tak">yes</option>' in refused.text  # the values stay the CLI's words
    opened = head.post("/nk/nowa", data={"csrf": head.csrf, **NEW_CASE})
    assert opened.status_code == 303
    shown = head.get(opened.headers["location"]).text
    assert "Blue Card case" in shown and "opened (number NK-2026/1)" in shown and "<h1>Case NK-2026/1</h1>" in shown


# ------------------------------------------------------------------ forms from the catalogue


def test_any_form_from_its_spec_with_the_messages_beside_each_field(somflow_web):
    office = somflow_web("sekretariat")
    catalogue = office.get("/formularze").text
    assert "/formularze/notatka-sluzbowa" in catalogue
    assert "/formularze/niebieska-karta-a" not in catalogue  # NK forms: coordinator and head only
    assert office.get("/formularze/niebieska-karta-a").status_code == 404
    form = office.get("/formularze/notatka-sluzbowa").text
    for name in ("data_powziecia", "opis", "dziecko_pesel"):
        assert re.search(rf'<label for="f-{name}">[^<]+', form), name
    refused = office.post(
        "/formularze/notatka-sluzbowa", data={"csrf": office.csrf, "dziecko_pesel": "12345678901", "opis": "x"}
    )
    assert refused.status_code == 400
    beside = re.search(
        r'id="f-dziecko_pesel"[^>]*>\s*(?:<small[^>]*>[^<]*</small>\s*)?<p class="error" id="e-dziecko_pesel-1">([^<]+)',
        refused.text,
    )
    assert beside and "PESEL" in beside.group(1), refused.text[-4000:]
    assert 'value="x"' in refused.text or ">x</textarea>" in refused.text  # what was typed stays
    assert office.app.state.workspace.store.query("documents") == []


def test_a_valid_form_downloads_its_pdf(somflow_web):
    from somflow.forms.catalog import get
    from somflow.forms.sample import sample_data

    office = somflow_web("sekretariat")
    workspace = office.app.state.workspace
    spec = get(workspace, "notatka-sluzbowa")
    answers = {k: str(v) for k, v in sample_data(spec).items() if not isinstance(v, (list, dict, bool))}
    made = office.post("/formularze/notatka-sluzbowa", data={"csrf": office.csrf, **answers})
    assert pdf_pages(made) >= 1 and filename(made) == "notatka-sluzbowa-2026-12-10.pdf"
    (doc,) = workspace.store.query("documents")
    assert doc["created_by"] == "web:test-sekretariat"


# ------------------------------------------------------------------ people, vetting


def test_people_list_person_and_import_preview_before_apply(somflow_web, tmp_path):
    office = somflow_web("sekretariat")
    store = office.app.state.workspace.store
    upload = {"plik": ("3b.csv", CLASS.encode(), "text/csv")}
    preview = office.post("/osoby/import", data={"csrf": office.csrf}, files=upload)
    assert (
        preview.status_code == 200 and "Nowe osoby: 2" in preview.text and "Nic jeszcze nie zapisano." in preview.text
    )
    assert store.query("people") == []
    token = re.search(r'name="token" value="([^"]+)"', preview.text).group(1)
    applied = office.post("/osoby/import/zastosuj", data={"csrf": office.csrf, "token": token})
    assert applied.status_code == 200 and len(store.query("people")) == 2
    again = office.post("/osoby/import/zastosuj", data={"csrf": office.csrf, "token": token})
    assert again.status_code == 400 and "Podgląd wygasł" in again.text
    assert not list((office.app.state.workspace.root / "web-uploads").glob("*.csv"))
    listed = office.get("/osoby?klasa=3b").text
    assert "Ada Strona" in listed
    ada = ids(office, "/osoby", "Ada")
    person = office.get(f"/osoby/{ada}").text
    assert "/zgody/dziecko/" in person and "/kadry/" not in person
    assert somflow_web("kadry").post("/osoby/import", data={"csrf": "x"}).status_code == 403


def test_vetting_checklist_for_hr_only(somflow_web, somflow_cli):
    from vetting_fixtures import add_person, make_pesel

    add_person(
        somflow_cli,
        "--imie",
        "Jan",
        "--nazwisko",
        "Nowak",
        "--umowa",
        "umowa o pracę",
        "--pesel",
        make_pesel(date(1980, 1, 2)),
    )
    assert somflow_web("sekretariat").get("/kadry").status_code == 403
    hr = somflow_web("kadry")
    staff = hr.get("/kadry").text
    assert "Jan Nowak" in staff and "niekompletny" in staff
    person_id = ids(hr, "/kadry", "Jan")
    checklist = hr.get(f"/kadry/{person_id}").text
    assert f'href="/kadry/{person_id}"' in hr.get(f"/osoby/{person_id}").text  # from the register's person page
    assert (
        "Czego brakuje" in checklist
        and "— brak" not in checklist
        and ">brak<" in checklist.replace("<td>brak", ">brak<")
    )


# ------------------------------------------------------------------ standards, calendar, print centre


def test_standards_progress_report_and_acknowledgment_print(somflow_web, somflow_cli):
    assert somflow_cli("standards", "people", "add", "Ola Rodzic", "--group", "rodzice", "--klasa", "3b").exit_code == 0
    office = somflow_web("sekretariat")
    progress = office.get("/standardy").text
    assert re.search(r"Rodzice</th><td>0</td><td>1</td>", progress) and "Ola Rodzic" in progress
    assert "/standardy/raport" not in progress  # the report is the coordinator's and the head's
    assert office.post("/standardy/raport", data={"csrf": office.csrf}).status_code == 403
    printed = office.post("/druk/standardy", data={"csrf": office.csrf, "grupa": "rodzice", "klasa": "3b"})
    assert pdf_pages(printed) == 1 and filename(printed) == "oswiadczenia-standardy-rodzice-klasa-3b-2026-12-10.pdf"
    head = somflow_web("dyrektor")
    wrong = head.post("/standardy/raport", data={"csrf": head.csrf, "rok": "2027"})
    assert wrong.status_code == 400 and "co dwa lata" in wrong.text
    report = head.post("/standardy/raport", data={"csrf": head.csrf, "wnioski": "Wnioski."})
    assert pdf_pages(report) >= 1 and filename(report).startswith("raport-standardy-")


def test_calendar_download_hides_what_the_role_may_not_see(somflow_web, somflow_cli, tmp_path):
    start(somflow_cli, new_case(somflow_cli, tmp_path))  # NK-A due: a deadline about the case
    office, head = somflow_web("sekretariat"), somflow_web("dyrektor")
    assert 'href="/kalendarz.ics"' in office.get("/kalendarz").text
    mine, theirs = office.get("/kalendarz.ics"), head.get("/kalendarz.ics")
    assert mine.headers["content-type"].startswith("text/calendar") and mine.content.startswith(b"BEGIN:VCALENDAR")
    assert filename(mine).startswith("terminy-") and filename(mine).endswith("-2026-12-10.ics")
    assert theirs.content.count(b"BEGIN:VEVENT") > mine.content.count(b"BEGIN:VEVENT")


def test_print_centre_lists_the_print_pages_of_the_role(somflow_web):
    office, hr = somflow_web("sekretariat").get("/druk").text, somflow_web("kadry").get("/druk").text
    assert "/druk/zgody" in office and "/druk/standardy" in office and "/druk/kadry" not in office
    assert "/druk/kadry" in hr


def test_pages_in_english_by_the_switch(somflow_web, kids):
    office = somflow_web("sekretariat")
    office.post("/lang", data={"csrf": office.csrf, "lang": "en", "next": "/zgody"})
    page = office.get("/zgody?klasa=3b&kanal=strona_www").text
    assert "<h1>Image consents</h1>" in page and ">Class<" in page and "NO — no consent returned" in page


def _unlabelled(html: str) -> list[str]:
    """Inputs of a page without a label: neither ``<label for=its id>`` nor inside a ``<label>``."""
    from html.parser import HTMLParser

    class Inputs(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.labels_for: set[str] = set()
            self.open_labels = 0
            self.found: list[tuple[str, bool]] = []

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "label":
                self.open_labels += 1
                if attrs.get("for"):
                    self.labels_for.add(attrs["for"])
            elif tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden", "submit"):
                self.found.append((attrs.get("id") or attrs.get("name") or tag, self.open_labels > 0))

        def handle_endtag(self, tag):
            if tag == "label":
                self.open_labels -= 1

    parser = Inputs()
    parser.feed(html)
    return [name for name, inside in parser.found if not inside and name not in parser.labels_for]


def test_every_field_of_every_page_has_a_label_and_every_catalogue_form_opens(somflow_web, somflow_cli, kids, tmp_path):
    from somflow.forms.catalog import registry

    case_id = new_case(somflow_cli, tmp_path)
    head = somflow_web("dyrektor")
    ada = ids(head, "/zgody?klasa=3b", "Ada")
    forms = [f"/formularze/{form_id}" for form_id in registry(head.app.state.workspace)]
    paths = ["/zgody", f"/zgody/dziecko/{ada}", "/druk/zgody", "/nk", "/nk/nowa", f"/nk/{case_id}", "/osoby"]
    incident_cli.new_case(somflow_cli, tmp_path)
    incident = re.search(r'href="/interwencje/([0-9A-Z]{26})"', head.get("/interwencje").text).group(1)
    paths += ["/osoby/import", "/interwencje", "/interwencje/nowa", f"/interwencje/{incident}"]
    paths += ["/kadry", "/druk/kadry", "/standardy", "/druk/standardy", "/formularze", "/druk", "/kalendarz", *forms]
    for path in paths:
        response = head.get(path)
        assert response.status_code == 200, (path, response.text[-2000:])
        assert _unlabelled(response.text) == [], path
    assert len(forms) >= 10


def test_a_repeating_group_row_gets_its_messages_beside_its_fields(somflow_web):
    coordinator = somflow_web("koordynator")
    form = coordinator.get("/formularze/niebieska-karta-a").text
    assert "<legend>Osoba 1 doznająca przemocy domowej</legend>" in form and 'id="f-osoby_doznajace-3-pesel"' in form
    refused = coordinator.post(
        "/formularze/niebieska-karta-a",
        data={"csrf": coordinator.csrf, "osoby_doznajace-2-imie_nazwisko": "Ola Nowak", "osoby_doznajace-2-pesel": "1"},
    )
    assert refused.status_code == 400
    beside = re.search(r'<p class="error" id="e-osoby_doznajace-2-pesel-1">([^<]+)</p>', refused.text)
    assert beside and "osoba doznająca przemocy domowej 2" in beside.group(1), refused.text[-3000:]
    assert 'id="e-osoby_doznajace-2-maloletni-1"' in refused.text  # a required field of the row typed in
    assert 'id="e-osoby_doznajace-3-' not in refused.text  # a row nobody typed in is not there


def test_hr_list_import_previewed_then_applied_by_hr(somflow_web):
    from somflow_vetting.csv_import import template

    assert somflow_web("sekretariat").get("/kadry/import").status_code == 403
    hr = somflow_web("kadry")
    assert 'href="/kadry/import"' in hr.get("/kadry").text
    upload = {"plik": ("kadry.csv", template().encode("utf-8"), "text/csv")}
    preview = hr.post("/kadry/import", data={"csrf": hr.csrf}, files=upload)
    assert preview.status_code == 200 and "Nowe osoby: 1" in preview.text and "Przykładowa" not in preview.text
    store = hr.app.state.workspace.store
    assert store.query("people") == []
    token = re.search(r'name="token" value="([^"]+)"', preview.text).group(1)
    applied = hr.post("/kadry/import/zastosuj", data={"csrf": hr.csrf, "token": token})
    assert applied.status_code == 200 and "Zapisano zmiany" in applied.text
    assert "Anna Przykładowa" in hr.get("/kadry").text
    assert "web:test-kadry" in audited(hr)
    empty = hr.post("/kadry/import", data={"csrf": hr.csrf})
    assert empty.status_code == 400 and "Wybierz plik CSV z listą." in empty.text
