"""Small pieces of the HTML report: escaping, status labels, figures, and one entity's explanation.

Every piece of user text (names, ids, sources, messages) goes through ``esc``; everything else is literal
markup written here. Figures arrive as fractions 0..1 and leave as percentages.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence

from ownership.errors import DataWarning, Location
from ownership.model import pct_text
from ownership.result import (
    Chain,
    ChainBreakdown,
    ChainKind,
    CheckSet,
    Contribution,
    Derivation,
    EntityVerdict,
    Interval,
    Status,
)

# C0/C1 controls other than tab and newline, and lone surrogates, are not allowed in an HTML document (and a
# lone surrogate cannot even be written as UTF-8): a name carrying one shows U+FFFD instead.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")

#: A chain or remainder below this (fraction) is shown as "< 0.01%" rather than in exponent notation.
_SMALLEST_SHOWN = 1e-4
#: A remainder at or below this (fraction) is float noise, not a circular holding worth a line.
_NOISE = 1e-9


def esc(text: object) -> str:
    """User text made safe for HTML element content and quoted attribute values."""
    return html.escape(_FORBIDDEN.sub("\ufffd", str(text)), quote=True)


def name_html(name: str) -> str:
    """A name isolated from the text around it, so a right-to-left name cannot reorder what follows."""
    return f"<bdi>{esc(name)}</bdi>"


def status_badge(status: Status) -> str:
    """The status as a coloured label that also says it in words (the colour is never the only sign)."""
    return f'<span class="status {status.value}">{status.value}</span>'


def share_text(fraction: float) -> str:
    """A fraction as a percentage for chains and figures; tiny positive values read "< 0.01%"."""
    if 0 < fraction < _SMALLEST_SHOWN:
        return "&lt; 0.01%"
    return esc(pct_text(max(fraction, 0.0)))


def figure_text(iv: Interval) -> str:
    """Bounds as "56% to 64%" joined by an en dash, or one figure when both bounds agree."""
    if abs(iv.high - iv.low) <= 1e-9:
        return share_text(iv.low)
    return f"{share_text(iv.low)} \N{EN DASH} {share_text(iv.high)}"


def country_text(v: EntityVerdict) -> str:
    e = v.entity
    text = e.jurisdiction or "unknown"
    if e.headquarters and e.headquarters != e.jurisdiction:
        text += f" (HQ {e.headquarters})"
    return esc(text)


def place(where: Location | None) -> str:
    """Where in the input, compactly: "Holdings!C14", "Holdings row 30", "holdings.csv:14"."""
    if where is None:
        return "—"
    if where.sheet is not None and where.row and not where.column:
        return esc(f"{where.sheet} row {where.row}")
    return esc(where.cell())


def warning_item(w: DataWarning) -> str:
    where = f' <span class="muted">({place(w.where)})</span>' if w.where else ""
    return f"<li><code>{esc(w.code)}</code>{where}: {esc(w.message)}</li>"


def plain_list(items: Sequence[str]) -> str:
    return '<ul class="plain">' + "".join(f'<li dir="auto">{esc(item)}</li>' for item in items) + "</ul>"


class EntityExplainer:
    """Writes one entity's section: figures, the cascade derivation, the look-through chains, its notes.

    Attributes:
        checks: the rules side by side; the primary one's explanation is shown in full.
        names: display names by entity id, for chains and origins.
    """

    def __init__(self, checks: CheckSet) -> None:
        self.checks = checks
        self.names: Mapping[str, str] = {v.entity.id: v.entity.name for v in checks.primary.verdicts}

    def node(self, entity_id: str) -> str:
        return name_html(self.names.get(entity_id, entity_id))

    def _start_tag(self, chain: Chain) -> str:
        if chain.kind is ChainKind.UNKNOWN:
            return '<span class="node-tag">country unknown</span>'
        if chain.kind is ChainKind.DECLARED:
            return '<span class="node-tag">declared indirect</span>'
        if chain.kind is ChainKind.HOME:
            try:
                start = self.checks.primary.verdict(chain.path[0])
            except KeyError:
                return '<span class="node-tag">home</span>'
            label = ", ".join(start.home_countries or start.labels) or "home"
            return f'<span class="node-tag">{esc(label)}</span>'
        return ""

    def chain_line(self, chain: Chain) -> str:
        """``P —60%→ H —60%→ T = 36%``; a chain through unnamed holders starts with them."""
        arrow = ' <span class="arrow">—{}→</span> '
        parts = []
        if chain.kind is ChainKind.UNALLOCATED:
            parts.append('<span class="muted">unnamed holders</span>' + arrow.format(share_text(chain.unallocated)))
        parts.append(self.node(chain.path[0]) + " " + self._start_tag(chain))
        for stake, entity_id in zip(chain.stakes, chain.path[1:], strict=True):
            parts.append(arrow.format(share_text(stake)) + self.node(entity_id))
        return "".join(parts) + f" = <b>{share_text(chain.share)}</b>"

    def chains_block(self, breakdown: ChainBreakdown, bound: str) -> str:
        """The chains largest first, one line for what the rest adds, and the total they make."""
        lines = [f'<li class="chain">{self.chain_line(c)}</li>' for c in breakdown.chains]
        if breakdown.rest > _NOISE or not breakdown.chains:
            what = (
                "circular holdings (walks that pass a cross-holding more than once)"
                if breakdown.searched_all
                else "other, smaller chains and circular holdings"
            )
            lines.append(f'<li class="rest">{what} = <b>{share_text(breakdown.rest)}</b></li>')
        lines.append(
            f'<li class="total">= <b>{share_text(breakdown.figure)}</b> look-through figure ({bound} bound)</li>'
        )
        return '<ul class="chains">' + "".join(lines) + "</ul>"

    def derivation_block(self, derivation: Derivation | None, tainted_by: tuple[Contribution, ...]) -> str:
        if derivation is None:
            held = ", ".join(
                f"{name_html(c.name)} {esc(str(c.stake))}{' (home)' if c.holder_is_home else ''}" for c in tainted_by
            )
            text = f"<p>Tainted direct holders: {held}.</p>" if held else ""
            return text + '<p class="muted">The step-by-step derivation was not computed for this entity.</p>'
        if not derivation.steps:
            return "<p>No tainted holder touches it: its cascade figure is 0% at the low bound.</p>"
        out = []
        if derivation.origins:
            origins = ", ".join(self.node(o) for o in derivation.origins)
            out.append(f"<p>The taint starts at {origins}.</p>")
        if derivation.omitted:
            out.append(f'<p class="muted">{derivation.omitted} earlier steps are left out.</p>')
        items = []
        for step in derivation.steps:
            css = "home-step" if step.home else ("step" if step.tainted else "not-tainted")
            items.append(f'<li class="{css}" dir="auto">{esc(step.text)}</li>')
        out.append(f'<ol class="steps" start="{derivation.omitted + 1}">' + "".join(items) + "</ol>")
        return "".join(out)

    def section(self, index: int, anchor: str, disagree: bool) -> str:
        """The section for the entity at ``index`` (input order)."""
        result = self.checks.primary
        v = result.verdicts[index]
        several = len(self.checks.results) > 1
        head = [
            f'<h3 dir="auto">{name_html(v.entity.name)}</h3>',
            f'<span class="mono muted">{esc(v.entity.id)}</span>',
            status_badge(v.status),
        ]
        if v.decides and result.targets:
            head.append('<span class="tag decides">named with --entity</span>')
        if disagree:
            head.append('<span class="tag disagree">rules disagree</span>')
        out = [
            f'<section class="entity {v.status.value}" id="{anchor}">',
            '<div class="head">' + " ".join(head) + "</div>",
            f'<p class="figures">Cascade <b>{figure_text(v.cascade)}</b> · look-through '
            f"<b>{figure_text(v.lookthrough)}</b> · country {country_text(v)}"
            f"{' · rule ' + esc(result.policy.name) if several else ''}</p>",
            f'<p dir="auto">{esc(v.reason)}</p>',
        ]
        if several:
            out.append(self._under_rules(index))
        rule = f", rule {esc(result.policy.name)}" if several else ""
        out.append(f"<h4>Cascade derivation (low bound{rule})</h4>")
        out.append(self.derivation_block(v.derivation, v.tainted_by))
        for other in self.checks.results[1:]:
            ov = other.verdicts[index]
            if ov.status is not v.status:
                out.append(f"<p><b>Under rule {esc(other.policy.name)}</b> ({ov.status.value}):</p>")
                out.append(self.derivation_block(ov.derivation, ov.tainted_by))
        out.append(f"<h4>Look-through chains (low bound, {share_text(v.lookthrough.low)}{rule})</h4>")
        if v.chains is not None:
            out.append(self.chains_block(v.chains, "low"))
        elif v.lookthrough.low <= _NOISE:
            out.append("<p>No chain from a watched party reaches it: the figure is 0% at the low bound.</p>")
        else:
            out.append('<p class="muted">The chains were not computed for this entity.</p>')
        if v.chains_high is not None:
            out.append(f"<h4>What the unknowns could add (high bound, {share_text(v.lookthrough.high)}{rule})</h4>")
            out.append(self.chains_block(v.chains_high, "high"))
        if v.uncertainty:
            out.append("<h4>What would settle it</h4>" + plain_list(v.uncertainty))
        if v.red_flags:
            out.append("<h4>Red flags</h4>" + plain_list(v.red_flags))
        if v.notes:
            out.append('<h4>Data notes</h4><ul class="plain">' + "".join(warning_item(w) for w in v.notes) + "</ul>")
        out.append("</section>")
        return "\n".join(out)

    def _under_rules(self, index: int) -> str:
        rows = []
        for r in self.checks.results:
            v = r.verdicts[index]
            in_force = "" if r.policy.in_force else ' <span class="tag">not in force</span>'
            rows.append(
                f"<tr><td>{esc(r.policy.name)}{in_force}</td><td>{status_badge(v.status)}</td>"
                f'<td class="num">{figure_text(v.cascade)}</td><td class="num">{figure_text(v.lookthrough)}</td>'
                f'<td dir="auto">{esc(v.reason)}</td></tr>'
            )
        return (
            '<table class="under-rules"><thead><tr><th>rule</th><th>status</th><th class="num">cascade</th>'
            '<th class="num">look-through</th><th>reason</th></tr></thead><tbody>' + "".join(rows) + "</tbody></table>"
        )
