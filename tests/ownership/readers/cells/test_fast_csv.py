"""The columnar folder reader (fast_csv): exactly the row reader's result, or it declines and the row reader runs.

``assert_same`` is the contract: for any folder, either the row reader raises and the fast path declines, or
the fast path declines, or both give the same entities and holdings (element by element, floats bit for
bit), the same warnings in the same order and the same SourceInfo.
"""

from __future__ import annotations

import csv
import shutil
import sys
from datetime import date
from pathlib import Path

import pytest

from ownership.errors import InputError, Location
from ownership.model import Entity, EntityType, Holding, OwnershipData, Stake
from ownership.model.tables import EntityTable, HoldingTable
from ownership.readers import read_input
from ownership.readers.canonical import read_folder
from ownership.readers.cells.fast_csv.reader import read_folder_fast
from ownership.readers.cells.tables import DEFAULT_LIMITS, ReadLimits

REPO = Path(__file__).resolve().parents[4]
FIXTURES = REPO / "tests" / "fixtures"
FAST_FIXTURES = sorted(p for p in (FIXTURES / "fast_csv").iterdir() if (p / "entities.csv").is_file())
#: Every canonical folder (one holding holdings.csv) among the test fixtures and the samples.
CANONICAL_FOLDERS = sorted(
    {p.parent for root in (FIXTURES, REPO / "data") for p in root.rglob("*") if p.name.lower() == "holdings.csv"}
)


def _bits(holding: Holding) -> tuple[str, ...]:
    """The holding's figures as exact float texts (== would let 0.0 and -0.0 pass as one)."""
    return tuple(x.hex() for s in (holding.stake, holding.votes) if s is not None for x in (s.low, s.high)) + (
        (holding.shares.hex(),) if holding.shares is not None else ()
    )


def assert_same(folder: Path, *, fast: bool | None = None, limits: ReadLimits = DEFAULT_LIMITS) -> OwnershipData | None:
    """Check the contract on ``folder``; ``fast`` says whether the fast path must (True) or must not (False)
    read it. Returns the fast path's result."""
    name = folder.name
    slow_error = quick_error = None
    try:
        slow: OwnershipData | None = read_folder(folder, name, limits)
    except InputError as exc:
        slow, slow_error = None, exc
    try:
        quick = read_folder_fast(folder, name, limits)
    except InputError as exc:
        # Errors found in the columns are the row reader's, every one, with the same places (issue 18).
        quick, quick_error = None, exc
        assert slow_error is not None, f"the fast path refused a folder the row reader reads: {exc.one_line()}"
        assert _problems(quick_error) == _problems(slow_error)
    if fast is not None:
        assert (quick is not None) is fast, f"fast path {'declined' if fast else 'read'} {folder}"
    if quick is None:
        return None
    assert slow is not None, "the fast path read a folder the row reader refuses"
    assert isinstance(quick.entities, EntityTable) and quick.entities.objects is None
    assert isinstance(quick.holdings, HoldingTable) and quick.holdings.objects is None
    assert len(quick.entities) == len(slow.entities)
    assert len(quick.holdings) == len(slow.holdings)
    assert tuple(quick.entities) == tuple(slow.entities)
    assert tuple(quick.holdings) == tuple(slow.holdings)
    assert [_bits(h) for h in quick.holdings] == [_bits(h) for h in slow.holdings]
    assert quick.warnings == slow.warnings
    assert quick.source == slow.source
    return quick


def _problems(error: InputError) -> tuple[object, ...]:
    """Everything an error says: the first problem, how many more, and each one listed."""
    return (error.one_line(), error.reason, error.where, error.more, tuple((e.reason, e.where) for e in error.also))


