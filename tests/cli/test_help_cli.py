"""`--help` reads well at 80 and 100 columns, groups options in panels, lists choices, offers shell
completion, and the README's options table lists every option of `check` (issue 15)."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from cli.app import app

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "samples" / "cap_table.xlsx"


def help_text(*command: str, width: int) -> str:
    result = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": str(width), "NO_COLOR": "1"})
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("width", [80, 100])
@pytest.mark.parametrize("command", [(), ("check",), ("explain",), ("graph",)])
def test_help_has_no_type_metavars_and_no_cut_option_names(command: tuple[str, ...], width: int) -> None:
    text = help_text(*command, width=width)
    assert "<list[" not in text
    assert "<bool>" not in text
    assert "…" not in text  # rich cuts a cell it cannot fit with an ellipsis


def test_check_help_groups_options_in_panels_and_lists_choices() -> None:
    text = help_text("check", width=100)
    for panel in ("Input", "Rule", "How parties count", "Output", "CI gate"):
        assert f"─ {panel} ─" in text, panel
    flat = " ".join(text.replace("│", " ").split())
    for choices in (
        "flagged (default), possible (what a gate wants) or never",
        "cascade (default), lookthrough or either",
        "headquarters, incorporation or either (default)",
        "report (default), possible (make the subject possible) or taints",
        "table (default), json, csv, markdown, xlsx, html or parquet",
        "auto (from its content, default), workbook, csv, folder, bods, gleif, uk-psc, ftm or ashare",
    ):
        assert choices in flat, choices


def test_shell_completion_is_offered() -> None:
    text = help_text(width=100)
    assert "--install-completion" in text and "--show-completion" in text


def _check_options() -> list[str]:
    command = typer.main.get_command(app)
    check = command.commands["check"]  # type: ignore[attr-defined]
    return sorted(opt for p in check.params for opt in p.opts if opt.startswith("--") and opt != "--help")


def test_the_readme_options_table_lists_every_check_option() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme.split("| option | meaning |", 1)[1].split("\n\n", 1)[0]
    missing = [opt for opt in _check_options() if f"`{opt}" not in table and f" {opt}" not in table]
    assert not missing, f"README options table lacks {missing}"
    for fmt in ("parquet",):
        assert fmt in table


def test_explain_unknown_entity_suggests_the_closest_without_naming_an_option() -> None:
    result = CliRunner().invoke(app, ["explain", str(SAMPLE), "HELIO", "-j", "CN"])
    assert result.exit_code == 2
    line = result.stderr.strip()
    assert line == (f"exposure: error: no entity 'HELIO' in {SAMPLE}; did you mean HELIO-SG, HELIO-JP or HELIO-SZ?")
    assert "--entity" not in line
