"""The canonical entities and holdings as a folder of two tables (Parquet or CSV), for engines that read
columnar files where the data lives (the Spark engine, ``ownership.spark``).

Unlike the review workbook, these files carry what the readers decided, as typed columns, so nothing needs
reading twice: country codes (ISO 3166-1 alpha-2), stakes as their low and high ends in percent (exclusive
band ends already moved inward, as the model holds them), dates as dates and flags as booleans. Whatever
the input format (BODS, GLEIF, UK PSC, FollowTheMoney, workbooks), the folder has the same two tables:

* ``entities``: ``id``, ``name``, ``type``, ``jurisdiction``, ``headquarters``, ``group``, ``ultimate``,
  ``other_countries`` (``"UA (tax residence); GB (nationality)"``, as the workbook writes it), ``declared``
  (False for a party only a holding names), ``source``;
* ``holdings``: ``holder``, ``subject``, ``percent_low``, ``percent_high`` (null for a control-only row),
  ``votes_low``, ``votes_high``, ``control``, ``indirect``, ``start``, ``end`` (inclusive; null open),
  ``source``.

Each file is written atomically (a temporary file renamed into place) and never over a file the run reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ownership.model import OwnershipData
from ownership.model.countries import other_countries_text
from ownership.model.entities import EntityType
from ownership.model.tables import EntityTable, HoldingTable
from ownership.writers.canonical_columns import columnar_tables
from ownership.writers.canonical_workbook import _all_entities, place
from ownership.writers.output import OutputError, ReadFile, write_output

if TYPE_CHECKING:
    import pyarrow as pa

FolderFormat = Literal["parquet", "csv"]

ENTITY_COLUMNS = (
    "id",
    "name",
    "type",
    "jurisdiction",
    "headquarters",
    "group",
    "ultimate",
    "other_countries",
    "declared",
    "source",
)
HOLDING_COLUMNS = (
    "holder",
    "subject",
    "percent_low",
    "percent_high",
    "votes_low",
    "votes_high",
    "control",
    "indirect",
    "start",
    "end",
    "source",
)


def canonical_tables(data: OwnershipData) -> tuple[pa.Table, pa.Table]:
    """The entities (every party a holding names included) and the holdings as Arrow tables, with the
    columns of ``ENTITY_COLUMNS`` and ``HOLDING_COLUMNS``; stakes in percent (0..100)."""
    import pyarrow as pa

    entities_in, holdings_in = data.entities, data.holdings
    if isinstance(entities_in, EntityTable) and isinstance(holdings_in, HoldingTable):
        # Columns a columnar reader handed over: written without building an object per row.
        found = None
        if entities_in.objects is None and holdings_in.objects is None:
            found = columnar_tables(entities_in, holdings_in, Path(data.source.path).name)
        if found is not None:
            return found
    origin = Path(data.source.path).name
    entities = _all_entities(data)
    entity_table = pa.table(
        {
            "id": pa.array([e.id for e in entities], pa.string()),
            "name": pa.array([e.name or e.id for e in entities], pa.string()),
            "type": pa.array([e.type.value if e.type is not EntityType.UNKNOWN else None for e in entities]),
            "jurisdiction": pa.array([e.jurisdiction for e in entities], pa.string()),
            "headquarters": pa.array([e.headquarters for e in entities], pa.string()),
            "group": pa.array([e.group for e in entities], pa.string()),
            "ultimate": pa.array([e.ultimate for e in entities], pa.bool_()),
            "other_countries": pa.array(
                [other_countries_text(e.other_countries) or None for e in entities], pa.string()
            ),
            "declared": pa.array([e.declared for e in entities], pa.bool_()),
            "source": pa.array([e.source or place(e.where) or origin for e in entities], pa.string()),
        }
    )
    holdings = data.holdings

    def pct(values: Iterable[float | None]) -> pa.Array:
        # Percent at the edge, as every report gives figures; the fraction * 100 is what the reader read.
        return pa.array([None if v is None else v * 100.0 for v in values], pa.float64())

    holding_table = pa.table(
        {
            "holder": pa.array([h.holder for h in holdings], pa.string()),
            "subject": pa.array([h.subject for h in holdings], pa.string()),
            "percent_low": pct(h.stake.low if h.stake is not None else None for h in holdings),
            "percent_high": pct(h.stake.high if h.stake is not None else None for h in holdings),
            "votes_low": pct(h.votes.low if h.votes is not None else None for h in holdings),
            "votes_high": pct(h.votes.high if h.votes is not None else None for h in holdings),
            "control": pa.array([h.control for h in holdings], pa.bool_()),
            "indirect": pa.array([h.indirect for h in holdings], pa.bool_()),
            "start": pa.array([h.start for h in holdings], pa.date32()),
            "end": pa.array([h.end for h in holdings], pa.date32()),
            "source": pa.array([h.source or place(h.where) or origin for h in holdings], pa.string()),
        }
    )
    return entity_table, holding_table


def write_canonical_folder(
    data: OwnershipData, folder: Path, file_format: FolderFormat = "parquet", reads: Iterable[ReadFile] = ()
) -> tuple[Path, Path]:
    """Write ``data`` as ``entities.<ext>`` and ``holdings.<ext>`` in ``folder`` (created if missing).

    Args:
        data: the ownership data as read.
        folder: the folder to write into.
        file_format: ``parquet`` (typed columns) or ``csv`` (UTF-8, a header row, dates as YYYY-MM-DD).
        reads: the files the run reads; writing over any of them is refused.

    Returns:
        The two paths written.

    Raises:
        OutputError: the folder is a file, cannot be created, or a file in it cannot be written.
    """
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder}: is a file, not a folder; give a folder for the canonical tables")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{folder}: cannot create the folder ({exc.strerror or type(exc).__name__})") from None
    entities, holdings = canonical_tables(data)
    reads = list(reads)
    written = []
    for name, table in (("entities", entities), ("holdings", holdings)):
        path = folder / f"{name}.{file_format}"

        def write(target: Path, table: pa.Table = table) -> None:
            if file_format == "parquet":
                pq.write_table(table, str(target))
            else:
                pacsv.write_csv(table, str(target))

        write_output(path, write, reads=reads)
        written.append(path)
    return written[0], written[1]


__all__ = ["ENTITY_COLUMNS", "HOLDING_COLUMNS", "FolderFormat", "canonical_tables", "write_canonical_folder"]
