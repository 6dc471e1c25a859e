"""Hostile and unlucky input files, run through the installed console script in a real process: whatever the
file holds, the run ends with exit 0, 1 or 2 and at most one error line, never an abort, a signal or a
traceback (a Rust panic or a failed allocation cannot be caught inside the process, so only a subprocess
shows it)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from fuzz.fuzz_xlsx_cells import build_workbook
from tests.ownership.readers.cells.test_xlsx_hostile import far_cell_workbook

REPO = Path(__file__).resolve().parents[2]


def _script() -> str:
    beside_python = Path(sys.executable).parent / "exposure"
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("exposure")
    if found is None:
        pytest.skip("the 'exposure' console script is not installed (pip install -e . creates it)")
    return found


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_script(), *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=120,
        check=False,
        env={**os.environ, "COLUMNS": "200", "PYTHONIOENCODING": "utf-8", "RUST_BACKTRACE": "0"},
    )


@pytest.mark.parametrize("far", ["XFD1048576", "XFD2000"])
def test_a_stray_far_cell_is_refused_not_an_abort(tmp_path: Path, far: str) -> None:
    # 2.8 KB: a header cell at A1 and one shared-string cell far away. calamine would lay out the whole
    # rectangle between them: 512 GB for XFD1048576 (the process aborted, exit 134), 1.3 GB for XFD2000.
    path = far_cell_workbook(tmp_path / "far.xlsx", far)
    assert path.stat().st_size < 3000
    done = run("check", str(path), "-j", "CN")
    assert done.returncode == 2, done.stderr[-2000:]
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr[-2000:]
    assert lines[0].startswith(f"exposure: error: {path}, sheet 'Holdings', row {far[3:]}, column XFD: ")
    assert f"its cells span A1:{far}" in lines[0]
    assert f"the cell {far} is probably stray" in lines[0]


def test_a_lying_shared_string_count_is_no_abort(tmp_path: Path) -> None:
    # calamine reserved room for uniqueCount strings before reading one: four billion aborted the process.
    path = build_workbook(tmp_path / "count.xlsx", [(2, 1, "s", "3"), (2, 2, "s", "4"), (2, 3, "n", "60")])
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts["xl/sharedStrings.xml"] = parts["xl/sharedStrings.xml"].replace(
        b'uniqueCount="6"', b'uniqueCount="4000000000"'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    done = run("check", str(path), "-j", "CN", "--format", "json")
    assert done.returncode == 0, done.stderr[-2000:]  # P, of unknown country, makes S possible only
    assert "panicked" not in done.stderr and "Traceback" not in done.stderr
