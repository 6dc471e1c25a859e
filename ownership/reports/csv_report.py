"""One row per entity, status and the four figures: CSV for spreadsheets, Parquet for bulk pipelines.

Both are built from the result's columns (``Verdicts.figures``, the entity table, the bulk reasons) as one
Arrow table, so a million-entity report is written in a fraction of a second and no verdict object is
built for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ownership.model.tables import ENTITY_TYPES
from ownership.reports.cells import looks_like_formula
from ownership.reports.common import PCT_DECIMALS
from ownership.result import STATUSES, CheckResult, CheckSet, CodedTexts

if TYPE_CHECKING:
    import pyarrow as pa
    import pyarrow.csv as pacsv

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

#: Rows per batch when a CSV report is written: large enough that a batch costs far more than handing it
#: to the writer thread, small enough that wording one overlaps with writing the one before.
_BATCH_ROWS = 131_072


def report_table(results: CheckResult | CheckSet, *, inert: bool) -> pa.Table:
    """The entity table as Arrow columns, rows ordered as ``CheckResult.ordered`` (deciding entities first,
    then by severity). Figures are percentages rounded to ``PCT_DECIMALS``. With several rules, one
    ``status_<rule>`` column per rule follows the primary rule's columns.

    Args:
        inert: text a spreadsheet would run as a formula gets a leading apostrophe (for CSV).
    """
    import pyarrow as pa

    return pa.Table.from_batches(list(report_batches(results, inert=inert)))


def report_batches(
    results: CheckResult | CheckSet, *, inert: bool, rows: int | None = None
) -> Iterator[pa.RecordBatch]:
    """``report_table`` part by part: batches of at most ``rows`` rows (one batch when None), in report
    order, each built when asked for, so a writer can write one while the next is being worded. There is
    always at least one batch (an empty one for no entities), so the columns are known."""
    import pyarrow as pa
    import pyarrow.compute as pc

    checks = CheckSet.of(results)
    verdicts = checks.primary.verdicts
    table, figures = verdicts.entities, verdicts.figures
    order = figures.order()
    countries = pa.array(["", *table.countries], type=pa.string())
    status_names = pa.array([s.value for s in STATUSES], type=pa.string())
    type_names = pa.array([t.value for t in ENTITY_TYPES], type=pa.string())
    yes_no = pa.array(["no", "yes"], type=pa.string())
    ids = table.arrow_ids if table.arrow_ids is not None else pa.array(table.ids, type=pa.string())
    names = table.arrow_names if table.arrow_names is not None else pa.array(table.names, type=pa.string())
    labels, ranked = verdicts.label_columns()

    def text(column: pa.Array) -> pa.Array:
        return _made_inert(column) if inert else column

    def worded(values: CodedTexts, at: np.ndarray) -> pa.Array:
        # Each distinct text made inert once, then spread over the rows.
        return text(pa.array(values.values, type=pa.string())).take(pa.array(values.codes[at]))

    def batch(at: np.ndarray) -> pa.RecordBatch:
        picked = pa.array(at)

        def coded(codes: np.ndarray, names: pa.Array) -> pa.Array:
            return pc.take(names, pa.array(codes[at].astype(np.int32)))

        def percent(values: np.ndarray) -> pa.Array:
            return pa.array(np.round(values[at] * 100.0, PCT_DECIMALS) + 0.0, type=pa.float64())

        reasons = verdicts.reasons_of(at)
        columns: dict[str, pa.Array] = {
            "id": text(ids.take(picked)),
            "name": text(names.take(picked)),
            "type": coded(table.types, type_names),
            "jurisdiction": coded(table.jurisdiction.astype(np.int32) + 1, countries),
            "headquarters": coded(table.headquarters.astype(np.int32) + 1, countries),
            "status": coded(figures.status, status_names),
            "cascade_low_pct": percent(figures.cascade_low),
            "cascade_high_pct": percent(figures.cascade_high),
            "lookthrough_low_pct": percent(figures.lookthrough_low),
            "lookthrough_high_pct": percent(figures.lookthrough_high),
            "decides": coded(figures.decides.astype(np.int8), yes_no),
            "reason": worded(reasons, np.arange(at.size)),
            "labels": worded(labels, at),
            "most_restrictive": worded(ranked, at),
        }
        if len(checks.results) > 1:
            for r in checks.results:
                columns[f"status_{r.policy.name}"] = coded(r.figures.status, status_names)
        return pa.RecordBatch.from_pydict(columns)

    step = max(1, order.size if rows is None else rows)
    yield batch(order[:step])
    for start in range(step, order.size, step):
        yield batch(order[start : start + step])


def _made_inert(column: pa.Array) -> pa.Array:
    """``cells.inert`` on a text column: only cells that do not start with an ASCII letter or digit can look
    like a formula, so only those are looked at one by one."""
    import pyarrow as pa
    import pyarrow.compute as pc

    at = _suspect_rows(column)
    if at is None:
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


def _suspect_rows(column: pa.Array) -> np.ndarray | None:
    """The rows whose text starts with something other than an ASCII letter or digit, read from the first
    byte of each value in the array's buffers; None when the column is not a plain string array without
    nulls (the regex then decides)."""
    import pyarrow as pa

    if not isinstance(column, pa.StringArray) or column.null_count:
        return None
    size, offset = len(column), column.offset
    if size == 0:
        return np.zeros(0, dtype=np.int64)
    bounds = np.frombuffer(column.buffers()[1], dtype=np.int32, count=offset + size + 1)[offset:]
    starts, nonempty = bounds[:-1], bounds[1:] > bounds[:-1]
    data = column.buffers()[2]
    if data is None or not nonempty.any():
        return np.zeros(0, dtype=np.int64)
    first = np.zeros(size, dtype=np.uint8)
    first[nonempty] = np.frombuffer(data, dtype=np.uint8)[starts[nonempty]]
    letter = first | 0x20  # ASCII upper case to lower case
    plain = ((first >= 0x30) & (first <= 0x39)) | ((letter >= 0x61) & (letter <= 0x7A))
    found: np.ndarray = np.flatnonzero(nonempty & ~plain)
    return found


def render_csv(results: CheckResult | CheckSet) -> str:
    """The entity table as CSV text (text cells that a spreadsheet would evaluate are neutralised)."""
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    _write_csv(report_table(results, inert=True), sink)
    return bytes(sink.getvalue()).decode("utf-8")


def write_csv(results: CheckResult | CheckSet, path: Path) -> None:
    """Write the entity table as CSV to ``path``, streamed from the columns batch by batch (never held as one
    string): a second thread writes each batch while the next one is worded."""
    import pyarrow.csv as pacsv

    batches = report_batches(results, inert=True, rows=_BATCH_ROWS)
    first = next(batches)
    with pacsv.CSVWriter(str(path), first.schema, write_options=_csv_options()) as writer:
        if first.num_rows < _BATCH_ROWS:
            writer.write_batch(first)
            return
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=1) as pool:
            pending = pool.submit(writer.write_batch, first)
            for batch in batches:
                pending.result()
                pending = pool.submit(writer.write_batch, batch)
            pending.result()


def write_parquet(results: CheckResult | CheckSet, path: Path) -> None:
    """Write the entity table as Parquet to ``path``: the same columns as the CSV, figures as numbers and text
    as given (no apostrophes: Parquet is read by programs, not spreadsheets). The file's key-value metadata
    holds the provenance (``provenance``) under ``exposure.provenance``."""
    import pyarrow.parquet as pq

    table = report_table(results, inert=False)
    table = table.replace_schema_metadata({PROVENANCE_KEY: provenance_json(results)})
    pq.write_table(table, str(path))


#: The Parquet metadata key holding the provenance.
PROVENANCE_KEY = "exposure.provenance"


def provenance(results: CheckResult | CheckSet) -> dict[str, Any]:
    """What the CSV or Parquet rows were computed from: the input file and its SHA-256, the as-of date, the
    rule(s) in words and as settings, the tool version, and the columns. A CSV stays plain rows that every
    CSV tool reads, so this goes beside it as a sidecar JSON file (``provenance_path``); Parquet carries it
    in its own metadata."""
    from ownership.reports.common import policy_document, rule_summary, tool_version

    checks = CheckSet.of(results)
    primary = checks.primary
    return {
        "schema": "exposure.provenance/1",
        "tool": {"name": "exposure", "version": tool_version()},
        "input": {"path": primary.source.path, "sha256": primary.source.sha256, "format": primary.source.format},
        "as_of": primary.policy.as_of.isoformat(),
        "rules": [
            {"name": r.policy.name, "rule": rule_summary(r.policy), "policy": policy_document(r.policy)}
            for r in checks.results
        ],
        "rows": len(primary.verdicts),
        "columns": [*COLUMNS, *(f"status_{r.policy.name}" for r in checks.results if len(checks.results) > 1)],
    }


def provenance_json(results: CheckResult | CheckSet) -> str:
    """``provenance`` as JSON text (dates and other values as strings)."""
    import json

    return json.dumps(provenance(results), ensure_ascii=False, indent=2, default=str) + "\n"


def provenance_path(report: Path) -> Path:
    """Where the sidecar of a CSV report goes: ``report.csv`` -> ``report.csv.provenance.json``."""
    return report.with_name(report.name + ".provenance.json")


def _write_csv(table: pa.Table, sink: object) -> None:
    import pyarrow.csv as pacsv

    pacsv.write_csv(table, sink, write_options=_csv_options())


def _csv_options() -> pacsv.WriteOptions:
    import pyarrow.csv as pacsv

    return pacsv.WriteOptions(quoting_style="needed")


__all__ = [
    "COLUMNS",
    "provenance",
    "provenance_json",
    "provenance_path",
    "render_csv",
    "report_table",
    "write_csv",
    "write_parquet",
]
