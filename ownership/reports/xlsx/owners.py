"""The audit workbook's Owners sheet: for each entity named with ``--entity``, every ultimate owner with its
look-through share (fractions in percent-formatted cells), its cascade figure alone, whether it controls the
entity and whether it reaches the threshold alone; then the share no named holder holds."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from openpyxl.worksheet.worksheet import Worksheet

from ownership.reports.xlsx.style import As, Column, Value, write_table

if TYPE_CHECKING:
    from ownership.analysis.owners import Owners

COLUMNS = (
    Column("entity", widest=24),
    Column("owner", widest=24),
    Column("name", widest=40, wrap=True, align="left"),
    Column("role", widest=16),
    Column("countries", widest=16),
    Column("home", kind="flag"),
    Column("look-through low", kind="pct"),
    Column("look-through high", kind="pct"),
    Column("cascade low", kind="pct"),
    Column("cascade high", kind="pct"),
    Column("controls", kind="flag"),
    Column("over threshold", widest=16),
)


def write_owners(ws: Worksheet, found: Sequence[Owners]) -> int:
    """One row per owner of each entity (largest share first), and a row for what no named holder holds.

    Returns:
        The number of data rows written.
    """

    def rows() -> Iterator[list[Value | As]]:
        for owners in found:
            e = owners.entity.id
            for o in owners.owners:
                over = "yes" if o.over_threshold else ("possibly" if o.possibly_over_threshold else "no")
                yield [
                    e,
                    o.entity.id,
                    o.entity.name,
                    o.role.value.replace("_", " "),
                    ", ".join(o.countries) or "unknown",
                    o.home,
                    o.lookthrough.low,
                    o.lookthrough.high,
                    o.cascade.low,
                    o.cascade.high,
                    o.controls,
                    over,
                ]
            unallocated = owners.unallocated
            yield [
                e,
                None,
                "(no named holder)",
                "unallocated",
                None,
                None,
                unallocated,
                unallocated,
                None,
                None,
                None,
                None,
            ]

    banner = "Who ultimately owns each entity named with --entity: shares of its equity, each owner alone."
    return write_table(ws, COLUMNS, rows(), banner=banner, grouped=True)
