"""Watch lists: reading CSV and xlsx lists, name normalisation, and matching entries to entities."""

# ruff: noqa: RUF001  (full-width, Cyrillic and CJK letters are what these tests are about)

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ownership.errors import DataWarning, InputError, Location
from ownership.model import Entity, WatchEntry
from ownership.readers import watchlist
from ownership.readers.watchlist import match_watchlist, normalise_name, read_watchlist


def read(path: Path) -> tuple[tuple[WatchEntry, ...], tuple[DataWarning, ...]]:
    return read_watchlist(path, display=path.name)


def error_of(path: Path) -> InputError:
    with pytest.raises(InputError) as info:
        read_watchlist(path, display=path.name)
    return info.value


def codes(warnings: tuple[DataWarning, ...]) -> list[str]:
    return [w.code for w in warnings]


# ----------------------------------------------------------------------------------------------------------
# Reading


def test_csv_with_id_name_and_label(text_file) -> None:
    path = text_file(
        "id,name,label\nHW-1,Huawei Technologies Co. Ltd.,Entity List\n,ZTE Corp,SDN\nX-9,,SDN\n", name="list.csv"
    )
    entries, warnings = read(path)
    assert entries == (
        WatchEntry("HW-1", "Huawei Technologies Co. Ltd.", "Entity List", Location("list.csv", row=2)),
        WatchEntry(None, "ZTE Corp", "SDN", Location("list.csv", row=3)),
        WatchEntry("X-9", None, "SDN", Location("list.csv", row=4)),
    )
    assert warnings == ()


def test_csv_title_rows_and_aliases(text_file) -> None:
    content = (
        "OFAC Specially Designated Nationals,,\n"
        "Downloaded 2025-01-31,,\n"
        "\n"
        "ENT_NUM;SDN Name;Program\n"
        "36;AEROCARIBBEAN AIRLINES;CUBA\n"
        "173;ANGLO-CARIBBEAN CO., LTD.;CUBA\n"
    ).replace(",,", "")
    entries, _ = read(text_file(content, name="sdn.csv"))
    assert [(e.id, e.name, e.label) for e in entries] == [
        ("36", "AEROCARIBBEAN AIRLINES", "CUBA"),
        ("173", "ANGLO-CARIBBEAN CO., LTD.", "CUBA"),
    ]
    assert entries[0].where == Location("sdn.csv", row=5)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Entity ID", "id"),
        ("code", "id"),
        ("LEI", "id"),
        ("Identifier", "id"),
        ("uid", "id"),
        ("ent-num", "id"),
        ("Entity_Name", "name"),
        ("PARTY", "name"),
        ("Full Name", "name"),
        ("primary name", "name"),
    ],
)
def test_column_aliases(text_file, header: str, field: str) -> None:
    entries, _ = read(text_file(f"{header},List Name\nABC,Programme X\n", name="w.csv"))
    assert getattr(entries[0], field) == "ABC"
    assert entries[0].label == "Programme X"


@pytest.mark.parametrize("label_header", ["list", "programme", "program", "programs", "source list", "Label"])
def test_label_aliases(text_file, label_header: str) -> None:
    entries, _ = read(text_file(f"name,{label_header}\nACME,SDN\n", name="w.csv"))
    assert entries[0].label == "SDN"


def test_missing_label_column_uses_the_file_stem(text_file) -> None:
    entries, _ = read(text_file("name\nAcme Ltd\nBeta Inc\n", name="sdn.csv"))
    assert [e.label for e in entries] == ["sdn", "sdn"]


def test_blank_label_cell_uses_the_file_stem(text_file) -> None:
    entries, _ = read(text_file("id,label\nA,Entity List\nB,\n", name="bis.csv"))
    assert [e.label for e in entries] == ["Entity List", "bis"]


def test_stem_comes_from_the_display_name(text_file) -> None:
    path = text_file("name\nAcme\n", name="tmp123.csv")
    entries, _ = read_watchlist(path, display="uploads/entity_list.csv")
    assert entries[0].label == "entity_list"
    assert entries[0].where == Location("uploads/entity_list.csv", row=2)


