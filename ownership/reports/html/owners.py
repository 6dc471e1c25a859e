"""The HTML report's Owners section: for each entity named with ``--entity``, its ultimate owners with their
look-through shares, cascade figures alone, control and threshold marks, and what no named holder holds."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ownership.reports.html.blocks import esc, figure_text, name_html

if TYPE_CHECKING:
    from ownership.analysis.owners import Owners


def owners_section(found: Sequence[Owners]) -> str:
    """The section's content (one table per entity), or an empty string when no entity was named."""
    if not found:
        return ""
    parts = ['<section id="owners"><h2>Owners of the named entities</h2>']
    for owners in found:
        e = owners.entity
        rows = []
        for o in owners.owners:
            over = "yes" if o.over_threshold else ("possibly" if o.possibly_over_threshold else "no")
            home = "" if o.home is None else ("yes" if o.home else "no")
            rows.append(
                f"<tr><td>{name_html(o.entity.name)} <span class='muted mono small'>{esc(o.entity.id)}</span></td>"
                f"<td>{esc(o.role.value.replace('_', ' '))}</td><td>{esc(', '.join(o.countries) or 'unknown')}</td>"
                f"<td>{home}</td><td class='num'>{figure_text(o.lookthrough)}</td>"
                f"<td class='num'>{figure_text(o.cascade)}</td><td>{'yes' if o.controls else 'no'}</td>"
                f"<td>{over}</td></tr>"
            )
        from ownership.result import Interval

        unallocated = figure_text(Interval(owners.unallocated, owners.unallocated))
        parts.append(
            f"<h3>{name_html(e.name)} <span class='muted'>{esc(e.id)}</span></h3>"
            "<table><thead><tr><th>owner</th><th>role</th><th>countries</th><th>home</th>"
            "<th class='num'>look-through</th><th class='num'>cascade alone</th><th>controls</th>"
            f"<th>over threshold</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
            f"<p class='count-line'>No named holder: {unallocated}. Each owner is taken alone; the shares of "
            "the ultimate owners, the unallocated part and what a closed loop holds add up to 100%.</p>"
        )
    parts.append("</section>")
    return "\n".join(parts)
