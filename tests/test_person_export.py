"""Subject access: ``somflow person export REF`` writes one owner-only ZIP with a PDF summary and the files."""

from __future__ import annotations

import stat
import zipfile
from datetime import date
from pathlib import Path

import pypdf
from forms_fixtures import pdftotext, render

from somflow.people import register


def child(store, first: str, last: str, guardian: str) -> dict:
    person = register.new_person("child", first, last, group="3b", guardians=[{"name": guardian, "email": "r@x.pl"}])
    return register.add(store, person)


def pdf_text(content: bytes, tmp: Path) -> str:
    """The page text (poppler) and the form field values (pypdf) of a PDF."""
    path = tmp / "doc.pdf"
    path.write_bytes(content)
    fields = pypdf.PdfReader(path).get_fields() or {}
    return pdftotext(path) + "\n".join(str(f.get("/V") or "") for f in fields.values())


def test_the_export_holds_the_persons_data_and_files_and_nobody_elses(somflow_ws, somflow_cli, tmp_path):
    from somflow_image_consent.printing import print_forms

    store, root = somflow_ws.store, somflow_ws.root
    zofia = child(store, "Zofia", "Gęślarz", "Anna Gęślarz")
    jan = child(store, "Jan", "Ździebło", "Piotr Ździebło")
    printed = print_forms(somflow_ws, [zofia, jan], out=None, today=date(2026, 9, 2))
    own, _other = printed.documents
    scan = f"archive/{own['id']}-0123456789ab.pdf"
    (root / scan).write_bytes((root / own["file"]).read_bytes())
    store.update("documents", own["id"], {"returned": {"scan": scan}})
    store.insert("image_consents", {"child_id": zofia["id"], "decision": "wyrazam", "valid_to": "2027-08-31"})
    store.insert("image_consents", {"child_id": jan["id"], "decision": "wyrazam", "valid_to": "2027-08-31"})
    # The class's acknowledgment sheet names both children: listed in the summary, not attached.
    from somflow_standards.printing import print_batch

    (sheet,), _count = print_batch(somflow_ws, "dzieci")
    assert {row["imie_nazwisko"] for row in sheet["data"]["dzieci"]} == {"Zofia Gęślarz", "Jan Ździebło"}
    # A Blue Card case about Zofia: its history is hers; the note naming the suspect is withheld.
    note = store.insert(
        "documents", {"title": "Notatka służbowa", "data": {"sprawca": {"imie_nazwisko": "Marek Sprawca"}}}
    )
    store.insert(
        "nk_cases",
        {
            "status": "otwarta",
            "short_ref": "NK-2026/1",
            "nka": {"osoby_doznajace": [{"imie_nazwisko": "Zofia Gęślarz"}]},
            "steps": [{"step": "notatka", "date": "2026-05-04", "person": "Ewa Pedagożka"}],
            "documents": [{"id": note["id"], "form": "notatka-sluzbowa", "date": "2026-05-04"}],
        },
    )

    store.insert(
        "incidents",
        {
            "typ": "rowiesnik",
            "status": "otwarta",
            "short_ref": "INT-2026/1",
            "notatka": {"dziecko_imie_nazwisko": "Zofia Gęślarz"},
            "sprawca": {"imie_nazwisko": "Marek Sprawca", "relacja": "uczeń 3b"},
            "steps": [],
        },
    )
    out = tmp_path / "eksport" / "zofia.zip"
    result = somflow_cli("osoba", "eksport", str(zofia["nr"]), "--plik", str(out))
    assert result.exit_code == 0, result.output
    assert "dokumenty: 1, skany: 1" in result.output
    assert "Dokumenty z danymi innych osób nie zostały dołączone (wymienia je podsumowanie): 2." in result.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600

    with zipfile.ZipFile(out) as archive:
        names = sorted(archive.namelist())
        assert names == ["dokumenty/" + own["id"] + ".pdf", "podsumowanie.pdf", "skany/" + own["id"] + ".pdf"]
        texts = {name: pdf_text(archive.read(name), tmp_path) for name in names}
        (tmp_path / "podsumowanie.pdf").write_bytes(archive.read("podsumowanie.pdf"))
    summary = " ".join(texts["podsumowanie.pdf"].split())
    for expected in (
        "Dane osobowe przechowywane przez placówkę",
        "Imię i nazwisko: Zofia Gęślarz",
        "Klasa / grupa: 3b",
        "Przechowywane: okres liczy się od: odejście z placówki",
        "Rodzic/opiekun: Anna Gęślarz",
        "Zgoda na wizerunek (z formularzem i skanem)",
        sheet["title"],
        f"nr {sheet['id'][:10]}",
        "art. 15 ust. 4 RODO",
        "Sprawa „Niebieska Karta” (z notatką, NK-A, planem wsparcia) — NK-2026/1",
        "Notatka służbowa (zgłoszenie): 2026-05-04",
        "Przechowywane: okres liczy się od: zamknięcie sprawy",
        f"nr {note['id'][:10]}",
        "Sprawa interwencyjna (notatka, protokoły, plan wsparcia, pisma) — INT-2026/1",
    ):
        assert expected in summary, expected
    assert "Zofia Gęślarz" in texts["dokumenty/" + own["id"] + ".pdf"]
    for name, text in texts.items():
        for other_person in ("Ździebło", "Sprawca", "Pedagożka"):
            assert other_person not in text, (name, other_person)
    assert render(tmp_path / "podsumowanie.pdf", dpi=40).getbbox() is not None  # poppler renders it


def test_the_english_alias_and_a_person_not_found(somflow_ws, somflow_cli):
    zofia = child(somflow_ws.store, "Zofia", "Gęślarz", "Anna Gęślarz")
    result = somflow_cli("person", "export", "Gęślarz Zofia")
    assert result.exit_code == 0, result.output
    written = somflow_ws.root / "exports" / f"osoba-{zofia['nr']}-{date.today().isoformat()}.zip"
    assert written.is_file() and "Gęślarz" not in written.name
    assert "Nie znaleziono jednoznacznie osoby" in somflow_cli("people", "export", "99").output
