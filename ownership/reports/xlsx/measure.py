"""How wide a text is, and how many lines it takes wrapped in a column: row heights and column widths for
the xlsx report, estimated without a font (a spreadsheet sizes nothing itself when it opens a file)."""

from __future__ import annotations

import unicodedata


def text_width(text: str) -> int:
    """Display width of the longest line of ``text`` in characters; East Asian wide characters count two."""
    return max(display_width(line) for line in text.split("\n"))


def display_width(line: str) -> int:
    """Display width of one line in characters: East Asian wide and full-width characters count two."""
    if line.isascii():
        return len(line)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def line_count(text: str, width: float) -> int:
    """How many lines ``text`` takes wrapped at word boundaries in a cell ``width`` characters wide.

    A column's width counts digit widths; running text in Calibri is about a quarter narrower, of which
    the estimate takes most, and words do not break, so it errs towards a line too many, not one cut off.
    """
    usable = max(width * 1.2 - 1.0, 1.0)
    lines = 0
    for paragraph in text.split("\n"):
        used: float = 0
        lines += 1
        for word in paragraph.split(" "):
            size: float = display_width(word)
            if used and used + 1 + size > usable:
                lines += 1
                used = 0.0
            while size > usable:  # a word longer than a line breaks anywhere
                lines += 1
                size -= usable
            used += (1 if used else 0) + size
    return lines
