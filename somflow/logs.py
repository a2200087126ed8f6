"""Logging that never carries a PESEL: a filter masks any 11-digit run as a last line of defence.

Code must not log names or personal values in the first place; the filter only
catches mistakes.
"""

from __future__ import annotations

import logging
import re

_ELEVEN_DIGITS = re.compile(r"(?<!\d)\d{11}(?!\d)")


def redact_pesel(text: str) -> str:
    """``text`` with every run of exactly 11 digits (a possible PESEL) replaced by asterisks."""
    return _ELEVEN_DIGITS.sub("***********", text)


class RedactPesel(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _ELEVEN_DIGITS.search(message):
            record.msg, record.args = redact_pesel(message), None
        return True


def setup_logging(verbose: int) -> None:
    """Warnings by default; ``-v`` info, ``-vv`` debug; always through the PESEL filter."""
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    handler = logging.StreamHandler()
    handler.addFilter(RedactPesel())
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("somflow")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False
