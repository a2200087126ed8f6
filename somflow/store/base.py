"""The document store interface every backend implements.

A store holds *collections* of JSON documents. Every document gets metadata
the backend maintains and callers never set:

``id``       sortable unique id (ULID, 26 characters)
``unit``     the unit (school, kindergarten...) the record belongs to
``created``  / ``updated``: UTC timestamps, ISO 8601
``rev``      revision, 1 on insert and +1 on every update (optimistic locking)
``schema``   version of the record's layout (callers may set it; default 1)

All writes happen in a transaction: ``with store.transaction(): ...`` groups
many writes into one commit; a single ``insert``/``update``/``delete`` outside
one gets its own. An exception inside the block leaves the store as it was.
Every committed write appends an audit entry (who, when, which collection and
id, which action), never the values.

A store is bound to one unit: reads see and writes touch only that unit's
records. Backends implement the small set of ``_`` primitives below; the
rules above live here, once.
"""

from __future__ import annotations

import getpass
import re
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from somflow.errors import ConflictError, StoreError
from somflow.i18n import _

META_KEYS = ("id", "unit", "created", "updated", "rev", "schema")
COLLECTION_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
# The person a server (somflow serve) writes for, per request; see :func:`acting_as`.
_acting_user: ContextVar[str | None] = ContextVar("somflow_acting_user", default=None)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def new_id() -> str:
    """A new sortable unique id (ULID)."""
    from ulid import ULID  # start-up time: only commands that write load it

    return str(ULID())


def os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (service accounts, containers)
        return "unknown"


@contextmanager
def acting_as(user: str) -> Iterator[None]:
    """Audit the writes made inside the block, in this context only, under ``user`` (``web:anna``).

    A store is opened once by a server that writes for many people; the
    request's context carries who it is, so concurrent requests never swap
    names in the audit log. Outside such a block the store's own user (the
    operating-system login) is recorded.
    """
    token = _acting_user.set(user)
    try:
        yield
    finally:
        _acting_user.reset(token)


def plain_copy(value: Any) -> Any:
    """A copy of a JSON document (dicts, lists and scalars), several times quicker than :func:`copy.deepcopy`.

    Every read hands out a copy so that callers cannot change the store's own
    data; a page that lists a school's 600 children reads the register dozens of
    times, and ``deepcopy``'s bookkeeping (memo, reducers) was most of its time.
    """
    if isinstance(value, dict):
        return {key: plain_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain_copy(item) for item in value]
    return value


def matches(doc: dict[str, Any], where: dict[str, Any]) -> bool:
    """True when every dotted path in ``where`` equals the given value in ``doc``."""
    for path, expected in where.items():
        value: Any = doc
        for part in path.split("."):
            if not isinstance(value, dict) or part not in value:
                return False
            value = value[part]
        if value != expected:
            return False
    return True


