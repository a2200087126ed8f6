"""somflow: child-protection standards (Standardy Ochrony Małoletnich) as a reliable tool."""

import pluggy

__version__ = "0.1.0"

#: Decorator for hook implementations in plugins: ``@somflow.hookimpl``.
hookimpl = pluggy.HookimplMarker("somflow")
