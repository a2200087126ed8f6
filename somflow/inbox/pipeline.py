"""The ingest pipeline: an explicit, ordered list of named steps with one contract.

Every file from the inbox — found by the watcher or given to ``somflow
ingest`` — goes through :data:`STEPS` in order (see ``somflow.inbox.steps``).
A step:

* ``name``: a short name for logs and tests;
* ``able_to_run(ctx)``: whether it has anything to do for this file (a step
  that is not able is skipped, not failed);
* ``run(ctx)``: does its work on the shared :class:`Context`; it may raise
  :class:`~somflow.inbox.model.Rejected` (the file goes to ``rejected/`` with
  the reason) or :class:`~somflow.inbox.model.StopIngest` (nothing more to do:
  the file vanished or was handled already — not an error);
* ``cleanup(ctx)``: always called, in reverse order, for every step that ran.

The runner turns any other exception into a rejection naming the error,
except store errors (a busy lock, a disk problem): those leave the file in the
inbox to be tried again, because the file itself is fine.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from somflow.errors import StoreError
from somflow.i18n import _
from somflow.inbox import filing
from somflow.inbox.model import Claim, DocumentPart, PageCode, Rejected, SetAside, StopIngest
from somflow.inbox.sandbox import WorkerPages
from somflow.logs import file_label, log_unexpected
from somflow.workspace import Workspace

log = logging.getLogger(__name__)


@dataclass
class Context:
    """Everything the steps learn about one file, in the order they learn it."""

    workspace: Workspace
    path: Path
    content: bytes = field(default=b"", repr=False)
    #: size and mtime when the file was read (see ``filing.signature``)
    signature: tuple[int, int] | None = None
    sha256: str = ""
    kind: str = ""
    source: WorkerPages | None = field(default=None, repr=False)
    codes: list[PageCode | None] = field(default_factory=list)
    #: pages placed by a person (``somflow inbox assign``): {scan page: code}; not read from the page
    manual: dict[int, PageCode] = field(default_factory=dict)
    #: a record named by a person for a file without somflow codes (``somflow inbox assign --record``)
    manual_claim: Claim | None = None
    #: pages whose code was not read but which were placed anyway: {scan page: how} (``somflow.inbox.rescue``)
    placed: dict[int, str] = field(default_factory=dict)
    #: pages without a code that are empty sheets: {scan page: True/False}, for pages without a code only
    blank: dict[int, bool] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict, repr=False)
    parts: list[DocumentPart] = field(default_factory=list)
    claim: Claim | None = None
    #: pages that cannot be filed while the rest of the scan is (partial filing)
    aside: SetAside | None = None
    #: the set-aside file and its note written in rejected/ by this attempt
    aside_files: list[Path] = field(default_factory=list)
    #: archive files written for this file: {relative path: sha256}
    archived: dict[str, str] = field(default_factory=dict)
    #: the original's name in archive/ (relative to the workspace root)
    archive_name: str = ""
    #: per document id, the archive file holding its pages
    part_files: dict[str, str] = field(default_factory=dict)
    filed: list[dict[str, Any]] = field(default_factory=list, repr=False)
    notices: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.name


@dataclass
class Outcome:
    """What happened to one file: ``filed``, ``rejected``, ``skipped`` (gone, or finished earlier) or ``retry``."""

    name: str
    status: str
    documents: list[str] = field(default_factory=list)
    reason: str = ""
    notices: list[str] = field(default_factory=list)
    #: the set-aside file in rejected/ (name) when some pages of a filed scan could not be filed, and why
    set_aside: str = ""
    set_aside_reason: str = ""


class Step:
    """Base of the pipeline steps; see the module docstring for the contract."""

    name = "step"

    def able_to_run(self, ctx: Context) -> bool:
        return True

    def run(self, ctx: Context) -> None:
        raise NotImplementedError

    def cleanup(self, ctx: Context) -> None:
        """Release what ``run`` opened; called whether it succeeded or not."""


def run_pipeline(
    workspace: Workspace,
    path: Path,
    steps: list[Step] | None = None,
    *,
    manual: dict[int, PageCode] | None = None,
    claim: Claim | None = None,
) -> Outcome:
    """Take ``path`` (a complete file in the inbox) through the steps; never raises for a bad file.

    ``manual`` ({scan page: code}) and ``claim`` are what a person said about the
    file (``somflow inbox assign``): used instead of reading those pages, or of
    asking the plugins who claims it.
    """
    from somflow.inbox.steps import STEPS

    ctx = Context(workspace=workspace, path=path, manual=dict(manual or {}), manual_claim=claim)
    ran: list[Step] = []
    try:
        for step in steps if steps is not None else STEPS:
            if step.able_to_run(ctx):
                ran.append(step)
                log.debug("%s: step %s", file_label(path), step.name)
                step.run(ctx)
        outcome = Outcome(ctx.name, "filed", [d["id"] for d in ctx.filed], notices=ctx.notices)
        if ctx.aside is not None and ctx.aside_files:
            outcome.set_aside, outcome.set_aside_reason = ctx.aside_files[0].name, ctx.aside.reason
        return outcome
    except StopIngest as stop:
        return Outcome(ctx.name, "skipped", reason=str(stop), notices=ctx.notices)
    except Rejected as rejected:
        return _reject(ctx, rejected)
    except StoreError as exc:
        log.warning("%s left in the inbox for a retry: %s", file_label(path), type(exc).__name__)
        return Outcome(ctx.name, "retry", reason=str(exc))
    except Exception as exc:  # a bug or a plugin's failure must not stop the watcher, nor lose the file
        log_unexpected(log, f"{file_label(path)}: unexpected error", exc)
        return _reject(
            ctx,
            Rejected(
                _(
                    "Nieoczekiwany błąd podczas przyjmowania pliku ({error}).",
                    error=f"{type(exc).__name__}: {exc}"[:300],
                ),
                _("Wrzuć plik ponownie; jeśli błąd się powtórzy, przekaż ten plik i opis administratorowi."),
            ),
        )
    finally:
        for step in reversed(ran):
            step.cleanup(ctx)


def _reject(ctx: Context, rejected: Rejected) -> Outcome:
    filing.discard_unrecorded(ctx.workspace, ctx.archived)
    for written in ctx.aside_files:  # the whole file goes to rejected/: no separate file of some of its pages
        written.unlink(missing_ok=True)
    current = filing.signature(ctx.path)
    if ctx.signature is not None and current is not None and current != ctx.signature:
        # Still being written (a slow scanner, a share that lied about the size): judge the final file.
        return Outcome(ctx.name, "retry", reason=_("Plik zmienił się w trakcie przyjmowania."))
    if not filing.reject(ctx.workspace, ctx.path, rejected):
        return Outcome(ctx.name, "skipped", reason=_("Plik zniknął ze skrzynki w trakcie przyjmowania."))
    return Outcome(ctx.name, "rejected", reason=rejected.reason, notices=ctx.notices)
