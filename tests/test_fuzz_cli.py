"""Fuzzing the real CLI: whatever arrives, `exposure check FILE -j CN --format json` exits 0, 1 or 2, never with a
traceback, and says either a well-formed report or exactly one error line.

Three kinds of input (issue 6, item 4):

* valid-ish holdings CSVs: small random graphs with every percent form the reader accepts and many it must refuse,
  country texts, delimiters, title rows, byte-order marks and encodings;
* corrupted bytes: a valid CSV or xlsx with bytes flipped, inserted or cut, either in the file itself or inside one
  member of the xlsx zip (so the XML parser, not only the zip reader, sees the damage);
* random workbooks: openpyxl workbooks with random sheet names, headers, cell values and number formats.

The default run is small (a few seconds) so it can run in CI with the other tests. For a longer run set
``EXPOSURE_FUZZ_EXAMPLES=N`` (examples per test); set ``EXPOSURE_FUZZ_SAVE=DIR`` as well to save every distinct
failure there (input plus a .txt note) and keep going instead of stopping at the first one (see fuzz/README.md).
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import math
import os
import re
import stat
import tempfile
import traceback
import warnings
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from cli.app import app

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "data" / "samples"

#: Examples per test: small by default (CI), raised with EXPOSURE_FUZZ_EXAMPLES for a longer run.
_LONG_RUN = int(os.environ.get("EXPOSURE_FUZZ_EXAMPLES", "0") or 0)
#: Where a long run saves failing inputs (one per distinct failure) instead of stopping at the first.
_SAVE_DIR = os.environ.get("EXPOSURE_FUZZ_SAVE") or None


def _fuzz_settings(ci_examples: int) -> settings:
    return settings(
        max_examples=_LONG_RUN or ci_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
        print_blob=True,
    )


# --- running the CLI and judging its answer ---------------------------------------------------------------------

_TRACEBACK = "Traceback (most recent call last)"
_INDEX = re.compile(r"\[[0-9]+\]")


def _invoke(path: Path, *extra: str) -> tuple[Result, list[tuple[str, str]]]:
    """Run ``exposure check PATH -j CN --format json``.

    Python warnings are recorded rather than raised (pytest's config turns them into errors, which the CLI would
    report as an internal error) and returned as (where, text): outside pytest Python prints them on stderr, two
    lines each, around the one error line, so each one is a problem too.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = CliRunner().invoke(app, ["check", str(path), "-j", "CN", "--format", "json", *extra])
    return result, [
        (f"{w.category.__name__} from {Path(w.filename).name}:{w.lineno}", " ".join(str(w.message).split())[:200])
        for w in caught
    ]


def _intervals(node: object, where: str = "") -> Iterator[tuple[str, Any, Any]]:
    """Every {low, high} interval anywhere in a report entity (cascade, look-through, stakes, by profile)."""
    if isinstance(node, dict):
        if set(node) >= {"low", "high"}:
            yield where, node["low"], node["high"]
        for key, value in node.items():
            yield from _intervals(value, f"{where}.{key}")
    elif isinstance(node, list):
        for k, value in enumerate(node):
            yield from _intervals(value, f"{where}[{k}]")


