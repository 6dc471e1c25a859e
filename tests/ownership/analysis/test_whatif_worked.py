"""``ownership.whatif`` on worked examples computed by hand: pivotal holdings and cures.

Notation: ``P -60-> X`` means P holds 60% of X. Persons and marked ultimate owners have no unknown owners;
"CN" is watched. A cure is one of two moves, everything else fixed:

* sell: the holder keeps at most ``max``; the rest goes to a party outside the watched set;
* issue: new shares raise a holder that is not home to at least ``min``; every other stake in the subject
  (and its unallocated part) is multiplied by (1 - min) / (1 - current).

The default rule is "more than 50%", cascade, aggregated; a figure within 1e-9 of the threshold counts as
equal, so the edges below are the hand-computed values within that tolerance.
"""

from __future__ import annotations

import pytest

import ownership
from ownership.analysis.whatif import WhatIf, whatif
from ownership.errors import PolicyError
from ownership.model import Entity, EntityType, Holding, OwnershipData, SourceInfo, Stake
from ownership.result import Status

# The search brackets an edge to 1e-9 points and may report a stake up to 5e-9 (a fraction) inside the
# clear side of the tolerance band, so answers match hand values to 1e-8.
CLOSE = 1e-8


def _data(parties: list[tuple[str, str, str]], holdings: list[tuple[str, str, float | Stake]]) -> OwnershipData:
    """parties: (id, type, country); holdings: (holder, subject, percent or a Stake of fractions)."""
    entities = [
        Entity(i, f"{i} name", EntityType(kind), jurisdiction=country, ultimate=kind == "company" and i.startswith("U"))
        for i, kind, country in parties
    ]
    rows = [Holding(h, s, st if isinstance(st, Stake) else Stake.exact(st / 100)) for h, s, st in holdings]
    return OwnershipData(entities, rows, SourceInfo("worked", "0" * 64, "test"))


def _cure(w: WhatIf, holder: str, subject: str) -> tuple[float | None, float | None, float | None]:
    (c,) = [c for c in w.cure if (c.holder, c.subject) == (holder, subject)]
    return c.max, c.min, c.change


def _close(found: float | None, expected: float | None) -> bool:
    if found is None or expected is None:
        return found is expected
    return abs(found - expected) <= CLOSE


def test_direct_stake() -> None:
    # P (CN) -60-> X, Y -30-> X, Q -10-> X: cascade 60% > 50%, flagged.
    data = _data(
        [("P", "person", "CN"), ("Y", "person", "US"), ("Q", "person", "US"), ("X", "company", "US")],
        [("P", "X", 60), ("Y", "X", 30), ("Q", "X", 10)],
    )
    w = whatif(data, "X", jurisdictions=["CN"])
    assert w.baseline.status is Status.FLAGGED
    # Sell: P keeps p, X = p <= 50% -> max 50%, 10 points.
    assert _close(_cure(w, "P", "X")[0], 0.5) and _close(_cure(w, "P", "X")[2], 0.1)
    # Issue to Y: P becomes 0.6 (1 - y) / 0.7 <= 0.5 -> y >= 1 - 0.35 / 0.6 = 41.6667%, 11.6667 points.
    assert _close(_cure(w, "Y", "X")[1], 1 - 0.35 / 0.6)
    # Issue to Q: 0.6 (1 - q) / 0.9 <= 0.5 -> q >= 25%, 15 points.
    assert _close(_cure(w, "Q", "X")[1], 0.25) and _close(_cure(w, "Q", "X")[2], 0.15)
    assert w.best is not None and (w.best.holder, w.best.subject, w.best.kind) == ("P", "X", "sell")
    # Without P's 60% the stake is unallocated: low 0, high 60% -> possible. Without Y, low stays 60%.
    assert [(p.holder, p.subject, p.status_without) for p in w.pivotal] == [("P", "X", Status.POSSIBLE)]


def test_chain_through_a_majority_owned_intermediary_either_link_cures() -> None:
    # P (CN) -70-> S, U1 -30-> S, S -60-> X, U2 -40-> X: S tainted (70%), X cascade 60% -> flagged.
    data = _data(
        [
            ("P", "person", "CN"),
            ("U1", "company", "US"),
            ("U2", "company", "US"),
            ("S", "company", "US"),
            ("X", "company", "US"),
        ],
        [("P", "S", 70), ("U1", "S", 30), ("S", "X", 60), ("U2", "X", 40)],
    )
    w = whatif(data, "X", jurisdictions=["CN"])
    assert w.baseline.status is Status.FLAGGED
    # Cutting P -> S to 50% leaves S untainted ("more than 50%"): X's cascade 0. 20 points.
    assert _close(_cure(w, "P", "S")[0], 0.5) and _close(_cure(w, "P", "S")[2], 0.2)
    # Cutting S -> X to 50%: X = 50%, not more than 50%. 10 points.
    assert _close(_cure(w, "S", "X")[0], 0.5) and _close(_cure(w, "S", "X")[2], 0.1)
    # Diluting: U1 to 50% leaves P 0.7 * 0.5 / 0.7 = 50% of S; U2 to 50% leaves S 50% of X.
    assert _close(_cure(w, "U1", "S")[1], 0.5) and _close(_cure(w, "U2", "X")[1], 0.5)
    assert w.best is not None and _close(w.best.change, 0.1)
    assert {(p.holder, p.subject) for p in w.pivotal} == {("P", "S"), ("S", "X")}


