"""The report on the implementation of the standards (seed 001 ch. XI) as a PDF for the head to sign.

Sections as the seed lists them: aim and areas analysed; methods, tools and
criteria; results (areas needing change or closer attention first);
conclusions and recommendations. Figures come from the acknowledgment
register, the register of reports and proposed changes, the latest survey
rounds and the case counts every plugin gives through ``somflow_unit_summary``.
The survey results are also drawn as a chart (reportlab's own bar chart, vector graphics).
The text is set in DejaVu Sans, so Polish letters print and extract correctly.
"""

from __future__ import annotations

import hashlib
import io
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from somflow_standards import acknowledgments, people, register, survey
from somflow_standards.schedule import REPORTS, report_due
from somflow_standards.settings import Settings

from somflow import calendar
from somflow.fileio import make_private_dir, write_private
from somflow.forms.documents import COLLECTION as DOCUMENTS
from somflow.forms.documents import STATUS_GENERATED
from somflow.forms.fonts import register_reportlab
from somflow.forms.stamp import SIZE as QR_SIZE
from somflow.forms.stamp import TOP_GAP as QR_TOP_GAP
from somflow.forms.stamp import stamp
from somflow.i18n import _, ngettext, pick
from somflow.inbox.filing import relative as relative_path
from somflow.people.mentions import known_names, mask  # stored paths: relative, forward slashes
from somflow.unitkind import unit_type
from somflow.workspace import Workspace

if TYPE_CHECKING:
    from reportlab.graphics.shapes import Drawing

#: A closed question where at least this share answered "nie" is an area needing attention.
ATTENTION_SHARE = 0.2
#: Questions where "tak" is the worrying answer (a breach was observed).
TAK_IS_BAD = {"zaobserwowal_naruszenie"}
GROUP_LABELS = people.GROUP_LABELS


@dataclass
class Figures:
    """Everything the report says, gathered from the store before anything is drawn."""

    year: int
    period_start: date
    period_end: date
    due: date
    acks: list[tuple[str, int, int]] = field(default_factory=list)  # group, people, acknowledged
    version: str = ""
    entries: list[dict[str, Any]] = field(default_factory=list)
    surveys: list[survey.Summary] = field(default_factory=list)
    cases: list[tuple[str, int]] = field(default_factory=list)
    attention: list[str] = field(default_factory=list)


def gather(workspace: Workspace, settings: Settings, year: int, today: date) -> Figures:
    store = workspace.store
    # From the previous report (or two years before this one's date) up to today.
    earlier = [date.fromisoformat(r["generated"]) for r in store.query(REPORTS) if r["year"] < year]
    start = max(earlier, default=settings.first_report.replace(year=year - 2))
    end = today
    figures = Figures(year=year, period_start=start, period_end=end, due=report_due(settings, year))
    version = acknowledgments.current_version(store)
    figures.version = version.version
    done = acknowledgments.acknowledged_ids(store, version.version)
    for group in people.GROUPS:
        members = people.everyone(store, group)
        figures.acks.append((group, len(members), sum(1 for p in members if p.id in done)))
    figures.entries = register.entries(store, since=start, until=end)
    for name in survey.SURVEYS:
        latest = survey.latest_round(store, name)
        if latest is not None:
            figures.surveys.append(survey.summarize(store, latest, unit_type(workspace.config)))
    own = sys.modules[__package__]
    for impl in reversed(workspace.hook.somflow_unit_summary.get_hookimpls()):  # other plugins' counts, load order
        # Core fallbacks (trylast) count store records for the municipality's table: nothing a head reads.
        if impl.plugin is not own and not impl.trylast:
            figures.cases += [(str(label), int(count)) for label, count in impl.function(workspace=workspace) or []]
    figures.attention = attention(figures)
    return figures


