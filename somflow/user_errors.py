"""How a user error ends a command: its Polish message in red on stderr and its exit code, in one place.

:func:`somflow.cli.main` does it for every command; a plugin's command group (or a command)
that wants it done inside the command itself — so that click's ``CliRunner`` sees the exit code
a shell sees instead of an exception — uses :func:`user_errors` or :class:`UserErrorsGroup`.
Exit codes come from the exception class (:mod:`somflow.errors`: 1 by default, 2 invalid
input, 3 the store).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import click

from somflow.errors import SomflowError

F = TypeVar("F", bound=Callable[..., Any])


def show(exc: SomflowError) -> int:
    """Print the error's message in red on stderr; return its exit code."""
    click.secho(str(exc), err=True, fg="red")
    return exc.exit_code


def user_errors(f: F) -> F:
    """Decorate a command: a :class:`SomflowError` becomes its message and exit code, inside the command."""

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return f(*args, **kwargs)
        except SomflowError as exc:
            click.get_current_context().exit(show(exc))

    return wrapper  # type: ignore[return-value]


class UserErrorsGroup(click.Group):
    """A click group whose subcommands' :class:`SomflowError` become their message and exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SomflowError as exc:
            ctx.exit(show(exc))
