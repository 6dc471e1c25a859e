"""Which sheets of a workbook are the holdings and the entities, and the workbook read from them.

The sheets are found by name first (``Holdings``, ``Cap table``; ``Entities``, ``Parties``...), then by
content: a sheet whose header names holders is the holdings sheet, and a sheet whose rows name the parties
of the holdings and give their countries is the entities sheet (said in a warning). Two sheets that both
fit are an error naming both, never settled by tab order, and a sheet with data that neither role uses is
an error (a warning under ``--lenient``): a gate must not pass on what it did not read.
"""

from __future__ import annotations

from pathlib import Path

from ownership.errors import DataWarning, InputError, Location, short
from ownership.model import OwnershipData, SourceInfo
from ownership.readers.canonical.row import Problems
from ownership.readers.canonical.rows import (
    check_mappings,
    entities_header,
    holdings_header,
    read_entities,
    read_holdings,
)
from ownership.readers.canonical.shares import apply_share_counts
from ownership.readers.cells.columns import header_key
from ownership.readers.cells.digest import file_sha256
from ownership.readers.cells.tables import DEFAULT_LIMITS, RawTable, ReadLayout, ReadLimits, cell_text, read_workbook

ENTITY_SHEETS = frozenset(header_key(n) for n in ("entities", "entity", "parties", "companies", "entity list"))
HOLDING_SHEETS = frozenset(
    header_key(n)
    for n in (
        "holdings",
        "holding",
        "shareholdings",
        "shareholders",
        "ownership",
        "edges",
        "relationships",
        "cap table",
        "owners",
        "stakes",
        "register of members",
        "members",
    )
)


def read_canonical_workbook(path: Path, name: str, limits: ReadLimits = DEFAULT_LIMITS) -> OwnershipData:
    """A workbook of holdings (and optionally entities) as ownership data (stakes as fractions 0..1).

    Raises:
        InputError: the workbook is unreadable, has no holdings sheet or two candidates for one role, a
            sheet or column with data is not read (unless ``limits.layout.lenient``), or its cells are
            invalid; every problem found is listed.
    """
    layout = limits.layout
    tables = read_workbook(path, name, limits)
    problems = Problems(lenient=layout.lenient)
    holdings_table = _holdings_sheet(tables, name, layout)
    if not holdings_table.rows:
        raise InputError("the Holdings sheet is empty", holdings_table.where())
    entities_table = _entities_sheet(tables, holdings_table, name, layout, problems)
    unused = [
        t for t in tables if t is not entities_table and t is not holdings_table and t.rows and not _is_about_sheet(t)
    ]
    if len(unused) == 1:
        problems.unread(
            "ignored_sheet",
            f"sheet '{short(unused[0].sheet, 60)}' has data but is neither the holdings nor the entities sheet",
            "move its rows into those sheets or delete it",
            unused[0].where(),
        )
    elif unused:
        # One problem for them all: a workbook of a thousand filler sheets gets one line, not a thousand.
        named = ", ".join(f"'{short(t.sheet, 40)}'" for t in unused[:10])
        rest = f" and {len(unused) - 10} more" if len(unused) > 10 else ""
        problems.unread(
            "ignored_sheet",
            f"{len(unused)} sheets have data but are neither the holdings nor the entities sheet ({named}{rest})",
            "move their rows into those sheets or delete them",
            Location(name),
        )
    entities = read_entities(entities_table, problems, layout) if entities_table is not None else []
    declared = entities_table.label if entities_table is not None else None
    holdings = read_holdings(
        holdings_table, entities, problems, declared_source=declared, layout=layout, merge_countries=True
    )
    holdings = apply_share_counts(entities, holdings, problems)
    check_mappings(layout, [t for t in (holdings_table, entities_table) if t is not None], problems)
    if entities_table is None:
        problems.warnings.insert(0, _no_entities_warning(name, holdings_table, any(e.country_known for e in entities)))
    problems.raise_first()
    if not holdings and not entities:
        raise InputError("has no holdings and no entities", holdings_table.where())
    source = SourceInfo(name, file_sha256(path), "workbook")
    return OwnershipData(tuple(entities), tuple(holdings), source, tuple(problems.warnings))


def _no_entities_warning(name: str, holdings: RawTable, countries_read: bool) -> DataWarning:
    if countries_read:
        message = (
            f"the workbook has no Entities sheet: countries come from the country columns of {holdings.label}; "
            "a party with none there is of unknown country"
        )
    else:
        message = "the workbook has no Entities sheet and no country column: every entity's country is unknown"
    return DataWarning("no_entities_sheet", message, Location(name))


def _names(tables: list[RawTable]) -> str:
    return (
        " and ".join(f"'{t.sheet}'" for t in tables) if len(tables) <= 2 else ", ".join(f"'{t.sheet}'" for t in tables)
    )


