"""Handing the C heap's free memory back after a large read (``cells.heap``)."""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from pathlib import Path

import pytest

from ownership.readers.cells.heap import release_free_heap


def _glibc_with_mallinfo2() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        return hasattr(ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6"), "mallinfo2")
    except OSError:
        return False


@pytest.mark.skipif(not _glibc_with_mallinfo2(), reason="needs glibc 2.33 or later")
def test_the_heap_is_trimmed_only_past_what_is_kept() -> None:
    assert release_free_heap(keep=2**62) is False  # never that much free: kept for reuse
    assert release_free_heap(keep=-1) is True  # any free memory at all: handed back


def test_without_glibc_nothing_happens(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    assert release_free_heap(keep=-1) is False


def test_the_columnar_folder_read_offers_its_freed_blocks_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ownership.readers.cells.fast_csv import reader
    from ownership.readers.cells.tables import DEFAULT_LIMITS

    calls: list[int] = []

    def release() -> bool:
        calls.append(1)
        return False

    monkeypatch.setattr(reader, "release_free_heap", release)
    (tmp_path / "entities.csv").write_text("id,name,jurisdiction\nA,,CN\nB,,US\n", encoding="utf-8")
    (tmp_path / "holdings.csv").write_text("holder,subject,percent\nA,B,60\n", encoding="utf-8")
    data = reader.read_folder_fast(tmp_path, "reg", DEFAULT_LIMITS)
    assert data is not None and [(h.holder, h.subject) for h in data.holdings] == [("A", "B")]
    assert calls == [1]
