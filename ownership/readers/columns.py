"""Column headers: normalisation, aliases, and finding the header row under title rows."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ownership.errors import InputError
from ownership.readers.tables import Cell, RawTable

#: How far down a sheet the header row is looked for (title rows, notes and blank rows above it).
HEADER_SEARCH_ROWS = 30

_NOT_KEY = re.compile(r"[^0-9a-z%#\u00c0-\uffff]+")


def header_key(text: object) -> str:
    """Normalised header: case-insensitive, ignoring spaces, ``_``, ``-`` and other punctuation."""
    if text is None:
        return ""
    return _NOT_KEY.sub("", str(text).casefold())


def _keys(*names: str) -> frozenset[str]:
    return frozenset(header_key(n) for n in names)


ENTITY_COLUMNS: dict[str, frozenset[str]] = {
    "id": _keys("id", "entity", "entity id", "code", "entity code", "identifier", "key"),
    "name": _keys("name", "entity name", "legal name", "company name", "full name"),
    "type": _keys("type", "kind", "entity type"),
    "jurisdiction": _keys(
        "jurisdiction",
        "country",
        "incorporation",
        "country of incorporation",
        "registered in",
        "incorporated in",
        "jurisdiction of incorporation",
        "place of incorporation",
    ),
    "headquarters": _keys(
        "headquarters",
        "hq",
        "head office",
        "principal place of business",
        "nationality",
        "residence",
        "country of residence",
        "hq country",
        "headquarters country",
        "head office country",
    ),
    "group": _keys("group", "joint group", "acting jointly", "joint arrangement", "concert party", "party group"),
    "shares_outstanding": _keys(
        "shares outstanding",
        "issued shares",
        "total shares",
        "shares issued",
        "outstanding shares",
        "share capital shares",
        "number of issued shares",
    ),
}

HOLDING_COLUMNS: dict[str, frozenset[str]] = {
    "holder": _keys("holder", "owner", "shareholder", "parent", "investor", "holder id", "owner id"),
    "subject": _keys(
        "subject",
        "company",
        "held",
        "entity",
        "investee",
        "subsidiary",
        "issuer",
        "subject id",
        "company id",
        "owned",
        "owns",
    ),
    "percent": _keys(
        "percent",
        "stake",
        "ownership",
        "%",
        "share",
        "equity",
        "percentage",
        "ownership %",
        "equity %",
        "stake %",
        "shareholding",
        "ownership percent",
        "ownership percentage",
        "percent owned",
    ),
    "votes": _keys("votes", "voting", "voting percent", "voting rights", "voting %", "votes %"),
    "control": _keys("control", "controls", "contractual control"),
    "shares": _keys("shares", "number of shares", "share count", "shares held", "no of shares"),
    "start": _keys("start", "from", "valid from", "start date", "since"),
    "end": _keys("end", "to", "valid to", "end date", "until"),
    "source": _keys("source", "note", "notes", "reference", "comment"),
    # Single-CSV form: the countries of holder and subject on the holding row itself.
    "holder_name": _keys("holder name", "owner name", "shareholder name"),
    "holder_type": _keys("holder type", "owner type", "shareholder type"),
    "holder_jurisdiction": _keys(
        "holder jurisdiction",
        "holder country",
        "owner jurisdiction",
        "owner country",
        "shareholder country",
        "shareholder jurisdiction",
    ),
    "holder_headquarters": _keys("holder headquarters", "holder hq", "owner headquarters", "holder nationality"),
    "subject_name": _keys("subject name", "company name", "investee name"),
    "subject_type": _keys("subject type", "company type"),
    "subject_jurisdiction": _keys(
        "subject jurisdiction",
        "subject country",
        "company jurisdiction",
        "company country",
    ),
    "subject_headquarters": _keys("subject headquarters", "subject hq", "company headquarters"),
}


#: The aliases quoted in error messages (the full lists above are longer).
SHOWN_ALIASES = {
    "id": ("entity", "entity id", "code"),
    "holder": ("owner", "shareholder", "parent", "investor"),
    "subject": ("company", "held", "entity", "investee", "subsidiary", "issuer"),
}


@dataclass(frozen=True)
class Header:
    """Where the header row is and which column (0-based index) holds each field."""

    row: int
    position: int  # index into RawTable.rows of the header row
    columns: dict[str, int]
    texts: dict[int, str]
    unknown: list[int]


def _match(key: str, aliases: dict[str, frozenset[str]]) -> str | None:
    for field, keys in aliases.items():
        if key in keys:
            return field
    if key.endswith("%") and key != "%":
        return _match(key.rstrip("%"), aliases)
    return None


def find_header(table: RawTable, aliases: dict[str, frozenset[str]], required: tuple[str, ...]) -> Header:
    """Locate the header row: the first row, among the first rows, that names all required columns.

    Raises:
        InputError: no such row (naming the missing columns), or two columns map to the same field.
    """
    best: tuple[int, set[str]] | None = None
    for position, (number, cells) in enumerate(table.rows[:HEADER_SEARCH_ROWS]):
        found: dict[str, int] = {}
        for k, cell in enumerate(cells):
            field = _match(header_key(cell.value), aliases) if isinstance(cell.value, str) else None
            if field is not None and field not in found:
                found[field] = k
        if all(r in found for r in required):
            return _header(table, position, number, cells, aliases)
        if best is None or len(found) > len(best[1]):
            best = (number, set(found))
    if not table.rows:
        raise InputError("has no rows", table.where())
    missing = [r for r in required if best is None or r not in best[1]]
    names = " and ".join(f"'{m}'" for m in missing)
    examples = "; ".join(f"{m} may also be called {', '.join(SHOWN_ALIASES[m])}" for m in missing)
    raise InputError(
        f"no header row names the required column{'s' if len(missing) > 1 else ''} {names} "
        f"(looked at the first {HEADER_SEARCH_ROWS} rows; case, spaces, _ and - are ignored; {examples})",
        table.where(),
    )


def _header(
    table: RawTable, position: int, number: int, cells: list[Cell], aliases: dict[str, frozenset[str]]
) -> Header:
    columns: dict[str, int] = {}
    texts: dict[int, str] = {}
    unknown: list[int] = []
    for k, cell in enumerate(cells):
        if cell.value is None or (isinstance(cell.value, str) and not cell.value.strip()):
            continue
        text = str(cell.value).strip()
        texts[k] = text
        field = _match(header_key(text), aliases)
        if field is None:
            unknown.append(k)
        elif field in columns:
            first = columns[field]
            raise InputError(
                f"columns '{texts[first]}' and '{text}' both mean '{field}'; keep one of them or rename the other",
                table.where(number, k + 1, text),
            )
        else:
            columns[field] = k
    return Header(number, position, columns, texts, unknown)
