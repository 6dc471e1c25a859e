"""Unpack limits scaled to the file and the machine (issue 16): which limit was hit, and how to raise it."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from ownership.errors import InputError
from ownership.readers.cells import budget, tables
from ownership.readers.cells.budget import DEFAULT_MAX_BYTES, megabytes, workbook_budget
from ownership.readers.cells.tables import DEFAULT_LIMITS, ReadLimits, read_text_table, read_workbook
from ownership.readers.cells.xlsx import fast as xlsx_fast
from tests.ownership.readers.cells.test_xlsx_hostile import far_cell_workbook

MB = 1024**2


def test_the_default_limit_prints_as_2048_mb_not_2147() -> None:
    assert DEFAULT_LIMITS.max_bytes == DEFAULT_MAX_BYTES == 2048 * MB
    assert megabytes(DEFAULT_MAX_BYTES) == "2,048 MB"
    assert megabytes(int(6.8 * MB)) == "6.8 MB"


def test_a_small_file_may_unpack_to_100_times_its_size_and_at_least_256_mb() -> None:
    # 6.8 MB may unpack to 680 MB (the 2,048 MB of the report is refused); 1 MB still gets the 256 MB floor.
    assert workbook_budget(68 * MB // 10, DEFAULT_MAX_BYTES, available=64 * 1024 * MB).reason.startswith(
        "680 MB, the most a 6.8 MB workbook justifies"
    )
    assert workbook_budget(MB, DEFAULT_MAX_BYTES, available=64 * 1024 * MB).max_bytes == 256 * MB
    # A 100 MB workbook: the default 2,048 MB decides, and says how to raise it.
    large = workbook_budget(100 * MB, DEFAULT_MAX_BYTES, available=64 * 1024 * MB)
    assert large.max_bytes == 2048 * MB
    assert large.reason == "the default limit of 2,048 MB; raise it with --max-input-mb"


def test_the_machine_memory_caps_the_default() -> None:
    # 2 GB available reads at most a quarter of it: 512 MB.
    found = workbook_budget(100 * MB, DEFAULT_MAX_BYTES, available=2048 * MB)
    assert found.max_bytes == 512 * MB
    assert found.reason.startswith("512 MB, the most this machine's 2,048 MB of available memory can read")


def test_a_limit_the_user_set_is_taken_as_is() -> None:
    found = workbook_budget(MB, 4000 * MB, available=1024 * MB)
    assert (found.max_bytes, found.reason) == (4000 * MB, "the limit of 4,000 MB set with --max-input-mb")


def test_a_zip_bomb_is_refused_naming_the_ratio_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(budget, "UNPACK_FLOOR", MB)  # so that a test-sized bomb passes the ratio
    path = far_cell_workbook(tmp_path / "bomb.xlsx", "B2")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("docProps/padding.xml", b" " * (8 * MB))  # deflates about 1,000 to 1
    assert path.stat().st_size < 20_000
    with pytest.raises(InputError) as caught:
        read_workbook(path, "bomb.xlsx")
    assert caught.value.reason.startswith("unpacks to 8.0 MB, more than 1.0 MB, the most a ")
    assert "genuine workbooks unpack to at most 100 times their size" in caught.value.reason
    assert "set a limit with --max-input-mb (any value given is taken as is)" in caught.value.reason
    # The user's own limit reads it.
    assert read_workbook(path, "bomb.xlsx", ReadLimits(max_bytes=9 * MB))


def test_running_out_of_memory_is_not_called_damage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def exhausted(*args: object, **kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr(xlsx_fast, "read_workbook_fast", exhausted)
    path = far_cell_workbook(tmp_path / "big.xlsx", "B2")
    with pytest.raises(InputError) as caught:
        read_workbook(path, "big.xlsx")
    assert caught.value.reason.startswith("ran out of memory while reading it")
    assert "damaged (" not in caught.value.reason
    monkeypatch.setattr(tables, "_has_formulas", exhausted)
    with pytest.raises(InputError) as caught:
        read_workbook(path, "big.xlsx", fast=False)
    assert caught.value.reason.startswith("ran out of memory while reading it")


def test_a_text_file_over_the_limit_names_it_in_mb(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_bytes(b"holder,subject,percent\n" + b"P,S,1\n" * 200_000)
    with pytest.raises(InputError) as caught:
        read_text_table(path, "h.csv", ReadLimits(max_bytes=MB))
    # 23 + 6 x 200,000 = 1,200,023 bytes: 1.1 MB of 1,048,576 bytes, the unit of --max-input-mb.
    assert caught.value.reason.startswith("is 1.1 MB, more than the limit of 1.0 MB; raise the limit")
