"""Countries from the free text of the UK PSC register: where a corporate PSC is registered, and a person's
nationality and residence.

The register's identification fields are typed by filers: ``country_registered`` ("England & Wales",
"Minnesota, Usa"), ``place_registered`` (the register's name: "Companies House, Cardiff", "Delaware Secretary
Of State"), ``legal_authority`` (the governing law: "Companies Act 2006", "People'S Republic Of China",
"The Companies Ordinance Of The Laws Of Gibraltar") and ``legal_form`` ("Private Limited Company", "Ag").
Everything here ends in ``ownership.model.countries.normalize_country``, which never guesses; this module only
cuts a country phrase out of such text:

* "Companies House" is the UK registrar, and the Companies Acts of the UK Parliament (1929 to 2006) are UK
  law, so either names the UK. "Companies Act" without a year does not: Ireland, India, Singapore and
  others have Companies Acts too.
* "laws of X" and "X law" name X ("English Law" is the UK).
* Register words ("Registrar Of Companies For", "Companies Registry", "Secretary Of State") are removed and
  what is left is looked up ("Cayman Islands Registrar Of Companies" is KY).
* Outside ``country_registered``, a bare two- or three-letter word is not read as a country code unless it
  is one filers use as a name (UK, USA, PRC...): a legal form "Ag" is Aktiengesellschaft, not Antigua.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

from ownership.model.countries import UnknownCountryError, normalize_country

__all__ = ["nationality_countries", "register_country", "residence_country"]

_COMPANIES_HOUSE: Final = re.compile(r"\bcompanies house\b")
# Acts of the UK Parliament consolidating company law, and the Northern Ireland equivalents.
_UK_ACTS: Final = re.compile(
    r"\bcompanies acts? (?:\d{4} (?:to|and|-) )?(?:1862|1908|1929|1948|1967|1976|1980|1981|1985|1989|2006)\b"
    r"|\bcompanies \(northern ireland\) order\b"
    r"|\blimited liability partnerships act 2000\b"
)
_LAWS_OF: Final = re.compile(r"\blaws? of (?:the )?(?:state of |commonwealth of |province of )?([^,;()]+)")
_TRAILING_LAW: Final = re.compile(r"^(.+?) laws?$")
_REGISTER_WORDS: Final = re.compile(
    r"\b(?:registrar of (?:companies|corporate affairs|corporations)|registry of companies"
    r"|compan(?:y|ies) regist(?:ry|ration office|er)|companies office|corporate registry|commercial register"
    r"|trade register|chamber of commerce|secretary of state|department of state|division of corporations"
    r"|registrar|registry|register|registered|incorporated|organi[sz]ed)\b"
)
_LEADING_LINK: Final = re.compile(r"^(?:(?:of|for|in|at|with|under|the)\b\s*)+")
_PART_SPLIT: Final = re.compile(r"[,;/|()]")
# Short words filers write as country names; any other two- or three-letter word outside
# country_registered is a legal form or an abbreviation, not an ISO code.
_SHORT_NAMES: Final = frozenset({"uk", "usa", "us", "prc", "uae", "bvi", "hk", "roc"})
_CITIZEN: Final = re.compile(r"^(?:a )?citizen of (?:the )?", re.IGNORECASE)
_NATIONALITY_SPLIT: Final = re.compile(r"[,;/]")
_AND: Final = re.compile(r"\band\b|&", re.IGNORECASE)


def _clean(text: str) -> str:
    return " ".join(text.split()).casefold()


def _strict(text: str, *, codes: bool) -> str | None:
    """``normalize_country`` of ``text``, or None if it is not recognised. Without ``codes``, parts that are
    bare two- or three-letter words (other than _SHORT_NAMES) are dropped first."""
    if not codes:
        parts = [p for p in _PART_SPLIT.split(text) if p.strip()]
        kept = [p for p in parts if len(p.strip()) > 3 or p.strip().casefold() in _SHORT_NAMES]
        if not kept:
            return None
        text = ", ".join(p.strip() for p in kept)
    try:
        return normalize_country(text)
    except UnknownCountryError:
        return None


def _phrases(text: str) -> str | None:
    """A country named by a register, law or act phrase in ``text``, or None."""
    cleaned = _clean(text)
    if _COMPANIES_HOUSE.search(cleaned) or _UK_ACTS.search(cleaned):
        return "GB"
    for law in _LAWS_OF.finditer(cleaned):
        code = _strict(law[1], codes=False)
        if code is not None:
            return code
    for part in _PART_SPLIT.split(cleaned):
        part = part.strip()
        trailing = _TRAILING_LAW.match(part)
        if trailing and (code := _strict(trailing[1], codes=False)) is not None:
            return code
        stripped = _LEADING_LINK.sub("", " ".join(_REGISTER_WORDS.sub(" ", part).split()))
        if stripped and stripped != part and (code := _strict(stripped, codes=False)) is not None:
            return code
    return None


# Cached: a snapshot repeats the same few thousand texts millions of times.
@lru_cache(maxsize=1 << 16)
def register_country(text: str, field: str) -> str | None:
    """ISO alpha-2 country named by a corporate PSC's identification field, or None if it names none.

    Args:
        text: the field's text as filed.
        field: ``country_registered``, ``place_registered``, ``legal_authority`` or ``legal_form``. Only
            ``country_registered`` may be a bare ISO code; ``legal_form`` is read for act and law phrases
            only, because forms such as "Ag" or "Sa" are also country codes.
    """
    if not text.strip():
        return None
    if field == "legal_form":
        return _phrases(text)
    code = _strict(text, codes=field == "country_registered")
    return code if code is not None else _phrases(text)


@lru_cache(maxsize=1 << 16)
def nationality_countries(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The countries of a nationality text, and the parts that were not recognised.

    "British" is GB; dual nationalities are written "British,Irish", "British / Irish" or "British And
    Irish" and give both, in order ("Trinidad And Tobago" stays one); "Citizen Of Seychelles" is SC.
    """
    found: list[str] = []
    unknown: list[str] = []
    for part in _NATIONALITY_SPLIT.split(text):
        part = _CITIZEN.sub("", part.strip())
        if not part:
            continue
        code = _strict(part, codes=True)
        pieces = (
            [code] if code is not None else [_strict(_CITIZEN.sub("", p.strip()), codes=True) for p in _AND.split(part)]
        )
        if any(p is None for p in pieces):
            unknown.append(part)
            continue
        found.extend(p for p in pieces if p is not None and p not in found)
    return tuple(found), tuple(unknown)


@lru_cache(maxsize=1 << 16)
def residence_country(text: str) -> str | None:
    """ISO alpha-2 country of a ``country_of_residence`` text ("England", "United Kingdom"), or None if it
    is not recognised."""
    return _strict(text, codes=True)
