"""Tests for ownership.model.countries: recognising countries as people and registries write them."""

from __future__ import annotations

import pickle
import re
from collections.abc import Callable
from typing import Any

import pycountry
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ownership.model import CountryKind, countries
from ownership.model.countries import (
    UnknownCountryError,
    country_name,
    is_unknown_spelling,
    normalize_country,
    other_countries_text,
    parse_other_countries,
)

ALL_CODES = frozenset(c.alpha_2 for c in pycountry.countries) | {"XK"}

IMPORTANT = [
    "CN", "HK", "MO", "TW", "US", "GB", "KY", "VG", "BM", "SG", "JP", "KR", "RU", "IR", "KP",
    "AE", "LU", "NL", "IE", "CH", "DE", "FR", "JE", "GG", "IM", "XK", "VI", "CZ", "TR", "CI",
]  # fmt: skip


CODES: list[tuple[str, str]] = [
    ("CN", "CN"),
    ("cn", "CN"),
    ("Cn", "CN"),
    ("CHN", "CN"),
    ("chn", "CN"),
    ("HK", "HK"),
    ("HKG", "HK"),
    ("US", "US"),
    ("USA", "US"),
    ("GB", "GB"),
    ("GBR", "GB"),
    ("UK", "GB"),
    ("KY", "KY"),
    ("CYM", "KY"),
    ("VGB", "VG"),
    ("TWN", "TW"),
    ("MAC", "MO"),
    ("XK", "XK"),
    ("xk", "XK"),
    ("ST", "ST"),
    ("AND", "AD"),
]

GREATER_CHINA: list[tuple[str, str]] = [
    ("China", "CN"),
    ("CHINA", "CN"),
    ("People's Republic of China", "CN"),
    ("Peoples Republic of China", "CN"),
    ("People\u2019s Republic of China", "CN"),
    ("People'S Republic Of China", "CN"),
    ("China, People's Republic of", "CN"),
    ("PRC", "CN"),
    ("P.R.C.", "CN"),
    ("P.R. China", "CN"),
    ("P. R. China", "CN"),
    ("PR China", "CN"),
    ("Mainland China", "CN"),
    ("China (Mainland)", "CN"),
    ("Hong Kong", "HK"),
    ("Hongkong", "HK"),
    ("Hong Kong SAR", "HK"),
    ("Hong Kong SAR, China", "HK"),
    ("Hong Kong, China", "HK"),
    ("Hong Kong S.A.R.", "HK"),
    ("HKSAR", "HK"),
    ("Hong Kong Special Administrative Region of the People's Republic of China", "HK"),
    ("Macau", "MO"),
    ("Macao", "MO"),
    ("Macau SAR", "MO"),
    ("Macao SAR, China", "MO"),
    ("Taiwan", "TW"),
    ("Republic of China (Taiwan)", "TW"),
    ("Taiwan, Province of China", "TW"),
    ("Chinese Taipei", "TW"),
]

WESTERN: list[tuple[str, str]] = [
    ("United States", "US"),
    ("United States of America", "US"),
    ("The United States", "US"),
    ("U.S.", "US"),
    ("U.S.A.", "US"),
    ("U. S. A.", "US"),
    ("usa", "US"),
    ("America", "US"),
    ("United Kingdom", "GB"),
    ("U.K.", "GB"),
    ("Great Britain", "GB"),
    ("Britain", "GB"),
    ("England", "GB"),
    ("Wales", "GB"),
    ("Scotland", "GB"),
    ("Northern Ireland", "GB"),
    ("England & Wales", "GB"),
    ("England and Wales", "GB"),
    ("England And Wales", "GB"),
    ("England&Wales", "GB"),
    ("United Kingdom of Great Britain and Northern Ireland", "GB"),
    ("Ireland", "IE"),
    ("Republic of Ireland", "IE"),
    ("Luxembourg", "LU"),
    ("Holland", "NL"),
    ("Netherlands", "NL"),
    ("The Netherlands", "NL"),
    ("Switzerland", "CH"),
    ("Schweiz", "CH"),
    ("Germany", "DE"),
    ("Deutschland", "DE"),
    ("France", "FR"),
    ("Jersey", "JE"),
    ("Guernsey", "GG"),
    ("Isle of Man", "IM"),
    ("Isle Of Man", "IM"),
]

