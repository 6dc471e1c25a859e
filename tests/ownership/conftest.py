"""Helpers shared by the engine, prepare and explain tests, exposed as (session-scoped) fixtures.

They are fixtures rather than importable functions because the test tree has no ``__init__.py`` files, so
several ``conftest`` modules would compete for the same module name on import.

Conventions:

* ``edges`` are plain tuples ``(holder, subject, stake)`` where ``stake`` is a fraction (float) or a
  ``Stake``; a fourth element, a dict, passes extra ``Holding`` fields (``{"control": True}``). A stake of
  ``None`` makes a control-only row.
* ``countries`` maps entity ids to an ISO code, or to ``None`` for an unknown country. Entities that appear
  only in ``edges`` get ``OUTSIDE`` ("US"), a country outside the watched set ``{"CN"}``.
* Every entity is marked ultimate (``Entity.ultimate``): one without holders is its own ultimate owner, as the
  worked examples of the regulators assume. Tests of unknown owners build their own data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np
import pytest

from ownership.engine.edges import Edges
from ownership.errors import DataWarning
from ownership.model import Entity, EntityType, Holding, OwnershipData, Policy, SourceInfo, Stake
from ownership.pipeline import check
from ownership.result import EntityVerdict

HOME = "CN"
OUTSIDE = "US"
AS_OF = date(2025, 1, 1)
SOURCE = SourceInfo(path="engine-test", sha256="0" * 64, format="test")

EdgeSpec = tuple[Any, ...]


def build_data(edges: Iterable[EdgeSpec], countries: Mapping[str, str | None] | None = None) -> OwnershipData:
    """OwnershipData from plain tuples (see the module docstring)."""
    countries = dict(countries or {})
    edges = list(edges)
    ids: list[str] = list(countries)
    for spec in edges:
        for entity_id in spec[:2]:
            if entity_id not in ids:
                ids.append(entity_id)
    entities = tuple(
        Entity(i, f"{i} name", EntityType.COMPANY, jurisdiction=countries.get(i, OUTSIDE), ultimate=True) for i in ids
    )
    holdings = []
    for spec in edges:
        holder, subject, stake = spec[:3]
        extra: dict[str, Any] = dict(spec[3]) if len(spec) > 3 else {}
        if isinstance(stake, int | float):
            stake = Stake.exact(float(stake))
        holdings.append(Holding(holder, subject, stake, **extra))
    return OwnershipData(entities=entities, holdings=tuple(holdings), source=SOURCE)


def build_policy(**changes: Any) -> Policy:
    """The default policy (watched set {CN}, more than 50%, cascade) on a fixed as-of date, with changes."""
    base: dict[str, Any] = {"jurisdictions": frozenset({HOME}), "as_of": AS_OF}
    base.update(changes)
    return Policy(**base)


def run_check(
    edges: Iterable[EdgeSpec], countries: Mapping[str, str | None] | None = None, **policy: Any
) -> tuple[dict[str, EntityVerdict], tuple[DataWarning, ...]]:
    """Check the data under ``build_policy(**policy)``; verdicts by entity id, and the warnings."""
    result = check(build_data(edges, countries), build_policy(**policy))
    return {v.entity.id: v for v in result.verdicts}, result.warnings


def build_edges(n: int, triples: Sequence[tuple[int, int, float]]) -> Edges:
    """Edges over entity indices 0..n-1 from ``(holder, subject, weight)`` triples."""
    holder = np.array([t[0] for t in triples], dtype=np.int64)
    subject = np.array([t[1] for t in triples], dtype=np.int64)
    weight = np.array([t[2] for t in triples], dtype=np.float64)
    return Edges.build(n, holder, subject, weight)


def mask(n: int, members: Iterable[int]) -> np.ndarray:
    """A boolean array of length n, True at ``members``."""
    out = np.zeros(n, dtype=np.bool_)
    out[list(members)] = True
    return out


def named_in(warning: DataWarning, marker: str) -> list[str]:
    """The ids listed at the start of a warning message, before ``marker`` ("A, B would be ...")."""
    head, found, _ = warning.message.partition(marker)
    assert found, f"{marker!r} not in {warning.message!r}"
    return head.split(", ")


@pytest.fixture(scope="session")
def make_data() -> Callable[..., OwnershipData]:
    return build_data


@pytest.fixture(scope="session")
def make_policy() -> Callable[..., Policy]:
    return build_policy


@pytest.fixture(scope="session")
def run() -> Callable[..., tuple[dict[str, EntityVerdict], tuple[DataWarning, ...]]]:
    return run_check


@pytest.fixture(scope="session")
def make_edges() -> Callable[[int, Sequence[tuple[int, int, float]]], Edges]:
    return build_edges


@pytest.fixture(scope="session")
def make_mask() -> Callable[[int, Iterable[int]], np.ndarray]:
    return mask


@pytest.fixture(scope="session")
def warning_names() -> Callable[[DataWarning, str], list[str]]:
    return named_in
