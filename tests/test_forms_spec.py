"""The form spec: loading, and Polish messages naming the file and the key for every problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from somflow import forms

HERE = Path(__file__).parent / "forms"


def test_load_test_spec() -> None:
    spec = forms.load_spec(HERE / "proba.yaml")
    assert spec.id == "formularz-proba"
    assert spec.example == HERE / "proba.example.yaml"
    assert [s.id for s in spec.sections] == ["I", "II", "III"]
    assert {f.type for _s, f in spec.fields()} >= {
        "text",
        "multiline",
        "date",
        "pesel",
        "postal_code",
        "email",
        "phone",
        "integer",
        "checkbox",
        "choice",
        "multichoice",
    }
    group = spec.group("osoby")
    assert group.max == 3 and group.continuation
    assert spec.field("pesel").footnote == 1


def test_every_problem_named_with_file_and_key(tmp_path: Path) -> None:
    path = tmp_path / "zly.yaml"
    path.write_text(
        "id: Zły_Formularz\ntitle: Coś\nfoo: 1\nsections:\n"
        "  - id: I\n    title: A\n    fields:\n"
        "      - {name: imie, label: Imię, type: data}\n"
        "      - {name: imie, label: Drugie}\n"
        "      - {name: wybor, label: W, type: choice}\n"
        "      - {name: p, label: P, footnote: 4}\n",
        encoding="utf-8",
    )
    with pytest.raises(forms.SpecError) as info:
        forms.load_spec(path)
    text = "\n".join(info.value.messages)
    assert all(m.startswith(f"Plik {path}, wiersz ") for m in info.value.messages)
    assert "wiersz 1, klucz id:" in text
    assert "wiersz 3, klucz foo: nieznany klucz (dozwolone: " in text and "sections" in text.split("klucz foo:")[1]
    assert "wiersz 8, klucz sections[0].fields[0].type: nieznany typ „data”" in text
    assert "wiersz 9, klucz sections[0].fields[1].name: nazwa imie występuje" in text
    assert "wiersz 10, klucz sections[0].fields[2].choices" in text  # missing: the line of the field
    assert "wiersz 11, klucz sections[0].fields[3].footnote" in text


def test_a_section_may_print_its_title_without_its_number(tmp_path: Path) -> None:
    path = tmp_path / "o.yaml"
    body = "id: o\ntitle: O\nsections:\n  - {id: I, title: Dane, fields: [{name: a, label: A}]}\n"
    path.write_text(body + "  - {id: II, title: OŚWIADCZENIE, text: T, numbered: false}\n", encoding="utf-8")
    first, second = forms.load_spec(path).sections
    assert (first.heading(), second.heading()) == ("I. Dane", "OŚWIADCZENIE")
    assert second.id == "II"  # still how messages name it
    path.write_text(body + "  - {id: II, title: X, text: T, numbered: nie}\n", encoding="utf-8")
    with pytest.raises(forms.SpecError, match=r"sections\[1\]\.numbered"):
        forms.load_spec(path)


def test_yaml_syntax_error(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("id: [a\n", encoding="utf-8")
    with pytest.raises(forms.SpecError, match="błąd składni YAML"):
        forms.load_spec(path)


def test_spec_errors_in_english(tmp_path: Path) -> None:
    from somflow import i18n

    path = tmp_path / "x.yaml"
    path.write_text(
        "id: x\ntitle: T\nsections: [{id: I, title: A, fields: [{name: a, label: A, type: foo}]}]\n", encoding="utf-8"
    )
    i18n.set_language("en")
    try:
        with pytest.raises(forms.SpecError) as info:
            forms.load_spec(path)
    finally:
        i18n.set_language("pl")
    assert (
        f'File {path}, line 3, key sections[0].fields[0].type: unknown type "foo" (allowed: {", ".join(forms.spec.FIELD_TYPES)})'
        in info.value.messages
    )