def _problems(result: Result, python_warnings: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """What is wrong with one run, as (kind, detail) pairs: the kind is stable across inputs (it names the failure
    for de-duplication), the detail is specific to this input. Empty: the run behaved."""
    leaked = [(f"Python warning printed on stderr: {where}", text) for where, text in python_warnings]
    return leaked[:1] + _answer_problems(result)


def _answer_problems(result: Result) -> list[tuple[str, str]]:
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        exc = result.exception
        return [(f"exception escaped the CLI: {type(exc).__name__}", str(exc))]
    stdout, stderr = result.stdout, result.stderr
    if _TRACEBACK in stdout or _TRACEBACK in stderr:
        return [("traceback printed", stderr[-300:])]
    if result.exit_code not in (0, 1, 2):
        return [("exit code not 0, 1 or 2", str(result.exit_code))]
    if result.exit_code == 2:
        lines = stderr.splitlines()
        found = []
        # One line, or (several problems in one input, issue 15) a count then one indented line per problem.
        listed = bool(lines) and " problems in " in lines[0] and all(line.startswith("  ") for line in lines[1:])
        if len(lines) != 1 and not listed:
            found.append(("exit 2 without one stderr line or a list of problems", f"{len(lines)} lines"))
        if not lines or not lines[0].startswith("exposure: error:"):
            found.append(("exit 2 without an 'exposure: error:' line", stderr[:200]))
        if "internal error" in stderr:
            found.append(("internal error (an unexpected exception the CLI caught as its last line of defence)", ""))
        return found
    try:
        doc = json.loads(stdout)
    except json.JSONDecodeError as exc:
        return [(f"exit {result.exit_code} but stdout is not JSON", str(exc))]
    found = []
    for entity in doc.get("entities", []):
        for where, low, high in _intervals(entity):
            numbers = isinstance(low, int | float) and isinstance(high, int | float)
            if not numbers or math.isnan(low) or math.isnan(high) or not (0.0 <= low <= high <= 100.0):
                kind = f"report figure outside 0..100 or low > high at {_INDEX.sub('[]', where)}"
                found.append((kind, f"entity {entity.get('id')!r}{where}: low {low!r}, high {high!r}"))
    return found[:5]


def _crash_detail(path: Path) -> tuple[str, str]:
    """Re-run with --debug to see the exception the CLI hid: (signature, traceback from the CLI command down)."""
    from ownership.errors import ExposureError

    result, _ = _invoke(path, "--debug")
    exc = result.exception
    # With --debug the CLI re-raises its own located errors too; those are answers, not crashes.
    if exc is None or isinstance(exc, SystemExit | ExposureError) or result.exc_info is None:
        return "", ""
    frames = traceback.extract_tb(result.exc_info[2])
    ours = [k for k, f in enumerate(frames) if "/ownership/" in f.filename or "/cli/" in f.filename]
    top = frames[ours[-1]] if ours else frames[-1]
    signature = f"{type(exc).__name__} at {Path(top.filename).name}:{top.lineno} ({top.name})"
    start = next((k for k in ours if frames[k].name == "_run_check"), ours[0] if ours else 0)
    lines = ["Traceback (innermost frames, from the CLI command down):\n"]
    lines += traceback.format_list(frames[start:])
    lines += traceback.format_exception_only(type(exc), exc)
    return signature, "".join(lines)


def _check_cli(data: bytes, name: str, kind: str) -> None:
    """Write ``data`` as ``name`` in a fresh temporary folder, run the CLI on it, and judge the answer."""
    with tempfile.TemporaryDirectory(prefix="exposure-fuzz-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        result, python_warnings = _invoke(path)
        event(f"{kind}: exit {result.exit_code}")
        problems = _problems(result, python_warnings)
        if not problems:
            return
        signature, tb = _crash_detail(path)
    report = [
        f"{kind} input {name!r} ({len(data)} bytes): {'; '.join(f'{k}: {d}' if d else k for k, d in problems)}",
        f"exit {result.exit_code}",
        f"stderr: {result.stderr[-2000:]!r}",
        f"stdout: {result.stdout[:500]!r}",
    ]
    if signature:
        report += [f"with --debug: {signature}", tb[-4000:]]
    message = "\n".join(report)
    if _SAVE_DIR is None:
        raise AssertionError(message)
    _save_failure(Path(_SAVE_DIR), data, name, kind, signature or problems[0][0], message)


def _save_failure(folder: Path, data: bytes, name: str, kind: str, signature: str, message: str) -> None:
    """Keep one (the smallest) input per distinct failure signature, with a one-line note and the full report."""
    folder.mkdir(parents=True, exist_ok=True)
    key = hashlib.sha256(f"{kind}|{signature}".encode()).hexdigest()[:12]
    # A text file reads the same named .csv, .txt or without extension; .csv keeps the note's .txt unambiguous.
    suffix = Path(name).suffix if Path(name).suffix.lower() not in ("", ".txt") else ".csv"
    target = folder / f"{kind}-{key}{suffix}"
    existing = [p for p in folder.glob(f"{kind}-{key}.*") if p.suffix not in (".txt", ".log")]
    if existing and existing[0].stat().st_size <= len(data):
        return
    for old in existing:
        for stale in (old, Path(f"{old}.txt"), Path(f"{old}.log")):
            stale.unlink(missing_ok=True)
    target.write_bytes(data)
    Path(f"{target}.txt").write_text(f"hypothesis {kind}: {signature}\n", encoding="utf-8")
    Path(f"{target}.log").write_text(message + "\n", encoding="utf-8")


# --- value strategies ---------------------------------------------------------------------------------------------

_GARBAGE = st.text(max_size=12)

_PSC_CODES = [
    "ownership-of-shares-25-to-50-percent",
    "ownership-of-shares-50-to-75-percent",
    "ownership-of-shares-75-to-100-percent",
    "voting-rights-25-to-50-percent-as-trust",
    "right-to-share-surplus-assets-more-than-25-percent-registered-overseas-entity",
    "ownership-of-shares-more-than-25-percent-as-firm",
    "significant-influence-or-control",
    "right-to-appoint-and-remove-directors",
    "registered-owner-as-nominee-person-england-wales",
]


def _number_text(value: float) -> str:
    return f"{value:g}" if value != int(value) else str(int(value))


_POINTS = st.one_of(
    st.integers(0, 100).map(float),
    st.floats(0, 100, allow_nan=False).map(lambda x: round(x, 3)),
    st.sampled_from([0.5, 0.25, 1.0, 99.999, 100.0000000001, 1e-12]),
)

#: Percent cells the reader accepts (some of them out of range only by float noise).
GOOD_PERCENTS = st.one_of(
    _POINTS.map(_number_text),
    _POINTS.map(lambda x: f"{_number_text(x)}%"),
    _POINTS.map(lambda x: f"{_number_text(x)} %".replace(".", ",")),
    st.tuples(_POINTS, _POINTS).map(lambda ab: f"{_number_text(min(ab))}-{_number_text(max(ab))}"),
    st.tuples(_POINTS, _POINTS).map(lambda ab: f"{_number_text(min(ab))}% to {_number_text(max(ab))}%"),
    st.tuples(st.sampled_from([">", "<", ">=", "<=", "more than ", "at least ", "up to ", "\u2265"]), _POINTS).map(
        lambda op_x: f"{op_x[0]}{_number_text(op_x[1])}%"
    ),
    st.sampled_from(_PSC_CODES[:6]),
    st.sampled_from(
        ["unknown", "Unknown", "?", "undisclosed", "n/k", "\u00a050\u00a0%", "\uff15\uff10\uff05", "12,5%"]
    ),
)
#: Percent cells that are blank, odd or wrong: the reader must refuse them with a located error, or read them.
ODD_PERCENTS = st.one_of(
    st.sampled_from(["", " ", *_PSC_CODES[6:]]),
    st.sampled_from(
        ["-5", "150", "100.5", "nan", "inf", "-inf", "1e400", "1e-400", "50%%", "25--50", "0x10", "\u00bd"]
    ),
    st.sampled_from(["1,000", "1.000,5", "50 percent", "50 pct", "between 10 and 20", "TRUE", "\u2014", "50-25"]),
    _GARBAGE,
)
PERCENT_TEXTS = st.one_of(GOOD_PERCENTS, ODD_PERCENTS)

GOOD_COUNTRIES = st.one_of(
    st.sampled_from(["CN", "HK", "MO", "TW", "US", "GB", "DE", "SG", "KY", "VG", "JP", "NL", "CHN", "USA", "GBR"]),
    st.sampled_from(["China", "PRC", "Mainland China", "Hong Kong SAR", "England & Wales", "US-DE", "CN-44"]),
    st.sampled_from(["Chinese", "\u4e2d\u56fd", "Cayman Islands", "cn", " cn ", ""]),
)
ODD_COUNTRIES = st.one_of(
    st.sampled_from(["XX", "Chinaa", "Atlantis", "EU", "UK", "123", "N/A", "-", "  ", "unknown", "\u9999\u6e2f"]),
    _GARBAGE,
)
COUNTRY_TEXTS = st.one_of(GOOD_COUNTRIES, ODD_COUNTRIES)

_ID_POOL = ["A", "B", "C", "D", "E", "F", "Acme Ltd", "Pearl River Holdings", "深圳资本", "Ростех", "שלום"]
ENTITY_IDS = st.one_of(st.sampled_from(_ID_POOL), st.text(min_size=1, max_size=10))

_OPTIONAL_CELLS: dict[str, st.SearchStrategy[str]] = {
    "shares": st.one_of(
        st.integers(-10, 10**7).map(str), st.sampled_from(["1,000", "1 000", "1.000.000", "", "abc", "1e9"])
    ),
    "votes": PERCENT_TEXTS,
    "control": st.sampled_from(["yes", "no", "y", "n", "x", "", "maybe", "1", "0", "TRUE"]),
    "start": st.sampled_from(["2020-01-01", "2030-12-31", "31/12/2020", "20200101", "", "yesterday", "2020-02-30"]),
    "end": st.sampled_from(["2024-06-30", "2099-01-01", "", "2020-13-01", "12/31/2024", "2024-06-30T12:00:00Z"]),
    "source": st.text(max_size=20),
    "holder_name": st.text(max_size=10),
    "holder_type": st.sampled_from(["company", "person", "fund", "trust", "state", "public", "alien", ""]),
    "holder_headquarters": COUNTRY_TEXTS,
    "subject_type": st.sampled_from(["company", "person", "", "LLC"]),
}

_HEADER_ALIASES: dict[str, list[str]] = {
    "holder": ["holder", "Owner", "Shareholder", "holder_id", "INVESTOR"],
    "subject": ["subject", "Company", "investee", "Subsidiary", "subject id"],
    "percent": ["percent", "Stake", "%", "Ownership %", "equity"],
    "holder_jurisdiction": ["holder_jurisdiction", "Holder Country", "owner jurisdiction"],
    "subject_jurisdiction": ["subject_jurisdiction", "Subject Country", "company jurisdiction"],
}


@st.composite
def holdings_csvs(draw: st.DrawFn) -> bytes:
    """A single holdings CSV: a small random graph, random percent and country texts, random layout and encoding."""
    # Half the files are clean (accepted forms only, so most runs reach the engine); the rest mix in odd cells.
    clean = draw(st.booleans())
    percents, countries_from = (GOOD_PERCENTS, GOOD_COUNTRIES) if clean else (PERCENT_TEXTS, COUNTRY_TEXTS)
    ids = draw(st.lists(ENTITY_IDS, min_size=1, max_size=6, unique=True))
    countries = {e: draw(countries_from) for e in ids}
    rows = draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids), percents), min_size=0, max_size=8))
    extras = [] if clean else draw(st.lists(st.sampled_from(sorted(_OPTIONAL_CELLS)), max_size=3, unique=True))
    fields = ["holder", "holder_jurisdiction", "subject", "subject_jurisdiction", "percent", *extras]
    if not clean:
        drop = draw(st.sampled_from([None, None, "holder_jurisdiction", "subject_jurisdiction", "percent"]))
        fields = [f for f in fields if f != drop]
    fields = draw(st.permutations(fields))
    header = [draw(st.sampled_from(_HEADER_ALIASES.get(f, [f]))) for f in fields]

    table: list[list[str]] = []
    for _ in range(draw(st.integers(0, 2))):  # title rows above the header
        table.append([draw(st.text(max_size=30))])
    table.append(header)
    for holder, subject, percent in rows:
        values = {
            "holder": holder,
            "subject": subject,
            "percent": percent,
            "holder_jurisdiction": countries[holder],
            "subject_jurisdiction": countries[subject],
        }
        row = [values[f] if f in values else draw(_OPTIONAL_CELLS[f]) for f in fields]
        if not clean and draw(st.integers(0, 9)) == 0:  # a ragged row: cells missing or one too many
            row = row[:-1] if draw(st.booleans()) else [*row, draw(st.text(max_size=5))]
        table.append(row)

    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    newline = draw(st.sampled_from(["\r\n", "\n", "\r"]))
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=newline).writerows(table)
    text = buffer.getvalue()
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-8-sig", "utf-16", "gb18030", "latin-1"]))
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    note(f"holdings CSV ({encoding}, delimiter {delimiter!r}):\n{text}")
    return data


