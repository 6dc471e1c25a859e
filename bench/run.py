"""The benchmark runner: generate each case, time the real command on it, and print one table.

For each case it runs, each as its own process (so each has its own peak memory):

1. ``exposure check INPUT -j CN -o report.csv -q``: the total wall time and peak RSS (the figures the
   targets are about);
2. ``bench/phases.py``: the same work in one process with read, compute and write timed separately;
3. ``bench/floor.py``: the I/O floor (pyarrow reads the files, or calamine the workbook, and writes a
   report-shaped CSV), when pyarrow is installed.

The ``owners`` and ``whatif`` cases (issue 19) run on a registry instead: ``bench/analysis.py`` reads it,
picks the entity with the largest upstream part of a seeded sample and times the library call on the data
already read; then ``exposure owners|whatif REG --entity X -j CN --format json -o OUT -q`` is measured as a
whole process like ``check``.

A process that runs past ``--timeout`` is killed and shows as "timeout" (the phases that finished before
still show). With ``--baseline`` it also runs the networkx path-enumeration approach (``bench/baseline.py``)
on small registries and compares speed and answers. See bench/README.md.

    python -m bench.run                 # the full table (about 15 minutes on 2 cores)
    python -m bench.run --cases issue18 # exactly issue 18's table, with its growth table
    python -m bench.run --quick         # small sizes, a smoke run of a few seconds per case
    python -m bench.run --cases owners,whatif --keep   # issue 19's speed lines on registry-2M
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script (python bench/run.py)
    sys.path.insert(0, str(REPO))

from bench.analysis import SAMPLE  # noqa: E402
from bench.cases import ANALYSIS_KINDS, EXCEL_DATA_ROWS, Case, Row, parse_size  # noqa: E402
from bench.measure import Measured, best, load_average, machine, measure, unless_ok  # noqa: E402
from bench.report import (  # noqa: E402
    BaselineRow,
    analysis_table,
    baseline_table,
    growth_table,
    issue18_summary,
    report_table,
    summary,
    table,
)

BENCH = REPO / "bench"
CACHE = BENCH / ".cache"
KINDS = ("registry", "chain", "scc", "star", "xlsx", "registry-quoted", "holdings-csv", "psc")
#: The kinds run when ``--cases`` is not given: every kind, with owners and whatif on registry-2M only (each
#: adds a read and the command's runs, under a minute at that size, to a run of about 15 minutes).
DEFAULT_KINDS = (*KINDS, *ANALYSIS_KINDS)
#: The kinds whose sizes ``--sizes`` gives (the registry's holdings).
REGISTRY_KINDS = ("registry", *ANALYSIS_KINDS)

#: The issue's cases. Registry sizes are holdings; each registry has half as many entities.
FULL_SIZES = {"registry": (100_000, 1_000_000, 2_000_000), "chain": (100_000,), "scc": (100_000,)}
FULL_SIZES |= {"star": (1_000_000,), "xlsx": (100_000,), "registry-quoted": (2_000_000,)}
FULL_SIZES |= {"holdings-csv": (2_000_000,), "psc": (8_000_000,), "owners": (2_000_000,), "whatif": (2_000_000,)}
QUICK_SIZES = {"registry": (2_000, 20_000), "chain": (1_000,), "scc": (1_000,), "star": (10_000,), "xlsx": (2_000,)}
QUICK_SIZES |= {"registry-quoted": (20_000,), "holdings-csv": (20_000,), "psc": (20_000,)}
QUICK_SIZES |= {"owners": (20_000,), "whatif": (20_000,)}
BASELINE_SIZES = (2_000, 20_000, 100_000)
#: The per-party rules issue 18 runs on registry-2M beside the default (aggregated) rule.
ISSUE18_RULES = ("uk", "amlr")
#: The registry sizes of issue 18's growth table (holdings); 2M is the comparison point of its other cases.
ISSUE18_GROWTH = (100_000, 1_000_000, 2_000_000, 5_000_000)
#: Kinds whose cases issue 18 lists at their full sizes (a kind registered later, such as "psc", joins
#: ``--cases issue18`` by being added here as well as to KINDS).
ISSUE18_KINDS = ("registry-quoted", "holdings-csv", "psc")
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
    #: A process whose resident memory passes this (MB) is killed and shows as over the limit.
    max_mb: float | None = None


# --- preparing the data --------------------------------------------------------------------------------------


def prepare(case: Case, root: Path, python: str) -> tuple[Path, int, int, float]:
    """The case's input under ``root`` (generated unless already there): path, entities, holdings, and the
    seconds generation took (0 when reused)."""
    path = root / (f"{case.data_name}-s{case.seed}" + case.suffix)
    meta = path.parent / (path.name + ".json")
    if path.exists() and meta.exists():
        found = json.loads(meta.read_text(encoding="utf-8"))
        return path, int(found["entities"]), int(found["holdings"]), 0.0
    command = [python, "-m", "bench.generate", case.data_kind, str(case.size), str(path), "--seed", str(case.seed)]
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


def _records(measured: Measured) -> list[dict[str, Any]]:
    """The JSON objects a harness printed, one a line (other lines skipped)."""
    found: list[dict[str, Any]] = []
    for line in measured.stdout.splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(record, dict):
            found.append(record)
    return found


def _phases(measured: Measured) -> dict[str, float]:
    return {str(r["phase"]): float(r["seconds"]) for r in _records(measured) if "seconds" in r}


def has_pyarrow() -> bool:
    return importlib.util.find_spec("pyarrow") is not None


def run_case(case: Case, settings: Settings, data_root: Path, work: Path) -> Row:
    """Generate (or reuse) the case's input and measure the command, the phase harness and the floor."""
    if case.kind in ANALYSIS_KINDS:
        return run_analysis(case, settings, data_root, work)
    say = _progress(case)
    path, entities, holdings, generated = prepare(case, data_root, settings.python)
    row = Row(case, entities, holdings, generated)
    if generated:
        say(f"generated {entities:,} entities, {holdings:,} holdings in {generated:.1f} s")
    row.input_bytes = _size(path)
    report = work / f"{case.slug}-report.csv"
    command = command_for(path, report, settings.python, case.rule)
    floor = [settings.python, str(BENCH / "floor.py"), str(path), str(work / f"{case.slug}-floor.csv")]
    # A rule's case is judged against the default rule's run on the same data, which has the floor.
    with_floor = case.rule is None and has_pyarrow()
    # The command and the floor take turns, so both meet the same load on a shared machine; each keeps its
    # fastest run (the least disturbed one) and its largest peak memory.
    runs: list[Measured] = []
    floors: list[Measured] = []
    for _ in range(settings.repeat):
        runs.append(measure(command, work, settings.timeout, settings.max_mb))
        if not runs[-1].ok:
            break
        if with_floor:
            floors.append(measure(floor, work, settings.timeout, settings.max_mb))
    row.cli = best(runs)
    say(f"exposure check: {_seconds(row.cli)}, peak {row.cli.peak_mb:,.0f} MB" + _of(runs))
    command = [settings.python, str(BENCH / "phases.py"), str(path), str(work / f"{case.slug}-phases.csv")]
    if case.rule is not None:
        command += ["--rule", case.rule]
    if settings.profile is not None:
        command += ["--profile", str(settings.profile / case.slug)]
    # A rule's case is there to be compared with the default rule's run: when the command did not finish,
    # a phase run would only spend the timeout again.
    if case.rule is None or row.cli.ok:
        row.phases_run = measure(command, work, settings.timeout, settings.max_mb)
        row.phases = _phases(row.phases_run)
        say("phases: " + ", ".join(f"{k} {v:.2f} s" for k, v in row.phases.items()) + unless_ok(row.phases_run))
    if floors:
        row.floor = best(floors)
        say(f"I/O floor: {_seconds(row.floor)}" + _of(floors))
    row.load = os.getloadavg()[0]
    if case.kind == "registry" and case.rule is None:
        for fmt in settings.reports:
            # The audit reports beside the CSV report: one run each (a big workbook takes minutes).
            out = work / f"{case.slug}-report.{fmt}"
            measured = measure(command_for(path, out, settings.python), work, settings.timeout, settings.max_mb)
            row.reports[fmt] = measured
            say(f"-o report.{fmt}: {_seconds(measured)}, peak {measured.peak_mb:,.0f} MB")
            out.unlink(missing_ok=True)
    return row