def test_unknown_columns_are_warned_and_ignored(text_file) -> None:
    entries, warnings = read(text_file("id,name,address,remarks\nA,Acme,1 Main St,none\n", name="w.csv"))
    assert entries[0] == WatchEntry("A", "Acme", "w", Location("w.csv", row=2))
    assert codes(warnings) == ["ignored_column", "ignored_column"]
    assert warnings[0].where == Location("w.csv", row=1, column=3, header="address")
    assert "address" in warnings[0].message


def test_whole_blank_rows_are_skipped(text_file) -> None:
    entries, _ = read(text_file("id,name,label\nA,Acme,L\n,,\n , ,\nB,Beta,L\n", name="w.csv"))
    assert [e.id for e in entries] == ["A", "B"]


def test_row_without_id_and_name_is_a_located_error(text_file) -> None:
    error = error_of(text_file("id,name,label\nA,Acme,SDN\n,,SDN\n,,Entity List\n", name="w.csv"))
    assert error.where == Location("w.csv", row=3)
    assert error.more == 1
    assert "neither an id nor a name" in error.reason
    assert error.one_line().startswith("w.csv, row 3:")


def test_xlsx_title_rows_first_sheet_with_the_columns(xlsx) -> None:
    path = xlsx(
        {
            "Notes": [["This workbook lists restricted parties"], ["Prepared by compliance"]],
            "Entity List": [
                ["Entity Name", "Entity ID", "List"],
                ["Huawei Technologies Co., Ltd.", "HW-1", "BIS"],
                [None, 42.0, "BIS"],
            ],
        },
        name="bis.xlsx",
        titles={"Entity List": [["Entity List extract"], []]},
    )
    entries, warnings = read(path)
    assert entries == (
        WatchEntry("HW-1", "Huawei Technologies Co., Ltd.", "BIS", Location("bis.xlsx", "Entity List", 4)),
        WatchEntry("42", None, "BIS", Location("bis.xlsx", "Entity List", 5)),
    )
    assert warnings == ()


def test_xlsx_without_label_uses_the_stem_and_warns_of_a_second_list_sheet(xlsx) -> None:
    path = xlsx({"SDN": [["name"], ["Acme"]], "More": [["id"], ["X"]]}, name="sdn.xlsx")
    entries, warnings = read(path)
    assert [(e.name, e.label) for e in entries] == [("Acme", "sdn")]
    assert codes(warnings) == ["ignored_sheet"]
    assert warnings[0].where == Location("sdn.xlsx", "More")


def test_xlsx_recognised_by_signature(xlsx, tmp_path: Path) -> None:
    path = xlsx({"L": [["id"], ["A"]]}, name="list.xlsx")
    renamed = path.rename(tmp_path / "list.dat")
    entries, _ = read(renamed)
    assert entries[0].id == "A"


def test_xlsx_row_error_names_sheet_and_row(xlsx) -> None:
    path = xlsx({"L": [["id", "name", "label"], ["A", "Acme", "x"], [None, None, "x"]]}, name="w.xlsx")
    error = error_of(path)
    assert error.where == Location("w.xlsx", "L", 3)


def test_no_id_or_name_column(text_file, xlsx) -> None:
    error = error_of(text_file("party_id_number,country\n1,CN\n", name="w.csv"))
    assert "'id' or a 'name' column" in error.reason
    assert error.where == Location("w.csv")
    error = error_of(xlsx({"A": [["country"], ["CN"]]}, name="w.xlsx"))
    assert "no sheet" in error.reason


def test_header_without_entries(text_file) -> None:
    error = error_of(text_file("id,name\n", name="w.csv"))
    assert "no entries" in error.reason


def test_missing_and_empty_files(tmp_path: Path, text_file) -> None:
    assert "no such file" in error_of(tmp_path / "nope.csv").reason
    assert "empty" in error_of(text_file("", name="e.csv")).reason


