"""``exposure check`` looks the report format up in ``ownership.reports.RENDERERS`` and calls it."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TextIO

import pytest

import ownership.reports as reports
from ownership.reports import Context, Renderer
from ownership.result import CheckSet


def _fake_markdown(checks: CheckSet, stream: TextIO, context: Context) -> None:
    stream.write(f"{len(checks.primary.verdicts)} entities; to file: {context.to_file}\n")


def test_the_command_calls_the_registered_renderer(cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(reports.RENDERERS, "markdown", Renderer("markdown", (".md",), render=_fake_markdown))  # type: ignore[arg-type]
    shown = cli.run("check", cli.cap_table, "-j", "CN", "--format", "markdown", "-q")
    assert shown.exit_code == 1, shown.output
    assert shown.stdout == "20 entities; to file: False\n"
    out = tmp_path / "r.md"
    written = cli.run("check", cli.cap_table, "-j", "CN", "-o", out, "-q")
    assert written.exit_code == 1, written.output
    assert out.read_text(encoding="utf-8") == "20 entities; to file: True\n"


def test_a_file_only_format_asks_for_a_file_before_any_work(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def never(*_: object) -> None:
        raise AssertionError("the check ran")

    monkeypatch.setattr("cli.app.run_checks", never)
    for fmt, what in [("xlsx", "an audit report file"), ("html", "an audit report file"), ("parquet", "a binary file")]:
        result = cli.run("check", cli.cap_table, "-j", "CN", "--format", fmt)
        assert result.exit_code == 2
        assert cli.error_line(result) == f"exposure: error: --format {fmt} is {what}: give -o FILE.{fmt}"
