"""What lies in the inbox folder, looked at without ever being led astray by it.

Only regular files are scans. Anything else — a FIFO (opening it blocks
forever), a socket, a device, a symbolic link (to a folder it would loop
through, to ``/dev/zero`` it would read without end, to a file outside the
inbox it would take that file) — is looked at with ``lstat`` only and never
opened or followed: the pipeline sets it aside with a reason. Folders dropped
into the inbox are walked without following links. A file is read through
:func:`read_regular`, which opens without following a link and without
blocking, checks on the open descriptor that it is a regular file of an
acceptable size, and only then reads it.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

from somflow.i18n import _
from somflow.inbox.model import Rejected, StopIngest

#: A scan bigger than this is not read (300 colour pages at 300 dpi are ~300 MB; a form stack is far less).
MAX_FILE_BYTES = 256 * 1024 * 1024


def special(path: Path) -> str | None:
    """What ``path`` is when it is neither a regular file nor a folder (in Polish), or None; never follows a link."""
    mode = _mode(path)
    return None if mode is None else _kind(mode)


def _mode(path: Path) -> int | None:
    try:
        return path.lstat().st_mode
    except OSError:
        return None


def _kind(mode: int) -> str | None:
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    if stat.S_ISLNK(mode):
        return _("dowiązanie symboliczne (skrót)")
    if stat.S_ISFIFO(mode):
        return _("potok (FIFO)")
    if stat.S_ISSOCK(mode):
        return _("gniazdo (socket)")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return _("urządzenie")
    return _("plik specjalny")


def not_regular(mode: int) -> Rejected:
    """The rejection of an inbox entry of ``mode`` that is not a regular file (it was not opened)."""
    if stat.S_ISLNK(mode):
        hint = _("Wrzuć do skrzynki sam plik skanu (PDF, JPEG, PNG albo TIFF), a nie skrót do niego.")
    else:  # a FIFO, a socket, a device: made by a program, never by a scanner, and not a shortcut to anything
        hint = _(
            "Taki plik specjalny zakłada program, nie skaner: odłóż go (somflow inbox discard) i sprawdź, "
            "który program zapisuje do folderu skrzynki. Skan wrzuć jako zwykły plik PDF, JPEG, PNG albo TIFF."
        )
    return Rejected(_("To nie jest zwykły plik, tylko {kind}; somflow go nie otwiera.", kind=_kind(mode)), hint)


def walk(folder: Path) -> Iterator[Path]:
    """Every entry below ``folder`` that is not a folder (regular files and special entries alike).

    Links are not followed, so a link to a folder (even to the inbox itself) is
    one entry, never a loop. Folders that cannot be read are passed over.
    """
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as scan:
                found = list(scan)
        except OSError:
            continue
        for entry in found:
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_dir:
                stack.append(Path(entry.path))
            else:
                yield Path(entry.path)


def read_regular(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of ``path``, a regular file of at most ``limit`` bytes; never follows a link, never blocks.

    Raises :class:`StopIngest` when the file is gone (or is a folder) and
    :class:`Rejected` when it is not a regular file or is too big.
    """
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    if (mode := _mode(path)) is not None and _kind(mode) is not None:  # O_NOFOLLOW is POSIX only: look first
        raise not_regular(mode)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise StopIngest(_("Plik zniknął ze skrzynki przed przyjęciem.")) from None
    except IsADirectoryError:
        raise StopIngest(_("To jest folder.")) from None
    except OSError:
        if (mode := _mode(path)) is not None and _kind(mode) is not None:  # replaced by a link meanwhile (ELOOP)
            raise not_regular(mode) from None
        raise
    with os.fdopen(fd, "rb") as file:
        st = os.fstat(file.fileno())
        if stat.S_ISDIR(st.st_mode):
            raise StopIngest(_("To jest folder."))
        if _kind(st.st_mode) is not None:
            raise not_regular(st.st_mode)
        if st.st_size > limit:
            raise too_big(st.st_size, limit)
        content = file.read(limit + 1)
    if len(content) > limit:  # grew while being read
        raise too_big(len(content), limit)
    return content


def too_big(size: int, limit: int) -> Rejected:
    return Rejected(
        _("Plik ma {size} MB; skrzynka przyjmuje pliki do {limit} MB.", size=size // 2**20, limit=limit // 2**20),
        _("Zeskanuj dokument w rozdzielczości 200–300 dpi, w odcieniach szarości, albo podziel skan na kilka plików."),
    )
