"""Fill benchmark: somflow's fill against fillpdf, pypdf and pdftk-java on the same template, in one run.

    .venv/bin/python bench/fill.py [--runs 10] [--batch 600]

Part 1, one NK-A-sized form (300 fields: 240 text, 40 checkboxes, 20 radio
groups) built by ``somflow forms build``'s code with DejaVu Sans, filled with
Polish values. For each tool: milliseconds per fill (median of ``--runs``),
then correctness on its output: text values pypdf reads back exactly, text
fields of page 1 with visible ink when NeedAppearances is removed (the viewer
draws only what the tool wrote; pdftoppm), and values ``pdftotext`` finds in a
flattened copy (pikepdf's flatten_annotations, which keeps the tool's
appearances).

Part 2, a batch of ``--batch`` one-page consent forms through
``forms.generate_many``: validation, fill, QR code on every page, files under
documents/ and store records, plus the merged printable PDF; fillpdf's
``write_fillable_pdf`` on the same template and data (no QR, no records) for
comparison.

pdftk-java is measured when ``pdftk`` is on PATH; the benchmark installs
nothing (Debian/Ubuntu: ``apt-get install pdftk-java``).

Times are wall clock with CPU time in brackets: on a shared, busy machine the
wall time includes waiting for a core, the CPU time is the work itself.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pikepdf
import yaml
from PIL import Image
from pypdf import PdfReader, PdfWriter

from somflow import forms
from somflow.config import DEMO_VALUES
from somflow.forms import acroform
from somflow.forms.documents import flatten_pdf
from somflow.forms.spec import spec_from_dict
from somflow.workspace import Workspace, create

POLISH = [
    "Zażółć gęślą jaźń",
    "Łucja Żółkiewska",
    "ul. Źródlana 12",
    "Gdańsk-Oliwa",
    "Świętokrzyskie Ćmy",
    "Mąż Ślązaczki",
    "Ńeśka Óśka",
]


def big_spec() -> dict:
    sections = []
    for s in range(10):
        fields = [
            {
                "name": f"t{s}_{i}",
                "label": {"pl": f"Pole tekstowe {s}.{i} — źdźbło", "en": f"Text {s}.{i}"},
                "width": 0.5,
            }
            for i in range(24)
        ]
        fields += [
            {"name": f"c{s}_{i}", "label": f"Zaznaczenie {s}.{i}", "type": "checkbox", "width": 0.25} for i in range(4)
        ]
        fields += [
            {
                "name": f"r{s}_{i}",
                "label": f"Wybór {s}.{i}",
                "type": "choice",
                "width": 0.5,
                "choices": [
                    {"value": "tak", "label": "Tak"},
                    {"value": "nie", "label": "Nie"},
                    {"value": "nu", "label": "Nie ustalono"},
                ],
            }
            for i in range(2)
        ]
        sections.append({"id": "IVXLCDM"[s % 7] + str(s), "title": f"Sekcja {s}", "fields": fields})
    return {"id": "bench-300", "title": "Formularz 300 pól (jak NK-A)", "sections": sections, "signature": ["(podpis)"]}


def big_data() -> dict:
    data = {}
    for s in range(10):
        for i in range(24):
            data[f"t{s}_{i}"] = f"{POLISH[(s + i) % len(POLISH)]} {s}-{i}"
        for i in range(4):
            data[f"c{s}_{i}"] = (s + i) % 2 == 0
        for i in range(2):
            data[f"r{s}_{i}"] = ("tak", "nie", "nu")[(s + i) % 3]
    return data


CONSENT = {
    "id": "bench-zgoda",
    "title": "Zgoda na publikację wizerunku dziecka",
    "sections": [
        {
            "id": "I",
            "title": "Dane",
            "text": "Wyrażam zgodę na nieodpłatne utrwalenie i rozpowszechnianie wizerunku mojego dziecka.",
            "fields": [
                {"name": "dziecko", "label": "Imię i nazwisko dziecka", "required": True, "width": 0.6},
                {"name": "klasa", "label": "Klasa", "width": 0.4},
                {"name": "rodzic", "label": "Imię i nazwisko rodzica", "required": True},
                {"name": "strona", "label": "Strona internetowa placówki", "type": "checkbox", "width": 0.5},
                {"name": "gazetka", "label": "Gazetka szkolna", "type": "checkbox", "width": 0.5},
            ],
        }
    ],
    "signature": ["(miejscowość i data)", "(czytelny podpis rodzica)"],
}


def cpu_time() -> float:
    """CPU seconds of this process (fine-grained) and of its finished children (pdftk)."""
    children = os.times()
    return time.process_time() + children.children_user + children.children_system


def timed(fn, runs: int) -> str:
    """ "wall ms (CPU ms)": medians of ``runs``. CPU time (this process and its children) shows the
    work itself when the shared machine is busy and wall time waits for a core."""
    walls, cpus = [], []
    for _ in range(runs):
        before, start = cpu_time(), time.perf_counter()
        fn()
        wall = time.perf_counter() - start
        walls.append(wall)
        cpus.append(cpu_time() - before)
    return f"{statistics.median(walls) * 1e3:.1f} ({statistics.median(cpus) * 1e3:.0f})"


# ---------------------------------------------------------------- the fills


def somflow_fill(template: bytes, values: dict, flatten: bool = False) -> bytes:
    pdf = pikepdf.open(io.BytesIO(template))
    acroform.fill(pdf, values)
    if flatten:
        flatten_pdf(pdf)
    return acroform.save_filled(pdf)


def fillpdf_fill(template_path: Path, values: dict, out: Path) -> bytes:
    from fillpdf import fillpdfs

    data = {k: ("Yes" if v is True else "Off" if v is False else v) for k, v in values.items()}
    fillpdfs.write_fillable_pdf(str(template_path), str(out), data)
    return out.read_bytes()


def pypdf_fill(template: bytes, values: dict) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(template))
    text = {k: v for k, v in values.items() if isinstance(v, str)}
    buttons = {k: ("/Yes" if v is True else "/Off") for k, v in values.items() if isinstance(v, bool)}
    for page in writer.pages:
        writer.update_page_form_field_values(page, {**text, **buttons}, auto_regenerate=False)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdftk_fill(template_path: Path, values: dict, folder: Path) -> bytes:
    from xml.sax.saxutils import escape

    fields = "".join(
        f'<field name="{k}"><value>{escape("Yes" if v is True else "Off" if v is False else str(v))}</value></field>'
        for k, v in values.items()
    )
    xfdf = folder / "data.xfdf"
    xfdf.write_text(
        f'<?xml version="1.0" encoding="UTF-8"?><xfdf xmlns="http://ns.adobe.com/xfdf/"><fields>{fields}</fields></xfdf>',
        encoding="utf-8",
    )
    out = folder / "pdftk.pdf"
    subprocess.run(
        ["pdftk", str(template_path), "fill_form", str(xfdf), "output", str(out)], check=True, capture_output=True
    )
    return out.read_bytes()


# ------------------------------------------------------------- correctness


def without_need_appearances(content: bytes) -> pikepdf.Pdf:
    pdf = pikepdf.open(io.BytesIO(content))
    if "/AcroForm" in pdf.Root and "/NeedAppearances" in pdf.Root.AcroForm:
        del pdf.Root.AcroForm["/NeedAppearances"]
    return pdf


def check(content: bytes, text_values: dict, folder: Path) -> tuple[str, str, str]:
    fields = PdfReader(io.BytesIO(content)).get_fields() or {}
    read = sum(1 for k, v in text_values.items() if k in fields and fields[k].get("/V") == v)
    # visible: page 1 rendered with NeedAppearances removed
    pdf = without_need_appearances(content)
    rects = [
        [float(x) for x in w.Rect]
        for name, f, ws in acroform.terminal_fields(pdf)
        if name in text_values
        for w in ws
        if w.get("/P") is not None and w.P.objgen == pdf.pages[0].obj.objgen
    ]
    plain = folder / "plain.pdf"
    pdf.save(plain)
    subprocess.run(
        ["pdftoppm", "-r", "50", "-gray", "-png", "-f", "1", "-l", "1", str(plain), str(folder / "p")], check=True
    )
    image = Image.open(next(folder.glob("p*.png"))).convert("L")
    scale = 50 / 72
    visible = 0
    for x1, y1, x2, y2 in rects:
        box = (int(x1 * scale) + 2, int((841.89 - y2) * scale) + 2, int(x2 * scale) - 2, int((841.89 - y1) * scale) - 2)
        visible += sum(image.crop(box).histogram()[:128]) > 5
    for p in folder.glob("p*.png"):
        p.unlink()
    # flattened copy keeps only the appearances the tool wrote
    flatten_pdf(pdf)
    pdf.save(plain)
    text = subprocess.run(["pdftotext", str(plain), "-"], capture_output=True, text=True, encoding="utf-8").stdout
    flat = sum(1 for v in text_values.values() if v in text)
    return f"{read}/{len(text_values)}", f"{visible}/{len(rects)}", f"{flat}/{len(text_values)}"


def table(rows: list[tuple], head: tuple) -> None:
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    line = lambda r: "  ".join(str(c).ljust(w) for c, w in zip(r, widths))  # noqa: E731
    print(line(head))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(line(r))


def part_one(folder: Path, runs: int) -> None:
    spec = spec_from_dict(big_spec())
    template = acroform.build_template(spec, "pl")
    template_path = folder / "bench-300.pdf"
    template_path.write_bytes(template)
    data = big_data()
    values = acroform.pdf_values(spec, data)
    text_values = {k: v for k, v in values.items() if isinstance(v, str) and k.startswith("t")}
    rows = []
    ours = somflow_fill(template, values)
    rows.append(
        (
            "somflow (pikepdf + own appearances)",
            timed(lambda: somflow_fill(template, values), runs),
            *check(ours, text_values, folder),
        )
    )
    rows.append(
        ("somflow, flattened", timed(lambda: somflow_fill(template, values, flatten=True), runs), "–", "–", "–")
    )
    try:
        out = folder / "fillpdf.pdf"
        theirs = fillpdf_fill(template_path, values, out)
        rows.append(
            (
                "fillpdf write_fillable_pdf",
                timed(lambda: fillpdf_fill(template_path, values, out), runs),
                *check(theirs, text_values, folder),
            )
        )
    except Exception as exc:  # a peer failing is a result, not a crash of the benchmark
        rows.append(("fillpdf write_fillable_pdf", f"error: {type(exc).__name__}: {exc}"[:60], "–", "–", "–"))
    theirs = pypdf_fill(template, values)
    rows.append(
        (
            "pypdf update_page_form_field_values",
            timed(lambda: pypdf_fill(template, values), max(3, runs // 3)),
            *check(theirs, text_values, folder),
        )
    )
    if shutil.which("pdftk"):
        theirs = pdftk_fill(template_path, values, folder)
        rows.append(
            (
                "pdftk-java fill_form (a process)",
                timed(lambda: pdftk_fill(template_path, values, folder), 3),
                *check(theirs, text_values, folder),
            )
        )
    else:
        rows.append(("pdftk-java fill_form", "not installed (apt-get install pdftk-java)", "–", "–", "–"))
    print(f"\n1) one form, 300 fields ({len(text_values)} text values with Polish letters), median of {runs} runs\n")
    table(rows, ("tool", "ms / fill (CPU ms)", "values read back (pypdf)", "visible, page 1", "in flattened text"))


def part_two(folder: Path, count: int) -> None:
    root = create(folder / "workspace", DEMO_VALUES)
    spec_path = folder / "bench-zgoda.yaml"
    spec_path.write_text(yaml.safe_dump(CONSENT, allow_unicode=True), encoding="utf-8")
    (root / "plugins").mkdir()
    (root / "plugins" / "bench_forms.py").write_text(
        f"from pathlib import Path\nfrom somflow import forms, hookimpl\n\n@hookimpl\ndef somflow_register_forms(register):\n    register(forms.load_spec(Path({str(spec_path)!r})))\n",
        encoding="utf-8",
    )
    rows = [
        {
            "dziecko": f"Zośka Żabińska {i}",
            "klasa": f"{i % 8 + 1}b",
            "rodzic": f"Łukasz Ścibór {i}",
            "strona": i % 2 == 0,
            "gazetka": True,
        }
        for i in range(count)
    ]
    workspace = Workspace(root)
    forms.registry(workspace)
    from somflow.forms.documents import generate_many

    cpu0, start = cpu_time(), time.perf_counter()
    docs = generate_many(workspace, "bench-zgoda", rows)
    merged = pikepdf.new()
    for doc in docs:
        with pikepdf.open(root / doc["file"]) as pdf:
            flatten_pdf(pdf)
            merged.pages.extend(pdf.pages)
    merged.save(folder / "klasa.pdf")
    ours, ours_cpu = time.perf_counter() - start, cpu_time() - cpu0
    spec = forms.get(workspace, "bench-zgoda")
    template_path = folder / "zgoda.pdf"
    template_path.write_bytes(acroform.build_template(spec, "pl"))
    sample = min(count, 100)
    cpu0, start = cpu_time(), time.perf_counter()
    for i in range(sample):
        fillpdf_fill(template_path, acroform.pdf_values(spec, rows[i]), folder / "f.pdf")
    theirs = (time.perf_counter() - start) * count / sample
    theirs_cpu = (cpu_time() - cpu0) * count / sample
    print(f"\n2) batch of {count} one-page consent forms\n")
    table(
        [
            (
                "somflow generate_many + merged PDF",
                f"{ours:.1f} ({ours_cpu:.1f})",
                "yes",
                "yes",
                f"{len(docs)} records, {len(list((root / 'documents').glob('*.pdf')))} files",
            ),
            (
                "fillpdf write_fillable_pdf" + (f" (~, from {sample})" if sample < count else ""),
                f"{theirs:.1f} ({theirs_cpu:.1f})",
                "no",
                "no",
                "none",
            ),
        ],
        ("tool", "s total (CPU s)", "validation", "QR on pages", "store"),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--batch", type=int, default=600)
    args = parser.parse_args()
    load = f", load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores" if hasattr(os, "getloadavg") else ""
    print(f"Python {sys.version.split()[0]}, pikepdf {pikepdf.__version__}{load}")
    with tempfile.TemporaryDirectory() as tmp:
        part_one(Path(tmp), args.runs)
        part_two(Path(tmp), args.batch)


if __name__ == "__main__":
    main()
