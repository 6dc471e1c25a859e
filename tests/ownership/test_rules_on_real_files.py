"""The monotonicity the rules imply, on the real public files kept in tests/fixtures (their sources are in
each folder's SOURCES file): for every entity of every file,

* ``--home either`` is at least as strict as ``incorporation`` and ``headquarters`` alone;
* unknown owners (the default) are at least as strict as ``--unrecorded-holders ultimate``;
* watching one more country never lowers a status.

Statuses are ranked clear < possible < flagged < home.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ownership.errors import ExposureError
from ownership.model import HomeBasis, OwnershipData, Policy, UnrecordedHolders
from ownership.pipeline import check
from ownership.readers import read_input
from ownership.result import Status

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
RANK = {Status.CLEAR: 0, Status.POSSIBLE: 1, Status.FLAGGED: 2, Status.HOME: 3}
SUFFIXES = {".json", ".jsonl", ".xml", ".csv"}
FILES = sorted(
    p
    for folder in ("bods/real", "gleif/real", "psc/real", "ftm")
    for p in (FIXTURES / folder).glob("*")
    if p.suffix in SUFFIXES
)
#: The countries these files are about; CN and GB watched together where a rule watches two.
WATCHED = frozenset({"GB"})
MORE = frozenset({"GB", "CN"})


def readable(path: Path) -> OwnershipData | None:
    try:
        return read_input(path)
    except ExposureError:
        return None  # a file that is one part of a dataset (company data without PSCs): refused, with a reason


def ranks(data: OwnershipData, **policy: object) -> dict[str, int]:
    settings: dict[str, object] = {"jurisdictions": WATCHED, "as_of": date(2026, 1, 1), **policy}
    result = check(data, Policy(**settings))  # type: ignore[arg-type]
    return {v.entity.id: RANK[v.status] for v in result.verdicts}


def lowered(stricter: dict[str, int], other: dict[str, int]) -> dict[str, tuple[int, int]]:
    return {k: (other[k], stricter[k]) for k in other if stricter[k] < other[k]}


def test_there_are_real_files_to_check() -> None:
    assert len(FILES) >= 20
    assert sum(readable(p) is not None for p in FILES) >= 15


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_rules_are_monotone_on_a_real_file(path: Path) -> None:
    data = readable(path)
    if data is None:
        pytest.skip("not a file that reads alone")
    either = ranks(data, home=HomeBasis.EITHER)
    assert not lowered(either, ranks(data, home=HomeBasis.INCORPORATION))
    assert not lowered(either, ranks(data, home=HomeBasis.HEADQUARTERS))
    assert not lowered(either, ranks(data, unrecorded_holders=UnrecordedHolders.ULTIMATE))
    assert not lowered(ranks(data, jurisdictions=MORE), either)
