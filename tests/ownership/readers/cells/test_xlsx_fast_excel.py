"""The fast xlsx reader on workbooks laid out as Excel and LibreOffice write them (shared strings, style
indexes, formulas with saved values), built here part by part; and the markup where it must step aside.

Whatever the fast path returns must equal the openpyxl path, value types included; where it steps aside
(returns None), ``read_workbook`` must still give openpyxl's answer.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from ownership.readers.cells.tables import DEFAULT_LIMITS, Cell, UncachedFormula
from ownership.readers.cells.xlsx.fast import read_workbook_fast
from tests.ownership.readers.cells.test_xlsx_fast import outcome, typed

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006"
SHEET_ML = "application/vnd.openxmlformats-officedocument.spreadsheetml"

# Excel's own root element, extension namespaces and all.
SHEET_OPEN = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}" xmlns:r="{REL}" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac xr" '
    'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" '
    'xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision" xr:uid="{00000000-0001}">'
    '<dimension ref="A1"/><sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews>'
    '<sheetFormatPr defaultRowHeight="15" x14ac:dyDescent="0.25"/>'
)
SHEET_CLOSE = '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>'

# Style indexes used below: 0 General, 1 builtin 0%, 2 builtin 0.00%, 3 custom 0.0%, 4 quoted "%" literal,
# 5 builtin date (14), 6 custom date, 7 builtin time (21), 8 custom [h]:mm duration, 9 a format id that
# does not exist.
NUMBER_FORMATS = {164: "0.0%", 165: '0.0"%"', 166: "yyyy\\-mm\\-dd", 167: "[h]:mm"}
CELL_FORMATS = [0, 9, 10, 164, 165, 14, 166, 21, 167, 200]


def styles_xml() -> str:
    formats = "".join(
        f'<numFmt numFmtId="{i}" formatCode="{escape(code, {chr(34): "&quot;"})}"/>'
        for i, code in NUMBER_FORMATS.items()
    )
    applied = ' applyNumberFormat="1"'
    xfs = "".join(
        f'<xf numFmtId="{i}" fontId="0" fillId="0" borderId="0" xfId="0"{applied if i else ""}/>' for i in CELL_FORMATS
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{MAIN}">'
        f'<numFmts count="{len(NUMBER_FORMATS)}">{formats}</numFmts>'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
        '</fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        f'<cellXfs count="{len(CELL_FORMATS)}">{xfs}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
    )


def strings_xml(items: list[str]) -> str:
    """A shared-strings part; each item is the inner XML of one <si>."""
    body = "".join(f"<si>{item}</si>" for item in items)
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<sst xmlns="{MAIN}" count="{len(items)}" uniqueCount="{len(items)}">{body}</sst>'
    )


def one_attribute(name: str, value: str | None) -> str:
    return "" if value is None else f' {name}="{value}"'


def state_attribute(state: str | None) -> str:
    return one_attribute("state", state)


def package(
    path: Path,
    sheets: dict[str, str],
    strings: list[str] | None = None,
    *,
    states: dict[str, str] | None = None,
    date1904: bool = False,
    strings_part: str = "xl/sharedStrings.xml",
) -> Path:
    """An xlsx package with one worksheet per entry (name -> the XML inside <sheetData>, or the whole
    <sheetData> element)."""
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{SHEET_ML}.worksheet+xml"/>'
        for n in range(1, len(sheets) + 1)
    )
    if strings is not None:
        overrides += f'<Override PartName="/{strings_part}" ContentType="{SHEET_ML}.sharedStrings+xml"/>'
    content_types = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="{PKG}/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{SHEET_ML}.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{SHEET_ML}.styles+xml"/>{overrides}</Types>'
    )
    root_rels = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    states = states or {}
    entries = "".join(
        f'<sheet name="{name}" sheetId="{n}"{state_attribute(states.get(name))} r:id="rId{n}"/>'
        for n, name in enumerate(sheets, start=1)
    )
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{MAIN}" xmlns:r="{REL}">'
        f"<workbookPr{one_attribute('date1904', '1' if date1904 else None)}/>"
        f"<bookViews><workbookView/></bookViews><sheets>{entries}</sheets></workbook>"
    )
    rels = "".join(
        f'<Relationship Id="rId{n}" Type="{REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, len(sheets) + 1)
    )
    rels += f'<Relationship Id="rIdS" Type="{REL}/styles" Target="styles.xml"/>'
    if strings is not None:
        rels += f'<Relationship Id="rIdT" Type="{REL}/sharedStrings" Target="{strings_part.removeprefix("xl/")}"/>'
    workbook_rels = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{PKG}/relationships">{rels}</Relationships>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", root_rels)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        archive.writestr("xl/styles.xml", styles_xml())
        if strings is not None:
            archive.writestr(strings_part, strings_xml(strings))
        for n, data in enumerate(sheets.values(), start=1):
            body = data if data.startswith("<sheetData") else f"<sheetData>{data}</sheetData>"
            archive.writestr(f"xl/worksheets/sheet{n}.xml", f"{SHEET_OPEN}{body}{SHEET_CLOSE}")
    return path


STRINGS = [
    "<t>holder</t>",  # 0
    "<t>subject</t>",  # 1
    "<t>percent</t>",  # 2
    "<t>start</t>",  # 3
    "<t>Dragon Capital Co., Ltd.</t>",  # 4
    '<t xml:space="preserve">  padded name  </t>',  # 5
    '<r><t>Rich</t></r><r><rPr><b/><sz val="11"/></rPr><t xml:space="preserve"> text</t></r>',  # 6
    "<t>中国石油天然气集团有限公司</t>",  # 7
    "<t>A &amp; B &lt;Holdings&gt; &#x4E2D;</t>",  # 8
    "<t>12.5</t>",  # 9: a number kept as text
    '<t xml:space="preserve"> </t>',  # 10: a space
]


def row(number: int, cells: str, extra: str = ' spans="1:6" x14ac:dyDescent="0.25"') -> str:
    return f'<row r="{number}"{extra}>{cells}</row>'


EXCEL_SHEET = "".join(
    [
        row(
            1,
            '<c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c>'
            '<c r="D1" t="s"><v>3</v></c>',
        ),
        row(
            2,
            '<c r="A2" t="s"><v>4</v></c><c r="B2" t="s"><v>5</v></c><c r="C2" s="1"><v>0.25</v></c>'
            '<c r="D2" s="5"><v>43832</v></c><c r="E2" s="1"/><c r="F2" s="2"/>',
        ),
        row(
            3,
            '<c r="A3" t="s"><v>6</v></c><c r="B3" t="s"><v>7</v></c><c r="C3" s="3"><v>0.125</v></c>'
            '<c r="D3" s="6"><v>44259.5</v></c>',
        ),
        row(
            4,
            '<c r="A4" t="s"><v>8</v></c><c r="B4" t="s"><v>9</v></c><c r="C4" s="4"><v>12.5</v></c>'
            '<c r="D4" s="7"><v>0.5208333333333334</v></c><c r="E4" s="8"><v>1.25</v></c>',
        ),
        row(5, '<c r="A5" s="2"/><c r="B5" s="1"/>', ' spans="1:6"'),  # styled blanks only: a blank row
        row(
            7,
            '<c r="A7" t="s"><v>4</v></c><c r="B7" t="s"><v>10</v></c><c r="C7"><f>SUM(C2:C3)</f><v>0.375</v></c>'
            '<c r="D7" t="str"><f>A7&amp;"!"</f><v>Dragon Capital Co., Ltd.!</v></c>'
            '<c r="E7" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="F7" t="b"><f>TRUE()</f><v>1</v></c>',
        ),
        row(
            8,
            '<c r="A8"><v>36</v></c><c r="B8"><v>36.0</v></c><c r="C8"><v>1E3</v></c>'
            '<c r="D8"><v>12345678901234567890</v></c><c r="E8"><v>-0</v></c><c r="F8" t="n"><v>7.5E-3</v></c>'
            '<c r="G8"><v></v></c>',
        ),
        row(
            9,
            '<c r="A9" t="s"><v>4</v></c><c r="C9" s="1"><f>C2*2</f></c><c r="D9"><f>D2+1</f><v></v></c>'
            '<c r="E9" t="str"><f>"x"</f><v xml:space="preserve"> </v></c>',
        ),
        row(10, '<c r="B10" t="b"><v>0</v></c><c r="H10" t="e"><v>#N/A</v></c>'),
        row(
            11,
            '<c r="A11" t="inlineStr"><is><t>inline</t></is></c><c r="B11" t="str"><v>plain &amp; str</v></c>'
            '<c r="C11" t="inlineStr"><is><r><t>ri</t></r><r><rPr><b/></rPr><t>ch</t></r></is></c>'
            '<c r="D11" t="inlineStr"><is><t xml:space="preserve"> kept </t></is></c>',
        ),
        '<row r="12" spans="1:6"/>',
    ]
)


def test_excel_layout(tmp_path: Path) -> None:
    path = package(
        tmp_path / "excel.xlsx",
        {"Holdings": EXCEL_SHEET, "Hidden": row(1, '<c r="A1"><v>1</v></c>')},
        STRINGS,
        states={"Hidden": "hidden"},
    )
    tables = read_workbook_fast(path.read_bytes(), path.name, DEFAULT_LIMITS)
    assert tables is not None
    assert typed(tables) == outcome(path, fast=False)


def test_excel_layout_values_by_hand(tmp_path: Path) -> None:
    path = package(tmp_path / "excel.xlsx", {"Holdings": EXCEL_SHEET}, STRINGS)
    tables = read_workbook_fast(path.read_bytes(), path.name, DEFAULT_LIMITS)
    assert tables is not None
    rows = dict(tables[0].rows)
    assert [c.value for c in rows[1]] == ["holder", "subject", "percent", "start"]
    assert rows[2] == [
        Cell("Dragon Capital Co., Ltd."),
        Cell("  padded name  "),
        Cell(0.25, True),
        Cell(dt.datetime(2020, 1, 2)),
        Cell(None, True),
        Cell(None, True),
    ]
    assert [c.value for c in rows[3][:2]] == ["Rich text", "中国石油天然气集团有限公司"]
    assert rows[3][2] == Cell(0.125, True) and rows[3][3].value == dt.datetime(2021, 3, 4, 12)
    assert [c.value for c in rows[4]] == ["A & B <Holdings> 中", "12.5", 12.5, dt.time(12, 30), dt.timedelta(hours=30)]
    assert rows[4][2].percent_format is False  # a quoted "%" is a literal
    assert 5 not in rows
    assert [c.value for c in rows[7]] == [
        "Dragon Capital Co., Ltd.",
        " ",
        0.375,
        "Dragon Capital Co., Ltd.!",
        "#DIV/0!",
        True,
    ]
    assert [(type(c.value), c.value) for c in rows[8]] == [
        (int, 36),
        (float, 36.0),
        (float, 1000.0),
        (int, 12345678901234567890),
        (int, 0),
        (float, 0.0075),
        (type(None), None),
    ]
    assert rows[9] == [
        Cell("Dragon Capital Co., Ltd."),
        Cell(None),
        Cell(UncachedFormula("=C2*2")),
        Cell(UncachedFormula("=D2+1")),
        Cell(UncachedFormula('="x"')),
    ]
    assert [c.value for c in rows[10]] == [None, False, None, None, None, None, None, "#N/A"]
    assert [c.value for c in rows[11]] == ["inline", "plain & str", "rich", " kept "]


def test_rich_inline_text_without_shared_strings(tmp_path: Path) -> None:
    rich = (
        '<c r="A1" t="inlineStr"><is><r><t xml:space="preserve">Dragon </t></r><r><rPr><i/></rPr><t>Capital</t></r>'
        "</is></c>"
    )
    path = package(tmp_path / "rich.xlsx", {"S": row(1, rich + '<c r="B1"><v>5</v></c>')})
    tables = read_workbook_fast(path.read_bytes(), path.name, DEFAULT_LIMITS)
    assert tables is not None and [c.value for c in tables[0].rows[0][1]] == ["Dragon Capital", 5]
    assert typed(tables) == outcome(path, fast=False)


def test_sheet_without_rows(tmp_path: Path) -> None:
    # XlsxWriter writes an empty sheet's data as <sheetData/>, openpyxl as <sheetData></sheetData>.
    path = package(tmp_path / "empty.xlsx", {"S": row(1, '<c r="A1"><v>1</v></c>'), "E1": "<sheetData/>", "E2": ""})
    tables = read_workbook_fast(path.read_bytes(), path.name, DEFAULT_LIMITS)
    assert tables is not None and tables[1].rows == tables[2].rows == []
    assert typed(tables) == outcome(path, fast=False)


def test_1904_epoch(tmp_path: Path) -> None:
    path = package(tmp_path / "mac.xlsx", {"S": row(1, '<c r="A1" s="5"><v>42369</v></c>')}, date1904=True)
    tables = read_workbook_fast(path.read_bytes(), path.name, DEFAULT_LIMITS)
    assert tables is not None and tables[0].rows[0][1][0].value == dt.datetime(2020, 1, 1)
    assert typed(tables) == outcome(path, fast=False)


def test_date_serial_outside_the_calendar_reads_as_openpyxl_does(tmp_path: Path) -> None:
    path = package(tmp_path / "far.xlsx", {"S": row(1, '<c r="A1" s="5"><v>99999999</v></c>')})
    tables = read_workbook_fast(path.read_bytes(), path.name, DEFAULT_LIMITS)
    assert tables is not None and tables[0].rows[0][1][0].value == "#VALUE!"
    assert typed(tables) == outcome(path, fast=False)


# Markup the fast path leaves to openpyxl: (sheet data, shared strings).
STEP_ASIDE = {
    "escaped character in a shared string": (row(1, '<c r="A1" t="s"><v>0</v></c>'), ["<t>a_x000D_b</t>"]),
    "untrimmed text without xml:space": (row(1, '<c r="A1" t="s"><v>0</v></c>'), ["<t> padded</t>"]),
    "text ending in a character reference": (row(1, '<c r="A1" t="s"><v>0</v></c>'), ["<t>tab&#9;</t>"]),
    "empty shared string": (row(1, '<c r="A1" t="s"><v>0</v></c><c r="B1"><v>1</v></c>'), ["<t></t>"]),
    "phonetic run": (row(1, '<c r="A1" t="s"><v>0</v></c>'), ['<t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh>']),
    "shared formula without a value": (
        row(1, '<c r="A1"><f t="shared" ref="A1:A2" si="0">B1*2</f></c>')
        + row(2, '<c r="A2"><f t="shared" si="0"/></c>'),
        None,
    ),
    "rich inline text calamine would trim": (
        row(1, '<c r="A1" t="inlineStr"><is><r><t>Dragon </t></r><r><t>Capital</t></r></is></c>'),
        None,
    ),
    "ISO date cell": (row(1, '<c r="A1" t="d"><v>2020-01-02T00:00:00</v></c>'), None),
    "cell without a reference": (row(1, '<c r="A1"><v>1</v></c><c><v>2</v></c>'), None),
    "row without a number": ('<row><c r="A1"><v>1</v></c></row>', None),
    "attributes in another order": ('<row r="1"><c s="1" r="A1"><v>1</v></c></row>', None),
    "cell content with whitespace": (row(1, '<c r="A1">\n  <v>1</v>\n</c>'), None),
    "comment": (row(1, '<c r="A1"><v>1</v></c><!-- note -->'), None),
    "carriage return": (row(1, '<c r="A1" t="str"><v>a\r\nb</v></c>'), None),
    "rows out of order": (row(2, '<c r="A2"><v>2</v></c>') + row(1, '<c r="A1"><v>1</v></c>'), None),
    "cell in the wrong row": (row(1, '<c r="A2"><v>2</v></c>'), None),
    "style that does not exist": (row(1, '<c r="A1" s="40"><v>1</v></c>'), None),
    "number format that does not exist": (row(1, '<c r="A1" s="9"><v>1</v></c>'), None),
    "a number cell holding text": (row(1, '<c r="A1"><v>NaN</v></c>'), None),
    "boolean that is not 0 or 1": (row(1, '<c r="A1" t="b"><v>yes</v></c>'), None),
}


@pytest.mark.parametrize("case", STEP_ASIDE)
def test_steps_aside_and_openpyxl_answers(tmp_path: Path, case: str) -> None:
    data, strings = STEP_ASIDE[case]
    path = package(tmp_path / "odd.xlsx", {"S": data}, strings)
    assert read_workbook_fast(path.read_bytes(), path.name, DEFAULT_LIMITS) is None
    assert outcome(path, fast=True) == outcome(path, fast=False)


def test_a_number_cell_holding_text_is_named_by_the_openpyxl_path(tmp_path: Path) -> None:
    path = package(tmp_path / "nan.xlsx", {"S": row(1, '<c r="A1"><v>1</v></c><c r="B1"><v>NaN</v></c>')})
    failed = outcome(path, fast=True)
    assert isinstance(failed, tuple) and "stored as a number but is not one" in failed[1]
    assert str(failed[2]) == "nan.xlsx, sheet 'S', row 1, column B"


def test_shared_strings_elsewhere_step_aside(tmp_path: Path) -> None:
    path = package(
        tmp_path / "s.xlsx", {"S": row(1, '<c r="A1" t="s"><v>0</v></c>')}, ["<t>x</t>"], strings_part="xl/strings.xml"
    )
    assert read_workbook_fast(path.read_bytes(), path.name, DEFAULT_LIMITS) is None
    assert outcome(path, fast=True) == outcome(path, fast=False)


def test_damage_outside_the_cells_is_refused_as_openpyxl_does(tmp_path: Path) -> None:
    built = package(tmp_path / "built.xlsx", {"S": row(1, '<c r="A1"><v>1</v></c>')})
    path = tmp_path / "margins.xlsx"
    with zipfile.ZipFile(built) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'left="0.7"', b'left="wide"')
            target.writestr(info, data)
    assert read_workbook_fast(path.read_bytes(), path.name, DEFAULT_LIMITS) is None
    failed = outcome(path, fast=True)
    assert failed == outcome(path, fast=False)
    assert isinstance(failed, tuple) and "damaged" in failed[1]
