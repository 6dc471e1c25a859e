"""Errors and warnings that carry where in the user's input they come from.

Errors are values with a location until the CLI turns them into one line and exit code 2.
Messages never include tracebacks; they name the file, sheet, row and column where those apply.
"""

from __future__ import annotations

from dataclasses import dataclass


def column_letter(index: int) -> str:
    """Spreadsheet column letter for a 1-based column index (1 -> A, 27 -> AA)."""
    letters = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def short(text: object, limit: int = 80) -> str:
    """``text`` for a message: at most ``limit`` characters, so a 100,000-character cell cannot flood one, with
    invisible characters shown (see :func:`visible`)."""
    value = visible(str(text))
    return value if len(value) <= limit else value[: limit - 1] + "…"


def visible(text: str) -> str:
    """``text`` with the characters a reader cannot see written as escapes: controls (``\\x1b``), format
    characters such as zero-width spaces and joiners, bidirectional marks and soft hyphens (``\\u200b``),
    and every space but the plain one, no-break spaces included (``\\xa0``). Two ids that differ only in such a
    character then look different in a message, as they are."""
    if text.isascii() and text.isprintable():
        return text
    import unicodedata

    shown = []
    for ch in text:
        if ch == " " or unicodedata.category(ch) not in _INVISIBLE:
            shown.append(ch)
        elif ord(ch) < 0x100:
            shown.append(f"\\x{ord(ch):02x}")
        else:
            shown.append(f"\\u{ord(ch):04x}" if ord(ch) < 0x10000 else f"\\U{ord(ch):08x}")
    return "".join(shown)


# Unicode general categories of characters that show as nothing, or as a plain space: controls, format
# characters, unassigned and private-use code points, and the space, line and paragraph separators.
_INVISIBLE = frozenset({"Cc", "Cf", "Cn", "Co", "Cs", "Zs", "Zl", "Zp"})


@dataclass(frozen=True, slots=True)
class Location:
    """A place in the user's input.

    Attributes:
        file: the file name as the user gave it (never the full resolved path of a temp file).
        sheet: worksheet name for workbooks; None for CSV files.
        row: 1-based row number as a spreadsheet or text editor shows it; None for the whole sheet.
        column: 1-based column index; None for the whole row.
        header: the column's header text as found in the input, if known.
    """

    file: str
    sheet: str | None = None
    row: int | None = None
    column: int | None = None
    header: str | None = None

    def cell(self) -> str:
        """Compact reference: ``Holdings!C14`` for sheets, ``holdings.csv:14`` for text files."""
        if self.sheet is not None:
            if self.column and self.row:
                return f"{self.sheet}!{column_letter(self.column)}{self.row}"
            if self.row:
                return f"{self.sheet}!{self.row}:{self.row}"
            if self.column:
                col = column_letter(self.column)
                return f"{self.sheet}!{col}:{col}"
            return self.sheet
        ref = self.file
        if self.row:
            ref += f":{self.row}"
        if self.header:
            ref += f" ({self.header})"
        return ref

    def __str__(self) -> str:
        parts = [self.file]
        if self.sheet is not None:
            parts.append(f"sheet '{self.sheet}'")
        if self.row:
            parts.append(f"row {self.row}")
        if self.column:
            col = f"column {column_letter(self.column)}"
            if self.header:
                col += f" ({self.header})"
            parts.append(col)
        elif self.header:
            parts.append(f"column '{self.header}'")
        return ", ".join(parts)


#: The most problems one message lists, each on its own line; the rest are counted.
MAX_LISTED = 50


