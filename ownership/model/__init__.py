"""The domain model: entities, holdings, stakes and the rule a check applies.

All stakes and thresholds are fractions 0..1 inside the engine; percentages appear only at the edges
(input cells, CLI flags, reports). The column tables (``ownership.model.tables``) and the country names
(``ownership.model.countries``) are imported from their modules, so that importing the model stays light.
"""

from __future__ import annotations

from ownership.model.entities import (
    CountryKind,
    Entity,
    EntityType,
    Holding,
    OwnershipData,
    SourceInfo,
    WatchEntry,
)
from ownership.model.rules import ControlMode, HomeBasis, Method, Policy, UnrecordedHolders, Weights
from ownership.model.stakes import EXCLUSIVE_NUDGE, TOLERANCE, Comparison, Stake, passes, pct_text

__all__ = [
    "EXCLUSIVE_NUDGE",
    "TOLERANCE",
    "Comparison",
    "ControlMode",
    "CountryKind",
    "Entity",
    "EntityType",
    "Holding",
    "HomeBasis",
    "Method",
    "OwnershipData",
    "Policy",
    "SourceInfo",
    "Stake",
    "UnrecordedHolders",
    "WatchEntry",
    "Weights",
    "passes",
    "pct_text",
]
