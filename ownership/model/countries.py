"""Country recognition: turn what people and registries write about a country into an ISO 3166-1 alpha-2 code.

Exposure is added up per country, so every jurisdiction, headquarters and nationality in the input has to
become exactly one code. Inputs are written by people and registries, not by ISO: "PRC", "Hong Kong SAR,
China", "England & Wales", "Delaware, United States", "(usa) delaware", "Chinese", "中国".

Choices:

* No fuzzy matching. A misspelt country ("Chinaa") is an error, never a guess: a wrong guess would quietly
  move exposure from one country to another, which is worse than asking the user to fix one cell.
* The whole text is looked up first, in one table keyed by a normalised form in which case, accents,
  apostrophes, dots, punctuation, repeated and non-breaking spaces, the word "the", "&" versus "and" and
  "St" versus "Saint" make no difference ("U.S.A." and "usa" are the same key). The table holds pycountry's
  alpha-2 and alpha-3 codes and its names (name, official name, common name), English aliases, demonyms, a
  few Chinese names and the US state names. It is built once, on first use.
* Demonyms ("Chinese", "British", "Hong Konger") are accepted because that is how registries write a
  person's nationality; they mean the country.
* ISO 3166-2 subdivision codes ("US-DE", "CN-ZJ", "GB-ENG") mean their country. Only the country part is
  checked, against pycountry; a subdivision code with an unknown country part is an error.
* A US state name alone ("Delaware") means the United States, because US companies are incorporated in a
  state and registries often write only the state. "Georgia" alone is the country Georgia.
* When the whole text is not recognised, it is split at commas, semicolons, slashes, vertical bars,
  brackets and spaced dashes ("Minnesota, Usa", "(usa) delaware", "London - UK") and the parts are looked
  up on their own. Parts that are not recognised (a city, an address line) are ignored. Next to a part
  that is the US, US state names and postal codes count as the US ("Georgia, USA", "DE, USA"). Of the
  recognised parts, a territory wins over the wider country it is written with ("Hong Kong (China)" is
  HK, "Cayman Islands, UK" is KY), because the territory is its own jurisdiction; otherwise the last
  recognised part wins, since registries write the country last. If no part is recognised, it is an error.
* "UK" means GB. "XK" (Kosovo) is accepted although it is a user-assigned code, because it is the code in
  general use; "EU" and other codes that are not countries are errors. Historic countries ("USSR",
  "Yugoslavia") are errors too: their successors cannot be told apart from the name alone.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Mapping
from typing import TYPE_CHECKING, Final, SupportsFloat

import pycountry

if TYPE_CHECKING:
    from ownership.model import CountryKind

__all__ = ["UnknownCountryError", "country_name", "normalize_country"]


class UnknownCountryError(ValueError):
    """A country text that is not recognised; ``text`` is the text as given, ``reason`` any detail."""

    def __init__(self, text: str, reason: str = "") -> None:
        self.text = text
        self.reason = reason
        shown = " ".join(text.split())
        if len(shown) > 60:
            shown = shown[:57] + "..."
        detail = f" ({reason})" if reason else ""
        super().__init__(
            f"country '{shown}' was not recognised{detail}; accepted forms are ISO codes (CN, CHN) "
            "or English country names (China, Hong Kong, United States)"
        )

    def __reduce__(self) -> tuple[type[UnknownCountryError], tuple[str, str]]:
        # The constructor takes the text, not the message, so the default pickling would garble it.
        return (type(self), (self.text, self.reason))


# Aliases beyond pycountry's own codes and names (those are in the table already).
_ALIASES: Final[Mapping[str, tuple[str, ...]]] = {
    "CN": (
        "People's Republic of China",
        "PRC",
        "PR China",
        "PR of China",
        "People's Rep of China",
        "China, People's Republic of",
        "People's Republic of China (PRC)",
        "China PRC",
        "Mainland China",
        "China (Mainland)",
        "Chinese Mainland",
    ),
    "HK": (
        "Hong Kong SAR",
        "Hong Kong SAR, China",
        "Hong Kong, China",
        "China (Hong Kong)",
        "Hong Kong S.A.R.",
        "HKSAR",
        "HK SAR",
        "Hongkong",
        "Hong Kong Special Administrative Region",
        "Hong Kong Special Administrative Region of China",
        "Hong Kong Special Administrative Region of the People's Republic of China",
    ),
    "MO": (
        "Macau",
        "Macau SAR",
        "Macao SAR",
        "Macau SAR, China",
        "Macao SAR, China",
        "Macau, China",
        "Macao, China",
        "China (Macau)",
        "China (Macao)",
        "Macao Special Administrative Region",
        "Macau Special Administrative Region",
        "Macao Special Administrative Region of the People's Republic of China",
    ),
    "TW": (
        "Republic of China",
        "Republic of China (Taiwan)",
        "Taiwan (Republic of China)",
        "Taiwan ROC",
        "Taiwan, China",
        "Chinese Taipei",
    ),
    "US": (
        "America",
        "United States of America",
        "United States (USA)",
        "United States of America (USA)",
    ),
    "GB": (
        "UK",
        "Great Britain",
        "Britain",
        "England",
        "Wales",
        "Cymru",
        "Scotland",
        "Northern Ireland",
        "England and Wales",
        "Great Britain and Northern Ireland",
        "United Kingdom of Great Britain and Northern Ireland",
        "United Kingdom (UK)",
    ),
    "KY": ("Cayman", "Caymans", "Cayman Is", "Grand Cayman"),
    "VG": ("BVI", "British Virgin Islands", "Virgin Islands (UK)", "British Virgin Is", "Tortola"),
    "VI": ("US Virgin Islands", "USVI", "United States Virgin Islands"),
    "BM": ("Bermuda Islands",),
    "SG": ("Republic of Singapore",),
    "KR": (
        "South Korea",
        "Korea",
        "Republic of Korea",
        "Korea (South)",
        "Korea, South",
        "S Korea",
        "ROK",
        "Korea, Rep.",
    ),
    "KP": (
        "North Korea",
        "DPRK",
        "DPR Korea",
        "Korea DPR",
        "Korea (North)",
        "Korea, North",
        "N Korea",
        "Korea, Dem. People's Rep.",
    ),
    "RU": ("Russia",),
    "IR": ("Iran, Islamic Rep.",),
    "AE": ("UAE", "Emirates", "Dubai", "Abu Dhabi"),
    "SA": ("KSA", "Kingdom of Saudi Arabia"),
    "LU": ("Grand Duchy of Luxembourg", "Luxemburg"),
    "NL": ("Holland", "Nederland", "Kingdom of the Netherlands"),
    "IE": ("Republic of Ireland", "Eire"),
    "CH": ("Schweiz", "Suisse", "Svizzera", "Swiss Confederation"),
    "DE": ("Deutschland", "Federal Republic of Germany"),
    "FR": ("French Republic",),
    "JE": ("Bailiwick of Jersey",),
    "GG": ("Bailiwick of Guernsey",),
    "TR": ("Turkey", "Republic of Turkey"),
    "CZ": ("Czech Rep",),
    "LA": ("Lao PDR",),
    "CI": ("Ivory Coast",),
    "MK": ("Macedonia", "Republic of North Macedonia", "FYROM", "Former Yugoslav Republic of Macedonia"),
    "SZ": ("Swaziland",),
    "MM": ("Burma",),
    "CV": ("Cape Verde",),
    "TL": ("East Timor",),
    "VA": ("Vatican", "Vatican City", "Vatican City State"),
    "PS": ("Palestine", "State of Palestine"),
    "FM": ("Micronesia",),
    "BN": ("Brunei",),
    "CD": (
        "DR Congo",
        "DRC",
        "Democratic Republic of the Congo",
        "Democratic Republic of Congo",
        "Congo-Kinshasa",
        "Congo (Kinshasa)",
        "Congo, Dem. Rep.",
    ),
    "CG": (
        "Republic of the Congo",
        "Republic of Congo",
        "Congo-Brazzaville",
        "Congo (Brazzaville)",
        "Congo, Rep.",
    ),
    "ST": ("Sao Tome",),
    "KN": ("Saint Kitts",),
    "VC": ("Saint Vincent",),
    "SH": ("Saint Helena",),
    "SX": ("Sint Maarten",),
    "FK": ("Falkland Islands", "Falklands"),
    "PN": ("Pitcairn Islands",),
    "TC": ("Turks and Caicos", "TCI"),
    "BA": ("Bosnia", "Bosnia-Herzegovina"),
    "TT": ("Trinidad",),
    "AG": ("Antigua",),
    "KG": ("Kyrgyz Republic",),
    "SK": ("Slovak Republic",),
    "XK": ("XK", "XKX", "Kosovo", "Republic of Kosovo"),
}

# Demonyms, for persons' nationality. Ambiguous ones ("Dominican", "Congolese") are left out on purpose.
_DEMONYMS: Final[Mapping[str, tuple[str, ...]]] = {
    "CN": ("Chinese",),
    "HK": ("Hong Konger", "Hongkonger", "Hong Kongese", "Hongkongese", "Hong Kong Chinese"),
    "MO": ("Macanese",),
    "TW": ("Taiwanese",),
    "US": ("American", "US citizen"),
    "GB": ("British", "English", "Welsh", "Scottish", "Scots", "Northern Irish", "UK citizen"),
    "KY": ("Caymanian", "Cayman Islander"),
    "BM": ("Bermudian", "Bermudan"),
    "IM": ("Manx",),
    "SG": ("Singaporean",),
    "JP": ("Japanese",),
    "KR": ("Korean", "South Korean"),
    "KP": ("North Korean",),
    "RU": ("Russian",),
    "IR": ("Iranian",),
    "AE": ("Emirati",),
    "LU": ("Luxembourger", "Luxembourgish"),
    "NL": ("Dutch",),
    "IE": ("Irish",),
    "CH": ("Swiss",),
    "DE": ("German",),
    "FR": ("French",),
    "IN": ("Indian",),
    "CA": ("Canadian",),
    "AU": ("Australian",),
    "NZ": ("New Zealander",),
    "IT": ("Italian",),
    "ES": ("Spanish",),
    "PT": ("Portuguese",),
    "SE": ("Swedish",),
    "NO": ("Norwegian",),
    "DK": ("Danish",),
    "FI": ("Finnish",),
    "IS": ("Icelandic",),
    "BE": ("Belgian",),
    "AT": ("Austrian",),
    "PL": ("Polish",),
    "CZ": ("Czech",),
    "SK": ("Slovak",),
    "HU": ("Hungarian",),
    "RO": ("Romanian",),
    "BG": ("Bulgarian",),
    "GR": ("Greek",),
    "CY": ("Cypriot",),
    "MT": ("Maltese",),
    "MC": ("Monegasque",),
    "LI": ("Liechtensteiner",),
    "EE": ("Estonian",),
    "LV": ("Latvian",),
    "LT": ("Lithuanian",),
    "SI": ("Slovenian", "Slovene"),
    "HR": ("Croatian",),
    "RS": ("Serbian",),
    "ME": ("Montenegrin",),
    "AL": ("Albanian",),
    "UA": ("Ukrainian",),
    "BY": ("Belarusian",),
    "GE": ("Georgian",),
    "AM": ("Armenian",),
    "AZ": ("Azerbaijani",),
    "KZ": ("Kazakh", "Kazakhstani"),
    "UZ": ("Uzbek",),
    "MN": ("Mongolian",),
    "TR": ("Turkish",),
    "IL": ("Israeli",),
    "PS": ("Palestinian",),
    "LB": ("Lebanese",),
    "JO": ("Jordanian",),
    "SY": ("Syrian",),
    "IQ": ("Iraqi",),
    "SA": ("Saudi", "Saudi Arabian"),
    "KW": ("Kuwaiti",),
    "QA": ("Qatari",),
    "BH": ("Bahraini",),
    "OM": ("Omani",),
    "YE": ("Yemeni",),
    "EG": ("Egyptian",),
    "LY": ("Libyan",),
    "TN": ("Tunisian",),
    "DZ": ("Algerian",),
    "MA": ("Moroccan",),
    "NG": ("Nigerian",),
    "GH": ("Ghanaian",),
    "KE": ("Kenyan",),
    "ET": ("Ethiopian",),
    "TZ": ("Tanzanian",),
    "UG": ("Ugandan",),
    "ZA": ("South African",),
    "ZW": ("Zimbabwean",),
    "ZM": ("Zambian",),
    "MU": ("Mauritian",),
    "AF": ("Afghan",),
    "PK": ("Pakistani",),
    "BD": ("Bangladeshi",),
    "LK": ("Sri Lankan",),
    "NP": ("Nepalese", "Nepali"),
    "TH": ("Thai",),
    "VN": ("Vietnamese",),
    "KH": ("Cambodian",),
    "LA": ("Laotian",),
    "MY": ("Malaysian",),
    "ID": ("Indonesian",),
    "PH": ("Filipino",),
    "MX": ("Mexican",),
    "BR": ("Brazilian",),
    "AR": ("Argentine", "Argentinian"),
    "CL": ("Chilean",),
    "CO": ("Colombian",),
    "PE": ("Peruvian",),
    "VE": ("Venezuelan",),
    "EC": ("Ecuadorian",),
    "BO": ("Bolivian",),
    "UY": ("Uruguayan",),
    "PY": ("Paraguayan",),
    "CU": ("Cuban",),
    "JM": ("Jamaican",),
    "PA": ("Panamanian",),
    "CR": ("Costa Rican",),
    "BS": ("Bahamian",),
    "BB": ("Barbadian",),
    "PR": ("Puerto Rican",),
    "XK": ("Kosovar", "Kosovan"),
}

_CHINESE: Final[Mapping[str, tuple[str, ...]]] = {
    "CN": ("中国", "中國", "中华人民共和国", "中華人民共和國", "中国大陆", "中國大陸"),
    "HK": ("香港", "中国香港", "中國香港", "香港特别行政区", "香港特別行政區"),
    "MO": ("澳门", "澳門", "中国澳门", "中國澳門", "澳门特别行政区", "澳門特別行政區"),
    "TW": ("台湾", "台灣", "臺灣", "臺湾", "中华民国", "中華民國"),
    "US": ("美国", "美國", "美利坚合众国", "美利堅合眾國"),
    "GB": ("英国", "英國"),
    "KY": ("开曼群岛", "開曼群島", "开曼", "開曼"),
    "VG": ("英属维尔京群岛", "英屬維爾京群島", "英属处女群岛", "英屬處女群島"),
    "BM": ("百慕大",),
    "SG": ("新加坡",),
    "JP": ("日本",),
    "KR": ("韩国", "韓國", "南韩", "南韓"),
    "KP": ("朝鲜", "朝鮮", "北韩", "北韓"),
    "DE": ("德国", "德國"),
    "FR": ("法国", "法國"),
    "RU": ("俄罗斯", "俄羅斯"),
    "CH": ("瑞士",),
    "LU": ("卢森堡", "盧森堡"),
    "NL": ("荷兰", "荷蘭"),
    "IE": ("爱尔兰", "愛爾蘭"),
    "CA": ("加拿大",),
    "AU": ("澳大利亚", "澳大利亞", "澳洲"),
}

_US_STATES: Final[Mapping[str, str]] = {
    "Alabama": "AL",
    "Alaska": "AK",
    "Arizona": "AZ",
    "Arkansas": "AR",
    "California": "CA",
    "Colorado": "CO",
    "Connecticut": "CT",
    "Delaware": "DE",
    "District of Columbia": "DC",
    "Washington DC": "DC",
    "Florida": "FL",
    "Georgia": "GA",
    "Hawaii": "HI",
    "Idaho": "ID",
    "Illinois": "IL",
    "Indiana": "IN",
    "Iowa": "IA",
    "Kansas": "KS",
    "Kentucky": "KY",
    "Louisiana": "LA",
    "Maine": "ME",
    "Maryland": "MD",
    "Massachusetts": "MA",
    "Michigan": "MI",
    "Minnesota": "MN",
    "Mississippi": "MS",
    "Missouri": "MO",
    "Montana": "MT",
    "Nebraska": "NE",
    "Nevada": "NV",
    "New Hampshire": "NH",
    "New Jersey": "NJ",
    "New Mexico": "NM",
    "New York": "NY",
    "North Carolina": "NC",
    "North Dakota": "ND",
    "Ohio": "OH",
    "Oklahoma": "OK",
    "Oregon": "OR",
    "Pennsylvania": "PA",
    "Rhode Island": "RI",
    "South Carolina": "SC",
    "South Dakota": "SD",
    "Tennessee": "TN",
    "Texas": "TX",
    "Utah": "UT",
    "Vermont": "VT",
    "Virginia": "VA",
    "Washington": "WA",
    "West Virginia": "WV",
    "Wisconsin": "WI",
    "Wyoming": "WY",
}

# Territory -> the wider country it is often written with ("Hong Kong, China", "Cayman Islands, UK").
# The territory decides, because it is its own jurisdiction for registration and for exposure.
_WIDER: Final[Mapping[str, str]] = {
    **dict.fromkeys(("HK", "MO", "TW"), "CN"),
    **dict.fromkeys(("KY", "VG", "BM", "JE", "GG", "IM", "GI", "TC", "AI", "MS", "FK", "SH", "IO", "PN", "GS"), "GB"),
    **dict.fromkeys(("PR", "GU", "VI", "AS", "MP", "UM"), "US"),
    **dict.fromkeys(("AW", "CW", "SX", "BQ"), "NL"),
    **dict.fromkeys(("GL", "FO"), "DK"),
    **dict.fromkeys(("NC", "PF", "RE", "GP", "MQ", "GF", "YT", "PM", "BL", "MF", "WF", "TF"), "FR"),
    **dict.fromkeys(("CX", "CC", "NF", "HM"), "AU"),
    **dict.fromkeys(("CK", "NU", "TK"), "NZ"),
    "AX": "FI",
    **dict.fromkeys(("SJ", "BV"), "NO"),
}

# Short display names where pycountry's name is long or in "Name, Qualifier" form. Each is also in the
# lookup table, so that a displayed name can be typed back in.
_DISPLAY: Final[Mapping[str, str]] = {
    "RU": "Russia",
    "KR": "South Korea",
    "KP": "North Korea",
    "VG": "British Virgin Islands",
    "VI": "US Virgin Islands",
    "CD": "DR Congo",
    "FM": "Micronesia",
    "PS": "Palestine",
    "VA": "Vatican City",
    "BN": "Brunei",
    "FK": "Falkland Islands",
    "SH": "Saint Helena",
    "SX": "Sint Maarten",
    "XK": "Kosovo",
}

# Dropped before anything else: apostrophes (so "People's" == "Peoples") and invisible characters that
# survive copy and paste from web pages.
_DROP: Final = dict.fromkeys(map(ord, "'`\u2019\u2018\u00b4\u02bc\u200b\u200c\u200d\u2060\ufeff"))
_PUNCTUATION: Final = re.compile(r"[,;:()\[\]{}/\\|_\"\u201c\u201d\u00ab\u00bb!?*+\-\u2010-\u2015]+")
_AMPERSAND: Final = re.compile(r"(?<=\w)\s*&\s*(?=\w)")
_SINGLE_LETTERS: Final = re.compile(r"\b([a-z]) +(?=[a-z]\b)")
_SEPARATORS: Final = re.compile(r"[,;/|()\[\]{}\u3001]|\s[-\u2013\u2014]+\s")
_SUBDIVISION: Final = re.compile(r"([A-Za-z]{2})-([A-Za-z0-9]{1,3})")


def _key(text: str) -> str:
    """The normalised form the table is keyed by; applied alike to table entries and to input."""
    text = unicodedata.normalize("NFKD", text.translate(_DROP))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    # "&" only between words: a lone "&" must not become "and", the alpha-3 code of Andorra.
    text = _AMPERSAND.sub(" and ", text.replace(".", ""))
    text = _PUNCTUATION.sub(" ", text)
    # "U S A" and "P R China" are what "U. S. A." and "P. R. China" become once the dots are gone.
    text = _SINGLE_LETTERS.sub(r"\1", " ".join(text.split()))
    words = [w for w in text.split() if w != "the"]
    # "St" alone is the code of Sao Tome and Principe, so "St" is "Saint" only when more of a name follows.
    return " ".join("saint" if w == "st" and i < len(words) - 1 else w for i, w in enumerate(words))


@functools.cache
def _iso_codes() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries)


@functools.cache
def _table() -> dict[str, str]:
    table: dict[str, str] = {}

    # First entry wins, so the order below is the order of precedence: codes, then ISO names, then our
    # aliases. Tests check that no alias is shadowed by accident.
    def add(name: str, code: str) -> None:
        table.setdefault(_key(name), code)

    countries = list(pycountry.countries)
    for country in countries:
        add(country.alpha_2, country.alpha_2)
        add(country.alpha_3, country.alpha_2)
    for country in countries:
        for field in ("name", "official_name", "common_name"):
            name = getattr(country, field, None)
            if name:
                add(name, country.alpha_2)
    for code, name in _DISPLAY.items():
        add(name, code)
    for source in (_ALIASES, _DEMONYMS, _CHINESE):
        for code, names in source.items():
            for name in names:
                add(name, code)
    for state in _US_STATES:
        add(state, "US")
    return table


@functools.cache
def _us_state_keys() -> frozenset[str]:
    return frozenset(_key(s) for s in _US_STATES) | frozenset(_key(p) for p in _US_STATES.values())


def _whole(text: str) -> str | None:
    """The code for the whole text as one name or subdivision code, or None."""
    code = _table().get(_key(text))
    if code is not None:
        return code
    match = _SUBDIVISION.fullmatch(text.strip())
    if match and match.group(1).upper() in _iso_codes():
        return match.group(1).upper()
    return None


def _from_parts(parts: list[str]) -> str | None:
    """The code for free text with several parts, by the rules in the module docstring, or None."""
    codes = [_whole(part) for part in parts]
    if "US" in codes:
        states = _us_state_keys()
        codes = ["US" if _key(part) in states else code for part, code in zip(parts, codes, strict=True)]
    found = [code for code in codes if code is not None]
    if not found:
        return None
    wider = {_WIDER[code] for code in found if code in _WIDER}
    specific = [code for code in found if code not in wider]
    return (specific or found)[-1]


@functools.lru_cache(maxsize=8192)
def _resolve(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    code = _whole(text)
    if code is not None:
        return code
    match = _SUBDIVISION.fullmatch(text.strip())
    if match:
        raise UnknownCountryError(text, f"{match.group(1).upper()} is not an ISO 3166 country code")
    parts = [part for part in _SEPARATORS.split(text) if _key(part)]
    if len(parts) > 1:
        code = _from_parts(parts)
        if code is not None:
            return code
    raise UnknownCountryError(text)


def _is_blank(text: object) -> bool:
    if text is None:
        return True
    if isinstance(text, str):
        return not text.translate(_DROP).strip()
    # pandas' missing-value markers, recognised without importing pandas.
    if type(text).__name__ in {"NAType", "NaTType"}:
        return True
    if isinstance(text, SupportsFloat):
        try:
            return math.isnan(float(text))
        except (ValueError, OverflowError):
            return False
    return False


#: What people write in a country cell for "not known". They read as unknown, with a warning, in every
#: column and reader; "NA" is one of them (Namibia is "Namibia" or "NAM"), because a spreadsheet's "NA"
#: almost always means "not available", and taking it for a country could settle an unknown.
UNKNOWN_SPELLINGS: Final = frozenset(
    {"na", "n/a", "n.a.", "n.a", "unknown", "not known", "unk", "-", "--", "tbc", "tbd", "?", "??", "none", "nil"}
)


def is_unknown_spelling(text: object) -> bool:
    """Whether ``text`` is one of the ways of writing "unknown" (``UNKNOWN_SPELLINGS``), case and spaces
    ignored; blank text is not (it is simply empty)."""
    return isinstance(text, str) and " ".join(text.split()).casefold() in UNKNOWN_SPELLINGS


def normalize_country(text: object) -> str | None:
    """ISO 3166-1 alpha-2 code for a country code, name, alias, demonym or subdivision code.

    Accepts alpha-2 and alpha-3 codes ("CN", "CHN"), English names and common variants ("PRC", "Hong Kong
    SAR, China", "England & Wales", "U.S.A."), demonyms ("Chinese"), a few Chinese names ("中国"),
    ISO 3166-2 subdivision codes ("US-DE" -> "US"), US state names ("Delaware" -> "US") and free text with
    several parts ("Minnesota, Usa", "(usa) delaware"); the module docstring gives the exact rules.
    Case, accents, punctuation and spacing do not matter. There is no fuzzy matching.

    Returns None for blank input (None, "", whitespace, NaN, pandas NA) and for the spellings of "unknown"
    (``UNKNOWN_SPELLINGS``: "N/A", "NA", "unknown", "-", "TBC", "?"; callers warn). Raises UnknownCountryError
    otherwise if the text is not recognised. Non-string values are looked up as their ``str()``.
    """
    if _is_blank(text) or is_unknown_spelling(text):
        return None
    return _resolve(text if isinstance(text, str) else str(text))


def country_name(code: str) -> str:
    """Short English display name for an alpha-2 code ("CN" -> "China", "HK" -> "Hong Kong",
    "KY" -> "Cayman Islands"); returns the code itself if unknown.

    The name is one that ``normalize_country`` maps back to the code.
    """
    upper = code.strip().upper()
    if upper in _DISPLAY:
        return _DISPLAY[upper]
    country = pycountry.countries.get(alpha_2=upper) if len(upper) == 2 else None
    if country is None:
        return code
    name: str = getattr(country, "common_name", None) or country.name
    return name


def parse_other_countries(text: str) -> tuple[tuple[str, CountryKind], ...]:
    """Further countries of a party with their kinds, as a workbook cell writes them:
    ``"UA (tax residence); GB (nationality)"``. Parts are separated by ``;``; the kind in brackets is one of
    incorporation, headquarters, nationality, residence, tax residence (a part without one is a residence).

    Raises:
        UnknownCountryError: a part names no country this module knows, or an unknown kind.
    """
    from ownership.model import CountryKind

    found: list[tuple[str, CountryKind]] = []
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        match = re.fullmatch(r"(.+?)\s*\(([^()]*)\)", part)
        country_text, kind_text = (match.group(1), match.group(2)) if match else (part, "residence")
        kind_key = "_".join(kind_text.strip().lower().replace("-", " ").split())
        if kind_key not in {k.value for k in CountryKind}:
            raise UnknownCountryError(
                part, f"the kind '{kind_text.strip()}' is not one of {', '.join(k.value for k in CountryKind)}"
            )
        code = normalize_country(country_text)
        if code is not None:
            found.append((code, CountryKind(kind_key)))
    return tuple(dict.fromkeys(found))


def other_countries_text(countries: tuple[tuple[str, CountryKind], ...]) -> str:
    """The cell text ``parse_other_countries`` reads back: ``"UA (tax residence); GB (nationality)"``."""
    return "; ".join(f"{code} ({kind.value.replace('_', ' ')})" for code, kind in countries)
