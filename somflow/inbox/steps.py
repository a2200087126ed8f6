"""The steps of the ingest pipeline, in the order of :data:`STEPS` (contract: ``somflow.inbox.pipeline``)."""

from __future__ import annotations

import io
import logging
import os
from concurrent.futures import ThreadPoolExecutor

import pikepdf
import pypdf
from PIL import Image

from somflow.i18n import _
from somflow.inbox import entries, filing, ocr
from somflow.inbox.model import DocumentPart, Rejected, ScanFile, StopIngest
from somflow.inbox.pages import PageSource, looks_blank, not_a_scan, sniff
from somflow.inbox.pipeline import Context, Step
from somflow.inbox.qr import read_page
from somflow.logs import file_label
from somflow.store.base import now_iso, os_user

log = logging.getLogger(__name__)

EXTENSIONS = {"pdf": ".pdf", "tiff": ".tif", "jpeg": ".jpg", "png": ".png"}
#: zxing-cpp releases the GIL, so pages of one file are read in parallel threads.
WORKERS = min(4, os.cpu_count() or 1)


class ReadFile(Step):
    """Read the whole file once and hash it; everything after works on these bytes."""

    name = "read"

    def run(self, ctx: Context) -> None:
        ctx.signature = filing.signature(ctx.path)
        ctx.content = entries.read_regular(ctx.path)  # never a link, a FIFO or a device (see entries)
        if not ctx.content:
            raise Rejected(
                _("Plik jest pusty (0 bajtów)."),
                _("Skanowanie albo kopiowanie się nie udało. Zeskanuj dokument ponownie."),
            )
        ctx.sha256 = filing.sha256(ctx.content)


class SeenBefore(Step):
    """Recognise a file taken in before: finish an interrupted filing, or reject a duplicate."""

    name = "seen-before"

    def run(self, ctx: Context) -> None:
        entries = ctx.workspace.store.query(filing.SCANS, {"sha256": ctx.sha256})
        if not entries:
            return
        entry = entries[0]
        if entry["state"] == filing.FILED:
            filing.finish(ctx.workspace, ctx.path, entry)
            ctx.filed = [{"id": i} for i in entry["documents"]]
            raise StopIngest(_("Dokończono przenoszenie pliku przyjętego wcześniej."))
        raise Rejected(
            _("Ten sam plik przyjęto już wcześniej ({when}); jest w archiwum jako {archive}.", when=entry["created"][:16].replace("T", " "), archive=entry["archive"]),
            _("To kopia — można ją usunąć."),
        )


class Identify(Step):
    """Open the file's pages and read the somflow QR code of each."""

    name = "identify"

    def run(self, ctx: Context) -> None:
        claims = not_a_scan(ctx.path, ctx.content)
        if claims is not None:
            raise Rejected(claims, _("Wrzucaj do skrzynki skany w formacie PDF, JPEG, PNG albo TIFF."))
        ctx.kind = sniff(ctx.content)
        ctx.source = PageSource(ctx.content, ctx.kind)
        pages = ctx.source.pages
        if len(pages) == 1 or WORKERS == 1:
            ctx.codes = [read_page(p) for p in pages]
        else:
            with ThreadPoolExecutor(WORKERS) as pool:
                ctx.codes = list(pool.map(read_page, pages))

    def cleanup(self, ctx: Context) -> None:
        if ctx.source is not None:
            ctx.source.close()


class ReadFormFields(Step):
    """Read the values of a digitally filled PDF form (AcroForm) to keep them with the document."""

    name = "acroform"

    def able_to_run(self, ctx: Context) -> bool:
        return ctx.kind == "pdf" and b"/AcroForm" in ctx.content

    def run(self, ctx: Context) -> None:
        try:
            fields = pypdf.PdfReader(io.BytesIO(ctx.content)).get_fields() or {}
        except Exception as exc:  # a form we cannot parse still has its codes; its values are a bonus
            log.warning("%s: form fields unreadable (%s)", file_label(ctx.path), type(exc).__name__)
            return
        for name, field in fields.items():
            value = field.get("/V")
            if value not in (None, "", "/Off"):
                ctx.fields[name] = str(value).lstrip("/")


