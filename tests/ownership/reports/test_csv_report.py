"""The bulk CSV report: written batch by batch it is the same file, and the formula check reads the right byte."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ownership.model import Entity, EntityType, Holding, OwnershipData, Policy, SourceInfo, Stake
from ownership.pipeline import check
from ownership.reports import csv_report
from ownership.reports.csv_report import _suspect_rows, render_csv, report_batches, write_csv


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=4), max_size=12), st.integers(0, 5), st.integers(0, 12))
def test_suspect_rows_are_those_the_regex_finds(values: list[str], start: int, length: int) -> None:
    # Sliced arrays too: their offsets point into a shared buffer.
    column = pa.array(values, type=pa.string()).slice(start, length)
    expected = np.flatnonzero(pc.invert(pc.match_substring_regex(column, "^([A-Za-z0-9]|$)")).to_numpy(False))
    found = _suspect_rows(column)
    assert found is not None
    assert found.tolist() == expected.tolist()


def test_columns_with_nulls_are_left_to_the_regex() -> None:
    assert _suspect_rows(pa.array(["a", None], type=pa.string())) is None


SOURCE = SourceInfo(path="csv-report-test", sha256="0" * 64, format="test")
POLICY = Policy(jurisdictions=frozenset({"CN"}), as_of=date(2025, 1, 1))


def _registry(size: int = 40) -> OwnershipData:
    # A chain of companies below one CN holder, stakes varying so that statuses differ; every seventh
    # name looks like a spreadsheet formula.
    ids = ["P"] + [f"C{k}" for k in range(size)]
    entities = tuple(
        Entity(
            i,
            f"=HYPERLINK({i})" if k % 7 == 3 else f"{i} Ltd",
            EntityType.COMPANY,
            jurisdiction="CN" if k == 0 else "US",
        )
        for k, i in enumerate(ids)
    )
    holdings = tuple(
        Holding(ids[k], ids[k + 1], Stake.exact(0.6 if k == 0 else 0.4 + (k % 5) / 10)) for k in range(size)
    )
    return OwnershipData(entities=entities, holdings=holdings, source=SOURCE)


def test_written_in_batches_it_is_the_same_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = _registry()
    whole = render_csv(check(data, POLICY))
    monkeypatch.setattr(csv_report, "_BATCH_ROWS", 7)
    out = tmp_path / "report.csv"
    write_csv(check(data, POLICY), out)
    assert out.read_text(encoding="utf-8") == whole
    assert "'=HYPERLINK(" in whole


def test_batches_cover_every_entity_once_in_report_order() -> None:
    result = check(_registry(), POLICY)
    batches = list(report_batches(result, inert=False, rows=6))
    assert [b.num_rows for b in batches] == [6] * 6 + [5]
    ids = [i for b in batches for i in b.column("id").to_pylist()]
    assert ids == [v.entity.id for v in result.ordered()]
    assert len({v.status for v in result.verdicts}) > 1


def test_no_entities_still_gives_the_columns() -> None:
    result = check(OwnershipData(entities=(), holdings=(), source=SOURCE), POLICY)
    batches = list(report_batches(result, inert=True, rows=10))
    assert len(batches) == 1 and batches[0].num_rows == 0
    assert batches[0].schema.names == csv_report.COLUMNS
