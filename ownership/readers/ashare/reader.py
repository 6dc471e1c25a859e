"""China A-share top-10 shareholders, as Tushare Pro's ``top10_holders`` returns them, into the ownership model.

The table has one row per holder per report: ``ts_code`` (the listed issuer, e.g. ``000001.SZ``),
``ann_date`` (announcement), ``end_date`` (report period), ``holder_name``, ``hold_amount`` (shares) and
``hold_ratio`` (percent of total share capital), optionally ``hold_float_ratio``, ``hold_change`` and
``holder_type``. Saved with pandas it gains an unnamed index column first, which is ignored.

Choices:

* One report per issuer: its latest period. Mixing periods would add up one holder's stake from several
  reports. Within a period, ``ann_date`` varies from row to row (rows are updated one by one), so every
  holder is kept, and a holder listed in several announcements keeps only its latest row. The rows set
  aside are counted in a ``superseded_period`` warning; holdings carry the period in their source, not as
  dates, because a snapshot says nothing about when a stake began or will end.
* The issuer's headquarters are read as CN: its shares are listed on a mainland exchange (the code ends in
  ``.SH``, ``.SZ`` or ``.BJ``), which requires its business to be run from mainland China. Its country of
  incorporation is not in the table and stays unknown: a few issuers, listed through depositary receipts,
  are incorporated abroad. An ``inferred_country`` warning says so.
* Holders are identified by name only and their country is unknown: a Chinese name suggests a mainland
  holder but does not establish it (``香港中央结算有限公司`` is the Hong Kong clearing house). They count as
  possibly watched in the high bound only.
* A row repeated word for word within one report is a copy and is read once (``duplicate_holding``); the
  same holder with different figures (e.g. two share classes) is left to be summed.
* ``hold_ratio`` is a percentage (``49.56`` is 49.56%); a blank one is an error, since the table gives no
  share capital to divide ``hold_amount`` by.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Final

from ownership.errors import InputError, Location, short
from ownership.model import Entity, EntityType, Holding, OwnershipData, SourceInfo, Stake
from ownership.readers.canonical.row import Problems
from ownership.readers.cells.digest import file_sha256
from ownership.readers.cells.tables import RawTable, ReadLimits, cell_text, read_text_table
from ownership.readers.cells.values import ValueProblem, parse_date, parse_number, parse_percent

__all__ = ["looks_like_ashare", "read_ashare"]

_REQUIRED: Final = ("ts_code", "end_date", "holder_name", "hold_ratio")
_READ: Final = (*_REQUIRED, "ann_date", "hold_amount")
_TS_CODE: Final = re.compile(r"[0-9]{6}\.(SH|SZ|BJ)", re.IGNORECASE)
_HEADER_ROWS: Final = 10
_PARSERS: Final[tuple[tuple[str, Callable[[object], object]], ...]] = (
    ("end_date", parse_date),
    ("ann_date", parse_date),
    ("hold_ratio", parse_percent),
    ("hold_amount", parse_number),
)


def _names(line: str) -> list[str]:
    return [c.strip().strip('"').strip().casefold() for c in re.split(r"[,;\t|]", line)]


def looks_like_ashare(head: str) -> bool:
    """Whether ``head`` (the first ~64 KiB of a file, decoded) is a Tushare ``top10_holders`` table: its
    first non-blank line names the columns ``ts_code``, ``end_date``, ``holder_name`` and ``hold_ratio``."""
    for line in head.lstrip("\ufeff").splitlines():
        if line.strip():
            return set(_REQUIRED) <= set(_names(line))
    return False


@dataclass(frozen=True)
class _Row:
    issuer: str
    period: date
    announced: date | None
    holder: str
    stake: Stake
    shares: float | None
    where: Location

    @property
    def figures(self) -> tuple[str, str, Stake, float | None]:
        return self.issuer, self.holder, self.stake, self.shares


def _header(table: RawTable) -> tuple[int, dict[str, int]]:
    """(index into table.rows of the header row, column index per field read)."""
    for position, (_, cells) in enumerate(table.rows[:_HEADER_ROWS]):
        found = {str(c.value).strip().casefold(): k for k, c in enumerate(cells) if cell_text(c.value)}
        if set(_REQUIRED) <= found.keys():
            return position, {name: found[name] for name in _READ if name in found}
    raise InputError(
        "is not a Tushare top10_holders table: no header row names ts_code, end_date, holder_name and hold_ratio",
        table.where(),
    )


def _rows(table: RawTable, position: int, columns: dict[str, int], problems: Problems) -> list[_Row]:
    header_number = table.rows[position][0]
    header_texts = [str(c.value).strip() for c in table.rows[position][1]]
    found: list[_Row] = []
    for number, cells in table.rows[position + 1 :]:
        texts = [cell_text(c.value) for c in cells]

        def text(field: str, texts: list[str | None] = texts) -> str | None:
            k = columns.get(field)
            return texts[k] if k is not None and k < len(texts) else None

        def where(field: str | None = None, number: int = number) -> Location:
            if field is None:
                return table.where(number)
            return table.where(number, columns[field] + 1, field)

        if [t or "" for t in texts] == header_texts:
            continue  # a header repeated where tables were appended to one file
        issuer, holder = text("ts_code"), text("holder_name")
        if issuer is None or holder is None:
            missing = "ts_code" if issuer is None else "holder_name"
            problems.error(f"the {missing} is empty; every row names an issuer and a holder", where(missing))
            continue
        if not _TS_CODE.fullmatch(issuer):
            problems.error(
                f"'{short(issuer)}' is not an A-share code such as 000001.SZ or 600000.SH (six digits, then .SH, "
                ".SZ or .BJ)",
                where("ts_code"),
            )
            continue
        parsed: dict[str, object] = {}
        for field, parse in _PARSERS:
            try:
                parsed[field] = parse(text(field))
            except ValueProblem as exc:
                problems.error(str(exc), where(field))
        if len(parsed) < len(_PARSERS):
            continue
        period, announced = parsed["end_date"], parsed["ann_date"]
        stake, shares = parsed["hold_ratio"], parsed["hold_amount"]
        if period is None:
            problems.error("the report period (end_date) is empty", where("end_date"))
            continue
        if stake is None:
            problems.error(
                "hold_ratio is empty: the table gives no share capital to turn hold_amount into a stake",
                where("hold_ratio"),
            )
            continue
        assert isinstance(period, date) and isinstance(stake, Stake)
        assert announced is None or isinstance(announced, date)
        assert shares is None or isinstance(shares, float)
        found.append(_Row(issuer.upper(), period, announced, holder, stake, shares, where()))
    if not found and not problems.errors:
        raise InputError("has a header but no holder rows", table.where(header_number))
    return found


def _latest(rows: list[_Row], problems: Problems, name: str) -> list[_Row]:
    """Each issuer's latest report period; per holder its latest announced row; exact copies dropped."""
    period: dict[str, date] = {}
    announced: dict[tuple[str, str], date] = {}
    for row in rows:
        period[row.issuer] = max(period.get(row.issuer, row.period), row.period)
    for row in rows:
        if row.period == period[row.issuer]:
            key = (row.issuer, row.holder)
            announced[key] = max(announced.get(key, date.min), row.announced or date.min)
    kept: list[_Row] = []
    copies = 0
    seen: dict[tuple[str, str, Stake, float | None], _Row] = {}
    for row in rows:
        if row.period != period[row.issuer] or (row.announced or date.min) != announced[(row.issuer, row.holder)]:
            continue
        first = seen.get(row.figures)
        if first is not None:
            problems.warn(
                "duplicate_holding",
                f"{short(row.holder)} -> {row.issuer} repeats row {first.where.row} word for word in the same report: "
                "read once",
                row.where,
            )
            copies += 1
            continue
        seen[row.figures] = row
        kept.append(row)
    set_aside = len(rows) - len(kept) - copies
    if set_aside:
        periods = sorted(set(period.values()))
        span = str(periods[0]) if len(periods) == 1 else f"{periods[0]} to {periods[-1]}"
        problems.warn(
            "superseded_period",
            f"only each issuer's latest report period is read ({span}), and for a holder listed again in a later "
            f"announcement of it, the later row; {set_aside} earlier rows are set aside",
            Location(name),
        )
    return kept


