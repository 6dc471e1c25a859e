"""The corpus of bad and messy inputs (issue 6): every file behaves as tests/fixtures/corpus/EXPECTED.toml says.

Each file is run through the real CLI (``exposure check FILE --format json`` plus the entry's ``args``) from
inside the corpus folder, so messages name the file as a user would have typed it. Whatever the file, the run
never shows a traceback and never changes the input. An entry marked ``pending`` describes behaviour the
product does not have yet: it is still run, and xfails with that reason; once it passes, the test fails so
that the mark is removed.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from cli.app import app

CORPUS = Path(__file__).resolve().parent / "fixtures" / "corpus"
MANIFEST = CORPUS / "EXPECTED.toml"
README = CORPUS / "README.md"
BUILDER = CORPUS / "make_corpus.py"
NOT_INPUTS = {MANIFEST.name, README.name, BUILDER.name}
#: The corpus is about reading messy files; the holders at the top of its structures are ultimate owners, as the
#: files were written for, so every run says so (the unknown-owners default is pinned in
#: tests/ownership/test_unknown_is_never_zero.py).
UNRECORDED = ["--unrecorded-holders", "ultimate"]
DEFAULT_ARGS = ["-j", "CN"]
KNOWN_KEYS = {
    "exit",
    "error",
    "where",
    "warnings",
    "args",
    "lookthrough_pct",
    "status",
    "contains",
    "longest_name",
    "max_message_chars",
    "pending",
}
#: "Well under 1 MB" for the whole corpus.
SIZE_BUDGET = 512 * 1024


def _manifest() -> dict[str, dict[str, Any]]:
    with MANIFEST.open("rb") as handle:
        files: dict[str, dict[str, Any]] = tomllib.load(handle)["files"]
    return files


ENTRIES = _manifest()


def _inputs() -> set[str]:
    return {p.name for p in CORPUS.iterdir() if p.is_file() and p.name not in NOT_INPUTS}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _texts(value: str | list[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _check_error(name: str, spec: dict[str, Any], result: Result) -> None:
    lines = result.stderr.splitlines()
    assert len(lines) == 1, f"expected one stderr line, got {len(lines)}: {lines[:5]}"
    line = lines[0]
    assert line.startswith("exposure: error:"), line
    assert name in line, f"the message does not name the file: {line}"
    for text in _texts(spec.get("error")) + _texts(spec.get("where")):
        assert text in line, f"{text!r} not in: {line}"
    assert result.stdout == "", f"a failed run printed a report: {result.stdout[:200]!r}"


def _check_report(spec: dict[str, Any], result: Result) -> None:
    try:
        doc = json.loads(result.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"stdout is not JSON (exit {result.exit_code}); stderr: {result.stderr[:500]!r}")
    assert "exposure: error" not in result.stderr, result.stderr[:500]
    warnings = doc["warnings"]
    codes = {w["code"] for w in warnings}
    for code in spec.get("warnings", []):
        assert code in codes, f"warning {code!r} missing; got {sorted(codes)}"
    entities = {e["id"]: e for e in doc["entities"]}
    for entity_id, (low, high) in spec.get("lookthrough_pct", {}).items():
        assert entity_id in entities, f"{entity_id} not in the report: {sorted(entities)[:10]}"
        figure = entities[entity_id]["lookthrough_pct"]
        assert (figure["low"], figure["high"]) == (pytest.approx(low, abs=1e-6), pytest.approx(high, abs=1e-6)), (
            f"{entity_id} look-through {figure}, expected [{low}, {high}]"
        )
    for entity_id, status in spec.get("status", {}).items():
        assert entity_id in entities, f"{entity_id} not in the report: {sorted(entities)[:10]}"
        assert entities[entity_id]["status"] == status, f"{entity_id} is {entities[entity_id]['status']}"
    text = json.dumps(doc, ensure_ascii=False)
    for expected in spec.get("contains", []):
        assert expected in text, f"{expected!r} does not appear in the report"
    if "longest_name" in spec:
        longest = max(len(e["name"]) for e in doc["entities"])
        assert longest == spec["longest_name"], f"the longest name has {longest} characters"
    if "max_message_chars" in spec:
        limit = spec["max_message_chars"]
        for w in warnings:
            assert len(w["message"]) <= limit, f"a {w['code']} message has {len(w['message'])} characters"
            assert len(w["where"] or "") <= limit, f"a {w['code']} location has {len(w['where'])} characters"
        budget = limit * (len(warnings) + 2)
        assert len(result.stderr) <= budget, f"stderr has {len(result.stderr)} characters (budget {budget})"


def _check(name: str, spec: dict[str, Any], result: Result) -> None:
    for stream in (result.stdout, result.stderr):
        assert "Traceback" not in stream, stream[-2000:]
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == spec["exit"], (
        f"exit {result.exit_code}, expected {spec['exit']}; stderr: {result.stderr[:500]!r}"
    )
    if spec["exit"] == 2:
        _check_error(name, spec, result)
    else:
        _check_report(spec, result)


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_corpus_file(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = ENTRIES[name]
    path = CORPUS / name
    before = _sha256(path)
    listing = sorted(p.name for p in CORPUS.iterdir())
    # From inside the corpus folder: messages show the name as typed, and no project policy file applies.
    monkeypatch.chdir(CORPUS)
    args = [*spec.get("args", DEFAULT_ARGS), *UNRECORDED]
    result = CliRunner().invoke(app, ["check", name, "--format", "json", *args])

    # Never modifies its input, nor writes beside it: unconditional, pending or not.
    assert _sha256(path) == before, f"{name} was modified"
    assert sorted(p.name for p in CORPUS.iterdir()) == listing, "the run created or removed files in the corpus"

    pending = spec.get("pending")
    try:
        _check(name, spec, result)
    except AssertionError as exc:
        if pending:
            pytest.xfail(f"pending: {pending} [{str(exc).splitlines()[0][:300]}]")
        raise
    if pending:
        pytest.fail(f"{name} now behaves as EXPECTED.toml says: remove its `pending` mark ({pending})")


def test_manifest_lists_every_file() -> None:
    assert set(ENTRIES) == _inputs()
    for name, spec in ENTRIES.items():
        assert set(spec) <= KNOWN_KEYS, f"{name}: unknown keys {set(spec) - KNOWN_KEYS}"
        assert spec["exit"] in (0, 1, 2), name
        if spec["exit"] == 2:
            assert spec.get("error"), f"{name}: an exit-2 entry needs `error`"
            assert not {"warnings", "lookthrough_pct", "status", "contains"} & set(spec), name
        else:
            assert "error" not in spec and "where" not in spec, name


def test_readme_describes_every_file() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    for name in ENTRIES:
        assert sum(f"`{name}`" in line for line in lines) == 1, f"README.md needs one line for {name}"


def test_corpus_is_small() -> None:
    total = sum((CORPUS / name).stat().st_size for name in _inputs())
    assert total < SIZE_BUDGET, f"the corpus is {total:,} bytes"


def test_corpus_is_reproducible(tmp_path: Path) -> None:
    """make_corpus.py rebuilds every file byte for byte (run it after changing it, and commit the output)."""
    subprocess.run([sys.executable, str(BUILDER), str(tmp_path)], check=True, capture_output=True)
    built = {p.name for p in tmp_path.iterdir()}
    assert built == _inputs()
    changed = [name for name in sorted(built) if (tmp_path / name).read_bytes() != (CORPUS / name).read_bytes()]
    assert not changed, f"rerun tests/fixtures/corpus/make_corpus.py: {changed}"
