"""Named rule profiles and TOML policy files, resolved for one as-of date into a concrete ``Policy``.

Regimes disagree on the threshold, the comparison, aggregation and control (``domain.md`` section 6), so a
compliance team names the rule it applies (``--profile ofac``), pins it in version control (``exposure.toml``
or ``[tool.exposure]`` in ``pyproject.toml``, or ``--policy FILE``), and overrides single settings with flags.

Settings (TOML keys; percentages here, fractions in ``Policy``): ``jurisdictions``, ``threshold``,
``comparison`` ("gt" | "ge"), ``pass_through``, ``pass_through_comparison``, ``method``, ``home``,
``aggregate``, ``weights``, ``control``, ``allow_overallocation``, ``watchlists`` (paths; relative ones
resolve against the policy file's folder), ``label_order``, ``fail_on``, ``as_of``, ``profile``, ``name``,
``description``, ``source``.

Usage::

    project = find_project_policy(Path.cwd())
    resolved = resolve(profile="ofac", policy_file=project, flags={"threshold": 30.0}, as_of=None)
    resolved.policy.origins["threshold"]  # "--threshold"
"""

from ownership.policy.files import PolicyFile, find_project_policy, load_policy_file
from ownership.policy.profiles import Period, Profile, RulesOn, Suspension, profile_table, profiles
from ownership.policy.resolve import Resolved, resolve

__all__ = [
    "Period",
    "PolicyFile",
    "Profile",
    "Resolved",
    "RulesOn",
    "Suspension",
    "find_project_policy",
    "load_policy_file",
    "profile_table",
    "profiles",
    "resolve",
]
