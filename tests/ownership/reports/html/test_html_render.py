"""The sample's HTML report as a browser draws it: headless Chromium takes a screenshot and prints a PDF.

Needs Debian's ``chromium`` (``apt-get install chromium``). Without it the tests skip, except under CI
(``CI`` set), where a missing browser is a failure: the browser check must not pass by not running.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import zlib
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pytest

from ownership.model import Policy
from ownership.pipeline import check
from ownership.readers import read_input
from ownership.reports.html.report import render_html
from ownership.result import CheckResult

SAMPLE = Path(__file__).resolve().parents[4] / "data" / "samples" / "cap_table.xlsx"
WIDTH, HEIGHT = 1280, 2000
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
#: Colours the report's style sheet paints as solid fills (RGB): the verdict banner's word, the home badge,
#: and the possible and clear badges' backgrounds.
FLAGGED_RED = (0xB9, 0x1C, 0x1C)
HOME_MAROON = (0x7F, 0x1D, 0x1D)
POSSIBLE_AMBER = (0xFE, 0xF3, 0xC7)
CLEAR_GREEN = (0xF0, 0xFD, 0xF4)


@pytest.fixture(scope="module")
def chromium() -> str:
    path = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if path is None:
        message = "Chromium is not installed (apt-get install chromium): the HTML report cannot be checked in a browser"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="module")
def sample_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = read_input(SAMPLE, "cap_table.xlsx")
    result: CheckResult = check(data, Policy(jurisdictions=frozenset({"CN"}), as_of=date(2026, 6, 30)))
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(render_html(result, datetime(2026, 6, 30, 12, 0, tzinfo=UTC)), encoding="utf-8")
    return path


def _run(chromium: str, tmp_path: Path, *args: str) -> None:
    profile = tmp_path / "profile"
    profile.mkdir()
    done = subprocess.run(
        [chromium, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]


def decode_png(data: bytes) -> np.ndarray:
    """An 8-bit RGB or RGBA PNG, not interlaced, as a (height, width, 3) array of RGB values."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, chunks, header = 8, [], None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            chunks.append(body)
    assert header is not None
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, header
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(chunks))
    stride = width * bpp
    rows = np.empty((height, stride), np.uint8)
    prev = np.zeros(stride, np.uint8)
    for y in range(height):
        start = y * (stride + 1)
        kind = raw[start]
        line = np.frombuffer(raw, np.uint8, stride, start + 1).copy()
        if kind == 1:  # Sub: a running sum per channel, modulo 256
            line = np.cumsum(line.reshape(-1, bpp), axis=0, dtype=np.uint8).reshape(-1)
        elif kind == 2:  # Up
            line += prev
        elif kind in (3, 4):  # Average, Paeth: each byte needs the one decoded before it
            cur, up = bytearray(line.tobytes()), prev.tobytes()
            for i in range(stride):
                a = cur[i - bpp] if i >= bpp else 0
                b = up[i]
                if kind == 3:
                    cur[i] = (cur[i] + ((a + b) >> 1)) & 255
                    continue
                c = up[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                cur[i] = (cur[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            line = np.frombuffer(bytes(cur), np.uint8)
        rows[y] = line
        prev = line
    return rows.reshape(height, width, bpp)[:, :, :3]


def test_decode_png_reads_every_filter() -> None:
    """A 2x5 image with rows filtered None, Sub, Up, Average and Paeth, built by hand."""
    pixels = np.array(
        [[[10, 20, 30], [40, 50, 60]]] * 5,
        np.uint8,
    ) + np.arange(5, dtype=np.uint8).reshape(5, 1, 1)
    raw, prev = b"", np.zeros(6, np.int32)
    for kind, row in enumerate(pixels.reshape(5, 6).astype(np.int32)):
        left = np.concatenate([[0, 0, 0], row[:-3]])
        up_left = np.concatenate([[0, 0, 0], prev[:-3]])
        predict = [
            np.zeros(6, np.int32),
            left,
            prev,
            (left + prev) // 2,
            np.array([_paeth(a, b, c) for a, b, c in zip(left, prev, up_left, strict=True)]),
        ][kind]
        raw += bytes([kind]) + bytes(((row - predict) % 256).astype(np.uint8))
        prev = row

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 5, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
    assert (decode_png(png) == pixels).all()


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def _pixels_of(image: np.ndarray, colour: tuple[int, int, int]) -> int:
    return int(np.all(image == np.array(colour, np.uint8), axis=2).sum())


def test_screenshot_shows_a_coloured_report(chromium: str, sample_html: Path, tmp_path: Path) -> None:
    png = tmp_path / "report.png"
    _run(chromium, tmp_path, f"--screenshot={png}", f"--window-size={WIDTH},{HEIGHT}", sample_html.as_uri())
    data = png.read_bytes()
    assert len(data) > 50_000  # a blank page of this size compresses to a few kilobytes
    image = decode_png(data)
    assert image.shape == (HEIGHT, WIDTH, 3)
    white = np.all(image == 255, axis=2).mean()
    assert 0.2 < 1 - white < 0.9, f"{1 - white:.0%} of the page is not white"
    assert len(np.unique(image.reshape(-1, 3), axis=0)) > 500  # text, chart lines and fills, antialiased
    # The top of the page: the flagged verdict banner, and the status labels of the summary and the table.
    assert _pixels_of(image[:200], FLAGGED_RED) > 2_000
    for colour in (HOME_MAROON, POSSIBLE_AMBER, CLEAR_GREEN):
        assert _pixels_of(image, colour) > 500, colour


def test_prints_to_pdf(chromium: str, sample_html: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    _run(chromium, tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", sample_html.as_uri())
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    assert len(data) > 50_000
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))
    # the summary and chart, the entities table, a section per flagged or possible entity, the tables after
    assert pages >= 4
    assert max(int(n) for n in re.findall(rb"/Count (\d+)", data)) == pages
