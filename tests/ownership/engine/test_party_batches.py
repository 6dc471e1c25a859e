"""Per-party assessment solves the parties in batches, as one graph of (party, entity) pairs: every party
must still get exactly what it gets evaluated alone on the whole graph, whatever the batch it falls in.

The reference here is the definition, party after party on the whole graph (declared indirect interests
included, through the same floor search), and what it must match is everything the evaluation keeps per
party: the figures, the tainted set, the deciding party, what the deciding party taints (for the reasons
and derivations) and the labels."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ownership.engine import evaluate as evaluate_module
from ownership.engine import parties as parties_module
from ownership.engine.edges import Edges
from ownership.engine.evaluate import _floors_of, _solve, evaluate
from ownership.engine.reach import downstream
from ownership.model import (
    Comparison,
    ControlMode,
    Entity,
    EntityType,
    Holding,
    Method,
    OwnershipData,
    Policy,
    SourceInfo,
    Stake,
)
from ownership.prepare.graph import EquityGraph, build_graph

SOURCE = SourceInfo("party-batches-test", "0" * 64, "test")


@st.composite
def cases(draw: st.DrawFn, declared: bool = False) -> tuple[OwnershipData, Policy]:
    n = draw(st.integers(3, 10))
    ids = [f"E{i}" for i in range(n)]
    countries = draw(st.lists(st.sampled_from(["CN", "CN", "HK", "US", "GB", None]), min_size=n, max_size=n))
    groups = draw(st.lists(st.sampled_from([None, None, None, "g1"]), min_size=n, max_size=n))
    ultimate = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    entities = tuple(
        Entity(i, i, EntityType.COMPANY, c, group=g, ultimate=u)
        for i, c, g, u in zip(ids, countries, groups, ultimate, strict=True)
    )
    holdings = []
    for subject in range(n):
        budget = 20  # stakes in steps of 5%: ties at 25% and 50% are common
        for holder in draw(st.lists(st.integers(0, n - 1), max_size=3, unique=True)):
            if holder == subject:
                continue
            kind = draw(st.sampled_from(["equity", "equity", "control", *(["indirect"] * declared)]))
            if kind == "control":
                holdings.append(Holding(ids[holder], ids[subject], None, control=True))
                continue
            if budget <= 0:
                continue
            low = draw(st.integers(0, budget))
            high = draw(st.integers(low, budget))
            budget -= high if kind == "indirect" else low
            stake = Stake(low / 20, high / 20)
            holdings.append(Holding(ids[holder], ids[subject], stake, indirect=kind == "indirect"))
    threshold = draw(st.sampled_from([0.25, 0.5]))
    policy = Policy(
        jurisdictions=frozenset({"CN", "HK"}),
        aggregate=False,
        threshold=threshold,
        comparison=draw(st.sampled_from(list(Comparison))),
        pass_through_threshold=draw(st.sampled_from([None, 0.5])),
        method=draw(st.sampled_from(list(Method))),
        control=draw(st.sampled_from(list(ControlMode))),
        as_of=date(2026, 1, 1),
    )
    return OwnershipData(entities, tuple(holdings), SOURCE), policy


def _alone(graph: EquityGraph, policy: Policy, high: bool, members: np.ndarray) -> tuple[np.ndarray, ...]:
    """One party alone on the whole graph: cascade figure, look-through figure, tainted."""
    n = graph.n
    seeds = np.zeros(n, dtype=np.bool_)
    seeds[members] = True
    offset = graph.remainder if high else np.zeros(n)
    taints = policy.control is ControlMode.TAINTS or (high and policy.control is not ControlMode.REPORT)
    control = graph.control if taints else None
    c, look, _ = _solve(graph.equity, seeds, offset, policy, control, _floors_of(graph, high))
    return np.minimum(c.figure, 1.0), np.minimum(look.figure, 1.0), c.tainted


def _check(data: OwnershipData, policy: Policy) -> None:
    graph = build_graph(data, policy)
    ev = evaluate(graph, policy)
    n = graph.n
    parties = [np.flatnonzero(graph.party == p) for p in range(int(graph.party.max(initial=-1)) + 1)]
    unknown = [np.array([i]) for i in np.flatnonzero(graph.unknown_home)]
    nobody = np.empty(0, dtype=np.int64)
    for high, bound, runs in ((False, ev.low, parties), (True, ev.high, parties + unknown)):
        seeds = graph.home | graph.unknown_home if high else graph.home
        base_c, base_l, base_t = _alone(graph, policy, high, nobody)
        alone = [_alone(graph, policy, high, members) for members in runs]
        for figure, deciding, k, base in (
            (bound.cascade, bound.party, 0, base_c),
            (bound.lookthrough, bound.look_party, 1, base_l),
        ):
            best = np.max([base, *(a[k] for a in alone)], axis=0)
            best[seeds] = 1.0
            np.testing.assert_allclose(figure, best, atol=1e-9)
            for i in np.flatnonzero(~seeds).tolist():
                p = int(deciding[i])
                if p < 0:
                    assert best[i] == pytest.approx(base[i], abs=1e-9)
                else:
                    assert alone[p][k][i] == pytest.approx(best[i], abs=1e-9)
                    assert alone[p][k][i] > base[i] - 1e-9
        tainted = np.logical_or.reduce([base_t, seeds, *(a[2] for a in alone)])
        np.testing.assert_array_equal(bound.tainted, tainted)
        if high:
            continue
        for p in {int(p) for p in ev.low.party if p >= 0}:
            np.testing.assert_array_equal(ev.party_tainted.get(p, ev.low.tainted), alone[p][2])
            every = np.arange(n, dtype=np.int64)
            np.testing.assert_array_equal(ev.party_tainted.at(np.full(n, p, dtype=np.int64), every), alone[p][2])
        control = graph.control if policy.control is ControlMode.TAINTS else None
        edges = graph.equity if control is None else [graph.equity, control]
        expected: list[set[str]] = [set() for _ in range(n)]
        for members, (_, _, tainted_p) in zip(parties, alone, strict=True):
            labels = set().union(*(graph.seed_labels[i] for i in members.tolist()))
            reached = downstream(edges, members, tainted_p)
            if policy.method is not Method.CASCADE:
                reached |= downstream(graph.equity, members)
            for i in np.flatnonzero(reached & ~graph.home).tolist():
                expected[i] |= labels
        for i in range(n):
            want = set(graph.seed_labels[i]) if graph.home[i] else expected[i]
            assert set(ev.labels[i]) == want, i


@settings(max_examples=200, deadline=None)
@given(cases())
def test_batched_parties_get_what_each_gets_alone(case: tuple[OwnershipData, Policy]) -> None:
    _check(*case)


class _OnePerBatch:
    """Batches of one party each, and the pair search handing over to the compiled search at once."""

    def __enter__(self) -> None:
        self.saved = parties_module._FIRST_BATCH, parties_module._PAIR_ROUNDS, evaluate_module._BATCH_PAIRS
        parties_module._FIRST_BATCH, parties_module._PAIR_ROUNDS, evaluate_module._BATCH_PAIRS = 1, 0, 0

    def __exit__(self, *_: object) -> None:
        parties_module._FIRST_BATCH, parties_module._PAIR_ROUNDS, evaluate_module._BATCH_PAIRS = self.saved


@settings(max_examples=60, deadline=None)
@given(cases())
def test_one_party_per_batch_and_the_deep_search_agree_too(case: tuple[OwnershipData, Policy]) -> None:
    with _OnePerBatch():
        _check(*case)


@settings(max_examples=150, deadline=None)
@given(cases(declared=True))
def test_declared_interests_give_the_same_whatever_the_batches(case: tuple[OwnershipData, Policy]) -> None:
    # The definition on the whole graph (declarations made outside a party's part count with the
    # declarer's baseline figures), and a party gets the same from a batch of many as from one of its own.
    data, policy = case
    _check(data, policy)
    graph = build_graph(data, policy)
    together = evaluate(graph, policy)
    with _OnePerBatch():
        alone = evaluate(graph, policy)
    for a, b in ((together.low, alone.low), (together.high, alone.high)):
        np.testing.assert_allclose(a.cascade, b.cascade, atol=1e-12)
        np.testing.assert_allclose(a.lookthrough, b.lookthrough, atol=1e-12)
        for name in ("tainted", "via_control", "party", "look_party"):
            np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
        assert (a.declared is None) == (b.declared is None)
        if a.declared is not None and b.declared is not None:
            for name in ("cascade", "lookthrough", "cascade_by", "lookthrough_by"):
                np.testing.assert_allclose(getattr(a.declared, name), getattr(b.declared, name), atol=1e-12)
    assert [together.labels[i] for i in range(graph.n)] == [alone.labels[i] for i in range(graph.n)]
    for p in range(len(together.parties_low)):
        np.testing.assert_array_equal(
            together.party_tainted.get(p, together.low.tainted), alone.party_tainted.get(p, alone.low.tainted)
        )


def test_parties_with_disjoint_and_shared_parts_in_one_batch() -> None:
    # A (CN) 60% of S, B (CN) 60% of T, C (CN) 30% and D (HK) 30% of U, S 100% of V, T 40% of V.
    # Alone: A taints S and V (100%); B taints T, and V gets 40% from it; C and D each give U 30%.
    entities = [Entity(i, i, EntityType.COMPANY, c, ultimate=True) for i, c in [("A", "CN"), ("B", "CN")]]
    entities += [Entity(i, i, EntityType.COMPANY, c, ultimate=True) for i, c in [("C", "CN"), ("D", "HK")]]
    entities += [Entity(i, i, EntityType.COMPANY, "US", ultimate=True) for i in ("S", "T", "U", "V")]
    holdings = (
        Holding("A", "S", Stake.exact(0.6)),
        Holding("B", "T", Stake.exact(0.6)),
        Holding("C", "U", Stake.exact(0.3)),
        Holding("D", "U", Stake.exact(0.3)),
        Holding("S", "V", Stake.exact(0.5)),
        Holding("T", "V", Stake.exact(0.4)),
    )
    data = OwnershipData(tuple(entities), holdings, SOURCE)
    policy = Policy(jurisdictions=frozenset({"CN", "HK"}), aggregate=False, as_of=date(2026, 1, 1))
    graph = build_graph(data, policy)
    ev = evaluate(graph, policy)
    at = graph.index
    assert ev.low.cascade[at["V"]] == pytest.approx(0.5)  # A's S passes its 50%; B's T gives 40%
    assert ev.low.lookthrough[at["V"]] == pytest.approx(0.6 * 0.5)
    assert ev.low.cascade[at["U"]] == pytest.approx(0.3) and not ev.low.tainted[at["U"]]
    assert ev.low.party[at["U"]] == graph.party[at["C"]]  # C and D tie at 30%: the first party keeps it
    assert ev.low.tainted[at["S"]] and ev.low.tainted[at["T"]] and not ev.low.tainted[at["V"]]
    assert ev.low.party[at["V"]] == graph.party[at["A"]]
    assert set(ev.labels[at["U"]]) == {"CN", "HK"}
    assert set(ev.labels[at["V"]]) == {"CN"}
    a_taints = ev.party_tainted.get(int(graph.party[at["A"]]), ev.low.tainted)
    assert a_taints[at["S"]] and not a_taints[at["T"]]


def test_many_parties_are_solved_in_a_few_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    # 300 CN parties, each holding 60% of its own company, which holds 30% of one shared company X.
    # Each party alone taints its company (60%) and gives X 30%: solved as one batch per bound (plus the
    # baseline), not one solve per party.
    entities = [Entity(f"P{i}", f"P{i}", EntityType.PERSON, "CN") for i in range(300)]
    entities += [Entity(f"C{i}", f"C{i}", EntityType.COMPANY, "US", ultimate=True) for i in range(300)]
    entities.append(Entity("X", "X", EntityType.COMPANY, "US", ultimate=True))
    holdings = [Holding(f"P{i}", f"C{i}", Stake.exact(0.6)) for i in range(300)]
    holdings += [Holding(f"C{i}", "X", Stake.exact(0.3 / 100)) for i in range(300)]
    data = OwnershipData(tuple(entities), tuple(holdings), SOURCE)
    policy = Policy(jurisdictions=frozenset({"CN"}), aggregate=False, as_of=date(2026, 1, 1))
    solves = []
    original = evaluate_module._solve

    def counting(*args: object, **kwargs: object) -> object:
        solves.append(args[0])
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(evaluate_module, "_solve", counting)
    graph = build_graph(data, policy)
    ev = evaluate(graph, policy)
    assert len(solves) <= 10
    x = graph.index["X"]
    assert ev.low.cascade[x] == pytest.approx(0.003)  # one company's 0.3%: no party reaches more alone
    assert ev.low.party[x] == 0  # every party ties: the first keeps it
    assert all(ev.low.tainted[graph.index[f"C{i}"]] for i in range(300))
    assert ev.low.lookthrough[x] == pytest.approx(0.6 * 0.003)


def test_a_declared_raise_is_the_deciding_partys_whatever_the_batches() -> None:
    # A, B and C are CN, each a party of its own (0, 1, 2); S is US. B holds 0% of A, A holds 0% of S (a
    # chain from B to S, so B's declared indirect 5% of S is a floor), C holds 30% of S directly.
    # Alone: B taints A (0%) and S's figures are raised from 0 to the declared 5% (cascade: B is tainted;
    # look-through: 1 x 5%); C gives S 30% with no declaration in its part. C decides S's figures (30%),
    # so S shows no raise: neither B's 5% (a party solved earlier in a batch of its own) nor the
    # baseline's (nothing: nobody named taints nobody), whether B and C share a batch or not.
    entities = [Entity(i, i, EntityType.COMPANY, "CN", ultimate=True) for i in ("A", "B", "C")]
    entities.append(Entity("S", "S", EntityType.COMPANY, "US", ultimate=True))
    holdings = (
        Holding("B", "A", Stake.exact(0.0)),
        Holding("A", "S", Stake.exact(0.0)),
        Holding("B", "S", Stake.exact(0.05), indirect=True),
        Holding("C", "S", Stake.exact(0.3)),
    )
    data = OwnershipData(tuple(entities), holdings, SOURCE)
    policy = Policy(jurisdictions=frozenset({"CN"}), aggregate=False, as_of=date(2026, 1, 1))
    graph = build_graph(data, policy)
    s = graph.index["S"]
    together = evaluate(graph, policy)
    with _OnePerBatch():
        alone = evaluate(graph, policy)
    for ev in (together, alone):
        low = ev.low
        assert low.cascade[s] == pytest.approx(0.3) and low.lookthrough[s] == pytest.approx(0.3)
        assert low.party[s] == low.look_party[s] == graph.party[graph.index["C"]]
        assert low.declared is not None
        assert low.declared.cascade[s] == 0.0 and low.declared.cascade_by[s] == -1
        assert low.declared.lookthrough[s] == 0.0 and low.declared.lookthrough_by[s] == -1
        # Home entities are 1 by being home: nothing raised there either.
        assert not low.declared.cascade[graph.home].any() and not low.declared.lookthrough[graph.home].any()
    # The high bound (S's unallocated 70% may belong to any one party) agrees between the batchings too.
    assert together.high.declared is not None and alone.high.declared is not None
    for name in ("cascade", "lookthrough", "cascade_by", "lookthrough_by"):
        np.testing.assert_array_equal(getattr(together.high.declared, name), getattr(alone.high.declared, name))


def test_a_declaration_made_outside_a_party_s_part_still_floors_its_subject() -> None:
    # P (CN) holds 20% of E and 50% of F; U (US, ultimate) 75% of E; G 5% of E, and D holds all of G and
    # declares 30% of E in all (through G). E holds the other 50% of F. Nobody recorded D's owners, so at
    # the high bound D may be wholly watched: its declaration floors E at 1 x 30%. Assessed alone, P is
    # the only party, and D lies outside P's part; on the whole graph with P watched, E's high figure is
    # max(20% + 5% x 1, 30%) = 30%, and F's 50% x 30% + 50% = 65%, past "more than 63%": F is possible.
    # The sub-problem used to drop D's declaration (E 25%, F 62.5%: a wrong "clear").
    def company(i: str, **extra: object) -> Entity:
        return Entity(i, i, EntityType.COMPANY, "US", **extra)  # type: ignore[arg-type]

    data = OwnershipData(
        (
            Entity("P", "P", EntityType.PERSON, "CN"),
            Entity("U", "U", EntityType.PERSON, "US", ultimate=True),
            company("D"),
            company("G"),
            company("E"),
            company("F"),
        ),
        (
            Holding("P", "E", Stake.exact(0.2)),
            Holding("U", "E", Stake.exact(0.75)),
            Holding("G", "E", Stake.exact(0.05)),
            Holding("D", "G", Stake.exact(1.0)),
            Holding("D", "E", Stake.exact(0.3), indirect=True),
            Holding("E", "F", Stake.exact(0.5)),
            Holding("P", "F", Stake.exact(0.5)),
        ),
        SOURCE,
    )
    policy = Policy(
        jurisdictions=frozenset({"CN"}),
        aggregate=False,
        threshold=0.63,
        method=Method.LOOKTHROUGH,
        as_of=date(2026, 1, 1),
    )
    graph = build_graph(data, policy)
    ev = evaluate(graph, policy)
    at = graph.index
    assert ev.high.lookthrough[at["E"]] == pytest.approx(0.3, abs=1e-12)
    assert ev.high.lookthrough[at["F"]] == pytest.approx(0.65, abs=1e-12)
    assert ev.low.lookthrough[at["F"]] == pytest.approx(0.6, abs=1e-12)
    _check(data, policy)


def test_a_declaration_reaches_its_subject_when_no_chain_counts() -> None:
    # E0 (CN) controls E1 by a control row that only reports, E1 holds 0% of E4, and E0 declares 30% of E4
    # (through E1). Under "more than 25%" in the cascade, E0 alone taints E4 by its declaration; E4 was
    # left out of E0's part, since no chain that counts leads there (hypothesis found it).
    data = OwnershipData(
        tuple(Entity(f"E{i}", f"E{i}", EntityType.COMPANY, "US" if i else "CN") for i in (0, 1, 4)),
        (
            Holding("E0", "E1", None, control=True),
            Holding("E0", "E4", Stake.exact(0.3), indirect=True),
            Holding("E1", "E4", Stake.exact(0.0)),
        ),
        SOURCE,
    )
    policy = Policy(
        jurisdictions=frozenset({"CN"}),
        aggregate=False,
        threshold=0.25,
        method=Method.CASCADE,
        control=ControlMode.REPORT,
        as_of=date(2026, 1, 1),
    )
    graph = build_graph(data, policy)
    ev = evaluate(graph, policy)
    e4 = graph.index["E4"]
    assert ev.low.tainted[e4] and ev.low.cascade[e4] == pytest.approx(0.3, abs=1e-12)
    assert ev.party_tainted.get(0, ev.low.tainted)[e4]
    _check(data, policy)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.integers(0, 6), st.sampled_from([0.0, -0.0, 0.25, 0.5, 0.5, 1.0])),
        min_size=1,
        max_size=30,
        unique_by=lambda t: (t[0], t[1]),
    )
)
def test_best_pair_per_entity_is_the_largest_figure_then_the_lowest_party(
    rows: list[tuple[int, int, float]],
) -> None:
    # Pairs listed as a batch lists them (by party, then entity); one order by entity serves every figure.
    rows.sort(key=lambda r: (r[0], r[1]))
    party = np.array([r[0] for r in rows], dtype=np.int64)
    entity = np.array([r[1] for r in rows], dtype=np.int64)
    figure = np.array([r[2] for r in rows])
    expected = []
    for e in sorted(set(entity.tolist())):
        at = [k for k in range(len(rows)) if entity[k] == e]
        expected.append(min(at, key=lambda k: (-figure[k], party[k])))
    by_entity = np.argsort(entity, kind="stable").astype(np.int64)
    assert parties_module.best_per_entity(entity, figure, party, by_entity).tolist() == expected
    assert parties_module.best_per_entity(entity, figure, party).tolist() == expected


def test_holders_outside_every_part_that_add_nothing_are_left_out_of_the_sub_problems() -> None:
    # P (CN) holds 60% of C; Q (US) and R (US) hold 10% each of C and are nobody's part, with figures of 0 in
    # the baseline: only P's holding of C can matter to a party (the parts are {P, C}). At the high bound
    # the remainder (20%) of C is unknown, but Q and R are people, ultimate owners: still nothing.
    entities = (
        Entity("P", "P", EntityType.PERSON, "CN"),
        Entity("Q", "Q", EntityType.PERSON, "US"),
        Entity("R", "R", EntityType.PERSON, "US"),
        Entity("C", "C", EntityType.COMPANY, "US"),
    )
    holdings = (
        Holding("P", "C", Stake.exact(0.6)),
        Holding("Q", "C", Stake.exact(0.1)),
        Holding("R", "C", Stake.exact(0.1)),
    )
    policy = Policy(jurisdictions=frozenset({"CN"}), aggregate=False, as_of=date(2026, 1, 1))
    graph = build_graph(OwnershipData(entities, holdings, SOURCE), policy)
    at = graph.index
    for high in (False, True):
        offset = graph.remainder if high else np.zeros(graph.n)
        base = evaluate_module._aggregate(graph, policy, np.zeros(graph.n, dtype=np.bool_), offset, None, high)
        parties = [np.array([at["P"]], dtype=np.int64)]
        kept = evaluate_module._incoming_that_count(graph.equity, [graph.equity], parties, base)
        assert kept.subject.tolist() == [at["P"]] and kept.holder.tolist() == [at["C"]]
    ev = evaluate(graph, policy)
    assert ev.low.cascade[at["C"]] == pytest.approx(0.6) and ev.low.tainted[at["C"]]
    assert ev.high.cascade[at["C"]] == pytest.approx(0.8)
    _check(OwnershipData(entities, holdings, SOURCE), policy)


def test_per_party_bounds_run_side_by_side_on_large_graphs(monkeypatch: pytest.MonkeyPatch) -> None:
    # Past the size where the aggregated bounds share two threads, the per-party bounds do too (they share
    # only read-only arrays), and each still gets what every party gets alone.
    import threading

    monkeypatch.setattr(evaluate_module, "_PARALLEL_HOLDINGS", 0)
    threads: dict[bool, str] = {}
    original = evaluate_module._per_party

    def recording(*args: object, **kwargs: object) -> object:
        threads[bool(kwargs["high"])] = threading.current_thread().name
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(evaluate_module, "_per_party", recording)
    entities = [Entity(i, i, EntityType.COMPANY, c) for i, c in [("A", "CN"), ("B", None), ("S", "US"), ("T", "US")]]
    holdings = (
        Holding("A", "S", Stake(0.4, 0.6)),
        Holding("B", "S", Stake.exact(0.3)),
        Holding("S", "T", Stake.exact(0.7)),
    )
    data = OwnershipData(tuple(entities), holdings, SOURCE)
    policy = Policy(jurisdictions=frozenset({"CN"}), aggregate=False, as_of=date(2026, 1, 1))
    _check(data, policy)
    assert set(threads) == {False, True} and threads[False] != threads[True]


def test_a_cross_holding_reached_by_many_parties_is_factored_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # 40 CN parties each hold 1% of X; X and Y hold 30% of each other (a cross-holding every party reaches,
    # with no party inside it). Alone, party i gives X 1% / (1 - 0.3 x 0.3) and Y 0.3 times that.
    import scipy.linalg

    from ownership.engine import lookthrough as lookthrough_module

    factored: list[int] = []
    original = scipy.linalg.lu

    def counting(a: np.ndarray, **kwargs: object) -> object:
        factored.append(a.shape[0] if a.ndim == 3 else 1)
        return original(a, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(lookthrough_module.scipy.linalg, "lu", counting)
    entities = [Entity(f"P{i}", f"P{i}", EntityType.PERSON, "CN") for i in range(40)]
    entities += [Entity(i, i, EntityType.COMPANY, "US") for i in ("X", "Y")]
    holdings = [Holding(f"P{i}", "X", Stake.exact(0.01)) for i in range(40)]
    holdings += [Holding("X", "Y", Stake.exact(0.3)), Holding("Y", "X", Stake.exact(0.3))]
    data = OwnershipData(tuple(entities), tuple(holdings), SOURCE)
    policy = Policy(jurisdictions=frozenset({"CN"}), aggregate=False, as_of=date(2026, 1, 1))
    graph = build_graph(data, policy)
    ev = evaluate(graph, policy)
    # One block per solve (the baseline and one batch, per bound), not one per party.
    assert sum(factored) <= 4
    x, y = graph.index["X"], graph.index["Y"]
    assert ev.low.lookthrough[x] == pytest.approx(0.01 / 0.91, abs=1e-12)
    assert ev.low.lookthrough[y] == pytest.approx(0.3 * 0.01 / 0.91, abs=1e-12)
    assert ev.low.look_party[x] == 0
    _check(data, policy)


@settings(max_examples=100, deadline=None)
@given(
    st.integers(2, 30),
    st.lists(st.tuples(st.integers(0, 29), st.integers(0, 29)), max_size=40),
    st.lists(st.lists(st.integers(0, 29), min_size=1, max_size=3, unique=True), min_size=1, max_size=6),
)
def test_the_pair_search_finds_each_party_s_downstream_part(
    n: int, extra: list[tuple[int, int]], members: list[list[int]]
) -> None:
    # A chain 0 -> 1 -> ... -> n-1 (many levels, so the pairs seen are kept in several runs) with extra
    # holdings (loops included); each party's pairs are exactly what lies downstream of its members.
    holder = [i for i in range(n - 1)] + [a % n for a, _ in extra]
    subject = [i + 1 for i in range(n - 1)] + [b % n for _, b in extra]
    edges = Edges.build(n, np.array(holder, dtype=np.int64), np.array(subject, dtype=np.int64), np.ones(len(holder)))
    starts = [np.array(sorted({m % n for m in ms}), dtype=np.int64) for ms in members]
    found = parties_module.regions([edges], starts, 3)
    for p, start in enumerate(starts):
        mine = found.entity[found.party == p + 3]
        assert mine.tolist() == np.flatnonzero(downstream(edges, start)).tolist()
    assert np.all(np.diff(found.key) > 0)
