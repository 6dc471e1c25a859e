"""Cell value parsing: percent cells into Stakes of fractions, numbers, dates and yes/no flags."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ownership.model import EXCLUSIVE_NUDGE, Stake
from ownership.readers.cells.values import (
    UNKNOWN_MARKERS,
    ValueProblem,
    is_unknown_marker,
    parse_bool,
    parse_date,
    parse_number,
    parse_percent,
)

N = EXCLUSIVE_NUDGE
EN_DASH, EM_DASH, MINUS = "\u2013", "\u2014", "\u2212"
NBSP, NNBSP = "\u00a0", "\u202f"
GE, LE = "\u2265", "\u2264"


def assert_stake(stake: Stake | None, low: float, high: float) -> None:
    assert stake is not None
    assert stake.low == pytest.approx(low, abs=1e-12)
    assert stake.high == pytest.approx(high, abs=1e-12)


# ---------------------------------------------------------------------------------------------------------
# parse_percent: accepted forms
# ---------------------------------------------------------------------------------------------------------

NUMBER_CELLS = [
    # (value, percent_format, low, high): numbers are percentage points unless the cell is %-formatted.
    (50, False, 0.5, 0.5),
    (50.0, False, 0.5, 0.5),
    (12.5, False, 0.125, 0.125),
    (0, False, 0.0, 0.0),
    (100, False, 1.0, 1.0),
    (0.5, False, 0.005, 0.005),
    (33.33, False, 0.3333, 0.3333),
    (Decimal("12.5"), False, 0.125, 0.125),
    (Fraction(1, 2), False, 0.005, 0.005),
    (100 + 1e-10, False, 1.0, 1.0),
    (0.5, True, 0.5, 0.5),
    (1, True, 1.0, 1.0),
    (0, True, 0.0, 0.0),
    (1.0, True, 1.0, 1.0),
    (0.125, True, 0.125, 0.125),
    (Decimal("0.25"), True, 0.25, 0.25),
    (1 + 1e-12, True, 1.0, 1.0),
    (-5e-17, True, 0.0, 0.0),
]


@pytest.mark.parametrize(("value", "percent_format", "low", "high"), NUMBER_CELLS)
def test_number_cells(value: object, percent_format: bool, low: float, high: float) -> None:
    assert_stake(parse_percent(value, percent_format=percent_format), low, high)


TEXT_CELLS = [
    # exact figures
    ("50", 0.5, 0.5),
    ("50%", 0.5, 0.5),
    ("50 %", 0.5, 0.5),
    ("  50%  ", 0.5, 0.5),
    (f"50{NBSP}%", 0.5, 0.5),
    (f"50{NNBSP}%", 0.5, 0.5),
    (f"{NBSP}50%{NBSP}", 0.5, 0.5),
    ("12,5%", 0.125, 0.125),
    ("12,5", 0.125, 0.125),
    ("12.5%", 0.125, 0.125),
    ("0.5%", 0.005, 0.005),
    ("0.5", 0.005, 0.005),
    (".5%", 0.005, 0.005),
    ("100%", 1.0, 1.0),
    ("0", 0.0, 0.0),
    ("0%", 0.0, 0.0),
    ("050", 0.5, 0.5),
    ("33,333", 0.33333, 0.33333),
    ("100.0000000001", 1.0, 1.0),
    ("50 percent", 0.5, 0.5),
    ("50 pct", 0.5, 0.5),
    ("\uff15\uff10\uff05", 0.5, 0.5),  # full-width digits and percent sign
    ("50\u200b%", 0.5, 0.5),  # zero-width space
    # ranges, inclusive
    ("25-50", 0.25, 0.5),
    ("25 - 50", 0.25, 0.5),
    (f"25{EN_DASH}50%", 0.25, 0.5),
    (f"25{EM_DASH}50", 0.25, 0.5),
    (f"25 {EN_DASH} 50 %", 0.25, 0.5),
    ("25% - 50%", 0.25, 0.5),
    ("25%-50", 0.25, 0.5),
    ("25 to 50%", 0.25, 0.5),
    ("25% to 50%", 0.25, 0.5),
    ("25 TO 50 %", 0.25, 0.5),
    ("between 25 and 50%", 0.25, 0.5),
    ("12,5-37,5%", 0.125, 0.375),
    ("50-50", 0.5, 0.5),
    ("0-100", 0.0, 1.0),
    # comparisons
    (">50%", 0.5 + N, 1.0),
    ("> 50 %", 0.5 + N, 1.0),
    (">50", 0.5 + N, 1.0),
    (">=50%", 0.5, 1.0),
    ("=>50%", 0.5, 1.0),
    (f"{GE}50%", 0.5, 1.0),
    (f"{GE} 50", 0.5, 1.0),
    ("<25%", 0.0, 0.25 - N),
    ("<=25%", 0.0, 0.25),
    (f"{LE}25%", 0.0, 0.25),
    ("more than 50%", 0.5 + N, 1.0),
    ("More Than 50 %", 0.5 + N, 1.0),
    ("over 50%", 0.5 + N, 1.0),
    ("above 50", 0.5 + N, 1.0),
    ("greater than 50%", 0.5 + N, 1.0),
    ("at least 50%", 0.5, 1.0),
    ("not less than 50%", 0.5, 1.0),
    ("50% or more", 0.5, 1.0),
    ("less than 25%", 0.0, 0.25 - N),
    ("under 25%", 0.0, 0.25 - N),
    ("below 25%", 0.0, 0.25 - N),
    ("up to 25%", 0.0, 0.25),
    ("at most 25%", 0.0, 0.25),
    ("not more than 25%", 0.0, 0.25),
    ("25% or less", 0.0, 0.25),
    (">0%", N, 1.0),
    (">=100%", 1.0, 1.0),
    ("<=0%", 0.0, 0.0),
    (">12,5%", 0.125 + N, 1.0),
    # unknown markers: the whole range
    ("unknown", 0.0, 1.0),
    ("Unknown", 0.0, 1.0),
    ("?", 0.0, 1.0),
    (" ? ", 0.0, 1.0),
    ("undisclosed", 0.0, 1.0),
    ("UNDISCLOSED", 0.0, 1.0),
    ("n/k", 0.0, 1.0),
    ("N/K", 0.0, 1.0),
]


@pytest.mark.parametrize(("text", "low", "high"), TEXT_CELLS)
def test_text_cells(text: str, low: float, high: float) -> None:
    assert_stake(parse_percent(text), low, high)


@pytest.mark.parametrize(("text", "low", "high"), TEXT_CELLS)
def test_text_ignores_percent_format(text: str, low: float, high: float) -> None:
    # Text is always percentage points: the % number format only changes how a stored number is read.
    assert_stake(parse_percent(text, percent_format=True), low, high)


SHARES_25_50 = (0.25 + N, 0.5)
SHARES_50_75 = (0.5 + N, 0.75 - N)
SHARES_75_100 = (0.75, 1.0)
MORE_THAN_25 = (0.25 + N, 1.0)

PSC_BAND_CODES = [
    ("ownership-of-shares-25-to-50-percent", SHARES_25_50),
    ("ownership-of-shares-50-to-75-percent", SHARES_50_75),
    ("ownership-of-shares-75-to-100-percent", SHARES_75_100),
    ("ownership-of-shares-25-to-50-percent-as-trust", SHARES_25_50),
    ("ownership-of-shares-50-to-75-percent-as-trust", SHARES_50_75),
    ("ownership-of-shares-75-to-100-percent-as-trust", SHARES_75_100),
    ("ownership-of-shares-25-to-50-percent-as-firm", SHARES_25_50),
    ("ownership-of-shares-50-to-75-percent-as-firm", SHARES_50_75),
    ("ownership-of-shares-75-to-100-percent-as-firm", SHARES_75_100),
    ("ownership-of-shares-more-than-25-percent-registered-overseas-entity", MORE_THAN_25),
    ("ownership-of-shares-more-than-25-percent-as-trust-registered-overseas-entity", MORE_THAN_25),
    ("ownership-of-shares-more-than-25-percent-as-firm-registered-overseas-entity", MORE_THAN_25),
    (
        "ownership-of-shares-more-than-25-percent-as-control-over-trust-registered-overseas-entity",
        MORE_THAN_25,
    ),
    (
        "ownership-of-shares-more-than-25-percent-as-control-over-firm-registered-overseas-entity",
        MORE_THAN_25,
    ),
    ("voting-rights-25-to-50-percent", SHARES_25_50),
    ("voting-rights-50-to-75-percent", SHARES_50_75),
    ("voting-rights-75-to-100-percent", SHARES_75_100),
    ("voting-rights-25-to-50-percent-as-trust", SHARES_25_50),
    ("voting-rights-50-to-75-percent-as-firm", SHARES_50_75),
    ("voting-rights-25-to-50-percent-limited-liability-partnership", SHARES_25_50),
    ("voting-rights-50-to-75-percent-limited-liability-partnership", SHARES_50_75),
    ("voting-rights-75-to-100-percent-limited-liability-partnership", SHARES_75_100),
    ("voting-rights-75-to-100-percent-as-trust-limited-liability-partnership", SHARES_75_100),
    ("voting-rights-50-to-75-percent-as-firm-limited-liability-partnership", SHARES_50_75),
    ("voting-rights-more-than-25-percent-registered-overseas-entity", MORE_THAN_25),
    ("voting-rights-more-than-25-percent-as-control-over-firm-registered-overseas-entity", MORE_THAN_25),
    ("right-to-share-surplus-assets-25-to-50-percent-limited-liability-partnership", SHARES_25_50),
    ("right-to-share-surplus-assets-50-to-75-percent-limited-liability-partnership", SHARES_50_75),
    ("right-to-share-surplus-assets-75-to-100-percent-limited-liability-partnership", SHARES_75_100),
    ("right-to-share-surplus-assets-25-to-50-percent-as-trust-limited-liability-partnership", SHARES_25_50),
    ("right-to-share-surplus-assets-75-to-100-percent-as-firm-limited-liability-partnership", SHARES_75_100),
    ("part-right-to-share-surplus-assets-25-to-50-percent", SHARES_25_50),
    ("part-right-to-share-surplus-assets-50-to-75-percent-as-trust", SHARES_50_75),
    ("part-right-to-share-surplus-assets-75-to-100-percent-as-firm", SHARES_75_100),
    ("  Ownership-Of-Shares-25-To-50-Percent ", SHARES_25_50),
]


@pytest.mark.parametrize(("code", "band"), PSC_BAND_CODES)
def test_uk_psc_band_codes(code: str, band: tuple[float, float]) -> None:
    assert_stake(parse_percent(code), *band)


def test_psc_bands_follow_the_register_wording() -> None:
    # "more than 25% but not more than 50%", "more than 50% but less than 75%", "75% or more".
    assert parse_percent("ownership-of-shares-25-to-50-percent") == Stake.between(0.25, 0.5, low_exclusive=True)
    assert parse_percent("ownership-of-shares-50-to-75-percent") == Stake.between(
        0.5, 0.75, low_exclusive=True, high_exclusive=True
    )
    assert parse_percent("ownership-of-shares-75-to-100-percent") == Stake.between(0.75, 1.0)
    assert parse_percent("ownership-of-shares-more-than-25-percent-registered-overseas-entity") == Stake.between(
        0.25, 1.0, low_exclusive=True
    )


def test_comparisons_use_the_model_nudge() -> None:
    assert parse_percent(">50%") == Stake.between(0.5, 1.0, low_exclusive=True)
    assert parse_percent("<25%") == Stake.between(0.0, 0.25, high_exclusive=True)


@pytest.mark.parametrize("blank", [None, "", " ", "   ", "\t\n", NBSP, f" {NNBSP} ", "\u200b"])
def test_blank_cells_are_none(blank: object) -> None:
    assert parse_percent(blank) is None
    assert parse_percent(blank, percent_format=True) is None


# ---------------------------------------------------------------------------------------------------------
# parse_percent: precision
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["29", "29%", "29,0", 29, 29.0])
def test_29_percent_is_exactly_the_float_0_29(value: object) -> None:
    assert parse_percent(value) == Stake(0.29, 0.29)


@pytest.mark.parametrize(("value", "expected"), [("12.34", 0.1234), (12.34, 0.1234), ("0,07", 0.0007)])
def test_decimal_division_gives_the_nearest_float(value: object, expected: float) -> None:
    assert parse_percent(value) == Stake(expected, expected)


@pytest.mark.parametrize("cells", [("3", "29", "18"), ("3%", "29%", "18%"), (3, 29, 18), ("3,0", "29", 18.0)])
def test_3_plus_29_plus_18_is_half(cells: tuple[object, object, object]) -> None:
    stakes = [parse_percent(cell) for cell in cells]
    assert all(s is not None for s in stakes)
    total = Stake(0.0, 0.0)
    for stake in stakes:
        assert stake is not None
        total = total + stake
    assert total.low == pytest.approx(0.5, abs=1e-12)
    assert total.high == pytest.approx(0.5, abs=1e-12)


# ---------------------------------------------------------------------------------------------------------
# parse_percent: errors
# ---------------------------------------------------------------------------------------------------------

PERCENT_ERRORS = [
    # (value, percent_format, match)
    ("-5", False, r"'-5' is negative"),
    ("-5%", False, r"'-5%' is negative"),
    ("- 5 %", False, r"is negative"),
    (f"{MINUS}5%", False, r"is negative"),
    ("-5-10", False, r"is negative"),
    (-5, False, r"-5 is negative"),
    (-0.1, False, r"is negative"),
    (-0.01, True, r"is negative"),
    (-1, True, r"is negative"),
    (Decimal("-1"), False, r"is negative"),
    ("101", False, r"'101' is more than 100%"),
    ("150%", False, r"more than 100%"),
    ("100.01", False, r"more than 100%"),
    ("25-150", False, r"more than 100%"),
    (101, False, r"101 is more than 100%"),
    (100.001, False, r"more than 100%"),
    (10**400, False, r"more than 100%"),
    (1.5, True, r"1\.5 in a percent-formatted cell \(150%\) is more than 100%"),
    (2, True, r"more than 100%"),
    (50, True, r"50 in a percent-formatted cell \(5000%\) is more than 100%"),
    (">100%", False, r"impossible"),
    ("<0%", False, r"impossible"),
    ("more than 150%", False, r"more than 100%"),
    (math.nan, False, r"nan is not a percentage"),
    (math.inf, False, r"inf is not a percentage"),
    (-math.inf, True, r"inf is not a percentage"),
    (Decimal("NaN"), False, r"NaN is not a percentage"),
    (Decimal("Infinity"), False, r"not a percentage"),
    ("nan", False, r"'nan' is not a percentage"),
    ("inf", False, r"'inf' is not a percentage"),
    (True, False, r"True is a yes/no value, not a percentage"),
    (False, True, r"False is a yes/no value"),
    ("50%%", False, r"'50%%' is not a percentage"),
    ("fifty", False, r"'fifty' is not a percentage; use a number \(50\), 50%, 12,5%, a range 25-50, >50%"),
    ("12,5,3", False, r"'12,5,3' is not a percentage"),
    ("1.2.3", False, r"'1\.2\.3' is not a percentage"),
    ("5 0", False, r"'5 0' is not a percentage"),
    ("50-25", False, r"'50-25' is a range whose low end is above its high end"),
    ("25-", False, r"'25-' is a range with a missing end"),
    ("to 50%", False, r"missing end"),
    ("between 25 and", False, r"missing end"),
    ("-", False, r"'-' is not a percentage"),
    ("+50%", False, r"'\+50%' has a plus sign"),
    ("50%+", False, r"not a percentage"),
    ("5e1", False, r"not a percentage"),
    ("1/2", False, r"not a percentage"),
    ("#N/A", False, r"'#N/A' is a spreadsheet error value"),
    ("#DIV/0!", False, r"spreadsheet error"),
    ("n/a", False, r"'n/a' is not a percentage"),
    (
        "right-to-appoint-and-remove-directors",
        False,
        r"control, not a percentage; put it in the control column",
    ),
    ("significant-influence-or-control", False, r"control column"),
    ("significant-influence-or-control-as-trust", False, r"control column"),
    ("right-to-appoint-and-remove-members-limited-liability-partnership", False, r"control column"),
    ("right-to-appoint-and-remove-person", False, r"control column"),
    (
        "right-to-appoint-and-remove-directors-as-control-over-trust-registered-overseas-entity",
        False,
        "control",
    ),
    ("registered-owner-as-nominee-person-scotland-registered-overseas-entity", False, r"nominee"),
    ("psc-exists-but-not-identified", False, r"not a percentage"),
    ("ownership-of-shares-10-to-20-percent", False, r"not a percentage"),
    (date(2024, 1, 31), False, r"'2024-01-31' is a date, not a percentage"),
    ([50], False, r"is a list, not a percentage"),
]


@pytest.mark.parametrize(("value", "percent_format", "match"), PERCENT_ERRORS)
def test_percent_errors(value: object, percent_format: bool, match: str) -> None:
    with pytest.raises(ValueProblem, match=match):
        parse_percent(value, percent_format=percent_format)


def test_percent_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="not a percentage"):
        parse_percent("fifty")


def test_percent_error_lists_the_accepted_forms() -> None:
    with pytest.raises(ValueProblem) as caught:
        parse_percent("fifty")
    assert str(caught.value) == (
        "'fifty' is not a percentage; use a number (50), 50%, 12,5%, a range 25-50, >50%, 'unknown' "
        "or a UK PSC band code"
    )


def test_percent_error_quotes_at_most_60_characters() -> None:
    text = "x" * 200
    with pytest.raises(ValueProblem) as caught:
        parse_percent(text)
    quoted = str(caught.value).split("'")[1]
    assert quoted == "x" * 57 + "..."
    assert len(quoted) == 60


def test_repeated_errors_are_raised_every_time() -> None:
    # The text parser is cached; errors must not be.
    for _ in range(3):
        with pytest.raises(ValueProblem):
            parse_percent("fifty")


# ---------------------------------------------------------------------------------------------------------
# parse_percent: properties
# ---------------------------------------------------------------------------------------------------------

PERCENTAGES = st.decimals(min_value=0, max_value=100, places=4, allow_nan=False, allow_infinity=False)


@given(PERCENTAGES)
def test_text_forms_agree_and_are_exact(d: Decimal) -> None:
    plain = parse_percent(str(d))
    with_sign = parse_percent(f"{d}%")
    spaced = parse_percent(f" {d} % ")
    comma = parse_percent(str(d).replace(".", ","))
    comma_sign = parse_percent(str(d).replace(".", ",") + "%")
    assert plain is not None
    assert plain == with_sign == spaced == comma == comma_sign
    assert plain.is_exact
    assert plain.low == pytest.approx(float(d) / 100, abs=1e-12)
    assert plain.low == float(d / 100)


@given(PERCENTAGES)
def test_number_and_percent_format_agree_with_text(d: Decimal) -> None:
    text = parse_percent(str(d))
    assert text is not None
    number = parse_percent(float(d))
    fraction = parse_percent(float(d / 100), percent_format=True)
    assert number is not None
    assert fraction is not None
    assert number.low == pytest.approx(text.low, abs=1e-12)
    assert fraction.low == pytest.approx(text.low, abs=1e-12)
    assert 0.0 <= number.low <= 1.0


@given(PERCENTAGES, PERCENTAGES)
def test_ranges_are_ordered(a: Decimal, b: Decimal) -> None:
    low, high = min(a, b), max(a, b)
    for text in (f"{low}-{high}", f"{low}% - {high}%", f"{low}{EN_DASH}{high}", f"{low} to {high}%"):
        stake = parse_percent(text)
        assert stake is not None
        assert stake.low <= stake.high
        assert stake.low == pytest.approx(float(low) / 100, abs=1e-12)
        assert stake.high == pytest.approx(float(high) / 100, abs=1e-12)


@given(PERCENTAGES.filter(lambda d: 0 < d < 100))
def test_comparisons_stay_within_0_and_1(d: Decimal) -> None:
    for text in (f">{d}%", f">={d}%", f"<{d}%", f"<={d}%"):
        stake = parse_percent(text)
        assert stake is not None
        assert 0.0 <= stake.low <= stake.high <= 1.0


@given(st.text(max_size=30))
def test_any_text_gives_a_stake_none_or_value_problem(text: str) -> None:
    try:
        stake = parse_percent(text)
    except ValueProblem:
        return
    if stake is not None:
        assert 0.0 <= stake.low <= stake.high <= 1.0


# ---------------------------------------------------------------------------------------------------------
# is_unknown_marker
# ---------------------------------------------------------------------------------------------------------


def test_unknown_markers_are_the_documented_four() -> None:
    assert frozenset({"unknown", "?", "undisclosed", "n/k"}) == UNKNOWN_MARKERS


@pytest.mark.parametrize("value", ["unknown", " Unknown ", "?", "UNDISCLOSED", "n/k", "N/K", f"{NBSP}?"])
def test_is_unknown_marker(value: str) -> None:
    assert is_unknown_marker(value)


@pytest.mark.parametrize("value", [None, "", "50%", "n/a", "??", "unknowns", 0, math.nan])
def test_is_not_unknown_marker(value: object) -> None:
    assert not is_unknown_marker(value)


# ---------------------------------------------------------------------------------------------------------
# parse_number
# ---------------------------------------------------------------------------------------------------------

NUMBERS = [
    (1000000, 1_000_000.0),
    (12.5, 12.5),
    (0, 0.0),
    (-0.0, 0.0),
    (Decimal("1000.5"), 1000.5),
    (Fraction(3, 2), 1.5),
    ("1000000", 1_000_000.0),
    ("1,000,000", 1_000_000.0),
    ("1,000", 1000.0),
    ("12,500", 12_500.0),  # a comma before exactly three digits groups thousands
    ("1,000,000.75", 1_000_000.75),
    ("1 000 000", 1_000_000.0),
    (f"1{NBSP}000{NBSP}000", 1_000_000.0),
    (f"1{NNBSP}000{NNBSP}000", 1_000_000.0),
    ("1 000 000,5", 1_000_000.5),
    ("1 000.5", 1000.5),
    ("1.000.000", 1_000_000.0),
    ("1.000.000,25", 1_000_000.25),
    ("1.000,5", 1000.5),  # one dot group followed by a decimal comma is unambiguous
    ("1.000", 1.0),  # a single dot group alone is a decimal point
    ("1'000'000", 1_000_000.0),
    ("1\u2019000\u2019000", 1_000_000.0),
    ("1'000.5", 1000.5),
    ("12.5", 12.5),
    ("12,5", 12.5),
    ("12,50", 12.5),
    ("0,500", 0.5),  # a group cannot start with 0, so this comma is decimal
    ("1234,5", 1234.5),
    ("1234,5678", 1234.5678),
    ("  42  ", 42.0),
    (".5", 0.5),
    ("1.5e6", 1_500_000.0),
    ("1E+06", 1_000_000.0),
    ("\uff11\uff10\uff10", 100.0),
]


@pytest.mark.parametrize(("value", "expected"), NUMBERS)
def test_parse_number(value: object, expected: float) -> None:
    result = parse_number(value)
    assert result == expected
    assert type(result) is float


@pytest.mark.parametrize("blank", [None, "", "  ", NBSP])
def test_blank_number_is_none(blank: object) -> None:
    assert parse_number(blank) is None


NUMBER_ERRORS = [
    (-1, r"-1 is negative"),
    (-0.5, r"is negative"),
    ("-1000", r"'-1000' is negative"),
    ("-1,000", r"is negative"),
    (f"{MINUS}5", r"is negative"),
    ("+1000", r"plus sign"),
    (math.nan, r"NaN is not a number"),
    (math.inf, r"not a finite number"),
    (Decimal("NaN"), r"not a number"),
    (Decimal("Infinity"), r"not a finite number"),
    ("nan", r"'nan' is not a number"),
    ("inf", r"'inf' is not a number"),
    ("1e400", r"too large"),
    (10**400, r"too large"),
    (True, r"True is a yes/no value, not a number"),
    ("abc", r"'abc' is not a number; use digits"),
    ("1.2.3", r"not a number"),
    ("1,2,3", r"not a number"),
    ("12,5,3", r"not a number"),
    ("1,00,000", r"not a number"),
    ("1 00", r"not a number"),
    ("1.00.000", r"not a number"),
    ("1,000.000,5", r"not a number"),
    ("1234,567", r"'1234,567' is ambiguous between a thousands separator and a decimal comma"),
    ("50%", r"not a number"),
    ([1], r"is a list, not a number"),
]


@pytest.mark.parametrize(("value", "match"), NUMBER_ERRORS)
def test_parse_number_errors(value: object, match: str) -> None:
    with pytest.raises(ValueProblem, match=match):
        parse_number(value)


@given(st.integers(min_value=0, max_value=10**15))
def test_grouped_integers_round_trip(n: int) -> None:
    grouped = f"{n:,}"
    assert parse_number(grouped) == float(n)
    assert parse_number(grouped.replace(",", " ")) == float(n)
    assert parse_number(grouped.replace(",", "'")) == float(n)
    if grouped.count(",") >= 2:
        assert parse_number(grouped.replace(",", ".")) == float(n)


@given(st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False))
def test_decimal_comma_with_two_places(d: Decimal) -> None:
    assert parse_number(str(d).replace(".", ",")) == pytest.approx(float(d))


# ---------------------------------------------------------------------------------------------------------
# parse_date
# ---------------------------------------------------------------------------------------------------------

DATES = [
    (date(2024, 1, 31), date(2024, 1, 31)),
    (datetime(2024, 1, 31, 13, 45), date(2024, 1, 31)),
    (datetime(2024, 1, 31, 23, 0, tzinfo=UTC), date(2024, 1, 31)),
    ("2024-01-31", date(2024, 1, 31)),
    ("2024/01/31", date(2024, 1, 31)),
    ("2024.01.31", date(2024, 1, 31)),
    ("2024-1-5", date(2024, 1, 5)),
    ("20240131", date(2024, 1, 31)),
    (20240131, date(2024, 1, 31)),
    ("2024-01-31T00:00:00", date(2024, 1, 31)),
    ("2024-01-31T13:45", date(2024, 1, 31)),
    ("2024-01-31 13:45:10.123", date(2024, 1, 31)),
    ("2024-01-31T23:00:00Z", date(2024, 1, 31)),
    ("2024-01-31T23:00:00+02:00", date(2024, 1, 31)),
    ("2024-01-31 00:00:00+0000", date(2024, 1, 31)),
    ("  2024-01-31  ", date(2024, 1, 31)),
    ("2024-02-29", date(2024, 2, 29)),
]


@pytest.mark.parametrize(("value", "expected"), DATES)
def test_parse_date(value: object, expected: date) -> None:
    result = parse_date(value)
    assert result == expected
    assert type(result) is date


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_blank_date_is_none(blank: object) -> None:
    assert parse_date(blank) is None


DATE_ERRORS = [
    ("31/01/2024", r"'31/01/2024' is ambiguous: it could be day-first or month-first; use YYYY-MM-DD"),
    ("01/02/2024", r"ambiguous"),
    ("1.2.24", r"ambiguous"),
    ("31-01-2024", r"ambiguous"),
    ("2023-02-29", r"'2023-02-29' is not a real date"),
    ("2024-13-01", r"not a real date"),
    ("20241301", r"not a real date"),
    ("2024-01", r"not a date in an accepted form; use YYYY-MM-DD"),
    ("Jan 31 2024", r"use YYYY-MM-DD"),
    ("yesterday", r"use YYYY-MM-DD"),
    ("2024-01/31", r"use YYYY-MM-DD"),
    (45322, r"45322 is a number, not a date"),
    (45322.0, r"is a number, not a date"),
    (True, r"yes/no value, not a date"),
    ([2024], r"is a list, not a date"),
]


@pytest.mark.parametrize(("value", "match"), DATE_ERRORS)
def test_parse_date_errors(value: object, match: str) -> None:
    with pytest.raises(ValueProblem, match=match):
        parse_date(value)


@given(st.dates(min_value=date(1000, 1, 1)))
def test_iso_dates_round_trip(day: date) -> None:
    assert parse_date(day.isoformat()) == day
    assert parse_date(day.strftime("%Y%m%d")) == day
    assert parse_date(datetime.combine(day, datetime.min.time()).isoformat()) == day


# ---------------------------------------------------------------------------------------------------------
# parse_bool
# ---------------------------------------------------------------------------------------------------------

BOOLS = [
    ("yes", True),
    ("Yes", True),
    ("YES", True),
    ("y", True),
    ("true", True),
    ("TRUE", True),
    ("1", True),
    ("x", True),
    ("X", True),
    (" yes ", True),
    ("no", False),
    ("No", False),
    ("n", False),
    ("false", False),
    ("False", False),
    ("0", False),
    (True, True),
    (False, False),
    (1, True),
    (0, False),
    (1.0, True),
    (0.0, False),
]


@pytest.mark.parametrize(("value", "expected"), BOOLS)
def test_parse_bool(value: object, expected: bool) -> None:
    assert parse_bool(value) is expected


@pytest.mark.parametrize("blank", [None, "", "  "])
def test_blank_bool_is_none(blank: object) -> None:
    assert parse_bool(blank) is None


@pytest.mark.parametrize("value", ["maybe", "2", "yess", "-", "ja", "1.0", "t", 2, -1, 0.5, math.nan, [True]])
def test_parse_bool_errors(value: object) -> None:
    with pytest.raises(ValueProblem, match=r"not a yes/no value; use yes/no, y/n, true/false, 1/0, or x"):
        parse_bool(value)
