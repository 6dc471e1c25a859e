"""Look-through chains: worked examples, and the invariants on random graphs (parts sum to the figure, chains
come largest first, every hop is a real holding, and on acyclic graphs the listed chains are exactly the
largest simple paths that brute-force enumeration finds)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ownership.model import Entity, EntityType, Holding, Method, OwnershipData, Policy, SourceInfo, Stake
from ownership.pipeline import check
from ownership.result import ChainBreakdown, ChainKind

Run = Callable[..., tuple[dict[str, Any], tuple[Any, ...]]]


def _listed(b: ChainBreakdown) -> list[tuple[str, ...]]:
    return [c.path for c in b.chains]


def test_two_hop_chain_is_the_product(run: Run) -> None:
    verdicts, _ = run([("P", "H", 0.6), ("H", "T", 0.6)], {"P": "CN"}, method="lookthrough", threshold=0.3)
    chains = verdicts["T"].chains
    assert chains is not None
    assert _listed(chains) == [("P", "H", "T")]
    (chain,) = chains.chains
    assert chain.kind is ChainKind.HOME
    assert chain.stakes == (0.6, 0.6)
    assert chain.share == pytest.approx(0.36)
    assert chains.rest == 0.0
    assert chains.searched_all


def test_two_owners_largest_first_and_parts_add_up(run: Run) -> None:
    # T: 30% from P directly, 50% of H which P holds 80% of: 0.30 + 0.40 = 0.70.
    verdicts, _ = run([("P", "T", 0.3), ("P", "H", 0.8), ("H", "T", 0.5)], {"P": "CN"})
    chains = verdicts["T"].chains
    assert chains is not None
    assert _listed(chains) == [("P", "H", "T"), ("P", "T")]
    assert [c.share for c in chains.chains] == pytest.approx([0.4, 0.3])
    assert chains.figure == pytest.approx(0.7)
    assert chains.rest == pytest.approx(0.0)


def test_cross_holding_leaves_the_circular_part_as_rest(run: Run) -> None:
    # P holds 50% of A; A and B hold 20% of each other; B holds 100% - 20% elsewhere (US).
    # x_A = 0.5 + 0.2 x_B, x_B = 0.2 x_A  =>  x_A = 0.5 / 0.96, x_B = 0.1 / 0.96.
    verdicts, _ = run([("P", "A", 0.5), ("B", "A", 0.2), ("A", "B", 0.2)], {"P": "CN"}, method="lookthrough")
    chains = verdicts["A"].chains
    assert chains is not None
    assert chains.figure == pytest.approx(0.5 / 0.96)
    assert _listed(chains) == [("P", "A")]
    assert chains.rest == pytest.approx(0.5 / 0.96 - 0.5)  # walks round the loop: A -> B -> A ...
    assert chains.searched_all


def test_high_bound_names_unknown_holders_and_unallocated_parts(run: Run) -> None:
    # T: 40% held by X (country unknown), 30% by US holder U; 30% unnamed.
    verdicts, _ = run([("X", "T", 0.4), ("U", "T", 0.3)], {"X": None, "U": "US"})
    t = verdicts["T"]
    assert t.chains is None  # nothing watched at the low bound
    high = t.chains_high
    assert high is not None
    assert [(c.kind, c.path) for c in high.chains] == [
        (ChainKind.UNKNOWN, ("X", "T")),
        (ChainKind.UNALLOCATED, ("T",)),
    ]
    assert [c.share for c in high.chains] == pytest.approx([0.4, 0.3])
    assert high.chains[1].unallocated == pytest.approx(0.3)
    assert high.rest == pytest.approx(0.0)


def test_limits_leave_the_rest_as_one_line(run: Run) -> None:
    # 15 home holders of 5% each: ten listed, five in the rest.
    edges = [(f"P{k:02d}", "T", 0.05) for k in range(15)]
    verdicts, _ = run(edges, {f"P{k:02d}": "CN" for k in range(15)}, method="lookthrough")
    chains = verdicts["T"].chains
    assert chains is not None
    assert len(chains.chains) == 10
    assert chains.rest == pytest.approx(0.25)
    assert not chains.searched_all


def test_per_party_chains_come_from_the_deciding_party(run: Run) -> None:
    # Two unrelated CN parties: A holds 40% of T directly, B holds 30%. Assessed alone, A's 40% decides.
    verdicts, _ = run([("A", "T", 0.4), ("B", "T", 0.3)], {"A": "CN", "B": "CN"}, aggregate=False)
    chains = verdicts["T"].chains
    assert chains is not None
    assert chains.figure == pytest.approx(0.4)
    assert _listed(chains) == [("A", "T")]
    assert chains.rest == pytest.approx(0.0)


# --- properties on random graphs -------------------------------------------------------------------------

SOURCE = SourceInfo("chains-test", "0" * 64, "test")


@st.composite
def random_data(draw: st.DrawFn, acyclic: bool) -> tuple[OwnershipData, Policy]:
    n = draw(st.integers(2, 8))
    ids = [f"E{i}" for i in range(n)]
    countries = draw(st.lists(st.sampled_from(["CN", "US", "US", None]), min_size=n, max_size=n))
    entities = tuple(Entity(i, i, EntityType.COMPANY, c) for i, c in zip(ids, countries, strict=True))
    holdings = []
    for subject in range(n):
        budget = 100
        candidates = range(subject) if acyclic else range(n)
        holders = draw(st.lists(st.sampled_from(list(candidates)), max_size=3, unique=True)) if candidates else []
        for holder in holders:
            if holder == subject or budget <= 0:
                continue
            low = draw(st.integers(1, budget))
            high = draw(st.integers(low, budget))
            budget -= low
            holdings.append(Holding(ids[holder], ids[subject], Stake(low / 100, high / 100)))
    policy = Policy(
        jurisdictions=frozenset({"CN"}),
        method=Method.LOOKTHROUGH,
        aggregate=draw(st.booleans()),
        as_of=date(2026, 1, 1),
    )
    return OwnershipData(entities, tuple(holdings), SOURCE), policy


def _check_breakdown(b: ChainBreakdown, stakes: dict[tuple[str, str], float]) -> None:
    assert sum(c.share for c in b.chains) + b.rest == pytest.approx(b.figure, abs=1e-9)
    assert b.rest >= -1e-9
    shares = [c.share for c in b.chains]
    assert shares == sorted(shares, reverse=True)
    for c in b.chains:
        assert len(c.stakes) == len(c.path) - 1
        assert len(set(c.path)) == len(c.path), "chains are simple"
        for (holder, subject), stake in zip(zip(c.path, c.path[1:], strict=False), c.stakes, strict=True):
            assert stakes[(holder, subject)] == pytest.approx(stake)
        assert c.share == pytest.approx(c.unallocated * math.prod(c.stakes))


@settings(max_examples=150, deadline=None)
@given(random_data(acyclic=False))
def test_parts_always_sum_to_the_figure(case: tuple[OwnershipData, Policy]) -> None:
    data, policy = case
    result = check(data, policy)
    stakes = {(h.holder, h.subject): h.stake.low for h in data.holdings if h.stake is not None}
    for v in result.verdicts:
        for b, bound in ((v.chains, v.lookthrough.low), (v.chains_high, v.lookthrough.high)):
            if b is not None:
                assert b.figure == pytest.approx(bound)
                _check_breakdown(b, stakes)
        if v.status.value != "home" and v.lookthrough.low > 1e-9:
            assert v.chains is not None


@settings(max_examples=150, deadline=None)
@given(random_data(acyclic=True))
def test_acyclic_chains_are_the_largest_simple_paths(case: tuple[OwnershipData, Policy]) -> None:
    data, policy = case
    policy = replace(policy, aggregate=True)
    result = check(data, policy)
    graph = nx.DiGraph()
    for h in data.holdings:
        assert h.stake is not None
        graph.add_edge(h.holder, h.subject, w=h.stake.low)
    home = {v.entity.id for v in result.verdicts if v.status.value == "home"}
    for v in result.verdicts:
        if v.chains is None:
            continue
        target = v.entity.id
        products = []
        for source in home:
            if source == target or source not in graph or target not in graph:
                continue
            for path in nx.all_simple_paths(graph, source, target):
                if any(p in home for p in path[1:]):
                    continue  # a chain stops at the first home entity it reaches
                products.append(math.prod(graph.edges[a, b]["w"] for a, b in itertools.pairwise(path)))
        products.sort(reverse=True)
        listed = [c.share for c in v.chains.chains]
        assert listed == pytest.approx(products[: len(listed)])
        if len(products) <= 10:
            assert v.chains.rest == pytest.approx(0.0, abs=1e-9)
