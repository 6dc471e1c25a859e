"""The audit workbook's table sheets: entities, chains, derivation, warnings, holdings as read, policy.

Each sheet is rows over the result as the engine left it; nothing here computes a figure.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, Final

import numpy as np
from openpyxl.worksheet.worksheet import Worksheet

from ownership.errors import DataWarning
from ownership.model import TOLERANCE, Policy, Stake, pct_text
from ownership.model.tables import ENTITY_TYPES
from ownership.prepare.in_force import in_force
from ownership.reports.common import chain_path_text, policy_document
from ownership.reports.json_report import detailed_mask
from ownership.reports.provenance import Provenance
from ownership.reports.xlsx import stream as xlsx_stream
from ownership.reports.xlsx.style import As, Column, Value, python_batches, write_streamed_table, write_table
from ownership.result import STATUSES, Chain, ChainBreakdown, ChainKind, CheckSet, EntityVerdict, Status

if TYPE_CHECKING:
    import pyarrow as pa

_HOME_CODE: Final = STATUSES.index(Status.HOME)

_KIND_WORDS = {
    ChainKind.HOME: "home entity",
    ChainKind.UNKNOWN: "unknown country",
    ChainKind.UNALLOCATED: "unallocated shares",
    ChainKind.DECLARED: "declared indirect interest",
}


def _joined(items: tuple[str, ...] | list[str]) -> str:
    return "; ".join(items)


#: The rows ``entity_rows`` made last, for the one report being written: the Entities, Chains and Derivation
#: sheets walk the same verdicts, and building a verdict (its reasons and chains) is most of a sheet's cost.
_rows_made: list[tuple[CheckSet, list[int], list[EntityVerdict]]] = []


def entity_rows(checks: CheckSet) -> list[EntityVerdict]:
    """The primary rule's verdicts of the entities explained in detail, deciding first then by severity:
    the rows of the Chains and Derivation sheets (the order of every per-entity sheet)."""
    return entity_rows_with_index(checks)[1]


def entity_rows_with_index(checks: CheckSet) -> tuple[list[int], list[EntityVerdict]]:
    """Indices of the primary rule's entities explained in detail, deciding first then by severity, and their
    verdicts: built once per report (see ``forget_rows``)."""
    if _rows_made and _rows_made[0][0] is checks:
        return _rows_made[0][1], _rows_made[0][2]
    order = checks.primary.figures.order()
    order = order[detailed_mask(checks.primary)[order]].tolist()
    verdicts = [checks.primary.verdicts[i] for i in order]
    _rows_made[:] = [(checks, order, verdicts)]
    return order, verdicts


def forget_rows() -> None:
    """Let go of the verdicts and rows kept for the report just written."""
    from ownership.reports.xlsx import stream as xlsx_stream

    _rows_made.clear()
    xlsx_stream.forget()


def write_entities(ws: Worksheet, checks: CheckSet) -> int:
    """One row per entity with its status, the four figures (fractions, percent format) and its reasons;
    with several rules a status column per rule and whether they disagree."""
    result = checks.primary
    several = len(checks.results) > 1
    disagree = set(checks.disagreements())
    columns = [
        Column("id", widest=20),
        Column("name", widest=26, wrap=True),
        Column("type", widest=10),
        Column("jurisdiction", widest=12),
        Column("headquarters", widest=13),
        Column("status" if not several else f"status ({result.policy.name})", "status", widest=12),
        *(Column(f"status ({r.policy.name})", "status", widest=14) for r in checks.results[1:]),
        *([Column("rules disagree", "flag")] if several else []),
        Column("decides", "flag"),
        Column("cascade low", "pct"),
        Column("cascade high", "pct"),
        Column("look-through low", "pct"),
        Column("look-through high", "pct"),
        Column("labels", widest=16, wrap=True),
        Column("most restrictive", widest=16, wrap=True),
        Column("reason", widest=44, wrap=True),
        Column("what would settle it", widest=34, wrap=True),
        Column("red flags", widest=30, wrap=True),
    ]

    batches = _entity_batches(checks, np.isin(np.arange(len(result.verdicts)), list(disagree)))
    write_streamed_table(ws, columns, batches, len(result.verdicts), freeze_columns=2)
    return len(result.verdicts)


def _entity_batches(checks: CheckSet, disagree: np.ndarray) -> Iterator[list[pa.Array]]:
    """The Entities sheet's columns, a batch of rows at a time in report order: from the result's columns,
    and from the verdicts only for the entities explained in detail (or with control rows, for red flags)."""
    import pyarrow as pa

    result = checks.primary
    verdicts, figures = result.verdicts, result.figures
    table = verdicts.entities
    order = figures.order()
    detailed = detailed_mask(result)
    explainer = getattr(verdicts, "explainer", None)
    controlled = np.zeros(len(verdicts), dtype=np.bool_)
    if explainer is not None:
        controlled = np.diff(explainer.control_incoming.holder_start) > 0
    ids = table.arrow_ids if table.arrow_ids is not None else pa.array(table.ids, type=pa.string())
    names = table.arrow_names if table.arrow_names is not None else pa.array(table.names, type=pa.string())
    types = pa.array([t.value for t in ENTITY_TYPES], type=pa.string())
    countries = pa.array([*table.countries, None], type=pa.string())
    no_country = len(table.countries)
    labels, ranked = verdicts.label_columns()
    label_texts = pa.array([text.replace("; ", ", ") or None for text in labels.values], type=pa.string())
    ranked_texts = pa.array([text or None for text in ranked.values], type=pa.string())

    def country(codes: np.ndarray) -> pa.Array:
        codes = codes.astype(np.int64)
        return countries.take(pa.array(np.where(codes < 0, no_country, codes)))

    # The explained verdicts, as the Chains and Derivation sheets use them (each verdict asked for once).
    explained = dict(zip(*entity_rows_with_index(checks), strict=True))
    for start in range(0, order.size, xlsx_stream.BATCH_ROWS):
        at = order[start : start + xlsx_stream.BATCH_ROWS]
        picked = pa.array(at)
        reasons = verdicts.reasons_of(at)
        settle: list[str | None] = [None] * at.size
        flags: list[str | None] = [None] * at.size
        built = np.flatnonzero(detailed[at] | controlled[at])
        for k in built.tolist():
            i = int(at[k])
            v = explained.get(i) or verdicts[i]
            settle[k], flags[k] = _joined(v.uncertainty) or None, _joined(v.red_flags) or None
        if explainer is not None:
            rest = np.flatnonzero(~(detailed[at] | controlled[at]) & (figures.status[at] != _HOME_CODE))
            for k, found in zip(rest.tolist(), explainer.writer.uncertainty(at[rest]), strict=True):
                if found:  # most entities have nothing unsettled: no join for them
                    settle[k] = _joined(found)
        yield [
            ids.take(picked),
            names.take(picked),
            types.take(pa.array(table.types[at].astype(np.int64))),
            country(table.jurisdiction[at]),
            country(table.headquarters[at]),
            pa.array(figures.status[at].astype(np.int64)),
            *(pa.array(r.figures.status[at].astype(np.int64)) for r in checks.results[1:]),
            *([pa.array(disagree[at])] if len(checks.results) > 1 else []),
            pa.array(figures.decides[at]),
            pa.array(figures.cascade_low[at]),
            pa.array(figures.cascade_high[at]),
            pa.array(figures.lookthrough_low[at]),
            pa.array(figures.lookthrough_high[at]),
            label_texts.take(pa.array(labels.codes[at])),
            ranked_texts.take(pa.array(ranked.codes[at])),
            pa.array(reasons.values, type=pa.string()).take(pa.array(reasons.codes)),
            pa.array(settle, type=pa.string()),
            pa.array(flags, type=pa.string()),
        ]


def chain_words(chain: Chain) -> str:
    """A chain as it reads on paper: ``LANTING-KY -60%-> LANTING-HK -40%-> HELIO-SG``; a chain that starts
    in unallocated shares says how much: ``(8% unallocated) HELIO-SG -40%-> HELIO-JP``."""
    text = chain_path_text(chain)
    if chain.kind is ChainKind.UNALLOCATED:
        text = f"({pct_text(chain.unallocated)} unallocated) {text}"
    return text


def _breakdown_rows(v: EntityVerdict, bound: str, breakdown: ChainBreakdown) -> Iterator[list[Value]]:
    e = v.entity
    for rank, chain in enumerate(breakdown.chains, start=1):
        yield [e.id, e.name, bound, breakdown.figure, rank, _KIND_WORDS[chain.kind], chain_words(chain), chain.share]
    if not breakdown.searched_all:
        what = "other, smaller chains and circular holdings"
    elif breakdown.rest > TOLERANCE:
        what = "circular holdings (walks round a cross-holding more than once)"
    else:
        what = "nothing: the chains listed are all there are"
    yield [e.id, e.name, bound, breakdown.figure, None, "rest", what, breakdown.rest]


def write_chains(ws: Worksheet, checks: CheckSet) -> int:
    """The look-through figures split into their chains: one row per chain listed and one ``rest`` row per
    figure, so an entity's rows for one bound add up to its figure."""
    columns = [
        Column("entity", widest=24),
        Column("name", widest=32, wrap=True),
        Column("figure", widest=18),
        Column("figure value", "pct"),
        Column("rank", "count", align="center"),
        Column("starts from", widest=18),
        Column("chain", widest=80, wrap=True),
        Column("share", "pct"),
    ]

    def rows() -> Iterator[list[Value]]:
        for v in entity_rows(checks):
            if v.chains is not None:
                yield from _breakdown_rows(v, "look-through low", v.chains)
            if v.chains_high is not None:
                yield from _breakdown_rows(v, "look-through high", v.chains_high)

    banner = (
        "Look-through figures split into chains of holdings (stakes multiplied along each chain). "
        "An entity's rows for one figure add up to that figure; 'rest' is what the chains not listed add."
    )
    empty = "(no chains: no entity has watched look-through ownership, or the chains were not explained)"
    return _write_grouped(ws, columns, list(rows()), banner, empty)


