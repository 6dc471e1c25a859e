"""A single holdings CSV declaring its parties on the rows, read into columns (issue 18, item 2): exactly the
row reader's result (parties, holdings, warnings in order, SourceInfo), or declined with the row reader's
errors."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ownership.errors import InputError, Location
from ownership.model import EntityType, OwnershipData, Stake
from ownership.model.tables import EntityTable, HoldingTable
from ownership.readers import read_input
from ownership.readers.canonical.text import read_holdings_csv
from ownership.readers.cells.fast_csv.inline import read_holdings_csv_fast
from ownership.readers.cells.tables import DEFAULT_LIMITS
from tests.ownership.readers.cells.test_fast_csv import _problems

FIXTURE = Path(__file__).resolve().parents[3] / "fixtures" / "fast_csv" / "inline" / "holdings.csv"


def assert_same_file(path: Path, *, fast: bool | None = None) -> OwnershipData | None:
    """The contract: the columnar reader gives the row reader's result, or declines; ``fast`` says whether it
    must (True) or must not (False) read the file."""
    slow_error = None
    try:
        slow: OwnershipData | None = read_holdings_csv(path, path.name, DEFAULT_LIMITS)
    except InputError as exc:
        slow, slow_error = None, exc
    try:
        quick = read_holdings_csv_fast(path, path.name, DEFAULT_LIMITS)
    except InputError as exc:
        # Errors found in the columns are the row reader's, every one, with the same places.
        assert slow_error is not None, f"the fast path refused a file the row reader reads: {exc.one_line()}"
        assert _problems(exc) == _problems(slow_error)
        quick = None
    if fast is not None:
        assert (quick is not None) is fast, f"fast path {'declined' if fast else 'read'} {path}"
    if quick is None:
        return None
    assert slow is not None, "the fast path read a file the row reader refuses"
    assert isinstance(quick.entities, EntityTable) and quick.entities.objects is None
    assert isinstance(quick.holdings, HoldingTable) and quick.holdings.objects is None
    assert tuple(quick.entities) == tuple(slow.entities)
    assert tuple(quick.holdings) == tuple(slow.holdings)
    assert quick.warnings == slow.warnings
    assert quick.source == slow.source
    return quick


def test_inline_fixture_worked_example() -> None:
    data = assert_same_file(FIXTURE, fast=True)
    assert data is not None
    parties = {e.id: e for e in data.entities}
    # Order of first mention, holder before subject: P1, S1 (row 2), R1 (row 3), S2 (row 4).
    assert [e.id for e in data.entities] == ["P1", "S1", "R1", "S2"]
    # The name of the first mention; a later "Sub One, renamed" does not change it.
    assert [e.name for e in data.entities] == ["Parent Co", "Sub One", "Rita Ng", "Sub Two"]
    # S1: first a company (row 2), a 'widget' later is only a warning; S2: no type, then fund (row 5).
    assert [e.type for e in data.entities] == [
        EntityType.COMPANY,
        EntityType.COMPANY,
        EntityType.PERSON,
        EntityType.FUND,
    ]
    # R1: 'N/A' on row 3 is unknown, HK on row 6 fills it; P1: CN, then 'China' (the same country).
    assert [(e.jurisdiction, e.headquarters) for e in data.entities] == [
        ("CN", None),
        ("HK", "CN"),
        ("HK", None),
        ("SG", None),
    ]
    assert parties["R1"].where == Location("holdings.csv", None, 3, 1, "holder")
    assert parties["S2"].where == Location("holdings.csv", None, 4, 5, "subject")
    assert [h.stake for h in data.holdings] == [
        Stake(0.6, 0.6),
        Stake(0.0, 1.0),
        Stake(0.125, 0.125),
        Stake(0.3, 0.3),
        Stake(0.1, 0.2),
    ]
    # By row, and within row 3 the holder's country before the stake.
    assert [(w.code, w.where.row if w.where else None) for w in data.warnings] == [
        ("unknown_country", 3),
        ("unknown_stake", 3),
        ("unknown_type", 4),
    ]


def test_read_input_reads_a_holdings_csv_columnar() -> None:
    data = read_input(FIXTURE, display="holdings.csv")
    assert isinstance(data.entities, EntityTable) and data.entities.objects is None
    assert data.source.format == "holdings-csv"


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "h.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_country_column_warns_as_the_row_reader(tmp_path: Path) -> None:
    data = assert_same_file(_file(tmp_path, "holder,subject,percent\nA,B,60\n"), fast=True)
    assert data is not None and [w.code for w in data.warnings] == ["unknown_country"]
    assert data.warnings[0].where == Location("h.csv")


def test_ultimate_columns(tmp_path: Path) -> None:
    text = "holder,holder_ultimate,subject,percent\nA,no,B,60\nA,yes,C,40\nB,,C,10\n"
    data = assert_same_file(_file(tmp_path, text), fast=True)
    assert data is not None and [e.ultimate for e in data.entities] == [True, False, False]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # One party, two countries: the row reader's error names both places.
        ("holder,holder_jurisdiction,subject,percent\nA,CN,B,60\nA,GB,C,40\n", "h.csv, row 3, column B"),
        ("holder,subject,percent\nA,,60\n", "h.csv, row 2, column B (subject): the subject is empty"),
        ("holder,holder_jurisdiction,subject,percent\nA,Chinaa,B,60\n", "country 'Chinaa' was not recognised"),
        ("holder,subject,percent\nA,B,60\nA,C,150\n", "h.csv, row 3, column C (percent): '150'"),
    ],
)
def test_errors_are_the_row_readers(text: str, message: str, tmp_path: Path) -> None:
    path = _file(tmp_path, text)
    assert_same_file(path, fast=False)
    with pytest.raises(InputError) as info:
        read_input(path, display="h.csv")
    assert message in info.value.one_line()


def test_a_total_row_is_left_to_the_row_reader(tmp_path: Path) -> None:
    path = _file(tmp_path, "holder,subject,percent\nA,B,60\nB,C,40\nTotal,,100\n")
    assert_same_file(path, fast=False)
    assert len(read_input(path, display="h.csv").holdings) == 2


# ---------------------------------------------------------------------------------------------------------
# Generated files
# ---------------------------------------------------------------------------------------------------------

# Some values the row reader refuses (an empty party, 'Chinaa', 'lots', 150): the columnar reader must
# report the same errors, every one, at the same places.
_IDS = st.sampled_from(["A", "B", "C", "D", "E", "Alpha Ltd", "李", "A", "B", ""])
_COUNTRIES = st.sampled_from(["", "", "CN", "China", "GB", "N/A", "unknown", "HK", "Chinaa"])
_TYPES = st.sampled_from(["", "company", "person", "fund", "widget", "SOE"])
_NAMES = st.sampled_from(["", "Alpha", "Beta, Inc", 'The "Q" Co', "Gamma\nGroup"])
_PERCENT = st.sampled_from(["60", "12,5", "10-20", "unknown", "?", "25%", ">50", "0.5", "lots", "150", ""])
_OPTIONAL = ("holder_name", "holder_type", "holder_jurisdiction", "subject_name", "subject_type")
_OPTIONAL += ("subject_jurisdiction", "subject_headquarters", "holder_ultimate")


@st.composite
def inline_files(draw: st.DrawFn) -> bytes:
    columns = ["holder", "subject", "percent", *sorted(draw(st.sets(st.sampled_from(_OPTIONAL))))]
    strategies = {"holder": _IDS, "subject": _IDS, "percent": _PERCENT, "holder_ultimate": st.sampled_from(["", "yes"])}
    rows = [columns]
    for _ in range(draw(st.integers(1, 10))):
        row = []
        for column in columns:
            attr = column.split("_", 1)[-1]
            chosen = (
                strategies[column] if column in strategies else {"name": _NAMES, "type": _TYPES}.get(attr, _COUNTRIES)
            )
            row.append(draw(chosen))
        rows.append(row)
    delimiter = draw(st.sampled_from([",", ";"]))
    out = io.StringIO()
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    csv.writer(
        out, delimiter=delimiter, quoting=quoting, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))
    ).writerows(rows)
    return out.getvalue().encode()


@given(inline_files())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_generated_inline_files_read_the_same_or_declined(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "h.csv"
        path.write_bytes(content)
        assert_same_file(path)


def test_windows_1252_file_warnings_in_the_row_readers_order(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_bytes("holder,holder_name,subject,percent,colour\nA,M\xfcller AG,B,?,red\n".encode("cp1252"))
    data = assert_same_file(path, fast=True)
    assert data is not None and data.entities[0].name == "Müller AG"
    # The unread column, the file's encoding, the row's stake, then the missing countries.
    assert [w.code for w in data.warnings] == ["ignored_column", "encoding", "unknown_stake", "unknown_country"]


def test_a_row_without_a_subject_takes_no_part_in_the_stake_forms(tmp_path: Path) -> None:
    # The row reader skips a row with no subject before reading its stake, so the bare 60 there does not
    # settle the column's scale: 0.5 beside '25%' stays ambiguous, and both errors are reported. The columnar
    # reader re-read only the row without a subject (its 60 the widest bare number) and named one error
    # (hypothesis found it).
    path = tmp_path / "h.csv"
    path.write_bytes(b"holder,subject,percent,holder_name\nA,A,25%,\nA,A,0.5,\nA,,60,\n")
    assert assert_same_file(path) is None
    assert read_holdings_csv_fast(path, path.name, DEFAULT_LIMITS) is None  # declined: the row reader reports
    with pytest.raises(InputError) as caught:
        read_holdings_csv(path, path.name, DEFAULT_LIMITS)
    assert caught.value.more == 1
    assert "0.5 is a bare number" in caught.value.one_line()
