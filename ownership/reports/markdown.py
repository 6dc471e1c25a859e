"""A Markdown report for pasting into a ticket or a pull request."""

from __future__ import annotations

from ownership.reports.common import interval_text, verdict_sentence
from ownership.result import CheckResult


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(result: CheckResult) -> str:
    policy = result.policy
    lines = [
        "# Ownership exposure check",
        "",
        f"**{verdict_sentence(result)}**",
        "",
        f"- Input: `{result.source.path}` (SHA-256 `{result.source.sha256[:16]}...`)",
        f"- Watched: {', '.join(sorted(policy.jurisdictions))}; home by {policy.home.value}; "
        f"threshold {policy.comparison.words} {policy.threshold * 100:g}%; method {policy.method.value}; "
        f"as of {policy.as_of.isoformat()}",
        "",
        "| status | id | name | country | cascade | look-through | reason |",
        "|---|---|---|---|---|---|---|",
    ]
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
            _cell(v.reason),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    if result.warnings:
        lines += ["", "## Warnings", ""]
        for w in result.warnings:
            where = f" ({w.where.cell()})" if w.where else ""
            lines.append(f"- `{w.code}`{where}: {_cell(w.message)}")
    return "\n".join(lines) + "\n"