def _write_grouped(ws: Worksheet, columns: list[Column], table: list[list[Value]], banner: str, empty: str) -> int:
    """Rows grouped by entity (a darker line above each entity's block), streamed; how many were written."""
    write_streamed_table(
        ws,
        columns,
        python_batches(columns, table, grouped=True),
        len(table),
        freeze_columns=1,
        banner=banner,
        empty=empty,
        grouped=True,
    )
    return len(table)


def write_derivation(ws: Worksheet, checks: CheckSet) -> int:
    """The cascade derivation per entity: the steps in the order the taint spread, the entity last."""
    columns = [
        Column("entity", widest=24),
        Column("step", "count", align="center"),
        Column("round", "count", align="center"),
        Column("step entity", widest=24),
        Column("step entity name", widest=32, wrap=True),
        Column("tainted", "flag"),
        Column("held by tainted holders", "pct"),
        Column("explanation", widest=90, wrap=True),
    ]

    def rows() -> Iterator[list[Value]]:
        for v in entity_rows(checks):
            d = v.derivation
            if d is None or not d.steps:
                continue
            if d.omitted:
                earlier = f"{d.omitted} earlier step{'s' if d.omitted != 1 else ''}"
                yield [v.entity.id, None, None, None, None, None, None, f"({earlier} not shown: the chain is long)"]
            for n, step in enumerate(d.steps, start=d.omitted + 1):
                held = None if step.home else step.total
                round_ = step.round if step.round >= 0 else None  # a step never tainted has no round
                yield [v.entity.id, n, round_, step.entity, step.name, step.tainted, held, step.text]

    banner = (
        "How the cascade reached each entity: home entities first, then each entity the taint passed "
        "through, in the order it became tainted; the entity itself is the last step."
    )
    empty = "(no derivation: no entity is tainted in the cascade, or the steps were not explained)"
    return _write_grouped(ws, columns, list(rows()), banner, empty)


