"""The settings a policy file, a profile or a command-line flag may give, and their validation.

Which keys each layer may give, and how each value is checked, follow from the declarations in
``ownership.policy.schema``: one checker per kind of value, with the setting's choices and range.

Values stay at the TOML level here (percentages, not fractions; "gt", not Comparison.GT), but
normalised: numbers are floats, countries are ISO alpha-2 codes, dates are ``date`` objects and
watch-list paths are ``Path`` objects resolved against the policy file's folder. ``resolve`` turns
them into a ``Policy``.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from os import PathLike
from pathlib import Path
from typing import Final

from ownership.errors import Location, PolicyError
from ownership.model.countries import UnknownCountryError, normalize_country
from ownership.policy.schema import BY_NAME, FAIL_ON, SETTINGS, Setting

__all__ = [
    "FAIL_ON",
    "FILE_KEYS",
    "FLAG_KEYS",
    "OTHER_KEYS",
    "POLICY_KEYS",
    "PROFILE_SETTING_KEYS",
    "BadValue",
    "as_date",
    "check_table",
    "check_value",
    "closest",
    "flag_label",
    "shown",
    "unknown_key_error",
]

#: The settings that become ``Policy`` fields; ``Policy.origins`` has one entry for each.
POLICY_KEYS: Final = tuple(s.name for s in SETTINGS if s.role == "policy")

#: Settings that are not part of ``Policy``: returned beside it (watchlists, fail_on) or naming it.
OTHER_KEYS: Final = tuple(s.name for s in SETTINGS if s.role != "policy")

#: Every key a policy file ("exposure.toml", "[tool.exposure]", "--policy FILE") may hold.
FILE_KEYS: Final = POLICY_KEYS + OTHER_KEYS

#: The keys the flag layer may give (the profile is an argument of its own).
FLAG_KEYS: Final = tuple(s.name for s in SETTINGS if s.role in ("policy", "beside"))

#: The settings a shipped profile (or one of its dated periods) may give: the watched jurisdictions and
#: watch lists are the user's, never the profile's, and the date is the run's.
PROFILE_SETTING_KEYS: Final = tuple(s.name for s in SETTINGS if s.in_profile)

_PERCENT: Final = re.compile(r"^\s*([0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*%?\s*$")


class BadValue(ValueError):
    """A setting's value is invalid; the message says why, without the file or key (the caller adds them)."""


