"""Coverage-guided fuzzing of the xlsx cell layer with atheris: cell references, cell types and stored values.

``fuzz_readers.py`` mutates whole files, and rarely hits a well-formed workbook whose cells are hostile. This
harness builds one from the fuzzer's bytes: a Holdings sheet of shared-string, number, inline-text, boolean
and error cells at references anywhere from A1 to far past XFD1048576 (and rows past any sheet's last),
values such as ``-1``, ``1_0``, ``1e999``, ``4294967296`` or ``NaN``, a shared-strings part whose
``uniqueCount`` may lie, and a ``<dimension>`` that may claim the whole sheet. It is read with
``ownership.readers.read_input``, on the fast path and on the openpyxl path. An ``ExposureError`` (the
located, one-line refusal) is a correct answer; any other exception is a crash, and so is an abort or a blown
memory limit (libFuzzer reports both: a 512 GB allocation in calamine used to abort the process).

Run it (``pip install atheris`` into the virtualenv first)::

    python fuzz/fuzz_xlsx_cells.py -atheris_runs=20000
    python fuzz/fuzz_xlsx_cells.py -max_total_time=300 -rss_limit_mb=2048

``tests/ownership/readers/cells/test_xlsx_cells_fuzz.py`` runs the same workbooks, drawn by hypothesis, in CI.
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

try:
    import atheris
except ImportError:  # keep the module importable (and lintable) without atheris
    atheris = None

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006"
SHEET_ML = "application/vnd.openxmlformats-officedocument.spreadsheetml"

#: The cell types a worksheet may give (t="..."), '' for none.
TYPES = ("s", "n", "", "inlineStr", "str", "b", "e")
#: Stored values that readers have misread or choked on.
VALUES = ("0", "1", "2", "-1", "1_0", "1e999", "4294967296", "NaN", "inf", " 7", "+3", "1.5", "", "x", "#REF!")
STRINGS = ("holder", "subject", "percent", "P", "S", "60")


def column_letters(column: int) -> str:
    """1 -> A, 16384 -> XFD; any positive column."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def build_workbook(
    path: Path,
    cells: Sequence[tuple[int, int, str, str]],
    *,
    unique_count: int | None = None,
    dimension: str = "A1",
) -> Path:
    """A workbook whose Holdings sheet holds ``cells`` as (row, column, type, stored value), written in the
    order given (so rows may come out of order, as a hostile file's do), above a header row of shared
    strings."""
    rows: dict[int, list[str]] = {}
    for row, column, kind, value in cells:
        ref = f"{column_letters(column)}{row}"
        typed = f' t="{kind}"' if kind else ""
        content = f"<is><t>{value}</t></is>" if kind == "inlineStr" else f"<v>{value}</v>"
        rows.setdefault(row, []).append(f'<c r="{ref}"{typed}>{content}</c>')
    header = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>'
    body = header + "".join(f'<row r="{row}">{"".join(found)}</row>' for row, found in rows.items() if row != 1)
    count = len(STRINGS) if unique_count is None else unique_count
    strings = "".join(f"<si><t>{text}</t></si>" for text in STRINGS)
    xml = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    parts = {
        "[Content_Types].xml": f'{xml}<Types xmlns="{PKG}/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{SHEET_ML}.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{SHEET_ML}.styles+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{SHEET_ML}.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SHEET_ML}.sharedStrings+xml"/></Types>',
        "_rels/.rels": f'{xml}<Relationships xmlns="{PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'{xml}<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
        '<sheet name="Holdings" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'{xml}<Relationships xmlns="{PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{REL}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId3" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        "xl/styles.xml": f'{xml}<styleSheet xmlns="{MAIN}"><fonts count="1"><font><sz val="11"/></font></fonts>'
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs></styleSheet>',
        "xl/sharedStrings.xml": f'{xml}<sst xmlns="{MAIN}" count="{count}" uniqueCount="{count}">{strings}</sst>',
        "xl/worksheets/sheet1.xml": f'{xml}<worksheet xmlns="{MAIN}"><dimension ref="{dimension}"/>'
        f"<sheetData>{body}</sheetData></worksheet>",
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


def read_both(path: Path) -> None:
    """Read ``path`` as ``exposure check`` would, then with openpyxl alone; only ``ExposureError`` may escape."""
    from ownership.errors import ExposureError
    from ownership.readers import read_input
    from ownership.readers.cells.tables import read_workbook

    for read in (lambda: read_input(path, display=path.name), lambda: read_workbook(path, path.name, fast=False)):
        with contextlib.suppress(ExposureError):
            read()


def _far(fdp: object, limit: int) -> int:
    # Small numbers mostly, the edges of a sheet and far past them sometimes.
    choice = fdp.ConsumeIntInRange(0, 9)  # type: ignore[attr-defined]
    if choice < 6:
        return int(fdp.ConsumeIntInRange(1, 40))  # type: ignore[attr-defined]
    if choice < 8:
        return limit + int(fdp.ConsumeIntInRange(-2, 2))  # type: ignore[attr-defined]
    return int(fdp.ConsumeIntInRange(1, 10**13))  # type: ignore[attr-defined]


def test_one_input(data: bytes) -> None:
    """One atheris input: the cells and the shared-strings count, drawn from ``data``."""
    fdp = atheris.FuzzedDataProvider(data)
    cells = [
        (
            max(2, _far(fdp, 1_048_576)),
            max(1, _far(fdp, 16_384)),
            TYPES[fdp.ConsumeIntInRange(0, len(TYPES) - 1)],
            VALUES[fdp.ConsumeIntInRange(0, len(VALUES) - 1)],
        )
        for _ in range(fdp.ConsumeIntInRange(0, 6))
    ]
    unique = fdp.ConsumeIntInRange(0, 2**32) if fdp.ConsumeBool() else None
    dimension = "A1:XFD1048576" if fdp.ConsumeBool() else "A1"
    with tempfile.TemporaryDirectory() as folder:
        read_both(build_workbook(Path(folder) / "cells.xlsx", cells, unique_count=unique, dimension=dimension))


def main() -> None:
    if atheris is None:
        sys.exit("atheris is not installed: pip install atheris (see fuzz/README.md)")
    args = list(sys.argv)
    for flag in ("-timeout=20", "-rss_limit_mb=2048"):
        if not any(arg.startswith(flag.split("=")[0] + "=") for arg in args[1:]):
            args.append(flag)
    with atheris.instrument_imports():
        import ownership.readers  # noqa: F401 (instrumented for coverage)
    atheris.Setup(args, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
