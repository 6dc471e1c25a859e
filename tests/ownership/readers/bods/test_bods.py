"""read_bods / looks_like_bods: BODS 0.1-0.4 (JSON array or JSON Lines) into entities and holdings.

Figures are hand-computed; the fixtures are under tests/fixtures/bods (README there gives their sources).
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ownership.errors import InputError, Location
from ownership.model import (
    EXCLUSIVE_NUDGE,
    Comparison,
    ControlMode,
    CountryKind,
    EntityType,
    HomeBasis,
    OwnershipData,
    Policy,
    Stake,
    UnrecordedHolders,
    Weights,
)
from ownership.pipeline import check
from ownership.prepare.in_force import valid_on
from ownership.readers.bods.reader import looks_like_bods, read_bods
from ownership.readers.cells.tables import ReadLimits
from ownership.result import EntityVerdict, Status

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "bods"
REAL = FIXTURES / "real"
HAND = FIXTURES / "hand"
AS_OF = date(2025, 1, 1)


# ---------------------------------------------------------------------------------------------------------
# Helpers: BODS 0.4 statements written by hand
# ---------------------------------------------------------------------------------------------------------


def statement(
    record_id: str, record_type: str, details: dict[str, Any], *, status: str = "new", day: str = "2024-01-01"
) -> dict[str, Any]:
    return {
        "statementId": f"st-{record_id}-{day}-{status}",
        "statementDate": day,
        "recordId": record_id,
        "recordType": record_type,
        "recordStatus": status,
        "recordDetails": details,
    }


def entity(record_id: str, name: str, code: str | None = None, **extra: Any) -> dict[str, Any]:
    details: dict[str, Any] = {"isComponent": False, "entityType": {"type": "registeredEntity"}, "name": name}
    if code is not None:
        details["jurisdiction"] = {"name": code, "code": code}
    details.update(extra)
    return statement(record_id, "entity", details)


def person(record_id: str, name: str, *nationalities: str, **extra: Any) -> dict[str, Any]:
    details: dict[str, Any] = {
        "isComponent": False,
        "personType": "knownPerson",
        "names": [{"type": "legal", "fullName": name}],
        "nationalities": [{"code": c} for c in nationalities],
    }
    details.update(extra)
    return statement(record_id, "person", details)


def relationship(
    record_id: str, subject: object, party: object, *interests: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    details: dict[str, Any] = {
        "isComponent": False,
        "subject": subject,
        "interestedParty": party,
        "interests": list(interests),
    }
    details.update(extra)
    return statement(record_id, "relationship", details)


def interest(kind: str = "shareholding", level: str = "direct", **share: Any) -> dict[str, Any]:
    found: dict[str, Any] = {"type": kind, "directOrIndirect": level}
    if share:
        found["share"] = share
    return found


def write(tmp_path: Path, statements: list[dict[str, Any]], name: str = "bods.json") -> Path:
    path = tmp_path / name
    if name.endswith(".jsonl"):
        path.write_text("\n".join(json.dumps(s, ensure_ascii=False) for s in statements) + "\n", encoding="utf-8")
    else:
        path.write_text(json.dumps(statements, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def read(path: Path, limits: ReadLimits | None = None) -> OwnershipData:
    return read_bods(path, path.name, limits or ReadLimits())


def read_statements(tmp_path: Path, statements: list[dict[str, Any]], name: str = "bods.json") -> OwnershipData:
    return read(write(tmp_path, statements, name))


def error_of(path: Path, limits: ReadLimits | None = None) -> InputError:
    with pytest.raises(InputError) as info:
        read(path, limits)
    return info.value


def codes(data: OwnershipData) -> list[str]:
    return [w.code for w in data.warnings]


def stakes(data: OwnershipData) -> dict[tuple[str, str], Stake | None]:
    return {(h.holder, h.subject): h.stake for h in data.holdings}


def verdicts(data: OwnershipData, **policy: Any) -> dict[str, EntityVerdict]:
    policy.setdefault("jurisdictions", frozenset({"CN"}))
    policy.setdefault("as_of", AS_OF)
    return {v.entity.id: v for v in check(data, Policy(**policy)).verdicts}


def figures(v: EntityVerdict) -> tuple[float, float, float, float]:
    return (v.cascade.low, v.cascade.high, v.lookthrough.low, v.lookthrough.high)


def approx(*values: float) -> Any:
    return pytest.approx(values, abs=1e-12)


# ---------------------------------------------------------------------------------------------------------
# Detection
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted([*REAL.iterdir(), *HAND.iterdir()]), ids=lambda p: p.name)
def test_every_fixture_looks_like_bods(path: Path) -> None:
    assert looks_like_bods(path.read_text(encoding="utf-8")[:65536])


FTM_LINES = (
    '{"id": "NK-abc", "schema": "Company", "properties": {"name": ["Acme"], "jurisdiction": ["cn"]}}\n'
    '{"id": "own-1", "schema": "Ownership", "properties": {"owner": ["NK-x"], "asset": ["NK-abc"], '
    '"percentage": ["51"], "recordId": ["not a key"]}}\n'
)
GLEIF_API = json.dumps(
    {
        "meta": {"goldenCopy": {"publishDate": "2024-06-06"}},
        "data": [
            {
                "type": "lei-records",
                "id": "30030096HNNZNN7BZK36",
                "attributes": {"lei": "30030096HNNZNN7BZK36", "entity": {"jurisdiction": "CN"}},
                "relationships": {"direct-parent": {"links": {"relationship-record": "https://api.gleif.org/x"}}},
            }
        ],
    }
)
GLEIF_RR = json.dumps({"Relationship": {"StartNode": {"NodeID": "A"}, "EndNode": {"NodeID": "B"}}, "Registration": {}})
# A FollowTheMoney note whose text quotes a BODS statement: the markers are inside a string, escaped.
FTM_QUOTING_BODS = json.dumps(
    {"id": "n1", "schema": "Note", "properties": {"description": ['{"statementType": "entityStatement"}']}}
)


@pytest.mark.parametrize(
    "head",
    [FTM_LINES, GLEIF_API, GLEIF_RR, FTM_QUOTING_BODS, "holder,subject,percent\nA,B,50\n", "", "[1, 2, 3]"],
    ids=["ftm-lines", "gleif-api", "gleif-rr", "ftm-quoting-bods", "csv", "empty", "numbers"],
)
def test_other_json_does_not_look_like_bods(head: str) -> None:
    assert not looks_like_bods(head)


def test_detection_allows_a_bom_whitespace_and_a_single_statement() -> None:
    one = json.dumps(entity("a", "A Ltd", "GB"))
    assert looks_like_bods("\ufeff\n  " + one)
    legacy = json.dumps({"statementID": "x", "statementType": "personStatement", "names": []})
    assert looks_like_bods(legacy)


# ---------------------------------------------------------------------------------------------------------
# The file: source, rows, JSON Lines, errors
# ---------------------------------------------------------------------------------------------------------


def test_source_names_the_file_its_hash_and_the_format() -> None:
    path = HAND / "bands.json"
    data = read_bods(path, "bands.json", ReadLimits())
    assert data.source.path == "bands.json"
    assert data.source.format == "bods"
    assert data.source.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_json_lines_rows_are_line_numbers_and_array_rows_statement_positions() -> None:
    lines = read(HAND / "bands_v02.jsonl")  # blank lines 3 and 6 shift the later statements
    by_id = {e.id: e for e in lines.entities}
    assert by_id["hand-bands-v02-li"].where == Location("bands_v02.jsonl", row=4)
    rows = {(h.holder, h.subject): h.where for h in lines.holdings}
    assert rows[("hand-bands-v02-li", "hand-bands-v02-heron")] == Location("bands_v02.jsonl", row=9)
    array = read(HAND / "bands.json")
    assert {e.id: e.where for e in array.entities}["li"] == Location("bands.json", row=3)
    assert {(h.holder, h.subject): h.where for h in array.holdings}[("li", "heron")] == Location("bands.json", row=7)


def test_holdings_and_parties_cite_their_record_and_statement() -> None:
    data = read(HAND / "bands.json")
    assert {e.id: e.source for e in data.entities}["li"] == "BODS record li (statement hand-bands-0003-person-li)"
    sources = {(h.holder, h.subject): h.source for h in data.holdings}
    assert sources[("ursa", "tern")] == "BODS record rel-ursa-tern (statement hand-bands-0006-rel-ursa-tern)"
    legacy = read(HAND / "bands_v02.jsonl")
    assert {e.id: e.source for e in legacy.entities}["hand-bands-v02-li"] == "BODS statement hand-bands-v02-li"
    cited = {(h.holder, h.subject): h.source for h in legacy.holdings}
    assert cited[("hand-bands-v02-li", "hand-bands-v02-tern")] == (
        "BODS statement hand-bands-v02-li-tern: ownership-of-shares-25-to-50-percent"
    )


def test_a_single_statement_object_and_a_bom_are_read(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(entity("zj", "字节跳动", "CN"), ensure_ascii=False).encode())
    data = read(path)
    assert [(e.id, e.name, e.jurisdiction) for e in data.entities] == [("zj", "字节跳动", "CN")]


def test_a_file_mixing_bods_versions_reads(tmp_path: Path) -> None:
    legacy_person = {
        "statementID": "legacy-p",
        "statementType": "personStatement",
        "names": [{"type": "individual", "fullName": "Old Style"}],
        "nationalities": [{"code": "CN"}],
    }
    data = read_statements(
        tmp_path, [entity("t", "T Ltd", "GB"), legacy_person, relationship("r", "t", "legacy-p", interest(exact=30))]
    )
    assert stakes(data) == {("legacy-p", "t"): Stake.exact(0.3)}


ERROR_CASES = [
    pytest.param('[{"recordId": "a", ', "is not valid JSON", 1, id="truncated"),
    pytest.param('{"a": 1}\n{"b": 2', "is not valid JSON", 2, id="bad-second-line"),
    pytest.param(FTM_LINES, "is JSON but not BODS: no statement has recordType", 1, id="ftm-lines"),
    pytest.param(
        GLEIF_API, "is JSON but not BODS: the top level is an object with the keys meta, data", None, id="gleif"
    ),
    pytest.param("[1, 2]", "statement 1 is a number, not an object", 1, id="numbers"),
    pytest.param('"text"', "the top level is a string", None, id="string"),
    pytest.param("[]", "has no BODS statements", None, id="empty-list"),
]


@pytest.mark.parametrize(("content", "fragment", "row"), ERROR_CASES)
def test_files_that_are_not_bods_are_refused_with_a_location(
    tmp_path: Path, content: str, fragment: str, row: int | None
) -> None:
    path = tmp_path / "in.json"
    path.write_text(content, encoding="utf-8")
    error = error_of(path)
    assert fragment in error.reason
    assert error.where == Location("in.json", row=row)


def test_gzip_empty_missing_and_non_utf8_files_are_refused(tmp_path: Path) -> None:
    gz = tmp_path / "b.json.gz"
    gz.write_bytes(b"\x1f\x8b\x08\x00rest")
    assert "gzip-compressed" in error_of(gz).reason
    empty = tmp_path / "e.json"
    empty.write_bytes(b"")
    assert "empty" in error_of(empty).reason
    assert "no such file" in error_of(tmp_path / "missing.json").reason
    latin = tmp_path / "l.json"
    latin.write_bytes(b'[\n{"name": "M\xfcller"}]')
    error = error_of(latin)
    assert "not UTF-8" in error.reason
    assert error.where == Location("l.json", row=2)


def test_limits_on_size_and_statement_count(tmp_path: Path) -> None:
    path = write(tmp_path, [entity("a", "A", "GB"), entity("b", "B", "GB")])
    assert "more than the limit" in error_of(path, ReadLimits(max_bytes=10)).reason
    assert "more than 1 statements" in error_of(path, ReadLimits(max_rows=1)).reason
    lines = write(tmp_path, [entity("a", "A", "GB"), entity("b", "B", "GB")], "b.jsonl")
    assert "more than 1 statements" in error_of(lines, ReadLimits(max_rows=1)).reason


STATEMENT_ERRORS = [
    pytest.param({"recordType": "entity", "recordDetails": {}}, "the statement", "recordId", id="no-record-id"),
    pytest.param({"recordId": "x", "recordType": "entity"}, "record x", "recordDetails", id="no-details"),
    pytest.param(
        {"statementType": "entityStatement", "name": "n"}, "the statement", "statementID", id="no-statement-id"
    ),
    pytest.param({"statementId": "s", "name": "n"}, "", "neither recordType", id="no-type"),
    pytest.param(statement("x", "company", {}), "record x", "recordType 'company' is not one of", id="bad-type"),
    pytest.param(relationship("r", "t", "p", interest(exact=150)), "record r", "more than 100%", id="share-150"),
    pytest.param(relationship("r", "t", "p", interest(exact=-5)), "record r", "negative", id="share-negative"),
    pytest.param(relationship("r", "t", "p", interest(exact="lots")), "record r", "share.exact", id="share-text"),
    pytest.param(relationship("r", "t", "p", interest(exact=True)), "record r", "not a number", id="share-bool"),
    pytest.param(
        relationship("r", "t", "p", interest(minimum=60, maximum=40)), "record r", "empty range", id="min-above-max"
    ),
    pytest.param(
        relationship("r", "t", "p", {**interest(exact=5), "startDate": "31/01/2024"}),
        "record r",
        "ambiguous",
        id="date-day-first",
    ),
    pytest.param(
        relationship("r", "t", "p", {**interest(exact=5), "startDate": "2024-05-01", "endDate": "2024-01-01"}),
        "record r",
        "after the end date",
        id="dates-reversed",
    ),
    pytest.param(
        statement("r", "relationship", {"isComponent": False, "interestedParty": "p"}),
        "record r",
        "has no subject",
        id="no-subject",
    ),
    pytest.param(relationship("r", "t", "p", interests="all"), "record r", "interests is not a list", id="interests"),
]


@pytest.mark.parametrize(("bad", "label", "fragment"), STATEMENT_ERRORS)
def test_unusable_statements_are_errors_naming_the_statement(
    tmp_path: Path, bad: dict[str, Any], label: str, fragment: str
) -> None:
    path = write(tmp_path, [entity("t", "T", "GB"), person("p", "P", "GB"), bad])
    error = error_of(path)
    assert fragment in error.reason
    assert error.reason.startswith(label) or not label
    assert error.where == Location("bods.json", row=3)


def test_every_statement_error_is_counted(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [
            entity("t", "T", "GB"),
            relationship("r1", "t", "x", interest(exact=150)),
            relationship("r2", "t", "x", interest(exact=250)),
        ],
    )
    error = error_of(path)
    assert error.where == Location("bods.json", row=2)
    assert error.more == 1
    # Every problem at once, one line each (issue 15).
    lines = error.one_line().splitlines()
    assert lines[0] == "2 problems in bods.json; fix them all, then run again:"
    assert [line.split(":")[0] for line in lines[1:]] == ["  bods.json, row 2", "  bods.json, row 3"]


def test_relationships_that_point_at_a_relationship_or_hold_a_person_are_errors(tmp_path: Path) -> None:
    rel = relationship("r1", "t", "p", interest(exact=10))
    at_relationship = relationship("r2", "t", "r1", interest(exact=10))
    error = error_of(write(tmp_path, [entity("t", "T", "GB"), person("p", "P", "GB"), rel, at_relationship]))
    assert "is a relationship, not a party" in error.reason
    assert error.where == Location("bods.json", row=4)
    holds_person = relationship("r3", "p", "t", interest(exact=10))
    error = error_of(write(tmp_path, [entity("t", "T", "GB"), person("p", "P", "GB"), holds_person]))
    assert "is a person; only entities can be held" in error.reason


# ---------------------------------------------------------------------------------------------------------
# The official examples (BODS 0.4, and the 0.2 / 0.3 shapes)
# ---------------------------------------------------------------------------------------------------------


def declared(data: OwnershipData) -> dict[tuple[str, str], Stake | None]:
    """The declared indirect interests read, by (holder, subject)."""
    return {(h.holder, h.subject): h.stake for h in data.holdings if h.indirect}


def test_official_indirect_example_keeps_the_chain_and_the_declared_indirect_interest() -> None:
    data = read(REAL / "indirect-ownership.json")
    company_a, company_b, person_1 = "ad3f6c2fcc9e", "d4ab89ea169a", "c25d4d612c2c"
    direct = {k: v for k, v in stakes(data).items() if k not in declared(data)}
    assert direct == {(company_b, company_a): Stake.exact(0.6), (person_1, company_b): Stake(0.0, 1.0)}
    # Person 1's 30% of A through B is evidence the chain does not give (B's owner has no share): kept.
    assert declared(data) == {(person_1, company_a): Stake.exact(0.3)}
    (summary,) = [h for h in data.holdings if h.indirect]
    assert summary.where == Location("indirect-ownership.json", row=6)
    assert (summary.source or "").startswith("BODS record ")
    assert "indirect_summary" not in codes(data)


def test_official_indirect_example_in_bods_03_reads_the_same_way() -> None:
    data = read(REAL / "v0.3_os-07-dr-04-company-a.json")
    company_a = "1d189f87-7b91-4a1d-a5a7-bbfb9aae89c1"
    company_b = "79b88c98-3b58-4e4c-9128-2fd2c7b37ebd"
    person_1 = "93ec439e-70e9-4f3c-a018-bc0878bd6ec8"
    direct = {(h.holder, h.subject): h.stake for h in data.holdings if not h.indirect}
    assert direct == {(company_b, company_a): Stake.exact(0.5), (person_1, company_b): Stake(0.0, 1.0)}
    assert declared(data) == {(person_1, company_a): Stake.exact(0.3)}
    assert {e.id: e.jurisdiction for e in data.entities}[person_1] == "UA"
    assert "indirect_summary" not in codes(data)


def test_official_mixed_example_keeps_the_direct_half_and_the_declared_indirect_half() -> None:
    data = read(REAL / "mixed-direct-and-indirect-ownership.json")
    company_a, company_b, person_1 = "9bfe59b6a869", "ec61aeda7141", "53508b65253f"
    held = {(h.holder, h.subject, h.indirect): h for h in data.holdings}
    assert set(held) == {
        (company_b, company_a, False),
        (person_1, company_b, False),
        (person_1, company_a, False),
        (person_1, company_a, True),
    }
    # 50% directly since 2019-05-01, and 50% declared as held through B since 2017-11-01: 100% in all.
    assert (held[(person_1, company_a, False)].stake, held[(person_1, company_a, False)].start) == (
        Stake.exact(0.5),
        date(2019, 5, 1),
    )
    assert (held[(person_1, company_a, True)].stake, held[(person_1, company_a, True)].start) == (
        Stake.exact(0.5),
        date(2017, 11, 1),
    )


def test_official_multiple_indirect_example_keeps_both_chains() -> None:
    data = read(REAL / "multiple-indirect-ownership.json")
    company_b, company_c, company_d, person_1 = "63e3a8a8946f", "d177864a8b39", "05fbbfb94b79", "92ebf964a1f6"
    assert {(h.holder, h.subject): h.stake for h in data.holdings if not h.indirect} == {
        (company_c, company_b): Stake.exact(0.5),
        (company_d, company_b): Stake.exact(0.5),
        (person_1, company_c): Stake(0.0, 1.0),
        (person_1, company_d): Stake(0.0, 1.0),
    }
    # The file declares Person 1's 60% of B through C and D: evidence the chain (no shares given) lacks.
    assert declared(data) == {(person_1, company_b): Stake.exact(0.6)}


def test_official_state_owned_example_keeps_the_states_declared_indirect_interest() -> None:
    data = read(REAL / "bods-package-fi-soe.json")
    gasgrid, ministry, state = "19f1c5afe9d7", "7ff95ba3682c", "05ce06ec97b1"
    held = {(h.holder, h.subject): h for h in data.holdings if not h.indirect}
    assert (state, gasgrid) not in held
    assert declared(data) == {(state, gasgrid): Stake.exact(1.0)}  # the 100% declared indirect interest
    assert held[(state, ministry)].stake is None
    assert held[(state, ministry)].control
    types = {e.id: e.type for e in data.entities}
    assert types[ministry] is EntityType.STATE and types[state] is EntityType.STATE
    assert all(e.ultimate for e in data.entities if e.type is EntityType.STATE)


def test_official_small_examples() -> None:
    package = read(REAL / "bods-package.json")
    owner = {e.id: e for e in package.entities}["10478c6cf6de"]
    assert (owner.name, owner.type, owner.jurisdiction, owner.headquarters) == (
        "Jennifer Hewitson-Smith",
        EntityType.PERSON,
        "GB",
        None,  # a service address is not a residence
    )
    (holding,) = package.holdings
    assert (holding.stake, holding.start) == (Stake.exact(1.0), date(2016, 4, 6))

    band = read(REAL / "bods-package-entity-owning-entity.json")
    assert stakes(band) == {("e83cce729ada", "12b7dd0770ce"): Stake.between(0.75, 1.0, high_exclusive=True)}

    plc = read(REAL / "plc-entity-statement.json")
    # A listed company is its own ultimate owner by the file's statement (publicListing.hasPublicListing).
    assert [(e.name, e.type, e.jurisdiction, e.ultimate) for e in plc.entities] == [
        ("AstraZeneca PLC", EntityType.COMPANY, "GB", True)
    ]

    joint = read(REAL / "joint-ownership.json")
    arrangement = {e.id: e for e in joint.entities}["91b4236a7d89"]
    assert arrangement.type is EntityType.UNKNOWN
    assert sorted(str(s) for (_, subject), s in stakes(joint).items() if subject == "91b4236a7d89") == ["50%", "50%"]

    legacy = read(REAL / "v0.2_1-single-direct.json")
    assert stakes(legacy) == {
        ("019a93f1-e470-42e9-957b-03559861b2e2", "1dc0e987-5c57-4a1c-b3ad-61353b66a9b7"): Stake.exact(1.0)
    }
    assert {e.name: e.jurisdiction for e in legacy.entities} == {"CHRINON LTD": None, "Christopher Taggart": "GB"}


def test_gleif_consolidation_is_a_declared_indirect_control_row() -> None:
    data = read(REAL / "gleif_bods_relationship_issued.json")
    parent, child = "30030096HNNZNN7BZK36", "3003005JY7KTP8L48N10"
    by_id = {e.id: e for e in data.entities}
    assert (by_id[parent].name, by_id[parent].jurisdiction, by_id[parent].headquarters) == (
        "横店集团控股有限公司",
        "CN",
        "CN",
    )
    assert (by_id[child].jurisdiction, by_id[child].headquarters) == ("HK", "HK")
    (holding,) = data.holdings
    assert (holding.holder, holding.subject, holding.stake, holding.control, holding.indirect) == (
        parent,
        child,
        None,
        True,
        True,
    )
    assert holding.start == date(2016, 2, 23)
    assert "IS_ULTIMATELY_CONSOLIDATED_BY" in (holding.source or "")
    assert codes(data) == []


def test_official_multiple_indirect_ownership_2_keeps_the_declared_60_percent() -> None:
    # Person 1 (GB) holds 60% of Company A indirectly through B (40% of A) and C (20% of A); the file gives
    # no share for Person 1's links to B and C, so only the declaration says "at least 60%".
    data = read(REAL / "mutilple-indirect-ownership-2.json")
    company_a, company_b, company_c, person_1 = "1e049760d6c7", "41454e3ba398", "6c9fd5c92201", "731c7a8e7601"
    assert {(h.holder, h.subject): h.stake for h in data.holdings if not h.indirect} == {
        (company_b, company_a): Stake.exact(0.4),
        (company_c, company_a): Stake.exact(0.2),
        (person_1, company_b): Stake(0.0, 1.0),
        (person_1, company_c): Stake(0.0, 1.0),
    }
    (declared_60,) = [h for h in data.holdings if h.indirect]
    assert (declared_60.holder, declared_60.subject, declared_60.stake) == (person_1, company_a, Stake.exact(0.6))
    assert declared_60.start == date(2017, 11, 1)
    assert declared_60.source == "BODS record d043dcc6d88e (statement 0713bc04-13a5-49d0-aefe-0c6cc35f7d3b)"
    assert declared_60.where == Location("mutilple-indirect-ownership-2.json", row=9)
    assert {e.id: e.jurisdiction for e in data.entities}[person_1] == "GB"


def test_official_os_08_keeps_the_direct_half_and_the_declared_indirect_half() -> None:
    # BODS 0.3: one statement gives Person 1 50% of A directly (from 2019-05-01) and 50% through B (from
    # 2017-11-01): 100% in all from 2019-05-01, the two halves adding up.
    data = read(REAL / "v0.3_os-08-dr-04-company-a.json")
    company_a, person_1 = "4fa965df-63a5-48c7-9a2f-7b058981fe60", "6eea4b19-de06-46f2-aa3d-4e346ed3a7c2"
    mine = [(h.stake, h.start, h.indirect) for h in data.holdings if (h.holder, h.subject) == (person_1, company_a)]
    assert mine == [(Stake.exact(0.5), date(2019, 5, 1), False), (Stake.exact(0.5), date(2017, 11, 1), True)]
    assert {h.source for h in data.holdings if h.subject == company_a and h.holder == person_1} == {
        "BODS statement fffad4d7-8263-4dbc-a300-8976bed7790c"
    }


def test_official_multiple_tax_residencies_keeps_every_country() -> None:
    # Nationality GB, tax residences GB and UA: UA is one of his countries (under -j UA his 100%-owned
    # company is exposed, not clear).
    data = read(REAL / "multiple-tax-residencies.json")
    by_id = {e.id: e for e in data.entities}
    owner = by_id["8f2f34b57a8f"]
    assert (owner.type, owner.jurisdiction, owner.headquarters) == (EntityType.PERSON, "GB", None)
    assert owner.other_countries == (("GB", CountryKind.TAX_RESIDENCE), ("UA", CountryKind.TAX_RESIDENCE))
    assert ("UA", CountryKind.TAX_RESIDENCE) in owner.countries
    assert stakes(data) == {("8f2f34b57a8f", "fd5c8dbc9a91"): Stake.exact(1.0)}
    assert "extra_countries" not in codes(data)


def test_official_listed_company_is_ultimate_and_its_undisclosed_owners_unknown() -> None:
    data = read(REAL / "listed-company-exempt-from-disclosure.json")
    by_id = {e.id: e for e in data.entities}
    listed = by_id["4c7ea3bfbe6c"]
    assert (listed.type, listed.ultimate) == (EntityType.COMPANY, True)
    # The file also says its owners are undisclosed (subjectExemptFromDisclosure): an unknown party holds
    # an unknown stake, not nobody.
    unknown = by_id["unspecified:fa402c4818f9"]
    assert (unknown.type, unknown.ultimate, unknown.country_known) == (EntityType.UNKNOWN, False, False)
    assert stakes(data) == {("unspecified:fa402c4818f9", "4c7ea3bfbe6c"): Stake(0.0, 1.0)}
    assert codes(data) == ["unspecified_party", "unknown_stake"]


def test_official_trust_parties_own_an_unknown_part_of_the_trust() -> None:
    # "levent": a French trust whose trustee, settlor-and-trustee and (anonymous, underage) beneficiary give
    # no share. Each owns part of the trust of a size not given: 0-100% each, with control, never nothing.
    data = read(REAL / "levent.json")
    trust = "8e40d059"
    into = [(h.holder, h.stake, h.control) for h in data.holdings if h.subject == trust]
    assert into == [
        ("700c264e", Stake(0.0, 1.0), True),
        ("d8855000", Stake(0.0, 1.0), True),
        ("81337a6e", Stake(0.0, 1.0), True),
    ]
    assert codes(data) == ["unknown_stake"] * 3
    assert {e.id: e.type for e in data.entities}[trust] is EntityType.TRUST
    # Even read with entities lacking recorded holders as their own top, the trust is possible, not clear.
    as_top = verdicts(data, unrecorded_holders=UnrecordedHolders.ULTIMATE)
    assert as_top[trust].status is Status.POSSIBLE


def test_official_nomination_keeps_board_rights_as_control_and_the_nominee_pair_as_owners() -> None:
    # "nomination": a nominator and a nominee (both MX) own the nomination arrangement in unknown parts; the
    # arrangement's board seat in Los Corazones de Plata is pure control; the nominator's indirect influence
    # is a declared indirect control row.
    data = read(REAL / "nomination.json")
    rows = [(h.holder, h.subject, h.stake, h.control, h.indirect) for h in data.holdings]
    assert rows == [
        ("101AB1984F", "103AB1984D", Stake(0.0, 1.0), True, False),
        ("102AB1984E", "103AB1984D", Stake(0.0, 1.0), True, False),
        ("103AB1984D", "104AB1984C", None, True, False),
        ("101AB1984F", "104AB1984C", None, True, True),
    ]
    assert codes(data) == ["unknown_stake", "unknown_stake"]


def test_tax_residences_and_further_offices_are_countries_with_their_kinds(tmp_path: Path) -> None:
    offices = [
        {"type": "business", "country": {"code": "SG"}},
        {"type": "business", "country": {"code": "CN"}},
        {"type": "registered", "country": {"code": "KY"}},
    ]
    statements = [
        entity("t", "Target Ltd", "KY", addresses=offices),
        person("p", "P", "GB", taxResidencies=[{"code": "GB"}, {"code": "UA"}]),
        relationship("r", "t", "p", interest(exact=100)),
    ]
    data = read_statements(tmp_path, statements)
    by_id = {e.id: e for e in data.entities}
    assert (by_id["t"].jurisdiction, by_id["t"].headquarters, by_id["t"].other_countries) == (
        "KY",
        "SG",
        (("CN", CountryKind.HEADQUARTERS),),
    )
    assert by_id["p"].countries == frozenset(
        {("GB", CountryKind.NATIONALITY), ("GB", CountryKind.TAX_RESIDENCE), ("UA", CountryKind.TAX_RESIDENCE)}
    )


def test_state_bodies_and_listed_companies_are_ultimate_unknown_persons_are_not(tmp_path: Path) -> None:
    statements = [
        entity("ministry", "Ministry", "FI", entityType={"type": "stateBody"}),
        entity("listed", "Listed plc", "GB", publicListing={"hasPublicListing": True}),
        entity("unlisted", "Private Ltd", "GB", publicListing={"hasPublicListing": False}),
        statement("who", "person", {"isComponent": False, "personType": "unknownPerson"}),
        person("anon", "Anon", personType="anonymousPerson"),
    ]
    data = read_statements(tmp_path, statements)
    found = {e.id: (e.type, e.ultimate) for e in data.entities}
    assert found == {
        "ministry": (EntityType.STATE, True),
        "listed": (EntityType.COMPANY, True),
        "unlisted": (EntityType.COMPANY, False),
        "who": (EntityType.UNKNOWN, False),
        "anon": (EntityType.PERSON, False),
    }
    (warning,) = data.warnings
    assert (warning.code, warning.where) == ("unspecified_party", Location("bods.json", row=4))


def test_register_sample_with_psc_bands_and_an_unknown_owner() -> None:
    data = read(REAL / "visualisation-tool_real.json")
    aimia_uk, aimia_inc = "openownership-register-6986942533025490740", "openownership-register-4464213138928640503"
    unknown = "unspecified:openownership-register-15426418147908013244"
    found = stakes(data)
    # 0.1-style booleans: exclusiveMinimum/Maximum false, so 75-100% inclusive.
    assert found[(aimia_inc, aimia_uk)] == Stake(0.75, 1.0)
    assert found[(unknown, aimia_inc)] == Stake(0.0, 1.0)
    owner = {e.id: e for e in data.entities}[unknown]
    assert owner.name == "unspecified interested party (unknown)"
    assert "Unknown person(s)" in (owner.source or "")
    assert (owner.jurisdiction, owner.headquarters, owner.declared) == (None, None, False)
    result = verdicts(data, jurisdictions=frozenset({"CA"}))
    assert result[aimia_uk].status is Status.FLAGGED
    assert figures(result[aimia_uk])[:2] == approx(0.75, 1.0)
    china = verdicts(data)
    assert china[aimia_inc].status is Status.POSSIBLE  # its unknown owner could be Chinese


# ---------------------------------------------------------------------------------------------------------
# Hand-written worked examples
# ---------------------------------------------------------------------------------------------------------


def test_declared_indirect_interest_restating_its_chain_is_kept_marked_indirect() -> None:
    # Wang (CN) holds 40% of Beta, Beta 60% of Alpha; the 24% indirect statement restates that chain. The
    # reader keeps it, marked indirect (graph preparation compares it with the chain's 0.6 x 0.4 = 24%).
    data = read(HAND / "indirect_double_count.json")
    assert declared(data) == {("wang", "alpha"): Stake.exact(0.24)}
    direct = {(h.holder, h.subject): h.stake for h in data.holdings if not h.indirect}
    assert direct[("wang", "beta")] == Stake.exact(0.4)
    assert direct[("beta", "alpha")] == Stake.exact(0.6)
    assert ("wang", "alpha") not in direct


@pytest.mark.parametrize("name", ["bands.json", "bands_v02.jsonl"])
def test_exclusive_band_ends_give_nudged_stakes(name: str) -> None:
    data = read(HAND / name)
    prefix = "" if name == "bands.json" else "hand-bands-v02-"
    found = stakes(data)
    assert found[(f"{prefix}li", f"{prefix}tern")] == Stake(0.25 + EXCLUSIVE_NUDGE, 0.5)
    assert found[(f"{prefix}li", f"{prefix}heron")] == Stake(0.5 + EXCLUSIVE_NUDGE, 0.75 - EXCLUSIVE_NUDGE)
    assert found[(f"{prefix}ursa", f"{prefix}tern")] == Stake.exact(0.5)


def test_a_25_to_50_band_beside_an_outside_half_decides_every_threshold() -> None:
    data = read(HAND / "bands.json")
    # Li (CN) holds more than 25% and at most 50% of Tern; Ursa (US) exactly 50%, its own owners not recorded.
    # Ursa read as its own ultimate owner caps the high bound at 50%.
    top = {"unrecorded_holders": UnrecordedHolders.ULTIMATE}
    result = verdicts(data, **top)
    assert figures(result["tern"]) == approx(0.25 + EXCLUSIVE_NUDGE, 0.5, 0.25 + EXCLUSIVE_NUDGE, 0.5)
    assert result["tern"].status is Status.CLEAR  # more than 50%: not even possible
    assert verdicts(data, comparison=Comparison.GE, **top)["tern"].status is Status.POSSIBLE
    assert verdicts(data, threshold=0.25)["tern"].status is Status.FLAGGED  # the exclusive 25 passes "> 25%"
    # By default Ursa's owners are unknown and may be Chinese: up to 50% + 50%, possible.
    unknown = verdicts(data)["tern"]
    assert figures(unknown) == approx(0.25 + EXCLUSIVE_NUDGE, 1.0, 0.25 + EXCLUSIVE_NUDGE, 1.0)
    assert unknown.status is Status.POSSIBLE
    # A PSC "more than 50% but less than 75%" band is flagged at more than 50%.
    assert result["heron"].status is Status.FLAGGED


def dated(data: OwnershipData) -> list[tuple[str, str, Stake | None, date | None, date | None]]:
    return [(h.holder, h.subject, h.stake, h.start, h.end) for h in data.holdings]


def test_closed_and_updated_records_are_kept_for_their_period() -> None:
    data = read(HAND / "lifecycle.json")
    kestrel = {e.id: e for e in data.entities}["kestrel"]
    assert (kestrel.name, kestrel.jurisdiction) == ("Kestrel (Shenzhen) Ltd", "CN")  # the 2024 update
    assert kestrel.where == Location("lifecycle.json", row=8)
    assert [e.id for e in data.entities] == ["kestrel", "osprey", "berg"]  # first appearance order
    # Kestrel -> Osprey was closed by a statement of 2024-06-01 whose interest ended 2024-05-31; Berg's 30%
    # (2023) was replaced by 35% from the 2024-01-01 statement, which comes first in the file.
    assert dated(data) == [
        ("kestrel", "osprey", Stake.exact(0.6), None, date(2024, 5, 31)),
        ("berg", "osprey", Stake.exact(0.3), None, date(2023, 12, 31)),
        ("berg", "osprey", Stake.exact(0.35), date(2024, 1, 1), None),
        ("berg", "kestrel", Stake.exact(0.1), date(2023, 1, 1), date(2024, 12, 31)),
    ]
    warnings = {w.code: w for w in data.warnings}
    assert warnings["closed_record"].message.startswith("1 record closed")
    assert "kept for the period before they were closed" in warnings["closed_record"].message
    assert warnings["closed_record"].where == Location("lifecycle.json", row=9)
    assert warnings["replaced_statement"].message.startswith("2 statements replaced")
    result = verdicts(data)
    assert figures(result["osprey"])[:2] == approx(0.0, 0.65)  # the CN Kestrel's 60% has ended
    assert result["osprey"].status is Status.POSSIBLE
    # Hand-computed on 2024-03-01: Kestrel (CN) 60% and Berg (SE) 35%, 5% unallocated: cascade 60-65%,
    # flagged at > 50%.
    then = verdicts(data, as_of=date(2024, 3, 1))["osprey"]
    assert (then.status, figures(then)[:2]) == (Status.FLAGGED, approx(0.6, 0.65))
    # On 2023-06-01 Berg held 30% (the replaced statement), so 10% is unallocated: 60-70%.
    earlier = verdicts(data, as_of=date(2023, 6, 1))["osprey"]
    assert (earlier.status, figures(earlier)[:2]) == (Status.FLAGGED, approx(0.6, 0.7))


def test_interest_end_dates_are_respected() -> None:
    data = read(HAND / "lifecycle.json")
    ended = {(h.holder, h.subject): h for h in data.holdings}[("berg", "kestrel")]
    assert (ended.start, ended.end) == (date(2023, 1, 1), date(2024, 12, 31))
    later = check(data, Policy(frozenset({"CN"}), as_of=date(2025, 6, 30)))
    assert "out_of_date" in [w.code for w in later.warnings]


def test_relationship_to_a_closed_party_ends_the_day_before_it_closed(tmp_path: Path) -> None:
    closed = {**statement("gone", "entity", {"isComponent": False, "name": "Gone Ltd"}, status="closed")}
    data = read_statements(
        tmp_path,
        [entity("t", "T Ltd", "GB"), closed, relationship("r", "t", "gone", interest(exact=60))],
    )
    # Gone Ltd was closed on 2024-01-01: its 60% of T is read as ending on 2023-12-31.
    assert dated(data) == [("gone", "t", Stake.exact(0.6), None, date(2023, 12, 31))]
    assert codes(data) == ["closed_party", "closed_record"]
    assert "was closed on 2024-01-01" in data.warnings[0].message


def test_relationship_to_a_closed_party_without_a_date_is_dropped(tmp_path: Path) -> None:
    closed = {**statement("gone", "entity", {"isComponent": False, "name": "Gone Ltd"}, status="closed")}
    del closed["statementDate"]
    data = read_statements(
        tmp_path,
        [entity("t", "T Ltd", "GB"), closed, relationship("r", "t", "gone", interest(exact=60))],
    )
    assert data.holdings == ()
    assert codes(data) == ["closed_record", "closed_party"]


def test_replaces_statements_before_04(tmp_path: Path) -> None:
    old_entity = {
        "statementID": "e-old",
        "statementType": "entityStatement",
        "name": "Old Name",
        "entityType": "registeredEntity",
    }
    new_entity = {
        "statementID": "e-new",
        "statementType": "entityStatement",
        "name": "New Name",
        "entityType": "registeredEntity",
        "incorporatedInJurisdiction": {"code": "CN"},
        "replacesStatements": ["e-old"],
    }
    owner = {"statementID": "p", "statementType": "personStatement", "names": [{"fullName": "Pat"}]}

    def ownership(statement_id: str, percent: float, replaces: list[str]) -> dict[str, Any]:
        return {
            "statementID": statement_id,
            "statementType": "ownershipOrControlStatement",
            "subject": {"describedByEntityStatement": "e-old"},  # still the replaced id
            "interestedParty": {"describedByPersonStatement": "p"},
            "interests": [{"type": "shareholding", "share": {"exact": percent}}],
            "replacesStatements": replaces,
        }

    data = read_statements(
        tmp_path,
        [old_entity, owner, ownership("o1", 20, []), new_entity, ownership("o2", 30, ["o1"])],
        "legacy.jsonl",
    )
    assert [(e.id, e.name, e.jurisdiction) for e in data.entities] == [("p", "Pat", None), ("e-new", "New Name", "CN")]
    assert stakes(data) == {("p", "e-new"): Stake.exact(0.3)}
    (warning,) = [w for w in data.warnings if w.code == "replaced_statement"]
    assert warning.message.startswith("2 statements replaced")


def test_replaces_statements_before_04_with_dates_keep_each_period(tmp_path: Path) -> None:
    # BODS 0.3: o2 (2022-01-01, 30%) replaces o1 (2020-01-01, 60%): o1 was in force until 2021-12-31.
    subject = {
        "statementID": "e",
        "statementType": "entityStatement",
        "name": "E Ltd",
        "entityType": "registeredEntity",
        "incorporatedInJurisdiction": {"code": "GB"},
        "statementDate": "2020-01-01",
    }
    owner = {
        "statementID": "p",
        "statementType": "personStatement",
        "names": [{"fullName": "Pan"}],
        "nationalities": [{"code": "CN"}],
        "statementDate": "2020-01-01",
    }

    def ownership(statement_id: str, day: str, percent: float, replaces: list[str]) -> dict[str, Any]:
        return {
            "statementID": statement_id,
            "statementType": "ownershipOrControlStatement",
            "statementDate": day,
            "subject": {"describedByEntityStatement": "e"},
            "interestedParty": {"describedByPersonStatement": "p"},
            "interests": [{"type": "shareholding", "share": {"exact": percent}}],
            "replacesStatements": replaces,
        }

    data = read_statements(
        tmp_path,
        [subject, owner, ownership("o1", "2020-01-01", 60, []), ownership("o2", "2022-01-01", 30, ["o1"])],
        "dated.jsonl",
    )
    assert dated(data) == [
        ("p", "e", Stake.exact(0.6), None, date(2021, 12, 31)),
        ("p", "e", Stake.exact(0.3), date(2022, 1, 1), None),
    ]
    # Hand-computed: on 2021-06-01 the CN person holds 60% (40% unallocated): cascade 60-100%, flagged; on
    # 2023-01-01 30% (70% unallocated): 30-100%, possible.
    then = verdicts(data, as_of=date(2021, 6, 1))["e"]
    now = verdicts(data, as_of=date(2023, 1, 1))["e"]
    assert (then.status, figures(then)[:2]) == (Status.FLAGGED, approx(0.6, 1.0))
    assert (now.status, figures(now)[:2]) == (Status.POSSIBLE, approx(0.3, 1.0))


def test_a_change_declared_after_it_happened_takes_effect_on_its_start_date(tmp_path: Path) -> None:
    # The 40% version is dated 2021-09-25 but its interest started 2021-09-24: the 100% ends 2021-09-23.
    def version(day: str, percent: float, start: str, status: str) -> dict[str, Any]:
        rel = relationship("r", "t", "p", {**interest(exact=percent), "startDate": start})
        return {**rel, "statementId": f"r-{day}", "statementDate": day, "recordStatus": status}

    data = read_statements(
        tmp_path,
        [
            entity("t", "T Ltd", "GB"),
            person("p", "P", "CN"),
            version("2019-01-20", 100, "2002-03-09", "new"),
            version("2021-09-25", 40, "2021-09-24", "updated"),
        ],
    )
    assert dated(data) == [
        ("p", "t", Stake.exact(1.0), date(2002, 3, 9), date(2021, 9, 23)),
        ("p", "t", Stake.exact(0.4), date(2021, 9, 24), None),
    ]


def test_versions_that_say_the_same_are_one_period(tmp_path: Path) -> None:
    def version(day: str, percent: float, status: str) -> dict[str, Any]:
        rel = relationship("r", "t", "p", interest(exact=percent))
        return {**rel, "statementId": f"r-{day}", "statementDate": day, "recordStatus": status}

    data = read_statements(
        tmp_path,
        [
            entity("t", "T Ltd", "GB"),
            person("p", "P", "CN"),
            version("2020-01-01", 50, "new"),
            version("2021-01-01", 50, "updated"),
            version("2022-01-01", 100, "updated"),
            version("2023-01-01", 100, "closed"),
        ],
    )
    assert dated(data) == [
        ("p", "t", Stake.exact(0.5), None, date(2021, 12, 31)),
        ("p", "t", Stake.exact(1.0), date(2022, 1, 1), date(2022, 12, 31)),
    ]
    assert data.holdings[1].where == Location("bods.json", row=5)  # the latest statement of the period


def test_an_unspecified_owner_over_several_versions_is_one_party(tmp_path: Path) -> None:
    def version(day: str, percent: float, status: str) -> dict[str, Any]:
        rel = relationship(
            "r", "t", {"reason": "subjectUnableToConfirmOrIdentifyBeneficialOwner"}, interest(exact=percent)
        )
        return {**rel, "statementId": f"r-{day}", "statementDate": day, "recordStatus": status}

    data = read_statements(
        tmp_path, [entity("t", "T Ltd", "GB"), version("2020-01-01", 40, "new"), version("2022-01-01", 60, "updated")]
    )
    assert [e.id for e in data.entities] == ["t", "unspecified:r"]
    assert dated(data) == [
        ("unspecified:r", "t", Stake.exact(0.4), None, date(2021, 12, 31)),
        ("unspecified:r", "t", Stake.exact(0.6), date(2022, 1, 1), None),
    ]
    assert codes(data).count("unspecified_party") == 1


def test_official_fermcat_example_at_2020_06_01_under_ofac() -> None:
    # openownership/data-standard examples/fermcat.json (BODS 0.4): Fermcat Ltd (IE) was held 50% each by
    # Riyadh Byrne-Amin (IQ and IE) and Patrick O'Donohue (IE) until Riyadh's death on 2021-04-03; his
    # records were closed on 2021-09-11, and Patrick held 100% from 2022-01-21.
    data = read(REAL / "fermcat.json")
    fermcat, riyadh = "ent-93c75c87ab28f889", "per-5faa4103dee78621"
    ofac = {"jurisdictions": frozenset({"IQ"}), "threshold": 0.5, "comparison": Comparison.GE}
    then = verdicts(data, as_of=date(2020, 6, 1), **ofac)
    # Hand-computed: Riyadh (IQ, home) held exactly 50%: cascade 50%, flagged at "at least 50%".
    assert (then[fermcat].status, figures(then[fermcat])) == (Status.FLAGGED, approx(0.5, 0.5, 0.5, 0.5))
    assert then[riyadh].status is Status.HOME
    today = verdicts(data, as_of=AS_OF, **ofac)[fermcat]
    assert (today.status, figures(today)) == (Status.CLEAR, approx(0.0, 0.0, 0.0, 0.0))
    ended = [h for h in data.holdings if h.holder == riyadh]
    assert [(h.stake, h.end) for h in ended] == [(Stake.exact(0.5), date(2021, 4, 3))]


def test_official_tecido_example_at_2022_01_01() -> None:
    # openownership/data-standard examples/tecido.json (BODS 0.4): Tecido Ltd (US-DE) was held 100% by Maria
    # Esteves (no nationality given), then 40% by her and 60% by Shear Trust (US-DE) from 2021-09-24, 30/70
    # from 2022-09-21; Shear Trust's 80% from 2023-03-01; Maria's records closed 2023-03-03.
    data = read(REAL / "tecido.json")
    tecido, maria, shear = "01B68D7633", "018AF6B3EB", "033E84672B"
    on = date(2022, 1, 1)
    in_force = sorted((h.holder, h.stake) for h in data.holdings if valid_on(h, on) and h.stake is not None)
    assert in_force == [(maria, Stake.exact(0.4)), (shear, Stake.exact(0.6))]
    # Hand-computed under -j CN, counting Shear Trust as its own ultimate owner: only Maria's country is
    # unknown, so Tecido's cascade is 0-100% while she held everything (2020), 0-40% on 2022-01-01, and
    # 0-20% today, when Shear Trust holds 80% and 20% is unallocated.
    policy: dict[str, Any] = {"unrecorded_holders": UnrecordedHolders.ULTIMATE}
    early = verdicts(data, as_of=date(2020, 1, 1), **policy)[tecido]
    then = verdicts(data, as_of=on, **policy)[tecido]
    today = verdicts(data, as_of=AS_OF, **policy)[tecido]
    assert (early.status, figures(early)[:2]) == (Status.POSSIBLE, approx(0.0, 1.0))
    assert (then.status, figures(then)[:2]) == (Status.CLEAR, approx(0.0, 0.4))
    assert (today.status, figures(today)[:2]) == (Status.CLEAR, approx(0.0, 0.2))


def test_identical_copies_count_once(tmp_path: Path) -> None:
    rel = relationship("r", "t", "p", interest(exact=40))
    data = read_statements(tmp_path, [entity("t", "T", "GB"), person("p", "P", "CN"), rel, rel], "copies.jsonl")
    assert len(data.holdings) == 1
    (warning,) = data.warnings
    assert warning.code == "duplicate_statement"
    assert warning.where == Location("copies.jsonl", row=4)


# ---------------------------------------------------------------------------------------------------------
# Parties: unspecified, unknown, countries
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "party",
    [
        {"reason": "interestedPartyHasNotProvidedInformation", "description": "Refused"},
        {"unspecified": {"reason": "interestedPartyHasNotProvidedInformation", "description": "Refused"}},
    ],
    ids=["bods-0.4", "bods-0.3"],
)
def test_unspecified_owner_is_an_entity_of_unknown_country(tmp_path: Path, party: dict[str, Any]) -> None:
    statements = [
        entity("t", "Target Ltd", "GB"),
        # Listed: its own ultimate owner, so only the unspecified party's share is unknown.
        entity("g", "Gamma plc", "GB", publicListing={"hasPublicListing": True}),
        relationship("rg", "t", "g", interest(exact=60)),
        relationship("ru", "t", party),
    ]
    data = read_statements(tmp_path, statements)
    unknown = {e.id: e for e in data.entities}["unspecified:ru"]
    assert unknown.name == "unspecified interested party (interestedPartyHasNotProvidedInformation)"
    assert unknown.source == (
        "declared but not identified by BODS record ru (statement st-ru-2024-01-01-new) "
        "(interestedPartyHasNotProvidedInformation: Refused)"
    )
    assert (unknown.type, unknown.jurisdiction, unknown.headquarters) == (EntityType.UNKNOWN, None, None)
    assert unknown.where == Location("bods.json", row=4)
    assert stakes(data)[("unspecified:ru", "t")] == Stake(0.0, 1.0)
    assert codes(data) == ["unspecified_party", "unknown_stake"]
    # Gamma (GB) holds 60%; the unknown owner can hold at most the other 40%.
    result = verdicts(data)
    assert figures(result["t"]) == approx(0.0, 0.4, 0.0, 0.4)
    assert verdicts(data, threshold=0.3)["t"].status is Status.POSSIBLE


def test_unspecified_subject_is_a_warning(tmp_path: Path) -> None:
    statements = [person("p", "P", "CN"), relationship("r", {"reason": "unknown"}, "p", interest(exact=10))]
    data = read_statements(tmp_path, statements)
    assert data.holdings == ()
    assert codes(data) == ["unspecified_subject"]


def test_parties_not_in_the_file_are_added_with_unknown_country(tmp_path: Path) -> None:
    data = read_statements(
        tmp_path, [entity("t", "T Ltd", "GB"), relationship("r", "t", "elsewhere", interest(exact=55))]
    )
    added = {e.id: e for e in data.entities}["elsewhere"]
    assert (added.name, added.declared, added.jurisdiction) == ("elsewhere", False, None)
    assert added.where == Location("bods.json", row=2)
    assert (
        added.source
        == "named by BODS record r (statement st-r-2024-01-01-new) as its interested party, not described in this file"
    )
    assert codes(data) == ["unknown_reference"]
    assert verdicts(data)["t"].status is Status.POSSIBLE


def test_person_countries(tmp_path: Path) -> None:
    residence = {"addresses": [{"type": "residence", "country": {"name": "China", "code": "CN"}}]}
    statements = [
        person("resident", "Resident", "GB", **residence),
        person("dual", "Dual", "GB", "CN"),
        person("many", "Many", "GB", "FR", **residence),
        person("taxed", "Taxed", taxResidencies=[{"code": "HK"}]),
        {
            "statementID": "legacy",
            "statementType": "personStatement",
            "names": [{"type": "individual", "fullName": "Legacy"}],
            "nationalities": [{"name": "Chinese"}],
            "addresses": [{"type": "registered", "address": "1 Road", "country": "DK"}],
        },
    ]
    data = read_statements(tmp_path, statements)
    countries = {e.id: (e.jurisdiction, e.headquarters, e.other_countries) for e in data.entities}
    # Every country is kept with its kind: the first nationality and residence in the two columns, the rest
    # (a second nationality, a tax residence) beside them.
    assert countries == {
        "resident": ("GB", "CN", ()),
        "dual": ("GB", None, (("CN", CountryKind.NATIONALITY),)),
        "many": ("GB", "CN", (("FR", CountryKind.NATIONALITY),)),
        "taxed": (None, None, (("HK", CountryKind.TAX_RESIDENCE),)),
        "legacy": ("CN", "DK", ()),
    }
    assert "extra_countries" not in codes(data)
    # A person is home by nationality or residence under every basis.
    for basis in HomeBasis:
        assert verdicts(data, home=basis)["resident"].status is Status.HOME


def test_entity_countries(tmp_path: Path) -> None:
    statements = [
        entity("delaware", "D Inc", "US-DE"),
        entity(
            "registered-only",
            "R Ltd",
            addresses=[{"type": "registered", "country": {"name": "Hong Kong", "code": "HK"}}],
        ),
        entity("cayman", "K Ltd", "KY", addresses=[{"type": "business", "country": {"name": "China", "code": "CN"}}]),
        entity("odd", "O Ltd", "XX"),
        {
            "statementID": "legacy",
            "statementType": "entityStatement",
            "name": "L Ltd",
            "incorporatedInJurisdiction": {"name": "Slovakia", "code": "SK"},
            "addresses": [{"type": "business", "country": "AT"}],
        },
    ]
    data = read_statements(tmp_path, statements)
    countries = {e.id: (e.jurisdiction, e.headquarters) for e in data.entities}
    assert countries == {
        "delaware": ("US", None),
        "registered-only": ("HK", None),
        "cayman": ("KY", "CN"),
        "odd": (None, None),
        "legacy": ("SK", "AT"),
    }
    (odd,) = [w for w in data.warnings if w.code == "unknown_country"]
    assert "'XX' is not a recognised country" in odd.message
    assert odd.where == Location("bods.json", row=4)
    assert verdicts(data, home=HomeBasis.HEADQUARTERS)["cayman"].status is Status.HOME
    # Not home by incorporation; its owners are not recorded, so unknown (possible) unless read as its own top.
    assert verdicts(data, home=HomeBasis.INCORPORATION)["cayman"].status is Status.POSSIBLE
    top = verdicts(data, home=HomeBasis.INCORPORATION, unrecorded_holders=UnrecordedHolders.ULTIMATE)
    assert top["cayman"].status is Status.CLEAR


def test_names_for_unnamed_parties(tmp_path: Path) -> None:
    anonymous = statement(
        "anon",
        "entity",
        {
            "isComponent": False,
            "entityType": {"type": "anonymousEntity"},
            "unspecifiedEntityDetails": {"reason": "subjectExemptFromDisclosure"},
        },
    )
    unknown_person = statement(
        "who",
        "person",
        {"isComponent": False, "personType": "unknownPerson", "unspecifiedPersonDetails": {"reason": "unknown"}},
    )
    data = read_statements(tmp_path, [anonymous, unknown_person])
    assert {e.id: e.name for e in data.entities} == {
        "anon": "anonymousEntity anon (subjectExemptFromDisclosure)",
        "who": "unknownPerson who (unknown)",
    }


# ---------------------------------------------------------------------------------------------------------
# Interests: equity, votes, control, unknown, dates
# ---------------------------------------------------------------------------------------------------------


def base(*relationships: dict[str, Any]) -> list[dict[str, Any]]:
    return [entity("t", "Target Ltd", "GB"), person("p", "Pei", "CN"), *relationships]


def test_shareholding_and_voting_rights_make_one_holding(tmp_path: Path) -> None:
    rel = relationship("r", "t", "p", interest(exact=40), interest("votingRights", exact=60))
    data = read_statements(tmp_path, base(rel))
    (holding,) = data.holdings
    assert (holding.stake, holding.votes, holding.control) == (Stake.exact(0.4), Stake.exact(0.6), False)
    assert data.warnings == ()
    assert verdicts(data)["t"].status is not Status.FLAGGED
    assert verdicts(data, weights=Weights.VOTES)["t"].status is Status.FLAGGED


def test_voting_rights_alone_warn_that_they_count_only_by_votes(tmp_path: Path) -> None:
    rel = relationship("r", "t", "p", interest("voting-rights", exact=68.66))
    data = read_statements(tmp_path, base(rel))
    (holding,) = data.holdings
    assert (holding.stake, holding.votes) == (None, Stake.exact(0.6866))
    assert codes(data) == ["votes_only"]
    assert verdicts(data, weights=Weights.VOTES)["t"].status is Status.FLAGGED


@pytest.mark.parametrize("kind", ["appointmentOfBoard", "otherInfluenceOrControl", "protector", "boardMember"])
def test_control_interests_without_shares_are_control_rows(tmp_path: Path, kind: str) -> None:
    data = read_statements(tmp_path, base(relationship("r", "t", "p", interest(kind))))
    (holding,) = data.holdings
    assert (holding.stake, holding.votes, holding.control) == (None, None, True)
    assert data.warnings == ()
    # Control rights give no equity: T's owners are not recorded, so unknown (possible), not Pei's; read as
    # its own ultimate owner it is clear. Counting control as a majority stake flags it either way.
    assert verdicts(data)["t"].status is Status.POSSIBLE
    assert verdicts(data, unrecorded_holders=UnrecordedHolders.ULTIMATE)["t"].status is Status.CLEAR
    assert verdicts(data, control=ControlMode.TAINTS)["t"].status is Status.FLAGGED


def test_a_share_on_a_control_interest_is_reported(tmp_path: Path) -> None:
    rel = relationship("r", "t", "p", interest("appointmentOfBoard", minimum=75, maximum=100))
    data = read_statements(tmp_path, base(rel))
    (holding,) = data.holdings
    assert (holding.stake, holding.control) == (None, True)
    (warning,) = data.warnings
    assert warning.code == "ignored_share"
    assert "75-100%" in warning.message


@pytest.mark.parametrize(
    "kind", ["settlor-of-trust", "trustee", "beneficiaryOfLegalArrangement", "nominee", "rightsToProfitOrIncome"]
)
def test_a_shareless_ownership_interest_is_an_unknown_stake(tmp_path: Path, kind: str) -> None:
    # A trust's settlor, trustee or beneficiary (or a nominee) owns the assets in a share the statement does
    # not give: 0-100% (up to what is unallocated) besides control, with a warning; never nothing.
    data = read_statements(tmp_path, base(relationship("r", "t", "p", interest(kind))))
    (holding,) = data.holdings
    assert (holding.stake, holding.votes, holding.control) == (Stake(0.0, 1.0), None, True)
    (warning,) = data.warnings
    assert warning.code == "unknown_stake"
    assert kind in warning.message and "unknown" in warning.message


def test_an_ownership_interest_with_a_share_is_a_stake_of_that_share(tmp_path: Path) -> None:
    rel = relationship("r", "t", "p", interest("rightsToSurplusAssetsOnDissolution", minimum=75, maximum=100))
    data = read_statements(tmp_path, base(rel))
    (holding,) = data.holdings
    assert (holding.stake, holding.control) == (Stake(0.75, 1.0), True)
    assert data.warnings == ()


def test_an_ownership_interest_beside_a_shareholding_adds_no_second_stake(tmp_path: Path) -> None:
    rel = relationship("r", "t", "p", interest(exact=30), interest("beneficiaryOfLegalArrangement", exact=30))
    data = read_statements(tmp_path, base(rel))
    (holding,) = data.holdings
    assert (holding.stake, holding.control) == (Stake.exact(0.3), True)


def test_an_interest_of_no_type_keeps_its_share_range(tmp_path: Path) -> None:
    # Exclusive 25-75 with no type: the share is 25-75% (nudged inward), not 0-100%.
    untyped = {"directOrIndirect": "direct", "share": {"exclusiveMinimum": 25, "exclusiveMaximum": 75}}
    data = read_statements(tmp_path, base(relationship("r", "t", "p", untyped)))
    (holding,) = data.holdings
    assert holding.stake == Stake.between(0.25, 0.75, low_exclusive=True, high_exclusive=True)
    assert holding.stake == Stake(0.25 + EXCLUSIVE_NUDGE, 0.75 - EXCLUSIVE_NUDGE)
    assert codes(data) == ["unknown_interest_type"]


@pytest.mark.parametrize(
    "interests",
    [
        [],
        [{"directOrIndirect": "unknown"}],
        [interest("unknownInterest")],
        [interest("unpublishedInterest")],
        [interest()],
    ],
    ids=["no-interests", "no-type", "unknownInterest", "unpublishedInterest", "shareholding-without-share"],
)
def test_interests_of_unknown_size_are_anywhere_from_0_to_100(tmp_path: Path, interests: list[Any]) -> None:
    data = read_statements(tmp_path, base(relationship("r", "t", "p", *interests)))
    assert stakes(data) == {("p", "t"): Stake(0.0, 1.0)}
    assert codes(data) == ["unknown_stake"]
    assert verdicts(data)["t"].status is Status.POSSIBLE


def test_a_psc_code_in_details_gives_the_band_when_the_share_is_missing(tmp_path: Path) -> None:
    rel = relationship("r", "t", "p", {"type": "shareholding", "details": "ownership-of-shares-50-to-75-percent"})
    data = read_statements(tmp_path, base(rel))
    assert stakes(data) == {("p", "t"): Stake.between(0.5, 0.75, low_exclusive=True, high_exclusive=True)}
    assert data.warnings == ()


def test_open_ended_ranges(tmp_path: Path) -> None:
    data = read_statements(
        tmp_path,
        [
            entity("a", "A", "GB"),
            entity("b", "B", "GB"),
            person("p", "P", "CN"),
            relationship("r1", "a", "p", interest(exclusiveMinimum=50)),
            relationship("r2", "b", "p", interest(maximum=10)),
        ],
    )
    assert stakes(data) == {("p", "a"): Stake(0.5 + EXCLUSIVE_NUDGE, 1.0), ("p", "b"): Stake(0.0, 0.1)}


def test_interests_with_different_dates_are_separate_holdings(tmp_path: Path) -> None:
    rel = relationship(
        "r",
        "t",
        "p",
        {**interest(exact=10), "startDate": "2019-01-01", "endDate": "2020-06"},
        {**interest(exact=25), "startDate": "2020-07-01"},
        {**interest(exact=5), "startDate": "2020-07-01"},  # a second share class with the same dates: summed
    )
    data = read_statements(tmp_path, base(rel))
    periods = [(h.start, h.end, h.stake) for h in data.holdings]
    assert periods == [
        (date(2019, 1, 1), date(2020, 6, 30), Stake.exact(0.1)),
        (date(2020, 7, 1), None, Stake.exact(0.25) + Stake.exact(0.05)),
    ]
    assert figures(verdicts(data)["t"])[:1] == approx(0.3)


def test_indirect_interest_without_its_chain_is_a_declared_indirect_holding(tmp_path: Path) -> None:
    summary = relationship(
        "r", "t", "p", interest(level="indirect", exact=30), componentRecords=["missing-b", "missing-rel"]
    )
    data = read_statements(tmp_path, base(summary))
    (holding,) = data.holdings
    assert (holding.holder, holding.subject, holding.stake, holding.indirect) == ("p", "t", Stake.exact(0.3), True)
    assert holding.where == Location("bods.json", row=3)
    assert holding.source == "BODS record r (statement st-r-2024-01-01-new)"
    assert data.warnings == ()  # graph preparation says how it counts


def test_a_shareless_declared_indirect_interest_is_kept_with_an_unknown_stake(tmp_path: Path) -> None:
    statements = [
        *base(),
        entity("m", "Middle Ltd", "GB"),
        relationship("r1", "m", "p", interest(exact=50)),
        relationship("r2", "t", "m", interest(exact=50)),
        relationship("r3", "t", "p", {"directOrIndirect": "indirect"}),  # no type, no share
    ]
    data = read_statements(tmp_path, statements)
    assert [(h.holder, h.subject, h.stake, h.indirect) for h in data.holdings] == [
        ("p", "m", Stake.exact(0.5), False),
        ("m", "t", Stake.exact(0.5), False),
        ("p", "t", Stake(0.0, 1.0), True),
    ]
    assert codes(data) == ["unknown_stake"]
    assert "declared indirect" in data.warnings[0].message


def test_a_direct_holding_is_not_the_chain_of_an_indirect_one(tmp_path: Path) -> None:
    # One relationship holding 20% directly and 15% through intermediaries the file does not describe.
    rel = relationship("r", "t", "p", interest(exact=20), interest(level="indirect", exact=15))
    data = read_statements(tmp_path, base(rel))
    assert [(str(h.stake), h.indirect) for h in data.holdings] == [("20%", False), ("15%", True)]
    assert data.warnings == ()


def test_many_warnings_of_one_kind_are_summarised(tmp_path: Path) -> None:
    owners = [person(f"p{i}", f"P{i}", "GB") for i in range(25)]
    rels = [relationship(f"r{i}", "t", f"p{i}") for i in range(25)]
    data = read_statements(tmp_path, [entity("t", "T", "GB"), *owners, *rels])
    assert codes(data).count("unknown_stake") == 21
    assert data.warnings[-1].message == "5 more 'unknown_stake' warnings like the ones above"
    assert len(data.holdings) == 25


def test_shares_written_as_fractions_are_reported(tmp_path: Path) -> None:
    data = read_statements(
        tmp_path,
        [
            entity("a", "A", "GB"),
            person("p", "P", "CN"),
            person("q", "Q", "GB"),
            relationship("r1", "a", "p", interest(exact=0.6)),
            relationship("r2", "a", "q", interest(exact=0.4)),
        ],
    )
    assert stakes(data)[("p", "a")] == Stake.exact(0.006)
    assert codes(data) == ["fraction_scale"]


# ---------------------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------------------

bounds = st.integers(0, 100)


@settings(max_examples=60, deadline=None)
@given(low=bounds, high=bounds, low_exclusive=st.booleans(), high_exclusive=st.booleans())
def test_both_range_conventions_give_the_same_stake(
    tmp_path_factory: pytest.TempPathFactory, low: int, high: int, low_exclusive: bool, high_exclusive: bool
) -> None:
    low, high = min(low, high), max(low, high)
    if low == high and (low_exclusive or high_exclusive):
        return
    modern_share = {"exclusiveMinimum" if low_exclusive else "minimum": low}
    modern_share["exclusiveMaximum" if high_exclusive else "maximum"] = high
    legacy_share = {
        "minimum": low,
        "maximum": high,
        "exclusiveMinimum": low_exclusive,
        "exclusiveMaximum": high_exclusive,
    }
    legacy = {
        "statementID": "legacy-r",
        "statementType": "ownershipOrControlStatement",
        "subject": {"describedByEntityStatement": "t"},
        "interestedParty": {"describedByEntityStatement": "h"},
        "interests": [{"type": "shareholding", "share": legacy_share}],
    }
    folder = tmp_path_factory.mktemp("ranges")
    modern = read_statements(folder, [relationship("r", "t", "h", interest(**modern_share))])
    old = read_statements(folder, [legacy], "legacy.json")
    expected = Stake.between(low / 100, high / 100, low_exclusive=low_exclusive, high_exclusive=high_exclusive)
    assert modern.holdings[0].stake == expected
    assert old.holdings[0].stake == expected
    assert 0.0 <= expected.low <= expected.high <= 1.0


@st.composite
def chains_with_summaries(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Random direct shareholdings among E0..En (only from lower to higher index, so no cycles), and indirect
    summaries for pairs that the direct holdings link through at least one intermediary."""
    n = draw(st.integers(3, 7))
    parties = [entity(f"E{i}", f"E{i} Ltd", draw(st.sampled_from(["CN", "GB", "US"]))) for i in range(n)]
    direct = []
    successors: dict[int, set[int]] = {i: set() for i in range(n)}
    for subject in range(1, n):
        budget = 100
        for holder in draw(st.lists(st.integers(0, subject - 1), max_size=3, unique=True)):
            percent = draw(st.integers(0, budget))
            budget -= percent
            direct.append(relationship(f"d{holder}-{subject}", f"E{subject}", f"E{holder}", interest(exact=percent)))
            successors[holder].add(subject)
    summaries = []
    for holder in range(n):
        reach = set()
        frontier = list(successors[holder])
        while frontier:
            node = frontier.pop()
            for nxt in successors[node]:
                if nxt not in reach:
                    reach.add(nxt)
                    frontier.append(nxt)
        for subject in sorted(reach):
            if draw(st.booleans()):
                percent = draw(st.integers(0, 100))
                summaries.append(
                    relationship(
                        f"s{holder}-{subject}",
                        f"E{subject}",
                        f"E{holder}",
                        interest("shareholding", "indirect", exact=percent),
                    )
                )
    return parties + direct, summaries


@settings(max_examples=60, deadline=None)
@given(case=chains_with_summaries())
def test_declared_indirect_interests_are_kept_beside_the_direct_holdings_unchanged(
    tmp_path_factory: pytest.TempPathFactory, case: tuple[list[dict[str, Any]], list[dict[str, Any]]]
) -> None:
    plain, summaries = case
    folder = tmp_path_factory.mktemp("chains")
    without = read_statements(folder, plain, "plain.json")
    with_summaries = read_statements(folder, plain + summaries, "summaries.json")
    assert [(h.holder, h.subject, h.stake) for h in with_summaries.holdings if not h.indirect] == [
        (h.holder, h.subject, h.stake) for h in without.holdings
    ]
    # Every declared indirect interest is read, marked indirect, with its own share.
    expected = [
        (s["recordDetails"]["interestedParty"], s["recordDetails"]["subject"], s["recordDetails"]["interests"][0])
        for s in summaries
    ]
    assert [(h.holder, h.subject, h.stake) for h in with_summaries.holdings if h.indirect] == [
        (holder, subject, Stake.exact(i["share"]["exact"] / 100)) for holder, subject, i in expected
    ]
    assert not {"indirect_summary", "indirect_without_chain"} & set(codes(with_summaries))
