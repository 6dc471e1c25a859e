"""Parsing of single cell values: percentages, plain numbers, dates and yes/no flags.

Pure functions over one value each, with no file I/O and no idea where the value came from: a reader that
knows the file, sheet, row and column catches ``ValueProblem`` and adds that location.

Units: percent cells hold *percentages* (``50`` and ``"50%"`` both mean 50%); ``parse_percent`` returns a
``Stake`` of *fractions* 0..1 (``Stake(0.5, 0.5)``). The one exception is a number from a spreadsheet cell
with a percent number format, which already stores the fraction (``percent_format=True``: 0.5 is 50%).

Separators:

* Percent cells: a comma is always a decimal comma (``"12,5%"``, ``"33,333"``). A percentage is at most
  100, so a comma can never be a thousands separator there.
* Plain numbers (``parse_number``), where thousands separators are common and values are unbounded:

  - ``,`` followed by groups of exactly three digits after a first group of 1-3 digits not starting with 0
    is a thousands separator (``"1,000"``, ``"12,500"``, ``"1,000,000.5"``);
  - otherwise a single ``,`` is a decimal comma (``"12,5"``, ``"0,500"``, ``"1234,56"``); ``"1234,567"``
    fits neither reading safely and is refused as ambiguous;
  - ``.`` is a decimal point unless there are at least two dot groups of three digits (``"1.000.000"``) or
    one group followed by a decimal comma (``"1.000,5"``): ``"1.000"`` is one, not a thousand;
  - spaces (also non-breaking and narrow no-break spaces) and apostrophes (``"1'000'000"``) group thousands.

A leading ``+`` is refused everywhere: in an ownership sheet a signed figure reads as a change in a stake or
holding, not as the stake itself.
"""

from __future__ import annotations

import math
import numbers
import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Final

from ownership.model import EXCLUSIVE_NUDGE, Stake

__all__ = [
    "UNKNOWN_MARKERS",
    "ValueProblem",
    "is_unknown_marker",
    "parse_bool",
    "parse_date",
    "parse_number",
    "parse_percent",
]


class ValueProblem(ValueError):
    """A cell value that cannot be used.

    The message says what is wrong with the value and which forms are accepted. It carries no location:
    the caller knows the file, sheet, row and column and adds them.
    """


#: Normalised texts (lower case, single spaces) meaning "the stake is not known": read as 0..100%.
UNKNOWN_MARKERS: Final[frozenset[str]] = frozenset({"unknown", "?", "undisclosed", "n/k"})

_PERCENT_FORMS: Final = "use a number (50), 50%, 12,5%, a range 25-50, >50%, 'unknown' or a UK PSC band code"
_NUMBER_FORMS: Final = "use digits such as 1000000, 1,000,000, 1 000 000, 1.000.000, 12.5 or 12,5"
_DATE_FORMS: Final = "use YYYY-MM-DD (e.g. 2024-01-31) or a date-formatted cell"
_BOOL_FORMS: Final = "use yes/no, y/n, true/false, 1/0, or x for yes"

#: Float noise tolerated just outside 0..100% and clamped away, as a fraction (= 1e-9 percentage points):
#: spreadsheet formulas such as =1-0.3-0.7 leave residues like -5.6e-17.
_FRACTION_SLACK: Final = 1e-11
_HUNDRED: Final = Decimal(100)
_MAX_POINTS: Final = _HUNDRED + Decimal("1e-9")

# Non-ASCII text is NFKC-normalised first (full-width digits and %, no-break spaces); these are what NFKC
# leaves alone. Every dash becomes "-" (en and em dashes, the minus sign) so that
# "25 en-dash 50" is a range and "minus-sign 5" is negative.
_UNICODE_FIXES: Final = str.maketrans(
    {
        "\u2010": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u2265": ">=",
        "\u2a7e": ">=",
        "\u2264": "<=",
        "\u2a7d": "<=",
        "\u2019": "'",
        "\u02bc": "'",
        "\u200b": None,
        "\u200c": None,
        "\u200d": None,
        "\u2060": None,
        "\ufeff": None,
    }
)

