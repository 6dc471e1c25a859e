"""Worked examples of ``ownership.owners``: the figures integrated-ownership texts and UBO calculators
agree on, each computed by hand in the comment above its test.

Every party without holders is marked an ultimate owner (so no unknown owners blur the figures) and is a
US company unless the test says otherwise; CN is watched where a test needs a status.
"""

from __future__ import annotations

from collections.abc import Iterable

import pytest

import ownership
from ownership.analysis.owners import Owners, Role, ultimate_total
from ownership.model import Entity, EntityType, Holding, OwnershipData, SourceInfo, Stake
from ownership.result import Status

Row = tuple[str, str, float | tuple[float, float]]


def data(rows: Iterable[Row], countries: dict[str, str] | None = None, persons: Iterable[str] = ()) -> OwnershipData:
    """Holdings (holder, subject, percent or (low, high) percent); parties are US companies unless
    ``countries`` or ``persons`` say otherwise."""
    rows = list(rows)
    ids = list(dict.fromkeys([p for h, s, _ in rows for p in (h, s)]))
    people = set(persons)
    entities = tuple(
        Entity(
            i,
            f"{i} name",
            EntityType.PERSON if i in people else EntityType.COMPANY,
            jurisdiction=(countries or {}).get(i, "US"),
            ultimate=True,
        )
        for i in ids
    )
    holdings = tuple(
        Holding(h, s, Stake(p[0] / 100, p[1] / 100) if isinstance(p, tuple) else Stake.exact(p / 100))
        for h, s, p in rows
    )
    return OwnershipData(entities, holdings, SourceInfo("worked", "0" * 64, "test"))


def pct(found: Owners) -> dict[str, tuple[float, float]]:
    """Each listed owner's look-through share as (low, high) percent, to 4 decimals."""
    return {o.entity.id: (round(o.lookthrough.low * 100, 4), round(o.lookthrough.high * 100, 4)) for o in found.owners}


# A chain: P holds 60% of H (Q the other 40%), H holds 40% of T (R the other 60%).
# T's ultimate owners: R 60%; P 0.6 x 0.4 = 24%; Q 0.4 x 0.4 = 16%; together 100%, nothing unallocated.
# Cascade with P alone watched: H is 60% > 50% held, so tainted, and passes its whole 40% to T: 40%,
# which does not control T (40% is not more than 50%). Q taints nothing: its figure is 0.
CHAIN: list[Row] = [("P", "H", 60), ("Q", "H", 40), ("H", "T", 40), ("R", "T", 60)]


def test_a_chain_multiplies_and_the_ultimate_owners_add_up_to_100() -> None:
    found = ownership.owners(data(CHAIN), "T")
    assert pct(found) == {"R": (60.0, 60.0), "P": (24.0, 24.0), "Q": (16.0, 16.0)}
    assert [o.entity.id for o in found.owners] == ["R", "P", "Q"]  # largest share first
    assert round(ultimate_total(found), 12) == 1.0 and found.unallocated == 0.0
    by_id = {o.entity.id: o for o in found.owners}
    assert (by_id["P"].cascade.low, by_id["P"].controls) == (0.4, False)
    assert by_id["Q"].cascade.low == 0.0
    assert (by_id["R"].cascade.low, by_id["R"].controls) == (0.6, True)
    assert all(o.role is Role.ULTIMATE for o in found.owners)


def test_all_lists_the_intermediary_with_its_share() -> None:
    # H is reached by every chain of P and Q: 40% of T passes through it.
    found = ownership.owners(data(CHAIN), "T", intermediates=True)
    by_id = {o.entity.id: o for o in found.owners}
    assert by_id["H"].role is Role.INTERMEDIATE
    assert round(by_id["H"].lookthrough.low * 100, 4) == 40.0
    assert round(ultimate_total(found), 12) == 1.0  # intermediaries are not added in


# Parallel paths (OFAC FAQ 401, example 2): X holds 50% of A and 50% of B, A and B each hold 25% of C;
# Y, Z and W hold the rest of A, B and C. X's share of C: 0.5 x 0.25 + 0.5 x 0.25 = 25%;
# Y 12.5%, Z 12.5%, W 50%: 100%. Cascade with X alone: at "more than 50%" neither A nor B is tainted,
# so 0; at "50% or more" (OFAC) both are, and pass 25% + 25% = 50% to C, which X then controls.
PARALLEL: list[Row] = [
    ("X", "A", 50),
    ("Y", "A", 50),
    ("X", "B", 50),
    ("Z", "B", 50),
    ("A", "C", 25),
    ("B", "C", 25),
    ("W", "C", 50),
]


def test_parallel_paths_add_up() -> None:
    found = ownership.owners(data(PARALLEL), "C")
    assert pct(found) == {"W": (50.0, 50.0), "X": (25.0, 25.0), "Y": (12.5, 12.5), "Z": (12.5, 12.5)}
    x = next(o for o in found.owners if o.entity.id == "X")
    assert (x.cascade.low, x.controls) == (0.0, False)


