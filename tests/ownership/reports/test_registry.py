"""The report formats behind one interface: ``ownership.reports.RENDERERS``."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ownership.model import Entity, EntityType, Holding, OwnershipData, Policy, SourceInfo, Stake
from ownership.pipeline import check
from ownership.reports import FORMAT_BY_EXTENSION, RENDERERS, Context, Renderer
from ownership.reports.csv_report import render_csv
from ownership.reports.json_report import render_json
from ownership.reports.markdown import render_markdown
from ownership.result import CheckSet

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.fixture(scope="module")
def checks() -> CheckSet:
    # P (CN) holds 60% of S, Q (US) 40%: S is flagged at 60%.
    entities = (
        Entity("P", "P", EntityType.COMPANY, "CN", ultimate=True),
        Entity("Q", "Q", EntityType.COMPANY, "US", ultimate=True),
        Entity("S", "S", EntityType.COMPANY, "SG"),
    )
    holdings = (Holding("P", "S", Stake.exact(0.6)), Holding("Q", "S", Stake.exact(0.4)))
    data = OwnershipData(entities, holdings, SourceInfo("registry-test.csv", "0" * 64, "csv"))
    return CheckSet.of(check(data, Policy(jurisdictions=frozenset({"CN"}))))


def test_every_format_has_one_renderer_and_its_extensions() -> None:
    assert set(RENDERERS) == {"json", "csv", "markdown", "xlsx", "html", "parquet"}
    assert FORMAT_BY_EXTENSION == {
        ".json": "json",
        ".csv": "csv",
        ".md": "markdown",
        ".markdown": "markdown",
        ".txt": "table",
        ".xlsx": "xlsx",
        ".html": "html",
        ".htm": "html",
        ".parquet": "parquet",
    }
    assert {name for name, r in RENDERERS.items() if r.file_only} == {"xlsx", "html", "parquet"}
    assert {name for name, r in RENDERERS.items() if r.shows_files} == {"json", "xlsx", "html"}


@pytest.mark.parametrize(
    ("name", "direct"),
    [("json", lambda c: render_json(c, None)), ("csv", render_csv), ("markdown", render_markdown)],
)
def test_text_renderers_write_what_the_format_functions_give(name: str, direct: object, checks: CheckSet) -> None:
    stream = io.StringIO()
    renderer = RENDERERS[name]
    assert renderer.render is not None
    renderer.render(checks, stream, Context(NOW))
    assert stream.getvalue() == direct(checks)  # type: ignore[operator]
    assert renderer.text(checks, Context(NOW)) == stream.getvalue()


def test_a_file_renderer_writes_the_file_and_its_companions(tmp_path: Path, checks: CheckSet) -> None:
    csv = RENDERERS["csv"]
    assert csv.write is not None and csv.beside is not None
    csv.write(checks, tmp_path / "r.csv", Context(NOW, to_file=True))
    assert (tmp_path / "r.csv").read_text(encoding="utf-8") == render_csv(checks)
    [(path, text)] = csv.beside(checks, tmp_path / "r.csv")
    assert path == tmp_path / "r.csv.provenance.json" and '"sha256"' in text
    xlsx = RENDERERS["xlsx"]
    assert xlsx.write is not None and xlsx.render is None
    xlsx.write(checks, tmp_path / "r.xlsx", Context(NOW, to_file=True))
    assert (tmp_path / "r.xlsx").read_bytes()[:2] == b"PK"


def test_a_renderer_must_render_or_write(checks: CheckSet) -> None:
    with pytest.raises(ValueError, match="neither render nor write"):
        Renderer("nothing", (".x",))
    file_only = Renderer("file", (".f",), write=lambda c, p, x: None)
    with pytest.raises(ValueError, match="is a file only"):
        file_only.text(checks, Context(NOW))
