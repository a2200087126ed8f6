"""The consent register through the CLI: record, replace, withdraw, leave; check and sheet answers."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from conftest import english_catalogue, gettext_messages

from somflow.workspace import Workspace

CLASS = """Imię;Nazwisko;Klasa
Ada;Strona;3b
Bartek;Wycofany;3b
Celina;Wygasła;3b
Dawid;Odchodzący;3b
Ewa;Zostająca-Po;3b
Filip;Bezzgody;3b
Gaja;Pełna;3b
Hubert;Odmowa;3b
Iga;Dzieckonie;3b
Jan;Innaklasa;4a
"""
EVENT_DAY = "2026-12-10"
#: What a parent who ticked everything gave (a consent records nothing that was not ticked).
GIVEN = ("--purpose", "wszystkie", "--photo", "wszystkie")


@pytest.fixture
def school(somflow_cli, tmp_path):
    """Class 3b with one child per case the issue names, consents entered by hand."""
    csv = tmp_path / "3b.csv"
    csv.write_text(CLASS, encoding="utf-8")
    assert somflow_cli("consent", "import", str(csv)).exit_code == 0
    year = ("--from", "2026-09-01", "--to", "2027-08-31")
    ok = lambda *args: _ok(somflow_cli("consent", "record", *args, *(() if "--refused" in args else GIVEN)))  # noqa: E731
    ok("Ada Strona", "--channel", "website", *year)
    ok("Bartek Wycofany", "--channel", "website", "--channel", "social-media", *year)
    _ok(somflow_cli("consent", "withdraw", "Bartek Wycofany", "--date", "2026-11-30"))
    ok(
        "Celina Wygasła",
        "--channel",
        "website",
        "--channel",
        "social-media",
        "--from",
        "2025-09-01",
        "--to",
        "2026-08-31",
    )
    ok("Dawid Odchodzący", "--channel", "website", "--channel", "social-media", *year)
    _ok(somflow_cli("consent", "leave", "Dawid Odchodzący", "--date", "2026-11-15"))
    ok("Ewa Zostająca-Po", "--channel", "website", "--channel", "social-media", "--after-leaving", *year)
    _ok(somflow_cli("consent", "leave", "Ewa Zostająca-Po", "--date", "2026-11-15"))
    ok("Gaja Pełna", "--channel", "website", "--channel", "social-media", "--child-view", "tak", *year)
    ok("Hubert Odmowa", "--refused")
    ok("Iga Dzieckonie", "--channel", "website", "--channel", "social-media", "--child-view", "nie", *year)
    ok("Jan Innaklasa", "--channel", "social-media", *year)
    return somflow_cli


def _ok(result):
    assert result.exit_code == 0, result.output
    return result


def answers(cli, *args) -> dict[str, tuple[bool, str]]:
    result = _ok(cli("consent", "check", *args, "--json"))
    return {row["name"]: (row["allowed"], row["reason"]) for row in json.loads(result.output)}


def test_check_social_media(school):
    got = answers(school, "--group", "3b", "--channel", "social-media", "--date", EVENT_DAY)
    assert "Jan Innaklasa" not in got  # another class
    allowed = {name for name, (ok, _reason) in got.items() if ok}
    assert allowed == {"Gaja Pełna", "Ewa Zostająca-Po"}
    assert got["Ada Strona"] == (False, "zgoda nie obejmuje kanału: media społecznościowe")
    assert got["Bartek Wycofany"] == (False, "zgoda wycofana 2026-11-30")
    assert got["Celina Wygasła"] == (False, "zgoda wygasła 2026-08-31")
    assert got["Dawid Odchodzący"][0] is False and "odeszło z placówki 2026-11-15" in got["Dawid Odchodzący"][1]
    assert got["Ewa Zostająca-Po"] == (True, "zgoda do 2027-08-31, także po odejściu z placówki")
    assert got["Filip Bezzgody"] == (False, "nie zwrócono zgody")
    assert got["Hubert Odmowa"] == (False, "rodzic (opiekun) nie wyraził zgody")
    assert got["Iga Dzieckonie"] == (False, "dziecko nie wyraziło zgody")


def test_check_website_and_dates(school):
    got = answers(school, "--group", "3b", "--channel", "website", "--date", EVENT_DAY)
    assert got["Ada Strona"] == (True, "zgoda do 2027-08-31")
    # before the withdrawal and before leaving, both could appear
    before = answers(school, "--group", "3b", "--channel", "website", "--date", "2026-11-01")
    assert before["Bartek Wycofany"][0] and before["Dawid Odchodzący"][0]
    assert answers(school, "--group", "3b", "--channel", "website", "--date", "2026-06-01")["Celina Wygasła"][0]


def test_check_text_output_lists_both_sides(school):
    result = _ok(school("consent", "check", "--group", "3b", "--channel", "social-media", "--date", EVENT_DAY))
    may, _sep, may_not = result.output.partition("NIE MOGĄ")
    assert "MOGĄ wystąpić (2)" in may and "Gaja Pełna" in may and "Filip Bezzgody" not in may
    assert "(7)" in may_not and "Filip Bezzgody (3b) – nie zwrócono zgody" in may_not


def check_sections(output: str) -> dict[str, list[str]]:
    """The children listed under each heading of ``consent check`` (a listed child's line is indented)."""
    found: dict[str, list[str]] = {}
    heading = ""
    for line in output.splitlines():
        if line.startswith("  "):
            found[heading].append(line.strip())
        else:
            heading = line
            found[heading] = []
    return found


def test_check_lists_a_child_with_one_kind_of_photo_under_its_own_heading(school):
    """Group photos only, asked about individual ones: "only in group photos", not "neither individually nor in a group"."""
    year = ("--from", "2026-09-01", "--to", "2027-08-31")
    given = ("--channel", "social-media", "--purpose", "wszystkie", *year)
    _ok(school("consent", "record", "Filip Bezzgody", *given, "--photo", "grupowe"))
    ask = ("consent", "check", "--group", "3b", "--channel", "social-media", "--date", EVENT_DAY)
    sections = check_sections(_ok(school(*ask, "--photo", "indywidualne")).output)
    assert sections["MOGĄ wystąpić tylko na zdjęciach grupowych (1) – nie fotografować ich indywidualnie:"] == [
        "Filip Bezzgody (3b) – tylko zdjęcia grupowe"
    ]
    (refused,) = [v for k, v in sections.items() if k.startswith("NIE MOGĄ wystąpić (6)")]
    assert "Iga Dzieckonie (3b) – dziecko nie wyraziło zgody" in refused
    assert not [line for line in refused if "Filip" in line]
    assert (
        "MAY appear in group photos only (1) – do not photograph them individually:"
        in _ok(school("--lang", "en", *ask, "--photo", "individual")).output
    )
    rows = {row["name"]: row for row in json.loads(_ok(school(*ask, "--photo", "indywidualne", "--json")).output)}
    assert (rows["Filip Bezzgody"]["allowed"], rows["Filip Bezzgody"]["other_kind"]) == (False, "grupowe")
    assert rows["Iga Dzieckonie"]["other_kind"] is None and rows["Gaja Pełna"]["other_kind"] is None
    # group photos: Filip may appear, as his consent allows; no heading of its own
    sections = check_sections(_ok(school(*ask, "--photo", "grupowe")).output)
    assert "Filip Bezzgody (3b) – zgoda do 2027-08-31; tylko zdjęcia grupowe" in sections["MOGĄ wystąpić (3):"]
    assert not [k for k in sections if "tylko na zdjęciach" in k]
    # and the other way round: individual photos only, asked about group ones
    _ok(school("consent", "record", "Filip Bezzgody", *given, "--photo", "indywidualne"))
    sections = check_sections(_ok(school(*ask, "--photo", "grupowe")).output)
    assert sections["MOGĄ wystąpić tylko na zdjęciach indywidualnych (1) – nie fotografować ich w grupie:"] == [
        "Filip Bezzgody (3b) – tylko zdjęcia indywidualne"
    ]
    assert [k for k in sections if k.startswith("NIE MOGĄ wystąpić (6)")]
    rows = {row["name"]: row for row in json.loads(_ok(school(*ask, "--photo", "grupowe", "--json")).output)}
    assert rows["Filip Bezzgody"]["other_kind"] == "indywidualne"


def test_sheet_lists_children_present_without_consent(school, somflow_workspace, tmp_path):
    out = tmp_path / "lista.pdf"
    result = _ok(
        school(
            "consent",
            "sheet",
            "Jasełka 2026",
            "--group",
            "3b",
            "--channel",
            "social-media",
            "--date",
            EVENT_DAY,
            "--out",
            str(out),
        )
    )
    lines = result.output.splitlines()
    listed = [line.split(".", 1)[1].strip() for line in lines if line[:4].strip().rstrip(".").isdigit()]
    # first name, surname initial, group; those who left are not at the event
    assert sorted(listed) == [
        "Ada S.  3b",
        "Bartek W.  3b",
        "Celina W.  3b",
        "Filip B.  3b",
        "Hubert O.  3b",
        "Iga D.  3b",
    ]
    assert "Strona" not in result.output and "Dawid" not in result.output
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "Lista dla fotografa – dzieci, których nie fotografujemy" in text
    assert "Jasełka 2026" in text and "Iga D." in text and "Wycofany" not in text
    assert "nie może wykluczać dziecka" in text
    assert os.name != "posix" or out.stat().st_mode & 0o077 == 0


def sheet_sections(output: str) -> dict[str, list[str]]:
    """The children listed under each heading of ``consent sheet`` (a listed child's line starts with its number)."""
    found: dict[str, list[str]] = {}
    heading = ""
    for line in output.splitlines():
        if re.match(r" *\d+\. ", line):
            found[heading].append(line.split(".", 1)[1].strip())
        else:
            heading = line
            found[heading] = []
    return found


def test_sheet_lists_a_child_with_one_kind_of_photo_under_its_own_heading(school, tmp_path):
    """Group photos only: not "neither individually nor in a group" on an individual-photo day, in text and PDF."""
    year = ("--from", "2026-09-01", "--to", "2027-08-31")
    given = ("--channel", "social-media", "--purpose", "wszystkie", *year)
    _ok(school("consent", "record", "Filip Bezzgody", *given, "--photo", "grupowe"))
    out = tmp_path / "lista.pdf"
    event = ("consent", "sheet", "Jasełka", "--group", "3b", "--channel", "social-media", "--date", EVENT_DAY)
    sections = sheet_sections(_ok(school(*event, "--photo", "indywidualne", "--out", str(out))).output)
    assert sections["Nie fotografować indywidualnie (tylko w grupie) – 1:"] == ["Filip B.  3b  – tylko zdjęcia grupowe"]
    neither = sections["Nie fotografować (ani indywidualnie, ani w grupie) – 5:"]
    assert "Filip B.  3b" not in neither and "Ada S.  3b" in neither
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert text.count("Filip B.") == 1
    assert (
        text.index("Ada S.") < text.index("Nie fotografować indywidualnie (tylko w grupie):") < text.index("Filip B.")
    )
    # group photos: Filip may appear, only as his consent allows
    sections = sheet_sections(_ok(school(*event, "--photo", "grupowe")).output)
    assert sections["Z ograniczeniami – fotografować tylko tak, jak pozwala zgoda (1):"] == [
        "Filip B.  3b  – tylko zdjęcia grupowe"
    ]
    # and the other way round: a newer consent for individual photos only, on a group-photo day
    _ok(school("consent", "record", "Filip Bezzgody", *given, "--photo", "indywidualne"))
    sections = sheet_sections(_ok(school(*event, "--photo", "grupowe")).output)
    assert sections["Nie fotografować w grupie (tylko indywidualnie) – 1:"] == [
        "Filip B.  3b  – tylko zdjęcia indywidualne"
    ]
    assert "Filip B.  3b" not in sections["Nie fotografować (ani indywidualnie, ani w grupie) – 5:"]
    english = _ok(school("--lang", "en", *event, "--photo", "group")).output
    assert "Do not photograph in groups (individually only) – 1:" in english


def test_sheet_says_all_may_be_photographed_only_when_nobody_is_excluded_or_restricted(school, tmp_path):
    """4a: Jan alone, consent for everything; then group photos only — no longer "every child may be photographed"."""
    out = tmp_path / "lista.pdf"
    event = ("consent", "sheet", "Jasełka", "--group", "4a", "--channel", "social-media", "--date", EVENT_DAY)

    def printed(*args: str, lang: str = "pl") -> str:
        _ok(school("--lang", lang, *event, *args, "--out", str(out)))
        return subprocess.run(
            ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
        ).stdout

    everyone = printed()
    assert "Brak – wszystkie dzieci mogą być fotografowane w tych kanałach." in everyone
    assert "Brak dzieci wyłączonych całkowicie." not in everyone
    year = ("--from", "2026-09-01", "--to", "2027-08-31")
    _ok(
        school(
            "consent",
            "record",
            "Jan Innaklasa",
            "--channel",
            "social-media",
            "--purpose",
            "wszystkie",
            *year,
            "--photo",
            "grupowe",
        )
    )
    for kind, heading in (
        ("indywidualne", "Nie fotografować indywidualnie (tylko w grupie):"),
        ("grupowe", "Z ograniczeniami – fotografować tylko tak, jak pozwala zgoda:"),
    ):
        text = printed("--photo", kind)
        assert "wszystkie dzieci mogą być fotografowane" not in text
        assert text.index("Brak dzieci wyłączonych całkowicie.") < text.index(heading) < text.index("Jan I.")
    assert "No child is excluded entirely." in printed("--photo", "group", lang="en")


def test_newer_consent_replaces_older_and_history_is_kept(school, somflow_workspace):
    _ok(
        school(
            "consent",
            "record",
            "Ada Strona",
            "--purpose",
            "wszystkie",
            "--photo",
            "wszystkie",
            "--channel",
            "social-media",
            "--from",
            "2026-12-01",
            "--to",
            "2027-08-31",
        )
    )
    got = answers(school, "--group", "3b", "--channel", "social-media", "--date", EVENT_DAY)
    assert got["Ada Strona"][0] is True
    assert answers(school, "--group", "3b", "--channel", "website", "--date", EVENT_DAY)["Ada Strona"][0] is False
    history = _ok(school("consent", "history", "Ada Strona")).output.splitlines()
    assert (
        len(history) == 3
        and "[zastąpiona]" in history[0]
        and "[obowiązuje]" in history[1]
        and "somflow withdraw" in history[2]
    )
    store = Workspace(somflow_workspace).store
    assert store.count("image_consents") == 10  # 9 children with one each, Ada with two


def test_errors_are_polish_and_change_nothing(school, somflow_workspace):
    store = Workspace(somflow_workspace).store
    before = store.count("image_consents")
    result = school(
        "consent", "record", "Filip Bezzgody", "--purpose", "wszystkie", "--photo", "wszystkie", "--channel", "tiktok"
    )
    assert result.exit_code == 2 and "Nieznany kanał publikacji „tiktok”" in result.output
    result = school("consent", "record", "Filip Bezzgody")
    assert result.exit_code == 2 and "nie wskazuje żadnego kanału" in result.output
    result = school(
        "consent",
        "record",
        "Filip Bezzgody",
        "--purpose",
        "wszystkie",
        "--photo",
        "wszystkie",
        "--channel",
        "druk",
        "--from",
        "2027-01-01",
        "--to",
        "2026-01-01",
    )
    assert result.exit_code == 2 and "wcześniejsza niż data początku" in result.output
    result = school(
        "consent", "record", "Nikt Taki", "--purpose", "wszystkie", "--photo", "wszystkie", "--channel", "druk"
    )
    assert result.exit_code == 2 and "Nie znaleziono dziecka „Nikt Taki”" in result.output
    result = school("consent", "withdraw", "Filip Bezzgody")
    assert result.exit_code == 2 and "nie ma czego wycofać" in result.output
    assert store.count("image_consents") == before


def test_register_listing_and_status_counts(school):
    listing = _ok(school("consent", "list", "--group", "3b")).output
    assert "Filip Bezzgody (3b): brak zgody (nie zwrócono)" in listing
    assert all(re.match(r"nr \d+ +\S", line) for line in listing.splitlines()), listing  # the person number first
    assert (
        "Bartek Wycofany (3b): zgoda: strona internetowa, media społecznościowe; 2026-09-01 – 2027-08-31; WYCOFANA 2026-11-30"
        in listing
    )
    status = _ok(school("status")).output
    assert "Dzieci w rejestrze zgód na wizerunek:" in status


def test_polish_alias_group(school):
    result = _ok(school("zgody", "check", "--group", "3b", "--channel", "strona_www", "--date", EVENT_DAY))
    assert "MOGĄ wystąpić" in result.output


def test_every_message_has_an_english_entry():
    import somflow_image_consent
    from somflow_image_consent import sheet, vocabulary

    folder = Path(somflow_image_consent.__file__).parent
    catalogue = english_catalogue(folder)
    messages = set(sheet.RULES) | set(vocabulary.CHANNEL_LABELS.values())
    messages |= set(gettext_messages(folder.glob("*.py")))
    assert sorted(messages - set(catalogue)) == []


def test_english_output(school):
    result = _ok(
        school("--lang", "en", "consent", "check", "--group", "3b", "--channel", "website", "--date", EVENT_DAY)
    )
    assert "MAY appear (3):" in result.output and "no consent returned" in result.output


def test_from_a_terminal(school, somflow_workspace, somflow_proc):
    env = {"SOMFLOW_WORKSPACE": str(somflow_workspace)}
    done = somflow_proc(
        "consent", "sheet", "Dzień Dziecka", "--group", "3b", "--channel", "social-media", "--date", EVENT_DAY, env=env
    )
    assert done.returncode == 0, done.stderr
    assert "Nie fotografować (ani indywidualnie, ani w grupie) – 6:" in done.stdout
    done = somflow_proc("consent", "check", "--group", "3b", "--channel", "tiktok", env=env)
    assert done.returncode == 2 and "Nieznany kanał publikacji „tiktok”" in done.stderr


def test_child_named_without_polish_letters_or_in_other_case(somflow_cli, tmp_path):
    """A keyboard without Polish layout: "Lukasz Cwik" finds Łukasz Ćwik; exact letters win over folded ones."""
    csv = tmp_path / "1a.csv"
    csv.write_bytes("Imię;Nazwisko;Klasa\r\nŁukasz;Ćwik;1a\r\nZofia;Żak;1a\r\nZofia;Zak;1a\r\n".encode("cp1250"))
    _ok(somflow_cli("consent", "import", str(csv)))
    assert (
        "Łukasz Ćwik, klasa 1a"
        in _ok(
            somflow_cli(
                "consent",
                "record",
                "Lukasz Cwik",
                "--purpose",
                "wszystkie",
                "--photo",
                "wszystkie",
                "--channel",
                "website",
            )
        ).output
    )
    assert (
        "Łukasz Ćwik, klasa 1a"
        in _ok(
            somflow_cli(
                "consent",
                "record",
                "ĆWIK  łukasz",
                "--purpose",
                "wszystkie",
                "--photo",
                "wszystkie",
                "--channel",
                "website",
            )
        ).output
    )
    # "Zofia Zak" is a child of its own: the exact name is not ambiguous with Zofia Żak
    assert (
        "Zofia Zak, klasa 1a"
        in _ok(
            somflow_cli(
                "consent",
                "record",
                "Zofia Zak",
                "--purpose",
                "wszystkie",
                "--photo",
                "wszystkie",
                "--channel",
                "website",
            )
        ).output
    )
    assert (
        "Zofia Żak, klasa 1a"
        in _ok(
            somflow_cli(
                "consent",
                "record",
                "zofia żak",
                "--purpose",
                "wszystkie",
                "--photo",
                "wszystkie",
                "--channel",
                "website",
            )
        ).output
    )
    missing = somflow_cli(
        "consent", "record", "Zofia Nowak", "--purpose", "wszystkie", "--photo", "wszystkie", "--channel", "website"
    )
    assert missing.exit_code == 2 and "Nie znaleziono dziecka „Zofia Nowak”" in missing.output


def test_a_mistyped_class_is_named_not_shown_as_an_empty_list(school):
    for command in (("check", "--channel", "website"), ("list",), ("print",)):
        result = school("consent", *command, "--group", "3c")
        assert result.exit_code == 2, result.output
        assert "Nie ma klasy „3c” w rejestrze (są: 3b, 4a)" in result.output
    assert "Ada Strona" in _ok(school("consent", "check", "--group", "3 B", "--channel", "website")).output
