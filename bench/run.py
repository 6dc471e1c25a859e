"""The benchmark runner: generate each case, time the real command on it, and print one table.

For each case it runs, each as its own process (so each has its own peak memory):

1. ``exposure check INPUT -j CN -o report.csv -q``: the total wall time and peak RSS (the figures the
   targets are about);
2. ``bench/phases.py``: the same work in one process with read, compute and write timed separately;
3. ``bench/floor.py``: the I/O floor (pyarrow reads the two files, writes a report-shaped CSV), for folder
   inputs when pyarrow is installed.

A process that runs past ``--timeout`` is killed and shows as "timeout" (the phases that finished before
still show). With ``--baseline`` it also runs the networkx path-enumeration approach (``bench/baseline.py``)
on small registries and compares speed and answers. See bench/README.md.

    python -m bench.run                 # the full table (about 15 minutes on 2 cores)
    python -m bench.run --quick         # small sizes, a smoke run of a few seconds per case
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script (python bench/run.py)
    sys.path.insert(0, str(REPO))

from bench.cases import Case, Row, parse_size  # noqa: E402
from bench.measure import Measured, best, load_average, machine, measure, unless_ok  # noqa: E402
from bench.report import BaselineRow, baseline_table, report_table, summary, table  # noqa: E402

BENCH = REPO / "bench"
CACHE = BENCH / ".cache"
KINDS = ("registry", "chain", "scc", "star", "xlsx", "registry-quoted", "holdings-csv")

#: The issue's cases. Registry sizes are holdings; each registry has half as many entities.
FULL_SIZES = {"registry": (100_000, 1_000_000, 2_000_000), "chain": (100_000,), "scc": (100_000,)}
FULL_SIZES |= {"star": (1_000_000,), "xlsx": (100_000,), "registry-quoted": (2_000_000,), "holdings-csv": (2_000_000,)}
QUICK_SIZES = {"registry": (2_000, 20_000), "chain": (1_000,), "scc": (1_000,), "star": (10_000,), "xlsx": (2_000,)}
QUICK_SIZES |= {"registry-quoted": (20_000,), "holdings-csv": (20_000,)}
BASELINE_SIZES = (2_000, 20_000, 100_000)
QUICK_BASELINE_SIZES = (2_000,)


@dataclass(frozen=True)
class Settings:
    timeout: float = 300.0
    keep: bool = False
    seed: int = 0
    quick: bool = False
    profile: Path | None = None
    python: str = sys.executable
    repeat: int = 3
    reports: tuple[str, ...] = ()


# --- preparing the data --------------------------------------------------------------------------------------


def prepare(case: Case, root: Path, python: str) -> tuple[Path, int, int, float]:
    """The case's input under ``root`` (generated unless already there): path, entities, holdings, and the
    seconds generation took (0 when reused)."""
    path = root / (f"{case.name}-s{case.seed}" + case.suffix)
    meta = path.parent / (path.name + ".json")
    if path.exists() and meta.exists():
        found = json.loads(meta.read_text(encoding="utf-8"))
        return path, int(found["entities"]), int(found["holdings"]), 0.0
    command = [python, "-m", "bench.generate", case.kind, str(case.size), str(path), "--seed", str(case.seed)]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"generating {case.name} failed: {done.stderr.strip()[-500:]}")
    seconds = time.perf_counter() - start
    # "<name>: N entities, M holdings -> OUT"
    counts = done.stdout.split(":", 1)[1].split("->")[0].split(",")
    entities, holdings = (int(part.split()[0]) for part in counts)
    meta.write_text(json.dumps({"entities": entities, "holdings": holdings}), encoding="utf-8")
    return path, entities, holdings, seconds


def _phases(measured: Measured) -> dict[str, float]:
    found: dict[str, float] = {}
    for line in measured.stdout.splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if "seconds" in record:
            found[str(record["phase"])] = float(record["seconds"])
    return found


def has_pyarrow() -> bool:
    return importlib.util.find_spec("pyarrow") is not None


def run_case(case: Case, settings: Settings, data_root: Path, work: Path) -> Row:
    """Generate (or reuse) the case's input and measure the command, the phase harness and the floor."""
    say = _progress(case)
    path, entities, holdings, generated = prepare(case, data_root, settings.python)
    row = Row(case, entities, holdings, generated)
    if generated:
        say(f"generated {entities:,} entities, {holdings:,} holdings in {generated:.1f} s")
    report = work / f"{case.name}-report.csv"
    command = [settings.python, "-m", "cli.app", "check", str(path), "-j", "CN", "-o", str(report), "-q"]
    floor = [settings.python, str(BENCH / "floor.py"), str(path), str(work / f"{case.name}-floor.csv")]
    with_floor = case.is_folder and has_pyarrow()
    # The command and the floor take turns, so both meet the same load on a shared machine; each keeps its
    # fastest run (the least disturbed one) and its largest peak memory.
    runs: list[Measured] = []
    floors: list[Measured] = []
    for _ in range(settings.repeat):
        runs.append(measure(command, work, settings.timeout))
        if not runs[-1].ok:
            break
        if with_floor:
            floors.append(measure(floor, work, settings.timeout))
    row.cli = best(runs)
    say(f"exposure check: {_seconds(row.cli)}, peak {row.cli.peak_mb:,.0f} MB" + _of(runs))
    command = [settings.python, str(BENCH / "phases.py"), str(path), str(work / f"{case.name}-phases.csv")]
    if settings.profile is not None:
        command += ["--profile", str(settings.profile / case.name)]
    row.phases_run = measure(command, work, settings.timeout)
    row.phases = _phases(row.phases_run)
    say("phases: " + ", ".join(f"{k} {v:.2f} s" for k, v in row.phases.items()) + unless_ok(row.phases_run))
    if floors:
        row.floor = best(floors)
        say(f"I/O floor: {_seconds(row.floor)}" + _of(floors))
    if case.kind == "registry":
        for fmt in settings.reports:
            # The audit reports beside the CSV report: one run each (a big workbook takes minutes).
            out = work / f"{case.name}-report.{fmt}"
            measured = measure(command_for(path, out, settings.python), work, settings.timeout)
            row.reports[fmt] = measured
            say(f"-o report.{fmt}: {_seconds(measured)}, peak {measured.peak_mb:,.0f} MB")
            out.unlink(missing_ok=True)
    return row


