"""The columnar reader reads a UTF-8 file block by block and lets Arrow parse it from the file (issue 18): the
whole text is never held in memory beside its columns, and the checks made on the way (line ends, quotes,
text the row reader would tidy, the digest) see the file as one piece, wherever the blocks are cut."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from ownership.readers.cells.digest import combined_sha256
from ownership.readers.cells.fast_csv import parse as parse_module
from ownership.readers.cells.fast_csv.inline import read_holdings_csv_fast
from ownership.readers.cells.fast_csv.reader import read_folder_fast
from ownership.readers.cells.tables import DEFAULT_LIMITS
from tests.ownership.readers.cells.test_fast_csv import assert_same, write_folder
from tests.ownership.readers.cells.test_fast_csv_inline import assert_same_file

# Headers shorter than the smallest block below, so the header line is always in the first block.
ENTITIES = (
    "\ufeffid,name,jurisdiction\r\n"
    "A,Zürich Holding AG,CH\r\n"
    'B,"Beijing 北京, Ltd",CN\r\n'
    'D,"two\r\nlines",GB\r\n'
    "C,Ünal Çelik,TR\r\n"
)
HOLDINGS = 'holder,subject,percent\r\nA,B,60\r\nC,B,12.5\r\nD,A,"30"\r\n'
BLOCKS = (32, 33, 34, 35, 37, 41, 64)


@pytest.mark.parametrize("block", BLOCKS)
def test_any_block_size_reads_what_the_row_reader_reads(
    block: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Cuts fall inside multi-byte characters, between CR and LF, inside quoted cells.
    folder = write_folder(tmp_path / "g", ENTITIES, HOLDINGS)
    monkeypatch.setattr(parse_module, "_BLOCK", block)
    data = assert_same(folder, fast=True)
    assert data is not None
    assert [e.name for e in data.entities] == ["Zürich Holding AG", "Beijing 北京, Ltd", "two lines", "Ünal Çelik"]


def test_a_utf8_folder_is_never_read_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = write_folder(tmp_path / "g", ENTITIES, HOLDINGS)

    def refuse(self: Path) -> bytes:
        raise AssertionError(f"{self} read whole")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    data = read_folder_fast(folder, "g", DEFAULT_LIMITS)
    assert data is not None and len(data.entities) == 4 and len(data.holdings) == 3
    # The digest is still each file's SHA-256, as the row reader computes it.
    files = [(n, hashlib.sha256(_content(folder / n)).hexdigest()) for n in ("entities.csv", "holdings.csv")]
    assert data.source.sha256 == combined_sha256(files)


def _content(path: Path) -> bytes:
    with path.open("rb") as stream:
        return stream.read()


def test_a_single_holdings_csv_is_never_read_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "holdings.csv"
    path.write_text("holder,subject,percent,holder_jurisdiction\nA,B,60,CN\nC,B,40,GB\n", encoding="utf-8")
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"{self} read whole"))
    data = read_holdings_csv_fast(path, path.name, DEFAULT_LIMITS)
    assert data is not None and [e.id for e in data.entities] == ["A", "B", "C"]


@pytest.mark.parametrize("block", BLOCKS)
@pytest.mark.parametrize(
    "holdings",
    [
        "holder,subject,percent\nA,B,60\nC,B,1\u200b2\n",  # a zero-width space, after the first block
        "holder,subject,percent\nA,B,60\nC,B,12\nD,A,Cafe\u0301\n",  # not NFC: e + combining acute
        "holder,subject,percent\nA,B,60\nC,B,12\rD,A,1\n",  # a lone carriage return
    ],
)
def test_what_the_row_reader_tidies_is_found_in_any_block(
    block: int, holdings: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_folder(tmp_path / "g", ENTITIES, holdings)
    monkeypatch.setattr(parse_module, "_BLOCK", block)
    assert read_folder_fast(folder, "g", DEFAULT_LIMITS) is None


def test_text_in_another_encoding_is_still_decoded_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = write_folder(tmp_path / "g", ENTITIES.replace("\ufeff", "").encode("cp1252", "replace"), HOLDINGS)
    monkeypatch.setattr(parse_module, "_BLOCK", 40)
    data = assert_same(folder, fast=True)
    assert data is not None and [w.code for w in data.warnings] == ["encoding"]


def test_only_blank_rows_under_the_header_are_left_to_the_row_reader(tmp_path: Path) -> None:
    # The row reader refuses a file without data rows; the columnar reader used to read it as empty.
    path = tmp_path / "holdings.csv"
    path.write_bytes(b"holder,subject,percent\n,,\n")
    assert assert_same_file(path, fast=False) is None
    assert_same(write_folder(tmp_path / "g", "id,name\n,\n", HOLDINGS), fast=False)