def test_two_home_holders_aggregated() -> None:
    # P (CN) -30-> X, Q (CN) -30-> X, Y -40-> X: aggregated 60% -> flagged.
    data = _data(
        [("P", "person", "CN"), ("Q", "person", "CN"), ("Y", "person", "US"), ("X", "company", "US")],
        [("P", "X", 30), ("Q", "X", 30), ("Y", "X", 40)],
    )
    w = whatif(data, "X", jurisdictions=["CN"])
    # Either home holder down to 20% (p + 30% <= 50%): 10 points; Y up to 50% (60% (1 - y) / 60% <= 50%).
    assert _close(_cure(w, "P", "X")[0], 0.2) and _close(_cure(w, "Q", "X")[0], 0.2)
    assert _close(_cure(w, "Y", "X")[1], 0.5)
    assert _cure(w, "P", "X")[1] is None  # a home holder is never diluted into a cure
    # Without P: Q's 30% known, P's 30% unallocated -> low 30%, high 60%: possible.
    assert {(p.holder, p.status_without) for p in w.pivotal} == {("P", Status.POSSIBLE), ("Q", Status.POSSIBLE)}
    # Each party alone (UK): 30% each, clear already.
    alone = whatif(data, "X", jurisdictions=["CN"], aggregate=False)
    assert alone.baseline.status is Status.CLEAR and alone.best is None and "already clear" in alone.why


def test_cross_holding_loop_under_the_look_through() -> None:
    # XC (CN) -80-> A, Y -70-> B, A -30-> B, B -20-> A; look-through, more than 20%.
    # A = 0.8 + 0.2 B, B = 0.3 A -> B = 0.24 / 0.94 = 25.53% -> flagged.
    data = _data(
        [("XC", "person", "CN"), ("Y", "person", "US"), ("A", "company", "US"), ("B", "company", "US")],
        [("XC", "A", 80), ("Y", "B", 70), ("A", "B", 30), ("B", "A", 20)],
    )
    w = whatif(data, "B", jurisdictions=["CN"], method="lookthrough", threshold=20)
    assert w.baseline.status is Status.FLAGGED
    assert abs(w.baseline.lookthrough.low - 0.24 / 0.94) < 1e-12
    # XC keeps p: A = p / 0.94, B = 0.3 p / 0.94 <= 0.2 -> p <= 0.188 / 0.3 = 62.6667%.
    assert _close(_cure(w, "XC", "A")[0], 0.188 / 0.3)
    # A keeps a of B: A = 0.8 / (1 - 0.2 a), B = 0.8 a / (1 - 0.2 a) <= 0.2 -> a <= 0.2 / 0.84 = 23.8095%.
    assert _close(_cure(w, "A", "B")[0], 0.2 / 0.84)
    # New shares to Y (y): A's stake in B becomes 1 - y: the same edge, y >= 1 - 0.2 / 0.84 = 76.1905%.
    assert _close(_cure(w, "Y", "B")[1], 1 - 0.2 / 0.84)
    # B keeps b of A: B = 0.24 / (1 - 0.3 b) >= 24% whatever b: no sale cures. New shares to B (b):
    # XC's stake becomes 1 - b, A = (1 - b) / (1 - 0.3 b), B = 0.3 A <= 0.2 -> b >= 0.1 / 0.24 = 41.6667%.
    assert _cure(w, "B", "A")[0] is None and _close(_cure(w, "B", "A")[1], 0.1 / 0.24)
    assert w.best is not None and _close(w.best.change, 0.3 - 0.2 / 0.84)


