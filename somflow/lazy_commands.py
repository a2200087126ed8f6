"""Commands whose module is imported only when they run (click's lazy-loading pattern).

``somflow --help`` lists every command with its short help; importing each
command's module for that would load the PDF, image and calendar libraries
behind them, which costs most of a second. A plugin therefore registers a
:class:`LazyCommand`: the command's name, the import path of the real
:class:`click.Command` and its help text, nothing more. The ``somflow`` group
lists it from that help and loads the real command only when it is invoked
(or its own ``--help`` is asked for).

The help text is the one the real command shows, so ``somflow --help`` reads
the same either way: keep it in one constant beside the registration and pass
that constant to the real command's ``help=``.
"""

from __future__ import annotations

import importlib

import click


class LazyCommand(click.Command):
    """A stand-in for the command at ``import_path`` (``"package.module:attribute"``)."""

    def __init__(self, name: str, import_path: str, help: str, hidden: bool = False) -> None:
        super().__init__(name, help=help, hidden=hidden, add_help_option=False)
        self.import_path = import_path

    def load(self) -> click.Command:
        """Import the real command; it must be a click command of the same name."""
        module_name, _, attribute = self.import_path.partition(":")
        command = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.import_path} is not a click command")
        if command.name != self.name:
            raise ValueError(f"{self.import_path} is the command {command.name!r}, registered as {self.name!r}")
        return command

    # Anything beyond listing is done by the real command: a group invokes a subcommand (and shows
    # its --help, and completes its options) through the context the subcommand makes.
    def make_context(self, info_name, args, parent=None, **extra):  # type: ignore[no-untyped-def]
        return self.load().make_context(info_name, args, parent=parent, **extra)

    def to_info_dict(self, ctx: click.Context) -> dict:
        return self.load().to_info_dict(ctx)
