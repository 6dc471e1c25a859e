"""The setting options are made from the schema (issue 17, one declaration per setting): every command that runs
a check offers each declared setting's flag, lists it where its panel says, and hands the values on as the
flag layer of the policy resolution."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import pytest
import typer
from typer.testing import CliRunner

from cli import options as o
from cli.app import app
from ownership.policy.schema import SETTINGS, Setting

#: The settings a flag can give (the profile is an option of its own).
FLAGGED = [s for s in SETTINGS if s.flag is not None and s.role in ("policy", "beside")]


def _options(command: str) -> set[str]:
    group = typer.main.get_command(app)
    found = group.commands[command]  # type: ignore[attr-defined]
    return {opt for p in found.params for opt in (*p.opts, *p.secondary_opts)}


@pytest.mark.parametrize("command", ["check", "explain", "graph"])
def test_every_declared_flag_is_an_option_of_every_command_that_runs_a_check(command: str) -> None:
    offered = _options(command)
    for s in FLAGGED:
        if command == "graph" and s.name == "fail_on":
            assert s.flag not in offered  # a graph is written whatever the statuses: no gate
            continue
        assert {s.flag, s.short, s.off_flag} - {None} <= offered, s.name


def _panel_rows(text: str, panel: str) -> list[str]:
    """The long flags a ``--help`` panel lists, in order."""
    box = text.split(f"─ {panel} ─", 1)[1].split("╰", 1)[0]
    return [line.split()[1] for line in box.splitlines() if line.startswith("│ --")]


def test_check_help_lists_the_settings_in_their_panels_in_the_usual_order() -> None:
    result = CliRunner().invoke(app, ["check", "--help"], env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert result.exit_code == 0
    text = result.stdout
    assert _panel_rows(text, "Rule") == [
        "--jurisdiction",
        "--profile",
        "--policy",
        "--no-policy-file",
        "--watchlist",
        "--threshold",
        "--comparison",
        "--method",
        "--pass-through",
        "--pass-through-comparison",
        "--as-of",
    ]
    assert _panel_rows(text, "How parties count") == [
        "--home",
        "--aggregate",
        "--weights",
        "--control",
        "--unrecorded-holders",
    ]
    assert _panel_rows(text, "CI gate") == ["--entity", "--fail-on"]
    assert _panel_rows(text, "Input")[0] == "--allow-overallocation"
    order = [text.index(f"─ {p} ─") for p in ("Rule", "How parties count", "CI gate", "Output", "Input")]
    assert order == sorted(order)


def test_the_flag_values_reach_the_command_as_the_flag_layer() -> None:
    seen: dict[str, object] = {}
    demo = typer.Typer()

    @demo.command()
    @o.setting_options(panels=(o.RULE_PANEL, o.PARTIES_PANEL, o.CI_PANEL, o.INPUT_PANEL))
    def run(
        flags: o.Flags,
        quiet: Annotated[bool, typer.Option("--quiet", rich_help_panel=o.INPUT_PANEL)] = False,
    ) -> None:
        seen.update(flags, quiet=quiet)

    result = CliRunner().invoke(
        demo,
        [
            *("-j", "CN,HK", "-j", "MO", "--threshold", "25", "--comparison", "ge", "--no-aggregate"),
            *("--allow-overallocation", "--watchlist", "a.csv", "--fail-on", "possible", "--as-of", "2024-01-01"),
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    assert seen == {
        "jurisdictions": ["CN", "HK", "MO"],
        "threshold": 25.0,
        "comparison": "ge",
        "pass_through": None,
        "pass_through_comparison": None,
        "method": None,
        "home": None,
        "aggregate": False,
        "weights": None,
        "control": None,
        "allow_overallocation": True,
        "unrecorded_holders": None,
        "as_of": "2024-01-01",
        "watchlists": ["a.csv"],
        "fail_on": "possible",
        "quiet": True,
    }


def test_nothing_given_is_none_so_the_lower_layers_apply() -> None:
    seen: dict[str, object] = {}
    demo = typer.Typer()

    @demo.command()
    @o.setting_options(panels=(o.RULE_PANEL, o.PARTIES_PANEL, o.CI_PANEL, o.INPUT_PANEL), exclude={"fail_on"})
    def run(flags: o.Flags) -> None:
        seen.update(flags)

    result = CliRunner().invoke(demo, [])
    assert result.exit_code == 0, result.output
    assert "fail_on" not in seen
    assert set(seen.values()) == {None}


def test_a_command_without_flags_or_with_an_unplaced_panel_is_refused_when_declared() -> None:
    def no_flags() -> None: ...

    with pytest.raises(TypeError, match="flags"):
        o.setting_options(panels=(o.RULE_PANEL,))(no_flags)

    def some(flags: o.Flags) -> None: ...

    with pytest.raises(TypeError, match="How parties count"):
        o.setting_options(panels=(o.RULE_PANEL, o.CI_PANEL, o.INPUT_PANEL))(some)


def test_origins_name_the_declared_flags_through_the_real_command(tmp_path: Path) -> None:
    (tmp_path / "h.csv").write_text(
        "holder,holder_jurisdiction,subject,subject_jurisdiction,percent\nP,CN,T,DE,60\n", encoding="utf-8"
    )
    result = CliRunner().invoke(
        app,
        [
            *("check", str(tmp_path / "h.csv"), "-j", "CN", "--no-aggregate", "--threshold", "70"),
            *("--format", "json", "--no-policy-file"),
        ],
    )
    assert result.exit_code == 1, result.stderr  # P is a home entity; T at 60-100% is possible under 70%
    policy = json.loads(result.stdout)["policy"]
    assert policy["threshold_pct"] == 70.0
    assert policy["aggregate"] is False
    assert policy["origins"]["aggregate"] == "--no-aggregate"
    assert policy["origins"]["threshold"] == "--threshold"
    assert policy["origins"]["jurisdictions"] == "-j"
    assert policy["origins"]["method"] == "profile default"


def test_a_newly_declared_setting_becomes_an_option_with_no_other_edit(monkeypatch: pytest.MonkeyPatch) -> None:
    # What adding a setting costs on the command line: its declaration, nothing in the command.
    new = Setting(
        name="minimum_chain",
        kind="percent",
        role="policy",
        default=None,
        help="Smallest chain worth listing, in percent.",
        flag="--minimum-chain",
        metavar="PCT",
    )
    monkeypatch.setattr(o, "SETTINGS", (*SETTINGS, new))
    seen: dict[str, object] = {}
    demo = typer.Typer()

    @demo.command()
    @o.setting_options(panels=(o.RULE_PANEL, o.PARTIES_PANEL, o.CI_PANEL, o.INPUT_PANEL))
    def run(flags: o.Flags) -> None:
        seen.update(flags)

    result = CliRunner().invoke(demo, ["--minimum-chain", "5"])
    assert result.exit_code == 0, result.output
    assert seen["minimum_chain"] == 5.0
    text = CliRunner().invoke(demo, ["--help"], env={"COLUMNS": "200", "NO_COLOR": "1"}).stdout
    assert _panel_rows(text, "Rule")[-1] == "--minimum-chain"  # after the listed ones of its panel
