"""User-facing text: Polish by default, English on request, through gettext catalogues.

Messages are written in Polish in the code: ``_("Zapisano {path}.", path=out)``.
A message with a count uses :func:`ngettext`, because Polish has three plural
forms (1 dokument, 2 dokumenty, 5 dokumentów): the code gives the singular and
the genitive plural, the catalogues give every form::

    ngettext("Dodano {n} osobę.", "Dodano {n} osób.", count)

The catalogues are gettext ``.po`` files in the repository, one domain per
package: ``somflow/locale/<lang>/LC_MESSAGES/somflow.po`` for the core and
``<plugin package>/locale/<lang>/LC_MESSAGES/<package>.po`` for each plugin
(added with :func:`add_catalog_dir`). English catalogues translate every
message; the Polish ones hold only the plural forms (``Plural-Forms`` with
``nplurals=3``). A message missing from a catalogue shows in Polish, so it is
never lost.

Compiling: ``.mo`` files are built from the ``.po`` files when somflow is
built or installed (``setup.py``'s ``build_py`` step, with Babel). A source
checkout or an editable install has no ``.mo`` yet, or an older one after a
``.po`` changed: then the catalogue is compiled with Babel on first use and the
``.mo`` written beside the ``.po`` (kept in memory when that folder is
read-only). ``pybabel extract`` finds the messages (docs/plugins.md).

click's own messages (usage, errors, "Show this message and exit.") go through
the standard :mod:`gettext` functions click calls; :func:`bind_click` points them
at ``somflow/locale/<lang>/LC_MESSAGES/click.po``.
"""

from __future__ import annotations

import contextlib
import gettext
import io
import os
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path

LANGUAGES = ("pl", "en")
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "somflow"
#: The domain of click's own messages (click calls :func:`gettext.gettext`, i.e. the global domain).
CLICK_DOMAIN = "click"

_sources: list[tuple[Path, str]] = [(LOCALE_DIR, DOMAIN)]  # (locale folder, domain), core first
_entries: dict[str, dict[str, str]] = {}  # add_catalog: translations given in code
_loaded: dict[str, gettext.NullTranslations] = {}
_lang = os.environ.get("SOMFLOW_LANG", "pl") if os.environ.get("SOMFLOW_LANG") in LANGUAGES else "pl"
# One web request's language (its session's choice) over the process-wide one; see :func:`using`.
_request_lang: ContextVar[str | None] = ContextVar("somflow_request_lang", default=None)


def set_language(lang: str) -> None:
    """Switch the language of all following messages (``pl`` or ``en``), click's own ones included."""
    global _lang
    if lang not in LANGUAGES:
        raise ValueError(lang)
    _lang = lang
    if _click_bound:
        os.environ["LANGUAGE"] = lang  # the only language setting the gettext functions click calls read


def language() -> str:
    return _request_lang.get() or _lang


@contextlib.contextmanager
def using(lang: str) -> Iterator[None]:
    """Messages in ``lang`` inside the block, for this context only (a web request; the process keeps its language)."""
    if lang not in LANGUAGES:
        raise ValueError(lang)
    token = _request_lang.set(lang)
    try:
        yield
    finally:
        _request_lang.reset(token)


def add_catalog_dir(locale_dir: Path, domain: str) -> None:
    """Add a package's catalogues: ``locale_dir/<lang>/LC_MESSAGES/<domain>.po`` (and its compiled ``.mo``)."""
    if (locale_dir, domain) not in _sources:
        _sources.append((locale_dir, domain))
        _loaded.clear()


def catalog_dirs() -> list[tuple[Path, str]]:
    """The catalogues packages added with :func:`add_catalog_dir` (the core's own is not among them)."""
    return _sources[1:]


def add_catalog(lang: str, entries: dict[str, str]) -> None:
    """Add translations ``{polish_text: translated_text}`` for ``lang`` from code (a test, a small plugin)."""
    _entries.setdefault(lang, {}).update(entries)