def command_for(path: Path, output: Path, python: str = sys.executable) -> list[str]:
    """``exposure check PATH -j CN -o OUTPUT -q`` as the benchmark runs it."""
    return [python, "-m", "cli.app", "check", str(path), "-j", "CN", "-o", str(output), "-q"]


def _of(runs: list[Measured]) -> str:
    return f" (fastest of {len(runs)}: {', '.join(f'{r.seconds:.2f}' for r in runs)})" if len(runs) > 1 else ""


def _progress(case: Case) -> Callable[[str], None]:
    def say(message: str) -> None:
        print(f"[{case.name}] {message}", file=sys.stderr, flush=True)

    return say


def _seconds(measured: Measured) -> str:
    return f"{measured.seconds:.2f} s" + unless_ok(measured)


def run_baseline(sizes: Sequence[int], settings: Settings, data_root: Path, work: Path) -> list[BaselineRow]:
    from bench.baseline import compare

    rows: list[BaselineRow] = []
    for size in sizes:
        case = Case("registry", size, settings.seed)
        say = _progress(case)
        path, entities, holdings, _ = prepare(case, data_root, settings.python)
        report = work / f"{case.name}-baseline-exposure.csv"
        command = [settings.python, "-m", "cli.app", "check", str(path), "-j", "CN", "-o", str(report), "-q"]
        ours = measure(command, work, settings.timeout)
        output = work / f"{case.name}-baseline.csv"
        theirs = measure([settings.python, str(BENCH / "baseline.py"), str(path), str(output)], work, settings.timeout)
        say(f"baseline: exposure {_seconds(ours)}, networkx paths {_seconds(theirs)}")
        agreement = compare(path, report, output) if ours.ok and theirs.ok else None
        rows.append(BaselineRow(holdings, entities, ours, theirs, agreement))
    return rows