# --- random workbooks ---------------------------------------------------------------------------------------------

_SHEET_TITLES = st.one_of(
    st.sampled_from(["Entities", "Holdings", "entities ", "HOLDINGS", "Shareholders", "Cap Table", "Sheet1", "Notes"]),
    st.sampled_from(["entity_list", "Ownership", "stakes", "Parties", "股东", "\u041b\u0438\u0441\u04421", "Owners"]),
    # Titles Excel accepts: 1-31 characters, none of []:*?/\ nor a leading or trailing apostrophe; no control
    # characters (openpyxl would write them into workbook.xml unescaped, which is the corruption test's job).
    st.text(st.characters(exclude_characters="[]:*?/\\'", exclude_categories=("Cc", "Cs")), min_size=1, max_size=31),
)

_ENTITY_HEADERS = ["id", "name", "type", "jurisdiction", "headquarters", "shares outstanding", "group", "Entity ID"]
_HOLDING_HEADERS = ["holder", "subject", "percent", "shares", "votes", "control", "start", "end", "source", "owner"]
HEADER_CELLS = st.one_of(
    st.sampled_from(_ENTITY_HEADERS + _HOLDING_HEADERS), st.sampled_from(["%", "", None, 1, "Ownership %"]), _GARBAGE
)

_NUMBER_FORMATS = [
    "General",
    "0%",
    "0.00%",
    "0.0%",
    '"%"0',
    "0\\%",
    "#,##0",
    "0.00",
    "yyyy-mm-dd",
    "dd/mm/yyyy",
    "@",
    "0.00E+00",
    '[Red]0%;"neg"',
]


