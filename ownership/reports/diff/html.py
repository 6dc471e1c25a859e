"""The diff as one self-contained HTML page: the counts, the changes with their causes, and for each changed
entity the chart of its upstream in the new check with the holdings that changed drawn thick and orange.

The chart is the audit report's (``reports.chart``), unchanged; the highlighting is a style sheet rule on the
holdings' ``data-holder`` / ``data-subject`` attributes, so nothing in the chart's drawing depends on a diff.
"""

from __future__ import annotations

from datetime import datetime
from importlib.resources import files

from ownership.analysis.diff import CauseKind, Change, Diff
from ownership.analysis.diff.causes import Neighbourhood, neighbourhoods
from ownership.model import OwnershipData
from ownership.reports.chart.structure import structure_chart
from ownership.reports.common import tool_version
from ownership.reports.diff.document import cause_text, what_changed
from ownership.reports.html.blocks import esc, figure_text, name_html, status_badge
from ownership.result import CheckResult, FailOn, VerdictTuple

#: Changed entities drawn with a chart at most (the table lists every change).
MAX_CHARTS = 20
#: Entities drawn in one chart at most.
MAX_NODES = 60

_EXTRA_CSS = (
    ".diff-cause{margin:.2em 0}.diff-note{color:#4b5563;font-style:italic}"
    ".changed-legend{display:inline-block;width:2.2em;height:0;border-top:5px solid #ea580c;vertical-align:middle}"
)


def _css_string(text: str) -> str:
    """``text`` as a double-quoted CSS string that cannot end the string or the style element."""
    out = []
    for ch in text:
        if ch in '"\\<>&' or ord(ch) < 32 or ord(ch) == 127:
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _data(result: CheckResult) -> OwnershipData:
    """The data the check read, as its result keeps it (entities and every holding as read)."""
    return OwnershipData(result.verdicts.entities, result.holdings, result.source)


def _who(c: Change) -> str:
    """The entity's name, and its id beside it when the two differ."""
    if c.name == c.id:
        return name_html(c.name)
    return f'{name_html(c.name)} <span class="muted">{esc(c.id)}</span>'


def _side(c: Change, which: str) -> str:
    side = c.old if which == "old" else c.new
    if side is None:
        return "<td>-</td><td></td><td></td>"
    figures = f"<td>{figure_text(side.cascade)}</td><td>{figure_text(side.lookthrough)}</td>"
    return f"<td>{status_badge(side.status)}</td>{figures}"


def _chart(result: CheckResult, c: Change, k: int, near: Neighbourhood | None) -> str:
    if near is None:
        return ""
    # Only the entities drawn are handed to the chart (a registry's verdicts are built on access, and the
    # chart would build them all); they come with the check's own figures and statuses.
    verdicts = result.verdicts
    position = verdicts.entities.position
    part = CheckResult(
        policy=result.policy,
        source=result.source,
        verdicts=VerdictTuple([verdicts[position[i]] for i in near.ids]),
        warnings=(),
        targets=(c.id,),
        holdings_used=len(near.holdings),
        holdings=near.holdings,
    )
    chart = structure_chart(part, focus=[c.id], max_nodes=max(len(near.ids), 1))
    rules = [
        f"#diff-chart-{k} path.holding[data-holder={_css_string(x.holder)}][data-subject={_css_string(x.subject)}]"
        "{stroke:#ea580c;stroke-width:5px}"
        for x in c.causes
        if x.subject is not None and x.kind is not CauseKind.REMOVED
    ]
    rules += [
        f"#diff-chart-{k} g.entity[data-entity={_css_string(x.holder)}] rect{{stroke:#ea580c;stroke-width:4px}}"
        for x in c.causes
        if x.kind in (CauseKind.COUNTRY, CauseKind.ENTITY)
    ]
    caption = (
        f"Upstream of {name_html(c.name)} in the new check: {chart.shown} entities"
        + (" (the nearest levels of owners; more lie further up)" if near.cut else "")
        + '; the holdings that changed are drawn <span class="changed-legend"></span> thick and orange, as are '
        "the boxes of entities whose countries changed. Removed holdings are not in the new structure; the list "
        "above names them."
    )
    return (
        f"<style>{''.join(rules)}</style>" if rules else ""
    ) + f'<figure class="chart" id="diff-chart-{k}">{chart.svg}<figcaption>{caption}</figcaption></figure>'


