"""The status rule both engines call: the deciding figure's bounds against the threshold."""

from __future__ import annotations

import numpy as np

from ownership.engine.decide import decide, status_codes
from ownership.model import Comparison, ControlMode, Method, Policy


def test_bounds_method_control_and_ties() -> None:
    # Entities: 50% exactly (a tie), 40-60%, cascade 0 but look-through 55%, tainted only by control.
    cascade = (np.array([0.5, 0.4, 0.0, 0.0]), np.array([0.5, 0.6, 0.0, 0.0]))
    look = (np.array([0.5, 0.2, 0.55, 0.0]), np.array([0.5, 0.3, 0.55, 0.0]))
    via = (np.zeros(4, dtype=np.bool_), np.array([False, False, False, True]))
    home = np.zeros(4, dtype=np.bool_)
    policy = Policy(
        jurisdictions=frozenset({"CN"}), threshold=0.5, comparison=Comparison.GE, control=ControlMode.POSSIBLE
    )
    low, high = decide(policy, cascade, look, via)
    assert status_codes(home, low, high, np.where).tolist() == [1, 2, 3, 2]
    either = Policy(jurisdictions=frozenset({"CN"}), method=Method.EITHER)  # more than 50%
    low, high = decide(either, cascade, look, via)
    assert status_codes(home, low, high, np.where).tolist() == [3, 2, 1, 3]