def _storable(value: object) -> object:
    """The value without the control characters openpyxl refuses to store in a cell."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


CELL_VALUES = st.one_of(
    st.none(),
    st.sampled_from(_ID_POOL),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.5, 0.25, 1.0, 50.0, 100.0, -0.0, 1e-300, 1e300]),
    PERCENT_TEXTS,
    COUNTRY_TEXTS,
    st.booleans(),
    st.dates(min_value=date(1900, 3, 1), max_value=date(9999, 12, 31)),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 12, 31)),
    st.sampled_from([time(12, 30), timedelta(days=3)]),
    st.text(max_size=40),
    st.integers(1_000, 40_000).map(lambda n: "x" * n),  # very long strings (a cell holds 32,767 at most)
    st.sampled_from(["=A1", "=1/0", "=SUM(A1:A3)", '=HYPERLINK("http://x","y")', "=", "=-0.5", "+50", "@x"]),
)


_FIXED_TIME = (2024, 1, 1, 0, 0, 0)
_TIMESTAMP = re.compile(rb"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?Z?")


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    """A zip of the members with fixed timestamps: the same draws must give the same bytes, or hypothesis sees
    the sizes it draws offsets from change between runs (a flaky strategy)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as sink:
        for name, content in members:
            sink.writestr(zipfile.ZipInfo(name, date_time=_FIXED_TIME), content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _saved(wb: Any) -> bytes:
    """The workbook as xlsx bytes, made deterministic (openpyxl stamps the save time in the zip and core.xml)."""
    buffer = io.BytesIO()
    wb.save(buffer)
    with zipfile.ZipFile(buffer) as saved:
        members = [(info.filename, saved.read(info)) for info in saved.infolist()]
    return _zip(
        [(n, _TIMESTAMP.sub(b"2024-01-01T00:00:00Z", c) if n == "docProps/core.xml" else c) for n, c in members]
    )


def _apply_formats(ws: Any, draw: st.DrawFn) -> None:
    """Random number formats ('0%' and friends) on a random quarter of the cells."""
    for row in ws.iter_rows():
        for cell in row:
            if draw(st.integers(0, 3)) == 0:
                cell.number_format = draw(st.sampled_from(_NUMBER_FORMATS))


def _random_sheet(ws: Any, draw: st.DrawFn) -> None:
    for _ in range(draw(st.integers(0, 2))):  # title rows
        ws.append([_storable(draw(st.text(max_size=20)))])
    if draw(st.booleans()):
        ws.append([_storable(draw(HEADER_CELLS)) for _ in range(draw(st.integers(0, 7)))])
    width = draw(st.integers(0, 7))
    for _ in range(draw(st.integers(0, 6))):
        ws.append([_storable(draw(CELL_VALUES)) for _ in range(width)])


def _shaped_sheets(wb: Any, draw: st.DrawFn) -> None:
    """Entities and Holdings sheets with the right headers (in random order, with a stray column at times) and
    mostly sensible cells, so that many runs get past the header search into the values and the engine."""
    ids = draw(st.lists(st.sampled_from(_ID_POOL), min_size=1, max_size=5, unique=True))
    odd = st.one_of(CELL_VALUES, st.none())
    clean = draw(st.booleans())  # half of them with sensible cells only

    def sometimes_odd(sensible: st.SearchStrategy[Any]) -> Any:
        return _storable(draw(odd if not clean and draw(st.integers(0, 7)) == 0 else sensible))

    entity_header = draw(st.permutations(["id", "name", "type", "jurisdiction", "headquarters"]))
    holding_header = draw(st.permutations(["holder", "subject", "percent"]))
    if not clean and draw(st.integers(0, 3)) == 0:
        holding_header = [*holding_header, draw(st.sampled_from(["shares", "votes", "control", "start", "end"]))]
    entity_cells = {
        "id": st.sampled_from(ids),
        "name": st.text(max_size=10),
        "type": st.sampled_from(["company", "person", "fund", "", "trust"]),
        "jurisdiction": GOOD_COUNTRIES,
        "headquarters": st.one_of(st.none(), GOOD_COUNTRIES),
    }
    holding_cells = {
        "holder": st.sampled_from(ids),
        "subject": st.sampled_from(ids),
        "percent": st.one_of(st.sampled_from([0.1, 0.25, 0.5, 0.51, 1.0]), st.integers(0, 60), GOOD_PERCENTS),
        "shares": st.integers(0, 10_000),
        "votes": st.floats(0, 1),
        "control": st.sampled_from(["yes", "no", True, False, None]),
        "start": st.one_of(st.dates(), st.none(), st.just("2020-01-01")),
        "end": st.one_of(st.dates(), st.none()),
    }
    for title, header, cells in (
        (draw(st.sampled_from(["Entities", "entities", "Entity List", "Parties"])), entity_header, entity_cells),
        (draw(st.sampled_from(["Holdings", "Shareholders", "Cap Table", "stakes"])), holding_header, holding_cells),
    ):
        ws = wb.create_sheet(title)
        for _ in range(draw(st.integers(0, 1))):
            ws.append([_storable(draw(st.text(min_size=1, max_size=20)))])
        ws.append(list(header))
        for entity in ids if cells is entity_cells else range(draw(st.integers(1, 6))):
            row = [sometimes_odd(cells[h]) for h in header]
            if cells is entity_cells and (clean or draw(st.integers(0, 5))):
                row[header.index("id")] = entity
            ws.append(row)


@st.composite
def workbooks(draw: st.DrawFn) -> bytes:
    """An xlsx workbook with random sheets, header cells, values and number formats, as bytes."""
    from openpyxl import Workbook

    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    if draw(st.booleans()):
        _shaped_sheets(wb, draw)
    titles = draw(st.lists(_SHEET_TITLES, min_size=0 if wb.worksheets else 1, max_size=3))
    for title in titles:
        if any(ws.title.casefold() == title.casefold() for ws in wb.worksheets):
            continue
        ws = wb.create_sheet(title)
        if draw(st.integers(0, 5)) == 0:
            ws.sheet_state = draw(st.sampled_from(["hidden", "veryHidden"]))
        _random_sheet(ws, draw)
    if all(ws.sheet_state != "visible" for ws in wb.worksheets):
        wb.worksheets[0].sheet_state = "visible"
    for ws in wb.worksheets:
        _apply_formats(ws, draw)
        if ws.max_row > 1 and draw(st.integers(0, 7)) == 0:
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=2)
    return _saved(wb)


