"""One row per entity, status and the four figures: CSV for spreadsheets, Parquet for bulk pipelines.

Both are built from the result's columns (``Verdicts.figures``, the entity table, the bulk reasons) as one
Arrow table, so a million-entity report is written in a fraction of a second and no verdict object is
built for it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ownership.reports.cells import looks_like_formula
from ownership.reports.common import PCT_DECIMALS
from ownership.result import STATUSES, CheckResult, CheckSet, CodedTexts, Status, Verdicts
from ownership.table import ENTITY_TYPES

if TYPE_CHECKING:
    import pyarrow as pa

COLUMNS = [
    "id",
    "name",
    "type",
    "jurisdiction",
    "headquarters",
    "status",
    "cascade_low_pct",
    "cascade_high_pct",
    "lookthrough_low_pct",
    "lookthrough_high_pct",
    "decides",
    "reason",
    "labels",
    "most_restrictive",
]

_TEXT_COLUMNS = ("id", "name", "reason", "labels", "most_restrictive")

#: From this many entities on, the figure columns are built beside the sentences, on a second thread.
_PARALLEL_ENTITIES = 100_000


def report_table(results: CheckResult | CheckSet, *, inert: bool) -> pa.Table:
    """The entity table as Arrow columns, rows ordered as ``CheckResult.ordered`` (deciding entities first,
    then by severity). Figures are percentages rounded to ``PCT_DECIMALS``. With several rules, one
    ``status_<rule>`` column per rule follows the primary rule's columns.

    Args:
        inert: text a spreadsheet would run as a formula gets a leading apostrophe (for CSV).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    checks = CheckSet.of(results)
    verdicts = checks.primary.verdicts
    table, figures = verdicts.entities, verdicts.figures
    order = figures.order()
    picked = pa.array(order)

    def text(values: Sequence[str], arrow: pa.Array | None = None) -> pa.Array:
        if isinstance(values, CodedTexts):
            # Each distinct text made inert once, then spread over the rows.
            distinct = pa.array(values.values, type=pa.string())
            return (_made_inert(distinct) if inert else distinct).take(pa.array(values.codes[order]))
        column = (arrow if arrow is not None else pa.array(values, type=pa.string())).take(picked)
        return _made_inert(column) if inert else column

    def coded(codes: np.ndarray, names: list[str]) -> pa.Array:
        return pc.take(pa.array(names, type=pa.string()), pa.array(codes[order].astype(np.int32)))

    def percent(values: np.ndarray) -> pa.Array:
        return pa.array(np.round(values[order] * 100.0, PCT_DECIMALS) + 0.0)

    countries = ["", *table.countries]
    status_names = [s.value for s in STATUSES]

    def plain() -> dict[str, pa.Array]:
        return {
            "id": text(table.ids, table.arrow_ids),
            "name": text(table.names, table.arrow_names),
            "type": coded(table.types, [t.value for t in ENTITY_TYPES]),
            "jurisdiction": coded(table.jurisdiction.astype(np.int32) + 1, countries),
            "headquarters": coded(table.headquarters.astype(np.int32) + 1, countries),
            "status": coded(figures.status, status_names),
            "cascade_low_pct": percent(figures.cascade_low),
            "cascade_high_pct": percent(figures.cascade_high),
            "lookthrough_low_pct": percent(figures.lookthrough_low),
            "lookthrough_high_pct": percent(figures.lookthrough_high),
            "decides": coded(figures.decides.astype(np.int8), ["no", "yes"]),
        }

    def worded() -> dict[str, pa.Array]:
        return {
            "reason": text(verdicts.reasons()),
            "labels": text(_labelled(verdicts, figures.status, lambda i: "; ".join(verdicts.labels()[i]))),
            "most_restrictive": text(
                _labelled(verdicts, figures.status, lambda i: verdicts.most_restrictive()[i] or "")
            ),
        }

    if len(verdicts) < _PARALLEL_ENTITIES:
        columns = {**plain(), **worded()}
    else:
        # The sentences are Python work; the other columns are Arrow gathers that release the interpreter
        # lock, so they are built on a second thread meanwhile.
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=1) as pool:
            started = pool.submit(plain)
            words = worded()
            columns = {**started.result(), **words}
    if len(checks.results) > 1:
        for r in checks.results:
            columns[f"status_{r.policy.name}"] = coded(r.figures.status, status_names)
    return pa.table(columns)


def _labelled(verdicts: Verdicts, status: np.ndarray, text: Callable[[int], str]) -> CodedTexts:
    # Only home and flagged entities carry labels, and few distinct ones: code them, leave the rest "".
    codes = np.zeros(len(verdicts), dtype=np.int32)
    values = [""]
    known = {"": 0}
    for i in np.flatnonzero(status <= STATUSES.index(Status.FLAGGED)).tolist():
        found = text(i)
        code = known.get(found)
        if code is None:
            code = known[found] = len(values)
            values.append(found)
        codes[i] = code
    return CodedTexts(codes, values)


def _made_inert(column: pa.Array) -> pa.Array:
    """``cells.inert`` on a text column: only cells that do not start with an ASCII letter or digit can look
    like a formula, so only those are looked at one by one."""
    import pyarrow as pa
    import pyarrow.compute as pc

    suspect = pc.invert(pc.match_substring_regex(column, "^([A-Za-z0-9]|$)"))
    at = np.flatnonzero(suspect.to_numpy(zero_copy_only=False))
    if not at.size:
        return column
    values = column.take(pa.array(at)).to_pylist()
    fixed = [(k, "'" + v) for k, v in zip(at.tolist(), values, strict=True) if looks_like_formula(v)]
    if not fixed:
        return column
    everything = column.to_pylist()
    for k, v in fixed:
        everything[k] = v
    return pa.array(everything, type=pa.string())


def render_csv(results: CheckResult | CheckSet) -> str:
    """The entity table as CSV text (text cells that a spreadsheet would evaluate are neutralised)."""
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    _write_csv(report_table(results, inert=True), sink)
    return bytes(sink.getvalue()).decode("utf-8")


def write_csv(results: CheckResult | CheckSet, path: Path) -> None:
    """Write the entity table as CSV to ``path`` (streamed from the columns, never held as one string)."""
    _write_csv(report_table(results, inert=True), str(path))


def write_parquet(results: CheckResult | CheckSet, path: Path) -> None:
    """Write the entity table as Parquet to ``path``: the same columns as the CSV, figures as numbers and text
    as given (no apostrophes: Parquet is read by programs, not spreadsheets)."""
    import pyarrow.parquet as pq

    pq.write_table(report_table(results, inert=False), str(path))


def _write_csv(table: pa.Table, sink: object) -> None:
    import pyarrow.csv as pacsv

    pacsv.write_csv(table, sink, write_options=pacsv.WriteOptions(quoting_style="needed"))


__all__ = ["COLUMNS", "render_csv", "report_table", "write_csv", "write_parquet"]