def shown(value: object) -> str:
    """A value as the user wrote it, for messages: strings quoted, TOML booleans, whole floats bare."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = " ".join(value.split())
        return f"'{text[:57]}...'" if len(text) > 60 else f"'{text}'"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | tuple):
        return "[" + ", ".join(shown(v) for v in value) + "]"
    if isinstance(value, dict):
        return "a table"
    return str(value)


def closest(word: str, known: Iterable[str]) -> str | None:
    """The known word closest to ``word`` (difflib), for "did you mean" hints, or None."""
    matches = difflib.get_close_matches(word.replace("-", "_").lower(), list(known), n=1, cutoff=0.6)
    return matches[0] if matches else None


def unknown_key_error(
    key: str, known: Iterable[str], where: Location | None, *, prefix: str = "", noun: str = "key"
) -> PolicyError:
    """The error for a key no setting has: the closest known key, then the full list."""
    known = tuple(known)
    hint = closest(key, known)
    maybe = f" (did you mean '{hint}'?)" if hint else ""
    return PolicyError(f"{prefix}unknown {noun} '{key}'{maybe}; known {noun}s: {', '.join(known)}", where)


def _percent(s: Setting, value: object) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str) and (match := _PERCENT.match(value)):
        number = float(match.group(1))
    else:
        raise BadValue(f"{shown(value)} is not a percentage (expected a number such as 50)")
    if not math.isfinite(number) or not s.minimum < number <= s.maximum:
        raise BadValue(f"{shown(value)} is not a percentage above {s.minimum:g} and at most {s.maximum:g}")
    return number


def _choice(s: Setting, value: object) -> str:
    if not isinstance(value, str):
        raise BadValue(f"{shown(value)} is not one of {', '.join(s.choices)}")
    text = " ".join(value.split()).lower().replace("-", "")
    text = s.aliases.get(text, text)
    if text in s.choices:
        return text
    hint = closest(text, s.choices)
    maybe = f" (did you mean '{hint}'?)" if hint else ""
    listed = ", ".join(s.meanings.get(c, c) for c in s.choices)
    raise BadValue(f"{shown(value)} is not one of {listed}{maybe}")


def _bool(value: object) -> bool:
    if not isinstance(value, bool):
        raise BadValue(f"{shown(value)} is not true or false")
    return value


def _text(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise BadValue(f"{shown(value)} is not a non-empty text")
    return " ".join(value.split())


def as_date(value: object) -> date:
    """A TOML date, a ``date`` or an ISO text (YYYY-MM-DD) as a date; BadValue otherwise."""
    if isinstance(value, datetime):
        raise BadValue(f"{value.isoformat()} is a date and time; give a date alone (YYYY-MM-DD)")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise BadValue(f"{shown(value)} is not a date (YYYY-MM-DD)")


def _jurisdictions(value: object) -> tuple[str, ...]:
    items: list[object] = list(value) if isinstance(value, list | tuple) else [value]
    codes: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise BadValue(f"{shown(item)} is not a country code or name (expected text such as 'CN')")
        for part in item.split(","):
            try:
                code = normalize_country(part)
            except UnknownCountryError as exc:
                raise BadValue(str(exc)) from None
            if code is not None and code not in codes:
                codes.append(code)
    return tuple(codes)


def _labels(value: object) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        raise BadValue(f'{shown(value)} is not a list of labels (such as ["Entity List", "MEU List"])')
    labels: list[str] = []
    for item in value:
        label = _text(item)
        if label in labels:
            raise BadValue(f"label {shown(label)} appears twice")
        labels.append(label)
    return tuple(labels)


def _paths(value: object, base: Path | None) -> tuple[Path, ...]:
    items: list[object] = list(value) if isinstance(value, list | tuple) else [value]
    paths: list[Path] = []
    for item in items:
        if not isinstance(item, str | PathLike) or not str(item).strip():
            raise BadValue(f"{shown(item)} is not a file path")
        path = Path(str(item).strip()).expanduser()
        paths.append(base / path if base is not None and not path.is_absolute() else path)
    return tuple(paths)


#: The checker of each kind of value (``Setting.kind``).
_CHECKS: Final[Mapping[str, Callable[[Setting, object, Path | None], object]]] = {
    "countries": lambda s, v, base: _jurisdictions(v),
    "percent": lambda s, v, base: _percent(s, v),
    "choice": lambda s, v, base: _choice(s, v),
    "bool": lambda s, v, base: _bool(v),
    "labels": lambda s, v, base: _labels(v),
    "date": lambda s, v, base: as_date(v),
    "paths": lambda s, v, base: _paths(v, base),
    "name": lambda s, v, base: _text(v).lower(),
    "text": lambda s, v, base: _text(v),
}


def check_value(key: str, value: object, *, base: Path | None = None) -> object:
    """The normalised TOML-level value of setting ``key``; BadValue if it is invalid.

    ``base`` is the folder relative watch-list paths resolve against (None: as given).
    """
    s = BY_NAME[key]
    return _CHECKS[s.kind](s, value, base)


def check_table(
    table: Mapping[str, object], known: Iterable[str], where: Location, *, base: Path | None = None, prefix: str = ""
) -> dict[str, object]:
    """Validate every key of ``table`` against ``known``; the first bad key or value is a PolicyError.

    ``prefix`` goes before "key '...'" in messages (e.g. "[[period]] 1: ").
    """
    known = tuple(known)
    settings: dict[str, object] = {}
    for key, value in table.items():
        if key not in known:
            raise unknown_key_error(key, known, where, prefix=prefix)
        try:
            settings[key] = check_value(key, value, base=base)
        except BadValue as exc:
            raise PolicyError(f"{prefix}key '{key}': {exc}", where) from None
    return settings


def flag_label(key: str, value: object = None) -> str:
    """The origin label of a command-line flag: "--threshold", "-j", "--watchlist", "--no-aggregate"."""
    return BY_NAME[key].label(value)
