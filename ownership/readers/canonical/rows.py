"""The canonical tables (Entities, Holdings) from raw tables into the model, with located validation.

Every problem is collected with its location; the reader raises the first error with a count of the
others, so a user fixing a sheet sees where to start and how much is left. Warnings never stop the read.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace

from ownership.errors import InputError, Location, short
from ownership.model import Entity, Holding
from ownership.readers.canonical.fractions import bare_number, check_fraction_scale, check_mixed_forms, widen_fractions
from ownership.readers.canonical.inline import (
    COUNTRY_COLUMNS,
    INLINE_COLUMNS,
    InlineEntities,
    merge_found_countries,
    note_countries,
)
from ownership.readers.canonical.register import register_subject
from ownership.readers.canonical.row import Problems, Row, data_rows, row_entity_type
from ownership.readers.cells.columns import (
    ENTITY_COLUMNS,
    HEADER_SEARCH_ROWS,
    HOLDING_COLUMNS,
    Header,
    find_header,
    header_key,
    is_free_text,
    looks_like,
)
from ownership.readers.cells.tables import RawTable, ReadLayout, cell_text
from ownership.readers.cells.values import (
    is_unknown_marker,
)

# An entity's source or note (the workbook ``exposure convert`` writes has one).
_ENTITY_COLUMNS = {
    **ENTITY_COLUMNS,
    "source": frozenset(header_key(n) for n in ("source", "reference", "note", "notes")),
}


def _warn_unknown_columns(table: RawTable, header: Header, problems: Problems, *, entities: bool = False) -> None:
    """Columns nothing reads: free text (notes, comments, source, reviewer) silently; a column whose header
    looks like a country, percentage, share count, holder or subject is an error (a warning under
    --lenient); any other column a warning."""
    for k in header.unknown:
        text = header.texts[k]
        where = table.where(header.row, k + 1, text)
        kind = looks_like(text, entities=entities)
        if kind is not None:
            what, field_name = kind
            problems.unread(
                "ignored_column",
                f"column '{short(text, 60)}' looks like {what}",
                f'map it with --columns {field_name}="{short(text, 60)}" (or --columns ignore="{short(text, 60)}"), '
                "or rename the header",
                where,
            )
        elif not is_free_text(text):
            problems.warn("ignored_column", f"column '{text}' is not a column exposure reads: ignored", where)


def read_entities(table: RawTable, problems: Problems, layout: ReadLayout | None = None) -> list[Entity]:
    """Entities from an Entities table (an id or, failing that, a name column required; type, countries,
    shares outstanding optional). A table keyed by name uses the name as the id."""
    header = entities_header(table, layout)
    _warn_unknown_columns(table, header, problems, entities=True)
    seen: dict[str, Entity] = {}
    entities: list[Entity] = []
    for row in data_rows(table, header, problems):
        entity_id = row.text("id")
        if entity_id is None:
            if any(c.value not in (None, "") for c in row.cells):
                problems.error("the entity id is empty; every entity row needs an id", row.where("id"))
            continue
        entity = Entity(
            id=entity_id,
            name=row.text("name") or entity_id,
            type=row_entity_type(row, "type"),
            jurisdiction=row.country("jurisdiction"),
            headquarters=row.country("headquarters"),
            shares_outstanding=row.number_value("shares_outstanding"),
            where=row.where(),
            group=row.text("group"),
            source=row.text("source"),
            ultimate=row.flag("ultimate") if "ultimate" in header.columns else False,
            other_countries=row.other_countries("other_countries") if "other_countries" in header.columns else (),
        )
        previous = seen.get(entity_id)
        if previous is not None:
            if replace(previous, where=None, source=None) == replace(entity, where=None, source=None):
                problems.warn(
                    "duplicate_entity",
                    f"entity {short(entity_id)} is listed twice with the same details (first at row "
                    f"{previous.where.row if previous.where else '?'}): the copy is ignored",
                    row.where("id"),
                )
            else:
                problems.error(
                    f"entity id {short(entity_id)} is listed twice with different details (first at row "
                    f"{previous.where.row if previous.where else '?'}); ids must be unique",
                    row.where("id"),
                )
            continue
        seen[entity_id] = entity
        entities.append(entity)
    return entities


def check_mappings(layout: ReadLayout | None, tables: list[RawTable], problems: Problems) -> None:
    """Every ``--columns FIELD=HEADER`` must name a header of the tables read: a mapping that matches
    nothing would leave the column it meant unread, so it is an error naming the tables looked in."""
    if layout is None or not layout.columns:
        return
    headers = {
        header_key(cell.value)
        for table in tables
        for _, cells in table.rows[:HEADER_SEARCH_ROWS]
        for cell in cells
        if isinstance(cell.value, str)
    }
    for field_name, header in layout.columns:
        if header_key(header) not in headers:
            where = tables[0].where() if tables else Location("?")
            problems.error(
                f"--columns {field_name}=\"{short(header, 60)}\": no column is headed '{short(header, 60)}' in "
                f"{' or '.join(t.label for t in tables)}; check the spelling (case, spaces, _ and - do not matter)",
                replace(where, sheet=None) if len(tables) > 1 else where,
            )


def entities_header(table: RawTable, layout: ReadLayout | None = None) -> Header:
    """The header of an entities table; without an id column, the name column is the key.

    Raises:
        InputError: no row names an id or a name column.
    """
    mapping = layout.columns if layout is not None else ()
    header = find_header(table, _ENTITY_COLUMNS, ("id",), mapping=mapping, alternatives=(("name",),))
    if "id" not in header.columns:
        header.columns["id"] = header.columns["name"]
    return header


class _Resolver:
    """Holder and subject references: entity ids first, then unique names (case and spaces ignored)."""

    def __init__(self, entities: list[Entity], problems: Problems, declared_source: str | None):
        self.entities = entities
        self.problems = problems
        self.by_id = {e.id: e for e in entities}
        self.declared = len(entities)
        # Built at the first reference that is not an id: a registry's references are all ids, and the two
        # indexes hold a list and a folded text per entity each.
        self.by_folded: dict[str, list[Entity]] | None = None
        self.by_name: dict[str, list[Entity]] = defaultdict(list)
        self.created: dict[str, Entity] = {}
        self.declared_source = declared_source

    def _indexes(self) -> dict[str, list[Entity]]:
        if self.by_folded is None:
            # The entities given to the resolver, not the parties it has created since (appended after them):
            # those are found through ``created`` and ``by_id``.
            declared = self.entities[: self.declared]
            self.by_folded = defaultdict(list)
            for e in declared:
                self.by_folded[e.id.casefold()].append(e)
            for e in declared:
                self.by_name[" ".join(e.name.split()).casefold()].append(e)
        return self.by_folded

    def resolve(self, text: str, where: Location) -> str | None:
        entity = self.by_id.get(text)
        if entity is not None:
            # The entity's own string, so that the holding does not keep the cell's copy alive.
            return entity.id
        key = " ".join(text.split()).casefold()
        ids = self._indexes().get(key, [])
        if len(ids) == 1:
            return ids[0].id
        named = self.by_name.get(key, [])
        if len(named) == 1:
            return named[0].id
        if len(named) > 1:
            listed = ", ".join(e.id for e in named[:5])
            self.problems.error(f"'{short(text)}' is the name of {len(named)} entities ({listed}); use the id", where)
            return None
        if key in self.created:
            return self.created[key].id
        entity = Entity(id=text, name=text, declared=False, where=where)
        self.created[key] = entity
        self.entities.append(entity)
        self.by_id[text] = entity
        if self.declared_source is not None:
            self.problems.warn(
                "unknown_reference",
                f"'{short(text)}' is not in {self.declared_source}: added with an unknown country (possibly a home "
                "entity for the high bound)",
                where,
            )
        return text


def holdings_header(table: RawTable, layout: ReadLayout | None = None) -> Header:
    """The header of a holdings table: holder and subject, or (a register of members) holder and percent
    or shares with no subject column.

    Raises:
        InputError: no row names them.
    """
    return find_header(
        table,
        HOLDING_COLUMNS,
        ("holder", "subject"),
        mapping=layout.columns if layout is not None else (),
        alternatives=(("holder", "percent"), ("holder", "shares")),
    )


def read_holdings(
    table: RawTable,
    entities: list[Entity],
    problems: Problems,
    *,
    declared_source: str | None,
    layout: ReadLayout | None = None,
    merge_countries: bool = False,
) -> list[Holding]:
    """Holdings from a Holdings table; ``entities`` gains the parties only named here.

    A table with no subject column is one company's register of members: the subject is ``layout.subject``
    (``--subject``), else the company its title row names, else the file's stem (with a warning). A Total
    or Sum row is checked against the rows above it and never read as a holder.

    Args:
        declared_source: where entities are declared (for the unknown-reference warning), or None when
            the holdings table is itself the only source of entities (a single holdings CSV).
        layout: what the user said about the sheet (``--subject``, ``--columns``).
        merge_countries: with a declared entity list, read the holder's and subject's country columns of
            the rows too: they give the countries the list leaves blank (and the parties it lacks), and
            contradict it as an error; otherwise such columns are ignored with a warning.
    """
    header = holdings_header(table, layout)
    _warn_unknown_columns(table, header, problems)
    cols = header.columns
    register = None if "subject" in cols else register_subject(table, header, problems, layout)
    if "percent" not in cols and "shares" not in cols and "control" not in cols:
        raise InputError(
            "no percent column (nor shares, nor control); a percent column may be called percent, stake, "
            "ownership, %, share or equity",
            table.where(header.row),
        )
    inline = InlineEntities(entities, problems) if declared_source is None else None
    merged = [c for c in COUNTRY_COLUMNS if c in cols] if inline is None and merge_countries else []
    found: dict[str, dict[str, tuple[str, Location]]] = {}
    if inline is None:
        for extra in INLINE_COLUMNS:
            if extra in cols and extra not in merged:
                k = cols[extra]
                problems.warn(
                    "ignored_column",
                    f"column '{header.texts.get(k, extra)}' is ignored because {declared_source} declares the "
                    "entities; give countries there",
                    table.where(header.row, k + 1, header.texts.get(k)),
                )
    resolver = _Resolver(entities, problems, declared_source)
    holdings: list[Holding] = []
    bare_numbers: list[tuple[float, Location]] = []
    percent_texts: list[tuple[str, Location]] = []
    since_total: list[Holding] = []
    for row in data_rows(table, header, problems):
        holder_text = row.text("holder")
        subject_text = register if register is not None else row.text("subject")
        if holder_text is not None and _TOTAL.match(holder_text) and (register is not None or not row.text("subject")):
            _check_total(row, since_total)
            since_total = []
            continue
        if holder_text is None or subject_text is None:
            missing = "holder" if holder_text is None else "subject"
            problems.error(
                f"the {missing} is empty; every holding row needs a holder and a subject", row.where(missing)
            )
            continue
        holder: str | None
        subject: str | None
        if inline is not None:
            # The rows themselves declare the parties: the references are the ids.
            holder = inline.declare(row, "holder", holder_text)
            subject = inline.declare(row, "subject", subject_text)
        else:
            holder = resolver.resolve(holder_text, row.where("holder"))
            subject = resolver.resolve(subject_text, row.where("subject"))
            if merged:
                note_countries(row, merged, {"holder": holder, "subject": subject}, found)
        holding = _holding(row, holder, subject, bare_numbers, percent_texts)
        if holding is not None:
            holdings.append(holding)
            since_total.append(holding)
    if inline is not None:
        inline.finish(entities)
    if found:
        merge_found_countries(entities, found, problems, declared_source or "the entity list")
    if not check_mixed_forms(bare_numbers, percent_texts, problems) and check_fraction_scale(bare_numbers, problems):
        holdings = widen_fractions(holdings, bare_numbers)
    return holdings


_TOTAL = re.compile(r"^\s*(grand\s+)?(sub-?\s*)?(total|totals|sum)\b\W*$", re.IGNORECASE)


def _check_total(row: Row, above: list[Holding]) -> None:
    """A Total/Sum row: its percent and shares against the rows above it (since any earlier total); a
    mismatch beyond rounding is a warning. The row itself is not a holding."""
    cols = row.header.columns
    count = len(above)
    if "percent" in cols and (total := row.percent("percent")) is not None:
        low = sum(h.stake.low for h in above if h.stake is not None)
        high = sum(h.stake.high for h in above if h.stake is not None)
        # Each row and the total may be rounded to two decimals of a percent.
        slack = max(0.001, 0.00005 * (count + 1))
        if total.high < low - slack or total.low > high + slack:
            row.problems.warn(
                "total_mismatch",
                f"the total row says {total.low * 100:g}% but the {count} rows above it add up to "
                f"{_pct_range(low, high)}; check the rows (the total row itself is not read as a holder)",
                row.where("percent"),
            )
    if "shares" in cols and (shares := row.number_value("shares")) is not None:
        summed = sum(h.shares or 0.0 for h in above)
        if abs(shares - summed) > 0.5:
            row.problems.warn(
                "total_mismatch",
                f"the total row says {shares:,.0f} shares but the {count} rows above it add up to {summed:,.0f}; "
                "check the rows (the total row itself is not read as a holder)",
                row.where("shares"),
            )


def _pct_range(low: float, high: float) -> str:
    return f"{low * 100:.4g}%" if abs(high - low) < 1e-12 else f"{low * 100:.4g}-{high * 100:.4g}%"


def _holding(
    row: Row,
    holder: str | None,
    subject: str | None,
    bare_numbers: list[tuple[float, Location]],
    percent_texts: list[tuple[str, Location]],
) -> Holding | None:
    problems = row.problems
    cols = row.header.columns
    percent_cell = row.cell("percent")
    stake = row.percent("percent") if "percent" in cols else None
    if stake is not None and is_unknown_marker(percent_cell.value):
        problems.warn(
            "unknown_stake",
            f"the stake is '{cell_text(percent_cell.value)}': read as anywhere from 0 to 100%",
            row.where("percent"),
        )
    bare = bare_number(percent_cell)
    if stake is not None and bare is not None:
        bare_numbers.append((bare, row.where("percent")))
    if stake is not None and isinstance(percent_cell.value, str) and "%" in percent_cell.value:
        percent_texts.append((percent_cell.value.strip(), row.where("percent")))
    votes = row.percent("votes") if "votes" in cols else None
    control = row.flag("control") if "control" in cols else False
    shares = row.number_value("shares") if "shares" in cols else None
    start = row.date_value("start") if "start" in cols else None
    end = row.date_value("end") if "end" in cols else None
    if start is not None and end is not None and start > end:
        problems.error(f"the start date {start} is after the end date {end}", row.where("end"))
    percent_given = "percent" in cols and cell_text(row.cell("percent").value) is not None
    # A formula without a saved value has been reported on its own; "no stake" would say it twice.
    formula_reported = bool(row.reported)
    if (
        stake is None
        and shares is None
        and votes is None
        and not control
        and not percent_given
        and not formula_reported
    ):
        where = row.where(next((c for c in ("percent", "shares", "control") if c in cols), "holder"))
        problems.error("no stake: give a percent or a number of shares (or votes, or control = yes)", where)
        return None
    if holder is None or subject is None:
        return None
    return Holding(
        holder=holder,
        subject=subject,
        stake=stake,
        votes=votes,
        control=control,
        start=start,
        end=end,
        shares=shares,
        source=row.text("source"),
        where=row.where(),
        indirect=row.flag("indirect") if "indirect" in cols else False,
    )
