"""One ``test_hook_<name>`` per hook in somflow/hookspecs.py, each seen through the core that calls it.

``tests/test_docs_plugins.py`` fails when a hook has no test here (datasette's pattern).
Test-only plugins are small classes registered into the workspace's plugin manager.
"""

from __future__ import annotations

import io
from datetime import date

import pytest
from conftest import REPO
from reportlab.pdfgen import canvas
from starlette.testclient import TestClient

from somflow import forms, hookimpl
from somflow.contacts import addressee, contacts
from somflow.errors import ConfigError
from somflow.inbox.model import Claim
from somflow.inbox.pipeline import run_pipeline
from somflow.testing import WEB_PASSWORD, csrf_token, sign_in
from somflow.web import accounts
from somflow.web.app import create_app
from somflow.web.pages import Page, Panel

PROBA = REPO / "tests" / "forms" / "proba.yaml"


def plain_pdf(text: str) -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, text)
    page.save()
    return buffer.getvalue()


class FormPlugin:
    @hookimpl
    def somflow_register_forms(self, register):
        register(forms.load_spec(PROBA))


def test_hook_register_forms(somflow_ws):
    somflow_ws.plugins.pm.register(FormPlugin(), name="formularze")
    specs = []
    somflow_ws.hook.somflow_register_forms(register=specs.append)
    assert "formularz-proba" in [s.id for s in specs]
    from somflow.forms import catalog

    assert catalog.registry(somflow_ws)["formularz-proba"].plugin == "formularze"


def test_hook_validate(somflow_ws):
    class Rule:
        @hookimpl
        def somflow_validate(self, form, data, workspace):
            return (
                ["Sekcja I, pole „Wiek”: za młody."]
                if form.id == "formularz-proba" and data.get("wiek", 99) < 5
                else []
            )

    somflow_ws.plugins.pm.register(FormPlugin(), name="formularze")
    somflow_ws.plugins.pm.register(Rule(), name="regula")
    answers = somflow_ws.hook.somflow_validate(form=forms.load_spec(PROBA), data={"wiek": 3}, workspace=somflow_ws)
    assert ["Sekcja I, pole „Wiek”: za młody."] in answers
    spec = forms.get(somflow_ws, "formularz-proba")
    assert "Sekcja I, pole „Wiek”: za młody." in forms.validate(
        somflow_ws, spec, {"imie": "Ala", "nazwisko": "Ćwik", "wiek": 3}
    )


class Claimer:
    def __init__(self, word: str, record_id: str):
        self.word, self.record_id = word, record_id

    @hookimpl
    def somflow_claim_inbox_file(self, scan, workspace):
        if self.word in scan.text:
            return Claim(record={"collection": "staff", "id": self.record_id}, title=f"Wydruk ({self.word})")
        return None


def test_hook_claim_inbox_file(somflow_ws):
    somflow_ws.plugins.pm.register(Claimer("Rejestr", "PIERWSZY"), name="pierwszy")
    somflow_ws.plugins.pm.register(Claimer("Sprawcow", "DRUGI"), name="drugi")  # registered later: asked first
    inbox = somflow_ws.path("inbox")
    (inbox / "wydruk.pdf").write_bytes(plain_pdf("Rejestr Sprawcow - wynik"))
    (inbox / "inny.pdf").write_bytes(plain_pdf("Rejestr - wynik"))
    (inbox / "obcy.pdf").write_bytes(plain_pdf("Cos zupelnie innego"))
    assert run_pipeline(somflow_ws, inbox / "wydruk.pdf").status == "filed"
    assert run_pipeline(somflow_ws, inbox / "inny.pdf").status == "filed"
    assert run_pipeline(somflow_ws, inbox / "obcy.pdf").status == "rejected"  # nobody claimed it
    records = sorted(d["record"]["id"] for d in somflow_ws.store.query("documents"))
    assert records == ["DRUGI", "PIERWSZY"]  # the first answer wins


