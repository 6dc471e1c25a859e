"""The benchmark's generators: deterministic for a seed, never over-allocated, registry-like, readable; and a
one-case smoke run of the runner."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import cases, generate, run  # noqa: E402
from ownership.model import Policy  # noqa: E402
from ownership.pipeline import check  # noqa: E402
from ownership.readers import read_input  # noqa: E402
from ownership.result import Status  # noqa: E402


def _allocated(dataset: generate.Dataset) -> pd.Series:
    """Per subject, the sum of the low ends of its stakes, in percent."""
    low = generate.low_percent(dataset.holdings["percent"])
    return pd.Series(low).groupby(dataset.holdings["subject"].to_numpy()).sum()


def test_registry_is_deterministic_for_a_seed() -> None:
    a = generate.registry(2_000, 4_000, seed=7)
    b = generate.registry(2_000, 4_000, seed=7)
    c = generate.registry(2_000, 4_000, seed=8)
    pd.testing.assert_frame_equal(a.entities, b.entities)
    pd.testing.assert_frame_equal(a.holdings, b.holdings)
    assert not a.holdings.equals(c.holdings)


def test_folder_files_are_byte_identical_for_a_seed(tmp_path: Path) -> None:
    first = generate.write_folder(generate.registry(500, 1_000, seed=3), tmp_path / "a")
    second = generate.write_folder(generate.registry(500, 1_000, seed=3), tmp_path / "b")
    for name in ("entities.csv", "holdings.csv"):
        assert (first / name).read_bytes() == (second / name).read_bytes()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_registry_never_over_allocates_and_has_exact_counts(seed: int) -> None:
    dataset = generate.registry(3_000, 6_000, seed=seed)
    assert dataset.n_entities == 3_000
    assert dataset.n_holdings == 6_000
    assert _allocated(dataset).max() <= 100.0 + 1e-9
    pairs = dataset.holdings[["holder", "subject"]]
    assert not pairs.duplicated().any()
    assert not (dataset.holdings["holder"] == dataset.holdings["subject"]).any()
    assert set(pairs.stack()) <= set(dataset.entities["id"])


def test_registry_has_the_stated_shape() -> None:
    found = generate.profile(generate.registry(10_000, 20_000, seed=0))
    assert found.person_share == pytest.approx(generate.PERSON_SHARE, abs=0.01)
    assert found.owners_median == 2
    assert 2.0 <= found.owners_mean <= 4.0
    assert 0.01 <= found.watched_holder_share <= 0.08  # a few percent of holdings have a CN holder
    # 1% of holdings close cycles; the cycles also take in the links they reverse.
    assert 0.01 * 20_000 <= found.cross_holdings <= 0.1 * 20_000
    assert found.ranged_share == pytest.approx(generate.RANGED_SHARE, abs=0.01)
    assert 0.1 <= found.remainder_share <= 0.4
    assert 0.005 <= found.unknown_country_share <= 0.04


def test_cycles_stay_inside_groups() -> None:
    """The cross-holdings close small cycles; they must not percolate into one giant component."""
    dataset = generate.registry(20_000, 40_000, seed=0)
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components

    index = pd.Index(dataset.entities["id"])
    h = index.get_indexer(dataset.holdings["holder"])
    s = index.get_indexer(dataset.holdings["subject"])
    n = dataset.n_entities
    _, labels = connected_components(
        sparse.csr_matrix((np.ones(h.size), (h, s)), shape=(n, n)), directed=True, connection="strong"
    )
    sizes = np.bincount(labels)
    assert (sizes > 1).sum() >= 100
    assert sizes.max() <= 50


def test_adversarial_shapes() -> None:
    chain = generate.chain(50)
    assert (chain.n_entities, chain.n_holdings) == (51, 50)
    assert chain.entities["jurisdiction"].iloc[0] == generate.WATCHED
    scc = generate.scc(300, seed=0)
    found = generate.profile(scc)
    assert found.cross_holdings == 3 * 300  # ring and chords: every member-to-member link is inside it
    assert _allocated(scc).max() <= 100.0
    star = generate.star(1_000, seed=0)
    assert star.holdings["holder"].nunique() == 1
    assert star.n_holdings == 1_000


@pytest.mark.parametrize("kind", ["registry", "chain", "scc", "star"])
def test_generated_folder_reads_and_checks(tmp_path: Path, kind: str) -> None:
    dataset = generate.build(kind, 400, seed=0)
    folder = generate.write_folder(dataset, tmp_path / kind)
    data = read_input(folder)
    assert len(data.entities) == dataset.n_entities
    assert len(data.holdings) == dataset.n_holdings
    result = check(data, Policy(jurisdictions=frozenset({"CN"})))
    counts = result.counts()
    assert counts[Status.HOME] >= 1
    assert sum(counts.values()) == dataset.n_entities


def test_chain_answers_by_hand(tmp_path: Path) -> None:
    """L0 (CN) holds 60% of L1, L1 60% of L2, ...: all flagged by the cascade, look-through 0.6 ** depth."""
    data = read_input(generate.write_folder(generate.chain(5), tmp_path / "chain"))
    result = check(data, Policy(jurisdictions=frozenset({"CN"})))
    assert result.verdict("L0000000").status is Status.HOME
    for depth in range(1, 6):
        verdict = result.verdict(f"L{depth:07d}")
        assert verdict.status is Status.FLAGGED
        assert verdict.lookthrough.low == pytest.approx(0.6**depth)


def test_workbook_reads_like_the_folder(tmp_path: Path) -> None:
    dataset = generate.registry(200, 400, seed=1)
    from_book = read_input(generate.write_xlsx(dataset, tmp_path / "registry.xlsx"))
    from_folder = read_input(generate.write_folder(dataset, tmp_path / "registry"))
    assert [e.id for e in from_book.entities] == [e.id for e in from_folder.entities]
    assert [(h.holder, h.subject, h.stake) for h in from_book.holdings] == [
        (h.holder, h.subject, h.stake) for h in from_folder.holdings
    ]


def test_sizes_parse_and_print() -> None:
    assert cases.parse_size("100k") == 100_000
    assert cases.parse_size("2M") == 2_000_000
    assert cases.parse_size("1.5k") == 1_500
    assert cases.human(2_000_000) == "2M"
    assert cases.human(1_500) == "1.5k"


def test_runner_smoke_one_tiny_case(capsys: pytest.CaptureFixture[str]) -> None:
    assert run.main(["--quick", "--cases", "registry", "--sizes", "300", "--timeout", "60"]) == 0
    out = capsys.readouterr().out
    line = next(row for row in out.splitlines() if row.startswith("registry-300"))
    cells = line.split()
    assert cells[1:3] == ["150", "300"]
    assert float(cells[8]) > 0  # the command's total seconds
    peak_mb, per_holding = (float(c.replace(",", "")) for c in cells[9:11])
    # peak memory per holding: the peak (printed to the MB) in bytes over the 300 holdings
    assert abs(per_holding - peak_mb * 1024**2 / 300) <= 0.5 * 1024**2 / 300 + 1
    assert cells[-1] == "ok"
    assert "CPU:" in out
