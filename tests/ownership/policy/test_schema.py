"""One declaration per setting (issue 17): the README's options table, the shipped default profile, the
``Policy`` fields and the JSON report's policy keys all agree with ``ownership.policy.schema``."""

from __future__ import annotations

import dataclasses
import tomllib
from datetime import date
from pathlib import Path

import pytest

from ownership.model import Comparison, HomeBasis, Method, Policy
from ownership.policy import resolve
from ownership.policy.resolve import DEFAULTS
from ownership.policy.schema import BY_NAME, SETTINGS, readme_option, readme_row, setting
from ownership.policy.settings import FILE_KEYS, FLAG_KEYS, POLICY_KEYS, PROFILE_SETTING_KEYS, flag_label

REPO = Path(__file__).resolve().parents[3]
DAY = date(2026, 1, 15)


def readme_options_table() -> list[str]:
    """The rows of the README's options table (the one headed "| option | meaning |")."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme.split("| option | meaning |", 1)[1].split("\n\n", 1)[0]
    return [line for line in table.splitlines() if line.startswith("| `")]


def test_every_setting_with_a_flag_has_its_row_in_the_readme_options_table() -> None:
    rows = readme_options_table()
    missing = [readme_row(s) for s in SETTINGS if s.flag is not None and readme_row(s) not in rows]
    assert not missing, "README options table: paste (or correct) these rows:\n" + "\n".join(missing)


def test_no_readme_row_describes_a_setting_differently_from_its_declaration() -> None:
    # A stale or duplicated row for a setting's flag is a disagreement too, not only a missing one.
    by_option = {readme_option(s): s for s in SETTINGS if s.flag is not None}
    for row in readme_options_table():
        option = row.split(" | ", 1)[0].removeprefix("| ")
        flags = {part.strip("`,") for part in option.split() if part.strip("`,").startswith("-")}
        for s in by_option.values():
            if {s.flag, s.short} & flags:
                assert row == readme_row(s), f"README row {row!r} should read {readme_row(s)!r}"
    assert len(readme_options_table()) == len(set(readme_options_table())), "a row appears twice"


def test_the_readme_rows_are_made_from_the_declarations() -> None:
    assert readme_row(setting("threshold")) == "| `--threshold PCT` | the figure that flags, in percent (default 50) |"
    assert readme_option(setting("jurisdictions")) == "`-j, --jurisdiction CODE`"
    assert readme_option(setting("comparison")) == "`--comparison gt\\|ge`"
    assert readme_option(setting("aggregate")) == "`--aggregate / --no-aggregate`"
    assert readme_option(setting("allow_overallocation")) == "`--allow-overallocation`"
    with pytest.raises(ValueError, match="label_order"):
        readme_option(setting("label_order"))


def test_the_keys_each_layer_takes_come_from_the_declarations_in_order() -> None:
    # The order is the one error messages list known keys in, and the JSON report's policy.origins order.
    assert POLICY_KEYS == (
        "jurisdictions",
        "threshold",
        "comparison",
        "pass_through",
        "pass_through_comparison",
        "method",
        "home",
        "aggregate",
        "weights",
        "control",
        "allow_overallocation",
        "unrecorded_holders",
        "label_order",
        "as_of",
    )
    others = ("watchlists", "fail_on", "profile", "name", "description", "source")
    assert FILE_KEYS[len(POLICY_KEYS) :] == others
    assert FLAG_KEYS[len(POLICY_KEYS) :] == ("watchlists", "fail_on")
    assert FILE_KEYS[: len(POLICY_KEYS)] == FLAG_KEYS[: len(POLICY_KEYS)] == POLICY_KEYS
    assert set(PROFILE_SETTING_KEYS) == set(POLICY_KEYS) - {"jurisdictions", "as_of"}
    assert len(BY_NAME) == len(SETTINGS), "two settings share a name"


def test_every_policy_field_is_a_declared_setting_or_named_as_not_one() -> None:
    # A Policy field added without a declaration (or a declaration naming no field) fails here.
    not_settings = {"watchlist", "name", "description", "source", "in_force", "note", "origins"}
    declared = {s.policy_field for s in SETTINGS if s.policy_field is not None}
    assert declared | not_settings == {f.name for f in dataclasses.fields(Policy)}
    assert not declared & not_settings
    assert all((s.policy_field is not None) == (s.role == "policy") for s in SETTINGS)


def test_the_built_in_defaults_are_the_policy_model_defaults() -> None:
    # Policy() is the engine's own default rule: the declared defaults, converted, must be the same rule.
    model = Policy()
    for key, value in DEFAULTS.items():
        s = setting(key)
        assert s.policy_field is not None
        assert s.to_policy(value) == getattr(model, s.policy_field), key
    assert "as_of" not in DEFAULTS  # the run's date, not a default


def test_the_shipped_default_profile_agrees_with_the_declared_defaults() -> None:
    raw = tomllib.loads((REPO / "ownership" / "profiles" / "default.toml").read_text(encoding="utf-8"))
    given = {k: v for k, v in raw.items() if k in BY_NAME and k not in {"name", "description", "source"}}
    assert given  # the file fixes settings, so each must be the built-in value
    for key, value in given.items():
        assert value == setting(key).default, key


def test_resolve_turns_each_declared_value_into_its_policy_field() -> None:
    flags = {
        "jurisdictions": ["China", "HK"],
        "threshold": "25%",
        "comparison": "at least",
        "pass_through": 50,
        "method": "either",
        "home": "headquarters",
        "aggregate": False,
        "label_order": ["Entity List"],
    }
    policy = resolve(profile=None, policy_file=None, flags=flags, as_of=DAY).policy
    assert policy.jurisdictions == frozenset({"CN", "HK"})
    assert policy.threshold == 0.25
    assert policy.comparison is Comparison.GE
    assert policy.pass_through_threshold == 0.5
    assert policy.pass_through_comparison is None  # not given: the comparison applies
    assert policy.pass_comparison is Comparison.GE
    assert policy.method is Method.EITHER
    assert policy.home is HomeBasis.HEADQUARTERS
    assert policy.aggregate is False
    assert policy.label_order == ("Entity List",)
    assert policy.as_of == DAY
    assert policy.origins["aggregate"] == "--no-aggregate"
    assert policy.origins["jurisdictions"] == "-j"
    assert policy.origins["weights"] == "default"


@pytest.mark.parametrize(
    ("key", "value", "label"),
    [
        ("jurisdictions", ["CN"], "-j"),
        ("watchlists", ["a.csv"], "--watchlist"),
        ("aggregate", False, "--no-aggregate"),
        ("aggregate", True, "--aggregate"),
        ("pass_through_comparison", "ge", "--pass-through-comparison"),
        ("fail_on", "never", "--fail-on"),
    ],
)
def test_origin_labels_are_the_declared_flags(key: str, value: object, label: str) -> None:
    assert flag_label(key, value) == label


def test_the_json_report_shows_each_setting_under_its_declared_name() -> None:
    from ownership.reports.common import policy_document

    policy = resolve(profile=None, policy_file=None, flags={"threshold": 30, "pass_through": 60}, as_of=DAY).policy
    document = policy_document(policy)
    named = {s.name: s.json for s in SETTINGS if s.json is not None}
    assert set(named.values()) <= set(document)
    assert document[named["threshold"]] == 30.0
    assert document[named["pass_through"]] == 60.0
    assert set(document["origins"]) == {*POLICY_KEYS, "watchlists", "fail_on"}
