"""Writers: ownership data back out as files a person can review and correct (the canonical workbook)."""

from __future__ import annotations

from ownership.writers.canonical_workbook import write_canonical_workbook

__all__ = ["write_canonical_workbook"]
