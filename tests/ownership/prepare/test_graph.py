"""build_graph: the decisions between the holdings as read and the graph a policy is evaluated on."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from ownership.errors import InputError, Location
from ownership.model import (
    Entity,
    EntityType,
    Holding,
    HomeBasis,
    OwnershipData,
    Policy,
    SourceInfo,
    Stake,
    Weights,
)
from ownership.prepare.graph import EquityGraph, build_graph
from ownership.prepare.home import home_country

AS_OF = date(2026, 6, 30)
FILE = "cap.xlsx"


def at(row: int) -> Location:
    return Location(FILE, "Holdings", row)


def company(entity_id: str, jurisdiction: str | None = "GB", headquarters: str | None = None) -> Entity:
    """A company that is its own ultimate owner when it has no holders (unknown owners are tested apart)."""
    return Entity(entity_id, f"{entity_id} Ltd", EntityType.COMPANY, jurisdiction, headquarters, ultimate=True)


def exact(percent: float) -> Stake:
    return Stake.exact(percent / 100)


def graph(
    entities: list[Entity], holdings: list[Holding], *, jurisdictions: tuple[str, ...] = ("CN",), **policy: object
) -> EquityGraph:
    data = OwnershipData(tuple(entities), tuple(holdings), SourceInfo(FILE, "0" * 64, "workbook"))
    return build_graph(data, Policy(frozenset(jurisdictions), as_of=AS_OF, **policy))  # type: ignore[arg-type]


def codes(g: EquityGraph) -> list[str]:
    return [w.code for w in g.warnings]


def edges(g: EquityGraph) -> dict[tuple[str, str], float]:
    ids = [e.id for e in g.entities]
    return {
        (ids[h], ids[s]): pytest.approx(w)
        for h, s, w in zip(g.equity.holder.tolist(), g.equity.subject.tolist(), g.equity.weight.tolist(), strict=True)
    }


def remainder(g: EquityGraph) -> dict[str, float]:
    return {e.id: pytest.approx(float(r)) for e, r in zip(g.entities, g.remainder.tolist(), strict=True)}


ABS = [company("A"), company("B"), company("S")]


# ---------------------------------------------------------------------------------------------------------
# As-of date
# ---------------------------------------------------------------------------------------------------------


def test_as_of_filtering_is_inclusive_at_both_ends() -> None:
    day = timedelta(days=1)
    entities = [company(x) for x in ("A", "B", "C", "D", "S")]
    holdings = [
        Holding("A", "S", exact(10), end=AS_OF, where=at(2)),
        Holding("B", "S", exact(10), end=AS_OF - day, where=at(3)),
        Holding("C", "S", exact(10), start=AS_OF, where=at(4)),
        Holding("D", "S", exact(10), start=AS_OF + day, where=at(5)),
        Holding("A", "B", exact(10), start=AS_OF - day, end=AS_OF + day, where=at(6)),
    ]
    g = graph(entities, holdings)
    assert [(h.holder, h.subject) for h in g.holdings] == [("A", "S"), ("C", "S"), ("A", "B")]
    assert codes(g) == ["out_of_date", "out_of_date"]
    ended, starts = g.warnings
    assert ended.where == at(3)
    assert f"ended {AS_OF - day}" in ended.message
    assert str(AS_OF) in ended.message
    assert starts.where == at(5)
    assert f"starts {AS_OF + day}" in starts.message
    assert remainder(g)["S"] == pytest.approx(0.8)


def test_out_of_date_holdings_do_not_count_towards_over_allocation() -> None:
    holdings = [
        Holding("A", "S", exact(60), end=date(2024, 6, 30), where=at(2)),
        Holding("B", "S", exact(60), start=date(2024, 7, 1), where=at(3)),
    ]
    g = graph(ABS, holdings)
    assert edges(g) == {("B", "S"): 0.6}
    assert codes(g) == ["out_of_date"]


# ---------------------------------------------------------------------------------------------------------
# Self-holdings and duplicates
# ---------------------------------------------------------------------------------------------------------


def test_self_holding_is_excluded_and_left_unallocated() -> None:
    holdings = [Holding("A", "S", exact(60), where=at(2)), Holding("S", "S", exact(10), where=at(3))]
    g = graph(ABS, holdings)
    assert edges(g) == {("A", "S"): 0.6}
    assert codes(g) == ["self_holding"]
    assert g.warnings[0].where == at(3)
    assert "S holds its own shares" in g.warnings[0].message
    assert remainder(g) == {"A": 0.0, "B": 0.0, "S": 0.4}


def test_duplicate_holder_subject_rows_are_summed_with_a_warning() -> None:
    holdings = [
        Holding("A", "S", exact(30), source="register", where=at(2)),
        Holding("B", "S", exact(10), where=at(3)),
        Holding("A", "S", exact(20), control=True, where=at(5)),
    ]
    g = graph(ABS, holdings)
    assert edges(g) == {("A", "S"): 0.5, ("B", "S"): 0.1}
    merged = g.holdings[0]
    assert (merged.holder, merged.subject, merged.control, merged.source, merged.where) == (
        "A",
        "S",
        True,
        "register",
        at(2),
    )
    assert merged.stake == Stake(pytest.approx(0.5), pytest.approx(0.5))
    assert codes(g) == ["duplicate_holding"]
    warning = g.warnings[0]
    assert warning.where == at(2)
    assert "appears 2 times (rows 2, 5)" in warning.message
    assert "50%" in warning.message
    assert remainder(g)["S"] == pytest.approx(0.4)


def test_duplicate_ranges_are_summed_and_capped_at_100() -> None:
    holdings = [
        Holding("A", "S", Stake(0.2, 0.6), where=at(2)),
        Holding("A", "S", Stake(0.3, 0.7), where=at(3)),
    ]
    g = graph(ABS, holdings)
    assert edges(g) == {("A", "S"): 0.5}
    assert g.high.tolist() == [1.0]
    assert remainder(g)["S"] == pytest.approx(0.5)


# ---------------------------------------------------------------------------------------------------------
# Over-allocation
# ---------------------------------------------------------------------------------------------------------


OVER = [Holding("A", "S", exact(70), where=at(2)), Holding("B", "S", exact(50), where=at(3))]


def test_over_allocation_is_an_error_naming_the_subject_and_rows() -> None:
    with pytest.raises(InputError) as info:
        graph(ABS, OVER)
    error = info.value
    assert error.where == at(2)
    assert "S (S Ltd)" in error.reason
    assert "120%" in error.reason
    assert "rows 2, 3" in error.reason
    assert "--allow-overallocation" in error.reason
    assert error.more == 0


def test_over_allocation_counts_the_other_over_allocated_subjects() -> None:
    entities = [*ABS, company("T")]
    holdings = [*OVER, Holding("A", "T", exact(80), where=at(4)), Holding("B", "T", exact(30), where=at(5))]
    with pytest.raises(InputError) as info:
        graph(entities, holdings)
    assert info.value.more == 1


def test_over_allocation_within_tolerance_is_fine() -> None:
    thirds = [Holding(x, "S", Stake.exact(1 / 3)) for x in ("A", "B", "C")]
    g = graph([*ABS, company("C")], thirds)
    assert remainder(g)["S"] == pytest.approx(0.0)
    assert g.warnings == ()


def test_allowed_over_allocation_is_rescaled_to_100_percent_with_a_warning() -> None:
    g = graph(ABS, OVER, allow_overallocation=True)
    assert edges(g) == {("A", "S"): 70 / 120, ("B", "S"): 50 / 120}
    assert g.high.tolist() == pytest.approx([70 / 120, 50 / 120])
    assert float(g.equity.weight.sum()) == pytest.approx(1.0)
    assert codes(g) == ["overallocated"]
    warning = g.warnings[0]
    assert warning.where == at(2)
    assert "S sum to 120%" in warning.message
    assert "rows 2, 3" in warning.message
    assert remainder(g)["S"] == pytest.approx(0.0)


def test_rescaled_ranges_keep_low_at_most_high() -> None:
    holdings = [Holding("A", "S", Stake(0.5, 0.9), where=at(2)), Holding("B", "S", exact(70), where=at(3))]
    g = graph(ABS, holdings, allow_overallocation=True)
    assert edges(g) == {("A", "S"): 0.5 / 1.2, ("B", "S"): 0.7 / 1.2}
    assert g.high.tolist() == pytest.approx([0.9 / 1.2, 0.7 / 1.2])
    assert np.all(g.equity.weight <= g.high + 1e-12)


def test_rescaled_duplicates_keep_low_at_most_high() -> None:
    # A -> S twice at 60% sums to a low of 120% but the high is capped at 100% before rescaling;
    # after rescaling the edge must still be an interval (low <= high).
    holdings = [
        Holding("A", "S", exact(60), where=at(2)),
        Holding("A", "S", exact(60), where=at(3)),
        Holding("B", "S", exact(20), where=at(4)),
    ]
    g = graph(ABS, holdings, allow_overallocation=True)
    assert codes(g) == ["duplicate_holding", "overallocated"]
    assert float(g.equity.weight.sum()) == pytest.approx(1.0)
    assert np.all(g.equity.weight <= g.high + 1e-12), (g.equity.weight.tolist(), g.high.tolist())


# ---------------------------------------------------------------------------------------------------------
# Remainder
# ---------------------------------------------------------------------------------------------------------


def test_remainder_is_one_minus_the_low_stakes_and_zero_without_holders() -> None:
    entities = [*ABS, company("T")]
    holdings = [
        Holding("A", "S", Stake(0.25, 0.5)),
        Holding("B", "S", exact(30)),
        Holding("A", "T", exact(100)),
    ]
    g = graph(entities, holdings)
    assert remainder(g) == {"A": 0.0, "B": 0.0, "S": 0.45, "T": 0.0}
    assert g.has_holders.tolist() == [False, False, True, True]


# ---------------------------------------------------------------------------------------------------------
# Home countries
# ---------------------------------------------------------------------------------------------------------

PERSON = EntityType.PERSON
COMPANY = EntityType.COMPANY


@pytest.mark.parametrize(
    ("kind", "jurisdiction", "headquarters", "basis", "expected"),
    [
        (COMPANY, "KY", "CN", HomeBasis.HEADQUARTERS, ("CN",)),
        (COMPANY, "KY", "CN", HomeBasis.INCORPORATION, ("KY",)),
        (COMPANY, "KY", "CN", HomeBasis.EITHER, ("KY", "CN")),
        (COMPANY, "CN", None, HomeBasis.HEADQUARTERS, ("CN",)),  # missing HQ: incorporation
        (COMPANY, "CN", None, HomeBasis.INCORPORATION, ("CN",)),
        (COMPANY, "CN", None, HomeBasis.EITHER, ("CN",)),
        (COMPANY, None, "CN", HomeBasis.HEADQUARTERS, ("CN",)),
        (COMPANY, None, "CN", HomeBasis.INCORPORATION, ()),
        (COMPANY, None, "CN", HomeBasis.EITHER, ("CN",)),
        (COMPANY, "CN", "CN", HomeBasis.EITHER, ("CN",)),
        (PERSON, "CN", "HK", HomeBasis.HEADQUARTERS, ("CN", "HK")),
        (PERSON, "CN", "HK", HomeBasis.INCORPORATION, ("CN", "HK")),
        (PERSON, "CN", "HK", HomeBasis.EITHER, ("CN", "HK")),
        (PERSON, None, "HK", HomeBasis.INCORPORATION, ("HK",)),
        (PERSON, "CN", "CN", HomeBasis.INCORPORATION, ("CN",)),
        (COMPANY, None, None, HomeBasis.HEADQUARTERS, ()),
        (COMPANY, None, None, HomeBasis.INCORPORATION, ()),
        (COMPANY, None, None, HomeBasis.EITHER, ()),
        (PERSON, None, None, HomeBasis.EITHER, ()),
    ],
)
def test_home_country(
    kind: EntityType, jurisdiction: str | None, headquarters: str | None, basis: HomeBasis, expected: tuple[str, ...]
) -> None:
    assert home_country(Entity("X", "X", kind, jurisdiction, headquarters), basis) == expected


MASK_ENTITIES = [
    Entity("KY-CN", "Cayman, HQ China", COMPANY, "KY", "CN"),
    Entity("CN", "China", COMPANY, "CN", None),
    Entity("HQ-ONLY", "HQ only", COMPANY, None, "CN"),
    Entity("GB", "British", COMPANY, "GB", None),
    Entity("PERSON", "Person", PERSON, "SG", "CN"),
    Entity("NOTHING", "Nothing known", COMPANY, None, None),
    Entity("NOMINEE", "Nominee", declared=False),
]


@pytest.mark.parametrize(
    ("basis", "home", "unknown"),
    [
        (HomeBasis.HEADQUARTERS, ["KY-CN", "CN", "HQ-ONLY", "PERSON"], ["NOTHING", "NOMINEE"]),
        (HomeBasis.INCORPORATION, ["CN", "PERSON"], ["HQ-ONLY", "NOTHING", "NOMINEE"]),
        (HomeBasis.EITHER, ["KY-CN", "CN", "HQ-ONLY", "PERSON"], ["NOTHING", "NOMINEE"]),
    ],
)
def test_home_and_unknown_home_masks(basis: HomeBasis, home: list[str], unknown: list[str]) -> None:
    g = graph(MASK_ENTITIES, [], home=basis)
    ids = [e.id for e in g.entities]
    assert [ids[i] for i in np.flatnonzero(g.home)] == home
    assert [ids[i] for i in np.flatnonzero(g.unknown_home)] == unknown
    assert not np.any(g.home & g.unknown_home)
    # Undeclared entities are already reported by the reader (unknown_reference): no second warning.
    warned = [w.message.split()[0] for w in g.warnings if w.code == "unknown_country"]
    assert warned == [x for x in unknown if x != "NOMINEE"]


def test_several_watched_jurisdictions() -> None:
    g = graph(MASK_ENTITIES, [], jurisdictions=("GB", "SG"), home=HomeBasis.EITHER)
    ids = [e.id for e in g.entities]
    assert [ids[i] for i in np.flatnonzero(g.home)] == ["GB", "PERSON"]


def test_unknown_country_warning_names_where_the_entity_was_declared() -> None:
    where = Location(FILE, "Entities", 7)
    g = graph([Entity("X", "X", COMPANY, where=where)], [])
    # X has no recorded holders and no ultimate mark either: its owners are unknown too.
    assert codes(g) == ["unknown_country", "unknown_owners"]
    assert g.warnings[0].where == where


# ---------------------------------------------------------------------------------------------------------
# Weights and control
# ---------------------------------------------------------------------------------------------------------


VOTING = [
    Holding("A", "S", exact(30), votes=exact(60)),
    Holding("B", "S", exact(40)),
]


def test_equity_weights_ignore_votes() -> None:
    assert edges(graph(ABS, VOTING)) == {("A", "S"): 0.3, ("B", "S"): 0.4}


def test_votes_weights_use_votes_where_given_and_equity_otherwise() -> None:
    g = graph(ABS, VOTING, weights=Weights.VOTES)
    assert edges(g) == {("A", "S"): 0.6, ("B", "S"): 0.4}
    assert remainder(g)["S"] == pytest.approx(0.0)


def test_votes_only_row_counts_only_under_votes() -> None:
    holdings = [Holding("A", "S", None, votes=exact(51))]
    assert edges(graph(ABS, holdings)) == {}
    assert edges(graph(ABS, holdings, weights=Weights.VOTES)) == {("A", "S"): 0.51}


def test_control_only_rows_land_in_control_not_in_equity() -> None:
    holdings = [
        Holding("A", "S", None, control=True, where=at(2)),
        Holding("B", "S", exact(100), where=at(3)),
        Holding("A", "B", exact(40), control=True, where=at(4)),
    ]
    g = graph(ABS, holdings)
    assert edges(g) == {("B", "S"): 1.0, ("A", "B"): 0.4}
    ids = [e.id for e in g.entities]
    control = sorted(
        (ids[h], ids[s], w)
        for h, s, w in zip(
            g.control.holder.tolist(), g.control.subject.tolist(), g.control.weight.tolist(), strict=True
        )
    )
    assert control == [("A", "B", 1.0), ("A", "S", 1.0)]
    assert [(h.holder, h.subject, h.stake) for h in g.control_holdings] == [
        ("A", "S", None),
        ("A", "B", exact(40)),
    ]
    assert remainder(g) == {"A": 0.0, "B": 0.6, "S": 0.0}


def test_control_only_subject_has_no_equity_holders() -> None:
    g = graph(ABS, [Holding("A", "S", None, control=True)])
    assert g.equity.holder.size == 0
    assert g.has_holders.tolist() == [False, False, False]
    assert remainder(g) == {"A": 0.0, "B": 0.0, "S": 0.0}
    assert g.control.holder.tolist() == [0]
    assert g.control.subject.tolist() == [2]


def test_empty_holdings() -> None:
    g = graph(ABS, [])
    assert g.n == 3
    assert g.equity.holder.size == 0
    assert g.control.holder.size == 0
    assert g.remainder.tolist() == [0.0, 0.0, 0.0]
    assert g.index == {"A": 0, "B": 1, "S": 2}


def test_edges_are_indexed_by_entity_order_and_grouped_by_holder() -> None:
    holdings = [Holding("B", "S", exact(10)), Holding("A", "S", exact(20)), Holding("A", "B", exact(30))]
    g = graph(ABS, holdings)
    assert g.equity.holder.tolist() == [1, 0, 0]
    assert g.equity.subject.tolist() == [2, 2, 1]
    assert g.equity.out_of(np.array([0])).tolist() == [1, 2]
    assert g.equity.out_of(np.array([1])).tolist() == [0]


def test_to_networkx() -> None:
    holdings = [Holding("A", "S", Stake(0.2, 0.3)), Holding("B", "S", None, control=True)]
    nx_graph = graph(ABS, holdings).to_networkx()
    assert set(nx_graph.nodes) == {"A", "B", "S"}
    assert nx_graph.nodes["A"]["name"] == "A Ltd"
    assert nx_graph.edges["A", "S"] == {"low": 0.2, "high": 0.3, "control": False}
    assert nx_graph.edges["B", "S"] == {"low": 0.0, "high": 0.0, "control": True}


def test_votes_only_rows_are_warned_about_under_equity_weights() -> None:
    from ownership.model import Entity, Holding, OwnershipData, Policy, SourceInfo, Stake, Weights
    from ownership.prepare.graph import build_graph

    data = OwnershipData(
        (Entity("A", "A", jurisdiction="CN"), Entity("B", "B", jurisdiction="GB")),
        (Holding("A", "B", None, votes=Stake.exact(0.6)),),
        SourceInfo("t", "0" * 64, "test"),
    )
    equity = build_graph(data, Policy(jurisdictions=frozenset({"CN"})))
    # Weighing by equity, B has no recorded equity holder: its owners are unknown.
    assert [w.code for w in equity.warnings] == ["votes_only", "unknown_owners"]
    assert equity.equity.holder.size == 0
    votes = build_graph(data, Policy(jurisdictions=frozenset({"CN"}), weights=Weights.VOTES))
    assert "votes_only" not in [w.code for w in votes.warnings]
    assert votes.equity.weight.tolist() == [0.6]


def test_many_holdings_outside_the_as_of_date_are_named_up_to_twenty_then_counted() -> None:
    entities = [company(f"H{k}") for k in range(25)] + [company("S")]
    holdings = [Holding(f"H{k}", "S", exact(1), end=date(2020, 1, 1), where=at(k + 2)) for k in range(25)]
    g = graph(entities, holdings)
    dated = [w for w in g.warnings if w.code == "out_of_date"]
    assert len(dated) == 21
    assert "H19 -> S ended 2020-01-01" in dated[19].message
    assert dated[20].message.startswith("5 more holdings are outside the as-of date 2026-06-30")
    assert "rows 22, 23, 24, 25, 26" in dated[20].message
    assert dated[20].where == at(22)
