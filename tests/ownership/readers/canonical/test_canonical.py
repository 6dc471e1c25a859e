"""The canonical Entities / Holdings tables into the model: headers, references, cells and located errors."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from ownership.errors import InputError, Location
from ownership.model import EXCLUSIVE_NUDGE, Entity, EntityType, Holding, OwnershipData, Stake
from ownership.readers import read_input

N = EXCLUSIVE_NUDGE
BOOK = "cap.xlsx"

ENTITY_HEADER = ["ID", "Name", "Type", "Jurisdiction", "Headquarters"]
ENTITIES = [
    ENTITY_HEADER,
    ["A", "Alpha Holdings Ltd", "company", "CN", None],
    ["B", "Beta Ltd", "company", "GB", None],
    ["C", "Gamma Ltd", "company", "SG", None],
]
HOLDING_HEADER = ["Holder", "Subject", "Percent"]


def read(path: Path) -> OwnershipData:
    return read_input(path, display=path.name)


def book(xlsx, holdings: list[list[object]], entities: list[list[object]] | None = None, **kw: object) -> Path:
    """A workbook with an Entities sheet (default ENTITIES) and a Holdings sheet of the given rows."""
    return xlsx({"Entities": ENTITIES if entities is None else entities, "Holdings": holdings}, name=BOOK, **kw)


def error_of(path: Path) -> InputError:
    with pytest.raises(InputError) as info:
        read_input(path, display=path.name)
    return info.value


def codes(data: OwnershipData) -> list[str]:
    return [w.code for w in data.warnings]


def holding(data: OwnershipData, holder: str, subject: str) -> Holding:
    found = [h for h in data.holdings if h.holder == holder and h.subject == subject]
    assert len(found) == 1, found
    return found[0]


def entity(data: OwnershipData, entity_id: str) -> Entity:
    found = [e for e in data.entities if e.id == entity_id]
    assert len(found) == 1, found
    return found[0]


def stake_of(data: OwnershipData, holder: str = "A", subject: str = "B") -> Stake | None:
    return holding(data, holder, subject).stake


def approx_stake(stake: Stake | None, low: float, high: float) -> None:
    assert stake is not None
    assert stake.low == pytest.approx(low, abs=1e-12)
    assert stake.high == pytest.approx(high, abs=1e-12)


# =========================================================================================================
# Headers
# =========================================================================================================


@pytest.mark.parametrize(
    ("holder", "subject", "percent"),
    [
        (" Holder_ID ", "SUBJECT", "percent"),
        ("SHARE-HOLDER", "Sub_ject", "Per cent"),
        ("share holder", " company ", "Stake %"),
        ("Owner", "Investee", "Ownership (%)"),
        ("HOLDER", "subject-id", "PERCENT"),
    ],
)
def test_holdings_headers_ignore_case_spaces_underscores_and_dashes(
    xlsx, holder: str, subject: str, percent: str
) -> None:
    data = read(book(xlsx, [[holder, subject, percent], ["A", "B", 40]]))
    assert stake_of(data) == Stake(0.4, 0.4)
    assert data.warnings == ()


@pytest.mark.parametrize(
    ("field", "header"),
    [
        ("holder", "owner"),
        ("holder", "shareholder"),
        ("holder", "parent"),
        ("holder", "investor"),
        ("subject", "company"),
        ("subject", "held"),
        ("subject", "entity"),
        ("subject", "investee"),
        ("subject", "subsidiary"),
        ("subject", "issuer"),
        ("percent", "stake"),
        ("percent", "ownership"),
        ("percent", "%"),
        ("percent", "share"),
        ("percent", "equity"),
    ],
)
def test_holdings_required_column_aliases(xlsx, field: str, header: str) -> None:
    headers = {"holder": "Holder", "subject": "Subject", "percent": "Percent"}
    headers[field] = header
    data = read(book(xlsx, [[headers["holder"], headers["subject"], headers["percent"]], ["A", "B", 40]]))
    assert stake_of(data) == Stake(0.4, 0.4)
    assert data.warnings == ()


@pytest.mark.parametrize("header", ["votes", "voting", "voting percent", "Voting Rights"])
def test_votes_aliases(xlsx, header: str) -> None:
    data = read(book(xlsx, [[*HOLDING_HEADER, header], ["A", "B", 40, "60%"]]))
    h = holding(data, "A", "B")
    assert h.stake == Stake(0.4, 0.4)
    assert h.votes == Stake(0.6, 0.6)
    assert data.warnings == ()


@pytest.mark.parametrize("header", ["control", "controls", "Contractual Control"])
def test_control_aliases(xlsx, header: str) -> None:
    data = read(book(xlsx, [[*HOLDING_HEADER, header], ["A", "B", None, "yes"]]))
    h = holding(data, "A", "B")
    assert (h.stake, h.control) == (None, True)
    assert data.warnings == ()


@pytest.mark.parametrize("header", ["shares", "Number of shares"])
def test_shares_aliases(xlsx, header: str) -> None:
    data = read(book(xlsx, [["Holder", "Subject", header], ["A", "B", 300], ["C", "B", 700]]))
    assert stake_of(data) == Stake(0.3, 0.3)
    assert codes(data) == ["shares_summed"]


@pytest.mark.parametrize(
    ("start", "end"), [("start", "end"), ("From", "To"), ("Valid from", "Valid to"), ("valid_from", "VALID-TO")]
)
def test_date_aliases(xlsx, start: str, end: str) -> None:
    data = read(book(xlsx, [[*HOLDING_HEADER, start, end], ["A", "B", 40, "2020-01-01", "2024-06-30"]]))
    h = holding(data, "A", "B")
    assert (h.start, h.end) == (date(2020, 1, 1), date(2024, 6, 30))
    assert data.warnings == ()


@pytest.mark.parametrize("header", ["source", "note", "Reference"])
def test_source_aliases(xlsx, header: str) -> None:
    data = read(book(xlsx, [[*HOLDING_HEADER, header], ["A", "B", 40, "Register of members, p. 3"]]))
    assert holding(data, "A", "B").source == "Register of members, p. 3"
    assert data.warnings == ()


@pytest.mark.parametrize(
    ("field", "header", "value", "expected"),
    [
        ("id", "entity", "A", "A"),
        ("id", "Entity ID", "A", "A"),
        ("id", "code", "A", "A"),
        ("id", "ENTITY_ID", "A", "A"),
        ("name", "entity name", "Alpha", "Alpha"),
        ("name", "Legal Name", "Alpha", "Alpha"),
        ("type", "kind", "fund", EntityType.FUND),
        ("type", "entity type", "trust", EntityType.TRUST),
        ("jurisdiction", "country", "CN", "CN"),
        ("jurisdiction", "incorporation", "CN", "CN"),
        ("jurisdiction", "Country of Incorporation", "CN", "CN"),
        ("jurisdiction", "registered in", "CN", "CN"),
        ("headquarters", "hq", "HK", "HK"),
        ("headquarters", "HQ", "HK", "HK"),
        ("headquarters", "head office", "HK", "HK"),
        ("headquarters", "principal place of business", "HK", "HK"),
        ("headquarters", "Nationality", "HK", "HK"),
    ],
)
def test_entities_column_aliases(xlsx, field: str, header: str, value: str, expected: object) -> None:
    headers = {"id": "ID", "name": "Name", "type": "Type", "jurisdiction": "Jurisdiction", "headquarters": "HQ"}
    values = {"id": "A", "name": "Alpha", "type": "company", "jurisdiction": "GB", "headquarters": "GB"}
    headers[field] = header
    values[field] = value
    if field == "headquarters":
        headers["jurisdiction"] = "Jurisdiction"
    elif field != "id":
        headers["headquarters"] = "Headquarters"
    order = ["id", "name", "type", "jurisdiction", "headquarters"]
    entities = [[headers[k] for k in order], [values[k] for k in order], ["B", "Beta", None, None, None]]
    data = read(book(xlsx, [HOLDING_HEADER, ["A", "B", 40]], entities))
    assert getattr(entity(data, "A"), field) == expected
    assert data.warnings == ()


def test_header_below_title_rows_gives_real_row_numbers(xlsx) -> None:
    titles = {"Holdings": [["Register of shareholders"], ["as at 30 September 2026"], []]}
    path = book(xlsx, [HOLDING_HEADER, ["A", "B", 40], ["C", "B", 60]], titles=titles)
    data = read(path)
    assert holding(data, "A", "B").where == Location(BOOK, "Holdings", 5)
    assert holding(data, "C", "B").where == Location(BOOK, "Holdings", 6)

    path = book(xlsx, [HOLDING_HEADER, ["A", "B", 40], ["C", "B", "sixty"]], titles=titles)
    error = error_of(path)
    assert error.where == Location(BOOK, "Holdings", 6, 3, "Percent")
    assert error.one_line().startswith("cap.xlsx, sheet 'Holdings', row 6, column C (Percent): 'sixty'")


def test_header_found_in_a_later_column_block(xlsx) -> None:
    titles = {"Entities": [["Group entities"], []]}
    entities = [[None, "ID", "Jurisdiction"], [None, "A", "CN"], [None, "B", "GB"]]
    data = read(book(xlsx, [HOLDING_HEADER, ["A", "B", 40]], entities, titles=titles))
    assert entity(data, "A").jurisdiction == "CN"
    assert entity(data, "A").where == Location(BOOK, "Entities", 4)


def test_two_columns_meaning_the_same_field(xlsx) -> None:
    error = error_of(book(xlsx, [["Holder", "Subject", "Owner", "Percent"], ["A", "B", "C", 40]]))
    assert "'Holder'" in error.reason
    assert "'Owner'" in error.reason
    assert "'holder'" in error.reason
    assert error.where == Location(BOOK, "Holdings", 1, 3, "Owner")


def test_two_entity_columns_meaning_the_same_field(xlsx) -> None:
    entities = [["ID", "Country", "Jurisdiction"], ["A", "CN", "CN"]]
    error = error_of(book(xlsx, [HOLDING_HEADER, ["A", "B", 40]], entities))
    assert "'Country' and 'Jurisdiction' both mean 'jurisdiction'" in error.reason
    assert error.where == Location(BOOK, "Entities", 1, 3, "Jurisdiction")


def test_missing_required_holdings_column_names_it_and_the_sheet(xlsx) -> None:
    # Holder and percent without a subject column is a register of members (tests/ownership/readers/
    # test_sheet_shapes.py); holder alone is neither.
    error = error_of(book(xlsx, [["Holder", "Source"], ["A", "minutes"]]))
    assert error.where == Location(BOOK, "Holdings")
    line = error.one_line()
    assert line.startswith("cap.xlsx, sheet 'Holdings': ")
    assert "no header row" in line
    assert "'subject'" in line
    assert "'holder'" not in line


def test_missing_id_column_in_entities(xlsx) -> None:
    # Without an id column, a name column is the key (test_sheet_shapes.py); without either, an error.
    error = error_of(book(xlsx, [HOLDING_HEADER, ["A", "B", 40]], [["Kind", "Country"], ["fund", "CN"]]))
    assert error.where == Location(BOOK, "Entities")
    line = error.one_line()
    assert line.startswith("cap.xlsx, sheet 'Entities': ")
    assert "no header row" in line
    assert "'id'" in line


def test_no_percent_shares_or_control_column(xlsx) -> None:
    error = error_of(book(xlsx, [["Holder", "Subject", "Source"], ["A", "B", "x"]]))
    assert error.where == Location(BOOK, "Holdings", 1)
    assert "no percent column" in error.reason


def test_unknown_columns_are_ignored_with_a_warning(xlsx) -> None:
    data = read(book(xlsx, [["Holder", "Subject", "Percent", "Board seat"], ["A", "B", 40, "ok"]]))
    assert codes(data) == ["ignored_column"]
    warning = data.warnings[0]
    assert "'Board seat'" in warning.message
    assert warning.where == Location(BOOK, "Holdings", 1, 4, "Board seat")


def test_free_text_columns_are_ignored_silently(xlsx) -> None:
    header = ["Holder", "Subject", "Percent", "Comments from legal", "Remarks", "Reviewer", "Source"]
    data = read(book(xlsx, [header, ["A", "B", 40, "ok", "n", "me", "AR 2025"]]))
    assert codes(data) == []


def test_unknown_entity_column_is_ignored_with_a_warning(xlsx) -> None:
    entities = [["ID", "Jurisdiction", "LEI"], ["A", "CN", "5493001KJTIIGC8Y1R12"], ["B", "GB", None]]
    data = read(book(xlsx, [HOLDING_HEADER, ["A", "B", 40]], entities))
    assert codes(data) == ["ignored_column"]
    assert data.warnings[0].where == Location(BOOK, "Entities", 1, 3, "LEI")


# =========================================================================================================
# References
# =========================================================================================================


def test_references_by_id_case_insensitive_id_and_unique_name(xlsx) -> None:
    rows = [HOLDING_HEADER, ["A", "B", 10], ["a", "c", 20], ["alpha  holdings LTD", "Beta Ltd", 30]]
    data = read(book(xlsx, rows))
    assert [(h.holder, h.subject, h.stake) for h in data.holdings] == [
        ("A", "B", Stake(0.1, 0.1)),
        ("A", "C", Stake(0.2, 0.2)),
        ("A", "B", Stake(0.3, 0.3)),
    ]
    assert [e.id for e in data.entities] == ["A", "B", "C"]
    assert data.warnings == ()


def test_numeric_ids_resolve_from_numbers_and_text(xlsx) -> None:
    entities = [["ID", "Jurisdiction"], [1001, "CN"], [1002, "GB"]]
    data = read(book(xlsx, [HOLDING_HEADER, [1001, "1002", 40]], entities))
    assert [e.id for e in data.entities] == ["1001", "1002"]
    assert stake_of(data, "1001", "1002") == Stake(0.4, 0.4)


def test_name_shared_by_two_entities_is_an_error_naming_the_cell(xlsx) -> None:
    entities = [["ID", "Name"], ["A1", "Acme"], ["A2", "Acme"], ["B", "Beta"]]
    error = error_of(book(xlsx, [HOLDING_HEADER, ["A1", "B", 10], ["Acme", "B", 20]], entities))
    assert error.where == Location(BOOK, "Holdings", 3, 1, "Holder")
    assert "'Acme' is the name of 2 entities (A1, A2); use the id" in error.reason


def test_unknown_reference_creates_an_undeclared_entity_with_a_warning(xlsx) -> None:
    rows = [HOLDING_HEADER, ["Nominee Ltd", "B", 10], ["nominee  ltd", "C", 20]]
    data = read(book(xlsx, rows))
    created = entity(data, "Nominee Ltd")
    assert created.declared is False
    assert (created.jurisdiction, created.headquarters, created.type) == (None, None, EntityType.UNKNOWN)
    assert created.where == Location(BOOK, "Holdings", 2, 1, "Holder")
    assert [h.holder for h in data.holdings] == ["Nominee Ltd", "Nominee Ltd"]
    assert codes(data) == ["unknown_reference"]
    warning = data.warnings[0]
    assert warning.where == Location(BOOK, "Holdings", 2, 1, "Holder")
    assert "'Nominee Ltd' is not in sheet 'Entities'" in warning.message
    assert [e.id for e in data.entities] == ["A", "B", "C", "Nominee Ltd"]


# =========================================================================================================
# Percent cells
# =========================================================================================================


@pytest.mark.parametrize(
    ("value", "number_format", "low", "high"),
    [
        (0.5, "0%", 0.5, 0.5),
        (0.125, "0.00%", 0.125, 0.125),
        (1, "0%", 1.0, 1.0),
        (50, "General", 0.5, 0.5),
        (12.5, "0.00", 0.125, 0.125),
        ("50", None, 0.5, 0.5),
        ("50%", None, 0.5, 0.5),
        ("50 %", None, 0.5, 0.5),
        ("12,5%", None, 0.125, 0.125),
        ("25-50", None, 0.25, 0.5),
        ("25\u201350%", None, 0.25, 0.5),
        (">50%", None, 0.5 + N, 1.0),
        ("<25%", None, 0.0, 0.25 - N),
        ("ownership-of-shares-50-to-75-percent", None, 0.5 + N, 0.75 - N),
        ("ownership-of-shares-25-to-50-percent", None, 0.25 + N, 0.5),
        ("0.5", "0%", 0.005, 0.005),  # text is always percentage points
    ],
)
def test_percent_cells(xlsx, value: object, number_format: str | None, low: float, high: float) -> None:
    formats = {"Holdings": {"C2": number_format}} if number_format else None
    data = read(book(xlsx, [HOLDING_HEADER, ["A", "B", value]], formats=formats))
    approx_stake(stake_of(data), low, high)
    assert data.warnings == ()


def test_literal_percent_sign_in_quotes_is_not_a_percent_format(xlsx) -> None:
    data = read(book(xlsx, [HOLDING_HEADER, ["A", "B", 50]], formats={"Holdings": {"C2": '0" %"'}}))
    approx_stake(stake_of(data), 0.5, 0.5)


def test_unknown_stake_is_the_whole_range_with_a_warning(xlsx) -> None:
    data = read(book(xlsx, [HOLDING_HEADER, ["A", "B", 40], ["C", "B", "unknown"]]))
    assert stake_of(data, "C", "B") == Stake(0.0, 1.0)
    assert codes(data) == ["unknown_stake"]
    assert data.warnings[0].where == Location(BOOK, "Holdings", 3, 3, "Percent")


def test_column_of_small_plain_numbers_warns_fraction_scale(xlsx) -> None:
    data = read(book(xlsx, [HOLDING_HEADER, ["A", "B", 0.3], ["C", "B", 0.7]]))
    # 0.3 may be 0.3% (points, as a bare number reads) or 30% (a fraction): the stake spans both.
    approx_stake(stake_of(data, "A", "B"), 0.003, 0.3)
    approx_stake(stake_of(data, "C", "B"), 0.007, 0.7)
    assert codes(data) == ["fraction_scale"]
    assert data.warnings[0].where == Location(BOOK, "Holdings", None, 3, "Percent")


def test_fraction_scale_not_warned_for_percent_formatted_cells(xlsx) -> None:
    formats = {"Holdings": {"C2": "0%", "C3": "0%"}}
    data = read(book(xlsx, [HOLDING_HEADER, ["A", "B", 0.3], ["C", "B", 0.7]], formats=formats))
    approx_stake(stake_of(data, "C", "B"), 0.7, 0.7)
    assert data.warnings == ()


def test_fraction_scale_not_warned_when_a_figure_is_above_one(xlsx) -> None:
    data = read(book(xlsx, [HOLDING_HEADER, ["A", "B", 0.5], ["C", "B", 40]]))
    assert data.warnings == ()


def test_bad_percent_text_names_file_sheet_row_and_column(xlsx) -> None:
    rows = [HOLDING_HEADER, ["A", "B", 10], ["A", "C", 10], ["C", "B", 10], ["B", "C", "about half"]]
    error = error_of(book(xlsx, rows))
    assert error.where == Location(BOOK, "Holdings", 5, 3, "Percent")
    line = error.one_line()
    assert line.startswith("cap.xlsx, sheet 'Holdings', row 5, column C (Percent): 'about half' is not a percentage")
    assert "\n" not in line


@pytest.mark.parametrize(
    ("value", "words"),
    [(-5, "is negative"), ("-5%", "is negative"), (150, "more than 100%"), ("101%", "more than 100%")],
)
def test_out_of_range_percent_is_an_error_with_location(xlsx, value: object, words: str) -> None:
    error = error_of(book(xlsx, [HOLDING_HEADER, ["A", "B", 10], ["C", "B", value]]))
    assert error.where == Location(BOOK, "Holdings", 3, 3, "Percent")
    assert words in error.reason


def test_percent_formatted_value_above_one_is_an_error(xlsx) -> None:
    error = error_of(book(xlsx, [HOLDING_HEADER, ["A", "B", 1.5]], formats={"Holdings": {"C2": "0%"}}))
    assert error.where == Location(BOOK, "Holdings", 2, 3, "Percent")
    assert "more than 100%" in error.reason


def test_several_bad_cells_report_the_first_and_count_the_rest(xlsx) -> None:
    rows = [HOLDING_HEADER, ["A", "B", "x"], ["C", "B", "y"], ["A", "C", "z"]]
    error = error_of(book(xlsx, rows))
    assert error.where == Location(BOOK, "Holdings", 2, 3, "Percent")
    assert len(error.also) == 2
    lines = error.one_line().splitlines()
    # Every problem at once, one line each, so the file is fixed in one pass (issue 15, shape 5).
    assert lines[0] == "3 problems in cap.xlsx; fix them all, then run again:"
    assert lines[1].startswith("  cap.xlsx, sheet 'Holdings', row 2, column C (Percent): 'x' is not a percentage")
    assert lines[2].startswith("  cap.xlsx, sheet 'Holdings', row 3, column C (Percent): 'y'")
    assert lines[3].startswith("  cap.xlsx, sheet 'Holdings', row 4, column C (Percent): 'z'")
    assert len(lines) == 4


def test_one_problem_is_one_line(xlsx) -> None:
    error = error_of(book(xlsx, [HOLDING_HEADER, ["A", "B", "x"]]))
    assert error.also == ()
    assert "\n" not in error.one_line()


def test_bad_votes_cell_is_located(xlsx) -> None:
    error = error_of(book(xlsx, [[*HOLDING_HEADER, "Votes"], ["A", "B", 40, "most"]]))
    assert error.where == Location(BOOK, "Holdings", 2, 4, "Votes")


# =========================================================================================================
# Shares
# =========================================================================================================


def _entities_with_outstanding(outstanding: object) -> list[list[object]]:
    return [
        ["ID", "Jurisdiction", "Shares outstanding"],
        ["A", "CN", None],
        ["B", "GB", outstanding],
        ["C", "SG", None],
    ]


def test_shares_against_shares_outstanding(xlsx) -> None:
    rows = [["Holder", "Subject", "Percent", "Shares"], ["A", "B", None, 7000], ["C", "B", None, "2,000"]]
    data = read(book(xlsx, rows, _entities_with_outstanding(10000)))
    assert entity(data, "B").shares_outstanding == 10000
    approx_stake(stake_of(data, "A", "B"), 0.7, 0.7)
    approx_stake(stake_of(data, "C", "B"), 0.2, 0.2)
    assert holding(data, "A", "B").shares == 7000
    assert data.warnings == ()


def test_shares_with_outstanding_mixed_with_percent_rows(xlsx) -> None:
    rows = [["Holder", "Subject", "Percent", "Shares"], ["A", "B", None, 5000], ["C", "B", 30, None]]
    data = read(book(xlsx, rows, _entities_with_outstanding("10 000")))
    approx_stake(stake_of(data, "A", "B"), 0.5, 0.5)
    approx_stake(stake_of(data, "C", "B"), 0.3, 0.3)
    assert data.warnings == ()


def test_shares_without_outstanding_are_summed_with_a_warning(xlsx) -> None:
    rows = [["Holder", "Subject", "Shares"], ["A", "B", 600], ["C", "B", 400]]
    data = read(book(xlsx, rows))
    approx_stake(stake_of(data, "A", "B"), 0.6, 0.6)
    approx_stake(stake_of(data, "C", "B"), 0.4, 0.4)
    assert codes(data) == ["shares_summed"]
    warning = data.warnings[0]
    assert warning.where == Location(BOOK, "Holdings", 2)
    assert "B has no shares outstanding" in warning.message


def test_mixed_percent_and_shares_without_outstanding_is_an_error(xlsx) -> None:
    rows = [["Holder", "Subject", "Percent", "Shares"], ["A", "B", 40, None], ["C", "B", None, 600]]
    error = error_of(book(xlsx, rows))
    assert error.where == Location(BOOK, "Holdings", 3)
    assert error.reason.startswith("B has holdings given as percentages and as share counts but no shares outstanding")


def test_more_shares_than_outstanding_is_an_error(xlsx) -> None:
    rows = [["Holder", "Subject", "Shares"], ["A", "B", 12000]]
    error = error_of(book(xlsx, rows, _entities_with_outstanding(10000)))
    assert error.where == Location(BOOK, "Holdings", 2)
    assert "12,000 shares is more than B's 10,000 shares outstanding" in error.reason


def test_bad_share_count_is_located(xlsx) -> None:
    error = error_of(book(xlsx, [["Holder", "Subject", "Shares"], ["A", "B", "many"]]))
    assert error.where == Location(BOOK, "Holdings", 2, 3, "Shares")


def test_bad_shares_outstanding_is_located(xlsx) -> None:
    error = error_of(book(xlsx, [["Holder", "Subject", "Shares"], ["A", "B", 10]], _entities_with_outstanding(-5)))
    assert error.where == Location(BOOK, "Entities", 3, 3, "Shares outstanding")


# =========================================================================================================
# Countries
# =========================================================================================================


def test_entity_countries_are_normalised(xlsx) -> None:
    entities = [
        ["ID", "Type", "Jurisdiction", "Headquarters"],
        ["A", "company", "CHN", "PRC"],
        ["B", "company", "Hong Kong SAR", None],
        ["C", "company", "cayman islands", "China"],
        ["D", "company", "United States", "  "],
        ["E", "person", "Chinese", None],
        ["F", "company", None, None],
    ]
    data = read(book(xlsx, [HOLDING_HEADER, ["A", "B", 40]], entities))
    got = {e.id: (e.jurisdiction, e.headquarters) for e in data.entities}
    assert got == {
        "A": ("CN", "CN"),
        "B": ("HK", None),
        "C": ("KY", "CN"),
        "D": ("US", None),
        "E": ("CN", None),
        "F": (None, None),
    }


def test_unknown_country_is_an_error_naming_the_cell(xlsx) -> None:
    entities = [["ID", "Name", "Jurisdiction"], ["A", "Alpha", "CN"], ["B", "Beta", "Chinaa"]]
    error = error_of(book(xlsx, [HOLDING_HEADER, ["A", "B", 40]], entities))
    assert error.where == Location(BOOK, "Entities", 3, 3, "Jurisdiction")
    assert error.one_line().startswith("cap.xlsx, sheet 'Entities', row 3, column C (Jurisdiction): country 'Chinaa'")


def test_unknown_headquarters_is_an_error_naming_the_cell(xlsx) -> None:
    entities = [["ID", "Jurisdiction", "HQ"], ["A", "CN", "Atlantis"], ["B", "GB", None]]
    error = error_of(book(xlsx, [HOLDING_HEADER, ["A", "B", 40]], entities))
    assert error.where == Location(BOOK, "Entities", 2, 3, "HQ")


def test_csv_with_jurisdiction_columns_builds_entities_from_rows(text_file) -> None:
    path = text_file(
        "holder,holder_jurisdiction,subject,subject_jurisdiction,percent\n"
        "Red Dragon,PRC,Harbour Ltd,Hong Kong SAR,60\n"
        "Blue Sky,,Harbour Ltd,HK,40\n"
        "Harbour Ltd,,Widget plc,GB,100\n",
        name="h.csv",
    )
    data = read(path)
    got = {e.id: e.jurisdiction for e in data.entities}
    assert got == {"Red Dragon": "CN", "Harbour Ltd": "HK", "Blue Sky": None, "Widget plc": "GB"}
    assert [e.id for e in data.entities] == ["Red Dragon", "Harbour Ltd", "Blue Sky", "Widget plc"]
    assert "unknown_country" not in codes(data)
    assert "unknown_reference" not in codes(data)


def test_csv_inline_names_and_types(text_file) -> None:
    path = text_file(
        "holder,holder_name,holder_type,holder_country,subject,subject_name,subject_country,percent\n"
        "P1,Wang Fang,person,CN,S1,Shenzhen Widgets,CN,100\n",
        name="h.csv",
    )
    data = read(path)
    person = entity(data, "P1")
    assert (person.name, person.type, person.jurisdiction) == ("Wang Fang", EntityType.PERSON, "CN")
    assert entity(data, "S1").name == "Shenzhen Widgets"


def test_csv_conflicting_country_for_one_entity_is_an_error_naming_the_second_row(text_file) -> None:
    path = text_file(
        "holder,holder_jurisdiction,subject,subject_jurisdiction,percent\n"
        "Red Dragon,CN,Harbour Ltd,HK,60\n"
        "Blue Sky,US,Harbour Ltd,HK,40\n"
        "Red Dragon,SG,Widget plc,GB,100\n",
        name="h.csv",
    )
    error = error_of(path)
    assert error.where == Location("h.csv", None, 4, 2, "holder_jurisdiction")
    assert "Red Dragon has jurisdiction SG here but CN at row 2" in error.reason


def test_csv_conflict_between_holder_and_subject_roles(text_file) -> None:
    path = text_file(
        "holder,holder_jurisdiction,subject,subject_jurisdiction,percent\n"
        "Red Dragon,CN,Harbour Ltd,HK,60\n"
        "Harbour Ltd,SG,Widget plc,GB,100\n",
        name="h.csv",
    )
    error = error_of(path)
    assert error.where == Location("h.csv", None, 3, 2, "holder_jurisdiction")


def test_csv_unknown_country_text_is_an_error(text_file) -> None:
    path = text_file("holder,holder_jurisdiction,subject,percent\nA,Narnia,B,60\n", name="h.csv")
    error = error_of(path)
    assert error.where == Location("h.csv", None, 2, 2, "holder_jurisdiction")
    assert error.one_line().startswith("h.csv, row 2, column B (holder_jurisdiction): country 'Narnia'")


def test_csv_without_jurisdiction_columns_warns_unknown_country(text_file) -> None:
    data = read(text_file("holder,subject,percent\nA,B,60\n", name="h.csv"))
    assert codes(data) == ["unknown_country"]
    assert data.warnings[0].where == Location("h.csv")
    assert all(e.jurisdiction is None for e in data.entities)


# =========================================================================================================
# Entities
# =========================================================================================================


def test_entity_rows_are_read_with_location(xlsx) -> None:
    entities = [
        ["ID", "Name", "Type", "Jurisdiction", "Headquarters", "Shares outstanding"],
        ["BYTE", "字节跳动", "company", "KY", "CN", 1000000],
        ["ZW", None, "individual", "CN", None, None],
    ]
    data = read(book(xlsx, [HOLDING_HEADER, ["ZW", "BYTE", 40]], entities))
    assert data.entities[0] == Entity(
        "BYTE", "字节跳动", EntityType.COMPANY, "KY", "CN", 1000000.0, True, Location(BOOK, "Entities", 2)
    )
    assert data.entities[1] == Entity(
        "ZW", "ZW", EntityType.PERSON, "CN", None, None, True, Location(BOOK, "Entities", 3)
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Company", EntityType.COMPANY),
        ("LLC", EntityType.COMPANY),
        ("natural person", EntityType.PERSON),
        ("Individual", EntityType.PERSON),
        ("fund", EntityType.FUND),
        ("Trust", EntityType.TRUST),
        ("state", EntityType.STATE),
        ("Government", EntityType.STATE),
        ("public", EntityType.PUBLIC),
        ("free_float", EntityType.PUBLIC),
        ("unknown", EntityType.UNKNOWN),
        (None, EntityType.UNKNOWN),
    ],
)
def test_entity_types(xlsx, text: str | None, expected: EntityType) -> None:
    entities = [["ID", "Type"], ["A", text], ["B", "company"]]
    data = read(book(xlsx, [HOLDING_HEADER, ["A", "B", 40]], entities))
    assert entity(data, "A").type is expected
    assert data.warnings == ()


def test_unrecognised_type_warns_and_reads_unknown(xlsx) -> None:
    entities = [["ID", "Type"], ["A", "widget"], ["B", "company"]]
    data = read(book(xlsx, [HOLDING_HEADER, ["A", "B", 40]], entities))
    assert entity(data, "A").type is EntityType.UNKNOWN
    assert codes(data) == ["unknown_type"]
    warning = data.warnings[0]
    assert "'widget'" in warning.message
    assert warning.where == Location(BOOK, "Entities", 2, 2, "Type")


def test_duplicate_entity_with_identical_details_warns(xlsx) -> None:
    entities = [["ID", "Jurisdiction"], ["A", "CN"], ["B", "GB"], ["A", "China"]]
    data = read(book(xlsx, [HOLDING_HEADER, ["A", "B", 40]], entities))
    assert [e.id for e in data.entities] == ["A", "B"]
    assert entity(data, "A").where == Location(BOOK, "Entities", 2)
    assert codes(data) == ["duplicate_entity"]
    warning = data.warnings[0]
    assert warning.where == Location(BOOK, "Entities", 4, 1, "ID")
    assert "first at row 2" in warning.message


def test_duplicate_entity_with_different_details_is_an_error_naming_the_row(xlsx) -> None:
    entities = [["ID", "Jurisdiction"], ["A", "CN"], ["B", "GB"], ["A", "SG"]]
    error = error_of(book(xlsx, [HOLDING_HEADER, ["A", "B", 40]], entities))
    assert error.where == Location(BOOK, "Entities", 4, 1, "ID")
    assert "entity id A is listed twice with different details (first at row 2)" in error.reason


def test_entity_row_without_id_is_an_error(xlsx) -> None:
    entities = [["ID", "Name"], ["A", "Alpha"], [None, "Orphan Ltd"], ["B", "Beta"]]
    error = error_of(book(xlsx, [HOLDING_HEADER, ["A", "B", 40]], entities))
    assert error.where == Location(BOOK, "Entities", 3, 1, "ID")


# =========================================================================================================
# Holding rows
# =========================================================================================================


def test_empty_holder_is_an_error_at_that_cell(xlsx) -> None:
    error = error_of(book(xlsx, [HOLDING_HEADER, ["A", "B", 40], [None, "B", 60]]))
    assert error.where == Location(BOOK, "Holdings", 3, 1, "Holder")
    assert "the holder is empty" in error.reason


def test_empty_subject_is_an_error_at_that_cell(xlsx) -> None:
    error = error_of(book(xlsx, [HOLDING_HEADER, ["A", "  ", 40]]))
    assert error.where == Location(BOOK, "Holdings", 2, 2, "Subject")
    assert "the subject is empty" in error.reason


def test_row_without_percent_shares_or_control_is_an_error(xlsx) -> None:
    rows = [
        [*HOLDING_HEADER, "Shares", "Control", "Source"],
        ["A", "B", 40, None, None, "x"],
        ["C", "B", None, None, "no", "y"],
    ]
    error = error_of(book(xlsx, rows))
    assert error.where == Location(BOOK, "Holdings", 3, 3, "Percent")
    assert "no stake" in error.reason


def test_whitespace_only_percent_is_no_stake(xlsx) -> None:
    # A percent cell holding only spaces is as blank as an empty one: the row has no stake.
    error = error_of(book(xlsx, [[*HOLDING_HEADER, "Source"], ["A", "B", "   ", "register"]]))
    assert error.where == Location(BOOK, "Holdings", 2, 3, "Percent")
    assert "no stake" in error.reason


def test_whitespace_only_percent_in_csv_is_no_stake(text_file) -> None:
    error = error_of(text_file("holder,subject,percent,source\nA,B, ,register\n", name="h.csv"))
    assert error.where == Location("h.csv", None, 2, 3, "percent")


def test_control_without_percent_is_a_control_only_holding(xlsx) -> None:
    rows = [[*HOLDING_HEADER, "Control"], ["A", "B", None, "yes"], ["C", "B", 30, "x"], ["A", "C", 20, "no"]]
    data = read(book(xlsx, rows))
    control_only = holding(data, "A", "B")
    assert (control_only.stake, control_only.control) == (None, True)
    assert holding(data, "C", "B").control is True
    assert holding(data, "C", "B").stake == Stake(0.3, 0.3)
    assert holding(data, "A", "C").control is False
    assert data.warnings == ()


def test_control_only_sheet_reads_control_rows(xlsx) -> None:
    data = read(book(xlsx, [["Holder", "Subject", "Control"], ["A", "B", "yes"]]))
    h = holding(data, "A", "B")
    assert (h.stake, h.control) == (None, True)


@pytest.mark.parametrize("value", [None, "no"])
def test_control_only_sheet_with_a_row_without_control_is_a_located_error(xlsx, value: str | None) -> None:
    # Holder/Subject/Control columns only (a list of VIE agreements): a row whose control is blank or "no"
    # has no stake at all, which is an input error at that row, not a crash.
    rows = [["Holder", "Subject", "Control", "Source"], ["A", "B", "yes", "VIE"], ["C", "B", value, "VIE"]]
    error = error_of(book(xlsx, rows))
    assert error.where is not None
    assert (error.where.file, error.where.sheet, error.where.row) == (BOOK, "Holdings", 3)
    assert "no stake" in error.reason


@pytest.mark.parametrize("value", ["maybe", "2", "partly"])
def test_bad_control_value_is_an_error(xlsx, value: str) -> None:
    error = error_of(book(xlsx, [[*HOLDING_HEADER, "Control"], ["A", "B", 10, value]]))
    assert error.where == Location(BOOK, "Holdings", 2, 4, "Control")
    assert "not a yes/no value" in error.reason


def test_dates_as_date_cells_and_iso_text(xlsx) -> None:
    rows = [
        [*HOLDING_HEADER, "Start", "End"],
        ["A", "B", 40, datetime(2021, 3, 1), datetime(2024, 6, 30)],
        ["C", "B", 60, "2024-07-01", None],
        ["A", "C", 10, None, "2030-12-31"],
    ]
    data = read(book(xlsx, rows, formats={"Holdings": {"D2": "yyyy-mm-dd", "E2": "dd/mm/yyyy"}}))
    assert (holding(data, "A", "B").start, holding(data, "A", "B").end) == (date(2021, 3, 1), date(2024, 6, 30))
    assert (holding(data, "C", "B").start, holding(data, "C", "B").end) == (date(2024, 7, 1), None)
    assert (holding(data, "A", "C").start, holding(data, "A", "C").end) == (None, date(2030, 12, 31))


def test_start_after_end_is_an_error(xlsx) -> None:
    rows = [[*HOLDING_HEADER, "Start", "End"], ["A", "B", 40, "2024-07-01", "2024-06-30"]]
    error = error_of(book(xlsx, rows))
    assert error.where == Location(BOOK, "Holdings", 2, 5, "End")
    assert "the start date 2024-07-01 is after the end date 2024-06-30" in error.reason


def test_start_equal_to_end_is_fine(xlsx) -> None:
    rows = [[*HOLDING_HEADER, "Start", "End"], ["A", "B", 40, "2024-07-01", "2024-07-01"]]
    assert holding(read(book(xlsx, rows)), "A", "B").start == date(2024, 7, 1)


@pytest.mark.parametrize(
    ("value", "words"), [("31/01/2024", "ambiguous"), ("soon", "not a date"), ("2024-02-30", "not a real date")]
)
def test_bad_date_text_is_an_error_at_the_cell(xlsx, value: str, words: str) -> None:
    rows = [[*HOLDING_HEADER, "Start", "End"], ["A", "B", 40, None, value]]
    error = error_of(book(xlsx, rows))
    assert error.where == Location(BOOK, "Holdings", 2, 5, "End")
    assert words in error.reason


def test_holding_carries_source_votes_and_row(xlsx) -> None:
    rows = [[*HOLDING_HEADER, "Votes", "Source"], ["A", "B", "40%", ">50%", "  Register\u00a0of   members "]]
    h = holding(read(book(xlsx, rows)), "A", "B")
    assert h == Holding(
        "A",
        "B",
        Stake(0.4, 0.4),
        votes=Stake(0.5 + N, 1.0),
        source="Register of members",
        where=Location(BOOK, "Holdings", 2),
    )


def test_owns_column_names_the_subject(text_file) -> None:
    # The KEK German media data names the owned company "owns" (shares.csv: shareholder, owns, share).
    path = text_file("shareholder,owns,share\n3360,3828,100.0\n1093,1092,38.85\n", name="shares.csv")
    data = read(path)
    assert [(h.holder, h.subject, h.where) for h in data.holdings] == [
        ("3360", "3828", Location("shares.csv", None, 2)),
        ("1093", "1092", Location("shares.csv", None, 3)),
    ]
    approx_stake(stake_of(data, "3360", "3828"), 1.0, 1.0)
    approx_stake(stake_of(data, "1093", "1092"), 0.3885, 0.3885)
    assert "ignored_column" not in codes(data)