def _(message: str, **params: object) -> str:
    """Translate a Polish message to the current language and fill ``{params}``."""
    lang = language()
    if lang != "pl":
        message = _entries.get(lang, {}).get(message) or translations(lang).gettext(message)
    return message.format(**params) if params else message


def ngettext(singular: str, plural: str, n: int, **params: object) -> str:
    """The form of a message for the count ``n`` in the current language, filled with ``n`` and ``{params}``.

    ``singular`` is the Polish text for 1, ``plural`` the one for 5 (genitive plural); the
    catalogues hold every form (Polish: 1, 2–4, 5 and more). Without a catalogue entry
    the choice is singular for 1, ``plural`` otherwise.
    """
    return translations(language()).ngettext(singular, plural, n).format(n=n, **params)


def pick(text: str | dict[str, str]) -> str:
    """Choose the current language from a ``{"pl": ..., "en": ...}`` label (or return a plain string)."""
    if isinstance(text, str):
        return text
    return text.get(language()) or text.get("pl") or next(iter(text.values()), "")


# ------------------------------------------------------------------ catalogues


def translations(lang: str) -> gettext.NullTranslations:
    """Every catalogue of ``lang`` chained: the core's first, then each plugin's in the order added."""
    if lang not in _loaded:
        chain = gettext.NullTranslations()
        for locale_dir, domain in _sources:
            found = load(locale_dir, lang, domain)
            if found is not None:
                chain.add_fallback(found)
        _loaded[lang] = chain
    return _loaded[lang]


def load(locale_dir: Path, lang: str, domain: str) -> gettext.GNUTranslations | None:
    """One compiled catalogue; compiled from its ``.po`` first when the ``.mo`` is missing or older."""
    po = locale_dir / lang / "LC_MESSAGES" / f"{domain}.po"
    mo = po.with_suffix(".mo")
    data = mo.read_bytes() if _fresh(mo, po) else None
    if data is None:
        if not po.is_file():
            return None
        data = compile_po(po)
        with contextlib.suppress(OSError):  # an installed, read-only package: keep it in memory
            mo.write_bytes(data)
    return gettext.GNUTranslations(io.BytesIO(data))


def _fresh(mo: Path, po: Path) -> bool:
    try:
        built = mo.stat().st_mtime
    except OSError:
        return False
    try:
        return built >= po.stat().st_mtime
    except OSError:  # a built package ships the .mo alone
        return True


def compile_po(po: Path) -> bytes:
    """The ``.mo`` bytes of a ``.po`` file (Babel; imported only here, where a catalogue is compiled)."""
    from babel.messages import mofile, pofile

    with po.open("rb") as source:
        catalog = pofile.read_po(source, abort_invalid=True)
    out = io.BytesIO()
    mofile.write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def compile_all(root: Path) -> list[Path]:
    """Compile every ``locale/*/LC_MESSAGES/*.po`` under ``root`` to its ``.mo`` (the build step); the ``.mo`` files."""
    written = []
    for po in sorted(root.glob("**/locale/*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        mo.write_bytes(compile_po(po))
        written.append(mo)
    return written


# ------------------------------------------------------------------ click

_click_bound = False


def bind_click() -> None:
    """Translate click's own messages with ``click.po`` through the standard gettext functions click calls."""
    global _click_bound
    po = LOCALE_DIR / "pl" / "LC_MESSAGES" / f"{CLICK_DOMAIN}.po"
    if not _fresh(po.with_suffix(".mo"), po):
        load(LOCALE_DIR, "pl", CLICK_DOMAIN)  # compiles and writes the .mo gettext.find() looks for
    gettext.bindtextdomain(CLICK_DOMAIN, str(LOCALE_DIR))
    gettext.textdomain(CLICK_DOMAIN)
    _click_bound = True
    set_language(_lang)


def click_words(lang: str) -> dict[str, str]:
    """click's English words and their ``lang`` translations (for help texts click made in another language)."""
    found = load(LOCALE_DIR, lang, CLICK_DOMAIN)
    return {key: value for key, value in (found._catalog.items() if found else []) if isinstance(key, str) and key}
