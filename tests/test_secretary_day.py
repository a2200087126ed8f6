"""A school secretary's real weeks with somflow, driven only through the ``somflow`` command.

One workspace from ``somflow init --demo``; ``SOMFLOW_TODAY`` moves the clock. Printed PDFs
go through pdftoppm at 150 dpi, a slight rotation and JPEG compression, and come back into
``inbox/`` as a phone JPEG or an image-only PDF, as a secretary's scanner would return them.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import tempfile
from pathlib import Path

import pytest
import yaml
from conftest import run_somflow
from inbox_fixtures import _font
from nk_data import payload, pesel
from PIL import Image

from somflow.testing import smtp_sink

pytestmark = pytest.mark.slow

STAFF_HEADER = "imie;nazwisko;pesel;data_urodzenia;nazwisko_rodowe;imie_ojca;imie_matki;umowa;rola;start;obywatelstwa;kraje_zamieszkania;zwolnienie;powod_zwolnienia"
STAFF = [
    # a Polish citizen, a German citizen who lived in the UK, a newcomer starting in 3 days
    f"Anna;Kowalczyk;{pesel(1990, 5, 17, '1234')};;Kowalczyk;Jan;Maria;umowa-o-prace;nauczycielka;2027-01-04;PL;;;",
    f"Klaus;Müller;{pesel(1985, 6, 2, '5678')};;Müller;Hans;Greta;zlecenie;trener;2027-01-04;DE;Wielka Brytania;;",
    f"Łucja;Źdźbło;{pesel(1992, 3, 4, '2468')};;Źdźbło;Piotr;Ewa;umowa-o-prace;pedagog;26.11.2026;PL;;;",
]
CLASS_LIST = (
    "Imię;Nazwisko;Klasa;Data urodzenia;Rodzic 1;E-mail rodzica 1\r\n"
    "Zofia;Żak;3b;15.03.2017;Łucja Żak;lucja.zak@example.pl\r\n"
    "Jan;Łęcki;3b;02.05.2017;Ewa Łęcka;ewa@example.pl\r\n"
    "Ściborka;Gąsiorowska;3b;20.01.2017;Paweł Gąsiorowski;pg@example.pl\r\n"
    "Mikołaj;Źrebiec;3b;08.08.2017;Marta Źrebiec;mz@example.pl\r\n"
    "Hanna;Ćwik;3b;30.11.2017;Józef Ćwik;jc@example.pl\r\n"
)


class Secretary:
    """Runs ``somflow`` in the workspace on a given day and insists it succeeds."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.today = "2026-11-23"

    def run(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
        result = run_somflow(
            *args,
            cwd=self.root,
            env={"SOMFLOW_TODAY": self.today, "SOMFLOW_LANG": "pl", "SOMFLOW_WORKSPACE": str(self.root)},
        )
        if ok:
            assert result.returncode == 0, (
                f"somflow {' '.join(args)} → {result.returncode}\n{result.stdout}\n{result.stderr}"
            )
        return result

    def printed(self, output: str) -> list[Path]:
        """The documents a print command listed (``ID  documents/ID.pdf  title``)."""
        return [self.root / m for m in re.findall(r"documents/[0-9A-Z]{26}\.pdf", output)]


def scan(pdfs: list[Path]) -> list[Image.Image]:
    """Print then scan: pdftoppm at 150 dpi, rotated 1.5°, JPEG quality 60."""
    pages = []
    with tempfile.TemporaryDirectory() as tmp:
        for n, pdf in enumerate(pdfs):
            subprocess.run(["pdftoppm", "-r", "150", "-gray", "-png", str(pdf), f"{tmp}/d{n:02d}"], check=True)
        for path in sorted(Path(tmp).glob("d*.png")):
            with Image.open(path) as image:
                rotated = image.convert("L").rotate(1.5, expand=True, fillcolor=255)
            buffer = io.BytesIO()
            rotated.save(buffer, "JPEG", quality=60)
            buffer.seek(0)
            with Image.open(buffer) as jpeg:
                jpeg.load()
                pages.append(jpeg.copy())
    return pages


def save_image_pdf(pages: list[Image.Image], target: Path) -> None:
    """An image-only PDF as a scanner writes it (one JPEG per page, 150 dpi)."""
    pages[0].save(target, "PDF", resolution=150, save_all=True, append_images=pages[1:], quality=60)


def browser_printout(target: Path, lines: list[str]) -> None:
    """A page saved as PDF from rps.ms.gov.pl: text, no somflow code."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(target), pagesize=A4)
    pdf.setFont(_font(), 11)
    for i, line in enumerate(lines):
        pdf.drawString(2 * cm, A4[1] - 3 * cm - i * 0.7 * cm, line)
    pdf.showPage()
    pdf.save()


def save_jpeg(page: Image.Image, target: Path) -> None:
    page.save(target, "JPEG", quality=60, dpi=(150, 150))


@pytest.fixture
def office(tmp_path_factory) -> Secretary:
    base = tmp_path_factory.mktemp("sekretariat")
    result = run_somflow("init", "--demo", str(base / "sp7"), env={"SOMFLOW_TODAY": "2026-11-23"})
    assert result.returncode == 0, result.stdout + result.stderr
    return Secretary(base / "sp7")


def vetting_week(office: Secretary) -> None:
    root = office.root
    (root / "kadry.csv").write_text("\n".join([STAFF_HEADER, *STAFF]) + "\n", encoding="utf-8")
    assert "Nowe osoby: 3," in office.run("vetting", "import", "kadry.csv").stdout
    # HR sends the same list again a week later: nothing is duplicated or changed
    assert "Nowe osoby: 0, zmienione: 0, bez zmian: 3," in office.run("vetting", "import", "kadry.csv").stdout
    status = office.run("vetting", "status").stdout
    assert "rejestr-DE" in status and "rejestr-GB" in status
    assert re.search(r"3\s+Łucja Źdźbło\s+2026-11-26", status), status  # starts in 3 days unchecked

    # declarations for Anna and Klaus, signed and scanned back: Klaus's as an image-only PDF,
    # Anna's page by page from a phone (JPEG)
    anna = office.printed(office.run("vetting", "print", "1").stdout)
    klaus = office.printed(office.run("vetting", "print", "2").stdout)
    assert len(anna) >= 2 and len(klaus) >= 2
    save_image_pdf(scan(klaus), root / "inbox" / "skan-muller.pdf")
    for n, page in enumerate(scan(anna)):
        save_jpeg(page, root / "inbox" / f"IMG_20261123_{n:03d}.jpg")
    ingest = office.run("ingest")
    assert not list((root / "rejected").glob("*")), (
        ingest.stdout + ingest.stderr + str(list((root / "rejected").glob("*.txt")))
    )
    assert not [p for p in (root / "inbox").iterdir() if p.is_file()], ingest.stdout

    for person in ("1", "2"):
        shown = office.run("vetting", "show", person).stdout
        for item in ("kraje", "standardy"):
            assert re.search(rf"{item}\s+.*otrzymano 2026-11-23 \[[0-9A-Z]{{26}}\]", shown), shown

    for person, items in (
        ("1", ["rspts", "rspts-pk", "krk"]),
        ("2", ["rspts", "rspts-pk", "krk", "rejestr-DE", "rejestr-GB"]),
    ):
        for item in items:
            office.run("vetting", "record", person, item, "--result", "brak-wpisu")

    status = office.run("vetting", "status").stdout
    assert re.search(r"1\s+Anna Kowalczyk\s+sprawdzony", status), status
    assert re.search(r"2\s+Klaus Müller\s+sprawdzony", status), status
    assert re.search(r"3\s+Łucja Źdźbło\s+niekompletny", status), status
    assert "sprawdzonych 2, niekompletnych 1" in status
    # Łucja's RSPTS answer saved from the browser: the result wraps between "NIE" and "FIGURUJE"
    browser_printout(
        root / "inbox" / "rps.ms.gov.pl - wynik.pdf",
        [
            "Rejestr Sprawców Przestępstw na Tle Seksualnym – rejestr z dostępem ograniczonym",
            f"PESEL: {pesel(1992, 3, 4, '2468')}",
            "Osoba o podanym numerze PESEL NIE",
            "FIGURUJE w Rejestrze.",
        ],
    )
    office.run("ingest")
    shown = office.run("vetting", "show", "3").stdout
    assert shown.startswith("Osoba nr 3: Łucja Źdźbło — niekompletny"), shown  # not blocked for good
    assert "wydruk czeka na potwierdzenie: somflow vetting confirm 3/rspts" in shown, shown  # a printout is evidence
    office.run("vetting", "confirm", "3/rspts", "--as", "kadry", "--yes")  # HR compared it with the register
    shown = office.run("vetting", "show", "3").stdout
    assert re.search(r"rspts\s+RSPTS — rejestr z dostępem ograniczonym — otrzymano 2026-11-23", shown), shown
    refused = office.run("vetting", "admit", "3", ok=False)
    assert refused.returncode != 0
    office.run("vetting", "admit", "1")


def image_consent_for_class_3b(office: Secretary) -> None:
    root = office.root
    (root / "3b.csv").write_bytes(CLASS_LIST.encode("cp1250"))  # the e-register's export
    imported = office.run("consent", "import", "3b.csv").stdout
    assert "Nowe osoby: 5," in imported and "klasa 3b: 5" in imported, imported
    printed = office.run("consent", "print", "--group", "3b").stdout
    (merged,) = re.findall(r"\S+zgody-3b-2026-11-23\.pdf", printed)
    listed = office.run("consent", "list").stdout
    assert listed.count("nie zwrócono") == 5, listed
    # in Polish alphabetical order, as the class register has them (Ćwik first, Żak last)
    assert [re.sub(r"^nr \d+\s+", "", line).split(" (")[0] for line in listed.splitlines()] == [
        "Hanna Ćwik",
        "Ściborka Gąsiorowska",
        "Jan Łęcki",
        "Mikołaj Źrebiec",
        "Zofia Żak",
    ]

    # two parents bring the form back; the secretary scans both (4 pages) into one PDF
    pages = scan([Path(merged)])
    assert len(pages) == 10, len(pages)
    save_image_pdf(pages[:4], root / "inbox" / "zgody-skan.pdf")
    ingest = office.run("ingest")
    assert not list((root / "rejected").glob("*")), ingest.stdout + ingest.stderr
    listed = office.run("consent", "list").stdout
    waiting = re.findall(
        r"^nr \d+\s+(.+?) \(3b\): brak zgody; zwrócony formularz czeka na wpisanie zaznaczeń$", listed, re.M
    )
    assert waiting == ["Hanna Ćwik", "Ściborka Gąsiorowska"], listed  # the first two forms of the print
    assert listed.count("nie zwrócono") == 3, listed

    office.today = "2026-11-24"
    first, second = waiting
    office.run(
        "consent",
        "record",
        first,
        "--purpose",
        "wszystkie",
        "--photo",
        "wszystkie",
        "--channel",
        "website",
        "--channel",
        "social-media",
        "--child-view",
        "tak",
    )
    office.run(
        "consent",
        "record",
        second,
        "--purpose",
        "wszystkie",
        "--photo",
        "wszystkie",
        "--channel",
        "website",
        "--child-view",
        "tak",
    )

    result = json.loads(
        office.run(
            "consent", "check", "--group", "3b", "--channel", "social-media", "--date", "2026-12-10", "--json"
        ).stdout
    )
    allowed = {row["name"]: (row["allowed"], row["reason"]) for row in result}
    assert len(allowed) == 5
    assert allowed[first] == (True, "zgoda do 2027-08-31")
    assert allowed[second][0] is False and "media" in allowed[second][1], allowed[second]
    assert [name for name, (ok, _) in allowed.items() if ok] == [first]
    assert sum(reason == "nie zwrócono zgody" for _, reason in allowed.values()) == 3
    website = json.loads(
        office.run("consent", "check", "--group", "3b", "--channel", "website", "--date", "2026-12-10", "--json").stdout
    )
    assert sorted(row["name"] for row in website if row["allowed"]) == sorted(waiting)
    text = office.run("consent", "check", "--group", "3b", "--channel", "social-media", "--date", "2026-12-10").stdout
    assert first in text and "nie zwrócono zgody" in text


def case_id(listing: str) -> str:
    (case,) = re.findall(r"^\S+\s+([0-9A-Z]{26})\s+\[otwarta\]", listing, re.M)
    return case


def niebieska_karta_over_christmas(office: Secretary) -> None:
    root = office.root
    note = payload()
    note["notatka"].update(
        data_powziecia="2026-12-22", data_sporzadzenia="2026-12-22", czas_zdarzenia="weekend 19–20 grudnia 2026"
    )
    (root / "notatka.yaml").write_text(yaml.safe_dump(note, allow_unicode=True, sort_keys=False), encoding="utf-8")
    office.today = "2026-12-22"
    office.run("nk", "new", "--data", "notatka.yaml")
    case = case_id(office.run("nk", "list").stdout)

    office.today = "2026-12-23"
    started = office.run(
        "nk",
        "step",
        case,
        "wszczecie",
        "--dnia",
        "2026-12-23",
        "--osoba",
        "Anna Kowalska, pedagog",
        "--rola",
        "pedagog_psycholog",
        "--obecna-osoba",
        "Łucja Żak",
        "--obecna-rola",
        "osoba_najblizsza",
    ).stdout
    # 24.12 (Wigilia, a holiday from 2025), 25–27 and 1.01 are free: the 5th working day is Monday 4 January
    assert "termin 2027-01-04" in started, started
    office.run(
        "nk",
        "step",
        case,
        "nk-b",
        "--odbiorca",
        "Łucja Żak",
        "--odbiorca-rola",
        "rodzic",
        "--osoba",
        "Anna Kowalska, pedagog",
    )
    listing = office.run("nk", "list").stdout
    assert "Niebieska Karta – A" in listing and "termin: 2027-01-04" in listing and "PO TERMINIE" not in listing, (
        listing
    )

    office.today = "2027-01-04"  # the last day: still on time
    assert "PO TERMINIE" not in office.run("nk", "list").stdout
    office.today = "2027-01-05"
    listing = office.run("nk", "list").stdout
    assert re.search(r"termin: 2027-01-04\s+PO TERMINIE", listing), listing
    assert "Zofia" not in listing and "Żak" not in listing  # initials only on a shared screen
    refused = office.run(
        "nk",
        "step",
        case,
        "nk-a",
        "--dnia",
        "2027-01-07",
        "--sposob",
        "osobiscie",
        "--osoba",
        "Anna Kowalska, pedagog",
        ok=False,
    )
    assert refused.returncode == 2 and refused.stderr.strip(), refused  # a date in the future


def end_of_day_deadlines_status_and_reminders(office: Secretary, tmp_path: Path) -> None:
    root = office.root
    office.today = "2027-01-05"
    deadlines = office.run("deadlines").stdout
    nk_line = next(line for line in deadlines.splitlines() if "Niebieskiej Karty – A" in line)
    assert nk_line.startswith("PO TERMINIE") and "2027-01-04" in nk_line, deadlines
    assert re.search(r"Weryfikacja osoby nr 3 .*brakuje: rspts-pk, krk, kraje, standardy\)", deadlines), deadlines
    assert "osoby nr 1" not in deadlines and "osoby nr 2" not in deadlines  # cleared before their first day
    assert "Niezwrócone zgody na wizerunek: klasa 3b, 3 z 5" in deadlines, deadlines
    for secret in ("Źdźbło", "Müller", "Żak", pesel(1992, 3, 4, "2468")):
        assert secret not in deadlines
    overdue = [line for line in deadlines.splitlines() if line.startswith("PO TERMINIE")]
    assert deadlines.splitlines()[0].startswith("PO TERMINIE") and len(overdue) >= 3

    # the same scan dropped in again by mistake: kept aside with the reason, nothing filed twice
    archived = sorted((root / "archive").glob("*.pdf"))[0]
    (root / "inbox" / "skan-ponownie.pdf").write_bytes(archived.read_bytes())
    again = office.run("ingest", ok=False)
    assert again.returncode != 0 and "Ten sam plik przyjęto już wcześniej" in again.stdout + again.stderr
    reason = (root / "rejected" / "skan-ponownie.pdf.txt").read_text(encoding="utf-8")
    assert f"archive/{archived.name}" in reason and "To kopia" in reason

    status = office.run("status").stdout
    for expected in (
        "bez weryfikacji start w ciągu 14 dni: 1",
        "Pliki odrzucone (rejected/): 1",
        "Otwarte sprawy NK: 1",
        "NK-A po terminie: 1",
        "Dzieci w rejestrze zgód na wizerunek: 5",
        "Ważne zgody na wizerunek: 2",
        "Dzieci bez ważnej zgody na wizerunek: 3",
        "Niezwrócone formularze zgody: 3",
        "Zwrócone zgody do wpisania: 0",
        "Weryfikacja osób: sprawdzonych 2, z brakami 1, zablokowanych 0",
        "Pliki oczekujące w inbox/: 0",
    ):
        assert expected in status, f"{expected!r} not in\n{status}"

    with smtp_sink(tmp_path / "smtp") as sink:
        sink.configure(root)
        first = office.run("remind")
        assert sink.messages, first.stdout + first.stderr
        assert sorted(m["To"] for m in sink.messages) == ["dyrektor@sp7.example.pl", "koordynator@sp7.example.pl"]
        bodies = "\n".join(
            part.get_content() for m in sink.messages for part in m.walk() if part.get_content_type() == "text/plain"
        )
        assert (
            "Przekazanie „Niebieskiej Karty – A” do Zespołu Interdyscyplinarnego" in bodies
            and "1 dzień po terminie" in bodies
        ), bodies
        assert "Weryfikacja osoby nr 3" in bodies and "klasa 3b, 3 z 5" in bodies
        for secret in ("Źdźbło", "Müller", pesel(1992, 3, 4, "2468")):
            assert secret not in bodies
        sent = len(sink.messages)
        again = office.run("remind")
        assert len(sink.messages) == sent, again.stdout

    # NK-A delivered late the same day: the case moves on and the overdue deadline is gone
    case = case_id(office.run("nk", "list").stdout)
    office.run("nk", "step", case, "nk-a", "--sposob", "osobiscie", "--osoba", "Anna Kowalska, pedagog")
    assert "PO TERMINIE" not in office.run("nk", "list").stdout
    assert "Niebieskiej Karty – A" not in office.run("deadlines").stdout
    assert "NK-A po terminie: 0" in office.run("status").stdout


def test_a_secretary_day(office: Secretary, tmp_path: Path) -> None:
    """One test, so the steps run in order on one workspace (pytest-xdist would split separate tests across workers)."""
    vetting_week(office)
    image_consent_for_class_3b(office)
    niebieska_karta_over_christmas(office)
    end_of_day_deadlines_status_and_reminders(office, tmp_path)
