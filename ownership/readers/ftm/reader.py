"""FollowTheMoney (FtM) entities into the ownership model.

FtM is the entity model behind OpenSanctions and Aleph. A file holds one JSON object per line (or a JSON
array of them): ``{"id", "schema", "properties": {name: [text, ...]}}``, every property a list of strings.

What is read, and the choices made where FtM leaves room:

* Parties are the LegalEntity schemata: LegalEntity, Person, Organization, Company and PublicBody. The
  display name is ``caption`` (FtM's own pick among the names), else the first ``name``, else the id.
* Countries are lowercase codes. An organisation's country of incorporation is its first ``jurisdiction``,
  else its first ``country``, else its first ``mainCountry``; a different ``mainCountry`` is its
  headquarters; every further ``jurisdiction`` is another place of incorporation and every further
  ``country`` (where FtM links the party, typically its address) another headquarters country, kept in
  ``other_countries``. A person's ``nationality``, ``citizenship`` (and a ``jurisdiction``) are nationalities,
  ``country`` and ``mainCountry`` residences: the first of each fills ``jurisdiction`` and ``headquarters``,
  the others are kept with their kind (every kind counts for a person).
  FtM's codes for places that are not one present-day country (``zz``, ``eu``, ``suhh``, ``cy-trnc``...)
  leave the country unknown, with a warning; any other unrecognised code is an error.
* Each ``Ownership`` is a holding owner -> asset. ``percentage`` is read like a percent cell (``"51"``,
  ``"51%"``, ``"25-50"``); several different values give the range between them. Without a percentage
  the stake is unknown, 0-100%: the owner holds something, but how much is not said (``sharesCount`` alone
  cannot give it, since FtM records no shares outstanding). ``startDate``/``endDate`` bound the holding; a
  year or month alone is read as its first day for a start and its last day for an end, so the holding
  counts whenever it may have been in force. ``role``, ``ownershipType`` and the share details go into
  the holding's source text with the FtM id.
* Registers re-issue the same stake as it changes, and FtM keeps the old records with the original start
  date, so one owner can have several records in force at once for the same asset (50%, 48% and 51% of
  the same company). They describe one stake, not three: summing them would count it three times. While
  records of the same owner, asset and share type overlap, they are read as one stake spanning their
  percentages (a record without a percentage adds nothing where another gives one), and split into
  periods where the set of records in force changes. An ``overlapping_records`` warning names them.
* An ownership whose ``ownershipType`` says indirect is a declared indirect interest
  (``Holding.indirect``): the owner's share held through others, kept whether or not the chain is in the
  file; graph preparation decides how it counts.
* Directorships, family ties, sanctions, addresses and the other schemata carry no equity: they are not
  read, and one ``ignored_record`` warning per schema says how many were set aside. Directors are not
  treated as control: running a company is not owning or controlling it.
* An owner or asset the file does not describe becomes an entity of unknown country (``unknown_reference``);
  one that is not a legal entity (a vessel, a plot of land) makes the holding unusable (``ignored_record``).
* Records with the same id are fragments of one entity and are merged, as FtM does. References to an id
  listed in another entity's ``referents`` resolve to that entity.

The reading is split by stage: ``ftm_records`` (the file into records), ``ftm_parties`` (records merged by
id, parties into entities), ``ftm_claims`` (Ownership records) and ``ftm_periods`` (overlapping records).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Final

from ownership.errors import InputError, Location
from ownership.model import OwnershipData, SourceInfo
from ownership.readers.canonical.row import Problems
from ownership.readers.cells.tables import ReadLimits
from ownership.readers.ftm.claims import ClaimReader
from ownership.readers.ftm.parties import Catalogue
from ownership.readers.ftm.periods import holdings
from ownership.readers.ftm.records import entity_records, is_entity, json_objects

__all__ = ["looks_like_ftm", "read_ftm"]

_NOT_FTM: Final = re.compile(r'"(?:statementI[dD]|recordDetails|statementType|recordType|company_number)"\s*:')
_SCHEMA_KEY: Final = re.compile(r'"schema"\s*:\s*"[A-Z][A-Za-z]*"')
_PROPERTIES_KEY: Final = re.compile(r'"properties"\s*:\s*\{')


def looks_like_ftm(head: str) -> bool:
    """Whether ``head`` (the first ~64 KiB of a file, decoded) is FtM JSON lines or a JSON array of FtM
    entities: objects with an ``id``, a capitalised ``schema`` name and a ``properties`` object.

    BODS statements and UK PSC snapshot lines have neither ``schema`` nor ``properties`` and are refused.
    """
    text = head.lstrip("\ufeff \t\r\n")
    if text.startswith("["):
        text = text[1:].lstrip()
    if not text.startswith("{"):
        return False
    try:
        first, _ = json.JSONDecoder().raw_decode(text)
    except (ValueError, RecursionError):
        # The first object may be cut off at the end of the head: judge by its keys.
        start = text[:65536]
        return bool(_SCHEMA_KEY.search(start) and _PROPERTIES_KEY.search(start) and not _NOT_FTM.search(start))
    return is_entity(first)


def read_ftm(path: Path, name: str, limits: ReadLimits) -> OwnershipData:
    """Read FtM entities (JSON lines, or a JSON array) into entities and holdings.

    Stakes come out as fractions 0..1 (``"51"`` in ``percentage`` is 0.51). Every entity and holding
    carries the file row (line) it was read from; holdings name their FtM Ownership id in ``source``.

    Args:
        path: the file to read.
        name: the file name to use in messages.
        limits: caps on the file's size, lines and line length.

    Raises:
        InputError: the file is not FtM JSON, or an entity cannot be used (a bad percentage, date or country,
            an Ownership without one owner and one asset); the message names the file and row.
    """
    if not path.is_file():
        raise InputError("no such file", Location(name))
    digest = hashlib.sha256()
    problems = Problems()
    catalogue = Catalogue(name, problems)
    for line, value in json_objects(path, name, limits, digest):
        for record in entity_records(value, name, line):
            catalogue.add(record)
    entities = catalogue.entities()
    reader = ClaimReader(catalogue)
    found = holdings(reader.claims(entities), problems, catalogue.label)
    entities.extend(catalogue.created.values())
    catalogue.warn_ignored()
    reader.finish()
    problems.raise_first()
    if not entities and not found:
        raise InputError(
            "has no FtM legal entities (Person, Company, Organization, LegalEntity, PublicBody) and no Ownership",
            Location(name),
        )
    source = SourceInfo(name, digest.hexdigest(), "ftm")
    return OwnershipData(tuple(entities), tuple(found), source, tuple(problems.warnings))
