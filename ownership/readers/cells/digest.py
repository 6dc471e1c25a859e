"""The SHA-256 a reader records in ``SourceInfo``: of one file, or of several files by name and digest."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path


def file_sha256(path: Path) -> str:
    """The file's SHA-256 (hex), read in blocks of 1 MiB."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def combined_sha256(files: Iterable[tuple[str, str]]) -> str:
    """The SHA-256 over several files, each given as (name, hex digest), in the order given: of one line per
    file, ``name``, a NUL byte, the hex digest and a newline, so that ``sha256sum`` can check it (the README's
    Reliability section gives the command)."""
    digest = hashlib.sha256()
    for name, sha in files:
        digest.update(name.encode() + b"\0" + sha.encode() + b"\n")
    return digest.hexdigest()
