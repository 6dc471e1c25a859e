"""The result's columns and bulk reasons say exactly what the verdict objects say (hypothesis), so bulk
reports (CSV, Parquet) and the per-entity reports can never disagree."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ownership.model import Comparison, Entity, EntityType, Method, WatchEntry
from ownership.pipeline import check
from ownership.result import Status
from tests.ownership.engine.test_properties import Graph, graphs

SETTINGS = settings(deadline=None, max_examples=150)

rules = st.fixed_dictionaries(
    {
        "threshold": st.sampled_from([0.1, 0.25, 0.5, 0.6]),
        "comparison": st.sampled_from(list(Comparison)),
        "method": st.sampled_from(list(Method)),
        "aggregate": st.booleans(),
    }
)


def _with_people(data: Any, people: set[str]) -> Any:
    # Persons and headquarters change the home sentence; give some entities those.
    entities = tuple(
        replace(e, type=EntityType.PERSON, headquarters=e.jurisdiction) if e.id in people else e for e in data.entities
    )
    return replace(data, entities=entities)


@SETTINGS
@given(graph=graphs(), rule=rules, people=st.sets(st.sampled_from([f"E{i}" for i in range(9)])))
def test_bulk_columns_say_what_the_verdicts_say(
    graph: Graph, rule: dict[str, Any], people: set[str], make_data: Any, make_policy: Any
) -> None:
    data = _with_people(make_data(graph.data_edges(), graph.countries), people)
    result = check(data, make_policy(**rule))
    verdicts = list(result.verdicts)
    bulk = result.verdicts
    assert list(bulk.reasons()) == [v.reason for v in verdicts]
    labels, ranked = bulk.label_columns()
    assert list(labels) == ["; ".join(v.labels) for v in verdicts]
    assert list(ranked) == [v.most_restrictive or "" for v in verdicts]
    f = result.figures
    assert f.cascade_low.tolist() == [v.cascade.low for v in verdicts]
    assert f.lookthrough_high.tolist() == [v.lookthrough.high for v in verdicts]
    assert [f.statuses(i) for i in range(len(verdicts))] == [v.status for v in verdicts]
    counted = {s: sum(v.status is s for v in verdicts) for s in Status}
    assert result.counts() == counted
    by_rank = sorted(verdicts, key=lambda v: (not v.decides, v.status.rank))
    assert [v.entity.id for v in result.ordered()] == [v.entity.id for v in by_rank]


def test_the_home_sentence_is_built_once_per_kind_of_home_entity(make_data: Any, make_policy: Any) -> None:
    data = make_data([("A", "T", 0.3), ("B", "T", 0.3), ("C", "T", 0.3)], {"A": "CN", "B": "CN", "C": "CN", "T": "US"})
    data = replace(
        data,
        entities=(
            *data.entities[:2],
            Entity("C", "C name", EntityType.PERSON, "CN", "CN"),
            *data.entities[3:],
        ),
    )
    result = check(data, make_policy())
    reasons = dict(zip(result.verdicts.entities.ids, result.verdicts.reasons(), strict=True))
    assert reasons["A"] == reasons["B"] == "home entity: incorporated in CN"
    assert reasons["C"] == "home entity: a CN national or resident"
    assert reasons["T"] == "cascade 90% > 50%: held by tainted holders A 30% (home), B 30% (home), C 30% (home)"


def test_label_columns_with_watch_lists_say_what_the_verdicts_say(make_data: Any, make_policy: Any) -> None:
    # W is on two lists, L on one; A is held by both, B by L only; H is CN and on a list; C is held by H and
    # by K (CN), D by K alone.
    data = make_data(
        [("W", "A", 0.6), ("L", "A", 0.3), ("L", "B", 0.9), ("K", "C", 0.8), ("H", "C", 0.1), ("K", "D", 0.7)],
        {"W": "US", "L": "US", "K": "CN", "H": "CN", "A": "US", "B": "US", "C": "US", "D": "US"},
    )
    lists = (WatchEntry("W", None, "Entity List"), WatchEntry("W", None, "SDN"), WatchEntry("L", None, "SDN"))
    lists += (WatchEntry("H", None, "MEU List"),)
    policy = make_policy(watchlist=lists, label_order=("Entity List", "MEU List", "SDN"))
    result = check(data, policy)
    verdicts = list(result.verdicts)
    labels, ranked = result.verdicts.label_columns()
    assert list(labels) == ["; ".join(v.labels) for v in verdicts]
    assert list(ranked) == [v.most_restrictive or "" for v in verdicts]
    by_id = dict(zip(result.verdicts.entities.ids, labels, strict=True))
    assert by_id["A"] == "Entity List; SDN"
    assert by_id["B"] == "SDN"
    assert by_id["C"] == "CN; MEU List"
    assert by_id["D"] == "CN"
    assert by_id["H"] == "CN; MEU List"
    assert dict(zip(result.verdicts.entities.ids, ranked, strict=True))["C"] == "MEU List"