# --- command line --------------------------------------------------------------------------------------------


def cases_for(kinds: Sequence[str], registry_sizes: Sequence[int] | None, quick: bool, seed: int) -> list[Case]:
    sizes = QUICK_SIZES if quick else FULL_SIZES
    chosen: list[Case] = []
    for kind in kinds:
        for size in registry_sizes if kind == "registry" and registry_sizes else sizes[kind]:
            chosen.append(Case(kind, size, seed))
    return chosen


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", help="registry sizes in holdings, comma-separated (100k,1M,2M)")
    parser.add_argument("--cases", default=",".join(KINDS), help=f"kinds to run, comma-separated ({','.join(KINDS)})")
    parser.add_argument("--quick", action="store_true", help="small sizes only: a smoke run")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per process before it is killed")
    parser.add_argument("--keep", action="store_true", help=f"keep generated data in {CACHE.relative_to(REPO)}")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--baseline", action="store_true", help="also run the networkx path-enumeration baseline")
    parser.add_argument("--baseline-sizes", help="baseline registry sizes in holdings (default 2k,20k,100k)")
    parser.add_argument("--profile", type=Path, help="cProfile each phase of each case into this folder")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of the command and of the floor per case; the fastest counts"
    )
    parser.add_argument(
        "--reports",
        default="",
        help="also time these report formats on the registry cases, comma-separated (json,xlsx); targets: "
        "within 5x the CSV report's time and 1.5x its memory",
    )
    args = parser.parse_args(argv)

    kinds = [k.strip() for k in args.cases.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        parser.error(f"unknown case kind {', '.join(unknown)}; use {', '.join(KINDS)}")
    sizes = [parse_size(s) for s in args.sizes.split(",")] if args.sizes else None
    reports = tuple(f.strip() for f in args.reports.split(",") if f.strip())
    settings = Settings(
        args.timeout, args.keep, args.seed, args.quick, args.profile, repeat=max(1, args.repeat), reports=reports
    )
    cases = cases_for(kinds, sizes, args.quick, args.seed)
    if args.baseline_sizes:
        baseline_sizes = [parse_size(s) for s in args.baseline_sizes.split(",")]
    else:
        baseline_sizes = list(QUICK_BASELINE_SIZES if args.quick else BASELINE_SIZES)

    header = machine()
    print("\n".join(header), file=sys.stderr, flush=True)
    work = Path(tempfile.mkdtemp(prefix="exposure-bench-"))
    data_root = CACHE if args.keep else work / "data"
    data_root.mkdir(parents=True, exist_ok=True)
    if args.keep:
        # Generated data is large and reproducible: never let it be committed by accident.
        (CACHE / ".gitignore").write_text("*\n", encoding="utf-8")
    try:
        rows = [run_case(case, settings, data_root, work) for case in cases]
        baseline = run_baseline(baseline_sizes, settings, data_root, work) if args.baseline else []
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print("\n".join(header))
    print(f"load average at end: {load_average()}; timeout {settings.timeout:g} s per process")
    print()
    print(table(rows, args.quick))
    print()
    print(
        "start/read/compute/write: bench/phases.py in its own process (start = interpreter and imports); "
        "total s and peak MB: `exposure check INPUT -j CN -o report.csv -q` as a whole process; floor s: "
        "bench/floor.py (pyarrow read + report-shaped CSV write); ratio = total / floor. The command and the "
        f"floor ran {settings.repeat} times each, taking turns: the fastest run counts, with the largest peak."
    )
    if not args.quick:
        print()
        print("Targets:")
        for line in summary(rows):
            print(f"  {line}")
    if reports:
        print()
        print(report_table(rows))
    if baseline:
        print()
        print(baseline_table(baseline))
    return 0


if __name__ == "__main__":
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    sys.exit(main())
