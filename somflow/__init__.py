"""somflow: child-protection standards (Standardy Ochrony Małoletnich) as a reliable tool."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pluggy

__version__ = "0.1.0"


def __getattr__(name: str) -> pluggy.HookimplMarker:
    # ``somflow.hookimpl`` is made on first use, so ``somflow --version`` does not import pluggy.
    if name == "hookimpl":
        import pluggy

        global hookimpl
        #: Decorator for hook implementations in plugins: ``@somflow.hookimpl``.
        hookimpl = pluggy.HookimplMarker("somflow")
        return hookimpl
    raise AttributeError(f"module 'somflow' has no attribute {name!r}")
