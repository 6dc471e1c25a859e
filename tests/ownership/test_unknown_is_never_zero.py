"""Unknown is never zero: unknown owners, declared indirect interests, every country, rounding (hand-made cases).

Each case is small enough to compute by hand; the expected figures are written out in the comments.
The watched set is {CN} unless a case says otherwise, the rule is "more than 50%, cascade" (the default).
"""

from __future__ import annotations

from datetime import date

import pytest

from ownership.errors import InputError
from ownership.model import (
    CountryKind,
    Entity,
    EntityType,
    Holding,
    HomeBasis,
    Method,
    OwnershipData,
    Policy,
    SourceInfo,
    Stake,
    UnrecordedHolders,
)
from ownership.pipeline import check
from ownership.result import CheckResult, Status

SOURCE = SourceInfo("hand-made", "0" * 64, "test")
AS_OF = date(2026, 6, 30)
COMPANY, PERSON, STATE = EntityType.COMPANY, EntityType.PERSON, EntityType.STATE


def run(entities: list[Entity], holdings: list[Holding], **policy: object) -> CheckResult:
    settings: dict[str, object] = {"jurisdictions": frozenset({"CN"}), "as_of": AS_OF, **policy}
    return check(OwnershipData(tuple(entities), tuple(holdings), SOURCE), Policy(**settings))  # type: ignore[arg-type]


def status(result: CheckResult, entity_id: str) -> Status:
    return next(v.status for v in result.verdicts if v.entity.id == entity_id)


def figures(result: CheckResult, entity_id: str) -> tuple[float, float, float, float]:
    v = next(v for v in result.verdicts if v.entity.id == entity_id)
    return v.cascade.low, v.cascade.high, v.lookthrough.low, v.lookthrough.high


def pct(value: float) -> Stake:
    return Stake.exact(value / 100)


# ---------------------------------------------------------------------------------------------------------
# Unknown owners (issue 14, section 5)
# ---------------------------------------------------------------------------------------------------------

VENDOR = Entity("VENDOR", "Vendor Pte Ltd", COMPANY, "SG")
OFFSHORE = Entity("OFFSHORE", "Offshore Holdings Ltd", COMPANY, "VG")
FOUNDER = Entity("FOUNDER", "A Founder", PERSON, "SG")


def test_a_holding_company_about_which_nothing_is_known_makes_what_it_holds_possible() -> None:
    # OFFSHORE (VG) holds 60% of VENDOR, FOUNDER (a person, ultimate by nature) 40%. Nothing is recorded about
    # OFFSHORE's owners: all of it may be Chinese, so VENDOR's cascade is 0-60% high... OFFSHORE's own figure
    # is 0-100% (possible), and as a possibly tainted holder its 60% may count in full: 0-60% > 50%: possible.
    holdings = [Holding("OFFSHORE", "VENDOR", pct(60)), Holding("FOUNDER", "VENDOR", pct(40))]
    result = run([VENDOR, OFFSHORE, FOUNDER], holdings)
    assert status(result, "OFFSHORE") is Status.POSSIBLE
    assert figures(result, "OFFSHORE") == pytest.approx((0.0, 1.0, 0.0, 1.0))
    assert status(result, "VENDOR") is Status.POSSIBLE
    assert figures(result, "VENDOR") == pytest.approx((0.0, 0.6, 0.0, 0.6))
    assert status(result, "FOUNDER") is Status.CLEAR
    assert "unknown_owners" in [w.code for w in result.warnings]


def test_knowing_less_never_gives_a_cleaner_answer() -> None:
    # The same structure with one 1% holder of OFFSHORE on record: OFFSHORE is 99% unallocated, VENDOR possible.
    # Without that holder (knowing less) it must not be cleaner.
    minor = Entity("MINOR", "Minor Investor", PERSON, "GB")
    base = [Holding("OFFSHORE", "VENDOR", pct(60)), Holding("FOUNDER", "VENDOR", pct(40))]
    known_one = run([VENDOR, OFFSHORE, FOUNDER, minor], [*base, Holding("MINOR", "OFFSHORE", pct(1))])
    known_none = run([VENDOR, OFFSHORE, FOUNDER, minor], base)
    assert status(known_one, "VENDOR") is Status.POSSIBLE
    assert status(known_none, "VENDOR") is Status.POSSIBLE


