"""The steps of the ingest pipeline, in the order of :data:`STEPS` (contract: ``somflow.inbox.pipeline``)."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pikepdf
from PIL import Image

from somflow.forms import acroform
from somflow.forms.catalog import registry
from somflow.i18n import _, ngettext
from somflow.inbox import entries, filing, ocr, rescue, sandbox
from somflow.inbox.model import DocumentPart, PageCode, Rejected, ScanFile, SetAside, StopIngest
from somflow.inbox.pages import not_a_scan, sniff
from somflow.inbox.pipeline import Context, Step
from somflow.logs import readable_name
from somflow.store.base import now_iso

log = logging.getLogger(__name__)

EXTENSIONS = {"pdf": ".pdf", "tiff": ".tif", "jpeg": ".jpg", "png": ".png"}


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
            _(
                "Ten sam plik przyjęto już wcześniej ({when}); jest w archiwum jako {archive}.",
                when=entry["created"][:16].replace("T", " "),
                archive=entry["archive"],
            ),
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
        # Decoding runs in a child process with a memory cap and a time budget (see sandbox); pages the
        # later steps need to look at again are drawn there too.
        reading = sandbox.identify(ctx.content, ctx.kind)
        unknown = [n for n in ctx.manual if not 1 <= n <= len(reading.codes)]
        if unknown:
            raise Rejected(
                _("Plik ma {count} str., nie ma w nim strony {page}.", count=len(reading.codes), page=unknown[0])
            )
        ctx.codes = [ctx.manual.get(n, code) for n, code in enumerate(reading.codes, start=1)]
        ctx.placed.update(dict.fromkeys(ctx.manual, rescue.BY_HAND))
        ctx.fields = reading.fields
        if reading.dropped:
            ctx.notices.append(
                _(
                    "Pominięto wartości pól formularza za długich do zapisania: {names}.",
                    names=_field_list(reading.dropped),
                )
            )
        ctx.source = sandbox.WorkerPages(ctx.content, ctx.kind, reading)

    def cleanup(self, ctx: Context) -> None:
        if ctx.source is not None:
            ctx.source.close()


class ReadFormFields(Step):
    """Keep the values of a digitally filled PDF form (read in ``identify``) that are the form's own fields.

    The form's own fields are those of the PDF somflow printed for the
    document: a field somebody added to the file is left out (with a notice),
    as are values over the limits of ``somflow.forms.acroform.bounded``.
    """

    name = "acroform"

    def able_to_run(self, ctx: Context) -> bool:
        return bool(ctx.fields)

    def run(self, ctx: Context) -> None:
        ids = {code.document_id for code in ctx.codes if code is not None}
        doc = ctx.workspace.store.get("documents", ids.pop()) if len(ids) == 1 else None
        own = _printed_fields(ctx, doc) if doc is not None else set()
        foreign = [name for name in ctx.fields if name not in own]
        if foreign:
            ctx.notices.append(_("Pominięto pola, których formularz nie ma: {names}.", names=_field_list(foreign)))
        ctx.fields = {name: value for name, value in ctx.fields.items() if name in own}


def _printed_fields(ctx: Context, doc: dict) -> set[str]:
    """The field names of the PDF somflow printed for ``doc`` (empty when it has none or is gone)."""
    printed = ctx.workspace.root / doc["file"] if doc.get("file") else None
    try:
        with pikepdf.open(printed) as pdf:
            return acroform.field_names(pdf)
    except (OSError, TypeError, pikepdf.PdfError):
        return set()


def _field_list(names: list[str]) -> str:
    """A few field names for a notice, shortened and escaped (they come from the file)."""
    shown = [readable_name(name[:40]) for name in names[:5]]
    return ", ".join(shown) + (f" (+{len(names) - 5})" if len(names) > 5 else "")


class Rescue(Step):
    """Place pages whose code was not read: from the neighbours in the stack and the printed id (``rescue``)."""

    name = "rescue"

    def able_to_run(self, ctx: Context) -> bool:
        return None in ctx.codes and ctx.manual_claim is None

    def run(self, ctx: Context) -> None:
        pages = ctx.source.pages
        ctx.blank = {n: ctx.source.blank[n - 1] for n, code in enumerate(ctx.codes, start=1) if code is None}
        skip = [ctx.blank.get(n, False) for n in range(1, len(pages) + 1)]
        printed = {d["id"]: int(d.get("pages") or 1) for d in ctx.workspace.store.query("documents") if d.get("file")}
        self._place(ctx, rescue.infer_from_neighbours(ctx.codes, skip, printed.get, edges=False), rescue.BY_ORDER)
        unread = self._unread(ctx)
        if not any(ctx.codes):
            unread = unread[:3]  # no somflow code anywhere: most likely not a somflow form (a claim follows)
        if unread and rescue.tesseract() is None:
            ctx.notices.append(
                _(
                    "Program tesseract nie jest zainstalowany — nie odczytano numerów dokumentów wydrukowanych obok kodów (zob. docs/inbox.md)."
                )
            )
            unread = []
        for number in unread[: rescue.MAX_OCR_PAGES]:
            code = rescue.read_printed(pages[number - 1], printed)
            if code is not None:
                self._place(ctx, {number - 1: code}, rescue.BY_PRINT)
        self._place(ctx, rescue.infer_from_neighbours(ctx.codes, skip, printed.get, edges=True), rescue.BY_ORDER)

    @staticmethod
    def _unread(ctx: Context) -> list[int]:
        return [n for n, code in enumerate(ctx.codes, start=1) if code is None and not ctx.blank[n]]

    @staticmethod
    def _place(ctx: Context, placed: dict[int, PageCode], how: str) -> None:
        for index, code in placed.items():
            ctx.codes[index] = code
            ctx.placed[index + 1] = how
            ctx.blank.pop(index + 1, None)


class Split(Step):
    """Group the pages into documents by their codes; set aside what cannot be filed, file the rest.

    A scan with several documents files every complete one: the pages of the
    others and the pages placed nowhere go to ``rejected/`` as a file of their
    own (``set-aside``). Only when nothing can be filed is the whole file rejected.
    """

    name = "split"

    def able_to_run(self, ctx: Context) -> bool:
        return any(ctx.codes)

    def run(self, ctx: Context) -> None:
        parts, loose = self._group(ctx)
        ctx.parts = parts
        trouble = {part.document_id: self._check(ctx, part, lambda n: n, loose) for part in parts}
        fileable = [part for part in parts if not trouble[part.document_id]]
        aside = sorted({n for part in parts if trouble[part.document_id] for n in part.scan_pages} | set(loose))
        if not aside:
            return
        whole = not fileable
        position = (lambda n: n) if whole else (lambda n: aside.index(n) + 1)
        reasons, hints = [], []
        for part in parts:
            if trouble[part.document_id]:
                for reason, hint in self._check(ctx, part, position, loose):
                    reasons.append(reason)
                    hints.append(hint)
        if loose and any(trouble.values()):
            reasons.append(
                ngettext(
                    "Na stronie {pages} nie odczytano kodu QR ani numeru wydrukowanego obok kodu — to może być brakująca strona z kodem zamazanym, zasłoniętym albo uciętym.",
                    "Na stronach {pages} nie odczytano kodu QR ani numeru wydrukowanego obok kodu — to mogą być brakujące strony z kodem zamazanym, zasłoniętym albo uciętym.",
                    len(loose),
                    pages=_pages(map(position, loose)),
                )
            )
            hints.append(_assign_hint())
        elif loose:
            reasons.append(
                ngettext(
                    "Na stronie {pages} nie odczytano kodu QR ani numeru dokumentu wydrukowanego obok kodu, a z sąsiednich stron nie da się ustalić, do którego dokumentu należy.",
                    "Na stronach {pages} nie odczytano kodu QR ani numeru dokumentu wydrukowanego obok kodu, a z sąsiednich stron nie da się ustalić, do którego dokumentu należą.",
                    len(loose),
                    pages=_pages(map(position, loose)),
                )
            )
            hints.append(_assign_hint())
        hint = " ".join(dict.fromkeys(h for h in hints if h))
        if whole:
            raise Rejected(" ".join(reasons), hint)
        ctx.parts = fileable
        filed = ", ".join(part.document_id for part in fileable)
        reasons.insert(
            0,
            _(
                "Odłożone strony {pages} skanu „{name}”; pozostałe jego strony przyjęto (dokumenty {ids}).",
                pages=_pages(aside),
                name=readable_name(ctx.name),  # the note is UTF-8; any bytes of the name are shown readable
                ids=filed,
            ),
        )
        ctx.aside = SetAside(aside, " ".join(reasons), hint)

    @staticmethod
    def _group(ctx: Context) -> tuple[list[DocumentPart], list[int]]:
        """Documents in the order of their first page, and the pages with text but no code (placed nowhere).

        An empty sheet belongs to the document before it (the blank back of a
        duplex page); empty sheets before the first code belong to the first.
        """
        parts: dict[str, DocumentPart] = {}
        current: DocumentPart | None = None
        leading: list[int] = []
        loose: list[int] = []
        for number, code in enumerate(ctx.codes, start=1):
            if code is not None:
                current = parts.setdefault(code.document_id, DocumentPart(code.document_id))
            elif not ctx.blank.get(number, True):
                loose.append(number)
                continue
            elif current is None:
                leading.append(number)
                continue
            current.scan_pages.append(number)
            current.form_pages.append(code.page if code else None)
        first = next(iter(parts.values()))
        first.scan_pages[:0] = leading
        first.form_pages[:0] = [None] * len(leading)
        return list(parts.values()), loose

    def _check(self, ctx: Context, part: DocumentPart, position, loose: list[int]) -> list[tuple[str, str]]:
        """What keeps ``part`` from being filed: ``(reason, hint)`` pairs, pages numbered by ``position``.

        ``loose`` are the scan's pages with text and no code: a document missing pages then
        probably has them there, unread, and a rescan of the same paper would not help.
        """
        doc = ctx.workspace.store.get("documents", part.document_id)
        if doc is None:
            return [
                (
                    _("Kod QR wskazuje dokument {id}, którego nie ma w tej placówce.", id=part.document_id),
                    _(
                        "Ten formularz wydrukowano w innej placówce albo innej instalacji somflow: przekaż go tam. Ponowne skanowanie nic nie zmieni."
                    ),
                )
            ]
        if doc.get("status") == "zwrócony":
            return [
                (
                    _(
                        "Dokument {id} („{title}”) został już zwrócony ({when}).",
                        id=doc["id"],
                        title=doc.get("title", ""),
                        when=(doc.get("returned") or {}).get("at", "?")[:10],
                    ),
                    _(
                        "Ten dokument jest już w archiwum — niczego nie trzeba skanować ponownie. Jeśli to druga kopia, odłóż plik: somflow inbox discard PLIK --reason kopia."
                    ),
                )
            ]
        expected = set(range(1, int(doc.get("pages") or 1) + 1))
        missing = sorted(expected - set(part.found))
        unknown = sorted(set(part.found) - expected)
        problems = []
        if missing:
            reason = _(
                "Dokumentowi {id} („{title}”) brakuje stron: {pages}.",
                id=doc["id"],
                title=doc.get("title", ""),
                pages=_pages(missing),
            )
            if loose:
                problems.append((reason, _assign_hint()))
            else:
                problems.append(
                    (
                        reason,
                        _(
                            "Zeskanuj cały dokument razem z brakującymi stronami ({pages}) i wrzuć go ponownie.",
                            pages=_pages(missing),
                        ),
                    )
                )
        if unknown:
            problems.append(
                (
                    _(
                        "Dokument {id} ma tylko {count} str., a w skanie są strony: {pages}.",
                        id=doc["id"],
                        count=len(expected),
                        pages=_pages(unknown),
                    ),
                    _(
                        "Sprawdź, czy w skanie nie ma stron innego wydruku tego dokumentu; przypisz strony ręcznie albo odłóż plik (somflow inbox)."
                    ),
                )
            )
        if not problems:
            if part.repeated:
                ctx.notices.append(
                    _("Dokument {id}: strony zeskanowane dwa razy: {pages}.", id=doc["id"], pages=_pages(part.repeated))
                )
            extra = part.form_pages.count(None)
            if extra:
                ctx.notices.append(
                    _("Dokument {id}: dołączono {count} str. bez kodu (np. puste odwroty).", id=doc["id"], count=extra)
                )
            placed = [
                f"{page} ({_(ctx.placed[n])})" for n, page in zip(part.scan_pages, part.form_pages) if n in ctx.placed
            ]
            if placed:
                ctx.notices.append(
                    _("Dokument {id}: strony bez odczytanego kodu QR: {pages}.", id=doc["id"], pages=", ".join(placed))
                )
        return problems


def _assign_hint() -> str:
    return _(
        "Ponowne skanowanie tej samej kartki nie pomoże. Obejrzyj strony (somflow inbox --arkusz podglad.png) i przypisz je ręcznie: "
        "somflow inbox assign PLIK --page N --doc ID:STRONA; dokument spoza somflow (np. wydruk z rejestru) przypisz do osoby: "
        "somflow inbox assign PLIK --record KOLEKCJA:ID; niepotrzebny plik odłóż: somflow inbox discard PLIK --reason POWÓD."
    )


def _pages(numbers) -> str:
    """Page numbers for a message, runs shortened: "1, 3–5, 9"."""
    numbers = sorted(set(numbers))
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" if len(r) > 2 else f"{r[0]}, {r[1]}" for r in runs)


class ClaimByPlugin(Step):
    """A file with no somflow code: ask the plugins, else reject it (with an OCR guess of the form)."""

    name = "claim"

    def able_to_run(self, ctx: Context) -> bool:
        return not any(ctx.codes)

    def run(self, ctx: Context) -> None:
        if ctx.manual_claim is not None:
            ctx.claim = ctx.manual_claim
            return
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
                _assign_hint(),
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
        elif len(ctx.parts) == 1 and ctx.aside is None:
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


class SetAsidePages(Step):
    """Partial filing: the pages that cannot be filed go to ``rejected/`` as a file of their own, with the reason."""

    name = "set-aside"

    def able_to_run(self, ctx: Context) -> bool:
        return ctx.aside is not None

    def run(self, ctx: Context) -> None:
        content, ext = _extract(ctx, ctx.aside.scan_pages)
        stem = Path(readable_name(ctx.name)).stem[:60]  # a name somflow writes is UTF-8, whatever the scanner wrote
        name = _(
            "{stem} — strony {pages}{ext}",
            stem=stem,
            pages=_pages(ctx.aside.scan_pages).replace(", ", ",").replace("–", "-"),
            ext=ext,
        )
        target = filing.set_aside(ctx.workspace, name, content, Rejected(ctx.aside.reason, ctx.aside.hint))
        ctx.aside_files += [target, filing.note_for(target)]


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
                    "name": filing.storable(ctx.name),  # a cp1250 name is not UTF-8: JSON cannot hold it
                    "source": filing.relative(workspace, ctx.path),
                    "size": len(ctx.content),
                    "kind": ctx.kind,
                    "pages": len(ctx.codes),
                    "archive": ctx.archive_name,
                    "documents": [d["id"] for d in ctx.filed],
                    "state": filing.FILED,
                    **(
                        {
                            "set_aside": {
                                "file": filing.relative(workspace, ctx.aside_files[0]),
                                "pages": ctx.aside.scan_pages,
                            }
                        }
                        if ctx.aside
                        else {}
                    ),
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
        placed = [
            {"page": page, "scan_page": n, "how": ctx.placed[n]}
            for n, page in zip(part.scan_pages, part.form_pages)
            if n in ctx.placed
        ]
        if placed:
            returned["placed"] = placed
            if rescue.BY_HAND in {p["how"] for p in placed}:
                returned["placed_by"] = store.actor
        if ctx.fields and len(ctx.parts) == 1:
            returned["fields"] = dict(ctx.fields)  # what the PDF held, as read
            spec = registry(ctx.workspace).get(doc.get("form") or "")
            if spec is not None:  # ... and in the form's data shape, for the plugins (forms.read_back's reading)
                returned["data"] = acroform.data_from_fields(spec, ctx.fields)
        return store.update(
            "documents", doc["id"], {"status": "zwrócony", "returned": returned}, expected_rev=doc["rev"]
        )

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
                "created_by": ctx.workspace.store.actor,
                "returned": {
                    "at": at,
                    "scan": ctx.archive_name,
                    "sha256": ctx.sha256,
                    "pages": pages,
                    **(
                        {
                            "placed": [{"page": p, "scan_page": p, "how": rescue.BY_HAND} for p in pages],
                            "placed_by": ctx.workspace.store.actor,
                        }
                        if ctx.manual_claim
                        else {}
                    ),
                },
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
    frames[0].save(
        out, "TIFF", save_all=True, append_images=frames[1:], compression="group4" if bilevel else "tiff_lzw"
    )
    return out.getvalue(), ".tif"


STEPS: list[Step] = [
    ReadFile(),
    SeenBefore(),
    Identify(),
    ReadFormFields(),
    Rescue(),
    Split(),
    ClaimByPlugin(),
    Archive(),
    SetAsidePages(),
    File(),
    Finish(),
]
