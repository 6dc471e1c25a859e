"""A column of plain numbers all at most 1 (0.55, 0.45) may be points or fractions: the gate must not pass
it as clear (hand-made: a Beijing fund holds '0.55' of the vendor, a US fund '0.45')."""

from __future__ import annotations

import json
from pathlib import Path


def test_an_ambiguous_fraction_column_is_possible_and_fails_a_strict_gate(tmp_path: Path, cli) -> None:
    path = cli.write_holdings_csv(
        tmp_path,
        [
            ("Beijing Fund", "CN", "Vendor Ltd", "SG", "0.55"),
            ("Boston Fund", "US", "Vendor Ltd", "SG", "0.45"),
        ],
    )
    result = cli.run("check", path, "-j", "CN", "--format", "json", "--entity", "Vendor Ltd")
    doc = json.loads(result.stdout)
    vendor = next(e for e in doc["entities"] if e["id"] == "Vendor Ltd")
    # 0.55 read as points is 0.55%, as a fraction 55% (> 50%): possible. The high bound is 99.55%: read as
    # points only 1% of the vendor is allocated, and the unallocated 99% may be Chinese too.
    assert vendor["status"] == "possible"
    assert (vendor["cascade_pct"]["low"], vendor["cascade_pct"]["high"]) == (0.55, 99.55)
    assert "fraction_scale" in {w["code"] for w in doc["warnings"]}
    assert result.exit_code == 0
    strict = cli.run("check", path, "-j", "CN", "--entity", "Vendor Ltd", "--fail-on", "possible", "-q")
    assert strict.exit_code == 1