def test_hook_document_filed(somflow_ws):
    seen = []

    class Reaction:
        @hookimpl
        def somflow_document_filed(self, document, workspace):
            seen.append(document["status"])
            workspace.store.insert("reakcje", {"document": document["id"]})

    somflow_ws.plugins.pm.register(Claimer("Rejestr", "OSOBA"), name="claimer")
    somflow_ws.plugins.pm.register(Reaction(), name="reakcja")
    (somflow_ws.path("inbox") / "wydruk.pdf").write_bytes(plain_pdf("Rejestr - wynik"))
    assert run_pipeline(somflow_ws, somflow_ws.path("inbox") / "wydruk.pdf").status == "filed"
    (document,) = somflow_ws.store.query("documents")
    assert seen == ["zwrócony"]
    assert somflow_ws.store.query("reakcje")[0]["document"] == document["id"]


def test_hook_deadlines(somflow_ws):
    from somflow.deadlines import Deadline, collect

    class Terms:
        @hookimpl
        def somflow_deadlines(self, workspace, today):
            return [Deadline(key="terminy:ankieta", title="Ankieta monitorująca", due=date(today.year, 12, 15))]

    somflow_ws.plugins.pm.register(Terms(), name="terminy")
    found = [d for d in collect(somflow_ws, date(2026, 11, 23)) if d.key == "terminy:ankieta"]
    assert [(d.due, d.plugin) for d in found] == [(date(2026, 12, 15), "terminy")]


def test_hook_register_entry_kinds(somflow_ws):
    from somflow import corrections

    store = somflow_ws.store
    note = store.insert("notatki", {"tekst": "pierwsza"})

    def locate(workspace, ref):
        found = workspace.store.get("notatki", ref)
        return (
            [corrections.Entry("notatka", ref, "notatki", found, None, "notatka", found, notify_head=True)]
            if found
            else []
        )

    kind = corrections.EntryKind("notatka", "notatka", "id", locate, lambda w, e, mark: {"withdrawn": mark})

    class Kinds:
        @hookimpl
        def somflow_register_entry_kinds(self, register):
            register(kind)

    somflow_ws.plugins.pm.register(Kinds(), name="notatki")
    somflow_ws.plugins.pm.register(Kinds(), name="znowu")  # the same name again: refused, named
    assert corrections.kinds(somflow_ws)["notatka"].plugin == "notatki"  # the first one stays
    outcome = corrections.withdraw(somflow_ws, note["id"], "zapisana przez pomyłkę", "Ala")
    assert store.get("notatki", note["id"])["withdrawn"]["by"] == "Ala"
    assert outcome.notice is not None and store.query("notices")[0]["about"] == {"kind": "notatka", "ref": note["id"]}


def test_hook_record_types(somflow_ws):
    from somflow.retention.due import past_retention
    from somflow.retention.policy import RecordType, record_types

    def closed(workspace, record):
        return date.fromisoformat(record["closed"]) if record.get("closed") else None

    kind = RecordType("sprawy", "sprawy", "Sprawa", "zamknięcie sprawy", 5, closed)

    class Cases:
        @hookimpl
        def somflow_record_types(self, register):
            register(kind)

    somflow_ws.plugins.pm.register(Cases(), name="sprawy")
    somflow_ws.plugins.pm.register(Cases(), name="znowu")  # the same name again: refused, named
    assert record_types(somflow_ws)["sprawy"].plugin == "sprawy"
    store = somflow_ws.store
    old = store.insert("sprawy", {"closed": "2020-01-31", "short_ref": "S-2019/1"})
    store.insert("sprawy", {"closed": "2022-01-31"})
    store.insert("sprawy", {"closed": None})  # open: the clock does not run
    due = past_retention(somflow_ws, date(2026, 6, 1))
    assert [(d.id, d.ref, d.kept_until) for d in due] == [(old["id"], "S-2019/1", date(2025, 1, 31))]


