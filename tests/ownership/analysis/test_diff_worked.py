"""Worked examples of ``ownership.diff``: hand-computed changes and their causes.

Every party without holders is marked an ultimate owner, so no unknown owners blur the figures; CN is
watched, the threshold is more than 50% (the default profile) unless a test says otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable

import pytest

import ownership
from ownership.analysis.diff import CauseKind, Diff, compare
from ownership.model import Entity, EntityType, Holding, OwnershipData, SourceInfo, Stake
from ownership.result import FailOn, Status

Row = tuple[str, str, float | tuple[float, float]]


def data(rows: Iterable[Row], countries: dict[str, str], name: str = "t") -> OwnershipData:
    """Holdings (holder, subject, percent or (low, high) percent) over companies of the given countries."""
    entities = tuple(
        Entity(i, i, EntityType.COMPANY, jurisdiction=c, ultimate=True) for i, c in sorted(countries.items())
    )
    holdings = tuple(
        Holding(h, s, Stake(p[0] / 100, p[1] / 100) if isinstance(p, tuple) else Stake.exact(p / 100))
        for h, s, p in rows
    )
    return OwnershipData(entities, holdings, SourceInfo(name, "0" * 64, "test"))


def run(old: OwnershipData, new: OwnershipData, **settings: object) -> Diff:
    return ownership.diff(old, new, jurisdictions=["CN"], **settings)


def points(x: float | None) -> float:
    assert x is not None
    return round(x * 100, 4)


def test_a_direct_stake_raised_is_the_one_cause() -> None:
    # P (CN) in S: 30% -> 60%. S's cascade figure is what tainted holders hold: 30% -> 60%, so S goes
    # clear -> flagged; the one cause explains all 30 points of the cascade's low bound.
    countries = {"P": "CN", "Q": "US", "S": "SG"}
    diff = run(data([("P", "S", 30), ("Q", "S", 70)], countries), data([("P", "S", 60), ("Q", "S", 40)], countries))
    (change,) = diff.changes
    assert change.id == "S"
    assert change.old is not None and change.new is not None
    assert (change.old.status, change.new.status) == (Status.CLEAR, Status.FLAGGED)
    assert points(change.new.cascade.low) == 60.0
    kinds = [(c.kind, c.holder, c.subject) for c in change.causes]
    # Q's cut from 70% to 40% alone would leave 30% unallocated: that moves only the high bound, so it is
    # listed after P's raise and explains nothing of the low bound.
    assert kinds[0] == (CauseKind.CHANGED, "P", "S")
    assert points(change.causes[0].explains) == 30.0
    assert change.causes[0].bound == "cascade low"
    assert diff.failing() == ("S",) and diff.exit_code() == 1


def test_a_chain_through_an_intermediary_that_becomes_majority_owned() -> None:
    # P (CN) holds 40% of H, H holds 70% of S. Raising P's stake in H to 60% taints H (60 > 50), which then
    # passes on its whole 70% of S: S's cascade goes 0% -> 70%; its look-through 0.4 x 0.7 = 28% -> 0.6 x
    # 0.7 = 42%. The one change upstream, P in H, explains all 70 cascade points of S (and 20 of H).
    countries = {"P": "CN", "X": "US", "Y": "US", "H": "HK", "S": "SG"}
    before = [("P", "H", 40), ("X", "H", 60), ("H", "S", 70), ("Y", "S", 30)]
    after = [("P", "H", 60), ("X", "H", 40), ("H", "S", 70), ("Y", "S", 30)]
    diff = run(data(before, countries), data(after, countries))
    by_id = {c.id: c for c in diff.changes}
    assert set(by_id) == {"H", "S"}
    s = by_id["S"]
    assert s.old is not None and s.new is not None
    assert (points(s.old.cascade.low), points(s.new.cascade.low)) == (0.0, 70.0)
    assert (points(s.old.lookthrough.low), points(s.new.lookthrough.low)) == (28.0, 42.0)
    top = s.causes[0]
    assert (top.kind, top.holder, top.subject) == (CauseKind.CHANGED, "P", "H")
    assert points(top.explains) == 70.0 and top.bound == "cascade low"
    assert top.old == Stake.exact(0.4) and top.new == Stake.exact(0.6)
    # Both S and H are newly flagged; deciding entities first, then by id.
    assert diff.failing() == ("H", "S")


def test_two_home_holders_aggregated_share_the_change_by_what_each_adds() -> None:
    # P1 (CN) 30% -> 35% and P2 (CN) newly 20% of S: stakes of home holders add up, 30% -> 55%, so S is
    # newly flagged. The causes add up exactly: P2's new 20 points first, then P1's 5.
    countries = {"P1": "CN", "P2": "CN", "Q": "US", "S": "SG"}
    diff = run(
        data([("P1", "S", 30), ("Q", "S", 70)], countries),
        data([("P1", "S", 35), ("P2", "S", 20), ("Q", "S", 45)], countries),
    )
    (change,) = diff.changes
    assert change.new is not None and points(change.new.cascade.low) == 55.0
    explained = {(c.kind, c.holder): points(c.explains) for c in change.causes}
    assert explained[(CauseKind.ADDED, "P2")] == 20.0
    assert explained[(CauseKind.CHANGED, "P1")] == 5.0
    assert [c.holder for c in change.causes[:2]] == ["P2", "P1"]
    assert diff.summary.newly_flagged == 1


def test_a_cross_holding_loop_is_upstream_of_both_its_members() -> None:
    # P (CN) holds 50% of A, B holds 30% of A, A holds 40% (then 60%) of B; the rest is held by US parties.
    # Look-through: x_A = 0.5 + 0.3 x_B, x_B = s x_A, so x_A = 0.5 / (1 - 0.3 s):
    #   s = 0.4: x_A = 0.5 / 0.88 = 56.8182%, x_B = 22.7273%
    #   s = 0.6: x_A = 0.5 / 0.82 = 60.9756%, x_B = 36.5854%
    # The one change, A's stake in B, is upstream of A too (through B), and explains both moves.
    countries = {"P": "CN", "U": "US", "V": "US", "A": "SG", "B": "SG"}
    before = [("P", "A", 50), ("B", "A", 30), ("U", "A", 20), ("A", "B", 40), ("V", "B", 60)]
    after = [("P", "A", 50), ("B", "A", 30), ("U", "A", 20), ("A", "B", 60), ("V", "B", 40)]
    diff = run(data(before, countries), data(after, countries), method="lookthrough")
    by_id = {c.id: c for c in diff.changes}
    a, b = by_id["A"], by_id["B"]
    assert a.new is not None and b.new is not None and a.old is not None and b.old is not None
    assert points(a.old.lookthrough.low) == pytest.approx(56.8182)
    assert points(a.new.lookthrough.low) == pytest.approx(60.9756)
    assert points(b.new.lookthrough.low) == pytest.approx(36.5854)
    assert a.old.status is Status.FLAGGED and a.new.status is Status.FLAGGED  # a known flag: moved only
    for change, moved in ((a, 60.9756 - 56.8182), (b, 36.5854 - 22.7273)):
        top = change.causes[0]
        assert (top.kind, top.holder, top.subject) == (CauseKind.CHANGED, "A", "B")
        assert points(top.explains) == pytest.approx(moved, abs=1e-3)
        assert top.bound == "lookthrough low"
    assert diff.summary.figures_moved == 2 and diff.exit_code() == 0


def test_a_range_where_the_high_bound_decides_and_an_outside_holder_dilutes() -> None:
    # P (CN) holds 25-50% of S beside Q (US) with 50%. The high bound lets P hold the most its range and the
    # known holders allow: min(50%, 100% - 50%) = 50%, not more than 50%: clear (cascade 25-50%). Q sells
    # down to 40%: the high bound becomes 100% - 40% = 60% (P's 50% and the 10% no one holds), so S is
    # possible. Only the high bound moved (+10 points), and Q's change is its one cause.
    countries = {"P": "CN", "Q": "US", "S": "SG"}
    before = data([("P", "S", (25, 50)), ("Q", "S", 50)], countries)
    after = data([("P", "S", (25, 50)), ("Q", "S", 40)], countries)
    diff = run(before, after)
    (change,) = diff.changes
    assert change.old is not None and change.new is not None
    assert (change.old.status, change.new.status) == (Status.CLEAR, Status.POSSIBLE)
    assert (points(change.old.cascade.low), points(change.old.cascade.high)) == (25.0, 50.0)
    assert (points(change.new.cascade.low), points(change.new.cascade.high)) == (25.0, 60.0)
    (cause,) = change.causes
    assert (cause.kind, cause.holder, cause.subject) == (CauseKind.CHANGED, "Q", "S")
    assert cause.old == Stake.exact(0.5) and cause.new == Stake.exact(0.4)
    assert points(cause.explains) == 10.0 and cause.bound == "cascade high"
    # Newly possible fails the gate only under --fail-on possible.
    assert diff.exit_code(FailOn.FLAGGED) == 0
    assert diff.failing(FailOn.POSSIBLE) == ("S",)


def test_a_ranged_stake_narrowed_moves_the_low_bound_by_its_low_end() -> None:
    # P (CN) 25-50% -> 30-45% of S beside Q (US) 50%: the low bound rises by P's low end, 25% -> 30%; the
    # high bound stays capped at 100% - 50% = 50%. The cause explains the 5 points, on the low bound.
    countries = {"P": "CN", "Q": "US", "S": "SG"}
    before = data([("P", "S", (25, 50)), ("Q", "S", 50)], countries)
    after = data([("P", "S", (30, 45)), ("Q", "S", 50)], countries)
    (change,) = run(before, after).changes
    assert change.figures_moved
    (cause,) = change.causes
    assert cause.new == Stake(0.3, 0.45)
    assert points(cause.explains) == 5.0 and cause.bound == "cascade low"


def test_a_country_change_makes_a_home_entity_and_is_the_cause() -> None:
    # H moves its incorporation from HK to CN: it is home itself (100%), and S, 60% held by it, is flagged.
    before = data([("H", "S", 60)], {"H": "HK", "S": "SG"})
    after = data([("H", "S", 60)], {"H": "CN", "S": "SG"})
    diff = run(before, after)
    s = next(c for c in diff.changes if c.id == "S")
    (cause,) = s.causes
    assert cause.kind is CauseKind.COUNTRY and cause.holder == "H" and cause.subject is None
    assert cause.old_countries == ("HK (incorporation)",) and cause.new_countries == ("CN (incorporation)",)
    assert points(cause.explains) == 60.0


def test_known_flags_clearances_and_small_moves_pass_the_gate() -> None:
    # S stays flagged (55% -> 58%), T is cleared (60% -> 20%), U moves by 0.005 points (below 0.01).
    countries = {"P": "CN", "Q": "US", "S": "SG", "T": "SG", "U": "SG"}
    before = [("P", "S", 55), ("Q", "S", 45), ("P", "T", 60), ("Q", "T", 40), ("P", "U", 10), ("Q", "U", 90)]
    after = [("P", "S", 58), ("Q", "S", 42), ("P", "T", 20), ("Q", "T", 80), ("P", "U", 10.005), ("Q", "U", 89.995)]
    diff = run(data(before, countries), data(after, countries))
    assert [c.id for c in diff.changes] == ["T", "S"]  # the status change first
    assert diff.summary.to_dict() == {
        "newly_flagged": 0,
        "cleared": 1,
        "status_changed": 1,
        "figures_moved": 1,
        "added": 0,
        "removed": 0,
    }
    assert diff.exit_code() == 0
    # A lower min_change (in points at the edge) counts U's move too.
    assert {c.id for c in run(data(before, countries), data(after, countries), min_change=0.001).changes} == {
        "S",
        "T",
        "U",
    }


def test_added_and_removed_entities_and_the_entity_gate() -> None:
    # N is new and flagged (80% held by P); R is gone. Only N decides when named, and it fails the gate;
    # naming S, which did not change, passes it.
    countries_old = {"P": "CN", "Q": "US", "S": "SG", "R": "SG"}
    countries_new = {"P": "CN", "Q": "US", "S": "SG", "N": "SG"}
    before = data([("Q", "S", 100), ("Q", "R", 100)], countries_old)
    after = data([("Q", "S", 100), ("P", "N", 80), ("Q", "N", 20)], countries_new)
    diff = run(before, after)
    assert [c.id for c in diff.added] == ["N"] and [c.id for c in diff.removed] == ["R"]
    assert diff.summary.added == 1 and diff.summary.removed == 1 and diff.summary.newly_flagged == 1
    assert diff.failing() == ("N",)
    assert run(before, after, targets=["S"]).exit_code() == 0
    assert run(before, after, targets=["N"]).failing() == ("N",)


def test_compare_two_checks_directly_and_a_check_with_itself_is_empty() -> None:
    countries = {"P": "CN", "Q": "US", "S": "SG"}
    one = ownership.check(data([("P", "S", 30), ("Q", "S", 70)], countries), jurisdictions=["CN"])
    assert compare(one, one).empty
    two = ownership.check(data([("P", "S", 60), ("Q", "S", 40)], countries), jurisdictions=["CN"])
    # Without data given, the checks' own holdings give the causes.
    assert compare(one, two).changes[0].causes[0].holder == "P"


def test_a_negative_min_change_is_refused() -> None:
    countries = {"P": "CN", "S": "SG"}
    with pytest.raises(ownership.PolicyError, match="min-change"):
        run(data([("P", "S", 30)], countries), data([("P", "S", 30)], countries), min_change=-1)


def test_past_the_limit_the_causes_are_listed_unmeasured(monkeypatch: pytest.MonkeyPatch) -> None:
    # With room to measure only one difference, the two of the aggregation example are listed by how far
    # their stake moved (P2's 20 points before P1's 5), unmeasured, and the change says so.
    from ownership.analysis.diff import causes

    monkeypatch.setattr(causes, "MAX_CANDIDATES", 1)
    countries = {"P1": "CN", "P2": "CN", "Q": "US", "S": "SG"}
    diff = run(
        data([("P1", "S", 30), ("Q", "S", 70)], countries),
        data([("P1", "S", 35), ("P2", "S", 20), ("Q", "S", 45)], countries),
    )
    (change,) = diff.changes
    assert [c.holder for c in change.causes] == ["Q", "P2", "P1"]  # Q moved 25 points, P2 20, P1 5
    assert all(c.explains is None for c in change.causes)
    assert change.note.startswith("causes listed by stake moved, unmeasured: 3 differences upstream")
