"""When a fact read from a register is in force: one helper for every reader's "from .. until" dates.

Holdings carry ``start`` and ``end`` dates, both inclusive, None meaning open (``ownership.prepare.in_force``);
graph preparation keeps the ones in force on the as-of date. Registers say the same thing in several ways (a
statement replaced by a later one, a record closed, a PSC ceased, a GLEIF relationship period ended), and
each reader turns its own way into such a period with these functions, so all of them read "until" alike.
"""

from __future__ import annotations

from datetime import date, timedelta

#: A period as (first day, last day), both inclusive; None at either end means open.
Period = tuple[date | None, date | None]


def day_before(day: date) -> date:
    """The last day something is in force when its successor takes effect on ``day``."""
    return day - timedelta(days=1)


def later(a: date | None, b: date | None) -> date | None:
    """The later of two start dates, None (open) counting as earliest."""
    return b if a is None else a if b is None else max(a, b)


def earlier(a: date | None, b: date | None) -> date | None:
    """The earlier of two end dates, None (open) counting as latest."""
    return b if a is None else a if b is None else min(a, b)


def within(period: Period, window: Period) -> Period | None:
    """``period`` cut to ``window`` (both inclusive), or None when they share no day."""
    start, end = later(period[0], window[0]), earlier(period[1], window[1])
    if start is not None and end is not None and start > end:
        return None
    return start, end


def iso_day(value: str | None) -> date | None:
    """The calendar day of an ISO date or date-time text (``2019-09-11T11:17:23Z`` is 2019-09-11), or None
    when the text is absent or not such a date."""
    if not value or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


__all__ = ["Period", "day_before", "earlier", "iso_day", "later", "within"]