def run_analysis(case: Case, settings: Settings, data_root: Path, work: Path) -> Row:
    """An ``owners`` or ``whatif`` case: ``bench/analysis.py`` reads the registry, picks the entity with the
    largest upstream part of a sample drawn with the run's seed, and times the library call after reading;
    then the whole command on that entity is measured ``--repeat`` times, as ``check`` is (no floor: the
    reading alone is the ``check`` rows' read phase)."""
    say = _progress(case)
    path, entities, holdings, generated = prepare(case, data_root, settings.python)
    row = Row(case, entities, holdings, generated)
    if generated:
        say(f"generated {entities:,} entities, {holdings:,} holdings in {generated:.1f} s")
    row.input_bytes = _size(path)
    helper = [settings.python, str(BENCH / "analysis.py"), case.kind, str(path), "--sample", str(SAMPLE)]
    row.phases_run = measure([*helper, "--seed", str(settings.seed)], work, settings.timeout, settings.max_mb)
    row.phases = _phases(row.phases_run)
    pick = next((r for r in _records(row.phases_run) if r.get("phase") == "pick"), None)
    if pick is None:
        say("picking the entity failed" + unless_ok(row.phases_run))
        row.load = os.getloadavg()[0]
        return row
    row.entity, row.upstream, row.sampled = str(pick["entity"]), int(pick["upstream"]), int(pick["sampled"])
    after = f"{row.phases['compute']:.2f} s" if "compute" in row.phases else "not measured" + unless_ok(row.phases_run)
    read = row.phases.get("read", 0.0)
    say(f"{row.entity} ({row.upstream:,} holdings upstream): read {read:.2f} s, after reading {after}")
    command = analysis_command(case.kind, path, row.entity, work / f"{case.slug}.json", settings.python)
    runs: list[Measured] = []
    for _ in range(settings.repeat):
        runs.append(measure(command, work, settings.timeout, settings.max_mb))
        if not runs[-1].ok:
            break
    row.cli = best(runs)
    say(f"exposure {case.kind}: {_seconds(row.cli)}, peak {row.cli.peak_mb:,.0f} MB" + _of(runs))
    row.load = os.getloadavg()[0]
    return row