def write_folder(folder: Path, entities: str | bytes, holdings: str | bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for file_name, content in (("entities.csv", entities), ("holdings.csv", holdings)):
        data = content if isinstance(content, bytes) else content.encode()
        (folder / file_name).write_bytes(data)
    return folder


# ---------------------------------------------------------------------------------------------------------
# Folders the fast path reads
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("folder", CANONICAL_FOLDERS, ids=lambda p: str(p.relative_to(REPO)))
def test_canonical_fixture_folders_read_the_same(folder: Path) -> None:
    assert_same(folder, fast=True if folder in FAST_FIXTURES else None)


def test_the_fixture_folders_are_found() -> None:
    assert set(FAST_FIXTURES) <= set(CANONICAL_FOLDERS)
    assert len(FAST_FIXTURES) == 7


@pytest.mark.parametrize("folder", FAST_FIXTURES, ids=lambda p: p.name)
def test_excel_csv_utf8_with_bom_and_crlf_reads_the_same(folder: Path, tmp_path: Path) -> None:
    # What Excel's "CSV UTF-8" writes; the BOM must not spoil the first header, CRLF must not shift rows.
    target = tmp_path / folder.name
    target.mkdir()
    for p in folder.glob("*.csv"):
        plain = p.read_bytes().removeprefix(b"\xef\xbb\xbf").replace(b"\r\n", b"\n")
        (target / p.name).write_bytes(b"\xef\xbb\xbf" + plain.replace(b"\n", b"\r\n"))
    assert_same(target, fast=True)


def test_mixed_fixture_worked_example() -> None:
    data = assert_same(FIXTURES / "fast_csv" / "mixed", fast=True)
    assert data is not None
    entities = {e.id: e for e in data.entities}
    assert entities["A1"].name == "Alpha Holdings, Ltd"
    assert entities["C3"] == Entity(
        "C3", "C3", EntityType.PERSON, "US", None, where=Location("mixed/entities.csv", None, 4)
    )
    assert entities["D4"].name == 'The "Delta" Trust'
    assert (entities["B2"].type, entities["B2"].jurisdiction, entities["B2"].headquarters) == (
        EntityType.FUND,
        "HK",
        "CN",
    )
    assert (entities["F6"].type, entities["F6"].jurisdiction) == (EntityType.STATE, "CN")
    assert entities["G7"].type is EntityType.UNKNOWN
    stakes = {(h.holder, h.subject): h.stake for h in data.holdings}
    assert stakes[("A1", "B2")] == Stake(0.6, 0.6)
    assert stakes[("C3", "B2")] == Stake(0.1, 0.2)
    assert stakes[("D4", "A1")] == Stake.between(0.5, 1.0, low_exclusive=True)
    assert stakes[("E5", "A1")] == Stake(0.25, 0.25)
    assert stakes[("F6", "E5")] == Stake(0.0, 1.0)
    assert stakes[("B2", "D4")] == Stake(0.125, 0.125)
    assert [(w.code, w.where) for w in data.warnings] == [
        ("unknown_type", Location("mixed/entities.csv", None, 8, 3, "type")),
        ("unknown_stake", Location("mixed/holdings.csv", None, 6, 3, "percent")),
    ]
    assert data.holdings[0].where == Location("mixed/holdings.csv", None, 2)


def test_extras_fixture_worked_example() -> None:
    data = assert_same(FIXTURES / "fast_csv" / "extras", fast=True)
    assert data is not None
    entities = {e.id: e for e in data.entities}
    assert (entities["P"].group, entities["P"].shares_outstanding, entities["P"].source) == ("G1", 1e6, "registry 2024")
    assert (entities["R"].group, entities["R"].shares_outstanding, entities["R"].source) == (None, None, None)
    first, _, vie, _ = data.holdings
    assert (first.votes, first.control, first.shares, first.source) == (Stake(0.55, 0.55), False, 400.0, "AR 2023")
    assert str(first.start) == "2020-01-01" and first.end is None
    assert (vie.stake, vie.control, vie.source) == (None, True, "VIE agreement")
    assert [w.code for w in data.warnings] == ["ignored_column"]


def test_fraction_scale_warning_is_the_row_readers() -> None:
    data = assert_same(FIXTURES / "fast_csv" / "fractions", fast=True)
    assert data is not None
    # 'Comment' and 'Checked by' are free text, ignored without a word (issue 15).
    assert [w.code for w in data.warnings] == ["fraction_scale"]
    assert data.warnings[0].where == Location("fractions/holdings.csv", None, None, 3, "Ownership %")
    # Each plain number spans both readings: 0.6 is 0.6% as points or 60% as a fraction.
    assert [h.stake for h in data.holdings] == [Stake(0.006, 0.6), Stake(0.0025, 0.25), Stake(0.01, 1.0)]


def test_cells_with_stray_whitespace_are_tidied_like_the_row_reader() -> None:
    data = assert_same(FIXTURES / "fast_csv" / "spaces", fast=True)
    assert data is not None
    assert [(e.id, e.name) for e in data.entities] == [("A", "Alpha Ltd"), ("B", "Beta Ltd"), ("C", "C")]
    assert [(h.holder, h.subject) for h in data.holdings] == [("A", "B"), ("B", "C"), ("C", "A")]


def _sample_folder(target: Path, *, keep_title: bool = False, trim: bool = False) -> Path:
    """data/samples/cap_table.xlsx written out as a folder, percent-formatted cells as 'N%'; ``trim`` drops
    the holdings given as share counts and the one naming a party not in Entities."""
    from openpyxl import load_workbook

    target.mkdir()
    book = load_workbook(REPO / "data" / "samples" / "cap_table.xlsx", data_only=True)
    for sheet_name, file_name in (("Entities", "entities.csv"), ("Holdings", "holdings.csv")):
        rows = []
        for row in book[sheet_name].iter_rows():
            cells = []
            for cell in row:
                value = cell.value
                if isinstance(value, float | int) and "%" in (cell.number_format or ""):
                    value = f"{value * 100:g}%"
                cells.append("" if value is None else str(value))
            if any(cells):
                rows.append(cells)
        if file_name == "holdings.csv":
            if not keep_title:
                rows = rows[1:]
            if trim:
                rows = [r for r in rows if not (r[2] == "" and r[3]) and r[0] != "Vantage Nominees Ltd"]
        with (target / file_name).open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)
    return target


