"""Renderers of a ``whatif`` answer (``ownership.analysis.whatif.WhatIf``): JSON (schema
``exposure.whatif/1``), plain text for the terminal, Markdown and HTML. Percentages 0..100 in every format.

A cure's stake is written so that applying it as written clears the entity: the most a holder may keep is
rounded down, the least it must reach rounded up, at ``CURE_DECIMALS`` (the search brackets the edge to
1e-9 percentage points).
"""

from __future__ import annotations

import html
import json
import math
from typing import TYPE_CHECKING, Any

from ownership.model import Stake
from ownership.reports.common import pct, policy_document, tool_version

if TYPE_CHECKING:
    from ownership.analysis.whatif import Cure, Standing, WhatIf
    from ownership.reports.provenance import Provenance

SCHEMA = "exposure.whatif/1"
#: The formats ``render_whatif`` makes.
WHATIF_FORMATS = ("table", "json", "markdown", "html")
#: The format an output file's extension chooses.
FORMAT_BY_EXTENSION = {".json": "json", ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}
#: Decimals of a cure's stake in percent.
CURE_DECIMALS = 9

_SALE = (
    "max_pct: the most the holder may keep, the rest sold to a party outside the watched set (left unnamed, "
    "it would be an unknown remainder, which never clears anything)"
)
_ISSUE = (
    "min_pct: for a holder that is not home, the stake new shares must raise it to; every other stake in "
    "the subject, and its unallocated part, shrink in proportion"
)
_SEARCH = (
    "the engine's own verdict, bracketed to 1e-9 percentage points: guesses from the figures (the look-through "
    "is linear-fractional in one stake, the cascade affine between threshold crossings), then bisection"
)


def _down(fraction: float) -> float:
    scale = 10**CURE_DECIMALS
    return float(math.floor(round(fraction * 100.0 * scale, 3)) / scale) + 0.0


def _up(fraction: float) -> float:
    scale = 10**CURE_DECIMALS
    return float(math.ceil(round(fraction * 100.0 * scale, 3)) / scale) + 0.0


def _points(fraction: float) -> float:
    return round(fraction * 100.0, CURE_DECIMALS) + 0.0


def _range(stake: Stake | None) -> dict[str, float] | None:
    return None if stake is None else {"low": pct(stake.low), "high": pct(stake.high)}


def _standing(s: Standing | None) -> dict[str, Any] | None:
    if s is None:
        return None
    return {
        "status": s.status.value,
        "cascade_pct": {"low": pct(s.cascade.low), "high": pct(s.cascade.high)},
        "lookthrough_pct": {"low": pct(s.lookthrough.low), "high": pct(s.lookthrough.high)},
    }


def max_pct(c: Cure) -> float | None:
    """The most the holder may keep, in percent, rounded down so that it clears as written."""
    return None if c.max is None else _down(c.max)


def min_pct(c: Cure) -> float | None:
    """The least stake new shares must raise the holder to, in percent, rounded up."""
    return None if c.min is None else _up(c.min)


def _cure(c: Cure) -> dict[str, Any]:
    reference = c.stake.low if c.kind == "issue" else c.stake.high
    return {
        "holder": c.holder,
        "subject": c.subject,
        "pct": pct(reference),
        "pct_range": _range(c.stake),
        "max_pct": max_pct(c),
        "min_pct": min_pct(c),
        "change_pts": None if c.change is None else _points(c.change),
        "kind": c.kind or None,
    }