def test_two_columns_meaning_the_same_field(text_file) -> None:
    error = error_of(text_file("name,full name\nA,B\n", name="w.csv"))
    assert "both mean 'name'" in error.reason


# ----------------------------------------------------------------------------------------------------------
# Name normalisation


@pytest.mark.parametrize(
    "name",
    [
        "HUAWEI TECHNOLOGIES CO., LTD.",
        "Huawei Technologies Co Ltd",
        "Huawei Technologies",
        "Huawei Technologies Co.,Ltd.",
        "Huawei Technologies Co.Ltd",
        "  huawei   technologies  limited ",
        "Huawei-Technologies Company",
        "Ｈｕａｗｅｉ Ｔｅｃｈｎｏｌｏｇｉｅｓ",  # full-width forms (NFKC)
    ],
)
def test_suffix_and_punctuation_normalisation(name: str) -> None:
    assert normalise_name(name) == "huawei technologies"


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Procter & Gamble Co", "procter and gamble"),
        ("Smith & Co.", "smith"),
        ("Banco Santander, S.A.", "banco santander"),
        ("Siemens AG", "siemens"),
        ("Robert Bosch GmbH & Co. KG", "robert bosch"),
        ("DBS Bank Pte. Ltd.", "dbs bank"),
        ("U.S.A. Holdings Inc.", "usa holdings"),
        ("McDonald’s Corporation", "mcdonalds"),
        ("Petronas Sdn. Bhd.", "petronas"),
        ("Acme™ Industries Inc.", "acme industries"),
        ("Co-operative Bank plc", "co operative bank"),  # a legal form is removed at the end only
        ("Limited Brands Inc", "limited brands"),
        ("Company", "company"),  # never the whole name
        ("Ltd Ltd", "ltd"),
        ("", ""),
        ("...", ""),
    ],
)
def test_normalised_keys(name: str, key: str) -> None:
    assert normalise_name(name) == key


def test_chinese_names() -> None:
    assert normalise_name("华为技术有限公司") == normalise_name("华为技术") == "华为技术"
    assert normalise_name("华为技术 有限公司") == "华为技术"
    assert normalise_name("中兴通讯股份有限公司") == "中兴通讯"
    assert normalise_name("中芯国际集成电路制造（上海）有限公司") == "中芯国际集成电路制造上海"
    assert normalise_name("東芝株式会社") == "東芝"
    assert normalise_name("有限公司") == "有限公司"


def test_cyrillic_survives() -> None:
    assert normalise_name("ООО «Ромашка»") == "ооо ромашка"
    assert normalise_name("ПАО Сбербанк России") == "пао сбербанк россии"
    assert normalise_name("ЙОД-Ёлка") == "йод ёлка"


#: Words, legal forms and punctuation that names are made of, so that the properties meet the suffix rules.
_FRAGMENTS = st.sampled_from(
    [
        " ",
        "  ",
        ".",
        ",",
        "&",
        "'",
        "-",
        "(",
        ")",
        "Acme",
        "ÄéßΣ",
        "Сбер",
        "华为",
        "公司",
        "有限",
        "有限公司",
        " ltd",
        " co",
        " Co.,Ltd.",
        " inc",
        " S.A.",
        " gmbh & co. kg",
        " and co",
        " limited",
    ]
)


def _names(characters: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.lists(st.one_of(characters, _FRAGMENTS), max_size=12).map("".join)


_NAME_TEXT = _names(st.characters(codec="utf-8"))
_SPACE = st.text(alphabet=" \t\n\u00a0\u3000", max_size=3)
#: Latin, Cyrillic and Han letters, whose case mappings round-trip (Unicode's few one-way mappings, such
#: as Turkish dotless i, are left to casefold and NFKC).
_CASED_TEXT = _names(
    st.one_of(
        st.characters(min_codepoint=0x20, max_codepoint=0x17F, exclude_characters="\u0131"),
        st.characters(min_codepoint=0x400, max_codepoint=0x4FF),
        st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF),
    )
)


