"""A Markdown report for pasting into a ticket or a pull request."""

from __future__ import annotations

from ownership.reports.common import interval_text, rule_summary, verdict_sentence
from ownership.result import CheckResult, CheckSet


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(results: CheckResult | CheckSet) -> str:
    """The report as Markdown; with several rules, a status column per rule."""
    checks = CheckSet.of(results)
    result = checks.primary
    policy = result.policy
    several = len(checks.results) > 1
    lines = ["# Ownership exposure check", ""]
    for r in checks.results:
        prefix = f"{r.policy.name}: " if several else ""
        suffix = "" if r.policy.in_force else f" (not in force: {r.policy.note})"
        lines.append(f"**{prefix}{verdict_sentence(r)}**{suffix}  ")
    lines += [
        "",
        f"- Input: `{result.source.path}` (SHA-256 `{result.source.sha256[:16]}...`)",
        f"- Watched: {', '.join(sorted(policy.jurisdictions)) or 'no country'}"
        + (f"; lists {', '.join(sorted({w.label for w in policy.watchlist}))}" if policy.watchlist else "")
        + f"; as of {policy.as_of.isoformat()}",
        *(f"- {rule_summary(r.policy)}" for r in checks.results),
        "",
    ]
    extra = [f"{name}" for name in checks.names] if several else []
    position = {v.entity.id: i for i, v in enumerate(result.verdicts)}
    header = ["status", "id", "name", "country", "cascade", "look-through", *extra, "reason", "labels"]
    lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for v in result.ordered():
        country = v.entity.jurisdiction or "?"
        if v.entity.headquarters and v.entity.headquarters != v.entity.jurisdiction:
            country += f" (HQ {v.entity.headquarters})"
        marker = "**" if v.decides and result.targets else ""
        cells = [
            v.status.value,
            f"{marker}{_cell(v.entity.id)}{marker}",
            _cell(v.entity.name),
            country,
            interval_text(v.cascade),
            interval_text(v.lookthrough),
            *(r.verdicts[position[v.entity.id]].status.value for r in checks.results if several),
            _cell(v.reason),
            _cell(", ".join(v.labels)),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    warnings = list(dict.fromkeys(w for r in checks.results for w in r.warnings))
    if warnings:
        lines += ["", "## Warnings", ""]
        for w in warnings:
            where = f" ({w.where.cell()})" if w.where else ""
            lines.append(f"- `{w.code}`{where}: {_cell(w.message)}")
    return "\n".join(lines) + "\n"
