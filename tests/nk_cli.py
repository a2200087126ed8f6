"""Driving ``somflow nk`` in the tests: open a case and walk it through its steps as a secretary would."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from nk_data import payload, write

from somflow.workspace import Workspace

PEDAGOG = "Anna Kowalska, pedagog szkolny"
MOTHER = "Łucja Żak"


def ok(result) -> str:
    assert result.exit_code == 0, result.output
    return result.output


def new_case(cli, folder: Path, **kw: Any) -> str:
    """``somflow nk new --data case.yaml``; returns the case id."""
    data = kw.pop("data", None) or payload(**kw)
    out = ok(cli("nk", "new", "--data", str(write(folder / "case.yaml", data))))
    return re.search(r"sprawę NK ([0-9A-Z]{26})", out).group(1)


def start(cli, case_id: str, day: str = "2026-11-17", *extra: str) -> str:
    return ok(
        cli(
            "nk",
            "step",
            case_id,
            "wszczecie",
            "--dnia",
            day,
            "--osoba",
            PEDAGOG,
            "--rola",
            "pedagog_psycholog",
            "--obecna-osoba",
            MOTHER,
            "--obecna-rola",
            "osoba_najblizsza",
            *extra,
        )
    )


def snapshot(root: Path) -> tuple:
    """What a refused command must leave as it was: the cases, the documents and the files in documents/."""
    store = Workspace(root).store
    files = sorted(p.name for p in (root / "documents").glob("*")) if (root / "documents").is_dir() else []
    return store.query("nk_cases"), store.query("documents"), files


#: Where the unit's letters go (somflow.toml sections read by the core's somflow_addressee fallback).
LETTER_ROUTES = """
[policja]
name = "Komisariat Policji Gdynia-Śródmieście"
address = "ul. Portowa 15, 81-350 Gdynia"

[prokuratura]
name = "Prokuratura Rejonowa w Gdyni"
address = "ul. Przykładowa 2, 81-000 Gdynia"

[sad_rodzinny]
name = "Sąd Rejonowy w Gdyni, III Wydział Rodzinny i Nieletnich"
address = "ul. Przykładowa 1, 81-000 Gdynia"
"""


def route_letters(root: Path) -> None:
    """Give the workspace the addressees of the letters to the police, the prosecutor and the family court."""
    with (root / "somflow.toml").open("a", encoding="utf-8") as file:
        file.write(LETTER_ROUTES)