OFFSHORE_AND_ASIA: list[tuple[str, str]] = [
    ("Cayman", "KY"),
    ("Cayman Islands", "KY"),
    ("The Cayman Islands", "KY"),
    ("Cayman Is.", "KY"),
    ("BVI", "VG"),
    ("B.V.I.", "VG"),
    ("British Virgin Islands", "VG"),
    ("Virgin Islands, British", "VG"),
    ("Virgin Islands (British)", "VG"),
    ("Virgin Islands, U.S.", "VI"),
    ("US Virgin Islands", "VI"),
    ("Bermuda", "BM"),
    ("Singapore", "SG"),
    ("Japan", "JP"),
    ("South Korea", "KR"),
    ("Korea, Republic of", "KR"),
    ("Republic of Korea", "KR"),
    ("Korea (the Republic of)", "KR"),
    ("Korea", "KR"),
    ("North Korea", "KP"),
    ("DPRK", "KP"),
    ("Korea, Democratic People's Republic of", "KP"),
    ("UAE", "AE"),
    ("U.A.E.", "AE"),
    ("United Arab Emirates", "AE"),
]

OTHER_NAMES: list[tuple[str, str]] = [
    ("Russia", "RU"),
    ("Russian Federation", "RU"),
    ("Iran", "IR"),
    ("Iran, Islamic Republic of", "IR"),
    ("Vietnam", "VN"),
    ("Viet Nam", "VN"),
    ("Czech Republic", "CZ"),
    ("Czechia", "CZ"),
    ("Turkey", "TR"),
    ("Türkiye", "TR"),
    ("Turkiye", "TR"),
    ("Laos", "LA"),
    ("Syria", "SY"),
    ("Venezuela", "VE"),
    ("Bolivia", "BO"),
    ("Tanzania", "TZ"),
    ("Moldova", "MD"),
    ("Ivory Coast", "CI"),
    ("Cote d'Ivoire", "CI"),
    ("Côte d\u2019Ivoire", "CI"),
    ("Kosovo", "XK"),
    ("Georgia", "GE"),
    ("St Lucia", "LC"),
    ("St. Kitts & Nevis", "KN"),
    ("Trinidad & Tobago", "TT"),
    ("Guinea-Bissau", "GW"),
    ("Guinea Bissau", "GW"),
    ("Congo (the Democratic Republic of the)", "CD"),
    ("DR Congo", "CD"),
    ("Congo", "CG"),
    ("Bahamas (the)", "BS"),
    ("Åland Islands", "AX"),
    ("Curacao", "CW"),
]

SUBDIVISIONS: list[tuple[str, str]] = [
    ("US-DE", "US"),
    ("us-de", "US"),
    ("US-CA", "US"),
    ("CN-ZJ", "CN"),
    ("CN-SH", "CN"),
    ("GB-ENG", "GB"),
    ("GB-SCT", "GB"),
    ("DE-BY", "DE"),
    (" US-NY ", "US"),
]

FREE_TEXT: list[tuple[str, str]] = [
    ("Minnesota, Usa", "US"),
    ("Delaware, United States", "US"),
    ("(usa) delaware", "US"),
    ("Delaware", "US"),
    ("California", "US"),
    ("New York", "US"),
    ("New Jersey", "US"),
    ("Washington, D.C.", "US"),
    ("Georgia, USA", "US"),
    ("USA, Georgia", "US"),
    ("DE, USA", "US"),
    ("Wilmington, Delaware, USA", "US"),
    ("London, United Kingdom", "GB"),
    ("London - UK", "GB"),
    ("Scotland (UK)", "GB"),
    ("Shanghai, China", "CN"),
    ("Beijing; PRC", "CN"),
    ("Hong Kong (China)", "HK"),
    ("China (Hong Kong)", "HK"),
    ("China / Hong Kong", "HK"),
    ("Taiwan (China)", "TW"),
    ("Cayman Islands, UK", "KY"),
    ("Grand Cayman, Cayman Islands", "KY"),
    ("St Helier, Jersey, Channel Islands", "JE"),
    ("Road Town, Tortola, British Virgin Islands", "VG"),
    ("Dubai, U.A.E.", "AE"),
    ("Chinese (Hong Kong)", "HK"),
    ("Germany, France", "FR"),
]

