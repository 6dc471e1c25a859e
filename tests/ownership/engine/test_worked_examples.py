"""The worked examples of docs/rules.md (section 4) and OFAC FAQ 401, through ``ownership.pipeline.check``.

Every row gives, per entity, the cascade and look-through figures as ``(low, high)`` bounds and the status.
The watched set is {CN}: ids listed as ``home`` are CN entities, every other entity is US (outside) unless
``unknown`` lists it. Holders named ``rest_*`` are outside holders added only so that the subject is fully
allocated and the high bound equals the low bound; the literal holdings of the examples (without them)
are checked separately for their low bounds, which outside holders cannot change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from ownership.model import EXCLUSIVE_NUDGE, Comparison, Method, Stake
from ownership.result import Status

GE, GT = Comparison.GE, Comparison.GT
HOME, FLAGGED, POSSIBLE, CLEAR = Status.HOME, Status.FLAGGED, Status.POSSIBLE, Status.CLEAR
N = EXCLUSIVE_NUDGE


@dataclass(frozen=True)
class Row:
    """One worked example.

    Attributes:
        edges: ``(holder, subject, stake)`` tuples, stakes as fractions or Stake.
        home: ids of CN entities.
        expected: per entity id, ``(cascade_low, cascade_high, look_low, look_high, status)``.
        policy: changes to the default policy (more than 50%, cascade, watched set {CN}).
        unknown: ids whose country is unknown.
    """

    edges: tuple[tuple[Any, ...], ...]
    home: tuple[str, ...]
    expected: dict[str, tuple[float, float, float, float, Status]]
    policy: dict[str, Any] = field(default_factory=dict)
    unknown: tuple[str, ...] = ()

    def countries(self) -> dict[str, str | None]:
        return {h: "CN" for h in self.home} | dict.fromkeys(self.unknown)


# Section 5 / OFAC FAQ 401 example 1: X -50-> A, A -50-> B.
OFAC_1 = (("X", "A", 0.5), ("rest_A", "A", 0.5), ("A", "B", 0.5), ("rest_B", "B", 0.5))
# Section 5 / OFAC FAQ 401 example 2: X -50-> A, X -50-> B, A -25-> C, B -25-> C.
OFAC_2 = (
    ("X", "A", 0.5),
    ("rest_A", "A", 0.5),
    ("X", "B", 0.5),
    ("rest_B", "B", 0.5),
    ("A", "C", 0.25),
    ("B", "C", 0.25),
    ("rest_C", "C", 0.5),
)
# Section 5 / OFAC FAQ 401 example 3: X -50-> A, X -10-> B, A -40-> B.
OFAC_3 = (("X", "A", 0.5), ("rest_A", "A", 0.5), ("X", "B", 0.1), ("A", "B", 0.4), ("rest_B", "B", 0.5))
# Section 5, aggregation: X -25-> A, Y -25-> A, both home.
AGGREGATION = (("X", "A", 0.25), ("Y", "A", 0.25), ("rest_A", "A", 0.5))
# Section 5, subsidiary: P -100-> S.
SUBSIDIARY = (("P", "S", 1.0),)
# Section 5 and 2.3, diverging: P -60-> H, H -60-> T.
DIVERGING = (("P", "H", 0.6), ("rest_H", "H", 0.4), ("H", "T", 0.6), ("rest_T", "T", 0.4))
# Section 2.3, diverging the other way: P -40-> H, H -100-> T.
DIVERGING_BACK = (("P", "H", 0.4), ("rest_H", "H", 0.6), ("H", "T", 1.0))
# Section 5, cross-holding: X -80-> A, Y -70-> B, A -30-> B, B -20-> A (Y outside).
CROSS = (("X", "A", 0.8), ("Y", "B", 0.7), ("A", "B", 0.3), ("B", "A", 0.2))
# Section 5, closed loop: A -100-> B, B -100-> A.
CLOSED = (("A", "B", 1.0), ("B", "A", 1.0))
# Section 5, band: P holds the UK PSC band "more than 50% but less than 75%" of T.
BAND = (("P", "T", Stake.between(0.5, 0.75, low_exclusive=True, high_exclusive=True)),)
# docs/rules.md section 4, unknown remainder: X -45-> T, Y (outside) -45-> T, 10% of T unallocated.
REMAINDER = (("X", "T", 0.45), ("Y", "T", 0.45))
# Check module docstring, capping: P holds 25-50% of T, a US holder exactly 50%: at most 50%, not 75%.
CAPPING = (("P", "T", Stake.between(0.25, 0.5)), ("U", "T", 0.5))
# Section 3, equality at the threshold in floating point: 3 + 29 + 18 = 50 and 33.33 + 16.67 = 50.
EQUAL_3 = (("H1", "T", 0.03), ("H2", "T", 0.29), ("H3", "T", 0.18), ("rest_T", "T", 0.5))
EQUAL_2 = (("H1", "T", 0.3333), ("H2", "T", 0.1667), ("rest_T", "T", 0.5))
# Section 4, self-supporting loop: X -40-> A, A -60-> B, B -20-> A, the rest of A and B held outside.
SELF_LOOP = (("X", "A", 0.4), ("rest_A", "A", 0.4), ("A", "B", 0.6), ("rest_B", "B", 0.4), ("B", "A", 0.2))
# Sections 1 and 4, statuses: a home entity (P, and P2 which has an outside holder), an ultimate owner
# outside J (U), an ultimate owner of unknown country (Q) and what Q holds in full (R).
STATUSES = (("U", "P2", 1.0), ("Q", "R", 1.0))  # P has no holdings: declared through `home`

CROSS_A = 0.8 / 0.94  # 85.1064%: a = 0.8 + 0.2 b, b = 0.3 a
CROSS_B = 0.24 / 0.94  # 25.5319%

ROWS = [
    # OFAC FAQ 401 ex. 1: A and B both 50%, caught at ">= 50%"; look-through B 25%.
    pytest.param(
        Row(OFAC_1, ("X",), {"X": (1, 1, 1, 1, HOME), "A": (0.5, 0.5, 0.5, 0.5, FLAGGED),
                              "B": (0.5, 0.5, 0.25, 0.25, FLAGGED), "rest_A": (0, 0, 0, 0, CLEAR)},
            {"comparison": GE}),
        id="ofac-401-ex1-ge",
    ),
    # OFAC FAQ 401 ex. 1 at "> 50%": A is not tainted, so B's cascade figure is 0; neither is caught.
    pytest.param(
        Row(OFAC_1, ("X",), {"A": (0.5, 0.5, 0.5, 0.5, CLEAR), "B": (0, 0, 0.25, 0.25, CLEAR)},
            {"comparison": GT}),
        id="ofac-401-ex1-gt",
    ),
    # OFAC FAQ 401 ex. 2: C 50% by aggregation through A and B, caught at ">= 50%"; look-through C 25%.
    pytest.param(
        Row(OFAC_2, ("X",), {"A": (0.5, 0.5, 0.5, 0.5, FLAGGED), "B": (0.5, 0.5, 0.5, 0.5, FLAGGED),
                              "C": (0.5, 0.5, 0.25, 0.25, FLAGGED)},
            {"comparison": GE}),
        id="ofac-401-ex2-ge",
    ),
    pytest.param(
        Row(OFAC_2, ("X",), {"A": (0.5, 0.5, 0.5, 0.5, CLEAR), "B": (0.5, 0.5, 0.5, 0.5, CLEAR),
                              "C": (0, 0, 0.25, 0.25, CLEAR)},
            {"comparison": GT}),
        id="ofac-401-ex2-gt",
    ),
    # OFAC FAQ 401 ex. 3: B 10% direct + 40% through tainted A = 50%; look-through 10 + 40 * 50 = 30%.
    pytest.param(
        Row(OFAC_3, ("X",), {"A": (0.5, 0.5, 0.5, 0.5, FLAGGED), "B": (0.5, 0.5, 0.3, 0.3, FLAGGED)},
            {"comparison": GE}),
        id="ofac-401-ex3-ge",
    ),
    # ... at "> 50%" A is not tainted and passes nothing: B keeps only X's direct 10%.
    pytest.param(
        Row(OFAC_3, ("X",), {"A": (0.5, 0.5, 0.5, 0.5, CLEAR), "B": (0.1, 0.1, 0.3, 0.3, CLEAR)},
            {"comparison": GT}),
        id="ofac-401-ex3-gt",
    ),
    # docs/rules.md section 4, aggregation: 25 + 25 = 50 is caught at ">= 50%", not at "> 50%".
    pytest.param(
        Row(AGGREGATION, ("X", "Y"), {"A": (0.5, 0.5, 0.5, 0.5, FLAGGED)}, {"comparison": GE}),
        id="aggregation-ge",
    ),
    pytest.param(
        Row(AGGREGATION, ("X", "Y"), {"A": (0.5, 0.5, 0.5, 0.5, CLEAR)}, {"comparison": GT}),
        id="aggregation-gt",
    ),
    # docs/rules.md section 4, subsidiary: S 100% by both methods.
    pytest.param(
        Row(SUBSIDIARY, ("P",), {"P": (1, 1, 1, 1, HOME), "S": (1, 1, 1, 1, FLAGGED)}),
        id="subsidiary-cascade",
    ),
    pytest.param(
        Row(SUBSIDIARY, ("P",), {"S": (1, 1, 1, 1, FLAGGED)}, {"method": Method.LOOKTHROUGH}),
        id="subsidiary-lookthrough",
    ),
    # docs/rules.md sections 1.3 and 4, diverging: cascade T 60% (caught at "> 50%"), look-through T 36%.
    pytest.param(
        Row(DIVERGING, ("P",), {"H": (0.6, 0.6, 0.6, 0.6, FLAGGED), "T": (0.6, 0.6, 0.36, 0.36, FLAGGED)}),
        id="diverging-cascade",
    ),
    pytest.param(
        Row(DIVERGING, ("P",), {"H": (0.6, 0.6, 0.6, 0.6, FLAGGED), "T": (0.6, 0.6, 0.36, 0.36, CLEAR)},
            {"method": Method.LOOKTHROUGH}),
        id="diverging-lookthrough",
    ),
    pytest.param(
        Row(DIVERGING, ("P",), {"T": (0.6, 0.6, 0.36, 0.36, FLAGGED)}, {"method": Method.EITHER}),
        id="diverging-either",
    ),
    # docs/rules.md section 1.3, the other direction: cascade T 0, look-through T 40%.
    pytest.param(
        Row(DIVERGING_BACK, ("P",), {"H": (0.4, 0.4, 0.4, 0.4, CLEAR), "T": (0, 0, 0.4, 0.4, CLEAR)}),
        id="diverging-back-cascade",
    ),
    # ... with an AMLR-like rule (look-through at least 25%, pass-through more than 50%) T is flagged.
    pytest.param(
        Row(DIVERGING_BACK, ("P",), {"H": (0.4, 0.4, 0.4, 0.4, FLAGGED), "T": (0, 0, 0.4, 0.4, FLAGGED)},
            {"threshold": 0.25, "comparison": GE, "pass_through_threshold": 0.5,
             "pass_through_comparison": GT, "method": Method.LOOKTHROUGH}),
        id="diverging-back-lookthrough-25",
    ),
    # docs/rules.md section 4, cross-holding: look-through A 85.1064%, B 25.5319%; cascade A 80%, B 30%.
    pytest.param(
        Row(CROSS, ("X",), {"A": (0.8, 0.8, CROSS_A, CROSS_A, FLAGGED), "B": (0.3, 0.3, CROSS_B, CROSS_B, CLEAR),
                             "Y": (0, 0, 0, 0, CLEAR)}),
        id="cross-holding",
    ),
    # docs/rules.md section 4, closed loop: no crash, look-through 0 (the warning is tested below).
    pytest.param(
        Row(CLOSED, ("P",), {"A": (0, 0, 0, 0, CLEAR), "B": (0, 0, 0, 0, CLEAR), "P": (1, 1, 1, 1, HOME)}),
        id="closed-loop",
    ),
    # docs/rules.md section 4, band: the exclusive low end counts as above 50%, so T is flagged at "> 50%";
    # the unallocated rest (just under 50%) may be CN too.
    pytest.param(
        Row(BAND, ("P",), {"T": (0.5 + N, 1.0, 0.5 + N, 1.0, FLAGGED)}),
        id="band-psc-50-75",
    ),
    # docs/rules.md section 4, unknown remainder: look-through low 45%, high 55%: possible at "> 50%".
    pytest.param(
        Row(REMAINDER, ("X",), {"T": (0.45, 0.55, 0.45, 0.55, POSSIBLE), "Y": (0, 0, 0, 0, CLEAR)},
            {"method": Method.LOOKTHROUGH}),
        id="unknown-remainder-lookthrough",
    ),
    pytest.param(
        Row(REMAINDER, ("X",), {"T": (0.45, 0.55, 0.45, 0.55, POSSIBLE)}),
        id="unknown-remainder-cascade",
    ),
    # Capping (check module docstring): P 25-50% plus a US holder at exactly 50% gives at most 50%.
    pytest.param(
        Row(CAPPING, ("P",), {"T": (0.25, 0.5, 0.25, 0.5, CLEAR)}, {"comparison": GT}),
        id="capping-gt",
    ),
    pytest.param(
        Row(CAPPING, ("P",), {"T": (0.25, 0.5, 0.25, 0.5, POSSIBLE)}, {"comparison": GE}),
        id="capping-ge",
    ),
    # docs/rules.md section 2.1, equality at the threshold: 3 + 29 + 18 is exactly 50% despite floating point.
    pytest.param(
        Row(EQUAL_3, ("H1", "H2", "H3"), {"T": (0.5, 0.5, 0.5, 0.5, FLAGGED)}, {"comparison": GE}),
        id="equality-3-29-18-ge",
    ),
    pytest.param(
        Row(EQUAL_3, ("H1", "H2", "H3"), {"T": (0.5, 0.5, 0.5, 0.5, CLEAR)}, {"comparison": GT}),
        id="equality-3-29-18-gt",
    ),
    pytest.param(
        Row(EQUAL_2, ("H1", "H2"), {"T": (0.5, 0.5, 0.5, 0.5, FLAGGED)},
            {"comparison": GE, "method": Method.EITHER}),
        id="equality-33.33-16.67-ge",
    ),
    pytest.param(
        Row(EQUAL_2, ("H1", "H2"), {"T": (0.5, 0.5, 0.5, 0.5, CLEAR)}, {"comparison": GT, "method": Method.EITHER}),
        id="equality-33.33-16.67-gt",
    ),
    # docs/rules.md section 1.1, self-supporting loop: neither A nor B is tainted by the least fixpoint;
    # look-through a = 0.4 + 0.2 b, b = 0.6 a.
    pytest.param(
        Row(SELF_LOOP, ("X",), {"A": (0.4, 0.4, 0.4 / 0.88, 0.4 / 0.88, CLEAR),
                                 "B": (0, 0, 0.24 / 0.88, 0.24 / 0.88, CLEAR)}),
        id="self-supporting-loop",
    ),
    # docs/rules.md section 3, statuses: home 100/100; ultimate owner outside J clear 0/0; unknown
    # country with no holders possible 0/100, and so is what it holds in full.
    pytest.param(
        Row(STATUSES, ("P", "P2"), {"P": (1, 1, 1, 1, HOME), "P2": (1, 1, 1, 1, HOME), "U": (0, 0, 0, 0, CLEAR),
                                     "Q": (0, 1, 0, 1, POSSIBLE), "R": (0, 1, 0, 1, POSSIBLE)},
            unknown=("Q",)),
        id="statuses",
    ),
]  # fmt: skip


def _figures(verdict: Any) -> tuple[float, float, float, float]:
    return (verdict.cascade.low, verdict.cascade.high, verdict.lookthrough.low, verdict.lookthrough.high)


@pytest.mark.parametrize("row", ROWS)
def test_worked_example(row: Row, run: Any) -> None:
    verdicts, _ = run(row.edges, row.countries(), **row.policy)
    for entity_id, (*figures, status) in row.expected.items():
        verdict = verdicts[entity_id]
        assert _figures(verdict) == pytest.approx(tuple(figures), abs=1e-9), entity_id
        assert verdict.status is status, entity_id


@pytest.mark.parametrize("row", ROWS)
def test_worked_example_literal_holdings_low_bounds(row: Row, run: Any) -> None:
    """The holdings exactly as section 5 writes them (no ``rest_*`` holders): the low bounds are the same."""
    literal = tuple(e for e in row.edges if not e[0].startswith("rest_"))
    verdicts, _ = run(literal, row.countries(), **row.policy)
    for entity_id, (c_low, _, l_low, _, _) in row.expected.items():
        if entity_id.startswith("rest_"):
            continue
        verdict = verdicts[entity_id]
        assert verdict.cascade.low == pytest.approx(c_low, abs=1e-9), entity_id
        assert verdict.lookthrough.low == pytest.approx(l_low, abs=1e-9), entity_id
        assert verdict.cascade.low <= verdict.cascade.high + 1e-9
        assert verdict.lookthrough.low <= verdict.lookthrough.high + 1e-9


def test_literal_ofac_1_without_outside_holders_is_possible_at_gt(run: Any) -> None:
    """OFAC FAQ 401 ex. 1 as written: half of A is unallocated, so at "> 50%" A may be up to 100% CN."""
    verdicts, _ = run((("X", "A", 0.5), ("A", "B", 0.5)), {"X": "CN"}, comparison=GT)
    assert _figures(verdicts["A"]) == pytest.approx((0.5, 1.0, 0.5, 1.0), abs=1e-9)
    assert verdicts["A"].status is POSSIBLE
    # High bound: A may be tainted (100%), so B gets A's 50% plus its own unallocated 50%.
    assert _figures(verdicts["B"]) == pytest.approx((0.0, 1.0, 0.25, 1.0), abs=1e-9)
    assert verdicts["B"].status is POSSIBLE


# ---------------------------------------------------------------------------------------------------------
# Warnings named by the worked examples
# ---------------------------------------------------------------------------------------------------------


def test_closed_loop_warning_names_the_loop(run: Any, warning_names: Any) -> None:
    # docs/rules.md section 4, closed loop: "warning names A and B".
    _, warnings = run(CLOSED, {"P": "CN"})
    loops = [w for w in warnings if w.code == "closed_loop"]
    assert len(loops) == 1
    assert warning_names(loops[0], " hold each other") == ["A", "B"]
    assert not [w for w in warnings if w.code == "self_supporting_loop"]


def test_closed_loop_of_three_with_a_tail(run: Any, warning_names: Any) -> None:
    # A 3-cycle of 100% stakes, plus D held 50% by the loop and 50% by home P: D is 50% CN by look-through.
    edges = (("A", "B", 1.0), ("B", "C", 1.0), ("C", "A", 1.0), ("C", "D", 0.5), ("P", "D", 0.5))
    verdicts, warnings = run(edges, {"P": "CN"}, method=Method.LOOKTHROUGH, comparison=GE)
    loops = [w for w in warnings if w.code == "closed_loop"]
    assert [warning_names(w, " hold each other") for w in loops] == [["A", "B", "C"]]
    assert _figures(verdicts["D"]) == pytest.approx((0.5, 0.5, 0.5, 0.5), abs=1e-9)
    assert verdicts["D"].status is FLAGGED
    for loop_member in "ABC":
        assert _figures(verdicts[loop_member]) == (0.0, 0.0, 0.0, 0.0)


@pytest.mark.parametrize("comparison", [GT, GE])
def test_self_supporting_loop_warning_names_the_loop(comparison: Comparison, run: Any, warning_names: Any) -> None:
    # docs/rules.md section 1.1: X 40% A, A 60% B, B 20% A: tainted only if the loop is assumed to control itself.
    verdicts, warnings = run(SELF_LOOP, {"X": "CN"}, comparison=comparison)
    found = [w for w in warnings if w.code == "self_supporting_loop"]
    assert len(found) == 1
    assert warning_names(found[0], " would be tainted") == ["A", "B"]
    assert verdicts["A"].status is CLEAR
    assert verdicts["B"].status is CLEAR
    assert not [w for w in warnings if w.code == "closed_loop"]


@pytest.mark.parametrize(
    "edges", [pytest.param(CROSS, id="cross"), pytest.param(DIVERGING, id="diverging"), pytest.param(OFAC_3, id="ofac")]
)
def test_no_loop_warnings_where_there_is_no_loop_problem(edges: Any, run: Any) -> None:
    _, warnings = run(edges, {"X": "CN", "P": "CN"})
    assert not [w for w in warnings if w.code in {"closed_loop", "self_supporting_loop"}]


def test_self_supporting_loop_broken_by_a_small_back_stake(run: Any) -> None:
    # With B holding only 5% of A, even assuming the loop (40 + 5 = 45%) does not taint A: no warning.
    edges = (("X", "A", 0.4), ("rest_A", "A", 0.55), ("A", "B", 0.6), ("rest_B", "B", 0.4), ("B", "A", 0.05))
    _, warnings = run(edges, {"X": "CN"})
    assert not [w for w in warnings if w.code == "self_supporting_loop"]


def test_tainted_by_lists_the_tainted_holders(run: Any) -> None:
    # OFAC FAQ 401 ex. 3 at ">= 50%": B is tainted by A (40%, tainted) and X (10%, home), largest first.
    verdicts, _ = run(OFAC_3, {"X": "CN"}, comparison=GE)
    assert [(c.holder, c.stake.low, c.holder_is_home) for c in verdicts["B"].tainted_by] == [
        ("A", 0.4, False),
        ("X", 0.1, True),
    ]