@given(_NAME_TEXT)
def test_normalise_is_idempotent(name: str) -> None:
    key = normalise_name(name)
    assert normalise_name(key) == key


@given(_NAME_TEXT, _SPACE, _SPACE)
def test_normalise_ignores_surrounding_whitespace(name: str, before: str, after: str) -> None:
    assert normalise_name(before + name + after) == normalise_name(name)


@given(_NAME_TEXT)
def test_normalise_ignores_case_folding(name: str) -> None:
    assert normalise_name(name.casefold()) == normalise_name(name)


@given(_CASED_TEXT)
def test_normalise_ignores_case(name: str) -> None:
    assert normalise_name(name.upper()) == normalise_name(name.lower()) == normalise_name(name)


# ----------------------------------------------------------------------------------------------------------
# Matching

ENTITIES = [
    Entity("HW-1", "Huawei Technologies Co., Ltd."),
    Entity("ZTE", "ZTE Corporation"),
    Entity("ACME-US", "Acme Inc."),
    Entity("ACME-UK", "ACME LIMITED"),
    Entity("V-1", "Vendor Pte Ltd"),
    Entity("CN-9", "华为技术有限公司"),
]


def entry(entry_id: str | None, name: str | None, label: str = "SDN", row: int = 2) -> WatchEntry:
    return WatchEntry(entry_id, name, label, Location("sdn.csv", row=row))


def test_id_matches_exactly_without_warnings() -> None:
    found, warnings = match_watchlist([entry("HW-1", "Something else entirely")], ENTITIES)
    assert found == {"HW-1": frozenset({"SDN"})}
    assert warnings == ()


def test_id_matches_case_insensitively() -> None:
    found, warnings = match_watchlist([entry("hw-1", None)], ENTITIES)
    assert found == {"HW-1": frozenset({"SDN"})}
    assert warnings == ()


def test_exact_id_wins_over_case_insensitive_ones() -> None:
    entities = [Entity("a1", "x"), Entity("A1", "y")]
    found, warnings = match_watchlist([entry("A1", None)], entities)
    assert found == {"A1": frozenset({"SDN"})}
    assert warnings == ()


def test_id_differing_only_in_case_from_several_entities_matches_them_all() -> None:
    entities = [Entity("ab", "x"), Entity("AB", "y")]
    found, warnings = match_watchlist([entry("Ab", None)], entities)
    assert found == {"ab": frozenset({"SDN"}), "AB": frozenset({"SDN"})}
    assert codes(warnings) == ["watchlist_ambiguous_id"]


def test_name_only_match_warns_with_entry_row_and_entity() -> None:
    found, warnings = match_watchlist([entry(None, "HUAWEI TECHNOLOGIES CO LTD", "Entity List", row=7)], ENTITIES)
    assert found == {"HW-1": frozenset({"Entity List"})}
    assert codes(warnings) == ["watchlist_name_match"]
    warning = warnings[0]
    assert warning.where == Location("sdn.csv", row=7)
    assert warning.message == (
        "matched 'HUAWEI TECHNOLOGIES CO LTD' to entity HW-1 ('Huawei Technologies Co., Ltd.') by name only; "
        "check it is the same party"
    )


def test_id_matching_nothing_falls_back_to_the_name() -> None:
    found, warnings = match_watchlist([entry("OFAC-123", "ZTE Corp.")], ENTITIES)
    assert found == {"ZTE": frozenset({"SDN"})}
    assert codes(warnings) == ["watchlist_name_match"]
    assert "its id 'OFAC-123' matches no entity" in warnings[0].message


def test_chinese_name_matches() -> None:
    found, warnings = match_watchlist([entry(None, "华为技术")], ENTITIES)
    assert found == {"CN-9": frozenset({"SDN"})}
    assert codes(warnings) == ["watchlist_name_match"]


