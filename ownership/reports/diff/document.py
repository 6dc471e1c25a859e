"""The diff as data (JSON schema ``exposure.diff/1``), as CSV rows and as Markdown. Percentages 0..100."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from ownership.analysis.diff import Cause, CauseKind, Change, Diff, Side
from ownership.model import Stake
from ownership.reports.cells import inert
from ownership.reports.common import interval_text, pct, tool_version
from ownership.result import FailOn, Interval

SCHEMA = "exposure.diff/1"


def _range(low: float, high: float) -> dict[str, float]:
    return {"low": pct(low), "high": pct(high)}


def _stake(stake: Stake | None) -> dict[str, float] | None:
    return None if stake is None else _range(stake.low, stake.high)


def side_document(side: Side | None) -> dict[str, Any] | None:
    """One entity's status and figures in one check (None when it is not there)."""
    if side is None:
        return None
    return {
        "status": side.status.value,
        "cascade_pct": _range(side.cascade.low, side.cascade.high),
        "lookthrough_pct": _range(side.lookthrough.low, side.lookthrough.high),
    }


def cause_document(c: Cause) -> dict[str, Any]:
    """One cause: the contract's keys (``holder``, ``subject``, ``old_pct``, ``new_pct``, ``kind``), then how
    much of the change it explains, in points, on which bound."""
    doc: dict[str, Any] = {
        "holder": c.holder,
        "subject": c.subject,
        "old_pct": _stake(c.old),
        "new_pct": _stake(c.new),
        "kind": c.kind.value,
        "explains_pts": None if c.explains is None else pct(c.explains),
        "bound": c.bound or None,
    }
    if c.kind in (CauseKind.COUNTRY, CauseKind.ENTITY):
        doc["old_countries"] = list(c.old_countries)
        doc["new_countries"] = list(c.new_countries)
    if c.indirect:
        doc["declared_indirect"] = True
    return doc


def change_document(c: Change) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": c.id,
        "name": c.name,
        "old": side_document(c.old),
        "new": side_document(c.new),
        "causes": [cause_document(x) for x in c.causes],
        "decides": c.decides,
        "status_changed": c.status_changed,
    }
    if c.note:
        doc["causes_note"] = c.note
    return doc


def to_document(diff: Diff, fail_on: FailOn = FailOn.FLAGGED) -> dict[str, Any]:
    """The diff as JSON-ready data (schema ``exposure.diff/1``): ``summary`` counts, ``changes`` with their
    causes, ``added`` and ``removed`` entities, the entities that newly fail under ``fail_on`` and the exit
    code they give, and both sides' paths and rules."""
    return {
        "schema": SCHEMA,
        "tool": {"name": "exposure", "version": tool_version()},
        "old": {"path": diff.old_label, "policy": dict(diff.old_policy)},
        "new": {"path": diff.new_label, "policy": dict(diff.new_policy)},
        "min_change_pts": pct(diff.min_change),
        "targets": list(diff.targets),
        "fail_on": fail_on.value,
        "exit_code": diff.exit_code(fail_on),
        "newly_failing": list(diff.failing(fail_on)),
        "policy_differences": list(diff.policy_differences),
        "causes_note": diff.causes_note or None,
        "notes": list(diff.notes),
        "summary": diff.summary.to_dict(),
        "changes": [change_document(c) for c in diff.changes],
        "added": [change_document(c) for c in diff.added],
        "removed": [change_document(c) for c in diff.removed],
    }


def render_json(diff: Diff, fail_on: FailOn = FailOn.FLAGGED) -> str:
    return json.dumps(to_document(diff, fail_on), ensure_ascii=False, indent=2) + "\n"


def what_changed(c: Change) -> str:
    """The kind of change in a word: added, removed, status, figures."""
    if c.old is None:
        return "added"
    if c.new is None:
        return "removed"
    return "status" if c.status_changed else "figures"


CSV_COLUMNS = (
    "id",
    "name",
    "change",
    "decides",
    "old_status",
    "new_status",
    "old_cascade_low_pct",
    "old_cascade_high_pct",
    "new_cascade_low_pct",
    "new_cascade_high_pct",
    "old_lookthrough_low_pct",
    "old_lookthrough_high_pct",
    "new_lookthrough_low_pct",
    "new_lookthrough_high_pct",
    "cause_kind",
    "cause_holder",
    "cause_subject",
    "cause_old_low_pct",
    "cause_old_high_pct",
    "cause_new_low_pct",
    "cause_new_high_pct",
    "cause_old_countries",
    "cause_new_countries",
    "cause_explains_pts",
    "cause_bound",
    "causes_note",
)


def _num(value: float | None) -> str:
    return "" if value is None else repr(pct(value))


def _figures(side: Side | None, which: str) -> list[str]:
    iv: Interval | None = None if side is None else (side.cascade if which == "cascade" else side.lookthrough)
    return ["", ""] if iv is None else [_num(iv.low), _num(iv.high)]


