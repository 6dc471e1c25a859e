"""The canonical folder (entities and holdings as Parquet or CSV tables): typed columns, stakes in percent."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from ownership.model import Entity, EntityType, Holding, OwnershipData, Stake
from ownership.model.entities import CountryKind, SourceInfo
from ownership.writers.canonical_folder import ENTITY_COLUMNS, HOLDING_COLUMNS, write_canonical_folder
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