@pytest.mark.parametrize(
    "top",
    [
        Entity("OFFSHORE", "Offshore Holdings Ltd", COMPANY, "VG", ultimate=True),
        Entity("OFFSHORE", "Ministry of Finance", STATE, "VG"),
        Entity("OFFSHORE", "A Person", PERSON, "VG"),
    ],
    ids=["marked-ultimate", "state-body", "person"],
)
def test_ultimate_owners_by_nature_or_statement_keep_a_clear_answer(top: Entity) -> None:
    holdings = [Holding("OFFSHORE", "VENDOR", pct(60)), Holding("FOUNDER", "VENDOR", pct(40))]
    result = run([VENDOR, top, FOUNDER], holdings)
    assert status(result, "VENDOR") is Status.CLEAR
    assert figures(result, "VENDOR") == pytest.approx((0.0, 0.0, 0.0, 0.0))
    assert "unknown_owners" not in [w.code for w in result.warnings]


def test_unrecorded_holders_ultimate_restores_the_older_reading() -> None:
    holdings = [Holding("OFFSHORE", "VENDOR", pct(60)), Holding("FOUNDER", "VENDOR", pct(40))]
    result = run([VENDOR, OFFSHORE, FOUNDER], holdings, unrecorded_holders=UnrecordedHolders.ULTIMATE)
    assert status(result, "VENDOR") is Status.CLEAR
    assert status(result, "OFFSHORE") is Status.CLEAR


def test_a_home_entity_with_no_recorded_holders_stays_home() -> None:
    cn = Entity("CNCO", "Beijing Fund", COMPANY, "CN")
    result = run([VENDOR, cn], [Holding("CNCO", "VENDOR", pct(55))])
    assert status(result, "CNCO") is Status.HOME
    assert status(result, "VENDOR") is Status.FLAGGED


# ---------------------------------------------------------------------------------------------------------
# Home basis and countries (issue 14, sections 1 and 4)
# ---------------------------------------------------------------------------------------------------------


def test_either_never_settles_an_unknown_place_of_incorporation() -> None:
    # CHCO: headquarters CH, incorporation unknown, holds 80% of SUB (the rest held by FOUNDER).
    # Under "incorporation" CHCO is of unknown country (possible); "either" must not call it clear.
    chco = Entity("CHCO", "Swiss Head Office AG", COMPANY, None, "CH", ultimate=True)
    sub = Entity("SUB", "Subsidiary", COMPANY, "SG")
    holdings = [Holding("CHCO", "SUB", pct(80)), Holding("FOUNDER", "SUB", pct(20))]
    by_basis = {
        basis: run([chco, sub, FOUNDER], holdings, home=basis)
        for basis in (HomeBasis.INCORPORATION, HomeBasis.EITHER, HomeBasis.HEADQUARTERS)
    }
    assert status(by_basis[HomeBasis.INCORPORATION], "CHCO") is Status.POSSIBLE
    assert status(by_basis[HomeBasis.EITHER], "CHCO") is Status.POSSIBLE
    assert status(by_basis[HomeBasis.EITHER], "SUB") is Status.POSSIBLE
    # By headquarters its country is known (CH): clear.
    assert status(by_basis[HomeBasis.HEADQUARTERS], "CHCO") is Status.CLEAR
    assert status(by_basis[HomeBasis.HEADQUARTERS], "SUB") is Status.CLEAR


def test_every_country_of_a_person_counts() -> None:
    # The BODS example "multiple tax residencies", by hand: nationality GB, tax residences GB and UA; he holds
    # 100% of a GB company. Watching UA, he is a home entity and his company is flagged (100% > 50%).
    person = Entity(
        "P",
        "Tax Resident",
        PERSON,
        "GB",
        other_countries=(("GB", CountryKind.TAX_RESIDENCE), ("UA", CountryKind.TAX_RESIDENCE)),
    )
    company = Entity("CO", "A Company", COMPANY, "GB")
    result = run([person, company], [Holding("P", "CO", pct(100))], jurisdictions=frozenset({"UA"}))
    assert status(result, "P") is Status.HOME
    assert next(v for v in result.verdicts if v.entity.id == "P").reason == "home entity: tax resident in UA"
    assert status(result, "CO") is Status.FLAGGED
    assert next(v for v in result.verdicts if v.entity.id == "P").entity.countries >= {
        ("UA", CountryKind.TAX_RESIDENCE)
    }


