"""The BODS v0.4 conformance fixtures (PyPI ``bods-v04-fixtures``, import ``bods_fixtures``) through read_bods.

The package ships each fixture as a list of statements with an ``.expected.md`` that states what source
adapters, sink adapters and query engines must do with it. exposure is a reader and an analytics engine:
the source-adapter and query-engine expectations translate into assertions on the entities and holdings
read and on the figures ``check`` computes; the sink-adapter (writing BODS back) expectations do not apply
and are skipped with that reason. Every fixture, including any a later release adds, is at least read and
checked for the generic properties (every party and holding located, figures within 0..100%).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from ownership.errors import Location
from ownership.model import EntityType, OwnershipData, Policy, Stake, UnrecordedHolders, WatchEntry, Weights
from ownership.pipeline import check
from ownership.readers.bods.reader import looks_like_bods, read_bods
from ownership.readers.cells.tables import ReadLimits
from ownership.result import EntityVerdict, Status

bods_fixtures = pytest.importorskip("bods_fixtures")

CASES: list[str] = bods_fixtures.list_cases()
AS_OF = date(2026, 6, 30)


def read_case(name: str, tmp_path: Path) -> tuple[OwnershipData, list[dict[str, object]]]:
    """The fixture written to a file as its package holds it (a JSON array), read as the CLI would."""
    fixture = bods_fixtures.load(name)
    path = tmp_path / f"{name.replace('/', '__')}.json"
    path.write_text(json.dumps(fixture.statements, ensure_ascii=False, indent=2), encoding="utf-8")
    assert looks_like_bods(path.read_text(encoding="utf-8")[:65536])
    return read_bods(path, path.name, ReadLimits()), fixture.statements


def verdicts(data: OwnershipData, **policy: object) -> dict[str, EntityVerdict]:
    policy.setdefault("as_of", AS_OF)
    return {v.entity.id: v for v in check(data, Policy(**policy)).verdicts}


def watching(*ids: str) -> dict[str, object]:
    """A policy watching these parties by id (a watch list), so a test can pick the home party."""
    return {"jurisdictions": frozenset(), "watchlist": tuple(WatchEntry(i, None, "fixture") for i in ids)}


def test_the_package_ships_fixtures() -> None:
    assert CASES, "bods-v04-fixtures lists no fixtures"
    assert bods_fixtures.VERSION


# ---------------------------------------------------------------------------------------------------------
# Every fixture: generic properties
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CASES)
def test_every_fixture_reads_with_every_party_and_holding_located(name: str, tmp_path: Path) -> None:
    data, statements = read_case(name, tmp_path)
    file = f"{name.replace('/', '__')}.json"
    assert data.source.format == "bods"
    parties = {s["recordId"] for s in statements if s.get("recordType") in ("entity", "person")}
    ids = {e.id for e in data.entities}
    assert parties <= ids  # recordIds are the entity ids: stable across runs and sources
    assert all(i in parties or i.startswith("unspecified:") for i in ids)
    for item in (*data.entities, *data.holdings):
        assert item.where is not None
        assert item.where.file == file
        assert item.where.row is not None and 1 <= item.where.row <= len(statements)
    relationships = {s["recordId"] for s in statements if s.get("recordType") == "relationship"}
    for h in data.holdings:
        assert h.source is not None
        assert any(r in h.source for r in relationships)


@pytest.mark.parametrize("name", CASES)
def test_every_fixture_checks_within_bounds(name: str, tmp_path: Path) -> None:
    data, _ = read_case(name, tmp_path)
    for jurisdiction in ("CN", "GB"):
        for v in verdicts(data, jurisdictions=frozenset({jurisdiction})).values():
            for figure in (v.cascade, v.lookthrough):
                assert 0.0 <= figure.low <= figure.high <= 1.0 + 1e-9


@pytest.mark.parametrize("name", CASES)
def test_reading_is_idempotent(name: str, tmp_path: Path) -> None:
    first, _ = read_case(name, tmp_path)
    second, _ = read_case(name, tmp_path)
    assert (first.entities, first.holdings, first.warnings) == (second.entities, second.holdings, second.warnings)


# ---------------------------------------------------------------------------------------------------------
# Each fixture's documented expectations
# ---------------------------------------------------------------------------------------------------------


def direct_ownership(data: OwnershipData) -> None:
    """core/01: exactly one entity, one person, one relationship; both interest types kept apart; "find UBO"
    from Acme returns Jane Smith in one hop with 75%."""
    acme, jane = "rec-acme-holdings-ltd", "rec-jane-smith-1975"
    kinds = {e.id: (e.type, e.jurisdiction) for e in data.entities}
    assert kinds == {acme: (EntityType.COMPANY, "GB"), jane: (EntityType.PERSON, "GB")}
    (holding,) = data.holdings
    assert (holding.holder, holding.subject) == (jane, acme)
    # shareholding and votingRights are not collapsed: equity and votes each carry their 75%.
    assert (holding.stake, holding.votes, holding.control) == (Stake.exact(0.75), Stake.exact(0.75), False)
    assert holding.start == date(2010, 1, 1)
    assert data.warnings == ()
    for weights in Weights:
        found = verdicts(data, weights=weights, **watching(jane))[acme]
        assert (found.cascade.low, found.cascade.high) == pytest.approx((0.75, 1.0))  # 25% not named
        assert found.lookthrough.low == pytest.approx(0.75)
        assert [(c.holder, c.stake, c.holder_is_home) for c in found.tainted_by] == [(jane, Stake.exact(0.75), True)]
        assert found.status is Status.FLAGGED


def circular_ownership(data: OwnershipData) -> None:
    """edge-cases/10: both sides of the cycle kept; evaluation terminates; the loop is flagged; ownership
    reached from one side never sums to 200%; neither entity is its own ultimate owner."""
    alpha, beta = "rec-alpha-corp", "rec-beta-corp"
    assert {(h.holder, h.subject): h.stake for h in data.holdings} == {
        (alpha, beta): Stake.exact(1.0),
        (beta, alpha): Stake.exact(1.0),
    }
    result = check(data, Policy(frozenset({"CN"}), as_of=AS_OF))
    loops = [w for w in result.warnings if w.code == "closed_loop"]
    assert len(loops) == 1
    assert alpha in loops[0].message and beta in loops[0].message
    for v in result.verdicts:
        assert (v.lookthrough.low, v.lookthrough.high) == (0.0, 0.0)
        assert v.status is Status.CLEAR
    # Seen from Alpha: Beta is 100% Alpha's (not 200% by going round the loop).
    from_alpha = verdicts(data, **watching(alpha))
    assert from_alpha[alpha].status is Status.HOME
    assert (from_alpha[beta].lookthrough.low, from_alpha[beta].lookthrough.high) == pytest.approx((1.0, 1.0))
    assert (from_alpha[beta].cascade.low, from_alpha[beta].cascade.high) == pytest.approx((1.0, 1.0))


def anonymous_person(data: OwnershipData) -> None:
    """edge-cases/11: the declared-unknown owner is kept with its reason, not turned into a person and not
    dropped, and it is told apart from "no owner records at all"."""
    opaque = "rec-opaque-holdings-sa"
    unknown = "unspecified:rec-rel-opaque-no-ubo"
    by_id = {e.id: e for e in data.entities}
    assert set(by_id) == {opaque, unknown}
    assert by_id[opaque].jurisdiction == "PA"
    owner = by_id[unknown]
    assert owner.type is EntityType.UNKNOWN  # not a synthesised person
    # The reason code verbatim in the name, and the publisher's description in the source.
    assert owner.name == "unspecified interested party (subjectUnableToConfirmOrIdentifyBeneficialOwner)"
    assert owner.source is not None
    assert "rec-rel-opaque-no-ubo" in owner.source
    assert "unable to identify any beneficial owner meeting the reporting threshold" in owner.source
    assert (owner.jurisdiction, owner.headquarters, owner.declared) == (None, None, False)
    (holding,) = data.holdings
    assert (holding.holder, holding.subject, holding.stake) == (unknown, opaque, Stake(0.0, 1.0))
    assert {w.code for w in data.warnings} == {"unspecified_party", "unknown_stake"}
    declared_unknown = verdicts(data, jurisdictions=frozenset({"CN"}))[opaque]
    assert declared_unknown.status is Status.POSSIBLE
    assert declared_unknown.uncertainty
    # The same entity with no ownership records at all has unknown owners too (possible), unless the user
    # says entities without recorded holders are their own ultimate owners: then its own country decides.
    no_records = OwnershipData((by_id[opaque],), (), data.source)
    assert verdicts(no_records, jurisdictions=frozenset({"CN"}))[opaque].status is Status.POSSIBLE
    as_top = verdicts(no_records, jurisdictions=frozenset({"CN"}), unrecorded_holders=UnrecordedHolders.ULTIMATE)
    assert as_top[opaque].status is Status.CLEAR


EXPECTATIONS: dict[str, Callable[[OwnershipData], None]] = {
    "core/01-direct-ownership": direct_ownership,
    "edge-cases/10-circular-ownership": circular_ownership,
    "edge-cases/11-anonymous-person": anonymous_person,
}


@pytest.mark.parametrize("name", CASES)
def test_documented_expectations(name: str, tmp_path: Path) -> None:
    expectation = EXPECTATIONS.get(name)
    if expectation is None:
        pytest.skip(f"{name} is newer than this suite: only the generic checks run until its expectations are encoded")
    data, _ = read_case(name, tmp_path)
    expectation(data)


@pytest.mark.parametrize("name", CASES)
def test_sink_adapter_expectations_do_not_apply(name: str) -> None:
    description = bods_fixtures.load(name).description or ""
    if "Sink adapters" not in description:
        pytest.skip(f"{name} states no sink-adapter expectations")
    pytest.skip(
        "sink-adapter expectations (writing BODS back with bodsVersion, provenance and interests preserved) do not "
        "apply: exposure reads BODS and writes reports, never BODS"
    )


def test_locations_point_at_the_statement(tmp_path: Path) -> None:
    data, statements = read_case("core/01-direct-ownership", tmp_path)
    (holding,) = data.holdings
    assert holding.where == Location("core__01-direct-ownership.json", row=3)
    assert statements[2]["recordId"] == "rec-rel-jane-acme"
    assert holding.source == "BODS record rec-rel-jane-acme (statement f01-r1-3b88-4cbb-bb4f-72e9c7c4d201)"
