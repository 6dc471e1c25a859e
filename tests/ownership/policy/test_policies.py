"""Tests for ownership.policy: shipped rule profiles, policy files, layering, dated rules and errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ownership.errors import PolicyError
from ownership.model import Comparison, ControlMode, HomeBasis, Method, Weights
from ownership.policy import (
    PolicyFile,
    Profile,
    Resolved,
    find_project_policy,
    load_policy_file,
    profile_table,
    profiles,
    resolve,
)
from ownership.policy.profiles import parse_profile

GT, GE = Comparison.GT, Comparison.GE
CASCADE, EITHER = Method.CASCADE, Method.EITHER
REPORT, POSSIBLE, TAINTS = ControlMode.REPORT, ControlMode.POSSIBLE, ControlMode.TAINTS

#: A day on which every shipped profile is in force and the EU's current criterion applies.
ALL_IN_FORCE = date(2027, 8, 1)

ORIGIN_KEYS = {
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
    "fail_on",
    "watchlists",
}


def run(
    profile: str | None = None,
    policy_file: PolicyFile | None = None,
    /,
    *,
    day: date | None = ALL_IN_FORCE,
    **flags: object,
) -> Resolved:
    """``resolve`` with the flags as keyword arguments; ``day`` is resolve's ``as_of`` argument."""
    return resolve(profile=profile, policy_file=policy_file, flags=flags, as_of=day)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def project(tmp_path: Path, text: str) -> PolicyFile:
    write(tmp_path, "exposure.toml", text)
    found = find_project_policy(tmp_path)
    assert found is not None
    return found


def error_of(tmp_path: Path, text: str, name: str = "exposure.toml") -> str:
    write(tmp_path, name, text)
    with pytest.raises(PolicyError) as caught:
        find_project_policy(tmp_path)
    return caught.value.one_line()


# --- the shipped profiles against their sources -----------------------------------------------------------

# name, threshold, comparison, method, aggregate, control, pass-through, pass-through comparison,
# in force from, suspensions, a phrase the source must cite
PROFILE_TABLE = [
    ("default", 0.50, GT, CASCADE, True, REPORT, None, None, None, (), "more than 50% owned, directly or indirectly"),
    ("ofac", 0.50, GE, CASCADE, True, REPORT, None, None, None, (), "Revised Guidance on Entities Owned by Persons"),
    (
        "bis", 0.50, GE, CASCADE, True, REPORT, None, None, date(2025, 9, 29),
        ((date(2025, 11, 10), date(2026, 11, 9)),), "Expansion of End-User Controls To Cover Affiliates",
    ),
    ("eu", 0.50, GE, CASCADE, True, POSSIBLE, None, None, None, (), "EU Best Practices"),
    ("uk", 0.50, GT, CASCADE, False, TAINTS, None, None, None, (), "OFSI"),
    ("amlr", 0.25, GE, EITHER, False, TAINTS, 0.50, GT, date(2027, 7, 10), (), "Regulation (EU) 2024/1624"),
]  # fmt: skip


@pytest.mark.parametrize(
    (
        "name",
        "threshold",
        "comparison",
        "method",
        "aggregate",
        "control",
        "through",
        "through_cmp",
        "start",
        "stops",
        "cite",
    ),
    PROFILE_TABLE,
)
def test_profile_parameters_follow_their_source(
    name: str,
    threshold: float,
    comparison: Comparison,
    method: Method,
    aggregate: bool,
    control: ControlMode,
    through: float | None,
    through_cmp: Comparison | None,
    start: date | None,
    stops: tuple[tuple[date, date], ...],
    cite: str,
) -> None:
    policy = run(name).policy
    assert policy.name == name
    assert policy.threshold == pytest.approx(threshold)
    assert policy.comparison is comparison
    assert policy.method is method
    assert policy.aggregate is aggregate
    assert policy.control is control
    assert policy.pass_through_threshold == (None if through is None else pytest.approx(through))
    assert policy.pass_through_comparison is through_cmp
    assert policy.home is HomeBasis.EITHER
    assert policy.weights is Weights.EQUITY
    assert policy.jurisdictions == frozenset()  # watched countries are never part of a profile
    assert policy.in_force
    profile = profiles()[name]
    assert profile.in_force_from == start
    assert tuple((s.start, s.end) for s in profile.suspensions) == stops
    assert cite in profile.source
    assert policy.source == profile.source
    assert policy.description == profile.description


