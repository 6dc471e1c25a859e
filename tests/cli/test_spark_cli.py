"""``exposure convert INPUT -o FOLDER/`` and ``exposure check/explain --engine spark``, through the real entry
point (the Spark runs in local mode, skipped only where Java is missing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest


def test_convert_writes_a_parquet_folder(cli: Any, tmp_path: Path) -> None:
    result = cli.run("convert", cli.cap_table, "-o", f"{tmp_path / 'folder'}/", "-q")
    assert result.exit_code == 0, result.output
    entities = pq.read_table(tmp_path / "folder" / "entities.parquet").to_pylist()
    holdings = pq.read_table(tmp_path / "folder" / "holdings.parquet").to_pylist()
    # 19 listed entities and the nominee named only in Holdings; the 28 holdings as read.
    assert len(entities) == 20 and len(holdings) == 28
    lanting = next(h for h in holdings if (h["holder"], h["subject"]) == ("LANTING-KY", "LANTING-HK"))
    assert lanting["percent_low"] == pytest.approx(60.0) and lanting["percent_high"] == pytest.approx(60.0)


def test_convert_writes_csv_with_format(cli: Any, tmp_path: Path) -> None:
    result = cli.run("convert", cli.cap_table, "-o", tmp_path / "folder", "--format", "csv", "-q")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "folder").iterdir()) == ["entities.csv", "holdings.csv"]


def test_convert_refuses_an_output_that_is_neither(cli: Any, tmp_path: Path) -> None:
    result = cli.run("convert", cli.cap_table, "-o", tmp_path / "out.txt")
    assert result.exit_code == 2
    assert "give a name ending in .xlsx, or a folder" in result.output
    result = cli.run("convert", cli.cap_table, "-o", tmp_path / "out.xlsx", "--format", "csv")
    assert result.exit_code == 2 and "writes a folder" in result.output
    assert not (tmp_path / "out.xlsx").exists()
