"""GLEIF serialisations: detection, the same records in every form, header variants and locations."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ownership.errors import Location
from ownership.model import EntityType, OwnershipData, Stake
from ownership.readers.cells.tables import DEFAULT_LIMITS
from ownership.readers.gleif.reader import looks_like_gleif, read_gleif

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "gleif"
PARENT, CHILD = "5493PARENTCN00000001", "5493CHILDHK000000002"


def read(*paths: Path, name: str = "gleif") -> OwnershipData:
    return read_gleif(list(paths), name, DEFAULT_LIMITS)


def head(path: Path) -> str:
    return path.read_bytes()[: 64 * 1024].decode("utf-8", errors="replace")


# ---------------------------------------------------------------------------------------------------------
# looks_like_gleif
# ---------------------------------------------------------------------------------------------------------

GLEIF_FILES = [
    "golden/lei.csv",
    "golden/rr.csv",
    "golden/repex.csv",
    "golden/lei.json",
    "golden/rr.json",
    "golden/repex.json",
    "xml/lei.xml",
    "xml/rr.xml",
    "xml/repex.xml",
    "api/lei-records.json",
    "api/relationship-records.json",
    "api/reporting-exception.json",
    "gleifr/entities.csv",
    "gleifr/relationships.csv",
    "real/relationship_issued.json",
    "real/repex-data.xml",
    "real/rr-updates-data2-excerpt.xml",
    "real/test-gleif-relationships-excerpt.csv",
    "real/test-gleif-entities-excerpt.csv",
    "real/relationship_data.json",
]


@pytest.mark.parametrize("name", GLEIF_FILES)
def test_gleif_files_are_recognised(name: str) -> None:
    assert looks_like_gleif(head(FIXTURES / name))


@pytest.mark.parametrize("name", ["real/bods_relationship_issued.json", "real/rr-data-out.json"])
def test_bods_made_from_gleif_is_not_gleif(name: str) -> None:
    assert not looks_like_gleif(head(FIXTURES / name))


@pytest.mark.parametrize(
    "text",
    [
        "holder,subject,percent\nA,B,50\n",
        "id,name,jurisdiction\nA,Alpha Ltd,CN\n",
        "LEI,Legal Name,Country\n5493PARENTCN00000001,Example,CN\n",  # a user's own table with an LEI column
        "owner;company;stake;lei\nA;B;50;X\n",
        '{"schema": "Company", "id": "lei-X", "properties": {"leiCode": ["X"], "name": ["A"]}}',
        '[{"statementID": "1", "statementType": "entityStatement", "LEI": "X", "LegalName": "A"}]',
        '<?xml version="1.0"?><root><LEI>X</LEI></root>',
        "",
        "just some text\n",
    ],
)
def test_other_content_is_not_gleif(text: str) -> None:
    assert not looks_like_gleif(text)


@pytest.mark.parametrize(
    "text",
    [
        "\ufeffLEI,Entity.LegalName,Entity.LegalJurisdiction\r\n",
        "Entity.LEI;Entity.LegalName;Entity.HeadquartersAddress.Country\n",
        '"LEI","Exception.Category","Exception.Reason.1"\n',
        '<lei:LEIRecord xmlns:lei="http://www.gleif.org/data/schema/leidata/2016">',
        '{"records": [{"LEI": {"$": "X"}, "Entity": {"LegalName": {"$": "A"}}}]}',
        '{"relations": [{"RelationshipRecord": {"Relationship": {"StartNode": {"NodeID": {"$": "A"}}, '
        '"EndNode": {"NodeID": {"$": "B"}}}}}]}',
    ],
)
def test_header_and_root_variants_are_gleif(text: str) -> None:
    assert looks_like_gleif(text)


# ---------------------------------------------------------------------------------------------------------
# The same group in every form
# ---------------------------------------------------------------------------------------------------------

FORMS = {
    "golden CSV": ["golden/lei.csv", "golden/rr.csv"],
    "golden JSON": ["golden/lei.json", "golden/rr.json", "golden/repex.json"],
    "XML": ["xml/lei.xml", "xml/rr.xml"],
    "API JSON": ["api/lei-records.json", "api/relationship-records.json"],
    "gleifr CSV": ["gleifr/entities.csv", "gleifr/relationships.csv"],
}


@pytest.mark.parametrize("form", FORMS)
def test_every_form_gives_the_cn_parent_and_hk_child(form: str) -> None:
    data = read(*(FIXTURES / f for f in FORMS[form]))
    entities = {e.id: e for e in data.entities}
    assert (entities[PARENT].name, entities[PARENT].jurisdiction, entities[PARENT].headquarters) == (
        "示例控股集团有限公司",
        "CN",
        "CN",
    )
    assert (entities[CHILD].name, entities[CHILD].jurisdiction, entities[CHILD].headquarters) == (
        "Example Harbour Holdings Limited",
        "HK",
        "HK",
    )
    assert entities[PARENT].type is EntityType.COMPANY
    holding = next(h for h in data.holdings if h.subject == CHILD)
    assert holding.holder == PARENT
    assert holding.control is True
    # The API writes the Hong Kong midnight in UTC (2017-06-21T16:00:00Z): the date as written.
    assert holding.start == (date(2017, 6, 21) if form == "API JSON" else date(2017, 6, 22))
    # The XML file gives this relationship a 1.00 quantifier, the others none.
    assert holding.stake == (Stake.exact(1.0) if form == "XML" else Stake(0.0, 1.0))


def test_api_relationship_record_id_is_kept_in_the_source() -> None:
    data = read(FIXTURES / "real" / "relationship_data.json", name="relationship_data.json")
    (holding,) = data.holdings
    assert (holding.holder, holding.subject) == ("213800S8DFQ6UFES2T83", "3358008CG1OJ6EZS2B34")
    assert holding.start == date(2010, 5, 11)
    assert holding.source is not None
    assert "record 3358008CG1OJ6EZS2B34|LEI|IS_ULTIMATELY_CONSOLIDATED_BY|10|" in holding.source
    assert holding.where == Location("relationship_data.json", None, 21)  # its "type" line


def test_api_reporting_exception_with_a_single_data_object() -> None:
    data = read(FIXTURES / "api" / "reporting-exception.json", name="x.json")
    (holding,) = data.holdings
    assert (holding.holder, holding.subject) == (f"unknown parent of {PARENT} (NATURAL_PERSONS)", PARENT)


def test_gleifr_files_without_a_jurisdiction_column_use_the_legal_address_once() -> None:
    data = read(FIXTURES / "gleifr" / "entities.csv", name="entities.csv")
    (warning,) = data.warnings
    assert warning.code == "legal_address_used"
    assert warning.where == Location("entities.csv", None, 1, 3, "entity_legal_country")


# ---------------------------------------------------------------------------------------------------------
# Header variants
# ---------------------------------------------------------------------------------------------------------


def test_entity_lei_header_and_semicolons(tmp_path: Path) -> None:
    path = tmp_path / "lei.csv"
    path.write_text(
        "Entity.LEI;Entity.LegalName;Entity.LegalJurisdiction;Entity.HeadquartersAddress.Country\n"
        "5493CAYMAN0000000001;Cayman Holdings Ltd;KY;CN\n",
        encoding="utf-8",
    )
    (entity,) = read(path).entities
    assert (entity.id, entity.name, entity.jurisdiction, entity.headquarters) == (
        "5493CAYMAN0000000001",
        "Cayman Holdings Ltd",
        "KY",
        "CN",
    )


def test_old_qualifiers_header_carries_the_quantifier(tmp_path: Path) -> None:
    path = tmp_path / "rr.csv"
    path.write_text(
        "Relationship.StartNode.NodeID,Relationship.EndNode.NodeID,Relationship.RelationshipType,"
        "Relationship.RelationshipStatus,Relationship.Qualifiers.1.QualifierDimension,"
        "Relationship.Qualifiers.1.QualifierCategory,Relationship.Qualifiers.1.MeasurementMethod,"
        "Relationship.Qualifiers.1.QuantifierAmount,Relationship.Qualifiers.1.QuantifierUnits\n"
        "CHILD0000000000000001,PARENT000000000000001,IS_DIRECTLY_CONSOLIDATED_BY,ACTIVE,ACCOUNTING_STANDARD,IFRS,"
        "ACCOUNTING_CONSOLIDATION,51.00,PERCENTAGE\n",
        encoding="utf-8",
    )
    (holding,) = read(path).holdings
    assert holding.stake == Stake.exact(0.51)


def test_windows_1252_csv_is_read_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "lei.csv"
    path.write_bytes(
        "LEI,Entity.LegalName,Entity.LegalJurisdiction\n5493MUNICH0000000001,Müller Beteiligungs GmbH,DE\n".encode(
            "cp1252"
        )
    )
    data = read(path, name="lei.csv")
    (entity,) = data.entities
    assert entity.name == "Müller Beteiligungs GmbH"
    assert [w.code for w in data.warnings] == ["encoding"]


# ---------------------------------------------------------------------------------------------------------
# Locations
# ---------------------------------------------------------------------------------------------------------


def test_csv_locations_name_row_and_column() -> None:
    data = read(*(FIXTURES / "golden" / n for n in ("lei.csv", "rr.csv")), name="golden")
    entities = {e.id: e for e in data.entities}
    assert entities[CHILD].where == Location("golden/lei.csv", None, 3)
    unknown = next(w for w in data.warnings if w.code == "unknown_country")
    assert unknown.where == Location("golden/lei.csv", None, 7, 8, "Entity.LegalJurisdiction")
    fund = next(w for w in data.warnings if w.code == "ignored_relationship")
    assert fund.where == Location("golden/rr.csv", None, 7)


def test_xml_locations_are_the_lines_records_start_on() -> None:
    data = read(FIXTURES / "xml" / "lei.xml", FIXTURES / "xml" / "rr.xml", name="xml")
    entities = {e.id: e for e in data.entities}
    assert entities[PARENT].where == Location("xml/lei.xml", None, 9)
    assert entities[CHILD].where == Location("xml/lei.xml", None, 37)
    rows = [(h.where.row, h.indirect) for h in data.holdings if h.where is not None]
    assert rows == [(9, False), (46, False), (70, True)]  # the ultimate-level record at line 70 is kept
    # An LEI only named by a relationship: located at the NodeID that names it.
    grand = entities["5493GRANDGB000000003"]
    assert grand.declared is False
    assert grand.where == Location("xml/rr.xml", None, 46, None, "Relationship/StartNode/NodeID")


def test_json_locations_are_the_lines_records_start_on() -> None:
    data = read(FIXTURES / "real" / "relationship_issued.json", name="pair.json")
    entities = {e.id: e for e in data.entities}
    # The relationship record's "Relationship" key is on line 3, the LEI records' "LEI" keys on 43 and 106.
    assert data.holdings[0].where == Location("pair.json", None, 3)
    assert entities["30030096HNNZNN7BZK36"].where == Location("pair.json", None, 43)
    assert entities["3003005JY7KTP8L48N10"].where == Location("pair.json", None, 106)
