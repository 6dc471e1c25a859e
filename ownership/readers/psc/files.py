"""The files of a Companies House PSC snapshot: which is which, and their records with line numbers.

* PSC snapshot parts are JSON Lines, one ``{"company_number": ..., "data": {...}}`` per line. A JSON array of
  the same objects (what Open Ownership saves its test excerpts as, pretty-printed over many lines) is read
  too; each object's location is the line it starts on.
* Company data is the "BasicCompanyData" product: a CSV (``CompanyName, CompanyNumber, ...,
  CountryOfOrigin, ...``) or the same rows as JSON objects.

Files are read as UTF-8 (a byte-order mark is allowed) within the caller's ``ReadLimits``, and every byte
of them is fed to the caller's hash.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Protocol

from ownership.errors import DataWarning, InputError, Location
from ownership.readers.cells.budget import megabytes
from ownership.readers.cells.tables import ReadLimits

__all__ = [
    "PSC_KINDS",
    "TOTALS_KIND",
    "CompanyRow",
    "Digest",
    "company_rows",
    "file_role",
    "looks_like_psc",
    "read_head",
    "records",
]

TOTALS_KIND: Final = "totals#persons-of-significant-control-snapshot"
PSC_KINDS: Final = frozenset(
    {
        "individual-person-with-significant-control",
        "corporate-entity-person-with-significant-control",
        "legal-person-person-with-significant-control",
        "super-secure-person-with-significant-control",
        "persons-with-significant-control-statement",
        "exemptions",
        "individual-beneficial-owner",
        "corporate-entity-beneficial-owner",
        "legal-person-beneficial-owner",
        "super-secure-beneficial-owner",
        TOTALS_KIND,
    }
)
_HEAD_BYTES: Final = 64 * 1024
_RAISE_BYTES: Final = "raise the limit with --max-input-mb if the file is genuine"
_RAISE_ROWS: Final = "raise the limit with --max-rows if the file is genuine"
_WHITESPACE: Final = re.compile(r"\s*")
_DECODER: Final = json.JSONDecoder()


class Digest(Protocol):
    """What the readers feed the bytes they read to (a ``hashlib`` hash)."""

    def update(self, data: bytes, /) -> None: ...


def _first_value(head: str) -> object:
    """The first JSON value of a JSON Lines text, or the first element of a JSON array; None if there is
    none or it is cut off by the end of ``head``."""
    text = head.lstrip("\ufeff \t\r\n")
    try:
        if text.startswith("["):
            start = _WHITESPACE.match(text, 1)
            value, _ = _DECODER.raw_decode(text, start.end() if start else 1)
            return value
        if text.startswith("{"):
            value, _ = _DECODER.raw_decode(text)
            return value
    except (ValueError, RecursionError):
        return None
    return None


def looks_like_psc(head: str) -> bool:
    """Whether ``head`` (the first ~64 KiB of a file, as text) starts a Companies House PSC snapshot.

    True when the first record (of JSON Lines, or of a JSON array) is an object whose ``data`` is an object
    with a PSC ``kind`` (a person, a statement, an exemption or the snapshot's totals line) and, except for
    the totals line, a ``company_number``. BODS statements and FollowTheMoney entities are JSON Lines too,
    but have neither ``data.kind`` nor ``company_number``.
    """
    value = _first_value(head)
    if not isinstance(value, dict):
        return False
    data = value.get("data")
    if not isinstance(data, dict) or data.get("kind") not in PSC_KINDS:
        return False
    return data.get("kind") == TOTALS_KIND or isinstance(value.get("company_number"), str)


def _csv_header(head: str) -> list[str]:
    first = head.lstrip("\ufeff").split("\n", 1)[0]
    try:
        return [cell.strip() for cell in next(csv.reader([first]))]
    except (csv.Error, StopIteration):
        return []


def file_role(head: str) -> str | None:
    """What a snapshot file is, from its first ~64 KiB: "psc", "company-json", "company-csv", or None."""
    if looks_like_psc(head):
        return "psc"
    value = _first_value(head)
    if isinstance(value, dict) and "CompanyNumber" in value:
        return "company-json"
    header = _csv_header(head)
    if "CompanyNumber" in header and "CompanyName" in header:
        return "company-csv"
    return None


def read_head(path: Path) -> str:
    """The first ~64 KiB of ``path`` as text (undecodable bytes replaced)."""
    with path.open("rb") as handle:
        return handle.read(_HEAD_BYTES).decode("utf-8", errors="replace")


def _check_size(path: Path, display: str, limits: ReadLimits) -> None:
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise InputError(
            f"is {megabytes(size)}, more than the limit of {megabytes(limits.max_bytes)}; {_RAISE_BYTES}",
            Location(display),
        )
    if size == 0:
        raise InputError("is empty", Location(display))


def _decode(raw: bytes, display: str, line: int) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(
            "is not UTF-8 text here; Companies House files are UTF-8: download the file again",
            Location(display, row=line),
        ) from None


def _parse(text: str, display: str, line: int) -> object:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise InputError(
            f"is not valid JSON here ({exc}); a snapshot holds one JSON object per line (was the download cut short?)",
            Location(display, row=line),
        ) from None
    except RecursionError:
        raise InputError("holds JSON nested too deeply to be a PSC record", Location(display, row=line)) from None


def records(path: Path, display: str, limits: ReadLimits, digest: Digest) -> Iterator[tuple[int, object]]:
    """The JSON values of a JSON Lines file, or the elements of a JSON array, with the line each starts on.

    Feeds every byte of the file to ``digest``.

    Raises:
        InputError: the file passes the limits, is not UTF-8, or holds invalid JSON (naming the line).
    """
    _check_size(path, display, limits)
    with path.open("rb") as handle:
        first = handle.read(_HEAD_BYTES)
        handle.seek(0)
        if first.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"["):
            data = handle.read()
            digest.update(data)
            yield from _array(_decode(data.removeprefix(b"\xef\xbb\xbf"), display, 1), display, limits)
            return
        for number, raw in enumerate(handle, start=1):
            digest.update(raw)
            if number > limits.max_rows:
                raise InputError(
                    f"has more than {limits.max_rows:,} lines; {_RAISE_ROWS}", Location(display, row=number)
                )
            if len(raw) > limits.max_cell_chars:
                raise InputError(
                    f"has a line longer than {limits.max_cell_chars:,} characters", Location(display, row=number)
                )
            text = _decode(raw.removeprefix(b"\xef\xbb\xbf") if number == 1 else raw, display, number).strip()
            if text:
                yield number, _parse(text, display, number)


def _array(text: str, display: str, limits: ReadLimits) -> Iterator[tuple[int, object]]:
    """The elements of a JSON array text, each with the line it starts on."""
    line, seen = 1, 0
    position = text.index("[") + 1
    count = 0
    while True:
        found = _WHITESPACE.match(text, position)
        position = found.end() if found else position
        line += text.count("\n", seen, position)
        seen = position
        if position >= len(text):
            raise InputError("ends inside the JSON array (was the download cut short?)", Location(display, row=line))
        if text[position] == "]":
            rest = text[position + 1 :]
            if rest.strip():
                line += rest[: len(rest) - len(rest.lstrip())].count("\n")
                raise InputError("has text after the end of the JSON array", Location(display, row=line))
            return
        if count and text[position] == ",":
            position += 1
            continue
        try:
            value, end = _DECODER.raw_decode(text, position)
        except ValueError as exc:
            raise InputError(
                f"is not valid JSON here ({exc.args[0].split(':')[0]})", Location(display, row=line)
            ) from None
        except RecursionError:
            raise InputError("holds JSON nested too deeply to be a PSC record", Location(display, row=line)) from None
        count += 1
        if count > limits.max_rows:
            raise InputError(f"has more than {limits.max_rows:,} records; {_RAISE_ROWS}", Location(display, row=line))
        yield line, value
        found = _WHITESPACE.match(text, end)
        after = found.end() if found else end
        if after < len(text) and text[after] not in ",]":
            line += text.count("\n", seen, after)
            raise InputError(
                "is not valid JSON here (expected ',' or ']' between records)", Location(display, row=line)
            )
        position = end


@dataclass(frozen=True, slots=True)
class CompanyRow:
    """One company of the company data: its registered name, its ``CountryOfOrigin`` text and where it was."""

    number: str
    name: str | None
    country: str | None
    where: Location


def _text(value: object) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = " ".join(str(value).split())
    return text or None


def _company(row: dict[str, object], where: Location) -> CompanyRow | None:
    number = _text(row.get("CompanyNumber"))
    if number is None:
        return None
    return CompanyRow(number, _text(row.get("CompanyName")), _text(row.get("CountryOfOrigin")), where)


def company_rows(
    path: Path, display: str, role: str, limits: ReadLimits, digest: Digest, warnings: list[DataWarning]
) -> Iterator[CompanyRow]:
    """The companies of a BasicCompanyData file (``role`` "company-csv" or "company-json"), streamed, with
    the rows they came from; company numbers as written. Warnings about how the file was read are appended
    to ``warnings``.

    Raises:
        InputError: the file is unreadable, passes the limits, or its rows do not fit its header.
    """
    if role == "company-json":
        for line, value in records(path, display, limits, digest):
            if not isinstance(value, dict):
                raise InputError("is not a JSON object with CompanyNumber", Location(display, row=line))
            if (row := _company(value, Location(display, row=line))) is not None:
                yield row
        return
    _check_size(path, display, limits)
    _hash(path, digest)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            yield from _company_csv(handle, display, limits, None)
        return
    except InputError as first:
        # Lines hard-wrapped at a fixed width (the real sample is) break the first row; they can be joined.
        unwrapped = _unwrap(path.read_text(encoding="utf-8-sig", errors="replace"))
        if unwrapped is None or first.where is None or first.where.row != 2:
            raise
        joined, starts, width = unwrapped
        rows = list(_company_csv(io.StringIO(joined, newline=""), display, limits, starts))
    warnings.append(
        DataWarning(
            "psc_wrapped_lines",
            f"the lines of this CSV are cut at {width} characters: they were joined back into rows",
            Location(display),
        )
    )
    yield from rows


def _hash(path: Path, digest: Digest) -> None:
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)


def _unwrap(text: str) -> tuple[str, list[int], int] | None:
    """Rows of a CSV whose lines were hard-wrapped at a fixed width (every line of that width continues on
    the next), with the physical line each row starts on and the width; None if the lines do not look
    wrapped."""
    lines = text.replace("\r\n", "\n").split("\n")
    while lines and not lines[-1]:
        lines.pop()
    width = len(lines[0]) if lines else 0
    if len(lines) < 2 or width < 40 or len(lines[1]) != width or any(len(line) > width for line in lines):
        return None
    rows: list[str] = []
    starts: list[int] = []
    current = ""
    for number, line in enumerate(lines, start=1):
        if not current:
            starts.append(number)
        current += line
        if len(line) < width:
            rows.append(current)
            current = ""
    if current:
        rows.append(current)
    return "\n".join(rows), starts, width


def _company_csv(
    handle: Iterable[str], display: str, limits: ReadLimits, starts: list[int] | None
) -> Iterator[CompanyRow]:
    csv.field_size_limit(max(limits.max_cell_chars, 131072))
    reader = csv.reader(handle)
    header: list[str] = []
    try:
        for values in reader:
            line = starts[reader.line_num - 1] if starts else reader.line_num
            if reader.line_num > limits.max_rows:
                raise InputError(f"has more than {limits.max_rows:,} lines; {_RAISE_ROWS}", Location(display, row=line))
            if not header:
                header = [v.strip() for v in values]
                if "CompanyNumber" not in header:
                    raise InputError("has no CompanyNumber column", Location(display, row=line))
                continue
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                raise InputError(
                    f"has {len(values)} cells in this row but {len(header)} columns in the header",
                    Location(display, row=line),
                )
            if (row := _company(dict(zip(header, values, strict=True)), Location(display, row=line))) is not None:
                yield row
    except csv.Error as exc:
        raise InputError(f"cannot be read as CSV ({exc})", Location(display, row=reader.line_num + 1)) from None
    except UnicodeDecodeError:
        raise InputError(
            "is not UTF-8 text here; Companies House files are UTF-8: download the file again",
            Location(display, row=reader.line_num + 1),
        ) from None
