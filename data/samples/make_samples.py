# Builds the fictional sample inputs next to this script: cap_table.xlsx (the "Helio Robotics" group, in the
# canonical two-sheet workbook format) and holdings.csv (a single holdings CSV with names as references).
# The ownership structure and the expected answers for both files are described in the README.
from __future__ import annotations

import csv
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

HERE = Path(__file__).parent
FIXED_TIME = datetime(2026, 10, 1)
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill(fill_type="solid", fgColor="DDEBF7")

ENTITY_COLUMNS = ["ID", "Name", "Type", "Jurisdiction", "Headquarters", "Shares outstanding", "Ultimate owner"]
ENTITY_WIDTHS = [14, 48, 14, 16, 16, 20, 16]
# The last column marks the parties the company secretary knows to be ultimate owners (the investors at the
# top of the register); without it an entity nobody is recorded as holding has unknown owners.
ENTITIES: list[tuple[str, str, str, str, str | None, int | None, str | None]] = [
    ("ZHANG-WEI", "Zhang Wei (张伟)", "person", "CN", None, None, None),
    ("LI-NA", "Li Na (李娜)", "person", "China", None, None, None),
    ("REDPEAK", "Red Peak Venture Fund III (红峰创业投资基金)", "fund", "CN", "CN", None, "yes"),
    ("BRIGHTWATER", "Brightwater Capital Fund II LP", "fund", "US-DE", "United States", None, "yes"),
    ("KESTREL", "Kestrel Partners LLP", "fund", "GB", None, None, "yes"),
    ("MERIDIAN", "Meridian Strategic Investments KK", "company", "Japan", None, None, "yes"),
    ("ORCHID", "Orchid Growth Partners Pte Ltd", "fund", "SG", None, None, "yes"),
    ("HELIO-ESOP", "Helio Employee Share Trust", "trust", "Singapore", None, None, "yes"),
    ("LANTING-KY", "Lanting Group Holdings Ltd", "company", "Cayman Islands", "PRC", None, "yes"),
    ("LANTING-HK", "Lanting International (HK) Limited", "company", "Hong Kong SAR", None, None, None),
    ("HELIO-SG", "Helio Robotics Pte Ltd", "company", "SG", "SG", None, None),
    ("HELIO-JP", "Helio Robotics Japan KK", "company", "JP", None, 10000, None),
    ("HELIO-SZ", "Helio Robotics (Shenzhen) Co., Ltd.", "company", "CN", None, None, None),
    ("HELIO-DATA", "Shenzhen Helio Data Technology Co., Ltd.", "company", "CN", None, None, None),
    ("ORBIT", "Orbit Sensors Ltd", "company", "GB", None, None, None),
    ("HELIO-EU", "Helio Robotics Europe B.V.", "company", "NL", None, None, None),
    ("NORDLICHT", "Nordlicht Automation GmbH", "company", "DE", None, None, None),
    ("HARBOR", "Harbor Lane Holdings Inc", "company", "US", None, None, "yes"),
    ("ARCADIA", "Arcadia Pension Fund", "fund", "CA", None, None, "yes"),
]

HOLDINGS_TITLE = "Helio Robotics group: register of shareholders as at 30 September 2026"
HOLDING_COLUMNS = ["Holder", "Subject", "Percent", "Shares", "Control", "Start", "End", "Source"]
HOLDING_WIDTHS = [22, 14, 14, 14, 14, 14, 14, 48]
LANTING_REG = "Lanting register of members 2026-06"
HK_RETURN = "HK Companies Registry annual return"
JP_REGISTER = "Japanese shareholder register (shares)"
VIE = "VIE agreements: exclusive business cooperation, equity pledge, proxy"
Percent = float | str | None  # a fraction (shown as a percentage), a text band, or missing


