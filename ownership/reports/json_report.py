"""The JSON report (schema ``exposure.check/1``, see the interface contract): keys are only ever added."""

from __future__ import annotations

import json
from typing import Any

from ownership.reports.common import pct, policy_document, tool_version
from ownership.result import CheckResult, CheckSet, EntityVerdict, Interval

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
        "labels": list(v.labels),
        "most_restrictive": v.most_restrictive,
    }


def _profile_entry(v: EntityVerdict) -> dict[str, Any]:
    return {
        "status": v.status.value,
        "cascade_pct": _interval(v.cascade),
        "lookthrough_pct": _interval(v.lookthrough),
        "labels": list(v.labels),
        "most_restrictive": v.most_restrictive,
        "reason": v.reason,
    }


def _summary(result: CheckResult) -> dict[str, Any]:
    counts = result.counts()
    return {
        "entities": len(result.verdicts),
        **{status.value: count for status, count in counts.items()},
        "verdict": result.overall().value,
        "holdings": result.holdings_used,
        "targets": list(result.targets),
    }


def to_document(results: CheckResult | CheckSet) -> dict[str, Any]:
    """The report as plain data: the primary rule in the contract's keys, every rule under ``profiles``
    and each entity's ``by_profile``."""
    checks = CheckSet.of(results)
    result = checks.primary
    position = {v.entity.id: i for i, v in enumerate(result.verdicts)}
    order = [v for v in result.ordered() if v.decides] + [v for v in result.verdicts if not v.decides]
    entities = []
    for v in order:
        entry = _entity(v)
        i = position[v.entity.id]
        entry["by_profile"] = {r.policy.name: _profile_entry(r.verdicts[i]) for r in checks.results}
        entities.append(entry)
    warnings: dict[tuple[str, str, str | None], None] = {}
    for r in checks.results:
        for w in r.warnings:
            warnings[(w.code, w.message, w.where.cell() if w.where else None)] = None
    return {
        "schema": SCHEMA,
        "tool": {"name": "exposure", "version": tool_version()},
        "input": {"path": result.source.path, "sha256": result.source.sha256, "format": result.source.format},
        "policy": policy_document(result.policy),
        "summary": _summary(result),
        "profiles": [
            {"name": r.policy.name, "policy": policy_document(r.policy), "summary": _summary(r)} for r in checks.results
        ],
        "disagreements": [result.verdicts[i].entity.id for i in checks.disagreements()],
        "entities": entities,
        "warnings": [{"code": c, "message": m, "where": w} for c, m, w in warnings],
    }


def render_json(results: CheckResult | CheckSet) -> str:
    return json.dumps(to_document(results), ensure_ascii=False, indent=2) + "\n"
