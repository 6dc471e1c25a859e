"""Names from the input are data, never markup or terminal control (issue 16, item 11): the Markdown report
escapes Markdown and HTML, and the terminal shows control characters as visible escapes."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cli.app import app
from cli.safe_text import visible

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "![pixel](http://example.com/t.png)",
    "back`tick` co",
    "**bold** _it_ ~~gone~~ &amp;",
]


def _input(folder: Path, holders: list[str]) -> Path:
    path = folder / "h.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["holder", "holder_jurisdiction", "subject", "subject_jurisdiction", "percent"])
        for k, holder in enumerate(holders):
            writer.writerow([holder, "CN", f"T{k}", "DE", "60"])
    return path


def _run(*args: str) -> Result:
    return CliRunner().invoke(app, ["check", *args])


def test_markdown_shows_hostile_names_as_text(tmp_path: Path) -> None:
    result = _run(str(_input(tmp_path, HOSTILE)), "-j", "CN", "--format", "markdown")
    assert result.exit_code == 1, result.stderr
    text = result.stdout
    # Outside code spans (where nothing is markup), no raw HTML tag, link, image or entity survives, and
    # every table row keeps its columns.
    markup = re.sub(r"(?<!\\)`[^`\n]*`", "", text)
    assert not re.search(r"(?<!\\)<[A-Za-z/]", markup)
    assert not re.search(r"(?<!\\)\[[^\]]*(?<!\\)\]\(", markup)
    assert not re.search(r"(?<!\\)&[a-z]+;", markup)
    assert "\\<script>alert(1)\\</script>" in text
    assert "\\[click\\](javascript:alert(1))" in text
    assert "back\\`tick\\` co" in text
    assert "\\*\\*bold\\*\\* \\_it\\_ \\~\\~gone\\~\\~ \\&amp;" in text
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    widths = {len(re.split(r"(?<!\\)\|", line)) for line in rows}
    assert len(widths) == 1


def test_markdown_code_spans_hold_backticks_and_line_breaks(tmp_path: Path) -> None:
    result = _run(str(_input(tmp_path, ["a`b\nc"])), "-j", "CN", "--format", "markdown")
    chains = [line for line in result.stdout.splitlines() if line.startswith("- `")]
    assert chains and all(line.count("`") == 2 for line in chains), chains


ESCAPES = [
    "\x1b[31mRED\x1b[0m",
    "\x1b]0;title\x07",
    "\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\",
    "a\rb",
    "\u202eevil",
]


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_the_terminal_never_receives_control_characters(tmp_path: Path, fmt: str) -> None:
    result = _run(str(_input(tmp_path, ESCAPES)), "-j", "CN", "--format", fmt)
    assert result.exit_code == 1, result.stderr
    shown = result.stderr if fmt == "json" else result.stdout + result.stderr
    if fmt == "table":
        assert "\\x1b[31mRED" in "".join(shown.split())
    assert "\x1b" not in shown and "\x07" not in shown and "\r" not in shown and "\u202e" not in shown


def test_a_warning_shows_control_characters_visibly(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text(
        "holder,holder_jurisdiction,subject,subject_jurisdiction,percent\nP,CN,\x1b[2JT,DE,60\nP,CN,\x1b[2JT,DE,10\n",
        encoding="utf-8",
    )
    result = _run(str(path), "-j", "CN", "--format", "json")
    assert "\x1b" not in result.stderr
    assert "\\x1b[2JT" in result.stderr


def test_visible() -> None:
    assert visible("a\x1b[0mb\tc\u202ed\u2066") == "a\\x1b[0mb\\x09c\\u202ed\\u2066"
    assert visible("Société 字节") == "Société 字节"
