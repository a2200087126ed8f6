"""Helpers for the vetting tests: valid PESEL numbers, adding people and reading the status as JSON."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

from stdnum.pl import pesel as stdnum_pesel

CENTURY_OFFSET = {18: 80, 19: 0, 20: 20, 21: 40, 22: 60}


def make_pesel(born: date, serial: int = 123, check_ok: bool = True) -> str:
    """A PESEL for ``born`` (any century 1800–2299) with a correct (or, with ``check_ok=False``, wrong) check digit."""
    month = born.month + CENTURY_OFFSET[born.year // 100]
    body = f"{born.year % 100:02d}{month:02d}{born.day:02d}{serial:04d}"
    digit = int(stdnum_pesel.calc_check_digit(body))
    return body + str(digit if check_ok else (digit + 1) % 10)


def add_person(cli, *options: str) -> int:
    """``somflow vetting add`` with ``options``; returns the new person's number."""
    result = cli("vetting", "add", *options)
    assert result.exit_code == 0, result.output
    return int(result.output.split("nr ", 1)[1].split(".", 1)[0])


def status(cli) -> dict:
    """``somflow vetting status --json`` parsed, people keyed by number."""
    result = cli("vetting", "status", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    return {p["nr"]: p for p in data["people"]} | {"starting_soon": data["starting_soon"]}


def printout(path: Path, lines: list[str]) -> Path:
    """A register printout as saved from the browser: a digital PDF with text, no somflow code."""
    from inbox_fixtures import _font
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setFont(_font(), 11)
    for i, line in enumerate(lines):
        pdf.drawString(2 * cm, A4[1] - 3 * cm - i * 0.7 * cm, line)
    pdf.showPage()
    pdf.save()
    path.write_bytes(buffer.getvalue())
    return path


def stored(root) -> list[dict]:
    """Every member of staff as vetting reads them (register fields joined with the vetting record)."""
    from somflow_vetting import records

    from somflow.workspace import Workspace

    return records.all_people(Workspace(root))


def stored_nr(root, nr: int) -> dict:
    """The member of staff with person number ``nr``, as vetting reads them."""
    (person,) = [p for p in stored(root) if p["nr"] == nr]
    return person
