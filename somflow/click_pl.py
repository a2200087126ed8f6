"""Polish for click's own messages (usage, missing arguments, bad values), so a secretary
never meets an English error. click looks its texts up through ``gettext``; we put a
translator in front of it in click's modules, used only while the language is Polish.
"""

from __future__ import annotations

import gettext

import click.core
import click.decorators
import click.exceptions
import click.formatting
import click.parser
import click.termui
import click.types

from somflow import click_help, i18n

POLISH = {
    "Usage:": "Użycie:",
    "Options": "Opcje",
    "Commands": "Polecenia",
    "Positional arguments": "Argumenty",
    "Show this message and exit.": "Pokaż tę pomoc i zakończ.",
    "Show the version and exit.": "Pokaż wersję i zakończ.",
    "%(prog)s, version %(version)s": "%(prog)s, wersja %(version)s",
    "Error: {message}": "Błąd: {message}",
    "Try '{command} {option}' for help.": "Pomoc: '{command} {option}'.",
    "No such command {name!r}.": "Nie ma polecenia {name!r}.",
    "No such option {name!r}.": "Nie ma opcji {name!r}.",
    "Missing command.": "Brak polecenia.",
    "Missing argument": "Brak argumentu",
    "Missing option": "Brak opcji",
    "Missing parameter": "Brak parametru",
    "Missing parameter: {param_name}": "Brak parametru: {param_name}",
    "Missing {param_type}": "Brak: {param_type}",
    "Invalid value for {param_hint}: {message}": "Zła wartość {param_hint}: {message}",
    "Invalid value: {message}": "Zła wartość: {message}",
    "Option {name!r} does not take a value.": "Opcja {name!r} nie przyjmuje wartości.",
    "Option {name!r} requires an argument.": "Opcja {name!r} wymaga wartości.",
    "Argument {name!r} takes {nargs} values.": "Argument {name!r} przyjmuje {nargs} wartości.",
    "Aborted!": "Przerwano!",
    "Do you want to continue?": "Czy kontynuować?",
    "Repeat for confirmation": "Powtórz, aby potwierdzić",
    "Error: The two entered values do not match.": "Błąd: wpisane wartości się różnią.",
    "Error: invalid input": "Błąd: nieprawidłowa odpowiedź",
    "Press any key to continue...": "Naciśnij dowolny klawisz...",
    "Choose from:\n\t{choices}": "Wybierz jedno z:\n\t{choices}",
    "default: {default}": "domyślnie: {default}",
    "env var: {var}": "zmienna środowiskowa: {var}",
    "{value!r} is not a valid integer.": "{value!r} nie jest liczbą całkowitą.",
    "{value!r} is not a valid float.": "{value!r} nie jest liczbą.",
    "{value!r} is not a valid {number_type}.": "{value!r} nie jest poprawną liczbą.",
    "{value} is not in the range {range}.": "{value} jest poza zakresem {range}.",
    "{value!r} is not {choice}.": "{value!r} to nie {choice}.",
    "{value!r} is not one of {choices}.": "{value!r} nie jest jedną z wartości: {choices}.",
    "{name} {filename!r} does not exist.": "{name} {filename!r} nie istnieje.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} jest folderem.",
    "{name} {filename!r} is a file.": "{name} {filename!r} jest plikiem.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} nie da się odczytać.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} nie da się zapisać.",
    "Could not open file {filename!r}: {message}": "Nie można otworzyć pliku {filename!r}: {message}",
    "file": "plik",
    "directory": "folder",
    "path": "ścieżka",
}

_MODULES = (click.core, click.decorators, click.exceptions, click.formatting, click.parser, click.termui, click.types)


def _gettext(message: str) -> str:
    return POLISH.get(message, message) if i18n.language() == "pl" else gettext.gettext(message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return _gettext(singular if n == 1 else plural)


def install() -> None:
    """Route click's messages through the Polish table and help texts through the catalogues (idempotent)."""
    click_help.install(POLISH)
    for module in _MODULES:
        if hasattr(module, "_"):
            module._ = _gettext
        if hasattr(module, "ngettext"):
            module.ngettext = _ngettext
