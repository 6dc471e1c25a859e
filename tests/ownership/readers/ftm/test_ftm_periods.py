"""Property test: overlapping FtM Ownership records of one owner in one asset become one stake per day.

For any set of records and any day, the holdings read for the pair and in force that day are exactly one
when some record is in force (none otherwise), and its stake spans the percentages of the records in force
that give one (0-100% when none does).
"""

from __future__ import annotations

import json
import tempfile
from datetime import date, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ownership.model import Stake
from ownership.prepare.in_force import valid_on
from ownership.readers.cells.tables import DEFAULT_LIMITS
from ownership.readers.ftm.reader import read_ftm

BASE = date(2020, 1, 1)
DAYS = 12

Record = tuple[int | None, int | None, int | None]  # start day, end day (offsets from BASE), percent


@st.composite
def records(draw: st.DrawFn) -> Record:
    start = draw(st.none() | st.integers(0, DAYS))
    end = draw(st.none() | st.integers(start or 0, DAYS))
    percent = draw(st.none() | st.integers(0, 100))
    return start, end, percent


def in_force(record: Record, day: int) -> bool:
    start, end, _ = record
    return (start is None or start <= day) and (end is None or day <= end)


@settings(max_examples=150, deadline=None)
@given(st.lists(records(), min_size=1, max_size=5))
def test_one_stake_per_day(group: list[Record]) -> None:
    lines = [
        json.dumps({"id": "t", "schema": "Company", "properties": {"name": ["T"]}}),
        json.dumps({"id": "h", "schema": "Company", "properties": {"name": ["H"]}}),
    ]
    for k, (start, end, percent) in enumerate(group):
        props: dict[str, list[str]] = {"owner": ["h"], "asset": ["t"]}
        if start is not None:
            props["startDate"] = [(BASE + timedelta(days=start)).isoformat()]
        if end is not None:
            props["endDate"] = [(BASE + timedelta(days=end)).isoformat()]
        if percent is not None:
            props["percentage"] = [str(percent)]
        lines.append(json.dumps({"id": f"o{k}", "schema": "Ownership", "properties": props}))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "p.ftm.json"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        data = read_ftm(path, path.name, DEFAULT_LIMITS)
    for day in range(-1, DAYS + 2):
        when = BASE + timedelta(days=day)
        found = [h.stake for h in data.holdings if valid_on(h, when)]
        active = [r for r in group if in_force(r, day)]
        if not active:
            assert found == []
            continue
        given_ = [r[2] for r in active if r[2] is not None]
        expected = Stake(min(given_) / 100, max(given_) / 100) if given_ else Stake(0.0, 1.0)
        assert found == [expected]
