"""One data row of a canonical table, its fields read by name, and the problems collected while reading."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from ownership.errors import DataWarning, InputError, Location, short
from ownership.model import CountryKind, EntityType, Stake
from ownership.model.countries import UnknownCountryError, is_unknown_spelling, normalize_country, parse_other_countries
from ownership.readers.cells.columns import (
    HEADER_SEARCH_ROWS,
    Header,
)
from ownership.readers.cells.tables import Cell, RawTable, TextRows, UncachedFormula, cell_text, iter_cells
from ownership.readers.cells.values import (
    ValueProblem,
    parse_bool,
    parse_date,
    parse_number,
    parse_percent,
)

TYPE_ALIASES = {
    "company": EntityType.COMPANY,
    "corporate": EntityType.COMPANY,
    "corporation": EntityType.COMPANY,
    "legal entity": EntityType.COMPANY,
    "entity": EntityType.COMPANY,
    "holding company": EntityType.COMPANY,
    "ltd": EntityType.COMPANY,
    "llc": EntityType.COMPANY,
    "partnership": EntityType.COMPANY,
    "person": EntityType.PERSON,
    "individual": EntityType.PERSON,
    "natural person": EntityType.PERSON,
    "fund": EntityType.FUND,
    "investment fund": EntityType.FUND,
    "lp": EntityType.FUND,
    "trust": EntityType.TRUST,
    "foundation": EntityType.TRUST,
    "state": EntityType.STATE,
    "state body": EntityType.STATE,
    "government": EntityType.STATE,
    "sovereign": EntityType.STATE,
    "state-owned": EntityType.STATE,
    "soe": EntityType.STATE,
    "public": EntityType.PUBLIC,
    "listed": EntityType.PUBLIC,
    "public company": EntityType.PUBLIC,
    "listed company": EntityType.PUBLIC,
    "free float": EntityType.PUBLIC,
    "unknown": EntityType.UNKNOWN,
}


@dataclass
class Problems:
    """Errors and warnings collected while reading.

    Attributes:
        lenient: data that looks like it matters but is not read (a country column, a sheet) is a warning
            instead of an error (``--lenient``).
    """

    errors: list[InputError] = field(default_factory=list)
    warnings: list[DataWarning] = field(default_factory=list)
    lenient: bool = False

    def error(self, reason: str, where: Location) -> None:
        self.errors.append(InputError(reason, where))

    def warn(self, code: str, message: str, where: Location | None = None) -> None:
        self.warnings.append(DataWarning(code, message, where))

    def unread(self, code: str, message: str, fix: str, where: Location) -> None:
        """Data the reader does not use although it looks like it matters: an error saying how to have it
        read (``fix``), or under ``lenient`` a warning that it is ignored. A gate must not pass on what it
        did not read."""
        if self.lenient:
            self.warn(code, f"{message}: ignored (--lenient)", where)
        else:
            self.error(f"{message}, and is not read; {fix}, or pass --lenient to ignore it", where)

    def raise_first(self) -> None:
        """Raise every error collected, as one error listing them all (first one first)."""
        if self.errors:
            first, *rest = self.errors
            raise InputError(first.reason, first.where, more=len(rest), also=tuple(rest))


class Row:
    """One data row with access to its fields by name, and located errors."""

    def __init__(self, table: RawTable, header: Header, number: int, cells: list[Cell], problems: Problems):
        self.table, self.header, self.number, self.problems = table, header, number, problems
        width = max(header.columns.values(), default=0) + 1
        self.cells = list(iter_cells(cells, max(width, len(cells))))
        self.reported: set[int] = set()

    def where(self, name: str | None = None) -> Location:
        k = None if name is None else self.header.columns.get(name)
        if k is None:
            # The whole row; also for a field with no column (a register's subject).
            return self.table.where(self.number)
        return self.table.where(self.number, k + 1, self.header.texts.get(k))

    def cell(self, name: str) -> Cell:
        k = self.header.columns.get(name)
        if k is None:
            return Cell(None)
        cell = self.cells[k]
        if isinstance(cell.value, UncachedFormula):
            if k not in self.reported:
                self.reported.add(k)
                self.problems.error(
                    f"the formula ={cell.value.formula.lstrip('=')[:60]} has no saved value (the file was written "
                    "by a program that does not calculate); open the workbook in Excel or LibreOffice, let it "
                    "recalculate, save it, and try again",
                    self.where(name),
                )
            return Cell(None)
        return cell

    def text(self, name: str) -> str | None:
        return cell_text(self.cell(name).value)

    def country(self, name: str) -> str | None:
        value = self.cell(name).value
        if is_unknown_spelling(value):
            self.problems.warn(
                "unknown_country",
                f"country '{short(str(value))}' means unknown: read as an unknown country (which only the high "
                "bound may take for a watched one)",
                self.where(name),
            )
            return None
        try:
            return normalize_country(value)
        except UnknownCountryError as exc:
            self.problems.error(str(exc), self.where(name))
            return None

    def other_countries(self, name: str) -> tuple[tuple[str, CountryKind], ...]:
        """A list of further countries with their kinds, "UA (tax residence); GB (nationality)"; a country
        without a kind is a residence (for a company: a head office)."""
        text = cell_text(self.cell(name).value)
        if text is None:
            return ()
        try:
            return parse_other_countries(text)
        except UnknownCountryError as exc:
            self.problems.error(str(exc), self.where(name))
            return ()

    def percent(self, name: str) -> Stake | None:
        cell = self.cell(name)
        try:
            return parse_percent(cell.value, percent_format=cell.percent_format)
        except ValueProblem as exc:
            self.problems.error(str(exc), self.where(name))
            return None

    def number_value(self, name: str) -> float | None:
        try:
            return parse_number(self.cell(name).value)
        except ValueProblem as exc:
            self.problems.error(str(exc), self.where(name))
            return None

    def date_value(self, name: str) -> date | None:
        try:
            return parse_date(self.cell(name).value)
        except ValueProblem as exc:
            self.problems.error(str(exc), self.where(name))
            return None

    def flag(self, name: str) -> bool:
        try:
            return bool(parse_bool(self.cell(name).value))
        except ValueProblem as exc:
            self.problems.error(str(exc), self.where(name))
            return False


def data_rows(table: RawTable, header: Header, problems: Problems) -> Iterator[Row]:
    """The data rows below the header, one at a time: a registry extract has millions, and holding all their
    row objects at once costs more memory than the data itself."""
    problems.warnings.extend(table.warnings)
    # Cells to the right of the last header are not read; say so rather than drop them silently
    # (typically an unquoted comma inside a CSV cell).
    width = max(header.texts, default=-1) + 1
    rows = table.rows
    # A text file's data rows are read here once: each one's texts are let go once its row is read, so that
    # a registry's texts do not stay beside the entities and holdings made of them. The rows a header is
    # looked for in are kept (``check_mappings`` reads them again).
    release = rows.release if isinstance(rows, TextRows) else None
    for index in range(header.position + 1, len(rows)):
        number, cells = rows[index]
        row = Row(table, header, number, cells, problems)
        if len(cells) > width:
            extra = [k for k in range(width, len(cells)) if cell_text(cells[k].value) is not None]
            if extra:
                problems.warn(
                    "ignored_cells",
                    f"{len(extra)} cell{'s' if len(extra) > 1 else ''} beyond the last column header "
                    f"({cell_text(cells[extra[0]].value)!r}...) ignored; in a CSV, quote cells that contain "
                    "the delimiter",
                    table.where(row.number, extra[0] + 1),
                )
        yield row
        if release is not None and index >= HEADER_SEARCH_ROWS:
            release(index)


def entity_type(text: str | None) -> EntityType | None:
    """The entity type for a type cell (None if unrecognised; blank is unknown)."""
    if text is None:
        return EntityType.UNKNOWN
    return TYPE_ALIASES.get(" ".join(text.casefold().replace("_", " ").split()))


def row_entity_type(row: Row, name: str) -> EntityType:
    text = row.text(name)
    found = entity_type(text)
    if found is None:
        row.problems.warn(
            "unknown_type",
            f"type '{short(text)}' is not one of company, person, fund, trust, state, public, unknown: read as unknown",
            row.where(name),
        )
        return EntityType.UNKNOWN
    return found
