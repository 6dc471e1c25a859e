"""read_input: choosing the reader from the path (workbook, holdings CSV, folder), sheets, and file-level errors."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from ownership.errors import InputError, Location
from ownership.model import OwnershipData, Stake
from ownership.readers import read_input
from ownership.readers.cells.tables import ReadLayout, ReadLimits

SAMPLES = Path(__file__).resolve().parents[3] / "data" / "samples"

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

ENTITIES = [
    ["ID", "Name", "Jurisdiction"],
    ["A", "Alpha Ltd", "CN"],
    ["B", "Beta Ltd", "GB"],
]
HOLDINGS = [
    ["Holder", "Subject", "Percent"],
    ["A", "B", 60],
]


def read(path: Path) -> OwnershipData:
    return read_input(path, display=path.name)


def codes(data: OwnershipData) -> list[str]:
    return [w.code for w in data.warnings]


def error_of(path: Path, display: str | None = None) -> InputError:
    with pytest.raises(InputError) as info:
        read_input(path, display=display if display is not None else path.name)
    return info.value


def stakes(data: OwnershipData) -> dict[tuple[str, str], Stake | None]:
    return {(h.holder, h.subject): h.stake for h in data.holdings}


# ---------------------------------------------------------------------------------------------------------
# Dispatch
# ---------------------------------------------------------------------------------------------------------


def test_xlsx_workbook_is_read_as_workbook(xlsx) -> None:
    path = xlsx({"Entities": ENTITIES, "Holdings": HOLDINGS}, name="cap.xlsx")
    data = read(path)
    assert data.source.format == "workbook"
    assert data.source.path == "cap.xlsx"
    assert data.source.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert [e.id for e in data.entities] == ["A", "B"]
    assert stakes(data) == {("A", "B"): Stake(0.6, 0.6)}
    assert data.warnings == ()


def test_display_defaults_to_the_path_as_given(tmp_path: Path) -> None:
    path = tmp_path / "missing.xlsx"
    with pytest.raises(InputError) as info:
        read_input(path)
    assert info.value.one_line() == f"{path}: no such file or folder"


def test_upper_case_extension_is_a_workbook(xlsx) -> None:
    path = xlsx({"Entities": ENTITIES, "Holdings": HOLDINGS}, name="CAP.XLSX")
    assert read(path).source.format == "workbook"


@pytest.mark.parametrize("name", ["cap.dat", "cap", "cap.csv"])
def test_workbook_is_recognised_by_its_zip_signature_whatever_the_extension(xlsx, tmp_path: Path, name: str) -> None:
    source = xlsx({"Entities": ENTITIES, "Holdings": HOLDINGS}, name="original.xlsx")
    path = tmp_path / name
    path.write_bytes(source.read_bytes())
    data = read(path)
    assert data.source.format == "workbook"
    assert stakes(data) == {("A", "B"): Stake(0.6, 0.6)}


def test_holdings_csv_is_read_as_holdings_csv(text_file) -> None:
    path = text_file("holder,subject,percent\nA,B,60\n", name="h.csv")
    data = read(path)
    assert data.source.format == "holdings-csv"
    assert data.source.path == "h.csv"
    assert data.source.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert [e.id for e in data.entities] == ["A", "B"]
    assert stakes(data) == {("A", "B"): Stake(0.6, 0.6)}
    assert data.holdings[0].where == Location("h.csv", None, 2)


def test_text_file_with_another_extension_is_read_as_csv(text_file) -> None:
    path = text_file("holder\tsubject\tpercent\nA\tB\t60\n", name="holdings.txt")
    data = read(path)
    assert data.source.format == "holdings-csv"
    assert stakes(data) == {("A", "B"): Stake(0.6, 0.6)}


def test_folder_with_entities_and_holdings(text_file, tmp_path: Path) -> None:
    text_file("id,name,jurisdiction\nA,Alpha,CN\nB,Beta,GB\n", name="group/entities.csv")
    text_file("holder,subject,percent\nA,B,60\nA,C,10\n", name="group/holdings.csv")
    folder = tmp_path / "group"
    data = read_input(folder, display="group/")
    assert data.source.format == "folder"
    assert data.source.path == "group/"
    assert len(data.source.sha256) == 64
    assert [(e.id, e.name, e.jurisdiction, e.declared) for e in data.entities] == [
        ("A", "Alpha", "CN", True),
        ("B", "Beta", "GB", True),
        ("C", "C", None, False),
    ]
    assert stakes(data) == {("A", "B"): Stake(0.6, 0.6), ("A", "C"): Stake(0.1, 0.1)}
    assert codes(data) == ["unknown_reference"]
    warning = data.warnings[0]
    assert warning.where == Location("group/holdings.csv", None, 3, 2, "subject")
    assert "'C' is not in group/entities.csv" in warning.message


def test_folder_file_names_are_case_insensitive(text_file, tmp_path: Path) -> None:
    text_file("ID,Jurisdiction\nA,CN\nB,GB\n", name="g/Entities.CSV")
    text_file("Holder,Subject,Percent\nA,B,60\n", name="g/HOLDINGS.csv")
    data = read_input(tmp_path / "g", display="g")
    assert [e.jurisdiction for e in data.entities] == ["CN", "GB"]
    assert data.warnings == ()


def test_folder_without_entities_csv_warns(text_file, tmp_path: Path) -> None:
    text_file("holder,subject,percent\nA,B,60\n", name="g/holdings.csv")
    data = read_input(tmp_path / "g", display="g")
    assert codes(data) == ["no_entities_sheet"]
    assert data.warnings[0].where == Location("g")
    assert [e.id for e in data.entities] == ["A", "B"]


def test_folder_errors_name_the_file_inside_the_folder(text_file, tmp_path: Path) -> None:
    text_file("id\nA\nB\n", name="g/entities.csv")
    text_file("holder,subject,percent\nA,B,60\nA,B,lots\n", name="g/holdings.csv")
    error = error_of(tmp_path / "g", display="g")
    assert error.one_line().startswith("g/holdings.csv, row 3, column C (percent): 'lots' is not a percentage")


def test_folder_without_holdings_csv(text_file, tmp_path: Path) -> None:
    text_file("id\nA\n", name="g/entities.csv")
    error = error_of(tmp_path / "g", display="g")
    assert error.one_line() == "g: is a folder without holdings.csv (expected entities.csv and holdings.csv)"


def test_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "g").mkdir()
    assert "folder without holdings.csv" in error_of(tmp_path / "g", display="g").one_line()


# ---------------------------------------------------------------------------------------------------------
# File-level errors
# ---------------------------------------------------------------------------------------------------------


def test_file_not_found(tmp_path: Path) -> None:
    error = error_of(tmp_path / "nope.xlsx", display="nope.xlsx")
    assert error.one_line() == "nope.xlsx: no such file or folder"
    assert error.where == Location("nope.xlsx")


@pytest.mark.parametrize("name", ["empty.csv", "empty.xlsx", "empty.xls", "empty"])
def test_zero_byte_file(text_file, name: str) -> None:
    path = text_file(b"", name=name)
    assert error_of(path).one_line() == f"{name}: is empty (0 bytes)"


@pytest.mark.parametrize("content", [b" ", b"\n\n", b"  \r\n\t\r\n"])
def test_blank_text_file_is_empty(text_file, content: bytes) -> None:
    path = text_file(content, name="h.csv")
    assert error_of(path).one_line() == "h.csv: is empty"


def test_csv_with_header_only(text_file) -> None:
    path = text_file("holder,subject,percent\n", name="h.csv")
    assert error_of(path).one_line() == "h.csv: has a header but no holdings"


@pytest.mark.parametrize("content", [b"anything at all", OLE_MAGIC + b"\0" * 600])
def test_xls_extension_is_refused_with_advice(text_file, content: bytes) -> None:
    path = text_file(content, name="old.xls")
    line = error_of(path).one_line()
    assert line.startswith("old.xls: is an old-style .xls workbook")
    assert "save it as .xlsx" in line


@pytest.mark.parametrize("name", ["data.csv", "data.bin", "data"])
def test_ole_signature_is_refused_whatever_the_extension(text_file, name: str) -> None:
    path = text_file(OLE_MAGIC + b"\0" * 600, name=name)
    line = error_of(path).one_line()
    assert line.startswith(f"{name}: is an old-style .xls workbook or a password-protected one")


def test_ole_signature_with_xlsx_extension_says_old_style_or_password_protected(text_file) -> None:
    # A password-protected .xlsx is an OLE container: the signature, not the extension, says what it is.
    path = text_file(OLE_MAGIC + b"\0" * 600, name="locked.xlsx")
    line = error_of(path).one_line()
    assert line.startswith("locked.xlsx: ")
    assert "password-protected" in line


def test_xlsx_extension_on_text_is_an_input_error(text_file) -> None:
    path = text_file("holder,subject,percent\nA,B,60\n", name="fake.xlsx")
    line = error_of(path).one_line()
    assert line.startswith("fake.xlsx: is text (CSV), not an xlsx workbook, despite its name; rename it to .csv")


def test_zip_that_is_not_a_workbook_is_an_input_error(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    assert error_of(path).one_line().startswith("archive.xlsx: cannot be read as an xlsx workbook")


def test_truncated_zip_is_an_input_error(xlsx, tmp_path: Path) -> None:
    source = xlsx({"Holdings": HOLDINGS}, name="whole.xlsx")
    path = tmp_path / "broken.xlsx"
    path.write_bytes(source.read_bytes()[:200])
    line = error_of(path).one_line()
    assert line.startswith("broken.xlsx: cannot be read as an xlsx workbook")


# ---------------------------------------------------------------------------------------------------------
# Text encodings and delimiters
# ---------------------------------------------------------------------------------------------------------


def test_csv_with_utf8_bom(text_file) -> None:
    path = text_file(b"\xef\xbb\xbfholder,subject,percent\r\nA,B,60\r\n", name="h.csv")
    data = read(path)
    assert [e.id for e in data.entities] == ["A", "B"]
    assert stakes(data) == {("A", "B"): Stake(0.6, 0.6)}
    assert data.holdings[0].where is not None
    assert data.holdings[0].where.row == 2


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_csv_in_utf16_with_bom(text_file, encoding: str) -> None:
    text = "holder\tsubject\tpercent\n字节跳动\tB\t60\n"
    content = text.encode(encoding) if encoding == "utf-16" else ("\ufeff" + text).encode(encoding)
    data = read(text_file(content, name="h.txt"))
    assert [e.id for e in data.entities] == ["字节跳动", "B"]
    assert stakes(data) == {("字节跳动", "B"): Stake(0.6, 0.6)}


def test_semicolon_delimiter_with_decimal_commas(text_file) -> None:
    path = text_file("holder;subject;percent\nA;B;12,5%\nC;B;87,5\n", name="h.csv")
    data = read(path)
    assert stakes(data) == {("A", "B"): Stake(0.125, 0.125), ("C", "B"): Stake(0.875, 0.875)}


def test_tab_delimiter(text_file) -> None:
    path = text_file("holder\tsubject\tpercent\nAcme, Inc\tB\t40\nC\tB\t60\n", name="h.tsv")
    data = read(path)
    assert stakes(data) == {("Acme, Inc", "B"): Stake(0.4, 0.4), ("C", "B"): Stake(0.6, 0.6)}


def test_pipe_delimiter(text_file) -> None:
    path = text_file("holder|subject|percent\nA|B|40\n", name="h.txt")
    assert stakes(read(path)) == {("A", "B"): Stake(0.4, 0.4)}


def test_quoted_commas_in_comma_csv(text_file) -> None:
    path = text_file('holder,subject,percent\n"Acme, Inc",B,40\n', name="h.csv")
    assert stakes(read(path)) == {("Acme, Inc", "B"): Stake(0.4, 0.4)}


def test_semicolons_inside_comma_separated_fields(text_file) -> None:
    path = text_file("holder,subject,percent,source\nA,B,50,note; see p. 3\nC,B,50,x; y\n", name="h.csv")
    data = read(path)
    assert [(h.holder, h.source) for h in data.holdings] == [("A", "note; see p. 3"), ("C", "x; y")]


def test_commas_inside_semicolon_separated_fields(text_file) -> None:
    path = text_file("holder;subject;percent;source\nA;B;50;Smith, Jones and Co, p. 3\nC;B;50;a, b\n", name="h.csv")
    data = read(path)
    assert [(h.holder, h.stake, h.source) for h in data.holdings] == [
        ("A", Stake(0.5, 0.5), "Smith, Jones and Co, p. 3"),
        ("C", Stake(0.5, 0.5), "a, b"),
    ]


def test_windows_1252_text_is_read_with_an_encoding_warning(text_file) -> None:
    # Excel on Western Windows saves "CSV" as Windows-1252: read it, and say so.
    path = text_file(b"holder,subject,percent\nA,B,40\nM\xfcller GmbH,B,20\n", name="h.csv")
    data = read_input(path, "h.csv")
    assert "Müller GmbH" in {e.id for e in data.entities}
    [warning] = [w for w in data.warnings if w.code == "encoding"]
    assert "Windows-1252" in warning.message and "CSV UTF-8" in warning.message


def test_gb18030_text_is_read_with_an_encoding_warning(text_file) -> None:
    # What Chinese Excel exports.
    text = "holder,subject,percent\n字节跳动,B,40\n"
    path = text_file(text.encode("gb18030"), name="h.csv")
    data = read_input(path, "h.csv")
    assert "字节跳动" in {e.id for e in data.entities}
    assert any(w.code == "encoding" and "GB18030" in w.message for w in data.warnings)


def test_blank_lines_keep_real_line_numbers(text_file) -> None:
    path = text_file("holder,subject,percent\n\nA,B,40\n\nC,B,bad\n", name="h.csv")
    assert error_of(path).one_line().startswith("h.csv, row 5, column C (percent): 'bad' is not a percentage")


# ---------------------------------------------------------------------------------------------------------
# Sheets of a workbook
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entities_name", "holdings_name"),
    [
        ("Entities", "Holdings"),
        ("ENTITIES", "holdings"),
        ("entity list", "Cap Table"),
        ("Parties", "Share-Holdings"),
        ("companies", "ownership"),
        ("Entity", "Owners"),
    ],
)
def test_sheet_names_are_matched_loosely(xlsx, entities_name: str, holdings_name: str) -> None:
    path = xlsx({"Notes": [], entities_name: ENTITIES, holdings_name: HOLDINGS})
    data = read(path)
    assert [e.jurisdiction for e in data.entities] == ["CN", "GB"]
    assert data.warnings == ()


def test_extra_sheet_with_data_is_ignored_with_a_warning_when_lenient(xlsx) -> None:
    path = xlsx({"Entities": ENTITIES, "Holdings": HOLDINGS, "Notes": [["prepared by", "me"]], "Blank": []})
    data = read_input(path, display=path.name, limits=ReadLimits(layout=ReadLayout(lenient=True)))
    assert codes(data) == ["ignored_sheet"]
    warning = data.warnings[0]
    assert "'Notes'" in warning.message
    assert warning.where == Location("book.xlsx", "Notes")
    assert len(data.holdings) == 1


def test_single_data_sheet_is_the_holdings_sheet(xlsx) -> None:
    path = xlsx({"Entities": ENTITIES, "Sheet1": HOLDINGS, "Empty": []})
    data = read(path)
    assert stakes(data) == {("A", "B"): Stake(0.6, 0.6)}
    assert data.holdings[0].where == Location("book.xlsx", "Sheet1", 2)
    assert data.warnings == ()


def test_workbook_of_one_unnamed_sheet_warns_about_missing_entities(xlsx) -> None:
    path = xlsx({"Sheet1": HOLDINGS})
    data = read(path)
    assert codes(data) == ["no_entities_sheet"]
    assert data.warnings[0].where == Location("book.xlsx")
    assert [(e.id, e.jurisdiction) for e in data.entities] == [("A", None), ("B", None)]


def test_no_entities_sheet_warns(xlsx) -> None:
    data = read(xlsx({"Holdings": HOLDINGS}))
    assert codes(data) == ["no_entities_sheet"]
    assert all(e.jurisdiction is None and e.headquarters is None for e in data.entities)


def test_two_candidate_sheets_and_no_holdings_sheet_is_an_error(xlsx) -> None:
    path = xlsx({"Entities": ENTITIES, "Q1": HOLDINGS, "Q2": HOLDINGS})
    line = error_of(path).one_line()
    assert line.startswith("book.xlsx: sheets 'Q1' and 'Q2' both hold holder columns and none is named 'Holdings'")


def test_empty_holdings_sheet_is_an_error(xlsx) -> None:
    path = xlsx({"Entities": ENTITIES, "Holdings": []})
    assert error_of(path).one_line() == "book.xlsx, sheet 'Holdings': the Holdings sheet is empty"


def test_entities_without_holdings_rows_is_allowed(xlsx) -> None:
    data = read(xlsx({"Entities": ENTITIES, "Holdings": [["Holder", "Subject", "Percent"]]}))
    assert [e.id for e in data.entities] == ["A", "B"]
    assert data.holdings == ()


# ---------------------------------------------------------------------------------------------------------
# The shipped samples
# ---------------------------------------------------------------------------------------------------------


def test_sample_cap_table() -> None:
    data = read(SAMPLES / "cap_table.xlsx")
    assert data.source.format == "workbook"
    assert len(data.entities) == 20
    assert len(data.holdings) == 28
    assert codes(data) == ["unknown_reference"]
    warning = data.warnings[0]
    assert "Vantage Nominees Ltd" in warning.message
    assert warning.where is not None
    assert (warning.where.sheet, warning.where.column) == ("Holdings", 1)

    by_id = {e.id: e for e in data.entities}
    assert by_id["Vantage Nominees Ltd"].declared is False
    assert by_id["Vantage Nominees Ltd"].jurisdiction is None
    assert by_id["LI-NA"].jurisdiction == "CN"
    assert by_id["LANTING-KY"].jurisdiction == "KY"
    assert by_id["LANTING-KY"].headquarters == "CN"
    assert by_id["LANTING-HK"].jurisdiction == "HK"
    assert by_id["BRIGHTWATER"].jurisdiction == "US"
    assert by_id["HELIO-JP"].shares_outstanding == 10000
    assert by_id["REDPEAK"].name == "Red Peak Venture Fund III (红峰创业投资基金)"

    held = {(h.holder, h.subject): h for h in data.holdings}
    assert held[("ZHANG-WEI", "LANTING-KY")].stake == Stake(0.42, 0.42)
    assert held[("HELIO-SG", "HELIO-JP")].stake == Stake(0.7, 0.7)
    assert held[("MERIDIAN", "HELIO-JP")].stake == Stake(0.3, 0.3)
    orchid = held[("ORCHID", "HELIO-SG")].stake
    assert orchid is not None
    assert (orchid.low, orchid.high) == pytest.approx((0.05, 0.10))
    vie = held[("HELIO-SZ", "HELIO-DATA")]
    assert vie.stake is None
    assert vie.control is True
    psc = held[("LANTING-HK", "ORBIT")].stake
    assert psc is not None
    assert psc.low == pytest.approx(0.25, abs=1e-5)
    assert psc.low > 0.25
    assert psc.high == 0.5


def test_sample_holdings_csv_counts() -> None:
    data = read(SAMPLES / "holdings.csv")
    assert data.source.format == "holdings-csv"
    assert len(data.entities) == 4
    assert len(data.holdings) == 5
    assert sum(h.stake.low for h in data.holdings if h.subject == "Acme Components Ltd" and h.stake) == (
        pytest.approx(1.0)
    )


def test_sample_holdings_csv_reads_the_jurisdiction_columns() -> None:
    # The sample has holder_jurisdiction and subject_jurisdiction on every row.
    data = read(SAMPLES / "holdings.csv")
    countries = {e.id: e.jurisdiction for e in data.entities}
    assert countries == {
        "Shenzhen Capital Group Co Ltd": "CN",
        "Pearl River Holdings Ltd": "HK",
        "Fairway Investments LLC": "US",
        "Acme Components Ltd": "GB",
    }
    assert "unknown_country" not in codes(data)
