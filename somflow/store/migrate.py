"""Copy a unit's TinyDB store into PostgreSQL: same ids and metadata, verified, repeatable.

The TinyDB file is only read (one ``read_bytes``; the store replaces it
atomically, so that is a consistent snapshot), never opened for writing, and
checked unchanged at the end. Everything is written in one PostgreSQL
transaction which also verifies the copy — per collection the number of
records and a SHA-256 over the canonical JSON of the records, read back from
PostgreSQL — so a failure at any point leaves PostgreSQL as it was.

Running it again copies only what is missing: a record whose id is already
in PostgreSQL with the same content is counted as present; one whose content
differs (changed in PostgreSQL after the first copy) stops the migration,
nothing is written, and the message says how many differ.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from somflow.errors import StoreCorrupt, StoreError
from somflow.i18n import _, ngettext
from somflow.store.jsonfile import NotAStore, StoreFile, parse
from somflow.store.tinydb_store import AUDIT_TAIL, read_audit, tables


@dataclass
class CollectionResult:
    name: str
    in_source: int
    copied: int
    present: int
    sha256: str


@dataclass
class MigrationResult:
    unit: str
    collections: list[CollectionResult] = field(default_factory=list)
    audit_copied: int = 0
    other_units: int = 0
    source_sha256: str = ""


def canonical(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def content_hash(docs: list[dict[str, Any]]) -> str:
    """SHA-256 over the canonical JSON of ``docs`` sorted by id."""
    digest = hashlib.sha256()
    for doc in sorted(docs, key=lambda d: d["id"]):
        digest.update(canonical(doc) + b"\n")
    return digest.hexdigest()


def read_tinydb(path: Path) -> tuple[bytes, dict[str, Any]]:
    """The raw bytes and the parsed content of a TinyDB store file (read only)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise StoreError(_("Nie ma pliku magazynu danych {path}.", path=path)) from None
    try:
        return raw, parse(raw)
    except NotAStore as exc:
        raise StoreCorrupt(StoreFile(path, path.parent / "backups").corrupt_message(str(exc))) from None


def migrate_tinydb_to_postgres(source: Path, dsn: str, unit: str, *, password: str | None = None) -> MigrationResult:
    """Copy ``unit``'s records and audit entries from the TinyDB file ``source`` to the database ``dsn``."""
    from somflow.store.postgres_store import PostgresStore

    raw, content = read_tinydb(source)
    result = MigrationResult(unit=unit, source_sha256=hashlib.sha256(raw).hexdigest())
    wanted: dict[str, list[dict[str, Any]]] = {}
    for name, docs in sorted(tables(content).items()):
        mine = [dict(d, id=key) for key, d in docs.items() if d.get("unit") == unit]
        result.other_units += len(docs) - len(mine)
        if mine:
            wanted[name] = mine
    audit_path = source.with_name(source.stem + ".audit.jsonl")
    audit = [e for e in read_audit(audit_path, content.get(AUDIT_TAIL)) if e.get("unit") == unit]

    target = PostgresStore(dsn, unit=unit, password=password)
    try:
        with target.transaction():
            for name, docs in wanted.items():
                copied, present_ids = target._import_documents(name, docs)
                expected = {d["id"]: d for d in docs}
                stored = target._documents(name, list(expected))
                differing = [d["id"] for d in stored if canonical(d) != canonical(expected[d["id"]])]
                if differing:
                    raise StoreError(
                        ngettext(
                            "Zbiór {collection}: {n} rekord jest już w bazie PostgreSQL z inną treścią "
                            "(zmieniony po wcześniejszej migracji). Niczego nie skopiowano; plik TinyDB jest bez zmian.",
                            "Zbiór {collection}: {n} rekordów jest już w bazie PostgreSQL z inną treścią "
                            "(zmienione po wcześniejszej migracji). Niczego nie skopiowano; plik TinyDB jest bez zmian.",
                            len(differing),
                            collection=name,
                        )
                    )
                want_hash, got_hash = content_hash(docs), content_hash(stored)
                if len(stored) != len(docs) or want_hash != got_hash:
                    raise StoreError(
                        _(
                            "Sprawdzenie kopii zbioru {collection} nie powiodło się (w pliku {expected}, w bazie {found}). "
                            "Niczego nie skopiowano; plik TinyDB jest bez zmian.",
                            collection=name,
                            expected=len(docs),
                            found=len(stored),
                        )
                    )
                result.collections.append(CollectionResult(name, len(docs), copied, len(present_ids), got_hash))
            result.audit_copied = target._import_audit(audit)
    finally:
        target.close()
    if hashlib.sha256(source.read_bytes()).hexdigest() != result.source_sha256:
        # Another somflow process wrote to the TinyDB file meanwhile: the copy is of the earlier state.
        raise StoreError(
            _(
                "Plik {path} zmienił się w trakcie migracji (ktoś pracował w somflow). Skopiowano stan sprzed zmiany; "
                "uruchom migrację ponownie, aby dokopiować nowe rekordy.",
                path=source,
            )
        )
    return result