def test_the_shipped_profiles_in_order_with_a_one_sentence_description() -> None:
    shipped = profiles()
    assert list(shipped) == ["default", "ofac", "bis", "eu", "uk", "amlr"]
    for profile in shipped.values():
        assert isinstance(profile, Profile)
        assert profile.title
        assert profile.description.endswith(".")
        assert ". " not in profile.description.rstrip(".")
        assert "jurisdictions" not in profile.settings


def test_profiles_returns_a_copy_of_the_cached_profiles() -> None:
    first = profiles()
    first.pop("ofac")
    again = profiles()
    assert "ofac" in again
    assert again["uk"] is profiles()["uk"]


def test_bis_suggests_the_most_restrictive_label_order() -> None:
    assert run("bis").policy.label_order == ("Entity List", "MEU List")
    assert run("ofac").policy.label_order == ()


def test_profile_table_rows() -> None:
    rows = {row["name"]: row for row in profile_table()}
    assert list(rows) == ["default", "ofac", "bis", "eu", "uk", "amlr"]
    keys = ["name", "threshold", "method", "aggregate", "control", "home", "in force", "description", "source"]
    assert all(list(row) == keys for row in rows.values())
    assert rows["default"]["threshold"] == "more than 50%"
    assert rows["ofac"]["threshold"] == "at least 50%"
    assert rows["eu"]["threshold"] == "at least 50% (more than 50% until 2024-07-02)"
    assert rows["amlr"]["threshold"] == "at least 25%; passes through more than 50%"
    assert rows["uk"]["aggregate"] == "no"
    assert rows["eu"]["control"] == "possible"
    assert rows["amlr"]["method"] == "either"
    assert rows["ofac"]["in force"] == "always"
    assert rows["bis"]["in force"] == "from 2025-09-29; suspended 2025-11-10 to 2026-11-09"
    assert rows["amlr"]["in force"] == "from 2027-07-10"


# --- dated rules -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "comparison", "when"),
    [
        (date(2020, 1, 1), GT, "until 2024-07-02"),
        (date(2024, 7, 2), GT, "until 2024-07-02"),
        (date(2024, 7, 3), GE, "from 2024-07-03"),
        (date(2026, 1, 1), GE, "from 2024-07-03"),
    ],
)
def test_eu_comparison_changed_on_2024_07_03(day: date, comparison: Comparison, when: str) -> None:
    policy = run("eu", day=day).policy
    assert policy.comparison is comparison
    assert policy.in_force
    assert when in policy.note
    assert policy.origins["comparison"] == f"profile eu ({when})"
    assert policy.origins["threshold"] == "profile eu"


@pytest.mark.parametrize(
    ("day", "in_force", "says"),
    [
        (date(2025, 9, 28), False, "not in force on 2025-09-28: it applies from 2025-09-29"),
        (date(2025, 9, 29), True, ""),
        (date(2025, 10, 1), True, ""),
        (date(2025, 11, 9), True, ""),
        (date(2025, 11, 10), False, "BIS Affiliates Rule suspended from 2025-11-10 to 2026-11-09"),
        (date(2026, 5, 1), False, "BIS Affiliates Rule suspended from 2025-11-10 to 2026-11-09"),
        (date(2026, 11, 9), False, "BIS Affiliates Rule suspended from 2025-11-10 to 2026-11-09"),
        (date(2026, 11, 10), True, ""),
    ],
)
def test_bis_in_force_and_suspension(day: date, in_force: bool, says: str) -> None:
    policy = run("bis", day=day).policy
    assert policy.in_force is in_force
    assert policy.as_of == day
    if says:
        assert says in policy.note
    else:
        assert policy.note == ""
    # the parameters stay the same: a rule that is not in force is still shown, with its note
    assert (policy.threshold, policy.comparison) == (0.5, GE)