def test_hook_register_commands(somflow_workspace, somflow_cli):
    (somflow_workspace / "plugins").mkdir()
    (somflow_workspace / "plugins" / "polecenie.py").write_text(
        "import click, somflow\n\n@somflow.hookimpl\ndef somflow_register_commands(register):\n"
        "    register(click.Command('zazolc', callback=lambda: click.echo('gęślą jaźń')))\n",
        encoding="utf-8",
    )
    result = somflow_cli("zazolc")
    assert result.exit_code == 0 and result.stdout == "gęślą jaźń\n"
    assert "zazolc" in somflow_cli("--help").stdout


def test_hook_config_schema(somflow_workspace, somflow_cli):
    plugin = somflow_workspace / "plugins" / "dyzury.py"
    plugin.parent.mkdir()
    declare = "import somflow\n\n@somflow.hookimpl\ndef somflow_config_schema(register):\n    register({!r}, {!r})\n"
    plugin.write_text(
        declare.format("dyzury", {"type": "dict", "schema": {"godzina": {"type": "integer", "min": 7, "max": 18}}}),
        encoding="utf-8",
    )
    with (somflow_workspace / "somflow.toml").open("a", encoding="utf-8") as f:
        f.write("\n[dyzury]\ngodzina = 22\n")
    lines = (somflow_workspace / "somflow.toml").read_text(encoding="utf-8").splitlines()
    with pytest.raises(
        ConfigError, match=f"wiersz {lines.index('godzina = 22') + 1}, klucz dyzury.godzina: wartość większa niż 18"
    ):
        somflow_cli("status")
    # A key the plugin's section does not have is told with the keys it has.
    (somflow_workspace / "somflow.toml").write_text(
        "\n".join(lines).replace("godzina = 22", "godz = 8"), encoding="utf-8"
    )
    with pytest.raises(ConfigError, match=r"klucz dyzury.godz: nieznany klucz \(dozwolone: godzina\)"):
        somflow_cli("status")
    # A section the core owns cannot be taken over.
    plugin.write_text(declare.format("smtp", {"type": "list"}), encoding="utf-8")
    listing = somflow_cli("plugins").output
    assert "sekcja [smtp] pliku somflow.toml już ma właściciela" in listing


def test_hook_status(somflow_workspace, somflow_cli):
    (somflow_workspace / "plugins").mkdir()
    (somflow_workspace / "plugins" / "stan.py").write_text(
        "import somflow\n\n@somflow.hookimpl\ndef somflow_status(workspace):\n    return [('Zgody', '3')]\n",
        encoding="utf-8",
    )
    lines = somflow_cli("status").stdout.splitlines()
    assert lines[0].startswith("Jednostka: ") and "Zgody: 3" in lines  # the core first


def test_hook_contacts(somflow_ws):
    with (somflow_ws.root / "somflow.toml").open("a", encoding="utf-8") as f:
        f.write('\n[[contacts]]\nname = "Z pliku"\nphone = "1"\n')

    class Local:
        @hookimpl
        def somflow_contacts(self, workspace):
            return [{"name": "Z wtyczki", "phone": "2", "hours": "całodobowo"}]

    from somflow.workspace import Workspace

    workspace = Workspace(somflow_ws.root, somflow_ws.plugins)  # re-read somflow.toml
    workspace.plugins.pm.register(Local(), name="lokalna")
    found = contacts(workspace)
    assert [c["name"] for c in found] == ["Z pliku", "Z wtyczki"]
    assert found[1]["hours"] == "całodobowo" and found[1]["offer"] == ""


def test_hook_addressee(somflow_ws):
    class Court:
        @hookimpl
        def somflow_addressee(self, workspace, role):
            return {"name": "Sąd Rejonowy", "address": "ul. Sądowa 1"} if role == "sad_rodzinny" else None

    assert addressee(somflow_ws, "sad_rodzinny") is None
    somflow_ws.plugins.pm.register(Court(), name="sad")
    assert addressee(somflow_ws, "sad_rodzinny")["name"] == "Sąd Rejonowy"
    assert (
        addressee(somflow_ws, "zespol_interdyscyplinarny")["name"] == "Zespół Interdyscyplinarny w Gdyni"
    )  # from somflow.toml


