"""Progress bars: on stderr only, only in a terminal, only for a phase slower than the delay, gone when done,
and never in the way of an error.

Slowness is simulated: the delay is set to 0 and the slow call waits a fraction of a second, long enough for
the bar's thread to draw once.
"""

from __future__ import annotations

import io
import json
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from cli import progress, render
from cli.progress import Phases
from ownership import pipeline as check_module
from ownership import readers
from ownership.errors import InputError, Location
from ownership.reports import csv_report

#: Long enough for the bar's thread, started with no delay, to draw at least once.
SLOW = 0.4


def _bar_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("progress:")]


def _slowly(call: Callable[..., Any]) -> Callable[..., Any]:
    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(SLOW)
        return call(*args, **kwargs)

    return slow


def _terminal() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=True, width=80), out


# ----------------------------------------------------------------------------------------------- Phases alone


def test_no_console_runs_the_call_and_shows_nothing() -> None:
    assert Phases(None, delay=0).run("reading", lambda: 42) == 42
    assert not _bar_threads()


def test_a_fast_phase_draws_nothing() -> None:
    console, out = _terminal()
    assert Phases(console, delay=5).run("reading", lambda: "done") == "done"
    assert out.getvalue() == ""
    assert not _bar_threads()


def test_a_slow_phase_draws_its_name_then_erases_it() -> None:
    console, out = _terminal()
    Phases(console, delay=0).run("reading big.csv", lambda: time.sleep(SLOW))
    text = out.getvalue()
    assert "reading big.csv" in text
    assert "0:00" in text  # the elapsed time
    assert text.endswith("\x1b[2K")  # transient: the last thing written erases the bar's line
    assert not _bar_threads()


def test_an_exception_in_a_slow_phase_propagates_after_the_bar_is_gone() -> None:
    console, out = _terminal()

    def fail() -> None:
        time.sleep(SLOW)
        raise ValueError("bad cell")

    with pytest.raises(ValueError, match="bad cell"):
        Phases(console, delay=0).run("reading", fail)
    assert "reading" in out.getvalue()
    assert out.getvalue().endswith("\x1b[2K")
    assert not _bar_threads()


def test_an_exception_before_the_delay_leaves_no_thread() -> None:
    console, out = _terminal()
    with pytest.raises(KeyError), Phases(console, delay=5).phase("computing"):
        raise KeyError("x")
    assert out.getvalue() == ""
    assert not _bar_threads()


def test_on_stderr_is_off_when_quiet_or_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "FORCE_TERMINAL", True)
    assert Phases.on_stderr(quiet=False).console is not None
    assert Phases.on_stderr(quiet=True).console is None
    monkeypatch.setattr(progress, "FORCE_TERMINAL", False)
    assert Phases.on_stderr(quiet=False).console is None


def test_stderr_is_terminal_asks_the_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stderr", Tty())
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert progress.stderr_is_terminal()
    monkeypatch.setenv("TERM", "dumb")
    assert not progress.stderr_is_terminal()
    # FORCE_COLOR (set by CI jobs for coloured logs) does not make a pipe a terminal.
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    monkeypatch.setenv("TERM", "xterm-256color")
    assert not progress.stderr_is_terminal()


# ------------------------------------------------------------------------------------ through the entry point


@pytest.fixture
def slow_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading takes SLOW seconds, and a bar would show at once."""
    monkeypatch.setattr(readers, "read_input", _slowly(readers.read_input))
    monkeypatch.setattr(progress, "DELAY_SECONDS", 0.0)


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI believes stderr is a terminal."""
    monkeypatch.setattr(progress, "FORCE_TERMINAL", True)


def test_bar_goes_to_stderr_and_stdout_is_untouched(cli: Any, slow_read: None, terminal: None) -> None:
    result = cli.run("check", cli.cap_table, "-j", "CN", "--format", "json")
    assert result.exit_code == 1, result.stderr
    assert "reading cap_table.xlsx" in result.stderr
    doc = json.loads(result.stdout)
    assert doc["entities"]
    assert "\x1b" not in result.stdout
    assert not _bar_threads()