@pytest.mark.parametrize(
    ("day", "in_force"),
    [(date(2024, 1, 1), False), (date(2027, 7, 9), False), (date(2027, 7, 10), True), (date(2030, 1, 1), True)],
)
def test_amlr_applies_from_2027_07_10(day: date, in_force: bool) -> None:
    policy = run("amlr", day=day).policy
    assert policy.in_force is in_force
    assert ("applies from 2027-07-10" in policy.note) is not in_force


def test_a_file_or_flag_setting_wins_over_a_dated_period(tmp_path: Path) -> None:
    file = project(tmp_path, 'comparison = "gt"\n')
    policy = run("eu", file, day=date(2025, 1, 1)).policy
    assert policy.comparison is GT
    assert policy.origins["comparison"] == "exposure.toml"
    assert "comparison set by exposure.toml instead" in policy.note
    policy = run("eu", day=date(2024, 1, 1), comparison="ge").policy
    assert policy.comparison is GE
    assert policy.origins["comparison"] == "--comparison"
    assert "until 2024-07-02" in policy.note


# --- layering and origins ----------------------------------------------------------------------------------


def test_nothing_given_is_the_default_profile() -> None:
    resolved = run(day=None)
    policy = resolved.policy
    assert policy.name == "default"
    assert (policy.threshold, policy.comparison, policy.method, policy.aggregate) == (0.5, GT, CASCADE, True)
    assert policy.as_of == date.today()
    assert policy.in_force and policy.note == ""
    assert set(policy.origins) == ORIGIN_KEYS
    assert policy.origins["threshold"] == "profile default"
    assert policy.origins["weights"] == "default"
    assert policy.origins["jurisdictions"] == "default"
    assert policy.origins["as_of"] == "default (today)"
    assert resolved.fail_on is None
    assert resolved.watchlists == ()


@pytest.mark.parametrize(
    ("use_profile", "file_text", "flags", "threshold", "origin"),
    [
        (False, "", {}, 0.50, "profile default"),
        (True, "", {}, 0.50, "profile ofac"),
        (True, "threshold = 40\n", {}, 0.40, "exposure.toml"),
        (True, "threshold = 40\n", {"threshold": 30.0}, 0.30, "--threshold"),
        (False, "threshold = 40\n", {"threshold": 30.0}, 0.30, "--threshold"),
        (False, "threshold = 40\n", {}, 0.40, "exposure.toml"),
    ],
)
def test_flag_beats_file_beats_profile_beats_default(
    tmp_path: Path, use_profile: bool, file_text: str, flags: dict[str, object], threshold: float, origin: str
) -> None:
    file = project(tmp_path, file_text) if file_text else None
    policy = resolve(profile="ofac" if use_profile else None, policy_file=file, flags=flags, as_of=None).policy
    assert policy.threshold == pytest.approx(threshold)
    assert policy.origins["threshold"] == origin


def test_origins_of_every_layer(tmp_path: Path) -> None:
    file = project(tmp_path, 'method = "lookthrough"\njurisdictions = ["PRC", "Hong Kong"]\n')
    policy = run(
        "uk", file, comparison="ge", control="report", pass_through=40, allow_overallocation=True, day=None
    ).policy
    assert policy.jurisdictions == frozenset({"CN", "HK"})
    assert policy.origins == {
        "jurisdictions": "exposure.toml",
        "threshold": "profile uk",
        "comparison": "--comparison",
        "pass_through": "--pass-through",
        "pass_through_comparison": "default",
        "method": "exposure.toml",
        "home": "profile uk",
        "aggregate": "profile uk",
        "weights": "default",
        "control": "--control",
        "allow_overallocation": "--allow-overallocation",
        "unrecorded_holders": "default",
        "label_order": "default",
        "as_of": "default (today)",
        "fail_on": "default",
        "watchlists": "default",
    }
    assert policy.pass_through_threshold == pytest.approx(0.4)
    assert policy.aggregate is False
    assert policy.allow_overallocation is True


