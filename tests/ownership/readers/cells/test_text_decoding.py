"""Text files decoded whole or refused (issue 16): no byte is replaced by a stand-in character behind the
user's back, UTF-32 is read by its mark, and CSV rows are numbered by record, as a spreadsheet shows them."""

from __future__ import annotations

from pathlib import Path

import pytest

from ownership.errors import InputError, Location
from ownership.readers import read_input
from ownership.readers.cells.decoding import decode_text
from ownership.readers.cells.tables import read_text_table

HEADER = "holder,holder_jurisdiction,subject,subject_jurisdiction,percent\n"


def error_of(path: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        read_input(path, display=path.name)
    return caught.value


def test_a_utf8_mark_over_latin1_bytes_keeps_two_names_apart(tmp_path: Path) -> None:
    # Decoded as UTF-8 with replacement, both names became 'M\ufffdller AG': one party holding 70% of T.
    # The header is 64 bytes and the mark 3, so the 'ü' of row 2 is byte 68.
    rows = "M\xfcller AG,CN,T,US,40\nM\xf6ller AG,DE,T,US,30\n"
    path = tmp_path / "h.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (HEADER + rows).encode("latin-1"))
    data = read_input(path, display="h.csv")
    assert sorted(e.name for e in data.entities if e.name and e.name.startswith("M")) == ["Möller AG", "Müller AG"]
    (warning,) = [w for w in data.warnings if w.code == "encoding"]
    assert warning.message.startswith(
        "starts with the UTF-8 byte-order mark but is not UTF-8 (byte 0xFC at offset 68, line 2): read as Windows-1252"
    )


def test_utf8_mixed_with_latin1_is_refused_with_the_offset(tmp_path: Path) -> None:
    # No single encoding reads both names: Windows-1252 would turn the UTF-8 'ü' into 'Ã¼'. The 'ö' is byte
    # 64 + 22 (row 2, 'ü' taking two bytes) + 1.
    path = tmp_path / "h.csv"
    path.write_bytes(
        HEADER.encode() + "Müller AG,CN,T,US,40\n".encode() + "M\xf6ller AG,DE,T,US,30\n".encode("latin-1")
    )
    error = error_of(path)
    assert error.where == Location("h.csv", row=3)
    assert error.reason.startswith("mixes encodings: parts of it are UTF-8, but byte 0xF6 at offset 87 (line 3)")


def test_a_byte_windows_1252_leaves_undefined_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_bytes(HEADER.encode() + b"M\x81ller AG,CN,T,US,40\n")
    error = error_of(path)
    assert error.where == Location("h.csv", row=2)
    assert "byte 0x81 at offset 65 (line 2) is not a character in Windows-1252" in error.reason


@pytest.mark.parametrize("encoding", ["utf-32", "utf-32-be", "utf-16"])
def test_utf16_and_utf32_are_read_by_their_mark(tmp_path: Path, encoding: str) -> None:
    # UTF-32's mark begins with UTF-16's: read as UTF-16, every other character was a NUL, and the country
    # came out as 'C\x00N\x00' (an unknown country, NUL bytes in the message).
    text = HEADER + "Müller AG,CN,T,US,60\n"
    data = text.encode(encoding)
    if encoding == "utf-32-be":
        data = b"\x00\x00\xfe\xff" + data
    path = tmp_path / "h.csv"
    path.write_bytes(data)
    read = read_input(path, display="h.csv")
    assert {(e.name, e.jurisdiction) for e in read.entities} == {("Müller AG", "CN"), ("T", "US")}
    assert not [w for w in read.warnings if w.code == "encoding"]


def test_damaged_utf32_is_refused_with_the_offset(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    # 4 bytes of mark, then 77 characters of 4 bytes each: the damage starts at byte 312.
    path.write_bytes((HEADER + "P,CN,T,US,60\n").encode("utf-32") + b"\xff\xff\xff\xff")
    error = error_of(path)
    assert error.reason.startswith("is damaged UTF-32 text: the bytes at offset 312 (line 3) are not a character")


def test_nul_characters_after_decoding_are_refused() -> None:
    with pytest.raises(InputError) as caught:
        decode_text(b"holder,subject\n" + "P\x00,S\n".encode("utf-16"), "h.csv")
    assert "holds a NUL character" in caught.value.reason


def test_rows_count_records_after_a_quoted_line_break(tmp_path: Path) -> None:
    # Line 4 of the file is its third record: spreadsheets and the error messages call it row 3.
    path = tmp_path / "h.csv"
    path.write_text('holder,subject,percent\nP,"S\nbis",10\nQ,S,lots\n', encoding="utf-8")
    table = read_text_table(path, "h.csv")
    assert [number for number, _ in table.rows] == [1, 2, 3]
    assert "h.csv, row 3, column C (percent): 'lots'" in error_of(path).one_line()


def test_an_unclosed_quote_is_reported_as_such(tmp_path: Path) -> None:
    # Was: "row 3 ... the subject is empty", the rest of the file having been read as one cell of row 2.
    path = tmp_path / "h.csv"
    path.write_text('holder,subject,percent\n"P,S,10\nQ,S,20\n', encoding="utf-8")
    error = error_of(path)
    assert error.where == Location("h.csv", row=2)
    assert error.reason.startswith("a quote opened in this row (line 2) is never closed")


def test_a_quoted_line_break_that_is_closed_is_read(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text('holder,subject,percent\nP,S,10\nQ,"S\nbis",20\n', encoding="utf-8")
    assert [[c.value for c in cells] for _, cells in read_text_table(path, "h.csv").rows][-1] == ["Q", "S\nbis", "20"]