# --- percent grammar, matched against _clean() text (lower case, single spaces, ASCII punctuation) -------
_NUM: Final = r"(?:[0-9]+(?:[.,][0-9]+)?|[.,][0-9]+)"
_PCT: Final = r"(?: ?(?:%|percent|pct))?"

# Most cells are "50", "12.5%" or "12,5 %": matched on the raw text, before any normalisation.
_FAST_PERCENT: Final = re.compile(r"\s*([0-9]+(?:[.,][0-9]+)?)\s*%?\s*")
_SINGLE: Final = re.compile(rf"({_NUM}){_PCT}")
_RANGE: Final = re.compile(rf"({_NUM})?{_PCT} ?(?:-|to) ?({_NUM})?{_PCT}")
_BETWEEN: Final = re.compile(rf"between ({_NUM})?{_PCT} ?(?:and|-|to) ?({_NUM})?{_PCT}")

_GT, _GE, _LT, _LE = "gt", "ge", "lt", "le"
_PREFIX_OPERATORS: Final[dict[str, str]] = {
    ">": _GT,
    "more than": _GT,
    "greater than": _GT,
    "over": _GT,
    "above": _GT,
    ">=": _GE,
    "=>": _GE,
    "at least": _GE,
    "not less than": _GE,
    "<": _LT,
    "less than": _LT,
    "under": _LT,
    "below": _LT,
    "<=": _LE,
    "=<": _LE,
    "up to": _LE,
    "at most": _LE,
    "not more than": _LE,
}
_SUFFIX_OPERATORS: Final[dict[str, str]] = {
    "or more": _GE,
    "or above": _GE,
    "and above": _GE,
    "or less": _LE,
    "or below": _LE,
    "and below": _LE,
}


def _alternation(words: dict[str, str]) -> str:
    # Longest first, so that ">=" is not read as ">" followed by "=".
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_PREFIX_COMPARISON: Final = re.compile(rf"({_alternation(_PREFIX_OPERATORS)}) ?({_NUM}){_PCT}")
_SUFFIX_COMPARISON: Final = re.compile(rf"({_NUM}){_PCT} ({_alternation(_SUFFIX_OPERATORS)})")
_NEGATIVE: Final = re.compile(rf"- ?{_NUM}{_PCT}(?: ?(?:-|to) ?.*)?")
_SIGNED: Final = re.compile(rf"\+ ?{_NUM}{_PCT}")

# UK PSC natures_of_control (companieshouse/api-enumerations psc_descriptions.yml).
_PSC_SUFFIX: Final = (
    r"(?:-as-(?:trust|firm|control-over-trust|control-over-firm))?"
    r"(?:-limited-liability-partnership|-registered-overseas-entity)?"
)
_PSC_BAND: Final = re.compile(
    r"(?:ownership-of-shares|voting-rights|right-to-share-surplus-assets|part-right-to-share-surplus-assets)"
    r"-(25-to-50|50-to-75|75-to-100|more-than-25)-percent" + _PSC_SUFFIX
)
# Bounds as the register defines them: "more than 25% but not more than 50%", "more than 50% but less than
# 75%", "75% or more", and for overseas entities "more than 25%".
_PSC_BANDS: Final[dict[str, Stake]] = {
    "25-to-50": Stake.between(0.25, 0.5, low_exclusive=True),
    "50-to-75": Stake.between(0.5, 0.75, low_exclusive=True, high_exclusive=True),
    "75-to-100": Stake.between(0.75, 1.0),
    "more-than-25": Stake.between(0.25, 1.0, low_exclusive=True),
}
_PSC_CONTROL: Final = re.compile(
    r"(?:right-to-appoint-and-remove-(?:directors|members|person)|significant-influence-or-control)" + _PSC_SUFFIX
)
_PSC_NOMINEE: Final = re.compile(r"registered-owner-as-nominee-[a-z-]+")

