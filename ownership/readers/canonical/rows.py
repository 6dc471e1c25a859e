"""The canonical tables (Entities, Holdings) from raw tables into the model, with located validation.

Every problem is collected with its location; the reader raises the first error with a count of the
others, so a user fixing a sheet sees where to start and how much is left. Warnings never stop the read.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date

from ownership.errors import DataWarning, InputError, Location, short
from ownership.model import TOLERANCE, CountryKind, Entity, EntityType, Holding, Stake
from ownership.model.countries import UnknownCountryError, is_unknown_spelling, normalize_country, parse_other_countries
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
from ownership.readers.cells.tables import Cell, RawTable, ReadLayout, UncachedFormula, cell_text, iter_cells
from ownership.readers.cells.values import (
    ValueProblem,
    is_unknown_marker,
    parse_bool,
    parse_date,
    parse_number,
    parse_percent,
)

_TYPE_ALIASES = {
    "company": EntityType.COMPANY,
    "corporate": EntityType.COMPANY,
    "corporation": EntityType.COMPANY,
    "legal entity": EntityType.COMPANY,
    "entity": EntityType.COMPANY,
    "holding company": EntityType.COMPANY,
    "ltd": EntityType.COMPANY,
    "llc": EntityType.COMPANY,
    "partnership": EntityType.COMPANY,
    "person": EntityType.PERSON,
    "individual": EntityType.PERSON,
    "natural person": EntityType.PERSON,
    "fund": EntityType.FUND,
    "investment fund": EntityType.FUND,
    "lp": EntityType.FUND,
    "trust": EntityType.TRUST,
    "foundation": EntityType.TRUST,
    "state": EntityType.STATE,
    "state body": EntityType.STATE,
    "government": EntityType.STATE,
    "sovereign": EntityType.STATE,
    "state-owned": EntityType.STATE,
    "soe": EntityType.STATE,
    "public": EntityType.PUBLIC,
    "listed": EntityType.PUBLIC,
    "public company": EntityType.PUBLIC,
    "listed company": EntityType.PUBLIC,
    "free float": EntityType.PUBLIC,
    "unknown": EntityType.UNKNOWN,
}

# An entity's source or note (the workbook ``exposure convert`` writes has one).
_ENTITY_COLUMNS = {
    **ENTITY_COLUMNS,
    "source": frozenset(header_key(n) for n in ("source", "reference", "note", "notes")),
}


@dataclass
class Problems:
    """Errors and warnings collected while reading.

    Attributes:
        lenient: data that looks like it matters but is not read (a country column, a sheet) is a warning
            instead of an error (``--lenient``).
    """

    errors: list[InputError] = field(default_factory=list)
    warnings: list[DataWarning] = field(default_factory=list)
    lenient: bool = False

    def error(self, reason: str, where: Location) -> None:
        self.errors.append(InputError(reason, where))

    def warn(self, code: str, message: str, where: Location | None = None) -> None:
        self.warnings.append(DataWarning(code, message, where))

    def unread(self, code: str, message: str, fix: str, where: Location) -> None:
        """Data the reader does not use although it looks like it matters: an error saying how to have it
        read (``fix``), or under ``lenient`` a warning that it is ignored. A gate must not pass on what it
        did not read."""
        if self.lenient:
            self.warn(code, f"{message}: ignored (--lenient)", where)
        else:
            self.error(f"{message}, and is not read; {fix}, or pass --lenient to ignore it", where)

    def raise_first(self) -> None:
        """Raise every error collected, as one error listing them all (first one first)."""
        if self.errors:
            first, *rest = self.errors
            raise InputError(first.reason, first.where, more=len(rest), also=tuple(rest))


class _Row:
    """One data row with access to its fields by name, and located errors."""

    def __init__(self, table: RawTable, header: Header, number: int, cells: list[Cell], problems: Problems):
        self.table, self.header, self.number, self.problems = table, header, number, problems
        width = max(header.columns.values(), default=0) + 1
        self.cells = list(iter_cells(cells, max(width, len(cells))))
        self.reported: set[int] = set()

    def where(self, name: str | None = None) -> Location:
        k = None if name is None else self.header.columns.get(name)
        if k is None:
            # The whole row; also for a field with no column (a register's subject).
            return self.table.where(self.number)
        return self.table.where(self.number, k + 1, self.header.texts.get(k))

    def cell(self, name: str) -> Cell:
        k = self.header.columns.get(name)
        if k is None:
            return Cell(None)
        cell = self.cells[k]
        if isinstance(cell.value, UncachedFormula):
            if k not in self.reported:
                self.reported.add(k)
                self.problems.error(
                    f"the formula ={cell.value.formula.lstrip('=')[:60]} has no saved value (the file was written "
                    "by a program that does not calculate); open the workbook in Excel or LibreOffice, let it "
                    "recalculate, save it, and try again",
                    self.where(name),
                )
            return Cell(None)
        return cell

    def text(self, name: str) -> str | None:
        return cell_text(self.cell(name).value)

    def country(self, name: str) -> str | None:
        value = self.cell(name).value
        if is_unknown_spelling(value):
            self.problems.warn(
                "unknown_country",
                f"country '{short(str(value))}' means unknown: read as an unknown country (which only the high "
                "bound may take for a watched one)",
                self.where(name),
            )
            return None
        try:
            return normalize_country(value)
        except UnknownCountryError as exc:
            self.problems.error(str(exc), self.where(name))
            return None

    def other_countries(self, name: str) -> tuple[tuple[str, CountryKind], ...]:
        """A list of further countries with their kinds, "UA (tax residence); GB (nationality)"; a country
        without a kind is a residence (for a company: a head office)."""
        text = cell_text(self.cell(name).value)
        if text is None:
            return ()
        try:
            return parse_other_countries(text)
        except UnknownCountryError as exc:
            self.problems.error(str(exc), self.where(name))
            return ()

    def percent(self, name: str) -> Stake | None:
        cell = self.cell(name)
        try:
            return parse_percent(cell.value, percent_format=cell.percent_format)
        except ValueProblem as exc:
            self.problems.error(str(exc), self.where(name))
            return None

    def number_value(self, name: str) -> float | None:
        try:
            return parse_number(self.cell(name).value)
        except ValueProblem as exc:
            self.problems.error(str(exc), self.where(name))
            return None

    def date_value(self, name: str) -> date | None:
        try:
            return parse_date(self.cell(name).value)
        except ValueProblem as exc:
            self.problems.error(str(exc), self.where(name))
            return None

    def flag(self, name: str) -> bool:
        try:
            return bool(parse_bool(self.cell(name).value))
        except ValueProblem as exc:
            self.problems.error(str(exc), self.where(name))
            return False


def _rows(table: RawTable, header: Header, problems: Problems) -> Iterator[_Row]:
    """The data rows below the header, one at a time: a registry extract has millions, and holding all their
    row objects at once costs more memory than the data itself."""
    problems.warnings.extend(table.warnings)
    # Cells to the right of the last header are not read; say so rather than drop them silently
    # (typically an unquoted comma inside a CSV cell).
    width = max(header.texts, default=-1) + 1
    rows = table.rows
    for index in range(header.position + 1, len(rows)):
        number, cells = rows[index]
        row = _Row(table, header, number, cells, problems)
        if len(cells) > width:
            extra = [k for k in range(width, len(cells)) if cell_text(cells[k].value) is not None]
            if extra:
                problems.warn(
                    "ignored_cells",
                    f"{len(extra)} cell{'s' if len(extra) > 1 else ''} beyond the last column header "
                    f"({cell_text(cells[extra[0]].value)!r}...) ignored; in a CSV, quote cells that contain "
                    "the delimiter",
                    table.where(row.number, extra[0] + 1),
                )
        yield row


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


def entity_type(text: str | None) -> EntityType | None:
    """The entity type for a type cell (None if unrecognised; blank is unknown)."""
    if text is None:
        return EntityType.UNKNOWN
    return _TYPE_ALIASES.get(" ".join(text.casefold().replace("_", " ").split()))


def _entity_type(row: _Row, name: str) -> EntityType:
    text = row.text(name)
    found = entity_type(text)
    if found is None:
        row.problems.warn(
            "unknown_type",
            f"type '{short(text)}' is not one of company, person, fund, trust, state, public, unknown: read as unknown",
            row.where(name),
        )
        return EntityType.UNKNOWN
    return found


def read_entities(table: RawTable, problems: Problems, layout: ReadLayout | None = None) -> list[Entity]:
    """Entities from an Entities table (an id or, failing that, a name column required; type, countries,
    shares outstanding optional). A table keyed by name uses the name as the id."""
    header = entities_header(table, layout)
    _warn_unknown_columns(table, header, problems, entities=True)
    seen: dict[str, Entity] = {}
    entities: list[Entity] = []
    for row in _rows(table, header, problems):
        entity_id = row.text("id")
        if entity_id is None:
            if any(c.value not in (None, "") for c in row.cells):
                problems.error("the entity id is empty; every entity row needs an id", row.where("id"))
            continue
        entity = Entity(
            id=entity_id,
            name=row.text("name") or entity_id,
            type=_entity_type(row, "type"),
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
        self.by_folded: dict[str, list[Entity]] = defaultdict(list)
        for e in entities:
            self.by_folded[e.id.casefold()].append(e)
        self.by_name: dict[str, list[Entity]] = defaultdict(list)
        for e in entities:
            self.by_name[" ".join(e.name.split()).casefold()].append(e)
        self.created: dict[str, Entity] = {}
        self.declared_source = declared_source

    def resolve(self, text: str, where: Location) -> str | None:
        if text in self.by_id:
            return text
        key = " ".join(text.split()).casefold()
        ids = self.by_folded.get(key, [])
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
    inline = _InlineEntities(entities, problems) if declared_source is None else None
    merged = [c for c in _COUNTRY_COLUMNS if c in cols] if inline is None and merge_countries else []
    found: dict[str, dict[str, tuple[str, Location]]] = {}
    if inline is None:
        for extra in _INLINE_COLUMNS:
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
    for row in _rows(table, header, problems):
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
                _note_countries(row, merged, {"holder": holder, "subject": subject}, found)
        holding = _holding(row, holder, subject, bare_numbers, percent_texts)
        if holding is not None:
            holdings.append(holding)
            since_total.append(holding)
    if inline is not None:
        inline.finish(entities)
    if found:
        _merge_countries(entities, found, problems, declared_source or "the entity list")
    if not _check_mixed_forms(bare_numbers, percent_texts, problems) and _check_fraction_scale(bare_numbers, problems):
        holdings = _widen_fractions(holdings, bare_numbers)
    return holdings


_COUNTRY_COLUMNS = tuple(
    f"{role}_{attr}" for role in ("holder", "subject") for attr in ("jurisdiction", "headquarters")
)


def _note_countries(
    row: _Row, columns: list[str], parties: dict[str, str | None], found: dict[str, dict[str, tuple[str, Location]]]
) -> None:
    """Record the countries this row gives its parties; two rows giving one party two countries is an error."""
    for name in columns:
        role, attr = name.split("_", 1)
        party = parties[role]
        code = row.country(name) if party is not None else None
        if party is None or code is None:
            continue
        earlier = found.setdefault(party, {}).get(attr)
        if earlier is None:
            found[party][attr] = (code, row.where(name))
        elif earlier[0] != code:
            row.problems.error(
                f"{short(party)} has {attr} {code} here but {earlier[0]} at row {earlier[1].row}; one party, one "
                "country",
                row.where(name),
            )


def _merge_countries(
    entities: list[Entity], found: dict[str, dict[str, tuple[str, Location]]], problems: Problems, declared: str
) -> None:
    """Countries from the holding rows fill what the entity list leaves blank; a contradiction is an error."""
    filled: list[str] = []
    for k, entity in enumerate(entities):
        given = found.get(entity.id)
        if not given:
            continue
        for attr, (code, where) in given.items():
            current = getattr(entity, attr)
            if current is None:
                entity = (
                    replace(entity, jurisdiction=code) if attr == "jurisdiction" else replace(entity, headquarters=code)
                )
                filled.append(entity.id)
            elif current != code:
                problems.error(
                    f"{declared} gives {short(entity.id)} {attr} {current}, but this row says {code}; correct one of "
                    "them",
                    where,
                )
        entities[k] = entity
    if filled:
        names = list(dict.fromkeys(filled))
        listed = ", ".join(short(n, 40) for n in names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        problems.warn(
            "country_from_holdings",
            f"{len(names)} part{'y' if len(names) == 1 else 'ies'} without a country in {declared} take it from the "
            f"holdings' country column ({listed})",
        )


#: The first cell of a total row: "Total", "TOTAL:", "Grand total", "Sum", "Subtotal".
_TOTAL = re.compile(r"^\s*(grand\s+)?(sub-?\s*)?(total|totals|sum)\b\W*$", re.IGNORECASE)


def _check_total(row: _Row, above: list[Holding]) -> None:
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


_REGISTER_WORDS = re.compile(
    r"\b(register\s+of\s+(members|shareholders)|share(holders?)?\s+register|members'?\s+register|"
    r"shareholders?(\s+list)?|cap(itali[sz]ation)?\s+table|as\s+(at|of)\b)",
    re.IGNORECASE,
)
_REGISTER_OF = re.compile(r"register\s+of\s+(members|shareholders)\s+of\s+(.+)", re.IGNORECASE)
_SEPARATOR = re.compile(r"\s+[-\u2013\u2014:|]\s+|\s*:\s+")
_AS_AT = re.compile(r"\s*[,(]?\s*\bas\s+(at|of|on)\b.*$", re.IGNORECASE)


_LEGAL_FORM = re.compile(
    r"(\b(ltd|limited|inc|llc|gmbh|ag|plc|corp|corporation|co|pte|bv|nv|sa|sarl|spa|kk|lp|llp)\.?|有限公司|株式会社)$",
    re.IGNORECASE,
)


def title_company(title: str) -> str | None:
    """The company a register's title names: "Jade Semiconductor Pte. Ltd. - Register of Members as at
    30 June 2026" and "Register of members of Jade Semiconductor Pte. Ltd." give "Jade Semiconductor Pte.
    Ltd."; a title that is a company name alone ("Jade Semiconductor Pte. Ltd.") gives itself; None when
    the title names no company ("Register of Members", "Prepared by finance")."""
    text = " ".join(title.split())
    found = _REGISTER_OF.search(text)
    if found:
        return _AS_AT.sub("", found.group(2)).strip(" -,:;") or None
    if not _REGISTER_WORDS.search(text):
        return text if _LEGAL_FORM.search(text) else None
    for part in _SEPARATOR.split(text):
        part = part.strip(" -,:;")
        if part and not _REGISTER_WORDS.search(part):
            return part
    return None


def register_subject(table: RawTable, header: Header, problems: Problems, layout: ReadLayout | None) -> str:
    """The subject of a register of members (a holdings table with no subject column): ``--subject``, else
    the company its title row names, else the file's stem; the last two are said in a warning."""
    if layout is not None and layout.subject:
        return layout.subject
    for number, cells in table.rows[: header.position]:
        for cell in cells:
            text = cell_text(cell.value)
            name = title_company(text) if text is not None else None
            if name is not None:
                problems.warn(
                    "register_subject",
                    f"no subject column: read as the register of members of '{short(name)}', the company the "
                    "title row names; give --subject NAME if it is another",
                    table.where(number),
                )
                return name
    from pathlib import PurePath

    stem = PurePath(table.file).stem or table.file
    problems.warn(
        "register_subject",
        f"no subject column and no title row naming the company: read as the register of members of "
        f"'{short(stem)}', the file's name; give --subject NAME to name the company",
        table.where(),
    )
    return stem


