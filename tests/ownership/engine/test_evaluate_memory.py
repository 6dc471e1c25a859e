"""What the aggregated evaluation keeps per entity (issue 18: psc-8M within 3 GB): nobody decides an
aggregated figure, and saying so costs no array of the graph's size."""

from __future__ import annotations

from datetime import date

import numpy as np

from ownership.engine.evaluate import evaluate
from ownership.model import Entity, EntityType, Holding, OwnershipData, Policy, SourceInfo, Stake
from ownership.prepare.graph import build_graph

SOURCE = SourceInfo("evaluate-memory-test", "0" * 64, "test")


def test_aggregated_bounds_name_no_party_without_an_array() -> None:
    entities = (
        Entity("P", "P", EntityType.COMPANY, "CN"),
        Entity("Q", "Q", EntityType.COMPANY, "HK"),
        Entity("S", "S", EntityType.COMPANY, "GB"),
        Entity("T", "T", EntityType.COMPANY, "GB"),
    )
    holdings = (
        Holding("P", "S", Stake.exact(0.3)),
        Holding("Q", "S", Stake.exact(0.3)),
        Holding("S", "T", Stake.exact(0.5)),
    )
    policy = Policy(jurisdictions=frozenset({"CN", "HK"}), as_of=date(2026, 1, 1))
    assert policy.aggregate
    graph = build_graph(OwnershipData(entities, holdings, SOURCE), policy)
    ev = evaluate(graph, policy)
    s, t = graph.index["S"], graph.index["T"]
    # S: 30% + 30% from home holders, aggregated: 60%; T: half of that through S in the look-through.
    assert ev.low.cascade[s] == ev.low.lookthrough[s] == 0.6
    assert ev.low.lookthrough[t] == 0.3
    for bound in (ev.low, ev.high):
        for party in (bound.party, bound.look_party):
            assert party.shape == (graph.n,) and party.dtype == np.int64
            assert (party == -1).all()
            assert party.strides == (0,)  # one value, not n
            assert not party.flags.writeable
