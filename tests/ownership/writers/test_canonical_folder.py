"""The canonical folder (entities and holdings as Parquet or CSV tables): typed columns, stakes in percent."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from ownership import read
from ownership.errors import InputError, Location
from ownership.model import Entity, EntityType, Holding, OwnershipData, Stake
from ownership.model.entities import CountryKind, SourceInfo
from ownership.model.tables import EntityTable, HoldingTable
from ownership.writers.canonical_folder import (
    ENTITY_COLUMNS,
    HOLDING_COLUMNS,
    canonical_tables,
    write_canonical_folder,
)
from ownership.writers.output import OutputError, ReadFile


def _data() -> OwnershipData:
    entities = (
        Entity("P", "Parent", EntityType.COMPANY, "CN", ultimate=True),
        Entity("Z", "Zhang", EntityType.PERSON, "GB", other_countries=(("UA", CountryKind.TAX_RESIDENCE),)),
    )
    holdings = (
        Holding("P", "T", Stake.between(0.5, 0.75, low_exclusive=True)),
        Holding("Z", "T", Stake.exact(0.1), start=date(2024, 1, 1)),
        Holding("P", "Q", None, control=True),
    )
    return OwnershipData(entities, holdings, source=SourceInfo("in.xlsx", "0" * 64, "workbook"))


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_tables_carry_the_decided_values(tmp_path: Path, fmt: str) -> None:
    entities_path, holdings_path = write_canonical_folder(_data(), tmp_path / "out", fmt)  # type: ignore[arg-type]

    def read(path: Path) -> pa.Table:
        if fmt == "parquet":
            return pq.read_table(path)
        # A blank CSV field is null (Spark reads it so too).
        return pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(strings_can_be_null=True))

    entities = read(entities_path).to_pylist()
    holdings = read(holdings_path).to_pylist()
    assert tuple(entities[0]) == ENTITY_COLUMNS and tuple(holdings[0]) == HOLDING_COLUMNS
    # T and Q are named only in holdings: listed, not declared, country unknown.
    assert [(e["id"], e["declared"], e["jurisdiction"]) for e in entities] == [
        ("P", True, "CN"),
        ("Z", True, "GB"),
        ("T", False, None),
        ("Q", False, None),
    ]
    assert entities[1]["other_countries"] == "UA (tax residence)"
    assert entities[0]["ultimate"] is True
    band = holdings[0]
    # The band's exclusive low end is already moved inward (by 0.0001 points), as the model holds it.
    assert band["percent_low"] == pytest.approx(50.0001, abs=1e-9) and band["percent_high"] == 75.0
    assert holdings[1]["start"] == date(2024, 1, 1) and holdings[1]["percent_low"] == pytest.approx(10.0)
    assert holdings[2]["percent_low"] is None and holdings[2]["control"] is True


def test_a_file_in_the_way_is_refused(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("not a folder")
    with pytest.raises(OutputError, match="is a file, not a folder"):
        write_canonical_folder(_data(), tmp_path / "out")


def test_never_over_a_file_the_run_reads(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "holdings.parquet").write_bytes(b"the input")
    with pytest.raises(OutputError):
        write_canonical_folder(_data(), folder, reads=[ReadFile("the input", folder / "holdings.parquet")])
    assert (folder / "holdings.parquet").read_bytes() == b"the input"


def _object_path(data: OwnershipData) -> tuple[pa.Table, pa.Table]:
    """The tables built from the model's objects, one per row (plain tuples take that path)."""
    plain = OwnershipData(tuple(data.entities), tuple(data.holdings), data.source, data.warnings)
    return canonical_tables(plain)


def _columns_only(data: OwnershipData) -> OwnershipData:
    """``data`` as a columnar reader hands it over: tables without their objects."""
    entities = EntityTable.of(data.entities)
    holdings = HoldingTable.of(data.holdings, entities)
    return OwnershipData(replace(entities, objects=None), replace(holdings, objects=None), data.source, data.warnings)