def test_sample_cap_table_as_a_folder(tmp_path: Path) -> None:
    # The sample's Holdings sheet has a title line above the header, stakes given as share counts and a
    # nominee not in Entities: the fast path leaves each of those to the row reader.
    assert_same(_sample_folder(tmp_path / "titled", keep_title=True), fast=False)
    assert_same(_sample_folder(tmp_path / "plain"), fast=False)
    data = assert_same(_sample_folder(tmp_path / "trimmed", trim=True), fast=True)
    assert data is not None
    assert [w.code for w in data.warnings] == []
    assert sum(h.control for h in data.holdings) == 1
    assert sum(h.end is not None for h in data.holdings) == 1


@pytest.mark.parametrize("csv_file", sorted((FIXTURES / "corpus").glob("*.csv")), ids=lambda p: p.name)
def test_corpus_files_as_folder_holdings(csv_file: Path, tmp_path: Path) -> None:
    # The messy-input corpus (encodings, delimiters, quoting, bad values) as the holdings of a folder: the fast
    # path must never read one differently from the row reader.
    folder = tmp_path / "g"
    folder.mkdir()
    shutil.copy(csv_file, folder / "holdings.csv")
    (folder / "entities.csv").write_text("id,jurisdiction\nCNCO,CN\nACME,GB\nUSCO,US\n", encoding="utf-8")
    assert_same(folder)


def _registry_folder(tmp_path: Path, entities: int, holdings: int, seed: int) -> Path:
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from bench.generate import registry, write_folder

    return write_folder(registry(entities, holdings, seed), tmp_path / f"registry-{seed}")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_benchmark_registries_read_the_same(seed: int, tmp_path: Path) -> None:
    data = assert_same(_registry_folder(tmp_path, 1000, 2000, seed), fast=True)
    assert data is not None and len(data.holdings) == 2000


def test_read_input_takes_the_fast_path_for_a_folder() -> None:
    data = read_input(FIXTURES / "fast_csv" / "mixed", display="mixed")
    assert isinstance(data.entities, EntityTable) and data.entities.objects is None
    assert isinstance(data.holdings, HoldingTable) and data.holdings.objects is None
    assert data.source.format == "folder"


def test_read_input_with_forced_folder_format_takes_the_fast_path() -> None:
    data = read_input(FIXTURES / "fast_csv" / "mixed", display="mixed", input_format="folder")
    assert isinstance(data.entities, EntityTable) and data.entities.objects is None


# ---------------------------------------------------------------------------------------------------------
# Declining: the fast path returns None and read_input gives the row reader's errors and warnings
# ---------------------------------------------------------------------------------------------------------

ENTITIES = "id,name,jurisdiction\nA,Alpha,CN\nB,Beta,GB\n"
HOLDINGS = "holder,subject,percent\nA,B,60\n"


def declined(tmp_path: Path, entities: str | bytes, holdings: str | bytes, limits: ReadLimits = DEFAULT_LIMITS) -> Path:
    folder = write_folder(tmp_path / "g", entities, holdings)
    assert_same(folder, fast=False, limits=limits)
    return folder


