"""Shared formatting for reports: percentages at the edge, the policy as plain data, tool version."""

from __future__ import annotations

from typing import Any

from ownership.model import Policy, pct_text
from ownership.reports.cells import inert
from ownership.result import STATUSES, Chain, ChainBreakdown, ChainKind, CheckResult, EntityVerdict, Interval, Status

#: Percentages in reports are rounded to this many decimals, so float noise (49.99999999999) never shows.
PCT_DECIMALS = 6


def pct(fraction: float) -> float:
    """A fraction 0..1 as a percentage number 0..100, rounded for reports."""
    return round(fraction * 100.0, PCT_DECIMALS) + 0.0


def interval_text(iv: Interval) -> str:
    if abs(iv.high - iv.low) <= 1e-9:
        return pct_text(iv.low)
    return f"{pct_text(iv.low)} - {pct_text(iv.high)}"


def tool_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("exposure")
    except PackageNotFoundError:
        return "0+unknown"


def policy_document(policy: Policy) -> dict[str, Any]:
    """The policy as JSON-ready data (percentages for thresholds)."""
    return {
        "jurisdictions": sorted(policy.jurisdictions),
        "threshold_pct": pct(policy.threshold),
        "comparison": policy.comparison.value,
        "method": policy.method.value,
        "home": policy.home.value,
        "aggregate": policy.aggregate,
        "as_of": policy.as_of.isoformat(),
        "pass_through_pct": pct(policy.pass_threshold),
        "pass_through_comparison": policy.pass_comparison.value,
        "weights": policy.weights.value,
        "control": policy.control.value,
        "allow_overallocation": policy.allow_overallocation,
        "unrecorded_holders": policy.unrecorded_holders.value,
        "name": policy.name,
        "description": policy.description,
        "source": policy.source,
        "in_force": policy.in_force,
        "note": policy.note,
        "label_order": list(policy.label_order),
        "watchlist": sorted({w.label for w in policy.watchlist}),
        "watchlist_entries": len(policy.watchlist),
        "origins": dict(policy.origins),
    }


def deciding_counts(result: CheckResult) -> dict[Status, int]:
    """Entities per status among those that decide (the ``--entity`` targets, or all), every status present."""
    if not result.targets:
        return result.counts()
    figures = result.figures
    counts = dict.fromkeys(Status, 0)
    for code in figures.status[figures.decides].tolist():
        counts[STATUSES[int(code)]] += 1
    return counts


def headline(counts: dict[Status, int]) -> str:
    """What decides, in capitals: FLAGGED only when something is flagged; HOME ENTITIES PRESENT when home
    entities alone decide (they are watched parties themselves, not owned by them); else POSSIBLE or CLEAR."""
    if counts[Status.FLAGGED]:
        return "FLAGGED"
    if counts[Status.HOME]:
        return "HOME ENTITIES PRESENT"
    return "POSSIBLE" if counts[Status.POSSIBLE] else "CLEAR"


def verdict_sentence(result: CheckResult) -> str:
    """One line: what decides (``headline``), what was checked against which rule, and the counts of the
    deciding entities (the named ones under ``--entity``)."""
    policy = result.policy
    counts = deciding_counts(result)
    watched = ", ".join(sorted(policy.jurisdictions))
    lists = sorted({w.label for w in policy.watchlist})
    if lists:
        watched = " or ".join(part for part in (watched, f"parties on {', '.join(lists)}") if part)
    scope = (
        f"{len(result.targets)} named entit{'y' if len(result.targets) == 1 else 'ies'}"
        if result.targets
        else (f"all {len(result.verdicts)} entities")
    )
    rule = f"{policy.comparison.words} {pct_text(policy.threshold)} owned by {watched} ({policy.method.value})"
    tally = ", ".join(f"{counts[s]} {s.value}" for s in counts)
    return f"{headline(counts)}: {scope} checked for {rule}; {tally}"


def neutralise(text: str) -> str:
    """Cell text a spreadsheet would run as a formula is prefixed with an apostrophe (see ``cells.inert``)."""
    return inert(text)


def rule_summary(policy: Policy) -> str:
    """The rule in one line with where its non-default settings came from, e.g.
    "rule ofac: at least 50% (cascade), aggregated, control rows reported; from profile ofac, exposure.toml"."""
    passing = ""
    if policy.pass_threshold != policy.threshold or policy.pass_comparison is not policy.comparison:
        passing = f", passing through {policy.pass_comparison.words} {pct_text(policy.pass_threshold)}"
    parts = [
        f"{policy.comparison.words} {pct_text(policy.threshold)} ({policy.method.value}){passing}",
        "aggregated" if policy.aggregate else "each party alone",
        f"control rows: {policy.control.value}",
        f"home by {policy.home.value}",
    ]
    if policy.weights.value != "equity":
        parts.append(f"weights: {policy.weights.value}")
    origins = sorted({o for o in policy.origins.values() if o and not o.startswith("default")})
    source = f"; settings from {', '.join(origins)}" if origins else ""
    return f"rule {policy.name}: {', '.join(parts)}{source}"


def chain_path_text(chain: Chain) -> str:
    """The hops of a chain: "P -60%-> H -60%-> T"."""
    text = chain.path[0]
    for stake, entity in zip(chain.stakes, chain.path[1:], strict=True):
        text += f" -{pct_text(stake)}-> {entity}"
    return text


def chain_text(chain: Chain) -> str:
    """A chain in words: "P -60%-> H -60%-> T = 36%"; chains from an unallocated part start with it:
    "(30% of ORBIT has no named holder) ORBIT = 30%"."""
    start = ""
    if chain.kind is ChainKind.UNALLOCATED:
        start = f"({pct_text(chain.unallocated)} of {chain.path[0]} has no named holder) "
    elif chain.kind is ChainKind.UNKNOWN:
        start = "(country unknown) "
    elif chain.kind is ChainKind.DECLARED:
        start = "(declared indirect, above the chains) "
    return f"{start}{chain_path_text(chain)} = {pct_text(chain.share)}"


def rest_text(breakdown: ChainBreakdown) -> str | None:
    """The line that makes the listed chains add up to the figure (None when nothing is left)."""
    if breakdown.rest <= 1e-9:
        return None
    what = "circular holdings" if breakdown.searched_all else "other chains / circular holdings"
    return f"{what} = {pct_text(breakdown.rest)}"


def explained(result: CheckResult, limit: int = 50) -> list[EntityVerdict]:
    """The entities a report explains in detail: the ``--entity`` targets, else the flagged and possible
    ones, deciding first (at most ``limit``)."""
    if result.targets:
        chosen = [result.verdict(t) for t in result.targets]
    else:
        chosen = [v for v in result.ordered() if v.status in (Status.FLAGGED, Status.POSSIBLE)]
    return chosen[:limit]
