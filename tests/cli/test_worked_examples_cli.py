"""The worked examples of docs/rules.md section 4, end to end through ``exposure check ... --format json``.

Each case is written once as a single holdings CSV (countries in holder_jurisdiction / subject_jurisdiction)
and once as a canonical workbook, then checked with -j CN. The home entities are in CN; everything else is in
GB or US, and every subject's stakes sum to 100% (outside holders U1, U2... in US) so that the figures are exact
(low == high) unless the case is about an unallocated remainder.

Figures are percentages 0..100, compared with an absolute tolerance of 1e-6.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

#: Per entity: (cascade low, cascade high, look-through low, look-through high); None where not asserted.
Figures = tuple[float | None, float | None, float | None, float | None]


@dataclass(frozen=True)
class Run:
    """One invocation of the case's input: extra options, and what must come out."""

    options: tuple[str, ...]
    exit_code: int
    statuses: dict[str, str]
    figures: dict[str, Figures] = field(default_factory=dict)


@dataclass(frozen=True)
class Case:
    countries: dict[str, str]
    rows: tuple[tuple[str, str, object], ...]
    runs: tuple[Run, ...]


def exact(cascade: float, lookthrough: float) -> Figures:
    return (cascade, cascade, lookthrough, lookthrough)


CASES: dict[str, Case] = {
    # X -50-> A, A -50-> B: cascade A 50%, B 50% at >= 50%; neither at > 50% (A does not pass through, so B's
    # cascade figure is 0); look-through B 25%.
    "ofac_401_ex1": Case(
        countries={"X": "CN", "A": "GB", "B": "GB", "U1": "US", "U2": "US"},
        rows=(("X", "A", 50), ("U1", "A", 50), ("A", "B", 50), ("U2", "B", 50)),
        runs=(
            Run(
                ("--comparison", "ge"),
                1,
                {"X": "home", "A": "flagged", "B": "flagged", "U1": "clear", "U2": "clear"},
                {"X": exact(100, 100), "A": exact(50, 50), "B": exact(50, 25), "U1": exact(0, 0)},
            ),
            Run(("--comparison", "ge", "--entity", "B"), 1, {"B": "flagged"}),
            Run(
                ("--comparison", "gt"),
                1,  # X itself is a home entity
                {"X": "home", "A": "clear", "B": "clear"},
                {"A": exact(50, 50), "B": exact(0, 25)},
            ),
            Run(("--comparison", "gt", "--entity", "A", "--entity", "B"), 0, {"A": "clear", "B": "clear"}),
        ),
    ),
    # X -50-> A, X -50-> B, A -25-> C, B -25-> C: cascade C 50% (caught at >= 50%); look-through C 25%.
    "ofac_401_ex2": Case(
        countries={"X": "CN", "A": "GB", "B": "GB", "C": "GB", "U1": "US", "U2": "US", "U3": "US"},
        rows=(
            ("X", "A", 50),
            ("U1", "A", 50),
            ("X", "B", 50),
            ("U2", "B", 50),
            ("A", "C", 25),
            ("B", "C", 25),
            ("U3", "C", 50),
        ),
        runs=(
            Run(
                ("--comparison", "ge", "--entity", "C"),
                1,
                {"A": "flagged", "B": "flagged", "C": "flagged"},
                {"A": exact(50, 50), "B": exact(50, 50), "C": exact(50, 25)},
            ),
            Run(("--comparison", "gt", "--entity", "C"), 0, {"A": "clear", "C": "clear"}, {"C": exact(0, 25)}),
        ),
    ),
    # X -50-> A, X -10-> B, A -40-> B: cascade B 50% (X's 10 + tainted A's 40); look-through B 30%.
    "ofac_401_ex3": Case(
        countries={"X": "CN", "A": "GB", "B": "GB", "U1": "US", "U2": "US"},
        rows=(("X", "A", 50), ("U1", "A", 50), ("X", "B", 10), ("A", "B", 40), ("U2", "B", 50)),
        runs=(
            Run(
                ("--comparison", "ge", "--entity", "B"),
                1,
                {"A": "flagged", "B": "flagged"},
                {"A": exact(50, 50), "B": exact(50, 30)},
            ),
            # at > 50% A does not pass its taint on: only X's direct 10% counts in B's cascade figure
            Run(("--comparison", "gt", "--entity", "B"), 0, {"A": "clear", "B": "clear"}, {"B": exact(10, 30)}),
        ),
    ),
    # X -25-> A, Y -25-> A, both home: 50% aggregated, caught at >= 50%, not at > 50%.
    "aggregation": Case(
        countries={"X": "CN", "Y": "CN", "A": "GB", "U": "US"},
        rows=(("X", "A", 25), ("Y", "A", 25), ("U", "A", 50)),
        runs=(
            Run(
                ("--comparison", "ge", "--entity", "A"),
                1,
                {"X": "home", "Y": "home", "A": "flagged"},
                {"A": exact(50, 50)},
            ),
            Run(("--comparison", "gt", "--entity", "A"), 0, {"A": "clear"}, {"A": exact(50, 50)}),
        ),
    ),
    # P -100-> S: S 100% by both methods.
    "subsidiary": Case(
        countries={"P": "CN", "S": "GB"},
        rows=(("P", "S", 100),),
        runs=(
            Run(("--entity", "S"), 1, {"P": "home", "S": "flagged"}, {"P": exact(100, 100), "S": exact(100, 100)}),
            Run(("--method", "lookthrough", "--entity", "S"), 1, {"S": "flagged"}, {"S": exact(100, 100)}),
        ),
    ),
    # P -60-> H, H -60-> T: cascade T 60% (caught at > 50%); look-through T 36% (not caught).
    "diverging_cascade_above": Case(
        countries={"P": "CN", "H": "GB", "T": "GB", "U1": "US", "U2": "US"},
        rows=(("P", "H", 60), ("U1", "H", 40), ("H", "T", 60), ("U2", "T", 40)),
        runs=(
            Run(
                ("--entity", "T"),
                1,
                {"P": "home", "H": "flagged", "T": "flagged"},
                {"H": exact(60, 60), "T": exact(60, 36)},
            ),
            Run(
                ("--method", "lookthrough", "--entity", "T"),
                0,
                {"H": "flagged", "T": "clear"},
                {"H": exact(60, 60), "T": exact(60, 36)},
            ),
            Run(("--method", "either", "--entity", "T"), 1, {"T": "flagged"}),
        ),
    ),
    # P -40-> H, H -100-> T: H never passes its taint on, so cascade T 0%; look-through T 40%.
    "diverging_lookthrough_above": Case(
        countries={"P": "CN", "H": "GB", "T": "GB", "U": "US"},
        rows=(("P", "H", 40), ("U", "H", 60), ("H", "T", 100)),
        runs=(
            Run(("--entity", "T"), 0, {"H": "clear", "T": "clear"}, {"H": exact(40, 40), "T": exact(0, 40)}),
            Run(("--method", "lookthrough", "--entity", "T"), 0, {"T": "clear"}, {"T": exact(0, 40)}),
            # at 30% (intermediaries still pass taint only above 50%) only look-through catches T
            Run(
                ("--threshold", "30", "--pass-through", "50", "--method", "lookthrough", "--entity", "T"),
                1,
                {"H": "flagged", "T": "flagged"},
                {"T": exact(0, 40)},
            ),
            Run(
                ("--threshold", "30", "--pass-through", "50", "--method", "cascade", "--entity", "T"),
                0,
                {"H": "flagged", "T": "clear"},
                {"T": exact(0, 40)},
            ),
        ),
    ),
    # X -80-> A, Y -70-> B, A -30-> B, B -20-> A: look-through A = 0.8 / 0.94, B = 0.3 * A; cascade A 80, B 30.
    "cross_holding": Case(
        countries={"X": "CN", "Y": "US", "A": "GB", "B": "GB"},
        rows=(("X", "A", 80), ("B", "A", 20), ("Y", "B", 70), ("A", "B", 30)),
        runs=(
            Run(
                (),
                1,
                {"X": "home", "Y": "clear", "A": "flagged", "B": "clear"},
                {"A": exact(80, 80 / 0.94), "B": exact(30, 30 * 0.8 / 0.94), "Y": exact(0, 0)},
            ),
            Run(("--method", "lookthrough", "--entity", "B"), 0, {"A": "flagged", "B": "clear"}),
        ),
    ),
    # P -(PSC band 50-75)-> T: flagged at > 50%, because the band's low end is exclusive.
    "psc_band": Case(
        countries={"P": "CN", "T": "GB", "U": "US"},
        rows=(("P", "T", "ownership-of-shares-50-to-75-percent"), ("U", "T", 25)),
        runs=(Run(("--entity", "T"), 1, {"P": "home", "T": "flagged"}),),
    ),
    # X -45-> T, U -45-> T, 10% of T unallocated: look-through low 45, high 55: possible at > 50%.
    "unknown_remainder": Case(
        countries={"X": "CN", "T": "GB", "U": "US"},
        rows=(("X", "T", 45), ("U", "T", 45)),
        runs=(
            Run(("--entity", "T"), 0, {"X": "home", "T": "possible"}, {"T": (45, 55, 45, 55)}),
            Run(("--entity", "T", "--fail-on", "possible"), 1, {"T": "possible"}),
            Run(("--entity", "T", "--method", "lookthrough"), 0, {"T": "possible"}, {"T": (45, 55, 45, 55)}),
            Run(("--entity", "T", "--method", "lookthrough", "--fail-on", "possible"), 1, {"T": "possible"}),
        ),
    ),
    # 3% + 29% + 18% from three home holders is exactly 50% (no float noise may break the tie).
    "threshold_equality": Case(
        countries={"C1": "CN", "C2": "CN", "C3": "CN", "T": "GB", "U": "US"},
        rows=(("C1", "T", 3), ("C2", "T", 29), ("C3", "T", 18), ("U", "T", 50)),
        runs=(
            Run(("--comparison", "ge", "--entity", "T"), 1, {"T": "flagged"}, {"T": exact(50, 50)}),
            Run(("--comparison", "gt", "--entity", "T"), 0, {"T": "clear"}, {"T": exact(50, 50)}),
            Run(("--comparison", "ge", "--method", "lookthrough", "--entity", "T"), 1, {"T": "flagged"}),
            Run(("--comparison", "gt", "--method", "lookthrough", "--entity", "T"), 0, {"T": "clear"}),
        ),
    ),
}

