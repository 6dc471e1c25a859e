"""Iteration bookkeeping shared by the cascade and the look-through: lineage truncated every few rounds."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

log = logging.getLogger("ownership.spark")

#: Rounds between checkpoints: each round adds a join to the plan, and a plan dozens of joins deep takes
#: longer to plan than to run, so every few rounds the state is materialised and its lineage cut.
CHECKPOINT_EVERY = 3


def settle(state: DataFrame, step: int) -> DataFrame:
    """``state`` cached, and checkpointed (lineage cut) every ``CHECKPOINT_EVERY`` rounds."""
    if step % CHECKPOINT_EVERY == 0:
        return state.localCheckpoint(eager=True)
    return state.cache()
