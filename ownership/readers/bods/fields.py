"""Shared pieces of the BODS reader: the collected problems, one statement with located messages, and
tolerant access to JSON fields (a field of the wrong type reads as absent, as the caller decides)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ownership.errors import DataWarning, Location, short
from ownership.readers.canonical.row import Problems

JsonObject = Mapping[str, Any]

#: Individual warnings of one code before the rest are only counted (a register feed can have thousands).
WARNING_CAP = 20


@dataclass
class Notes:
    """Errors and warnings of one read; warnings of a code past ``WARNING_CAP`` are counted, then summarised."""

    file: str
    problems: Problems = field(default_factory=Problems)
    counts: Counter[str] = field(default_factory=Counter)

    def error(self, reason: str, where: Location) -> None:
        self.problems.error(reason, where)

    def warn(self, code: str, message: str, where: Location | None) -> None:
        self.counts[code] += 1
        if self.counts[code] <= WARNING_CAP:
            self.problems.warn(code, message, where)

    def warnings(self) -> tuple[DataWarning, ...]:
        extra = [
            DataWarning(code, f"{n - WARNING_CAP} more '{code}' warnings like the ones above", Location(self.file))
            for code, n in self.counts.items()
            if n > WARNING_CAP
        ]
        return (*self.problems.warnings, *extra)


@dataclass(frozen=True, slots=True)
class Raw:
    """One statement as found in the file: its 1-based position, where it is, and its JSON object."""

    number: int
    where: Location
    data: JsonObject


def cite(key: str, statement_id: str) -> str:
    """How an audit report cites a statement: the record and statement ids (0.4), or the statement id."""
    if key == statement_id:
        return f"BODS statement {statement_id}"
    return f"BODS record {key} (statement {statement_id})"


class Statement:
    """Field access on one statement that records located errors and warnings.

    Attributes:
        label: how messages name it ("record X", "statement X").
        citation: how reports cite it (``cite``), once its ids are known.
    """

    def __init__(self, raw: Raw, notes: Notes, label: str, citation: str = "") -> None:
        self.raw, self.notes, self.label, self.citation = raw, notes, label, citation

    @property
    def where(self) -> Location:
        return self.raw.where

    def error(self, reason: str) -> None:
        self.notes.error(f"{self.label}: {reason}", self.where)

    def warn(self, code: str, message: str) -> None:
        self.notes.warn(code, f"{self.label}: {message}", self.where)


def mapping(obj: object, key: str) -> JsonObject | None:
    """``obj[key]`` if it is a JSON object, else None."""
    value = obj.get(key) if isinstance(obj, Mapping) else None
    return value if isinstance(value, Mapping) else None


def items(obj: object, key: str) -> list[Any]:
    """``obj[key]`` if it is a JSON array, else an empty list."""
    value = obj.get(key) if isinstance(obj, Mapping) else None
    return list(value) if isinstance(value, list) else []


def text(obj: object, key: str) -> str | None:
    """``obj[key]`` as stripped text (numbers as written); None when absent, blank or of another type."""
    value = obj.get(key) if isinstance(obj, Mapping) else None
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def type_key(text: str) -> str:
    """A BODS code compared without case, ``-``, ``_`` and spaces (0.2 ``voting-rights``, 0.4 ``votingRights``)."""
    return text.replace("-", "").replace("_", "").replace(" ", "").casefold()


@dataclass(frozen=True, slots=True)
class Unspecified:
    """An interested party or subject the statement declares but does not identify (``reason`` codelist)."""

    reason: str | None
    description: str | None

    def words(self) -> str:
        text = self.reason or "no reason given"
        return f"{text}: {short(self.description, 60)}" if self.description else text
