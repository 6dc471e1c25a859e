"""What the structure chart and the graph export draw: the holdings in force, one link per holder and subject.

Both renderers read the result's holdings as read and keep those the check evaluated on its as-of date, so a
stake sold last year is not drawn. Stakes stay as the input gave them (fractions); over-allocated subjects the
user allowed to be rescaled are drawn with their stated stakes.
"""

from __future__ import annotations

from dataclasses import dataclass

from ownership.model import Holding, Stake
from ownership.result import CheckResult, EntityVerdict


@dataclass(frozen=True, slots=True)
class Link:
    """One holder -> subject link in force on the result's as-of date (duplicate rows merged).

    Attributes:
        holder, subject: entity ids.
        stake: the equity stake (fractions 0..1; duplicate rows summed, capped at 1), None for control only.
        votes: the voting stake where the input gave one (fractions), else None.
        control: control without (or beyond) equity: VIE contracts, board-appointment rights.
        sources: the distinct source notes of the rows merged, in input order.
        rows: how many input rows the link merges.
    """

    holder: str
    subject: str
    stake: Stake | None
    votes: Stake | None
    control: bool
    sources: tuple[str, ...]
    rows: int

    @property
    def weight(self) -> float:
        """The most the holder may hold (fraction), for ordering owners by importance; 0 for control only."""
        return self.stake.high if self.stake is not None else 0.0


def _sum(stakes: list[Stake | None]) -> Stake | None:
    given = [s for s in stakes if s is not None]
    return Stake.merged(given) if given else None


def links_in_force(result: CheckResult) -> tuple[Link, ...]:
    """The holdings the check evaluated, merged per (holder, subject), in the order first read.

    Holdings outside the as-of date and self-holdings (treasury shares) are left out, as the engine leaves
    them out; so are holdings naming an entity the result does not know.
    """
    known = {v.entity.id for v in result.verdicts}
    grouped: dict[tuple[str, str], list[Holding]] = {}
    for h, used in zip(result.holdings, result.holdings_in_force.tolist(), strict=True):
        if h.holder == h.subject or not used:
            continue
        if h.holder not in known or h.subject not in known:
            continue
        grouped.setdefault((h.holder, h.subject), []).append(h)
    links = []
    for (holder, subject), rows in grouped.items():
        sources = tuple(dict.fromkeys(r.source.strip() for r in rows if r.source and r.source.strip()))
        links.append(
            Link(
                holder=holder,
                subject=subject,
                stake=_sum([r.stake for r in rows]),
                votes=_sum([r.votes for r in rows]),
                control=any(r.control for r in rows),
                sources=sources,
                rows=len(rows),
            )
        )
    return tuple(links)


def percent_text(low: float, high: float) -> str:
    """Bounds (fractions) as a short percentage for a chart: '60%', or '25\u201350%' with an en dash."""
    if abs(high - low) <= 1e-9:
        return f"{low * 100:.4g}%"
    return f"{low * 100:.4g}\u2013{high * 100:.4g}%"


def stake_label(link: Link) -> str:
    """The label of a link: its stake in percent, 'control' for a control-only row, '+ control' when both."""
    if link.stake is None:
        return "control" if link.control else "?"
    text = percent_text(link.stake.low, link.stake.high)
    return f"{text} + control" if link.control else text


def country_text(verdict: EntityVerdict) -> str:
    """'SG', 'KY/HQ CN' (incorporated in KY, headquartered in CN), or '?' when neither is known."""
    e = verdict.entity
    country = e.jurisdiction or "?"
    if e.headquarters and e.headquarters != e.jurisdiction:
        country = f"{e.jurisdiction}/HQ {e.headquarters}" if e.jurisdiction else f"HQ {e.headquarters}"
    return country


__all__ = ["Link", "country_text", "links_in_force", "percent_text", "stake_label"]
