"""The files a run read besides its input (policy file, watch lists), with their SHA-256, for the audit
reports: a decision depends on them as much as on the input, so they are identified the same way."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class FileDigest:
    """One file the run read.

    Attributes:
        role: what it was to the run: "policy file", "watch list".
        path: the file as named (``--policy``, ``--watchlist``, the policy file's ``watchlists``) or found.
        absolute: the same file as an absolute path, so a report read elsewhere still says which file.
        sha256: its SHA-256 (hex) when the run read it.
        keys: for a policy file, the settings it gave ("fail_on", "threshold"), in file order.
    """

    role: str
    path: str
    absolute: str
    sha256: str
    keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class Provenance:
    """What a report records about the files behind a decision, besides the input."""

    files: tuple[FileDigest, ...] = ()

    @property
    def policy_file(self) -> FileDigest | None:
        return next((f for f in self.files if f.role == "policy file"), None)


def digest(role: str, path: Path, keys: Iterable[str] = ()) -> FileDigest:
    """``path`` with its SHA-256, read now in blocks (the run has just read it).

    Raises:
        OSError: the file can no longer be read.
    """
    from ownership.readers.cells.digest import file_sha256

    return FileDigest(role, str(path), str(path.absolute()), file_sha256(path), tuple(keys))


def document(provenance: Provenance) -> list[Mapping[str, Any]]:
    """The files as JSON-ready data."""
    return [
        {"role": f.role, "path": f.path, "absolute_path": f.absolute, "sha256": f.sha256, "keys": list(f.keys)}
        for f in provenance.files
    ]
