"""Entities ranked by id for the report's order: Arrow-kept ids are sorted as rows of 8-byte words (issue 18,
the 8M-entity case spent over 10 s comparing strings), and must come out in Python's code-point order."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from ownership.model.tables import ArrowTexts
from ownership.result import id_ranks

# Characters of every UTF-8 length, and the ones padding could confuse (the smallest printable, a space).
ALPHABET = st.sampled_from(["a", "b", "Z", "0", "-", " ", "!", "é", "ÿ", "Ā", "中", "\uffff", "\U0001f600"])
IDS = st.lists(st.text(ALPHABET, max_size=19), min_size=1, max_size=40, unique=True)


def _python_ranks(texts: list[str]) -> list[int]:
    order = sorted(range(len(texts)), key=texts.__getitem__)
    rank = [0] * len(texts)
    for place, k in enumerate(order):
        rank[k] = place
    return rank


@settings(max_examples=60, deadline=None)
@given(IDS, st.integers(0, 3))
def test_word_sort_is_code_point_order(texts: list[str], offset: int) -> None:
    # Repeated to pass the size below which Arrow sorts the texts itself; a slice starts mid-buffer.
    many = [f"{t}{k}" if k % 2 else t + "\x01" * (k % 3) for k in range(10_000 // len(texts) + 1) for t in texts]
    many = list(dict.fromkeys(many))
    array = pa.array(["pad"] * offset + many, pa.string()).slice(offset)
    assert id_ranks(ArrowTexts(array)).tolist() == _python_ranks(many)


def test_a_prefix_sorts_before_its_continuations() -> None:
    texts = [*[f"GB-COH-{k:08d}" for k in range(12_000)][::-1], "GB-COH-", "GB-COH-0000000", "GB"]
    ranks = id_ranks(ArrowTexts(pa.array(texts, pa.string())))
    assert ranks.tolist() == _python_ranks(texts)
    assert int(ranks[-1]) == 0 and int(ranks[-3]) == 1


def test_ids_holding_a_nul_are_sorted_as_text() -> None:
    # Zero bytes pad the words, so an id holding one is ranked by Arrow's own string sort.
    texts = [f"A{k:05d}" for k in range(10_000)] + ["A\x00", "A"]
    ranks = id_ranks(ArrowTexts(pa.array(texts, pa.string())))
    assert ranks.tolist() == _python_ranks(texts)
    assert np.array_equal(np.sort(ranks), np.arange(len(texts)))
