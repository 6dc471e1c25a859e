"""The canonical workbook writer: cells as written, read back identical, written again identical."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pycountry
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from ownership.errors import InputError, Location
from ownership.model import EXCLUSIVE_NUDGE, Entity, EntityType, Holding, OwnershipData, SourceInfo, Stake
from ownership.model.countries import normalize_country
from ownership.readers import read_input
from ownership.readers.cells.values import parse_percent
from ownership.writers import write_canonical_workbook
from ownership.writers.canonical_workbook import ABOUT_MARKER, ENTITY_HEADER, HOLDING_HEADER, place, tidy
from ownership.writers.output import OutputError
from ownership.writers.stake_text import stake_text

SOURCE = SourceInfo("input.json", "0" * 64, "bods")
MOMENT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def data_of(entities: list[Entity], holdings: list[Holding], warnings: tuple[Any, ...] = ()) -> OwnershipData:
    return OwnershipData(tuple(entities), tuple(holdings), SOURCE, warnings)


def sheets(path: Path) -> dict[str, list[list[object]]]:
    """Every sheet's cell values, row by row, each row padded with blanks to the sheet's widest row."""
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        found = {s.title: [[c.value for c in row] for row in s.iter_rows()] for s in book.worksheets}
    finally:
        book.close()
    for rows in found.values():
        width = max((len(r) for r in rows), default=0)
        for row in rows:
            row.extend([None] * (width - len(row)))
    return found


def without_where(data: OwnershipData) -> tuple[list[Entity], list[Holding]]:
    return [replace(e, where=None) for e in data.entities], [replace(h, where=None) for h in data.holdings]


# ---------------------------------------------------------------------------------------------------------
# Percent cells
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("50", "50%"),
        ("12,5%", "12.5%"),
        ("0.29", "0.29%"),  # 0.29 / 100 is not 0.0029 in binary; the reader's Decimal division is matched
        ("33.333333", "33.333333%"),
        ("unknown", "unknown"),
        (">50%", ">50%"),
        ("more than 25%", ">25%"),
        (">=75%", ">=75%"),
        ("75% or more", ">=75%"),
        ("<25%", "<25%"),
        ("<=10%", "<=10%"),
        ("25-50", "25-50%"),
        ("between 5 and 10%", "5-10%"),
        ("ownership-of-shares-75-to-100-percent", ">=75%"),
        ("ownership-of-shares-more-than-25-percent-registered-overseas-entity", ">25%"),
        # (25, 50] and (50, 75) have no plain form that keeps the exclusive end: the band code does.
        ("ownership-of-shares-25-to-50-percent", "ownership-of-shares-25-to-50-percent"),
        ("voting-rights-50-to-75-percent", "ownership-of-shares-50-to-75-percent"),
    ],
)
def test_percent_text_reads_back_as_the_same_stake(cell: str, written: str) -> None:
    stake = parse_percent(cell)
    assert stake is not None
    assert stake_text(stake) == written
    assert parse_percent(written) == stake


def test_votes_use_the_voting_rights_band_code() -> None:
    stake = parse_percent("ownership-of-shares-50-to-75-percent")
    assert stake is not None
    assert stake_text(stake, votes=True) == "voting-rights-50-to-75-percent"


def test_exclusive_ends_without_a_plain_form_show_their_nudged_figures() -> None:
    stake = Stake.between(0.1, 0.2, low_exclusive=True, high_exclusive=True)
    assert stake_text(stake) == "10.0001-19.9999%"
    assert parse_percent("10.0001-19.9999%") == stake


def test_a_stake_outside_0_to_100_percent_cannot_be_written() -> None:
    with pytest.raises(ValueError, match="cannot be written"):
        stake_text(Stake(0.5, 1.5))


fractions = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


@st.composite
def stakes(draw: st.DrawFn) -> Stake:
    kind = draw(st.sampled_from(["exact", "range", "between", "text"]))
    if kind == "exact":
        return Stake.exact(draw(fractions))
    a, b = sorted((draw(fractions), draw(fractions)))
    if kind == "range":
        return Stake(a, b)
    if kind == "between":
        low_exclusive, high_exclusive = draw(st.booleans()), draw(st.booleans())
        stake = Stake.between(a, b, low_exclusive=low_exclusive, high_exclusive=high_exclusive)
        return stake if stake.low >= 0.0 and stake.high <= 1.0 else Stake(a, b)
    cell = draw(
        st.sampled_from(
            [">50%", ">=50%", "<25%", "<=25%", "more than 10%", "unknown", "0-100", "at least 0%"]
            + [f"ownership-of-shares-{band}-percent" for band in ("25-to-50", "50-to-75", "75-to-100")]
        )
    )
    stake = parse_percent(cell)
    assert stake is not None
    return stake


@given(stake=stakes(), votes=st.booleans())
def test_every_stake_reads_back_exactly(stake: Stake, votes: bool) -> None:
    text = stake_text(stake, votes=votes)
    assert parse_percent(text) == stake
    # Never a bare number: a column of small stakes must not look like fractions to the reader.
    assert text == "unknown" or text.endswith("%") or text.endswith("-percent")


# ---------------------------------------------------------------------------------------------------------
# A worked example: the cells as written
# ---------------------------------------------------------------------------------------------------------


def example() -> OwnershipData:
    entities = [
        Entity("P1", "Zhang Wei (张伟)", EntityType.PERSON, "CN", None, where=Location("in.json", row=2)),
        Entity("=HOLDCO", '=HYPERLINK("http://x")', EntityType.COMPANY, "KY", "CN", 1000.0, source="filing 2024"),
        Entity("OPCO", "Op  Co\nLtd", EntityType.COMPANY, "GB", None, group="g1", where=Location("b.xlsx", "Ents", 7)),
        Entity("X", "X", declared=False, where=Location("in.json", row=9)),
    ]
    holdings = [
        Holding("P1", "=HOLDCO", Stake.exact(0.6), shares=600.0, where=Location("in.json", row=5)),
        Holding("=HOLDCO", "OPCO", parse_percent("ownership-of-shares-50-to-75-percent"), source="PSC register"),
        Holding("X", "OPCO", Stake(0.0, 1.0), votes=Stake.exact(0.1), start=date(2020, 1, 31), end=date(2030, 6, 30)),
        Holding("P1", "OPCO", None, control=True, where=Location("b.xlsx", "Holdings", 4)),
    ]
    return data_of(entities, holdings)


def test_the_cells_as_written(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    write_canonical_workbook(example(), path, generated_at=MOMENT)
    found = sheets(path)
    assert list(found) == ["Entities", "Holdings", "About"]
    assert found["Entities"] == [
        list(ENTITY_HEADER),
        ["P1", "Zhang Wei (张伟)", "person", "CN", None, None, None, None, None, "in.json line 2"],
        ["=HOLDCO", '=HYPERLINK("http://x")', "company", "KY", "CN", 1000, None, None, None, "filing 2024"],
        ["OPCO", "Op Co Ltd", "company", "GB", None, None, "g1", None, None, "b.xlsx!Ents row 7"],
        ["X", "X", None, None, None, None, None, None, None, "in.json line 9 (named in a holding only)"],
    ]
    assert found["Holdings"] == [
        list(HOLDING_HEADER),
        ["P1", "=HOLDCO", "60%", None, None, None, 600, None, None, "in.json line 5"],
        ["=HOLDCO", "OPCO", "ownership-of-shares-50-to-75-percent", None, None, None, None, None, None, "PSC register"],
        ["X", "OPCO", "unknown", "10%", None, None, None, datetime(2020, 1, 31), datetime(2030, 6, 30), "input.json"],
        ["P1", "OPCO", None, None, "yes", None, None, None, None, "b.xlsx!Holdings row 4"],
    ]
    about = {row[0]: row[1] for row in found["About"] if row and row[0]}
    assert found["About"][0][0] == ABOUT_MARKER
    assert about["input"] == "input.json"
    assert about["format"] == "bods"
    assert about["sha256"] == "0" * 64
    assert about["generated at"] == "2026-01-02T03:04:05+00:00"
    assert (about["entities"], about["holdings"]) == (4, 4)


def test_text_that_looks_like_a_formula_is_stored_as_text_with_a_quote_prefix(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    write_canonical_workbook(example(), path)
    book = load_workbook(path)  # not read-only: the cell styles are needed
    cell = book["Entities"]["B3"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == ('=HYPERLINK("http://x")', "s", True)
    assert book["Entities"]["A3"].quotePrefix is True
    assert book["Entities"]["A2"].quotePrefix is False


def test_reading_the_workbook_gives_the_data_back_with_no_warnings_but_the_unknown_stake(tmp_path: Path) -> None:
    original = example()
    path = tmp_path / "out.xlsx"
    write_canonical_workbook(original, path)
    read = read_input(path)
    assert [w.code for w in read.warnings] == ["unknown_stake"]  # the About sheet is passed over
    entities, holdings = without_where(read)
    expected_entities = [
        replace(e, where=None, name=tidy(e.name) or e.id, declared=True, source=e.source or _source(e))
        for e in original.entities
    ]
    assert entities == expected_entities
    assert holdings == [
        replace(h, where=None, source=h.source or place(h.where) or SOURCE.path) for h in original.holdings
    ]


def _source(entity: Entity) -> str:
    text = place(entity.where)
    if text is None:
        return SOURCE.path  # neither a source nor a place: the input's name
    return f"{text} (named in a holding only)" if not entity.declared else text


def test_a_users_own_about_sheet_is_still_reported(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Holdings"  # type: ignore[union-attr]
    book["Holdings"].append(["holder", "subject", "percent"])
    book["Holdings"].append(["A", "B", 10])
    book.create_sheet("About").append(["prepared by", "me"])
    path = tmp_path / "user.xlsx"
    book.save(path)
    # A sheet with data that nothing reads stops the read (issue 15: a gate must not pass on what it did
    # not read); only the About sheet exposure itself writes is passed over.
    with pytest.raises(InputError, match="sheet 'About' has data"):
        read_input(path)


def test_parties_named_only_in_holdings_are_listed(tmp_path: Path) -> None:
    data = data_of([Entity("A", "A", jurisdiction="CN")], [Holding("A", "Z", Stake.exact(0.2))])
    path = tmp_path / "out.xlsx"
    write_canonical_workbook(data, path)
    assert [row[0] for row in sheets(path)["Entities"][1:]] == ["A", "Z"]


def test_ids_that_a_workbook_cannot_tell_apart_are_refused(tmp_path: Path) -> None:
    data = data_of([Entity("A B", "x"), Entity("A\u00a0 B", "y", where=Location("in.json", row=3))], [])
    with pytest.raises(InputError) as info:
        write_canonical_workbook(data, tmp_path / "out.xlsx")
    assert info.value.one_line().startswith("in.json, row 3: entity ids 'A B' and 'A\\xa0 B' differ only")
    assert not (tmp_path / "out.xlsx").exists()


def test_the_write_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "out.xlsx"
    path.write_bytes(b"previous")

    def fail(self: object, filename: str) -> None:
        Path(filename).write_bytes(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr("openpyxl.workbook.workbook.Workbook.save", fail)
    with pytest.raises(OutputError, match="disk full"):
        write_canonical_workbook(example(), path)
    assert path.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]


# ---------------------------------------------------------------------------------------------------------
# Round trip: read(write(x)) == x, and write(read(write(x))) == write(x)
# ---------------------------------------------------------------------------------------------------------

COUNTRIES = sorted(c.alpha_2 for c in pycountry.countries if normalize_country(c.alpha_2) == c.alpha_2)
ID_ALPHABET = "ABCXYZabc019-_.=+@'% 张伟"


def tidy_text(alphabet: str | None = None, *, max_size: int = 12) -> st.SearchStrategy[str]:
    base = st.text(alphabet=alphabet, min_size=1, max_size=max_size) if alphabet else st.text(min_size=1, max_size=30)
    return base.filter(lambda t: tidy(t) == t)


amounts = st.one_of(st.none(), st.floats(min_value=0, max_value=1e15, allow_nan=False), st.integers(0, 10**9))
dates = st.dates(min_value=date(1901, 1, 1), max_value=date(2999, 12, 31))


@st.composite
def ownership(draw: st.DrawFn) -> OwnershipData:
    ids = draw(st.lists(tidy_text(ID_ALPHABET), min_size=1, max_size=6, unique=True))
    entities = [
        Entity(
            id=i,
            name=draw(tidy_text()),
            type=draw(st.sampled_from(list(EntityType))),
            jurisdiction=draw(st.none() | st.sampled_from(COUNTRIES)),
            headquarters=draw(st.none() | st.sampled_from(COUNTRIES)),
            shares_outstanding=(lambda v: None if v is None else float(v))(draw(amounts)),
            group=draw(st.none() | tidy_text(ID_ALPHABET)),
            source=draw(st.none() | tidy_text()),
        )
        for i in ids
    ]
    holdings = []
    for _ in range(draw(st.integers(0, 8))):
        control = draw(st.booleans())
        stake = draw(stakes()) if not control else draw(st.none() | stakes())
        start, end = sorted((draw(dates), draw(dates)))
        shares = draw(amounts) if stake is not None else None
        holdings.append(
            Holding(
                holder=draw(st.sampled_from(ids)),
                subject=draw(st.sampled_from(ids)),
                stake=stake,
                votes=draw(st.none() | stakes()),
                control=control,
                start=draw(st.none() | st.just(start)),
                end=draw(st.none() | st.just(end)),
                shares=None if shares is None else float(shares),
                source=draw(st.none() | tidy_text()),
            )
        )
    return data_of(entities, holdings)


ROUND_TRIP = settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])


@ROUND_TRIP
@given(data=ownership())
def test_round_trip_gives_the_same_entities_and_holdings(tmp_path: Path, data: OwnershipData) -> None:
    first = tmp_path / "first.xlsx"
    write_canonical_workbook(data, first)
    read = read_input(first)
    entities, holdings = without_where(read)
    # A row with no source of its own is sourced to the input's name (so that writing again changes nothing).
    assert entities == [replace(e, source=e.source or SOURCE.path) for e in data.entities]
    assert holdings == [replace(h, source=h.source or SOURCE.path) for h in data.holdings]
    assert {w.code for w in read.warnings} <= {"unknown_stake"}
    second = tmp_path / "second.xlsx"
    write_canonical_workbook(read, second)
    a, b = sheets(first), sheets(second)
    assert (a["Entities"], a["Holdings"]) == (b["Entities"], b["Holdings"])


@ROUND_TRIP
@given(
    names=st.lists(st.text(min_size=1, max_size=20), min_size=1, max_size=4),
    sources=st.lists(st.text(max_size=20), min_size=1, max_size=4),
)
def test_untidy_text_is_written_as_it_reads_back(tmp_path: Path, names: list[str], sources: list[str]) -> None:
    entities = [Entity(f"E{k}", name, source=sources[k % len(sources)] or None) for k, name in enumerate(names)]
    holdings = [Holding("E0", f"E{k}", Stake.exact(0.01), source=s or None) for k, s in enumerate(sources)]
    data = data_of(entities, [h for h in holdings if h.subject in {e.id for e in entities}])
    first = tmp_path / "first.xlsx"
    write_canonical_workbook(data, first)
    read = read_input(first)
    assert [e.name for e in read.entities] == [tidy(e.name) or e.id for e in entities]
    second = tmp_path / "second.xlsx"
    write_canonical_workbook(read, second)
    a, b = sheets(first), sheets(second)
    assert (a["Entities"], a["Holdings"]) == (b["Entities"], b["Holdings"])


def test_exclusive_nudge_is_what_the_reader_uses() -> None:
    # stake_text relies on the reader building exclusive ends with the same nudge as Stake.between.
    stake = parse_percent(">50%")
    assert stake == Stake(0.5 + EXCLUSIVE_NUDGE, 1.0)