def render_html(
    diff: Diff, generated_at: datetime, new: CheckResult | None = None, fail_on: FailOn = FailOn.FLAGGED
) -> str:
    """The diff as one HTML document (figures in percent).

    Args:
        diff: the comparison.
        generated_at: when the report is made, shown in its footer.
        new: the new check, whose structure the charts draw; None (a JSON report) draws none.
        fail_on: what the exit code fails on, for the headline.
    """
    s = diff.summary
    failing = diff.failing(fail_on)
    headline = (
        f'<p class="banner flagged">Newly failing: {esc(", ".join(failing))} (exit code 1)</p>'
        if failing
        else '<p class="banner clear">No new findings among the deciding entities (exit code 0)</p>'
    )
    counts = (
        f"<p>{s.newly_flagged} newly flagged · {s.cleared} cleared · {s.status_changed} status changed · "
        f"{s.figures_moved} figures moved · {s.added} added · {s.removed} removed "
        f"(a figure counts as moved beyond {esc(f'{diff.min_change * 100:g}')} points)</p>"
    )
    notes = [f'<p class="diff-note">{esc(n)}</p>' for n in (*diff.notes, diff.causes_note) if n]
    if diff.policy_differences:
        notes.append(f'<p class="diff-note">The two rules differ: {esc("; ".join(diff.policy_differences))}</p>')
    rows = [
        f"<tr><td>{_who(c)}</td><td>{what_changed(c)}</td>"
        f"{_side(c, 'old')}{_side(c, 'new')}<td>{'yes' if c.decides else 'no'}</td></tr>"
        for c in diff.all_changes()
    ]
    table = (
        "<table><thead><tr><th>entity</th><th>change</th><th>old status</th><th>old cascade</th>"
        "<th>old look-through</th><th>new status</th><th>new cascade</th><th>new look-through</th>"
        f"<th>decides</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
        if rows
        else "<p>Nothing changed.</p>"
    )
    drawn = [c.id for c in diff.changes[:MAX_CHARTS] if c.causes]
    near = neighbourhoods(_data(new), new.policy, drawn, MAX_NODES) if new is not None and drawn else {}
    sections = []
    for k, c in enumerate(diff.changes):
        causes = "".join(f'<li class="diff-cause">{esc(cause_text(x))}</li>' for x in c.causes)
        note = f'<p class="diff-note">{esc(c.note)}</p>' if c.note else ""
        chart = _chart(new, c, k, near.get(c.id)) if new is not None else ""
        sections.append(f'<section class="entity"><h3>{_who(c)}</h3><ul>{causes}</ul>{note}{chart}</section>')
    if len(diff.changes) > MAX_CHARTS and new is not None:
        sections.append(f'<p class="muted">Charts are drawn for the first {MAX_CHARTS} changes only.</p>')
    css = files("ownership.reports.html").joinpath("report.css").read_text(encoding="utf-8")
    title = f"What changed: {diff.old_label} -> {diff.new_label}"
    head = (
        '<meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="color-scheme" content="light">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        'img-src data:">'
        f'<meta name="generator" content="exposure {esc(tool_version())}">'
        f"<title>{esc(title)}</title><style>{css}{_EXTRA_CSS}</style>"
    )
    body = [
        "<header>",
        "<h1>What changed</h1>",
        f'<p class="subtitle" dir="auto">{esc(diff.old_label)} → {esc(diff.new_label)}</p>',
        headline,
        counts,
        *notes,
        "</header>",
        f'<section id="changes"><h2>Changes ({len(diff.all_changes())})</h2>{table}</section>',
        f'<section id="causes"><h2>Why: the causes of each change ({len(diff.changes)})</h2>',
        *sections,
        "</section>",
        f"<footer>Made by exposure {esc(tool_version())} on {esc(generated_at.isoformat(timespec='seconds'))}; "
        "this file loads nothing from elsewhere.</footer>",
    ]
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head>{head}</head>\n<body><main>\n'
        + "\n".join(body)
        + "\n</main></body></html>\n"
    )