def _holdings_sheet(tables: list[RawTable], name: str, layout: ReadLayout) -> RawTable:
    """The holdings sheet: the one named like it, else the one whose header names holders."""
    named = [t for t in tables if header_key(t.sheet) in HOLDING_SHEETS]
    filled = [t for t in named if t.rows]
    if len(filled) > 1:
        raise InputError(
            f"sheets {_names(filled)} are both named like the Holdings sheet; rename or delete all but one "
            "(exposure does not choose by the order of the tabs)",
            Location(name),
        )
    if filled or named:
        return (filled or named)[0]
    data = [t for t in tables if t.rows and header_key(t.sheet) not in ENTITY_SHEETS and not _is_about_sheet(t)]
    fitting = [t for t in data if _has_header(t, layout, holdings=True)]
    if len(fitting) == 1:
        return fitting[0]
    if len(fitting) > 1:
        raise InputError(
            f"sheets {_names(fitting)} both hold holder columns and none is named 'Holdings'; name the sheet "
            "to read 'Holdings' and delete or rename the others",
            Location(name),
        )
    if len(data) == 1:
        return data[0]  # its header is missing: reading it says which columns are
    sheets = ", ".join(f"'{t.sheet}'" for t in tables) or "none"
    raise InputError(
        f"has no Holdings sheet (sheets: {sheets}); name the sheet of holder/subject/percent rows 'Holdings'",
        Location(name),
    )


def _entities_sheet(
    tables: list[RawTable], holdings: RawTable, name: str, layout: ReadLayout, problems: Problems
) -> RawTable | None:
    """The entities sheet: the one named like it, else the sheet whose rows name the holdings' parties and
    give countries (said in a warning), else None."""
    named = [t for t in tables if t is not holdings and header_key(t.sheet) in ENTITY_SHEETS]
    filled = [t for t in named if t.rows]
    if len(filled) > 1:
        raise InputError(
            f"sheets {_names(filled)} are both named like the Entities sheet; rename or delete all but one "
            "(exposure does not choose by the order of the tabs)",
            Location(name),
        )
    if filled:
        return filled[0]
    parties = _parties(holdings, layout)
    scored: list[tuple[int, RawTable]] = []
    for t in tables:
        if t is holdings or not t.rows or _is_about_sheet(t):
            continue
        found = _named_parties(t, layout)
        if found is not None and (hits := len(found & parties)):
            scored.append((hits, t))
    if not scored:
        return None
    best = max(hits for hits, _ in scored)
    top = [t for hits, t in scored if hits == best]
    if len(top) > 1:
        raise InputError(
            f"sheets {_names(top)} both list the parties of {holdings.label} with their countries; name the one "
            "to read 'Entities' and delete or rename the other",
            Location(name),
        )
    chosen = top[0]
    problems.warn(
        "entities_sheet",
        f"sheet '{short(chosen.sheet, 60)}' names {best} of the parties in {holdings.label} and gives countries: "
        "read as the Entities sheet",
        chosen.where(),
    )
    return chosen


def _has_header(table: RawTable, layout: ReadLayout, *, holdings: bool) -> bool:
    try:
        holdings_header(table, layout) if holdings else entities_header(table, layout)
    except InputError:
        return False
    return True


def _folded(value: object) -> str | None:
    text = cell_text(value)
    return " ".join(text.split()).casefold() if text is not None else None


def _parties(holdings: RawTable, layout: ReadLayout) -> set[str]:
    """The holder and subject texts of a holdings table, folded (empty if its header cannot be found)."""
    try:
        header = holdings_header(holdings, layout)
    except InputError:
        return set()
    columns = [k for role, k in header.columns.items() if role in ("holder", "subject")]
    found: set[str] = set()
    for _, cells in holdings.rows[header.position + 1 :]:
        for k in columns:
            if k < len(cells) and (text := _folded(cells[k].value)) is not None:
                found.add(text)
    return found


def _named_parties(table: RawTable, layout: ReadLayout) -> set[str] | None:
    """The ids and names a sheet lists, folded, when its header has a country column; else None."""
    try:
        header = entities_header(table, layout)
    except InputError:
        return None
    if "jurisdiction" not in header.columns and "headquarters" not in header.columns:
        return None
    columns = {header.columns["id"], header.columns.get("name", header.columns["id"])}
    found: set[str] = set()
    for _, cells in table.rows[header.position + 1 :]:
        for k in columns:
            if k < len(cells) and (text := _folded(cells[k].value)) is not None:
                found.add(text)
    return found


def _is_about_sheet(table: RawTable) -> bool:
    """Whether ``table`` is the About sheet ``exposure convert`` writes (metadata, not data)."""
    from ownership.writers.canonical_workbook import ABOUT_MARKER, ABOUT_SHEET

    if header_key(table.sheet) != header_key(ABOUT_SHEET) or not table.rows:
        return False
    first = table.rows[0][1]
    return bool(first) and first[0].value == ABOUT_MARKER
