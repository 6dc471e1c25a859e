"""The column tables: built from objects they hand the same objects back, and built from columns alone
they build equal objects; the graph and the check read both the same way."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from ownership.errors import Location
from ownership.model import Entity, EntityType, Holding, OwnershipData, Policy, SourceInfo, Stake
from ownership.model.tables import NO_COUNTRY, ArrowTexts, EntityTable, HoldingTable, Places, texts_at
from ownership.pipeline import check
from ownership.readers import read_input

SAMPLE = Path(__file__).resolve().parents[3] / "data" / "samples" / "cap_table.xlsx"
AS_OF = date(2026, 1, 1)


def _entities() -> tuple[Entity, ...]:
    where = Location("e.csv", None, 2)
    return (
        Entity("CN1", "Red Peak", EntityType.COMPANY, "CN", None, where=where),
        Entity("P", "Wang Li", EntityType.PERSON, None, "CN", shares_outstanding=1000.0, group="family"),
        Entity("US1", "Acme", EntityType.FUND, "US", "US", source="registry"),
        Entity("X", "X", declared=False, where=Location("h.csv", None, 7)),
    )


def _holdings() -> tuple[Holding, ...]:
    return (
        Holding("CN1", "US1", Stake(0.25, 0.5), where=Location("h.csv", None, 2)),
        Holding("P", "US1", None, votes=Stake.exact(0.1), control=True, start=date(2020, 1, 1), source="deed"),
        Holding("X", "US1", Stake.exact(0.2), end=date(2030, 6, 30), shares=200.0),
    )


def _without_objects(data: OwnershipData) -> OwnershipData:
    entities = EntityTable.of(data.entities)
    holdings = HoldingTable.of(data.holdings, entities)
    return replace(data, entities=replace(entities, objects=None), holdings=replace(holdings, objects=None))


def test_tables_of_objects_hand_back_the_same_objects() -> None:
    entities = EntityTable.of(_entities())
    holdings = HoldingTable.of(_holdings(), entities)
    assert tuple(entities) == _entities()
    assert entities[1] is _entities()[1] or entities[1] == _entities()[1]
    assert tuple(holdings) == _holdings()
    assert EntityTable.of(entities) is entities


def test_columns_alone_build_equal_objects() -> None:
    entities = replace(EntityTable.of(_entities()), objects=None)
    holdings = replace(HoldingTable.of(_holdings(), entities), objects=None)
    assert tuple(entities) == _entities()
    assert [entities[k] for k in (-1, 0)] == [_entities()[-1], _entities()[0]]
    assert tuple(holdings) == _holdings()
    assert holdings.stake(1) is None
    assert holdings.stake(0) == Stake(0.25, 0.5)


def test_columns_hold_codes_and_fractions() -> None:
    entities = EntityTable.of(_entities())
    assert entities.countries == ("CN", "US")
    assert entities.jurisdiction.tolist() == [0, NO_COUNTRY, 1, NO_COUNTRY]
    assert entities.headquarters.tolist() == [NO_COUNTRY, 0, 1, NO_COUNTRY]
    assert entities.declared.tolist() == [True, True, True, False]
    assert entities.position == {"CN1": 0, "P": 1, "US1": 2, "X": 3}
    holdings = HoldingTable.of(_holdings(), entities)
    assert holdings.holder.tolist() == [0, 1, 3]
    assert np.isnan(holdings.stake_low[1])
    assert holdings.votes_low is not None and holdings.votes_low[1] == 0.1


def test_places_give_locations_by_row_number() -> None:
    places = Places("h.csv", None, np.array([2, 3, 9], dtype=np.int64))
    assert len(places) == 3
    assert places[2] == Location("h.csv", None, 9)
    assert list(places[1:]) == [Location("h.csv", None, 3), Location("h.csv", None, 9)]


@pytest.mark.parametrize("aggregate", [True, False])
def test_check_reads_columns_as_it_reads_objects(aggregate: bool) -> None:
    data = read_input(SAMPLE)
    policy = Policy(frozenset({"CN"}), as_of=AS_OF, aggregate=aggregate)
    by_objects = check(data, policy)
    by_columns = check(_without_objects(data), policy)
    assert list(by_objects.verdicts) == list(by_columns.verdicts)
    assert by_objects.warnings == by_columns.warnings


def test_a_reader_table_reads_like_its_tuple() -> None:
    data = OwnershipData(_entities(), _holdings(), SourceInfo("x", "0", "test"))
    columns = _without_objects(data)
    assert list(columns.entities) == list(data.entities)
    assert list(columns.holdings) == list(data.holdings)


def test_arrow_texts_read_like_the_list() -> None:
    values = ["A1", "", "Gamma, Inc", "δ"]
    texts = ArrowTexts(pa.array(values, type=pa.string()))
    assert len(texts) == 4
    assert [texts[k] for k in range(4)] == values
    assert texts[-1] == "δ" and texts[np.int64(2)] == "Gamma, Inc"
    assert texts[1:3] == values[1:3]
    assert list(texts) == values
    at = np.array([3, 0, 3], dtype=np.int64)
    assert texts_at(texts, at) == texts_at(values, at) == ["δ", "A1", "δ"]