def warnings_touching(checks: CheckSet) -> dict[DataWarning, list[str]]:
    """Every warning once (in the order the rules report them) with the ids of the entities it touches."""
    touched: dict[DataWarning, list[str]] = {}
    for r in checks.results:
        for w in r.warnings:
            touched.setdefault(w, [])
    for r in checks.results:
        verdicts = r.verdicts
        explainer = getattr(verdicts, "explainer", None)
        if explainer is None:
            notes = ((v.entity.id, v.notes) for v in verdicts)
        else:
            # The warnings on each entity's rows, without building a verdict per entity (see ``verdict``).
            at: dict[int, tuple[DataWarning, ...]] = explainer.notes_at
            notes = ((verdicts.entities.ids[i], at[i]) for i in sorted(at))
        for entity_id, found in notes:
            for w in found:
                ids = touched.setdefault(w, [])
                if entity_id not in ids:
                    ids.append(entity_id)
    return touched


def write_warnings(ws: Worksheet, checks: CheckSet) -> int:
    columns = [
        Column("code", widest=24),
        Column("message", widest=90, wrap=True),
        Column("where", widest=28),
        Column("entities touched", widest=40, wrap=True),
    ]
    touched = warnings_touching(checks)
    rows: list[list[Value]] = [
        [w.code, w.message, w.where.cell() if w.where else None, ", ".join(ids) or None] for w, ids in touched.items()
    ]
    # Streamed like the large sheets: a registry can carry tens of thousands of warnings, and a cell object
    # each would cost more than all the other sheets' rows.
    write_streamed_table(ws, columns, python_batches(columns, rows), len(rows), empty="(no warnings)")
    return len(rows)


