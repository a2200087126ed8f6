"""Accounts of the web application (``somflow users``): logins, roles, argon2 password hashes.

Accounts are records of the store's ``users`` collection: ``login``,
``role`` (:data:`somflow.web.roles.ROLES`), ``password_hash`` (argon2id) and
``disabled``. A password is never stored, logged or written to the audit log;
the audit log records that an account was added, reset or disabled, by whom.
"""

from __future__ import annotations

import re
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from somflow.errors import SomflowError
from somflow.i18n import _, ngettext
from somflow.web.roles import ROLES
from somflow.workspace import Workspace

USERS = "users"
LOGIN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
MIN_PASSWORD = 10
_hasher = PasswordHasher()
# Checked against when the login does not exist, so a wrong login takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("somflow: no such account")


def add(workspace: Workspace, login: str, role: str, password: str) -> dict[str, Any]:
    """Create the account ``login`` with ``role``; the login must be free (letters are compared case-blind)."""
    login = _checked_login(login)
    _check_role(role)
    _check_password(password)
    store = workspace.store
    with store.transaction():
        if _find(workspace, login) is not None:
            raise SomflowError(_("Konto {login} już istnieje.", login=login))
        record = store.insert(
            USERS, {"login": login, "role": role, "password_hash": _hasher.hash(password), "disabled": False}
        )
    return public(record)


def listed(workspace: Workspace) -> list[dict[str, Any]]:
    """Every account without its password hash, by login."""
    return sorted((public(r) for r in workspace.store.query(USERS)), key=lambda r: r["login"])


def reset(workspace: Workspace, login: str, password: str) -> dict[str, Any]:
    """Give ``login`` a new password (and enable it again if it was disabled)."""
    _check_password(password)
    store = workspace.store
    with store.transaction():
        record = _existing(workspace, login)
        record = store.update(
            USERS,
            record["id"],
            {"password_hash": _hasher.hash(password), "disabled": False},
            expected_rev=record["rev"],
            action="reset",
        )
    return public(record)


def disable(workspace: Workspace, login: str) -> dict[str, Any]:
    """Disable ``login``: it can no longer sign in, and its open sessions end at their next request."""
    store = workspace.store
    with store.transaction():
        record = _existing(workspace, login)
        record = store.update(USERS, record["id"], {"disabled": True}, expected_rev=record["rev"], action="disable")
    return public(record)


def authenticate(workspace: Workspace, login: str, password: str) -> dict[str, Any] | None:
    """The enabled account ``login`` when ``password`` is its password, else None (taking the same time)."""
    record = _find(workspace, login.strip().lower())
    try:
        _hasher.verify(record["password_hash"] if record else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if record is None or record.get("disabled"):
        return None
    if _hasher.check_needs_rehash(record["password_hash"]):  # argon2's parameters were raised since
        workspace.store.update(USERS, record["id"], {"password_hash": _hasher.hash(password)}, action="rehash")
    return public(record)


def active(workspace: Workspace, id: str) -> dict[str, Any] | None:
    """The account with record ``id`` while it is enabled (a session's account, checked at every request)."""
    record = workspace.store.get(USERS, id)
    return public(record) if record and not record.get("disabled") else None


def public(record: dict[str, Any]) -> dict[str, Any]:
    """The account without its password hash."""
    return {k: v for k, v in record.items() if k != "password_hash"}


def _find(workspace: Workspace, login: str) -> dict[str, Any] | None:
    found = workspace.store.query(USERS, {"login": login})
    return found[0] if found else None


def _existing(workspace: Workspace, login: str) -> dict[str, Any]:
    record = _find(workspace, login.strip().lower())
    if record is None:
        raise SomflowError(_("Nie ma konta {login}. Konta: somflow users list", login=login))
    return record


def _checked_login(login: str) -> str:
    login = login.strip().lower()
    if not LOGIN.match(login):
        raise SomflowError(
            _(
                "Nieprawidłowy login {login!r}: 2–40 znaków, małe litery bez polskich znaków, cyfry, kropka, "
                "minus lub podkreślenie, na początku litera lub cyfra.",
                login=login,
            )
        )
    return login


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise SomflowError(_("Nieznana rola {role}. Dostępne role: {roles}.", role=role, roles=", ".join(ROLES)))


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise SomflowError(
            ngettext(
                "Hasło jest za krótkie: co najmniej {n} znak.",
                "Hasło jest za krótkie: co najmniej {n} znaków.",
                MIN_PASSWORD,
            )
        )
