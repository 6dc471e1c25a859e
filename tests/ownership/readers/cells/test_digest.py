"""The digests the reports record can be checked with ``sha256sum``, by the command the README gives."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from ownership.readers import read_input

README = Path(__file__).resolve().parents[4] / "README.md"


def readme_command() -> str:
    """The shell line under 'Digests can be checked by hand' in the README's Reliability section."""
    text = README.read_text(encoding="utf-8")
    found = re.search(r"\*\*Digests can be checked by hand\*\*.*?```sh\n(.*?)\n\s*```", text, re.DOTALL)
    assert found is not None, "the README no longer says how the folder digest is built"
    return found.group(1).strip()


@pytest.mark.skipif(shutil.which("sha256sum") is None or shutil.which("bash") is None, reason="needs coreutils")
@pytest.mark.parametrize("extra", ["", "Z,Zeta,US\n"], ids=["fast reader", "row reader"])
def test_the_readme_command_gives_the_folder_digest(tmp_path: Path, extra: str) -> None:
    # A blank line in holdings.csv sends the folder to the row reader; both must record the same digest.
    (tmp_path / "entities.csv").write_text("id,name,jurisdiction\nA,Alpha,CN\nB,Beta,GB\n" + extra, encoding="utf-8")
    blank = "\n" if extra else ""
    (tmp_path / "holdings.csv").write_text(f"holder,subject,percent\nA,B,60\n{blank}", encoding="utf-8")
    done = subprocess.run(
        ["bash", "-c", readme_command()], cwd=tmp_path, capture_output=True, check=True, text=True, timeout=30
    )
    assert read_input(tmp_path, display="group").source.sha256 == done.stdout.split()[0]


def test_a_file_digest_is_its_sha256(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text("holder,subject,percent\nA,B,60\n", encoding="utf-8")
    assert read_input(path, display="h.csv").source.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