def test_a_company_tax_residence_does_not_make_it_home() -> None:
    # For companies only incorporation and head office decide (a tax residence is reported, not counted).
    company = Entity(
        "CO", "A Company", COMPANY, "GB", other_countries=(("CN", CountryKind.TAX_RESIDENCE),), ultimate=True
    )
    assert status(run([company], []), "CO") is Status.CLEAR


def test_a_second_place_of_incorporation_counts_under_incorporation() -> None:
    company = Entity("CO", "Dual Co", COMPANY, "GB", other_countries=(("CN", CountryKind.INCORPORATION),))
    result = run([company], [], home=HomeBasis.INCORPORATION)
    assert status(result, "CO") is Status.HOME


# ---------------------------------------------------------------------------------------------------------
# Declared indirect interests (issue 14, section 2)
# ---------------------------------------------------------------------------------------------------------

GB_PERSON = Entity("GBP", "A British Person", PERSON, "GB")
A = Entity("A", "Company A", COMPANY, "IE")
B = Entity("B", "Company B", COMPANY, "IE")
C = Entity("C", "Company C", COMPANY, "IE")


def test_a_declared_indirect_share_floors_a_chain_whose_links_give_no_share() -> None:
    # BODS "multiple indirect ownership 2", by hand: GBP holds B and C (no share given: 0-100%), B and C hold
    # A (no share given), and GBP declares 60% of A indirectly. The chain gives 0-100%; the declaration says
    # at least 60%. Watching GB: A's look-through and cascade low bounds are 60% > 50%: flagged.
    unknown = Stake(0.0, 1.0)
    holdings = [
        Holding("GBP", "B", unknown),
        Holding("GBP", "C", unknown),
        Holding("B", "A", unknown),
        Holding("C", "A", unknown),
        Holding("GBP", "A", pct(60), indirect=True),
    ]
    result = run([GB_PERSON, A, B, C], holdings, jurisdictions=frozenset({"GB"}))
    assert status(result, "A") is Status.FLAGGED
    c_low, _, l_low, l_high = figures(result, "A")
    assert c_low == pytest.approx(0.6)
    assert l_low == pytest.approx(0.6)
    assert l_high == pytest.approx(1.0)
    declared = [w for w in result.warnings if w.code == "declared_indirect"]
    assert len(declared) == 1
    assert "floor" in declared[0].message


def test_a_declared_indirect_share_without_a_chain_stands_in_and_adds_to_the_direct_stake() -> None:
    # BODS "os-08", by hand: GBP holds 50% of A directly and declares a further 50% indirectly, with no chain
    # in the data: 50% + 50% = 100%.
    holdings = [Holding("GBP", "A", pct(50)), Holding("GBP", "A", pct(50), indirect=True)]
    result = run([GB_PERSON, A], holdings, jurisdictions=frozenset({"GB"}))
    assert figures(result, "A") == pytest.approx((1.0, 1.0, 1.0, 1.0))
    assert status(result, "A") is Status.FLAGGED
    assert [w.code for w in result.warnings] == ["declared_indirect"]
    assert "stands in" in result.warnings[0].message


def test_a_declared_indirect_share_is_not_counted_twice_when_the_chain_gives_it() -> None:
    # CNP -60-> B -100-> A, and CNP declares 60% of A indirectly: the chain already gives 60%, so A's
    # look-through is 60%, not 120% (nor 100%).
    cnp = Entity("CNP", "Beijing Person", PERSON, "CN")
    holdings = [
        Holding("CNP", "B", pct(60)),
        Holding("GBP", "B", pct(40)),
        Holding("B", "A", pct(100)),
        Holding("CNP", "A", pct(60), indirect=True),
    ]
    result = run([cnp, GB_PERSON, A, B], holdings)
    assert figures(result, "A") == pytest.approx((1.0, 1.0, 0.6, 0.6))
    warning = next(w for w in result.warnings if w.code == "declared_indirect")
    assert "gives 60%" in warning.message


def test_a_declaration_that_disagrees_with_the_chain_is_warned_and_the_conservative_bounds_kept() -> None:
    # The chain gives 0.6 x 1.0 = 60% for CNP's share of A; CNP declares 80%: the floor (80%) is kept and the
    # disagreement is said.
    cnp = Entity("CNP", "Beijing Person", PERSON, "CN")
    holdings = [
        Holding("CNP", "B", pct(60)),
        Holding("GBP", "B", pct(40)),
        Holding("B", "A", pct(100)),
        Holding("CNP", "A", pct(80), indirect=True),
    ]
    result = run([cnp, GB_PERSON, A, B], holdings, method=Method.LOOKTHROUGH)
    _, _, l_low, _ = figures(result, "A")
    assert l_low == pytest.approx(0.8)
    warning = next(w for w in result.warnings if w.code == "declared_indirect")
    assert "disagrees" in warning.message


