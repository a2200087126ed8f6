"""Data files and form specs from outside: YAML bombs, deep nesting and huge files are refused fast (issue 19, point 4)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from forms_fixtures import FORM_ID, proba_workspace  # noqa: F401 - fixture

from somflow import datalimits
from somflow.errors import InvalidInput
from somflow.forms import datafile
from somflow.forms.spec import SpecError, load_spec
from somflow.workspace import Workspace


def billion_laughs() -> bytes:
    """The classic: nine levels of nine aliases, 10^9 strings once expanded, 584 bytes."""
    lines = ['l0: &l0 ["lol-lol-lol-lol-lol-lol-lol-lol-lol-lol-lol-lol-lol-lol-lol-lol-lol-lol-lol-lol"]']
    for level in range(1, 10):
        lines.append(f"l{level}: &l{level} [" + ",".join([f"*l{level - 1}"] * 9) + "]")
    text = "\n".join(lines) + "\n"
    return (text + "#" * (583 - len(text)) + "\n").encode()


def test_the_billion_laughs_file_is_584_bytes():
    assert len(billion_laughs()) == 584


def test_fill_refuses_a_billion_laughs_data_file(proba_workspace, somflow_cli, tmp_path):
    bomb = tmp_path / "dane.yaml"
    bomb.write_bytes(billion_laughs())
    result = somflow_cli("fill", FORM_ID, "--data", str(bomb))
    assert result.exit_code == 2
    assert f"Plik {bomb} rozwija się w ponad {datalimits.MAX_NODES} elementów" in result.output
    assert "bomba YAML" in result.output
    assert Workspace(proba_workspace).store.query("documents") == []


def test_many_aliases_to_small_things_are_fine(tmp_path):
    """A form's data may repeat an address with an alias: that is not a bomb."""
    source = tmp_path / "dane.yaml"
    source.write_text(
        "adres: &a {ulica: Polna 1, miasto: Gdynia}\n" + "".join(f"osoba{i}: {{adres: *a}}\n" for i in range(200)),
        encoding="utf-8",
    )
    data = datafile.load_mapping(source)
    assert data["osoba199"]["adres"]["miasto"] == "Gdynia"


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_deep_nesting_is_refused(tmp_path, suffix):
    source = tmp_path / f"dane{suffix}"
    depth = 5000 if suffix == ".json" else datalimits.MAX_DEPTH + 5
    source.write_text('{"a": ' + "[" * depth + "1" + "]" * depth + "}", encoding="utf-8")
    with pytest.raises(
        InvalidInput, match=f"zbyt głęboko zagnieżdżone dane \\(ponad {datalimits.MAX_DEPTH} poziomów\\)"
    ):
        datafile.load_mapping(source)


def test_nesting_a_real_form_uses_is_fine(tmp_path):
    source = tmp_path / "dane.json"
    source.write_text(json.dumps({"osoby": [{"adres": {"ulica": "Polna"}}]}), encoding="utf-8")
    assert datafile.load_mapping(source)["osoby"][0]["adres"]["ulica"] == "Polna"


@pytest.mark.parametrize("name", ["dane.yaml", "dane.json", "dane.csv"])
def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch, name):
    monkeypatch.setattr(datalimits, "MAX_BYTES", 1024)
    source = tmp_path / name
    source.write_bytes(b"imie: Ala\n" * 200)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read a file over the limit"))
    with pytest.raises(InvalidInput, match=r"jest za duży \(0.0 MB; najwyżej 0 MB\)"):
        datafile.load(source)


def test_a_spec_file_that_is_a_bomb_is_a_spec_error(tmp_path):
    spec = tmp_path / "bomba.yaml"
    spec.write_bytes(billion_laughs())
    with pytest.raises(SpecError, match="bomba YAML"):
        load_spec(spec)


def test_a_date_that_does_not_exist_gets_the_forms_own_message(proba_workspace, somflow_cli, tmp_path):
    """YAML reads 2026-02-30 as a date and Python cannot build it: it stays text for the field's check."""
    from forms_fixtures import EXAMPLE

    source = tmp_path / "dane.yaml"
    source.write_text(
        EXAMPLE.read_text(encoding="utf-8").replace('data_urodzenia: "2015-04-01"', "data_urodzenia: 2015-02-30"),
        encoding="utf-8",
    )
    result = somflow_cli("fill", FORM_ID, "--data", str(source))
    assert result.exit_code == 2
    assert "„Data urodzenia”" in result.output and "Nieoczekiwany" not in result.output
