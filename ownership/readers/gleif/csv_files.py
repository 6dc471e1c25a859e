"""GLEIF CSV files: the golden-copy layout (dotted headers such as ``Entity.LegalJurisdiction``) and the
renamed columns of extracts such as the Financial Times' gleifr (``entity_legal_name``, ``start_node_id``).

Headers are matched ignoring case and punctuation, so ``Entity.LegalName`` and ``entity_legal_name`` are the
same column. Which kind of file it is (Level 1, relationships, reporting exceptions) follows from the
columns present. Rows are streamed, so a golden-copy file is not held in memory as text; a file that is not
UTF-8 is read again through the shared text-table reader, which knows the other encodings.

Only the columns the check needs are read; the many address, name and registration columns of the format
are left alone without a warning each, because they are part of the format, not data the user added.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

from ownership.errors import InputError, Location
from ownership.readers.cells.tables import ReadLimits, cell_text, read_text_table
from ownership.readers.gleif.records import (
    Batch,
    ExceptionRecord,
    LeiRecord,
    Notes,
    Period,
    Place,
    Quantifier,
    RelRecord,
    Text,
    clean,
)

_LEI_COLUMNS: dict[str, tuple[str, ...]] = {
    "lei": ("lei", "entitylei"),
    "name": ("entitylegalname",),
    "jurisdiction": ("entitylegaljurisdiction",),
    "legal_country": ("entitylegaladdresscountry", "entitylegalcountry"),
    "hq_country": ("entityheadquartersaddresscountry", "entityhqcountry"),
    "category": ("entityentitycategory", "entitycategory"),
    "registration_status": ("registrationregistrationstatus", "registrationstatus"),
    "last_update": ("registrationlastupdatedate", "lastupdatedate", "lastupdateddate"),
}
_RR_COLUMNS: dict[str, tuple[str, ...]] = {
    "start": ("relationshipstartnodenodeid", "startnodenodeid", "startnodeid"),
    "end": ("relationshipendnodenodeid", "endnodenodeid", "endnodeid"),
    "kind": ("relationshiprelationshiptype", "relationshiptype"),
    "status": ("relationshiprelationshipstatus", "relationshipstatus"),
    "registration_status": ("registrationregistrationstatus", "registrationstatus"),
    "validation": ("registrationvalidationsources", "validationsources"),
    "last_update": ("registrationlastupdatedate", "lastupdatedate"),
    # gleifr has already picked the RELATIONSHIP_PERIOD out of the numbered periods.
    "start_date": ("relationshipstartdate",),
    "end_date": ("relationshipenddate",),
}
_REPEX_COLUMNS: dict[str, tuple[str, ...]] = {
    "lei": ("lei", "entitylei"),
    "category": ("exceptioncategory",),
}
# Numbered groups: Relationship.Period.N.startDate, Relationship.Quantifiers.N.QuantifierAmount (older files
# mislabel the quantifier group as Relationship.Qualifiers.N), Exception.Reason.N, Exception.Reference.N.
_PERIOD = re.compile(r"relationshipperiods?(\d+)(startdate|enddate|periodtype)")
_QUANTIFIER = re.compile(
    r"relationship(?:quantifiers|qualifiers)(\d+)(measurementmethod|quantifieramount|quantifierunits)"
)
_REASON = re.compile(r"exceptionreason(\d*)")
_REFERENCE = re.compile(r"exceptionreference(\d*)")


def header_key(text: str) -> str:
    """A header as compared: lower case, letters and digits only (``Entity.LegalName`` -> ``entitylegalname``)."""
    return re.sub(r"[^0-9a-z]", "", text.casefold())


def _find(keys: list[str], aliases: dict[str, tuple[str, ...]]) -> dict[str, int]:
    found: dict[str, int] = {}
    for name, accepted in aliases.items():
        for alias in accepted:
            if alias in keys:
                found[name] = keys.index(alias)
                break
    return found


def csv_kind(header: list[str]) -> str | None:
    """'lei', 'rr' or 'repex' for a GLEIF CSV header row, None for anything else (a holdings CSV...)."""
    keys = [header_key(h) for h in header]
    rr = _find(keys, _RR_COLUMNS)
    if "start" in rr and "end" in rr:
        return "rr"
    repex = _find(keys, _REPEX_COLUMNS)
    if "lei" in repex and "category" in repex:
        return "repex"
    lei = _find(keys, _LEI_COLUMNS)
    if "lei" in lei and any(k in lei for k in ("name", "jurisdiction", "legal_country", "hq_country")):
        return "lei"
    return None


def sniff_delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in ",;\t|"}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _utf8_rows(path: Path, display: str, limits: ReadLimits) -> Iterator[tuple[int, list[str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        first = handle.readline()
        handle.seek(0)
        reader = csv.reader(handle, delimiter=sniff_delimiter(first))
        try:
            for values in reader:
                if reader.line_num > limits.max_rows:
                    raise InputError(
                        f"has more than {limits.max_rows:,} lines; raise the limit with --max-rows if the file is "
                        "genuine",
                        Location(display, row=reader.line_num),
                    )
                if any(v.strip() for v in values):
                    yield reader.line_num, values
        except csv.Error as exc:
            raise InputError(
                f"cannot be read as CSV ({exc}); check the quoting from row {reader.line_num + 1}",
                Location(display, row=reader.line_num + 1),
            ) from None


def _rows(path: Path, display: str, limits: ReadLimits, notes: Notes) -> Iterator[tuple[int, list[str]]]:
    """Data rows as text cells, with their line numbers: streamed as UTF-8, or through ``read_text_table``
    (which reads GB18030 and Windows-1252 with a warning) when the file is not UTF-8."""
    csv.field_size_limit(max(limits.max_cell_chars, 131072))
    seen = 0
    try:
        for item in _utf8_rows(path, display, limits):
            seen += 1
            yield item
        return
    except UnicodeDecodeError:
        pass
    table = read_text_table(path, display, limits)
    for warning in table.warnings:
        notes.warn(warning.code, warning.message, warning.where)
    for number, cells in table.rows[seen:]:
        yield number, [cell_text(c.value) or "" for c in cells]


def read_gleif_csv(path: Path, display: str, limits: ReadLimits, batch: Batch, notes: Notes) -> None:
    """Add the records of one GLEIF CSV file to ``batch``.

    Raises:
        InputError: the file is not a GLEIF CSV, is not readable as CSV, or passes the limits.
    """
    rows = _rows(path, display, limits, notes)
    first = next(rows, None)
    if first is None:
        raise InputError("is empty", Location(display))
    header_row, header = first
    kind = csv_kind(header)
    if kind is None:
        raise InputError(
            "is not a GLEIF CSV: its header names neither LEI records (LEI, Entity.LegalName...), relationship "
            "records (Relationship.StartNode.NodeID...) nor reporting exceptions (LEI, Exception.Category...)",
            Location(display, row=header_row),
        )
    layout = _Layout(header, kind)
    if kind == "lei" and "jurisdiction" not in layout.index and "legal_country" in layout.index:
        k = layout.index["legal_country"]
        notes.warn(
            "legal_address_used",
            f"no legal jurisdiction column: the country of each entity's legal (registered) address, column "
            f"'{header[k]}', is taken as its jurisdiction",
            Location(display, row=header_row, column=k + 1, header=header[k]),
        )
    for number, values in rows:
        cells = values + [""] * (len(header) - len(values))
        row = _Row(layout, cells)
        place = Place(display, number, layout.columns)
        if kind == "lei":
            batch.leis.append(_lei(row, place))
        elif kind == "rr":
            batch.relationships.append(_relationship(row, place))
        else:
            batch.exceptions.append(_exception(row, place))


def _numbered(keys: list[str], pattern: re.Pattern[str]) -> list[dict[str, int]]:
    """Columns of numbered groups (group -> part -> column index), in the file's order."""
    groups: dict[str, dict[str, int]] = {}
    for k, key in enumerate(keys):
        match = pattern.fullmatch(key)
        if match:
            groups.setdefault(match[1], {})[match[2]] = k
    return list(groups.values())