class Store(ABC):
    """A unit's view of the document store. See the module docstring for the rules."""

    def __init__(self, unit: str, user: str | None = None):
        self.unit = unit
        self.user = user or os_user()
        self._local = threading.local()

    @property
    def actor(self) -> str:
        """Who the writes are made by now: the web user of :func:`acting_as`, else the store's user."""
        return _acting_user.get() or self.user

    # ------------------------------------------------------------------ reads

    def get(self, collection: str, id: str) -> dict[str, Any] | None:
        """The document with ``id``, or None (also when it belongs to another unit)."""
        doc = self._get(self._check(collection), id)
        if doc is None or doc.get("unit") != self.unit:
            return None
        return plain_copy(doc)

    def query(self, collection: str, where: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Documents whose dotted-path fields equal the values in ``where``, oldest first."""
        where = {**(where or {}), "unit": self.unit}
        found = [plain_copy(d) for d in self._query(self._check(collection), where)]
        return sorted(found, key=lambda d: d["id"])

    def count(self, collection: str, where: dict[str, Any] | None = None) -> int:
        return sum(1 for _ in self._query(self._check(collection), {**(where or {}), "unit": self.unit}))

    @abstractmethod
    def collections(self) -> list[str]:
        """Names of the collections that hold at least one document (of any unit)."""

    def units(self) -> list[str]:
        """Ids of the units that have records in this store (ids only), for the municipality overview."""
        raise NotImplementedError

    def for_unit(self, unit: str) -> Store:
        """The same store seen as ``unit``, sharing connections and caches; closing it closes nothing."""
        raise NotImplementedError

    # ----------------------------------------------------------------- writes

    def insert(self, collection: str, doc: dict[str, Any], *, id: str | None = None) -> dict[str, Any]:
        """Store a new document; returns it with its metadata.

        ``id`` gives the new document an existing record's id (a plugin's record kept under the id of
        the register person it belongs to); an id already used in ``collection`` is refused.
        """
        with self.transaction():
            if id is not None and self._get(self._check(collection), id) is not None:
                raise StoreError(_("Rekord {id} już istnieje w zbiorze {collection}.", id=id, collection=collection))
            stamp = now_iso()
            record = {k: v for k, v in doc.items() if k not in META_KEYS}
            record.update(
                id=id or new_id(), unit=self.unit, created=stamp, updated=stamp, rev=1, schema=doc.get("schema", 1)
            )
            self._write(self._check(collection), record["id"], record)
            self._audit(collection, record["id"], "insert")
            return plain_copy(record)

    def update(
        self,
        collection: str,
        id: str,
        changes: dict[str, Any],
        *,
        expected_rev: int | None = None,
        action: str = "update",
    ) -> dict[str, Any]:
        """Set the top-level fields in ``changes`` (``None`` values are kept as null).

        With ``expected_rev`` the update is refused with :class:`ConflictError`
        when somebody else changed the record since it was read. ``action`` names
        the change in the audit log (``withdraw``, ``correct``: see somflow.corrections).
        """
        with self.transaction():
            current = self._get(self._check(collection), id)
            if current is None or current.get("unit") != self.unit:
                raise StoreError(_("Nie znaleziono rekordu {id} w zbiorze {collection}.", id=id, collection=collection))
            if expected_rev is not None and current["rev"] != expected_rev:
                raise ConflictError(
                    _(
                        "Rekord {id} został w międzyczasie zmieniony przez kogoś innego. Wczytaj go ponownie i powtórz zmianę.",
                        id=id,
                    )
                )
            record = plain_copy(current)
            record.update({k: v for k, v in changes.items() if k not in META_KEYS})
            if "schema" in changes:
                record["schema"] = changes["schema"]
            record.update(updated=now_iso(), rev=current["rev"] + 1)
            self._write(collection, id, record)
            self._audit(collection, id, action)
            return plain_copy(record)

    def delete(self, collection: str, id: str) -> None:
        """Remove a document; deleting a missing one is an error."""
        with self.transaction():
            current = self._get(self._check(collection), id)
            if current is None or current.get("unit") != self.unit:
                raise StoreError(_("Nie znaleziono rekordu {id} w zbiorze {collection}.", id=id, collection=collection))
            self._write(collection, id, None)
            self._audit(collection, id, "delete")

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """Group writes into one atomic commit; nested blocks join the outer one."""
        if getattr(self._local, "pending", None) is not None:
            yield self
            return
        self._local.pending = []
        try:
            self._begin()
            try:
                yield self
            except BaseException:
                self._abort()
                raise
            self._commit(self._local.pending)
        finally:
            self._local.pending = None

    def note(self, collection: str, id: str, action: str) -> None:
        """Add an audit entry for an event that is not one record's write (a migration), inside a transaction."""
        if getattr(self._local, "pending", None) is None:
            raise RuntimeError("Store.note() needs an open transaction")
        self._audit(self._check(collection), id, action)

    def audit_log(self) -> list[dict[str, Any]]:
        """The audit entries of this unit, oldest first."""
        return [e for e in self._read_audit() if e.get("unit") == self.unit]

    def close(self) -> None:  # noqa: B027 - optional: a store with nothing to release keeps it
        """Release resources (connections, file handles)."""

    # ------------------------------------------------------- for the backends

    def _audit(self, collection: str, id: str, action: str) -> None:
        self._local.pending.append(
            {
                "ts": now_iso(),
                "user": self.actor,
                "unit": self.unit,
                "action": action,
                "collection": collection,
                "id": id,
            }
        )

    @staticmethod
    def _check(collection: str) -> str:
        if not COLLECTION_NAME.match(collection):
            raise ValueError(f"invalid collection name {collection!r}")
        return collection

    @abstractmethod
    def _get(self, collection: str, id: str) -> dict[str, Any] | None:
        """The raw document (any unit) or None. Must not be mutated by the caller."""

    @abstractmethod
    def _query(self, collection: str, where: dict[str, Any]) -> Iterable[dict[str, Any]]:
        """Raw documents matching ``where`` (see :func:`matches`)."""

    @abstractmethod
    def _write(self, collection: str, id: str, doc: dict[str, Any] | None) -> None:
        """Put (or with None, remove) a document inside the open transaction."""

    @abstractmethod
    def _begin(self) -> None:
        """Start a transaction: take the lock, see the latest committed state."""

    @abstractmethod
    def _commit(self, audit: list[dict[str, Any]]) -> None:
        """Make the transaction's writes durable together with its audit entries, then release."""

    @abstractmethod
    def _abort(self) -> None:
        """Forget the transaction's writes and release."""

    @abstractmethod
    def _read_audit(self) -> list[dict[str, Any]]:
        """All audit entries, oldest first."""