def test_name_matching_two_entities_matches_both_with_one_warning() -> None:
    found, warnings = match_watchlist([entry(None, "ACME")], ENTITIES)
    assert found == {"ACME-US": frozenset({"SDN"}), "ACME-UK": frozenset({"SDN"})}
    assert codes(warnings) == ["watchlist_name_match"]
    assert "2 entities" in warnings[0].message
    assert "ACME-US, ACME-UK" in warnings[0].message


def test_unmatched_entries_are_summarised_once() -> None:
    entries = [entry("HW-1", None)] + [entry(None, f"Nobody {k}", row=k + 3) for k in range(7)] + [entry("Q-1", None)]
    found, warnings = match_watchlist(entries, ENTITIES)
    assert found == {"HW-1": frozenset({"SDN"})}
    assert codes(warnings) == ["watchlist_unmatched"]
    message = warnings[0].message
    assert message.startswith("8 of 9 watch-list entries match no entity")
    assert "'Nobody 0'" in message and "'Nobody 4'" in message and "'Nobody 5'" not in message
    assert warnings[0].where == Location("sdn.csv")


def test_several_entries_for_one_entity_merge_labels() -> None:
    entries = [
        entry("HW-1", None, "Entity List"),
        entry("hw-1", None, "SDN"),
        entry(None, "Huawei Technologies", "NS-CMIC"),
        entry("HW-1", None, "Entity List"),
    ]
    found, warnings = match_watchlist(entries, ENTITIES)
    assert found == {"HW-1": frozenset({"Entity List", "SDN", "NS-CMIC"})}
    assert codes(warnings) == ["watchlist_name_match"]


def test_entries_with_neither_id_nor_name_match_nothing() -> None:
    found, warnings = match_watchlist([WatchEntry(None, None, "x")], ENTITIES)
    assert found == {}
    assert codes(warnings) == ["watchlist_unmatched"]
    assert warnings[0].where is None


def test_empty_inputs() -> None:
    assert match_watchlist([], ENTITIES) == ({}, ())
    found, warnings = match_watchlist([entry("A", "B")], [])
    assert found == {}
    assert codes(warnings) == ["watchlist_unmatched"]


def test_entity_names_are_normalised_once_and_only_when_needed(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = watchlist.normalise_name

    def counting(name: str) -> str:
        calls.append(name)
        return real(name)

    monkeypatch.setattr(watchlist, "normalise_name", counting)
    entities = [Entity(f"E{k}", f"Company {k} Ltd") for k in range(1000)]
    match_watchlist([entry("E1", None), entry("e2", None)], entities)
    assert calls == []  # every entry matched by id: no name is normalised
    entries = [entry(None, f"COMPANY {k} LIMITED") for k in range(0, 2000, 2)]
    found, warnings = match_watchlist(entries, entities)
    assert len(calls) == len(entities) + len(entries)
    assert len(found) == 500
    assert len(warnings) == 501  # 500 name matches and one unmatched summary


def test_large_list_against_many_entities_is_linear() -> None:
    entities = [Entity(f"E{k}", f"Entity number {k} Co Ltd") for k in range(200_000)]
    entries = [entry(f"E{k}", None) for k in range(0, 200_000, 20)] + [
        entry(None, f"entity number {k}") for k in range(1, 200_000, 20)
    ]
    found, _ = match_watchlist(entries, entities)
    assert len(found) == 20_000


def test_read_then_match(text_file) -> None:
    content = 'Restricted parties\nUID,Primary Name,Program\nZTE,,SDN\n,"HUAWEI TECHNOLOGIES CO.,LTD.",EL\n'
    path = text_file(content, name="w.csv")
    entries, _ = read(path)
    found, warnings = match_watchlist(entries, ENTITIES)
    assert found == {"ZTE": frozenset({"SDN"}), "HW-1": frozenset({"EL"})}
    assert codes(warnings) == ["watchlist_name_match"]
    assert warnings[0].where == Location("w.csv", row=4)
