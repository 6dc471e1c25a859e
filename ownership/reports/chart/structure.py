"""The structure chart: who owns whom, as an SVG an HTML audit report embeds.

Owners are drawn above what they own, each box coloured by its status, each line labelled with the stake in
percent. Large inputs are cut down to the owners (transitively, a few levels up) of the entities that matter:
the ones the user named, or else the flagged (then possible) ones; the chart says what it left out.
The layout is in ``layout``, the drawing in ``svg``; this module chooses what to show.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from ownership.errors import short
from ownership.reports.chart.data import Link, country_text, links_in_force, percent_text, stake_label
from ownership.reports.chart.layout import Edge, layout
from ownership.reports.chart.svg import MARKER_SPACE, EdgeView, NodeView, render_svg
from ownership.result import CheckResult, EntityVerdict, Status

#: How many levels of owners above the entities that matter a cut-down chart follows at most.
MAX_HOPS = 8
_NAMED = 3


@dataclass(frozen=True)
class Chart:
    """A structure chart.

    Attributes:
        svg: a complete inline ``<svg>`` element (no scripts, no external references), as wide as its container.
        shown: how many entities are drawn.
        left_out: how many entities of the result are not drawn.
        note: what was left out, in plain words ('' when nothing was).
    """

    svg: str
    shown: int
    left_out: int
    note: str


@dataclass(frozen=True)
class _Selection:
    """The entities a chart shows and why."""

    ids: tuple[str, ...]  # in input order
    seeds: tuple[str, ...]  # the entities that matter, whose owners are shown
    kind: str  # what the seeds are when the user named none: "flagged", "possible", "home" or "" (the first)
    seeds_cut: int  # entities that matter left out because there were more than fit
    hops: int  # levels of owners shown
    full: bool  # no room was lacking: every owner within the levels shown is shown
    hop_limited: bool  # there are owners further up than MAX_HOPS levels


def structure_chart(result: CheckResult, focus: Sequence[str] = (), max_nodes: int = 60) -> Chart:
    """Draw the ownership structure of ``result`` as an SVG chart.

    Args:
        result: the check to draw; stakes are fractions inside, shown as percentages.
        focus: entity ids that matter most (the ``--entity`` targets): outlined, and kept when the input is too
            large to draw whole. Without them a large input is cut to the flagged (else possible) entities.
        max_nodes: the most entities drawn; beyond it only the owners of the entities that matter are.

    Returns:
        The SVG, with how many entities it shows and what it left out.

    Raises:
        ValueError: a focus id is not an entity of the result, or ``max_nodes`` is below 1.
    """
    if max_nodes < 1:
        raise ValueError("max_nodes must be at least 1")
    verdicts = {v.entity.id: v for v in result.verdicts}
    missing = [f for f in focus if f not in verdicts]
    if missing:
        raise ValueError(f"focus entity {short(missing[0])!r} is not in the result")
    focus_ids = tuple(dict.fromkeys(focus))
    links = links_in_force(result)
    chosen = _select(result, links, focus_ids, max_nodes)
    shown = chosen.ids
    position = {entity_id: i for i, entity_id in enumerate(shown)}
    drawn = [link for link in links if link.holder in position and link.subject in position]
    hidden: dict[str, set[str]] = {}
    for link in links:
        if link.subject in position and link.holder not in position:
            hidden.setdefault(link.subject, set()).add(link.holder)

    nodes = [_node(verdicts[i], i in focus_ids, len(hidden.get(i, ())), result) for i in shown]
    edges = [(position[k.holder], position[k.subject], _edge(k, verdicts)) for k in drawn]
    lay = layout(
        len(nodes),
        [Edge(h, s, link.weight) for (h, s, _), link in zip(edges, drawn, strict=True)],
        top=MARKER_SPACE if hidden else 0.0,
    )
    note = _note(result, chosen, verdicts)
    title = f"Ownership structure of {short(result.source.path)}: {len(shown):,} entities, {len(drawn):,} holdings"
    key = "\x1f".join((result.source.sha256, result.policy.name, *focus_ids, "", *shown))
    digest = hashlib.sha256(key.encode()).hexdigest()
    svg = render_svg(nodes, edges, lay, title=title, note=note, prefix=f"xc{digest[:10]}")
    return Chart(svg=svg, shown=len(shown), left_out=len(result.verdicts) - len(shown), note=note)


def _select(result: CheckResult, links: Sequence[Link], focus: tuple[str, ...], max_nodes: int) -> _Selection:
    """Everything when it fits; else the entities that matter and their owners, nearest levels first."""
    order = [v.entity.id for v in result.verdicts]
    if len(order) <= max_nodes:
        return _Selection(tuple(order), (), "", 0, 0, True, False)
    seeds, kind = list(focus), ""
    if not seeds:
        for status in (Status.FLAGGED, Status.POSSIBLE, Status.HOME):
            seeds = [v.entity.id for v in result.verdicts if v.status is status]
            if seeds:
                kind = status.value
                break
        else:
            seeds = order[:1]
    # Too many to show with their owners: keep room for owners, which is what a structure chart is for.
    keep = len(seeds) if len(seeds) <= max_nodes // 2 else max(1, max_nodes // 3)
    cut = len(seeds) - keep
    seeds = seeds[:keep]
    rank = {entity_id: i for i, entity_id in enumerate(order)}
    owners: dict[str, list[Link]] = {}
    for link in links:
        owners.setdefault(link.subject, []).append(link)
    for rows in owners.values():
        # Largest stakes first, so a chart cut short keeps the owners that weigh most.
        rows.sort(key=lambda k: (-k.weight, rank[k.holder]))

    selected = dict.fromkeys(seeds)
    frontier, hops, full = list(seeds), 0, True
    while frontier and hops < MAX_HOPS:
        found = list(dict.fromkeys(k.holder for s in frontier for k in owners.get(s, ()) if k.holder not in selected))
        if not found:
            frontier = []
            break
        room = max_nodes - len(selected)
        if len(found) > room:
            found, full = found[:room], False
        if found:
            hops += 1
            selected.update(dict.fromkeys(found))
        if not full:
            break
        frontier = found
    hop_limited = full and any(k.holder not in selected for s in frontier for k in owners.get(s, ()))
    ids = tuple(sorted(selected, key=rank.__getitem__))
    return _Selection(ids, tuple(seeds), kind, cut, hops, full, hop_limited)


def _note(result: CheckResult, chosen: _Selection, verdicts: dict[str, EntityVerdict]) -> str:
    """What the chart shows of a larger input, in plain words ('' when it shows everything)."""
    total = len(result.verdicts)
    left = total - len(chosen.ids)
    if left == 0:
        return ""
    kind = f"{chosen.kind} " if chosen.kind else ""
    names = ", ".join(_display(verdicts[s]) for s in chosen.seeds[:_NAMED])
    more = len(chosen.seeds) - min(len(chosen.seeds), _NAMED)
    listed = names + (f" and {more:,} more" if more else "")
    if chosen.seeds_cut:
        total_seeds = len(chosen.seeds) + chosen.seeds_cut
        what = f"the owners of the first {len(chosen.seeds):,} of {total_seeds:,} {kind}entities, {listed}"
    else:
        what = f"the owners of the {kind}entities {listed}" if kind else f"the owners of {listed}"
    if not chosen.full:
        levels = f"{chosen.hops} level{'s' if chosen.hops != 1 else ''}"
        what += f" (the nearest {levels} up, as many as fit)" if chosen.hops else " (no room for their owners)"
    elif chosen.hop_limited:
        what += f" (up to {MAX_HOPS} levels up)"
    return f"showing {len(chosen.ids):,} of {total:,} entities: {what}; {left:,} left out"


def _display(v: EntityVerdict) -> str:
    e = v.entity
    return short(e.id, 40) if e.name == e.id else short(e.name, 40)


def _figure(v: EntityVerdict, result: CheckResult) -> str:
    """The deciding figure(s) for the box's second line."""
    figures = [percent_text(f.low, f.high) for f in result.deciding_figures(v)]
    return " / lt ".join(figures)


