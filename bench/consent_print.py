"""How fast a school's consent forms print, against filling the same template with pypdf, in one run.

    .venv/bin/python bench/consent_print.py [--children 600] [--peer-children 60]

Goal (issue 5, with the time goal of the forms issue): 600 consent forms from a
class-list CSV → one PDF ready to print, a QR code on every page, a
``documents`` record per child, in under 20 s on this 2-core machine.

* somflow: ``somflow consent import`` of a generated CSV, then
  ``printing.print_forms`` — validation, the filled template with field
  appearances drawn by somflow, a QR code stamped on every page, the PDF of each
  child written with fsync, every record in one store transaction, and the
  merged, flattened print file with one shared copy of the font;
* peer: pypdf (the fastest correct filler measured in the forms issue) fills
  the same AcroForm template with the same values for each child
  (``auto_regenerate`` appearances) and appends it to one output PDF —
  no QR codes, no records, no per-child files. Being slow, it runs on
  ``--peer-children`` forms; its time for the full count is projected from that.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from pypdf import PdfReader, PdfWriter  # noqa: E402
from somflow_image_consent import children as children_mod  # noqa: E402
from somflow_image_consent import printing  # noqa: E402

from somflow.config import DEMO_VALUES  # noqa: E402
from somflow.forms import acroform  # noqa: E402
from somflow.forms.catalog import get  # noqa: E402
from somflow.forms.documents import template  # noqa: E402
from somflow.people import classlist  # noqa: E402
from somflow.plugins import PluginHost  # noqa: E402
from somflow.workspace import Workspace, create  # noqa: E402

FIRST = ["Zofia", "Łucja", "Jan", "Ścibor", "Żaneta", "Michał", "Ewa", "Gęślą", "Oliwia", "Jakub"]
LAST = ["Żak", "Łęcka", "Nowak", "Wójcik", "Źrebiec", "Kowalska", "Dąbrowski", "Wiśniewska"]


def school_csv(path: Path, count: int) -> Path:
    lines = ["Imię;Nazwisko;Klasa;Rodzic 1"]
    for i in range(count):
        lines.append(
            f"{FIRST[i % len(FIRST)]};{LAST[i % len(LAST)]}-{i};{1 + i // 75}{'abc'[i % 3]};Rodzic {LAST[i % len(LAST)]}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def peer_pypdf(template_bytes: bytes, rows: list[dict], out: Path) -> None:
    merged = PdfWriter()
    for row in rows:
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(template_bytes)))
        for page in writer.pages:
            writer.update_page_form_field_values(page, row, auto_regenerate=True)
        buffer = io.BytesIO()
        writer.write(buffer)
        merged.append(PdfReader(buffer))
    with out.open("wb") as f:
        merged.write(f)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=600)
    parser.add_argument("--peer-children", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = create(Path(tmp) / "ws", DEMO_VALUES)
        ws = Workspace(root, PluginHost(root))
        t0 = time.perf_counter()
        classlist.import_file(ws.store, school_csv(Path(tmp) / "szkola.csv", args.children))
        t_import = time.perf_counter() - t0
        kids = children_mod.in_groups(ws, None)
        out = Path(tmp) / "szkola.pdf"
        t0, c0 = time.perf_counter(), time.process_time()
        printed = printing.print_forms(ws, kids, out=None)
        t_generate = time.perf_counter() - t0
        printing.merge(ws, printed.documents, out)
        t_somflow, cpu_somflow = time.perf_counter() - t0, time.process_time() - c0
        size = out.stat().st_size

        spec = get(ws, "zgoda-na-wizerunek")
        start, end = date(2026, 9, 1), date(2027, 8, 31)
        rows = []
        for child in kids[: args.peer_children]:
            values = acroform.pdf_values(spec, printing.prefill(ws, child, start, end))
            rows.append({k: v for k, v in values.items() if isinstance(v, str)})
        peer_out = Path(tmp) / "peer.pdf"
        t0, c0 = time.perf_counter(), time.process_time()
        peer_pypdf(template(spec), rows, peer_out)
        t_peer, cpu_peer = time.perf_counter() - t0, time.process_time() - c0
        peer_pages = len(PdfReader(peer_out).pages)

    n, m = len(printed.documents), len(rows)
    load = f", load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores" if hasattr(os, "getloadavg") else ""
    print(f"Consent forms for a school: {n} children ({printed.pages} pages), import of the CSV {t_import:.2f} s{load}")
    print()
    print(
        f"| {'method':<60} | {'forms':>5} | {'pages':>5} | {'seconds':>8} | {'ms/form':>7} | {'s for ' + str(n):>9} | {'MB':>5} |"
    )
    print(f"|{'-' * 62}|{'-' * 7}|{'-' * 7}|{'-' * 10}|{'-' * 9}|{'-' * 11}|{'-' * 7}|")
    print(
        f"| {'somflow consent print (QR, records, merged, flattened)':<60} | {n:>5} | {printed.pages:>5} | {t_somflow:>8.2f} | {1000 * t_somflow / n:>7.1f} | {t_somflow:>9.1f} | {size / 1e6:>5.1f} |"
    )
    projected = t_peer / m * n
    print(
        f"|   {'of which: forms.generate_many (validate, fill, QR, records)':<58} | {n:>5} | {printed.pages:>5} | {t_generate:>8.2f} | {1000 * t_generate / n:>7.1f} | {t_generate:>9.1f} | {'':>5} |"
    )
    t_merge = t_somflow - t_generate
    print(
        f"|   {'of which: merge into one print file (flatten, fonts)':<58} | {n:>5} | {printed.pages:>5} | {t_merge:>8.2f} | {1000 * t_merge / n:>7.1f} | {t_merge:>9.1f} | {'':>5} |"
    )
    print(
        f"| {'peer: pypdf fill + append (no QR, no records)':<60} | {m:>5} | {peer_pages:>5} | {t_peer:>8.2f} | {1000 * t_peer / m:>7.1f} | {projected:>8.1f}* | {'':>5} |"
    )
    print()
    goal = 20 * n / 600  # the goal is 600 forms in 20 s
    print(f"* projected from {m} forms; somflow is {projected / t_somflow:.1f}x the peer's speed.")
    print(
        f"CPU time of this process: somflow {cpu_somflow:.1f} s, peer {cpu_peer:.1f} s for {m} forms ({cpu_peer / m * n:.1f} s projected);"
        f" wall time above counts waiting for the 2 shared cores too."
    )
    print(
        f"Goal: 600 forms under 20 s (here {n} under {goal:.1f} s): {'MET' if t_somflow < goal else 'NOT MET'} ({t_somflow:.1f} s)."
    )


if __name__ == "__main__":
    sys.exit(main())
