"""Importing the ``cli`` package changes nothing in the process; ``main()`` applies the process settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: Variables the settings would add; the child starts without them, as a user's shell does.
SETTINGS = ("OPENBLAS_NUM_THREADS", "ARROW_DEFAULT_MEMORY_POOL")


def _python(code: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS and not k.startswith("MALLOC_")}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_importing_cli_leaves_the_environment_unchanged() -> None:
    code = (
        "import os\n"
        "before = dict(os.environ)\n"
        "import cli, cli.app, cli.tuning\n"
        "print(sorted(k for k in set(before) | set(os.environ) if before.get(k) != os.environ.get(k)))\n"
    )
    assert _python(code) == "[]"


def test_main_applies_the_settings_and_keeps_numpys_blas_on_one_thread() -> None:
    # main() ends the process with os._exit; the child reports the settings just before it does.
    code = (
        "import ctypes, os, re, sys\n"
        "import cli.app\n"
        "real = os._exit\n"
        "def report(code):\n"
        "    maps = open('/proc/self/maps').read()\n"
        "    blas = sorted(set(re.findall(r'(/\\S*numpy\\.libs/\\S*openblas\\S*\\.so\\S*)', maps)))\n"
        "    threads = [ctypes.CDLL(p).scipy_openblas_get_num_threads64_() for p in blas]\n"
        "    print(os.environ['OPENBLAS_NUM_THREADS'], os.environ['ARROW_DEFAULT_MEMORY_POOL'], threads)\n"
        "    sys.stdout.flush()\n"
        "    real(0)\n"
        "os._exit = report\n"
        "sys.argv = ['exposure', '--version']\n"
        "cli.app.main()\n"
    )
    assert _python(code).splitlines()[-1] == "1 system [1]"
