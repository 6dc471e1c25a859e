"""Resolve a profile, a policy file and command-line flags into one concrete ``Policy`` for one date.

Layering, lowest first: the built-in defaults ("default"), the profile ("profile ofac"), the profile's dated
period for the as-of date ("profile eu (until 2024-07-02)"), the policy file's own settings (its label), and
the flags the user gave ("--threshold"). Each layer replaces the settings it gives, so a setting given by a
file or a flag wins over a period too. ``Policy.origins`` records the layer each setting came from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final, TypeVar

from ownership.errors import PolicyError
from ownership.model import Policy
from ownership.policy.files import PolicyFile
from ownership.policy.profiles import get_profile
from ownership.policy.schema import SETTINGS
from ownership.policy.settings import FLAG_KEYS, POLICY_KEYS, BadValue, check_value, flag_label, unknown_key_error

#: The built-in defaults (docs/rules.md section 2), TOML-level values; None means "not set". The date is the
#: run's (``as_of`` below), not a default.
DEFAULTS: Final[Mapping[str, object]] = {
    s.name: s.default for s in SETTINGS if s.role == "policy" and s.name != "as_of"
}

DEFAULT = "default"
TODAY = "default (today)"
AS_OF_ARGUMENT = "as-of argument"

T = TypeVar("T")


@dataclass(frozen=True)
class Resolved:
    """A resolved policy and what goes with it but is not part of it.

    Attributes:
        policy: the concrete policy for the as-of date, with ``origins`` for every setting, ``fail_on`` and
            ``watchlists`` included.
        fail_on: "flagged", "possible" or "never" if a flag or the policy file gave it, else None.
        watchlists: the watch-list files to read (the caller reads them), from the flags, else the file.
    """

    policy: Policy
    fail_on: str | None
    watchlists: tuple[Path, ...]


def _typed(kind: type[T], value: object) -> T:
    if not isinstance(value, kind):  # validated before: this is a bug, not a user error
        raise TypeError(f"expected {kind.__name__}, got {type(value).__name__}")
    return value


def _flags(flags: Mapping[str, object]) -> dict[str, tuple[object, str]]:
    """The flags' values, validated, with their origin labels; None values mean "not given"."""
    given: dict[str, tuple[object, str]] = {}
    for key, value in flags.items():
        if value is None:
            continue
        if key not in FLAG_KEYS:
            raise unknown_key_error(key, FLAG_KEYS, None, noun="option")
        try:
            checked = check_value(key, value)
        except BadValue as exc:
            raise PolicyError(f"{flag_label(key)}: {exc}") from None
        given[key] = (checked, flag_label(key, checked))
    return given


def resolve(
    *,
    profile: str | None,
    policy_file: PolicyFile | None,
    flags: Mapping[str, object],
    as_of: date | None,
) -> Resolved:
    """The policy to apply: defaults < profile (and its period for the date) < policy file < flags.

    Args:
        profile: the profile the user named (``--profile``); else the file's ``profile`` key, else "default".
        policy_file: the policy file in use (``--policy`` or the project's), if any.
        flags: the options the user actually gave, keyed by setting name, TOML-level values
            (``{"threshold": 30.0, "jurisdictions": ["CN", "HK"]}``); None values are ignored.
        as_of: the date to use when neither a flag nor the file gives ``as_of``; None means today.

    Raises:
        PolicyError: an unknown profile (listing the known ones), or an invalid flag value (naming the flag).
    """
    given = _flags(flags)
    file: Mapping[str, object] = policy_file.settings if policy_file is not None else {}
    file_label = policy_file.label if policy_file is not None else ""
    if profile is not None:
        chosen = get_profile(profile, prefix="--profile: ")
    elif "profile" in file and policy_file is not None:
        chosen = get_profile(str(file["profile"]), policy_file.where, prefix="key 'profile': ")
    else:
        chosen = get_profile(DEFAULT)

    if "as_of" in given:
        day, day_origin = _typed(date, given["as_of"][0]), given["as_of"][1]
    elif "as_of" in file:
        day, day_origin = _typed(date, file["as_of"]), file_label
    elif as_of is not None:
        day, day_origin = as_of, AS_OF_ARGUMENT
    else:
        day, day_origin = date.today(), TODAY

    values = dict(DEFAULTS)
    origins = {key: DEFAULT for key in POLICY_KEYS}
    profile_origin = f"profile {chosen.name}"
    for key, value in chosen.settings.items():
        values[key], origins[key] = value, profile_origin
    rules = chosen.on(day)
    period_origin = f"{profile_origin} ({rules.period.when})" if rules.period is not None else ""
    if rules.period is not None:
        for key, value in rules.period.settings.items():
            values[key], origins[key] = value, period_origin
    for key in POLICY_KEYS:
        if key in file:
            values[key], origins[key] = file[key], file_label
    for key, (value, label) in given.items():
        if key in POLICY_KEYS:
            values[key], origins[key] = value, label
    origins["as_of"] = day_origin
    # The settings beside the policy (what makes the exit code 1, the watch lists) are recorded too: a
    # policy file that switches the gate off must say so in every report.
    for key in ("fail_on", "watchlists"):
        origins[key] = given[key][1] if key in given else file_label if key in file else DEFAULT

    notes: list[str] = []
    if not rules.in_force:
        notes.append(rules.reason)
    if rules.period is not None:
        text = f"{chosen.title or chosen.name}, period {rules.period.when}"
        if rules.period.note:
            text += f": {rules.period.note}"
        replaced = [f"{key} set by {origins[key]}" for key in rules.period.settings if origins[key] != period_origin]
        if replaced:
            text += f" ({', '.join(replaced)} instead)"
        notes.append(text)

    # Each setting becomes its Policy field as its declaration says (percentages -> fractions, codes -> enums).
    fields: dict[str, Any] = {
        s.policy_field: s.to_policy(values[s.name]) for s in SETTINGS if s.policy_field and s.name != "as_of"
    }
    policy = Policy(
        **fields,
        as_of=day,
        name=str(file.get("name", chosen.name)),
        description=str(file.get("description", chosen.description)),
        source=str(file.get("source", chosen.source)),
        in_force=rules.in_force,
        note="; ".join(notes),
        origins=origins,
    )
    fail_on = given["fail_on"][0] if "fail_on" in given else file.get("fail_on")
    watchlists = given["watchlists"][0] if "watchlists" in given else file.get("watchlists", ())
    return Resolved(
        policy=policy,
        fail_on=None if fail_on is None else str(fail_on),
        watchlists=tuple(Path(str(p)) for p in _typed(tuple, watchlists)),
    )
