"""The canonical workbook (Entities, Holdings) written from any ownership data, for a person to review.

What ``exposure convert`` writes: whatever the input format, the entities and holdings as the canonical
reader reads them back, cell for cell, so a reviewer can correct the extracted data and run ``exposure
check`` on the workbook. Writing what was read, then reading it again, gives the same entities and
holdings (ids, names, countries, stakes as the identical floats, dates, sources); writing that again gives
the same cells. An About sheet records what was converted; the reader passes over it.

Text cells are written as text, never as formulas: a name such as ``=HYPERLINK(...)`` stays inert, and
text starting with ``=``, ``+``, ``-`` or ``@`` carries Excel's quote prefix so that editing the cell
keeps it text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ownership.errors import InputError, Location, short
from ownership.model import Entity, EntityType, Holding, OwnershipData
from ownership.model.countries import other_countries_text
from ownership.readers.cells.tables import cell_text
from ownership.writers.stake_text import stake_text

#: The sheet with what was converted, when and by which version; the reader ignores it.
ABOUT_SHEET = "About"
#: The About sheet's first cell: how the reader knows the sheet is this one, not a user's own "About".
ABOUT_MARKER = "Written by exposure convert"

ENTITY_HEADER = (
    "id",
    "name",
    "type",
    "jurisdiction",
    "headquarters",
    "shares outstanding",
    "group",
    "ultimate",
    "other countries",
    "source",
)
HOLDING_HEADER = ("holder", "subject", "percent", "votes", "control", "indirect", "shares", "start", "end", "source")

_WIDTHS = {"id": 24, "name": 40, "holder": 24, "subject": 24, "percent": 14, "votes": 14, "source": 48}
_FORMULA_START = ("=", "+", "-", "@")
#: The most rows a worksheet holds.
SHEET_ROWS = 1_048_576
#: The most characters a spreadsheet cell holds (Excel's limit; openpyxl cuts longer text).
CELL_LIMIT = 32_767
# Characters XML 1.0 (and so a workbook) cannot carry: control characters other than tab and line
# breaks, lone surrogates, and U+FFFE / U+FFFF.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LARGEST_EXACT_INT = 2**53


def place(where: Location | None) -> str | None:
    """Where a row came from, as a short reference: ``cap.xlsx!Holdings row 5``, ``psc.json line 3``."""
    if where is None:
        return None
    if where.sheet is not None:
        text = f"{where.file}!{where.sheet}"
        return f"{text} row {where.row}" if where.row else text
    return f"{where.file} line {where.row}" if where.row else where.file


def tidy(value: str | None) -> str | None:
    """Text as the reader will read it back: characters a workbook cannot hold become spaces, whitespace
    runs one space, at most the 32,767 characters a cell holds; blank is None."""
    if value is None:
        return None
    text = cell_text(_NOT_XML.sub(" ", value))
    return text[:CELL_LIMIT] if text is not None else None


def _number(value: float | None) -> float | int | str | None:
    if value is None:
        return None
    # Whole numbers as integers, so a share count shows as 1000, not 1000.0.
    if value.is_integer() and abs(value) < _LARGEST_EXACT_INT:
        return int(value)
    # openpyxl keeps 16 significant digits; the rare float that needs 17 goes as text, which the reader
    # parses to the same float.
    if float(f"{value:.16g}") != value:
        return repr(value)
    return value


def entity_row(entity: Entity, origin: str) -> list[object]:
    """One Entities row, in ``ENTITY_HEADER`` order; ``origin`` (the input's name) is the source of a row
    that has neither a source nor a place."""
    source = tidy(entity.source)
    if source is None:
        source = place(entity.where) or origin
        if not entity.declared:
            source = f"{source} (named in a holding only)"
    return [
        tidy(entity.id),
        tidy(entity.name) or tidy(entity.id),  # as the reader reads a blank name
        entity.type.value if entity.type is not EntityType.UNKNOWN else None,
        entity.jurisdiction,
        entity.headquarters,
        _number(entity.shares_outstanding),
        tidy(entity.group),
        "yes" if entity.ultimate else None,
        other_countries_text(entity.other_countries) or None,
        tidy(source),
    ]


def holding_row(holding: Holding, origin: str) -> list[object]:
    """One Holdings row, in ``HOLDING_HEADER`` order (holder and subject by id); ``origin`` as for
    ``entity_row``."""
    return [
        tidy(holding.holder),
        tidy(holding.subject),
        stake_text(holding.stake) if holding.stake is not None else None,
        stake_text(holding.votes, votes=True) if holding.votes is not None else None,
        "yes" if holding.control else None,
        "yes" if holding.indirect else None,
        _number(holding.shares),
        holding.start,
        holding.end,
        tidy(holding.source) or tidy(place(holding.where) or origin),
    ]


def _all_entities(data: OwnershipData) -> list[Entity]:
    """The entities, plus any party a holding names that the reader did not list (as it would on reading
    the workbook back), and a check that no two ids become one once their text is tidied."""
    entities = list(data.entities)
    known = {e.id for e in entities}
    for h in data.holdings:
        for party in (h.holder, h.subject):
            if party not in known:
                known.add(party)
                entities.append(Entity(id=party, name=party, declared=False, where=h.where))
    seen: dict[str, str] = {}
    for e in entities:
        key = tidy(e.id)
        if key is None:
            raise InputError(f"an entity id is blank once tidied ({e.id!r}); a workbook row needs an id", e.where)
        first = seen.setdefault(key, e.id)
        if first != e.id:
            raise InputError(
                f"entity ids '{short(first)}' and '{short(e.id)}' differ only in spaces or control characters, "
                "so a workbook cannot tell them apart",
                e.where,
            )
    return entities


def about_rows(
    data: OwnershipData,
    *,
    entities: int,
    holdings: int,
    generated_at: datetime,
    notes: Sequence[tuple[str, str]] = (),
) -> list[list[object]]:
    """The About sheet: what was converted, by which version, when; then the reader's warnings."""
    from ownership.reports.common import tool_version

    note_rows: list[list[object]] = [[label, text] for label, text in notes]
    rows: list[list[object]] = [
        [ABOUT_MARKER, f"exposure {tool_version()}"],
        ["input", data.source.path],
        ["format", data.source.format],
        ["sha256", data.source.sha256],
        ["generated at", generated_at.isoformat(timespec="seconds")],
        ["entities", entities],
        ["holdings", holdings],
        *note_rows,
        [],
        [
            "how to use",
            "Review and correct the Entities and Holdings sheets, then run: exposure check <this file> -j <country>. "
            "The source column says where each row came from; this sheet is not read.",
        ],
    ]
    if data.warnings:
        rows += [[], [f"{len(data.warnings)} warnings while reading", "where", "message"]]
        rows += [[w.code, w.where.cell() if w.where else None, w.message] for w in data.warnings]
    return rows


def _cells(sheet: Any, values: Iterable[object]) -> list[object]:
    from openpyxl.cell import WriteOnlyCell

    cells: list[object] = []
    for value in values:
        if isinstance(value, str) and value.startswith(_FORMULA_START):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"  # openpyxl would store "=..." as a formula
            cell.quotePrefix = True
            cells.append(cell)
        else:
            cells.append(value)
    return cells


def _header(sheet: Any, names: Sequence[str]) -> list[object]:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    bold = Font(bold=True)
    cells: list[object] = []
    for name in names:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        cells.append(cell)
    return cells


def _table(workbook: Any, title: str, header: Sequence[str], rows: Iterable[list[object]]) -> None:
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"
    for k, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(k)].width = _WIDTHS.get(name, 16)
    sheet.append(_header(sheet, header))
    for row in rows:
        sheet.append(_cells(sheet, row))