def test_the_profile_argument_beats_the_file_profile_key(tmp_path: Path) -> None:
    file = project(tmp_path, 'profile = "uk"\n')
    assert run("ofac", file).policy.name == "ofac"
    assert run("ofac", file).policy.comparison is GE
    from_file = run(None, file).policy
    assert from_file.name == "uk"
    assert from_file.aggregate is False
    assert from_file.origins["aggregate"] == "profile uk"


def test_the_file_names_and_describes_the_policy(tmp_path: Path) -> None:
    file = project(
        tmp_path,
        'profile = "ofac"\nname = "vendor gate"\ndescription = "Our onboarding rule."\nsource = "Policy 7.2"\n',
    )
    policy = run(None, file).policy
    assert (policy.name, policy.description, policy.source) == ("vendor gate", "Our onboarding rule.", "Policy 7.2")
    assert policy.comparison is GE


@pytest.mark.parametrize(
    ("flag", "file_as_of", "argument", "expected", "origin"),
    [
        (date(2024, 1, 1), "2023-01-01", date(2022, 1, 1), date(2024, 1, 1), "--as-of"),
        (None, "2023-01-01", date(2022, 1, 1), date(2023, 1, 1), "exposure.toml"),
        (None, None, date(2022, 1, 1), date(2022, 1, 1), "as-of argument"),
        (None, None, None, date.today(), "default (today)"),
        ("2024-01-01", None, None, date(2024, 1, 1), "--as-of"),
    ],
)
def test_as_of_precedence(
    tmp_path: Path, flag: object, file_as_of: str | None, argument: date | None, expected: date, origin: str
) -> None:
    file = project(tmp_path, f"as_of = {file_as_of}\n") if file_as_of else None
    flags = {"as_of": flag} if flag else {}
    policy = resolve(profile=None, policy_file=file, flags=flags, as_of=argument).policy
    assert policy.as_of == expected
    assert policy.origins["as_of"] == origin


def test_the_as_of_from_the_file_decides_the_dated_rules(tmp_path: Path) -> None:
    file = project(tmp_path, 'profile = "bis"\nas_of = 2025-12-01\n')
    policy = run(None, file, day=date(2025, 10, 1)).policy
    assert not policy.in_force
    assert "suspended" in policy.note


def test_fail_on_and_watchlists_flags_beat_the_file(tmp_path: Path) -> None:
    file = project(tmp_path, 'fail_on = "possible"\nwatchlists = ["lists/sdn.csv"]\n')
    from_file = run(None, file)
    assert from_file.fail_on == "possible"
    assert from_file.watchlists == (tmp_path / "lists" / "sdn.csv",)
    from_flags = run(None, file, fail_on="never", watchlists=[Path("mine.xlsx")])
    assert from_flags.fail_on == "never"
    assert from_flags.watchlists == (Path("mine.xlsx"),)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (["CN", "HK"], {"CN", "HK"}),
        (["CN,HK", "MO"], {"CN", "HK", "MO"}),
        ("CHN, Hong Kong SAR", {"CN", "HK"}),
        (["PRC", "China"], {"CN"}),
    ],
)
def test_jurisdiction_flags_are_normalised(value: object, expected: set[str]) -> None:
    policy = run(jurisdictions=value).policy
    assert policy.jurisdictions == frozenset(expected)
    assert policy.origins["jurisdictions"] == "-j"


def test_flags_given_as_none_are_not_given() -> None:
    policy = run("ofac", threshold=None, comparison=None).policy
    assert policy.origins["threshold"] == "profile ofac"


@given(st.floats(min_value=0.001, max_value=100, allow_nan=False))
def test_any_percentage_in_range_becomes_its_fraction(percent: float) -> None:
    assert run(threshold=percent).policy.threshold == pytest.approx(percent / 100)