@st.composite
def canonical_workbooks(draw: st.DrawFn) -> bytes:
    """A canonical Entities + Holdings workbook (valid-ish): the base the corruption strategy starts from."""
    from openpyxl import Workbook

    ids = draw(st.lists(st.sampled_from(_ID_POOL), min_size=1, max_size=4, unique=True))
    wb = Workbook()
    entities = wb.active
    assert entities is not None
    entities.title = "Entities"
    entities.append(["id", "name", "type", "jurisdiction", "headquarters"])
    for e in ids:
        entities.append([e, e, "company", draw(st.sampled_from(["CN", "HK", "US", "GB", ""])), None])
    holdings = wb.create_sheet("Holdings")
    holdings.append(["holder", "subject", "percent"])
    for _ in range(draw(st.integers(1, 4))):
        value = draw(st.one_of(st.sampled_from([0.1, 0.5, 0.6]), st.sampled_from(["30%", "25-50", "unknown"])))
        holdings.append([draw(st.sampled_from(ids)), draw(st.sampled_from(ids)), value])
        if isinstance(value, float):
            holdings.cell(holdings.max_row, 3).number_format = "0%"
    return _saved(wb)


# --- corruption -----------------------------------------------------------------------------------------------------


def _mutate(data: bytes, draw: st.DrawFn) -> bytes:
    """Flip, overwrite, insert, delete or cut bytes at random places (at least one change)."""
    buffer = bytearray(data)
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["flip", "set", "insert", "delete", "truncate", "duplicate"]))
        at = draw(st.integers(0, max(len(buffer) - 1, 0)))
        if op == "flip" and buffer:
            buffer[at] ^= 1 << draw(st.integers(0, 7))
        elif op == "set" and buffer:
            buffer[at] = draw(st.sampled_from([0x00, 0xFF, 0x22, 0x3C, 0x3E, 0x25, 0x2C, 0x0A, 0x80, 0xC3]))
        elif op == "insert":
            buffer[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif op == "delete":
            del buffer[at : at + draw(st.integers(1, 64))]
        elif op == "truncate":
            del buffer[at:]
        elif op == "duplicate":
            buffer[at:at] = buffer[at : at + draw(st.integers(1, 256))]
    return bytes(buffer)


def _mutate_member(data: bytes, draw: st.DrawFn) -> bytes:
    """Corrupt one member of an xlsx zip (sheet XML, shared strings, styles...) and zip it up again."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    target = draw(st.sampled_from([info.filename for info, _ in members]))
    note(f"corrupted member: {target}")
    rebuilt: list[tuple[str, bytes]] = []
    for info, content in members:
        if info.filename == target:
            if draw(st.integers(0, 4)) == 0:
                continue  # a missing member
            content = _mutate(content, draw)
        rebuilt.append((info.filename, content))
    return _zip(rebuilt)


_SAMPLE_BYTES: dict[str, bytes] = {}


def _sample(name: str) -> bytes:
    if name not in _SAMPLE_BYTES:
        _SAMPLE_BYTES[name] = (SAMPLES / name).read_bytes()
    return _SAMPLE_BYTES[name]


@st.composite
def corrupted_inputs(draw: st.DrawFn) -> tuple[bytes, str]:
    """A valid CSV or xlsx (generated or shipped) with random damage, and the file name to give it."""
    base = draw(st.sampled_from(["csv", "xlsx", "sample-csv", "sample-xlsx"]))
    if base == "csv":
        data, suffix = draw(holdings_csvs()), ".csv"
    elif base == "sample-csv":
        data, suffix = _sample("holdings.csv"), ".csv"
    elif base == "xlsx":
        data, suffix = draw(canonical_workbooks()), ".xlsx"
    else:
        data, suffix = _sample("cap_table.xlsx"), ".xlsx"
    in_member = suffix == ".xlsx" and draw(st.booleans())
    data = _mutate_member(data, draw) if in_member else _mutate(data, draw)
    suffix = draw(st.sampled_from([suffix, suffix, suffix, ".csv", ".xlsx", ".txt", ""]))
    return data, f"input{suffix}"


# --- the tests ------------------------------------------------------------------------------------------------------


@_fuzz_settings(ci_examples=120)
@given(data=holdings_csvs(), suffix=st.sampled_from([".csv", ".csv", ".txt", ".CSV"]))
def test_fuzz_holdings_csv(data: bytes, suffix: str) -> None:
    _check_cli(data, f"holdings{suffix}", "csv")


@_fuzz_settings(ci_examples=120)
@given(case=corrupted_inputs())
def test_fuzz_corrupted_bytes(case: tuple[bytes, str]) -> None:
    data, name = case
    _check_cli(data, name, "corrupt")


@_fuzz_settings(ci_examples=80)
@given(data=workbooks(), suffix=st.sampled_from([".xlsx", ".xlsx", ".xlsm", ".csv", ""]))
def test_fuzz_random_workbooks(data: bytes, suffix: str) -> None:
    _check_cli(data, f"book{suffix}", "workbook")


# --- issue 16: output paths, policy files, JSON numbers -----------------------------------------------------------

#: P (CN) holds 60% of T (DE): a flagged input for the tests whose subject is not the input.
_FLAGGED_CSV = b"holder,holder_jurisdiction,subject,subject_jurisdiction,percent\nP,CN,T,DE,60\nQ,US,T,DE,10\n"

_OUTPUT_KINDS = (
    "new",
    "existing file",
    "missing folder",
    "folder",
    "symlink to input",
    "hard link to input",
    "dot-dot to input",
    "dangling symlink",
    "symlink to a report",
    "device",
    "watch list",
    "policy file",
)
#: Kinds where the output is a file the run reads: always refused.
_READS = {"symlink to input", "hard link to input", "dot-dot to input", "watch list", "policy file"}
_SUFFIXES = (".json", ".csv", ".md", ".txt", ".xlsx", ".parquet")
_NAME_CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="/\x00")


@contextlib.contextmanager
def _inside(folder: Path) -> Iterator[None]:
    """Run with ``folder`` as the working directory (where the project's policy file is looked for)."""
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def _snapshot(folder: Path) -> dict[str, tuple[int, bytes | None]]:
    """Every entry of ``folder`` (recursively) with its file type and, for regular files, its bytes."""
    found: dict[str, tuple[int, bytes | None]] = {}
    for path in sorted(folder.rglob("*")):
        mode = path.lstat().st_mode
        data = path.read_bytes() if stat.S_ISREG(mode) else None
        found[str(path.relative_to(folder))] = (stat.S_IFMT(mode), data)
    return found


def _make_output(folder: Path, kind: str, name: str) -> Path | None:
    """Make the output path of ``kind`` in ``folder`` (None: this machine cannot make it)."""
    target = folder / name
    if kind == "existing file":
        target.write_bytes(b"an old report")
    elif kind == "missing folder":
        target = folder / "nowhere" / name
    elif kind == "folder":
        target.mkdir()
    elif kind == "symlink to input":
        target.symlink_to(folder / "in.csv")
    elif kind == "hard link to input":
        os.link(folder / "in.csv", target)
    elif kind == "dot-dot to input":
        (folder / "sub").mkdir()
        target = folder / "sub" / ".." / "in.csv"
    elif kind == "dangling symlink":
        target.symlink_to(folder / "gone" / "x")
    elif kind == "symlink to a report":
        (folder / "real").write_bytes(b"old")
        target.symlink_to(folder / "real")
    elif kind == "device":
        try:
            os.mknod(target, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # like /dev/null, in the temp folder
        except PermissionError:
            return None
    elif kind == "watch list":
        target = folder / "list.csv"
    elif kind == "policy file":
        target = folder / "exposure.toml"
    return target


@_fuzz_settings(ci_examples=40)
@given(
    kind=st.sampled_from(_OUTPUT_KINDS),
    stem=st.text(_NAME_CHARS, min_size=1, max_size=12).filter(lambda t: t not in (".", "..")),
    suffix=st.sampled_from(_SUFFIXES),
)
def test_fuzz_output_paths(kind: str, stem: str, suffix: str) -> None:
    """Whatever -o names, the run answers (exit 0, 1 or 2 with one error line), never changes a file it reads,
    never replaces a device or a folder or a link, and leaves no temporary file behind."""
    from ownership.writers.output import TEMP_MARK

    with tempfile.TemporaryDirectory(prefix="exposure-fuzz-out-") as tmp:
        folder = Path(tmp)
        (folder / "in.csv").write_bytes(_FLAGGED_CSV)
        (folder / "list.csv").write_bytes(b"name,label\nQ,SDN\n")
        (folder / "exposure.toml").write_bytes(b"threshold = 50\n")
        try:
            target = _make_output(folder, kind, stem + suffix)
        except OSError as exc:  # a name this file system refuses (too long, invalid bytes)
            event(f"output: cannot make {kind}: {exc.strerror}")
            return
        if target is None:
            return
        before = _snapshot(folder)
        args = ["check", "in.csv", "-j", "CN", "--watchlist", "list.csv", "--format", suffix[1:], "-o", str(target)]
        args[args.index("--format") + 1] = {"md": "markdown", "txt": "table"}.get(suffix[1:], suffix[1:])
        with _inside(folder), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = CliRunner().invoke(app, args)
        after = _snapshot(folder)
    event(f"output {kind}: exit {result.exit_code}")
    note(f"-o {target!r} ({kind}): exit {result.exit_code}, stderr {result.stderr[-400:]!r}")
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1, 2)
    if result.exit_code == 2 or kind in _READS:
        lines = result.stderr.splitlines()
        assert result.exit_code == 2 and len(lines) == 1 and lines[0].startswith("exposure: error: -o "), lines
        assert "internal error" not in lines[0]
    for name in ("in.csv", "list.csv", "exposure.toml"):
        assert after[name] == before[name], f"{name} changed"
    for name, (kind_before, _) in before.items():
        if kind_before != stat.S_IFREG:
            assert after.get(name, (None,))[0] == kind_before, f"{name} is no longer what it was"
    assert not [name for name in after if TEMP_MARK in name], after.keys()


_TOML_VALUES = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats().map(lambda x: "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf") if math.isinf(x) else repr(x)),
    st.text(max_size=20).map(lambda t: json.dumps(t, ensure_ascii=True)),
    st.sampled_from(
        ["true", "false", "[]", '["CN", "HK"]', '["lists/none.csv"]', "{}", "2024-07-02", "1979-05-27T07:32:00Z"]
    ),
    st.sampled_from(['"never"', '"possible"', '"flagged"', '"ofac"', '"uk"', '"50%"', '"ge"', '"lookthrough"']),
    st.lists(st.integers(-5, 200).map(str), max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
)


@st.composite
def policy_files(draw: st.DrawFn) -> tuple[str, bytes]:
    """A policy file (``exposure.toml``, or ``pyproject.toml`` with its ``[tool.exposure]`` table) with known and
    unknown keys, and values of every TOML type, or plain garbage."""
    from ownership.policy.settings import FILE_KEYS

    keys = st.one_of(st.sampled_from(FILE_KEYS), st.from_regex(r"[a-z_\-]{1,12}", fullmatch=True))
    lines = [f"{draw(keys)} = {draw(_TOML_VALUES)}" for _ in range(draw(st.integers(0, 6)))]
    text = "\n".join(lines) + "\n"
    if draw(st.integers(0, 9)) == 0:
        text = draw(st.text(max_size=80))
    name = draw(st.sampled_from(["exposure.toml", "pyproject.toml"]))
    if name == "pyproject.toml":
        text = (
            draw(st.sampled_from(["[tool.exposure]\n", "[project]\nname = 'x'\n[tool.exposure]\n", "tool = 3\n"]))
            + text
        )
    return name, text.encode("utf-8", "surrogatepass")


@_fuzz_settings(ci_examples=60)
@given(case=policy_files())
def test_fuzz_policy_files(case: tuple[str, bytes]) -> None:
    """Whatever the project's policy file holds, the run answers well, and a report records where fail_on
    came from."""
    name, data = case
    with tempfile.TemporaryDirectory(prefix="exposure-fuzz-policy-") as tmp:
        folder = Path(tmp)
        (folder / "in.csv").write_bytes(_FLAGGED_CSV)
        (folder / name).write_bytes(data)
        with _inside(folder), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = CliRunner().invoke(app, ["check", "in.csv", "-j", "CN", "--format", "json"])
    note(f"{name}: {data!r}")
    event(f"policy file: exit {result.exit_code}")
    problems = _problems(result, [(str(w.filename), str(w.message)) for w in caught])
    assert not problems, (problems, result.stderr[-300:])
    if result.exit_code in (0, 1):
        origins = json.loads(result.stdout)["policy"]["origins"]
        assert "fail_on" in origins and "watchlists" in origins


_JSON_SEEDS = ("bods/hand/bands.json", "bods/hand/lifecycle.json", "ftm/group.ftm.json", "gleif/api/lei-records.json")
_NUMBER = re.compile(r'(?<=":)\s*-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?')
_JSON_NUMBERS = st.one_of(
    st.integers(1, 6000).map(lambda n: "9" * n),
    st.integers(1, 6000).map(lambda n: "-1" + "0" * n),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.sampled_from(["1e999", "-1e999", "1E-400", "-0", "0.0", "100.0000000000000001", "1e308", "12.5e1", "5e-324"]),
    st.sampled_from(["NaN", "Infinity", "-Infinity", "0" * 4400 + ".5", "1" + "0" * 4400 + ".0"]),
)


@st.composite
def json_number_inputs(draw: st.DrawFn) -> tuple[bytes, str]:
    """A BODS, FtM or GLEIF file with one number replaced by, or one object given, an extreme number."""
    seed = draw(st.sampled_from(_JSON_SEEDS))
    text = (REPO / "tests" / "fixtures" / seed).read_text(encoding="utf-8")
    number = draw(_JSON_NUMBERS)
    spots = list(_NUMBER.finditer(text))
    if spots and draw(st.booleans()):
        spot = draw(st.sampled_from(spots))
        text = text[: spot.start()] + " " + number + text[spot.end() :]
    else:
        braces = [k for k, c in enumerate(text) if c == "{"]
        at = draw(st.sampled_from(braces)) + 1
        text = text[:at] + f'"fuzzNumber": {number}, ' + text[at:]
    return text.encode("utf-8"), Path(seed).name


@_fuzz_settings(ci_examples=40)
@given(case=json_number_inputs())
def test_fuzz_json_numbers(case: tuple[bytes, str]) -> None:
    data, name = case
    _check_cli(data, name, "json-number")


_FIXTURES = REPO / "tests" / "fixtures" / "fuzz"
_FIXTURE_CASES = (
    sorted(p.name for p in _FIXTURES.glob("*") if p.is_file() and p.suffix not in (".txt", ".md", ".log"))
    if _FIXTURES.is_dir()
    else []
)


@pytest.mark.parametrize("name", _FIXTURE_CASES or [pytest.param("", marks=pytest.mark.skip("no fuzz fixtures"))])
def test_fuzz_fixture_replay(name: str) -> None:
    """Every input kept in tests/fixtures/fuzz/ (each with a one-line .txt note) is re-run as a regression check."""
    data = (_FIXTURES / name).read_bytes()
    with tempfile.TemporaryDirectory(prefix="exposure-fuzz-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        result, python_warnings = _invoke(path)
        problems = _problems(result, python_warnings)
    assert not problems, f"{name}: {problems}; stderr: {result.stderr[-500:]!r}"