def csv_rows(diff: Diff) -> Iterator[list[str]]:
    """One row per cause of each change (one row with empty cause columns for a change without causes)."""
    yield list(CSV_COLUMNS)
    for c in diff.all_changes():
        old_c, new_c = _figures(c.old, "cascade"), _figures(c.new, "cascade")
        old_l, new_l = _figures(c.old, "lookthrough"), _figures(c.new, "lookthrough")
        head = [
            c.id,
            c.name,
            what_changed(c),
            "yes" if c.decides else "no",
            c.old.status.value if c.old else "",
            c.new.status.value if c.new else "",
            *old_c,
            *new_c,
            *old_l,
            *new_l,
        ]
        note = c.note or (diff.causes_note if c.old is not None and c.new is not None else "")
        if not c.causes:
            yield [*head, *([""] * 11), note]
            continue
        for x in c.causes:
            yield [
                *head,
                x.kind.value,
                x.holder,
                x.subject or "",
                _num(x.old.low if x.old else None),
                _num(x.old.high if x.old else None),
                _num(x.new.low if x.new else None),
                _num(x.new.high if x.new else None),
                "; ".join(x.old_countries),
                "; ".join(x.new_countries),
                _num(x.explains),
                x.bound,
                note,
            ]


def render_csv(diff: Diff) -> str:
    """The diff as CSV: ``CSV_COLUMNS``, text a spreadsheet would run as a formula made inert."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in csv_rows(diff):
        writer.writerow([inert(cell) for cell in row])
    return out.getvalue()


def side_text(side: Side | None) -> str:
    """ "flagged, cascade 55%, look-through 30-40%" (or "-" when absent)."""
    if side is None:
        return "-"
    return f"{side.status.value}, cascade {interval_text(side.cascade)}, look-through {interval_text(side.lookthrough)}"


def stake_text(stake: Stake | None) -> str:
    if stake is None:
        return "none"
    return interval_text(Interval(stake.low, stake.high))


def cause_text(x: Cause) -> str:
    """A cause in words: "added: P holds 20% of S (explains +20 points of cascade low)"."""
    if x.kind in (CauseKind.COUNTRY, CauseKind.ENTITY):
        before = ", ".join(x.old_countries) or "unknown"
        after = ", ".join(x.new_countries) or "unknown"
        what = (
            f"{x.holder}: countries {before} -> {after}"
            if x.kind is CauseKind.COUNTRY
            else f"{x.holder}: type or ultimate-owner mark changed"
        )
    elif x.kind is CauseKind.ADDED:
        what = f"{x.holder} now holds {stake_text(x.new)} of {x.subject}"
    elif x.kind is CauseKind.REMOVED:
        what = f"{x.holder} no longer holds {stake_text(x.old)} of {x.subject}"
    else:
        what = f"{x.holder} in {x.subject}: {stake_text(x.old)} -> {stake_text(x.new)}"
    if x.indirect:
        what += " (declared indirect)"
    if x.explains is not None and pct(x.explains) != 0:
        what += f" (explains {pct(x.explains):+.4g} points of {x.bound})"
    elif x.explains is not None:
        # Listed because it moves another bound in a trial, but not this one.
        what += f" (alone, it does not move {x.bound})"
    return f"{x.kind.value}: {what}"


def _md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def render_markdown(diff: Diff, fail_on: FailOn = FailOn.FLAGGED) -> str:
    """The diff as Markdown: the counts, a table of the changes, then each change's causes."""
    s = diff.summary
    lines = [
        f"# What changed: {_md(diff.old_label)} -> {_md(diff.new_label)}",
        "",
        f"{s.newly_flagged} newly flagged, {s.cleared} cleared, {s.status_changed} status changed, "
        f"{s.figures_moved} figures moved, {s.added} added, {s.removed} removed "
        f"(figures that moved by more than {pct(diff.min_change):g} points).",
        "",
    ]
    failing = diff.failing(fail_on)
    lines.append(
        f"**Newly failing (exit 1):** {_md(', '.join(failing))}" if failing else "**No new findings** (exit 0)."
    )
    lines.append("")
    for note in (*diff.notes, diff.causes_note):
        if note:
            lines += [f"> {_md(note)}", ""]
    if diff.policy_differences:
        lines += ["The two rules differ: " + _md("; ".join(diff.policy_differences)), ""]
    everything = diff.all_changes()
    if not everything:
        lines.append("Nothing changed.")
        return "\n".join(lines) + "\n"
    lines += ["| entity | change | old | new | decides |", "|---|---|---|---|---|"]
    for c in everything:
        lines.append(
            f"| {_md(c.name)} ({_md(c.id)}) | {what_changed(c)} | {_md(side_text(c.old))} | "
            f"{_md(side_text(c.new))} | {'yes' if c.decides else 'no'} |"
        )
    for c in diff.changes:
        lines += ["", f"## {_md(c.name)} ({_md(c.id)})", "", f"{_md(side_text(c.old))} -> {_md(side_text(c.new))}", ""]
        lines += [f"- {_md(cause_text(x))}" for x in c.causes]
        if c.note:
            lines.append(f"- _{_md(c.note)}_")
    return "\n".join(lines) + "\n"