def analysis_command(kind: str, path: Path, entity: str, output: Path, python: str = sys.executable) -> list[str]:
    """``exposure owners|whatif PATH --entity ENTITY -j CN --format json -o OUTPUT -q`` as the benchmark runs it."""
    command = [python, "-m", "cli.app", kind, str(path), "--entity", entity, "-j", "CN", "--format", "json"]
    return [*command, "-o", str(output), "-q"]


def command_for(path: Path, output: Path, python: str = sys.executable, rule: str | None = None) -> list[str]:
    """``exposure check PATH -j CN -o OUTPUT -q`` as the benchmark runs it (with ``--profile RULE``)."""
    command = [python, "-m", "cli.app", "check", str(path), "-j", "CN", "-o", str(output), "-q"]
    return command + (["--profile", rule] if rule is not None else [])


def _size(path: Path) -> int:
    """Bytes on disk: a file's, or a folder's files' together."""
    if path.is_dir():
        return sum(p.stat().st_size for p in path.iterdir() if p.is_file())
    return path.stat().st_size


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
        report = work / f"{case.slug}-baseline-exposure.csv"
        command = [settings.python, "-m", "cli.app", "check", str(path), "-j", "CN", "-o", str(report), "-q"]
        ours = measure(command, work, settings.timeout)
        output = work / f"{case.slug}-baseline.csv"
        theirs = measure([settings.python, str(BENCH / "baseline.py"), str(path), str(output)], work, settings.timeout)
        say(f"baseline: exposure {_seconds(ours)}, networkx paths {_seconds(theirs)}")
        agreement = compare(path, report, output) if ours.ok and theirs.ok else None
        rows.append(BaselineRow(holdings, entities, ours, theirs, agreement))
    return rows


def default_memory_cap_gb() -> float | None:
    """80% of the memory available when the run starts, in GB (None where /proc/meminfo does not say): on a
    shared machine the others' processes hold the rest, and a run past it would wake the kernel's
    out-of-memory killer (an AMLR run on registry-2M was killed by it at 13 GB, under a cap of 80% of all
    the memory)."""
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemAvailable"):
                return 0.8 * int(line.split()[1]) / 1024**2
    except (OSError, ValueError):
        pass
    return None


# --- command line --------------------------------------------------------------------------------------------


