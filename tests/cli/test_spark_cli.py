"""``exposure convert INPUT -o FOLDER/`` and ``exposure check/explain --engine spark``, through the real entry
point (the Spark runs in local mode, skipped only where Java is missing). The ``spark`` fixture is the one
local session of ``tests/conftest.py``, which ``--engine spark`` without ``--spark-master`` takes; this
module runs on the xdist worker that runs the engine's equivalence tests (``SPARK_TESTS`` there)."""

from __future__ import annotations

from collections.abc import Iterator
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


def test_spark_options_need_the_spark_engine(cli: Any) -> None:
    result = cli.run("check", cli.cap_table, "-j", "CN", "--spark-master", "local[2]")
    assert result.exit_code == 2 and "apply with --engine spark only" in result.output


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("s3a:/bucket/data", "s3a://bucket/data"),
        ("hdfs:/namenode:8020/x", "hdfs://namenode:8020/x"),
        ("file:/tmp/data", "file:///tmp/data"),
        ("/tmp/data", "/tmp/data"),
        ("data/folder", "data/folder"),
    ],
)
def test_uris_keep_their_slashes(given: str, expected: str) -> None:
    from cli.spark import data_uri

    # A path argument folds "s3a://" into "s3a:/"; Spark needs the scheme as written.
    assert data_uri(Path(given)) == expected


@pytest.fixture(scope="module")
def sample_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from typer.testing import CliRunner

    from cli.app import app

    folder = tmp_path_factory.mktemp("spark") / "sample"
    sample = Path(__file__).resolve().parents[2] / "data" / "samples" / "cap_table.xlsx"
    result = CliRunner().invoke(app, ["convert", str(sample), "-o", f"{folder}/", "-q"])
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture
def codegen(spark: Any) -> Iterator[None]:
    """Spark's whole-stage code generation on, as a session has it by default (the shared test session turns it
    off: see tests/conftest.py), for the length of one test."""
    before = spark.conf.get("spark.sql.codegen.wholeStage")
    spark.conf.set("spark.sql.codegen.wholeStage", "true")
    yield
    spark.conf.set("spark.sql.codegen.wholeStage", before)


@pytest.mark.usefixtures("codegen")
def test_check_on_spark_matches_the_sample(cli: Any, spark: Any, sample_folder: Path, tmp_path: Path) -> None:
    import json

    out = tmp_path / "out"
    result = cli.run("check", sample_folder, "-j", "CN", "--engine", "spark", "-o", out, "--as-of", "2026-11-24")
    # The sample is flagged (README): exit 1, as the in-memory check.
    assert result.exit_code == 1, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["schema"] == "exposure.check/1" and summary["engine"] == "spark"
    memory = cli.run("check", cli.cap_table, "-j", "CN", "--format", "json", "--as-of", "2026-11-24")
    expected = json.loads(memory.stdout)["summary"]
    assert {k: summary["summary"][k] for k in ("entities", "home", "flagged", "possible", "clear", "verdict")} == {
        k: expected[k] for k in ("entities", "home", "flagged", "possible", "clear", "verdict")
    }
    table = {r["id"]: r for r in pq.read_table(out / "entities").to_pylist()}
    assert table["HELIO-SG"]["status"] == "flagged"
    assert (table["HELIO-SG"]["cascade_low_pct"], table["HELIO-SG"]["cascade_high_pct"]) == (56.0, 64.0)
    assert table["HELIO-SG"]["lookthrough_low_pct"] == pytest.approx(100 * 0.36 / 0.972, abs=1e-6)
    # Nothing already there is replaced: a second run into the same folder stops.
    again = cli.run("check", sample_folder, "-j", "CN", "--engine", "spark", "-o", out)
    assert again.exit_code == 2 and "nothing is replaced" in again.output


def test_each_party_alone_on_spark_as_in_memory(cli: Any, spark: Any, sample_folder: Path, tmp_path: Path) -> None:
    import csv
    import io
    import json

    # The uk profile assesses each party alone, which Spark answers by whole components (it once refused it).
    out = tmp_path / "uk"
    args = ("-j", "CN", "--profile", "uk", "--as-of", "2026-11-24")
    result = cli.run("check", sample_folder, *args, "--engine", "spark", "-o", out)
    memory = cli.run("check", cli.cap_table, *args, "--format", "csv")
    assert result.exit_code == memory.exit_code, result.output
    table = {r["id"]: r for r in pq.read_table(out / "entities").to_pylist()}
    expected = {r["id"]: r for r in csv.DictReader(io.StringIO(memory.stdout))}
    assert table.keys() == expected.keys()
    for i, row in expected.items():
        assert table[i]["status"] == row["status"], i
        for f in ("cascade_low_pct", "cascade_high_pct", "lookthrough_low_pct", "lookthrough_high_pct"):
            assert table[i][f] == pytest.approx(float(row[f]), abs=2e-6), (i, f)  # both rounded to 6 decimals
    summary = json.loads((out / "summary.json").read_text())
    assert summary["policy"]["aggregate"] is False and summary["phases"]["components"] >= 1


def test_explain_on_spark_gives_the_memory_explanation(cli: Any, spark: Any, sample_folder: Path) -> None:
    import json

    args = ("HELIO-SG", "-j", "CN", "--format", "json", "--as-of", "2026-11-24")
    on_spark = cli.run("explain", sample_folder, *args, "--engine", "spark")
    in_memory = cli.run("explain", cli.cap_table, *args)
    assert on_spark.exit_code == in_memory.exit_code == 1, on_spark.output
    spark_doc, memory_doc = json.loads(on_spark.stdout), json.loads(in_memory.stdout)
    for key in ("status", "cascade_pct", "lookthrough_pct"):
        assert spark_doc["entity"][key] == memory_doc["entity"][key]


def test_several_profiles_on_spark_side_by_side(cli: Any, spark: Any, sample_folder: Path, tmp_path: Path) -> None:
    import csv
    import io
    import json

    out = tmp_path / "two"
    args = ("-j", "CN", "--profile", "ofac", "--profile", "eu", "--as-of", "2026-11-24")
    result = cli.run("check", sample_folder, *args, "--engine", "spark", "-o", out)
    memory = cli.run("check", cli.cap_table, *args, "--format", "csv")
    assert result.exit_code == memory.exit_code == 1, result.output
    table = {r["id"]: r for r in pq.read_table(out / "entities").to_pylist()}
    expected = {r["id"]: r for r in csv.DictReader(io.StringIO(memory.stdout))}
    assert table.keys() == expected.keys()
    for i, row in expected.items():
        assert (table[i]["status_ofac"], table[i]["status_eu"]) == (row["status_ofac"], row["status_eu"]), i
    summary = json.loads((out / "summary.json").read_text())
    assert [p["name"] for p in summary["profiles"]] == ["ofac", "eu"]
    assert summary["disagreements_count"] == 0 and summary["exit_code"] == 1


def test_an_output_folder_with_a_table_is_refused_before_the_check_runs(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ownership.spark.rules

    def never(*_: object) -> None:
        raise AssertionError("the check ran before the output folder was looked at")

    monkeypatch.setattr(ownership.spark.rules, "spark_check_rules", never)
    (tmp_path / "data").mkdir()
    (tmp_path / "out" / "entities").mkdir(parents=True)
    result = cli.run("check", tmp_path / "data", "-j", "CN", "--engine", "spark", "-o", tmp_path / "out")
    assert result.exit_code == 2 and "nothing is replaced" in result.output