def attention(figures: Figures) -> list[str]:
    """Areas or processes needing change or closer attention, in Polish."""
    found = []
    for group, total, done in figures.acks:
        if total and done < total:
            found.append(
                _(
                    "Nie wszyscy ({group}) potwierdzili zapoznanie się ze Standardami: {done} z {total}.",
                    group=_(GROUP_LABELS[group]),
                    done=done,
                    total=total,
                )
            )
    for summary in figures.surveys:
        if summary.suppressed:
            continue
        for qs in summary.questions:
            answered = qs.counts.get("tak", 0) + qs.counts.get("nie", 0)
            if not answered:
                continue
            bad = qs.counts.get(_bad_answer(qs), 0)
            if bad / answered >= ATTENTION_SHARE:
                found.append(
                    _(
                        "Ankieta: „{question}” — odpowiedzi wskazujące na problem: {bad} z {answered}.",
                        question=pick(qs.question.label),
                        bad=bad,
                        answered=answered,
                    )
                )
    open_entries = sum(1 for e in figures.entries if e["status"] != "zamkniete")
    if open_entries:
        found.append(_("Niezamknięte wpisy w rejestrze zgłoszeń i proponowanych zmian: {count}.", count=open_entries))
    return found


# ------------------------------------------------------------------ chart

GOOD_COLOUR = "#2e7d32"
BAD_COLOUR = "#c62828"
NO_ANSWER_COLOUR = "#9e9e9e"


def _bad_answer(qs: survey.QuestionSummary) -> str:
    return "tak" if qs.question.name in TAK_IS_BAD else "nie"


def _good_answer(qs: survey.QuestionSummary) -> str:
    return "nie" if qs.question.name in TAK_IS_BAD else "tak"