def read_error(folder: Path, limits: ReadLimits = DEFAULT_LIMITS) -> str:
    with pytest.raises(InputError) as info:
        read_input(folder, display="g", limits=limits)
    return info.value.one_line()


def warning_codes(folder: Path) -> list[str]:
    data = read_input(folder, display="g")
    # The row reader's result: the columnar reader keeps its ids in Arrow (the row reader's may be a table too).
    assert getattr(data.entities, "arrow_ids", None) is None
    return [w.code for w in data.warnings]


def test_the_contract_holds_for_the_plain_folder(tmp_path: Path) -> None:
    # The folder the decline tests below start from is read by the fast path.
    assert_same(write_folder(tmp_path / "g", ENTITIES, HOLDINGS), fast=True)


def test_declines_when_the_row_reader_would_sniff_another_delimiter(tmp_path: Path) -> None:
    # A comma-separated file whose quoting makes the csv Sniffer choose ';': the row reader then finds no
    # header, and the fast path must not read the file as comma-separated.
    folder = declined(tmp_path, 'id,name\nA,a\nB,b\n"C;1";2,x\n', HOLDINGS)
    assert "no header row names the required column 'id'" in read_error(folder)


def test_declines_a_header_below_a_title_line(tmp_path: Path) -> None:
    folder = declined(tmp_path, ENTITIES, "Register of members\n" + HOLDINGS)
    assert warning_codes(folder) == []


def test_declines_a_reference_that_is_not_an_id(tmp_path: Path) -> None:
    folder = declined(tmp_path, ENTITIES, HOLDINGS + "A,C,10\n")
    assert warning_codes(folder) == ["unknown_reference"]


def test_declines_a_reference_by_name_or_other_case(tmp_path: Path) -> None:
    folder = declined(tmp_path, ENTITIES, HOLDINGS + "alpha,b,10\n")
    data = read_input(folder, display="g")
    assert [(h.holder, h.subject) for h in data.holdings] == [("A", "B"), ("A", "B")]


def test_declines_an_entity_listed_twice(tmp_path: Path) -> None:
    folder = declined(tmp_path, ENTITIES + "A,Alpha,CN\n", HOLDINGS)
    assert warning_codes(folder) == ["duplicate_entity"]
    folder = declined(tmp_path, ENTITIES + "A,Alpha,US\n", HOLDINGS)
    assert "row 4, column A (id): entity id A is listed twice" in read_error(folder)


def test_declines_an_empty_id(tmp_path: Path) -> None:
    folder = declined(tmp_path, ENTITIES + ",Gamma,US\n", HOLDINGS)
    assert "row 4, column A (id): the entity id is empty" in read_error(folder)


def test_declines_an_unknown_country(tmp_path: Path) -> None:
    folder = declined(tmp_path, ENTITIES + "C,Gamma,Chinaa\n", HOLDINGS)
    assert "row 4, column C (jurisdiction): country 'Chinaa' was not recognised" in read_error(folder)


def test_declines_a_percent_the_row_reader_refuses(tmp_path: Path) -> None:
    folder = declined(tmp_path, ENTITIES, HOLDINGS + "B,A,150%\n")
    assert "row 3, column C (percent): '150%' is more than 100%" in read_error(folder)


def test_declines_stakes_from_share_counts(tmp_path: Path) -> None:
    folder = declined(tmp_path, ENTITIES, "holder,subject,shares\nA,B,600\nB,A,400\n")
    assert warning_codes(folder) == ["shares_summed", "shares_summed"]


def test_declines_a_row_without_a_stake(tmp_path: Path) -> None:
    folder = declined(tmp_path, ENTITIES, HOLDINGS + "B,A,\n")
    assert "row 3, column C (percent): no stake" in read_error(folder)


def test_declines_a_start_after_the_end(tmp_path: Path) -> None:
    folder = declined(tmp_path, ENTITIES, "holder,subject,percent,start,end\nA,B,60,2024-01-01,2023-01-01\n")
    assert "the start date 2024-01-01 is after the end date 2023-01-01" in read_error(folder)


def test_declines_a_value_the_row_reader_refuses_in_an_optional_column(tmp_path: Path) -> None:
    folder = declined(tmp_path, ENTITIES, "holder,subject,percent,control\nA,B,60,perhaps\n")
    assert "column D (control): 'perhaps' is not a yes/no value" in read_error(folder)


