"""Where a check's time goes: read, compute and write timed in one process, as ``exposure check`` runs them.

``python bench/phases.py INPUT OUT.csv`` calls ``ownership.readers.read_input``, ``ownership.pipeline.check``
(default policy, ``-j CN``) and ``ownership.reports.csv_report.write_csv`` (the command's ``-o report.csv``
path), and prints one JSON
line per phase as soon as it ends (``{"phase": "read", "seconds": 1.23}``), so a run stopped by a timeout
still tells which phases finished. The last line gives the peak resident memory of the process. With
``--profile DIR`` each phase is run under cProfile and its statistics saved as ``DIR/<phase>.prof`` (and
the top functions by cumulative time printed as ``DIR/<phase>.txt``); profiled times are inflated.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import argparse  # noqa: E402 - the start time above must come first, to time the imports
import cProfile  # noqa: E402
import gc  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import pstats  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TypeVar  # noqa: E402

from ownership.pipeline import check  # noqa: E402
from ownership.policy import resolve  # noqa: E402
from ownership.readers import read_input  # noqa: E402
from ownership.reports.csv_report import write_csv  # noqa: E402

T = TypeVar("T")


def _emit(record: dict[str, object]) -> None:
    print(json.dumps(record), flush=True)


def _timed(phase: str, run: Callable[[], T], profile_dir: Path | None) -> T:
    profiler = cProfile.Profile() if profile_dir is not None else None
    start = time.perf_counter()
    if profiler is not None:
        profiler.enable()
    result = run()
    if profiler is not None:
        profiler.disable()
    seconds = time.perf_counter() - start
    _emit({"phase": phase, "seconds": round(seconds, 4)})
    if profiler is not None and profile_dir is not None:
        profile_dir.mkdir(parents=True, exist_ok=True)
        profiler.dump_stats(profile_dir / f"{phase}.prof")
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(40)
        (profile_dir / f"{phase}.txt").write_text(text.getvalue(), encoding="utf-8")
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python bench/phases.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("input", type=Path, help="a folder (entities.csv + holdings.csv) or a workbook")
    parser.add_argument("out", type=Path, help="the CSV report to write")
    parser.add_argument("-j", "--jurisdiction", default="CN")
    parser.add_argument("--rule", default=None, metavar="PROFILE", help="a named rule (as --profile), else default")
    parser.add_argument("--profile", type=Path, default=None, metavar="DIR", help="cProfile each phase into DIR")
    args = parser.parse_args(argv)
    gc.disable()  # as cli.app.main does for every command
    _emit({"phase": "start", "seconds": round(time.perf_counter() - STARTED, 4)})

    data = _timed("read", lambda: read_input(args.input, str(args.input)), args.profile)
    policy = resolve(
        profile=args.rule, policy_file=None, flags={"jurisdictions": [args.jurisdiction]}, as_of=None
    ).policy
    result = _timed("compute", lambda: check(data, policy), args.profile)

    out: Path = args.out

    def write() -> None:
        write_csv(result, out)

    _timed("write", write, args.profile)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    _emit({"phase": "done", "entities": len(data.entities), "holdings": len(data.holdings), "peak_kb": peak_kb})
    return 0


if __name__ == "__main__":
    sys.exit(main())