class Split(Step):
    """Group the pages into documents by their codes and check each document is complete and expected."""

    name = "split"

    def able_to_run(self, ctx: Context) -> bool:
        return any(ctx.codes)

    def run(self, ctx: Context) -> None:
        parts: dict[str, DocumentPart] = {}
        current: DocumentPart | None = None
        leading: list[int] = []  # empty sheets before the first code (the blank back of the last page, a separator)
        for number, code in enumerate(ctx.codes, start=1):
            if code is not None:
                current = parts.setdefault(code.document_id, DocumentPart(code.document_id))
            elif current is None:
                if not looks_blank(ctx.source.pages[number - 1].image()):
                    raise Rejected(
                        _("Strona {page} nie ma kodu QR somflow, a stoi przed pierwszą stroną z kodem.", page=number),
                        _("Zeskanuj dokument od jego pierwszej strony (z kodem QR)."),
                    )
                leading.append(number)
                continue
            current.scan_pages.append(number)
            current.form_pages.append(code.page if code else None)
        first = next(iter(parts.values()))
        first.scan_pages[:0] = leading
        first.form_pages[:0] = [None] * len(leading)
        ctx.parts = list(parts.values())
        problems = [problem for part in ctx.parts for problem in self._check(ctx, part)]
        if problems:
            raise Rejected(" ".join(problems), _("Zeskanuj wszystkie strony dokumentu razem, w jednym pliku, i wrzuć go ponownie."))

    def _check(self, ctx: Context, part: DocumentPart) -> list[str]:
        doc = ctx.workspace.store.get("documents", part.document_id)
        if doc is None:
            return [_("Kod QR wskazuje dokument {id}, którego nie ma w tej placówce.", id=part.document_id)]
        if doc.get("status") == "zwrócony":
            return [_("Dokument {id} („{title}”) został już zwrócony ({when}).", id=doc["id"], title=doc.get("title", ""), when=(doc.get("returned") or {}).get("at", "?")[:10])]
        expected = set(range(1, int(doc.get("pages") or 1) + 1))
        missing = sorted(expected - set(part.found))
        unknown = sorted(set(part.found) - expected)
        problems = []
        if missing:
            problems.append(_("Dokumentowi {id} („{title}”) brakuje stron: {pages}.", id=doc["id"], title=doc.get("title", ""), pages=", ".join(map(str, missing))))
            unread = [n for n, p in zip(part.scan_pages, part.form_pages) if p is None and not looks_blank(ctx.source.pages[n - 1].image())]
            if unread:
                problems.append(_("Na stronach skanu {pages} nie odczytano kodu QR — to mogą być brakujące strony z kodem zamazanym, zasłoniętym albo uciętym.", pages=", ".join(map(str, unread))))
        if unknown:
            problems.append(_("Dokument {id} ma tylko {count} str., a w skanie są strony: {pages}.", id=doc["id"], count=len(expected), pages=", ".join(map(str, unknown))))
        if part.repeated:
            ctx.notices.append(_("Dokument {id}: strony zeskanowane dwa razy: {pages}.", id=doc["id"], pages=", ".join(map(str, part.repeated))))
        extra = part.form_pages.count(None)
        if extra:
            ctx.notices.append(_("Dokument {id}: dołączono {count} str. bez kodu (np. puste odwroty).", id=doc["id"], count=extra))
        return problems


class ClaimByPlugin(Step):
    """A file with no somflow code: ask the plugins, else reject it (with an OCR guess of the form)."""

    name = "claim"

    def able_to_run(self, ctx: Context) -> bool:
        return not any(ctx.codes)

    def run(self, ctx: Context) -> None:
        pages = ctx.source.pages if ctx.source else []
        scan = ScanFile(
            path=ctx.path,
            name=ctx.name,
            sha256=ctx.sha256,
            content=ctx.content,
            kind=ctx.kind,
            pages=len(pages),
            text=ctx.source.text if ctx.source else "",
        )
        guess = None
        if pages:
            scan.ocr_title, guess = ocr.guess_form(ctx.workspace, pages[0], ctx.notices)
        ctx.claim = ctx.workspace.hook.somflow_claim_inbox_file(scan=scan, workspace=ctx.workspace)
        if ctx.claim is None:
            raise Rejected(
                _("Na żadnej stronie ({count}) nie znaleziono kodu QR somflow.", count=len(pages)),
                _(
                    "Jeśli to formularz z somflow, zeskanuj ponownie stronę z kodem QR (kod musi być cały i wyraźny). "
                    "Inne dokumenty dołącz ręcznie do akt."
                ),
                guess=guess,
            )


class Archive(Step):
    """Write the archive copies (write-then-rename) before anything is recorded; see ``filing``."""

    name = "archive"

    def run(self, ctx: Context) -> None:
        ext = EXTENSIONS[ctx.kind]
        tag = ctx.sha256[:12]
        if ctx.claim is not None:
            owner = "".join(c for c in ctx.claim.record["id"] if c.isalnum() or c in "-_")[:40]
            ctx.archive_name = self._write(ctx, f"{owner}_{tag}{ext}", ctx.content)
        elif len(ctx.parts) == 1:
            ctx.archive_name = self._write(ctx, f"{ctx.parts[0].document_id}_{tag}{ext}", ctx.content)
            ctx.part_files[ctx.parts[0].document_id] = ctx.archive_name
        else:
            # The original keeps every page; each document also gets a file with just its pages.
            first = ctx.parts[0].document_id
            ctx.archive_name = self._write(ctx, f"{first}+{len(ctx.parts) - 1}_{tag}{ext}", ctx.content)
            for part in ctx.parts:
                content, part_ext = _extract(ctx, part.scan_pages)
                ctx.part_files[part.document_id] = self._write(ctx, f"{part.document_id}_{tag}{part_ext}", content)

    @staticmethod
    def _write(ctx: Context, name: str, content: bytes) -> str:
        rel = filing.write_archive(ctx.workspace, name, content)
        ctx.archived[rel] = filing.sha256(content)
        return rel


