"""A Chinese name in the HTML report is drawn with real glyphs, not empty boxes (issue 15).

Two reports that differ only in an entity's Chinese name are drawn by headless Chromium. Were the names
drawn as boxes (a font stack without a CJK face, or no such face installed), every character would be the
same box and the two screenshots identical; drawn with glyphs, they differ where the name is. Needs
Debian's ``chromium`` and ``fonts-noto-cjk`` (``.ci/run`` installs both); without them the test skips,
except under CI (``CI`` set), where it fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from ownership.model import Entity, Holding, OwnershipData, Policy, SourceInfo, Stake
from ownership.pipeline import check
from ownership.reports.html.report import render_html

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking")
#: The screenshot is taken once the page has settled (fonts loaded, scripts run, every compositor stage drawn),
#: not when the machine's load lets it: two renders of one page are compared pixel for pixel.
SETTLED = ("--virtual-time-budget=10000", "--run-all-compositor-stages-before-draw", "--hide-scrollbars")


def _missing() -> str | None:
    if not (shutil.which("chromium") or Path("/usr/bin/chromium").exists()):
        return "Chromium is not installed (apt-get install chromium)"
    fonts = (
        subprocess.run(["fc-list"], capture_output=True, text=True, check=False).stdout
        if shutil.which("fc-list")
        else ""
    )
    if "Noto Sans CJK" not in fonts:
        return "no CJK font is installed (apt-get install fonts-noto-cjk)"
    return None


@pytest.fixture(scope="module")
def chromium() -> str:
    problem = _missing()
    if problem is not None:
        if os.environ.get("CI"):
            pytest.fail(problem)
        pytest.skip(problem)
    return shutil.which("chromium") or "/usr/bin/chromium"


def _report(name: str) -> str:
    data = OwnershipData(
        (Entity("P", name, jurisdiction="CN"), Entity("T", "Target Ltd", jurisdiction="SG")),
        (Holding("P", "T", Stake.exact(0.6)),),
        SourceInfo("cjk.xlsx", "0" * 64, "workbook"),
    )
    result = check(data, Policy(jurisdictions=frozenset({"CN"}), as_of=date(2026, 6, 30)))
    return render_html(result, datetime(2026, 6, 30, 12, 0, tzinfo=UTC))


def _screenshot(chromium: str, html: str, tmp_path: Path, tag: str) -> bytes:
    page = tmp_path / f"{tag}.html"
    page.write_text(html, encoding="utf-8")
    png = tmp_path / f"{tag}.png"
    profile = tmp_path / f"profile-{tag}"
    profile.mkdir()
    done = subprocess.run(
        [
            chromium,
            *FLAGS,
            *SETTLED,
            f"--user-data-dir={profile}",
            f"--screenshot={png}",
            "--window-size=1280,1400",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return png.read_bytes()


def test_the_font_stack_names_cjk_faces() -> None:
    css = (Path(__file__).resolve().parents[4] / "ownership" / "reports" / "html" / "report.css").read_text("utf-8")
    assert '"Noto Sans CJK SC"' in css and '"Microsoft YaHei"' in css and '"PingFang SC"' in css
    assert '"Noto Sans CJK SC"' in _report("字节跳动")


def test_a_chinese_name_is_drawn(chromium: str, tmp_path: Path) -> None:
    first = _screenshot(chromium, _report("字节跳动有限公司"), tmp_path, "a")
    second = _screenshot(chromium, _report("腾讯控股有限公司"), tmp_path, "b")
    same = _screenshot(chromium, _report("字节跳动有限公司"), tmp_path, "c")
    assert first == same  # the page is drawn the same way twice, so a difference is the name's
    assert first != second, "two Chinese names drew the same pixels: they are drawn as boxes"
