"""Watch lists on the Spark engine: the same entities are listed, with the same warnings, statuses and figures,
as in memory (``ownership.spark.watchlist`` narrows the entities in Spark; the in-memory rule decides).

The list names one entity by its exact id, one by an id that differs only in case, one by a name written
differently (legal form, punctuation and case), one Chinese name, and one party the data does not hold.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from ownership.model import Entity, EntityType, Holding, OwnershipData, Policy, SourceInfo, Stake, WatchEntry
from ownership.pipeline import check
from ownership.spark.check import spark_check
from ownership.writers.canonical_folder import write_canonical_folder

STATUSES = ("home", "flagged", "possible", "clear")


def _company(i: str, name: str, country: str = "US") -> Entity:
    return Entity(i, name, EntityType.COMPANY, country, ultimate=True)


DATA = OwnershipData(
    (
        _company("X9", "Xeno Nine"),
        _company("U9", "Ultra Nine"),
        _company("sdn-77", "Seventy Seven Trading"),
        _company("HW-01", "Huawei Technologies Co., Ltd."),
        _company("ZX-02", "中兴通讯股份有限公司"),
        _company("CN1", "Beijing Fund", "CN"),
        Entity("A", "A Sub", EntityType.COMPANY, "US"),
        Entity("B", "B Sub", EntityType.COMPANY, "US"),
        Entity("C", "C Sub", EntityType.COMPANY, "US"),
        Entity("M", "M Mid", EntityType.COMPANY, "US"),
        Entity("D", "D Sub", EntityType.COMPANY, "US"),
    ),
    (
        # A: 60% by the entity the list names by id: flagged.
        Holding("X9", "A", Stake.exact(0.6)),
        Holding("CN1", "A", Stake.exact(0.4)),
        # B: 30% by the case-folded id, 30% by the CN fund: 60% together, flagged when CN is watched too.
        Holding("sdn-77", "B", Stake.exact(0.3)),
        Holding("CN1", "B", Stake.exact(0.3)),
        Holding("X9", "B", Stake.exact(0.4)),
        # C, through M: the name match holds 100% of M, M 55% of C.
        Holding("HW-01", "M", Stake.exact(1.0)),
        Holding("M", "C", Stake.exact(0.55)),
        Holding("sdn-77", "C", Stake.exact(0.45)),
        # D: the Chinese name, 25% only (a US company the rest): clear.
        Holding("ZX-02", "D", Stake.exact(0.25)),
        Holding("U9", "D", Stake.exact(0.75)),
    ),
    SourceInfo("watchlist-spark", "0" * 64, "test"),
)

ENTRIES = (
    WatchEntry("X9", None, "SDN"),
    WatchEntry("SDN-77", None, "SDN"),
    WatchEntry(None, "HUAWEI TECHNOLOGIES CO LTD", "Entity List"),
    WatchEntry(None, "中兴通讯", "Entity List"),
    WatchEntry(None, "Nobody Corporation", "SDN"),
)


@pytest.mark.parametrize("countries", [(), ("CN",)])
def test_a_watch_list_lists_the_same_entities_on_spark(spark: Any, tmp_path: Path, countries: tuple[str, ...]) -> None:
    policy = Policy(jurisdictions=frozenset(countries), watchlist=ENTRIES, as_of=date(2026, 6, 30))
    memory = check(DATA, policy)
    folder = tmp_path / "data"
    write_canonical_folder(DATA, folder)
    result = spark_check(spark, str(folder), policy)
    rows = {r["id"]: r for r in result.figures.collect()}
    for v in memory.entities:
        r = rows[v.entity.id]
        assert STATUSES[r["status"]] == v.status.value, v.entity.id
        assert r["cascade_low"] == pytest.approx(v.cascade.low, abs=1e-11)
        assert r["cascade_high"] == pytest.approx(v.cascade.high, abs=1e-11)
        assert r["lookthrough_low"] == pytest.approx(v.lookthrough.low, abs=1e-11)
        assert r["lookthrough_high"] == pytest.approx(v.lookthrough.high, abs=1e-11)
    # By hand: the four listed entities are home; A (60%) and C (through M, 55%) are flagged.
    listed = {"X9", "sdn-77", "HW-01", "ZX-02"} | ({"CN1"} if countries else set())
    assert {i for i, r in rows.items() if r["status"] == 0} == listed
    assert rows["A"]["status"] == 1 and rows["C"]["status"] == 1
    assert rows["B"]["status"] == 1 and rows["B"]["cascade_low"] == pytest.approx(1.0 if countries else 0.7)
    assert STATUSES[rows["D"]["status"]] == "clear"

    def watch(warnings: Any) -> list[tuple[str, str]]:
        return sorted((w.code, w.message) for w in warnings if w.code.startswith("watchlist"))

    assert watch(result.warnings) == watch(memory.warnings)
    assert {code for code, _ in watch(result.warnings)} == {"watchlist_name_match", "watchlist_unmatched"}


def test_a_list_of_exact_ids_alone_needs_no_pass_over_names(spark: Any, tmp_path: Path) -> None:
    from ownership.spark import watchlist

    folder = tmp_path / "data"
    write_canonical_folder(DATA, folder)
    entities = spark.read.parquet(str(folder / "entities.parquet"))
    listed, warnings = watchlist.match(entities, (WatchEntry("X9", None, "SDN"), WatchEntry("A", "ignored", "SDN")))
    assert listed == {"X9": frozenset({"SDN"}), "A": frozenset({"SDN"})}
    assert warnings == ()