def write_canonical_workbook(
    data: OwnershipData,
    path: Path,
    *,
    generated_at: datetime | None = None,
    notes: Sequence[tuple[str, str]] = (),
) -> None:
    """Write ``data`` as a canonical workbook at ``path``, atomically (a temporary file, then a rename).

    Args:
        data: what a reader produced.
        path: the .xlsx file to write (replaced if it exists).
        generated_at: the time recorded on the About sheet (default: now, UTC).
        notes: extra (label, text) lines for the About sheet, such as an as-of date applied.

    Raises:
        InputError: two entity ids differ only in characters a workbook cannot keep apart.
        OutputError: the file cannot be written (the message names the path and the reason).
    """
    from openpyxl import Workbook

    entities = _all_entities(data)
    for what, count in (("entities", len(entities)), ("holdings", len(data.holdings))):
        if count > SHEET_ROWS - 1:
            raise InputError(
                f"has {count:,} {what}, more than a worksheet holds ({SHEET_ROWS - 1:,} rows under the header); "
                "convert a part of the data, or check the input directly",
                Location(data.source.path),
            )
    workbook = Workbook(write_only=True)
    try:
        origin = data.source.path
        _table(workbook, "Entities", ENTITY_HEADER, (entity_row(e, origin) for e in entities))
        _table(workbook, "Holdings", HOLDING_HEADER, (holding_row(h, origin) for h in data.holdings))
        about = workbook.create_sheet(ABOUT_SHEET)
        about.column_dimensions["A"].width = 28
        about.column_dimensions["B"].width = 60
        moment = generated_at or datetime.now(UTC)
        rows = about_rows(data, entities=len(entities), holdings=len(data.holdings), generated_at=moment, notes=notes)
        for row in rows:
            about.append(_cells(about, row))
        _save_atomically(workbook, path)
    except BaseException:
        _discard(workbook)
        raise


def _discard(workbook: Any) -> None:
    """Close and delete what a write-only workbook that will not be saved holds open (a stream and a
    temporary file per sheet)."""
    import contextlib

    for sheet in workbook.worksheets:
        rows, writer = getattr(sheet, "_rows", None), getattr(sheet, "_writer", None)
        with contextlib.suppress(Exception):
            if rows is not None:
                rows.close()
        with contextlib.suppress(Exception):
            if writer is not None:
                writer.close()
                writer.cleanup()


def _save_atomically(workbook: Any, path: Path) -> None:
    from ownership.writers.output import write_output

    write_output(path, lambda temp: workbook.save(str(temp)))


__all__ = [
    "ABOUT_MARKER",
    "ABOUT_SHEET",
    "ENTITY_HEADER",
    "HOLDING_HEADER",
    "entity_row",
    "holding_row",
    "place",
    "write_canonical_workbook",
]