class ExposureError(Exception):
    """Base of every error the CLI turns into a one-line message and exit code 2.

    ``more`` counts the further problems found in the same input; ``also`` lists those of them the reader
    kept (all of them, for the canonical reader), so a user fixes a file in one pass.
    """

    def __init__(
        self, reason: str, where: Location | None = None, more: int = 0, also: tuple[ExposureError, ...] = ()
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.where = where
        self.more = more
        self.also = also

    def _line(self) -> str:
        text = f"{self.where}: {self.reason}" if self.where else self.reason
        return " ".join(text.split())

    def one_line(self) -> str:
        """The message as the user sees it: location first, then what is wrong and what to do. Several
        problems give a count first, then one line each (up to ``MAX_LISTED``, then how many more)."""
        if not self.also:
            text = self._line()
            if self.more:
                text += f" (and {self.more} more problem{'s' if self.more > 1 else ''} in this input)"
            return text
        problems = (self, *self.also)
        total = 1 + max(self.more, len(self.also))
        file = f" in {self.where.file}" if self.where is not None else ""
        lines = [f"{total} problems{file}; fix them all, then run again:"]
        lines += [f"  {p._line()}" for p in problems[:MAX_LISTED]]
        rest = total - min(len(problems), MAX_LISTED)
        if rest:
            lines.append(f"  and {rest} more")
        return "\n".join(lines)


class InputError(ExposureError):
    """The input could not be used as it is."""


class PolicyError(ExposureError):
    """An option or policy value is invalid."""


@dataclass(frozen=True, slots=True)
class DataWarning:
    """Something about the data that the user must know, with a stable machine-readable code.

    Codes in use, by where they come from (a code given in several places means the same kind of thing
    in each):

    Canonical reader (workbooks, holdings CSV files, folders; the table layer under it):
        no_entities_sheet: no Entities sheet or entities.csv; countries only from the holding rows, if any.
        unknown_country: a single CSV with no country columns; every country is unknown.
        ignored_sheet: a sheet that is neither Entities nor Holdings (an error unless --lenient).
        ignored_column: a column that is not read, or countries on holding rows when an entity list exists
            (a column that looks like a country, percentage, share count, holder or subject is an error
            unless --lenient).
        entities_sheet: a sheet not named Entities read as the entities, because it lists the parties.
        register_subject: a register of members with no subject column: the company from the title row,
            or the file name.
        total_mismatch: a Total/Sum row that differs from the rows above it by more than rounding.
        country_from_holdings: parties without a country in the entity list take it from the holdings sheet.
        ignored_cells: cells beyond the last header column (often an unquoted delimiter).
        unknown_type: an entity type that is not one of the known types; read as unknown.
        duplicate_entity: an entity listed twice with the same details; the copy is ignored.
        unknown_reference: a holder or subject not in the entity list; added with an unknown country.
        unknown_stake: a stake cell saying the stake is unknown; read as 0-100%.
        fraction_scale: every stake in a column is at most 1; read as percentage points.
        shares_summed: no shares outstanding; stakes computed from the share counts given.
        hidden_sheet: a hidden sheet, read all the same.
        chart_sheet: a chart sheet, which holds no table.
        encoding: a text file that is not UTF-8, read in another encoding.
        invisible_characters: text cells holding zero-width characters; removed, so the text matches.

    BODS:
        duplicate_statement: statements that are exact copies; each counted once.
        replaced_statement: statements replaced by later ones about the same record.
        closed_record: records closed by recordStatus; left out.
        closed_party: a relationship whose party is closed; ignored.
        unknown_reference: a party the file does not describe; added with an unknown country.
        unspecified_party: an interested party (or an unknown person) not identified; a stand-in of unknown
            country and type, not an ultimate owner.
        unspecified_subject: a relationship whose subject is not identified; ignored.
        unknown_interest_type: an interest type that BODS does not define, or none with a share (the share
            read as a shareholding).
        unknown_stake: an interest giving no share of the equity (a shareless trust or nominee interest
            included: unknown owners); read as 0-100%.
        ignored_share: a share that is not of the equity; the interest counts as control only.
        votes_only: voting rights without a shareholding.
        fraction_scale: every share is at most 1 percentage point; read as written.
        unknown_country: a country that is not recognised; read as unknown.

    GLEIF:
        ignored_file: a file in the folder that is not GLEIF data, or holds no records.
        encoding: a CSV that is not UTF-8, read in another encoding.
        no_entity_records: relationships without Level 1 (LEI) records; every country is unknown.
        unknown_reference: an LEI named with no Level 1 record; added with an unknown country.
        unknown_country: a country code that is not ISO 3166; read as unknown.
        legal_address_used: no legal jurisdiction; the legal address's country is used.
        lei_status: an annulled LEI (not used) or one that has ceased (used, but its links may be old).
        duplicate_record: the same LEI, relationship or reporting exception twice; one is used.
        ignored_record: an unusable record (no LEI, unknown type, category or registration, no end date
            for an ended link) or an exception a relationship of its level overrides.
        ignored_relationship: a fund relationship, which is not ownership.
        unknown_status: a relationship status not known; taken as active.
        bad_value: an unreadable date, quantifier or exception reason.
        fraction_scale: a quantifier of at most 1 read as a fraction (1.00 = 100%).
        unknown_parent: a reporting exception (NO_KNOWN_PERSON included): the owners are not named; an
            unknown holder of 0-100% is added.
        redundant_relationship: an ultimate parent that is also the direct parent, whose direct stake is
            all of the ultimate figure; nothing is held through others, so it adds nothing.

    UK PSC (counted: one warning per kind, with the first place):
        psc_ceased: ceased records, which are history; not read.
        psc_super_secure: super-secure PSCs; holders of unknown country and stake.
        psc_exemption: companies exempt as their shares trade on a regulated market; listed, ultimate.
        psc_unknown_kind: records of a kind that is not a PSC record; not read.
        psc_statement: PSC statements; an unnamed holder, or unknown owners.
        psc_sanctioned: a beneficial owner marked as sanctioned in the register.
        psc_nature_ignored: natures of control that say nothing about shares or control.
        psc_unknown_stake: PSCs with no readable nature of control; read as 0-100%.
        psc_several_bands: one PSC with several bands in one company; read as their union.
        psc_overlapping_bands: bands in one company adding up to over 100%; low ends lowered.
        psc_duplicate: the same PSC listed several times for one company; read once.
        psc_no_current_psc: companies with no current PSC; unknown owners, a holder of 0-100%.
        psc_company_unused: company data rows for companies with no PSC record.
        psc_name_match: PSCs without a registration number merged by name and country.
        psc_conflict: a company's country differing between records; one is kept.
        psc_wrapped_lines: CSV lines cut at a fixed width, joined back into rows.
        unknown_country: a country text that is not recognised, or none given; unknown.

    FollowTheMoney:
        unknown_country: a code for no single present-day country (zz, eu, suhh...); not used.
        unknown_reference: an owner or asset the file does not describe; added with an unknown country.
        ignored_record: schemata other than parties and Ownership, or an owner or asset that is not a party.
        unknown_stake: an Ownership without a percentage; read as 0-100%.
        conflicting_values: several percentages or dates in one Ownership; their range is used.
        overlapping_records: records of one owner and asset in force at once; read as one stake.
        partial_date: dates giving only a year or month; read to count wherever they may apply.
        fraction_scale: every percentage is at most 1; read as percentage points.

    China A-share top-10 holders:
        superseded_period: rows of earlier report periods or announcements; set aside.
        duplicate_holding: a row repeated word for word in one report; read once.
        ignored_column: a column that is not read.
        inferred_country: issuers' headquarters read as CN from their mainland listing.
        unknown_country: holders named only; their country is unknown.

    Watch list:
        ignored_sheet: a further sheet that looks like a watch list; not read.
        ignored_column: a column other than id, name and label.
        watchlist_ambiguous_id: an id matching several entities that differ only in case.
        watchlist_name_match: an entry matched by name only.
        watchlist_unmatched: entries matching no entity.

    Graph preparation:
        out_of_date: a holding not in force on the as-of date; ignored.
        self_holding: an entity holding its own shares; excluded.
        votes_only: votes without an equity stake; not counted when weighing by equity.
        duplicate_holding: the same holder and subject on several rows; stakes summed.
        overallocated: stakes in a subject summing above 100%; rescaled, as allowed.
        unknown_country: a declared entity with no country on the basis in use; possibly a home entity.

    Engine:
        rule_not_in_force: a rule not in force on the date; shown for information only.
        closed_loop: entities holding each other entirely with no outside owner.
        self_supporting_loop: entities tainted only by assuming a loop controls itself.
    """

    code: str
    message: str
    where: Location | None = None