def holding(
    holder: str,
    subject: str,
    percent: Percent,
    source: str,
    *,
    shares: int | None = None,
    control: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> tuple[str, str, Percent, int | None, str | None, date | None, date | None, str]:
    """One Holdings row, in HOLDING_COLUMNS order."""
    return (holder, subject, percent, shares, control, start, end, source)


HOLDINGS = [
    holding("ZHANG-WEI", "LANTING-KY", 0.42, LANTING_REG),
    holding("REDPEAK", "LANTING-KY", 0.18, LANTING_REG),
    holding("BRIGHTWATER", "LANTING-KY", 0.25, LANTING_REG),
    holding("KESTREL", "LANTING-KY", 0.15, LANTING_REG),
    holding("LANTING-KY", "LANTING-HK", 0.60, HK_RETURN),
    holding("BRIGHTWATER", "LANTING-HK", 0.40, HK_RETURN),
    holding("LANTING-HK", "HELIO-SG", 0.40, "ACRA filing"),
    holding("REDPEAK", "HELIO-SG", 0.12, "ACRA filing"),
    holding("BRIGHTWATER", "HELIO-SG", 0.15, "ACRA filing"),
    holding("HELIO-ESOP", "HELIO-SG", 0.10, "Employee pool (allocated and unallocated options)"),
    holding("MERIDIAN", "HELIO-SG", 0.06, "ACRA filing"),
    holding("HELIO-JP", "HELIO-SG", 0.04, "Cross-holding"),
    holding("ORCHID", "HELIO-SG", "5-10%", "Range only: investor disclosed a band"),
    holding("HELIO-SG", "HELIO-JP", None, JP_REGISTER, shares=7000),
    holding("MERIDIAN", "HELIO-JP", None, JP_REGISTER, shares=3000),
    holding("HELIO-SG", "HELIO-SZ", 1.0, "WFOE, wholly owned"),
    holding("ZHANG-WEI", "HELIO-DATA", 0.50, "Nominee shareholder of the VIE"),
    holding("LI-NA", "HELIO-DATA", 0.50, "Nominee shareholder of the VIE"),
    holding("HELIO-SZ", "HELIO-DATA", None, VIE, control="yes"),
    holding("LANTING-HK", "ORBIT", "ownership-of-shares-25-to-50-percent", "UK PSC register"),
    holding("KESTREL", "ORBIT", 0.45, "Confirmation statement"),
    holding("HELIO-SG", "HELIO-EU", 0.55, "KvK extract"),
    holding("Vantage Nominees Ltd", "HELIO-EU", 0.30, "KvK extract: nominee, beneficial owner not disclosed"),
    holding("NORDLICHT", "HELIO-EU", 0.15, "KvK extract"),
    holding("ARCADIA", "NORDLICHT", 0.60, "Handelsregister"),
    holding("HARBOR", "NORDLICHT", 0.25, "Handelsregister", start=date(2024, 7, 1)),
    holding(
        "REDPEAK",
        "NORDLICHT",
        0.15,
        "Handelsregister: sold to Harbor Lane, June 2024",
        start=date(2021, 3, 1),
        end=date(2024, 6, 30),
    ),
    holding("ARCADIA", "HARBOR", 1.0, "Annual report"),
]

CSV_COLUMNS = [
    "holder",
    "holder_jurisdiction",
    "holder_ultimate",
    "subject",
    "subject_jurisdiction",
    "percent",
    "source",
]
CSV_ROWS = [
    ["Shenzhen Capital Group Co Ltd", "CN", "yes", "Pearl River Holdings Ltd", "HK", "55%", "HK annual return"],
    ["Fairway Investments LLC", "US", "yes", "Pearl River Holdings Ltd", "HK", "45%", "HK annual return"],
    ["Pearl River Holdings Ltd", "HK", "", "Acme Components Ltd", "GB", "35%", "Confirmation statement"],
    ["Shenzhen Capital Group Co Ltd", "CN", "yes", "Acme Components Ltd", "GB", "20%", "Confirmation statement"],
    ["Fairway Investments LLC", "US", "yes", "Acme Components Ltd", "GB", "45%", "Confirmation statement"],
]


def add_table(ws: Worksheet, header_row: int, columns: list[str], widths: list[int], rows: list[Any]) -> None:
    """Write a bold, filled header at header_row and the rows below it; set widths, panes and a filter."""
    for col, (title, width) in enumerate(zip(columns, widths, strict=True), start=1):
        cell = ws.cell(row=header_row, column=col, value=title)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        ws.column_dimensions[get_column_letter(col)].width = width
    for offset, values in enumerate(rows, start=1):
        for col, value in enumerate(values, start=1):
            ws.cell(row=header_row + offset, column=col, value=value)
    ws.freeze_panes = f"A{header_row + 1}"
    last = f"{get_column_letter(len(columns))}{header_row + len(rows)}"
    ws.auto_filter.ref = f"A{header_row}:{last}"


def set_format(ws: Worksheet, column: str, first_row: int, fmt: str, only: type | tuple[type, ...]) -> None:
    """Apply a number format to the cells of one column that hold a value of the given type(s)."""
    for (cell,) in ws[f"{column}{first_row}:{column}{ws.max_row}"]:
        if isinstance(cell.value, only):
            cell.number_format = fmt


def build_workbook() -> Workbook:
    wb = Workbook()
    entities = wb.active
    assert entities is not None
    entities.title = "Entities"
    add_table(entities, 1, ENTITY_COLUMNS, ENTITY_WIDTHS, ENTITIES)
    set_format(entities, "F", 2, "#,##0", int)

    holdings = wb.create_sheet("Holdings")
    holdings["A1"] = HOLDINGS_TITLE
    holdings["A1"].font = Font(bold=True, size=14)
    add_table(holdings, 3, HOLDING_COLUMNS, HOLDING_WIDTHS, HOLDINGS)
    set_format(holdings, "C", 4, "0.0%", float)
    set_format(holdings, "D", 4, "#,##0", int)
    set_format(holdings, "F", 4, "yyyy-mm-dd", (date, datetime))
    set_format(holdings, "G", 4, "yyyy-mm-dd", (date, datetime))

    wb.properties.creator = "Helio Robotics company secretary"
    wb.properties.created = wb.properties.modified = FIXED_TIME
    return wb


def save_workbook(wb: Workbook, path: Path) -> None:
    """Save wb with every zip member stamped FIXED_TIME, so reruns are byte-for-byte identical."""
    # openpyxl's Workbook.save() stamps "modified" with the current time; ExcelWriter keeps ours.
    buffer = BytesIO()
    ExcelWriter(wb, ZipFile(buffer, "w", ZIP_DEFLATED)).save()
    with ZipFile(buffer) as source, ZipFile(path, "w", ZIP_DEFLATED) as target:
        for member in source.infolist():
            info = ZipInfo(member.filename, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(member))


def write_csv(path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        writer.writerows(CSV_ROWS)


def main() -> None:
    save_workbook(build_workbook(), HERE / "cap_table.xlsx")
    write_csv(HERE / "holdings.csv")
    print(f"wrote {HERE / 'cap_table.xlsx'} and {HERE / 'holdings.csv'}")


if __name__ == "__main__":
    main()