class _Layout:
    """Where each field is in one file's header: worked out once, used for every row."""

    def __init__(self, header: list[str], kind: str) -> None:
        keys = [header_key(h) for h in header]
        aliases = {"lei": _LEI_COLUMNS, "rr": _RR_COLUMNS, "repex": _REPEX_COLUMNS}[kind]
        self.header = header
        self.columns = {h: k + 1 for k, h in enumerate(header)}
        self.index = _find(keys, aliases)
        self.periods = _numbered(keys, _PERIOD)
        self.quantifiers = _numbered(keys, _QUANTIFIER)
        self.reasons = [k for k, key in enumerate(keys) if _REASON.fullmatch(key)]
        self.references = [k for k, key in enumerate(keys) if _REFERENCE.fullmatch(key)]


class _Row:
    def __init__(self, layout: _Layout, cells: list[str]) -> None:
        self.layout, self.cells = layout, cells

    def at(self, k: int | None) -> Text | None:
        if k is None:
            return None
        value = clean(self.cells[k])
        return Text(value, self.layout.header[k]) if value is not None else None

    def text(self, name: str) -> Text | None:
        return self.at(self.layout.index.get(name))

    def plain(self, name: str) -> str | None:
        found = self.text(name)
        return found.value if found is not None else None


def _value(found: Text | None) -> str | None:
    return found.value if found is not None else None


