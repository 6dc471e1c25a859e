"""Open Ownership's Beneficial Ownership Data Standard (BODS) 0.1 to 0.4 into the ownership model.

A BODS file is a JSON array of statements or JSON Lines (one statement per line). Each entity and holding
is located at its statement: ``row`` is the line number for JSON Lines and the statement's 1-based position
in the array otherwise; holdings carry the record and statement ids in ``source``. The statements are read
by ``bods_statements`` and turned into entities and holdings by ``bods_holdings``, whose docstrings give the
choices made where the standard leaves the reading open.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ownership.errors import InputError, Location, short
from ownership.model import OwnershipData, SourceInfo
from ownership.readers.bods.fields import Notes, Raw
from ownership.readers.bods.holdings import build_model
from ownership.readers.bods.statements import parse_statement
from ownership.readers.cells import json_text
from ownership.readers.cells.budget import megabytes
from ownership.readers.cells.digest import file_sha256
from ownership.readers.cells.tables import ReadLimits

_LEGACY_MARK = re.compile(r'"statementType"\s*:\s*"(?:entityStatement|personStatement|ownershipOrControlStatement)"')
_RECORD_MARK = re.compile(r'"recordType"\s*:\s*"(?:entity|person|relationship)"')
_RECORD_KEYS = re.compile(r'"(?:recordDetails|recordId)"\s*:')
_VERSION_MARK = re.compile(r'"bodsVersion"\s*:\s*"0\.\d')
_ID_KEYS = re.compile(r'"(?:statementI[dD]|recordId)"\s*:')

_RAISE_BYTES = "raise the limit with --max-input-mb if the file is genuine"
_RAISE_ROWS = "raise the limit with --max-rows if the file is genuine"


def looks_like_bods(head: str) -> bool:
    """Whether a file beginning with ``head`` (its first ~64 KiB as text) is BODS of any version, as a JSON
    array or JSON Lines.

    It looks for the keys only BODS statements have (``statementType`` with a BODS statement type,
    ``recordType`` with a BODS record type next to ``recordDetails``/``recordId``, or ``bodsVersion`` next to
    a statement or record id) in a text that starts like JSON; FollowTheMoney entities and GLEIF API
    documents have none of them.
    """
    text = head.lstrip("\ufeff \t\r\n")
    if not text.startswith(("[", "{")):
        return False
    if _LEGACY_MARK.search(text):
        return True
    if _RECORD_MARK.search(text) and _RECORD_KEYS.search(text):
        return True
    return bool(_VERSION_MARK.search(text) and _ID_KEYS.search(text))


def read_bods(path: Path, name: str, limits: ReadLimits) -> OwnershipData:
    """Read a BODS file (0.1-0.4, JSON array or JSON Lines) into entities and holdings (stakes as fractions).

    Args:
        path: the file.
        name: the file name to use in messages and locations.
        limits: the largest file (bytes) and the most statements (rows) to accept.

    Raises:
        InputError: the file is missing, too big, not JSON, JSON but not BODS, or has statements that cannot
            be used (a missing id, an impossible share, a relationship pointing at a relationship); the
            message names the statement's row and the first problem, and counts the others.
    """
    notes = Notes(name)
    raws = _drop_copies(_statements(path, name, limits), notes)
    envelopes = [env for raw in raws if (env := parse_statement(raw, notes)) is not None]
    entities, holdings = build_model(envelopes, notes)
    notes.problems.raise_first()
    if not entities and not holdings:
        raise InputError("has no BODS statements", Location(name))
    source = SourceInfo(name, file_sha256(path), "bods")
    return OwnershipData(tuple(entities), tuple(holdings), source, notes.warnings())


def _drop_copies(raws: list[Raw], notes: Notes) -> list[Raw]:
    """The statements without exact copies of earlier ones (same id, same content), which registers'
    exports repeat; a copy is not a new version, so it is counted apart from replaced statements."""
    first: dict[str, Raw] = {}
    kept: list[Raw] = []
    copies: list[Raw] = []
    for raw in raws:
        statement_id = raw.data.get("statementId", raw.data.get("statementID"))
        if isinstance(statement_id, str) and statement_id:
            earlier = first.get(statement_id)
            if earlier is not None and earlier.data == raw.data:
                copies.append(raw)
                continue
            first.setdefault(statement_id, raw)
        kept.append(raw)
    if copies:
        notes.warn(
            "duplicate_statement",
            f"{len(copies)} statement{'s are exact copies' if len(copies) > 1 else ' is an exact copy'} of earlier "
            f"ones (first: {short(str(copies[0].data.get('statementId', copies[0].data.get('statementID'))), 60)}): "
            "each counted once",
            copies[0].where,
        )
    return kept


def _text(path: Path, name: str, limits: ReadLimits) -> str:
    if not path.is_file():
        raise InputError("no such file", Location(name))
    size = path.stat().st_size
    if size == 0:
        raise InputError("is empty (0 bytes)", Location(name))
    if size > limits.max_bytes:
        raise InputError(
            f"is {megabytes(size)}, more than the limit of {megabytes(limits.max_bytes)}; {_RAISE_BYTES}",
            Location(name),
        )
    data = path.read_bytes()
    if data.startswith(b"\x1f\x8b"):
        raise InputError("is gzip-compressed; decompress it (gunzip) and read the .json or .jsonl file", Location(name))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError("is damaged UTF-16 text", Location(name)) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError("is not UTF-8 text, which JSON must be", Location(name, row=line)) from None


def _statements(path: Path, name: str, limits: ReadLimits) -> list[Raw]:
    text = _text(path, name, limits)
    try:
        document = json_text.loads(text, name)
    except json.JSONDecodeError as exc:
        if exc.msg != "Extra data":
            raise _not_json(exc, name, 0) from None
        return _json_lines(text, name, limits)
    except RecursionError:
        raise InputError("nests JSON too deeply to be BODS", Location(name)) from None
    if isinstance(document, Mapping) and ("recordType" in document or "statementType" in document):
        document = [document]
    if not isinstance(document, list):
        raise InputError(f"is JSON but not BODS: {_not_bods(document)}", Location(name))
    if len(document) > limits.max_rows:
        raise InputError(f"has more than {limits.max_rows:,} statements; {_RAISE_ROWS}", Location(name))
    raws: list[Raw] = []
    for number, item in enumerate(document, start=1):
        if not isinstance(item, Mapping):
            raise InputError(
                f"is JSON but not BODS: statement {number} is {_json_kind(item)}, not an object",
                Location(name, row=number),
            )
        raws.append(Raw(number, Location(name, row=number), item))
    _require_bods(raws, name)
    return raws


def _json_lines(text: str, name: str, limits: ReadLimits) -> list[Raw]:
    raws: list[Raw] = []
    # Only "\n" ends a JSON Lines record: str.splitlines would also split at U+2028, which JSON strings
    # may contain unescaped.
    for line_number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        if len(raws) >= limits.max_rows:
            raise InputError(f"has more than {limits.max_rows:,} statements; {_RAISE_ROWS}", Location(name))
        try:
            item = json_text.loads(line, name, line_number - 1)
        except json.JSONDecodeError as exc:
            raise _not_json(exc, name, line_number - 1) from None
        except RecursionError:
            raise InputError("nests JSON too deeply to be BODS", Location(name, row=line_number)) from None
        if not isinstance(item, Mapping):
            raise InputError(
                f"is JSON Lines but not BODS: line {line_number} is {_json_kind(item)}, not a statement object",
                Location(name, row=line_number),
            )
        raws.append(Raw(len(raws) + 1, Location(name, row=line_number), item))
    _require_bods(raws, name)
    return raws


def _require_bods(raws: list[Raw], name: str) -> None:
    if not raws:
        raise InputError("has no BODS statements (an empty list)", Location(name))
    if not any("recordType" in r.data or "statementType" in r.data for r in raws):
        keys = ", ".join(short(k, 30) for k in list(raws[0].data)[:6]) or "none"
        raise InputError(
            "is JSON but not BODS: no statement has recordType (BODS 0.4) or statementType (BODS 0.1-0.3); the "
            f"first object's keys are {keys}",
            raws[0].where,
        )


def _not_json(exc: json.JSONDecodeError, name: str, line_offset: int) -> InputError:
    return InputError(
        f"is not valid JSON: {exc.msg.lower()} at column {exc.colno}", Location(name, row=exc.lineno + line_offset)
    )


def _json_kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    if isinstance(value, bool | int | float):
        return "a number" if not isinstance(value, bool) else "true/false"
    return "an object"


def _not_bods(document: Any) -> str:
    if isinstance(document, Mapping):
        keys = ", ".join(short(k, 30) for k in list(document)[:6]) or "none"
        return f"the top level is an object with the keys {keys}, not a list of statements"
    return f"the top level is {_json_kind(document)}, not a list of statements"


__all__ = ["looks_like_bods", "read_bods"]
