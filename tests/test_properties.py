"""Property-based tests (hypothesis) of the parsers that take outside input (issue 19, point 9).

Whatever a user, a spreadsheet, a scanner or a plugin author hands them, these
parsers answer or refuse with somflow's own error (a Polish message), never
with a traceback. Example counts are kept modest so the suite stays fast.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from somflow import calendar, csvfile, pesel
from somflow.errors import SomflowError
from somflow.forms import datafile
from somflow.forms.spec import load_spec, spec_from_dict
from somflow.inbox import qr

FEW = settings(
    max_examples=int(__import__("os").environ.get("SOMFLOW_HYPOTHESIS_EXAMPLES", 60)),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

#: Text as it comes from spreadsheets and keyboards: digits, separators, Polish letters, odd Unicode.
texts = st.text(
    alphabet=st.characters(codec="utf-8") | st.sampled_from("0123456789;,\t\"'\r\n =-+.:/ąęółśżźćńĄĘÓŁŚŻŹĆŃ٣²"),
    max_size=80,
)
scalars = (
    st.none() | st.booleans() | st.integers(min_value=-(10**20), max_value=10**20) | st.floats(allow_nan=True) | texts
)
#: Parsed YAML/JSON of any shape.
documents = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4), max_leaves=25
)


def only_our_errors(call, *args):
    try:
        return call(*args)
    except SomflowError:
        return None


# ------------------------------------------------------------------ PESEL


@FEW
@given(value=scalars)
@example(value="44051401359")
@example(value=44051401359.0)
@example(value='="02070803628"')
@example(value="4405140135٩")
def test_pesel_check_answers_every_value(value):
    found = pesel.check(value, date(2026, 12, 6))
    assert (found.problem is None) == (found.number is not None)
    if found.number is not None:
        assert len(found.number) == 11 and found.number.isascii() and found.number.isdigit()
        assert found.born == pesel.birth_date(found.number)


# ------------------------------------------------------------------ dates


@FEW
@given(text=scalars | st.dates().map(lambda d: d.strftime("%d.%m.%Y")) | st.dates().map(date.isoformat))
@example(text="31.04.2026")
@example(text="0000-01-01")
@example(text="29.02.99999999999999999999")
def test_parse_date_gives_a_day_or_none(text):
    day = calendar.parse_date(text)
    assert day is None or isinstance(day, date)


@FEW
@given(text=texts)
def test_a_date_option_is_a_day_or_a_polish_message(text):
    only_our_errors(calendar.option_date, text, "--dnia")


# ------------------------------------------------------------------ QR payloads


@FEW
@given(
    text=texts
    | st.builds(
        lambda i, p: f"SOMFLOW:DOC:{i}:P{p}",
        st.text("0123456789ABCDEFGHJKMNPQRSTVWXYZilo", min_size=24, max_size=28),
        st.integers(-5, 100000),
    )
)
@example(text="somflow:doc:01jk2m3n4p5q6r7s8t9v0w1x2y:p1")
@example(text="SOMFLOW:DOC:01JK2M3N4P5Q6R7S8T9V0W1X2Y:P0")
def test_qr_payload_is_a_page_code_or_none(text):
    code = qr.parse(text)
    assert code is None or (len(code.document_id) == 26 and 1 <= code.page <= 9999)


# ------------------------------------------------------------------ CSV


@FEW
@given(
    text=texts
    | st.lists(st.lists(texts, max_size=5), max_size=6).map(lambda rows: "\n".join(";".join(r) for r in rows))
)
@example(text='"unterminated;quote\n')
@example(text="a;b\n" + "x" * 200_000)
@example(text="sep=|\na|b\n1|2")
def test_csv_rows_answer_or_refuse_in_polish(text):
    found = only_our_errors(csvfile.rows, text, "lista.csv")
    if found is not None:
        _header, rows = found
        assert all(line >= 1 for line, _cells in rows)


@FEW
@given(cells=st.lists(st.lists(texts, min_size=1, max_size=4), min_size=1, max_size=4))
def test_what_csvfile_writes_reads_back_without_formulas(cells):
    out = io.StringIO()
    csvfile.writer(out, delimiter=";").writerows(cells)
    back = list(csv.reader(io.StringIO(out.getvalue(), newline=""), delimiter=";"))
    assert len(back) == len(cells)
    assert not any(c.startswith(csvfile.FORMULA_START) for row in back for c in row)


@FEW
@given(
    content=st.binary(max_size=300)
    | texts.map(lambda t: t.encode("utf-8"))
    | texts.map(lambda t: t.encode("cp1250", "replace"))
)
@example(content=b"imie;nazwisko;umowa\nAla;Kot;umowa-o-prace\n")
@example(content=b"Imi\xea;Nazwisko;Klasa\nAla;Kot;1a\n")
@example(content=b"\xff\xfeI\x00")
@example(content=b"a;b\n" + b"x" * 200_000)
def test_csv_imports_answer_or_refuse_in_polish(content, tmp_path):
    from somflow_vetting import csv_import

    from somflow.people import classlist

    path = tmp_path / "lista.csv"
    path.write_bytes(content)
    only_our_errors(datafile.load, path)
    only_our_errors(csv_import.read_rows, path)
    only_our_errors(classlist.parse, content, "lista.csv", date(2026, 12, 6))
    assert classlist.is_class_list(path) in (True, False)


# ------------------------------------------------------------------ data files


@FEW
@given(text=documents.map(lambda d: json.dumps(d, ensure_ascii=False)) | texts)
@example(text='{"pesel": ' + "1" * 5000 + "}")
def test_json_data_files_answer_or_refuse_in_polish(text, tmp_path):
    path = tmp_path / "dane.json"
    path.write_text(text, encoding="utf-8")
    loaded = only_our_errors(datafile.load_mapping, path)
    assert loaded is None or isinstance(loaded, dict)


@FEW
@given(text=texts | documents.map(lambda d: yaml.safe_dump(d, allow_unicode=True)))
@example(text="a: &x [1]\nb: *x\nc: !!python/object:os.system {}\n")
@example(text="a: *nowhere\n")
@example(text="? [a, b]\n: c\n")
@example(text="2026-12-06: dzień\n")
@example(text="data_urodzenia: 2026-02-30\n")
@example(text="godzina: 2026-02-03 25:00:00\n")
@example(text="pesel: " + "1" * 5000 + "\n")
def test_yaml_data_files_answer_or_refuse_in_polish(text, tmp_path):
    path = tmp_path / "dane.yaml"
    path.write_text(text, encoding="utf-8")
    loaded = only_our_errors(datafile.load_mapping, path)
    assert loaded is None or isinstance(loaded, dict)


# ------------------------------------------------------------------ form specs


def spec_like():
    """Specs close to real ones, so the checker is exercised beyond its first refusal."""
    field = st.fixed_dictionaries(
        {"name": st.sampled_from(["imie", "pesel", "data", "", "Zły", 5])},
        optional={
            "type": st.sampled_from(["text", "pesel", "date", "choice", "multichoice", "number", "x", None]),
            "label": texts | st.dictionaries(st.sampled_from(["pl", "en"]), texts),
            "required": scalars,
            "choices": documents,
            "max_length": scalars,
        },
    )
    section = st.fixed_dictionaries(
        {"title": texts}, optional={"fields": st.lists(field | documents, max_size=3), "groups": documents}
    )
    return st.fixed_dictionaries(
        {
            "id": st.sampled_from(["formularz-x", "", "Zły Id", 7]),
            "title": texts | documents,
            "sections": st.lists(section | documents, max_size=3),
        },
        optional={"version": scalars, "example": documents, "language": scalars},
    )


@FEW
@given(raw=documents | spec_like())
def test_the_spec_checker_refuses_any_shape_with_spec_errors(raw):
    only_our_errors(spec_from_dict, raw, Path("x.yaml"))


@FEW
@given(content=st.binary(max_size=200) | documents.map(lambda d: yaml.safe_dump(d, allow_unicode=True).encode("utf-8")))
@example(content=b"\xff\xfe")
@example(content=b"id: [\n")
@example(content=b"id: 2026-02-30\n")
def test_spec_files_load_or_refuse_with_spec_errors(content, tmp_path):
    path = tmp_path / "formularz.yaml"
    path.write_bytes(content)
    only_our_errors(load_spec, path)


@FEW
@given(flat=st.dictionaries(st.from_regex(r"\A(osoby|imie|x)-[0-9]{1,12}-(imie|pesel)\Z") | texts, texts, max_size=6))
@example(flat={"osoby-999999999-imie": "Ala"})
def test_numbered_columns_unflatten_or_refuse_in_polish(flat):
    from forms_fixtures import FORMS

    spec = load_spec(FORMS / "proba.yaml")
    data = only_our_errors(datafile.unflatten, spec, flat)
    assert data is None or all(len(v) <= datafile.MAX_GROUP_ROWS for v in data.values() if isinstance(v, list))


# ------------------------------------------------------------------ the store file


@FEW
@given(
    raw=st.binary(max_size=200)
    | documents.map(lambda d: json.dumps(d).encode())
    | st.sampled_from([b"", b" \n", b"{}", b'{"people": {}}'])
)
@example(raw=b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
@example(raw=b'{"a": {"x": ' + b"1" * 5000 + b"}}")
def test_a_store_file_is_a_store_or_refused(raw):
    from somflow.store import jsonfile

    try:
        data = jsonfile.parse(raw)
    except jsonfile.NotAStore:
        return
    assert raw.strip() and isinstance(data, dict) and jsonfile.record_count(data) >= 0
