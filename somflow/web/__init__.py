"""The web face of somflow (``somflow serve``): pages over the same functions as the CLI.

Importing this package is cheap (it is imported at start-up through the web
plugin): Starlette, Jinja2, uvicorn and argon2 are imported by the modules
that need them (:mod:`somflow.web.app`, :mod:`somflow.web.accounts`), only when
a web command runs.

For plugin authors: :class:`~somflow.web.pages.Page` and
:class:`~somflow.web.pages.Panel` (offered through the ``somflow_web_pages`` and
``somflow_web_panels`` hooks) and :func:`somflow.web.render.page` (a page in the
base template). See docs/plugins.md.
"""
