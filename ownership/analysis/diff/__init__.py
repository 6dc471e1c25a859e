"""What changed between two checks, and why: ``compare`` two results (or JSON reports) into a ``Diff``.

Fractions 0..1 throughout; ``ownership.diff`` (``ownership.analysis.diff.api``) takes percentages at the edge.
"""

from __future__ import annotations

from ownership.analysis.diff.compare import compare
from ownership.analysis.diff.model import Cause, CauseKind, Change, Diff, DiffSummary, Side
from ownership.analysis.diff.snapshot import Snapshot, is_report, of_result, read_report

__all__ = [
    "Cause",
    "CauseKind",
    "Change",
    "Diff",
    "DiffSummary",
    "Side",
    "Snapshot",
    "compare",
    "is_report",
    "of_result",
    "read_report",
]