def survey_chart(summary: survey.Summary) -> Drawing:
    """For each closed question, how many answered tak / nie / nothing: stacked bars, vector graphics in the PDF."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors
    from reportlab.lib.units import cm

    regular, bold = register_reportlab()
    closed = [qs for qs in summary.questions if qs.question.type in survey.CLOSED_TYPES]
    # Coloured by meaning, not by word: for a question where "tak" reports a problem, "tak" is red.
    good = [qs.counts.get(_good_answer(qs), 0) for qs in closed]
    bad = [qs.counts.get(_bad_answer(qs), 0) for qs in closed]
    brak = [qs.counts.get(survey.NO_ANSWER, 0) for qs in closed]
    series = [(good, GOOD_COLOUR, _("Odpowiedź bez zastrzeżeń")), (bad, BAD_COLOUR, _("Odpowiedź wskazująca na problem")),
              (brak, NO_ANSWER_COLOUR, _("Brak odpowiedzi"))]  # fmt: skip
    bars_height = 0.6 * cm * max(len(closed), 1)
    drawing = Drawing(15 * cm, bars_height + 3.8 * cm)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 1.2 * cm, 2.6 * cm, 13 * cm, bars_height
    chart.data = [values for values, _colour, _label in series]
    chart.categoryAxis.categoryNames = [f"P{i}" for i in range(1, len(closed) + 1)]
    chart.categoryAxis.style = "stacked"
    chart.categoryAxis.reverseDirection = 1  # P1 at the top, as in the table above
    chart.categoryAxis.labels.fontName = chart.valueAxis.labels.fontName = regular
    chart.valueAxis.valueMin = 0
    most = max([g + b + n for g, b, n in zip(good, bad, brak)] or [1])
    chart.valueAxis.valueStep = max(1, -(-most // 10))  # whole answers: an integer step
    for index, (_values, colour, _label) in enumerate(series):
        chart.bars[index].fillColor = colors.HexColor(colour)
        chart.bars[index].strokeColor = None
    drawing.add(chart)
    drawing.add(
        String(
            1.2 * cm,
            0.5 * cm + bars_height + 2.6 * cm,
            _("Odpowiedzi na pytania zamknięte (n = {n})", n=summary.respondents),
            fontName=bold,
            fontSize=10,
        )
    )
    drawing.add(
        String(1.2 * cm + 13 * cm, 1.8 * cm, _("Liczba odpowiedzi"), fontName=regular, fontSize=8, textAnchor="end")
    )
    legend = Legend()
    legend.x, legend.y, legend.fontName, legend.fontSize = 1.2 * cm, 1.5 * cm, regular, 8
    legend.alignment, legend.columnMaximum, legend.dx, legend.dy, legend.deltay = "right", 3, 8, 8, 11
    legend.colorNamePairs = [(colors.HexColor(colour), label) for _values, colour, label in series]
    drawing.add(legend)
    return drawing


# ------------------------------------------------------------------- PDF


def render(workspace: Workspace, figures: Figures, conclusions: str = "") -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    names = known_names(workspace.store)  # free text typed for the report names nobody (initials instead)
    regular, bold = register_reportlab()  # the forms engine's DejaVu Sans
    body = ParagraphStyle("body", fontName=regular, fontSize=10, leading=13.5, spaceAfter=4)
    h1 = ParagraphStyle("h1", parent=body, fontName=bold, fontSize=15, leading=19, spaceAfter=6)
    h2 = ParagraphStyle("h2", parent=body, fontName=bold, fontSize=12, leading=15, spaceBefore=10, spaceAfter=4)
    h3 = ParagraphStyle("h3", parent=body, fontName=bold, fontSize=10.5, spaceBefore=6)
    small = ParagraphStyle("small", parent=body, fontSize=8.5, leading=11)

    def p(text: str, style=body) -> Paragraph:
        return Paragraph(escape(text), style)

    def table(rows: list[list[Any]], widths: list[float]) -> Table:
        cells = [[Paragraph(escape(str(c)), small) for c in row] for row in rows]
        t = Table(cells, colWidths=[w * cm for w in widths], repeatRows=1)
        t.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        return t

    inst = workspace.config["institution"]
    story: list[Any] = [
        p(_("Raport z realizacji Standardów Ochrony Małoletnich"), h1),
        p(f"{inst['name']}" + (f", {inst['address']}" if inst.get("address") else "")),
        p(
            _(
                "Okres objęty analizą: {start} – {end}. Termin przekazania kierownikowi jednostki: {due}.",
                start=figures.period_start.isoformat(),
                end=figures.period_end.isoformat(),
                due=figures.due.isoformat(),
            )
        ),
        p(_("Obowiązująca wersja Standardów: {version}.", version=figures.version)),
        p(_("1. Cel i obszary lub procesy objęte analizą"), h2),
        p(
            _(
                "Celem analizy jest ocena, czy Standardy Ochrony Małoletnich są znane i stosowane w placówce, oraz wskazanie obszarów wymagających zmiany. "
                "Analizą objęto: zapoznanie personelu, rodziców i dzieci ze Standardami; zgłoszenia i propozycje zmian Standardów; "
                "wyniki ankiety monitorującej; interwencje i sprawy prowadzone w placówce."
            )
        ),
        p(_("2. Opis metod, narzędzi i kryteriów użytych do przeprowadzenia analizy"), h2),
        p(
            _(
                "Narzędzia: rejestr potwierdzeń zapoznania się ze Standardami (oświadczenia, listy obecności), rejestr zgłoszeń i proponowanych zmian "
                "({register_entries} w okresie), ankieta monitorująca (wzór: załącznik nr 5), zestawienia liczbowe spraw prowadzonych w placówce. "
                "Kryteria: brak potwierdzenia zapoznania się ze Standardami; co najmniej {share}% odpowiedzi w ankiecie wskazujących na problem; niezamknięte zgłoszenia.",
                register_entries=ngettext("{n} wpis", "{n} wpisów", len(figures.entries)),
                share=int(ATTENTION_SHARE * 100),
            )
        ),
        p(_("3. Wynik analizy"), h2),
        p(_("3.1. Obszary lub procesy wymagające zmiany lub wzmożonej uwagi"), h3),
    ]
    story += [p("• " + line) for line in figures.attention] or [p(_("Nie stwierdzono obszarów wymagających zmiany."))]

    story.append(p(_("3.2. Zapoznanie ze Standardami (wersja {version})", version=figures.version), h3))
    rows = [[_("Grupa"), _("Osób"), _("Potwierdziło"), _("Brak potwierdzenia")]]
    rows += [[_(GROUP_LABELS[g]), total, done, total - done] for g, total, done in figures.acks]
    story.append(table(rows, [5, 3, 3, 4]))

    story.append(p(_("3.3. Rejestr zgłoszeń i proponowanych zmian"), h3))
    counts = register.counts(figures.entries)
    rows = [[_("Rodzaj"), _("Liczba")]] + [
        [_(register.KIND_LABELS[k]), counts["kind"].get(k, 0)] for k in register.KINDS
    ]
    rows += [
        [_("Status: {status}", status=_(register.STATUS_LABELS[s])), counts["status"].get(s, 0)]
        for s in register.STATUSES
    ]
    story.append(table(rows, [10, 3]))
    proposals = [e for e in figures.entries if e["kind"] == "propozycja"]
    if proposals:
        story.append(p(_("Proponowane zmiany:")))
        # A proposal is about the standards, never a person: a name saved with --force is masked (initials).
        story += [
            p(f"• {e['date']}: {mask(e['summary'], names)} ({_(register.STATUS_LABELS[e['status']])})")
            for e in proposals
        ]

    for number, summary in enumerate(figures.surveys, start=4):
        story.append(
            p(
                _(
                    "3.{n}. Ankieta monitorująca: {title} ({date}), liczba ankiet: {count}",
                    n=number,
                    title=_survey_title(summary),
                    date=summary.round["date"],
                    count=summary.respondents,
                ),
                h3,
            )
        )
        if summary.suppressed:
            story.append(
                p(
                    _(
                        "Mniej niż {min} ankiet — wyników nie pokazuje się, aby nie ujawnić odpowiedzi pojedynczych osób.",
                        min=survey.MIN_GROUP,
                    )
                )
            )
            continue
        closed = [qs for qs in summary.questions if qs.question.type in survey.CLOSED_TYPES]
        rows = [[_("Nr"), _("Pytanie"), _("Tak"), _("Nie"), _("Brak odp.")]]
        rows += [
            [
                f"P{i}",
                pick(qs.question.label),
                qs.counts.get("tak", 0),
                qs.counts.get("nie", 0),
                qs.counts.get(survey.NO_ANSWER, 0),
            ]
            for i, qs in enumerate(closed, start=1)
        ]
        story.append(table(rows, [1.2, 10.3, 1.5, 1.5, 2]))
        story.append(Spacer(1, 6))
        story.append(survey_chart(summary))
        for qs in summary.questions:
            if qs.question.type not in survey.CLOSED_TYPES and qs.texts:
                story.append(p(pick(qs.question.label), small))
                kept = printable_answers(workspace, qs.texts)
                story += [p("– " + text, small) for text in kept]
                if len(kept) < len(qs.texts):  # said once, so the head knows answers exist without reading who
                    left = len(qs.texts) - len(kept)
                    story.append(
                        p(
                            ngettext(
                                "({n} odpowiedź pominięta: zawierała dane identyfikujące osobę)",
                                "({n} odpowiedzi pominięte: zawierały dane identyfikujące osobę)",
                                left,
                            ),
                            small,
                        )
                    )

    story.append(p(_("3.{n}. Sprawy i interwencje (zestawienie liczbowe)", n=4 + len(figures.surveys)), h3))
    if figures.cases:
        story.append(
            table([[_("Wskaźnik"), _("Liczba")]] + [[label, count] for label, count in figures.cases], [10, 3])
        )
    else:
        story.append(p(_("Brak danych o sprawach.")))

    story.append(
        p(_("4. Wnioski i rekomendacje ewentualnych zmian do Standardów i/lub innych dokumentów wewnętrznych"), h2)
    )
    story += [p(mask(line, names)) for line in conclusions.splitlines() if line.strip()]
    story += [p("• " + line) for line in recommendations(figures)]
    story += [
        Spacer(1, 1.2 * cm),
        p(
            _("Sporządził(a): koordynator ds. Standardów Ochrony Małoletnich ")
            + str(workspace.config.get("coordinator", {}).get("name", ""))
        ),
    ]
    story += [
        Spacer(1, 1.5 * cm),
        p("......................................................"),
        p(_("(data i podpis kierownika jednostki)"), small),
    ]

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=QR_TOP_GAP + QR_SIZE + 0.5 * cm,  # keep the QR band clear
        bottomMargin=2 * cm,
        title=_("Raport z realizacji Standardów Ochrony Małoletnich"),
        author="somflow",
    )

    def footer(canvas, document) -> None:
        canvas.setFont(regular, 8)
        canvas.drawRightString(A4[0] - 2 * cm, 1.2 * cm, _("Strona {page}", page=document.page))

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def printable_answers(workspace: Workspace, texts: list[str]) -> list[str]:
    """Free-text survey answers the report may print: one naming a known person or holding a PESEL is left out.

    The same check as the register of reports (:func:`register.identity_warnings`).
    """
    return [t for t in texts if not register.identity_warnings(workspace.store, t)]


def recommendations(figures: Figures) -> list[str]:
    found = []
    if any(done < total for _g, total, done in figures.acks):
        found.append(_("Uzupełnić potwierdzenia zapoznania się ze Standardami u osób, które ich jeszcze nie złożyły."))
    if any(
        not s.suppressed
        and any(qs.counts.get("nie", 0) for qs in s.questions if qs.question.name != "zaobserwowal_naruszenie")
        for s in figures.surveys
    ):
        found.append(_("Zorganizować szkolenie personelu z rozpoznawania symptomów krzywdzenia i reagowania na nie."))
    if any(e["kind"] == "propozycja" and e["status"] != "zamkniete" for e in figures.entries):
        found.append(_("Rozpatrzyć proponowane zmiany Standardów i ogłosić nową wersję."))
    return found or [_("Utrzymać dotychczasowe działania; kolejna ankieta zgodnie z harmonogramem.")]


def _survey_title(summary: survey.Summary) -> str:
    return _("personel") if summary.survey == survey.SURVEYS["personel"] else _("rodzice")


FORM = "raport-standardy"


def generate(
    workspace: Workspace, settings: Settings, year: int, today: date, conclusions: str = "", out: Path | None = None
) -> tuple[Path, Figures]:
    """Write the report and record it, all or nothing.

    The PDF is a ``documents`` record like a generated form (QR code
    ``SOMFLOW:DOC:<id>:P<n>`` on every page, ``documents/<id>.pdf``), so the copy
    the head signs comes back through the inbox; a copy named
    ``reports/raport-standardy-<year>.pdf`` (or ``out``) is the one to print.
    """
    figures = gather(workspace, settings, year, today)
    content = render(workspace, figures, conclusions)
    target = out or workspace.root / "reports" / f"raport-standardy-{year}.pdf"
    store = workspace.store
    written: list[Path] = []
    try:
        with store.transaction():
            existing = store.query(REPORTS, {"year": year})
            entry = {"year": year, "generated": today.isoformat(), "signed": None}
            if existing:
                rep = store.update(REPORTS, existing[-1]["id"], entry, expected_rev=existing[-1]["rev"])
            else:
                rep = store.insert(REPORTS, entry)
            title = _(
                "Raport z realizacji Standardów Ochrony Małoletnich za lata {start}–{end}", start=year - 2, end=year
            )
            doc = store.insert(
                DOCUMENTS,
                {
                    "form": FORM,
                    "form_version": 1,
                    "title": title,
                    "data": {"rok": year},
                    "file": None,
                    "sha256": None,
                    "pages": None,
                    "status": STATUS_GENERATED,
                    "record": {"collection": REPORTS, "id": rep["id"]},
                    "created_by": store.user,
                    "returned": None,
                },
            )
            pdf, pages = _stamped(content, doc["id"])
            relative = f"documents/{doc['id']}.pdf"
            for path in (workspace.root / relative, target):
                make_private_dir(path.parent)
                written.append(path)
                write_private(path, pdf)
            digest = hashlib.sha256(pdf).hexdigest()
            store.update(DOCUMENTS, doc["id"], {"file": relative, "sha256": digest, "pages": pages})
            store.update(
                REPORTS, rep["id"], {"document": doc["id"], "file": relative_path(workspace, target), "sha256": digest}
            )
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return target, figures


def _stamped(content: bytes, doc_id: str) -> tuple[bytes, int]:
    import pikepdf

    with pikepdf.open(io.BytesIO(content)) as pdf:
        stamp(pdf, doc_id)
        buffer = io.BytesIO()
        pdf.save(buffer, compress_streams=True)
        return buffer.getvalue(), len(pdf.pages)


def on_document_filed(store, document: dict[str, Any]) -> bool:
    """The head's signed report came back: note when (``somflow status`` shows it)."""
    ref = document.get("record") or {}
    if document.get("form") != FORM or ref.get("collection") != REPORTS:
        return False
    rep = store.get(REPORTS, ref["id"])
    if rep is None:
        return False
    at = (document.get("returned") or {}).get("at") or calendar.today().isoformat()
    store.update(
        REPORTS, rep["id"], {"signed": str(at)[:10], "signed_document": document["id"]}, expected_rev=rep["rev"]
    )
    return True
