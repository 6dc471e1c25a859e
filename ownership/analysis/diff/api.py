"""``ownership.diff``: what changed between two inputs (or two JSON reports of ``exposure check``), and why.

Percentages only here at the edge (``min_change=0.01`` is 0.01 percentage points, ``threshold=50`` is 50%);
the ``Diff`` holds fractions 0..1.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

from ownership.analysis.diff.compare import compare
from ownership.analysis.diff.model import Diff
from ownership.analysis.diff.snapshot import Snapshot, is_report, read_report
from ownership.errors import DataWarning, PolicyError
from ownership.model import OwnershipData, Policy

if TYPE_CHECKING:
    from ownership.api import ReadLimits
    from ownership.result import CheckResult

T = TypeVar("T")


class Runner(Protocol):
    """Runs a step of the work, given what it does in words (the CLI draws a progress bar)."""

    def __call__(self, words: str, work: Callable[[], T], /) -> T: ...


#: What one side of a diff may be: data read already, a check, or a path (an input or a JSON report).
Source = OwnershipData | str | os.PathLike[str]


@dataclass(frozen=True)
class Sides:
    """The two checks a diff compares, as the CLI renders them.

    Attributes:
        diff: the comparison.
        old, new: each side's check, or its snapshot when it was read from a JSON report.
    """

    diff: Diff
    old: CheckResult | Snapshot
    new: CheckResult | Snapshot


def diff(
    old: Source | CheckResult,
    new: Source | CheckResult,
    *,
    profile: str | None = None,
    policy_file: str | os.PathLike[str] | None = None,
    targets: Sequence[str] = (),
    min_change: float = 0.01,
    input_format: str = "auto",
    **settings: object,
) -> Diff:
    """Compare two checks of an ownership structure: statuses that changed, figures that moved, entities
    added or removed, and for each change the holdings and countries upstream that cause it.

    Args:
        old, new: what ``ownership.read`` returned, a check (``ownership.check``), or a path: any input
            ``exposure check`` reads (both read with ``input_format`` and checked under the same rule), or a
            JSON report written by ``exposure check --format json`` (which keeps its own rule; the diff's
            ``policy_differences`` say where the two rules differ, and it has no causes, since a report
            holds no holdings).
        profile, policy_file, **settings: the rule, as ``ownership.check`` takes it (settings by their
            policy-file names, percentages in percent: ``threshold=50``).
        targets: entity ids or unique names that decide ``Diff.exit_code()`` (as ``--entity``); all when empty.
        min_change: the smallest move of a figure bound that counts, in percentage points (default 0.01).
        input_format: the reader for paths that are not JSON reports ("auto" detects it).

    Returns:
        The ``Diff`` (fractions 0..1): ``changes``, ``added``, ``removed``, ``summary``, ``failing(fail_on)``
        and ``exit_code(fail_on)``.

    Raises:
        PolicyError: a bad setting, a negative ``min_change``, or a target on neither side.
        InputError: a path cannot be read (naming the file, sheet, row and column).
    """
    from ownership.api import resolve_rules

    rules = resolve_rules(
        [profile] if profile is not None else [],
        policy_file=policy_file,
        settings=settings,
        setting_origin=lambda key: f"diff({key}=)",
    )
    return diff_sides(
        old,
        new,
        rules.policies[0],
        targets=targets,
        min_change=min_change,
        input_format=input_format,
        warnings=rules.warnings,
    ).diff


def diff_sides(
    old: Source | CheckResult,
    new: Source | CheckResult,
    policy: Policy,
    *,
    targets: Sequence[str] = (),
    min_change: float = 0.01,
    input_format: str = "auto",
    limits: ReadLimits | None = None,
    warnings: tuple[DataWarning, ...] = (),
    step: Runner | None = None,
) -> Sides:
    """``diff`` with the rule resolved already (what the CLI calls): each side read (or loaded from its
    JSON report) and checked under ``policy``, then compared; ``min_change`` in percentage points.

    Raises:
        PolicyError: a negative ``min_change``, or a target on neither side.
        InputError: a path cannot be read.
    """
    if not min_change >= 0:
        raise PolicyError(f"--min-change {min_change:g}: give a number of percentage points, 0 or more")

    def run(words: str, work: Callable[[], T]) -> T:
        return work() if step is None else step(words, work)

    sides: list[tuple[CheckResult | Snapshot, OwnershipData | None]] = []
    for source, which in ((old, "old"), (new, "new")):
        sides.append(_side(source, which, policy, input_format, limits, warnings, run))
    (a, a_data), (b, b_data) = sides
    found = run(
        "comparing",
        lambda: compare(a, b, min_change=min_change / 100.0, entities=list(targets), old_data=a_data, new_data=b_data),
    )
    notes: list[str] = []
    reports = [s for s, _ in sides if isinstance(s, Snapshot)]
    if reports:
        named = " and ".join(s.label for s in reports)
        notes.append(
            f"{named} {'is a JSON report' if len(reports) == 1 else 'are JSON reports'}: "
            f"{'its' if len(reports) == 1 else 'each'} own rule applies there, not the options given"
        )
    return Sides(replace(found, notes=found.notes + tuple(notes)), a, b)


def _side(
    source: Source | CheckResult,
    which: str,
    policy: Policy,
    input_format: str,
    limits: ReadLimits | None,
    warnings: tuple[DataWarning, ...],
    run: Runner,
) -> tuple[CheckResult | Snapshot, OwnershipData | None]:
    from ownership.api import read
    from ownership.result import CheckResult

    if isinstance(source, CheckResult):
        return source, None
    if isinstance(source, OwnershipData):
        data = source
    else:
        path = Path(source)
        if is_report(path):
            return run(f"reading the {which} report {path.name}", lambda: read_report(path, str(source))), None
        data = run(
            f"reading {path.name}",
            lambda: (
                read(source, input_format=input_format, limits=limits)
                if limits is not None
                else read(source, input_format=input_format)
            ),
        )
    return run(f"checking the {which} input", lambda: _check(data, policy, warnings)), data


def _check(data: OwnershipData, policy: Policy, warnings: tuple[DataWarning, ...]) -> CheckResult:
    from ownership.api import check_rules

    return check_rules(data, [policy], (), warnings=warnings).primary
