"""The installed ``exposure`` console script, run once as a real process (entry point, exit codes, stdout)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CAP_TABLE = REPO / "data" / "samples" / "cap_table.xlsx"


def _script() -> str:
    beside_python = Path(sys.executable).parent / "exposure"
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("exposure")
    if found is None:
        pytest.skip("the 'exposure' console script is not installed (pip install -e . creates it)")
    return found


def _run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_script(), *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        check=False,
        env={**os.environ, "COLUMNS": "200", "PYTHONIOENCODING": "utf-8"},
    )


def test_check_sample_json() -> None:
    done = _run("check", str(CAP_TABLE), "-j", "CN", "--format", "json")
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    doc = json.loads(done.stdout)
    assert doc["schema"] == "exposure.check/1"
    statuses = {e["id"]: e["status"] for e in doc["entities"]}
    assert statuses["HELIO-SG"] == "flagged"
    assert statuses["NORDLICHT"] == "clear"
    # Chinese names survive the trip through a real stdout
    names = {e["id"]: e["name"] for e in doc["entities"]}
    assert names["ZHANG-WEI"] == "Zhang Wei (张伟)"


def test_usage_error_is_exit_2() -> None:
    done = _run("check", str(CAP_TABLE), "-j", "Narnia")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("exposure: error:")
    assert len(done.stderr.splitlines()) == 1


def test_help_is_quick() -> None:
    started = time.perf_counter()
    done = _run("--help", timeout=30)
    elapsed = time.perf_counter() - started
    assert done.returncode == 0, done.stderr
    assert "check" in done.stdout
    assert elapsed < 5.0, f"exposure --help took {elapsed:.2f}s"


def test_check_help() -> None:
    done = _run("check", "--help", timeout=30)
    assert done.returncode == 0, done.stderr
    for option in ("--jurisdiction", "--threshold", "--comparison", "--method", "--entity", "--fail-on", "--as-of"):
        assert option in done.stdout, option


def test_version() -> None:
    done = _run("--version", timeout=30)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"exposure {version('exposure')}"
