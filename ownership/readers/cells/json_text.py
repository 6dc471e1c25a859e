"""JSON parsing for the readers: an integer longer than Python converts (4,300 digits, CPython's guard
against quadratic-time conversion) is a located input error, not an unexpected ``ValueError``."""

from __future__ import annotations

import json
import sys
from typing import Any, Final

from ownership.errors import InputError, Location

#: CPython's limit on the digits of an integer converted from text (``sys.get_int_max_str_digits``).
_MAX_DIGITS: Final = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else 0


class _HugeInteger(ValueError):
    def __init__(self, text: str) -> None:
        super().__init__(text[:20])
        self.text = text


def _parse_int(text: str) -> int:
    if _MAX_DIGITS and len(text.lstrip("-")) > _MAX_DIGITS:
        raise _HugeInteger(text)
    return int(text)


#: A decoder whose integers are checked first (``raw_decode`` for readers that walk an array themselves).
DECODER: Final = json.JSONDecoder(parse_int=_parse_int)


def _located(exc: _HugeInteger, text: str, name: str, line_offset: int) -> InputError:
    at = text.find(exc.text)
    line = text.count("\n", 0, at) + 1 + line_offset if at >= 0 else None
    digits = len(exc.text.lstrip("-"))
    return InputError(
        f"holds a number with {digits:,} digits, more than the {_MAX_DIGITS:,} a figure may have; "
        "the file is damaged or not what it claims to be",
        Location(name, row=line),
    )


def loads(text: str, name: str, line_offset: int = 0) -> Any:
    """``json.loads(text)``; an integer too long to convert raises ``InputError`` naming ``name`` and its line
    (counted from ``line_offset`` + 1). ``json.JSONDecodeError`` and ``RecursionError`` pass through.
    """
    try:
        return DECODER.decode(text)
    except _HugeInteger as exc:
        raise _located(exc, text, name, line_offset) from None


def raw_decode(text: str, pos: int, name: str) -> tuple[Any, int]:
    """``DECODER.raw_decode(text, pos)`` with a too-long integer located as in ``loads``."""
    try:
        return DECODER.raw_decode(text, pos)
    except _HugeInteger as exc:
        raise _located(exc, text, name, 0) from None
