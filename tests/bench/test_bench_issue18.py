"""Issue 18's benchmark table: its cases in one command, bytes per holding, the growth table, the targets
judged against other cases of the same data, and a run killed before it can exhaust the machine."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import report, run  # noqa: E402
from bench.cases import EXCEL_DATA_ROWS, Case, Row  # noqa: E402
from bench.measure import Measured, measure  # noqa: E402


def _row(case: Case, seconds: float, peak_mb: float, holdings: int = 2_000_000, inner: float = 0.0) -> Row:
    row = Row(case, entities=holdings // 2, holdings=holdings)
    row.cli = Measured(seconds, peak_mb, 0, "", "")
    if inner:
        row.phases = {"read": inner / 2, "compute": inner / 4, "write": inner / 4}
    return row


def test_issue18_is_one_command_with_every_case_of_the_table() -> None:
    names = [c.name for c in run.cases_for(["issue18"], None, quick=False, seed=0)]
    assert names[:4] == ["registry-100k", "registry-1M", "registry-2M", "registry-5M"]
    assert "registry-2M --profile uk" in names
    assert "registry-2M --profile amlr" in names
    assert {"registry-2M-quoted", "holdings-csv-2M", "xlsx-1M"} <= set(names)


def test_xlsx_1m_is_a_sheet_at_excels_row_limit() -> None:
    assert EXCEL_DATA_ROWS + 1 == 1_048_576  # with the header row: every row an Excel sheet has
    assert Case("xlsx", EXCEL_DATA_ROWS).name == "xlsx-1M"
    assert Case("xlsx", 100_000).name == "xlsx-100k"


def test_a_rule_case_shares_the_data_of_its_default_case() -> None:
    uk = Case("registry", 2_000_000, rule="uk")
    assert uk.name == "registry-2M --profile uk"
    assert uk.data_name == Case("registry", 2_000_000).data_name == "registry-2M"
    assert " " not in uk.slug
    assert run.command_for(Path("in"), Path("out.csv"), "python", "uk")[-2:] == ["--profile", "uk"]


def test_bytes_per_holding_is_peak_memory_over_holdings() -> None:
    row = _row(Case("registry", 2_000_000), 10.0, 1000.0)
    assert row.bytes_per_holding == 1000 * 1024 * 1024 / 2_000_000  # 524.288 bytes


def test_targets_relative_to_the_default_run_on_the_same_data() -> None:
    plain = _row(Case("registry", 2_000_000), 10.0, 1000.0)
    uk = _row(Case("registry", 2_000_000, rule="uk"), 19.0, 2100.0)  # 1.9x the time, 2.1x the memory
    quoted = _row(Case("registry-quoted", 2_000_000), 12.9, 1300.0)  # 1.29x, 1.3x: both within 1.3x
    rows = [plain, uk, quoted]
    assert report.verdict(uk, False, rows) == "FAIL: memory 2.10x > 2x"
    assert report.verdict(quoted, False, rows) == "pass"
    # Without the default run there is nothing to compare with: a miss, never a pass.
    assert report.verdict(quoted, False, [quoted]) == "FAIL: registry-2M not measured"


def test_absolute_targets_of_the_workbook_case() -> None:
    case = Case("xlsx", EXCEL_DATA_ROWS)
    assert report.verdict(_row(case, 39.0, 4000.0, EXCEL_DATA_ROWS), False) == "pass"
    assert report.verdict(_row(case, 41.0, 4200.0, EXCEL_DATA_ROWS), False) == "FAIL: time > 40 s, memory > 4 GB"


def test_growth_table_per_holding_against_the_smallest() -> None:
    rows = [
        _row(Case("registry", 100_000), 2.0, 100.0, 100_000, inner=1.0),
        _row(Case("registry", 1_000_000), 15.0, 600.0, 1_000_000, inner=12.0),
        _row(Case("registry", 1_000_000, rule="uk"), 99.0, 9000.0, 1_000_000),  # not a growth row
    ]
    lines = report.growth_table(rows).splitlines()
    body = [line.split() for line in lines[2:4]]
    # 2 s / 100k = 20 us; 15 s / 1M = 15 us: 0.75x. In-process 10 us and 12 us: 1.2x.
    assert body[0][:6] == ["100,000", "2.00", "20.00", "1.00", "10.00", "1.00"]
    assert body[1][:6] == ["1,000,000", "15.00", "15.00", "0.75", "12.00", "1.20"]
    # Memory: 100 MB / 100k = 1,049 B; 600 MB / 1M = 629 B: 0.60x.
    assert body[0][6:9] == ["100", "1,049", "1.00"]
    assert body[1][6:9] == ["600", "629", "0.60"]
    assert not lines[4].startswith(" ")  # the uk case is not a row


def test_a_process_past_the_memory_cap_is_killed(tmp_path: Path) -> None:
    hog = "import time; x = bytearray(400 * 1024 * 1024); x[::4096] = b'1' * len(x[::4096]); time.sleep(30)"
    measured = measure([sys.executable, "-c", hog], tmp_path, timeout=60, max_mb=200)
    assert measured.killed == "memory"
    assert measured.seconds < 20
    assert not measured.ok
    assert "memory limit" in measured.problem()


def test_a_crash_is_not_an_answer(tmp_path: Path) -> None:
    # Python ends an uncaught exception with exit code 1, which exposure uses for "flagged".
    measured = measure([sys.executable, "-c", "import no_such_module_here"], tmp_path, timeout=60)
    assert measured.returncode == 1
    assert not measured.ok
    assert measured.problem().startswith("crashed: ModuleNotFoundError")