def test_parallel_paths_under_ofac_count_the_controlled_intermediaries_in_full() -> None:
    found = ownership.owners(data(PARALLEL, {"X": "CN"}), "C", profile="ofac", jurisdictions=["CN"])
    x = next(o for o in found.owners if o.entity.id == "X")
    assert (x.cascade.low, x.controls, x.over_threshold, x.home) == (0.5, True, True, True)
    assert found.verdict_status is Status.FLAGGED and found.exit_code() == 1


# A company holding part of its own parent: person X holds 80% of P, P's subsidiary S holds the other
# 20% of P; P holds 60% of S and Y holds 40% of S. X's share of P: x = 0.8 + 0.2 s with s = 0.6 x, so
# x = 0.8 / 0.88 = 90.9091%; Y's: y = 0.2 (0.4 + 0.6 y), so y = 0.08 / 0.88 = 9.0909%; together 100%,
# although X holds only 80% directly: the 12% of P that P holds through S belongs to P's own owners.
OWN_PARENT: list[Row] = [("X", "P", 80), ("S", "P", 20), ("P", "S", 60), ("Y", "S", 40)]


def test_a_company_holding_part_of_its_own_parent() -> None:
    found = ownership.owners(data(OWN_PARENT, persons=["X", "Y"]), "P")
    assert pct(found) == {"X": (90.9091, 90.9091), "Y": (9.0909, 9.0909)}
    assert round(ultimate_total(found), 12) == 1.0


def test_the_subsidiary_of_the_loop_is_passed_through_once() -> None:
    # With --all, S is listed with the chance a chain of P passes through it: 20% (a walk from P that
    # returns to P through S and goes round again is one passage, not two).
    found = ownership.owners(data(OWN_PARENT, persons=["X", "Y"]), "P", intermediates=True)
    assert pct(found)["S"] == (20.0, 20.0)


# The cross-holding of docs/rules.md section 4: X holds 80% of A, Y 70% of B, A 30% of B, B 20% of A.
# A's owners: X 0.8 / 0.94 = 85.1064% (the look-through figure of A with X watched) and Y 0.14 / 0.94 =
# 14.8936%; B's owners: X 0.24 / 0.94 = 25.5319% and Y 0.7 / 0.94 = 74.4681%.
CROSS: list[Row] = [("X", "A", 80), ("Y", "B", 70), ("A", "B", 30), ("B", "A", 20)]


@pytest.mark.parametrize(
    ("entity", "expected"),
    [
        ("A", {"X": (85.1064, 85.1064), "Y": (14.8936, 14.8936)}),
        ("B", {"Y": (74.4681, 74.4681), "X": (25.5319, 25.5319)}),
    ],
)
def test_a_cross_holding_is_solved_exactly(entity: str, expected: dict[str, tuple[float, float]]) -> None:
    found = ownership.owners(data(CROSS), entity)
    assert pct(found) == expected
    assert round(ultimate_total(found), 12) == 1.0


# Share bands: P holds a band of 25-50% of T and Q exactly 50%, 25% (at the low ends) is unallocated.
# P: 25% known; at most 25% + 25% = 50% (the band's top is within the unallocated part). Q: 50%, and
# the unallocated 25% could be Q's too through a holder nobody named: at most 75%. Nothing is ever less
# than what is known, and nothing unknown counts as zero.
BANDS: list[Row] = [("P", "T", (25, 50)), ("Q", "T", 50)]


def test_share_bands_give_ranges() -> None:
    found = ownership.owners(data(BANDS), "T")
    assert pct(found) == {"Q": (50.0, 75.0), "P": (25.0, 50.0)}
    assert found.unallocated == pytest.approx(0.25)


def test_a_band_with_an_exclusive_end_crosses_the_threshold() -> None:
    # A UK PSC band "more than 50% but less than 75%": its low end counts as just above 50%, so P is over
    # a "more than 50%" threshold at once, and controls T.
    band = Stake.between(0.5, 0.75, low_exclusive=True, high_exclusive=True)
    rows = (Holding("P", "T", band),)
    entities = (Entity("P", "P", EntityType.PERSON, "US"), Entity("T", "T", EntityType.COMPANY, "US"))
    found = ownership.owners(OwnershipData(entities, rows, SourceInfo("band", "0" * 64, "test")), "T")
    (p,) = found.owners
    assert p.over_threshold and p.controls


# The AMLR's control chain (docs/rules.md section 5): P holds 60% of H, H 30% of T. P's look-through
# share is 0.6 x 0.3 = 18%, under 25%; but H is controlled (more than 50%), so its 30% counts in full for
# P: 30% >= 25%, a beneficial owner. Q (40% of H) has 12% and controls nothing: not one. R holds the other
# 70% of T directly: a beneficial owner.
AMLR: list[Row] = [("P", "H", 60), ("Q", "H", 40), ("H", "T", 30), ("R", "T", 70)]


