"""Messages and catalogues: a number next to a noun goes through ngettext, and every plural has all its forms.

Polish has three plural forms (1 dokument, 2 dokumenty, 5 dokumentów); English two. The source is
read with ``ast``: a ``_()`` message that puts a count-like parameter right before a word
("{count} osób", "wiek {age} lat") would print "1 osób" or "wiek 3 lat", so it must be an
``ngettext`` call; each ``ngettext`` needs its forms in the package's Polish and English catalogues.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from conftest import REPO

from somflow import i18n

PACKAGES = {
    REPO / "somflow": "somflow",
    REPO / "plugins" / "niebieska_karta": "somflow_niebieska_karta",
    REPO / "plugins" / "vetting": "somflow_vetting",
    REPO / "plugins" / "image_consent": "somflow_image_consent",
    REPO / "plugins" / "standards": "somflow_standards",
    REPO / "plugins" / "incidents": "somflow_incidents",
}
#: Parameter names that hold a number of things.
COUNT_NAME = re.compile(
    r"^(n|count|\w+_count|age|years|days|added|updated|pages|total|missing|printed|people|entries|documents|copied|present)$"
)
#: A count right before a word: "{count} osób", "{age} lat." (an abbreviation, "str." or "os.", is fine).
COUNT_BEFORE_WORD = re.compile(r"(\w*) ?\{(\w+)\} (?!(?:str|os|nr)\.)(\w+)")
#: Not counts: page numbers listed ("na stronach 3, 4 nie..."), an ordinal ("zgoda nr 2 dziecka"), "(3 w tym badaniu)".
NOT_COUNTS = {"stronach {pages} nie", "strony {pages} skanu", "nr {n} dziecka", "{count} w"}


def calls(name: str):
    for package in PACKAGES:
        for path in sorted(package.rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and getattr(node.func, "id", None) == name
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                ):
                    yield package, path, node


def test_a_count_next_to_a_noun_is_never_a_plain_message():
    found = []
    for _package, path, node in calls("_"):
        for match in COUNT_BEFORE_WORD.finditer(node.args[0].value):
            if COUNT_NAME.match(match[2]) and match[0].strip() not in NOT_COUNTS:
                found.append(f"{path.relative_to(REPO)}:{node.lineno}: „{match[0]}” in {node.args[0].value!r}")
    assert not found, "use ngettext (Polish has three plural forms):\n" + "\n".join(found)


def test_the_check_catches_what_it_should():
    assert COUNT_BEFORE_WORD.search("Dodano {count} osób.")[2] == "count"
    assert COUNT_BEFORE_WORD.search("wpisany wiek to {age} lat.")[2] == "age"
    assert [m[2] for m in COUNT_BEFORE_WORD.finditer("Dokument {id} ma {count} str.")] == [
        "id"
    ]  # "str." is an abbreviation


def _forms(package: Path, domain: str, lang: str) -> dict[str, list[str]]:
    found = i18n.load(package / "locale", lang, domain)
    forms: dict[str, list[str]] = {}
    for key, value in found._catalog.items() if found else []:
        if isinstance(key, tuple):
            forms.setdefault(key[0], []).append(value)
    return forms


@pytest.mark.parametrize("lang, count", [("pl", 3), ("en", 2)])
def test_every_plural_message_has_all_its_forms(lang, count):
    missing = []
    for package, path, node in calls("ngettext"):
        singular = node.args[0].value
        forms = _forms(package, PACKAGES[package], lang).get(singular, [])
        if len(forms) != count or not all(forms):
            missing.append(f"{path.relative_to(REPO)}:{node.lineno}: {singular!r} has {len(forms)} forms in {lang}")
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize(
    "n, polish, english",
    [(1, "Zaimportowano 1 ankietę.", "Imported 1 questionnaire."), (2, "Zaimportowano 2 ankiety.", "Imported 2 questionnaires."),
     (5, "Zaimportowano 5 ankiet.", "Imported 5 questionnaires."), (12, "Zaimportowano 12 ankiet.", "Imported 12 questionnaires."),
     (22, "Zaimportowano 22 ankiety.", "Imported 22 questionnaires."), (25, "Zaimportowano 25 ankiet.", "Imported 25 questionnaires.")],
)  # fmt: skip
def test_polish_has_three_forms_and_english_two(n, polish, english):
    import somflow_standards  # noqa: F401  (adds its catalogue)

    try:
        i18n.set_language("pl")  # whatever a test before left
        assert i18n.ngettext("Zaimportowano {n} ankietę.", "Zaimportowano {n} ankiet.", n) == polish
        i18n.set_language("en")
        assert i18n.ngettext("Zaimportowano {n} ankietę.", "Zaimportowano {n} ankiet.", n) == english
    finally:
        i18n.set_language("pl")


def test_click_messages_in_polish_through_gettext(somflow_cli):
    result = somflow_cli("nosuch")
    assert result.exit_code == 2 and "Nie ma polecenia 'nosuch'." in result.output
    assert "No such command 'nosuch'." in somflow_cli("--lang", "en", "nosuch").output


def test_a_catalogue_is_compiled_when_no_mo_was_built(tmp_path):
    po = tmp_path / "en" / "LC_MESSAGES" / "proba.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=utf-8\\n"\n\nmsgid "Dzień dobry"\nmsgstr "Good morning"\n',
        encoding="utf-8",
    )
    assert i18n.load(tmp_path, "en", "proba").gettext("Dzień dobry") == "Good morning"
    assert po.with_suffix(".mo").is_file()  # written beside it for the next start