@given(st.one_of(st.floats(max_value=0), st.floats(min_value=100.0001), st.just(float("nan"))))
def test_percentages_out_of_range_are_rejected(percent: float) -> None:
    with pytest.raises(PolicyError, match=r"--threshold: .* is not a percentage above 0 and at most 100"):
        run(threshold=percent)


# --- policy files: discovery, labels, paths ----------------------------------------------------------------


def test_exposure_toml_is_found_in_the_working_directory(tmp_path: Path) -> None:
    file = project(tmp_path, 'profile = "ofac"\nthreshold = 25\njurisdictions = "CN, HK"\n')
    assert file.path == tmp_path / "exposure.toml"
    assert file.label == "exposure.toml"
    assert dict(file.settings) == {"profile": "ofac", "threshold": 25.0, "jurisdictions": ("CN", "HK")}


def test_tool_exposure_in_pyproject_toml(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[project]\nname = "x"\n\n[tool.exposure]\nthreshold = 30\nfail_on = "never"\n')
    file = find_project_policy(tmp_path)
    assert file is not None
    assert file.label == "pyproject.toml [tool.exposure]"
    resolved = run(None, file)
    assert resolved.policy.threshold == pytest.approx(0.3)
    assert resolved.policy.origins["threshold"] == "pyproject.toml [tool.exposure]"
    assert resolved.fail_on == "never"


def test_exposure_toml_wins_over_pyproject(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", "[tool.exposure]\nthreshold = 30\n")
    write(tmp_path, "exposure.toml", "threshold = 20\n")
    file = find_project_policy(tmp_path)
    assert file is not None and file.label == "exposure.toml"
    assert file.settings["threshold"] == 20.0


def test_no_project_policy(tmp_path: Path) -> None:
    assert find_project_policy(tmp_path) is None
    write(tmp_path, "pyproject.toml", '[project]\nname = "x"\n[tool.ruff]\nline-length = 100\n')
    assert find_project_policy(tmp_path) is None


def test_load_policy_file_labels_it_by_the_option(tmp_path: Path) -> None:
    path = write(tmp_path, "team.toml", 'profile = "eu"\n')
    file = load_policy_file(path)
    assert file.label == f"--policy {path}"
    assert run(None, file).policy.name == "eu"
    pyproject = write(tmp_path, "sub/pyproject.toml", "[tool.exposure]\nthreshold = 10\n")
    assert load_policy_file(pyproject).settings["threshold"] == 10.0


def test_watchlist_paths_resolve_against_the_policy_file_folder(tmp_path: Path) -> None:
    absolute = tmp_path / "elsewhere" / "entity_list.xlsx"
    path = write(tmp_path, "policies/team.toml", f'watchlists = ["sdn.csv", "../lists/meu.csv", "{absolute}"]\n')
    file = load_policy_file(path)
    assert run(None, file).watchlists == (
        tmp_path / "policies" / "sdn.csv",
        tmp_path / "policies" / ".." / "lists" / "meu.csv",
        absolute,
    )
    single = load_policy_file(write(tmp_path, "other/team.toml", 'watchlists = "sdn.csv"\n'))
    assert run(None, single).watchlists == (tmp_path / "other" / "sdn.csv",)


# --- errors name the file and the key ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("treshold = 30\n", "exposure.toml: unknown key 'treshold' (did you mean 'threshold'?); known keys:"),
        ("pass-through = 30\n", "unknown key 'pass-through' (did you mean 'pass_through'?)"),
        ("jurisdiction = 'CN'\n", "unknown key 'jurisdiction' (did you mean 'jurisdictions'?)"),
        ("threshold = 150\n", "exposure.toml: key 'threshold': 150 is not a percentage above 0 and at most 100"),
        ("threshold = 0\n", "exposure.toml: key 'threshold': 0 is not a percentage above 0 and at most 100"),
        ("threshold = 'half'\n", "exposure.toml: key 'threshold': 'half' is not a percentage"),
        ("threshold = true\n", "exposure.toml: key 'threshold': true is not a percentage"),
        ("pass_through = -5\n", "exposure.toml: key 'pass_through': -5 is not a percentage above 0"),
        ("comparison = 'gte'\n", "exposure.toml: key 'comparison': 'gte' is not one of gt (more than), ge (at least)"),
        ("method = 'multiply'\n", "exposure.toml: key 'method': 'multiply' is not one of cascade, lookthrough, either"),
        ("home = 'hq'\n", "exposure.toml: key 'home': 'hq' is not one of headquarters, incorporation, either"),
        ("control = 'yes'\n", "exposure.toml: key 'control': 'yes' is not one of report, possible, taints"),
        ("fail_on = 'flaged'\n", "exposure.toml: key 'fail_on': 'flaged' is not one of flagged, possible, never"),
        (
            "jurisdictions = ['CN', 'Chinaa']\n",
            "exposure.toml: key 'jurisdictions': country 'Chinaa' was not recognised",
        ),
        ("jurisdictions = [86]\n", "exposure.toml: key 'jurisdictions': 86 is not a country code or name"),
        ("aggregate = 'yes'\n", "exposure.toml: key 'aggregate': 'yes' is not true or false"),
        ("allow_overallocation = 1\n", "exposure.toml: key 'allow_overallocation': 1 is not true or false"),
        ("label_order = 'Entity List'\n", "exposure.toml: key 'label_order': 'Entity List' is not a list of labels"),
        ("as_of = 2025-01-01T10:00:00\n", "exposure.toml: key 'as_of': 2025-01-01T10:00:00 is a date and time"),
        ("as_of = 'soon'\n", "exposure.toml: key 'as_of': 'soon' is not a date (YYYY-MM-DD)"),
        ("watchlists = [1]\n", "exposure.toml: key 'watchlists': 1 is not a file path"),
        ("profile = 'ofak'\n", "exposure.toml: key 'profile': unknown profile 'ofak' (did you mean 'ofac'?)"),
        ("name = ''\n", "exposure.toml: key 'name': '' is not a non-empty text"),
        ("[tool.exposure]\nthreshold = 30\n", "exposure.toml: unknown key 'tool'"),
    ],
)
def test_bad_keys_and_values_name_the_file_and_key(tmp_path: Path, text: str, expected: str) -> None:
    assert expected in error_of(tmp_path, text)


