"""Named rule profiles and TOML policy files, resolved for one as-of date into a concrete ``Policy``.

Regimes disagree on the threshold, the comparison, aggregation and control (``docs/rules.md`` section 5), so a
compliance team names the rule it applies (``--profile ofac``), pins it in version control (``exposure.toml``
or ``[tool.exposure]`` in ``pyproject.toml``, or ``--policy FILE``), and overrides single settings with flags.

Every setting is declared once in ``ownership.policy.schema`` (``SETTINGS``: name and TOML key, kind,
default, choices or range, flag, help, JSON name); policy files, profiles, flags and the CLI's options follow
from it. Percentages in files and flags, fractions in ``Policy``; relative watch-list paths resolve against
the policy file's folder.

Usage::

    project = find_project_policy(Path.cwd())
    resolved = resolve(profile="ofac", policy_file=project, flags={"threshold": 30.0}, as_of=None)
    resolved.policy.origins["threshold"]  # "--threshold"
"""

from ownership.policy.files import PolicyFile, find_project_policy, load_policy_file
from ownership.policy.profiles import Period, Profile, RulesOn, Suspension, profile_table, profiles
from ownership.policy.resolve import Resolved, resolve
from ownership.policy.schema import SETTINGS, Setting

__all__ = [
    "SETTINGS",
    "Period",
    "PolicyFile",
    "Profile",
    "Resolved",
    "RulesOn",
    "Setting",
    "Suspension",
    "find_project_policy",
    "load_policy_file",
    "profile_table",
    "profiles",
    "resolve",
]
