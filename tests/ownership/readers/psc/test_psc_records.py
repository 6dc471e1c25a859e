"""UK PSC snapshot reader: who the records name (ids, persons, countries, company data), the real files one by
one, and the errors a damaged snapshot gives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_psc_support import (
    AT_LEAST_75,
    CN,
    MORE_THAN_25_TO_50,
    REAL,
    codes,
    corporate,
    line,
    person,
    read,
    warning,
    write_lines,
)

from ownership.errors import InputError, Location
from ownership.model import CountryKind, EntityType
from ownership.pipeline import check
from ownership.readers.cells.tables import DEFAULT_LIMITS, ReadLimits
from ownership.readers.psc.reader import read_psc
from ownership.result import Status


@pytest.fixture
def snapshot(tmp_path: Path):
    """``snapshot(records, name="psc.jsonl")`` writes records as JSON Lines and returns the path."""

    def write(records: list[object], name: str = "psc.jsonl") -> Path:
        return write_lines(tmp_path / name, records)

    return write


# ---------------------------------------------------------------------------------------------------------
# Identity of persons, names, countries
# ---------------------------------------------------------------------------------------------------------


def test_the_same_person_in_two_companies_is_one_entity_and_a_repeated_record_one_holding(snapshot) -> None:
    data = read(
        snapshot(
            [
                person("01234567", ["ownership-of-shares-25-to-50-percent"]),
                person("07654321", ["ownership-of-shares-75-to-100-percent"], name="Mrs Ann Example"),
                person("07654321", ["voting-rights-75-to-100-percent", "ownership-of-shares-75-to-100-percent"]),
            ]
        )
    )
    assert [e.id for e in data.entities if e.type is EntityType.PERSON] == ["PSC-PERSON-ann-example-1975-05"]
    holdings = {(h.holder, h.subject): (h.stake, h.votes) for h in data.holdings}
    assert holdings == {
        ("PSC-PERSON-ann-example-1975-05", "GB-COH-01234567"): (MORE_THAN_25_TO_50, None),
        ("PSC-PERSON-ann-example-1975-05", "GB-COH-07654321"): (AT_LEAST_75, AT_LEAST_75),
    }
    assert "listed 2 times as a PSC of 07654321 (lines 2, 3)" in warning(data, "psc_duplicate")


def test_a_person_without_date_of_birth_is_kept_per_record(snapshot) -> None:
    data = read(snapshot([person("01234567", ["significant-influence-or-control"], date_of_birth=None)]))
    assert [h.holder for h in data.holdings] == ["PSC-01234567-X1"]


def test_dual_nationality_and_residence_fill_both_country_fields(snapshot) -> None:
    data = read(
        snapshot(
            [
                person(
                    "01234567",
                    ["ownership-of-shares-50-to-75-percent"],
                    nationality="British,Chinese",
                    country_of_residence="Hong Kong",
                )
            ]
        )
    )
    ann = next(e for e in data.entities if e.type is EntityType.PERSON)
    # First nationality, residence, and the second nationality beside them: no country is dropped.
    assert (ann.jurisdiction, ann.headquarters, ann.other_countries) == ("GB", "HK", (("CN", CountryKind.NATIONALITY),))
    assert "psc_extra_country" not in codes(data)
    assert check(data, CN).verdict("GB-COH-01234567").status is Status.FLAGGED
    assert check(data, CN.with_changes(jurisdictions=frozenset({"HK"}))).verdict("GB-COH-01234567").status is (
        Status.FLAGGED
    )


def test_nationalities_from_different_filings_of_one_person_all_count(snapshot) -> None:
    data = read(
        snapshot(
            [
                person("01234567", ["ownership-of-shares-75-to-100-percent"], country_of_residence="England"),
                person("07654321", ["ownership-of-shares-75-to-100-percent"], nationality="Chinese"),
            ]
        )
    )
    ann = next(e for e in data.entities if e.type is EntityType.PERSON)
    # British, resident in England, in one filing; Chinese in the other: both nationalities count.
    assert (ann.jurisdiction, ann.headquarters, ann.other_countries) == (
        "GB",
        "GB",
        (("CN", CountryKind.NATIONALITY),),
    )
    assert codes(data) == []
    result = check(data, CN)
    assert {result.verdict(c).status for c in ("GB-COH-01234567", "GB-COH-07654321")} == {Status.FLAGGED}


def test_unrecognised_country_texts_are_left_unknown_with_a_counted_warning(snapshot) -> None:
    data = read(
        snapshot(
            [
                corporate(
                    "01234567", "Mystery Sa", ["ownership-of-shares-75-to-100-percent"], place_registered="Atlantis"
                ),
                corporate(
                    "07654321", "Mystery Sa", ["ownership-of-shares-25-to-50-percent"], place_registered="Atlantis"
                ),
                person("01234567", ["significant-influence-or-control"], nationality="Martian"),
            ]
        )
    )
    mystery = next(e for e in data.entities if e.name == "Mystery Sa")
    assert (mystery.id, mystery.jurisdiction, mystery.headquarters) == ("PSC-NAME-XX-mystery-sa", None, None)
    assert "place_registered 'Atlantis' of 2 records" in next(
        w.message for w in data.warnings if w.code == "unknown_country" and "Atlantis" in w.message
    )
    assert any(w.code == "unknown_country" and "'Martian'" in w.message for w in data.warnings)
    # matched across the two companies by name only, which the user is told
    assert "by its name and country" in warning(data, "psc_name_match")
    assert check(data, CN).verdict("GB-COH-01234567").status is Status.POSSIBLE


def test_a_company_described_differently_keeps_its_first_country_with_a_warning(snapshot) -> None:
    records = []
    for company, address in (("01234567", "England"), ("07654321", "France")):
        record = corporate(company, "Beta Ltd", ["ownership-of-shares-75-to-100-percent"], country_registered="England")
        record["data"]["address"] = {"country": address}  # type: ignore[index]
        records.append(record)
    data = read(snapshot(records))
    beta = next(e for e in data.entities if e.name == "Beta Ltd")
    assert (beta.jurisdiction, beta.headquarters) == ("GB", "GB")
    assert warning(data, "psc_conflict").endswith("has headquarters FR here but GB in an earlier record: GB kept")


def test_many_warnings_of_one_kind_are_summed_up_after_twenty(snapshot) -> None:
    records = [person(f"{n:08d}", ["ownership-of-shares-25-to-50-percent"]) for n in range(1, 26)] * 2
    data = read(snapshot(records))
    duplicates = [w.message for w in data.warnings if w.code == "psc_duplicate"]
    assert len(duplicates) == 21
    assert duplicates[-1] == "5 more 'psc_duplicate' warnings like the ones above"


@pytest.mark.parametrize(
    ("identification", "entity_id", "country"),
    [
        ({"country_registered": "England & Wales", "registration_number": "686734"}, "GB-COH-00686734", "GB"),
        ({"place_registered": "Companies House, Cardiff", "registration_number": "SC 123456"}, "GB-COH-SC123456", "GB"),
        ({"country_registered": "Minnesota, Usa", "registration_number": "41-0406690"}, "US-REG-41-0406690", "US"),
        (
            {"place_registered": "Registrar Of Companies Atlantis", "registration_number": "77"},
            "PSC-REG-registrar-of-companies-atlantis-77",
            None,
        ),
        ({"legal_authority": "Companies Act", "registration_number": "123"}, "PSC-REG-companies-act-123", None),
        ({"legal_authority": "People'S Republic Of China"}, "PSC-NAME-CN-example-holdings", "CN"),
        ({}, "PSC-NAME-XX-example-holdings", None),
    ],
)
def test_corporate_ids_come_from_the_register_and_number(
    snapshot, identification: dict[str, str], entity_id: str, country: str | None
) -> None:
    data = read(
        snapshot([corporate("01234567", "Example Holdings", ["significant-influence-or-control"], **identification)])
    )
    holder = next(e for e in data.entities if e.id != "GB-COH-01234567")
    assert (holder.id, holder.jurisdiction) == (entity_id, country)


def test_overseas_entities_have_no_uk_jurisdiction_unless_company_data_gives_one(tmp_path: Path, snapshot) -> None:
    psc = snapshot([person("oe000001", ["ownership-of-shares-more-than-25-percent-registered-overseas-entity"])])
    alone = read(psc)
    assert next(e for e in alone.entities if e.id == "GB-COH-OE000001").jurisdiction is None
    companies = tmp_path / "companies.csv"
    companies.write_text("CompanyName,CompanyNumber,CountryOfOrigin\nSEA VIEW SA,OE000001,PANAMA\n", encoding="utf-8")
    both = read_psc([psc, companies], "folder", DEFAULT_LIMITS)
    company = next(e for e in both.entities if e.id == "GB-COH-OE000001")
    assert (company.name, company.jurisdiction) == ("SEA VIEW SA", "PA")


def test_real_company_data_names_the_company_and_the_wrapped_csv_is_rejoined() -> None:
    data = read_psc([REAL / "psc-data-1.json", REAL / "basic-company-data-1.csv"], "real", DEFAULT_LIMITS)
    company = next(e for e in data.entities if e.id == "GB-COH-08209948")
    assert (company.name, company.jurisdiction) == ("! LTD", "GB")
    assert warning(data, "psc_wrapped_lines").startswith("the lines of this CSV are cut at 118 characters")
    json_data = read_psc([REAL / "psc-data-1.json", REAL / "company-data-1.json"], "real", DEFAULT_LIMITS)
    assert next(e for e in json_data.entities if e.id == "GB-COH-08209948").name == "! LTD"
    assert "1 company data row is" in warning(json_data, "psc_company_unused")  # 11399177 has no PSC here


@pytest.mark.parametrize(
    ("file", "entities", "holdings", "warnings"),
    [
        ("psc-data-1.json", 2, 1, ["psc_ceased"]),
        ("psc-data-2.json", 2, 1, []),
        ("psc-data-5.json", 2, 1, []),
        ("psc-data-6.json", 2, 1, []),
        ("psc-data-7.json", 2, 1, ["psc_super_secure"]),
        ("psc-data-8.json", 6, 3, []),
        ("psc-data-15.json", 2, 1, []),
        ("psc-data-16.json", 2, 1, ["unknown_country"]),
    ],
)
def test_real_files_read_as_expected(file: str, entities: int, holdings: int, warnings: list[str]) -> None:
    data = read(REAL / file)
    assert (len(data.entities), len(data.holdings), codes(data)) == (entities, holdings, warnings)


def test_real_pretty_printed_records_are_located_at_the_line_they_start_on() -> None:
    data = read(REAL / "psc-data-8.json")
    assert [h.where.row for h in data.holdings if h.where] == [2, 34, 69]
    lines = (REAL / "psc-data-8.json").read_text(encoding="utf-8").splitlines()
    assert [lines[n - 1].strip() for n in (2, 34, 69)] == ["{", "{", "{"]
    clientlogic = next(e for e in data.entities if e.name == "Clientlogic Holding Limited")
    assert clientlogic.id == "GB-COH-03530981"  # "England And Wales", registered at "Companies House"


def test_real_us_insurer_and_swiss_ag_countries() -> None:
    insurer = next(e for e in read(REAL / "psc-data-15.json").entities if e.name.startswith("St. Paul"))
    assert (insurer.id, insurer.jurisdiction, insurer.headquarters) == ("US-REG-41-0406690", "US", "US")
    # legal_authority "Limited Liability" and legal_form "Ag" name no country (Ag is not Antigua)
    draeger = next(e for e in read(REAL / "psc-data-16.json").entities if e.name == "Draeger Finanz Ag")
    assert (draeger.jurisdiction, draeger.headquarters) == (None, "CH")


# ---------------------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------------------


def error_of(paths: list[Path], name: str, limits: ReadLimits = DEFAULT_LIMITS) -> InputError:
    with pytest.raises(InputError) as info:
        read_psc(paths, name, limits)
    return info.value


def test_invalid_json_is_an_error_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "psc.jsonl"
    good = json.dumps(person("01234567", ["significant-influence-or-control"]))
    path.write_text(f"{good}\n\n{good}\n{good[:40]}\n", encoding="utf-8")
    error = error_of([path], "psc.jsonl")
    assert error.where == Location("psc.jsonl", row=4)
    assert "cut short" in error.reason


def test_a_cut_off_json_array_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "psc.json"
    path.write_text((REAL / "psc-data-8.json").read_text(encoding="utf-8")[:2000], encoding="utf-8")
    error = error_of([path], "psc.json")
    assert error.where is not None and error.where.file == "psc.json" and error.where.row is not None


def test_records_that_are_not_psc_lines_are_errors_with_a_count(snapshot) -> None:
    path = snapshot(
        [
            person("01234567", ["significant-influence-or-control"]),
            {"company_number": "01234567"},
            line("not a number!", kind="individual-person-with-significant-control"),
            ["a list"],
            person("01234567", "ownership-of-shares-25-to-50-percent"),  # type: ignore[arg-type]
        ]
    )
    error = error_of([path], "psc.jsonl")
    assert error.where == Location("psc.jsonl", row=2)
    assert '"data"' in error.reason
    assert error.more == 3


def test_a_file_that_is_neither_psc_nor_company_data_is_refused(tmp_path: Path, snapshot) -> None:
    other = tmp_path / "notes.csv"
    other.write_text("holder,subject,percent\nA,B,50\n", encoding="utf-8")
    error = error_of([snapshot([person("01234567", ["significant-influence-or-control"])]), other], "folder")
    assert error.where == Location("folder/notes.csv")


def test_company_data_alone_or_only_a_totals_line_is_an_error(tmp_path: Path) -> None:
    assert "no PSC snapshot file" in error_of([REAL / "company-data-1.json"], "company-data-1.json").reason
    totals = tmp_path / "totals.jsonl"
    totals.write_text('{"data":{"kind":"totals#persons-of-significant-control-snapshot"}}\n', encoding="utf-8")
    assert "no PSC records" in error_of([totals], "totals.jsonl").reason


@pytest.mark.parametrize(
    ("limits", "words"),
    [
        (ReadLimits(max_bytes=100), "more than the limit"),
        (ReadLimits(max_rows=2), "more than 2 lines"),
        (ReadLimits(max_cell_chars=100), "longer than 100 characters"),
    ],
)
def test_read_limits_are_respected(snapshot, limits: ReadLimits, words: str) -> None:
    path = snapshot([person(f"0123456{k}", ["significant-influence-or-control"]) for k in range(3)])
    assert words in error_of([path], "psc.jsonl", limits).reason


def test_company_data_whose_rows_do_not_fit_the_header_is_an_error(tmp_path: Path, snapshot) -> None:
    companies = tmp_path / "companies.csv"
    companies.write_text("CompanyName,CompanyNumber\nA LTD,01234567,extra\n", encoding="utf-8")
    error = error_of([snapshot([person("01234567", ["significant-influence-or-control"])]), companies], "folder")
    assert error.where == Location("folder/companies.csv", row=2)


def test_a_sanctioned_beneficial_owner_is_pointed_out(snapshot) -> None:
    record = person("OE000001", ["ownership-of-shares-more-than-25-percent-registered-overseas-entity"])
    record["data"] |= {"kind": "individual-beneficial-owner", "is_sanctioned": True}  # type: ignore[operator]
    data = read(snapshot([record]))
    assert "is marked as sanctioned" in warning(data, "psc_sanctioned")


def test_a_file_of_unreadable_records_stops_at_a_thousand_errors(snapshot) -> None:
    good = person("01234567", ["significant-influence-or-control"])
    error = error_of([snapshot([good] + [{"company_number": "01234567"}] * 1500)], "psc.jsonl")
    assert (error.where, error.more) == (Location("psc.jsonl", row=2), 999)