def issue18_cases(seed: int, quick: bool = False) -> list[Case]:
    """Issue 18's table: registry-2M (with its floor) and under each per-party rule, the growth sizes, and
    the cases of the other input shapes; ``quick`` gives the same list at smoke-test sizes."""
    growth = (2_000, 20_000, 50_000) if quick else ISSUE18_GROWTH
    big = 20_000 if quick else 2_000_000
    chosen = [Case("registry", size, seed) for size in growth]
    chosen += [Case("registry", big, seed, rule) for rule in ISSUE18_RULES]
    sizes = QUICK_SIZES if quick else FULL_SIZES
    chosen += [Case(kind, size, seed) for kind in ISSUE18_KINDS if kind in KINDS for size in sizes[kind]]
    chosen.append(Case("xlsx", 2_000 if quick else EXCEL_DATA_ROWS, seed))
    return chosen


def cases_for(kinds: Sequence[str], registry_sizes: Sequence[int] | None, quick: bool, seed: int) -> list[Case]:
    if "issue18" in kinds:
        return issue18_cases(seed, quick)
    sizes = QUICK_SIZES if quick else FULL_SIZES
    chosen: list[Case] = []
    for kind in kinds:
        for size in registry_sizes if kind in REGISTRY_KINDS and registry_sizes else sizes[kind]:
            chosen.append(Case(kind, size, seed))
    return chosen


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", help="registry sizes in holdings, comma-separated (100k,1M,2M); also owners' and whatif's"
    )
    parser.add_argument(
        "--cases",
        default=",".join(DEFAULT_KINDS),
        help=f"kinds to run, comma-separated ({','.join(DEFAULT_KINDS)}), or issue18: exactly issue 18's table",
    )
    parser.add_argument("--quick", action="store_true", help="small sizes only: a smoke run")
    parser.add_argument("--rules", default="", help="also run each registry case under these profiles (uk,amlr)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per process before it is killed")
    parser.add_argument(
        "--max-memory",
        type=float,
        default=None,
        metavar="GB",
        help="kill a process whose resident memory passes this (default: 80%% of the memory available at the start)",
    )
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
    unknown = [k for k in kinds if k not in (*DEFAULT_KINDS, "issue18")]
    if unknown:
        parser.error(f"unknown case kind {', '.join(unknown)}; use {', '.join(DEFAULT_KINDS)}")
    sizes = [parse_size(s) for s in args.sizes.split(",")] if args.sizes else None
    reports = tuple(f.strip() for f in args.reports.split(",") if f.strip())
    max_gb = args.max_memory if args.max_memory is not None else default_memory_cap_gb()
    settings = Settings(
        args.timeout,
        args.keep,
        args.seed,
        args.quick,
        args.profile,
        repeat=max(1, args.repeat),
        reports=reports,
        max_mb=None if max_gb is None else max_gb * 1024,
    )
    cases = cases_for(kinds, sizes, args.quick, args.seed)
    for rule in (r.strip() for r in args.rules.split(",") if r.strip()):
        cases += [Case(c.kind, c.size, c.seed, rule) for c in list(cases) if c.kind == "registry" and c.rule is None]
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
    cap = "" if settings.max_mb is None else f", memory cap {settings.max_mb / 1024:.1f} GB"
    print(f"load average at end: {load_average()}; timeout {settings.timeout:g} s per process{cap}")
    print()
    print(table(rows, args.quick))
    print()
    print(
        "start/read/compute/write: bench/phases.py in its own process (start = interpreter and imports); "
        "total s and peak MB: `exposure check INPUT -j CN -o report.csv -q` as a whole process; floor s: "
        "bench/floor.py (pyarrow read + report-shaped CSV write); ratio = total / floor. The command and the "
        f"floor ran {settings.repeat} times each, taking turns: the fastest run counts, with the largest peak."
        + (
            " owners and whatif rows: start, read and compute (the call after reading) from bench/analysis.py; "
            "total s and peak MB: the whole owners or whatif command (the table after the growth table)."
            if any(r.case.kind in ANALYSIS_KINDS for r in rows)
            else ""
        )
    )
    print()
    print(growth_table(rows))
    if any(r.case.kind in ANALYSIS_KINDS for r in rows):
        print()
        print(analysis_table(rows))
    if not args.quick:
        print()
        print("Targets:")
        for line in summary(rows) if "issue18" not in kinds else issue18_summary(rows):
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
