"""The exit code does not depend on the streams (issue 16, items 5 and 8): stdout or stderr closed, a reader
that leaves early (SIGPIPE), or a stream whose encoding cannot hold the names. These run the installed
console script, since only a real process has real streams."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXPOSURE = REPO / ".venv" / "bin" / "exposure"

#: 字节跳动 (CN) holds 60% of Acme (DE): exit 1.
FLAGGED = "holder,holder_jurisdiction,subject,subject_jurisdiction,percent\n字节跳动,CN,Acme GmbH,DE,60\n"
#: A US person holds 60% of Acme (DE): nothing is home or flagged, exit 0.
CLEAR = "holder,holder_type,holder_jurisdiction,subject,subject_jurisdiction,percent\nAda,person,US,Acme,DE,60\n"

pytestmark = pytest.mark.skipif(not EXPOSURE.exists(), reason="the console script is not installed")


def _input(folder: Path, text: str) -> Path:
    path = folder / "h.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _run(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([str(EXPOSURE), *args], timeout=120, check=False, **kwargs)  # type: ignore[call-overload, no-any-return]


@pytest.mark.parametrize(("text", "code"), [(CLEAR, 0), (FLAGGED, 1)])
@pytest.mark.parametrize("closed", [1, 2])
def test_a_closed_stream_keeps_the_exit_code(tmp_path: Path, text: str, code: int, closed: int) -> None:
    path = _input(tmp_path, text)
    # The descriptor is closed in the child before exec: the command starts with it closed, as after `>&-`.
    done = _run(
        ["check", str(path), "-j", "CN", "--format", "json"],
        capture_output=True,
        preexec_fn=lambda: os.close(closed),
    )
    assert done.returncode == code, done.stderr
    for stream in (done.stdout, done.stderr):
        assert b"Traceback" not in (stream or b"") and b"internal error" not in (stream or b"")


@pytest.mark.parametrize(("text", "code"), [(CLEAR, 0), (FLAGGED, 1)])
def test_a_reader_that_leaves_ends_the_output_quietly(tmp_path: Path, text: str, code: int) -> None:
    path = _input(tmp_path, text)
    read, write = os.pipe()
    os.close(read)  # nobody will read: every write to stdout meets a broken pipe
    try:
        done = _run(["check", str(path), "-j", "CN", "--format", "json"], stdout=write, stderr=subprocess.PIPE)
    finally:
        os.close(write)
    assert done.returncode == code
    assert b"Broken pipe" not in done.stderr and b"Traceback" not in done.stderr
    assert b"error" not in done.stderr


@pytest.mark.parametrize("fmt", ["table", "json", "markdown", "csv"])
@pytest.mark.parametrize("env", [{"PYTHONIOENCODING": "ascii"}, {"LC_ALL": "C", "LANG": "C"}])
def test_names_the_stream_cannot_encode_are_escaped(tmp_path: Path, fmt: str, env: dict[str, str]) -> None:
    path = _input(tmp_path, FLAGGED)
    done = _run(
        ["check", str(path), "-j", "CN", "--format", fmt],
        capture_output=True,
        env={**os.environ, "PYTHONUTF8": "0", **env},
    )
    assert done.returncode == 1, done.stderr
    assert b"internal error" not in done.stderr
    out = done.stdout.decode("utf-8")
    assert "字节跳动" in out or "\\u5b57\\u8282\\u8df3\\u52a8" in out