RUNS = [
    pytest.param(name, k, id=f"{name}-{k}-{' '.join(run.options) or 'defaults'}")
    for name, case in CASES.items()
    for k, run in enumerate(case.runs)
]


def approx(value: float) -> object:
    return pytest.approx(value, abs=1e-6)


@pytest.mark.parametrize(("name", "k"), RUNS)
def test_worked_example(name: str, k: int, input_format: str, tmp_path, cli) -> None:
    case = CASES[name]
    run = case.runs[k]
    path = cli.write_case(tmp_path, case.countries, case.rows, input_format)
    result, doc = cli.run_json("check", path, "-j", "CN", *run.options)

    assert result.exit_code == run.exit_code, result.stderr
    entities = cli.by_id(doc)
    assert set(entities) == set(case.countries)
    for entity_id, status in run.statuses.items():
        assert entities[entity_id]["status"] == status, (entity_id, entities[entity_id])
    for entity_id, (c_low, c_high, l_low, l_high) in run.figures.items():
        got = entities[entity_id]
        expected = {
            ("cascade_pct", "low"): c_low,
            ("cascade_pct", "high"): c_high,
            ("lookthrough_pct", "low"): l_low,
            ("lookthrough_pct", "high"): l_high,
        }
        for (figure, bound), value in expected.items():
            if value is not None:
                assert got[figure][bound] == approx(value), (entity_id, figure, bound, got[figure])