def read_ashare(path: Path, name: str, limits: ReadLimits) -> OwnershipData:
    """Read a Tushare ``top10_holders`` table (CSV, any common delimiter) into entities and holdings.

    Stakes come out as fractions 0..1 (``hold_ratio`` 49.56 is 0.4956). Issuers are entities with the ts_code
    as id and CN headquarters; holders are entities named only in holdings (country unknown).

    Args:
        path: the file to read.
        name: the file name to use in messages.
        limits: caps on the file's size, rows and cell length.

    Raises:
        InputError: the file is not such a table, or a row cannot be used (an issuer code, date or ratio that
            does not parse, a blank ratio); the message names the file, row and column.
    """

    table = read_text_table(path, name, limits)
    problems = Problems()
    problems.warnings.extend(table.warnings)
    position, columns = _header(table)
    header_cells = table.rows[position][1]
    for k, cell in enumerate(header_cells):
        label = cell_text(cell.value)
        if label is not None and k not in columns.values():
            problems.warn(
                "ignored_column",
                f"column '{short(label)}' is not read (only ts_code, ann_date, end_date, holder_name, hold_amount "
                "and hold_ratio are)",
                table.where(table.rows[position][0], k + 1, label),
            )
    rows = _rows(table, position, columns, problems)
    problems.raise_first()
    kept = _latest(rows, problems, name)

    issuers: dict[str, Entity] = {}
    holders: dict[str, Entity] = {}
    holdings: list[Holding] = []
    for row in kept:
        if row.issuer not in issuers:
            issuers[row.issuer] = Entity(row.issuer, row.issuer, EntityType.PUBLIC, None, "CN", where=row.where)
        if row.holder not in holders:
            holders[row.holder] = Entity(row.holder, row.holder, declared=False, where=row.where)
        announced = f", announced {row.announced}" if row.announced else ""
        holdings.append(
            Holding(
                holder=row.holder,
                subject=row.issuer,
                stake=row.stake,
                shares=row.shares,
                source=f"top-10 holders of {row.issuer} at {row.period}{announced}",
                where=row.where,
            )
        )
    problems.warn(
        "inferred_country",
        f"the {len(issuers)} issuers are listed on a mainland Chinese exchange: their headquarters are read as CN; "
        "their country of incorporation is not in the table",
        Location(name),
    )
    problems.warn(
        "unknown_country",
        f"the {len(holders)} holders are named only, with no id or country: their country is unknown, which only "
        "the high bound takes to be watched",
        Location(name),
    )
    overlap = issuers.keys() & holders.keys()
    if overlap:
        raise InputError(
            f"'{short(sorted(overlap)[0])}' is both an issuer code and a holder name; holder names must not be codes",
            Location(name),
        )
    digest = file_sha256(path)
    return OwnershipData(
        (*issuers.values(), *holders.values()),
        tuple(holdings),
        SourceInfo(name, digest, "ashare"),
        tuple(problems.warnings),
    )