def _as_of_dates(checks: CheckSet) -> list[date]:
    return list(dict.fromkeys(r.policy.as_of for r in checks.results))


def write_holdings(ws: Worksheet, checks: CheckSet) -> int:
    """Every holding as read, also those set aside for their dates, with where each came from."""
    result = checks.primary
    days = _as_of_dates(checks)
    columns = [
        Column("holder", widest=24),
        Column("holder name", widest=30, wrap=True),
        Column("subject", widest=24),
        Column("subject name", widest=30, wrap=True),
        Column("stake low", "pct"),
        Column("stake high", "pct"),
        Column("votes low", "pct"),
        Column("votes high", "pct"),
        Column("control", "flag"),
        Column("shares", "count"),
        Column("start", "date"),
        Column("end", "date"),
        *(Column(f"in force on {day.isoformat()}", "flag") for day in days),
        Column("source", widest=40, wrap=True),
        Column("source file", widest=30),
        Column("sheet", widest=16),
        Column("row", "count"),
    ]

    count = len(result.holdings)
    write_streamed_table(ws, columns, _holding_batches(checks, days), count, freeze_columns=1)
    return count


#: Excel's day 0 (day numbers count from here, as openpyxl writes dates).
_EXCEL_EPOCH: Final = np.datetime64("1899-12-30", "D")