def test_psc_band_low_end_is_exclusive(input_format: str, tmp_path, cli) -> None:
    case = CASES["psc_band"]
    path = cli.write_case(tmp_path, case.countries, case.rows, input_format)
    result, doc = cli.run_json("check", path, "-j", "CN", "--entity", "T")
    t = cli.by_id(doc)["T"]
    assert result.exit_code == 1
    assert t["status"] == "flagged"
    # more than 50% (the exclusive low end), at most 75% from P: never 50 itself, never above 75
    assert 50.0 < t["cascade_pct"]["low"] < 50.001
    assert 50.0 < t["lookthrough_pct"]["low"] < 50.001
    assert t["cascade_pct"]["high"] <= 75.0 + 1e-6
    assert t["lookthrough_pct"]["high"] <= 75.0 + 1e-6
    # still flagged at >= 50%; and not flagged at > 75% even at the band's top
    assert cli.run("check", path, "-j", "CN", "--entity", "T", "--comparison", "ge").exit_code == 1
    assert cli.run("check", path, "-j", "CN", "--entity", "T", "--threshold", "75").exit_code == 0


def test_closed_loop_warns_and_does_not_crash(input_format: str, tmp_path, cli) -> None:
    # ALPHA -100-> BRAVO, BRAVO -100-> ALPHA: nobody outside the loop owns anything; P is an unrelated home entity
    countries = {"ALPHA": "US", "BRAVO": "GB", "P": "CN", "S": "GB", "U": "US"}
    rows = (("ALPHA", "BRAVO", 100), ("BRAVO", "ALPHA", 100), ("P", "S", 30), ("U", "S", 70))
    path = cli.write_case(tmp_path, countries, rows, input_format)
    for method in ("cascade", "lookthrough", "either"):
        result, doc = cli.run_json("check", path, "-j", "CN", "--method", method)
        assert result.exit_code in (0, 1), result.stderr
        assert result.exit_code == 1  # P is home
        assert "Traceback" not in result.stderr
        loops = [w for w in doc["warnings"] if w["code"] == "closed_loop"]
        assert len(loops) == 1, doc["warnings"]
        assert "ALPHA" in loops[0]["message"]
        assert "BRAVO" in loops[0]["message"]
        entities = cli.by_id(doc)
        for entity_id in ("ALPHA", "BRAVO"):
            e = entities[entity_id]
            assert e["status"] == "clear"
            for figure in ("cascade_pct", "lookthrough_pct"):
                assert e[figure] == {"low": approx(0.0), "high": approx(0.0)}, (entity_id, figure)
        assert entities["S"]["lookthrough_pct"]["low"] == approx(30.0)
        # the loop alone decides nothing
        only_loop = cli.run("check", path, "-j", "CN", "--method", method, "--entity", "ALPHA", "--entity", "BRAVO")
        assert only_loop.exit_code == 0, only_loop.stderr
