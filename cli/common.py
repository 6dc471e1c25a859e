"""What the commands share: one-line errors, the files a command reads (so no output goes over one), atomic
writes; the reading, the rules and the checks themselves are ``ownership.api``'s."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TypeVar

import typer

from cli.progress import Phases
from ownership.api import ReadLimits
from ownership.errors import DataWarning
from ownership.model import Policy
from ownership.result import CheckSet, FailOn

if TYPE_CHECKING:
    from ownership.policy.files import PolicyFile
    from ownership.reports.provenance import Provenance
    from ownership.writers.output import Content, ReadFile

T = TypeVar("T")

#: The files the running command reads (input, a folder's members, policy file, watch lists), so that no
#: output is written over one of them. Emptied when a command starts (``forget_reads``).
_reads: list[ReadFile] = []
#: The policy file the running command applies, if any (set by ``resolve_policies``).
_policy_files: list[PolicyFile] = []


def forget_reads() -> None:
    """Start a command: the files an earlier command of this process read no longer count."""
    _reads.clear()
    _policy_files.clear()


def policy_file_used() -> PolicyFile | None:
    """The policy file the command applies (``--policy``, or the working directory's), if any."""
    return _policy_files[0] if _policy_files else None


def provenance() -> Provenance:
    """The policy file and watch lists the command read, each with its SHA-256, for the reports."""
    from ownership.reports.provenance import Provenance, digest

    named = [("policy file", f.path, tuple(f.settings)) for f in _policy_files]
    named += [("watch list", r.path, ()) for r in dict.fromkeys(_reads) if r.role == "the watch list"]
    files = []
    for role, path, keys in named:
        try:
            files.append(digest(role, path, keys))
        except OSError as exc:
            fail(f"{path}: cannot be read again to record its SHA-256 ({exc.strerror or type(exc).__name__})")
    return Provenance(tuple(files))


def note_read(role: str, path: Path) -> None:
    """Record a file the command reads (``role`` in words: "the watch list")."""
    from ownership.writers.output import ReadFile

    _reads.append(ReadFile(role, path))


def files_read() -> tuple[ReadFile, ...]:
    """The files the command has read so far, in the order they were recorded."""
    return tuple(_reads)


def fail(message: str) -> NoReturn:
    """Print one error line on stderr and exit with code 2."""
    typer.echo(f"exposure: error: {message}", err=True)
    raise typer.Exit(2)


def guarded(run: Callable[[], T], debug: bool) -> T:
    """Run a command body: an ExposureError becomes its one line and exit 2; anything unexpected becomes a
    one-line internal error (the traceback only with --debug). Never a traceback by default."""
    from ownership.errors import ExposureError

    try:
        return run()
    except ExposureError as exc:
        if debug:
            raise
        fail(exc.one_line())
    except (typer.Exit, typer.Abort):
        raise
    except Exception as exc:  # the last line of defence
        if debug:
            raise
        fail(f"internal error ({type(exc).__name__}); please report it, and run with --debug for details")


def resolve_policies(
    profiles: list[str], policy_path: Path | None, flags: dict[str, object], *, no_policy_file: bool = False
) -> tuple[list[Policy], FailOn, tuple[DataWarning, ...]]:
    """One resolved policy per named profile (or the file's / the default), with the watch lists read
    (``ownership.api.resolve_rules``), and every file that took recorded as read by the command.

    ``no_policy_file`` ignores the working directory's ``exposure.toml`` and ``pyproject.toml``; a file
    named with ``--policy`` is read all the same.
    """
    from ownership.api import resolve_rules

    rules = resolve_rules(
        profiles,
        policy_file=policy_path,
        project_dir=None if no_policy_file else Path.cwd(),
        settings=flags,
    )
    role = "the policy file" if policy_path is not None else "the project's policy file"
    for path in rules.policy_files_read:
        note_read(role, path)
    if rules.policy_file is not None:
        _policy_files.append(rules.policy_file)
    for path in rules.watchlists:
        note_read("the watch list", path)
    return list(rules.policies), rules.fail_on, rules.warnings


def run_checks(
    input_path: Path,
    input_format: str,
    limits: ReadLimits,
    policies: list[Policy],
    extra_warnings: tuple[DataWarning, ...],
    targets: list[str],
    phases: Phases | None = None,
) -> CheckSet:
    """Read INPUT once (``ownership.read``, with the watch lists' warnings added) and check it under each
    policy (``ownership.api.check_rules``), each step a phase of ``phases`` (with its progress bar; none
    when not given)."""
    import threading
    from importlib import import_module

    from ownership.api import check_rules, read

    steps = phases or Phases(None)
    # The engine's imports (scipy above all) take a few tenths of a second; they run while the reader,
    # whose parsing happens in Arrow's own threads, reads the input.
    engine = threading.Thread(target=import_module, args=("ownership.pipeline",), daemon=True)
    engine.start()
    data = steps.run_measured(
        f"reading {input_path.name}",
        lambda report: read(input_path, input_format=input_format, limits=limits, progress=report),
    )
    engine.join()
    return check_rules(data, policies, targets, warnings=extra_warnings, step=steps.run)


def refuse_overwriting_input(output: Path | None, input_path: Path) -> None:
    """Record INPUT (and a folder's members) as read, and stop (exit 2) when ``-o`` is one of them."""
    from ownership.api import input_files
    from ownership.writers.output import OutputError

    note_read("the input", input_path)
    if input_path.is_dir():
        for member in input_files(input_path):
            note_read(f"a file of the input folder {input_path}", member)
    if output is None:
        return
    try:
        refuse_output_over_reads(output)
    except OutputError as exc:
        fail(exc.one_line())


def refuse_output_over_reads(output: Path | None) -> None:
    """Raise ``OutputError`` when ``output`` is a file the command has read (see ``note_read``)."""
    from ownership.writers.output import refuse_reads

    if output is not None:
        refuse_reads(output, _reads)


def write_atomically(path: Path, content: Content) -> None:
    """Write the output the user asked for (see ``ownership.writers.output.write_output``): through a
    temporary file and a rename for a regular file, directly into a device, FIFO or stream, never over a
    file the command reads.

    ``content`` is the text or bytes to write, or a function that writes the file at the path it is given
    (bulk reports stream their rows that way).

    Raises:
        OutputError: the output cannot be written there (the message names the path and the reason).
    """
    from ownership.writers.output import write_output

    with _clean_up_on_termination():
        write_output(path, content, reads=_reads)


@contextlib.contextmanager
def _clean_up_on_termination() -> Iterator[None]:
    """While a report is written: on SIGTERM or SIGHUP, delete its temporary file, then end as the signal
    would have (its exit status). Only around the write, so that a signal during the computation still ends
    the process at once (a Python handler waits for the interpreter to regain control)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    from ownership.writers.output import remove_partial_files

    def handler(signum: int, _frame: object) -> None:
        remove_partial_files()
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    numbers = [n for n in (getattr(signal, name, None) for name in ("SIGTERM", "SIGHUP")) if n is not None]
    before = {n: signal.getsignal(n) for n in numbers}
    for number in numbers:
        if before[number] == signal.SIG_DFL:
            signal.signal(number, handler)
    try:
        yield
    finally:
        for number, previous in before.items():
            if previous == signal.SIG_DFL:
                signal.signal(number, signal.SIG_DFL)
