"""Workbooks as compliance officers keep them (issue 15): a register of members under a title row with a
Total row, the headers people write, entities sheets named otherwise and keyed by name, mixed percent
forms, every problem at once, and the gate-safety rules (nothing that looks like data goes unread).

Each workbook is built here, a few rows by hand, with its answer worked out in the comments.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ownership.errors import InputError, Location
from ownership.model import OwnershipData, Stake
from ownership.readers import read_input
from ownership.readers.canonical.register import title_company
from ownership.readers.cells.tables import ReadLayout, ReadLimits

TITLE = "Jade Semiconductor Pte. Ltd. - Register of Members as at 30 June 2026"
JADE = "Jade Semiconductor Pte. Ltd."
REGISTER = [
    ["Shareholder", "Country", "Shares held", "% Shareholding", "Share class", "Notes"],
    ["Beijing Lingxin Fund LP", "China", 5_500_000, 55, "Ordinary", "lead investor"],
    ["Orchard Ventures Pte Ltd", "Singapore", 3_000_000, 30, "Ordinary", None],
    ["Smith, John", "United Kingdom", 1_500_000, 15, "Ordinary", None],
    ["Total", None, 10_000_000, 100, None, None],
]


def read(path: Path, **layout: object) -> OwnershipData:
    limits = ReadLimits(layout=ReadLayout(**layout))  # type: ignore[arg-type]
    return read_input(path, display=path.name, limits=limits)


def error_of(path: Path, **layout: object) -> InputError:
    with pytest.raises(InputError) as info:
        read(path, **layout)
    return info.value


def codes(data: OwnershipData) -> list[str]:
    return [w.code for w in data.warnings]


def stakes(data: OwnershipData) -> dict[tuple[str, str], Stake | None]:
    return {(h.holder, h.subject): h.stake for h in data.holdings}


def countries(data: OwnershipData) -> dict[str, tuple[str | None, str | None]]:
    return {e.id: (e.jurisdiction, e.headquarters) for e in data.entities}


# ---------------------------------------------------------------------------------------------------------
# Shape 1: one company's register of members
# ---------------------------------------------------------------------------------------------------------


def test_register_under_a_title_row_with_a_total_row(xlsx) -> None:
    path = xlsx({"Register": REGISTER}, titles={"Register": [[TITLE], []]}, name="jade.xlsx")
    data = read(path)
    # The subject is the company the title names; Country is the holder's; the Total row is no holder.
    assert stakes(data) == {
        ("Beijing Lingxin Fund LP", JADE): Stake(0.55, 0.55),
        ("Orchard Ventures Pte Ltd", JADE): Stake(0.30, 0.30),
        ("Smith, John", JADE): Stake(0.15, 0.15),
    }
    assert countries(data)["Beijing Lingxin Fund LP"] == ("CN", None)
    assert countries(data)["Smith, John"] == ("GB", None)
    assert countries(data)[JADE] == (None, None)
    assert "Total" not in countries(data)
    # Share class is another column (warned); Notes is free text (silent); the title names the subject.
    assert sorted(codes(data)) == ["ignored_column", "no_entities_sheet", "register_subject"]
    subject_warning = next(w for w in data.warnings if w.code == "register_subject")
    assert f"'{JADE}'" in subject_warning.message
    assert subject_warning.where == Location("jade.xlsx", "Register", 1)
    no_entities = next(w for w in data.warnings if w.code == "no_entities_sheet")
    assert "every entity's country is unknown" not in no_entities.message
    assert "country columns" in no_entities.message


def test_subject_option_wins_over_the_title(xlsx) -> None:
    path = xlsx({"Register": REGISTER}, titles={"Register": [[TITLE]]})
    data = read(path, subject="Jade Semi (SG)")
    assert {h.subject for h in data.holdings} == {"Jade Semi (SG)"}
    assert "register_subject" not in codes(data)


def test_register_without_a_title_is_about_the_file_stem_with_a_warning(xlsx) -> None:
    path = xlsx({"Sheet1": REGISTER}, name="jade-register.xlsx")
    data = read(path)
    assert {h.subject for h in data.holdings} == {"jade-register"}
    warning = next(w for w in data.warnings if w.code == "register_subject")
    assert "the file's name" in warning.message and "--subject" in warning.message


def test_total_row_that_does_not_add_up_is_a_warning(xlsx) -> None:
    # 55 + 30 + 15 = 100, but the total row says 90% and 9,000,000 shares.
    rows = [*REGISTER[:-1], ["TOTAL", None, 9_000_000, 90, None, None]]
    data = read(xlsx({"Register": rows}, titles={"Register": [[TITLE]]}))
    mismatches = [w for w in data.warnings if w.code == "total_mismatch"]
    assert [w.where for w in mismatches] == [
        Location("book.xlsx", "Register", 6, 3, "Shares held"),
        Location("book.xlsx", "Register", 6, 4, "% Shareholding"),
    ] or [w.where for w in mismatches] == [
        Location("book.xlsx", "Register", 6, 4, "% Shareholding"),
        Location("book.xlsx", "Register", 6, 3, "Shares held"),
    ]
    assert any("says 90%" in w.message and "add up to 100%" in w.message for w in mismatches)
    assert len(data.holdings) == 3


def test_total_row_within_rounding_is_silent(xlsx) -> None:
    # Three thirds written to two decimals: 33.33 * 3 = 99.99, the total says 100.
    rows = [
        ["Shareholder", "Country", "% held"],
        ["A Ltd", "CN", 33.33],
        ["B Ltd", "US", 33.33],
        ["C Ltd", "GB", 33.33],
        ["Sum", None, 100],
    ]
    data = read(xlsx({"Members": rows}, titles={"Members": [["Acme Ltd"]]}))
    assert "total_mismatch" not in codes(data)
    assert {h.subject for h in data.holdings} == {"Acme Ltd"}


@pytest.mark.parametrize(
    ("title", "company"),
    [
        (TITLE, JADE),
        ("Register of members of Jade Semiconductor Pte. Ltd. as at 30 June 2026", JADE),
        ("Jade Semiconductor Pte. Ltd.", JADE),
        ("Acme GmbH: cap table 2026", "Acme GmbH"),
        ("Register of Members", None),
        ("Prepared by: finance", None),
    ],
)
def test_the_company_a_title_names(title: str, company: str | None) -> None:
    assert title_company(title) == company


# ---------------------------------------------------------------------------------------------------------
# Shape 2: headers people write (the alias table is columns.py, documented in the README)
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("header", ["% held", "% Shareholding", "Shareholding (%)", "Ownership %"])
def test_percent_headers(xlsx, header: str) -> None:
    data = read(xlsx({"Holdings": [["Shareholder", "Company", header], ["P", "T", 55]]}), lenient=True)
    assert stakes(data) == {("P", "T"): Stake(0.55, 0.55)}


@pytest.mark.parametrize("holder", ["Shareholder Name", "Name of shareholder"])
@pytest.mark.parametrize("subject", ["Company Name", "Investee"])
def test_holder_and_subject_headers(xlsx, holder: str, subject: str) -> None:
    data = read(xlsx({"Holdings": [[holder, subject, "%"], ["P", "T", 55]]}))
    assert stakes(data) == {("P", "T"): Stake(0.55, 0.55)}


@pytest.mark.parametrize(
    "header", ["Place of incorporation", "Country of incorporation", "Domicile", "Registered office country"]
)
def test_country_headers_in_a_holdings_sheet_are_the_holders(xlsx, header: str) -> None:
    data = read(xlsx({"Holdings": [["Shareholder", "Company", "%", header], ["P", "T", 55, "PRC"]]}))
    assert countries(data) == {"P": ("CN", None), "T": (None, None)}


def test_nationality_in_a_holdings_sheet_is_the_holders(xlsx) -> None:
    data = read(xlsx({"Holdings": [["Shareholder", "Company", "%", "Nationality"], ["Li Na", "T", 55, "Chinese"]]}))
    assert countries(data)["Li Na"] == (None, "CN")


@pytest.mark.parametrize(
    "header", ["Place of incorporation", "Country of incorporation", "Domicile", "Registered office country"]
)
def test_country_headers_in_an_entities_sheet(xlsx, header: str) -> None:
    data = read(
        xlsx(
            {
                "Entities": [["ID", header], ["P", "China"], ["T", "SG"]],
                "Holdings": [["Holder", "Subject", "%"], ["P", "T", 55]],
            }
        )
    )
    assert countries(data) == {"P": ("CN", None), "T": ("SG", None)}


def test_every_alias_the_issue_lists_is_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[4] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Column headers", 1)[1].split("\n## ", 1)[0]
    from ownership.readers.cells.columns import ENTITY_COLUMNS, HOLDING_COLUMNS, header_key

    listed = {header_key(part) for part in section.replace("`", "|").split("|")}
    for table in (ENTITY_COLUMNS, HOLDING_COLUMNS):
        for field, keys in table.items():
            missing = sorted(keys - listed)
            assert not missing, f"README's column table lacks {field} aliases {missing}"


# ---------------------------------------------------------------------------------------------------------
# Shape 3: entities sheets named otherwise, keyed by name
# ---------------------------------------------------------------------------------------------------------

HOLDINGS_BY_NAME = [
    ["Shareholder", "Company", "% held"],
    ["Beijing Lingxin Fund LP", "Jade Semiconductor", 55],
    ["Orchard Ventures", "Jade Semiconductor", 45],
]


@pytest.mark.parametrize("sheet", ["Entity details", "KYC", "Shareholders info"])
def test_entities_sheet_named_otherwise_and_keyed_by_name(xlsx, sheet: str) -> None:
    parties = [
        ["Party", "Country of incorporation", "Type"],
        ["Beijing Lingxin Fund LP", "China", "fund"],
        ["Orchard Ventures", "Singapore", "company"],
        ["Jade Semiconductor", "Singapore", "company"],
    ]
    data = read(xlsx({"Holdings": HOLDINGS_BY_NAME, sheet: parties}))
    assert countries(data) == {
        "Beijing Lingxin Fund LP": ("CN", None),
        "Orchard Ventures": ("SG", None),
        "Jade Semiconductor": ("SG", None),
    }
    warning = next(w for w in data.warnings if w.code == "entities_sheet")
    assert f"sheet '{sheet}' names 3 of the parties" in warning.message
    assert "unknown_reference" not in codes(data)


def test_entities_sheet_named_parties_keyed_by_name(xlsx) -> None:
    parties = [["Name", "Country"], ["Beijing Lingxin Fund LP", "CN"], ["Orchard Ventures", "SG"]]
    data = read(xlsx({"Parties": parties, "Holdings": HOLDINGS_BY_NAME}))
    assert countries(data)["Beijing Lingxin Fund LP"] == ("CN", None)
    assert "entities_sheet" not in codes(data)  # named like it: nothing to say


# ---------------------------------------------------------------------------------------------------------
# Shape 4: mixed percent forms in one column
# ---------------------------------------------------------------------------------------------------------


def test_percent_text_beside_bare_fractions_is_an_error_naming_the_cells(xlsx) -> None:
    rows = [["Holder", "Subject", "Percent"], ["A", "T", "45%"], ["B", "T", 0.55], ["C", "T", 0.05]]
    error = error_of(xlsx({"Holdings": rows}))
    problems = (error, *error.also)
    assert [p.where for p in problems] == [
        Location("book.xlsx", "Holdings", 3, 3, "Percent"),
        Location("book.xlsx", "Holdings", 4, 3, "Percent"),
    ]
    assert "could be 55% or 0.55%" in error.reason
    assert "'45%' at row 2" in error.reason


def test_percent_formatted_fractions_beside_percent_text_are_fine(xlsx) -> None:
    rows = [["Holder", "Subject", "Percent"], ["A", "T", "45%"], ["B", "T", 0.55]]
    data = read(xlsx({"Holdings": rows}, formats={"Holdings": {"C3": "0%"}}))
    assert stakes(data) == {("A", "T"): Stake(0.45, 0.45), ("B", "T"): Stake(0.55, 0.55)}


def test_percent_text_beside_points_is_fine(xlsx) -> None:
    rows = [["Holder", "Subject", "Percent"], ["A", "T", "45%"], ["B", "T", 30], ["C", "T", 0.5]]
    data = read(xlsx({"Holdings": rows}))
    assert stakes(data)[("C", "T")] == Stake(0.005, 0.005)


def test_a_whole_column_of_bare_fractions_is_a_warning_as_before(xlsx) -> None:
    rows = [["Holder", "Subject", "Percent"], ["A", "T", 0.45], ["B", "T", 0.55]]
    assert "fraction_scale" in codes(read(xlsx({"Holdings": rows})))


def test_mixed_forms_in_a_folder_are_refused_by_both_readers(tmp_path: Path) -> None:
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "entities.csv").write_text("id,jurisdiction\nA,CN\nB,US\nT,SG\n")
    (folder / "holdings.csv").write_text("holder,subject,percent\nA,T,45%\nB,T,0.55\n")
    error = error_of(folder)
    assert error.where == Location("f/holdings.csv", None, 3, 3, "percent")


# ---------------------------------------------------------------------------------------------------------
# Shape 5: every problem at once
# ---------------------------------------------------------------------------------------------------------


def test_eight_errors_are_all_reported_one_line_each(xlsx) -> None:
    rows = [["Holder", "Subject", "Percent", "Start"]]
    rows += [["A", "T", "x"], ["B", "T", 150], ["C", None, 10], ["D", "T", -5]]
    rows += [["E", "T", 10, "31/31/2024"], ["F", "T", "lots"], [None, "T", 10], ["G", "T", "1O%"]]
    error = error_of(xlsx({"Holdings": rows}, name="cap.xlsx"))
    lines = error.one_line().splitlines()
    assert lines[0] == "8 problems in cap.xlsx; fix them all, then run again:"
    assert len(lines) == 9
    assert [line.split(",")[2].strip() for line in lines[1:]] == [f"row {n}" for n in range(2, 10)]
    assert all(line.startswith("  cap.xlsx, sheet 'Holdings', row ") for line in lines[1:])


def test_more_than_fifty_errors_list_fifty_and_count_the_rest(xlsx) -> None:
    rows = [["Holder", "Subject", "Percent"], *[[f"H{k}", "T", "x"] for k in range(60)]]
    lines = error_of(xlsx({"Holdings": rows})).one_line().splitlines()
    assert lines[0].startswith("60 problems in book.xlsx")
    assert len(lines) == 1 + 50 + 1
    assert lines[-1] == "  and 10 more"


# ---------------------------------------------------------------------------------------------------------
# A gate must not pass on what it did not read
# ---------------------------------------------------------------------------------------------------------

OWNER_COUNTRY = [
    ["Holder", "Subject", "Percent", "Beneficial owner country"],
    ["Lingxin", "Jade", 55, "CN"],
    ["Orchard", "Jade", 45, "SG"],
]


def test_an_unmapped_country_column_is_an_error_saying_how_to_map_it(xlsx) -> None:
    error = error_of(xlsx({"Holdings": OWNER_COUNTRY}))
    assert error.where == Location("book.xlsx", "Holdings", 1, 4, "Beneficial owner country")
    assert "looks like a country" in error.reason
    assert '--columns holder_country="Beneficial owner country"' in error.reason
    assert "--lenient" in error.reason


def test_the_mapped_country_column_is_read(xlsx) -> None:
    data = read(xlsx({"Holdings": OWNER_COUNTRY}), columns=(("holder_jurisdiction", "Beneficial owner country"),))
    assert countries(data)["Lingxin"] == ("CN", None)


def test_lenient_makes_the_unread_column_a_warning(xlsx) -> None:
    data = read(xlsx({"Holdings": OWNER_COUNTRY}), lenient=True)
    warning = next(w for w in data.warnings if w.code == "ignored_column")
    assert "looks like a country" in warning.message and "--lenient" in warning.message
    assert countries(data)["Lingxin"] == (None, None)


def test_a_column_mapped_to_ignore_is_silent(xlsx) -> None:
    data = read(xlsx({"Holdings": OWNER_COUNTRY}), columns=(("ignore", "Beneficial owner country"),))
    assert "ignored_column" not in codes(data)


@pytest.mark.parametrize(
    ("header", "kind"),
    [("Stake (approx)", "a percentage"), ("Units", "a share count"), ("Ultimate holder", "a holder")],
)
def test_other_unmapped_data_columns_are_errors(xlsx, header: str, kind: str) -> None:
    rows = [["Holder", "Subject", "Percent", header], ["A", "T", 55, "x"]]
    assert f"looks like {kind}" in error_of(xlsx({"Holdings": rows})).reason


def test_an_unused_sheet_with_data_is_an_error(xlsx) -> None:
    path = xlsx({"Holdings": [["Holder", "Subject", "%"], ["A", "T", 55]], "Q3 changes": [["A", "T", 60]]})
    error = error_of(path)
    assert error.where == Location("book.xlsx", "Q3 changes")
    assert "has data but is neither the holdings nor the entities sheet" in error.reason


def test_two_sheets_named_like_holdings_is_an_error_naming_both(xlsx) -> None:
    # Issue 16, item 7: never settled by the order of the tabs.
    path = xlsx(
        {
            "Hold_ings": [["Holder", "Subject", "%"], ["A", "T", 10]],
            "Holdings": [["Holder", "Subject", "%"], ["A", "T", 60]],
        }
    )
    error = error_of(path)
    assert error.reason.startswith("sheets 'Hold_ings' and 'Holdings' are both named like the Holdings sheet")
    assert error.where == Location("book.xlsx")


def test_two_sheets_named_like_entities_is_an_error_naming_both(xlsx) -> None:
    path = xlsx(
        {
            "Entities": [["ID", "Country"], ["A", "CN"]],
            "entities ": [["ID", "Country"], ["A", "US"]],
            "Holdings": [["Holder", "Subject", "%"], ["A", "T", 60]],
        }
    )
    assert "are both named like the Entities sheet" in error_of(path).reason


def test_no_entities_sheet_and_no_countries_says_so(xlsx) -> None:
    data = read(xlsx({"Holdings": [["Holder", "Subject", "%"], ["A", "T", 60]]}))
    assert data.warnings[0].message == (
        "the workbook has no Entities sheet and no country column: every entity's country is unknown"
    )


def test_a_folder_without_entities_csv_says_where_countries_come_from(tmp_path: Path) -> None:
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "holdings.csv").write_text("holder,holder_jurisdiction,subject,percent\nA,CN,T,60\n")
    warning = read(folder).warnings[0]
    assert warning.code == "no_entities_sheet"
    assert "countries come from the country columns of holdings.csv" in warning.message
    (folder / "holdings.csv").write_text("holder,subject,percent\nA,T,60\n")
    assert "every country is unknown" in read(folder).warnings[0].message


# ---------------------------------------------------------------------------------------------------------
# A holdings sheet's country column beside an Entities sheet is read, not ignored
# ---------------------------------------------------------------------------------------------------------


def test_holdings_countries_fill_what_the_entities_sheet_leaves_blank(xlsx) -> None:
    # Entities lists the fund without a country; the register's Country column says China: CN, read.
    entities = [["ID", "Country"], ["Lingxin", None], ["Orchard", "SG"], ["Jade", "SG"]]
    holdings = [["Holder", "Subject", "%", "Country"], ["Lingxin", "Jade", 55, "China"], ["Orchard", "Jade", 45, "SG"]]
    data = read(xlsx({"Entities": entities, "Holdings": holdings}))
    assert countries(data)["Lingxin"] == ("CN", None)
    warning = next(w for w in data.warnings if w.code == "country_from_holdings")
    assert "1 party without a country in sheet 'Entities'" in warning.message and "Lingxin" in warning.message
    assert "ignored_column" not in codes(data)


def test_holdings_country_contradicting_the_entities_sheet_is_an_error(xlsx) -> None:
    entities = [["ID", "Country"], ["Lingxin", "SG"], ["Jade", "SG"]]
    holdings = [["Holder", "Subject", "%", "Country"], ["Lingxin", "Jade", 55, "CN"]]
    error = error_of(xlsx({"Entities": entities, "Holdings": holdings}))
    assert error.where == Location("book.xlsx", "Holdings", 2, 4, "Country")
    assert "sheet 'Entities' gives Lingxin jurisdiction SG, but this row says CN" in error.reason


def test_unmapped_country_column_in_a_folder_or_csv_is_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "entities.csv").write_text("id,jurisdiction,Parent country\nA,US,CN\nT,SG,\n")
    (folder / "holdings.csv").write_text("holder,subject,percent\nA,T,60\n")
    error = error_of(folder)  # the columnar reader steps aside; the row reader names the column
    assert error.where == Location("f/entities.csv", None, 1, 3, "Parent country")
    assert "looks like a country" in error.reason
    single = tmp_path / "h.csv"
    single.write_text("holder,subject,percent,Owner's domicile\nA,T,60,CN\n")
    assert "looks like a country" in error_of(single).reason


def test_a_columns_mapping_that_matches_no_header_is_an_error(xlsx) -> None:
    error = error_of(xlsx({"Holdings": OWNER_COUNTRY}), columns=(("holder_jurisdiction", "Beneficial owner cuntry"),))
    problems = [error, *error.also]
    assert any(
        p.reason.startswith('--columns holder_jurisdiction="Beneficial owner cuntry": no column is headed')
        for p in problems
    )
