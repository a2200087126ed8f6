"""Record types and their retention periods.

A plugin declares each kind of record it keeps about people as a :class:`RecordType`
(hook ``somflow_record_types``): the collection, what starts the clock and a default
period. The unit sets its own periods in ``somflow.toml``::

    [retention]
    nk_cases = 10     # years after the clock started

somflow invents no legal period: the defaults are deliberately long, so that nothing is
erased before the unit has decided (docs/retention.md says so to the unit).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from somflow import config
from somflow.errors import ConfigError
from somflow.i18n import _

if TYPE_CHECKING:
    from somflow.workspace import Workspace

SECTION = "retention"
#: The check of ``[retention]`` when the file is loaded (values); the names are checked against
#: the declared record types by :func:`periods`, through the same flattener.
VALUES = {"type": "integer", "min": 1}
SCHEMA = {"type": "dict", "valuesrules": VALUES}


def _nobody(workspace: Workspace, record: dict[str, Any]) -> list[str]:
    return []


def _nothing(workspace: Workspace, record: dict[str, Any]) -> list[tuple[str, str]]:
    return []


def short_ref(workspace: Workspace, record: dict[str, Any]) -> str:
    """A record as lists name it without personal data: its short reference, else the start of its id."""
    return record.get("short_ref") or record["id"][:10]


@dataclass(frozen=True)
class RecordType:
    """A kind of record a plugin keeps about people, and when its retention clock starts.

    ``name``      the key of ``[retention]`` (letters, digits, ``_``), usually the collection's name
    ``collection`` the store collection holding the records
    ``label``     what the record is, in Polish (translated when shown), e.g. "Sprawa Niebieskiej Karty"
    ``clock``     what starts the clock, in Polish, e.g. "zamknięcie sprawy"
    ``years``     the default period, in whole years after the clock started
    ``started``   ``(workspace, record) -> date | None``: the day the clock started for the record,
                  None while it does not run (a case still open, a person still at the unit)
    ``subjects``  ``(workspace, record) -> [person id]``: the register people the record is about;
                  a person is not erased while a record about them is kept
    ``ref``       ``(workspace, record) -> str``: how lists name the record without personal data
    ``describe``  ``(workspace, record) -> [(label, value)]``: what the record holds about its subject, in
                  the user's language, for the subject-access summary (``somflow person export``);
                  never another person's data (name the staff member who acted by their role only)
    """

    name: str
    collection: str
    label: str
    clock: str
    years: int
    started: Callable[[Workspace, dict[str, Any]], date | None]
    subjects: Callable[[Workspace, dict[str, Any]], list[str]] = _nobody
    ref: Callable[[Workspace, dict[str, Any]], str] = short_ref
    describe: Callable[[Workspace, dict[str, Any]], list[tuple[str, str]]] = _nothing
    plugin: str = field(default="", compare=False)


def record_types(workspace: Workspace) -> dict[str, RecordType]:
    """Name → record type for every type the workspace's plugins declare (collected once per plugin host)."""
    host = workspace.plugins
    if host is None:
        raise RuntimeError("workspace opened without plugins")
    cached = getattr(host, "_record_types", None)
    if cached is None:
        found = host.registered(
            "somflow_record_types",
            lambda t: t.name,
            lambda name, other: _(
                "rodzaj rekordu {name} jest już zadeklarowany przez wtyczkę {other}", name=name, other=other
            ),
        )
        cached = host._record_types = {
            name: RecordType(**{**t.__dict__, "plugin": plugin}) for name, (t, plugin) in found.items()
        }
    return cached


def periods(workspace: Workspace) -> dict[str, int]:
    """Name → years for every record type: ``[retention]`` of somflow.toml over the declared defaults.

    A key naming no declared record type raises :class:`~somflow.errors.ConfigError` with the
    file, the line and the key (the core's one flattener), listing the names allowed.
    """
    types = record_types(workspace)
    chosen = workspace.config.get(SECTION) or {}
    if set(chosen) - set(types):
        path = workspace.root / config.CONFIG_NAME
        schema = {SECTION: {"type": "dict", "keysrules": {"allowed": sorted(types)}, "valuesrules": VALUES}}
        try:
            config.check({SECTION: chosen}, schema, path=path, text=path.read_text(encoding="utf-8-sig"))
        except ConfigError as exc:
            allowed = _("Rodzaje rekordów w sekcji [retention]: {names}.", names=", ".join(sorted(types)))
            raise ConfigError(f"{exc}\n{allowed}") from None
    return {name: chosen.get(name, t.years) for name, t in types.items()}


def linked_documents(record: dict[str, Any]) -> list[str]:
    """Ids of the ``documents`` a record lists in its ``documents``: ``[{"id": ...}]``, ``[id]`` or ``{id: ...}``."""
    listed = record.get("documents") or []
    return [d["id"] if isinstance(d, dict) else d for d in listed if d]


_pass: ContextVar[dict[Any, Any] | None] = ContextVar("somflow_retention_pass", default=None)


@contextmanager
def one_pass() -> Iterator[None]:
    """A pass over every record (the listing, an export): lookups shared by many records are read once.

    Inside it, :func:`shared` keeps what it loads until the pass ends; outside, it loads every time.
    """
    token = _pass.set({}) if _pass.get() is None else None
    try:
        yield
    finally:
        if token is not None:
            _pass.reset(token)


def in_pass() -> bool:
    """True inside :func:`one_pass` (a lookup of one record may then use the pass's whole read instead)."""
    return _pass.get() is not None


def shared(key: Any, load: Callable[[], Any]) -> Any:
    """``load()``, read once per :func:`one_pass` (e.g. the register's children, for matching names)."""
    cache = _pass.get()
    if cache is None:
        return load()
    if key not in cache:
        cache[key] = load()
    return cache[key]


def add_years(day: date, years: int) -> date:
    """``day`` ``years`` later (29 February becomes 28 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
