"""UK PSC snapshot reader: sniffing, the Chinese state body of the real records, bands and their ends, control
rows, ceased and super-secure PSCs, statements, and a hand-written two-part snapshot; read through ``read_psc``
and checked through ``ownership.pipeline.check``."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
from test_psc_support import (
    AT_LEAST_75,
    CN,
    MORE_THAN_25,
    MORE_THAN_25_TO_50,
    MORE_THAN_50_LESS_THAN_75,
    NUDGE,
    REAL,
    SNAPSHOT,
    codes,
    corporate,
    line,
    person,
    read,
    stakes,
    write_lines,
)

from ownership.errors import Location
from ownership.model import Comparison, ControlMode, EntityType, OwnershipData, Policy, Stake, UnrecordedHolders
from ownership.pipeline import check
from ownership.readers.cells.tables import DEFAULT_LIMITS
from ownership.readers.psc.reader import looks_like_company_data, looks_like_psc, read_psc
from ownership.result import FailOn, Status


@pytest.fixture
def snapshot(tmp_path: Path):
    """``snapshot(records, name="psc.jsonl")`` writes records as JSON Lines and returns the path."""

    def write(records: list[object], name: str = "psc.jsonl") -> Path:
        return write_lines(tmp_path / name, records)

    return write


# ---------------------------------------------------------------------------------------------------------
# Sniffing
# ---------------------------------------------------------------------------------------------------------

BODS_LINE = (
    '{"statementId": "abc", "recordId": "r1", "recordType": "entity", "recordDetails": {"name": "X"},'
    ' "declarationSubject": "r1"}\n'
)
BODS_02_LINE = (
    '{"statementID": "s1", "statementType": "ownershipOrControlStatement", "subject": {"describedByEntityStatement":'
    ' "e1"}, "interests": [{"type": "shareholding", "details": "ownership-of-shares-75-to-100-percent"}]}\n'
)
FTM_LINE = '{"id": "o1", "schema": "Ownership", "properties": {"owner": ["a"], "asset": ["b"], "role": ["psc"]}}\n'


@pytest.mark.parametrize(
    "head",
    [
        pytest.param((REAL / "psc-data-5.json").read_text(encoding="utf-8"), id="real JSON array"),
        pytest.param((REAL / "psc-data-8.json").read_text(encoding="utf-8"), id="real pretty-printed array"),
        pytest.param((SNAPSHOT / "part-1.jsonl").read_text(encoding="utf-8"), id="JSON lines"),
        pytest.param("\ufeff" + (SNAPSHOT / "part-2.jsonl").read_text(encoding="utf-8"), id="BOM, super-secure first"),
        pytest.param('{"data":{"kind":"totals#persons-of-significant-control-snapshot"}}\n', id="totals line only"),
    ],
)
def test_looks_like_psc_claims_snapshot_lines(head: str) -> None:
    assert looks_like_psc(head)


@pytest.mark.parametrize(
    "head",
    [
        pytest.param(BODS_LINE * 3, id="BODS 0.4 lines"),
        pytest.param(BODS_02_LINE * 2, id="BODS 0.2 line naming a PSC band"),
        pytest.param(FTM_LINE * 2, id="FollowTheMoney lines"),
        pytest.param((REAL / "company-data-1.json").read_text(encoding="utf-8"), id="company data JSON"),
        pytest.param((REAL / "basic-company-data-1.csv").read_text(encoding="utf-8"), id="company data CSV"),
        pytest.param('{"company_number": "01234567", "data": {"kind": "officer"}}\n', id="other kind"),
        pytest.param('{"data": {"kind": "individual-person-with-significant-control"}}\n', id="no company number"),
        pytest.param('{"company_number": "01234567", "data": {"kind": "individual-person', id="cut off"),
        pytest.param("holder,subject,percent\nA,B,50\n", id="holdings CSV"),
        pytest.param("", id="empty"),
    ],
)
def test_looks_like_psc_refuses_other_json_and_text(head: str) -> None:
    assert not looks_like_psc(head)


def test_company_data_is_recognised_as_a_companion() -> None:
    assert looks_like_company_data((REAL / "company-data-1.json").read_text(encoding="utf-8"))
    assert looks_like_company_data((REAL / "basic-company-data-1.csv").read_text(encoding="utf-8"))
    assert not looks_like_company_data((REAL / "psc-data-5.json").read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------------------------
# The done-when case: a Chinese state body holding 75-100% (real record)
# ---------------------------------------------------------------------------------------------------------


def test_chinese_state_body_holding_75_to_100_percent_is_read_from_the_real_record() -> None:
    data = read(REAL / "psc-data-5.json")
    holder = next(e for e in data.entities if e.name == "State Administration Of Foreign Exchange")
    assert (holder.type, holder.jurisdiction, holder.headquarters) == (EntityType.STATE, "CN", "CN")
    company = next(e for e in data.entities if e.id == "GB-COH-07102351")
    assert (company.name, company.type, company.jurisdiction) == ("07102351", EntityType.COMPANY, "GB")
    (holding,) = data.holdings
    assert (holding.holder, holding.subject) == (holder.id, company.id)
    assert holding.stake == Stake(0.75, 1.0)  # "75% or more": both ends inclusive
    assert holding.votes is None and not holding.control
    assert (
        holding.source == "/company/07102351/persons-with-significant-control/legal-person/I9Y9flc5ndlcZRtXPL03fjn2hDo"
    )
    assert holding.where == Location("psc-data-5.json", row=2)
    assert data.source.format == "uk-psc"
    assert data.source.sha256 == hashlib.sha256((REAL / "psc-data-5.json").read_bytes()).hexdigest()
    assert data.warnings == ()  # the totals line is metadata


def test_chinese_state_body_flags_the_company_at_more_than_50_percent() -> None:
    result = check(read(REAL / "psc-data-5.json"), CN)
    company = result.verdict("GB-COH-07102351")
    assert company.status is Status.FLAGGED
    assert (company.cascade.low, company.cascade.high) == (0.75, 1.0)
    assert (company.lookthrough.low, company.lookthrough.high) == (0.75, 1.0)
    assert result.verdict("PSC-NAME-CN-state-administration-of-foreign-exchange").status is Status.HOME
    assert result.exit_code(FailOn.FLAGGED) == 1


# ---------------------------------------------------------------------------------------------------------
# Bands: the statute's ends
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "stake", "votes"),
    [
        ("ownership-of-shares-25-to-50-percent", MORE_THAN_25_TO_50, None),
        ("ownership-of-shares-50-to-75-percent", MORE_THAN_50_LESS_THAN_75, None),
        ("ownership-of-shares-75-to-100-percent", AT_LEAST_75, None),
        ("ownership-of-shares-25-to-50-percent-as-trust", MORE_THAN_25_TO_50, None),
        ("ownership-of-shares-50-to-75-percent-as-firm", MORE_THAN_50_LESS_THAN_75, None),
        ("ownership-of-shares-more-than-25-percent-registered-overseas-entity", MORE_THAN_25, None),
        (
            "ownership-of-shares-more-than-25-percent-as-control-over-trust-registered-overseas-entity",
            MORE_THAN_25,
            None,
        ),
        (
            "right-to-share-surplus-assets-50-to-75-percent-limited-liability-partnership",
            MORE_THAN_50_LESS_THAN_75,
            None,
        ),
        ("right-to-share-surplus-assets-75-to-100-percent-as-firm-limited-liability-partnership", AT_LEAST_75, None),
        ("part-right-to-share-surplus-assets-25-to-50-percent-as-trust", MORE_THAN_25_TO_50, None),
        ("voting-rights-25-to-50-percent", None, MORE_THAN_25_TO_50),
        ("voting-rights-50-to-75-percent-as-trust", None, MORE_THAN_50_LESS_THAN_75),
        ("voting-rights-75-to-100-percent-limited-liability-partnership", None, AT_LEAST_75),
        ("voting-rights-more-than-25-percent-as-firm-registered-overseas-entity", None, MORE_THAN_25),
    ],
)
def test_band_codes_give_the_statutes_exclusive_and_inclusive_ends(
    snapshot, code: str, stake: Stake | None, votes: Stake | None
) -> None:
    data = read(snapshot([person("01234567", [code])]))
    (holding,) = data.holdings
    assert (holding.stake, holding.votes, holding.control) == (stake, votes, False)
    assert data.warnings == ()


@pytest.mark.parametrize(
    "code",
    [
        "right-to-appoint-and-remove-directors",
        "right-to-appoint-and-remove-directors-as-trust",
        "right-to-appoint-and-remove-members-limited-liability-partnership",
        "right-to-appoint-and-remove-person-as-firm",
        "significant-influence-or-control",
        "significant-influence-or-control-as-firm-limited-liability-partnership",
        "significant-influence-or-control-as-control-over-trust-registered-overseas-entity",
    ],
)
def test_control_natures_are_control_rows_without_equity(snapshot, code: str) -> None:
    (holding,) = read(snapshot([person("01234567", [code])])).holdings
    assert (holding.stake, holding.votes, holding.control) == (None, None, True)


@pytest.mark.parametrize(
    ("band", "threshold", "comparison", "status"),
    [
        # "more than 50% but less than 75%" definitely passes "more than 50%" ...
        ("ownership-of-shares-50-to-75-percent", 0.5, Comparison.GT, Status.FLAGGED),
        # ... "more than 25% but not more than 50%" passes "more than 25%" (exclusive low end) ...
        ("ownership-of-shares-25-to-50-percent", 0.25, Comparison.GT, Status.FLAGGED),
        # ... but only possibly "more than 50%" (its high end is 50% itself, the rest is unallocated) ...
        ("ownership-of-shares-25-to-50-percent", 0.5, Comparison.GT, Status.POSSIBLE),
        # ... and "75% or more" passes "at least 75%" (inclusive low end).
        ("ownership-of-shares-75-to-100-percent", 0.75, Comparison.GE, Status.FLAGGED),
    ],
)
def test_band_ends_decide_threshold_tests(
    snapshot, band: str, threshold: float, comparison: Comparison, status: Status
) -> None:
    data = read(snapshot([person("01234567", [band], nationality="Chinese")]))
    result = check(data, CN.with_changes(threshold=threshold, comparison=comparison))
    assert result.verdict("GB-COH-01234567").status is status


def test_a_25_to_50_band_beside_a_known_outside_holder_is_capped_by_it(snapshot) -> None:
    # "More than 25%" held by a Chinese national beside "75% or more" held by a US company claim more than
    # 100% together, which a PSC register shows only when interests overlap (joint holdings, trusts, holding
    # through another). The low ends are lowered until they fit, each to 100% less the others' high ends:
    # CN 0-50%, US 50-100%. The US company's 50% then caps China at 50% directly; the US company's own
    # owners are not recorded, so they are unknown and could be Chinese: possible, never clear.
    data = read(
        snapshot(
            [
                person("01234567", ["ownership-of-shares-25-to-50-percent"], nationality="Chinese"),
                corporate(
                    "01234567", "Big US Inc", ["ownership-of-shares-75-to-100-percent"], country_registered="USA"
                ),
            ]
        )
    )
    assert "psc_overlapping_bands" in codes(data)
    assert stakes(data)[("PSC-PERSON-ann-example-1975-05", "GB-COH-01234567")] == Stake(0.0, 0.5)
    assert stakes(data)[("PSC-NAME-US-big-us-inc", "GB-COH-01234567")] == Stake(0.5, 1.0)
    verdict = check(data, CN).verdict("GB-COH-01234567")
    assert (verdict.status, verdict.cascade.low) == (Status.POSSIBLE, 0.0)
    # Read as their own ultimate owners (--unrecorded-holders ultimate), the US company caps China at 50%.
    ultimate = check(data, CN.with_changes(unrecorded_holders=UnrecordedHolders.ULTIMATE)).verdict("GB-COH-01234567")
    assert (ultimate.status, ultimate.cascade.low) == (Status.CLEAR, 0.0)


def test_several_bands_of_one_kind_combine_to_what_all_allow(snapshot) -> None:
    data = read(
        snapshot(
            [
                person(
                    "01234567",
                    ["ownership-of-shares-25-to-50-percent", "ownership-of-shares-25-to-50-percent-as-trust"],
                )
            ]
        )
    )
    (holding,) = data.holdings
    # at least the larger low end, at most the sum of the high ends
    assert holding.stake == Stake(0.25 + NUDGE, 1.0)
    assert holding.source is not None and holding.source.endswith("(through a trust)")
    assert codes(data) == []  # the same band twice loses nothing


def test_different_bands_of_one_kind_are_combined_with_a_warning(snapshot) -> None:
    data = read(
        snapshot(
            [
                person(
                    "01234567",
                    ["ownership-of-shares-25-to-50-percent", "ownership-of-shares-50-to-75-percent-as-firm"],
                )
            ]
        )
    )
    assert data.holdings[0].stake == Stake(0.5 + NUDGE, 1.0)
    assert codes(data) == ["psc_several_bands"]


def test_nominee_registrations_and_unknown_natures_are_set_aside_with_warnings(snapshot) -> None:
    data = read(
        snapshot(
            [
                person("OE000001", ["registered-owner-as-nominee-person-england-wales-registered-overseas-entity"]),
                person("01234567", ["ownership-of-shares-25-to-50-percent", "some-new-nature"]),
            ]
        )
    )
    assert stakes(data) == {
        ("PSC-PERSON-ann-example-1975-05", "GB-COH-OE000001"): Stake(0.0, 1.0),
        ("PSC-PERSON-ann-example-1975-05", "GB-COH-01234567"): MORE_THAN_25_TO_50,
    }
    assert sorted(codes(data)) == ["psc_nature_ignored", "psc_nature_ignored", "psc_unknown_stake"]
    assert "'some-new-nature'" in " ".join(w.message for w in data.warnings)


# ---------------------------------------------------------------------------------------------------------
# Ceased, super-secure, statements, exemptions
# ---------------------------------------------------------------------------------------------------------


def test_ceased_pscs_are_kept_until_the_day_before_they_ceased(snapshot) -> None:
    data = read(
        snapshot(
            [
                person("01234567", ["ownership-of-shares-75-to-100-percent"], ceased_on="2020-01-31"),
                line("01234567", kind="super-secure-person-with-significant-control", ceased=True),
                person("07654321", ["ownership-of-shares-50-to-75-percent"], notified_on="2016-04-06"),
                line(
                    "07654321",
                    kind="persons-with-significant-control-statement",
                    statement="psc-exists-but-not-identified",
                    notified_on="2016-04-06",
                    ceased_on="2019-01-01",
                ),
            ]
        )
    )
    dated = {(h.holder, h.subject): (h.stake, h.start, h.end) for h in data.holdings}
    assert dated == {
        ("PSC-PERSON-ann-example-1975-05", "GB-COH-01234567"): (AT_LEAST_75, None, date(2020, 1, 30)),
        ("PSC-PERSON-ann-example-1975-05", "GB-COH-07654321"): (MORE_THAN_50_LESS_THAN_75, date(2016, 4, 6), None),
        ("PSC-UNIDENTIFIED-07654321", "GB-COH-07654321"): (Stake(0.0, 1.0), date(2016, 4, 6), date(2018, 12, 31)),
        # 01234567 is left with no current PSC: its owners are unknown, not nobody, since its PSC ceased.
        ("PSC-UNKNOWN-01234567", "GB-COH-01234567"): (Stake(0.0, 1.0), date(2020, 1, 31), None),
    }
    ceased = {w.message: w.where for w in data.warnings if w.code == "psc_ceased"}
    assert ceased == {
        "2 ceased records are kept from notified_on until the day before ceased_on, so they count only at earlier "
        "as-of dates": Location("psc.jsonl", row=1),
        "1 record is marked ceased without a readable ceased_on date, which cannot be placed in time: not read": (
            Location("psc.jsonl", row=2)
        ),
    }
    # the company left with no current PSC says so
    assert "psc_no_current_psc" in codes(data)


VN_CEASED = person(
    "09876543",
    ["ownership-of-shares-50-to-75-percent"],
    nationality="Vietnamese",
    notified_on="2016-04-06",
    ceased_on="2018-05-15",
)


def test_a_ceased_psc_counts_while_it_was_in_force(snapshot) -> None:
    # Hand-made: a Vietnamese PSC held more than 50% but less than 75% of 09876543 from 2016-04-06 until it
    # ceased on 2018-05-15 (in force to 2018-05-14); a British PSC with more than 25% but not more than 50%
    # was notified on 2018-05-15.
    current = person(
        "09876543",
        ["ownership-of-shares-25-to-50-percent"],
        notified_on="2018-05-15",
        name_elements={"forename": "Bob", "surname": "New"},
        links={"self": "/company/09876543/persons-with-significant-control/individual/NEW"},
    )
    data = read(snapshot([VN_CEASED, current]))
    vn = Policy(jurisdictions=frozenset({"VN"}), as_of=date(2017, 1, 1))
    then = check(data, vn).verdict("GB-COH-09876543")
    # In force on 2017-01-01: the band alone; its low end is exclusive, so more than 50%: flagged at > 50%.
    assert then.status is Status.FLAGGED
    assert (then.cascade.low, then.cascade.high) == (0.5 + NUDGE, 1.0)
    last_day = check(data, vn.with_changes(as_of=date(2018, 5, 14))).verdict("GB-COH-09876543")
    assert last_day.status is Status.FLAGGED
    # From 2018-05-15 only the British 25-50% is in force: the unallocated 50-75% keeps it possible.
    later = check(data, vn.with_changes(as_of=date(2018, 5, 15))).verdict("GB-COH-09876543")
    assert (later.status, later.cascade.low, later.cascade.high) == (Status.POSSIBLE, 0.0, pytest.approx(0.75 - NUDGE))


def test_real_ceased_psc_counts_while_it_was_in_force() -> None:
    # Companies House record (bods-uk-psc-pipeline tests/fixtures/psc-data-11.json): a Polish national held
    # 75-100% of 10308742 from 2016-08-02 until he ceased on 2018-02-27.
    data = read(REAL / "psc-data-11.json")
    holding, unknown = data.holdings
    assert (holding.stake, holding.start, holding.end) == (AT_LEAST_75, date(2016, 8, 2), date(2018, 2, 26))
    # Since he ceased, the company has no current PSC: unknown owners of 0-100%, from the day he ceased.
    assert (unknown.holder, unknown.stake, unknown.start, unknown.end) == (
        "PSC-UNKNOWN-10308742",
        Stake(0.0, 1.0),
        date(2018, 2, 27),
        None,
    )
    pl = Policy(jurisdictions=frozenset({"PL"}), as_of=date(2017, 1, 1))
    then = check(data, pl).verdict("GB-COH-10308742")
    assert (then.status, then.cascade.low, then.cascade.high) == (Status.FLAGGED, 0.75, 1.0)
    today = check(data, pl.with_changes(as_of=date(2025, 1, 1))).verdict("GB-COH-10308742")
    assert today.status is not Status.FLAGGED and today.cascade.low == 0.0


def test_real_ceased_statement_is_dropped() -> None:
    data = read(REAL / "psc-data-1.json")
    assert len(data.holdings) == 1
    assert codes(data) == ["psc_ceased"]


def test_super_secure_psc_is_a_holder_of_unknown_country_with_an_unknown_stake() -> None:
    data = read(REAL / "psc-data-7.json")
    holder = next(e for e in data.entities if e.id.startswith("PSC-SUPER-SECURE-"))
    assert (holder.type, holder.jurisdiction, holder.headquarters) == (EntityType.PERSON, None, None)
    assert stakes(data) == {(holder.id, "GB-COH-02443921"): Stake(0.0, 1.0)}
    assert codes(data) == ["psc_super_secure"]
    assert check(data, CN).verdict("GB-COH-02443921").status is Status.POSSIBLE


# ---------------------------------------------------------------------------------------------------------
# The hand-written two-part snapshot: identity across companies, chains, company data
# ---------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def two_parts() -> OwnershipData:
    paths = [SNAPSHOT / "part-1.jsonl", SNAPSHOT / "part-2.jsonl", SNAPSHOT / "basic-company-data.csv"]
    return read_psc(paths, "snapshot", DEFAULT_LIMITS)


def test_a_corporate_psc_of_two_companies_is_one_entity(two_parts: OwnershipData) -> None:
    red = [e for e in two_parts.entities if "lantern" in e.name.casefold()]
    assert [e.id for e in red] == ["CN-REG-91110000MA00ABCD1X"]
    assert (red[0].name, red[0].jurisdiction, red[0].headquarters) == ("Red Lantern Investment Co., Ltd.", "CN", "CN")
    held = {h.subject: h.stake for h in two_parts.holdings if h.holder == red[0].id}
    assert held == {"GB-COH-00000002": AT_LEAST_75, "GB-COH-00000003": MORE_THAN_25_TO_50}


def test_a_uk_corporate_psc_is_the_company_with_that_number(two_parts: OwnershipData) -> None:
    # Beta Holdings gives registration number "2" at Companies House: it is company 00000002, whose own PSC
    # is Red Lantern, so the chain Red Lantern -> Beta -> Alpha forms across companies.
    beta = next(e for e in two_parts.entities if e.id == "GB-COH-00000002")
    assert (beta.name, beta.jurisdiction, beta.headquarters) == ("BETA HOLDINGS LIMITED", "GB", "GB")
    assert [h.subject for h in two_parts.holdings if h.holder == beta.id] == ["GB-COH-00000001"]
    assert [h.holder for h in two_parts.holdings if h.subject == beta.id] == ["CN-REG-91110000MA00ABCD1X"]


def test_the_snapshot_is_checked_as_computed_by_hand(two_parts: OwnershipData) -> None:
    result = check(two_parts, CN)
    status = {v.entity.id: v.status for v in result.verdicts}
    assert status == {
        "GB-COH-00000001": Status.FLAGGED,
        "GB-COH-00000002": Status.FLAGGED,
        "PSC-PERSON-jane-smith-1970-01": Status.CLEAR,
        "CN-REG-91110000MA00ABCD1X": Status.HOME,
        "GB-COH-00000003": Status.POSSIBLE,
        "GB-COH-00000004": Status.POSSIBLE,
        "PSC-UNIDENTIFIED-00000004": Status.POSSIBLE,
        "GB-COH-00000005": Status.POSSIBLE,
        "PSC-SUPER-SECURE-00000005-SS1": Status.POSSIBLE,
        # Nobody has significant control: each owner holds at most 25%, none named, so the owners are
        # unknown (0-100%) and could be Chinese together.
        "GB-COH-00000006": Status.POSSIBLE,
        "PSC-UNKNOWN-00000006": Status.POSSIBLE,
        # Exempt as its shares trade on a regulated market: a listed company, its own ultimate owner.
        "GB-COH-00000007": Status.CLEAR,
        "PSC-PERSON-wei-li-1980-03": Status.HOME,
        "PSC-PERSON-old-owner-1950-06": Status.CLEAR,  # ceased in 2020, kept for earlier as-of dates
    }
    alpha = result.verdict("GB-COH-00000001")
    # Beta (tainted) holds more than 50% but less than 75%; Jane Smith (GB) more than 25% caps the rest.
    assert (alpha.cascade.low, alpha.cascade.high) == (0.5 + NUDGE, 0.75 - NUDGE)
    # look-through: 0.500001 x 0.75 (Red Lantern's low end in Beta)
    assert alpha.lookthrough.low == pytest.approx((0.5 + NUDGE) * 0.75)
    assert alpha.red_flags  # Wei Li's significant influence is a control row held by a home party


def test_control_rows_taint_when_the_policy_says_so(two_parts: OwnershipData) -> None:
    # Without Beta's chain, Wei Li's control alone would not flag Alpha under "report"; under "taints" it does.
    reduced = OwnershipData(
        two_parts.entities,
        tuple(h for h in two_parts.holdings if h.holder != "GB-COH-00000002"),
        two_parts.source,
    )
    assert check(reduced, CN).verdict("GB-COH-00000001").status is Status.POSSIBLE
    tainting = check(reduced, CN.with_changes(control=ControlMode.TAINTS))
    assert tainting.verdict("GB-COH-00000001").status is Status.FLAGGED


def test_statements_exemptions_and_unused_company_data_are_explained(two_parts: OwnershipData) -> None:
    messages = {
        (w.code, w.where.file if w.where else None, w.where.row if w.where else None): w.message
        for w in two_parts.warnings
    }
    assert set(messages) == {
        ("psc_ceased", "snapshot/part-1.jsonl", 5),
        ("psc_statement", "snapshot/part-1.jsonl", 6),
        ("psc_super_secure", "snapshot/part-2.jsonl", 1),
        ("psc_statement", "snapshot/part-2.jsonl", 2),
        ("psc_exemption", "snapshot/part-2.jsonl", 3),
        ("psc_no_current_psc", "snapshot/part-2.jsonl", 2),
        ("psc_company_unused", "snapshot/basic-company-data.csv", 4),
    }
    assert "owners unknown" in messages[("psc_no_current_psc", "snapshot/part-2.jsonl", 2)]
    assert "listed" in messages[("psc_exemption", "snapshot/part-2.jsonl", 3)]
    entities = {e.id: e for e in two_parts.entities}
    assert [e.id for e in two_parts.entities if e.ultimate] == ["GB-COH-00000007"]
    assert (entities["PSC-UNKNOWN-00000006"].type, entities["PSC-UNKNOWN-00000006"].country_known) == (
        EntityType.UNKNOWN,
        False,
    )
    assert "not named" in messages[("psc_statement", "snapshot/part-1.jsonl", 6)]
    assert "nobody holds more than 25%" in messages[("psc_statement", "snapshot/part-2.jsonl", 2)]


def test_every_entity_and_holding_says_where_it_was_read(two_parts: OwnershipData) -> None:
    assert all(e.where is not None and e.where.row for e in two_parts.entities)
    assert all(h.where is not None and h.where.row for h in two_parts.holdings)
    wei = next(h for h in two_parts.holdings if h.holder == "PSC-PERSON-wei-li-1980-03")
    assert wei.where == Location("snapshot/part-2.jsonl", row=4)
    assert wei.source == "/company/00000001/persons-with-significant-control/individual/LI1"


def test_several_files_hash_as_names_and_hashes_in_name_order(two_parts: OwnershipData) -> None:
    combined = hashlib.sha256()
    for p in sorted(SNAPSHOT.glob("*.*")):
        if p.suffix in (".jsonl", ".csv"):
            combined.update(p.name.encode() + b"\0" + hashlib.sha256(p.read_bytes()).hexdigest().encode() + b"\n")
    assert two_parts.source.sha256 == combined.hexdigest()
    reordered = read_psc(
        [SNAPSHOT / "basic-company-data.csv", SNAPSHOT / "part-2.jsonl", SNAPSHOT / "part-1.jsonl"],
        "snapshot",
        DEFAULT_LIMITS,
    )
    assert reordered.source.sha256 == two_parts.source.sha256
    assert {(h.holder, h.subject, h.stake) for h in reordered.holdings} == {
        (h.holder, h.subject, h.stake) for h in two_parts.holdings
    }
