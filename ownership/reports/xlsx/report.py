"""The audit report workbook (``-o report.xlsx``): what a compliance officer files with a decision.

Sheets: Summary, Owners (of the entities named with --entity), Entities, Chains, Derivation, Warnings,
Holdings as read, Policy. Figures are fractions
0..1 in cells with a percent format, dates are dates, and text from the input is always inert text. The
same result and ``generated_at`` give the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, Final

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from ownership.reports.common import tool_version
from ownership.reports.provenance import Provenance
from ownership.reports.xlsx import stream as xlsx_stream
from ownership.reports.xlsx.summary import write_summary
from ownership.reports.xlsx.tables import (
    forget_rows,
    write_chains,
    write_derivation,
    write_entities,
    write_files,
    write_holdings,
    write_policy,
    write_warnings,
)
from ownership.result import CheckResult, CheckSet

_TABLES: Final[tuple[tuple[str, Callable[[Worksheet, CheckSet], int]], ...]] = (
    ("Entities", write_entities),
    ("Chains", write_chains),
    ("Derivation", write_derivation),
    ("Warnings", write_warnings),
    ("Holdings as read", write_holdings),
    ("Policy", write_policy),
)

#: The package parts that list a shared-string table (its content type, its relationship to the workbook).
_NAMING_PARTS: Final = frozenset({"[Content_Types].xml", "xl/_rels/workbook.xml.rels"})

#: The earliest time a zip entry can carry.
_ZIP_EPOCH: Final = datetime(1980, 1, 1, tzinfo=UTC)


def render_xlsx(results: CheckResult | CheckSet, generated_at: datetime, provenance: Provenance | None = None) -> bytes:
    """The audit workbook as xlsx bytes (see ``write_xlsx``)."""
    out = io.BytesIO()
    write_xlsx(results, generated_at, out, provenance)
    return out.getvalue()


def write_xlsx(
    results: CheckResult | CheckSet,
    generated_at: datetime,
    sink: Path | BinaryIO,
    provenance: Provenance | None = None,
) -> None:
    """Write the audit workbook to ``sink`` (a path or a binary file), its large sheets streamed from the
    result's columns so that a registry's workbook is never held whole.

    Args:
        results: one rule's result, or several side by side (the first is the primary one).
        generated_at: when the report was made, with its time zone; it is shown on the Summary sheet and
            becomes the workbook's created and modified times, so the bytes depend on nothing else.
        provenance: the policy file and watch lists the run read; when given, a "Files read" sheet lists
            them with the input, each with its SHA-256.

    Raises:
        ValueError: ``generated_at`` has no time zone.
    """
    if generated_at.tzinfo is None or generated_at.utcoffset() is None:
        raise ValueError("generated_at needs a time zone, e.g. datetime.now(UTC)")
    checks = CheckSet.of(results)
    workbook = Workbook()
    summary = workbook.active
    assert isinstance(summary, Worksheet)
    summary.title = "Summary"
    write_summary(summary, checks, generated_at)
    try:
        for title, write in _TABLES:
            write(workbook.create_sheet(title), checks)
        if provenance is not None and provenance.files:
            write_files(workbook.create_sheet("Files read"), checks, provenance)
        _write_owners(workbook, checks)

        utc = generated_at.astimezone(UTC).replace(tzinfo=None)
        props = workbook.properties
        props.creator = props.lastModifiedBy = f"exposure {tool_version()}"
        props.title = "Ownership exposure report"
        props.subject = checks.primary.source.path
        props.created = props.modified = utc
        data = _save(workbook)
        # The streamed sheets' rows go into their XML as the zip is rewritten: never held whole.
        poured: dict[str, tuple[Callable[[], Iterator[bytes]], str]] = {}
        for ws in workbook.worksheets:
            rows = xlsx_stream.pending(ws)
            if rows is not None and ws.auto_filter.ref is not None:
                poured[ws.path.lstrip("/")] = (rows, ws.auto_filter.ref)
        _with_fixed_times(data, max(generated_at, _ZIP_EPOCH), poured, sink)
    finally:
        forget_rows()


def _write_owners(workbook: Workbook, checks: CheckSet) -> None:
    """An Owners sheet, after Summary, when the check names entities with --entity."""
    from ownership.analysis.owners import owners_of_targets
    from ownership.reports.xlsx.owners import write_owners

    found = owners_of_targets(checks.primary)
    if found:
        write_owners(workbook.create_sheet("Owners", 1), found)


def _save(workbook: Workbook) -> bytes:
    # openpyxl's save_workbook stamps the modified time with the clock; its writer does not.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(workbook, archive).save()
    return buffer.getvalue()


def _with_fixed_times(
    data: bytes,
    when: datetime,
    poured: dict[str, tuple[Callable[[], Iterator[bytes]], str]],
    sink: Path | BinaryIO,
) -> None:
    """The same zip with every entry dated ``when`` (UTC) instead of the clock at writing time, and the rows
    of the streamed sheets (``poured``: entry name -> rows and the table's range) poured into them."""
    stamp = when.astimezone(UTC).timetuple()[:6]
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as target:
        # The parts that name the shared-string table go last: whether there is one is known only once the
        # streamed rows are poured.
        infos = source.infolist()
        naming = [info for info in infos if info.filename in _NAMING_PARTS]
        for info in [*(info for info in infos if info.filename not in _NAMING_PARTS), None, *naming]:
            if info is None:
                if xlsx_stream.shared_strings():
                    entry = zipfile.ZipInfo(xlsx_stream.SHARED_STRINGS_PART, date_time=stamp)
                    entry.compress_type = zipfile.ZIP_DEFLATED
                    with target.open(entry, "w", force_zip64=True) as stream:
                        for chunk in xlsx_stream.shared_strings_xml():
                            stream.write(chunk)
                continue
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            if info.filename in _NAMING_PARTS and xlsx_stream.shared_strings():
                target.writestr(entry, xlsx_stream.with_shared_strings(info.filename, source.read(info.filename)))
                continue
            found = poured.get(info.filename)
            if found is None:
                target.writestr(entry, source.read(info.filename))
                continue
            # Fast compression for the large sheets: their XML repeats itself and packs well anyway.
            entry._compresslevel = 1  # type: ignore[attr-defined]  # no public way before Python 3.13
            rows, ref = found
            with target.open(entry, "w", force_zip64=True) as stream, ThreadPoolExecutor(max_workers=1) as pool:
                # Compressing a batch (zlib lets go of the interpreter) overlaps with making the next one.
                pending: Future[int] | None = None
                for chunk in xlsx_stream.pour(source.read(info.filename), rows(), ref):
                    if pending is not None:
                        pending.result()
                    pending = pool.submit(stream.write, chunk)
                if pending is not None:
                    pending.result()
