"""UK PSC free text into countries (register, law, nationality), company numbers, natures of control as
properties, and the snapshot read in any line order."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_psc_support import REAL, SNAPSHOT

from ownership.model import Stake
from ownership.readers.cells.tables import DEFAULT_LIMITS
from ownership.readers.psc.countries import nationality_countries, register_country, residence_country
from ownership.readers.psc.natures import combine, read_natures
from ownership.readers.psc.parties import normalize_company_number
from ownership.readers.psc.reader import read_psc


@pytest.mark.parametrize(
    ("text", "field", "country"),
    [
        # country_registered as filed
        ("England & Wales", "country_registered", "GB"),
        ("England And Wales", "country_registered", "GB"),
        ("United Kingdom", "country_registered", "GB"),
        ("Minnesota, Usa", "country_registered", "US"),
        ("PRC", "country_registered", "CN"),
        ("People'S Republic Of China", "country_registered", "CN"),
        ("Hong Kong", "country_registered", "HK"),
        ("Narnia", "country_registered", None),
        # place_registered: the register's name
        ("Companies House", "place_registered", "GB"),
        ("Companies House Cardiff", "place_registered", "GB"),
        ("Companies House, Cardiff", "place_registered", "GB"),
        ("Registrar Of Companies For England And Wales", "place_registered", "GB"),
        ("Beijing, China", "place_registered", "CN"),
        ("Connecticut", "place_registered", "US"),
        ("Delaware Secretary Of State", "place_registered", "US"),
        ("Cayman Islands Registrar Of Companies", "place_registered", "KY"),
        ("Hong Kong Companies Registry", "place_registered", "HK"),
        ("Registered In Jersey", "place_registered", "JE"),
        ("State Administration For Industry And Commerce", "place_registered", None),
        ("Register Of Companies", "place_registered", None),
        # legal_authority: the governing law
        ("Companies Act 2006", "legal_authority", "GB"),
        ("Companies Act 1985", "legal_authority", "GB"),
        ("Companies Act", "legal_authority", None),  # Ireland, India, Singapore... have one too
        ("Companies Act 2014", "legal_authority", None),  # the Irish one
        ("English Law", "legal_authority", "GB"),
        ("United Kingdom (England And Wales)", "legal_authority", "GB"),
        ("People'S Republic Of China", "legal_authority", "CN"),
        ("Czech Republic", "legal_authority", "CZ"),
        ("The Companies Ordinance Of The Laws Of Gibraltar", "legal_authority", "GI"),
        (
            "Organized Under The Laws Of Minnesota, State Of Domicile Or Port Of Entry Minnesota, "
            "Country Of Domicile Us",
            "legal_authority",
            "US",
        ),
        ("Limited Company", "legal_authority", None),
        ("Limited Liability", "legal_authority", None),
        ("Ag", "legal_authority", None),  # a bare two-letter word is not a code outside country_registered
        # legal_form: only acts and laws count
        ("Uk Companies Act 2006", "legal_form", "GB"),
        ("Ag", "legal_form", None),  # Aktiengesellschaft, not Antigua
        ("Sa", "legal_form", None),
        ("Government Department", "legal_form", None),
    ],
)
def test_register_texts_name_a_country_or_none(text: str, field: str, country: str | None) -> None:
    assert register_country(text, field) == country


@pytest.mark.parametrize(
    ("text", "countries", "unknown"),
    [
        ("British", ["GB"], []),
        ("Chinese", ["CN"], []),
        ("British,Irish", ["GB", "IE"], []),
        ("British / Chinese", ["GB", "CN"], []),
        ("British And Chinese", ["GB", "CN"], []),
        ("Trinidad And Tobago", ["TT"], []),
        ("Citizen Of Seychelles", ["SC"], []),
        ("British,Martian", ["GB"], ["Martian"]),
        ("Other", [], ["Other"]),
    ],
)
def test_nationalities(text: str, countries: list[str], unknown: list[str]) -> None:
    assert nationality_countries(text) == (tuple(countries), tuple(unknown))


@pytest.mark.parametrize(
    ("text", "country"),
    [("England", "GB"), ("Wales", "GB"), ("Northern Ireland", "GB"), ("China", "CN"), ("Atlantis", None)],
)
def test_residence(text: str, country: str | None) -> None:
    assert residence_country(text) == country


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("08209948", "08209948"),
        ("6436883", "06436883"),
        (" sc 12345 ", "SC012345"),
        ("OE029880", "OE029880"),
        ("R0000123", "R0000123"),
        ("", None),
        ("123456789", None),
        ("ABC", None),
    ],
)
def test_company_numbers_are_written_as_the_register_writes_them(text: str, number: str | None) -> None:
    assert normalize_company_number(text) == number


# Every nature of control Companies House defines (the enumeration's codes).
NATURES = (REAL.parent / "natures_of_control.txt").read_text(encoding="utf-8").split()
BANDS = [c for c in NATURES if re.search(r"-(?:25-to-50|50-to-75|75-to-100|more-than-25)-percent", c)]
CONTROL = [c for c in NATURES if c.startswith(("right-to-appoint", "significant-influence"))]


def test_every_nature_of_control_is_read() -> None:
    assert len(NATURES) == 86
    for code in NATURES:
        natures = read_natures([code])
        if code.startswith("registered-owner-as-nominee-"):
            assert natures.ignored == (code,)
        elif code in CONTROL:
            assert (natures.stake, natures.votes, natures.control) == (None, None, True), code
        else:
            assert code in BANDS, code
            band = natures.votes if code.startswith("voting-rights") else natures.stake
            assert band is not None and natures.ignored == () and not natures.control, code


@given(st.lists(st.sampled_from(BANDS + CONTROL), min_size=1, max_size=6))
def test_natures_give_bands_that_contain_what_each_code_allows(codes: list[str]) -> None:
    natures = read_natures(codes)
    for attr, prefix in (("stake", ("ownership", "right-to-share", "part-right")), ("votes", ("voting",))):
        bands = [read_natures([c]).stake or read_natures([c]).votes for c in codes if c.startswith(prefix)]
        got: Stake | None = getattr(natures, attr)
        if not bands:
            assert got is None
            continue
        assert got is not None and 0.0 <= got.low <= got.high <= 1.0
        assert got.low == max(b.low for b in bands if b is not None)
        assert all(b is not None and b.high <= got.high + 1e-12 for b in bands)
        assert got == combine([b for b in bands if b is not None])
    assert natures.control == any(c in CONTROL for c in codes)


LINES = [
    line
    for part in ("part-1.jsonl", "part-2.jsonl")
    for line in (SNAPSHOT / part).read_text(encoding="utf-8").splitlines()
]


def _shape(lines: list[str]) -> tuple[object, ...]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "psc.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        data = read_psc([path], "psc.jsonl", DEFAULT_LIMITS)
    entities = frozenset((e.id, e.type, e.jurisdiction, e.headquarters) for e in data.entities)
    holdings = frozenset((h.holder, h.subject, h.stake, h.votes, h.control, h.source) for h in data.holdings)
    return entities, holdings, sorted(w.code for w in data.warnings)


@settings(max_examples=30, deadline=None)
@given(st.permutations(LINES))
def test_the_order_of_the_lines_does_not_change_what_is_read(lines: list[str]) -> None:
    assert _shape(lines) == _shape(LINES)
