"""Writing files that hold personal data: atomically, durably, readable by the owner only.

Portable to Windows: no POSIX-only calls; folders are flushed only where that is
possible; file names built from user input go through :func:`safe_filename`.
Owner-only access: on POSIX the files are created with mode 0600 and folders
0700 whatever the umask (:func:`write_private`, :func:`make_private_dir`; every
file and folder somflow makes goes through them), files moved in lose their
mode (:func:`make_owner_only`), and :func:`open_to_others` finds what slipped
through (``somflow status`` warns); on Windows (where the mode bits restrict nothing) the workspace folder
gets an access list for its owner only (:func:`restrict_to_owner`), which every
file created inside it inherits.
"""

from __future__ import annotations

import errno
import glob
import logging
import os
import re
import stat
import subprocess
import tempfile
import time
from pathlib import Path

from somflow.errors import FileInUse, InvalidInput, SomflowError, os_error_message
from somflow.i18n import _

log = logging.getLogger(__name__)

#: Characters Windows does not allow in a file name, and control characters.
_INVALID = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
#: Device names Windows reserves, with any extension ("CON.pdf" opens the console).
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$", re.IGNORECASE)


#: The temporary files :func:`write_private` writes beside their target (``mkstemp``'s pattern); one
#: left behind by a killed process is a full copy of what was being written.
TEMPORARY = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")

#: How often a replace or read is retried on Windows while another process has the file open.
RETRIES = 10


def on_windows() -> bool:
    """Whether somflow runs on Windows (a function, so tests can simulate it)."""
    return os.name == "nt"


def decode_text(content: bytes, source: Path | str) -> str:
    """A text file the user gives us (``source`` names it in the message).

    UTF-8 (with or without BOM); UTF-16 with a BOM (what ``somflow forms example X > dane.yaml``
    writes in Windows PowerShell 5); else Windows-1250 — what Polish Excel, Notepad ("ANSI") and
    e-registers write. Bytes that none of them can be: :class:`InvalidInput` naming the byte.
    """
    try:
        if content.startswith((b"\xff\xfe", b"\xfe\xff")):
            return content.decode("utf-16")
        try:
            return content.decode("utf-8-sig")
        except UnicodeDecodeError:
            return content.decode("cp1250")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            [
                _(
                    "Plik {file} nie jest tekstem w UTF-8 ani w Windows-1250 (bajt {position}); zapisz go jako UTF-8 (w Excelu: „CSV UTF-8”).",
                    file=source,
                    position=exc.start + 1,
                )
            ]
        ) from None


def safe_filename(text: str, replacement: str = "_") -> str:
    """``text`` made a valid file name on Windows and POSIX alike.

    Characters Windows forbids (``<>:"/\\|?*``, control characters) become
    ``replacement``; trailing dots and spaces (dropped by Windows) are removed;
    a reserved device name (``CON``, ``NUL``, ``COM1``...) gets an underscore.
    """
    name = _INVALID.sub(replacement, text).rstrip(". ")
    if not name:
        return replacement
    if _RESERVED.match(name):
        name = "_" + name
    return name


def restrict_to_owner(folder: Path) -> bool:
    """Let only the current user (and the system, for backups) open ``folder`` and what it will hold.

    POSIX: the mode bits (0700 folders, 0600 files) already do it; nothing to
    do. Windows: ``chmod`` only sets read-only, so the folder's access list is
    replaced with ``icacls``: inheritance from the parent removed, full control
    for the current user and SYSTEM, inherited by new files and folders.
    Returns whether the access list was set; a failure is logged, not raised
    (the data is still written; README tells how to check).
    """
    if not on_windows():
        return False
    user = os.environ.get("USERNAME") or ""
    domain = os.environ.get("USERDOMAIN") or ""
    if not user:
        log.warning("cannot restrict the workspace to its owner: USERNAME is not set")
        return False
    account = f"{domain}\\{user}" if domain else user
    command = [
        "icacls",
        str(folder),
        "/inheritance:r",
        "/grant:r",
        f"{account}:(OI)(CI)F",
        "/grant:r",
        "*S-1-5-18:(OI)(CI)F",
    ]
    try:
        done = subprocess.run(command, capture_output=True, check=False)
    except OSError as exc:
        log.warning("icacls could not be run: %s", type(exc).__name__)
        return False
    if done.returncode != 0:
        log.warning("icacls failed (exit %s); the workspace keeps its inherited permissions", done.returncode)
        return False
    return True


def make_private_dir(path: Path) -> Path:
    """Create the folder ``path`` and any missing parents, each owner-only (0700) whatever the umask.

    Folders that exist are left as they are (a user may have shared one on purpose;
    ``somflow status`` names those readable by others). Returns ``path``.
    """
    missing = []
    folder = path
    while not folder.exists() and folder.parent != folder:
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:  # made by another process meanwhile
            continue
        if not on_windows():  # the umask may have taken bits away; never add any for the group or others
            os.chmod(folder, 0o700)
    if not path.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(path))
    return path


