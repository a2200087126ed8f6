"""Writing files that hold personal data: atomically, durably, readable by the owner only."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_private(path: Path, payload: bytes, *, durable: bool = True) -> None:
    """Atomically replace ``path`` with ``payload``; the file is readable by its owner only.

    ``durable=False`` skips the flush to disk, for writing many new files and then
    making them durable together with :func:`sync_files` (one flush instead of one each).
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")  # mode 0600
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if durable:
        _fsync_dir(path.parent)


def sync_files(paths: list[Path]) -> None:
    """Flush files written with ``durable=False`` and their folders to disk.

    After the first flush the journal has usually written the others too, so a
    batch costs about one flush, not one a file.
    """
    for path in paths:
        fd = os.open(path, os.O_RDWR)  # Windows commits only handles open for writing
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    for folder in sorted({p.parent for p in paths}):
        _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable; directories cannot be opened on Windows.
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