def test_a_range_makes_the_cure_depend_on_the_bound() -> None:
    # P (CN) holds 40-60% of X, Y -40-> X. Low: 40% (not flagged); high: P's 40% plus the 20% no one
    # named: 60% -> possible. By the low end nothing needs to change; the deciding (high) bound asks
    # P to hold at most 50%: a sale of 10 points from the most it may hold (60%).
    data = _data(
        [("P", "person", "CN"), ("Y", "person", "US"), ("X", "company", "US")],
        [("P", "X", Stake(0.4, 0.6)), ("Y", "X", 40)],
    )
    w = whatif(data, "X", jurisdictions=["CN"])
    assert w.baseline.status is Status.POSSIBLE
    assert _close(_cure(w, "P", "X")[0], 0.5) and _close(_cure(w, "P", "X")[2], 0.1)
    # New shares to Y: P's range and the unnamed part shrink by (1 - y) / 0.6: high = 0.6 (1 - y) / 0.6.
    assert _close(_cure(w, "Y", "X")[1], 0.5) and _close(_cure(w, "Y", "X")[2], 0.1)
    # The same holding exactly at 40% is clear already; exactly at 60% it is flagged and the cure is the same.
    exact = _data(
        [("P", "person", "CN"), ("Y", "person", "US"), ("X", "company", "US")],
        [("P", "X", 40), ("Y", "X", 40)],
    )
    assert whatif(exact, "X", jurisdictions=["CN"]).baseline.status is Status.POSSIBLE  # 20% still unnamed


def test_no_single_holding_clears_three_home_holders() -> None:
    # Three CN holders with a third each, threshold 25%, each party alone: every one passes alone, and
    # selling any one of them leaves two others above 25%; no outside holder can be diluted into a cure.
    third = Stake.exact(1 / 3)
    data = _data(
        [("P", "person", "CN"), ("Q", "person", "CN"), ("R", "person", "CN"), ("X", "company", "US")],
        [("P", "X", third), ("Q", "X", third), ("R", "X", third)],
    )
    w = whatif(data, "X", jurisdictions=["CN"], threshold=25, aggregate=False)
    assert w.baseline.status is Status.FLAGGED
    assert w.best is None and "no single holding clears X" in w.why
    assert all(c.change is None for c in w.cure)


def test_a_home_entity_has_no_cure() -> None:
    data = _data([("P", "person", "US"), ("X", "company", "CN")], [("P", "X", 100)])
    w = whatif(data, "X", jurisdictions=["CN"])
    assert w.baseline.status is Status.HOME and w.best is None and "home entity" in w.why
    assert w.pivotal == () and w.cure == ()


def test_scenarios_are_applied_before_the_check_and_diffed() -> None:
    data = _data(
        [("P", "person", "CN"), ("Y", "person", "US"), ("X", "company", "US")],
        [("P", "X", 60), ("Y", "X", 40)],
    )
    w = ownership.whatif(data, "X", jurisdictions=["CN"], sets=["P:X=50", "Y:X=50"])
    assert w.before is not None and w.before.status is Status.FLAGGED
    assert w.baseline.status is Status.CLEAR and w.exit_code() == 0
    changed = [c.id for c in w.diff.changes]  # type: ignore[attr-defined]
    assert changed == ["X"]
    moved = ownership.whatif(data, "X", jurisdictions=["CN"], countries=["P=US"])
    assert moved.baseline.status is Status.CLEAR
    dropped = ownership.whatif(data, "X", jurisdictions=["CN"], drops=["P:X"])
    assert dropped.baseline.status is Status.POSSIBLE  # P's 60% unallocated


@pytest.mark.parametrize(
    ("option", "text", "words"),
    [
        ("sets", "NOPE:X=30", "--set 'NOPE:X=30': 'NOPE' is not an entity"),
        ("sets", "P:X=abc", "--set 'P:X=abc'"),
        ("sets", "P:X=150", "--set 'P:X=150'"),
        ("sets", "P:X", "--set 'P:X': write HOLDER:SUBJECT=PCT"),
        ("drops", "Y:P", "--drop 'Y:P': Y holds nothing in P"),
        ("countries", "P=Atlantis", "--country 'P=Atlantis'"),
        ("countries", "NOPE=US", "--country 'NOPE=US': 'NOPE' is not an entity"),
    ],
)
def test_bad_scenario_text_names_the_option_and_value(option: str, text: str, words: str) -> None:
    data = _data([("P", "person", "CN"), ("Y", "person", "US"), ("X", "company", "US")], [("P", "X", 60)])
    with pytest.raises(PolicyError) as caught:
        ownership.whatif(data, "X", jurisdictions=["CN"], **{option: [text]})  # type: ignore[arg-type]
    assert words in str(caught.value)


def test_the_work_limit_leaves_holdings_unexamined_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    import ownership.analysis.whatif.asker as asker

    data = _data(
        [("P", "person", "CN"), ("Y", "person", "US"), ("Q", "person", "US"), ("X", "company", "US")],
        [("P", "X", 60), ("Y", "X", 30), ("Q", "X", 10)],
    )
    # One copy of the part (3 holdings and 2 of room): the one drop that can matter (P) fits, no cure does.
    monkeypatch.setattr(asker, "WORK_LIMIT", 5)
    w = whatif(data, "X", jurisdictions=["CN"])
    assert [c.examined for c in w.cure] == [False, False, False]
    assert w.best is None and any("not examined for a cure" in note for note in w.notes)
