"""Which holdings are in force on a day: one decision (``ownership.prepare.in_force``) that the graph, the
result, the reports and ``convert`` all read."""

from __future__ import annotations

from datetime import date

import numpy as np

from ownership.model import Entity, EntityType, Holding, OwnershipData, Policy, SourceInfo, Stake
from ownership.model.tables import EntityTable, HoldingTable
from ownership.pipeline import check
from ownership.prepare.in_force import holdings_in_force, out_of_date, valid_on
from ownership.reports.chart.data import links_in_force

DAY = date(2024, 6, 30)
SOURCE = SourceInfo("in-force-test", "0" * 64, "test")


def _holding(holder: str, start: date | None, end: date | None) -> Holding:
    return Holding(holder, "S", Stake.exact(0.1), start=start, end=end)


# Both ends inclusive; an open side never limits; either date alone limits.
HOLDINGS = [
    _holding("A", None, None),  # open: in force
    _holding("B", date(2024, 6, 30), None),  # starts that day: in force
    _holding("C", None, date(2024, 6, 30)),  # ends that day: in force
    _holding("D", date(2024, 7, 1), None),  # starts the day after: not
    _holding("E", None, date(2024, 6, 29)),  # ended the day before: not
    _holding("F", date(2020, 1, 1), date(2030, 1, 1)),  # around it: in force
]
EXPECTED = [True, True, True, False, False, True]


def test_in_force_on_the_day_both_ends_inclusive() -> None:
    assert holdings_in_force(HOLDINGS, DAY).tolist() == EXPECTED
    assert [valid_on(h, DAY) for h in HOLDINGS] == EXPECTED


def test_the_columnar_holdings_get_the_same_answer() -> None:
    ids = ["A", "B", "C", "D", "E", "F", "S"]
    entities = EntityTable.of(tuple(Entity(i, i, EntityType.COMPANY, "US") for i in ids))
    table = HoldingTable.of(HOLDINGS, entities)
    assert isinstance(table, HoldingTable)
    assert holdings_in_force(table, DAY).tolist() == EXPECTED


def test_undated_holdings_are_all_in_force() -> None:
    assert holdings_in_force([_holding("A", None, None)] * 3, DAY).tolist() == [True, True, True]
    assert holdings_in_force([], DAY).tolist() == []


def test_why_a_holding_is_not_in_force() -> None:
    assert out_of_date(HOLDINGS[3], DAY) == "starts 2024-07-01"
    assert out_of_date(HOLDINGS[4], DAY) == "ended 2024-06-29"


def test_the_model_no_longer_decides_it() -> None:
    assert not hasattr(Holding, "valid_on")


def test_the_result_and_the_chart_read_the_checks_decision() -> None:
    # Six CN holders of 10% of S each, four of them in force: S's cascade is 40%, and the chart's links are
    # those four holdings, never D's or E's.
    entities = tuple(Entity(i, i, EntityType.COMPANY, "CN", ultimate=True) for i in "ABCDEF")
    data = OwnershipData((*entities, Entity("S", "S", EntityType.COMPANY, "US")), tuple(HOLDINGS), SOURCE)
    result = check(data, Policy(jurisdictions=frozenset({"CN"}), as_of=DAY))
    assert result.holdings_in_force.tolist() == EXPECTED
    assert result.holdings_used == 4
    assert sorted(link.holder for link in links_in_force(result)) == ["A", "B", "C", "F"]
    s = result.verdict("S")
    assert np.isclose(s.cascade.low, 0.4)
