"""The HTML report's tables: entities (a status column per rule), warnings, holdings as read, and the policy.

User text goes through ``esc``; figures arrive as fractions 0..1 and leave as percentages.
"""

from __future__ import annotations

from collections.abc import Sequence

from ownership.model import ControlMode, Policy, pct_text
from ownership.reports.html.blocks import country_text, esc, figure_text, name_html, place, status_badge
from ownership.result import CheckResult, CheckSet, EntityVerdict, Status

#: Lists longer than this (holdings, warnings) are collapsed on screen; printing opens them.
COLLAPSE_AFTER = 30

_CONTROL_WORDS = {
    ControlMode.REPORT: "reported as red flags only",
    ControlMode.POSSIBLE: "enough to make an entity possible",
    ControlMode.TAINTS: "taint like a majority stake",
}


def entities_table(checks: CheckSet, order: Sequence[int], anchors: dict[int, str]) -> str:
    """One row per entity; with several rules a status column per rule, figures and reason of the first."""
    result = checks.primary
    several = len(checks.results) > 1
    disagree = set(checks.disagreements()) if several else set()
    if several:
        status_heads = "".join(
            f"<th>{esc(r.policy.name)}{'' if r.policy.in_force else ' (not in force)'}</th>" for r in checks.results
        )
    else:
        status_heads = "<th>status</th>"
    head = (
        f"<tr>{status_heads}<th>entity</th><th>country</th><th class='num'>cascade</th>"
        "<th class='num'>look-through</th><th>reason</th><th>what would settle it</th></tr>"
    )
    rows = []
    for i in order:
        v = result.verdicts[i]
        verdicts = [r.verdicts[i] for r in checks.results]
        name = name_html(v.entity.name)
        if i in anchors:
            name = f'<a href="#{anchors[i]}">{name}</a>'
        if v.decides and result.targets:
            name += ' <span class="tag decides">decides</span>'
        if i in disagree:
            name += ' <span class="tag disagree">rules disagree</span>'
        if v.entity.id != v.entity.name:
            name += f' <span class="id">{esc(v.entity.id)}</span>'
        statuses = "".join(f"<td>{status_badge(s.status)}</td>" for s in verdicts)
        rows.append(
            f'<tr class="{"disagree" if i in disagree else ""}">{statuses}<td>{name}</td><td>{country_text(v)}</td>'
            f'<td class="num">{figure_text(v.cascade)}</td><td class="num">{figure_text(v.lookthrough)}</td>'
            f'<td class="reason" dir="auto">{esc(v.reason)}</td><td>{_settle(verdicts)}</td></tr>'
        )
    caption = ""
    if several:
        caption = (
            f'<p class="count-line">A status column per rule; the figures and the reason are under rule '
            f"{esc(result.policy.name)}. Rows where the rules disagree come first after the deciding ones and are "
            "marked.</p>"
        )
    return (
        f'{caption}<div class="scroll"><table class="entities"><thead>{head}</thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _settle(verdicts: Sequence[EntityVerdict]) -> str:
    """What would settle an open status: only entities some rule finds possible have something to settle."""
    for v in verdicts:
        if v.status is Status.POSSIBLE and v.uncertainty:
            return '<ul class="plain">' + "".join(f'<li dir="auto">{esc(u)}</li>' for u in v.uncertainty) + "</ul>"
    return '<span class="muted">—</span>'


def _collapsible(title: str, count: int, body: str) -> str:
    if count <= COLLAPSE_AFTER:
        return body
    return (
        f"<details><summary>{title} <span class='screen-only'>(click to show)</span>"
        f"<span class='print-only'>(all shown)</span></summary>{body}</details>"
    )


def warnings_table(checks: CheckSet) -> str:
    warnings = list(dict.fromkeys(w for r in checks.results for w in r.warnings))
    if not warnings:
        return "<p>No warnings: every cell of the input was used as read.</p>"
    rows = "".join(
        f"<tr><td><code>{esc(w.code)}</code></td><td class='mono small'>{place(w.where)}</td>"
        f"<td dir='auto'>{esc(w.message)}</td></tr>"
        for w in warnings
    )
    table = f"<table><thead><tr><th>code</th><th>where</th><th>message</th></tr></thead><tbody>{rows}</tbody></table>"
    return _collapsible(f"All {len(warnings)} warnings", len(warnings), table)


def holdings_table(result: CheckResult) -> str:
    holdings = result.holdings
    if not holdings:
        return "<p>No holdings were read.</p>"
    day = result.policy.as_of
    rows = []
    for h, used in zip(holdings, result.holdings_in_force.tolist(), strict=True):
        dates = " to ".join(d.isoformat() if d else "open" for d in (h.start, h.end)) if h.start or h.end else ""
        state = dates + ("" if used else f" <b>not in force on {day.isoformat()}</b>")
        control = "control" if h.control else ""
        rows.append(
            f'<tr class="{"" if used else "not-used"}"><td class="mono small">{place(h.where)}'
            f'</td><td dir="auto">{esc(h.holder)}</td><td dir="auto">{esc(h.subject)}</td>'
            f'<td class="num">{esc(str(h.stake)) if h.stake else "—"}</td>'
            f'<td class="num">{esc(str(h.votes)) if h.votes else ""}</td><td>{control}</td><td>{state}</td>'
            f'<td dir="auto">{esc(h.source or "")}</td></tr>'
        )
    table = (
        "<table><thead><tr><th>read from</th><th>holder</th><th>subject</th><th class='num'>stake</th>"
        "<th class='num'>votes</th><th>control</th><th>dates</th><th>source</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    note = f'<p class="count-line">{len(holdings)} holdings read, {result.holdings_used} evaluated.</p>'
    return note + _collapsible(f"All {len(holdings)} holdings", len(holdings), table)


def _policy_rows(p: Policy) -> list[tuple[str, str, str]]:
    """(setting, value, key in ``Policy.origins``) for the policy table."""
    return [
        ("Watched countries", ", ".join(sorted(p.jurisdictions)) or "none", "jurisdictions"),
        ("Threshold", pct_text(p.threshold), "threshold"),
        ("Comparison", p.comparison.words, "comparison"),
        ("Pass-through threshold", pct_text(p.pass_threshold), "pass_through"),
        ("Pass-through comparison", p.pass_comparison.words, "pass_through_comparison"),
        ("Deciding figure", p.method.value, "method"),
        ("Home entity by", p.home.value, "home"),
        ("Home parties", "added together" if p.aggregate else "each party alone", "aggregate"),
        ("Weights", p.weights.value, "weights"),
        ("Control rows", _CONTROL_WORDS[p.control], "control"),
        ("Over-allocation", "rescaled to 100%" if p.allow_overallocation else "an error", "allow_overallocation"),
        (
            "No recorded holders",
            "unknown owners" if p.unrecorded_holders.value == "unknown" else "its own ultimate owner",
            "unrecorded_holders",
        ),
        ("Label order", ", ".join(p.label_order) or "none", "label_order"),
        ("As-of date", p.as_of.isoformat(), "as_of"),
        (
            "Watch lists",
            (", ".join(sorted({w.label for w in p.watchlist})) + f" ({len(p.watchlist)} entries)")
            if p.watchlist
            else "none",
            "watchlists",
        ),
    ]


def _origin(origin: str) -> str:
    return f"option {origin}" if origin.startswith("-") else origin


def policy_table(checks: CheckSet) -> str:
    """One row per setting: its value under each rule and where that value came from."""
    table = [_policy_rows(r.policy) for r in checks.results]
    several = len(checks.results) > 1
    if several:
        heads = "".join(f"<th>{esc(r.policy.name)}</th>" for r in checks.results)
    else:
        heads = "<th>value</th><th>from</th>"
    rows = []
    for k, (setting, _, _) in enumerate(table[0]):
        cells = []
        for r, policy_rows in zip(checks.results, table, strict=True):
            _, value, key = policy_rows[k]
            origin = esc(_origin(r.policy.origins.get(key, "")))
            if several:
                cells.append(f'<td>{esc(value)} <span class="id">{origin or "&nbsp;"}</span></td>')
            else:
                cells.append(f'<td>{esc(value)}</td><td class="muted">{origin}</td>')
        rows.append(f"<tr><td><b>{setting}</b></td>{''.join(cells)}</tr>")
    return (
        f"<table class='policy'><thead><tr><th>setting</th>{heads}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        f'<p class="count-line">{"Under each value" if several else "From"}: where the value came from, a '
        "default, a rule profile, a policy file or an option on the command line.</p>"
    )
