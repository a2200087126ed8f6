"""Every hook somflow offers to plugins, grouped by the phase in which it is called.

A plugin is a module (or object) with functions named like the specs below and
decorated with ``somflow.hookimpl``. Built-in plugins and a municipality's
pip-installed package are found the same way: entry points in the group
``somflow``. See ``docs/plugins.md`` for examples.

Hooks that add things receive a ``register`` callback instead of returning
values, so the core can reject duplicates (two forms with one id, a command
that shadows another) as they arrive and name the plugin at fault.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import click

    from somflow.corrections import EntryKind
    from somflow.deadlines import Deadline
    from somflow.forms.spec import FormSpec
    from somflow.inbox.model import Claim, ScanFile
    from somflow.retention.policy import RecordType
    from somflow.web.pages import Page, Panel
    from somflow.workspace import Workspace

hookspec = pluggy.HookspecMarker("somflow")

# --------------------------------------------------------------------------
# Forms
# --------------------------------------------------------------------------


@hookspec
def somflow_register_forms(register: Callable[[FormSpec], None]) -> None:
    """Offer the forms this plugin provides.

    Called once, when the form registry is first needed. Call
    ``register(spec)`` for each :class:`~somflow.forms.spec.FormSpec`; a second
    form with an id already registered is refused with an error naming both
    plugins. Return nothing.
    """


# --------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------


@hookspec
def somflow_validate(form: FormSpec, data: dict[str, Any], workspace: Workspace | None) -> list[str] | None:
    """Add cross-field rules to the schema validation of a form's data.

    Called after the Cerberus schema derived from ``form`` has checked ``data``
    field by field (also when it found errors, so the user sees every problem
    at once). Return a list of Polish messages (already translated with
    ``somflow.i18n._``), each naming the section and field it is about, or
    ``None``/``[]`` when the data is fine or the form is not yours. Results of
    all plugins are concatenated; any message makes the data invalid.
    """


# --------------------------------------------------------------------------
# Inbox
# --------------------------------------------------------------------------


@hookspec(firstresult=True)
def somflow_claim_inbox_file(scan: ScanFile, workspace: Workspace) -> Claim | None:
    """Claim a file from the inbox that carries no somflow QR code.

    Called by the ingest pipeline for each file (or page run) in which no
    ``SOMFLOW:DOC`` code was found, e.g. a register printout from the RSPTS web
    page. Return a :class:`~somflow.inbox.model.Claim` naming the record the
    file belongs to, or ``None`` to let the next plugin try. The first non-None
    result wins; when nobody claims the file it goes to ``rejected/``.
    """


@hookspec
def somflow_document_filed(document: dict[str, Any], workspace: Workspace) -> None:
    """React to a document having been filed from the inbox.

    Called once per document in a scan, after the scan was attached to its
    document record (``document`` is the updated record from the
    ``documents`` collection, status ``zwrócony``, with its ``returned``
    block) and after the archive copy was written, *inside* the filing's
    store transaction: your writes (``workspace.store.insert(...)``, or a
    ``with workspace.store.transaction():`` block, which joins it) commit
    together with the filing or not at all, so a crash never leaves a
    document filed without your reaction, nor your reaction twice. Keep it
    quick (the store is locked meanwhile); effects outside the store (e-mail)
    may repeat after a crash, so make them idempotent. An exception here
    sends the file to ``rejected/`` with the reason and leaves the store as
    it was before the filing. Return nothing.
    """


# --------------------------------------------------------------------------
# Deadlines
# --------------------------------------------------------------------------


@hookspec
def somflow_deadlines(workspace: Workspace, today: date) -> list[Deadline] | None:
    """List the deadlines this plugin knows of, as seen on ``today``.

    Called by ``somflow deadlines``, ``somflow remind`` and ``somflow status``.
    Return every open :class:`~somflow.deadlines.Deadline` (also the overdue
    ones; the core sorts and filters), computed from the store with the shared
    working-day calendar ``somflow.calendar``. Results of all plugins are
    concatenated; keys must be stable across runs.
    """


# --------------------------------------------------------------------------
# Corrections
# --------------------------------------------------------------------------


@hookspec
def somflow_register_entry_kinds(register: Callable[[EntryKind], None]) -> None:
    """Offer the kinds of recorded entry this plugin lets users withdraw or correct.

    Called once, when ``somflow withdraw``/``somflow correct`` (or
    :mod:`somflow.corrections`) first needs them. Call ``register(kind)`` for
    each :class:`~somflow.corrections.EntryKind`: its ``locate`` finds the
    entries a reference names, its ``withdraw``/``correct`` return the changes
    to the record holding the entry (mark it with
    ``corrections.withdrawn_copy``/``corrected_copy``). The core checks the
    reason, writes the change, the audit entry and the head's notice in one
    transaction. A second kind with a name already taken is refused with an
    error naming the plugin. Return nothing.
    """


# --------------------------------------------------------------------------
# Records lifecycle
# --------------------------------------------------------------------------


@hookspec
def somflow_record_types(register: Callable[[RecordType], None]) -> None:
    """Declare the kinds of record this plugin keeps about people, and how long they are kept.

    Called once, when ``somflow retention`` or ``somflow person export`` first needs them. Call
    ``register(record_type)`` for each :class:`~somflow.retention.policy.RecordType`: its
    ``name`` is the key of ``[retention]`` in ``somflow.toml`` (years), ``started`` says from
    which day the clock runs for one record (None while it does not: a case still open, a
    person still here), ``years`` is the conservative default, ``subjects`` names the register
    people a record is about. The core erases records past their period together with their
    generated documents and archived scans. A name already registered is refused with an error
    naming the plugin. Return nothing.
    """


# --------------------------------------------------------------------------
# Web application (somflow serve)
# --------------------------------------------------------------------------


@hookspec
def somflow_web_pages(register: Callable[[Page], None]) -> None:
    """Add pages (and the actions their forms post to) to the web application.

    Called once, when ``somflow serve`` builds the application. Call
    ``register(page)`` with a :class:`~somflow.web.pages.Page`: its path,
    title, the roles allowed (:mod:`somflow.web.roles`), its handler and
    whether it is in the menu. The core signs the user in, refuses other
    roles with 403 (audited), checks a POST's CSRF token and audits the
    handler's writes under the web user; the handler calls the same plain
    functions as the CLI and renders with :func:`somflow.web.render.page`. A
    path (with its method) already taken is refused and the plugin named in
    the log. Return nothing.
    """


@hookspec
def somflow_web_panels(register: Callable[[Panel], None]) -> None:
    """Add boxes to the web application's dashboard.

    Called once, when ``somflow serve`` builds the application. Call
    ``register(panel)`` with a :class:`~somflow.web.pages.Panel`, whose
    ``render(request)`` returns a short piece of HTML (counts, links; escape
    what you insert) and which is shown to its ``roles`` only, in ``order``.
    A panel name already taken is refused and the plugin named in the log.
    Return nothing.
    """


# --------------------------------------------------------------------------
# Workspace and CLI
# --------------------------------------------------------------------------


@hookspec
def somflow_config_schema(register: Callable[[str, dict[str, Any]], None]) -> None:
    """Declare the ``[section]`` of ``somflow.toml`` this plugin reads, as Cerberus rules.

    Called when a workspace's configuration is loaded with its plugins. Call
    ``register("section", rules)`` with the Cerberus rules of the section
    (``{"type": "dict", "schema": {...}}``); the core checks the whole file with
    them and reports every wrong value at once, in Polish, naming the file, the
    line and the key, before any command runs. A section the core or another
    plugin already declared is refused and reported by ``somflow plugins``.
    Return nothing.
    """


@hookspec
def somflow_register_commands(register: Callable[[click.Command], None]) -> None:
    """Add CLI commands (or click groups) to ``somflow``.

    Called once, before the command line is parsed, after every plugin has
    been loaded (also for ``somflow --help``, so keep it cheap). Call
    ``register(command)`` with a :class:`click.Command`, or with a
    :class:`~somflow.lazy_commands.LazyCommand` (name, ``"module:attribute"``
    import path, help text) so the command's module is imported only when it
    runs; a name already taken by the core or another plugin is refused and
    reported by ``somflow plugins``. Return nothing.
    """


@hookspec
def somflow_status(workspace: Workspace) -> list[tuple[str, str]] | None:
    """Contribute lines to ``somflow status``.

    Return ``(label, value)`` pairs in the user's language, with counts or
    short facts, never personal data. Results of all plugins are concatenated
    in plugin load order.
    """


@hookspec
def somflow_contacts(workspace: Workspace) -> list[dict[str, str]] | None:
    """Offer local help contacts (for the NK-B sheet and ``somflow contacts``).

    Return dicts with the keys ``name``, ``phone``, ``address``, ``hours``,
    ``offer`` and ``for_whom`` (Polish text). Results of all plugins are
    concatenated after the contacts from ``somflow.toml``.
    """


@hookspec(firstresult=True)
def somflow_addressee(workspace: Workspace, role: str) -> dict[str, str] | None:
    """Say where documents for an institution ``role`` go for this workspace's unit.

    Called when a document is addressed or delivered, e.g. NK-A to the
    ``"zespol_interdyscyplinarny"``, a notification to ``"policja"`` or
    ``"prokuratura"``, a request to ``"sad_rodzinny"``, a notice to ``"ops"``.
    Return a dict with ``name``, ``address`` and optionally ``email`` and
    ``phone`` (Polish text), or None to let the next plugin answer. The first
    answer wins; a municipality plugin answers before the core, whose fallback
    reads the ``[<role>]`` section of ``somflow.toml``.
    """


@hookspec
def somflow_unit_summary(workspace: Workspace) -> list[tuple[str, int]] | None:
    """Give counts about one unit for the municipality overview (``somflow report units``).

    Called once per unit, with a workspace whose store sees only that unit.
    Return ``(label, count)`` pairs with short Polish labels, e.g.
    ``("Otwarte sprawy NK", 2)``, ``("NK-A po terminie", 0)``. Counts only:
    never names, PESEL or other personal data. Each label becomes a column.
    """
