"""GLEIF records as read from any serialisation, before they become entities and holdings.

The CSV, XML and JSON readers (``gleif_csv``, ``gleif_tree``) all produce these plain records, so the rules
that turn them into the model (``gleif_map``) exist once. Values stay as the text the file holds, each with
the name of the field it came from, so that a problem found later can still name the row and column.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from ownership.errors import DataWarning, InputError, Location
from ownership.readers.cells.budget import megabytes
from ownership.readers.cells.tables import ReadLimits
from ownership.readers.cells.values import ValueProblem, parse_date

#: Relationship types (RR-CDF ``RelationshipType``).
DIRECTLY = "IS_DIRECTLY_CONSOLIDATED_BY"
ULTIMATELY = "IS_ULTIMATELY_CONSOLIDATED_BY"
BRANCH = "IS_INTERNATIONAL_BRANCH_OF"
FUND_TYPES = frozenset({"IS_FUND-MANAGED_BY", "IS_SUBFUND_OF", "IS_FEEDER_TO"})

#: Reporting-exception categories (REPEX ``ExceptionCategory``).
DIRECT_PARENT = "DIRECT_ACCOUNTING_CONSOLIDATION_PARENT"
ULTIMATE_PARENT = "ULTIMATE_ACCOUNTING_CONSOLIDATION_PARENT"


@dataclass(frozen=True, slots=True)
class Place:
    """Where a record sits: its file, its row (CSV) or line (XML, JSON), and the columns of a CSV header.

    Attributes:
        file: the file name as shown to the user.
        row: 1-based line of the CSV row, or of the record's first line in XML and JSON; None if unknown.
        columns: for CSV files, header text -> 1-based column, so a field can be named by its column.
    """

    file: str
    row: int | None
    columns: dict[str, int] | None = None

    def record(self) -> Location:
        return Location(self.file, None, self.row)

    def at(self, name: str) -> Location:
        """The location of field ``name`` (a CSV header, or a path such as ``Entity/LegalJurisdiction``)."""
        column = self.columns.get(name) if self.columns is not None else None
        return Location(self.file, None, self.row, column, name)


@dataclass(frozen=True, slots=True)
class Text:
    """A non-blank value as the file holds it, with the field it came from."""

    value: str
    field: str


@dataclass(frozen=True, slots=True)
class Period:
    """One ``RelationshipPeriod``: dates as text, and its type (RELATIONSHIP_PERIOD, ACCOUNTING_PERIOD...)."""

    start: Text | None
    end: Text | None
    kind: str | None


@dataclass(frozen=True, slots=True)
class Quantifier:
    """One ``RelationshipQuantifier``: ``amount`` as text (a percentage, in either scale), its units and method."""

    amount: Text | None
    units: str | None
    method: str | None


@dataclass(frozen=True, slots=True)
class LeiRecord:
    """A Level 1 LEI record: the facts about one legal entity that the check uses."""

    lei: str
    name: str | None
    jurisdiction: Text | None
    legal_country: Text | None
    hq_country: Text | None
    category: str | None
    registration_status: str | None
    last_update: str | None
    place: Place


@dataclass(frozen=True, slots=True)
class RelRecord:
    """A Level 2 relationship record: StartNode (the child) IS_..._BY EndNode (the parent)."""

    start: Text | None
    end: Text | None
    kind: Text | None
    status: Text | None
    periods: tuple[Period, ...]
    quantifiers: tuple[Quantifier, ...]
    registration_status: str | None
    validation: str | None
    last_update: str | None
    record_id: str | None
    place: Place


@dataclass(frozen=True, slots=True)
class ExceptionRecord:
    """A reporting exception: why ``lei`` reports no direct or ultimate accounting-consolidation parent."""

    lei: Text | None
    category: Text | None
    reasons: tuple[Text, ...]
    references: tuple[str, ...]
    place: Place


@dataclass
class Batch:
    """Every record read from the input files, in input order."""

    leis: list[LeiRecord] = field(default_factory=list)
    relationships: list[RelRecord] = field(default_factory=list)
    exceptions: list[ExceptionRecord] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.leis) + len(self.relationships) + len(self.exceptions)


class Notes:
    """Warnings, at most ``cap`` of each code, then one line counting the rest.

    A full golden copy has hundreds of thousands of dangling references and fund relationships; listing
    each would bury the warnings that matter, while counting them keeps every one accounted for.
    """

    def __init__(self, cap: int = 20) -> None:
        self.cap = cap
        self.kept: list[DataWarning] = []
        self.counts: Counter[str] = Counter()

    def warn(self, code: str, message: str, where: Location | None = None) -> None:
        self.counts[code] += 1
        if self.counts[code] <= self.cap:
            self.kept.append(DataWarning(code, message, where))

    def finish(self) -> tuple[DataWarning, ...]:
        extra = [
            DataWarning(code, f"{count - self.cap:,} more '{code}' warnings like the {self.cap} above")
            for code, count in self.counts.items()
            if count > self.cap
        ]
        return (*self.kept, *extra)


def clean(value: str | None) -> str | None:
    """Stripped text, or None for blank cells and GLEIF's literal ``NULL``."""
    if value is None:
        return None
    text = value.strip()
    return text if text and text.upper() != "NULL" else None


def upper(value: str | None) -> str | None:
    """An enumeration value (status, type, reason) in the canonical upper case, or None."""
    text = clean(value)
    return text.upper() if text is not None else None


def check_size(path: Path, display: str, limits: ReadLimits) -> None:
    """Refuse a file larger than the limit, before reading it."""
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise InputError(
            f"is {megabytes(size)}, more than the limit of {megabytes(limits.max_bytes)}; raise the limit "
            "with --max-input-mb if the file is genuine",
            Location(display),
        )


# Unix epoch milliseconds, as some GLEIF CSV extracts write dates (e.g. 1352922180000 = 2012-11-14).
_EPOCH_MS = re.compile(r"-?\d{11,13}")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def gleif_date(text: str | None) -> date | None:
    """A GLEIF date: ISO 8601 date or date-time (the date as written, whatever the offset), or Unix epoch
    milliseconds (11 to 13 digits, read as UTC). None for blank and ``NULL``.

    Raises:
        ValueProblem: anything else.
    """
    value = clean(text)
    if value is None:
        return None
    if _EPOCH_MS.fullmatch(value):
        return (_EPOCH + timedelta(milliseconds=int(value))).date()
    try:
        return parse_date(value)
    except ValueProblem:
        raise ValueProblem(
            f"'{value[:40]}' is not a date GLEIF writes (ISO 8601 such as 2024-01-31T00:00:00Z, or epoch milliseconds)"
        ) from None


__all__ = [
    "BRANCH",
    "DIRECTLY",
    "DIRECT_PARENT",
    "FUND_TYPES",
    "ULTIMATELY",
    "ULTIMATE_PARENT",
    "Batch",
    "ExceptionRecord",
    "LeiRecord",
    "Notes",
    "Period",
    "Place",
    "Quantifier",
    "RelRecord",
    "Text",
    "check_size",
    "clean",
    "gleif_date",
    "upper",
]
