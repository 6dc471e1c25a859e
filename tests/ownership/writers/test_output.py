"""The output writer (issue 16, items 1, 8, 15): failures name the path and the reason, and a failed or
interrupted write leaves the old file and no temporary file."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from ownership.writers.output import TEMP_MARK, OutputError, ReadFile, write_output


def test_a_full_disk_names_the_path_and_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "report.csv"
    target.write_text("old", encoding="utf-8")

    def fill(path: Path) -> None:
        path.write_bytes(b"partial")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OutputError) as info:
        write_output(target, fill)
    assert info.value.one_line() == f"-o {target}: cannot write it (No space left on device)"
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.csv"]


def test_an_interrupted_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    def interrupted(path: Path) -> None:
        path.write_bytes(b"partial")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_output(tmp_path / "r.json", interrupted)
    assert list(tmp_path.iterdir()) == []


def test_the_temporary_file_is_named_for_a_later_cleanup(tmp_path: Path) -> None:
    seen: list[str] = []
    write_output(tmp_path / "r.json", lambda path: (seen.append(path.name), path.write_text("{}"))[-1])
    assert seen[0].startswith(".r.json.") and seen[0].endswith(f"{TEMP_MARK}.json")
    assert (tmp_path / "r.json").read_text() == "{}"


def test_a_file_read_is_refused_with_both_names(tmp_path: Path) -> None:
    watch = tmp_path / "list.csv"
    watch.write_text("id\nX\n", encoding="utf-8")
    link = tmp_path / "out.csv"
    link.symlink_to(watch)
    with pytest.raises(OutputError) as info:
        write_output(link, "x", reads=[ReadFile("the watch list", watch)])
    assert info.value.one_line() == (
        f"-o {link}: is the watch list {watch}, which this run reads; choose another name for the output"
    )
    assert watch.read_text(encoding="utf-8") == "id\nX\n"