def _holding_batches(checks: CheckSet, days: list[date]) -> Iterator[list[pa.Array]]:
    """The "Holdings as read" columns, a batch of rows at a time in input order, from the holding table's
    columns (holdings given as objects are made into columns first)."""
    import pyarrow as pa

    from ownership.model.tables import HoldingTable, Places

    result = checks.primary
    entities = result.verdicts.entities
    holdings = result.holdings
    n = len(holdings)
    names = entities.arrow_names if entities.arrow_names is not None else pa.array(entities.names, type=pa.string())
    names = pa.concat_arrays([names, pa.array([None], type=pa.string())])
    missing = len(entities.ids)
    if isinstance(holdings, HoldingTable):
        holder, subject = holdings.holder, holdings.subject
        if _same_ids(holdings.ids, entities.ids):
            holder_row, subject_row = holder, subject
        else:
            position = entities.position
            remap = np.array([position.get(e, missing) for e in holdings.ids], dtype=np.int64)
            holder_row, subject_row = remap[holder], remap[subject]
        # Taken batch by batch: two million ids held as a column would cost as much as the rest together.
        all_ids = _ids(holdings.ids)
        holder_ids, subject_ids = _Taken(all_ids, holder), _Taken(all_ids, subject)

        def nan_or(values: np.ndarray | None) -> np.ndarray:
            return values if values is not None else np.full(n, np.nan)

        stake_low, stake_high = holdings.stake_low, holdings.stake_high
        votes_low, votes_high = nan_or(holdings.votes_low), nan_or(holdings.votes_high)
        control = holdings.control if holdings.control is not None else np.zeros(n, dtype=np.bool_)
        shares = nan_or(holdings.shares)
        start = (
            holdings.start if holdings.start is not None else np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
        )
        end = holdings.end if holdings.end is not None else np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
        sources: Sequence[str | None] | None = holdings.sources
        where = holdings.where
    else:
        position = entities.position
        holder_ids = _Taken(pa.array([h.holder for h in holdings], type=pa.string()), np.arange(n))
        subject_ids = _Taken(pa.array([h.subject for h in holdings], type=pa.string()), np.arange(n))
        holder_row = np.array([position.get(h.holder, missing) for h in holdings], dtype=np.int64)
        subject_row = np.array([position.get(h.subject, missing) for h in holdings], dtype=np.int64)

        def bound(stakes: list[Stake | None], high: bool) -> np.ndarray:
            return np.array([np.nan if s is None else (s.high if high else s.low) for s in stakes], dtype=np.float64)

        stakes, votes = [h.stake for h in holdings], [h.votes for h in holdings]
        stake_low, stake_high, votes_low, votes_high = (
            bound(stakes, False),
            bound(stakes, True),
            bound(votes, False),
            bound(votes, True),
        )
        control = np.array([h.control for h in holdings], dtype=np.bool_)
        shares = np.array([np.nan if h.shares is None else h.shares for h in holdings], dtype=np.float64)
        start = np.array([h.start or "NaT" for h in holdings], dtype="datetime64[D]")
        end = np.array([h.end or "NaT" for h in holdings], dtype="datetime64[D]")
        sources = [h.source for h in holdings]
        where = [h.where for h in holdings]
    start_day = (start - _EXCEL_EPOCH).astype(np.int64)
    end_day = (end - _EXCEL_EPOCH).astype(np.int64)
    open_start, open_end = np.isnat(start), np.isnat(end)
    places = where if isinstance(where, Places) else None

    in_force_on = [in_force(start, end, day, n) for day in days]

    def dates(values: np.ndarray, absent: np.ndarray) -> pa.Array:
        return pa.array(values, mask=absent, type=pa.int64())

    for first in range(0, max(n, 0), xlsx_stream.BATCH_ROWS):
        at = np.arange(first, min(n, first + xlsx_stream.BATCH_ROWS))
        if places is not None:
            files = pa.array([places.file] * at.size, type=pa.string())
            sheets = pa.array([places.sheet] * at.size, type=pa.string())
            rows = pa.array(places.rows[at].astype(np.float64))
        else:
            spots = [where[k] for k in at.tolist()]
            files = pa.array([w.file if w else None for w in spots], type=pa.string())
            sheets = pa.array([w.sheet if w else None for w in spots], type=pa.string())
            rows = pa.array([np.nan if w is None or w.row is None else w.row for w in spots], type=pa.float64())
        # The check's own decision (prepare.in_force), per as-of date of the rules side by side.
        in_force_columns = [pa.array(held[at]) for held in in_force_on]
        yield [
            holder_ids.at(at),
            names.take(pa.array(holder_row[at])),
            subject_ids.at(at),
            names.take(pa.array(subject_row[at])),
            pa.array(stake_low[at]),
            pa.array(stake_high[at]),
            pa.array(votes_low[at]),
            pa.array(votes_high[at]),
            pa.array(control[at]),
            pa.array(shares[at]),
            dates(start_day[at], open_start[at]),
            dates(end_day[at], open_end[at]),
            *in_force_columns,
            pa.array([sources[k] for k in at.tolist()] if sources is not None else [None] * at.size, type=pa.string()),
            files,
            sheets,
            rows,
        ]


def _same_ids(one: Sequence[str], other: Sequence[str]) -> bool:
    """Whether two id lists are the same list (compared as Arrow arrays when both are: a registry's million
    ids are not mapped one by one then)."""
    from ownership.model.tables import ArrowTexts

    if one is other:
        return True
    if isinstance(one, ArrowTexts) and isinstance(other, ArrowTexts):
        same: bool = one.array.equals(other.array)
        return same
    return False


class _Taken:
    """``values`` at ``index``, picked a part at a time."""

    def __init__(self, values: pa.Array, index: np.ndarray) -> None:
        self.values, self.index = values, index

    def at(self, rows: np.ndarray) -> pa.Array:
        import pyarrow as pa

        return self.values.take(pa.array(self.index[rows]))


