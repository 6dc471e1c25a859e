"""Text from the input made safe for a terminal: control characters (ESC starting an ANSI or OSC sequence,
BEL, backspace, carriage return, newline) and the bidirectional overrides that reorder what is shown are
written as visible escapes (``\\x1b``, ``\\u202e``), so a name can neither restyle, retitle nor rewrite the
terminal nor hide part of itself. Rich markup in the text is escaped where the caller renders markup."""

from __future__ import annotations

from typing import Final

_CONTROLS: Final = [*range(0x00, 0x20), *range(0x7F, 0xA0)]
# Explicit embeddings, overrides and isolates (Unicode Standard Annex #9): they reorder the text around them.
_BIDI: Final = [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]

_VISIBLE: Final = {
    **{code: f"\\x{code:02x}" for code in _CONTROLS},
    **{code: f"\\u{code:04x}" for code in _BIDI},
}


def visible(text: str) -> str:
    """``text`` with control characters and bidirectional overrides shown as escapes (``\\x1b``)."""
    return text.translate(_VISIBLE)


def visible_markup(text: str) -> str:
    """``visible(text)`` with rich markup escaped too, for strings rendered with markup on."""
    from rich.markup import escape

    return escape(visible(text))
