"""Errors and warnings that carry where in the user's input they come from.

Errors are values with a location until the CLI turns them into one line and exit code 2.
Messages never include tracebacks; they name the file, sheet, row and column where those apply.
"""

from __future__ import annotations

from dataclasses import dataclass


def column_letter(index: int) -> str:
    """Spreadsheet column letter for a 1-based column index (1 -> A, 27 -> AA)."""
    letters = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def short(text: object, limit: int = 80) -> str:
    """``text`` for a message: at most ``limit`` characters, so a 100,000-character cell cannot flood one."""
    value = str(text)
    return value if len(value) <= limit else value[: limit - 1] + "…"


@dataclass(frozen=True, slots=True)
class Location:
    """A place in the user's input.

    Attributes:
        file: the file name as the user gave it (never the full resolved path of a temp file).
        sheet: worksheet name for workbooks; None for CSV files.
        row: 1-based row number as a spreadsheet or text editor shows it; None for the whole sheet.
        column: 1-based column index; None for the whole row.
        header: the column's header text as found in the input, if known.
    """

    file: str
    sheet: str | None = None
    row: int | None = None
    column: int | None = None
    header: str | None = None

    def cell(self) -> str:
        """Compact reference: ``Holdings!C14`` for sheets, ``holdings.csv:14`` for text files."""
        if self.sheet is not None:
            if self.column and self.row:
                return f"{self.sheet}!{column_letter(self.column)}{self.row}"
            if self.row:
                return f"{self.sheet}!{self.row}:{self.row}"
            if self.column:
                col = column_letter(self.column)
                return f"{self.sheet}!{col}:{col}"
            return self.sheet
        ref = self.file
        if self.row:
            ref += f":{self.row}"
        if self.header:
            ref += f" ({self.header})"
        return ref

    def __str__(self) -> str:
        parts = [self.file]
        if self.sheet is not None:
            parts.append(f"sheet '{self.sheet}'")
        if self.row:
            parts.append(f"row {self.row}")
        if self.column:
            col = f"column {column_letter(self.column)}"
            if self.header:
                col += f" ({self.header})"
            parts.append(col)
        elif self.header:
            parts.append(f"column '{self.header}'")
        return ", ".join(parts)


class ExposureError(Exception):
    """Base of every error the CLI turns into a one-line message and exit code 2."""

    def __init__(self, reason: str, where: Location | None = None, more: int = 0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.where = where
        self.more = more

    def one_line(self) -> str:
        """The message as the user sees it: location first, then what is wrong and what to do."""
        text = f"{self.where}: {self.reason}" if self.where else self.reason
        if self.more:
            text += f" (and {self.more} more problem{'s' if self.more > 1 else ''} in this input)"
        return " ".join(text.split())


class InputError(ExposureError):
    """The input could not be used as it is."""


class PolicyError(ExposureError):
    """An option or policy value is invalid."""


@dataclass(frozen=True, slots=True)
class DataWarning:
    """Something about the data that the user must know, with a stable machine-readable code.

    Codes in use: unknown_reference, unknown_country, unknown_type, unknown_stake, duplicate_entity,
    duplicate_holding, self_holding, out_of_date, fraction_scale, overallocated, shares_summed,
    ignored_column, ignored_sheet, no_entities_sheet, closed_loop, self_supporting_loop, rule_not_in_force,
    watchlist_name_match, watchlist_unmatched, watchlist_ambiguous_id.
    """

    code: str
    message: str
    where: Location | None = None
