"""Format detection from content (not the file name), folders of one dataset, and --input-format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ownership.errors import InputError
from ownership.readers import read_input
from ownership.readers.detect import HEAD_BYTES, detect, detect_format, read_head

ENTITIES = [["ID", "Name", "Jurisdiction"], ["A", "Alpha Ltd", "CN"], ["B", "Beta Ltd", "GB"]]
HOLDINGS = [["Holder", "Subject", "Percent"], ["A", "B", 60]]

# Small hand-written records in each format (the shapes of the real files under ../shared/data/real).
BODS_04 = [
    {
        "statementId": "stmt-entity-b-0000000000000000000001",
        "statementDate": "2024-01-01",
        "recordId": "rec-b",
        "recordType": "entity",
        "recordDetails": {
            "isComponent": False,
            "entityType": {"type": "registeredEntity"},
            "name": "Beta Ltd",
            "jurisdiction": {"name": "United Kingdom", "code": "GB"},
        },
        "publicationDetails": {"publicationDate": "2024-01-02", "bodsVersion": "0.4"},
    },
    {
        "statementId": "stmt-entity-a-0000000000000000000002",
        "statementDate": "2024-01-01",
        "recordId": "rec-a",
        "recordType": "entity",
        "recordDetails": {
            "isComponent": False,
            "entityType": {"type": "registeredEntity"},
            "name": "Alpha Ltd",
            "jurisdiction": {"name": "China", "code": "CN"},
        },
        "publicationDetails": {"publicationDate": "2024-01-02", "bodsVersion": "0.4"},
    },
    {
        "statementId": "stmt-rel-ab-00000000000000000000003",
        "statementDate": "2024-01-01",
        "recordId": "rec-ab",
        "recordType": "relationship",
        "recordDetails": {
            "isComponent": False,
            "subject": "rec-b",
            "interestedParty": "rec-a",
            "interests": [{"type": "shareholding", "directOrIndirect": "direct", "share": {"exact": 60}}],
        },
        "publicationDetails": {"publicationDate": "2024-01-02", "bodsVersion": "0.4"},
    },
]
FTM_LINES = [
    {"id": "co-a", "schema": "Company", "properties": {"name": ["Alpha Ltd"], "jurisdiction": ["cn"]}},
    {"id": "co-b", "schema": "Company", "properties": {"name": ["Beta Ltd"], "jurisdiction": ["gb"]}},
    {"id": "own-ab", "schema": "Ownership", "properties": {"owner": ["co-a"], "asset": ["co-b"], "percentage": ["60"]}},
]

PSC_LINES = [
    {
        "company_number": "00000042",
        "data": {
            "kind": "corporate-entity-person-with-significant-control",
            "name": "Alpha Holdings Limited",
            "identification": {"country_registered": "China", "registration_number": "A1"},
            "natures_of_control": ["ownership-of-shares-75-to-100-percent"],
            "notified_on": "2020-01-01",
            "links": {"self": "/company/00000042/persons-with-significant-control/corporate-entity/ALPHA1"},
        },
    }
]
COMPANY_DATA = "CompanyName,CompanyNumber,CountryOfOrigin\nBETA LTD,00000042,United Kingdom\n"
GLEIF_RR_HEADER = (
    "Relationship.StartNode.NodeID,Relationship.StartNode.NodeIDType,Relationship.EndNode.NodeID,"
    "Relationship.EndNode.NodeIDType,Relationship.RelationshipType,Relationship.RelationshipStatus\n"
)
GLEIF_RR = GLEIF_RR_HEADER + "5493CHILD00000000002,LEI,5493PARENT0000000001,LEI,IS_DIRECTLY_CONSOLIDATED_BY,ACTIVE\n"
GLEIF_LEI = (
    "LEI,Entity.LegalName,Entity.LegalJurisdiction,Entity.LegalAddress.Country\n"
    "5493PARENT0000000001,Parent Co,CN,CN\n5493CHILD00000000002,Child Ltd,HK,HK\n"
)
ASHARE = (
    ",ts_code,ann_date,end_date,holder_name,hold_amount,hold_ratio\n"
    "0,000001.SZ,20180315,20171231,Holder A,100.0,49.56\n"
)


def jsonl(records: list[dict[str, object]]) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


def error_of(path: Path, display: str | None = None) -> str:
    with pytest.raises(InputError) as info:
        detect(path, display or path.name)
    return info.value.one_line()


# ---------------------------------------------------------------------------------------------------------
# Canonical inputs keep their readers
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["cap.xlsx", "cap.json", "cap.txt", "cap"])
def test_a_workbook_is_a_workbook_by_its_zip_signature(xlsx, tmp_path: Path, name: str) -> None:
    source = xlsx({"Entities": ENTITIES, "Holdings": HOLDINGS}, name="original.xlsx")
    path = tmp_path / name
    path.write_bytes(source.read_bytes())
    assert detect_format(path, name) == "workbook"


@pytest.mark.parametrize("name", ["h.csv", "h.txt", "h.json", "h.tsv"])
def test_delimited_text_no_reader_claims_is_a_holdings_csv(text_file, name: str) -> None:
    path = text_file("holder,subject,percent\nA,B,60\n", name=name)
    assert detect_format(path, name) == "holdings-csv"
    assert read_input(path, name).source.format == "holdings-csv"


def test_canonical_folder(text_file, tmp_path: Path) -> None:
    text_file("id,jurisdiction\nA,CN\nB,GB\n", name="g/entities.csv")
    text_file("holder,subject,percent\nA,B,60\n", name="g/holdings.csv")
    text_file("not data", name="g/notes.txt")
    assert detect_format(tmp_path / "g", "g") == "folder"


# ---------------------------------------------------------------------------------------------------------
# Format readers, by content whatever the extension
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["statements.json", "statements.txt", "statements"])
def test_bods_array_by_content(text_file, name: str) -> None:
    path = text_file(json.dumps(BODS_04, indent=2), name=name)
    assert detect_format(path, name) == "bods"
    data = read_input(path, name)
    assert data.source.format == "bods"
    assert {(h.holder, h.subject) for h in data.holdings} == {("rec-a", "rec-b")}


def test_bods_json_lines_with_a_utf8_bom(text_file) -> None:
    path = text_file(b"\xef\xbb\xbf" + jsonl(BODS_04).encode(), name="bods.txt")
    assert detect_format(path, "bods.txt") == "bods"


def test_bods_in_utf16(text_file) -> None:
    path = text_file(json.dumps(BODS_04).encode("utf-16"), name="bods.json")
    assert detect_format(path, "bods.json") == "bods"


@pytest.mark.parametrize("name", ["entities.ftm.json", "export.txt"])
def test_ftm_lines_by_content(text_file, name: str) -> None:
    path = text_file(jsonl(FTM_LINES), name=name)
    assert detect_format(path, name) == "ftm"
    data = read_input(path, name)
    assert data.source.format == "ftm"
    assert [(h.holder, h.subject) for h in data.holdings] == [("co-a", "co-b")]


@pytest.mark.parametrize("name", ["snapshot.json", "persons-with-significant-control-snapshot-2024_1of1.txt"])
def test_psc_lines_by_content(text_file, name: str) -> None:
    path = text_file(jsonl(PSC_LINES), name=name)
    assert detect_format(path, name) == "uk-psc"
    data = read_input(path, name)
    assert data.source.format == "uk-psc"
    assert len(data.holdings) == 1


def test_gleif_csv_and_a_canonical_holdings_csv_are_told_apart_by_their_header(text_file) -> None:
    gleif = text_file(GLEIF_RR, name="relationships.csv")
    canonical = text_file("holder,subject,percent\nA,B,60\n", name="relationships2.csv")
    assert detect_format(gleif, "relationships.csv") == "gleif"
    assert detect_format(canonical, "relationships2.csv") == "holdings-csv"


def test_ashare_table_by_its_header(text_file) -> None:
    path = text_file(ASHARE, name="stockHolder.csv")
    assert detect_format(path, "stockHolder.csv") == "ashare"


def test_company_data_alone_says_what_it_goes_with(text_file) -> None:
    path = text_file(COMPANY_DATA, name="BasicCompanyData.csv")
    assert error_of(path) == (
        "BasicCompanyData.csv: is Companies House company data (names and countries of companies), which is "
        "read with a UK PSC snapshot: put the snapshot and this file in one folder and give the folder"
    )


# ---------------------------------------------------------------------------------------------------------
# What is not a format exposure reads
# ---------------------------------------------------------------------------------------------------------


def test_json_no_reader_claims_says_what_it_looked_like(text_file) -> None:
    path = text_file(json.dumps([{"ticker": "ABC", "holders": []}]), name="x.json")
    message = error_of(path)
    assert message.startswith("x.json: is a JSON array whose first object has the keys 'ticker', 'holders', ")
    assert "not a format exposure reads" in message
    assert "BODS" in message and "GLEIF" in message and "UK PSC" in message and "FollowTheMoney" in message
    assert "--input-format" in message


def test_json_object_and_json_lines_are_told_apart(text_file) -> None:
    single = text_file(json.dumps({"meta": {}, "data": []}), name="one.json")
    lines = text_file('{"a": 1}\n{"a": 2}\n', name="lines.json")
    assert "is a JSON object with the keys 'meta', 'data'" in error_of(single)
    assert "is JSON lines whose first record has the keys 'a'" in error_of(lines)


def test_a_json_record_cut_off_by_the_head_still_names_its_first_key(text_file) -> None:
    path = text_file('[{"blob": "' + "x" * (HEAD_BYTES + 10) + '"}]', name="big.json")
    assert "is a JSON array whose first object has a first key 'blob'" in error_of(path)


def test_json_nested_too_deep_to_decode_is_still_described(text_file) -> None:
    path = text_file('{"a": ' * 30_000, name="deep.json")
    assert error_of(path).startswith("deep.json: is a JSON object with a first key 'a', not a format exposure reads")


def test_xml_names_its_root_element(text_file) -> None:
    path = text_file('<?xml version="1.0"?>\n<!-- c --><catalog><item/></catalog>', name="c.xml")
    assert error_of(path).startswith("c.xml: is XML with the root element <catalog>, not a format exposure reads")


def test_sqlite_and_yaml_are_named(text_file) -> None:
    sqlite = text_file(b"SQLite format 3\x00" + b"\x00" * 100, name="db.sqlite")
    yaml = text_file("---\ndescription:\n  a: b\n", name="codes.yml")
    assert error_of(sqlite).startswith("db.sqlite: is an SQLite database, not a format exposure reads")
    assert error_of(yaml).startswith("codes.yml: is YAML, not a format exposure reads")


def test_missing_and_empty_files_keep_their_messages(text_file, tmp_path: Path) -> None:
    assert error_of(tmp_path / "nope.json") == "nope.json: no such file or folder"
    assert error_of(text_file(b"", name="e.json")) == "e.json: is empty (0 bytes)"


def test_sniffing_reads_only_the_head(text_file) -> None:
    path = text_file("holder,subject,percent\n" + "A,B,1\n" * 40_000, name="big.csv")
    raw, head = read_head(path)
    assert len(raw) == HEAD_BYTES
    assert head.startswith("holder,subject")


# ---------------------------------------------------------------------------------------------------------
# Folders
# ---------------------------------------------------------------------------------------------------------


def test_folder_of_one_data_file_reads_that_file_and_skips_documentation(text_file, tmp_path: Path) -> None:
    text_file(json.dumps(BODS_04), name="g/statements.json")
    text_file("# where this came from", name="g/SOURCES.md")
    text_file("readme", name="g/README")
    found = detect(tmp_path / "g", "g")
    assert (found.format, found.display) == ("bods", ("g/statements.json",))
    assert read_input(tmp_path / "g", "g").source.path == "g/statements.json"


def test_folder_of_one_gleif_dataset(text_file, tmp_path: Path) -> None:
    text_file(GLEIF_LEI, name="g/lei.csv")
    text_file(GLEIF_RR, name="g/rr.csv")
    text_file("# notes", name="g/SOURCES.md")
    found = detect(tmp_path / "g", "g")
    assert (found.format, found.display) == ("gleif", ("g/lei.csv", "g/rr.csv"))
    data = read_input(tmp_path / "g", "g")
    assert (data.source.path, data.source.format) == ("g", "gleif")
    assert {e.id: e.jurisdiction for e in data.entities} == {
        "5493PARENT0000000001": "CN",
        "5493CHILD00000000002": "HK",
    }


def test_a_gleif_extract_may_call_its_lei_file_entities_csv(text_file, tmp_path: Path) -> None:
    text_file(GLEIF_LEI, name="g/entities.csv")
    text_file(GLEIF_RR, name="g/relationships.csv")
    assert detect_format(tmp_path / "g", "g") == "gleif"


def test_folder_of_psc_parts_and_company_data(text_file, tmp_path: Path) -> None:
    text_file(jsonl(PSC_LINES), name="g/part1.txt")
    text_file(COMPANY_DATA, name="g/BasicCompanyData.csv")
    found = detect(tmp_path / "g", "g")
    assert (found.format, len(found.files)) == ("uk-psc", 2)
    data = read_input(tmp_path / "g", "g")
    assert data.source.format == "uk-psc"
    assert "BETA LTD" in {e.name for e in data.entities}


def test_a_folder_of_one_multi_file_format_file_names_that_file(text_file, tmp_path: Path) -> None:
    text_file(GLEIF_RR, name="g/rr.csv")
    assert read_input(tmp_path / "g", "g").source.path == "g/rr.csv"


def test_folder_of_several_files_of_a_one_file_format(text_file, tmp_path: Path) -> None:
    text_file(json.dumps(BODS_04), name="g/a.json")
    text_file(jsonl(BODS_04), name="g/b.jsonl")
    assert error_of(tmp_path / "g", "g") == (
        "g: is a folder of 2 BODS files (a.json, b.jsonl); exposure reads one BODS file at a time: give the file itself"
    )


def test_folder_of_mixed_files_lists_what_it_found(text_file, tmp_path: Path) -> None:
    text_file(json.dumps(BODS_04), name="g/bods.json")
    text_file(jsonl(FTM_LINES), name="g/ftm.json")
    text_file("a,b\n1,2\n", name="g/table.csv")
    text_file(b"SQLite format 3\x00" + b"\x00" * 100, name="g/db.sqlite")
    text_file(b"", name="g/empty.json")
    message = error_of(tmp_path / "g", "g")
    assert message.startswith("g: is a folder without holdings.csv whose 5 data files are not one dataset (")
    for part in (
        "BODS: bods.json",
        "FollowTheMoney: ftm.json",
        "text/CSV: table.csv",
        "not recognised: db.sqlite",
        "unreadable (is empty (0 bytes)): empty.json",
        "GLEIF or UK PSC dataset",
    ):
        assert part in message


def test_folder_of_unrelated_csv_files(text_file, tmp_path: Path) -> None:
    text_file("ts_code,holder_name\n1,x\n", name="g/top10.csv")
    text_file("ts_code,name\n1,y\n", name="g/list.csv")
    message = error_of(tmp_path / "g", "g")
    assert message.startswith("g: is a folder without holdings.csv; its 2 files are CSV or text files (list.csv, top10")
    assert "entities.csv and holdings.csv" in message


def test_folder_with_only_documentation(text_file, tmp_path: Path) -> None:
    text_file("# about", name="g/README.md")
    assert error_of(tmp_path / "g", "g") == (
        "g: is a folder without holdings.csv or other data files (expected entities.csv and holdings.csv, or the "
        "files of one GLEIF or UK PSC dataset); it holds only README.md"
    )


# ---------------------------------------------------------------------------------------------------------
# --input-format forces a reader
# ---------------------------------------------------------------------------------------------------------


def test_forced_csv_reads_text_that_a_reader_would_claim(text_file) -> None:
    path = text_file("holder,subject,percent\nA,B,60\n", name="h.json")
    assert read_input(path, "h.json", input_format="csv").source.format == "holdings-csv"


@pytest.mark.parametrize("fmt", ["auto", None])
def test_auto_detects(text_file, fmt: str | None) -> None:
    path = text_file(json.dumps(BODS_04), name="s.json")
    assert read_input(path, "s.json", input_format=fmt).source.format == "bods"


def test_forced_wrong_format_gives_that_readers_error(xlsx, text_file) -> None:
    book = xlsx({"Entities": ENTITIES, "Holdings": HOLDINGS}, name="cap.xlsx")
    with pytest.raises(InputError) as info:
        read_input(book, "cap.xlsx", input_format="csv")
    assert info.value.one_line().startswith("cap.xlsx: is a binary file, not CSV text")
    statements = text_file(json.dumps(BODS_04), name="s.json")
    with pytest.raises(InputError) as info:
        read_input(statements, "s.json", input_format="workbook")
    assert info.value.one_line() == "s.json: is text, not an xlsx workbook"
    with pytest.raises(InputError) as info:
        read_input(statements, "s.json", input_format="ftm")
    assert info.value.one_line().startswith("s.json")


def test_forced_folder_on_a_file_and_a_one_file_format_on_a_folder(text_file, tmp_path: Path) -> None:
    path = text_file("holder,subject,percent\nA,B,60\n", name="g/h.csv")
    text_file("holder,subject,percent\nA,B,60\n", name="g/i.csv")
    with pytest.raises(InputError, match="is a file, not a folder"):
        read_input(path, "g/h.csv", input_format="folder")
    with pytest.raises(InputError) as info:
        read_input(tmp_path / "g", "g", input_format="bods")
    assert (
        info.value.one_line() == "g: is a folder of 2 files; --input-format bods reads one file: give the file itself"
    )


def test_forced_gleif_on_a_folder_gives_the_reader_every_data_file(text_file, tmp_path: Path) -> None:
    text_file(GLEIF_LEI, name="g/lei.csv")
    text_file(GLEIF_RR, name="g/rr.csv")
    text_file(json.dumps(BODS_04), name="g/bods.json")  # auto-detection would call the folder mixed
    with pytest.raises(InputError, match="not one dataset"):
        detect(tmp_path / "g", "g")
    data = read_input(tmp_path / "g", "g", input_format="gleif")
    assert data.source.format == "gleif"
    assert "ignored_file" in {w.code for w in data.warnings}


def test_unknown_format_name_is_a_programming_error(text_file) -> None:
    path = text_file("holder,subject,percent\nA,B,60\n")
    with pytest.raises(ValueError, match="unknown input format 'xml'"):
        read_input(path, input_format="xml")
