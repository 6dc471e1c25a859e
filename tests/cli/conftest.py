"""Helpers for the CLI tests: write small inputs to tmp_path and run ``exposure`` through typer's CliRunner."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner, Result

from cli.app import app

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "data" / "samples"
CAP_TABLE = SAMPLES / "cap_table.xlsx"
HOLDINGS_CSV = SAMPLES / "holdings.csv"

#: One holding as (holder, subject, percent cell); the percent cell is written as given ("50", "50%", a band...).
Row = tuple[str, str, object]

CSV_HEADER = ["holder", "holder_jurisdiction", "subject", "subject_jurisdiction", "percent"]


class Cli:
    """What the CLI tests need, reached through the ``cli`` fixture (conftest modules are not importable)."""

    repo = REPO
    samples = SAMPLES
    cap_table = CAP_TABLE
    holdings_csv = HOLDINGS_CSV

    @staticmethod
    def write_holdings_csv(
        directory: Path,
        rows: Iterable[Mapping[str, object] | Sequence[object]],
        name: str = "holdings.csv",
        ultimate: bool = True,
    ) -> Path:
        """A single holdings CSV with holder_jurisdiction / subject_jurisdiction columns.

        ``rows`` are either 5-tuples in CSV_HEADER order or mappings (their keys, in first-seen order, become the
        header, so extra columns such as ``start`` or ``source`` can be added). With ``ultimate`` (the default)
        every holder is marked its own ultimate owner (a ``holder_ultimate`` column saying yes), as these tests
        were written for: a holder nobody holds is then the top of its chain, not a party of unknown owners.
        """
        rows = list(rows)
        header: list[str] = []
        dicts: list[dict[str, object]] = []
        for row in rows:
            d = dict(row) if isinstance(row, Mapping) else dict(zip(CSV_HEADER, row, strict=True))
            if ultimate and "holder" in d:
                d.setdefault("holder_ultimate", "yes")
            for key in d:
                if key not in header:
                    header.append(key)
            dicts.append(d)
        path = directory / name
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=header)
            writer.writeheader()
            for d in dicts:
                writer.writerow({k: "" if v is None else v for k, v in d.items()})
        return path

    @staticmethod
    def write_workbook(
        directory: Path,
        entities: Iterable[Mapping[str, object]],
        holdings: Iterable[Mapping[str, object]],
        name: str = "book.xlsx",
        ultimate: bool = True,
    ) -> Path:
        """A canonical two-sheet workbook (Entities, Holdings); each sheet's header is its rows' keys in order.

        With ``ultimate`` (the default) every entity row says ``ultimate = yes`` unless it gives the column
        itself: an entity nobody holds is then its own ultimate owner, as these tests were written for (the
        unknown-owners default is tested with ``ultimate=False``).
        """
        wb = Workbook()
        first = wb.active
        assert first is not None
        wb.remove(first)
        marked = [{**row, "ultimate": row.get("ultimate", "yes")} if ultimate else dict(row) for row in entities]
        for title, rows in (("Entities", marked), ("Holdings", list(holdings))):
            ws = wb.create_sheet(title)
            header: list[str] = []
            for row in rows:
                header.extend(k for k in row if k not in header)
            ws.append(header)
            for row in rows:
                ws.append([row.get(k) for k in header])
        path = directory / name
        wb.save(path)
        return path

    @staticmethod
    def write_case(directory: Path, countries: Mapping[str, str], rows: Sequence[Row], fmt: str) -> Path:
        """One ownership structure in the given input format ('csv' or 'xlsx').

        ``countries`` maps every entity id to its country of incorporation; ``rows`` are (holder, subject, percent).
        """
        if fmt == "csv":
            return Cli.write_holdings_csv(
                directory,
                [
                    (holder, countries[holder], subject, countries[subject], percent)
                    for holder, subject, percent in rows
                ],
            )
        if fmt == "xlsx":
            entities = [{"id": e, "name": e, "type": "company", "jurisdiction": c} for e, c in countries.items()]
            holdings = [{"holder": h, "subject": s, "percent": p} for h, s, p in rows]
            return Cli.write_workbook(directory, entities, holdings)
        raise ValueError(fmt)

    @staticmethod
    def run(*args: object) -> Result:
        """Invoke the app like the shell would (every argument as a string); exceptions propagate as failures.

        The terminal is 200 columns wide (rich wraps at 80 when it cannot ask a terminal), so that a message
        naming a file under the test's temporary folder stays on one line: under pytest-xdist that folder's
        path is longer by the worker's name (``popen-gw1/``), and messages were cut inside the path.
        """
        return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})

    @staticmethod
    def run_json(*args: object) -> tuple[Result, dict[str, Any]]:
        """Run with --format json and parse stdout (failing the test with stderr when it is not JSON)."""
        result = Cli.run(*args, "--format", "json")
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        try:
            doc = json.loads(result.stdout)
        except json.JSONDecodeError:
            pytest.fail(f"stdout is not JSON (exit {result.exit_code}); stderr: {result.stderr!r}")
        return result, doc

    @staticmethod
    def by_id(doc: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
        """The report's entities by id (failing on duplicates)."""
        found: dict[str, dict[str, Any]] = {}
        for entity in doc["entities"]:
            assert entity["id"] not in found, f"{entity['id']} appears twice in entities"
            found[entity["id"]] = entity
        return found

    @staticmethod
    def error_line(result: Result) -> str:
        """The single error line of an exit-2 run (asserting there is exactly one, and no traceback)."""
        assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        assert "Traceback" not in result.stdout
        lines = result.stderr.splitlines()
        assert len(lines) == 1, lines
        assert lines[0].startswith("exposure: error:"), lines[0]
        return lines[0]


@pytest.fixture(params=["csv", "xlsx"])
def input_format(request: pytest.FixtureRequest) -> str:
    """Run a case once as a single holdings CSV and once as a canonical workbook."""
    return str(request.param)


@pytest.fixture
def cli() -> type[Cli]:
    """The CLI test helpers (write inputs, run the app, parse its JSON)."""
    return Cli