def _every_column() -> OwnershipData:
    entities = (
        Entity("P", "Parent", EntityType.COMPANY, "CN", "HK", ultimate=True, group="G1", source="filing 7"),
        Entity("Z", "", EntityType.PERSON, "GB", other_countries=(("UA", CountryKind.TAX_RESIDENCE),)),
        Entity("Y", "Yu", EntityType.UNKNOWN, where=Location("in.xlsx", "Entities", 4)),
        Entity("T", "T", declared=False, where=Location("in.xlsx", "Holdings", 0)),
        Entity(
            "Q",
            "Q Ltd",
            other_countries=(("US", CountryKind.NATIONALITY), ("FR", CountryKind.TAX_RESIDENCE)),
            where=Location("in.csv", None, 9),
        ),
    )
    holdings = (
        Holding("P", "T", Stake.between(0.5, 0.75, low_exclusive=True), votes=Stake.exact(0.6), source="note"),
        Holding("Z", "T", Stake.exact(0.1), start=date(2024, 1, 1), end=date(2030, 6, 30)),
        Holding("P", "Q", None, control=True, where=Location("in.xlsx", "Holdings", 3)),
        Holding("Y", "Q", Stake.exact(1 / 3), indirect=True, source=""),
    )
    return OwnershipData(entities, holdings, source=SourceInfo("dir/in.xlsx", "0" * 64, "workbook"))


def test_columns_give_the_tables_objects_give() -> None:
    data = _columns_only(_every_column())
    fast = canonical_tables(data)
    slow = _object_path(data)
    assert fast[0].to_pylist() == slow[0].to_pylist()
    assert fast[1].to_pylist() == slow[1].to_pylist()
    # Hand-checked values of the columns' path.
    entities = {e["id"]: e for e in fast[0].to_pylist()}
    assert entities["Z"]["name"] == "Z" and entities["Y"]["type"] is None
    # A table keeps an entity's other countries sorted (EntityTable.of), so both paths give them so.
    assert entities["Q"]["other_countries"] == "FR (tax residence); US (nationality)"
    assert entities["P"]["source"] == "filing 7" and entities["Y"]["source"] == "in.xlsx!Entities row 4"
    assert entities["T"]["source"] == "in.xlsx!Holdings" and entities["Z"]["source"] == "in.xlsx"
    holdings = fast[1].to_pylist()
    assert holdings[0]["votes_low"] == pytest.approx(60.0) and holdings[1]["votes_low"] is None
    assert holdings[1]["end"] == date(2030, 6, 30) and holdings[3]["indirect"] is True
    assert [h["source"] for h in holdings] == ["note", "in.xlsx", "in.xlsx!Holdings row 3", "in.xlsx"]


@pytest.mark.parametrize("name", ["extras", "fractions", "inline", "mixed", "quoted", "semicolon", "spaces"])
def test_files_read_as_columns_give_the_tables_objects_give(name: str) -> None:
    folder = Path(__file__).parents[2] / "fixtures" / "fast_csv" / name
    data = read(folder / "holdings.csv" if name == "inline" else folder)
    assert isinstance(data.holdings, HoldingTable) and data.holdings.objects is None
    fast = canonical_tables(data)
    slow = _object_path(data)
    assert fast[0].to_pylist() == slow[0].to_pylist()
    assert fast[1].to_pylist() == slow[1].to_pylist()


def test_ids_a_workbook_would_merge_are_refused_as_before() -> None:
    entities = (Entity("A B", "one"), Entity("A  B", "two"), Entity("C", "three"))
    data = _columns_only(OwnershipData(entities, (Holding("A B", "C", Stake.exact(0.5)),), SourceInfo("x", "", "t")))
    with pytest.raises(InputError, match="'A B' and 'A  B' differ only in spaces"):
        canonical_tables(data)
    spaced = (Entity(" D", "d"), Entity("C", "c"))
    fine = _columns_only(OwnershipData(spaced, (Holding(" D", "C", Stake.exact(0.5)),), SourceInfo("x", "", "t")))
    assert canonical_tables(fine)[0].column("id").to_pylist() == [" D", "C"]
