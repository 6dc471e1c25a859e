"""UK Companies House "Persons with Significant Control" (PSC) snapshot into the ownership model.

The snapshot is JSON Lines, one PSC (or statement, or exemption) of one company per line; the bulk product
comes in several parts. The "BasicCompanyData" product (CSV, or the same rows as JSON) may be read with it,
for the companies' registered names and countries of origin; without it a company is named by its number.

What each record becomes is described in ``ownership.readers.psc.build``; ids and countries in
``ownership.readers.psc.parties``; natures of control in ``ownership.readers.psc.natures``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from ownership.errors import InputError, Location
from ownership.model import OwnershipData, SourceInfo
from ownership.readers.cells.digest import combined_sha256
from ownership.readers.cells.tables import ReadLimits
from ownership.readers.psc.build import SnapshotBuilder
from ownership.readers.psc.files import company_rows, file_role, looks_like_psc, read_head, records

__all__ = ["looks_like_company_data", "looks_like_psc", "read_psc"]


def looks_like_company_data(head: str) -> bool:
    """Whether ``head`` (the first ~64 KiB of a file, as text) starts Companies House BasicCompanyData (a CSV
    with CompanyName and CompanyNumber columns, or JSON objects with a CompanyNumber): a companion of a
    PSC snapshot that ``read_psc`` reads for names and countries."""
    return file_role(head) in ("company-json", "company-csv")


def _display(paths: Sequence[Path], name: str, path: Path) -> str:
    """How a file is named in messages: the input's name for a single file given as itself, else
    ``<name>/<file>`` (the files of a folder)."""
    if len(paths) == 1 and Path(name).name == path.name:
        return name
    return f"{name.rstrip('/')}/{path.name}"


def read_psc(paths: Sequence[Path], name: str, limits: ReadLimits) -> OwnershipData:
    """Read a PSC snapshot: one part, or the parts of one snapshot with optional company data files.

    Args:
        paths: PSC snapshot files (JSON Lines, or a JSON array of the same records) and, optionally,
            BasicCompanyData files (CSV or JSON); each is recognised by its content.
        name: the input as the user gave it: the file, or the folder holding ``paths`` (files are then
            named ``<name>/<file>`` in messages).
        limits: caps on each file's size, lines and line length.

    Returns:
        Entities (companies, persons, state bodies; countries as ISO alpha-2 codes), holdings (stakes and
        votes as fractions 0..1 from the PSC bands, control flags), and warnings for everything not used.
        The source's SHA-256 is the file's, or for several files the SHA-256 of their names and hashes.

    Raises:
        InputError: a file is missing, passes the limits, is neither PSC data nor company data, or holds a
            record that cannot be read; the message names the file and line.
    """
    if not paths:
        raise InputError("no PSC snapshot file given", Location(name))
    files: list[tuple[Path, str, str]] = []
    for path in paths:
        display = _display(paths, name, path)
        if not path.is_file():
            raise InputError("no such file", Location(display))
        role = file_role(read_head(path))
        if role is None:
            raise InputError(
                'is neither a PSC snapshot (JSON lines of {"company_number": ..., "data": {...}}) nor Companies '
                "House company data (a CSV or JSON with CompanyNumber and CompanyName)",
                Location(display),
            )
        files.append((path, display, role))
    if not any(role == "psc" for _, _, role in files):
        raise InputError("has company data but no PSC snapshot file to go with it", Location(name))
    builder = SnapshotBuilder()
    hashes: dict[Path, str] = {}
    # Every PSC record first, so that the company data (millions of rows in the bulk product) is streamed
    # past the companies the records name rather than held in memory.
    for path, display, role in sorted(files, key=lambda f: f[2] != "psc"):
        digest = hashlib.sha256()
        if role == "psc":
            for line, value in records(path, display, limits, digest):
                builder.add(value, Location(display, row=line))
        else:
            builder.apply_companies(company_rows(path, display, role, limits, digest, builder.problems.warnings))
        hashes[path] = digest.hexdigest()
    entities, holdings, warnings = builder.finish()
    if not entities:
        raise InputError("has no PSC records (only the snapshot's totals line)", Location(name))
    sha = hashes[paths[0]] if len(paths) == 1 else combined_sha256(sorted((p.name, h) for p, h in hashes.items()))
    return OwnershipData(tuple(entities), tuple(holdings), SourceInfo(name, sha, "uk-psc"), tuple(warnings))
