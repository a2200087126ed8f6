"""PESEL numbers as people and spreadsheets give them: read, check and explain in one place.

Every part of somflow that takes a PESEL (form data, the staff CSV import,
class lists) goes through :func:`check`, so a number is accepted or refused
the same way everywhere, with the same Polish message. The arithmetic (length,
check digit with weights 1 3 7 9…, a birth date that exists in the century the
month encodes: +80 1800s, +0 1900s, +20 2000s, +40 2100s, +60 2200s) is
python-stdnum's ``stdnum.pl.pesel``; this module adds what stdnum cannot know.

Policy decisions (also in docs/deadlines.md):

* Full-width digits are read as digits (NFKC); spaces (also non-breaking and
  zero-width, as text copied from a PDF or web page carries), dashes, a leading apostrophe (Excel's "this
  is text" mark) and the ``="…"`` formula some exports use to keep zeros are
  ignored: ``020708 03628``, ``020-708-036-28``, ``="02070803628"``.
* A number value (int or float from JSON/YAML, or ``2070803628.0`` as a
  spreadsheet writes a numeric cell) is taken as the digits of the number, so
  it has lost any leading zero. For an ``int`` the zeros are put back (an
  integer cannot carry them, and the check digit still has to match); **text**
  and floats with 10 digits are refused with a message saying the spreadsheet probably dropped a
  leading zero — the secretary should fix the column, not have somflow guess
  an identity number silently.
* Scientific notation (``2.0708E+10``, ``2,0708E+10``) is refused: the
  spreadsheet already threw digits away and they cannot be recovered.
* A birth date after the reference date (today, or the date of the form) or
  before 1900 is refused: the number is valid arithmetic but almost surely a
  typing error in the year or month digits (nobody born in the 1800s is
  alive).
* Sex: the 10th digit is even for women, odd for men (:func:`sex`).

Messages never contain the number (they reach terminals, screenshots and
e-mails); logs go through :func:`somflow.logs.redact_pesel`.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import NamedTuple

from somflow.i18n import _

_SEPARATORS = re.compile(r"[\s\u00a0\u202f\u200b\u200c\u200d\u2060\ufeff\-‐‑‒–—]+")
_SCIENTIFIC = re.compile(r"^\d+(?:[.,]\d+)?[eE][+]?\d+$")
_FLOAT_TEXT = re.compile(r"^(\d+)[.,]0+$")


class Result(NamedTuple):
    """What :func:`check` found: the 11 digits and birth date, or a Polish ``problem``."""

    number: str | None
    born: date | None
    problem: str | None


def compact(value: object) -> str:
    """``value`` as the string of digits it most likely means (separators dropped; an int zero-padded to 11)."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:011d}"
    if isinstance(value, float) and value.is_integer() and 0 <= value < 1e11:
        return str(int(value))  # like text: a lost leading zero is reported, not guessed
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", str(value))).lstrip("'")
    if text.startswith('="') and text.endswith('"'):  # ="02070803628": the formula trick that keeps zeros
        text = text[2:-1]
    m = _FLOAT_TEXT.match(text)
    return m.group(1) if m else text


def _date_problem(digits: str) -> str:
    month = int(digits[2:4])
    if month % 20 not in range(1, 13):
        return _(
            "PESEL zawiera nieistniejącą datę urodzenia: cyfry 3–4 to miesiąc 01–12, "
            "powiększony o 20 dla urodzonych w latach 2000–2099 (o 40, 60, a o 80 dla lat 1800–1899)"
        )
    return _(
        "PESEL zawiera nieistniejącą datę urodzenia: takiego dnia (cyfry 5–6) nie ma w tym miesiącu, np. 31 w miesiącu 30-dniowym albo 29 lutego w roku nieprzestępnym"
    )


