"""The rule a check applies (``Policy``) and the choices it is made of."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, TypeVar

from ownership.model.entities import WatchEntry
from ownership.model.stakes import Comparison

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

# Constraints written as text, so that importing the model does not import numpy (``import ownership.model``
# stays light; tests/ownership/test_api.py holds it).
_Column = TypeVar("_Column", "npt.NDArray[np.float64]", "npt.NDArray[np.bool_]")


class Method(StrEnum):
    """Which figure decides a status: the cascade, the look-through, or either of them (the larger)."""

    CASCADE = "cascade"
    LOOKTHROUGH = "lookthrough"
    EITHER = "either"

    @property
    def figures(self) -> tuple[str, ...]:
        """The figures a status is judged on, by name: ("cascade",), ("lookthrough",) or both."""
        if self is Method.EITHER:
            return ("cascade", "lookthrough")
        return (self.value,)

    def deciding(self, cascade: _Column, lookthrough: _Column) -> _Column:
        """Per entity, what the status is judged on, from the two figures' columns (fractions 0..1, or
        whether each passes): one of them, or under ``either`` the larger (for pass flags: either passing).
        Every place that needs the deciding figure asks this, so the choice is made here only."""
        if self is Method.CASCADE:
            return cascade
        if self is Method.LOOKTHROUGH:
            return lookthrough
        import numpy as np

        found: _Column = np.maximum(cascade, lookthrough)
        return found


class HomeBasis(StrEnum):
    HEADQUARTERS = "headquarters"
    INCORPORATION = "incorporation"
    EITHER = "either"


class Weights(StrEnum):
    EQUITY = "equity"
    VOTES = "votes"


class UnrecordedHolders(StrEnum):
    """What an entity with no recorded holders (and not an ultimate owner) is taken to be owned by."""

    UNKNOWN = "unknown"  # unknown owners: its whole equity is an unknown remainder (the default)
    ULTIMATE = "ultimate"  # its own ultimate owner (sheets that list only ultimate owners at the top)


class ControlMode(StrEnum):
    """What control without equity (VIE contracts, board-appointment rights) does in the cascade."""

    REPORT = "report"  # a red flag in the reasons only (OFAC, BIS)
    POSSIBLE = "possible"  # control by a tainted party makes the subject at least possible (judgment test)
    TAINTS = "taints"  # control by a tainted party taints the subject like a majority stake


@dataclass(frozen=True)
class Policy:
    """The rule a check applies: concrete for one as-of date. Thresholds are fractions 0..1.

    Attributes:
        jurisdictions: the watched set J of ISO alpha-2 codes.
        threshold: the figure that flags (0.5 = 50%).
        comparison: more than (gt) or at least (ge).
        pass_through_threshold: when an intermediary becomes tainted in the cascade; None = threshold.
        pass_through_comparison: the comparison for pass-through; None = comparison.
        method: which figure decides the status.
        home: which country makes an entity a home entity.
        aggregate: add the stakes of different home parties together (True), or assess each home entity (or
            each ``group`` of entities acting jointly) alone (False, as UK sanctions do).
        weights: equity or votes (votes where given, equity otherwise).
        control: what control-without-equity rows held by a tainted holder do.
        as_of: holdings valid on this date are used; dated rules are resolved for it.
        allow_overallocation: proceed (rescaling) when a subject's stakes sum above 100%.
        unrecorded_holders: what owns an entity with no recorded holders that is not an ultimate owner.
        watchlist: named parties that are home entities besides the watched countries.
        label_order: taint labels from most to least restrictive (the BIS "most restrictive" label).
        name: the profile or policy name shown in reports.
        description: what the rule is, in a sentence.
        source: the regulation or guidance the parameters follow.
        in_force: whether the rule applies on ``as_of`` (results are shown but do not decide otherwise).
        note: why it is not in force, or what changed on this date.
        origins: where each setting came from ("default", "profile ofac", "exposure.toml", "--threshold").
    """

    jurisdictions: frozenset[str] = frozenset()
    threshold: float = 0.5
    comparison: Comparison = Comparison.GT
    pass_through_threshold: float | None = None
    pass_through_comparison: Comparison | None = None
    method: Method = Method.CASCADE
    home: HomeBasis = HomeBasis.EITHER
    aggregate: bool = True
    weights: Weights = Weights.EQUITY
    control: ControlMode = ControlMode.REPORT
    as_of: date = field(default_factory=date.today)
    allow_overallocation: bool = False
    unrecorded_holders: UnrecordedHolders = UnrecordedHolders.UNKNOWN
    watchlist: tuple[WatchEntry, ...] = ()
    label_order: tuple[str, ...] = ()
    name: str = "custom"
    description: str = ""
    source: str = ""
    in_force: bool = True
    note: str = ""
    origins: dict[str, str] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        # A Policy built by hand may name a choice by its plain text ("lookthrough"); it is made the enum
        # here, once, so that every reader of the policy compares enums (a plain "lookthrough" compared
        # with `is Method.LOOKTHROUGH` would silently fall through to another method).
        for name, kind in _CHOICES:
            value = getattr(self, name)
            if value is not None and not isinstance(value, kind):
                object.__setattr__(self, name, kind(value))

    @property
    def pass_threshold(self) -> float:
        return self.threshold if self.pass_through_threshold is None else self.pass_through_threshold

    @property
    def pass_comparison(self) -> Comparison:
        return self.comparison if self.pass_through_comparison is None else self.pass_through_comparison

    def with_changes(self, **changes: object) -> Policy:
        return replace(self, **changes)  # type: ignore[arg-type]


#: The Policy fields that hold a choice, with its enum.
_CHOICES: tuple[tuple[str, type[StrEnum]], ...] = (
    ("comparison", Comparison),
    ("pass_through_comparison", Comparison),
    ("method", Method),
    ("home", HomeBasis),
    ("weights", Weights),
    ("control", ControlMode),
    ("unrecorded_holders", UnrecordedHolders),
)