def test_text_that_is_not_utf8_is_read_columnar_with_the_row_readers_warning(tmp_path: Path) -> None:
    # Windows-1252, as Excel's plain "CSV" writes it: decoded as the row reader decodes it (issue 18).
    folder = write_folder(tmp_path / "g", "id,name,type\nA,M\xfcller GmbH,widget\nB,Beta,\n".encode("cp1252"), HOLDINGS)
    data = assert_same(folder, fast=True)
    assert data is not None
    assert data.entities[0].name == "Müller GmbH"
    # The file's encoding first, then its rows' warnings.
    assert [(w.code, w.where) for w in data.warnings] == [
        ("encoding", Location("g/entities.csv")),
        ("unknown_type", Location("g/entities.csv", None, 2, 3, "type")),
    ]


def test_utf16_is_read_columnar(tmp_path: Path) -> None:
    data = assert_same(write_folder(tmp_path / "g", ENTITIES.encode("utf-16"), HOLDINGS), fast=True)
    assert data is not None and [e.name for e in data.entities] == ["Alpha", "Beta"] and data.warnings == ()


def test_declines_a_file_mixing_encodings(tmp_path: Path) -> None:
    folder = declined(tmp_path, "id,name\nA,Müller\n".encode() + "B,M\xfcller\n".encode("cp1252"), HOLDINGS)
    assert "mixes encodings" in read_error(folder)


def test_declines_a_row_with_cells_beyond_the_header(tmp_path: Path) -> None:
    folder = declined(tmp_path, ENTITIES, HOLDINGS + "B,A,10,Ltd\n")
    assert warning_codes(folder) == ["ignored_cells"]


def test_declines_a_short_row(tmp_path: Path) -> None:
    folder = declined(tmp_path, ENTITIES + "C\n", HOLDINGS)
    assert [e.name for e in read_input(folder, display="g").entities] == ["Alpha", "Beta", "C"]


def test_declines_a_blank_header_cell(tmp_path: Path) -> None:
    declined(tmp_path, "id,,jurisdiction\nA,x,CN\nB,y,GB\n", HOLDINGS)


def test_declines_lines_ended_by_a_lone_carriage_return(tmp_path: Path) -> None:
    declined(tmp_path, ENTITIES.replace("\n", "\r"), HOLDINGS)


def test_quotes_inside_cells_read_as_the_csv_module_reads_them(tmp_path: Path) -> None:
    # Python's csv module keeps text after a closing quote ('"Al"pha' is 'Alpha') and a quote inside an
    # unquoted cell; Arrow does the same, checked line by line against the csv module.
    data = assert_same(write_folder(tmp_path / "g", 'id,name\nA,"Al"pha\nB,Be"ta\n', HOLDINGS), fast=True)
    assert data is not None
    assert [e.name for e in data.entities] == ["Alpha", 'Be"ta']


def test_declines_a_quote_left_open_in_the_last_record(tmp_path: Path) -> None:
    # The csv module reads a quote never closed to the end of the file; the row reader refuses that and
    # names the row where it opened, which the fast path leaves to it.
    folder = declined(tmp_path, ENTITIES, HOLDINGS + 'B,A,"10\nC,A,20\n')
    assert "g/holdings.csv, row 3: a quote opened in this row (line 3) is never closed" in read_error(folder)


def test_declines_a_folder_without_entities_csv(tmp_path: Path) -> None:
    folder = tmp_path / "g"
    folder.mkdir()
    (folder / "holdings.csv").write_text(HOLDINGS, encoding="utf-8")
    assert read_folder_fast(folder, "g", DEFAULT_LIMITS) is None
    assert warning_codes(folder) == ["no_entities_sheet"]


def test_declines_a_folder_without_rows(tmp_path: Path) -> None:
    folder = declined(tmp_path, ENTITIES, "holder,subject,percent\n")
    assert [h for h in read_input(folder, display="g").holdings] == []


def test_declines_past_the_row_limit(tmp_path: Path) -> None:
    limits = ReadLimits(max_rows=2)
    folder = declined(tmp_path, ENTITIES, HOLDINGS, limits=limits)
    assert "has more than 2 lines" in read_error(folder, limits)