def check(value: object, on: date | None = None) -> Result:
    """Check a PESEL given as text or number; ``on`` is the date it must not be born after (None: no such check).

    The message never repeats the number.
    """
    if isinstance(value, float) and not value.is_integer():
        value = repr(value)
    raw = str(value).strip()
    if _SCIENTIFIC.match(_SEPARATORS.sub("", raw)):
        return Result(
            None,
            None,
            _(
                "PESEL zapisany jako liczba w zapisie wykładniczym (np. 2,07E+10) — arkusz kalkulacyjny utracił część cyfr; "
                "sformatuj kolumnę PESEL jako tekst i wpisz numery ponownie"
            ),
        )
    from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
    from stdnum.pl import pesel as stdnum_pesel  # only where a number is checked (start-up time)

    digits = compact(value)
    try:
        stdnum_pesel.validate(digits)
    except InvalidLength:
        if len(digits) == 10 and not isinstance(value, int) and stdnum_pesel.is_valid("0" + digits):
            return Result(
                None,
                None,
                _(
                    "PESEL ma 10 cyfr zamiast 11 — arkusz kalkulacyjny (np. Excel) najpewniej usunął zero z początku numeru; "
                    "dopisz 0 na początku i ustaw format kolumny PESEL na tekst"
                ),
            )
        return Result(None, None, _("PESEL musi mieć 11 cyfr (podano {count})", count=len(digits)))
    except InvalidFormat:  # after InvalidLength, its subclass
        return Result(None, None, _("PESEL może zawierać tylko cyfry (spacje i myślniki są pomijane)"))
    except InvalidChecksum:
        return Result(
            None,
            None,
            _(
                "błędna cyfra kontrolna PESEL (ostatnia cyfra) — sprawdź, czy żadnej cyfry nie pominięto ani nie zamieniono"
            ),
        )
    except InvalidComponent:
        return Result(None, None, _date_problem(digits))
    born = stdnum_pesel.get_birth_date(digits)
    if born.year < 1900:
        return Result(
            None, None, _("PESEL wskazuje datę urodzenia w XIX wieku (miesiąc zwiększony o 80) — sprawdź cyfry 3–4")
        )
    if on is not None and born > on:
        return Result(
            None,
            None,
            _(
                "PESEL wskazuje datę urodzenia w przyszłości (po {date}) — sprawdź cyfry 1–4 (rok i miesiąc z oznaczeniem stulecia)",
                date=on.isoformat(),
            ),
        )
    return Result(digits, born, None)


def is_valid(value: object, on: date | None = None) -> bool:
    return check(value, on).problem is None


def birth_date(number: str) -> date:
    """The birth date a valid PESEL encodes."""
    from stdnum.pl import pesel as stdnum_pesel

    return stdnum_pesel.get_birth_date(number)


def sex(number: str) -> str:
    """``"K"`` (kobieta, even 10th digit) or ``"M"`` (mężczyzna, odd) for a valid PESEL."""
    from stdnum.pl import pesel as stdnum_pesel

    return "K" if stdnum_pesel.get_gender(number) == "F" else "M"


_SEX_WORDS = {
    "K": ("k", "kobieta", "f", "female", "ż", "żeńska", "zenska", "dziewczynka"),
    "M": ("m", "mężczyzna", "mezczyzna", "male", "męska", "meska", "chłopiec", "chlopiec"),
}


def declared_sex(value: object) -> str | None:
    """``"K"``/``"M"`` for a declared sex as people write it (K, kobieta, M, mężczyzna, F, male…); None if unclear."""
    text = str(value or "").strip().lower()
    return next((code for code, words in _SEX_WORDS.items() if text in words), None)


def age(born: date, on: date) -> int:
    """Completed years on ``on``; a person reaches an age at the start of the birthday (Civil Code art. 112).

    Someone born on 29 February turns a year older on 1 March in a non-leap
    year (art. 112: the period ends with the last day of February).
    """
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def is_minor(born: date, on: date) -> bool:
    """Under 18 on ``on``: adult from the first moment of the 18th birthday."""
    return age(born, on) < 18
