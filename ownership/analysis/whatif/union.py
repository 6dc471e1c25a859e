"""Copies of one part of the data, each with one change made, as one input of column tables.

``whatif`` asks hundreds of small questions of the same upstream part ("and without this holding?", "and
with this stake at 23%?"). Each copy is the part with one change; the copies share no holding, so checking
them as one graph answers every question at the cost of about one check. The copies are put together
column by column (the entity columns tiled, each copy's holdings gathered), never as objects, and their
ids are prefixed with the copy's number.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ownership.model.tables import EntityTable, HoldingTable, OtherCountries

IntArray = np.ndarray


def prefixes(count: int) -> list[str]:
    """The id prefix of each copy ("" for a single one, so its ids are the data's own)."""
    return [""] if count == 1 else [f"{k}\x1f" for k in range(count)]


def tiled(table: EntityTable, count: int) -> EntityTable:
    """``count`` copies of the entity columns, ids (and joint-arrangement groups) prefixed per copy."""
    marks = prefixes(count)
    m = len(table)
    ids = [mark + i for mark in marks for i in table.ids]
    others = None
    if table.other_countries is not None:
        o = table.other_countries
        others = OtherCountries(
            np.concatenate([o.entity + k * m for k in range(count)]),
            np.tile(o.code, count),
            np.tile(o.kind, count),
        )
    return EntityTable(
        ids=ids,
        names=list(table.names) * count,
        types=np.tile(table.types, count),
        countries=table.countries,
        jurisdiction=np.tile(table.jurisdiction, count),
        headquarters=np.tile(table.headquarters, count),
        declared=np.tile(table.declared, count),
        where=list(table.where) * count,
        shares_outstanding=None if table.shares_outstanding is None else np.tile(table.shares_outstanding, count),
        groups=None
        if table.groups is None
        else [None if g is None else mark + g for mark in marks for g in table.groups],
        sources=None if table.sources is None else list(table.sources) * count,
        ultimate=None if table.ultimate is None else np.tile(table.ultimate, count),
        other_countries=others,
    )


def _column(parts: Sequence[np.ndarray | None], sizes: Sequence[int], fill: object, dtype: object) -> np.ndarray | None:
    if all(p is None for p in parts):
        return None
    return np.concatenate(
        [np.full(size, fill, dtype=dtype) if p is None else p for p, size in zip(parts, sizes, strict=True)]
    )


def joined(parts: Sequence[HoldingTable], size: int, ids: Sequence[str]) -> HoldingTable:
    """The holdings of each copy (tables over one copy's ``size`` entities) as one table over ``ids``."""
    sizes = [len(p) for p in parts]
    offsets = [k * size for k in range(len(parts))]
    sources = None
    if any(p.sources is not None for p in parts):
        sources = [s for p, n in zip(parts, sizes, strict=True) for s in (p.sources or [None] * n)]
    return HoldingTable(
        ids=ids,
        holder=np.concatenate([p.holder + o for p, o in zip(parts, offsets, strict=True)]).astype(np.int64),
        subject=np.concatenate([p.subject + o for p, o in zip(parts, offsets, strict=True)]).astype(np.int64),
        stake_low=np.concatenate([p.stake_low for p in parts]),
        stake_high=np.concatenate([p.stake_high for p in parts]),
        where=[w for p in parts for w in p.where],
        votes_low=_column([p.votes_low for p in parts], sizes, np.nan, np.float64),
        votes_high=_column([p.votes_high for p in parts], sizes, np.nan, np.float64),
        control=_column([p.control for p in parts], sizes, False, np.bool_),
        start=_column([p.start for p in parts], sizes, np.datetime64("NaT"), "datetime64[D]"),
        end=_column([p.end for p in parts], sizes, np.datetime64("NaT"), "datetime64[D]"),
        shares=_column([p.shares for p in parts], sizes, np.nan, np.float64),
        sources=sources,
        indirect=_column([p.indirect for p in parts], sizes, False, np.bool_),
    )


def rows(table: HoldingTable, keep: np.ndarray) -> HoldingTable:
    """The rows of ``table`` where ``keep`` is true, as a table over the same entities."""

    def pick(column: np.ndarray | None) -> np.ndarray | None:
        return None if column is None else column[keep]

    at = np.flatnonzero(keep).tolist()
    return HoldingTable(
        ids=table.ids,
        holder=table.holder[keep],
        subject=table.subject[keep],
        stake_low=table.stake_low[keep],
        stake_high=table.stake_high[keep],
        where=[table.where[k] for k in at],
        votes_low=pick(table.votes_low),
        votes_high=pick(table.votes_high),
        control=pick(table.control),
        start=pick(table.start),
        end=pick(table.end),
        shares=pick(table.shares),
        sources=None if table.sources is None else [table.sources[k] for k in at],
        indirect=pick(table.indirect),
    )


__all__ = ["joined", "prefixes", "rows", "tiled"]