def _holding(
    row: _Row,
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
    bare = _bare_number(percent_cell)
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


_PLAIN_NUMBER = re.compile(r"^\d+(?:[.,]\d+)?$")


def _bare_number(cell: Cell) -> float | None:
    """The cell's value if it is a plain number without a percent sign or format (a CSV's "0.42" too)."""
    value = cell.value
    if isinstance(value, bool) or cell.percent_format:
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and _PLAIN_NUMBER.match(value.strip()):
        return float(value.strip().replace(",", "."))
    return None


def _check_mixed_forms(
    bare: list[tuple[float, Location]], texts: list[tuple[str, Location]], problems: Problems
) -> bool:
    """Percent text ('45%') beside bare numbers that are all at most 1 (0.55) is ambiguous: 0.55 may be a
    fraction (55%) or percentage points (0.55%). Each bare cell is an error; returns whether there were any."""
    if not texts or not bare or not all(v <= 1.0 for v, _ in bare) or not any(v > 0 for v, _ in bare):
        return False
    sample, sample_where = texts[0]
    for value, where in bare:
        if value <= 0:
            continue
        problems.error(
            f"{value:g} is a bare number in a column that also holds percent text ('{short(sample, 20)}' at row "
            f"{sample_where.row}): it could be {value * 100:g}% or {value:g}%; write it with a % sign "
            f"({value * 100:g}% or {value:g}%), or format the cell as a percentage",
            where,
        )
    return True


def _check_fraction_scale(bare: list[tuple[float, Location]], problems: Problems) -> bool:
    """Whether a column's plain numbers are all at most 1 (said in a warning): then each may be percentage
    points (0.6 = 0.6%, as the format reads a bare number) or a fraction typed without a % format (0.6 =
    60%), and the caller widens each such stake to span both readings, so the ambiguity can make a result
    ``possible`` but never a clean ``clear``."""
    if len(bare) >= 2 and all(v <= 1.0 for v, _ in bare) and any(0 < v < 1 for v, _ in bare):
        problems.warn(
            "fraction_scale",
            "every stake in this column is a plain number of at most 1: each may be percentage points (0.6 = "
            "0.6%) or a fraction (0.6 = 60%), so each is read as the range between the two (0.6-60%); format "
            "the cells as percentages, or write 60 or 0.6%, to settle it",
            replace(bare[0][1], row=None),
        )
        return True
    return False


def _widen_fractions(holdings: list[Holding], bare: list[tuple[float, Location]]) -> list[Holding]:
    """The holdings whose percent cell was a plain number at most 1, each read as the range from the
    percentage-point reading to the fraction reading (0.6 -> 0.6-60%)."""
    by_row = {where.row: value for value, where in bare}
    widened: list[Holding] = []
    for h in holdings:
        value = by_row.get(h.where.row if h.where is not None else None)
        if value is not None and h.stake is not None and h.stake.is_exact:
            h = replace(h, stake=Stake(h.stake.low, max(h.stake.low, value)))
        widened.append(h)
    return widened


_INLINE_COLUMNS = tuple(
    f"{role}_{attr}"
    for role in ("holder", "subject")
    for attr in ("name", "type", "jurisdiction", "headquarters", "ultimate")
)


class _InlineEntities:
    """Entities declared on holding rows (single holdings CSV): holder_/subject_ name, type and countries."""

    def __init__(self, entities: list[Entity], problems: Problems) -> None:
        self.entities = entities
        self.problems = problems
        self.found: dict[str, Entity] = {e.id: e for e in entities}
        self.order: list[str] = []

    def declare(self, row: _Row, role: str, entity_id: str) -> str:
        """Record what this row says about the party and return its id."""
        cols = row.header.columns
        entity = Entity(
            id=entity_id,
            name=row.text(f"{role}_name") or entity_id,
            type=_entity_type(row, f"{role}_type") if f"{role}_type" in cols else EntityType.UNKNOWN,
            jurisdiction=row.country(f"{role}_jurisdiction") if f"{role}_jurisdiction" in cols else None,
            headquarters=row.country(f"{role}_headquarters") if f"{role}_headquarters" in cols else None,
            where=row.where(role),
            ultimate=row.flag(f"{role}_ultimate") if f"{role}_ultimate" in cols else False,
        )
        previous = self.found.get(entity_id)
        if previous is None:
            self.found[entity_id] = entity
            self.order.append(entity_id)
            return entity_id
        merged = previous
        for attr in ("jurisdiction", "headquarters"):
            old, new = getattr(previous, attr), getattr(entity, attr)
            if old is not None and new is not None and old != new:
                row_text = previous.where.row if previous.where else "?"
                self.problems.error(
                    f"{short(entity_id)} has {attr} {new} here but {old} at row {row_text}; one entity, one country",
                    row.where(f"{role}_{attr}"),
                )
            elif old is None and new is not None:
                merged = replace(merged, **{attr: new})
        if merged.type is EntityType.UNKNOWN and entity.type is not EntityType.UNKNOWN:
            merged = replace(merged, type=entity.type)
        if entity.ultimate and not merged.ultimate:
            merged = replace(merged, ultimate=True)
        self.found[entity_id] = merged
        return entity_id

    def finish(self, entities: list[Entity]) -> None:
        # The ids already listed, gathered once: a set built inside the generator was built again for every
        # party, which made a 200,000-row holdings file take minutes.
        listed = {e.id for e in entities}
        entities.extend(self.found[i] for i in self.order if i not in listed)


def apply_share_counts(entities: list[Entity], holdings: list[Holding], problems: Problems) -> list[Holding]:
    """Turn share counts into stakes: against the subject's shares outstanding when given, otherwise
    against the sum of the share counts recorded for that subject (with a warning: nothing is then
    unallocated)."""
    by_id = {e.id: e for e in entities}
    counted: dict[str, list[Holding]] = defaultdict(list)
    for h in holdings:
        if h.stake is None and h.shares is not None:
            counted[h.subject].append(h)
    if not counted:
        return holdings
    stakes: dict[int, Stake] = {}
    for subject, rows in counted.items():
        outstanding = by_id[subject].shares_outstanding
        total = sum(h.shares or 0.0 for h in rows)
        if outstanding:
            denominator = outstanding
        else:
            if any(h.stake is not None for h in holdings if h.subject == subject):
                problems.error(
                    f"{short(subject)} has holdings given as percentages and as share counts but no shares "
                    "outstanding; add its 'shares outstanding' in Entities",
                    rows[0].where or Location("?"),
                )
                continue
            denominator = total
            problems.warn(
                "shares_summed",
                f"{short(subject)} has no shares outstanding: stakes computed from the {len(rows)} share counts "
                f"recorded ({total:,.0f} shares), so none of it is unallocated",
                rows[0].where,
            )
        if denominator <= 0:
            problems.error(
                f"the share counts recorded for {short(subject)} add up to 0, so they give no stake; give shares "
                "outstanding or a percent",
                rows[0].where or Location("?"),
            )
            continue
        for h in rows:
            share = (h.shares or 0.0) / denominator
            if share > 1.0 + TOLERANCE:
                problems.error(
                    f"{h.shares:,.0f} shares is more than {short(subject)}'s {denominator:,.0f} shares outstanding",
                    h.where or Location("?"),
                )
                continue
            stakes[id(h)] = Stake.exact(min(share, 1.0))
    return [replace(h, stake=stakes[id(h)]) if id(h) in stakes else h for h in holdings]
