"""The terminal table of a large input: counts per status and the top entities, built from the figure columns
without building every entity's verdict.

The input is the benchmark's registry generator at 4,000 entities (bands, unknown countries, cross-holdings),
written to a folder once per module. Each CLI run is spied on: the CheckResult it rendered is captured from
``ownership.pipeline.check`` and every verdict it built is counted, so the table is compared with that very
result.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.generate import registry, write_folder  # noqa: E402
from cli.render import MAX_ROWS, TOP_ROWS, top_flagged  # noqa: E402
from ownership import pipeline as check_module  # noqa: E402
from ownership.model import Method  # noqa: E402
from ownership.result import STATUSES, CheckResult, CheckSet, Figures, Status  # noqa: E402

ENTITIES = 4_000

#: One row of the counts table: status, entities, share.
COUNT_ROW = re.compile(r"^│ (home|flagged|possible|clear)\s+│\s+([\d,]+) │\s+[\d.]+% │")
#: The first line of one entity row of the six-column verdict table: status, entity id.
ENTITY_ROW = re.compile(r"^│ (home|flagged|possible|clear)\s+│ ([^│]*?)\s*│(?:[^│]*│){4}$")


@pytest.fixture(scope="module")
def big_registry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_folder(registry(ENTITIES, 2 * ENTITIES, seed=1), tmp_path_factory.mktemp("registry") / "reg")


class Spy:
    """What one run checked (each CheckResult) and which verdicts it built (entity indices, per result)."""

    def __init__(self) -> None:
        self.results: list[CheckResult] = []
        self.built: list[tuple[int, int]] = []  # (id of the Verdicts object, entity index)


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Iterator[Spy]:
    found = Spy()
    real_check = check_module.check
    real_verdict = check_module.ExplainedVerdicts.verdict

    def check(*args: Any, **kwargs: Any) -> CheckResult:
        result = real_check(*args, **kwargs)
        found.results.append(result)
        return result

    def verdict(self: check_module.ExplainedVerdicts, i: int) -> Any:
        found.built.append((id(self), i))
        return real_verdict(self, i)

    monkeypatch.setattr(check_module, "check", check)
    monkeypatch.setattr(check_module.ExplainedVerdicts, "verdict", verdict)
    # Wide enough that no entity id is folded over two lines.
    monkeypatch.setenv("COLUMNS", "220")
    yield found


def _counts(stdout: str) -> dict[str, int]:
    return {m[1]: int(m[2].replace(",", "")) for line in stdout.splitlines() if (m := COUNT_ROW.match(line))}


def _shown(stdout: str) -> list[tuple[str, str]]:
    return [(m[1], m[2]) for line in stdout.splitlines() if (m := ENTITY_ROW.match(line))]


def _expected_top(result: CheckResult, method: str) -> list[str]:
    """The top flagged entities by the deciding figure's low bound, sorted in plain Python over every entity
    (then possible ones by the high bound, if fewer than TOP_ROWS are flagged)."""
    f = result.figures

    def figure(i: int, high: bool) -> float:
        cascade = float(f.cascade_high[i] if high else f.cascade_low[i])
        lookthrough = float(f.lookthrough_high[i] if high else f.lookthrough_low[i])
        return {"cascade": cascade, "lookthrough": lookthrough, "either": max(cascade, lookthrough)}[method]

    picked: list[int] = []
    for status, high in ((Status.FLAGGED, False), (Status.POSSIBLE, True)):
        candidates = [i for i in range(len(f.status)) if f.decides[i] and f.statuses(i) is status]
        picked += sorted(candidates, key=lambda i: (-figure(i, high), i))
    ids = result.verdicts.entities.ids
    return [ids[i] for i in picked[:TOP_ROWS]]


@pytest.mark.parametrize("method", ["cascade", "lookthrough", "either"])
def test_large_table_shows_counts_and_top_flagged(big_registry: Path, spy: Spy, cli: Any, method: str) -> None:
    # --wide: the boxed table these patterns parse (the fitted one is tested in test_sheet_shapes_cli.py).
    result = cli.run("check", big_registry, "-j", "CN", "--method", method, "--wide")
    assert result.exit_code == 1, result.stderr
    [checked] = spy.results
    assert len(checked.verdicts) == ENTITIES > MAX_ROWS

    counts = checked.counts()
    assert _counts(result.stdout) == {s.value: counts[s] for s in Status}
    assert counts[Status.FLAGGED] > TOP_ROWS  # so the top list is a real choice among flagged entities

    shown = _shown(result.stdout)
    assert [status for status, _ in shown] == ["flagged"] * TOP_ROWS
    assert [entity for _, entity in shown] == _expected_top(checked, method)
    assert f"... and {ENTITIES - TOP_ROWS:,} more entities not listed" in result.stdout
    assert "-o report.csv or -o report.parquet" in result.stdout

    built = {i for _, i in spy.built}
    assert len(built) == TOP_ROWS, "only the shown rows' verdicts are built"


def test_large_table_with_named_entities_lists_them(big_registry: Path, spy: Spy, cli: Any) -> None:
    named = ["C0000001", "C0000002", "C0000003"]
    args = [a for entity in named for a in ("--entity", entity)]
    result = cli.run("check", big_registry, "-j", "CN", *args, "--wide")
    assert result.exit_code in (0, 1), result.stderr
    [checked] = spy.results
    assert sorted(entity for _, entity in _shown(result.stdout)) == named
    assert {checked.verdicts.entities.ids[i] for _, i in spy.built} == set(named)
    assert "named" in result.stdout


def test_large_comparison_orders_with_the_columns(big_registry: Path, spy: Spy, cli: Any) -> None:
    # uk assesses each home party alone, default adds them together: they disagree on a few entities.
    result = cli.run("check", big_registry, "-j", "CN", "--profile", "uk", "--profile", "default")
    assert result.exit_code == 1, result.stderr
    checks = CheckSet(tuple(spy.results))
    primary = checks.primary
    differ = set(checks.disagreements())
    assert 0 < len(differ) < TOP_ROWS, "the order below should be tested across the disagreement boundary"
    # The order the table had when it sorted verdict objects: disagreements, deciding, severity, input order.
    expected = sorted(
        range(len(primary.verdicts)),
        key=lambda i: (i not in differ, not primary.figures.decides[i], primary.figures.statuses(i).rank),
    )[:TOP_ROWS]
    ids = primary.verdicts.entities.ids
    rows = re.findall(r"^│ (\S+)\s+│[^│]+│ +(?:home|flagged|possible|clear) │", result.stdout, re.MULTILINE)
    assert rows == [ids[i] for i in expected]
    agree = re.findall(r"│ +(yes|no) +│$", result.stdout, re.MULTILINE)
    assert agree == ["no"] * len(differ) + ["yes"] * (TOP_ROWS - len(differ))

    shown_counts = {
        m[1]: (int(m[2].replace(",", "")), int(m[3].replace(",", "")))
        for m in re.finditer(r"^│ (home|flagged|possible|clear)\s+│\s+([\d,]+) │\s+([\d,]+) │$", result.stdout, re.M)
    }
    uk, default = (r.counts() for r in checks.results)
    assert shown_counts == {s.value: (uk[s], default[s]) for s in Status}
    assert len({i for _, i in spy.built}) == TOP_ROWS
    assert f"... and {ENTITIES - TOP_ROWS:,} more entities not listed" in result.stdout


def test_small_inputs_keep_the_full_table(spy: Spy, cli: Any) -> None:
    result = cli.run("check", cli.cap_table, "-j", "CN", "--wide")
    [checked] = spy.results
    assert 0 < len(checked.verdicts) <= MAX_ROWS
    assert {entity for _, entity in _shown(result.stdout)} == set(checked.verdicts.entities.ids)
    assert "more entities not listed" not in result.stdout
    assert not _counts(result.stdout)  # no counts table


def _figures(status: list[Status], cascade: list[float], lookthrough: list[float]) -> Figures:
    codes = np.array([STATUSES.index(s) for s in status], dtype=np.int8)
    c, lt = np.array(cascade), np.array(lookthrough)
    return Figures(codes, c, np.minimum(c + 0.2, 1.0), lt, np.minimum(lt + 0.3, 1.0), np.ones(len(status), bool))


F, P, H, C = Status.FLAGGED, Status.POSSIBLE, Status.HOME, Status.CLEAR


@pytest.mark.parametrize(
    ("method", "limit", "expected"),
    [
        # flagged by cascade low: 0.9 (index 3), then the two at 0.6 in input order (1, 5); home (0) is only counted
        (Method.CASCADE, 3, [3, 1, 5]),
        # room left after the flagged ones: possible by cascade high, 0.45+0.2 (4) before 0.3+0.2 (6)
        (Method.CASCADE, 5, [3, 1, 5, 4, 6]),
        # look-through low: 0.55 (5), 0.52 (1), 0.51 (3); then possible by look-through high 0.3+0.3 (6), 0.2+0.3 (4)
        (Method.LOOKTHROUGH, 5, [5, 1, 3, 6, 4]),
        # either: max(cascade, look-through) lows 0.9 (3), 0.6 (1), 0.6 (5)
        (Method.EITHER, 2, [3, 1]),
    ],
)
def test_top_flagged_worked_example(method: Method, limit: int, expected: list[int]) -> None:
    figures = _figures(
        [H, F, C, F, P, F, P],
        cascade=[1.0, 0.6, 0.1, 0.9, 0.45, 0.6, 0.3],
        lookthrough=[1.0, 0.52, 0.1, 0.51, 0.2, 0.55, 0.3],
    )
    assert top_flagged(figures, method, limit).tolist() == expected


def test_top_flagged_skips_entities_that_do_not_decide() -> None:
    figures = _figures([F, F, F], cascade=[0.7, 0.9, 0.8], lookthrough=[0.7, 0.9, 0.8])
    figures.decides[1] = False
    assert top_flagged(figures, Method.CASCADE, 5).tolist() == [2, 0]
