"""The Spark engine next to the in-memory one, on the same generated registry, in Spark's local mode.

Run ``python -m bench.spark FOLDER [--master local[2]] [--conf KEY=VALUE ...] [--json OUT.json]`` on a
canonical CSV folder (``python -m bench.generate registry 100000 /tmp/reg-100k``). It prints, and writes
as JSON:

* the in-memory check: read and compute seconds;
* ``convert`` to the Parquet folder the Spark engine reads (seconds);
* the Spark check: seconds per phase, the rounds of the cascade, the look-through and the core trimming,
  the size of the cyclic core, and per round the shuffle bytes written and read (from the Spark UI's REST
  API, summed over the stages finished since the round before), with the executors' peak JVM heap;
* whether both engines agree on every status and figure (within 1e-9 points).

One machine favours the in-memory engine (no JVM, no shuffles, no per-job scheduling); the figures here
are what the scaling plan in ``bench/README.md`` extrapolates from.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

_ROOT = Path(__file__).resolve().parents[1]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))


class _Rounds(logging.Handler):
    """Records each round the engine logs, with the shuffle bytes of the stages finished since the last."""

    def __init__(self, ui: str | None, app: str) -> None:
        super().__init__(logging.INFO)
        self.ui, self.app = ui, app
        self.rows: list[dict[str, Any]] = []
        self.seen = (0, 0)
        self.last = time.perf_counter()

    def shuffle(self) -> tuple[int, int]:
        if not self.ui:
            return (0, 0)
        try:
            with urllib.request.urlopen(f"{self.ui}/api/v1/applications/{self.app}/stages", timeout=60) as reply:
                stages = json.load(reply)
        except OSError:
            return self.seen
        done = [s for s in stages if s.get("status") == "COMPLETE"]
        return sum(s.get("shuffleWriteBytes", 0) for s in done), sum(s.get("shuffleReadBytes", 0) for s in done)

    def emit(self, record: logging.LogRecord) -> None:
        now = time.perf_counter()
        written, read = self.shuffle()
        self.rows.append(
            {
                "round": record.getMessage(),
                "seconds": round(now - self.last, 2),
                "shuffle_write_mb": round((written - self.seen[0]) / 2**20, 2),
                "shuffle_read_mb": round((read - self.seen[1]) / 2**20, 2),
            }
        )
        self.seen, self.last = (written, read), now


def _peak_heap_mb(ui: str | None, app: str) -> float | None:
    if not ui:
        return None
    try:
        with urllib.request.urlopen(f"{ui}/api/v1/applications/{app}/executors", timeout=60) as reply:
            executors = json.load(reply)
    except OSError:
        return None
    peaks = [e.get("peakMemoryMetrics", {}).get("JVMHeapMemory", 0) for e in executors]
    return round(max(peaks, default=0) / 2**20, 1)


def run(folder: Path, master: str, conf: dict[str, str], work: Path) -> dict[str, Any]:
    """Both engines on ``folder``; the measurements as a dict (see the module docstring)."""
    import ownership
    from ownership.spark.check import spark_check
    from ownership.spark.session import quiet_pyspark, spark_session
    from ownership.writers.canonical_folder import write_canonical_folder

    found: dict[str, Any] = {"data": str(folder), "master": master}
    started = time.perf_counter()
    data = ownership.read(folder)
    found["memory_read_s"] = round(time.perf_counter() - started, 2)
    mark = time.perf_counter()
    memory = ownership.check(data, jurisdictions=["CN"])
    found["memory_check_s"] = round(time.perf_counter() - mark, 2)
    found["entities"], found["holdings"] = len(memory.entities), len(data.holdings)
    mark = time.perf_counter()
    canonical = work / "canonical"
    write_canonical_folder(data, canonical)
    found["convert_s"] = round(time.perf_counter() - mark, 2)

    with quiet_pyspark():
        mark = time.perf_counter()
        spark = spark_session(master, {"spark.ui.enabled": "true", **conf})
        found["spark_start_s"] = round(time.perf_counter() - mark, 2)
        sc = spark.sparkContext
        rounds = _Rounds(sc.uiWebUrl, sc.applicationId)
        logger = logging.getLogger("ownership.spark")
        logger.setLevel(logging.INFO)
        logger.addHandler(rounds)
        try:
            result = spark_check(spark, str(canonical), memory.policy)
            rows = {r["id"]: r for r in result.figures.collect()}
        finally:
            logger.removeHandler(rounds)
        found["spark_phases"] = result.phases
        found["rounds"] = rounds.rows
        found["shuffle_write_mb"] = round(rounds.seen[0] / 2**20, 1)
        found["shuffle_read_mb"] = round(rounds.seen[1] / 2**20, 1)
        found["peak_executor_heap_mb"] = _peak_heap_mb(sc.uiWebUrl, sc.applicationId)
        spark.stop()
    names = ("home", "flagged", "possible", "clear")
    differing = 0
    for v in memory.entities:
        r = rows[v.entity.id]
        figures = (r["cascade_low"], r["cascade_high"], r["lookthrough_low"], r["lookthrough_high"])
        expected = (v.cascade.low, v.cascade.high, v.lookthrough.low, v.lookthrough.high)
        apart = any(abs(a - b) > 1e-11 for a, b in zip(figures, expected, strict=True))
        if names[r["status"]] != v.status.value or apart:
            differing += 1
    found["entities_differing"] = differing
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a canonical CSV folder (bench.generate registry ...)")
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--conf", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--json", type=Path, default=None, help="also write the measurements here")
    args = parser.parse_args(argv)
    conf = {"spark.sql.shuffle.partitions": "4", "spark.driver.memory": "3g", "spark.sql.adaptive.enabled": "false"}
    conf |= dict(pair.split("=", 1) for pair in args.conf)
    with tempfile.TemporaryDirectory(prefix="exposure-spark-bench-") as work:
        found = run(args.folder, args.master, conf, Path(work))
    print(json.dumps(found, indent=2))
    if args.json is not None:
        args.json.write_text(json.dumps(found, indent=2) + "\n")
    return 1 if found["entities_differing"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
