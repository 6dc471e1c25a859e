"""Measuring one process alone (wall time, peak memory, exit code) and describing the machine."""

from __future__ import annotations

import os
import platform
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path


@dataclass(frozen=True)
class Measured:
    """One process: wall seconds from start to exit, its peak RSS, and its exit code (None: killed at the
    timeout)."""

    seconds: float
    peak_mb: float
    returncode: int | None
    stdout: str
    stderr: str
    #: Why the runner killed it: "timeout", "memory" (past ``--max-memory``), or "" (it ended by itself).
    killed: str = ""

    @property
    def timed_out(self) -> bool:
        return self.returncode is None

    @property
    def ok(self) -> bool:
        """Finished with exit code 0 or 1 (1 means something is flagged, which is an answer, not a failure),
        and not by an uncaught exception, which Python also ends with exit code 1."""
        return self.returncode in (0, 1) and "Traceback (most recent call last)" not in self.stderr

    def problem(self) -> str:
        if self.returncode == 1 and not self.ok:
            return "crashed: " + (self.stderr.strip().splitlines() or ["?"])[-1][:100]
        if self.killed == "memory":
            return f"killed past the memory limit ({self.peak_mb:,.0f} MB)"
        if self.timed_out:
            return "timeout"
        last = (self.stderr.strip().splitlines() or ["?"])[-1]
        return f"exit {self.returncode}: {last[:100]}"


def measure(command: Sequence[str], cwd: Path, timeout: float, max_mb: float | None = None) -> Measured:
    """Run ``command`` and measure it alone: ``os.wait4`` gives this child's own resource usage (the
    RUSAGE_CHILDREN figure would be the largest of all children so far). It is killed past ``timeout``
    seconds, or once its resident memory passes ``max_mb`` (so that a run that would need more than the
    machine has ends here, not in the kernel's out-of-memory killer, which may pick another process)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(list(command), cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        killed = ""
        polls = 0
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            polls += 1
            if time.perf_counter() - start > timeout:
                killed = "timeout"
            elif max_mb is not None and polls % 10 == 0 and _resident_mb(process.pid) > max_mb:
                killed = "memory"
            if killed:
                process.kill()
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.005)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
        out.seek(0)
        err.seek(0)
        return Measured(
            seconds=seconds,
            peak_mb=usage.ru_maxrss / 1024.0,
            returncode=None if killed else process.returncode,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
            killed=killed,
        )


def _resident_mb(pid: int) -> float:
    """The process's resident memory now (VmRSS), in MB; 0 where /proc does not say."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text(encoding="utf-8").splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    except (OSError, ValueError, IndexError):
        pass
    return 0.0


def best(runs: Sequence[Measured]) -> Measured:
    """The fastest run that gave an answer (the first failure when none did), with the largest peak memory
    of all the runs: repeated runs filter out a shared machine's disturbances, never the memory a run needs."""
    answered = [r for r in runs if r.ok]
    if not answered:
        return runs[0]
    fastest = min(answered, key=lambda r: r.seconds)
    return replace(fastest, peak_mb=max(r.peak_mb for r in runs))


def unless_ok(measured: Measured) -> str:
    """Nothing for a run that gave an answer, else " (timeout)" or " (exit 2: ...)"."""
    return "" if measured.ok else f" ({measured.problem()})"


def machine() -> list[str]:
    """CPU, cores, memory, Python and library versions, and the load when the run starts."""
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or "?"
    memory = "?"
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024**2:.1f} GiB"
                break
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    libraries = []
    for name in ("exposure", "numpy", "scipy", "pandas", "openpyxl", "networkx", "pyarrow"):
        try:
            libraries.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            libraries.append(f"{name} (not installed)")
    return [
        f"CPU: {cpu}; cores: {os.cpu_count()} ({usable} usable); RAM: {memory}",
        f"Python {platform.python_version()} ({platform.python_implementation()}), {platform.system()} "
        f"{platform.release()}",
        "; ".join(libraries),
        f"load average at start: {load_average()}",
    ]


def load_average() -> str:
    return ", ".join(f"{v:.2f}" for v in os.getloadavg())