def make_owner_only(path: Path) -> None:
    """Make a file moved into the workspace (it keeps the mode it had) readable by its owner only.

    Links and special files are left alone (chmod would follow a link out of the workspace).
    Windows: the workspace's access list, inherited by what is moved in, already does it.
    """
    if on_windows():
        return
    st = os.lstat(path)
    if stat.S_ISREG(st.st_mode) and stat.S_IMODE(st.st_mode) & 0o077:
        os.chmod(path, 0o600)


def open_to_others(root: Path) -> list[tuple[Path, int]]:
    """Files and folders under ``root`` (itself included) that the group or other users may open, with their modes.

    POSIX only (on Windows the access list set by :func:`restrict_to_owner` is what counts: README
    tells how to check it with ``icacls``); links are not followed.
    """
    if on_windows():
        return []
    found = []
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        for name in [*([""] if here == root else []), *dirs, *files]:  # a folder is checked as its parent's entry
            path = here / name if name else here
            try:
                st = os.lstat(path)
            except OSError:  # removed meanwhile
                continue
            if not stat.S_ISLNK(st.st_mode) and stat.S_IMODE(st.st_mode) & 0o077:
                found.append((path, stat.S_IMODE(st.st_mode)))
    return found


def write_private(path: Path, payload: bytes, *, durable: bool = True) -> None:
    """Atomically replace ``path`` with ``payload``; the file is readable by its owner only.

    ``durable=False`` skips the flush to disk, for writing many new files and then
    making them durable together with :func:`sync_files` (one flush instead of one each).
    A file kept open by another program (a PDF viewer, Excel) or a folder without
    write access: :class:`FileInUse` with a message saying so; ``path`` is left as it was.
    """
    try:
        _write_private(path, payload, durable)
    except PermissionError:
        raise FileInUse(
            _(
                "Nie można zapisać pliku {path}: jest otwarty w innym programie (np. w przeglądarce PDF albo w Excelu) "
                "albo brak uprawnień do zapisu w tym folderze. Zamknij plik i uruchom polecenie ponownie.",
                path=path,
            )
        ) from None
    except OSError as exc:  # the folder is missing or is a file: name the file meant, not the temporary one
        raise SomflowError(os_error_message(type(exc)(exc.errno, exc.strerror, str(path)))) from None


def _write_private(path: Path, payload: bytes, durable: bool) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")  # mode 0600
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        replace(Path(tmp), path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if durable:
        _fsync_dir(path.parent)


def remove_temporaries(folder: Path, *, prefix: str = ".", older_than: float = 0.0) -> int:
    """Delete the temporary files killed writes left in ``folder`` (not below it); returns how many.

    Only names of :data:`TEMPORARY`'s pattern starting with ``prefix``, last changed more than
    ``older_than`` seconds ago (a younger one may be being written right now), and only regular
    files: a link or special file of such a name is left alone. One that cannot be removed yet
    (Windows: a scanner has it open) is left for next time.
    """
    removed = 0
    cutoff = time.time() - older_than
    for path in folder.glob(f"{glob.escape(prefix)}*.tmp") if folder.is_dir() else []:
        try:
            st = os.lstat(path)
            if TEMPORARY.fullmatch(path.name) and stat.S_ISREG(st.st_mode) and (not older_than or st.st_mtime < cutoff):
                path.unlink()
                removed += 1
        except FileNotFoundError:  # removed meanwhile
            continue
        except OSError:
            log.warning("a temporary file could not be removed yet")
    return removed


def _retrying(action, *args):
    # Windows refuses to replace (or open) a file another process has open at that very moment —
    # a reader of the store, an antivirus scan, a backup program — with PermissionError.
    # Such handles are held for milliseconds; wait a little and try again (POSIX never needs to).
    for attempt in range(RETRIES):
        try:
            return action(*args)
        except PermissionError:
            if not on_windows() or attempt == RETRIES - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def replace(source: Path, target: Path) -> None:
    """``os.replace`` (over an existing file too), retried while Windows reports the target in use."""
    _retrying(os.replace, source, target)


def read_bytes(path: Path) -> bytes:
    """``path.read_bytes()``, retried while Windows reports the file in use (being replaced)."""
    return _retrying(path.read_bytes)


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
    if on_windows() or os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def prepare_output(target: Path) -> Path:
    """Make the folder ``target`` is to be written in, before any work that would be wasted (or stored)
    when the file cannot be written there; raises InvalidInput naming the place."""
    try:
        make_private_dir(target.parent)
        if target.is_dir():
            raise IsADirectoryError(21, "Is a directory", str(target))
    except OSError as exc:
        raise InvalidInput([os_error_message(exc)]) from None
    return target
