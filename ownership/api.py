"""The public Python API: read an input, check it under a rule, explain one entity.

What the ``exposure`` command does, callable from a notebook or a pipeline, with the same readers, the same
settings (by their policy-file names) and the same errors (``InputError`` and ``PolicyError``, which name
the file, sheet, row and column where they apply)::

    import ownership

    data = ownership.read("cap_table.xlsx")
    result = ownership.check(data, jurisdictions=["CN"], profile="ofac", threshold=50)
    result.to_frame()                           # one row per entity, figures in percent
    print(ownership.explain(result, "HELIO-SG"))

Percentages appear only here at the edge (``threshold=50`` is 50%); results hold fractions 0..1, and their
tables (``to_frame``) percentages, as the reports do. The command line calls these functions too.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ownership.errors import DataWarning, PolicyError
from ownership.model import OwnershipData, Policy, WatchEntry
from ownership.readers.cells.raw import DEFAULT_LIMITS, ReadLayout, ReadLimits

if TYPE_CHECKING:
    import pandas as pd

    from ownership.policy.files import PolicyFile
    from ownership.result import CheckResult, CheckSet, EntityVerdict, FailOn

T = TypeVar("T")

#: The unit of ``max_input_mb``: a megabyte of 1,048,576 bytes.
MB = 1024 * 1024

#: A run step: given what it does in words and the work, it does the work (the CLI draws a progress bar).
Step = Callable[[str, Callable[[], T]], T]


# ----------------------------------------------------------------------------------------------- reading


def read_limits(
    *,
    max_rows: int | None = None,
    max_input_mb: int | None = None,
    subject: str | None = None,
    columns: Mapping[str, str] | Iterable[str] | Iterable[tuple[str, str]] = (),
    lenient: bool = False,
) -> ReadLimits:
    """The reader's caps and layout from the input options (``--max-rows``, ``--max-input-mb``,
    ``--subject``, ``--columns``, ``--lenient``).

    Args:
        max_rows: the most rows a sheet or file may have (default 10,000,000).
        max_input_mb: the largest input, in MB of 1,048,576 bytes (default 2048).
        subject: the company a register of members (a holdings sheet with no subject column) is about.
        columns: which header holds which field: ``{"holder_country": "Country of residence"}``, or
            ``"FIELD=HEADER"`` texts as ``--columns`` takes them, or (field, header) pairs; the field
            ``ignore`` says a column is read by nobody, on purpose.
        lenient: columns and sheets that look like data but are not read are warnings instead of errors.

    Raises:
        PolicyError: a column mapping without a header, or a field exposure does not know.
    """
    layout = ReadLayout(subject=(subject or "").strip() or None, columns=parse_columns(columns), lenient=lenient)
    return ReadLimits(
        max_bytes=DEFAULT_LIMITS.max_bytes if max_input_mb is None else max_input_mb * MB,
        max_rows=DEFAULT_LIMITS.max_rows if max_rows is None else max_rows,
        layout=layout,
    )


def parse_columns(
    values: Mapping[str, str] | Iterable[str] | Iterable[tuple[str, str]],
) -> tuple[tuple[str, str], ...]:
    """Column mappings as (field, header) pairs; see ``read_limits``.

    Raises:
        PolicyError: a value without '=', or a field exposure does not know (named as ``--columns`` names it).
    """
    from ownership.readers.cells.columns import known_fields, mapping_field

    if isinstance(values, Mapping):
        texts = [f"{field}={header}" for field, header in values.items()]
    else:
        texts = [v if isinstance(v, str) else f"{v[0]}={v[1]}" for v in values]
    pairs: list[tuple[str, str]] = []
    known = set(known_fields())
    for value in texts:
        name, sep, header = value.partition("=")
        header = header.strip().strip('"').strip("'").strip()
        if not sep or not name.strip() or not header:
            raise PolicyError(f"--columns '{value}': write FIELD=HEADER, e.g. holder_country=\"Country\"")
        field = mapping_field(name)
        if field not in known and name.strip() not in known:
            raise PolicyError(
                f"--columns '{value}': '{name.strip()}' is not a field; use one of {', '.join(sorted(known))}"
            )
        pairs.append((field, header))
    return tuple(pairs)


def read(
    path: str | os.PathLike[str],
    *,
    input_format: str = "auto",
    max_rows: int | None = None,
    max_input_mb: int | None = None,
    columns: Mapping[str, str] | Iterable[str] | Iterable[tuple[str, str]] = (),
    subject: str | None = None,
    lenient: bool = False,
    limits: ReadLimits | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> OwnershipData:
    """Read ownership data from any supported input, detected from its content as ``exposure check`` does.

    Args:
        path: a workbook (.xlsx), a holdings CSV, a folder holding ``entities.csv`` and ``holdings.csv``, or
            a BODS, GLEIF, UK PSC, FollowTheMoney or China A-share file (or a GLEIF or UK PSC folder).
        input_format: "auto" (detect) or a reader's name: "workbook", "csv", "folder", "bods", "gleif",
            "uk-psc", "ftm", "ashare" (``--input-format``).
        max_rows, max_input_mb, columns, subject, lenient: as ``read_limits`` takes them (the CLI's options
            of the same names).
        limits: the caps and layout ready-made (as ``read_limits`` returns them), instead of the five
            keywords above.
        progress: told ``(done, total, unit)`` as the read advances, from the reading thread: ``done`` of
            ``total`` bytes of the input (a folder's files together), only ever growing, ending at
            ``total`` when the read succeeds (see ``ownership.readers.progress``).

    Returns:
        The entities, the holdings (stakes as fractions 0..1) and the reader's warnings.

    Raises:
        InputError: the input is missing, unreadable, of no known format, or invalid; the message names the
            file, sheet, row and column.
        PolicyError: an unknown input format, a bad column mapping, or ``limits`` given with the keywords.
    """
    from ownership import readers

    if limits is None:
        limits = read_limits(
            max_rows=max_rows, max_input_mb=max_input_mb, subject=subject, columns=columns, lenient=lenient
        )
    elif max_rows is not None or max_input_mb is not None or columns or subject is not None or lenient:
        raise PolicyError("give either limits or max_rows, max_input_mb, columns, subject and lenient, not both")
    if input_format not in readers.INPUT_FORMATS:
        raise PolicyError(f"input_format '{input_format}': use one of {', '.join(readers.INPUT_FORMATS)}")
    if progress is None:
        # Looked up on the package at each call, so that a test can stand in for the reader.
        return readers.read_input(Path(path), str(path), limits, input_format=input_format)
    from ownership.readers.progress import measuring

    with measuring(progress, _input_bytes(path)) as meter:
        data = readers.read_input(Path(path), str(path), limits, input_format=input_format)
        if meter is not None:
            meter.finish()
    return data


def _input_bytes(path: str | os.PathLike[str]) -> int:
    """The size of what reading ``path`` reads, in bytes (0 where it cannot be told: the read says why)."""
    import contextlib

    total = 0
    for file in input_files(path):
        with contextlib.suppress(OSError):
            total += file.stat().st_size
    return total


def input_files(path: str | os.PathLike[str]) -> list[Path]:
    """The files reading ``path`` reads: the members of a folder input (``entities.csv`` and ``holdings.csv``,
    or a GLEIF or UK PSC dataset's files), or the input itself when it is a file. When the folder is of no
    known format yet, every data file in it, since the read may take any of them; nothing raises here, the
    read itself says what is wrong."""
    from ownership.errors import ExposureError
    from ownership.readers.detect import data_files, detect, find_file

    folder = Path(path)
    if not folder.is_dir():
        return [folder]
    try:
        found = detect(folder, str(path))
    except (ExposureError, OSError):
        try:
            return data_files(folder)
        except OSError:
            return []
    if found.format == "folder":
        return [p for p in (find_file(folder, n) for n in ("entities.csv", "holdings.csv")) if p is not None]
    return list(found.files)


def data_in_force(data: OwnershipData, as_of: date) -> tuple[OwnershipData, int]:
    """The data with only the holdings in force on ``as_of`` (dates inclusive), each one left out named in an
    ``out_of_date`` warning, and how many were left out: the decision ``check`` makes, for ``convert``."""
    from ownership.prepare import in_force

    return in_force.data_in_force(data, as_of)


def from_frames(
    entities: pd.DataFrame | None,
    holdings: pd.DataFrame,
    *,
    name: str = "frames",
    columns: Mapping[str, str] | Iterable[str] | Iterable[tuple[str, str]] = (),
    subject: str | None = None,
    lenient: bool = False,
) -> OwnershipData:
    """Ownership data from two pandas DataFrames with the canonical workbook's columns and their aliases.

    A frame is read as the sheet it would be written as (``to_csv(index=False)``): the header is row 1 and
    ``frame.iloc[k]`` is row k + 2, columns A, B, C... in order; errors name "<name> holdings" or
    "<name> entities" with that row and column.

    Args:
        entities: the Entities table (``id``, ``name``, ``type``, ``jurisdiction``, ``headquarters``...), or
            None when the holdings give the parties' countries (``holder_jurisdiction``...) or none.
        holdings: the Holdings table (``holder``, ``subject``, ``percent`` and/or ``shares``...). Percent
            cells are percentage points (50 is 50%) or text (``"50%"``, ``"25-50"``, ``">50%"``).
        name: how messages and the result's ``source.path`` name the input.
        columns, subject, lenient: as ``read`` takes them.

    Raises:
        InputError: a header or a cell cannot be read (with the frame, row and column).
        PolicyError: a bad column mapping.
        TypeError: ``entities`` or ``holdings`` is not a DataFrame.
    """
    from ownership.readers.frames import read_frames

    limits = read_limits(subject=subject, columns=columns, lenient=lenient)
    return read_frames(entities, holdings, name, limits)


# ----------------------------------------------------------------------------------------------- the rules


@dataclass(frozen=True)
class Rules:
    """The rules a check applies, resolved from profiles, a policy file and the settings given, and the
    files read to resolve them (which the CLI must never write over).

    Attributes:
        policies: one resolved policy per profile named (the policy file's or the default one when none),
            thresholds as fractions 0..1, each with its watch-list entries.
        fail_on: what makes the exit code 1.
        warnings: what reading the watch lists noticed.
        policy_file: the policy file applied, if any.
        policy_files_read: the policy files read to find it (``--policy``, or the project's
            ``exposure.toml`` / ``pyproject.toml``), in the order read.
        watchlists: the watch-list files read, in the order read.
    """

    policies: tuple[Policy, ...]
    fail_on: FailOn
    warnings: tuple[DataWarning, ...]
    policy_file: PolicyFile | None
    policy_files_read: tuple[Path, ...]
    watchlists: tuple[Path, ...]


def resolve_rules(
    profiles: Sequence[str] = (),
    *,
    policy_file: str | os.PathLike[str] | None = None,
    project_dir: Path | None = None,
    settings: Mapping[str, object] | None = None,
    setting_origin: Callable[[str], str] | None = None,
) -> Rules:
    """Resolve the rules to apply, lowest precedence first: built-in defaults, the profile (for the as-of
    date), the policy file, the settings given; then read the watch lists they name.

    Args:
        profiles: the profiles named (``--profile``); several are checked side by side. None named: the
            policy file's ``profile``, else "default".
        policy_file: a TOML policy file (``--policy``); read whatever ``project_dir`` says.
        project_dir: when no ``policy_file`` is given, the folder whose ``exposure.toml`` (or
            ``[tool.exposure]`` in ``pyproject.toml``) applies, as the CLI's working directory; None for none.
        settings: the settings given, by their policy-file names, TOML-level values (``threshold`` in
            percent, ``jurisdictions`` as codes or names); None values mean "not given".
        setting_origin: how ``policy.origins`` names a setting given here (default: the CLI flag's name).

    Raises:
        PolicyError: an unknown profile, setting or value (with the closest known name), or an invalid
            policy file (naming the file and key).
        InputError: a watch list cannot be read.
    """
    from ownership.policy import find_project_policy, load_policy_file, resolve
    from ownership.policy.files import project_policy_files
    from ownership.readers.watchlist import read_watchlist
    from ownership.result import FailOn

    given = dict(settings or {})
    files_read: list[Path] = []
    chosen_file: PolicyFile | None = None
    if policy_file is not None:
        files_read.append(Path(policy_file))
        chosen_file = load_policy_file(Path(policy_file))
    elif project_dir is not None:
        files_read += project_policy_files(project_dir)
        chosen_file = find_project_policy(project_dir)
    names: list[str | None] = list(dict.fromkeys(p.strip().casefold() for p in profiles)) or [None]
    resolved = [resolve(profile=name, policy_file=chosen_file, flags=given, as_of=None) for name in names]
    watchlists = tuple(dict.fromkeys(p for r in resolved for p in r.watchlists))
    entries: list[WatchEntry] = []
    warnings: list[DataWarning] = []
    for path in watchlists:
        found, found_warnings = read_watchlist(path, str(path))
        entries += found
        warnings += found_warnings
    policies = tuple(r.policy.with_changes(watchlist=tuple(entries)) if entries else r.policy for r in resolved)
    if setting_origin is not None:
        named = {key for key, value in given.items() if value is not None}
        policies = tuple(_renamed_origins(p, named, setting_origin) for p in policies)
    fail_on = FailOn(resolved[0].fail_on) if resolved[0].fail_on else FailOn.FLAGGED
    return Rules(policies, fail_on, tuple(warnings), chosen_file, tuple(files_read), watchlists)


def _renamed_origins(policy: Policy, named: set[str], origin: Callable[[str], str]) -> Policy:
    origins = {key: origin(key) if key in named else label for key, label in policy.origins.items()}
    return policy.with_changes(origins=origins)


def check_rules(
    data: OwnershipData,
    policies: Sequence[Policy],
    targets: Sequence[str] = (),
    *,
    warnings: tuple[DataWarning, ...] = (),
    fail_on: FailOn | None = None,
    step: Step[CheckResult] | None = None,
) -> CheckSet:
    """Check ``data`` under each policy, side by side.

    Args:
        targets: entity ids or unique names that decide the exit code; all entities when empty.
        warnings: warnings to report with the data's own (the watch lists').
        fail_on: what makes each result's ``exit_code()`` 1 (default: flagged).
        step: runs each check, given what it does in words ("computing", "computing rule uk (2/2)").

    Raises:
        InputError: the data cannot be evaluated under a policy (over-allocated stakes not allowed).
        PolicyError: nothing to watch, or a target that is no entity.
    """
    # Looked up on the module at each call, so that a test can stand in for the engine.
    import ownership.pipeline as pipeline

    if warnings:
        data = replace(data, warnings=data.warnings + warnings)
    results = []
    for k, policy in enumerate(policies, 1):
        words = "computing" if len(policies) == 1 else f"computing rule {policy.name} ({k}/{len(policies)})"

        def work(policy: Policy = policy) -> CheckResult:
            return pipeline.check(data, policy, targets)

        result = work() if step is None else step(words, work)
        results.append(result if fail_on is None else replace(result, fail_on=fail_on))
    from ownership.result import CheckSet

    return CheckSet(tuple(results))


# ----------------------------------------------------------------------------------------------- checking


def check(
    data: OwnershipData | str | os.PathLike[str],
    *,
    profile: str | None = None,
    policy_file: str | os.PathLike[str] | None = None,
    targets: Sequence[str] = (),
    **settings: object,
) -> CheckResult:
    """Check every entity of ``data``: is it owned beyond the threshold by the watched jurisdictions?

    Args:
        data: what ``read`` or ``from_frames`` returned, or a path to read with ``read``'s defaults.
        profile: a named rule ("default", "ofac", "bis", "eu", "uk", "amlr"); None: the policy file's, else
            "default".
        policy_file: a TOML policy file (as ``--policy``); the working directory's ``exposure.toml`` is not
            read unless named here.
        targets: entity ids or unique names that alone decide ``exit_code()`` (as ``--entity``).
        **settings: the settings of ``exposure check`` by their policy-file names: ``jurisdictions``
            (codes or names), ``threshold`` and ``pass_through`` (in percent: 50 is 50%), ``comparison``,
            ``pass_through_comparison``, ``method``, ``home``, ``aggregate``, ``weights``, ``control``,
            ``allow_overallocation``, ``unrecorded_holders``, ``label_order``, ``as_of`` (a date or
            "YYYY-MM-DD"), ``watchlists`` (paths), ``fail_on``. They win over the profile and the file.

    Returns:
        The result: ``entities`` (a verdict per entity, figures as fractions 0..1), ``summary``,
        ``warnings``, ``to_frame()``, ``exit_code()``; ``policy.origins`` says where each setting came from.

    Raises:
        PolicyError: an unknown setting, profile or value (naming it, with the closest known one), nothing
            to watch, or a target that is no entity.
        InputError: ``data`` is a path that cannot be read, or a watch list cannot be.
    """
    if not isinstance(data, OwnershipData):
        data = read(data)
    rules = resolve_rules(
        [profile] if profile is not None else [],
        policy_file=policy_file,
        settings=settings,
        setting_origin=lambda key: f"check({key}=)",
    )
    return check_rules(data, rules.policies, targets, warnings=rules.warnings, fail_on=rules.fail_on).primary


# ----------------------------------------------------------------------------------------------- explaining


@dataclass(frozen=True)
class Explanation:
    """Why one entity has its status: ``str()`` is the text ``exposure explain`` prints (a tree: the rule
    in plain words, the cascade step by step, the largest look-through chains, what would settle it).

    Attributes:
        result: the check the entity belongs to.
        verdict: the entity's verdict, with its derivation and chains.
    """

    result: CheckResult
    verdict: EntityVerdict

    def text(self, width: int = 80) -> str:
        """The explanation as plain text with lines wrapped at ``width`` characters (no final newline)."""
        from ownership.reports.explanation import explanation_text

        return explanation_text(self.result, self.verdict, width).removesuffix("\n")

    def __str__(self) -> str:
        return self.text()

    def to_dict(self) -> dict[str, Any]:
        """The explanation as data: the document ``exposure explain --format json`` writes."""
        from ownership.reports.explanation import explanation_document

        return explanation_document(self.result, self.verdict)

    def to_markdown(self) -> str:
        """The explanation as Markdown (``exposure explain --format markdown``)."""
        from ownership.reports.explanation import render_explanation_markdown

        return render_explanation_markdown(self.result, self.verdict)


def explain(result: CheckResult, entity: str) -> Explanation:
    """Explain why ``entity`` (an id, or a unique name) has its status in ``result``.

    Raises:
        PolicyError: no entity of ``result`` has that id or name, or the name is not unique.
    """
    from ownership.pipeline import ExplainedVerdicts, resolve_targets

    table = OwnershipData(result.verdicts.entities, (), result.source)
    try:
        (found,) = resolve_targets(table, [entity])
    except PolicyError as exc:
        raise PolicyError(exc.reason.replace("--entity ", "entity ", 1), exc.where) from None
    verdicts = result.verdicts
    i = verdicts.entities.position[found]
    if isinstance(verdicts, ExplainedVerdicts) and not verdicts.detailed[i]:
        # Past the check's explain limit the verdict has figures and reasons but no derivation or chains:
        # they are worked out now, for this entity alone.
        f = verdicts.figures
        return Explanation(result, verdicts.explainer.verdict(i, f.statuses(i), bool(f.decides[i]), True))
    return Explanation(result, verdicts[i])


__all__ = [
    "Explanation",
    "ReadLimits",
    "Rules",
    "check",
    "check_rules",
    "data_in_force",
    "explain",
    "from_frames",
    "input_files",
    "parse_columns",
    "read",
    "read_limits",
    "resolve_rules",
]