DEMONYMS: list[tuple[str, str]] = [
    ("Chinese", "CN"),
    ("British", "GB"),
    ("American", "US"),
    ("Singaporean", "SG"),
    ("Japanese", "JP"),
    ("German", "DE"),
    ("French", "FR"),
    ("Hong Konger", "HK"),
    ("Hongkonger", "HK"),
    ("Taiwanese", "TW"),
    ("Macanese", "MO"),
    ("Korean", "KR"),
    ("South Korean", "KR"),
    ("North Korean", "KP"),
    ("Russian", "RU"),
    ("Iranian", "IR"),
    ("Indian", "IN"),
    ("Canadian", "CA"),
    ("Australian", "AU"),
    ("Swiss", "CH"),
    ("Dutch", "NL"),
    ("Irish", "IE"),
    ("Italian", "IT"),
    ("Spanish", "ES"),
    ("Swedish", "SE"),
    ("Emirati", "AE"),
    ("Israeli", "IL"),
    ("Brazilian", "BR"),
    ("Mexican", "MX"),
    ("Caymanian", "KY"),
    ("Manx", "IM"),
    ("Luxembourger", "LU"),
    ("Welsh", "GB"),
]

CHINESE: list[tuple[str, str]] = [
    ("中国", "CN"),
    ("中华人民共和国", "CN"),
    ("中國", "CN"),
    ("香港", "HK"),
    ("中国香港", "HK"),
    ("澳门", "MO"),
    ("澳門", "MO"),
    ("台湾", "TW"),
    ("臺灣", "TW"),
    ("美国", "US"),
    ("英国", "GB"),
    ("新加坡", "SG"),
    ("开曼群岛", "KY"),
    ("日本", "JP"),
    ("德国", "DE"),
    ("中国\uff0c香港", "HK"),
]

TOLERATED_NOISE: list[tuple[str, str]] = [
    ("  China  ", "CN"),
    ("\tChina\n", "CN"),
    ("\u00a0China\u00a0", "CN"),
    ("United\u00a0\u00a0States", "US"),
    ("United    Kingdom", "GB"),
    ("China.", "CN"),
    ("USA.", "US"),
    ("\u200bChina", "CN"),
    ("\ufeffHong Kong", "HK"),
    ("\uff23\uff2e", "CN"),
    ("hong-kong", "HK"),
    ('"China"', "CN"),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    CODES
    + GREATER_CHINA
    + WESTERN
    + OFFSHORE_AND_ASIA
    + OTHER_NAMES
    + SUBDIVISIONS
    + FREE_TEXT
    + DEMONYMS
    + CHINESE
    + TOLERATED_NOISE,
)
def test_recognised(text: str, expected: str) -> None:
    assert normalize_country(text) == expected


@pytest.mark.parametrize("blank", [None, "", " ", "   \t\n", "\u00a0", "\u200b", float("nan")])
def test_blank_is_none(blank: object) -> None:
    assert normalize_country(blank) is None


def test_numpy_and_pandas_missing_values_are_blank() -> None:
    np = pytest.importorskip("numpy")
    pd = pytest.importorskip("pandas")
    assert normalize_country(np.float64("nan")) is None
    assert normalize_country(np.float32("nan")) is None
    assert normalize_country(pd.NA) is None
    assert normalize_country(pd.NaT) is None


@pytest.mark.parametrize(
    "text",
    [
        "Atlantis",
        "XX",
        "123",
        "Chinaa",
        "Chian",
        "Hongkong SARR",
        "Untied States",
        "Engalnd",
        "Cayman Island",
        "EU",
        "European Union",
        "Europe",
        "Virgin Islands",
        "Channel Islands",
        "USSR",
        "Yugoslavia",
        "&",
        "the",
        "...",
        "ZZZ",
        "Atlantis, Utopia",
    ],
)
def test_unrecognised_is_an_error(text: str) -> None:
    with pytest.raises(UnknownCountryError, match=re.escape(f"'{text}'")) as caught:
        normalize_country(text)
    assert "ISO codes (CN, CHN)" in str(caught.value)
    assert "English country names" in str(caught.value)
    assert caught.value.text == text


@pytest.mark.parametrize("text", ["XX-YY", "EU-AB", "ZZ-01", "UK-ENG"])
def test_subdivision_with_unknown_country_part_is_an_error(text: str) -> None:
    country = text[:2]
    with pytest.raises(UnknownCountryError, match=f"{country} is not an ISO 3166 country code"):
        normalize_country(text)


def test_non_string_values_are_looked_up_as_text() -> None:
    with pytest.raises(UnknownCountryError, match="'123'"):
        normalize_country(123)
    with pytest.raises(UnknownCountryError, match="'True'"):
        normalize_country(True)


def test_long_text_is_shortened_in_the_message() -> None:
    text = "Not a country " * 20
    with pytest.raises(UnknownCountryError) as caught:
        normalize_country(text)
    assert len(str(caught.value)) < 200
    assert caught.value.text == text


