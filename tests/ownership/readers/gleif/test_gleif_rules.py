"""The GLEIF mapping rules: direct and ultimate parents, statuses and periods, relationship types,
duplicates, Level 1 registration statuses and countries, exceptions against relationships."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ownership.model import EntityType, Holding, OwnershipData, Policy, Stake
from ownership.pipeline import check
from ownership.prepare.in_force import valid_on
from ownership.readers.cells.tables import DEFAULT_LIMITS
from ownership.readers.gleif.reader import read_gleif
from ownership.result import Status

UNKNOWN_EQUITY = Stake(0.0, 1.0)
DIRECT, ULTIMATE = "IS_DIRECTLY_CONSOLIDATED_BY", "IS_ULTIMATELY_CONSOLIDATED_BY"


@dataclass(frozen=True)
class Rel:
    child: str
    kind: str
    parent: str
    status: str = "ACTIVE"
    start: str = ""
    end: str = ""
    amount: str = ""
    registration: str = "PUBLISHED"
    updated: str = "2024-01-01T00:00:00Z"


RR_HEADER = (
    "Relationship.StartNode.NodeID,Relationship.EndNode.NodeID,Relationship.RelationshipType,"
    "Relationship.RelationshipStatus,Relationship.Period.1.startDate,Relationship.Period.1.endDate,"
    "Relationship.Period.1.periodType,Relationship.Quantifiers.1.QuantifierAmount,"
    "Relationship.Quantifiers.1.QuantifierUnits,Registration.RegistrationStatus,Registration.LastUpdateDate"
)


def rr_csv(tmp_path: Path, rels: Sequence[Rel], name: str = "rr.csv") -> Path:
    lines = [RR_HEADER]
    for r in rels:
        period = "RELATIONSHIP_PERIOD" if r.start or r.end else ""
        units = "PERCENTAGE" if r.amount else ""
        lines.append(
            f"{r.child},{r.parent},{r.kind},{r.status},{r.start},{r.end},{period},{r.amount},{units},"
            f"{r.registration},{r.updated}"
        )
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def csv_file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def read(*paths: Path, name: str = "in") -> OwnershipData:
    return read_gleif(list(paths), name, DEFAULT_LIMITS)


def edges(data: OwnershipData) -> dict[tuple[str, str], Holding]:
    return {(h.holder, h.subject): h for h in data.holdings}


def codes(data: OwnershipData) -> list[str]:
    return [w.code for w in data.warnings if w.code != "no_entity_records"]


# ---------------------------------------------------------------------------------------------------------
# Ultimate parents are declared indirect interests, direct parents holdings
# ---------------------------------------------------------------------------------------------------------


def test_ultimate_parent_alone_is_a_declared_indirect_interest(tmp_path: Path) -> None:
    data = read(rr_csv(tmp_path, [Rel("C", ULTIMATE, "U")]))
    holding = edges(data)[("U", "C")]
    assert (holding.stake, holding.control, holding.indirect) == (UNKNOWN_EQUITY, True, True)
    assert codes(data) == []


def test_ultimate_parent_reached_through_the_direct_chain_is_kept_marked_indirect(tmp_path: Path) -> None:
    rels = [Rel("C", DIRECT, "P"), Rel("P", DIRECT, "U"), Rel("C", ULTIMATE, "U"), Rel("P", ULTIMATE, "U")]
    data = read(rr_csv(tmp_path, rels))
    # ("U", "P") is both a direct and an ultimate record: two holdings, one of each.
    assert sorted((h.holder, h.subject, h.indirect) for h in data.holdings) == [
        ("P", "C", False),
        ("U", "C", True),
        ("U", "P", False),
        ("U", "P", True),
    ]
    assert codes(data) == []


def test_ultimate_parent_with_a_percentage_keeps_it_beside_an_incomplete_chain(tmp_path: Path) -> None:
    # The ultimate record's 100.00 is a declared figure of U's share through others, not control without
    # equity; graph preparation decides how it counts beside P's direct 100%.
    rels = [Rel("C", DIRECT, "P", amount="100.00"), Rel("C", ULTIMATE, "U", amount="100.00")]
    data = read(rr_csv(tmp_path, rels))
    found = edges(data)
    assert (found[("P", "C")].stake, found[("P", "C")].indirect) == (Stake.exact(1.0), False)
    assert (found[("U", "C")].stake, found[("U", "C")].control, found[("U", "C")].indirect) == (
        Stake.exact(1.0),
        True,
        True,
    )
    assert "control only" not in (found[("U", "C")].source or "")
    assert "quantifier 100.00 PERCENTAGE" in (found[("U", "C")].source or "")
    assert codes(data) == []


@pytest.mark.parametrize(
    ("direct", "ultimate", "through_others"),
    [
        ("40", "100.00", Stake.exact(0.6)),  # 100% in all, 40% of it directly: 60% through others
        ("", "60", Stake(0.0, 0.6)),  # the direct stake is unknown (0-100%): 0-60% may be through others
        ("", "", UNKNOWN_EQUITY),
    ],
)
def test_an_ultimate_parent_that_is_also_the_direct_parent_declares_only_the_rest(
    tmp_path: Path, direct: str, ultimate: str, through_others: Stake
) -> None:
    # The ultimate record is the parent's whole consolidation; part of it is the direct record's stake.
    data = read(rr_csv(tmp_path, [Rel("C", DIRECT, "P", amount=direct), Rel("C", ULTIMATE, "P", amount=ultimate)]))
    (declared,) = [h for h in data.holdings if h.indirect]
    assert declared.stake is not None
    assert (declared.stake.low, declared.stake.high) == pytest.approx((through_others.low, through_others.high))
    assert "less the direct" in (declared.source or "")
    assert "redundant_relationship" not in codes(data)


def test_branch_is_held_entirely_by_its_head_office(tmp_path: Path) -> None:
    data = read(rr_csv(tmp_path, [Rel("BRANCH", "IS_INTERNATIONAL_BRANCH_OF", "HEAD")]))
    holding = edges(data)[("HEAD", "BRANCH")]
    assert (holding.stake, holding.control) == (Stake.exact(1.0), False)


def test_an_ultimate_parent_reached_through_a_branch_is_kept_marked_indirect(tmp_path: Path) -> None:
    rels = [
        Rel("BRANCH", "IS_INTERNATIONAL_BRANCH_OF", "HEAD"),
        Rel("HEAD", DIRECT, "U"),
        Rel("BRANCH", ULTIMATE, "U"),
    ]
    data = read(rr_csv(tmp_path, rels))
    assert {k: h.indirect for k, h in edges(data).items()} == {
        ("HEAD", "BRANCH"): False,
        ("U", "HEAD"): False,
        ("U", "BRANCH"): True,
    }


@pytest.mark.parametrize("kind", ["IS_FUND-MANAGED_BY", "IS_SUBFUND_OF", "IS_FEEDER_TO"])
def test_fund_relationships_are_not_ownership(tmp_path: Path, kind: str) -> None:
    data = read(rr_csv(tmp_path, [Rel("FUND", kind, "OTHER"), Rel("C", DIRECT, "P")]))
    assert set(edges(data)) == {("P", "C")}
    assert codes(data) == ["ignored_relationship"]


def test_unknown_relationship_type_is_ignored_with_its_cell(tmp_path: Path) -> None:
    data = read(rr_csv(tmp_path, [Rel("C", "IS_FRIENDS_WITH", "P"), Rel("C", DIRECT, "P")]), name="rr.csv")
    (warning,) = data.warnings[:1]
    assert warning.code == "ignored_record"
    assert warning.where is not None and (warning.where.row, warning.where.column) == (2, 3)


# ---------------------------------------------------------------------------------------------------------
# Status and periods
# ---------------------------------------------------------------------------------------------------------


def test_inactive_relationship_without_an_end_date_is_possible_until_its_last_update(tmp_path: Path) -> None:
    rels = [
        Rel("A", DIRECT, "P", status="INACTIVE", amount="100.00"),
        Rel("B", DIRECT, "P", status="INACTIVE", start="2015-01-01T00:00:00Z", end="2021-12-31T00:00:00Z"),
        Rel("C", DIRECT, "P", status="INACTIVE", updated=""),
    ]
    data = read(rr_csv(tmp_path, rels))
    found = edges(data)
    assert set(found) == {("P", "A"), ("P", "B")}
    assert (found[("P", "B")].start, found[("P", "B")].end) == (date(2015, 1, 1), date(2021, 12, 31))
    # A ended at a date the record does not give, by its last update (2024-01-01): 0-100% until 2023-12-31,
    # never more than its quantifier, never a floor.
    assert (found[("P", "A")].stake, found[("P", "A")].start, found[("P", "A")].end) == (
        Stake(0.0, 1.0),
        None,
        date(2023, 12, 31),
    )
    assert codes(data) == ["ended_undated", "ignored_record"]
    assert "INACTIVE" in data.warnings[0].message and "2023-12-31" in data.warnings[0].message
    assert "INACTIVE" in data.warnings[1].message  # C: no end date and no update date


def test_an_ended_relationship_counts_at_earlier_as_of_dates(tmp_path: Path) -> None:
    # Hand-computed: CN parent P consolidated A 60% (quantifier) from 2016 to 2020-06-30 (INACTIVE now). On
    # 2019-01-01 A's cascade is 60%, flagged at more than 50%; on 2024-01-01 the link has ended.
    lei = "LEI,Entity.LegalName,Entity.LegalJurisdiction\nP,Parent,CN\nA,Alpha,GB\n"
    rr = rr_csv(tmp_path, [Rel("A", DIRECT, "P", status="INACTIVE", start="2016-01-01", end="2020-06-30", amount="60")])
    data = read(csv_file(tmp_path, "lei.csv", lei), rr)
    then = check(data, Policy(jurisdictions=frozenset({"CN"}), as_of=date(2019, 1, 1))).verdict("A")
    assert (then.status, then.cascade.low) == (Status.FLAGGED, 0.6)
    later = check(data, Policy(jurisdictions=frozenset({"CN"}), as_of=date(2024, 1, 1))).verdict("A")
    assert later.cascade.low == 0.0 and later.status is not Status.FLAGGED


REAL_GLEIF = Path(__file__).resolve().parents[3] / "fixtures" / "gleif" / "real"


def test_real_inactive_relationship_counts_only_before_its_last_update() -> None:
    # Financial-Times/gleifr test data (tests/fixtures/gleif/README.md): 06LJQCOVPRXOPDHFC707 was directly
    # consolidated by 549300NXSY15DRY2R511, INACTIVE with no period, last updated 2018-03-24; and
    # 001GPB6A9XPE8XJICC14's parent relationship period starts 2018-06-15.
    data = read(REAL_GLEIF / "test-gleif-relationships-excerpt.csv", REAL_GLEIF / "test-gleif-entities-excerpt.csv")
    ended = edges(data)[("549300NXSY15DRY2R511", "06LJQCOVPRXOPDHFC707")]
    assert (ended.stake, ended.control, ended.start, ended.end) == (Stake(0.0, 1.0), True, None, date(2018, 3, 23))

    def in_force(day: date) -> set[tuple[str, str]]:
        return {(h.holder, h.subject) for h in data.holdings if valid_on(h, day) and not h.indirect}

    early, late = in_force(date(2017, 1, 1)), in_force(date(2019, 1, 1))
    assert ("549300NXSY15DRY2R511", "06LJQCOVPRXOPDHFC707") in early - late
    assert ("C7J4FOV6ELAVE39B7M82", "001GPB6A9XPE8XJICC14") in late - early


def test_relationship_periods_with_a_gap_are_separate_holdings(tmp_path: Path) -> None:
    text = (
        "Relationship.StartNode.NodeID,Relationship.EndNode.NodeID,Relationship.RelationshipType,"
        "Relationship.RelationshipStatus,"
        "Relationship.Period.1.startDate,Relationship.Period.1.endDate,Relationship.Period.1.periodType,"
        "Relationship.Period.2.startDate,Relationship.Period.2.endDate,Relationship.Period.2.periodType\n"
        "A,P,IS_DIRECTLY_CONSOLIDATED_BY,ACTIVE,2021-01-01,,RELATIONSHIP_PERIOD,2010-01-01,2015-12-31,"
        "RELATIONSHIP_PERIOD\n"
    )
    data = read(csv_file(tmp_path, "rr.csv", text))
    # Not consolidated from 2016 to 2020: the span 2010-open would count it then.
    assert [(h.start, h.end) for h in data.holdings] == [
        (date(2010, 1, 1), date(2015, 12, 31)),
        (date(2021, 1, 1), None),
    ]
    assert not any(valid_on(h, date(2018, 1, 1)) for h in data.holdings)


@pytest.mark.parametrize(("registration", "kept"), [("RETIRED", True), ("ANNULLED", False), ("DUPLICATE", False)])
def test_retired_annulled_and_duplicate_records(tmp_path: Path, registration: str, kept: bool) -> None:
    data = read(rr_csv(tmp_path, [Rel("A", DIRECT, "P", registration=registration), Rel("B", DIRECT, "P")]))
    assert (("P", "A") in edges(data)) is kept
    if kept:  # a RETIRED record without an end date: possibly in force until its last update
        assert edges(data)[("P", "A")].end == date(2023, 12, 31)
    assert codes(data) == ["ended_undated" if kept else "ignored_record"]


def test_retired_record_with_an_end_date_is_history(tmp_path: Path) -> None:
    rel = Rel("A", DIRECT, "P", registration="RETIRED", start="1514764800000", end="1546214400000")
    holding = edges(read(rr_csv(tmp_path, [rel])))[("P", "A")]
    assert (holding.start, holding.end) == (date(2018, 1, 1), date(2018, 12, 31))


@pytest.mark.parametrize("status", ["NULL", ""])
def test_unknown_status_is_taken_as_active(tmp_path: Path, status: str) -> None:
    data = read(rr_csv(tmp_path, [Rel("A", DIRECT, "P", status=status)]))
    assert ("P", "A") in edges(data)
    assert codes(data) == ["unknown_status"]


def test_several_relationship_periods_span_from_first_start_to_last_end(tmp_path: Path) -> None:
    text = (
        "Relationship.StartNode.NodeID,Relationship.EndNode.NodeID,Relationship.RelationshipType,"
        "Relationship.RelationshipStatus,"
        "Relationship.Period.1.startDate,Relationship.Period.1.endDate,Relationship.Period.1.periodType,"
        "Relationship.Period.2.startDate,Relationship.Period.2.endDate,Relationship.Period.2.periodType,"
        "Relationship.Period.3.startDate,Relationship.Period.3.endDate,Relationship.Period.3.periodType\n"
        "A,P,IS_DIRECTLY_CONSOLIDATED_BY,ACTIVE,2019-01-01,2019-12-31,ACCOUNTING_PERIOD,"
        "2017-07-13T01:54:46.387Z,2020-06-30,RELATIONSHIP_PERIOD,2017-07-13T00:00:00.000Z,2022-01-31,"
        "RELATIONSHIP_PERIOD\n"
        "B,P,IS_DIRECTLY_CONSOLIDATED_BY,ACTIVE,2016-01-01,2019-12-31,RELATIONSHIP_PERIOD,"
        "2020-01-01,,RELATIONSHIP_PERIOD,,,\n"
    )
    found = edges(read(csv_file(tmp_path, "rr.csv", text)))
    assert (found[("P", "A")].start, found[("P", "A")].end) == (date(2017, 7, 13), date(2022, 1, 31))
    assert (found[("P", "B")].start, found[("P", "B")].end) == (date(2016, 1, 1), None)


def test_period_ending_before_it_starts_is_dropped_with_a_warning(tmp_path: Path) -> None:
    rel = Rel("A", DIRECT, "P", start="2020-01-01", end="2019-01-01")
    data = read(rr_csv(tmp_path, [rel]))
    holding = edges(data)[("P", "A")]
    assert (holding.start, holding.end) == (None, None)
    assert codes(data) == ["bad_value"]


def test_records_missing_a_node_are_ignored(tmp_path: Path) -> None:
    data = read(rr_csv(tmp_path, [Rel("", DIRECT, "P"), Rel("A", DIRECT, "P")]))
    assert set(edges(data)) == {("P", "A")}
    assert codes(data) == ["ignored_record"]


# ---------------------------------------------------------------------------------------------------------
# Duplicates across files
# ---------------------------------------------------------------------------------------------------------


def test_the_most_recently_updated_record_wins(tmp_path: Path) -> None:
    old = rr_csv(tmp_path, [Rel("A", DIRECT, "P", amount="60", updated="2023-01-01T00:00:00Z")], name="old.csv")
    new = rr_csv(tmp_path, [Rel("A", DIRECT, "P", amount="80", updated="2024-06-01T00:00:00Z")], name="new.csv")
    for order in ([new, old], [old, new]):
        data = read(*order, name="both")
        assert edges(data)[("P", "A")].stake == Stake.exact(0.8)
        assert codes(data) == ["duplicate_record"]


def test_the_same_lei_record_in_two_forms_is_one_entity(tmp_path: Path) -> None:
    fixtures = Path(__file__).resolve().parents[3] / "fixtures" / "gleif"
    data = read(fixtures / "xml" / "lei.xml", fixtures / "api" / "lei-records.json", name="both")
    assert [e.id for e in data.entities] == ["5493PARENTCN00000001", "5493CHILDHK000000002"]
    assert [w.code for w in data.warnings] == ["duplicate_record", "duplicate_record"]


# ---------------------------------------------------------------------------------------------------------
# Level 1
# ---------------------------------------------------------------------------------------------------------

LEI_HEADER = (
    "LEI,Entity.LegalName,Entity.LegalAddress.Country,Entity.HeadquartersAddress.Country,"
    "Entity.LegalJurisdiction,Entity.EntityCategory,Registration.RegistrationStatus\n"
)


def test_level1_statuses_categories_and_countries(tmp_path: Path) -> None:
    lei = csv_file(
        tmp_path,
        "lei.csv",
        LEI_HEADER + "DE00000000000000000A,Delaware Co,US,US,US-DE,GENERAL,ISSUED\n"
        "KY00000000000000000B,Cayman Fund,KY,CN,KY,FUND,LAPSED\n"
        "SP00000000000000000C,Sole Trader,CN,CN,CN,SOLE_PROPRIETOR,ISSUED\n"
        "GV00000000000000000D,Ministry,FR,FR,FR,RESIDENT_GOVERNMENT_ENTITY,ISSUED\n"
        "RT00000000000000000E,Gone Ltd,GB,GB,GB,GENERAL,RETIRED\n"
        "AN00000000000000000F,Mistake Ltd,GB,GB,GB,GENERAL,ANNULLED\n",
    )
    rr = rr_csv(tmp_path, [Rel("DE00000000000000000A", DIRECT, "AN00000000000000000F")])
    data = read(lei, rr, name="set")
    entities = {e.id: e for e in data.entities}
    assert (entities["DE00000000000000000A"].jurisdiction, entities["DE00000000000000000A"].headquarters) == (
        "US",
        "US",
    )
    assert entities["KY00000000000000000B"].type is EntityType.FUND
    assert (entities["KY00000000000000000B"].jurisdiction, entities["KY00000000000000000B"].headquarters) == (
        "KY",
        "CN",
    )
    assert entities["SP00000000000000000C"].type is EntityType.PERSON
    assert entities["GV00000000000000000D"].type is EntityType.STATE
    # A government entity is its own top; no other category says so.
    assert [e.id for e in data.entities if e.ultimate] == ["GV00000000000000000D"]
    assert entities["RT00000000000000000E"].declared is True
    # The annulled record is not used: the LEI named by a relationship has an unknown country.
    annulled = entities["AN00000000000000000F"]
    assert (annulled.declared, annulled.jurisdiction, annulled.name) == (False, None, "AN00000000000000000F")
    assert codes(data) == ["lei_status", "lei_status", "unknown_reference"]


def test_an_unrecognised_jurisdiction_falls_back_to_the_legal_address(tmp_path: Path) -> None:
    lei = csv_file(tmp_path, "lei.csv", LEI_HEADER + "SG00000000000000000A,Straits Pte,SG,,ZZ-99,GENERAL,ISSUED\n")
    data = read(lei)
    (entity,) = data.entities
    assert (entity.jurisdiction, entity.headquarters) == ("SG", None)
    assert codes(data) == ["unknown_country", "legal_address_used"]


def test_relationships_without_level1_say_so_once(tmp_path: Path) -> None:
    data = read(rr_csv(tmp_path, [Rel("A", DIRECT, "P"), Rel("B", DIRECT, "P")]))
    assert [w.code for w in data.warnings] == ["no_entity_records"]
    assert "all 3 LEIs" in data.warnings[0].message
    assert all(not e.declared and e.jurisdiction is None for e in data.entities)


# ---------------------------------------------------------------------------------------------------------
# Reporting exceptions against relationships
# ---------------------------------------------------------------------------------------------------------

REPEX_HEADER = "LEI,Exception.Category,Exception.Reason.1,Exception.Reason.2,Exception.Reference.1\n"


def test_relationship_record_wins_over_an_exception_of_its_level(tmp_path: Path) -> None:
    repex = csv_file(
        tmp_path,
        "repex.csv",
        REPEX_HEADER + "A,DIRECT_ACCOUNTING_CONSOLIDATION_PARENT,NON_PUBLIC,,\n"
        "A,ULTIMATE_ACCOUNTING_CONSOLIDATION_PARENT,NO_LEI,,\n",
    )
    data = read(rr_csv(tmp_path, [Rel("A", DIRECT, "P")]), repex, name="set")
    found = edges(data)
    assert ("unknown parent of A (NON_PUBLIC)", "A") not in found
    # The ultimate parent has no LEI: an unknown party with an unknown declared indirect interest.
    ultimate = found[("unknown parent of A (NO_LEI)", "A")]
    assert (ultimate.stake, ultimate.control, ultimate.indirect) == (UNKNOWN_EQUITY, True, True)
    assert codes(data) == ["ignored_record", "unknown_parent"]


@pytest.mark.parametrize(
    ("reasons", "holder", "kind"),
    [
        ("NATURAL_PERSONS,", "unknown parent of A (NATURAL_PERSONS)", EntityType.PERSON),
        ("NO_LEI,", "unknown parent of A (NO_LEI)", EntityType.UNKNOWN),
        ("NON_CONSOLIDATING,", "unknown parent of A (NON_CONSOLIDATING)", EntityType.UNKNOWN),
        ("LEGAL_OBSTACLES,", "unknown parent of A (LEGAL_OBSTACLES)", EntityType.UNKNOWN),  # deprecated reason
        ("NO_KNOWN_PERSON,NON_PUBLIC", "unknown parent of A (NO_KNOWN_PERSON, NON_PUBLIC)", EntityType.UNKNOWN),
        # No known controlling person: the owners are unknown, not nobody.
        ("NO_KNOWN_PERSON,", "unknown owners of A (NO_KNOWN_PERSON)", EntityType.UNKNOWN),
    ],
)
def test_exception_reasons(tmp_path: Path, reasons: str, holder: str, kind: EntityType) -> None:
    lei = csv_file(tmp_path, "lei.csv", LEI_HEADER + "A,Alpha Ltd,GB,GB,GB,GENERAL,ISSUED\n")
    repex = csv_file(tmp_path, "repex.csv", REPEX_HEADER + f"A,DIRECT_ACCOUNTING_CONSOLIDATION_PARENT,{reasons},\n")
    data = read(lei, repex, name="set")
    (holding,) = data.holdings
    assert (holding.holder, holding.subject, holding.stake, holding.control, holding.indirect) == (
        holder,
        "A",
        UNKNOWN_EQUITY,
        True,
        False,
    )
    parent = next(e for e in data.entities if e.id == holder)
    assert (parent.type, parent.ultimate, parent.country_known) == (kind, False, False)
    # No reporting exception says the entity is its own top.
    assert not next(e for e in data.entities if e.id == "A").ultimate
    (warning,) = [w for w in data.warnings if w.code == "unknown_parent"]
    assert "0-100%" in warning.message


def test_an_exception_about_a_lei_without_a_level1_record_keeps_it(tmp_path: Path) -> None:
    # B has no LEI record in the input: its exception still gives an unknown holder, and B itself an entity
    # of unknown country, with a warning for each (nothing vanishes).
    lei = csv_file(tmp_path, "lei.csv", LEI_HEADER + "A,Alpha Ltd,GB,GB,GB,GENERAL,ISSUED\n")
    exception = "B,DIRECT_ACCOUNTING_CONSOLIDATION_PARENT,NO_KNOWN_PERSON,,\n"
    repex = csv_file(tmp_path, "repex.csv", REPEX_HEADER + exception)
    data = read(lei, repex, name="set")
    entities = {e.id: e for e in data.entities}
    assert (entities["B"].declared, entities["B"].country_known) == (False, False)
    assert [(h.holder, h.subject, h.stake) for h in data.holdings] == [
        ("unknown owners of B (NO_KNOWN_PERSON)", "B", UNKNOWN_EQUITY)
    ]
    assert codes(data) == ["unknown_parent", "unknown_reference"]


def test_warnings_are_capped_per_code_and_counted(tmp_path: Path) -> None:
    rels = [Rel(f"FUND{k:02d}", "IS_FUND-MANAGED_BY", "MANAGER") for k in range(25)] + [Rel("A", DIRECT, "P")]
    data = read(rr_csv(tmp_path, rels))
    funds = [w for w in data.warnings if w.code == "ignored_relationship"]
    assert len(funds) == 21
    assert funds[-1].message == "5 more 'ignored_relationship' warnings like the 20 above"
    assert funds[-1].where is None


# ---------------------------------------------------------------------------------------------------------
# Invariants over random relationship sets
# ---------------------------------------------------------------------------------------------------------

NODES = ["A", "B", "C", "D", "E"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(NODES), st.sampled_from([DIRECT, ULTIMATE]), st.sampled_from(NODES)),
        min_size=1,
        max_size=12,
    )
)
def test_direction_and_every_record_kept(triples: list[tuple[str, str, str]]) -> None:
    rels = [Rel(child, kind, parent, amount="100.00") for child, kind, parent in triples if child != parent]
    if not rels:
        return
    with tempfile.TemporaryDirectory() as folder:
        data = read(rr_csv(Path(folder), rels))
    # One holding per distinct record, the EndNode holding the StartNode, ultimate records marked indirect;
    # an ultimate record whose parent is also the direct parent at 100% leaves nothing through others.
    records = {(r.parent, r.child, r.kind) for r in rels}
    restated = {(p, c, k) for p, c, k in records if k == ULTIMATE and (p, c, DIRECT) in records}
    assert sorted((h.holder, h.subject, ULTIMATE if h.indirect else DIRECT) for h in data.holdings) == sorted(
        records - restated
    )
    assert all(h.stake == Stake.exact(1.0) and h.control for h in data.holdings)
    assert codes(data).count("redundant_relationship") == len(restated)
