"""The diff as a workbook: the new check's audit workbook (``reports.xlsx``, unchanged) with a Changes sheet
added after its own sheets: one row per cause of each change, as the CSV has them.

The sheet is written as plain sheet XML (inline text, numbers in percent) and added to the finished
package (its part, the workbook's sheet list and relationships, the content types), so the audit report's
writer is used exactly as ``exposure check`` uses it.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

from ownership.analysis.diff import Diff
from ownership.reports.cells import MAX_CELL_TEXT, looks_like_formula
from ownership.reports.diff.document import CSV_COLUMNS, csv_rows
from ownership.result import CheckResult

SHEET = "Changes"
_NUMERIC = frozenset(c for c in CSV_COLUMNS if c.endswith("_pct") or c.endswith("_pts"))
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


def _xml(text: str) -> str:
    clean = _NOT_XML.sub("\ufffd", text)[:MAX_CELL_TEXT]
    return clean.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _column(k: int) -> str:
    name = ""
    k += 1
    while k:
        k, r = divmod(k - 1, 26)
        name = chr(65 + r) + name
    return name


def changes_sheet_xml(diff: Diff) -> bytes:
    """The Changes sheet's XML: a header row, then ``csv_rows``; figures as numbers (percent), text inline
    (text a spreadsheet could take for a formula is kept as text: inline strings are never evaluated)."""
    rows = list(csv_rows(diff))
    out = [
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">',
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
        'state="frozen"/></sheetView></sheetViews><sheetData>',
    ]
    for r, row in enumerate(rows, 1):
        cells = []
        for k, value in enumerate(row):
            ref = f"{_column(k)}{r}"
            if r > 1 and CSV_COLUMNS[k] in _NUMERIC and value != "":
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            elif value != "":
                space = ' xml:space="preserve"' if value != value.strip() or looks_like_formula(value) else ""
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t{space}>{_xml(value)}</t></is></c>')
        out.append(f'<row r="{r}">{"".join(cells)}</row>')
    last = f"{_column(len(CSV_COLUMNS) - 1)}{len(rows)}"
    out.append(f'</sheetData><autoFilter ref="A1:{last}"/></worksheet>')
    return "".join(out).encode("utf-8")


def render_xlsx(diff: Diff, new: CheckResult, generated_at: datetime) -> bytes:
    """The new check's audit workbook with the Changes sheet added last (xlsx bytes)."""
    from ownership.reports.xlsx.report import render_xlsx as audit_workbook

    return add_sheet(audit_workbook(new, generated_at), SHEET, changes_sheet_xml(diff))


def add_sheet(package: bytes, title: str, sheet_xml: bytes) -> bytes:
    """``package`` (an xlsx) with one more worksheet, ``title``, after the others."""
    source = zipfile.ZipFile(io.BytesIO(package))
    names = set(source.namelist())
    n = 1
    while f"xl/worksheets/sheet{n}.xml" in names:
        n += 1
    part = f"xl/worksheets/sheet{n}.xml"
    workbook = source.read("xl/workbook.xml").decode("utf-8")
    rels = source.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    types = source.read("[Content_Types].xml").decode("utf-8")
    ids = [int(x) for x in re.findall(r'sheetId="(\d+)"', workbook)]
    rel_id = "rIdChanges"
    workbook = workbook.replace(
        "</sheets>",
        f'<sheet xmlns:r="{_REL}" name="{_xml(title)}" sheetId="{max(ids, default=0) + 1}" r:id="{rel_id}"/></sheets>',
        1,
    )
    rels = rels.replace(
        "</Relationships>",
        f'<Relationship Id="{rel_id}" Type="{_REL}/worksheet" Target="/{part}"/></Relationships>',
        1,
    )
    types = types.replace("</Types>", f'<Override PartName="/{part}" ContentType="{_SHEET_TYPE}"/></Types>', 1)
    changed = {
        "xl/workbook.xml": workbook.encode(),
        "xl/_rels/workbook.xml.rels": rels.encode(),
        "[Content_Types].xml": types.encode(),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, changed.get(info.filename, source.read(info.filename)))
        entry = zipfile.ZipInfo(part, date_time=source.infolist()[0].date_time)
        entry.compress_type = zipfile.ZIP_DEFLATED
        target.writestr(entry, sheet_xml)
    return out.getvalue()
