"""Which figure decides a status: ``Method.deciding`` makes the choice once; the result, the reasons, the
terminal table and the chart read it."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from ownership.model import Comparison, Entity, EntityType, Holding, Method, OwnershipData, Policy, SourceInfo, Stake
from ownership.pipeline import check
from ownership.reports.chart.structure import _figure

CASCADE = np.array([0.6, 0.0, 0.3])
LOOKTHROUGH = np.array([0.36, 0.4, 0.5])


@pytest.mark.parametrize(
    ("method", "expected", "names"),
    [
        (Method.CASCADE, [0.6, 0.0, 0.3], ("cascade",)),
        (Method.LOOKTHROUGH, [0.36, 0.4, 0.5], ("lookthrough",)),
        (Method.EITHER, [0.6, 0.4, 0.5], ("cascade", "lookthrough")),
    ],
)
def test_the_deciding_figure_per_method(method: Method, expected: list[float], names: tuple[str, ...]) -> None:
    assert method.deciding(CASCADE, LOOKTHROUGH).tolist() == expected
    assert method.figures == names


def test_pass_flags_decide_as_figures_do() -> None:
    cascade, look = np.array([True, False, False]), np.array([False, True, False])
    assert Method.CASCADE.deciding(cascade, look).tolist() == [True, False, False]
    assert Method.LOOKTHROUGH.deciding(cascade, look).tolist() == [False, True, False]
    assert Method.EITHER.deciding(cascade, look).tolist() == [True, True, False]


def _chain() -> OwnershipData:
    """P (CN) -60-> H -60-> T, Q (US) holding the other 40% of H and of T."""
    entities = (
        Entity("P", "P", EntityType.COMPANY, "CN", ultimate=True),
        Entity("Q", "Q", EntityType.COMPANY, "US", ultimate=True),
        Entity("H", "H", EntityType.COMPANY, "US"),
        Entity("T", "T", EntityType.COMPANY, "US"),
    )
    holdings = (
        Holding("P", "H", Stake.exact(0.6)),
        Holding("H", "T", Stake.exact(0.6)),
        Holding("Q", "H", Stake.exact(0.4)),
        Holding("Q", "T", Stake.exact(0.4)),
    )
    return OwnershipData(entities, holdings, SourceInfo("method-test", "0" * 64, "test"))


@pytest.mark.parametrize(
    ("method", "figure", "box"),
    [(Method.CASCADE, 0.6, "60%"), (Method.LOOKTHROUGH, 0.36, "36%"), (Method.EITHER, 0.6, "60% / lt 36%")],
)
def test_the_result_says_which_figure_decides(method: Method, figure: float, box: str) -> None:
    # P (CN) -60-> H -60-> T, Q (US) holds the other 40% of each: T's cascade is 60% (H is tainted), its
    # look-through 36%, both exact.
    data = _chain()
    result = check(data, Policy(jurisdictions=frozenset({"CN"}), method=method, as_of=date(2026, 1, 1)))
    t = result.entities.entities.position["T"]
    assert result.deciding_figure()[t] == pytest.approx(figure)
    assert result.deciding_figure(high=True)[t] == pytest.approx(figure)
    v = result.verdict("T")
    assert [f.low for f in result.deciding_figures(v)] == pytest.approx(
        [0.6, 0.36] if method is Method.EITHER else [figure]
    )
    assert _figure(v, result) == box


def test_a_policy_built_with_the_plain_name_decides_by_that_figure() -> None:
    # The same P -60-> H -60-> T as above (Q holds the rest): at "more than 50%", T's cascade (60%) passes and
    # its look-through (36%) does not, so method "lookthrough" given as a plain string leaves T clear.
    data = _chain()
    policy = Policy(jurisdictions=frozenset({"CN"}), method="lookthrough", as_of=date(2026, 1, 1))  # type: ignore[arg-type]
    result = check(data, policy)
    assert result.verdict("T").status.value == "clear"
    assert result.verdict("H").status.value == "flagged"  # 60% either way


def test_the_reason_names_the_figure_a_plain_name_chooses() -> None:
    # P (CN) holds 40% of T directly and Q (US) 60%: under "at least 40%" by look-through, T is flagged at 40%,
    # and the reason quotes the look-through figure, the method given as a plain string.
    entities = (
        Entity("P", "P", EntityType.COMPANY, "CN", ultimate=True),
        Entity("Q", "Q", EntityType.COMPANY, "US", ultimate=True),
        Entity("T", "T", EntityType.COMPANY, "US"),
    )
    holdings = (Holding("P", "T", Stake.exact(0.4)), Holding("Q", "T", Stake.exact(0.6)))
    data = OwnershipData(entities, holdings, SourceInfo("method-test", "0" * 64, "test"))
    policy = Policy(
        jurisdictions=frozenset({"CN"}),
        method="lookthrough",  # type: ignore[arg-type]
        threshold=0.4,
        comparison=Comparison.GE,
        as_of=date(2026, 1, 1),
    )
    t = check(data, policy).verdict("T")
    assert t.status.value == "flagged"
    assert t.reason.startswith("look-through 40%")