def test_error_is_a_value_error_and_pickles() -> None:
    with pytest.raises(ValueError) as caught:
        normalize_country("Atlantis")
    error = caught.value
    assert isinstance(error, UnknownCountryError)
    copy = pickle.loads(pickle.dumps(error))
    assert isinstance(copy, UnknownCountryError)
    assert str(copy) == str(error)
    assert copy.text == "Atlantis"


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("CN", "China"),
        ("HK", "Hong Kong"),
        ("KY", "Cayman Islands"),
        ("TW", "Taiwan"),
        ("KR", "South Korea"),
        ("KP", "North Korea"),
        ("RU", "Russia"),
        ("IR", "Iran"),
        ("VG", "British Virgin Islands"),
        ("GB", "United Kingdom"),
        ("US", "United States"),
        ("XK", "Kosovo"),
        ("cn", "China"),
    ],
)
def test_country_name(code: str, name: str) -> None:
    assert country_name(code) == name


@pytest.mark.parametrize("code", ["ZZ", "EU", "CHN", "", "X"])
def test_country_name_of_unknown_code_is_the_code(code: str) -> None:
    assert country_name(code) == code


@pytest.mark.parametrize("code", IMPORTANT)
def test_display_name_of_important_codes_reads_back(code: str) -> None:
    assert normalize_country(country_name(code)) == code


def test_display_name_of_every_code_reads_back() -> None:
    wrong = {c: country_name(c) for c in ALL_CODES if normalize_country(country_name(c)) != c}
    assert wrong == {}


def test_no_alias_is_shadowed() -> None:
    # Every entry of the hand-written tables must mean what it says; an earlier entry with the same
    # normalised form (a pycountry code or name) would silently win.
    tables = (countries._ALIASES, countries._DEMONYMS, countries._CHINESE)
    wrong = {
        name: (code, normalize_country(name))
        for table in tables
        for code, names in table.items()
        for name in names
        if normalize_country(name) != code
    }
    states = {s: normalize_country(s) for s in countries._US_STATES if s != "Georgia"}
    assert wrong == {}
    assert set(states.values()) == {"US"}
    assert set(countries._ALIASES) | set(countries._DEMONYMS) | set(countries._CHINESE) <= ALL_CODES


@given(st.sampled_from(list(pycountry.countries)))
def test_every_pycountry_country_maps_back(country: Any) -> None:
    code = country.alpha_2
    # "NA" is how spreadsheets write "not available": it reads as unknown; Namibia is "NAM" or its name.
    assert normalize_country(code) == (None if code == "NA" else code)
    assert normalize_country(country.alpha_3) == code
    assert normalize_country(country.name) == code
    for field in ("official_name", "common_name"):
        name = getattr(country, field, None)
        if name:
            assert normalize_country(name) == code


@given(
    st.sampled_from(list(pycountry.countries)),
    st.sampled_from(["", " ", "  ", "\u00a0", "\t"]),
    st.sampled_from(["", " ", ".", "\u00a0"]),
    st.sampled_from([str.upper, str.lower, str.title, str]),
)
def test_case_and_surrounding_space_do_not_matter(
    country: Any, before: str, after: str, case: Callable[[str], str]
) -> None:
    name = case(country.name)
    assert normalize_country(f"{before}{name}{after}") == country.alpha_2


@given(st.text(max_size=40))
def test_any_text_is_a_known_code_none_or_unknown_country_error(text: str) -> None:
    try:
        result = normalize_country(text)
    except UnknownCountryError:
        return
    assert result is None or result in ALL_CODES


@given(st.floats(allow_nan=False) | st.integers())
def test_numbers_are_errors(number: float) -> None:
    with pytest.raises(UnknownCountryError):
        normalize_country(number)


@pytest.mark.parametrize("text", ["N/A", "n/a", "NA", "na", "unknown", "Unknown", "-", "TBC", "?", " n/a "])
def test_the_spellings_of_unknown_read_as_no_country(text: str) -> None:
    assert is_unknown_spelling(text)
    assert normalize_country(text) is None


@pytest.mark.parametrize("text", ["Namibia", "NAM", "Republic of Namibia"])
def test_namibia_is_spelled_out(text: str) -> None:
    assert not is_unknown_spelling(text)
    assert normalize_country(text) == "NA"


def test_other_countries_cells_read_back() -> None:
    countries = parse_other_countries("UA (tax residence); GB (nationality); Hong Kong")
    assert countries == (
        ("UA", CountryKind.TAX_RESIDENCE),
        ("GB", CountryKind.NATIONALITY),
        ("HK", CountryKind.RESIDENCE),
    )
    assert parse_other_countries(other_countries_text(countries)) == countries
    with pytest.raises(UnknownCountryError):
        parse_other_countries("UA (birthplace)")
