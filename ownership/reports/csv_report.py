"""One CSV row per entity: status and the four figures, for spreadsheets and bulk pipelines."""

from __future__ import annotations

from ownership.reports.common import neutralise, pct
from ownership.result import CheckResult

COLUMNS = [
    "id",
    "name",
    "type",
    "jurisdiction",
    "headquarters",
    "status",
    "cascade_low_pct",
    "cascade_high_pct",
    "lookthrough_low_pct",
    "lookthrough_high_pct",
    "decides",
    "reason",
]


def render_csv(result: CheckResult) -> str:
    """The entity table as CSV text (text cells that a spreadsheet would evaluate are neutralised)."""
    import pandas as pd

    rows = [
        {
            "id": neutralise(v.entity.id),
            "name": neutralise(v.entity.name),
            "type": v.entity.type.value,
            "jurisdiction": v.entity.jurisdiction or "",
            "headquarters": v.entity.headquarters or "",
            "status": v.status.value,
            "cascade_low_pct": pct(v.cascade.low),
            "cascade_high_pct": pct(v.cascade.high),
            "lookthrough_low_pct": pct(v.lookthrough.low),
            "lookthrough_high_pct": pct(v.lookthrough.high),
            "decides": "yes" if v.decides else "no",
            "reason": neutralise(v.reason),
        }
        for v in result.ordered()
    ]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    text: str = frame.to_csv(index=False, lineterminator="\n")
    return text