def test_table_on_stdout_is_the_same_with_and_without_bars(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = cli.run("check", cli.cap_table, "-j", "CN")
    monkeypatch.setattr(readers, "read_input", _slowly(readers.read_input))
    monkeypatch.setattr(progress, "DELAY_SECONDS", 0.0)
    monkeypatch.setattr(progress, "FORCE_TERMINAL", True)
    with_bars = cli.run("check", cli.cap_table, "-j", "CN")
    assert "reading cap_table.xlsx" in with_bars.stderr
    assert with_bars.stdout == plain.stdout


def test_a_slow_table_is_prepared_under_a_bar_then_printed(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = cli.run("check", cli.cap_table, "-j", "CN")
    monkeypatch.setattr(render, "render_table", _slowly(render.render_table))
    monkeypatch.setattr(progress, "DELAY_SECONDS", 0.0)
    monkeypatch.setattr(progress, "FORCE_TERMINAL", True)
    slow = cli.run("check", cli.cap_table, "-j", "CN")
    assert "preparing the table" in slow.stderr
    assert slow.stdout == plain.stdout


def test_nothing_extra_on_stderr_when_it_is_not_a_terminal(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = cli.run("check", cli.cap_table, "-j", "CN", "--format", "json")
    monkeypatch.setattr(readers, "read_input", _slowly(readers.read_input))
    monkeypatch.setattr(progress, "DELAY_SECONDS", 0.0)
    slow = cli.run("check", cli.cap_table, "-j", "CN", "--format", "json")  # CliRunner's stderr is no terminal
    assert slow.stderr == plain.stderr
    assert "reading" not in slow.stderr
    assert slow.stdout == plain.stdout


def test_quiet_silences_the_bars(cli: Any, slow_read: None, terminal: None) -> None:
    result = cli.run("check", cli.cap_table, "-j", "CN", "--format", "json", "--quiet")
    assert result.exit_code == 1
    assert result.stderr == ""
    assert json.loads(result.stdout)["entities"]


def test_one_computing_bar_per_rule(cli: Any, monkeypatch: pytest.MonkeyPatch, terminal: None) -> None:
    monkeypatch.setattr(check_module, "check", _slowly(check_module.check))
    monkeypatch.setattr(progress, "DELAY_SECONDS", 0.0)
    result = cli.run("check", cli.cap_table, "-j", "CN", "--profile", "ofac", "--profile", "uk", "--format", "json")
    assert result.exit_code == 1, result.stderr
    assert "computing rule ofac (1/2)" in result.stderr
    assert "computing rule uk (2/2)" in result.stderr
    assert json.loads(result.stdout)["profiles"]


def test_writing_bar_for_a_slow_report(
    cli: Any, monkeypatch: pytest.MonkeyPatch, terminal: None, tmp_path: Path
) -> None:
    monkeypatch.setattr(csv_report, "write_csv", _slowly(csv_report.write_csv))
    monkeypatch.setattr(progress, "DELAY_SECONDS", 0.0)
    out = tmp_path / "report.csv"
    result = cli.run("check", cli.cap_table, "-j", "CN", "-o", out)
    assert result.exit_code == 1, result.stderr
    assert "writing report.csv" in result.stderr
    assert result.stdout == ""
    assert out.read_text(encoding="utf-8").startswith('"id","name",')


@pytest.mark.parametrize(
    ("error", "line"),
    [
        (
            InputError("bad cell", Location("book.xlsx", "Holdings", 7, 3)),
            InputError("bad cell", Location("book.xlsx", "Holdings", 7, 3)).one_line(),
        ),
        (RuntimeError("boom"), "internal error (RuntimeError); please report it, and run with --debug for details"),
    ],
)
def test_an_error_inside_a_phase_is_one_line_and_exit_2(
    cli: Any, monkeypatch: pytest.MonkeyPatch, terminal: None, error: Exception, line: str
) -> None:
    def failing(*args: Any, **kwargs: Any) -> Any:
        time.sleep(SLOW)
        raise error

    monkeypatch.setattr(check_module, "check", failing)
    monkeypatch.setattr(progress, "DELAY_SECONDS", 0.0)
    result = cli.run("check", cli.cap_table, "-j", "CN")
    assert result.exit_code == 2
    assert "computing" in result.stderr  # the bar was drawn...
    # ...and erased (cursor up, clear line) before the one error line, which stands alone at the end.
    assert result.stderr.endswith(f"\x1b[1A\x1b[2Kexposure: error: {line}\n")
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert not _bar_threads()


# ------------------------------------------------------------------------------------- how far the reading is


def _reading_in_steps(monkeypatch: pytest.MonkeyPatch, steps: int = 4) -> list[tuple[int, int, str]]:
    """The reader reports a quarter of the input at a time, SLOW seconds apart, then reads it for real; the
    returned list receives what the CLI's bar was told."""
    from ownership.readers import progress as read_progress

    real = readers.read_input
    told: list[tuple[int, int, str]] = []

    def in_steps(path: Path, *args: Any, **kwargs: Any) -> Any:
        meter = read_progress.current()
        assert meter is not None, "the CLI asked for no progress"
        callback = meter.callback

        def spy(done: int, total: int, unit: str) -> None:
            told.append((done, total, unit))
            callback(done, total, unit)

        meter.callback = spy
        for _ in range(steps):
            time.sleep(SLOW)
            read_progress.advance(meter.total // steps)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(readers, "read_input", in_steps)
    monkeypatch.setattr(progress, "DELAY_SECONDS", 0.0)
    return told


def test_reading_shows_bytes_done_of_the_total_and_the_time_left(
    cli: Any, monkeypatch: pytest.MonkeyPatch, terminal: None
) -> None:
    plain = cli.run("check", cli.cap_table, "-j", "CN", "--format", "json")
    told = _reading_in_steps(monkeypatch)
    result = cli.run("check", cli.cap_table, "-j", "CN", "--format", "json")
    assert result.exit_code == 1, result.stderr
    size = Path(cli.cap_table).stat().st_size
    done = [d for d, _, _ in told]
    assert done == sorted(done)  # only growing...
    assert told[-1] == (size, size, "bytes")  # ...to the input's size, once read
    total = f"{size / 1e3:,.1f} kB"
    assert f"{told[0][0] / 1e3:,.1f}/{total}" in result.stderr  # a quarter read
    assert "left" in result.stderr  # the time left at the rate so far
    assert result.stdout == plain.stdout  # nothing on stdout
    assert not _bar_threads()


def test_bar_amount_and_time_left_columns() -> None:
    console, out = _terminal()
    phases = Phases(console, delay=0)

    def work(report: Callable[[int, int, str], None] | None) -> str:
        assert report is not None
        for k in range(1, 5):
            report(k * 50_000_000, 200_000_000, "bytes")
            time.sleep(SLOW)
        return "read"

    assert phases.run_measured("reading big", work) == "read"
    text = out.getvalue()
    assert "50.0/200.0 MB" in text
    assert "150.0/200.0 MB" in text
    assert "left" in text
    assert "building the tables" in text  # everything read, the reader still at work
    assert text.endswith("\x1b[2K")  # transient
    assert not _bar_threads()


def test_no_bar_no_measuring() -> None:
    seen: list[object] = []
    assert Phases(None, delay=0).run_measured("reading", lambda report: seen.append(report) or 7) == 7
    assert seen == [None]  # the reader is given no callback: it measures nothing


def test_reading_progress_is_silent_when_quiet_or_not_a_terminal(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = cli.run("check", cli.cap_table, "-j", "CN", "--format", "json")
    from ownership.readers import progress as read_progress

    asked: list[object] = []
    real = readers.read_input

    def spy(*args: Any, **kwargs: Any) -> Any:
        asked.append(read_progress.current())
        return real(*args, **kwargs)

    monkeypatch.setattr(readers, "read_input", spy)
    monkeypatch.setattr(progress, "DELAY_SECONDS", 0.0)
    not_terminal = cli.run("check", cli.cap_table, "-j", "CN", "--format", "json")
    monkeypatch.setattr(progress, "FORCE_TERMINAL", True)
    quiet = cli.run("check", cli.cap_table, "-j", "CN", "--format", "json", "-q")
    assert asked == [None, None]  # no meter: the readers count nothing
    assert not_terminal.stderr == plain.stderr
    assert quiet.stderr == ""
    assert not_terminal.stdout == quiet.stdout == plain.stdout
