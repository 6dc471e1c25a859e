"""Read progress: the callback hears bytes done of the input's bytes, only growing, ending at the total once
the read succeeds, whichever reader reads the input (columnar, row by row, a second pass, a workbook)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import ownership
from ownership.errors import InputError
from ownership.readers import progress
from ownership.readers.progress import Meter

SAMPLES = Path(__file__).resolve().parents[3] / "data" / "samples"

Calls = list[tuple[int, int, str]]


def _recorder() -> tuple[Calls, progress.Callback]:
    calls: Calls = []

    def report(done: int, total: int, unit: str) -> None:
        calls.append((done, total, unit))

    return calls, report


def _assert_monotone_to(calls: Calls, total: int) -> None:
    assert calls, "no progress reported"
    assert all(t == total and unit == "bytes" for _, t, unit in calls)
    done = [d for d, _, _ in calls]
    assert done == sorted(done)
    assert all(0 <= d <= total for d in done)
    assert done[-1] == total


def _folder(path: Path, rows: int) -> Path:
    """A canonical folder: P1 (CN) holds 10% of each of ``rows`` companies (C0..)."""
    path.mkdir()
    entities = ["id,name,jurisdiction", "P1,Pearl,CN"] + [f"C{k},Company {k},GB" for k in range(rows)]
    (path / "entities.csv").write_text("\n".join(entities) + "\n", encoding="utf-8")
    holdings = ["holder,subject,percent"] + [f"P1,C{k},10" for k in range(rows)]
    (path / "holdings.csv").write_text("\n".join(holdings) + "\n", encoding="utf-8")
    return path


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.iterdir())


# ----------------------------------------------------------------------------------------------- the meter


def test_meter_grows_only_and_ends_at_total() -> None:
    calls, report = _recorder()
    meter = Meter(report, 1000)
    meter.advance(300)
    meter.advance(0)
    meter.advance(-5)  # nothing goes backwards
    meter.advance(900)  # past the total: held at it
    meter.finish()
    assert calls == [(300, 1000, "bytes"), (1000, 1000, "bytes")]


def test_a_second_pass_fills_the_rest_of_the_bar() -> None:
    calls, report = _recorder()
    meter = Meter(report, 1000)
    meter.advance(400)  # the first reader got 40% in, then stepped aside
    meter.again()
    meter.advance(500)  # half of the input read again: half of the remaining 600
    assert calls[-1] == (700, 1000, "bytes")
    meter.advance(500)
    assert calls[-1] == (1000, 1000, "bytes")


def test_many_small_steps_reach_the_callback_at_most_a_thousand_times() -> None:
    calls, report = _recorder()
    meter = Meter(report, 1_000_000)
    for _ in range(1_000_000 // 7):
        meter.advance(7)
    meter.finish()
    assert len(calls) <= 1001
    assert calls[-1] == (1_000_000, 1_000_000, "bytes")


def test_without_a_callback_nothing_is_measured() -> None:
    with progress.measuring(None, 100) as meter:
        assert meter is None
        assert progress.current() is None
        progress.advance(50)  # no meter: nothing happens


# ------------------------------------------------------------------------------------------ through the readers


def test_columnar_folder_read(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "f", 200)
    calls, report = _recorder()
    data = ownership.read(folder, progress=report)
    assert len(data.holdings) == 200
    _assert_monotone_to(calls, _size(folder))
    # entities.csv is parsed first: its bytes are reported before the whole.
    assert calls[0][0] == (folder / "entities.csv").stat().st_size


def test_row_reader_reports_as_it_goes(tmp_path: Path) -> None:
    # --columns sends the folder to the row reader, which reports every 16,384 records.
    folder = _folder(tmp_path / "f", 40_000)
    calls, report = _recorder()
    data = ownership.read(folder, columns={"name": "name"}, progress=report)
    assert len(data.holdings) == 40_000
    total = _size(folder)
    _assert_monotone_to(calls, total)
    assert len({d for d, _, _ in calls if 0 < d < total}) >= 4  # two per file at least, before the end


def test_a_file_the_columnar_reader_declines_is_read_again_without_going_back(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "f", 30_000)
    # A holding by a name rather than an id: the columnar reader parses both files, then declines.
    with (folder / "holdings.csv").open("a", encoding="utf-8") as handle:
        handle.write("Pearl,C1,5\n")
    calls, report = _recorder()
    data = ownership.read(folder, progress=report)
    assert len(data.holdings) == 30_001
    _assert_monotone_to(calls, _size(folder))


def test_holdings_csv_and_workbook(tmp_path: Path) -> None:
    for name in ("holdings.csv", "cap_table.xlsx"):
        path = shutil.copy(SAMPLES / name, tmp_path / name)
        calls, report = _recorder()
        ownership.read(path, progress=report)
        _assert_monotone_to(calls, Path(path).stat().st_size)


def test_a_failed_read_raises_its_error_after_what_it_read(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "f", 10)
    (folder / "holdings.csv").write_text("holder,subject,percent\nP1,C1,150\nP1,C2,10\n", encoding="utf-8")
    calls, report = _recorder()
    with pytest.raises(InputError, match="150"):
        ownership.read(folder, progress=report)
    done = [d for d, _, _ in calls]
    assert done == sorted(done)
    assert all(d <= _size(folder) for d in done)
    assert progress.current() is None  # the meter is gone with the read