def test_the_amlr_control_chain_makes_a_beneficial_owner_per_person() -> None:
    found = ownership.owners(data(AMLR, persons=["P", "Q", "R"]), "T", profile="amlr", as_of="2027-08-01")
    by_id = {o.entity.id: o for o in found.owners}
    assert round(by_id["P"].lookthrough.low, 12) == 0.18 and by_id["P"].cascade.low == pytest.approx(0.3)
    assert by_id["P"].over_threshold and not by_id["P"].controls
    assert not by_id["Q"].over_threshold and not by_id["Q"].possibly_over_threshold
    assert by_id["R"].over_threshold and by_id["R"].controls
    # Nothing is watched: no status, nobody home, exit code 0.
    assert found.verdict_status is None and by_id["P"].home is None and found.exit_code() == 0


def test_the_unallocated_part_makes_an_owner_possibly_over() -> None:
    # P holds 45% of T and 10% of T has no named holder: P has 45-55%, possibly over "more than 50%".
    found = ownership.owners(data([("P", "T", 45), ("Q", "T", 45)]), "T")
    p = next(o for o in found.owners if o.entity.id == "P")
    assert pct(found)["P"] == (45.0, 55.0)
    assert not p.over_threshold and p.possibly_over_threshold


def test_an_entity_whose_owners_nobody_recorded_is_listed_and_counted_unallocated() -> None:
    # F (a fund nobody says is an ultimate owner, with no holders recorded) holds 60% of T, R 40%.
    entities = (
        Entity("F", "F", EntityType.FUND, "KY"),
        Entity("R", "R", EntityType.PERSON, "US"),
        Entity("T", "T", EntityType.COMPANY, "US"),
    )
    rows = (Holding("F", "T", Stake.exact(0.6)), Holding("R", "T", Stake.exact(0.4)))
    found = ownership.owners(OwnershipData(entities, rows, SourceInfo("f", "0" * 64, "test")), "T")
    roles = {o.entity.id: (o.role, round(o.lookthrough.low, 12)) for o in found.owners}
    assert roles == {"F": (Role.OWNERS_UNKNOWN, 0.6), "R": (Role.ULTIMATE, 0.4)}
    assert found.unallocated == pytest.approx(0.6)  # F's 60% has no named ultimate owner


def test_a_closed_loop_holds_its_share_and_no_owner_gets_it() -> None:
    # A and B hold each other entirely; A also holds 50% of T, R the other 50%.
    found = ownership.owners(data([("A", "B", 100), ("B", "A", 100), ("A", "T", 50), ("R", "T", 50)]), "T")
    assert pct(found) == {"R": (50.0, 50.0)}
    assert found.closed_loop == pytest.approx(0.5) and found.unallocated == 0.0


def test_a_stake_of_zero_does_not_hide_a_closed_loop() -> None:
    # The same loop, and T holds 0% of A: a stake that carries nothing. It used to join T to the loop's
    # strong component, so the loop was not seen as closed and its singular system stopped the solve.
    found = ownership.owners(
        data([("A", "B", 100), ("B", "A", 100), ("A", "T", 50), ("R", "T", 50), ("T", "A", 0)]), "T"
    )
    assert pct(found) == {"R": (50.0, 50.0)}
    assert found.closed_loop == pytest.approx(0.5) and found.unallocated == 0.0


def test_home_owners_and_the_status_under_a_watched_country() -> None:
    # The chain with P in CN: T's cascade figure is 40% (not more than 50%): clear, exit code 0.
    found = ownership.owners(data(CHAIN, {"P": "CN"}), "T", jurisdictions=["CN"])
    homes = {o.entity.id: o.home for o in found.owners}
    assert homes == {"R": False, "P": True, "Q": False}
    assert found.verdict_status is Status.CLEAR and found.exit_code() == 0


def test_an_unknown_entity_is_a_policy_error() -> None:
    with pytest.raises(ownership.PolicyError, match="NOPE"):
        ownership.owners(data(CHAIN), "NOPE")


def test_a_declared_indirect_interest_is_a_floor_under_the_owner_s_figures() -> None:
    # P holds 50% of H, which holds 50% of T: a chain of 25%. P also declares an indirect interest of 40%
    # in T, so its share is at least 40% (as check says with P watched), and so is its cascade figure.
    base = data([("P", "H", 50), ("Q", "H", 50), ("H", "T", 50), ("R", "T", 50)])
    declared = Holding("P", "T", Stake.exact(0.4), indirect=True)
    found = ownership.owners(OwnershipData(base.entities, (*base.holdings, declared), base.source), "T")
    p = next(o for o in found.owners if o.entity.id == "P")
    assert (p.lookthrough.low, p.cascade.low) == (0.4, 0.4)
    assert any(w.code == "declared_indirect" for w in found.warnings)
