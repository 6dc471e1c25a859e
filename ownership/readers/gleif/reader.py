"""GLEIF data (Level 1 LEI records, Level 2 relationship records, reporting exceptions) into the ownership model.

Each of the three kinds may come as golden-copy CSV (dotted headers, or the renamed columns of extracts such
as gleifr), XML, golden-copy JSON, plain JSON dicts, or GLEIF API v1 JSON; several files of one dataset (an
LEI file, a relationship file, an exception file) are read together into one graph. How GLEIF maps onto
holders, subjects and stakes is described in ``gleif_map``; the readers of each serialisation are in
``gleif_csv`` and ``gleif_tree``.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Sequence
from pathlib import Path

from ownership.errors import InputError, Location
from ownership.model import OwnershipData, SourceInfo
from ownership.readers.cells.digest import combined_sha256, file_sha256
from ownership.readers.cells.tables import ReadLimits
from ownership.readers.gleif.csv_files import csv_kind, read_gleif_csv, sniff_delimiter
from ownership.readers.gleif.mapping import build
from ownership.readers.gleif.records import Batch, Notes
from ownership.readers.gleif.tree import read_gleif_json
from ownership.readers.gleif.xml_files import read_gleif_xml

_HEAD_BYTES = 64 * 1024

_XML_GLEIF = re.compile(
    r"http://www\.gleif\.org/data/schema/(?:leidata|rr|repex)/"
    r"|<(?:[\w.-]+:)?(?:LEIData|RelationshipData|ReportingExceptionData|LEIRecord|RelationshipRecord)[\s>/]"
)
# BODS statements (0.2-0.4) built from GLEIF carry LEIs and GLEIF relationship types too; these keys are BODS's.
_BODS_KEYS = re.compile(r'"(?:statementID|statementId|statementType|recordType|recordDetails|interestedParty)"\s*:')
_API_TYPE = re.compile(r'"type"\s*:\s*"(?:lei-records|relationship-records|reporting-exceptions)"')
_LEI_KEY = re.compile(r'"LEI"\s*:')
_LEVEL1_KEYS = re.compile(r'"(?:LegalName|LegalJurisdiction)"\s*:')
_EXCEPTION_KEYS = re.compile(r'"Exception(?:Category|Reason)"\s*:')
_NODE_KEYS = (re.compile(r'"StartNode"\s*:'), re.compile(r'"EndNode"\s*:'))


def _form(head: str) -> str:
    text = head.lstrip("\ufeff \t\r\n")
    if text.startswith("<"):
        return "xml"
    if text.startswith(("{", "[")):
        return "json"
    return "csv"


def looks_like_gleif(head: str) -> bool:
    """Whether a file is GLEIF data, from its first ~64 KiB decoded as text.

    True for Level 1 LEI records, relationship records and reporting exceptions as golden-copy CSV (or
    gleifr-style renamed columns), XML, golden-copy or plain JSON, and GLEIF API v1 JSON. False for BODS
    statements made from GLEIF data, holdings tables and anything else.
    """
    text = head.lstrip("\ufeff \t\r\n")
    form = _form(text)
    if form == "xml":
        return bool(_XML_GLEIF.search(text))
    if form == "json":
        if _BODS_KEYS.search(text):
            return False
        if _API_TYPE.search(text) or all(k.search(text) for k in _NODE_KEYS):
            return True
        return bool(_LEI_KEY.search(text) and (_LEVEL1_KEYS.search(text) or _EXCEPTION_KEYS.search(text)))
    first = text.split("\n", 1)[0].rstrip("\r")
    if not first.strip():
        return False
    try:
        header = next(csv.reader([first], delimiter=sniff_delimiter(first)))
    except (csv.Error, StopIteration):
        return False
    return csv_kind(header) is not None


def _head(path: Path) -> str:
    with path.open("rb") as handle:
        raw = handle.read(_HEAD_BYTES)
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw[: len(raw) - len(raw) % 2].decode("utf-16", errors="replace")
    return raw.decode("utf-8", errors="replace")


def _digest(paths: Sequence[Path]) -> str:
    """The file's SHA-256; for several files, the SHA-256 over their names and digests in name order."""
    if len(paths) == 1:
        return file_sha256(paths[0])
    return combined_sha256((p.name, file_sha256(p)) for p in sorted(paths, key=lambda p: (p.name, str(p))))


_NOT_GLEIF = (
    "is not a GLEIF file: expected LEI records, relationship records or reporting exceptions as GLEIF CSV, "
    "XML or JSON (BODS statements made from GLEIF data are read as BODS)"
)


def read_gleif(paths: Sequence[Path], name: str, limits: ReadLimits) -> OwnershipData:
    """Read one or more GLEIF files of one dataset into entities and holdings.

    Stakes are fractions 0..1: a consolidation relationship without a quantifier is a control row with a
    stake of 0-1 (equity unknown); a percentage quantifier gives its figure.

    Args:
        paths: the files; with several (a folder's files), those that are not GLEIF are skipped with an
            ``ignored_file`` warning.
        name: the input as the user gave it (a file, or the folder); with several files each is shown as
            ``name/file``.
        limits: caps on file size, rows and records.

    Raises:
        InputError: a file is missing, empty, not GLEIF (when it is the only one), unreadable or too large,
            or no record in the input gives an entity or a holding.
    """
    if not paths:
        raise InputError("has no files to read", Location(name))
    notes = Notes()
    batch = Batch()
    many = len(paths) > 1
    for path in paths:
        display = f"{name.rstrip('/')}/{path.name}" if many else name
        if not path.is_file():
            raise InputError("no such file" if not path.exists() else "is not a file", Location(display))
        head = _head(path)
        if not head.strip() or not looks_like_gleif(head):
            if not many:
                raise InputError("is empty" if not head.strip() else _NOT_GLEIF, Location(display))
            notes.warn("ignored_file", f"{path.name} is not a GLEIF file: ignored", Location(display))
            continue
        before = len(batch)
        form = _form(head)
        if form == "xml":
            read_gleif_xml(path, display, limits, batch)
        elif form == "json":
            read_gleif_json(path, display, limits, batch)
        else:
            read_gleif_csv(path, display, limits, batch, notes)
        if len(batch) == before:
            notes.warn("ignored_file", f"{path.name} holds no GLEIF records", Location(display))
    if not len(batch):
        raise InputError(
            "holds no GLEIF records (LEI records, relationship records or reporting exceptions)", Location(name)
        )
    entities, holdings = build(batch, notes)
    if not entities and not holdings:
        raise InputError(
            f"none of its {len(batch):,} GLEIF records gives an entity or an ownership relationship (fund "
            "relationships, inactive or annulled records only)",
            Location(name),
        )
    source = SourceInfo(name, _digest(paths), "gleif")
    return OwnershipData(tuple(entities), tuple(holdings), source, notes.finish())


__all__ = ["looks_like_gleif", "read_gleif"]