class File(Step):
    """One transaction: documents returned, plugins told, the scan recorded as filed."""

    name = "file"

    def run(self, ctx: Context) -> None:
        workspace, store = ctx.workspace, ctx.workspace.store
        if filing.signature(ctx.path) != ctx.signature:
            # Written to while we read it (a scanner pausing between pages): file the finished file, not this part.
            raise Rejected(_("Plik zmienił się w trakcie przyjmowania."))
        with store.transaction():
            if store.count(filing.SCANS, {"sha256": ctx.sha256}):
                raise StopIngest(_("Ten plik przyjął w międzyczasie inny proces somflow."))
            at = now_iso()
            if ctx.claim is not None:
                ctx.filed = [self._file_claim(ctx, at)]
            else:
                ctx.filed = [self._file_part(ctx, part, ctx.part_files[part.document_id], at) for part in ctx.parts]
            store.insert(
                filing.SCANS,
                {
                    "sha256": ctx.sha256,
                    "name": ctx.name,
                    "source": filing.relative(workspace, ctx.path),
                    "size": len(ctx.content),
                    "kind": ctx.kind,
                    "pages": len(ctx.codes),
                    "archive": ctx.archive_name,
                    "documents": [d["id"] for d in ctx.filed],
                    "state": filing.FILED,
                },
            )
            # Inside the transaction: a plugin's writes commit with the filing or not at all.
            for document in ctx.filed:
                workspace.hook.somflow_document_filed(document=document, workspace=workspace)

    @staticmethod
    def _file_part(ctx: Context, part: DocumentPart, scan: str, at: str) -> dict:
        store = ctx.workspace.store
        doc = store.get("documents", part.document_id)
        if doc is None or doc.get("status") == "zwrócony":  # changed since the split step looked
            raise Rejected(_("Dokument {id} został w międzyczasie zwrócony albo usunięty.", id=part.document_id))
        returned = {"at": at, "scan": scan, "sha256": ctx.archived[scan], "pages": part.found}
        if ctx.fields and len(ctx.parts) == 1:
            returned["fields"] = dict(ctx.fields)
        return store.update("documents", doc["id"], {"status": "zwrócony", "returned": returned}, expected_rev=doc["rev"])

    @staticmethod
    def _file_claim(ctx: Context, at: str) -> dict:
        claim = ctx.claim
        pages = list(range(1, len(ctx.codes) + 1))
        return ctx.workspace.store.insert(
            "documents",
            {
                "form": claim.form,
                "form_version": None,
                "title": claim.title,
                "data": dict(claim.data),
                "file": None,
                "sha256": None,
                "pages": len(pages),
                "status": "zwrócony",
                "record": dict(claim.record),
                "created_by": os_user(),
                "returned": {"at": at, "scan": ctx.archive_name, "sha256": ctx.sha256, "pages": pages},
            },
        )


class Finish(Step):
    """Remove the original from the inbox and mark the scan done."""

    name = "finish"

    def run(self, ctx: Context) -> None:
        (entry,) = ctx.workspace.store.query(filing.SCANS, {"sha256": ctx.sha256})
        filing.finish(ctx.workspace, ctx.path, entry)


def _extract(ctx: Context, scan_pages: list[int]) -> tuple[bytes, str]:
    """The given pages of the scan as a file of their own, without re-encoding where possible."""
    out = io.BytesIO()
    if ctx.kind == "pdf":
        with pikepdf.open(io.BytesIO(ctx.content)) as source, pikepdf.new() as target:
            for number in scan_pages:
                target.pages.append(source.pages[number - 1])
            target.save(out, deterministic_id=True)
        return out.getvalue(), ".pdf"
    frames = []
    with Image.open(io.BytesIO(ctx.content)) as image:
        for number in scan_pages:
            image.seek(number - 1)
            frames.append(image.copy())
    bilevel = all(f.mode == "1" for f in frames)
    frames[0].save(out, "TIFF", save_all=True, append_images=frames[1:], compression="group4" if bilevel else "tiff_lzw")
    return out.getvalue(), ".tif"


STEPS: list[Step] = [ReadFile(), SeenBefore(), Identify(), ReadFormFields(), Split(), ClaimByPlugin(), Archive(), File(), Finish()]
