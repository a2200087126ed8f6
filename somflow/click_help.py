"""Help of commands, options and arguments in the chosen language, translated when it is shown.

Commands (the core's and the plugins') give click their help in Polish, the default language, when
their module is imported; the language is chosen later (``--lang``, ``SOMFLOW_LANG``). So click's help
rendering is wrapped here: every help text, short help (before click shortens it), epilog and
metavar goes through :func:`somflow.i18n._` just while click formats it. The catalogue key (msgid)
of a text is :func:`help_key` of it; its English entry is in the same gettext catalogues as every
other message: ``somflow/locale/en/LC_MESSAGES/somflow.po`` for the core's commands and the
plugin package's ``locale/en/LC_MESSAGES/<package>.po`` for a plugin's (or given in code with
:func:`somflow.i18n.add_catalog`).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click

from somflow import i18n

_MARK = "_somflow_translates_help"
_click_words: dict[str, dict[str, str]] = {"pl": {}, "en": {}}

_METAVAR_SUFFIX = "..."


def help_key(text: str) -> str:
    """The catalogue key of a help text: the text as click shows it (dedented)."""
    return inspect.cleandoc(text)


def _type_word(param: click.Parameter, metavar: str) -> str:
    """A metavar click made from a type's name (``FILE``, ``PLIK``) in the current language.

    ``click.Path`` names its type (file, directory, path) in the language current when it is made.
    """
    if param.metavar is not None:
        return metavar
    word = metavar.removesuffix(_METAVAR_SUFFIX)
    translated = _click_words[i18n.language()].get(word.lower())
    return metavar if translated is None else translated.upper() + metavar[len(word) :]


#: click methods that render text attributes of their object: (class, method, attributes, finish).
_WRAPPED: tuple[tuple[type, str, tuple[str, ...], Callable[[Any, Any], Any] | None], ...] = (
    (click.Command, "format_help_text", ("help",), None),
    (click.Command, "get_short_help_str", ("help", "short_help"), None),
    (click.Command, "format_epilog", ("epilog",), None),
    (click.Option, "get_help_record", ("help",), None),
    (click.Argument, "get_help_record", ("help",), None),
    (click.Option, "make_metavar", ("metavar",), _type_word),
    (click.Argument, "make_metavar", ("metavar",), _type_word),
)


def translate(text: str | None) -> str | None:
    """``text`` in the current language; unchanged when there is no translation.

    Help texts are looked up in the catalogues. click's own words that it put into a help text when
    the object was made (``--help``, ``--version``), in whichever language was current then, are
    switched with click's Polish catalogue.
    """
    if not text:
        return text
    if i18n.language() == "pl":
        return _click_words["pl"].get(text, text)
    if text in _click_words["en"]:
        return _click_words["en"][text]
    key = help_key(text)
    translated = i18n._(key)
    return text if translated == key else translated


@contextmanager
def _translated(obj: object, names: tuple[str, ...]) -> Iterator[None]:
    saved = {name: getattr(obj, name) for name in names}
    try:
        for name, value in saved.items():
            setattr(obj, name, translate(value))
        yield
    finally:
        for name, value in saved.items():
            setattr(obj, name, value)


def _wrap(
    method: Callable[..., Any], names: tuple[str, ...], finish: Callable[[Any, Any], Any] | None
) -> Callable[..., Any]:
    @functools.wraps(method)
    def wrapper(self: object, *args: Any, **kwargs: Any) -> Any:
        with _translated(self, names):
            result = method(self, *args, **kwargs)
        return result if finish is None else finish(self, result)

    setattr(wrapper, _MARK, True)
    return wrapper


def install(click_polish: dict[str, str]) -> None:
    """Make click translate help texts as it renders them (idempotent); ``click_polish``: click's words in Polish
    (:func:`somflow.i18n.click_words`)."""
    _click_words["pl"] = dict(click_polish)
    _click_words["en"] = {polish: english for english, polish in click_polish.items()}
    for cls, name, attributes, finish in _WRAPPED:
        method = getattr(cls, name)
        if not getattr(method, _MARK, False):
            setattr(cls, name, _wrap(method, attributes, finish))