def to_document(w: WhatIf, provenance: Provenance | None = None) -> dict[str, Any]:
    """The answer as JSON-ready data (schema ``exposure.whatif/1``)."""
    from ownership.reports.provenance import Provenance, document

    provenance = provenance or Provenance()
    found = provenance.policy_file
    policy_file = (
        None
        if found is None
        else {"path": found.path, "absolute_path": found.absolute, "sha256": found.sha256, "keys": list(found.keys)}
    )
    diff = None
    if w.diff is not None:
        from ownership.reports.diff.document import to_document as diff_document

        diff = diff_document(w.diff, w.fail_on)  # type: ignore[arg-type]
    best = w.best
    return {
        "schema": SCHEMA,
        "tool": {"name": "exposure", "version": tool_version()},
        "input": {"path": w.source_path, "sha256": w.source_sha256, "format": w.source_format},
        "policy": {**policy_document(w.policy), "policy_file": policy_file},
        "files": document(provenance),
        "entity": {"id": w.entity, "name": w.name},
        "baseline": _standing(w.baseline),
        "deciding": list(w.policy.method.figures),
        "scenario": [
            {
                "kind": c.kind.value,
                "holder": c.holder,
                "subject": c.subject or None,
                "pct": _range(c.stake),
                "country": c.country or None,
                "text": c.text,
            }
            for c in w.scenario.changes
        ],
        "before": _standing(w.before),
        "pivotal": [
            {
                "holder": p.holder,
                "subject": p.subject,
                "pct": None if p.stake is None else pct(p.stake.high),
                "pct_range": _range(p.stake),
                "status_without": p.status_without.value,
            }
            for p in w.pivotal
        ],
        "cure": [_cure(c) for c in w.cure],
        "best": None
        if best is None
        else {
            "holder": best.holder,
            "subject": best.subject,
            "change_pts": _points(best.change or 0.0),
            "kind": best.kind,
            "to_pct": max_pct(best) if best.kind == "sell" else min_pct(best),
        },
        "why": w.why or None,
        "method": {"search": _SEARCH, "precision_pts": 1e-9, "sale": _SALE, "new_shares": _ISSUE},
        "holdings_upstream": w.holdings_upstream,
        "notes": list(w.notes),
        "diff": diff,
        "exit_code": w.exit_code(),
        "warnings": [
            {"code": x.code, "message": x.message, "where": x.where.cell() if x.where else None}
            for x in dict.fromkeys(w.warnings)
        ],
    }


def render_json(w: WhatIf, provenance: Provenance | None = None) -> str:
    """The answer as JSON text."""
    return json.dumps(to_document(w, provenance), ensure_ascii=False, indent=2) + "\n"


def _num(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.9f}".rstrip("0").rstrip(".")


def _stake_text(stake: Stake | None) -> str:
    if stake is None:
        return "control only"
    if stake.is_exact:
        return f"{_num(pct(stake.low))}%"
    return f"{_num(pct(stake.low))}-{_num(pct(stake.high))}%"


def _figures(s: Standing) -> str:
    def interval(low: float, high: float) -> str:
        a, b = _num(pct(low)), _num(pct(high))
        return f"{a}%" if a == b else f"{a}-{b}%"

    return (
        f"{s.status.value} (cascade {interval(s.cascade.low, s.cascade.high)}, look-through "
        f"{interval(s.lookthrough.low, s.lookthrough.high)})"
    )


def best_sentence(w: WhatIf) -> str:
    """The smallest single change that clears the entity, or why there is none, in words."""
    b = w.best
    if b is None:
        return f"No single change clears {w.entity}: {w.why}."
    if b.kind == "sell":
        return (
            f"Smallest change: {b.holder} keeps at most {_num(max_pct(b))}% of {b.subject} "
            f"(sells {_num(_points(b.change or 0.0))} points to a party outside the watched set)."
        )
    return (
        f"Smallest change: new shares raise {b.holder} to at least {_num(min_pct(b))}% of {b.subject} "
        f"(+{_num(_points(b.change or 0.0))} points, the other stakes diluted)."
    )


def _lines(w: WhatIf, bullet: str, code: Any, prose: Any = None) -> list[str]:
    """The answer's body as lines, shared by the text and Markdown renderers."""
    lines = [f"{code(w.entity)} ({code(w.name)}): {_figures(w.baseline)} under {code(w.policy.name)}"]
    if w.scenario:
        assert w.before is not None
        lines.append(f"Scenario: {'; '.join(code(c.text or c.kind.value) for c in w.scenario.changes)}")
        lines.append(f"Before the scenario: {_figures(w.before)}")
    lines.append("")
    lines.append(f"Pivotal holdings (removing one alone changes the status), {len(w.pivotal)}:")
    for p in w.pivotal:
        lines.append(f"{bullet}{code(p.holder + ' -> ' + p.subject)} {_stake_text(p.stake)}: {p.status_without.value}")
    if not w.pivotal:
        lines.append(f"{bullet}none")
    lines.append("")
    lines.append("Cures (one holding changed, everything else fixed):")
    for c in w.cure:
        parts = []
        if c.max is not None:
            parts.append(f"keep at most {_num(max_pct(c))}%")
        if c.min is not None:
            parts.append(f"new shares to at least {_num(min_pct(c))}%")
        told = ", or ".join(parts) if parts else "no stake of this holding alone clears it"
        change = "" if c.change is None else f" ({_num(_points(c.change))} points)"
        lines.append(f"{bullet}{code(c.holder + ' -> ' + c.subject)} {_stake_text(c.stake)}: {told}{change}")
    if not w.cure:
        lines.append(f"{bullet}none")
    lines.append("")
    prose = prose or code
    lines.append(prose(best_sentence(w)))
    for note in w.notes:
        lines.append(prose(f"Note: {note}"))
    return lines


