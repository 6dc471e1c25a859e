"""read_gleif: the issue's cases, through the reader and through ownership.pipeline.check.

A Chinese parent and a Hong Kong child (real GLEIF records and a hand-written group), the 1.00 vs 100.00
quantifier scale, reporting exceptions as unknown holders, epoch-millisecond dates, several files of one
dataset, and the errors a user can meet.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ownership.errors import InputError
from ownership.model import ControlMode, EntityType, OwnershipData, Policy, Stake
from ownership.pipeline import check
from ownership.readers.cells.tables import DEFAULT_LIMITS
from ownership.readers.gleif.reader import read_gleif
from ownership.readers.gleif.records import gleif_date
from ownership.result import CheckResult, EntityVerdict, Status

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "gleif"
GOLDEN = [FIXTURES / "golden" / name for name in ("lei.csv", "rr.csv", "repex.csv")]

CN_PARENT, HK_CHILD = "30030096HNNZNN7BZK36", "3003005JY7KTP8L48N10"  # real LEIs, in real/relationship_issued.json
PARENT, CHILD, GRAND, DELAWARE, STRAITS, NOWHERE = (
    "5493PARENTCN00000001",
    "5493CHILDHK000000002",
    "5493GRANDGB000000003",
    "5493USDELAW000000004",
    "5493SINGAPR000000005",
    "5493UNKNOWN000000006",
)
UNKNOWN_EQUITY = Stake(0.0, 1.0)


def read(*paths: Path, name: str = "gleif") -> OwnershipData:
    return read_gleif(list(paths), name, DEFAULT_LIMITS)


def codes(data: OwnershipData) -> list[str]:
    return [w.code for w in data.warnings]


def run(data: OwnershipData, control: ControlMode = ControlMode.REPORT, as_of: date = date(2025, 1, 1)) -> CheckResult:
    return check(data, Policy(jurisdictions=frozenset({"CN"}), control=control, as_of=as_of))


def verdict(result: CheckResult, entity_id: str) -> EntityVerdict:
    return next(v for v in result.verdicts if v.entity.id == entity_id)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------------------
# The Chinese-parent / Hong Kong-child pair
# ---------------------------------------------------------------------------------------------------------


def test_real_cn_parent_hk_child_pair_is_read_parent_to_child() -> None:
    data = read(FIXTURES / "real" / "relationship_issued.json", name="relationship_issued.json")
    entities = {e.id: e for e in data.entities}
    assert (entities[CN_PARENT].jurisdiction, entities[CN_PARENT].headquarters) == ("CN", "CN")
    assert entities[CN_PARENT].name == "横店集团控股有限公司"
    assert (entities[HK_CHILD].jurisdiction, entities[HK_CHILD].headquarters) == ("HK", "HK")
    (holding,) = data.holdings
    # "Start IS_ULTIMATELY_CONSOLIDATED_BY End": the EndNode (parent) holds the StartNode (child).
    assert (holding.holder, holding.subject) == (CN_PARENT, HK_CHILD)
    assert holding.stake == UNKNOWN_EQUITY
    assert holding.control is True
    assert (holding.start, holding.end) == (date(2016, 2, 23), None)  # the RELATIONSHIP_PERIOD, not the accounts
    assert holding.source is not None and f"{HK_CHILD} IS_ULTIMATELY_CONSOLIDATED_BY {CN_PARENT}" in holding.source
    assert data.source.format == "gleif"
    assert data.warnings == ()  # the parent's LAPSED registration is still its data


def test_real_hk_child_of_cn_parent_is_shown_as_controlled_by_a_cn_party() -> None:
    data = read(FIXTURES / "real" / "relationship_issued.json")
    reported = run(data)
    parent, child = verdict(reported, CN_PARENT), verdict(reported, HK_CHILD)
    assert parent.status is Status.HOME
    # Control is reported, equity is unknown: the high bound gives the child all the parent might hold.
    assert child.status is Status.POSSIBLE
    assert (child.cascade.low, child.cascade.high) == (0.0, 1.0)
    (flag,) = child.red_flags
    # Consolidation with the equity unknown is not "control without equity".
    assert flag.startswith(f"controlled, with a stake of 0-100%, by {CN_PARENT} (home)")
    assert "IS_ULTIMATELY_CONSOLIDATED_BY" in flag
    # Counting control as a majority stake flags it.
    tainted = verdict(run(data, ControlMode.TAINTS), HK_CHILD)
    assert tainted.status is Status.FLAGGED
    assert tainted.reason == "controlled by contract by a tainted party (counted by this policy)"


def test_hand_written_group_cascade_with_reported_and_counted_control() -> None:
    data = read(*GOLDEN)
    reported = run(data)
    assert verdict(reported, PARENT).status is Status.HOME
    for lei in (CHILD, DELAWARE):
        assert verdict(reported, lei).status is Status.POSSIBLE
    # The CN parent is GRAND's ultimate parent at 100.00: a declared 100% through others, so flagged.
    assert verdict(reported, GRAND).status is Status.FLAGGED
    assert verdict(reported, CHILD).red_flags[0].startswith(f"controlled, with a stake of 0-100%, by {PARENT} (home)")
    # A consolidation with a percentage quantifier (100.00) is never described as control without equity.
    grand_flags = verdict(reported, GRAND).red_flags
    assert grand_flags[0].startswith(f"controlled, with a stake of 100%, by {CHILD} (possibly tainted)")
    assert not any("without equity" in flag for flag in grand_flags)

    counted = run(data, ControlMode.TAINTS)
    # HK child tainted by control; the UK and Delaware companies are held 100% (quantifiers 100.00 and 1.00)
    # by the tainted HK child, so their cascade figure is 100% at the low bound.
    assert verdict(counted, CHILD).status is Status.FLAGGED
    for lei in (GRAND, DELAWARE):
        found = verdict(counted, lei)
        assert found.status is Status.FLAGGED
        assert (found.cascade.low, found.cascade.high) == (1.0, 1.0)
    # Look-through multiplies equity: the HK child's own equity is unknown (0-100%), so 0-100% for Delaware;
    # GRAND's ultimate parent declares 100% through others, a floor under the chain's figure.
    assert (verdict(counted, DELAWARE).lookthrough.low, verdict(counted, DELAWARE).lookthrough.high) == (0.0, 1.0)
    assert (verdict(counted, GRAND).lookthrough.low, verdict(counted, GRAND).lookthrough.high) == (1.0, 1.0)


def test_ultimate_parent_counts_while_in_force() -> None:
    data = read(*GOLDEN)
    # 5493SINGAPR...: its direct parent is undisclosed (NON_PUBLIC exception); the CN ultimate parent's
    # relationship ended 2021-12-31 and is kept as a declared indirect interest (0-100%, with control).
    assert verdict(run(data, ControlMode.TAINTS, as_of=date(2020, 6, 30)), STRAITS).status is Status.FLAGGED
    later = verdict(run(data, ControlMode.TAINTS, as_of=date(2025, 1, 1)), STRAITS)
    assert later.status is Status.POSSIBLE  # the unknown NON_PUBLIC parent may still be Chinese


# ---------------------------------------------------------------------------------------------------------
# Quantifiers: 1.00 and 100.00 both mean 100%
# ---------------------------------------------------------------------------------------------------------

RR_HEADER = (
    "Relationship.StartNode.NodeID,Relationship.EndNode.NodeID,Relationship.RelationshipType,"
    "Relationship.RelationshipStatus,Relationship.Quantifiers.1.MeasurementMethod,"
    "Relationship.Quantifiers.1.QuantifierAmount,Relationship.Quantifiers.1.QuantifierUnits\n"
)


@pytest.mark.parametrize(
    ("amount", "units", "stake", "warning"),
    [
        ("100.00", "PERCENTAGE", Stake.exact(1.0), None),
        ("1.00", "PERCENTAGE", Stake.exact(1.0), "fraction_scale"),
        ("60", "PERCENTAGE", Stake.exact(0.6), None),
        ("0.6", "PERCENTAGE", Stake.exact(0.6), "fraction_scale"),
        ("75.5", "", Stake.exact(0.755), None),  # units are optional in RR-CDF: a percentage
        ("150", "PERCENTAGE", UNKNOWN_EQUITY, "bad_value"),
        ("0", "PERCENTAGE", UNKNOWN_EQUITY, "bad_value"),
        ("about half", "PERCENTAGE", UNKNOWN_EQUITY, "bad_value"),
        ("100", "SHARES", UNKNOWN_EQUITY, "bad_value"),
    ],
)
def test_quantifier_scale(tmp_path: Path, amount: str, units: str, stake: Stake, warning: str | None) -> None:
    path = write(
        tmp_path,
        "rr.csv",
        RR_HEADER + f"CHILD0000000000000001,PARENT000000000000001,IS_DIRECTLY_CONSOLIDATED_BY,ACTIVE,"
        f"ACCOUNTING_CONSOLIDATION,{amount},{units}\n",
    )
    data = read(path, name="rr.csv")
    (holding,) = data.holdings
    assert holding.stake is not None
    assert holding.stake.low == pytest.approx(stake.low)
    assert holding.stake.high == pytest.approx(stake.high)
    assert holding.control is True
    found = [w for w in data.warnings if w.code != "no_entity_records"]
    assert [w.code for w in found] == ([warning] if warning else [])
    if warning:
        where = found[0].where
        assert where is not None
        assert (where.file, where.row, where.column) == ("rr.csv", 2, 6)
        assert where.header == "Relationship.Quantifiers.1.QuantifierAmount"


def test_real_quantifiers_1_00_and_100_00_both_read_as_100_percent() -> None:
    data = read(FIXTURES / "real" / "rr-updates-data2-excerpt.xml", name="rr-updates-data2-excerpt.xml")
    stakes = [(h.holder, h.subject, h.stake, h.indirect) for h in data.holdings]
    assert stakes == [
        ("9845002B9874D50A4531", "097900BJGO0000201513", Stake.exact(1.0), False),  # QuantifierAmount 1.00
        ("984500501A1B1045PB30", "2138002YAB7Z9KO21397", Stake.exact(1.0), False),  # QuantifierAmount 100.00
    ]
    assert codes(data).count("fraction_scale") == 2  # the 1.00 pair: direct and ultimate records
    # Each ultimate parent is also the direct parent at 100%: the ultimate record (100% in all) leaves
    # nothing held through others, and says so rather than counting the same 100% twice.
    redundant = [w for w in data.warnings if w.code == "redundant_relationship"]
    assert len(redundant) == 2
    assert "nothing is held through others" in redundant[0].message


def test_real_monoova_fx_keeps_its_ultimate_parents_100_percent() -> None:
    # Monoova FX (98450051BS9C610A8T78, AU) is consolidated directly by Monoova Global Payments (no
    # quantifier: 0-100%) and ultimately by 984500501A1B1045PB30 at 100.00, which also holds Monoova Global
    # Payments 100.00 directly. The ultimate record is the parent's declared 100% through others.
    real = FIXTURES / "real"
    data = read(real / "lei-updates-data2.xml", real / "rr-updates-data2.xml", name="bodspipelines")
    fx, payments, top = "98450051BS9C610A8T78", "2138002YAB7Z9KO21397", "984500501A1B1045PB30"
    into_fx = sorted(
        ((h.holder, h.stake, h.control, h.indirect, h.start) for h in data.holdings if h.subject == fx),
        key=lambda row: row[3],
    )
    assert into_fx == [
        (payments, UNKNOWN_EQUITY, True, False, date(2018, 6, 30)),
        (top, Stake.exact(1.0), True, True, date(2018, 6, 30)),
    ]
    declared = next(h for h in data.holdings if h.subject == fx and h.indirect)
    assert declared.source is not None and "IS_ULTIMATELY_CONSOLIDATED_BY" in declared.source
    assert "quantifier 100.00 PERCENTAGE" in declared.source and "control only" not in declared.source
    entities = {e.id: e for e in data.entities}
    assert (entities[fx].name, entities[fx].jurisdiction) == ("MONOOVA FX PTY LTD", "AU")
    assert not any(fx in w.message for w in data.warnings if w.code in ("redundant_relationship", "control_only"))


# ---------------------------------------------------------------------------------------------------------
# Reporting exceptions
# ---------------------------------------------------------------------------------------------------------


def test_reporting_exception_becomes_an_unknown_holder() -> None:
    data = read(*GOLDEN)
    entities = {e.id: e for e in data.entities}
    undisclosed = f"unknown parent of {STRAITS} (NON_PUBLIC)"
    parent = entities[undisclosed]
    assert (parent.jurisdiction, parent.headquarters, parent.declared) == (None, None, False)
    assert parent.type is EntityType.UNKNOWN
    assert parent.name == "unknown parent of Example Straits Pte Ltd (NON_PUBLIC)"
    persons = entities[f"unknown parent of {PARENT} (NATURAL_PERSONS)"]
    assert persons.type is EntityType.PERSON
    holding = next(h for h in data.holdings if h.holder == undisclosed)
    assert (holding.subject, holding.stake, holding.control) == (STRAITS, UNKNOWN_EQUITY, True)
    assert holding.source is not None and "disclosure would be detrimental" in holding.source
    # NO_KNOWN_PERSON: no controlling person is known, so its owners are unknown (0-100%), not nobody.
    (unknown,) = [h for h in data.holdings if h.subject == NOWHERE]
    assert (unknown.holder, unknown.stake, unknown.indirect) == (
        f"unknown owners of {NOWHERE} (NO_KNOWN_PERSON)",
        UNKNOWN_EQUITY,
        False,
    )
    # The ultimate-level NATURAL_PERSONS exception is the unknown persons' declared indirect interest.
    persons_id = f"unknown parent of {PARENT} (NATURAL_PERSONS)"
    assert sorted(h.indirect for h in data.holdings if h.holder == persons_id) == [False, True]
    # One warning per unknown parent added, even where both the direct and the ultimate exception name it.
    assert codes(data).count("unknown_parent") == 3

    child = verdict(run(data), STRAITS)
    assert child.status is Status.POSSIBLE
    assert f"holder {undisclosed} has no known country" in child.uncertainty


def test_real_reporting_exceptions() -> None:
    data = read(FIXTURES / "real" / "repex-data.xml", name="repex-data.xml")
    parents = sorted(h.holder for h in data.holdings)
    # 10 exceptions: 3 NO_KNOWN_PERSON (unknown owners), 6 NON_CONSOLIDATING, 1 NON_PUBLIC: none vanishes.
    assert len(parents) == 10
    assert sum("(NON_CONSOLIDATING)" in p for p in parents) == 6
    assert sum(p.startswith("unknown owners of ") and p.endswith(" (NO_KNOWN_PERSON)") for p in parents) == 3
    assert "unknown parent of 01370W6ZIY66KQ4J3570 (NON_PUBLIC)" in parents
    assert all(h.stake == UNKNOWN_EQUITY for h in data.holdings)
    holding = next(h for h in data.holdings if h.subject == "01370W6ZIY66KQ4J3570")
    assert holding.where is not None and holding.where.row == 53  # the line the <repex:Exception> starts on
    assert codes(data) == ["unknown_parent"] * 10 + ["no_entity_records"]
    # Every LEI an exception is about is an entity (of unknown country: the input has no Level 1 records).
    assert {h.subject for h in data.holdings} <= {e.id for e in data.entities if not e.country_known}


# ---------------------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1498089600000", date(2017, 6, 22)),
        ("1352922180000", date(2012, 11, 14)),
        ("887673600000", date(1998, 2, 17)),
        ("2016-02-23T00:00:00.000+08:00", date(2016, 2, 23)),
        ("2010-05-11T18:30:00Z", date(2010, 5, 11)),
        ("NULL", None),
        ("", None),
    ],
)
def test_gleif_dates(text: str, expected: date | None) -> None:
    assert gleif_date(text) == expected


@given(st.dates(min_value=date(1971, 1, 1), max_value=date(2250, 12, 31)))
def test_epoch_milliseconds_round_trip(day: date) -> None:
    midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)
    millis = int((midnight - datetime(1970, 1, 1, tzinfo=UTC)) / timedelta(milliseconds=1))
    assert gleif_date(str(millis)) == day
    assert gleif_date(str(millis + 86_399_999)) == day  # any time of that day, UTC


def test_epoch_millisecond_dates_in_real_csv() -> None:
    data = read(FIXTURES / "real" / "test-gleif-relationships-excerpt.csv")
    holding = next(h for h in data.holdings if h.subject == "00TV1D5YIV5IDUGWBW29")
    assert holding.start == date(2017, 6, 22)  # Relationship.Period.2.startDate 1498089600000


def test_unreadable_date_is_a_warning_naming_the_cell(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "rr.csv",
        "Relationship.StartNode.NodeID,Relationship.EndNode.NodeID,Relationship.RelationshipType,"
        "Relationship.RelationshipStatus,Relationship.Period.1.startDate,Relationship.Period.1.periodType\n"
        "CHILD0000000000000001,PARENT000000000000001,IS_DIRECTLY_CONSOLIDATED_BY,ACTIVE,31/01/2024,"
        "RELATIONSHIP_PERIOD\n",
    )
    data = read(path, name="rr.csv")
    (holding,) = data.holdings
    assert holding.start is None  # open: the relationship is counted rather than lost
    (bad,) = [w for w in data.warnings if w.code == "bad_value"]
    assert bad.where is not None and (bad.where.row, bad.where.column) == (2, 5)


# ---------------------------------------------------------------------------------------------------------
# Several files, hashing, errors
# ---------------------------------------------------------------------------------------------------------


def test_several_files_are_one_dataset_hashed_together() -> None:
    data = read(*GOLDEN, name="golden")
    digest = hashlib.sha256()
    for path in sorted(GOLDEN, key=lambda p: p.name):
        digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).hexdigest().encode() + b"\n")
    assert data.source.sha256 == digest.hexdigest()
    assert data.source.path == "golden"
    where = next(h.where for h in data.holdings if h.subject == CHILD)
    assert where is not None and (where.file, where.row) == ("golden/rr.csv", 2)
    # The same files in another order: the same digest, entities and holdings.
    again = read(*reversed(GOLDEN), name="golden")
    assert again.source.sha256 == data.source.sha256
    assert {e.id for e in again.entities} == {e.id for e in data.entities}
    assert {(h.holder, h.subject, h.stake) for h in again.holdings} == {
        (h.holder, h.subject, h.stake) for h in data.holdings
    }


def test_one_file_is_hashed_as_itself() -> None:
    path = FIXTURES / "real" / "relationship_issued.json"
    assert read(path).source.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_file_that_is_not_gleif_is_refused_alone_and_skipped_in_a_set(tmp_path: Path) -> None:
    holdings = write(tmp_path, "holdings.csv", "holder,subject,percent\nA,B,50\n")
    with pytest.raises(InputError, match="is not a GLEIF file"):
        read(holdings, name="holdings.csv")
    bods = FIXTURES / "real" / "bods_relationship_issued.json"
    data = read(FIXTURES / "real" / "relationship_issued.json", bods, name="pair")
    assert codes(data) == ["ignored_file"]
    assert data.warnings[0].where is not None and data.warnings[0].where.file == "pair/bods_relationship_issued.json"


@pytest.mark.parametrize(
    ("name", "content", "message", "row"),
    [
        (
            "bad.xml",
            '<?xml version="1.0"?>\n<lei:LEIData xmlns:lei="http://www.gleif.org/data/schema/leidata/2016">\n'
            "<lei:LEIRecord><lei:LEI>X</lei:LEI>\n</lei:LEIData>\n",
            "is not well-formed XML",
            4,
        ),
        (
            "bomb.xml",
            '<?xml version="1.0"?>\n<!DOCTYPE lei:LEIData [<!ENTITY e "x">]>\n'
            '<lei:LEIData xmlns:lei="http://www.gleif.org/data/schema/leidata/2016">&e;</lei:LEIData>\n',
            "refused for safety",
            None,
        ),
        ("bad.json", '[{"LEI": "X", "Entity": {"LegalName": "A"}},\n{"LEI": }]', "is not valid JSON", 2),
        ("empty.csv", "", "is empty", None),
        ("header.csv", "LEI,Entity.LegalName,Entity.LegalJurisdiction\n", "holds no GLEIF records", None),
    ],
)
def test_file_errors_name_the_place(tmp_path: Path, name: str, content: str, message: str, row: int | None) -> None:
    path = write(tmp_path, name, content)
    with pytest.raises(InputError, match=message) as info:
        read(path, name=name)
    assert info.value.where is not None
    assert (info.value.where.file, info.value.where.row) == (name, row)


def test_only_fund_relationships_give_nothing_to_check(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "funds.csv",
        "Relationship.StartNode.NodeID,Relationship.EndNode.NodeID,Relationship.RelationshipType\n"
        "FUND00000000000000001,MANAGER00000000000001,IS_FUND-MANAGED_BY\n",
    )
    with pytest.raises(InputError, match="none of its 1 GLEIF records"):
        read(path, name="funds.csv")


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read(tmp_path / "nothing.xml", name="nothing.xml")
