"""Renderers of the owners of one entity (``ownership.analysis.owners.Owners``): JSON (schema
``exposure.owners/1``), CSV, Markdown and the rows of the terminal table. Percentages 0..100 everywhere."""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any

from ownership.model import pct_text
from ownership.reports.cells import inert
from ownership.reports.common import interval_text, pct, policy_document, tool_version

if TYPE_CHECKING:
    from ownership.analysis.owners import Owner, Owners
    from ownership.result import Interval

SCHEMA = "exposure.owners/1"
#: The formats ``render_owners`` makes (``table`` is the terminal's, drawn by the command line).
OWNERS_FORMATS = ("json", "csv", "markdown")
#: The format an output file's extension chooses.
FORMAT_BY_EXTENSION = {".json": "json", ".csv": "csv", ".md": "markdown", ".markdown": "markdown", ".txt": "table"}
#: The CSV report's columns, one row per owner.
CSV_COLUMNS = (
    "entity",
    "id",
    "name",
    "role",
    "countries",
    "home",
    "lookthrough_low_pct",
    "lookthrough_high_pct",
    "cascade_low_pct",
    "cascade_high_pct",
    "controls",
    "over_threshold",
    "possibly_over_threshold",
)


def _interval(iv: Interval | None) -> dict[str, float] | None:
    return None if iv is None else {"low": pct(iv.low), "high": pct(iv.high)}


def owner_document(o: Owner) -> dict[str, Any]:
    """One owner as the JSON report writes it (the contract's keys first, then the added ones)."""
    return {
        "id": o.entity.id,
        "name": o.entity.name,
        "countries": list(o.countries),
        "lookthrough_pct": _interval(o.lookthrough),
        "controls": o.controls,
        "over_threshold": o.over_threshold,
        "possibly_over_threshold": o.possibly_over_threshold,
        "role": o.role.value,
        "type": o.entity.type.value,
        "home": o.home,
        "cascade_pct": _interval(o.cascade),
    }


def owners_document(found: Owners) -> dict[str, Any]:
    """The JSON report as plain data: ``schema``, ``entity``, ``owners``, ``unallocated_pct``, then the
    entity's own status and figures, the rule and the warnings."""
    e = found.entity
    return {
        "schema": SCHEMA,
        "tool": {"name": "exposure", "version": tool_version()},
        "input": {"path": found.source.path, "sha256": found.source.sha256, "format": found.source.format},
        "entity": {
            "id": e.id,
            "name": e.name,
            "type": e.type.value,
            "status": None if found.verdict_status is None else found.verdict_status.value,
            "cascade_pct": _interval(found.cascade),
            "lookthrough_pct": _interval(found.lookthrough),
        },
        "owners": [owner_document(o) for o in found.owners],
        "unallocated_pct": pct(found.unallocated),
        "closed_loop_pct": pct(found.closed_loop),
        "ultimate_total_pct": pct(sum(o.lookthrough.low for o in found.ultimate)),
        "intermediates": found.intermediates,
        "threshold_pct": pct(found.policy.threshold),
        "policy": policy_document(found.policy),
        "warnings": [
            {"code": w.code, "message": w.message, "where": w.where.cell() if w.where else None} for w in found.warnings
        ],
    }


def render_owners(found: Owners, fmt: str) -> str:
    """The owners in ``fmt`` (one of ``OWNERS_FORMATS``) as text.

    Raises:
        ValueError: a format that is not one of ``OWNERS_FORMATS``.
    """
    if fmt == "json":
        return json.dumps(owners_document(found), ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return _csv(found)
    if fmt == "markdown":
        return _markdown(found)
    raise ValueError(f"owners cannot be rendered as {fmt!r}")


def _flag(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def owner_row(o: Owner) -> dict[str, str]:
    """One owner as the texts of the table and CSV columns (percentages as written in reports)."""
    return {
        "id": o.entity.id,
        "name": o.entity.name,
        "role": o.role.value.replace("_", " "),
        "countries": ", ".join(o.countries) or "unknown",
        "home": _flag(o.home),
        "lookthrough": interval_text(o.lookthrough),
        "cascade": interval_text(o.cascade),
        "controls": _flag(o.controls),
        "over": "yes" if o.over_threshold else ("possibly" if o.possibly_over_threshold else "no"),
    }


def _csv(found: Owners) -> str:
    sink = io.StringIO()
    writer = csv.writer(sink, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for o in found.owners:
        writer.writerow(
            [
                inert(found.entity.id),
                inert(o.entity.id),
                inert(o.entity.name),
                o.role.value,
                ";".join(o.countries),
                _flag(o.home),
                pct(o.lookthrough.low),
                pct(o.lookthrough.high),
                pct(o.cascade.low),
                pct(o.cascade.high),
                _flag(o.controls),
                _flag(o.over_threshold),
                _flag(o.possibly_over_threshold),
            ]
        )
    return sink.getvalue()


def summary_lines(found: Owners) -> list[str]:
    """The lines under the owners: what is unallocated, what a closed loop holds, the entity's status."""
    lines = [f"unallocated (no named holder): {pct_text(found.unallocated)}"]
    if found.closed_loop > 0:
        lines.append(f"held by a closed loop (no ultimate owner): {pct_text(found.closed_loop)}")
    if found.verdict_status is not None and found.cascade is not None and found.lookthrough is not None:
        lines.append(
            f"{found.entity.id} is {found.verdict_status.value} under {found.policy.name} "
            f"(cascade {interval_text(found.cascade)}, look-through {interval_text(found.lookthrough)})"
        )
    threshold = (
        f"{'more than' if found.policy.comparison.value == 'gt' else 'at least'} {pct_text(found.policy.threshold)}"
    )
    lines.append(f"over threshold: {threshold} by {found.policy.method.value}, each owner alone")
    return lines


def _markdown(found: Owners) -> str:
    from ownership.reports.markdown import _cell

    e = found.entity
    lines = [f"# Owners of {_cell(e.name)} ({_cell(e.id)})", ""]
    lines += [
        "| owner | role | countries | home | look-through | cascade | controls | over threshold |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for o in found.owners:
        r = owner_row(o)
        name = _cell(r["id"]) if r["name"] == r["id"] else f"{_cell(r['name'])} ({_cell(r['id'])})"
        lines.append(
            f"| {name} | {r['role']} | {_cell(r['countries'])} | {r['home']} | {r['lookthrough']} | "
            f"{r['cascade']} | {r['controls']} | {r['over']} |"
        )
    lines.append("")
    lines += [f"- {_cell(line)}" for line in summary_lines(found)]
    return "\n".join(lines) + "\n"


__all__ = [
    "CSV_COLUMNS",
    "FORMAT_BY_EXTENSION",
    "OWNERS_FORMATS",
    "SCHEMA",
    "owner_document",
    "owner_row",
    "owners_document",
    "render_owners",
    "summary_lines",
]