def _ids(ids: Sequence[str]) -> pa.Array:
    """The ids as an Arrow column."""
    import pyarrow as pa

    from ownership.model.tables import ArrowTexts

    found: pa.Array = ids.array if isinstance(ids, ArrowTexts) else pa.array(list(ids), type=pa.string())
    return found


#: ``policy_document`` keys in words, in the order the Policy sheet lists them, with the ``Policy.origins``
#: key each is recorded under (None: not a setting a layer gives). Keys added to the document later follow,
#: under their own names.
_SETTINGS: Final[dict[str, tuple[str, str | None]]] = {
    "name": ("rule", None),
    "description": ("description", None),
    "source": ("source", None),
    "jurisdictions": ("watched jurisdictions", "jurisdictions"),
    "threshold_pct": ("threshold", "threshold"),
    "comparison": ("comparison", "comparison"),
    "method": ("deciding figure (method)", "method"),
    "home": ("home basis", "home"),
    "aggregate": ("aggregate stakes of different parties", "aggregate"),
    "pass_through_pct": ("pass-through threshold", "pass_through"),
    "pass_through_comparison": ("pass-through comparison", "pass_through_comparison"),
    "weights": ("weights", "weights"),
    "control": ("control rows", "control"),
    "allow_overallocation": ("allow over-allocation", "allow_overallocation"),
    "unrecorded_holders": ("entities with no recorded holders", "unrecorded_holders"),
    "as_of": ("as-of date", "as_of"),
    "in_force": ("in force on the as-of date", None),
    "note": ("note", None),
    "label_order": ("label order (most restrictive first)", "label_order"),
    "watchlist": ("watch lists", None),
    "watchlist_entries": ("watch-list entries", None),
}


def _setting_value(policy: Policy, key: str, value: Any) -> As:
    """A policy document value as a cell: percent keys as fractions, the date as a date, lists joined."""
    if key == "threshold_pct":
        return As(policy.threshold, "pct")
    if key == "pass_through_pct":
        return As(policy.pass_threshold, "pct")
    if key == "as_of":
        return As(policy.as_of, "date")
    if isinstance(value, bool):
        return As(value, "flag")
    if isinstance(value, list):
        return As(", ".join(str(item) for item in value), "text")
    if isinstance(value, int):
        return As(value, "count")
    return As(None if value in (None, "") else str(value), "text")


def write_policy(ws: Worksheet, checks: CheckSet) -> int:
    """Every policy setting with its value and where it came from; one value and origin column per rule."""
    documents = [(r.policy, policy_document(r.policy)) for r in checks.results]
    several = len(documents) > 1
    order = list(_SETTINGS)
    keys = sorted(
        (k for k in documents[0][1] if k != "origins"), key=lambda k: order.index(k) if k in order else len(order)
    )
    columns = [Column("setting", widest=36), Column("JSON key", widest=24)]
    for policy, _ in documents:
        suffix = f" ({policy.name})" if several else ""
        columns += [Column(f"value{suffix}", widest=60, wrap=True, align="left"), Column(f"from{suffix}", widest=34)]

    def rows() -> Iterator[list[Value | As]]:
        for key in keys:
            words, origin_key = _SETTINGS.get(key, (key, key))
            row: list[Value | As] = [words, key]
            for policy, document in documents:
                row.append(_setting_value(policy, key, document.get(key)))
                row.append(policy.origins.get(origin_key) if origin_key else None)
            yield row

    return write_table(ws, columns, rows())


def write_files(ws: Worksheet, checks: CheckSet, provenance: Provenance) -> int:
    """The files the decision rests on: the input, then the policy file and watch lists, each with its
    SHA-256 (and, for a policy file, the settings it gave)."""
    source = checks.primary.source
    columns = [
        Column("role", widest=16),
        Column("file", widest=50, wrap=True, align="left"),
        Column("absolute path", widest=60, wrap=True, align="left"),
        Column("SHA-256", widest=66),
        Column("settings given", widest=40, wrap=True, align="left"),
    ]
    rows: list[list[Value | As]] = [["input", source.path, None, source.sha256, None]]
    rows += [[f.role, f.path, f.absolute, f.sha256, ", ".join(f.keys) or None] for f in provenance.files]
    return write_table(ws, columns, rows)
