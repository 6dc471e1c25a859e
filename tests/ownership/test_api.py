"""The public Python API as a user calls it: ``import ownership``, read, from_frames, check, explain.

The small group used throughout (figures worked by hand):

    P (CN company) holds H 60%, S 10%;  X (US person) holds H 40%, S 50%;  H (HK) holds S 40%.

H is 60% held by a home entity: cascade and look-through 60%. S: the cascade counts H (tainted, 60% > 50%)
in full, 40% + P's 10% = exactly 50%; the look-through multiplies, 0.6 x 0.4 + 0.10 = 34%. So S is clear
under "more than 50%" (default) and flagged under "at least 50%" (ofac).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import ownership

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "samples" / "cap_table.xlsx"
EXPOSURE = Path(sys.executable).with_name("exposure")


def _entities() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["P", "H", "S", "X"],
            "name": ["Pearl Holdings", "Harbour HK Ltd", "Strait Systems Pte Ltd", "Xavier Smith"],
            "type": ["company", "company", "company", "person"],
            "jurisdiction": ["CN", "HK", "SG", "US"],
        }
    )


def _holdings() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "holder": ["P", "X", "H", "P", "X"],
            "subject": ["H", "H", "S", "S", "S"],
            "percent": [60, "40%", 40.0, 10, 50],
        }
    )


def _group() -> ownership.OwnershipData:
    return ownership.from_frames(_entities(), _holdings())


# ------------------------------------------------------------------------------------------- import ownership


def test_importing_the_package_and_the_model_loads_nothing_heavy() -> None:
    code = (
        "import sys, ownership, ownership.model, ownership.errors\n"
        "names = ownership.__all__\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'numpy', 'scipy', 'pandas', 'pyarrow', 'openpyxl'}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert done.stdout.strip() == "[]"


def test_every_exported_name_is_there_and_documented() -> None:
    for name in ownership.__all__:
        value = getattr(ownership, name)
        assert (value.__doc__ or "").strip(), name
    assert {"read", "from_frames", "check", "explain", "InputError", "PolicyError"} <= set(ownership.__all__)


def test_check_and_explain_are_the_api_functions_even_after_the_engine_is_imported() -> None:
    # The pipeline and the reasons live in modules of other names (pipeline, explanation), so importing them
    # never rebinds ownership.check or ownership.explain to a module.
    import ownership.explanation.explainer
    import ownership.pipeline
    from ownership import api

    assert ownership.check is api.check and ownership.explain is api.explain
    assert ownership.pipeline.check.__module__ == "ownership.pipeline"
    result = ownership.check(_group(), jurisdictions=["CN"])
    assert result.verdict("H").status is ownership.Status.FLAGGED


# -------------------------------------------------------------------------------------------- from_frames


def test_figures_of_a_small_group_read_from_frames() -> None:
    result = ownership.check(_group(), jurisdictions=["CN"])
    h, s = result.verdict("H"), result.verdict("S")
    assert (h.cascade.low, h.cascade.high) == pytest.approx((0.60, 0.60))
    assert (h.lookthrough.low, h.lookthrough.high) == pytest.approx((0.60, 0.60))
    assert (s.cascade.low, s.cascade.high) == pytest.approx((0.50, 0.50))
    assert (s.lookthrough.low, s.lookthrough.high) == pytest.approx((0.34, 0.34))
    assert [v.status.value for v in result.entities] == ["home", "flagged", "clear", "clear"]
    assert result.summary.to_dict() == {
        "entities": 4,
        "home": 1,
        "flagged": 1,
        "possible": 0,
        "clear": 2,
        "verdict": "flagged",
        "holdings": 5,
        "targets": [],
    }
    assert result.source.format == "frames"
    assert result.warnings == ()


def test_frames_take_the_workbook_aliases() -> None:
    holdings = _holdings().rename(columns={"holder": "Shareholder", "subject": "Company", "percent": "% held"})
    entities = _entities().rename(columns={"id": "Entity ID", "jurisdiction": "Country of incorporation"})
    result = ownership.check(ownership.from_frames(entities, holdings), jurisdictions=["China"])
    assert result.verdict("S").lookthrough.low == pytest.approx(0.34)


def test_frames_without_entities_take_countries_from_the_holdings() -> None:
    holdings = pd.DataFrame(
        {
            "holder": ["Pearl", "Harbour"],
            "holder_jurisdiction": ["CN", "HK"],
            "subject": ["Harbour", "Strait"],
            "subject_jurisdiction": ["HK", "SG"],
            "percent": ["75%", "80%"],
        }
    )
    result = ownership.check(ownership.from_frames(None, holdings), jurisdictions=["CN"])
    # Strait: Harbour is tainted (75% > 50%) and passes its whole 80%; look-through 0.75 x 0.8 = 60%.
    strait = result.verdict("Strait")
    assert strait.cascade.low == pytest.approx(0.80)
    assert strait.lookthrough.low == pytest.approx(0.60)


def test_a_bad_cell_in_a_frame_names_its_row_and_column() -> None:
    holdings = _holdings()
    holdings.loc[3, "percent"] = "about ten"
    with pytest.raises(ownership.InputError) as caught:
        ownership.from_frames(_entities(), holdings)
    where = caught.value.where
    assert where is not None
    # iloc[3] is row 5: the header is row 1, as in the frame's to_csv(index=False).
    assert (where.file, where.row, where.column, where.header) == ("frames holdings", 5, 3, "percent")
    assert caught.value.one_line().startswith("frames holdings, row 5, column C (percent): 'about ten'")


def test_a_frame_without_a_holder_column_is_a_located_error() -> None:
    holdings = _holdings().rename(columns={"holder": "who"})
    with pytest.raises(ownership.InputError, match="holder"):
        ownership.from_frames(_entities(), holdings, name="q3")


def test_an_unknown_country_in_a_frame_is_an_error_naming_the_cell() -> None:
    entities = _entities()
    entities.loc[1, "jurisdiction"] = "Hongkongistan"
    with pytest.raises(ownership.InputError) as caught:
        ownership.from_frames(entities, _holdings(), name="kyc")
    assert caught.value.where is not None
    assert (caught.value.where.file, caught.value.where.row) == ("kyc entities", 3)


def test_missing_values_in_a_frame_are_blank_cells() -> None:
    entities = _entities()
    entities.loc[3, "jurisdiction"] = None  # X's country unknown: its 50% of S could be Chinese
    result = ownership.check(ownership.from_frames(entities, _holdings()), jurisdictions=["CN"])
    s = result.verdict("S")
    # Low: 40% (H, tainted) + 10% (P) = 50%; high: X's 50% too, and H may be wholly Chinese: 100%.
    assert (s.cascade.low, s.cascade.high) == pytest.approx((0.50, 1.00))
    assert (s.lookthrough.low, s.lookthrough.high) == pytest.approx((0.34, 1.00))
    assert s.status.value == "possible"
    assert [w.code for w in result.warnings] == ["unknown_country"]


def test_from_frames_refuses_what_is_not_a_frame() -> None:
    with pytest.raises(TypeError, match="DataFrame"):
        ownership.from_frames(_entities(), [("P", "S", 50)])  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------- settings


def test_profile_and_threshold_keywords() -> None:
    data = _group()
    assert ownership.check(data, jurisdictions=["CN"]).verdict("S").status.value == "clear"  # 50% is not > 50%
    ofac = ownership.check(data, jurisdictions=["CN"], profile="ofac")
    assert ofac.verdict("S").status.value == "flagged"  # 50% is at least 50%
    assert ofac.policy.name == "ofac"
    # 55%: H (60%) still passes, S (40% + 10% = 50%) does not.
    higher = ownership.check(data, jurisdictions=["CN"], profile="ofac", threshold=55)
    assert higher.policy.threshold == pytest.approx(0.55)
    assert [higher.verdict(i).status.value for i in ("H", "S")] == ["flagged", "clear"]
    assert higher.policy.origins["threshold"] == "check(threshold=)"
    assert higher.policy.origins["comparison"] == "profile ofac"
    look = ownership.check(data, jurisdictions=["CN"], method="lookthrough", threshold=30)
    assert look.verdict("S").status.value == "flagged"  # 34% > 30%


def test_a_policy_file_and_targets() -> None:
    data = _group()
    gate = ownership.check(data, jurisdictions=["CN"], targets=["Strait Systems Pte Ltd"], fail_on="possible")
    assert gate.targets == ("S",)
    assert gate.fail_on.value == "possible"
    assert gate.exit_code() == 0  # S is clear; H is flagged but does not decide


def test_a_policy_file_gives_settings_the_keywords_override(tmp_path: Path) -> None:
    policy = tmp_path / "team.toml"
    policy.write_text('profile = "ofac"\njurisdictions = ["CN"]\nthreshold = 55\n', encoding="utf-8")
    from_file = ownership.check(_group(), policy_file=policy)
    assert from_file.verdict("S").status.value == "clear"  # 50% < 55%
    overridden = ownership.check(_group(), policy_file=policy, threshold=50)
    assert overridden.verdict("S").status.value == "flagged"  # at least 50%, from the file's profile
    assert overridden.policy.origins["comparison"] == "profile ofac"


def test_an_unknown_keyword_is_the_policy_error_naming_the_closest_setting() -> None:
    with pytest.raises(ownership.PolicyError, match=r"'threshhold' \(did you mean 'threshold'\?\)"):
        ownership.check(_group(), jurisdictions=["CN"], threshhold=50)


def test_a_bad_value_and_an_unknown_profile_are_policy_errors() -> None:
    with pytest.raises(ownership.PolicyError, match="150"):
        ownership.check(_group(), jurisdictions=["CN"], threshold=150)
    with pytest.raises(ownership.PolicyError, match="ofca"):
        ownership.check(_group(), jurisdictions=["CN"], profile="ofca")
    with pytest.raises(ownership.PolicyError, match="nothing to watch"):
        ownership.check(_group())


# ---------------------------------------------------------------------------------------------- to_frame


def test_to_frame_has_the_csv_report_columns_and_figures_in_percent() -> None:
    frame = ownership.check(_group(), jurisdictions=["CN"]).to_frame()
    from ownership.reports.csv_report import COLUMNS

    assert list(frame.columns) == COLUMNS
    assert len(frame) == 4
    # Report order: flagged H, home P, then the clear ones by id.
    assert list(frame["id"]) == ["H", "P", "S", "X"]
    s = frame.set_index("id").loc["S"]
    assert s["status"] == "clear"
    assert (s["cascade_low_pct"], s["cascade_high_pct"]) == pytest.approx((50.0, 50.0))
    assert (s["lookthrough_low_pct"], s["lookthrough_high_pct"]) == pytest.approx((34.0, 34.0))
    assert s["name"] == "Strait Systems Pte Ltd"


def test_to_frame_equals_the_csv_report_of_the_sample(tmp_path: Path) -> None:
    out = tmp_path / "report.csv"
    done = subprocess.run(
        [str(EXPOSURE), "check", str(SAMPLE), "-j", "CN", "--no-policy-file", "-o", str(out), "-q"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 1, done.stderr
    from_cli = pd.read_csv(out, keep_default_na=False)
    frame = ownership.check(ownership.read(SAMPLE), jurisdictions=["CN"]).to_frame()
    assert list(frame["id"]) == list(from_cli["id"])
    assert list(frame["status"]) == list(from_cli["status"])
    # The same figures to the last digit the report writes, and the same words.
    for column in ("cascade_low_pct", "cascade_high_pct", "lookthrough_low_pct", "lookthrough_high_pct"):
        assert list(frame[column]) == list(from_cli[column])
    for column in ("name", "type", "jurisdiction", "headquarters", "decides", "reason", "labels", "most_restrictive"):
        assert list(frame[column]) == list(from_cli[column]), column


# --------------------------------------------------------------------------------------------- explain


def _exposure(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"FORCE_COLOR", "TTY_COMPATIBLE", "NO_COLOR"}}
    env["COLUMNS"] = "80"
    return subprocess.run(
        [str(EXPOSURE), *args], capture_output=True, text=True, cwd=cwd, env=env, stdin=subprocess.DEVNULL
    )


def test_explain_prints_what_exposure_explain_prints(tmp_path: Path) -> None:
    shown = _exposure("explain", str(SAMPLE), "HELIO-SG", "-j", "CN", "--no-policy-file", cwd=tmp_path)
    assert shown.returncode == 1, shown.stderr
    result = ownership.check(ownership.read(SAMPLE), jurisdictions=["CN"])
    explanation = ownership.explain(result, "HELIO-SG")
    assert str(explanation) + "\n" == shown.stdout
    assert "LANTING-KY -60%-> LANTING-HK -40%-> HELIO-SG = 24%" in str(explanation)


def test_explain_to_dict_is_the_json_explain_writes(tmp_path: Path) -> None:
    shown = _exposure(
        "explain",
        str(SAMPLE),
        "HELIO-SG",
        "-j",
        "CN",
        "--profile",
        "ofac",
        "--format",
        "json",
        "--no-policy-file",
        cwd=tmp_path,
    )
    assert shown.returncode == 1, shown.stderr
    result = ownership.check(ownership.read(SAMPLE), jurisdictions=["CN"], profile="ofac")
    document = ownership.explain(result, "HELIO-SG").to_dict()
    from_cli = json.loads(shown.stdout)
    # The origins say where each setting came from: "-j" on the command line, "check(jurisdictions=)" here.
    assert from_cli["policy"].pop("origins")["jurisdictions"] == "-j"
    assert document["policy"].pop("origins")["jurisdictions"] == "check(jurisdictions=)"
    assert json.loads(json.dumps(document, ensure_ascii=False)) == from_cli


def test_explain_takes_a_unique_name_and_refuses_an_unknown_entity() -> None:
    result = ownership.check(_group(), jurisdictions=["CN"])
    assert ownership.explain(result, "strait systems pte ltd").verdict.entity.id == "S"
    with pytest.raises(ownership.PolicyError, match="'NOPE' is not an entity id or name in frames"):
        ownership.explain(result, "NOPE")


def test_explain_past_the_explain_limit_still_gives_the_derivation() -> None:
    from ownership.model import Policy
    from ownership.pipeline import check as pipeline_check

    result = pipeline_check(_group(), Policy(jurisdictions=frozenset({"CN"})), explain_limit=0)
    assert result.verdict("S").derivation is None
    explained = ownership.explain(result, "S")
    assert explained.verdict.derivation is not None
    text = str(explained)
    assert "2. H is tainted: P (CN, home) holds 60% > 50%" in text
    assert "P -60%-> H -40%-> S = 24%" in text


# -------------------------------------------------------------------------------------------- the README


def _readme_example() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Python API") :]
    section = section[: section.index("\n## ", 1)]
    found = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert found is not None
    return found.group(1)


def test_the_readme_example_runs(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOT)
    names: dict[str, Any] = {}
    exec(compile(_readme_example(), "README.md (Python API)", "exec"), names)
    out = capsys.readouterr().out
    assert out.startswith("4 flagged\n")
    assert names["result"].verdict("HELIO-SG").status.value == "flagged"
    assert "HELIO-SG  Helio Robotics Pte Ltd  (SG)  FLAGGED  under rule ofac" in out
    assert out.rstrip().endswith("clear Interval(low=0.5, high=0.5)")


def test_watchlists_keyword_reads_the_lists_and_keeps_their_warnings(tmp_path: Path) -> None:
    listed = tmp_path / "list.csv"
    listed.write_text("id,label\nX,Test list\nNOBODY,Test list\n", encoding="utf-8")
    result = ownership.check(_group(), watchlists=[listed])
    # No country is watched, only X: H is held 40% by it (not tainted); S 50% directly (not more than 50%),
    # and through H 0.4 x 0.4 = 16% more in the look-through: 66%. P, a company nobody is recorded as
    # holding, has unknown owners, so at the high bound all of S may be watched: possible, not clear.
    s, x = result.verdict("S"), result.verdict("X")
    assert (s.cascade.low, s.lookthrough.low) == pytest.approx((0.50, 0.66))
    assert (s.cascade.high, s.lookthrough.high) == pytest.approx((1.0, 1.0))
    assert s.status.value == "possible"
    assert x.status.value == "home"
    assert x.labels == ("Test list",)
    assert "watchlist_unmatched" in [w.code for w in result.warnings]
    assert result.policy.origins["watchlists"] == "check(watchlists=)"


def test_as_of_keyword_counts_the_holdings_in_force_that_day() -> None:
    data = ownership.read(SAMPLE)
    # Red Peak's 15% of NORDLICHT ended 2024-06-30: not counted today, counted on 2024-01-01 (the README's
    # sample table: 0-15% today, 15-40% as of 2024-01-01).
    today = ownership.check(data, jurisdictions=["CN"]).verdict("NORDLICHT").cascade
    before = ownership.check(data, jurisdictions=["CN"], as_of="2024-01-01").verdict("NORDLICHT").cascade
    assert (today.low, today.high) == pytest.approx((0.0, 0.15))
    assert (before.low, before.high) == pytest.approx((0.15, 0.40))
