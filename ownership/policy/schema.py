"""Every setting of a check, declared once.

A setting's declaration (``Setting``) holds its name, kind, default, help text, command-line flag, TOML key,
JSON name and valid values. Everything else is made from ``SETTINGS``: the command-line options of
``check``, ``explain`` and ``graph`` (``cli/options.py``), the validation of policy files, profiles and flags
(``ownership.policy.settings``), the built-in defaults and ``Policy.origins`` (``ownership.policy.resolve``)
and the README's options table (``readme_row``, kept in step by ``tests/ownership/policy/test_schema.py``).

Values are TOML-level here: percentages (50, not 0.5), choice codes ("gt"), ISO country codes, dates.
``to_policy`` turns a resolved value into its ``Policy`` field (fractions 0..1 inside the engine).

Adding a setting: declare it below (in the order the policy-file error messages list known keys), add its
field to ``Policy`` (``ownership/model/rules.py``) and use it in the engine.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final, Literal

from ownership.model import Comparison, ControlMode, HomeBasis, Method, UnrecordedHolders, Weights

#: How a value is written and checked (``ownership.policy.settings`` holds one checker per kind).
Kind = Literal["countries", "percent", "choice", "bool", "labels", "date", "paths", "name", "text"]

#: What a setting is part of: a ``Policy`` field; beside the policy (the watch lists to read, what makes the
#: exit code 1); the profile to start from; or the rule's name and description a policy file may give.
Role = Literal["policy", "beside", "profile", "label"]

#: The help panels options are grouped in (``--help``).
RULE_PANEL: Final = "Rule"
PARTIES_PANEL: Final = "How parties count"
CI_PANEL: Final = "CI gate"
INPUT_PANEL: Final = "Input"

#: What makes the exit code 1 (``fail_on``).
FAIL_ON: Final = ("flagged", "possible", "never")

#: Words people write for a comparison, accepted besides the codes.
COMPARISON_WORDS: Final[Mapping[str, str]] = {
    ">": "gt",
    "more than": "gt",
    "above": "gt",
    ">=": "ge",
    "at least": "ge",
    "or more": "ge",
}

#: The comparison codes as error messages explain them.
COMPARISON_MEANINGS: Final[Mapping[str, str]] = {"gt": "gt (more than)", "ge": "ge (at least)"}


def _same(value: object) -> object:
    return value


def _fraction(value: object) -> object:
    """A percentage as a fraction 0..1 (None stays None: "not set")."""
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value) / 100
    raise TypeError(f"expected a percentage, got {type(value).__name__}")  # validated before: a bug


def _enum(kind: type[StrEnum]) -> Callable[[object], object]:
    def convert(value: object) -> object:
        return None if value is None else kind(str(value))

    return convert


def _frozen(value: object) -> object:
    return frozenset(value) if isinstance(value, tuple | list) else value


def _strings(value: object) -> object:
    return tuple(str(item) for item in value) if isinstance(value, tuple | list) else value


@dataclass(frozen=True)
class Setting:
    """One setting, as every layer and every output knows it.

    Attributes:
        name: the key everywhere: in policy files and profiles (the TOML key), in the flag layer of
            ``resolve``, in ``Policy.origins`` and the JSON report's ``policy.origins``.
        kind: how the value is written and checked (see ``Kind``).
        role: what the setting is part of (see ``Role``).
        default: the built-in value, TOML-level (percent 50, not 0.5); None: not set (a rule derived from
            other settings, or the run's date).
        help: the ``--help`` text of its flag.
        doc: the README options table's wording (the meaning, with the default).
        flag: the long command-line flag ("--threshold"); None: policy files and profiles only.
        short: the short flag ("-j"), if any.
        off_flag: for a yes/no setting that a flag can also switch off ("--no-aggregate").
        metavar: what ``--help`` shows for the value ("PCT"); "" for a switch.
        panel: the ``--help`` panel the flag is listed in.
        repeatable: the flag may be given several times (a list).
        choices: the valid codes of a ``choice`` setting, in the order messages list them.
        aliases: other words accepted for a choice ("at least" for "ge").
        meanings: how error messages explain a choice ("gt (more than)").
        minimum, maximum: the range of a ``percent`` (above ``minimum``, at most ``maximum``).
        json: the key the JSON report's ``policy`` object shows the value under; None: not shown there.
        policy_field: the ``Policy`` field the value becomes (role "policy"); None: not a field.
        to_policy: the resolved TOML-level value as that field's value (percent -> fraction, code -> enum).
        in_profile: whether a shipped profile (or one of its dated periods) may give it.
    """

    name: str
    kind: Kind
    role: Role
    default: object
    help: str
    doc: str = ""
    flag: str | None = None
    short: str | None = None
    off_flag: str | None = None
    metavar: str = ""
    panel: str = RULE_PANEL
    repeatable: bool = False
    choices: tuple[str, ...] = ()
    aliases: Mapping[str, str] = field(default_factory=dict)
    meanings: Mapping[str, str] = field(default_factory=dict)
    minimum: float = 0.0
    maximum: float = 100.0
    json: str | None = None
    policy_field: str | None = None
    to_policy: Callable[[object], object] = _same
    in_profile: bool = False

    @property
    def toml_key(self) -> str:
        """The key policy files and profiles give the setting under (its name)."""
        return self.name

    def label(self, value: object = None) -> str:
        """How ``Policy.origins`` names the flag that gave ``value``: "-j", "--threshold", "--no-aggregate"."""
        if value is False and self.off_flag is not None:
            return self.off_flag
        return self.short or self.flag or "--" + self.name.replace("_", "-")


def _codes(kind: type[StrEnum]) -> tuple[str, ...]:
    return tuple(str(item) for item in kind)


#: The settings, in the order error messages list known keys (and ``Policy.origins`` records them).
SETTINGS: Final[tuple[Setting, ...]] = (
    Setting(
        name="jurisdictions",
        kind="countries",
        role="policy",
        default=(),
        help="Watched country (repeatable, comma-separable): CN, CHN, China, PRC...",
        doc="watched country; repeatable and comma-separable (`-j CN,HK,MO`); codes, names and aliases (`CHN`, "
        "`China`, `PRC`)",
        flag="--jurisdiction",
        short="-j",
        metavar="CODE",
        repeatable=True,
        json="jurisdictions",
        policy_field="jurisdictions",
        to_policy=_frozen,
    ),
    Setting(
        name="threshold",
        kind="percent",
        role="policy",
        default=50.0,
        help="Threshold in percent (default 50).",
        doc="the figure that flags, in percent (default 50)",
        flag="--threshold",
        metavar="PCT",
        json="threshold_pct",
        policy_field="threshold",
        to_policy=_fraction,
        in_profile=True,
    ),
    Setting(
        name="comparison",
        kind="choice",
        choices=_codes(Comparison),
        to_policy=_enum(Comparison),
        role="policy",
        default="gt",
        help="gt: more than (default); ge: at least.",
        doc="`gt` more than (default), `ge` at least",
        flag="--comparison",
        metavar="gt|ge",
        aliases=COMPARISON_WORDS,
        meanings=COMPARISON_MEANINGS,
        json="comparison",
        policy_field="comparison",
        in_profile=True,
    ),
    Setting(
        name="pass_through",
        kind="percent",
        role="policy",
        default=None,
        help="Cascade pass-through threshold in percent (default: --threshold).",
        doc="when an intermediary becomes tainted in the cascade, in percent (default: the threshold)",
        flag="--pass-through",
        metavar="PCT",
        json="pass_through_pct",
        policy_field="pass_through_threshold",
        to_policy=_fraction,
        in_profile=True,
    ),
    Setting(
        name="pass_through_comparison",
        kind="choice",
        choices=_codes(Comparison),
        to_policy=_enum(Comparison),
        role="policy",
        default=None,
        help="Comparison for pass-through: gt or ge (default: --comparison).",
        doc="the comparison for the pass-through threshold (default: the comparison)",
        flag="--pass-through-comparison",
        metavar="gt|ge",
        aliases=COMPARISON_WORDS,
        meanings=COMPARISON_MEANINGS,
        json="pass_through_comparison",
        policy_field="pass_through_comparison",
        in_profile=True,
    ),
    Setting(
        name="method",
        kind="choice",
        choices=_codes(Method),
        to_policy=_enum(Method),
        role="policy",
        default="cascade",
        help="Which figure decides the status: cascade (default), lookthrough or either.",
        doc="which figure decides the status (default cascade)",
        flag="--method",
        metavar="NAME",
        json="method",
        policy_field="method",
        in_profile=True,
    ),
    Setting(
        name="home",
        kind="choice",
        choices=_codes(HomeBasis),
        to_policy=_enum(HomeBasis),
        role="policy",
        default="either",
        help="Which country makes an entity a home entity: headquarters, incorporation or either (default).",
        doc="which country makes an entity a home entity (default either)",
        flag="--home",
        metavar="BASIS",
        panel=PARTIES_PANEL,
        json="home",
        policy_field="home",
        in_profile=True,
    ),
    Setting(
        name="aggregate",
        kind="bool",
        role="policy",
        default=True,
        help="Add different home parties' stakes (default), or assess each alone.",
        doc="add different home parties' stakes together (default), or assess each party alone",
        flag="--aggregate",
        off_flag="--no-aggregate",
        panel=PARTIES_PANEL,
        json="aggregate",
        policy_field="aggregate",
        in_profile=True,
    ),
    Setting(
        name="weights",
        kind="choice",
        choices=_codes(Weights),
        to_policy=_enum(Weights),
        role="policy",
        default="equity",
        help="equity (default), or votes where a votes column gives them.",
        doc="use equity stakes (default) or voting stakes where a `votes` column gives them",
        flag="--weights",
        metavar="NAME",
        panel=PARTIES_PANEL,
        json="weights",
        policy_field="weights",
        in_profile=True,
    ),
    Setting(
        name="control",
        kind="choice",
        choices=_codes(ControlMode),
        to_policy=_enum(ControlMode),
        role="policy",
        default="report",
        help="Control rows (VIE, board rights): report (default), possible (make the subject possible) or taints.",
        doc="control rows (VIE contracts, board rights): a red flag only (default), enough for `possible`, or "
        "taint like a majority stake",
        flag="--control",
        metavar="MODE",
        panel=PARTIES_PANEL,
        json="control",
        policy_field="control",
        in_profile=True,
    ),
    Setting(
        name="allow_overallocation",
        kind="bool",
        role="policy",
        default=False,
        help="Proceed when a subject's stakes sum above 100%, rescaling them to 100%.",
        doc="proceed when a subject's stakes sum above 100%, rescaling them to 100%",
        flag="--allow-overallocation",
        panel=INPUT_PANEL,
        json="allow_overallocation",
        policy_field="allow_overallocation",
        in_profile=True,
    ),
    Setting(
        name="unrecorded_holders",
        kind="choice",
        choices=_codes(UnrecordedHolders),
        to_policy=_enum(UnrecordedHolders),
        role="policy",
        default="unknown",
        help="An entity with no recorded holders and no ultimate mark: unknown owners (unknown, default), or its "
        "own ultimate owner (ultimate).",
        doc="an entity with no recorded holders and no `ultimate` mark: unknown owners (default) or its own "
        "ultimate owner",
        flag="--unrecorded-holders",
        metavar="READING",
        panel=PARTIES_PANEL,
        json="unrecorded_holders",
        policy_field="unrecorded_holders",
        in_profile=True,
    ),
    Setting(
        name="label_order",
        kind="labels",
        role="policy",
        default=(),
        help="Taint labels from most to least restrictive.",
        json="label_order",
        policy_field="label_order",
        to_policy=_strings,
        in_profile=True,
    ),
    Setting(
        name="as_of",
        kind="date",
        role="policy",
        default=None,
        help="Evaluate holdings valid on this date (YYYY-MM-DD; default today).",
        doc="use holdings in force on DATE, and the rules as they stood then (default today)",
        flag="--as-of",
        metavar="DATE",
        json="as_of",
        policy_field="as_of",
    ),
    Setting(
        name="watchlists",
        kind="paths",
        role="beside",
        default=(),
        help="CSV/xlsx of parties (id and/or name, optional label) to treat as home; repeatable.",
        doc="a CSV/xlsx list of parties (id and/or name, optional label) that count as home entities; repeatable",
        flag="--watchlist",
        metavar="FILE",
        repeatable=True,
    ),
    Setting(
        name="fail_on",
        kind="choice",
        role="beside",
        default="flagged",
        help="What makes the exit code 1: flagged (default), possible (what a gate wants) or never.",
        doc="what makes the exit code 1 (default flagged)",
        flag="--fail-on",
        metavar="STATUS",
        panel=CI_PANEL,
        choices=FAIL_ON,
    ),
    Setting(
        name="profile",
        kind="name",
        role="profile",
        default="default",
        help="Named rule: default, ofac, bis, eu, uk, amlr (see `exposure profiles`); repeat to compare several.",
        doc="a named rule (`exposure profiles` lists them); repeat it to compare rules side by side",
        flag="--profile",
        metavar="NAME",
        repeatable=True,
    ),
    Setting(name="name", kind="text", role="label", default=None, help="The rule's name in reports.", json="name"),
    Setting(
        name="description",
        kind="text",
        role="label",
        default=None,
        help="What the rule is, in a sentence.",
        json="description",
    ),
    Setting(
        name="source",
        kind="text",
        role="label",
        default=None,
        help="The regulation or guidance the parameters follow.",
        json="source",
    ),
)

#: The settings by name.
BY_NAME: Final[Mapping[str, Setting]] = {s.name: s for s in SETTINGS}


def setting(name: str) -> Setting:
    """The declaration of setting ``name``; KeyError if there is none."""
    return BY_NAME[name]


def readme_option(s: Setting) -> str:
    """The README options table's first cell for ``s``: its flags, and its choices or value."""
    if s.flag is None:
        raise ValueError(f"setting {s.name!r} has no command-line flag")
    names = f"{s.short}, {s.flag}" if s.short else s.flag
    if s.off_flag is not None:
        return f"`{names} / {s.off_flag}`"
    value = "\\|".join(s.choices) if s.kind == "choice" else s.metavar
    return f"`{names} {value}`" if value else f"`{names}`"


def readme_row(s: Setting) -> str:
    """The README options table's row for ``s`` (Markdown)."""
    return f"| {readme_option(s)} | {s.doc} |"
