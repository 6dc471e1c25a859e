"""Stakes as percent-cell text that the canonical reader reads back to the identical ``Stake``.

A ``Stake`` holds two floats (fractions 0..1) and no memory of how it was written; exclusive ends were
moved inward by ``EXCLUSIVE_NUDGE`` when it was built. ``stake_text`` tries the plainest forms the reader
understands, shortest digits first, and keeps the first whose reading is the very same pair of floats:

* exact stakes as ``"50%"``, ``"12.5%"``;
* the whole range as ``"unknown"``;
* one-sided stakes as ``">50%"`` (exclusive, nudged), ``">=75%"``, ``"<25%"``, ``"<=10%"``;
* the UK PSC bands that no other form expresses, as their codes (``ownership-of-shares-25-to-50-percent``
  is more than 25%, at most 50%);
* anything else as a range ``"25-50%"``, whose ends carry as many digits as it takes (an exclusive end
  the forms above cannot express shows as its nudged figure, e.g. ``"25.0001-49.9999%"``).

Every text ends in ``%`` (or is a word or a code), so a column of small stakes is never mistaken for
fractions by the reader's plain-number check.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal, localcontext
from functools import lru_cache

from ownership.model import EXCLUSIVE_NUDGE, Stake
from ownership.readers.cells.values import ValueProblem, parse_percent

#: Enough significant digits for any float fraction to read back exactly (17 would do for most; a
#: percentage divided by 100 in Decimal needs a few more in the worst case).
_MAX_DIGITS = 30
#: Digits tried for the forms that are only a convenience (comparisons): beyond this, a range is clearer.
_SHORT_DIGITS = 17

_BAND_NAMES = ("25-to-50", "50-to-75")


@lru_cache(maxsize=1)
def _bands() -> dict[tuple[Stake, bool], str]:
    bands: dict[tuple[Stake, bool], str] = {}
    for band in _BAND_NAMES:
        for votes, prefix in ((False, "ownership-of-shares"), (True, "voting-rights")):
            code = f"{prefix}-{band}-percent"
            stake = parse_percent(code)
            assert stake is not None
            bands[(stake, votes)] = code
    return bands


def _reads_as(text: str, stake: Stake) -> bool:
    try:
        return parse_percent(text) == stake
    except ValueProblem:
        return False


def _points(fraction: float, max_digits: int) -> Iterator[str]:
    """``fraction`` in percentage points, rounded to 1, 2, ... ``max_digits`` significant digits, positional."""
    if fraction < 0:
        return
    with localcontext() as ctx:
        ctx.prec = 80
        exact = Decimal(fraction) * 100  # Decimal(float) is the float's exact value
        if not exact:
            yield "0"
            return
        previous = ""
        for digits in range(1, max_digits + 1):
            rounded = exact.quantize(Decimal(1).scaleb(exact.adjusted() - digits + 1))
            text = format(rounded.normalize(), "f")
            if text != previous:
                previous = text
                yield text


def _shortest(fraction: float) -> str:
    """The shortest percentage-points text that a percent cell reads back as exactly ``fraction``."""
    for text in _points(fraction, _MAX_DIGITS):
        if _reads_as(f"{text}%", Stake(fraction, fraction)):
            return text
    raise ValueError(f"{fraction!r} cannot be written as a percentage that reads back exactly")


def _digits(text: str) -> int:
    return sum(ch.isdigit() for ch in text)


def _first(texts: Iterator[str], stake: Stake) -> str | None:
    return next((t for t in texts if _reads_as(t, stake)), None)


def _forms(stake: Stake, votes: bool) -> Iterator[str | None]:
    """For each form that may fit, the shortest text of that form that reads back as ``stake``, or None."""
    low, high = stake.low, stake.high
    if low == 0.0 and high == 1.0:
        yield "unknown"
    if high == 1.0:
        yield _first((f">={t}%" for t in _points(low, _SHORT_DIGITS)), stake)
        yield _first((f">{t}%" for t in _points(low - EXCLUSIVE_NUDGE, _SHORT_DIGITS)), stake)
    if low == 0.0:
        yield _first((f"<={t}%" for t in _points(high, _SHORT_DIGITS)), stake)
        yield _first((f"<{t}%" for t in _points(high + EXCLUSIVE_NUDGE, _SHORT_DIGITS)), stake)
    yield _bands().get((stake, votes))
    yield f"{_shortest(low)}-{_shortest(high)}%"


@lru_cache(maxsize=1 << 14)
def stake_text(stake: Stake, *, votes: bool = False) -> str:
    """Percent-cell text for ``stake`` (fractions) that ``parse_percent`` reads back as the same ``Stake``.

    Args:
        stake: the stake, fractions 0..1.
        votes: the text goes in a votes column (a PSC band is then written as a voting-rights code).

    Raises:
        ValueError: the stake lies outside 0..100% (no percent cell can hold it).
    """
    if stake.low == stake.high:
        return f"{_shortest(stake.low)}%"
    # The fewest digits win, ties to the shorter text: ">=75%" rather than ">74.9999%", ">50%" rather than
    # ">=50.0001%", the PSC band code rather than "25.0001-50%".
    found = [t for t in _forms(stake, votes) if t is not None and _reads_as(t, stake)]
    if found:
        return min(found, key=lambda t: (_digits(t), len(t)))
    raise ValueError(f"the stake {stake.low!r}..{stake.high!r} cannot be written as a percent cell")
