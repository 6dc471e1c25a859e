"""Reasons are a function of the data, not of row order (issue 16): equal stakes are listed by holder id, and
rounding noise never reaches a sentence."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from ownership.explanation.reasons import _figure
from ownership.model import Policy
from ownership.pipeline import check
from ownership.readers import read_input

ENTITIES = "id,name,jurisdiction\nP,,CN\nQ,,CN\nR,,CN\nS,,US\nU,,\nV,,\nT,,US\n"
HOLDINGS = ["P,S,20", "Q,S,20", "R,S,20", "U,T,10", "V,T,10", "S,T,5"]


def reasons(tmp_path: Path, rows: list[str]) -> dict[str, str]:
    folder = tmp_path / f"run{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    (folder / "entities.csv").write_text(ENTITIES, encoding="utf-8")
    (folder / "holdings.csv").write_text("holder,subject,percent\n" + "\n".join(rows) + "\n", encoding="utf-8")
    result = check(read_input(folder, display="group"), Policy(jurisdictions=frozenset({"CN"})))
    return {v.entity.id: v.reason for v in result.verdicts}


def test_shuffled_rows_give_the_same_reasons(tmp_path: Path) -> None:
    # Three CN parties with 20% each of S: before, they were listed in row order ("Q 20%, P 20%, R 20%").
    expected = reasons(tmp_path, HOLDINGS)
    assert expected["S"] == "cascade 60% > 50%: held by tainted holders P 20% (home), Q 20% (home), R 20% (home)"
    assert expected["T"].endswith("holder U has no known country; holder V has no known country")
    shuffler = random.Random(16)
    for _ in range(5):
        rows = HOLDINGS[:]
        shuffler.shuffle(rows)
        assert reasons(tmp_path, rows) == expected


@pytest.mark.parametrize(
    ("fraction", "text"),
    [(1.11e-16, "0%"), (-2e-17, "0%"), (1 - 1e-15, "100%"), (0.3925, "39.25%"), (5e-9, "5e-07%")],
)
def test_rounding_noise_never_reaches_a_sentence(fraction: float, text: str) -> None:
    assert _figure(fraction) == text


def test_shuffled_rows_give_the_same_report(tmp_path: Path) -> None:
    # Entities and holdings in another order: the CSV report (every entity, its figures, reasons and labels,
    # in report order) is the same text.
    from typer.testing import CliRunner

    from cli.app import app

    def report(entity_rows: list[str], holding_rows: list[str]) -> str:
        folder = tmp_path / f"report{len(list(tmp_path.iterdir()))}"
        folder.mkdir()
        (folder / "entities.csv").write_text("id,name,jurisdiction\n" + "\n".join(entity_rows) + "\n", "utf-8")
        (folder / "holdings.csv").write_text("holder,subject,percent\n" + "\n".join(holding_rows) + "\n", "utf-8")
        result = CliRunner().invoke(app, ["check", str(folder), "-j", "CN", "--format", "csv", "-q"])
        assert result.exit_code == 1, result.output
        return result.stdout

    entity_rows = ENTITIES.splitlines()[1:]
    expected = report(entity_rows, HOLDINGS)
    assert [line.split(",")[0] for line in expected.splitlines()[1:4]] == ['"S"', '"P"', '"Q"']
    shuffler = random.Random(13)
    for _ in range(3):
        entities, holdings = entity_rows[:], HOLDINGS[:]
        shuffler.shuffle(entities)
        shuffler.shuffle(holdings)
        assert report(entities, holdings) == expected