def render_text(w: WhatIf) -> str:
    """The answer as plain text for the terminal."""
    lines = _lines(w, "  ", lambda t: t)
    if w.diff is not None:
        from ownership.reports.diff.document import what_changed

        changes = w.diff.all_changes()  # type: ignore[attr-defined]
        lines += ["", f"What the scenario changes in the whole check, {len(changes)} entities:"]
        lines += [f"  {c.id}: {what_changed(c)}" for c in changes[:50]]
        if len(changes) > 50:
            lines.append(f"  ... and {len(changes) - 50} more (see --format json)")
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    escaped = text.replace("\\", "\\\\")
    for char in "`*_[]<>|#":
        escaped = escaped.replace(char, "\\" + char)
    return escaped


def render_markdown(w: WhatIf) -> str:
    """The answer as Markdown (text escaped, so names cannot inject markup)."""
    body = _lines(w, "- ", _md)
    out = [f"# What would change {_md(w.entity)}", "", *body]
    if w.diff is not None:
        from ownership.reports.diff.document import what_changed

        out += ["", "## What the scenario changes in the whole check", ""]
        out += [f"- {_md(c.id)}: {_md(what_changed(c))}" for c in w.diff.all_changes()]  # type: ignore[attr-defined]
    return "\n".join(out) + "\n"


def render_html(w: WhatIf) -> str:
    """The answer as a self-contained HTML page (every text escaped)."""
    e = html.escape
    rows_p = "".join(
        f"<tr><td>{e(p.holder)}</td><td>{e(p.subject)}</td><td>{e(_stake_text(p.stake))}</td>"
        f"<td>{e(p.status_without.value)}</td></tr>"
        for p in w.pivotal
    )
    rows_c = "".join(
        f"<tr><td>{e(c.holder)}</td><td>{e(c.subject)}</td><td>{e(_stake_text(c.stake))}</td>"
        f"<td>{e(_num(max_pct(c)))}</td><td>{e(_num(min_pct(c)))}</td>"
        f"<td>{e(_num(None if c.change is None else _points(c.change)))}</td></tr>"
        for c in w.cure
    )
    scenario = ""
    if w.scenario and w.before is not None:
        scenario = (
            f"<p>Scenario: {e('; '.join(c.text or c.kind.value for c in w.scenario.changes))}</p>"
            f"<p>Before the scenario: {e(_figures(w.before))}</p>"
        )
    diff = ""
    if w.diff is not None:
        from ownership.reports.diff.document import what_changed

        items = "".join(
            f"<li>{e(c.id)}: {e(what_changed(c))}</li>"
            for c in w.diff.all_changes()  # type: ignore[attr-defined]
        )
        diff = f"<h2>What the scenario changes in the whole check</h2><ul>{items}</ul>"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>What would change {e(w.entity)}</title>"
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}</style></head><body>"
        f"<h1>What would change {e(w.entity)} ({e(w.name)})</h1>"
        f"<p>{e(_figures(w.baseline))} under {e(w.policy.name)}</p>{scenario}"
        "<h2>Pivotal holdings</h2><table><tr><th>holder</th><th>subject</th><th>stake</th>"
        f"<th>status without it</th></tr>{rows_p}</table>"
        "<h2>Cures</h2><table><tr><th>holder</th><th>subject</th><th>stake</th><th>keep at most %</th>"
        f"<th>new shares to at least %</th><th>change, points</th></tr>{rows_c}</table>"
        f"<p>{e(best_sentence(w))}</p>{diff}"
        f"<p><small>{e(_SEARCH)}. {e(_SALE)}. {e(_ISSUE)}.</small></p></body></html>\n"
    )


def render_whatif(w: WhatIf, fmt: str, provenance: Provenance | None = None) -> str:
    """The answer in ``fmt`` (one of ``WHATIF_FORMATS``).

    Raises:
        ValueError: an unknown format.
    """
    if fmt == "json":
        return render_json(w, provenance)
    if fmt == "markdown":
        return render_markdown(w)
    if fmt == "html":
        return render_html(w)
    if fmt == "table":
        return render_text(w)
    raise ValueError(f"unknown whatif format {fmt!r}; use one of {', '.join(WHATIF_FORMATS)}")


__all__ = [
    "FORMAT_BY_EXTENSION",
    "SCHEMA",
    "WHATIF_FORMATS",
    "best_sentence",
    "max_pct",
    "min_pct",
    "render_html",
    "render_json",
    "render_markdown",
    "render_text",
    "render_whatif",
    "to_document",
]
