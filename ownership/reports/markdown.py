"""A Markdown report for pasting into a ticket or a pull request."""

from __future__ import annotations

from ownership.model import pct_text
from ownership.reports.common import chain_text, explained, interval_text, rest_text, rule_summary, verdict_sentence
from ownership.result import ChainBreakdown, CheckResult, CheckSet, EntityVerdict

#: Characters that start markup in CommonMark / GitHub Markdown inside a line: emphasis, code spans, links
#: and images (``[``), raw HTML and autolinks (``<``), entities (``&``), strikethrough, table cells. Each is
#: written with a backslash, which CommonMark defines as "this character, literally", so a name such as
#: ``<img onerror=...>`` or ``[x](javascript:...)`` is shown as text and never becomes markup.
_MARKUP = str.maketrans({c: f"\\{c}" for c in "\\`*_[]<&|~"})
#: Line breaks and other control characters would end a table row or a list item: shown as a space.
_BREAKS = str.maketrans({code: " " for code in [*range(0x00, 0x20), *range(0x7F, 0xA0)]})


def _cell(text: str) -> str:
    """Text from the input (names, ids, reasons, warnings) as inert Markdown on one line."""
    return text.translate(_BREAKS).translate(_MARKUP)


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
        lines.append(f"**{_cell(prefix + verdict_sentence(r))}**{_cell(suffix)}  ")
    lines += [
        "",
        f"- Input: `{_code(result.source.path)}` (SHA-256 `{result.source.sha256[:16]}...`)",
        f"- Watched: {', '.join(sorted(policy.jurisdictions)) or 'no country'}"
        + (f"; lists {_cell(', '.join(sorted({w.label for w in policy.watchlist})))}" if policy.watchlist else "")
        + f"; as of {policy.as_of.isoformat()}",
        *(f"- {_cell(rule_summary(r.policy))}" for r in checks.results),
        "",
    ]
    extra = [_cell(name) for name in checks.names] if several else []
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
            _cell(country),
            interval_text(v.cascade),
            interval_text(v.lookthrough),
            *(r.verdicts[position[v.entity.id]].status.value for r in checks.results if several),
            _cell(v.reason),
            _cell(", ".join(v.labels)),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    chosen = explained(result)
    if chosen:
        lines += ["", "## Why", ""]
        for v in chosen:
            lines += why(v)
    warnings = list(dict.fromkeys(w for r in checks.results for w in r.warnings))
    if warnings:
        lines += ["", "## Warnings", ""]
        for w in warnings:
            where = f" ({w.where.cell()})" if w.where else ""
            lines.append(f"- `{_code(w.code)}`{_cell(where)}: {_cell(w.message)}")
    return "\n".join(lines) + "\n"


def _chain_lines(title: str, breakdown: ChainBreakdown | None) -> list[str]:
    if breakdown is None:
        return []
    lines = [f"{title} ({pct_text(breakdown.figure)}):", ""]
    lines += [f"- `{_code(chain_text(c))}`" for c in breakdown.chains]
    rest = rest_text(breakdown)
    if rest:
        lines.append(f"- {_cell(rest)}")
    return [*lines, ""]


def _code(text: str) -> str:
    """Text for inside a code span, where nothing is markup: only a backtick or a line break could end it."""
    return text.translate(_BREAKS).replace("`", "'")


def why(v: EntityVerdict) -> list[str]:
    """One entity's reasons as a Markdown section: the derivation, the chains, what would settle it."""
    e = v.entity
    lines = [
        f"### {_cell(e.id)}: {v.status.value}",
        "",
        f"{_cell(e.name).rstrip('.')}. Cascade {interval_text(v.cascade)}, "
        f"look-through {interval_text(v.lookthrough)}. {_cell(v.reason)}.",
        "",
    ]
    if v.derivation is not None and v.derivation.steps:
        lines += ["How the cascade reaches it:", ""]
        if v.derivation.omitted:
            lines.append(f"- ({v.derivation.omitted} earlier steps left out)")
        lines += [f"{k}. {_cell(step.text)}" for k, step in enumerate(v.derivation.steps, start=1)]
        lines.append("")
    lines += _chain_lines("Look-through chains", v.chains)
    lines += _chain_lines("What the unknowns could add, up to", v.chains_high)
    if v.uncertainty:
        lines += ["What would settle it: " + "; ".join(_cell(u) for u in v.uncertainty) + ".", ""]
    for w in v.notes:
        where = f" ({w.where.cell()})" if w.where else ""
        lines.append(f"- note `{_code(w.code)}`{_cell(where)}: {_cell(w.message)}")
    if v.notes:
        lines.append("")
    return lines
