"""Cascade derivations: the steps, in the order the least fixpoint finds them, in words."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ownership.model import Comparison, ControlMode, Stake

Run = Callable[..., tuple[dict[str, Any], tuple[Any, ...]]]


def _texts(verdict: Any) -> list[str]:
    return [s.text for s in verdict.derivation.steps]


def test_the_issue_example(run: Run) -> None:
    verdicts, _ = run([("P", "H", 0.6), ("H", "T", 0.6)], {"P": "CN"})
    t = verdicts["T"]
    assert _texts(t) == [
        "P is a home entity (CN)",
        "H is tainted: P (CN, home) holds 60% > 50%",
        "T passes the threshold: H (tainted) holds 60% > 50%",
    ]
    assert [s.round for s in t.derivation.steps] == [0, 1, 2]
    assert t.derivation.origins == ("P",)
    assert t.derivation.steps[-1].tainted


def test_several_holders_are_summed_and_named(run: Run) -> None:
    # OFAC-style aggregation: 30% + 25% from two CN parties.
    verdicts, _ = run([("A", "T", 0.3), ("B", "T", 0.25)], {"A": "CN", "B": "CN"})
    last = verdicts["T"].derivation.steps[-1]
    assert last.text == "T passes the threshold: held by A (CN, home) 30% and B (CN, home) 25%: 55% > 50%"
    assert last.total == pytest.approx(0.55)
    assert verdicts["T"].derivation.origins == ("A", "B")


def test_a_clear_entity_says_why_not(run: Run) -> None:
    verdicts, _ = run([("P", "T", 0.3), ("U", "T", 0.7)], {"P": "CN"})
    steps = verdicts["T"].derivation.steps
    assert steps[-1].text == "T does not pass the threshold: P (CN, home) holds 30% not > 50%"
    assert not steps[-1].tainted
    assert steps[-1].round == -1


def test_at_least_comparison_is_named(run: Run) -> None:
    verdicts, _ = run([("P", "T", 0.5)], {"P": "CN"}, comparison=Comparison.GE)
    assert _texts(verdicts["T"])[-1] == "T passes the threshold: P (CN, home) holds 50% >= 50%"


def test_ranged_stake_says_what_counted(run: Run) -> None:
    verdicts, _ = run([("P", "T", Stake(0.6, 0.75))], {"P": "CN"})
    assert _texts(verdicts["T"])[-1] == "T passes the threshold: P (CN, home) holds 60-75%, counted at 60%, > 50%"


def test_untouched_entities_have_no_steps_and_home_entities_one(run: Run) -> None:
    verdicts, _ = run([("P", "H", 0.6), ("U", "V", 1.0)], {"P": "CN"})
    assert verdicts["V"].derivation.steps == ()
    assert _texts(verdicts["P"]) == ["P is a home entity (CN)"]
    assert verdicts["P"].derivation.origins == ("P",)


def test_loop_shows_when_the_entity_was_tainted_and_its_full_figure_last(run: Run) -> None:
    # S is tainted by H (52%); S then taints J (70%), which holds 4% back in S: S's figure is 56%.
    edges = [("P", "H", 0.6), ("H", "S", 0.4), ("C", "S", 0.12), ("S", "J", 0.7), ("J", "S", 0.04)]
    verdicts, _ = run(edges, {"P": "CN", "C": "CN"})
    assert _texts(verdicts["S"]) == [
        "P is a home entity (CN)",
        "C is a home entity (CN)",
        "H is tainted: P (CN, home) holds 60% > 50%",
        "S is tainted: held by H (tainted) 40% and C (CN, home) 12%: 52% > 50%",
        "J is tainted: S (tainted) holds 70% > 50%",
        "S passes the threshold: held by H (tainted) 40%, C (CN, home) 12% and J (tainted) 4%: 56% > 50%",
    ]


def test_control_counts_only_when_the_policy_says_so(run: Run) -> None:
    edges = [("P", "V", None, {"control": True})]
    counted, _ = run(edges, {"P": "CN"}, control=ControlMode.TAINTS)
    assert (
        _texts(counted["V"])[-1]
        == "V is controlled by contract by a tainted party: controlled by contract by P (tainted)"
    )
    assert counted["V"].derivation.steps[-1].by_control
    reported, _ = run(edges, {"P": "CN"}, control=ControlMode.REPORT)
    assert reported["V"].derivation.steps == ()


def test_per_party_derivation_names_the_deciding_party_only(run: Run) -> None:
    # Not aggregated: A alone has 60% of T; B's 20% does not join it.
    verdicts, _ = run([("A", "T", 0.6), ("B", "T", 0.2)], {"A": "CN", "B": "CN"}, aggregate=False)
    t = verdicts["T"]
    assert t.derivation.origins == ("A",)
    assert _texts(t)[-1] == "T passes the threshold: A (CN, home) holds 60% > 50%"


def test_long_chains_are_cut_with_the_omitted_count(run: Run) -> None:
    edges = [("P", "C0", 1.0)] + [(f"C{k}", f"C{k + 1}", 1.0) for k in range(600)]
    verdicts, _ = run(edges, {"P": "CN"})
    d = verdicts["C600"].derivation
    assert d.omitted == 1
    assert len(d.steps) == 401  # 400 owners, then C600 itself
    assert d.steps[0].text.endswith("the derivation reached its length limit)")
    assert d.steps[-1].text == "C600 passes the threshold: C599 (tainted) holds 100% > 50%"


def test_the_closing_step_is_marked_final_after_a_loop_that_adds_to_it(run: Run) -> None:
    # The sample's shape: LK (CN) -60-> LH, LH -40-> SG, RP (CN) -12-> SG, SG -70-> JP, JP -4-> SG.
    # SG is tainted in round 2 (40 + 12 = 52%), JP in round 3 (70%), and JP's 4% then adds to SG: 56%.
    # Every step but the closing one is in round order; the closing one restates SG with all its holders.
    edges = [
        ("LK", "LH", 0.6),
        ("LH", "SG", 0.4),
        ("RP", "SG", 0.12),
        ("SG", "JP", 0.7),
        ("JP", "SG", 0.04),
    ]
    verdicts, _ = run(edges, {"LK": "CN", "RP": "CN"})
    steps = verdicts["SG"].derivation.steps
    rounds = [s.round for s in steps if not s.final]
    assert rounds == sorted(rounds)
    assert [s.final for s in steps] == [False] * (len(steps) - 1) + [True]
    assert steps[-1].entity == "SG"
    assert steps[-1].total == pytest.approx(0.56)
    assert steps[-1].round == 2