def test_an_ultimate_parent_in_a_watched_country_taints_its_ultimate_child_on_its_own_figure() -> None:
    # A GLEIF-like case: CNPARENT is the ultimate parent of CHILD at 100% (declared), and CHILD's direct parent
    # is not in the data: the declaration stands in for the chain, so CHILD is flagged, and what CHILD holds
    # (70% of GRANDCHILD) follows it.
    parent = Entity("CNPARENT", "Parent Group", COMPANY, "CN")
    child = Entity("CHILD", "Child Pty Ltd", COMPANY, "AU")
    grandchild = Entity("GRANDCHILD", "Grandchild Ltd", COMPANY, "NZ")
    holdings = [
        Holding("CNPARENT", "CHILD", pct(100), control=True, indirect=True),
        Holding("CHILD", "GRANDCHILD", pct(70)),
        Holding("FOUNDER", "GRANDCHILD", pct(30)),
    ]
    result = run([parent, child, grandchild, FOUNDER], holdings)
    assert status(result, "CHILD") is Status.FLAGGED
    assert status(result, "GRANDCHILD") is Status.FLAGGED
    assert figures(result, "GRANDCHILD")[2] == pytest.approx(0.7)


def test_floors_apply_when_each_party_is_assessed_alone() -> None:
    # The same floor case as above under the per-party rule (no aggregation): GBP alone reaches 60% of A.
    unknown = Stake(0.0, 1.0)
    holdings = [
        Holding("GBP", "B", unknown),
        Holding("B", "A", unknown),
        Holding("GBP", "A", pct(60), indirect=True),
    ]
    result = run([GB_PERSON, A, B], holdings, jurisdictions=frozenset({"GB"}), aggregate=False)
    assert status(result, "A") is Status.FLAGGED
    assert figures(result, "A")[0] == pytest.approx(0.6)


# ---------------------------------------------------------------------------------------------------------
# Rounded stakes (issue 14, section 6)
# ---------------------------------------------------------------------------------------------------------

THREE = [Entity(x, x, PERSON, "GB") for x in ("H1", "H2", "H3")]


def test_stakes_over_100_by_their_rounding_are_rescaled_with_a_warning() -> None:
    # 33.34 + 33.33 + 33.34 = 100.01%: three rows at two decimals explain up to 3 x 0.005 = 0.015 points.
    holdings = [
        Holding("H1", "A", pct(33.34)),
        Holding("H2", "A", pct(33.33)),
        Holding("H3", "A", pct(33.34)),
    ]
    result = run([*THREE, A], holdings)
    warning = next(w for w in result.warnings if w.code == "overallocated")
    assert "100.01%" in warning.message
    assert "rounding" in warning.message
    assert sum(figures(result, "A")) == pytest.approx(0.0)


def test_stakes_over_100_beyond_their_rounding_are_an_error_quoting_the_exact_sum() -> None:
    # 50.35 + 50.35 = 100.70%: two rows at two decimals explain only 0.01 points.
    holdings = [Holding("H1", "A", pct(50.35)), Holding("H2", "A", pct(50.35))]
    with pytest.raises(InputError) as caught:
        run([*THREE, A], holdings)
    assert "100.70%" in str(caught.value)


def test_a_chain_through_a_control_row_is_measured_as_an_unknown_share() -> None:
    # CNP controls B by contract (no stake), B holds 100% of A, CNP declares 70% of A indirectly: the chain's
    # share is 0-100%, which the declaration does not contradict (no "disagrees" warning, no NaN).
    cnp = Entity("CNP", "Beijing Person", PERSON, "CN")
    holdings = [
        Holding("CNP", "B", None, control=True),
        Holding("GBP", "B", pct(100)),
        Holding("B", "A", pct(100)),
        Holding("CNP", "A", pct(70), indirect=True),
    ]
    result = run([cnp, GB_PERSON, A, B], holdings)
    warning = next(w for w in result.warnings if w.code == "declared_indirect")
    assert "gives 0-100%" in warning.message
    assert "disagrees" not in warning.message
    assert status(result, "A") is Status.FLAGGED