def test_an_unknown_profile_lists_the_known_ones(tmp_path: Path) -> None:
    message = error_of(tmp_path, 'profile = "fatf"\n')
    assert "known profiles: default, ofac, bis, eu, uk, amlr" in message
    with pytest.raises(PolicyError, match="unknown profile 'sdn'; known profiles: default, ofac, bis, eu, uk, amlr"):
        run("sdn")


def test_toml_syntax_error_names_the_file_and_line(tmp_path: Path) -> None:
    message = error_of(tmp_path, 'profile = "ofac"\n\nthreshold = = 30\n')
    assert message.startswith("exposure.toml: line 3, column ")
    assert "not valid TOML" in message
    message = error_of(tmp_path, 'profile = "ofac"\nname = "unterminated\n')
    assert message.startswith("exposure.toml: line 2")


def test_pyproject_errors_name_the_table(tmp_path: Path) -> None:
    message = error_of(tmp_path, "[tool.exposure]\nthreshold = 150\n", name="pyproject.toml")
    assert message.startswith("pyproject.toml [tool.exposure]: key 'threshold': 150 is not a percentage")
    message = error_of(tmp_path, "[tool.exposure]\nthreshold 150\n", name="pyproject.toml")
    assert message.startswith("pyproject.toml: line 2")