def _lei(row: _Row, place: Place) -> LeiRecord:
    # Without a jurisdiction column (gleifr), the registered address country stands in; said once per file.
    jurisdiction = row.text("jurisdiction") if "jurisdiction" in row.layout.index else row.text("legal_country")
    return LeiRecord(
        lei=row.plain("lei") or "",
        name=row.plain("name"),
        jurisdiction=jurisdiction,
        legal_country=row.text("legal_country"),
        hq_country=row.text("hq_country"),
        category=row.plain("category"),
        registration_status=row.plain("registration_status"),
        last_update=row.plain("last_update"),
        place=place,
    )


def _relationship(row: _Row, place: Place) -> RelRecord:
    periods = [
        Period(row.at(parts.get("startdate")), row.at(parts.get("enddate")), _value(row.at(parts.get("periodtype"))))
        for parts in row.layout.periods
    ]
    if row.text("start_date") is not None or row.text("end_date") is not None:
        periods.append(Period(row.text("start_date"), row.text("end_date"), "RELATIONSHIP_PERIOD"))
    quantifiers = [
        Quantifier(
            row.at(parts.get("quantifieramount")),
            _value(row.at(parts.get("quantifierunits"))),
            _value(row.at(parts.get("measurementmethod"))),
        )
        for parts in row.layout.quantifiers
    ]
    return RelRecord(
        start=row.text("start"),
        end=row.text("end"),
        kind=row.text("kind"),
        status=row.text("status"),
        periods=tuple(p for p in periods if p.start or p.end or p.kind),
        quantifiers=tuple(q for q in quantifiers if q.amount is not None),
        registration_status=row.plain("registration_status"),
        validation=row.plain("validation"),
        last_update=row.plain("last_update"),
        record_id=None,
        place=place,
    )


def _exception(row: _Row, place: Place) -> ExceptionRecord:
    reasons = tuple(t for k in row.layout.reasons if (t := row.at(k)) is not None)
    references = tuple(t.value for k in row.layout.references if (t := row.at(k)) is not None)
    return ExceptionRecord(row.text("lei"), row.text("category"), reasons, references, place)


__all__ = ["csv_kind", "header_key", "read_gleif_csv", "sniff_delimiter"]
