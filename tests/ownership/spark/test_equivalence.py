"""The Spark engine gives the in-memory engine's statuses and figures (within 1e-9 points), in local mode.

Hundreds of seeded random graphs (cross-holdings, ranges, unknown countries and owners, control rows, dates,
duplicates, ties at the threshold) and the worked examples of docs/rules.md are checked as one disjoint union
per policy: components never influence each other, so one Spark run answers for every graph at once, which
keeps the test to a few Spark jobs per policy round. The session is ``tests/conftest.py``'s, shared with the
``--engine spark`` CLI tests on one xdist worker (``SPARK_TESTS`` there), so one JVM starts.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import ownership
from ownership.model import Entity, EntityType, Holding, OwnershipData, SourceInfo, Stake
from ownership.spark.check import spark_check
from ownership.writers.canonical_folder import write_canonical_folder

AS_OF = "2026-06-30"
#: Figures agree to 1e-9 percentage points (fractions 1e-11).
TOLERANCE = 1e-11
COUNTRIES = ("CN", "CN", "US", "GB", "SG", None)

# docs/rules.md section 4's worked examples: (holdings, home entities), each a component of its own.
WORKED = {
    "ofac1": ((("X", "A", 0.5), ("A", "B", 0.5)), "X"),
    "ofac2": ((("X", "A", 0.5), ("X", "B", 0.5), ("A", "C", 0.25), ("B", "C", 0.25)), "X"),
    "ofac3": ((("X", "A", 0.5), ("X", "B", 0.1), ("A", "B", 0.4)), "X"),
    "aggregation": ((("X", "A", 0.25), ("Y", "A", 0.25)), "XY"),
    "diverging": ((("P", "H", 0.6), ("H", "T", 0.6)), "P"),
    "cross": ((("X", "A", 0.8), ("Y", "B", 0.7), ("A", "B", 0.3), ("B", "A", 0.2)), "X"),
    "closed": ((("A", "B", 1.0), ("B", "A", 1.0)), ""),
    "band": ((("P", "T", Stake.between(0.5, 0.75, low_exclusive=True, high_exclusive=True)),), "P"),
    "remainder": ((("X", "T", 0.45),), "X"),
}


def _worked() -> tuple[list[Entity], list[Holding]]:
    entities: list[Entity] = []
    holdings: list[Holding] = []
    for case, (rows, home) in WORKED.items():
        parties = sorted({p for h, s, _ in rows for p in (h, s)})
        for p in parties:
            entities.append(Entity(f"{case}.{p}", p, EntityType.COMPANY, "CN" if p in home else "US", ultimate=True))
        for h, s, stake in rows:
            holdings.append(
                Holding(f"{case}.{h}", f"{case}.{s}", stake if isinstance(stake, Stake) else Stake.exact(stake))
            )
    return entities, holdings


def _random_graph(rng: random.Random, g: int) -> tuple[list[Entity], list[Holding]]:
    n = rng.randint(3, 9)
    ids = [f"g{g}.{k}" for k in range(n)]
    entities = []
    for k, entity_id in enumerate(ids):
        if k == n - 1 and rng.random() < 0.3:
            entities.append(Entity(entity_id, entity_id, declared=False))  # named only in holdings: unknown country
            continue
        kind = rng.choice([EntityType.COMPANY, EntityType.COMPANY, EntityType.PERSON, EntityType.FUND])
        country = rng.choice(COUNTRIES)
        hq = rng.choice((None, None, "CN", "US")) if kind is not EntityType.PERSON else None
        entities.append(Entity(entity_id, entity_id, kind, country, hq, ultimate=rng.random() < 0.5))
    holdings = []
    for subject in ids:
        left = 100  # percentage points still unallocated (stakes drawn in whole and quarter points)
        for holder in rng.sample(ids, rng.randint(0, min(3, n - 1))):
            if holder == subject or left <= 0:
                continue
            draw = rng.random()
            if draw < 0.08:
                holdings.append(Holding(holder, subject, None, control=True))
                continue
            # Ties at the threshold come from round stakes: 50, 25 + 25, 30 + 20...
            low = min(left, rng.choice((10, 20, 25, 30, 40, 50, 50, 60, 51, 49)))
            if draw < 0.25:
                high = min(100, low + rng.choice((5, 10, 25)))
                stake = Stake(low / 100, high / 100)
            else:
                stake = Stake.exact(low / 100)
            left -= low
            start = end = None
            if rng.random() < 0.1:
                end = date(2024, 12, 31)  # ended before the as-of date: ignored
            elif rng.random() < 0.05:
                start = date(2026, 1, 1)
            holdings.append(Holding(holder, subject, stake, start=start, end=end, control=rng.random() < 0.05))
    if holdings and rng.random() < 0.1:
        first = holdings[0]
        if first.stake is not None and first.stake.high <= 0.25:
            holdings.append(first)  # a duplicate row: stakes summed
    return entities, holdings


def _data(graphs: int, seed: int) -> OwnershipData:
    rng = random.Random(seed)
    entities, holdings = _worked()
    for g in range(graphs):
        e, h = _random_graph(rng, g)
        entities += e
        holdings += h
    return OwnershipData(tuple(entities), tuple(holdings), SourceInfo("random", "0" * 64, "test"))


POLICIES = {
    "default": {"jurisdictions": ["CN"]},
    "ge-either-taints": {
        "jurisdictions": ["CN"],
        "comparison": "ge",
        "method": "either",
        "home": "headquarters",
        "control": "taints",
        "threshold": 25,
        "pass_through": 50,
        "pass_through_comparison": "gt",
    },
    "lookthrough-possible": {
        "jurisdictions": ["CN", "GB"],
        "method": "lookthrough",
        "home": "incorporation",
        "control": "possible",
        "unrecorded_holders": "ultimate",
    },
}


def _memory(data: OwnershipData, settings: dict[str, Any]) -> Any:
    # Duplicate rows can take a subject above 100%: rescaled (as allowed), which the Spark engine must match.
    return ownership.check(data, as_of=AS_OF, allow_overallocation=True, **settings)


@pytest.mark.parametrize("name", list(POLICIES))
def test_spark_agrees_with_memory(spark: Any, tmp_path: Path, name: str) -> None:
    data = _data(graphs=120, seed=20 + len(name))
    memory = _memory(data, POLICIES[name])
    folder = tmp_path / "data"
    write_canonical_folder(data, folder)
    result = spark_check(spark, str(folder), memory.policy)
    rows = {r["id"]: r for r in result.figures.collect()}
    assert len(rows) == len(memory.entities)
    names = ("home", "flagged", "possible", "clear")
    disagreements = []
    for v in memory.entities:
        r = rows[v.entity.id]
        spark_figures = (r["cascade_low"], r["cascade_high"], r["lookthrough_low"], r["lookthrough_high"])
        memory_figures = (v.cascade.low, v.cascade.high, v.lookthrough.low, v.lookthrough.high)
        close = all(abs(a - b) <= TOLERANCE for a, b in zip(spark_figures, memory_figures, strict=True))
        if names[r["status"]] != v.status.value or not close:
            disagreements.append((v.entity.id, v.status.value, names[r["status"]], memory_figures, spark_figures))
    assert disagreements == []
    assert result.counts == {s.value: c for s, c in memory.counts().items()}
    assert result.overall == memory.overall().value
    loops = sorted(w.message for w in result.warnings if w.code == "closed_loop")
    assert len(loops) == sum(1 for w in memory.warnings if w.code == "closed_loop")


def test_worked_examples_exact(spark: Any, tmp_path: Path) -> None:
    entities, holdings = _worked()
    data = OwnershipData(tuple(entities), tuple(holdings), SourceInfo("worked", "0" * 64, "test"))
    folder = tmp_path / "worked"
    write_canonical_folder(data, folder, "csv")
    memory = _memory(data, {"jurisdictions": ["CN"], "comparison": "ge"})
    rows = {r["id"]: r for r in spark_check(spark, str(folder), memory.policy).figures.collect()}
    # Hand-computed answers (docs/rules.md section 4), at ">= 50%".
    assert rows["cross.A"]["lookthrough_low"] == pytest.approx(0.8 / 0.94, abs=1e-12)  # 85.1064%
    assert rows["cross.B"]["lookthrough_low"] == pytest.approx(0.24 / 0.94, abs=1e-12)  # 25.5319%
    assert rows["ofac2.C"]["cascade_low"] == pytest.approx(0.5) and rows["ofac2.C"]["status"] == 1
    assert rows["ofac3.B"]["lookthrough_low"] == pytest.approx(0.3)
    assert rows["diverging.T"]["lookthrough_low"] == pytest.approx(0.36)
    assert rows["closed.A"]["lookthrough_high"] == 0.0
    assert rows["band.T"]["status"] == 1
    remainder = rows["remainder.T"]
    assert (remainder["lookthrough_low"], remainder["lookthrough_high"]) == pytest.approx((0.45, 1.0))
