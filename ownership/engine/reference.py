"""Plain reference implementations of the cascade and the look-through, for cross-checking.

These follow the definitions literally, with exact ``Fraction`` arithmetic and dicts instead of arrays:
the cascade repeats "taint everything that passes" until nothing changes; the look-through solves the
linear system by Gauss-Jordan elimination after removing closed loops. They are quadratic or cubic and
meant for small graphs in tests, where their exactness makes them the arbiter of the fast versions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction

import networkx as nx

from ownership.model import Comparison

Stakes = Iterable[tuple[str, str, Fraction]]


def _passes(value: Fraction, threshold: Fraction, comparison: Comparison) -> bool:
    return value > threshold if comparison is Comparison.GT else value >= threshold


def cascade_reference(
    entities: Iterable[str],
    stakes: Stakes,
    seeds: set[str],
    threshold: Fraction,
    comparison: Comparison,
    offset: Mapping[str, Fraction] | None = None,
) -> tuple[dict[str, Fraction], set[str]]:
    """Least-fixpoint cascade by naive iteration. Returns (figure per entity, tainted set)."""
    names = list(entities)
    edges = list(stakes)
    base = dict.fromkeys(names, Fraction(0)) | dict(offset or {})
    tainted = set(seeds)
    while True:
        agg = dict(base)
        for holder, subject, stake in edges:
            if holder in tainted:
                agg[subject] += stake
        newly = {e for e in names if e not in tainted and _passes(agg[e], threshold, comparison)}
        if not newly:
            break
        tainted |= newly
    for seed in seeds:
        agg[seed] = Fraction(1)
    return agg, tainted


def lookthrough_reference(
    entities: Iterable[str],
    stakes: Stakes,
    seeds: set[str],
    offset: Mapping[str, Fraction] | None = None,
) -> tuple[dict[str, Fraction], list[set[str]]]:
    """Look-through by exact elimination. Returns (figure per entity, closed loops)."""
    names = list(entities)
    edges = list(stakes)
    off = dict.fromkeys(names, Fraction(0)) | dict(offset or {})

    graph = nx.DiGraph()
    graph.add_nodes_from(n for n in names if n not in seeds)
    for holder, subject, _ in edges:
        if holder not in seeds and subject not in seeds:
            graph.add_edge(holder, subject)
    inflow: dict[str, Fraction] = dict.fromkeys(names, Fraction(0))
    loops: list[set[str]] = []
    for component in nx.strongly_connected_components(graph):
        if len(component) < 2:
            continue
        for holder, subject, stake in edges:
            if holder in component and subject in component:
                inflow[subject] += stake
        if all(inflow[m] == 1 for m in component):
            loops.append(set(component))
    closed = set().union(*loops) if loops else set()

    unknowns = [n for n in names if n not in seeds and n not in closed]
    index = {name: i for i, name in enumerate(unknowns)}
    size = len(unknowns)
    # Augmented matrix of (I - A) x = b.
    matrix = [[Fraction(int(i == j)) for j in range(size)] + [off[unknowns[i]]] for i in range(size)]
    for holder, subject, stake in edges:
        if subject not in index:
            continue
        row = index[subject]
        if holder in seeds:
            matrix[row][size] += stake
        elif holder in index:
            matrix[row][index[holder]] -= stake
    for col in range(size):
        pivot = next(r for r in range(col, size) if matrix[r][col] != 0)
        matrix[col], matrix[pivot] = matrix[pivot], matrix[col]
        lead = matrix[col][col]
        matrix[col] = [v / lead for v in matrix[col]]
        for r in range(size):
            if r != col and matrix[r][col] != 0:
                factor = matrix[r][col]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[col], strict=True)]

    figure = dict.fromkeys(names, Fraction(0))
    for seed in seeds:
        figure[seed] = Fraction(1)
    for name, i in index.items():
        figure[name] = matrix[i][size]
    return figure, loops
