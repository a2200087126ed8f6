"""Logging that never carries a PESEL: a filter masks any 11-digit run as a last line of defence.

Code must not log names or personal values in the first place; the filter only
catches mistakes — in the message, in a logged exception's text and traceback.

somflow's own loggers are ``somflow.*``; plugins log under their package name
(``somflow_vetting.records``, ``somflow_workspace_plugin_x``), which is not below
``somflow``. So the handlers sit on the root logger: every logger whose name starts
with ``somflow`` is shown at the chosen level, other libraries from WARNING up
(their debug output is not ours to vouch for), and all of it goes through the filter.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import sys
import traceback
from pathlib import Path

from somflow.errors import ConfigError
from somflow.fileio import make_private_dir
from somflow.i18n import _

_ELEVEN_DIGITS = re.compile(r"(?<!\d)\d{11}(?!\d)")
#: An extension shown in a file label: a dot and a few letters or digits, nothing a name could hide in.
_PLAIN_SUFFIX = re.compile(r"\.[a-z0-9]{1,5}")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def redact_pesel(text: str) -> str:
    """``text`` with every run of exactly 11 digits (a possible PESEL) replaced by asterisks."""
    return _ELEVEN_DIGITS.sub("***********", text)


def file_label(path: Path) -> str:
    """How logs and the watcher's output name a user's file: scans are often named after the child, so a
    short digest of the name's bytes and a plain extension only. Any name works, also one with bytes that
    are not UTF-8 (an old scanner writing Windows-1250 names): the digest is of the bytes on disk, so an
    administrator can compute it for a file in question (``printf %s NAME | sha256sum``)."""
    digest = hashlib.sha256(os.fsencode(path.name)).hexdigest()[:8]
    suffix = path.suffix.lower()
    return f"file#{digest}{suffix if _PLAIN_SUFFIX.fullmatch(suffix) else ''}"


def readable_name(name: str) -> str:
    """A file name as a person can read it, safe to print: a name that is not UTF-8 on disk is read as
    Windows-1250 (what old scanners write), and control characters are shown escaped (``\\n``)."""
    raw = os.fsencode(name)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1250", "backslashreplace")
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def log_unexpected(logger: logging.Logger, what: str, exc: BaseException) -> None:
    """An unexpected error: its type and the code frames, not its message (which may quote a file or a person)."""
    logger.error("%s: %s\n%s", what, type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__)).rstrip())


class RedactPesel(logging.Filter):
    """Masks 11-digit runs in a record's message and in its exception and stack text."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _ELEVEN_DIGITS.search(message):
            record.msg, record.args = redact_pesel(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_pesel(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_pesel(record.stack_info)
        return True


class _OursOrWarning(logging.Filter):
    """Lets through somflow's and plugins' records at the chosen level, others from WARNING up."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.name.startswith("somflow") or record.levelno >= logging.WARNING


def _handler(handler: logging.Handler, fmt: str) -> logging.Handler:
    handler.addFilter(_OursOrWarning())
    handler.addFilter(RedactPesel())
    handler.setFormatter(logging.Formatter(fmt))
    return handler


def open_log_file(path: Path) -> logging.Handler:
    """A handler appending to ``path`` (UTF-8); a new file is created readable by its owner only."""
    try:
        make_private_dir(path.parent)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
        os.close(fd)
        return logging.FileHandler(path, mode="a", encoding="utf-8")
    except OSError as exc:
        raise ConfigError(
            _("Nie można otworzyć pliku dziennika {path} (--log-file): {error}", path=path, error=exc.strerror or exc)
        ) from None


def setup_logging(verbose: int, log_file: Path | None = None) -> None:
    """Warnings by default; ``-v`` info, ``-vv`` debug; to stderr and ``log_file``, always through the PESEL filter."""
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    handlers = [_handler(logging.StreamHandler(sys.stderr), "%(levelname)s %(name)s: %(message)s")]
    if log_file is not None:
        handlers.append(_handler(open_log_file(log_file), FORMAT))
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_somflow", False)]:
        root.removeHandler(old)
        old.close()
    for handler in handlers:
        handler._somflow = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(level)  # other libraries' records below WARNING are dropped by the handlers' filter
    ours = logging.getLogger("somflow")
    ours.setLevel(logging.NOTSET)
    ours.propagate = True
