"""Declared indirect interests: a holder's stated share of a subject held through others, as a stand-in
holding where the data has no chain, or as a floor under the chain's figure (docs/rules.md section 3.3)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ownership.engine.edges import BoolArray, Edges, FloatArray, IntArray
from ownership.errors import DataWarning, short
from ownership.model import (
    TOLERANCE,
    Stake,
)
from ownership.model.tables import (
    HoldingTable,
)

if TYPE_CHECKING:
    pass


@dataclass(frozen=True)
class DeclaredFloors:
    """Declared indirect interests whose chain the data holds, as floors under the figures (fractions).

    A holder that declares ``indirect`` of a subject through other entities, beside a direct stake
    ``direct``, owns at least ``direct + indirect`` of it: the subject's look-through figure is at least
    the holder's own figure times that, and its cascade figure at least that when the holder is tainted.

    Attributes:
        holder, subject: entity indices.
        low, high: the holder's whole stake in the subject (direct plus declared indirect), at each bound.
        rows: the holding rows the declarations were read from.
    """

    holder: IntArray
    subject: IntArray
    low: FloatArray
    high: FloatArray
    rows: IntArray


def declared_floors(
    rows_in: HoldingTable,
    at: IntArray,
    holder: IntArray,
    subject: IntArray,
    low: FloatArray,
    high: FloatArray,
    low_all: FloatArray,
    high_all: FloatArray,
) -> DeclaredFloors:
    n = max(len(rows_in.ids), 1)
    direct = {int(k): g for g, k in enumerate((holder * n + subject).tolist())}
    h, s = rows_in.holder[at], rows_in.subject[at]
    groups = [direct.get(int(key), -1) for key in (h * n + s).tolist()]
    d_low = np.array([low[g] if g >= 0 else 0.0 for g in groups], dtype=np.float64)
    d_high = np.array([high[g] if g >= 0 else 0.0 for g in groups], dtype=np.float64)
    total_low = np.minimum(d_low + low_all[at], 1.0)
    total_high = np.maximum(np.minimum(d_high + high_all[at], 1.0), total_low)
    return DeclaredFloors(h.astype(np.int64), s.astype(np.int64), total_low, total_high, at.astype(np.int64))


def declared_indirect(
    rows_in: HoldingTable, in_force: BoolArray, counted: BoolArray, control_all: BoolArray, warnings: list[DataWarning]
) -> tuple[IntArray, BoolArray]:
    """Decide how each declared indirect interest counts: the rows whose chain the data holds (floors),
    and a mask of the rows that stand in for a missing chain (kept as holdings, added to any direct stake).

    The chain is looked for among the direct holdings in force (equity or control), through at least one
    other entity; the declaration and the chain's own figure are compared, and a disagreement is warned.
    """
    assert rows_in.indirect is not None
    indirect = rows_in.indirect
    chosen = np.flatnonzero(counted & indirect)
    stand_ins = np.zeros(len(rows_in), dtype=np.bool_)
    if not chosen.size:
        return np.empty(0, dtype=np.int64), stand_ins
    direct = np.flatnonzero(in_force & ~indirect & (~np.isnan(rows_in.stake_low) | control_all))
    n = len(rows_in.ids)
    # A control row without a stake links the chain with an unknown share: 0 at the low end, 100% at the high.
    lows, highs = rows_in.stake_low[direct], rows_in.stake_high[direct]
    edges = Edges.build(n, rows_in.holder[direct], rows_in.subject[direct], np.nan_to_num(lows, nan=0.0))
    highs = np.where(np.isnan(highs), 1.0, highs)
    floors: list[int] = []
    for k in chosen.tolist():
        h, s = int(rows_in.holder[k]), int(rows_in.subject[k])
        declared = rows_in.stake(k)
        label = f"{short(rows_in.ids[h])}'s declared indirect interest of {declared} in {short(rows_in.ids[s])}"
        chain = _chain_share(edges, highs, h, s)
        if chain is None:
            stand_ins[k] = True
            warnings.append(
                DataWarning(
                    "declared_indirect",
                    f"{label}: no chain from one to the other through other entities is in the data, so the "
                    "declaration stands in for it (added to any direct stake)",
                    rows_in.where[k],
                )
            )
            continue
        floors.append(k)
        chain_low, chain_high = chain
        agrees = declared is None or (declared.low <= chain_high + TOLERANCE and chain_low <= declared.high + TOLERANCE)
        warnings.append(
            DataWarning(
                "declared_indirect",
                f"{label}: the chain in the data gives {Stake(chain_low, chain_high)}"
                + (
                    "; the declaration is kept as a floor under the chain's figure"
                    if agrees
                    else ", which disagrees with the declaration: the conservative bounds are kept (the chain's "
                    "figure, and the declaration as a floor under it)"
                ),
                rows_in.where[k],
            )
        )
    return np.array(floors, dtype=np.int64), stand_ins


#: A declared interest's chain is measured only within this many entities between the two ends.
_CHAIN_LIMIT = 10_000


def _chain_share(edges: Edges, highs: FloatArray, h: int, s: int) -> tuple[float, float] | None:
    """The share of ``s`` that ``h`` holds through other entities (low and high stakes, fractions), or
    None when no chain through another entity leads from ``h`` to ``s``.

    Only the entities downstream of ``h`` and upstream of ``s`` matter; the look-through is solved on them
    alone. Beyond ``_CHAIN_LIMIT`` such entities the figure is reported as 0-100%.
    """
    seen = {h}
    frontier = [h]
    while frontier and len(seen) <= _CHAIN_LIMIT:
        nxt = edges.subject[edges.out_of(np.array(frontier, dtype=np.int64))].tolist()
        frontier = [x for x in dict.fromkeys(nxt) if x not in seen and x != s]
        seen.update(frontier)
    inside = np.array(sorted(seen), dtype=np.int64)
    out = edges.out_of(inside)
    keep = out[(edges.subject[out] != s) | (edges.holder[out] != h)]
    keep = keep[np.isin(edges.subject[keep], np.append(inside, s))]
    if not (edges.subject[keep] == s).any():
        return None
    if len(seen) > _CHAIN_LIMIT:
        return 0.0, 1.0
    from ownership.engine.lookthrough import lookthrough

    nodes = np.append(inside, s)
    position = {int(x): k for k, x in enumerate(nodes.tolist())}
    hh = np.array([position[int(x)] for x in edges.holder[keep].tolist()], dtype=np.int64)
    ss = np.array([position[int(x)] for x in edges.subject[keep].tolist()], dtype=np.int64)
    seeds = np.zeros(nodes.size, dtype=np.bool_)
    seeds[position[h]] = True
    offset = np.zeros(nodes.size)
    found = []
    for weight in (edges.weight[keep], np.minimum(highs[keep], 1.0)):
        figure = lookthrough(Edges.build(nodes.size, hh, ss, weight), seeds, offset).figure
        found.append(float(min(figure[position[s]], 1.0)))
    return found[0], max(found)