def _node(v: EntityVerdict, focus: bool, hidden_owners: int, result: CheckResult) -> NodeView:
    e = v.entity
    if v.status is Status.HOME:
        detail = f"{country_text(v)} · home"
    else:
        detail = f"{country_text(v)} · {v.status.value} {_figure(v, result)}"
    lines = [
        e.name,
        f"id: {e.id}",
        f"status: {v.status.value}" + (" (decides the exit code)" if v.decides and result.targets else ""),
        f"cascade {percent_text(v.cascade.low, v.cascade.high)}; "
        f"look-through {percent_text(v.lookthrough.low, v.lookthrough.high)}",
        f"country: {e.jurisdiction or 'unknown'}"
        + (f"; headquarters {e.headquarters}" if e.headquarters and e.headquarters != e.jurisdiction else "")
        + f"; {e.type.value}",
        v.reason,
    ]
    if hidden_owners:
        lines.append(f"{hidden_owners:,} owner{'s' if hidden_owners > 1 else ''} not shown in this chart")
    return NodeView(
        entity_id=e.id,
        name=e.name,
        detail=detail,
        tooltip="\n".join(line for line in lines if line),
        status=v.status,
        focus=focus,
        hidden_owners=hidden_owners,
    )


def _edge(link: Link, verdicts: dict[str, EntityVerdict]) -> EdgeView:
    holder, subject = verdicts[link.holder].entity, verdicts[link.subject].entity
    what = "controls" if link.stake is None else f"holds {stake_label(link)} of"
    text = f"{holder.name} {what} {subject.name}"
    if link.votes is not None:
        text += f" (votes {percent_text(link.votes.low, link.votes.high)})"
    if link.sources:
        text += "\nsource: " + "; ".join(link.sources)
    if link.rows > 1:
        text += f"\n{link.rows} rows summed"
    return EdgeView(
        holder=link.holder,
        subject=link.subject,
        label=stake_label(link),
        tooltip=text,
        control_only=link.stake is None,
        strength=link.stake.low if link.stake is not None else 0.0,
    )


__all__ = ["MAX_HOPS", "Chart", "structure_chart"]