def test_hook_unit_summary(somflow_ws):
    class Counts:
        @hookimpl
        def somflow_unit_summary(self, workspace):
            return [("Zgody", workspace.store.count("zgody"))]

    somflow_ws.store.insert("zgody", {"okres": "2026"})
    somflow_ws.plugins.pm.register(Counts(), name="liczby")
    rows = [row for result in somflow_ws.hook.somflow_unit_summary(workspace=somflow_ws) for row in result or []]
    assert ("Zgody", 1) in rows


def test_a_forms_folder_is_registered_by_one_call(tmp_path):
    folder = tmp_path / "forms"
    folder.mkdir()
    (folder / "formularz-proba.yaml").write_bytes(PROBA.read_bytes())
    (folder / "formularz-proba.example.yaml").write_text("imie: Ala\n", encoding="utf-8")
    specs = []
    forms.register_folder(specs.append, folder)
    assert [s.id for s in specs] == ["formularz-proba"]  # the example data file is no spec


class GminaPages:
    """A municipality's plugin with one page, one action and one dashboard panel."""

    @hookimpl
    def somflow_web_pages(self, register):
        register(Page("/gmina", "Gmina", frozenset({"dyrektor"}), self.show, nav=True))
        register(Page("/gmina/zapisz", "Gmina", frozenset({"dyrektor"}), self.save, methods=("POST",)))

    @hookimpl
    def somflow_web_panels(self, register):
        register(Panel("gmina", "Z gminy", frozenset({"dyrektor"}), lambda request: "<p>3 szkolenia</p>"))

    @staticmethod
    def show(request):
        return "<b>escaped</b>"

    @staticmethod
    def save(request):
        store = request.state.workspace.store
        store.insert("gmina_notes", {"text": request.state.form["text"]})
        return "ok"


def test_hook_web_pages(somflow_web):
    workspace = somflow_web("dyrektor").app.state.workspace
    workspace.plugins.pm.register(GminaPages(), name="gmina")
    client = TestClient(create_app(workspace), follow_redirects=False)
    sign_in(client, "test-dyrektor")
    page = client.get("/gmina")
    assert page.status_code == 200 and "&lt;b&gt;escaped&lt;/b&gt;" in page.text
    assert '<a href="/gmina" aria-current="page">Gmina</a>' in page.text
    saved = client.post("/gmina/zapisz", data={"csrf": csrf_token(page.text), "text": "notatka"})
    assert saved.status_code == 200
    assert workspace.store.audit_log()[-1] | {"ts": None} == {
        "ts": None,
        "user": "web:test-dyrektor",
        "unit": workspace.unit,
        "action": "insert",
        "collection": "gmina_notes",
        "id": workspace.store.query("gmina_notes")[0]["id"],
    }
    secretary = TestClient(client.app, follow_redirects=False)
    accounts.add(workspace, "ola", "sekretariat", WEB_PASSWORD)
    sign_in(secretary, "ola")
    assert secretary.get("/gmina").status_code == 403
    assert "/gmina" not in secretary.get("/").text  # no menu entry for a page the role may not open


def test_hook_web_panels(somflow_web):
    workspace = somflow_web("dyrektor").app.state.workspace
    workspace.plugins.pm.register(GminaPages(), name="gmina")
    app = create_app(workspace)
    head = TestClient(app, follow_redirects=False)
    sign_in(head, "test-dyrektor")
    assert "<h2>Z gminy</h2><p>3 szkolenia</p>" in head.get("/").text
    secretary = TestClient(app, follow_redirects=False)
    accounts.add(workspace, "ola", "sekretariat", WEB_PASSWORD)
    sign_in(secretary, "ola")
    assert "Z gminy" not in secretary.get("/").text
