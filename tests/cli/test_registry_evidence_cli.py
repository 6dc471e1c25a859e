"""`exposure check` / `explain` on what registry files declare (issue 14, sections 2, 4 and 5), through the CLI:
declared indirect interests, every country of a party, and owners the source says are unknown.

Figures are hand-computed in the comments. The real files and their sources are listed in
tests/fixtures/bods/README.md and tests/fixtures/gleif/README.md.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BODS = FIXTURES / "bods" / "real"


def test_multiple_tax_residencies_flag_the_company_under_the_second_one(cli: Any) -> None:
    # Nationality GB, tax residences GB and UA, 100% of Company A: under -j UA it is flagged at 100%
    # (it was clear when the reader kept only two countries).
    result, doc = cli.run_json("check", BODS / "multiple-tax-residencies.json", "-j", "UA")
    company = cli.by_id(doc)["fd5c8dbc9a91"]
    assert (result.exit_code, company["status"]) == (1, "flagged")
    assert company["cascade_pct"] == {"low": 100.0, "high": 100.0}
    assert cli.by_id(doc)["8f2f34b57a8f"]["status"] == "home"


def test_a_declared_indirect_60_percent_stands_where_the_chain_gives_no_share(cli: Any) -> None:
    # Person 1 (GB) holds 60% of A through B (40% of A) and C (20% of A); the links to B and C give no share,
    # so the chain alone says 0-100%: the declaration makes it at least 60%, flagged at more than 50%.
    result, doc = cli.run_json("check", BODS / "mutilple-indirect-ownership-2.json", "-j", "GB")
    company_a = cli.by_id(doc)["1e049760d6c7"]
    assert (result.exit_code, company_a["status"]) == (1, "flagged")
    assert company_a["cascade_pct"] == {"low": 60.0, "high": 100.0}
    assert company_a["lookthrough_pct"] == {"low": 60.0, "high": 100.0}


def test_fifty_direct_plus_fifty_declared_indirect_is_a_hundred(cli: Any) -> None:
    # BODS 0.3 "os-08": 50% direct and 50% declared indirect through B: 100% in all.
    result, doc = cli.run_json("check", BODS / "v0.3_os-08-dr-04-company-a.json", "-j", "GB")
    company_a = cli.by_id(doc)["4fa965df-63a5-48c7-9a2f-7b058981fe60"]
    assert (result.exit_code, company_a["status"]) == (1, "flagged")
    assert company_a["lookthrough_pct"] == {"low": 100.0, "high": 100.0}


def test_gleif_ultimate_parent_at_100_is_kept_and_not_called_control_without_equity(cli: Any, tmp_path: Path) -> None:
    # Monoova FX: direct parent Monoova Global Payments (no quantifier), ultimate parent 984500501A1B1045PB30
    # at 100.00 (no Level 1 record: unknown country). Watching that parent, FX is flagged at 100%.
    folder = tmp_path / "monoova"
    folder.mkdir()
    for name in ("lei-updates-data2.xml", "rr-updates-data2.xml"):
        shutil.copy(FIXTURES / "gleif" / "real" / name, folder / name)
    watch = tmp_path / "watch.csv"
    watch.write_text("id,name,list\n984500501A1B1045PB30,,test\n", encoding="utf-8")
    result, doc = cli.run_json("check", folder, "--watchlist", watch, "--entity", "98450051BS9C610A8T78")
    fx = cli.by_id(doc)["98450051BS9C610A8T78"]
    assert (result.exit_code, fx["status"]) == (1, "flagged")
    assert fx["lookthrough_pct"] == {"low": 100.0, "high": 100.0}
    explained = cli.run("explain", folder, "98450051BS9C610A8T78", "-j", "CN")
    assert explained.exit_code in (0, 1), explained.stderr
    text = " ".join(explained.stdout.split())
    assert "controlled, with a stake of 100%, by 984500501A1B1045PB30" in text
    assert "without equity by 984500501A1B1045PB30" not in text


def test_a_trust_settlor_without_a_share_is_never_clear(cli: Any, tmp_path: Path) -> None:
    # Hand-made: a CN person is the settlor of a trust's interest in Target, with no share given. The settlor
    # owns an unknown part (0-100%): possible, where the old control-only reading said clear. Even when
    # entities without recorded holders are read as their own top, the source's own unknown stays unknown.
    def record(record_id: str, kind: str, details: dict[str, Any]) -> dict[str, Any]:
        return {
            "statementId": f"st-{record_id}",
            "statementDate": "2024-01-01",
            "recordId": record_id,
            "recordType": kind,
            "recordStatus": "new",
            "recordDetails": {"isComponent": False, **details},
        }

    statements = [
        record(
            "t",
            "entity",
            {"entityType": {"type": "registeredEntity"}, "name": "Target", "jurisdiction": {"code": "GB"}},
        ),
        record(
            "p",
            "person",
            {"personType": "knownPerson", "names": [{"fullName": "Pei"}], "nationalities": [{"code": "CN"}]},
        ),
        record("r", "relationship", {"subject": "t", "interestedParty": "p", "interests": [{"type": "settlor"}]}),
    ]
    path = tmp_path / "trust.json"
    path.write_text(json.dumps(statements), encoding="utf-8")
    result, doc = cli.run_json("check", path, "-j", "CN", "--entity", "t", "--unrecorded-holders", "ultimate")
    target = cli.by_id(doc)["t"]
    assert (result.exit_code, target["status"]) == (0, "possible")
    assert target["cascade_pct"] == {"low": 0.0, "high": 100.0}


def test_a_psc_company_stating_nobody_has_significant_control_is_possible(cli: Any, tmp_path: Path) -> None:
    # Hand-made: the only record of 01234567 says nobody has significant control (each owner at most 25%,
    # none named): its owners are unknown, so possible under -j CN, never clear, even when entities without
    # recorded holders are read as their own top (the register itself says the owners are not named).
    record = {
        "company_number": "01234567",
        "data": {
            "kind": "persons-with-significant-control-statement",
            "statement": "no-individual-or-entity-with-signficant-control",
            "notified_on": "2016-04-06",
            "links": {"self": "/company/01234567/persons-with-significant-control-statements/S1"},
        },
    }
    path = tmp_path / "psc.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    result, doc = cli.run_json(
        "check", path, "-j", "CN", "--entity", "GB-COH-01234567", "--unrecorded-holders", "ultimate"
    )
    company = cli.by_id(doc)["GB-COH-01234567"]
    assert (result.exit_code, company["status"]) == (0, "possible")
    assert company["cascade_pct"] == {"low": 0.0, "high": 100.0}


def test_a_gleif_no_known_person_exception_is_possible(cli: Any, tmp_path: Path) -> None:
    # Hand-made: a GB company (Level 1) whose direct-parent exception is NO_KNOWN_PERSON: its owners are
    # unknown (0-100%), so possible under -j CN, where it used to be read as its own top and clear (as it
    # still would be, with no exception, under --unrecorded-holders ultimate).
    folder = tmp_path / "gleif"
    folder.mkdir()
    (folder / "lei.csv").write_text(
        "LEI,Entity.LegalName,Entity.LegalJurisdiction,Entity.EntityCategory,Registration.RegistrationStatus\n"
        "5493NOKNOWN000000001,No Known Ltd,GB,GENERAL,ISSUED\n",
        encoding="utf-8",
    )
    (folder / "repex.csv").write_text(
        "LEI,Exception.Category,Exception.Reason.1\n"
        "5493NOKNOWN000000001,DIRECT_ACCOUNTING_CONSOLIDATION_PARENT,NO_KNOWN_PERSON\n",
        encoding="utf-8",
    )
    result, doc = cli.run_json(
        "check", folder, "-j", "CN", "--entity", "5493NOKNOWN000000001", "--unrecorded-holders", "ultimate"
    )
    company = cli.by_id(doc)["5493NOKNOWN000000001"]
    assert (result.exit_code, company["status"]) == (0, "possible")
    assert company["cascade_pct"] == {"low": 0.0, "high": 100.0}
