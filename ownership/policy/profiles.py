"""Named rule profiles: the shipped ``ownership/profiles/*.toml`` files and their dated rules.

A profile file holds ``name``, ``title`` (how notes name the rule: "BIS Affiliates Rule"), ``description``
(one sentence), ``source`` (the regulation or guidance, cited), the settings it fixes, and optionally:

* ``in_force_from`` / ``in_force_until`` (inclusive dates): outside them the rule is not in force;
* ``[[suspended]]`` tables with ``from``, ``to`` (inclusive) and an optional ``note``: inside one, the rule
  is not in force;
* ``[[period]]`` tables with ``from`` and/or ``until`` (inclusive), an optional ``note`` and the settings
  that apply on those dates instead of the profile's own (the EU's "more than 50%" until 2024-07-02).
  Periods of one profile may not overlap.

A rule that is not in force still yields a policy (so results can be shown); ``Policy.in_force`` is False
and ``Policy.note`` says why.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from types import MappingProxyType
from typing import Final

from ownership.errors import Location, PolicyError
from ownership.model import Comparison
from ownership.policy.schema import BY_NAME
from ownership.policy.settings import (
    PROFILE_SETTING_KEYS,
    BadValue,
    as_date,
    check_table,
    closest,
    unknown_key_error,
)

#: The order ``profiles()`` and ``exposure profiles`` list the shipped profiles in; others follow by name.
_ORDER: Final = ("default", "ofac", "bis", "eu", "uk", "amlr")

_HEADER_KEYS: Final = ("name", "title", "description", "source")
_DATED_KEYS: Final = ("in_force_from", "in_force_until", "suspended", "period")
_PROFILE_KEYS: Final = _HEADER_KEYS + PROFILE_SETTING_KEYS + _DATED_KEYS


@dataclass(frozen=True)
class Suspension:
    """The rule does not apply from ``start`` to ``end`` (both inclusive); ``note`` says by what act."""

    start: date
    end: date
    note: str = ""


@dataclass(frozen=True)
class Period:
    """Settings that replace the profile's own on the dates from ``start`` to ``end`` (inclusive; None: open).

    Attributes:
        start, end: the first and last day the period covers; at least one is set.
        settings: the overriding settings, TOML-level values as in the file.
        note: what the period is, for ``Policy.note``.
    """

    start: date | None
    end: date | None
    settings: Mapping[str, object]
    note: str = ""

    def covers(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    @property
    def when(self) -> str:
        """The dates in words: "until 2024-07-02", "from 2024-07-03", "from 2024-01-01 to 2024-12-31"."""
        if self.start is None:
            return f"until {self.end}"
        if self.end is None:
            return f"from {self.start}"
        return f"from {self.start} to {self.end}"


@dataclass(frozen=True)
class RulesOn:
    """What a profile's dated rules say for one day.

    Attributes:
        in_force: whether the rule applies on the day.
        reason: why it does not ("BIS Affiliates Rule suspended from 2025-11-10 to 2026-11-09"), else "".
        period: the period whose settings apply on the day, if any.
    """

    in_force: bool
    reason: str = ""
    period: Period | None = None


@dataclass(frozen=True)
class Profile:
    """A named rule: settings as in its TOML file, plus the dates it applies on.

    Attributes:
        name: the name ``--profile`` takes ("ofac").
        description: what the rule is, in one sentence a compliance officer understands.
        source: the regulation or guidance the parameters follow, cited precisely.
        settings: the settings the profile fixes, TOML-level values (percentages, "ge").
        title: how notes name the rule ("BIS Affiliates Rule").
        in_force_from, in_force_until: the first and last day the rule applies (inclusive; None: open).
        suspensions: periods in which the rule does not apply.
        periods: settings that differ on some dates.
    """

    name: str
    description: str
    source: str
    settings: Mapping[str, object]
    title: str = ""
    in_force_from: date | None = None
    in_force_until: date | None = None
    suspensions: tuple[Suspension, ...] = ()
    periods: tuple[Period, ...] = field(default=())

    def on(self, day: date) -> RulesOn:
        """The dated rules resolved for ``day``: whether the rule is in force, and which period applies."""
        title = self.title or self.name
        period = next((p for p in self.periods if p.covers(day)), None)
        if self.in_force_from is not None and day < self.in_force_from:
            return RulesOn(False, f"{title} not in force on {day}: it applies from {self.in_force_from}", period)
        if self.in_force_until is not None and day > self.in_force_until:
            return RulesOn(False, f"{title} not in force on {day}: it applied until {self.in_force_until}", period)
        for stop in self.suspensions:
            if stop.start <= day <= stop.end:
                why = f" ({stop.note})" if stop.note else ""
                return RulesOn(False, f"{title} suspended from {stop.start} to {stop.end}{why}", period)
        return RulesOn(True, "", period)

    @property
    def in_force_text(self) -> str:
        """The dates in words for ``exposure profiles``: "always", "from 2025-09-29; suspended ..."."""
        parts: list[str] = []
        if self.in_force_from is not None:
            parts.append(f"from {self.in_force_from}")
        if self.in_force_until is not None:
            parts.append(f"until {self.in_force_until}")
        parts.extend(f"suspended {s.start} to {s.end}" for s in self.suspensions)
        return "; ".join(parts) if parts else "always"


def _dated(table: object, what: str, where: Location) -> dict[str, object]:
    if not isinstance(table, dict):
        raise PolicyError(f"key '{what}' must be an array of tables ([[{what}]])", where)
    return {str(k): v for k, v in table.items()}


def _date_key(table: Mapping[str, object], key: str, where: Location, prefix: str) -> date | None:
    if key not in table:
        return None
    try:
        return as_date(table[key])
    except BadValue as exc:
        raise PolicyError(f"{prefix}key '{key}': {exc}", where) from None


def _note(table: Mapping[str, object], where: Location, prefix: str) -> str:
    note = table.get("note", "")
    if not isinstance(note, str):
        raise PolicyError(f"{prefix}key 'note': expected text", where)
    return " ".join(note.split())


def _suspensions(raw: object, where: Location) -> tuple[Suspension, ...]:
    found: list[Suspension] = []
    for n, item in enumerate(raw if isinstance(raw, list) else [raw], start=1):
        table = _dated(item, "suspended", where)
        prefix = f"[[suspended]] {n}: "
        extra = set(table) - {"from", "to", "note"}
        if extra:
            raise unknown_key_error(sorted(extra)[0], ("from", "to", "note"), where, prefix=prefix)
        start, end = _date_key(table, "from", where, prefix), _date_key(table, "to", where, prefix)
        if start is None or end is None or end < start:
            raise PolicyError(f"{prefix}needs 'from' and 'to' dates, 'from' first", where)
        found.append(Suspension(start, end, _note(table, where, prefix)))
    return tuple(found)


def _periods(raw: object, where: Location) -> tuple[Period, ...]:
    found: list[Period] = []
    for n, item in enumerate(raw if isinstance(raw, list) else [raw], start=1):
        table = _dated(item, "period", where)
        prefix = f"[[period]] {n}: "
        start, end = _date_key(table, "from", where, prefix), _date_key(table, "until", where, prefix)
        if start is None and end is None:
            raise PolicyError(f"{prefix}needs a 'from' or an 'until' date", where)
        if start is not None and end is not None and end < start:
            raise PolicyError(f"{prefix}'until' {end} is before 'from' {start}", where)
        rest = {k: v for k, v in table.items() if k not in {"from", "until", "note"}}
        settings = check_table(rest, PROFILE_SETTING_KEYS, where, prefix=prefix)
        if not settings:
            raise PolicyError(f"{prefix}sets no setting", where)
        period = Period(start, end, MappingProxyType(settings), _note(table, where, prefix))
        for other in found:
            lo = max(period.start or date.min, other.start or date.min)
            hi = min(period.end or date.max, other.end or date.max)
            if lo <= hi:
                raise PolicyError(f"{prefix}overlaps the period {other.when}", where)
        found.append(period)
    return tuple(found)


def parse_profile(text: str, file_name: str) -> Profile:
    """A profile from the text of its TOML file; PolicyError naming the file and key if it is invalid."""
    where = Location(file=file_name)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"not valid TOML: {exc}", where) from None
    for key in raw:
        if key not in _PROFILE_KEYS:
            raise unknown_key_error(key, _PROFILE_KEYS, where)
    header: dict[str, str] = {}
    for key in _HEADER_KEYS:
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            raise PolicyError(f"key '{key}': a non-empty text is required", where)
        header[key] = " ".join(value.split())
    settings = check_table({k: v for k, v in raw.items() if k in PROFILE_SETTING_KEYS}, PROFILE_SETTING_KEYS, where)
    return Profile(
        name=header["name"].lower(),
        description=header["description"],
        source=header["source"],
        settings=MappingProxyType(settings),
        title=header["title"],
        in_force_from=_date_key(raw, "in_force_from", where, ""),
        in_force_until=_date_key(raw, "in_force_until", where, ""),
        suspensions=_suspensions(raw.get("suspended", []), where),
        periods=_periods(raw.get("period", []), where),
    )


@functools.cache
def _shipped() -> Mapping[str, Profile]:
    folder = resources.files("ownership").joinpath("profiles")
    found: dict[str, Profile] = {}
    for item in folder.iterdir():
        if not item.name.endswith(".toml"):
            continue
        profile = parse_profile(item.read_text(encoding="utf-8"), f"ownership/profiles/{item.name}")
        if profile.name != item.name.removesuffix(".toml"):
            raise PolicyError(
                f"ownership/profiles/{item.name}: key 'name': '{profile.name}' differs from the file name"
            )
        found[profile.name] = profile
    rank = {name: i for i, name in enumerate(_ORDER)}
    return MappingProxyType({n: found[n] for n in sorted(found, key=lambda n: (rank.get(n, len(rank)), n))})


def profiles() -> dict[str, Profile]:
    """The shipped profiles by name, in the order ``exposure profiles`` lists them (read once, cached)."""
    return dict(_shipped())


def get_profile(name: str, where: Location | None = None, *, prefix: str = "") -> Profile:
    """The shipped profile called ``name`` (any case); PolicyError listing the known ones otherwise."""
    known = _shipped()
    key = name.strip().lower()
    if key in known:
        return known[key]
    hint = closest(key, known)
    maybe = f" (did you mean '{hint}'?)" if hint else ""
    raise PolicyError(f"{prefix}unknown profile '{name}'{maybe}; known profiles: {', '.join(known)}", where)


def _default(key: str) -> object:
    return BY_NAME[key].default


def _threshold_text(settings: Mapping[str, object]) -> str:
    comparison = Comparison(str(settings.get("comparison", _default("comparison"))))
    threshold = settings.get("threshold", _default("threshold"))
    text = f"{comparison.words} {threshold:g}%"
    if "pass_through" in settings or "pass_through_comparison" in settings:
        through = Comparison(str(settings.get("pass_through_comparison", comparison)))
        text += f"; passes through {through.words} {settings.get('pass_through', threshold):g}%"
    return text


def profile_table() -> list[dict[str, str]]:
    """One row per shipped profile for ``exposure profiles``.

    Keys: name, threshold ("more than 50%", with the dated variants), method, aggregate ("yes"/"no"),
    control, home, in force ("always", "from 2025-09-29; suspended 2025-11-10 to 2026-11-09"),
    description, source. Settings a profile leaves open show the built-in default.
    """
    rows: list[dict[str, str]] = []
    for profile in _shipped().values():
        settings = profile.settings
        base = _threshold_text(settings)
        variants = [
            f"{text} {p.when}" for p in profile.periods if (text := _threshold_text({**settings, **p.settings})) != base
        ]
        threshold = f"{base} ({'; '.join(variants)})" if variants else base
        rows.append(
            {
                "name": profile.name,
                "threshold": threshold,
                "method": str(settings.get("method", _default("method"))),
                "aggregate": "yes" if settings.get("aggregate", _default("aggregate")) else "no",
                "control": str(settings.get("control", _default("control"))),
                "home": str(settings.get("home", _default("home"))),
                "in force": profile.in_force_text,
                "description": profile.description,
                "source": profile.source,
            }
        )
    return rows
