"""Readers: every input format into the same ownership model.

``read_input`` (in ``read``) picks the reader from the content (``detect``) or takes the one the user named.
One subpackage per family, each with one ``read``: ``canonical`` (the workbook, a holdings CSV, a folder of
CSVs), ``bods``, ``gleif``, ``psc``, ``ftm`` and ``ashare``; ``cells`` holds what they share (raw tables,
cell values, decoding, limits); ``watchlist`` reads the parties to screen for.
"""

from __future__ import annotations

from ownership.readers.cells.tables import DEFAULT_LIMITS, ReadLimits
from ownership.readers.read import INPUT_FORMATS, read_input

__all__ = ["DEFAULT_LIMITS", "INPUT_FORMATS", "ReadLimits", "read_input"]