def test_policy_option_errors_name_the_file_as_given(tmp_path: Path) -> None:
    path = write(tmp_path, "team.toml", 'comparison = "more"\n')
    with pytest.raises(PolicyError) as caught:
        load_policy_file(path)
    assert caught.value.one_line().startswith(f"{path}: key 'comparison': 'more' is not one of gt")
    with pytest.raises(PolicyError) as missing:
        load_policy_file(tmp_path / "nope.toml")
    assert missing.value.one_line() == f"{tmp_path / 'nope.toml'}: policy file not found"
    with pytest.raises(PolicyError, match=r"has no \[tool.exposure\] table"):
        load_policy_file(write(tmp_path, "pyproject.toml", "[project]\n"))


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ({"threshold": 150.0}, "--threshold: 150 is not a percentage above 0 and at most 100"),
        ({"pass_through": 0.0}, "--pass-through: 0 is not a percentage above 0 and at most 100"),
        ({"jurisdictions": ["CN", "Chinaa"]}, "-j: country 'Chinaa' was not recognised"),
        ({"comparison": "over"}, "--comparison: 'over' is not one of gt (more than), ge (at least)"),
        ({"as_of": "tomorrow"}, "--as-of: 'tomorrow' is not a date (YYYY-MM-DD)"),
        ({"treshold": 30.0}, "unknown option 'treshold' (did you mean 'threshold'?)"),
        ({"profile": "ofac"}, "unknown option 'profile'"),
    ],
)
def test_bad_flags_name_the_option(flags: dict[str, object], expected: str) -> None:
    with pytest.raises(PolicyError) as caught:
        resolve(profile=None, policy_file=None, flags=flags, as_of=None)
    assert expected in caught.value.one_line()


def test_comparison_words_are_accepted(tmp_path: Path) -> None:
    assert run(comparison="at least").policy.comparison is GE
    assert run(comparison="More Than").policy.comparison is GT
    assert run(method="look-through").policy.method is Method.LOOKTHROUGH


# --- profile files (the shipped ones are checked above; these are the rules for writing them) ---------------

GOOD_HEADER = 'name = "x"\ntitle = "X rule"\ndescription = "A rule."\nsource = "Somewhere."\nthreshold = 50\n'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (GOOD_HEADER.replace('title = "X rule"\n', ""), "key 'title': a non-empty text is required"),
        (GOOD_HEADER + 'jurisdictions = ["CN"]\n', "unknown key 'jurisdictions'"),
        (GOOD_HEADER + "[[suspended]]\nfrom = 2025-02-01\nto = 2025-01-01\n", "'from' first"),
        (GOOD_HEADER + "[[suspended]]\nfrom = 2025-01-01\nuntil = 2025-02-01\n", "unknown key 'until'"),
        (GOOD_HEADER + "[[period]]\nfrom = 2025-01-01\n", "[[period]] 1: sets no setting"),
        (GOOD_HEADER + "[[period]]\ncomparison = 'ge'\n", "needs a 'from' or an 'until' date"),
        (GOOD_HEADER + "[[period]]\nuntil = 2025-01-01\ncomparsion = 'ge'\n", "did you mean 'comparison'?"),
        (
            GOOD_HEADER + "[[period]]\nuntil = 2025-01-01\ncomparison = 'gt'\n"
            "[[period]]\nfrom = 2025-01-01\ncomparison = 'ge'\n",
            "[[period]] 2: overlaps the period until 2025-01-01",
        ),
    ],
)
def test_profile_file_errors(text: str, expected: str) -> None:
    with pytest.raises(PolicyError) as caught:
        parse_profile(text, "x.toml")
    assert caught.value.one_line().startswith("x.toml: ")
    assert expected in caught.value.one_line()


def test_a_profile_period_and_end_of_force() -> None:
    profile = parse_profile(
        GOOD_HEADER + "in_force_until = 2030-12-31\n[[period]]\nfrom = 2026-01-01\nthreshold = 25\nnote = 'lower'\n",
        "x.toml",
    )
    assert profile.on(date(2025, 1, 1)).in_force
    assert profile.on(date(2025, 1, 1)).period is None
    on = profile.on(date(2026, 1, 1))
    assert on.period is not None and on.period.settings == {"threshold": 25.0}
    assert not profile.on(date(2031, 1, 1)).in_force
    assert "applied until 2030-12-31" in profile.on(date(2031, 1, 1)).reason