# --- plain numbers -----------------------------------------------------------------------------------------
_PLAIN_NUMBER: Final = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?|\.[0-9]+")
_COMMA_GROUPS: Final = re.compile(r"[1-9][0-9]{0,2}(?:,[0-9]{3})+(?:\.[0-9]+)?")
_DECIMAL_COMMA: Final = re.compile(r"[0-9]+,(?:[0-9]{1,2}|[0-9]{4,})|0,[0-9]+")
_AMBIGUOUS_COMMA: Final = re.compile(r"[0-9]+,[0-9]{3}")
_SPACE_GROUPS: Final = re.compile(r"[1-9][0-9]{0,2}(?: [0-9]{3})+(?:[.,][0-9]+)?")
_DOT_GROUPS: Final = re.compile(r"[1-9][0-9]{0,2}(?:(?:\.[0-9]{3}){2,}(?:,[0-9]+)?|\.[0-9]{3},[0-9]+)")
_APOSTROPHE_GROUPS: Final = re.compile(r"[1-9][0-9]{0,2}(?:'[0-9]{3})+(?:\.[0-9]+)?")
_SIGNED_NUMBER: Final = re.compile(r"([-+]) ?[0-9.,' ]*[0-9][0-9.,' ]*")

# --- dates -------------------------------------------------------------------------------------------------
_YEAR_FIRST_DATE: Final = re.compile(r"([0-9]{4})([-/.])([0-9]{1,2})\2([0-9]{1,2})")
_COMPACT_DATE: Final = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")
_ISO_DATETIME: Final = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[t ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?"
    r" ?(?:z|[+-][0-9]{2}(?::?[0-9]{2})?)?"
)
_DAY_OR_MONTH_FIRST: Final = re.compile(r"[0-9]{1,2}([-/.])[0-9]{1,2}\1[0-9]{2,4}")

# --- yes/no ------------------------------------------------------------------------------------------------
_TRUE_TEXTS: Final = frozenset({"yes", "y", "true", "1", "x"})
_FALSE_TEXTS: Final = frozenset({"no", "n", "false", "0"})


