"""The audit workbook's table sheets: entities, chains, derivation, warnings, holdings as read, policy.

Each sheet is rows over the result as the engine left it; nothing here computes a figure.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any, Final

from openpyxl.worksheet.worksheet import Worksheet

from ownership.errors import DataWarning
from ownership.model import TOLERANCE, Holding, Policy, pct_text
from ownership.reports.common import chain_path_text, policy_document
from ownership.reports.provenance import Provenance
from ownership.reports.xlsx_style import As, Column, Value, write_table
from ownership.result import Chain, ChainBreakdown, ChainKind, CheckSet, EntityVerdict

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
    """The primary rule's verdicts, deciding first then by severity: the order of every per-entity sheet."""
    return entity_rows_with_index(checks)[1]


def entity_rows_with_index(checks: CheckSet) -> tuple[list[int], list[EntityVerdict]]:
    """Entity indices of the primary rule, deciding first then by severity, and their verdicts: built once
    per report (see ``forget_rows``)."""
    if _rows_made and _rows_made[0][0] is checks:
        return _rows_made[0][1], _rows_made[0][2]
    order = checks.primary.figures.order().tolist()
    verdicts = [checks.primary.verdicts[i] for i in order]
    _rows_made[:] = [(checks, order, verdicts)]
    return order, verdicts


def forget_rows() -> None:
    """Let go of the verdicts kept for the report just written."""
    _rows_made.clear()


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

    def rows() -> Iterator[list[Value]]:
        for i, v in zip(*entity_rows_with_index(checks), strict=True):
            e = v.entity
            yield [
                e.id,
                e.name,
                e.type.value,
                e.jurisdiction,
                e.headquarters,
                v.status,
                *(r.verdicts[i].status for r in checks.results[1:]),
                *([i in disagree] if several else []),
                v.decides,
                v.cascade.low,
                v.cascade.high,
                v.lookthrough.low,
                v.lookthrough.high,
                ", ".join(v.labels),
                v.most_restrictive,
                v.reason,
                _joined(v.uncertainty),
                _joined(v.red_flags),
            ]

    return write_table(ws, columns, rows(), freeze_columns=2)


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
    return write_table(ws, columns, rows(), freeze_columns=1, banner=banner, empty=empty, grouped=True)


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
    return write_table(ws, columns, rows(), freeze_columns=1, banner=banner, empty=empty, grouped=True)


def warnings_touching(checks: CheckSet) -> dict[DataWarning, list[str]]:
    """Every warning once (in the order the rules report them) with the ids of the entities it touches."""
    touched: dict[DataWarning, list[str]] = {}
    for r in checks.results:
        for w in r.warnings:
            touched.setdefault(w, [])
    for r in checks.results:
        for v in r.verdicts:
            for w in v.notes:
                ids = touched.setdefault(w, [])
                if v.entity.id not in ids:
                    ids.append(v.entity.id)
    return touched


def write_warnings(ws: Worksheet, checks: CheckSet) -> int:
    columns = [
        Column("code", widest=24),
        Column("message", widest=90, wrap=True),
        Column("where", widest=28),
        Column("entities touched", widest=40, wrap=True),
    ]
    touched = warnings_touching(checks)
    rows = ([w.code, w.message, w.where.cell() if w.where else None, ", ".join(ids)] for w, ids in touched.items())
    return write_table(ws, columns, rows, empty="(no warnings)")


def _as_of_dates(checks: CheckSet) -> list[date]:
    return list(dict.fromkeys(r.policy.as_of for r in checks.results))


def write_holdings(ws: Worksheet, checks: CheckSet) -> int:
    """Every holding as read, also those set aside for their dates, with where each came from."""
    result = checks.primary
    days = _as_of_dates(checks)
    names = {v.entity.id: v.entity.name for v in result.verdicts}
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

    def row(h: Holding) -> list[Value]:
        where = h.where
        return [
            h.holder,
            names.get(h.holder),
            h.subject,
            names.get(h.subject),
            h.stake.low if h.stake else None,
            h.stake.high if h.stake else None,
            h.votes.low if h.votes else None,
            h.votes.high if h.votes else None,
            h.control,
            h.shares,
            h.start,
            h.end,
            *(h.valid_on(day) for day in days),
            h.source,
            where.file if where else None,
            where.sheet if where else None,
            where.row if where else None,
        ]

    return write_table(ws, columns, (row(h) for h in result.holdings), freeze_columns=1)


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
