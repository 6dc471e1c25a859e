"""One CSV row per entity: status and the four figures, for spreadsheets and bulk pipelines."""

from __future__ import annotations

from ownership.reports.common import neutralise, pct
from ownership.result import CheckResult, CheckSet

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
    "labels",
    "most_restrictive",
]


def render_csv(results: CheckResult | CheckSet) -> str:
    """The entity table as CSV text (text cells that a spreadsheet would evaluate are neutralised). With
    several rules, one ``status_<rule>`` column per rule follows the primary rule's columns."""
    import pandas as pd

    checks = CheckSet.of(results)
    result = checks.primary
    extra = [f"status_{name}" for name in checks.names] if len(checks.results) > 1 else []
    position = {v.entity.id: i for i, v in enumerate(result.verdicts)}
    rows = []
    for v in result.ordered():
        row: dict[str, str | float] = {
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
            "labels": neutralise("; ".join(v.labels)),
            "most_restrictive": neutralise(v.most_restrictive or ""),
        }
        for column, r in zip(extra, checks.results, strict=False):
            row[column] = r.verdicts[position[v.entity.id]].status.value
        rows.append(row)
    frame = pd.DataFrame(rows, columns=COLUMNS + extra)
    text: str = frame.to_csv(index=False, lineterminator="\n")
    return text