def _clean(text: str) -> str:
    """Lower case, whitespace runs (of any kind) collapsed to one space, Unicode punctuation made ASCII."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).translate(_UNICODE_FIXES)
    return " ".join(text.split()).lower()


def _quote(text: str) -> str:
    """The offending text for a message: whitespace collapsed, at most 60 characters, in quotes."""
    shown = " ".join(text.split())
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return f"'{shown}'"


# ===========================================================================================================
# Percentages
# ===========================================================================================================


def parse_percent(value: object, *, percent_format: bool = False) -> Stake | None:
    """Parse a percent cell into a ``Stake`` of fractions 0..1.

    Cells hold percentages; the result holds fractions: ``50``, ``"50%"`` and ``"50 %"`` all give
    ``Stake(0.5, 0.5)``. Accepted forms:

    * numbers (int, float, Decimal; not bool) as percentage points, or as fractions already when
      ``percent_format`` is true (a spreadsheet cell with a % number format stores 50% as 0.5);
    * text ``"50"``, ``"50%"``, ``"12.5%"``, ``"12,5%"`` (decimal comma); text is always percentage points,
      whatever ``percent_format`` says, so ``"0.5"`` is 0.5%;
    * inclusive ranges ``"25-50"``, ``"25 - 50%"``, ``"25% to 50%"``, ``"between 25 and 50%"``, also with
      an en or em dash;
    * comparisons ``">50%"`` (exclusive, nudged by ``EXCLUSIVE_NUDGE``), ``">=50%"``, ``"≥50%"``,
      ``"<25%"``, ``"<=25%"``, and the words "more than", "over", "above", "at least", "less than", "under",
      "below", "up to", "at most", "50% or more", "25% or less";
    * UK PSC band codes such as ``ownership-of-shares-25-to-50-percent`` (25%, 50%];
    * ``UNKNOWN_MARKERS`` ("unknown", "?", ...) as the whole range 0..100%.

    Figures up to 1e-9 percentage points outside 0..100% are float noise and clamped to 0 or 100%.

    Returns:
        The stake, or None for a blank cell (None, empty or whitespace-only text).

    Raises:
        ValueProblem: for anything else, including negative figures, figures above 100%, NaN, infinity,
            booleans and PSC control codes that carry no percentage.
    """
    if value is None:
        return None
    if isinstance(value, str):
        return _percent_from_text(str(value))
    if isinstance(value, bool):
        raise ValueProblem(f"{value} is a yes/no value, not a percentage; {_PERCENT_FORMS}")
    if isinstance(value, int):
        return _percent_from_int(int(value), percent_format)
    if isinstance(value, float):
        return _percent_from_float(float(value), percent_format)
    if isinstance(value, Decimal):
        return _percent_from_decimal(value, percent_format)
    if isinstance(value, numbers.Real):
        return _percent_from_float(float(value), percent_format)
    what = "a date" if isinstance(value, date) else f"a {type(value).__name__}"
    raise ValueProblem(f"{_quote(str(value))} is {what}, not a percentage; {_PERCENT_FORMS}")


def is_unknown_marker(value: object) -> bool:
    """Whether ``value`` is text saying the stake is not known ("unknown", "?", "undisclosed", "n/k")."""
    return isinstance(value, str) and _clean(value) in UNKNOWN_MARKERS


def _points_to_fraction(number: str, shown: str) -> float:
    """Percentage points as written (``"12,5"``) to a fraction, exactly as float(Decimal) would round it."""
    # Dividing in Decimal keeps "29" -> 0.29 the same float as float("0.29"); 29 / 100 in binary would too,
    # but 12.34 / 100 in binary does not.
    points = Decimal(number.replace(",", ".")) if "," in number else Decimal(number)
    if points > _HUNDRED:
        if points > _MAX_POINTS:
            raise ValueProblem(f"{_quote(shown)} is more than 100%; a stake is between 0 and 100%")
        return 1.0
    return float(points / _HUNDRED)


def _within_bounds(fraction: float, shown: str) -> Stake:
    if fraction < 0.0:
        if fraction < -_FRACTION_SLACK:
            raise ValueProblem(f"{shown} is negative; a stake is between 0 and 100%")
        fraction = 0.0
    elif fraction > 1.0:
        if fraction > 1.0 + _FRACTION_SLACK:
            raise ValueProblem(f"{shown} is more than 100%; a stake is between 0 and 100%")
        fraction = 1.0
    return Stake(fraction, fraction)


def _shown_number(value: float | Decimal, percent_format: bool) -> str:
    if percent_format:
        return f"{value} in a percent-formatted cell ({float(value) * 100:g}%)"
    return str(value)


def _percent_from_int(value: int, percent_format: bool) -> Stake:
    # Range-checked before any float conversion, which would overflow for huge ints.
    if value < 0:
        raise ValueProblem(f"{_shown_number(value, percent_format)} is negative; a stake is between 0 and 100%")
    if value > (1 if percent_format else 100):
        raise ValueProblem(f"{_shown_number(value, percent_format)} is more than 100%; a stake is between 0 and 100%")
    return Stake.exact(float(value) if percent_format else value / 100)


def _percent_from_float(value: float, percent_format: bool) -> Stake:
    if not math.isfinite(value):
        raise ValueProblem(f"{value} is not a percentage; {_PERCENT_FORMS}")
    if percent_format:
        fraction = value
    elif value.is_integer():
        fraction = value / 100
    else:
        # repr() is the shortest text that reads back as this float, i.e. what the user typed.
        fraction = float(Decimal(repr(value)) / _HUNDRED)
    return _within_bounds(fraction, _shown_number(value, percent_format))


def _percent_from_decimal(value: Decimal, percent_format: bool) -> Stake:
    if not value.is_finite():
        raise ValueProblem(f"{value} is not a percentage; {_PERCENT_FORMS}")
    fraction = float(value) if percent_format else float(value / _HUNDRED)
    return _within_bounds(fraction, _shown_number(value, percent_format))


@lru_cache(maxsize=1 << 16)
def _percent_from_text(text: str) -> Stake | None:
    # Cached: a big sheet repeats the same few hundred texts; Stake is immutable so sharing is safe, and
    # errors are raised afresh each time (lru_cache does not store exceptions).
    match = _FAST_PERCENT.fullmatch(text)
    if match:
        return Stake.exact(_points_to_fraction(match[1], text))
    cleaned = _clean(text)
    if not cleaned:
        return None
    if match := _SINGLE.fullmatch(cleaned):
        return Stake.exact(_points_to_fraction(match[1], text))
    if cleaned in UNKNOWN_MARKERS:
        return Stake(0.0, 1.0)
    if cleaned[0] == "-" and _NEGATIVE.fullmatch(cleaned):
        # Before ranges: "-5" is a negative figure, not a range missing its low end.
        raise ValueProblem(f"{_quote(text)} is negative; a stake is between 0 and 100%")
    if (match := _RANGE.fullmatch(cleaned) or _BETWEEN.fullmatch(cleaned)) and (match[1] or match[2]):
        return _range(match[1], match[2], text)
    if match := _PREFIX_COMPARISON.fullmatch(cleaned):
        return _comparison(_PREFIX_OPERATORS[match[1]], _points_to_fraction(match[2], text), text)
    if match := _SUFFIX_COMPARISON.fullmatch(cleaned):
        return _comparison(_SUFFIX_OPERATORS[match[2]], _points_to_fraction(match[1], text), text)
    if match := _PSC_BAND.fullmatch(cleaned):
        return _PSC_BANDS[match[1]]
    raise _percent_problem(cleaned, text)


def _range(low_text: str | None, high_text: str | None, shown: str) -> Stake:
    if low_text is None or high_text is None:
        raise ValueProblem(f"{_quote(shown)} is a range with a missing end; write both ends, e.g. 25-50")
    low = _points_to_fraction(low_text, shown)
    high = _points_to_fraction(high_text, shown)
    if low > high:
        raise ValueProblem(
            f"{_quote(shown)} is a range whose low end is above its high end; write it low-high, e.g. 25-50"
        )
    return Stake(low, high)


def _comparison(operator: str, fraction: float, shown: str) -> Stake:
    """The stake a comparison allows; exclusive ends are nudged inward by ``EXCLUSIVE_NUDGE``.

    Near 0 and 100% the nudge would cross the other end, so there the end is kept inclusive.
    """
    if operator == _GT:
        if fraction >= 1.0:
            raise ValueProblem(f"{_quote(shown)} is impossible: no stake is more than 100%")
        return Stake.between(fraction, 1.0, low_exclusive=fraction < 1.0 - EXCLUSIVE_NUDGE)
    if operator == _GE:
        return Stake.between(fraction, 1.0)
    if operator == _LT:
        if fraction <= 0.0:
            raise ValueProblem(f"{_quote(shown)} is impossible: no stake is less than 0%")
        return Stake.between(0.0, fraction, high_exclusive=fraction > EXCLUSIVE_NUDGE)
    return Stake.between(0.0, fraction)


def _percent_problem(cleaned: str, shown: str) -> ValueProblem:
    """The most helpful error for text that matched no percent form."""
    quoted = _quote(shown)
    if _PSC_CONTROL.fullmatch(cleaned):
        return ValueProblem(
            f"{quoted} is a UK PSC nature of control, not a percentage; put it in the control column (yes/no) instead"
        )
    if _PSC_NOMINEE.fullmatch(cleaned):
        return ValueProblem(f"{quoted} is a UK PSC nominee registration, not a percentage; {_PERCENT_FORMS}")
    if _SIGNED.fullmatch(cleaned):
        return ValueProblem(f"{quoted} has a plus sign; write the stake without it, e.g. 50%")
    if cleaned.startswith("#"):
        return ValueProblem(f"{quoted} is a spreadsheet error value, not a percentage; {_PERCENT_FORMS}")
    return ValueProblem(f"{quoted} is not a percentage; {_PERCENT_FORMS}")


# ===========================================================================================================
# Plain numbers
# ===========================================================================================================


def parse_number(value: object) -> float | None:
    """Parse a plain non-negative number such as a share count.

    Accepts ints, floats and Decimals (not bool), and text with thousands separators or a decimal comma:
    ``"1000000"``, ``"1,000,000"``, ``"1 000 000"``, ``"1.000.000"``, ``"1'000'000"``, ``"12.5"``,
    ``"12,5"``, ``"1.5e6"``. How ``,`` and ``.`` are told apart is described in the module docstring: a
    comma before exactly three digits groups thousands (``"12,500"`` is 12500) unless the first group
    cannot start a grouped number (``"0,500"`` is 0.5); any other single comma is decimal (``"12,5"``);
    dots group thousands only in ``"1.000.000"`` or ``"1.000,5"``, never in ``"1.000"`` (which is 1).

    Returns:
        The number as a float, or None for a blank cell (None, empty or whitespace-only text).

    Raises:
        ValueProblem: for negative numbers, NaN, infinity, booleans, ambiguous separators and other text.
    """
    if value is None:
        return None
    if isinstance(value, str):
        return _number_from_text(str(value))
    if isinstance(value, bool):
        raise ValueProblem(f"{value} is a yes/no value, not a number; {_NUMBER_FORMS}")
    if isinstance(value, float):
        return _checked_number(float(value))
    if isinstance(value, Decimal):
        if value.is_nan():
            raise ValueProblem(f"{value} is not a number; {_NUMBER_FORMS}")
        return _checked_number(float(value))
    if isinstance(value, int):
        return _checked_number(int(value))
    if isinstance(value, numbers.Real):
        return _checked_number(float(value))
    raise ValueProblem(f"{_quote(str(value))} is a {type(value).__name__}, not a number; {_NUMBER_FORMS}")


def _checked_number(value: float) -> float:
    if value != value:
        raise ValueProblem(f"NaN is not a number; {_NUMBER_FORMS}")
    if value < 0:
        raise ValueProblem(f"{value} is negative; a count or amount cannot be below 0")
    try:
        result = float(value)
    except OverflowError:
        raise ValueProblem(f"{value} is too large to be a number of shares") from None
    if result == math.inf:
        raise ValueProblem(f"{value} is not a finite number; {_NUMBER_FORMS}")
    return result + 0.0  # -0.0 becomes 0.0


def _number_from_text(text: str) -> float | None:
    cleaned = _clean(text)
    if not cleaned:
        return None
    if _PLAIN_NUMBER.fullmatch(cleaned):
        digits = cleaned
    elif _COMMA_GROUPS.fullmatch(cleaned):
        digits = cleaned.replace(",", "")
    elif _DECIMAL_COMMA.fullmatch(cleaned):
        digits = cleaned.replace(",", ".")
    elif _SPACE_GROUPS.fullmatch(cleaned):
        digits = cleaned.replace(" ", "").replace(",", ".")
    elif _DOT_GROUPS.fullmatch(cleaned):
        digits = cleaned.replace(".", "").replace(",", ".")
    elif _APOSTROPHE_GROUPS.fullmatch(cleaned):
        digits = cleaned.replace("'", "")
    else:
        raise _number_problem(cleaned, text)
    result = float(digits)
    if result == math.inf:
        raise ValueProblem(f"{_quote(text)} is too large to be a number of shares")
    return result


def _number_problem(cleaned: str, shown: str) -> ValueProblem:
    quoted = _quote(shown)
    if _AMBIGUOUS_COMMA.fullmatch(cleaned):
        return ValueProblem(
            f"{quoted} is ambiguous between a thousands separator and a decimal comma; "
            "write it without thousands separators (1234567) or with a decimal point (1234.567)"
        )
    if match := _SIGNED_NUMBER.fullmatch(cleaned):
        if match[1] == "-":
            return ValueProblem(f"{quoted} is negative; a count or amount cannot be below 0")
        return ValueProblem(f"{quoted} has a plus sign; write the number without it")
    return ValueProblem(f"{quoted} is not a number; {_NUMBER_FORMS}")


# ===========================================================================================================
# Dates
# ===========================================================================================================


def parse_date(value: object) -> date | None:
    """Parse a date cell.

    Accepts ``date`` and ``datetime`` objects (a datetime becomes its date as written, whatever its time
    zone), ints such as 20240131, and the texts ``"2024-01-31"``, ``"2024/01/31"``, ``"2024.01.31"``,
    ``"20240131"`` and ISO datetimes (``"2024-01-31T00:00:00"``, ``"2024-01-31 09:30:00+02:00"``). Only
    year-first forms are accepted: ``"31/01/2024"`` and ``"01/02/2024"`` could be day-first or month-first.

    Returns:
        The date, or None for a blank cell (None, empty or whitespace-only text).

    Raises:
        ValueProblem: for anything else, including impossible dates such as 2024-02-30.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise ValueProblem(f"{value} is a yes/no value, not a date; {_DATE_FORMS}")
    if isinstance(value, int) and 10000101 <= value <= 99991231:
        return _date_from_parts(str(value)[:4], str(value)[4:6], str(value)[6:], str(value))
    if isinstance(value, (int, float, Decimal)):
        raise ValueProblem(
            f"{value} is a number, not a date (an Excel date serial shows as a number until the cell is "
            f"formatted as a date); {_DATE_FORMS}"
        )
    if not isinstance(value, str):
        raise ValueProblem(f"{_quote(str(value))} is a {type(value).__name__}, not a date; {_DATE_FORMS}")
    cleaned = _clean(value)
    if not cleaned:
        return None
    if match := _YEAR_FIRST_DATE.fullmatch(cleaned):
        return _date_from_parts(match[1], match[3], match[4], value)
    if (match := _COMPACT_DATE.fullmatch(cleaned)) or (match := _ISO_DATETIME.fullmatch(cleaned)):
        return _date_from_parts(match[1], match[2], match[3], value)
    if _DAY_OR_MONTH_FIRST.fullmatch(cleaned):
        raise ValueProblem(f"{_quote(value)} is ambiguous: it could be day-first or month-first; {_DATE_FORMS}")
    raise ValueProblem(f"{_quote(value)} is not a date in an accepted form; {_DATE_FORMS}")


def _date_from_parts(year: str, month: str, day: str, shown: str) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise ValueProblem(f"{_quote(shown)} is not a real date; {_DATE_FORMS}") from None


# ===========================================================================================================
# Yes/no
# ===========================================================================================================


def parse_bool(value: object) -> bool | None:
    """Parse a yes/no cell: yes/no, y/n, true/false, 1/0 and x (= yes), in any case; bools; numbers 1 and 0.

    Returns:
        The flag, or None for a blank cell (None, empty or whitespace-only text). A blank is not "no": the
        caller decides what an absent flag means.

    Raises:
        ValueProblem: for anything else.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float, Decimal)):
        if value == 1:
            return True
        if value == 0:
            return False
        raise ValueProblem(f"{value} is not a yes/no value; {_BOOL_FORMS}")
    if not isinstance(value, str):
        raise ValueProblem(f"{_quote(str(value))} is a {type(value).__name__}, not a yes/no value; {_BOOL_FORMS}")
    cleaned = _clean(value)
    if not cleaned:
        return None
    if cleaned in _TRUE_TEXTS:
        return True
    if cleaned in _FALSE_TEXTS:
        return False
    raise ValueProblem(f"{_quote(value)} is not a yes/no value; {_BOOL_FORMS}")