def test_declines_a_cell_past_the_csv_modules_limit(tmp_path: Path) -> None:
    # read_text_table lets Python's csv module refuse cells longer than max(max_cell_chars, 131,072).
    limits = ReadLimits(max_cell_chars=10)
    folder = declined(tmp_path, ENTITIES + f"C,{'x' * 140_000},US\n", HOLDINGS, limits=limits)
    assert "has a cell longer than 10 characters" in read_error(folder, limits)


def test_declines_past_the_size_limit(tmp_path: Path) -> None:
    limits = ReadLimits(max_bytes=20)
    folder = declined(tmp_path, ENTITIES, HOLDINGS, limits=limits)
    assert "more than the limit" in read_error(folder, limits)


def test_the_arrow_columns_match_the_lists(tmp_path: Path) -> None:
    # Bulk reports write the reader's Arrow ids and names; they must be the lists, cell for cell.
    (tmp_path / "entities.csv").write_text(
        'id,name,jurisdiction\n A1 ,Alpha  Ltd,CN\nB2,,US\nC3,"Gamma, Inc",US\n', encoding="utf-8"
    )
    (tmp_path / "holdings.csv").write_text("holder,subject,percent\nA1,B2,60\nB2,C3,40\n", encoding="utf-8")
    data = read_input(tmp_path)
    table = data.entities
    assert isinstance(table, EntityTable) and table.objects is None
    assert table.arrow_ids.to_pylist() == list(table.ids) == ["A1", "B2", "C3"]
    assert table.arrow_names.to_pylist() == list(table.names) == ["Alpha Ltd", "B2", "Gamma, Inc"]


# ---------------------------------------------------------------------------------------------------------
# One date column alone (issue 14, section 3)
# ---------------------------------------------------------------------------------------------------------

#: A (CN company) held 60% of B until the end of 2023; C (a US person) holds 70% of B, with no end.
ONLY_END = "holder,subject,percent,end\nA,B,60,2023-12-31\nC,B,70,\n"
#: A holds 60% of B only from 2026; C holds 70%, with no start.
ONLY_START = "holder,subject,percent,start\nA,B,60,2026-01-01\nC,B,70,\n"
DATED_ENTITIES = "id,name,type,jurisdiction\nA,Alpha,company,CN\nB,Beta,company,GB\nC,Carol,person,US\n"


def _status_on(folder: Path, day: date) -> tuple[str, float, float]:
    """B's status and high cascade figure (percent) on ``day`` with CN watched."""
    from ownership.model import Policy
    from ownership.pipeline import check

    verdict = check(read_input(folder, display="g"), Policy(frozenset({"CN"}), as_of=day)).verdict("B")
    return verdict.status.value, round(verdict.cascade.low * 100, 6), round(verdict.cascade.high * 100, 6)


@pytest.mark.parametrize(
    ("holdings", "outside", "inside"),
    [(ONLY_END, date(2025, 1, 1), date(2023, 6, 1)), (ONLY_START, date(2025, 1, 1), date(2026, 6, 1))],
)
def test_one_date_column_alone_filters_like_the_row_reader(
    holdings: str, outside: date, inside: date, tmp_path: Path
) -> None:
    # Hand-computed: on `outside` A's 60% is not in force, so B has C's 70% and 30% unallocated: cascade
    # 0-30%, clear at > 50%. Counting A's row too would give 130% into B, a false over-allocation.
    fast = write_folder(tmp_path / "comma", DATED_ENTITIES, holdings)
    slow = write_folder(tmp_path / "semicolon", DATED_ENTITIES.replace(",", ";"), holdings.replace(",", ";"))
    quick = assert_same(fast, fast=True)
    assert isinstance(quick, OwnershipData) and isinstance(quick.holdings, HoldingTable)
    assert quick.holdings.start is not None and quick.holdings.end is not None
    assert_same(slow, fast=True)  # a semicolon file reads the same way, columnar too
    for folder in (fast, slow):
        assert _status_on(folder, outside) == ("clear", 0.0, 30.0)
        with pytest.raises(InputError, match="130%"):
            _status_on(folder, inside)  # in force, A's 60% and C's 70% are over-allocated: an error


def test_a_date_column_with_no_dates_leaves_the_holdings_undated(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "g", DATED_ENTITIES, "holder,subject,percent,end\nA,B,60,\n")
    quick = assert_same(folder, fast=True)
    assert quick is not None and isinstance(quick.holdings, HoldingTable)
    assert quick.holdings.start is None and quick.holdings.end is None
