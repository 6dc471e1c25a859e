"""Hostile cell references and values, drawn by hypothesis and built as well-formed workbooks
(``fuzz/fuzz_xlsx_cells.py`` is the coverage-guided version): every one is read or refused with a located
``ExposureError`` on both xlsx paths, never another exception, an abort or a runaway allocation."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz.fuzz_xlsx_cells import TYPES, VALUES, build_workbook, read_both

EXAMPLES = int(os.environ.get("EXPOSURE_FUZZ_EXAMPLES", "60"))


def near_or_far(edge: int) -> st.SearchStrategy[int]:
    return st.one_of(
        st.integers(1, 40), st.integers(edge - 2, edge + 2), st.integers(1, 10**13), st.sampled_from([edge])
    )


CELLS = st.lists(
    st.tuples(
        near_or_far(1_048_576).map(lambda row: max(row, 2)),
        near_or_far(16_384),
        st.sampled_from(TYPES),
        st.sampled_from(VALUES),
    ),
    max_size=6,
)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=CELLS, unique=st.one_of(st.none(), st.integers(0, 2**32)), whole=st.booleans())
def test_hostile_cells_are_read_or_refused(
    cells: list[tuple[int, int, str, str]], unique: int | None, whole: bool
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = build_workbook(
            Path(folder) / "cells.xlsx", cells, unique_count=unique, dimension="A1:XFD1048576" if whole else "A1"
        )
        read_both(path)
