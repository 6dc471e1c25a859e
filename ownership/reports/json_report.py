"""The JSON report (schema ``exposure.check/1``, see the interface contract): keys are only ever added."""

from __future__ import annotations

import json
from typing import Any

from ownership.reports.common import pct, policy_document, tool_version
from ownership.result import CheckResult, EntityVerdict, Interval

SCHEMA = "exposure.check/1"


def _interval(iv: Interval) -> dict[str, float]:
    return {"low": pct(iv.low), "high": pct(iv.high)}


def _entity(v: EntityVerdict) -> dict[str, Any]:
    e = v.entity
    return {
        "id": e.id,
        "name": e.name,
        "type": e.type.value,
        "jurisdiction": e.jurisdiction,
        "headquarters": e.headquarters,
        "status": v.status.value,
        "cascade_pct": _interval(v.cascade),
        "lookthrough_pct": _interval(v.lookthrough),
        "decides": v.decides,
        "reason": v.reason,
        "home_countries": list(v.home_countries),
        "tainted_by": [
            {
                "holder": c.holder,
                "stake_pct": _interval(Interval(c.stake.low, c.stake.high)),
                "holder_home": c.holder_is_home,
            }
            for c in v.tainted_by
        ],
        "red_flags": list(v.red_flags),
        "uncertainty": list(v.uncertainty),
    }


def to_document(result: CheckResult) -> dict[str, Any]:
    """The report as plain data."""
    counts = result.counts()
    return {
        "schema": SCHEMA,
        "tool": {"name": "exposure", "version": tool_version()},
        "input": {"path": result.source.path, "sha256": result.source.sha256, "format": result.source.format},
        "policy": policy_document(result.policy),
        "summary": {
            "entities": len(result.verdicts),
            **{status.value: count for status, count in counts.items()},
            "verdict": result.overall().value,
            "holdings": result.holdings_used,
            "targets": list(result.targets),
        },
        "entities": [_entity(v) for v in result.ordered() if v.decides]
        + [_entity(v) for v in result.verdicts if not v.decides],
        "warnings": [
            {"code": w.code, "message": w.message, "where": w.where.cell() if w.where else None}
            for w in result.warnings
        ],
    }


def render_json(result: CheckResult) -> str:
    return json.dumps(to_document(result), ensure_ascii=False, indent=2) + "\n"
