"""Sign-in state of the web application: the cookie's secret, sessions with idle expiry, login throttling.

The browser holds a cookie signed with the workspace's secret (Starlette's
``SessionMiddleware``, HttpOnly, SameSite=Strict) carrying a random session id,
the CSRF token and the chosen language. Who is signed in is kept here, in the
server's memory, by session id: signing out or an idle session forgets it at
once (a copied cookie is then worth nothing), and restarting the server signs
everybody out.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from somflow.fileio import make_private_dir, write_private
from somflow.workspace import Workspace

SECRET_FILE = "web-secret"
DEFAULT_IDLE_MINUTES = 30
#: Failed sign-ins of one login from one address within the window that make it wait.
MAX_FAILURES = 5
FAILURE_WINDOW_SECONDS = 15 * 60
LOCKOUT_SECONDS = 5 * 60


def secret(workspace: Workspace) -> str:
    """The workspace's cookie-signing secret, created owner-only on first use beside the store."""
    path = secret_path(workspace)
    if not path.exists():
        make_private_dir(path.parent)
        write_private(path, secrets.token_urlsafe(48).encode("ascii"))
    return path.read_text(encoding="ascii").strip()


def secret_path(workspace: Workspace) -> Path:
    return workspace.path("store").parent / SECRET_FILE


def new_token() -> str:
    return secrets.token_urlsafe(32)


@dataclass
class Session:
    user_id: str
    last_seen: float
    messages: list[tuple[str, str]] = field(default_factory=list)  # (text, "info" or "error"), shown once


class Sessions:
    """Signed-in sessions by id, each forgotten after ``idle_seconds`` without a request."""

    def __init__(self, idle_seconds: float, clock: Callable[[], float] = time.monotonic):
        self.idle_seconds = idle_seconds
        self.clock = clock
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def start(self, user_id: str) -> str:
        session_id = new_token()
        with self._lock:
            self._sessions[session_id] = Session(user_id, self.clock())
        return session_id

    def touch(self, session_id: str | None) -> str | None:
        """The user id of a live session (its idle time starts again), or None when it ended or expired."""
        if not session_id:
            return None
        now = self.clock()
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None:
                return None
            if now - session.last_seen > self.idle_seconds:
                del self._sessions[session_id]
                return None
            session.last_seen = now
            return session.user_id

    def tell(self, session_id: str | None, text: str, level: str) -> None:
        """Keep a message for the session's next page (after a form's redirect)."""
        with self._lock:
            session = self._sessions.get(session_id or "")
            if session is not None:
                session.messages.append((text, level))

    def told(self, session_id: str | None) -> list[tuple[str, str]]:
        """The session's waiting messages, now forgotten."""
        with self._lock:
            session = self._sessions.get(session_id or "")
            if session is None:
                return []
            messages, session.messages = session.messages, []
            return messages

    def end(self, session_id: str | None) -> None:
        with self._lock:
            self._sessions.pop(session_id or "", None)


class LoginThrottle:
    """Refuses sign-in for a while after :data:`MAX_FAILURES` failures of one login from one address."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self._failures: dict[tuple[str, str], list[float]] = {}
        self._lock = threading.Lock()

    def wait_seconds(self, login: str, client: str) -> int:
        """Seconds this login from this address must still wait before trying again (0: may try)."""
        now = self.clock()
        with self._lock:
            recent = self._recent((login.strip().lower(), client), now)
            if len(recent) < MAX_FAILURES:
                return 0
            return max(0, int(recent[-1] + LOCKOUT_SECONDS - now) + 1)

    def failed(self, login: str, client: str) -> None:
        key = (login.strip().lower(), client)
        with self._lock:
            self._recent(key, self.clock()).append(self.clock())

    def succeeded(self, login: str, client: str) -> None:
        with self._lock:
            self._failures.pop((login.strip().lower(), client), None)

    def _recent(self, key: tuple[str, str], now: float) -> list[float]:
        recent = [t for t in self._failures.get(key, []) if now - t < FAILURE_WINDOW_SECONDS]
        self._failures[key] = recent
        return recent
