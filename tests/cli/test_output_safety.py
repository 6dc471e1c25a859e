"""`-o` never damages the machine (issue 16): a device, FIFO or stream is written in place and never
replaced, a folder is an error, no output is written over a file the run reads (input, a folder's members,
policy file, watch lists, pyproject.toml; through symbolic links, hard links and ``..``), every failure to
write names the path and the reason, and temporary files never outlive the run (SIGTERM, or a later run
removes those of a killed one)."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cli.app import app
from ownership.writers.output import TEMP_MARK, remove_stale

REPO = Path(__file__).resolve().parents[2]

#: P (CN) holds 60% of T (DE): P is home and T flagged, so a check exits 1.
FLAGGED = "holder,holder_jurisdiction,subject,subject_jurisdiction,percent\nP,CN,T,DE,60\n"


def _flagged(folder: Path, name: str = "h.csv") -> Path:
    path = folder / name
    path.write_text(FLAGGED, encoding="utf-8")
    return path


def _check(*args: str) -> Result:
    return CliRunner().invoke(app, ["check", *args])


def _error_line(result: Result) -> str:
    lines = result.stderr.splitlines()
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    assert len(lines) == 1 and lines[0].startswith("exposure: error: "), result.stderr
    assert "internal error" not in lines[0]
    return lines[0]


# --- item 1: special files are written in place, never replaced ----------------------------------------------


def test_a_fifo_is_written_into_and_stays_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def read() -> None:
        with fifo.open("rb") as handle:
            received.append(handle.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    result = _check(str(_flagged(tmp_path)), "-j", "CN", "--format", "json", "-o", str(fifo))
    reader.join(timeout=30)
    if reader.is_alive() and stat.S_ISFIFO(fifo.lstat().st_mode):  # nothing was written: release the reader
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        reader.join(timeout=5)
    assert result.exit_code == 1, result.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert json.loads(received[0])["summary"]["flagged"] == 1


def _char_device(path: Path, minor: int) -> Path:
    """A character device node like /dev/null (minor 3) or /dev/full (minor 7), made in a temp folder."""
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, minor))
    except PermissionError:
        pytest.skip("making a device node needs CAP_MKNOD (root)")
    return path


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_a_device_is_written_into_and_never_replaced(tmp_path: Path, fmt: str) -> None:
    null = _char_device(tmp_path / "null", 3)
    result = _check(str(_flagged(tmp_path)), "-j", "CN", "--format", fmt, "-o", str(null))
    assert result.exit_code == 1, result.stderr
    mode = null.lstat().st_mode
    assert stat.S_ISCHR(mode) and os.major(null.lstat().st_rdev) == 1
    assert [p.name for p in tmp_path.iterdir() if TEMP_MARK in p.name] == []


def test_a_link_to_a_device_writes_the_device(tmp_path: Path) -> None:
    null = _char_device(tmp_path / "null", 3)
    link = tmp_path / "out.json"
    link.symlink_to(null)
    result = _check(str(_flagged(tmp_path)), "-j", "CN", "-o", str(link))
    assert result.exit_code == 1, result.stderr
    assert link.is_symlink() and stat.S_ISCHR(null.lstat().st_mode)


def test_a_folder_is_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    line = _error_line(_check(str(_flagged(tmp_path)), "-j", "CN", "--format", "json", "-o", str(folder)))
    assert f"-o {folder}: is a folder" in line
    assert list(folder.iterdir()) == []


def test_a_symbolic_link_to_a_report_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "latest.json"
    link.symlink_to(real)
    result = _check(str(_flagged(tmp_path)), "-j", "CN", "-o", str(link))
    assert result.exit_code == 1, result.stderr
    assert link.is_symlink()
    assert json.loads(real.read_text(encoding="utf-8"))["summary"]["flagged"] == 1


# --- item 2: never over a file the run reads ---------------------------------------------------------------------


def test_a_watch_list_is_never_overwritten(tmp_path: Path) -> None:
    watch = tmp_path / "list.csv"
    watch.write_text("name,label\nP,SDN\n", encoding="utf-8")
    before = watch.read_bytes()
    line = _error_line(_check(str(_flagged(tmp_path)), "-j", "CN", "--watchlist", str(watch), "-o", str(watch)))
    assert f"-o {watch}: is the watch list" in line
    assert watch.read_bytes() == before


def test_a_policy_file_is_never_overwritten(tmp_path: Path) -> None:
    policy = tmp_path / "team.toml"
    policy.write_text("threshold = 40\n", encoding="utf-8")
    args = ["-j", "CN", "--policy", str(policy), "--format", "json", "-o", str(policy)]
    line = _error_line(_check(str(_flagged(tmp_path)), *args))
    assert f"-o {policy}: is the policy file" in line
    assert policy.read_text(encoding="utf-8") == "threshold = 40\n"


def test_the_project_pyproject_is_never_overwritten(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    # Read even without [tool.exposure]: the run looked in it.
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    line = _error_line(_check(str(_flagged(tmp_path)), "-j", "CN", "--format", "csv", "-o", "pyproject.toml"))
    assert "-o pyproject.toml: is the project's policy file" in line
    assert (tmp_path / "pyproject.toml").read_text(encoding="utf-8") == '[project]\nname = "x"\n'


def test_a_member_of_the_input_folder_is_never_overwritten(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "entities.csv").write_text("id,jurisdiction\nP,CN\nT,DE\n", encoding="utf-8")
    (folder / "holdings.csv").write_text("holder,subject,percent\nP,T,60\n", encoding="utf-8")
    target = folder / "entities.csv"
    line = _error_line(_check(str(folder), "-j", "CN", "--format", "csv", "-o", str(target)))
    assert f"-o {target}: is a file of the input folder {folder}" in line
    assert target.read_text(encoding="utf-8") == "id,jurisdiction\nP,CN\nT,DE\n"
    # A report beside the data is fine, and so is writing it again.
    for _ in range(2):
        assert _check(str(folder), "-j", "CN", "-o", str(folder / "report.json")).exit_code == 1


@pytest.mark.parametrize("how", ["hard link", "symbolic link", "dot-dot"])
def test_the_input_under_another_name_is_never_overwritten(tmp_path: Path, how: str) -> None:
    source = _flagged(tmp_path)
    (tmp_path / "sub").mkdir()
    if how == "hard link":
        other = tmp_path / "copy.csv"
        os.link(source, other)
    elif how == "symbolic link":
        other = tmp_path / "alias.csv"
        other.symlink_to(source)
    else:
        other = tmp_path / "sub" / ".." / "h.csv"
    line = _error_line(_check(str(source), "-j", "CN", "--format", "csv", "-o", str(other)))
    assert f"-o {other}: that is the input file" in line
    assert source.read_text(encoding="utf-8") == FLAGGED


# --- item 8: every failure to write names the path and the reason ------------------------------------------------


def test_a_missing_folder_is_named(tmp_path: Path) -> None:
    target = tmp_path / "nowhere" / "r.json"
    line = _error_line(_check(str(_flagged(tmp_path)), "-j", "CN", "-o", str(target)))
    assert f"-o {target}: cannot write it: the folder {tmp_path / 'nowhere'} does not exist" in line


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx", "markdown"])
def test_a_full_device_is_named_with_the_reason(tmp_path: Path, fmt: str) -> None:
    full = _char_device(tmp_path / "full", 7)
    line = _error_line(_check(str(_flagged(tmp_path)), "-j", "CN", "--format", fmt, "-o", str(full)))
    assert f"-o {full}: cannot write it (No space left on device)" in line
    assert stat.S_ISCHR(full.lstat().st_mode)


def test_a_read_only_folder_is_named(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        line = _error_line(_check(str(_flagged(tmp_path)), "-j", "CN", "-o", str(folder / "r.json")))
    finally:
        folder.chmod(0o755)
    assert "cannot write it (Permission denied)" in line


def test_convert_names_a_missing_folder(tmp_path: Path) -> None:
    target = tmp_path / "nowhere" / "c.xlsx"
    result = CliRunner().invoke(app, ["convert", str(_flagged(tmp_path)), "-o", str(target)])
    assert f"-o {target}: cannot write it: the folder" in _error_line(result)


# --- item 15: temporary files ------------------------------------------------------------------------------------


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


def test_a_later_run_removes_the_temporary_files_of_a_killed_one(tmp_path: Path) -> None:
    import socket

    host = "".join(c if c.isalnum() or c == "-" else "-" for c in socket.gethostname())[:40]
    stale = tmp_path / f".r.json.abc123.{host}-{_dead_pid()}{TEMP_MARK}.json"
    alive = tmp_path / f".r.json.def456.{host}-{os.getpid()}{TEMP_MARK}.json"
    elsewhere = tmp_path / f".r.json.ghi789.otherhost-{_dead_pid()}{TEMP_MARK}.json"
    other_name = tmp_path / f".x.json.jkl012.{host}-{_dead_pid()}{TEMP_MARK}.json"
    for path in (stale, alive, elsewhere, other_name):
        path.write_bytes(b"partial")
    result = _check(str(_flagged(tmp_path)), "-j", "CN", "-o", str(tmp_path / "r.json"))
    assert result.exit_code == 1, result.stderr
    assert not stale.exists()
    assert alive.exists() and elsewhere.exists() and other_name.exists()
    assert remove_stale(tmp_path, "r.json") == []


def test_sigterm_during_a_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from cli.common import write_atomically

        def slow(path: Path) -> None:
            path.write_bytes(b"x" * 100_000)
            print("writing", flush=True)
            time.sleep(60)

        write_atomically(Path({str(tmp_path / "big.csv")!r}), slow)
        """
    )
    with subprocess.Popen([sys.executable, "-c", script], cwd=REPO, stdout=subprocess.PIPE, text=True) as child:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "writing"
        assert any(TEMP_MARK in p.name for p in tmp_path.iterdir())
        child.send_signal(signal.SIGTERM)
        assert child.wait(timeout=30) == -signal.SIGTERM
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [["explain", "h.csv", "T"], ["graph", "h.csv", "--format", "dot"]])
def test_explain_and_graph_never_write_over_a_watch_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    _flagged(tmp_path)
    (tmp_path / "list.csv").write_text("name,label\nQ,SDN\n", encoding="utf-8")
    result = CliRunner().invoke(app, [*command, "-j", "CN", "--watchlist", "list.csv", "-o", "list.csv"])
    assert "-o list.csv: is the watch list, which this run reads" in _error_line(result)
    assert (tmp_path / "list.csv").read_text(encoding="utf-8") == "name,label\nQ,SDN\n"
