"""The benchmark's cases for issue 18: the registry with every field quoted, and as one holdings CSV declaring
its parties; both must read to the same parties, holdings and statuses as the plain folder."""

from __future__ import annotations

import csv
from pathlib import Path

from bench.cases import Case
from bench.generate import build, write
from ownership.model import Policy
from ownership.pipeline import check
from ownership.readers import read_input


def test_case_names_and_inputs() -> None:
    assert Case("registry-quoted", 2_000_000).name == "registry-2M-quoted"
    assert Case("holdings-csv", 2_000_000).name == "holdings-csv-2M"
    assert (Case("holdings-csv", 10).is_folder, Case("holdings-csv", 10).suffix) == (False, ".csv")
    assert (Case("registry-quoted", 10).is_folder, Case("registry-quoted", 10).suffix) == (True, "")


def test_quoted_folder_and_holdings_csv_read_as_the_plain_folder(tmp_path: Path) -> None:
    dataset = build("registry", 400, seed=3)
    plain = read_input(write("registry", dataset, tmp_path / "plain"), display="g")
    quoted_folder = write("registry-quoted", dataset, tmp_path / "quoted")
    with (quoted_folder / "holdings.csv").open(encoding="utf-8", newline="") as handle:
        assert next(csv.reader(handle)) == ["holder", "subject", "percent"]
    assert (quoted_folder / "holdings.csv").read_text(encoding="utf-8").startswith('"holder","subject","percent"\n')
    quoted = read_input(quoted_folder, display="g")
    single = read_input(write("holdings-csv", dataset, tmp_path / "h.csv"))
    assert tuple(quoted.entities) == tuple(plain.entities)
    assert tuple(quoted.holdings) == tuple(plain.holdings)
    # The single file names only parties that hold or are held, in order of first mention.
    held = {h.holder for h in plain.holdings} | {h.subject for h in plain.holdings}
    assert {e.id for e in single.entities} == held
    key = {e.id: (e.name, e.type, e.jurisdiction, e.headquarters) for e in plain.entities}
    assert all(key[e.id] == (e.name, e.type, e.jurisdiction, e.headquarters) for e in single.entities)
    policy = Policy(frozenset({"CN"}))
    statuses = {v.entity.id: v.status for v in check(plain, policy).verdicts if v.entity.id in held}
    assert {v.entity.id: v.status for v in check(single, policy).verdicts} == statuses
