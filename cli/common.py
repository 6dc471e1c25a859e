"""What the commands share: one-line errors, policy resolution with watch lists, atomic writes."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn, TypeVar

import typer

from cli.progress import Phases
from ownership.errors import DataWarning
from ownership.model import Policy, WatchEntry
from ownership.readers.tables import ReadLimits
from ownership.result import CheckSet, FailOn

T = TypeVar("T")


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
    profiles: list[str], policy_path: Path | None, flags: dict[str, object]
) -> tuple[list[Policy], FailOn, tuple[DataWarning, ...]]:
    """One resolved policy per named profile (or the file's / the default), with the watch lists read."""
    from ownership.policies import find_project_policy, load_policy_file, resolve
    from ownership.readers.watchlist import read_watchlist

    policy_file = load_policy_file(policy_path) if policy_path is not None else find_project_policy(Path.cwd())
    names: list[str | None] = list(dict.fromkeys(p.strip().casefold() for p in profiles)) or [None]
    resolved = [resolve(profile=name, policy_file=policy_file, flags=flags, as_of=None) for name in names]
    entries: list[WatchEntry] = []
    warnings: list[DataWarning] = []
    for path in dict.fromkeys(p for r in resolved for p in r.watchlists):
        found, found_warnings = read_watchlist(path, str(path))
        entries += found
        warnings += found_warnings
    policies = [r.policy.with_changes(watchlist=tuple(entries)) if entries else r.policy for r in resolved]
    fail_on = FailOn(resolved[0].fail_on) if resolved[0].fail_on else FailOn.FLAGGED
    return policies, fail_on, tuple(warnings)


def run_checks(
    input_path: Path,
    input_format: str,
    limits: ReadLimits,
    policies: list[Policy],
    extra_warnings: tuple[DataWarning, ...],
    targets: list[str],
    phases: Phases | None = None,
) -> CheckSet:
    """Read INPUT once (with the watch lists' warnings added) and check it under each policy, each step a
    phase of ``phases`` (with its progress bar; none when not given)."""
    import threading
    from dataclasses import replace
    from functools import partial
    from importlib import import_module

    from ownership.readers import read_input

    steps = phases or Phases(None)
    # The engine's imports (scipy above all) take a few tenths of a second; they run while the reader,
    # whose parsing happens in Arrow's own threads, reads the input.
    engine = threading.Thread(target=import_module, args=("ownership.check",), daemon=True)
    engine.start()
    data = steps.run(
        f"reading {input_path.name}",
        lambda: read_input(input_path, str(input_path), limits, input_format=input_format),
    )
    engine.join()
    from ownership.check import check

    if extra_warnings:
        data = replace(data, warnings=data.warnings + extra_warnings)
    results = []
    for k, policy in enumerate(policies, 1):
        name = "computing" if len(policies) == 1 else f"computing rule {policy.name} ({k}/{len(policies)})"
        results.append(steps.run(name, partial(check, data, policy, targets)))
    return CheckSet(tuple(results))


def refuse_overwriting_input(output: Path | None, input_path: Path) -> None:
    """Stop (exit 2) when ``-o`` names the input file itself."""
    if output is None or not (output.exists() and input_path.exists()):
        return
    if output.resolve() == input_path.resolve():
        fail(f"-o {output}: that is the input file; choose another name")


def write_atomically(path: Path, content: str | bytes | Callable[[Path], None]) -> None:
    """Write via a temporary file in the same folder and rename it, so a failed run never leaves half a file.

    ``content`` is the text or bytes to write, or a function that writes the file at the path it is given
    (bulk reports stream their rows that way).
    """
    directory = path.resolve().parent
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        if callable(content):
            os.close(fd)
            content(Path(temp))
        elif isinstance(content, bytes):
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(content)
        # mkstemp makes the file private (0600); a report is for sharing, so give it the usual umask mode.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
